"""Outputs for people and for GIS: tables, GeoDataFrames, static and interactive maps.

- :mod:`~connectivity.report.text`: :func:`format_table`, :func:`fmt` and :func:`fmt_number`;
- :mod:`~connectivity.report.compare`: scenarios side by side, :func:`comparison_table`
  and :func:`comparison_chart` (PNG);
- :mod:`~connectivity.report.geo`: results as GeoDataFrames in EPSG:4326
  (:func:`network_layers`, :func:`route_layers`, :func:`skim_layer`,
  :func:`flow_layer`, :func:`criticality_layer`, :func:`portfolio_layer`,
  :func:`difference_layer`), written by :func:`connectivity.io.write_layers`;
- :mod:`~connectivity.report.maps`: static maps (PNG, SVG) on a basemap of country
  outlines (:func:`network_figure`, :func:`route_figure`, :func:`flows_figure`,
  :func:`criticality_figure`, :func:`difference_figure`, :func:`save_figure`);
- :mod:`~connectivity.report.webmap`: the same as interactive HTML maps that work
  offline (:func:`network_map`, :func:`route_map`, :func:`flows_map`,
  :func:`criticality_map`, :func:`difference_map`, :func:`save_html`).

GeoPandas, matplotlib and folium are imported when a function needs them.

Example
-------
>>> from connectivity.report import format_table
>>> print(format_table(["place", "time_h"], [["Almaty", 12.25], ["Tashkent", 30.0]]))
place     time_h
--------  ------
Almaty      12.2
Tashkent    30.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.report.compare import comparison_chart, comparison_table
    from connectivity.report.geo import (
        criticality_layer,
        difference_layer,
        flow_layer,
        network_layers,
        portfolio_layer,
        route_layers,
        skim_layer,
    )
    from connectivity.report.maps import (
        criticality_figure,
        difference_figure,
        flows_figure,
        network_figure,
        route_figure,
        save_figure,
    )
    from connectivity.report.text import fmt, fmt_number, format_table
    from connectivity.report.webmap import (
        criticality_map,
        difference_map,
        flows_map,
        network_map,
        route_map,
        save_html,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "compare": ("comparison_chart", "comparison_table"),
        "geo": (
            "criticality_layer", "difference_layer", "flow_layer", "network_layers",
            "portfolio_layer", "route_layers", "skim_layer",
        ),
        "maps": (
            "criticality_figure", "difference_figure", "flows_figure", "network_figure",
            "route_figure", "save_figure",
        ),
        "text": ("fmt", "fmt_number", "format_table"),
        "webmap": (
            "criticality_map", "difference_map", "flows_map", "network_map", "route_map",
            "save_html",
        ),
    })

__all__ = [
    "format_table",
    "fmt",
    "fmt_number",
    "comparison_table",
    "comparison_chart",
    "network_layers",
    "route_layers",
    "skim_layer",
    "flow_layer",
    "criticality_layer",
    "portfolio_layer",
    "difference_layer",
    "network_figure",
    "route_figure",
    "flows_figure",
    "criticality_figure",
    "difference_figure",
    "save_figure",
    "network_map",
    "route_map",
    "flows_map",
    "criticality_map",
    "difference_map",
    "save_html",
]
