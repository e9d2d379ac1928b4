"""Exchange formats in and out: tables and arrays only, never an analysis.

- :mod:`~connectivity.io.tntp`: the TNTP files of the transportation research test
  networks (``_net``, ``_trips``, ``_flow``, ``_node``), read and written;
- :mod:`~connectivity.io.candidates`: candidate links of a network design problem
  (:class:`CandidateLinks`): the candidates CSV, read and written, and Rey's discrete
  network design instances (:func:`read_dndp_instance`);
- :mod:`~connectivity.io.nxgraph`: networkx graphs with OSMnx conventions
  (:func:`to_networkx`, :func:`from_networkx`);
- :mod:`~connectivity.io.osm`: road networks from OpenStreetMap XML through OSMnx
  (:func:`from_osm_xml`).

Example
-------
>>> from connectivity import io, load_bundled
>>> G = io.to_networkx(load_bundled())
>>> G.graph["crs"]
'EPSG:4326'
"""

from __future__ import annotations

from connectivity.io.candidates import (
    CANDIDATE_COLUMNS,
    CandidateLinks,
    read_candidates,
    read_dndp_instance,
    write_candidates,
)
from connectivity.io.nxgraph import from_networkx, to_networkx
from connectivity.io.osm import from_osm_xml, haversine_km
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
]
