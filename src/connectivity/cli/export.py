"""``connectivity export``: results as GIS files for QGIS and other GIS programs.

``export network``, ``export route``, ``export flows``, ``export criticality`` and
``export portfolio`` compute what the matching command computes and write the layers
of :mod:`connectivity.report.geo` to ``--out``: a GeoPackage (``.gpkg``, every layer),
GeoJSON (``.geojson``) or GeoParquet (``.parquet``, ``.geoparquet``), one layer per file
for the last two (pick it with ``--layer``). See ``docs/outputs.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import (
    add_network_options,
    add_route_conditions,
    add_scenario_options,
    assign_by_method,
    check_output_path,
    demand,
    network,
    scenario,
)

if TYPE_CHECKING:
    import geopandas as gpd


__all__ = ["register"]

_KINDS = ("links", "crossings", "ports", "places", "countries")
_PORTFOLIO_METHODS = ("milp", "greedy", "bcr", "brute_force", "bilevel")
_NETWORK_LAYERS = ("links", "crossings", "places")
_ROUTE_LAYERS = ("legs", "stops")


def _add_output(p: argparse.ArgumentParser, layers: tuple[str, ...] = ()) -> None:
    p.add_argument("--out", required=True, metavar="FILE",
                   help="file to write: .gpkg (every layer), .geojson, .parquet or "
                        ".geoparquet (one layer each)")
    p.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    if layers:
        p.add_argument("--layer", choices=layers,
                       help="write only this layer (needed for .geojson and .parquet)")


def _add_demand(p: argparse.ArgumentParser) -> None:
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")


def register(sub: Any) -> None:
    """Add ``export`` and its subcommands to the ``connectivity`` parser."""
    top = sub.add_parser("export", help="write results as GIS files (GeoPackage, GeoJSON, "
                                        "GeoParquet)",
                         description="Write the network or a result as map layers in "
                                     "EPSG:4326 (see docs/outputs.md).")
    what = top.add_subparsers(dest="what", required=True, metavar="WHAT")

    p = what.add_parser("network", help="links, crossings and places",
                        description="The network as layers links, crossings and places; "
                                    "the scenario options decide which are open.")
    add_network_options(p)
    add_scenario_options(p)
    _add_output(p, _NETWORK_LAYERS)
    p.set_defaults(run=_cmd_network)

    p = what.add_parser("route", help="a least-cost route's legs and stops")
    p.add_argument("origin", help="origin place: id, name or alias")
    p.add_argument("destination", help="destination place: id, name or alias")
    add_route_conditions(p)
    add_network_options(p)
    add_scenario_options(p)
    _add_output(p, _ROUTE_LAYERS)
    p.set_defaults(run=_cmd_route)

    p = what.add_parser("flows", help="tonnes per year on every link")
    p.add_argument("--method", choices=("aon", "so", "ue"), default="aon",
                   help="all-or-nothing, system optimum or user equilibrium (default aon)")
    _add_demand(p)
    add_network_options(p)
    add_scenario_options(p)
    _add_output(p)
    p.set_defaults(run=_cmd_flows)

    p = what.add_parser("criticality", conflict_handler="resolve",
                        help="each element removed in turn, ranked, on the map")
    p.add_argument("--elements", choices=_KINDS, default="links", help="what to remove")
    p.add_argument("--method", choices=("aon", "so"), default="aon",
                   help="re-routing: all-or-nothing or the system optimum")
    p.add_argument("--candidates", metavar="IDS",
                   help="ids to evaluate, comma separated (default: every element)")
    p.add_argument("--top", type=int, default=0, metavar="N",
                   help="keep the N most critical (default 0: every element)")
    _add_demand(p)
    add_network_options(p)
    add_scenario_options(p)
    p.add_argument("--commodity", default=None,
                   help="only this commodity's demand (default: every commodity)")
    _add_output(p)
    p.set_defaults(run=_cmd_criticality)

    p = what.add_parser("portfolio", help="candidate projects, selected or not, on the map")
    p.add_argument("--budget", type=float, required=True, metavar="USD",
                   help="most the selected projects may cost, USD")
    p.add_argument("--method", choices=_PORTFOLIO_METHODS, default="milp",
                   help="prioritization method (default milp)")
    p.add_argument("--projects", metavar="IDS",
                   help="candidate project ids, comma separated (default: every project "
                        "that is not existing and has a cost)")
    p.add_argument("--cost", choices=("central", "low", "high"), default="central",
                   help="which capital cost of each project to use")
    p.add_argument("--time-limit", type=float, metavar="S",
                   help="milp, bilevel: stop after S seconds with the best design")
    _add_demand(p)
    add_network_options(p)
    add_scenario_options(p)
    _add_output(p)
    p.set_defaults(run=_cmd_portfolio)


def _target(args: argparse.Namespace, layers: tuple[str, ...] = ()) -> Path:
    """``--out`` checked before any work: known suffix, writable, not there already, and
    one of ``layers`` chosen for a one-layer format."""
    from connectivity.io.geofile import GEOFILE_SUFFIXES

    out = check_output_path(args.out, "--out")
    if out.suffix.lower() not in GEOFILE_SUFFIXES:
        raise ValueError(f"--out {args.out!r}: unknown suffix {out.suffix or '(none)'!r}; "
                         f"allowed: {', '.join(GEOFILE_SUFFIXES)}")
    if out.exists() and not args.overwrite:
        raise ValueError(f"--out {args.out!r} exists; add --overwrite to replace it")
    if out.suffix.lower() != ".gpkg" and layers and args.layer is None:
        raise ValueError(f"--out {args.out!r} holds one layer; add --layer with one of "
                         f"{', '.join(layers)}, or write a .gpkg")
    return out


def _write(args: argparse.Namespace, out: Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    from connectivity.io.geofile import write_layers

    chosen = getattr(args, "layer", None)
    if chosen is not None:
        layers = {chosen: layers[chosen]}
    write_layers(layers, out, overwrite=args.overwrite)
    sizes = ", ".join(f"{name} ({len(gdf)} rows)" for name, gdf in layers.items())
    print(f"wrote {sizes} to {out}")


def _ids(text: str | None, option: str) -> list[str] | None:
    if text is None:
        return None
    ids = [x.strip() for x in text.split(",") if x.strip()]
    if not ids:
        raise ValueError(f"{option} {text!r} names no id")
    return ids


def _cmd_network(args: argparse.Namespace) -> None:
    from connectivity.report.geo import network_layers

    out = _target(args, _NETWORK_LAYERS)
    _write(args, out, network_layers(network(args), scenario=scenario(args)))


def _cmd_route(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.report.geo import route_layers
    from connectivity.routing import route

    out = _target(args, _ROUTE_LAYERS)
    comp = compile_network(network(args))
    r = route(comp, args.origin, args.destination, commodity=args.commodity,
              scenario=scenario(args), via=args.via or (),
              require_modes=args.require_mode or ())
    _write(args, out, route_layers(r, comp))


def _cmd_flows(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.report.geo import flow_layer

    out = _target(args)
    net = network(args)
    comp = compile_network(net)
    result = assign_by_method(args, comp, demand(args, net), scenario(args))
    _write(args, out, {"flows": flow_layer(result, comp)})


def _cmd_criticality(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.report.geo import criticality_layer
    from connectivity.scenarios import criticality

    if args.top < 0:
        raise ValueError(f"--top {args.top} must be >= 0 (0: every element)")
    out = _target(args)
    net = network(args)
    comp = compile_network(net)
    result = criticality(comp, demand(args, net), elements=args.elements,
                         method=args.method, candidates=_ids(args.candidates, "--candidates"),
                         top=args.top or None, commodity=args.commodity,
                         scenario=scenario(args))
    _write(args, out, {"criticality": criticality_layer(result, comp)})


def _cmd_portfolio(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.invest import prioritize
    from connectivity.report.geo import portfolio_layer

    out = _target(args)
    net = network(args)
    comp = compile_network(net)
    p = prioritize(comp, demand(args, net), budget=args.budget, method=args.method,
                   projects=_ids(args.projects, "--projects"), scenario=scenario(args),
                   cost=args.cost, time_limit=args.time_limit, commodity=args.commodity)
    _write(args, out, {"portfolio": portfolio_layer(p, comp)})
