"""Phasing and benefits on the tiny network: the multi-period MILP against brute force
over every schedule (each period's design a full system-optimum re-solve), and the
split of a design's total cost into the components an appraisal values."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from connectivity.invest.benefits import annual_measures, appraise_projects, benefits_between
from connectivity.invest.phasing import phase
from connectivity.invest.projects import candidates, evaluate, network_design
from connectivity.optimize import SolveStatus
from tiny import frames

PERIODS = [2026, 2030]
RATE, GROWTH, LAST = 0.06, 0.05, 10


@pytest.fixture(scope="module")
def net() -> cn.Network:
    from invest.test_prioritize import PROJECTS

    projects = PROJECTS.copy()
    projects["lead_time_years"] = ["4", "0", "1", "0", "2"]
    projects["earliest_year"] = ["", "", "", "2030", ""]
    projects["opex_usd_per_year"] = ["0.5", "0.1", "0", "0", "0.2"]
    f = frames()
    f["crossings"]["capacity"] = ["100", "", ""]
    f["crossings"]["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**f, projects=projects)


@pytest.fixture(scope="module")
def demand() -> pd.DataFrame:
    return pd.DataFrame({"origin": ["CN_A", "KZ_D"], "destination": ["KZ_D", "CN_A"],
                         "commodity": ["container", "urgent"],
                         "tonnes_per_year": [150.0, 40.0]})


def _brute_force(net: cn.Network, demand: pd.DataFrame, budgets: list[float]) -> float:
    c = candidates(net)
    n = len(c.ids)
    designs = []
    for y in PERIODS:
        grown = demand.assign(tonnes_per_year=demand["tonnes_per_year"]
                              * (1 + GROWTH) ** (y - PERIODS[0]))
        designs.append(network_design(net, grown, c, sum(budgets)))
    ends = [*PERIODS[1:], PERIODS[-1] + LAST]
    w = [sum((1 + RATE) ** -(y - PERIODS[0]) for y in range(a, b))
         for a, b in zip(PERIODS, ends, strict=True)]
    cache: dict[tuple[int, frozenset[int]], float] = {}
    best = np.inf
    for plan in itertools.product([None, 0, 1], repeat=n):  # start period or not built
        if any(sum(c.cost[j] for j in range(n) if plan[j] == s) > budgets[s] for s in (0, 1)):
            continue
        if any(plan[j] is not None and np.isfinite(c.earliest_year[j])
               and PERIODS[plan[j]] < c.earliest_year[j] for j in range(n)):
            continue
        if any(plan[p] is not None and plan[q] is not None for p, q in c.excludes.tolist()):
            continue
        total = 0.0
        ok = True
        for t in (0, 1):
            open_ = frozenset(j for j in range(n) if plan[j] is not None and plan[j] <= t
                              and PERIODS[t] >= PERIODS[plan[j]] + c.lead_time_years[j])
            if any(p in open_ and q not in open_ for p, q in c.depends.tolist()):
                ok = False
                break
            if (t, open_) not in cache:
                a = evaluate(designs[t], open_)
                assert a.solve is not None
                cache[(t, open_)] = a.solve.objective
            total += w[t] * cache[(t, open_)]
        if ok:
            best = min(best, total)
    return float(best)


@pytest.mark.parametrize("budgets", [[2.0, 5.0], [10.0, 0.0], [4.0, 12.0], [20.0, 20.0]])
def test_phasing_matches_brute_force(net: cn.Network, demand: pd.DataFrame,
                                     budgets: list[float]) -> None:
    p = phase(net, demand, periods=PERIODS, budgets=budgets, growth=GROWTH, rate=RATE,
              last_years=LAST)
    assert p.status is SolveStatus.OPTIMAL
    assert p.objective == pytest.approx(_brute_force(net, demand, budgets), rel=1e-9)
    assert p.details["milp_objective"] == pytest.approx(p.objective, rel=1e-7)
    # the schedule keeps each period's budget, and beats or ties the ranking schedule
    c = candidates(net)
    for s, year in enumerate(PERIODS):
        spent = sum(c.cost[c.index(x)] for x, y in p.schedule.items() if y == year)
        assert spent <= budgets[s] + 1e-9
    assert p.objective <= p.details["ranking_objective"] * (1 + 1e-9)
    assert p.details["gain_over_ranking"] >= -1e-6
    assert "P4" not in p.schedule or p.schedule["P4"] >= 2030  # earliest year


def test_phasing_rejects_bad_periods(net: cn.Network, demand: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="increasing"):
        phase(net, demand, periods=[2030, 2026], budgets=1.0)
    with pytest.raises(ValueError, match="budgets has 1 entries for 2 periods"):
        phase(net, demand, periods=PERIODS, budgets=[1.0])


def test_components_add_up_to_the_objective(net: cn.Network, demand: pd.DataFrame) -> None:
    c = candidates(net)
    d = network_design(net, demand, c, 100.0)
    for chosen in ([], [0], [1, 2]):
        m = annual_measures(d, chosen)
        assert m.time_usd + m.money_usd + m.risk_usd + m.unserved_usd == pytest.approx(
            m.total_usd, rel=1e-9)
    b = benefits_between(annual_measures(d, []), annual_measures(d, [1]))
    # the rail upgrade halves rail's line-haul money and time: tonnes move from road to
    # the (still slower) rail, so money falls by more than time value rises
    assert b.money > 0 and b.time + b.money + b.other > 0


def test_appraisal_of_network_benefits(net: cn.Network, demand: pd.DataFrame) -> None:
    r = appraise_projects(net, demand, ["P2", "P3"], base_year=2026, horizon_years=20)
    assert set(r.stand_alone) == {"P2", "P3"}
    joint = r.with_interaction.npv - r.without_interaction.npv
    assert joint == pytest.approx(r.npv_interaction, rel=1e-9, abs=1e-9)


def test_intrazonal_rows_gain_nothing_from_a_project(net: cn.Network,
                                                     demand: pd.DataFrame) -> None:
    # a place's demand to itself is not routed: the measures of every portfolio match
    place = str(demand["origin"].iloc[0])
    inside = pd.DataFrame({"origin": [place], "destination": [place],
                           "commodity": [demand["commodity"].iloc[0]],
                           "tonnes_per_year": [1e6]})
    c = candidates(net)
    a = network_design(net, pd.concat([demand, inside], ignore_index=True), c, 100.0)
    b = network_design(net, demand, c, 100.0)
    assert len(a.demand) == len(b.demand)
    for chosen in ([], [1]):
        assert annual_measures(a, chosen) == annual_measures(b, chosen)
