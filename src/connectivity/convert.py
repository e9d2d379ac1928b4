"""Conversion to and from networkx graphs, and road networks imported from OSM files.

:func:`to_networkx` follows OSMnx conventions (node ``x``/``y`` in degrees, graph
``crs``, edge ``length`` in metres, ``geometry`` as a shapely LineString), so OSMnx
functions can read the result; :func:`from_networkx` builds a :class:`Network` back.
:func:`from_osm_xml` reads an OpenStreetMap XML file through OSMnx, simplifies it, and
joins it to the nearest places of a network with connector links.

Examples
--------
>>> import connectivity as cn
>>> G = cn.to_networkx(cn.load_bundled())
>>> G.graph["crs"]
'EPSG:4326'
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from shapely import wkt
from shapely.geometry import LineString

from connectivity._datapath import bundled_data_dir
from connectivity._tables import COLUMNS
from connectivity.network import (
    OPTIONAL_TABLES,
    TABLES,
    Network,
    empty_table,
    from_frames,
    read_table,
)

__all__ = ["to_networkx", "from_networkx", "from_osm_xml", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088

_LINK_ATTRS = [
    c.name for c in COLUMNS["links"] if c.name not in ("link_id", "from_place", "to_place")
]
_PLACE_ATTRS = [c.name for c in COLUMNS["places"] if c.name not in ("place_id",)]
#: The tables besides places and links, carried along as they are.
_SIDE_TABLES = tuple(name for name in TABLES if name not in ("places", "links"))


def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    """Great-circle distance in km (vectorised over numpy arrays)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


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
        from connectivity.validate import link_terminals

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
             "commodities": commodities, "throughput": None}
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


def from_osm_xml(
    path: str | Path,
    *,
    country: str,
    network: Network | None = None,
    connect_within_km: float = 25.0,
    id_prefix: str | None = None,
) -> Network:
    """Import a road network from an OSM XML file and join it to a network's places.

    The file is read with ``osmnx.graph_from_xml`` and simplified (only intersections
    and dead ends stay nodes). Each OSM node becomes a ``junction`` place with a road
    terminal; each directed OSM edge a one-way road link with the OSM length and
    geometry. Each road place of ``network`` in ``country`` within
    ``connect_within_km`` of an OSM node is joined to its nearest one by a two-way
    connector link whose length is the great-circle distance (marked an estimate).

    Parameters
    ----------
    path
        OSM XML file (``.osm``). Data from OpenStreetMap is © OpenStreetMap
        contributors, ODbL.
    country
        ISO alpha-2 code of the country the file covers.
    network
        Network to join the roads to; ``None`` returns the roads alone.
    connect_within_km
        Largest connector length.
    id_prefix
        Prefix of the new place and link ids (default ``{country}_OSM``).

    Returns
    -------
    Network
        The joined, validated network.
    """
    import osmnx as ox

    if connect_within_km <= 0:
        raise ValueError(f"connect_within_km={connect_within_km} must be positive")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"OSM file {str(path)!r} does not exist")
    prefix = id_prefix or f"{country}_OSM"
    G = ox.graph_from_xml(path, simplify=True, retain_all=True)
    if G.number_of_nodes() == 0:
        raise ValueError(f"OSM file {str(path)!r} holds no road network")
    place_rows = []
    for node, data in G.nodes(data=True):
        place_rows.append({
            "place_id": f"{prefix}_{node}", "name": f"OSM node {node}", "country": country,
            "lon": float(data["x"]), "lat": float(data["y"]), "kind": "junction",
            "terminals": "road", "coord_estimate": False,
            "source": f"OpenStreetMap node {node} (ODbL)",
        })
    link_rows = []
    for u, v, key, data in G.edges(keys=True, data=True):
        osm_ids = data.get("osmid")
        maxspeed = data.get("maxspeed")
        speed = None
        if isinstance(maxspeed, str) and maxspeed.strip().isdigit():
            speed = float(maxspeed)
        geom = data.get("geometry")
        link_rows.append({
            "link_id": f"{prefix}_{u}_{v}_{key}", "from_place": f"{prefix}_{u}",
            "to_place": f"{prefix}_{v}", "mode": "road", "name": str(data.get("name") or ""),
            "length_km": float(data["length"]) / 1000.0, "length_estimate": False,
            "speed_kmh": speed, "status": "existing", "two_way": False,
            "geometry_wkt": geom.wkt if geom is not None else None,
            "source": f"OpenStreetMap way(s) {osm_ids} via osmnx (ODbL)",
        })
    places = pd.DataFrame(place_rows)
    links = pd.DataFrame(link_rows)
    if network is None:
        tables = {"places": places, "links": links, "crossings": empty_table("crossings")}
        for name in ("transfers", "modes", "commodities"):
            tables[name] = read_table(bundled_data_dir() / f"{name}.csv")
        return from_frames(**tables)
    base = network.places
    candidates = base[(base["country"] == country)
                      & base["terminals"].str.split(";").apply(lambda t: "road" in t)]
    connectors = []
    lon, lat = places["lon"].to_numpy(), places["lat"].to_numpy()
    for row in candidates.itertuples(index=False):
        dist = haversine_km(row.lon, row.lat, lon, lat)
        j = int(np.argmin(dist))
        if dist[j] <= connect_within_km:
            connectors.append({
                "link_id": f"{prefix}_CONNECT_{row.place_id}",
                "from_place": row.place_id, "to_place": places["place_id"].iloc[j],
                "mode": "road", "name": f"connector {row.place_id}",
                "length_km": max(float(dist[j]), 0.001), "length_estimate": True,
                "length_method": "great-circle to the nearest OSM node",
                "status": "existing", "two_way": True,
                "source": "generated by connectivity.from_osm_xml",
            })
    tables = {
        "places": pd.concat([base, places], ignore_index=True),
        "links": pd.concat([network.links, links, pd.DataFrame(connectors)], ignore_index=True),
    }
    for name in _SIDE_TABLES:
        tables[name] = network.table(name)
    return from_frames(**tables)
