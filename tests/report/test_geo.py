"""Results as GeoDataFrames: every layer's rows match its result's rows, and every shape
sits on the coordinates of the places the tables give."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import connectivity as cn
import tiny
from connectivity.errors import NetworkValidationError
from connectivity.invest import Portfolio, prioritize
from connectivity.optimize import SolveStatus
from connectivity.report.geo import (
    criticality_layer,
    difference_layer,
    flow_layer,
    network_layers,
    portfolio_layer,
    route_layers,
    skim_layer,
)
from connectivity.scenarios import criticality

PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2"], "name": ["direct road", "faster road post"],
    "kind": ["new_link", "crossing"], "link_ids": ["N1", ""], "crossing_ids": ["", "X_ROAD"],
    "capital_cost_usd": ["1e6", "1e5"], "dwell_h_saved": ["", "1"],
    "status": ["planned", "planned"]})


def _tiny(**changes: pd.DataFrame) -> cn.Network:
    frames = tiny.frames()
    frames["projects"] = PROJECTS.copy()
    frames.update(changes)
    return cn.from_frames(**frames)


@pytest.fixture(scope="module")
def tnet() -> cn.Network:
    return _tiny()


@pytest.fixture(scope="module")
def tdemand() -> pd.DataFrame:
    return pd.DataFrame({"origin": ["CN_A", "KZ_D"], "destination": ["KZ_D", "CN_A"],
                         "commodity": ["container", "urgent"],
                         "tonnes_per_year": [500_000.0, 200_000.0]})


@pytest.fixture(scope="module")
def bnet() -> cn.Network:
    return cn.load_bundled()


@pytest.fixture(scope="module")
def bdemand(bnet: cn.Network) -> pd.DataFrame:
    return cn.load_bundled_demand(bnet)


@pytest.fixture(params=["tiny", "bundled"])
def net_demand(request, tnet, tdemand, bnet, bdemand):
    return (tnet, tdemand) if request.param == "tiny" else (bnet, bdemand)


def _xy(net: cn.Network) -> dict[str, tuple[float, float]]:
    p = net.places
    return {k: (x, y) for k, x, y in zip(p["place_id"], p["lon"], p["lat"], strict=True)}


def _check_layer(gdf: gpd.GeoDataFrame, *unit_columns: str) -> None:
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    units = gdf.attrs["units"]
    for col in unit_columns:
        assert col in gdf.columns and units[col], col
    assert set(units) <= set(gdf.columns)


def _ends(geom) -> tuple[tuple[float, float], tuple[float, float]]:
    coords = list(geom.coords)
    return coords[0], coords[-1]


def test_network_layers_sit_on_the_places(net_demand) -> None:
    net, _ = net_demand
    layers = network_layers(net)
    xy = _xy(net)
    links, crossings, places = layers["links"], layers["crossings"], layers["places"]
    assert (len(links), len(crossings), len(places)) == (len(net.links), len(net.crossings),
                                                         len(net.places))
    _check_layer(links, "length_km", "time_h", "capacity_t_per_year")
    _check_layer(crossings, "dwell_h", "fee_usd_per_t")
    _check_layer(places, "lon", "lat")
    assert list(links["link_id"]) == list(net.links["link_id"])
    for row in links.itertuples():
        assert _ends(row.geometry) == (xy[row.from_place], xy[row.to_place])
    assert set(links["geometry_source"]) == {"straight_line"}
    for row in crossings.itertuples():
        (xa, ya), (xb, yb) = xy[row.place_a], xy[row.place_b]
        assert (row.geometry.x, row.geometry.y) == ((xa + xb) / 2, (ya + yb) / 2)
    for row in places.itertuples():
        assert (row.geometry.x, row.geometry.y) == xy[row.place_id]
    assert np.allclose(links["length_km"], net.links["length_km"])


def test_network_layers_show_what_a_scenario_opens(tnet) -> None:
    base = network_layers(tnet)
    later = network_layers(tnet, scenario=cn.Scenario(year=2030, closed_places=("CN_B",)))

    def flag(layers, name, key, value):
        frame = layers[name]
        return bool(frame.loc[frame[key] == value, "open"].iloc[0])
    assert not flag(base, "links", "link_id", "N1") and flag(later, "links", "link_id", "N1")
    assert not flag(base, "crossings", "crossing_id", "X_NEW")
    assert flag(later, "crossings", "crossing_id", "X_NEW")
    assert flag(base, "places", "place_id", "CN_B") and not flag(later, "places", "place_id",
                                                                 "CN_B")
    # L1 runs into the closed place: no commodity can use it
    assert not flag(later, "links", "link_id", "L1")
    assert later["links"].attrs["scenario"] == "base"
    x_rail = base["crossings"].set_index("crossing_id").loc["X_RAIL"]
    assert x_rail["link_ids"] == "L2" and x_rail["dwell_h"] == 10
    l2 = base["links"].set_index("link_id").loc["L2"]
    assert l2["crossing_id"] == "X_RAIL" and l2["dwell_h"] == 10
    assert np.isnan(l2["capacity_t_per_year"])  # no limit: an empty cell, not inf


def test_links_table_geometry_is_used_and_marked() -> None:
    frames = tiny.frames()
    frames["links"]["geometry_wkt"] = ["LINESTRING (80 44, 80.5 44.3, 81 44)"] + [""] * 6
    layers = network_layers(cn.from_frames(**frames))
    l1 = layers["links"].set_index("link_id").loc["L1"]
    assert l1["geometry_source"] == "table"
    assert list(l1["geometry"].coords) == [(80, 44), (80.5, 44.3), (81, 44)]
    assert (layers["links"]["geometry_source"] == "straight_line").sum() == 6


def test_a_geodataframe_links_table_keeps_its_lines() -> None:
    frames = tiny.frames()
    line = LineString([(80, 44), (80.2, 44.4), (81, 44)])
    frames["links"] = gpd.GeoDataFrame(frames["links"], geometry=[line] + [None] * 6,
                                       crs="EPSG:4326")
    links = network_layers(cn.read_network(**frames))["links"].set_index("link_id")
    assert links.loc["L1", "geometry_source"] == "table"
    assert links.loc["L1", "geometry"].equals(line)
    assert links.loc["L2", "geometry_source"] == "straight_line"


@pytest.mark.parametrize(("wkt", "message"), [
    ("LINESTRING (80 44, oops)", "links 'L1': geometry_wkt='LINESTRING (80 44, oops)' is not "
                                  "WKT"),
    ("POINT (80 44)", "links 'L1': geometry is a Point; a link needs a LineString"),
])
def test_bad_table_geometry_is_an_error_naming_the_link(wkt: str, message: str) -> None:
    frames = tiny.frames()
    frames["links"]["geometry_wkt"] = [wkt] + [""] * 6
    with pytest.raises(NetworkValidationError, match=message.replace("(", r"\(")
                       .replace(")", r"\)")):
        network_layers(cn.from_frames(**frames))


def _check_route(net: cn.Network, r: cn.Route) -> None:
    layers = route_layers(r, net)
    legs, stops = layers["legs"], layers["stops"]
    xy = _xy(net)
    _check_layer(legs, "length_km", "time_h", "cost_usd_per_t", "co2e_kg_per_t")
    _check_layer(stops, "time_h")
    assert len(legs) == len(r.legs)
    for row, leg in zip(legs.itertuples(), r.legs, strict=True):
        assert _ends(row.geometry) == (xy[leg.from_place], xy[leg.to_place])
        assert row.link_ids.split(";") == list(leg.link_ids)
        assert row.time_h == leg.time_h
    for a, b in zip(legs.geometry[:-1], legs.geometry[1:], strict=False):
        assert _ends(a)[1] == _ends(b)[0]  # legs chain end to end
    assert stops["role"].iloc[0] == "origin" and stops["role"].iloc[-1] == "destination"
    assert stops.geometry.iloc[0].equals(Point(xy[r.origin]))
    assert stops.geometry.iloc[-1].equals(Point(xy[r.destination]))
    assert len(stops) == len(r.transfers) + len(r.crossings)
    assert list(stops.loc[stops["role"] == "border_crossing", "crossing_id"]) == list(
        r.crossings)
    assert list(stops["seq"]) == list(range(1, len(stops) + 1))


def test_route_layers_on_the_tiny_network(tnet) -> None:
    r = cn.route(tnet, "Alpha", "Delta", require_modes=["road"])
    assert r.modes == ("rail", "road")
    _check_route(tnet, r)
    stops = route_layers(r, tnet)["stops"]
    assert list(stops["role"]) == ["origin", "transfer", "border_crossing", "destination"]


def test_route_layers_run_links_in_travel_direction(bnet) -> None:
    r = cn.route(bnet, "Urumqi", "Tbilisi")
    # RAIL_ATYRAU_BEYNEU is tabled from Atyrau and travelled from Beyneu
    assert "RAIL_ATYRAU_BEYNEU" in r.legs[0].link_ids
    _check_route(bnet, r)


def test_a_route_of_another_network_is_refused(bnet, tnet) -> None:
    r = cn.route(tnet, "Alpha", "Delta")
    with pytest.raises(ValueError, match="link 'L1' is not in this network"):
        route_layers(r, bnet)


def test_skim_layer_is_one_desire_line_per_pair(net_demand) -> None:
    net, _ = net_demand
    ids = list(net.places["place_id"][:3])
    s = cn.skim(net, ids, ids[:2])
    layer = skim_layer(s, net)
    xy = _xy(net)
    _check_layer(layer, "time_h", "distance_km", "generalized_cost_usd_per_t")
    assert len(layer) == len(s.to_frame()) == 6
    for row in layer.itertuples():
        assert _ends(row.geometry) == (xy[row.origin], xy[row.destination])
    assert np.allclose(layer["time_h"], s.to_frame()["time_h"], equal_nan=True)


def test_unreachable_pairs_are_empty_cells(tnet) -> None:
    s = cn.skim(tnet, ["Alpha"], ["Delta"], scenario=cn.Scenario(closed_places=("CN_B",)))
    layer = skim_layer(s, tnet)
    assert not layer["reachable"].iloc[0] and np.isnan(layer["time_h"].iloc[0])


def test_flow_layer_sums_both_directions(tnet, tdemand) -> None:
    a = cn.assign_aon(tnet, tdemand)
    layer = flow_layer(a, tnet).set_index("link_id")
    _check_layer(layer, "flow_t_per_year", "flow_ab_t_per_year", "flow_container_t_per_year")
    assert len(layer) == len(tnet.links)
    # container CN_A -> KZ_D by rail (from_place -> to_place), urgent back by road
    assert layer.loc["L2", "flow_ab_t_per_year"] == pytest.approx(500_000)
    assert layer.loc["L2", "flow_ba_t_per_year"] == 0
    assert layer.loc["R2", "flow_ba_t_per_year"] == pytest.approx(200_000)
    assert layer.loc["R2", "flow_urgent_t_per_year"] == pytest.approx(200_000)
    assert layer.loc["R2", "flow_container_t_per_year"] == 0
    per = layer[["flow_container_t_per_year", "flow_urgent_t_per_year"]].sum(axis=1)
    assert np.allclose(per, layer["flow_t_per_year"])


def test_flow_layer_on_the_bundled_network(bnet, bdemand) -> None:
    a = cn.assign_aon(bnet, bdemand)
    layer = flow_layer(a, bnet)
    assert len(layer) == len(bnet.links)
    assert layer["flow_t_per_year"].sum() == pytest.approx(a.links["flow_t_per_year"].sum())
    xy = _xy(bnet)
    for row in layer.itertuples():
        assert _ends(row.geometry) == (xy[row.from_place], xy[row.to_place])
    assert layer.attrs["method"] == "aon"


def test_flows_of_another_network_are_refused(tnet, tdemand, bnet) -> None:
    a = cn.assign_aon(tnet, tdemand)
    with pytest.raises(ValueError, match="not the 694 link edges of this network"):
        flow_layer(a, bnet)


def test_difference_layer(tnet, tdemand) -> None:
    base = cn.assign_aon(tnet, tdemand)
    closed = cn.assign_aon(tnet, tdemand, scenario=cn.Scenario(
        name="no_rail_post", closed_crossings=("X_RAIL",)))
    layer = difference_layer(base, closed, tnet).set_index("link_id")
    _check_layer(layer, "delta_flow_t_per_year", "delta_flow_pct", "base_flow_t_per_year")
    assert layer.loc["L2", "delta_flow_t_per_year"] == pytest.approx(-500_000)
    assert layer.loc["L2", "delta_flow_pct"] == pytest.approx(-100)
    assert layer.loc["R2", "delta_flow_t_per_year"] == pytest.approx(500_000)
    assert np.isnan(layer.loc["N1", "delta_flow_pct"])  # nothing to compare with
    assert layer.attrs["scenario"] == "no_rail_post" and layer.attrs["base_scenario"] == "base"


@pytest.mark.parametrize(("kind", "shape"), [("links", "LineString"), ("crossings", "Point"),
                                             ("places", "Point"), ("countries", "MultiPoint")])
def test_criticality_layer_on_the_tiny_network(tnet, tdemand, kind: str, shape: str) -> None:
    r = criticality(tnet, tdemand, elements=kind)
    layer = criticality_layer(r, tnet)
    _check_layer(layer, "delta_cost_usd_per_year", "delta_unserved_t_per_year")
    assert len(layer) == len(r.table)
    assert list(layer["element_id"]) == list(r.table["element_id"])
    assert set(layer.geom_type) == {shape}
    assert list(layer["rank"]) == list(range(1, len(layer) + 1))
    xy = _xy(tnet)
    if kind == "countries":
        kz = layer.set_index("element_id").loc["KZ", "geometry"]
        assert sorted((p.x, p.y) for p in kz.geoms) == sorted([xy["KZ_C"], xy["KZ_D"]])
    if kind == "places":
        for row in layer.itertuples():
            assert (row.geometry.x, row.geometry.y) == xy[row.element_id]


def test_criticality_layer_on_the_bundled_network(bnet, bdemand) -> None:
    r = criticality(bnet, bdemand, elements="ports", top=4)
    layer = criticality_layer(r, bnet)
    assert len(layer) == 4 and set(layer.geom_type) == {"Point"}
    xy = _xy(bnet)
    for row in layer.itertuples():
        assert (row.geometry.x, row.geometry.y) == xy[row.element_id]


def test_portfolio_layer(tnet, tdemand) -> None:
    p = prioritize(tnet, tdemand, budget=2e6)
    layer = portfolio_layer(p, tnet).set_index("project_id")
    _check_layer(layer, "capital_cost_usd")
    assert sorted(layer.index) == ["P1", "P2"]
    assert bool(layer.loc["P1", "selected"]) == ("P1" in p.selected)
    assert int(layer["selected"].sum()) == len(p.selected)
    xy = _xy(tnet)
    (p1,) = layer.loc["P1", "geometry"].geoms
    assert _ends(p1) == (xy["CN_A"], xy["KZ_D"])  # the new direct road N1
    (p2,) = layer.loc["P2", "geometry"].geoms  # the road post lives on link R2
    assert _ends(p2) == (xy["CN_B"], xy["KZ_C"]) and layer.loc["P2", "link_ids"] == "R2"
    assert layer.loc["P2", "crossing_ids"] == "X_ROAD"
    assert layer.attrs["method"] == "milp"


def test_portfolio_without_recorded_candidates(tnet) -> None:
    p = Portfolio(method="by hand", selected=("P2",), objective=1.0, baseline=2.0, cost=1e5,
                  budget=1e6, status=SolveStatus.FEASIBLE, bound=float("nan"), seconds=0.0,
                  schedule={"P2": 2030})
    with pytest.raises(ValueError, match="records no candidates"):
        portfolio_layer(p, tnet)
    layer = portfolio_layer(p, tnet, candidates=["P1", "P2"])
    assert list(layer["selected"]) == [False, True]
    assert pd.isna(layer["build_year"].iloc[0]) and layer["build_year"].iloc[1] == 2030
    with pytest.raises(ValueError, match=r"project id\(s\) \['P9'\] are not in the network"):
        portfolio_layer(p, tnet, candidates=["P9", "P2"])


def test_portfolio_layer_on_the_bundled_network(bnet, bdemand) -> None:
    p = prioritize(bnet, bdemand, budget=1e9, projects=["P03", "P13", "P27", "P29"])
    layer = portfolio_layer(p, bnet)
    assert len(layer) == 4 and set(layer.geom_type) == {"MultiLineString"}
    assert int(layer["selected"].sum()) == len(p.selected)
