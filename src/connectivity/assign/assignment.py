"""The result of an assignment on the network, mapped back to links, crossings and
terminals through the compiled id arrays.

:func:`summarise` turns per-edge flows into an :class:`Assignment`; every table it
builds reads the integer codes of the compiled network, not the network's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity.graph import LINK, CompiledNetwork
from connectivity.optimize import SolveResult
from connectivity.tables import MODES

__all__ = ["Assignment", "EdgeFlows", "ShadowPrices", "summarise", "UNSERVED_COLUMNS"]

UNSERVED_COLUMNS = ["origin", "destination", "commodity", "tonnes_per_year"]
_CROSSING_COLUMNS = ["crossing_id", "from_place", "to_place", "flow_t_per_year",
                     "capacity_t_per_year", "utilisation", "shadow_price_usd_per_t"]
_TERMINAL_COLUMNS = ["place_id", "terminal", "name", "flow_t_per_year",
                     "capacity_t_per_year", "utilisation", "shadow_price_usd_per_t"]


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
    intrazonal
        Demand rows whose origin is their destination (``origin``, ``destination``,
        ``commodity``, ``tonnes_per_year``): they stay in their place and are not
        routed, so they are in no flow, cost or total above, nor unserved.
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
    intrazonal: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=UNSERVED_COLUMNS))

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

    @property
    def intrazonal_t(self) -> float:
        """Total intrazonal tonnes per year (not routed)."""
        return (float(self.intrazonal["tonnes_per_year"].sum()) if len(self.intrazonal)
                else 0.0)

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


@dataclass(frozen=True)
class EdgeFlows:
    """What an assignment method put on the edges, per commodity.

    ``by_commodity`` and ``costs`` are ``n_edges x len(commodities)`` (tonnes per year;
    generalized cost per tonne, ``inf`` where closed); ``time_h`` is the time the flows
    meet, per edge (the congested time of an equilibrium) or per edge and commodity (the
    scenario's times, with each commodity's border dwell); ``None``: the compiled times.
    """

    commodities: list[str]
    by_commodity: NDArray[np.float64]
    costs: NDArray[np.float64]
    time_h: NDArray[np.float64] | None = None


@dataclass(frozen=True)
class ShadowPrices:
    """USD saved per tonne of extra capacity: per edge, and per capacity group of
    ``compiled.groups`` (crossing directions, then terminals)."""

    edge: NDArray[np.float64]
    group: NDArray[np.float64]


def summarise(  # noqa: PLR0913 (the parts of the result, options by keyword)
    method: str,
    compiled: CompiledNetwork,
    flows: EdgeFlows,
    *,
    scenario_name: str,
    unserved: pd.DataFrame,
    seconds: float,
    prices: ShadowPrices | None = None,
    solve: SolveResult | None = None,
    relative_gap: NDArray[np.float64] | None = None,
    capacity: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    intrazonal: pd.DataFrame | None = None,
) -> Assignment:
    """An :class:`Assignment` from the flows a method put on the edges.

    Without ``prices`` (all-or-nothing, equilibrium) the shadow-price columns are NaN.
    ``capacity`` is the scenario's capacity per edge and per capacity group (see
    :func:`connectivity.graph.capacities`: projects add to them); ``None``: the compiled
    ones. ``intrazonal``: the demand rows left in their place (none when ``None``).
    """
    flow = flows.by_commodity.sum(axis=1)
    finite = np.where(np.isfinite(flows.costs), flows.costs, 0.0)
    if flows.time_h is None:
        total_t_h = _dot(flow, compiled.time_h)
    elif flows.time_h.ndim == 1:
        total_t_h = _dot(flow, flows.time_h)
    else:  # per commodity; a closed edge carries no flow, whatever its time
        used = flows.by_commodity > 0
        total_t_h = float(np.einsum("ij,ij->", np.where(used, flows.by_commodity, 0.0),
                                    np.where(used, flows.time_h, 0.0)))
    edge_cap, group_cap = (capacity if capacity is not None
                           else (compiled.capacity_t_per_year, compiled.groups.capacity))
    group_shadow = prices.group if prices is not None else None
    return Assignment(
        method=method,
        scenario=scenario_name,
        commodities=tuple(flows.commodities),
        edge_flow_t=flow,
        edge_flow_by_commodity=flows.by_commodity,
        edge_cost_by_commodity=flows.costs,
        links=_link_table(compiled, flow, prices.edge if prices is not None else None,
                          edge_cap),
        crossings=_crossing_table(compiled, flow, group_shadow, group_cap),
        terminals=_terminal_table(compiled, flow, group_shadow, group_cap),
        unserved=unserved,
        total_cost_usd=float((finite * flows.by_commodity).sum()),
        total_tkm=_dot(flow, compiled.distance_km),
        total_t_h=total_t_h,
        total_co2e_t=_dot(flow, compiled.co2e_kg_per_t) / 1000.0,
        seconds=seconds,
        solve=solve,
        relative_gap=relative_gap,
        intrazonal=(intrazonal[UNSERVED_COLUMNS].reset_index(drop=True)
                    if intrazonal is not None else pd.DataFrame(columns=UNSERVED_COLUMNS)),
    )


def _dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Dot product without BLAS: OpenBLAS's threads keep spinning for a while after a
    large dot (about 0.1 s of a second core per scenario on a 100k-node network, taken
    from the other worker of a sweep), and their split of the sum depends on the
    machine's core count."""
    return float(np.einsum("i,i->", a, b))


def _ids(ids: NDArray[np.object_], codes: NDArray[np.int32]) -> NDArray[np.object_]:
    """``ids[codes]`` with ``""`` where the code is ``-1``."""
    out = np.full(codes.shape[0], "", dtype=object)
    has = codes >= 0
    out[has] = ids[codes[has]]
    return out


def _link_table(
    c: CompiledNetwork, flow: NDArray[np.float64], edge_shadow: NDArray[np.float64] | None,
    edge_cap: NDArray[np.float64],
) -> pd.DataFrame:
    """One row per link direction."""
    sel = np.flatnonzero(c.edge_kind == LINK)
    cap = edge_cap[sel]
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(np.isfinite(cap), flow[sel] / cap, np.nan)
    return pd.DataFrame({
        "link_id": c.link_ids[c.edge_link[sel]],
        "from_place": c.place_ids[c.edge_from_place[sel]],
        "to_place": c.place_ids[c.edge_to_place[sel]],
        "mode": np.asarray(MODES, dtype=object)[c.edge_mode[sel]],
        "crossing_id": _ids(c.crossing_ids, c.edge_crossing[sel]),
        "reverse": c.edge_reverse[sel],
        "flow_t_per_year": flow[sel],
        "capacity_t_per_year": cap,
        "utilisation": utilisation,
        "shadow_price_usd_per_t": edge_shadow[sel] if edge_shadow is not None else np.nan,
    })


def _crossing_table(
    c: CompiledNetwork, flow: NDArray[np.float64], group_shadow: NDArray[np.float64] | None,
    group_cap: NDArray[np.float64],
) -> pd.DataFrame:
    """One row per crossing and direction, by crossing id (capacity ``inf`` if none)."""
    groups = c.groups
    capacity: dict[tuple[int, bool], float] = {}
    shadow: dict[tuple[int, bool], float] = {}
    for g in np.flatnonzero(groups.kind == "crossing").tolist():
        key = (int(groups.crossing[g]), bool(groups.reverse[g]))
        capacity[key] = float(group_cap[g])
        if group_shadow is not None:
            shadow[key] = float(group_shadow[g])
    members: dict[tuple[str, bool, int], list[int]] = {}
    for e in np.flatnonzero(c.edge_crossing >= 0).tolist():
        x = int(c.edge_crossing[e])
        members.setdefault((str(c.crossing_ids[x]), bool(c.edge_reverse[e]), x), []).append(e)
    rows = []
    for cid, rev, x in sorted(members):
        edges = members[(cid, rev, x)]
        cap = capacity.get((x, rev), np.inf)
        f = float(flow[edges].sum())
        rows.append({
            "crossing_id": cid,
            "from_place": c.place_ids[c.edge_from_place[edges[0]]],
            "to_place": c.place_ids[c.edge_to_place[edges[0]]],
            "flow_t_per_year": f,
            "capacity_t_per_year": cap,
            "utilisation": f / cap if np.isfinite(cap) else np.nan,
            "shadow_price_usd_per_t": (shadow.get((x, rev), 0.0)
                                       if group_shadow is not None else np.nan),
        })
    return pd.DataFrame(rows, columns=_CROSSING_COLUMNS)


def _terminal_table(
    c: CompiledNetwork, flow: NDArray[np.float64], group_shadow: NDArray[np.float64] | None,
    group_cap: NDArray[np.float64],
) -> pd.DataFrame:
    """One row per terminal with a throughput capacity."""
    groups = c.groups
    rows = []
    for g in np.flatnonzero(groups.kind == "terminal").tolist():
        f = float(flow[groups.members(g)].sum())
        cap = float(group_cap[g])
        rows.append({
            "place_id": groups.place[g], "terminal": groups.terminal[g],
            "name": groups.name[g], "flow_t_per_year": f, "capacity_t_per_year": cap,
            "utilisation": f / cap if cap > 0 else np.nan,
            "shadow_price_usd_per_t": (float(group_shadow[g])
                                       if group_shadow is not None else np.nan),
        })
    return pd.DataFrame(rows, columns=_TERMINAL_COLUMNS)
