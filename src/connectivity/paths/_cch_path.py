"""Point-to-point queries on the customizable contraction hierarchy (private).

An elimination-tree search from both ends keeps distances only (no branch per arc);
the path's predecessors are found afterwards, walking down from the meeting node along
each end's path up the tree; the shortcuts are then unpacked to input edges with
``how()``'s codes (see ``_cch_kernels``). Arrays as in ``_cch_build`` and
``_cch_kernels`` (nodes numbered by rank).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import jit
from connectivity.paths._cch_build import find_arc
from connectivity.paths._cch_kernels import halves, relax, reset_path

__all__: list[str] = []

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@jit()
def point_to_point(s: int, t: int, parent: Int32Array, f_ptr: IntArray, f_h: Int32Array,
                   f_w: FloatArray, b_ptr: IntArray, b_h: Int32Array, b_w: FloatArray,
                   dist_f: FloatArray, dist_b: FloatArray) -> tuple[float, int]:
    """Elimination-tree search: ``(cost, meeting node)``, ``(inf, -1)`` without a path.

    ``f_*`` are the query arcs upwards (forward search from ``s``), ``b_*`` downwards
    (backward search from ``t``). ``dist_f`` and ``dist_b`` are ``inf`` on entry; the
    search leaves its labels on the ancestors of ``s`` and ``t`` (for
    :func:`half_paths`), and :func:`clear` resets them.
    """
    dist_f[s] = 0.0
    dist_b[t] = 0.0
    x = s
    y = t
    while x != -1 and y != -1 and x != y:  # below the lowest common ancestor
        if x < y:
            relax(x, f_ptr, f_h, f_w, dist_f)
            x = parent[x]
        else:
            relax(y, b_ptr, b_h, b_w, dist_b)
            y = parent[y]
    best = np.inf
    meet = -1
    if x == y:
        v = x
        while v != -1:
            c = dist_f[v] + dist_b[v]
            if c < best:
                best = c
                meet = v
            if dist_f[v] < best:
                relax(v, f_ptr, f_h, f_w, dist_f)
            if dist_b[v] < best:
                relax(v, b_ptr, b_h, b_w, dist_b)
            v = parent[v]
    return best, meet


@jit()
def clear(s: int, t: int, parent: Int32Array, dist_f: FloatArray,
          dist_b: FloatArray) -> None:
    """Reset the labels :func:`point_to_point` left to ``inf``."""
    reset_path(s, parent, dist_f)
    reset_path(t, parent, dist_b)


@jit(inline=True)
def _push(arr: IntArray, n: int, value: int) -> IntArray:
    """``arr`` with ``value`` at position ``n``, grown to twice its size when full."""
    if n == arr.shape[0]:
        grown = np.empty(2 * n, dtype=np.int64)
        grown[:n] = arr
        arr = grown
    arr[n] = value
    return arr


@jit(inline=True)
def _half_path(end: int, meet: int, dist: FloatArray, parent: Int32Array, q_ptr: IntArray,
               q_heads: Int32Array, q_w: FloatArray, q_arc: Int32Array,
               chain: IntArray) -> IntArray:
    """The arcs from ``meet`` down to ``end`` (``end`` an descendant of ``meet``): each
    node's predecessor is the highest lower node ``x`` on ``end``'s path up the
    elimination tree (where every label lies) with a query arc to it whose weight adds
    up to its label exactly; one pass down that path, a binary search per candidate.
    The search (``q_*``: the query arcs it relaxed, sorted by head within each node) set
    every label through one of these arcs, which it has just read: they are in cache,
    where the topology's full arc lists are not."""
    k = 0
    x = end
    while x != meet:
        chain[k] = x
        k += 1
        x = parent[x]
    arcs = np.empty(16, dtype=np.int64)
    n_arcs = 0
    v = meet
    i = k - 1
    while v != end:
        dv = dist[v]
        found = -1
        while i >= 0:
            x = chain[i]
            i -= 1
            if dist[x] <= dv:
                j = find_arc(q_ptr, q_heads, x, v)
                if j >= 0 and dist[x] + q_w[j] == dv:
                    found = q_arc[j]
                    break
        if found < 0:
            raise RuntimeError("hierarchy path: a label without a predecessor")
        arcs = _push(arcs, n_arcs, found)
        n_arcs += 1
        v = x
    return arcs[:n_arcs]


@jit()
def half_paths(s: int, t: int, meet: int, dist_f: FloatArray, dist_b: FloatArray,
               parent: Int32Array, f_ptr: IntArray, f_h: Int32Array, f_w: FloatArray,
               f_a: Int32Array, b_ptr: IntArray, b_h: Int32Array, b_w: FloatArray,
               b_a: Int32Array, chain: IntArray) -> tuple[IntArray, BoolArray]:
    """The arcs of the path ``s -> meet -> t`` in order, and whether each runs up, from
    the labels :func:`point_to_point` left (``chain``: scratch of ``n`` entries).

    Each label is the sum of a lower node's final label and the query weight of the
    arc between them (the same floats as the search's), so walking down from
    ``meet`` along arcs whose sums match exactly finds a predecessor at every node;
    every label is the length of a real path, so the path found costs ``best``.
    """
    arcs_f = _half_path(s, meet, dist_f, parent, f_ptr, f_h, f_w, f_a, chain)
    arcs_b = _half_path(t, meet, dist_b, parent, b_ptr, b_h, b_w, b_a, chain)
    n_f = arcs_f.shape[0]
    arcs = np.empty(n_f + arcs_b.shape[0], dtype=np.int64)
    up = np.zeros(arcs.shape[0], dtype=np.bool_)
    for i in range(n_f):
        arcs[i] = arcs_f[n_f - 1 - i]
        up[i] = True
    arcs[n_f:] = arcs_b
    return arcs, up


@jit(inline=True)
def _grown(arr: IntArray, cap: int) -> IntArray:
    """``arr`` with room for ``cap`` entries (its first entries kept)."""
    if arr.shape[0] >= cap:
        return arr
    out = np.empty(max(cap, 2 * arr.shape[0]), dtype=arr.dtype)
    out[:arr.shape[0]] = arr
    return out


@jit()
def unpack(arcs: IntArray, up: BoolArray, up_via: IntArray,
           down_via: IntArray) -> IntArray:
    """The input edges of a path of arcs (each arc up or down), in path order.

    Level by level: every shortcut of the path is replaced by its two lower arcs at
    once, until only input edges are left. Each level first reads the codes of all
    its arcs, reads that do not wait for one another, so their cache misses overlap
    (read one after another, depth first, New York queries took about twice as
    long). Entries: ``code >= 0`` an input edge found; else ``-1 - arc`` with the
    arc's direction in ``cur_up``.
    """
    m = arcs.shape[0]
    cur = np.empty(max(16, 2 * m), dtype=np.int64)
    cur_up = np.empty(cur.shape[0], dtype=np.int64)
    nxt = np.empty(cur.shape[0], dtype=np.int64)
    nxt_up = np.empty(cur.shape[0], dtype=np.int64)
    codes = np.empty(cur.shape[0], dtype=np.int64)
    for i in range(m):
        cur[i] = -1 - arcs[i]
        cur_up[i] = 1 if up[i] else 0
    while True:
        n_short = 0
        for i in range(m):  # the codes of the arcs still to unpack
            c = cur[i]
            if c < 0:
                a = -1 - c
                c = up_via[a] if cur_up[i] == 1 else down_via[a]
                if c < 0:
                    n_short += 1
            codes[i] = c
        if n_short == 0:
            return codes[:m].copy()
        m2 = m + n_short
        nxt = _grown(nxt, m2)
        nxt_up = _grown(nxt_up, m2)
        j = 0
        for i in range(m):
            c = codes[i]
            if c >= 0:
                nxt[j] = c
                j += 1
                continue
            first, then = halves(c, cur_up[i] == 1)
            nxt[j] = -1 - first
            nxt_up[j] = 0  # walked down to the middle node
            nxt[j + 1] = -1 - then
            nxt_up[j + 1] = 1  # and up from it
            j += 2
        cur, nxt = nxt, cur
        cur_up, nxt_up = nxt_up, cur_up
        m = m2
        codes = _grown(codes, m)


@jit()
def path(s: int, t: int, parent: Int32Array, f_ptr: IntArray, f_h: Int32Array,
         f_w: FloatArray, f_a: Int32Array, b_ptr: IntArray, b_h: Int32Array,
         b_w: FloatArray, b_a: Int32Array, up_via: IntArray, down_via: IntArray,
         dist_f: FloatArray, dist_b: FloatArray, chain: IntArray) -> tuple[float, IntArray]:
    """:func:`point_to_point`, :func:`half_paths` and :func:`unpack` in one call:
    ``(cost, input edges)``, ``(inf, [])`` without a path."""
    cost, meet = point_to_point(s, t, parent, f_ptr, f_h, f_w, b_ptr, b_h, b_w, dist_f,
                                dist_b)
    if meet < 0:
        clear(s, t, parent, dist_f, dist_b)
        return cost, np.zeros(0, dtype=np.int64)
    arcs, up = half_paths(s, t, meet, dist_f, dist_b, parent, f_ptr, f_h, f_w, f_a, b_ptr,
                          b_h, b_w, b_a, chain)
    clear(s, t, parent, dist_f, dist_b)
    return cost, unpack(arcs, up, up_via, down_via)
