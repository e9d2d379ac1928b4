"""The OSMnx-conformant graph, checked with OSMnx's own functions."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import osmnx as ox
import pytest

import connectivity as cn
from connectivity.io.osmnx_export import to_osmnx, write_osmnx_geopackage, write_osmnx_graphml


def test_osmnx_conventions(tiny_net):
    G = to_osmnx(tiny_net)
    assert isinstance(G, nx.MultiDiGraph) and G.graph["crs"] == "epsg:4326"
    assert list(G.nodes) == [0, 1, 2, 3]
    assert G.nodes[3]["place_id"] == "KZ_D" and G.nodes[3]["x"] == 82.5
    # CN_A: rail and road to CN_B, a planned road to KZ_D: three streets
    assert G.nodes[0]["street_count"] == 3
    assert G.number_of_edges() == 2 * len(tiny_net.links)
    edges = {d["link_id"]: d for _, _, d in G.edges(0, data=True)}
    assert edges["L1"]["length"] == pytest.approx(100_000.0) and edges["L1"]["osmid"] == 0
    assert edges["L1"]["geometry"].coords[0] == (80.0, 44.0)


def test_basic_stats(tiny_net):
    stats = ox.stats.basic_stats(to_osmnx(tiny_net))
    assert stats["n"] == 4 and stats["m"] == 14
    lengths_km = tiny_net.links["length_km"].sum()
    assert stats["edge_length_total"] == pytest.approx(2 * lengths_km * 1000.0)
    assert stats["street_length_total"] == pytest.approx(lengths_km * 1000.0)


def test_nearest_nodes_projected_and_unprojected(tiny_net):
    G = to_osmnx(tiny_net)
    P = ox.project_graph(G)
    x, y = P.nodes[2]["x"] + 500.0, P.nodes[2]["y"] - 300.0
    assert ox.distance.nearest_nodes(P, x, y) == 2
    assert list(ox.distance.nearest_nodes(P, [P.nodes[3]["x"]], [P.nodes[3]["y"]])) == [3]
    pytest.importorskip("sklearn")  # OSMnx searches lon/lat graphs with a BallTree
    assert ox.distance.nearest_nodes(G, 81.09, 44.01) == 2


def test_geopackage_and_graphml(tmp_path):
    net = cn.load_bundled()
    gpkg = tmp_path / "g.gpkg"
    write_osmnx_geopackage(net, gpkg)
    nodes = gpd.read_file(gpkg, layer="nodes")
    edges = gpd.read_file(gpkg, layer="edges")
    assert len(nodes) == len(net.places) and list(nodes["place_id"]) == list(
        net.places["place_id"])
    two_way = int(net.links["two_way"].fillna(True).sum())
    assert len(edges) == len(net.links) + two_way
    assert set(edges["link_id"]) == set(net.links["link_id"])
    graphml = tmp_path / "g.graphml"
    write_osmnx_graphml(net, graphml)
    H = ox.io.load_graphml(graphml)
    assert H.number_of_nodes() == len(net.places)
    total_m = sum(d["length"] for _, _, d in H.edges(data=True))
    assert total_m == pytest.approx(1000.0 * (net.links["length_km"].sum() + net.links.loc[
        net.links["two_way"].fillna(True).astype(bool), "length_km"].sum()))
