"""The k best loopless paths between two nodes (Yen's algorithm, Lawler's refinement).

The public entry point is :func:`k_shortest_paths`; it validates once, then runs Yen's
loop in Python around a numba A* kernel that honours node and edge bans and stops as
soon as the target is settled. The heuristic is the exact distance to the target in the
unbanned graph (one backward search): bans only lengthen paths, so it stays admissible
and consistent, and spur searches explore little beyond the near-shortest paths.

Paths are edge sequences, so two paths that differ only in which of two parallel edges
they take are two different paths.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity._jit import jit
from connectivity.paths.csr import CSRGraph, from_arrays, reweight
from connectivity.paths.search import distances

__all__ = ["k_shortest_paths"]


@jit()
def _banned_astar(  # noqa: C901, PLR0912, PLR0913, PLR0915, PLR0917 (numba kernel)
    indptr: NDArray[np.int64],
    heads: NDArray[np.int32],
    weights: NDArray[np.float64],
    edge_index: NDArray[np.int64],
    banned_node: NDArray[np.bool_],
    banned_edge: NDArray[np.bool_],
    to_target: NDArray[np.float64],
    source: int,
    target: int,
    limit: float,
    dist: NDArray[np.float64],
    pred_slot: NDArray[np.int64],
    pred_node: NDArray[np.int64],
    touched: NDArray[np.int64],
    heap_key: NDArray[np.float64],
    heap_node: NDArray[np.int64],
) -> tuple[float, NDArray[np.int64]]:
    """Least-cost path avoiding banned nodes and edges; ``(inf, [])`` if none within limit.

    The heap is keyed on cost so far plus ``to_target``, a lower bound of the rest.

    ``dist``, ``pred_slot`` and ``pred_node`` must come in filled with inf / -1 and are
    left that way, so one set of buffers serves every spur search.
    """
    n_touched = 0
    dist[source] = 0.0
    touched[n_touched] = source
    n_touched += 1
    heap_key[0] = to_target[source]
    heap_node[0] = source
    size = 1
    found = False
    while size > 0:
        d = heap_key[0]
        u = heap_node[0]
        size -= 1
        if size > 0:
            # sift the last entry down from the root
            key = heap_key[size]
            node = heap_node[size]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                if c + 1 < size and heap_key[c + 1] < heap_key[c]:
                    c += 1
                if heap_key[c] < key:
                    heap_key[i] = heap_key[c]
                    heap_node[i] = heap_node[c]
                    i = c
                else:
                    break
            heap_key[i] = key
            heap_node[i] = node
        if d > dist[u] + to_target[u]:
            continue
        if u == target:
            found = True
            break
        for s in range(indptr[u], indptr[u + 1]):
            v = heads[s]
            if banned_node[v] or banned_edge[edge_index[s]]:
                continue
            nd = dist[u] + weights[s]
            f = nd + to_target[v]
            # f is inf for closed edges and for nodes that cannot reach the target
            if nd < dist[v] and f <= limit and f < np.inf:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = nd
                pred_slot[v] = s
                pred_node[v] = u
                # sift up; the heap holds at most one entry per relaxation
                i = size
                size += 1
                while i > 0:
                    p = (i - 1) // 2
                    if heap_key[p] > f:
                        heap_key[i] = heap_key[p]
                        heap_node[i] = heap_node[p]
                        i = p
                    else:
                        break
                heap_key[i] = f
                heap_node[i] = v
    total = np.inf
    n_hops = 0
    if found:
        total = dist[target]
        v = target
        while v != source:
            n_hops += 1
            v = pred_node[v]
    out = np.empty(n_hops, dtype=np.int64)
    if found:
        v = target
        j = n_hops
        while v != source:
            j -= 1
            out[j] = edge_index[pred_slot[v]]
            v = pred_node[v]
    for j in range(n_touched):
        dist[touched[j]] = np.inf
        pred_slot[touched[j]] = -1
        pred_node[touched[j]] = -1
    return total, out


def _path_cost(edges: list[int], weight: NDArray[np.float64]) -> float:
    # summed in path order so the cost equals what a caller recomputes from the edges
    total = 0.0
    for e in edges:
        total += float(weight[e])
    return total


def k_shortest_paths(
    graph: CSRGraph,
    source: int,
    target: int,
    k: int,
    *,
    weight: ArrayLike | None = None,
    max_cost: float | None = None,
) -> list[tuple[float, NDArray[np.int64]]]:
    """The ``k`` least-cost loopless paths from ``source`` to ``target``, cheapest first.

    Yen's algorithm with Lawler's refinement: each new path is only spurred from the
    node where it left its parent path. A path never repeats a node. Paths that differ
    only in which parallel edge they use are distinct. Ties in cost come out in an
    arbitrary but deterministic order.

    Parameters
    ----------
    graph
        The compiled graph; its weights are used unless ``weight`` is given.
    source, target
        Node indices.
    k
        How many paths to return at most; at least 1.
    weight
        Alternative edge weights in original edge order (``graph.n_edges`` values,
        nonnegative, ``inf`` closes an edge).
    max_cost
        Only return paths whose cost is at most this.

    Returns
    -------
    list of (float, ndarray of int64)
        Cost and original edge indices of each path, in nondecreasing order of cost.
        Fewer than ``k`` entries when fewer paths exist; empty when the target is
        unreachable. When ``source == target`` the only path is the empty one.

    Raises
    ------
    ValueError
        If ``k`` is below 1, a node index is out of range, ``weight`` has the wrong
        length or holds negative or NaN values, or ``max_cost`` is NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from connectivity import paths
    >>> g = paths.from_arrays(np.array([0, 0, 1]), np.array([1, 2, 2]),
    ...                       np.array([1.0, 3.0, 1.0]), 3)
    >>> [(c, e.tolist()) for c, e in k_shortest_paths(g, 0, 2, 5)]
    [(2.0, [0, 2]), (3.0, [1])]
    """
    k = checks.integer("k", k)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    n_nodes = int(graph.n_nodes)
    s = checks.node("source", source, n_nodes)
    t = checks.node("target", target, n_nodes)
    limit = math.inf
    if max_cost is not None:
        limit = float(max_cost)
        if math.isnan(limit):
            raise ValueError("max_cost=nan must be a number")
    if weight is not None:
        graph = reweight(graph, weight)
    if s == t:
        return [(0.0, np.empty(0, dtype=np.int64))] if limit >= 0 else []
    search = _SpurSearch.build(graph, t, limit)
    if not math.isfinite(search.to_target[s]):
        return []
    first = search.spur(s, limit)
    if first is None:
        return []
    first_edges = first.tolist()
    first_cost = _path_cost(first_edges, search.w_orig)
    if first_cost > limit:
        return []
    accepted = _yen(search, s, k, limit, first_edges, first_cost)
    return [(c, np.asarray(e, dtype=np.int64)) for c, e in accepted]


@dataclass(frozen=True, eq=False)
class _SpurSearch:
    """The arrays of the banned A* kernel, allocated once per query, and the bans."""

    indptr: NDArray[np.int64]
    heads: NDArray[np.int32]
    csr_weights: NDArray[np.float64]
    edge_index: NDArray[np.int64]
    w_orig: NDArray[np.float64]  # weights in original edge order
    head_orig: NDArray[np.int64]
    to_target: NDArray[np.float64]  # exact distance to the target, the A* heuristic
    target: int
    slack: float
    banned_node: NDArray[np.bool_]
    banned_edge: NDArray[np.bool_]
    dist: NDArray[np.float64]
    pred_slot: NDArray[np.int64]
    pred_node: NDArray[np.int64]
    touched: NDArray[np.int64]
    heap_key: NDArray[np.float64]
    heap_node: NDArray[np.int64]

    @classmethod
    def build(cls, graph: CSRGraph, target: int, limit: float) -> _SpurSearch:
        n_nodes, n_edges = int(graph.n_nodes), int(graph.n_edges)
        heads = np.ascontiguousarray(graph.heads, dtype=np.int32)
        csr_weights = np.ascontiguousarray(graph.weights, dtype=np.float64)
        edge_index = np.ascontiguousarray(graph.edge_index, dtype=np.int64)
        w_orig = np.empty(n_edges, dtype=np.float64)
        w_orig[edge_index] = csr_weights
        head_orig = np.empty(n_edges, dtype=np.int64)
        head_orig[edge_index] = heads
        tail_orig = np.empty(n_edges, dtype=np.int64)
        tail_orig[edge_index] = graph.tails
        backward = from_arrays(head_orig, tail_orig, w_orig, n_nodes)
        to_target = np.ascontiguousarray(distances(backward, [target])[0], dtype=np.float64)
        return cls(
            indptr=np.ascontiguousarray(graph.indptr, dtype=np.int64), heads=heads,
            csr_weights=csr_weights, edge_index=edge_index, w_orig=w_orig,
            head_orig=head_orig, to_target=to_target, target=target,
            # a small slack so float rounding in the kernel never prunes a path that the
            # exact check on the recomputed cost keeps
            slack=1e-9 * (1.0 + abs(limit)) if math.isfinite(limit) else 0.0,
            banned_node=np.zeros(n_nodes, dtype=np.bool_),
            banned_edge=np.zeros(n_edges, dtype=np.bool_),
            dist=np.full(n_nodes, np.inf), pred_slot=np.full(n_nodes, -1, dtype=np.int64),
            pred_node=np.full(n_nodes, -1, dtype=np.int64),
            touched=np.empty(n_nodes, dtype=np.int64),
            heap_key=np.empty(n_edges + 1, dtype=np.float64),
            heap_node=np.empty(n_edges + 1, dtype=np.int64),
        )  # fmt: skip

    def spur(self, start: int, budget: float) -> NDArray[np.int64] | None:
        """Edges of the cheapest path from ``start`` to the target within ``budget``
        that avoids the banned nodes and edges, or ``None``."""
        d, edges = _banned_astar(
            self.indptr, self.heads, self.csr_weights, self.edge_index, self.banned_node,
            self.banned_edge, self.to_target, start, self.target, budget + self.slack,
            self.dist, self.pred_slot, self.pred_node, self.touched, self.heap_key,
            self.heap_node,
        )  # fmt: skip
        return edges if math.isfinite(d) else None


def _yen(
    search: _SpurSearch, s: int, k: int, limit: float, first_edges: list[int],
    first_cost: float,
) -> list[tuple[float, list[int]]]:  # fmt: skip
    """Yen's loop with Lawler's refinement, from the first (shortest) path."""
    w_orig, head_orig = search.w_orig, search.head_orig
    # Prefix tree of the accepted paths: a trie node is a root path; its children are
    # the edges accepted paths take next, which a spur from that root must avoid.
    trie_child: dict[tuple[int, int], int] = {}
    trie_next: list[set[int]] = [set()]
    accepted: list[tuple[float, list[int]]] = []
    seen: set[tuple[int, ...]] = {tuple(first_edges)}
    # (cost, edge tuple for deterministic ties, edges, deviation index)
    candidates: list[tuple[float, tuple[int, ...], list[int], int]] = [
        (first_cost, tuple(first_edges), first_edges, 0)
    ]
    while candidates and len(accepted) < k:
        cost, _, edges, deviation = heapq.heappop(candidates)
        accepted.append((cost, edges))
        if len(accepted) == k:
            break
        nodes = [s, *(int(head_orig[e]) for e in edges)]
        prefix_ids = _register(trie_child, trie_next, edges)
        search.banned_node[nodes[:deviation]] = True
        root_cost = _path_cost(edges[:deviation], w_orig)
        for i in range(deviation, len(edges)):
            blocked = list(trie_next[prefix_ids[i]])
            search.banned_edge[blocked] = True
            tail_part = search.spur(nodes[i], limit - root_cost)
            search.banned_edge[blocked] = False
            if tail_part is not None:
                new_edges = edges[:i] + tail_part.tolist()
                key = tuple(new_edges)
                if key not in seen:
                    new_cost = _path_cost(new_edges, w_orig)
                    if new_cost <= limit:
                        seen.add(key)
                        heapq.heappush(candidates, (new_cost, key, new_edges, i))
            search.banned_node[nodes[i]] = True
            root_cost += float(w_orig[edges[i]])
        search.banned_node[nodes] = False
    return accepted


def _register(
    trie_child: dict[tuple[int, int], int], trie_next: list[set[int]], edges: list[int]
) -> list[int]:
    """Add a path to the prefix tree; return the trie node of each of its prefixes."""
    prefix_ids = []
    node_id = 0
    for e in edges:
        prefix_ids.append(node_id)
        trie_next[node_id].add(e)
        child = trie_child.get((node_id, e))
        if child is None:
            child = len(trie_next)
            trie_child[(node_id, e)] = child
            trie_next.append(set())
        node_id = child
    return prefix_ids
