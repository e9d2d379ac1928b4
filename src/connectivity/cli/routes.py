"""``connectivity route``, ``connectivity pareto`` and ``connectivity skim``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import (
    add_format,
    add_network_options,
    add_route_conditions,
    add_scenario_options,
    network,
    print_json,
    scenario,
    to_csv,
)
from connectivity.report import fmt, format_table

if TYPE_CHECKING:
    from connectivity.routing import Route

__all__ = ["register", "ROUTE_HEAD", "route_rows"]


def register(sub: Any) -> None:
    """Add the commands to the ``connectivity`` parser."""
    p = sub.add_parser("route", help="least generalized-cost route between two places")
    p.add_argument("origin", help="place id or name to start from (see `connectivity places`)")
    p.add_argument("destination", help="place id or name to go to")
    p.add_argument("--alternatives", type=int, metavar="K",
                   help="the K best loopless routes (JSON: a list)")
    add_route_conditions(p)
    add_network_options(p)
    add_scenario_options(p)
    add_format(p)
    p.set_defaults(run=_cmd_route)

    p = sub.add_parser("pareto", help="Pareto-optimal routes over cost, time (and CO2e)")
    p.add_argument("origin", help="place id or name to start from (see `connectivity places`)")
    p.add_argument("destination", help="place id or name to go to")
    p.add_argument("--criteria", default="cost_usd_per_t,time_h",
                   help="two or three of cost_usd_per_t,time_h,co2e_kg_per_t,distance_km")
    add_route_conditions(p)
    add_network_options(p)
    add_scenario_options(p)
    add_format(p)
    p.set_defaults(run=_cmd_pareto)

    p = sub.add_parser("skim", help="origin-destination matrices")
    p.add_argument("--origins", nargs="+", required=True,
                   help="origin place ids or names (one or more)")
    p.add_argument("--destinations", nargs="+",
                   help="destination place ids or names (default: the origins)")
    p.add_argument("--out", metavar="FILE",
                   help="write the matrices to FILE.omx (one OMX matrix per measure) or "
                        "FILE.csv (long table) instead of printing them")
    add_network_options(p)
    add_scenario_options(p)
    add_format(p, default="csv")
    p.set_defaults(run=_cmd_skim)


def route_rows(routes: Sequence[Route]) -> list[list[object]]:
    """One table row per route: modes, time, money, CO2e, distance, crossings."""
    return [
        [i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
         "-" if r.cost_usd_per_teu is None else r.cost_usd_per_teu, r.co2e_kg_per_t,
         r.distance_km, r.generalized_cost_usd_per_t, ", ".join(r.crossings) or "-"]
        for i, r in enumerate(routes)
    ]


ROUTE_HEAD = ["#", "modes", "time_h", "cost_usd_per_t", "cost_usd_per_teu",
              "co2e_kg_per_t", "distance_km", "gen_cost_usd_per_t", "crossings"]


def _print_route_table(r: Route) -> None:
    print(f"{r.origin} -> {r.destination}  commodity={r.commodity}  scenario={r.scenario}")
    per_teu = "" if r.cost_usd_per_teu is None else f" ({fmt(r.cost_usd_per_teu, 0)} USD/TEU)"
    risk = f", risk {fmt(r.risk_usd_per_t)} USD/t" if r.risk_usd_per_t else ""
    print(f"  total: {fmt(r.time_h)} h ({fmt(r.time_h / 24)} days), "
          f"{fmt(r.distance_km, 0)} km, {fmt(r.cost_usd_per_t)} USD/t{per_teu}, "
          f"{fmt(r.co2e_kg_per_t)} kg CO2e/t{risk}, "
          f"generalized {fmt(r.generalized_cost_usd_per_t)} USD/t")
    print("  crossings: " + (", ".join(r.crossings) or "none"))
    rows = [[leg.mode, leg.from_place, leg.to_place, leg.distance_km, leg.time_h,
             leg.cost_usd_per_t, leg.co2e_kg_per_t] for leg in r.legs]
    print(format_table(["mode", "from", "to", "distance_km", "time_h", "cost_usd_per_t",
                        "co2e_kg_per_t"], rows))


def _cmd_route(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.routing import alternatives, route

    comp = compile_network(network(args))
    scen = scenario(args)
    via = args.via or ()
    required = args.require_mode or ()
    several = args.alternatives is not None
    if several:
        routes = alternatives(comp, args.origin, args.destination, k=args.alternatives,
                              commodity=args.commodity, scenario=scen, via=via,
                              require_modes=required)
    else:
        routes = [route(comp, args.origin, args.destination, commodity=args.commodity,
                        scenario=scen, via=via, require_modes=required)]
    _emit_routes(routes, args.format, single=not several)


def _emit_routes(routes: Sequence[Route], form: str, *, single: bool) -> None:
    if form == "json":
        data: Any = routes[0].to_dict() if single else [r.to_dict() for r in routes]
        print_json(data)
    elif form == "csv":
        sys.stdout.write(to_csv(ROUTE_HEAD, route_rows(routes)))
    else:
        for i, r in enumerate(routes):
            if len(routes) > 1:
                print(f"\nroute {i + 1} of {len(routes)}")
            _print_route_table(r)


def _cmd_pareto(args: argparse.Namespace) -> None:
    from connectivity.routing import pareto_routes

    criteria = [c.strip() for c in args.criteria.split(",") if c.strip()]
    routes = pareto_routes(network(args), args.origin, args.destination, criteria=criteria,
                           commodity=args.commodity, scenario=scenario(args),
                           via=args.via or (), require_modes=args.require_mode or ())
    if args.format == "table":
        print(f"{len(routes)} Pareto-optimal routes over {', '.join(criteria)}")
        print(format_table(ROUTE_HEAD, route_rows(routes)))
    else:
        _emit_routes(routes, args.format, single=False)


def _cmd_skim(args: argparse.Namespace) -> None:
    from connectivity.cli.options import check_output_path
    from connectivity.routing import skim

    out = args.out
    suffix = out.rsplit(".", 1)[-1].lower() if out and "." in out else ""
    if out and suffix not in ("omx", "csv"):
        raise ValueError(f"--out {out!r}: give a file ending in .omx or .csv")
    if out:
        check_output_path(out, "--out")
    result = skim(network(args), args.origins, args.destinations,
                  commodity=args.commodity, scenario=scenario(args))
    if out:
        if suffix == "omx":
            result.to_omx(out)
        else:
            result.to_csv(out)
        print(f"wrote {len(result.origins)} x {len(result.destinations)} skim to {out}")
        return
    frame = result.to_frame()
    if args.format == "json":
        print_json(frame.to_dict("records"))
    elif args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    else:
        print(format_table(list(frame.columns), frame.values.tolist()))


