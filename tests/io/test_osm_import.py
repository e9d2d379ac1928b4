"""OSM import: KD-tree snapping against brute force; speeds by osmnx's imputation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import connectivity as cn
from connectivity.io.osm import haversine_km, nearest_points

OSM = Path(__file__).resolve().parent.parent / "data" / "tiny_roads.osm"


@pytest.mark.parametrize("box", [
    (60.0, 90.0, 35.0, 50.0),  # Central Asia
    (170.0, 190.0, 60.0, 75.0),  # across the 180th meridian, high latitude
    (-180.0, 180.0, 80.0, 89.9),  # round the pole
])
def test_kdtree_snapping_equals_brute_force(box):
    rng = np.random.default_rng(7)
    lo_lon, hi_lon, lo_lat, hi_lat = box
    nodes_lon = (rng.uniform(lo_lon, hi_lon, 3000) + 180.0) % 360.0 - 180.0
    nodes_lat = rng.uniform(lo_lat, hi_lat, 3000)
    pts_lon = (rng.uniform(lo_lon, hi_lon, 200) + 180.0) % 360.0 - 180.0
    pts_lat = rng.uniform(lo_lat, hi_lat, 200)
    index, km = nearest_points(pts_lon, pts_lat, nodes_lon, nodes_lat)
    brute = haversine_km(pts_lon[:, None], pts_lat[:, None], nodes_lon[None, :],
                         nodes_lat[None, :])
    np.testing.assert_array_equal(index, brute.argmin(axis=1))
    np.testing.assert_allclose(km, brute.min(axis=1), rtol=1e-12)


def test_nearest_points_refuses_bad_input():
    with pytest.raises(ValueError, match="at least one candidate"):
        nearest_points([1.0], [2.0], [], [])
    with pytest.raises(ValueError, match=r"lat holds .*nan"):
        nearest_points([1.0], [float("nan")], [1.0], [2.0])


def _links(net):
    return net.links.set_index("link_id")


def test_speeds_from_maxspeed_and_imputed_by_highway_type():
    links = _links(cn.from_osm_xml(OSM, country="KZ"))
    assert links.loc["KZ_OSM_1_3_0", "speed_kmh"] == 60.0  # maxspeed=60 on way 100
    assert "from maxspeed=60" in links.loc["KZ_OSM_1_3_0", "source"]
    # way 200 (secondary) has no maxspeed, and no secondary way has one: the mean of
    # every tagged type
    assert links.loc["KZ_OSM_3_6_0", "speed_kmh"] == 60.0
    assert "every tagged highway type" in links.loc["KZ_OSM_3_6_0", "source"]


def _osm(tmp_path, ways, used):
    nodes = "".join(f'<node id="{i}" lat="44.0" lon="{82.5 + 0.02 * i}" version="1"/>'
                    for i in used)
    text = f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>'
    path = tmp_path / "roads.osm"
    path.write_text(text, encoding="utf-8")
    return path


def _way(wid, refs, **tags):
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<way id="{wid}" version="1">{nds}{tg}</way>'


def test_speeds_mph_lists_and_types(tmp_path):
    ways = (_way(1, [1, 2], highway="primary", maxspeed="50")
            + _way(2, [2, 3], highway="primary", maxspeed="70")
            + _way(3, [3, 7], highway="trunk", maxspeed="40 mph")
            + _way(4, [3, 4], highway="trunk")
            + _way(5, [3, 5], highway="residential"))
    links = _links(cn.from_osm_xml(_osm(tmp_path, ways, (1, 2, 3, 4, 5, 7)), country="KZ"))
    # node 2 is interstitial: the simplified edge holds the list [50, 70]
    assert links.loc["KZ_OSM_1_3_0", "speed_kmh"] == pytest.approx(60.0)
    assert links.loc["KZ_OSM_3_1_0", "speed_kmh"] == pytest.approx(60.0)
    assert links.loc["KZ_OSM_3_7_0", "speed_kmh"] == pytest.approx(40 * 1.60934)
    # untagged trunk: the mean of the tagged trunk ways; residential: of every type
    assert links.loc["KZ_OSM_3_4_0", "speed_kmh"] == pytest.approx(40 * 1.60934)
    assert "highway=trunk" in links.loc["KZ_OSM_3_4_0", "source"]
    assert links.loc["KZ_OSM_3_5_0", "speed_kmh"] == pytest.approx((60 + 40 * 1.60934) / 2)


def test_no_maxspeed_anywhere_keeps_the_road_default(tmp_path):
    ways = _way(1, [1, 3], highway="primary") + _way(2, [3, 6], highway="secondary")
    net = cn.from_osm_xml(_osm(tmp_path, ways, (1, 3, 6)), country="KZ")
    assert net.links["speed_kmh"].isna().all()
    assert net.links["source"].str.contains("road default").all()
    road_kmh = float(net.modes.set_index("mode").loc["road", "speed_kmh"])
    r = cn.route(net, "KZ_OSM_1", "KZ_OSM_6", scenario=cn.Scenario(modes=("road",)))
    line_haul = sum(leg.time_h for leg in r.legs)
    assert line_haul >= r.distance_km / road_kmh * 0.999
