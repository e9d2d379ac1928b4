"""connectivity: multimodal freight network planning for China and Central Asia.

Subpackages, in the order data flows (each imports only those above it in this list,
and the two array cores import nothing of the network):

- :mod:`connectivity.paths`: the shortest-path core, numba kernels on CSR arrays;
- :mod:`connectivity.optimize`: the solver layer (status, result, gap; HiGHS and CBC);
- :mod:`connectivity.tables`: load and validate the tables (:func:`load_bundled`,
  :func:`read_network`, :func:`from_frames`, :func:`resolve_place`), scenarios
  (:class:`Scenario`, :func:`read_scenario`) and demand (:func:`read_demand`);
- :mod:`connectivity.io`: exchange formats (TNTP, networkx/OSMnx, OSM XML);
- :mod:`connectivity.graph`: the multimodal virtual network (:func:`expand`) compiled to
  arrays with codes per edge (:func:`compile_network`), scenario cost vectors
  (:func:`edge_costs`, :func:`edge_mask`);
- :mod:`connectivity.routing`: :func:`route`, :func:`skim`, :func:`alternatives`,
  :func:`pareto_routes`;
- :mod:`connectivity.assign`: :func:`assign_aon`, :func:`assign_system_optimum`,
  :func:`assign_equilibrium`, and the flow models on arrays beneath them;
- :mod:`connectivity.scenarios`: planning scenarios from TOML files, run one at a time or
  by the hundred over a process pool or a Dask cluster, compared side by side;
- :mod:`connectivity.report`: text tables, the scenario comparison chart;
- :mod:`connectivity.cli`: the ``connectivity`` command.

Shared by all: :mod:`connectivity.errors` (exception classes) and
:mod:`connectivity.checks` (argument checks of the array cores).

Every name here and in each subpackage is imported from its module when first used, so
``import connectivity`` loads no numpy, numba, pandas or solver, and a command loads
only what it needs.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> r = cn.route(net, "Urumqi", "Almaty")
>>> r.destination
'KZ_ALMATY'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.assign import (
        Assignment,
        assign_aon,
        assign_equilibrium,
        assign_system_optimum,
    )
    from connectivity.errors import (
        AmbiguousPlaceError,
        ConnectivityError,
        InfeasibleModelError,
        NetworkValidationError,
        NoRouteError,
        ScenarioError,
        SearchLimitError,
        SolverError,
        UnknownIdError,
    )
    from connectivity.graph import (
        CompiledNetwork,
        ExpandedNetwork,
        compile_network,
        edge_costs,
        edge_mask,
        expand,
        routing_graph,
    )
    from connectivity.io import from_networkx, from_osm_xml, to_networkx
    from connectivity.routing import Route, Skim, alternatives, pareto_routes, route, skim
    from connectivity.tables import (
        Network,
        Scenario,
        from_frames,
        load_bundled,
        load_bundled_demand,
        read_demand,
        read_network,
        read_scenario,
        resolve_place,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "assign": ("Assignment", "assign_aon", "assign_equilibrium", "assign_system_optimum"),
        "errors": (
            "AmbiguousPlaceError", "ConnectivityError", "InfeasibleModelError",
            "NetworkValidationError", "NoRouteError", "ScenarioError", "SearchLimitError",
            "SolverError", "UnknownIdError",
        ),
        "graph": (
            "CompiledNetwork", "ExpandedNetwork", "compile_network", "edge_costs", "edge_mask",
            "expand", "routing_graph",
        ),
        "io": ("from_networkx", "from_osm_xml", "to_networkx"),
        "routing": ("Route", "Skim", "alternatives", "pareto_routes", "route", "skim"),
        "tables": (
            "Network", "Scenario", "from_frames", "load_bundled", "load_bundled_demand",
            "read_demand", "read_network", "read_scenario", "resolve_place",
        ),
    })

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "assign_aon",
    "assign_equilibrium",
    "assign_system_optimum",
    "load_bundled_demand",
    "read_demand",
    "CompiledNetwork",
    "AmbiguousPlaceError",
    "ConnectivityError",
    "ExpandedNetwork",
    "InfeasibleModelError",
    "Network",
    "NetworkValidationError",
    "NoRouteError",
    "Route",
    "Scenario",
    "ScenarioError",
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
