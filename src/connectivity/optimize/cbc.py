"""CBC, the solver bundled with PuLP, with the status read from CBC's own report.

PuLP 3.3 maps CBC's "Stopped on time" to ``Optimal``; here the status comes from the
first line of CBC's solution file and its log, so a run stopped by a limit is never
reported as optimal.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import time
from typing import Any

import numpy as np
import pulp

from connectivity.optimize.feasibility import FEASIBILITY_TOL, point_violation, refuse
from connectivity.optimize.pulp_model import pulp_to_arrays
from connectivity.optimize.result import SolveResult, SolveStatus, relative_gap

__all__ = ["solve_pulp_cbc", "PULP_STATUS"]

#: PuLP's (status, solution status) pair that each of our statuses leaves on the model.
PULP_STATUS = {
    SolveStatus.OPTIMAL: (pulp.const.LpStatusOptimal, pulp.const.LpSolutionOptimal),
    SolveStatus.FEASIBLE: (pulp.const.LpStatusNotSolved, pulp.const.LpSolutionIntegerFeasible),
    SolveStatus.TIME_LIMIT: (pulp.const.LpStatusNotSolved, pulp.const.LpSolutionNoSolutionFound),
    SolveStatus.INFEASIBLE: (pulp.const.LpStatusInfeasible, pulp.const.LpSolutionInfeasible),
    SolveStatus.UNBOUNDED: (pulp.const.LpStatusUnbounded, pulp.const.LpSolutionUnbounded),
    SolveStatus.ERROR: (pulp.const.LpStatusUndefined, pulp.const.LpSolutionNoSolutionFound),
}


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


def solve_pulp_cbc(
    problem: pulp.LpProblem, *, time_limit: float | None, mip_gap: float | None, msg: bool
) -> SolveResult:
    """Solve ``problem`` with CBC; on success its variables hold the point.

    Options are those of :func:`connectivity.optimize.solve` (already checked). A point
    is kept only if it satisfies the model's rows and bounds (see
    :mod:`connectivity.optimize.feasibility`).
    """
    t0 = time.perf_counter()
    run = _run(problem, time_limit=time_limit, mip_gap=mip_gap)
    if isinstance(run, str):  # CBC failed to run or to write its solution
        problem.assignStatus(*PULP_STATUS[SolveStatus.ERROR])
        return SolveResult(SolveStatus.ERROR, math.nan, math.nan, math.inf,
                           time.perf_counter() - t0, "cbc", run)
    line, log = run
    if msg:
        print(log)
    result = _read(problem, line, log, mip_gap=mip_gap, seconds=time.perf_counter() - t0)
    if result.has_solution:
        # CBC's status line is not proof: a run stopped on time can hand back a simplex
        # point that breaks rows or bounds (seen: conservation off by 7.5 Mt)
        lp, variables, _ = pulp_to_arrays(problem)
        x = [v.varValue if v.varValue is not None else np.nan for v in variables]
        violation = point_violation(lp, x)
        if violation.size > FEASIBILITY_TOL:
            result = refuse(result, violation)
    if not result.has_solution:
        for v in problem.variables():
            v.varValue = None
    problem.assignStatus(*PULP_STATUS[result.status])
    return result


def _run(
    problem: pulp.LpProblem, *, time_limit: float | None, mip_gap: float | None
) -> tuple[str, str] | str:
    """Run CBC: its status line and log, or the error's text."""
    fd, log_path = tempfile.mkstemp(prefix="connectivity-cbc-", suffix=".log")
    os.close(fd)
    try:
        cmd = _ReportingCbc(path=pulp.PULP_CBC_CMD.pulp_cbc_path, msg=False,
                            timeLimit=time_limit, gapRel=mip_gap, logPath=log_path, mip=True)
        try:
            problem.solve(cmd)
        except pulp.PulpSolverError as exc:
            return str(exc)
        with open(log_path) as f:
            return cmd.status_line, f.read()
    finally:
        os.unlink(log_path)


def _read(
    problem: pulp.LpProblem, line: str, log: str, *, mip_gap: float | None, seconds: float
) -> SolveResult:
    """The result CBC's status line and log describe, with the objective of its point."""
    is_mip = bool(problem.isMIP())
    status, has_point = _status(line, log, is_mip=is_mip)
    objective = math.nan
    if has_point:
        value = problem.objective.value() if problem.objective is not None else 0.0
        objective = float(value) if value is not None else math.nan
        if not math.isfinite(objective) or abs(objective) >= 1e49:
            status = SolveStatus.ERROR if status is not SolveStatus.TIME_LIMIT else status
            objective = math.nan
    if is_mip:
        bound = _log_number(log, "Lower bound")
        if problem.sense == pulp.const.LpMaximize:
            # run with -max, CBC reports the "Upper bound" in the model's own sense; an
            # older report gives the lower bound of the negated objective
            upper = _log_number(log, "Upper bound")
            bound = upper if math.isfinite(upper) else -bound
        if status is SolveStatus.OPTIMAL and mip_gap is not None:
            log_gap = _log_number(log, "Gap")
            if math.isfinite(log_gap) and log_gap > 1e-9:
                status = SolveStatus.FEASIBLE
    else:
        bound = objective if status is SolveStatus.OPTIMAL else math.nan
    if status is SolveStatus.OPTIMAL and not math.isfinite(bound):
        bound = objective
    return SolveResult(status, objective, bound, relative_gap(objective, bound), seconds,
                       "cbc", f"CBC: {line}")


def _status(line: str, log: str, *, is_mip: bool) -> tuple[SolveStatus, bool]:
    """Status and whether a point came back, from CBC's status line and log."""
    word = line.split(" - ")[0].strip()
    if word.startswith("Optimal") and "gap" in word:
        # "Optimal (within gap tolerance)": stopped at the requested gap, not proven
        return SolveStatus.FEASIBLE, True
    if word == "Optimal":
        return SolveStatus.OPTIMAL, True
    if word in ("Infeasible", "Integer infeasible"):
        return SolveStatus.INFEASIBLE, False
    if word == "Unbounded":
        return SolveStatus.UNBOUNDED, False
    if word.startswith("Stopped on time"):
        has_point = (
            "objective value" in line
            and "No feasible" not in log
            and ("Objective value:" in log or not is_mip)
            and "infeasible" not in line.lower()
        )
        return SolveStatus.TIME_LIMIT, has_point
    if word.startswith("Stopped"):
        has_point = "No feasible solution" not in log and "objective value" in line
        return (SolveStatus.FEASIBLE if has_point else SolveStatus.ERROR), has_point
    return SolveStatus.ERROR, False
