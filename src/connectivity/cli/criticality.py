"""``connectivity criticality`` and ``connectivity select-link``: the network's weak
points, and which flows use an element (:mod:`connectivity.scenarios.resilience`,
:mod:`connectivity.scenarios.attribution`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import (
    add_format,
    add_network_options,
    add_scenario_options,
    demand,
    network,
    print_json,
    scenario,
)
from connectivity.report import fmt, format_table

if TYPE_CHECKING:
    import pandas as pd

    from connectivity.scenarios import CriticalityResult, SelectLinkResult

__all__ = ["register"]

_KINDS = ("links", "crossings", "ports", "places", "countries")
_SHOWN = ["element_id", "name", "delta_cost_usd_per_year", "delta_cost_pct",
          "delta_unserved_t_per_year", "od_pairs_cut", "base_flow_t_per_year"]
_PAIRS_SHOWN = ["element_a", "element_b", "delta_cost_usd_per_year",
                "delta_unserved_t_per_year", "od_pairs_cut", "excess_cost_usd_per_year",
                "excess_unserved_t_per_year"]


def register(sub: Any) -> None:
    """Add the commands to the ``connectivity`` parser."""
    # "resolve": --commodity below replaces the shared option (its meaning differs here)
    p = sub.add_parser(
        "criticality", conflict_handler="resolve",
        help="remove each link, crossing, port or country in turn and rank the losses",
        description="Remove each element in turn (a mask on the compiled network) and "
                    "rank them by the tonnes left unserved, then by the extra generalized "
                    "cost of the tonnes still served; re-routed by all-or-nothing or the "
                    "system optimum. See docs/resilience.md.")
    p.add_argument("--elements", choices=_KINDS, default="links", help="what to remove")
    p.add_argument("--method", choices=("aon", "so"), default="aon",
                   help="re-routing: all-or-nothing or the system optimum")
    p.add_argument("--candidates", metavar="IDS",
                   help="ids to evaluate, comma separated (default: every element)")
    p.add_argument("--top", type=int, default=20, metavar="N",
                   help="rows to show, most critical first (default 20; 0: all)")
    p.add_argument("--pairs", nargs="?", type=int, const=10, default=0, metavar="K",
                   help="also remove every pair among the K most critical (default K 10)")
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    add_network_options(p)
    add_scenario_options(p)
    p.add_argument("--commodity", default=None,
                   help="only this commodity's demand (default: every commodity)")
    add_format(p)
    p.set_defaults(run=_cmd_criticality)

    p = sub.add_parser(
        "select-link", conflict_handler="resolve",
        help="which origin-destination flows use a link, crossing, port or country",
        description="Split the tonnes through one element by demand row (origin, "
                    "destination, commodity), from all-or-nothing, the user equilibrium or "
                    "the system optimum. See docs/resilience.md for what is exact.")
    p.add_argument("element", metavar="ELEMENT_ID",
                   help="a link, crossing or place id, or a country code")
    p.add_argument("--method", choices=("aon", "ue", "so"), default="aon",
                   help="assignment: all-or-nothing, user equilibrium or system optimum")
    p.add_argument("--kind", choices=_KINDS,
                   help="what ELEMENT_ID is, when it names more than one kind")
    p.add_argument("--gap", type=float, default=1e-4, help="ue: relative gap to stop at")
    p.add_argument("--max-iter", type=int, default=500, help="ue: iteration limit")
    p.add_argument("--top", type=int, default=20, metavar="N",
                   help="rows to show, most tonnes first (default 20; 0: all)")
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    add_network_options(p)
    add_scenario_options(p)
    p.add_argument("--commodity", default=None,
                   help="ue: the commodity whose value of time prices every tonne "
                        "(default container)")
    add_format(p)
    p.set_defaults(run=_cmd_select_link)


def _top(value: int) -> int | None:
    if value < 0:
        raise ValueError(f"--top {value} must be >= 0 (0: every row)")
    return value or None


def _compiled_and_demand(args: argparse.Namespace) -> tuple[Any, pd.DataFrame]:
    from connectivity.graph import compile_network

    net = network(args)
    return compile_network(net), demand(args, net)


def _cmd_criticality(args: argparse.Namespace) -> None:
    # imported here so that the other commands start without the flow models
    from connectivity.scenarios import criticality

    if args.pairs < 0 or args.pairs == 1:
        raise ValueError(f"--pairs {args.pairs} must be at least 2 (pairs among that many)")
    candidates = None
    if args.candidates is not None:
        candidates = [x.strip() for x in args.candidates.split(",") if x.strip()]
        if not candidates:
            raise ValueError(f"--candidates {args.candidates!r} names no element")
    comp, table = _compiled_and_demand(args)
    result = criticality(comp, table, elements=args.elements, method=args.method,
                         candidates=candidates, top=_top(args.top), pairs=args.pairs,
                         commodity=args.commodity, scenario=scenario(args))
    if args.format == "json":
        print_json(_criticality_json(result))
    elif args.format == "csv":
        sys.stdout.write(result.table.to_csv(index=False))
    else:
        _print_criticality(result)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return records


def _criticality_json(r: CriticalityResult) -> dict[str, Any]:
    return {
        "method": r.method, "elements": r.elements, "scenario": r.scenario,
        "n_elements": r.n_elements, "n_rerouted": r.n_rerouted,
        "base_cost_usd_per_year": r.base_cost_usd,
        "base_unserved_t_per_year": r.base_unserved_t,
        "unserved_penalty_usd_per_t": r.unserved_penalty_usd_per_t,
        "seconds": r.seconds, "base_seconds": r.base_seconds,
        "seconds_per_element": r.seconds_per_element,
        "ranking": _records(r.table), "pairs": _records(r.pairs),
    }


def _print_criticality(r: CriticalityResult) -> None:
    print(f"criticality of {r.elements} ({r.method}, scenario {r.scenario}): "
          f"{r.n_elements} evaluated, {r.n_rerouted} re-routed, "
          f"{r.seconds_per_element * 1000:.3g} ms per element, {r.seconds:.2f} s in all")
    print(f"  base: cost {fmt(r.base_cost_usd / 1e9, 3)} bn USD/yr, "
          f"{fmt(r.base_unserved_t / 1e6, 3)} Mt/yr unserved")
    print(format_table(_SHOWN, r.table[_SHOWN].values.tolist()))
    if len(r.pairs):
        print("\npairs (excess: beyond the two removed alone)")
        print(format_table(_PAIRS_SHOWN, r.pairs[_PAIRS_SHOWN].values.tolist()))


def _cmd_select_link(args: argparse.Namespace) -> None:
    from connectivity.scenarios import select_link

    top = _top(args.top)
    comp, table = _compiled_and_demand(args)
    result = select_link(comp, table, args.element, method=args.method, kind=args.kind,
                         commodity=args.commodity, scenario=scenario(args), gap=args.gap,
                         max_iter=args.max_iter)
    table = result.table.head(top) if top else result.table
    if args.format == "json":
        print_json(_select_link_json(result, table))
    elif args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        _print_select_link(result, table)


def _select_link_json(r: SelectLinkResult, table: pd.DataFrame) -> dict[str, Any]:
    return {
        "element_id": r.element_id, "name": r.name, "kind": r.kind, "method": r.method,
        "scenario": r.scenario, "through_t_per_year": r.through_t_per_year,
        "exact": r.exact, "relative_gap": r.relative_gap, "n_rows": len(r.table),
        "seconds": r.seconds, "flows": _records(table),
    }


def _print_select_link(r: SelectLinkResult, table: pd.DataFrame) -> None:
    how = "exact" if r.exact else f"Frank-Wolfe flow at relative gap {r.relative_gap:.1e}"
    print(f"select-link {r.kind} {r.element_id} ({r.name}), {r.method}, scenario "
          f"{r.scenario}: {fmt(r.through_t_per_year / 1e6, 3)} Mt/yr through it from "
          f"{len(r.table)} demand rows ({how})")
    shown = table.assign(share_pct=100.0 * table["share_of_od"]).drop(columns="share_of_od")
    print(format_table(list(shown.columns), shown.values.tolist()))
