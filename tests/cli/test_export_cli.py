"""``connectivity export``: each subcommand run in-process, its file read back with
geopandas; the output checks come before any work."""

from __future__ import annotations

import argparse
import sys

import geopandas as gpd
import pytest

import connectivity as cn
from clirun import run_cli
from connectivity.cli import export
from connectivity.errors import ConnectivityError


def _parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="connectivity")
    sub = top.add_subparsers(dest="command", required=True)
    export.register(sub)
    return top


def _main(argv: list[str]) -> int:
    """``connectivity`` with only the export group (until entry.py registers it), with
    the same error handling as :func:`connectivity.cli.main`."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (ConnectivityError, ValueError, KeyError, OSError) as exc:
        print(f"connectivity {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


@pytest.fixture
def run(capfd):
    def call(*args: str, check: bool = True):
        return run_cli(capfd, "export", *args, check=check, main=_main)
    return call


@pytest.fixture(scope="module")
def net() -> cn.Network:
    return cn.load_bundled()


def test_export_network(run, tmp_path, net) -> None:
    out = tmp_path / "net.gpkg"
    result = run("network", "--out", str(out))
    assert f"wrote links ({len(net.links)} rows)" in result.stdout
    assert sorted(gpd.list_layers(out)["name"]) == ["crossings", "links", "places"]
    links = gpd.read_file(out, layer="links")
    assert len(links) == len(net.links) and links.crs.to_epsg() == 4326
    assert len(gpd.read_file(out, layer="places")) == len(net.places)


def test_export_network_one_layer_with_a_scenario(run, tmp_path) -> None:
    out = tmp_path / "crossings.geojson"
    run("network", "--layer", "crossings", "--close-crossing", "X_KHORGOS_ALTYNKOL_RAIL",
        "--out", str(out))
    crossings = gpd.read_file(out).set_index("crossing_id")
    assert not crossings.loc["X_KHORGOS_ALTYNKOL_RAIL", "open"]
    assert crossings.loc["X_ALASHANKOU_DOSTYK_RAIL", "open"]


def test_export_route(run, tmp_path, net) -> None:
    out = tmp_path / "route.gpkg"
    run("route", "Urumqi", "Almaty", "--commodity", "container", "--out", str(out))
    legs = gpd.read_file(out, layer="legs")
    r = cn.route(net, "Urumqi", "Almaty")
    assert len(legs) == len(r.legs)
    assert list(legs["link_ids"]) == [";".join(leg.link_ids) for leg in r.legs]
    stops = gpd.read_file(out, layer="stops")
    assert list(stops["role"])[::len(stops) - 1] == ["origin", "destination"]


def test_export_flows(run, tmp_path, net) -> None:
    out = tmp_path / "flows.parquet"
    run("flows", "--method", "aon", "--out", str(out))
    flows = gpd.read_parquet(out)
    a = cn.assign_aon(net, cn.load_bundled_demand(net))
    assert len(flows) == len(net.links)
    assert flows["flow_t_per_year"].sum() == pytest.approx(a.links["flow_t_per_year"].sum())
    assert flows.attrs["units"]["flow_t_per_year"] == "t/year"


def test_export_criticality(run, tmp_path) -> None:
    out = tmp_path / "crit.gpkg"
    run("criticality", "--elements", "crossings", "--top", "3", "--out", str(out))
    crit = gpd.read_file(out, layer="criticality")
    assert len(crit) == 3 and set(crit.geom_type) == {"Point"}
    assert list(crit["rank"]) == [1, 2, 3]


def test_export_portfolio(run, tmp_path) -> None:
    out = tmp_path / "portfolio.geojson"
    run("portfolio", "--budget", "1e9", "--projects", "P03,P13,P27,P29", "--out", str(out))
    layer = gpd.read_file(out)
    assert sorted(layer["project_id"]) == ["P03", "P13", "P27", "P29"]
    assert layer["selected"].any()


@pytest.mark.parametrize(("args", "message"), [
    (["network", "--out", "{tmp}/net.shp"], "unknown suffix '.shp'; allowed: .gpkg"),
    (["network", "--out", "{tmp}/net.geojson"],
     "holds one layer; add --layer with one of links, crossings, places"),
    (["route", "Urumqi", "Almaty", "--out", "{tmp}/r.parquet"], "one of legs, stops"),
    (["flows", "--out", "{tmp}/nofolder/f.gpkg"], "does not exist"),
    (["criticality", "--top", "-1", "--out", "{tmp}/c.gpkg"], "--top -1 must be >= 0"),
])
def test_errors_name_the_value(run, tmp_path, args: list[str], message: str) -> None:
    result = run(*[a.format(tmp=tmp_path) for a in args], check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_existing_file_needs_overwrite(run, tmp_path) -> None:
    out = tmp_path / "places.geojson"
    run("network", "--layer", "places", "--out", str(out))
    result = run("network", "--layer", "places", "--out", str(out), check=False)
    assert result.returncode == 2 and "exists; add --overwrite" in result.stderr
    run("network", "--layer", "links", "--out", str(out), "--overwrite")
    assert "link_id" in gpd.read_file(out).columns


def test_every_argument_has_help() -> None:
    top = _parser()
    (sub,) = [a for a in top._actions if isinstance(a, argparse._SubParsersAction)]
    group = sub.choices["export"]
    (what,) = [a for a in group._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(what.choices) == ["criticality", "flows", "network", "portfolio", "route"]
    for name, p in what.choices.items():
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"export {name} {action.dest} has no help"
