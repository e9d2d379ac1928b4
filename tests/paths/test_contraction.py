"""Customizable contraction hierarchies against Dijkstra, scipy and networkx on random
multigraphs: distances, paths, re-customization, pickling and bad input.

Edge cases and larger networks (TNTP, a 2,500-node road grid) are in
``test_contraction_networks.py``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.errors import NoRouteError
from oracles import nx_distances, path_cost, scipy_distances
from strategies import EXACT, float_graphs, multigraphs, quarters

INF = np.inf

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

GRAPHS = multigraphs(nodes=(1, 40), edges=(0, 120), weight=EXACT, parallel=8,
                     parallel_weight=st.one_of(quarters(), st.just(0.0)))


# ----------------------------------------------------------------------------- oracles


def test_scipy_distances_keeps_zero_weight_edges():
    # the oracle must see a zero edge as an edge and take the cheaper of parallel edges
    d = scipy_distances([0, 1, 1, 2], [1, 2, 2, 2], [0.0, 3.0, 1.0, 0.0], 3, [0])
    assert d.tolist() == [[0.0, 0.0, 1.0]]


def both_customizations(g, weight):
    """The hierarchy of ``g`` (whose edge weights are ``weight``) with perfect
    customization (pruned query arcs, the default) and without, on one topology."""
    h = paths.hierarchy(g)
    basic = h.customize(weight, perfect=False)
    assert h.perfect and not basic.perfect and basic.topology is h.topology
    return h, basic


def sources_and_targets(data, n):
    """More than one batch of sources (lanes are 8), repeated nodes in both."""
    node = st.integers(0, n - 1)
    sources = data.draw(st.lists(node, min_size=9, max_size=40), label="sources")
    targets = data.draw(st.lists(node, min_size=0, max_size=25), label="targets")
    return sources, targets


# ------------------------------------------------------------------------- distances


@SETTINGS
@given(GRAPHS, st.data())
def test_distances_exact_against_dijkstra_scipy_networkx(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    sources, targets = sources_and_targets(data, n)
    full = paths.distances(g, sources)
    np.testing.assert_array_equal(full, scipy_distances(tail, head, weight, n, sources))
    for h in both_customizations(g, weight):
        got = paths.distances(g, sources, hierarchy=h)
        assert got.shape == (len(sources), n)
        np.testing.assert_array_equal(got, full)
        got_t = paths.distances(g, sources, targets, hierarchy=h)
        assert got_t.shape == (len(sources), len(targets))
        np.testing.assert_array_equal(got_t, paths.distances(g, sources, targets))
        np.testing.assert_array_equal(got_t, full[:, targets])
        for i in range(0, len(sources), 13):
            np.testing.assert_array_equal(got[i],
                                          nx_distances(tail, head, weight, n, sources[i]))


@SETTINGS
@given(float_graphs(), st.data())
def test_distances_float_weights_against_dijkstra_and_scipy(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    sources, targets = sources_and_targets(data, n)
    full = paths.distances(g, sources)
    np.testing.assert_allclose(full, scipy_distances(tail, head, weight, n, sources), rtol=1e-12)
    for h in both_customizations(g, weight):
        got = paths.distances(g, sources, hierarchy=h)
        np.testing.assert_allclose(got, full, rtol=1e-12)
        np.testing.assert_array_equal(np.isinf(got), np.isinf(full))
        np.testing.assert_allclose(paths.distances(g, sources, targets, hierarchy=h),
                                   full[:, targets], rtol=1e-12)


def test_distances_with_empty_sources_or_targets():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    h = paths.hierarchy(g)
    assert paths.distances(g, [], hierarchy=h).shape == (0, 3)
    assert paths.distances(g, [], [1], hierarchy=h).shape == (0, 1)
    assert paths.distances(g, [0, 1], [], hierarchy=h).shape == (2, 0)


# ------------------------------------------------------------------------------ paths


def check_paths(g, h, tail, head, weight, pairs, *, same_as_dijkstra=False, exact=True):
    """Every pair: NoRouteError exactly when Dijkstra finds no path, else a walk s -> t
    of input edges costing Dijkstra's distance (the same edges, if asked)."""
    sources = sorted({s for s, _ in pairs})
    row = {s: i for i, s in enumerate(sources)}
    dist = paths.distances(g, sources)
    for s, t in pairs:
        d = dist[row[s], t]
        if d == INF:
            with pytest.raises(NoRouteError, match=f"no path from node {s} to node {t}"):
                paths.shortest_path(g, s, t, hierarchy=h)
            continue
        edges = paths.shortest_path(g, s, t, hierarchy=h)
        assert edges.dtype == np.int64
        if s == t:
            assert edges.tolist() == []
        cost = path_cost(tail, head, weight, edges, s, t)
        if exact:
            assert cost == d, (s, t)
        else:
            assert cost == pytest.approx(d, rel=1e-12), (s, t)
        if same_as_dijkstra:
            assert edges.tolist() == paths.shortest_path(g, s, t).tolist(), (s, t)


def pairs_of(data, n, k=30):
    node = st.integers(0, n - 1)
    return data.draw(st.lists(st.tuples(node, node), min_size=1, max_size=k), label="pairs")


@SETTINGS
@given(GRAPHS, st.data())
def test_paths_are_walks_of_dijkstra_cost(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    pairs = pairs_of(data, n)
    for h in both_customizations(g, weight):
        check_paths(g, h, tail, head, weight, pairs)


@SETTINGS
@given(float_graphs(), st.data())
def test_unique_shortest_paths_are_dijkstras_edges(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    pairs = pairs_of(data, n)
    for h in both_customizations(g, weight):
        check_paths(g, h, tail, head, weight, pairs, same_as_dijkstra=True,
                    exact=False)


def test_parallel_edges_keep_their_own_ids():
    # edges 1 and 2 are both 0 -> 1; edge 2 is cheaper and must be reported as itself
    g = paths.from_arrays([0, 0, 0, 1], [1, 1, 1, 2], [3.0, 5.0, 1.0, 1.0], 3)
    h = paths.hierarchy(g)
    assert paths.shortest_path(g, 0, 2, hierarchy=h).tolist() == [2, 3]
    h2 = h.customize([3.0, 5.0, INF, 1.0])
    assert paths.shortest_path(h2.graph, 0, 2, hierarchy=h2).tolist() == [0, 3]


def test_zero_cost_cycles_and_self_loops():
    # a zero-cost cycle 0 -> 1 -> 2 -> 0, zero self-loops, a zero edge out of the cycle
    tail = [0, 1, 2, 0, 1, 2, 3]
    head = [1, 2, 0, 0, 1, 3, 4]
    weight = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]
    g = paths.from_arrays(tail, head, weight, 5)
    h = paths.hierarchy(g)
    np.testing.assert_array_equal(paths.distances(g, range(5), hierarchy=h),
                                  paths.distances(g, range(5)))
    check_paths(g, h, tail, head, weight, [(s, t) for s in range(5) for t in range(5)])


# ---------------------------------------------------------------------- customization


@settings(SETTINGS, max_examples=30)
@given(GRAPHS, st.data())
def test_customize_agrees_with_dijkstra_on_reweighted_graph(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    m = weight.shape[0]
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    kept = (h.up_w.copy(), h.down_w.copy(), h.how()[0].copy(), h.how()[1].copy())
    few = weight.copy()
    for e in data.draw(st.lists(st.integers(0, max(m - 1, 0)), max_size=3)) if m else []:
        few[e] = data.draw(EXACT)
    vectors = [np.array(data.draw(st.lists(EXACT, min_size=m, max_size=m))), few,
               np.zeros(m), np.full(m, INF)]
    everyone = np.arange(n)
    for i, w in enumerate(vectors):
        h2 = h.customize(w, perfect=i % 2 == 1)
        assert h2.topology is h.topology and h2.perfect == (i % 2 == 1)
        g2 = paths.reweight(g, w)
        ref = paths.distances(g2, everyone)
        np.testing.assert_array_equal(paths.distances(h2.graph, everyone, hierarchy=h2), ref)
        # a separately built graph with equal weights is recognised too
        np.testing.assert_array_equal(paths.distances(g2, everyone, hierarchy=h2), ref)
        fresh = paths.from_arrays(tail, head, w, n)
        np.testing.assert_array_equal(paths.distances(fresh, everyone, hierarchy=h2), ref)
        check_paths(g2, h2, tail, head, w, pairs_of(data, n, k=10))
        if not np.array_equal(w, weight):
            with pytest.raises(ValueError, match="customized for another graph or other"):
                paths.distances(g, [0], hierarchy=h2)
            with pytest.raises(ValueError, match="customized for another graph or other"):
                paths.shortest_path(g2, 0, n - 1, hierarchy=h)
        # customizing back gives the very same arcs as the first customization
        back = h2.customize(weight)
        for a, b in zip(kept, (back.up_w, back.down_w, back.how()[0], back.how()[1]),
                        strict=True):
            np.testing.assert_array_equal(a, b)
    # the first customization was not touched by the later ones
    for a, b in zip(kept, (h.up_w, h.down_w, *h.how()), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(paths.distances(g, everyone, hierarchy=h),
                                  paths.distances(g, everyone))


def test_customize_serial_and_parallel_give_the_same_arcs(monkeypatch):
    import numba

    from connectivity.paths import contraction

    # the parallel kernel runs only on very large graphs by default: force it here
    monkeypatch.setattr(contraction, "_PARALLEL_ARCS", 200_000)

    rng = np.random.default_rng(11)
    n, m = 1500, 6000  # a random graph fills in a lot: enough arcs to customize in parallel
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 12, m) / 4
    weight[rng.random(m) < 0.05] = INF
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    assert h.n_arcs >= contraction._PARALLEL_ARCS
    src = rng.integers(0, n, 20)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = h.customize(weight)
        serial_d = paths.distances(g, src, hierarchy=serial)
    finally:
        numba.set_num_threads(threads)
    for a, b in ((serial.up_w, h.up_w), (serial.down_w, h.down_w),
                 (serial.how()[0], h.how()[0]), (serial.how()[1], h.how()[1]),
                 (serial.up.arc, h.up.arc), (serial.down.arc, h.down.arc),
                 (serial.up.weights, h.up.weights), (serial.down.ptr, h.down.ptr)):
        np.testing.assert_array_equal(a, b)
    # perfect customization only leaves arcs out of the searches
    basic = h.customize(weight, perfect=False)
    for q, full_w in ((h.up, h.up_w), (h.down, h.down_w)):
        assert np.isin(q.arc, np.flatnonzero(full_w < INF)).all()
    # the basic customization searches every arc, at its customized cost (inf: no path)
    np.testing.assert_array_equal(basic.up.arc, np.arange(h.n_arcs))
    np.testing.assert_array_equal(basic.up.weights, h.up_w)
    np.testing.assert_array_equal(basic.down.weights, h.down_w)
    assert (basic.up_w == INF).any()  # closed edges leave arcs the searches must skip
    np.testing.assert_array_equal(paths.distances(g, src, hierarchy=basic), serial_d)
    np.testing.assert_array_equal(serial_d, paths.distances(g, src))
    np.testing.assert_array_equal(paths.distances(g, src, hierarchy=h), serial_d)


def test_hierarchy_is_read_only():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    h = paths.hierarchy(g)
    for a in (h.up_w, h.down_w, *h.how(), h.topology.rank, h.topology.heads):
        assert not a.flags.writeable
    with pytest.raises(AttributeError):
        h.graph = g  # type: ignore[misc]


# -------------------------------------------------------------------------- pickling


def test_pickled_hierarchy_round_trips_and_answers():
    rng = np.random.default_rng(5)
    n, m = 200, 700
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 20, m) / 4
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    assert paths.shortest_path(g, 0, 0, hierarchy=h).tolist() == []  # leaves work buffers
    copy = pickle.loads(pickle.dumps(h))
    assert isinstance(copy, paths.Hierarchy) and copy.perfect
    assert copy.n_arcs == h.n_arcs
    copy.how()  # found again on first use (not pickled), as the path above found h's
    assert copy.nbytes == h.nbytes
    for name in ("rank", "order", "up_ptr", "heads", "parent", "edge_arc"):
        np.testing.assert_array_equal(getattr(copy.topology, name), getattr(h.topology, name))
    ref = paths.distances(g, np.arange(n))
    np.testing.assert_array_equal(paths.distances(copy.graph, np.arange(n), hierarchy=copy),
                                  ref)
    # the worker's copy still answers for the sender's graph (equal weights)
    np.testing.assert_array_equal(paths.distances(g, np.arange(0, n, 7), hierarchy=copy),
                                  ref[::7])
    check_paths(g, copy, tail, head, weight, [(int(s), int(t)) for s, t in
                                              rng.integers(0, n, (40, 2))])
    w2 = np.where(rng.random(m) < 0.2, INF, weight)
    h2 = copy.customize(w2)
    np.testing.assert_array_equal(paths.distances(h2.graph, np.arange(n), hierarchy=h2),
                                  paths.distances(paths.reweight(g, w2), np.arange(n)))


# -------------------------------------------------------------------------- bad input


def test_bad_hierarchy_argument():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    h = paths.hierarchy(g)
    with pytest.raises(ValueError, match="hierarchy must be a Hierarchy .* got str"):
        paths.distances(g, [0], hierarchy="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hierarchy must be a Hierarchy .* got Landmarks"):
        paths.shortest_path(g, 0, 2, hierarchy=paths.landmarks(g, k=1))  # type: ignore
    with pytest.raises(ValueError, match="graph must be a CSRGraph .* got dict"):
        paths.hierarchy({})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hierarchy alone, not with xy or landmarks"):
        paths.shortest_path(g, 0, 2, hierarchy=h, xy=[[0, 0], [1, 0], [2, 0]])
    with pytest.raises(ValueError, match="hierarchy alone, not with xy or landmarks"):
        paths.shortest_path(g, 0, 2, hierarchy=h, landmarks=paths.landmarks(g, k=1))
    with pytest.raises(ValueError, match="sources"):
        paths.distances(g, [3], hierarchy=h)
    with pytest.raises(ValueError, match="targets"):
        paths.distances(g, [0], [-1], hierarchy=h)
    with pytest.raises(ValueError, match="target"):
        paths.shortest_path(g, 0, 5, hierarchy=h)


def test_hierarchy_of_another_graph_is_refused():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    other = paths.from_arrays([1, 2], [0, 1], [1.0, 2.0], 3)  # same sizes, other edges
    h = paths.hierarchy(g)
    for graph in (other, paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 4),
                  paths.reweight(g, [1.0, 2.5])):
        with pytest.raises(ValueError, match="customized for another graph or other weights"):
            paths.distances(graph, [0], hierarchy=h)
        with pytest.raises(ValueError, match="customized for another graph or other weights"):
            paths.shortest_path(graph, 0, 1, hierarchy=h)


def test_customize_rejects_bad_weights_naming_the_edge():
    g = paths.from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    h = paths.hierarchy(g)
    with pytest.raises(ValueError, match=r"has 2 values, expected 3 \(one per edge\)"):
        h.customize([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\[1\] = -1.0 is negative"):
        h.customize([1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match=r"\[2\] is NaN"):
        h.customize([1.0, 1.0, np.nan])
    with pytest.raises(ValueError, match="one-dimensional"):
        h.customize([[1.0, 1.0, 1.0]])
    # a refused vector leaves the hierarchy answering as before
    assert paths.distances(g, [0], [2], hierarchy=h).tolist() == [[2.0]]


@settings(SETTINGS, max_examples=30)
@given(GRAPHS)
def test_how_names_an_input_edge_or_two_lower_arcs_of_the_same_cost(graph):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    topo = h.topology
    for costs, via, direction in ((h.up_w, h.how()[0], "up"), (h.down_w, h.how()[1], "down")):
        for a in np.flatnonzero(np.isfinite(costs)):
            lo, hi = topo.order[topo.tails[a]], topo.order[topo.heads[a]]
            if via[a] >= 0:  # an input edge of this arc, in this direction, of this cost
                e = via[a]
                ends = (lo, hi) if direction == "up" else (hi, lo)
                assert (tail[e], head[e]) == ends and weight[e] == costs[a]
                continue
            k = -1 - int(via[a])
            zx, zy = k >> 32, k & 0xFFFFFFFF
            z = topo.tails[zx]
            assert topo.tails[zy] == z and z < topo.tails[a]
            assert (topo.heads[zx], topo.heads[zy]) == (topo.tails[a], topo.heads[a])
            if direction == "up":  # x -> z -> y
                assert h.down_w[zx] + h.up_w[zy] == costs[a]
            else:  # y -> z -> x
                assert h.down_w[zy] + h.up_w[zx] == costs[a]
