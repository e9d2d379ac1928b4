"""The compiled network: integer codes per edge, masks on them, and compiling once.

The oracles here are written from the expanded edge *table* (strings), independently of
the code arrays: the mask is the rule set of docs/architecture.md applied row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectivity as cn
from connectivity.errors import UnknownIdError
from connectivity.graph import EDGE_KINDS, NO_YEAR, NODE_TERMINALS, compiled
from connectivity.tables import MODES, STATUSES


@pytest.fixture(scope="module")
def bundled() -> cn.CompiledNetwork:
    return cn.compile_network(cn.load_bundled())


def _decode(ids: np.ndarray, codes: np.ndarray) -> list[str]:
    return ["" if c < 0 else str(ids[c]) for c in codes.tolist()]


@pytest.mark.parametrize("which", ["tiny", "bundled"])
def test_codes_map_back_to_the_edge_table(which, tiny_net, bundled):
    comp = bundled if which == "bundled" else cn.compile_network(tiny_net)
    e = comp.edges
    assert _decode(comp.link_ids, comp.edge_link) == e["link_id"].tolist()
    assert _decode(comp.crossing_ids, comp.edge_crossing) == e["crossing_id"].tolist()
    assert _decode(comp.place_ids, comp.edge_from_place) == e["from_place"].tolist()
    assert _decode(comp.place_ids, comp.edge_to_place) == e["to_place"].tolist()
    assert _decode(np.array(MODES, dtype=object), comp.edge_mode) == e["mode"].tolist()
    assert [EDGE_KINDS[k] for k in comp.edge_kind] == e["kind"].tolist()
    assert [NODE_TERMINALS[t] for t in comp.edge_from_terminal] == e["from_terminal"].tolist()
    assert [NODE_TERMINALS[t] for t in comp.edge_to_terminal] == e["to_terminal"].tolist()
    assert [STATUSES[s] for s in comp.edge_status] == e["status"].tolist()
    years = [None if y == NO_YEAR else int(y) for y in comp.edge_year_open.tolist()]
    assert years == [None if pd.isna(y) else int(y) for y in e["year_open"]]
    assert comp.edge_reverse.tolist() == e["reverse"].tolist()
    places = comp.network.places.set_index("place_id")["country"]
    assert _decode(comp.country_ids, comp.place_country) == places.tolist()
    assert _decode(comp.place_ids, comp.node_place) == comp.expanded.nodes["place_id"].tolist()


def test_compiled_arrays_are_read_only(bundled):
    for name in ("edge_kind", "edge_mode", "edge_link", "time_h", "cost_usd_per_t"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(bundled, name)[0] = 0


def test_a_network_is_compiled_once(monkeypatch, tiny_frames):
    net = cn.from_frames(**tiny_frames)
    calls = []
    real = compiled._compile

    def counting(expanded):
        calls.append(1)
        return real(expanded)

    monkeypatch.setattr(compiled, "_compile", counting)
    first = cn.route(net, "CN_A", "KZ_D")
    for _ in range(5):
        assert cn.route(net, "CN_A", "KZ_D") == first
    cn.skim(net, ["CN_A"], ["KZ_D"])
    cn.alternatives(net, "CN_A", "KZ_D", k=2)
    assert len(calls) == 1
    assert cn.compile_network(net) is cn.compile_network(net)
    # another network, even from the same tables, is compiled on its own
    cn.route(cn.from_frames(**tiny_frames), "CN_A", "KZ_D")
    assert len(calls) == 2


# ------------------------------------------------------------------ mask oracle


def _oracle_mask(comp: cn.CompiledNetwork, commodity: str, s: cn.Scenario) -> np.ndarray:
    """The scenario rules applied to the edge table row by row (strings, no codes)."""
    net = comp.network
    row = net.commodities.set_index("commodity").loc[commodity]
    allowed = {m for m in str(row["allowed_modes"]).split(";") if m}
    if s.modes is not None:
        allowed &= set(s.modes)
    projects = net.projects.set_index("project_id")
    links_on, crossings_on = set(), set()
    for pid in s.projects:
        if pid in projects.index:
            ids = [x for x in str(projects.at[pid, "link_ids"] or "").split(";") if x]
            links_on |= set(ids) & set(net.links["link_id"])
            crossings_on |= set(ids) & set(net.crossings["crossing_id"])
            edges = comp.edges
            crossings_on |= set(edges.loc[edges["link_id"].isin(ids), "crossing_id"]) - {""}
        else:
            links_on.add(pid)
            crossings_on.add(pid)
    cross = net.crossings.set_index("crossing_id")
    country = net.places.set_index("place_id")["country"]
    closed_places = set(s.closed_places) | {
        p for p, c in country.items() if c in s.avoid_countries}
    out = []
    for e in comp.edges.itertuples(index=False):
        ok = True
        if e.kind == "transfer":
            ok &= e.from_terminal.split("_")[0] in allowed
            ok &= e.to_terminal.split("_")[0] in allowed
        else:
            ok &= e.mode in allowed
        if e.kind == "link":
            opened = e.status == "existing" or e.link_id in links_on or (
                s.year is not None and not pd.isna(e.year_open) and e.year_open <= s.year)
            ok &= opened
        if e.crossing_id:
            c = cross.loc[e.crossing_id]
            status = c["status"] if c["status"] is not None else "existing"
            c_open = status == "existing" or e.crossing_id in crossings_on or (
                s.year is not None and not pd.isna(c["year_open"]) and c["year_open"] <= s.year)
            ok &= c_open and e.crossing_id not in s.closed_crossings
        ok &= e.link_id not in s.closed_links
        ok &= e.from_place not in closed_places and e.to_place not in closed_places
        out.append(bool(ok))
    return np.array(out)


@st.composite
def scenarios(draw, comp: cn.CompiledNetwork) -> cn.Scenario:
    net = comp.network
    pick = lambda ids, n: draw(st.lists(st.sampled_from(sorted(ids)), max_size=n))  # noqa: E731
    return cn.Scenario(
        year=draw(st.sampled_from([None, 2025, 2027, 2030, 2040])),
        projects=tuple(pick(set(net.projects["project_id"]) | set(net.links["link_id"])
                            | set(net.crossings["crossing_id"]), 4)),
        closed_places=tuple(pick(net.places["place_id"], 3)),
        closed_links=tuple(pick(net.links["link_id"], 4)),
        closed_crossings=tuple(pick(net.crossings["crossing_id"], 3)),
        avoid_countries=tuple(pick(set(net.places["country"]), 2)),
        modes=draw(st.one_of(st.none(), st.lists(st.sampled_from(MODES), min_size=1,
                                                  max_size=3, unique=True).map(tuple))),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mask_matches_the_table_rules(bundled, data):
    s = data.draw(scenarios(bundled))
    commodity = data.draw(st.sampled_from(sorted(bundled.commodity_ids)))
    np.testing.assert_array_equal(cn.edge_mask(bundled, commodity, s),
                                  _oracle_mask(bundled, commodity, s))


def test_mask_matches_the_table_rules_on_the_tiny_network(tiny_net):
    comp = cn.compile_network(tiny_net)
    for s in (cn.Scenario(), cn.Scenario(year=2030), cn.Scenario(projects=("N1",)),
              cn.Scenario(projects=("N1", "X_NEW")), cn.Scenario(avoid_countries=("KZ",)),
              cn.Scenario(modes=("road",), closed_crossings=("X_ROAD",))):
        for k in ("container", "urgent"):
            np.testing.assert_array_equal(cn.edge_mask(comp, k, s), _oracle_mask(comp, k, s))


# ------------------------------------------------------------------ projects


def test_project_id_opens_its_links_and_their_crossing(bundled):
    link = bundled.edges["link_id"].to_numpy() == "RAIL_TACHENG_BAKHTY"
    assert link.any()
    assert not cn.edge_mask(bundled, "container")[link].any()
    # the link alone stays closed: its border crossing is planned too
    by_link = cn.edge_mask(bundled, "container", cn.Scenario(projects=("RAIL_TACHENG_BAKHTY",)))
    assert not by_link[link].any()
    # the project (Bakhty-Ayagoz railway and the Bakhty rail crossing) opens both
    by_project = cn.edge_mask(bundled, "container", cn.Scenario(projects=("P03",)))
    assert by_project[link].all()
    ayagoz = bundled.edges["link_id"].to_numpy() == "RAIL_AYAGOZ_BAKHTY"
    assert by_project[ayagoz].all() and not cn.edge_mask(bundled, "container")[ayagoz].any()
    # and a route can now use them
    rail = cn.Scenario(projects=("P03",), modes=("rail",))
    r = cn.route(bundled, "Tacheng", "Ayagoz", scenario=rail)
    assert [leg.link_ids for leg in r.legs] == [("RAIL_TACHENG_BAKHTY", "RAIL_AYAGOZ_BAKHTY")]
    before = cn.route(bundled, "Tacheng", "Ayagoz", scenario=cn.Scenario(modes=("rail",)))
    assert "RAIL_TACHENG_BAKHTY" not in {x for leg in before.legs for x in leg.link_ids}
    assert before.distance_km > 2 * r.distance_km  # round by Alashankou-Dostyk


def test_unknown_project_id_is_named(bundled):
    message = r"unknown link, crossing or project id\(s\) \['P99'\]"
    with pytest.raises(UnknownIdError, match=message):
        cn.edge_mask(bundled, "container", cn.Scenario(projects=("P99",)))


# ------------------------------------------------------------------ capacity groups


def test_capacity_groups_match_the_tables(bundled):
    groups = bundled.groups
    edges = bundled.edges
    cross = bundled.network.crossings.set_index("crossing_id")
    capped = {c for c, cap, unit in zip(cross.index, cross["capacity"], cross["capacity_unit"],
                                        strict=True) if pd.notna(cap) and unit == "t_per_year"}
    expected = (edges[edges["crossing_id"].isin(capped)]
                .groupby(["crossing_id", "reverse"], sort=True).groups)
    kinds = groups.kind.tolist()
    n_cross = kinds.count("crossing")
    assert kinds == ["crossing"] * n_cross + ["terminal"] * (groups.n_groups - n_cross)
    assert n_cross == len(expected)
    for g, ((cid, rev), index) in enumerate(expected.items()):
        assert str(bundled.crossing_ids[groups.crossing[g]]) == cid
        assert bool(groups.reverse[g]) == rev
        assert groups.members(g).tolist() == sorted(index.tolist())
        assert groups.capacity[g] == float(cross.at[cid, "capacity"])
    nodes = bundled.expanded.nodes
    for g, row in zip(range(n_cross, groups.n_groups),
                      bundled.network.throughput.itertuples(index=False), strict=True):
        node = nodes[(nodes["place_id"] == row.place_id)
                     & (nodes["terminal"] == row.terminal)]["node"].item()
        assert groups.members(g).tolist() == np.flatnonzero(edges["head"] == node).tolist()
        assert (groups.place[g], groups.terminal[g]) == (row.place_id, row.terminal)
