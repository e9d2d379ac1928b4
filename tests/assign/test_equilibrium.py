"""User equilibrium: analytic optima, Wardrop's condition, Beckmann descent, algorithms."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from connectivity.assign import ALGORITHMS, VolumeDelay, equilibrium_problem, user_equilibrium
from connectivity.assign import equilibrium as eq
from connectivity.assign import vdf as vdf_kernels

# Braess network (the same as tests/data/Braess_net.tntp), 0-based:
# 0 origin, 1 destination, 2 and 3 middle nodes; t = t0 * (1 + b * x) (capacity 1, power 1)
B_TAIL = [0, 2, 0, 3, 2]
B_HEAD = [2, 1, 3, 1, 3]
B_T0 = [1.0, 50.0, 50.0, 1.0, 10.0]
B_ALPHA = [10.0, 0.02, 0.02, 10.0, 0.1]


def _braess(**options: object) -> eq.EquilibriumResult:
    problem = equilibrium_problem(B_TAIL, B_HEAD, B_T0, 1.0, [0], [1], [[6.0]], alpha=B_ALPHA,
                                  beta=1.0)
    return user_equilibrium(problem, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_braess_analytic_equilibrium(algorithm: str) -> None:
    r = _braess(algorithm=algorithm, gap=1e-9, max_iter=5000)
    p, b = 27 / 13, 24 / 13
    np.testing.assert_allclose(r.flow, [p + b, p, p, p + b, b], rtol=1e-5)
    route_time = 51 + 537 / 13
    assert r.tstt == pytest.approx(6 * route_time, rel=1e-6)
    assert r.converged
    assert r.gap <= 1e-9


@pytest.mark.parametrize("algorithm", ["fw", "cfw", "bfw"])
def test_braess_with_numpy_loads_and_line_search(algorithm: str) -> None:
    r = _braess(algorithm=algorithm, gap=1e-9, max_iter=5000, method="numpy")
    p, b = 27 / 13, 24 / 13
    np.testing.assert_allclose(r.flow, [p + b, p, p, p + b, b], rtol=1e-5)
    assert r.converged and r.gap <= 1e-9


def test_numpy_method_is_refused_for_the_bush_algorithm() -> None:
    with pytest.raises(ValueError, match="method='numpy' is for the Frank-Wolfe"):
        _braess(algorithm="bush", method="numpy")


def test_braess_without_bridge_is_faster() -> None:
    # closing the bridge (a huge toll on it) gives 3 + 3 at 84: the paradox
    r = user_equilibrium(
        equilibrium_problem(
            B_TAIL, B_HEAD, B_T0, 1.0, [0], [1], [[6.0]], alpha=B_ALPHA, beta=1.0,
            toll=[0, 0, 0, 0, 1.0], toll_factor=1e6,
        ),
        gap=1e-10,
    )
    np.testing.assert_allclose(r.flow, [3, 3, 3, 3, 0], atol=1e-6)
    assert r.tstt == pytest.approx(6 * 84)


def _wardrop_violation(
    r: eq.EquilibriumResult, tail: list[int], head: list[int], o: int, d: int
) -> float:
    """Largest relative excess cost of a used link over the cheapest o-d route through it."""
    g = nx.MultiDiGraph()
    for e, (a, b) in enumerate(zip(tail, head, strict=True)):
        g.add_edge(a, b, key=e, w=float(r.cost[e]))
    from_o = nx.single_source_dijkstra_path_length(g, o, weight="w")
    to_d = nx.single_source_dijkstra_path_length(g.reverse(copy=True), d, weight="w")
    best = from_o[d]
    worst = 0.0
    for e, (a, b) in enumerate(zip(tail, head, strict=True)):
        if r.flow[e] > 1e-6 and a in from_o and b in to_d:
            worst = max(worst, (from_o[a] + r.cost[e] + to_d[b]) / best - 1.0)
    return worst


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_wardrop_condition_on_braess(algorithm: str) -> None:
    r = _braess(algorithm=algorithm, gap=1e-6, max_iter=5000)
    # every used link lies on a route within the gap of the cheapest route
    assert _wardrop_violation(r, B_TAIL, B_HEAD, 0, 1) <= 1e-4


def _grid(n: int = 5, seed: int = 0) -> tuple[list[int], list[int], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tail, head = [], []
    for r, c in itertools.product(range(n), range(n)):
        for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            if 0 <= r + dr < n and 0 <= c + dc < n:
                tail.append(r * n + c)
                head.append((r + dr) * n + c + dc)
    m = len(tail)
    return tail, head, rng.uniform(1, 3, m), rng.choice([50.0, 100.0, 200.0], m)


def test_wardrop_condition_on_random_grid_single_od() -> None:
    tail, head, t0, cap = _grid(6, seed=1)
    r = user_equilibrium(
        equilibrium_problem(tail, head, t0, cap, [0], [35], [[400.0]]),
        gap=1e-4, max_iter=3000,
    )
    assert r.converged
    # link-based methods leave small flows on routes slightly above the cheapest; at a
    # 1e-4 gap every used link is measured within 1 % of the cheapest route here (0.7 %)
    assert _wardrop_violation(r, tail, head, 0, 35) <= 1e-2


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_beckmann_decreases_every_iteration(algorithm: str) -> None:
    tail, head, t0, cap = _grid(6, seed=2)
    zones = [0, 5, 30, 35]
    q = np.full((4, 4), 120.0)
    np.fill_diagonal(q, 0.0)
    r = user_equilibrium(
        equilibrium_problem(tail, head, t0, cap, zones, zones, q),
        algorithm=algorithm, gap=1e-6, max_iter=300,
    )
    hist = r.beckmann_history
    assert hist.size >= 3
    assert np.all(np.diff(hist) <= 1e-9 * np.abs(hist[:-1]))
    assert r.beckmann <= hist[-1] * (1 + 1e-12)


def test_algorithms_agree_and_conjugate_ones_are_faster() -> None:
    tail, head, t0, cap = _grid(7, seed=3)
    zones = [0, 6, 42, 48, 24]
    q = np.full((5, 5), 150.0)
    np.fill_diagonal(q, 0.0)

    def run(algorithm: str, **kw: float) -> eq.EquilibriumResult:
        problem = equilibrium_problem(tail, head, t0, cap, zones, zones, q)
        return user_equilibrium(problem, algorithm=algorithm, **kw)  # type: ignore[arg-type]

    best = run("bfw", gap=1e-4, max_iter=2000)
    assert best.converged
    same_work = {a: run(a, gap=0.0, max_iter=100) for a in ALGORITHMS}
    # at equal work the conjugate directions are closer to equilibrium
    assert same_work["bfw"].gap < same_work["cfw"].gap < same_work["fw"].gap
    for r in same_work.values():
        # Beckmann is convex: every method approaches the same minimum from above
        assert r.beckmann >= best.beckmann * (1 - 1e-4)
        assert r.beckmann == pytest.approx(best.beckmann, rel=5e-2)


def test_relative_gap_matches_its_definition() -> None:
    tail, head, t0, cap = _grid(5, seed=4)
    r = user_equilibrium(
        equilibrium_problem(tail, head, t0, cap, [0, 24], [24, 0], [[300.0, 0.0], [0.0, 200.0]]),
        max_iter=3, gap=0.0,
    )
    assert r.iterations == 3
    assert r.relative_gap.shape == (3,)
    assert not r.converged
    assert np.all(r.relative_gap >= 0)


def test_no_through_nodes_are_not_crossed() -> None:
    # 0 -> 1 -> 2 is short, 0 -> 3 -> 2 is long; node 1 is a zone that cannot be crossed
    tail, head = [0, 1, 0, 3], [1, 2, 3, 2]
    t0 = [1.0, 1.0, 5.0, 5.0]
    free = user_equilibrium(equilibrium_problem(tail, head, t0, np.inf, [0], [2], [[10.0]]))
    assert free.flow.tolist() == [10.0, 10.0, 0.0, 0.0]
    blocked = user_equilibrium(
        equilibrium_problem(tail, head, t0, np.inf, [0], [2], [[10.0]], no_through=[1]),
    )
    assert blocked.flow.tolist() == [0.0, 0.0, 10.0, 10.0]
    # trips may still start and end at the zone
    ends = user_equilibrium(
        equilibrium_problem(
            tail, head, t0, np.inf, [0, 1], [1, 2], [[4.0, 0.0], [0.0, 3.0]], no_through=[1],
        ),
    )
    assert ends.flow.tolist() == [4.0, 3.0, 0.0, 0.0]


def test_generalized_cost_terms() -> None:
    # two parallel uncongested links: time 1 vs 2, toll 5 vs 0, length 1 vs 1
    base = dict(
        tail=[0, 0],
        head=[1, 1],
        free_flow_time=[1.0, 2.0],
        capacity=np.inf,
        origins=[0],
        destinations=[1],
        demand=[[1.0]],
    )
    assert user_equilibrium(
        equilibrium_problem(**base),
    ).flow.tolist() == [1.0, 0.0]  # type: ignore[arg-type]
    tolled = user_equilibrium(
        equilibrium_problem(**base, toll=[5.0, 0.0], toll_factor=0.5),
    )  # type: ignore[arg-type]
    assert tolled.flow.tolist() == [0.0, 1.0]
    assert tolled.cost.tolist() == [3.5, 2.0]
    assert tolled.time.tolist() == [1.0, 2.0]
    longer = user_equilibrium(
        equilibrium_problem(**base, length=[0.0, 10.0], distance_factor=1.0),
    )  # type: ignore[arg-type]
    assert longer.flow.tolist() == [1.0, 0.0]


def test_queue_delay_function_is_convex_increasing_and_integrates() -> None:
    v = np.linspace(0, 30, 3001)
    m = v.shape[0]
    one = np.ones(m)
    vdf = VolumeDelay(
        t0=one * 2.0,
        capacity=one * 10.0,
        alpha=one * 0.15,
        beta=one * 4.0,
        queue=np.ones(m, dtype=bool),
        service_time=one * 0.5,
        rho_max=0.9,
        fixed_cost=np.zeros(m),
    )
    t = vdf.time(v)
    assert t[0] == pytest.approx(2.0)
    assert t[500] == pytest.approx(2.0 + 0.5 * 0.5 / 0.5)  # rho 0.5: wait s * rho / (1 - rho)
    assert np.all(np.diff(t) > 0)
    assert np.all(np.diff(t, 2) >= -1e-9)  # convex, also across the cap at rho 0.9
    assert np.all(np.isfinite(t))
    # the integral agrees with the trapezoid rule, and the derivative with differences
    trap = np.concatenate([[0.0], np.cumsum(0.5 * (t[1:] + t[:-1]) * np.diff(v))])
    np.testing.assert_allclose(vdf.integral(v), trap, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(vdf.derivative(v)[1:-1], np.gradient(t, v)[1:-1], rtol=2e-2)


def test_slope_kernel_matches_the_numpy_formulas() -> None:
    # the line search's one-pass kernel against cost/derivative on the same points:
    # BPR with beta 4 (the fast path), non-integer and < 1 betas, queues below and
    # above rho_max, zero flows, zero directions (skipped), a fixed cost
    rng = np.random.default_rng(3)
    m = 400
    vdf = VolumeDelay(
        t0=rng.uniform(0.5, 3.0, m),
        capacity=rng.uniform(5.0, 50.0, m),
        alpha=rng.choice([0.0, 0.15, 1.0], m),
        beta=rng.choice([4.0, 2.5, 1.0, 0.5], m),
        queue=rng.random(m) < 0.25,
        service_time=rng.uniform(0.1, 1.0, m),
        rho_max=0.9,
        fixed_cost=rng.uniform(0.0, 2.0, m),
    )
    x = rng.uniform(0.0, 60.0, m) * (rng.random(m) < 0.8)
    target = rng.uniform(0.0, 60.0, m) * (rng.random(m) < 0.8)
    target[:40] = x[:40]  # direction 0 on some edges
    d = target - x
    kernel_args = (vdf.t0, vdf.capacity, vdf.alpha, vdf.beta, vdf.queue, vdf.service_time,
                   vdf.rho_max, vdf.fixed_cost)
    for step in (0.0, 0.3, 1.0):
        v = x + step * d
        want = (float(np.sum(vdf.cost(v) * d)), float(np.sum(vdf.derivative(v) * d * d)))
        kernel = vdf_kernels._slope(*kernel_args, x, d, step)
        assert vdf.slope(x, d, step) == kernel
        for f, fp in (kernel, vdf.slope(x, d, step, numpy=True)):
            assert f == pytest.approx(want[0], rel=1e-12)
            assert fp == pytest.approx(want[1], rel=1e-12)


def test_line_search_finds_the_exact_step() -> None:
    # one BPR edge and an uncongested one; the step zeroes the Beckmann slope
    vdf = VolumeDelay(
        t0=np.array([1.0, 3.0]), capacity=np.array([10.0, 1.0]),
        alpha=np.array([0.15, 0.0]), beta=np.array([4.0, 4.0]),
        queue=np.zeros(2, dtype=bool), service_time=np.zeros(2), rho_max=0.9,
        fixed_cost=np.zeros(2),
    )
    x = np.array([0.0, 40.0])
    d = np.array([40.0, -40.0])
    step = eq._line_search(vdf, x, d)
    # 1 + 0.15 (40 s / 10) ** 4 = 3  ->  s = (2 / 0.15) ** 0.25 / 4
    assert step == pytest.approx((2.0 / 0.15) ** 0.25 / 4.0, rel=1e-12)
    assert vdf.slope(x, d, step)[0] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("toll", "crossing_t"), [(0.0, 7.5), (1.0, 20.0 / 3.0)])
def test_border_queue_in_equilibrium(toll: float, crossing_t: float) -> None:
    # a crossing (queue) with capacity 10 vs a slow uncongested detour of time 4:
    # equal costs 1 + toll + rho / (1 - rho) = 4, so rho = 0.75 without a toll and 2/3
    # with a toll of 1; the toll counts in cost, not in time
    r = user_equilibrium(
        equilibrium_problem(
            [0, 0], [1, 1], [1.0, 4.0], [10.0, np.inf], [0], [1], [[12.0]], queue=[True, False],
            service_time=1.0, rho_max=0.95, toll=[toll, 0.0], toll_factor=1.0,
        ),
        gap=1e-10, max_iter=2000,
    )
    np.testing.assert_allclose(r.flow, [crossing_t, 12.0 - crossing_t], rtol=1e-6)
    np.testing.assert_allclose(r.cost, [4.0, 4.0], rtol=1e-6)
    np.testing.assert_allclose(r.time, [4.0 - toll, 4.0], rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"algorithm": "msa"}, "unknown algorithm 'msa'"),
        ({"capacity": [1.0, 0.0]}, r"capacity\[1\] = 0.0 must be > 0"),
        ({"free_flow_time": [1.0, -1.0]}, r"free_flow_time\[1\] = -1.0"),
        # before: one infinite time gave "tstt": NaN, a gap of 0 and "converged"
        ({"free_flow_time": [1.0, np.inf]}, r"free_flow_time\[1\] = inf must be finite"),
        ({"free_flow_time": [np.nan, 1.0]}, r"free_flow_time\[0\] = nan must be finite"),
        ({"max_iter": 0}, "max_iter must be >= 1, got 0"),
        ({"rho_max": 1.0}, r"rho_max must be in \(0, 1\), got 1.0"),
        ({"no_through": [9]}, r"no_through holds 9"),
    ],
)
def test_bad_inputs_name_the_value(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = dict(
        tail=[0, 0],
        head=[1, 1],
        free_flow_time=[1.0, 2.0],
        capacity=[1.0, 1.0],
        origins=[0],
        destinations=[1],
        demand=[[1.0]],
    )
    args.update(kwargs)
    options = {k: args.pop(k) for k in ("algorithm", "gap", "max_iter") if k in args}
    with pytest.raises(ValueError, match=message):
        user_equilibrium(equilibrium_problem(**args), **options)  # type: ignore[arg-type]
