"""Shapes of the network's elements for :mod:`connectivity.report.geo`: place points,
link lines (from the links table where it has geometry, else straight), crossing
midpoints, and the units of the columns the layers carry.

Everything here reads the compiled network's id arrays and the network's tables; shapely
and geopandas are imported inside the functions (they are heavy to import).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from connectivity.errors import NetworkValidationError
from connectivity.graph import LINK, CompiledNetwork

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["CRS", "STRAIGHT", "TABLE", "MIDPOINT", "UNITS", "Shapes", "shapes_of", "frame",
           "finite", "join_lines"]

#: Every layer is in longitude/latitude on WGS 84.
CRS = "EPSG:4326"
#: ``geometry_source`` of a line drawn straight between its places' coordinates.
STRAIGHT = "straight_line"
#: ``geometry_source`` of a line taken from the links table.
TABLE = "table"
#: ``geometry_source`` of a crossing's Point, halfway between its two places.
MIDPOINT = "midpoint"

#: Unit of each column the layers may carry (a column not listed has no unit: ids,
#: names, flags, counts).
UNITS: dict[str, str] = {
    "lon": "degree (WGS 84)",
    "lat": "degree (WGS 84)",
    "length_km": "km",
    "distance_km": "km",
    "time_h": "h",
    "dwell_h": "h",
    "dwell_h_low": "h",
    "dwell_h_high": "h",
    "speed_kmh": "km/h",
    "cost_usd_per_t": "USD/t",
    "fee_usd_per_t": "USD/t",
    "risk_usd_per_t": "USD/t",
    "generalized_cost_usd_per_t": "USD/t",
    "co2e_kg_per_t": "kg CO2e/t",
    "capacity_t_per_year": "t/year",
    "flow_t_per_year": "t/year",
    "flow_ab_t_per_year": "t/year",
    "flow_ba_t_per_year": "t/year",
    "base_flow_t_per_year": "t/year",
    "delta_flow_t_per_year": "t/year",
    "delta_flow_pct": "% of base_flow_t_per_year",
    "capacity_ab_t_per_year": "t/year",
    "capacity_ba_t_per_year": "t/year",
    "utilisation": "flow/capacity (1 = full)",
    "shadow_price_usd_per_t": "USD/t",
    "shadow_price_ab_usd_per_t": "USD/t",
    "shadow_price_ba_usd_per_t": "USD/t",
    "delta_cost_usd_per_year": "USD/year",
    "delta_cost_pct": "% of base cost",
    "delta_unserved_t_per_year": "t/year",
    "cost_usd_per_year": "USD/year",
    "unserved_t_per_year": "t/year",
    "capital_cost_usd": "USD",
    "year_open": "year",
    "build_year": "year",
}


def finite(values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``values`` as floats with ``inf`` replaced by NaN (an empty cell in a GIS file:
    no capacity limit, or no route)."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    return out


@dataclass(frozen=True)
class Shapes:
    """Coordinates and lines of one network, by id."""

    xy: Mapping[str, tuple[float, float]]
    link_line: Mapping[str, BaseGeometry]
    link_source: Mapping[str, str]
    link_ends: Mapping[str, tuple[str, str]]
    crossing_links: Mapping[str, tuple[str, ...]]

    def point(self, place: str) -> BaseGeometry:
        """The place as a Point."""
        from shapely.geometry import Point

        return Point(self.xy[place])

    def midpoint(self, a: str, b: str) -> BaseGeometry:
        """The Point halfway between places ``a`` and ``b`` (in degrees)."""
        from shapely.geometry import Point

        (xa, ya), (xb, yb) = self.xy[a], self.xy[b]
        return Point((xa + xb) / 2.0, (ya + yb) / 2.0)

    def oriented(self, link_id: str, start: str) -> tuple[BaseGeometry, str]:
        """Link ``link_id``'s line run from place ``start``, and the place it ends at.

        Raises
        ------
        ValueError
            When the network has no such link, or ``start`` is neither end of it.
        """
        if link_id not in self.link_ends:
            raise ValueError(f"link {link_id!r} is not in this network; is the result from "
                             "another network?")
        a, b = self.link_ends[link_id]
        line = self.link_line[link_id]
        if start == a:
            return line, b
        if start == b:
            return line.reverse(), a
        raise ValueError(f"link {link_id!r} runs between {a!r} and {b!r}, not from {start!r}; "
                         "is the result from another network?")


#: Key of the shapes kept with a network's tables.
_DERIVED_KEY = "report.geo.shapes"


def shapes_of(c: CompiledNetwork) -> Shapes:
    """The shapes of ``c``'s network (kept with its tables: built once per network)."""
    net = c.network
    kept = net.derived(_DERIVED_KEY)
    if isinstance(kept, Shapes):
        return kept
    places = net.places
    xy = {str(p): (float(x), float(y))
          for p, x, y in zip(places["place_id"], places["lon"], places["lat"], strict=True)}
    lines, sources = _link_lines(net.links, xy)
    ends = {str(lid): (str(a), str(b)) for lid, a, b in
            zip(net.links["link_id"], net.links["from_place"], net.links["to_place"],
                strict=True)}
    carried: dict[str, list[str]] = {}
    on_link = np.flatnonzero((c.edge_kind == LINK) & (c.edge_crossing >= 0))
    for e in on_link.tolist():
        cid, lid = str(c.crossing_ids[c.edge_crossing[e]]), str(c.link_ids[c.edge_link[e]])
        if lid not in carried.setdefault(cid, []):
            carried[cid].append(lid)
    shapes = Shapes(xy=xy, link_line=lines, link_source=sources, link_ends=ends,
                    crossing_links={k: tuple(v) for k, v in carried.items()})
    net.keep_derived(_DERIVED_KEY, shapes)
    return shapes


def _table_geometry(links: pd.DataFrame) -> list[BaseGeometry | None]:
    """Per link, the line its table gives (``geometry_wkt``, else a ``geometry`` column of
    shapely objects, as a GeoDataFrame links table keeps), or ``None``."""
    from shapely import wkt
    from shapely.errors import ShapelyError
    from shapely.geometry.base import BaseGeometry

    n = len(links)
    given: list[BaseGeometry | None] = [None] * n
    objects = links["geometry"] if "geometry" in links.columns else None
    crs = getattr(getattr(links, "geometry", None), "crs", None) if objects is not None else None
    if objects is not None and crs is not None and not crs.equals(CRS):
        objects = links.geometry.to_crs(CRS)
    texts = links["geometry_wkt"] if "geometry_wkt" in links.columns else [None] * n
    problems = []
    for i, (lid, text) in enumerate(zip(links["link_id"], texts, strict=True)):
        if isinstance(text, str) and text.strip():
            try:
                given[i] = wkt.loads(text)
            except ShapelyError:
                problems.append(f"links {lid!r}: geometry_wkt={text[:60]!r} is not WKT")
                continue
        elif objects is not None and isinstance(objects.iloc[i], BaseGeometry):
            given[i] = objects.iloc[i]
        geom = given[i]
        if geom is not None and (geom.is_empty or geom.geom_type not in ("LineString",
                                                                           "MultiLineString")):
            problems.append(f"links {lid!r}: geometry is a {geom.geom_type}"
                            f"{' (empty)' if geom.is_empty else ''}; a link needs a "
                            "LineString or MultiLineString")
    if problems:
        raise NetworkValidationError(problems)
    return given


def _link_lines(
    links: pd.DataFrame, xy: Mapping[str, tuple[float, float]]
) -> tuple[dict[str, BaseGeometry], dict[str, str]]:
    from shapely.geometry import LineString

    given = _table_geometry(links)
    lines: dict[str, BaseGeometry] = {}
    sources: dict[str, str] = {}
    for lid, a, b, geom in zip(links["link_id"], links["from_place"], links["to_place"], given,
                               strict=True):
        if geom is None:
            lines[str(lid)] = LineString([xy[str(a)], xy[str(b)]])
            sources[str(lid)] = STRAIGHT
        else:
            lines[str(lid)] = geom
            sources[str(lid)] = TABLE
    return lines, sources


def join_lines(parts: Sequence[BaseGeometry]) -> BaseGeometry:
    """Lines run one after another as one LineString (a MultiLineString when a part is
    itself several lines); the shared point between parts is kept once."""
    from shapely.geometry import LineString, MultiLineString

    if any(p.geom_type != "LineString" for p in parts):
        pieces = [g for p in parts for g in getattr(p, "geoms", [p])]
        return MultiLineString([list(g.coords) for g in pieces])
    coords: list[tuple[float, ...]] = []
    for p in parts:
        pts = list(p.coords)
        if coords and coords[-1] == pts[0]:
            pts = pts[1:]
        coords.extend(pts)
    return LineString(coords)


def frame(
    rows: pd.DataFrame | Mapping[str, Any],
    geometry: Iterable[BaseGeometry | None],
    *,
    layer: str,
    extra_units: Mapping[str, str] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> gpd.GeoDataFrame:
    """A layer: ``rows`` with ``geometry`` in :data:`CRS`, and ``attrs["units"]`` naming
    the unit of each of its columns that has one."""
    import geopandas as gpd

    data = pd.DataFrame(rows).reset_index(drop=True)
    gdf = gpd.GeoDataFrame(data, geometry=list(geometry), crs=CRS)
    known = {**UNITS, **(extra_units or {})}
    gdf.attrs["layer"] = layer
    gdf.attrs["units"] = {c: known[c] for c in data.columns if c in known}
    for k, v in (attrs or {}).items():
        gdf.attrs[k] = v
    return gdf
