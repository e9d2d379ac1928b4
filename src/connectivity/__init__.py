"""connectivity: multimodal freight network planning for China and Central Asia.

Contents, in the order data flows:

- :mod:`connectivity.network`: load and validate the tables (:func:`load_bundled`,
  :func:`read_network`, :func:`from_frames`, :func:`resolve_place`);
- :mod:`connectivity.validate`: the rules, every problem reported at once;
- :mod:`connectivity.expand`: the multimodal virtual network (:func:`expand`);
- :mod:`connectivity.compiled`: routing arrays and scenario cost vectors
  (:func:`compile_network`, :func:`edge_costs`);
- :mod:`connectivity.scenario`: :class:`Scenario` and :func:`read_scenario`;
- :mod:`connectivity.paths`: the numba shortest-path core on plain arrays;
- :mod:`connectivity.routing`: :func:`route`, :func:`skim`, :func:`alternatives`,
  :func:`pareto_routes`;
- :mod:`connectivity.demand` and :mod:`connectivity.flows`: demand tables and
  assignment (:func:`assign_aon`, :func:`assign_system_optimum`,
  :func:`assign_equilibrium`), on the LP core (:mod:`connectivity.solve`,
  :mod:`connectivity.sysopt`) and :mod:`connectivity.equilibrium`, with
  :mod:`connectivity.tntp` for research test networks;
- :mod:`connectivity.convert`: networkx (OSMnx conventions) and OSM XML import;
- :mod:`connectivity.cli`: the ``connectivity`` command.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> r = cn.route(net, "Urumqi", "Almaty")
>>> r.destination
'KZ_ALMATY'
"""

from __future__ import annotations

from connectivity.compiled import (
    CompiledNetwork,
    compile_network,
    edge_costs,
    edge_mask,
    routing_graph,
)
from connectivity.convert import from_networkx, from_osm_xml, to_networkx
from connectivity.demand import load_bundled_demand, read_demand
from connectivity.errors import (
    ConnectivityError,
    InfeasibleModelError,
    NetworkValidationError,
    NoRouteError,
    SearchLimitError,
    SolverError,
    UnknownIdError,
)
from connectivity.expand import ExpandedNetwork, expand
from connectivity.flows import (
    Assignment,
    assign_aon,
    assign_equilibrium,
    assign_system_optimum,
)
from connectivity.network import (
    Network,
    from_frames,
    load_bundled,
    read_network,
    resolve_place,
)
from connectivity.routing import Route, Skim, alternatives, pareto_routes, route, skim
from connectivity.scenario import Scenario, read_scenario

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "assign_aon",
    "assign_equilibrium",
    "assign_system_optimum",
    "load_bundled_demand",
    "read_demand",
    "CompiledNetwork",
    "ConnectivityError",
    "ExpandedNetwork",
    "InfeasibleModelError",
    "Network",
    "NetworkValidationError",
    "NoRouteError",
    "Route",
    "Scenario",
    "SearchLimitError",
    "Skim",
    "SolverError",
    "UnknownIdError",
    "alternatives",
    "compile_network",
    "edge_costs",
    "edge_mask",
    "expand",
    "from_frames",
    "from_networkx",
    "from_osm_xml",
    "load_bundled",
    "pareto_routes",
    "read_network",
    "read_scenario",
    "resolve_place",
    "route",
    "routing_graph",
    "skim",
    "to_networkx",
]
