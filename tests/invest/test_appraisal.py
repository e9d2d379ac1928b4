"""Project appraisal: NPV, IRR, cash-flow layout, measures and portfolio interaction.

Every expected number is worked out by hand in the test (or by numpy polynomial roots
for rates of return), never by a second call of the code under test.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from connectivity.invest import (
    Benefits,
    ProjectCosts,
    appraise,
    appraise_portfolio,
    cash_flows,
    irr,
    npv,
    rate_of_return,
)


def _polynomial_irrs(flows: list[float]) -> list[float]:
    """Oracle: NPV is a polynomial in v = 1 / (1 + r); its real roots v > 0 give r.

    numpy's companion-matrix roots, each polished by two Newton steps on the polynomial.
    """
    P = np.polynomial.Polynomial(flows)
    dP = P.deriv()
    v = P.roots()
    real = v[np.abs(v.imag) < 1e-7].real
    for _ in range(2):
        real = real - P(real) / dP(real)
    return sorted(1.0 / x - 1.0 for x in real if x > 0)


# --- npv and irr on a series -------------------------------------------------------------

def test_npv_textbook_flow() -> None:
    by_hand = -1000 + 300 / 1.1 + 400 / 1.21 + 500 / 1.331
    assert by_hand == pytest.approx(-21.04, abs=0.005)
    assert npv([-1000, 300, 400, 500], 0.10) == pytest.approx(by_hand, rel=1e-12)
    assert npv([-1000, 300, 400, 500], 0.0) == pytest.approx(200.0)


def test_irr_textbook_flow() -> None:
    flows = [-1000.0, 300.0, 400.0, 500.0]
    rate = irr(flows)
    (oracle,) = _polynomial_irrs(flows)
    assert oracle == pytest.approx(0.08896, abs=5e-6)
    assert rate == pytest.approx(oracle, abs=1e-10)
    assert abs(sum(f / (1 + rate) ** t for t, f in enumerate(flows))) < 1e-8
    found = rate_of_return(flows)
    assert found.roots == (rate,) and found.note == ""


def test_irr_is_nan_without_a_sign_change() -> None:
    for flows in ([100.0, 50.0, 10.0], [-5.0, -1.0], [0.0, 0.0]):
        found = rate_of_return(flows)
        assert math.isnan(found.rate) and found.roots == ()
        assert "never change sign" in found.note
        assert math.isnan(irr(flows))


def test_two_roots_are_ambiguous_not_one_picked() -> None:
    # -100 + 230 v - 132 v^2 = 0 at v = 1/1.1 and v = 1/1.2: NPV is zero at 10 % and 20 %
    flows = [-100.0, 230.0, -132.0]
    assert _polynomial_irrs(flows) == pytest.approx([0.1, 0.2])
    found = rate_of_return(flows)
    assert math.isnan(found.rate)
    assert found.roots == pytest.approx((0.1, 0.2), abs=1e-10)
    assert "ambiguous" in found.note and "2 rates" in found.note
    assert math.isnan(irr(flows))


def test_root_outside_the_scanned_range_is_reported_not_invented() -> None:
    flows = [-1.0, 100.0]  # IRR 9900 %
    found = rate_of_return(flows)
    assert math.isnan(found.rate) and "does not cross zero" in found.note
    assert irr(flows, upper=200.0) == pytest.approx(99.0, rel=1e-10)


def test_one_root_in_range_with_more_sign_changes_carries_a_caveat() -> None:
    # -(1 - 1.1 v)(1 - 21 v) = -1 + 22.1 v - 23.1 v^2: NPV is zero at 10 % and 2000 %,
    # and only the first lies in the default range
    flows = [-1.0, 22.1, -23.1]
    assert _polynomial_irrs(flows) == pytest.approx([0.1, 20.0])
    found = rate_of_return(flows)
    assert found.rate == pytest.approx(0.1, abs=1e-10)
    assert "change sign 2 times" in found.note


def test_long_series_near_minus_one_stays_finite() -> None:
    # at -99 %, 0.01 ** -199 overflows: the scan must scale, not warn (warnings fail tests)
    flows = [-100.0] + [3.0] * 199
    rate = irr(flows)
    assert 0.029 < rate < 0.03  # a 3 % perpetuity costs 100; 199 years cost a bit less
    def at(r: float) -> float:
        return sum(f / (1 + r) ** t for t, f in enumerate(flows))
    assert abs(at(rate)) < 1e-8
    assert at(rate - 1e-6) > 0 > at(rate + 1e-6)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    cost=st.floats(1.0, 1000.0),
    returns=st.lists(st.floats(0.1, 500.0), min_size=1, max_size=25),
)
def test_conventional_irr_matches_polynomial_roots(cost: float, returns: list[float]) -> None:
    flows = [-cost, *returns]
    (oracle,) = _polynomial_irrs(flows)  # one sign change: exactly one positive root
    assume(-0.98 < oracle < 9.9)
    assert irr(flows) == pytest.approx(oracle, rel=1e-7, abs=1e-9)


# --- cash flows -------------------------------------------------------------------------

def test_construction_profile_default_even_and_given() -> None:
    even = cash_flows(ProjectCosts(90.0, lead_time_years=3), 0.0, base_year=2025,
                      horizon_years=5)
    assert even.capital.tolist() == pytest.approx([30.0, 30.0, 30.0, 0.0, 0.0])
    given_ = cash_flows(
        ProjectCosts(200.0, lead_time_years=3, construction_profile=(0.2, 0.5, 0.3)),
        0.0, base_year=2025, horizon_years=5)
    assert given_.capital.tolist() == pytest.approx([40.0, 100.0, 60.0, 0.0, 0.0])
    assert given_.opening_year == 2028
    assert given_.capital.flags.writeable is False


def test_om_and_benefits_start_in_the_opening_year() -> None:
    f = cash_flows(ProjectCosts(10.0, om_per_year=2.0, lead_time_years=2),
                   {"time": 5.0, "money": 1.0}, base_year=2030, horizon_years=4)
    assert f.year.tolist() == [2030, 2031, 2032, 2033]
    assert f.om.tolist() == [0.0, 0.0, 2.0, 2.0]
    assert f.time.tolist() == [0.0, 0.0, 5.0, 5.0]
    assert f.benefits.tolist() == [0.0, 0.0, 6.0, 6.0]


def test_constant_growth() -> None:
    f = cash_flows(ProjectCosts(1.0), Benefits(other=100.0), base_year=2025,
                   horizon_years=4, growth=0.05)
    assert f.other.tolist() == pytest.approx([0.0, 100.0, 105.0, 110.25])


def test_growth_per_year_mapping_is_in_force_from_its_year() -> None:
    f = cash_flows(ProjectCosts(1.0), 100.0, base_year=2025, horizon_years=5,
                   growth={2027: 0.10, 2029: -0.5})
    assert f.other.tolist() == pytest.approx([0.0, 100.0, 110.0, 121.0, 60.5])
    with pytest.raises(ValueError, match="growth starts in 2028, but a value is needed "
                                         "from 2027"):
        cash_flows(ProjectCosts(1.0), 100.0, base_year=2025, horizon_years=5,
                   growth={2028: 0.1})


def test_benefits_given_for_a_later_year_are_grown_back() -> None:
    f = cash_flows(ProjectCosts(1.0), 121.0, base_year=2025, horizon_years=4,
                   growth=0.1, benefit_year=2027)
    assert f.other.tolist() == pytest.approx([0.0, 110.0, 121.0, 133.1])


def test_residual_value_straight_line() -> None:
    # in service 2026-2030: 5 of 20 years used, 3/4 of the capital left
    f = cash_flows(ProjectCosts(100.0, asset_life_years=20.0), 0.0, base_year=2025,
                   horizon_years=6)
    assert f.residual.tolist() == pytest.approx([0.0] * 5 + [75.0])
    worn_out = cash_flows(ProjectCosts(100.0, asset_life_years=4.0), 0.0, base_year=2025,
                          horizon_years=6)
    assert worn_out.residual.tolist() == [0.0] * 6


def test_carbon_in_tonnes_and_money() -> None:
    f = cash_flows(ProjectCosts(1.0), Benefits(co2e_t=1000.0), base_year=2025,
                   horizon_years=4, carbon_price_usd_per_t={2026: 40.0, 2028: 60.0})
    assert f.co2e_t.tolist() == [0.0, 1000.0, 1000.0, 1000.0]
    assert f.co2e.tolist() == [0.0, 40_000.0, 40_000.0, 60_000.0]
    assert np.isnan(f.carbon_price_usd_per_t[0])
    assert f.carbon_price_usd_per_t[1:].tolist() == [40.0, 40.0, 60.0]


# --- appraisal measures -------------------------------------------------------------------

def _hand_case() -> tuple[float, float, float, float]:
    """Capital 100 in 2025; 2026-2029 benefits 30, O&M 5; residual 60 in 2029; 10 %."""
    d = [1 / 1.1, 1 / 1.21, 1 / 1.331, 1 / 1.4641]
    pv_benefits = 30 * sum(d)
    pv_om = 5 * sum(d)
    pv_residual = 100 * (1 - 4 / 10) * d[-1]
    return pv_benefits, 100.0, pv_om, pv_residual


def test_appraisal_against_hand_arithmetic() -> None:
    a = appraise(ProjectCosts(100.0, om_per_year=5.0, asset_life_years=10.0),
                 Benefits(time=20.0, money=10.0), base_year=2025, horizon_years=5, rate=0.10)
    pv_benefits, pv_capital, pv_om, pv_residual = _hand_case()
    pv_costs = pv_capital + pv_om - pv_residual
    assert a.pv_benefits == pytest.approx(pv_benefits)
    assert a.pv_benefits_by_component["time"] == pytest.approx(pv_benefits * 2 / 3)
    assert a.pv_benefits_by_component["money"] == pytest.approx(pv_benefits / 3)
    assert (a.pv_capital, a.pv_om) == pytest.approx((pv_capital, pv_om))
    assert a.pv_residual == pytest.approx(pv_residual)
    assert a.pv_costs == pytest.approx(pv_costs)
    assert a.npv == pytest.approx(pv_benefits - pv_costs)
    assert a.bcr == pytest.approx(pv_benefits / pv_costs)
    assert a.discount_factor.tolist() == pytest.approx([1, 1 / 1.1, 1 / 1.21, 1 / 1.331,
                                                        1 / 1.4641])
    net = [-100.0, 25.0, 25.0, 25.0, 25.0 + 60.0]
    assert a.flows.net.tolist() == pytest.approx(net)
    (oracle,) = _polynomial_irrs(net)
    assert a.eirr == pytest.approx(oracle, abs=1e-10)
    assert a.first_year_return == pytest.approx(30.0 / 100.0)


@pytest.mark.parametrize("benefit", [1.0, 5.0, 10.0, 13.0, 13.5, 20.0, 40.0])
def test_bcr_above_one_exactly_when_npv_positive(benefit: float) -> None:
    a = appraise(ProjectCosts(100.0, om_per_year=2.0, lead_time_years=2,
                              asset_life_years=25.0),
                 benefit, base_year=2025, horizon_years=20, rate=0.06)
    assert (a.bcr > 1) == (a.npv > 0)
    assert a.npv == pytest.approx(a.pv_benefits - a.pv_costs)
    assert a.npv == pytest.approx(npv(a.flows.net, 0.06))
    if a.npv > 0:
        assert a.eirr > 0.06
    elif not math.isnan(a.eirr):
        assert a.eirr < 0.06


def test_payback_years() -> None:
    # -100 in 2025, then +30 a year: cumulative -70, -40, -10, +20 -> 2029
    a = appraise(ProjectCosts(100.0, asset_life_years=50.0), 30.0, base_year=2025,
                 horizon_years=8, rate=0.10)
    assert a.payback_year == 2029
    # discounted: 30/1.1^t summed from t=1 first reaches 100 at t=5 (113.7 > 100 > 95.1)
    assert 30 * sum(1.1 ** -t for t in range(1, 5)) < 100 < 30 * sum(1.1 ** -t
                                                                      for t in range(1, 6))
    assert a.discounted_payback_year == 2030
    # the residual value does not buy payback: 10 a year never repays 100 in 5 years
    never = appraise(ProjectCosts(100.0, asset_life_years=1000.0), 10.0, base_year=2025,
                     horizon_years=6)
    assert never.payback_year is None and never.discounted_payback_year is None
    assert never.flows.residual[-1] > 90.0


def test_delayed_construction_does_not_count_as_paid_back() -> None:
    a = appraise(ProjectCosts(100.0, lead_time_years=2, construction_profile=(0.0, 1.0)),
                 60.0, base_year=2025, horizon_years=5)
    assert a.payback_year == 2028  # cumulative 0, -100, -40, +20, ...


def test_to_dict_is_json_ready() -> None:
    a = appraise(ProjectCosts(100.0), Benefits(time=1.0, co2e_t=10.0), base_year=2025,
                 horizon_years=4, carbon_price_usd_per_t=50.0)
    d = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert d["eirr"] == pytest.approx(a.eirr) and d["eirr_roots"] == [d["eirr"]]
    assert (d["base_year"], d["opening_year"], d["horizon_years"]) == (2025, 2026, 4)
    assert d["payback_year"] == 2026
    assert d["co2e_t_total"] == pytest.approx(30.0)
    assert d["table"]["year"] == [2025, 2026, 2027, 2028]
    assert d["table"]["co2e"] == pytest.approx([0.0, 500.0, 500.0, 500.0])
    assert d["table"]["carbon_price_usd_per_t"] == [50.0] * 4
    assert set(d["pv_benefits_by_component"]) == {"time", "money", "co2e", "other"}


def test_without_capital_the_ratios_are_nan_and_json_null() -> None:
    a = appraise(ProjectCosts(0.0), 5.0, base_year=2025, horizon_years=3)
    assert math.isnan(a.bcr) and math.isnan(a.eirr) and math.isnan(a.first_year_return)
    assert "never change sign" in a.eirr_note
    d = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert d["bcr"] is None and d["eirr"] is None and d["first_year_return"] is None
    assert d["eirr_note"] == a.eirr_note and d["payback_year"] == 2025


# --- bad inputs ---------------------------------------------------------------------------

def _appraise(**kw: object) -> object:
    args: dict[str, object] = {"base_year": 2025, "horizon_years": 10, **kw}
    costs = args.pop("costs", ProjectCosts(100.0, lead_time_years=2))
    benefits = args.pop("benefits", 10.0)
    return appraise(costs, benefits, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ProjectCosts(-1.0), r"capital = -1.0 must be a finite number >= 0"),
    (lambda: ProjectCosts(math.nan), r"capital = nan"),
    (lambda: ProjectCosts(1.0, om_per_year=-2.0), r"om_per_year = -2.0"),
    (lambda: ProjectCosts(1.0, lead_time_years=0), r"lead_time_years = 0 must be an integer >= 1"),
    (lambda: ProjectCosts(1.0, lead_time_years=1.5), r"lead_time_years = 1.5"),
    (lambda: ProjectCosts(1.0, asset_life_years=0.0), r"asset_life_years = 0.0 .* > 0"),
    (lambda: ProjectCosts(1.0, lead_time_years=2, construction_profile=(0.5, 0.4)),
     r"construction_profile = \(0.5, 0.4\) sums to 0.9"),
    (lambda: ProjectCosts(1.0, lead_time_years=2, construction_profile=(0.5, 0.25, 0.25)),
     r"has 3 shares; lead_time_years = 2"),
    (lambda: ProjectCosts(1.0, lead_time_years=2, construction_profile=(-0.5, 1.5)),
     r"construction_profile\[0\] = -0.5"),
    (lambda: _appraise(rate=-1.0), r"rate = -1.0 must be a finite number > -1"),
    (lambda: _appraise(rate=-1.5), r"rate = -1.5"),
    (lambda: _appraise(rate="0.06"), r"rate = '0.06'"),
    (lambda: _appraise(horizon_years=2), r"horizon_years = 2 must exceed lead_time_years = 2"),
    (lambda: _appraise(horizon_years=1), r"horizon_years = 1 must exceed"),
    (lambda: _appraise(base_year=2025.5), r"base_year = 2025.5 must be an integer"),
    (lambda: _appraise(growth=-1.0), r"growth = -1.0 must be a finite number > -1"),
    (lambda: _appraise(growth={2027: math.inf}), r"growth\[2027\] = inf"),
    (lambda: _appraise(carbon_price_usd_per_t=-5.0), r"carbon_price_usd_per_t = -5.0"),
    (lambda: _appraise(benefit_year=2100), r"benefit_year = 2100 must be within the horizon"),
    (lambda: _appraise(benefits={"tme": 1.0}), r"unknown component\(s\) \['tme'\]"),
    (lambda: _appraise(benefits={"time": math.nan}), r"benefits: time = nan"),
    (lambda: npv([], 0.1), r"flows must be a non-empty 1-D series"),
    (lambda: npv([1.0, math.nan], 0.1), r"flows\[1\] = nan must be finite"),
    (lambda: npv([1.0, 2.0], -1.0), r"rate = -1.0"),
    (lambda: irr([-1.0, 2.0], lower=0.5, upper=0.1), r"lower = 0.5 must be below upper = 0.1"),
    (lambda: irr([-1.0, 2.0], lower=-1.0), r"lower = -1.0 must be a finite number > -1"),
])
def test_bad_inputs_name_the_argument(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ValueError, match=r"capital = -1.0 .*; om_per_year = -1.0 .*; "
                                         r"lead_time_years = 0"):
        ProjectCosts(-1.0, om_per_year=-1.0, lead_time_years=0)


# --- portfolio ------------------------------------------------------------------------------

def test_portfolio_interaction_on_two_projects() -> None:
    projects = {"A": ProjectCosts(100.0, om_per_year=1.0), "B": ProjectCosts(80.0)}
    alone = {"A": {"time": 10.0, "money": 5.0}, "B": {"time": 6.0, "co2e_t": 100.0}}
    joint = {"time": 20.0, "money": 4.0, "co2e_t": 100.0}
    p = appraise_portfolio(projects, alone, joint, base_year=2025, horizon_years=6, rate=0.08,
                           carbon_price_usd_per_t=50.0)
    assert p.interaction == Benefits(time=4.0, money=-1.0, co2e_t=0.0, other=0.0)
    # stand-alone A: capital 100, then 15 - 1 a year for 5 years, residual 100 * 25/30
    d = [1.08 ** -t for t in range(6)]
    npv_a = -100 + 14 * sum(d[1:]) + 100 * (1 - 5 / 30) * d[5]
    npv_b = -80 + (6 + 100 * 50) * sum(d[1:]) + 80 * (1 - 5 / 30) * d[5]
    assert p.stand_alone["A"].npv == pytest.approx(npv_a)
    assert p.stand_alone["B"].npv == pytest.approx(npv_b)
    assert p.without_interaction.npv == pytest.approx(npv_a + npv_b)
    # together: 4 - 1 = 3 more a year, 2026-2030
    assert p.npv_interaction == pytest.approx(3 * sum(d[1:]))
    assert p.with_interaction.npv == pytest.approx(npv_a + npv_b + 3 * sum(d[1:]))
    assert p.with_interaction.flows.time.tolist() == [0.0] + [20.0] * 5
    assert p.with_interaction.pv_capital == pytest.approx(180.0)
    assert p.with_interaction.flows.co2e.tolist() == [0.0] + [5000.0] * 5
    json.dumps(p.to_dict(), allow_nan=False)


def test_portfolio_with_unequal_lead_times() -> None:
    projects = {"A": ProjectCosts(10.0), "B": ProjectCosts(10.0, lead_time_years=2)}
    p = appraise_portfolio(projects, {"A": 15.0, "B": 10.0}, 30.0, base_year=2025,
                           horizon_years=5, growth=0.1)
    # benefits are given for 2027, when B opens; A alone opens in 2026 (15 / 1.1 then)
    a_alone = [0.0, 15 / 1.1, 15.0, 16.5, 18.15]
    b_alone = [0.0, 0.0, 10.0, 11.0, 12.1]
    assert p.stand_alone["A"].flows.other.tolist() == pytest.approx(a_alone)
    assert p.without_interaction.flows.other.tolist() == pytest.approx(
        [a + b for a, b in zip(a_alone, b_alone, strict=True)])
    assert p.with_interaction.flows.other.tolist() == pytest.approx(
        [0.0, 15 / 1.1, 30.0, 33.0, 36.3])
    assert p.with_interaction.flows.opening_year == 2027
    assert p.with_interaction.first_year_return == pytest.approx(30.0 / 20.0)


def test_portfolio_ids_must_match() -> None:
    with pytest.raises(ValueError, match=r"missing \['B'\], unknown \['C'\]"):
        appraise_portfolio({"A": ProjectCosts(1.0), "B": ProjectCosts(1.0)},
                           {"A": 1.0, "C": 1.0}, 2.0, base_year=2025, horizon_years=5)
    with pytest.raises(ValueError, match="projects is empty"):
        appraise_portfolio({}, {}, 0.0, base_year=2025, horizon_years=5)
    with pytest.raises(ValueError, match=r"stand_alone_benefits\['A'\] has unknown"):
        appraise_portfolio({"A": ProjectCosts(1.0)}, {"A": {"cash": 1.0}}, 2.0,
                           base_year=2025, horizon_years=5)
