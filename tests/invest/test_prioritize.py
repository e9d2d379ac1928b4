"""Prioritization on the tiny network: the MILP against brute force (each design a full
system-optimum re-solve), dependencies and exclusions in every method, project effects
on costs and capacities, and the MILP's objective against the re-solved design."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

import connectivity as cn
from connectivity.graph import capacities
from connectivity.invest.design import solve_design
from connectivity.invest.methods import admissible, prioritize
from connectivity.invest.projects import candidates, evaluate, network_design
from connectivity.optimize import SolveStatus
from tiny import frames

PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2", "P3", "P4", "P5"],
    "name": ["direct road", "rail upgrade", "rail border digital", "rail border doubling",
             "road upgrade"],
    "kind": ["new_link", "upgrade", "digital", "crossing", "upgrade"],
    "link_ids": ["N1", "L1;L3", "", "L2", "R1;R3"],
    "capital_cost_usd": ["10", "4", "2", "3", "3"],
    "capacity_added": ["", "", "", "100", ""],
    "time_factor": ["", "0.5", "", "", ""],
    "cost_factor": ["", "0.5", "", "", "0.7"],
    "crossing_ids": ["", "", "X_RAIL", "", ""],
    "dwell_h_saved": ["", "", "5", "", ""],
    "depends_on": ["", "", "", "P3", ""],
    "excludes": ["P5", "", "", "", "P1"],
    "status": ["planned"] * 5,
    "year_open": [""] * 5,
})


@pytest.fixture(scope="module")
def net() -> cn.Network:
    f = frames()
    f["crossings"]["capacity"] = ["100", "", ""]
    f["crossings"]["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**f, projects=PROJECTS.copy())


@pytest.fixture(scope="module")
def demand() -> pd.DataFrame:
    return pd.DataFrame({"origin": ["CN_A", "KZ_D"], "destination": ["KZ_D", "CN_A"],
                         "commodity": ["container", "urgent"],
                         "tonnes_per_year": [150.0, 40.0]})


def test_project_effects_reach_costs_and_capacities(net: cn.Network) -> None:
    base = cn.route(net, "CN_A", "KZ_D", scenario=cn.Scenario(modes=("rail",)))
    faster = cn.route(net, "CN_A", "KZ_D", scenario=cn.Scenario(modes=("rail",),
                                                                 projects=("P2",)))
    # line haul of L1 and L3 (200 km at 40 km/h, 0.02 USD/t-km) halves; dwell stays
    assert base.time_h - faster.time_h == pytest.approx(0.5 * 200 / 40)
    assert base.cost_usd_per_t - faster.cost_usd_per_t == pytest.approx(0.5 * 200 * 0.02)
    cut = cn.route(net, "CN_A", "KZ_D", scenario=cn.Scenario(modes=("rail",),
                                                              projects=("P3",)))
    assert base.time_h - cut.time_h == pytest.approx(5.0)
    comp = cn.compile_network(net)
    _, g0 = capacities(comp)
    _, g1 = capacities(comp, cn.Scenario(projects=("P4",)))
    assert sorted((g1 - g0)[g1 != g0].tolist()) == [100.0, 100.0]  # both directions


def test_dependencies_and_exclusions_are_data(net: cn.Network) -> None:
    c = candidates(net)
    assert c.ids == ("P1", "P2", "P3", "P4", "P5")
    assert c.depends.tolist() == [[3, 2]] and c.excludes.tolist() == [[0, 4]]
    assert not admissible(c, [3], 100) and admissible(c, [2, 3], 100)
    assert not admissible(c, [0, 4], 100) and not admissible(c, [0, 1], 13.9)


def _oracle(net: cn.Network, demand: pd.DataFrame, budget: float) -> float:
    c = candidates(net)
    design = network_design(net, demand, c, budget)
    best = math.inf
    for r in range(len(c.ids) + 1):
        for combo in itertools.combinations(range(len(c.ids)), r):
            if admissible(c, combo, budget):
                a = evaluate(design, combo)
                assert a.solve is not None
                best = min(best, a.solve.objective)
    return best


@pytest.mark.parametrize("budget", [0.0, 2.0, 5.0, 7.0, 10.0, 13.0, 30.0])
def test_milp_matches_brute_force(net: cn.Network, demand: pd.DataFrame,
                                  budget: float) -> None:
    best = _oracle(net, demand, budget)
    p = prioritize(net, demand, budget=budget, method="milp")
    assert p.status is SolveStatus.OPTIMAL and p.proved_optimal
    assert p.objective == pytest.approx(best, rel=1e-9)
    # the MILP's own objective is the re-solved system optimum of its design
    assert p.details["milp_objective"] == pytest.approx(p.objective, rel=1e-7)
    assert p.bound <= p.objective * (1 + 1e-6)
    c = candidates(net)
    assert admissible(c, [c.index(x) for x in p.selected], budget)
    brute = prioritize(net, demand, budget=budget, method="brute_force")
    assert brute.objective == pytest.approx(best, rel=1e-12)


@pytest.mark.parametrize("method", ["bcr", "greedy"])
def test_baselines_are_admissible_and_no_better_than_the_optimum(
        net: cn.Network, demand: pd.DataFrame, method: str) -> None:
    c = candidates(net)
    for budget in (5.0, 10.0, 30.0):
        p = prioritize(net, demand, budget=budget, method=method)
        assert p.status is SolveStatus.FEASIBLE and not p.proved_optimal
        assert math.isnan(p.bound) and math.isinf(p.gap)
        assert admissible(c, [c.index(x) for x in p.selected], budget)
        assert p.objective >= _oracle(net, demand, budget) * (1 - 1e-9)


def test_portfolio_reports_costs_and_benefit(net: cn.Network, demand: pd.DataFrame) -> None:
    p = prioritize(net, demand, budget=30.0, method="milp")
    costs = dict(zip(PROJECTS["project_id"], PROJECTS["capital_cost_usd"].astype(float),
                     strict=True))
    assert p.cost == pytest.approx(sum(costs[x] for x in p.selected))
    assert p.benefit == pytest.approx(p.baseline - p.objective) and p.benefit > 0
    d = p.to_dict()
    assert d["selected"] == sorted(p.selected) and d["status"] == "optimal"


def test_bad_requests_name_the_value(net: cn.Network, demand: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="method='best'"):
        prioritize(net, demand, budget=1.0, method="best")
    with pytest.raises(ValueError, match="budget"):
        prioritize(net, demand, budget=-1.0)
    with pytest.raises(ValueError, match=r"unknown project id\(s\) \['P9'\]"):
        prioritize(net, demand, budget=1.0, projects=["P9"])
    with pytest.raises(ValueError, match="depends on 'P3'"):
        candidates(net, ["P4"])
    with pytest.raises(ValueError, match="already on"):
        prioritize(net, demand, budget=1.0, scenario=cn.Scenario(projects=("P2",)))


@pytest.mark.parametrize("rate", [20.0, 200.0])
def test_capital_charges_are_weighed_exactly(net: cn.Network, demand: pd.DataFrame,
                                             rate: float) -> None:
    # with a yearly charge per project, the optimum is the subset with the least
    # system cost plus charges (brute force sees the same objective)
    milp = prioritize(net, demand, budget=30.0, method="milp", capital_charge_rate=rate)
    brute = prioritize(net, demand, budget=30.0, method="brute_force",
                       capital_charge_rate=rate)
    assert milp.objective == pytest.approx(brute.objective, rel=1e-9)
    assert milp.details["milp_objective"] == pytest.approx(milp.objective, rel=1e-7)
    free = prioritize(net, demand, budget=30.0, method="milp")
    assert len(milp.selected) <= len(free.selected)


@pytest.mark.parametrize(("algorithm", "limit"), [("paths", 1.5), ("arcs", 8.0)])
def test_a_time_limited_milp_is_not_called_optimal(algorithm: str, limit: float) -> None:
    # on this machine branch and price proves the bundled 23-candidate design in about
    # 3 s and the arc MILP in about 50 s; stopped earlier, each returns its best design
    # with the proven bound, as TIME_LIMIT
    net = cn.load_bundled()
    dp = network_design(net, cn.load_bundled_demand(net), candidates(net), 5e9).problem
    s = solve_design(dp, algorithm=algorithm, time_limit=limit)  # type: ignore[arg-type]
    assert s.status in (SolveStatus.TIME_LIMIT, SolveStatus.OPTIMAL)
    assert s.bound <= s.objective * (1 + 1e-9)
    if s.status is SolveStatus.TIME_LIMIT:
        assert s.result.gap > 0
    else:  # a much faster machine proved it within the limit
        assert s.result.gap <= 1e-9
    if algorithm == "arcs":
        return  # prioritize solves by branch and price
    p = prioritize(net, cn.load_bundled_demand(net), budget=10e9, time_limit=limit)
    assert p.status in (SolveStatus.TIME_LIMIT, SolveStatus.OPTIMAL)
    assert p.bound <= p.objective * (1 + 1e-9)
    assert p.proved_optimal == (p.status is SolveStatus.OPTIMAL)
