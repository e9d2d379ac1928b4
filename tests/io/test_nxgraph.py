"""networkx export/import in OSMnx conventions, and OSM XML import through osmnx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from shapely.geometry import LineString

import connectivity as cn

OSM = Path(__file__).resolve().parent.parent / "data" / "tiny_roads.osm"


def test_to_networkx_osmnx_conventions(tiny_net):
    G = cn.to_networkx(tiny_net)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.graph["crs"] == "EPSG:4326"
    assert G.nodes["KZ_D"]["x"] == 82.5 and G.nodes["KZ_D"]["y"] == 44.0
    # two-way links give both directions; parallel road and rail edges stay apart
    assert G.number_of_edges() == 2 * len(tiny_net.links)
    assert set(G["CN_A"]["CN_B"]) == {"L1", "R1"}
    edge = G.edges["CN_A", "CN_B", "L1"]
    assert edge["length"] == pytest.approx(100_000.0)
    assert isinstance(edge["geometry"], LineString)
    back = G.edges["CN_B", "CN_A", "L1"]
    assert back["reversed"] is True
    assert back["geometry"].coords[0] == (81.0, 44.0)


def test_networkx_round_trip(tiny_net):
    again = cn.from_networkx(cn.to_networkx(tiny_net))
    cols = ["link_id", "from_place", "to_place", "mode", "length_km", "gauge_mm", "status"]
    pd.testing.assert_frame_equal(
        again.links[cols].sort_values("link_id").reset_index(drop=True),
        tiny_net.links[cols].sort_values("link_id").reset_index(drop=True),
    )
    pcols = ["place_id", "country", "lon", "lat", "terminals"]
    pd.testing.assert_frame_equal(again.places[pcols], tiny_net.places[pcols])
    assert list(again.crossings["crossing_id"]) == list(tiny_net.crossings["crossing_id"])
    r1, r2 = cn.route(tiny_net, "CN_A", "KZ_D"), cn.route(again, "CN_A", "KZ_D")
    assert r1.generalized_cost_usd_per_t == pytest.approx(r2.generalized_cost_usd_per_t)


def test_from_plain_digraph_needs_country():
    G = nx.DiGraph()
    G.add_node("a", x=1.0, y=1.0)
    G.add_node("b", x=1.1, y=1.0)
    G.add_edge("a", "b", length=12_000.0)
    with pytest.raises(cn.NetworkValidationError, match="places 'a': country is empty"):
        cn.from_networkx(G)
    net = cn.from_networkx(G, default_country="KZ")
    assert net.links.iloc[0]["length_km"] == pytest.approx(12.0)
    assert net.links.iloc[0]["two_way"] is False or not net.links.iloc[0]["two_way"]


def test_osm_import_alone():
    net = cn.from_osm_xml(OSM, country="KZ")
    # simplified: nodes 2 and 5 are interstitial and go away
    assert set(net.places["place_id"]) == {"KZ_OSM_1", "KZ_OSM_3", "KZ_OSM_4", "KZ_OSM_6"}
    links = net.links
    assert len(links) == 5  # 1<->3, 3<->4 both ways; 3->6 one way
    one_way = links[links["to_place"] == "KZ_OSM_6"]
    assert len(one_way) == 1 and not one_way["two_way"].iloc[0]
    assert links["source"].str.contains("ODbL").all()
    # 1 -> 3 is two segments along a parallel: about 3.2 km
    seg = links[(links.from_place == "KZ_OSM_1") & (links.to_place == "KZ_OSM_3")]
    assert seg["length_km"].iloc[0] == pytest.approx(3.2, rel=0.02)


def test_osm_import_joined_to_network(tiny_net):
    net = cn.from_osm_xml(OSM, country="KZ", network=tiny_net, connect_within_km=5)
    connectors = net.links[net.links["link_id"].str.contains("CONNECT")]
    assert list(connectors["from_place"]) == ["KZ_D"]
    assert list(connectors["to_place"]) == ["KZ_OSM_1"]
    assert bool(connectors["length_estimate"].iloc[0]) is True
    r = cn.route(net, "CN_A", "KZ_OSM_6", commodity="urgent")
    assert r.legs[-1].to_place == "KZ_OSM_6"
    with pytest.raises(cn.NoRouteError):
        cn.route(net, "KZ_OSM_6", "CN_A", scenario=cn.Scenario(modes=("road",)))


def test_osm_import_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cn.from_osm_xml(tmp_path / "nope.osm", country="KZ")
    with pytest.raises(ValueError, match="connect_within_km=0"):
        cn.from_osm_xml(OSM, country="KZ", connect_within_km=0)
