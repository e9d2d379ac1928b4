"""``connectivity map``: the network, a route, flows, criticality or a scenario's change in
flows as a static map (PNG, SVG: :mod:`connectivity.report.maps`) or an interactive one
(HTML: :mod:`connectivity.report.webmap`), chosen by the suffix of ``--out``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from connectivity.cli.options import (
    add_network_options,
    add_scenario_options,
    assign_by_method,
    check_output_path,
    demand,
    network,
    scenario,
)

__all__ = ["register"]

_SUFFIXES = (".png", ".svg", ".html")
_ELEMENTS = ("links", "crossings", "ports", "places", "countries")


def register(sub: Any) -> None:
    """Add the ``map`` command and its five maps to the ``connectivity`` parser."""
    p = sub.add_parser(
        "map", help="draw the network, a route, flows, criticality or a change in flows",
        description="Draw a map: PNG or SVG (static, with a Natural Earth basemap) or HTML "
                    "(interactive), chosen by the suffix of --out. See docs/maps.md.")
    maps = p.add_subparsers(dest="map", required=True, metavar="MAP")

    q = maps.add_parser("network", help="links by mode, border crossings and ports")
    _common(q)
    q.set_defaults(run=_cmd_network)

    q = maps.add_parser("route", help="the least-cost route between two places")
    q.add_argument("origin", metavar="ORIGIN", help="place id, name or alias")
    q.add_argument("destination", metavar="DESTINATION", help="place id, name or alias")
    _common(q)
    q.set_defaults(run=_cmd_route)

    q = maps.add_parser("flows", help="tonnes per year on each link (line width)")
    _flow_options(q)
    _common(q)
    q.set_defaults(run=_cmd_flows)

    q = maps.add_parser("criticality",
                        help="the extra cost of losing each link, crossing, port or country")
    q.add_argument("--elements", choices=_ELEMENTS, default="links",
                   help="what to remove in turn (default links)")
    q.add_argument("--method", choices=("aon", "so"), default="aon",
                   help="re-routing: all-or-nothing or the system optimum (default aon)")
    q.add_argument("--top", type=int, default=20, metavar="N",
                   help="elements to draw, most critical first (default 20; 0: all)")
    q.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    _common(q)
    q.set_defaults(run=_cmd_criticality)

    q = maps.add_parser("difference", help="a scenario's flows minus the baseline's",
                        conflict_handler="resolve")
    _flow_options(q)
    _common(q)
    q.add_argument("--base", metavar="FILE",
                   help="baseline scenario TOML file (default: the base network)")
    q.add_argument("--scenario", metavar="FILE", required=True,
                   help="scenario TOML file whose flows are compared with the baseline's")
    q.set_defaults(run=_cmd_difference)


def _common(q: argparse.ArgumentParser) -> None:
    q.add_argument("--out", metavar="FILE", required=True,
                   help="output file: .png or .svg (static map) or .html (interactive)")
    add_network_options(q)
    add_scenario_options(q)


def _flow_options(q: argparse.ArgumentParser) -> None:
    q.add_argument("--method", choices=("aon", "so", "ue"), default="aon",
                   help="assignment: all-or-nothing, system optimum or user equilibrium "
                        "(default aon)")
    q.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")


def _out(args: argparse.Namespace) -> Path:
    """``--out``, refused before any work when its suffix or folder is wrong."""
    suffix = Path(args.out).suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValueError(f"--out {args.out!r}: suffix {suffix or '(none)'!r} is not a map "
                         f"format; use one of {', '.join(_SUFFIXES)}")
    return check_output_path(args.out, "--out")


def _save(kind: str, out: Path, *args: Any, **kwargs: Any) -> None:
    """Draw map ``kind`` (``network``, ``route``, ...) into ``out``, static or HTML."""
    if out.suffix.lower() == ".html":
        from connectivity.report import webmap

        m = getattr(webmap, f"{kind}_map")(*args, **kwargs)
        webmap.save_html(m, out)
    else:
        from connectivity.report import maps

        fig = getattr(maps, f"{kind}_figure")(*args, **kwargs)
        maps.save_figure(fig, out)
    print(f"wrote {out}")


def _cmd_network(args: argparse.Namespace) -> None:
    out = _out(args)
    scen = scenario(args) if _has_scenario(args) else None
    _save("network", out, network(args), scenario=scen)


def _has_scenario(args: argparse.Namespace) -> bool:
    keys = ("scenario", "modes", "avoid_country", "close", "close_link", "close_crossing",
            "project", "year", "carbon_price")
    return any(getattr(args, k, None) not in (None, []) for k in keys)


def _cmd_route(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.routing import route

    out = _out(args)
    comp = compile_network(network(args))
    found = route(comp, args.origin, args.destination, commodity=args.commodity,
                  scenario=scenario(args))
    _save("route", out, found, comp)


def _cmd_flows(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network

    out = _out(args)
    net = network(args)
    comp = compile_network(net)
    result = assign_by_method(args, comp, demand(args, net), scenario(args))
    _save("flows", out, result, comp)


def _cmd_criticality(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.scenarios import criticality

    out = _out(args)
    if args.top < 0:
        raise ValueError(f"--top {args.top} must be >= 0 (0: every element)")
    net = network(args)
    comp = compile_network(net)
    result = criticality(comp, demand(args, net), elements=args.elements,
                         method=args.method, top=args.top or None, scenario=scenario(args))
    _save("criticality", out, result, comp)


def _cmd_difference(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network

    out = _out(args)
    net = network(args)
    comp = compile_network(net)
    table = demand(args, net)
    # the baseline: the --base file (or the base network) with the same command-line
    # changes as the scenario, so the map shows what the scenario file changes
    base_args = argparse.Namespace(**{**vars(args), "scenario": args.base})
    base = assign_by_method(args, comp, table, scenario(base_args))
    other = assign_by_method(args, comp, table, scenario(args))
    _save("difference", out, base, other, comp)
