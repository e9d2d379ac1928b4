"""The pieces every interactive map of :mod:`connectivity.report.webmap` shares.

A map is a list of :class:`WebLayer` (one folium ``FeatureGroup`` each, listed in the
layer switch), drawn over the country outlines of the bundled basemap, with a legend.
Tooltip values are formatted here, in Python (thousands separators, ``-`` for a missing
value), and each tooltip label carries the unit the layer's ``attrs["units"]`` gives.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity.report._mapstyle import BORDER, LAND, MODE_COLOURS, WATER, mode_colour
from connectivity.report._webassets import make_offline, raw_html

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["MODE_COLOURS", "MODE_ORDER", "WebLayer", "basemap", "build_map",
           "cell", "line_widths", "mode_colour", "mode_layers"]

#: The order of the mode groups in the layer switch (colours: the static maps').
MODE_ORDER = ("road", "rail", "air", "sea", "ferry")
CROSSING_COLOUR = "#c51b7d"
PLACE_COLOUR = "#333333"
ATTRIBUTION = "Basemap: Natural Earth (public domain); network: connectivity bundled data"


@dataclass(frozen=True)
class WebLayer:
    """One entry of the layer switch: ``frame``'s rows drawn in one colour (per row if
    ``colours``), lines ``widths`` thick or points ``widths`` in radius (pixels), with a
    tooltip of ``fields`` (column, label) per row."""

    name: str
    frame: gpd.GeoDataFrame
    fields: tuple[tuple[str, str], ...]
    colour: str
    points: bool = False
    widths: tuple[float, ...] | None = None
    colours: tuple[str, ...] | None = None


def cell(value: Any) -> str:
    """A tooltip value: numbers with thousands separators and 0-2 decimals by size,
    ``-`` for a missing value, ``no route`` for infinity, sequences joined by commas."""
    if value is None:
        return "-"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "-"
        if math.isinf(v):
            return "no route" if v > 0 else "-inf"
        digits = 0 if abs(v) >= 1000 else 1 if abs(v) >= 10 else 2
        return f"{v:,.{digits}f}"
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(cell(v) for v in value)
    return str(value)


def _label(frame: gpd.GeoDataFrame, column: str, label: str) -> str:
    unit = frame.attrs.get("units", {}).get(column)
    return f"{label} ({unit})" if unit else label


def line_widths(values: Any, *, thinnest: float = 1.5, widest: float = 9.0) -> tuple[float, ...]:
    """Line widths by the square root of ``|values|`` (area-true for tonnage), the
    largest at ``widest``; zero and missing values get ``thinnest``."""
    v = np.abs(np.asarray(values, dtype=np.float64))
    v = np.where(np.isfinite(v), v, 0.0)
    top = float(v.max()) if v.size else 0.0
    if top <= 0.0:
        return tuple(thinnest for _ in range(v.size))
    return tuple(float(w) for w in thinnest + (widest - thinnest) * np.sqrt(v / top))


def mode_layers(links: gpd.GeoDataFrame, fields: tuple[tuple[str, str], ...], *,
                widths: Sequence[float] | None = None,
                colours: Sequence[str] | None = None) -> list[WebLayer]:
    """One layer per mode present in ``links`` (column ``mode``), in :data:`MODE_ORDER`
    and then any other mode by name; ``widths`` and ``colours`` are per row of ``links``."""
    modes = [str(m) for m in links["mode"]]
    present = [m for m in MODE_ORDER if m in modes]
    present += sorted(set(modes) - set(MODE_ORDER))
    layers = []
    for mode in present:
        rows = np.flatnonzero(np.array(modes, dtype=object) == mode).tolist()
        layers.append(WebLayer(
            name=mode, frame=links.iloc[rows], fields=fields,
            colour=mode_colour(mode),
            widths=None if widths is None else tuple(float(widths[i]) for i in rows),
            colours=None if colours is None else tuple(colours[i] for i in rows)))
    return layers


@cache
def _basemap_text() -> str:
    from connectivity.tables import bundled_data_dir

    path = bundled_data_dir() / "basemap" / "countries.geojson"
    if not path.is_file():
        raise FileNotFoundError(f"basemap {path} is missing; reinstall connectivity "
                                "(the wheel ships connectivity/data/basemap/)")
    return path.read_text(encoding="utf-8")


def basemap() -> dict[str, Any]:
    """The bundled country outlines (GeoJSON, Natural Earth, public domain)."""
    data: dict[str, Any] = json.loads(_basemap_text())
    return data


def _features(layer: WebLayer) -> dict[str, Any]:
    """``layer`` as GeoJSON whose properties are the formatted tooltip fields and a
    ``style`` (folium reads ``properties.style``)."""
    from shapely.geometry import mapping

    frame = layer.frame
    labels = [_label(frame, c, lab) for c, lab in layer.fields]
    features = []
    for i, (_, row) in enumerate(frame.iterrows()):
        props: dict[str, Any] = {lab: cell(row[c]) for (c, _), lab in zip(layer.fields, labels,
                                                                          strict=True)}
        colour = layer.colour if layer.colours is None else layer.colours[i]
        width = None if layer.widths is None else layer.widths[i]
        if layer.points:
            props["style"] = {"color": "#ffffff", "weight": 1, "fillColor": colour,
                              "fillOpacity": 0.9, "radius": width or 4.0}
        else:
            props["style"] = {"color": colour, "weight": width or 2.5, "opacity": 0.85}
        features.append({"type": "Feature", "properties": props,
                         "geometry": mapping(row.geometry)})
    return {"type": "FeatureCollection", "features": features}


def _add_layer(m: folium.Map, layer: WebLayer) -> None:
    import folium

    group = folium.FeatureGroup(name=layer.name, show=True)
    group.add_to(m)
    if len(layer.frame) == 0:
        return
    labels = [_label(layer.frame, c, lab) for c, lab in layer.fields]
    folium.GeoJson(
        _features(layer),
        name=layer.name,
        style_function=lambda feature: feature["properties"]["style"],
        tooltip=folium.GeoJsonTooltip(fields=labels, sticky=True),
        marker=folium.CircleMarker(radius=4, fill=True) if layer.points else None,
        control=False,
    ).add_to(group)


def _legend(m: folium.Map, title: str, layers: Sequence[WebLayer], notes: Sequence[str],
            swatches: Mapping[str, str]) -> None:
    rows = [f'<div class="cn-legend-title">{html.escape(title)}</div>']
    for layer in layers:
        symbol = "cn-dot" if layer.points else "cn-line"
        colour = swatches.get(layer.name, layer.colour)
        rows.append(f'<div><span class="{symbol}" style="background:{colour}"></span>'
                    f"{html.escape(layer.name)}</div>")
    rows += [f'<div class="cn-legend-note">{html.escape(n)}</div>' for n in notes]
    rows.append(f'<div class="cn-legend-note">{html.escape(ATTRIBUTION)}</div>')
    style = (
        ".cn-legend{position:absolute;bottom:26px;right:10px;z-index:1000;background:"
        "rgba(255,255,255,.92);padding:6px 9px;border:1px solid #bbb;border-radius:4px;"
        "font:12px/1.45 sans-serif;max-width:320px}"
        ".cn-legend-title{font-weight:bold;margin-bottom:3px}"
        ".cn-legend-note{color:#444;margin-top:3px}"
        ".cn-line{display:inline-block;width:22px;height:4px;margin:0 6px 3px 0;"
        "vertical-align:middle}"
        ".cn-dot{display:inline-block;width:9px;height:9px;border-radius:50%;"
        "margin:0 8px 1px 6px;vertical-align:middle}"
    )
    root = m.get_root()
    root.header.add_child(raw_html(f"<style>{style}</style>"), name="cn_legend_css")  # type: ignore[attr-defined]
    body = f'<div class="cn-legend" id="{m.get_name()}_legend">{"".join(rows)}</div>'
    # inside the map's own <div>, after it is created, so that it floats over the map
    root.script.add_child(raw_html(  # type: ignore[attr-defined]
        f"document.getElementById({json.dumps(m.get_name())}).insertAdjacentHTML("
        f"'beforeend', {json.dumps(body)});"), name="cn_legend")


def build_map(layers: Sequence[WebLayer], *, title: str, notes: Sequence[str] = (),
              swatches: Mapping[str, str] | None = None, tiles: str | None = None,
              tiles_attribution: str | None = None) -> folium.Map:
    """A folium map of ``layers`` over the country outlines, with a layer switch and a
    legend, whose page needs no network (unless ``tiles`` adds a tile layer)."""
    import folium

    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_start=4)
    make_offline(m)
    m.get_root().header.add_child(raw_html(  # type: ignore[attr-defined]
        f"<style>#{m.get_name()}{{background:{WATER}}}</style>"), name="cn_background")
    if tiles is not None:
        folium.TileLayer(tiles, attr=tiles_attribution, name="tiles", overlay=False,
                         control=False).add_to(m)
    folium.GeoJson(
        basemap(), name="countries", control=False, interactive=False,
        style_function=lambda _: {"color": BORDER, "weight": 0.8, "fillColor": LAND,
                                  "fillOpacity": 0.0 if tiles is not None else 1.0},
    ).add_to(m)
    for layer in layers:
        _add_layer(m, layer)
    folium.LayerControl(collapsed=False).add_to(m)
    _legend(m, title, layers, notes, swatches or {})
    bounds = [layer.frame.total_bounds for layer in layers if len(layer.frame)]
    if bounds:
        b = np.array(bounds)
        m.fit_bounds([[float(b[:, 1].min()), float(b[:, 0].min())],
                      [float(b[:, 3].max()), float(b[:, 2].max())]], padding=(20, 20))
    return m
