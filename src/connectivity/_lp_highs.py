"""HiGHS driver on arrays: the one place that talks to highspy.

The public wrapper (:mod:`connectivity.solve`) and the array-built models
(:mod:`connectivity.sysopt`) both end here, so a model is handed to HiGHS as one
row-wise sparse matrix (``passModel``) instead of one ``addRow`` call per constraint, and
the status comes from HiGHS's own model status.
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

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["ArrayLP", "ArraySolution", "solve_highs"]


@dataclass(frozen=True)
class ArrayLP:
    """A linear (or mixed-integer) program as arrays, rows in CSR form.

    ``row_lower`` / ``row_upper`` / ``col_lower`` / ``col_upper`` use ``±inf`` for free
    sides. ``integer`` marks integer columns (``None``: a pure LP).
    """

    cost: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    row_start: IntArray
    row_index: IntArray
    row_value: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    integer: npt.NDArray[np.bool_] | None = None
    offset: float = 0.0
    maximize: bool = False


@dataclass(frozen=True)
class ArraySolution:
    """What HiGHS reported, in plain values (mapped to ``SolveStatus`` by the caller)."""

    status: str  # one of the SolveStatus values
    objective: float
    bound: float
    gap: float
    seconds: float
    message: str
    x: FloatArray | None
    row_dual: FloatArray | None
    col_dual: FloatArray | None


@contextlib.contextmanager
def _stdout_silenced(active: bool) -> Iterator[None]:
    """Silence C-level stdout (the HiGHS banner is printed by the constructor)."""
    if not active:
        yield
        return
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        fd = 1
    try:
        saved = os.dup(fd)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def new_highs(*, msg: bool) -> Any:
    """A ``highspy.Highs`` object, without the banner unless ``msg``."""
    import highspy

    with _stdout_silenced(not msg):
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", bool(msg))
    return h


def _relative_gap(objective: float, bound: float) -> float:
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    return abs(objective - bound) / max(abs(objective), 1e-10)


def solve_highs(
    lp: ArrayLP,
    *,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    msg: bool = False,
    options: dict[str, Any] | None = None,
) -> ArraySolution:
    """Solve ``lp`` with HiGHS and classify the outcome from HiGHS's model status."""
    import highspy

    t0 = time.perf_counter()
    h = new_highs(msg=msg)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if mip_gap is not None:
        h.setOptionValue("mip_rel_gap", float(mip_gap))
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)

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
    h.passModel(model)
    h.run()
    seconds = time.perf_counter() - t0

    ms = h.getModelStatus()
    MS = highspy.HighsModelStatus
    info = h.getInfo()
    has_point = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    objective = float(info.objective_function_value) if has_point else math.nan
    if is_mip:
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap) if has_point else math.inf
    else:
        bound = objective
        gap = 0.0 if ms == MS.kOptimal else math.inf
    text = h.modelStatusToString(ms)

    if ms == MS.kOptimal:
        status = "optimal"
        if is_mip and mip_gap is not None and gap > 1e-9:
            # HiGHS stopped at the user's gap: a feasible point, not proven optimal.
            status = "feasible"
    elif ms == MS.kInfeasible:
        status = "infeasible"
    elif ms in (MS.kUnbounded,):
        status = "unbounded"
    elif ms == MS.kUnboundedOrInfeasible:
        if options and options.get("presolve") == "off":
            status = "infeasible"
        else:
            # Without presolve, HiGHS tells infeasible and unbounded apart.
            again = solve_highs(lp, options={**(options or {}), "presolve": "off"})
            status = again.status if again.status in ("infeasible", "unbounded") else "error"
    elif ms == MS.kTimeLimit:
        status = "time_limit"
    elif ms in (
        MS.kIterationLimit,
        MS.kSolutionLimit,
        MS.kInterrupt,
        getattr(MS, "kHighsInterrupt", MS.kInterrupt),
        MS.kObjectiveBound,
        MS.kObjectiveTarget,
    ):
        status = "feasible" if has_point else "error"
    else:
        status = "error"
    if status in ("infeasible", "unbounded", "error"):
        has_point = False
        objective = bound = math.nan
    if not has_point:
        gap = math.inf
    elif is_mip and status != "optimal":
        gap = _relative_gap(objective, bound)

    x = row_dual = col_dual = None
    if has_point:
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        if not is_mip and sol.dual_valid:
            row_dual = np.asarray(sol.row_dual, dtype=np.float64)
            col_dual = np.asarray(sol.col_dual, dtype=np.float64)
    return ArraySolution(
        status=status,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        message=f"HiGHS model status: {text}",
        x=x,
        row_dual=row_dual,
        col_dual=col_dual,
    )
