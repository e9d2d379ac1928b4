"""Results as GeoDataFrames, for maps and GIS (QGIS): the network, a route, a skim,
flows, criticality, a project portfolio, and a scenario's flows against the baseline.

Every layer is a :class:`geopandas.GeoDataFrame` in EPSG:4326 (longitude, latitude).
Column names carry their units (``length_km``, ``time_h``, ``flow_t_per_year``, ...) and
``gdf.attrs["units"]`` maps each column that has a unit to its unit text;
``gdf.attrs["layer"]`` names the layer. Write them with
:func:`connectivity.io.geofile.write_layers` (GeoPackage, GeoJSON, GeoParquet).

Shapes:

- a link is the line of its table's ``geometry_wkt`` (or of a ``geometry`` column, as a
  GeoDataFrame links table keeps) where it has one, else a straight line from its
  ``from_place`` to its ``to_place`` coordinates; ``geometry_source`` says which
  (``"table"`` or ``"straight_line"``);
- a border crossing is a Point halfway between its two places (``place_a``,
  ``place_b``; ``geometry_source`` ``"midpoint"``); the links that carry it are in
  ``link_ids``;
- a place is a Point at its coordinates; a country (criticality) is the MultiPoint of
  its places;
- a route's leg is the line of its links run end to end in the direction of travel; an
  OD pair of a skim is a straight desire line from origin to destination.

Numbers that are infinite in the results (no capacity limit, no route) are empty cells
(NaN) in the layers, as GIS formats have no infinity; a skim says ``reachable``.

Example
-------
>>> import connectivity as cn
>>> layers = network_layers(cn.load_bundled())
>>> sorted(layers), layers["links"].crs.to_epsg(), layers["links"].attrs["units"]["length_km"]
(['crossings', 'links', 'places'], 4326, 'km')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from connectivity.graph import CompiledNetwork, capacities, compiled_of
from connectivity.report import _geolayers as L
from connectivity.report._geoparts import MIDPOINT, STRAIGHT, TABLE, finite, frame, shapes_of
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from connectivity.assign import Assignment
    from connectivity.invest import Portfolio
    from connectivity.routing import Route, Skim
    from connectivity.scenarios import CriticalityResult

__all__ = [
    "network_layers",
    "route_layers",
    "skim_layer",
    "flow_layer",
    "criticality_layer",
    "portfolio_layer",
    "difference_layer",
    "MIDPOINT",
    "STRAIGHT",
    "TABLE",
]

def network_layers(
    network: Network | CompiledNetwork, *, scenario: Scenario | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """The network as three layers: ``"links"`` (lines), ``"crossings"`` and
    ``"places"`` (points).

    Parameters
    ----------
    network
        Tables or compiled network.
    scenario
        Decides ``open`` (whether any commodity may use a link or crossing, or a place is
        not closed) and the capacities (projects' ``capacity_added``); default: the
        base network.

    Returns
    -------
    dict
        ``"links"``: one LineString per link with ``link_id``, ``name``, ``mode``,
        ``from_place``, ``to_place``, ``length_km``, ``time_h`` (from ``from_place`` to
        ``to_place``, border dwell and gauge change included, as routing sees it),
        ``dwell_h`` (the border dwell inside it), ``capacity_t_per_year`` (per direction;
        empty: no limit), ``capacity_unit``, ``status``, ``year_open``, ``two_way``,
        ``gauge_mm``, ``corridor``, ``crossing_id``, ``open``, ``geometry_source``.
        ``"crossings"``: one Point per crossing with its table's columns, ``link_ids``,
        ``capacity_t_per_year``, ``open``. ``"places"``: one Point per place with
        ``place_id``, ``name``, ``country``, ``kind``, ``terminals``, ``lon``, ``lat``,
        ``open``.

    Raises
    ------
    UnknownIdError
        When ``scenario`` names an unknown id.
    NetworkValidationError
        When a link's table geometry is not WKT or not a line.

    Examples
    --------
    >>> import connectivity as cn
    >>> links = network_layers(cn.load_bundled())["links"]
    >>> bool((links["geometry_source"] == "straight_line").all())
    True
    """
    c = compiled_of(network)
    sh = shapes_of(c)
    scen = scenario or Scenario()
    is_open = L.open_edges(c, scen)
    edge_cap, group_cap = capacities(c, scen)
    return {"links": L.links_layer(c, sh, is_open, edge_cap, scen.name),
            "crossings": L.crossings_layer(c, sh, is_open, group_cap, scen.name),
            "places": L.places_layer(c, sh, scen)}


def route_layers(route: Route, network: Network | CompiledNetwork) -> dict[str, gpd.GeoDataFrame]:
    """A route as ``"legs"`` (one line per leg, in travel order) and ``"stops"`` (points).

    Parameters
    ----------
    route
        A :class:`~connectivity.routing.Route` found on ``network``.
    network
        The network it was found on.

    Returns
    -------
    dict
        ``"legs"``: ``leg`` (1, 2, ...), ``mode``, ``from_place``, ``to_place``,
        ``link_ids`` and ``crossing_ids`` (``;``-separated), ``length_km``, ``time_h``,
        ``cost_usd_per_t``, ``co2e_kg_per_t``, ``geometry_source``. ``"stops"``: in
        travel order, ``seq``, ``role`` (``origin``, ``transfer``, ``border_crossing``,
        ``destination``), ``place_id`` (the crossing's first place for a crossing),
        ``crossing_id``, ``from_terminal``, ``to_terminal``, ``time_h``,
        ``cost_usd_per_t``, ``co2e_kg_per_t`` (of the load at the origin, the unload at
        the destination, a transshipment; a crossing's ``time_h`` is its dwell in the
        tables, already inside its leg's time, and its money is in its leg's cost, so
        empty here).

    Raises
    ------
    ValueError
        When the route's links do not run end to end on ``network`` (a route of another
        network).

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> layers = route_layers(cn.route(net, "Urumqi", "Almaty"), net)
    >>> list(layers["stops"]["role"])[0], list(layers["stops"]["role"])[-1]
    ('origin', 'destination')
    """
    c = compiled_of(network)
    sh = shapes_of(c)
    rows, lines = [], []
    for i, leg in enumerate(route.legs):
        line, end, source = L.chain(sh, leg.link_ids, leg.from_place)
        if end != leg.to_place:
            raise ValueError(f"leg {i + 1} of the route ends at {end!r} on this network, "
                             f"not at {leg.to_place!r}; is the route from another network?")
        rows.append({"leg": i + 1, "mode": leg.mode, "from_place": leg.from_place,
                     "to_place": leg.to_place, "link_ids": ";".join(leg.link_ids),
                     "crossing_ids": ";".join(leg.crossings) or None,
                     "length_km": leg.distance_km, "time_h": leg.time_h,
                     "cost_usd_per_t": leg.cost_usd_per_t,
                     "co2e_kg_per_t": leg.co2e_kg_per_t, "geometry_source": source})
        lines.append(line)
    attrs = {"origin": route.origin, "destination": route.destination,
             "commodity": route.commodity, "scenario": route.scenario}
    legs = frame(pd.DataFrame(rows, columns=["leg", "mode", "from_place", "to_place",
                                             "link_ids", "crossing_ids", "length_km",
                                             "time_h", "cost_usd_per_t", "co2e_kg_per_t",
                                             "geometry_source"]),
                 lines, layer="legs", attrs=attrs)
    return {"legs": legs, "stops": L.stops_layer(route, c, sh, attrs)}


def skim_layer(skim: Skim, network: Network | CompiledNetwork) -> gpd.GeoDataFrame:
    """A skim as desire lines: one straight line per origin-destination pair.

    Parameters
    ----------
    skim
        A :class:`~connectivity.routing.Skim` of ``network``.
    network
        The network it was computed on (for the places' coordinates).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``skim.to_frame()`` (``origin``, ``destination``, ``commodity``,
        ``generalized_cost_usd_per_t``, ``time_h``, ``distance_km``, ``cost_usd_per_t``,
        ``co2e_kg_per_t``, ``risk_usd_per_t``; empty where no route) and ``reachable``.
        A pair whose origin is its destination is a line of two equal points.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> len(skim_layer(cn.skim(net, ["Urumqi", "Kashgar"], ["Almaty"]), net))
    2
    """
    from shapely.geometry import LineString

    sh = shapes_of(compiled_of(network))
    table = skim.to_frame()
    measures = ["generalized_cost_usd_per_t", "time_h", "distance_km", "cost_usd_per_t",
                "co2e_kg_per_t", "risk_usd_per_t"]
    table["reachable"] = np.isfinite(table["generalized_cost_usd_per_t"].to_numpy())
    for col in measures:
        table[col] = finite(table[col])
    lines = [LineString([sh.xy[o], sh.xy[d]])
             for o, d in zip(table["origin"], table["destination"], strict=True)]
    return frame(table, lines, layer="skim", attrs={"commodity": skim.commodity})


def flow_layer(assignment: Assignment, network: Network | CompiledNetwork) -> gpd.GeoDataFrame:
    """Flows of an assignment on the links: one line per link, both directions.

    Parameters
    ----------
    assignment
        An :class:`~connectivity.assign.Assignment` on ``network``.
    network
        The network it was assigned on.

    Returns
    -------
    geopandas.GeoDataFrame
        ``link_id``, ``name``, ``mode``, ``from_place``, ``to_place``, ``crossing_id``,
        ``flow_t_per_year`` (both directions summed), ``flow_ab_t_per_year``
        (``from_place`` to ``to_place``), ``flow_ba_t_per_year`` (back), one
        ``flow_<commodity>_t_per_year`` per commodity (both directions),
        ``capacity_t_per_year`` (per direction; empty: no limit), ``utilisation`` (of
        the fuller direction), ``shadow_price_ab_usd_per_t``,
        ``shadow_price_ba_usd_per_t`` (system optimum only; empty otherwise),
        ``geometry_source``.

    Raises
    ------
    ValueError
        When ``assignment`` is not of ``network``.

    Examples
    --------
    >>> import connectivity as cn
    >>> net = cn.load_bundled()
    >>> flows = flow_layer(cn.assign_aon(net, cn.load_bundled_demand(net)), net)
    >>> len(flows) == len(net.links), flows.attrs["units"]["flow_t_per_year"]
    (True, 't/year')
    """
    c = compiled_of(network)
    sh = shapes_of(c)
    code, reverse, sel = L.by_link(c, assignment)
    n = len(c.link_ids)
    links = assignment.links
    ab, ba = L.two_ways(code, reverse, links["flow_t_per_year"].to_numpy(dtype=np.float64), n)
    ids = [str(x) for x in c.link_ids]
    table = c.network.links
    rows: dict[str, Any] = {
        "link_id": ids, "name": L.column(table, "name"), "mode": list(table["mode"]),
        "from_place": list(table["from_place"]), "to_place": list(table["to_place"]),
        "crossing_id": [str(c.crossing_ids[x]) if x >= 0 else None
                        for x in c.edge_crossing[L.forward_edges(c)]],
        "flow_t_per_year": ab + ba, "flow_ab_t_per_year": ab, "flow_ba_t_per_year": ba,
    }
    units = {}
    for k, commodity in enumerate(assignment.commodities):
        column = f"flow_{commodity}_t_per_year"
        f_ab, f_ba = L.two_ways(code, reverse, assignment.edge_flow_by_commodity[sel, k], n)
        rows[column] = f_ab + f_ba
        units[column] = "t/year"
    cap_ab, cap_ba = L.max_two(code, reverse,
                              links["capacity_t_per_year"].to_numpy(dtype=np.float64), n)
    rows["capacity_t_per_year"] = finite(np.where(np.isnan(cap_ab), cap_ba, cap_ab))
    use_ab, use_ba = L.max_two(code, reverse, links["utilisation"].to_numpy(dtype=np.float64), n)
    rows["utilisation"] = np.fmax(use_ab, use_ba)
    price = links["shadow_price_usd_per_t"].to_numpy(dtype=np.float64)
    rows["shadow_price_ab_usd_per_t"], rows["shadow_price_ba_usd_per_t"] = L.max_two(
        code, reverse, price, n)
    rows["geometry_source"] = [sh.link_source[i] for i in ids]
    return frame(rows, [sh.link_line[i] for i in ids], layer="flows", extra_units=units,
                 attrs={"method": assignment.method, "scenario": assignment.scenario})


def difference_layer(base: Assignment, other: Assignment,
                     network: Network | CompiledNetwork) -> gpd.GeoDataFrame:
    """A scenario's flows minus the baseline's, per link (both directions summed).

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
    geopandas.GeoDataFrame
        ``link_id``, ``name``, ``mode``, ``from_place``, ``to_place``,
        ``base_flow_t_per_year``, ``flow_t_per_year`` (the scenario's),
        ``delta_flow_t_per_year`` (scenario minus baseline), ``delta_flow_pct``
        (``100 * delta / base``; empty where the baseline carries nothing),
        ``geometry_source``; ``attrs`` name both scenarios.

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
    >>> diff = difference_layer(cn.assign_aon(net, demand),
    ...                         cn.assign_aon(net, demand, scenario=closed), net)
    >>> bool(diff["delta_flow_t_per_year"].min() < 0 < diff["delta_flow_t_per_year"].max())
    True
    """
    c = compiled_of(network)
    sh = shapes_of(c)
    n = len(c.link_ids)
    totals = []
    for a in (base, other):
        code, reverse, _ = L.by_link(c, a)
        ab, ba = L.two_ways(code, reverse, a.links["flow_t_per_year"].to_numpy(np.float64), n)
        totals.append(ab + ba)
    delta = totals[1] - totals[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(totals[0] > 0, 100.0 * delta / totals[0], np.nan)
    ids = [str(x) for x in c.link_ids]
    table = c.network.links
    rows = {"link_id": ids, "name": L.column(table, "name"), "mode": list(table["mode"]),
            "from_place": list(table["from_place"]), "to_place": list(table["to_place"]),
            "base_flow_t_per_year": totals[0], "flow_t_per_year": totals[1],
            "delta_flow_t_per_year": delta, "delta_flow_pct": pct,
            "geometry_source": [sh.link_source[i] for i in ids]}
    return frame(rows, [sh.link_line[i] for i in ids], layer="difference",
                 attrs={"base_scenario": base.scenario, "scenario": other.scenario,
                        "base_method": base.method, "method": other.method})


def criticality_layer(result: CriticalityResult,
                      network: Network | CompiledNetwork) -> gpd.GeoDataFrame:
    """A criticality ranking on the map: its table with a shape per element.

    Links are their lines; crossings the Point halfway between their places; ports and
    places their Points; a country the MultiPoint of its places (one geometry type per
    result, since a result ranks one kind of element).

    Parameters
    ----------
    result
        A :class:`~connectivity.scenarios.CriticalityResult` on ``network``.
    network
        The network it was computed on.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``result.table`` in its order (most critical first), with ``rank``
        (1 = most critical) and ``geometry_source``. Pairs (``result.pairs``) are not a
        layer.

    Raises
    ------
    ValueError
        For an element id the network does not have (a result of another network).

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.scenarios import criticality
    >>> net = cn.load_bundled()
    >>> r = criticality(net, cn.load_bundled_demand(net), elements="crossings", top=3)
    >>> list(criticality_layer(r, net).geom_type.unique())
    ['Point']
    """
    from shapely.geometry import MultiPoint

    c = compiled_of(network)
    sh = shapes_of(c)
    table = result.table.reset_index(drop=True).copy()
    by_country: dict[str, list[str]] = {}
    for p, k in zip(c.network.places["place_id"], c.network.places["country"], strict=True):
        by_country.setdefault(str(k), []).append(str(p))
    cross = c.network.crossings.set_index("crossing_id")
    shapes: list[BaseGeometry] = []
    sources: list[str] = []
    for element in table["element_id"].astype(str):
        known = {"links": sh.link_line, "crossings": cross.index, "countries": by_country}
        have = known.get(result.elements, sh.xy)
        if element not in have:
            raise ValueError(f"{result.elements[:-1]} {element!r} of the criticality result "
                             "is not in this network; give the network it was computed on")
        if result.elements == "links":
            shapes.append(sh.link_line[element])
            sources.append(sh.link_source[element])
        elif result.elements == "crossings":
            row = cross.loc[element]
            shapes.append(sh.midpoint(str(row["place_a"]), str(row["place_b"])))
            sources.append(MIDPOINT)
        elif result.elements == "countries":
            shapes.append(MultiPoint([sh.xy[p] for p in by_country[element]]))
            sources.append("places")
        else:
            shapes.append(sh.point(element))
            sources.append("place")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["geometry_source"] = sources
    return frame(table, shapes, layer="criticality",
                 attrs={"method": result.method, "elements": result.elements,
                        "scenario": result.scenario})


def portfolio_layer(result: Portfolio, network: Network | CompiledNetwork, *,
                    candidates: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """A prioritization's candidate projects on their links, selected or not.

    A project is the MultiLineString of the links it builds or changes and of the links
    that carry the crossings it opens or changes (a crossing lives on its link); a
    project with neither (a port's yard, say) has no geometry (``geometry_source``
    ``"none"``) but keeps its row.

    Parameters
    ----------
    result
        A :class:`~connectivity.invest.Portfolio` of ``network``'s projects.
    network
        The network it was chosen on.
    candidates
        The project ids the method chose from; default: ``result.details["candidates"]``
        (every :func:`~connectivity.invest.prioritize` method records them).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per candidate: ``project_id``, ``name``, ``kind``, ``selected``,
        ``build_year`` (phased portfolios; empty otherwise), ``capital_cost_usd``,
        ``status``, ``year_open``, ``link_ids`` (the links drawn, ``;``-separated),
        ``crossing_ids``, ``geometry_source``; ``attrs`` hold the method, budget, cost,
        objective and status.

    Raises
    ------
    ValueError
        When no candidates are given or recorded, or a project id is not in the network.

    Examples
    --------
    >>> import connectivity as cn
    >>> from connectivity.invest import prioritize
    >>> net = cn.load_bundled()
    >>> p = prioritize(net, cn.load_bundled_demand(net), budget=1e9, method="milp",
    ...                projects=["P03", "P13", "P27", "P29"])
    >>> layer = portfolio_layer(p, net)
    >>> sorted(layer["project_id"]), int(layer["selected"].sum()) == len(p.selected)
    (['P03', 'P13', 'P27', 'P29'], True)
    """
    c = compiled_of(network)
    ids = L.candidate_ids(result, candidates, c)
    sh = shapes_of(c)
    projects = c.network.projects.set_index("project_id")
    rows, shapes = [], []
    for pid in ids:
        links, crossings = L.project_parts(c, sh, pid)
        row = projects.loc[pid]
        year = result.schedule.get(pid)
        rows.append({"project_id": pid, "name": row.get("name"), "kind": row.get("kind"),
                     "selected": pid in result.selected,
                     "build_year": pd.NA if year is None else int(year),
                     "capital_cost_usd": float(row.get("capital_cost_usd", np.nan)),
                     "status": row.get("status"),
                     "year_open": row.get("year_open"),
                     "link_ids": ";".join(links) or None,
                     "crossing_ids": ";".join(crossings) or None,
                     "geometry_source": L.source_of(sh, links)})
        shapes.append(L.multiline(sh, links))
    out = pd.DataFrame(rows, columns=["project_id", "name", "kind", "selected", "build_year",
                                      "capital_cost_usd", "status", "year_open", "link_ids",
                                      "crossing_ids", "geometry_source"])
    for col in ("build_year", "year_open"):
        out[col] = out[col].astype("Int64")
    return frame(out, shapes, layer="portfolio",
                 attrs={"method": result.method, "budget_usd": result.budget,
                        "cost_usd": result.cost, "objective": result.objective,
                        "baseline": result.baseline, "status": result.status.value})


