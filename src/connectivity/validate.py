"""Validation of the network tables: every rule checked, every problem listed at once.

:func:`collect_problems` returns the list of problems (empty when the tables are
sound); the loaders in :mod:`connectivity.network` raise
:class:`~connectivity.errors.NetworkValidationError` with that list. Nothing is
dropped or changed here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import networkx as nx
import pandas as pd

from connectivity._tables import MODES, PLACE_KINDS, STATUSES, TERMINALS
from connectivity.errors import NetworkValidationError
from connectivity.network import TABLES

__all__ = ["collect_problems", "validate", "link_terminals", "BORDER_MODES"]

#: Modes whose links need a border-crossing record when they join two countries.
#: Sea, ferry and air clear customs at the port or airport (a transfer cost).
BORDER_MODES = ("road", "rail")

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_GAUGES = {"1435", "1520", "1435-1520", "1520-1435"}


def validate(network: object) -> None:
    """Re-check a :class:`~connectivity.network.Network` (raises if anything is wrong)."""
    tables = {name: getattr(network, name) for name in TABLES}
    problems = collect_problems(tables)
    if problems:
        raise NetworkValidationError(problems)


#: The one capacity unit the flow models read.
CAPACITY_UNIT = "t_per_year"


def _capacity_problems(label: str, capacity: object, unit: object) -> list[str]:
    """A capacity must be >= 0 and in t/year; any other unit would be ignored silently."""
    out: list[str] = []
    if capacity is None or pd.isna(capacity):
        return out
    if float(capacity) < 0:  # type: ignore[arg-type]
        out.append(f"{label}: capacity={capacity} is negative")
    if unit != CAPACITY_UNIT:
        out.append(
            f"{label}: capacity_unit={unit!r} is not {CAPACITY_UNIT!r}, the only unit the "
            "flow models read; convert the capacity to tonnes per year"
        )
    return out


def link_terminals(mode: str, gauge: str | None) -> tuple[str, str]:
    """Terminal kinds at the (from, to) ends of a link of ``mode`` and ``gauge``."""
    if mode != "rail":
        return mode, mode
    text = (gauge or "").strip()
    if "-" in text:
        a, b = text.split("-", 1)
        return f"rail_{a}", f"rail_{b}"
    return f"rail_{text}", f"rail_{text}"


def collect_problems(tables: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return every problem found in the parsed tables, each naming ids and values."""
    problems: list[str] = []
    places, links = tables["places"], tables["links"]
    crossings, transfers = tables["crossings"], tables["transfers"]
    modes, commodities = tables["modes"], tables["commodities"]

    for name, frame, col in (
        ("places", places, "place_id"),
        ("links", links, "link_id"),
        ("crossings", crossings, "crossing_id"),
        ("modes", modes, "mode"),
        ("commodities", commodities, "commodity"),
    ):
        dupes = frame[col].dropna()
        dupes = sorted(set(dupes[dupes.duplicated()]))
        if dupes:
            problems.append(f"{name}: duplicate {col}(s) {dupes}")

    country: dict[str, str] = {}
    terminals: dict[str, set[str]] = {}
    for row in places.itertuples(index=False):
        pid = row.place_id
        if pid is None:
            continue
        country[pid] = row.country
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
        terms = {t.strip() for t in str(row.terminals or "").split(";") if t.strip()}
        bad = sorted(terms - set(TERMINALS))
        if bad:
            problems.append(
                f"places {pid!r}: unknown terminal(s) {bad}; allowed {list(TERMINALS)}"
            )
        terminals[pid] = terms

    known_modes = set(modes["mode"].dropna())
    for mode in sorted(known_modes - set(MODES)):
        problems.append(f"modes: unknown mode {mode!r}; allowed {list(MODES)}")
    for col in ("cost_usd_per_tkm", "co2e_kg_per_tkm"):
        for m, v in zip(modes["mode"], modes[col], strict=True):
            if pd.notna(v) and v < 0:
                problems.append(f"modes {m!r}: {col}={v} is negative")
    for m, v in zip(modes["mode"], modes["speed_kmh"], strict=True):
        if pd.notna(v) and v <= 0:
            problems.append(f"modes {m!r}: speed_kmh={v} must be positive")

    crossing_keys: dict[tuple[frozenset[str], str], str] = {}
    for row in crossings.itertuples(index=False):
        cid = row.crossing_id
        for end in ("place_a", "place_b"):
            pid = getattr(row, end)
            if pid is not None and pid not in country:
                problems.append(f"crossings {cid!r}: {end}={pid!r} is not a known place")
        if row.mode is not None and row.mode not in BORDER_MODES:
            problems.append(
                f"crossings {cid!r}: mode={row.mode!r}; crossings are for {list(BORDER_MODES)}"
            )
        for col in ("dwell_h", "dwell_h_low", "dwell_h_high", "fee_usd_per_t"):
            v = getattr(row, col)
            if pd.notna(v) and v < 0:
                problems.append(f"crossings {cid!r}: {col}={v} is negative")
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
            crossing_keys[(frozenset((row.place_a, row.place_b)), row.mode)] = cid

    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(country)
    for row in links.itertuples(index=False):
        lid = row.link_id
        ends_known = True
        for end in ("from_place", "to_place"):
            pid = getattr(row, end)
            if pid is not None and pid not in country:
                problems.append(f"links {lid!r}: {end}={pid!r} is not a known place")
                ends_known = False
        if row.from_place is not None and row.from_place == row.to_place:
            problems.append(f"links {lid!r}: from_place and to_place are both {row.from_place!r}")
        mode = row.mode
        if mode is not None and mode not in MODES:
            problems.append(f"links {lid!r}: mode={mode!r} is unknown; allowed {list(MODES)}")
            continue
        if mode is not None and mode not in known_modes:
            problems.append(f"links {lid!r}: mode={mode!r} has no row in the modes table")
        if pd.isna(row.length_km):
            problems.append(f"links {lid!r}: length_km is missing")
        elif row.length_km <= 0:
            problems.append(f"links {lid!r}: length_km={row.length_km} must be positive")
        for col in ("speed_kmh", "time_h"):
            v = getattr(row, col)
            if pd.notna(v) and v <= 0:
                problems.append(f"links {lid!r}: {col}={v} must be positive")
        problems.extend(_capacity_problems(f"links {lid!r}", row.capacity, row.capacity_unit))
        if row.status is not None and row.status not in STATUSES:
            problems.append(
                f"links {lid!r}: status={row.status!r} is unknown; allowed {list(STATUSES)}"
            )
        gauge = row.gauge_mm
        if mode == "rail":
            if gauge is None:
                problems.append(f"links {lid!r}: rail link without gauge_mm")
                continue
            if str(gauge) not in _GAUGES:
                problems.append(
                    f"links {lid!r}: gauge_mm={gauge!r} is unknown; allowed {sorted(_GAUGES)}"
                )
                continue
        elif gauge is not None:
            problems.append(f"links {lid!r}: gauge_mm={gauge!r} given for a {mode} link")
        if not ends_known or mode is None:
            continue
        term_from, term_to = link_terminals(mode, gauge)
        for pid, term in ((row.from_place, term_from), (row.to_place, term_to)):
            if term not in terminals.get(pid, set()):
                problems.append(
                    f"links {lid!r}: place {pid!r} has no {term} terminal for this {mode} link"
                )
        a, b = row.from_place, row.to_place
        if country[a] != country[b] and mode in BORDER_MODES:
            if (frozenset((a, b)), mode) not in crossing_keys:
                problems.append(
                    f"links {lid!r}: {mode} link {a!r} ({country[a]}) -> {b!r} ({country[b]}) "
                    "crosses a border but has no crossing record"
                )
        if "-" in str(gauge or ""):
            cid = crossing_keys.get((frozenset((a, b)), "rail"))
            gauge_flag = None
            if cid is not None:
                match = crossings[crossings["crossing_id"] == cid]["gauge_change"]
                gauge_flag = match.iloc[0] if len(match) else None
            if cid is not None and not (gauge_flag is not None and gauge_flag is not pd.NA
                                        and bool(gauge_flag)):
                problems.append(
                    f"links {lid!r}: gauge {gauge} changes but crossing {cid!r} "
                    "does not have gauge_change=true"
                )
        graph.add_edge(a, b)

    for t_row in transfers.itertuples(index=False):
        for col in ("from_terminal", "to_terminal"):
            term = getattr(t_row, col)
            if term is not None and term not in (*TERMINALS, "place"):
                problems.append(
                    f"transfers {t_row.from_terminal}->{t_row.to_terminal}: {col}={term!r} "
                    f"is unknown; allowed {[*TERMINALS, 'place']}"
                )
        for col in ("time_h", "cost_usd_per_t", "co2e_kg_per_t"):
            v = getattr(t_row, col)
            if pd.notna(v) and v < 0:
                problems.append(
                    f"transfers {t_row.from_terminal}->{t_row.to_terminal}: {col}={v} is negative"
                )
    pairs = list(zip(transfers["from_terminal"], transfers["to_terminal"], strict=True))
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        if pair in seen:
            problems.append(f"transfers: duplicate row for {pair[0]}->{pair[1]}")
        seen.add(pair)

    used_terminals = set().union(*terminals.values()) if terminals else set()
    for term in sorted(used_terminals & set(TERMINALS)):
        for pair in (("place", term), (term, "place")):
            if pair not in seen:
                what = "load" if pair[0] == "place" else "unload"
                problems.append(
                    f"transfers: no {what} row {pair[0]}->{pair[1]} for the {term} terminals "
                    "that places have"
                )

    for row in commodities.itertuples(index=False):
        allowed = {m.strip() for m in str(row.allowed_modes or "").split(";") if m.strip()}
        bad = sorted(allowed - set(MODES))
        if bad:
            problems.append(
                f"commodities {row.commodity!r}: unknown mode(s) {bad} in allowed_modes; "
                f"allowed {list(MODES)}"
            )
        v = row.value_of_time_usd_per_t_h
        if pd.notna(v) and v < 0:
            problems.append(
                f"commodities {row.commodity!r}: value_of_time_usd_per_t_h={v} is negative"
            )

    for row in crossings.itertuples(index=False):
        problems.extend(_capacity_problems(
            f"crossings {row.crossing_id!r}", row.capacity, row.capacity_unit))

    throughput = tables.get("throughput")
    if throughput is not None:
        seen_tp: set[tuple[str, str]] = set()
        for row in throughput.itertuples(index=False):
            label = f"throughput {row.place_id}/{row.terminal}"
            if row.place_id is not None and row.place_id not in country:
                problems.append(f"{label}: place_id={row.place_id!r} is not a known place")
            elif row.terminal is not None and row.terminal not in terminals.get(
                    row.place_id, set()):
                problems.append(
                    f"{label}: place {row.place_id!r} has no {row.terminal!r} terminal; "
                    f"it has {sorted(terminals.get(row.place_id, set()))}"
                )
            key = (row.place_id, row.terminal)
            if key in seen_tp:
                problems.append(f"{label}: duplicate row")
            seen_tp.add(key)
            problems.extend(_capacity_problems(label, row.capacity, row.capacity_unit))

    if graph.number_of_nodes():
        components = sorted(nx.connected_components(graph), key=len, reverse=True)
        for comp in components[1:]:
            ids = sorted(comp)
            shown = ids if len(ids) <= 10 else [*ids[:10], f"... {len(ids) - 10} more"]
            problems.append(
                f"places {shown}: unreachable by any mode from the main network "
                f"({len(components[0])} places)"
            )
    return problems
