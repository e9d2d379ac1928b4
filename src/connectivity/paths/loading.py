"""All-or-nothing loading of demand on shortest-path trees, inside the kernel."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity.errors import NoRouteError
from connectivity.paths import _kernels
from connectivity.paths._work import dynamic, n_chunks
from connectivity.paths.csr import CSRGraph

__all__ = ["all_or_nothing"]


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
    >>> from connectivity.paths import from_arrays
    >>> g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> all_or_nothing(g, [0], [1, 2], [[10.0, 3.0]]).tolist()
    [13.0, 3.0, 0.0]
    """
    n = graph.n_nodes
    o = checks.node_array("origins", origins, n)
    d = checks.node_array("destinations", destinations, n)
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
    chunks = n_chunks(o.shape[0])
    unreachable = np.full(o.shape[0], -1, dtype=np.int64)
    if chunks == 1:
        flow = np.zeros(graph.n_edges, dtype=np.float64)
        _kernels.all_or_nothing_chunk(*args, flow, unreachable, 0, 1)
    else:
        flows = np.zeros((chunks, graph.n_edges), dtype=np.float64)
        dynamic(_kernels.all_or_nothing, *args, flows, unreachable, chunks)
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
