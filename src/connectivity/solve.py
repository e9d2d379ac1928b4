"""Solve a PuLP model and report the outcome in the library's own terms.

This is the one module that knows which solver runs. It returns a
:class:`SolveStatus` and a :class:`SolveResult` derived from the solver's *own* report
(HiGHS's model status, CBC's solution-file status line and log), never from PuLP's
status mapping: PuLP 3.3 maps CBC's "Stopped on time" to ``Optimal``. A time-limited run
is never reported as optimal.

Status meanings
---------------
``OPTIMAL``
    proven optimal within the solver's default tolerances.
``FEASIBLE``
    a feasible point, not proven optimal: stopped at the requested ``mip_gap`` or at an
    iteration / node limit; ``gap`` says how far from the bound.
``TIME_LIMIT``
    the time limit was reached. ``objective`` is the incumbent (``nan`` if none).
``INFEASIBLE``, ``UNBOUNDED``, ``ERROR``
    as named; no point is loaded into the variables.
"""

from __future__ import annotations

import enum
import math
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pulp

from connectivity._lp_highs import ArrayLP, ArraySolution, solve_highs
from connectivity.errors import InfeasibleModelError, SolverError

__all__ = [
    "SolveStatus",
    "SolveResult",
    "SolverName",
    "SOLVERS",
    "solve",
    "check_solution",
]

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[str, ...] = ("highs", "cbc")


class SolveStatus(enum.Enum):
    """Outcome of a solve, as the solver reported it."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolveResult:
    """What a solve produced.

    Attributes
    ----------
    status
        The library's status (see the module docstring).
    objective
        Objective value of the returned point (``nan`` when there is none).
    bound
        Best proven bound (equals ``objective`` for an optimal LP; ``nan`` if unknown).
    gap
        Relative gap ``|objective - bound| / |objective|`` (``0`` when optimal,
        ``inf`` when there is no point or no bound).
    seconds
        Wall time of the solver call, including handing the model over.
    solver
        ``"highs"`` or ``"cbc"``.
    message
        The solver's own words about how it stopped.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    seconds: float
    solver: str
    message: str

    @property
    def has_solution(self) -> bool:
        """Whether a feasible point was loaded into the model's variables."""
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) or (
            self.status is SolveStatus.TIME_LIMIT and math.isfinite(self.objective)
        )


def _check_options(solver: str, time_limit: float | None, mip_gap: float | None) -> None:
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if time_limit is not None and not (time_limit > 0 and math.isfinite(time_limit)):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if mip_gap is not None and not (0 <= mip_gap < 1):
        raise ValueError(f"mip_gap must be in [0, 1), got {mip_gap!r}")


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
    _check_options(solver, time_limit, mip_gap)
    if solver == "highs":
        return _solve_pulp_highs(problem, time_limit=time_limit, mip_gap=mip_gap, msg=msg)
    return _solve_pulp_cbc(problem, time_limit=time_limit, mip_gap=mip_gap, msg=msg)


def check_solution(result: SolveResult, *, model: str, families: Iterable[str] = ()) -> None:
    """Raise if ``result`` carries no usable point; the message names what to look at.

    Parameters
    ----------
    result
        Outcome of :func:`solve`.
    model
        What was solved, for the message (``"system-optimum model"``).
    families
        Constraint families worth inspecting when the model is infeasible.

    Raises
    ------
    InfeasibleModelError
        If the solver proved the model infeasible.
    SolverError
        If it is unbounded, failed, or stopped without a feasible point.

    Examples
    --------
    >>> ok = SolveResult(SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, "highs", "")
    >>> check_solution(ok, model="tiny")
    """
    fams = list(families)
    if result.status is SolveStatus.INFEASIBLE:
        where = f"; look at these constraint families: {', '.join(fams)}" if fams else ""
        raise InfeasibleModelError(
            f"{model} is infeasible ({result.solver}: {result.message}){where}"
        )
    if result.status is SolveStatus.UNBOUNDED:
        raise SolverError(
            f"{model} is unbounded ({result.solver}: {result.message}); "
            "look for a variable with a negative cost and no upper bound"
        )
    if not result.has_solution:
        raise SolverError(
            f"{model}: {result.solver} returned no feasible point "
            f"(status {result.status.value}: {result.message})"
        )


# --------------------------------------------------------------------------- HiGHS


def pulp_to_arrays(
    problem: pulp.LpProblem,
) -> tuple[ArrayLP, list[pulp.LpVariable], list[pulp.LpConstraint]]:
    """Read a PuLP model into row-wise arrays, with the column and row order used."""
    index: dict[pulp.LpVariable, int] = {}
    variables: list[pulp.LpVariable] = []

    def col(v: pulp.LpVariable) -> int:
        i = index.get(v)
        if i is None:
            i = len(variables)
            index[v] = i
            variables.append(v)
        return i

    objective = problem.objective if problem.objective is not None else pulp.LpAffineExpression()
    obj_items = [(col(v), float(a)) for v, a in objective.items()]
    constraints: list[pulp.LpConstraint] = list(problem.constraints())
    n_row = len(constraints)
    starts = np.zeros(n_row + 1, dtype=np.int64)
    idx: list[int] = []
    val: list[float] = []
    row_lo = np.full(n_row, -np.inf)
    row_hi = np.full(n_row, np.inf)
    for r, c in enumerate(constraints):
        for v, a in c.items():
            if a != 0:
                idx.append(col(v))
                val.append(a)
        starts[r + 1] = len(idx)
        lb, ub = c.getLb(), c.getUb()
        if lb is not None:
            row_lo[r] = lb
        if ub is not None:
            row_hi[r] = ub
    n_col = len(variables)
    cost = np.zeros(n_col)
    for i, a in obj_items:
        cost[i] += a
    col_lo = np.array(
        [-np.inf if v.lowBound is None else v.lowBound for v in variables], dtype=np.float64
    )
    col_hi = np.array(
        [np.inf if v.upBound is None else v.upBound for v in variables], dtype=np.float64
    )
    integer = np.array([v.cat == pulp.const.LpInteger for v in variables], dtype=bool)
    lp = ArrayLP(
        cost=cost,
        col_lower=col_lo.reshape(-1),
        col_upper=col_hi.reshape(-1),
        row_start=starts,
        row_index=np.asarray(idx, dtype=np.int64),
        row_value=np.asarray(val, dtype=np.float64),
        row_lower=row_lo,
        row_upper=row_hi,
        integer=integer if integer.any() else None,
        offset=float(objective.constant),
        maximize=problem.sense == pulp.const.LpMaximize,
    )
    return lp, variables, constraints


_PULP_STATUS = {
    SolveStatus.OPTIMAL: (pulp.const.LpStatusOptimal, pulp.const.LpSolutionOptimal),
    SolveStatus.FEASIBLE: (pulp.const.LpStatusNotSolved, pulp.const.LpSolutionIntegerFeasible),
    SolveStatus.TIME_LIMIT: (pulp.const.LpStatusNotSolved, pulp.const.LpSolutionNoSolutionFound),
    SolveStatus.INFEASIBLE: (pulp.const.LpStatusInfeasible, pulp.const.LpSolutionInfeasible),
    SolveStatus.UNBOUNDED: (pulp.const.LpStatusUnbounded, pulp.const.LpSolutionUnbounded),
    SolveStatus.ERROR: (pulp.const.LpStatusUndefined, pulp.const.LpSolutionNoSolutionFound),
}


def load_solution(
    sol: ArraySolution,
    problem: pulp.LpProblem,
    variables: list[pulp.LpVariable],
    constraints: list[pulp.LpConstraint],
) -> SolveResult:
    """Copy an array solution into the PuLP objects and build the :class:`SolveResult`."""
    status = SolveStatus(sol.status)
    if sol.x is not None:
        for v, value in zip(variables, sol.x.tolist(), strict=True):
            v.varValue = value
        if sol.col_dual is not None:
            for v, dj in zip(variables, sol.col_dual.tolist(), strict=True):
                v.dj = dj
        if sol.row_dual is not None:
            for c, pi in zip(constraints, sol.row_dual.tolist(), strict=True):
                c.pi = pi
    problem.assignStatus(*_PULP_STATUS[status])
    return SolveResult(
        status=status,
        objective=sol.objective,
        bound=sol.bound,
        gap=sol.gap,
        seconds=sol.seconds,
        solver="highs",
        message=sol.message,
    )


def _solve_pulp_highs(
    problem: pulp.LpProblem, *, time_limit: float | None, mip_gap: float | None, msg: bool
) -> SolveResult:
    t0 = time.perf_counter()
    lp, variables, constraints = pulp_to_arrays(problem)
    sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg)
    result = load_solution(sol, problem, variables, constraints)
    return _with_seconds(result, time.perf_counter() - t0)


def _with_seconds(result: SolveResult, seconds: float) -> SolveResult:
    return SolveResult(
        result.status,
        result.objective,
        result.bound,
        result.gap,
        seconds,
        result.solver,
        result.message,
    )


# --------------------------------------------------------------------------- CBC


class _ReportingCbc(pulp.COIN_CMD):  # type: ignore[misc]
    """COIN_CMD that keeps CBC's own status line instead of PuLP's reading of it."""

    status_line: str = ""

    def get_status(self, filename: str) -> Any:
        with open(filename) as f:
            self.status_line = f.readline().strip()
        return super().get_status(filename)


_FLOAT = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


def _log_number(log: str, label: str) -> float:
    found = re.findall(rf"^{label}:?\s+{_FLOAT}", log, flags=re.MULTILINE)
    return float(found[-1]) if found else math.nan


def _solve_pulp_cbc(
    problem: pulp.LpProblem, *, time_limit: float | None, mip_gap: float | None, msg: bool
) -> SolveResult:
    cbc_path = pulp.PULP_CBC_CMD.pulp_cbc_path
    is_mip = bool(problem.isMIP())
    t0 = time.perf_counter()
    fd, log_path = tempfile.mkstemp(prefix="connectivity-cbc-", suffix=".log")
    os.close(fd)
    try:
        cmd = _ReportingCbc(
            path=cbc_path,
            msg=False,
            timeLimit=time_limit,
            gapRel=mip_gap,
            logPath=log_path,
            mip=True,
        )
        try:
            problem.solve(cmd)
        except pulp.PulpSolverError as exc:
            problem.assignStatus(*_PULP_STATUS[SolveStatus.ERROR])
            return SolveResult(
                SolveStatus.ERROR,
                math.nan,
                math.nan,
                math.inf,
                time.perf_counter() - t0,
                "cbc",
                str(exc),
            )
        with open(log_path) as f:
            log = f.read()
    finally:
        os.unlink(log_path)
    seconds = time.perf_counter() - t0
    if msg:
        print(log)
    line = cmd.status_line
    word = line.split(" - ")[0].strip()
    has_point = False
    if word == "Optimal":
        status = SolveStatus.OPTIMAL
        has_point = True
    elif word in ("Infeasible", "Integer infeasible"):
        status = SolveStatus.INFEASIBLE
    elif word == "Unbounded":
        status = SolveStatus.UNBOUNDED
    elif word.startswith("Stopped on time"):
        status = SolveStatus.TIME_LIMIT
        has_point = (
            "objective value" in line
            and "No feasible" not in log
            and ("Objective value:" in log or not is_mip)
            and "infeasible" not in line.lower()
        )
    elif word.startswith("Stopped"):
        has_point = "No feasible solution" not in log and "objective value" in line
        status = SolveStatus.FEASIBLE if has_point else SolveStatus.ERROR
    else:
        status = SolveStatus.ERROR

    objective = math.nan
    if has_point:
        value = problem.objective.value() if problem.objective is not None else 0.0
        objective = float(value) if value is not None else math.nan
        if not math.isfinite(objective) or abs(objective) >= 1e49:
            has_point = False
            objective = math.nan
    if is_mip:
        bound = _log_number(log, "Lower bound")
        if problem.sense == pulp.const.LpMaximize and math.isfinite(bound):
            bound = -bound  # CBC minimizes the negated objective
        if status is SolveStatus.OPTIMAL and mip_gap is not None:
            log_gap = _log_number(log, "Gap")
            if math.isfinite(log_gap) and log_gap > 1e-9:
                status = SolveStatus.FEASIBLE
    else:
        bound = objective if status is SolveStatus.OPTIMAL else math.nan
    if status is SolveStatus.OPTIMAL:
        gap = 0.0
        if not is_mip or not math.isfinite(bound):
            bound = objective
        gap = _gap(objective, bound) if is_mip else 0.0
    elif has_point:
        gap = _gap(objective, bound)
    else:
        gap = math.inf
    if not has_point:
        for v in problem.variables():
            v.varValue = None
    problem.assignStatus(*_PULP_STATUS[status])
    return SolveResult(status, objective, bound, gap, seconds, "cbc", f"CBC: {line}")


def _gap(objective: float, bound: float) -> float:
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    return abs(objective - bound) / max(abs(objective), 1e-10)
