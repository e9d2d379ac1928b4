"""Static maps on the bundled network: files that decode, the artists a reader needs
(legend, scale bar, labels of the route's stops, attribution), labels that do not
overlap, the basemap file, and errors."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import connectivity as cn
from connectivity.report import maps
from connectivity.report._labels import LabelSpec, place_labels
from connectivity.report._mapstyle import (
    ATTRIBUTION,
    LABEL_GID,
    MAP_CRS,
    SCALE_GID,
    Extent,
    new_map,
)

REGION = {"CN", "KZ", "KG", "TJ", "UZ", "TM", "AF", "IR", "PK", "MN", "RU", "AZ", "GE",
          "AM", "TR", "DE", "NL", "BE", "PL", "BY"}


@pytest.fixture(scope="module")
def net() -> cn.Network:
    return cn.load_bundled()


@pytest.fixture(scope="module")
def figures(net: cn.Network) -> dict[str, Any]:
    from connectivity.scenarios import criticality

    demand = cn.load_bundled_demand(net)
    base = cn.assign_aon(net, demand)
    closed = cn.Scenario(name="no_khorgos", closed_crossings=("X_KHORGOS_ALTYNKOL_RAIL",))
    other = cn.assign_aon(net, demand, scenario=closed)
    crit = criticality(net, demand, elements="crossings", top=8)
    return {
        "network": maps.network_figure(net),
        "route": maps.route_figure(cn.route(net, "Urumqi", "Almaty"), net),
        "flows": maps.flows_figure(base, net),
        "criticality": maps.criticality_figure(crit, net),
        "difference": maps.difference_figure(base, other, net),
    }


def _labels(fig: Any) -> list[Any]:
    return [t for t in fig.axes[0].texts if t.get_gid() == LABEL_GID]


def _overlap(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("kind", ["network", "route", "flows", "criticality", "difference"])
def test_saved_png_and_svg_decode(figures: dict[str, Any], kind: str, tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    fig = figures[kind]
    png = maps.save_figure(fig, tmp_path / f"{kind}.png")
    image = mpimg.imread(png)
    width_in, height_in = fig.get_size_inches()
    assert image.shape[:2] == (int(height_in * fig.dpi), int(width_in * fig.dpi))
    # a map, not a blank page: land, water and lines give many distinct colours
    assert len(np.unique(image[::7, ::7].reshape(-1, image.shape[2]), axis=0)) > 50
    svg = maps.save_figure(fig, tmp_path / f"{kind}.svg")
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    ids = {el.get("id") for el in root.iter()}
    assert LABEL_GID in ids or any(str(i).startswith(LABEL_GID) for i in ids)


@pytest.mark.parametrize("kind", ["network", "route", "flows", "criticality", "difference"])
def test_every_map_has_legend_scale_bar_title_and_attribution(figures: dict[str, Any],
                                                              kind: str) -> None:
    fig = figures[kind]
    ax = fig.axes[0]
    assert ax.get_legend() is not None and ax.get_legend().get_texts()
    scale = [t.get_text() for t in ax.texts if t.get_gid() == SCALE_GID]
    assert any(s.endswith(" km") for s in scale), scale
    assert any(s.startswith("true at ") for s in scale), scale
    figure_texts = [t.get_text() for t in fig.texts]
    assert ATTRIBUTION in figure_texts
    assert figure_texts[0]  # the title
    assert len(_labels(fig)) >= 5


@pytest.mark.parametrize("kind", ["network", "route", "flows", "criticality", "difference"])
def test_no_two_labels_overlap(figures: dict[str, Any], kind: str, tmp_path: Path) -> None:
    fig = figures[kind]
    maps.save_figure(fig, tmp_path / "drawn.png")  # a full draw, then measure
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in _labels(fig)]
    frame = fig.axes[0].get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1:]:
            assert not _overlap(a, b), (a, b)
    legend = fig.axes[0].get_legend().get_window_extent(renderer)
    assert not any(_overlap(a, legend) for a in boxes)


def test_route_map_names_its_stops(figures: dict[str, Any], net: cn.Network) -> None:
    texts = {t.get_text() for t in _labels(figures["route"])}
    r = cn.route(net, "Urumqi", "Almaty")
    assert {"Urumqi", "Almaty"} <= texts
    crossing_names = dict(zip(net.crossings["crossing_id"], net.crossings["name"],
                              strict=True))
    for cid in r.crossings:
        assert crossing_names[cid] in texts
    places = dict(zip(net.places["place_id"], net.places["name"], strict=True))
    for t in r.transfers:
        assert places[t.place] in texts
    title = figures["route"].texts[0].get_text()
    assert "Urumqi" in title and f"{r.distance_km:,.0f} km" in title


def test_sea_crossing_is_named_at_the_port(net: cn.Network) -> None:
    r = cn.route(net, "Shanghai", "Rotterdam", scenario=cn.Scenario(modes=("sea",)))
    assert r.modes == ("sea",) and r.crossings
    texts = {t.get_text() for t in _labels(maps.route_figure(r, net))}
    assert "Rotterdam (border)" in texts and "Shanghai" in texts


def test_flow_legend_is_in_mt_per_year(figures: dict[str, Any]) -> None:
    legend = [t.get_text() for t in figures["flows"].axes[0].get_legend().get_texts()]
    widths = [s for s in legend if s.endswith(" Mt/yr")]
    assert len(widths) == 3
    values = [float(s.split()[0]) for s in widths]
    assert values == sorted(values) and values[-1] / values[0] == pytest.approx(5.0)


def test_difference_colour_bar_is_centred_on_zero(figures: dict[str, Any]) -> None:
    fig = figures["difference"]
    cbar_ax = fig.axes[0].child_axes[0]
    lo, hi = cbar_ax.get_xlim()
    assert lo == pytest.approx(-hi) and hi > 0


def test_scale_bar_is_true_at_its_latitude() -> None:
    import pyproj

    fig, ax = new_map(Extent(-2.0e6, -1.0e6, 2.0e6, 1.0e6), "test")
    from connectivity.report._mapstyle import scale_bar

    scale_bar(ax, corner="lower left")
    bars = [p for p in ax.patches if p.get_gid() == SCALE_GID]
    x0 = min(p.get_x() for p in bars)
    x1 = max(p.get_x() + p.get_width() for p in bars)
    y = bars[0].get_y()
    km = float(next(t.get_text() for t in ax.texts
                    if t.get_gid() == SCALE_GID and t.get_text().endswith(" km")).split()[0])
    to_geo = pyproj.Transformer.from_crs(MAP_CRS, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([x0, x1], [y, y])
    ground_km = pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000.0
    assert ground_km == pytest.approx(km, rel=2e-3)


def test_label_placement_drops_the_lower_rank_when_nothing_fits() -> None:
    fig, ax = new_map(Extent(-1.0e6, -0.5e6, 1.0e6, 0.5e6), "test")
    # ten labels on one point: only some fit around it, and the first-ranked is kept
    specs = [LabelSpec(0.0, 0.0, f"place number {i}", rank=i) for i in range(10)]
    placed = place_labels(ax, specs, gid="t")
    texts = [t.get_text() for t in placed]
    assert "place number 0" in texts and 1 <= len(texts) < 10
    assert texts == sorted(texts, key=lambda s: int(s.rsplit(" ", 1)[1]))
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in placed]
    assert not any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_basemap_has_the_region() -> None:
    import geopandas as gpd

    from connectivity.tables import bundled_data_dir

    path = bundled_data_dir() / "basemap" / "countries.geojson"
    assert path.stat().st_size < 400_000
    countries = gpd.read_file(path)
    assert countries.crs.to_epsg() == 4326
    assert {"iso_a3", "iso_a2", "name"} <= set(countries.columns)
    assert REGION <= set(countries["iso_a2"])
    assert countries.is_valid.all()
    west, south, east, north = countries.total_bounds
    assert west <= 4.0 and east >= 122.0 and south <= 23.0 and north >= 56.0
    # every place of the bundled network is on land of its own country or near it
    net = cn.load_bundled()
    kz = countries[countries["iso_a2"] == "KZ"].geometry.iloc[0]
    from shapely.geometry import Point

    almaty = net.places.set_index("place_id").loc["KZ_ALMATY"]
    assert kz.contains(Point(float(almaty["lon"]), float(almaty["lat"])))


def test_bad_suffix_is_named(figures: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"suffix '\.pdf' is not a map format; use \.png or "
                                         r"\.svg"):
        maps.save_figure(figures["network"], tmp_path / "map.pdf")
    assert not (tmp_path / "map.pdf").exists()


def test_route_of_another_network_is_refused(net: cn.Network, tiny_net: cn.Network) -> None:
    r = cn.route(net, "Urumqi", "Almaty")
    with pytest.raises((ValueError, KeyError)):
        maps.route_figure(r, tiny_net)


def test_network_figure_marks_what_a_scenario_closes(net: cn.Network) -> None:
    closed = cn.Scenario(name="closed", closed_crossings=("X_KHORGOS_ALTYNKOL_RAIL",))
    fig = maps.network_figure(net, scenario=closed)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "crossing not open" in legend
    assert "scenario closed" in fig.texts[0].get_text()
    assert not math.isnan(fig.get_size_inches()[1])
