"""Routing on the tiny network, against totals computed by hand (see tests/tiny.py).

Container (value of time 1 USD/t/h), A -> D:
- rail all the way: load 5 h / 6 USD; L1 2.5 h / 2; L2 0.25 h + 10 h dwell + 3 h gauge
  change / 0.2 + 5 fee + 7 gauge change; L3 2.5 h / 2; unload 5 h / 6
  = 28.25 h, 28.2 USD, generalized 56.45, 210 km, 4.2 kg CO2e;
- road all the way: 8.84 h, 55.4 USD, generalized 64.24, 242 km, 24.2 kg;
- rail to B, road across, rail from C: 25.24 h, 37.4 USD, generalized 62.64;
- rail to B, road from B: 16.94 h, 45.4 USD, generalized 62.34.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import connectivity as cn
from connectivity.errors import NoRouteError, UnknownIdError

RAIL = (28.25, 28.2, 56.45)
ROAD = (8.84, 55.4, 64.24)
RAIL_ROAD = (16.94, 45.4, 62.34)
RAIL_ROAD_RAIL = (25.24, 37.4, 62.64)


def _check(r: cn.Route, expected: tuple[float, float, float]) -> None:
    time_h, cost, gc = expected
    assert r.time_h == pytest.approx(time_h)
    assert r.cost_usd_per_t == pytest.approx(cost)
    assert r.generalized_cost_usd_per_t == pytest.approx(gc)


def test_rail_route_with_gauge_change_and_dwell(tiny_net):
    r = cn.route(tiny_net, "CN_A", "KZ_D")
    _check(r, RAIL)
    assert r.distance_km == pytest.approx(210)
    assert r.co2e_kg_per_t == pytest.approx(4.2)
    assert r.modes == ("rail",)
    assert r.crossings == ("X_RAIL",)
    assert r.legs[0].link_ids == ("L1", "L2", "L3")
    assert [t.kind for t in r.transfers] == ["load", "unload"]
    assert (r.legs[0].from_place, r.legs[0].to_place) == ("CN_A", "KZ_D")


def test_totals_are_sums_of_legs_and_transfers(tiny_net):
    r = cn.route(tiny_net, "KZ_D", "CN_A", commodity="urgent")
    for attr in ("time_h", "cost_usd_per_t", "co2e_kg_per_t"):
        total = sum(getattr(x, attr) for x in (*r.legs, *r.transfers))
        assert getattr(r, attr) == pytest.approx(total)


def test_high_value_of_time_takes_road(tiny_net):
    r = cn.route(tiny_net, "Alpha", "Delta", commodity="urgent")
    assert r.modes == ("road",)
    assert r.time_h == pytest.approx(ROAD[0])
    assert r.generalized_cost_usd_per_t == pytest.approx(ROAD[1] + 5 * ROAD[0])


def test_closed_crossing_and_mode_restriction(tiny_net):
    closed = cn.Scenario(closed_crossings=("X_RAIL",))
    _check(cn.route(tiny_net, "CN_A", "KZ_D", scenario=closed), RAIL_ROAD)
    road_only = cn.Scenario(modes=("road",))
    _check(cn.route(tiny_net, "CN_A", "KZ_D", scenario=road_only), ROAD)
    with pytest.raises(NoRouteError, match="no route from 'CN_A' to 'KZ_D'"):
        cn.route(tiny_net, "CN_A", "KZ_D",
                 scenario=cn.Scenario(modes=("rail",), closed_crossings=("X_RAIL",)))


def test_avoided_country_and_unknown_names(tiny_net):
    with pytest.raises(NoRouteError, match="'KZ_D' lies in KZ"):
        cn.route(tiny_net, "CN_A", "KZ_D", scenario=cn.Scenario(avoid_countries=("kz",)))
    with pytest.raises(UnknownIdError,
                       match=r"unknown place 'Delt'; did you mean 'KZ_D' \(Delta\)"):
        cn.route(tiny_net, "CN_A", "Delt")
    with pytest.raises(UnknownIdError, match="unknown commodity 'gold'"):
        cn.route(tiny_net, "CN_A", "KZ_D", commodity="gold")
    with pytest.raises(UnknownIdError, match=r"unknown link id\(s\) \['L9'\]"):
        cn.route(tiny_net, "CN_A", "KZ_D", scenario=cn.Scenario(closed_links=("L9",)))


def test_planned_link_opens_by_year_or_project(tiny_net):
    base = cn.route(tiny_net, "CN_A", "KZ_D")
    assert "N1" not in base.legs[0].link_ids
    r2030 = cn.route(tiny_net, "CN_A", "KZ_D", scenario=cn.Scenario(year=2030))
    # N1: 150 km road, 3 h + 1 h dwell, 30 USD; plus load/unload 2 h, 4 USD.
    assert r2030.legs[0].link_ids == ("N1",)
    assert r2030.time_h == pytest.approx(6.0)
    assert r2030.cost_usd_per_t == pytest.approx(34.0)
    r2029 = cn.route(tiny_net, "CN_A", "KZ_D", scenario=cn.Scenario(year=2029))
    assert r2029.generalized_cost_usd_per_t == pytest.approx(RAIL[2])
    # switching on the link but not its crossing keeps it closed
    half = cn.Scenario(projects=("N1",))
    assert cn.route(tiny_net, "CN_A", "KZ_D", scenario=half).modes == ("rail",)
    both = cn.Scenario(projects=("N1", "X_NEW"))
    assert cn.route(tiny_net, "CN_A", "KZ_D", scenario=both).legs[0].link_ids == ("N1",)


def test_carbon_price_and_factors(tiny_net):
    # road emits 24.2 kg/t, rail 4.2 kg/t; at 1000 USD/t CO2e urgent cargo goes by rail.
    priced = cn.Scenario(carbon_price_usd_per_t_co2e=1000)
    r = cn.route(tiny_net, "CN_A", "KZ_D", commodity="urgent", scenario=priced)
    assert r.generalized_cost_usd_per_t == pytest.approx(
        min(RAIL[1] + 5 * RAIL[0] + 4.2, RAIL_ROAD[1] + 5 * RAIL_ROAD[0] + 14.2,
            ROAD[1] + 5 * ROAD[0] + 24.2)
    )
    fast = cn.Scenario(dwell_factor=0.0)
    assert cn.route(tiny_net, "CN_A", "KZ_D", scenario=fast).time_h == pytest.approx(RAIL[0] - 10)


def test_via(tiny_net):
    # passing through a place does not unload there: the rail route already passes C
    r = cn.route(tiny_net, "CN_A", "KZ_D", via=["KZ_C"])
    _check(r, RAIL)
    assert [t.kind for t in r.transfers] == ["load", "unload"]
    # forcing the road crossing (via C, closed rail crossing) picks the cheapest detour
    r = cn.route(tiny_net, "CN_A", "KZ_D", via=["CN_B", "KZ_C"],
                 scenario=cn.Scenario(closed_crossings=("X_RAIL",)))
    _check(r, RAIL_ROAD)
    with pytest.raises(NoRouteError, match="via"):
        cn.route(tiny_net, "CN_A", "KZ_D", via=["KZ_C"],
                 scenario=cn.Scenario(modes=("rail",), closed_crossings=("X_RAIL",)))


def test_skim_matches_routes(tiny_net):
    places = ["CN_A", "CN_B", "KZ_C", "KZ_D"]
    comp = cn.compile_network(tiny_net)
    s = cn.skim(comp, places)
    assert s.generalized_cost_usd_per_t.shape == (4, 4)
    assert np.all(np.diag(s.time_h) == 0)
    for i, o in enumerate(places):
        for j, d in enumerate(places):
            if o == d:
                continue
            r = cn.route(comp, o, d)
            assert s.generalized_cost_usd_per_t[i, j] == pytest.approx(
                r.generalized_cost_usd_per_t)
            assert s.time_h[i, j] == pytest.approx(r.time_h)
            assert s.distance_km[i, j] == pytest.approx(r.distance_km)
            assert s.cost_usd_per_t[i, j] == pytest.approx(r.cost_usd_per_t)
            assert s.co2e_kg_per_t[i, j] == pytest.approx(r.co2e_kg_per_t)
    frame = s.to_frame()
    assert len(frame) == 16


def test_skim_unreachable_is_inf(tiny_net):
    s = cn.skim(tiny_net, ["CN_A"], ["KZ_D"], scenario=cn.Scenario(closed_places=("KZ_C",)))
    assert math.isinf(s.time_h[0, 0]) and math.isinf(s.generalized_cost_usd_per_t[0, 0])


def test_alternatives_in_cost_order(tiny_net):
    routes = cn.alternatives(tiny_net, "CN_A", "KZ_D", k=4)
    gcs = [r.generalized_cost_usd_per_t for r in routes]
    assert gcs == pytest.approx([RAIL[2], RAIL_ROAD[2], RAIL_ROAD_RAIL[2], ROAD[2]])
    assert routes[1].modes == ("rail", "road")
    assert routes[2].modes == ("rail", "road", "rail")


def test_pareto_routes(tiny_net):
    routes = cn.pareto_routes(tiny_net, "CN_A", "KZ_D")
    got = [(round(r.cost_usd_per_t, 6), round(r.time_h, 6)) for r in routes]
    expected = [RAIL, RAIL_ROAD_RAIL, RAIL_ROAD, ROAD]
    assert got == [(round(c, 6), round(t, 6)) for t, c, _ in expected]
    with pytest.raises(ValueError, match="criteria="):
        cn.pareto_routes(tiny_net, "CN_A", "KZ_D", criteria=["money"])


def test_require_modes_tiny(tiny_net):
    # the cheapest route is all rail; requiring road picks the cheapest route with a
    # road link among all routes, checked against the full list of alternatives
    every = cn.alternatives(tiny_net, "CN_A", "KZ_D", k=50)
    with_road = [r for r in every if "road" in r.modes]
    r = cn.route(tiny_net, "CN_A", "KZ_D", require_modes=["road"])
    assert "road" in r.modes
    assert r.generalized_cost_usd_per_t == pytest.approx(
        with_road[0].generalized_cost_usd_per_t)
    _check(r, RAIL_ROAD)
    both = cn.route(tiny_net, "CN_A", "KZ_D", require_modes=["road", "rail"])
    assert {"road", "rail"} <= set(both.modes)
    alts = cn.alternatives(tiny_net, "CN_A", "KZ_D", k=50, require_modes=["road"])
    assert [a.generalized_cost_usd_per_t for a in alts] == pytest.approx(
        [a.generalized_cost_usd_per_t for a in with_road])
    with pytest.raises(NoRouteError, match="using \\['road'\\]"):
        cn.route(tiny_net, "CN_A", "KZ_D", require_modes=["road"],
                 scenario=cn.Scenario(modes=("rail",)))
    with pytest.raises(UnknownIdError, match="unknown mode 'boat'"):
        cn.route(tiny_net, "CN_A", "KZ_D", require_modes=["boat"])
    with pytest.raises(ValueError, match="give a list"):
        cn.route(tiny_net, "CN_A", "KZ_D", require_modes="road")


def test_alternatives_via_and_across_the_caspian():
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    # oracle: the unconstrained k best, filtered to those that take a ferry
    every = cn.alternatives(comp, "Almaty", "Istanbul", k=200)
    ferry = [r for r in every if "ferry" in r.modes]
    assert len(ferry) >= 5
    got = cn.alternatives(comp, "Almaty", "Istanbul", k=5, require_modes=["ferry"])
    assert [r.generalized_cost_usd_per_t for r in got] == pytest.approx(
        [r.generalized_cost_usd_per_t for r in ferry[:5]])
    # via works with alternatives too: every route passes the place
    via = cn.alternatives(comp, "Almaty", "Istanbul", k=3, via=["Turkmenbashi"])
    links = net.links.set_index("link_id")
    assert len(via) == 3
    for r in via:
        ids = [lid for leg in r.legs for lid in leg.link_ids]
        touched = set(links.loc[ids, "from_place"]) | set(links.loc[ids, "to_place"])
        assert "TM_TURKMENBASHI" in touched
    assert via[0].generalized_cost_usd_per_t == pytest.approx(
        cn.route(comp, "Almaty", "Istanbul", via=["Turkmenbashi"]).generalized_cost_usd_per_t)


def test_pareto_with_required_mode_matches_brute_force(tiny_net):
    # every route from A to D (alternatives with a large k lists them all), keep those
    # with a road link, and filter to the non-dominated ones over (money, time)
    every = cn.alternatives(tiny_net, "CN_A", "KZ_D", k=200)
    assert len(every) < 200
    pts = {(round(r.cost_usd_per_t, 9), round(r.time_h, 9)) for r in every
           if "road" in r.modes}
    front = sorted(p for p in pts
                   if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in pts))
    got = cn.pareto_routes(tiny_net, "CN_A", "KZ_D", require_modes=["road"])
    assert all("road" in r.modes for r in got)
    assert sorted((round(r.cost_usd_per_t, 9), round(r.time_h, 9)) for r in got) == front


@pytest.mark.parametrize(
    ("k", "message"),
    [(2.5, "k must be an integer, got 2.5"), (0, "k=0: ask for 1 to 1000"),
     (10**6, "k=1000000: ask for 1 to 1000"), (True, "k must be an integer, got True")],
)
def test_alternatives_count_is_checked(tiny_net, k, message):
    # before: k=2.5 was reported as "k=7.5" and k=100000 ran for minutes
    with pytest.raises(ValueError, match=message):
        cn.alternatives(tiny_net, "CN_A", "KZ_D", k=k)


def test_scenario_values_are_checked(tiny_net):
    with pytest.raises(UnknownIdError, match=r"unknown country id\(s\) \['XX'\]; the network"):
        cn.route(tiny_net, "CN_A", "KZ_D", scenario=cn.Scenario(avoid_countries=("XX",)))
    with pytest.raises(ValueError, match=r"time_factor\['rail'\]=inf must be a finite"):
        cn.Scenario(time_factor={"rail": math.inf})
    with pytest.raises(ValueError, match="carbon_price_usd_per_t_co2e=nan must be a finite"):
        cn.Scenario(carbon_price_usd_per_t_co2e=math.nan)
    with pytest.raises(ValueError, match="year=2030.5 must be a whole year"):
        cn.Scenario(year=2030.5)
    comp = cn.compile_network(cn.load_bundled())
    with pytest.raises(ValueError, match="year=1990 is before the network's base year 2019"):
        cn.route(comp, "Kashgar", "Tashkent", scenario=cn.Scenario(year=1990))
    assert cn.route(comp, "Kashgar", "Tashkent", scenario=cn.Scenario(year=2019)).time_h > 0
