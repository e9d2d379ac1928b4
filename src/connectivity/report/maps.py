"""Static maps (PNG, SVG) of the network, a route, flows, criticality and a scenario's
change in flows.

Each function returns a matplotlib :class:`~matplotlib.figure.Figure` of its own (Agg
canvas, no pyplot, no global state); :func:`save_figure` writes it as PNG or SVG. Every
map has the country outlines of Natural Earth (public domain, bundled in
``data/basemap``) under the network, labels of the main places placed so that none
overlap (a greedy placement: minor places are dropped where the map is crowded), a
legend, a scale bar in km (true at the latitude where it stands), a title and an
attribution line.

The maps are drawn in a Lambert conformal conic projection (parallels 30 and 50 N,
meridian 65 E): it keeps shapes across the wide band from Rotterdam to Shanghai, where
plain longitude/latitude would stretch Moscow's latitude 1.8 times east-west. Geometry
comes from :mod:`connectivity.report.geo` (links drawn straight between their places
unless the links table gives a line).

Example
-------
>>> import connectivity as cn
>>> from connectivity.report.maps import network_figure
>>> fig = network_figure(cn.load_bundled())
>>> fig.axes[0].get_legend() is not None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity.report import geo
from connectivity.report._mapdraw import (
    context_labels,
    draw_lines,
    finish,
    mode_handles,
    mode_linestyle,
    place_degree,
    xy,
)
from connectivity.report._mapparts import (
    GROUND,
    STOP_STYLE,
    STOP_TEXT,
    base_network,
    draw_context,
    draw_points,
    draw_ports,
    flow_width,
    ground_points,
    line_points,
    port_side_crossings,
    stop_labels,
    top_labels,
    truncated,
    width_handles,
)
from connectivity.report._mapstyle import (
    extent_of,
    mode_colour,
    new_map,
    to_map,
)
from connectivity.tables import Network

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from connectivity.assign import Assignment
    from connectivity.graph import CompiledNetwork
    from connectivity.routing import Route
    from connectivity.scenarios import CriticalityResult
    from connectivity.tables import Scenario

__all__ = [
    "network_figure",
    "route_figure",
    "flows_figure",
    "criticality_figure",
    "difference_figure",
    "save_figure",
]

_FORMATS = {".png": "png", ".svg": "svg"}
_METHOD_TEXT = {"aon": "all-or-nothing", "so": "system optimum", "ue": "user equilibrium"}


def _tables(network: Network | CompiledNetwork) -> Network:
    return network if isinstance(network, Network) else network.network


def network_figure(network: Network | CompiledNetwork, *,
                   scenario: Scenario | None = None) -> Figure:
    """The network on a map: links coloured by mode, border crossings and ports marked.

    Parameters
    ----------
    network
        Tables or compiled network.
    scenario
        Draws links and crossings it closes (or that are not open yet in its year, or not
        switched on) as grey dashes and crosses; default: the base network.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    UnknownIdError
        When ``scenario`` names an unknown id.

    Examples
    --------
    >>> import connectivity as cn
    >>> fig = network_figure(cn.load_bundled())
    >>> fig.axes[0].get_legend().get_texts()[0].get_text()
    'rail'
    """
    from matplotlib.lines import Line2D

    layers = geo.network_layers(network, scenario=scenario)
    links, crossings, places = (to_map(layers[k]) for k in ("links", "crossings", "places"))
    name = scenario.name if scenario is not None else "base"
    n_open = int(links["open"].sum())
    title = (f"Freight network: {n_open} open links, {int(crossings['open'].sum())} border "
             f"crossings (scenario {name})")
    fig, ax = new_map(extent_of([links, places]), title)
    base_network(ax, links, faint=False)
    handles: list[Any] = mode_handles(links["mode"])
    if (~links["open"]).any():
        handles.append(Line2D([], [], color="#7f7f7f", linewidth=1.0, linestyle=(0, (2, 2)),
                              label="not open (planned or closed)"))
    draw_points(ax, xy(places), marker="o", size=5, face="#444444", edge="none", zorder=4)
    crossings = crossings[crossings["mode"].isin(GROUND)]
    open_x = crossings["open"].to_numpy(dtype=bool)
    draw_points(ax, xy(crossings[open_x]), marker="D", size=14, face="white", zorder=5)
    handles.append(Line2D([], [], marker="D", linestyle="none", markersize=4.5,
                          markerfacecolor="white", markeredgecolor="#222222",
                          label="border crossing (rail, road)"))
    if (~open_x).any():
        draw_points(ax, xy(crossings[~open_x]), marker="X", size=26, face="#c0392b",
                    edge="white", zorder=5.2)
        handles.append(Line2D([], [], marker="X", linestyle="none", markersize=6,
                              markerfacecolor="#c0392b", markeredgecolor="white",
                              label="crossing not open"))
    handles += draw_ports(ax, places)
    labels = context_labels(places, place_degree(links))
    return finish(fig, ax, handles, labels, points=np.vstack([xy(places), xy(crossings)]))


def route_figure(route: Route, network: Network | CompiledNetwork) -> Figure:
    """A route on a map: its legs coloured by mode over the faint network, the origin,
    destination, transfers and border crossings marked and named.

    Parameters
    ----------
    route
        A :class:`~connectivity.routing.Route` found on ``network``.
    network
        The network it was found on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When the route does not run on ``network`` (a route of another network).

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> fig = route_figure(cn.route(net, "Urumqi", "Almaty"), net)
    >>> "Urumqi" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    from matplotlib.lines import Line2D

    net = _tables(network)
    layers = geo.route_layers(route, network)
    legs, stops = to_map(layers["legs"]), to_map(layers["stops"])
    base = geo.network_layers(network)
    links, places = to_map(base["links"]), to_map(base["places"])
    stops = port_side_crossings(stops, legs, places, net)
    names = dict(zip(net.places["place_id"], net.places["name"], strict=True))
    days = route.time_h / 24.0
    title = (f"Route {names[route.origin]} to {names[route.destination]} ({route.commodity}, "
             f"scenario {route.scenario}): {days:.1f} days, {route.distance_km:,.0f} km, "
             f"{route.cost_usd_per_t:,.0f} USD/t")
    fig, ax = new_map(extent_of([legs, stops], pad=0.12, aspect_range=(1.2, 2.0)), title)
    base_network(ax, links, faint=True)
    pts = xy(places)
    ax.scatter(pts[:, 0], pts[:, 1], s=4, c="#9a9a9a", linewidths=0, zorder=3)
    for mode in sorted(set(legs["mode"])):
        sub = legs[legs["mode"] == mode]
        draw_lines(ax, sub, colours="white", widths=5.5, zorder=3.5)  # a casing
        draw_lines(ax, sub, colours=mode_colour(mode), widths=3.2,
                   style=mode_linestyle(mode), zorder=3.6, gid=f"route-{mode}")
    handles: list[Any] = mode_handles(legs["mode"], width=3.0)
    for role in ("origin", "destination", "transfer", "border_crossing"):
        # a crossing cleared at a port is named in that port's label, not marked again
        sub = stops[(stops["role"] == role) & (stops["ground"] | (role != "border_crossing"))]
        if not len(sub):
            continue
        marker, size, face = STOP_STYLE[role]
        draw_points(ax, xy(sub), marker=marker, size=size, face=face, zorder=6)
        handles.append(Line2D([], [], marker=marker, linestyle="none",
                              markersize=np.sqrt(size), markerfacecolor=face,
                              markeredgecolor="#222222", label=STOP_TEXT[role]))
    stop_ids = set(stops["place_id"])
    labels = stop_labels(stops, net)
    labels += context_labels(places, place_degree(links), skip=stop_ids, base_rank=2)
    pts = np.vstack([xy(stops)] + [np.asarray(g.coords)[:, :2] for g in legs.geometry
                                   for g in getattr(g, "geoms", [g])])
    return finish(fig, ax, handles, labels, points=pts)


def flows_figure(assignment: Assignment, network: Network | CompiledNetwork) -> Figure:
    """Flows on a map: each link's tonnes per year (both directions) as its line width,
    coloured by mode, with a width legend in Mt/yr.

    Parameters
    ----------
    assignment
        An :class:`~connectivity.assign.Assignment` on ``network``.
    network
        The network it was assigned on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When ``assignment`` is not of ``network``.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> fig = flows_figure(cn.assign_aon(net, cn.load_bundled_demand(net)), net)
    >>> any(t.get_text().endswith("Mt/yr") for t in fig.axes[0].get_legend().get_texts())
    True
    """
    flows = to_map(geo.flow_layer(assignment, network))
    loaded = flows[flows["flow_t_per_year"] > 0]
    top = float(loaded["flow_t_per_year"].max()) if len(loaded) else 0.0
    title = (f"Freight flows, {_METHOD_TEXT.get(assignment.method, assignment.method)} "
             f"(scenario {assignment.scenario}): {assignment.total_tkm / 1e9:,.0f} bn t-km, "
             f"{assignment.unserved_t / 1e6:.2f} Mt/yr unserved")
    shown = loaded if len(loaded) else flows
    fig, ax = new_map(extent_of([shown]), title)
    links, places = draw_context(ax, network)
    # widest first, so a thin line is never hidden under a wide one
    for mode in sorted(set(loaded["mode"])):
        sub = loaded[loaded["mode"] == mode].sort_values("flow_t_per_year", ascending=False)
        draw_lines(ax, sub, colours=mode_colour(mode),
                   widths=flow_width(sub["flow_t_per_year"].to_numpy(), top),
                   style=mode_linestyle(mode), alpha=0.85, zorder=3.0, gid=f"flows-{mode}")
    handles = mode_handles(loaded["mode"]) + width_handles(top)
    labels = context_labels(places, place_degree(links))
    return finish(fig, ax, handles, labels, legend_title="mode; line width: flow",
                  points=np.vstack([xy(places), line_points(loaded)]))


def _criticality_value(result: CriticalityResult) -> tuple[Any, str]:
    """The cost increase of each element, in million USD per year."""
    values = result.table["delta_cost_usd_per_year"].to_numpy(dtype=np.float64) / 1e6
    return np.nan_to_num(values, nan=0.0, posinf=0.0), "extra cost, million USD/yr"


def criticality_figure(result: CriticalityResult,
                       network: Network | CompiledNetwork) -> Figure:
    """A criticality ranking on a map: each evaluated element coloured (and links and
    points sized) by the extra cost of removing it; elements whose loss leaves demand
    unserved outlined in black; the five most critical named.

    Parameters
    ----------
    result
        A :class:`~connectivity.scenarios.CriticalityResult` on ``network`` (links,
        crossings, ports, places or countries).
    network
        The network it was computed on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an element the network does not have (a result of another network).

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.scenarios import criticality
    >>> net = cn.load_bundled()
    >>> r = criticality(net, cn.load_bundled_demand(net), elements="crossings", top=5)
    >>> fig = criticality_figure(r, net)
    >>> len(fig.axes[0].child_axes)  # the colour bar, inside the map
    1
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    layer = to_map(geo.criticality_layer(result, network))
    value, unit = _criticality_value(result)
    cuts = result.table["delta_unserved_t_per_year"].to_numpy(dtype=np.float64) > 0
    top = float(value.max()) if len(value) and value.max() > 0 else 1.0
    norm = Normalize(0.0, top)
    cmap = colormaps["YlOrRd"]
    colours = [cmap(0.15 + 0.85 * norm(v)) for v in value]
    kind = result.elements
    title = (f"Criticality of {kind} ({_METHOD_TEXT.get(result.method, result.method)}, "
             f"scenario {result.scenario}): {len(layer)} shown")
    countries = None
    if kind == "countries":
        from connectivity.report._mapstyle import load_basemap

        outlines = to_map(load_basemap())
        codes = dict(zip(layer["element_id"], range(len(layer)), strict=True))
        countries = outlines[outlines["iso_a2"].isin(list(codes))].copy()
        countries["row"] = [codes[k] for k in countries["iso_a2"]]
    links_all = to_map(geo.network_layers(network)["links"])
    drawn = [layer]
    if kind == "crossings":  # sea, ferry and air crossings are drawn as their links
        drawn.append(links_all[links_all["crossing_id"].isin(list(layer["element_id"]))])
    fig, ax = new_map(extent_of(drawn if len(layer) else [links_all]), title)
    links, places = draw_context(ax, network)
    handles: list[Any] = []
    if kind == "links":
        order = np.argsort(value)  # most critical drawn last, on top
        sub = layer.iloc[order]
        draw_lines(ax, sub[cuts[order]], colours="black",
                   widths=flow_width(value[order][cuts[order]], top) + 2.2, zorder=3.4)
        draw_lines(ax, sub, colours=[colours[i] for i in order],
                   widths=1.2 + 4.0 * value[order] / top, zorder=3.5, gid="critical-links")
    elif countries is not None:
        countries.plot(ax=ax, color=[colours[r] for r in countries["row"]], alpha=0.8,
                       edgecolor=["black" if cuts[r] else "#777777" for r in countries["row"]],
                       linewidth=0.8, zorder=0.5)
        ax.set_xlabel("")
        ax.set_ylabel("")
    else:
        if kind == "crossings":
            layer, value, cuts, colours = ground_points(
                ax, layer, value, cuts, colours, net_links=links_all)
        pts = xy(layer)
        order = np.argsort(value)
        ax.scatter(pts[order, 0], pts[order, 1], s=20.0 + 180.0 * value[order] / top,
                   c=[colours[i] for i in order],
                   edgecolors=["black" if cuts[i] else "#555555" for i in order],
                   linewidths=[1.4 if cuts[i] else 0.5 for i in order], zorder=6,
                   gid="critical-points")
    if cuts.any():
        handles.append(Line2D([], [], color="black", linewidth=3.0 if kind == "links" else 0,
                              marker="o" if kind != "links" else None, markersize=7,
                              markerfacecolor="white", markeredgecolor="black",
                              label="also leaves demand unserved"))
    handles.append(Line2D([], [], color=cmap(0.9), linewidth=3.0 if kind == "links" else 0,
                          marker=None if kind == "links" else "o", markersize=7,
                          markeredgecolor="#555555", label=f"{kind} evaluated"))
    if kind == "crossings" and len(layer) < len(result.table):
        handles.append(Line2D([], [], color=cmap(0.6), linewidth=2.5, linestyle=(0, (4, 2)),
                              label="sea, ferry or air crossing: its link"))
    labels = top_labels(to_map(geo.criticality_layer(result, network)),
                        _criticality_value(result)[0], kind, links_all)
    labels += context_labels(places, place_degree(links), base_rank=2)
    mappable = ScalarMappable(norm=norm, cmap=truncated(cmap))
    return finish(fig, ax, handles, labels, colorbar=(mappable, unit),
                  points=np.vstack([xy(places), xy(layer) if kind != "links"
                                    else line_points(layer)]))


def difference_figure(base: Assignment, other: Assignment,
                      network: Network | CompiledNetwork) -> Figure:
    """A scenario's flows minus the baseline's on a map: gains in red, losses in blue
    (a diverging colour scale centred on no change), line width by the size of the
    change.

    Parameters
    ----------
    base
        The baseline's assignment.
    other
        The scenario's assignment, on the same network.
    network
        The network both were assigned on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        When either assignment is not of ``network``.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> demand = cn.load_bundled_demand(net)
    >>> closed = cn.Scenario(name="no_khorgos", closed_crossings=("X_KHORGOS_ALTYNKOL_RAIL",))
    >>> fig = difference_figure(cn.assign_aon(net, demand),
    ...                         cn.assign_aon(net, demand, scenario=closed), net)
    >>> "no_khorgos" in fig.texts[0].get_text()
    True
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap, Normalize
    from matplotlib.lines import Line2D

    diff = to_map(geo.difference_layer(base, other, network))
    delta = diff["delta_flow_t_per_year"].to_numpy(dtype=np.float64)
    top = float(np.abs(delta).max()) if len(delta) else 0.0
    # changes below 0.1 % of the largest are rounding noise of the flow models
    changed = np.abs(delta) > max(1e-3 * top, 1e-6)
    title = (f"Change in flows: {other.scenario} minus {base.scenario} "
             f"({_METHOD_TEXT.get(other.method, other.method)})")
    shown = diff[changed] if changed.any() else diff
    fig, ax = new_map(extent_of([shown]), title)
    links, places = draw_context(ax, network)
    m = top / 1e6 if top > 0 else 1.0
    norm = Normalize(-m, m)
    # RdBu without its white middle: a small change stays visibly red or blue on the
    # pale land (its thin line says it is small)
    full = colormaps["RdBu_r"]
    cmap = ListedColormap(np.vstack([full(np.linspace(0.0, 0.38, 128)),
                                     full(np.linspace(0.62, 1.0, 128))]))
    sub = diff[changed]
    d = delta[changed]
    order = np.argsort(np.abs(d))[::-1]
    draw_lines(ax, sub.iloc[order], colours=[cmap(norm(v / 1e6)) for v in d[order]],
               widths=flow_width(d[order], top if top > 0 else 1.0), alpha=0.95, zorder=3.0,
               gid="difference")
    handles: list[Any] = [
        Line2D([], [], color=cmap(0.9), linewidth=3, label=f"more in {other.scenario}"),
        Line2D([], [], color=cmap(0.1), linewidth=3, label=f"less in {other.scenario}"),
    ] + width_handles(top)
    if not changed.any():
        ax.text(0.5, 0.5, "no link's flow changes", transform=ax.transAxes, ha="center",
                va="center", fontsize=12, color="#555555", zorder=9)
    labels = context_labels(places, place_degree(links))
    mappable = ScalarMappable(norm=norm, cmap=cmap)
    return finish(fig, ax, handles, labels, legend_title="line width: size of change",
                  colorbar=(mappable, "change in flow, Mt/yr"),
                  points=np.vstack([xy(places), line_points(sub)]))


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG or SVG, chosen by the suffix of ``path``, and return the path.

    Parameters
    ----------
    fig
        A figure of this module.
    path
        ``*.png`` or ``*.svg``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        When the suffix is neither ``.png`` nor ``.svg``.
    OSError
        When the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import connectivity as cn
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "network.svg"
    >>> save_figure(network_figure(cn.load_bundled()), out).stat().st_size > 0
    True
    """
    out = Path(path)
    fmt = _FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"path {str(path)!r}: suffix {out.suffix!r} is not a map format; "
                         "use .png or .svg (.html: connectivity.report.webmap)")
    fig.savefig(out, format=fmt, dpi=fig.dpi, facecolor="white")
    return out
