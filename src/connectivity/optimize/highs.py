"""HiGHS driver on arrays: the one place that hands a whole model to highspy.

PuLP models (:mod:`connectivity.optimize.solver`) and the array-built models of the
flow problems both end here, so a model is handed to HiGHS as one row-wise sparse
matrix (``passModel``) instead of one ``addRow`` call per constraint, and the status
comes from HiGHS's own model status.

Examples
--------
>>> import numpy as np
>>> lp = ArrayLP(cost=np.array([1.0, 2.0]), col_lower=np.zeros(2),
...              col_upper=np.full(2, np.inf), row_start=np.array([0, 2]),
...              row_index=np.array([0, 1]), row_value=np.array([1.0, 1.0]),
...              row_lower=np.array([3.0]), row_upper=np.array([np.inf]))
>>> sol = solve_highs(lp)
>>> sol.result.status.value, sol.result.objective, sol.x.tolist()
('optimal', 3.0, [3.0, 0.0])
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from connectivity.optimize.arrays import ArrayLP
from connectivity.optimize.feasibility import FEASIBILITY_TOL, point_violation, refuse
from connectivity.optimize.result import SolveResult, SolveStatus, relative_gap

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["ArrayLP", "ArraySolution", "solve_highs", "new_highs", "quiet_stdout"]


@dataclass(frozen=True)
class ArraySolution:
    """A solve of an :class:`ArrayLP`: the result and, when there is a point, its arrays.

    ``x`` holds the column values; ``row_dual`` and ``col_dual`` the duals (reduced
    costs) of a pure LP solved to a point with valid duals, ``None`` otherwise.
    """

    result: SolveResult
    x: FloatArray | None
    row_dual: FloatArray | None
    col_dual: FloatArray | None


@contextlib.contextmanager
def quiet_stdout(active: bool = True) -> Iterator[None]:
    """Silence the process's C-level stdout (file descriptor 1) while ``active``.

    HiGHS prints its banner from C++ to descriptor 1, whatever Python's ``sys.stdout``
    points at (a file, a StringIO, a test's capture), so that descriptor is the one
    pointed at the null device.
    """
    if not active:
        yield
        return
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1 (a closed or detached stdout): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs(*, msg: bool) -> Any:
    """A ``highspy.Highs`` object, without the banner unless ``msg``."""
    import highspy

    with quiet_stdout(not msg):
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", bool(msg))
    return h


def solve_highs(
    lp: ArrayLP,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    msg: bool = False,
    options: dict[str, Any] | None = None,
    start: tuple[Any, Any] | None = None,
) -> ArraySolution:
    """Solve ``lp`` with HiGHS and classify the outcome from HiGHS's model status.

    Parameters
    ----------
    lp
        The model.
    time_limit, mip_gap
        As in :func:`connectivity.optimize.solver`; check them with
        :func:`~connectivity.optimize.check_options` first.
    msg
        Show the HiGHS log.
    options
        Further HiGHS options by name (``{"solver": "ipm"}``).
    start
        A MIP start: column indices and their values (a partial point is fine: HiGHS
        completes it with the other columns free, and ignores it if it cannot).

    Returns
    -------
    ArraySolution
    """

    t0 = time.perf_counter()
    h = new_highs(msg=msg)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if mip_gap is not None:
        h.setOptionValue("mip_rel_gap", float(mip_gap))
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)

    model = _highs_model(lp)
    is_mip = lp.integer is not None and bool(np.any(lp.integer))
    h.passModel(model)
    if start is not None:
        idx = np.ascontiguousarray(start[0], dtype=np.int32)
        val = np.ascontiguousarray(start[1], dtype=np.float64)
        h.setSolution(int(idx.shape[0]), idx, val)
    h.run()
    seconds = time.perf_counter() - t0
    return _result(h, lp, is_mip, seconds, mip_gap, options)


def _highs_model(lp: ArrayLP) -> Any:
    """``lp`` as a ``highspy.HighsLp``."""
    import highspy

    model = highspy.HighsLp()
    n_col = int(lp.cost.shape[0])
    n_row = int(lp.row_lower.shape[0])
    model.num_col_ = n_col
    model.num_row_ = n_row
    model.col_cost_ = np.ascontiguousarray(lp.cost, dtype=np.float64)
    model.col_lower_ = np.ascontiguousarray(lp.col_lower, dtype=np.float64)
    model.col_upper_ = np.ascontiguousarray(lp.col_upper, dtype=np.float64)
    model.row_lower_ = np.ascontiguousarray(lp.row_lower, dtype=np.float64)
    model.row_upper_ = np.ascontiguousarray(lp.row_upper, dtype=np.float64)
    model.offset_ = float(lp.offset)
    model.sense_ = highspy.ObjSense.kMaximize if lp.maximize else highspy.ObjSense.kMinimize
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.num_col_ = n_col
    model.a_matrix_.num_row_ = n_row
    model.a_matrix_.start_ = np.ascontiguousarray(lp.row_start, dtype=np.int32)
    model.a_matrix_.index_ = np.ascontiguousarray(lp.row_index, dtype=np.int32)
    model.a_matrix_.value_ = np.ascontiguousarray(lp.row_value, dtype=np.float64)
    is_mip = lp.integer is not None and bool(np.any(lp.integer))
    if is_mip:
        assert lp.integer is not None
        model.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in lp.integer
        ]
    return model


def _result(h: Any, lp: ArrayLP, is_mip: bool, seconds: float, mip_gap: float | None,
            options: dict[str, Any] | None) -> ArraySolution:
    """Read the outcome of a run of ``h`` on ``lp``."""
    status, has_point, text = _classify(h, lp, options=options)
    objective = float(h.getInfo().objective_function_value) if has_point else math.nan
    if not has_point:
        bound = math.nan
    elif is_mip:
        bound = float(h.getInfo().mip_dual_bound)
    else:  # an LP's bound is proven only at optimality
        bound = objective if status is SolveStatus.OPTIMAL else math.nan
    gap = relative_gap(objective, bound)
    if status is SolveStatus.OPTIMAL and is_mip and mip_gap is not None and gap > 1e-9:
        status = SolveStatus.FEASIBLE  # HiGHS stopped at the user's gap: not proven optimal

    x = row_dual = col_dual = None
    message = f"HiGHS model status: {text}"
    if has_point:
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        if not is_mip and sol.dual_valid:
            row_dual = np.asarray(sol.row_dual, dtype=np.float64)
            col_dual = np.asarray(sol.col_dual, dtype=np.float64)
    result = SolveResult(
        status=status, objective=objective, bound=bound, gap=gap, seconds=seconds,
        solver="highs", message=message,
    )
    if x is not None:
        violation = point_violation(lp, x)
        if violation.size > FEASIBILITY_TOL:
            return ArraySolution(result=refuse(result, violation), x=None, row_dual=None,
                                 col_dual=None)
    return ArraySolution(result=result, x=x, row_dual=row_dual, col_dual=col_dual)


def _classify(
    h: Any, lp: ArrayLP, *, options: dict[str, Any] | None
) -> tuple[SolveStatus, bool, str]:
    """The status, whether a feasible point came back, and HiGHS's words for it."""
    import highspy

    ms = h.getModelStatus()
    MS = highspy.HighsModelStatus
    has_point = int(h.getInfo().primal_solution_status) == 2  # kSolutionStatusFeasible
    text = str(h.modelStatusToString(ms))
    if ms == MS.kOptimal:
        status = SolveStatus.OPTIMAL
    elif ms == MS.kInfeasible:
        status = SolveStatus.INFEASIBLE
    elif ms == MS.kUnbounded:
        status = SolveStatus.UNBOUNDED
    elif ms == MS.kUnboundedOrInfeasible:
        if options and options.get("presolve") == "off":
            status = SolveStatus.INFEASIBLE
        else:
            # Without presolve, HiGHS tells infeasible and unbounded apart.
            again = solve_highs(lp, options={**(options or {}), "presolve": "off"}).result
            status = (again.status if again.status in (SolveStatus.INFEASIBLE,
                                                       SolveStatus.UNBOUNDED)
                      else SolveStatus.ERROR)
    elif ms == MS.kTimeLimit:
        status = SolveStatus.TIME_LIMIT
    elif ms in (
        MS.kIterationLimit,
        MS.kSolutionLimit,
        MS.kInterrupt,
        getattr(MS, "kHighsInterrupt", MS.kInterrupt),
        MS.kObjectiveBound,
        MS.kObjectiveTarget,
    ):
        status = SolveStatus.FEASIBLE if has_point else SolveStatus.ERROR
    else:
        status = SolveStatus.ERROR
    if status in (SolveStatus.INFEASIBLE, SolveStatus.UNBOUNDED, SolveStatus.ERROR):
        has_point = False
    return status, has_point, text
