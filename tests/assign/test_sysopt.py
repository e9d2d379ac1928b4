"""System-optimal flow LP: hand-computed optima, oracles, duals, user constraints."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import oracles
from connectivity.assign import (
    build_system_optimum,
    flow_problem,
    solve_system_optimum,
    system_optimum,
)
from connectivity.errors import InfeasibleModelError, SolverError
from connectivity.optimize import SOLVERS, SolveStatus

INF = np.inf


@pytest.mark.parametrize("solver", SOLVERS)
def test_bottleneck_hand_computed(solver: str) -> None:
    # 0 -> 1 directly (cost 1, cap 4) or via 2 (cost 2 + 2, uncapacitated); 10 t
    tail = [0, 0, 2]
    head = [1, 2, 1]
    cost = [1.0, 2.0, 2.0]
    r = system_optimum(
        flow_problem(
            tail, head, cost, [0], [1], [10.0], capacity=[4.0, INF, INF], unserved_penalty=50.0,
        ),
        solver=solver,
    )
    assert r.solve.status is SolveStatus.OPTIMAL
    np.testing.assert_allclose(r.flow, [4.0, 6.0, 6.0], atol=1e-7)
    assert r.total_cost == pytest.approx(4 * 1 + 6 * 4)
    # one more tonne on the direct edge saves 4 - 1 = 3
    np.testing.assert_allclose(r.edge_shadow_price, [3.0, 0.0, 0.0], atol=1e-7)
    assert r.binding_edges.tolist() == [0]
    assert r.unserved.tolist() == pytest.approx([0.0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_unserved_when_capacity_runs_out(solver: str) -> None:
    r = system_optimum(
        flow_problem([0], [1], [5.0], [0], [1], [10.0], capacity=[3.0], unserved_penalty=20.0),
        solver=solver,
    )
    assert r.unserved.tolist() == pytest.approx([7.0])
    assert r.total_cost == pytest.approx(3 * 5 + 7 * 20)
    assert r.edge_shadow_price.tolist() == pytest.approx([15.0])


def test_group_capacity_is_shared_and_priced() -> None:
    # two parallel crossings 0->1 (cost 1 and 2) share one border capacity of 5 t;
    # a detour 0->2->1 costs 10; 8 t must go
    tail = [0, 0, 0, 2]
    head = [1, 1, 2, 1]
    cost = [1.0, 2.0, 5.0, 5.0]
    r = system_optimum(
        flow_problem(
            tail, head, cost, [0], [1], [8.0], groups=[[0, 1]], group_capacity=[5.0],
            unserved_penalty=100.0,
        ),
    )
    np.testing.assert_allclose(r.flow, [5.0, 0.0, 3.0, 3.0], atol=1e-7)
    assert r.group_shadow_price.tolist() == pytest.approx([9.0])
    assert r.binding_groups.tolist() == [0]
    assert r.total_cost == pytest.approx(5 * 1 + 3 * 10)


def test_commodities_with_closed_edges() -> None:
    # commodity 0 may use the cheap edge 0 (rail), commodity 1 may not (inf); both 0 -> 1
    cost = np.array([[1.0, INF], [3.0, 3.0]])
    r = system_optimum(
        flow_problem(
            [0, 0], [1, 1], cost, [0, 0], [1, 1], [2.0, 5.0], commodity=[0, 1],
            unserved_penalty=100.0,
        ),
    )
    np.testing.assert_allclose(r.flow_by_commodity, [[2.0, 0.0], [0.0, 5.0]], atol=1e-7)
    np.testing.assert_allclose(r.flow, [2.0, 5.0], atol=1e-7)
    assert r.total_cost == pytest.approx(2 + 15)


def _random_instance(seed: int, n: int = 12, m: int = 40, n_od: int = 6, k: int = 2):
    rng = np.random.default_rng(seed)
    tail = rng.integers(0, n, m)
    head = (tail + rng.integers(1, n, m)) % n  # no self loops; parallel edges allowed
    cost = rng.integers(1, 10, (m, k)).astype(float)
    cap = np.where(rng.random(m) < 0.5, rng.integers(1, 15, m).astype(float), INF)
    o = rng.integers(0, n, n_od)
    d = (o + rng.integers(1, n, n_od)) % n
    q = rng.integers(1, 10, n_od).astype(float)
    kk = rng.integers(0, k, n_od)
    return tail, head, cost, cap, o, d, q, kk


def _linprog_per_od(instance, *, penalty):
    """Independent oracle: arc-per-OD LP written out with loops, solved by scipy."""
    tail, head, cost, cap, o, d, q, kk = instance
    n = int(max(tail.max(), head.max(), o.max(), d.max())) + 1
    m, n_od = len(tail), len(o)
    n_var = n_od * m + n_od
    c = np.zeros(n_var)
    a_eq = sp.lil_matrix((n_od * n, n_var))
    b_eq = np.zeros(n_od * n)
    for i in range(n_od):
        for e in range(m):
            col = i * m + e
            c[col] = cost[e, kk[i]] if np.isfinite(cost[e, kk[i]]) else 0.0
            a_eq[i * n + tail[e], col] += 1
            a_eq[i * n + head[e], col] -= 1
        u = n_od * m + i
        c[u] = penalty
        a_eq[i * n + o[i], u] += 1
        a_eq[i * n + d[i], u] -= 1
        b_eq[i * n + o[i]] += q[i]
        b_eq[i * n + d[i]] -= q[i]
    rows = [e for e in range(m) if np.isfinite(cap[e])]
    a_ub = sp.lil_matrix((len(rows), n_var))
    for r, e in enumerate(rows):
        for i in range(n_od):
            a_ub[r, i * m + e] = 1
    bounds = [
        (0, 0 if not np.isfinite(cost[e, kk[i]]) else None) for i in range(n_od) for e in range(m)
    ] + [(0, q[i]) for i in range(n_od)]
    res = linprog(
        c,
        A_ub=a_ub.tocsr(),
        b_ub=cap[rows],
        A_eq=a_eq.tocsr(),
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    assert res.status == 0
    return res.fun


@pytest.mark.parametrize("seed", range(6))
def test_random_instances_match_linprog_oracle(seed: int) -> None:
    tail, head, cost, cap, o, d, q, kk = _random_instance(seed)
    expected = _linprog_per_od((tail, head, cost, cap, o, d, q, kk), penalty=200.0)
    for per_od in (False, True):
        model = build_system_optimum(
            flow_problem(
                tail, head, cost, o, d, q, commodity=kk, capacity=cap, unserved_penalty=200.0,
            ),
            per_od=per_od,
        )
        r = solve_system_optimum(model)
        assert r.total_cost == pytest.approx(expected, rel=1e-7)
        assert np.all(r.flow <= cap + 1e-6)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_dest=st.integers(1, 4))
def test_single_origin_matches_networkx_min_cost_flow(seed: int, n_dest: int) -> None:
    instance, expected = oracles.single_origin_instance(seed, n_dest)
    r = system_optimum(flow_problem(**instance))
    assert r.total_cost == pytest.approx(expected, rel=1e-9)


def test_shadow_price_equals_finite_difference() -> None:
    tail, head, cost, cap, o, d, q, kk = _random_instance(3)
    base = system_optimum(
        flow_problem(tail, head, cost, o, d, q, commodity=kk, capacity=cap, unserved_penalty=200.0),
    )
    assert base.binding_edges.size > 0
    for e in base.binding_edges[:3]:
        more = cap.copy()
        more[e] += 1e-3
        r = system_optimum(
            flow_problem(
                tail, head, cost, o, d, q, commodity=kk, capacity=more, unserved_penalty=200.0,
            ),
        )
        saving = (base.total_cost - r.total_cost) / 1e-3
        assert saving == pytest.approx(base.edge_shadow_price[e], rel=1e-6, abs=1e-6)


def test_cbc_and_highs_agree_on_random_instance() -> None:
    tail, head, cost, cap, o, d, q, kk = _random_instance(11)
    a = system_optimum(
        flow_problem(tail, head, cost, o, d, q, commodity=kk, capacity=cap, unserved_penalty=200.0),
    )
    b = system_optimum(
        flow_problem(tail, head, cost, o, d, q, commodity=kk, capacity=cap, unserved_penalty=200.0),
        solver="cbc",
    )
    assert a.total_cost == pytest.approx(b.total_cost, rel=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_user_constraint_is_respected(solver: str) -> None:
    model = build_system_optimum(
        flow_problem(
            [0, 0, 2], [1, 2, 1], [1.0, 2.0, 2.0], [0], [1], [10.0], unserved_penalty=50.0,
        ),
    )
    # cap the cheap edge by hand through its PuLP variable
    j = model.flow_edges[0].tolist().index(0)
    model.problem += model.flow[0][j] <= 3.0, "my_cap"
    r = solve_system_optimum(model, solver=solver)
    np.testing.assert_allclose(r.flow, [3.0, 7.0, 7.0], atol=1e-7)
    assert model.flow[0][j].varValue == pytest.approx(3.0)


def test_user_constraint_with_new_variable() -> None:
    model = build_system_optimum(
        flow_problem([0, 0], [1, 1], [1.0, 5.0], [0], [1], [10.0], unserved_penalty=50.0),
    )
    # an expansion variable: capacity of edge 0 is 2 + y, y costs 1 per tonne
    y = model.problem.add_variable("expand", lowBound=0)
    model.problem += model.flow[0][0] <= 2 + y, "expandable_cap"
    r = solve_system_optimum(model)
    # without the objective term y is free: all goes on edge 0
    np.testing.assert_allclose(r.flow, [10.0, 0.0], atol=1e-7)
    assert y.varValue == pytest.approx(8.0)


def test_user_objective_change_is_honoured() -> None:
    model = build_system_optimum(
        flow_problem([0, 0], [1, 1], [1.0, 5.0], [0], [1], [10.0], unserved_penalty=50.0),
    )
    y = model.problem.add_variable("expand", lowBound=0)
    model.problem += model.flow[0][0] <= 2 + y
    model.problem.setObjective(model.problem.objective + 10 * y)
    r = solve_system_optimum(model)
    np.testing.assert_allclose(r.flow, [2.0, 8.0], atol=1e-7)
    assert r.total_cost == pytest.approx(2 + 40)


def test_infeasible_user_constraint_raises_with_hint() -> None:
    problem = flow_problem([0], [1], [1.0], [0], [1], [10.0], unserved_penalty=50.0)
    model = build_system_optimum(problem)
    model.problem += model.unserved[0] >= 20.0
    with pytest.raises(InfeasibleModelError, match="constraints added to the model"):
        solve_system_optimum(model)


def test_stopped_solve_is_never_a_result() -> None:
    tail, head, cost, cap, o, d, q, kk = _random_instance(5, n=60, m=300, n_od=40)
    model = build_system_optimum(
        flow_problem(tail, head, cost, o, d, q, commodity=kk, capacity=cap, unserved_penalty=200.0),
    )
    # stopped after one simplex iteration: no feasible point, so no result is returned
    with pytest.raises(SolverError, match="Iteration limit"):
        solve_system_optimum(model, highs_options={"simplex_iteration_limit": 1, "presolve": "off"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tail": [0, 5]}, r"tail\[1\] = 5 is not a node index in \[0, 2\)"),
        ({"cost": [1.0, -2.0]}, r"cost\[1, 0\] = -2.0 must be"),
        ({"tonnes": [-1.0]}, r"tonnes\[0\] = -1.0"),
        ({"commodity": [3]}, r"commodity\[0\] = 3 has no cost column"),
        ({"unserved_penalty": 0.0}, r"unserved_penalty\[0\] = 0.0"),
        ({"capacity": [1.0]}, r"capacity must have 2 entries, got 1"),
        ({"groups": [[0, 7]], "group_capacity": [1.0]}, r"groups\[0\] holds edge 7"),
    ],
)
def test_bad_inputs_name_the_value(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "tail": [0, 0],
        "head": [1, 1],
        "cost": [1.0, 2.0],
        "origin": [0],
        "destination": [1],
        "tonnes": [1.0],
        "unserved_penalty": 10.0,
        "n_nodes": 2,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        build_system_optimum(flow_problem(**args))  # type: ignore[arg-type]


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_point_stopped_on_time_is_kept_only_if_feasible(solver: str) -> None:
    # before: CBC stopped on time returned "feasible" at 3.2e6 against an optimum of
    # 4.8e10, its flows off conservation by 7.5 Mt and some negative
    import connectivity as cn
    import oracles

    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    try:
        a = cn.assign_system_optimum(comp, demand, solver=solver, time_limit=0.01)
    except SolverError as exc:
        assert "no feasible point" in str(exc)
        return
    assert a.solve is not None and a.solve.has_solution
    assert oracles.conservation_error(comp, a, demand) <= 1e-6 * demand[
        "tonnes_per_year"].sum()
