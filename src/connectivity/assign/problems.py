"""The inputs of the flow models, validated once: :class:`FlowProblem` and
:class:`EquilibriumProblem`.

Each solver (the arc and path formulations of the system optimum, the equilibrium
algorithms) takes one problem object instead of a dozen arrays; the constructor
functions :func:`flow_problem` and :func:`equilibrium_problem` check every array with
:mod:`connectivity.checks`, naming the argument, the first bad position and its value.

Examples
--------
>>> p = flow_problem([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
...                  capacity=[4.0, np.inf], unserved_penalty=100.0)
>>> p.n_edges, p.n_od, p.n_commodities
(2, 1, 1)
>>> e = equilibrium_problem([0, 0], [1, 1], [1.0, 2.0], [5.0, 5.0], [0], [1], [[10.0]])
>>> e.n_edges, e.demand.shape
(2, (1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from connectivity import checks

__all__ = ["FlowProblem", "flow_problem", "EquilibriumProblem", "equilibrium_problem",
           "intrazonal_cells", "interzonal_demand", "zone_sinks"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class FlowProblem:
    """A capacity-constrained multicommodity flow problem (the system optimum's input).

    Built by :func:`flow_problem`. Arrays are per edge (``tail``, ``head``, ``cost``
    with one column per commodity and ``inf`` where an edge is closed to it,
    ``capacity`` with ``inf`` for none), per capacity group (``group_start`` and
    ``group_edges`` in CSR form, ``group_capacity``) and per OD pair (``origin``,
    ``destination``, ``commodity``, ``tonnes``, ``penalty`` per unserved tonne).
    """

    tail: IntArray
    head: IntArray
    n_nodes: int
    cost: FloatArray
    capacity: FloatArray
    group_start: IntArray
    group_edges: IntArray
    group_capacity: FloatArray
    origin: IntArray
    destination: IntArray
    commodity: IntArray
    tonnes: FloatArray
    penalty: FloatArray

    def __repr__(self) -> str:
        return (f"FlowProblem({self.n_nodes} nodes, {self.n_edges} edges, {self.n_od} OD "
                f"pairs, {self.n_commodities} commodities, {self.n_groups} groups)")

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.tail.shape[0])

    @property
    def n_od(self) -> int:
        """Number of OD pairs (one per origin, destination and commodity)."""
        return int(self.origin.shape[0])

    @property
    def n_commodities(self) -> int:
        """Number of commodity cost columns."""
        return int(self.cost.shape[1])

    @property
    def n_groups(self) -> int:
        """Number of capacity groups."""
        return int(self.group_capacity.shape[0])

    @property
    def intrazonal(self) -> float:
        """Tonnes of the OD pairs whose origin is their destination: they stay in their
        zone, so no solver routes them (TNTP convention); neither served on edges nor
        unserved."""
        return float(self.tonnes[self.origin == self.destination].sum())


def _node_indices(name: str, values: npt.ArrayLike, n_nodes: int) -> IntArray:
    """Node indices as int64, each in ``[0, n_nodes)`` (the shared check)."""
    return checks.node_array(name, checks.vector(name, values, np.int64), n_nodes)


def flow_problem(  # noqa: PLR0913 (one argument per array of the model, options by keyword)
    tail: npt.ArrayLike,
    head: npt.ArrayLike,
    cost: npt.ArrayLike,
    origin: npt.ArrayLike,
    destination: npt.ArrayLike,
    tonnes: npt.ArrayLike,
    *,
    unserved_penalty: float | npt.ArrayLike,
    n_nodes: int | None = None,
    commodity: npt.ArrayLike | None = None,
    capacity: npt.ArrayLike | None = None,
    groups: Sequence[npt.ArrayLike] = (),
    group_capacity: npt.ArrayLike | None = None,
) -> FlowProblem:
    """Check the arrays of a flow problem and return them as a :class:`FlowProblem`.

    Parameters
    ----------
    tail, head
        Edge end nodes, ``0 <= node < n_nodes``. Parallel edges are separate edges.
    cost
        Generalized cost per tonne: shape ``(n_edges,)`` shared by all commodities or
        ``(n_edges, n_commodities)``. ``inf`` closes an edge to a commodity.
    origin, destination, tonnes
        Demand, one entry per OD pair (and commodity). A pair whose origin is its
        destination stays in its zone: it is not routed, and the result reports its
        tonnes as ``intrazonal`` (neither flow nor unserved).
    unserved_penalty
        Cost per unserved tonne, one number or one per OD pair. Set it above any route
        cost so that demand is left unserved only when capacity runs out.
    n_nodes
        Number of nodes (default: one more than the largest node index).
    commodity
        Commodity index of each OD pair (default all 0); indexes the columns of ``cost``.
    capacity
        Tonnes per edge; ``inf`` (or ``None`` for all) means uncapacitated.
    groups, group_capacity
        Sets of edges sharing one capacity (a crossing, a terminal) and that capacity.

    Returns
    -------
    FlowProblem

    Raises
    ------
    ValueError
        Naming the argument, for wrong shapes, node indices out of range, negative costs
        or tonnes, or non-positive penalties.
    """
    t = checks.vector("tail", tail, np.int64)
    h = checks.vector("head", head, np.int64, t.shape[0])
    m = int(t.shape[0])
    if n_nodes is None:
        n_nodes = int(max(t.max(initial=-1), h.max(initial=-1))) + 1
    t = _node_indices("tail", t, n_nodes)
    h = _node_indices("head", h, n_nodes)
    c = _cost_matrix(cost, m)
    o = _node_indices("origin", origin, n_nodes)
    n_od = int(o.shape[0])
    d = _node_indices("destination", checks.vector("destination", destination, np.int64,
                                                   n_od), n_nodes)
    q = checks.vector("tonnes", tonnes, np.float64, n_od)
    bad = np.flatnonzero(~np.isfinite(q) | (q < 0))
    if bad.size:
        raise ValueError(f"tonnes[{bad[0]}] = {q[bad[0]]} must be finite and >= 0")
    k = (np.zeros(n_od, dtype=np.int64) if commodity is None
         else checks.vector("commodity", commodity, np.int64, n_od))
    bad = np.flatnonzero((k < 0) | (k >= c.shape[1]))
    if bad.size:
        raise ValueError(
            f"commodity[{bad[0]}] = {k[bad[0]]} has no cost column; cost has "
            f"{c.shape[1]} commodity column(s)"
        )
    pen = checks.vector("unserved_penalty", unserved_penalty, np.float64, n_od)
    bad = np.flatnonzero(~np.isfinite(pen) | (pen <= 0))
    if bad.size:
        raise ValueError(
            f"unserved_penalty[{bad[0]}] = {pen[bad[0]]} must be a positive finite number"
        )
    cap = (np.full(m, np.inf) if capacity is None
           else checks.vector("capacity", capacity, np.float64, m))
    bad = np.flatnonzero(np.isnan(cap) | (cap < 0))
    if bad.size:
        raise ValueError(f"capacity[{bad[0]}] = {cap[bad[0]]} must be >= 0 (inf = none)")
    g_start, g_edges, g_cap = _groups(groups, group_capacity, m)
    return FlowProblem(
        tail=t, head=h, n_nodes=n_nodes, cost=c, capacity=cap, group_start=g_start,
        group_edges=g_edges, group_capacity=g_cap, origin=o, destination=d, commodity=k,
        tonnes=q, penalty=pen,
    )


def _cost_matrix(cost: npt.ArrayLike, m: int) -> FloatArray:
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != m:
        raise ValueError(f"cost must have shape ({m},) or ({m}, n_commodities), got {c.shape}")
    if np.any(np.isnan(c)) or np.any(c < 0):
        e, k = np.argwhere(np.isnan(c) | (c < 0))[0]
        raise ValueError(f"cost[{e}, {k}] = {c[e, k]} must be a non-negative number or inf")
    return c


def _groups(
    groups: Sequence[npt.ArrayLike], group_capacity: npt.ArrayLike | None, m: int
) -> tuple[IntArray, IntArray, FloatArray]:
    n_groups = len(groups)
    gcap = (np.zeros(0) if group_capacity is None
            else checks.vector("group_capacity", group_capacity, np.float64, n_groups))
    if gcap.shape[0] != n_groups:
        raise ValueError(f"group_capacity must have {n_groups} entries, got {gcap.shape[0]}")
    bad = np.flatnonzero(np.isnan(gcap) | (gcap < 0))
    if bad.size:
        raise ValueError(f"group_capacity[{bad[0]}] = {gcap[bad[0]]} must be >= 0")
    g_lists = [np.asarray(g, dtype=np.int64).reshape(-1) for g in groups]
    for gi, g in enumerate(g_lists):
        bad = np.flatnonzero((g < 0) | (g >= m))
        if bad.size:
            raise ValueError(f"groups[{gi}] holds edge {g[bad[0]]}, not in [0, {m})")
    g_start = np.zeros(n_groups + 1, dtype=np.int64)
    g_start[1:] = np.cumsum([g.shape[0] for g in g_lists])
    g_edges = np.concatenate(g_lists) if g_lists else np.zeros(0, dtype=np.int64)
    return g_start, g_edges, gcap


@dataclass(frozen=True, eq=False)
class EquilibriumProblem:
    """A user-equilibrium problem (the equilibrium algorithms' input).

    Built by :func:`equilibrium_problem`. Per edge: ``tail``, ``head``, the
    volume-delay parameters (``free_flow_time``, ``capacity`` with ``inf`` for no
    congestion, BPR ``alpha`` and ``beta``, ``queue`` marking queueing edges and their
    ``service_time``) and the flow-independent cost ``fixed_cost``; the demand matrix
    between ``origins`` and ``destinations``; ``no_through``, the nodes that may start
    or end trips but not be passed through (``None``: every node may).
    """

    tail: IntArray
    head: IntArray
    n_nodes: int
    free_flow_time: FloatArray
    capacity: FloatArray
    alpha: FloatArray
    beta: FloatArray
    queue: BoolArray
    service_time: FloatArray
    rho_max: float
    fixed_cost: FloatArray
    origins: IntArray
    destinations: IntArray
    demand: FloatArray
    no_through: IntArray | None

    def __repr__(self) -> str:
        return (f"EquilibriumProblem({self.n_nodes} nodes, {self.n_edges} edges, "
                f"{self.demand.shape[0]} x {self.demand.shape[1]} demand)")

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.tail.shape[0])

    @property
    def intrazonal(self) -> float:
        """Total demand whose origin is its destination: it stays in its zone and is
        not assigned (the TNTP convention; these cells are left out of every load)."""
        return float(self.demand[intrazonal_cells(self)].sum())


def intrazonal_cells(problem: EquilibriumProblem) -> BoolArray:
    """``len(origins) x len(destinations)`` mask of the demand cells whose origin node is
    their destination node (intrazonal trips, not assigned)."""
    return np.equal.outer(problem.origins, problem.destinations).astype(np.bool_)


def interzonal_demand(p: EquilibriumProblem) -> FloatArray:
    """The demand that is assigned: intrazonal trips stay in their zone (TNTP
    convention; routed to the zone's sink copy they would go out and back)."""
    inside = intrazonal_cells(p)
    return np.where(inside, 0.0, p.demand) if (p.demand[inside] > 0).any() else p.demand


def zone_sinks(p: EquilibriumProblem) -> tuple[IntArray, IntArray, int]:
    """Heads, destinations and node count with the zones that cannot be passed through
    split in two: trips end at a copy of the zone node that has only its in-edges, so no
    path can enter the zone node and leave it again."""
    h, d, n_nodes = p.head.copy(), p.destinations, p.n_nodes
    if p.no_through is None:
        return h, d, n_nodes
    zones = p.no_through
    sink = np.full(n_nodes, -1, dtype=np.int64)
    sink[zones] = n_nodes + np.arange(zones.shape[0])
    hs = sink[h]
    h = np.where(hs >= 0, hs, h)
    ds = sink[np.clip(d, 0, n_nodes - 1)]
    d = np.where((d >= 0) & (d < n_nodes) & (ds >= 0), ds, d)
    return h, d, n_nodes + int(zones.shape[0])


def equilibrium_problem(  # noqa: PLR0913 (one argument per array of the model, by keyword)
    tail: npt.ArrayLike,
    head: npt.ArrayLike,
    free_flow_time: npt.ArrayLike,
    capacity: npt.ArrayLike,
    origins: npt.ArrayLike,
    destinations: npt.ArrayLike,
    demand: npt.ArrayLike,
    *,
    n_nodes: int | None = None,
    alpha: float | npt.ArrayLike = 0.15,
    beta: float | npt.ArrayLike = 4.0,
    queue: npt.ArrayLike | None = None,
    service_time: float | npt.ArrayLike = 0.0,
    rho_max: float = 0.95,
    toll: npt.ArrayLike | None = None,
    length: npt.ArrayLike | None = None,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
    no_through: npt.ArrayLike | None = None,
) -> EquilibriumProblem:
    """Check the arrays of a user-equilibrium problem and return an :class:`EquilibriumProblem`.

    Parameters
    ----------
    tail, head
        Edge end nodes (indices); parallel edges are kept apart.
    free_flow_time
        Time at zero flow, per edge.
    capacity
        Per edge: the ``c`` of the BPR or queue function (``inf``: no congestion).
    origins, destinations, demand
        Node indices and the ``len(origins) x len(destinations)`` demand matrix. A cell
        whose origin node is its destination node is an intrazonal trip: kept in the
        problem, never assigned (TNTP convention), its total reported by the result.
    n_nodes
        Number of nodes (default: one more than the largest index used).
    alpha, beta
        BPR parameters, one number or one per edge.
    queue
        Boolean per edge: use the queueing delay instead of BPR (border crossings).
    service_time
        Per edge (or one number): service time of one unit at a queue edge, hours.
    rho_max
        Utilisation above which the queue delay continues linearly (``0 < rho_max < 1``).
    toll, length, toll_factor, distance_factor
        Flow-independent cost terms, added as ``toll_factor * toll + distance_factor *
        length``.
    no_through
        Nodes that may start or end trips but not be passed through (TNTP zones below
        the first through node).

    Returns
    -------
    EquilibriumProblem

    Raises
    ------
    ValueError
        For a bad parameter; the message names it and its value.
    """
    if not (0 < rho_max < 1):
        raise ValueError(f"rho_max must be in (0, 1), got {rho_max!r}")
    t = np.asarray(tail, dtype=np.int64)
    h = np.asarray(head, dtype=np.int64)
    m = int(t.shape[0])
    if h.shape != (m,):
        raise ValueError(f"head must have {m} entries like tail, got shape {h.shape}")
    o = np.asarray(origins, dtype=np.int64).reshape(-1)
    d = np.asarray(destinations, dtype=np.int64).reshape(-1)
    if n_nodes is None:
        n_nodes = int(max(t.max(initial=-1), h.max(initial=-1), o.max(initial=-1),
                          d.max(initial=-1))) + 1
    for name, arr in (("tail", t), ("head", h), ("origins", o), ("destinations", d)):
        checks.node_array(name, arr, n_nodes)
    qmask = np.zeros(m, dtype=bool) if queue is None else np.asarray(queue, dtype=bool)
    if qmask.shape != (m,):
        raise ValueError(f"queue must have {m} entries, got shape {qmask.shape}")
    fixed = np.zeros(m)
    if toll is not None and toll_factor:
        fixed += toll_factor * checks.per_edge("toll", toll, m)
    if length is not None and distance_factor:
        fixed += distance_factor * checks.per_edge("length", length, m)
    return EquilibriumProblem(
        tail=t, head=h, n_nodes=n_nodes,
        free_flow_time=checks.per_edge("free_flow_time", free_flow_time, m),
        capacity=_vdf_capacity(capacity, m), alpha=checks.per_edge("alpha", alpha, m),
        beta=checks.per_edge("beta", beta, m), queue=qmask,
        service_time=checks.per_edge("service_time", service_time, m),
        rho_max=float(rho_max), fixed_cost=fixed, origins=o, destinations=d,
        demand=_demand_matrix(demand, o.shape[0], d.shape[0]),
        no_through=_zones(no_through, n_nodes),
    )


def _demand_matrix(demand: npt.ArrayLike, n_o: int, n_d: int) -> FloatArray:
    q = np.asarray(demand, dtype=np.float64)
    if q.shape != (n_o, n_d):
        raise ValueError(f"demand has shape {q.shape}, expected {(n_o, n_d)} "
                         "(len(origins) x len(destinations))")
    bad = ~((q >= 0) & np.isfinite(q))
    if q.size and bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise ValueError(f"demand[{i}, {j}] = {float(q[i, j])!r}; demand must be finite and >= 0")
    return q


def _vdf_capacity(capacity: npt.ArrayLike, m: int) -> FloatArray:
    cap = np.asarray(capacity, dtype=np.float64)
    if cap.ndim == 0:
        cap = np.full(m, float(cap))
    if cap.shape != (m,):
        raise ValueError(f"capacity must have {m} entries, got shape {cap.shape}")
    bad = np.flatnonzero(~(cap > 0))
    if bad.size:
        raise ValueError(f"capacity[{bad[0]}] = {cap[bad[0]]} must be > 0 (inf: no congestion)")
    return cap


def _zones(no_through: npt.ArrayLike | None, n_nodes: int) -> IntArray | None:
    if no_through is None:
        return None
    zones = np.unique(np.asarray(no_through, dtype=np.int64).reshape(-1))
    bad = np.flatnonzero((zones < 0) | (zones >= n_nodes))
    if bad.size:
        raise ValueError(f"no_through holds {zones[bad[0]]}, not a node in [0, {n_nodes})")
    return zones
