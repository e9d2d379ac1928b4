"""Conversion to and from networkx graphs, with OSMnx conventions.

:func:`to_networkx` follows OSMnx conventions (node ``x``/``y`` in degrees, graph
``crs``, edge ``length`` in metres, ``geometry`` as a shapely LineString), so OSMnx
functions can read the result; :func:`from_networkx` builds a :class:`Network` back.

Examples
--------
>>> import connectivity as cn
>>> G = cn.to_networkx(cn.load_bundled())
>>> G.graph["crs"]
'EPSG:4326'
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from shapely import wkt
from shapely.geometry import LineString

from connectivity.tables import (
    COLUMNS,
    OPTIONAL_TABLES,
    TABLES,
    Network,
    bundled_data_dir,
    empty_table,
    from_frames,
    link_terminals,
    read_table,
)

__all__ = ["to_networkx", "from_networkx"]

_LINK_ATTRS = [
    c.name for c in COLUMNS["links"] if c.name not in ("link_id", "from_place", "to_place")
]
_PLACE_ATTRS = [c.name for c in COLUMNS["places"] if c.name not in ("place_id",)]
#: The tables besides places and links, carried along as they are.
_SIDE_TABLES = tuple(name for name in TABLES if name not in ("places", "links"))


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_networkx(network: Network) -> nx.MultiDiGraph:
    """Export the place-level network as an OSMnx-style ``MultiDiGraph``.

    Nodes are places (key = place id) with ``x``, ``y`` and the place columns. Each
    link gives an edge keyed by its link id, and a reverse edge (``reversed=True``) when
    it is two-way; ``length`` is in metres, ``geometry`` a LineString in lon/lat.
    Crossings, transfers, modes and commodities ride along in ``G.graph``.

    Returns
    -------
    networkx.MultiDiGraph
    """
    G = nx.MultiDiGraph(crs="EPSG:4326", name="connectivity network")
    for row in network.places.to_dict("records"):
        attrs = {k: _clean(row[k]) for k in _PLACE_ATTRS}
        G.add_node(row["place_id"], x=float(row["lon"]), y=float(row["lat"]), **attrs)
    xy = {p: (float(x), float(y)) for p, x, y in zip(
        network.places["place_id"], network.places["lon"], network.places["lat"], strict=True)}
    for row in network.links.to_dict("records"):
        u, v = row["from_place"], row["to_place"]
        attrs = {k: _clean(row[k]) for k in _LINK_ATTRS}
        attrs["link_id"] = row["link_id"]
        if attrs.get("geometry_wkt"):
            geom = wkt.loads(attrs["geometry_wkt"])
        else:
            geom = LineString([xy[u], xy[v]])
        two_way = attrs.get("two_way") is not False
        length_m = float(row["length_km"]) * 1000.0
        G.add_edge(u, v, key=row["link_id"], length=length_m, geometry=geom,
                   oneway=not two_way, reversed=False, **attrs)
        if two_way:
            G.add_edge(v, u, key=row["link_id"], length=length_m, geometry=geom.reverse(),
                       oneway=False, reversed=True, **attrs)
    for name in _SIDE_TABLES:
        G.graph[name] = network.table(name).copy()
    return G


def from_networkx(
    G: nx.MultiDiGraph | nx.DiGraph,
    *,
    default_mode: str = "road",
    default_country: str | None = None,
    crossings: pd.DataFrame | None = None,
    transfers: pd.DataFrame | None = None,
    modes: pd.DataFrame | None = None,
    commodities: pd.DataFrame | None = None,
) -> Network:
    """Build a validated :class:`Network` from a networkx graph.

    Nodes need ``x`` and ``y`` (degrees) and a ``country`` (or ``default_country``);
    other place columns are optional (``kind`` defaults to ``junction``, ``terminals``
    to those the incident edges need). An edge's ``link_id`` groups the two directions
    of a two-way link; edges without one become one-way links. ``length_km``, else
    ``length`` (metres), gives the length. Tables absent from the arguments come from
    ``G.graph`` (as written by :func:`to_networkx`), else from the bundled parameters.

    Raises
    ------
    NetworkValidationError
        Listing every problem found.
    """
    edges = list(G.edges(keys=True, data=True)) if G.is_multigraph() else [
        (u, v, None, d) for u, v, d in G.edges(data=True)
    ]
    links: dict[str, dict[str, Any]] = {}
    for u, v, key, data in edges:
        lid = data.get("link_id")
        if lid is None:
            lid = f"{u}-{v}" + ("" if key in (None, 0) else f"-{key}")
            data = {**data, "two_way": False}
        if lid in links:
            continue  # the reverse direction of a two-way link already recorded
        row = {k: _clean(data.get(k)) for k in _LINK_ATTRS}
        row["link_id"] = str(lid)
        reverse = bool(data.get("reversed")) and data.get("link_id") is not None
        row["from_place"], row["to_place"] = (str(v), str(u)) if reverse else (str(u), str(v))
        row["mode"] = row.get("mode") or default_mode
        if row.get("length_km") is None and data.get("length") is not None:
            row["length_km"] = float(data["length"]) / 1000.0
        geom = data.get("geometry")
        if row.get("geometry_wkt") is None and isinstance(geom, LineString):
            row["geometry_wkt"] = (geom.reverse() if reverse else geom).wkt
        links[str(lid)] = row
    needed: dict[str, set[str]] = {}
    for row in links.values():
        ta, tb = link_terminals(str(row["mode"]), row.get("gauge_mm"))
        needed.setdefault(row["from_place"], set()).add(ta)
        needed.setdefault(row["to_place"], set()).add(tb)
    places = []
    for node, data in G.nodes(data=True):
        row = {k: _clean(data.get(k)) for k in _PLACE_ATTRS}
        row["place_id"] = str(node)
        row["lon"], row["lat"] = data.get("x"), data.get("y")
        row["name"] = row.get("name") or str(node)
        row["country"] = row.get("country") or default_country
        row["kind"] = row.get("kind") or "junction"
        row["terminals"] = row.get("terminals") or ";".join(sorted(needed.get(str(node), {"road"})))
        places.append(row)
    tables: dict[str, pd.DataFrame] = {
        "places": pd.DataFrame(places, columns=["place_id", *_PLACE_ATTRS]),
        "links": pd.DataFrame(list(links.values()),
                              columns=["link_id", "from_place", "to_place", *_LINK_ATTRS]),
    }
    given = {"crossings": crossings, "transfers": transfers, "modes": modes,
             "commodities": commodities, "throughput": None, "projects": None}
    for name, frame in given.items():
        if frame is None:
            frame = G.graph.get(name)
        if frame is None:
            if name in OPTIONAL_TABLES:
                frame = empty_table(name)
            else:
                frame = read_table(bundled_data_dir() / f"{name}.csv")
        tables[name] = frame
    return from_frames(**tables)
