"""Road networks imported from OpenStreetMap XML files (through OSMnx).

Data from OpenStreetMap is © OpenStreetMap contributors, under the ODbL; every place
and link made here says so in its ``source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectivity.tables import (
    TABLES,
    Network,
    bundled_data_dir,
    empty_table,
    from_frames,
    read_table,
)

__all__ = ["from_osm_xml", "haversine_km", "EARTH_RADIUS_KM"]

EARTH_RADIUS_KM = 6371.0088

#: The tables besides places and links, carried along as they are.
_SIDE_TABLES = tuple(name for name in TABLES if name not in ("places", "links"))


def haversine_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    """Great-circle distance in km (vectorised over numpy arrays).

    >>> round(float(haversine_km(76.9, 43.2, 69.2, 41.3)), 1)  # Almaty - Tashkent
    667.8
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


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
