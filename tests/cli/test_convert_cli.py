"""``connectivity convert``: GMNS, OSMnx GraphML and GeoPackage, CSV, and back."""

from __future__ import annotations

import functools

import osmnx as ox
import pytest

import connectivity as cn
from clirun import run_cli
from connectivity.cli import convert, entry


@pytest.fixture
def run(capfd, monkeypatch):
    """The command line with ``convert`` registered (the lead adds it to entry.py)."""
    plain = entry.parser

    def parser():
        top = plain()
        sub = next(a for a in top._actions if hasattr(a, "choices") and
                   isinstance(a.choices, dict) and "route" in a.choices)
        if "convert" not in sub.choices:
            convert.register(sub)
        return top

    monkeypatch.setattr(entry, "parser", parser)
    return functools.partial(run_cli, capfd, main=entry.main)


def test_gmns_out_and_back_to_csv(tmp_path, run):
    res = run("convert", "--to", "gmns", "--out", str(tmp_path / "g"))
    assert "as gmns" in res.stdout and (tmp_path / "g" / "link.csv").is_file()
    run("convert", "--from", "gmns", str(tmp_path / "g"), "--to", "csv", "--out",
        str(tmp_path / "c"))
    back = cn.read_network(tmp_path / "c")
    net = cn.load_bundled()
    assert list(back.links["link_id"]) == list(net.links["link_id"])
    assert cn.route(back, "Xi'an", "Almaty").generalized_cost_usd_per_t == cn.route(
        net, "Xi'an", "Almaty").generalized_cost_usd_per_t


def test_osmnx_files(tmp_path, run):
    run("convert", "--to", "osmnx-graphml", "--out", str(tmp_path / "g.graphml"))
    assert ox.io.load_graphml(tmp_path / "g.graphml").number_of_nodes() == len(
        cn.load_bundled().places)
    run("convert", "--to", "osmnx-gpkg", "--out", str(tmp_path / "g.gpkg"))
    assert (tmp_path / "g.gpkg").stat().st_size > 0


def test_convert_errors(tmp_path, run):
    bad = run("convert", "--to", "osmnx-gpkg", "--out", str(tmp_path / "g.graphml"),
              check=False)
    assert bad.returncode == 2 and "writes a .gpkg file" in bad.stderr
    bad = run("convert", "--from", "tntp", str(tmp_path), "--to", "csv", "--out",
              str(tmp_path / "c"), check=False)
    assert bad.returncode == 2 and "--from 'tntp'" in bad.stderr
    bad = run("convert", "--from", "gmns", str(tmp_path / "none"), "--to", "csv",
              "--out", str(tmp_path / "c"), check=False)
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    (tmp_path / "f").write_text("x")
    bad = run("convert", "--to", "gmns", "--out", str(tmp_path / "f"), check=False)
    assert bad.returncode == 2 and "is a file" in bad.stderr
