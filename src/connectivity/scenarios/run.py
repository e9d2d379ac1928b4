"""One scenario run: demand grown to the scenario's year, assigned, and its key figures.

:func:`run_scenario` takes a :class:`~connectivity.scenarios.spec.ScenarioSpec`, any
network (tables or compiled) and a demand table, and returns one
:class:`ScenarioResult`: the key figures of :mod:`connectivity.scenarios.figures`, plus
the routes and skim the spec asks for. The assignment is the library's own
(:func:`~connectivity.assign.assign_aon`, :func:`~connectivity.assign.assign_system_optimum`
or :func:`~connectivity.assign.assign_equilibrium`), on the same compiled arrays: a
scenario is a cost vector and a mask, never a rebuilt graph.

Route and skim figures are named ``route.<origin>><destination>.<commodity>.<measure>``
and ``skim.<commodity>.<origin>><destination>.<measure>`` (place ids); a pair with no
route under the scenario gets ``inf`` (JSON ``null``, "no route" in the table).

Example
-------
>>> import connectivity as cn
>>> from connectivity.scenarios import ScenarioSpec, run_scenario
>>> net = cn.load_bundled()
>>> spec = ScenarioSpec(cn.Scenario(name="no Russia-Belarus crossing",
...                                 closed_crossings=("X_RU_BY_RAIL", "X_RU_BY_ROAD")))
>>> r = run_scenario(spec, net, cn.load_bundled_demand(net))
>>> r.figures["corridor_t_per_year.northern"]
0.0
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity._jit import load_numba
from connectivity.assign import (
    Assignment,
    assign_aon,
    assign_equilibrium,
    assign_system_optimum,
)
from connectivity.errors import NoRouteError, ScenarioError, UnknownIdError
from connectivity.graph import CompiledNetwork, compiled_of
from connectivity.routing import route, skim
from connectivity.scenarios.figures import MAIN_CORRIDORS, Corridor, key_figures
from connectivity.scenarios.spec import RouteQuery, ScenarioSpec, SkimQuery
from connectivity.scenarios.validate import demand_corridors, spec_problems
from connectivity.tables import Network, find_place, read_demand, split_intrazonal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ScenarioResult", "run_scenario", "grow_demand", "failed_result",
           "ROUTE_MEASURES", "SKIM_MEASURES"]

#: Measures reported per route.
ROUTE_MEASURES = ("generalized_cost_usd_per_t", "time_h", "cost_usd_per_t", "distance_km",
                  "co2e_kg_per_t")
#: Measures reported per skim pair.
SKIM_MEASURES = ("generalized_cost_usd_per_t", "time_h")


@dataclass(frozen=True)
class ScenarioResult:
    """The outcome of one scenario: its figures, or the error that stopped it.

    Attributes
    ----------
    name, description, file
        From the spec.
    method
        Assignment method (``aon``, ``so``, ``ue``).
    figures
        Figure name -> number (``None`` where it does not apply, ``inf`` for no route).
    labels
        Figure name -> text: the solver's status (system optimum), each route's modes
        and crossings.
    error
        ``None`` when the run succeeded, else the error's type and message.
    seconds, worker, built_network
        Wall time of the run, the process that ran it (``host:pid``) and whether that
        process had to load and compile the network for it. Not part of
        :meth:`to_dict` (the JSON must not depend on where and how fast it ran).
    """

    name: str
    description: str
    file: str | None
    method: str
    figures: Mapping[str, float | None] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""
    built_network: bool = False

    @property
    def ok(self) -> bool:
        """The run succeeded."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: everything but the timing and the worker."""
        return {
            "name": self.name,
            "description": self.description,
            "file": self.file,
            "method": self.method,
            "status": "ok" if self.ok else "failed",
            "error": self.error,
            "figures": dict(self.figures),
            "labels": dict(self.labels),
        }


def failed_result(spec: ScenarioSpec, error: BaseException | str) -> ScenarioResult:
    """The result of a scenario that failed with ``error``."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return ScenarioResult(name=spec.name, description=spec.description, file=spec.file,
                          method=spec.analyses.assignment, error=text)


def grow_demand(spec: ScenarioSpec, compiled: CompiledNetwork,
                demand: pd.DataFrame) -> pd.DataFrame:
    """``demand`` (a checked demand table) grown by ``spec.growth`` over
    ``spec.growth_years`` years: each row times ``(1 + rate / 100) ** years``."""
    years = spec.growth_years
    out = demand.copy()
    if years == 0:
        return out
    rates = np.array([spec.growth.rate_pct(k, lane) for k, lane in
                      zip(demand["commodity"], demand_corridors(compiled, demand),
                          strict=True)])
    out["tonnes_per_year"] = (demand["tonnes_per_year"].to_numpy(dtype=np.float64)
                              * (1.0 + rates / 100.0) ** years)
    return out


def _assign(spec: ScenarioSpec, compiled: CompiledNetwork, demand: pd.DataFrame) -> Assignment:
    method = spec.analyses.assignment
    if method == "aon":
        return assign_aon(compiled, demand, scenario=spec.scenario)
    if method == "so":
        return assign_system_optimum(compiled, demand, scenario=spec.scenario,
                                     formulation=spec.analyses.so_formulation)
    return assign_equilibrium(compiled, demand, commodity=spec.analyses.commodity,
                              scenario=spec.scenario)


def _route(compiled: CompiledNetwork, query: RouteQuery, spec: ScenarioSpec,
           figures: dict[str, float | None], labels: dict[str, str]) -> None:
    o, d = find_place(compiled.places, query.origin), find_place(compiled.places,
                                                                 query.destination)
    key = f"route.{o}>{d}.{query.commodity}"
    try:
        r = route(compiled, o, d, commodity=query.commodity, scenario=spec.scenario)
    except NoRouteError:
        figures.update({f"{key}.{m}": float("inf") for m in ROUTE_MEASURES})
        labels[f"{key}.modes"] = labels[f"{key}.crossings"] = "no route"
        return
    figures.update({f"{key}.{m}": float(getattr(r, m)) for m in ROUTE_MEASURES})
    labels[f"{key}.modes"] = " > ".join(r.modes)
    labels[f"{key}.crossings"] = " ".join(r.crossings) or "none"


def _skim(compiled: CompiledNetwork, query: SkimQuery, spec: ScenarioSpec,
          figures: dict[str, float | None]) -> None:
    s = skim(compiled, list(query.places), commodity=query.commodity, scenario=spec.scenario)
    for i, o in enumerate(s.origins):
        for j, d in enumerate(s.destinations):
            if o != d:
                for m in SKIM_MEASURES:
                    figures[f"skim.{query.commodity}.{o}>{d}.{m}"] = float(
                        getattr(s, m)[i, j])


@contextmanager
def _one_thread() -> Iterator[None]:
    """numba kernels on one thread inside the block (numba's setting is per thread)."""
    numba = load_numba()
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def run_scenario(
    spec: ScenarioSpec,
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    corridors: Sequence[Corridor] = MAIN_CORRIDORS,
    crossings: Sequence[str] | None = None,
) -> ScenarioResult:
    """Run one scenario: grow the demand, assign it, and compute the key figures.

    The kernels run on one numba thread, so that the figures are the same bits on any
    machine and in any sweep (a parallel kernel's sums depend on the thread count);
    run scenarios side by side for speed (:func:`~connectivity.scenarios.sweep`).

    Parameters
    ----------
    spec
        The scenario (see :func:`connectivity.scenarios.read_spec`).
    network
        Tables or compiled network (compiled once per network).
    demand
        Demand table of the spec's ``base_year`` (see :func:`connectivity.read_demand`).
    corridors, crossings
        What to measure (see :func:`connectivity.scenarios.figures.key_figures`).

    Returns
    -------
    ScenarioResult
        With ``error`` ``None``; a failure raises.

    Raises
    ------
    ScenarioError
        When the spec names what the network lacks, or its growth does not fit the
        demand (every problem listed).
    UnknownIdError
        For an unknown crossing in ``crossings``.
    """
    start = time.perf_counter()
    compiled = compiled_of(network)
    table = read_demand(demand, compiled.network)
    problems = spec_problems(spec, compiled, table)
    if problems:
        raise ScenarioError(problems, where=spec.file or f"scenario {spec.name!r}")
    if crossings is not None:
        unknown = [x for x in crossings if x not in compiled.crossing_code]
        if unknown:
            raise UnknownIdError(f"crossings: unknown crossing id(s) {unknown}")
    grown = grow_demand(spec, compiled, table)
    with _one_thread():
        result = _assign(spec, compiled, grown)
        # intrazonal rows stay in their place: not routed, not in the demand assigned
        routed_t = float(split_intrazonal(grown)[0]["tonnes_per_year"].sum())
        figures = key_figures(compiled, result, routed_t, corridors=corridors,
                              crossings=crossings)
        labels: dict[str, str] = {}
        if result.solve is not None:
            labels["assignment.status"] = result.solve.status.value
        if result.relative_gap is not None:
            figures["assignment.relative_gap"] = float(result.relative_gap[-1])
            figures["assignment.iterations"] = float(len(result.relative_gap))
        for query in spec.analyses.routes:
            _route(compiled, query, spec, figures, labels)
        if spec.analyses.skim is not None:
            _skim(compiled, spec.analyses.skim, spec, figures)
    return ScenarioResult(name=spec.name, description=spec.description, file=spec.file,
                          method=result.method, figures=figures, labels=labels,
                          seconds=time.perf_counter() - start)
