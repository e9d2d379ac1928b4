"""Origin-destination skims: matrices of cost, time, distance, money and CO2e.

Example
-------
>>> import connectivity as cn
>>> s = cn.skim(cn.load_bundled(), ["Urumqi", "Kashgar"], ["Almaty"])
>>> s.time_h.shape
(2, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from connectivity import paths
from connectivity.graph import CompiledNetwork, compiled_of, priced_edges
from connectivity.routing._search import resolve
from connectivity.routing.result import Skim
from connectivity.tables import Network, Scenario

__all__ = ["skim"]


def skim(
    network: Network | CompiledNetwork,
    origins: Sequence[str],
    destinations: Sequence[str] | None = None,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    method: str = "auto",
) -> Skim:
    """Origin-destination matrices of generalized cost, time, distance, money and CO2e.

    Each cell describes the least generalized-cost route; ``inf`` where none exists and
    0 on the diagonal. The measures are added up along that one route
    (:func:`~connectivity.paths.path_sums`); where several routes tie on generalized
    cost, the method's choice among them is reported.

    Parameters
    ----------
    network
        Tables or compiled network.
    origins, destinations
        Place ids or names (destinations default to the origins).
    commodity, scenario
        As for :func:`route`.
    method
        ``"dijkstra"`` (one search per origin), ``"hierarchy"`` (a contraction
        hierarchy of the network, kept with its structure, customized for these costs)
        or ``"auto"`` (default): the rule of :func:`~connectivity.paths.distances`,
        which takes the hierarchy for many origins on larger networks. Both give the
        same costs (to rounding) and, where routes are unique, the same measures.

    Returns
    -------
    Skim

    Raises
    ------
    ValueError
        An unknown ``method``.
    """
    compiled = compiled_of(network)
    scenario = scenario or Scenario()
    o_ids = [resolve(compiled, p) for p in origins]
    d_ids = o_ids if destinations is None else [resolve(compiled, p) for p in destinations]
    costs, attrs = priced_edges(compiled, commodity, scenario)
    graph = paths.reweight(compiled.graph, costs)
    sources = np.array([compiled.origin_node[o] for o in o_ids], dtype=np.int64)
    targets = np.array([compiled.destination_node[d] for d in d_ids], dtype=np.int64)
    names = list(attrs)
    # a closed edge (cost inf) is on no route: its measures, which a scenario may have
    # made non-finite, never count, and path_sums refuses non-finite values
    open_ = np.isfinite(costs)
    values = np.stack([np.where(open_, attrs[name], 0.0) for name in names])
    found = paths.path_sums(graph, sources, targets, values=values, method=method)
    out = {"gc": found.distances, **dict(zip(names, found.sums, strict=True))}
    for i, o in enumerate(o_ids):
        for j, d in enumerate(d_ids):
            if d == o:
                for arr in out.values():
                    arr[i, j] = 0.0
    return Skim(
        origins=tuple(o_ids),
        destinations=tuple(d_ids),
        commodity=commodity,
        generalized_cost_usd_per_t=out["gc"],
        time_h=out["time_h"],
        distance_km=out["distance_km"],
        cost_usd_per_t=out["cost_usd_per_t"],
        co2e_kg_per_t=out["co2e_kg_per_t"],
        risk_usd_per_t=out["risk_usd_per_t"],
    )
