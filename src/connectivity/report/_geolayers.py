"""The rows and shapes behind :mod:`connectivity.report.geo`'s layers: the network's
links, crossings and places, a route's stops, link flows by direction, and a
portfolio's projects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from connectivity.graph import LINK, CompiledNetwork, edge_mask
from connectivity.report._geoparts import (
    MIDPOINT,
    Shapes,
    finite,
    frame,
    join_lines,
)
from connectivity.tables import Scenario

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from connectivity.assign import Assignment
    from connectivity.invest import Portfolio
    from connectivity.routing import Route

__all__ = ["LINK_COLUMNS", "STOP_COLUMNS", "column", "forward_edges", "open_edges",
           "links_layer", "crossings_layer", "places_layer", "chain", "stops_layer",
           "by_link", "two_ways", "max_two", "candidate_ids", "project_parts", "source_of",
           "multiline"]


LINK_COLUMNS = ["link_id", "name", "mode", "from_place", "to_place", "length_km", "time_h",
                 "dwell_h", "capacity_t_per_year", "capacity_unit", "status", "year_open",
                 "two_way", "gauge_mm", "corridor", "crossing_id", "open", "geometry_source"]



def column(table: pd.DataFrame, name: str) -> list[Any]:
    """A table's column as a list (``None`` throughout where the table lacks it)."""
    if name in table.columns:
        return list(table[name].astype(object).where(table[name].notna(), None))
    return [None] * len(table)


def forward_edges(c: CompiledNetwork) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Per link (table order), its edge from ``from_place`` to ``to_place``."""
    sel = np.flatnonzero((c.edge_kind == LINK) & ~c.edge_reverse)
    out = np.full(len(c.link_ids), -1, dtype=np.int64)
    out[c.edge_link[sel]] = sel
    return out


def open_edges(c: CompiledNetwork, scenario: Scenario) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per edge: open to at least one commodity under ``scenario``."""
    mask = np.zeros(c.n_edges, dtype=bool)
    for commodity in c.commodity_ids:
        mask |= edge_mask(c, str(commodity), scenario)
    return mask



def links_layer(c: CompiledNetwork, sh: Shapes, is_open: np.ndarray[Any, Any],
                 edge_cap: np.ndarray[Any, Any], scenario: str) -> gpd.GeoDataFrame:
    links = c.network.links
    fwd = forward_edges(c)
    link_open = np.zeros(len(c.link_ids), dtype=bool)
    on = np.flatnonzero((c.edge_kind == LINK) & is_open)
    link_open[c.edge_link[on]] = True
    ids = [str(x) for x in links["link_id"]]
    rows = {
        "link_id": ids, "name": column(links, "name"), "mode": list(links["mode"]),
        "from_place": list(links["from_place"]), "to_place": list(links["to_place"]),
        "length_km": links["length_km"].to_numpy(dtype=np.float64),
        "time_h": c.time_h[fwd], "dwell_h": c.dwell_h[fwd],
        "capacity_t_per_year": finite(edge_cap[fwd]),
        "capacity_unit": column(links, "capacity_unit"),
        "status": column(links, "status"),
        "year_open": links["year_open"].astype("Int64").array,
        "two_way": [None if v is None else bool(v) for v in column(links, "two_way")],
        "gauge_mm": column(links, "gauge_mm"), "corridor": column(links, "corridor"),
        "crossing_id": [str(c.crossing_ids[x]) if x >= 0 else None
                        for x in c.edge_crossing[fwd]],
        "open": link_open,
        "geometry_source": [sh.link_source[i] for i in ids],
    }
    return frame(pd.DataFrame(rows, columns=LINK_COLUMNS), [sh.link_line[i] for i in ids],
                 layer="links", attrs={"scenario": scenario})


def crossings_layer(c: CompiledNetwork, sh: Shapes, is_open: np.ndarray[Any, Any],
                     group_cap: np.ndarray[Any, Any], scenario: str) -> gpd.GeoDataFrame:
    cross = c.network.crossings
    ids = [str(x) for x in cross["crossing_id"]]
    x_open = np.zeros(len(ids), dtype=bool)
    on = np.flatnonzero((c.edge_crossing >= 0) & is_open)
    x_open[c.edge_crossing[on]] = True
    cap = np.full(len(ids), np.inf)
    g = c.groups
    for k in np.flatnonzero(g.kind == "crossing").tolist():
        cap[g.crossing[k]] = min(cap[g.crossing[k]], float(group_cap[k]))
    rows: dict[str, Any] = {"crossing_id": ids}
    for col in ("name", "mode", "place_a", "place_b"):
        rows[col] = column(cross, col)
    for col in ("dwell_h", "dwell_h_low", "dwell_h_high", "fee_usd_per_t"):
        rows[col] = cross[col].to_numpy(dtype=np.float64)
    rows["capacity_t_per_year"] = finite(cap)
    rows["gauge_change"] = [None if v is None else bool(v)
                            for v in column(cross, "gauge_change")]
    for col in ("regime", "status"):
        rows[col] = column(cross, col)
    rows["year_open"] = cross["year_open"].astype("Int64").array
    rows["link_ids"] = [";".join(sh.crossing_links.get(x, ())) or None for x in ids]
    rows["open"] = x_open
    rows["geometry_source"] = [MIDPOINT] * len(ids)
    points = [sh.midpoint(a, b) for a, b in zip(cross["place_a"], cross["place_b"],
                                                  strict=True)]
    return frame(rows, points, layer="crossings", attrs={"scenario": scenario})


def places_layer(c: CompiledNetwork, sh: Shapes, scenario: Scenario) -> gpd.GeoDataFrame:
    places = c.network.places
    closed = set(scenario.closed_places)
    avoid = set(scenario.avoid_countries)
    rows = {
        "place_id": list(places["place_id"]), "name": list(places["name"]),
        "country": list(places["country"]), "kind": list(places["kind"]),
        "terminals": list(places["terminals"]),
        "lon": places["lon"].to_numpy(dtype=np.float64),
        "lat": places["lat"].to_numpy(dtype=np.float64),
        "open": [p not in closed and k not in avoid
                 for p, k in zip(places["place_id"], places["country"], strict=True)],
    }
    return frame(rows, [sh.point(str(p)) for p in places["place_id"]], layer="places",
                 attrs={"scenario": scenario.name})



def chain(sh: Shapes, link_ids: Iterable[str], start: str) -> tuple[BaseGeometry, str, str]:
    """The line of ``link_ids`` run one after another from ``start``; the place it ends
    at, and its ``geometry_source`` (``mixed`` where table and straight lines meet)."""
    parts = []
    sources = set()
    here = start
    for lid in link_ids:
        line, here = sh.oriented(lid, here)
        parts.append(line)
        sources.add(sh.link_source[lid])
    source = sources.pop() if len(sources) == 1 else "mixed"
    return join_lines(parts), here, source



STOP_COLUMNS = ["seq", "role", "place_id", "crossing_id", "from_terminal", "to_terminal",
                 "time_h", "cost_usd_per_t", "co2e_kg_per_t"]


def stops_layer(route: Route, c: CompiledNetwork, sh: Shapes,
           attrs: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """Origin, transfers and crossings in travel order, destination (see route_layers)."""
    if route.edges and max(route.edges) >= c.n_edges:
        raise ValueError(f"the route's edge {max(route.edges)} is not an edge of this network "
                         f"({c.n_edges} edges); is the route from another network?")
    transfers = iter(route.transfers)
    rows: list[dict[str, Any]] = []
    points: list[BaseGeometry] = []
    role = {"load": "origin", "unload": "destination", "transfer": "transfer"}
    for e in route.edges:
        if c.edge_kind[e] != LINK:
            t = next(transfers)
            rows.append({"role": role.get(t.kind, t.kind), "place_id": t.place,
                         "crossing_id": None, "from_terminal": t.from_terminal,
                         "to_terminal": t.to_terminal, "time_h": t.time_h,
                         "cost_usd_per_t": t.cost_usd_per_t, "co2e_kg_per_t": t.co2e_kg_per_t})
            points.append(sh.point(t.place))
        elif c.edge_crossing[e] >= 0:
            x = int(c.edge_crossing[e])
            a, b = (str(c.place_ids[c.edge_from_place[e]]), str(c.place_ids[c.edge_to_place[e]]))
            rows.append({"role": "border_crossing", "place_id": a,
                         "crossing_id": str(c.crossing_ids[x]), "from_terminal": None,
                         "to_terminal": None, "time_h": float(c.dwell_h[e]),
                         "cost_usd_per_t": np.nan, "co2e_kg_per_t": np.nan})
            points.append(sh.midpoint(a, b))
    for end, where in (("origin", 0), ("destination", len(rows))):
        if not any(r["role"] == end for r in rows):  # a route of no edges (origin = destination)
            place = route.origin if end == "origin" else route.destination
            rows.insert(where, {"role": end, "place_id": place, "crossing_id": None,
                                "from_terminal": None, "to_terminal": None, "time_h": 0.0,
                                "cost_usd_per_t": 0.0, "co2e_kg_per_t": 0.0})
            points.insert(where, sh.point(place))
    for k, r in enumerate(rows):
        r["seq"] = k + 1
    return frame(pd.DataFrame(rows, columns=STOP_COLUMNS), points, layer="stops", attrs=attrs)



def by_link(c: CompiledNetwork, assignment: Assignment) -> tuple[np.ndarray[Any, Any], ...]:
    """Per link direction row of ``assignment.links``: its link code and whether it runs
    from ``to_place`` to ``from_place``; and the rows' compiled edges."""
    sel = np.flatnonzero(c.edge_kind == LINK)
    links = assignment.links
    ok = (len(links) == sel.shape[0]
          and np.array_equal(links["link_id"].to_numpy(dtype=object),
                             c.link_ids[c.edge_link[sel]]))
    if not ok:
        raise ValueError(f"assignment {assignment.method!r} ({assignment.scenario}) has "
                         f"{len(links)} link rows that are not the {sel.shape[0]} link "
                         "edges of this network; give the network it was assigned on")
    return c.edge_link[sel].astype(np.int64), c.edge_reverse[sel], sel


def two_ways(code: np.ndarray[Any, Any], reverse: np.ndarray[Any, Any],
              values: np.ndarray[Any, Any], n: int) -> tuple[np.ndarray[Any, Any], ...]:
    """``values`` of link directions summed per link: from_place -> to_place, and back."""
    ab = np.bincount(code[~reverse], weights=values[~reverse], minlength=n)
    ba = np.bincount(code[reverse], weights=values[reverse], minlength=n)
    return ab, ba


def max_two(code: np.ndarray[Any, Any], reverse: np.ndarray[Any, Any],
             values: np.ndarray[Any, Any], n: int) -> tuple[np.ndarray[Any, Any], ...]:
    """Per link, ``values`` of each direction (NaN where the link has no such direction)."""
    ab, ba = np.full(n, np.nan), np.full(n, np.nan)
    ab[code[~reverse]] = values[~reverse]
    ba[code[reverse]] = values[reverse]
    return ab, ba



def candidate_ids(result: Portfolio, candidates: Iterable[str] | None,
                   c: CompiledNetwork) -> list[str]:
    if candidates is None:
        recorded = result.details.get("candidates")
        if recorded is None:
            raise ValueError(f"portfolio of method {result.method!r} records no candidates "
                             "(details['candidates']); pass candidates=[project ids]")
        candidates = recorded
    if isinstance(candidates, str):
        raise TypeError(f"candidates must be a sequence of project ids, not {candidates!r}")
    ids = list(dict.fromkeys(str(x) for x in candidates))
    missing = [x for x in [*ids, *result.selected] if x not in c.project_code]
    if missing:
        raise ValueError(f"project id(s) {missing} are not in the network's projects table "
                         f"(it has {sorted(c.project_code)})")
    stray = [x for x in result.selected if x not in ids]
    if stray:
        raise ValueError(f"selected project(s) {stray} are not among candidates {ids}")
    return ids


def project_parts(c: CompiledNetwork, sh: Shapes, pid: str) -> tuple[list[str], list[str]]:
    """The links drawn for project ``pid`` (its own, then those carrying its crossings)
    and its crossings (opened or changed)."""
    p = c.project_code[pid]
    own = c.project_links[c.project_link_start[p]:c.project_link_start[p + 1]]
    opened = c.project_crossings[c.project_crossing_start[p]:c.project_crossing_start[p + 1]]
    changed = c.project_change_crossings[c.project_change_start[p]:
                                         c.project_change_start[p + 1]]
    links = [str(c.link_ids[x]) for x in own]
    crossings = sorted({str(c.crossing_ids[x]) for x in (*opened.tolist(), *changed.tolist())})
    for x in crossings:
        links.extend(lid for lid in sh.crossing_links.get(x, ()) if lid not in links)
    return links, crossings


def source_of(sh: Shapes, links: list[str]) -> str:
    kinds = {sh.link_source[x] for x in links}
    if not kinds:
        return "none"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def multiline(sh: Shapes, links: list[str]) -> BaseGeometry | None:
    from shapely.geometry import MultiLineString

    if not links:
        return None
    parts = [g for x in links for g in getattr(sh.link_line[x], "geoms", [sh.link_line[x]])]
    return MultiLineString([list(g.coords) for g in parts])
