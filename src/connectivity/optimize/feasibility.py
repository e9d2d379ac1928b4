"""Is a returned point feasible? The check every solver path applies before it says so.

A solver's "feasible" or "optimal" is taken only when the point it returns satisfies the
model's rows and bounds (and integrality) within :data:`FEASIBILITY_TOL`, measured
relative to the size of each bound::

    violation = (excess over the bound) / (1 + |bound|)

Examples
--------
>>> import numpy as np
>>> from connectivity.optimize import ArrayLP
>>> lp = ArrayLP(cost=np.ones(2), col_lower=np.zeros(2), col_upper=np.full(2, np.inf),
...              row_start=np.array([0, 2]), row_index=np.array([0, 1]),
...              row_value=np.array([1.0, 1.0]), row_lower=np.array([4.0]),
...              row_upper=np.array([4.0]))
>>> point_violation(lp, np.array([1.0, 3.0])).size
0.0
>>> v = point_violation(lp, np.array([1.0, 1.0]))
>>> v.size > FEASIBILITY_TOL, v.where
(True, 'row 0: activity 2 outside [4, 4]')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity.optimize.arrays import ArrayLP
from connectivity.optimize.result import SolveResult, SolveStatus

__all__ = ["FEASIBILITY_TOL", "Violation", "point_violation", "refuse"]

#: Largest scaled violation of a row, bound or integrality accepted in a returned point.
FEASIBILITY_TOL = 1e-6


@dataclass(frozen=True)
class Violation:
    """The largest scaled violation of a point, and where it is (``""`` if none)."""

    size: float
    where: str


def _excess(values: npt.NDArray[np.float64], lower: npt.NDArray[np.float64],
            upper: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64],
                                                     npt.NDArray[np.float64]]:  # fmt: skip
    below = np.zeros(values.shape[0])
    above = np.zeros(values.shape[0])
    lo, hi = np.isfinite(lower), np.isfinite(upper)
    below[lo] = (lower[lo] - values[lo]) / (1.0 + np.abs(lower[lo]))
    above[hi] = (values[hi] - upper[hi]) / (1.0 + np.abs(upper[hi]))
    return np.maximum(below, 0.0), np.maximum(above, 0.0)


def point_violation(lp: ArrayLP, x: npt.ArrayLike) -> Violation:
    """How far ``x`` is outside the rows, column bounds and integrality of ``lp``."""
    point = np.asarray(x, dtype=np.float64)
    n_col = int(lp.cost.shape[0])
    if point.shape != (n_col,):
        return Violation(np.inf, f"the point has {point.shape} values for {n_col} columns")
    if not np.all(np.isfinite(point)):
        j = int(np.flatnonzero(~np.isfinite(point))[0])
        return Violation(np.inf, f"column {j}: value {point[j]}")
    worst = Violation(0.0, "")
    n_row = int(lp.row_lower.shape[0])
    if n_row:
        a = sp.csr_matrix((lp.row_value, lp.row_index, lp.row_start), shape=(n_row, n_col))
        activity = a @ point
        below, above = _excess(activity, lp.row_lower, lp.row_upper)
        r = int(np.argmax(np.maximum(below, above)))
        size = float(max(below[r], above[r]))
        if size > worst.size:
            worst = Violation(size, f"row {r}: activity {activity[r]:.10g} outside "
                                    f"[{lp.row_lower[r]:.10g}, {lp.row_upper[r]:.10g}]")
    below, above = _excess(point, lp.col_lower, lp.col_upper)
    if n_col:
        j = int(np.argmax(np.maximum(below, above)))
        size = float(max(below[j], above[j]))
        if size > worst.size:
            worst = Violation(size, f"column {j}: value {point[j]:.10g} outside "
                                    f"[{lp.col_lower[j]:.10g}, {lp.col_upper[j]:.10g}]")
    if lp.integer is not None and lp.integer.any():
        frac = np.abs(point - np.round(point)) * lp.integer
        j = int(np.argmax(frac))
        if frac[j] > worst.size:
            worst = Violation(float(frac[j]), f"column {j}: value {point[j]:.10g} not integer")
    return worst


def refuse(result: SolveResult, violation: Violation) -> SolveResult:
    """``result`` turned into "no solution": the point it came with broke the model."""
    return SolveResult(
        status=SolveStatus.ERROR, objective=np.nan, bound=np.nan, gap=np.inf,
        seconds=result.seconds, solver=result.solver,
        message=(f"{result.message}; the returned point is not feasible (scaled violation "
                 f"{violation.size:.3g} > {FEASIBILITY_TOL:g}, {violation.where}), so no "
                 "solution is reported"),
    )
