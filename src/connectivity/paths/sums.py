"""Edge values added up along shortest paths: distances and attribute sums in one search.

A skim reports more than the cost a route minimizes: its time, distance, money or
emissions, each the sum of a per-edge value along the route. :func:`path_sums` finds
the shortest paths from each source to each target and adds up any number of value
vectors along the one path it picks, by Dijkstra (one shortest-path tree per source,
summed by pointer doubling) or on a contraction hierarchy (the sums of each arc found
in one pass, then carried with the labels of a many-to-many search).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity._jit import load_numba
from connectivity.paths import _cch_queries, contraction
from connectivity.paths.contraction import Hierarchy
from connectivity.paths.csr import CSRGraph
from connectivity.paths.search import shortest_path_tree

__all__ = ["PathSums", "path_sums"]


@dataclass(frozen=True, eq=False)
class PathSums:
    """Distances and value sums along one shortest path per source and target.

    Attributes
    ----------
    distances
        ``len(sources) x len(targets)`` (or ``x n_nodes``); ``inf`` where unreachable.
    sums
        ``k x len(sources) x len(targets)``: value vector ``q`` added up along the path
        of each pair; ``inf`` where unreachable, ``0`` where source and target are one
        node.
    """

    distances: NDArray[np.float64]
    sums: NDArray[np.float64]


def path_sums(
    graph: CSRGraph,
    sources: ArrayLike,
    targets: ArrayLike | None = None,
    *,
    values: ArrayLike,
    hierarchy: Hierarchy | None = None,
    method: str = "auto",
) -> PathSums:
    """Shortest-path distances and, along the same paths, the sums of edge values.

    Where several shortest paths tie, each pair's sums are those of one of them, the
    one the method picks, always the same for the same input: Dijkstra's
    shortest-path tree of the source (:func:`~connectivity.paths.shortest_path_tree`),
    or on the hierarchy the first predecessor found at the lowest cost by the upward
    search and then the downward sweep. The two methods may pick different paths of
    the same cost, so with ties their sums may differ.

    Parameters
    ----------
    graph
        The graph; its weights are what the paths minimize.
    sources
        Source node indices.
    targets
        Target node indices; ``None`` means every node.
    values
        ``k x n_edges`` values to add up (one row per measure, columns in the original
        edge order, as given to :func:`~connectivity.paths.from_arrays`), or one vector
        of ``n_edges`` (``k = 1``). Finite numbers of any sign.
    hierarchy
        A :class:`~connectivity.paths.Hierarchy` customized for this graph's weights.
    method
        ``"dijkstra"``, ``"hierarchy"`` or ``"auto"`` (default), as in
        :func:`~connectivity.paths.distances` and by the same rule: the hierarchy when
        one is given, or where ``"auto"`` would take it for these distances; Dijkstra
        otherwise.

    Returns
    -------
    PathSums
        ``distances`` as :func:`~connectivity.paths.distances` with the same method
        (on the hierarchy bit for bit), and ``sums``.

    Raises
    ------
    ValueError
        A source or target is not a node index; ``values`` has the wrong shape or a
        NaN or infinite entry (the message names it); ``hierarchy`` was customized for
        other weights or another graph; an unknown ``method``, or ``"dijkstra"`` with a
        ``hierarchy``.

    Examples
    --------
    >>> from connectivity import paths
    >>> g = paths.from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> km = [10.0, 20.0, 12.0]
    >>> r = paths.path_sums(g, [0], [1, 2], values=km)
    >>> r.distances.tolist()
    [[1.0, 2.0]]
    >>> r.sums.tolist()
    [[[10.0, 30.0]]]
    >>> h = paths.hierarchy(g)
    >>> paths.path_sums(g, [0], [1, 2], values=km, hierarchy=h).sums.tolist()
    [[[10.0, 30.0]]]
    """
    n = graph.n_nodes
    src = checks.node_array("sources", sources, n)
    tgt = None if targets is None else checks.node_array("targets", targets, n)
    vals = _values(values, graph.n_edges)
    h = contraction.choose(graph, src.shape[0], method, hierarchy)
    if h is not None:
        dist, sums = _on_hierarchy(h, src, tgt, vals)
    else:
        dist, sums = _by_dijkstra(graph, src, tgt, vals)
    return PathSums(distances=dist, sums=sums)


def _values(values: ArrayLike, n_edges: int) -> NDArray[np.float64]:
    """``values`` as a ``k x n_edges`` float64 array of finite numbers."""
    arr = np.asarray(values)
    one = arr.ndim == 1
    if arr.ndim not in (1, 2) or arr.shape[-1] != n_edges:
        raise ValueError(f"values has shape {arr.shape}, expected ({n_edges},) or "
                         f"(k, {n_edges}): one value per edge (n_edges = {n_edges})")
    if arr.size and (arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number)
                     or np.issubdtype(arr.dtype, np.complexfloating)):
        raise ValueError(f"values must hold real numbers, got dtype {arr.dtype}")
    out = np.atleast_2d(arr.astype(np.float64))
    bad = np.argwhere(~np.isfinite(out))
    if bad.size:
        q, e = (int(x) for x in bad[0])
        where = f"values[{e}]" if one else f"values[{q}, {e}]"
        raise ValueError(f"{where} = {float(out[q, e])!r} is not finite; values must be "
                         f"finite numbers ({bad.shape[0]} such value(s))")
    return out


# ------------------------------------------------------------------------- Dijkstra


def _by_dijkstra(graph: CSRGraph, src: NDArray[np.int64], tgt: NDArray[np.int64] | None,
                 vals: NDArray[np.float64]) -> tuple[NDArray[np.float64],
                                                     NDArray[np.float64]]:
    """One shortest-path tree per source, its sums by pointer doubling."""
    cols = np.arange(graph.n_nodes) if tgt is None else tgt
    dist = np.empty((src.shape[0], cols.shape[0]))
    sums = np.empty((vals.shape[0], src.shape[0], cols.shape[0]))
    tail = np.empty(graph.n_edges, dtype=np.int64)  # tail of each edge, original order
    tail[graph.edge_index] = graph.tails
    for i, s in enumerate(src.tolist()):
        d, pred = shortest_path_tree(graph, s)
        dist[i] = d[cols]
        sums[:, i] = _tree_sums(pred, tail, vals)[:, cols]
    sums[:, np.isinf(dist)] = np.inf
    return dist, sums


def _tree_sums(pred: NDArray[np.int64], tail: NDArray[np.int64],
               values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each row of ``values`` (``k x n_edges``) summed along every node's predecessor
    chain (``pred``: the tree edge into each node, ``-1`` at the root and unreached
    nodes): pointer doubling, O(k n log depth), ``k x n``."""
    n = pred.shape[0]
    has = pred >= 0
    acc = np.zeros((values.shape[0], n + 1))
    acc[:, :n][:, has] = values[:, pred[has]]
    up = np.full(n + 1, n, dtype=np.int64)  # node n is a sink with value 0
    up[:n][has] = tail[pred[has]]
    while True:
        active = up[:n] != n
        if not active.any():
            break
        acc[:, :n] += acc[:, up[:n]]
        up[:n] = up[up[:n]]
    return acc[:, :n]


# ------------------------------------------------------------------------ hierarchy


def _on_hierarchy(h: Hierarchy, src: NDArray[np.int64], tgt: NDArray[np.int64] | None,
                  vals: NDArray[np.float64]) -> tuple[NDArray[np.float64],
                                                      NDArray[np.float64]]:
    """The many-to-many search of ``_cch_queries.distances`` carrying the sums: the same
    target selection, sweep graph, lanes and chunks."""
    from connectivity.paths import _cch_sums

    topo = h.topology
    k = vals.shape[0]
    up_via, down_via = h.how()
    up_sum, down_sum = _cch_sums.arc_sums(up_via, down_via, np.ascontiguousarray(vals.T))
    ranks, tgt_r, (local, ptr, lh, lw, la) = _cch_queries.sweep_of(h, src, tgt)
    lsum = np.ascontiguousarray(down_sum[la])
    tgt_local = local[tgt_r].astype(np.int64)
    out = np.empty((src.shape[0], tgt_r.shape[0]))
    out_sums = np.empty((k, src.shape[0], tgt_r.shape[0]))
    if src.shape[0]:
        n_batches = -(-src.shape[0] // _cch_queries.LANES)
        chunks = max(1, min(int(load_numba().get_num_threads()), n_batches))
        u = h.up
        _cch_sums.many_to_many_sums(ranks, tgt_local, _cch_queries.LANES, chunks, topo.parent,
                                    u.ptr, u.heads, u.weights, u.arc, topo.tails, up_sum,
                                    local, ptr, lh, lw, lsum, out, out_sums)
    if tgt is None:  # columns are ranks: back to node ids
        out = out[:, topo.rank]
        out_sums = out_sums[:, :, topo.rank]
    return out, out_sums
