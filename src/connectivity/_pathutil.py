"""Input checks and work buffers of :mod:`connectivity.paths` (private).

The checks validate and cast user input once, naming the parameter and the first bad
value; the buffers are the node-sized work arrays the point-to-point kernels reuse.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from connectivity.paths import CSRGraph

__all__: list[str] = []

_T = TypeVar("_T")


# ---------------------------------------------------------------------------- checks


def readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.setflags(write=False)
    return a


def count(name: str, value: object) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def index_array(name: str, values: ArrayLike, n_nodes: int) -> NDArray[np.int64]:
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


def node(name: str, value: object, n_nodes: int) -> int:
    v = count(name, value)
    if not 0 <= v < n_nodes:
        raise ValueError(f"{name} = {v} is not a node index in [0, {n_nodes})")
    return v


def weight_array(name: str, values: ArrayLike, n_edges: int) -> NDArray[np.float64]:
    """``values`` as a fresh 1-D float64 array of ``n_edges`` weights >= 0 (inf allowed)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n_edges:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n_edges} (one per edge)")
    if arr.size and (arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number)
                     or np.issubdtype(arr.dtype, np.complexfloating)):
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    w = arr.astype(np.float64)
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


def n_chunks(n_tasks: int) -> int:
    """Work chunks for ``n_tasks`` searches: 1 when serial, else ~4 per thread."""
    threads = int(numba.get_num_threads())
    if threads == 1 or n_tasks == 1:
        return 1
    return max(1, min(4 * threads, n_tasks))


def dynamic(kernel: Callable[..., _T], *args: Any) -> _T:
    """Run a parallel kernel with chunks handed out one at a time to free threads.

    numba's chunk size is per calling thread; it is restored afterwards.
    """
    old = numba.set_parallel_chunksize(1)
    try:
        return kernel(*args)
    finally:
        numba.set_parallel_chunksize(old)


# --------------------------------------------------------------------------- buffers


@dataclass(frozen=True, eq=False)
class SearchBuffers:
    """Node-sized work arrays of the point-to-point kernels, clean between queries.

    ``dist_*`` are ``inf`` and ``pos_*`` ``0`` everywhere between queries; the other
    arrays hold garbage. ``touched`` has room for every node twice (once per side).
    """

    pos_f: NDArray[np.int32]
    pos_b: NDArray[np.int32]
    dist_f: NDArray[np.float64]
    dist_b: NDArray[np.float64]
    pred_f: NDArray[np.int64]
    pred_b: NDArray[np.int64]
    heap_nodes_f: NDArray[np.int32]
    heap_keys_f: NDArray[np.float64]
    heap_nodes_b: NDArray[np.int32]
    heap_keys_b: NDArray[np.float64]
    touched: NDArray[np.int32]

    @classmethod
    def new(cls, n: int) -> SearchBuffers:
        return cls(
            pos_f=np.zeros(n, dtype=np.int32),
            pos_b=np.zeros(n, dtype=np.int32),
            dist_f=np.full(n, np.inf),
            dist_b=np.full(n, np.inf),
            pred_f=np.empty(n, dtype=np.int64),
            pred_b=np.empty(n, dtype=np.int64),
            heap_nodes_f=np.empty(n, dtype=np.int32),
            heap_keys_f=np.empty(n, dtype=np.float64),
            heap_nodes_b=np.empty(n, dtype=np.int32),
            heap_keys_b=np.empty(n, dtype=np.float64),
            touched=np.empty(2 * n, dtype=np.int32),
        )


@contextmanager
def borrow_buffers(graph: CSRGraph) -> Iterator[SearchBuffers]:
    """Borrow a clean set of work buffers from ``graph``'s pool (list pop/append are
    atomic, so concurrent queries each get their own set)."""
    try:
        buf = graph._buffers.pop()
    except IndexError:
        buf = SearchBuffers.new(graph.n_nodes)
    yield buf
    # not reached if the kernel raised: buffers in an unknown state are dropped
    graph._buffers.append(buf)
