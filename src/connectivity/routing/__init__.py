"""Routing for planners: least-cost routes, skims, alternatives and Pareto routes.

Every function takes a :class:`~connectivity.tables.Network` (compiled once and kept
with it) or a :class:`~connectivity.graph.CompiledNetwork`, and a commodity and
:class:`~connectivity.tables.Scenario`; it works on the compiled arrays only.

- :mod:`~connectivity.routing.least_cost`: :func:`route`, with ``via`` places and required
  modes;
- :mod:`~connectivity.routing.skims`: :func:`skim`, origin-destination matrices;
- :mod:`~connectivity.routing.k_best`: :func:`alternatives`, the k best routes;
- :mod:`~connectivity.routing.pareto`: :func:`pareto_routes`, the Pareto front;
- :mod:`~connectivity.routing.result`: :class:`Route`, :class:`Leg`, :class:`Transfer`,
  :class:`Skim`.

Example
-------
>>> import connectivity as cn
>>> r = cn.route(cn.load_bundled(), "Urumqi", "Almaty")
>>> r.destination
'KZ_ALMATY'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.routing.k_best import alternatives
    from connectivity.routing.least_cost import route
    from connectivity.routing.pareto import CRITERIA, pareto_routes
    from connectivity.routing.result import Leg, Route, Skim, Transfer
    from connectivity.routing.skims import skim
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "k_best": ("alternatives",),
        "least_cost": ("route",),
        "pareto": ("CRITERIA", "pareto_routes"),
        "result": ("Leg", "Route", "Skim", "Transfer"),
        "skims": ("skim",),
    })

__all__ = [
    "route",
    "skim",
    "alternatives",
    "pareto_routes",
    "CRITERIA",
    "Route",
    "Leg",
    "Transfer",
    "Skim",
]
