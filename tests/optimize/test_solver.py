"""The solver wrapper: tiny LPs and MILPs with known optima on every solver."""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pulp
import pytest

from connectivity.errors import InfeasibleModelError, SolverError
from connectivity.optimize import (
    SOLVERS,
    ArrayLP,
    SolveResult,
    SolveStatus,
    check_options,
    check_solution,
    relative_gap,
    solve,
    solve_highs,
)


def _min_lp() -> tuple[pulp.LpProblem, pulp.LpVariable, pulp.LpVariable]:
    # min x + 2y  s.t. x + y >= 2, x <= 1  ->  x = 1, y = 1, objective 3
    p = pulp.LpProblem("min_lp", pulp.LpMinimize)
    x = p.add_variable("x", lowBound=0)
    y = p.add_variable("y", lowBound=0)
    p += x + 2 * y
    p += x + y >= 2, "cover"
    p += x <= 1, "cap"
    return p, x, y


def _max_lp() -> pulp.LpProblem:
    # max 3x + 2y  s.t. x + y <= 4, x + 3y <= 6, x <= 3  ->  (3, 1), objective 11
    p = pulp.LpProblem("max_lp", pulp.LpMaximize)
    x = p.add_variable("x", lowBound=0)
    y = p.add_variable("y", lowBound=0)
    p += 3 * x + 2 * y
    p += x + y <= 4
    p += x + 3 * y <= 6
    p += x <= 3
    return p


def _knapsack() -> pulp.LpProblem:
    # best subset of values 10, 13, 7, 8 with weights 5, 7, 4, 3 under 10: {0, 2} + ... = 21
    p = pulp.LpProblem("knap", pulp.LpMaximize)
    xs = [p.add_variable(f"x{i}", cat=pulp.const.LpBinary) for i in range(4)]
    p += pulp.lpSum(v * x for v, x in zip([10, 13, 7, 8], xs, strict=True))
    p += pulp.lpSum(w * x for w, x in zip([5, 7, 4, 3], xs, strict=True)) <= 10
    return p


def _market_split(m: int = 5, n: int = 40, seed: int = 1) -> pulp.LpProblem:
    """Cornuejols-Dawande market split: tiny to state, very hard to prove optimal."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=(m, n))
    d = a.sum(axis=1) // 2
    p = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = [p.add_variable(f"x{j}", cat=pulp.const.LpBinary) for j in range(n)]
    sp = [p.add_variable(f"sp{i}", lowBound=0) for i in range(m)]
    sm = [p.add_variable(f"sm{i}", lowBound=0) for i in range(m)]
    p += pulp.lpSum(sp) + pulp.lpSum(sm)
    for i in range(m):
        row = pulp.lpSum(int(a[i, j]) * x[j] for j in range(n))
        p += row + sp[i] - sm[i] == int(d[i])
    return p


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_lp_optimum_and_duals(solver: str) -> None:
    p, x, y = _min_lp()
    r = solve(p, solver=solver)
    assert r.status is SolveStatus.OPTIMAL
    assert r.solver == solver
    assert r.objective == pytest.approx(3.0)
    assert r.gap == 0.0
    assert x.varValue == pytest.approx(1.0)
    assert y.varValue == pytest.approx(1.0)
    # one more unit of "cover" costs 2 (through y); one more unit of "cap" saves 1
    duals = {name: c.pi for name, c in zip(["cover", "cap"], p.constraints(), strict=True)}
    assert duals["cover"] == pytest.approx(2.0)
    assert duals["cap"] == pytest.approx(-1.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_max_lp(solver: str) -> None:
    r = solve(_max_lp(), solver=solver)
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective == pytest.approx(11.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_milp_known_optimum(solver: str) -> None:
    p = _knapsack()
    r = solve(p, solver=solver)
    assert r.status is SolveStatus.OPTIMAL
    assert r.objective == pytest.approx(21.0)
    assert r.bound == pytest.approx(21.0)
    chosen = sorted(v.name for v in p.variables() if (v.varValue or 0) > 0.5)
    assert chosen == ["x1", "x3"]
    assert pulp.value(p.objective) == pytest.approx(21.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limited_milp_is_never_optimal(solver: str) -> None:
    r = solve(_market_split(), solver=solver, time_limit=0.5)
    assert r.status is SolveStatus.TIME_LIMIT
    assert r.status is not SolveStatus.OPTIMAL
    if math.isfinite(r.objective):
        # the incumbent is above the proven bound, and the gap says so
        assert r.objective >= r.bound - 1e-9
        assert r.gap > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible(solver: str) -> None:
    p = pulp.LpProblem("inf", pulp.LpMinimize)
    x = p.add_variable("x", lowBound=0)
    y = p.add_variable("y", lowBound=0)
    p += x + y
    p += x + y >= 3
    p += x + y <= 1
    r = solve(p, solver=solver)
    assert r.status is SolveStatus.INFEASIBLE
    assert math.isnan(r.objective)
    assert not r.has_solution
    with pytest.raises(InfeasibleModelError, match="look at these constraint families: caps"):
        check_solution(r, model="toy model", families=["caps"])


@pytest.mark.parametrize("solver", SOLVERS)
def test_unbounded(solver: str) -> None:
    p = pulp.LpProblem("unb", pulp.LpMinimize)
    x = p.add_variable("x", lowBound=0)
    y = p.add_variable("y", lowBound=0)
    p += -x - y
    p += x - y <= 1
    r = solve(p, solver=solver)
    assert r.status is SolveStatus.UNBOUNDED
    with pytest.raises(SolverError, match="unbounded"):
        check_solution(r, model="toy model")


@pytest.mark.parametrize("solver", SOLVERS)
def test_quiet_by_default(solver: str, capfd: pytest.CaptureFixture[str]) -> None:
    solve(_min_lp()[0], solver=solver)
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_msg_shows_log(capfd: pytest.CaptureFixture[str]) -> None:
    solve(_min_lp()[0], solver="highs", msg=True)
    out, _ = capfd.readouterr()
    assert "HiGHS" in out


def _random_knapsack(n: int = 50, seed: int = 1) -> pulp.LpProblem:
    """A knapsack whose LP bound is above its optimum: a gap stop leaves a real gap."""
    rng = np.random.default_rng(seed)
    w = rng.integers(10, 100, n)
    v = w + rng.integers(-5, 30, n) + rng.random(n)
    p = pulp.LpProblem("random_knapsack", pulp.LpMaximize)
    x = [p.add_variable(f"x{i}", cat=pulp.const.LpBinary) for i in range(n)]
    p += pulp.lpSum(float(v[i]) * x[i] for i in range(n))
    p += pulp.lpSum(int(w[i]) * x[i] for i in range(n)) <= int(w.sum() // 2)
    return p


@pytest.mark.parametrize("solver", SOLVERS)
def test_mip_gap_stop_is_feasible_not_optimal(solver: str) -> None:
    # before: this test also accepted OPTIMAL, and CBC's "Optimal (within gap
    # tolerance)" was read as an error
    r = solve(_random_knapsack(), solver=solver, mip_gap=0.5)
    assert r.status is SolveStatus.FEASIBLE, r
    assert r.has_solution and math.isfinite(r.objective) and math.isfinite(r.bound)
    assert r.bound >= r.objective - 1e-9  # a maximisation: the bound is above
    assert 0 < r.gap <= 0.5


def test_bad_options_name_the_value() -> None:
    p = _min_lp()[0]
    with pytest.raises(ValueError, match="unknown solver 'gurobi'"):
        solve(p, solver="gurobi")
    with pytest.raises(ValueError, match="time_limit .* got -1"):
        solve(p, time_limit=-1)
    with pytest.raises(ValueError, match="mip_gap .* got 2"):
        solve(p, mip_gap=2)


def test_check_solution_passes_time_limit_with_incumbent() -> None:
    r = SolveResult(SolveStatus.TIME_LIMIT, 5.0, 4.0, 0.2, 1.0, "highs", "")
    check_solution(r, model="m")
    r = SolveResult(SolveStatus.TIME_LIMIT, math.nan, 4.0, math.inf, 1.0, "highs", "")
    with pytest.raises(SolverError, match="no feasible point"):
        check_solution(r, model="m")


def test_one_gap_definition() -> None:
    assert relative_gap(105.0, 100.0) == pytest.approx(5 / 105)
    assert relative_gap(-10.0, -12.0) == pytest.approx(0.2)  # |objective| in the denominator
    assert relative_gap(7.0, 7.0) == 0.0
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(math.nan, 1.0) == math.inf
    assert relative_gap(1.0, -math.inf) == math.inf


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_result_states_its_gap_the_same_way(solver: str) -> None:
    results = [
        solve(_min_lp()[0], solver=solver),
        solve(_max_lp(), solver=solver),
        solve(_knapsack(), solver=solver),
        solve(_market_split(), solver=solver, time_limit=0.3),
        solve(_market_split(m=3, n=20, seed=3), solver=solver, mip_gap=0.5),
    ]
    for r in results:
        assert isinstance(r, SolveResult) and isinstance(r.status, SolveStatus)
        assert r.gap == relative_gap(r.objective, r.bound), r
        if r.status is SolveStatus.OPTIMAL and r.bound == r.objective:
            assert r.gap == 0.0


def test_an_lp_stopped_early_claims_no_bound() -> None:
    lp = ArrayLP(
        cost=np.array([1.0, 2.0, 3.0]), col_lower=np.zeros(3), col_upper=np.full(3, np.inf),
        row_start=np.array([0, 3, 6]), row_index=np.array([0, 1, 2, 0, 1, 2]),
        row_value=np.array([1.0, 1.0, 1.0, 1.0, 2.0, 3.0]),
        row_lower=np.array([4.0, 6.0]), row_upper=np.array([np.inf, np.inf]),
    )  # fmt: skip
    full = solve_highs(lp).result
    assert full.status is SolveStatus.OPTIMAL and full.bound == full.objective
    stopped = solve_highs(lp, options={"simplex_iteration_limit": 0, "presolve": "off"}).result
    assert stopped.status is not SolveStatus.OPTIMAL
    assert math.isnan(stopped.bound) and stopped.gap == math.inf


def test_options_are_checked_in_one_public_place() -> None:
    check_options("cbc", time_limit=1, mip_gap=np.float64(0.1))
    for kwargs, message in (
        ({"time_limit": "10"}, "time_limit must be a positive number of seconds, got '10'"),
        ({"time_limit": True}, "time_limit must be a positive number of seconds, got True"),
        ({"time_limit": math.inf}, "got inf"),
        ({"mip_gap": 1.0}, r"mip_gap must be in \[0, 1\), got 1.0"),
    ):
        with pytest.raises(ValueError, match=message):
            check_options("highs", **{"time_limit": None, "mip_gap": None, **kwargs})


def test_no_banner_whatever_python_stdout_points_at(
    capfd: pytest.CaptureFixture[str], tmp_path
) -> None:
    # HiGHS prints from C++ to descriptor 1: redirecting Python's stdout to a file must
    # neither move the banner into that file nor let it through to descriptor 1
    with open(tmp_path / "out.txt", "w") as f, contextlib.redirect_stdout(f):
        r = solve(_min_lp()[0], solver="highs")
    assert r.status is SolveStatus.OPTIMAL
    assert (tmp_path / "out.txt").read_text() == ""
    assert capfd.readouterr().out == ""
