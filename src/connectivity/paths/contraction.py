"""Customizable contraction hierarchies: exact queries, re-customized per weight vector.

A :class:`Hierarchy` is built in three phases (Dibbelt, Strasser and Wagner's
customizable contraction hierarchies):

1. **order**, once per topology: a nested dissection of the undirected graph by METIS
   (through pymetis). METIS needs nothing but the topology (no coordinates, which the
   TNTP networks and many user graphs lack), is maintained, deterministic for a given
   graph, and gives the small balanced separators the hierarchy's query and
   customization times depend on. ``order="thorough"`` has METIS compute 8 separators
   at each dissection and keep the smallest (see :data:`ORDERS`);
2. **contraction**, once per topology: the nodes are eliminated in that order, which
   adds a shortcut between every two higher neighbours of each eliminated node; the
   result (the upward arcs and the elimination tree) does not depend on weights;
3. **customization**, once per weight vector (:meth:`Hierarchy.customize`): every arc
   gets its cost in both directions from the input edges and its lower triangles,
   in rank order, runs of nodes with nested upper neighbours as blocks (on graphs of
   5 million arcs or more, the independent subtrees of the elimination tree in
   parallel, then the nodes above them). An ``inf`` weight closes an edge.

Queries are exact: the same distances as Dijkstra, and paths made of input edges
whose cost is that distance (where several paths tie, the hierarchy may pick another
one than Dijkstra; the choice is deterministic). Point-to-point queries search the
elimination tree upwards from both ends (no priority queue); many sources to many
targets sweep once downwards over the targets' ancestors for a batch of sources at a
time (restricted PHAST); one-to-all is the same sweep over every node.

Use it through :func:`connectivity.paths.distances` and
:func:`connectivity.paths.shortest_path` with ``hierarchy=``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from connectivity._jit import load_numba
from connectivity.checks import readonly, restore_readonly
from connectivity.paths._work import dynamic
from connectivity.paths.csr import CSRGraph, reweight

# the kernel modules (_cch_build, _cch_kernels, _cch_path, _cch_loading) are imported in
# the functions that call them: a process that builds no hierarchy never creates them.
# The queries on a hierarchy are in _cch_queries.

__all__ = ["Hierarchy", "hierarchy"]

# below this many arcs, customization runs on one thread. Half of the work is in the
# top separators, which one thread does anyway; on this project's 2-core machine the
# subtrees in parallel saved 10 % on a 10.8M-arc grid when the machine was quiet, and a
# 2.6M-arc customization took 9.6 s on 2 threads against 0.9 s on one while other work
# ran (measured, benchmarks/bench_ue_hierarchy.py): threads pay only on very large graphs
_PARALLEL_ARCS = 5_000_000
# independent subtrees the elimination tree is split into for parallel customization
# (a few per thread, heaviest first, handed out dynamically)
_PIECES = 16

# the orders paths.hierarchy(order=...) offers: how many separators METIS computes at each
# dissection of 1,000 nodes or more, keeping the smallest (its nseps option). Measured on
# the 1M-node road-like grid: 760M lower triangles in 6.6 s of ordering with 1, 617M in
# 44 s with 8 (routingkit-cch's inertial flow: 606M in 106 s); on DIMACS New York 10.8M
# in 1.7 s against 9.7M in 8.8 s. Customization time follows the triangles: "thorough"
# paid for itself after about 60 customizations on the grid (benchmarks/results/cch.md),
# after thousands on New York
ORDERS = {"fast": 1, "thorough": 8}

# forward and backward labels of a point-to-point query, and a path up the tree
_Buffers = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]


@dataclass(frozen=True, eq=False)
class Topology:
    """The metric-independent part of a hierarchy (order and contraction), shared by
    every customization of the same graph structure. Arrays as in
    :mod:`connectivity.paths._cch_build`."""

    n_nodes: int
    n_edges: int
    rank: NDArray[np.int32]
    order: NDArray[np.int32]
    up_ptr: NDArray[np.int64]
    heads: NDArray[np.int32]
    tails: NDArray[np.int32]
    parent: NDArray[np.int32]
    down_ptr: NDArray[np.int64]
    down_arc: NDArray[np.int64]
    task_ptr: NDArray[np.int64]
    task_nodes: NDArray[np.int32]
    top: NDArray[np.int32]
    span: NDArray[np.int32]
    edge_arc: NDArray[np.int64]
    edge_up: NDArray[np.bool_]
    arc_ids: NDArray[np.int32]  # 0, 1, ..., n_arcs - 1: the basic customization's query arcs
    indptr: NDArray[np.int64]  # the graph's, to recognise the same topology
    order_name: str  # a key of ORDERS
    order_s: float
    contract_s: float
    n_triangles: int  # lower triangles a customization goes through, plus the arcs
    # point-to-point work buffers, one set per concurrent query (list pop/append are atomic)
    _buffers: list[_Buffers] = field(default_factory=list, init=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_buffers"] = []
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        restore_readonly(self, state)

    @property
    def n_arcs(self) -> int:
        return int(self.heads.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(int(getattr(self, f.name).nbytes) for f in dataclasses.fields(self)
                   if isinstance(getattr(self, f.name), np.ndarray) and f.name != "indptr")


@dataclass(frozen=True, eq=False)
class QueryArcs:
    """The arcs one search direction uses, as their own CSR by lower end: the arcs
    ``ptr[x]:ptr[x + 1]`` lead from ``x`` to ``heads`` at ``weights``; ``arc`` is each
    one's arc id in the topology."""

    ptr: NDArray[np.int64]
    heads: NDArray[np.int32]
    weights: NDArray[np.float64]
    arc: NDArray[np.int32]

    def __setstate__(self, state: dict[str, Any]) -> None:
        restore_readonly(self, state)

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in (self.ptr, self.heads, self.weights, self.arc))


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """A customized contraction hierarchy of one graph for one weight vector.

    Made by :func:`hierarchy`; :meth:`customize` gives one for other weights on the same
    topology (sharing the order and the contraction). Read-only.

    Attributes
    ----------
    graph
        The graph (with the weights) this customization answers for.
    topology
        Order and contraction, shared between customizations.
    up_w, down_w
        Cost of each arc upwards (lower to higher rank) and downwards; ``inf``: no path.
    up, down
        The arcs the searches use upwards (from a source) and downwards (towards a
        target): with ``perfect`` customization only those whose cost no path through
        a higher node undercuts, else every arc (the topology's arrays and this
        customization's weights, ``inf`` where an arc has no path).
    perfect
        Whether the query arcs were pruned by perfect customization.
    customize_s
        Seconds this customization took.
    """

    graph: CSRGraph
    topology: Topology
    up_w: NDArray[np.float64]
    down_w: NDArray[np.float64]
    up: QueryArcs
    down: QueryArcs
    perfect: bool
    customize_s: float
    # graphs whose weights were found equal to this customization's (checked once)
    _same: list[NDArray[np.float64]] = field(default_factory=list, init=False, repr=False)
    # how each arc's cost is made, found when a path or a load is first unpacked
    _how: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = field(
        default_factory=list, init=False, repr=False)
    # each arc's cheapest input edge up and down, found on first use (how() needs them)
    _edges: list[tuple[NDArray[np.int32], NDArray[np.int32]]] = field(
        default_factory=list, init=False, repr=False)

    def __repr__(self) -> str:
        return (f"Hierarchy(n_nodes={self.topology.n_nodes}, n_edges={self.topology.n_edges}, "
                f"n_arcs={self.n_arcs})")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_same"] = []
        state["_how"] = []
        state["_edges"] = []
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        restore_readonly(self, state)

    @property
    def n_arcs(self) -> int:
        """Arcs of the hierarchy (input edges merged per node pair, plus shortcuts)."""
        return self.topology.n_arcs

    @property
    def nbytes(self) -> int:
        """Bytes of the hierarchy's own arrays (the topology's and this customization's,
        not the graph's)."""
        own: list[NDArray[Any]] = [self.up_w, self.down_w]
        for how in self._how:
            own.extend(how)
        for edges in self._edges:
            own.extend(edges)
        for q in (self.up, self.down):
            own.extend((q.ptr, q.heads, q.weights, q.arc))
        topo = self.topology
        shared = {id(getattr(topo, f.name)) for f in dataclasses.fields(topo)}
        seen: set[int] = set()
        total = topo.nbytes
        for a in own:  # each array once (basic query arcs are the topology's and weights)
            if id(a) not in shared and id(a) not in seen:
                seen.add(id(a))
                total += int(a.nbytes)
        return total

    def how(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """How each arc's cost is made, up and down: an input edge index ``>= 0``, or,
        for the path through a lower node ``z``, ``-1 - (zx << 32 | zy)``, where ``zx``
        and ``zy`` are the arcs from ``z`` to the arc's lower and upper end (the lowest
        such ``z`` where several tie; an input edge before any of them). Found on first
        use (a pass like the customization's) and kept: unpacking paths and loads needs
        it, distances do not."""
        if not self._how:
            self._how.append(_find_how(self))
        return self._how[0]

    @property
    def up_edge(self) -> NDArray[np.int32]:
        """The cheapest input edge of each arc upwards, ``-1`` where there is none (found
        on first use)."""
        return self._cheapest()[0]

    @property
    def down_edge(self) -> NDArray[np.int32]:
        """The cheapest input edge of each arc downwards, ``-1`` where there is none."""
        return self._cheapest()[1]

    def _cheapest(self) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        if not self._edges:
            from connectivity.paths import _cch_kernels

            topo = self.topology
            up_edge, down_edge = _cch_kernels.cheapest_edges(
                topo.n_arcs, topo.edge_arc, topo.edge_up,
                _original_order(self.graph.weights, self.graph))
            self._edges.append((readonly(up_edge), readonly(down_edge)))
        return self._edges[0]

    def customize(self, weights: ArrayLike, *, perfect: bool | None = None) -> Hierarchy:
        """The hierarchy of the same topology for another weight vector.

        Parameters
        ----------
        weights
            One non-negative weight per edge, in the original edge order (as given to
            :func:`~connectivity.paths.from_arrays`); ``inf`` closes an edge.
        perfect
            Prune the query arcs by perfect customization (see :func:`hierarchy`);
            ``None`` keeps this hierarchy's choice.

        Returns
        -------
        Hierarchy
            Its :attr:`graph` is the graph reweighted with ``weights``.

        Raises
        ------
        ValueError
            Wrong length, a negative or NaN weight (the message names the edge).

        Examples
        --------
        >>> from connectivity import paths
        >>> g = paths.from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
        >>> h = paths.hierarchy(g)
        >>> h2 = h.customize([1.0, 1.0, 0.5])
        >>> paths.distances(h2.graph, [0], [2], hierarchy=h2).tolist()
        [[0.5]]
        """
        keep = self.perfect if perfect is None else bool(perfect)
        return _customized(reweight(self.graph, weights), self.topology, keep)

    def answers_for(self, graph: CSRGraph) -> bool:
        """Whether ``graph`` has this hierarchy's topology and weights."""
        if graph.n_nodes != self.topology.n_nodes or graph.n_edges != self.topology.n_edges:
            return False
        if graph.weights is self.graph.weights or any(graph.weights is w for w in self._same):
            return True
        if not (graph.indptr is self.topology.indptr
                or np.array_equal(graph.indptr, self.topology.indptr)):
            return False
        same = (np.array_equal(graph.edge_index, self.graph.edge_index)
                and np.array_equal(graph.heads, self.graph.heads)
                and np.array_equal(graph.weights, self.graph.weights))
        if same:
            self._same.append(graph.weights)
            del self._same[:-4]
        return same


def hierarchy(graph: CSRGraph, *, perfect: bool = True, order: str | None = None) -> Hierarchy:
    """Order, contract and customize ``graph`` for its own weights.

    Parameters
    ----------
    graph
        A graph from :func:`~connectivity.paths.from_arrays`.
    perfect
        After the basic customization, compute every arc's true distance (perfect
        customization) and leave out of the searches the arc directions that a path
        through a higher node undercuts. It roughly doubles the customization time and
        makes the queries and OD sweeps faster (fewer arcs to scan); the answers are the
        same either way.
    order
        ``"fast"`` (METIS's nested dissection as it comes) or ``"thorough"`` (METIS
        computes 8 separators at each dissection and keeps the smallest: about 5 to 7
        times the ordering time, for 10 to 20 % fewer lower triangles, which every
        customization goes through: worth it for many customizations, as in an
        equilibrium or a criticality run on a large network). ``None``: the order
        already computed for this graph's structure if there is one, else ``"fast"``.
        The answers are the same with either.

    Returns
    -------
    Hierarchy
        Pass it as ``hierarchy=`` to :func:`~connectivity.paths.distances`,
        :func:`~connectivity.paths.shortest_path` and
        :func:`~connectivity.paths.all_or_nothing`; :meth:`Hierarchy.customize`
        re-weights it without ordering and contracting again.

    Raises
    ------
    ValueError
        ``graph`` is not a CSRGraph, or ``order`` is not one of the names above.

    Notes
    -----
    The order and contraction are kept with the graph's structure, which
    :func:`~connectivity.paths.reweight` shares: ``hierarchy(reweight(graph, w))``
    after ``hierarchy(graph)`` only customizes, and the library's own hierarchies
    (``method="auto"`` or ``"hierarchy"``) use the order kept there, so
    ``hierarchy(graph, order="thorough")`` before an equilibrium makes it use that one.

    Examples
    --------
    >>> from connectivity import paths
    >>> g = paths.from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    >>> h = paths.hierarchy(g)
    >>> paths.shortest_path(g, 0, 2, hierarchy=h).tolist()
    [0, 1]
    >>> paths.distances(g, [0, 1], hierarchy=h).tolist()
    [[0.0, 1.0, 2.0], [inf, 0.0, 1.0]]
    """
    if not isinstance(graph, CSRGraph):
        raise ValueError(f"graph must be a CSRGraph from paths.from_arrays(), got "
                         f"{type(graph).__name__}")
    if order is not None and order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))} or None, "
                         f"got {order!r}")
    cache = graph._structure_cache
    topo = cache.get("cch")
    if not isinstance(topo, Topology) or order not in (None, topo.order_name):
        topo = cache["cch"] = topology(graph, order or "fast")
    return _customized(graph, topo, bool(perfect))


def topology(graph: CSRGraph, order_name: str = "fast") -> Topology:
    """Order (``order_name``, a key of :data:`ORDERS`) and contraction of ``graph``'s
    structure (its weights are not read)."""
    from connectivity.paths import _cch_build

    n = graph.n_nodes
    tail = _original_order(graph.tails, graph)
    head = _original_order(graph.heads, graph)
    t0 = time.perf_counter()
    rank = nested_dissection(n, tail, head, ORDERS[order_name])
    order = np.empty(n, dtype=np.int32)
    order[rank] = np.arange(n, dtype=np.int32)
    t1 = time.perf_counter()
    adj_ptr, adj = _cch_build.undirected(n, tail, head, rank)
    up_ptr, heads, parent = _cch_build.contract(n, adj_ptr, adj)
    down_ptr, down_arc = _cch_build.down_arcs(n, heads)
    tails = _cch_build.arc_tails(up_ptr)
    work = _cch_build.triangle_work(up_ptr, down_ptr, down_arc, tails)
    task_ptr, task_nodes, top = _cch_build.subtree_tasks(parent, work, _PIECES)
    span = _cch_build.spans(up_ptr, heads)
    edge_arc, edge_up = _cch_build.edge_arcs(tail, head, rank, up_ptr, heads)
    t2 = time.perf_counter()
    return Topology(
        n_nodes=n, n_edges=graph.n_edges, rank=readonly(rank), order=readonly(order),
        up_ptr=readonly(up_ptr), heads=readonly(heads), tails=readonly(tails),
        parent=readonly(parent), down_ptr=readonly(down_ptr),
        down_arc=readonly(down_arc), task_ptr=readonly(task_ptr),
        task_nodes=readonly(task_nodes), top=readonly(top), span=readonly(span),
        edge_arc=readonly(edge_arc),
        edge_up=readonly(edge_up),
        arc_ids=readonly(np.arange(heads.shape[0], dtype=np.int32)),
        indptr=graph.indptr, order_name=order_name, order_s=t1 - t0,
        contract_s=t2 - t1, n_triangles=int(work.sum()),
    )


def nested_dissection(n: int, tail: NDArray[np.int32], head: NDArray[np.int32],
                      separators: int = 1) -> NDArray[np.int32]:
    """Rank of every node (``0`` contracted first) by METIS nested dissection of the
    undirected simple graph under the edges, the best of ``separators`` separators at
    each dissection."""
    from connectivity.paths import _cch_build

    if n == 0:
        return np.zeros(0, dtype=np.int32)
    identity = np.arange(n, dtype=np.int32)
    xadj, adjncy = _cch_build.undirected(n, tail, head, identity)
    if adjncy.shape[0] == 0:
        return identity
    import pymetis

    _perm, iperm = pymetis.nested_dissection(
        pymetis.CSRAdjacency(adj_starts=xadj, adjacent=adjncy),
        options=pymetis.Options(nseps=int(separators)))
    rank = np.asarray(iperm, dtype=np.int32)
    if rank.shape != (n,) or not np.array_equal(np.sort(rank), identity):
        raise RuntimeError("METIS returned an order that is not a permutation of the nodes")
    return rank


def _original_order(per_slot: NDArray[Any], graph: CSRGraph) -> NDArray[Any]:
    """An array of ``graph``'s CSR slots in the original edge order (edge ``e`` is the
    slot where ``edge_index`` is ``e``)."""
    out = np.empty_like(per_slot)
    out[graph.edge_index] = per_slot
    return out


def _customized(graph: CSRGraph, topo: Topology, perfect: bool) -> Hierarchy:
    from connectivity.paths import _cch_kernels

    t0 = time.perf_counter()
    w = _original_order(graph.weights, graph)
    # each arc's two weights side by side while customizing (kept between customizations,
    # it saved nothing measurable on the 1M-node grid: not worth its 16 bytes per arc)
    both = np.empty((topo.n_arcs, 2))
    _cch_kernels.initial_weights(topo.edge_arc, topo.edge_up, w, both)
    up_w = np.empty(topo.n_arcs)
    down_w = np.empty(topo.n_arcs)
    _customize(topo, both, up_w, down_w)
    del both
    up_w, down_w = readonly(up_w), readonly(down_w)
    if perfect:
        keep_up, keep_down = _cch_kernels.perfect(topo.up_ptr, topo.heads, topo.tails,
                                                  topo.down_ptr, topo.down_arc, up_w, down_w)
        up = _query_arcs(topo, up_w, keep_up)
        down = _query_arcs(topo, down_w, keep_down)
    else:
        # every arc, the topology's own: an arc without a path costs inf, which no search
        # takes (they keep a label only if the sum is strictly lower)
        up = QueryArcs(ptr=topo.up_ptr, heads=topo.heads, weights=up_w, arc=topo.arc_ids)
        down = QueryArcs(ptr=topo.up_ptr, heads=topo.heads, weights=down_w,
                         arc=topo.arc_ids)
    return Hierarchy(
        graph=graph, topology=topo, up_w=up_w, down_w=down_w,
        up=up, down=down,
        perfect=perfect, customize_s=time.perf_counter() - t0,
    )


def _query_arcs(topo: Topology, w: NDArray[np.float64],
                keep: NDArray[np.bool_]) -> QueryArcs:
    from connectivity.paths import _cch_kernels

    ptr, heads, weights, arc = _cch_kernels.query_arcs(topo.up_ptr, topo.heads, w, keep)
    return QueryArcs(ptr=readonly(ptr), heads=readonly(heads), weights=readonly(weights),
                     arc=readonly(arc))


def _serial(topo: Topology) -> bool:
    return int(load_numba().get_num_threads()) == 1 or topo.n_arcs < _PARALLEL_ARCS


def _customize(topo: Topology, both: NDArray[np.float64], up_w: NDArray[np.float64],
               down_w: NDArray[np.float64]) -> None:
    """Basic customization of ``both`` (each arc's up and down weights side by side) in
    place, the result also into ``up_w`` and ``down_w``."""
    from connectivity.paths import _cch_kernels

    args = (topo.span, topo.up_ptr, topo.heads, topo.tails, topo.down_ptr, topo.down_arc,
            both, up_w, down_w)
    if _serial(topo):
        _cch_kernels.customize_serial(*args)
    else:
        dynamic(_cch_kernels.customize_tasks, topo.task_ptr, topo.task_nodes, topo.top,
                *args)


def _find_how(h: Hierarchy) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    from connectivity.paths import _cch_kernels

    topo = h.topology
    w = _original_order(h.graph.weights, h.graph)
    up_via = np.empty(topo.n_arcs, dtype=np.int64)
    down_via = np.empty(topo.n_arcs, dtype=np.int64)
    args = (topo.up_ptr, topo.heads, topo.tails, topo.down_ptr, topo.down_arc, h.up_w,
            h.down_w, h.up_edge, h.down_edge, w, up_via, down_via)
    if _serial(topo):
        _cch_kernels.how_serial(*args)
    else:
        dynamic(_cch_kernels.how_tasks, topo.task_ptr, topo.task_nodes, topo.top, *args)
    return readonly(up_via), readonly(down_via)


# ---------------------------------------------------------------- queries (used by search)

METHODS = ("auto", "dijkstra", "hierarchy")
# The rule of method="auto" (docs/hierarchies.md has it in full), a cost model measured
# on this project's 2-core machine, one thread: Dijkstra about AUTO_EDGE_S per edge and
# source (21-56 ns measured); the hierarchy one customization of about AUTO_TRIANGLE_S
# per lower triangle (11-20 ns), then per source a share of Dijkstra's time
# (AUTO_SHARE; loads 0.08-0.67, distances 0.03-0.22 measured). The thread count is left
# out so that the choice, and the results' last bits, never depend on it. Jobs under
# AUTO_SOURCES sources or AUTO_WORK edge visits (about 3 ms of Dijkstra) run Dijkstra
# and build nothing; larger ones order and contract the graph on their first call, to
# count its triangles, whatever the decision. The floor is low because an equilibrium
# repeats its loads: TNTP Barcelona's and Winnipeg's (280k and 420k edge visits) are
# 1.2x and 2x faster on the hierarchy.
AUTO_WORK = 100_000
AUTO_SOURCES = 32
AUTO_EDGE_S = 30e-9
AUTO_TRIANGLE_S = 10e-9
AUTO_SHARE = {"distances": 0.15, "loads": 0.35}


def choose(graph: CSRGraph, n_sources: int, method: str, h: Hierarchy | None, *,
           kind: str = "distances") -> Hierarchy | None:
    """The hierarchy a many-source search uses under ``method``, or ``None`` for
    Dijkstra (see :data:`METHODS`; ``h``: one the caller passed; ``kind``: the work per
    source, ``"distances"`` or ``"loads"``, for the rule of ``"auto"``)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got "
                         f"{method!r}")
    if h is not None:
        if method == "dijkstra":
            raise ValueError("method='dijkstra' with a hierarchy: give one or the other")
        return check(graph, h)
    if method == "dijkstra":
        return None
    if method == "hierarchy" or auto_picks_hierarchy(graph, n_sources, kind):
        return hierarchy(graph)
    return None


def auto_picks_hierarchy(graph: CSRGraph, n_sources: int, kind: str = "distances") -> bool:
    """Whether ``method="auto"`` takes the hierarchy for ``n_sources`` searches of
    ``graph`` (``kind``: ``"distances"`` or ``"loads"``): its cost model predicts the
    hierarchy faster. Orders and contracts the graph if the model needs it (see the
    comment above :data:`AUTO_WORK`)."""
    if n_sources < AUTO_SOURCES or n_sources * graph.n_edges < AUTO_WORK:
        return False
    cache = graph._structure_cache
    topo = cache.get("cch")
    if not isinstance(topo, Topology):
        topo = cache["cch"] = topology(graph)
    dijkstra_s = n_sources * graph.n_edges * AUTO_EDGE_S
    customize_s = topo.n_triangles * AUTO_TRIANGLE_S
    return customize_s + AUTO_SHARE[kind] * dijkstra_s < dijkstra_s


def check(graph: CSRGraph, h: object) -> Hierarchy:
    """``h`` as a hierarchy that answers for ``graph``, or a ValueError saying why not."""
    if not isinstance(h, Hierarchy):
        raise ValueError(f"hierarchy must be a Hierarchy from paths.hierarchy(), got "
                         f"{type(h).__name__}")
    if not h.answers_for(graph):
        raise ValueError(
            "the hierarchy was customized for another graph or other weights; call "
            "hierarchy.customize(weights) for these weights (or paths.hierarchy(graph) "
            "for another topology)"
        )
    return h
