"""Planning scenarios: what is open, closed, scaled or built, the carbon price and risk.

A :class:`Scenario` holds the network side of a planning scenario: everything that
changes what an edge costs or whether it is open. It never rebuilds the graph:
:func:`connectivity.graph.edge_costs` turns it into a cost vector (``inf`` = closed) on
the same compiled structure, so routes, skims and every assignment honour it alike.
The run side of a scenario file (demand growth, the analyses to run) is
:mod:`connectivity.scenarios`.

Every value is checked when a scenario is made; all problems are reported at once in
one :class:`~connectivity.errors.ScenarioError`, each naming the key, the value and what
is allowed. Ids (places, links, crossings, countries, projects) are checked against a
network when the scenario is applied to one.

Examples
--------
>>> s = Scenario(name="no Afghanistan", avoid_countries=("AF",), carbon_price_usd_per_t_co2e=50)
>>> s.avoid_countries
('AF',)
>>> Scenario(dwell_factor=-1)
Traceback (most recent call last):
...
connectivity.errors.ScenarioError: scenario: 1 problem(s):
  - dwell_factor=-1 must be a finite number >= 0
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from connectivity.errors import ScenarioError
from connectivity.tables.schema import MODES

__all__ = ["Scenario", "read_scenario", "scenario_from_mapping", "SCENARIO_KEYS",
           "RUN_KEYS", "number_problem"]

#: Keys of a scenario file read by :mod:`connectivity.scenarios` only (the run side).
RUN_KEYS = ("description", "base_year", "growth", "analyses")

_ID_LISTS = ("projects", "closed_places", "closed_links", "closed_crossings")
_MODE_MAPS = ("time_factor", "cost_factor")
_ID_MAPS = ("crossing_dwell_h",)
_COUNTRY_MAPS = ("risk_usd_per_t", "risk_pct_value_per_day")
_NUMBERS = ("dwell_factor", "carbon_price_usd_per_t_co2e")
#: Planning years outside this range are taken for typos.
_YEARS = (1900, 2200)


@dataclass(frozen=True)
class Scenario:
    """A planning scenario applied on top of a compiled network.

    Parameters
    ----------
    name
        Label used in reports.
    year
        Planning year. ``None`` (the base case) opens only existing links and crossings;
        a year also opens those under construction or planned whose ``year_open`` is at
        most that year, and applies the projects due by then.
    projects
        Ids switched on whatever their status: link or crossing ids, or project ids of
        the network's projects table (a project opens its links and the crossings on
        them; e.g. ``"P01"``, the CKU railway).
    closed_places, closed_links, closed_crossings
        Ids closed to all traffic.
    avoid_countries
        ISO alpha-2 codes of closed countries: no edge may start or end in them.
    modes
        Allowed modes (``None`` = all the commodity allows).
    time_factor, cost_factor
        Multipliers per mode on line-haul time and money (e.g. ``{"rail": 0.8}``: rail
        25 % faster). Border dwell and fees are not scaled by them.
    crossing_dwell_h
        Border dwell in hours per crossing id, replacing the crossings table's
        ``dwell_h`` (``dwell_factor``, the commodity's service and the projects' dwell
        cuts then apply to it).
    dwell_factor
        Multiplier on border dwell times.
    carbon_price_usd_per_t_co2e
        Price added per tonne of CO2e.
    risk_usd_per_t
        Extra risk premium, USD per tonne entering (or loading in) each country by ISO
        code, on top of the countries table's ``risk_usd_per_t``.
    risk_pct_value_per_day
        Extra risk, percent of the cargo's value per day spent in each country, on top
        of the countries table's ``risk_pct_value_per_day``.

    Raises
    ------
    ScenarioError
        Listing every bad value.
    """

    name: str = "base"
    year: int | None = None
    projects: tuple[str, ...] = ()
    closed_places: tuple[str, ...] = ()
    closed_links: tuple[str, ...] = ()
    closed_crossings: tuple[str, ...] = ()
    avoid_countries: tuple[str, ...] = ()
    modes: tuple[str, ...] | None = None
    time_factor: Mapping[str, float] = field(default_factory=dict)
    cost_factor: Mapping[str, float] = field(default_factory=dict)
    crossing_dwell_h: Mapping[str, float] = field(default_factory=dict)
    dwell_factor: float = 1.0
    carbon_price_usd_per_t_co2e: float = 0.0
    risk_usd_per_t: Mapping[str, float] = field(default_factory=dict)
    risk_pct_value_per_day: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in (*_ID_LISTS, "avoid_countries"):
            object.__setattr__(self, name, _ids(name, getattr(self, name), problems))
        problems.extend(_country_problem("avoid_countries", c) for c in self.avoid_countries
                        if not _is_country(c))
        object.__setattr__(self, "avoid_countries",
                           tuple(c.upper() for c in self.avoid_countries))
        if self.modes is not None:
            modes = _ids("modes", self.modes, problems)
            bad = [m for m in modes if m not in MODES]
            if bad:
                problems.append(f"modes: unknown mode(s) {bad}; allowed {list(MODES)}")
            object.__setattr__(self, "modes", modes)
        for name in (*_MODE_MAPS, *_ID_MAPS, *_COUNTRY_MAPS):
            object.__setattr__(self, name, _number_map(name, getattr(self, name), problems))
        for name in _NUMBERS:
            problems.extend(p for p in [number_problem(name, getattr(self, name))] if p)
        if not isinstance(self.name, str) or not self.name.strip():
            problems.append(f"name={self.name!r} must be a non-empty string")
        if self.year is not None and (isinstance(self.year, bool)
                                      or not isinstance(self.year, int)):
            problems.append(f"year={self.year!r} must be a whole year, e.g. 2030")
        elif self.year is not None and not _YEARS[0] <= self.year <= _YEARS[1]:
            problems.append(f"year={self.year!r} must be a year from {_YEARS[0]} to {_YEARS[1]}")
        if problems:
            raise ScenarioError(problems)


#: The keys of a scenario file that make a :class:`Scenario` (its fields).
SCENARIO_KEYS = tuple(f.name for f in fields(Scenario))


def number_problem(name: str, value: object, *, low: float = 0.0,
                   high: float = math.inf, low_open: bool = False) -> str | None:
    """The message for ``value`` if it is not a finite number in ``[low, high]``
    (``(low, high]`` with ``low_open``), else ``None``."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok:
        v = float(value)  # type: ignore[arg-type]
        ok = math.isfinite(v) and (v > low if low_open else v >= low) and v <= high
    if ok:
        return None
    bound = f"> {low:g}" if low_open else f">= {low:g}"
    upper = f" and <= {high:g}" if math.isfinite(high) else ""
    return f"{name}={value!r} must be a finite number {bound}{upper}"


def _is_country(code: object) -> bool:
    return isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha()


def _country_problem(name: str, code: object) -> str:
    return f"{name}: {code!r} is not an ISO 3166 alpha-2 code (e.g. 'AF')"


def _ids(name: str, value: object, problems: list[str]) -> tuple[str, ...]:
    """``value`` as a tuple of id strings; a problem for a bare string or a non-string."""
    if isinstance(value, str):
        problems.append(f"{name} must be a list of ids, not the string {value!r}; "
                        f"write [{value!r}]")
        return ()
    if not isinstance(value, Iterable):
        problems.append(f"{name}={value!r} must be a list of ids")
        return ()
    items = tuple(value)
    bad = [x for x in items if not isinstance(x, str) or not x]
    if bad:
        problems.append(f"{name}: {bad} are not ids (non-empty strings)")
    return tuple(x for x in items if isinstance(x, str) and x)


def _number_map(name: str, value: object, problems: list[str]) -> dict[str, float]:
    """``value`` as a dict of key -> number, each key and number checked."""
    if not isinstance(value, Mapping):
        problems.append(f"{name}={value!r} must be a table of key = number")
        return {}
    out: dict[str, float] = {}
    for key, factor in value.items():
        label = f"{name}[{key!r}]"
        if name in _MODE_MAPS and key not in MODES:
            problems.append(f"{name}: unknown mode {key!r}; allowed {list(MODES)}")
            continue
        if name in _COUNTRY_MAPS:
            if not _is_country(key):
                problems.append(_country_problem(name, key))
                continue
            key = key.upper()
        high = 100.0 if name == "risk_pct_value_per_day" else math.inf
        problem = number_problem(label, factor, high=high)
        if problem:
            problems.append(problem)
            continue
        out[str(key)] = float(factor)
    return out


def scenario_from_mapping(data: Mapping[str, Any], *, where: str = "scenario") -> Scenario:
    """A :class:`Scenario` from the network keys of a parsed scenario file.

    Parameters
    ----------
    data
        Keys of :data:`SCENARIO_KEYS` only (arrays as lists, tables as dicts).
    where
        What to call the source in an error (a file name).

    Raises
    ------
    ScenarioError
        Listing every unknown key and bad value.
    """
    unknown = sorted(set(data) - set(SCENARIO_KEYS))
    if unknown:
        raise ScenarioError([f"unknown key(s) {unknown}; allowed {sorted(SCENARIO_KEYS)}"],
                            where=where)
    try:
        return Scenario(**dict(data))
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, where=where) from None


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a TOML file whose keys are :class:`Scenario` fields.

    A planning-scenario file with demand growth and analyses (the files of
    ``data/scenarios``) is read by :func:`connectivity.scenarios.read_spec`; its
    ``scenario`` is what this function returns for a file without those keys.

    Raises
    ------
    ScenarioError
        For unknown keys or bad values, naming each.
    """
    with open(path, "rb") as handle:
        try:
            data: dict[str, Any] = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError([f"not valid TOML: {exc}"], where=f"scenario {str(path)!r}") \
                from None
    run = sorted(set(data) & set(RUN_KEYS))
    if run:
        raise ScenarioError(
            [f"key(s) {run} describe a planning run; read the file with "
             "connectivity.scenarios.read_spec (or `connectivity scenario run`)"],
            where=f"scenario {str(path)!r}")
    data.setdefault("name", Path(path).stem)
    return scenario_from_mapping(data, where=f"scenario {str(path)!r}")
