"""Branch and price for the design problem against brute force and the arc-flow MILP."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from connectivity.assign import flow_problem, system_optimum
from connectivity.invest.design import DesignProblem, design_problem, solve_design
from connectivity.optimize import SolveStatus


def _grid(side: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tail, head = [], []
    for r in range(side):
        for c in range(side):
            u = r * side + c
            if c + 1 < side:
                tail += [u, u + 1]
                head += [u + 1, u]
            if r + 1 < side:
                tail += [u, u + side]
                head += [u + side, u]
    t, h = np.array(tail), np.array(head)
    return t, h, rng.uniform(1.0, 2.0, t.shape[0])


def small_design(seed: int, *, charge: bool = False) -> DesignProblem:
    """A 5x5 grid, two commodities, tight capacities; 8 candidates: 4 two-way shortcuts
    (one binary each, some with their own capacity) and 4 capacity additions; one
    dependency, one exclusion; the budget about 45 % of the candidates' cost."""
    rng = np.random.default_rng(seed)
    side, n = 5, 25
    tail, head, length = _grid(side, rng)
    m0 = tail.shape[0]
    pairs = set()
    while len(pairs) < 4:
        a, b = (int(v) for v in rng.choice(n, 2, replace=False))
        if abs(a // side - b // side) + abs(a % side - b % side) >= 2:
            pairs.add((min(a, b), max(a, b)))
    new = np.array(sorted(pairs))
    t = np.concatenate([tail, new[:, 0], new[:, 1]])
    h = np.concatenate([head, new[:, 1], new[:, 0]])
    per_km = np.concatenate([length, np.full(8, 1.1)])
    cost = per_km[:, None] * np.array([[1.0, 2.5]])
    origins = rng.choice(n, 4, replace=False)
    o, d, k, q = [], [], [], []
    for org in origins.tolist():
        for kk in (0, 1):
            for dest in rng.choice(np.setdiff1d(np.arange(n), [org]), 3, replace=False).tolist():
                o.append(org)
                d.append(dest)
                k.append(kk)
                q.append(float(rng.integers(50, 150)))
    capacity = np.full(m0 + 8, np.inf)
    busy = rng.choice(m0, 30, replace=False)
    capacity[busy] = rng.integers(40, 200, 30).astype(float)
    capacity[m0:] = np.where(rng.random(8) < 0.5, 120.0, np.inf)
    add_links = busy[:4]
    group_cap = capacity[add_links].copy()
    capacity[add_links] = np.inf
    fp = flow_problem(t, h, cost, o, d, q, unserved_penalty=100.0, n_nodes=n, commodity=k,
                      capacity=capacity, groups=[[int(e)] for e in add_links],
                      group_capacity=group_cap)
    p_cost = rng.uniform(1.0, 3.0, 8).round(2)
    return design_problem(
        fp, gated_edges=list(range(m0, m0 + 8)), gate_projects=[[p] for p in range(4)] * 2,
        project_cost=p_cost, budget=float(p_cost.sum()) * 0.45,
        group_adds=[[(4 + j, float(group_cap[j]))] for j in range(4)],
        depends=[[1, 4]], excludes=[[2, 3]],
        project_charge=p_cost * 5.0 if charge else None)


def design_value(dp: DesignProblem, chosen: tuple[int, ...]) -> float:
    """The system optimum with ``chosen`` built, solved from scratch (the oracle)."""
    f = dp.flow
    cost = f.cost.copy()
    for i, e in enumerate(dp.gated_edges.tolist()):
        if not set(dp.gate_projects[dp.gate_start[i] : dp.gate_start[i + 1]]) <= set(chosen):
            cost[e] = np.inf
    cap = f.group_capacity.copy()
    groups = np.repeat(np.arange(f.n_groups), np.diff(dp.group_add_start))
    for g, p, a in zip(groups, dp.group_add_project, dp.group_add_amount, strict=True):
        cap[g] += a if p in chosen else 0.0
    fp = flow_problem(f.tail, f.head, cost, f.origin, f.destination, f.tonnes,
                      unserved_penalty=f.penalty, n_nodes=f.n_nodes, commodity=f.commodity,
                      capacity=f.capacity, group_capacity=cap,
                      groups=[f.group_edges[f.group_start[g] : f.group_start[g + 1]]
                              for g in range(f.n_groups)])
    so = system_optimum(fp)
    assert so.solve.status is SolveStatus.OPTIMAL
    return float(so.total_cost) + float(dp.project_charge[list(chosen)].sum())


def brute_force(dp: DesignProblem) -> tuple[float, tuple[int, ...]]:
    best = (np.inf, ())
    for r in range(dp.n_projects + 1):
        for chosen in itertools.combinations(range(dp.n_projects), r):
            if dp.project_cost[list(chosen)].sum() > dp.budget + 1e-9:
                continue
            if any(a in chosen and b not in chosen for a, b in dp.depends.tolist()):
                continue
            if any(a in chosen and b in chosen for a, b in dp.excludes.tolist()):
                continue
            best = min(best, (design_value(dp, chosen), chosen))
    return best


@pytest.mark.parametrize(("seed", "charge"), [(1, False), (2, False), (3, True), (4, True)])
def test_paths_match_brute_force_and_the_arc_milp(seed: int, charge: bool) -> None:
    dp = small_design(seed, charge=charge)
    value, _ = brute_force(dp)
    paths = solve_design(dp)
    arcs = solve_design(dp, algorithm="arcs")
    assert paths.status is SolveStatus.OPTIMAL and arcs.status is SolveStatus.OPTIMAL
    assert paths.objective == pytest.approx(value, rel=1e-9)
    assert arcs.objective == pytest.approx(value, rel=1e-9)
    assert paths.bound <= paths.objective and paths.result.gap <= 1e-9
    chosen = tuple(paths.selected.tolist())
    assert design_value(dp, chosen) == pytest.approx(value, rel=1e-9)  # admissible, as good
    assert dp.project_cost[list(chosen)].sum() <= dp.budget + 1e-9
    assert not any(a in chosen and b not in chosen for a, b in dp.depends.tolist())
    assert not any(a in chosen and b in chosen for a, b in dp.excludes.tolist())
    # the flow returned is the design's: it fills no closed edge
    assert paths.flow is not None
    gated_closed = [int(e) for i, e in enumerate(dp.gated_edges.tolist())
                    if not set(dp.gate_projects[dp.gate_start[i]:dp.gate_start[i + 1]])
                    <= set(chosen)]
    assert np.all(paths.flow[gated_closed] == 0.0)


def test_a_start_design_and_a_bad_option() -> None:
    dp = small_design(1)
    value, best = brute_force(dp)
    s = solve_design(dp, start=list(best))
    assert s.objective == pytest.approx(value, rel=1e-9) and s.status is SolveStatus.OPTIMAL
    over = solve_design(dp, start=list(range(dp.n_projects)))  # over budget: ignored
    assert over.objective == pytest.approx(value, rel=1e-9)
    with pytest.raises(ValueError, match="strengthen"):
        solve_design(dp, strengthen=True)
    with pytest.raises(ValueError, match="'simplex'"):
        solve_design(dp, algorithm="simplex")  # type: ignore[arg-type]


def test_a_loose_gap_is_feasible_not_optimal() -> None:
    dp = small_design(2)
    value, _ = brute_force(dp)
    s = solve_design(dp, mip_gap=0.05)
    assert s.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert s.bound <= s.objective + 1e-9 * abs(s.objective)
    assert s.objective <= value * 1.05 + 1e-9
    if s.status is SolveStatus.OPTIMAL:  # only when the proven gap happens to be tiny
        assert s.result.gap <= 1e-9
