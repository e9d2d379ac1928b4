"""Flows on the tiny network against hand-computed answers, and on the bundled data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
import oracles
from connectivity.errors import NetworkValidationError
from connectivity.optimize import SolveStatus

RAIL_GC, RAIL_ROAD_GC, ROAD_GC = 56.45, 62.34, 64.24  # see test_routing.py


def _demand(rows):
    return pd.DataFrame(rows, columns=["origin", "destination", "commodity", "tonnes_per_year"])


@pytest.fixture
def capped_net(tiny_frames):
    cross = tiny_frames["crossings"]
    cross["capacity"] = ["60000", "", ""]
    cross["capacity_unit"] = ["t_per_year", "", ""]
    return cn.from_frames(**tiny_frames)


def _link_flow(a: cn.Assignment, link_id: str, reverse: bool = False) -> float:
    sel = a.links[(a.links.link_id == link_id) & (a.links.reverse == reverse)]
    return float(sel["flow_t_per_year"].sum())


def test_aon_loads_the_cheapest_route(capped_net):
    a = cn.assign_aon(capped_net, _demand([["CN_A", "KZ_D", "container", 100_000]]))
    assert _link_flow(a, "L1") == pytest.approx(100_000)
    assert _link_flow(a, "L2") == pytest.approx(100_000)
    assert _link_flow(a, "R1") == 0
    assert a.total_cost_usd == pytest.approx(100_000 * RAIL_GC)
    assert a.total_tkm == pytest.approx(100_000 * 210)
    cross = a.crossings.set_index(["crossing_id", "from_place"])
    assert cross.at[("X_RAIL", "CN_B"), "flow_t_per_year"] == pytest.approx(100_000)
    assert cross.at[("X_RAIL", "CN_B"), "utilisation"] == pytest.approx(100 / 60)


def test_system_optimum_respects_crossing_capacity(capped_net):
    a = cn.assign_system_optimum(capped_net, _demand([["CN_A", "KZ_D", "container", 100_000]]))
    assert a.solve is not None and a.solve.status is SolveStatus.OPTIMAL
    assert _link_flow(a, "L2") == pytest.approx(60_000)
    # the other 40 t take the next cheapest route: rail to B, then road across
    assert _link_flow(a, "R2") == pytest.approx(40_000)
    assert a.total_cost_usd == pytest.approx(60_000 * RAIL_GC + 40_000 * RAIL_ROAD_GC)
    binding = a.binding()
    assert list(binding["id"]) == ["X_RAIL"]
    # one more tonne of capacity at the rail crossing saves the route cost difference
    assert binding["shadow_price_usd_per_t"].iloc[0] == pytest.approx(RAIL_ROAD_GC - RAIL_GC)
    assert a.unserved_t == 0


def test_system_optimum_unserved_when_no_route(capped_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    closed = cn.Scenario(modes=("rail",))
    a = cn.assign_system_optimum(capped_net, demand, scenario=closed,
                                 unserved_penalty_usd_per_t=1000.0)
    assert a.unserved_t == pytest.approx(40_000)
    assert _link_flow(a, "L2") == pytest.approx(60_000)
    aon = cn.assign_aon(capped_net, demand, scenario=cn.Scenario(closed_places=("KZ_C",)))
    assert aon.unserved_t == pytest.approx(100_000) and aon.edge_flow_t.sum() == 0


def test_system_optimum_equals_aon_without_binding_capacity(tiny_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000], ["KZ_D", "CN_B", "urgent", 30]])
    so = cn.assign_system_optimum(tiny_net, demand)
    aon = cn.assign_aon(tiny_net, demand)
    assert so.total_cost_usd == pytest.approx(aon.total_cost_usd)
    np.testing.assert_allclose(so.edge_flow_t, aon.edge_flow_t, atol=1e-6)


def test_equilibrium_splits_at_a_congested_crossing(capped_net):
    demand = _demand([["CN_A", "KZ_D", "container", 100_000]])
    a = cn.assign_equilibrium(capped_net, demand, gap=1e-6, max_iter=2000)
    assert a.relative_gap is not None and a.relative_gap[-1] <= 1e-6
    rail, detour = _link_flow(a, "L2"), _link_flow(a, "R2")
    assert rail + detour == pytest.approx(100_000, rel=1e-6)
    assert 0 < detour < 100_000  # the queue at the rail crossing pushes some cargo to road
    # Wardrop: both routes are used, so at the congested costs they cost the same
    cost = a.edge_cost_by_commodity[:, 0]
    routes = cn.alternatives(capped_net, "CN_A", "KZ_D", k=2)
    assert [r.modes for r in routes] == [("rail",), ("rail", "road")]
    rail_cost, detour_cost = (float(cost[list(r.edges)].sum()) for r in routes)
    assert rail_cost == pytest.approx(detour_cost, rel=1e-5)
    assert rail_cost > RAIL_ROAD_GC - 1e-6  # the queue made rail as dear as the detour
    uncongested = cn.assign_equilibrium(
        capped_net, _demand([["CN_A", "KZ_D", "container", 100]]), gap=1e-6)
    # 100 t at a 60,000 t/year crossing: a short queue, so all of it stays on rail
    assert _link_flow(uncongested, "L2") == pytest.approx(100)


def test_bad_demand_lists_every_problem(tiny_net):
    bad = _demand([["CN_A", "KZ_X", "container", 10], ["CN_A", "KZ_D", "gold", -1],
                   ["CN_A", "CN_A", "container", "lots"]])
    with pytest.raises(NetworkValidationError) as info:
        cn.assign_aon(tiny_net, bad)
    text = str(info.value)
    for piece in ("destination='KZ_X' is not a known place id", "commodity='gold' is unknown",
                  "tonnes_per_year=-1", "tonnes_per_year='lots' is not a finite number"):
        assert piece in text
    assert "same place" not in text  # a place to itself is intrazonal, not an error


@pytest.mark.parametrize("method", ["aon", "so", "ue"])
def test_intrazonal_rows_are_reported_and_not_routed(tiny_net, method):
    routed = [["CN_A", "KZ_D", "container", 100]]
    inside = [["CN_A", "CN_A", "container", 40], ["KZ_D", "KZ_D", "container", 2]]
    run = {"aon": cn.assign_aon, "so": cn.assign_system_optimum,
           "ue": cn.assign_equilibrium}[method]
    a = run(tiny_net, _demand(routed + inside))
    b = run(tiny_net, _demand(routed))
    assert a.intrazonal_t == 42.0 and b.intrazonal_t == 0.0
    assert a.intrazonal[["origin", "tonnes_per_year"]].values.tolist() == [["CN_A", 40.0],
                                                                           ["KZ_D", 2.0]]
    np.testing.assert_allclose(a.edge_flow_t, b.edge_flow_t)
    assert (a.total_cost_usd, a.unserved_t) == (pytest.approx(b.total_cost_usd), 0.0)


def test_only_intrazonal_demand_is_refused_with_its_total(tiny_net):
    with pytest.raises(ValueError, match=r"1 intrazonal row\(s\), 40 t, stay in their place"):
        cn.assign_aon(tiny_net, _demand([["CN_A", "CN_A", "container", 40]]))


def test_bundled_demand_flows():
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    assert demand["tonnes_per_year"].sum() > 1e7
    aon = cn.assign_aon(comp, demand)
    so = cn.assign_system_optimum(comp, demand)
    assert so.solve is not None and so.solve.status is SolveStatus.OPTIMAL
    served = demand["tonnes_per_year"].sum() - so.unserved_t
    assert served > 0
    assert aon.unserved_t == 0
    # capacities can only make the served tonnes dearer than on their cheapest routes
    assert so.total_cost_usd >= aon.total_cost_usd * served / demand["tonnes_per_year"].sum() - 1
    # and flow never exceeds a capacity
    crossings = so.crossings.dropna(subset=["utilisation"])
    assert (crossings["utilisation"] <= 1 + 1e-6).all()


def test_system_optimum_respects_terminal_throughput(tiny_frames):
    # the rail route enters C's 1520 mm terminal; cap what it handles at 60 kt/yr.
    # Both directions count: 10 kt/yr going back D -> A by rail use it too.
    tiny_frames["throughput"] = pd.DataFrame({
        "place_id": ["KZ_C"], "terminal": ["rail_1520"], "capacity": ["60000"],
        "capacity_unit": ["t_per_year"], "name": ["C rail yard"], "source": ["test"]})
    net = cn.from_frames(**tiny_frames)
    demand = _demand([["CN_A", "KZ_D", "container", 100_000],
                      ["KZ_D", "CN_A", "container", 10_000]])
    aon = cn.assign_aon(net, demand)
    term = aon.terminals.set_index("place_id")
    assert term.at["KZ_C", "flow_t_per_year"] == pytest.approx(110_000)
    assert term.at["KZ_C", "utilisation"] == pytest.approx(110 / 60)
    assert np.isnan(term.at["KZ_C", "shadow_price_usd_per_t"])
    so = cn.assign_system_optimum(net, demand)
    assert so.solve is not None and so.solve.status is SolveStatus.OPTIMAL
    assert so.terminals.at[0, "flow_t_per_year"] == pytest.approx(60_000)
    # 50 kt/yr move to rail to B then road across (which avoids C's rail yard); both
    # directions cost the same, so only the split between them is free
    rail_t = _link_flow(so, "L3") + _link_flow(so, "L3", reverse=True)
    assert rail_t == pytest.approx(60_000)
    assert so.total_cost_usd == pytest.approx(60_000 * RAIL_GC + 50_000 * RAIL_ROAD_GC)
    binding = so.binding()
    assert list(binding["kind"]) == ["terminal"]
    assert list(binding["id"]) == ["KZ_C/rail_1520"]
    assert binding["shadow_price_usd_per_t"].iloc[0] == pytest.approx(RAIL_ROAD_GC - RAIL_GC)


def test_bundled_terminals_in_system_optimum():
    net = cn.load_bundled()
    assert {"KZ_AKTAU", "KZ_KURYK", "AZ_ALAT_PORT"} <= set(net.throughput["place_id"])
    a = cn.assign_system_optimum(net, cn.load_bundled_demand(net))
    assert a.solve is not None and a.solve.status is SolveStatus.OPTIMAL
    t = a.terminals.set_index("place_id")
    assert (t["flow_t_per_year"] <= t["capacity_t_per_year"] * (1 + 1e-9)).all()
    # Alat handles what the three ferries land there (and load there)
    ferries = a.links[(a.links["mode"] == "ferry")]
    assert t.at["AZ_ALAT_PORT", "flow_t_per_year"] == pytest.approx(
        ferries["flow_t_per_year"].sum(), rel=1e-9)


def test_equilibrium_honours_closures_as_all_or_nothing_does():
    # before: closed edges cost 1e12 but stayed in the graph, so equilibrium pushed the
    # demand across Kazakhstan anyway, "converged" at a total of 1.8e19, nothing unserved
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    containers = demand[demand["commodity"] == "container"].reset_index(drop=True)
    no_kz = cn.Scenario(name="no KZ", avoid_countries=("KZ",))
    aon = cn.assign_aon(comp, containers, scenario=no_kz)
    ue = cn.assign_equilibrium(comp, containers, scenario=no_kz, gap=1e-3)
    closed = ~cn.edge_mask(comp, "container", no_kz)
    assert ue.edge_flow_t[closed].max() == 0.0
    assert aon.unserved_t > 0
    assert ue.unserved_t == pytest.approx(aon.unserved_t)
    assert (set(map(tuple, ue.unserved[["origin", "destination"]].to_numpy()))
            == set(map(tuple, aon.unserved[["origin", "destination"]].to_numpy())))
    assert np.isfinite(ue.total_cost_usd) and ue.total_cost_usd < 1e13
    assert ue.relative_gap is not None and np.isfinite(ue.relative_gap[-1])
    assert oracles.conservation_error(comp, ue, containers) <= 1e-6 * containers[
        "tonnes_per_year"].sum()


def test_equilibrium_with_mode_restrictions_uses_only_allowed_modes():
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    rail = cn.Scenario(name="rail only", modes=("rail",))
    ue = cn.assign_equilibrium(comp, demand, scenario=rail, gap=1e-3)
    links = ue.links[ue.links["flow_t_per_year"] > 0]
    assert set(links["mode"]) == {"rail"}
    assert oracles.conservation_error(comp, ue, demand) <= 1e-6 * demand[
        "tonnes_per_year"].sum()


@pytest.mark.parametrize("method", ["aon", "so", "ue"])
def test_no_demand_is_a_clear_error(tiny_net, method):
    assign = {"aon": cn.assign_aon, "so": cn.assign_system_optimum,
              "ue": cn.assign_equilibrium}[method]
    empty = _demand([])
    with pytest.raises(ValueError, match="no demand to assign"):
        assign(tiny_net, empty)
