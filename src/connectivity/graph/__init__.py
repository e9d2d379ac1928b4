"""The graph: tables expanded into the multimodal virtual network, compiled to arrays.

- :mod:`~connectivity.graph.virtual`: :func:`expand`, one node per place and terminal,
  link, load, unload and transfer edges (:class:`ExpandedNetwork`);
- :mod:`~connectivity.graph.compiled`: :func:`compile_network`, the CSR structure and
  integer codes per edge (:class:`CompiledNetwork`), compiled once per network;
- :mod:`~connectivity.graph.groups`: capacity groups (border crossings per direction,
  terminal throughput);
- :mod:`~connectivity.graph.costs`: scenario masks and generalized-cost vectors on the
  same arrays (:func:`edge_mask`, :func:`edge_costs`, :func:`routing_graph`).

Example
-------
>>> import connectivity as cn
>>> comp = cn.compile_network(cn.load_bundled())
>>> g = cn.routing_graph(comp, "container", cn.Scenario(year=2030))
>>> g.n_edges == comp.n_edges
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.graph.compiled import (
        EXISTING,
        LINK,
        LOAD,
        NO_YEAR,
        NODE_TERMINALS,
        TRANSFER,
        UNLOAD,
        CompiledNetwork,
        compile_network,
        compiled_of,
    )
    from connectivity.graph.costs import (
        active_projects,
        capacities,
        edge_costs,
        edge_mask,
        priced_edges,
        routing_graph,
        scenario_attributes,
    )
    from connectivity.graph.groups import CapacityGroups
    from connectivity.graph.virtual import (
        DESTINATION,
        EDGE_KINDS,
        ORIGIN,
        ExpandedNetwork,
        expand,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "compiled": (
            "EXISTING", "LINK", "LOAD", "NO_YEAR", "NODE_TERMINALS", "TRANSFER", "UNLOAD",
            "CompiledNetwork", "compile_network", "compiled_of",
        ),
        "costs": (
            "active_projects", "capacities", "edge_costs", "edge_mask", "priced_edges",
            "routing_graph", "scenario_attributes",
        ),
        "groups": ("CapacityGroups",),
        "virtual": ("DESTINATION", "EDGE_KINDS", "ORIGIN", "ExpandedNetwork", "expand"),
    })

__all__ = [
    "ExpandedNetwork",
    "expand",
    "ORIGIN",
    "DESTINATION",
    "EDGE_KINDS",
    "CompiledNetwork",
    "compile_network",
    "compiled_of",
    "NODE_TERMINALS",
    "NO_YEAR",
    "LINK",
    "LOAD",
    "UNLOAD",
    "TRANSFER",
    "EXISTING",
    "CapacityGroups",
    "edge_mask",
    "edge_costs",
    "active_projects",
    "capacities",
    "scenario_attributes",
    "priced_edges",
    "routing_graph",
]
