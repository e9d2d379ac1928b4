"""Pareto-optimal routes over two or three criteria (cost, time, CO2e, distance).

Example
-------
>>> import connectivity as cn
>>> front = cn.pareto_routes(cn.load_bundled(), "Kashgar", "Tashkent")
>>> len(front) >= 1
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from connectivity.errors import NoRouteError
from connectivity.graph import CompiledNetwork, compiled_of, priced_edges
from connectivity.paths import pareto_paths
from connectivity.routing._search import endpoints, search_graph
from connectivity.routing.result import Route, make_route
from connectivity.tables import Network, Scenario

__all__ = ["pareto_routes", "CRITERIA"]

#: Criteria available to :func:`pareto_routes`.
CRITERIA = ("cost_usd_per_t", "time_h", "co2e_kg_per_t", "distance_km")


def pareto_routes(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    criteria: Sequence[str] = ("cost_usd_per_t", "time_h"),
    commodity: str = "container",
    scenario: Scenario | None = None,
    max_labels: int = 2_000_000,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> list[Route]:
    """Every Pareto-optimal route over two or three criteria, by label setting.

    No route in the result is beaten on every criterion by another route.

    Parameters
    ----------
    criteria
        Two or three of :data:`CRITERIA`.
    via, require_modes
        Places to pass and modes to use, as in :func:`route`; the front is then the
        front of the routes that meet them.

    Returns
    -------
    list of Route
        Sorted by the first criterion.
    """
    bad = [c for c in criteria if c not in CRITERIA]
    if bad or not 2 <= len(criteria) <= 3 or len(set(criteria)) != len(criteria):
        raise ValueError(
            f"criteria={list(criteria)}: give two or three distinct names from {list(CRITERIA)}"
        )
    compiled = compiled_of(network)
    scenario = scenario or Scenario()
    o, d = endpoints(compiled, origin, destination, scenario)
    costs, attrs = priced_edges(compiled, commodity, scenario)
    closed = ~np.isfinite(costs)
    matrix = np.column_stack([attrs[c] for c in criteria]).astype(np.float64)
    matrix[closed] = np.inf
    search = search_graph(compiled, costs, o, d, via, require_modes)
    found = pareto_paths(search.tail, search.head, matrix[search.edge], search.graph.n_nodes,
                         search.source, search.target, max_labels=max_labels)
    if not found:
        raise NoRouteError(
            f"no route from {o!r} to {d!r}{search.conditions} under {scenario.name!r}"
        )
    found = [(c, search.edge[e]) for c, e in found]
    return [make_route(compiled, e, origin=o, destination=d, commodity=commodity,
                       scenario_name=scenario.name, costs=costs, attrs=attrs)
            for _, e in found]
