"""Freight flows on the network: all-or-nothing, system optimum (LP), user equilibrium.

Each method is one function returning one :class:`Assignment`, so results compare
side by side:

- :func:`assign_aon` loads every OD pair on its least generalized-cost route (in the
  compiled kernel, :func:`connectivity.paths.all_or_nothing`), per commodity;
- :func:`assign_system_optimum` solves the capacity-constrained system optimum LP
  (:mod:`connectivity.sysopt`): link capacities per direction, border-crossing
  capacities as shared constraints, unserved demand at a penalty; it reports the
  shadow price of every binding capacity (USD per tonne of extra annual capacity);
- :func:`assign_equilibrium` finds the user equilibrium (:mod:`connectivity.equilibrium`)
  with BPR delay on links and a queueing delay at border crossings.

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

from connectivity import paths
from connectivity.compiled import CompiledNetwork, compile_network, edge_costs
from connectivity.demand import read_demand
from connectivity.errors import UnknownIdError
from connectivity.network import Network
from connectivity.scenario import Scenario
from connectivity.solve import SolveResult

__all__ = [
    "Assignment",
    "assign_aon",
    "assign_system_optimum",
    "assign_equilibrium",
    "SERVICE_UNIT_T",
]

#: Tonnes served as one unit at a border-crossing queue (a train, a truck), used to turn
#: a crossing's annual capacity into the service time of the queueing delay.
SERVICE_UNIT_T = {"rail": 1000.0, "road": 20.0}


@dataclass(frozen=True)
class Assignment:
    """Flows of one assignment method, mapped back to links and crossings.

    Attributes
    ----------
    method
        ``aon``, ``so`` or ``ue``.
    scenario
        Scenario name.
    commodities
        Commodity ids, the columns of ``edge_flow_by_commodity``.
    edge_flow_t, edge_flow_by_commodity
        Tonnes per year on each virtual edge (total, and per commodity).
    edge_cost_by_commodity
        Generalized cost per tonne of each edge and commodity that the flows face
        (congested for the user equilibrium; ``inf`` where closed).
    links
        One row per link direction: ``link_id``, ``from_place``, ``to_place``, ``mode``,
        ``crossing_id``, ``flow_t_per_year``, ``capacity_t_per_year``, ``utilisation``,
        ``shadow_price_usd_per_t`` (system optimum only; NaN otherwise).
    crossings
        One row per crossing and direction with its flow, capacity, utilisation and
        shadow price.
    terminals
        One row per terminal with a throughput capacity (``place_id``, ``terminal``,
        ``name``): tonnes handled per year (every tonne entering the terminal, in either
        direction), capacity, utilisation and shadow price.
    unserved
        OD pairs (``origin``, ``destination``, ``commodity``) with unserved tonnes.
    total_cost_usd
        Generalized cost of the served flows, USD per year (the unserved penalty is
        not included; see ``unserved``).
    total_tkm, total_t_h, total_co2e_t
        Tonne-km, tonne-hours and tonnes of CO2e per year of the served flows.
    seconds
        Wall time of the assignment.
    solve
        What the LP solver reported (system optimum only).
    relative_gap
        Relative gap per iteration (user equilibrium only).
    """

    method: str
    scenario: str
    commodities: tuple[str, ...]
    edge_flow_t: NDArray[np.float64]
    edge_flow_by_commodity: NDArray[np.float64]
    edge_cost_by_commodity: NDArray[np.float64]
    links: pd.DataFrame
    crossings: pd.DataFrame
    terminals: pd.DataFrame
    unserved: pd.DataFrame
    total_cost_usd: float
    total_tkm: float
    total_t_h: float
    total_co2e_t: float
    seconds: float
    solve: SolveResult | None = None
    relative_gap: NDArray[np.float64] | None = None

    def __repr__(self) -> str:
        return (
            f"Assignment(method={self.method!r}, scenario={self.scenario!r}, "
            f"commodities={len(self.commodities)}, total_cost_usd={self.total_cost_usd:.6g}, "
            f"total_tkm={self.total_tkm:.6g}, unserved_t={self.unserved_t:.6g})"
        )

    @property
    def unserved_t(self) -> float:
        """Total unserved tonnes per year."""
        return float(self.unserved["tonnes_per_year"].sum()) if len(self.unserved) else 0.0

    def binding(self) -> pd.DataFrame:
        """Binding capacities (links, crossings, terminals) with shadow prices, largest first.

        A terminal's ``id`` is ``place_id/terminal`` and both its places are the place.
        """
        rows = []
        terminals = self.terminals.assign(
            term_id=self.terminals["place_id"] + "/" + self.terminals["terminal"],
            from_place=self.terminals["place_id"], to_place=self.terminals["place_id"])
        for kind, frame, key in (("link", self.links, "link_id"),
                                 ("crossing", self.crossings, "crossing_id"),
                                 ("terminal", terminals, "term_id")):
            sel = frame[frame["shadow_price_usd_per_t"].fillna(0.0) > 1e-9]
            for row in sel.itertuples(index=False):
                rows.append({
                    "kind": kind, "id": getattr(row, key), "from_place": row.from_place,
                    "to_place": row.to_place, "flow_t_per_year": row.flow_t_per_year,
                    "capacity_t_per_year": row.capacity_t_per_year,
                    "shadow_price_usd_per_t": row.shadow_price_usd_per_t,
                })
        out = pd.DataFrame(rows, columns=["kind", "id", "from_place", "to_place",
                                          "flow_t_per_year", "capacity_t_per_year",
                                          "shadow_price_usd_per_t"])
        return out.sort_values("shadow_price_usd_per_t", ascending=False, ignore_index=True)


def _prepare(
    network: Network | CompiledNetwork, demand: pd.DataFrame
) -> tuple[CompiledNetwork, pd.DataFrame, list[str]]:
    compiled = network if isinstance(network, CompiledNetwork) else compile_network(network)
    table = read_demand(demand, compiled.network)
    table = table[table["tonnes_per_year"] > 0].reset_index(drop=True)
    commodities = sorted(set(table["commodity"]))
    return compiled, table, commodities


def _crossing_groups(
    compiled: CompiledNetwork,
) -> tuple[list[tuple[str, bool]], list[NDArray[np.int64]], NDArray[np.float64]]:
    """Edges of each crossing direction that has a capacity, and that capacity."""
    edges = compiled.edges
    cross = compiled.network.crossings
    cap = {
        cid: float(c) for cid, c, unit in zip(cross["crossing_id"], cross["capacity"],
                                             cross["capacity_unit"], strict=True)
        if pd.notna(c) and unit == "t_per_year"
    }
    keys: list[tuple[str, bool]] = []
    members: list[NDArray[np.int64]] = []
    caps: list[float] = []
    has = edges["crossing_id"].isin(list(cap)).to_numpy()
    idx = np.flatnonzero(has)
    frame = pd.DataFrame({"e": idx, "cid": edges["crossing_id"].to_numpy()[idx],
                          "rev": edges["reverse"].to_numpy()[idx]})
    for (cid, rev), grp in frame.groupby(["cid", "rev"], sort=True):
        keys.append((str(cid), bool(rev)))
        members.append(grp["e"].to_numpy(dtype=np.int64))
        caps.append(cap[str(cid)])
    return keys, members, np.asarray(caps, dtype=np.float64)


_TERMINAL_COLUMNS = ["place_id", "terminal", "name", "flow_t_per_year",
                     "capacity_t_per_year", "utilisation", "shadow_price_usd_per_t"]


def _terminal_groups(
    compiled: CompiledNetwork,
) -> tuple[list[tuple[str, str]], list[NDArray[np.int64]], NDArray[np.float64]]:
    """Edges entering each terminal with a throughput capacity, and that capacity.

    Every tonne handled at a terminal enters its node once, whether it arrives by a
    link or is loaded or transferred there, so the throughput is the flow on the
    terminal node's incoming edges (both directions of traffic together).
    """
    table = compiled.network.throughput
    nodes = compiled.expanded.nodes
    node_of = {(str(p), str(t)): int(n) for p, t, n in zip(
        nodes["place_id"], nodes["terminal"], nodes["node"], strict=True)}
    heads = np.asarray(compiled.head, dtype=np.int64)
    keys: list[tuple[str, str]] = []
    members: list[NDArray[np.int64]] = []
    caps: list[float] = []
    for row in table.itertuples(index=False):
        key = (str(row.place_id), str(row.terminal))
        keys.append(key)
        members.append(np.flatnonzero(heads == node_of[key]).astype(np.int64))
        caps.append(float(row.capacity))
    return keys, members, np.asarray(caps, dtype=np.float64)


def _summarise(
    method: str,
    compiled: CompiledNetwork,
    scenario: Scenario,
    commodities: list[str],
    flow_by_commodity: NDArray[np.float64],
    costs: NDArray[np.float64],
    unserved: pd.DataFrame,
    seconds: float,
    *,
    edge_time_h: NDArray[np.float64] | None = None,
    edge_shadow: NDArray[np.float64] | None = None,
    group_shadow: dict[tuple[str, bool], float] | None = None,
    terminal_shadow: dict[tuple[str, str], float] | None = None,
    solve: SolveResult | None = None,
    relative_gap: NDArray[np.float64] | None = None,
) -> Assignment:
    edges = compiled.edges
    flow = flow_by_commodity.sum(axis=1)
    is_link = edges["kind"].to_numpy() == "link"
    cap = edges["capacity_t_per_year"].to_numpy(dtype=np.float64)
    links = edges.loc[is_link, ["link_id", "from_place", "to_place", "mode",
                                "crossing_id", "reverse"]].copy()
    links["flow_t_per_year"] = flow[is_link]
    links["capacity_t_per_year"] = cap[is_link]
    with np.errstate(divide="ignore", invalid="ignore"):
        links["utilisation"] = np.where(np.isfinite(cap[is_link]),
                                        flow[is_link] / cap[is_link], np.nan)
    links["shadow_price_usd_per_t"] = (
        edge_shadow[is_link] if edge_shadow is not None else np.nan)
    links = links.reset_index(drop=True)

    keys, members, caps = _crossing_groups(compiled)
    cap_of = {k: c for k, c in zip(keys, caps, strict=True)}
    cross_rows = []
    has = edges["crossing_id"].to_numpy() != ""
    frame = pd.DataFrame({"cid": edges["crossing_id"].to_numpy()[has],
                          "rev": edges["reverse"].to_numpy()[has],
                          "from_place": edges["from_place"].to_numpy()[has],
                          "to_place": edges["to_place"].to_numpy()[has],
                          "flow": flow[has]})
    for (cid, rev), grp in frame.groupby(["cid", "rev"], sort=True):
        key = (str(cid), bool(rev))
        c = cap_of.get(key, np.inf)
        f = float(grp["flow"].sum())
        cross_rows.append({
            "crossing_id": cid, "from_place": grp["from_place"].iloc[0],
            "to_place": grp["to_place"].iloc[0], "flow_t_per_year": f,
            "capacity_t_per_year": c,
            "utilisation": f / c if np.isfinite(c) else np.nan,
            "shadow_price_usd_per_t": (group_shadow.get(key, 0.0)
                                       if group_shadow is not None else np.nan),
        })
    crossings = pd.DataFrame(cross_rows, columns=[
        "crossing_id", "from_place", "to_place", "flow_t_per_year", "capacity_t_per_year",
        "utilisation", "shadow_price_usd_per_t"])
    t_keys, t_members, t_caps = _terminal_groups(compiled)
    names = compiled.network.throughput["name"].tolist()
    term_rows = []
    for tkey, mem, c, name in zip(t_keys, t_members, t_caps, names, strict=True):
        f = float(flow[mem].sum())
        term_rows.append({
            "place_id": tkey[0], "terminal": tkey[1], "name": name or "",
            "flow_t_per_year": f, "capacity_t_per_year": float(c),
            "utilisation": f / c if c > 0 else np.nan,
            "shadow_price_usd_per_t": (terminal_shadow.get(tkey, 0.0)
                                       if terminal_shadow is not None else np.nan),
        })
    terminals = pd.DataFrame(term_rows, columns=_TERMINAL_COLUMNS)
    finite = np.where(np.isfinite(costs), costs, 0.0)
    time_h = compiled.time_h if edge_time_h is None else edge_time_h
    return Assignment(
        method=method,
        scenario=scenario.name,
        commodities=tuple(commodities),
        edge_flow_t=flow,
        edge_flow_by_commodity=flow_by_commodity,
        edge_cost_by_commodity=costs,
        links=links,
        crossings=crossings,
        terminals=terminals,
        unserved=unserved,
        total_cost_usd=float((finite * flow_by_commodity).sum()),
        total_tkm=float(flow @ compiled.distance_km),
        total_t_h=float(flow @ time_h),
        total_co2e_t=float(flow @ compiled.co2e_kg_per_t) / 1000.0,
        seconds=seconds,
        solve=solve,
        relative_gap=relative_gap,
    )


def _cost_matrix(
    compiled: CompiledNetwork, commodities: list[str], scenario: Scenario
) -> NDArray[np.float64]:
    return np.column_stack([edge_costs(compiled, k, scenario) for k in commodities])


def _od_nodes(compiled: CompiledNetwork, table: pd.DataFrame) -> tuple[
        NDArray[np.int64], NDArray[np.int64]]:
    o = np.array([compiled.origin_node[p] for p in table["origin"]], dtype=np.int64)
    d = np.array([compiled.destination_node[p] for p in table["destination"]], dtype=np.int64)
    return o, d


_UNSERVED_COLUMNS = ["origin", "destination", "commodity", "tonnes_per_year"]


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
    compiled, table, commodities = _prepare(network, demand)
    costs = _cost_matrix(compiled, commodities, scenario)
    flows = np.zeros((compiled.n_edges, len(commodities)))
    unserved = []
    o_all, d_all = _od_nodes(compiled, table)
    for k, commodity in enumerate(commodities):
        sel = (table["commodity"] == commodity).to_numpy()
        graph = paths.reweight(compiled.graph, costs[:, k])
        origins, o_inv = np.unique(o_all[sel], return_inverse=True)
        dests, d_inv = np.unique(d_all[sel], return_inverse=True)
        matrix = np.zeros((len(origins), len(dests)))
        np.add.at(matrix, (o_inv, d_inv), table.loc[sel, "tonnes_per_year"].to_numpy())
        reach = np.isfinite(paths.distances(graph, origins, dests))
        lost = (matrix > 0) & ~reach
        for i, j in zip(*np.nonzero(lost), strict=True):
            rows = table[sel].iloc[np.flatnonzero((o_inv == i) & (d_inv == j))]
            unserved.extend(rows[_UNSERVED_COLUMNS].to_dict("records"))
        matrix[lost] = 0.0
        flows[:, k] = paths.all_or_nothing(graph, origins, dests, matrix)
    return _summarise("aon", compiled, scenario, commodities, flows, costs,
                      pd.DataFrame(unserved, columns=_UNSERVED_COLUMNS),
                      time.perf_counter() - start)


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
        :func:`connectivity.sysopt.system_optimum`).
    solver
        ``"highs"`` (default) or ``"cbc"`` (origin formulation only).
    time_limit
        Seconds; a run stopped by it is reported with status ``TIME_LIMIT``.
    msg
        Show the solver's log (quiet by default).

    Returns
    -------
    Assignment
        With ``solve`` (status, objective, bound, gap) and shadow prices.
    """
    from connectivity.sysopt import system_optimum

    start = time.perf_counter()
    scenario = scenario or Scenario()
    compiled, table, commodities = _prepare(network, demand)
    costs = _cost_matrix(compiled, commodities, scenario)
    o, d = _od_nodes(compiled, table)
    k_of = {c: i for i, c in enumerate(commodities)}
    kk = table["commodity"].map(k_of).to_numpy(dtype=np.int64)
    if unserved_penalty_usd_per_t is None:
        worst = 0.0
        for k in range(len(commodities)):
            sel = kk == k
            graph = paths.reweight(compiled.graph, costs[:, k])
            origins, o_inv = np.unique(o[sel], return_inverse=True)
            dist = paths.distances(graph, origins, d[sel])
            vals = dist[o_inv, np.arange(sel.sum())]
            if np.isfinite(vals).any():
                worst = max(worst, float(vals[np.isfinite(vals)].max()))
        unserved_penalty_usd_per_t = 2.0 * worst + 1000.0
    if not unserved_penalty_usd_per_t > 0:
        raise ValueError(
            f"unserved_penalty_usd_per_t={unserved_penalty_usd_per_t} must be positive")
    keys, members, caps = _crossing_groups(compiled)
    t_keys, t_members, t_caps = _terminal_groups(compiled)
    result = system_optimum(
        compiled.tail, compiled.head, costs, o, d,
        table["tonnes_per_year"].to_numpy(dtype=np.float64),
        unserved_penalty=unserved_penalty_usd_per_t,
        n_nodes=compiled.graph.n_nodes, commodity=kk,
        capacity=compiled.edges["capacity_t_per_year"].to_numpy(dtype=np.float64),
        groups=[m.tolist() for m in [*members, *t_members]],
        group_capacity=np.concatenate([caps, t_caps]),
        formulation=formulation, solver=solver, time_limit=time_limit, msg=msg,
    )
    lost = result.unserved > 1e-6
    unserved = table.loc[lost, _UNSERVED_COLUMNS[:3]].copy()
    unserved["tonnes_per_year"] = result.unserved[lost]
    return _summarise(
        "so", compiled, scenario, commodities, result.flow_by_commodity, costs,
        unserved.reset_index(drop=True), time.perf_counter() - start,
        edge_shadow=result.edge_shadow_price,
        group_shadow={k: float(v) for k, v in zip(
            keys, result.group_shadow_price[:len(keys)], strict=True)},
        terminal_shadow={k: float(v) for k, v in zip(
            t_keys, result.group_shadow_price[len(keys):], strict=True)},
        solve=result.solve,
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
) -> Assignment:
    """User equilibrium: no shipper can cut its generalized cost by changing route.

    Single class: every tonne is valued with ``commodity``'s value of time and allowed
    modes (a multi-class equilibrium is not implemented). Link time grows by BPR
    (``alpha``, ``beta``) where a link has a capacity; a border crossing with a capacity
    adds a queueing delay whose service unit is a train (1,000 t) or a truck (20 t).
    Generalized cost = money + carbon + risk + value of time x congested time.

    Returns
    -------
    Assignment
        With ``relative_gap`` per iteration.
    """
    from connectivity.compiled import scenario_attributes
    from connectivity.equilibrium import user_equilibrium

    start = time.perf_counter()
    scenario = scenario or Scenario()
    compiled = network if isinstance(network, CompiledNetwork) else compile_network(network)
    table = read_demand(demand, compiled.network)
    table = table[table["tonnes_per_year"] > 0].reset_index(drop=True)
    comm = compiled.network.commodities.set_index("commodity")
    if commodity not in comm.index:
        raise UnknownIdError(f"unknown commodity {commodity!r}; known: {sorted(comm.index)}")
    vot = float(comm.at[commodity, "value_of_time_usd_per_t_h"])
    if not vot > 0:
        raise ValueError(f"commodity {commodity!r} has value of time {vot}; UE needs > 0")
    gc = edge_costs(compiled, commodity, scenario)
    attrs = scenario_attributes(compiled, scenario)
    open_ = np.isfinite(gc)
    t0 = vot * attrs["time_h"]
    fixed = np.where(open_, gc - t0, 0.0)
    # Closed edges get a prohibitive free-flow cost instead of inf so the VDF stays finite.
    t0 = np.where(open_, t0, 1e12)
    edges = compiled.edges
    capacity = edges["capacity_t_per_year"].to_numpy(dtype=np.float64).copy()
    queue = np.zeros(compiled.n_edges, dtype=bool)
    service = np.zeros(compiled.n_edges)
    keys, members, caps = _crossing_groups(compiled)
    modes = edges["mode"].to_numpy()
    for grp, cap in zip(members, caps, strict=True):
        for e in grp:
            queue[e] = True
            capacity[e] = cap
            unit = SERVICE_UNIT_T.get(str(modes[e]), 20.0)
            service[e] = vot * unit * 8760.0 / cap
    o, d = _od_nodes(compiled, table)
    origins, o_inv = np.unique(o, return_inverse=True)
    dests, d_inv = np.unique(d, return_inverse=True)
    matrix = np.zeros((len(origins), len(dests)))
    np.add.at(matrix, (o_inv, d_inv), table["tonnes_per_year"].to_numpy())
    result = user_equilibrium(
        compiled.tail, compiled.head, t0, capacity, origins, dests, matrix,
        n_nodes=compiled.graph.n_nodes, alpha=alpha, beta=beta, queue=queue,
        service_time=service, toll=fixed, toll_factor=1.0, algorithm=algorithm,
        gap=gap, max_iter=max_iter,
    )
    flows = result.flow[:, None]
    congested_time_h = result.time / vot
    return _summarise(
        "ue", compiled, scenario, [commodity], flows,
        np.where(open_, fixed + result.time, np.inf)[:, None],
        pd.DataFrame(columns=_UNSERVED_COLUMNS), time.perf_counter() - start,
        edge_time_h=congested_time_h, relative_gap=result.relative_gap,
    )
