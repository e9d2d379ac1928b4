"""Metric-independent kernels of the customizable contraction hierarchy (private).

Everything here depends on the topology and the node order only, never on weights, and
runs once per topology. Nodes are renumbered by rank (``0`` is contracted first), so
"higher rank" is "larger id" throughout. Arrays, shared with ``_cch_kernels``:

- ``up_ptr``/``heads``: the upward arcs of each node ``x`` are the slots
  ``up_ptr[x]:up_ptr[x + 1]``, with their upper ends ``heads`` in increasing order; the
  slot number is the arc id. ``tails[a]`` is the lower end of arc ``a``;
- ``parent``: the elimination tree, ``parent[x] = heads[up_ptr[x]]`` (the lowest upper
  neighbour), ``-1`` for a root. Every upper neighbour of ``x`` is an ancestor of ``x``;
- ``down_ptr``/``down_arc``: the arcs whose upper end is ``y`` are
  ``down_arc[down_ptr[y]:down_ptr[y + 1]]``, by increasing lower end;
- ``task_ptr``/``task_nodes``/``top``: independent subtrees of the elimination tree
  (customized in parallel) and the nodes above them (customized after);
- ``span``: supernodes, as in sparse Cholesky factorization: ``span[x]`` is how many of
  the nodes ``x, x + 1, ...`` in a row each have the next one as their lowest upper
  neighbour and all their other upper neighbours in common with it. The upper
  neighbours of ``x + i`` are then those of ``x`` from the ``i``-th on, so the arcs of
  the nodes of a span are rows of one triangular block.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from connectivity._jit import jit

__all__: list[str] = []

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]


@jit()
def undirected(n: int, tail: Int32Array, head: Int32Array,
               rank: Int32Array) -> tuple[IntArray, Int32Array]:
    """Undirected adjacency in rank space: both ends of every edge, self-loops left out,
    each neighbour once (sorted)."""
    deg = np.zeros(n + 1, dtype=np.int64)
    for i in range(tail.shape[0]):
        u = rank[tail[i]]
        v = rank[head[i]]
        if u != v:
            deg[u + 1] += 1
            deg[v + 1] += 1
    for u in range(n):
        deg[u + 1] += deg[u]
    fill = deg[:-1].copy()
    adj = np.empty(deg[n], dtype=np.int32)
    for i in range(tail.shape[0]):
        u = rank[tail[i]]
        v = rank[head[i]]
        if u != v:
            adj[fill[u]] = v
            fill[u] += 1
            adj[fill[v]] = u
            fill[v] += 1
    # sort and drop repeated neighbours, compacting in place
    ptr = np.zeros(n + 1, dtype=np.int64)
    out = 0
    for u in range(n):
        seg = np.sort(adj[deg[u]:deg[u + 1]])
        last = -1
        for v in seg:
            if v != last:
                adj[out] = v
                out += 1
                last = v
        ptr[u + 1] = out
    return ptr, adj[:out].copy()


@jit()
def contract(n: int, adj_ptr: IntArray,
             adj: Int32Array) -> tuple[IntArray, Int32Array, Int32Array]:
    """Contract the nodes in rank order: ``(up_ptr, heads, parent)``.

    The upper neighbours of ``x`` are its own upper neighbours in ``adj`` and those of
    its children in the elimination tree (above ``x``): the filled graph of eliminating
    the nodes in rank order, built in time linear in its size (plus sorting).
    """
    cap = max(16, 2 * adj.shape[0])
    heads = np.empty(cap, dtype=np.int32)
    up_ptr = np.zeros(n + 1, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int32)
    first_child = np.full(n, -1, dtype=np.int32)
    next_sibling = np.full(n, -1, dtype=np.int32)
    mark = np.full(n, -1, dtype=np.int32)
    buf = np.empty(n, dtype=np.int32)
    fill = 0
    for x in range(n):
        k = 0
        for i in range(adj_ptr[x], adj_ptr[x + 1]):
            y = adj[i]
            if y > x and mark[y] != x:
                mark[y] = x
                buf[k] = y
                k += 1
        c = first_child[x]
        while c != -1:
            for a in range(up_ptr[c], up_ptr[c + 1]):
                y = heads[a]
                if y > x and mark[y] != x:
                    mark[y] = x
                    buf[k] = y
                    k += 1
            c = next_sibling[c]
        if fill + k > cap:
            while fill + k > cap:
                cap *= 2
            grown = np.empty(cap, dtype=np.int32)
            grown[:fill] = heads[:fill]
            heads = grown
        seg = np.sort(buf[:k])
        heads[fill:fill + k] = seg
        fill += k
        up_ptr[x + 1] = fill
        if k > 0:
            p = seg[0]
            parent[x] = p
            next_sibling[x] = first_child[p]
            first_child[p] = x
    return up_ptr, heads[:fill].copy(), parent


@jit()
def spans(up_ptr: IntArray, heads: Int32Array) -> Int32Array:
    """``span`` (see the module's docstring): ``x`` joins ``x + 1`` when its lowest upper
    neighbour is ``x + 1`` and it has one upper neighbour more than ``x + 1`` (its others
    are all upper neighbours of ``x + 1``, as in any contraction: they are a clique)."""
    n = up_ptr.shape[0] - 1
    span = np.ones(n, dtype=np.int32)
    for x in range(n - 2, -1, -1):
        d = up_ptr[x + 1] - up_ptr[x]
        if d > 0 and heads[up_ptr[x]] == x + 1 and d == up_ptr[x + 2] - up_ptr[x + 1] + 1:
            span[x] = span[x + 1] + 1
    return span


@jit()
def arc_tails(up_ptr: IntArray) -> Int32Array:
    """The lower end of every arc."""
    n = up_ptr.shape[0] - 1
    tails = np.empty(up_ptr[n], dtype=np.int32)
    for x in range(n):
        for a in range(up_ptr[x], up_ptr[x + 1]):
            tails[a] = x
    return tails


@jit()
def down_arcs(n: int, heads: Int32Array) -> tuple[IntArray, IntArray]:
    """Arcs grouped by upper end, each group by increasing lower end (stable)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for a in range(heads.shape[0]):
        ptr[heads[a] + 1] += 1
    for y in range(n):
        ptr[y + 1] += ptr[y]
    fill = ptr[:-1].copy()
    arcs = np.empty(heads.shape[0], dtype=np.int64)
    for a in range(heads.shape[0]):
        y = heads[a]
        arcs[fill[y]] = a
        fill[y] += 1
    return ptr, arcs


@jit(inline=True)
def find_arc(up_ptr: IntArray, heads: Int32Array, lo: int, hi: int) -> int:
    """The arc from ``lo`` up to ``hi`` (binary search), ``-1`` if there is none."""
    a = up_ptr[lo]
    b = up_ptr[lo + 1]
    while a < b:
        mid = (a + b) // 2
        if heads[mid] < hi:
            a = mid + 1
        else:
            b = mid
    if a < up_ptr[lo + 1] and heads[a] == hi:
        return int(a)
    return -1


@jit()
def edge_arcs(tail: Int32Array, head: Int32Array, rank: Int32Array, up_ptr: IntArray,
              heads: Int32Array) -> tuple[IntArray, NDArray[np.bool_]]:
    """For each input edge, its arc (``-1`` for a self-loop) and whether it runs up
    (from the lower-ranked end to the higher)."""
    m = tail.shape[0]
    arc = np.full(m, -1, dtype=np.int64)
    up = np.zeros(m, dtype=np.bool_)
    for e in range(m):
        u = rank[tail[e]]
        v = rank[head[e]]
        if u < v:
            arc[e] = find_arc(up_ptr, heads, u, v)
            up[e] = True
        elif v < u:
            arc[e] = find_arc(up_ptr, heads, v, u)
    return arc, up


@jit()
def triangle_work(up_ptr: IntArray, down_ptr: IntArray, down_arc: IntArray,
                  tails: Int32Array) -> IntArray:
    """Lower triangles each node's customization goes through, plus its arcs."""
    n = up_ptr.shape[0] - 1
    work = np.zeros(n, dtype=np.int64)
    for x in range(n):
        w = up_ptr[x + 1] - up_ptr[x]
        for d in range(down_ptr[x], down_ptr[x + 1]):
            zx = down_arc[d]
            w += up_ptr[tails[zx] + 1] - zx
        work[x] = w
    return work


@jit()
def subtree_tasks(parent: Int32Array, work: IntArray,
                  pieces: int) -> tuple[IntArray, Int32Array, Int32Array]:
    """Split the elimination tree into independent subtrees for parallel customization.

    Splits every subtree holding more than ``1 / pieces`` of the work (moving its root
    to the *top*), then packs the subtrees into at most ``pieces`` tasks of about equal
    work. Returns ``(task_ptr, task_nodes, top)``: the nodes of each task (by
    increasing rank within each subtree) and the top nodes by increasing rank, to be
    customized after all tasks.
    """
    n = parent.shape[0]
    total = np.zeros(n, dtype=np.int64)  # work of each node's subtree
    first_child = np.full(n, -1, dtype=np.int32)
    next_sibling = np.full(n, -1, dtype=np.int32)
    grand = 0
    for x in range(n):
        total[x] += work[x]
        grand += work[x]
        p = parent[x]
        if p >= 0:
            total[p] += total[x]
            next_sibling[x] = first_child[p]
            first_child[p] = x
    limit = max(1, grand // pieces)
    is_top = np.zeros(n, dtype=np.bool_)
    # roots of the current subtrees; split any heavier than the limit, deepest last
    stack = [np.int32(x) for x in range(n) if parent[x] == -1]
    roots = []
    while len(stack) > 0:
        r = stack.pop()
        if total[r] > limit and first_child[r] != -1:
            is_top[r] = True
            c = first_child[r]
            while c != -1:
                stack.append(c)
                c = next_sibling[c]
        else:
            roots.append(r)
    # subtrees into `pieces` bins of about equal work (heaviest first, each to the
    # lightest bin so far): few tasks, so each thread's scratch is allocated few times
    n_roots = len(roots)
    weights = np.empty(n_roots, dtype=np.int64)
    for i in range(n_roots):
        weights[i] = total[roots[i]]
    order = np.argsort(-weights, kind="mergesort")
    n_tasks = min(pieces, n_roots)
    load = np.zeros(n_tasks, dtype=np.int64)
    task_of = np.full(n, -1, dtype=np.int64)
    for i in range(n_roots):
        b = int(np.argmin(load))
        load[b] += weights[order[i]]
        task_of[roots[order[i]]] = b
    for x in range(n - 1, -1, -1):  # parents before children
        if not is_top[x] and task_of[x] == -1:
            task_of[x] = task_of[parent[x]]
    task_ptr = np.zeros(n_tasks + 1, dtype=np.int64)
    n_top = 0
    for x in range(n):
        if is_top[x]:
            n_top += 1
        else:
            task_ptr[task_of[x] + 1] += 1
    for i in range(n_tasks):
        task_ptr[i + 1] += task_ptr[i]
    fill = task_ptr[:-1].copy()
    task_nodes = np.empty(n - n_top, dtype=np.int32)
    top = np.empty(n_top, dtype=np.int32)
    k = 0
    for x in range(n):
        if is_top[x]:
            top[k] = x
            k += 1
        else:
            t = task_of[x]
            task_nodes[fill[t]] = x
            fill[t] += 1
    return task_ptr, task_nodes, top
