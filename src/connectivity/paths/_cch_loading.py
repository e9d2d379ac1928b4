"""All-or-nothing loading on the customizable contraction hierarchy (private).

Demand is added up on the hierarchy's arcs (per arc and direction) while each origin's
paths are walked back from its destinations, then pushed down through the shortcuts to
the input edges once (:func:`unpack_flows`). Arrays as in ``_cch_build`` and
``_cch_kernels``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import jit, prange
from connectivity.paths._cch_kernels import halves, reset_path, upward

__all__: list[str] = []

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]
FloatArray = NDArray[np.float64]


@jit()
def load_chunk(origins: IntArray, destinations_local: IntArray, demand: FloatArray,
               chunk: int, n_chunks: int, parent: Int32Array, f_ptr: IntArray,
               f_h: Int32Array, f_w: FloatArray, f_a: Int32Array, sel: Int32Array,
               local: Int32Array, ptr: IntArray, lh: Int32Array, lw: FloatArray,
               la: Int32Array, tails: Int32Array, heads: Int32Array, flow_up: FloatArray,
               flow_down: FloatArray, bad: IntArray) -> None:
    """All-or-nothing loading of origins ``chunk, chunk + n_chunks, ...`` (ranks) onto
    the arcs (``flow_up``/``flow_down``: per arc and direction, not yet unpacked).

    Per origin: the upward search, one downward sweep over the selection (the
    destinations' ancestors) with predecessor arcs, then each destination's path walked
    back: down arcs while the label came from the sweep, up arcs along the origin's
    elimination-tree path after that. ``bad[i]``: first destination position with
    positive demand unreachable from origin ``i`` (``-1`` if none).
    """
    n = parent.shape[0]
    n_sel = ptr.shape[0] - 1
    dist = np.full(n, np.inf)
    pred = np.empty(n, dtype=np.int64)
    d = np.empty(n_sel)
    p = np.empty(n_sel, dtype=np.int64)  # arc of the sweep, -1: label of the upward search
    for i in range(chunk, origins.shape[0], n_chunks):
        s = origins[i]
        if not (demand[i] > 0.0).any():
            continue
        dist[s] = 0.0
        upward(s, parent, f_ptr, f_h, f_w, f_a, dist, pred)
        d[:] = np.inf
        v = s
        while v != -1:
            li = local[v]
            if li >= 0:
                d[li] = dist[v]
                p[li] = -1
            v = parent[v]
        for li in range(n_sel):
            for j in range(ptr[li], ptr[li + 1]):
                c = d[lh[j]] + lw[j]
                if c < d[li]:
                    d[li] = c
                    p[li] = la[j]
        for k in range(destinations_local.shape[0]):
            q = demand[i, k]
            if not q > 0.0:
                continue
            li = destinations_local[k]
            if d[li] == np.inf:
                if bad[i] < 0:
                    bad[i] = k
                continue
            v = sel[li]
            while p[li] >= 0:  # down arcs, walked upwards to the peak
                a = p[li]
                flow_down[a] += q
                v = heads[a]
                li = local[v]
            while v != s:  # up arcs, walked down the origin's path
                a = pred[v]
                flow_up[a] += q
                v = tails[a]
        reset_path(s, parent, dist)


@jit(parallel=True)
def load(origins: IntArray, destinations_local: IntArray, demand: FloatArray,
         n_chunks: int, parent: Int32Array, f_ptr: IntArray, f_h: Int32Array,
         f_w: FloatArray, f_a: Int32Array, sel: Int32Array, local: Int32Array,
         ptr: IntArray, lh: Int32Array, lw: FloatArray, la: Int32Array, tails: Int32Array,
         heads: Int32Array, flows_up: FloatArray, flows_down: FloatArray,
         bad: IntArray) -> None:
    """:func:`load_chunk` over ``n_chunks`` chunks in parallel, into row ``c`` of
    ``flows_up``/``flows_down`` per chunk."""
    for c in prange(n_chunks):
        load_chunk(origins, destinations_local, demand, c, n_chunks, parent, f_ptr, f_h,
                   f_w, f_a, sel, local, ptr, lh, lw, la, tails, heads, flows_up[c],
                   flows_down[c], bad)


@jit()
def unpack_flows(flow_up: FloatArray, flow_down: FloatArray, up_via: IntArray,
                 down_via: IntArray, n_edges: int) -> FloatArray:
    """Push the arcs' flows down to the input edges (``flow_up``/``flow_down`` are
    consumed): shortcuts by decreasing arc id, so an arc's flow is complete (every arc
    above it passed its share down) before it is split."""
    out = np.zeros(n_edges)
    for a in range(flow_up.shape[0] - 1, -1, -1):
        for direction in range(2):
            f = flow_up[a] if direction == 0 else flow_down[a]
            if f == 0.0:
                continue
            via = up_via[a] if direction == 0 else down_via[a]
            if via >= 0:
                out[via] += f
                continue
            first, then = halves(via, direction == 0)
            flow_down[first] += f
            flow_up[then] += f
    return out
