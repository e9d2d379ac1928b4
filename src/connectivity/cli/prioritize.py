"""``connectivity prioritize``: which candidate projects to build within a budget.

On a network of tables (the bundled one, or ``--data``): the candidate projects of its
projects table chosen on the system optimum of its demand, by ``milp`` (exact, the
default), ``greedy``, ``bcr`` or ``brute_force``, or phased over ``--periods``; or
chosen on the user equilibrium of ``--commodity``'s class by ``bilevel`` (exact branch
and bound) (:mod:`connectivity.cli.invest`).

On a TNTP network (``--tntp-net``, ``--tntp-trips``, ``--candidates``) or one of Rey's
discrete network design instances (``--dndp-instance`` with ``--tntp-trips``), the
projects that minimize the total system travel time at user equilibrium
(:mod:`connectivity.invest.dndp`): ``bilevel`` (exact branch and bound, the default),
``milp`` (the system-optimal design MILP: a design and a lower bound,
:mod:`connectivity.invest.dndp_milp`), ``greedy`` or ``bcr`` (heuristics),
``brute_force`` (every design, up to 16 projects).
The reported ``tstt`` is always an equilibrium solved to a relative gap of 1e-6 or
better.
"""

from __future__ import annotations

import argparse
from typing import Any

from connectivity.cli.invest import add_bundled_options, print_bundled, run_bundled
from connectivity.cli.options import add_format, print_json
from connectivity.report import format_table

__all__ = ["register", "REPORT_GAP"]

#: The ``tstt`` and ``baseline_tstt`` reported are equilibria solved to this gap at least.
REPORT_GAP = 1e-6
_METHODS = ("bilevel", "milp", "greedy", "bcr", "brute_force")


def register(sub: Any) -> None:
    """Add the command to the ``connectivity`` parser."""
    p = sub.add_parser(
        "prioritize",
        help="choose candidate projects within a budget (network design)",
        description="Choose the candidate projects within a budget. On the bundled network "
                    "(or --data): minimize the system-optimal total cost of the demand. On a "
                    "TNTP network: minimize the total system travel time at user "
                    "equilibrium; a candidates CSV has the columns "
                    "project_id,from,to,capacity,length,free_flow_time,b,power,cost; rows "
                    "with one project_id are built together, and a project costs the sum of "
                    "its rows' costs.")
    p.add_argument("--tntp-net", metavar="NET", help="TNTP _net file of the existing network")
    p.add_argument("--tntp-trips", metavar="TRIPS", help="TNTP _trips file")
    p.add_argument("--candidates", metavar="FILE", help="candidate links CSV")
    p.add_argument("--dndp-instance", metavar="FILE",
                   help="Rey's DNDP instance (TNTP net with a cost column) instead of "
                        "--tntp-net and --candidates; the two directions of a link are one "
                        "project")
    p.add_argument("--budget", type=float, metavar="B", help="most the projects may cost")
    p.add_argument("--method", choices=_METHODS,
                   help="tables: milp, exact (default), or bilevel, exact at user "
                        "equilibrium of --commodity; TNTP: bilevel, exact branch and bound "
                        "(default), or milp, the system-optimal design with a lower bound; "
                        "both: greedy, bcr (heuristics), brute_force (every design, up to "
                        "16 projects)")
    p.add_argument("--demand-factor", type=float, default=1.0, metavar="F",
                   help="multiply every trip by F")
    p.add_argument("--time-limit", type=float, metavar="S",
                   help="milp, bilevel: stop after S seconds with the best design and bound")
    p.add_argument("--gap", type=float, default=REPORT_GAP, metavar="G",
                   help="relative gap of the equilibria the method solves (default 1e-6)")
    p.add_argument("--algorithm", choices=("fw", "cfw", "bfw", "bush"), default=None,
                   help="equilibrium algorithm of bilevel and brute_force (default bfw; "
                        "bush for gaps of 1e-8 and below)")
    add_bundled_options(p)
    add_format(p, choices=("table", "json"))
    p.set_defaults(run=_cmd_prioritize)


def _cmd_prioritize(args: argparse.Namespace) -> None:
    tntp = bool(args.tntp_net or args.dndp_instance)
    if not tntp:
        stray = [o for o, given in (("--tntp-trips", args.tntp_trips),
                                    ("--candidates", args.candidates),
                                    ("--demand-factor", args.demand_factor != 1.0),
                                    ("--gap", args.gap != REPORT_GAP)) if given]
        if stray:
            raise ValueError(f"{', '.join(stray)}: TNTP options, given without --tntp-net "
                             "or --dndp-instance")
        print_bundled(run_bundled(args), args.format)
        return
    stray = [o for o, given in (("--data", args.data), ("--demand", args.demand),
                                ("--projects", args.projects), ("--periods", args.periods),
                                ("--budgets", args.budgets),
                                ("--capital-charge-rate", args.capital_charge_rate))
             if given]
    if stray:
        raise ValueError(f"{', '.join(stray)}: options of a network of tables, not of a "
                         "TNTP network")
    out = _prioritize_tntp(args)
    if args.format == "json":
        print_json(out)
    else:
        print(format_table(["measure", "value"], [[k, _cell(v)] for k, v in out.items()]))


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if isinstance(value, float):
        return f"{value:.10g}"
    return value


def _inputs(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from connectivity.io import read_candidates, read_dndp_instance, read_net, read_trips

    if args.dndp_instance and (args.tntp_net or args.candidates):
        raise ValueError("give either --dndp-instance or --tntp-net with --candidates, "
                         "not both")
    if not args.tntp_trips:
        raise ValueError("prioritize on a TNTP network needs --tntp-trips")
    if args.dndp_instance:
        net, cands = read_dndp_instance(args.dndp_instance)
    else:
        if not args.candidates:
            raise ValueError("--tntp-net needs --candidates (the candidate links CSV)")
        net, cands = read_net(args.tntp_net), read_candidates(args.candidates)
    return net, read_trips(args.tntp_trips), cands


def _prioritize_tntp(args: argparse.Namespace) -> dict[str, Any]:
    from connectivity.invest.dndp import bilevel_design, brute_force_design, evaluate_design
    from connectivity.invest.dndp_baselines import bcr_design, greedy_design
    from connectivity.invest.dndp_milp import milp_design

    method = args.method or "bilevel"
    if args.budget is None:
        raise ValueError("--budget is required: the most the selected projects may cost")
    if args.time_limit is not None and method not in ("bilevel", "milp"):
        raise ValueError(f"--time-limit applies to --method bilevel or milp, not {method}")
    net, trips, cands = _inputs(args)
    options: dict[str, Any] = {"gap": args.gap, "demand_factor": args.demand_factor}
    if args.algorithm is not None:
        if method not in ("bilevel", "brute_force"):
            raise ValueError(f"--algorithm applies to --method bilevel or brute_force, "
                             f"not {method}")
        options["algorithm"] = args.algorithm
    if method in ("bilevel", "milp"):
        design = bilevel_design if method == "bilevel" else milp_design
        p = design(net, trips, cands, args.budget, time_limit=args.time_limit, **options)
    else:
        run = {"greedy": greedy_design, "bcr": bcr_design,
               "brute_force": brute_force_design}[method]
        p = run(net, trips, cands, args.budget, **options)
    tstt, baseline = p.objective, p.baseline
    if args.gap > REPORT_GAP:  # the method's equilibria were coarser: re-solve the two
        algorithm = args.algorithm or "bfw"
        tstt = evaluate_design(net, trips, cands, p.selected, gap=REPORT_GAP,
                               demand_factor=args.demand_factor, algorithm=algorithm)
        baseline = evaluate_design(net, trips, cands, (), gap=REPORT_GAP,
                                   demand_factor=args.demand_factor, algorithm=algorithm)
    return {
        "method": p.method, "selected": list(p.selected), "tstt": tstt, "cost": p.cost,
        "budget": p.budget, "status": p.status.value, "proved_optimal": p.proved_optimal,
        "bound": p.bound, "gap": p.gap, "baseline_tstt": baseline,
        "evaluations": p.evaluations, "seconds": p.seconds,
    }
