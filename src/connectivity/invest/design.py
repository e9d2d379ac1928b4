"""Budgeted network design as one mixed-integer program over the flow LP.

The system-optimal flow model of :mod:`connectivity.assign.arcs` gets one binary per
candidate project. A project acts on the flow model in two ways, both linear in its
binary ``y``:

- **gated edges**: an edge that exists only with a set of projects (a new link, or a
  copy of an existing edge at the cost it has with those projects: faster, cheaper,
  shorter dwell) carries flow only when all of them are built:
  ``flow on e <= M_e * y_p`` for each project ``p`` of the set. ``M_e`` is the least
  of: the total demand; the edge's capacity; and, for each capacity group it is in,
  the group's capacity plus every addition it may get. Using the groups is 1.24-1.34x
  faster on the bundled network, to the same proven optimum (one run). Where several candidate
  projects change one edge, every combination of them gets its own copy, so the cost of
  an edge under any design is exact. The original edge stays (a dominated copy costs
  nothing but columns).
- **added capacity**: a capacity group's right-hand side grows by ``added * y_p``
  (``sum of flow - added * y_p <= capacity``). An edge and its copies share the edge's
  capacity through such a group.

Budget ``sum(cost_p * y_p) <= budget``; a dependency ``y_p <= y_q``; an exclusion
``y_p + y_q <= 1``. The objective is the flow model's: total generalized cost plus the
penalty of unserved demand, per year.

*Strengthening.* Besides the aggregate coupling row per gated edge, the model can add
the disaggregated rows ``flow of class c on e <= demand of c * y_p`` (one per class and
gated edge): valid inequalities that make the LP relaxation much tighter (the
aggregate big-M lets a fractional ``y`` open an edge to all classes at once).

*Two algorithms* (:func:`solve_design`): ``"paths"`` (the default) solves it by branch
and price on path columns, with the disaggregated rows written only where a path needs
them (:mod:`connectivity.invest.price`); ``"arcs"`` hands the arc MILP of
:func:`design_lp` to HiGHS. They prove the same optima; the first is one to two orders
of magnitude faster on the bundled and generated instances of
``benchmarks/bench_design.py``.

Examples
--------
Two parallel roads, a third road a project could build for a cost of 5:

>>> from connectivity.assign import flow_problem
>>> fp = flow_problem([0, 0, 0], [1, 1, 1], [[3.0], [4.0], [1.0]], [0], [1], [10.0],
...                   capacity=[4.0, np.inf, np.inf], unserved_penalty=100.0)
>>> dp = design_problem(fp, gated_edges=[2], gate_projects=[[0]], project_cost=[5.0],
...                     budget=5.0)
>>> s = solve_design(dp)
>>> s.selected.tolist(), s.objective, s.status.value
([0], 10.0, 'optimal')
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity.assign.arcs import FlowLayout, flow_lp
from connectivity.assign.problems import FlowProblem
from connectivity.invest._design_types import DesignProblem, DesignSolution
from connectivity.invest.price import solve_design_paths
from connectivity.optimize import ArrayLP, check_options, solve_highs

__all__ = ["DesignProblem", "DesignSolution", "design_problem", "design_lp", "solve_design",
           "ALGORITHMS"]

Algorithm = Literal["paths", "arcs"]
#: The algorithms of :func:`solve_design`.
ALGORITHMS: tuple[str, ...] = ("paths", "arcs")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _pairs(name: str, pairs: Sequence[Sequence[int]], n: int) -> IntArray:
    out = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    bad = (out < 0) | (out >= n)
    if bad.any():
        raise ValueError(f"{name}: project index {int(out[bad][0])} is not in 0..{n - 1}")
    if (out[:, 0] == out[:, 1]).any():
        raise ValueError(f"{name}: a pair names the same project twice")
    return out


def design_problem(  # noqa: PLR0913 (one argument per array of the model)
    flow: FlowProblem,
    *,
    gated_edges: Sequence[int],
    gate_projects: Sequence[Sequence[int]],
    project_cost: npt.ArrayLike,
    budget: float,
    group_adds: Sequence[Sequence[tuple[int, float]]] = (),
    depends: Sequence[Sequence[int]] = (),
    excludes: Sequence[Sequence[int]] = (),
    project_charge: npt.ArrayLike | None = None,
) -> DesignProblem:
    """Check the parts of a network design problem and return them as one.

    Parameters
    ----------
    flow
        The flow problem over every edge a design may use.
    gated_edges, gate_projects
        Edges that carry flow only with projects, and for each the projects it needs.
    project_cost, budget
        Capital cost per project; the budget (same unit).
    group_adds
        For each capacity group of ``flow`` (or fewer: the rest add nothing), pairs
        ``(project, tonnes per year added)``.
    depends, excludes
        Pairs of project indices: ``(p, q)`` = ``p`` needs ``q`` / not both.
    project_charge
        Per project, what building it adds to the objective (default 0).

    Raises
    ------
    ValueError
        For a bad index, a negative cost or budget, or mismatched lengths; the message
        names the value.
    """
    cost = np.asarray(project_cost, dtype=np.float64).reshape(-1)
    n = int(cost.shape[0])
    if not np.isfinite(cost).all() or (cost < 0).any():
        raise ValueError(f"project_cost must be finite and >= 0, got {cost.tolist()}")
    if not budget >= 0:
        raise ValueError(f"budget must be >= 0, got {budget!r}")
    edges = np.asarray(gated_edges, dtype=np.int64).reshape(-1)
    if len(gate_projects) != edges.shape[0]:
        raise ValueError(f"gate_projects has {len(gate_projects)} entries for "
                         f"{edges.shape[0]} gated edges")
    m = flow.n_edges
    if ((edges < 0) | (edges >= m)).any():
        raise ValueError(f"gated_edges must be edge indices in 0..{m - 1}")
    starts = np.zeros(len(gate_projects) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(g) for g in gate_projects])
    members = np.array([p for g in gate_projects for p in g], dtype=np.int64)
    if ((members < 0) | (members >= n)).any() or (np.diff(starts) == 0).any():
        raise ValueError("gate_projects: each gated edge needs one or more project "
                         f"indices in 0..{n - 1}")
    n_groups = flow.n_groups
    if len(group_adds) > n_groups:
        raise ValueError(f"group_adds has {len(group_adds)} entries for {n_groups} groups")
    adds = [list(g) for g in group_adds] + [[] for _ in range(n_groups - len(group_adds))]
    g_start = np.zeros(n_groups + 1, dtype=np.int64)
    g_start[1:] = np.cumsum([len(g) for g in adds])
    g_proj = np.array([p for g in adds for p, _ in g], dtype=np.int64)
    g_amount = np.array([a for g in adds for _, a in g], dtype=np.float64)
    if ((g_proj < 0) | (g_proj >= n)).any() or (g_amount < 0).any():
        raise ValueError("group_adds: each entry is (project index, added capacity >= 0)")
    charge = (np.zeros(n) if project_charge is None
              else np.asarray(project_charge, dtype=np.float64).reshape(-1))
    if charge.shape != (n,) or not np.isfinite(charge).all():
        raise ValueError(f"project_charge must hold {n} finite numbers, got {charge.tolist()}")
    return DesignProblem(flow, edges, starts, members, g_start, g_proj, g_amount, cost,
                         float(budget), _pairs("depends", depends, n),
                         _pairs("excludes", excludes, n), charge)


def _coupling(dp: DesignProblem, layout: FlowLayout, n_cols: int,
              strengthen: bool) -> tuple[sp.csr_matrix, FloatArray]:
    """Rows tying gated edges to their projects' binaries (columns after ``n_cols``)."""
    p = dp.flow
    cols_of_edge = sp.csr_matrix(
        (np.ones(layout.n_flow_cols), (layout.col_edge, np.arange(layout.n_flow_cols))),
        shape=(p.n_edges, n_cols + dp.n_projects),
    )
    # class demand: the tonnes of its OD pairs
    class_demand = np.zeros(layout.class_origin.shape[0])
    np.add.at(class_demand, layout.od_class, p.tonnes)
    total = float(p.tonnes.sum())
    rows, cols, vals = [], [], []
    n_row = 0
    agg = cols_of_edge[dp.gated_edges]
    # the most any group lets through an edge: its capacity plus every possible addition
    room = np.full(p.n_edges, np.inf)
    for g in range(p.n_groups):
        cap = float(p.group_capacity[g]) + float(
            dp.group_add_amount[dp.group_add_start[g] : dp.group_add_start[g + 1]].sum())
        members = p.group_edges[p.group_start[g] : p.group_start[g + 1]]
        room[members] = np.minimum(room[members], cap)
    for i in range(dp.gated_edges.shape[0]):
        e = int(dp.gated_edges[i])
        edge_cols = agg[i].indices
        if edge_cols.size == 0:
            continue  # no class may use it: nothing to tie
        big_m = min(total, float(p.capacity[e]), float(room[e]))
        for proj in dp.gate_projects[dp.gate_start[i] : dp.gate_start[i + 1]].tolist():
            rows += [n_row] * (edge_cols.size + 1)
            cols += [*edge_cols.tolist(), n_cols + proj]
            vals += [1.0] * edge_cols.size + [-big_m]
            n_row += 1
            if strengthen:
                for j in edge_cols.tolist():
                    rows += [n_row, n_row]
                    cols += [j, n_cols + proj]
                    vals += [1.0, -float(class_demand[layout.col_class[j]])]
                    n_row += 1
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(n_row, n_cols + dp.n_projects))
    return matrix, np.zeros(n_row)


def design_lp(dp: DesignProblem, strengthen: bool = False) -> tuple[ArrayLP, FlowLayout]:
    """The MILP of ``dp`` as arrays: the flow LP's columns, then one binary per project
    (last); rows: the flow LP's (capacity rows with the projects' additions), the
    coupling rows, the budget, dependencies and exclusions."""
    base, layout = flow_lp(dp.flow)
    n_cols, n_proj = int(base.cost.shape[0]), dp.n_projects
    n_rows = int(base.row_lower.shape[0])
    matrix = sp.csr_matrix((base.row_value, base.row_index, base.row_start),
                           shape=(n_rows, n_cols))
    # capacity added: -amount * y on the group's row
    g_rows = layout.first_group_row + np.repeat(
        np.arange(dp.flow.n_groups, dtype=np.int64), np.diff(dp.group_add_start))
    adds = sp.csr_matrix((-dp.group_add_amount, (g_rows, n_cols + dp.group_add_project)),
                         shape=(n_rows, n_cols + n_proj))
    matrix = sp.hstack([matrix, sp.csr_matrix((n_rows, n_proj))], format="csr") + adds
    couple, couple_hi = _coupling(dp, layout, n_cols, strengthen)
    extra_rows, extra_hi = [], []
    y = n_cols + np.arange(n_proj)
    budget = sp.csr_matrix((dp.project_cost, (np.zeros(n_proj, dtype=np.int64), y)),
                           shape=(1, n_cols + n_proj))
    extra_rows.append(budget)
    extra_hi.append(np.array([dp.budget]))
    for pairs, coef, hi in ((dp.depends, -1.0, 0.0), (dp.excludes, 1.0, 1.0)):
        k = pairs.shape[0]
        if k:
            r = np.repeat(np.arange(k), 2)
            c = (n_cols + pairs).reshape(-1)
            v = np.tile([1.0, coef], k)
            extra_rows.append(sp.csr_matrix((v, (r, c)), shape=(k, n_cols + n_proj)))
            extra_hi.append(np.full(k, hi))
    full = sp.vstack([matrix, couple, *extra_rows], format="csr")
    full.sort_indices()
    n_extra = couple.shape[0] + sum(b.shape[0] for b in extra_rows)
    lp = ArrayLP(
        cost=np.concatenate([base.cost, dp.project_charge]),
        col_lower=np.zeros(n_cols + n_proj),
        col_upper=np.concatenate([base.col_upper, np.ones(n_proj)]),
        row_start=full.indptr.astype(np.int64),
        row_index=full.indices.astype(np.int64),
        row_value=full.data.astype(np.float64),
        row_lower=np.concatenate([base.row_lower, np.full(n_extra, -np.inf)]),
        row_upper=np.concatenate([base.row_upper, couple_hi, *extra_hi]),
        integer=np.concatenate([np.zeros(n_cols, dtype=bool), np.ones(n_proj, dtype=bool)]),
    )
    return lp, layout


def solve_design(  # noqa: PLR0913 (the problem and keyword options)
    dp: DesignProblem,
    *,
    algorithm: Algorithm = "paths",
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
    strengthen: bool = False,
    start: Sequence[int] | None = None,
    msg: bool = False,
    progress: bool | None = None,
) -> DesignSolution:
    """Solve the design MILP.

    Parameters
    ----------
    dp
        The problem.
    algorithm
        ``"paths"`` (default): branch and price on path columns with the disaggregated
        coupling rows (:mod:`connectivity.invest.price`); ``"arcs"``: the arc-flow MILP
        of :func:`design_lp` handed to HiGHS's branch and cut. Same optimum; on the
        bundled network with 23 candidates the first proves it in about 4 s against
        about 50 s (``benchmarks/results/design.md``).
    time_limit
        Seconds; a run stopped by it is reported as ``TIME_LIMIT`` with the best design
        found and the proven bound, never as optimal.
    mip_gap
        Relative gap at which HiGHS stops (default ``1e-9``). The status is ``OPTIMAL``
        only when the proven gap is at most 1e-9 (the solver layer's rule); a run
        stopped at a looser ``mip_gap`` is ``FEASIBLE``, with its bound and gap.
    strengthen
        ``"arcs"`` only: add the disaggregated coupling rows (see the module docstring).
        Off by default:
        on the bundled network with 23 candidates they made HiGHS 2.1x slower to the
        same proven optimum (125 s against 60 s, one run); ``benchmarks/bench_design.py``
        measures both.
    start
        Indices of projects of a known admissible design (e.g. the greedy one), given
        to HiGHS as a MIP start.
    msg
        Show the HiGHS log.
    progress
        ``"paths"``: show a bar of the branch-and-price nodes, incumbent and bound on
        stderr (``None``: when stderr is a terminal; :mod:`connectivity._progress`).
    """
    check_options("highs", time_limit=time_limit, mip_gap=mip_gap)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if algorithm == "paths":
        if strengthen:
            raise ValueError("strengthen applies to algorithm='arcs' (the path algorithm "
                             "always has the disaggregated rows)")
        return solve_design_paths(dp, time_limit=time_limit, mip_gap=mip_gap, start=start,
                                  msg=msg, progress=progress)
    t0 = time.perf_counter()
    lp, layout = design_lp(dp, strengthen)
    n_cols = int(lp.cost.shape[0]) - dp.n_projects
    mip_start = None
    if start is not None:
        y = np.zeros(dp.n_projects)
        y[np.asarray(list(start), dtype=np.int64)] = 1.0
        mip_start = (n_cols + np.arange(dp.n_projects), y)
    sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg, start=mip_start)
    if sol.x is None:
        selected = np.zeros(0, dtype=np.int64)
        flow = None
    else:
        selected = np.flatnonzero(sol.x[n_cols:] > 0.5).astype(np.int64)
        flow = np.zeros(dp.flow.n_edges)
        np.add.at(flow, layout.col_edge, sol.x[: layout.n_flow_cols])
    r = sol.result
    return DesignSolution(selected, r.objective, r.bound, r.status,
                          time.perf_counter() - t0, r, flow)
