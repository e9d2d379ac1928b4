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
from numpy.typing import NDArray

from connectivity import paths
from connectivity.graph import CompiledNetwork, compiled_of, priced_edges
from connectivity.routing._search import resolve
from connectivity.routing.result import Skim
from connectivity.tables import Network, Scenario

__all__ = ["skim"]


def _tree_sums(
    pred: NDArray[np.int64], tail: NDArray[np.int64], values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Sum ``values`` along each node's predecessor chain (pointer doubling, O(n log depth))."""
    n = pred.shape[0]
    has = pred >= 0
    acc = np.zeros(n + 1)
    acc[:n][has] = values[pred[has]]
    up = np.full(n + 1, n, dtype=np.int64)  # node n is a sink with value 0
    up[:n][has] = tail[pred[has]]
    while True:
        active = up[:n] != n
        if not active.any():
            break
        acc[:n] += acc[up[:n]]
        up[:n] = up[up[:n]]
    return acc[:n]


def skim(
    network: Network | CompiledNetwork,
    origins: Sequence[str],
    destinations: Sequence[str] | None = None,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
) -> Skim:
    """Origin-destination matrices of generalized cost, time, distance, money and CO2e.

    Each cell describes the least generalized-cost route; ``inf`` where none exists and
    0 on the diagonal.

    Parameters
    ----------
    network
        Tables or compiled network.
    origins, destinations
        Place ids or names (destinations default to the origins).
    commodity, scenario
        As for :func:`route`.

    Returns
    -------
    Skim
    """
    compiled = compiled_of(network)
    scenario = scenario or Scenario()
    o_ids = [resolve(compiled, p) for p in origins]
    d_ids = o_ids if destinations is None else [resolve(compiled, p) for p in destinations]
    costs, attrs = priced_edges(compiled, commodity, scenario)
    graph = paths.reweight(compiled.graph, costs)
    targets = np.array([compiled.destination_node[d] for d in d_ids], dtype=np.int64)
    shape = (len(o_ids), len(d_ids))
    out = {k: np.full(shape, np.inf) for k in ("gc", *attrs)}
    for i, o in enumerate(o_ids):
        dist, pred = paths.shortest_path_tree(graph, compiled.origin_node[o])
        out["gc"][i] = dist[targets]
        reach = np.isfinite(dist[targets])
        for name, values in attrs.items():
            sums = _tree_sums(pred, compiled.tail, values)[targets]
            out[name][i] = np.where(reach, sums, np.inf)
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
