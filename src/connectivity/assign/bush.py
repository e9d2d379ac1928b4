"""User equilibrium by a bush-based (origin-based) algorithm: Dial's Algorithm B.

Frank-Wolfe methods move all flow towards one all-or-nothing load at a time and slow
down near a relative gap of 1e-6. Algorithm B (Dial 2006, *Transportation Research
Part B* 40(10)) keeps, for each origin, a *bush*: an acyclic set of edges reaching every
node the origin reaches, with the origin's own flow on each. Flow moves inside a bush,
node by node from the far end backwards, from the longest used path segment to the
shortest one (back to where the two paths meet) by a Newton step on their cost
difference; the bush is then updated (edges without flow dropped, edges that shorten
a longest bush path added, which keeps it acyclic). Each shift is exact on its two
segments, so the method converges to machine precision where Frank-Wolfe stalls.

Why Algorithm B and not TAPAS: both reach gaps near 1e-13 on the TNTP networks; B
needs no store of paired alternative segments and their bookkeeping, only the bush
masks, which suits numba kernels on the compiled arrays (:mod:`._bush_kernels`), and
its state (one flow vector per origin) is what a warm start needs.

What is unique: the link flows of the equilibrium, where every cost function is strictly
increasing in its flow. Links of constant cost (uncongested, ``alpha = 0`` or infinite
capacity) may share flow in many ways at the same total cost; the origin flows (how an
origin's demand splits) and path flows are never unique, and are not reported.

Memory: per origin and edge, one byte (the bushes) and eight (the origin flows); per
origin and node, four (each bush's topological order).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from connectivity import paths
from connectivity.assign import _bush_kernels as k
from connectivity.assign.problems import EquilibriumProblem, interzonal_demand, zone_sinks
from connectivity.assign.vdf import VolumeDelay
from connectivity.errors import NoRouteError, SolverError

__all__ = ["BushState", "BushRun", "solve_bushes", "INNER_PASSES"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Most passes of flow shifts over every bush after each bush update (beside the one of
#: the update itself): none, 1, 3, 7, then 8 after the first, second, third, fourth and
#: later updates, so a loose gap is not overshot (more passes move more flow per
#: update; measured once on Winnipeg, Chicago-Sketch and Barcelona to 1e-10: 4 passes
#: took 1.1-1.3x the CPU of 8, and 16 about the same as 8).
INNER_PASSES = 8


@dataclass(frozen=True, eq=False)
class BushState:
    """Where a bush-based equilibrium ended, to start another from it (warm start).

    ``bush`` (``n_origins x n_edges``, 0/1) and ``origin_flow`` (the same shape: each
    origin's flow on each edge, the zones' sink copies included) describe the solution;
    ``demand`` is the interzonal demand they carry, ``tail`` and ``head`` the edges'
    end nodes (as the problem gives them). A problem with the same edges,
    origins, destinations and demand may start from it (capacities, times and costs may
    differ: a neighbouring design of the bilevel search).
    """

    bush: npt.NDArray[np.uint8]
    origin_flow: FloatArray
    demand: FloatArray
    n_edges: int
    tail: IntArray
    head: IntArray

    def fits(self, problem: EquilibriumProblem) -> bool:
        """Whether a run on ``problem`` can start from this state (same edges, origins,
        destinations and interzonal demand)."""
        return (self.n_edges == problem.n_edges
                and np.array_equal(self.tail, problem.tail)
                and np.array_equal(self.head, problem.head)
                and np.array_equal(self.demand, interzonal_demand(problem)))


@dataclass(frozen=True)
class BushRun:
    """The raw outcome of :func:`solve_bushes` (the equilibrium module builds the
    result from it)."""

    flow: FloatArray
    relative_gap: FloatArray
    average_excess_cost: FloatArray
    beckmann: FloatArray
    iterations: int
    converged: bool
    state: BushState


def solve_bushes(
    problem: EquilibriumProblem,
    vdf: VolumeDelay,
    *,
    gap: float,
    max_iter: int,
    warm_start: BushState | None = None,
    method: str = "auto",
    report: Callable[[float], None] | None = None,
) -> BushRun:
    """Algorithm B on ``problem``, priced by ``vdf``, until the relative gap is at most
    ``gap`` or ``max_iter`` iterations (bush updates of every origin) have run.

    The relative gap is measured as the Frank-Wolfe methods measure it: total cost at
    the flow against the cost of all demand on the current shortest paths of the whole
    network (not only of the bushes), found by ``method`` (see
    :func:`connectivity.paths.distances`). ``report`` is called with each gap.

    Raises
    ------
    NoRouteError
        When positive demand has no path.
    ValueError
        When ``warm_start`` does not fit the problem (naming what differs).
    SolverError
        When a cost becomes infinite or undefined.
    """
    p = problem
    q = interzonal_demand(p)
    h, d, n = zone_sinks(p)
    t = p.tail
    m = p.n_edges
    o = p.origins
    params = (vdf.t0, vdf.capacity, vdf.alpha, vdf.beta, vdf.queue, vdf.service_time,
              vdf.rho_max, vdf.fixed_cost)
    cost = np.empty(m)
    der = np.empty(m)
    x = np.zeros(m)
    k.price_all(x, *params, cost, der)
    graph = paths.from_arrays(t, h, cost, n)
    # the kernels walk the edges leaving and entering each node: the graph's own CSR
    out_ptr, out_edge = graph.indptr, graph.edge_index
    in_ptr, in_edge = graph.rev_indptr, graph.edge_index[graph.rev_slots]
    if warm_start is None:
        bush = np.zeros((o.shape[0], m), dtype=np.uint8)
        xo = np.zeros((o.shape[0], m))
        pred = np.stack([paths.shortest_path_tree(graph, int(r))[1] for r in o])
        _check_routes(pred, o, d, q)
        k.initial_bushes(pred, t, d, q, bush, xo, x)
    else:
        _check_warm(warm_start, p, q)
        bush = warm_start.bush.copy()
        xo = warm_start.origin_flow.copy()
        x = xo.sum(axis=0)
    k.price_all(x, *params, cost, der)
    total = float(q.sum())
    orders = np.empty((o.shape[0], n), dtype=np.int32)  # each bush's topological order
    sizes = np.zeros(o.shape[0], dtype=np.int64)
    gaps: list[float] = []
    excess: list[float] = []
    objectives: list[float] = []
    converged = False
    it = 0
    for it in range(1, max_iter + 2):
        tstt = _dot(cost, x)
        sptt = _shortest_total(graph, cost, o, d, q, method)
        if not (math.isfinite(tstt) and math.isfinite(sptt)):
            raise SolverError(
                f"bush equilibrium iteration {it}: total cost {tstt!r} against "
                f"shortest-path cost {sptt!r} is not finite; check the volume-delay "
                "parameters and the demand for values that overflow")
        rel = (tstt - sptt) / tstt if tstt > 0 else 0.0
        gaps.append(max(rel, 0.0))
        excess.append(max(tstt - sptt, 0.0) / total if total > 0 else 0.0)
        objectives.append(float(vdf.integral(x).sum()))
        logger.debug("iteration %d: relative gap %.3e", it - 1, gaps[-1])
        if report is not None:
            report(gaps[-1])
        if rel <= gap:
            converged = True
            break
        if it > max_iter:
            break
        args = (bush, xo, x, cost, der, orders, sizes, o, t, h, out_ptr, out_edge, in_ptr,
                in_edge, *params)
        k.sweep(True, *args)
        for _ in range(min(INNER_PASSES, 2 ** (it - 1) - 1)):
            k.sweep(False, *args)
    iterations = it - 1
    return BushRun(
        flow=x, relative_gap=np.asarray(gaps), average_excess_cost=np.asarray(excess),
        beckmann=np.asarray(objectives), iterations=iterations, converged=converged,
        state=BushState(bush=bush, origin_flow=xo, demand=q, n_edges=m, tail=p.tail.copy(),
                        head=p.head.copy()),
    )


def _dot(a: FloatArray, b: FloatArray) -> float:
    return float(np.einsum("i,i->", a, b))


def _shortest_total(graph: paths.CSRGraph, cost: FloatArray, o: IntArray, d: IntArray,
                    q: FloatArray, method: str) -> float:
    """Cost of all demand on the shortest paths of the whole network at ``cost``."""
    dist = paths.distances(paths.reweight(graph, cost), o, d, method=method)
    used = q > 0
    return float(np.einsum("i,i->", q[used], dist[used]))


def _check_routes(pred: IntArray, o: IntArray, d: IntArray, q: FloatArray) -> None:
    lost = (q > 0) & (pred[:, d] < 0) & (o[:, None] != d[None, :])
    if lost.any():
        i, j = (int(v) for v in np.argwhere(lost)[0])
        raise NoRouteError(
            f"no path from origin node {int(o[i])} to destination node {int(d[j])}, "
            f"which has demand {float(q[i, j])!r}")


def _check_warm(state: BushState, p: EquilibriumProblem, q: FloatArray) -> None:
    m = p.n_edges
    if state.n_edges != m or state.origin_flow.shape != (q.shape[0], m):
        raise ValueError(
            f"warm_start has {state.origin_flow.shape[0]} origins x {state.n_edges} edges; "
            f"the problem has {q.shape[0]} x {m}")
    if not (np.array_equal(state.tail, p.tail) and np.array_equal(state.head, p.head)):
        bad = int(np.flatnonzero((state.tail != p.tail) | (state.head != p.head))[0])
        raise ValueError(
            f"warm_start has other edges than the problem: edge {bad} is "
            f"{int(state.tail[bad])} -> {int(state.head[bad])} there, "
            f"{int(p.tail[bad])} -> {int(p.head[bad])} here")
    if state.demand.shape != q.shape or not np.array_equal(state.demand, q):
        raise ValueError("warm_start carries other demand than the problem's; a warm start "
                         "needs the same origins, destinations and demand")
