"""Select-link analysis: which origin-destination flows, by commodity, use an element.

:func:`select_link` assigns the demand and splits the tonnes through one link,
crossing, place (a port, say) or country by the demand row they belong to. An assignment
gives flows on edges; which OD pair they belong to needs flows on paths, and how exact
that is depends on the method:

- ``"aon"``: every OD row is on one least-cost route (per commodity, as
  :func:`connectivity.assign_aon`). Exact. Where two routes tie in cost the search
  keeps one of them, as the loading does.
- ``"so"``: the system optimum by path column generation
  (:func:`connectivity.assign.solve_paths`) is already a set of path flows, and they sum
  to its edge flows exactly. Exact for that optimum; where the LP has several optima
  (ties), another solver may split the same cost differently.
- ``"ue"``: the user equilibrium fixes the flow on every edge but not on paths (many
  path flows give the same edge flows). The equilibrium is solved as
  :func:`connectivity.assign_equilibrium` solves it (biconjugate Frank-Wolfe, same
  ``gap`` and ``max_iter``), keeping its all-or-nothing loads
  (:class:`connectivity.assign.LoadHistory`): its flow is a weighted sum of them, so
  each load's paths, with the load's weight, are a decomposition of that very flow. The
  split is exact for that flow (the tonnes through the element equal its flow on the
  element, to rounding); it is one decomposition among the many the equilibrium allows,
  the one the algorithm's iterations built, and the flow is an equilibrium to
  ``gap``. It is a single class (``commodity``'s value of time prices every tonne), so
  an OD pair's tonnes split by commodity in proportion to its demand.

The element's tonnes are counted once per tonne whose path uses any of its edges (a
tonne through a place enters and leaves it, and counts once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import paths
from connectivity.assign import (
    EquilibriumInputs,
    equilibrium_inputs,
    solve_paths,
    user_equilibrium,
)
from connectivity.assign.pathsets import trace_paths
from connectivity.errors import SolverError
from connectivity.graph import CompiledNetwork, compiled_of
from connectivity.optimize import SolveStatus
from connectivity.scenarios._elements import SINGULAR, Elements, find_element
from connectivity.scenarios._flows import (
    DemandArrays,
    PathFlows,
    demand_arrays,
    demand_rows,
    least_cost_routes,
    od_nodes,
    path_flows,
    so_problem,
)
from connectivity.tables import Network, Scenario

__all__ = ["SelectLinkResult", "select_link", "SELECT_LINK_METHODS"]

#: Assignment methods of :func:`select_link`.
SELECT_LINK_METHODS = ("aon", "ue", "so")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_COLUMNS = ["origin", "destination", "commodity", "tonnes_per_year", "through_t_per_year",
            "share_of_od"]


@dataclass(frozen=True)
class SelectLinkResult:
    """The OD flows through one element under one assignment method.

    Attributes
    ----------
    element_id, name, kind
        The element (``kind``: ``link``, ``crossing``, ``port``, ``place`` or ``country``).
    method
        ``"aon"``, ``"ue"`` or ``"so"``.
    scenario
        Scenario name.
    table
        One row per demand row with tonnes through the element, most first: ``origin``,
        ``destination``, ``commodity``, ``tonnes_per_year`` (the row's demand),
        ``through_t_per_year`` and ``share_of_od`` (of the row's demand, 0 to 1).
    through_t_per_year
        Tonnes per year through the element (the sum of the table).
    exact
        Whether the split is an exact decomposition of an exact answer (``aon``, ``so``);
        the ``ue`` split is exact for a flow that is an equilibrium to ``relative_gap``,
        and one of the many splits that flow allows (see the module docstring).
    relative_gap
        ``ue``: the relative gap of that flow; ``None`` otherwise.
    seconds
        Wall time.
    """

    element_id: str
    name: str
    kind: str
    method: str
    scenario: str
    table: pd.DataFrame
    through_t_per_year: float
    exact: bool
    relative_gap: float | None
    seconds: float

    def __repr__(self) -> str:
        return (f"SelectLinkResult({self.kind} {self.element_id!r}, method={self.method!r}, "
                f"{len(self.table)} OD rows, {self.through_t_per_year:.6g} t/yr)")


def select_link(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    element: str,
    *,
    method: str = "aon",
    kind: str | None = None,
    commodity: str | None = None,
    scenario: Scenario | None = None,
    gap: float = 1e-4,
    max_iter: int = 500,
) -> SelectLinkResult:
    """Which demand rows (origin, destination, commodity) send tonnes through ``element``.

    Parameters
    ----------
    network
        Tables or compiled network.
    demand
        Demand table (see :func:`connectivity.read_demand`).
    element
        A link, crossing or place id, or a country code.
    method
        ``"aon"`` (all-or-nothing), ``"ue"`` (user equilibrium) or ``"so"`` (system
        optimum); see the module docstring for what is exact.
    kind
        ``"links"``, ``"crossings"``, ``"ports"``, ``"places"`` or ``"countries"``, when
        the id names elements of several kinds (default: found from the id).
    commodity
        ``"ue"`` only: the commodity whose value of time and allowed modes price every
        tonne (default ``"container"``), as :func:`connectivity.assign_equilibrium`.
    scenario
        Closures, years, projects, factors, carbon price.
    gap, max_iter
        ``"ue"`` only: the equilibrium stops at this relative gap or after this many
        iterations (as :func:`connectivity.assign_equilibrium`).

    Returns
    -------
    SelectLinkResult

    Raises
    ------
    UnknownIdError
        For an unknown element (naming the nearest id) or commodity.
    ValueError
        For an unknown method, an id of several kinds without ``kind``, ``commodity``
        with another method than ``"ue"``, or a bad ``gap`` or ``max_iter``.
    SolverError
        When the system optimum is not proved optimal.

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.scenarios import select_link
    >>> net = cn.load_bundled()
    >>> r = select_link(net, cn.load_bundled_demand(net), "X_KHORGOS_ALTYNKOL_RAIL")
    >>> r.kind, bool(r.through_t_per_year > 0), bool((r.table["share_of_od"] <= 1).all())
    ('crossing', True, True)
    """
    start = time.perf_counter()
    _check_options(method, commodity, gap, max_iter)
    scenario = scenario or Scenario()
    compiled = compiled_of(network)
    el = find_element(compiled, element, kind)
    on = np.zeros(compiled.n_edges, dtype=bool)
    on[el.edges_of(0)] = True
    relative_gap: float | None = None
    if method == "ue":
        inputs = equilibrium_inputs(compiled, demand, commodity=commodity or "container",
                                    scenario=scenario)
        through, relative_gap = _ue_through(inputs, on[inputs.edges], gap, max_iter)
        table = _ue_table(compiled, inputs, demand, through)
    else:
        d = demand_arrays(compiled, demand, scenario)
        flows = least_cost_routes(compiled, d) if method == "aon" else _so_flows(compiled, d,
                                                                                 scenario)
        table = _table(d.table, d.tonnes, _through(flows, on, d.n_od))
    return _result(el, method, scenario, table, relative_gap, time.perf_counter() - start)


def _check_options(method: str, commodity: str | None, gap: float, max_iter: int) -> None:
    if method not in SELECT_LINK_METHODS:
        raise ValueError(f"method={method!r} is not an assignment method; choose one of "
                         f"{', '.join(SELECT_LINK_METHODS)}")
    if commodity is not None and method != "ue":
        raise ValueError(
            f"commodity={commodity!r} is the class of the user equilibrium (method='ue'); "
            f"with method={method!r} every commodity is routed on its own and the table "
            "gives each one's rows"
        )
    if not (0 <= gap < 1):
        raise ValueError(f"gap={gap!r} must be a relative gap in [0, 1)")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter={max_iter!r} must be a whole number >= 1")


def _result(el: Elements, method: str, scenario: Scenario, table: pd.DataFrame,
            relative_gap: float | None, seconds: float) -> SelectLinkResult:
    table = table[table["through_t_per_year"] > 0]
    table = table.sort_values(["through_t_per_year", "origin", "destination", "commodity"],
                              ascending=[False, True, True, True], ignore_index=True,
                              kind="mergesort")
    return SelectLinkResult(
        element_id=el.ids[0], name=el.names[0], kind=SINGULAR[el.kind], method=method,
        scenario=scenario.name, table=table,
        through_t_per_year=float(table["through_t_per_year"].sum()),
        exact=method != "ue", relative_gap=relative_gap, seconds=seconds,
    )


def _so_flows(compiled: CompiledNetwork, d: DemandArrays, scenario: Scenario) -> PathFlows:
    problem = so_problem(compiled, d, scenario)
    sol = solve_paths(problem)
    if sol.result.status is not SolveStatus.OPTIMAL:
        raise SolverError(f"system optimum: status {sol.result.status.value} "
                          f"({sol.result.message}); select-link needs a proved optimum")
    return path_flows(problem, sol)


def _through(flows: PathFlows, on: NDArray[np.bool_], n_od: int) -> FloatArray:
    """Per OD row, the tonnes of its paths that use an edge marked ``on``."""
    path = np.repeat(np.arange(flows.n_paths, dtype=np.int64), np.diff(flows.start))
    uses = np.bincount(path, weights=on[flows.edges], minlength=flows.n_paths) > 0
    out: FloatArray = np.bincount(flows.od, weights=flows.flow_t * uses,
                                  minlength=n_od).astype(np.float64)
    return out


def _table(rows: pd.DataFrame, tonnes: FloatArray, through: FloatArray) -> pd.DataFrame:
    return pd.DataFrame({
        "origin": rows["origin"].to_numpy(), "destination": rows["destination"].to_numpy(),
        "commodity": rows["commodity"].to_numpy(), "tonnes_per_year": tonnes,
        "through_t_per_year": through, "share_of_od": through / tonnes,
    }, columns=_COLUMNS)


# ----------------------------------------------------------------- user equilibrium


def _ue_through(inputs: EquilibriumInputs, on: NDArray[np.bool_], gap: float,
                max_iter: int) -> tuple[FloatArray, float]:
    """The equilibrium of ``inputs.problem`` as :func:`connectivity.assign_equilibrium`
    solves it, and per cell of its demand matrix the tonnes through the edges marked
    ``on`` (problem edge order): each of its all-or-nothing loads taken again with its
    paths, weighted as in the flow.

    Returns the tonnes through per cell and the final relative gap.
    """
    p = inputs.problem
    result = user_equilibrium(p, gap=gap, max_iter=max_iter, keep_loads=True)
    if result.loads is None:  # pragma: no cover (keep_loads=True always keeps them)
        raise SolverError("the equilibrium kept no loads")
    graph = paths.from_arrays(p.tail, p.head, np.zeros(p.n_edges), p.n_nodes)
    through = np.zeros(p.demand.shape)
    for cost, weight in zip(result.loads.costs, result.loads.weights.tolist(), strict=True):
        if weight > 0:
            through += weight * _load_through(graph, p.tail, p.origins, p.destinations,
                                              p.demand, on, cost)
    return through, result.gap


def _load_through(
    graph: paths.CSRGraph, tail: IntArray, origins: IntArray, destinations: IntArray,
    demand: FloatArray, on: NDArray[np.bool_], cost: FloatArray,
) -> FloatArray:  # fmt: skip
    """All-or-nothing at ``cost`` (the shortest-path trees of
    :func:`connectivity.paths.all_or_nothing`): per demand cell, the tonnes whose path
    uses an edge marked ``on``."""
    g = paths.reweight(graph, cost)
    through = np.zeros(demand.shape)
    for i, o in enumerate(origins.tolist()):
        cols = np.flatnonzero(demand[i] > 0)
        if not cols.size:
            continue
        _, pred = paths.shortest_path_tree(g, o)
        start, edges = trace_paths(pred[None, :], tail, np.zeros(cols.shape[0], dtype=np.int64),
                                   np.full(cols.shape[0], o, dtype=np.int64), destinations[cols])
        path = np.repeat(np.arange(cols.shape[0], dtype=np.int64), np.diff(start))
        uses = np.bincount(path, weights=on[edges], minlength=cols.shape[0]) > 0
        through[i, cols] = demand[i, cols] * uses
    return through


def _ue_table(compiled: CompiledNetwork, inputs: EquilibriumInputs, demand: pd.DataFrame,
              through: FloatArray) -> pd.DataFrame:
    """The per-cell tonnes through, split over the cell's demand rows by their tonnes
    (one class: every commodity of a cell takes the same paths)."""
    rows = demand_rows(compiled, demand)
    origin, destination = od_nodes(compiled, rows)
    tonnes = rows["tonnes_per_year"].to_numpy(dtype=np.float64)
    p = inputs.problem
    row_of = {int(o): i for i, o in enumerate(p.origins.tolist())}
    col_of = {int(v): j for j, v in enumerate(p.destinations.tolist())}
    share = np.zeros(len(rows))
    for r in range(len(rows)):
        i, j = row_of.get(int(origin[r])), col_of.get(int(destination[r]))
        if i is not None and j is not None and p.demand[i, j] > 0:
            share[r] = through[i, j] / p.demand[i, j]
    return _table(rows, tonnes, share * tonnes)
