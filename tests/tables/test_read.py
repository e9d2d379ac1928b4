"""Reading tables and demand from files: every unreadable file named, nothing misread."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import connectivity as cn
from connectivity.errors import NetworkValidationError


def _demand_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    f = tmp_path / "demand.csv"
    f.write_bytes(text.encode(encoding))
    return f


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        ("", "utf-8", r"demand.csv' is empty \(not even a header\)"),
        ("origin,destination,commodity,tonnes_per_year\nCN_A,KZ_D,container,1\n# Zürich\n",
         "latin-1", r"demand.csv' is not UTF-8 text \(byte 0xfc"),
        ("origin;destination;commodity;tonnes_per_year\nCN_A;KZ_D;container;1\n", "utf-8",
         r"demand.csv' seems to separate columns with ';'"),
    ],
)
def test_unreadable_files_are_named(tiny_net, tmp_path, content, encoding, message):
    with pytest.raises(ValueError, match=message):
        cn.read_demand(_demand_csv(tmp_path, content, encoding), tiny_net)


def test_a_folder_is_not_a_table(tiny_net, tmp_path):
    with pytest.raises(FileNotFoundError, match="is a folder, not a file"):
        cn.read_demand(tmp_path, tiny_net)


def test_a_header_only_demand_is_an_empty_table(tiny_net, tmp_path):
    # before: "duplicate origin|destination|commodity rows ['commodity', ...]"
    f = _demand_csv(tmp_path, "origin,destination,commodity,tonnes_per_year\n")
    table = cn.read_demand(f, tiny_net)
    assert len(table) == 0
    with pytest.raises(ValueError, match="no demand to assign"):
        cn.assign_aon(tiny_net, table)


@pytest.mark.parametrize(
    ("tonnes", "message"),
    [
        ("inf", "tonnes_per_year='inf' is not a finite number"),
        ("nan", "tonnes_per_year='nan' is not a finite number"),
        ("1e30", r"tonnes_per_year=1e\+30 is more than 1e\+12"),
        ("-3", "tonnes_per_year=-3.0 is negative"),
    ],
)
def test_demand_tonnes_are_finite_and_plausible(tiny_net, tmp_path, tonnes, message):
    f = _demand_csv(tmp_path, "origin,destination,commodity,tonnes_per_year\n"
                              f"CN_A,KZ_D,container,{tonnes}\n")
    with pytest.raises(NetworkValidationError, match=message):
        cn.read_demand(f, tiny_net)


def test_a_point_layer_with_a_missing_geometry_names_that_row(tiny_frames, tmp_path):
    # before: one null geometry made the layer read as lines and blamed all 553 places
    places = tiny_frames["places"]
    features = []
    for i, row in enumerate(places.to_dict("records")):
        lon, lat = float(row.pop("lon")), float(row.pop("lat"))
        geometry = None if i == 2 else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "properties": row, "geometry": geometry})
    f = tmp_path / "places.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(ValueError, match=r"1 feature\(s\) of a point layer have no Point "
                                         r"geometry: row 3 \(no geometry\)"):
        cn.read_network(tmp_path, places=f, **{k: v for k, v in tiny_frames.items()
                                               if k != "places"})


def test_a_semicolon_table_in_a_folder_is_named(tiny_frames, tmp_path):
    for name, frame in tiny_frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False, sep=";" if name == "links" else ",")
    with pytest.raises(ValueError, match=r"links.csv' seems to separate columns with ';'"):
        cn.read_network(tmp_path)


def test_frames_with_float_columns_read_like_csv(tiny_frames):
    links = tiny_frames["links"].copy()
    links["length_km"] = pd.to_numeric(links["length_km"]).astype(float)
    links.loc[0, "length_km"] = float("inf")
    with pytest.raises(NetworkValidationError, match="links 'L1': length_km=inf is not a finite"):
        cn.from_frames(**{**tiny_frames, "links": links})
