"""GIS files of layers: GeoPackage, GeoJSON and GeoParquet, written and read back.

:func:`write_layers` writes named GeoDataFrames (for example the layers of
:mod:`connectivity.report.geo`) to one file, choosing the format by the file's suffix:

- ``.gpkg``: a GeoPackage, one layer per name (through pyogrio);
- ``.geojson``: GeoJSON, one layer only;
- ``.parquet`` or ``.geoparquet``: GeoParquet, one layer only.

GeoJSON and GeoParquet hold one layer per file: given several, :func:`write_layers`
raises an error that names them (write a ``.gpkg``, or one file per layer); it never
writes other file names than the one it is given. An existing file is an error unless
``overwrite=True`` (a GeoPackage is then replaced as a whole, not added to).

What a layer's ``attrs`` say travels with it: the ``units`` (column -> unit text) and
the other ``attrs`` (layer name, scenario, method, ...) are stored in the file itself,
as JSON text in the GeoPackage layer's metadata (key ``connectivity_attrs``), as a
``connectivity_attrs`` member of the GeoJSON FeatureCollection (a foreign member,
which GIS programs ignore), and in the GeoParquet file's pandas metadata (``attrs``).
:func:`read_layers` restores them. No sidecar file is written.

Example
-------
>>> import tempfile, pathlib
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({"time_h": [1.5]}, geometry=[Point(76.9, 43.2)], crs="EPSG:4326")
>>> gdf.attrs["units"] = {"time_h": "h"}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.gpkg"
>>> write_layers({"places": gdf}, path)
>>> back = read_layers(path)["places"]
>>> back["time_h"].tolist(), back.attrs["units"]
([1.5], {'time_h': 'h'})
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["write_layers", "read_layers", "GEOFILE_SUFFIXES", "ATTRS_KEY"]

#: File suffixes :func:`write_layers` and :func:`read_layers` know, by format.
GEOFILE_SUFFIXES = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".parquet": "GeoParquet",
                    ".geoparquet": "GeoParquet"}
#: Where a layer's ``attrs`` are kept in a GeoPackage's layer metadata and a GeoJSON file.
ATTRS_KEY = "connectivity_attrs"


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in GEOFILE_SUFFIXES:
        raise ValueError(f"path {str(path)!r}: unknown suffix {suffix or '(none)'!r}; "
                         f"allowed: {', '.join(GEOFILE_SUFFIXES)}")
    return GEOFILE_SUFFIXES[suffix]


def _attrs_json(gdf: gpd.GeoDataFrame) -> str:
    try:
        return json.dumps(dict(gdf.attrs), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"layer attrs {dict(gdf.attrs)!r} cannot be stored as JSON "
                         f"({exc}); keep text, numbers, lists and dicts in attrs") from None


def _check_layers(layers: Mapping[str, gpd.GeoDataFrame], fmt: str, path: Path) -> None:
    import geopandas as gpd

    if not layers:
        raise ValueError(f"layers is empty: nothing to write to {str(path)!r}")
    for name, gdf in layers.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"layer name {name!r} must be a non-empty string")
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise TypeError(f"layer {name!r} is a {type(gdf).__name__}, not a GeoDataFrame")
    if fmt != "GPKG" and len(layers) > 1:
        raise ValueError(
            f"path {str(path)!r}: a {fmt} file holds one layer, got {len(layers)}: "
            f"{', '.join(layers)}; write a .gpkg, or one file per layer "
            f"(e.g. write_layers({{{next(iter(layers))!r}: ...}}, ...))")


def write_layers(
    layers: Mapping[str, gpd.GeoDataFrame], path: str | Path, *, overwrite: bool = False
) -> None:
    """Write named layers to a GeoPackage, GeoJSON or GeoParquet file (by its suffix).

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame; one layer only for ``.geojson`` and ``.parquet`` /
        ``.geoparquet``.
    path
        The file to write (``.gpkg``, ``.geojson``, ``.parquet`` or ``.geoparquet``).
    overwrite
        Replace an existing file (default: an existing file is an error).

    Raises
    ------
    ValueError
        For an unknown suffix (naming the allowed ones), several layers for a one-layer
        format (naming them), no layers, or attrs that JSON cannot hold.
    FileExistsError
        When ``path`` exists and ``overwrite`` is false.
    FileNotFoundError
        When the folder of ``path`` does not exist.
    """
    out = Path(path)
    fmt = _format(out)
    _check_layers(layers, fmt, out)
    if out.is_dir():
        raise IsADirectoryError(f"path {str(out)!r} is a folder; give a file name")
    if out.exists() and not overwrite:
        raise FileExistsError(f"path {str(out)!r} exists; pass overwrite=True to replace it")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"path {str(out)!r}: folder {str(out.parent)!r} does not exist")
    metadata = {name: _attrs_json(gdf) for name, gdf in layers.items()}
    # written next to the target and moved over it at the end, so that a failed write
    # leaves neither a partial file nor a lost old one
    partial = out.with_name(f".{out.stem}.partial{out.suffix}")  # GDAL wants the suffix
    if partial.exists():
        partial.unlink()
    try:
        _write(layers, metadata, fmt, partial)
        partial.replace(out)
    finally:
        if partial.exists():
            partial.unlink()


def _write(layers: Mapping[str, gpd.GeoDataFrame], metadata: Mapping[str, str], fmt: str,
           out: Path) -> None:
    if fmt == "GeoParquet":
        (gdf,) = layers.values()
        gdf.to_parquet(out, index=False)
        return
    import pyogrio

    for name, gdf in layers.items():
        if fmt == "GPKG":
            pyogrio.write_dataframe(gdf, out, layer=name, driver="GPKG", append=out.exists(),
                                    layer_metadata={ATTRS_KEY: metadata[name]})
        else:
            members = json.dumps({ATTRS_KEY: json.loads(metadata[name])}, ensure_ascii=False)
            pyogrio.write_dataframe(gdf, out, layer=name, driver="GeoJSON",
                                    layer_options={"FOREIGN_MEMBERS_COLLECTION": members})


def read_layers(path: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """Read every layer of a file :func:`write_layers` wrote (or any GeoPackage,
    GeoJSON or GeoParquet file), with the ``attrs`` stored in it.

    Parameters
    ----------
    path
        A ``.gpkg``, ``.geojson``, ``.parquet`` or ``.geoparquet`` file.

    Returns
    -------
    dict
        Layer name -> GeoDataFrame. A GeoJSON layer is named by the file's ``name``
        member, a GeoParquet layer by its stored ``attrs["layer"]``; else by the file
        name without its suffix.

    Raises
    ------
    ValueError
        For an unknown suffix.
    FileNotFoundError
        When ``path`` does not exist.
    """
    import geopandas as gpd
    import pyogrio

    src = Path(path)
    fmt = _format(src)
    if not src.is_file():
        raise FileNotFoundError(f"path {str(src)!r} does not exist")
    if fmt == "GeoParquet":
        gdf = gpd.read_parquet(src)
        return {str(gdf.attrs.get("layer", src.stem)): gdf}
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, _ in pyogrio.list_layers(src).tolist():
        gdf = pyogrio.read_dataframe(src, layer=name)
        gdf.attrs.update(_stored_attrs(src, fmt, name))
        out[str(name) if fmt == "GPKG" or name else src.stem] = gdf
    return out


def _stored_attrs(path: Path, fmt: str, layer: str) -> dict[str, Any]:
    """The attrs :func:`write_layers` stored for ``layer`` (empty if none)."""
    if fmt == "GPKG":
        import pyogrio

        meta = pyogrio.read_info(path, layer=layer).get("layer_metadata") or {}
        text = meta.get(ATTRS_KEY)
    else:
        with path.open(encoding="utf-8") as handle:
            member = json.load(handle).get(ATTRS_KEY)
        text = json.dumps(member) if member is not None else None
    if not text:
        return {}
    stored = json.loads(text)
    return stored if isinstance(stored, dict) else {}
