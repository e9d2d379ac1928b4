"""One scenario run: the baseline's figures against an independent computation (the
demand grown by hand, each OD pair's route as a path oracle), and closures that move
tonnes."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict

import pandas as pd
import pytest

import connectivity as cn
from connectivity.scenarios import (
    MAIN_CORRIDORS,
    Analyses,
    ScenarioSpec,
    bundled_scenarios,
    main_crossings,
    read_spec,
    run_scenario,
)
from connectivity.tables import MODES, bundled_data_dir


@pytest.fixture(scope="module")
def bundled():
    net = cn.load_bundled()
    return net, cn.load_bundled_demand(net)


@pytest.fixture(scope="module")
def baseline():
    return read_spec(bundled_scenarios()[0])


def _grown_by_hand(net: cn.Network, demand: pd.DataFrame) -> pd.DataFrame:
    """The baseline file's growth, written out: 3 % a year, containers and new-energy
    equipment 6 %, China -> Uzbekistan 2 points more, 2024 to 2027."""
    country = dict(zip(net.places["place_id"], net.places["country"], strict=True))
    out = demand.copy()
    for i, row in demand.iterrows():
        rate = 6.0 if row["commodity"] in ("container", "new_energy") else 3.0
        if (country[row["origin"]], country[row["destination"]]) == ("CN", "UZ"):
            rate += 2.0
        out.loc[i, "tonnes_per_year"] = row["tonnes_per_year"] * (1 + rate / 100) ** 3
    return out


def test_baseline_against_the_assignment_and_a_route_per_pair(bundled, baseline):
    net, demand = bundled
    comp = cn.compile_network(net)
    result = run_scenario(baseline, net, demand)
    f = result.figures
    grown = _grown_by_hand(net, demand)
    assert f["demand_t_per_year"] == pytest.approx(grown["tonnes_per_year"].sum(), rel=1e-12)

    # the same assignment, called directly on the grown demand
    direct = cn.assign_aon(net, grown, scenario=baseline.scenario)
    assert f["total_cost_usd_per_year"] == pytest.approx(direct.total_cost_usd, rel=1e-12)
    assert f["total_co2e_t_per_year"] == pytest.approx(direct.total_co2e_t, rel=1e-12)
    assert f["total_tkm_per_year"] == pytest.approx(direct.total_tkm, rel=1e-12)
    assert f["unserved_t_per_year"] == direct.unserved_t == 0.0

    # path oracle: every OD pair on its own least-cost route, summed by hand
    cost = time = tkm = 0.0
    by_mode: dict[str, float] = defaultdict(float)
    through: dict[str, float] = defaultdict(float)
    for row in grown.itertuples(index=False):
        r = cn.route(comp, row.origin, row.destination, commodity=row.commodity,
                     scenario=baseline.scenario)
        t = row.tonnes_per_year
        cost += t * r.generalized_cost_usd_per_t
        time += t * r.time_h
        tkm += t * r.distance_km
        for leg in r.legs:
            by_mode[leg.mode] += t * leg.distance_km
        for x in r.crossings:
            through[x] += t
    assert f["total_cost_usd_per_year"] == pytest.approx(cost, rel=1e-9)
    assert f["total_time_t_h_per_year"] == pytest.approx(time, rel=1e-9)
    assert f["total_tkm_per_year"] == pytest.approx(tkm, rel=1e-9)
    for mode in MODES:
        assert f[f"mode_share_tkm.{mode}"] == pytest.approx(by_mode[mode] / tkm, abs=1e-9)
    for x in main_crossings(comp):
        assert f[f"crossing_t_per_year.{x}"] == pytest.approx(through[x], rel=1e-9, abs=1e-6)

    # corridors: the tonnes whose routes cross one of the corridor's borders
    country = dict(zip(net.places["place_id"], net.places["country"], strict=True))
    border = {x: frozenset((country[a], country[b])) for x, a, b, m in zip(
        net.crossings["crossing_id"], net.crossings["place_a"], net.crossings["place_b"],
        net.crossings["mode"], strict=True) if m != "air"}
    for corridor in MAIN_CORRIDORS:
        gates = {frozenset(b) for b in corridor.borders}
        expected = sum(t for x, t in through.items() if border.get(x) in gates)
        assert f[f"corridor_t_per_year.{corridor.id}"] == pytest.approx(expected, rel=1e-9,
                                                                        abs=1e-6)
    assert f["corridor_t_per_year.northern"] > 1e6  # the baseline uses the northern route

    # the routes the file asks for are the library's routes
    r = cn.route(comp, "CN_KASHGAR", "UZ_ANDIJAN", scenario=baseline.scenario)
    key = "route.CN_KASHGAR>UZ_ANDIJAN.container"
    assert f[f"{key}.time_h"] == r.time_h
    assert result.labels[f"{key}.modes"] == " > ".join(r.modes)


def test_closing_the_northern_route_moves_its_tonnes(bundled, baseline):
    net, demand = bundled
    base = run_scenario(baseline, net, demand).figures
    closed = ScenarioSpec(
        cn.Scenario(name="closed", year=2027, closed_crossings=("X_RU_BY_RAIL", "X_RU_BY_ROAD")),
        base_year=2024, growth=baseline.growth)
    f = run_scenario(closed, net, demand).figures
    moved = base["corridor_t_per_year.northern"]
    assert moved > 1e6 and f["corridor_t_per_year.northern"] == 0.0
    assert f["unserved_t_per_year"] == 0.0  # they go another way, by sea or the Caspian
    other = (f["mode_share_tkm.sea"] * f["total_tkm_per_year"]
             - base["mode_share_tkm.sea"] * base["total_tkm_per_year"])
    assert other > 0.0
    assert f["corridor_t_per_year.middle"] >= base["corridor_t_per_year.middle"]
    assert f["total_cost_usd_per_year"] > base["total_cost_usd_per_year"]


def test_closing_a_whole_country_leaves_its_demand_unserved(bundled):
    net, demand = bundled
    spec = ScenarioSpec(cn.Scenario(name="no AF", avoid_countries=("AF",)))
    f = run_scenario(spec, net, demand).figures
    to_af = demand.loc[demand["destination"].str.startswith("AF_")
                       | demand["origin"].str.startswith("AF_"), "tonnes_per_year"].sum()
    assert f["unserved_t_per_year"] == pytest.approx(to_af, rel=1e-12)
    assert f["corridor_t_per_year.trans_afghan"] == 0.0


def test_no_growth_without_years_and_compound_growth_with_them(bundled):
    net, demand = bundled
    total = float(demand["tonnes_per_year"].sum())
    flat = run_scenario(ScenarioSpec(cn.Scenario(name="flat")), net, demand)
    assert flat.figures["demand_t_per_year"] == total
    spec = read_spec(bundled_scenarios()[0])
    spec = ScenarioSpec(spec.scenario, base_year=2024,
                        growth=type(spec.growth)(default_pct_per_year=10.0))
    grown = run_scenario(spec, net, demand)
    assert grown.figures["demand_t_per_year"] == pytest.approx(total * 1.1**3, rel=1e-12)


@pytest.mark.parametrize("method", ["so", "ue"])
def test_other_assignment_methods(bundled, method):
    net, demand = bundled
    demand = demand.head(40)  # the first 40 rows: the LP solves in a second
    spec = ScenarioSpec(cn.Scenario(name=method), analyses=Analyses(assignment=method))
    r = run_scenario(spec, net, demand)
    if method == "so":
        direct = cn.assign_system_optimum(net, demand)
        assert r.labels["assignment.status"] == "optimal"
    else:
        direct = cn.assign_equilibrium(net, demand)
        assert r.figures["assignment.relative_gap"] <= 1e-4
        assert r.figures["total_time_t_h_per_year"] == direct.total_t_h
    assert r.method == method
    assert r.figures["total_cost_usd_per_year"] == pytest.approx(direct.total_cost_usd,
                                                                 rel=1e-9)
    assert math.isclose(sum(r.figures[f"mode_share_tkm.{m}"] for m in MODES), 1.0)


def test_both_system_optimum_formulations_give_the_same_key_figures(bundled):
    """The shipped file whose closure makes capacities bind most (the northern route
    closed), grown to 2027, by path column generation (the default) and by the
    origin-based arc LP: one optimum, so every key figure agrees."""
    net, demand = bundled
    spec = read_spec(bundled_data_dir() / "scenarios" / "northern_closed.toml")
    runs = {}
    for formulation in ("paths", "origin"):
        analyses = dataclasses.replace(spec.analyses, assignment="so",
                                       so_formulation=formulation)
        runs[formulation] = run_scenario(dataclasses.replace(spec, analyses=analyses),
                                         net, demand)
    paths, origin = runs["paths"], runs["origin"]
    assert paths.labels["assignment.status"] == origin.labels["assignment.status"] == "optimal"
    # capacities bind: the optimum costs more than every tonne on its least-cost route
    aon = run_scenario(spec, net, demand).figures["total_cost_usd_per_year"]
    assert paths.figures["total_cost_usd_per_year"] > aon * (1 + 1e-4)
    assert paths.figures.keys() == origin.figures.keys()
    for key, value in origin.figures.items():
        assert paths.figures[key] == pytest.approx(value, rel=1e-6, abs=1e-3), key


def test_intrazonal_rows_change_no_figure_and_are_not_counted_as_assigned(bundled, baseline):
    net, demand = bundled
    places = list(demand["origin"].unique()[:2])
    inside = pd.DataFrame({"origin": places, "destination": places,
                           "commodity": demand["commodity"].iloc[0],
                           "tonnes_per_year": [5e5, 7e5]})
    with_inside = pd.concat([demand, inside], ignore_index=True)
    a = run_scenario(baseline, net, with_inside).figures
    b = run_scenario(baseline, net, demand).figures
    assert a == b  # same demand assigned, same flows, same totals
