"""Solve a PuLP model, or a PuLP model built from arrays, through the solver layer.

:func:`solve` takes any PuLP model, runs HiGHS (through highspy, from arrays) or CBC,
loads the point, duals and reduced costs into the PuLP objects, and returns a
:class:`~connectivity.optimize.result.SolveResult` whose status comes from the solver's
own report. :func:`solve_array_model` does the same for a model made by
:func:`~connectivity.optimize.pulp_model.arrays_to_pulp`, handing its base rows to HiGHS
straight from the arrays and reading back only what a user added in PuLP.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pulp

from connectivity.optimize.arrays import ArrayLP
from connectivity.optimize.cbc import PULP_STATUS, solve_pulp_cbc
from connectivity.optimize.highs import ArraySolution, FloatArray, solve_highs
from connectivity.optimize.pulp_model import PulpArrayModel, pulp_to_arrays
from connectivity.optimize.result import (
    SolveResult,
    SolverName,
    check_options,
)

__all__ = ["solve", "solve_array_model", "load_solution"]


def solve(
    problem: pulp.LpProblem,
    *,
    solver: SolverName | str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    msg: bool = False,
) -> SolveResult:
    """Solve ``problem`` and load the solution into its variables and constraints.

    Parameters
    ----------
    problem
        Any PuLP model. On success, ``var.varValue``, ``var.dj``, ``constraint.pi``
        (dual) and ``constraint.slack`` are set as PuLP would set them.
    solver
        ``"highs"`` (default, through highspy) or ``"cbc"`` (the binary bundled with PuLP).
    time_limit
        Seconds; a run stopped by it is reported as ``TIME_LIMIT``, never ``OPTIMAL``.
    mip_gap
        Relative gap at which a MILP may stop; stopping there gives ``FEASIBLE``.
    msg
        Show the solver log (quiet by default, including the HiGHS banner).

    Returns
    -------
    SolveResult

    Raises
    ------
    ValueError
        For an unknown solver name or a bad option value.

    Examples
    --------
    >>> import pulp
    >>> prob = pulp.LpProblem("tiny", pulp.LpMinimize)
    >>> x = prob.add_variable("x", lowBound=1)
    >>> prob += 2 * x
    >>> result = solve(prob)
    >>> result.status, result.objective
    (<SolveStatus.OPTIMAL: 'optimal'>, 2.0)
    """
    check_options(solver, time_limit=time_limit, mip_gap=mip_gap)
    if solver == "highs":
        t0 = time.perf_counter()
        lp, variables, constraints = pulp_to_arrays(problem)
        sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg)
        result = load_solution(sol, problem, variables, constraints)
        return result.with_seconds(time.perf_counter() - t0)
    return solve_pulp_cbc(problem, time_limit=time_limit, mip_gap=mip_gap, msg=msg)


def load_solution(
    sol: ArraySolution,
    problem: pulp.LpProblem,
    variables: list[pulp.LpVariable],
    constraints: list[pulp.LpConstraint],
) -> SolveResult:
    """Copy an array solution into the PuLP objects; return its result."""
    if sol.x is not None:
        for v, value in zip(variables, sol.x.tolist(), strict=True):
            v.varValue = value
        if sol.col_dual is not None:
            for v, dj in zip(variables, sol.col_dual.tolist(), strict=True):
                v.dj = dj
        if sol.row_dual is not None:
            for c, pi in zip(constraints, sol.row_dual.tolist(), strict=True):
                c.pi = pi
    problem.assignStatus(*PULP_STATUS[sol.result.status])
    return sol.result


def solve_array_model(
    model: PulpArrayModel,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    msg: bool = False,
    highs_options: dict[str, object] | None = None,
) -> tuple[SolveResult, FloatArray | None, FloatArray | None]:
    """Solve ``model.problem``; return the result, base column values and base row duals.

    With HiGHS the base matrix goes to the solver from the arrays; rows, variables and
    objective terms that the user added to ``model.problem`` are read from PuLP. With CBC
    the whole PuLP model is written out as usual.
    """
    check_options(solver, time_limit=time_limit, mip_gap=mip_gap)
    problem = model.problem
    n_base_col = len(model.variables)
    n_base_row = len(model.constraints)
    if solver != "highs":
        result = solve(problem, solver=solver, time_limit=time_limit, mip_gap=mip_gap, msg=msg)
        if not result.has_solution:
            return result, None, None
        x = np.fromiter(
            (v.varValue or 0.0 for v in model.variables), dtype=np.float64, count=n_base_col
        )
        pi = np.fromiter(
            (c.pi if c.pi is not None else math.nan for c in model.constraints),
            dtype=np.float64,
            count=n_base_row,
        )
        return result, x, pi

    t0 = time.perf_counter()
    all_constraints = problem.constraints()
    objective_same = problem.objective is model.objective and len(model.objective) == int(
        np.count_nonzero(model.arrays.cost)
    )
    if not objective_same:
        # the user rewrote the objective: read the whole model back from PuLP
        return _solve_reread(model, time_limit, mip_gap, msg, highs_options)

    base = model.arrays
    extra = all_constraints[n_base_row:]
    lo = np.fromiter(
        (-np.inf if v.lowBound is None else v.lowBound for v in model.variables),
        dtype=np.float64,
        count=n_base_col,
    )
    hi = np.fromiter(
        (np.inf if v.upBound is None else v.upBound for v in model.variables),
        dtype=np.float64,
        count=n_base_col,
    )
    variables = list(model.variables)
    lp = base
    if extra:
        index = {v: j for j, v in enumerate(variables)}
        idx: list[int] = []
        val: list[float] = []
        starts = [0]
        e_lo: list[float] = []
        e_hi: list[float] = []
        for c in extra:
            for v, a in c.items():
                j = index.get(v)
                if j is None:
                    j = index[v] = len(variables)
                    variables.append(v)
                idx.append(j)
                val.append(a)
            starts.append(len(idx))
            lb, ub = c.getLb(), c.getUb()
            e_lo.append(-np.inf if lb is None else lb)
            e_hi.append(np.inf if ub is None else ub)
        new = variables[n_base_col:]
        lo = np.concatenate(
            [lo, np.array([-np.inf if v.lowBound is None else v.lowBound for v in new])]
        )
        hi = np.concatenate(
            [hi, np.array([np.inf if v.upBound is None else v.upBound for v in new])]
        )
        cost = np.concatenate([base.cost, np.zeros(len(new))])
        integer = np.concatenate(
            [
                base.integer if base.integer is not None else np.zeros(n_base_col, dtype=bool),
                np.array([v.cat == pulp.const.LpInteger for v in new], dtype=bool),
            ]
        )
        lp = ArrayLP(
            cost=cost,
            col_lower=lo,
            col_upper=hi,
            row_start=np.concatenate(
                [base.row_start, base.row_start[-1] + np.asarray(starts[1:], dtype=np.int64)]
            ),
            row_index=np.concatenate([base.row_index, np.asarray(idx, dtype=np.int64)]),
            row_value=np.concatenate([base.row_value, np.asarray(val, dtype=np.float64)]),
            row_lower=np.concatenate([base.row_lower, np.asarray(e_lo)]),
            row_upper=np.concatenate([base.row_upper, np.asarray(e_hi)]),
            integer=integer if integer.any() else None,
            offset=base.offset,
            maximize=base.maximize,
        )
    else:
        lp = ArrayLP(
            cost=base.cost,
            col_lower=lo,
            col_upper=hi,
            row_start=base.row_start,
            row_index=base.row_index,
            row_value=base.row_value,
            row_lower=base.row_lower,
            row_upper=base.row_upper,
            integer=base.integer,
            offset=base.offset,
            maximize=base.maximize,
        )
    solution: ArraySolution = solve_highs(
        lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg, options=highs_options
    )
    result = load_solution(solution, problem, variables, [*model.constraints, *extra])
    result = result.with_seconds(time.perf_counter() - t0)
    if solution.x is None:
        return result, None, None
    duals = solution.row_dual[:n_base_row] if solution.row_dual is not None else None
    return result, solution.x[:n_base_col], duals


def _solve_reread(
    model: PulpArrayModel,
    time_limit: float | None,
    mip_gap: float | None,
    msg: bool,
    highs_options: dict[str, object] | None,
) -> tuple[SolveResult, FloatArray | None, FloatArray | None]:
    problem = model.problem
    lp, variables, constraints = pulp_to_arrays(problem)
    order = {v: j for j, v in enumerate(variables)}
    sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg, options=highs_options)
    result = load_solution(sol, problem, variables, constraints)
    if sol.x is None:
        return result, None, None
    cols = np.array([order.get(v, -1) for v in model.variables], dtype=np.int64)
    x: FloatArray = np.where(cols >= 0, sol.x[np.maximum(cols, 0)], 0.0)
    pos = {id(c): i for i, c in enumerate(constraints)}
    rows = np.array([pos.get(id(c), -1) for c in model.constraints], dtype=np.int64)
    pi: FloatArray | None = None
    if sol.row_dual is not None:
        pi = np.where(rows >= 0, sol.row_dual[np.maximum(rows, 0)], np.nan)
    return result, x, pi
