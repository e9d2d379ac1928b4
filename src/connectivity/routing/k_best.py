"""The k best loopless routes between two places (Yen's algorithm on the compiled graph).

Example
-------
>>> import connectivity as cn
>>> routes = cn.alternatives(cn.load_bundled(), "Kashgar", "Tashkent", k=2)
>>> routes[0].generalized_cost_usd_per_t <= routes[1].generalized_cost_usd_per_t
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from connectivity import checks
from connectivity.errors import NoRouteError
from connectivity.graph import LINK, CompiledNetwork, compiled_of, priced_edges
from connectivity.paths import k_shortest_paths
from connectivity.routing._search import endpoints, search_graph
from connectivity.routing.result import Route, make_route
from connectivity.tables import Network, Scenario

__all__ = ["alternatives", "MAX_ALTERNATIVES"]

#: Most alternatives one call returns: Yen's search grows with k (1,000 took 9 s on the
#: bundled network); larger requests are refused up front, not left running for minutes.
MAX_ALTERNATIVES = 1000


def _revisits_place(compiled: CompiledNetwork, edge_idx: NDArray[np.int64]) -> bool:
    """True if the route leaves a place and comes back to it later (a detour loop)."""
    seq: list[int] = []
    for p in compiled.edge_to_place[edge_idx].tolist():
        if not seq or seq[-1] != p:
            seq.append(p)
    first = int(compiled.edge_from_place[edge_idx[0]])
    if seq and seq[0] != first:
        seq.insert(0, first)
    return len(seq) != len(set(seq))


def alternatives(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    k: int = 3,
    commodity: str = "container",
    scenario: Scenario | None = None,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> list[Route]:
    """The ``k`` best loopless routes in order of generalized cost (Yen's algorithm).

    A route never visits a place twice. Routes that differ only in a parallel link
    count as different routes. To allow only some modes ("rail only") or avoid places
    or countries, pass a :class:`Scenario`; to force places use ``via`` and to force a
    mode ("across the Caspian": ``require_modes=["ferry"]``) use ``require_modes``,
    both as in :func:`route`.

    Returns
    -------
    list of Route
        At most ``k`` routes, cheapest first (fewer if fewer exist).
    """
    k = checks.integer("k", k)
    if not 1 <= k <= MAX_ALTERNATIVES:
        raise ValueError(f"k={k}: ask for 1 to {MAX_ALTERNATIVES} alternatives")
    compiled = compiled_of(network)
    scenario = scenario or Scenario()
    o, d = endpoints(compiled, origin, destination, scenario)
    costs, attrs = priced_edges(compiled, commodity, scenario)
    search = search_graph(compiled, costs, o, d, via, require_modes)
    found: list[Route] = []
    is_link = compiled.edge_kind == LINK
    want = k
    while True:
        # Yen works on the expanded graph, where revisiting a place through another
        # terminal is still a simple path; ask for more and keep the place-simple ones.
        candidates = k_shortest_paths(search.graph, search.source, search.target, want * 3)
        found = []
        seen: set[tuple[int, ...]] = set()
        for _, found_idx in candidates:
            edge_idx = search.edge[found_idx]
            # Paths that use the same links and differ only in where cargo is handled
            # at a terminal are one route to a planner: keep the cheapest (first).
            signature = tuple(int(e) for e in edge_idx[is_link[edge_idx]])
            if signature in seen or _revisits_place(compiled, edge_idx):
                continue
            seen.add(signature)
            found.append(make_route(compiled, edge_idx, origin=o, destination=d,
                                    commodity=commodity, scenario_name=scenario.name,
                                    costs=costs, attrs=attrs))
            if len(found) == k:
                return found
        if len(candidates) < want * 3 or want >= 64 * k:
            if not found:
                raise NoRouteError(
                    f"no route from {o!r} to {d!r}{search.conditions} under {scenario.name!r}"
                )
            return found
        want *= 4
