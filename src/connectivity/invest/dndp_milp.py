"""``milp`` on TNTP networks: the system-optimal design MILP as a bound and a design.

The total system travel time of the system optimum, ``f(x) = sum x t(x)`` with BPR
``t``, is convex per link. Its piecewise-linear *under*-approximation takes each link as
parallel segments: segment ``k`` spans ``[a_k, a_{k+1})`` of the link's flow and costs
``f'(a_k)`` per unit (the marginal cost at its left end; the last segment is unbounded).
As ``f'`` grows, the segments fill in order and their cost never exceeds ``f``. The
network-design MILP of :mod:`connectivity.invest.design` over these segments (a
candidate's segments gated by its project; budget) therefore gives

- a **design** (the one minimizing the approximate system-optimal TSTT), evaluated at
  user equilibrium to ``gap`` as every method's is; and
- a **lower bound** on the system-optimal TSTT of every design within the budget
  (HiGHS's proven MILP bound). The system optimum never exceeds the equilibrium, so this
  also bounds the bilevel problem.

The result is ``OPTIMAL`` only when the design's equilibrium TSTT is within ``tol`` of
that bound, which on congested networks it rarely is (the gap between the system
optimum and the equilibrium remains). Otherwise it is ``FEASIBLE`` with the bound and
the gap. The exact bilevel method is :func:`connectivity.invest.dndp.bilevel_design`.
Zones below the first through node are split into an origin and a destination node, so
no path passes through them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from connectivity.assign import flow_problem
from connectivity.invest._dndp_core import check_method_options, fits, project_table
from connectivity.invest.design import design_problem, solve_design
from connectivity.invest.dndp import evaluate_design
from connectivity.invest.portfolio import Portfolio
from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
from connectivity.optimize import SolveStatus

__all__ = ["milp_design", "BREAKPOINTS"]

#: Breakpoints of the segments, as multiples of a link's capacity.
BREAKPOINTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)

FloatArray = npt.NDArray[np.float64]


def _segments(tail: np.ndarray, head: np.ndarray, fft: FloatArray, cap: FloatArray,
              b: FloatArray, power: FloatArray, breaks: Sequence[float]) -> tuple[
                  np.ndarray, np.ndarray, FloatArray, FloatArray, np.ndarray]:
    """Parallel segment edges of each link: tail, head, cost per unit, width, link."""
    tails, heads, costs, widths, links = [], [], [], [], []
    for e in range(tail.shape[0]):
        if not (cap[e] > 0 and b[e] > 0):  # no congestion: one free-flow edge
            tails.append(tail[e])
            heads.append(head[e])
            costs.append(fft[e])
            widths.append(np.inf)
            links.append(e)
            continue
        points = [cap[e] * r for r in breaks]
        for k, a in enumerate(points):
            slope = fft[e] * (1.0 + b[e] * (power[e] + 1.0) * (a / cap[e]) ** power[e])
            width = points[k + 1] - a if k + 1 < len(points) else np.inf
            tails.append(tail[e])
            heads.append(head[e])
            costs.append(slope)
            widths.append(width)
            links.append(e)
    return (np.asarray(tails, dtype=np.int64), np.asarray(heads, dtype=np.int64),
            np.asarray(costs), np.asarray(widths), np.asarray(links, dtype=np.int64))


def milp_design(
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    budget: float,
    *,
    gap: float = 1e-6,
    demand_factor: float = 1.0,
    time_limit: float | None = None,
    tol: float = 1e-6,
    breakpoints: Sequence[float] = BREAKPOINTS,
) -> Portfolio:
    """Choose projects by the system-optimal design MILP (see the module docstring).

    Parameters
    ----------
    net, trips, cands, budget, gap, demand_factor
        As in :func:`~connectivity.invest.dndp.bilevel_design`.
    time_limit
        Seconds for the MILP; a stopped run keeps its best design and bound.
    tol
        The design is reported ``OPTIMAL`` when its equilibrium TSTT is within this
        relative distance of the bound.
    breakpoints
        Segment ends as multiples of capacity, increasing from 0.

    Returns
    -------
    Portfolio
        ``objective`` is the design's equilibrium TSTT at ``gap``; ``bound`` the MILP's
        proven lower bound; ``details`` has the MILP's own objective and status.
    """
    check_method_options(budget, gap=gap, demand_factor=demand_factor, time_limit=time_limit)
    br = [float(x) for x in breakpoints]
    if not br or br[0] != 0.0 or any(b2 <= b1 for b1, b2 in zip(br, br[1:], strict=False)):
        raise ValueError(f"breakpoints must increase from 0, got {list(breakpoints)}")
    t0 = time.perf_counter()
    table = project_table(cands)
    n_nodes = net.n_nodes
    # zones that are not through nodes: outgoing links leave from an origin copy
    no_thru = set(range(1, net.first_thru_node)) & set(range(1, n_nodes + 1))
    origin_of = {z: n_nodes + i for i, z in enumerate(sorted(no_thru))}

    def ends(frm: np.ndarray, to: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f = np.array([origin_of.get(int(a), int(a) - 1) for a in frm], dtype=np.int64)
        return f, to.astype(np.int64) - 1

    t_e, h_e = ends(net.init_node, net.term_node)
    t_c, h_c = ends(cands.init_node, cands.term_node)
    m0 = t_e.shape[0]
    seg = _segments(np.concatenate([t_e, t_c]), np.concatenate([h_e, h_c]),
                    np.concatenate([net.free_flow_time, cands.free_flow_time]),
                    np.concatenate([net.capacity, cands.capacity]),
                    np.concatenate([net.b, cands.b]),
                    np.concatenate([net.power, cands.power]), br)
    tail, head, cost, width, link = seg
    demand = trips.matrix * demand_factor
    o, d = np.nonzero(demand)
    origin = np.array([origin_of.get(int(z) + 1, int(z)) for z in o], dtype=np.int64)
    fp = flow_problem(tail, head, cost, origin, d.astype(np.int64), demand[o, d],
                      unserved_penalty=1e6 * float(cost.max() + 1.0),
                      n_nodes=n_nodes + len(origin_of), capacity=width)
    row_project = {int(r): k for k, rows in enumerate(table.rows) for r in rows.tolist()}
    gated = np.flatnonzero(link >= m0)
    gates = [[row_project[int(link[e]) - m0]] for e in gated.tolist()]
    dp = design_problem(fp, gated_edges=gated.tolist(), gate_projects=gates,
                        project_cost=table.cost, budget=float(budget))
    sol = solve_design(dp, time_limit=time_limit)
    if not sol.selected.size and not math.isfinite(sol.objective):
        raise ValueError(f"milp on a TNTP network: {sol.status.value}: {sol.result.message}")
    selected = table.ids_of(frozenset(sol.selected.tolist()))
    tstt = evaluate_design(net, trips, cands, selected, gap=gap, demand_factor=demand_factor)
    baseline = evaluate_design(net, trips, cands, (), gap=gap, demand_factor=demand_factor)
    if not fits(table.cost_of(sol.selected.tolist()), budget):
        raise ValueError("milp on a TNTP network: the MILP's design exceeds the budget")
    bound = sol.bound if math.isfinite(sol.bound) else math.nan
    status = SolveStatus.FEASIBLE
    if sol.status is SolveStatus.OPTIMAL and math.isfinite(bound) and tstt <= bound * (1 + tol):
        status = SolveStatus.OPTIMAL
    elif sol.status is SolveStatus.TIME_LIMIT:
        status = SolveStatus.TIME_LIMIT
    return Portfolio(
        method="milp", selected=selected, objective=tstt, baseline=baseline,
        cost=table.cost_of(sol.selected.tolist()), budget=float(budget), status=status,
        bound=bound, seconds=time.perf_counter() - t0, evaluations=2,
        details={"milp_objective": sol.objective, "milp_status": sol.status.value,
                 "milp_seconds": sol.seconds, "breakpoints": br,
                 "bound_is": "lower bound on the system-optimal TSTT of every design "
                             "within the budget (piecewise-linear under-approximation)"},
    )
