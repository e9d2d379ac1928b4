"""Scenario masks and generalized-cost vectors on the compiled arrays.

:func:`edge_mask` turns a commodity and a :class:`~connectivity.tables.Scenario` into
one boolean per edge, :func:`edge_costs` into one generalized cost per edge (``inf`` =
closed), and :func:`routing_graph` puts that cost on the compiled CSR structure with
:func:`connectivity.paths.reweight`. All three are numpy operations on the integer
codes of :class:`~connectivity.graph.compiled.CompiledNetwork`; nothing is rebuilt and
no table is read.

Generalized cost of edge *e* for commodity *k*, in USD per tonne::

    money = (cost + distance * rate_delta[k, mode] + fee * (fee_factor[k, mode] - 1))
            * cost_factor[mode]
    time = line_haul * time_factor[mode] + dwell * service_dwell_factor[k, mode]
           * dwell_factor
    gc = money + vot[k] * time + carbon_price * co2e / 1000 + risk
         + value[k] * risk_value_share

where ``rate_delta`` is the commodity's service rate less its mode's (a block train
is cheaper per tonne-km than the mode's wagonload rate) and ``fee_factor`` its
service's share of border fees and gauge-change costs (a block train clears as one
consignment), both on line-haul links only; the service's ``dwell_factor`` likewise
scales the border dwell inside ``time`` (express trains are cleared first), and so does
the scenario's (the two multiply). ``dwell`` is the crossing's ``dwell_h``, or the
scenario's ``crossing_dwell_h`` for it. The scenario's ``risk_usd_per_t`` adds to
``risk`` on every edge entering (or loading in) a listed country, and its
``risk_pct_value_per_day`` adds ``value[k]`` times the share of the edge's time spent
in listed countries (half the edge's time in each end's country, as in the data).

**Projects.** A project that is not ``existing`` changes the network when it is *on*:
switched on by the scenario (by ``project_id``) or due by the scenario's year. Its
links' line-haul time (time less border dwell) and line-haul money (money less border
fees) are multiplied by its ``time_factor`` and ``cost_factor``; the border dwell of
each crossing it changes is cut by ``dwell_h_saved`` hours (never below zero); and
:func:`capacities` adds its ``capacity_added`` to the finite capacity of its existing
links and of the crossings it changes. An ``existing`` project's changes are already in
the tables and are not applied again.

Examples
--------
>>> import connectivity as cn
>>> comp = cn.compile_network(cn.load_bundled())
>>> gc = cn.edge_costs(comp, "container")
>>> gc.shape == (comp.n_edges,)
True
>>> closed = cn.edge_mask(comp, "container", cn.Scenario(avoid_countries=("KZ",)))
>>> bool(closed.all())
False
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from connectivity import paths
from connectivity.errors import UnknownIdError
from connectivity.graph.compiled import (
    EXISTING,
    LINK,
    LOAD,
    NO_YEAR,
    NODE_TERMINALS,
    TRANSFER,
    CompiledNetwork,
)
from connectivity.tables import MODES, Scenario

__all__ = ["edge_mask", "edge_costs", "priced_edges", "scenario_attributes",
           "routing_graph", "active_projects", "capacities"]

#: Mode code of each node terminal (``-1`` for origin and destination nodes).
_TERMINAL_MODE = np.array(
    [MODES.index(t.split("_")[0]) if t.split("_")[0] in MODES else -1 for t in NODE_TERMINALS],
    dtype=np.int64,
)


def _with_none(flags: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``flags`` with one more ``False`` at the end, so that code ``-1`` reads ``False``."""
    return np.append(flags, False)


def _flags(codes: dict[str, int], wanted: Iterable[str]) -> NDArray[np.bool_]:
    """One boolean per id of ``codes``, true for the ``wanted`` ids (work in their number,
    not in the number of ids: this runs for every route and skim)."""
    out = np.zeros(len(codes), dtype=bool)
    out[[codes[x] for x in wanted if x in codes]] = True
    return out


def _check_ids(kind: str, given: tuple[str, ...], *known: dict[str, int]) -> None:
    bad = [x for x in given if not any(x in codes for codes in known)]
    if bad:
        hint = f"; the network has {sorted(known[0])}" if kind == "country" else ""
        raise UnknownIdError(f"scenario: unknown {kind} id(s) {bad}{hint}")


def _switched_on(
    compiled: CompiledNetwork, scenario: Scenario
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Links and crossings the scenario switches on: by their own ids, or by the id of a
    project that opens them (one boolean per link and per crossing, in table order)."""
    c = compiled
    _check_ids("link, crossing or project", scenario.projects,
               c.link_code, c.crossing_code, c.project_code)
    switched = set(scenario.projects)
    link_on = _flags(c.link_code, switched)
    crossing_on = _flags(c.crossing_code, switched)
    for p in np.flatnonzero(_flags(c.project_code, switched)).tolist():
        link_on[c.project_links[c.project_link_start[p] : c.project_link_start[p + 1]]] = True
        crossing_on[c.project_crossings[c.project_crossing_start[p]:
                                        c.project_crossing_start[p + 1]]] = True
    return link_on, crossing_on


def active_projects(compiled: CompiledNetwork, scenario: Scenario) -> NDArray[np.int64]:
    """Codes of the projects whose changes apply under ``scenario``: those it switches on
    by id and those due by its year, leaving out ``existing`` ones (already in the
    tables)."""
    c = compiled
    on = _flags(c.project_code, scenario.projects)
    if scenario.year is not None:
        on |= (c.project_year_open != NO_YEAR) & (c.project_year_open <= scenario.year)
    on &= c.project_status != EXISTING
    return np.flatnonzero(on).astype(np.int64)


def _project_edges(compiled: CompiledNetwork, p: int) -> tuple[NDArray[np.bool_],
                                                               NDArray[np.bool_]]:
    """Line-haul edges of project ``p``'s links, and edges through the crossings it
    changes."""
    c = compiled
    links = c.project_links[c.project_link_start[p] : c.project_link_start[p + 1]]
    crossings = c.project_change_crossings[c.project_change_start[p]:
                                           c.project_change_start[p + 1]]
    on_links = (c.edge_kind == LINK) & np.isin(c.edge_link, links)
    at_crossings = (c.edge_crossing >= 0) & np.isin(c.edge_crossing, crossings)
    return on_links, at_crossings


def capacities(
    compiled: CompiledNetwork, scenario: Scenario | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Capacity per edge and per capacity group (tonnes per year) under ``scenario``:
    the compiled ones plus the ``capacity_added`` of every active project on its
    existing links and on the crossings it changes (infinite capacities stay so)."""
    c = compiled
    scenario = scenario or Scenario()
    edge_cap = c.capacity_t_per_year.copy()
    group_cap = c.groups.capacity.copy()
    for p in active_projects(c, scenario).tolist():
        added = float(c.project_capacity_added[p])
        if added <= 0:
            continue
        on_links, _ = _project_edges(c, p)
        edge_cap[on_links & (c.edge_status == EXISTING)] += added
        crossings = c.project_change_crossings[c.project_change_start[p]:
                                               c.project_change_start[p + 1]]
        hit = (c.groups.kind == "crossing") & np.isin(c.groups.crossing, crossings)
        group_cap[hit] += added
    return edge_cap, group_cap


def edge_mask(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> NDArray[np.bool_]:
    """Which edges are open for ``commodity`` under ``scenario``.

    Raises
    ------
    UnknownIdError
        For an unknown commodity, or a scenario naming an unknown id.
    """
    c = compiled
    scenario = scenario or Scenario()
    allowed = c.commodity_modes[c.commodity_index(commodity)].copy()
    if scenario.modes is not None:
        allowed &= np.isin(np.asarray(MODES), scenario.modes)
    link_on, crossing_on = _switched_on(c, scenario)
    _check_ids("link", scenario.closed_links, c.link_code)
    _check_ids("crossing", scenario.closed_crossings, c.crossing_code)
    _check_ids("place", scenario.closed_places, c.place_code)
    _check_ids("country", scenario.avoid_countries, c.country_code)
    _check_maps(c, scenario)
    if scenario.year is not None and c.base_year is not None and scenario.year < c.base_year:
        raise ValueError(
            f"scenario year={scenario.year} is before the network's base year "
            f"{c.base_year} (the latest opening of an existing link or crossing); "
            "a planning year opens what is due by then and looks forward from the base"
        )

    mode_ok = _with_none(allowed)
    is_transfer = c.edge_kind == TRANSFER
    # a line-haul, load or unload edge needs its mode; a transfer both terminals' modes
    mask: NDArray[np.bool_] = is_transfer | mode_ok[c.edge_mode]
    mask &= ~is_transfer | (mode_ok[_TERMINAL_MODE[c.edge_from_terminal]]
                            & mode_ok[_TERMINAL_MODE[c.edge_to_terminal]])

    link_open = c.edge_status == EXISTING
    if scenario.year is not None:
        link_open |= (c.edge_year_open != NO_YEAR) & (c.edge_year_open <= scenario.year)
    link_open |= _with_none(link_on)[c.edge_link]
    mask &= link_open | (c.edge_kind != LINK)

    # a link or crossing is open when it exists, when the scenario's year has reached
    # its opening year, or when the scenario switches it on
    crossing_open = (c.crossing_status == EXISTING) | crossing_on
    if scenario.year is not None:
        crossing_open |= (c.crossing_year_open != NO_YEAR) & (c.crossing_year_open <= scenario.year)
    crossing_closed = ~crossing_open | _flags(c.crossing_code, scenario.closed_crossings)
    mask &= ~_with_none(crossing_closed)[c.edge_crossing]
    mask &= ~_with_none(_flags(c.link_code, scenario.closed_links))[c.edge_link]

    place_closed = _flags(c.place_code, scenario.closed_places)
    if scenario.avoid_countries:
        place_closed |= _flags(c.country_code, scenario.avoid_countries)[c.place_country]
    if place_closed.any():
        mask &= ~(place_closed[c.edge_from_place] | place_closed[c.edge_to_place])
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
    return priced_edges(compiled, commodity, scenario)[0]


def priced_edges(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """:func:`edge_costs` and :func:`scenario_attributes` from one pricing pass (what a
    route needs: the cost to search on and the measures to report)."""
    scenario = scenario or Scenario()
    k = compiled.commodity_index(commodity)
    attrs = _attributes(compiled, k, scenario)
    vot = float(compiled.commodity_vot[k])
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is named below
        gc = (
            attrs["cost_usd_per_t"]
            + vot * attrs["time_h"]
            + scenario.carbon_price_usd_per_t_co2e * compiled.co2e_kg_per_t / 1000.0
            + attrs["risk_usd_per_t"]
        )
    mask = edge_mask(compiled, commodity, scenario)
    overflow = np.flatnonzero(mask & ~np.isfinite(gc))
    if overflow.size:
        e = int(overflow[0])
        link = compiled.edge_link[e]
        where = f"edge {e}" + (f" (link {compiled.link_ids[link]!r})" if link >= 0 else "")
        raise ValueError(
            f"commodity {commodity!r} under scenario {scenario.name!r}: the generalized cost "
            f"of {where} is {gc[e]!r}; the value of time, carbon price or a factor is too "
            "large"
        )
    return np.where(mask, gc, np.inf), attrs


def _check_maps(compiled: CompiledNetwork, scenario: Scenario) -> None:
    """The ids of the scenario's per-crossing and per-country tables exist."""
    _check_ids("crossing", tuple(scenario.crossing_dwell_h), compiled.crossing_code)
    _check_ids("country", (*scenario.risk_usd_per_t, *scenario.risk_pct_value_per_day),
               compiled.country_code)


def _base_dwell(compiled: CompiledNetwork, scenario: Scenario) -> NDArray[np.float64]:
    """Border dwell per edge: the crossings table's, or the scenario's
    ``crossing_dwell_h`` for the crossings it lists."""
    c = compiled
    if not scenario.crossing_dwell_h:
        return c.dwell_h
    given = np.full(len(c.crossing_ids), np.nan)
    for cid, hours in scenario.crossing_dwell_h.items():
        given[c.crossing_code[cid]] = hours
    at = np.flatnonzero(c.edge_crossing >= 0)
    dwell = c.dwell_h.copy()
    value = given[c.edge_crossing[at]]
    listed = ~np.isnan(value)
    dwell[at[listed]] = value[listed]
    return dwell


def _scaled_time_money(
    compiled: CompiledNetwork, k: int, scenario: Scenario
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Time and money per edge for commodity code ``k`` under ``scenario``."""
    c = compiled
    dwell0 = _base_dwell(c, scenario)
    # an edge whose dwell is the table's keeps its time bit for bit (the difference is 0)
    time_h = c.time_h + (dwell0 - c.dwell_h)
    money = c.cost_usd_per_t.copy()
    delta = c.commodity_rate_delta[k]
    fee_extra = c.commodity_fee_factor[k] - 1.0
    # the service's and the scenario's dwell factors multiply
    dwell_extra = c.commodity_dwell_factor[k] * scenario.dwell_factor - 1.0
    with np.errstate(over="ignore", invalid="ignore"):  # edge_costs names an overflow
        if delta.any() or fee_extra.any() or dwell_extra.any():
            is_link = c.edge_kind == LINK
            mode = c.edge_mode[is_link]
            money[is_link] += (c.distance_km[is_link] * delta[mode]
                               + c.fee_usd_per_t[is_link] * fee_extra[mode])
            time_h[is_link] += dwell0[is_link] * dwell_extra[mode]
        _apply_factors(c, scenario, time_h, money)
        _apply_projects(c, k, scenario, time_h, money, dwell0)
    return time_h, money


def _apply_projects(
    compiled: CompiledNetwork, k: int, scenario: Scenario, time_h: NDArray[np.float64],
    money: NDArray[np.float64], dwell0: NDArray[np.float64],
) -> None:  # fmt: skip
    """The changes of the active projects to time and money, in place (see the module
    docstring); ``dwell0`` is the border dwell per edge before any factor."""
    c = compiled
    active = active_projects(c, scenario)
    if not active.size:
        return
    mode = np.maximum(c.edge_mode, 0)
    dwell = dwell0 * c.commodity_dwell_factor[k][mode] * scenario.dwell_factor
    fee = c.fee_usd_per_t * c.commodity_fee_factor[k][mode]
    for p in active.tolist():
        on_links, at_crossings = _project_edges(c, p)
        tf, cf = float(c.project_time_factor[p]), float(c.project_cost_factor[p])
        saved = float(c.project_dwell_h_saved[p])
        if tf != 1.0:
            time_h[on_links] = dwell[on_links] + tf * (time_h[on_links] - dwell[on_links])
        if cf != 1.0:
            money[on_links] = fee[on_links] + cf * (money[on_links] - fee[on_links])
        if saved > 0:
            cut = np.minimum(saved, dwell[at_crossings])
            time_h[at_crossings] -= cut
            dwell[at_crossings] -= cut


def _apply_factors(
    compiled: CompiledNetwork, scenario: Scenario, time_h: NDArray[np.float64],
    money: NDArray[np.float64],
) -> None:  # fmt: skip
    if scenario.time_factor or scenario.cost_factor:
        is_link = compiled.edge_kind == LINK
        for m, f in scenario.time_factor.items():
            sel = is_link & (compiled.edge_mode == MODES.index(m))
            line_haul = compiled.time_h[sel] - compiled.dwell_h[sel]
            time_h[sel] += (f - 1.0) * line_haul
        for m, f in scenario.cost_factor.items():
            sel = is_link & (compiled.edge_mode == MODES.index(m))
            money[sel] *= f


def scenario_attributes(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> dict[str, NDArray[np.float64]]:
    """Per-edge time, money, CO2e, distance and risk premium of ``commodity`` under
    ``scenario`` (for route reporting)."""
    return _attributes(compiled, compiled.commodity_index(commodity), scenario or Scenario())


def _attributes(
    compiled: CompiledNetwork, k: int, scenario: Scenario
) -> dict[str, NDArray[np.float64]]:
    _check_maps(compiled, scenario)
    time_h, money = _scaled_time_money(compiled, k, scenario)
    value = float(compiled.commodity_value[k])
    risk = compiled.risk_usd_per_t + value * compiled.risk_value_share
    if scenario.risk_usd_per_t or scenario.risk_pct_value_per_day:
        risk = risk + _extra_risk(compiled, value, time_h, scenario)
    return {
        "time_h": time_h,
        "cost_usd_per_t": money,
        "co2e_kg_per_t": compiled.co2e_kg_per_t,
        "distance_km": compiled.distance_km,
        "risk_usd_per_t": risk,
    }


def _extra_risk(
    compiled: CompiledNetwork, value_usd_per_t: float, time_h: NDArray[np.float64],
    scenario: Scenario,
) -> NDArray[np.float64]:  # fmt: skip
    """The scenario's risk premiums per edge, USD per tonne (see the module docstring)."""
    c = compiled
    from_c = c.place_country[c.edge_from_place]
    to_c = c.place_country[c.edge_to_place]
    extra = np.zeros(c.n_edges)
    if scenario.risk_usd_per_t:
        per_t = np.zeros(len(c.country_ids))
        for code, usd in scenario.risk_usd_per_t.items():
            per_t[c.country_code[code]] = usd
        entering = ((c.edge_kind == LINK) & (from_c != to_c)) | (c.edge_kind == LOAD)
        extra += np.where(entering, per_t[to_c], 0.0)
    if scenario.risk_pct_value_per_day:
        share_per_h = np.zeros(len(c.country_ids))
        for code, pct in scenario.risk_pct_value_per_day.items():
            share_per_h[c.country_code[code]] = pct / 100.0 / 24.0
        extra += value_usd_per_t * time_h * (share_per_h[from_c] + share_per_h[to_c]) / 2.0
    return extra


def routing_graph(
    compiled: CompiledNetwork, commodity: str, scenario: Scenario | None = None
) -> paths.CSRGraph:
    """The compiled structure weighted by :func:`edge_costs` (no rebuild)."""
    return paths.reweight(compiled.graph, edge_costs(compiled, commodity, scenario))
