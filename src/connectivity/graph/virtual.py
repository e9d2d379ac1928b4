"""Expansion of the network tables into the multimodal virtual network.

Each place becomes an *origin* node, a *destination* node and one node per terminal it
has (road, rail_1435, rail_1520, air, sea, ferry), following the NODUS idea of virtual
links. Edges are generated from the tables:

- ``link``: one per direction of each link, between the terminals of its mode (a
  break-of-gauge rail link runs from a rail_1435 to a rail_1520 terminal); a border
  link carries the crossing's dwell time and fee, and the gauge change's transfer time
  and cost where the gauge changes;
- ``load`` (origin -> terminal) and ``unload`` (terminal -> destination);
- ``transfer`` between two terminals of the same place (transshipment, gauge change).

Origin and destination nodes are separate so a route can never pass through a place's
access node: changing mode always goes through a ``transfer`` edge.

Examples
--------
>>> import connectivity as cn
>>> ex = cn.expand(cn.load_bundled())
>>> set(ex.edges["kind"]) == {"link", "load", "unload", "transfer"}
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from connectivity.tables import Network, link_terminals, split_ids

__all__ = ["ExpandedNetwork", "expand", "ORIGIN", "DESTINATION", "EDGE_KINDS", "EDGE_COLUMNS"]

ORIGIN = "origin"
DESTINATION = "destination"

#: The kinds of virtual edges, in the order of their integer codes.
EDGE_KINDS = ("link", "load", "unload", "transfer")


@dataclass(frozen=True)
class ExpandedNetwork:
    """The multimodal virtual network.

    Attributes
    ----------
    network
        The tables it was expanded from.
    nodes
        One row per virtual node: ``node`` (int index), ``place_id``, ``terminal``
        (a terminal kind, ``origin`` or ``destination``), ``lon``, ``lat``.
    edges
        One row per virtual edge: ``tail``, ``head`` (node indices), ``kind``, ``mode``,
        ``link_id``, ``crossing_id``, ``from_place``, ``to_place``, ``from_terminal``,
        ``to_terminal``, ``distance_km``, ``time_h``, ``cost_usd_per_t`` (with
        ``fee_usd_per_t``, the border fee and gauge-change cost inside it),
        ``co2e_kg_per_t``, ``risk_usd_per_t`` (the link's own premium plus that of the
        country an edge enters or loads in), ``risk_value_share`` (the share of the
        cargo's value the edge's time in risky countries costs), ``capacity_t_per_year``
        (the link's own, per
        direction; a crossing's capacity stays in the crossings table), ``status``,
        ``year_open``, ``reverse`` (True for the back direction of a two-way link).
    """

    network: Network
    nodes: pd.DataFrame
    edges: pd.DataFrame

    def __repr__(self) -> str:
        return f"ExpandedNetwork({len(self.nodes)} nodes, {len(self.edges)} edges)"

    def node_index(self, place_id: str, terminal: str) -> int:
        """Index of the node of ``place_id`` and ``terminal`` (raises KeyError if absent)."""
        key = (place_id, terminal)
        lookup = _node_lookup(self.nodes)
        if key not in lookup:
            raise KeyError(f"no {terminal!r} node at place {place_id!r}")
        return lookup[key]


def _node_lookup(nodes: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {
        (p, t): int(n)
        for p, t, n in zip(nodes["place_id"], nodes["terminal"], nodes["node"], strict=True)
    }


def expand(network: Network) -> ExpandedNetwork:
    """Expand validated tables into the multimodal virtual network.

    Parameters
    ----------
    network
        A validated network.

    Returns
    -------
    ExpandedNetwork
    """
    places = network.places
    node_rows: list[tuple[str, str, float, float]] = []
    for pid, terms, lon, lat in zip(
        places["place_id"], places["terminals"], places["lon"], places["lat"], strict=True
    ):
        node_rows.append((pid, ORIGIN, lon, lat))
        node_rows.append((pid, DESTINATION, lon, lat))
        for term in sorted(set(split_ids(terms))):
            node_rows.append((pid, term, lon, lat))
    nodes = pd.DataFrame(node_rows, columns=["place_id", "terminal", "lon", "lat"])
    nodes.insert(0, "node", np.arange(len(nodes), dtype=np.int64))
    lookup = _node_lookup(nodes)

    transfer = {
        (a, b): (t, c, 0.0 if pd.isna(e) else e)
        for a, b, t, c, e in zip(
            network.transfers["from_terminal"],
            network.transfers["to_terminal"],
            network.transfers["time_h"],
            network.transfers["cost_usd_per_t"],
            network.transfers["co2e_kg_per_t"],
            strict=True,
        )
    }
    risk = _CountryRisk.of(network)
    edges = pd.concat(
        [
            _link_edges(network, lookup, transfer, risk),
            _terminal_edges(network, lookup, transfer, risk),
        ],
        ignore_index=True,
    )
    return ExpandedNetwork(network=network, nodes=nodes, edges=edges)


EDGE_COLUMNS = [
    "tail",
    "head",
    "kind",
    "mode",
    "link_id",
    "crossing_id",
    "from_place",
    "to_place",
    "from_terminal",
    "to_terminal",
    "distance_km",
    "time_h",
    "cost_usd_per_t",
    "fee_usd_per_t",
    "co2e_kg_per_t",
    "risk_usd_per_t",
    "risk_value_share",
    "capacity_t_per_year",
    "status",
    "year_open",
    "reverse",
]


def _link_edges(
    network: Network,
    lookup: dict[tuple[str, str], int],
    transfer: dict[tuple[str, str], tuple[float, float, float]],
    risk: _CountryRisk,
) -> pd.DataFrame:
    modes = network.modes.set_index("mode")
    crossings = {
        (frozenset((a, b)), m): row
        for a, b, m, row in zip(
            network.crossings["place_a"],
            network.crossings["place_b"],
            network.crossings["mode"],
            network.crossings.itertuples(index=False),
            strict=True,
        )
    }
    # per-mode values looked up once: a DataFrame lookup per link dominated compiling
    # large networks (about 20 s of 24 for 61,000 links)
    cost_of = {m: float(v) for m, v in modes["cost_usd_per_tkm"].items()}
    co2_of = {m: float(v) for m, v in modes["co2e_kg_per_tkm"].items()}
    speed_of = {m: float(v) for m, v in modes["speed_kmh"].items()}
    # a speed is while moving; drivers rest, so a day covers driving_hours of it
    rest_of = {m: 24.0 / float(h) if pd.notna(h) else 1.0
               for m, h in modes["driving_hours_per_day"].items()}
    rows: list[tuple[object, ...]] = []
    for link in network.links.itertuples(index=False):
        mode = link.mode
        cost_tkm = cost_of[mode]
        co2_tkm = co2_of[mode]
        speed = link.speed_kmh if pd.notna(link.speed_kmh) else speed_of[mode]
        length = float(link.length_km)
        rest = rest_of[mode]
        base_time = float(link.time_h) if pd.notna(link.time_h) else length / speed * rest
        base_cost = length * cost_tkm
        base_co2 = length * co2_tkm
        own_risk = 0.0 if pd.isna(link.risk_usd_per_t) else float(link.risk_usd_per_t)
        capacity = (
            float(link.capacity)
            if pd.notna(link.capacity) and link.capacity_unit == "t_per_year"
            else np.inf
        )
        crossing = crossings.get((frozenset((link.from_place, link.to_place)), mode))
        term_a, term_b = link_terminals(mode, link.gauge_mm)
        directions = [(link.from_place, link.to_place, term_a, term_b, False)]
        if pd.isna(link.two_way) or bool(link.two_way):  # missing means two-way
            directions.append((link.to_place, link.from_place, term_b, term_a, True))
        status = link.status if link.status is not None else "existing"
        for a, b, ta, tb, reverse in directions:
            time_h, fee, co2 = base_time, 0.0, base_co2
            crossing_id = ""
            if crossing is not None:
                crossing_id = crossing.crossing_id
                time_h += float(crossing.dwell_h)
                if pd.notna(crossing.fee_usd_per_t):
                    fee += float(crossing.fee_usd_per_t)
            if ta != tb:  # break of gauge on the border link
                gt, gc, ge = transfer.get((ta, tb), (0.0, 0.0, 0.0))
                time_h, fee, co2 = time_h + gt, fee + gc, co2 + ge
            entry = risk.entry(a, b)
            share = risk.value_share(time_h, a, b)
            rows.append(
                (
                    lookup[(a, ta)],
                    lookup[(b, tb)],
                    "link",
                    mode,
                    link.link_id,
                    crossing_id,
                    a,
                    b,
                    ta,
                    tb,
                    length,
                    time_h,
                    base_cost + fee,
                    fee,
                    co2,
                    own_risk + entry,
                    share,
                    capacity,
                    status,
                    link.year_open,
                    reverse,
                )
            )
    frame = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    frame["year_open"] = frame["year_open"].astype("Int64")
    return frame


@dataclass(frozen=True)
class _CountryRisk:
    """The countries table as lookups by place: the premium per tonne entering (or
    loading in) a country and the share of cargo value per hour spent in it."""

    country: dict[str, str]
    per_t: dict[str, float]
    share_per_h: dict[str, float]

    @classmethod
    def of(cls, network: Network) -> _CountryRisk:
        c = network.countries
        per_t = {k: float(v) for k, v in zip(c["country"], c["risk_usd_per_t"], strict=True)
                 if pd.notna(v)}
        share = {k: float(v) / 100.0 / 24.0
                 for k, v in zip(c["country"], c["risk_pct_value_per_day"], strict=True)
                 if pd.notna(v)}
        return cls(dict(zip(network.places["place_id"], network.places["country"],
                            strict=True)), per_t, share)

    def premium(self, place: str) -> float:
        return self.per_t.get(self.country[place], 0.0)

    def entry(self, a: str, b: str) -> float:
        """The premium of ``b``'s country when an edge from ``a`` enters it."""
        return 0.0 if self.country[a] == self.country[b] else self.premium(b)

    def value_share(self, hours: float, a: str, b: str) -> float:
        """Share of cargo value lost to risk over ``hours`` between ``a`` and ``b``
        (half the time counted in each end's country)."""
        rate = (self.share_per_h.get(self.country[a], 0.0)
                + self.share_per_h.get(self.country[b], 0.0)) / 2.0
        return hours * rate


def _terminal_edges(
    network: Network,
    lookup: dict[tuple[str, str], int],
    transfer: dict[tuple[str, str], tuple[float, float, float]],
    risk: _CountryRisk,
) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for pid, terms in zip(network.places["place_id"], network.places["terminals"], strict=True):
        kinds = sorted(set(split_ids(terms)))
        pairs: list[tuple[str, str, str, str, str]] = []
        for t in kinds:
            pairs.append(("load", ORIGIN, t, "place", t))
            pairs.append(("unload", t, DESTINATION, t, "place"))
        for a in kinds:
            for b in kinds:
                if a != b:
                    pairs.append(("transfer", a, b, a, b))
        for kind, na, nb, ka, kb in pairs:
            if (ka, kb) not in transfer:
                continue
            t_h, c, e = transfer[(ka, kb)]
            mode = ""
            if kind == "load":
                mode = nb.split("_")[0]
            elif kind == "unload":
                mode = na.split("_")[0]
            rows.append(
                (
                    lookup[(pid, na)],
                    lookup[(pid, nb)],
                    kind,
                    mode,
                    "",
                    "",
                    pid,
                    pid,
                    na,
                    nb,
                    0.0,
                    float(t_h),
                    float(c),
                    0.0,
                    float(e),
                    risk.premium(pid) if kind == "load" else 0.0,
                    risk.value_share(float(t_h), pid, pid),
                    np.inf,
                    "existing",
                    pd.NA,
                    False,
                )
            )
    frame = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    frame["year_open"] = frame["year_open"].astype("Int64")
    return frame
