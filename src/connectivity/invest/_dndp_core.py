"""The core shared by the network design methods: projects, designs and their evaluation.

A *design* is a frozenset of project indices (positions in :class:`ProjectTable`);
ids appear only at the public boundary. :class:`DesignEvaluator` solves each design's
user equilibrium once and each open set's system-optimum bound once within a run, on
a TNTP network; :class:`BoundEvaluator` is what the search
(:mod:`connectivity.invest._bnb`) needs of any such evaluator.
"""

from __future__ import annotations

import difflib
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from connectivity import paths
from connectivity.assign import ALGORITHMS, tntp_equilibrium
from connectivity.errors import NoRouteError, SolverError, UnknownIdError
from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Design = frozenset[int]

#: Iterations a user equilibrium may take to reach the requested gap.
MAX_ITER = 10_000
#: Relative gap of the first system-optimum solve of an open set (see ``so_bound``):
#: about 150 iterations on Sioux Falls against 1,300 to 3,200 for 1e-6, and a bound
#: within 3e-4 of the optimum.
SO_FIRST_GAP = 1e-4
#: Relative slack of the budget test, so that a sum of costs equal to the budget in
#: exact arithmetic is not refused for its last bit.
BUDGET_RTOL = 1e-9


#: Whether a design keeps every dependency and exclusion between projects.
Admissible = Callable[[Design], bool]


def always_admissible(design: Design) -> bool:
    """The rule of a candidate set without dependencies or exclusions."""
    return True


@dataclass(frozen=True)
class ProjectTable:
    """Projects of a candidate set: ids, costs, and per project the rows of what it adds
    or changes (candidate links of a TNTP candidate set, in first-link order; compiled
    edges on a network of tables), on which its flow is measured for branching."""

    ids: tuple[str, ...]
    cost: FloatArray
    rows: tuple[IntArray, ...]

    @property
    def n(self) -> int:
        """Number of projects."""
        return len(self.ids)

    def design_of(self, selected: Iterable[str]) -> Design:
        """The design of project ids; an unknown id is an error naming the nearest."""
        index = {pid: k for k, pid in enumerate(self.ids)}
        out = set()
        for pid in selected:
            if pid not in index:
                near = difflib.get_close_matches(str(pid), self.ids, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else (
                    f"; the projects are {', '.join(self.ids[:10])}"
                    + (", ..." if self.n > 10 else ""))
                raise UnknownIdError(f"unknown project {pid!r}{hint}")
            out.add(index[pid])
        return frozenset(out)

    def ids_of(self, design: Design) -> tuple[str, ...]:
        """Sorted project ids of a design."""
        return tuple(sorted(self.ids[k] for k in design))

    def cost_of(self, design: Iterable[int]) -> float:
        """Capital cost of a design (the sum over its projects)."""
        return float(sum(float(self.cost[k]) for k in design))


def project_table(cands: CandidateLinks) -> ProjectTable:
    """Group the candidate rows into projects; a project's cost is the sum of its rows'."""
    ids = cands.projects
    pid = cands.project_id
    rows = tuple(np.flatnonzero(pid == p).astype(np.int64) for p in ids)
    cost = np.array([float(cands.cost[r].sum()) for r in rows], dtype=np.float64)
    return ProjectTable(ids=ids, cost=cost, rows=rows)


def fits(cost: float, budget: float) -> bool:
    """Whether ``cost`` is within ``budget`` (with :data:`BUDGET_RTOL` of slack)."""
    return cost <= budget + BUDGET_RTOL * max(1.0, abs(budget))


def check_method_options(
    budget: float, *, gap: float, demand_factor: float, time_limit: float | None = None,
    algorithm: str = "bfw",
) -> None:
    """Refuse a bad budget, gap, demand factor, time limit or equilibrium algorithm,
    naming the value."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown equilibrium algorithm {algorithm!r}; choose one of "
                         f"{', '.join(ALGORITHMS)}")
    if not (isinstance(budget, int | float) and math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget must be a finite number >= 0, got {budget!r}")
    if not (isinstance(gap, int | float) and 0 < gap < 1):
        raise ValueError(f"gap must be a relative gap in (0, 1), got {gap!r}")
    if not (isinstance(demand_factor, int | float) and math.isfinite(demand_factor)
            and demand_factor > 0):
        raise ValueError(f"demand_factor must be a finite number > 0, got {demand_factor!r}")
    if time_limit is not None and not (isinstance(time_limit, int | float)
                                       and time_limit > 0 and not math.isnan(time_limit)):
        raise ValueError(f"time_limit must be a number of seconds > 0, got {time_limit!r}")


class DesignValue(Protocol):
    """A design's value at user equilibrium (``tstt``), of the projects of ``table``."""

    @property
    def table(self) -> ProjectTable:
        """The projects."""
        ...

    def tstt(self, design: Design) -> float:
        """The value of ``design`` (``inf`` if some demand has no path)."""
        ...


class BoundEvaluator(DesignValue, Protocol):
    """A :class:`DesignValue` that also bounds, from below, every design within an open
    set: ``so_bound(design, threshold)`` is a rigorous lower bound on the value of every
    subset of ``design`` and the system-optimum flow on each open project (solved
    tighter only when that could decide a comparison with ``threshold``); the solve
    counts are ``ue_solves`` and ``so_solves``, and ``solves`` their sum."""

    @property
    def ue_solves(self) -> int:
        """User-equilibrium solves so far."""
        ...

    @property
    def so_solves(self) -> int:
        """System-optimum solves so far."""
        ...

    @property
    def solves(self) -> int:
        """Both."""
        ...

    def so_bound(self, design: Design, threshold: float = math.inf
                 ) -> tuple[float, FloatArray]:
        """The lower bound of ``design``'s subsets and the flow per open project."""
        ...


class DesignEvaluator:
    """User-equilibrium TSTT of designs and system-optimum lower bounds, each solved once.

    The network of a design is the existing links followed by the candidate links of
    its projects, with the TNTP conventions of :func:`~connectivity.assign.tntp_equilibrium`.
    ``ue_solves`` and ``so_solves`` count the solves (cache hits are free).
    """

    def __init__(self, net: TntpNetwork, trips: TntpTrips, cands: CandidateLinks,
                 table: ProjectTable, *, gap: float, demand_factor: float,
                 algorithm: str = "bfw") -> None:
        bad = np.flatnonzero((cands.init_node > net.n_nodes) | (cands.term_node > net.n_nodes))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"candidate link {int(cands.init_node[i])} -> {int(cands.term_node[i])} of "
                f"project {str(cands.project_id[i])!r} uses a node outside 1..{net.n_nodes}")
        self.net = net
        self.trips = (trips if demand_factor == 1.0 else
                      TntpTrips(trips.n_zones, trips.matrix * demand_factor, trips.metadata))
        self.table = table
        self.gap = gap
        self.algorithm = algorithm
        k = cands.n_links
        self._links = {
            "init_node": np.concatenate([net.init_node, cands.init_node]),
            "term_node": np.concatenate([net.term_node, cands.term_node]),
            "capacity": np.concatenate([net.capacity, cands.capacity]),
            "length": np.concatenate([net.length, cands.length]),
            "free_flow_time": np.concatenate([net.free_flow_time, cands.free_flow_time]),
            "b": np.concatenate([net.b, cands.b]),
            "power": np.concatenate([net.power, cands.power]),
            "speed": np.concatenate([net.speed, np.zeros(k)]),
            "toll": np.concatenate([net.toll, np.zeros(k)]),
            "link_type": np.concatenate([net.link_type, np.ones(k, dtype=np.int64)]),
        }
        self._n_existing = net.n_links
        self._ue: dict[Design, float] = {}
        self._so: dict[Design, tuple[float, float, FloatArray, bool]] = {}
        self.ue_solves = 0
        self.so_solves = 0

    @property
    def solves(self) -> int:
        """User-equilibrium and system-optimum solves so far."""
        return self.ue_solves + self.so_solves

    def _rows(self, design: Design) -> IntArray:
        cand = [self.table.rows[p] for p in sorted(design)]
        extra = (np.concatenate(cand) if cand else np.zeros(0, dtype=np.int64))
        return np.concatenate([np.arange(self._n_existing), self._n_existing + extra])

    def _network(self, rows: IntArray, b: FloatArray) -> TntpNetwork:
        c = self._links
        return TntpNetwork(
            self.net.n_zones, self.net.n_nodes, self.net.first_thru_node,
            init_node=c["init_node"][rows], term_node=c["term_node"][rows],
            capacity=c["capacity"][rows], length=c["length"][rows],
            free_flow_time=c["free_flow_time"][rows], b=b[rows], power=c["power"][rows],
            speed=c["speed"][rows], toll=c["toll"][rows], link_type=c["link_type"][rows])

    def tstt(self, design: Design) -> float:
        """UE total system travel time of ``design`` (``inf`` if some demand has no path).

        Raises
        ------
        SolverError
            If the equilibrium does not reach the gap in :data:`MAX_ITER` iterations.
        """
        if design in self._ue:
            return self._ue[design]
        self.ue_solves += 1
        try:
            r = tntp_equilibrium(self._network(self._rows(design), self._links["b"]),
                                 self.trips, gap=self.gap, max_iter=MAX_ITER,
                                 algorithm=self.algorithm)
        except NoRouteError:
            value = math.inf
        else:
            if not r.converged:
                raise SolverError(
                    f"user equilibrium with projects {list(self.table.ids_of(design))} stopped "
                    f"at relative gap {r.gap:.3g} after {r.iterations} iterations, above the "
                    f"requested {self.gap:g}; ask for a larger gap")
            value = r.tstt
        self._ue[design] = value
        logger.debug("UE %s: TSTT %.6g", self.table.ids_of(design), value)
        return value

    def so_bound(self, design: Design, threshold: float = math.inf) -> tuple[float, FloatArray]:
        """A rigorous lower bound on the system-optimum TSTT with ``design`` open, and
        the system-optimum flow on each project's links (0 for projects not open).

        The system optimum is the equilibrium under marginal-cost BPR (``b * (power +
        1)``); at its flows ``x``, with ``y`` the all-or-nothing load on the marginal
        costs ``c``, convexity of the TSTT ``f`` gives ``min f >= f(x) + c . (y - x)``
        whatever the gap reached (the Frank-Wolfe bound). ``inf`` if some demand has no
        path.

        The first solve stops at the relative gap :data:`SO_FIRST_GAP` (or ``gap`` if
        larger). It is solved again to ``gap`` only when that could decide a
        comparison with ``threshold``: the bound is below it while ``f(x)``, an upper
        bound on the system optimum, is not.
        """
        hit = self._so.get(design)
        if hit is not None:
            bound, upper, flow, tight = hit
            if tight or not (bound < threshold <= upper):
                return bound, flow
        levels = (max(self.gap, SO_FIRST_GAP), self.gap)
        level = levels[1] if hit is not None else levels[0]
        bound, upper, flow = self._so_solve(design, level)
        self._so[design] = (bound, upper, flow, level <= self.gap)
        logger.debug("SO bound %s at gap %g: %.6g", self.table.ids_of(design), level, bound)
        return bound, flow

    def _so_solve(self, design: Design, gap: float) -> tuple[float, float, FloatArray]:
        """Bound, ``f(x)`` and per-project flow of one system-optimum solve at ``gap``."""
        self.so_solves += 1
        rows = self._rows(design)
        b_marginal = self._links["b"] * (self._links["power"] + 1.0)
        per_project = np.zeros(self.table.n)
        try:
            net = self._network(rows, b_marginal)
            r = tntp_equilibrium(net, self.trips, gap=gap, max_iter=MAX_ITER,
                                 algorithm=self.algorithm)
            y = _all_or_nothing(net, self.trips, r.cost)
        except NoRouteError:
            return math.inf, math.inf, per_project
        x = r.flow
        f = float(np.dot(x, _bpr_time(self._network(rows, self._links["b"]), x)))
        bound = f + float(np.dot(r.cost, y - x))
        flow = np.zeros(self._links["b"].shape[0])
        flow[rows] = x
        cand_flow = flow[self._n_existing:]
        for p in design:
            per_project[p] = float(cand_flow[self.table.rows[p]].sum())
        return bound, f, per_project


def _bpr_time(net: TntpNetwork, x: FloatArray) -> FloatArray:
    """BPR travel time per link, with the TNTP convention of tntp_equilibrium (a link
    without capacity and without ``b`` is not congested)."""
    free = (net.capacity <= 0) & (net.b == 0)
    rho = x / np.where(free, 1.0, net.capacity)
    return net.free_flow_time * (1.0 + np.where(free, 0.0, net.b) * np.power(rho, net.power))


def _all_or_nothing(net: TntpNetwork, trips: TntpTrips, cost: FloatArray) -> FloatArray:
    """All-or-nothing flows on ``cost``, with the routing rule of tntp_equilibrium: zones
    below the first through node start and end trips but are not passed through (trips
    end at a copy of the zone that has only its in-links)."""
    n = net.n_nodes
    tail = net.init_node - 1
    head = net.term_node - 1
    zones = np.arange(trips.n_zones, dtype=np.int64)
    no_through = np.arange(min(max(net.first_thru_node - 1, 0), n), dtype=np.int64)
    sink = np.full(n, -1, dtype=np.int64)
    sink[no_through] = n + np.arange(no_through.shape[0])
    head = np.where(sink[head] >= 0, sink[head], head)
    dest = np.where(sink[zones] >= 0, sink[zones], zones)
    graph = paths.from_arrays(tail, head, cost, n + int(no_through.shape[0]))
    return paths.all_or_nothing(graph, zones, dest, trips.matrix)


def greedy_fill(
    ev: DesignValue, budget: float, *, deadline: float = math.inf,
    admissible: Admissible = always_admissible,
) -> tuple[Design, list[tuple[str, float]]]:
    """Add, one at a time, the project with the largest UE benefit per cost given those
    already chosen, until none that fits the budget lowers the TSTT (or the deadline,
    a :func:`time.perf_counter` value, passes). Returns the design and the steps (id,
    benefit per unit cost).

    A project is a step only when the design with it stays ``admissible``: a project
    that needs another is added only once that one is in (never both in one step, so
    a prerequisite that saves nothing alone keeps its dependants out), and one that an
    earlier choice excludes is never added."""
    table = ev.table
    design: Design = frozenset()
    value = ev.tstt(design)
    steps: list[tuple[str, float]] = []
    while time.perf_counter() < deadline:
        spent = table.cost_of(design)
        best: tuple[float, int, float] | None = None  # ratio, project, TSTT
        for p in range(table.n):
            if (p in design or not fits(spent + float(table.cost[p]), budget)
                    or not admissible(design | {p})):
                continue
            if time.perf_counter() >= deadline:
                break
            v = ev.tstt(design | {p})
            gain = value - v
            if not gain > 0:
                continue
            ratio = gain / float(table.cost[p]) if table.cost[p] > 0 else math.inf
            if best is None or ratio > best[0]:
                best = (ratio, p, v)
        if best is None:
            break
        design = design | {best[1]}
        value = best[2]
        steps.append((table.ids[best[1]], best[0]))
    return design, steps
