"""The bundled China–Central Asia network, end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from connectivity.errors import NetworkValidationError
from connectivity.tables import bundled_data_dir

GATEWAYS = ("Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar")
CAPITALS = ("Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat")


@pytest.fixture(scope="module")
def net():
    return cn.load_bundled()


@pytest.fixture(scope="module")
def comp(net):
    return cn.compile_network(net)


def test_coverage(net):
    places = net.places
    assert len(places) >= 120
    countries = set(places["country"])
    for code in ("CN", "KZ", "KG", "TJ", "UZ", "TM", "AF", "IR", "AZ", "GE", "TR", "RU",
                 "DE", "RO"):
        assert code in countries, code
    links = net.links
    assert set(links["mode"]) == {"road", "rail", "air", "sea", "ferry"}
    assert {"1435", "1520"} <= set(links["gauge_mm"].dropna())
    assert set(links["status"]) >= {"existing", "under_construction"}
    assert links["source"].map(lambda s: isinstance(s, str) and s != "").all()
    assert places["source"].map(lambda s: isinstance(s, str) and s != "").all()
    assert (net.commodities["commodity"].nunique()) >= 4


def test_break_of_gauge_crossings(net):
    cross = net.crossings
    gauge = cross[cross["gauge_change"].fillna(False).astype(bool)]
    names = " ".join(gauge["name"].astype(str)).lower()
    for place in ("alashankou", "dostyk", "khorgos", "altynkol"):
        assert place in names
    bakhty = cross[cross["name"].str.lower().str.contains("bakhty")]
    assert not bakhty.empty and set(bakhty["status"]) != {"existing"}
    for col in ("dwell_h", "dwell_h_low", "dwell_h_high"):
        assert cross[col].notna().all(), col


def test_cku_present_but_closed_in_base_year(net, comp):
    cku = net.links[net.links["name"].fillna("").str.contains("CKU|China-Kyrgyzstan-Uzbekistan",
                                                              regex=True)]
    assert not cku.empty
    assert (cku["status"] != "existing").all()
    edges = comp.edges
    on = edges["link_id"].isin(cku["link_id"]).to_numpy()
    base = cn.edge_costs(comp, "container")
    assert np.isinf(base[on]).all()
    later = cn.edge_costs(comp, "container", cn.Scenario(year=2035))
    assert np.isfinite(later[on]).any()


def test_lengths_marked(net):
    links = net.links
    est = links["length_estimate"].fillna(False).astype(bool)
    assert est.any() and (~est).any()
    assert links.loc[est, "length_method"].map(lambda s: isinstance(s, str) and s != "").all()


@pytest.mark.parametrize("origin", GATEWAYS)
def test_gateways_reach_capitals_and_beyond(comp, origin):
    for dest in (*CAPITALS, "Baku", "Duisburg"):
        r = cn.route(comp, origin, dest)
        assert np.isfinite(r.generalized_cost_usd_per_t)
        assert r.time_h > 0 and r.distance_km > 0
        total = sum(x.cost_usd_per_t for x in (*r.legs, *r.transfers))
        assert r.cost_usd_per_t == pytest.approx(total)


def test_rail_china_kazakhstan_changes_gauge(comp):
    r = cn.route(comp, "Urumqi", "Almaty", scenario=cn.Scenario(modes=("rail",)))
    assert r.modes == ("rail",)
    assert r.crossings  # a border crossing with a gauge change
    gauge_links = set(comp.network.links.loc[
        comp.network.links["gauge_mm"].isin(["1435-1520", "1520-1435"]), "link_id"])
    assert gauge_links & set(r.legs[0].link_ids)


def test_middle_corridor_via_caspian(comp):
    # the Middle Corridor is the route that avoids Russia: without that condition rail
    # from Aktau may round the Caspian by Astrakhan-Makhachkala-Samur/Yalama instead
    r = cn.route(comp, "Urumqi", "Baku", via=["Aktau"],
                 scenario=cn.Scenario(avoid_countries=("RU",)))
    assert "ferry" in r.modes
    assert "X_AKTAU_ALAT_FERRY" in r.crossings or "X_KURYK_ALAT_FERRY" in r.crossings


def test_road_only_and_avoidance(comp):
    r = cn.route(comp, "Kashgar", "Osh", scenario=cn.Scenario(modes=("road",)))
    assert r.modes == ("road",)
    blocked = cn.Scenario(avoid_countries=("KG",), modes=("road",))
    r2 = cn.route(comp, "Kashgar", "Tashkent", scenario=blocked)
    places = comp.network.places.set_index("place_id")["country"]
    visited = {leg.from_place for leg in r2.legs} | {leg.to_place for leg in r2.legs}
    for leg in r2.legs:
        visited |= set(comp.edges.loc[comp.edges["link_id"].isin(leg.link_ids), "to_place"])
    assert "KG" not in set(places[sorted(visited)])


def test_skim_bundled(comp):
    s = cn.skim(comp, list(GATEWAYS), list(CAPITALS))
    assert np.isfinite(s.time_h).all()
    assert (s.distance_km > 500).all()


def test_broken_copies_fail_loudly(tmp_path):
    src = bundled_data_dir()
    for name in ("places", "links", "crossings", "transfers", "modes", "commodities"):
        (tmp_path / f"{name}.csv").write_bytes((src / f"{name}.csv").read_bytes())
    links = pd.read_csv(tmp_path / "links.csv", dtype=str, keep_default_na=False)
    first_rail = links.index[links["mode"] == "rail"][0]
    rail_id = links.at[first_rail, "link_id"]
    links.at[first_rail, "gauge_mm"] = ""
    links.at[0, "length_km"] = "0"
    first_id = links.at[0, "link_id"]
    links.to_csv(tmp_path / "links.csv", index=False)
    with pytest.raises(NetworkValidationError) as info:
        cn.read_network(tmp_path)
    text = str(info.value)
    assert f"links {rail_id!r}: rail link without gauge_mm" in text
    assert f"links {first_id!r}: length_km=0.0 must be positive" in text
    cross = pd.read_csv(tmp_path / "crossings.csv", dtype=str, keep_default_na=False)
    cross = cross[cross["mode"] != "rail"]
    cross.to_csv(tmp_path / "crossings.csv", index=False)
    with pytest.raises(NetworkValidationError, match="crosses a border but has no crossing"):
        cn.read_network(tmp_path)


def test_places_cli_json_from_another_directory(tmp_path):
    # a real process, unlike the other CLI tests: a fresh interpreter started in another
    # directory finds the package and its bundled data as installed, with nothing that
    # this test run has imported or put on sys.path
    proc = subprocess.run(
        [sys.executable, "-m", "connectivity.cli", "places", "--format", "json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=True,
    )
    places = json.loads(proc.stdout)
    assert len(places) >= 120
    assert set(places[0]) == {"place_id", "name", "country", "lon", "lat", "kind", "terminals"}


def test_wheel_ships_the_data(tmp_path):
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(root)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    wheel = next(tmp_path.glob("connectivity-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("places", "links", "crossings", "transfers", "modes", "commodities"):
        assert f"connectivity/data/{table}.csv" in names
    assert "connectivity/py.typed" in names


def test_reprs_are_short_summaries():
    # printing a network or a result gives its size, not every table
    from connectivity import paths

    net = cn.load_bundled()
    text = repr(net)
    assert text.startswith("Network(") and f"{len(net.places)} places" in text
    assert f"{len(net.links)} links" in text
    compiled = cn.compile_network(net)
    assert repr(compiled) == (f"CompiledNetwork({compiled.graph.n_nodes} nodes, "
                              f"{compiled.n_edges} edges, {len(net.places)} places)")
    assert repr(compiled.expanded).startswith(f"ExpandedNetwork({compiled.graph.n_nodes} nodes")
    assert repr(compiled.graph) == (f"CSRGraph(n_nodes={compiled.graph.n_nodes}, "
                                    f"n_edges={compiled.n_edges})")
    a = cn.assign_aon(net, cn.load_bundled_demand(net))
    assert repr(a).startswith("Assignment(method='aon', scenario='base'")
    assert len(repr(a)) < 200
    lm = paths.landmarks(paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3), k=2)
    assert repr(lm) == "Landmarks(k=2, n_nodes=3)"
