"""Every Pareto-optimal path between two nodes over two or three criteria.

Multi-criteria label setting guided by lower bounds (NAMOA*/BOA* style): each label
carries its cost so far ``g`` and an optimistic total ``f = g + h``, where ``h`` is the
exact per-criterion distance to the target (one backward search per criterion, so
``h`` is consistent). Labels leave a priority queue in lexicographic order of ``f``;
at any one node that is lexicographic order of ``g``, so when a label is settled every
label at its node that could dominate it is already settled. A label is dropped when a
settled label at its node is at least as good on every criterion in ``g``, or a path
already found is at least as good as its ``f``. With two criteria the settled labels at
a node come in increasing order of the first criterion, so one number per node (the
least second criterion settled there) decides dominance in O(1).

The public entry point :func:`pareto_paths` validates and builds CSR arrays once, then
calls the numba kernel, which only computes on arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity._jit import jit
from connectivity.errors import SearchLimitError
from connectivity.paths.csr import from_arrays, reweight
from connectivity.paths.search import distances

__all__ = ["pareto_paths"]

_LIMIT_HIT = -1


@jit(inline=True)
def _lex_less(fcost: NDArray[np.float64], cost: NDArray[np.float64], a: int, b: int) -> bool:
    for j in range(fcost.shape[1]):
        if fcost[a, j] < fcost[b, j]:
            return True
        if fcost[a, j] > fcost[b, j]:
            return False
    # f can tie after rounding while g differs; g keeps labels at one node in order
    for j in range(cost.shape[1]):
        if cost[a, j] < cost[b, j]:
            return True
        if cost[a, j] > cost[b, j]:
            return False
    return a < b  # first created first out, so an earlier equal label is settled first


@jit()
def _dominated(
    cost: NDArray[np.float64],
    vec: NDArray[np.float64],
    node: int,
    best1: NDArray[np.float64],
    first_settled: NDArray[np.int64],
    next_settled: NDArray[np.int64],
) -> bool:
    """Whether a settled label at ``node`` is at least as good as ``vec`` everywhere."""
    if cost.shape[1] == 2:
        # every settled label is lexicographically <= vec, so its first criterion is too
        return bool(best1[node] <= vec[1])
    lab = first_settled[node]
    while lab >= 0:
        ok = True
        for j in range(cost.shape[1]):
            if cost[lab, j] > vec[j]:
                ok = False
                break
        if ok:
            return True
        lab = next_settled[lab]
    return False


@jit()
def _grow(a: NDArray[np.int64], cap: int, n: int) -> NDArray[np.int64]:
    out = np.full(cap, -1, dtype=np.int64)
    out[:n] = a[:n]
    return out


@jit()
def _label_setting(  # noqa: C901, PLR0912, PLR0913, PLR0915, PLR0917 (numba kernel)
    indptr: NDArray[np.int64],
    heads: NDArray[np.int64],
    crit: NDArray[np.float64],
    to_target: NDArray[np.float64],
    edge_index: NDArray[np.int64],
    source: int,
    target: int,
    max_labels: int,
) -> tuple[
    int, NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]
]:
    """Run label setting from ``source``.

    Returns ``(n_labels, found, cost, pred_label, pred_edge)``: ``found`` lists the
    settled target labels in lexicographic order; the rest describe every label made.
    ``n_labels`` is -1 when ``max_labels`` would be exceeded.
    """
    n_nodes = indptr.shape[0] - 1
    n_crit = crit.shape[1]
    cap = min(max_labels, max(1024, 4 * n_nodes))
    cost = np.empty((cap, n_crit), dtype=np.float64)
    fcost = np.empty((cap, n_crit), dtype=np.float64)
    node_of = np.empty(cap, dtype=np.int64)
    pred_label = np.empty(cap, dtype=np.int64)
    pred_edge = np.empty(cap, dtype=np.int64)
    heap = np.empty(cap, dtype=np.int64)
    best1 = np.full(n_nodes, np.inf)
    first_settled = np.full(n_nodes, -1, dtype=np.int64)
    last_settled = np.full(n_nodes, -1, dtype=np.int64)
    next_settled = np.full(cap, -1, dtype=np.int64)
    vec = np.empty(n_crit, dtype=np.float64)
    fvec = np.empty(n_crit, dtype=np.float64)

    n_labels = 1
    cost[0, :] = 0.0
    fcost[0, :] = to_target[source, :]
    node_of[0] = source
    pred_label[0] = -1
    pred_edge[0] = -1
    heap[0] = 0
    size = 1
    while size > 0:
        lab = heap[0]
        size -= 1
        if size > 0:
            item = heap[size]
            i = 0
            while True:
                c = 2 * i + 1
                if c >= size:
                    break
                if c + 1 < size and _lex_less(fcost, cost, heap[c + 1], heap[c]):
                    c += 1
                if _lex_less(fcost, cost, heap[c], item):
                    heap[i] = heap[c]
                    i = c
                else:
                    break
            heap[i] = item
        u = node_of[lab]
        vec[:] = cost[lab, :]
        if _dominated(cost, vec, u, best1, first_settled, next_settled):
            continue
        fvec[:] = fcost[lab, :]
        if u != target and _dominated(cost, fvec, target, best1, first_settled, next_settled):
            continue
        # settle
        if vec[1] < best1[u]:
            best1[u] = vec[1]
        next_settled[lab] = -1
        if last_settled[u] < 0:
            first_settled[u] = lab
        else:
            next_settled[last_settled[u]] = lab
        last_settled[u] = lab
        if u == target:
            continue
        for s in range(indptr[u], indptr[u + 1]):
            v = heads[s]
            closed = False
            for j in range(n_crit):
                w = crit[s, j]
                # a closed edge, or a head from which the target cannot be reached
                if w == np.inf or to_target[v, j] == np.inf:
                    closed = True
                    break
                vec[j] = cost[lab, j] + w
                fvec[j] = vec[j] + to_target[v, j]
            if closed:
                continue
            if _dominated(cost, vec, v, best1, first_settled, next_settled):
                continue
            if _dominated(cost, fvec, target, best1, first_settled, next_settled):
                continue
            if n_labels == max_labels:
                return _LIMIT_HIT, pred_label[:0], cost[:0], pred_label[:0], pred_edge[:0]
            if n_labels == cap:
                cap = min(max_labels, 2 * cap)
                cost2 = np.empty((cap, n_crit), dtype=np.float64)
                cost2[:n_labels] = cost[:n_labels]
                cost = cost2
                fcost2 = np.empty((cap, n_crit), dtype=np.float64)
                fcost2[:n_labels] = fcost[:n_labels]
                fcost = fcost2
                node_of = _grow(node_of, cap, n_labels)
                pred_label = _grow(pred_label, cap, n_labels)
                pred_edge = _grow(pred_edge, cap, n_labels)
                heap = _grow(heap, cap, size)
                next_settled = _grow(next_settled, cap, n_labels)
            new = n_labels
            n_labels += 1
            cost[new, :] = vec
            fcost[new, :] = fvec
            node_of[new] = v
            pred_label[new] = lab
            pred_edge[new] = edge_index[s]
            i = size
            size += 1
            while i > 0:
                p = (i - 1) // 2
                if _lex_less(fcost, cost, new, heap[p]):
                    heap[i] = heap[p]
                    i = p
                else:
                    break
            heap[i] = new
    # the settled labels at the target, in the order they were settled
    n_found = 0
    lab = first_settled[target]
    while lab >= 0:
        n_found += 1
        lab = next_settled[lab]
    found = np.empty(n_found, dtype=np.int64)
    lab = first_settled[target]
    for i in range(n_found):
        found[i] = lab
        lab = next_settled[lab]
    return n_labels, found, cost[:n_labels], pred_label[:n_labels], pred_edge[:n_labels]


def pareto_paths(
    tail: ArrayLike,
    head: ArrayLike,
    criteria: ArrayLike,
    n_nodes: int,
    source: int,
    target: int,
    *,
    max_labels: int = 2_000_000,
) -> list[tuple[NDArray[np.float64], NDArray[np.int64]]]:
    """Every Pareto-optimal path from ``source`` to ``target`` over 2 or 3 criteria.

    A path is Pareto-optimal when no other path is at least as good on every criterion
    and better on one. Where several paths share a cost vector, one of them is
    returned. Every returned path is loopless. Parallel edges are kept apart.

    Parameters
    ----------
    tail, head
        Edge end nodes, one value per edge.
    criteria
        Edge costs, shape ``(n_edges, 2)`` or ``(n_edges, 3)``, nonnegative. An edge
        with ``inf`` in any criterion is closed.
    n_nodes
        Number of nodes; indices run from 0 to ``n_nodes - 1``.
    source, target
        Node indices.
    max_labels
        Upper bound on the labels (partial paths) created. The search stops with an
        error rather than return a partial answer.

    Returns
    -------
    list of (ndarray of float64, ndarray of int64)
        Cost vector and original edge indices of each path, sorted by the first
        criterion (then the second, then the third). Empty when the target is
        unreachable; ``[(zeros, [])]`` when ``source == target``.

    Raises
    ------
    ValueError
        If an argument has the wrong shape, a node index is out of range, a criterion
        value is negative or NaN, or ``max_labels`` is below 1.
    SearchLimitError
        If the search needs more than ``max_labels`` labels.

    Examples
    --------
    >>> import numpy as np
    >>> crit = np.array([[1.0, 5.0], [4.0, 1.0], [1.0, 1.0]])
    >>> found = pareto_paths([0, 0, 1], [1, 2, 2], crit, 3, 0, 2)
    >>> [(c.tolist(), e.tolist()) for c, e in found]
    [([2.0, 6.0], [0, 2]), ([4.0, 1.0], [1])]
    """
    n_nodes = checks.integer("n_nodes", n_nodes)
    if n_nodes < 1:
        raise ValueError(f"n_nodes must be >= 1, got {n_nodes}")
    max_labels = checks.integer("max_labels", max_labels)
    if max_labels < 1:
        raise ValueError(f"max_labels must be >= 1, got {max_labels}")
    tails = checks.node_array("tail", tail, n_nodes)
    heads = checks.node_array("head", head, n_nodes)
    if tails.shape != heads.shape:
        raise ValueError(f"tail has {tails.size} values but head has {heads.size}")
    crit = np.asarray(criteria, dtype=np.float64)
    if crit.ndim != 2 or crit.shape[0] != tails.size or crit.shape[1] not in (2, 3):
        raise ValueError(
            f"criteria has shape {crit.shape}; expected ({tails.size}, 2) or "
            f"({tails.size}, 3): one row per edge, two or three criteria"
        )
    bad = np.argwhere(np.isnan(crit) | (crit < 0))
    if bad.size:
        e, j = (int(x) for x in bad[0])
        raise ValueError(
            f"criteria[{e}, {j}] = {crit[e, j]} must be >= 0 or inf "
            f"({len(bad)} bad value(s))"
        )
    s = checks.node("source", source, n_nodes)
    t = checks.node("target", target, n_nodes)

    # an edge closed in one criterion is closed in all, also for the lower bounds
    crit = crit.copy()
    crit[~np.all(np.isfinite(crit), axis=1)] = np.inf
    backward = from_arrays(heads, tails, crit[:, 0], n_nodes)
    to_target = np.empty((n_nodes, crit.shape[1]), dtype=np.float64)
    for j in range(crit.shape[1]):
        to_target[:, j] = distances(reweight(backward, crit[:, j]), [t])[0]
    if not np.all(np.isfinite(to_target[s])):
        return []
    order = np.argsort(tails, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n_nodes), out=indptr[1:])
    n_labels, found, cost, pred_label, pred_edge = _label_setting(
        indptr,
        np.ascontiguousarray(heads[order]),
        np.ascontiguousarray(crit[order]),
        to_target,
        order.astype(np.int64),
        s,
        t,
        int(max_labels),
    )
    if n_labels == _LIMIT_HIT:
        raise SearchLimitError(
            f"pareto search needed more than max_labels={max_labels} labels; "
            "raise max_labels or tighten the network (close edges, use fewer criteria)"
        )
    result: list[tuple[NDArray[np.float64], NDArray[np.int64]]] = []
    for end in found.tolist():
        edges: list[int] = []
        lab = end
        while pred_label[lab] >= 0:
            edges.append(int(pred_edge[lab]))
            lab = int(pred_label[lab])
        result.append((cost[end].copy(), np.asarray(edges[::-1], dtype=np.int64)))
    return result
