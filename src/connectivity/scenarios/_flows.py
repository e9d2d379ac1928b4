"""The demand as arrays on the compiled network, and its flows as paths: least-cost
routes (all-or-nothing) and the system optimum's path flows (column generation).

Both results are :class:`PathFlows`: one row per path with its OD row, tonnes, cost per
tonne and edges, so criticality and select-link read either the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from connectivity import paths
from connectivity.assign import FlowProblem, PathSolution, default_unserved_penalty, flow_problem
from connectivity.assign.pathsets import trace_paths
from connectivity.errors import UnknownIdError
from connectivity.graph import CompiledNetwork, capacities, edge_costs
from connectivity.tables import Scenario, read_demand, split_intrazonal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DemandArrays", "PathFlows", "demand_rows", "od_nodes", "demand_arrays",
           "least_cost_routes", "so_problem", "with_closed", "path_flows", "cheapest_cost",
           "SERVED_TOL"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Tonnes below which an OD pair counts as not served (solver noise in the LP).
SERVED_TOL = 1e-6


@dataclass(frozen=True, eq=False)
class DemandArrays:
    """The demand rows with positive tonnes, as arrays on the compiled network: origin
    and destination nodes, commodity code (into ``commodities``), tonnes; and the cost
    of each edge per commodity under the scenario (``inf`` = closed)."""

    table: pd.DataFrame
    commodities: list[str]
    origin: IntArray
    destination: IntArray
    commodity: IntArray
    tonnes: FloatArray
    costs: FloatArray

    @property
    def n_od(self) -> int:
        """Number of OD rows."""
        return int(self.tonnes.shape[0])


def demand_rows(
    compiled: CompiledNetwork, demand: pd.DataFrame, *, commodity: str | None = None
) -> pd.DataFrame:
    """The rows of ``demand`` with positive tonnes (of ``commodity`` only, if given),
    checked against the network, that are routed: intrazonal rows (origin = destination)
    stay in their place and are in no flow or figure
    (:func:`~connectivity.tables.demand.split_intrazonal`).

    Raises
    ------
    UnknownIdError
        For a ``commodity`` the network or the demand does not have.
    ValueError
        When no row has positive tonnes.
    """
    table = read_demand(demand, compiled.network)
    if commodity is not None:
        compiled.commodity_index(commodity)  # names the known ones
        if not (table["commodity"] == commodity).any():
            raise UnknownIdError(
                f"commodity={commodity!r}: the demand has no row of it; it has "
                f"{sorted(set(table['commodity']))}"
            )
        table = table[table["commodity"] == commodity]
    table, _ = split_intrazonal(table[table["tonnes_per_year"] > 0].reset_index(drop=True))
    if table.empty:
        raise ValueError("no demand to route: the demand table has no row with tonnes > 0 "
                         "between two places")
    return table


def od_nodes(compiled: CompiledNetwork, table: pd.DataFrame) -> tuple[IntArray, IntArray]:
    """Origin and destination node of each demand row."""
    return (np.array([compiled.origin_node[p] for p in table["origin"]], dtype=np.int64),
            np.array([compiled.destination_node[p] for p in table["destination"]],
                     dtype=np.int64))


def demand_arrays(
    compiled: CompiledNetwork, demand: pd.DataFrame, scenario: Scenario, *,
    commodity: str | None = None,
) -> DemandArrays:  # fmt: skip
    """:func:`demand_rows` as :class:`DemandArrays`, with the scenario's edge costs."""
    table = demand_rows(compiled, demand, commodity=commodity)
    commodities = sorted(set(table["commodity"]))
    code = {k: i for i, k in enumerate(commodities)}
    origin, destination = od_nodes(compiled, table)
    return DemandArrays(
        table=table,
        commodities=commodities,
        origin=origin,
        destination=destination,
        commodity=table["commodity"].map(code).to_numpy(dtype=np.int64),
        tonnes=table["tonnes_per_year"].to_numpy(dtype=np.float64),
        costs=np.column_stack([edge_costs(compiled, k, scenario) for k in commodities]),
    )


@dataclass(frozen=True, eq=False)
class PathFlows:
    """Flows on paths: per path its OD row (``od``), tonnes per year, generalized cost per
    tonne and edges (``edges[start[i]:start[i + 1]]``, origin to destination); per OD row
    the tonnes served (the rest has no route, or no capacity left)."""

    od: IntArray
    flow_t: FloatArray
    cost_usd_per_t: FloatArray
    start: IntArray
    edges: IntArray
    served_t: FloatArray

    @property
    def n_paths(self) -> int:
        """Number of paths."""
        return int(self.od.shape[0])

    @property
    def total_cost_usd(self) -> float:
        """Generalized cost of the served tonnes, USD per year."""
        return float(self.flow_t @ self.cost_usd_per_t)

    def incidence(self, n_edges: int) -> sp.csr_matrix:
        """``n_paths x n_edges``: how often each path uses each edge."""
        rows = np.repeat(np.arange(self.n_paths, dtype=np.int64), np.diff(self.start))
        return sp.csr_matrix((np.ones(self.edges.shape[0]), (rows, self.edges)),
                             shape=(self.n_paths, n_edges))


def least_cost_routes(compiled: CompiledNetwork, d: DemandArrays) -> PathFlows:
    """Each OD row's tonnes on one least-cost route, per commodity (the routes of
    :func:`connectivity.assign_aon`; ties between equal-cost routes may be broken
    another way). A row with no route is not served and has no path."""
    dist = np.full(d.n_od, np.inf)
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    for k in range(len(d.commodities)):
        rows_k = np.flatnonzero(d.commodity == k)
        graph = paths.reweight(compiled.graph, d.costs[:, k])
        for o in np.unique(d.origin[rows_k]).tolist():
            rows = rows_k[d.origin[rows_k] == o]
            dist_o, pred = paths.shortest_path_tree(graph, o)
            dist[rows] = dist_o[d.destination[rows]]
            rows = rows[np.isfinite(dist[rows])]
            if rows.size:
                start, edges = trace_paths(pred[None, :], compiled.tail,
                                           np.zeros(rows.shape[0], dtype=np.int64),
                                           np.full(rows.shape[0], o, dtype=np.int64),
                                           d.destination[rows])
                parts.append((rows, start, edges))
    served = np.isfinite(dist)
    od, start, edges = _concat(parts)
    return PathFlows(od=od, flow_t=d.tonnes[od], cost_usd_per_t=dist[od], start=start,
                     edges=edges, served_t=np.where(served, d.tonnes, 0.0))


def _concat(parts: list[tuple[IntArray, IntArray, IntArray]]) -> tuple[IntArray, IntArray,
                                                                         IntArray]:
    """Lists of (OD rows, CSR offsets, edges) as one CSR list in OD-row order."""
    if not parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64),
                np.zeros(0, dtype=np.int64))
    od = np.concatenate([p[0] for p in parts])
    lengths = np.concatenate([np.diff(p[1]) for p in parts])
    edges = np.concatenate([p[2] for p in parts])
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    order = np.argsort(od, kind="stable")
    new_start = np.zeros(od.shape[0] + 1, dtype=np.int64)
    new_start[1:] = np.cumsum(lengths[order])
    take = (np.repeat(first[order] - new_start[:-1], lengths[order])
            + np.arange(int(new_start[-1]), dtype=np.int64))
    return od[order], new_start, edges[take].astype(np.int64)


def so_problem(compiled: CompiledNetwork, d: DemandArrays, scenario: Scenario) -> FlowProblem:
    """The system-optimum flow problem of ``d`` (capacities of the scenario, unserved
    tonnes at :func:`connectivity.assign.default_unserved_penalty`), as
    :func:`connectivity.assign_system_optimum` builds it."""
    penalty = default_unserved_penalty(compiled, d.costs, d.origin, d.destination, d.commodity)
    edge_cap, group_cap = capacities(compiled, scenario)
    groups = compiled.groups
    return flow_problem(
        compiled.tail, compiled.head, d.costs, d.origin, d.destination, d.tonnes,
        unserved_penalty=penalty, n_nodes=compiled.graph.n_nodes, commodity=d.commodity,
        capacity=edge_cap, groups=[groups.members(g) for g in range(groups.n_groups)],
        group_capacity=group_cap,
    )


def with_closed(problem: FlowProblem, edges: IntArray) -> FlowProblem:
    """``problem`` with ``edges`` closed to every commodity (cost ``inf``): a mask on
    the same arrays, nothing rebuilt or checked again."""
    cost = problem.cost.copy()
    cost[edges, :] = np.inf
    return dataclasses.replace(problem, cost=cost)


def path_flows(problem: FlowProblem, sol: PathSolution) -> PathFlows:
    """The column generation's path flows with their costs (paths without flow left out)."""
    keep = np.flatnonzero(sol.path_flow > 0)
    lengths = np.diff(sol.path_start)
    path_id = np.repeat(np.arange(lengths.shape[0], dtype=np.int64), lengths)
    k = problem.commodity[sol.path_od][path_id]
    cost = np.bincount(path_id, weights=problem.cost[sol.path_edges, k],
                       minlength=lengths.shape[0]).astype(np.float64)
    mask = np.isin(path_id, keep)
    start = np.zeros(keep.shape[0] + 1, dtype=np.int64)
    start[1:] = np.cumsum(lengths[keep])
    return PathFlows(od=sol.path_od[keep], flow_t=sol.path_flow[keep],
                     cost_usd_per_t=cost[keep], start=start,
                     edges=sol.path_edges[mask].astype(np.int64),
                     served_t=problem.tonnes - sol.unserved)


def cheapest_cost(flows: PathFlows, tonnes: FloatArray) -> FloatArray:
    """Per OD row, the generalized cost of its ``tonnes`` cheapest served tonnes (its
    paths taken from the cheapest up; ``tonnes`` at most what it serves)."""
    order = np.lexsort((flows.cost_usd_per_t, flows.od))
    od, f, c = flows.od[order], flows.flow_t[order], flows.cost_usd_per_t[order]
    n_od = int(tonnes.shape[0])
    before = np.cumsum(f) - f  # tonnes of the same OD on cheaper paths, plus earlier ODs
    first = np.zeros(n_od + 1)
    first[1:] = np.cumsum(np.bincount(od, weights=f, minlength=n_od))
    before -= first[od]
    take = np.clip(tonnes[od] - before, 0.0, f)
    out: FloatArray = np.bincount(od, weights=take * c, minlength=n_od).astype(np.float64)
    return out
