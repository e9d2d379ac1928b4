"""The result of the system-optimal assignment on arrays, whichever formulation solved it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from connectivity.optimize import SolveResult

__all__ = ["SystemOptimum"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SystemOptimum:
    """Result of the system-optimal assignment.

    Attributes
    ----------
    flow
        Tonnes on each edge, all commodities.
    flow_by_commodity
        Tonnes per edge and commodity, shape ``(n_edges, n_commodities)``.
    unserved
        Tonnes of each OD pair left unserved.
    total_cost
        Objective: generalized cost of the flows plus the unserved penalty.
    edge_shadow_price
        Per edge: total cost saved by one more tonne of capacity (0 where the capacity
        does not bind or the edge is uncapacitated).
    group_shadow_price
        The same per capacity group.
    binding_edges, binding_groups
        Indices whose capacity binds with a positive shadow price.
    solve
        What the solver reported.
    intrazonal
        Tonnes of the OD pairs whose origin is their destination: not routed (they
        stay in their zone), in neither ``flow`` nor ``unserved``.
    """

    flow: FloatArray
    flow_by_commodity: FloatArray
    unserved: FloatArray
    total_cost: float
    edge_shadow_price: FloatArray
    group_shadow_price: FloatArray
    binding_edges: IntArray
    binding_groups: IntArray
    solve: SolveResult
    intrazonal: float = 0.0
