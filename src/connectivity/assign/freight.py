"""Freight flows on the network: all-or-nothing, system optimum (LP), user equilibrium.

Each method is one function returning one :class:`Assignment`, so results compare
side by side:

- :func:`assign_aon` loads every OD pair on its least generalized-cost route (in the
  compiled kernel, :func:`connectivity.paths.all_or_nothing`), per commodity;
- :func:`assign_system_optimum` solves the capacity-constrained system optimum LP
  (:mod:`connectivity.assign.sysopt`): link capacities per direction, border-crossing
  capacities as shared constraints, unserved demand at a penalty; it reports the
  shadow price of every binding capacity (USD per tonne of extra annual capacity);
- :func:`assign_equilibrium` finds the user equilibrium
  (:mod:`connectivity.assign.equilibrium`) with BPR delay on links and a queueing delay
  at border crossings; :func:`equilibrium_inputs` gives the arrays it solves (for
  methods that solve many equilibria, such as the bilevel network design).

Units: flows in tonnes per year, costs in USD (per year for totals).

Examples
--------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> a = cn.assign_aon(net, cn.load_bundled_demand(net))
>>> a.method
'aon'
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import _progress, paths
from connectivity.assign.assignment import (
    UNSERVED_COLUMNS,
    Assignment,
    EdgeFlows,
    ShadowPrices,
    summarise,
)
from connectivity.assign.equilibrium import user_equilibrium
from connectivity.assign.problems import EquilibriumProblem, equilibrium_problem, flow_problem
from connectivity.assign.sysopt import system_optimum
from connectivity.graph import (
    CompiledNetwork,
    capacities,
    compiled_of,
    priced_edges,
)
from connectivity.tables import MODES, Network, Scenario, read_demand, split_intrazonal

__all__ = [
    "Assignment",
    "assign_aon",
    "assign_system_optimum",
    "assign_equilibrium",
    "EquilibriumInputs",
    "equilibrium_inputs",
    "default_unserved_penalty",
    "SERVICE_UNIT_T",
]

#: Tonnes served as one unit at a border-crossing queue (a train, a truck), used to turn
#: a crossing's annual capacity into the service time of the queueing delay.
SERVICE_UNIT_T = {"rail": 1000.0, "road": 20.0}


def _prepare(
    network: Network | CompiledNetwork, demand: pd.DataFrame
) -> tuple[CompiledNetwork, pd.DataFrame, list[str], pd.DataFrame]:
    """The compiled network, the demand rows to route (tonnes > 0, origin not the
    destination), their commodities, and the intrazonal rows (not routed)."""
    compiled = compiled_of(network)
    table = read_demand(demand, compiled.network)
    table, intrazonal = split_intrazonal(
        table[table["tonnes_per_year"] > 0].reset_index(drop=True))
    if table.empty:
        raise ValueError(
            "no demand to assign: the demand table has no row with tonnes > 0"
            + (f" between two places ({len(intrazonal)} intrazonal row(s), "
               f"{intrazonal['tonnes_per_year'].sum():g} t, stay in their place)"
               if len(intrazonal) else ""))
    commodities = sorted(set(table["commodity"]))
    return compiled, table, commodities, intrazonal


def _priced(
    compiled: CompiledNetwork, commodities: list[str], scenario: Scenario
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Generalized cost and hours per edge (rows) and commodity (columns) under
    ``scenario``, from one pricing pass per commodity (the hours with its time factors,
    projects and each commodity's border dwell)."""
    priced = [priced_edges(compiled, k, scenario) for k in commodities]
    return (np.column_stack([cost for cost, _ in priced]),
            np.column_stack([attrs["time_h"] for _, attrs in priced]))


def _od_nodes(compiled: CompiledNetwork, table: pd.DataFrame) -> tuple[
        NDArray[np.int64], NDArray[np.int64]]:
    o = np.array([compiled.origin_node[p] for p in table["origin"]], dtype=np.int64)
    d = np.array([compiled.destination_node[p] for p in table["destination"]], dtype=np.int64)
    return o, d


def _servable(
    compiled: CompiledNetwork, graph: paths.CSRGraph, table: pd.DataFrame
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64],
           list[dict[str, object]]]:  # fmt: skip
    """The demand of ``table`` as an origin x destination matrix over the nodes, with the
    pairs that have no open path on ``graph`` set to 0 and returned as unserved rows."""
    o, d = _od_nodes(compiled, table)
    origins, o_inv = np.unique(o, return_inverse=True)
    dests, d_inv = np.unique(d, return_inverse=True)
    matrix = np.zeros((len(origins), len(dests)))
    np.add.at(matrix, (o_inv, d_inv), table["tonnes_per_year"].to_numpy())
    lost = (matrix > 0) & ~np.isfinite(paths.distances(graph, origins, dests))
    unserved: list[dict[str, object]] = []
    for i, j in zip(*np.nonzero(lost), strict=True):
        hit = table.iloc[np.flatnonzero((o_inv == i) & (d_inv == j))]
        unserved.extend(hit[UNSERVED_COLUMNS].to_dict("records"))
    matrix[lost] = 0.0
    return origins, dests, matrix, unserved


def assign_aon(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    scenario: Scenario | None = None,
) -> Assignment:
    """All-or-nothing: each OD pair's tonnes on its least generalized-cost route.

    Demand with no route under the scenario is reported in ``unserved``.

    Parameters
    ----------
    network
        Tables or compiled network.
    demand
        Demand table (see :func:`connectivity.read_demand`).
    scenario
        Closures, years, projects, factors, carbon price.

    Returns
    -------
    Assignment
    """
    start = time.perf_counter()
    scenario = scenario or Scenario()
    compiled, table, commodities, intrazonal = _prepare(network, demand)
    costs, time_h = _priced(compiled, commodities, scenario)
    flows = np.zeros((compiled.n_edges, len(commodities)))
    unserved: list[dict[str, object]] = []
    for k, commodity in enumerate(commodities):
        rows = table[(table["commodity"] == commodity).to_numpy()]
        graph = paths.reweight(compiled.graph, costs[:, k])
        origins, dests, matrix, lost = _servable(compiled, graph, rows)
        unserved.extend(lost)
        flows[:, k] = paths.all_or_nothing(graph, origins, dests, matrix)
    return summarise("aon", compiled,
                     EdgeFlows(commodities, flows, costs,
                               time_h=time_h),
                     scenario_name=scenario.name,
                     unserved=pd.DataFrame(unserved, columns=UNSERVED_COLUMNS),
                     seconds=time.perf_counter() - start,
                     capacity=capacities(compiled, scenario), intrazonal=intrazonal)


def default_unserved_penalty(
    compiled: CompiledNetwork, costs: NDArray[np.float64], origin: NDArray[np.int64],
    destination: NDArray[np.int64], commodity: NDArray[np.int64],
) -> float:
    """Twice the dearest least-cost route of any OD pair (``costs``: one column per
    commodity code of ``commodity``), plus 1,000 USD/t: tonnes go unserved only when
    capacity runs out."""
    worst = 0.0
    for k in range(costs.shape[1]):
        sel = commodity == k
        if not sel.any():
            continue
        graph = paths.reweight(compiled.graph, costs[:, k])
        origins, o_inv = np.unique(origin[sel], return_inverse=True)
        dist = paths.distances(graph, origins, destination[sel])
        vals = dist[o_inv, np.arange(int(sel.sum()))]
        if np.isfinite(vals).any():
            worst = max(worst, float(vals[np.isfinite(vals)].max()))
    return 2.0 * worst + 1000.0


def assign_system_optimum(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    scenario: Scenario | None = None,
    unserved_penalty_usd_per_t: float | None = None,
    formulation: str = "origin",
    solver: str = "highs",
    time_limit: float | None = None,
    msg: bool = False,
    progress: bool | None = None,
) -> Assignment:
    """Capacity-constrained system optimum of all commodities, as one LP.

    Link capacities (``capacity_t_per_year``) bind each direction of a link; a border
    crossing's capacity binds each direction of all its links together; a terminal's
    throughput capacity (the network's ``throughput`` table: ports, dry ports) binds
    all tonnes handled there, both directions together. Demand that
    cannot fit pays ``unserved_penalty_usd_per_t`` and is reported in ``unserved``,
    so the model is always feasible.

    Parameters
    ----------
    unserved_penalty_usd_per_t
        Penalty per unserved tonne. Default: twice the largest least-cost route of any
        OD pair plus 1,000 USD/t, so tonnes go unserved only when capacity runs out.
    formulation
        ``"origin"`` (default): the origin-based arc LP. ``"paths"``: path column
        generation, the same optimum found by pricing paths in the shortest-path kernel
        (HiGHS only; much faster on large networks, see
        :func:`connectivity.assign.sysopt.system_optimum`).
    solver
        ``"highs"`` (default) or ``"cbc"`` (origin formulation only).
    time_limit
        Seconds; a run stopped by it is reported with status ``TIME_LIMIT``.
    msg
        Show the solver's log (quiet by default).
    progress
        ``"paths"``: show a bar of the pricing rounds on stderr (``None``: when stderr
        is a terminal; :mod:`connectivity._progress`).

    Returns
    -------
    Assignment
        With ``solve`` (status, objective, bound, gap) and shadow prices.
    """
    start = time.perf_counter()
    scenario = scenario or Scenario()
    compiled, table, commodities, intrazonal = _prepare(network, demand)
    costs, time_h = _priced(compiled, commodities, scenario)
    o, d = _od_nodes(compiled, table)
    k_of = {c: i for i, c in enumerate(commodities)}
    kk = table["commodity"].map(k_of).to_numpy(dtype=np.int64)
    if unserved_penalty_usd_per_t is None:
        unserved_penalty_usd_per_t = default_unserved_penalty(compiled, costs, o, d, kk)
    if not unserved_penalty_usd_per_t > 0:
        raise ValueError(
            f"unserved_penalty_usd_per_t={unserved_penalty_usd_per_t} must be positive")
    groups = compiled.groups
    edge_cap, group_cap = capacities(compiled, scenario)
    problem = flow_problem(
        compiled.tail, compiled.head, costs, o, d,
        table["tonnes_per_year"].to_numpy(dtype=np.float64),
        unserved_penalty=unserved_penalty_usd_per_t,
        n_nodes=compiled.graph.n_nodes, commodity=kk,
        capacity=edge_cap,
        groups=[groups.members(g) for g in range(groups.n_groups)],
        group_capacity=group_cap,
    )
    with _progress.scope(progress):
        result = system_optimum(problem, formulation=formulation, solver=solver,
                                time_limit=time_limit, msg=msg)
    lost = result.unserved > 1e-6
    unserved = table.loc[lost, UNSERVED_COLUMNS[:3]].copy()
    unserved["tonnes_per_year"] = result.unserved[lost]
    return summarise(
        "so", compiled, EdgeFlows(commodities, result.flow_by_commodity, costs,
                                  time_h=time_h),
        scenario_name=scenario.name, unserved=unserved.reset_index(drop=True),
        seconds=time.perf_counter() - start,
        prices=ShadowPrices(result.edge_shadow_price, result.group_shadow_price),
        solve=result.solve, capacity=(edge_cap, group_cap), intrazonal=intrazonal,
    )


@dataclass(frozen=True, eq=False)
class EquilibriumInputs:
    """The user-equilibrium problem of a network's demand, one commodity and one scenario,
    with what maps it back to the network (built by :func:`equilibrium_inputs`).

    ``problem`` holds the open edges only; ``edges`` gives the compiled edge of each of
    its edges. Per compiled edge: ``free_flow_cost_usd_per_t`` (the generalized cost at
    zero flow, ``inf`` where closed), ``time_cost_usd_per_t`` (value of time times the
    free-flow time), ``fixed_cost_usd_per_t`` (the rest of the generalized cost: money,
    carbon and risk; 0 where closed), and the volume-delay ``capacity``, ``queue`` and
    ``service_time`` (in generalized cost). ``unserved`` lists the demand rows that
    have no open path (left out of ``problem.demand``), ``intrazonal`` those whose
    origin is their destination (not routed, also left out).
    """

    compiled: CompiledNetwork
    problem: EquilibriumProblem
    edges: NDArray[np.int64]
    vot: float
    free_flow_cost_usd_per_t: NDArray[np.float64]
    time_cost_usd_per_t: NDArray[np.float64]
    fixed_cost_usd_per_t: NDArray[np.float64]
    capacity: NDArray[np.float64]
    queue: NDArray[np.bool_]
    service_time: NDArray[np.float64]
    unserved: pd.DataFrame
    intrazonal: pd.DataFrame

    @property
    def unserved_t(self) -> float:
        """Tonnes per year with no open path."""
        return float(self.unserved["tonnes_per_year"].sum()) if len(self.unserved) else 0.0


def equilibrium_inputs(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    alpha: float = 0.15,
    beta: float = 4.0,
) -> EquilibriumInputs:
    """The arrays :func:`assign_equilibrium` solves: one single-class
    :class:`~connectivity.assign.problems.EquilibriumProblem` over the open edges.

    Every tonne is valued with ``commodity``'s value of time and allowed modes. The
    free-flow time of an edge is its value of time times its time; the rest of its
    generalized cost is a flow-independent cost. Links with a capacity get BPR
    (``alpha``, ``beta``); the edges of a border crossing with a capacity get the
    queueing delay, whose service unit is a train (1,000 t) or a truck (20 t).

    Raises
    ------
    UnknownIdError
        For an unknown commodity (naming the known ones).
    ValueError
        For a commodity whose value of time is not positive, or an empty demand.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> e = equilibrium_inputs(net, cn.load_bundled_demand(net))
    >>> e.problem.n_edges == e.edges.shape[0], e.unserved_t
    (True, 0.0)
    """
    scenario = scenario or Scenario()
    compiled, table, _, intrazonal = _prepare(network, demand)
    vot = float(compiled.commodity_vot[compiled.commodity_index(commodity)])
    if not vot > 0:
        raise ValueError(f"commodity {commodity!r} has value of time {vot}; UE needs > 0")
    gc, attrs = priced_edges(compiled, commodity, scenario)
    # closed edges are left out of the problem, as all-or-nothing leaves them out of
    # its graph; demand with no open path is reported unserved, not forced over them
    open_ = np.isfinite(gc)
    keep = np.flatnonzero(open_)
    t0 = vot * attrs["time_h"]
    fixed = np.where(open_, gc - t0, 0.0)
    capacity, queue, service = _crossing_queues(compiled, vot, scenario)
    origins, dests, matrix, unserved = _servable(
        compiled, paths.reweight(compiled.graph, gc), table)
    problem = equilibrium_problem(
        compiled.tail[keep], compiled.head[keep], t0[keep], capacity[keep], origins, dests,
        matrix, n_nodes=compiled.graph.n_nodes, alpha=alpha, beta=beta, queue=queue[keep],
        service_time=service[keep], toll=fixed[keep], toll_factor=1.0,
    )
    return EquilibriumInputs(
        compiled=compiled, problem=problem, edges=keep, vot=vot,
        free_flow_cost_usd_per_t=gc, time_cost_usd_per_t=t0, fixed_cost_usd_per_t=fixed,
        capacity=capacity, queue=queue, service_time=service,
        unserved=pd.DataFrame(unserved, columns=UNSERVED_COLUMNS), intrazonal=intrazonal,
    )


def assign_equilibrium(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    algorithm: str = "bfw",
    gap: float = 1e-4,
    max_iter: int = 500,
    alpha: float = 0.15,
    beta: float = 4.0,
    progress: bool | None = None,
) -> Assignment:
    """User equilibrium: no shipper can cut its generalized cost by changing route.

    Single class: every tonne is valued with ``commodity``'s value of time and allowed
    modes (a multi-class equilibrium is not implemented). Link time grows by BPR
    (``alpha``, ``beta``) where a link has a capacity; a border crossing with a capacity
    adds a queueing delay whose service unit is a train (1,000 t) or a truck (20 t).
    Generalized cost = money + carbon + risk + value of time x congested time. The
    problem solved is :func:`equilibrium_inputs`'s. ``progress`` shows a bar of the
    iterations and the relative gap on stderr (``None``: when stderr is a terminal;
    :mod:`connectivity._progress`).

    Returns
    -------
    Assignment
        With ``relative_gap`` per iteration; ``total_cost_usd`` is the sum of flow times
        generalized cost at the equilibrium flows.
    """
    start = time.perf_counter()
    scenario = scenario or Scenario()
    inputs = equilibrium_inputs(network, demand, commodity=commodity, scenario=scenario,
                                alpha=alpha, beta=beta)
    compiled, keep, vot = inputs.compiled, inputs.edges, inputs.vot
    result = user_equilibrium(inputs.problem, algorithm=algorithm, gap=gap, max_iter=max_iter,
                              progress=progress)
    flow = np.zeros(compiled.n_edges)
    flow[keep] = result.flow
    # closed edges carry no flow; their free time is kept
    time_cost = inputs.time_cost_usd_per_t.copy()
    time_cost[keep] = result.time
    costs = np.full(compiled.n_edges, np.inf)
    costs[keep] = inputs.fixed_cost_usd_per_t[keep] + result.time
    return summarise(
        "ue", compiled,
        EdgeFlows([commodity], flow[:, None], costs[:, None], time_h=time_cost / vot),
        scenario_name=scenario.name, unserved=inputs.unserved,
        seconds=time.perf_counter() - start, relative_gap=result.relative_gap,
        capacity=capacities(compiled, scenario), intrazonal=inputs.intrazonal,
    )


def _crossing_queues(
    compiled: CompiledNetwork, vot: float, scenario: Scenario
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
    """Per edge: the capacity of the volume-delay function, whether it is a border queue,
    and the queue's service time in generalized cost (a train or a truck at a time)."""
    capacity, group_cap = capacities(compiled, scenario)
    queue = np.zeros(compiled.n_edges, dtype=bool)
    service = np.zeros(compiled.n_edges)
    groups = compiled.groups
    for g in np.flatnonzero(groups.kind == "crossing").tolist():
        cap = float(group_cap[g])
        for e in groups.members(g).tolist():
            queue[e] = True
            capacity[e] = cap
            unit = SERVICE_UNIT_T.get(MODES[compiled.edge_mode[e]], 20.0)
            service[e] = vot * unit * 8760.0 / cap
    return capacity, queue, service
