"""The capacity-constrained system optimum on arrays: one entry point, two formulations.

:func:`system_optimum` solves a :class:`~connectivity.assign.problems.FlowProblem` with
the origin-based arc LP (:mod:`connectivity.assign.arcs`, a PuLP model built from
arrays, HiGHS or CBC) or by path column generation (:mod:`connectivity.assign.colgen`:
only the paths that the duals of a small master LP price in are ever written down,
found by the numba shortest-path kernel). Same optimum (certified by a lower bound);
5-36x faster than the origin model and 87-140x faster than the arc-per-OD model in
``benchmarks/results/lp.md``.
"""

from __future__ import annotations

from typing import Literal

from connectivity.assign.arcs import build_system_optimum, solve_system_optimum
from connectivity.assign.colgen import path_system_optimum, solve_paths
from connectivity.assign.optimum import SystemOptimum
from connectivity.assign.problems import FlowProblem, flow_problem
from connectivity.optimize import SolverName, check_options

__all__ = ["FORMULATIONS", "Formulation", "system_optimum", "flow_problem"]

Formulation = Literal["origin", "paths"]
FORMULATIONS: tuple[str, ...] = ("origin", "paths")


def system_optimum(
    problem: FlowProblem,
    *,
    formulation: Formulation | str = "origin",
    solver: SolverName | str = "highs",
    time_limit: float | None = None,
    msg: bool = False,
) -> SystemOptimum:
    """Build and solve the system-optimal flow LP of ``problem`` in one call.

    Parameters
    ----------
    problem
        The flow problem (:func:`~connectivity.assign.problems.flow_problem`).
    formulation
        ``"origin"`` (default): the origin-based arc model built as a PuLP problem.
        ``"paths"``: path column generation (:mod:`connectivity.assign.colgen`): a master LP
        over the paths generated so far, solved warm in HiGHS after each round of
        shortest-path pricing in the numba kernel. Same optimum, and much faster on
        large models (see ``benchmarks/results/lp.md``); HiGHS only. It stops when its
        objective is within a relative ``1e-9`` of a proven lower bound (reported as
        ``solve.bound`` and ``solve.gap``); only then is the status ``OPTIMAL``. Its
        ``time_limit`` counts the whole loop; when it runs out, the last master optimum
        (a feasible point of the full model) is returned with status ``TIME_LIMIT``.
        The duals of the final master are optimal duals of the full model, so the
        shadow prices are those of the full LP (where the LP has several optimal duals,
        either formulation may return a different one).

    Returns
    -------
    SystemOptimum

    Raises
    ------
    ValueError, SolverError
        As the two functions it calls; ``ValueError`` also for an unknown
        ``formulation`` or ``solver="cbc"`` with ``formulation="paths"``.

    Examples
    --------
    >>> p = flow_problem([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                  capacity=[4.0, 3.0], unserved_penalty=100.0)
    >>> r = system_optimum(p)
    >>> r.unserved.tolist(), r.edge_shadow_price.tolist()
    ([3.0], [99.0, 97.0])
    >>> q = system_optimum(p, formulation="paths")
    >>> q.total_cost == r.total_cost, q.edge_shadow_price.tolist()
    (True, [99.0, 97.0])
    """
    if formulation not in FORMULATIONS:
        raise ValueError(
            f"unknown formulation {formulation!r}; choose one of {', '.join(FORMULATIONS)}"
        )
    if formulation == "paths" and solver != "highs":
        raise ValueError(
            f"solver={solver!r} is not available with formulation='paths' "
            "(its master LP is solved in HiGHS); use solver='highs'"
        )
    check_options(solver, time_limit=time_limit, mip_gap=None)
    if formulation == "paths":
        sol = solve_paths(problem, time_limit=time_limit, msg=msg)
        return path_system_optimum(problem, sol)
    return solve_system_optimum(build_system_optimum(problem), solver=solver,
                                time_limit=time_limit, msg=msg)
