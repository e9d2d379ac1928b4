"""Shortest paths on compiled CSR graphs: the fast core.

Functions that take a :class:`CSRGraph` and return arrays. The graph is built once by
:func:`from_arrays`; a scenario (closures, scaled costs, another commodity) becomes a new
cost vector on the same structure with :func:`reweight`. Every result is expressed in
*original edge indices*, i.e. positions in the arrays given to :func:`from_arrays`, so
parallel edges between the same pair of nodes stay distinct and map back to their link.

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
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import _kernels
from connectivity.errors import NoRouteError

__all__ = [
    "CSRGraph",
    "from_arrays",
    "reweight",
    "distances",
    "shortest_path",
    "shortest_path_tree",
    "all_or_nothing",
]

_MAX_NODES = int(np.iinfo(np.int32).max)
_T = TypeVar("_T")


@dataclass(frozen=True, eq=False)
class CSRGraph:
    """A directed multigraph in compressed sparse row form, read-only.

    Built by :func:`from_arrays`. Out-edges of node ``u`` occupy the CSR slots
    ``indptr[u]:indptr[u + 1]``; in-edges of node ``v`` are the slots
    ``rev_slots[rev_indptr[v]:rev_indptr[v + 1]]`` (used by backward searches).
    Graphs made by :func:`reweight` share every array except ``weights``.

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
    """

    n_nodes: int
    indptr: NDArray[np.int64]
    heads: NDArray[np.int32]
    weights: NDArray[np.float64]
    edge_index: NDArray[np.int64]
    tails: NDArray[np.int32]
    rev_indptr: NDArray[np.int64]
    rev_slots: NDArray[np.int64]

    @property
    def n_edges(self) -> int:
        """Number of edges (parallel edges counted separately)."""
        return int(self.heads.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held by the graph's arrays."""
        arrays = (self.indptr, self.heads, self.weights, self.edge_index, self.tails,
                  self.rev_indptr, self.rev_slots)
        return sum(int(a.nbytes) for a in arrays)


# ---------------------------------------------------------------------------- checks


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.setflags(write=False)
    return a


def _count(name: str, value: object) -> int:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def _index_array(name: str, values: ArrayLike, n_nodes: int) -> NDArray[np.int64]:
    """``values`` as a 1-D int64 array of node indices in ``[0, n_nodes)``."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer node indices, got dtype {arr.dtype}")
    out = arr.astype(np.int64, copy=False)
    bad = np.flatnonzero((out < 0) | (out >= n_nodes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{name}[{i}] = {int(out[i])} is not a node index in [0, {n_nodes}) "
            f"({bad.size} such value(s))"
        )
    return out


def _node(name: str, value: object, n_nodes: int) -> int:
    v = _count(name, value)
    if not 0 <= v < n_nodes:
        raise ValueError(f"{name} = {v} is not a node index in [0, {n_nodes})")
    return v


def _weight_array(name: str, values: ArrayLike, n_edges: int) -> NDArray[np.float64]:
    """``values`` as a fresh 1-D float64 array of ``n_edges`` weights >= 0 (inf allowed)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n_edges:
        raise ValueError(f"{name} has {arr.shape[0]} values, expected {n_edges} (one per edge)")
    if arr.size and (arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number)
                     or np.issubdtype(arr.dtype, np.complexfloating)):
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    w = arr.astype(np.float64)
    nan = np.flatnonzero(np.isnan(w))
    if nan.size:
        raise ValueError(f"{name}[{int(nan[0])}] is NaN; weights must be >= 0 or inf")
    neg = np.flatnonzero(w < 0)
    if neg.size:
        i = int(neg[0])
        raise ValueError(
            f"{name}[{i}] = {float(w[i])!r} is negative; weights must be >= 0 or inf"
        )
    return w


def _n_chunks(n_tasks: int) -> int:
    """Work chunks for ``n_tasks`` searches: 1 when serial, else ~4 per thread."""
    threads = int(numba.get_num_threads())
    if threads == 1 or n_tasks == 1:
        return 1
    return max(1, min(4 * threads, n_tasks))


def _dynamic(kernel: Callable[..., _T], *args: Any) -> _T:
    """Run a parallel kernel with chunks handed out one at a time to free threads.

    numba's chunk size is per calling thread; it is restored afterwards.
    """
    old = numba.set_parallel_chunksize(1)
    try:
        return kernel(*args)
    finally:
        numba.set_parallel_chunksize(old)


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
    n = _count("n_nodes", n_nodes)
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
    t64 = _index_array("tail", t, n)
    h64 = _index_array("head", h, n)
    w = _weight_array("weight", weight, t64.shape[0])
    t32 = t64.astype(np.int32)
    h32 = h64.astype(np.int32)
    indptr, edge_index = _kernels.counting_sort(t32, n)
    heads = h32[edge_index]
    rev_indptr, rev_slots = _kernels.counting_sort(heads, n)
    return CSRGraph(
        n_nodes=n,
        indptr=_readonly(indptr),
        heads=_readonly(heads),
        weights=_readonly(w[edge_index]),
        edge_index=_readonly(edge_index),
        tails=_readonly(t32[edge_index]),
        rev_indptr=_readonly(rev_indptr),
        rev_slots=_readonly(rev_slots),
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
    w = _weight_array("weight", weight, graph.n_edges)
    return dataclasses.replace(graph, weights=_readonly(w[graph.edge_index]))


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
    src = _index_array("sources", sources, n)
    if targets is None:
        out = np.full((src.shape[0], n), np.inf)
        if src.size and n:
            args = (graph.indptr, graph.heads, graph.weights, src, out)
            chunks = _n_chunks(src.shape[0])
            if chunks == 1:  # waking a thread pool costs more than one search on a busy box
                _kernels.many_to_all_chunk(*args, 0, 1)
            else:
                _dynamic(_kernels.many_to_all, *args, chunks)
        return out
    tgt = _index_array("targets", targets, n)
    out = np.full((src.shape[0], tgt.shape[0]), np.inf)
    if src.size and tgt.size:
        is_target = np.zeros(n, dtype=np.int8)
        is_target[tgt] = 1
        args2 = (graph.indptr, graph.heads, graph.weights, src, tgt, is_target,
                 int(np.count_nonzero(is_target)), out)
        chunks = _n_chunks(src.shape[0])
        if chunks == 1:
            _kernels.many_to_many_chunk(*args2, 0, 1)
        else:
            _dynamic(_kernels.many_to_many, *args2, chunks)
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
    s = _node("source", source, graph.n_nodes)
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
) -> NDArray[np.int64]:
    """Original edge indices of one shortest path from ``source`` to ``target``, in order.

    Without coordinates this is a bidirectional Dijkstra (forward from the source,
    backward from the target). With node coordinates ``xy`` it is A* guided by the
    straight-line lower bound ``cost_per_unit * |xy[v] - xy[target]|``, which settles
    far fewer nodes on road-like graphs (see ``benchmarks/results/paths.md``).

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
        straight-line bound.

    Examples
    --------
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> shortest_path(g, 0, 2).tolist()
    [0, 1]
    >>> shortest_path(g, 0, 2, xy=[[0, 0], [1, 0], [2, 0]]).tolist()
    [0, 1]
    """
    n = graph.n_nodes
    s = _node("source", source, n)
    t = _node("target", target, n)
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
        cost, slots, bad = _kernels.astar(
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
    else:
        cost, slots = _kernels.bidirectional(
            graph.indptr, graph.heads, graph.tails, graph.weights, graph.rev_indptr,
            graph.rev_slots, s, t, np.zeros(n, dtype=np.int32), np.zeros(n, dtype=np.int32),
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
    o = _index_array("origins", origins, n)
    d = _index_array("destinations", destinations, n)
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
    chunks = _n_chunks(o.shape[0])
    if chunks == 1:
        flow = np.zeros(graph.n_edges, dtype=np.float64)
        unreachable = np.full(o.shape[0], -1, dtype=np.int64)
        _kernels.all_or_nothing_chunk(*args, flow, unreachable, 0, 1)
    else:
        flow, unreachable = _dynamic(_kernels.all_or_nothing, *args, chunks)
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
