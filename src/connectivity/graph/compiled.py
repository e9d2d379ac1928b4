"""Compilation of the expanded network into routing arrays with integer codes per edge.

:func:`compile_network` builds, once per network, the CSR structure and one array per
edge attribute. Everything an analysis needs is here as numbers: the kind, mode, link,
crossing, places, countries, terminals, status and opening year of every edge, the
projects that open it, the commodities' values of time and allowed modes, and the
capacity groups (see :mod:`connectivity.graph.groups`). A scenario, a closure or a
criticality run is then a numpy mask on these arrays
(:func:`connectivity.graph.edge_mask`), and results map back to readable ids through
the id arrays (``link_ids[edge_link]``).

Code conventions: an index into the matching id array (``place_ids``, ``link_ids``,
``crossing_ids``, ``country_ids``, ``project_ids``, ``commodity_ids``), into
:data:`~connectivity.tables.schema.MODES`, :data:`EDGE_KINDS`, :data:`NODE_TERMINALS`
or :data:`~connectivity.tables.schema.STATUSES`; ``-1`` where an edge has none (a
transfer has no mode, a load edge no link); :data:`NO_YEAR` where no opening year is
given.

Examples
--------
>>> import connectivity as cn
>>> comp = cn.compile_network(cn.load_bundled())
>>> comp.link_ids[comp.edge_link[0]] == comp.edges["link_id"].iloc[0]
True
>>> cn.compile_network(comp.network) is comp  # compiled once per network
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import paths
from connectivity.checks import readonly
from connectivity.errors import UnknownIdError
from connectivity.graph.groups import CapacityGroups, crossing_groups, terminal_groups
from connectivity.graph.virtual import (
    DESTINATION,
    EDGE_KINDS,
    ORIGIN,
    ExpandedNetwork,
    expand,
)
from connectivity.tables import (
    CAPACITY_UNIT,
    MODES,
    STATUSES,
    TERMINALS,
    Network,
    PlaceIndex,
    place_index_of,
    split_ids,
)

__all__ = [
    "CompiledNetwork",
    "compile_network",
    "compiled_of",
    "NODE_TERMINALS",
    "NO_YEAR",
    "LINK",
    "LOAD",
    "UNLOAD",
    "TRANSFER",
    "EXISTING",
]

#: The terminal codes of virtual nodes: a place's origin and destination node, then
#: its terminals.
NODE_TERMINALS = (ORIGIN, DESTINATION, *TERMINALS)
#: Opening year code of an edge or crossing without a year.
NO_YEAR = int(np.iinfo(np.int32).max)
LINK = EDGE_KINDS.index("link")
LOAD = EDGE_KINDS.index("load")
UNLOAD = EDGE_KINDS.index("unload")
TRANSFER = EDGE_KINDS.index("transfer")
EXISTING = STATUSES.index("existing")

_DERIVED_KEY = "compiled"

IntArray = NDArray[np.int64]
CodeArray = NDArray[np.int32]
FloatArray = NDArray[np.float64]
IdArray = NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """Frozen routing arrays over the expanded network (edge order = ``expanded.edges``).

    Attributes
    ----------
    expanded
        The expanded network the arrays come from (its ``edges`` and ``nodes`` tables
        are for people; analyses use the arrays).
    graph
        CSR structure (weights = time in hours; see :func:`connectivity.graph.routing_graph`).
    places
        Place lookup by id or name.
    tail, head
        Node indices per edge.
    time_h, cost_usd_per_t, co2e_kg_per_t, distance_km, risk_usd_per_t, dwell_h
        Attribute arrays per edge (``dwell_h``: the border dwell inside ``time_h``;
        ``cost_usd_per_t`` at the modes' own line-haul rates, see
        ``commodity_rate_delta``).
    risk_value_share
        Per edge, the share of the cargo's value its time in risky countries costs.
    capacity_t_per_year
        Each link direction's own capacity (``inf`` where none).
    edge_kind, edge_mode, edge_link, edge_crossing, edge_from_place, edge_to_place,
    edge_from_terminal, edge_to_terminal, edge_status, edge_year_open, edge_reverse
        Integer codes per edge (see the module docstring).
    place_ids, place_country, country_ids
        Place ids in table order and each place's country code.
    link_ids, crossing_ids
        Link and crossing ids in table order.
    crossing_status, crossing_year_open, crossing_capacity_t_per_year
        Per crossing.
    node_place, node_terminal
        Per node: its place and terminal code.
    place_code, link_code, crossing_code, country_code, project_code
        Id -> its code (index in the matching id array), for lookups by id.
    origin_node, destination_node
        Node index of each place's origin and destination node, by place id.
    commodity_ids, commodity_vot, commodity_modes
        Per commodity: value of time (USD per tonne-hour) and allowed modes
        (``len(commodity_ids) x len(MODES)`` booleans).
    commodity_value, commodity_tonnes_per_teu
        Per commodity: value in USD per tonne (0 where unknown) and tonnes per TEU
        (``nan`` for commodities not carried in containers).
    commodity_rate_delta, commodity_fee_factor, commodity_dwell_factor
        ``len(commodity_ids) x len(MODES)``: the commodity's service rate minus its
        mode's rate, in USD per tonne-km (0 where no service names it), and the factors
        on border fees and gauge-change costs and on border dwell of its service (1
        where none).
    fee_usd_per_t
        Per edge, the border fee and gauge-change cost inside ``cost_usd_per_t``.
    project_ids, project_link_start, project_links, project_crossing_start,
    project_crossings
        Per project, in CSR form: the links it opens and the crossings it opens (those
        it names and those on its links).
    project_capacity_added, project_time_factor, project_cost_factor,
    project_dwell_h_saved
        Per project, what it changes (0, 1, 1 and 0 where it changes nothing): tonnes
        per year added to the capacity of its existing links and of its crossings; the
        factors on its links' line-haul time and money; hours of dwell cut at each
        crossing it changes.
    project_change_start, project_change_crossings
        Per project, in CSR form: the crossings it changes (its ``crossing_ids`` and
        the crossings on its links).
    project_status, project_year_open
        Per project: status code and opening year (``NO_YEAR`` if none). The changes
        of an ``existing`` project are already in the tables and never applied again.
    groups
        Capacity groups: border crossings per direction and terminal throughput.
    base_year
        The latest opening year of an existing link or crossing (``None`` if none has
        one): the year the network describes; planning years look forward from it.
    """

    expanded: ExpandedNetwork
    graph: paths.CSRGraph
    places: PlaceIndex
    tail: IntArray
    head: IntArray
    time_h: FloatArray
    cost_usd_per_t: FloatArray
    fee_usd_per_t: FloatArray
    co2e_kg_per_t: FloatArray
    distance_km: FloatArray
    risk_usd_per_t: FloatArray
    risk_value_share: FloatArray
    dwell_h: FloatArray
    capacity_t_per_year: FloatArray
    edge_kind: CodeArray
    edge_mode: CodeArray
    edge_link: CodeArray
    edge_crossing: CodeArray
    edge_from_place: CodeArray
    edge_to_place: CodeArray
    edge_from_terminal: CodeArray
    edge_to_terminal: CodeArray
    edge_status: CodeArray
    edge_year_open: CodeArray
    edge_reverse: NDArray[np.bool_]
    place_ids: IdArray
    place_country: CodeArray
    country_ids: IdArray
    link_ids: IdArray
    crossing_ids: IdArray
    crossing_status: CodeArray
    crossing_year_open: CodeArray
    crossing_capacity_t_per_year: FloatArray
    node_place: CodeArray
    node_terminal: CodeArray
    place_code: dict[str, int]
    link_code: dict[str, int]
    crossing_code: dict[str, int]
    country_code: dict[str, int]
    project_code: dict[str, int]
    origin_node: dict[str, int]
    destination_node: dict[str, int]
    commodity_ids: IdArray
    commodity_vot: FloatArray
    commodity_modes: NDArray[np.bool_]
    commodity_value: FloatArray
    commodity_tonnes_per_teu: FloatArray
    commodity_rate_delta: FloatArray
    commodity_fee_factor: FloatArray
    commodity_dwell_factor: FloatArray
    project_ids: IdArray
    project_link_start: IntArray
    project_links: IntArray
    project_crossing_start: IntArray
    project_crossings: IntArray
    project_capacity_added: FloatArray
    project_time_factor: FloatArray
    project_cost_factor: FloatArray
    project_dwell_h_saved: FloatArray
    project_change_start: IntArray
    project_change_crossings: IntArray
    project_status: CodeArray
    project_year_open: CodeArray
    groups: CapacityGroups
    base_year: int | None

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
        """The virtual edge table (for reading; analyses use the code arrays)."""
        return self.expanded.edges

    def commodity_index(self, commodity: str) -> int:
        """Code of ``commodity``; raises :class:`UnknownIdError` naming the known ones."""
        hits = np.flatnonzero(self.commodity_ids == commodity)
        if not hits.size:
            raise UnknownIdError(
                f"unknown commodity {commodity!r}; known: {sorted(self.commodity_ids)}"
            )
        return int(hits[0])


def compile_network(network: Network | ExpandedNetwork) -> CompiledNetwork:
    """Compile a network (or an already expanded one) into routing arrays.

    A :class:`~connectivity.tables.Network` is compiled once: the result is kept with
    the network and returned again on later calls, so analyses that are given the
    tables (``route(net, ...)`` in a loop) do not recompile. The tables of a network
    are read-only by contract (change a copy and load it again).

    Parameters
    ----------
    network
        Validated tables, or their expansion.

    Returns
    -------
    CompiledNetwork
    """
    if isinstance(network, Network):
        kept = network.derived(_DERIVED_KEY)
        if isinstance(kept, CompiledNetwork):
            return kept
        compiled = _compile(expand(network))
        network.keep_derived(_DERIVED_KEY, compiled)
        return compiled
    return _compile(network)


def compiled_of(network: Network | CompiledNetwork) -> CompiledNetwork:
    """``network`` compiled: itself if it is compiled already, else
    :func:`compile_network` of it (compiled once per network)."""
    return network if isinstance(network, CompiledNetwork) else compile_network(network)


def _codes(values: Iterable[object], vocabulary: Iterable[object], *,
           missing: int = -1) -> CodeArray:
    """Index of each value in ``vocabulary`` (``missing`` for empty or absent values)."""
    lookup = {v: i for i, v in enumerate(vocabulary)}
    # a Series as a list first: iterating an arrow-backed column value by value is ~10x
    # slower than converting it at once
    items = values.tolist() if isinstance(values, pd.Series) else values
    return np.fromiter((lookup.get(v, missing) for v in items), dtype=np.int32)


def _years(values: pd.Series) -> CodeArray:
    out: NDArray[np.int64] = values.astype("Int64").fillna(NO_YEAR).to_numpy(dtype=np.int64)
    return np.minimum(out, NO_YEAR).astype(np.int32)


def _check_finite(edges: pd.DataFrame) -> None:
    """Every edge attribute is a finite number (each input is; a product may overflow)."""
    for column in ("time_h", "cost_usd_per_t", "co2e_kg_per_t", "distance_km",
                   "risk_usd_per_t", "risk_value_share"):
        values = edges[column].to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            e = edges.iloc[int(bad[0])]
            what = f"link {e['link_id']!r}" if e["link_id"] else (
                f"{e['kind']} {e['from_terminal']} -> {e['to_terminal']} at {e['from_place']!r}")
            raise ValueError(
                f"{what}: its {column} works out to {values[bad[0]]!r} ({bad.size} edge(s)); "
                "a length, speed, cost or dwell in the tables is too large"
            )


def _compile(expanded: ExpandedNetwork) -> CompiledNetwork:
    net = expanded.network
    edges, nodes = expanded.edges, expanded.nodes
    _check_finite(edges)
    tail = edges["tail"].to_numpy(dtype=np.int64)
    head = edges["head"].to_numpy(dtype=np.int64)
    time_h = edges["time_h"].to_numpy(dtype=np.float64)
    graph = paths.from_arrays(tail, head, time_h, len(nodes))

    place_ids = net.places["place_id"].to_numpy(dtype=object)
    country_ids = np.array(sorted(set(net.places["country"])), dtype=object)
    link_ids = net.links["link_id"].to_numpy(dtype=object)
    crossing_ids = net.crossings["crossing_id"].to_numpy(dtype=object)
    cross = net.crossings
    crossing_capacity = np.array(
        [float(c) if pd.notna(c) and unit == CAPACITY_UNIT else np.inf
         for c, unit in zip(cross["capacity"], cross["capacity_unit"], strict=True)],
        dtype=np.float64,
    )
    edge_crossing = _codes(edges["crossing_id"], crossing_ids)
    dwell = np.zeros(len(edges))
    has_crossing = edge_crossing >= 0
    dwell[has_crossing] = cross["dwell_h"].to_numpy(dtype=np.float64)[edge_crossing[has_crossing]]
    edge_link = _codes(edges["link_id"], link_ids)
    comm = net.commodities
    allowed = [set(split_ids(m)) for m in comm["allowed_modes"]]
    origin = nodes[nodes["terminal"] == ORIGIN]
    dest = nodes[nodes["terminal"] == DESTINATION]
    link_code, crossing_code = _code_of(link_ids), _code_of(crossing_ids)
    edge_status = _codes(edges["status"], STATUSES, missing=EXISTING)
    edge_year = _years(edges["year_open"])
    crossing_status = _codes(cross["status"], STATUSES, missing=EXISTING)
    crossing_year = _years(cross["year_open"])
    projects = _project_members(net, link_code, crossing_code, edge_link, edge_crossing)
    changed = _project_changed_crossings(net, crossing_code, projects)
    rate_delta, fee_factor, dwell_factor = _service_terms(net)
    a = readonly
    return CompiledNetwork(
        expanded=expanded,
        graph=graph,
        places=place_index_of(net),
        tail=a(tail),
        head=a(head),
        time_h=a(time_h),
        cost_usd_per_t=a(edges["cost_usd_per_t"].to_numpy(dtype=np.float64)),
        fee_usd_per_t=a(edges["fee_usd_per_t"].to_numpy(dtype=np.float64)),
        co2e_kg_per_t=a(edges["co2e_kg_per_t"].to_numpy(dtype=np.float64)),
        distance_km=a(edges["distance_km"].to_numpy(dtype=np.float64)),
        risk_usd_per_t=a(edges["risk_usd_per_t"].to_numpy(dtype=np.float64)),
        risk_value_share=a(edges["risk_value_share"].to_numpy(dtype=np.float64)),
        dwell_h=a(dwell),
        capacity_t_per_year=a(edges["capacity_t_per_year"].to_numpy(dtype=np.float64)),
        edge_kind=a(_codes(edges["kind"], EDGE_KINDS)),
        edge_mode=a(_codes(edges["mode"], MODES)),
        edge_link=a(edge_link),
        edge_crossing=a(edge_crossing),
        edge_from_place=a(_codes(edges["from_place"], place_ids)),
        edge_to_place=a(_codes(edges["to_place"], place_ids)),
        edge_from_terminal=a(_codes(edges["from_terminal"], NODE_TERMINALS)),
        edge_to_terminal=a(_codes(edges["to_terminal"], NODE_TERMINALS)),
        edge_status=a(edge_status),
        edge_year_open=a(edge_year),
        edge_reverse=a(edges["reverse"].to_numpy(dtype=bool)),
        place_ids=a(place_ids),
        place_country=a(_codes(net.places["country"], country_ids)),
        country_ids=a(country_ids),
        link_ids=a(link_ids),
        crossing_ids=a(crossing_ids),
        crossing_status=a(crossing_status),
        crossing_year_open=a(crossing_year),
        crossing_capacity_t_per_year=a(crossing_capacity),
        node_place=a(_codes(nodes["place_id"], place_ids)),
        node_terminal=a(_codes(nodes["terminal"], NODE_TERMINALS)),
        place_code=_code_of(place_ids),
        link_code=link_code,
        crossing_code=crossing_code,
        country_code=_code_of(country_ids),
        project_code=_code_of(net.projects["project_id"]),
        origin_node=dict(zip(origin["place_id"], origin["node"].astype(int), strict=True)),
        destination_node=dict(zip(dest["place_id"], dest["node"].astype(int), strict=True)),
        commodity_ids=a(comm["commodity"].to_numpy(dtype=object)),
        commodity_vot=a(comm["value_of_time_usd_per_t_h"].to_numpy(dtype=np.float64)),
        commodity_modes=a(np.array([[m in s for m in MODES] for s in allowed], dtype=bool)
                          .reshape(len(allowed), len(MODES))),
        commodity_value=a(comm["value_usd_per_t"].fillna(0.0).to_numpy(dtype=np.float64)),
        commodity_tonnes_per_teu=a(comm["tonnes_per_teu"].to_numpy(dtype=np.float64)),
        commodity_rate_delta=a(rate_delta),
        commodity_fee_factor=a(fee_factor),
        commodity_dwell_factor=a(dwell_factor),
        project_ids=a(net.projects["project_id"].to_numpy(dtype=object)),
        project_link_start=a(projects[0]),
        project_links=a(projects[1]),
        project_crossing_start=a(projects[2]),
        project_crossings=a(projects[3]),
        project_capacity_added=a(_project_number(net, "capacity_added", 0.0)),
        project_time_factor=a(_project_number(net, "time_factor", 1.0)),
        project_cost_factor=a(_project_number(net, "cost_factor", 1.0)),
        project_dwell_h_saved=a(_project_number(net, "dwell_h_saved", 0.0)),
        project_change_start=a(changed[0]),
        project_change_crossings=a(changed[1]),
        project_status=a(_codes(net.projects["status"], STATUSES, missing=EXISTING)),
        project_year_open=a(_years(net.projects["year_open"])),
        groups=CapacityGroups.concat(
            crossing_groups(edge_crossing, edges["reverse"].to_numpy(dtype=bool),
                            crossing_ids, crossing_capacity),
            terminal_groups(net.throughput, nodes, head),
        ),
        base_year=_base_year(edge_status, edge_year, crossing_status, crossing_year),
    )


def _service_terms(net: Network) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per commodity and mode: its service's line-haul rate minus the mode's rate, and
    its service's factors on border fees and on border dwell (0, 1 and 1 where no
    service names it)."""
    comm = {c: i for i, c in enumerate(net.commodities["commodity"])}
    mode_rate = dict(zip(net.modes["mode"], net.modes["cost_usd_per_tkm"], strict=True))
    delta = np.zeros((len(comm), len(MODES)))
    factor = np.ones((len(comm), len(MODES)))
    dwell = np.ones((len(comm), len(MODES)))
    s = net.services
    for mode, members, rate, f, w in zip(s["mode"], s["commodities"], s["cost_usd_per_tkm"],
                                         s["fee_factor"], s["dwell_factor"], strict=True):
        for cid in split_ids(members):
            k, m = comm[cid], MODES.index(mode)
            delta[k, m] = float(rate) - float(mode_rate[mode])
            factor[k, m] = 1.0 if pd.isna(f) else float(f)
            dwell[k, m] = 1.0 if pd.isna(w) else float(w)
    return delta, factor, dwell


def _base_year(*status_year: CodeArray) -> int | None:
    """The latest opening year of an existing edge or crossing (pairs of status and year
    codes), or ``None`` if none has a year."""
    years = [year[(status == EXISTING) & (year != NO_YEAR)]
             for status, year in zip(status_year[::2], status_year[1::2], strict=True)]
    found = np.concatenate(years)
    return int(found.max()) if found.size else None


def _code_of(ids: Iterable[object]) -> dict[str, int]:
    """Id -> its position."""
    return {str(x): i for i, x in enumerate(ids)}


def _project_members(
    net: Network,
    link_of: dict[str, int],
    crossing_of: dict[str, int],
    edge_link: CodeArray,
    edge_crossing: CodeArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """CSR lists of the links and crossings each project opens.

    A project opens the links it names, the crossings it names, and the crossings on
    its links (a new border railway comes with its border post).
    """
    links: list[list[int]] = []
    crossings: list[list[int]] = []
    for cell in net.projects["link_ids"]:
        ids = split_ids(cell)
        own_links = sorted({link_of[x] for x in ids if x in link_of})
        on_links = edge_crossing[np.isin(edge_link, own_links) & (edge_crossing >= 0)]
        own_crossings = {crossing_of[x] for x in ids if x in crossing_of}
        links.append(own_links)
        crossings.append(sorted(own_crossings | set(on_links.tolist())))
    return (*_csr(links), *_csr(crossings))


def _project_number(net: Network, column: str, default: float) -> FloatArray:
    """One float per project from ``column`` (``default`` where blank or absent)."""
    if column not in net.projects.columns:
        return np.full(len(net.projects), default)
    values = pd.to_numeric(net.projects[column], errors="coerce")
    out: FloatArray = values.fillna(default).to_numpy(dtype=np.float64)
    return out


def _project_changed_crossings(
    net: Network, crossing_of: dict[str, int], members: tuple[IntArray, ...]
) -> tuple[IntArray, IntArray]:
    """CSR list per project of the crossings it changes: those of its ``crossing_ids``
    and those on or named in its ``link_ids`` (``members`` from :func:`_project_members`)."""
    start, flat = members[2], members[3]
    cells = (net.projects["crossing_ids"] if "crossing_ids" in net.projects.columns
             else [None] * len(net.projects))
    lists = []
    for p, cell in enumerate(cells):
        named = {crossing_of[x] for x in split_ids(cell) if x in crossing_of}
        lists.append(sorted(named | set(flat[start[p] : start[p + 1]].tolist())))
    return _csr(lists)


def _csr(lists: list[list[int]]) -> tuple[IntArray, IntArray]:
    start = np.zeros(len(lists) + 1, dtype=np.int64)
    start[1:] = np.cumsum([len(x) for x in lists])
    flat = np.array([v for x in lists for v in x], dtype=np.int64)
    return start, flat
