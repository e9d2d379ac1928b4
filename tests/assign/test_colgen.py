"""Path column generation for the system optimum: same optimum as the arc models."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracles
from connectivity.assign import (
    SystemOptimum,
    build_system_optimum,
    flow_problem,
    path_system_optimum,
    solve_paths,
    solve_system_optimum,
    system_optimum,
)
from connectivity.errors import SolverError
from connectivity.optimize import SolveStatus, relative_gap

INF = np.inf


def _paths(*args: object, time_limit: float | None = None, **kwargs: object) -> SystemOptimum:
    problem = flow_problem(*args, **kwargs)  # type: ignore[arg-type]
    return system_optimum(problem, formulation="paths", time_limit=time_limit)


def _assert_certified(r: SystemOptimum) -> None:
    assert r.solve.status is SolveStatus.OPTIMAL
    assert r.solve.gap == relative_gap(r.solve.objective, r.solve.bound)
    assert r.solve.bound <= r.total_cost + 1e-9 * abs(r.total_cost)
    assert r.solve.gap <= 1e-9


def test_bottleneck_hand_computed() -> None:
    # 0 -> 1 directly (cost 1, cap 4) or via 2 (cost 2 + 2); 10 t
    r = _paths([0, 0, 2], [1, 2, 1], [1.0, 2.0, 2.0], [0], [1], [10.0],
               capacity=[4.0, INF, INF], unserved_penalty=50.0)  # fmt: skip
    _assert_certified(r)
    np.testing.assert_allclose(r.flow, [4.0, 6.0, 6.0], atol=1e-9)
    assert r.total_cost == pytest.approx(4 * 1 + 6 * 4)
    # one more tonne on the direct edge saves 4 - 1 = 3
    np.testing.assert_allclose(r.edge_shadow_price, [3.0, 0.0, 0.0], atol=1e-9)
    assert r.binding_edges.tolist() == [0]
    assert r.unserved.tolist() == pytest.approx([0.0])


def test_unserved_at_the_penalty() -> None:
    # one edge of capacity 3 for 10 t: 7 t unserved at 20, one more tonne saves 20 - 5
    r = _paths([0], [1], [5.0], [0], [1], [10.0], capacity=[3.0], unserved_penalty=20.0)
    _assert_certified(r)
    assert r.unserved.tolist() == pytest.approx([7.0])
    assert r.total_cost == pytest.approx(3 * 5 + 7 * 20)
    assert r.edge_shadow_price.tolist() == pytest.approx([15.0])


def test_route_dearer_than_the_penalty_is_not_used() -> None:
    # the only route costs 30 > penalty 20: nothing is served, and no capacity binds
    r = _paths([0, 1], [1, 2], [10.0, 20.0], [0], [2], [4.0], unserved_penalty=20.0)
    _assert_certified(r)
    assert r.unserved.tolist() == pytest.approx([4.0])
    assert r.flow.tolist() == pytest.approx([0.0, 0.0])
    assert r.total_cost == pytest.approx(80.0)


def test_group_capacity_is_shared_and_priced() -> None:
    # two parallel crossings 0->1 (cost 1 and 2) share one border capacity of 5 t;
    # a detour 0->2->1 costs 10; 8 t must go. One more tonne of border capacity moves a
    # tonne from the detour (10) to crossing 0 (1): saves 9.
    r = _paths([0, 0, 0, 2], [1, 1, 2, 1], [1.0, 2.0, 5.0, 5.0], [0], [1], [8.0],
               groups=[[0, 1]], group_capacity=[5.0], unserved_penalty=100.0)  # fmt: skip
    _assert_certified(r)
    np.testing.assert_allclose(r.flow, [5.0, 0.0, 3.0, 3.0], atol=1e-9)
    assert r.group_shadow_price.tolist() == pytest.approx([9.0])
    assert r.binding_groups.tolist() == [0]
    assert r.binding_edges.tolist() == []
    assert r.total_cost == pytest.approx(5 * 1 + 3 * 10)


def test_group_and_edge_capacity_on_one_path() -> None:
    # a crossing group {0} of 6 t and an edge capacity of 4 t on the same route 0->1->2;
    # the bypass 0->2 costs 9 vs 2: the edge binds (shadow 7), the group does not
    r = _paths([0, 1, 0], [1, 2, 2], [1.0, 1.0, 9.0], [0], [2], [10.0],
               capacity=[INF, 4.0, INF], groups=[[0]], group_capacity=[6.0],
               unserved_penalty=100.0)  # fmt: skip
    _assert_certified(r)
    np.testing.assert_allclose(r.flow, [4.0, 4.0, 6.0], atol=1e-9)
    assert r.edge_shadow_price.tolist() == pytest.approx([0.0, 7.0, 0.0])
    assert r.group_shadow_price.tolist() == pytest.approx([0.0])


def test_commodities_with_closed_edges() -> None:
    # commodity 0 may use the cheap edge 0 (rail), commodity 1 may not (inf); both 0 -> 1
    cost = np.array([[1.0, INF], [3.0, 3.0]])
    r = _paths([0, 0], [1, 1], cost, [0, 0], [1, 1], [2.0, 5.0], commodity=[0, 1],
               unserved_penalty=100.0)  # fmt: skip
    _assert_certified(r)
    np.testing.assert_allclose(r.flow_by_commodity, [[2.0, 0.0], [0.0, 5.0]], atol=1e-9)
    assert r.total_cost == pytest.approx(2 + 15)


def test_same_place_unreachable_and_zero_demand() -> None:
    # OD 0: origin = destination (free); OD 1: no route (all unserved); OD 2: zero tonnes
    r = _paths([0], [1], [2.0], [1, 1, 0], [1, 0, 1], [3.0, 4.0, 0.0], n_nodes=2,
               unserved_penalty=50.0)  # fmt: skip
    _assert_certified(r)
    assert r.unserved.tolist() == pytest.approx([0.0, 4.0, 0.0])
    assert r.total_cost == pytest.approx(200.0)
    assert r.flow.tolist() == pytest.approx([0.0])


def test_no_demand() -> None:
    r = _paths([0], [1], [2.0], [], [], [], unserved_penalty=5.0, capacity=[1.0])
    assert r.solve.status is SolveStatus.OPTIMAL
    assert r.total_cost == 0.0
    assert r.flow.tolist() == [0.0]
    assert r.edge_shadow_price.tolist() == [0.0]


def _random_instance(seed: int, n: int = 14, m: int = 50, n_od: int = 10, k: int = 2):
    rng = np.random.default_rng(seed)
    tail = rng.integers(0, n, m)
    head = (tail + rng.integers(1, n, m)) % n  # no self loops; parallel edges allowed
    cost = rng.integers(0, 10, (m, k)).astype(float)  # zero costs too
    cost[rng.random((m, k)) < 0.1] = INF  # some edges closed to a commodity
    cap = np.where(rng.random(m) < 0.5, rng.integers(0, 15, m).astype(float), INF)
    o = rng.integers(0, n, n_od)
    d = (o + rng.integers(1, n, n_od)) % n
    q = rng.integers(1, 12, n_od).astype(float)
    kk = rng.integers(0, k, n_od)
    groups = [rng.choice(m, 3, replace=False).tolist() for _ in range(2)]
    gcap = rng.integers(2, 20, 2).astype(float)
    pen = rng.uniform(30.0, 80.0, n_od)
    return dict(tail=tail, head=head, cost=cost, origin=o, destination=d, tonnes=q,
                commodity=kk, capacity=cap, groups=groups, group_capacity=gcap,
                unserved_penalty=pen, n_nodes=n)  # fmt: skip


def _check_flows(r: SystemOptimum, inst: dict) -> None:
    """Capacities hold, each commodity's flow is conserved, the objective adds up."""
    tail, head, n = inst["tail"], inst["head"], inst["n_nodes"]
    cap, q, kk = inst["capacity"], inst["tonnes"], inst["commodity"]
    assert np.all(r.flow <= cap + 1e-7)
    for g, c in zip(inst["groups"], inst["group_capacity"], strict=True):
        assert r.flow[g].sum() <= c + 1e-7
    assert np.all(r.unserved >= -1e-9) and np.all(r.unserved <= q + 1e-9)
    served = q - r.unserved
    for k in range(r.flow_by_commodity.shape[1]):
        f = r.flow_by_commodity[:, k]
        assert np.all(f[~np.isfinite(inst["cost"][:, k])] == 0)
        net = np.bincount(tail, f, n) - np.bincount(head, f, n)
        sel = kk == k
        want = np.bincount(inst["origin"][sel], served[sel], n) - np.bincount(
            inst["destination"][sel], served[sel], n
        )
        np.testing.assert_allclose(net, want, atol=1e-7)
    cost = np.where(np.isfinite(inst["cost"]), inst["cost"], 0.0)
    recomputed = float((cost * r.flow_by_commodity).sum() + inst["unserved_penalty"] @ r.unserved)
    assert recomputed == pytest.approx(r.total_cost, rel=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_random_instances_match_arc_models(seed: int) -> None:
    inst = _random_instance(seed)
    r = _paths(**inst)
    _assert_certified(r)
    _check_flows(r, inst)
    for per_od in (False, True):
        ref = build_system_optimum(flow_problem(**inst), per_od=per_od)
        expected = solve_system_optimum(ref).total_cost
        assert r.total_cost == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_start_paths_give_the_same_optimum(seed: int) -> None:
    # a previous solve's paths seed the master of a similar problem (an edge closed):
    # paths through the closed edge are left out, the optimum and its proof are the same
    inst = _random_instance(seed)
    base = solve_paths(flow_problem(**inst))
    used = np.unique(base.path_edges)
    cost = inst["cost"].copy()
    cost[used[seed % used.size], :] = INF
    closed = flow_problem(**{**inst, "cost": cost})
    cold = solve_paths(closed)
    warm = solve_paths(closed, start_paths=(base.path_od, base.path_start, base.path_edges))
    assert warm.result.status is SolveStatus.OPTIMAL is cold.result.status
    assert warm.result.objective == pytest.approx(cold.result.objective, rel=1e-9, abs=1e-9)
    _check_flows(path_system_optimum(closed, warm), {**inst, "cost": cost})


@pytest.mark.parametrize("seed", [3, 4])
def test_shadow_prices_are_subgradients(seed: int) -> None:
    # for an optimal dual, v(cap + t) >= v(cap) - price * t for any t (v is convex)
    inst = _random_instance(seed)
    base = _paths(**inst)
    assert base.binding_edges.size > 0
    for e in base.binding_edges[:3].tolist():
        for step in (-0.5, 0.5):
            cap = inst["capacity"].copy()
            cap[e] = max(cap[e] + step, 0.0)
            moved = _paths(**{**inst, "capacity": cap})
            lower = base.total_cost - base.edge_shadow_price[e] * (cap[e] - inst["capacity"][e])
            assert moved.total_cost >= lower - 1e-7


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n_dest=st.integers(1, 4))
def test_single_origin_matches_networkx_min_cost_flow(seed: int, n_dest: int) -> None:
    instance, expected = oracles.single_origin_instance(seed, n_dest)
    r = _paths(**instance)
    assert r.total_cost == pytest.approx(expected, rel=1e-9)


def test_time_limit_is_never_optimal() -> None:
    inst = _random_instance(1)
    with pytest.raises(SolverError, match="time_limit"):
        _paths(**inst, time_limit=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formulation": "arcs"}, r"unknown formulation 'arcs'; choose one of origin, paths"),
        ({"formulation": "paths", "solver": "cbc"}, r"solver='cbc' is not available"),
        ({"formulation": "paths", "time_limit": -1.0}, r"time_limit must be a positive"),
        ({"formulation": "paths", "cost": [1.0, -2.0]}, r"cost\[1, 0\] = -2.0 must be"),
    ],
)
def test_bad_options_name_the_value(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "tail": [0, 0], "head": [1, 1], "cost": [1.0, 2.0], "origin": [0],
        "destination": [1], "tonnes": [1.0], "unserved_penalty": 10.0,
    }  # fmt: skip
    args.update(kwargs)
    options = {k: args.pop(k) for k in ("formulation", "solver", "time_limit") if k in args}
    with pytest.raises(ValueError, match=message):
        system_optimum(flow_problem(**args), **options)  # type: ignore[arg-type]


def test_bundled_assignment_matches_origin_formulation() -> None:
    import connectivity as cn

    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    a = cn.assign_system_optimum(comp, demand)
    b = cn.assign_system_optimum(comp, demand, formulation="paths")
    assert a.solve is not None and b.solve is not None
    assert b.solve.status is SolveStatus.OPTIMAL
    assert b.solve.objective == pytest.approx(a.solve.objective, rel=1e-9)
    assert b.total_cost_usd == pytest.approx(a.total_cost_usd, rel=1e-6)
    assert b.unserved_t == pytest.approx(a.unserved_t, abs=1e-3)
    crossings = b.crossings.dropna(subset=["utilisation"])
    assert (crossings["utilisation"] <= 1 + 1e-6).all()
