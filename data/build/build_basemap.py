"""Build the basemap of the static maps, ``data/basemap/countries.geojson``.

Usage::

    python data/build/build_basemap.py [SOURCE]

``SOURCE`` is a vector file of Natural Earth's 1:110m Admin 0 countries with the columns
``name``, ``iso_a3`` and ``continent``; by default the copy that pyogrio ships in its test
fixtures (``pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp``, which
pyogrio copied from GeoPandas' ``naturalearth_lowres``).

What the script does (``data/basemap/README.md`` says the same for readers of the data):

1. keeps the countries that touch the region's box, lon -12..150, lat 10..72 (China,
   Central and South Asia, the Caucasus, Turkey, Iran, Russia, Europe to the North Sea,
   with room around the corners of a conformal conic view of Rotterdam to Shanghai);
2. clips them to that box;
3. simplifies each outline by 0.02 degrees (about 2 km; the 1:110m outlines are coarser
   than that, so almost nothing changes) and snaps coordinates to a 0.001 degree grid;
4. sets the ISO 3166 codes that the source leaves as ``-99``: France (FRA) and Norway
   (NOR) get theirs; Kosovo, N. Cyprus and Somaliland have none in ISO 3166 and get an
   empty code;
5. adds the ISO 3166 alpha-2 code (the network's ``country`` column uses alpha-2);
6. writes GeoJSON (RFC 7946, lon/lat WGS 84), one feature per country sorted by name,
   properties ``iso_a3``, ``iso_a2``, ``name``, ``continent``, with coordinates printed to
   three decimals, so the same source gives the same bytes.

Needs geopandas and shapely (the ``maps`` extra of the package).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "basemap" / "countries.geojson"

BOX_LON_LAT = (-12.0, 10.0, 150.0, 72.0)  # west, south, east, north
SIMPLIFY_DEG = 0.02
GRID_DEG = 0.001

#: ISO 3166 codes the source gives as -99. An empty code: no ISO 3166 code exists.
ISO_A3_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "", "N. Cyprus": "",
                "Somaliland": ""}

#: ISO 3166 alpha-3 -> alpha-2 for every country the box keeps.
ISO_A2 = {
    "AFG": "AF", "ALB": "AL", "ARE": "AE", "ARM": "AM", "AUT": "AT", "AZE": "AZ",
    "BEL": "BE", "BEN": "BJ", "BFA": "BF", "BGD": "BD", "BGR": "BG", "BIH": "BA",
    "BLR": "BY", "BTN": "BT", "CAF": "CF", "CHE": "CH", "CHN": "CN", "CIV": "CI",
    "CMR": "CM", "CYP": "CY", "CZE": "CZ", "DEU": "DE", "DJI": "DJ", "DNK": "DK",
    "DZA": "DZ", "EGY": "EG", "ERI": "ER", "ESH": "EH", "ESP": "ES", "EST": "EE",
    "ETH": "ET", "FIN": "FI", "FRA": "FR", "GBR": "GB", "GEO": "GE", "GHA": "GH",
    "GIN": "GN", "GRC": "GR", "HRV": "HR", "HUN": "HU", "IND": "IN", "IRL": "IE",
    "IRN": "IR", "IRQ": "IQ", "ISR": "IL", "ITA": "IT", "JOR": "JO", "JPN": "JP",
    "KAZ": "KZ", "KGZ": "KG", "KHM": "KH", "KOR": "KR", "KWT": "KW", "LAO": "LA",
    "LBN": "LB", "LBY": "LY", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MAR": "MA",
    "MDA": "MD", "MKD": "MK", "MLI": "ML", "MMR": "MM", "MNE": "ME", "MNG": "MN",
    "MRT": "MR", "NER": "NE", "NGA": "NG", "NLD": "NL", "NOR": "NO", "NPL": "NP",
    "OMN": "OM", "PAK": "PK", "PHL": "PH", "POL": "PL", "PRK": "KP", "PRT": "PT",
    "PSE": "PS", "QAT": "QA", "ROU": "RO", "RUS": "RU", "SAU": "SA", "SDN": "SD",
    "SEN": "SN", "SLE": "SL", "SOM": "SO", "SRB": "RS", "SSD": "SS", "SVK": "SK",
    "SVN": "SI", "SWE": "SE", "SYR": "SY", "TCD": "TD", "TGO": "TG", "THA": "TH",
    "TJK": "TJ", "TKM": "TM", "TUN": "TN", "TUR": "TR", "TWN": "TW", "UKR": "UA",
    "UZB": "UZ", "VNM": "VN", "YEM": "YE",
}


def default_source() -> Path:
    import pyogrio

    return (Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
            / "naturalearth_lowres.shp")


def _rounded(coords: Any) -> Any:
    if isinstance(coords, float | int):
        return round(float(coords), 3)
    return [_rounded(c) for c in coords]


def build(source: Path) -> dict[str, Any]:
    """The GeoJSON feature collection of the region's countries (see the module doc)."""
    import geopandas as gpd
    import shapely

    world = gpd.read_file(source)
    missing = {"name", "iso_a3", "continent"} - set(world.columns)
    if missing:
        raise SystemExit(f"{source}: columns {sorted(missing)} missing; is it Natural Earth "
                         "Admin 0 countries?")
    if world.crs is None or world.crs.to_epsg() != 4326:
        world = world.to_crs(4326)
    box = shapely.box(*BOX_LON_LAT)
    kept = world[world.intersects(box)].copy()
    problems = []
    features = []
    for row in kept.sort_values("name").itertuples():
        iso_a3 = str(row.iso_a3)
        if iso_a3 == "-99":
            if row.name not in ISO_A3_FIXES:
                problems.append(f"{row.name}: iso_a3 -99 and no fix listed")
                continue
            iso_a3 = ISO_A3_FIXES[row.name]
        if iso_a3 and iso_a3 not in ISO_A2:
            problems.append(f"{row.name}: no alpha-2 code listed for {iso_a3}")
            continue
        geom = shapely.intersection(row.geometry, box)
        geom = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
        geom = shapely.set_precision(geom, GRID_DEG)
        if geom.is_empty:
            continue
        if not geom.is_valid:
            problems.append(f"{row.name}: outline invalid after clipping: "
                            f"{shapely.is_valid_reason(geom)}")
            continue
        mapping = shapely.geometry.mapping(geom)
        features.append({
            "type": "Feature",
            "properties": {"iso_a3": iso_a3, "iso_a2": ISO_A2.get(iso_a3, ""),
                           "name": str(row.name), "continent": str(row.continent)},
            "geometry": {"type": mapping["type"],
                         "coordinates": _rounded(mapping["coordinates"])},
        })
    if problems:
        raise SystemExit("basemap not written:\n  " + "\n  ".join(problems))
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else default_source()
    collection = build(source)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # one feature per line: diffs stay readable
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(collection['features'])} countries, "
          f"{OUT.stat().st_size / 1024:.0f} kB) from {source}")


if __name__ == "__main__":
    main(sys.argv[1:])
