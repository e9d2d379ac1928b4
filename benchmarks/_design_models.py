"""Helpers of ``bench_design.py``: the naive PuLP design MILP, a generated design
instance, and the value of one design on a :class:`DesignProblem`'s arrays.

Not part of the package; imported by the benchmark script from its own folder.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pulp
from _grid import grid_arcs
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from connectivity.assign import flow_problem, system_optimum
from connectivity.invest.design import DesignProblem, design_problem
from connectivity.optimize import quiet_stdout, relative_gap

STEP_KM = 10.0
PER_KM_USD = (1.0, 1.6)  # per tonne-km, by commodity


# --- the naive model -------------------------------------------------------------------


def naive_design(dp: DesignProblem) -> tuple[pulp.LpProblem, list[pulp.LpVariable], float]:
    """The design MILP of ``dp`` as a PuLP user writes it: one variable per (flow class,
    open edge), per OD pair and per project; each row one ``lpSum`` built in a Python
    loop. Flow classes are origin x commodity, as in ours. Returns the problem, the
    project binaries and the build seconds."""
    t0 = time.perf_counter()
    f = dp.flow
    prob = pulp.LpProblem("naive_design", pulp.LpMinimize)
    classes = sorted({(int(o), int(k)) for o, k in zip(f.origin, f.commodity, strict=True)})
    out_edges: list[list[int]] = [[] for _ in range(f.n_nodes)]
    in_edges: list[list[int]] = [[] for _ in range(f.n_nodes)]
    for e in range(f.n_edges):
        out_edges[int(f.tail[e])].append(e)
        in_edges[int(f.head[e])].append(e)
    x: dict[tuple[int, int], pulp.LpVariable] = {}
    for ci, (_, k) in enumerate(classes):
        for e in range(f.n_edges):
            if math.isfinite(f.cost[e, k]):
                x[ci, e] = prob.add_variable(f"x_{ci}_{e}", lowBound=0)
    u = [prob.add_variable(f"u_{i}", lowBound=0, upBound=float(q))
         for i, q in enumerate(f.tonnes)]  # fmt: skip
    y = [prob.add_variable(f"y_{p}", cat=pulp.LpBinary) for p in range(dp.n_projects)]
    prob += (
        pulp.lpSum(float(f.cost[e, classes[ci][1]]) * v for (ci, e), v in x.items())
        + pulp.lpSum(float(f.penalty[i]) * u[i] for i in range(f.n_od))
        + pulp.lpSum(float(dp.project_charge[p]) * y[p] for p in range(dp.n_projects))
    )
    _conservation(prob, f, classes, x, u, out_edges, in_edges)

    def on_edge(e: int) -> list[pulp.LpVariable]:
        return [x[ci, e] for ci in range(len(classes)) if (ci, e) in x]

    _design_rows(prob, dp, on_edge, y)
    return prob, y, time.perf_counter() - t0


def _design_rows(prob, dp: DesignProblem, on_edge, y) -> None:
    """Capacity, group (with the projects' additions), coupling, budget, dependency and
    exclusion rows, each one ``lpSum``."""
    f = dp.flow
    for e in range(f.n_edges):
        if math.isfinite(f.capacity[e]):
            prob += pulp.lpSum(on_edge(e)) <= float(f.capacity[e]), f"cap_{e}"
    for g in range(f.n_groups):
        members = f.group_edges[f.group_start[g] : f.group_start[g + 1]].tolist()
        adds = [float(dp.group_add_amount[j]) * y[int(dp.group_add_project[j])]
                for j in range(dp.group_add_start[g], dp.group_add_start[g + 1])]  # fmt: skip
        prob += (pulp.lpSum(v for e in members for v in on_edge(e)) - pulp.lpSum(adds)
                 <= float(f.group_capacity[g]), f"group_{g}")  # fmt: skip
    total = float(f.tonnes.sum())
    for i, e in enumerate(dp.gated_edges.tolist()):
        terms = on_edge(e)
        if not terms:
            continue
        big_m = min(total, float(f.capacity[e]))
        for p in dp.gate_projects[dp.gate_start[i] : dp.gate_start[i + 1]].tolist():
            prob += pulp.lpSum(terms) <= big_m * y[p], f"gate_{i}_{p}"
    prob += (pulp.lpSum(float(dp.project_cost[p]) * y[p] for p in range(dp.n_projects))
             <= dp.budget, "budget")  # fmt: skip
    for p, q in dp.depends.tolist():
        prob += y[p] <= y[q], f"depends_{p}_{q}"
    for p, q in dp.excludes.tolist():
        prob += y[p] + y[q] <= 1, f"excludes_{p}_{q}"


def _conservation(prob, f, classes, x, u, out_edges, in_edges) -> None:  # noqa: PLR0913, PLR0917
    """Flow conservation per (class, node), each row one ``lpSum``."""
    class_of = {c: i for i, c in enumerate(classes)}
    ods: list[list[int]] = [[] for _ in classes]
    for i in range(f.n_od):
        ods[class_of[int(f.origin[i]), int(f.commodity[i])]].append(i)
    for ci in range(len(classes)):
        for node in range(f.n_nodes):
            out_t = [x[ci, e] for e in out_edges[node] if (ci, e) in x]
            in_t = [x[ci, e] for e in in_edges[node] if (ci, e) in x]
            src = [i for i in ods[ci] if f.origin[i] == node]
            dst = [i for i in ods[ci] if f.destination[i] == node]
            if not (out_t or in_t or src or dst):
                continue
            supply = sum(float(f.tonnes[i]) for i in src) - sum(float(f.tonnes[i]) for i in dst)
            prob += (pulp.lpSum(out_t) - pulp.lpSum(in_t) + pulp.lpSum(u[i] for i in src)
                     - pulp.lpSum(u[i] for i in dst) == supply, f"flow_{ci}_{node}")  # fmt: skip


@dataclass
class NaiveSolve:
    """One solve of the naive model: wall seconds of ``prob.solve``, the outcome read
    from the solver itself (PuLP calls a time-limited run optimal), the selection."""

    seconds: float
    status: str  # "optimal" (proved to the gap) or "time limit" or what the solver said
    objective: float
    bound: float
    gap: float
    selected: list[int]


def solve_naive(prob: pulp.LpProblem, y: list[pulp.LpVariable], solver: str, *,
                time_limit: float, mip_gap: float) -> NaiveSolve:  # fmt: skip
    """Solve with ``"highs"`` (``pulp.HiGHS``, through highspy) or ``"cbc"`` (PuLP's
    bundled CBC binary through ``COIN_CMD``; ``PULP_CBC_CMD`` is the same binary but
    deprecated in PuLP 3.3)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        if solver == "highs":
            cmd = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=mip_gap)
        else:
            cmd = pulp.COIN_CMD(path=pulp.PULP_CBC_CMD.pulp_cbc_path, msg=False,
                                timeLimit=time_limit, gapRel=mip_gap, logPath=str(log))
        t0 = time.perf_counter()
        with quiet_stdout():
            prob.solve(cmd)
        seconds = time.perf_counter() - t0
        text = log.read_text() if solver == "cbc" else ""
    objective = float(pulp.value(prob.objective)) if prob.sol_status > 0 else math.nan
    if solver == "highs":
        h = prob.solverModel
        info = h.getInfo()
        said = str(h.modelStatusToString(h.getModelStatus()))
        bound = float(info.mip_dual_bound)
        objective = float(info.objective_function_value)
    else:
        said = _cbc_field(text, r"^Result - (.*)$") or "no result line"
        found = _cbc_field(text, r"^Lower bound:\s+(\S+)")
        bound = float(found) if found else objective  # printed only when a gap remains
        value = _cbc_field(text, r"^Objective value:\s+(\S+)")
        objective = float(value) if value else math.nan
    gap = relative_gap(objective, bound)
    if "time" in said.lower():
        status = "time limit"
    elif said.lower().startswith("optimal") and gap <= mip_gap * (1 + 1e-9):
        status = "optimal"
    else:
        status = said
    chosen = [p for p, v in enumerate(y) if (v.value() or 0.0) > 0.5]
    return NaiveSolve(seconds, status, objective, bound, gap, chosen)


def _cbc_field(text: str, pattern: str) -> str | None:
    found = re.search(pattern, text, flags=re.MULTILINE)
    return found.group(1).strip() if found else None


def cbc_version() -> str:
    """The bundled CBC binary's version (from its banner)."""
    import subprocess

    out = subprocess.run([pulp.PULP_CBC_CMD.pulp_cbc_path, "-quit"], capture_output=True,
                         text=True, check=False).stdout  # fmt: skip
    found = re.search(r"Version:\s*(\S+)", out)
    return found.group(1) if found else "?"


# --- a generated instance --------------------------------------------------------------


def grid_links(side: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A jittered ``side x side`` grid, two-way links: node xy (km), tail, head, length."""
    n = side * side
    xy = np.stack(np.divmod(np.arange(n), side), axis=1).astype(np.float64)
    xy = (xy + rng.uniform(-0.3, 0.3, xy.shape)) * STEP_KM
    t, h = grid_arcs(side)
    length = np.linalg.norm(xy[t] - xy[h], axis=1) * rng.uniform(1.0, 1.3, t.shape[0])
    return xy, t, h, length


def _demand(n: int, n_origins: int, dests: int,
            rng: np.random.Generator) -> tuple[np.ndarray, ...]:  # fmt: skip
    origins = rng.choice(n, n_origins, replace=False)
    o, d, k, q = [], [], [], []
    for org in origins.tolist():
        for kk in range(len(PER_KM_USD)):
            ds = rng.choice(np.setdiff1d(np.arange(n), [org]), dests, replace=False)
            o += [org] * dests
            d += ds.tolist()
            k += [kk] * dests
            q += rng.uniform(1000.0, 5000.0, dests).round().tolist()
    return origins, np.array(o), np.array(d), np.array(k), np.array(q)


def _shortcuts(side: int, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``count`` new links between distinct node pairs 2 to 6 grid steps apart."""
    pairs: list[tuple[int, int]] = []
    seen = set()
    while len(pairs) < count:
        a = int(rng.integers(side * side))
        r, c = divmod(a, side)
        dr, dc = (int(v) for v in rng.integers(-3, 4, 2))
        if abs(dr) + abs(dc) < 2 or not (0 <= r + dr < side and 0 <= c + dc < side):
            continue
        b = (r + dr) * side + c + dc
        if (min(a, b), max(a, b)) not in seen:
            seen.add((min(a, b), max(a, b)))
            pairs.append((a, b))
    arr = np.array(pairs)
    return arr[:, 0], arr[:, 1]


def generated_design(seed: int, *, side: int = 20, n_origins: int = 16, dests: int = 8,
                     n_projects: int = 40, n_capacitated: int = 40) -> DesignProblem:  # fmt: skip
    """A seeded design instance on a jittered grid (two commodities, linear costs).

    The ``n_capacitated`` busiest links of the uncapacitated optimum get a capacity of
    30-80 % of that flow. Candidates: 3/5 new two-way shortcut links (30 % per km
    cheaper, some with a capacity), each gated by one project; 2/5 capacity additions
    (50-150 %) on capacitated links, each such link a capacity group of its own. Two
    dependencies and two exclusions; the budget is half the total candidate cost.
    """
    rng = np.random.default_rng(seed)
    n = side * side
    xy, tail, head, length = grid_links(side, rng)
    m0 = tail.shape[0]
    quality = np.where(rng.random(m0) < 0.2, 1.5, 1.0)
    origins, o, d, k, q = _demand(n, n_origins, dests, rng)
    n_new = n_projects - n_projects * 2 // 5
    n_add = n_projects - n_new
    new_t, new_h = _shortcuts(side, n_new, rng)
    new_len = np.linalg.norm(xy[new_t] - xy[new_h], axis=1) * 1.05
    all_t = np.concatenate([tail, new_t, new_h])
    all_h = np.concatenate([head, new_h, new_t])
    per_km = np.concatenate([length * quality, new_len * 0.7, new_len * 0.7])
    cost = (per_km[:, None] * np.array(PER_KM_USD)[None, :]).round(3)
    m = all_t.shape[0]
    worst = 0.0
    for kk in range(len(PER_KM_USD)):
        dist = dijkstra(csr_matrix((cost[:m0, kk], (tail, head)), shape=(n, n)),
                        indices=origins)  # fmt: skip
        worst = max(worst, float(dist[np.isfinite(dist)].max()))
    penalty = 2.0 * worst + 100.0  # above any route: unserved only when capacity runs out
    base = flow_problem(tail, head, cost[:m0], o, d, q, unserved_penalty=penalty, n_nodes=n,
                        commodity=k)  # fmt: skip
    flow = system_optimum(base, formulation="paths").flow
    busy = np.argsort(-flow, kind="stable")[:n_capacitated]
    capacity = np.full(m, np.inf)
    capacity[busy] = (flow[busy] * rng.uniform(0.3, 0.8, busy.shape[0])).round()
    capped = rng.random(n_new) < 0.3
    cap_new = rng.uniform(3000.0, 10000.0, n_new).round()
    capacity[m0 : m0 + n_new][capped] = cap_new[capped]
    capacity[m0 + n_new :][capped] = cap_new[capped]
    add_links = rng.choice(busy, n_add, replace=False)
    group_cap = capacity[add_links].copy()
    capacity[add_links] = np.inf  # the group holds the capacity
    amount = (group_cap * rng.uniform(0.5, 1.5, n_add)).round()
    p_cost = np.concatenate([new_len * 2.0e6 * rng.uniform(0.7, 1.3, n_new),
                             amount * 2.0e4 * length[add_links] / STEP_KM]).round(-3)  # fmt: skip
    pick = rng.choice(n_projects, 8, replace=False).tolist()
    fp = flow_problem(all_t, all_h, cost, o, d, q, unserved_penalty=penalty, n_nodes=n,
                      commodity=k, capacity=capacity, groups=[[int(e)] for e in add_links],
                      group_capacity=group_cap)  # fmt: skip
    return design_problem(
        fp, gated_edges=np.concatenate([m0 + np.arange(n_new), m0 + n_new + np.arange(n_new)]),
        gate_projects=[[p] for p in range(n_new)] * 2, project_cost=p_cost,
        budget=float(p_cost.sum()) / 2, group_adds=[[(n_new + j, float(amount[j]))]
                                                    for j in range(n_add)],
        depends=[pick[0:2], pick[2:4]], excludes=[pick[4:6], pick[6:8]])


# --- the value of one design -----------------------------------------------------------


def design_value(dp: DesignProblem, selected: list[int] | frozenset[int]) -> float:
    """System-optimal total cost with ``selected`` built (indices): gated edges of other
    projects closed, capacity groups grown by the selection's additions; path column
    generation, proven to a relative 1e-9; plus the selection's yearly charges."""
    s = set(selected)
    f = dp.flow
    cost = f.cost.copy()
    for i, e in enumerate(dp.gated_edges.tolist()):
        gate = dp.gate_projects[dp.gate_start[i] : dp.gate_start[i + 1]].tolist()
        if not s.issuperset(gate):
            cost[e] = np.inf
    group_cap = f.group_capacity.copy()
    group = np.repeat(np.arange(f.n_groups), np.diff(dp.group_add_start))
    for g, p, a in zip(group.tolist(), dp.group_add_project.tolist(),
                       dp.group_add_amount.tolist(), strict=True):  # fmt: skip
        if p in s:
            group_cap[g] += a
    groups = [f.group_edges[f.group_start[g] : f.group_start[g + 1]] for g in range(f.n_groups)]
    fp = flow_problem(f.tail, f.head, cost, f.origin, f.destination, f.tonnes,
                      unserved_penalty=f.penalty, n_nodes=f.n_nodes, commodity=f.commodity,
                      capacity=f.capacity, groups=groups, group_capacity=group_cap)  # fmt: skip
    so = system_optimum(fp, formulation="paths")
    if so.solve.status.value != "optimal":
        raise RuntimeError(f"design {sorted(s)}: system optimum {so.solve.status.value}")
    return float(so.total_cost) + float(dp.project_charge[sorted(s)].sum())
