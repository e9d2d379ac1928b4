"""OMX skims and demand, checked by reading the files back with openmatrix itself."""

from __future__ import annotations

import numpy as np
import openmatrix
import pandas as pd
import pytest

import connectivity as cn
from connectivity.io.omx import SKIM_UNITS, read_demand_omx, write_skims_omx

ZONES = ["CN_A", "CN_B", "KZ_C", "KZ_D"]


def test_write_is_read_by_openmatrix(tmp_path):
    path = tmp_path / "m.omx"
    time_h = np.arange(16.0).reshape(4, 4)
    cost = np.full((4, 4), np.inf)
    write_skims_omx(path, {"time_h": time_h, "cost_usd_per_t": cost}, ZONES,
                    attrs={"time_h": {"commodity": "container"}})
    with openmatrix.open_file(str(path)) as f:
        assert sorted(f.list_matrices()) == ["cost_usd_per_t", "time_h"]
        assert f.shape() == (4, 4)
        np.testing.assert_array_equal(f["time_h"][:], time_h)
        assert np.isinf(f["cost_usd_per_t"][:]).all()
        assert f["time_h"].attrs.units == "h" and f["time_h"].attrs.commodity == "container"
        assert f["cost_usd_per_t"].attrs.units == "USD/t"
        assert [z.decode() for z in f.map_entries("zones")] == ZONES
        assert f.mapping("zones")[b"KZ_C"] == 2
        assert f.version() == b"0.2"


def test_rectangular_file_has_origin_and_destination_lookups(tmp_path):
    path = tmp_path / "r.omx"
    write_skims_omx(path, {"distance_km": np.ones((2, 3))}, ["CN_A", "CN_B"],
                    destinations=["KZ_C", "KZ_D", "CN_A"])
    with openmatrix.open_file(str(path)) as f:
        assert sorted(f.list_mappings()) == ["destinations", "origins"]
        assert f.root.lookup.destinations.attrs.DIM == 1
        assert [z.decode() for z in f.map_entries("destinations")] == ["KZ_C", "KZ_D", "CN_A"]


def test_bundled_skim_round_trip(tmp_path):
    net = cn.load_bundled()
    places = ["Urumqi", "Almaty", "Tashkent", "Xi'an", "Aktau"]
    skim = cn.skim(net, places)
    path = tmp_path / "skim.omx"
    skim.to_omx(path)
    with openmatrix.open_file(str(path)) as f:
        assert [z.decode() for z in f.map_entries("zones")] == list(skim.origins)
        for name, units in SKIM_UNITS.items():
            np.testing.assert_array_equal(f[name][:], getattr(skim, name))
            assert f[name].attrs.units == units
    csv = tmp_path / "skim.csv"
    skim.to_csv(csv)
    back = pd.read_csv(csv)
    pd.testing.assert_frame_equal(back, skim.to_frame().drop(columns="commodity"))


def test_demand_from_omx(tmp_path, tiny_net):
    path = tmp_path / "d.omx"
    t = np.zeros((4, 4))
    t[0, 3], t[3, 0], t[1, 2] = 1000.0, 250.5, 7.0
    with openmatrix.open_file(str(path), "w") as f:  # written by openmatrix, not by us
        f["freight"] = t
        f["freight"].attrs.units = "t_per_year"
        f.create_mapping("taz", [11, 12, 13, 14])
        f.create_array(f.root.lookup, "zones", obj=np.array([z.encode() for z in ZONES]))
    demand = read_demand_omx(path, matrix="freight", commodity="container", network=tiny_net)
    assert demand[["origin", "destination", "tonnes_per_year"]].values.tolist() == [
        ["CN_A", "KZ_D", 1000.0], ["CN_B", "KZ_C", 7.0], ["KZ_D", "CN_A", 250.5]]
    assert (demand["commodity"] == "container").all()
    flows = cn.assign_aon(tiny_net, demand)
    assert flows.unserved_t == 0.0
    with pytest.raises(cn.UnknownIdError, match="holds zone numbers"):
        read_demand_omx(path, matrix="freight", commodity="container", mapping="taz")
    by_list = read_demand_omx(path, matrix="freight", commodity="container", zones=ZONES)
    assert len(by_list) == 3


def _file(tmp_path, values, zones=ZONES, units=None):
    path = tmp_path / "bad.omx"
    write_skims_omx(path, {"t": np.asarray(values, float)}, zones,
                    attrs={"t": {"units": units}} if units else None)
    return path


def test_demand_errors_name_pair_and_value(tmp_path, tiny_net):
    t = np.zeros((4, 4))
    t[0, 1], t[2, 3], t[1, 1] = -5.0, np.nan, 3.0
    with pytest.raises(cn.NetworkValidationError) as err:
        read_demand_omx(_file(tmp_path, t), matrix="t", commodity="container")
    text = str(err.value)
    assert "CN_A->CN_B: -5.0" in text and "KZ_C->KZ_D: nan" in text
    assert "CN_B->CN_B" not in text  # a diagonal cell is intrazonal demand, not an error
    with pytest.raises(cn.NetworkValidationError, match=r"not in the network's places: \['XX'\]"):
        read_demand_omx(_file(tmp_path, np.eye(2)[::-1], ["CN_A", "XX"]), matrix="t",
                        commodity="container", network=tiny_net)
    with pytest.raises(cn.NetworkValidationError, match="commodity='coal' is unknown"):
        read_demand_omx(_file(tmp_path, np.eye(4)[::-1]), matrix="t", commodity="coal",
                        network=tiny_net)


def test_demand_errors_file_shape(tmp_path):
    path = _file(tmp_path, np.zeros((4, 4)))
    with pytest.raises(cn.UnknownIdError, match=r"no matrix 'x'; it has \['t'\]"):
        read_demand_omx(path, matrix="x", commodity="container")
    with pytest.raises(cn.UnknownIdError, match="no lookup 'taz'"):
        read_demand_omx(path, matrix="t", commodity="container", mapping="taz")
    with pytest.raises(ValueError, match="3 zones for OMX matrix 't' of 4 x 4"):
        read_demand_omx(path, matrix="t", commodity="container", zones=ZONES[:3])
    with pytest.raises(ValueError, match="units='kg'"):
        read_demand_omx(_file(tmp_path, np.zeros((4, 4)), units="kg"), matrix="t",
                        commodity="container")
    with pytest.raises(ValueError, match=r"has shape \(2, 2\); the zones give \(4, 4\)"):
        write_skims_omx(tmp_path / "x.omx", {"t": np.zeros((2, 2))}, ZONES)
    with pytest.raises(ValueError, match=r"repeats place id\(s\) \['CN_A'\]"):
        write_skims_omx(tmp_path / "x.omx", {"t": np.zeros((2, 2))}, ["CN_A", "CN_A"])


def test_cli_skim_out_and_assign_omx_demand(tmp_path, cli):
    out = tmp_path / "s.omx"
    cli("skim", "--origins", "Urumqi", "Almaty", "--out", str(out))
    with openmatrix.open_file(str(out)) as f:
        assert [z.decode() for z in f.map_entries("zones")] == ["CN_URUMQI", "KZ_ALMATY"]
        assert f["time_h"][0, 1] > 0
    csv = tmp_path / "s.csv"
    cli("skim", "--origins", "Urumqi", "--destinations", "Almaty", "Tashkent", "--out",
        str(csv))
    assert list(pd.read_csv(csv)["destination"]) == ["KZ_ALMATY", "UZ_TASHKENT"]
    bad = cli("skim", "--origins", "Urumqi", "--out", str(tmp_path / "s.txt"), check=False)
    assert bad.returncode == 2 and "ending in .omx or .csv" in bad.stderr
    demand = tmp_path / "d.omx"
    write_skims_omx(demand, {"box": [[0.0, 1e5], [0.0, 0.0]]}, ["CN_URUMQI", "KZ_ALMATY"])
    res = cli("assign", "--demand", str(demand), "--demand-matrix", "box",
              "--demand-commodity", "container", "--format", "json")
    assert '"demand_t_per_year": 100000.0' in res.stdout
    miss = cli("assign", "--demand", str(demand), "--demand-matrix", "box", check=False)
    assert miss.returncode == 2 and "--demand-commodity" in miss.stderr


def test_diagonal_cells_are_intrazonal_rows_that_no_assignment_routes(tmp_path, tiny_net):
    t = np.zeros((4, 4))
    t[0, 3], t[1, 1] = 100.0, 30.0
    demand = read_demand_omx(_file(tmp_path, t), matrix="t", commodity="container",
                             network=tiny_net)
    assert demand[["origin", "destination"]].values.tolist() == [["CN_A", "KZ_D"],
                                                                 ["CN_B", "CN_B"]]
    a = cn.assign_aon(tiny_net, demand)
    b = cn.assign_aon(tiny_net, demand.iloc[:1])
    assert a.intrazonal_t == 30.0 and b.intrazonal_t == 0.0
    assert a.intrazonal["origin"].tolist() == ["CN_B"]
    np.testing.assert_array_equal(a.edge_flow_t, b.edge_flow_t)
