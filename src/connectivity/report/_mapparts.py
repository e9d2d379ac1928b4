"""The parts the static maps of :mod:`connectivity.report.maps` are drawn from: the
network in its modes' colours (or faint, as context under a map of results), point
markers, ports, the stops of a route and their labels (sea, ferry and air crossings moved
to the port or airport where they are cleared), line widths for flows and their legend,
the sea and air crossings of a criticality map drawn as their links, the colour map as
drawn and the labels of the most critical elements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity.report import geo
from connectivity.report._labels import LabelSpec
from connectivity.report._mapdraw import (
    PORT_STYLE,
    draw_lines,
    mode_linestyle,
    nice_steps,
    segments,
    xy,
)
from connectivity.report._mapstyle import mode_colour, to_map

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes

    from connectivity.graph import CompiledNetwork
    from connectivity.tables import Network

#: mode -> line width, z-order: road wide under rail, so a shared corridor shows both.
_LINE_STYLE = {"road": (2.0, 2.3), "rail": (1.1, 2.6), "ferry": (1.4, 2.5),
               "sea": (1.0, 2.4), "air": (0.5, 2.0)}
#: Modes whose crossings are border posts on the ground (a sea or air crossing is
#: cleared at the port or airport, so it gets no marker of its own).
GROUND = ("rail", "road")


def base_network(ax: Axes, links: gpd.GeoDataFrame, *, faint: bool) -> None:
    """Every link in its mode's colour (``faint``: ground and ferry links thin and pale,
    as context)."""
    for mode in sorted(set(links["mode"])):
        sub = links[links["mode"] == mode]
        if faint:
            if mode not in ("air", "sea"):
                draw_lines(ax, sub, colours="#7d8b99", widths=0.6, alpha=0.5, zorder=1.5)
            continue
        width, z = _LINE_STYLE.get(mode, (1.2, 2.5))
        shut = ~sub["open"].to_numpy(dtype=bool)
        draw_lines(ax, sub[~shut], colours=mode_colour(mode), widths=width,
                   style=mode_linestyle(mode), alpha=0.75 if mode == "air" else 0.95,
                   zorder=z, gid=f"links-{mode}")
        if shut.any():
            draw_lines(ax, sub[shut], colours="#7f7f7f", widths=0.9, style=(0, (2, 2)),
                       zorder=2.2, gid="links-not-open")


def draw_points(ax: Axes, pts: Any, *, marker: str, size: float, face: str,
                edge: str = "#222222", zorder: float = 5.0, label: str | None = None,
                lw: float = 0.6) -> Any:
    """The points ``pts`` (an n x 2 array) as markers; None when there are none."""
    if not len(pts):
        return None
    return ax.scatter(pts[:, 0], pts[:, 1], s=size, marker=marker, c=face, edgecolors=edge,
                      linewidths=lw, zorder=zorder, label=label)


def draw_ports(ax: Axes, places: gpd.GeoDataFrame) -> list[Any]:
    """Ports as squares coloured by kind; the legend handles of those present."""
    from matplotlib.lines import Line2D

    handles = []
    for kind, (marker, face, text) in PORT_STYLE.items():
        sub = places[places["kind"] == kind]
        if len(sub):
            draw_points(ax, xy(sub), marker=marker, size=26, face=face, zorder=5.5)
            handles.append(Line2D([], [], marker=marker, linestyle="none", markersize=6,
                                  markerfacecolor=face, markeredgecolor="#222222",
                                  label=text))
    return handles


STOP_STYLE: dict[str, tuple[str, float, str]] = {
    # role -> marker, size, face
    "origin": ("o", 70.0, "#1b9e77"),
    "destination": ("o", 70.0, "#d62728"),
    "transfer": ("s", 40.0, "#ffd92f"),
    "border_crossing": ("D", 30.0, "white"),
}
STOP_TEXT = {"origin": "origin", "destination": "destination",
             "transfer": "transfer (change of mode or gauge)",
             "border_crossing": "border crossing"}


def stop_labels(stops: gpd.GeoDataFrame, net: Network) -> list[LabelSpec]:
    """One label per stop place: the origin and destination in bold, transfers by their
    place, a border post by its crossing's name; a crossing cleared at a port or airport
    (moved there by :func:`port_side_crossings`) adds "(border)" to that place's
    label."""
    names = {str(p): str(n) for p, n in zip(net.places["place_id"], net.places["name"],
                                           strict=True)}
    crossing_names = {str(x): str(n) for x, n in zip(net.crossings["crossing_id"],
                                                     net.crossings["name"], strict=True)}
    pts = xy(stops)
    # key: place id, or the crossing id of a border post between two places
    merged: dict[str, list[Any]] = {}
    for i, row in enumerate(stops.itertuples()):
        ground = row.role == "border_crossing" and bool(getattr(row, "ground", False))
        key = str(row.crossing_id) if ground else str(row.place_id)
        text = (crossing_names.get(key, key) if ground
                else names.get(str(row.place_id), str(row.place_id)))
        rank = 0 if row.role in ("origin", "destination") else 1
        entry = merged.setdefault(key, [pts[i, 0], pts[i, 1], text, rank, False])
        entry[3] = min(entry[3], rank)
        entry[4] = entry[4] or (row.role == "border_crossing" and not ground)
    return [LabelSpec(float(x), float(y), text + (" (border)" if border else ""), rank,
                      bold=rank == 0)
            for x, y, text, rank, border in merged.values()]


def port_side_crossings(stops: gpd.GeoDataFrame, legs: gpd.GeoDataFrame,
                        places: gpd.GeoDataFrame, net: Network) -> gpd.GeoDataFrame:
    """``stops`` with each sea, ferry or air crossing moved from the midpoint of its two
    places (somewhere at sea, or inland for a long straight sea line) to the port or
    airport where its leg arrives, where the goods are cleared."""
    modes = dict(zip(net.crossings["crossing_id"], net.crossings["mode"], strict=True))
    arrive: dict[str, str] = {}
    for ids, to_place in zip(legs["crossing_ids"], legs["to_place"], strict=True):
        for cid in str(ids or "").split(";"):
            if cid:
                arrive[cid] = str(to_place)
    where = dict(zip(places["place_id"], places.geometry, strict=True))
    out = stops.copy()
    out["ground"] = [role == "border_crossing" and modes.get(cid) in GROUND
                     for role, cid in zip(out["role"], out["crossing_id"], strict=True)]
    for i, (role, cid) in enumerate(zip(out["role"], out["crossing_id"], strict=True)):
        if role == "border_crossing" and modes.get(cid) not in GROUND and cid in arrive:
            out.iloc[i, out.columns.get_loc("place_id")] = arrive[cid]
            out.iloc[i, out.columns.get_loc("geometry")] = where[arrive[cid]]
    return out


_MAX_WIDTH = 9.0
_MIN_WIDTH = 0.6


def flow_width(values: Any, top: float) -> Any:
    """Line width proportional to ``values`` (tonnes): ``_MAX_WIDTH`` points at ``top``."""
    return _MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * np.abs(values) / top


def width_handles(top_t: float) -> list[Any]:
    """Legend handles of a few round flows (Mt/yr) up to ``top_t`` tonnes, each drawn at
    its :func:`flow_width`."""
    from matplotlib.lines import Line2D

    return [Line2D([], [], color="#666666", linewidth=float(flow_width(v * 1e6, top_t)),
                   label=f"{v:g} Mt/yr") for v in nice_steps(top_t / 1e6)]


def draw_context(ax: Axes, network: Network | CompiledNetwork
                 ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The faint network under a map of results; its links and places (map CRS)."""
    base = geo.network_layers(network)
    links, places = to_map(base["links"]), to_map(base["places"])
    base_network(ax, links, faint=True)
    pts = xy(places)
    ax.scatter(pts[:, 0], pts[:, 1], s=4, c="#9a9a9a", linewidths=0, zorder=3)
    return links, places


def line_points(layer: gpd.GeoDataFrame) -> Any:
    """The vertices of the lines of ``layer``, an n x 2 array (the map CRS)."""
    segs, _ = segments(layer.geometry)
    return np.vstack(segs) if segs else np.zeros((0, 2))


def ground_points(ax: Axes, layer: gpd.GeoDataFrame, value: Any, cuts: Any, colours: list[Any],
                  *, net_links: gpd.GeoDataFrame) -> tuple[Any, Any, Any, list[Any]]:
    """Draw the sea, ferry and air crossings of ``layer`` as their links' lines (their
    midpoint would be at sea or far from either airport) and return the rest, the
    border posts on the ground, to be drawn as points."""
    modes = net_links.groupby("crossing_id")["mode"].first().to_dict()
    ground = np.array([modes.get(x) in GROUND for x in layer["element_id"]], dtype=bool)
    for i in np.flatnonzero(~ground).tolist():
        lines = net_links[net_links["crossing_id"] == layer["element_id"].iloc[i]]
        if cuts[i]:
            draw_lines(ax, lines, colours="black", widths=4.6, zorder=3.4)
        draw_lines(ax, lines, colours=colours[i], widths=2.6, style=mode_linestyle(
            str(lines["mode"].iloc[0]) if len(lines) else "air"), zorder=3.5,
            gid="critical-crossing-lines")
    keep = np.flatnonzero(ground)
    return layer.iloc[keep], value[keep], cuts[keep], [colours[i] for i in keep]


def truncated(cmap: Any) -> Any:
    """The colour map as drawn (its palest 15 % left out, pale on the pale land)."""
    from matplotlib.colors import ListedColormap

    return ListedColormap(cmap(np.linspace(0.15, 1.0, 256)))


def top_labels(layer: gpd.GeoDataFrame, value: Any, kind: str,
               links: gpd.GeoDataFrame, n: int = 5) -> list[LabelSpec]:
    """Labels of the ``n`` most costly elements: a link (or a sea or air crossing's
    link) at its middle, a country by its name at its places' centre."""
    from connectivity.report._mapstyle import load_basemap

    names = dict(zip(load_basemap()["iso_a2"], load_basemap()["name"], strict=True))
    by_crossing = {str(x): g for x, g in zip(links["crossing_id"], links.geometry,
                                               strict=True) if x}
    out = []
    for i in np.argsort(-value)[:n].tolist():
        element = str(layer["element_id"].iloc[i])
        geom = layer.geometry.iloc[i]
        if kind == "crossings" and element in by_crossing:
            line = by_crossing[element]
            mode = str(links.loc[links["crossing_id"] == element, "mode"].iloc[0])
            if mode not in GROUND:
                geom = line
        pt = (geom.interpolate(0.5, normalized=True) if geom.geom_type.endswith("LineString")
              else geom.centroid)
        text = names.get(element, str(layer["name"].iloc[i])) if kind == "countries" \
            else str(layer["name"].iloc[i])
        out.append(LabelSpec(float(pt.x), float(pt.y), text, 0, bold=True))
    return out
