"""Capacity-constrained system-optimal multicommodity flow, as a linear program.

Freight of every OD pair and commodity is routed to minimise total generalized cost,
subject to edge capacities and shared capacities of *groups* of edges (a border
crossing, a terminal's throughput). Demand that cannot be carried is left unserved at a
stated penalty per tonne, so the built-in model is always feasible.

Formulation (origin-based): one flow variable per (origin, commodity, edge) and one
unserved variable per OD pair; flow conservation per (origin, commodity, node); one
capacity row per capacitated edge and per group. Commodities sharing an origin share a
flow class, so the model has ``n_origins x n_commodities x n_edges`` flow columns instead
of ``n_od x n_edges`` for the arc-per-OD model (``per_od=True``, kept for comparison).

The model is a PuLP problem built from sparse arrays; :func:`build_system_optimum` returns
it with the handles, so constraints can be added before :func:`solve_system_optimum`.
:func:`system_optimum` does both, or, with ``formulation="paths"``, solves the same LP by
path column generation (:mod:`connectivity._colgen`): only the paths that the duals of a
small master LP price in are ever written down, found by the numba shortest-path kernel.
Same optimum (certified by a lower bound); 5-36x faster than the origin model and
87-140x faster than the arc-per-OD model in ``benchmarks/results/lp.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pulp

from connectivity._colgen import PathSolution, solve_paths
from connectivity._lp_flow import FlowLayout, assemble_flow_lp, column_names, row_names
from connectivity._lp_pulp import PulpArrayModel, arrays_to_pulp, solve_array_model
from connectivity.solve import (
    SolveResult,
    SolverName,
    SolveStatus,
    _check_options,
    check_solution,
)

__all__ = [
    "FORMULATIONS",
    "Formulation",
    "SystemOptimumModel",
    "SystemOptimum",
    "build_system_optimum",
    "solve_system_optimum",
    "system_optimum",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

Formulation = Literal["origin", "paths"]
FORMULATIONS: tuple[str, ...] = ("origin", "paths")

_FAMILIES_NOTE = (
    "the built-in rows (flow conservation with unserved demand, capacities) are always "
    "feasible, so look at the constraints added to the model"
)


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


@dataclass(frozen=True)
class SystemOptimum:
    """Result of the system-optimal assignment.

    Attributes
    ----------
    flow
        Tonnes on each edge, all commodities.
    flow_by_commodity
        Tonnes per edge and commodity, shape ``(n_edges, n_commodities)``.
    unserved
        Tonnes of each OD pair left unserved.
    total_cost
        Objective: generalized cost of the flows plus the unserved penalty.
    edge_shadow_price
        Per edge: total cost saved by one more tonne of capacity (0 where the capacity
        does not bind or the edge is uncapacitated).
    group_shadow_price
        The same per capacity group.
    binding_edges, binding_groups
        Indices whose capacity binds with a positive shadow price.
    solve
        What the solver reported.
    """

    flow: FloatArray
    flow_by_commodity: FloatArray
    unserved: FloatArray
    total_cost: float
    edge_shadow_price: FloatArray
    group_shadow_price: FloatArray
    binding_edges: IntArray
    binding_groups: IntArray
    solve: SolveResult


def _as_1d(name: str, values: object, dtype: type, size: int | None = None) -> np.ndarray:
    arr: np.ndarray = np.asarray(values, dtype=dtype)
    if arr.ndim == 0 and size is not None:
        arr = np.full(size, arr, dtype=dtype)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if size is not None and arr.shape[0] != size:
        raise ValueError(f"{name} must have {size} entries, got {arr.shape[0]}")
    return arr


@dataclass(frozen=True)
class _Arrays:
    """Validated inputs of the model, as the array cores take them."""

    tail: IntArray
    head: IntArray
    n_nodes: int
    cost: FloatArray  # (n_edges, n_commodities)
    capacity: FloatArray
    group_start: IntArray
    group_edges: IntArray
    group_capacity: FloatArray
    origin: IntArray
    destination: IntArray
    commodity: IntArray
    tonnes: FloatArray
    penalty: FloatArray


def _validated(
    tail: npt.ArrayLike,
    head: npt.ArrayLike,
    cost: npt.ArrayLike,
    origin: npt.ArrayLike,
    destination: npt.ArrayLike,
    tonnes: npt.ArrayLike,
    unserved_penalty: float | npt.ArrayLike,
    n_nodes: int | None,
    commodity: npt.ArrayLike | None,
    capacity: npt.ArrayLike | None,
    groups: Sequence[Sequence[int]],
    group_capacity: npt.ArrayLike | None,
) -> _Arrays:
    t = _as_1d("tail", tail, np.int64)
    h = _as_1d("head", head, np.int64, t.shape[0])
    m = int(t.shape[0])
    if n_nodes is None:
        n_nodes = int(max(t.max(initial=-1), h.max(initial=-1))) + 1
    for label, arr in (("tail", t), ("head", h)):
        bad = np.flatnonzero((arr < 0) | (arr >= n_nodes))
        if bad.size:
            raise ValueError(
                f"{label}[{bad[0]}] = {arr[bad[0]]} is not a node index in [0, {n_nodes})"
            )
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim == 1:
        c = c[:, None]
    if c.ndim != 2 or c.shape[0] != m:
        raise ValueError(f"cost must have shape ({m},) or ({m}, n_commodities), got {c.shape}")
    if np.any(np.isnan(c)) or np.any(c < 0):
        e, k = np.argwhere(np.isnan(c) | (c < 0))[0]
        raise ValueError(f"cost[{e}, {k}] = {c[e, k]} must be a non-negative number or inf")
    o = _as_1d("origin", origin, np.int64)
    n_od = int(o.shape[0])
    d = _as_1d("destination", destination, np.int64, n_od)
    q = _as_1d("tonnes", tonnes, np.float64, n_od)
    for label, arr in (("origin", o), ("destination", d)):
        bad = np.flatnonzero((arr < 0) | (arr >= n_nodes))
        if bad.size:
            raise ValueError(
                f"{label}[{bad[0]}] = {arr[bad[0]]} is not a node index in [0, {n_nodes})"
            )
    bad = np.flatnonzero(~np.isfinite(q) | (q < 0))
    if bad.size:
        raise ValueError(f"tonnes[{bad[0]}] = {q[bad[0]]} must be finite and >= 0")
    k_arr = (
        np.zeros(n_od, dtype=np.int64)
        if commodity is None
        else _as_1d("commodity", commodity, np.int64, n_od)
    )
    bad = np.flatnonzero((k_arr < 0) | (k_arr >= c.shape[1]))
    if bad.size:
        raise ValueError(
            f"commodity[{bad[0]}] = {k_arr[bad[0]]} has no cost column; cost has "
            f"{c.shape[1]} commodity column(s)"
        )
    pen = _as_1d("unserved_penalty", unserved_penalty, np.float64, n_od)
    bad = np.flatnonzero(~np.isfinite(pen) | (pen <= 0))
    if bad.size:
        raise ValueError(
            f"unserved_penalty[{bad[0]}] = {pen[bad[0]]} must be a positive finite number"
        )
    cap = np.full(m, np.inf) if capacity is None else _as_1d("capacity", capacity, np.float64, m)
    bad = np.flatnonzero(np.isnan(cap) | (cap < 0))
    if bad.size:
        raise ValueError(f"capacity[{bad[0]}] = {cap[bad[0]]} must be >= 0 (inf = none)")
    n_groups = len(groups)
    gcap = (
        np.zeros(0)
        if group_capacity is None
        else _as_1d("group_capacity", group_capacity, np.float64, n_groups)
    )
    if gcap.shape[0] != n_groups:
        raise ValueError(f"group_capacity must have {n_groups} entries, got {gcap.shape[0]}")
    bad = np.flatnonzero(np.isnan(gcap) | (gcap < 0))
    if bad.size:
        raise ValueError(f"group_capacity[{bad[0]}] = {gcap[bad[0]]} must be >= 0")
    g_lists = [np.asarray(g, dtype=np.int64).reshape(-1) for g in groups]
    for gi, g in enumerate(g_lists):
        bad = np.flatnonzero((g < 0) | (g >= m))
        if bad.size:
            raise ValueError(f"groups[{gi}] holds edge {g[bad[0]]}, not in [0, {m})")
    g_start = np.zeros(n_groups + 1, dtype=np.int64)
    g_start[1:] = np.cumsum([g.shape[0] for g in g_lists])
    g_edges = np.concatenate(g_lists) if g_lists else np.zeros(0, dtype=np.int64)

    return _Arrays(
        tail=t, head=h, n_nodes=n_nodes, cost=c, capacity=cap, group_start=g_start,
        group_edges=g_edges, group_capacity=gcap, origin=o, destination=d, commodity=k_arr,
        tonnes=q, penalty=pen,
    )


def build_system_optimum(
    tail: npt.ArrayLike,
    head: npt.ArrayLike,
    cost: npt.ArrayLike,
    origin: npt.ArrayLike,
    destination: npt.ArrayLike,
    tonnes: npt.ArrayLike,
    *,
    unserved_penalty: float | npt.ArrayLike,
    n_nodes: int | None = None,
    commodity: npt.ArrayLike | None = None,
    capacity: npt.ArrayLike | None = None,
    groups: Sequence[Sequence[int]] = (),
    group_capacity: npt.ArrayLike | None = None,
    per_od: bool = False,
    name: str = "system_optimum",
) -> SystemOptimumModel:
    """Build the system-optimal flow LP from arrays.

    Parameters
    ----------
    tail, head
        Edge end nodes, ``0 <= node < n_nodes``. Parallel edges are separate edges.
    cost
        Generalized cost per tonne: shape ``(n_edges,)`` shared by all commodities or
        ``(n_edges, n_commodities)``. ``inf`` closes an edge to a commodity.
    origin, destination, tonnes
        Demand, one entry per OD pair (and commodity).
    unserved_penalty
        Cost per unserved tonne, one number or one per OD pair. Set it above any route
        cost so that demand is left unserved only when capacity runs out.
    n_nodes
        Number of nodes (default: one more than the largest node index).
    commodity
        Commodity index of each OD pair (default all 0); indexes the columns of ``cost``.
    capacity
        Tonnes per edge; ``inf`` (or ``None`` for all) means uncapacitated.
    groups, group_capacity
        Sets of edges sharing one capacity (a crossing, a terminal) and that capacity.
    per_od
        Build the arc-per-OD-pair model instead of the origin-based one (same optimum,
        larger model; for comparison).
    name
        Name of the PuLP problem.

    Returns
    -------
    SystemOptimumModel

    Raises
    ------
    ValueError
        Naming the argument, for wrong shapes, node indices out of range, negative costs
        or tonnes, or non-positive penalties.

    Examples
    --------
    >>> m = build_system_optimum([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                          capacity=[4.0, np.inf], unserved_penalty=100.0)
    >>> len(m.flow[0]), len(m.unserved)
    (2, 1)
    """
    a = _validated(
        tail, head, cost, origin, destination, tonnes, unserved_penalty, n_nodes, commodity,
        capacity, groups, group_capacity,
    )
    lp, layout = assemble_flow_lp(
        a.tail, a.head, a.n_nodes, a.cost, a.capacity, a.group_start, a.group_edges,
        a.group_capacity, a.origin, a.destination, a.commodity, a.tonnes, a.penalty,
        per_od=per_od,
    )
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
        n_commodities=int(a.cost.shape[1]),
        _model=model,
        _layout=layout,
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
    >>> m = build_system_optimum([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                          capacity=[4.0, np.inf], unserved_penalty=100.0)
    >>> r = solve_system_optimum(m)
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
    )


def system_optimum(
    tail: npt.ArrayLike,
    head: npt.ArrayLike,
    cost: npt.ArrayLike,
    origin: npt.ArrayLike,
    destination: npt.ArrayLike,
    tonnes: npt.ArrayLike,
    *,
    unserved_penalty: float | npt.ArrayLike,
    n_nodes: int | None = None,
    commodity: npt.ArrayLike | None = None,
    capacity: npt.ArrayLike | None = None,
    groups: Sequence[Sequence[int]] = (),
    group_capacity: npt.ArrayLike | None = None,
    formulation: Formulation | str = "origin",
    solver: SolverName | str = "highs",
    time_limit: float | None = None,
    msg: bool = False,
) -> SystemOptimum:
    """Build and solve the system-optimal flow LP in one call.

    Parameters are those of :func:`build_system_optimum` and
    :func:`solve_system_optimum`, and:

    formulation
        ``"origin"`` (default): the origin-based arc model built as a PuLP problem.
        ``"paths"``: path column generation (:mod:`connectivity._colgen`): a master LP
        over the paths generated so far, solved warm in HiGHS after each round of
        shortest-path pricing in the numba kernel. Same optimum, and much faster on
        large models (see ``benchmarks/results/lp.md``); HiGHS only. It stops when its
        objective is within a relative ``1e-9`` of a proven lower bound (reported as
        ``solve.bound`` and ``solve.gap``); only then is the status ``OPTIMAL``. Its
        ``time_limit`` counts the whole loop; when it runs out, the last master optimum
        (a feasible point of the full model) is returned with status ``TIME_LIMIT``.
        The duals of the final master are optimal duals of the full model, so the
        shadow prices are those of the full LP (where the LP has several optimal duals,
        either formulation may return a different one).

    Returns
    -------
    SystemOptimum

    Raises
    ------
    ValueError, SolverError
        As the two functions it calls; ``ValueError`` also for an unknown
        ``formulation`` or ``solver="cbc"`` with ``formulation="paths"``.

    Examples
    --------
    >>> r = system_optimum([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                    capacity=[4.0, 3.0], unserved_penalty=100.0)
    >>> r.unserved.tolist(), r.edge_shadow_price.tolist()
    ([3.0], [99.0, 97.0])
    >>> p = system_optimum([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
    ...                    capacity=[4.0, 3.0], unserved_penalty=100.0, formulation="paths")
    >>> p.total_cost == r.total_cost, p.edge_shadow_price.tolist()
    (True, [99.0, 97.0])
    """
    if formulation not in FORMULATIONS:
        raise ValueError(
            f"unknown formulation {formulation!r}; choose one of {', '.join(FORMULATIONS)}"
        )
    if formulation == "paths":
        if solver != "highs":
            raise ValueError(
                f"solver={solver!r} is not available with formulation='paths' "
                "(its master LP is solved in HiGHS); use solver='highs'"
            )
        _check_options(solver, time_limit, None)
        a = _validated(
            tail, head, cost, origin, destination, tonnes, unserved_penalty, n_nodes,
            commodity, capacity, groups, group_capacity,
        )
        sol = solve_paths(
            a.tail, a.head, a.n_nodes, a.cost, a.capacity, a.group_start, a.group_edges,
            a.group_capacity, a.origin, a.destination, a.commodity, a.tonnes, a.penalty,
            time_limit=time_limit, msg=msg,
        )
        return _path_result(a, sol)
    model = build_system_optimum(
        tail,
        head,
        cost,
        origin,
        destination,
        tonnes,
        unserved_penalty=unserved_penalty,
        n_nodes=n_nodes,
        commodity=commodity,
        capacity=capacity,
        groups=groups,
        group_capacity=group_capacity,
    )
    return solve_system_optimum(model, solver=solver, time_limit=time_limit, msg=msg)


def _path_result(a: _Arrays, sol: PathSolution) -> SystemOptimum:
    """Map a column-generation outcome to edges (flows per commodity, shadow prices)."""
    result = SolveResult(
        status=SolveStatus(sol.status),
        objective=sol.objective,
        bound=sol.bound,
        gap=sol.gap,
        seconds=sol.seconds,
        solver="highs",
        message=sol.message,
    )
    check_solution(result, model="system-optimum model (path column generation)")
    m = int(a.tail.shape[0])
    n_k = int(a.cost.shape[1])
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
        total_cost=float(sol.objective),
        edge_shadow_price=edge_price + 0.0,
        group_shadow_price=group_price + 0.0,
        binding_edges=np.flatnonzero(edge_price > tol).astype(np.int64),
        binding_groups=np.flatnonzero(group_price > tol).astype(np.int64),
        solve=result,
    )
