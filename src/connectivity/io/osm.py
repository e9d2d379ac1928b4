"""Road networks imported from OpenStreetMap XML files (through OSMnx).

Data from OpenStreetMap is © OpenStreetMap contributors, under the ODbL; every place
and link made here says so in its ``source``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from connectivity.tables import (
    TABLES,
    Network,
    bundled_data_dir,
    empty_table,
    from_frames,
    read_table,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["from_osm_xml", "haversine_km", "nearest_points", "EARTH_RADIUS_KM"]

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




def _unit_vectors(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def nearest_points(
    lon: ArrayLike, lat: ArrayLike, to_lon: ArrayLike, to_lat: ArrayLike
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """For each point, the nearest of the points ``to_`` on the sphere, by a KD-tree.

    The tree (``scipy.spatial.cKDTree``) holds the ``to_`` points as 3-D unit vectors.
    The straight-line distance between two unit vectors (the chord) grows with their
    great-circle distance, so the nearest by chord is the nearest on the Earth, at any
    latitude and across the 180th meridian, where a tree on raw lon/lat would not be.

    Parameters
    ----------
    lon, lat
        Points to snap, degrees.
    to_lon, to_lat
        Candidate points (e.g. OSM nodes), degrees; at least one.

    Returns
    -------
    index, distance_km
        Index into ``to_`` of each point's nearest candidate, and the great-circle
        distance to it (:func:`haversine_km`).

    Examples
    --------
    >>> idx, km = nearest_points([76.9], [43.2], [69.2, 76.95], [41.3, 43.25])
    >>> int(idx[0]), round(float(km[0]), 2)
    (1, 6.88)
    """
    from scipy.spatial import cKDTree

    lon_a, lat_a = np.atleast_1d(np.asarray(lon, float)), np.atleast_1d(np.asarray(lat, float))
    to_lon_a = np.atleast_1d(np.asarray(to_lon, float))
    to_lat_a = np.atleast_1d(np.asarray(to_lat, float))
    if to_lon_a.size == 0:
        raise ValueError("nearest_points needs at least one candidate point (to_lon, to_lat)")
    for name, arr in (("lon", lon_a), ("lat", lat_a), ("to_lon", to_lon_a),
                      ("to_lat", to_lat_a)):
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} holds a value that is not a finite number: "
                             f"{arr[~np.isfinite(arr)][:3].tolist()}")
    tree = cKDTree(_unit_vectors(to_lon_a, to_lat_a))
    _, index = tree.query(_unit_vectors(lon_a, lat_a))
    index = np.asarray(index, dtype=np.intp)
    dist = haversine_km(lon_a, lat_a, to_lon_a[index], to_lat_a[index])
    return index, np.asarray(dist, dtype=np.float64)


def _edge_speeds(G: nx.MultiDiGraph) -> dict[tuple[Any, Any, Any], float]:
    """Speeds in km/h by edge, by OSMnx's imputation (``osmnx.routing.add_edge_speeds``):
    an edge's ``maxspeed`` tag (km/h, mph converted, lists and ``|`` lanes averaged),
    else the mean tagged speed of its highway type in the file, else of all types. An
    edge it gives no speed (no edge of the file has a readable ``maxspeed``) is left out,
    so its link takes the road mode's default speed."""
    import osmnx as ox

    try:
        ox.routing.add_edge_speeds(G)
    except ValueError:  # not one readable maxspeed in the file
        return {}
    out = {}
    for u, v, key, data in G.edges(keys=True, data=True):
        speed = data.get("speed_kph")
        if speed is not None and np.isfinite(speed):
            out[(u, v, key)] = float(speed)
    return out


def _highway(data: dict[str, Any]) -> str:
    hw = data.get("highway")
    return str(hw[0] if isinstance(hw, list) and hw else hw)


def _speed_note(data: dict[str, Any], speed: float | None, tagged: set[str]) -> str:
    """Where a link's speed comes from (``tagged``: highway types with a maxspeed)."""
    if speed is None:
        return "speed_kmh: the road default (no edge of the file has a maxspeed)"
    tag = data.get("maxspeed")
    if tag is not None:
        return f"speed_kmh {speed:g} by osmnx from maxspeed={tag}"
    hw = _highway(data)
    among = f"highway={hw}" if hw in tagged else "every tagged highway type"
    return f"speed_kmh {speed:g} imputed by osmnx (no maxspeed; mean over {among} in the file)"


def _osm_tables(G: nx.MultiDiGraph, country: str,
                prefix: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    place_rows = []
    for node, data in G.nodes(data=True):
        place_rows.append({
            "place_id": f"{prefix}_{node}", "name": f"OSM node {node}", "country": country,
            "lon": float(data["x"]), "lat": float(data["y"]), "kind": "junction",
            "terminals": "road", "coord_estimate": False,
            "source": f"OpenStreetMap node {node} (ODbL)",
        })
    tagged = {_highway(d) for _, _, d in G.edges(data=True) if d.get("maxspeed") is not None}
    speeds = _edge_speeds(G)
    link_rows = []
    for u, v, key, data in G.edges(keys=True, data=True):
        speed = speeds.get((u, v, key))
        geom = data.get("geometry")
        link_rows.append({
            "link_id": f"{prefix}_{u}_{v}_{key}", "from_place": f"{prefix}_{u}",
            "to_place": f"{prefix}_{v}", "mode": "road", "name": str(data.get("name") or ""),
            "length_km": float(data["length"]) / 1000.0, "length_estimate": False,
            "speed_kmh": speed, "status": "existing", "two_way": False,
            "geometry_wkt": geom.wkt if geom is not None else None,
            "source": f"OpenStreetMap way(s) {data.get('osmid')} via osmnx (ODbL); "
                      + _speed_note(data, speed, tagged),
        })
    return pd.DataFrame(place_rows), pd.DataFrame(link_rows)


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
    geometry, and a speed from ``osmnx.routing.add_edge_speeds`` (the ``maxspeed``
    tag, else the mean of its highway type in the file; with no ``maxspeed`` anywhere
    in the file, the road mode's default speed); each link's ``source`` says which.
    Each road place of ``network`` in ``country`` within ``connect_within_km`` of an
    OSM node is joined to its nearest one (:func:`nearest_points`, a KD-tree) by a
    two-way connector link whose length is the great-circle distance (marked an
    estimate).

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
    places, links = _osm_tables(G, country, prefix)
    if network is None:
        tables = {"places": places, "links": links, "crossings": empty_table("crossings")}
        for name in ("transfers", "modes", "commodities"):
            tables[name] = read_table(bundled_data_dir() / f"{name}.csv")
        return from_frames(**tables)
    base = network.places
    candidates = base[(base["country"] == country)
                      & base["terminals"].str.split(";").apply(lambda t: "road" in t)]
    connectors = []
    if len(candidates):
        index, dist = nearest_points(candidates["lon"], candidates["lat"],
                                     places["lon"], places["lat"])
        node_ids = places["place_id"].to_numpy()
        for place_id, j, km in zip(candidates["place_id"], index.tolist(), dist.tolist(),
                                   strict=True):
            if km <= connect_within_km:
                connectors.append({
                    "link_id": f"{prefix}_CONNECT_{place_id}",
                    "from_place": place_id, "to_place": node_ids[j],
                    "mode": "road", "name": f"connector {place_id}",
                    "length_km": max(km, 0.001), "length_estimate": True,
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
