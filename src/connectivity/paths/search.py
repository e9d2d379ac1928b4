"""Shortest-path searches on a :class:`~connectivity.paths.csr.CSRGraph`.

One-to-all and many-to-many distances (parallel over sources), shortest-path trees, and
point-to-point paths by bidirectional Dijkstra, A* with coordinates or A* with
landmarks (ALT). Inputs are checked and cast once; the numba kernels trust them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity.errors import NoRouteError
from connectivity.paths import _cch_queries, _kernels, _p2p_kernels
from connectivity.paths import contraction as _hierarchy
from connectivity.paths._work import dynamic, n_chunks, serial
from connectivity.paths.alt import Landmarks
from connectivity.paths.contraction import Hierarchy
from connectivity.paths.csr import CSRGraph, work_buffers

__all__ = ["distances", "shortest_path_tree", "shortest_path"]


def distances(
    graph: CSRGraph,
    sources: ArrayLike,
    targets: ArrayLike | None = None,
    *,
    hierarchy: Hierarchy | None = None,
    method: str = "auto",
) -> NDArray[np.float64]:
    """Shortest-path distances from each source, computed in parallel over sources.

    Either each source runs its own Dijkstra search, or the distances come from a
    contraction hierarchy (see :func:`~connectivity.paths.hierarchy`): an upward search
    from each source, then one downward sweep over the targets' ancestors for a batch of
    sources at a time. The distances are the same (to rounding: sums in another order);
    the hierarchy pays for itself when many sources share the graph.

    Parameters
    ----------
    graph
        The graph.
    sources
        Source node indices.
    targets
        Target node indices; ``None`` means every node. Each search stops as soon as
        all targets are settled.
    hierarchy
        A :class:`~connectivity.paths.Hierarchy` customized for this graph's weights.
    method
        ``"dijkstra"``, ``"hierarchy"`` (built for the graph, or only customized when
        its structure has one already), or ``"auto"`` (default): the hierarchy when one
        is given, or when a cost model predicts it faster than Dijkstra (at least 32
        sources and 100,000 edge visits, and one customization cheaper than what the
        hierarchy saves over the searches; see ``docs/hierarchies.md``); Dijkstra
        otherwise.

    Returns
    -------
    numpy.ndarray
        ``len(sources) x n_nodes`` (or ``x len(targets)``); ``inf`` where unreachable.

    Raises
    ------
    ValueError
        A source or target is not a node index; ``hierarchy`` was customized for other
        weights or another graph; an unknown ``method``, or ``"dijkstra"`` with a
        ``hierarchy``.

    Examples
    --------
    >>> from connectivity.paths import from_arrays, hierarchy
    >>> g = from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    >>> distances(g, [0, 2], targets=[2]).tolist()
    [[3.0], [0.0]]
    >>> distances(g, [0, 2], targets=[2], hierarchy=hierarchy(g)).tolist()
    [[3.0], [0.0]]
    """
    n = graph.n_nodes
    src = checks.node_array("sources", sources, n)
    h = _hierarchy.choose(graph, src.shape[0], method, hierarchy)
    if h is not None:
        tgt_h = None if targets is None else checks.node_array("targets", targets, n)
        return _cch_queries.distances(h, src, tgt_h)
    if targets is None:
        out = np.full((src.shape[0], n), np.inf)
        if src.size and n:
            args = (graph.indptr, graph.heads, graph.weights, src, out)
            chunks = n_chunks(src.shape[0])
            # waking a thread pool costs more than one search, or a few small ones, on a
            # busy box (each search is independent: the same distances either way)
            if chunks == 1 or serial(src.shape[0], graph.n_edges):
                _kernels.many_to_all_chunk(*args, 0, 1)
            else:
                dynamic(_kernels.many_to_all, *args, chunks)
        return out
    tgt = checks.node_array("targets", targets, n)
    out = np.full((src.shape[0], tgt.shape[0]), np.inf)
    if src.size and tgt.size:
        is_target = np.zeros(n, dtype=np.int8)
        is_target[tgt] = 1
        args2 = (graph.indptr, graph.heads, graph.weights, src, tgt, is_target,
                 int(np.count_nonzero(is_target)), out)
        chunks = n_chunks(src.shape[0])
        if chunks == 1 or serial(src.shape[0], graph.n_edges):
            _kernels.many_to_many_chunk(*args2, 0, 1)
        else:
            dynamic(_kernels.many_to_many, *args2, chunks)
    return out


def shortest_path_tree(
    graph: CSRGraph, source: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distances and shortest-path tree from one source to every node.

    Parameters
    ----------
    graph
        The graph.
    source
        Source node index.

    Returns
    -------
    dist : numpy.ndarray
        Distance per node, ``inf`` where unreachable.
    pred : numpy.ndarray
        Original index of the tree edge entering each node; ``-1`` at the source and at
        unreachable nodes.

    Raises
    ------
    ValueError
        ``source`` is not a node index.

    Examples
    --------
    >>> from connectivity.paths import from_arrays
    >>> g = from_arrays([0, 0, 1], [1, 1, 2], [5.0, 2.0, 1.0], 4)
    >>> dist, pred = shortest_path_tree(g, 0)
    >>> pred.tolist()
    [-1, 1, 2, -1]
    """
    s = checks.node("source", source, graph.n_nodes)
    dist, pred_slot = _kernels.one_to_all(graph.indptr, graph.heads, graph.weights, s)
    pred = np.full(graph.n_nodes, -1, dtype=np.int64)
    reached = pred_slot >= 0
    pred[reached] = graph.edge_index[pred_slot[reached]]
    return dist, pred


def shortest_path(
    graph: CSRGraph,
    source: int,
    target: int,
    *,
    xy: ArrayLike | None = None,
    cost_per_unit: float = 1.0,
    landmarks: Landmarks | None = None,
    hierarchy: Hierarchy | None = None,
) -> NDArray[np.int64]:
    """Original edge indices of one shortest path from ``source`` to ``target``, in order.

    By default this is a bidirectional Dijkstra (forward from the source, backward from
    the target). With node coordinates ``xy`` it is A* guided by the straight-line lower
    bound ``cost_per_unit * |xy[v] - xy[target]|``; with ``landmarks`` (see
    :func:`landmarks`) it is A* guided by landmark distances (ALT). Both settle far
    fewer nodes on road-like graphs (see ``benchmarks/results/paths.md``); all three
    return a shortest path. The first query on a graph allocates work buffers that
    later queries reuse (see :class:`CSRGraph`).

    Parameters
    ----------
    graph
        The graph.
    source, target
        Node indices.
    xy
        Optional ``n_nodes x 2`` planar coordinates (projected, not lon/lat degrees).
    cost_per_unit
        With ``xy``: a cost per coordinate unit that no edge undercuts, i.e. every edge
        costs at least ``cost_per_unit`` times its straight-line length. This makes the
        heuristic consistent; the search checks it on every edge it scans and raises if
        an edge breaks it (so a wrong bound cannot silently give a wrong path).
    landmarks
        Optional result of :func:`landmarks` for this graph (not with ``xy``).
    hierarchy
        Optional :class:`~connectivity.paths.Hierarchy` customized for this graph's
        weights (not with ``xy`` or ``landmarks``).

    Returns
    -------
    numpy.ndarray
        Edge indices (int64); empty when ``source == target``.

    Raises
    ------
    NoRouteError
        ``target`` cannot be reached from ``source``.
    ValueError
        ``source`` or ``target`` is not a node index; ``xy`` has the wrong shape or
        non-finite values; ``cost_per_unit`` is negative; an edge is cheaper than its
        straight-line bound; ``landmarks`` were computed for another graph or other
        weights, or come with ``xy``; ``hierarchy`` was customized for other weights or
        another graph, or comes with ``xy`` or ``landmarks``.

    Examples
    --------
    >>> from connectivity.paths import from_arrays, landmarks
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> shortest_path(g, 0, 2).tolist()
    [0, 1]
    >>> shortest_path(g, 0, 2, xy=[[0, 0], [1, 0], [2, 0]]).tolist()
    [0, 1]
    >>> shortest_path(g, 0, 2, landmarks=landmarks(g, k=1)).tolist()
    [0, 1]
    """
    n = graph.n_nodes
    s = checks.node("source", source, n)
    t = checks.node("target", target, n)
    if hierarchy is not None:
        if xy is not None or landmarks is not None:
            raise ValueError("give hierarchy alone, not with xy or landmarks")
        h = _hierarchy.check(graph, hierarchy)
        cost_h, edges = _cch_queries.shortest_path(h, s, t)
        if cost_h == np.inf:
            raise NoRouteError(f"no path from node {s} to node {t}")
        return edges
    if landmarks is not None:
        _check_landmarks(graph, landmarks, xy)
    coords = scale = None
    if xy is not None:
        coords, scale = _check_xy(xy, n, cost_per_unit)
    if s == t:
        return np.zeros(0, dtype=np.int64)
    if coords is not None and scale is not None:
        cost, slots = _astar(graph, coords, scale, s, t)
    elif landmarks is not None:
        with work_buffers(graph) as b:
            cost, slots = _p2p_kernels.alt(
                graph.indptr, graph.heads, graph.tails, graph.weights,
                landmarks.from_landmark, landmarks.to_landmark, s, t, b.pos_f, b.dist_f,
                b.heap_keys_b, b.pred_f, b.heap_nodes_f, b.heap_keys_f, b.touched,
            )
    else:
        with work_buffers(graph) as b:
            cost, slots = _p2p_kernels.bidirectional(
                graph.indptr, graph.heads, graph.tails, graph.weights, graph.rev_indptr,
                graph.rev_heads, graph.rev_weights, graph.rev_slots, s, t, b.pos_f, b.pos_b,
                b.dist_f, b.dist_b, b.pred_f, b.pred_b, b.heap_nodes_f, b.heap_keys_f,
                b.heap_nodes_b, b.heap_keys_b, b.touched,
            )
    if cost == np.inf:
        raise NoRouteError(f"no path from node {s} to node {t}")
    return graph.edge_index[slots]


def _check_landmarks(graph: CSRGraph, landmarks: Landmarks, xy: ArrayLike | None) -> None:
    if not isinstance(landmarks, Landmarks):
        raise ValueError(
            f"landmarks must be a Landmarks from paths.landmarks(), got "
            f"{type(landmarks).__name__}"
        )
    if xy is not None:
        raise ValueError("give xy or landmarks, not both")
    if landmarks.weights is not graph.weights:
        raise ValueError(
            "landmarks were computed for another graph or other weights (a reweighted "
            "graph needs its own); call paths.landmarks(graph) for this one"
        )
    shape = (graph.n_nodes, landmarks.k)
    for name in ("from_landmark", "to_landmark"):
        got = getattr(landmarks, name).shape
        if got != shape:
            raise ValueError(f"landmarks.{name} has shape {got}, expected {shape}")


def _check_xy(
    xy: ArrayLike, n: int, cost_per_unit: float
) -> tuple[NDArray[np.float64], float]:
    coords = np.ascontiguousarray(xy, dtype=np.float64)
    if coords.shape != (n, 2):
        raise ValueError(f"xy has shape {coords.shape}, expected {(n, 2)} (n_nodes x 2)")
    if not np.all(np.isfinite(coords)):
        i = int(np.flatnonzero(~np.isfinite(coords).all(axis=1))[0])
        raise ValueError(f"xy[{i}] = {coords[i].tolist()} is not finite")
    scale = float(cost_per_unit)
    if not (scale >= 0 and np.isfinite(scale)):
        raise ValueError(f"cost_per_unit must be finite and >= 0, got {cost_per_unit!r}")
    return coords, scale


def _astar(
    graph: CSRGraph, coords: NDArray[np.float64], scale: float, s: int, t: int
) -> tuple[float, NDArray[np.int64]]:
    """A* with the straight-line bound; refuses an edge that undercuts the bound."""
    # np.zeros is calloc'ed: pages are only touched where the search goes
    cost, slots, bad = _p2p_kernels.astar(
        graph.indptr, graph.heads, graph.tails, graph.weights, coords, scale, s, t,
        np.zeros(graph.n_nodes, dtype=np.int32),
    )
    if bad >= 0:
        e = int(graph.edge_index[bad])
        u, v = int(graph.tails[bad]), int(graph.heads[bad])
        bound = scale * float(np.hypot(*(coords[u] - coords[v])))
        raise ValueError(
            f"edge {e} ({u} -> {v}) costs {float(graph.weights[bad])!r}, less than "
            f"cost_per_unit x straight-line length = {bound!r}; the A* bound is not "
            "valid for this graph (lower cost_per_unit or drop xy)"
        )
    return cost, slots
