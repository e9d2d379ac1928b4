"""The compiled graph: a directed multigraph as read-only CSR arrays.

:func:`from_arrays` builds it once from an edge list; :func:`reweight` gives the same
structure with another weight vector (a scenario, another commodity), sharing every
other array. Edge ``e`` of the input keeps index ``e`` in every result of
:mod:`connectivity.paths`, so parallel edges stay distinct.
"""

from __future__ import annotations

import dataclasses
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity import checks
from connectivity._jit import SMALL_WORK
from connectivity.checks import readonly, restore_readonly
from connectivity.paths import _kernels
from connectivity.paths._work import SearchBuffers, borrow_buffers

__all__ = ["CSRGraph", "from_arrays", "reweight", "work_buffers"]

_MAX_NODES = int(np.iinfo(np.int32).max)


@dataclass(frozen=True, eq=False)
class CSRGraph:
    """A directed multigraph in compressed sparse row form, read-only.

    Built by :func:`from_arrays`. Out-edges of node ``u`` occupy the CSR slots
    ``indptr[u]:indptr[u + 1]``; in-edges of node ``v`` are the slots
    ``rev_slots[rev_indptr[v]:rev_indptr[v + 1]]``, with their tails and weights copied
    out in the same order (``rev_heads``, ``rev_weights``) for backward searches.
    Graphs made by :func:`reweight` share every array except ``weights`` and
    ``rev_weights``, and what is computed from the structure alone (a contraction
    hierarchy's order and contraction, see :func:`~connectivity.paths.hierarchy`).

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
    _buffers: list[SearchBuffers] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    # what depends on the structure only (the contraction hierarchy's order and
    # contraction): an init field, so that reweight() shares it with every reweighted copy
    _structure_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        # work buffers and caches are scratch: a pickled graph (e.g. sent to a worker)
        # leaves them
        state = dict(self.__dict__)
        state["_buffers"] = []
        state["_structure_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        restore_readonly(self, state)

    def __repr__(self) -> str:
        return f"CSRGraph(n_nodes={self.n_nodes}, n_edges={self.n_edges})"

    @property
    def n_edges(self) -> int:
        """Number of edges (parallel edges counted separately)."""
        return int(self.heads.shape[0])

    @property
    def work_nbytes(self) -> int:
        """Bytes held by the point-to-point work buffers kept with the graph."""
        return sum(int(a.nbytes) for b in self._buffers for a in vars(b).values())

    @property
    def nbytes(self) -> int:
        """Bytes held by the graph's arrays."""
        arrays = (self.indptr, self.heads, self.weights, self.edge_index, self.tails,
                  self.rev_indptr, self.rev_slots, self.rev_heads, self.rev_weights)
        return sum(int(a.nbytes) for a in arrays)


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
    n = checks.integer("n_nodes", n_nodes)
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
    t64 = checks.node_array("tail", t, n)
    h64 = checks.node_array("head", h, n)
    w = checks.weights("weight", weight, t64.shape[0])
    t32 = t64.astype(np.int32)
    h32 = h64.astype(np.int32)
    indptr, edge_index = _bucket_order(t32, n)
    heads = h32[edge_index]
    rev_indptr, rev_slots = _bucket_order(heads, n)
    tails = t32[edge_index]
    weights = w[edge_index]
    return CSRGraph(
        n_nodes=n,
        indptr=readonly(indptr),
        heads=readonly(heads),
        weights=readonly(weights),
        edge_index=readonly(edge_index),
        tails=readonly(tails),
        rev_indptr=readonly(rev_indptr),
        rev_slots=readonly(rev_slots),
        rev_heads=readonly(tails[rev_slots]),
        rev_weights=readonly(weights[rev_slots]),
    )


def _bucket_order(keys: NDArray[np.int32], n_keys: int) -> tuple[NDArray[np.int64],
                                                                NDArray[np.int64]]:
    """Stable bucket order of ``keys`` (``indptr``, ``order``): the counting-sort kernel,
    or numpy's stable sort on small inputs (the same order; no kernel to load)."""
    if keys.shape[0] + n_keys > SMALL_WORK:
        return _kernels.counting_sort(keys, n_keys)
    order = np.argsort(keys, kind="stable").astype(np.int64)
    indptr = np.zeros(n_keys + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n_keys), out=indptr[1:])
    return indptr, order


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
    >>> reweight(g, [np.inf, 2.0]).weights.tolist()
    [inf, 2.0]
    """
    w = checks.weights("weight", weight, graph.n_edges)
    weights = w[graph.edge_index]
    return dataclasses.replace(
        graph,
        weights=readonly(weights),
        rev_weights=readonly(weights[graph.rev_slots]),
    )


def work_buffers(graph: CSRGraph) -> AbstractContextManager[SearchBuffers]:
    """Borrow a clean set of point-to-point work buffers from ``graph``'s pool; they go
    back to the pool when the search ends normally (see :class:`CSRGraph`)."""
    return borrow_buffers(graph._buffers, graph.n_nodes)
