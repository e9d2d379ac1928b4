"""The bilevel network design on a network of tables: the projects within a budget that
minimize the total cost of the demand at user equilibrium.

The planner chooses the projects; the shippers then choose their routes, each for
itself. A design's value is the single-class user equilibrium of
:func:`~connectivity.assign.assign_equilibrium` with its projects on: every tonne is
valued with one commodity's value of time and allowed modes, links with a capacity
have BPR delay and border crossings with a capacity a queueing delay. The value is that
equilibrium's ``total_cost_usd`` (flow times generalized cost, USD per year), plus the
unserved-demand penalty times the tonnes that have no open path.

:func:`bilevel_prioritize` finds the best design by the exact branch and bound of
:func:`connectivity.invest.dndp.bilevel_design` (:mod:`connectivity.invest._bnb`).
A node's lower bound is the system optimum with every project not fixed out: the least
total cost over all flows, where each origin-destination pair may also go unserved at
the penalty. That bound holds for every design of the node only when no project makes
anything worse; the candidates are checked for that first.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> demand = cn.load_bundled_demand(net)
>>> p = bilevel_prioritize(net, demand, budget=1e8, projects=["P21", "P27", "P39"])
>>> p.proved_optimal, p.cost <= 1e8, p.benefit > 0
(True, True, True)
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from connectivity import paths
from connectivity.assign import (
    EquilibriumInputs,
    VolumeDelay,
    default_unserved_penalty,
    equilibrium_inputs,
    user_equilibrium,
    volume_delay,
)
from connectivity.assign.bush import BushState
from connectivity.errors import SolverError
from connectivity.graph import CompiledNetwork, active_projects, compiled_of
from connectivity.invest._bnb import Branching, branch_and_bound, check_search_options
from connectivity.invest._dndp_core import (
    MAX_ITER,
    SO_FIRST_GAP,
    Design,
    FloatArray,
    IntArray,
    ProjectTable,
    check_method_options,
)
from connectivity.invest.portfolio import Portfolio
from connectivity.invest.projects import Candidates, candidates
from connectivity.optimize import SolveStatus
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bilevel_prioritize", "SO_MAX_ITER"]

logger = logging.getLogger(__name__)

#: Frank-Wolfe iterations of one system-optimum bound; a bound stopped there still
#: holds (it is only less tight).
SO_MAX_ITER = 2_000
#: Equilibrium inputs kept per run (a node's bound and its design's equilibrium are
#: asked for one after the other).
_INPUTS_KEPT = 8


def bilevel_prioritize(  # noqa: PLR0913 (the network, the demand and keyword options)
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    budget: float,
    projects: Iterable[str] | None = None,
    scenario: Scenario | None = None,
    commodity: str = "container",
    cost: str = "central",
    gap: float = 1e-6,
    time_limit: float | None = None,
    tol: float = 1e-6,
    branching: Branching = "flow",
    progress: bool | None = None,
    algorithm: str = "bfw",
) -> Portfolio:
    """The admissible design within ``budget`` of least total cost at user equilibrium.

    The search is :func:`connectivity.invest.dndp.bilevel_design`'s, with the
    candidates' dependencies and exclusions: a node's bound is the system optimum with
    every project not fixed out open (a relaxation, valid even where those projects
    exclude each other), and only admissible designs within the budget become
    incumbents. The greedy warm start adds a project only when the design with it is
    admissible, so a project that needs another waits until that one is in. The
    system-optimum bound is the Frank-Wolfe bound ``f(x) + grad f(x) . (y - x)`` of
    the convex total cost ``f`` at the iterate ``x`` (``y`` the all-or-nothing load on
    the marginal costs, each pair unserved at the penalty when that is cheaper), so it
    holds however few iterations were run; it is solved to a relative gap of 1e-4
    first, and to ``gap`` only when that could prune a node.

    Parameters
    ----------
    network, demand
        The network and its demand (tonnes per year; every row is assigned, valued as
        ``commodity``).
    budget
        Capital budget, USD.
    projects
        Candidate ids (default: every project that is not existing and has a cost).
    scenario
        The base case (closures, carbon price, projects already on, ...); candidates
        must not be on in it.
    commodity
        Whose value of time and allowed modes price every tonne (single class).
    cost
        ``"central"``, ``"low"`` or ``"high"`` capital costs.
    gap
        Relative gap of every equilibrium and of the tight system-optimum bounds.
    time_limit
        Seconds; stop the search then and report ``TIME_LIMIT`` with the best design
        and the best bound (the empty design and the root bound are computed whatever
        the limit).
    tol
        Relative pruning tolerance: a node is pruned when its bound is at least the
        incumbent times ``1 - tol``.
    branching
        ``"flow"``: branch on the free project whose edges carry the most
        system-optimum flow; ``"cost"``: on the most expensive.
    progress
        Show a bar of the nodes explored, the incumbent and the bound on stderr
        (``None``: when stderr is a terminal; :mod:`connectivity._progress`).
    algorithm
        The equilibrium algorithm: ``"bfw"`` (default) or ``"bush"`` (Algorithm B, for
        gaps of 1e-8 and below, where designs closer than a loose gap's noise are told
        apart); see :func:`~connectivity.assign.equilibrium.user_equilibrium`.

    Returns
    -------
    Portfolio
        ``method="bilevel"``; ``objective`` and ``baseline`` the equilibrium total cost
        (USD per year, with the unserved penalty) with the selected projects and with
        none; ``status`` ``OPTIMAL`` only when the tree was exhausted, else
        ``TIME_LIMIT`` with ``bound``; ``evaluations`` every equilibrium and
        system-optimum solve; ``details`` has ``candidates``, ``cost_basis``,
        ``commodity``, ``unserved_penalty_usd_per_t``, ``ue_solves``, ``so_solves``,
        ``warm_start_solves``, ``nodes``, ``tol``, ``gap``, ``branching``,
        ``algorithm`` and ``warm_start`` (the greedy design).

    Raises
    ------
    ValueError
        For a bad budget or option, a candidate already on in ``scenario``, or a
        candidate that makes some edge worse (slower, dearer, smaller or closed; the
        bound would not hold), naming each.
    UnknownIdError
        For an unknown commodity.
    SolverError
        If an equilibrium does not reach ``gap`` within its iteration limit.

    Examples
    --------
    See the module example.
    """
    start = time.perf_counter()
    check_method_options(budget, gap=gap, demand_factor=1.0, time_limit=time_limit,
                         algorithm=algorithm)
    check_search_options(tol=tol, branching=branching)
    deadline = math.inf if time_limit is None else start + time_limit
    compiled = compiled_of(network)
    compiled.commodity_index(commodity)  # an unknown commodity, named before any solve
    base = scenario or Scenario()
    cands = candidates(compiled, projects, cost=cost)
    _check_not_on(compiled, base, cands)
    ev = _NetworkEvaluator(compiled, demand, base, cands, commodity=commodity, gap=gap,
                           algorithm=algorithm)

    def admissible(design: Design) -> bool:
        return cands.relations_hold(design)

    found = branch_and_bound(ev, ev, budget, admissible=admissible, deadline=deadline,
                             tol=tol, branching=branching, progress=progress)
    table = ev.table
    return Portfolio(
        method="bilevel", selected=table.ids_of(found.best), objective=found.value,
        baseline=found.baseline, cost=table.cost_of(found.best), budget=float(budget),
        status=SolveStatus.OPTIMAL if found.exhausted else SolveStatus.TIME_LIMIT,
        bound=found.bound, seconds=time.perf_counter() - start, evaluations=ev.solves,
        details={"candidates": list(cands.ids), "cost_basis": cost, "commodity": commodity,
                 "unserved_penalty_usd_per_t": ev.penalty, "ue_solves": ev.ue_solves,
                 "so_solves": ev.so_solves, "warm_start_solves": found.warm_start_solves,
                 "nodes": found.nodes, "tol": tol, "gap": gap, "branching": branching,
                 "algorithm": algorithm, "warm_start": list(table.ids_of(found.warm)),
                 "bush_warm_starts": ev.warm_starts},
    )


def _check_not_on(compiled: CompiledNetwork, base: Scenario, cands: Candidates) -> None:
    on = {str(compiled.project_ids[p]) for p in active_projects(compiled, base).tolist()}
    clash = sorted(on & set(cands.ids))
    if clash:
        raise ValueError(f"candidate(s) {clash} are already on in scenario {base.name!r}"
                         " (switched on or due by its year); leave them out")


def _with(base: Scenario, ids: Iterable[str]) -> Scenario:
    return replace(base, projects=tuple(dict.fromkeys([*base.projects, *ids])))


#: Per project effect: its column, the compiled array, and the bound a value must keep
#: (at most 1 for a factor, at least 0 for what is added or saved).
_EFFECTS = (("time_factor", "project_time_factor", "<=", 1.0),
            ("cost_factor", "project_cost_factor", "<=", 1.0),
            ("capacity_added", "project_capacity_added", ">=", 0.0),
            ("dwell_h_saved", "project_dwell_h_saved", ">=", 0.0))


def _changed_edges(base: EquilibriumInputs, built: EquilibriumInputs,
                   ) -> tuple[IntArray, list[str]]:
    """The compiled edges a project changes (``built`` against ``base``), and how it
    makes any of them worse: closed, slower, dearer or with less capacity (each with
    a relative slack of 1e-12 for rounding)."""
    def worse(after: FloatArray, before: FloatArray) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = after > before + 1e-12 * np.abs(before)
        return out

    was_open = np.isfinite(base.free_flow_cost_usd_per_t)
    is_open = np.isfinite(built.free_flow_cost_usd_per_t)
    both = was_open & is_open
    checks = {
        "closes": was_open & ~is_open,
        "slows": both & worse(built.time_cost_usd_per_t, base.time_cost_usd_per_t),
        "raises the cost of": both & worse(built.fixed_cost_usd_per_t,
                                           base.fixed_cost_usd_per_t),
        "cuts the capacity of": worse(base.capacity, built.capacity),
    }
    problems = [f"{what} {int(bad.sum())} edge(s) (first: {_edge_name(base, bad)})"
                for what, bad in checks.items() if bad.any()]
    changed = (was_open != is_open) | (both & (
        (built.time_cost_usd_per_t != base.time_cost_usd_per_t)
        | (built.fixed_cost_usd_per_t != base.fixed_cost_usd_per_t)))
    changed |= built.capacity != base.capacity
    return np.flatnonzero(changed).astype(np.int64), problems


def _edge_name(e: EquilibriumInputs, bad: npt.NDArray[np.bool_]) -> str:
    """The first edge of ``bad``, by its link or crossing id."""
    c = e.compiled
    k = int(np.argmax(bad))
    if c.edge_link[k] >= 0:
        return f"edge {k} of link {c.link_ids[c.edge_link[k]]!r}"
    if c.edge_crossing[k] >= 0:
        return f"edge {k} at crossing {c.crossing_ids[c.edge_crossing[k]]!r}"
    return f"edge {k}"


def _project_rows(demand: pd.DataFrame, base: Scenario, before: EquilibriumInputs,
                  cands: Candidates, commodity: str) -> tuple[IntArray, ...]:
    """Per candidate, the compiled edges it opens or changes (against ``before``, the
    base scenario's inputs); refuses candidates that make the network worse anywhere
    (every problem in one error)."""
    compiled = before.compiled
    problems: list[str] = []
    for pid in cands.ids:
        code = compiled.project_code[pid]
        for column, attr, sense, limit in _EFFECTS:
            value = float(getattr(compiled, attr)[code])
            if not (value <= limit if sense == "<=" else value >= limit):
                problems.append(f"{pid!r} has {column} {value:g}, not {sense} {limit:g}")
    if problems:
        raise ValueError(_worse_message(problems))
    rows = []
    for pid in cands.ids:
        after = equilibrium_inputs(compiled, demand, commodity=commodity,
                                   scenario=_with(base, [pid]))
        edges, worse = _changed_edges(before, after)
        problems.extend(f"{pid!r} {w}" for w in worse)
        rows.append(edges)
    if problems:
        raise ValueError(_worse_message(problems))
    return tuple(rows)


def _worse_message(problems: list[str]) -> str:
    return ("bilevel: every candidate must only lower times and costs, add capacity or "
            "open links (the system-optimum bound of a set of projects then bounds its "
            "subsets); " + "; ".join(problems))


@dataclass(frozen=True)
class _Descent:
    """Where a system-optimum descent stopped: the flow on the problem's edges ``x``,
    the tonnes it leaves unserved ``u`` (of those with a path), the total cost at that
    point (an upper bound of the optimum), the best lower bound met, whether it was
    solved to the run's gap, and the flow on each open project's edges."""

    x: FloatArray
    u: float
    upper: float
    bound: float
    tight: bool
    project_flow: FloatArray


class _NetworkEvaluator:
    """Equilibrium totals of designs and system-optimum bounds of open sets on a network
    of tables, each solved once per run (the
    :class:`~connectivity.invest._dndp_core.BoundEvaluator` of :func:`bilevel_prioritize`).
    """

    def __init__(self, compiled: CompiledNetwork, demand: pd.DataFrame, base: Scenario,
                 cands: Candidates, *, commodity: str, gap: float,
                 algorithm: str = "bfw") -> None:
        self.algorithm = algorithm
        self.compiled = compiled
        self.demand = demand
        self.base = base
        self.commodity = commodity
        self.gap = gap
        empty = equilibrium_inputs(compiled, demand, commodity=commodity, scenario=base)
        self._inputs: OrderedDict[Design, EquilibriumInputs] = OrderedDict()
        self._inputs[frozenset()] = empty
        rows = _project_rows(demand, base, empty, cands, commodity)
        self.table = ProjectTable(ids=cands.ids, cost=np.asarray(cands.cost, dtype=np.float64),
                                  rows=rows)
        p = empty.problem
        i, j = np.nonzero(p.demand > 0)
        free_flow = empty.free_flow_cost_usd_per_t[:, None]
        self.penalty = default_unserved_penalty(compiled, free_flow, p.origins[i],
                                                p.destinations[j],
                                                np.zeros(i.shape[0], dtype=np.int64))
        self._ue: dict[Design, float] = {}
        self._so: dict[Design, _Descent] = {}
        self.ue_solves = 0
        self.so_solves = 0
        self.warm_starts = 0  # bush solves started from the previous design's bushes
        self._last_bushes: BushState | None = None

    @property
    def solves(self) -> int:
        """Equilibrium and system-optimum solves so far."""
        return self.ue_solves + self.so_solves

    def inputs(self, design: Design) -> EquilibriumInputs:
        """The equilibrium arrays with the base scenario's projects and ``design``'s on."""
        hit = self._inputs.get(design)
        if hit is not None:
            self._inputs.move_to_end(design)
            return hit
        scenario = _with(self.base, self.table.ids_of(design))
        out = equilibrium_inputs(self.compiled, self.demand, commodity=self.commodity,
                                 scenario=scenario)
        self._inputs[design] = out
        if len(self._inputs) > _INPUTS_KEPT:
            self._inputs.popitem(last=False)
        return out

    def tstt(self, design: Design) -> float:
        """Equilibrium total cost of ``design`` plus the penalty of its unserved tonnes
        (USD per year; ``assign_equilibrium``'s ``total_cost_usd`` at ``gap``).

        Raises
        ------
        SolverError
            If the equilibrium does not reach the gap within its iteration limit.
        """
        if design in self._ue:
            return self._ue[design]
        self.ue_solves += 1
        e = self.inputs(design)
        warm = self._last_bushes
        if warm is not None and not warm.fits(e.problem):
            warm = None  # the design opens or closes edges: start afresh
        r = user_equilibrium(e.problem, gap=self.gap, max_iter=MAX_ITER,
                             algorithm=self.algorithm, warm_start=warm)
        self.warm_starts += warm is not None
        self._last_bushes = r.state
        if not r.converged:
            raise SolverError(
                f"user equilibrium with projects {list(self.table.ids_of(design))} stopped "
                f"at relative gap {r.gap:.3g} after {r.iterations} iterations, above the "
                f"requested {self.gap:g}")
        # summed over every compiled edge, as assign_equilibrium's total_cost_usd is
        cost = np.zeros(self.compiled.n_edges)
        cost[e.edges] = r.flow * r.cost
        value = float(cost.sum()) + self.penalty * e.unserved_t
        self._ue[design] = value
        logger.debug("UE %s: %.10g", self.table.ids_of(design), value)
        return value

    def so_bound(self, design: Design, threshold: float = math.inf
                 ) -> tuple[float, FloatArray]:
        """A rigorous lower bound on the system-optimum total with ``design`` open, and
        the system-optimum flow on each open project's edges.

        Solved to a relative gap of :data:`SO_FIRST_GAP` first (or ``gap`` if larger),
        then continued to ``gap`` only when that could decide a comparison with
        ``threshold`` (the bound is below it while the upper bound is not).
        """
        hit = self._so.get(design)
        if hit is not None and (hit.tight or not (hit.bound < threshold <= hit.upper)):
            return hit.bound, hit.project_flow
        e = self.inputs(design)
        level = self.gap if hit is not None else max(self.gap, SO_FIRST_GAP)
        self.so_solves += 1
        x, u, upper, bound = _descend(e, self.penalty, level, hit)
        flow = np.zeros(self.compiled.n_edges)
        flow[e.edges] = x
        per_project = np.zeros(self.table.n)
        for p in design:
            per_project[p] = float(flow[self.table.rows[p]].sum())
        self._so[design] = _Descent(x, u, upper, bound, level <= self.gap, per_project)
        logger.debug("SO bound %s at gap %g: %.10g", self.table.ids_of(design), level, bound)
        return bound, per_project


def _descend(e: EquilibriumInputs, penalty: float, gap: float,
             start: _Descent | None) -> tuple[FloatArray, float, float, float]:
    """Frank-Wolfe on the system optimum of ``e`` with unserved demand at ``penalty``,
    from ``start`` (or the all-or-nothing load at zero flow), until the best bound is
    within the relative ``gap`` of the total or :data:`SO_MAX_ITER` iterations.
    Returns the last flow, its unserved tonnes and total, and the best bound.

    Each pair may also go unserved: an edge from a copy of its origin to a copy of its
    destination at the penalty (the copies have no other way in or out), so the
    all-or-nothing load on the marginal costs is the best linear step. The total is
    ``f(x) = sum(x * cost(x)) + penalty * (u + tonnes with no path)``; it is convex, so
    ``f(x) + grad f(x) . (y - x)`` bounds its minimum from below at every iterate
    (at any ``x >= 0``, feasible or not: the rounding of a step cannot spoil it).
    """
    p = e.problem
    vdf = volume_delay(p)
    m, n = p.n_edges, p.n_nodes
    n_o, n_d = p.origins.shape[0], p.destinations.shape[0]
    i, j = np.nonzero(p.demand > 0)
    src = n + np.arange(n_o)
    dst = n + n_o + np.arange(n_d)
    tail = np.concatenate([p.tail, src, p.destinations, src[i]])
    head = np.concatenate([p.head, p.origins, dst, dst[j]])
    extra = np.concatenate([np.zeros(n_o + n_d), np.full(i.shape[0], penalty)])
    graph = paths.from_arrays(tail, head, np.concatenate([vdf.cost(np.zeros(m)), extra]),
                              n + n_o + n_d)
    lost = penalty * e.unserved_t

    def load(weight: FloatArray) -> tuple[FloatArray, float]:
        f = paths.all_or_nothing(paths.reweight(graph, np.concatenate([weight, extra])),
                                 src, dst, p.demand)
        return f[:m], float(f[m + n_o + n_d:].sum())

    def total(x: FloatArray, u: float) -> float:
        return float(np.dot(x, vdf.cost(x))) + penalty * u + lost

    if start is None:
        x, u = load(vdf.cost(np.zeros(m)))
        bound = -math.inf
    else:
        x, u, bound = start.x, start.u, start.bound
    upper = total(x, u)
    for _ in range(SO_MAX_ITER):
        mc = _marginal(vdf, x)
        y, u_y = load(mc)
        dx, du = y - x, u_y - u
        slope = float(np.dot(mc, dx)) + penalty * du
        bound = max(bound, upper + slope)
        if upper - bound <= gap * abs(upper) or slope >= 0:
            break
        step = _step(vdf, x, dx, penalty * du)
        x, u = np.maximum(x + step * dx, 0.0), u + step * du
        upper = total(x, u)
    else:
        logger.debug("SO descent stopped after %d iterations at bound %.10g, total %.10g",
                     SO_MAX_ITER, bound, upper)
    return x, u, upper, bound


def _marginal(vdf: VolumeDelay, x: FloatArray) -> FloatArray:
    """The marginal cost ``d (x * cost(x)) / dx`` of each edge."""
    out: FloatArray = vdf.cost(x) + x * vdf.derivative(x)
    return out


def _step(vdf: VolumeDelay, x: FloatArray, dx: FloatArray, linear: float) -> float:
    """The exact step in [0, 1] from ``x`` along ``dx``: where the directional derivative
    of the total, ``marginal(x + s dx) . dx + linear``, increasing in ``s`` (the total
    is convex), changes sign; by bisection."""
    on = dx != 0
    xs, ds = x[on], dx[on]
    sub = replace(vdf, **{f: getattr(vdf, f)[on] for f in _PER_EDGE})

    def slope(s: float) -> float:
        return float(np.dot(_marginal(sub, xs + s * ds), ds)) + linear

    if slope(1.0) <= 0.0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if slope(mid) > 0.0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


#: The per-edge arrays of a :class:`~connectivity.assign.VolumeDelay`.
_PER_EDGE = ("t0", "capacity", "alpha", "beta", "queue", "service_time", "fixed_cost")
