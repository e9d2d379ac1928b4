"""``connectivity map``: PNG, SVG and HTML files of each map, and one-line errors that
name the bad value."""

from __future__ import annotations

import argparse
import functools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clirun import run_cli
from connectivity.cli import entry
from connectivity.cli import map as map_cli

SCENARIOS = Path(__file__).resolve().parents[2] / "data" / "scenarios"


@pytest.fixture
def cli(capfd, monkeypatch):
    """The ``connectivity`` command with ``map`` registered (until ``cli/entry.py`` does
    it itself, the parser is wrapped to add it; the command runs through the real
    ``main``)."""
    build = entry.parser

    def with_map() -> argparse.ArgumentParser:
        top = build()
        sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
        if "map" not in sub.choices:
            map_cli.register(sub)
        return top

    monkeypatch.setattr(entry, "parser", with_map)
    return functools.partial(run_cli, capfd, main=entry.main)


def _png_ok(path: Path) -> None:
    import matplotlib.image as mpimg

    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 300 and image.shape[1] > 600


def test_map_route_png(cli, tmp_path: Path) -> None:
    out = tmp_path / "route.png"
    res = cli("map", "route", "Urumqi", "Almaty", "--out", str(out))
    assert res.stdout.strip() == f"wrote {out}"
    _png_ok(out)


def test_map_network_svg_with_scenario(cli, tmp_path: Path) -> None:
    out = tmp_path / "network.svg"
    cli("map", "network", "--scenario", str(SCENARIOS / "northern_closed.toml"),
        "--out", str(out))
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    text = out.read_text(encoding="utf-8")
    assert "northern_closed" in text or "not open" in text


def test_map_flows_and_difference(cli, tmp_path: Path) -> None:
    flows = tmp_path / "flows.png"
    cli("map", "flows", "--method", "aon", "--out", str(flows))
    _png_ok(flows)
    diff = tmp_path / "diff.png"
    cli("map", "difference", "--scenario", str(SCENARIOS / "northern_closed.toml"),
        "--out", str(diff))
    _png_ok(diff)


def test_map_criticality(cli, tmp_path: Path) -> None:
    out = tmp_path / "crit.png"
    cli("map", "criticality", "--elements", "crossings", "--top", "5", "--out", str(out))
    _png_ok(out)


def test_map_html(cli, tmp_path: Path) -> None:
    pytest.importorskip("folium", reason="folium (the maps extra) is not installed")
    try:
        from connectivity.report import webmap  # noqa: F401
    except ImportError as exc:  # the interactive maps are another helper's module
        pytest.skip(f"connectivity.report.webmap not importable: {exc}")
    out = tmp_path / "route.html"
    cli("map", "route", "Urumqi", "Almaty", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and "leaflet" in text.lower()


def test_bad_suffix_is_one_line_naming_it(cli, tmp_path: Path) -> None:
    res = cli("map", "network", "--out", str(tmp_path / "map.pdf"), check=False)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1
    assert "'.pdf' is not a map format" in res.stderr and ".png, .svg, .html" in res.stderr
    assert not (tmp_path / "map.pdf").exists()


def test_unknown_place_is_one_line_naming_it(cli, tmp_path: Path) -> None:
    res = cli("map", "route", "Almatty", "Urumqi", "--out", str(tmp_path / "r.png"),
              check=False)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "Almatty" in res.stderr
    assert not (tmp_path / "r.png").exists()


def test_missing_folder_is_refused_before_work(cli, tmp_path: Path) -> None:
    res = cli("map", "network", "--out", str(tmp_path / "nope" / "n.png"), check=False)
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_every_option_has_help() -> None:
    top = argparse.ArgumentParser(prog="connectivity")
    sub = top.add_subparsers(dest="command")
    map_cli.register(sub)
    maps = next(a for a in sub.choices["map"]._actions
                if isinstance(a, argparse._SubParsersAction))
    assert set(maps.choices) == {"network", "route", "flows", "criticality", "difference"}
    for name, p in maps.choices.items():
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"map {name}: {action.dest} has no help"
