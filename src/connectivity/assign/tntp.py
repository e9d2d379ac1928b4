"""User equilibrium of a TNTP research network, with the TNTP conventions.

Example
-------
>>> from connectivity.io import TntpNetwork, TntpTrips
>>> one = lambda v, t=float: np.array([v], dtype=t)
>>> net = TntpNetwork(2, 2, 1, one(1, int), one(2, int), one(10.0), one(1.0), one(3.0),
...                   one(0.15), one(4.0), one(0.0), one(0.0), one(1, int))
>>> r = tntp_equilibrium(net, TntpTrips(2, np.array([[0.0, 10.0], [0.0, 0.0]])))
>>> r.flow.tolist(), round(r.tstt, 4)
([10.0], 34.5)
"""

from __future__ import annotations

import numpy as np

from connectivity.assign.equilibrium import Algorithm, EquilibriumResult, user_equilibrium
from connectivity.assign.problems import EquilibriumProblem, equilibrium_problem
from connectivity.io import TntpNetwork, TntpTrips

__all__ = ["tntp_equilibrium", "tntp_problem"]


def tntp_equilibrium(
    net: TntpNetwork,
    trips: TntpTrips,
    *,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
    algorithm: Algorithm | str = "bfw",
    gap: float = 1e-4,
    max_iter: int = 500,
    progress: bool | None = None,
    method: str = "auto",
) -> EquilibriumResult:
    """User equilibrium of a TNTP network and its trips, with the TNTP conventions.

    BPR per link from the file's ``b`` and ``power``; generalized cost
    ``time + toll_factor * toll + distance_factor * length``; zones below the first
    through node are not passed through; intrazonal trips (the diagonal of the trip
    table) are not assigned, and ``result.intrazonal`` is their total.

    Parameters
    ----------
    net, trips
        From :func:`connectivity.io.read_net` and :func:`connectivity.io.read_trips`.
    toll_factor, distance_factor
        As in :func:`~connectivity.assign.problems.equilibrium_problem`.
    algorithm, gap, max_iter, progress, method
        As in :func:`~connectivity.assign.equilibrium.user_equilibrium`.

    Returns
    -------
    EquilibriumResult
        Flows in link (net-file) order.

    Raises
    ------
    ValueError
        If the trips have more zones than the network has nodes.
    """
    problem = tntp_problem(net, trips, toll_factor=toll_factor,
                           distance_factor=distance_factor)
    return user_equilibrium(problem, algorithm=algorithm, gap=gap, max_iter=max_iter,
                            progress=progress, method=method)


def tntp_problem(
    net: TntpNetwork,
    trips: TntpTrips,
    *,
    toll_factor: float = 0.0,
    distance_factor: float = 0.0,
) -> EquilibriumProblem:
    """The user-equilibrium problem of a TNTP network and its trips, as
    :func:`tntp_equilibrium` solves it (to price other flows with the same functions,
    e.g. a published solution's Beckmann objective through
    :func:`~connectivity.assign.equilibrium.volume_delay`).

    Raises
    ------
    ValueError
        If the trips have more zones than the network has nodes.

    Examples
    --------
    >>> from connectivity.io import TntpNetwork, TntpTrips
    >>> one = lambda v, t=float: np.array([v], dtype=t)
    >>> net = TntpNetwork(2, 2, 1, one(1, int), one(2, int), one(10.0), one(1.0), one(3.0),
    ...                   one(0.15), one(4.0), one(0.0), one(0.0), one(1, int))
    >>> p = tntp_problem(net, TntpTrips(2, np.array([[4.0, 10.0], [0.0, 0.0]])))
    >>> p.intrazonal
    4.0
    """
    if trips.n_zones > net.n_nodes:
        raise ValueError(
            f"trips have {trips.n_zones} zones but the network has {net.n_nodes} nodes"
        )
    zones = np.arange(trips.n_zones, dtype=np.int64)
    # links without a capacity and without a BPR term are plain free-flow links
    capacity = np.where((net.capacity <= 0) & (net.b == 0), np.inf, net.capacity)
    no_through = np.arange(max(net.first_thru_node - 1, 0), dtype=np.int64)
    no_through = no_through[no_through < net.n_nodes]
    return equilibrium_problem(
        net.init_node - 1,
        net.term_node - 1,
        net.free_flow_time,
        capacity,
        zones,
        zones,
        trips.matrix,
        n_nodes=net.n_nodes,
        alpha=net.b,
        beta=net.power,
        toll=net.toll,
        length=net.length,
        toll_factor=toll_factor,
        distance_factor=distance_factor,
        no_through=no_through if no_through.size else None,
    )
