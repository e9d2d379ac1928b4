"""A linear or mixed-integer program as arrays: the form every solver path is handed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ArrayLP"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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
