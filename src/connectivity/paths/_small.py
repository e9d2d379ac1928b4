"""All-or-nothing loading for tiny graphs in plain numpy (private): no numba.

On a graph of a few dozen nodes the loading itself takes microseconds, while loading
numba and its caches costs more than half a second of CPU per process. This module does
the job of ``_kernels.all_or_nothing_chunk`` with vectorized numpy only, so that a small
job never imports numba (it must not import ``_kernels``, ``connectivity._jit``, scipy or
anything that does).

Method, all origins at once on ``n_nodes x n_origins`` arrays:

1. **Synchronous (Jacobi) Bellman-Ford.** ``dist`` starts at ``inf`` with ``0`` at each
   origin. Each round computes the candidate ``dist[tail] + weight`` of every slot from
   the distances at the start of the round, takes the minimum per head node and keeps
   only strict improvements, recording per (node, origin) the round of the last update.
   It stops after a round that changes nothing (at most ``n_nodes`` rounds: the number
   of rounds is the largest number of edges on a shortest path, plus one). Closed
   (``inf``) slots stay in the arrays but never win a strict comparison. The minimum
   per node needs no scatter: nodes are relabelled by decreasing in-degree and the
   ``p``-th in-slots of all nodes form plane ``p``, a prefix of the nodes, so that the
   minimum is one ``np.minimum`` per plane (slots beyond the first ``_PLANES`` of a node
   go through one ``np.minimum.reduceat``).
2. **Exact distances.** After round ``k``, ``dist`` is the least left-to-right float sum
   over the walks of at most ``k`` edges (rounding is monotone, so the minimum commutes
   with adding a weight); Dijkstra's labels are that same minimum over all walks. So the
   distances equal Dijkstra's bit for bit, and so does the cost of the loaded paths.
3. **Trees.** The tree slot of a node updated last in round ``r`` is the first (in slot
   order) *tight* in-slot (``dist[tail] + weight == dist[node]``) whose tail's last
   round is before ``r``: in exact arithmetic exactly the slots that round's minimum
   took, and the parent's round is then before the child's. In floats a tail may still
   improve after round ``r`` by less than rounding shows on the node (``x + w`` rounds
   to the same value); if that happened to every such slot, the first tight slot from a
   strictly nearer tail is taken. A cycle of tight slots has equal distances all round,
   so it could only use the first kind, whose rounds strictly decrease towards the
   parent: the trees have no cycle. A node's *rank* is its last round, raised where
   needed (second kind) above its parent's.
4. **Loading.** Each demand goes on its destination node in its origin's column (demand
   from an origin to itself stays there: the origin has no tree slot), then the loads
   are pushed onto the tree slots and into the parents, in decreasing rank, one
   vectorized step per rank across all origins; the flow per original edge is one
   ``bincount`` of the subtree loads over the tree slots' ``edge_index``.

Where several shortest paths tie, the loaded path may differ from the numba kernel's,
which breaks ties by its heap order (this one takes the first tied slot of the round
that found the distance); the distances, hence the total cost, are the same.

Cost: about ten numpy calls per round (plus one per plane) and about a hundred more,
each over ``n_edges x n_origins`` elements at most; memory of that order. Tiny graphs
only, and shallow ones: the number of rounds is the hop depth of the shortest paths,
so a long chain of nodes (a corridor) takes one round per node where Dijkstra does not
care (measured on a 2-core VM: Sioux Falls, 24 nodes, 76 links, 24 origins, 8 rounds,
~0.4-0.6 ms per call against ~20 us for the warm numba kernel; Anaheim, 416 nodes,
914 links, 38 origins, 42 rounds, ~8-10 ms against ~0.9 ms).
"""

from __future__ import annotations

from typing import NamedTuple, cast

import numpy as np
from numpy.typing import NDArray

__all__ = ["all_or_nothing_small", "shortest_trees"]

IntArray = NDArray[np.int64]
Int32Array = NDArray[np.int32]
FloatArray = NDArray[np.float64]

# in-slots per node taken one plane (one np.minimum) at a time; the rest of a node's
# in-slots go through one reduceat, whose cost grows with the number of such nodes
_PLANES = 8


def shortest_trees(
    heads: Int32Array, tails: Int32Array, weights: FloatArray, n_nodes: int,
    origins: IntArray,
) -> tuple[FloatArray, IntArray, IntArray]:
    """Shortest-path trees from every origin at once (Bellman-Ford, see the module).

    Parameters
    ----------
    heads, tails, weights
        Per CSR slot (``inf`` closes a slot).
    n_nodes
        Number of nodes.
    origins
        Origin node of each row.

    Returns
    -------
    dist
        ``len(origins) x n_nodes`` distances, ``inf`` where unreachable.
    pred
        CSR slot of the tree edge into each node, ``-1`` at the origin and unreached
        nodes.
    rank
        ``0`` at the origin and unreached nodes, otherwise greater than the parent's:
        pushing loads in decreasing rank visits children before parents.

    Examples
    --------
    >>> h = np.array([1, 2, 2], dtype=np.int32)
    >>> t = np.array([0, 1, 0], dtype=np.int32)
    >>> dist, pred, rank = shortest_trees(h, t, np.array([1.0, 1.0, 5.0]), 3,
    ...                                   np.array([0]))
    >>> dist.tolist(), pred.tolist(), rank.tolist()
    ([[0.0, 1.0, 2.0]], [[-1, 0, 1]], [[0, 1, 2]])
    """
    t = _trees(heads, tails, weights, n_nodes, origins)
    n_o = origins.shape[0]
    pred = np.full(n_nodes * n_o, -1, dtype=np.int64)
    pred[t.cells] = t.slots
    rank = np.zeros(n_nodes * n_o, dtype=np.int64)
    rank[t.cells] = t.rank
    shape = (n_nodes, n_o)
    return t.dist[t.label].T, pred.reshape(shape)[t.label].T, rank.reshape(shape)[t.label].T


class _Trees(NamedTuple):
    """The trees of all origins, node-major in the internal node order.

    ``dist`` is ``n_nodes x n_origins``, node ``v`` being row ``label[v]``. The nodes
    with a tree slot are listed as flat cells of ``dist`` (``row * n_origins + origin``)
    with that slot, their parent's cell and their rank.
    """

    dist: FloatArray
    label: IntArray
    cells: IntArray
    slots: IntArray
    parents: IntArray
    rank: IntArray


class _Layout(NamedTuple):
    """The slots arranged for the per-node minimum (see :func:`_layout`)."""

    label: IntArray
    degree: IntArray
    by_node: IntArray
    first: IntArray
    loop: IntArray
    planes: list[tuple[int, int]]
    overflow: IntArray


def _layout(heads: Int32Array, n_nodes: int) -> _Layout:
    """Relabel the nodes by decreasing in-degree and arrange the slots for the rounds.

    ``label[v]`` is node ``v``'s row; ``degree`` the in-degree of the rows with
    in-slots; ``by_node`` the slots grouped by row (slot order within a row), row ``v``'s
    starting at ``first[v]``. ``loop`` lists the slots plane by plane: plane 0 (the first
    in-slot of every row with one) is ``loop[:len(degree)]``, then for each further
    plane ``(start, rows)`` the in-slot of rows ``0 .. rows - 1`` is ``loop[start + v]``.
    In-slots beyond the first ``_PLANES`` of a row follow, grouped by row, the groups
    starting at ``overflow`` (rows ``0 .. len(overflow) - 1``).
    """
    degree = np.bincount(heads, minlength=n_nodes)
    order = np.argsort(-degree, kind="stable")
    label = np.empty(n_nodes, dtype=np.int64)
    label[order] = np.arange(n_nodes)
    degree = degree[order]
    degree = degree[degree > 0]
    head = label[heads]
    by_node = np.argsort(head, kind="stable")
    head = head[by_node]
    first = np.cumsum(degree) - degree
    within = np.arange(head.shape[0]) - first[head]
    size = np.bincount(np.minimum(within, _PLANES), minlength=1)[:_PLANES]  # rows per plane
    lo = np.cumsum(size) - size
    loop = np.empty_like(by_node)
    flat = within < _PLANES
    loop[lo[within[flat]] + head[flat]] = by_node[flat]
    more = degree[degree > _PLANES] - _PLANES
    loop[lo[-1] + size[-1]:] = by_node[~flat]
    overflow = lo[-1] + size[-1] + np.cumsum(more) - more
    planes = list(zip(lo.tolist()[1:], size.tolist()[1:], strict=True))
    return _Layout(label, degree, by_node, first, loop, planes, overflow)


def _trees(heads: Int32Array, tails: Int32Array, weights: FloatArray, n_nodes: int,
           origins: IntArray) -> _Trees:
    """The Bellman-Ford and trees of the module docstring."""
    n_o = origins.shape[0]
    lay = _layout(heads, n_nodes)
    dist = np.full((n_nodes, n_o), np.inf)
    dist[lay.label[origins], np.arange(n_o)] = 0.0
    n_in = lay.degree.shape[0]
    none = np.zeros(0, dtype=np.int64)
    if n_in == 0 or n_o == 0:
        return _Trees(dist, lay.label, none, none, none, none)
    tail = lay.label[tails]
    loop_tail = tail[lay.loop]
    loop_weight = np.repeat(weights[lay.loop][:, None], n_o, axis=1)
    n_over = lay.overflow.shape[0]
    last = np.zeros((n_nodes, n_o), dtype=np.int64)  # round of the last update
    head_dist = dist[:n_in]
    for r in range(1, n_nodes + 1):
        cand = dist.take(loop_tail, axis=0)
        np.add(cand, loop_weight, out=cand)
        best = cand[:n_in]  # plane 0 has every row with in-slots
        for start, m in lay.planes:
            np.minimum(best[:m], cand[start:start + m], out=best[:m])
        if n_over:
            over = np.minimum.reduceat(cand, lay.overflow, axis=0)
            np.minimum(best[:n_over], over, out=best[:n_over])
        better = best < head_dist
        if not np.count_nonzero(better):
            break
        np.copyto(head_dist, best, where=better)
        np.copyto(last[:n_in], r, where=better)
    return _tree_slots(lay, tail, weights, dist, last)


def _tree_slots(lay: _Layout, tail: IntArray, weights: FloatArray, dist: FloatArray,
                last: IntArray) -> _Trees:
    """The tree slot of every updated node (module docstring, 3.), all at once."""
    n_nodes, n_o = dist.shape
    j, i = last.nonzero()
    rank = last[j, i]
    if j.size == 0:
        return _Trees(dist, lay.label, rank, rank, rank, rank)
    # every in-slot of every updated cell, grouped by cell, slot order within
    count = lay.degree[j]
    cell_of = np.repeat(np.arange(j.shape[0]), count)
    starts = np.cumsum(count) - count
    within = np.arange(cell_of.shape[0]) - starts[cell_of]
    slot = lay.by_node[lay.first[j][cell_of] + within]
    from_cell = tail[slot] * n_o + i[cell_of]
    from_dist = dist.take(from_cell)
    here = dist[j, i][cell_of]
    tight = from_dist + weights[slot] == here
    earlier = tight & (last.take(from_cell) < rank[cell_of])
    nearer = tight & (from_dist < here)
    # the first earlier slot, else the first nearer one (one of them exists)
    bound = int(count.max())
    choice = np.where(earlier, within, np.where(nearer, bound + within, 2 * bound))
    pick = np.minimum.reduceat(choice, starts) % bound
    slots = lay.by_node[lay.first[j] + pick]
    cells = j * n_o + i
    parents = tail[slots] * n_o + i
    _order_ranks(cells, parents, rank, n_nodes * n_o)
    return _Trees(dist, lay.label, cells, slots, parents, rank)


def _order_ranks(cells: IntArray, parents: IntArray, rank: IntArray, n_cells: int) -> None:
    """Raise, in place, every rank not above its parent's (module docstring, 3.)."""
    by_cell = np.zeros(n_cells, dtype=np.int64)
    for _ in range(cells.shape[0] + 1):  # a chain of raises is at most that long
        by_cell[cells] = rank
        above = by_cell[parents]
        low = rank <= above
        if not low.any():
            return
        rank[low] = above[low] + 1
    raise RuntimeError("the shortest-path trees have a cycle (a bug in paths._small)")


def all_or_nothing_small(  # noqa: PLR0917 - the numba kernel's arrays, by position
    heads: Int32Array,
    tails: Int32Array,
    weights: FloatArray,
    edge_index: IntArray,
    n_nodes: int,
    origins: IntArray,
    destinations: IntArray,
    demand: FloatArray,
) -> tuple[FloatArray, IntArray]:
    """Load each origin-destination demand on one shortest path, in numpy only.

    The inputs are trusted (validated by :func:`connectivity.paths.all_or_nothing`).

    Parameters
    ----------
    heads, tails, weights, edge_index
        The CSR arrays of a :class:`~connectivity.paths.CSRGraph` (its ``indptr`` is not
        needed: slots are grouped by head here).
    n_nodes
        Number of nodes.
    origins, destinations
        Node indices (``int64``).
    demand
        ``len(origins) x len(destinations)`` non-negative finite demand.

    Returns
    -------
    flow
        Flow per original edge (length ``len(heads)``).
    unreachable
        Per origin, the first destination position ``j`` with positive demand that the
        origin cannot reach, or ``-1``.

    Examples
    --------
    >>> from connectivity.paths import from_arrays
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> flow, bad = all_or_nothing_small(g.heads, g.tails, g.weights,
    ...     g.edge_index, g.n_nodes, np.array([0]), np.array([1, 2]),
    ...     np.array([[10.0, 3.0]]))
    >>> flow.tolist(), bad.tolist()
    ([13.0, 3.0, 0.0], [-1])
    """
    n_edges = heads.shape[0]
    unreachable = np.full(origins.shape[0], -1, dtype=np.int64)
    # like the kernel, search only from origins with some positive demand
    active = np.flatnonzero((demand > 0.0).any(axis=1))
    n_a = active.shape[0]
    if n_a == 0:
        return np.zeros(n_edges, dtype=np.float64), unreachable
    if n_a < origins.shape[0]:
        origins, demand = origins[active], demand[active]
    t = _trees(heads, tails, weights, n_nodes, origins)
    q = demand.T  # destinations x origins, like the trees' cells
    put = t.label[destinations][:, None] * n_a + np.arange(n_a)
    lost = (q > 0.0) & np.isinf(t.dist.take(put))
    some = lost.any(axis=0)
    unreachable[active[some]] = lost[:, some].argmax(axis=0)
    load = np.bincount(put.reshape(-1), weights=np.where(lost, 0.0, q).reshape(-1),
                       minlength=n_nodes * n_a)
    by_rank = (-t.rank).argsort(kind="stable")
    cells, parents = t.cells[by_rank], t.parents[by_rank]
    ranks = t.rank[by_rank]
    cut = (np.flatnonzero(ranks[1:] != ranks[:-1]) + 1).tolist()
    for lo, hi in zip([0, *cut], [*cut, cells.shape[0]], strict=True):
        # one rank: no node here is another's parent, so every load read is complete
        np.add.at(load, parents[lo:hi], load[cells[lo:hi]])
    flow = np.bincount(edge_index[t.slots[by_rank]], weights=load[cells], minlength=n_edges)
    return cast(FloatArray, flow), unreachable
