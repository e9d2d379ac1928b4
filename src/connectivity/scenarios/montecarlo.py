"""Uncertainty: a scenario run many times over drawn demand growth and border dwell.

:func:`monte_carlo` draws ``draws`` variants of one scenario, runs each through
:func:`~connectivity.scenarios.sweep` (so on any executor, with the same failure
handling), and returns a :class:`MonteCarloResult`: per draw the key figures of
:func:`~connectivity.scenarios.run_scenario`, and, when given project portfolios
(e.g. the ``selected`` of :func:`connectivity.invest.prioritize` by several methods),
each portfolio's total cost in each draw. :func:`summary` gives the distribution of
every figure (mean, standard deviation, 5th, 50th and 95th percentiles);
:func:`portfolio_summary` how often each portfolio is the cheapest and its regret;
:func:`montecarlo_json` all of it as JSON.

**What is drawn.**

- *Border dwell*: each crossing whose table row gives ``dwell_h_low`` and
  ``dwell_h_high`` gets a dwell from the triangular distribution with those ends and
  its ``dwell_h`` as the mode, set through the scenario's ``crossing_dwell_h``.
  Triangular because the data give three points (lowest, central, highest value found)
  and nothing about the shape: it is bounded by the range, peaks at the central
  value and, where the range is skewed (Farap-Alat rail: 6.25, 12.5, 120 h), moves the
  mean towards the long side ((low + mode + high) / 3 = 46 h there). Crossings without
  a range, and crossings whose dwell the scenario itself sets, keep their dwell.
- *Demand growth*: each rate of the scenario's ``[growth]`` (the default, each
  commodity's, each corridor's extra points) is drawn uniformly within
  ``growth_spread_pct`` points of the file's value (default 2 points: **an assumption**;
  the data hold no growth range). Rates the file shares are drawn once and shared (all
  commodities on the default rate move together). Growth is drawn only when the
  scenario has both ``year`` and ``base_year``.

**Reproducible.** Draw ``i`` uses its own generator,
``numpy.random.default_rng(SeedSequence(seed).spawn(draws)[i])``: its values depend on
``seed`` and ``i`` only, not on the number of draws, the executor, the number of
workers or the order the runs finish in. The draws are made here, before anything
runs; the workers receive finished scenarios. So the JSON is the same byte for byte
for the same ``seed`` on one process, a process pool or a Dask cluster.

**Portfolios.** Each portfolio is the draw's scenario with its projects switched on,
assigned by the scenario's own method (routes and skims left out), and costed as its
``total_cost_usd_per_year`` plus its unserved tonnes at one penalty per tonne for every
run (:func:`connectivity.assign.default_unserved_penalty` of the scenario as given:
twice the dearest least-cost route plus 1,000 USD/t). A portfolio is the best of a draw
when no other is cheaper (ties count for each); its regret is its cost minus the draw's
least. Capital costs are not added: portfolios chosen within one budget compete on what
the network costs its users. Under all-or-nothing a project that only adds capacity
changes nothing; set ``assignment = "so"`` in the file to weigh capacities.

Example
-------
>>> from connectivity.scenarios import bundled_scenarios, read_spec
>>> spec = read_spec(bundled_scenarios()[0])
>>> mc = monte_carlo(spec, draws=3, seed=7, portfolios={"none": [], "cku": ["P01"]})
>>> len(mc.draws), list(summary(mc).columns)
(3, ['mean', 'std', 'p5', 'p50', 'p95', 'n'])
>>> int(portfolio_summary(mc).loc["cku", "best_draws"])
3
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity._json import finite
from connectivity.assign import default_unserved_penalty
from connectivity.errors import UnknownIdError
from connectivity.graph import CompiledNetwork
from connectivity.scenarios._flows import demand_arrays
from connectivity.scenarios.run import ScenarioResult, grow_demand
from connectivity.scenarios.spec import Growth, ScenarioSpec
from connectivity.scenarios.sweeps import NetworkSource, load_source, sweep
from connectivity.scenarios.validate import check_specs

__all__ = ["Draw", "MonteCarloResult", "draw_inputs", "monte_carlo", "summary",
           "portfolio_costs", "portfolio_summary", "draw_figures", "montecarlo_json",
           "DEFAULT_GROWTH_SPREAD_PCT", "STATISTICS"]

#: Default half-width, in percentage points, of the uniform range of each growth rate.
DEFAULT_GROWTH_SPREAD_PCT = 2.0
#: Columns of :func:`summary`.
STATISTICS = ("mean", "std", "p5", "p50", "p95", "n")
#: Relative difference under which two portfolio costs count as a tie.
_TIE = 1e-12


@dataclass(frozen=True)
class Draw:
    """The inputs of one draw.

    Attributes
    ----------
    index
        Draw number, from 0.
    growth
        The drawn growth rates (the scenario's own when growth is not drawn).
    dwell_h
        Crossing id -> drawn dwell in hours, for the crossings drawn (table order).
    """

    index: int
    growth: Growth
    dwell_h: Mapping[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        g = self.growth
        return {"index": self.index,
                "growth": {"default_pct_per_year": g.default_pct_per_year,
                           "commodity_pct_per_year": dict(g.commodity_pct_per_year),
                           "corridor_extra_pct_per_year": dict(g.corridor_extra_pct_per_year)},
                "dwell_h": dict(self.dwell_h)}


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo run of one scenario.

    Attributes
    ----------
    spec
        The scenario as given.
    seed, growth_spread_pct
        The options it ran with.
    draws
        The inputs of each draw.
    results
        The run of each draw (its key figures, or its error).
    portfolios
        Portfolio name -> project ids, in the order given.
    portfolio_results
        Portfolio name -> its run in each draw.
    unserved_penalty_usd_per_t
        Penalty per unserved tonne in the portfolios' costs.
    """

    spec: ScenarioSpec
    seed: int
    growth_spread_pct: float
    draws: tuple[Draw, ...]
    results: tuple[ScenarioResult, ...]
    portfolios: Mapping[str, tuple[str, ...]]
    portfolio_results: Mapping[str, tuple[ScenarioResult, ...]]
    unserved_penalty_usd_per_t: float

    @property
    def failed(self) -> list[str]:
        """Names of the runs that failed (draws and portfolio runs)."""
        runs = [*self.results, *(r for rs in self.portfolio_results.values() for r in rs)]
        return [r.name for r in runs if not r.ok]


# ------------------------------------------------------------------------- checks


def _check_draws(draws: object) -> int:
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValueError(f"draws={draws!r} must be a whole number >= 1")
    return int(draws)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed={seed!r} must be a whole number >= 0")
    return int(seed)


def _check_spread(spread: object) -> float:
    if (isinstance(spread, bool) or not isinstance(spread, int | float)
            or not math.isfinite(spread) or spread < 0):
        raise ValueError(f"growth_spread_pct={spread!r} must be a finite number >= 0 "
                         "(percentage points either side of each rate)")
    return float(spread)


def _check_portfolios(portfolios: Mapping[str, Sequence[str]] | None,
                      compiled: CompiledNetwork) -> dict[str, tuple[str, ...]]:
    """Names and project ids checked; an unknown id names the nearest project id."""
    if portfolios is None:
        return {}
    known = [str(p) for p in compiled.project_ids]
    out: dict[str, tuple[str, ...]] = {}
    for name, ids in portfolios.items():
        if not isinstance(name, str) or not name.strip() or any(c in name for c in "#+"):
            raise ValueError(f"portfolio name {name!r} must be a non-empty string without "
                             "'#' or '+'")
        if isinstance(ids, str):
            raise ValueError(f"portfolio {name!r}: give a list of project ids, not the "
                             f"string {ids!r}")
        for pid in ids:
            if pid not in known:
                near = difflib.get_close_matches(str(pid), known, n=1)
                hint = (f"; did you mean {near[0]!r}?" if near
                        else f"; the network's projects are {known}")
                raise UnknownIdError(f"portfolio {name!r}: unknown project id {pid!r}{hint}")
        out[name] = tuple(dict.fromkeys(ids))
    return out


# -------------------------------------------------------------------------- draws


def _triangular(u: NDArray[np.float64], low: NDArray[np.float64], mode: NDArray[np.float64],
                high: NDArray[np.float64]) -> NDArray[np.float64]:
    """Inverse CDF of the triangular distribution at ``u``; ``low == high`` gives it."""
    width = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = np.where(width > 0, (mode - low) / width, 0.0)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.clip(np.where(u < cut, left, right), low, high)


def _dwell_ranges(spec: ScenarioSpec, compiled: CompiledNetwork) -> tuple[
        list[str], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The crossings to draw (a range in the data, dwell not set by the scenario), in
    table order, with low, mode and high."""
    table = compiled.network.crossings
    if "dwell_h_low" not in table or "dwell_h_high" not in table:
        empty = np.zeros(0)
        return [], empty, empty, empty
    low = pd.to_numeric(table["dwell_h_low"], errors="coerce").to_numpy(np.float64)
    high = pd.to_numeric(table["dwell_h_high"], errors="coerce").to_numpy(np.float64)
    mode = pd.to_numeric(table["dwell_h"], errors="coerce").to_numpy(np.float64)
    ids = table["crossing_id"].astype(str).to_numpy()
    fixed = set(spec.scenario.crossing_dwell_h)
    keep = (np.isfinite(low) & np.isfinite(high) & np.isfinite(mode)
            & ~np.isin(ids, list(fixed)))
    return [str(x) for x in ids[keep]], low[keep], mode[keep], high[keep]


def _grows(spec: ScenarioSpec) -> bool:
    return spec.base_year is not None and spec.scenario.year is not None


def draw_inputs(
    spec: ScenarioSpec,
    network: CompiledNetwork,
    *,
    draws: int,
    seed: int,
    growth_spread_pct: float = DEFAULT_GROWTH_SPREAD_PCT,
) -> list[Draw]:
    """The inputs of ``draws`` draws of ``spec`` on ``network`` (see the module docstring).

    Each draw's generator draws the growth rates first (default, then commodities and
    corridors by name), then one uniform number per drawn crossing (table order).

    Raises
    ------
    ValueError
        For ``draws`` < 1, a negative ``seed`` or a negative ``growth_spread_pct``.

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.scenarios import bundled_scenarios, read_spec
    >>> spec = read_spec(bundled_scenarios()[0])
    >>> d = draw_inputs(spec, cn.compile_network(cn.load_bundled()), draws=2, seed=1)
    >>> 84.9 <= d[0].dwell_h["X_ALASHANKOU_DOSTYK_RAIL"] <= 158.2
    True
    """
    n = _check_draws(draws)
    spread = _check_spread(growth_spread_pct)
    children = np.random.SeedSequence(_check_seed(seed)).spawn(n)
    ids, low, mode, high = _dwell_ranges(spec, network)
    g = spec.growth
    out = []
    for i, child in enumerate(children):
        rng = np.random.default_rng(child)
        growth = g
        if _grows(spec):
            def rate(x: float, rng: np.random.Generator = rng) -> float:
                return float(rng.uniform(x - spread, x + spread))
            growth = Growth(
                default_pct_per_year=rate(g.default_pct_per_year),
                commodity_pct_per_year={k: rate(v) for k, v in
                                        sorted(g.commodity_pct_per_year.items())},
                corridor_extra_pct_per_year={k: rate(v) for k, v in
                                             sorted(g.corridor_extra_pct_per_year.items())})
        dwell = _triangular(rng.random(len(ids)), low, mode, high)
        out.append(Draw(i, growth, dict(zip(ids, dwell.tolist(), strict=True))))
    return out


def _label(spec: ScenarioSpec, i: int, n: int) -> str:
    return f"{spec.name}#{i:0{len(str(n - 1))}d}"


def _draw_spec(spec: ScenarioSpec, draw: Draw, name: str) -> ScenarioSpec:
    scenario = replace(spec.scenario, name=name,
                       crossing_dwell_h={**spec.scenario.crossing_dwell_h, **draw.dwell_h})
    return replace(spec, scenario=scenario, growth=draw.growth)


def _portfolio_spec(spec: ScenarioSpec, projects: tuple[str, ...], name: str) -> ScenarioSpec:
    scenario = replace(spec.scenario, name=name,
                       projects=tuple(dict.fromkeys([*spec.scenario.projects, *projects])))
    return replace(spec, scenario=scenario,
                   analyses=replace(spec.analyses, routes=(), skim=None))


def _penalty(spec: ScenarioSpec, compiled: CompiledNetwork, demand: pd.DataFrame) -> float:
    d = demand_arrays(compiled, grow_demand(spec, compiled, demand), spec.scenario)
    return default_unserved_penalty(compiled, d.costs, d.origin, d.destination, d.commodity)


def monte_carlo(  # noqa: PLR0913 (the keyword options of one analysis)
    spec: ScenarioSpec,
    *,
    draws: int,
    seed: int,
    portfolios: Mapping[str, Sequence[str]] | None = None,
    growth_spread_pct: float = DEFAULT_GROWTH_SPREAD_PCT,
    source: NetworkSource | None = None,
    executor: Executor | None = None,
    workers: int = 1,
    progress: bool | None = None,
) -> MonteCarloResult:
    """Run ``spec`` over ``draws`` drawn variants (see the module docstring).

    Parameters
    ----------
    spec
        The scenario (see :func:`connectivity.scenarios.read_spec`).
    draws
        Number of draws, >= 1.
    seed
        Seed of the draws, >= 0: the same seed gives the same draws and the same JSON.
    portfolios
        Name -> project ids (e.g. ``{"milp": p.selected, ...}``) to cost in each draw;
        an empty list is the scenario as it is.
    growth_spread_pct
        Half-width in percentage points of each growth rate's uniform range.
    source, executor, workers, progress
        As for :func:`~connectivity.scenarios.sweep`: the runs (``draws`` x (1 +
        number of portfolios)) go through it.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ValueError
        For a bad ``draws``, ``seed``, ``growth_spread_pct`` or portfolio name.
    UnknownIdError
        For a project id the network lacks, naming the nearest.
    ScenarioError
        When ``spec`` (or a drawn variant) does not fit the network.
    """
    n = _check_draws(draws)
    source = source or NetworkSource()
    compiled, demand = load_source(source)
    chosen = _check_portfolios(portfolios, compiled)
    check_specs([spec], compiled, demand)
    inputs = draw_inputs(spec, compiled, draws=n, seed=seed,
                         growth_spread_pct=growth_spread_pct)
    specs: list[ScenarioSpec] = []
    for d in inputs:
        drawn = _draw_spec(spec, d, _label(spec, d.index, n))
        specs.append(drawn)
        specs += [_portfolio_spec(drawn, ids, f"{drawn.name}+{name}")
                  for name, ids in chosen.items()]
    runs = sweep(specs, source=source, executor=executor, workers=workers, progress=progress)
    step = 1 + len(chosen)
    return MonteCarloResult(
        spec=spec, seed=int(seed), growth_spread_pct=float(growth_spread_pct),
        draws=tuple(inputs), results=tuple(runs[::step]),
        portfolios=chosen,
        portfolio_results={name: tuple(runs[1 + j::step]) for j, name in enumerate(chosen)},
        unserved_penalty_usd_per_t=_penalty(spec, compiled, demand) if chosen else math.nan)


# ------------------------------------------------------------------------ figures


def draw_figures(result: MonteCarloResult) -> pd.DataFrame:
    """One row per draw (``draw``, from 0), one column per figure, as computed;
    ``None`` for a failed draw or a figure a draw lacks."""
    keys: list[str] = []
    for r in result.results:
        keys.extend(k for k in r.figures if k not in keys)
    rows = [[r.figures.get(k) for k in keys] for r in result.results]
    return pd.DataFrame(rows, columns=keys, index=pd.RangeIndex(len(rows), name="draw"),
                        dtype=object)


def _stats(values: Sequence[object]) -> list[float]:
    x = np.array([v for v in values if isinstance(v, float | int) and math.isfinite(v)],
                 dtype=np.float64)
    if x.size == 0:
        return [math.nan] * (len(STATISTICS) - 1) + [0.0]
    p5, p50, p95 = np.percentile(x, [5.0, 50.0, 95.0]).tolist()
    std = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    return [float(np.mean(x)), std, p5, p50, p95, float(x.size)]


def _frame(columns: Mapping[str, Sequence[object]], name: str) -> pd.DataFrame:
    rows = {k: _stats(v) for k, v in columns.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(STATISTICS))
    frame.index.name = name
    return frame.astype({"n": np.int64})


def summary(result: MonteCarloResult) -> pd.DataFrame:
    """Distribution of each figure over the draws: ``mean``, ``std`` (sample, ``ddof=1``),
    ``p5``, ``p50``, ``p95`` (linear interpolation) and ``n``, the draws with a finite
    value (failed draws and routes not found are left out). Then, per portfolio, rows
    ``portfolio.<name>.cost_usd_per_year`` and ``portfolio.<name>.regret_usd_per_year``.
    """
    figures = draw_figures(result)
    columns: dict[str, Sequence[object]] = {k: figures[k].tolist() for k in figures.columns}
    if result.portfolios:
        costs, regret = portfolio_costs(result), _regret(result)
        for name in result.portfolios:
            columns[f"portfolio.{name}.cost_usd_per_year"] = costs[name].tolist()
            columns[f"portfolio.{name}.regret_usd_per_year"] = regret[name].tolist()
    return _frame(columns, "figure")


def _cost(r: ScenarioResult, penalty: float) -> float:
    if not r.ok:
        return math.nan
    cost, unserved = r.figures.get("total_cost_usd_per_year"), r.figures.get(
        "unserved_t_per_year")
    if cost is None or unserved is None:
        return math.nan
    return float(cost) + penalty * float(unserved) if unserved else float(cost)


def portfolio_costs(result: MonteCarloResult) -> pd.DataFrame:
    """One row per draw, one column per portfolio: its total cost per year plus its
    unserved tonnes at the penalty (NaN where its run failed)."""
    data = {name: [_cost(r, result.unserved_penalty_usd_per_t) for r in runs]
            for name, runs in result.portfolio_results.items()}
    return pd.DataFrame(data, index=pd.RangeIndex(len(result.draws), name="draw"),
                        columns=list(result.portfolios), dtype=np.float64)


def _compared(costs: pd.DataFrame) -> NDArray[np.bool_]:
    """Draws where every portfolio has a cost."""
    return np.asarray(np.isfinite(costs.to_numpy()).all(axis=1))


def _regret(result: MonteCarloResult) -> pd.DataFrame:
    costs = portfolio_costs(result)
    ok = _compared(costs)
    best = costs.min(axis=1)
    return costs.sub(best, axis=0).where(pd.Series(ok, index=costs.index), np.nan)


def portfolio_summary(result: MonteCarloResult) -> pd.DataFrame:
    """Per portfolio: ``best_draws`` (draws in which it is the cheapest, ties counting for
    each), ``compared`` (draws in which every portfolio ran), ``best_share``
    (``best_draws / compared``), and its regret (cost minus the draw's least, USD per
    year): ``regret_mean``, ``regret_p50``, ``regret_p95``, ``regret_max``."""
    costs = portfolio_costs(result)
    ok = _compared(costs)
    values = costs.to_numpy()[ok]
    best = values.min(axis=1) if values.size else np.zeros(values.shape[0])
    compared = int(ok.sum())
    rows = {}
    for j, name in enumerate(costs.columns):
        regret = values[:, j] - best
        wins = int((regret <= _TIE * np.maximum(np.abs(best), 1.0)).sum())
        stats = _stats(regret.tolist())
        rows[name] = [wins, compared, wins / compared if compared else math.nan,
                      stats[0], stats[3], stats[4],
                      float(regret.max()) if regret.size else math.nan]
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=["best_draws", "compared", "best_share", "regret_mean",
                                       "regret_p50", "regret_p95", "regret_max"])
    frame.index.name = "portfolio"
    return frame


def montecarlo_json(result: MonteCarloResult) -> str:
    """All of ``result`` as JSON text: the options, :func:`summary`, the portfolios with
    :func:`portfolio_summary`, and each draw's inputs, status, figures and portfolio
    costs. The same bytes for the same inputs whatever ran them (keys sorted, numbers as
    Python prints them, ``inf`` and NaN as ``null``, no timings)."""
    spec = result.spec
    costs = portfolio_costs(result)
    best = portfolio_summary(result)
    draws = []
    for i, (d, r) in enumerate(zip(result.draws, result.results, strict=True)):
        entry = {**d.to_dict(), "status": "ok" if r.ok else "failed", "error": r.error,
                 "figures": dict(r.figures), "labels": dict(r.labels)}
        if result.portfolios:
            entry["portfolio_cost_usd_per_year"] = {n: float(costs.at[i, n])
                                                    for n in result.portfolios}
            entry["portfolio_errors"] = {n: rs[i].error for n, rs in
                                         result.portfolio_results.items() if not rs[i].ok}
        draws.append(entry)
    data = {
        "montecarlo": {"scenario": spec.name, "file": spec.file, "method":
                       spec.analyses.assignment, "seed": result.seed,
                       "draws": len(result.draws), "growth_spread_pct": result.growth_spread_pct,
                       "growth_drawn": _grows(spec),
                       "dwell": "triangular(dwell_h_low, dwell_h, dwell_h_high)",
                       "unserved_penalty_usd_per_t": result.unserved_penalty_usd_per_t,
                       "failed": result.failed},
        "summary": {str(k): {c: (int(v) if c == "n" else float(v)) for c, v in row.items()}
                    for k, row in summary(result).iterrows()},
        "portfolios": {n: {"projects": list(ids), **{c: (int(v) if c in ("best_draws",
                                                                          "compared")
                                                         else float(v))
                                                    for c, v in best.loc[n].items()}}
                       for n, ids in result.portfolios.items()},
        "draws": draws,
    }
    return json.dumps(finite(data), sort_keys=True, indent=1, ensure_ascii=False,
                      allow_nan=False)
