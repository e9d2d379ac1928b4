"""The ``connectivity`` command line: places, validate, route, skim, pareto, demo.

Run ``connectivity --help`` or ``connectivity COMMAND --help``. Output formats are
``table`` (for people), ``json`` and ``csv`` (for other tools). Errors print one line
naming the bad value and exit with status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from connectivity._report import fmt, format_table
from connectivity.compiled import CompiledNetwork, compile_network
from connectivity.errors import ConnectivityError
from connectivity.network import Network, load_bundled, read_network
from connectivity.routing import Route, alternatives, pareto_routes, route, skim
from connectivity.scenario import Scenario, read_scenario

__all__ = ["main"]


def _network(args: argparse.Namespace) -> Network:
    if getattr(args, "data", None):
        return read_network(args.data)
    return load_bundled()


def _scenario(args: argparse.Namespace) -> Scenario:
    base = read_scenario(args.scenario) if getattr(args, "scenario", None) else Scenario()
    changes: dict[str, Any] = {}
    if getattr(args, "modes", None):
        changes["modes"] = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if getattr(args, "avoid_country", None):
        changes["avoid_countries"] = tuple(base.avoid_countries) + tuple(args.avoid_country)
    if getattr(args, "close", None):
        changes["closed_places"] = tuple(base.closed_places) + tuple(args.close)
    if getattr(args, "close_link", None):
        changes["closed_links"] = tuple(base.closed_links) + tuple(args.close_link)
    if getattr(args, "close_crossing", None):
        changes["closed_crossings"] = tuple(base.closed_crossings) + tuple(args.close_crossing)
    if getattr(args, "project", None):
        changes["projects"] = tuple(base.projects) + tuple(args.project)
    if getattr(args, "year", None) is not None:
        changes["year"] = args.year
    if getattr(args, "carbon_price", None) is not None:
        changes["carbon_price_usd_per_t_co2e"] = args.carbon_price
    if not changes:
        return base
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    fields.update(changes)
    if "name" not in changes and base.name == "base":
        fields["name"] = "custom"
    return Scenario(**fields)


def _add_network_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="folder of network CSVs (default: bundled)")


def _add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--commodity", default="container", help="commodity id (default container)")
    p.add_argument("--modes", help="allowed modes, comma separated (e.g. rail,road)")
    p.add_argument("--avoid-country", action="append", metavar="CC",
                   help="ISO alpha-2 country to avoid (repeatable)")
    p.add_argument("--close", action="append", metavar="PLACE", help="close a place")
    p.add_argument("--close-link", action="append", metavar="LINK", help="close a link")
    p.add_argument("--close-crossing", action="append", metavar="ID", help="close a crossing")
    p.add_argument("--project", action="append", metavar="ID",
                   help="switch on a link or crossing that is not yet open (repeatable)")
    p.add_argument("--year", type=int, help="planning year: opens links due by then")
    p.add_argument("--carbon-price", type=float, metavar="USD",
                   help="carbon price, USD per tonne CO2e")
    p.add_argument("--scenario", metavar="FILE", help="scenario TOML file")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json", "csv"),
                default: str = "table") -> None:
    p.add_argument("--format", choices=choices, default=default)


def _add_route_conditions(p: argparse.ArgumentParser) -> None:
    p.add_argument("--via", action="append", metavar="PLACE",
                   help="pass through this place (repeatable, in order)")
    p.add_argument("--require-mode", action="append", metavar="MODE",
                   help="use this mode on at least one link (repeatable), e.g. ferry")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connectivity",
        description="Multimodal freight network planning for China and Central Asia.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("places", help="list the places of the network")
    _add_network_options(p)
    _add_format(p)

    p = sub.add_parser("validate", help="validate network tables and report every problem")
    _add_network_options(p)

    p = sub.add_parser("route", help="least generalized-cost route between two places")
    p.add_argument("origin")
    p.add_argument("destination")
    p.add_argument("--alternatives", type=int, metavar="K",
                   help="the K best loopless routes (JSON: a list)")
    _add_route_conditions(p)
    _add_network_options(p)
    _add_scenario_options(p)
    _add_format(p)

    p = sub.add_parser("pareto", help="Pareto-optimal routes over cost, time (and CO2e)")
    p.add_argument("origin")
    p.add_argument("destination")
    p.add_argument("--criteria", default="cost_usd_per_t,time_h",
                   help="two or three of cost_usd_per_t,time_h,co2e_kg_per_t,distance_km")
    _add_route_conditions(p)
    _add_network_options(p)
    _add_scenario_options(p)
    _add_format(p)

    p = sub.add_parser("skim", help="origin-destination matrices")
    p.add_argument("--origins", nargs="+", required=True)
    p.add_argument("--destinations", nargs="+")
    _add_network_options(p)
    _add_scenario_options(p)
    _add_format(p, default="csv")

    p = sub.add_parser(
        "assign", help="assign freight demand: all-or-nothing, system optimum, equilibrium")
    p.add_argument("--method", choices=("aon", "so", "ue"), default="aon")
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    p.add_argument("--gap", type=float, default=1e-4, help="relative gap to stop UE at")
    p.add_argument("--max-iter", type=int, default=500, help="UE iteration limit")
    p.add_argument("--algorithm", choices=("fw", "cfw", "bfw"), default="bfw",
                   help="UE algorithm: Frank-Wolfe, conjugate or biconjugate")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs", help="LP solver")
    p.add_argument("--so-formulation", choices=("origin", "paths"), default="origin",
                   help="system optimum LP: origin-based arcs or path column generation")
    p.add_argument("--time-limit", type=float, metavar="S", help="LP time limit, seconds")
    p.add_argument("--solver-log", action="store_true",
                   help="print the LP solver's log before the report (quiet by default)")
    p.add_argument("--top", type=int, default=10, help="rows per table in the report")
    p.add_argument("--tntp-net", metavar="NET", help="TNTP _net file (research networks)")
    p.add_argument("--tntp-trips", metavar="TRIPS", help="TNTP _trips file")
    p.add_argument("--toll-factor", type=float, default=0.0, help="TNTP: cost per toll unit")
    p.add_argument("--distance-factor", type=float, default=0.0,
                   help="TNTP: cost per length unit")
    p.add_argument("--flows-out", metavar="FILE",
                   help="TNTP: write from,to,volume,cost per link in net-file order")
    _add_network_options(p)
    _add_scenario_options(p)
    _add_format(p)

    p = sub.add_parser("demo", help="the main corridor report on the bundled data")
    p.add_argument("--commodity", default="container")
    _add_format(p, choices=("table", "json"))
    return parser


def _route_rows(routes: Sequence[Route]) -> list[list[object]]:
    return [
        [i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t, r.co2e_kg_per_t,
         r.distance_km, r.generalized_cost_usd_per_t, ", ".join(r.crossings) or "-"]
        for i, r in enumerate(routes)
    ]


_ROUTE_HEAD = ["#", "modes", "time_h", "cost_usd_per_t", "co2e_kg_per_t", "distance_km",
               "gen_cost_usd_per_t", "crossings"]


def _print_route_table(r: Route) -> None:
    print(f"{r.origin} -> {r.destination}  commodity={r.commodity}  scenario={r.scenario}")
    print(f"  total: {fmt(r.time_h)} h, {fmt(r.distance_km, 0)} km, "
          f"{fmt(r.cost_usd_per_t)} USD/t, {fmt(r.co2e_kg_per_t)} kg CO2e/t, "
          f"generalized {fmt(r.generalized_cost_usd_per_t)} USD/t")
    print("  crossings: " + (", ".join(r.crossings) or "none"))
    rows = [[leg.mode, leg.from_place, leg.to_place, leg.distance_km, leg.time_h,
             leg.cost_usd_per_t, leg.co2e_kg_per_t] for leg in r.legs]
    print(format_table(["mode", "from", "to", "distance_km", "time_h", "cost_usd_per_t",
                        "co2e_kg_per_t"], rows))


def _csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def _cmd_places(args: argparse.Namespace) -> None:
    places = _network(args).places
    cols = ["place_id", "name", "country", "lon", "lat", "kind", "terminals"]
    if args.format == "json":
        records = []
        for row in places[cols].to_dict("records"):
            row["terminals"] = [t for t in str(row["terminals"]).split(";") if t]
            records.append(row)
        print(json.dumps(records, indent=1, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(_csv(cols, places[cols].itertuples(index=False)))
    else:
        print(format_table(cols, [list(r) for r in places[cols].itertuples(index=False)]))


def _cmd_validate(args: argparse.Namespace) -> None:
    net = _network(args)
    print(f"ok: {len(net.places)} places, {len(net.links)} links, "
          f"{len(net.crossings)} crossings, {len(net.transfers)} transfers, "
          f"{len(net.modes)} modes, {len(net.commodities)} commodities")


def _cmd_route(args: argparse.Namespace) -> None:
    comp = compile_network(_network(args))
    scen = _scenario(args)
    via = args.via or ()
    required = args.require_mode or ()
    if args.alternatives:
        routes = alternatives(comp, args.origin, args.destination, k=args.alternatives,
                              commodity=args.commodity, scenario=scen, via=via,
                              require_modes=required)
    else:
        routes = [route(comp, args.origin, args.destination, commodity=args.commodity,
                        scenario=scen, via=via, require_modes=required)]
    _emit_routes(routes, args.format, single=not args.alternatives)


def _emit_routes(routes: Sequence[Route], form: str, *, single: bool) -> None:
    if form == "json":
        data: Any = routes[0].to_dict() if single else [r.to_dict() for r in routes]
        print(json.dumps(data, indent=1, ensure_ascii=False))
    elif form == "csv":
        sys.stdout.write(_csv(_ROUTE_HEAD, _route_rows(routes)))
    else:
        for i, r in enumerate(routes):
            if len(routes) > 1:
                print(f"\nroute {i + 1} of {len(routes)}")
            _print_route_table(r)


def _cmd_pareto(args: argparse.Namespace) -> None:
    criteria = [c.strip() for c in args.criteria.split(",") if c.strip()]
    routes = pareto_routes(_network(args), args.origin, args.destination, criteria=criteria,
                           commodity=args.commodity, scenario=_scenario(args),
                           via=args.via or (), require_modes=args.require_mode or ())
    if args.format == "table":
        print(f"{len(routes)} Pareto-optimal routes over {', '.join(criteria)}")
        print(format_table(_ROUTE_HEAD, _route_rows(routes)))
    else:
        _emit_routes(routes, args.format, single=False)


def _cmd_skim(args: argparse.Namespace) -> None:
    result = skim(_network(args), args.origins, args.destinations,
                  commodity=args.commodity, scenario=_scenario(args))
    frame = result.to_frame()
    if args.format == "json":
        print(frame.to_json(orient="records", indent=1))
    elif args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    else:
        print(format_table(list(frame.columns), frame.values.tolist()))


def _cmd_assign(args: argparse.Namespace) -> None:
    if args.tntp_net or args.tntp_trips:
        _assign_tntp(args)
        return
    from connectivity.demand import load_bundled_demand, read_demand
    from connectivity.flows import assign_aon, assign_equilibrium, assign_system_optimum

    net = _network(args)
    comp = compile_network(net)
    demand = read_demand(args.demand, net) if args.demand else load_bundled_demand(net)
    scen = _scenario(args)
    if args.method == "aon":
        result = assign_aon(comp, demand, scenario=scen)
    elif args.method == "so":
        result = assign_system_optimum(comp, demand, scenario=scen, solver=args.solver,
                                       formulation=args.so_formulation,
                                       time_limit=args.time_limit, msg=args.solver_log)
    else:
        result = assign_equilibrium(comp, demand, commodity=args.commodity, scenario=scen,
                                    algorithm=args.algorithm, gap=args.gap,
                                    max_iter=args.max_iter)
    links = result.links.sort_values("flow_t_per_year", ascending=False)
    crossings = result.crossings.sort_values("flow_t_per_year", ascending=False)
    binding = result.binding()
    totals: dict[str, Any] = {
        "method": result.method, "scenario": result.scenario,
        "demand_t_per_year": float(demand["tonnes_per_year"].sum()),
        "unserved_t_per_year": result.unserved_t,
        "total_cost_usd_per_year": result.total_cost_usd,
        "total_tkm_per_year": result.total_tkm, "total_t_h_per_year": result.total_t_h,
        "total_co2e_t_per_year": result.total_co2e_t, "seconds": result.seconds,
    }
    if result.solve is not None:
        totals["solver_status"] = result.solve.status.value
        totals["objective"] = result.solve.objective
    if result.relative_gap is not None:
        totals["relative_gap"] = float(result.relative_gap[-1])
        totals["iterations"] = int(len(result.relative_gap))
    if args.format == "csv":
        sys.stdout.write(result.links.to_csv(index=False))
        return
    if args.format == "json":
        totals["links"] = json.loads(links.head(args.top).to_json(orient="records"))
        totals["crossings"] = json.loads(crossings.head(args.top).to_json(orient="records"))
        totals["terminals"] = json.loads(result.terminals.to_json(orient="records"))
        totals["binding"] = json.loads(binding.to_json(orient="records"))
        totals["unserved"] = json.loads(result.unserved.to_json(orient="records"))
        print(json.dumps(totals, indent=1))
        return
    print(f"assignment {result.method} ({result.scenario}): "
          f"{fmt(totals['demand_t_per_year'] / 1e6, 2)} Mt/yr demand, "
          f"{fmt(result.unserved_t / 1e6, 2)} Mt/yr unserved")
    print(f"  cost {fmt(result.total_cost_usd / 1e9, 3)} bn USD/yr, "
          f"{fmt(result.total_tkm / 1e9, 2)} bn t-km, "
          f"{fmt(result.total_co2e_t / 1e6, 3)} Mt CO2e/yr, {result.seconds:.2f} s")
    if result.solve is not None:
        print(f"  solver: {result.solve.status.value}")
    if result.relative_gap is not None:
        print(f"  relative gap {result.relative_gap[-1]:.2e} after "
              f"{len(result.relative_gap)} iterations")
    cols = ["link_id", "from_place", "to_place", "mode", "flow_t_per_year", "utilisation"]
    print("\nmost loaded links")
    print(format_table(cols, links[cols].head(args.top).values.tolist()))
    ccols = ["crossing_id", "from_place", "to_place", "flow_t_per_year", "utilisation"]
    print("\nmost loaded crossings")
    print(format_table(ccols, crossings[ccols].head(args.top).values.tolist()))
    if len(result.terminals):
        tcols = ["place_id", "terminal", "flow_t_per_year", "capacity_t_per_year",
                 "utilisation"]
        terms = result.terminals.sort_values("utilisation", ascending=False)
        print("\nterminal throughput")
        print(format_table(tcols, terms[tcols].values.tolist()))
    if len(binding):
        print("\nbinding capacities (shadow price: USD saved per extra tonne of capacity)")
        print(format_table(list(binding.columns), binding.values.tolist()))
    elif result.method == "so":
        print("\nno capacity binds")


def _assign_tntp(args: argparse.Namespace) -> None:
    from connectivity.tntp import read_net, read_trips, tntp_equilibrium, write_flows

    if not (args.tntp_net and args.tntp_trips):
        raise ValueError("TNTP assignment needs both --tntp-net and --tntp-trips")
    if args.method != "ue":
        raise ValueError(f"--method {args.method}: TNTP networks are assigned with --method ue")
    net = read_net(args.tntp_net)
    trips = read_trips(args.tntp_trips)
    result = tntp_equilibrium(net, trips, toll_factor=args.toll_factor,
                              distance_factor=args.distance_factor, algorithm=args.algorithm,
                              gap=args.gap, max_iter=args.max_iter)
    if args.flows_out:
        write_flows(args.flows_out, net, result.flow, result.cost)
    out = {
        "tstt": result.tstt, "beckmann": result.beckmann,
        "relative_gap": float(result.relative_gap[-1]), "iterations": result.iterations,
        "seconds": result.seconds, "converged": result.converged,
        "algorithm": result.algorithm,
    }
    if args.format == "json":
        print(json.dumps(out, indent=1))
    else:
        print(format_table(list(out), [list(out.values())]))


DEMO_ORIGINS = ("Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar")
DEMO_DESTINATIONS = ("Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat", "Baku",
                     "Duisburg")
DEMO_CHAINS = (("best", None), ("rail", ("rail",)), ("road", ("road",)))


def demo_routes(compiled: CompiledNetwork, commodity: str = "container") -> list[dict[str, Any]]:
    """The demo's table: each gateway to each capital and onward, best / rail / road."""
    from connectivity.errors import NoRouteError

    rows: list[dict[str, Any]] = []
    for o in DEMO_ORIGINS:
        for d in DEMO_DESTINATIONS:
            for label, modes in DEMO_CHAINS:
                scen = Scenario(name=label, modes=modes)
                try:
                    r = route(compiled, o, d, commodity=commodity, scenario=scen)
                except NoRouteError:
                    rows.append({"origin": o, "destination": d, "option": label,
                                 "modes": "no route"})
                    continue
                rows.append({
                    "origin": o, "destination": d, "option": label,
                    "modes": "-".join(r.modes), "time_h": r.time_h,
                    "cost_usd_per_t": r.cost_usd_per_t, "co2e_kg_per_t": r.co2e_kg_per_t,
                    "distance_km": r.distance_km,
                    "crossings": ", ".join(r.crossings) or "-",
                })
    return rows


def _cmd_demo(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    net = load_bundled()
    comp = compile_network(net)
    rows = demo_routes(comp, args.commodity)
    if args.format == "json":
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    print("connectivity demo: China -> Central Asia -> Caspian / Europe corridors")
    print(f"bundled network: {len(net.places)} places, {len(net.links)} links, "
          f"{len(net.crossings)} border crossings; commodity {args.commodity}; "
          "base year (only existing links)")
    head = ["destination", "option", "modes", "time_h", "cost_usd_per_t",
            "co2e_kg_per_t", "distance_km", "crossings"]
    for o in DEMO_ORIGINS:
        print(f"\nfrom {o}")
        table = [[r["destination"], r["option"], r["modes"], r.get("time_h"),
                  r.get("cost_usd_per_t"), r.get("co2e_kg_per_t"), r.get("distance_km"),
                  r.get("crossings", "-")] for r in rows if r["origin"] == o]
        print(format_table(head, table))
    print(f"\n{len(rows)} routes in {time.perf_counter() - start:.1f} s. "
          "Costs are per tonne; time includes border dwell and transfers.")


_COMMANDS = {
    "places": _cmd_places,
    "validate": _cmd_validate,
    "route": _cmd_route,
    "pareto": _cmd_pareto,
    "skim": _cmd_skim,
    "assign": _cmd_assign,
    "demo": _cmd_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``connectivity`` command."""
    args = _parser().parse_args(argv)
    try:
        _COMMANDS[args.command](args)
    except (ConnectivityError, ValueError, FileNotFoundError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"connectivity {args.command}: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (``connectivity demo | head``): stop quietly, and point
        # stdout at /dev/null so that the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return 0


if __name__ == "__main__":
    sys.exit(main())
