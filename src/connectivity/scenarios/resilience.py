"""Criticality: which links, crossings, ports, places or countries matter most.

:func:`criticality` removes each element in turn (and, optionally, pairs of the most
critical ones) and measures what the demand loses: the increase in generalized cost of
the tonnes that are still served, and the tonnes left with no route (or, under the
system optimum, no capacity). The rest of the network is re-routed by all-or-nothing
(``method="aon"``, per commodity, as :func:`connectivity.assign_aon`) or by the
capacity-constrained system optimum (``method="so"``, as
:func:`connectivity.assign_system_optimum`).

**Removal is a mask, not a rebuild.** An element is the set of compiled edges that a
:class:`~connectivity.tables.Scenario` closing it would close (see
:mod:`connectivity.scenarios` and ``docs/resilience.md``); removing it sets those
edges' costs to ``inf`` on the same CSR structure (:func:`connectivity.paths.reweight`)
or in the same flow problem's cost matrix. Two facts make the loop cheap, and both are
exact:

- all-or-nothing: closing edges never makes a route cheaper, so an OD pair whose base
  route avoids the element keeps its cost; only the pairs whose base route uses it are
  re-routed (one search per origin among them, stopping when their destinations are
  settled);
- system optimum: the base optimum stays feasible when an element that carries none of
  its flow is removed, so it stays optimal; only elements with base flow are re-solved
  (by path column generation, :func:`connectivity.assign.solve_paths`, started from the
  base's paths that avoid the element).

**What is measured.** ``delta_cost_usd_per_year``: for each OD pair, the generalized
cost of the tonnes it has served both before and after the removal, after minus before,
summed. All-or-nothing serves an OD pair on one route, so this is its tonnes times the
change of its route cost. The system optimum can serve part of a pair; the tonnes it
loses are taken from its dearest routes (the cheapest ones are compared), so tonnes that
lose service never count as a saving; the delta can still be negative there, when lost
tonnes free capacity that other pairs then use on cheaper routes.
``delta_unserved_t_per_year``: the tonnes that lose service (net). The table ranks by
lost tonnes, then by extra cost.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import _progress, paths
from connectivity.assign import FlowProblem, PathSolution, solve_paths
from connectivity.errors import SolverError
from connectivity.graph import CompiledNetwork, compiled_of
from connectivity.optimize import SolveStatus
from connectivity.scenarios._elements import ELEMENT_KINDS, SINGULAR, Elements, elements_of
from connectivity.scenarios._flows import (
    SERVED_TOL,
    DemandArrays,
    cheapest_cost,
    demand_arrays,
    least_cost_routes,
    path_flows,
    so_problem,
    with_closed,
)
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["CriticalityResult", "criticality", "CRITICALITY_METHODS", "ELEMENT_KINDS",
           "PAIR_POOL"]

#: Re-routing methods: all-or-nothing, system optimum.
CRITICALITY_METHODS = ("aon", "so")
#: With ``pairs=True``: every pair among this many of the most critical single elements.
PAIR_POOL = 10
#: Re-routing searches from at most this many origins run one after another.
_SERIAL_ORIGINS = 64

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_COLUMNS = ["element_id", "name", "kind", "delta_cost_usd_per_year", "delta_cost_pct",
            "delta_unserved_t_per_year", "od_pairs_cut", "base_flow_t_per_year",
            "cost_usd_per_year", "unserved_t_per_year"]
_PAIR_COLUMNS = ["element_a", "element_b", "delta_cost_usd_per_year", "delta_cost_pct",
                 "delta_unserved_t_per_year", "od_pairs_cut", "excess_cost_usd_per_year",
                 "excess_unserved_t_per_year", "cost_usd_per_year", "unserved_t_per_year"]


@dataclass(frozen=True)
class CriticalityResult:
    """Criticality of one kind of element under one re-routing method.

    Attributes
    ----------
    method
        ``"aon"`` or ``"so"``.
    elements
        The kind removed: ``links``, ``crossings``, ``ports``, ``places`` or ``countries``.
    scenario
        Name of the base scenario the elements are removed from.
    table
        One row per element, most critical first: ``element_id``, ``name``, ``kind``,
        ``delta_cost_usd_per_year`` (extra generalized cost of the tonnes still served),
        ``delta_cost_pct`` (of the base cost), ``delta_unserved_t_per_year``,
        ``od_pairs_cut`` (demand rows that lose all service), ``base_flow_t_per_year``
        (tonnes whose base route uses the element, each counted once),
        ``cost_usd_per_year`` and ``unserved_t_per_year`` (totals after the removal).
        Only the first ``top`` rows when ``top`` was given.
    pairs
        With ``pairs``: one row per pair of elements (``element_a``, ``element_b``), the
        same measures for removing both, and ``excess_cost_usd_per_year`` and
        ``excess_unserved_t_per_year``: what the pair costs beyond its two elements
        removed alone (positive where each is the other's backup). Empty otherwise.
    base_cost_usd, base_unserved_t
        Generalized cost of the served tonnes and unserved tonnes per year, no removal.
    n_elements, n_rerouted
        Elements evaluated, and those whose removal needed any re-routing (the others
        carry no base flow: nothing changes).
    base_seconds, seconds, seconds_per_element
        Wall time of the base assignment, of the whole call, and of the removals per
        single element evaluated (pairs not included).
    unserved_penalty_usd_per_t
        The system optimum's penalty per unserved tonne (held at its base value for
        every removal); ``None`` for all-or-nothing.
    """

    method: str
    elements: str
    scenario: str
    table: pd.DataFrame
    pairs: pd.DataFrame
    base_cost_usd: float
    base_unserved_t: float
    n_elements: int
    n_rerouted: int
    base_seconds: float
    seconds: float
    seconds_per_element: float
    unserved_penalty_usd_per_t: float | None = None

    def __repr__(self) -> str:
        return (f"CriticalityResult(method={self.method!r}, elements={self.elements!r}, "
                f"{self.n_elements} evaluated, {self.n_rerouted} re-routed, "
                f"{self.seconds_per_element * 1000:.3g} ms per element)")


@dataclass(frozen=True)
class _Outcome:
    """What one removal changes (totals after it, and the deltas of the module docstring)."""

    cost_usd: float
    unserved_t: float
    delta_cost_usd: float
    delta_unserved_t: float
    cut: int
    rerouted: bool


class _Aon:
    """All-or-nothing re-routing of the OD pairs whose base route a removal cuts."""

    def __init__(self, compiled: CompiledNetwork, d: DemandArrays, scenario: Scenario) -> None:
        del scenario  # its closures and prices are in d.costs already
        self.compiled, self.d = compiled, d
        self.base = least_cost_routes(compiled, d)
        self.base_unserved = float(d.tonnes.sum() - self.base.served_t.sum())
        self.penalty: float | None = None

    def remove(self, edges: IntArray, hit: IntArray, what: str) -> _Outcome:
        """Close ``edges``; ``hit`` are the base paths that use one of them; ``what`` names
        the removal (for messages; a shortest-path search cannot fail)."""
        del what
        b, d = self.base, self.d
        if not hit.size:
            return _unchanged(b.total_cost_usd, self.base_unserved)
        od = b.od[hit]  # one path per served OD row
        new = np.empty(od.shape[0])
        for k in np.unique(d.commodity[od]).tolist():
            sel = np.flatnonzero(d.commodity[od] == k)
            cost = d.costs[:, k].copy()
            cost[edges] = np.inf
            graph = paths.reweight(self.compiled.graph, cost)
            new[sel] = _distances(graph, d.origin[od[sel]], d.destination[od[sel]])
        old, tonnes = b.cost_usd_per_t[hit], d.tonnes[od]
        lost = ~np.isfinite(new)
        delta = float(tonnes[~lost] @ (new[~lost] - old[~lost]))
        lost_t = float(tonnes[lost].sum())
        return _Outcome(
            cost_usd=b.total_cost_usd + delta - float(tonnes[lost] @ old[lost]),
            unserved_t=self.base_unserved + lost_t, delta_cost_usd=delta,
            delta_unserved_t=lost_t, cut=int(lost.sum()), rerouted=True,
        )


def _distances(graph: paths.CSRGraph, origin: IntArray, destination: IntArray) -> FloatArray:
    """Least cost of each (origin, destination) pair; each search stops once its
    destinations are settled."""
    origins, o_inv = np.unique(origin, return_inverse=True)
    dests, d_inv = np.unique(destination, return_inverse=True)
    if origins.shape[0] > _SERIAL_ORIGINS:
        out: FloatArray = paths.distances(graph, origins, dests)[o_inv, d_inv]
        return out
    # a few origins: one search each, in this thread (waking numba's thread pool took
    # about 8 ms on a busy 2-core machine, more than 47 searches of the bundled network)
    out = np.empty(origin.shape[0])
    for i, o in enumerate(origins.tolist()):
        rows = np.flatnonzero(o_inv == i)
        here, inv = np.unique(destination[rows], return_inverse=True)
        out[rows] = paths.distances(graph, [o], here)[0, inv]
    return out


class _SystemOptimum:
    """System-optimal re-solves (path column generation) of removals that cut base flow,
    each started from the base's paths that stay open."""

    def __init__(self, compiled: CompiledNetwork, d: DemandArrays, scenario: Scenario) -> None:
        self.problem = so_problem(compiled, d, scenario)
        sol = self._solve(self.problem, "the base")
        self.start = (sol.path_od, sol.path_start, sol.path_edges)
        self.base = path_flows(self.problem, sol)
        self.base_unserved = float(self.problem.tonnes.sum() - self.base.served_t.sum())
        self.penalty: float | None = float(self.problem.penalty[0])

    @staticmethod
    def _solve(problem: FlowProblem, what: str,
               start: tuple[IntArray, IntArray, IntArray] | None = None) -> PathSolution:
        sol = solve_paths(problem, start_paths=start)
        if sol.result.status is not SolveStatus.OPTIMAL:
            raise SolverError(
                f"system optimum of {what}: status {sol.result.status.value} "
                f"({sol.result.message}); criticality needs proved optima"
            )
        return sol

    def remove(self, edges: IntArray, hit: IntArray, what: str) -> _Outcome:
        """Close ``edges`` and re-solve, unless the base paths ``hit`` carry no flow."""
        b = self.base
        if not (b.flow_t[hit] > 0).any():
            return _unchanged(b.total_cost_usd, self.base_unserved)
        problem = with_closed(self.problem, edges)
        after = path_flows(problem, self._solve(problem, f"the network without {what}",
                                                self.start))
        both = np.minimum(b.served_t, after.served_t)
        delta = float((cheapest_cost(after, both) - cheapest_cost(b, both)).sum())
        unserved = float(self.problem.tonnes.sum() - after.served_t.sum())
        cut = int(((b.served_t > SERVED_TOL) & (after.served_t <= SERVED_TOL)).sum())
        return _Outcome(cost_usd=after.total_cost_usd, unserved_t=unserved,
                        delta_cost_usd=delta, delta_unserved_t=unserved - self.base_unserved,
                        cut=cut, rerouted=True)


def _unchanged(cost: float, unserved: float) -> _Outcome:
    return _Outcome(cost_usd=cost, unserved_t=unserved, delta_cost_usd=0.0,
                    delta_unserved_t=0.0, cut=0, rerouted=False)


def _pool_size(pairs: bool | int) -> int:
    if pairs is True:
        return PAIR_POOL
    if pairs is False:
        return 0
    if isinstance(pairs, bool) or not isinstance(pairs, int) or pairs < 0 or pairs == 1:
        raise ValueError(f"pairs={pairs!r} must be True, False or a number of elements >= 2 "
                         "(pairs among that many of the most critical)")
    return pairs


def _check_options(method: str, top: int | None) -> None:
    if method not in CRITICALITY_METHODS:
        raise ValueError(f"method={method!r} is not a re-routing method; choose one of "
                         f"{', '.join(CRITICALITY_METHODS)}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top={top!r} must be a whole number >= 1 (or None for every element)")


def criticality(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    elements: str = "links",
    method: str = "aon",
    candidates: Iterable[str] | None = None,
    top: int | None = None,
    pairs: bool | int = False,
    commodity: str | None = None,
    scenario: Scenario | None = None,
    progress: bool | None = None,
) -> CriticalityResult:
    """Remove each element in turn; rank them by the demand's loss (see the module
    docstring for what is measured and how removal works).

    Parameters
    ----------
    network
        Tables or compiled network.
    demand
        Demand table (see :func:`connectivity.read_demand`).
    elements
        What to remove: ``"links"`` (by link id, both directions), ``"crossings"``,
        ``"ports"`` (places of kind sea, Caspian or dry port: every edge at the place),
        ``"places"`` (any place) or ``"countries"`` (as ``avoid_countries``).
    method
        Re-routing: ``"aon"`` (all-or-nothing per commodity) or ``"so"`` (the
        capacity-constrained system optimum; its unserved penalty is held at the base's).
    candidates
        Ids to evaluate (default: every element of the kind). Elements that carry no base
        flow cost nothing to evaluate: their removal changes nothing.
    top
        Keep the ``top`` most critical rows in ``table`` (default: all).
    pairs
        Also remove pairs of elements: ``True`` for every pair among the
        :data:`PAIR_POOL` (10) most critical single elements, or a number for a pool of
        that size. Pairs outside the pool are not evaluated: two parallel elements that
        each matter little alone are found only if both are in the pool.
    commodity
        Only this commodity's demand (default: all).
    scenario
        Base scenario the elements are removed from (default: the base network).
    progress
        Show a bar of the removals (elements, then pairs) on stderr (``None``: when
        stderr is a terminal; :mod:`connectivity._progress`); the system optima solved
        inside show none.

    Returns
    -------
    CriticalityResult

    Raises
    ------
    ValueError
        For an unknown ``elements``, ``method``, a bad ``top`` or ``pairs``, or a demand
        with no positive row.
    UnknownIdError
        For an unknown candidate id or commodity, naming the nearest known one.
    SolverError
        When a system optimum is not proved optimal.

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.scenarios import criticality
    >>> net = cn.load_bundled()
    >>> r = criticality(net, cn.load_bundled_demand(net), elements="crossings", top=3)
    >>> len(r.table), bool(r.table["delta_cost_usd_per_year"].iloc[0] > 0)
    (3, True)
    """
    start = time.perf_counter()
    _check_options(method, top)
    pool = _pool_size(pairs)
    scenario = scenario or Scenario()
    compiled = compiled_of(network)
    els = elements_of(compiled, elements, candidates)
    d = demand_arrays(compiled, demand, scenario, commodity=commodity)
    k = min(pool, els.n) if pool >= 2 and els.n >= 2 else 0
    with _progress.bar(els.n + k * (k - 1) // 2, "criticality", unit="removal",
                       progress=progress) as bar:
        return _criticality(compiled, d, els, method=method, top=top, pool=pool,
                            scenario=scenario, start=start, bar=bar)


def _criticality(  # noqa: PLR0913 (criticality's checked arguments and its bar)
    compiled: CompiledNetwork, d: DemandArrays, els: Elements, *, method: str,
    top: int | None, pool: int, scenario: Scenario, start: float, bar: _progress.Bar,
) -> CriticalityResult:  # fmt: skip
    """The removals of :func:`criticality`, counted on ``bar``."""
    elements = els.kind
    engine = (_Aon if method == "aon" else _SystemOptimum)(compiled, d, scenario)
    base = engine.base
    uses = ((base.incidence(compiled.n_edges) @ els.incidence(compiled.n_edges)) > 0).tocsc()
    base_seconds = time.perf_counter() - start

    def remove(js: tuple[int, ...]) -> _Outcome:
        edges = np.unique(np.concatenate([els.edges_of(j) for j in js]))
        hit = np.unique(np.concatenate([_column(uses, j) for j in js]))
        what = " and ".join(f"{SINGULAR[elements]} {els.ids[j]!r}" for j in js)
        out = engine.remove(edges, hit, what)
        bar.update()
        return out

    loop_start = time.perf_counter()
    singles = [remove((j,)) for j in range(els.n)]
    loop_seconds = time.perf_counter() - loop_start
    base_flow = np.asarray(uses.T @ base.flow_t).reshape(-1)
    table = _table(els, singles, base_flow, base.total_cost_usd)
    pair_table = _pairs(els, table, singles, pool, remove, base.total_cost_usd)
    return CriticalityResult(
        method=method, elements=elements, scenario=scenario.name,
        table=table.head(top).reset_index(drop=True) if top else table, pairs=pair_table,
        base_cost_usd=base.total_cost_usd, base_unserved_t=engine.base_unserved,
        n_elements=els.n, n_rerouted=sum(o.rerouted for o in singles),
        base_seconds=base_seconds, seconds=time.perf_counter() - start,
        seconds_per_element=loop_seconds / max(els.n, 1),
        unserved_penalty_usd_per_t=engine.penalty,
    )


def _column(matrix: sp.csc_matrix, j: int) -> IntArray:
    """Row indices of the nonzeros of column ``j``."""
    rows: IntArray = matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]].astype(np.int64)
    return rows


def _pct(delta: float, base: float) -> float:
    return 100.0 * delta / base if base > 0 else float("nan")


def _snap(delta: float, base: float) -> float:
    """``delta``, or 0 where it is rounding noise of sums of size ``base``."""
    return 0.0 if abs(delta) <= 1e-12 * max(abs(base), 1.0) else delta


def _ranked(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Most lost tonnes first, then most extra cost, then by id (a stable order)."""
    return frame.sort_values(["delta_unserved_t_per_year", "delta_cost_usd_per_year", *key],
                             ascending=[False, False] + [True] * len(key),
                             ignore_index=True, kind="mergesort")


def _table(els: Elements, out: list[_Outcome], base_flow: FloatArray,
           base_cost: float) -> pd.DataFrame:
    frame = pd.DataFrame({
        "element_id": list(els.ids), "name": list(els.names),
        "kind": [SINGULAR[els.kind]] * els.n,
        "delta_cost_usd_per_year": [_snap(o.delta_cost_usd, base_cost) for o in out],
        "delta_cost_pct": [_pct(o.delta_cost_usd, base_cost) for o in out],
        "delta_unserved_t_per_year": [o.delta_unserved_t for o in out],
        "od_pairs_cut": [o.cut for o in out],
        "base_flow_t_per_year": base_flow,
        "cost_usd_per_year": [o.cost_usd for o in out],
        "unserved_t_per_year": [o.unserved_t for o in out],
    }, columns=_COLUMNS)
    return _ranked(frame, ["element_id"])


def _pairs(
    els: Elements, table: pd.DataFrame, singles: list[_Outcome], pool: int,
    remove: Callable[[tuple[int, ...]], _Outcome], base_cost: float,
) -> pd.DataFrame:  # fmt: skip
    if pool < 2 or els.n < 2:
        return pd.DataFrame(columns=_PAIR_COLUMNS)
    index = {x: j for j, x in enumerate(els.ids)}
    chosen = sorted(index[x] for x in table["element_id"].head(pool))
    rows = []
    for a, b in itertools.combinations(chosen, 2):
        o = remove((a, b))
        rows.append({
            "element_a": els.ids[a], "element_b": els.ids[b],
            "delta_cost_usd_per_year": o.delta_cost_usd,
            "delta_cost_pct": _pct(o.delta_cost_usd, base_cost),
            "delta_unserved_t_per_year": o.delta_unserved_t, "od_pairs_cut": o.cut,
            "excess_cost_usd_per_year": _snap(o.delta_cost_usd - singles[a].delta_cost_usd
                                              - singles[b].delta_cost_usd, base_cost),
            "excess_unserved_t_per_year": (o.delta_unserved_t - singles[a].delta_unserved_t
                                           - singles[b].delta_unserved_t),
            "cost_usd_per_year": o.cost_usd, "unserved_t_per_year": o.unserved_t,
        })
    return _ranked(pd.DataFrame(rows, columns=_PAIR_COLUMNS), ["element_a", "element_b"])
