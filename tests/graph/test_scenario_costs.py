"""A scenario's crossing dwell times, dwell factor and risk premiums on the cost vectors.

The oracles are written from the expanded edge *table* and the crossings table, not
from the code arrays the cost functions read.
"""

from __future__ import annotations

import numpy as np
import pytest

import connectivity as cn
from connectivity.errors import UnknownIdError
from connectivity.graph import scenario_attributes


@pytest.fixture(scope="module")
def bundled() -> cn.CompiledNetwork:
    return cn.compile_network(cn.load_bundled())


def _at(comp: cn.CompiledNetwork, crossing: str) -> np.ndarray:
    return (comp.edges["crossing_id"] == crossing).to_numpy()


def test_a_crossing_dwell_replaces_the_tables(bundled):
    comp = bundled
    x = "X_TERMEZ_HAIRATAN_ROAD"
    table = float(comp.network.crossings.set_index("crossing_id").at[x, "dwell_h"])
    base = scenario_attributes(comp, "bulk_agri")["time_h"]  # no service scales its dwell
    new = scenario_attributes(comp, "bulk_agri", cn.Scenario(crossing_dwell_h={x: 2.0}))
    at = _at(comp, x)
    assert at.sum() == 2  # both directions
    np.testing.assert_allclose(new["time_h"][at], base[at] - table + 2.0, rtol=1e-12)
    assert np.array_equal(new["time_h"][~at], base[~at])  # the rest bit for bit
    gc = cn.edge_costs(comp, "bulk_agri", cn.Scenario(crossing_dwell_h={x: 2.0}))
    vot = float(comp.network.commodities.set_index("commodity").at["bulk_agri",
                                                                   "value_of_time_usd_per_t_h"])
    np.testing.assert_allclose(gc[at], cn.edge_costs(comp, "bulk_agri")[at]
                               + vot * (2.0 - table), rtol=1e-12)


def test_dwell_factors_multiply(bundled):
    # a container block train clears at 0.3 of the dwell (services.csv); a scenario's
    # dwell factor multiplies that, so a factor of 0 leaves the line haul alone (before,
    # the two were added and the time fell below the line haul)
    comp = bundled
    x = "X_KHORGOS_ALTYNKOL_RAIL"
    dwell = float(comp.network.crossings.set_index("crossing_id").at[x, "dwell_h"])
    at = _at(comp, x) & (comp.edges["mode"] == "rail").to_numpy()
    base = scenario_attributes(comp, "container")["time_h"][at]
    for factor in (0.0, 0.5, 2.0):
        got = scenario_attributes(comp, "container", cn.Scenario(dwell_factor=factor))
        np.testing.assert_allclose(got["time_h"][at], base - 0.3 * dwell + 0.3 * factor * dwell,
                                   rtol=1e-12)


def test_risk_premiums_add_to_the_edges_of_their_country(bundled):
    comp = bundled
    e = comp.edges
    country = comp.network.places.set_index("place_id")["country"]
    into = e["to_place"].map(country).to_numpy()
    outof = e["from_place"].map(country).to_numpy()
    entering = (((e["kind"] == "link").to_numpy() & (into != outof))
                | (e["kind"] == "load").to_numpy()) & (into == "TM")
    base = scenario_attributes(comp, "container")
    s = cn.Scenario(risk_usd_per_t={"TM": 7.0})
    got = scenario_attributes(comp, "container", s)["risk_usd_per_t"]
    assert entering.sum() > 0
    np.testing.assert_allclose(got - base["risk_usd_per_t"], np.where(entering, 7.0, 0.0),
                               atol=1e-12)

    value = float(comp.network.commodities.set_index("commodity").at["container",
                                                                   "value_usd_per_t"])
    s = cn.Scenario(risk_pct_value_per_day={"TM": 0.24})
    got = scenario_attributes(comp, "container", s)["risk_usd_per_t"]
    # half the edge's time in each end's country, 0.24 % of the value a day
    share = ((into == "TM").astype(float) + (outof == "TM")) / 2 * 0.0024 / 24
    np.testing.assert_allclose(got - base["risk_usd_per_t"], value * base["time_h"] * share,
                               rtol=1e-12, atol=1e-12)
    with_risk, without = cn.edge_costs(comp, "container", s), cn.edge_costs(comp, "container")
    open_ = np.isfinite(without)
    assert np.array_equal(np.isfinite(with_risk), open_)
    np.testing.assert_allclose(with_risk[open_] - without[open_],
                               (value * base["time_h"] * share)[open_], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize(("scenario", "message"), [
    (cn.Scenario(crossing_dwell_h={"X_NOWHERE": 1.0}),
     r"unknown crossing id\(s\) \['X_NOWHERE'\]"),
    (cn.Scenario(risk_usd_per_t={"FR": 1.0}), r"unknown country id\(s\) \['FR'\]"),
])
def test_unknown_ids_are_named(bundled, scenario, message):
    with pytest.raises(UnknownIdError, match=message):
        cn.edge_costs(bundled, "container", scenario)
