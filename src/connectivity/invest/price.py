"""Budgeted network design by branch and price: path columns, one HiGHS LP re-solved warm.

The same problem as :func:`connectivity.invest.design.solve_design` (a
:class:`~connectivity.invest.design.DesignProblem`), solved without writing down the
arc-flow MILP. The LP relaxation at a node of the search tree is the path formulation
of the flow model, with the projects' binaries relaxed to ``[l_j, u_j]`` (0 or 1 where
the node fixes them):

- columns: unserved demand per OD pair, ``y_j`` per project, and the paths generated
  so far;
- rows: demand per OD pair; every finite capacity (edges and groups, a group growing by
  ``added * y_j``); the budget; dependencies and exclusions; and the *gating rows*
  ``sum of the flow of class c on gated edge e <= demand of c * y_j`` for each project
  ``j`` the edge needs. A class is an origin and a commodity, as in the flow LP. These
  are the disaggregated rows that ``solve_design(strengthen=True)`` adds to the arc
  model: they make the relaxation much tighter than one big-M row per edge, and here
  they cost nothing until a path of the class uses the edge (the row enters with the
  first such path; a row not in the LP is slack and has dual 0).

Column generation prices paths with one shortest-path tree per class on the edge costs
plus the capacity and gating duals (edges the node closes are left out). Every pricing
round gives a proven lower bound of the node: the Lagrangian value of the duals, clipped
to a dual-feasible point (``sigma_i <= penalty_i`` and ``<=`` the cheapest path of OD
``i``; ``y_j`` at the bound its reduced cost prefers). A node stops pricing when no path
prices out or its bound reaches the incumbent (pruned).

Branching is on the most fractional ``y_j``; nodes are taken best bound first. Of
designs equally good (within :data:`TIE_RTOL`), the search returns the one without
projects that make no difference: it drops them one by one at the end. Designs
come from LP points that are integral, from the starting design (the empty one, or
``start``), and at the root from the MILP of the paths generated so far (a small MILP:
HiGHS solves it in well under a second); each is then evaluated exactly (all ``y``
fixed, prices to convergence). The LP is one HiGHS object for the whole search: new
paths, new rows and the bounds of a node are changes to it, and each solve starts from
the previous basis.

The status is ``OPTIMAL`` only when the tree is exhausted and the gap between the best
design and the least bound is at most 1e-9 (the solver layer's rule); a time-limited
search is ``TIME_LIMIT`` with its best design and bound.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity import _progress, paths
from connectivity.assign.colgen import resource_matrix, trace_paths
from connectivity.invest._design_types import DesignProblem, DesignSolution
from connectivity.optimize import SolveResult, SolveStatus, check_options, relative_gap
from connectivity.optimize.highs import new_highs

__all__ = ["solve_design_paths"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A path enters when its reduced cost is below ``-PRICE_TOL * (1 + |sigma_i|)``.
PRICE_TOL = 1e-9
#: ``y`` within this of 0 or 1 counts as integral.
INT_TOL = 1e-6
#: Relative gap between a node's LP value and its bound at which pricing stops.
NODE_GAP = 1e-10
#: At most this many seconds for the MILP over the root's paths (a heuristic: the search
#: proves optimality without it).
RESTRICTED_MILP_SECONDS = 30.0
#: Designs whose values differ by at most this (relative) are equally good: the search
#: returns the one without the projects that make no difference (:meth:`_Tree.trim`).
TIE_RTOL = 1e-12
#: The solver layer's rule: ``OPTIMAL`` needs a proven gap of at most this.
OPTIMAL_GAP = 1e-9


@dataclass
class _Pool:
    """The path columns in the LP, in the order they entered."""

    od: list[IntArray] = field(default_factory=list)
    start: list[IntArray] = field(default_factory=list)  # lengths per batch
    edges: list[IntArray] = field(default_factory=list)
    seen: set[tuple[int, bytes]] = field(default_factory=set)
    n: int = 0

    def edge_flow(self, f: FloatArray, m: int) -> FloatArray:
        if not self.n:
            return np.zeros(m)
        lengths = np.concatenate(self.start)
        flow = np.bincount(np.concatenate(self.edges), weights=np.repeat(f, lengths),
                           minlength=m)
        return flow.astype(np.float64)


@dataclass
class _Node:
    lp: float  # the LP value (the point's objective) at the end of pricing
    bound: float  # proven lower bound of the node
    y: FloatArray | None  # the LP's y, None when the node is infeasible or pruned early
    x: FloatArray | None


class _Search:
    """The LP and what maps its rows and columns to the design problem."""

    def __init__(self, dp: DesignProblem, *, msg: bool) -> None:  # noqa: PLR0915
        import highspy

        self.dp = dp
        p = dp.flow
        self.p = p
        m, n_od, n_proj = p.n_edges, p.n_od, dp.n_projects
        self.n_od, self.n_proj = n_od, n_proj
        # flow classes: origin x commodity
        n_k = p.n_commodities
        uniq, self.od_class = np.unique(p.origin * n_k + p.commodity, return_inverse=True)
        self.class_origin = (uniq // n_k).astype(np.int64)
        self.class_commodity = (uniq % n_k).astype(np.int64)
        self.class_demand = np.bincount(self.od_class, weights=p.tonnes,
                                        minlength=uniq.shape[0])
        self.graph = paths.from_arrays(p.tail, p.head, np.zeros(m), p.n_nodes)
        # gated edges: for each edge, its index among the gated ones (-1 if not gated)
        self.gate_of = np.full(m, -1, dtype=np.int64)
        self.gate_of[dp.gated_edges] = np.arange(dp.gated_edges.shape[0])
        # capacity rows with a finite right-hand side (edges, then groups)
        cap_edges = np.flatnonzero(np.isfinite(p.capacity)).astype(np.int64)
        res = resource_matrix(m, cap_edges, p.group_start, p.group_edges)
        rhs = np.concatenate([p.capacity[cap_edges], p.group_capacity])
        keep = np.flatnonzero(np.isfinite(rhs))
        self.res = res[:, keep].tocsr()
        self.res_rhs = rhs[keep]
        n_cap = cap_edges.shape[0]
        row_of_group = np.full(p.n_groups, -1, dtype=np.int64)
        kept_groups = keep[keep >= n_cap] - n_cap
        row_of_group[kept_groups] = n_od + np.flatnonzero(keep >= n_cap)
        self.first_res, n_res = n_od, keep.shape[0]
        # y columns: group additions, budget (scaled to 1), dependencies, exclusions
        g_of = np.repeat(np.arange(p.n_groups, dtype=np.int64), np.diff(dp.group_add_start))
        add_rows = row_of_group[g_of]
        ok = add_rows >= 0
        scale = max(dp.budget, float(dp.project_cost.max(initial=0.0)), 1.0)
        self.budget_row = n_od + n_res
        r_dep = self.budget_row + 1
        r_exc = r_dep + dp.depends.shape[0]
        self.n_static = r_exc + dp.excludes.shape[0]
        yr = [add_rows[ok], np.full(n_proj, self.budget_row),
              r_dep + np.arange(dp.depends.shape[0]), r_dep + np.arange(dp.depends.shape[0]),
              r_exc + np.arange(dp.excludes.shape[0]), r_exc + np.arange(dp.excludes.shape[0])]
        yc = [dp.group_add_project[ok], np.arange(n_proj), dp.depends[:, 0], dp.depends[:, 1],
              dp.excludes[:, 0], dp.excludes[:, 1]]
        yv = [-dp.group_add_amount[ok], dp.project_cost / scale,
              np.ones(dp.depends.shape[0]), -np.ones(dp.depends.shape[0]),
              np.ones(dp.excludes.shape[0]), np.ones(dp.excludes.shape[0])]
        y_mat = sp.csc_matrix((np.concatenate(yv), (np.concatenate(yr), np.concatenate(yc))),
                              shape=(self.n_static, n_proj))
        self.y_static = y_mat
        self.row_upper = np.concatenate([
            p.tonnes, self.res_rhs, [dp.budget / scale], np.zeros(dp.depends.shape[0]),
            np.ones(dp.excludes.shape[0])])
        row_lower = np.concatenate([p.tonnes, np.full(self.n_static - n_od, -np.inf)])
        # gating rows, added as paths need them: (class, gated edge index, project) -> row
        self.gate_rows: dict[tuple[int, int, int], int] = {}
        self.gate_row_project: list[int] = []
        self.gate_row_class: list[int] = []
        self.gate_row_edge: list[int] = []
        self.pool = _Pool()
        # the LP: unserved columns, then y, then paths
        u_mat = sp.csc_matrix((np.ones(n_od), (np.arange(n_od), np.arange(n_od))),
                              shape=(self.n_static, n_od))
        a = sp.hstack([u_mat, y_mat], format="csc")
        a.sort_indices()
        h = new_highs(msg=msg)
        h.setOptionValue("presolve", "off")
        lp = highspy.HighsLp()
        lp.num_col_ = n_od + n_proj
        lp.num_row_ = self.n_static
        lp.col_cost_ = np.concatenate([p.penalty, dp.project_charge]).astype(np.float64)
        lp.col_lower_ = np.zeros(n_od + n_proj)
        lp.col_upper_ = np.concatenate([np.full(n_od, np.inf), np.ones(n_proj)])
        lp.row_lower_ = row_lower.astype(np.float64)
        lp.row_upper_ = self.row_upper.astype(np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = n_od + n_proj
        lp.a_matrix_.num_row_ = self.n_static
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(np.float64)
        h.passModel(lp)
        self.h = h
        self.lower = np.zeros(n_proj)
        self.upper = np.ones(n_proj)
        self.closed = np.zeros(m, dtype=bool)  # gated edges whose projects are fixed out
        # the gated edge (index among them) of each entry of gate_projects
        self._gate_entry = np.repeat(np.arange(dp.gated_edges.shape[0]),
                                     np.diff(dp.gate_start))
        self.lp_solves = 0

    # -- the LP ------------------------------------------------------------------------

    def set_bounds(self, lower: FloatArray, upper: FloatArray) -> None:
        cols = np.flatnonzero((lower != self.lower) | (upper != self.upper))
        if cols.size:
            self.h.changeColsBounds(
                int(cols.size), (self.n_od + cols).astype(np.int32),
                lower[cols].astype(np.float64), upper[cols].astype(np.float64))
            self.h.setOptionValue("simplex_strategy", 1)  # the basis stays dual feasible
        self.lower, self.upper = lower.copy(), upper.copy()
        self.closed[:] = False
        shut = np.flatnonzero(upper < 0.5)
        if shut.size:
            hit = np.isin(self.dp.gate_projects, shut)
            self.closed[self.dp.gated_edges[np.unique(self._gate_entry[hit])]] = True

    def solve(self, deadline: float) -> bool | None:
        """Solve the LP: True when optimal, False when infeasible, None at the deadline."""
        import highspy

        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        self.h.setOptionValue("time_limit", float(min(left, 1e30)))
        self.h.run()
        self.lp_solves += 1
        ms = self.h.getModelStatus()
        if ms == highspy.HighsModelStatus.kUnknown:  # lost its way from the old basis
            self.h.clearSolver()
            self.h.run()
            self.lp_solves += 1
            ms = self.h.getModelStatus()
        if ms == highspy.HighsModelStatus.kOptimal:
            return True
        if ms == highspy.HighsModelStatus.kInfeasible:
            return False
        if ms == highspy.HighsModelStatus.kTimeLimit:
            return None
        raise RuntimeError(f"HiGHS stopped the design LP with {self.h.modelStatusToString(ms)}")

    # -- pricing -----------------------------------------------------------------------

    def price(self, duals: FloatArray) -> tuple[FloatArray, IntArray, FloatArray]:
        """Cheapest reduced path cost per OD pair, the trees, and the clipped duals."""
        p = self.p
        pi = duals.copy()
        pi[self.n_od:] = np.minimum(pi[self.n_od:], 0.0)  # <= rows
        extra = self.res @ -pi[self.first_res : self.first_res + self.res.shape[1]]
        gate_pi = pi[self.n_static:]
        gate_class = np.asarray(self.gate_row_class, dtype=np.int64)
        gate_edge = np.asarray(self.gate_row_edge, dtype=np.int64)
        n_classes = self.class_origin.shape[0]
        pred = np.full((n_classes, p.n_nodes), -1, dtype=np.int64)
        dist_od = np.full(self.n_od, np.inf)
        for k in range(p.n_commodities):
            base = p.cost[:, k] + extra
            base[self.closed] = np.inf
            for c in np.flatnonzero(self.class_commodity == k).tolist():
                w = base
                mine = gate_class == c
                if mine.any():
                    w = base.copy()
                    np.add.at(w, gate_edge[mine], -gate_pi[mine])
                dist, pred[c] = paths.shortest_path_tree(paths.reweight(self.graph, w),
                                                         int(self.class_origin[c]))
                sel = self.od_class == c
                dist_od[sel] = dist[p.destination[sel]]
        return dist_od, pred, pi

    def bound(self, pi: FloatArray, dist_od: FloatArray) -> float:
        """The Lagrangian value of the clipped duals: a lower bound of the node."""
        p = self.p
        sigma = np.minimum(np.minimum(pi[: self.n_od], p.penalty), dist_od)
        value = float(p.tonnes @ sigma)
        rest = pi[self.n_od : self.n_static]
        value += float(self.row_upper[self.n_od:] @ rest)
        # reduced cost of each y: charge - column . duals (gating rows: -demand of class)
        rc = self.dp.project_charge - self.y_static[self.n_od:].T @ rest
        if self.gate_row_project:
            proj = np.asarray(self.gate_row_project, dtype=np.int64)
            dem = self.class_demand[np.asarray(self.gate_row_class, dtype=np.int64)]
            rc = rc + np.bincount(proj, weights=dem * pi[self.n_static:],
                                  minlength=self.n_proj)
        value += float(np.where(rc < 0, rc * self.upper, rc * self.lower).sum())
        return value

    def add_paths(self, dist_od: FloatArray, pred: IntArray, sigma: FloatArray) -> int:
        """Add the paths that price out; the number added."""
        p = self.p
        enter = np.flatnonzero(dist_od < sigma - PRICE_TOL * (1.0 + np.abs(sigma)))
        if not enter.size:
            return 0
        cls = self.od_class[enter]
        start, edges = trace_paths(pred, p.tail, cls, self.class_origin[cls],
                                   p.destination[enter])
        keep = []
        for j, i in enumerate(enter.tolist()):
            sig = (i, edges[start[j] : start[j + 1]].tobytes())
            if sig not in self.pool.seen:
                self.pool.seen.add(sig)
                keep.append(j)
        if not keep:
            return 0
        kept = np.asarray(keep, dtype=np.int64)
        od = enter[kept]
        lengths = np.diff(start)[kept]
        new_edges = np.concatenate([edges[start[j] : start[j + 1]] for j in keep])
        path_id = np.repeat(np.arange(kept.shape[0]), lengths)
        self._add_gate_rows(self.od_class[od][path_id], new_edges)
        n_new = int(kept.shape[0])
        cost = np.bincount(path_id, weights=p.cost[new_edges, p.commodity[od][path_id]],
                           minlength=n_new)
        n_rows = self.n_static + len(self.gate_row_project)
        inc = sp.csr_matrix((np.ones(new_edges.shape[0]), (path_id, new_edges)),
                            shape=(n_new, p.n_edges))
        res_part = (inc @ self.res).tocoo()
        g = self.gate_of[new_edges]
        on = g >= 0
        gr_path, gr_row = [], []
        for q, e_g, c in zip(path_id[on].tolist(), g[on].tolist(),
                             self.od_class[od][path_id[on]].tolist(), strict=True):
            dp = self.dp
            for j in dp.gate_projects[dp.gate_start[e_g] : dp.gate_start[e_g + 1]].tolist():
                gr_path.append(q)
                gr_row.append(self.gate_rows[(c, e_g, j)])
        rows = [od, self.first_res + res_part.col, np.asarray(gr_row, dtype=np.int64)]
        cols = [np.arange(n_new), res_part.row, np.asarray(gr_path, dtype=np.int64)]
        vals = [np.ones(n_new), res_part.data, np.ones(len(gr_row))]
        mat = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(n_rows, n_new))
        mat.sum_duplicates()
        mat.sort_indices()
        self.h.addCols(n_new, cost.astype(np.float64), np.zeros(n_new), np.full(n_new, np.inf),
                       int(mat.nnz), mat.indptr[:-1].astype(np.int32),
                       mat.indices.astype(np.int32), mat.data.astype(np.float64))
        self.h.setOptionValue("simplex_strategy", 4)  # new columns keep primal feasibility
        self.pool.od.append(od)
        self.pool.start.append(lengths)
        self.pool.edges.append(new_edges)
        self.pool.n += n_new
        return n_new

    def _add_gate_rows(self, path_class: IntArray, edges: IntArray) -> None:
        """Gating rows for the (class, gated edge, project) the new paths use first."""
        dp = self.dp
        g = self.gate_of[edges]
        on = g >= 0
        new_rows: list[tuple[int, int, int]] = []
        for c, e_g in set(zip(path_class[on].tolist(), g[on].tolist(), strict=True)):
            for j in dp.gate_projects[dp.gate_start[e_g] : dp.gate_start[e_g + 1]].tolist():
                key = (c, e_g, j)
                if key not in self.gate_rows:
                    self.gate_rows[key] = self.n_static + len(self.gate_row_project)
                    self.gate_row_project.append(j)
                    self.gate_row_class.append(c)
                    self.gate_row_edge.append(int(dp.gated_edges[e_g]))
                    new_rows.append(key)
        if not new_rows:
            return
        k = len(new_rows)
        idx = np.array([self.n_od + j for _, _, j in new_rows], dtype=np.int32)
        val = np.array([-self.class_demand[c] for c, _, _ in new_rows], dtype=np.float64)
        self.h.addRows(k, np.full(k, -np.inf), np.zeros(k), k,
                       np.arange(k, dtype=np.int32), idx, val)

    # -- a node ------------------------------------------------------------------------

    def propagate(self, lower: FloatArray, upper: FloatArray) -> bool:
        """Tighten a node's bounds by the budget, dependencies and exclusions (in place);
        False when no design satisfies them."""
        dp = self.dp
        slack = 1e-9 * max(dp.budget, 1.0)
        changed = True
        while changed:
            changed = False
            left = dp.budget - float(dp.project_cost @ lower)
            if left < -slack:
                return False
            over = (upper > lower) & (dp.project_cost > left + slack)
            for a, b in dp.depends.tolist():  # a needs b
                if lower[a] > upper[b]:
                    return False
                if lower[a] == 1.0 and lower[b] == 0.0:
                    lower[b], changed = 1.0, True
                if upper[b] == 0.0 and upper[a] == 1.0:
                    upper[a], changed = 0.0, True
            for a, b in dp.excludes.tolist():
                if lower[a] + lower[b] > 1.0:
                    return False
                for u, v in ((a, b), (b, a)):
                    if lower[u] == 1.0 and upper[v] == 1.0:
                        upper[v], changed = 0.0, True
            if over.any():
                upper[over], changed = 0.0, True
        return True

    def node(self, lower: FloatArray, upper: FloatArray, cutoff: float,
             deadline: float) -> _Node | None:
        """Price the LP of a node; ``None`` at the deadline."""
        lower, upper = lower.copy(), upper.copy()
        if not self.propagate(lower, upper):
            return _Node(math.inf, math.inf, None, None)
        self.set_bounds(lower, upper)
        best = -math.inf
        while True:
            ok = self.solve(deadline)
            if ok is None:
                return None
            if not ok:
                return _Node(math.inf, math.inf, None, None)
            sol = self.h.getSolution()
            z = float(self.h.getInfo().objective_function_value)
            duals = np.asarray(sol.row_dual, dtype=np.float64)
            dist_od, pred, pi = self.price(duals)
            best = max(best, self.bound(pi, dist_od))
            if best >= cutoff:
                return _Node(z, best, None, None)
            if relative_gap(z, best) <= NODE_GAP or not self.add_paths(
                    dist_od, pred, duals[: self.n_od]):
                x = np.asarray(sol.col_value, dtype=np.float64)
                return _Node(z, min(best, z), x[self.n_od : self.n_od + self.n_proj],
                             x[self.n_od + self.n_proj :])

    def evaluate(self, design: Sequence[int], deadline: float) -> tuple[float, FloatArray] | None:
        """The exact value of a design and its flow per edge (``inf`` if inadmissible)."""
        fix = np.zeros(self.n_proj)
        fix[list(design)] = 1.0
        node = self.node(fix, fix, math.inf, deadline)
        if node is None:
            return None
        if node.x is None:
            return math.inf, np.zeros(self.p.n_edges)
        return node.lp, self.pool.edge_flow(node.x, self.p.n_edges)

    def restricted_milp(self, deadline: float) -> list[int] | None:
        """The best design over the paths generated so far (a MILP over the pool)."""
        import highspy

        lp = self.h.getLp()
        lower = np.array(lp.col_lower_, dtype=np.float64)
        upper = np.array(lp.col_upper_, dtype=np.float64)
        lower[self.n_od : self.n_od + self.n_proj] = 0.0
        upper[self.n_od : self.n_od + self.n_proj] = 1.0
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        integrality = [highspy.HighsVarType.kContinuous] * lp.num_col_
        for j in range(self.n_proj):
            integrality[self.n_od + j] = highspy.HighsVarType.kInteger
        lp.integrality_ = integrality
        h = new_highs(msg=False)
        h.setOptionValue("mip_rel_gap", 1e-6)
        left = max(deadline - time.perf_counter(), 0.0)
        h.setOptionValue("time_limit", float(min(left, RESTRICTED_MILP_SECONDS)))
        h.passModel(lp)
        h.run()
        if h.getInfo().primal_solution_status != 2:  # no feasible point
            return None
        y = np.asarray(h.getSolution().col_value)[self.n_od : self.n_od + self.n_proj]
        return np.flatnonzero(y > 0.5).tolist()


class _Tree:
    """Best-bound branch and bound over the projects, with the LP of :class:`_Search`."""

    def __init__(self, search: _Search, mip_gap: float, deadline: float) -> None:
        self.s = search
        self.mip_gap = mip_gap
        self.deadline = deadline
        self.value = math.inf
        self.design: list[int] = []
        self.flow = np.zeros(search.p.n_edges)
        self.pruned = math.inf  # least bound of a pruned node
        self.nodes = 0
        self.counter = itertools.count()
        n = search.n_proj
        self.heap: list[tuple[float, int, FloatArray, FloatArray]] = [
            (-math.inf, next(self.counter), np.zeros(n), np.ones(n))]

    def cutoff(self) -> float:
        """Nodes bounded at or above this cannot hold a design better than the gap."""
        if not math.isfinite(self.value):
            return math.inf
        return self.value - self.mip_gap * max(abs(self.value), 1.0)

    def offer(self, design: Sequence[int]) -> None:
        """Evaluate a design exactly; keep it if it is the best so far."""
        out = self.s.evaluate(design, self.deadline)
        if out is not None and out[0] < self.value:
            self.value, self.design, self.flow = out[0], sorted(design), out[1]

    def trim(self) -> None:
        """Among equally good designs, the cheaper: drop, most expensive first, each
        project whose removal keeps the design admissible and raises its value by at
        most :data:`TIE_RTOL` (a project that changes nothing, kept because the budget
        allowed it)."""
        cost = self.s.dp.project_cost
        for p in sorted(self.design, key=lambda q: (-float(cost[q]), q)):
            smaller = [q for q in self.design if q != p]
            out = self.s.evaluate(smaller, self.deadline)
            if out is None:
                return
            if out[0] <= self.value + TIE_RTOL * max(abs(self.value), 1.0):
                self.value, self.design, self.flow = out[0], smaller, out[1]

    def run(self, bar: _progress.Bar) -> bool:
        """Search until the tree is exhausted (True) or the deadline passes (False),
        counting nodes on ``bar``."""
        while self.heap:
            parent, _, lo, up = heapq.heappop(self.heap)
            if parent >= self.cutoff():
                self.pruned = min(self.pruned, parent)
                continue
            node = self.s.node(lo, up, self.cutoff(), self.deadline)
            if node is None:
                heapq.heappush(self.heap, (parent, next(self.counter), lo, up))
                return False
            self.nodes += 1
            bar.update(incumbent=self.value, bound=min(
                self.value, self.pruned, parent, *(h[0] for h in self.heap[:1])))
            if node.y is None:  # infeasible, or bounded off while pricing
                if math.isfinite(node.bound):
                    self.pruned = min(self.pruned, node.bound)
                continue
            if self.nodes == 1:  # the root: a design from the paths priced so far
                design = self.s.restricted_milp(self.deadline)
                if design is not None:
                    self.offer(design)
            frac = np.minimum(node.y, 1.0 - node.y)
            if frac.max() <= INT_TOL:
                self.offer(np.flatnonzero(node.y > 0.5).tolist())
            if frac.max() <= INT_TOL or node.bound >= self.cutoff():
                self.pruned = min(self.pruned, node.bound)
                continue
            j = int(np.lexsort((-self.s.dp.project_cost, -frac))[0])
            for v in (1.0, 0.0):
                lo2, up2 = lo.copy(), up.copy()
                lo2[j] = up2[j] = v
                heapq.heappush(self.heap, (node.bound, next(self.counter), lo2, up2))
        return True

    def solution(self, exhausted: bool, seconds: float) -> DesignSolution:
        bound = min([self.value, self.pruned, *(h[0] for h in self.heap)])
        gap = relative_gap(self.value, bound)
        if not exhausted:
            status = SolveStatus.TIME_LIMIT
        elif not math.isfinite(self.value):
            status = SolveStatus.INFEASIBLE
        else:
            status = SolveStatus.OPTIMAL if gap <= OPTIMAL_GAP else SolveStatus.FEASIBLE
        s = self.s
        result = SolveResult(
            status, self.value, bound, gap, seconds, "highs",
            f"branch and price: {self.nodes} nodes, {s.pool.n} paths, "
            f"{len(s.gate_row_project)} gating rows, {s.lp_solves} LP solves")
        found = math.isfinite(self.value)
        return DesignSolution(np.asarray(self.design, dtype=np.int64), self.value, bound,
                              status, seconds, result, self.flow if found else None)


def solve_design_paths(
    dp: DesignProblem,
    *,
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
    start: Sequence[int] | None = None,
    msg: bool = False,
    progress: bool | None = None,
) -> DesignSolution:
    """Solve the design problem by branch and price (see the module docstring).

    Parameters are those of :func:`~connectivity.invest.design.solve_design`; ``start``
    is a design to begin from (evaluated exactly; ignored if inadmissible). The status
    is ``OPTIMAL`` only when the tree is exhausted and the proven gap is at most 1e-9;
    exhausted at a looser ``mip_gap`` it is ``FEASIBLE``; stopped by ``time_limit`` it
    is ``TIME_LIMIT`` with the best design found (``objective`` ``inf`` and no design
    when none was evaluated in time) and the least bound of the open nodes.
    ``progress`` shows a bar of the nodes, the incumbent and the bound on stderr
    (``None``: when stderr is a terminal, :mod:`connectivity._progress`).
    """
    check_options("highs", time_limit=time_limit, mip_gap=mip_gap)
    t0 = time.perf_counter()
    deadline = math.inf if time_limit is None else t0 + time_limit
    with _progress.bar(None, "branch and price", unit="node", progress=progress) as bar:
        tree = _Tree(_Search(dp, msg=msg), mip_gap, deadline)
        tree.offer(list(start) if start is not None else [])
        exhausted = tree.run(bar)
        tree.trim()
    return tree.solution(exhausted, time.perf_counter() - t0)
