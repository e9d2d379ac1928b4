"""Validation of the network tables: every rule checked, every problem listed at once.

:func:`collect_problems` returns the list of problems (empty when the tables are
sound); the loaders in :mod:`connectivity.tables.network` raise
:class:`~connectivity.errors.NetworkValidationError` with that list. Each table has its
own rule function below; rules that relate tables (a link's places, a crossing record
for a border link, a project's links) read what the earlier rules learned from the
places, modes and crossings. Nothing is dropped or changed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from connectivity.errors import NetworkValidationError
from connectivity.tables.schema import (
    MODES,
    PLACE_KINDS,
    PROJECT_KINDS,
    STATUSES,
    TABLES,
    TERMINALS,
    split_ids,
)

__all__ = [
    "collect_problems",
    "validate",
    "link_terminals",
    "BORDER_MODES",
    "CAPACITY_UNIT",
]

#: Modes whose links need a border-crossing record when they join two countries.
#: A sea, ferry or air link may have one too (customs at the port or airport), and the
#: bundled network gives every cross-border link one; without it only the transfer at
#: the port or airport is charged.
BORDER_MODES = ("road", "rail")

#: The one capacity unit the flow models read.
CAPACITY_UNIT = "t_per_year"

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_GAUGES = {"1435", "1520", "1435-1520", "1520-1435"}


def validate(network: object) -> None:
    """Re-check a :class:`~connectivity.tables.network.Network` (raises if anything is wrong)."""
    tables = {name: getattr(network, name) for name in TABLES}
    problems = collect_problems(tables)
    if problems:
        raise NetworkValidationError(problems)


def link_terminals(mode: str, gauge: str | None) -> tuple[str, str]:
    """Terminal kinds at the (from, to) ends of a link of ``mode`` and ``gauge``.

    >>> link_terminals("rail", "1435-1520")
    ('rail_1435', 'rail_1520')
    """
    if mode != "rail":
        return mode, mode
    text = (gauge or "").strip()
    if "-" in text:
        a, b = text.split("-", 1)
        return f"rail_{a}", f"rail_{b}"
    return f"rail_{text}", f"rail_{text}"


@dataclass
class _Known:
    """What the rules of one table tell the rules of the others."""

    country: dict[str, str] = field(default_factory=dict)  # place id -> country
    terminals: dict[str, set[str]] = field(default_factory=dict)  # place id -> terminals
    modes: set[str] = field(default_factory=set)
    crossings: dict[tuple[frozenset[str], str], str] = field(default_factory=dict)
    gauge_change: dict[str, bool] = field(default_factory=dict)  # crossing id -> flag
    graph: nx.Graph = field(default_factory=nx.Graph)  # places joined by a link


def collect_problems(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return every problem found in the parsed tables, each naming ids and values."""
    known = _Known()
    problems = _duplicate_ids(tables)
    problems += _place_problems(tables["places"], known)
    problems += _mode_problems(tables["modes"], known)
    problems += _crossing_problems(tables["crossings"], known)
    problems += _link_problems(tables["links"], known)
    problems += _transfer_problems(tables["transfers"], known)
    problems += _commodity_problems(tables["commodities"])
    if tables.get("services") is not None:
        problems += _service_problems(tables["services"], tables["commodities"], known)
    for row in tables["crossings"].itertuples(index=False):
        problems += _capacity_problems(
            f"crossings {row.crossing_id!r}", row.capacity, row.capacity_unit)
    if tables.get("throughput") is not None:
        problems += _throughput_problems(tables["throughput"], known)
    problems += _connectivity_problems(known)
    if tables.get("projects") is not None:
        problems += _project_problems(tables["projects"], tables)
    return problems


def _duplicate_ids(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    problems = []
    for name, col in (("places", "place_id"), ("links", "link_id"),
                      ("crossings", "crossing_id"), ("modes", "mode"),
                      ("commodities", "commodity"), ("projects", "project_id"),
                      ("services", "service"), ("countries", "country")):
        frame = tables.get(name)
        if frame is None:
            continue
        ids = frame[col].dropna()
        dupes = sorted(set(ids[ids.duplicated()]))
        if dupes:
            problems.append(f"{name}: duplicate {col}(s) {dupes}")
    return problems


def _capacity_problems(label: str, capacity: object, unit: object) -> list[str]:
    """A capacity must be in t/year; any other unit would be ignored silently. (Its sign
    is checked when the table is parsed.)"""
    out: list[str] = []
    if capacity is None or pd.isna(capacity):
        return out
    if unit != CAPACITY_UNIT:
        out.append(
            f"{label}: capacity_unit={unit!r} is not {CAPACITY_UNIT!r}, the only unit the "
            "flow models read; convert the capacity to tonnes per year"
        )
    return out


def _place_problems(places: pd.DataFrame, known: _Known) -> list[str]:
    problems = []
    for row in places.itertuples(index=False):
        pid = row.place_id
        if pid is None:
            continue
        known.country[pid] = row.country
        if row.country is not None and not _COUNTRY.match(str(row.country)):
            problems.append(
                f"places {pid!r}: country={row.country!r} is not an ISO 3166 alpha-2 code"
            )
        if row.lon is not None and not -180 <= row.lon <= 180:
            problems.append(f"places {pid!r}: lon={row.lon} is outside [-180, 180]")
        if row.lat is not None and not -90 <= row.lat <= 90:
            problems.append(f"places {pid!r}: lat={row.lat} is outside [-90, 90]")
        if row.kind is not None and row.kind not in PLACE_KINDS:
            problems.append(
                f"places {pid!r}: kind={row.kind!r} is unknown; allowed {list(PLACE_KINDS)}"
            )
        terms = set(split_ids(row.terminals))
        bad = sorted(terms - set(TERMINALS))
        if bad:
            problems.append(
                f"places {pid!r}: unknown terminal(s) {bad}; allowed {list(TERMINALS)}"
            )
        known.terminals[pid] = terms
    known.graph.add_nodes_from(known.country)
    return problems


def _mode_problems(modes: pd.DataFrame, known: _Known) -> list[str]:
    problems = []
    known.modes = set(modes["mode"].dropna())
    for mode in sorted(known.modes - set(MODES)):
        problems.append(f"modes: unknown mode {mode!r}; allowed {list(MODES)}")
    return problems


def _crossing_problems(crossings: pd.DataFrame, known: _Known) -> list[str]:
    problems = []
    for row in crossings.itertuples(index=False):
        cid = row.crossing_id
        for end in ("place_a", "place_b"):
            pid = getattr(row, end)
            if pid is not None and pid not in known.country:
                problems.append(f"crossings {cid!r}: {end}={pid!r} is not a known place")
        if row.mode is not None and row.mode not in MODES:
            problems.append(
                f"crossings {cid!r}: mode={row.mode!r} is unknown; allowed {list(MODES)}"
            )
        lo, mid, hi = row.dwell_h_low, row.dwell_h, row.dwell_h_high
        if pd.notna(lo) and pd.notna(mid) and lo > mid:
            problems.append(f"crossings {cid!r}: dwell_h_low={lo} exceeds dwell_h={mid}")
        if pd.notna(hi) and pd.notna(mid) and hi < mid:
            problems.append(f"crossings {cid!r}: dwell_h_high={hi} is below dwell_h={mid}")
        if row.status is not None and row.status not in STATUSES:
            problems.append(
                f"crossings {cid!r}: status={row.status!r} is unknown; allowed {list(STATUSES)}"
            )
        if row.place_a is not None and row.place_b is not None and row.mode is not None:
            known.crossings[(frozenset((row.place_a, row.place_b)), row.mode)] = cid
        flag = row.gauge_change
        known.gauge_change[cid] = flag is not None and flag is not pd.NA and bool(flag)
    return problems


def _link_problems(links: pd.DataFrame, known: _Known) -> list[str]:
    problems: list[str] = []
    for row in links.itertuples(index=False):
        problems += _link_row_problems(row, known)
    return problems


def _link_row_problems(row: Any, known: _Known) -> list[str]:
    """The rules of one link row; those that need both ends are in _link_end_problems."""
    lid, a, b, mode = row.link_id, row.from_place, row.to_place, row.mode
    problems = []
    ends_known = True
    for end, pid in (("from_place", a), ("to_place", b)):
        if pid is not None and pid not in known.country:
            problems.append(f"links {lid!r}: {end}={pid!r} is not a known place")
            ends_known = False
    if a is not None and a == b:
        problems.append(f"links {lid!r}: from_place and to_place are both {a!r}")
    if mode is not None and mode not in MODES:
        problems.append(f"links {lid!r}: mode={mode!r} is unknown; allowed {list(MODES)}")
        return problems
    if mode is not None and mode not in known.modes:
        problems.append(f"links {lid!r}: mode={mode!r} has no row in the modes table")
    problems += _link_value_problems(row)
    gauge = row.gauge_mm
    gauge_problem = _gauge_problem(lid, mode, gauge)
    if gauge_problem:
        problems.append(gauge_problem)
        if mode == "rail":
            return problems
    if not ends_known or mode is None:
        return problems
    problems += _link_end_problems(lid, a, b, mode, gauge, known)
    known.graph.add_edge(a, b)
    return problems


def _link_value_problems(row: Any) -> list[str]:
    """Length, speed, time, capacity and status of one link row."""
    lid = row.link_id
    problems = []
    if pd.isna(row.length_km):
        problems.append(f"links {lid!r}: length_km is missing")
    problems += _capacity_problems(f"links {lid!r}", row.capacity, row.capacity_unit)
    status = row.status
    if status is not None and status not in STATUSES:
        problems.append(f"links {lid!r}: status={status!r} is unknown; allowed {list(STATUSES)}")
    return problems


def _gauge_problem(lid: str, mode: str | None, gauge: str | None) -> str | None:
    """A rail link needs a known gauge; other modes have none."""
    if mode == "rail":
        if gauge is None:
            return f"links {lid!r}: rail link without gauge_mm"
        if str(gauge) not in _GAUGES:
            return f"links {lid!r}: gauge_mm={gauge!r} is unknown; allowed {sorted(_GAUGES)}"
    elif gauge is not None:
        return f"links {lid!r}: gauge_mm={gauge!r} given for a {mode} link"
    return None


def _link_end_problems(
    lid: str, a: str, b: str, mode: str, gauge: str | None, known: _Known
) -> list[str]:
    """Rules that need both ends of a link: terminals, a border's crossing record."""
    problems = []
    term_from, term_to = link_terminals(mode, gauge)
    for pid, term in ((a, term_from), (b, term_to)):
        if term not in known.terminals.get(pid, set()):
            problems.append(
                f"links {lid!r}: place {pid!r} has no {term} terminal for this {mode} link"
            )
    country = known.country
    if country[a] != country[b] and mode in BORDER_MODES:
        if (frozenset((a, b)), mode) not in known.crossings:
            problems.append(
                f"links {lid!r}: {mode} link {a!r} ({country[a]}) -> {b!r} ({country[b]}) "
                "crosses a border but has no crossing record"
            )
    if "-" in str(gauge or ""):
        cid = known.crossings.get((frozenset((a, b)), "rail"))
        if cid is not None and not known.gauge_change.get(cid, False):
            problems.append(
                f"links {lid!r}: gauge {gauge} changes but crossing {cid!r} "
                "does not have gauge_change=true"
            )
    return problems


def _transfer_problems(transfers: pd.DataFrame, known: _Known) -> list[str]:
    problems = []
    for t_row in transfers.itertuples(index=False):
        label = f"transfers {t_row.from_terminal}->{t_row.to_terminal}"
        for col in ("from_terminal", "to_terminal"):
            term = getattr(t_row, col)
            if term is not None and term not in (*TERMINALS, "place"):
                problems.append(
                    f"{label}: {col}={term!r} is unknown; allowed {[*TERMINALS, 'place']}"
                )
    seen: set[tuple[str, str]] = set()
    for pair in zip(transfers["from_terminal"], transfers["to_terminal"], strict=True):
        if pair in seen:
            problems.append(f"transfers: duplicate row for {pair[0]}->{pair[1]}")
        seen.add(pair)
    used = set().union(*known.terminals.values()) if known.terminals else set()
    for term in sorted(used & set(TERMINALS)):
        for pair in (("place", term), (term, "place")):
            if pair not in seen:
                what = "load" if pair[0] == "place" else "unload"
                problems.append(
                    f"transfers: no {what} row {pair[0]}->{pair[1]} for the {term} terminals "
                    "that places have"
                )
    return problems


def _commodity_problems(commodities: pd.DataFrame) -> list[str]:
    problems = []
    for row in commodities.itertuples(index=False):
        bad = sorted(set(split_ids(row.allowed_modes)) - set(MODES))
        if bad:
            problems.append(
                f"commodities {row.commodity!r}: unknown mode(s) {bad} in allowed_modes; "
                f"allowed {list(MODES)}"
            )
    return problems


def _service_problems(services: pd.DataFrame, commodities: pd.DataFrame,
                      known_modes: _Known) -> list[str]:
    """Each service runs in a mode of the modes table and carries known commodities, and
    no commodity has two services in one mode (which rate would apply?)."""
    problems = []
    known = set(commodities["commodity"].dropna())
    taken: dict[tuple[str, str], str] = {}
    for row in services.itertuples(index=False):
        label = f"services {row.service!r}"
        if row.mode is not None and row.mode not in known_modes.modes:
            problems.append(f"{label}: mode {row.mode!r} is not in the modes table "
                            f"{sorted(known_modes.modes)}")
        for cid in split_ids(row.commodities):
            if cid not in known:
                problems.append(f"{label}: unknown commodity {cid!r}; the commodities "
                                f"table has {sorted(known)}")
            elif (cid, row.mode) in taken:
                problems.append(f"{label}: commodity {cid!r} already has service "
                                f"{taken[(cid, row.mode)]!r} in mode {row.mode!r}")
            else:
                taken[(cid, row.mode)] = row.service
    return problems


def _throughput_problems(throughput: pd.DataFrame, known: _Known) -> list[str]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for row in throughput.itertuples(index=False):
        label = f"throughput {row.place_id}/{row.terminal}"
        if row.place_id is not None and row.place_id not in known.country:
            problems.append(f"{label}: place_id={row.place_id!r} is not a known place")
        elif row.terminal is not None and row.terminal not in known.terminals.get(
                row.place_id, set()):
            problems.append(
                f"{label}: place {row.place_id!r} has no {row.terminal!r} terminal; "
                f"it has {sorted(known.terminals.get(row.place_id, set()))}"
            )
        key = (row.place_id, row.terminal)
        if key in seen:
            problems.append(f"{label}: duplicate row")
        seen.add(key)
        problems += _capacity_problems(label, row.capacity, row.capacity_unit)
    return problems


def _connectivity_problems(known: _Known) -> list[str]:
    problems = []
    if known.graph.number_of_nodes():
        components = sorted(nx.connected_components(known.graph), key=len, reverse=True)
        for comp in components[1:]:
            ids = sorted(comp)
            shown = ids if len(ids) <= 10 else [*ids[:10], f"... {len(ids) - 10} more"]
            problems.append(
                f"places {shown}: unreachable by any mode from the main network "
                f"({len(components[0])} places)"
            )
    return problems


def _project_problems(projects: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """A project names a known kind and status, and only links or crossings that exist;
    its id must not be a link or crossing id too (scenarios take all three)."""
    problems = []
    links = set(tables["links"]["link_id"].dropna())
    crossings = set(tables["crossings"]["crossing_id"].dropna())
    ids = set(projects["project_id"].dropna())
    for row in projects.itertuples(index=False):
        pid = row.project_id
        if pid is None:
            continue
        label = f"projects {pid!r}"
        if pid in links or pid in crossings:
            problems.append(f"{label}: project_id is also a link or crossing id")
        if row.kind is not None and row.kind not in PROJECT_KINDS:
            problems.append(
                f"{label}: kind={row.kind!r} is unknown; allowed {list(PROJECT_KINDS)}"
            )
        if row.status is not None and row.status not in STATUSES:
            problems.append(
                f"{label}: status={row.status!r} is unknown; allowed {list(STATUSES)}"
            )
        unknown = [x for x in split_ids(row.link_ids) if x not in links and x not in crossings]
        if unknown:
            problems.append(f"{label}: link_ids {unknown} are not known link or crossing ids")
        cut = split_ids(getattr(row, "crossing_ids", None))
        unknown = [x for x in cut if x not in crossings]
        if unknown:
            problems.append(f"{label}: crossing_ids {unknown} are not known crossing ids")
        problems += _project_relations(label, row, ids)
        problems += _project_costs(label, row)
    return problems


def _project_relations(label: str, row: Any, ids: set[str]) -> list[str]:
    """Dependencies and exclusions name other projects of the table, and never the same
    one both ways."""
    out = []
    needs = split_ids(getattr(row, "depends_on", None))
    bars = split_ids(getattr(row, "excludes", None))
    for column, named in (("depends_on", needs), ("excludes", bars)):
        unknown = [x for x in named if x not in ids]
        if unknown:
            out.append(f"{label}: {column} {unknown} are not project ids of the table")
        if row.project_id in named:
            out.append(f"{label}: {column} names the project itself")
    both = sorted(set(needs) & set(bars))
    if both:
        out.append(f"{label}: {both} are in both depends_on and excludes")
    return out


def _project_costs(label: str, row: Any) -> list[str]:
    """A cost range holds the central cost; a saving needs the crossings it applies to."""
    out = []
    def number(name: str) -> float | None:
        value = getattr(row, name, None)
        return None if value is None or pd.isna(value) else float(value)

    cost = number("capital_cost_usd")
    low = number("capital_cost_low_usd")
    high = number("capital_cost_high_usd")
    saved = number("dwell_h_saved")
    if low is not None and high is not None and low > high:
        out.append(f"{label}: capital_cost_low_usd={low:g} is above "
                   f"capital_cost_high_usd={high:g}")
    if cost is not None and ((low is not None and cost < low)
                             or (high is not None and cost > high)):
        out.append(f"{label}: capital_cost_usd={cost:g} is outside its low-high range "
                   f"{low!r}-{high!r}")
    if saved and not split_ids(getattr(row, "crossing_ids", None)):
        out.append(f"{label}: dwell_h_saved={saved:g} names no crossing_ids to apply to")
    return out
