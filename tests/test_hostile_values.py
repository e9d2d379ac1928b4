"""Random numbers, finite or not, through validation, the kernels and every assignment.

Each example puts one drawn value into one numeric cell of the tiny network (or into the
demand) and runs every assignment method. The outcome must be one of two: a clear error
that names the value, or a result whose flows conserve the demand (served plus unserved
is what was asked, no negative flow). A wrong answer that looks like success fails.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectivity as cn
import oracles
import tiny
from connectivity.errors import ConnectivityError, NetworkValidationError

#: (table, column, row) cells of the tiny network that the model reads as numbers.
CELLS = [
    ("links", "length_km", 0), ("links", "length_km", 4), ("links", "speed_kmh", 1),
    ("links", "time_h", 3), ("links", "risk_usd_per_t", 2), ("links", "capacity", 1),
    ("crossings", "dwell_h", 0), ("crossings", "fee_usd_per_t", 1),
    ("crossings", "capacity", 0), ("transfers", "time_h", 2),
    ("transfers", "cost_usd_per_t", 6), ("transfers", "co2e_kg_per_t", 0),
    ("modes", "cost_usd_per_tkm", 0), ("modes", "speed_kmh", 1),
    ("modes", "co2e_kg_per_tkm", 1), ("commodities", "value_of_time_usd_per_t_h", 0),
    ("places", "lon", 1), ("places", "lat", 2),
]

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, -1.0, 5e-324, 1e154]),
).map(repr)

DEMAND = pd.DataFrame(
    [["CN_A", "KZ_D", "container", 1000.0], ["KZ_D", "CN_A", "container", 400.0],
     ["CN_B", "KZ_D", "urgent", 50.0]],
    columns=["origin", "destination", "commodity", "tonnes_per_year"],
)


def _assignments(net: cn.Network, demand: pd.DataFrame) -> list[cn.Assignment]:
    comp = cn.compile_network(net)
    out = [cn.assign_aon(comp, demand), cn.assign_system_optimum(comp, demand)]
    for commodity in sorted(set(demand["commodity"])):
        rows = demand[demand["commodity"] == commodity].reset_index(drop=True)
        out.append(cn.assign_equilibrium(comp, rows, commodity=commodity, gap=1e-3,
                                         max_iter=200))
    return out


def _check(net: cn.Network, demand: pd.DataFrame, value: str) -> None:
    try:
        results = _assignments(net, demand)
    except (ConnectivityError, ValueError) as exc:
        text = str(exc)
        # a clear error: one that names what is wrong, never an internal index alone
        assert "weight[" not in text and "NaN" not in text, text
        return
    comp = cn.compile_network(net)
    for a in results:
        rows = demand if a.method != "ue" else demand[
            demand["commodity"] == a.commodities[0]].reset_index(drop=True)
        scale = float(rows["tonnes_per_year"].sum())
        assert math.isfinite(a.total_cost_usd), (a.method, value)
        assert oracles.conservation_error(comp, a, rows) <= 1e-6 * max(scale, 1.0), (
            a.method, value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.sampled_from(CELLS), value=VALUES)
def test_a_drawn_value_in_the_network(cell, value):
    table, column, row = cell
    frames = tiny.frames()
    frame = frames[table]
    if column not in frame.columns:
        frame[column] = ""
    if column == "capacity":
        frame["capacity_unit"] = ["t_per_year" if i == row else "" for i in range(len(frame))]
    frame.loc[row, column] = value
    try:
        net = cn.from_frames(**frames)
    except NetworkValidationError as exc:
        assert any(column in p and (value in p or repr(float(value)) in p
                                    or str(float(value)) in p) for p in exc.problems), (
            value, exc.problems)
        return
    _check(net, DEMAND, value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=st.integers(0, 2), value=VALUES)
def test_a_drawn_value_in_the_demand(row, value):
    tiny_net = cn.from_frames(**tiny.frames())
    demand = DEMAND.astype(object).copy()
    demand.loc[row, "tonnes_per_year"] = value
    try:
        table = cn.read_demand(demand, tiny_net)
    except NetworkValidationError as exc:
        assert any("tonnes_per_year" in p for p in exc.problems), exc.problems
        return
    if not (table["tonnes_per_year"] > 0).any():
        return
    _check(tiny_net, table, value)


@pytest.mark.parametrize("factor", ["time_factor", "cost_factor"])
def test_huge_finite_scenario_values_are_named(tiny_net, factor):
    s = cn.Scenario(**{factor: {"rail": 1e308}}, carbon_price_usd_per_t_co2e=1e308)
    try:
        a = cn.assign_aon(tiny_net, DEMAND, scenario=s)
    except ValueError as exc:
        assert "too large" in str(exc)
    else:
        assert np.isfinite(a.edge_cost_by_commodity[np.isfinite(
            a.edge_cost_by_commodity)]).all()
