"""Planning scenarios: what is open, closed, scaled or built, and the carbon price.

A :class:`Scenario` never rebuilds the graph: :func:`connectivity.graph.edge_costs`
turns it into a cost vector (``inf`` = closed) on the same compiled structure.

Examples
--------
>>> s = Scenario(name="no Afghanistan", avoid_countries=("AF",), carbon_price_usd_per_t_co2e=50)
>>> s.avoid_countries
('AF',)
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from connectivity.tables.schema import MODES

__all__ = ["Scenario", "read_scenario"]


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
        most that year.
    projects
        Ids switched on whatever their status: link or crossing ids, or project ids of
        the network's projects table (a project opens its links and the crossings on
        them; e.g. ``"P01"``, the CKU railway).
    closed_places, closed_links, closed_crossings
        Ids closed to all traffic.
    avoid_countries
        ISO alpha-2 codes: no edge may start or end in these countries.
    modes
        Allowed modes (``None`` = all the commodity allows).
    time_factor, cost_factor
        Multipliers per mode on line-haul time and money (e.g. ``{"rail": 0.8}``).
    dwell_factor
        Multiplier on border dwell times.
    carbon_price_usd_per_t_co2e
        Price added per tonne of CO2e.
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
    dwell_factor: float = 1.0
    carbon_price_usd_per_t_co2e: float = 0.0

    def __post_init__(self) -> None:
        for name in ("projects", "closed_places", "closed_links", "closed_crossings"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"{name} must be a sequence of ids, not the string {value!r}")
            object.__setattr__(self, name, tuple(value))
        countries = tuple(c.upper() for c in self.avoid_countries)
        for code in countries:
            if len(code) != 2 or not code.isalpha():
                raise ValueError(
                    f"avoid_countries: {code!r} is not an ISO 3166 alpha-2 code (e.g. 'AF')"
                )
        object.__setattr__(self, "avoid_countries", countries)
        if self.modes is not None:
            modes = tuple(self.modes)
            bad = [m for m in modes if m not in MODES]
            if bad:
                raise ValueError(f"modes: unknown mode(s) {bad}; allowed {list(MODES)}")
            object.__setattr__(self, "modes", modes)
        for name in ("time_factor", "cost_factor"):
            object.__setattr__(self, name, _mode_factors(name, getattr(self, name)))
        for name in ("dwell_factor", "carbon_price_usd_per_t_co2e"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 <= value < math.inf):
                raise ValueError(f"{name}={value!r} must be a finite number >= 0")
        if self.year is not None and (isinstance(self.year, bool)
                                      or not isinstance(self.year, int)):
            raise ValueError(f"year={self.year!r} must be a whole year, e.g. 2030")


def _mode_factors(name: str, factors: Mapping[str, float]) -> dict[str, float]:
    mapping = dict(factors)
    for mode, factor in mapping.items():
        if mode not in MODES:
            raise ValueError(f"{name}: unknown mode {mode!r}; allowed {list(MODES)}")
        if not (isinstance(factor, int | float) and 0 <= factor < math.inf):
            raise ValueError(f"{name}[{mode!r}]={factor!r} must be a finite number >= 0")
    return mapping


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a TOML file whose keys are :class:`Scenario` fields.

    Raises
    ------
    ValueError
        For an unknown key or a bad value, naming it.
    """
    with open(path, "rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    allowed = {f.name for f in fields(Scenario)}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(
            f"scenario {str(path)!r}: unknown key(s) {unknown}; allowed {sorted(allowed)}"
        )
    for key in ("projects", "closed_places", "closed_links", "closed_crossings",
                "avoid_countries", "modes"):
        if key in data and data[key] is not None:
            data[key] = tuple(data[key])
    data.setdefault("name", Path(path).stem)
    return Scenario(**data)
