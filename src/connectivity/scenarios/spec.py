"""Scenario files: a planning scenario in TOML, read and checked before anything runs.

A file holds the network side of a scenario (the keys of
:class:`~connectivity.tables.Scenario`: year, projects, closures, factors, dwell times,
carbon price, risk premiums) and the run side, held here in a :class:`ScenarioSpec`:
``description``, ``base_year`` (the year of the demand table), ``[growth]`` and
``[analyses]``. See ``docs/scenarios.md`` for every key.

Checks come in two rounds, each listing every problem at once in one
:class:`~connectivity.errors.ScenarioError` that names the file, the key, the value and
what is allowed: :func:`read_specs` checks the files on their own (unknown keys at any
depth, types, ranges); :func:`check_specs` checks them against a network and its demand
(unknown ids, years before the network's base year, growth that matches no demand).
:func:`connectivity.scenarios.sweep` runs both before it runs any scenario.

Example
-------
>>> from connectivity.scenarios import bundled_scenarios, read_spec
>>> spec = read_spec(bundled_scenarios()[0])
>>> spec.name, spec.analyses.assignment
('baseline', 'aon')
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectivity.assign import FORMULATIONS
from connectivity.errors import ScenarioError
from connectivity.tables import RUN_KEYS, SCENARIO_KEYS, Scenario, bundled_data_dir
from connectivity.tables.scenario import number_problem

__all__ = [
    "ScenarioSpec",
    "Growth",
    "Analyses",
    "RouteQuery",
    "SkimQuery",
    "ASSIGNMENT_METHODS",
    "spec_from_mapping",
    "read_spec",
    "read_specs",
    "bundled_scenarios",
]

#: Assignment methods a scenario may ask for: all-or-nothing, system optimum (LP), user
#: equilibrium.
ASSIGNMENT_METHODS = ("aon", "so", "ue")

_GROWTH_KEYS = ("default_pct_per_year", "commodity_pct_per_year",
                "corridor_extra_pct_per_year")
_ANALYSES_KEYS = ("assignment", "so_formulation", "commodity", "routes", "skim")
_ROUTE_KEYS = ("origin", "destination", "commodity")
_SKIM_KEYS = ("places", "commodity")
_YEARS = (1900, 2200)


@dataclass(frozen=True)
class Growth:
    """Demand growth, percent per year, from the spec's ``base_year`` to its ``year``.

    A demand row grows at its commodity's rate (``commodity_pct_per_year``, else
    ``default_pct_per_year``) plus its corridor's extra points
    (``corridor_extra_pct_per_year``; a corridor is an origin-destination country pair
    written ``"CN-KZ"``: origin country, destination country), compounded yearly.
    """

    default_pct_per_year: float = 0.0
    commodity_pct_per_year: Mapping[str, float] = field(default_factory=dict)
    corridor_extra_pct_per_year: Mapping[str, float] = field(default_factory=dict)

    @property
    def is_none(self) -> bool:
        """No growth at all."""
        return (self.default_pct_per_year == 0.0
                and not any(self.commodity_pct_per_year.values())
                and not any(self.corridor_extra_pct_per_year.values()))

    def rate_pct(self, commodity: str, corridor: str) -> float:
        """Percent per year of a row of ``commodity`` on ``corridor`` (``"CN-KZ"``)."""
        base = self.commodity_pct_per_year.get(commodity, self.default_pct_per_year)
        return base + self.corridor_extra_pct_per_year.get(corridor, 0.0)


@dataclass(frozen=True)
class RouteQuery:
    """A route to report: least generalized-cost route of ``commodity``."""

    origin: str
    destination: str
    commodity: str = "container"


@dataclass(frozen=True)
class SkimQuery:
    """A skim to report: every ordered pair of ``places``."""

    places: tuple[str, ...]
    commodity: str = "container"


@dataclass(frozen=True)
class Analyses:
    """What a scenario run computes besides the key figures of its assignment.

    ``assignment`` is ``aon``, ``so`` or ``ue``; ``commodity`` is the one class of the
    user equilibrium (every tonne valued with its value of time); ``so_formulation`` is
    the system optimum's LP, ``paths`` (column generation, the default) or ``origin``
    (the origin-based arc model: same optimum, about 25 times slower on the bundled
    network; see :func:`connectivity.assign_system_optimum`).
    """

    assignment: str = "aon"
    commodity: str = "container"
    so_formulation: str = "paths"
    routes: tuple[RouteQuery, ...] = ()
    skim: SkimQuery | None = None


@dataclass(frozen=True)
class ScenarioSpec:
    """One planning scenario: the network side (``scenario``) and the run side.

    Attributes
    ----------
    scenario
        What the network looks like (see :class:`~connectivity.tables.Scenario`).
    description
        What the scenario represents, for people.
    base_year
        Year of the demand table; the demand grows from it to ``scenario.year``.
    growth
        Demand growth rates.
    analyses
        Assignment method, routes and skim to report.
    file
        The file it was read from, as given (``None`` if built in code).
    """

    scenario: Scenario
    description: str = ""
    base_year: int | None = None
    growth: Growth = field(default_factory=Growth)
    analyses: Analyses = field(default_factory=Analyses)
    file: str | None = None

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def growth_years(self) -> int:
        """Years the demand grows: ``scenario.year - base_year`` (0 without growth)."""
        if self.growth.is_none or self.base_year is None or self.scenario.year is None:
            return 0
        return self.scenario.year - self.base_year


# ------------------------------------------------------------------ reading and checking


def _unknown(where: str, table: Mapping[str, Any], allowed: Sequence[str]) -> list[str]:
    unknown = sorted(set(table) - set(allowed))
    return [f"{where}: unknown key(s) {unknown}; allowed {sorted(allowed)}"] if unknown else []


def _table(where: str, value: object, problems: list[str]) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    problems.append(f"{where}={value!r} must be a table (key = value pairs)")
    return {}


def _text(where: str, value: object, problems: list[str]) -> str:
    if isinstance(value, str) and value.strip():
        return value
    problems.append(f"{where}={value!r} must be a non-empty string")
    return ""


def _year(where: str, value: object, problems: list[str]) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and _YEARS[0] <= value <= _YEARS[1]:
        return value
    problems.append(f"{where}={value!r} must be a whole year from {_YEARS[0]} to {_YEARS[1]}")
    return None


def _rates(where: str, value: object, problems: list[str], *,
           key_ok: Any = None, key_rule: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for key, rate in _table(where, value, problems).items():
        if key_ok is not None and not key_ok(key):
            problems.append(f"{where}: key {key!r} {key_rule}")
            continue
        problem = number_problem(f"{where}[{key!r}]", rate, low=-100.0, low_open=True)
        if problem:
            problems.append(problem)
        else:
            out[key] = float(rate)
    return out


def _is_corridor(key: str) -> bool:
    parts = key.split("-")
    return len(parts) == 2 and all(len(p) == 2 and p.isascii() and p.isalpha()
                                   and p.isupper() for p in parts)


def _growth(data: object, problems: list[str]) -> Growth:
    table = _table("growth", data, problems)
    problems.extend(_unknown("growth", table, _GROWTH_KEYS))
    default = table.get("default_pct_per_year", 0.0)
    problem = number_problem("growth.default_pct_per_year", default, low=-100.0,
                             low_open=True)
    if problem:
        problems.append(problem)
        default = 0.0
    return Growth(
        default_pct_per_year=float(default),
        commodity_pct_per_year=_rates("growth.commodity_pct_per_year",
                                      table.get("commodity_pct_per_year", {}), problems),
        corridor_extra_pct_per_year=_rates(
            "growth.corridor_extra_pct_per_year", table.get("corridor_extra_pct_per_year", {}),
            problems, key_ok=_is_corridor,
            key_rule="must be an origin-destination pair of ISO alpha-2 country codes, "
                     "e.g. 'CN-KZ'"),
    )


def _commodity(where: str, table: Mapping[str, Any], problems: list[str]) -> str:
    return _text(f"{where}.commodity", table.get("commodity", "container"), problems)


def _routes(value: object, problems: list[str]) -> tuple[RouteQuery, ...]:
    if not isinstance(value, list):
        problems.append(f"analyses.routes={value!r} must be a list of tables "
                        "{origin = ..., destination = ..., commodity = ...}")
        return ()
    out = []
    for i, item in enumerate(value):
        where = f"analyses.routes[{i}]"
        table = _table(where, item, problems)
        problems.extend(_unknown(where, table, _ROUTE_KEYS))
        ends = []
        for key in ("origin", "destination"):
            if key not in table:
                problems.append(f"{where}: missing key {key!r} (a place id or name)")
            ends.append(_text(f"{where}.{key}", table.get(key, "?"), problems))
        out.append(RouteQuery(ends[0], ends[1], _commodity(where, table, problems)))
    return tuple(out)


def _skim(value: object, problems: list[str]) -> SkimQuery | None:
    table = _table("analyses.skim", value, problems)
    problems.extend(_unknown("analyses.skim", table, _SKIM_KEYS))
    places = table.get("places")
    if not isinstance(places, list) or len(places) < 2:
        problems.append(f"analyses.skim.places={places!r} must be a list of at least two "
                        "place ids or names")
        return None
    names = tuple(_text(f"analyses.skim.places[{i}]", p, problems)
                  for i, p in enumerate(places))
    return SkimQuery(names, _commodity("analyses.skim", table, problems))


def _analyses(data: object, problems: list[str]) -> Analyses:
    table = _table("analyses", data, problems)
    problems.extend(_unknown("analyses", table, _ANALYSES_KEYS))
    method = table.get("assignment", "aon")
    if method not in ASSIGNMENT_METHODS:
        problems.append(f"analyses.assignment={method!r} is not a method; allowed "
                        f"{list(ASSIGNMENT_METHODS)}")
        method = "aon"
    formulation = table.get("so_formulation", "paths")
    if formulation not in FORMULATIONS:
        problems.append(f"analyses.so_formulation={formulation!r} is not a formulation; "
                        f"allowed {list(FORMULATIONS)}")
        formulation = "paths"
    return Analyses(
        assignment=method,
        so_formulation=formulation,
        commodity=_commodity("analyses", table, problems),
        routes=_routes(table.get("routes", []), problems),
        skim=_skim(table["skim"], problems) if "skim" in table else None,
    )


def spec_from_mapping(data: Mapping[str, Any], *, where: str = "scenario",
                      file: str | None = None) -> ScenarioSpec:
    """A :class:`ScenarioSpec` from a parsed scenario file.

    Parameters
    ----------
    data
        The file's keys (network keys of :data:`~connectivity.tables.SCENARIO_KEYS`
        and the run keys ``description``, ``base_year``, ``growth``, ``analyses``).
    where
        What to call the source in an error.
    file
        Recorded as the spec's ``file``.

    Raises
    ------
    ScenarioError
        Listing every unknown key and bad value, nested tables included.
    """
    problems = _unknown("top level", data, (*SCENARIO_KEYS, *RUN_KEYS))
    network = {k: v for k, v in data.items() if k in SCENARIO_KEYS}
    scenario = Scenario()
    try:
        scenario = Scenario(**network)
    except ScenarioError as exc:
        problems.extend(exc.problems)
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(f"description={description!r} must be a string")
        description = ""
    base_year = _year("base_year", data["base_year"], problems) if "base_year" in data else None
    growth = _growth(data.get("growth", {}), problems)
    analyses = _analyses(data.get("analyses", {}), problems)
    if not growth.is_none:
        year = network.get("year")
        if base_year is None or not isinstance(year, int):
            problems.append("growth needs both year (the planning year the demand grows "
                            f"to) and base_year (the demand table's year); got year={year!r}, "
                            f"base_year={data.get('base_year')!r}")
        elif year < base_year:
            problems.append(f"year={year} is before base_year={base_year}; demand grows "
                            "forward from the demand table's year")
    if problems:
        raise ScenarioError(problems, where=where)
    return ScenarioSpec(scenario=scenario, description=description, base_year=base_year,
                        growth=growth, analyses=analyses, file=file)


def _parse(path: str | Path) -> tuple[dict[str, Any], str]:
    where = f"scenario file {str(path)!r}"
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"not valid TOML: {exc}"], where=where) from None
    data.setdefault("name", Path(path).stem)
    return data, where


def read_spec(path: str | Path) -> ScenarioSpec:
    """Read and check one scenario file (``name`` defaults to the file's stem).

    Raises
    ------
    ScenarioError
        Listing every problem of the file.
    FileNotFoundError
        When the file does not exist.
    """
    data, where = _parse(path)
    return spec_from_mapping(data, where=where, file=str(path))


def read_specs(paths: Sequence[str | Path]) -> list[ScenarioSpec]:
    """Read and check several scenario files; every problem of every file is reported at
    once, and scenario names must be unique (they head the comparison's columns).

    Raises
    ------
    ScenarioError
        Listing the problems of all files (each prefixed with its file).
    """
    if not paths:
        raise ScenarioError(["no scenario file given"], where="scenarios")
    specs: list[ScenarioSpec] = []
    problems: list[str] = []
    for path in paths:
        try:
            specs.append(read_spec(path))
        except ScenarioError as exc:
            problems.extend(f"{path}: {p}" for p in exc.problems)
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
    seen: dict[str, str | None] = {}
    for spec in specs:
        if spec.name in seen:
            problems.append(f"{spec.file}: name={spec.name!r} is also the name of "
                            f"{seen[spec.name]}; names must be unique")
        seen.setdefault(spec.name, spec.file)
    if problems:
        raise ScenarioError(problems, where=f"{len(paths)} scenario file(s)")
    return specs


def bundled_scenarios() -> list[Path]:
    """The scenario files shipped with the package (``data/scenarios/*.toml``), the
    baseline first, then by file name."""
    folder = bundled_data_dir() / "scenarios"
    files = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != "baseline", p.name))
    if not files:
        raise FileNotFoundError(f"no bundled scenario files in {folder}; reinstall the "
                                "package with `pip install .`")
    return files
