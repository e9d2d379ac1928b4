"""All-or-nothing loading and the ``method`` rule with a contraction hierarchy, against
Dijkstra's loading; the equilibrium with either method reaches the same flows."""

from __future__ import annotations

import numpy as np
import pytest

from connectivity import paths
from connectivity.assign import equilibrium_problem, user_equilibrium
from connectivity.errors import NoRouteError


def _instance(seed: int, n_max: int = 40) -> tuple[paths.CSRGraph, np.ndarray, np.ndarray,
                                                  np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, n_max))
    m = int(rng.integers(0, 4 * n))
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.random(m) + 0.01  # distinct: one shortest path per pair
    if seed % 3 == 0:
        w[rng.random(m) < 0.2] = np.inf
    g = paths.from_arrays(tail, head, w, n)
    o, d = rng.integers(0, n, 12), rng.integers(0, n, 5)
    q = rng.random((12, 5)) * (rng.random((12, 5)) < 0.7)
    return g, w, o, d, q


@pytest.mark.parametrize("perfect", [True, False])
def test_loading_equals_dijkstras_on_random_multigraphs(perfect: bool) -> None:
    for seed in range(120):
        g, _w, o, d, q = _instance(seed)
        h = paths.hierarchy(g, perfect=perfect)
        q[~np.isfinite(paths.distances(g, o, d, method="dijkstra"))] = 0.0
        want = paths.all_or_nothing(g, o, d, q, method="dijkstra")
        got = paths.all_or_nothing(g, o, d, q, hierarchy=h)
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=f"seed {seed}")


def test_loading_names_an_unreachable_pair() -> None:
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 4)
    h = paths.hierarchy(g)
    with pytest.raises(NoRouteError, match=r"destination node 3 \(destinations\[1\]\)"):
        paths.all_or_nothing(g, [0], [2, 3], [[1.0, 2.0]], hierarchy=h)
    # zero demand to the unreachable node is fine
    flow = paths.all_or_nothing(g, [0], [2, 3], [[1.0, 0.0]], hierarchy=h)
    assert flow.tolist() == [1.0, 1.0]


def test_loading_on_a_larger_grid_with_ties_costs_the_same() -> None:
    # integer weights on a grid: many equal-cost paths; the two loadings may differ,
    # their total cost may not
    rng = np.random.default_rng(5)
    side = 30
    ids = np.arange(side * side).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    w = rng.integers(1, 4, tail.shape[0]).astype(float)
    g = paths.from_arrays(tail, head, w, side * side)
    zones = rng.choice(side * side, 40, replace=False)
    q = rng.random((40, 40))
    want = paths.all_or_nothing(g, zones, zones, q, method="dijkstra")
    got = paths.all_or_nothing(g, zones, zones, q, method="hierarchy")
    assert got @ w == pytest.approx(want @ w, rel=1e-12)
    np.testing.assert_allclose(paths.distances(g, zones, zones, method="hierarchy"),
                               paths.distances(g, zones, zones, method="dijkstra"))


def test_method_rule_and_bad_methods() -> None:
    g, _w, o, d, q = _instance(1)
    with pytest.raises(ValueError, match="method must be one of 'auto', 'dijkstra', "
                                         "'hierarchy', got 'fast'"):
        paths.distances(g, o, method="fast")
    with pytest.raises(ValueError, match="method must be one of"):
        paths.all_or_nothing(g, [], [], np.zeros((0, 0)), method="fast")
    with pytest.raises(ValueError, match="method='dijkstra' with a hierarchy"):
        paths.distances(g, o, hierarchy=paths.hierarchy(g), method="dijkstra")
    # auto: small graphs stay with Dijkstra (no hierarchy is built for them)
    small = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    paths.distances(small, [0] * 40, method="auto")
    assert "cch" not in small._structure_cache
    paths.distances(small, [0], method="hierarchy")
    assert "cch" in small._structure_cache


def test_auto_rule_weighs_the_customization_against_the_searches() -> None:
    from connectivity.paths import contraction

    rng = np.random.default_rng(8)
    # a long two-way road: almost no fill, a customization costs less than one search
    n = 40_000
    ring = paths.from_arrays(np.r_[np.arange(n), (np.arange(n) + 1) % n],
                             np.r_[(np.arange(n) + 1) % n, np.arange(n)],
                             rng.uniform(1, 2, 2 * n), n)
    assert not contraction.auto_picks_hierarchy(ring, 31, "distances")  # too few sources
    assert "cch" not in ring._structure_cache  # nothing was built to decide that
    assert contraction.auto_picks_hierarchy(ring, 32, "distances")
    # a small job (under 100,000 edge visits) never builds one
    short = paths.from_arrays(ring.tails[:1_000] % 500, ring.heads[:1_000] % 500,
                              np.ones(1_000), 500)
    assert not contraction.auto_picks_hierarchy(short, 99, "loads")
    assert "cch" not in short._structure_cache
    # a dense random graph fills in completely: its customization (about n^3 / 6
    # triangles) outweighs a few dozen searches, not thousands
    n, m = 1_000, 20_000
    dense = paths.from_arrays(rng.integers(0, n, m), rng.integers(0, n, m),
                              rng.uniform(1, 2, m), n)
    assert not contraction.auto_picks_hierarchy(dense, 64, "loads")
    tri = dense._structure_cache["cch"].n_triangles
    assert tri > n**3 / 12
    assert contraction.auto_picks_hierarchy(dense, 20 * tri // m, "loads")
    # whatever the rule picks, the distances are Dijkstra's
    src = rng.integers(0, n, 64)
    np.testing.assert_array_equal(paths.distances(dense, src, method="auto"),
                                  paths.distances(dense, src, method="dijkstra"))


def test_reweighted_graphs_share_the_order_and_contraction() -> None:
    g, w, _o, _d, _q = _instance(4)
    h = paths.hierarchy(g)
    g2 = paths.reweight(g, np.where(np.isfinite(w), w * 2.0, w))
    h2 = paths.hierarchy(g2)
    assert h2.topology is h.topology
    assert h2.graph is g2


def test_equilibrium_by_hierarchy_reaches_the_same_flows() -> None:
    rng = np.random.default_rng(3)
    side = 12
    ids = np.arange(side * side).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    fft = rng.uniform(1.0, 3.0, tail.shape[0])
    cap = rng.uniform(20.0, 60.0, tail.shape[0])
    zones = np.sort(rng.choice(side * side, 10, replace=False))
    demand = rng.uniform(0.0, 10.0, (10, 10))
    p = equilibrium_problem(tail, head, fft, cap, zones, zones, demand, n_nodes=side * side)
    by_d = user_equilibrium(p, gap=1e-6, max_iter=3000, method="dijkstra")
    by_h = user_equilibrium(p, gap=1e-6, max_iter=3000, method="hierarchy")
    assert by_d.converged and by_h.converged
    # both within a relative gap of 1e-6 of the same unique optimum (strictly
    # increasing link costs): the objectives agree closely, the flows roughly
    assert by_h.beckmann == pytest.approx(by_d.beckmann, rel=1e-6)
    np.testing.assert_allclose(by_h.flow, by_d.flow, rtol=0.05, atol=0.5)
