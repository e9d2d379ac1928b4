"""Monte Carlo: the same seed gives the same JSON bytes in this process, on two local
processes and on a Dask cluster; draws stay in their ranges and follow the triangular
distribution; a dominating portfolio is the best in every draw; bad inputs name the
value."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from connectivity.scenarios import (
    Growth,
    NetworkSource,
    ScenarioSpec,
    bundled_scenarios,
    draw_inputs,
    monte_carlo,
    montecarlo_json,
    portfolio_costs,
    portfolio_summary,
    read_spec,
    summary,
)
from tiny import frames

PORTFOLIOS = {"none": [], "cku": ["P01"], "cku_afghan": ["P01", "P10"]}


@pytest.fixture(scope="module")
def files() -> dict[str, Path]:
    return {p.stem: p for p in bundled_scenarios()}


@pytest.fixture(scope="module")
def compiled() -> cn.CompiledNetwork:
    return cn.compile_network(cn.load_bundled())


@pytest.fixture(scope="module")
def in_process(files) -> str:
    mc = monte_carlo(read_spec(files["baseline"]), draws=3, seed=11, portfolios=PORTFOLIOS)
    assert not mc.failed
    return montecarlo_json(mc)


def test_two_local_processes_give_the_same_bytes(files, in_process):
    mc = monte_carlo(read_spec(files["baseline"]), draws=3, seed=11, portfolios=PORTFOLIOS,
                     workers=2)
    assert montecarlo_json(mc) == in_process
    data = json.loads(in_process)
    assert data["montecarlo"]["draws"] == 3 and len(data["draws"]) == 3
    assert "seconds" not in in_process and "worker" not in in_process


def test_a_dask_cluster_gives_the_same_bytes(files, in_process, cluster):
    from dask.distributed import Client

    with Client(cluster) as client:
        mc = monte_carlo(read_spec(files["baseline"]), draws=3, seed=11,
                         portfolios=PORTFOLIOS, executor=client.get_executor())
    assert montecarlo_json(mc) == in_process


def test_draws_depend_on_the_seed_and_their_index_only(files, compiled):
    spec = read_spec(files["baseline"])
    a = draw_inputs(spec, compiled, draws=5, seed=1)
    assert draw_inputs(spec, compiled, draws=3, seed=1) == a[:3]  # not on the count
    b = draw_inputs(spec, compiled, draws=5, seed=2)
    for x, y in zip(a, b, strict=True):
        assert x.dwell_h.keys() == y.dwell_h.keys()
        assert all(x.dwell_h[k] != y.dwell_h[k] for k in x.dwell_h)
        assert x.growth.default_pct_per_year != y.growth.default_pct_per_year
    assert a[0].dwell_h != a[1].dwell_h  # draws of one seed differ too


def _triangular_cdf(x: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    left = (x - low) ** 2 / ((high - low) * (mode - low)) if mode > low else 0.0 * x
    right = 1 - (high - x) ** 2 / ((high - low) * (high - mode)) if high > mode else 1 + 0 * x
    return np.where(x <= mode, left, right)


def test_dwell_stays_in_its_range_and_is_triangular(files, compiled):
    spec = read_spec(files["middle_corridor"])  # sets two crossings' dwell itself
    table = compiled.network.crossings.set_index("crossing_id")
    draws = draw_inputs(spec, compiled, draws=2000, seed=5)
    fixed = set(spec.scenario.crossing_dwell_h)
    assert fixed and not fixed & set(draws[0].dwell_h)  # the file's dwell is kept
    assert set(draws[0].dwell_h) == set(table.index) - fixed  # every ranged crossing
    for cid in draws[0].dwell_h:
        low, mode, high = (float(table.at[cid, c]) for c in ("dwell_h_low", "dwell_h",
                                                             "dwell_h_high"))
        x = np.array([d.dwell_h[cid] for d in draws])
        assert low <= x.min() and x.max() <= high, cid
        # the empirical distribution against the triangular CDF (Kolmogorov bound at
        # 2000 draws: 0.05 is far above the 99.9 % quantile, 0.044)
        grid = np.linspace(low, high, 21)
        ecdf = np.searchsorted(np.sort(x), grid, side="right") / x.size
        assert np.abs(ecdf - _triangular_cdf(grid, low, mode, high)).max() < 0.05, cid


def test_growth_rates_within_the_spread(files, compiled):
    spec = read_spec(files["baseline"])
    g = spec.growth
    for d in draw_inputs(spec, compiled, draws=200, seed=3, growth_spread_pct=0.5):
        assert abs(d.growth.default_pct_per_year - g.default_pct_per_year) <= 0.5
        for k, v in g.commodity_pct_per_year.items():
            assert abs(d.growth.commodity_pct_per_year[k] - v) <= 0.5
        for k, v in g.corridor_extra_pct_per_year.items():
            assert abs(d.growth.corridor_extra_pct_per_year[k] - v) <= 0.5
    same = draw_inputs(spec, compiled, draws=2, seed=3, growth_spread_pct=0)
    assert all(d.growth == g for d in same)


# ----------------------------------------------------------------- a tiny network

CHEAP = pd.DataFrame({
    "project_id": ["P_CHEAP", "P_ROAD"],
    "name": ["every link half price", "road upgrade"],
    "kind": ["upgrade", "upgrade"],
    "link_ids": ["L1;L2;L3;R1;R2;R3", "R1;R3"],
    "capital_cost_usd": ["10", "3"],
    "cost_factor": ["0.5", "0.9"],
    "status": ["planned", "planned"],
})


@pytest.fixture(scope="module")
def tiny_source(tmp_path_factory) -> NetworkSource:
    folder = tmp_path_factory.mktemp("tiny")
    tables = frames()
    tables["projects"] = CHEAP
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    pd.DataFrame({"origin": ["CN_A", "KZ_D"], "destination": ["KZ_D", "CN_A"],
                  "commodity": ["container", "urgent"],
                  "tonnes_per_year": [150.0, 40.0]}).to_csv(folder / "od.csv", index=False)
    return NetworkSource(folder, folder / "od.csv")


TINY = ScenarioSpec(cn.Scenario(name="tiny", year=2026), base_year=2024,
                    growth=Growth(default_pct_per_year=3.0,
                                  commodity_pct_per_year={"urgent": 10.0}))


def test_a_dominating_portfolio_is_the_best_in_every_draw(tiny_source):
    mc = monte_carlo(TINY, draws=25, seed=9, source=tiny_source,
                     portfolios={"none": [], "road": ["P_ROAD"], "cheap": ["P_CHEAP"]})
    best = portfolio_summary(mc)
    assert best.loc["cheap", "best_share"] == 1.0 and best.loc["cheap", "best_draws"] == 25
    assert best.loc["none", "best_draws"] == 0 and best.loc["cheap", "regret_max"] == 0.0
    costs = portfolio_costs(mc)
    # regret is the cost above the draw's least, by hand
    regret = costs["none"] - costs.min(axis=1)
    assert best.loc["none", "regret_mean"] == pytest.approx(regret.mean(), rel=1e-12)
    assert (regret > 0).all()
    # with no unserved demand a portfolio's cost is its run's total cost
    assert costs["none"].tolist() == [r.figures["total_cost_usd_per_year"]
                                      for r in mc.portfolio_results["none"]]
    # the draws really vary: tonnes (growth) and the crossings' dwell
    stats = summary(mc)
    assert stats.loc["demand_t_per_year", "std"] > 0 and stats.loc["demand_t_per_year",
                                                                   "n"] == 25
    dwell = [d.dwell_h["X_RAIL"] for d in mc.draws]
    assert 5.0 <= min(dwell) < max(dwell) <= 20.0
    assert all(d.dwell_h["X_NEW"] == 1.0 for d in mc.draws)  # low == high: no spread
    # the summary's percentiles are numpy's over the draws' figures
    demand = [r.figures["demand_t_per_year"] for r in mc.results]
    assert stats.loc["demand_t_per_year", "p95"] == np.percentile(demand, 95)
    assert stats.loc["demand_t_per_year", "mean"] == pytest.approx(np.mean(demand))


def test_without_years_growth_is_not_drawn(tiny_source):
    spec = ScenarioSpec(cn.Scenario(name="no_years"))
    mc = monte_carlo(spec, draws=3, seed=0, source=tiny_source)
    assert {r.figures["demand_t_per_year"] for r in mc.results} == {190.0}
    assert json.loads(montecarlo_json(mc))["montecarlo"]["growth_drawn"] is False
    assert math.isnan(mc.unserved_penalty_usd_per_t)  # no portfolio, no penalty


@pytest.mark.parametrize(("options", "message"), [
    ({"draws": 0}, r"draws=0 must be a whole number >= 1"),
    ({"draws": 2.5}, r"draws=2.5 must be a whole number >= 1"),
    ({"seed": -1}, r"seed=-1 must be a whole number >= 0"),
    ({"growth_spread_pct": -0.5}, r"growth_spread_pct=-0.5 must be a finite number >= 0"),
    ({"growth_spread_pct": math.nan}, r"growth_spread_pct=nan must be a finite number"),
    ({"portfolios": {"a": ["P_CHEEP"]}},
     r"portfolio 'a': unknown project id 'P_CHEEP'; did you mean 'P_CHEAP'\?"),
    ({"portfolios": {"a": "P_CHEAP"}}, r"portfolio 'a': give a list of project ids"),
    ({"portfolios": {"a+b": []}}, r"portfolio name 'a\+b' must be a non-empty string"),
])
def test_bad_inputs_name_the_value(tiny_source, options, message):
    kwargs = {"draws": 2, "seed": 0, **options}
    with pytest.raises(ValueError, match=message):
        monte_carlo(TINY, source=tiny_source, **kwargs)


def test_the_command(tiny_source, tmp_path, cli):
    spec = tmp_path / "tiny.toml"
    spec.write_text('year = 2026\nbase_year = 2024\n[growth]\ndefault_pct_per_year = 3.0\n',
                    encoding="utf-8")
    args = ("scenario", "montecarlo", str(spec), "--draws", "4", "--seed", "2",
            "--data", tiny_source.data, "--demand", tiny_source.demand,
            "--portfolio", "none=", "--portfolio", "cheap=P_CHEAP")
    out = cli(*args, "--out", str(tmp_path / "t"))
    assert "total cost" in out.stdout and "portfolio cheap cost" in out.stdout
    row = next(line for line in out.stdout.splitlines() if line.startswith("cheap "))
    assert row.split()[:3] == ["cheap", "P_CHEAP", "100.0"]
    assert "4 draw(s) x 3 run(s), 0 failed" in out.stderr
    js = cli(*args, "--out", str(tmp_path / "j"), "--format", "json")
    data = json.loads(js.stdout)
    assert data["portfolios"]["cheap"] == {**data["portfolios"]["cheap"], "best_draws": 4,
                                           "projects": ["P_CHEAP"]}
    assert (tmp_path / "j" / "montecarlo.json").read_text(encoding="utf-8") == js.stdout
    for name in ("montecarlo_summary.csv", "montecarlo_draws.csv",
                 "montecarlo_portfolios.csv"):
        assert (tmp_path / "t" / name).read_text(encoding="utf-8").count("\n") > 1, name
    csv = cli(*args, "--out", str(tmp_path / "c"), "--format", "csv")
    assert csv.stdout.splitlines()[0] == "figure,mean,std,p5,p50,p95,n"
    bad = cli(*args[:-1], "cheap", "--out", str(tmp_path), check=False)
    assert bad.returncode != 0 and "--portfolio 'cheap': give NAME=P01,P05" in bad.stderr
