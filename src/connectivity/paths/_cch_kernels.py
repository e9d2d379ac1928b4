"""Customization and queries of the customizable contraction hierarchy (private).

The arrays are those of ``_cch_build`` (nodes numbered by rank). A customization gives
each arc ``a`` (lower end ``x = tails[a]``, upper end ``y = heads[a]``) two weights:
``up_w[a]``, the cost from ``x`` to ``y``, and ``down_w[a]``, from ``y`` to ``x``; and
for each direction how that cost is made (``up_via``/``down_via``, int64): an input
edge index ``e >= 0``, or, for the path through a lower node ``z`` (a lower triangle
``z < x < y``), ``-1 - (zx << 32 | zy)`` with ``zx`` and ``zy`` the arcs ``z - x`` and
``z - y`` (:func:`halves`), so unpacking reads the two arcs without searching for
them. An arc without any path has weight ``inf`` and is never used.

Queries search upwards only: a shortest path always runs up and then down the
hierarchy, with its highest node a common ancestor of both ends in the elimination
tree. The many-to-many sweeps are here; point-to-point queries are in ``_cch_path``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import jit, prange

__all__: list[str] = []

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# ------------------------------------------------------------------ customization


# how[a] of an arc direction no path makes (its cost is inf): never unpacked
UNSET = np.int64(np.iinfo(np.int64).min)
_LOW = 0xFFFFFFFF


@jit(inline=True)
def via_code(zx: int, zy: int) -> int:
    """The ``via`` of an arc made by the lower arcs ``zx`` (``z - x``) and ``zy``."""
    return -1 - ((zx << 32) | zy)


@jit(inline=True)
def halves(via: int, is_up: bool) -> tuple[int, int]:
    """The two lower arcs of a ``via < 0`` (see :func:`via_code`) in path order: the
    one walked down to the middle node ``z``, then the one walked up from it. Upwards
    (``x -> y``) that is ``x -> z`` on ``z - x``, then ``z -> y`` on ``z - y``;
    downwards (``y -> x``), ``y -> z`` on ``z - y``, then ``z -> x`` on ``z - x``."""
    k = -1 - via
    zx = k >> 32
    zy = k & _LOW
    if is_up:
        return zx, zy
    return zy, zx


@jit(inline=True)
def reset_path(v: int, parent: Int32Array, dist: FloatArray) -> None:
    """Set ``dist`` back to ``inf`` on ``v`` and its ancestors, where searches up the
    elimination tree leave their labels."""
    while v != -1:
        dist[v] = np.inf
        v = parent[v]


@jit()
def initial_weights(edge_arc: IntArray, edge_up: BoolArray, weights: FloatArray,
                    w: FloatArray) -> None:
    """Each arc's cheapest input edge's weight in each direction into ``w`` (``inf``
    where there is none), side by side: ``w[a, 0]`` up (``x -> y``), ``w[a, 1]`` down,
    the layout :func:`customize_serial` works on."""
    w[:] = np.inf
    for e in range(edge_arc.shape[0]):
        a = edge_arc[e]
        if a < 0:
            continue
        we = weights[e]
        d = 0 if edge_up[e] else 1
        if we < w[a, d]:
            w[a, d] = we


@jit()
def cheapest_edges(n_arcs: int, edge_arc: IntArray, edge_up: BoolArray,
                   weights: FloatArray) -> tuple[Int32Array, Int32Array]:
    """Each arc's cheapest input edge in each direction (the first of equal ones, ``-1``
    where there is none or all cost ``inf``): the first edge whose weight is
    :func:`initial_weights`' minimum."""
    best = np.empty((n_arcs, 2))
    initial_weights(edge_arc, edge_up, weights, best)
    edge = np.full((2, n_arcs), -1, dtype=np.int32)
    for e in range(edge_arc.shape[0]):
        a = edge_arc[e]
        if a < 0:
            continue
        d = 0 if edge_up[e] else 1
        if edge[d, a] < 0 and weights[e] < np.inf and weights[e] == best[a, d]:
            edge[d, a] = e
    return edge[0].copy(), edge[1].copy()


@jit(inline=True)
def _triangles(x: int, up_ptr: IntArray, heads: Int32Array, tails: Int32Array,
               down_ptr: IntArray, down_arc: IntArray, w: FloatArray,
               pos: Int32Array) -> None:
    """Relax the arcs above ``x`` through every lower triangle ``z < x < y`` (weights
    only: how each cost is made is found afterwards, when a path is unpacked). ``w``
    holds each arc's two weights side by side (up, down), so an arc's update touches
    one cache line, not two (about 10 % faster than two arrays on the 1M-node grid)."""
    for a in range(up_ptr[x], up_ptr[x + 1]):
        pos[heads[a]] = a
    for d in range(down_ptr[x], down_ptr[x + 1]):
        zx = down_arc[d]  # the arc z - x, z below x
        z = tails[zx]
        w_zx = w[zx, 0]  # z -> x
        w_xz = w[zx, 1]  # x -> z
        if w_xz == np.inf and w_zx == np.inf:
            continue
        for zy in range(zx + 1, up_ptr[z + 1]):  # the arcs z - y, y above x
            xy = pos[heads[zy]]
            w[xy, 0] = min(w[xy, 0], w_xz + w[zy, 0])  # x -> z -> y
            w[xy, 1] = min(w[xy, 1], w[zy, 1] + w_zx)  # y -> z -> x


@jit(inline=True)
def _customize_node(x: int, up_ptr: IntArray, heads: Int32Array, tails: Int32Array,
                    down_ptr: IntArray, down_arc: IntArray, w: FloatArray, pos: Int32Array,
                    up_w: FloatArray, down_w: FloatArray) -> None:
    """:func:`_triangles` of ``x``, after which the arcs above ``x`` are final: copied
    out to ``up_w`` and ``down_w`` while they are in cache."""
    _triangles(x, up_ptr, heads, tails, down_ptr, down_arc, w, pos)
    for a in range(up_ptr[x], up_ptr[x + 1]):
        up_w[a] = w[a, 0]
        down_w[a] = w[a, 1]


@jit(inline=True)
def _how(x: int, up_ptr: IntArray, heads: Int32Array, tails: Int32Array,
         down_ptr: IntArray, down_arc: IntArray, up_w: FloatArray, down_w: FloatArray,
         up_edge: Int32Array, down_edge: Int32Array, weights: FloatArray,
         up_via: IntArray, down_via: IntArray, pos: Int32Array) -> None:
    """How the customized cost of each arc above ``x`` is made: its input edge if that
    costs as much, else the lower triangle ``z < x < y`` with the lowest ``z`` that does
    (the sums are the customization's own, so they match exactly)."""
    for a in range(up_ptr[x], up_ptr[x + 1]):
        pos[heads[a]] = a
        e = up_edge[a]
        up_via[a] = e if e >= 0 and weights[e] == up_w[a] else UNSET
        e = down_edge[a]
        down_via[a] = e if e >= 0 and weights[e] == down_w[a] else UNSET
    for d in range(down_ptr[x], down_ptr[x + 1]):  # by increasing z
        zx = down_arc[d]
        z = tails[zx]
        w_xz = down_w[zx]
        w_zx = up_w[zx]
        if w_xz == np.inf and w_zx == np.inf:
            continue
        for zy in range(zx + 1, up_ptr[z + 1]):
            xy = pos[heads[zy]]
            if up_via[xy] == UNSET and w_xz + up_w[zy] == up_w[xy]:
                up_via[xy] = via_code(zx, zy)
            if down_via[xy] == UNSET and down_w[zy] + w_zx == down_w[xy]:
                down_via[xy] = via_code(zx, zy)


# spans of at least this many nodes are customized as blocks (:func:`_customize_span`):
# on the 1M-node grid 1.3-1.4x faster than node by node (8 against 2: 1.37x and 1.28x)
SPAN_MIN = 8
# a span's arcs are updated from below this many arcs' rows at a time (256 KB of
# weights, so that they stay in cache while the lower nodes' arcs stream past)
SPAN_BLOCK = 16384


@jit(inline=True)
def _customize_span(s: int, k: int, up_ptr: IntArray, heads: Int32Array,
                    tails: Int32Array, down_ptr: IntArray, down_arc: IntArray,
                    w: FloatArray, pos: Int32Array, z_arc: IntArray, z_end: IntArray,
                    up_w: FloatArray, down_w: FloatArray) -> None:
    """:func:`_customize_node` of the ``k`` nodes ``s, ..., s + k - 1`` of a span (see
    :mod:`._cch_build`), with the same result, as a block (as in supernodal Cholesky).

    Row ``i`` (node ``s + i``) holds the arcs to the upper neighbours of ``s`` from the
    ``i``-th on (column ``c`` at slot ``up_ptr[s + i] + c - i``). First, every lower
    neighbour ``z`` below ``s`` (final) updates the rows it reaches, its arcs read once
    for all of them, not once per row; then each row, in order, is updated from the
    rows above it (final by then), two aligned runs of arcs. ``pos``, ``z_arc`` and
    ``z_end`` are scratch of ``n`` entries."""
    first = up_ptr[s]
    m = up_ptr[s + 1] - first
    for c in range(m):
        pos[heads[first + c]] = c
    end = s + k
    # the lower neighbours below s, each once: at its first arc into the span
    nz = 0
    for i in range(k):
        x = s + i
        for d in range(down_ptr[x], down_ptr[x + 1]):
            zx = down_arc[d]
            z = tails[zx]
            if z >= s:
                break  # down arcs by increasing lower end: the rest are in the span
            if zx == up_ptr[z] or heads[zx - 1] < s:
                z_arc[nz] = zx
                z_end[nz] = up_ptr[z + 1]
                nz += 1
    rows = max(1, SPAN_BLOCK // m)
    for r0 in range(0, k, rows):
        limit = min(end, s + r0 + rows)
        for j in range(nz):
            zx = z_arc[j]
            stop = z_end[j]
            while zx < stop and heads[zx] < limit:  # the arcs z - x into these rows
                w_zx = w[zx, 0]
                w_xz = w[zx, 1]
                if w_xz != np.inf or w_zx != np.inf:
                    r = heads[zx] - s
                    row = up_ptr[s + r] - r
                    for zy in range(zx + 1, stop):
                        xy = row + pos[heads[zy]]
                        w[xy, 0] = min(w[xy, 0], w_xz + w[zy, 0])  # x -> z -> y
                        w[xy, 1] = min(w[xy, 1], w[zy, 1] + w_zx)  # y -> z -> x
                zx += 1
            z_arc[j] = zx
    for i in range(k):
        xi = up_ptr[s + i]
        length = m - i
        for j in range(i):  # z = s + j, in the span, below x = s + i
            zj = up_ptr[s + j]
            zx = zj + i - 1 - j
            w_zx = w[zx, 0]
            w_xz = w[zx, 1]
            if w_xz == np.inf and w_zx == np.inf:
                continue
            zy = zj + i - j  # z's arc to x's first upper neighbour
            for c in range(length):
                w[xi + c, 0] = min(w[xi + c, 0], w_xz + w[zy + c, 0])
                w[xi + c, 1] = min(w[xi + c, 1], w[zy + c, 1] + w_zx)
        for a in range(xi, xi + length):
            up_w[a] = w[a, 0]
            down_w[a] = w[a, 1]


@jit(inline=True)
def _customize_nodes(nodes: Int32Array, lo: int, hi: int, span: Int32Array,
                     up_ptr: IntArray, heads: Int32Array, tails: Int32Array,
                     down_ptr: IntArray, down_arc: IntArray, w: FloatArray,
                     pos: Int32Array, z_arc: IntArray, z_end: IntArray, up_w: FloatArray,
                     down_w: FloatArray) -> None:
    """Customize ``nodes[lo:hi]`` (increasing ranks) in order: a span whose nodes are
    all there in a row as a block, any other node alone."""
    i = lo
    while i < hi:
        x = nodes[i]
        k = 1
        while k < span[x] and i + k < hi and nodes[i + k] == x + k:
            k += 1
        if k >= SPAN_MIN:
            _customize_span(x, k, up_ptr, heads, tails, down_ptr, down_arc, w, pos, z_arc,
                            z_end, up_w, down_w)
            i += k
        else:
            _customize_node(x, up_ptr, heads, tails, down_ptr, down_arc, w, pos, up_w,
                            down_w)
            i += 1


@jit()
def customize_serial(span: Int32Array, up_ptr: IntArray, heads: Int32Array,
                     tails: Int32Array, down_ptr: IntArray, down_arc: IntArray,
                     w: FloatArray, up_w: FloatArray, down_w: FloatArray) -> None:
    """Basic customization of ``w`` (see :func:`initial_weights`) in place, in rank
    order (the spans as blocks); the result also into ``up_w`` and ``down_w``."""
    n = up_ptr.shape[0] - 1
    pos = np.empty(n, dtype=np.int32)
    z_arc = np.empty(n, dtype=np.int64)
    z_end = np.empty(n, dtype=np.int64)
    nodes = np.arange(n, dtype=np.int32)
    _customize_nodes(nodes, 0, n, span, up_ptr, heads, tails, down_ptr, down_arc, w, pos,
                     z_arc, z_end, up_w, down_w)


@jit(parallel=True)
def customize_tasks(task_ptr: IntArray, task_nodes: Int32Array, top: Int32Array,
                    span: Int32Array, up_ptr: IntArray, heads: Int32Array,
                    tails: Int32Array, down_ptr: IntArray, down_arc: IntArray,
                    w: FloatArray, up_w: FloatArray, down_w: FloatArray) -> None:
    """:func:`customize_serial` with the independent subtrees of the elimination tree in
    parallel (a subtree's nodes only read arcs of their own descendants), then the top
    nodes above them in rank order on one thread (splitting a node between threads
    costs a barrier per node, which a busy machine makes slower than one thread). The
    result does not depend on the split."""
    n = up_ptr.shape[0] - 1
    for t in prange(task_ptr.shape[0] - 1):
        pos = np.empty(n, dtype=np.int32)
        z_arc = np.empty(n, dtype=np.int64)
        z_end = np.empty(n, dtype=np.int64)
        _customize_nodes(task_nodes, task_ptr[t], task_ptr[t + 1], span, up_ptr, heads,
                         tails, down_ptr, down_arc, w, pos, z_arc, z_end, up_w, down_w)
    pos = np.empty(n, dtype=np.int32)
    z_arc = np.empty(n, dtype=np.int64)
    z_end = np.empty(n, dtype=np.int64)
    _customize_nodes(top, 0, top.shape[0], span, up_ptr, heads, tails, down_ptr, down_arc,
                     w, pos, z_arc, z_end, up_w, down_w)


@jit(parallel=True)
def how_tasks(task_ptr: IntArray, task_nodes: Int32Array, top: Int32Array,
              up_ptr: IntArray, heads: Int32Array, tails: Int32Array, down_ptr: IntArray,
              down_arc: IntArray, up_w: FloatArray, down_w: FloatArray, up_edge: Int32Array,
              down_edge: Int32Array, weights: FloatArray, up_via: IntArray,
              down_via: IntArray) -> None:
    """:func:`_how` for every node, the independent subtrees in parallel (each node
    writes only its own arcs; ``top`` may run in any order)."""
    n = up_ptr.shape[0] - 1
    for t in prange(task_ptr.shape[0] - 1):
        pos = np.empty(n, dtype=np.int32)
        for i in range(task_ptr[t], task_ptr[t + 1]):
            _how(task_nodes[i], up_ptr, heads, tails, down_ptr, down_arc, up_w, down_w,
                 up_edge, down_edge, weights, up_via, down_via, pos)
    pos = np.empty(n, dtype=np.int32)
    for x in top:
        _how(x, up_ptr, heads, tails, down_ptr, down_arc, up_w, down_w, up_edge, down_edge,
             weights, up_via, down_via, pos)


@jit()
def how_serial(up_ptr: IntArray, heads: Int32Array, tails: Int32Array, down_ptr: IntArray,
               down_arc: IntArray, up_w: FloatArray, down_w: FloatArray,
               up_edge: Int32Array, down_edge: Int32Array, weights: FloatArray,
               up_via: IntArray, down_via: IntArray) -> None:
    """:func:`_how` for every node on one thread."""
    n = up_ptr.shape[0] - 1
    pos = np.empty(n, dtype=np.int32)
    for x in range(n):
        _how(x, up_ptr, heads, tails, down_ptr, down_arc, up_w, down_w, up_edge, down_edge,
             weights, up_via, down_via, pos)


@jit()
def perfect(up_ptr: IntArray, heads: Int32Array, tails: Int32Array, down_ptr: IntArray,
            down_arc: IntArray, up_w: FloatArray,
            down_w: FloatArray) -> tuple[BoolArray, BoolArray]:
    """Which arc directions queries need: perfect customization (every arc's true
    distance) on copies of the weights; a direction whose basic weight is above its true
    distance is never needed, and ``inf`` ones never are.

    Every triangle ``z < x < y`` is visited once, from its middle node ``x``, the middle
    nodes by decreasing rank: the arc ``x - y`` is then final, and it bounds the two arcs
    below (``z - x`` through ``y``, ``z - y`` through ``x``). Every shortest path has an
    up-down form whose arcs each stand for a subpath with only lower nodes inside, so
    their basic weights are already true distances: the kept directions still give
    every distance exactly.
    """
    n = up_ptr.shape[0] - 1
    pu = up_w.copy()
    pd = down_w.copy()
    pos = np.empty(n, dtype=np.int64)
    for x in range(n - 1, -1, -1):
        for a in range(up_ptr[x], up_ptr[x + 1]):
            pos[heads[a]] = a
        for d in range(down_ptr[x], down_ptr[x + 1]):
            zx = down_arc[d]
            z = tails[zx]
            for zy in range(zx + 1, up_ptr[z + 1]):
                xy = pos[heads[zy]]
                u_xy = pu[xy]
                d_xy = pd[xy]
                c = pu[zx] + u_xy  # z -> x -> y
                if c < pu[zy]:
                    pu[zy] = c
                c = d_xy + pd[zx]  # y -> x -> z
                if c < pd[zy]:
                    pd[zy] = c
                c = pu[zy] + d_xy  # z -> y -> x
                if c < pu[zx]:
                    pu[zx] = c
                c = u_xy + pd[zy]  # x -> y -> z
                if c < pd[zx]:
                    pd[zx] = c
    keep_up = np.empty(up_w.shape[0], dtype=np.bool_)
    keep_down = np.empty(up_w.shape[0], dtype=np.bool_)
    for a in range(up_w.shape[0]):
        keep_up[a] = up_w[a] < np.inf and not pu[a] < up_w[a]
        keep_down[a] = down_w[a] < np.inf and not pd[a] < down_w[a]
    return keep_up, keep_down


@jit()
def query_arcs(up_ptr: IntArray, heads: Int32Array, w: FloatArray,
               keep: BoolArray) -> tuple[IntArray, Int32Array, FloatArray, Int32Array]:
    """The kept arcs of one direction as their own CSR: ``(ptr, heads, weights, arc)``."""
    n = up_ptr.shape[0] - 1
    ptr = np.zeros(n + 1, dtype=np.int64)
    for x in range(n):
        k = 0
        for a in range(up_ptr[x], up_ptr[x + 1]):
            if keep[a]:
                k += 1
        ptr[x + 1] = ptr[x] + k
    qh = np.empty(ptr[n], dtype=np.int32)
    qw = np.empty(ptr[n], dtype=np.float64)
    qa = np.empty(ptr[n], dtype=np.int32)
    j = 0
    for a in range(heads.shape[0]):
        if keep[a]:
            qh[j] = heads[a]
            qw[j] = w[a]
            qa[j] = a
            j += 1
    return ptr, qh, qw, qa


# ------------------------------------------------------------------------ queries


@jit(inline=True)
def _relax_up(x: int, ptr: IntArray, qh: Int32Array, qw: FloatArray, qa: Int32Array,
              dist: FloatArray, pred: IntArray) -> None:
    dx = dist[x]
    if dx == np.inf:  # not reached: with pruned arcs, most ancestors are not
        return
    for j in range(ptr[x], ptr[x + 1]):
        c = dx + qw[j]
        y = qh[j]
        if c < dist[y]:
            dist[y] = c
            pred[y] = qa[j]


@jit(inline=True)
def upward(s: int, parent: Int32Array, ptr: IntArray, qh: Int32Array, qw: FloatArray,
           qa: Int32Array, dist: FloatArray, pred: IntArray) -> None:
    """The upward search from ``s`` (``dist[s]`` set by the caller) along its path in the
    elimination tree, which holds every node it can reach."""
    v = s
    while v != -1:
        _relax_up(v, ptr, qh, qw, qa, dist, pred)
        v = parent[v]


@jit(inline=True)
def relax(x: int, ptr: IntArray, qh: Int32Array, qw: FloatArray, dist: FloatArray) -> None:
    """Distances only, without a branch per arc (the predecessors of a path's nodes are
    found afterwards, ``_cch_path.half_paths``): about half the time of :func:`_relax_up`."""
    dx = dist[x]
    if dx == np.inf:
        return
    for j in range(ptr[x], ptr[x + 1]):
        y = qh[j]
        dist[y] = min(dist[y], dx + qw[j])


@jit(inline=True)
def upward_distances(s: int, parent: Int32Array, ptr: IntArray, qh: Int32Array,
                     qw: FloatArray, dist: FloatArray) -> None:
    """:func:`upward` without the predecessors."""
    v = s
    while v != -1:
        relax(v, ptr, qh, qw, dist)
        v = parent[v]


@jit()
def selection(targets: Int32Array, parent: Int32Array) -> Int32Array:
    """Every ancestor of the targets (themselves included), by decreasing rank."""
    n = parent.shape[0]
    seen = np.zeros(n, dtype=np.bool_)
    count = 0
    for t in targets:
        v = t
        while v != -1 and not seen[v]:
            seen[v] = True
            count += 1
            v = parent[v]
    out = np.empty(count, dtype=np.int32)
    i = 0
    for v in range(n - 1, -1, -1):
        if seen[v]:
            out[i] = v
            i += 1
    return out


@jit()
def sweep_graph(sel: Int32Array, n: int, b_ptr: IntArray, b_h: Int32Array, b_w: FloatArray,
                b_a: Int32Array) -> tuple[Int32Array, IntArray, Int32Array, FloatArray,
                                          Int32Array]:
    """The selected nodes' downward query arcs renumbered locally (node ``sel[i]`` is
    ``i``): ``(local, ptr, local heads, weights, arc ids)``, ``local[v] = -1`` off the
    selection."""
    local = np.full(n, -1, dtype=np.int32)
    for i in range(sel.shape[0]):
        local[sel[i]] = i
    ptr = np.zeros(sel.shape[0] + 1, dtype=np.int64)
    for i in range(sel.shape[0]):
        v = sel[i]
        ptr[i + 1] = ptr[i] + b_ptr[v + 1] - b_ptr[v]
    lh = np.empty(ptr[-1], dtype=np.int32)
    lw = np.empty(ptr[-1], dtype=np.float64)
    la = np.empty(ptr[-1], dtype=np.int32)
    for i in range(sel.shape[0]):
        v = sel[i]
        j = ptr[i]
        for q in range(b_ptr[v], b_ptr[v + 1]):
            lh[j] = local[b_h[q]]
            lw[j] = b_w[q]
            la[j] = b_a[q]
            j += 1
    return local, ptr, lh, lw, la


@jit(inline=True)
def _sweep_batch(batch: IntArray, lanes: int, parent: Int32Array, f_ptr: IntArray,
                 f_h: Int32Array, f_w: FloatArray, local: Int32Array, ptr: IntArray,
                 lh: Int32Array, lw: FloatArray, scratch: FloatArray, d: FloatArray) -> None:
    """Distances from up to ``lanes`` sources to every selected node into ``d``
    (selected nodes x lanes): upward searches, then one downward sweep for all lanes."""
    d[:] = np.inf
    for k in range(batch.shape[0]):
        s = batch[k]
        scratch[s] = 0.0
        upward_distances(s, parent, f_ptr, f_h, f_w, scratch)
        v = s
        while v != -1:
            i = local[v]
            if i >= 0:
                d[i, k] = scratch[v]
            scratch[v] = np.inf
            v = parent[v]
    for i in range(ptr.shape[0] - 1):
        for j in range(ptr[i], ptr[i + 1]):
            h = lh[j]
            w = lw[j]
            for k in range(lanes):  # no branch: the lanes vectorize
                d[i, k] = min(d[i, k], d[h, k] + w)


@jit(parallel=True)
def many_to_many(sources: Int32Array, targets_local: IntArray, lanes: int, chunks: int,
                 parent: Int32Array, f_ptr: IntArray, f_h: Int32Array, f_w: FloatArray,
                 local: Int32Array, ptr: IntArray, lh: Int32Array, lw: FloatArray,
                 out: FloatArray) -> None:
    """``out[i, j]``: distance from ``sources[i]`` to the selected node
    ``targets_local[j]``; batches of ``lanes`` sources, ``chunks`` parallel chunks."""
    n = parent.shape[0]
    n_sel = ptr.shape[0] - 1
    n_batches = (sources.shape[0] + lanes - 1) // lanes
    for c in prange(chunks):
        scratch = np.full(n, np.inf)
        d = np.empty((n_sel, lanes))
        for b in range(c * n_batches // chunks, (c + 1) * n_batches // chunks):
            lo = b * lanes
            hi = min(lo + lanes, sources.shape[0])
            batch = sources[lo:hi].astype(np.int64)
            _sweep_batch(batch, lanes, parent, f_ptr, f_h, f_w, local, ptr, lh, lw,
                         scratch, d)
            for k in range(hi - lo):
                for j in range(targets_local.shape[0]):
                    out[lo + k, j] = d[targets_local[j], k]
