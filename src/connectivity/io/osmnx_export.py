"""The network as a graph OSMnx takes as its own: integer node ids (OSMnx's ``osmid``),
``street_count``, edge ``osmid`` and ``length`` in metres, ``crs``; saved as GraphML or
GeoPackage.

:func:`~connectivity.io.nxgraph.to_networkx` keeps place ids as node keys (readable,
and what :func:`~connectivity.io.nxgraph.from_networkx` reads back); OSMnx's own
functions (``basic_stats``, ``save_graph_geopackage``, ``project_graph``,
``nearest_nodes``, ``load_graphml``) expect integer node ids (their OSM ids), as
graphs built from OpenStreetMap have. :func:`to_osmnx` gives that form: node ``i`` is
the ``i``-th place, its ``place_id`` kept as an attribute; edge ``osmid`` is the link's
position in the links table, its ``link_id`` kept too. These ids are positions, not
OpenStreetMap ids.

Examples
--------
>>> import connectivity as cn
>>> from connectivity.io.osmnx_export import to_osmnx
>>> G = to_osmnx(cn.load_bundled())
>>> G.graph["crs"], G.nodes[0]["place_id"] == cn.load_bundled().places["place_id"][0]
('epsg:4326', True)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from shapely import wkt
from shapely.geometry import LineString

from connectivity.tables import Network

__all__ = ["to_osmnx", "write_osmnx_graphml", "write_osmnx_geopackage"]

#: Place columns kept as node attributes (besides ``x``, ``y``, ``street_count``).
_NODE_COLUMNS = ("place_id", "name", "country", "kind", "terminals")
#: Link columns kept as edge attributes; a missing value is left out, not written.
_EDGE_COLUMNS = ("link_id", "name", "mode", "length_km", "gauge_mm", "speed_kmh", "time_h",
                 "capacity", "capacity_unit", "status", "year_open", "corridor")


def _value(value: Any) -> Any:
    """A plain Python value, or ``None`` for a missing one."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_osmnx(network: Network) -> nx.MultiDiGraph:
    """The place-level network as an OSMnx-conformant ``MultiDiGraph``.

    Nodes are integers ``0 .. n-1`` in the order of the places table (the node key is
    its ``osmid``, as in OSMnx 2, whose GeoPackage writer names the node index
    ``osmid`` and refuses a node attribute of that name), with ``x``, ``y`` (degrees),
    ``street_count`` (as OSMnx counts it) and
    the place's ``place_id``, ``name``, ``country``, ``kind``, ``terminals``. Each link
    gives an edge (keys ``0, 1, ...`` among parallel edges), and a reverse edge when it
    is two-way (``reversed=True``), with ``osmid`` (the link's row), ``length`` in
    metres, ``geometry`` (the link's own, else a straight line), ``oneway`` and the
    link's columns. The graph's ``crs`` is ``"epsg:4326"``.

    Parameters
    ----------
    network
        The network to export.

    Returns
    -------
    networkx.MultiDiGraph
    """
    import osmnx as ox

    G = nx.MultiDiGraph(crs="epsg:4326", name="connectivity network")
    node_of: dict[str, int] = {}
    for i, row in enumerate(network.places.to_dict("records")):
        node_of[row["place_id"]] = i
        attrs = {k: _value(row[k]) for k in _NODE_COLUMNS}
        G.add_node(i, x=float(row["lon"]), y=float(row["lat"]),
                   **{k: v for k, v in attrs.items() if v is not None})
    for j, row in enumerate(network.links.to_dict("records")):
        u, v = node_of[row["from_place"]], node_of[row["to_place"]]
        if _value(row.get("geometry_wkt")):
            geom = wkt.loads(row["geometry_wkt"])
        else:
            geom = LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                               (G.nodes[v]["x"], G.nodes[v]["y"])])
        attrs = {k: _value(row.get(k)) for k in _EDGE_COLUMNS}
        attrs = {k: val for k, val in attrs.items() if val is not None}
        two_way = _value(row.get("two_way")) is not False
        length_m = float(row["length_km"]) * 1000.0
        G.add_edge(u, v, osmid=j, length=length_m, geometry=geom, oneway=not two_way,
                   reversed=False, **attrs)
        if two_way:
            G.add_edge(v, u, osmid=j, length=length_m, geometry=geom.reverse(),
                       oneway=False, reversed=True, **attrs)
    nx.set_node_attributes(G, ox.stats.count_streets_per_node(G), name="street_count")
    return G


def write_osmnx_graphml(network: Network, path: str | Path) -> None:
    """Save :func:`to_osmnx`'s graph as GraphML with ``osmnx.io.save_graphml`` (read it
    back with ``osmnx.io.load_graphml``)."""
    import osmnx as ox

    ox.io.save_graphml(to_osmnx(network), path)


def write_osmnx_geopackage(network: Network, path: str | Path) -> None:
    """Save :func:`to_osmnx`'s graph as a GeoPackage (layers ``nodes`` and ``edges``)
    with ``osmnx.io.save_graph_geopackage``, one edge per direction."""
    import osmnx as ox

    ox.io.save_graph_geopackage(to_osmnx(network), path, directed=True)
