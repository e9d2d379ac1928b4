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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity import _progress, paths
from connectivity.assign.optimum import SystemOptimum
from connectivity.assign.pathsets import resource_matrix, select_paths, trace_paths
from connectivity.assign.problems import FlowProblem
from connectivity.optimize import (
    FEASIBILITY_TOL,
    ArrayLP,
    SolveResult,
    SolveStatus,
    check_solution,
    point_violation,
    relative_gap,
)
from connectivity.optimize.highs import new_highs

__all__ = [
    "PathSolution", "solve_paths", "path_system_optimum", "DEFAULT_GAP", "resource_matrix",
    "trace_paths",
]

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


@dataclass
class _Rows:
    """The capacity rows: which edges each holds, their right-hand sides, and which of
    them are in the master so far (a row enters only once the master's point breaks it)."""

    matrix: sp.csr_matrix  # n_edges x n_rows, 1 where an edge sits in a row
    rhs: FloatArray  # inf where the row cannot bind
    cap_edges: IntArray  # the edge of each single-edge row (the first rows)
    active: list[int] = field(default_factory=list)
    in_master: sp.csr_matrix | None = None  # matrix[:, active]

    @property
    def n(self) -> int:
        return int(self.rhs.shape[0])

    @property
    def rhs_finite(self) -> FloatArray:
        return np.where(np.isfinite(self.rhs), self.rhs, 0.0)


@dataclass
class _Columns:
    """The path columns in the master, in the order they were added."""

    od: list[IntArray] = field(default_factory=list)
    length: list[IntArray] = field(default_factory=list)
    edges: list[IntArray] = field(default_factory=list)
    seen: set[tuple[int, bytes]] = field(default_factory=set)
    n: int = 0


@dataclass
class _Trees:
    """One shortest-path tree per flow class (origin and commodity) in each round.

    A tree is used while it is fresh (the OD costs, and the paths that price out traced
    at once) and not kept: n_classes x n_nodes predecessors (38 MB on a 100k-node
    network with 48 classes) streamed through the cache every round slowed two
    processes side by side by a fifth.
    """

    od_class: IntArray
    class_rows: list[IntArray]  # the OD pairs of each class
    origin: IntArray
    commodity: IntArray
    graph: paths.CSRGraph
    dist_od: FloatArray  # cheapest reduced path cost of each OD pair
    entering: list[tuple[IntArray, IntArray, IntArray]]  # priced-out paths by class


@dataclass
class _Loop:
    """Where the loop stands: the last master point that satisfies every capacity row
    (``x``) and its capacity duals (``y``, 0 for rows not in the master)."""

    y: FloatArray
    x: FloatArray | None = None
    objective: float = math.nan
    bound: float = -math.inf
    status: SolveStatus = SolveStatus.OPTIMAL
    master_text: str = "no master solve"
    iterations: int = 0


def solve_paths(
    problem: FlowProblem,
    *,
    time_limit: float | None = None,
    gap: float = DEFAULT_GAP,
    max_iter: int = 10_000,
    msg: bool = False,
    options: dict[str, Any] | None = None,
    start_paths: tuple[IntArray, IntArray, IntArray] | None = None,
    progress: bool | None = None,
) -> PathSolution:
    """Column generation for the system optimum; see the module docstring.

    The status is ``OPTIMAL`` only when the master objective is within ``gap`` of the
    proven lower bound; ``time_limit`` (seconds) counts the whole loop, and when it runs
    out the last master optimum (a feasible point of the full model) is kept with status
    ``TIME_LIMIT``.

    ``start_paths`` (OD pair per path, CSR offsets, edges: a previous solve's paths)
    enter the first master, those open to their commodity, to save rounds of pricing.

    ``progress`` shows a bar of the pricing rounds (paths, gap) on stderr: ``None``
    (default) when stderr is a terminal and no outer loop shows its own
    (:mod:`connectivity._progress`), or always / never.
    """

    t_start = time.perf_counter()
    p = problem
    if p.n_od == 0:
        return _empty(p, time.perf_counter() - t_start)
    rows = _capacity_rows(p)
    trees = _flow_classes(p)
    h, switch = _master(p, msg=msg, options=options)
    cols = _Columns()
    if start_paths is not None:
        _add_start_paths(h, p, rows, cols, *start_paths)
    loop = _Loop(y=np.zeros(rows.n))
    deadline = None if time_limit is None else t_start + time_limit
    with _progress.bar(None, "column generation", unit="round",
                       progress=progress) as bar:
        while True:
            sol = _run_master(h, loop, deadline)
            if sol is None:
                break
            x_new = np.asarray(sol.col_value, dtype=np.float64)
            broken = _broken_rows(rows, cols, x_new, n_od=p.n_od, m=p.n_edges)
            if broken.size:
                _add_rows(h, rows, broken, cols, n_od=p.n_od, m=p.n_edges)
                if switch:  # the old basis stays dual feasible
                    h.setOptionValue("simplex_strategy", 1)
                continue
            loop.x = x_new
            loop.objective = float(h.getInfo().objective_function_value)
            sigma, loop.y = _duals(np.asarray(sol.row_dual, dtype=np.float64), rows, p.n_od)
            _price(p, trees, rows, loop.y, sigma)
            clipped = np.minimum(np.minimum(sigma, p.penalty), trees.dist_od)
            loop.bound = max(loop.bound,
                             float(p.tonnes @ clipped) + float(rows.rhs_finite @ loop.y))
            logger.debug(
                "master %d: %d paths, %d capacity rows, objective %.10g, bound %.10g",
                loop.iterations, cols.n, len(rows.active), loop.objective, loop.bound,
            )  # fmt: skip
            now = relative_gap(loop.objective, loop.bound)
            bar.update(paths=cols.n, gap=now)
            if now <= gap:
                break
            new = _new_paths(trees, cols)
            if new is None:
                break  # what prices out is already in the master: the bound says how close
            if loop.iterations >= max_iter:
                loop.status = SolveStatus.FEASIBLE
                loop.master_text = f"stopped at max_iter={max_iter}"
                break
            _add_paths(h, p, rows, cols, *new)
            if switch:  # the old basis stays primal feasible
                h.setOptionValue("simplex_strategy", 4)
    return _solution(p, rows, cols, loop, gap=gap, seconds=time.perf_counter() - t_start)


def _run_master(h: Any, loop: _Loop, deadline: float | None) -> Any:
    """Solve the master; its solution, or ``None`` with ``loop.status`` set when it stops
    at the time limit (the previous feasible master optimum is kept) or fails."""
    import highspy

    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            loop.status = SolveStatus.TIME_LIMIT
            return None
        h.setOptionValue("time_limit", float(left))
    h.run()
    loop.iterations += 1
    ms = h.getModelStatus()
    loop.master_text = h.modelStatusToString(ms)
    if ms == highspy.HighsModelStatus.kTimeLimit:
        loop.status = SolveStatus.TIME_LIMIT
        return None
    if ms != highspy.HighsModelStatus.kOptimal:
        loop.status, loop.x = SolveStatus.ERROR, None
        return None
    return h.getSolution()


def _capacity_rows(p: FlowProblem) -> _Rows:
    cap_edges = np.flatnonzero(np.isfinite(p.capacity)).astype(np.int64)
    matrix = resource_matrix(p.n_edges, cap_edges, p.group_start, p.group_edges)
    rows = _Rows(matrix=matrix, rhs=np.concatenate([p.capacity[cap_edges], p.group_capacity]),
                 cap_edges=cap_edges)
    rows.in_master = matrix[:, []]
    return rows


def _flow_classes(p: FlowProblem) -> _Trees:
    n_k = p.n_commodities
    key = p.origin * n_k + p.commodity
    uniq, od_class = np.unique(key, return_inverse=True)
    return _Trees(
        od_class=od_class,
        origin=(uniq // n_k).astype(np.int64),
        commodity=(uniq % n_k).astype(np.int64),
        graph=paths.from_arrays(p.tail, p.head, np.zeros(p.n_edges), p.n_nodes),
        class_rows=_rows_by_class(od_class, int(uniq.shape[0])),
        dist_od=np.full(p.n_od, np.inf),
        entering=[],
    )


def _rows_by_class(od_class: IntArray, n_classes: int) -> list[IntArray]:
    """The OD rows of each class, in increasing order."""
    order = np.argsort(od_class, kind="stable")
    bounds = np.searchsorted(od_class[order], np.arange(n_classes + 1))
    return [order[bounds[c]:bounds[c + 1]].astype(np.int64) for c in range(n_classes)]


def _master(p: FlowProblem, *, msg: bool, options: dict[str, Any] | None) -> tuple[Any, bool]:
    """The first master LP (only the unserved columns), and whether the simplex strategy
    may be switched between primal (after new columns) and dual (after new rows)."""
    import highspy

    h = new_highs(msg=msg)
    h.setOptionValue("presolve", "off")  # the master is small and re-solved warm
    # new columns leave the basis primal feasible: primal simplex goes on from there
    # (1.4x faster than the default dual simplex on benchmarks/bench_lp.py at 200k);
    # switched to dual simplex after capacity rows are added
    h.setOptionValue("simplex_strategy", 4)
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)
    n_od = p.n_od
    lp = highspy.HighsLp()
    lp.num_col_ = n_od
    lp.num_row_ = n_od
    lp.col_cost_ = np.ascontiguousarray(p.penalty, dtype=np.float64)
    lp.col_lower_ = np.zeros(n_od)
    lp.col_upper_ = np.full(n_od, np.inf)
    lp.row_lower_ = p.tonnes.astype(np.float64)
    lp.row_upper_ = p.tonnes.astype(np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_od
    lp.a_matrix_.num_row_ = n_od
    lp.a_matrix_.start_ = np.arange(n_od + 1, dtype=np.int32)
    lp.a_matrix_.index_ = np.arange(n_od, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(n_od)
    h.passModel(lp)
    return h, "simplex_strategy" not in (options or {})


def _broken_rows(rows: _Rows, cols: _Columns, x: FloatArray, *, n_od: int, m: int) -> IntArray:
    """Capacity rows outside the master that the master's point ``x`` exceeds."""
    if not (rows.n and cols.n):
        return np.zeros(0, dtype=np.int64)
    lengths = np.concatenate(cols.length)
    edge_flow = np.bincount(
        np.concatenate(cols.edges), weights=np.repeat(x[n_od:], lengths), minlength=m
    )
    usage = rows.matrix.T @ edge_flow
    outside = np.ones(rows.n, dtype=bool)
    outside[rows.active] = False
    rhs = rows.rhs_finite
    tol = 1e-9 * (1.0 + np.abs(rhs))
    return np.flatnonzero(outside & np.isfinite(rows.rhs) & (usage > rhs + tol))


def _duals(duals: FloatArray, rows: _Rows, n_od: int) -> tuple[FloatArray, FloatArray]:
    """The demand rows' duals, and a feasible dual of the full model's capacity rows:
    ``y <= 0``, and 0 on rows that are not in the master or cannot bind."""
    y = np.zeros(rows.n)
    y[rows.active] = np.minimum(duals[n_od:], 0.0)
    y[~np.isfinite(rows.rhs)] = 0.0
    return duals[:n_od], y


def _price(p: FlowProblem, trees: _Trees, rows: _Rows, y: FloatArray,
           sigma: FloatArray) -> None:
    """Reduced edge weights per commodity, one shortest-path tree per flow class: the
    cheapest reduced cost of every OD pair, and the paths of those that price out
    against their demand duals ``sigma``, traced while the tree is fresh."""
    extra = rows.matrix @ -y if rows.n else np.zeros(p.n_edges)
    trees.entering = []
    for k in range(p.n_commodities):
        classes = np.flatnonzero(trees.commodity == k)
        if not classes.size:
            continue
        g = paths.reweight(trees.graph, p.cost[:, k] + extra)
        for c in classes.tolist():
            o = int(trees.origin[c])
            dist, pred = paths.shortest_path_tree(g, o)
            sel = trees.class_rows[c]
            trees.dist_od[sel] = dist[p.destination[sel]]
            s = sigma[sel]
            enter = sel[trees.dist_od[sel] < s - PRICE_TOL * (1.0 + np.abs(s))]
            if enter.size:
                start, edges = trace_paths(pred[None, :], p.tail,
                                           np.zeros(enter.shape[0], dtype=np.int64),
                                           np.full(enter.shape[0], o, dtype=np.int64),
                                           p.destination[enter])
                trees.entering.append((enter, start, edges))


def _new_paths(
    trees: _Trees, cols: _Columns
) -> tuple[IntArray, IntArray, IntArray] | None:
    """The OD pairs, CSR offsets and edges of the paths that priced out in the last
    round (in OD order) and are not in the master yet; ``None`` when there are none."""
    if not trees.entering:
        return None
    od = np.concatenate([part[0] for part in trees.entering])
    lengths = np.concatenate([np.diff(part[1]) for part in trees.entering])
    start = np.zeros(od.shape[0] + 1, dtype=np.int64)
    start[1:] = np.cumsum(lengths)
    edges = np.concatenate([part[2] for part in trees.entering]).astype(np.int64)
    order = np.argsort(od, kind="stable")
    return _unseen(cols, od[order], *select_paths(start, edges, order))


def _unseen(
    cols: _Columns, od: IntArray, start: IntArray, edges: IntArray
) -> tuple[IntArray, IntArray, IntArray] | None:
    """The paths (OD pairs, CSR offsets, edges) not in the master yet, now marked seen;
    ``None`` when there are none."""
    keep = []
    for j, i in enumerate(od.tolist()):
        signature = (i, edges[start[j] : start[j + 1]].tobytes())
        if signature not in cols.seen:
            cols.seen.add(signature)
            keep.append(j)
    if not keep:
        return None
    kept = np.asarray(keep, dtype=np.int64)
    new_start, new_edges = select_paths(start, edges, kept)
    return od[kept], new_start, new_edges


def _add_start_paths(h: Any, p: FlowProblem, rows: _Rows, cols: _Columns, od: IntArray,
                     start: IntArray, edges: IntArray) -> None:
    """Add the given paths that are open to their commodity, once each."""
    path_id = np.repeat(np.arange(od.shape[0], dtype=np.int64), np.diff(start))
    closed = np.bincount(path_id, weights=~np.isfinite(p.cost[edges, p.commodity[od][path_id]]),
                         minlength=od.shape[0]) > 0
    open_ = np.flatnonzero(~closed)
    new = _unseen(cols, od[open_], *select_paths(start, edges, open_))
    if new is not None:
        _add_paths(h, p, rows, cols, *new)


def _add_paths(
    h: Any, p: FlowProblem, rows: _Rows, cols: _Columns, new_od: IntArray,
    new_start: IntArray, new_edges: IntArray,
) -> None:  # fmt: skip
    """Add path columns to the master, with their entries in the capacity rows there."""
    m = p.n_edges
    n_new = int(new_od.shape[0])
    path_id = np.repeat(np.arange(n_new, dtype=np.int64), np.diff(new_start))
    path_cost = np.bincount(
        path_id, weights=p.cost[new_edges, p.commodity[new_od][path_id]], minlength=n_new
    )
    incidence = sp.csr_matrix(
        (np.ones(new_edges.shape[0]), (path_id, new_edges)), shape=(n_new, m)
    )
    demand_part = sp.csr_matrix(
        (np.ones(n_new), (np.arange(n_new), new_od)), shape=(n_new, p.n_od)
    )
    cols_matrix = sp.hstack([demand_part, incidence @ rows.in_master], format="csr")
    cols_matrix.sort_indices()
    h.addCols(
        n_new, path_cost.astype(np.float64), np.zeros(n_new), np.full(n_new, np.inf),
        int(cols_matrix.nnz), cols_matrix.indptr[:-1].astype(np.int32),
        cols_matrix.indices.astype(np.int32), cols_matrix.data.astype(np.float64),
    )  # fmt: skip
    cols.od.append(new_od.astype(np.int64))
    cols.length.append(np.diff(new_start))
    cols.edges.append(new_edges)
    cols.n += n_new


def _add_rows(h: Any, rows: _Rows, new: IntArray, cols: _Columns, *, n_od: int, m: int) -> None:
    """Add capacity rows ``new`` to the master, with their entries in every path column."""
    lengths = np.concatenate(cols.length)
    n_paths = int(lengths.shape[0])
    path_id = np.repeat(np.arange(n_paths, dtype=np.int64), lengths)
    incidence = sp.csr_matrix(
        (np.ones(path_id.shape[0]), (path_id, np.concatenate(cols.edges))), shape=(n_paths, m)
    )
    block = (incidence @ rows.matrix[:, new]).T.tocsr()
    block.sort_indices()
    h.addRows(
        int(new.shape[0]), np.full(new.shape[0], -np.inf), rows.rhs[new].astype(np.float64),
        int(block.nnz), block.indptr[:-1].astype(np.int32),
        (block.indices + n_od).astype(np.int32), block.data.astype(np.float64),
    )  # fmt: skip
    rows.active.extend(new.tolist())
    rows.in_master = rows.matrix[:, np.asarray(rows.active, dtype=np.int64)].tocsr()


def _solution(
    p: FlowProblem, rows: _Rows, cols: _Columns, loop: _Loop, *, gap: float, seconds: float
) -> PathSolution:
    """The outcome: status from the proven gap, path flows, unserved tonnes, duals."""
    x, y, objective, bound, status = loop.x, loop.y, loop.objective, loop.bound, loop.status
    if x is not None:
        # columns added after the kept master point carry no flow in it
        x = np.concatenate([x, np.zeros(p.n_od + cols.n - x.shape[0])])
        violation = point_violation(_path_lp(p, rows, cols), x)
        if violation.size > FEASIBILITY_TOL:
            loop.master_text += f"; the point is not feasible ({violation.where})"
            x, status = None, SolveStatus.ERROR
    final_gap = relative_gap(objective, bound)
    if x is None:
        objective = bound = math.nan
        final_gap = math.inf
        if status is SolveStatus.OPTIMAL:
            status = SolveStatus.ERROR
    elif status is SolveStatus.OPTIMAL and final_gap > gap:
        status = SolveStatus.FEASIBLE
    offsets = np.zeros(cols.n + 1, dtype=np.int64)
    if cols.length:
        offsets[1:] = np.cumsum(np.concatenate(cols.length))
    flow = np.zeros(cols.n) if x is None else x[p.n_od :]
    n_cap = int(rows.cap_edges.shape[0])
    result = SolveResult(
        status=status, objective=objective, bound=bound, gap=final_gap, seconds=seconds,
        solver="highs",
        message=(
            f"column generation: {loop.iterations} master solve(s), {cols.n} path column(s), "
            f"{len(rows.active)} of {rows.n} capacity row(s) in the master, proven gap "
            f"{final_gap:.1e}; last HiGHS model status: {loop.master_text}"
        ),
    )
    none = np.zeros(0, dtype=np.int64)
    return PathSolution(
        result=result,
        path_flow=flow,
        path_od=np.concatenate(cols.od) if cols.od else none,
        path_start=offsets,
        path_edges=np.concatenate(cols.edges) if cols.edges else none,
        unserved=np.zeros(p.n_od) if x is None else x[: p.n_od].copy(),
        capacity_dual=y[:n_cap].copy(),
        group_dual=y[n_cap:].copy(),
        capacity_edges=rows.cap_edges,
        iterations=loop.iterations,
    )


def _path_lp(p: FlowProblem, rows: _Rows, cols: _Columns) -> ArrayLP:
    """The full path model over the columns generated (unserved columns first): demand
    rows, and every capacity row, also those never added to the master."""
    n_od, n_paths = p.n_od, cols.n
    lengths = np.concatenate(cols.length) if cols.n else np.zeros(0, dtype=np.int64)
    path_id = np.repeat(np.arange(n_paths, dtype=np.int64), lengths)
    edges = np.concatenate(cols.edges) if cols.n else np.zeros(0, dtype=np.int64)
    od = np.concatenate(cols.od) if cols.n else np.zeros(0, dtype=np.int64)
    incidence = sp.csr_matrix((np.ones(path_id.shape[0]), (path_id, edges)),
                              shape=(n_paths, p.n_edges))
    demand = sp.hstack([sp.identity(n_od, format="csr"),
                        sp.csr_matrix((np.ones(n_paths), (od, np.arange(n_paths))),
                                      shape=(n_od, n_paths))])
    capacity = sp.hstack([sp.csr_matrix((rows.n, n_od)), (incidence @ rows.matrix).T])
    a = sp.vstack([demand, capacity], format="csr")
    n_col = n_od + n_paths
    return ArrayLP(
        cost=np.zeros(n_col), col_lower=np.zeros(n_col), col_upper=np.full(n_col, np.inf),
        row_start=a.indptr.astype(np.int64), row_index=a.indices.astype(np.int64),
        row_value=a.data.astype(np.float64),
        row_lower=np.concatenate([p.tonnes, np.full(rows.n, -np.inf)]),
        row_upper=np.concatenate([p.tonnes, rows.rhs]),
    )


def _empty(p: FlowProblem, seconds: float) -> PathSolution:
    cap_edges = np.flatnonzero(np.isfinite(p.capacity)).astype(np.int64)
    none = np.zeros(0, dtype=np.int64)
    result = SolveResult(SolveStatus.OPTIMAL, 0.0, 0.0, 0.0, seconds, "highs",
                         "column generation: no demand")
    return PathSolution(
        result=result, path_flow=np.zeros(0), path_od=none,
        path_start=np.zeros(1, dtype=np.int64), path_edges=none, unserved=np.zeros(0),
        capacity_dual=np.zeros(cap_edges.shape[0]),
        group_dual=np.zeros(p.n_groups), capacity_edges=cap_edges, iterations=0,
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
        intrazonal=a.intrazonal,
    )
