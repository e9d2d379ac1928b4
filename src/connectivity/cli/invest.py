"""``connectivity appraise`` and the bundled-network side of ``connectivity prioritize``.

``prioritize`` without TNTP files chooses among the network's candidate projects
(:func:`connectivity.invest.prioritize`), or phases them over periods
(``--periods 2026:2030:2035``, :func:`connectivity.invest.phase`); ``appraise`` gives
NPV, BCR, EIRR and payback of projects alone and together
(:func:`connectivity.invest.appraise_projects`).
"""

from __future__ import annotations

import argparse
from typing import Any

from connectivity.cli.options import (
    add_format,
    add_network_options,
    add_scenario_options,
    network,
    print_json,
    scenario,
)
from connectivity.report import format_table

__all__ = ["register", "add_bundled_options", "run_bundled", "print_bundled", "BUNDLED_METHODS"]

BUNDLED_METHODS = ("milp", "greedy", "bcr", "brute_force", "bilevel")


def add_bundled_options(p: argparse.ArgumentParser) -> None:
    """The options of ``prioritize`` on a network of tables (bundled or ``--data``)."""
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    p.add_argument("--projects", metavar="IDS",
                   help="candidate project ids, comma separated (default: every project "
                        "that is not existing and has a cost)")
    p.add_argument("--cost", choices=("central", "low", "high"), default="central",
                   help="which capital cost of each project to use")
    p.add_argument("--periods", metavar="Y1:Y2:...",
                   help="phase over periods starting in these years; --budget is then per "
                        "period (or give --budgets)")
    p.add_argument("--budgets", metavar="B1,B2,...", help="one budget per period")
    p.add_argument("--growth", type=float, default=0.03,
                   help="demand growth per year between periods (default 0.03)")
    p.add_argument("--rate", type=float, default=0.06, help="discount rate (default 0.06)")
    p.add_argument("--capital-charge-rate", type=float, metavar="R",
                   help="weigh each project's capital (annualized at R over 30 years) and "
                        "O&M against its savings")
    add_network_options(p)
    add_scenario_options(p)


def _ids(text: str | None) -> list[str] | None:
    if text is None:
        return None
    ids = [x.strip() for x in text.split(",") if x.strip()]
    if not ids:
        raise ValueError(f"--projects {text!r} names no project")
    return ids


def _numbers(text: str, option: str) -> list[float]:
    try:
        return [float(x) for x in text.replace(":", ",").split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"{option} {text!r}: give numbers separated by "
                         f"{':' if option == '--periods' else ','}") from None


def run_bundled(args: argparse.Namespace) -> dict[str, Any]:
    """Prioritize or phase on the network of the command line; the JSON-ready result."""
    from connectivity.invest import phase, prioritize
    from connectivity.tables import load_bundled_demand, read_demand

    if args.budget is None and not args.budgets:
        raise ValueError("prioritize: give --budget (USD), or --periods with --budgets")
    net = network(args)
    demand = read_demand(args.demand, net) if args.demand else load_bundled_demand(net)
    method = args.method or "milp"
    if method not in BUNDLED_METHODS:
        raise ValueError(f"--method {method}: on a network of tables choose one of "
                         f"{', '.join(BUNDLED_METHODS)}")
    if args.periods:
        if method != "milp":
            raise ValueError(f"--periods phases with the MILP; --method {method} does not")
        years = [int(y) for y in _numbers(args.periods, "--periods")]
        budgets: float | list[float] = (_numbers(args.budgets, "--budgets") if args.budgets
                                        else float(args.budget))
        p = phase(net, demand, periods=years, budgets=budgets, growth=args.growth,
                  rate=args.rate, projects=_ids(args.projects), scenario=scenario(args),
                  cost=args.cost, time_limit=args.time_limit)
    else:
        if args.budgets:
            raise ValueError("--budgets needs --periods")
        p = prioritize(net, demand, budget=float(args.budget), method=method,
                       projects=_ids(args.projects), scenario=scenario(args), cost=args.cost,
                       time_limit=args.time_limit,
                       capital_charge_rate=args.capital_charge_rate,
                       commodity=args.commodity, algorithm=getattr(args, "algorithm", None))
    return p.to_dict()


def print_bundled(out: dict[str, Any], fmt: str) -> None:
    """Print :func:`run_bundled`'s result as JSON or as a table."""
    if fmt == "json":
        print_json(out)
        return
    rows = [[k, _cell(out[k])] for k in ("method", "selected", "cost", "budget", "baseline",
                                         "objective", "benefit", "status", "proved_optimal",
                                         "bound", "gap", "evaluations", "seconds")]
    if out["schedule"]:
        rows.insert(2, ["schedule", ", ".join(f"{k} {v}" for k, v in out["schedule"].items())])
        rows.append(["gain over ranking order", _cell(out["details"]["gain_over_ranking"])])
    print(format_table(["measure", "value"], rows))


def _cell(value: object) -> object:
    if isinstance(value, list):
        return " ".join(str(v) for v in value) or "(none)"
    if isinstance(value, float):
        return f"{value:,.6g}"
    return "-" if value is None else value


def register(sub: Any) -> None:
    """Add ``appraise`` to the ``connectivity`` parser."""
    p = sub.add_parser(
        "appraise", help="NPV, BCR, EIRR and payback of projects alone and together",
        description="Appraise candidate projects on the system optimum of the demand: "
                    "yearly savings in time, money and CO2e, over a horizon, discounted.")
    p.add_argument("projects", nargs="+", metavar="PROJECT_ID",
                   help="project ids to appraise, alone and together (spaces or commas "
                        "between them)")
    p.add_argument("--demand", metavar="CSV", help="demand table (default: bundled estimate)")
    p.add_argument("--base-year", type=int, default=2026, help="first year (default 2026)")
    p.add_argument("--horizon", type=int, default=30, help="years appraised (default 30)")
    p.add_argument("--rate", type=float, default=0.06, help="discount rate (default 0.06)")
    p.add_argument("--growth", type=float, default=0.03,
                   help="yearly growth of the benefits (default 0.03)")
    p.add_argument("--co2-price", type=float, default=0.0, metavar="USD",
                   help="value of a tonne of CO2e avoided (default 0)")
    p.add_argument("--cost", choices=("central", "low", "high"), default="central",
                   help="which capital cost of each project to use (default central)")
    add_network_options(p)
    add_scenario_options(p)
    add_format(p, choices=("table", "json"))
    p.set_defaults(run=_cmd_appraise)


def _cmd_appraise(args: argparse.Namespace) -> None:
    from connectivity.invest import appraise_projects
    from connectivity.tables import load_bundled_demand, read_demand

    net = network(args)
    demand = read_demand(args.demand, net) if args.demand else load_bundled_demand(net)
    ids = [x for item in args.projects for x in item.split(",") if x]
    r = appraise_projects(net, demand, ids, base_year=args.base_year,
                          horizon_years=args.horizon, rate=args.rate, growth=args.growth,
                          carbon_price_usd_per_t=args.co2_price, scenario=scenario(args),
                          cost=args.cost)
    if args.format == "json":
        print_json(r.to_dict())
        return
    rows = []
    named = [*r.stand_alone.items(), ("together", r.with_interaction),
             ("sum alone", r.without_interaction)]
    for name, a in named:
        eirr = None if a.eirr != a.eirr else 100 * a.eirr  # nan: no single root
        rows.append([name, a.flows.opening_year, a.pv_costs / 1e6, a.pv_benefits / 1e6,
                     a.npv / 1e6, a.bcr, eirr, a.payback_year])
    print(f"discount rate {args.rate:g}, {args.horizon} years from {args.base_year}, "
          f"benefits growing {args.growth:g} a year; USD m at {args.base_year} prices")
    print(format_table(["project", "opens", "pv_costs", "pv_benefits", "npv", "bcr",
                        "eirr_pct", "payback_year"], rows))
