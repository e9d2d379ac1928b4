"""Compilation of the expanded network into routing arrays, and scenario cost vectors.

:func:`compile_network` builds the CSR structure once. :func:`edge_costs` turns a
commodity and a :class:`~connectivity.scenario.Scenario` into a generalized-cost
vector over the same edges (``inf`` = closed), and :func:`routing_graph` puts it on the
structure with :func:`connectivity.paths.reweight`, without rebuilding anything.

Generalized cost of edge *e* for commodity *k*, in USD per tonne::

    gc = money * cost_factor[mode] + vot[k] * time * time_factor[mode]
         + carbon_price * co2e / 1000 + risk

Examples
--------
>>> import connectivity as cn
>>> comp = cn.compile_network(cn.load_bundled())
>>> gc = cn.edge_costs(comp, "container")
>>> gc.shape == (comp.n_edges,)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import paths
from connectivity.errors import UnknownIdError
from connectivity.expand import DESTINATION, ORIGIN, ExpandedNetwork, expand
from connectivity.network import Network
from connectivity.scenario import Scenario

__all__ = ["CompiledNetwork", "compile_network", "edge_costs", "routing_graph", "edge_mask"]


@dataclass(frozen=True)
class CompiledNetwork:
    """Frozen routing arrays over the expanded network (edge order = ``expanded.edges``).

    Attributes
    ----------
    expanded
        The expanded network the arrays come from.
    graph
        CSR structure (weights = time in hours; use :func:`routing_graph` for costs).
    tail, head
        Node indices per edge.
    time_h, cost_usd_per_t, co2e_kg_per_t, distance_km, risk_usd_per_t, dwell_h
        Attribute arrays per edge.
    origin_node, destination_node
        Node index of each place's origin and destination node, by place id.
    """

    expanded: ExpandedNetwork
    graph: paths.CSRGraph
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    time_h: NDArray[np.float64]
    cost_usd_per_t: NDArray[np.float64]
    co2e_kg_per_t: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    risk_usd_per_t: NDArray[np.float64]
    dwell_h: NDArray[np.float64]
    origin_node: dict[str, int]
    destination_node: dict[str, int]

    def __repr__(self) -> str:
        return (f"CompiledNetwork({self.graph.n_nodes} nodes, {self.n_edges} edges, "
                f"{len(self.origin_node)} places)")

    @property
    def network(self) -> Network:
        """The validated tables."""
        return self.expanded.network

    @property
    def n_edges(self) -> int:
        """Number of virtual edges."""
        return int(self.tail.shape[0])

    @property
    def edges(self) -> pd.DataFrame:
        """The virtual edge table."""
        return self.expanded.edges


def compile_network(network: Network | ExpandedNetwork) -> CompiledNetwork:
    """Compile a network (or an already expanded one) into routing arrays.

    Parameters
    ----------
    network
        Validated tables, or their expansion.

    Returns
    -------
    CompiledNetwork
    """
    expanded = network if isinstance(network, ExpandedNetwork) else expand(network)
    edges, nodes = expanded.edges, expanded.nodes
    tail = edges["tail"].to_numpy(dtype=np.int64)
    head = edges["head"].to_numpy(dtype=np.int64)
    time_h = edges["time_h"].to_numpy(dtype=np.float64)
    graph = paths.from_arrays(tail, head, time_h, len(nodes))
    dwell = np.zeros(len(edges))
    crossings = expanded.network.crossings.set_index("crossing_id")["dwell_h"]
    has_crossing = edges["crossing_id"].to_numpy() != ""
    if has_crossing.any():
        dwell[has_crossing] = crossings.loc[edges.loc[has_crossing, "crossing_id"]].to_numpy()
    origin = nodes[nodes["terminal"] == ORIGIN]
    dest = nodes[nodes["terminal"] == DESTINATION]
    return CompiledNetwork(
        expanded=expanded,
        graph=graph,
        tail=tail,
        head=head,
        time_h=time_h,
        cost_usd_per_t=edges["cost_usd_per_t"].to_numpy(dtype=np.float64),
        co2e_kg_per_t=edges["co2e_kg_per_t"].to_numpy(dtype=np.float64),
        distance_km=edges["distance_km"].to_numpy(dtype=np.float64),
        risk_usd_per_t=edges["risk_usd_per_t"].to_numpy(dtype=np.float64),
        dwell_h=dwell,
        origin_node=dict(zip(origin["place_id"], origin["node"].astype(int), strict=True)),
        destination_node=dict(zip(dest["place_id"], dest["node"].astype(int), strict=True)),
    )


def _commodity_row(compiled: CompiledNetwork, commodity: str) -> pd.Series:
    table = compiled.network.commodities
    match = table[table["commodity"] == commodity]
    if match.empty:
        raise UnknownIdError(
            f"unknown commodity {commodity!r}; known: {sorted(table['commodity'])}"
        )
    row: pd.Series = match.iloc[0]
    return row


def _check_ids(kind: str, given: tuple[str, ...], known: set[str]) -> None:
    bad = [x for x in given if x not in known]
    if bad:
        raise UnknownIdError(f"scenario: unknown {kind} id(s) {bad}")


def edge_mask(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> NDArray[np.bool_]:
    """Which edges are open for ``commodity`` under ``scenario``.

    Raises
    ------
    UnknownIdError
        For an unknown commodity, or a scenario naming an unknown id.
    """
    scenario = scenario or Scenario()
    net = compiled.network
    edges = compiled.edges
    row = _commodity_row(compiled, commodity)
    allowed = {m.strip() for m in str(row["allowed_modes"]).split(";") if m.strip()}
    if scenario.modes is not None:
        allowed &= set(scenario.modes)

    link_ids = set(net.links["link_id"])
    crossing_ids = set(net.crossings["crossing_id"])
    place_ids = set(net.places["place_id"])
    _check_ids("link or crossing", scenario.projects, link_ids | crossing_ids)
    _check_ids("link", scenario.closed_links, link_ids)
    _check_ids("crossing", scenario.closed_crossings, crossing_ids)
    _check_ids("place", scenario.closed_places, place_ids)

    mode = edges["mode"].to_numpy()
    kind = edges["kind"].to_numpy()
    mask = np.ones(len(edges), dtype=bool)
    is_link_like = kind != "transfer"
    mask &= ~is_link_like | np.isin(mode, sorted(allowed))
    terminal_mode = np.array(
        [t.split("_")[0] for t in edges["from_terminal"]], dtype=object
    ), np.array([t.split("_")[0] for t in edges["to_terminal"]], dtype=object)
    is_transfer = kind == "transfer"
    for term in terminal_mode:
        ok = np.isin(term, sorted(allowed))
        mask &= ~is_transfer | ok

    projects = set(scenario.projects)
    status = edges["status"].to_numpy()
    year_open = edges["year_open"]
    link_col = edges["link_id"].to_numpy()
    opened = status == "existing"
    if scenario.year is not None:
        opened |= (year_open.notna() & (year_open.fillna(10**6) <= scenario.year)).to_numpy()
    opened |= np.isin(link_col, sorted(projects))
    mask &= opened | (kind != "link")

    crossing_col = edges["crossing_id"].to_numpy()
    cross = net.crossings
    if len(cross):
        c_status = cross["status"].fillna("existing").to_numpy()
        c_year = cross["year_open"]
        c_open = c_status == "existing"
        if scenario.year is not None:
            c_open |= (c_year.notna() & (c_year.fillna(10**6) <= scenario.year)).to_numpy()
        c_open |= cross["crossing_id"].isin(projects).to_numpy()
        closed_crossings = set(cross["crossing_id"][~c_open]) | set(scenario.closed_crossings)
        mask &= ~np.isin(crossing_col, sorted(closed_crossings))
    mask &= ~np.isin(link_col, sorted(scenario.closed_links))

    closed_places = set(scenario.closed_places)
    if scenario.avoid_countries:
        places = net.places
        closed_places |= set(places["place_id"][places["country"].isin(scenario.avoid_countries)])
    if closed_places:
        names = sorted(closed_places)
        mask &= ~(
            edges["from_place"].isin(names).to_numpy() | edges["to_place"].isin(names).to_numpy()
        )
    return mask


def edge_costs(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> NDArray[np.float64]:
    """Generalized cost per edge in USD per tonne; ``inf`` where the edge is closed.

    Parameters
    ----------
    compiled
        The compiled network.
    commodity
        Commodity id (its value of time and allowed modes apply).
    scenario
        Closures, factors and carbon price; the base scenario if omitted.

    Returns
    -------
    numpy.ndarray
        One float64 per edge, in edge order.
    """
    scenario = scenario or Scenario()
    row = _commodity_row(compiled, commodity)
    vot = float(row["value_of_time_usd_per_t_h"])
    time_h, money = _scaled_time_money(compiled, scenario)
    gc = (
        money
        + vot * time_h
        + scenario.carbon_price_usd_per_t_co2e * compiled.co2e_kg_per_t / 1000.0
        + compiled.risk_usd_per_t
    )
    mask = edge_mask(compiled, commodity, scenario)
    return np.where(mask, gc, np.inf)


def _scaled_time_money(
    compiled: CompiledNetwork, scenario: Scenario
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    time_h = compiled.time_h.copy()
    money = compiled.cost_usd_per_t.copy()
    if scenario.dwell_factor != 1.0:
        time_h += (scenario.dwell_factor - 1.0) * compiled.dwell_h
    if scenario.time_factor or scenario.cost_factor:
        mode = compiled.edges["mode"].to_numpy()
        is_link = compiled.edges["kind"].to_numpy() == "link"
        for m, f in scenario.time_factor.items():
            sel = is_link & (mode == m)
            line_haul = compiled.time_h[sel] - compiled.dwell_h[sel]
            time_h[sel] += (f - 1.0) * line_haul
        for m, f in scenario.cost_factor.items():
            sel = is_link & (mode == m)
            money[sel] *= f
    return time_h, money


def scenario_attributes(
    compiled: CompiledNetwork, scenario: Scenario | None = None
) -> dict[str, NDArray[np.float64]]:
    """Per-edge time, money, CO2e, distance under ``scenario`` (for route reporting)."""
    time_h, money = _scaled_time_money(compiled, scenario or Scenario())
    return {
        "time_h": time_h,
        "cost_usd_per_t": money,
        "co2e_kg_per_t": compiled.co2e_kg_per_t,
        "distance_km": compiled.distance_km,
    }


def routing_graph(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> paths.CSRGraph:
    """The compiled structure weighted by :func:`edge_costs` (no rebuild)."""
    return paths.reweight(compiled.graph, edge_costs(compiled, commodity, scenario))
