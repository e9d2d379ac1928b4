"""All-or-nothing loading of demand on shortest-path trees, inside the kernel."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity._jit import SMALL_WORK
from connectivity.errors import NoRouteError
from connectivity.paths import _cch_queries, _kernels, contraction
from connectivity.paths._small import all_or_nothing_small
from connectivity.paths._work import dynamic, n_chunks, serial
from connectivity.paths.contraction import Hierarchy
from connectivity.paths.csr import CSRGraph

__all__ = ["all_or_nothing", "numpy_pays"]

#: Where a one-off job's loads take ``method="numpy"`` (see :func:`numpy_pays`).
SMALL_NODES = 64


def all_or_nothing(
    graph: CSRGraph,
    origins: ArrayLike,
    destinations: ArrayLike,
    demand: ArrayLike,
    *,
    hierarchy: Hierarchy | None = None,
    method: str = "auto",
) -> NDArray[np.float64]:
    """Load each origin-destination demand entirely on one shortest path.

    The loading happens inside the kernel on each origin's shortest-path tree (no
    path is walked in Python); origins run in parallel, or on the calling thread when
    there is too little work to share (the same flow either way). With a contraction hierarchy
    (see :func:`~connectivity.paths.hierarchy`) each origin's paths come from an upward
    search and one downward sweep over the destinations' ancestors, the demand is added
    up on the hierarchy's arcs and pushed down to the input edges once at the end.
    Where several paths tie, the methods may load different ones (of equal cost).

    Parameters
    ----------
    graph
        The graph.
    origins, destinations
        Node indices.
    demand
        ``len(origins) x len(destinations)`` matrix of non-negative demand.
    hierarchy
        A :class:`~connectivity.paths.Hierarchy` customized for this graph's weights.
    method
        ``"dijkstra"``, ``"hierarchy"`` or ``"auto"`` (default), as in
        :func:`~connectivity.paths.distances`: the hierarchy when one is given, or
        where the cost model predicts it faster (at least 32 origins and 100,000
        edge visits, and a customization cheaper than what the origins' loads save).
        An equilibrium's reweighted graphs share the hierarchy's order and contraction:
        each load only customizes. ``"numpy"``: a Bellman-Ford in numpy over all
        origins at once, which needs no compiled kernel, so a job that never calls one
        never loads numba (about 0.6 s of CPU per process); per call it is 10 to 30
        times slower than the kernel, and its rounds are the paths' hop depth: for
        one-off jobs on tiny graphs (:func:`numpy_pays`).

    Returns
    -------
    numpy.ndarray
        Flow per original edge (length ``n_edges``).

    Raises
    ------
    NoRouteError
        Positive demand between an unconnected pair; the message names the pair.
    ValueError
        A bad node index, or a demand matrix of the wrong shape, negative or NaN;
        ``hierarchy`` customized for other weights; an unknown ``method``.

    Examples
    --------
    >>> from connectivity.paths import from_arrays
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> all_or_nothing(g, [0], [1, 2], [[10.0, 3.0]]).tolist()
    [13.0, 3.0, 0.0]
    """
    n = graph.n_nodes
    o = checks.node_array("origins", origins, n)
    d = checks.node_array("destinations", destinations, n)
    q = _demand(demand, o.shape[0], d.shape[0])
    if method not in (*contraction.METHODS, "numpy"):
        raise ValueError(f"method must be one of {', '.join(map(repr, contraction.METHODS))} "
                         f"or 'numpy', got {method!r}")
    if method == "numpy":
        if hierarchy is not None:
            raise ValueError("method='numpy' with a hierarchy: give one or the other")
        if o.size == 0 or d.size == 0:
            return np.zeros(graph.n_edges, dtype=np.float64)
        flow, unreachable = all_or_nothing_small(
            graph.heads, graph.tails, graph.weights, graph.edge_index, graph.n_nodes, o, d, q)
        _raise_unreachable(unreachable, q, o, d)
        return flow
    if o.size == 0 or d.size == 0:
        contraction.choose(graph, 0, method, hierarchy)  # still refuse a bad hierarchy
        return np.zeros(graph.n_edges, dtype=np.float64)
    q = np.ascontiguousarray(q)
    chunks = n_chunks(o.shape[0])
    h = contraction.choose(graph, o.shape[0], method, hierarchy, kind="loads")
    if h is not None:
        flow, unreachable = _cch_queries.all_or_nothing(h, o, d, q, chunks)
        _raise_unreachable(unreachable, q, o, d)
        return flow
    args = (graph.indptr, graph.heads, graph.tails, graph.weights, graph.edge_index, o, d, q)
    unreachable = np.full(o.shape[0], -1, dtype=np.int64)
    if chunks == 1:
        flow = np.zeros(graph.n_edges, dtype=np.float64)
        _kernels.all_or_nothing_chunk(*args, flow, unreachable, 0, 1)
    else:
        flows = np.zeros((chunks, graph.n_edges), dtype=np.float64)
        if serial(o.shape[0], graph.n_edges):
            # the same chunks, one after another: the same flow to the last bit as the
            # threads would give, without waking them for microseconds of work
            for c in range(chunks):
                _kernels.all_or_nothing_chunk(*args, flows[c], unreachable, c, chunks)
        else:
            dynamic(_kernels.all_or_nothing, *args, flows, unreachable, chunks)
        flow = flows.sum(axis=0)  # row by row: the same sum every run for given chunks
    _raise_unreachable(unreachable, q, o, d)
    return flow


def numpy_pays(n_nodes: int, n_edges: int, n_origins: int) -> bool:
    """Whether a one-off job's all-or-nothing loads are better done by
    ``method="numpy"``: at most 64 nodes and 8,192 origins x edges.

    Below that, a process that solves one such problem (the command line's TNTP
    equilibrium of Sioux Falls, say) finishes before numba would have loaded; a process
    that solves many should keep the kernels (the default), which answer each load 10
    to 30 times faster once loaded.

    Examples
    --------
    >>> numpy_pays(24, 76, 24), numpy_pays(416, 914, 38)
    (True, False)
    """
    return n_nodes <= SMALL_NODES and n_origins * n_edges <= SMALL_WORK


def _demand(demand: ArrayLike, n_o: int, n_d: int) -> NDArray[np.float64]:
    """``demand`` as an ``n_o x n_d`` float matrix, or a ValueError naming what is wrong."""
    q = np.asarray(demand, dtype=np.float64)
    if q.shape != (n_o, n_d):
        raise ValueError(
            f"demand has shape {q.shape}, expected {(n_o, n_d)} "
            "(len(origins) x len(destinations))"
        )
    if q.size:
        bad = np.argwhere(~(q >= 0) | np.isinf(q))
        if bad.size:
            i, j = (int(x) for x in bad[0])
            raise ValueError(
                f"demand[{i}, {j}] = {float(q[i, j])!r}; demand must be finite and >= 0"
            )
    return q


def _raise_unreachable(unreachable: NDArray[np.int64], q: NDArray[np.float64],
                       o: NDArray[np.int64], d: NDArray[np.int64]) -> None:
    bad_o = np.flatnonzero(unreachable >= 0)
    if bad_o.size:
        i = int(bad_o[0])
        j = int(unreachable[i])
        raise NoRouteError(
            f"demand {float(q[i, j])!r} from origin node {int(o[i])} (origins[{i}]) "
            f"to destination node {int(d[j])} (destinations[{j}]) has no path "
            f"({bad_o.size} origin(s) with unreachable demand)"
        )
