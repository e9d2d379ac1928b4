"""Work buffers and thread scheduling of the shortest-path searches (private).

The buffers are the node-sized work arrays the point-to-point kernels reuse between
queries; :func:`n_chunks` and :func:`dynamic` hand parallel searches to numba's threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import load_numba

__all__: list[str] = []

_T = TypeVar("_T")


#: Below this many edge visits (searches x edges) a parallel kernel's chunks run one after
#: another on the calling thread. Measured on 2 shared cores: waking numba's threads cost
#: more than the work up to the TNTP networks' size (Sioux Falls, 1.8k: 0.11 ms
#: parallel, 0.06 ms serial per all-or-nothing load, and several ms whenever another
#: process held a core; Anaheim, 35k: 4.0 ms against 1.3 ms).
SERIAL_WORK = 100_000


def serial(n_tasks: int, n_edges: int) -> bool:
    """Whether ``n_tasks`` searches on ``n_edges`` edges are too little work for threads."""
    return n_tasks * n_edges < SERIAL_WORK


def n_chunks(n_tasks: int) -> int:
    """Work chunks for ``n_tasks`` searches: 1 when serial, else ~4 per thread."""
    threads = int(load_numba().get_num_threads())
    if threads == 1 or n_tasks == 1:
        return 1
    return max(1, min(4 * threads, n_tasks))


def dynamic(kernel: Callable[..., _T], *args: Any) -> _T:
    """Run a parallel kernel with chunks handed out one at a time to free threads.

    numba's chunk size is per calling thread; it is restored afterwards.
    """
    numba = load_numba()
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
def borrow_buffers(pool: list[SearchBuffers], n_nodes: int) -> Iterator[SearchBuffers]:
    """Borrow a clean set of work buffers from a graph's ``pool`` (list pop/append are
    atomic, so concurrent queries each get their own set)."""
    try:
        buf = pool.pop()
    except IndexError:
        buf = SearchBuffers.new(n_nodes)
    yield buf
    # not reached if the kernel raised: buffers in an unknown state are dropped
    pool.append(buf)
