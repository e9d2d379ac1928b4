"""System-optimal flow by path column generation, on arrays.

The path formulation of the system-optimum LP has one column per (OD pair, path) and
one unserved-demand column per OD pair; rows are one demand row per OD pair
(``sum of its path flows + unserved = tonnes``), one capacity row per capacitated edge
and one per capacity group. It has the same optimum as the arc formulations (with
non-negative costs, an arc flow decomposes into path flows and cycles that cost
nothing useful), but only paths that can pay are ever written down:

1. the restricted master LP holds the unserved columns and the paths generated so far;
   it is always feasible (everything unserved) and bounded (costs are >= 0);
2. its duals price every path: with ``sigma_i`` the dual of OD ``i``'s demand row and
   ``y_r <= 0`` the duals of the capacity rows, a path's reduced cost is
   ``sum over its edges of (cost_e - sum of y_r over the rows holding e) - sigma_i``;
   the edge weights are >= the costs, so one Dijkstra tree per origin and commodity
   (the numba kernel of :mod:`connectivity.paths`) finds the cheapest path of every
   OD pair;
3. paths with negative reduced cost enter the master (``addCols`` on the same HiGHS
   object, so each solve starts from the previous basis: primal simplex, which the new
   columns leave feasible), and the loop repeats.

Capacity rows are generated lazily as well: a row enters the master (``addRows``, then
dual simplex from the old basis) only when the master's point exceeds that capacity;
rows outside the master have dual 0. Most capacities never bind, and a smaller master
pivots faster (about 20 % less time at 1M arc variables in ``benchmarks/bench_lp.py``).
Only a master point that satisfies every capacity is kept as the answer.

Every pricing round also yields a proven lower bound: clipping the duals to a feasible
point of the full model's dual (``y_r <= 0``, ``sigma_i <= penalty_i``,
``sigma_i <= cheapest path of i``) and evaluating the dual objective. The loop stops
when the master objective is within ``gap`` of that bound, or when no new path prices
out; the status is optimal only when the proven gap is at most ``gap``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity import paths
from connectivity.assign.optimum import SystemOptimum
from connectivity.assign.problems import FlowProblem
from connectivity.optimize import SolveResult, SolveStatus, check_solution, relative_gap
from connectivity.optimize.highs import new_highs

__all__ = ["PathSolution", "solve_paths", "path_system_optimum", "DEFAULT_GAP"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

logger = logging.getLogger(__name__)

#: Relative gap between the master objective and the proven bound at which the loop stops.
DEFAULT_GAP = 1e-9
#: A path enters when its reduced cost is below ``-PRICE_TOL * (1 + |sigma_i|)``.
PRICE_TOL = 1e-9


@dataclass(frozen=True)
class PathSolution:
    """Outcome of :func:`solve_paths`: the solve's result and the path columns."""

    result: SolveResult
    path_flow: FloatArray  # per path column
    path_od: IntArray  # OD pair of each path column
    path_start: IntArray  # CSR offsets of each path's edges in path_edges
    path_edges: IntArray  # edge indices, in order from origin to destination
    unserved: FloatArray  # per OD pair
    capacity_dual: FloatArray  # per capacitated edge (order of capacity_edges), <= 0
    group_dual: FloatArray  # per group, <= 0
    capacity_edges: IntArray
    iterations: int  # master LP solves


def _resource_matrix(
    m: int, cap_edges: IntArray, group_start: IntArray, group_edges: IntArray
) -> sp.csr_matrix:
    """``m x (n_cap + n_groups)``: entry 1 where an edge sits in a capacity row."""
    n_cap = int(cap_edges.shape[0])
    n_groups = int(group_start.shape[0]) - 1
    g_of = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(group_start))
    rows = np.concatenate([cap_edges, group_edges])
    cols = np.concatenate([np.arange(n_cap, dtype=np.int64), n_cap + g_of])
    e = sp.csr_matrix(
        (np.ones(rows.shape[0]), (rows, cols)), shape=(m, n_cap + n_groups)
    )
    e.sum_duplicates()
    return e


def _trace(
    pred: IntArray, tail: IntArray, rows: IntArray, origin: IntArray, dest: IntArray
) -> tuple[IntArray, IntArray]:
    """Walk trees back from each destination, all paths at once (one step per depth).

    ``pred[r, v]`` is the tree edge entering ``v`` in tree ``r``. Returns CSR offsets and
    the edges of each path in origin-to-destination order.
    """
    n = int(rows.shape[0])
    ids: list[IntArray] = []
    edges: list[IntArray] = []
    depth: list[IntArray] = []
    cur = dest.copy()
    live = np.flatnonzero(cur != origin)
    step = 0
    while live.size:
        e = pred[rows[live], cur[live]]
        ids.append(live)
        edges.append(e)
        depth.append(np.full(live.shape[0], step, dtype=np.int64))
        cur[live] = tail[e]
        live = live[cur[live] != origin[live]]
        step += 1
    if not ids:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pid = np.concatenate(ids)
    ed = np.concatenate(edges)
    dp = np.concatenate(depth)
    order = np.lexsort((-dp, pid))
    start = np.zeros(n + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(pid, minlength=n))
    return start, ed[order].astype(np.int64)


def _select(start: IntArray, edges: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Rows ``rows`` of a CSR list of paths, as a new CSR list."""
    lengths = np.diff(start)[rows]
    new_start = np.zeros(rows.shape[0] + 1, dtype=np.int64)
    new_start[1:] = np.cumsum(lengths)
    take = np.repeat(start[rows] - new_start[:-1], lengths) + np.arange(int(new_start[-1]))
    return new_start, edges[take].astype(np.int64)


def solve_paths(
    problem: FlowProblem,
    *,
    time_limit: float | None = None,
    gap: float = DEFAULT_GAP,
    max_iter: int = 10_000,
    msg: bool = False,
    options: dict[str, Any] | None = None,
) -> PathSolution:
    """Column generation for the system optimum; see the module docstring.

    The status is ``OPTIMAL`` only when the master objective is within ``gap`` of the
    proven lower bound; ``time_limit`` (seconds) counts the whole loop, and when it runs
    out the last master optimum (a feasible point of the full model) is kept with status
    ``TIME_LIMIT``.
    """
    import highspy

    p = problem
    tail, head, n_nodes, cost, capacity = p.tail, p.head, p.n_nodes, p.cost, p.capacity
    group_start, group_edges, group_capacity = p.group_start, p.group_edges, p.group_capacity
    origin, destination, commodity = p.origin, p.destination, p.commodity
    tonnes, penalty = p.tonnes, p.penalty
    t_start = time.perf_counter()
    m = int(tail.shape[0])
    if origin.shape[0] == 0:
        return _empty(capacity, group_capacity, time.perf_counter() - t_start)
    n_k = int(cost.shape[1])
    n_od = int(origin.shape[0])
    cap_edges = np.flatnonzero(np.isfinite(capacity)).astype(np.int64)
    n_cap = int(cap_edges.shape[0])
    n_groups = int(group_capacity.shape[0])
    n_res = n_cap + n_groups
    res = _resource_matrix(m, cap_edges, group_start, group_edges)
    res_rhs = np.concatenate([capacity[cap_edges], group_capacity])
    finite_rhs = np.isfinite(res_rhs)
    rhs_finite = np.where(finite_rhs, res_rhs, 0.0)

    # flow classes: one shortest-path tree per (origin, commodity) and pricing round
    key = origin * n_k + commodity
    uniq, od_class = np.unique(key, return_inverse=True)
    class_origin = (uniq // n_k).astype(np.int64)
    class_commodity = (uniq % n_k).astype(np.int64)
    n_class = int(uniq.shape[0])
    graph = paths.from_arrays(tail, head, np.zeros(m), n_nodes)

    h = new_highs(msg=msg)
    h.setOptionValue("presolve", "off")  # the master is small and re-solved warm
    # new columns leave the basis primal feasible: primal simplex goes on from there
    # (1.4x faster than the default dual simplex on benchmarks/bench_lp.py at 200k);
    # switched to dual simplex after capacity rows are added
    h.setOptionValue("simplex_strategy", 4)
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)
    switch = "simplex_strategy" not in (options or {})
    lp = highspy.HighsLp()
    lp.num_col_ = n_od
    lp.num_row_ = n_od
    lp.col_cost_ = np.ascontiguousarray(penalty, dtype=np.float64)
    lp.col_lower_ = np.zeros(n_od)
    lp.col_upper_ = np.full(n_od, np.inf)
    lp.row_lower_ = tonnes.astype(np.float64)
    lp.row_upper_ = tonnes.astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_od
    lp.a_matrix_.num_row_ = n_od
    lp.a_matrix_.start_ = np.arange(n_od + 1, dtype=np.int32)
    lp.a_matrix_.index_ = np.arange(n_od, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(n_od)
    h.passModel(lp)

    # capacity rows enter the master only once its point violates them (most never bind)
    active: list[int] = []
    res_active = res[:, []]
    violation_tol = 1e-9 * (1.0 + np.abs(rhs_finite))
    seen: set[tuple[int, bytes]] = set()
    col_od: list[IntArray] = []
    col_len: list[IntArray] = []
    col_edges: list[IntArray] = []
    n_paths = 0
    objective = math.nan
    bound = -math.inf
    x: FloatArray | None = None  # last master point that satisfies every capacity row
    y = np.zeros(n_res)  # its capacity duals, 0 for rows not in the master
    status = SolveStatus.OPTIMAL
    master_text = "no master solve"
    iterations = 0
    pred = np.full((n_class, n_nodes), -1, dtype=np.int64)
    dist_od = np.full(n_od, np.inf)
    while True:
        # the master: the first one holds only the unserved columns
        if time_limit is not None:
            left = time_limit - (time.perf_counter() - t_start)
            if left <= 0:
                status = SolveStatus.TIME_LIMIT
                break
            h.setOptionValue("time_limit", float(left))
        h.run()
        iterations += 1
        ms = h.getModelStatus()
        master_text = h.modelStatusToString(ms)
        if ms == highspy.HighsModelStatus.kTimeLimit:
            status = SolveStatus.TIME_LIMIT  # keep the previous feasible master optimum
            break
        if ms != highspy.HighsModelStatus.kOptimal:
            status = SolveStatus.ERROR
            x = None
            break
        sol = h.getSolution()
        x_new = np.asarray(sol.col_value, dtype=np.float64)
        if n_res and n_paths:
            lengths = np.concatenate(col_len)
            edge_flow = np.bincount(
                np.concatenate(col_edges), weights=np.repeat(x_new[n_od:], lengths), minlength=m
            )
            usage = res.T @ edge_flow
            outside = np.ones(n_res, dtype=bool)
            outside[active] = False
            viol = np.flatnonzero(outside & finite_rhs & (usage > rhs_finite + violation_tol))
            if viol.size:
                _add_rows(h, res, viol, res_rhs, col_edges, lengths, n_od, m)
                active.extend(viol.tolist())
                res_active = res[:, np.asarray(active, dtype=np.int64)].tocsr()
                if switch:  # the old basis stays dual feasible
                    h.setOptionValue("simplex_strategy", 1)
                continue
        x = x_new
        duals = np.asarray(sol.row_dual, dtype=np.float64)
        objective = float(h.getInfo().objective_function_value)
        sigma = duals[:n_od]
        # a feasible dual of the full model: y <= 0, and 0 on rows that cannot bind
        y = np.zeros(n_res)
        y[active] = np.minimum(duals[n_od:], 0.0)
        y[~finite_rhs] = 0.0

        # pricing: reduced edge weights per commodity, one tree per class
        extra = res @ -y if n_res else np.zeros(m)
        for k in range(n_k):
            classes = np.flatnonzero(class_commodity == k)
            if not classes.size:
                continue
            g = paths.reweight(graph, cost[:, k] + extra)
            for c in classes.tolist():
                dist, pred[c] = paths.shortest_path_tree(g, int(class_origin[c]))
                sel = od_class == c
                dist_od[sel] = dist[destination[sel]]
        clipped = np.minimum(np.minimum(sigma, penalty), dist_od)
        bound = max(bound, float(tonnes @ clipped) + float(rhs_finite @ y))
        logger.debug(
            "master %d: %d paths, %d capacity rows, objective %.10g, bound %.10g",
            iterations, n_paths, len(active), objective, bound,
        )  # fmt: skip
        if relative_gap(objective, bound) <= gap:
            break
        enter = np.flatnonzero(dist_od < sigma - PRICE_TOL * (1.0 + np.abs(sigma)))
        start, edges = _trace(
            pred, tail, od_class[enter], class_origin[od_class[enter]], destination[enter]
        )
        keep = []
        for j, i in enumerate(enter.tolist()):
            signature = (i, edges[start[j] : start[j + 1]].tobytes())
            if signature not in seen:
                seen.add(signature)
                keep.append(j)
        if not keep:
            break  # what prices out is already in the master: the bound says how close
        if iterations >= max_iter:
            status = SolveStatus.FEASIBLE
            master_text = f"stopped at max_iter={max_iter}"
            break
        kept = np.asarray(keep, dtype=np.int64)
        new_od = enter[kept]
        new_start, new_edges = _select(start, edges, kept)
        n_new = int(kept.shape[0])
        path_id = np.repeat(np.arange(n_new, dtype=np.int64), np.diff(new_start))
        path_cost = np.bincount(
            path_id, weights=cost[new_edges, commodity[new_od][path_id]], minlength=n_new
        )
        incidence = sp.csr_matrix(
            (np.ones(new_edges.shape[0]), (path_id, new_edges)), shape=(n_new, m)
        )
        demand_part = sp.csr_matrix(
            (np.ones(n_new), (np.arange(n_new), new_od)), shape=(n_new, n_od)
        )
        cols = sp.hstack([demand_part, incidence @ res_active], format="csr")
        cols.sort_indices()
        h.addCols(
            n_new, path_cost.astype(np.float64), np.zeros(n_new), np.full(n_new, np.inf),
            int(cols.nnz), cols.indptr[:-1].astype(np.int32), cols.indices.astype(np.int32),
            cols.data.astype(np.float64),
        )  # fmt: skip
        if switch:  # the old basis stays primal feasible
            h.setOptionValue("simplex_strategy", 4)
        col_od.append(new_od.astype(np.int64))
        col_len.append(np.diff(new_start))
        col_edges.append(new_edges)
        n_paths += n_new

    seconds = time.perf_counter() - t_start
    final_gap = relative_gap(objective, bound)
    if x is None:
        objective = bound = math.nan
        final_gap = math.inf
        if status is SolveStatus.OPTIMAL:
            status = SolveStatus.ERROR
    elif status is SolveStatus.OPTIMAL and final_gap > gap:
        status = SolveStatus.FEASIBLE
    all_od = np.concatenate(col_od) if col_od else np.zeros(0, dtype=np.int64)
    all_edges = np.concatenate(col_edges) if col_edges else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(n_paths + 1, dtype=np.int64)
    if col_len:
        offsets[1:] = np.cumsum(np.concatenate(col_len))
    flow = np.zeros(n_paths)
    if x is not None:
        n_x = int(x.shape[0]) - n_od
        flow[:n_x] = x[n_od:]
    result = SolveResult(
        status=status,
        objective=objective,
        bound=bound,
        gap=final_gap,
        seconds=seconds,
        solver="highs",
        message=(
            f"column generation: {iterations} master solve(s), {n_paths} path column(s), "
            f"{len(active)} of {n_res} capacity row(s) in the master, proven gap "
            f"{final_gap:.1e}; last HiGHS model status: {master_text}"
        ),
    )
    return PathSolution(
        result=result,
        path_flow=flow,
        path_od=all_od,
        path_start=offsets,
        path_edges=all_edges,
        unserved=np.zeros(n_od) if x is None else x[:n_od].copy(),
        capacity_dual=y[:n_cap].copy(),
        group_dual=y[n_cap:].copy(),
        capacity_edges=cap_edges,
        iterations=iterations,
    )


def _add_rows(
    h: Any,
    res: sp.csr_matrix,
    rows: IntArray,
    rhs: FloatArray,
    col_edges: list[IntArray],
    lengths: IntArray,
    n_od: int,
    m: int,
) -> None:
    """Add capacity rows ``rows`` to the master, with their entries in every path column."""
    n_paths = int(lengths.shape[0])
    path_id = np.repeat(np.arange(n_paths, dtype=np.int64), lengths)
    incidence = sp.csr_matrix(
        (np.ones(path_id.shape[0]), (path_id, np.concatenate(col_edges))), shape=(n_paths, m)
    )
    block = (incidence @ res[:, rows]).T.tocsr()
    block.sort_indices()
    h.addRows(
        int(rows.shape[0]), np.full(rows.shape[0], -np.inf), rhs[rows].astype(np.float64),
        int(block.nnz), block.indptr[:-1].astype(np.int32),
        (block.indices + n_od).astype(np.int32), block.data.astype(np.float64),
    )  # fmt: skip


def _empty(capacity: FloatArray, group_capacity: FloatArray, seconds: float) -> PathSolution:
    cap_edges = np.flatnonzero(np.isfinite(capacity)).astype(np.int64)
    none = np.zeros(0, dtype=np.int64)
    result = SolveResult(SolveStatus.OPTIMAL, 0.0, 0.0, 0.0, seconds, "highs",
                         "column generation: no demand")
    return PathSolution(
        result=result, path_flow=np.zeros(0), path_od=none,
        path_start=np.zeros(1, dtype=np.int64), path_edges=none, unserved=np.zeros(0),
        capacity_dual=np.zeros(cap_edges.shape[0]),
        group_dual=np.zeros(group_capacity.shape[0]), capacity_edges=cap_edges, iterations=0,
    )


def path_system_optimum(problem: FlowProblem, sol: PathSolution) -> SystemOptimum:
    """Map a column-generation outcome to edges (flows per commodity, shadow prices).

    Raises
    ------
    SolverError
        If the column generation stopped without a feasible point.
    """
    result = sol.result
    check_solution(result, model="system-optimum model (path column generation)")
    a = problem
    m = a.n_edges
    n_k = a.n_commodities
    lengths = np.diff(sol.path_start)
    per_edge = np.repeat(sol.path_flow, lengths)
    k_edge = np.repeat(a.commodity[sol.path_od], lengths)
    by_k = (
        np.bincount(k_edge * m + sol.path_edges, weights=per_edge, minlength=m * n_k)
        .reshape(n_k, m)
        .T
    )
    edge_price = np.zeros(m)
    edge_price[sol.capacity_edges] = -sol.capacity_dual
    group_price = -sol.group_dual
    tol = 1e-9 * max(1.0, float(np.abs(edge_price).max(initial=0.0)))
    return SystemOptimum(
        flow=np.ascontiguousarray(by_k.sum(axis=1)),
        flow_by_commodity=np.ascontiguousarray(by_k),
        unserved=sol.unserved,
        total_cost=float(sol.result.objective),
        edge_shadow_price=edge_price + 0.0,
        group_shadow_price=group_price + 0.0,
        binding_edges=np.flatnonzero(edge_price > tol).astype(np.int64),
        binding_groups=np.flatnonzero(group_price > tol).astype(np.int64),
        solve=result,
    )
