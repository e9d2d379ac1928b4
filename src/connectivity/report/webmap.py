"""Interactive HTML maps (Leaflet, through folium): the network, a route, flows,
criticality, and a scenario's flows against the baseline.

Each function returns a :class:`folium.Map`; :func:`save_html` writes it. A map has:

- a tooltip on every link (id, name, mode, length in km, time in h and the map's
  measure with its unit), crossing (name, dwell in h, capacity) and place (name,
  country, kind);
- a layer switch with one group per mode present (road, rail, air, sea, ferry), then
  ``crossings`` and ``places``;
- the country outlines of the bundled basemap (Natural Earth, public domain) under the
  network, and no tile layer: the page needs no tile server. ``tiles=`` (a folium tile
  name such as ``"OpenStreetMap"``, or a URL template with ``tiles_attribution``) adds
  one, and then the page loads tiles from that server;
- a legend, with the basemap's attribution.

The page needs no network otherwise: Leaflet 1.9.4 (BSD 2-Clause, vendored in
``report/_leaflet``) is written into it instead of folium's CDN links, so a saved map
opens offline (about 0.3 MB for the bundled network).

Geometry comes from :mod:`connectivity.report.geo`. folium is imported inside the
functions (``pip install folium``).

Example
-------
>>> import connectivity as cn
>>> m = network_map(cn.load_bundled())
>>> [name for name in layer_names(m)][:3]
['road', 'rail', 'air']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity.report import geo
from connectivity.report._webparts import (
    CROSSING_COLOUR,
    PLACE_COLOUR,
    WebLayer,
    build_map,
    line_widths,
    mode_colour,
    mode_layers,
)

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from connectivity.assign import Assignment
    from connectivity.graph import CompiledNetwork
    from connectivity.routing import Route
    from connectivity.scenarios import CriticalityResult
    from connectivity.tables import Network, Scenario

__all__ = [
    "network_map",
    "route_map",
    "flows_map",
    "criticality_map",
    "difference_map",
    "save_html",
    "layer_names",
]

_LINK_FIELDS = (("link_id", "id"), ("name", "name"), ("mode", "mode"),
                ("length_km", "length"), ("time_h", "time"))
_CROSSING_FIELDS = (("name", "name"), ("dwell_h", "dwell"),
                    ("capacity_t_per_year", "capacity"))
_PLACE_FIELDS = (("name", "name"), ("country", "country"), ("kind", "kind"))
_CLOSED = "#9a9a9a"
#: Legend swatch of a group whose colours say something else than its mode.
_NEUTRAL = "#666666"
_UP, _DOWN, _SAME = "#b2182b", "#2166ac", "#9a9a9a"
#: Criticality classes, least to most critical (yellow to dark red).
_RAMP = ("#fed976", "#feb24c", "#fd8d3c", "#e31a1c", "#800026")


def _tiles(tiles: str | None, tiles_attribution: str | None) -> dict[str, Any]:
    if tiles is not None and (not isinstance(tiles, str) or not tiles.strip()):
        raise ValueError(f"tiles must be a folium tile name or a URL template, not {tiles!r}")
    if tiles is not None and "{" in tiles and not tiles_attribution:
        raise ValueError(f"tiles {tiles!r} is a URL template: give tiles_attribution "
                         "(the tile provider's credit line)")
    return {"tiles": tiles, "tiles_attribution": tiles_attribution}


def _points(base: gpd.GeoDataFrame, name: str, fields: tuple[tuple[str, str], ...],
            colour: str) -> WebLayer:
    return WebLayer(name=name, frame=base, fields=fields, colour=colour, points=True,
                    colours=tuple(colour if bool(o) else _CLOSED for o in base["open"])
                    if "open" in base.columns else None)


def network_map(network: Network | CompiledNetwork, *, scenario: Scenario | None = None,
                tiles: str | None = None, tiles_attribution: str | None = None) -> folium.Map:
    """The network: links coloured by mode (grey where ``scenario`` closes them),
    crossings and places.

    Parameters
    ----------
    network
        Tables or compiled network.
    scenario
        Which links, crossings and places are open (closed ones are grey; ``open`` in
        the tooltips); default: the base network.
    tiles, tiles_attribution
        An optional tile layer under the outlines (see the module notes).

    Returns
    -------
    folium.Map

    Raises
    ------
    ValueError
        When ``tiles`` is a URL template without ``tiles_attribution``.

    Examples
    --------
    >>> import connectivity as cn
    >>> m = network_map(cn.load_bundled())
    >>> layer_names(m)[-2:]
    ['crossings', 'places']
    """
    options = _tiles(tiles, tiles_attribution)
    layers = geo.network_layers(network, scenario=scenario)
    links = layers["links"]
    colours = [mode_colour(str(mode)) if bool(o) else _CLOSED
               for mode, o in zip(links["mode"], links["open"], strict=True)]
    web = mode_layers(links, (*_LINK_FIELDS, ("capacity_t_per_year", "capacity"),
                              ("open", "open")), colours=colours)
    web.append(_points(layers["crossings"], "crossings",
                       (*_CROSSING_FIELDS, ("open", "open")), CROSSING_COLOUR))
    web.append(_points(layers["places"], "places", (*_PLACE_FIELDS, ("open", "open")),
                       PLACE_COLOUR))
    title = "Network" if scenario is None else f"Network, scenario {scenario.name}"
    return build_map(web, title=title, notes=["grey: closed in the scenario"]
                     if scenario is not None else (), **options)


def route_map(route: Route, network: Network | CompiledNetwork, *, tiles: str | None = None,
              tiles_attribution: str | None = None) -> folium.Map:
    """A route: its legs by mode, its border crossings and its stops (origin, transfers,
    destination).

    Parameters
    ----------
    route
        A route found on ``network`` (:func:`connectivity.route`).
    network
        The network it was found on.
    tiles, tiles_attribution
        An optional tile layer (see the module notes).

    Returns
    -------
    folium.Map
        Leg tooltips: the leg's link ids, its places' names, mode, length, time and
        cost per tonne.

    Raises
    ------
    ValueError
        When the route is not from ``network``, or ``tiles`` is a URL template
        without ``tiles_attribution``.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> layer_names(route_map(cn.route(net, "Urumqi", "Almaty"), net))
    ['rail', 'crossings', 'places']
    """
    options = _tiles(tiles, tiles_attribution)
    parts = geo.route_layers(route, network)
    base = geo.network_layers(network)
    places = base["places"].set_index("place_id")
    names = places["name"].to_dict()
    legs = parts["legs"].copy()
    legs["name"] = [f"{names.get(a, a)} - {names.get(b, b)}"
                    for a, b in zip(legs["from_place"], legs["to_place"], strict=True)]
    web = mode_layers(legs, (("link_ids", "id"), ("name", "name"), ("mode", "mode"),
                             ("length_km", "length"), ("time_h", "time"),
                             ("cost_usd_per_t", "cost")), widths=[5.0] * len(legs))
    stops = parts["stops"]
    is_crossing = (stops["role"] == "border_crossing").to_numpy()
    crossings = stops[is_crossing].copy()
    xtable = base["crossings"].set_index("crossing_id")
    crossings["name"] = [xtable.at[x, "name"] for x in crossings["crossing_id"]]
    crossings["dwell_h"] = crossings["time_h"]
    crossings["capacity_t_per_year"] = [xtable.at[x, "capacity_t_per_year"]
                                        for x in crossings["crossing_id"]]
    crossings.attrs = {**stops.attrs, "units": {**stops.attrs.get("units", {}),
                                                "dwell_h": "h",
                                                "capacity_t_per_year": "t/year"}}
    stop_places = stops[~is_crossing].copy()
    for col in ("name", "country", "kind"):
        stop_places[col] = [places.at[p, col] for p in stop_places["place_id"]]
    web.append(WebLayer(name="crossings", frame=crossings, fields=_CROSSING_FIELDS,
                        colour=CROSSING_COLOUR, points=True, widths=(6.0,) * len(crossings)))
    web.append(WebLayer(name="places", frame=stop_places,
                        fields=(*_PLACE_FIELDS, ("role", "stop"), ("time_h", "time"),
                                ("cost_usd_per_t", "cost")),
                        colour=PLACE_COLOUR, points=True, widths=(6.0,) * len(stop_places)))
    title = (f"Route {names.get(route.origin, route.origin)} - "
             f"{names.get(route.destination, route.destination)} ({route.commodity}): "
             f"{route.time_h:,.1f} h, {route.cost_usd_per_t:,.1f} USD/t")
    return build_map(web, title=title, **options)


def _with_lengths(links: gpd.GeoDataFrame,
                  network: Network | CompiledNetwork) -> gpd.GeoDataFrame:
    """A link layer with ``length_km`` and ``time_h`` of the network's links."""
    base = geo.network_layers(network)["links"]
    if list(base["link_id"]) != list(links["link_id"]):
        raise ValueError("the layer's links are not the network's links in table order")
    out = links.copy()
    for col in ("length_km", "time_h"):
        out[col] = base[col].to_numpy()
    out.attrs = {**links.attrs, "units": {**links.attrs.get("units", {}),
                                          "length_km": "km", "time_h": "h"}}
    return out


def _context(network: Network | CompiledNetwork) -> list[WebLayer]:
    base = geo.network_layers(network)
    return [_points(base["crossings"], "crossings", _CROSSING_FIELDS, CROSSING_COLOUR),
            _points(base["places"], "places", _PLACE_FIELDS, PLACE_COLOUR)]


def flows_map(assignment: Assignment, network: Network | CompiledNetwork, *,
              tiles: str | None = None, tiles_attribution: str | None = None) -> folium.Map:
    """Flows: each link coloured by mode, as wide as the square root of its tonnes per
    year (both directions), with crossings and places.

    Parameters
    ----------
    assignment
        An assignment on ``network`` (:func:`connectivity.assign_aon` and the others).
    network
        The network it was computed on.
    tiles, tiles_attribution
        An optional tile layer (see the module notes).

    Returns
    -------
    folium.Map
        Link tooltips add the flow (t/year) and the utilisation.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> m = flows_map(cn.assign_aon(net, cn.load_bundled_demand(net)), net)
    >>> "places" in layer_names(m)
    True
    """
    options = _tiles(tiles, tiles_attribution)
    links = _with_lengths(geo.flow_layer(assignment, network), network)
    flow = links["flow_t_per_year"].to_numpy(dtype=np.float64)
    web = mode_layers(links, (*_LINK_FIELDS, ("flow_t_per_year", "flow"),
                              ("utilisation", "utilisation")), widths=line_widths(flow))
    top = float(np.nanmax(flow)) if len(flow) else 0.0
    note = f"line width: flow, widest {top / 1e6:,.2f} Mt/year (both directions)"
    return build_map([*web, *_context(network)], title="Flows", notes=[note], **options)


def criticality_map(result: CriticalityResult, network: Network | CompiledNetwork, *,
                    tiles: str | None = None,
                    tiles_attribution: str | None = None) -> folium.Map:
    """Criticality: the elements of ``result`` coloured by their rank (five classes of
    equal count, dark red the most critical; grey: losing it costs nothing).

    Parameters
    ----------
    result
        A :func:`connectivity.scenarios.criticality` result on ``network``.
    network
        The network it was computed on.
    tiles, tiles_attribution
        An optional tile layer (see the module notes).

    Returns
    -------
    folium.Map
        Links (by mode), crossings and places of the result with the extra cost
        (USD/year) and the lost tonnes (t/year) in their tooltips.
    """
    options = _tiles(tiles, tiles_attribution)
    layer = geo.criticality_layer(result, network)
    colours = _classes(layer)
    measure = (("rank", "rank"), ("delta_cost_usd_per_year", "extra cost"),
               ("delta_unserved_t_per_year", "lost tonnes"))
    base = geo.network_layers(network)
    if result.elements == "links":
        frame = _joined(layer, base["links"], "link_id", ("mode", "length_km", "time_h"))
        frame["link_id"] = frame["element_id"]
        web = mode_layers(frame, (*_LINK_FIELDS, *measure),
                          widths=[4.0] * len(frame), colours=colours)
    elif result.elements == "crossings":
        frame = _joined(layer, base["crossings"], "crossing_id",
                        ("dwell_h", "capacity_t_per_year"))
        web = [WebLayer(name="crossings", frame=frame, fields=(*_CROSSING_FIELDS, *measure),
                        colour=CROSSING_COLOUR, points=True, colours=tuple(colours),
                        widths=(7.0,) * len(frame))]
    else:  # places, ports (points) and countries (the points of their places)
        fields: tuple[tuple[str, str], ...] = (("name", "name"), ("kind", "element"))
        frame = layer
        if result.elements != "countries":
            frame = _joined(layer, base["places"], "place_id", ("country",))
            frame["place_kind"] = [base["places"].set_index("place_id").at[p, "kind"]
                                   for p in frame["element_id"]]
            fields = (("name", "name"), ("country", "country"), ("place_kind", "kind"))
        web = [WebLayer(name="places", frame=frame, fields=(*fields, *measure),
                        colour=PLACE_COLOUR, points=True, colours=tuple(colours),
                        widths=(7.0,) * len(frame))]
    title = f"Criticality of {result.elements} ({result.method}, {len(layer)} ranked)"
    notes = ["colour: rank by lost tonnes, then extra cost; five classes from the most "
             "critical (dark red) to the least (yellow); grey: losing it costs nothing"]
    return build_map(web, title=title, notes=notes, swatches={w.name: _NEUTRAL for w in web},
                     **options)


def _joined(layer: gpd.GeoDataFrame, table: gpd.GeoDataFrame, key: str,
            columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """``layer`` with ``columns`` of ``table`` matched on ``element_id`` = ``key`` (and
    their units)."""
    out = layer.copy()
    indexed = table.set_index(key)
    for col in columns:
        out[col] = [indexed.at[e, col] for e in out["element_id"]]
    units = table.attrs.get("units", {})
    out.attrs = {**layer.attrs, "units": {**layer.attrs.get("units", {}),
                                          **{c: units[c] for c in columns if c in units}}}
    return out


def _classes(layer: gpd.GeoDataFrame) -> list[str]:
    """A colour per row of a criticality layer (most critical first): grey where losing
    the element neither costs more nor loses tonnes, else its fifth of the ranking."""
    cost = np.nan_to_num(layer["delta_cost_usd_per_year"].to_numpy(dtype=np.float64))
    lost = np.nan_to_num(layer["delta_unserved_t_per_year"].to_numpy(dtype=np.float64))
    hit = np.flatnonzero((cost > 0) | (lost > 0))
    out = [_SAME] * len(layer)
    for r, i in enumerate(hit.tolist()):
        out[i] = _RAMP[len(_RAMP) - 1 - r * len(_RAMP) // len(hit)]
    return out


def difference_map(base: Assignment, other: Assignment, network: Network | CompiledNetwork,
                   *, tiles: str | None = None,
                   tiles_attribution: str | None = None) -> folium.Map:
    """A scenario's flows against the baseline's: red where a link carries more, blue
    where it carries less, as wide as the square root of the change.

    Parameters
    ----------
    base
        The baseline's assignment.
    other
        The scenario's assignment on the same network.
    network
        The network both were computed on.
    tiles, tiles_attribution
        An optional tile layer (see the module notes).

    Returns
    -------
    folium.Map
        Link tooltips add the base flow, the flow, the change (t/year) and the change
        in percent of the base flow.
    """
    options = _tiles(tiles, tiles_attribution)
    links = _with_lengths(geo.difference_layer(base, other, network), network)
    delta = links["delta_flow_t_per_year"].to_numpy(dtype=np.float64)
    colours = [_UP if d > 0 else _DOWN if d < 0 else _SAME
               for d in np.nan_to_num(delta, nan=0.0)]
    web = mode_layers(links, (*_LINK_FIELDS, ("base_flow_t_per_year", "base flow"),
                              ("flow_t_per_year", "flow"),
                              ("delta_flow_t_per_year", "change"),
                              ("delta_flow_pct", "change")),
                      widths=line_widths(delta), colours=colours)
    top = float(np.nanmax(np.abs(delta))) if len(delta) else 0.0
    notes = ["red: more tonnes than the baseline; blue: fewer; grey: no change",
             f"line width: the change, widest {top / 1e6:,.2f} Mt/year"]
    return build_map([*web, *_context(network)], title="Flows against the baseline",
                     notes=notes, swatches={w.name: _NEUTRAL for w in web}, **options)


def layer_names(m: folium.Map) -> list[str]:
    """The names listed in the layer switch of ``m``, in order."""
    import folium

    return [child.layer_name for child in m._children.values()
            if isinstance(child, folium.FeatureGroup) and child.control]


def save_html(m: folium.Map, path: str | Path) -> Path:
    """Write ``m`` as one HTML file at ``path`` (suffix ``.html``) and return the path.

    Raises
    ------
    ValueError
        When ``path`` does not end in ``.html``, or when the page would load a script or
        stylesheet from the network (an element that brought its own CDN link).

    Examples
    --------
    >>> import tempfile, connectivity as cn
    >>> net = cn.load_bundled()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = save_html(network_map(net), Path(d) / "network.html")
    ...     out.stat().st_size > 100_000
    True
    """
    out = Path(path)
    if out.suffix.lower() != ".html":
        raise ValueError(f"path {str(path)!r} has suffix {out.suffix!r}; an HTML map is "
                         "written to a '.html' file")
    page = m.get_root().render()
    linked = re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(https?:)?//[^\"'>\s]+",
                        page)
    if linked:
        raise ValueError("the page would load scripts or stylesheets from the network "
                         f"({len(linked)} link(s)); only Leaflet inline is supported")
    out.write_text(page, encoding="utf-8")
    return out
