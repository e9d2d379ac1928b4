"""Reading table files: CSV, GeoJSON, GeoPackage, or a DataFrame; and the bundled folder.

Every cell is read as text (CSV) or as stored (spatial files); typing and checking happen
in :func:`connectivity.tables.schema.parse_table` and :mod:`connectivity.tables.rules`,
so nothing is converted or dropped here.

Examples
--------
>>> (bundled_data_dir() / "places.csv").is_file()
True
>>> read_table(bundled_data_dir() / "modes.csv")["mode"].tolist()[:2]
['road', 'rail']
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from connectivity.errors import UnknownIdError

__all__ = ["TableSource", "bundled_data_dir", "read_table", "load_bundled_table"]

#: A table given as a DataFrame or as a path to a CSV, GeoJSON or GeoPackage file.
TableSource: TypeAlias = "pd.DataFrame | str | Path"


def bundled_data_dir() -> Path:
    """Return the folder holding the bundled network tables.

    A wheel carries them as ``connectivity/data``; an editable install or a source
    checkout reads the repository's top-level ``data/``.
    """
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data"
    if (packaged / "places.csv").is_file():
        return packaged
    checkout = package.parent.parent / "data"
    if (checkout / "places.csv").is_file():
        return checkout
    raise FileNotFoundError(
        f"bundled data not found: looked in {packaged} and {checkout}; "
        "reinstall the package with `pip install .`"
    )


def load_bundled_table(name: str) -> pd.DataFrame:
    """Read one bundled CSV (e.g. ``"demand"`` or ``"projects"``) without validation."""
    path = bundled_data_dir() / f"{name}.csv"
    if not path.is_file():
        raise UnknownIdError(f"no bundled table {name!r} (looked for {path})")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_table(source: TableSource) -> pd.DataFrame:
    """Read one table from a DataFrame, CSV, GeoJSON or GeoPackage path.

    A GeoPackage layer is named after a colon: ``"network.gpkg:links"``. Places read
    from a spatial file take ``lon``/``lat`` from point geometry (in EPSG:4326); links
    keep line geometry as ``geometry_wkt``.
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    text = str(source)
    layer: str | None = None
    if ".gpkg:" in text:
        text, layer = text.split(".gpkg:", 1)
        text += ".gpkg"
    path = Path(text)
    if path.is_dir():
        raise FileNotFoundError(f"table file {str(path)!r} is a folder, not a file")
    if not path.is_file():
        raise FileNotFoundError(f"table file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".geojson", ".json", ".gpkg"):
        return _read_spatial(path, layer)
    raise ValueError(
        f"unsupported table file {str(path)!r}: expected .csv, .geojson or .gpkg"
    )


def _read_csv(path: Path) -> pd.DataFrame:
    """A CSV as text cells, with the file named in every error."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise ValueError(f"table file {str(path)!r} is empty (not even a header)") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"table file {str(path)!r} is not UTF-8 text (byte {exc.object[exc.start]:#x} "
            f"at position {exc.start}); save it as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"table file {str(path)!r} is not a readable CSV: {exc}") from None
    header = str(frame.columns[0]) if len(frame.columns) == 1 else ""
    sep = next((s for s in ";\t|" if s in header), None)
    if sep is not None:
        raise ValueError(
            f"table file {str(path)!r} seems to separate columns with {sep!r} (header "
            f"{header[:60]!r}); write it with commas"
        )
    return frame


def _read_spatial(path: Path, layer: str | None) -> pd.DataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(path, layer=layer)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    geoms = gdf.geometry
    is_point = (geoms.geom_type == "Point").to_numpy()
    if is_point.any() and not is_point.all():
        # a layer of points with a few missing or other shapes: name those rows rather
        # than read the layer as lines and blame every place for its coordinates
        bad = np.flatnonzero(~is_point)
        kinds = [t if isinstance(t, str) else "no geometry" for t in geoms.geom_type.iloc[bad]]
        shown = ", ".join(f"row {i + 1} ({k})" for i, k in zip(bad[:5].tolist(), kinds,
                                                                 strict=False))
        raise ValueError(
            f"table file {str(path)!r}: {bad.size} feature(s) of a point layer have no "
            f"Point geometry: {shown}"
        )
    if len(geoms) and is_point.all():
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        frame["lon"] = geoms.x.to_numpy()
        frame["lat"] = geoms.y.to_numpy()
    elif len(geoms):
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        frame["geometry_wkt"] = [g.wkt if g is not None else "" for g in geoms]
    return frame.astype(object).where(frame.notna(), "")
