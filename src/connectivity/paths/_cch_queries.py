"""Queries on a customized contraction hierarchy (private): distance matrices, point-to-
point paths and all-or-nothing loading, the inputs already checked (by
``connectivity.paths.search`` and ``loading``). Arrays as in ``contraction`` and
``_cch_kernels``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import load_numba
from connectivity.paths._work import dynamic
from connectivity.paths.contraction import Hierarchy

__all__: list[str] = []

# sources swept side by side (one lane each): enough to fill a vector register and to
# reuse each arc read, few enough that a batch's labels stay in cache on road networks
LANES = 8


def sweep_of(h: Hierarchy, sources: NDArray[np.int64], targets: NDArray[np.int64] | None,
             ) -> tuple[NDArray[np.int32], NDArray[np.int32], tuple[Any, ...]]:
    """The ranks of ``sources`` and ``targets`` (every node if ``None``) and the
    downward sweep graph over the targets' ancestors (``_cch_kernels.sweep_graph``:
    ``local, ptr, heads, weights, arc``) that many-to-many searches share."""
    from connectivity.paths import _cch_kernels

    topo = h.topology
    n = topo.n_nodes
    src = topo.rank[sources]
    tgt = topo.rank[targets] if targets is not None else np.arange(n, dtype=np.int32)
    sel = (np.arange(n - 1, -1, -1, dtype=np.int32) if targets is None
           else _cch_kernels.selection(tgt, topo.parent))
    d = h.down
    return src, tgt, _cch_kernels.sweep_graph(sel, n, d.ptr, d.heads, d.weights, d.arc)


def distances(h: Hierarchy, sources: NDArray[np.int64],
              targets: NDArray[np.int64] | None) -> NDArray[np.float64]:
    """Distance matrix by batched downward sweeps (inputs already checked)."""
    from connectivity.paths import _cch_kernels

    topo = h.topology
    src, tgt, sweep = sweep_of(h, sources, targets)
    local, ptr, lh, lw, _ = sweep
    tgt_local = local[tgt].astype(np.int64)
    out = np.empty((src.shape[0], tgt.shape[0]))
    if src.shape[0]:
        n_batches = -(-src.shape[0] // LANES)
        chunks = max(1, min(int(load_numba().get_num_threads()), n_batches))
        u = h.up
        _cch_kernels.many_to_many(src, tgt_local, LANES, chunks, topo.parent, u.ptr,
                                  u.heads, u.weights, local, ptr, lh, lw, out)
    if targets is None:  # columns are ranks: back to node ids
        out = out[:, topo.rank]
    return out


def shortest_path(h: Hierarchy, s: int, t: int) -> tuple[float, NDArray[np.int64]]:
    """``(cost, input edges)`` of a shortest path, ``(inf, [])`` without one."""
    from connectivity.paths import _cch_path

    topo = h.topology
    rs, rt = int(topo.rank[s]), int(topo.rank[t])
    try:
        b = topo._buffers.pop()
    except IndexError:
        b = (np.full(topo.n_nodes, np.inf), np.full(topo.n_nodes, np.inf),
             np.empty(topo.n_nodes, dtype=np.int64))
    u, d = h.up, h.down
    up_via, down_via = h.how()
    cost, edges = _cch_path.path(
        rs, rt, topo.parent, u.ptr, u.heads, u.weights, u.arc, d.ptr, d.heads, d.weights,
        d.arc, up_via, down_via, b[0], b[1], b[2])
    topo._buffers.append(b)  # not reached if the kernel raised: those buffers are dropped
    return float(cost), edges


def all_or_nothing(h: Hierarchy, origins: NDArray[np.int64], destinations: NDArray[np.int64],
                   demand: NDArray[np.float64],
                   chunks: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Flow per input edge and, per origin, the first unreachable destination position
    with demand (``-1``: none), the inputs already checked."""
    from connectivity.paths import _cch_kernels, _cch_loading

    topo = h.topology
    n = topo.n_nodes
    o = topo.rank[origins].astype(np.int64)
    tgt = topo.rank[destinations]
    sel = _cch_kernels.selection(tgt, topo.parent)
    d, u = h.down, h.up
    local, ptr, lh, lw, la = _cch_kernels.sweep_graph(sel, n, d.ptr, d.heads, d.weights,
                                                      d.arc)
    tgt_local = local[tgt].astype(np.int64)
    bad = np.full(o.shape[0], -1, dtype=np.int64)
    if chunks == 1:
        f_up = np.zeros(topo.n_arcs)
        f_down = np.zeros(topo.n_arcs)
        _cch_loading.load_chunk(o, tgt_local, demand, 0, 1, topo.parent, u.ptr, u.heads,
                                u.weights, u.arc, sel, local, ptr, lh, lw, la, topo.tails,
                                topo.heads, f_up, f_down, bad)
    else:
        fu = np.zeros((chunks, topo.n_arcs))
        fd = np.zeros((chunks, topo.n_arcs))
        dynamic(_cch_loading.load, o, tgt_local, demand, chunks, topo.parent, u.ptr, u.heads,
                u.weights, u.arc, sel, local, ptr, lh, lw, la, topo.tails, topo.heads, fu, fd,
                bad)
        f_up, f_down = fu.sum(axis=0), fd.sum(axis=0)  # row by row: same sum every run
    up_via, down_via = h.how()
    flow = _cch_loading.unpack_flows(f_up, f_down, up_via, down_via, topo.n_edges)
    return flow, bad
