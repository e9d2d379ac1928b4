"""Criticality: the loss of removing each element, against hand-computed answers on the
tiny network and against full re-runs (a Scenario closing the element, everything
assigned again) on the tiny and the bundled networks.

Tiny network (tests/tiny.py; totals by hand in tests/routing/test_routing.py), container
CN_A -> KZ_D, generalized cost per tonne: rail all the way 56.45 (L1, X_RAIL, L3); rail
to B then road across and on 62.34 (L1, X_ROAD, R3); rail, road across, rail 62.64 (L1,
X_ROAD, L3); road all the way 64.24 (R1, X_ROAD, R3); road to B then rail on 82.35
(R1, transfer 4 h + 8 USD, X_RAIL, L3). The urgent commodity (value of time 5 USD/t/h)
takes road all the way: 55.4 + 5 x 8.84 = 99.6; rail all the way would cost
28.2 + 5 x 28.25 = 169.45.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from connectivity import paths
from connectivity.errors import UnknownIdError
from connectivity.scenarios import criticality

RAIL, RAIL_ROAD, RAIL_ROAD_RAIL, ROAD = 56.45, 62.34, 62.64, 64.24
URGENT_ROAD, URGENT_RAIL = 99.6, 169.45


def _demand(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


def _row(result: object, element: str) -> pd.Series:
    table = result.table.set_index("element_id")  # type: ignore[attr-defined]
    return table.loc[element]


@pytest.fixture
def capped_net(tiny_frames):
    cross = tiny_frames["crossings"]
    cross["capacity"] = ["60000", "", ""]
    cross["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**tiny_frames)


@pytest.fixture(scope="module")
def bundled():
    net = cn.load_bundled()
    return cn.compile_network(net), cn.load_bundled_demand(net)


def test_aon_crossings_and_links_by_hand(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000], ["CN_A", "KZ_D", "urgent", 20]])
    r = criticality(tiny_net, demand, elements="crossings")
    assert r.base_cost_usd == pytest.approx(100_000 * RAIL + 20 * URGENT_ROAD)
    # closing the rail crossing sends containers to road across at B
    assert _row(r, "X_RAIL")["delta_cost_usd_per_year"] == pytest.approx(
        100_000 * (RAIL_ROAD - RAIL))
    # closing the road crossing sends the urgent tonnes to rail
    assert _row(r, "X_ROAD")["delta_cost_usd_per_year"] == pytest.approx(
        20 * (URGENT_RAIL - URGENT_ROAD))
    assert _row(r, "X_ROAD")["base_flow_t_per_year"] == 20
    assert _row(r, "X_NEW")["delta_cost_usd_per_year"] == 0  # planned: carries nothing
    assert list(r.table["element_id"]) == ["X_RAIL", "X_ROAD", "X_NEW"]
    assert (r.table["delta_unserved_t_per_year"] == 0).all()
    assert r.n_elements == 3 and r.n_rerouted == 2

    links = criticality(tiny_net, demand, elements="links")
    # without rail A-B, containers go road all the way (road then rail across costs
    # 82.35); the urgent tonnes are on road already
    assert _row(links, "L1")["delta_cost_usd_per_year"] == pytest.approx(
        100_000 * (ROAD - RAIL))
    assert _row(links, "L3")["delta_cost_usd_per_year"] == pytest.approx(
        100_000 * (RAIL_ROAD - RAIL))
    assert _row(links, "L1")["delta_cost_pct"] == pytest.approx(
        100 * 100_000 * (ROAD - RAIL) / links.base_cost_usd)
    assert _row(links, "L1")["cost_usd_per_year"] == pytest.approx(
        links.base_cost_usd + 100_000 * (ROAD - RAIL))


def test_aon_places_and_countries_cut_demand(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    r = criticality(tiny_net, demand, elements="places")
    for place in ("CN_A", "CN_B", "KZ_C", "KZ_D"):  # every route passes all four
        row = _row(r, place)
        assert row["delta_unserved_t_per_year"] == 100_000 and row["od_pairs_cut"] == 1
        assert row["delta_cost_usd_per_year"] == 0  # lost tonnes are not a saving
        assert row["cost_usd_per_year"] == 0 and row["unserved_t_per_year"] == 100_000
    countries = criticality(tiny_net, demand, elements="countries", candidates=["kz"])
    assert list(countries.table["element_id"]) == ["KZ"]
    assert countries.table["delta_unserved_t_per_year"].iloc[0] == 100_000


def test_pairs_find_the_backup(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    r = criticality(tiny_net, demand, elements="crossings", pairs=True)
    both = r.pairs.set_index(["element_a", "element_b"]).loc[("X_RAIL", "X_ROAD")]
    # each alone loses nothing (X_ROAD is the backup of X_RAIL); together they cut A-D
    assert both["delta_unserved_t_per_year"] == 100_000
    assert both["excess_unserved_t_per_year"] == 100_000
    assert r.pairs["element_a"].iloc[0] == "X_RAIL" and len(r.pairs) == 3
    assert criticality(tiny_net, demand, elements="crossings").pairs.empty


def test_so_by_hand_with_a_capacity(capped_net):
    # 60 kt/yr through X_RAIL: 60 kt by rail, 40 kt rail to B then road on
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    base = 60_000 * RAIL + 40_000 * RAIL_ROAD
    r = criticality(capped_net, demand, elements="crossings", method="so")
    assert r.base_cost_usd == pytest.approx(base)
    road = _row(r, "X_ROAD")
    # every remaining route uses X_RAIL: 40 kt/yr go unserved; the 60 kt still served
    # pay what they paid (the lost tonnes come off the dearest route)
    assert road["delta_unserved_t_per_year"] == pytest.approx(40_000)
    assert road["delta_cost_usd_per_year"] == pytest.approx(0, abs=1e-6)
    assert road["base_flow_t_per_year"] == pytest.approx(40_000)
    rail = _row(r, "X_RAIL")
    assert rail["delta_cost_usd_per_year"] == pytest.approx(100_000 * RAIL_ROAD - base)
    links = criticality(capped_net, demand, elements="links", method="so")
    # the 40 kt on road C-D move to rail C-D (rail, road across, rail)
    assert _row(links, "R3")["delta_cost_usd_per_year"] == pytest.approx(
        40_000 * (RAIL_ROAD_RAIL - RAIL_ROAD))
    assert links.table.iloc[0]["element_id"] == "R2"  # cuts 40 kt: ranked first
    assert r.unserved_penalty_usd_per_t is not None and r.unserved_penalty_usd_per_t > 1000


@pytest.mark.parametrize("elements", ["crossings", "links", "places"])
def test_so_equals_a_full_re_solve_on_tiny(capped_net, elements):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000], ["KZ_D", "CN_A", "urgent", 500]])
    r = criticality(capped_net, demand, elements=elements, method="so")
    pen = r.unserved_penalty_usd_per_t
    key = {"crossings": "closed_crossings", "links": "closed_links",
           "places": "closed_places"}[elements]
    for row in r.table.itertuples(index=False):
        full = cn.assign_system_optimum(
            capped_net, demand, scenario=cn.Scenario(**{key: (row.element_id,)}),
            unserved_penalty_usd_per_t=pen)  # the origin-based arc LP, another model
        assert full.solve is not None
        assert row.cost_usd_per_year + pen * row.unserved_t_per_year == pytest.approx(
            full.solve.objective, rel=1e-9)
        assert row.unserved_t_per_year == pytest.approx(full.unserved_t, abs=1e-6)


def _full_aon(comp, demand, scenario):
    """Cost and unserved tonnes of every OD row, each searched again on the scenario's
    costs (the full recomputation criticality avoids)."""
    cost = lost = 0.0
    for k in sorted(set(demand["commodity"])):
        rows = demand[demand["commodity"] == k]
        graph = cn.routing_graph(comp, k, scenario)
        o = np.array([comp.origin_node[p] for p in rows["origin"]])
        d = np.array([comp.destination_node[p] for p in rows["destination"]])
        dist = np.empty(len(rows))
        for origin in np.unique(o).tolist():  # one search at a time: no thread pool to wake
            sel = np.flatnonzero(o == origin)
            dist[sel] = paths.distances(graph, [origin], d[sel])[0]
        t = rows["tonnes_per_year"].to_numpy()
        ok = np.isfinite(dist)
        cost += float(t[ok] @ dist[ok])
        lost += float(t[~ok].sum())
    return cost, lost


def test_aon_rerouting_equals_full_recomputation_for_every_crossing(bundled):
    comp, demand = bundled
    two = demand[demand["commodity"].isin(["container", "bulk_agri"])].reset_index(drop=True)
    r = criticality(comp, two, elements="crossings")
    assert r.n_elements == len(comp.crossing_ids)
    for row in r.table.itertuples(index=False):
        cost, lost = _full_aon(comp, two, cn.Scenario(closed_crossings=(row.element_id,)))
        assert row.cost_usd_per_year == pytest.approx(cost, rel=1e-12), row.element_id
        assert row.unserved_t_per_year == lost, row.element_id
    # and with every commodity, against assign_aon itself for the three most critical
    full = criticality(comp, demand, elements="crossings", top=3)
    assert full.base_cost_usd == pytest.approx(cn.assign_aon(comp, demand).total_cost_usd,
                                               rel=1e-12)
    for row in full.table.itertuples(index=False):
        a = cn.assign_aon(comp, demand, scenario=cn.Scenario(closed_crossings=(row.element_id,)))
        assert row.cost_usd_per_year == pytest.approx(a.total_cost_usd, rel=1e-12)
        assert row.unserved_t_per_year == a.unserved_t
        assert row.delta_cost_usd_per_year > 0


def test_base_flow_is_the_assigned_flow(bundled):
    comp, demand = bundled
    r = criticality(comp, demand, elements="crossings")
    aon = cn.assign_aon(comp, demand)
    flow = aon.crossings.groupby("crossing_id")["flow_t_per_year"].sum()
    got = r.table.set_index("element_id")["base_flow_t_per_year"]
    np.testing.assert_allclose(got.to_numpy(), flow.reindex(got.index).fillna(0).to_numpy())
    # an element without base flow cannot matter: nothing was re-routed for it
    idle = r.table[r.table["base_flow_t_per_year"] == 0]
    assert len(idle) and (idle["delta_cost_usd_per_year"] == 0).all()
    assert r.n_rerouted == len(r.table) - len(idle)


def test_so_equals_a_full_re_solve_on_the_bundled_network(bundled):
    comp, demand = bundled
    # three of the most critical crossings, and one under construction (no base flow)
    some = ["X_SARYAGASH_RAIL", "X_ALASHANKOU_DOSTYK_RAIL", "X_ILETSK_RAIL", "X_TORUGART_RAIL"]
    r = criticality(comp, demand, elements="crossings", method="so", candidates=some)
    pen = r.unserved_penalty_usd_per_t
    for row in r.table.itertuples(index=False):
        full = cn.assign_system_optimum(
            comp, demand, scenario=cn.Scenario(closed_crossings=(row.element_id,)),
            unserved_penalty_usd_per_t=pen, formulation="paths")
        assert full.solve is not None
        assert row.cost_usd_per_year + pen * row.unserved_t_per_year == pytest.approx(
            full.solve.objective, rel=1e-8)
    assert r.n_rerouted == 3
    assert (r.table["delta_cost_usd_per_year"].iloc[:3] > 0).all()
    assert r.table["delta_cost_usd_per_year"].iloc[3] == 0


def test_ports_and_top(bundled):
    comp, demand = bundled
    r = criticality(comp, demand, elements="ports", top=5)
    assert len(r.table) == 5 and r.n_elements > 5
    assert set(r.table["kind"]) == {"port"}
    assert r.table["delta_unserved_t_per_year"].is_monotonic_decreasing
    assert r.seconds_per_element > 0 and r.seconds >= r.base_seconds


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"elements": "bridges"}, "elements='bridges' is not a kind of element; choose one of "
                              "links, crossings, ports, places, countries"),
    ({"method": "ue"}, "method='ue' is not a re-routing method; choose one of aon, so"),
    ({"top": 0}, "top=0 must be a whole number >= 1"),
    ({"pairs": 1}, "pairs=1 must be True, False or a number of elements >= 2"),
    ({"candidates": "X_RAIL"}, "candidates must be a sequence of ids, not the string 'X_RAIL'"),
    ({"candidates": []}, "candidates is empty"),
    ({"candidates": ["X_RAIL", "X_RAIL"]}, "crossing id(s) ['X_RAIL'] given more than once"),
])
def test_bad_options_are_named(tiny_net, kwargs, message):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    options = {"elements": "crossings", **kwargs}
    with pytest.raises((ValueError, TypeError)) as info:
        criticality(tiny_net, demand, **options)
    assert message in str(info.value)


def test_unknown_ids_name_the_nearest(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    with pytest.raises(UnknownIdError, match="unknown crossing 'X_RAL'; did you mean 'X_RAIL'"):
        criticality(tiny_net, demand, elements="crossings", candidates=["X_RAL"])
    with pytest.raises(UnknownIdError, match="unknown link 'L'; did you mean 'L1' or 'L2' or"):
        criticality(tiny_net, demand, elements="links", candidates=["L"])
    with pytest.raises(UnknownIdError, match="place 'KZ_C' is a border_post, not a port"):
        criticality(tiny_net, demand, elements="ports", candidates=["KZ_C"])
    with pytest.raises(UnknownIdError, match="commodity='urgent': the demand has no row"):
        criticality(tiny_net, demand, commodity="urgent")


@pytest.fixture
def tiny_dir(tmp_path, tiny_frames):
    for name, frame in tiny_frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    _demand([["CN_A", "KZ_D", "container", 100_000], ["CN_A", "KZ_D", "urgent", 20]]).to_csv(
        tmp_path / "demand.csv", index=False)
    return tmp_path


def test_cli_json_and_table(tiny_dir, cli):
    common = ("--data", str(tiny_dir), "--demand", str(tiny_dir / "demand.csv"))
    out = json.loads(cli("criticality", "--elements", "crossings", *common, "--pairs",
                         "--format", "json").stdout)
    assert (out["method"], out["elements"], out["n_elements"]) == ("aon", "crossings", 3)
    first = out["ranking"][0]
    assert first["element_id"] == "X_RAIL"
    assert first["delta_cost_usd_per_year"] == pytest.approx(100_000 * (RAIL_ROAD - RAIL))
    assert out["pairs"][0]["element_a"] == "X_RAIL" and out["seconds_per_element"] > 0
    table = cli("criticality", "--elements", "links", "--method", "so", "--top", "2",
                *common).stdout
    lines = table.splitlines()
    assert lines[0].startswith("criticality of links (so, scenario base): 7 evaluated")
    assert lines[2].split()[0] == "element_id" and len(lines) == 6  # two rows
    # --commodity restricts the demand here (no default commodity)
    only = json.loads(cli("criticality", "--elements", "crossings", *common, "--commodity",
                          "urgent", "--format", "json").stdout)
    assert only["ranking"][0]["element_id"] == "X_ROAD"
    csv_out = cli("criticality", "--elements", "crossings", *common, "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("element_id,name,kind,delta_cost_usd_per_year")


def test_cli_bad_ids(tiny_dir, cli):
    common = ("--data", str(tiny_dir), "--demand", str(tiny_dir / "demand.csv"))
    bad = cli("criticality", "--elements", "crossings", "--candidates", "X_RAIL,X_RAL",
              *common, check=False)
    assert bad.returncode == 2
    assert "unknown crossing 'X_RAL'; did you mean 'X_RAIL'?" in bad.stderr
    bad = cli("criticality", "--elements", "ports", *common, "--candidates", "CN_A",
              check=False)
    assert bad.returncode == 2 and "place 'CN_A' is a city, not a port" in bad.stderr
    assert cli("criticality", "--pairs", "1", *common, check=False).returncode == 2


def test_intrazonal_rows_leave_the_ranking_unchanged(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000], ["CN_A", "KZ_D", "urgent", 20]])
    inside = _demand([["CN_A", "CN_A", "container", 1e6], ["KZ_D", "KZ_D", "urgent", 5]])
    a = criticality(tiny_net, pd.concat([demand, inside], ignore_index=True),
                    elements="crossings")
    b = criticality(tiny_net, demand, elements="crossings")
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.base_unserved_t == b.base_unserved_t
