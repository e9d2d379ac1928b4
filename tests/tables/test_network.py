"""Loading tables from folders, files of each format, and DataFrames."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely import wkt
from shapely.geometry import LineString, Point

import connectivity as cn
from connectivity.errors import UnknownIdError


def _write_csvs(frames: dict[str, pd.DataFrame], folder) -> None:
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def test_read_folder_equals_frames(tiny_frames, tiny_net, tmp_path):
    _write_csvs(tiny_frames, tmp_path)
    net = cn.read_network(tmp_path)
    pd.testing.assert_frame_equal(net.links, tiny_net.links)
    pd.testing.assert_frame_equal(net.places, tiny_net.places)


def test_read_geojson_and_geopackage(tiny_frames, tiny_net, tmp_path):
    places = tiny_frames["places"].copy()
    pts = gpd.GeoDataFrame(
        places.drop(columns=["lon", "lat"]),
        geometry=[Point(float(x), float(y)) for x, y in zip(places.lon, places.lat, strict=True)],
        crs="EPSG:4326",
    )
    xy = {p: (float(x), float(y)) for p, x, y in zip(places.place_id, places.lon, places.lat,
                                                     strict=True)}
    links = tiny_frames["links"].copy()
    lines = gpd.GeoDataFrame(
        links,
        geometry=[LineString([xy[a], (xy[a][0], xy[a][1] + 0.1), xy[b]])
                  for a, b in zip(links.from_place, links.to_place, strict=True)],
        crs="EPSG:4326",
    )
    pts.to_file(tmp_path / "places.geojson", driver="GeoJSON")
    gpkg = tmp_path / "net.gpkg"
    lines.to_file(gpkg, layer="links", driver="GPKG")
    rest = {k: v for k, v in tiny_frames.items() if k not in ("places", "links")}
    net = cn.read_network(places=tmp_path / "places.geojson", links=f"{gpkg}:links", **rest)
    assert list(net.places["place_id"]) == list(tiny_net.places["place_id"])
    assert net.places["lon"].tolist() == pytest.approx(tiny_net.places["lon"].tolist())
    geom = wkt.loads(net.links.set_index("link_id").at["L1", "geometry_wkt"])
    assert len(geom.coords) == 3  # the curved geometry is kept, not replaced
    G = cn.to_networkx(net)
    assert len(G.edges["CN_A", "CN_B", "L1"]["geometry"].coords) == 3


def test_bad_paths_and_names(tiny_frames, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cn.read_network(tmp_path / "nowhere")
    with pytest.raises(UnknownIdError, match=r"unknown table name\(s\) \['roads'\]"):
        cn.read_network(roads=tiny_frames["links"])
    bad = tmp_path / "places.xlsx"
    bad.write_text("x")
    with pytest.raises(ValueError, match="unsupported table file"):
        cn.read_network(places=bad, links=tiny_frames["links"])


def test_resolve_place(tiny_net):
    assert cn.resolve_place(tiny_net, "KZ_D") == "KZ_D"
    assert cn.resolve_place(tiny_net, "delta") == "KZ_D"
    assert cn.resolve_place(tiny_net, "kz_d") == "KZ_D"
    with pytest.raises(UnknownIdError, match=r"did you mean 'KZ_D' \(Delta\)"):
        cn.resolve_place(tiny_net, "Deltaa")
    with pytest.raises(UnknownIdError, match="no place id or name is close"):
        cn.resolve_place(tiny_net, "Zanzibar")


def test_expand_generates_virtual_links(tiny_net):
    ex = cn.expand(tiny_net)
    edges = ex.edges
    # 7 two-way links -> 14 link edges; each place: 2 terminals -> 2 load + 2 unload
    assert (edges["kind"] == "link").sum() == 14
    assert (edges["kind"] == "load").sum() == 8
    assert (edges["kind"] == "unload").sum() == 8
    l2 = edges[(edges.link_id == "L2") & ~edges.reverse].iloc[0]
    assert (l2.from_terminal, l2.to_terminal) == ("rail_1435", "rail_1520")
    # 10 km at 40 km/h + 10 h dwell + 3 h gauge change
    assert l2.time_h == pytest.approx(13.25)
    assert l2.cost_usd_per_t == pytest.approx(0.2 + 5 + 7)
    back = edges[(edges.link_id == "L2") & edges.reverse].iloc[0]
    assert (back.from_terminal, back.to_terminal) == ("rail_1520", "rail_1435")
    transfers = edges[edges.kind == "transfer"]
    assert set(zip(transfers.from_place, transfers.from_terminal, transfers.to_terminal,
                   strict=True)) >= {("CN_A", "road", "rail_1435"), ("KZ_D", "rail_1520", "road")}
