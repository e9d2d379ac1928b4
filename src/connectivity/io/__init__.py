"""Exchange formats in and out: tables and arrays only, never an analysis.

- :mod:`~connectivity.io.tntp`: the TNTP files of the transportation research test
  networks (``_net``, ``_trips``, ``_flow``, ``_node``), read and written;
- :mod:`~connectivity.io.candidates`: candidate links of a network design problem
  (:class:`CandidateLinks`): the candidates CSV, read and written, and Rey's discrete
  network design instances (:func:`read_dndp_instance`);
- :mod:`~connectivity.io.nxgraph`: networkx graphs with OSMnx conventions
  (:func:`to_networkx`, :func:`from_networkx`);
- :mod:`~connectivity.io.osm`: road networks from OpenStreetMap XML through OSMnx
  (:func:`from_osm_xml`, places snapped by :func:`nearest_points`);
- :mod:`~connectivity.io.osmnx_export`: an OSMnx-conformant graph of a network
  (:func:`to_osmnx`, :func:`write_osmnx_graphml`, :func:`write_osmnx_geopackage`);
- :mod:`~connectivity.io.gmns`: GMNS node and link CSVs in and out (:func:`read_gmns`,
  :func:`write_gmns`) and the project's own CSV tables (:func:`write_network_csv`);
- :mod:`~connectivity.io.omx`: skims as OMX matrices or CSV (:func:`write_skims_omx`,
  :func:`write_skims_csv`) and demand from OMX (:func:`read_demand_omx`,
  :func:`omx_zones`);
- :mod:`~connectivity.io.geofile`: GIS layers as GeoPackage, GeoJSON or GeoParquet
  (:func:`write_layers`, :func:`read_layers`).

Example
-------
>>> from connectivity import io, load_bundled
>>> G = io.to_networkx(load_bundled())
>>> G.graph["crs"]
'EPSG:4326'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.io.candidates import (
        CANDIDATE_COLUMNS,
        CandidateLinks,
        read_candidates,
        read_dndp_instance,
        write_candidates,
    )
    from connectivity.io.geofile import read_layers, write_layers
    from connectivity.io.gmns import read_gmns, write_gmns, write_network_csv
    from connectivity.io.nxgraph import from_networkx, to_networkx
    from connectivity.io.omx import omx_zones, read_demand_omx, write_skims_csv, write_skims_omx
    from connectivity.io.osm import from_osm_xml, haversine_km, nearest_points
    from connectivity.io.osmnx_export import to_osmnx, write_osmnx_geopackage, write_osmnx_graphml
    from connectivity.io.tntp import (
        TntpFlows,
        TntpNetwork,
        TntpTrips,
        read_flow,
        read_net,
        read_node,
        read_trips,
        write_flows,
        write_net,
        write_trips,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "candidates": (
            "CANDIDATE_COLUMNS", "CandidateLinks", "read_candidates", "read_dndp_instance",
            "write_candidates",
        ),
        "geofile": ("read_layers", "write_layers"),
        "gmns": ("read_gmns", "write_gmns", "write_network_csv"),
        "nxgraph": ("from_networkx", "to_networkx"),
        "omx": ("omx_zones", "read_demand_omx", "write_skims_csv", "write_skims_omx"),
        "osm": ("from_osm_xml", "haversine_km", "nearest_points"),
        "osmnx_export": ("to_osmnx", "write_osmnx_geopackage", "write_osmnx_graphml"),
        "tntp": (
            "TntpFlows", "TntpNetwork", "TntpTrips", "read_flow", "read_net", "read_node",
            "read_trips", "write_flows", "write_net", "write_trips",
        ),
    })

__all__ = [
    "to_networkx",
    "from_networkx",
    "from_osm_xml",
    "haversine_km",
    "TntpNetwork",
    "TntpTrips",
    "TntpFlows",
    "read_net",
    "read_trips",
    "read_flow",
    "read_node",
    "write_net",
    "write_trips",
    "write_flows",
    "CandidateLinks",
    "CANDIDATE_COLUMNS",
    "read_candidates",
    "write_candidates",
    "read_dndp_instance",
    "nearest_points",
    "to_osmnx",
    "write_osmnx_graphml",
    "write_osmnx_geopackage",
    "read_gmns",
    "write_gmns",
    "write_network_csv",
    "write_skims_omx",
    "write_skims_csv",
    "read_demand_omx",
    "omx_zones",
    "write_layers",
    "read_layers",
]
