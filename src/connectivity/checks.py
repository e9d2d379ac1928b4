"""Argument checks shared by the array cores: one place that validates and casts.

Every public function that takes arrays (the shortest-path core, the flow and
equilibrium problems, the solver options) checks them here once, before any kernel
runs. Each check names the parameter, the first offending position and value, and what
is allowed, and raises :class:`ValueError`; it never changes a value silently.

Examples
--------
>>> node_array("origins", [0, 2], 3).tolist()
[0, 2]
>>> node_array("origins", [0, 3], 3)
Traceback (most recent call last):
...
ValueError: origins[1] = 3 is not a node index in [0, 3) (1 such value(s))
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "readonly",
    "integer",
    "node",
    "node_array",
    "weights",
    "vector",
    "per_edge",
]


def readonly(a: NDArray[Any]) -> NDArray[Any]:
    """Mark ``a`` read-only and return it (arrays shared between graphs stay frozen)."""
    a.setflags(write=False)
    return a


def restore_readonly(obj: object, state: dict[str, Any]) -> None:
    """Unpickle ``state`` into the frozen dataclass ``obj`` with its arrays read-only
    again (pickle drops the flag, and numba would compile a second version of every
    kernel for writeable arrays)."""
    for key, value in state.items():
        object.__setattr__(obj, key, readonly(value) if isinstance(value, np.ndarray)
                           else value)


def integer(name: str, value: object) -> int:
    """``value`` as an int; bools, floats and strings are refused.

    >>> integer("k", 2.5)
    Traceback (most recent call last):
    ...
    ValueError: k must be an integer, got 2.5
    """
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def node(name: str, value: object, n_nodes: int) -> int:
    """One node index in ``[0, n_nodes)``."""
    v = integer(name, value)
    if not 0 <= v < n_nodes:
        raise ValueError(f"{name} = {v} is not a node index in [0, {n_nodes})")
    return v


def node_array(name: str, values: ArrayLike, n_nodes: int) -> NDArray[np.int64]:
    """``values`` as a 1-D int64 array of node indices in ``[0, n_nodes)``."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer node indices, got dtype {arr.dtype}")
    out = arr.astype(np.int64, copy=False)
    bad = np.flatnonzero((out < 0) | (out >= n_nodes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name}[{i}] = {int(out[i])} is not a node index in [0, {n_nodes}) "
            f"({bad.size} such value(s))"
        )
    return out


def _real(name: str, arr: NDArray[Any]) -> NDArray[np.float64]:
    if arr.size and (arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number)
                     or np.issubdtype(arr.dtype, np.complexfloating)):
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def weights(name: str, values: ArrayLike, n_edges: int) -> NDArray[np.float64]:
    """A fresh 1-D float64 array of ``n_edges`` weights, each >= 0 or ``inf``."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n_edges:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n_edges} (one per edge)")
    w = _real(name, arr)
    nan = np.flatnonzero(np.isnan(w))
    if nan.size:
        raise ValueError(f"{name}[{int(nan[0])}] is NaN; weights must be >= 0 or inf")
    neg = np.flatnonzero(w < 0)
    if neg.size:
        i = int(neg[0])
        raise ValueError(
            f"{name}[{i}] = {float(w[i])!r} is negative; weights must be >= 0 or inf"
        )
    return w


def vector(name: str, values: object, dtype: type, size: int | None = None) -> NDArray[Any]:
    """``values`` as a 1-D array of ``dtype``; a single number fills ``size`` entries."""
    arr: NDArray[Any] = np.asarray(values, dtype=dtype)
    if arr.ndim == 0 and size is not None:
        arr = np.full(size, arr, dtype=dtype)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if size is not None and arr.shape[0] != size:
        raise ValueError(f"{name} must have {size} entries, got {arr.shape[0]}")
    return arr


def per_edge(name: str, values: ArrayLike, m: int) -> NDArray[np.float64]:
    """One number for every edge, or ``m`` numbers; each finite and >= 0."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise ValueError(f"{name} must be a number or have {m} entries, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
    if bad.size:
        raise ValueError(f"{name}[{bad[0]}] = {arr[bad[0]]} must be finite and >= 0")
    return arr
