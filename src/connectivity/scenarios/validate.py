"""Scenario specs checked against a network and its demand, before any of them runs.

:func:`spec_problems` lists what a :class:`~connectivity.scenarios.spec.ScenarioSpec`
names that the network does not have (places, links, crossings, countries, projects,
commodities), a planning year before the network's base year, and growth rates that
match no demand row or would shrink a row to nothing. :func:`check_specs` raises one
:class:`~connectivity.errors.ScenarioError` listing the problems of every spec.

Example
-------
>>> import connectivity as cn
>>> from connectivity.scenarios import ScenarioSpec
>>> net = cn.load_bundled()
>>> spec = ScenarioSpec(cn.Scenario(name="x", closed_crossings=("X_RU_BY_RAIL_",)))
>>> spec_problems(spec, cn.compile_network(net), cn.load_bundled_demand(net))
["closed_crossings: unknown crossing id(s) ['X_RU_BY_RAIL_']; did you mean 'X_RU_BY_RAIL'?"]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from connectivity.errors import ScenarioError, UnknownIdError
from connectivity.graph import CompiledNetwork
from connectivity.scenarios.spec import ScenarioSpec
from connectivity.tables import find_place

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["spec_problems", "check_specs", "demand_corridors"]


def _unknown(key: str, kind: str, given: Iterable[str], *known: Mapping[str, int]) -> list[str]:
    bad = [x for x in given if not any(x in codes for codes in known)]
    if not bad:
        return []
    pool = [k for codes in known for k in codes]
    close = difflib.get_close_matches(bad[0], pool, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    if kind == "country":
        hint = f"; the network has {sorted(pool)}"
    return [f"{key}: unknown {kind} id(s) {bad}{hint}"]


def _unknown_places(given: Sequence[str], c: CompiledNetwork) -> list[str]:
    """Closed places must be ids; a name gets the id it names as a hint."""
    bad = [x for x in given if x not in c.place_code]
    if not bad:
        return []
    try:
        hint = f"; did you mean {find_place(c.places, bad[0])!r} (the id of {bad[0]!r})?"
    except UnknownIdError:
        hint = _unknown("", "place", bad[:1], c.place_code)[0].partition("]")[2]
    return [f"closed_places: unknown place id(s) {bad}{hint}"]


def demand_corridors(compiled: CompiledNetwork, demand: pd.DataFrame) -> list[str]:
    """The corridor (``"CN-KZ"``: origin country, destination country) of each demand
    row."""
    country = compiled.country_ids[compiled.place_country]
    code = compiled.place_code
    return [f"{country[code[o]]}-{country[code[d]]}"
            for o, d in zip(demand["origin"], demand["destination"], strict=True)]


def _network_ids(spec: ScenarioSpec, c: CompiledNetwork) -> list[str]:
    s = spec.scenario
    problems = [
        *_unknown("projects", "link, crossing or project", s.projects, c.link_code,
                  c.crossing_code, c.project_code),
        *_unknown_places(s.closed_places, c),
        *_unknown("closed_links", "link", s.closed_links, c.link_code),
        *_unknown("closed_crossings", "crossing", s.closed_crossings, c.crossing_code),
        *_unknown("crossing_dwell_h", "crossing", s.crossing_dwell_h, c.crossing_code),
        *_unknown("avoid_countries", "country", s.avoid_countries, c.country_code),
        *_unknown("risk_usd_per_t", "country", s.risk_usd_per_t, c.country_code),
        *_unknown("risk_pct_value_per_day", "country", s.risk_pct_value_per_day,
                  c.country_code),
    ]
    if s.year is not None and c.base_year is not None and s.year < c.base_year:
        problems.append(f"year={s.year} is before the network's base year {c.base_year} "
                        "(the latest opening of an existing link or crossing)")
    return problems


def _growth(spec: ScenarioSpec, c: CompiledNetwork, demand: pd.DataFrame) -> list[str]:
    growth = spec.growth
    if growth.is_none:
        return []
    commodities = list(demand["commodity"])
    corridors = demand_corridors(c, demand)
    problems = _unknown("growth.commodity_pct_per_year", "commodity",
                        growth.commodity_pct_per_year,
                        {str(k): i for i, k in enumerate(c.commodity_ids)})
    known = {str(k) for k in c.commodity_ids}
    unused = sorted((set(growth.commodity_pct_per_year) & known) - set(commodities))
    if unused:
        problems.append(f"growth.commodity_pct_per_year: commodity(ies) {unused} have no "
                        "demand row")
    lanes = sorted(set(growth.corridor_extra_pct_per_year) - set(corridors))
    if lanes:
        problems.append(f"growth.corridor_extra_pct_per_year: corridor(s) {lanes} match no "
                        f"demand row (origin country-destination country); the demand has "
                        f"{sorted(set(corridors))}")
    rates = np.array([growth.rate_pct(k, lane) for k, lane in zip(commodities, corridors,
                                                                   strict=True)])
    low = np.flatnonzero(rates <= -100.0)
    if low.size:
        i = int(low[0])
        problems.append(f"growth: demand rows of {commodities[i]!r} on {corridors[i]} would "
                        f"grow at {rates[i]:g} % a year ({low.size} row(s)); the commodity's "
                        "rate plus the corridor's extra points must be above -100")
    return problems


def _place(where: str, query: str, c: CompiledNetwork) -> list[str]:
    try:
        find_place(c.places, query)
    except UnknownIdError as exc:
        return [f"{where}={query!r}: {exc}"]
    return []


def _commodity(where: str, commodity: str, c: CompiledNetwork) -> list[str]:
    if commodity in set(c.commodity_ids):
        return []
    return [f"{where}={commodity!r} is not a commodity; known {sorted(c.commodity_ids)}"]


def _analyses(spec: ScenarioSpec, c: CompiledNetwork) -> list[str]:
    a = spec.analyses
    problems: list[str] = []
    if a.assignment == "ue":
        problems += _commodity("analyses.commodity", a.commodity, c)
        if not problems and not c.commodity_vot[c.commodity_index(a.commodity)] > 0:
            problems.append(f"analyses.commodity={a.commodity!r} has no value of time; the "
                            "user equilibrium needs one above 0")
    for i, r in enumerate(a.routes):
        where = f"analyses.routes[{i}]"
        problems += _place(f"{where}.origin", r.origin, c)
        problems += _place(f"{where}.destination", r.destination, c)
        problems += _commodity(f"{where}.commodity", r.commodity, c)
    if a.skim is not None:
        for i, p in enumerate(a.skim.places):
            problems += _place(f"analyses.skim.places[{i}]", p, c)
        problems += _commodity("analyses.skim.commodity", a.skim.commodity, c)
    return problems


def spec_problems(spec: ScenarioSpec, compiled: CompiledNetwork,
                  demand: pd.DataFrame) -> list[str]:
    """Every problem of ``spec`` against ``compiled`` and its ``demand`` (a checked
    demand table, see :func:`connectivity.read_demand`); empty when it can run."""
    return [*_network_ids(spec, compiled), *_growth(spec, compiled, demand),
            *_analyses(spec, compiled)]


def check_specs(specs: Sequence[ScenarioSpec], compiled: CompiledNetwork,
                demand: pd.DataFrame) -> None:
    """Raise one :class:`~connectivity.errors.ScenarioError` listing the problems of
    every spec against the network (each prefixed with its file or name), and names
    used twice.

    Raises
    ------
    ScenarioError
        When any spec has a problem.
    """
    problems: list[str] = []
    names = [spec.name for spec in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append(f"scenario name(s) {twice} used more than once; names must be unique "
                        "(they head the comparison's columns)")
    for spec in specs:
        label = spec.file or f"scenario {spec.name!r}"
        problems.extend(f"{label}: {p}" for p in spec_problems(spec, compiled, demand))
    if problems:
        raise ScenarioError(problems, where=f"{len(specs)} scenario(s) against the network")
