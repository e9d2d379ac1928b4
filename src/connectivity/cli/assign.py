"""``connectivity assign``: all-or-nothing, system optimum, user equilibrium; TNTP files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import (
    add_format,
    add_network_options,
    add_scenario_options,
    check_output_path,
    network,
    print_json,
    scenario,
)
from connectivity.report import fmt, format_table

if TYPE_CHECKING:
    import pandas as pd

    from connectivity.assign import Assignment
    from connectivity.tables import Network

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the command to the ``connectivity`` parser."""
    p = sub.add_parser(
        "assign", help="assign freight demand: all-or-nothing, system optimum, equilibrium")
    p.add_argument("--method", choices=("aon", "so", "ue"), default="aon",
                   help="aon: all-or-nothing; so: capacity-constrained system optimum; "
                        "ue: user equilibrium (the only method for --tntp-net)")
    p.add_argument("--demand", metavar="FILE",
                   help="demand: a CSV table, or an OMX file with --demand-matrix and "
                        "--demand-commodity (default: bundled estimate)")
    p.add_argument("--demand-matrix", metavar="NAME",
                   help="OMX demand: the matrix of tonnes per year to read")
    p.add_argument("--demand-commodity", metavar="ID",
                   help="OMX demand: the commodity id of the matrix")
    p.add_argument("--demand-zones", metavar="LOOKUP", default="zones",
                   help="OMX demand: the lookup holding the place ids (default zones)")
    p.add_argument("--gap", type=float, default=1e-4, help="relative gap to stop UE at")
    p.add_argument("--max-iter", type=int, default=500, help="UE iteration limit")
    p.add_argument("--algorithm", choices=("fw", "cfw", "bfw", "bush"), default="bfw",
                   help="UE algorithm: Frank-Wolfe, conjugate or biconjugate Frank-Wolfe, "
                        "or bush (Algorithm B: to gaps of 1e-10 and below)")
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
    add_network_options(p)
    add_scenario_options(p)
    add_format(p)
    p.set_defaults(run=_cmd_assign)


def _cmd_assign(args: argparse.Namespace) -> None:
    if args.tntp_net or args.tntp_trips:
        _assign_tntp(args)
        return
    if args.flows_out:
        raise ValueError("--flows-out writes TNTP flows; it needs --tntp-net and --tntp-trips "
                         "(for the bundled network use --format csv)")
    # imported here so that the other commands start without the flow models
    from connectivity.assign import (
        assign_aon,
        assign_equilibrium,
        assign_system_optimum,
    )
    from connectivity.graph import compile_network
    from connectivity.tables import load_bundled_demand, split_intrazonal

    net = network(args)
    comp = compile_network(net)
    demand = _demand(args, net) if args.demand else load_bundled_demand(net)
    scen = scenario(args)
    result: Assignment
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
    routed, _ = split_intrazonal(demand)  # intrazonal rows are not routed
    totals = _totals(result, float(routed["tonnes_per_year"].sum()))
    if args.format == "csv":
        sys.stdout.write(result.links.to_csv(index=False))
    elif args.format == "json":
        _print_json(result, totals, args.top)
    else:
        _print_tables(result, totals, args.top)


def _demand(args: argparse.Namespace, net: Network) -> pd.DataFrame:
    """The demand of ``--demand``: a CSV table, or one matrix of an OMX file."""
    from connectivity.tables import read_demand

    omx = str(args.demand).lower().endswith(".omx")
    if not omx:
        if args.demand_matrix or args.demand_commodity:
            raise ValueError(f"--demand-matrix and --demand-commodity read an OMX file; "
                             f"--demand {args.demand!r} is not one (.omx)")
        return read_demand(args.demand, net)
    missing = [opt for opt, value in (("--demand-matrix", args.demand_matrix),
                                      ("--demand-commodity", args.demand_commodity))
               if not value]
    if missing:
        raise ValueError(f"--demand {args.demand!r} is an OMX file: give {' and '.join(missing)}")
    from connectivity.io.omx import read_demand_omx

    return read_demand_omx(args.demand, matrix=args.demand_matrix,
                           commodity=args.demand_commodity, mapping=args.demand_zones,
                           network=net)


def _totals(result: Assignment, demand_t: float) -> dict[str, Any]:
    totals: dict[str, Any] = {
        "method": result.method, "scenario": result.scenario,
        "demand_t_per_year": demand_t,
        "intrazonal_t_per_year": result.intrazonal_t,
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
    return totals


def _loaded(result: Assignment) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Links and crossings, most loaded first."""
    return (result.links.sort_values("flow_t_per_year", ascending=False),
            result.crossings.sort_values("flow_t_per_year", ascending=False))


def _print_json(result: Assignment, totals: dict[str, Any], top: int) -> None:
    links, crossings = _loaded(result)
    totals["links"] = json.loads(links.head(top).to_json(orient="records"))
    totals["crossings"] = json.loads(crossings.head(top).to_json(orient="records"))
    totals["terminals"] = json.loads(result.terminals.to_json(orient="records"))
    totals["binding"] = json.loads(result.binding().to_json(orient="records"))
    totals["unserved"] = json.loads(result.unserved.to_json(orient="records"))
    totals["intrazonal"] = json.loads(result.intrazonal.to_json(orient="records"))
    print_json(totals)


def _print_tables(result: Assignment, totals: dict[str, Any], top: int) -> None:
    links, crossings = _loaded(result)
    binding = result.binding()
    print(f"assignment {result.method} ({result.scenario}): "
          f"{fmt(totals['demand_t_per_year'] / 1e6, 2)} Mt/yr demand, "
          f"{fmt(result.unserved_t / 1e6, 2)} Mt/yr unserved"
          + (f", {fmt(result.intrazonal_t / 1e6, 2)} Mt/yr intrazonal (not routed)"
             if result.intrazonal_t else ""))
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
    print(format_table(cols, links[cols].head(top).values.tolist()))
    ccols = ["crossing_id", "from_place", "to_place", "flow_t_per_year", "utilisation"]
    print("\nmost loaded crossings")
    print(format_table(ccols, crossings[ccols].head(top).values.tolist()))
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
    from connectivity.assign import tntp_equilibrium
    from connectivity.io import read_net, read_trips, write_flows
    from connectivity.paths import numpy_pays

    if not (args.tntp_net and args.tntp_trips):
        raise ValueError("TNTP assignment needs both --tntp-net and --tntp-trips")
    if args.method != "ue":
        raise ValueError(f"--method {args.method}: TNTP networks are assigned with --method ue")
    if args.flows_out:
        check_output_path(args.flows_out, "--flows-out")
    net = read_net(args.tntp_net)
    trips = read_trips(args.tntp_trips)
    # one equilibrium per process: on a tiny network numpy's loads finish before numba
    # would have loaded (the bush algorithm's own kernels load it anyway)
    tiny = numpy_pays(net.n_nodes, net.n_links, trips.n_zones)
    method = "numpy" if tiny and args.algorithm != "bush" else "auto"
    result = tntp_equilibrium(net, trips, toll_factor=args.toll_factor,
                              distance_factor=args.distance_factor, algorithm=args.algorithm,
                              gap=args.gap, max_iter=args.max_iter, method=method)
    if args.flows_out:
        write_flows(args.flows_out, net, result.flow, result.cost)
    out = {
        "tstt": result.tstt, "beckmann": result.beckmann,
        "relative_gap": float(result.relative_gap[-1]), "iterations": result.iterations,
        "seconds": result.seconds, "converged": result.converged,
        "algorithm": result.algorithm, "intrazonal_trips": result.intrazonal,
    }
    if args.format == "json":
        print_json(out)
    else:
        print(format_table(list(out), [list(out.values())]))
