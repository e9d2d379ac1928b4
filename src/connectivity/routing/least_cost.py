"""The least generalized-cost route between two places, for one commodity.

Every routing function takes a :class:`~connectivity.tables.Network` (compiled once and
kept with it) or a :class:`~connectivity.graph.CompiledNetwork`. Places are given by id
or name (``"KZ_ALMATY"``, ``"Almaty"``, ``"almaty"``).

Examples
--------
>>> import connectivity as cn
>>> r = cn.route(cn.load_bundled(), "Xi'an", "Tashkent", commodity="container")
>>> r.time_h > 0 and r.legs[0].from_place == "CN_XIAN"
True
"""

from __future__ import annotations

from collections.abc import Sequence

from connectivity import paths
from connectivity.errors import NoRouteError
from connectivity.graph import CompiledNetwork, compiled_of, priced_edges
from connectivity.routing._search import endpoints, search_graph
from connectivity.routing.result import Route, make_route
from connectivity.tables import Network, Scenario

__all__ = ["route"]


def route(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> Route:
    """The least generalized-cost route between two places for a commodity.

    Parameters
    ----------
    network
        Tables or compiled network.
    origin, destination
        Place ids or names.
    commodity
        Commodity id (its value of time and allowed modes apply).
    scenario
        Closures, avoided countries or modes, factors, carbon price.
    via
        Places the route must pass through, in order (e.g. ``["AZ_BAKU_PORT"]``).
        Passing through means reaching one of the place's terminals.
    require_modes
        Modes the route must use on at least one line-haul link each, e.g.
        ``["ferry"]`` for "across the Caspian". (To allow *only* some modes, use a
        scenario's ``modes``.)

    Returns
    -------
    Route

    Raises
    ------
    UnknownIdError
        Unknown place (with the closest matches) or commodity.
    NoRouteError
        When the places are not connected under the restrictions.
    """
    compiled = compiled_of(network)
    scenario = scenario or Scenario()
    o, d = endpoints(compiled, origin, destination, scenario)
    costs, attrs = priced_edges(compiled, commodity, scenario)
    search = search_graph(compiled, costs, o, d, via, require_modes)
    try:
        found = paths.shortest_path(search.graph, search.source, search.target)
    except NoRouteError:
        raise NoRouteError(
            f"no route from {o!r} to {d!r}{search.conditions} under scenario {scenario.name!r}"
        ) from None
    return make_route(compiled, search.edge[found], origin=o, destination=d,
                      commodity=commodity, scenario_name=scenario.name, costs=costs,
                      attrs=attrs)
