"""Select-link: which demand rows send tonnes through an element. Hand-checked on the tiny
network (see test_criticality.py for its route costs); the tonnes through an element sum
to the flow each assignment method puts on it (all-or-nothing and system optimum
exactly, the user equilibrium to rounding of the same run)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import connectivity as cn
from connectivity.errors import UnknownIdError
from connectivity.scenarios import select_link


def _demand(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


TINY = _demand([["CN_A", "KZ_D", "container", 100_000], ["CN_A", "KZ_D", "urgent", 20_000],
                ["KZ_D", "CN_B", "container", 5_000]])


def _crossing_flow(a: cn.Assignment, crossing: str) -> float:
    return float(a.crossings.loc[a.crossings["crossing_id"] == crossing,
                                 "flow_t_per_year"].sum())


def _link_flow(a: cn.Assignment, link: str) -> float:
    return float(a.links.loc[a.links["link_id"] == link, "flow_t_per_year"].sum())


@pytest.fixture
def capped_net(tiny_frames):
    cross = tiny_frames["crossings"]
    cross["capacity"] = ["60000", "", ""]
    cross["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**tiny_frames)


@pytest.fixture
def congested_net(tiny_frames):
    """Capacities on both crossings and on four links: the equilibrium needs many
    iterations, and its loads use different routes."""
    cross = tiny_frames["crossings"]
    cross["capacity"] = ["60000", "30000", ""]
    cross["capacity_unit"] = ["t_per_year", "t_per_year", ""]
    links = tiny_frames["links"]
    links["capacity"] = ["50000", "", "40000", "30000", "", "20000", ""]
    links["capacity_unit"] = ["t_per_year", "", "t_per_year", "t_per_year", "",
                              "t_per_year", ""]
    return cn.from_frames(**tiny_frames)


@pytest.fixture(scope="module")
def bundled():
    net = cn.load_bundled()
    return cn.compile_network(net), cn.load_bundled_demand(net)


def test_aon_by_hand(tiny_net):
    # containers A -> D by rail (56.45 < 62.34); urgent A -> D by road (99.6 < 169.45);
    # containers D -> B by road: 3 + 24.2 + 7.64 + 3 = 37.84 against rail's 51.95
    rail = select_link(tiny_net, TINY, "X_RAIL")
    assert (rail.kind, rail.name, rail.exact) == ("crossing", "B-C rail", True)
    assert rail.table[["origin", "destination", "commodity"]].values.tolist() == [
        ["CN_A", "KZ_D", "container"]]
    assert rail.table["share_of_od"].tolist() == [1.0]
    road = select_link(tiny_net, TINY, "X_ROAD")
    assert road.table[["commodity", "through_t_per_year"]].values.tolist() == [
        ["urgent", 20_000.0], ["container", 5_000.0]]
    assert road.through_t_per_year == 25_000
    # every route passes border post KZ_C: each tonne counted once, not in and out
    place = select_link(tiny_net, TINY, "KZ_C")
    assert place.kind == "place" and place.through_t_per_year == 125_000
    assert select_link(tiny_net, TINY, "kz").kind == "country"
    assert select_link(tiny_net, TINY, "X_NEW").table.empty


def test_so_by_hand(capped_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    rail = select_link(capped_net, demand, "X_RAIL", method="so")
    assert rail.table["through_t_per_year"].tolist() == pytest.approx([60_000])
    assert rail.table["share_of_od"].tolist() == pytest.approx([0.6])
    road = select_link(capped_net, demand, "R2", method="so")
    assert road.through_t_per_year == pytest.approx(40_000) and road.exact


def test_aon_and_so_sum_to_the_assigned_flow(bundled):
    comp, demand = bundled
    aon = cn.assign_aon(comp, demand)
    so = cn.assign_system_optimum(comp, demand, formulation="paths")
    busiest = aon.crossings.groupby("crossing_id")["flow_t_per_year"].sum().nlargest(4)
    for crossing in busiest.index:
        r = select_link(comp, demand, crossing)
        assert r.through_t_per_year == pytest.approx(_crossing_flow(aon, crossing), rel=1e-12)
        assert (r.table["share_of_od"] <= 1 + 1e-12).all()
        s = select_link(comp, demand, crossing, method="so")
        assert s.through_t_per_year == pytest.approx(_crossing_flow(so, crossing), rel=1e-9)
    link = "RAIL_LANZHOU_TURPAN"
    assert select_link(comp, demand, link).through_t_per_year == pytest.approx(
        _link_flow(aon, link), rel=1e-12)
    port = select_link(comp, demand, "KZ_AKTAU")
    assert port.kind == "port"


def test_ue_decomposes_the_equilibrium_flow(congested_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000], ["CN_B", "KZ_D", "container", 30_000],
                      ["CN_A", "KZ_C", "container", 20_000], ["CN_A", "KZ_D", "urgent", 10_000]])
    a = cn.assign_equilibrium(congested_net, demand)
    assert a.relative_gap is not None and len(a.relative_gap) > 10  # many loads mixed
    for element, flow in (("X_RAIL", _crossing_flow(a, "X_RAIL")),
                          ("X_ROAD", _crossing_flow(a, "X_ROAD")),
                          ("L1", _link_flow(a, "L1")), ("R3", _link_flow(a, "R3"))):
        r = select_link(congested_net, demand, element, method="ue")
        assert not r.exact and r.relative_gap == pytest.approx(a.relative_gap[-1])
        # the same run, its loads re-traced: equal up to rounding
        assert r.through_t_per_year == pytest.approx(flow, rel=1e-9), element
        assert 0 < r.through_t_per_year
    # one class: an OD pair's commodities share its paths, in proportion to their tonnes
    rail = select_link(congested_net, demand, "X_RAIL", method="ue").table
    shares = rail[(rail["origin"] == "CN_A") & (rail["destination"] == "KZ_D")]["share_of_od"]
    assert len(shares) == 2 and shares.iloc[0] == pytest.approx(shares.iloc[1])
    assert 0 < shares.iloc[0] < 1  # the queue at X_RAIL splits the pair


def test_bad_input_is_named(tiny_net, tiny_frames):
    with pytest.raises(UnknownIdError, match="unknown element 'X_RAL' .*did you mean 'X_RAIL'"):
        select_link(tiny_net, TINY, "X_RAL")
    with pytest.raises(UnknownIdError, match="unknown crossing 'L1'; did you mean"):
        select_link(tiny_net, TINY, "L1", kind="crossings")
    with pytest.raises(ValueError, match="method='best' is not an assignment method"):
        select_link(tiny_net, TINY, "X_RAIL", method="best")
    with pytest.raises(ValueError, match="commodity='urgent' is the class of the user eq"):
        select_link(tiny_net, TINY, "X_RAIL", commodity="urgent")
    # an id that is both a link and a crossing needs kind=
    tiny_frames["crossings"].loc[1, "crossing_id"] = "R2"
    both = cn.from_frames(**tiny_frames)
    with pytest.raises(ValueError, match="'R2' is the id of a link and a crossing; say which"):
        select_link(both, TINY, "R2")
    assert select_link(both, TINY, "R2", kind="crossings").kind == "crossing"


@pytest.fixture
def tiny_dir(tmp_path, tiny_frames):
    for name, frame in tiny_frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    TINY.to_csv(tmp_path / "demand.csv", index=False)
    return tmp_path


def test_cli(tiny_dir, cli):
    common = ("--data", str(tiny_dir), "--demand", str(tiny_dir / "demand.csv"))
    out = json.loads(cli("select-link", "X_ROAD", *common, "--format", "json").stdout)
    assert (out["kind"], out["method"], out["exact"]) == ("crossing", "aon", True)
    assert out["through_t_per_year"] == 25_000
    assert [f["commodity"] for f in out["flows"]] == ["urgent", "container"]
    ue = json.loads(cli("select-link", "X_RAIL", *common, "--method", "ue",
                        "--format", "json").stdout)
    assert ue["exact"] is False and ue["relative_gap"] is not None
    table = cli("select-link", "KZ_C", *common, "--top", "1").stdout.splitlines()
    assert table[0].startswith("select-link place KZ_C (Charlie), aon")
    assert "0.125 Mt/yr through it from 3 demand rows (exact)" in table[0]
    assert table[1].split()[-1] == "share_pct" and table[3].split()[-1] == "100.0"
    assert len(table) == 4  # heading, column names, rule, one row
    bad = cli("select-link", "X_RAL", *common, check=False)
    assert bad.returncode == 2 and "did you mean 'X_RAIL'?" in bad.stderr
    bad = cli("select-link", "X_RAIL", *common, "--commodity", "urgent", check=False)
    assert bad.returncode == 2 and "class of the user equilibrium" in bad.stderr
