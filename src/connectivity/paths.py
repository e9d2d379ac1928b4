"""Shortest paths on compiled CSR graphs: the fast core.

Functions that take a :class:`CSRGraph` and return arrays. The graph is built once by
:func:`from_arrays`; a scenario (closures, scaled costs, another commodity) becomes a new
cost vector on the same structure with :func:`reweight`. Every result is expressed in
*original edge indices*, i.e. positions in the arrays given to :func:`from_arrays`, so
parallel edges between the same pair of nodes stay distinct and map back to their link.
For many point-to-point queries on one graph without coordinates, :func:`landmarks` is
an explicit preprocessing step that makes :func:`shortest_path` much faster (ALT).

Sentinels, used everywhere in this module:

- unreachable: distance ``inf``;
- no predecessor (the source itself, or an unreached node): edge index ``-1``;
- a closed edge: weight ``inf`` (it is never used).

Weights must be non-negative and not NaN; zero is allowed. The work is done by numba
kernels in :mod:`connectivity._kernels`; this module validates and casts the inputs
once, allocates the outputs and maps CSR slots back to original edges.

Example
-------
>>> import numpy as np
>>> from connectivity import paths
>>> g = paths.from_arrays([0, 0, 1], [1, 1, 2], [5.0, 2.0, 1.0], 3)
>>> paths.distances(g, [0]).tolist()
[[0.0, 2.0, 3.0]]
>>> paths.shortest_path(g, 0, 2).tolist()
[1, 2]
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import _kernels, _p2p_kernels, _pathutil
from connectivity.errors import NoRouteError

__all__ = [
    "CSRGraph",
    "Landmarks",
    "from_arrays",
    "reweight",
    "landmarks",
    "distances",
    "shortest_path",
    "shortest_path_tree",
    "all_or_nothing",
]

_MAX_NODES = int(np.iinfo(np.int32).max)


@dataclass(frozen=True, eq=False)
class CSRGraph:
    """A directed multigraph in compressed sparse row form, read-only.

    Built by :func:`from_arrays`. Out-edges of node ``u`` occupy the CSR slots
    ``indptr[u]:indptr[u + 1]``; in-edges of node ``v`` are the slots
    ``rev_slots[rev_indptr[v]:rev_indptr[v + 1]]``, with their tails and weights copied
    out in the same order (``rev_heads``, ``rev_weights``) for backward searches.
    Graphs made by :func:`reweight` share every array except ``weights`` and
    ``rev_weights``.

    :func:`shortest_path` keeps its work buffers (about 70 bytes per node) with the
    graph after the first query, so that later queries skip allocating and filling
    node-sized arrays; they are not counted in :attr:`nbytes`.

    Attributes
    ----------
    n_nodes
        Number of nodes; nodes are ``0 .. n_nodes - 1``.
    indptr
        CSR offsets, length ``n_nodes + 1``.
    heads
        Head node of each CSR slot.
    weights
        Weight of each CSR slot; ``inf`` marks a closed edge.
    edge_index
        Original edge index (position in the input arrays) of each CSR slot.
    tails
        Tail node of each CSR slot.
    rev_indptr
        Offsets of the in-edge lists, length ``n_nodes + 1``.
    rev_slots
        CSR slots grouped by head node.
    rev_heads
        Tail node of each in-edge (the head of the reversed edge), ``tails[rev_slots]``.
    rev_weights
        Weight of each in-edge, ``weights[rev_slots]``.
    """

    n_nodes: int
    indptr: NDArray[np.int64]
    heads: NDArray[np.int32]
    weights: NDArray[np.float64]
    edge_index: NDArray[np.int64]
    tails: NDArray[np.int32]
    rev_indptr: NDArray[np.int64]
    rev_slots: NDArray[np.int64]
    rev_heads: NDArray[np.int32]
    rev_weights: NDArray[np.float64]
    # a pool rather than one set, so that threads querying one graph never share buffers
    _buffers: list[_pathutil.SearchBuffers] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        # work buffers are scratch: a pickled graph (e.g. sent to a worker) leaves them
        state = dict(self.__dict__)
        state["_buffers"] = []
        return state

    def __repr__(self) -> str:
        return f"CSRGraph(n_nodes={self.n_nodes}, n_edges={self.n_edges})"

    @property
    def n_edges(self) -> int:
        """Number of edges (parallel edges counted separately)."""
        return int(self.heads.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held by the graph's arrays."""
        arrays = (self.indptr, self.heads, self.weights, self.edge_index, self.tails,
                  self.rev_indptr, self.rev_slots, self.rev_heads, self.rev_weights)
        return sum(int(a.nbytes) for a in arrays)


@dataclass(frozen=True, eq=False)
class Landmarks:
    """Distances to and from a few landmark nodes, for :func:`shortest_path` (ALT).

    Built by :func:`landmarks` for one graph *and its weights*: a graph from
    :func:`reweight` needs its own.

    Attributes
    ----------
    nodes
        The landmark node indices, length ``k``.
    from_landmark
        ``n_nodes x k``: distance from landmark ``j`` to node ``v`` at ``[v, j]``
        (``inf`` where unreachable).
    to_landmark
        ``n_nodes x k``: distance from node ``v`` to landmark ``j`` at ``[v, j]``.
    weights
        The graph's CSR weight array these distances were computed on (shared, not a
        copy); :func:`shortest_path` accepts the landmarks only for a graph holding
        this very array.
    """

    nodes: NDArray[np.int64]
    from_landmark: NDArray[np.float64]
    to_landmark: NDArray[np.float64]
    weights: NDArray[np.float64]

    def __repr__(self) -> str:
        return f"Landmarks(k={self.k}, n_nodes={self.from_landmark.shape[0]})"

    @property
    def k(self) -> int:
        """Number of landmarks."""
        return int(self.nodes.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held by the landmark arrays (the shared weights not counted)."""
        return int(self.nodes.nbytes + self.from_landmark.nbytes + self.to_landmark.nbytes)


# ---------------------------------------------------------------------------- build


def from_arrays(
    tail: ArrayLike, head: ArrayLike, weight: ArrayLike, n_nodes: int
) -> CSRGraph:
    """Compile an edge list into a :class:`CSRGraph`.

    Parallel edges are kept as separate edges, never summed or dropped.

    Parameters
    ----------
    tail, head
        Node index (``0 .. n_nodes - 1``) where each edge starts and ends.
    weight
        Non-negative cost of each edge; ``0`` is allowed, ``inf`` closes the edge.
    n_nodes
        Number of nodes (nodes without edges are allowed).

    Returns
    -------
    CSRGraph
        Read-only arrays; edge ``e`` of the input is reported as index ``e`` by every
        function of this module.

    Raises
    ------
    ValueError
        Mismatched lengths, a node index out of range, a negative or NaN weight, or a
        negative ``n_nodes``; the message names the first offending position.

    Examples
    --------
    >>> g = from_arrays([0, 1, 0], [1, 2, 1], [1.0, 2.0, 0.5], 3)
    >>> g.n_nodes, g.n_edges
    (3, 3)
    """
    n = _pathutil.count("n_nodes", n_nodes)
    if n < 0:
        raise ValueError(f"n_nodes must be >= 0, got {n}")
    if n > _MAX_NODES:
        raise ValueError(f"n_nodes = {n} exceeds the supported maximum {_MAX_NODES}")
    t = np.asarray(tail)
    h = np.asarray(head)
    if t.ndim != 1 or h.ndim != 1:
        raise ValueError(f"tail and head must be one-dimensional, got shapes {t.shape}, {h.shape}")
    if t.shape[0] != h.shape[0]:
        raise ValueError(f"tail has {t.shape[0]} values but head has {h.shape[0]}")
    t64 = _pathutil.index_array("tail", t, n)
    h64 = _pathutil.index_array("head", h, n)
    w = _pathutil.weight_array("weight", weight, t64.shape[0])
    t32 = t64.astype(np.int32)
    h32 = h64.astype(np.int32)
    indptr, edge_index = _kernels.counting_sort(t32, n)
    heads = h32[edge_index]
    rev_indptr, rev_slots = _kernels.counting_sort(heads, n)
    tails = t32[edge_index]
    weights = w[edge_index]
    return CSRGraph(
        n_nodes=n,
        indptr=_pathutil.readonly(indptr),
        heads=_pathutil.readonly(heads),
        weights=_pathutil.readonly(weights),
        edge_index=_pathutil.readonly(edge_index),
        tails=_pathutil.readonly(tails),
        rev_indptr=_pathutil.readonly(rev_indptr),
        rev_slots=_pathutil.readonly(rev_slots),
        rev_heads=_pathutil.readonly(tails[rev_slots]),
        rev_weights=_pathutil.readonly(weights[rev_slots]),
    )


def reweight(graph: CSRGraph, weight: ArrayLike) -> CSRGraph:
    """The same graph structure with new edge weights.

    This is how a scenario (closures as ``inf``, scaled costs, another commodity's cost
    vector) becomes a graph: only the weight array is new, the structure is shared.

    Parameters
    ----------
    graph
        A graph from :func:`from_arrays`.
    weight
        One weight per edge in the *original* edge order (as given to
        :func:`from_arrays`), validated like there.

    Returns
    -------
    CSRGraph

    Raises
    ------
    ValueError
        Wrong length, a negative or NaN weight.

    Examples
    --------
    >>> g = from_arrays([0, 0], [1, 1], [1.0, 2.0], 2)
    >>> shortest_path(reweight(g, [np.inf, 2.0]), 0, 1).tolist()
    [1]
    """
    w = _pathutil.weight_array("weight", weight, graph.n_edges)
    weights = w[graph.edge_index]
    return dataclasses.replace(
        graph,
        weights=_pathutil.readonly(weights),
        rev_weights=_pathutil.readonly(weights[graph.rev_slots]),
    )


def landmarks(graph: CSRGraph, *, k: int = 8, seed: int = 0) -> Landmarks:
    """Pick ``k`` landmarks and store every node's distance to and from each (for ALT).

    An explicit preprocessing step for repeated :func:`shortest_path` queries on one
    graph without coordinates: ``shortest_path(graph, s, t, landmarks=lm)`` is then an
    A* search guided by the triangle inequality through the landmarks. Landmarks are
    chosen by farthest-point selection on the round-trip distance ``d(L, v) + d(v, L)``
    (a direction without a path counts 0; a node with no path either way is never
    picked): the first is the node farthest from a random start node, each next one
    the node farthest from all landmarks chosen so far. The cost is ``2 (k + 1)`` one-to-all
    searches (forward and backward run side by side when numba has two threads or
    more) and ``16 k`` bytes per node.

    Parameters
    ----------
    graph
        The graph; the landmarks are valid for it and its weights only.
    k
        Number of landmarks, >= 1. Fewer are returned when every node with a path to or
        from the landmarks chosen so far is a landmark already.
    seed
        Seed of the random start node, for reproducible landmarks.

    Returns
    -------
    Landmarks

    Raises
    ------
    ValueError
        ``k`` is not an integer >= 1, or ``seed`` is not an integer.

    Examples
    --------
    >>> g = from_arrays([0, 1, 2, 1], [1, 2, 0, 0], [1.0, 1.0, 1.0, 3.0], 3)
    >>> lm = landmarks(g, k=2, seed=1)
    >>> lm.k, lm.from_landmark.shape
    (2, (3, 2))
    >>> shortest_path(g, 1, 0, landmarks=lm).tolist()
    [1, 2]
    """
    n_lm = _pathutil.count("k", k)
    if n_lm < 1:
        raise ValueError(f"k must be >= 1, got {n_lm}")
    rng = np.random.default_rng(_pathutil.count("seed", seed))
    n = graph.n_nodes
    if n == 0:
        return Landmarks(
            nodes=_pathutil.readonly(np.zeros(0, dtype=np.int64)),
            from_landmark=_pathutil.readonly(np.zeros((0, 0), dtype=np.float64)),
            to_landmark=_pathutil.readonly(np.zeros((0, 0), dtype=np.float64)),
            weights=graph.weights,
        )

    def forward(v: int) -> NDArray[np.float64]:
        return _kernels.one_to_all(graph.indptr, graph.heads, graph.weights, v)[0]

    def backward(v: int) -> NDArray[np.float64]:
        return _kernels.one_to_all(graph.rev_indptr, graph.rev_heads, graph.rev_weights, v)[0]

    pool = ThreadPoolExecutor(max_workers=2) if numba.get_num_threads() > 1 else None

    def both(v: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if pool is None:
            return forward(v), backward(v)
        back = pool.submit(backward, v)  # the kernels release the GIL
        return forward(v), back.result()

    def spread(f: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        fin_f, fin_b = np.isfinite(f), np.isfinite(b)
        # -1 for no path either way: those would otherwise pick isolated nodes first
        return np.where(fin_f | fin_b, np.where(fin_f, f, 0.0) + np.where(fin_b, b, 0.0),
                        -1.0)

    from_lm = np.empty((n, n_lm), dtype=np.float64)
    to_lm = np.empty((n, n_lm), dtype=np.float64)
    nodes: list[int] = []
    try:
        f, b = both(int(rng.integers(n)))
        score = spread(f, b)
        for j in range(n_lm):
            v = int(np.argmax(score))
            if j > 0 and not score[v] > 0:
                break  # every node related to the landmarks is one already
            f, b = both(v)
            from_lm[:, j] = f
            to_lm[:, j] = b
            nodes.append(v)
            score = spread(f, b) if j == 0 else np.minimum(score, spread(f, b))
    finally:
        if pool is not None:
            pool.shutdown()
    used = len(nodes)
    return Landmarks(
        nodes=_pathutil.readonly(np.array(nodes, dtype=np.int64)),
        from_landmark=_pathutil.readonly(np.ascontiguousarray(from_lm[:, :used])),
        to_landmark=_pathutil.readonly(np.ascontiguousarray(to_lm[:, :used])),
        weights=graph.weights,
    )


# ---------------------------------------------------------------------------- search


def distances(
    graph: CSRGraph, sources: ArrayLike, targets: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Shortest-path distances from each source, computed in parallel over sources.

    Parameters
    ----------
    graph
        The graph.
    sources
        Source node indices.
    targets
        Target node indices; ``None`` means every node. Each search stops as soon as
        all targets are settled.

    Returns
    -------
    numpy.ndarray
        ``len(sources) x n_nodes`` (or ``x len(targets)``); ``inf`` where unreachable.

    Raises
    ------
    ValueError
        A source or target is not a node index.

    Examples
    --------
    >>> g = from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    >>> distances(g, [0, 2], targets=[2]).tolist()
    [[3.0], [0.0]]
    """
    n = graph.n_nodes
    src = _pathutil.index_array("sources", sources, n)
    if targets is None:
        out = np.full((src.shape[0], n), np.inf)
        if src.size and n:
            args = (graph.indptr, graph.heads, graph.weights, src, out)
            chunks = _pathutil.n_chunks(src.shape[0])
            if chunks == 1:  # waking a thread pool costs more than one search on a busy box
                _kernels.many_to_all_chunk(*args, 0, 1)
            else:
                _pathutil.dynamic(_kernels.many_to_all, *args, chunks)
        return out
    tgt = _pathutil.index_array("targets", targets, n)
    out = np.full((src.shape[0], tgt.shape[0]), np.inf)
    if src.size and tgt.size:
        is_target = np.zeros(n, dtype=np.int8)
        is_target[tgt] = 1
        args2 = (graph.indptr, graph.heads, graph.weights, src, tgt, is_target,
                 int(np.count_nonzero(is_target)), out)
        chunks = _pathutil.n_chunks(src.shape[0])
        if chunks == 1:
            _kernels.many_to_many_chunk(*args2, 0, 1)
        else:
            _pathutil.dynamic(_kernels.many_to_many, *args2, chunks)
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
    >>> g = from_arrays([0, 0, 1], [1, 1, 2], [5.0, 2.0, 1.0], 4)
    >>> dist, pred = shortest_path_tree(g, 0)
    >>> pred.tolist()
    [-1, 1, 2, -1]
    """
    s = _pathutil.node("source", source, graph.n_nodes)
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
        weights, or come with ``xy``.

    Examples
    --------
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> shortest_path(g, 0, 2).tolist()
    [0, 1]
    >>> shortest_path(g, 0, 2, xy=[[0, 0], [1, 0], [2, 0]]).tolist()
    [0, 1]
    >>> shortest_path(g, 0, 2, landmarks=landmarks(g, k=1)).tolist()
    [0, 1]
    """
    n = graph.n_nodes
    s = _pathutil.node("source", source, n)
    t = _pathutil.node("target", target, n)
    if landmarks is not None:
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
        shape = (n, landmarks.k)
        for name in ("from_landmark", "to_landmark"):
            got = getattr(landmarks, name).shape
            if got != shape:
                raise ValueError(f"landmarks.{name} has shape {got}, expected {shape}")
    if xy is not None:
        coords = np.ascontiguousarray(xy, dtype=np.float64)
        if coords.shape != (n, 2):
            raise ValueError(f"xy has shape {coords.shape}, expected {(n, 2)} (n_nodes x 2)")
        if not np.all(np.isfinite(coords)):
            i = int(np.flatnonzero(~np.isfinite(coords).all(axis=1))[0])
            raise ValueError(f"xy[{i}] = {coords[i].tolist()} is not finite")
        scale = float(cost_per_unit)
        if not (scale >= 0 and np.isfinite(scale)):
            raise ValueError(f"cost_per_unit must be finite and >= 0, got {cost_per_unit!r}")
    if s == t:
        return np.zeros(0, dtype=np.int64)
    # np.zeros is calloc'ed: pages are only touched where the search goes
    if xy is not None:
        cost, slots, bad = _p2p_kernels.astar(
            graph.indptr, graph.heads, graph.tails, graph.weights, coords, scale, s, t,
            np.zeros(n, dtype=np.int32),
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
    elif landmarks is not None:
        with _pathutil.borrow_buffers(graph) as b:
            cost, slots = _p2p_kernels.alt(
                graph.indptr, graph.heads, graph.tails, graph.weights,
                landmarks.from_landmark, landmarks.to_landmark, s, t, b.pos_f, b.dist_f,
                b.heap_keys_b, b.pred_f, b.heap_nodes_f, b.heap_keys_f, b.touched,
            )
    else:
        with _pathutil.borrow_buffers(graph) as b:
            cost, slots = _p2p_kernels.bidirectional(
                graph.indptr, graph.heads, graph.tails, graph.weights, graph.rev_indptr,
                graph.rev_heads, graph.rev_weights, graph.rev_slots, s, t, b.pos_f, b.pos_b,
                b.dist_f, b.dist_b, b.pred_f, b.pred_b, b.heap_nodes_f, b.heap_keys_f,
                b.heap_nodes_b, b.heap_keys_b, b.touched,
            )
    if cost == np.inf:
        raise NoRouteError(f"no path from node {s} to node {t}")
    return graph.edge_index[slots]


# ---------------------------------------------------------------------------- loading


def all_or_nothing(
    graph: CSRGraph,
    origins: ArrayLike,
    destinations: ArrayLike,
    demand: ArrayLike,
) -> NDArray[np.float64]:
    """Load each origin-destination demand entirely on one shortest path.

    The loading happens inside the kernel on each origin's shortest-path tree (no
    path is walked in Python); origins run in parallel.

    Parameters
    ----------
    graph
        The graph.
    origins, destinations
        Node indices.
    demand
        ``len(origins) x len(destinations)`` matrix of non-negative demand.

    Returns
    -------
    numpy.ndarray
        Flow per original edge (length ``n_edges``).

    Raises
    ------
    NoRouteError
        Positive demand between an unconnected pair; the message names the pair.
    ValueError
        A bad node index, or a demand matrix of the wrong shape, negative or NaN.

    Examples
    --------
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> all_or_nothing(g, [0], [1, 2], [[10.0, 3.0]]).tolist()
    [13.0, 3.0, 0.0]
    """
    n = graph.n_nodes
    o = _pathutil.index_array("origins", origins, n)
    d = _pathutil.index_array("destinations", destinations, n)
    q = np.asarray(demand, dtype=np.float64)
    if q.shape != (o.shape[0], d.shape[0]):
        raise ValueError(
            f"demand has shape {q.shape}, expected {(o.shape[0], d.shape[0])} "
            "(len(origins) x len(destinations))"
        )
    if q.size:
        bad = np.argwhere(~(q >= 0) | np.isinf(q))
        if bad.size:
            i, j = (int(x) for x in bad[0])
            raise ValueError(
                f"demand[{i}, {j}] = {float(q[i, j])!r}; demand must be finite and >= 0"
            )
    if o.size == 0 or d.size == 0:
        return np.zeros(graph.n_edges, dtype=np.float64)
    q = np.ascontiguousarray(q)
    args = (graph.indptr, graph.heads, graph.tails, graph.weights, graph.edge_index, o, d, q)
    chunks = _pathutil.n_chunks(o.shape[0])
    unreachable = np.full(o.shape[0], -1, dtype=np.int64)
    if chunks == 1:
        flow = np.zeros(graph.n_edges, dtype=np.float64)
        _kernels.all_or_nothing_chunk(*args, flow, unreachable, 0, 1)
    else:
        flows = np.zeros((chunks, graph.n_edges), dtype=np.float64)
        _pathutil.dynamic(_kernels.all_or_nothing, *args, flows, unreachable, chunks)
        flow = flows.sum(axis=0)  # row by row: the same sum every run for given chunks
    bad_o = np.flatnonzero(unreachable >= 0)
    if bad_o.size:
        i = int(bad_o[0])
        j = int(unreachable[i])
        raise NoRouteError(
            f"demand {float(q[i, j])!r} from origin node {int(o[i])} (origins[{i}]) "
            f"to destination node {int(d[j])} (destinations[{j}]) has no path "
            f"({bad_o.size} origin(s) with unreachable demand)"
        )
    return flow
