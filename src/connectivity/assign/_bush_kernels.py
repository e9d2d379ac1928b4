"""Numba kernels of the bush-based equilibrium (Algorithm B; private).

One bush per origin: a set of edges (``bush[r, e]``) forming an acyclic graph that
reaches every node the origin reaches, and the origin's flow on each edge
(``xo[r, e]``). The kernels keep the total edge flow ``x``, its cost and the cost's
derivative up to date after every shift, so the next shift sees them.

Graph arrays: ``tail``, ``head`` per edge; ``out_ptr``/``out_edge`` (edges leaving each
node) and ``in_ptr``/``in_edge`` (edges entering it), CSR. Volume-delay parameters as in
:mod:`connectivity.assign.vdf` (``t0, cap, alpha, beta, queue, service, rho_max`` and
the flow-independent ``fixed`` cost).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from connectivity._jit import jit
from connectivity.assign.vdf import edge_cost as _price

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ByteArray = npt.NDArray[np.uint8]
Int32Array = npt.NDArray[np.int32]

#: Flow left on an edge after a shift, relative to its flow before, that counts as
#: rounding and is set to zero.
_RESIDUE = 1e-12


@jit()
def price_all(  # noqa: PLR0913, PLR0917 (numba kernel)
    x: FloatArray, t0: FloatArray, cap: FloatArray, alpha: FloatArray, beta: FloatArray,
    queue: BoolArray, service: FloatArray, rho_max: float, fixed: FloatArray,
    cost: FloatArray, der: FloatArray,
) -> None:
    """Cost and derivative of every edge at flow ``x``, into ``cost`` and ``der``."""
    for e in range(x.shape[0]):
        cost[e], der[e] = _price(e, x[e], t0, cap, alpha, beta, queue, service, rho_max,
                                 fixed)


@jit()
def initial_bushes(
    pred: IntArray, tail: IntArray, dests: IntArray, demand: FloatArray,
    bush: ByteArray, xo: FloatArray, x: FloatArray,
) -> None:
    """Bushes from shortest-path trees and the demand loaded on them.

    ``pred[r]`` is origin ``r``'s tree (the edge entering each node, -1 at the origin
    and at unreached nodes); ``demand[r, k]`` goes to node ``dests[k]``.
    """
    n_o = pred.shape[0]
    n = pred.shape[1]
    for r in range(n_o):
        for v in range(n):
            e = pred[r, v]
            if e >= 0:
                bush[r, e] = 1
        for k in range(dests.shape[0]):
            q = demand[r, k]
            if q <= 0.0:
                continue
            v = dests[k]
            e = pred[r, v]
            while e >= 0:
                xo[r, e] += q
                x[e] += q
                v = tail[e]
                e = pred[r, v]


@jit()
def _order(  # noqa: PLR0913, PLR0917 (numba kernel)
    origin: int, bush: ByteArray, head: IntArray, out_ptr: IntArray, out_edge: IntArray,
    in_ptr: IntArray, in_edge: IntArray, indeg: IntArray, order: Int32Array,
) -> int:
    """Topological order of the bush's nodes reachable from ``origin`` (Kahn), into
    ``order``; returns how many there are."""
    n = indeg.shape[0]
    for v in range(n):
        c = 0
        for s in range(in_ptr[v], in_ptr[v + 1]):
            c += bush[in_edge[s]]
        indeg[v] = c
    order[0] = origin
    size = 1
    i = 0
    while i < size:
        u = order[i]
        i += 1
        for s in range(out_ptr[u], out_ptr[u + 1]):
            e = out_edge[s]
            if bush[e]:
                w = head[e]
                indeg[w] -= 1
                if indeg[w] == 0:
                    order[size] = w
                    size += 1
    return size


@jit()
def _labels(  # noqa: PLR0913, PLR0917 (numba kernel)
    order: Int32Array, size: int, bush: ByteArray, xo: FloatArray, cost: FloatArray,
    tail: IntArray, in_ptr: IntArray, in_edge: IntArray, lo: FloatArray, lo_pred: IntArray,
    hi: FloatArray, hi_pred: IntArray, used_only: bool,
) -> None:
    """Shortest (``lo``) and longest (``hi``) path costs from the origin (``order[0]``)
    inside the bush, with the edge each comes in by; the longest over flow-carrying
    edges only when ``used_only`` (-inf and -1 where none)."""
    o = order[0]
    lo[o] = 0.0
    hi[o] = 0.0
    lo_pred[o] = -1
    hi_pred[o] = -1
    for i in range(1, size):
        v = order[i]
        best = math.inf
        best_e = -1
        worst = -math.inf
        worst_e = -1
        for s in range(in_ptr[v], in_ptr[v + 1]):
            e = in_edge[s]
            if not bush[e]:
                continue
            u = tail[e]
            c = cost[e]
            a = lo[u] + c
            if a < best:
                best = a
                best_e = e
            if used_only and not xo[e] > 0.0:
                continue
            b = hi[u] + c
            if b > worst:
                worst = b
                worst_e = e
        lo[v] = best
        lo_pred[v] = best_e
        hi[v] = worst
        hi_pred[v] = worst_e


@jit()
def update_bush(  # noqa: PLR0913, PLR0917 (numba kernel)
    origin: int, bush: ByteArray, xo: FloatArray, cost: FloatArray, tail: IntArray,
    head: IntArray, out_ptr: IntArray, out_edge: IntArray, in_ptr: IntArray,
    in_edge: IntArray, work: IntArray, order: Int32Array, lo: FloatArray, lo_pred: IntArray,
    hi: FloatArray, hi_pred: IntArray,
) -> int:
    """Dial's bush update: drop the edges without flow (but the shortest-path tree's),
    then add every edge that shortens a longest bush path (``hi[i] + c < hi[j]``: the
    bush stays acyclic). Returns the number of edges added."""
    size = _order(origin, bush, head, out_ptr, out_edge, in_ptr, in_edge, work, order)
    _labels(order, size, bush, xo, cost, tail, in_ptr, in_edge, lo, lo_pred, hi, hi_pred,
            False)
    for i in range(1, size):
        v = order[i]
        for s in range(in_ptr[v], in_ptr[v + 1]):
            e = in_edge[s]
            if bush[e] and not xo[e] > 0.0 and e != lo_pred[v]:
                bush[e] = 0
    _labels(order, size, bush, xo, cost, tail, in_ptr, in_edge, lo, lo_pred, hi, hi_pred,
            False)
    n = lo.shape[0]
    reached = work  # reuse: 1 where the node is in the bush
    for v in range(n):
        reached[v] = 0
    for i in range(size):
        reached[order[i]] = 1
    added = 0
    for i in range(size):
        u = order[i]
        hu = hi[u]
        for s in range(out_ptr[u], out_ptr[u + 1]):
            e = out_edge[s]
            if bush[e]:
                continue
            w = head[e]
            if reached[w] and hu + cost[e] < hi[w] and w != order[0]:
                bush[e] = 1
                added += 1
    return added


@jit()
def shift_flows(  # noqa: C901, PLR0912, PLR0913, PLR0915, PLR0917 (numba kernel)
    bush: ByteArray, xo: FloatArray, x: FloatArray, cost: FloatArray,
    der: FloatArray, tail: IntArray, in_ptr: IntArray, in_edge: IntArray, order: Int32Array,
    size: int, pos: IntArray,
    lo: FloatArray, lo_pred: IntArray, hi: FloatArray, hi_pred: IntArray,
    t0: FloatArray, cap: FloatArray, alpha: FloatArray, beta: FloatArray, queue: BoolArray,
    service: FloatArray, rho_max: float, fixed: FloatArray, seg: IntArray,
) -> float:
    """One pass of Newton flow shifts on a bush (its nodes in topological order:
    ``order[:size]``, the origin first): at each node, from the end of the bush
    backwards, flow moves from the longest used path segment to the shortest one, back
    to where the two meet. Returns the largest cost difference between the two segments
    met (the bush's own excess)."""
    for i in range(size):
        pos[order[i]] = i
    _labels(order, size, bush, xo, cost, tail, in_ptr, in_edge, lo, lo_pred, hi, hi_pred,
            True)
    worst = 0.0
    for i in range(size - 1, 0, -1):
        j = order[i]
        e_hi = hi_pred[j]
        if e_hi < 0 or e_hi == lo_pred[j]:
            continue
        # walk both paths back until they meet; seg[:n_lo] the shortest path's edges,
        # seg[m - n_hi:] the longest's
        m = seg.shape[0]
        n_lo = 0
        n_hi = 0
        p = j
        q = j
        broken = False
        while True:
            if pos[p] >= pos[q]:
                e = lo_pred[p]
                if e < 0:
                    broken = True
                    break
                seg[n_lo] = e
                n_lo += 1
                p = tail[e]
            else:
                e = hi_pred[q]
                if e < 0:  # a node with flow out but none in (rounding): leave it
                    broken = True
                    break
                n_hi += 1
                seg[m - n_hi] = e
                q = tail[e]
            if p == q:
                break
        if broken:
            continue
        gap = 0.0
        d2 = 0.0
        room = math.inf
        for k in range(m - n_hi, m):
            e = seg[k]
            gap += cost[e]
            d2 += der[e]
            room = min(room, xo[e])
        for k in range(n_lo):
            e = seg[k]
            gap -= cost[e]
            d2 += der[e]
        if not gap > 0.0 or not room > 0.0:
            continue
        worst = max(worst, gap)
        dx = gap / d2 if d2 > 0.0 else room
        dx = min(dx, room)
        for k in range(m - n_hi, m):
            e = seg[k]
            old = xo[e]
            left = old - dx
            # the edges of one path segment carry the same flow up to rounding: what
            # rounding leaves once the bottleneck is emptied is emptied too, or an edge
            # would keep a flow of 1e-14 that no edge feeds (and block the bush update)
            if left <= _RESIDUE * old:
                left = 0.0
            xo[e] = left
            x[e] = max(x[e] - (old - left), 0.0)
            cost[e], der[e] = _price(e, x[e], t0, cap, alpha, beta, queue, service,
                                     rho_max, fixed)
        for k in range(n_lo):
            e = seg[k]
            xo[e] += dx
            x[e] += dx
            cost[e], der[e] = _price(e, x[e], t0, cap, alpha, beta, queue, service,
                                     rho_max, fixed)
    return worst


@jit()
def sweep(  # noqa: PLR0913, PLR0917 (numba kernel)
    update: bool, bush: ByteArray, xo: FloatArray, x: FloatArray, cost: FloatArray,
    der: FloatArray, orders: Int32Array, sizes: IntArray, origins: IntArray, tail: IntArray,
    head: IntArray, out_ptr: IntArray, out_edge: IntArray, in_ptr: IntArray,
    in_edge: IntArray, t0: FloatArray, cap: FloatArray, alpha: FloatArray,
    beta: FloatArray, queue: BoolArray, service: FloatArray, rho_max: float,
    fixed: FloatArray,
) -> float:
    """Every origin in turn: its bush updated and its topological order (``orders[r,
    :sizes[r]]``) found again (with ``update``), then one pass of flow shifts. Returns
    the largest segment cost difference met."""
    n = in_ptr.shape[0] - 1
    work = np.empty(n, dtype=np.int64)
    pos = np.empty(n, dtype=np.int64)
    lo = np.empty(n)
    hi = np.empty(n)
    lo_pred = np.empty(n, dtype=np.int64)
    hi_pred = np.empty(n, dtype=np.int64)
    seg = np.empty(2 * n + 2, dtype=np.int64)
    worst = 0.0
    for r in range(origins.shape[0]):
        b = bush[r]
        f = xo[r]
        order = orders[r]
        if update:
            update_bush(origins[r], b, f, cost, tail, head, out_ptr, out_edge, in_ptr,
                        in_edge, work, order, lo, lo_pred, hi, hi_pred)
            sizes[r] = _order(origins[r], b, head, out_ptr, out_edge, in_ptr, in_edge, work,
                              order)
        w = shift_flows(b, f, x, cost, der, tail, in_ptr, in_edge, order, sizes[r], pos,
                        lo, lo_pred, hi, hi_pred, t0, cap, alpha, beta, queue, service,
                        rho_max, fixed, seg)
        worst = max(worst, w)
    return worst
