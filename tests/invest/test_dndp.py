"""The discrete network design problem on TNTP networks: Braess's paradox by hand, the
branch and bound against brute force on seeded random tiny networks and on Sioux Falls,
the rigour of the system-optimum bound, the heuristics, and ``connectivity prioritize``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from connectivity.errors import UnknownIdError
from connectivity.invest._dndp_core import DesignEvaluator, project_table
from connectivity.invest.dndp import (
    BRUTE_FORCE_MAX_PROJECTS,
    bilevel_design,
    brute_force_design,
    evaluate_design,
)
from connectivity.invest.dndp_baselines import bcr_design, greedy_design
from connectivity.invest.dndp_milp import milp_design
from connectivity.io import (
    CandidateLinks,
    TntpNetwork,
    TntpTrips,
    read_dndp_instance,
    read_trips,
    write_candidates,
    write_net,
    write_trips,
)
from connectivity.optimize import SolveStatus
from dndp_data import DNDP, needs_dndp

REL = 1e-5  # two equilibria solved to a relative gap of 1e-6 agree to this


def _f(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)


def _net(n_zones: int, n_nodes: int, first_thru: int, links: list[tuple[float, ...]]
         ) -> TntpNetwork:
    """Links as (from, to, capacity, fft, b, power)."""
    a = np.array(links, dtype=np.float64).reshape(-1, 6)
    m = a.shape[0]
    return TntpNetwork(n_zones, n_nodes, first_thru, a[:, 0].astype(np.int64),
                       a[:, 1].astype(np.int64), a[:, 2].copy(), a[:, 3].copy(),
                       a[:, 3].copy(), a[:, 4].copy(), a[:, 5].copy(), np.zeros(m),
                       np.zeros(m), np.ones(m, dtype=np.int64))


def _cands(rows: list[tuple[str, int, int, float, float, float, float, float]]
           ) -> CandidateLinks:
    """Rows as (project, from, to, capacity, fft, b, power, cost)."""
    cols = list(zip(*rows, strict=True))
    return CandidateLinks(list(cols[0]), list(cols[1]), list(cols[2]), list(cols[3]),
                          list(cols[4]), list(cols[4]), list(cols[5]), list(cols[6]),
                          list(cols[7]))


# Braess's network (as tests/data/Braess_net.tntp): zones 1 and 2 are not passed
# through; 1->3 and 4->2 take 1 + 10x, 3->2 and 1->4 take 50 + x; 6 units from 1 to 2.
BRAESS = _net(2, 4, 3, [(1, 3, 1, 1, 10, 1), (3, 2, 1, 50, 0.02, 1), (1, 4, 1, 50, 0.02, 1),
                        (4, 2, 1, 1, 10, 1)])
BRAESS_TRIPS = TntpTrips(2, _f(0, 6, 0, 0).reshape(2, 2))
BRIDGE = ("BRIDGE", 3, 4, 1.0, 10.0, 0.1, 1.0, 1.0)  # 10 + x, the paradox
HELPERS = [("WIDEN_13", 1, 3, 1.0, 1.0, 10.0, 1.0, 2.0),  # a second 1 + 10x beside 1->3
           ("WIDEN_42", 4, 2, 1.0, 1.0, 10.0, 1.0, 2.0),
           ("DIRECT", 1, 2, 1.0, 70.0, 0.1, 1.0, 3.0)]     # 70 + 0.1x


def test_braess_bridge_raises_the_equilibrium_tstt_by_hand() -> None:
    cands = _cands([BRIDGE])
    assert evaluate_design(BRAESS, BRAESS_TRIPS, cands, []) == pytest.approx(504.0, rel=1e-9)
    # every route takes 51 + 537/13 with the bridge (tests/data/Braess_net.tntp)
    with_bridge = evaluate_design(BRAESS, BRAESS_TRIPS, cands, ["BRIDGE"])
    assert with_bridge == pytest.approx(6 * (51 + 537 / 13), rel=1e-6)


@pytest.mark.parametrize("budget", [0.0, 1.0, 100.0])
def test_bilevel_leaves_the_braess_bridge_out(budget: float) -> None:
    p = bilevel_design(BRAESS, BRAESS_TRIPS, _cands([BRIDGE]), budget)
    assert p.selected == () and p.cost == 0.0
    assert p.objective == pytest.approx(504.0, rel=1e-9) and p.baseline == p.objective
    assert p.status is SolveStatus.OPTIMAL and p.proved_optimal
    assert p.bound <= p.objective and p.gap <= 1e-6


def test_system_optimum_bound_is_rigorous_even_from_a_rough_solve() -> None:
    # the system optimum leaves the bridge unused (marginal route cost 132 via the
    # bridge against 117 outside at 3 + 3), so it is the 504 of the network without it
    cands = _cands([BRIDGE])
    for gap in (1e-6, 1e-2, 0.3):
        ev = DesignEvaluator(BRAESS, BRAESS_TRIPS, cands, project_table(cands), gap=gap,
                             demand_factor=1.0)
        bound, flow = ev.so_bound(frozenset({0}))
        assert bound <= 504.0 * (1 + 1e-12), gap
        if gap == 1e-6:
            assert bound == pytest.approx(504.0, rel=1e-5)
            assert flow[0] == pytest.approx(0.0, abs=1e-3)


def test_budget_zero_selects_nothing_in_every_method() -> None:
    cands = _cands([BRIDGE, *HELPERS])
    for method in (bilevel_design, brute_force_design, bcr_design, greedy_design):
        p = method(BRAESS, BRAESS_TRIPS, cands, 0.0)
        assert (p.selected, p.cost, p.budget) == ((), 0.0, 0.0), p.method
        assert p.objective == p.baseline == pytest.approx(504.0, rel=1e-9), p.method


def test_full_budget_buys_the_best_subset_not_everything() -> None:
    cands = _cands([BRIDGE, *HELPERS])
    every = ["BRIDGE", "WIDEN_13", "WIDEN_42", "DIRECT"]
    total = 1.0 + 2.0 + 2.0 + 3.0
    oracle = brute_force_design(BRAESS, BRAESS_TRIPS, cands, total)
    p = bilevel_design(BRAESS, BRAESS_TRIPS, cands, total)
    assert p.proved_optimal and p.selected == oracle.selected
    assert p.objective == pytest.approx(oracle.objective, rel=REL)
    assert "BRIDGE" not in p.selected and set(p.selected) != set(every)
    assert p.objective < evaluate_design(BRAESS, BRAESS_TRIPS, cands, every) * (1 - 1e-3)
    assert p.evaluations == (p.details["ue_solves"] + p.details["so_solves"]
                             + p.details["warm_start_solves"])


def _random_instance(seed: int) -> tuple[TntpNetwork, TntpTrips, CandidateLinks, float]:
    """Zones 1-3 hang on a ring of core nodes 4-6 (a fourth core node 7 half the time);
    3 to 6 candidate projects, two-way or one-way, between random nodes."""
    rng = np.random.default_rng(seed)
    n_core = 3 + seed % 2
    n_nodes = 3 + n_core
    core = list(range(4, n_nodes + 1))
    links: list[tuple[float, ...]] = []

    def two_way(u: int, v: int) -> None:
        cap, fft = rng.uniform(2, 10), rng.uniform(1, 10)
        b, power = rng.uniform(0.15, 1.0), float(rng.choice([1.0, 2.0, 4.0]))
        links.extend([(u, v, cap, fft, b, power), (v, u, cap, fft, b, power)])

    for z in (1, 2, 3):
        two_way(z, int(rng.choice(core)))
    for i, u in enumerate(core):
        two_way(u, core[(i + 1) % n_core])
    first_thru = 4 if seed % 3 == 0 else 1  # zones not passed through in some instances
    net = _net(3, n_nodes, first_thru, links)
    demand = rng.uniform(0, 8, (3, 3)).round(2)
    np.fill_diagonal(demand, 0.0)
    rows = []
    for k in range(int(rng.integers(3, 7))):
        u, v = (int(x) for x in rng.choice(np.arange(1, n_nodes + 1), 2, replace=False))
        cap, fft, cost = rng.uniform(1, 10), rng.uniform(0.5, 6), round(rng.uniform(1, 10), 1)
        b, power = rng.uniform(0.15, 1.0), float(rng.choice([1.0, 4.0]))
        rows.append((f"P{k}", u, v, cap, fft, b, power, cost))
        if rng.random() < 0.5:
            rows.append((f"P{k}", v, u, cap, fft, b, power, cost))
    cands = _cands(rows)
    budget = float(rng.uniform(0.25, 0.8)) * float(cands.cost.sum())
    return net, TntpTrips(3, demand), cands, budget


@pytest.mark.parametrize("seed", range(8))
def test_milp_bound_is_below_every_design_and_its_design_is_admissible(seed: int) -> None:
    # the piecewise-linear system optimum under-approximates: its MILP bound is below
    # the best equilibrium TSTT (brute force), and its status is optimal only when the
    # design's equilibrium meets the bound
    net, trips, cands, budget = _random_instance(seed)
    oracle = brute_force_design(net, trips, cands, budget)
    p = milp_design(net, trips, cands, budget)
    assert p.cost <= budget * (1 + 1e-9)
    assert p.bound <= oracle.objective * (1 + 1e-9)
    assert p.objective >= oracle.objective * (1 - REL)
    assert p.objective == pytest.approx(evaluate_design(net, trips, cands, p.selected),
                                        rel=1e-12)
    if p.status is SolveStatus.OPTIMAL:
        assert p.objective <= p.bound * (1 + 1e-6)
    else:
        assert p.status is SolveStatus.FEASIBLE and p.gap > 0


def test_milp_on_an_uncongested_network_is_proved_optimal() -> None:
    # with no congestion the system optimum is the equilibrium and the segments are
    # exact: the MILP's bound meets its design's TSTT
    links = [(1, 3, 0, 4, 0, 1), (3, 2, 0, 4, 0, 1), (1, 4, 0, 2, 0, 1), (4, 2, 0, 9, 0, 1)]
    net = _net(2, 4, 1, links)
    trips = TntpTrips(2, _f(0, 5, 0, 0).reshape(2, 2))
    cands = _cands([("SHORT", 4, 3, 0.0, 1.0, 0.0, 1.0, 3.0), ("LONG", 1, 2, 0.0, 7.5, 0.0,
                                                                    1.0, 1.0)])
    p = milp_design(net, trips, cands, 3.0)
    assert p.selected == ("SHORT",) and p.status is SolveStatus.OPTIMAL
    assert p.objective == pytest.approx(5 * (2 + 1 + 4))


@pytest.mark.parametrize("seed", range(8))
def test_bilevel_equals_brute_force_on_random_tiny_networks(seed: int) -> None:
    net, trips, cands, budget = _random_instance(seed)
    oracle = brute_force_design(net, trips, cands, budget)
    p = bilevel_design(net, trips, cands, budget, branching="flow" if seed % 2 else "cost")
    assert p.status is SolveStatus.OPTIMAL
    assert p.objective == pytest.approx(oracle.objective, rel=REL)
    assert p.cost <= budget * (1 + 1e-9)
    assert p.objective == pytest.approx(evaluate_design(net, trips, cands, p.selected),
                                        rel=1e-12)
    assert p.bound <= p.objective and p.gap <= 1e-6
    assert p.baseline == pytest.approx(oracle.baseline, rel=1e-12)
    for method in (bcr_design, greedy_design):  # heuristics: feasible, never better
        h = method(net, trips, cands, budget)
        assert h.status is SolveStatus.FEASIBLE and math.isnan(h.bound)
        assert h.cost <= budget * (1 + 1e-9)
        assert h.objective >= oracle.objective * (1 - REL)


def test_a_time_limit_of_almost_nothing_is_not_optimal() -> None:
    net, trips, cands, budget = _random_instance(3)
    p = bilevel_design(net, trips, cands, budget, time_limit=1e-9)
    assert p.status is SolveStatus.TIME_LIMIT and not p.proved_optimal
    assert math.isfinite(p.bound) and p.bound <= p.objective
    assert p.details["nodes"] == 0 and p.details["warm_start_solves"] == 0


def test_bcr_misses_what_the_exact_methods_find() -> None:
    net = _net(2, 2, 1, [(1, 2, 10, 10, 1, 1)])  # 10 + x
    cands = _cands([("FAST", 1, 2, 10.0, 5.0, 1.0, 1.0, 3.0),   # 5 + 0.5x
                    ("SLOW", 1, 2, 10.0, 8.0, 1.0, 1.0, 1.0)])  # 8 + 0.8x
    trips = TntpTrips(2, _f(0, 10, 0, 0).reshape(2, 2))
    bcr = bcr_design(net, trips, cands, 3.0)
    assert bcr.selected == ("SLOW",) and bcr.objective == pytest.approx(400 / 3, rel=1e-6)
    assert [r[0] for r in bcr.details["ranking"]] == ["SLOW", "FAST"]
    assert bcr.details["ranking"][0][1] == pytest.approx((200 - 400 / 3) / 1.0, rel=1e-6)
    exact = bilevel_design(net, trips, cands, 3.0)
    assert exact.selected == ("FAST",) and exact.objective == pytest.approx(100.0, rel=1e-6)
    greedy = greedy_design(net, trips, cands, 4.0)
    assert greedy.selected == ("FAST", "SLOW")
    assert [s[0] for s in greedy.details["steps"]] == ["SLOW", "FAST"]


def test_a_project_needed_for_a_path() -> None:
    net = _net(3, 3, 1, [(1, 2, 5, 1, 0.15, 4)])
    trips = TntpTrips(3, np.array([[0, 2.0, 3.0], [0, 0, 0], [0, 0, 0]]))
    cands = _cands([("LINK", 2, 3, 5.0, 1.0, 0.15, 4.0, 5.0)])
    assert evaluate_design(net, trips, cands, []) == math.inf
    p = bilevel_design(net, trips, cands, 5.0)
    assert p.selected == ("LINK",) and p.proved_optimal and math.isinf(p.baseline)
    # all 5 units cross 1 -> 2 at capacity, 3 go on over the new link
    assert p.objective == pytest.approx(5 * 1.15 + 3 * (1 + 0.15 * (3 / 5) ** 4), rel=1e-9)
    nothing = bilevel_design(net, trips, cands, 4.0)
    assert nothing.selected == () and math.isinf(nothing.objective)


def test_demand_factor_scales_the_trips() -> None:
    cands = _cands([BRIDGE])
    doubled = TntpTrips(2, BRAESS_TRIPS.matrix * 2)
    assert evaluate_design(BRAESS, BRAESS_TRIPS, cands, ["BRIDGE"], demand_factor=2.0) == (
        pytest.approx(evaluate_design(BRAESS, doubled, cands, ["BRIDGE"]), rel=1e-12))


def test_errors_name_the_value() -> None:
    cands = _cands([BRIDGE])
    with pytest.raises(UnknownIdError, match="unknown project 'BRIGDE'; did you mean 'BRIDGE'"):
        evaluate_design(BRAESS, BRAESS_TRIPS, cands, ["BRIGDE"])
    bad = {"budget": (-1.0, {}), "gap": (1.0, {"gap": 0.0}),
           "demand_factor": (1.0, {"demand_factor": 0.0}),
           "time_limit": (1.0, {"time_limit": -1.0}), "tol": (1.0, {"tol": 1.0}),
           "branching": (1.0, {"branching": "depth"})}
    for name, (budget, options) in bad.items():
        with pytest.raises(ValueError, match=name):
            bilevel_design(BRAESS, BRAESS_TRIPS, cands, budget, **options)
    far = _cands([("FAR", 3, 9, 1.0, 1.0, 0.1, 1.0, 1.0)])
    with pytest.raises(ValueError, match=r"candidate link 3 -> 9 of project 'FAR' uses a "
                                         r"node outside 1..4"):
        evaluate_design(BRAESS, BRAESS_TRIPS, far, [])
    many = _cands([(f"P{k:02d}", 1, 2, 1.0, 100.0, 0.1, 1.0, 1.0)
                   for k in range(BRUTE_FORCE_MAX_PROJECTS + 1)])
    with pytest.raises(ValueError, match="brute force over 17 projects"):
        brute_force_design(BRAESS, BRAESS_TRIPS, many, 1.0)


# --------------------------------------------------------------------- Sioux Falls


@pytest.fixture(scope="module")
def sioux_falls() -> tuple[TntpNetwork, TntpTrips, CandidateLinks]:
    net, cands = read_dndp_instance(DNDP / "SF_DNDP_10_3.txt")
    return net, read_trips(DNDP / "SiouxFalls_trips.tntp"), cands


@needs_dndp
def test_sioux_falls_bilevel_equals_brute_force_at_half_the_cost(
    sioux_falls: tuple[TntpNetwork, TntpTrips, CandidateLinks],
) -> None:
    # 5 two-way projects, 16 designs within the budget: brute force solves each
    net, trips, cands = sioux_falls
    budget = 0.5 * float(cands.cost.sum())
    oracle = brute_force_design(net, trips, cands, budget)
    p = bilevel_design(net, trips, cands, budget)
    assert oracle.evaluations == 16
    assert p.proved_optimal and p.selected == oracle.selected
    assert p.objective == pytest.approx(oracle.objective, rel=REL)
    assert p.objective < p.baseline
    assert p.bound <= p.objective and p.gap <= 1e-6


# ------------------------------------------------------------------------- the CLI


def _files(tmp_path: Path) -> list[str]:
    write_net(tmp_path / "b_net.tntp", BRAESS)
    write_trips(tmp_path / "b_trips.tntp", BRAESS_TRIPS)
    write_candidates(tmp_path / "cands.csv", _cands([BRIDGE, *HELPERS]))
    return ["--tntp-net", str(tmp_path / "b_net.tntp"), "--tntp-trips",
            str(tmp_path / "b_trips.tntp"), "--candidates", str(tmp_path / "cands.csv")]


KEYS = {"selected", "tstt", "cost", "method", "proved_optimal", "seconds", "bound", "gap",
        "baseline_tstt", "evaluations"}


def test_cli_json_keys(cli, tmp_path: Path) -> None:
    files = _files(tmp_path)
    out = json.loads(cli("prioritize", *files, "--budget", "8", "--format", "json").stdout)
    assert KEYS <= set(out)
    oracle = brute_force_design(BRAESS, BRAESS_TRIPS, _cands([BRIDGE, *HELPERS]), 8.0)
    assert out["selected"] == list(oracle.selected) and out["proved_optimal"] is True
    assert out["tstt"] == pytest.approx(oracle.objective, rel=REL)
    assert out["baseline_tstt"] == pytest.approx(504.0, rel=1e-9)
    assert out["method"] == "bilevel" and out["evaluations"] > 0
    out = json.loads(cli("prioritize", *files, "--budget", "8", "--method", "brute_force",
                         "--format", "json").stdout)
    assert out["selected"] == list(oracle.selected) and out["proved_optimal"] is True
    for method in ("greedy", "bcr"):
        out = json.loads(cli("prioritize", *files, "--budget", "8", "--method", method,
                             "--format", "json", "--gap", "1e-4").stdout)
        assert out["method"] == method and out["proved_optimal"] is False
        assert out["bound"] is None and out["gap"] is None  # JSON null, never NaN
        # the report is re-solved to 1e-6 whatever the method's gap
        tstt = evaluate_design(BRAESS, BRAESS_TRIPS, _cands([BRIDGE, *HELPERS]),
                               out["selected"])
        assert out["tstt"] == pytest.approx(tstt, rel=1e-12)
    table = cli("prioritize", *files, "--budget", "8").stdout
    assert "proved_optimal" in table and "baseline_tstt" in table


def test_cli_algorithm_bush(cli, tmp_path: Path) -> None:
    files = _files(tmp_path)
    out = json.loads(cli("prioritize", *files, "--budget", "8", "--algorithm", "bush",
                         "--gap", "1e-10", "--format", "json").stdout)
    oracle = brute_force_design(BRAESS, BRAESS_TRIPS, _cands([BRIDGE, *HELPERS]), 8.0,
                                gap=1e-10, algorithm="bush")
    assert out["selected"] == list(oracle.selected)
    assert out["tstt"] == pytest.approx(oracle.objective, rel=1e-12)
    bad = cli("prioritize", *files, "--budget", "8", "--method", "greedy", "--algorithm",
              "bush", check=False)
    assert bad.returncode == 2
    assert "--algorithm applies to --method bilevel or brute_force, not greedy" in bad.stderr


@needs_dndp
def test_cli_dndp_instance(cli) -> None:
    out = json.loads(cli("prioritize", "--dndp-instance", str(DNDP / "SF_DNDP_10_3.txt"),
                         "--tntp-trips", str(DNDP / "SiouxFalls_trips.tntp"),
                         "--budget", "0", "--format", "json").stdout)
    assert out["selected"] == [] and out["cost"] == 0.0 and out["proved_optimal"] is True
    assert out["tstt"] == pytest.approx(out["baseline_tstt"], rel=1e-12)


def test_cli_errors(cli, tmp_path: Path) -> None:
    files = _files(tmp_path)
    cases = {
        ("--budget", "1", "--demand-factor", "2"): "--demand-factor: TNTP options, given "
                                                   "without --tntp-net",
        (*files, "--budget", "1", "--periods", "2026:2030"): "--periods: options of a "
                                                             "network of tables",
        tuple(files): "--budget is required",
        (*files[:4], "--budget", "1"): "--tntp-net needs --candidates",
        (*files, "--budget", "1", "--dndp-instance", "x.txt"): "give either --dndp-instance",
        (*files, "--budget", "-2"): "budget must be a finite number >= 0, got -2.0",
        (*files, "--budget", "1", "--method", "bcr", "--time-limit", "5"):
            "--time-limit applies to --method bilevel or milp",
    }
    for args, message in cases.items():
        r = cli("prioritize", *args, check=False)
        assert r.returncode == 2, args
        assert message in r.stderr, (args, r.stderr)


def test_bush_equilibria_find_the_same_design_with_tighter_totals() -> None:
    cands = _cands([BRIDGE, *HELPERS])
    total = 1.0 + 2.0 + 2.0 + 3.0
    a = bilevel_design(BRAESS, BRAESS_TRIPS, cands, total, gap=1e-10, algorithm="bush")
    b = brute_force_design(BRAESS, BRAESS_TRIPS, cands, total, gap=1e-10, algorithm="bush")
    f = bilevel_design(BRAESS, BRAESS_TRIPS, cands, total)
    assert a.proved_optimal and a.selected == b.selected == f.selected
    assert a.details["algorithm"] == "bush" and f.details["algorithm"] == "bfw"
    assert a.objective == pytest.approx(b.objective, rel=1e-12)
    assert a.objective == pytest.approx(f.objective, rel=1e-5)
    # the Braess bridge alone: the equilibrium TSTT of the flow file, 6 x (51 + 537 / 13)
    assert evaluate_design(BRAESS, BRAESS_TRIPS, cands, ["BRIDGE"], gap=1e-12,
                           algorithm="bush") == pytest.approx(6 * (51 + 537 / 13), rel=1e-12)
    with pytest.raises(ValueError, match="unknown equilibrium algorithm 'nope'"):
        evaluate_design(BRAESS, BRAESS_TRIPS, cands, [], algorithm="nope")
