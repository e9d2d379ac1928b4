"""The system optimum as an arc LP: built from arrays as a PuLP model, solved in HiGHS.

Freight of every OD pair and commodity is routed to minimise total generalized cost,
subject to edge capacities and shared capacities of *groups* of edges (a border
crossing, a terminal's throughput). Demand that cannot be carried is left unserved at a
stated penalty per tonne, so the built-in model is always feasible.

Formulation (origin-based): one flow variable per (origin, commodity, edge) and one
unserved variable per OD pair; flow conservation per (origin, commodity, node); one
capacity row per capacitated edge and per group. Commodities sharing an origin share a
flow class, so the model has ``n_origins x n_commodities x n_edges`` flow columns instead
of ``n_od x n_edges`` for the arc-per-OD model (``per_od=True``, kept for comparison).

:func:`flow_lp` assembles the LP as sparse arrays (no Python loop over terms). Column
layout: one block of flow columns per *flow class* (a group of OD pairs sharing one
conservation system: an origin and commodity in the origin-based formulation, one OD
pair in the arc-per-OD formulation), then one unserved-demand column per OD pair. Rows:
flow conservation per (class, node) that has any entry, then one capacity row per
capacitated edge, then one per capacity group.

:func:`build_system_optimum` makes the PuLP model with the handles, so constraints can
be added before :func:`solve_system_optimum`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pulp
import scipy.sparse as sp

from connectivity.assign.optimum import SystemOptimum
from connectivity.assign.problems import FlowProblem, flow_problem
from connectivity.optimize import (
    ArrayLP,
    PulpArrayModel,
    SolverName,
    arrays_to_pulp,
    check_solution,
    solve_array_model,
)

__all__ = [
    "FlowLayout",
    "flow_lp",
    "SystemOptimumModel",
    "build_system_optimum",
    "solve_system_optimum",
    "flow_problem",
]

_FAMILIES_NOTE = (
    "the built-in rows (flow conservation with unserved demand, capacities) are always "
    "feasible, so look at the constraints added to the model"
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FlowLayout:
    """How the columns and rows of the flow LP map back to edges, classes and ODs."""

    n_edges: int
    n_nodes: int
    class_origin: IntArray  # per flow class
    class_commodity: IntArray  # per flow class
    od_class: IntArray  # per OD pair: its flow class
    col_class: IntArray  # per flow column
    col_edge: IntArray  # per flow column
    n_flow_cols: int
    n_od: int
    conservation_rows: IntArray  # class * n_nodes + node, for each kept conservation row
    capacity_edges: IntArray  # edge of each capacity row
    n_groups: int

    @property
    def n_cols(self) -> int:
        return self.n_flow_cols + self.n_od

    @property
    def first_capacity_row(self) -> int:
        return int(self.conservation_rows.shape[0])

    @property
    def first_group_row(self) -> int:
        return self.first_capacity_row + int(self.capacity_edges.shape[0])


def flow_lp(problem: FlowProblem, *, per_od: bool = False) -> tuple[ArrayLP, FlowLayout]:
    """The flow LP of ``problem`` as arrays, and how its columns and rows map back.

    See the module docstring for the layout; ``per_od`` builds the arc-per-OD model.
    """
    p = problem
    tail, head, n_nodes, cost, capacity = p.tail, p.head, p.n_nodes, p.cost, p.capacity
    group_start, group_edges, group_capacity = p.group_start, p.group_edges, p.group_capacity
    origin, destination, commodity = p.origin, p.destination, p.commodity
    tonnes, penalty = p.tonnes, p.penalty
    m = int(tail.shape[0])
    n_commodity = int(cost.shape[1])
    n_od = int(origin.shape[0])
    if per_od:
        class_key = np.arange(n_od, dtype=np.int64)
        od_class = class_key
        class_origin = origin.astype(np.int64)
        class_commodity = commodity.astype(np.int64)
    else:
        key = origin.astype(np.int64) * n_commodity + commodity
        uniq, od_class = np.unique(key, return_inverse=True)
        od_class = od_class.astype(np.int64)
        class_origin = uniq // n_commodity
        class_commodity = uniq % n_commodity
    n_class = int(class_origin.shape[0])

    # flow columns: for each class, the edges open to its commodity
    open_edges = [np.flatnonzero(np.isfinite(cost[:, k])) for k in range(n_commodity)]
    counts = np.array([open_edges[k].shape[0] for k in class_commodity], dtype=np.int64)
    col_class = np.repeat(np.arange(n_class, dtype=np.int64), counts)
    col_edge = (
        np.concatenate([open_edges[k] for k in class_commodity]).astype(np.int64)
        if n_class
        else np.zeros(0, dtype=np.int64)
    )
    n_flow = int(col_edge.shape[0])
    n_cols = n_flow + n_od
    col_cost = np.concatenate([cost[col_edge, class_commodity[col_class]], penalty])

    # conservation: +1 at tail row, -1 at head row; unserved: +1 at origin, -1 at dest
    flow_cols = np.arange(n_flow, dtype=np.int64)
    un_cols = n_flow + np.arange(n_od, dtype=np.int64)
    rows = np.concatenate(
        [
            col_class * n_nodes + tail[col_edge],
            col_class * n_nodes + head[col_edge],
            od_class * n_nodes + origin,
            od_class * n_nodes + destination,
        ]
    )
    cols = np.concatenate([flow_cols, flow_cols, un_cols, un_cols])
    vals = np.concatenate([np.ones(n_flow), -np.ones(n_flow), np.ones(n_od), -np.ones(n_od)])
    rhs_full = np.zeros(n_class * n_nodes)
    np.add.at(rhs_full, od_class * n_nodes + origin, tonnes)
    np.add.at(rhs_full, od_class * n_nodes + destination, -tonnes)
    kept, row_new = np.unique(rows, return_inverse=True)
    conservation = sp.csr_matrix((vals, (row_new, cols)), shape=(int(kept.shape[0]), n_cols))
    rhs = rhs_full[kept]

    # capacity rows: sum of all classes' flow on an edge (or on a group of edges)
    incidence = sp.csr_matrix((np.ones(n_flow), (col_edge, flow_cols)), shape=(m, n_cols))
    cap_edges = np.flatnonzero(np.isfinite(capacity)).astype(np.int64)
    blocks = [conservation, incidence[cap_edges]]
    n_groups = int(group_capacity.shape[0])
    if n_groups:
        membership = sp.csr_matrix(
            (
                np.ones(group_edges.shape[0]),
                group_edges,
                group_start,
            ),
            shape=(n_groups, m),
        )
        blocks.append((membership @ incidence).tocsr())
    matrix = sp.vstack(blocks, format="csr")
    matrix.sum_duplicates()
    matrix.sort_indices()

    row_lower = np.concatenate([rhs, np.full(cap_edges.shape[0] + n_groups, -np.inf)])
    row_upper = np.concatenate([rhs, capacity[cap_edges], group_capacity])
    col_upper = np.concatenate([np.full(n_flow, np.inf), tonnes])
    lp = ArrayLP(
        cost=col_cost.astype(np.float64),
        col_lower=np.zeros(n_cols),
        col_upper=col_upper.astype(np.float64),
        row_start=matrix.indptr.astype(np.int64),
        row_index=matrix.indices.astype(np.int64),
        row_value=matrix.data.astype(np.float64),
        row_lower=row_lower.astype(np.float64),
        row_upper=row_upper.astype(np.float64),
    )
    layout = FlowLayout(
        n_edges=m,
        n_nodes=n_nodes,
        class_origin=class_origin.astype(np.int64),
        class_commodity=class_commodity.astype(np.int64),
        od_class=od_class,
        col_class=col_class,
        col_edge=col_edge,
        n_flow_cols=n_flow,
        n_od=n_od,
        conservation_rows=kept.astype(np.int64),
        capacity_edges=cap_edges,
        n_groups=n_groups,
    )
    return lp, layout


def column_names(layout: FlowLayout) -> list[str]:
    """``f_<class>_<edge>`` for flows, ``u_<od>`` for unserved demand."""
    flows = [
        f"f_{c}_{e}"
        for c, e in zip(layout.col_class.tolist(), layout.col_edge.tolist(), strict=True)
    ]
    return flows + [f"u_{i}" for i in range(layout.n_od)]


def row_names(layout: FlowLayout) -> list[str]:
    """``flow_<class>_<node>``, ``cap_<edge>``, ``group_<g>``."""
    n = layout.n_nodes
    cons = [f"flow_{r // n}_{r % n}" for r in layout.conservation_rows.tolist()]
    caps = [f"cap_{e}" for e in layout.capacity_edges.tolist()]
    return cons + caps + [f"group_{g}" for g in range(layout.n_groups)]


@dataclass(eq=False)
class SystemOptimumModel:
    """The system-optimum LP, ready to extend and solve.

    Not frozen, so that ``model.problem += constraint`` works (PuLP's ``+=`` returns the
    same problem object; do not assign a different problem).

    Attributes
    ----------
    problem
        The PuLP problem. Add constraints or variables to it freely.
    flow
        ``flow[c][j]`` is the PuLP variable of flow class ``c`` on its ``j``-th open edge;
        use :attr:`flow_edges` for which edges those are.
    flow_edges
        Edge index of each entry of ``flow[c]``.
    unserved
        One variable per OD pair (tonnes left unserved).
    capacity_constraints
        Edge index -> the PuLP capacity constraint of that edge.
    group_constraints
        One PuLP constraint per capacity group.
    class_origin, class_commodity
        Origin node and commodity of each flow class.
    intrazonal
        Tonnes of the OD pairs whose origin is their destination (they balance at
        their node, so the LP routes nothing for them).
    """

    problem: pulp.LpProblem
    flow: list[list[pulp.LpVariable]]
    flow_edges: list[IntArray]
    unserved: list[pulp.LpVariable]
    capacity_constraints: dict[int, pulp.LpConstraint]
    group_constraints: list[pulp.LpConstraint]
    class_origin: IntArray
    class_commodity: IntArray
    n_commodities: int
    _model: PulpArrayModel
    _layout: FlowLayout
    intrazonal: float = 0.0


def build_system_optimum(
    problem: FlowProblem, *, per_od: bool = False, name: str = "system_optimum"
) -> SystemOptimumModel:
    """Build the system-optimal flow LP of ``problem`` as a PuLP model.

    Parameters
    ----------
    problem
        The flow problem (:func:`~connectivity.assign.problems.flow_problem`).
    per_od
        Build the arc-per-OD-pair model instead of the origin-based one (same optimum,
        larger model; for comparison).
    name
        Name of the PuLP problem.

    Returns
    -------
    SystemOptimumModel

    Examples
    --------
    >>> p = flow_problem([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                  capacity=[4.0, np.inf], unserved_penalty=100.0)
    >>> m = build_system_optimum(p)
    >>> len(m.flow[0]), len(m.unserved)
    (2, 1)
    """
    lp, layout = flow_lp(problem, per_od=per_od)
    model = arrays_to_pulp(
        lp, name=name, col_names=column_names(layout), row_names=row_names(layout)
    )
    variables = model.variables
    n_class = int(layout.class_origin.shape[0])
    bounds = np.searchsorted(layout.col_class, np.arange(n_class + 1))
    flow = [variables[bounds[i] : bounds[i + 1]] for i in range(n_class)]
    flow_edges = [layout.col_edge[bounds[i] : bounds[i + 1]] for i in range(n_class)]
    first_cap = layout.first_capacity_row
    caps = {
        int(e): model.constraints[first_cap + i]
        for i, e in enumerate(layout.capacity_edges.tolist())
    }
    grp = model.constraints[layout.first_group_row :]
    return SystemOptimumModel(
        problem=model.problem,
        flow=flow,
        flow_edges=flow_edges,
        unserved=variables[layout.n_flow_cols :],
        capacity_constraints=caps,
        group_constraints=list(grp),
        class_origin=layout.class_origin,
        class_commodity=layout.class_commodity,
        n_commodities=problem.n_commodities,
        _model=model,
        _layout=layout,
        intrazonal=problem.intrazonal,
    )


def solve_system_optimum(
    model: SystemOptimumModel,
    *,
    solver: SolverName | str = "highs",
    time_limit: float | None = None,
    msg: bool = False,
    highs_options: dict[str, object] | None = None,
) -> SystemOptimum:
    """Solve a model from :func:`build_system_optimum` and map the result to edges.

    Parameters
    ----------
    model
        The model, possibly with constraints added to ``model.problem``.
    solver
        ``"highs"`` (default) or ``"cbc"``.
    time_limit
        Seconds. A run stopped by it is reported with status ``TIME_LIMIT``.
    msg
        Show the solver log.
    highs_options
        Extra HiGHS options (``{"solver": "ipm"}``); ignored by CBC.

    Returns
    -------
    SystemOptimum

    Raises
    ------
    InfeasibleModelError
        If added constraints make the model infeasible (the message says so).
    SolverError
        If the solver fails or stops without a feasible point.

    Examples
    --------
    >>> p = flow_problem([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                  capacity=[4.0, np.inf], unserved_penalty=100.0)
    >>> r = solve_system_optimum(build_system_optimum(p))
    >>> r.flow.tolist(), r.total_cost, r.edge_shadow_price.tolist()
    ([4.0, 6.0], 22.0, [2.0, 0.0])
    """
    result, x, pi = solve_array_model(
        model._model, solver=solver, time_limit=time_limit, msg=msg, highs_options=highs_options
    )
    check_solution(result, model="system-optimum model", families=[_FAMILIES_NOTE])
    assert x is not None
    layout = model._layout
    m = layout.n_edges
    xf = x[: layout.n_flow_cols]
    flow = np.bincount(layout.col_edge, weights=xf, minlength=m).astype(np.float64)
    k_col = layout.class_commodity[layout.col_class]
    by_k = (
        np.bincount(k_col * m + layout.col_edge, weights=xf, minlength=m * model.n_commodities)
        .reshape(model.n_commodities, m)
        .T
    )
    unserved = x[layout.n_flow_cols :].copy()
    edge_price = np.zeros(m)
    group_price = np.zeros(layout.n_groups)
    if pi is not None:
        a, b = layout.first_capacity_row, layout.first_group_row
        # dual of a <= row in a minimisation is <= 0; the saving per tonne is its negative
        edge_price[layout.capacity_edges] = np.maximum(-pi[a:b], 0.0)
        group_price[:] = np.maximum(-pi[b : b + layout.n_groups], 0.0)
    tol = 1e-9 * max(1.0, float(np.abs(edge_price).max(initial=0.0)))
    total = result.objective
    if not math.isfinite(total):
        total = float(model.problem.objective.value() or math.nan)
    return SystemOptimum(
        flow=flow,
        flow_by_commodity=np.ascontiguousarray(by_k),
        unserved=unserved,
        total_cost=float(total),
        edge_shadow_price=edge_price,
        group_shadow_price=group_price,
        binding_edges=np.flatnonzero(edge_price > tol).astype(np.int64),
        binding_groups=np.flatnonzero(group_price > tol).astype(np.int64),
        solve=result,
        intrazonal=model.intrazonal,
    )
