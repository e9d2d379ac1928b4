"""Sums of edge values along the contraction hierarchy's shortest paths (private).

Each arc direction stands for one path of input edges (how ``Hierarchy.how()`` says it
is made), so the sum of any edge values along it is known once for all queries
(:func:`arc_sums`, one pass by increasing arc id). A many-to-many search then carries,
with each label, the sums of the path its predecessor gave it: strict improvement
only, so where several predecessors tie the first one found keeps the label, the same
one on every run. Its distances are those of ``_cch_kernels.many_to_many``, bit for
bit: the same additions and minima in the same order. Arrays as in ``_cch_build`` and
``_cch_kernels`` (nodes numbered by rank).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import jit, prange
from connectivity.paths._cch_kernels import UNSET, halves, upward

__all__: list[str] = []

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]
FloatArray = NDArray[np.float64]


@jit()
def arc_sums(up_via: IntArray, down_via: IntArray,
             values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(up_sum, down_sum)``, ``n_arcs x k``: the ``k`` values (``values``: one row per
    input edge) added up along the path each arc direction stands for.

    An input edge gives its own row; the path through a lower node ``z`` adds the sums
    of its two lower arcs ``zx`` and ``zy``, whose ids are smaller than the arc's (their
    lower end ``z`` is below the arc's lower end), so both are final when it is reached.
    A direction no path makes (``UNSET``) gets NaN: its weight is ``inf`` and no search
    uses it.
    """
    n_arcs = up_via.shape[0]
    k = values.shape[1]
    up_sum = np.empty((n_arcs, k))
    down_sum = np.empty((n_arcs, k))
    for a in range(n_arcs):
        for is_up in (True, False):
            out = up_sum if is_up else down_sum
            via = up_via[a] if is_up else down_via[a]
            if via >= 0:
                out[a] = values[via]
            elif via == UNSET:
                out[a] = np.nan
            else:  # down to the middle node, then up from it
                first, then = halves(via, is_up)
                for q in range(k):
                    out[a, q] = down_sum[first, q] + up_sum[then, q]
    return up_sum, down_sum


@jit(inline=True)
def _sums_batch(batch: IntArray, lanes: int, parent: Int32Array, f_ptr: IntArray,
                f_h: Int32Array, f_w: FloatArray, f_a: Int32Array, tails: Int32Array,
                up_sum: FloatArray, local: Int32Array, ptr: IntArray, lh: Int32Array,
                lw: FloatArray, lsum: FloatArray, scratch: FloatArray, pred: IntArray,
                path_sum: FloatArray, d: FloatArray, p: IntArray, sums: FloatArray) -> None:
    """Distances (``d``: selected nodes x lanes) and sums (``sums``: selected nodes x
    lanes x k, meaningful where ``d`` is finite) from up to ``lanes`` sources.

    Per source, the upward search with predecessor arcs, then its labels' sums along
    its elimination-tree path (lower nodes first, so each predecessor's sum is final);
    then one downward sweep for all lanes recording each label's predecessor slot
    (``p``, ``-1``: the upward label stands), and a second pass in the sweep's order
    that adds each predecessor's sums to its slot's arc sums.
    """
    k_values = up_sum.shape[1]
    d[:] = np.inf
    p[:] = -1
    for k in range(batch.shape[0]):
        s = batch[k]
        scratch[s] = 0.0
        upward(s, parent, f_ptr, f_h, f_w, f_a, scratch, pred)
        v = s
        while v != -1:
            if scratch[v] < np.inf:
                if v == s:
                    path_sum[v] = 0.0
                else:
                    a = pred[v]
                    t = tails[a]
                    for q in range(k_values):
                        path_sum[v, q] = path_sum[t, q] + up_sum[a, q]
                i = local[v]
                if i >= 0:
                    d[i, k] = scratch[v]
                    sums[i, k] = path_sum[v]
            scratch[v] = np.inf
            v = parent[v]
    n_sel = ptr.shape[0] - 1
    for i in range(n_sel):
        for j in range(ptr[i], ptr[i + 1]):
            h = lh[j]
            w = lw[j]
            for k in range(lanes):
                c = d[h, k] + w
                if c < d[i, k]:
                    d[i, k] = c
                    p[i, k] = j
    for i in range(n_sel):  # higher nodes first: each predecessor's sums are final
        for k in range(lanes):
            j = p[i, k]
            if j >= 0:
                h = lh[j]
                for q in range(k_values):
                    sums[i, k, q] = sums[h, k, q] + lsum[j, q]


@jit(parallel=True)
def many_to_many_sums(sources: Int32Array, targets_local: IntArray, lanes: int,
                      chunks: int, parent: Int32Array, f_ptr: IntArray, f_h: Int32Array,
                      f_w: FloatArray, f_a: Int32Array, tails: Int32Array,
                      up_sum: FloatArray, local: Int32Array, ptr: IntArray,
                      lh: Int32Array, lw: FloatArray, lsum: FloatArray, out: FloatArray,
                      out_sums: FloatArray) -> None:
    """``out[i, j]``: distance from ``sources[i]`` to the selected node
    ``targets_local[j]``, and ``out_sums[:, i, j]`` the sums along the path found
    (``inf`` where there is none); batches of ``lanes`` sources, ``chunks`` parallel
    chunks, as ``_cch_kernels.many_to_many``.

    ``f_*``: the upward query arcs (``f_a`` their arc ids), ``up_sum`` the arcs' upward
    sums; ``local``, ``ptr``, ``lh``, ``lw``: the sweep graph of ``sweep_graph``, and
    ``lsum`` the downward sums of its arcs, one row per slot.
    """
    n = parent.shape[0]
    n_sel = ptr.shape[0] - 1
    k_values = up_sum.shape[1]
    n_batches = (sources.shape[0] + lanes - 1) // lanes
    for c in prange(chunks):
        scratch = np.full(n, np.inf)
        pred = np.empty(n, dtype=np.int64)
        path_sum = np.empty((n, k_values))
        d = np.empty((n_sel, lanes))
        p = np.empty((n_sel, lanes), dtype=np.int64)
        sums = np.empty((n_sel, lanes, k_values))
        for b in range(c * n_batches // chunks, (c + 1) * n_batches // chunks):
            lo = b * lanes
            hi = min(lo + lanes, sources.shape[0])
            batch = sources[lo:hi].astype(np.int64)
            _sums_batch(batch, lanes, parent, f_ptr, f_h, f_w, f_a, tails, up_sum, local,
                        ptr, lh, lw, lsum, scratch, pred, path_sum, d, p, sums)
            for k in range(hi - lo):
                for j in range(targets_local.shape[0]):
                    i = targets_local[j]
                    dist = d[i, k]
                    out[lo + k, j] = dist
                    for q in range(k_values):
                        out_sums[q, lo + k, j] = sums[i, k, q] if dist < np.inf else np.inf
