"""The bilevel network design on networks of tables: the branch and bound against brute
force over every admissible design (each one ``assign_equilibrium``), on a congested
tiny network and on the bundled one; dependencies and exclusions; the rigour and
monotonicity of the system-optimum bound; the refusal of a project that makes the
network worse; ``prioritize(method="bilevel")``."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from connectivity.assign import equilibrium_inputs
from connectivity.errors import UnknownIdError
from connectivity.invest import METHODS, Portfolio, prioritize
from connectivity.invest.bilevel import _changed_edges, _NetworkEvaluator, bilevel_prioritize
from connectivity.invest.projects import Candidates, candidates
from connectivity.optimize import SolveStatus
from tiny import frames

# the tiny network's projects (as in test_prioritize.py), with capacities that make the
# rail crossing's queue matter: P4 (doubling the crossing) needs P3 (its digital
# clearance), and the direct road P1 excludes the road upgrade P5
PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2", "P3", "P4", "P5"],
    "name": ["direct road", "rail upgrade", "rail border digital", "rail border doubling",
             "road upgrade"],
    "kind": ["new_link", "upgrade", "digital", "crossing", "upgrade"],
    "link_ids": ["N1", "L1;L3", "", "L2", "R1;R3"],
    "capital_cost_usd": ["10", "4", "2", "3", "3"],
    "capacity_added": ["", "", "", "400000", ""],
    "time_factor": ["", "0.5", "", "", ""],
    "cost_factor": ["", "0.5", "", "", "0.7"],
    "crossing_ids": ["", "", "X_RAIL", "", ""],
    "dwell_h_saved": ["", "", "5", "", ""],
    "depends_on": ["", "", "", "P3", ""],
    "excludes": ["P5", "", "", "", "P1"],
    "status": ["planned"] * 5,
    "year_open": [""] * 5,
})
REL = 1e-9


def _tiny(projects: pd.DataFrame = PROJECTS) -> cn.Network:
    f = frames()
    f["crossings"]["capacity"] = ["600000", "", ""]
    f["crossings"]["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**f, projects=projects.copy())


@pytest.fixture(scope="module")
def tiny_net() -> cn.Network:
    return _tiny()


@pytest.fixture(scope="module")
def tiny_demand() -> pd.DataFrame:
    return pd.DataFrame({"origin": ["CN_A", "KZ_D"], "destination": ["KZ_D", "CN_A"],
                         "commodity": ["container", "urgent"],
                         "tonnes_per_year": [500_000.0, 200_000.0]})


@pytest.fixture(scope="module")
def bundled() -> tuple[cn.Network, pd.DataFrame]:
    net = cn.load_bundled()
    return net, cn.load_bundled_demand(net)


def _ue_value(net: cn.Network, demand: pd.DataFrame, ids: tuple[str, ...],
              penalty: float) -> float:
    """The oracle: assign_equilibrium's total with the projects on, plus the penalty."""
    a = cn.assign_equilibrium(net, demand, scenario=cn.Scenario(projects=ids), gap=1e-6,
                              max_iter=10_000)
    return a.total_cost_usd + penalty * a.unserved_t


def _brute_force(net: cn.Network, demand: pd.DataFrame, c: Candidates, budget: float,
                 penalty: float) -> dict[tuple[str, ...], float]:
    """The value of every admissible design within the budget."""
    out = {}
    for k in range(len(c.ids) + 1):
        for combo in itertools.combinations(range(len(c.ids)), k):
            if c.relations_hold(combo) and sum(c.cost[j] for j in combo) <= budget:
                ids = tuple(sorted(c.ids[j] for j in combo))
                out[ids] = _ue_value(net, demand, ids, penalty)
    return out


def _check_against_brute_force(p: Portfolio, values: dict[tuple[str, ...], float],
                               c: Candidates) -> None:
    best = min(values.values())
    assert p.status is SolveStatus.OPTIMAL and p.proved_optimal
    assert p.objective == pytest.approx(best, rel=REL)
    assert p.selected in values  # admissible and within the budget
    assert values[p.selected] == pytest.approx(best, rel=REL)  # the design, or a tie
    assert p.baseline == pytest.approx(values[()], rel=REL)
    assert p.bound <= p.objective
    assert c.relations_hold([c.index(x) for x in p.details["warm_start"]])


@pytest.mark.parametrize("budget", [5.0, 9.0, 13.0, 100.0])
def test_tiny_network_equals_brute_force(tiny_net: cn.Network, tiny_demand: pd.DataFrame,
                                         budget: float) -> None:
    p = bilevel_prioritize(tiny_net, tiny_demand, budget=budget)
    c = candidates(tiny_net)
    values = _brute_force(tiny_net, tiny_demand, c, budget,
                          p.details["unserved_penalty_usd_per_t"])
    _check_against_brute_force(p, values, c)
    assert p.cost <= budget


def test_tiny_network_is_congested_and_relations_bind(tiny_net: cn.Network,
                                                      tiny_demand: pd.DataFrame) -> None:
    # the rail crossing's queue is what P4 relieves; without P3 it cannot be built, and
    # the exclusion keeps P1 and P5 apart whatever the budget
    c = candidates(tiny_net)
    penalty = bilevel_prioritize(tiny_net, tiny_demand, budget=0.0).details[
        "unserved_penalty_usd_per_t"]
    alone = _ue_value(tiny_net, tiny_demand, ("P3",), penalty)
    both = _ue_value(tiny_net, tiny_demand, ("P3", "P4"), penalty)
    assert both < alone * (1 - 1e-4)
    p = bilevel_prioritize(tiny_net, tiny_demand, budget=100.0)
    chosen = [c.index(x) for x in p.selected]
    assert c.relations_hold(chosen) and not {"P1", "P5"} <= set(p.selected)
    assert "P4" not in p.selected or "P3" in p.selected


def test_bundled_subset_equals_brute_force(bundled: tuple[cn.Network, pd.DataFrame]) -> None:
    # P10 and P30 (the Trans-Afghan alignments) exclude each other and both need P11;
    # the budget affords one alignment, or P05 with the cheap projects
    net, demand = bundled
    ids = ["P05", "P10", "P11", "P26", "P30", "P39"]
    budget = 4e9
    p = bilevel_prioritize(net, demand, budget=budget, projects=ids)
    c = candidates(net, ids)
    assert c.depends.size and c.excludes.size
    values = _brute_force(net, demand, c, budget, p.details["unserved_penalty_usd_per_t"])
    _check_against_brute_force(p, values, c)
    # the budget binds: the best design without it is not affordable
    everything = [x for x in ids if x != "P30"]
    assert _ue_value(net, demand, tuple(everything), 0.0) < p.objective
    assert p.details["commodity"] == "container" and p.method == "bilevel"


def test_a_time_limit_of_almost_nothing_is_not_optimal(tiny_net: cn.Network,
                                                       tiny_demand: pd.DataFrame) -> None:
    p = bilevel_prioritize(tiny_net, tiny_demand, budget=100.0, time_limit=1e-9)
    assert p.status is SolveStatus.TIME_LIMIT and not p.proved_optimal
    assert math.isfinite(p.bound) and p.bound <= p.objective
    assert p.details["nodes"] == 0 and p.selected == ()


@pytest.mark.parametrize("seed", range(3))
def test_so_bound_is_below_every_subset(tiny_net: cn.Network, tiny_demand: pd.DataFrame,
                                        seed: int) -> None:
    # the bound of an open set is at most the equilibrium of each of its subsets, and
    # at most the system optimum of each subset (itself at most its own upper bound)
    c = candidates(tiny_net)
    gap = 1e-4  # the first solve is then the tight one
    ev = _NetworkEvaluator(cn.compile_network(tiny_net), tiny_demand, cn.Scenario(), c,
                           commodity="container", gap=gap)
    rng = np.random.default_rng(seed)
    for _ in range(4):
        opened = frozenset(int(j) for j in np.flatnonzero(rng.random(len(c.ids)) < 0.6))
        bound, flow = ev.so_bound(opened)
        assert flow.shape == (len(c.ids),) and np.all(flow[list(set(range(5)) - opened)] == 0)
        for k in range(len(opened) + 1):
            for sub in itertools.combinations(sorted(opened), k):
                design = frozenset(sub)
                assert bound <= ev.tstt(design) * (1 + 1e-12)
                sub_bound, _ = ev.so_bound(design)
                assert bound <= sub_bound / (1 - gap)


def test_so_bound_meets_the_equilibrium_where_nothing_is_congested(
        bundled: tuple[cn.Network, pd.DataFrame]) -> None:
    # with P04 and P05 no queue or BPR term binds for containers on the bundled network:
    # the equilibrium is the system optimum, and the bound meets it; without them the
    # border queues make the equilibrium dearer than the bound
    net, demand = bundled
    c = candidates(net, ["P04", "P05"])
    ev = _NetworkEvaluator(cn.compile_network(net), demand, cn.Scenario(), c,
                           commodity="container", gap=1e-6)
    both = frozenset(range(2))
    bound, flow = ev.so_bound(both, threshold=ev.tstt(both))
    assert ev.tstt(both) * (1 - 1e-9) <= bound <= ev.tstt(both) * (1 + 1e-12)
    assert np.all(flow > 0)  # both projects carry containers
    base_bound, _ = ev.so_bound(frozenset())
    assert bound <= base_bound / (1 - 1e-4)
    assert base_bound < ev.tstt(frozenset()) * (1 - 1e-4)


def _with_project(**effects: str) -> cn.Network:
    extra = pd.DataFrame({"project_id": ["P9"], "name": ["worse"], "kind": ["upgrade"],
                          "link_ids": ["L1;L3"], "capital_cost_usd": ["1"],
                          "status": ["planned"], **{k: [v] for k, v in effects.items()}})
    return _tiny(pd.concat([PROJECTS, extra], ignore_index=True).fillna(""))


@pytest.mark.parametrize(("effects", "message"), [
    ({"time_factor": "1.2"}, "'P9' has time_factor 1.2, not <= 1"),
    ({"cost_factor": "1.5"}, "'P9' has cost_factor 1.5, not <= 1"),
])
def test_a_project_that_makes_things_worse_is_refused(tiny_demand: pd.DataFrame,
                                                      effects: dict[str, str],
                                                      message: str) -> None:
    net = _with_project(**effects)
    with pytest.raises(ValueError, match="only lower times and costs") as err:
        bilevel_prioritize(net, tiny_demand, budget=10.0)
    assert message in str(err.value)
    # without it among the candidates, the search runs
    p = bilevel_prioritize(net, tiny_demand, budget=10.0, projects=["P2", "P3"])
    assert p.proved_optimal


def test_every_problem_is_named_at_once(tiny_demand: pd.DataFrame) -> None:
    net = _with_project(time_factor="1.2", cost_factor="2")
    with pytest.raises(ValueError, match="time_factor 1.2.*cost_factor 2"):
        bilevel_prioritize(net, tiny_demand, budget=10.0)


def test_an_edge_made_worse_is_found_whatever_the_effect(tiny_net: cn.Network,
                                                         tiny_demand: pd.DataFrame) -> None:
    # the check on the compiled arrays behind the check on the effects: an edge that a
    # project closes, slows, makes dearer or gives less capacity is named
    before = equilibrium_inputs(tiny_net, tiny_demand)
    e = int(np.flatnonzero(np.isfinite(before.capacity))[0])
    worse = {"time_cost_usd_per_t": ("slows", 1.1), "fixed_cost_usd_per_t": (
        "raises the cost of", 1.1), "capacity": ("cuts the capacity of", 0.5)}
    for field, (what, factor) in worse.items():
        values = getattr(before, field).copy()
        values[e] *= factor
        edges, problems = _changed_edges(before, replace(before, **{field: values}))
        assert edges.tolist() == [e] and problems == [f"{what} 1 edge(s) (first: edge {e} "
                                                      f"of link 'L2')"]
    closed = before.free_flow_cost_usd_per_t.copy()
    closed[0] = np.inf
    _, problems = _changed_edges(before, replace(before, free_flow_cost_usd_per_t=closed))
    assert problems and problems[0].startswith("closes 1 edge(s)")
    assert _changed_edges(before, before)[0].size == 0


def test_prioritize_runs_bilevel(tiny_net: cn.Network, tiny_demand: pd.DataFrame) -> None:
    assert "bilevel" in METHODS
    p = prioritize(tiny_net, tiny_demand, budget=9.0, method="bilevel", commodity="urgent")
    q = bilevel_prioritize(tiny_net, tiny_demand, budget=9.0, commodity="urgent")
    assert p.selected == q.selected and p.objective == q.objective
    assert p.details["commodity"] == "urgent"
    with pytest.raises(ValueError, match="capital_charge_rate=0.06"):
        prioritize(tiny_net, tiny_demand, budget=9.0, method="bilevel",
                   capital_charge_rate=0.06)
    with pytest.raises(UnknownIdError, match="'nope'"):
        bilevel_prioritize(tiny_net, tiny_demand, budget=9.0, commodity="nope")
    with pytest.raises(ValueError, match="already on"):
        bilevel_prioritize(tiny_net, tiny_demand, budget=9.0,
                           scenario=cn.Scenario(projects=("P2",)))


def test_bush_equilibria_agree_and_warm_start_between_designs(
        tiny_net: cn.Network, tiny_demand: pd.DataFrame) -> None:
    f = bilevel_prioritize(tiny_net, tiny_demand, budget=100.0)
    b = bilevel_prioritize(tiny_net, tiny_demand, budget=100.0, gap=1e-10, algorithm="bush")
    assert b.selected == f.selected and b.details["algorithm"] == "bush"
    assert b.objective == pytest.approx(f.objective, rel=1e-5)
    # capacity projects keep the edges, so later designs start from earlier bushes
    assert b.details["bush_warm_starts"] > 0 and f.details["bush_warm_starts"] == 0
    with pytest.raises(ValueError, match="unknown equilibrium algorithm 'nope'"):
        bilevel_prioritize(tiny_net, tiny_demand, budget=1.0, algorithm="nope")
