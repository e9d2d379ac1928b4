"""GIS files: each format written, read back with geopandas, values, shapes and units
compared; and the errors."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import connectivity as cn
import tiny
from connectivity.io.geofile import ATTRS_KEY, read_layers, write_layers
from connectivity.report.geo import network_layers


@pytest.fixture(scope="module")
def layers() -> dict[str, gpd.GeoDataFrame]:
    return network_layers(cn.from_frames(**tiny.frames()))


def _same(back: gpd.GeoDataFrame, gdf: gpd.GeoDataFrame) -> None:
    assert back.crs is not None and back.crs.to_epsg() == 4326
    assert list(back.columns) == list(gdf.columns)
    assert len(back) == len(gdf)
    for a, b in zip(back.geometry, gdf.geometry, strict=True):
        assert a.equals_exact(b, tolerance=1e-12)
    for col in gdf.columns.drop("geometry"):
        left, right = back[col], gdf[col]
        if pd.api.types.is_float_dtype(right):
            assert np.allclose(left.astype(float), right, equal_nan=True), col
        else:
            want = [None if pd.isna(v) else v for v in right]
            got = [None if pd.isna(v) else v for v in left]
            if col == "year_open":  # an integer column with gaps comes back as float
                got = [None if v is None else int(v) for v in got]
            assert got == want, col
    assert back.attrs["units"] == gdf.attrs["units"]
    assert back.attrs["layer"] == gdf.attrs["layer"]


def test_geopackage_holds_every_layer(tmp_path, layers) -> None:
    path = tmp_path / "tiny.gpkg"
    write_layers(layers, path)
    assert sorted(gpd.list_layers(path)["name"]) == ["crossings", "links", "places"]
    direct = gpd.read_file(path, layer="links")  # geopandas alone reads it
    assert list(direct["link_id"]) == list(layers["links"]["link_id"])
    back = read_layers(path)
    for name, gdf in layers.items():
        _same(back[name], gdf)


@pytest.mark.parametrize("suffix", [".geojson", ".parquet", ".geoparquet"])
def test_one_layer_formats(tmp_path, layers, suffix: str) -> None:
    path = tmp_path / f"links{suffix}"
    write_layers({"links": layers["links"]}, path)
    direct = (gpd.read_parquet(path) if suffix != ".geojson"
              else gpd.read_file(path))
    assert list(direct["link_id"]) == list(layers["links"]["link_id"])
    back = read_layers(path)
    assert list(back) == ["links"]
    _same(back["links"], layers["links"])


def test_units_are_stored_in_the_file_itself(tmp_path, layers) -> None:
    write_layers({"places": layers["places"]}, tmp_path / "p.geojson")
    doc = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
    assert doc[ATTRS_KEY]["units"]["lon"] == "degree (WGS 84)"
    assert doc["name"] == "places"
    write_layers({"places": layers["places"]}, tmp_path / "p.parquet")
    meta = pq.read_schema(tmp_path / "p.parquet").metadata
    assert b"degree (WGS 84)" in b"".join(meta.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.geojson", "p.parquet"]


@pytest.mark.parametrize("suffix", [".geojson", ".parquet"])
def test_several_layers_in_a_one_layer_format(tmp_path, layers, suffix: str) -> None:
    path = tmp_path / f"net{suffix}"
    with pytest.raises(ValueError, match=r"holds one layer, got 3: links, crossings, places"):
        write_layers(layers, path)
    assert not list(tmp_path.iterdir())  # nothing written, under no other name either


def test_unknown_suffix(tmp_path, layers) -> None:
    with pytest.raises(ValueError, match=r"unknown suffix '\.shp'; allowed: \.gpkg, "
                                         r"\.geojson, \.parquet, \.geoparquet"):
        write_layers(layers, tmp_path / "net.shp")
    with pytest.raises(ValueError, match=r"unknown suffix '\(none\)'"):
        read_layers(tmp_path / "net")


def test_existing_file_needs_overwrite(tmp_path, layers) -> None:
    path = tmp_path / "net.gpkg"
    write_layers(layers, path)
    with pytest.raises(FileExistsError, match="exists; pass overwrite=True"):
        write_layers({"links": layers["links"]}, path)
    write_layers({"links": layers["links"]}, path, overwrite=True)
    assert list(read_layers(path)) == ["links"]  # replaced, not added to
    odd = layers["places"].copy()
    odd.attrs["when"] = object()
    with pytest.raises(ValueError, match="cannot be stored as JSON"):
        write_layers({"places": odd}, path, overwrite=True)
    assert list(read_layers(path)) == ["links"]  # a failed write keeps the old file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.gpkg"]


def test_other_errors(tmp_path, layers) -> None:
    with pytest.raises(ValueError, match="layers is empty"):
        write_layers({}, tmp_path / "x.gpkg")
    with pytest.raises(TypeError, match="layer 'links' is a DataFrame, not a GeoDataFrame"):
        write_layers({"links": pd.DataFrame(layers["links"].drop(columns="geometry"))},
                     tmp_path / "x.gpkg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_layers(layers, tmp_path / "no" / "x.gpkg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_layers(tmp_path / "missing.gpkg")
    odd = layers["places"].copy()
    odd.attrs["when"] = object()
    with pytest.raises(ValueError, match="cannot be stored as JSON"):
        write_layers({"places": odd}, tmp_path / "x.gpkg")
