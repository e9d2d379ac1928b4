"""Tests of the shortest-path core: hand-checked graphs, scipy/networkx oracles, path costs."""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.errors import NoRouteError
from oracles import nx_distances, path_cost, scipy_distances
from strategies import multigraphs, quarters

INF = np.inf

# ----------------------------------------------------------------------------- helpers


def reference_aon(tail, head, weight, n, origins, destinations, demand):
    """Pure-Python loading: for every OD pair, walk back a shortest-path tree."""
    g = paths.from_arrays(tail, head, weight, n)
    flow = np.zeros(len(tail))
    for i, o in enumerate(origins):
        dist, pred = paths.shortest_path_tree(g, o)
        for j, d in enumerate(destinations):
            q = demand[i][j]
            if q <= 0:
                continue
            assert dist[d] < INF
            v = d
            while v != o:
                e = pred[v]
                flow[e] += q
                v = tail[e]
    return flow


# --------------------------------------------------------------------- hand-checked


def test_parallel_edges_cheaper_one_chosen():
    #  edge 0: 0->1 w5, edge 1: 0->1 w2, edge 2: 1->2 w1, edge 3: 0->1 w3
    g = paths.from_arrays([0, 0, 1, 0], [1, 1, 2, 1], [5.0, 2.0, 1.0, 3.0], 3)
    assert g.n_edges == 4
    assert paths.distances(g, [0]).tolist() == [[0.0, 2.0, 3.0]]
    assert paths.shortest_path(g, 0, 2).tolist() == [1, 2]
    dist, pred = paths.shortest_path_tree(g, 0)
    assert pred.tolist() == [-1, 1, 2]
    flow = paths.all_or_nothing(g, [0], [2], [[7.0]])
    assert flow.tolist() == [0.0, 7.0, 7.0, 0.0]


def test_zero_weight_edges():
    g = paths.from_arrays([0, 1, 2, 0], [1, 2, 3, 3], [0.0, 0.0, 0.0, 0.5], 4)
    assert paths.distances(g, [0]).tolist() == [[0.0, 0.0, 0.0, 0.0]]
    assert paths.shortest_path(g, 0, 3).tolist() == [0, 1, 2]


def test_zero_weight_cycle_terminates():
    g = paths.from_arrays([0, 1, 1, 2], [1, 0, 2, 0], [0.0, 0.0, 1.0, 0.0], 3)
    assert paths.distances(g, [2, 0]).tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert paths.shortest_path(g, 2, 1).tolist() == [3, 0]


def test_unreachable_and_isolated_node():
    g = paths.from_arrays([0, 2], [1, 1], [1.0, 1.0], 4)
    d = paths.distances(g, [0])
    assert d.tolist() == [[0.0, 1.0, INF, INF]]
    dist, pred = paths.shortest_path_tree(g, 0)
    assert pred.tolist() == [-1, 0, -1, -1]
    with pytest.raises(NoRouteError, match="no path from node 0 to node 2"):
        paths.shortest_path(g, 0, 2)
    with pytest.raises(NoRouteError, match="no path from node 1 to node 3"):
        paths.shortest_path(g, 1, 3)


def test_inf_edge_is_closed():
    g = paths.from_arrays([0, 0, 1], [1, 2, 2], [1.0, INF, 1.0], 3)
    assert paths.shortest_path(g, 0, 2).tolist() == [0, 2]
    closed = paths.reweight(g, [INF, INF, 1.0])
    assert paths.distances(closed, [0]).tolist() == [[0.0, INF, INF]]
    with pytest.raises(NoRouteError):
        paths.shortest_path(closed, 0, 2)


def test_source_equals_target():
    g = paths.from_arrays([0], [1], [1.0], 2)
    out = paths.shortest_path(g, 1, 1)
    assert out.dtype == np.int64 and out.size == 0


def test_reweight_shares_structure():
    g = paths.from_arrays([1, 0, 0], [2, 1, 1], [1.0, 4.0, 3.0], 3)
    h = paths.reweight(g, [1.0, 2.0, 9.0])
    for name in ("indptr", "heads", "edge_index", "tails", "rev_indptr", "rev_slots",
                 "rev_heads"):
        assert getattr(h, name) is getattr(g, name)
    # the backward search reads the reversed copy of the weights: it must follow
    np.testing.assert_array_equal(h.rev_weights, h.weights[h.rev_slots])
    np.testing.assert_array_equal(h.rev_heads, h.tails[h.rev_slots])
    assert paths.shortest_path(g, 0, 2).tolist() == [2, 0]
    assert paths.shortest_path(h, 0, 2).tolist() == [1, 0]
    assert paths.distances(h, [0]).tolist() == [[0.0, 2.0, 3.0]]
    # a closure only the backward side would see first
    closed = paths.reweight(h, [INF, 2.0, 9.0])
    with pytest.raises(NoRouteError):
        paths.shortest_path(closed, 0, 2)


def test_pickled_graph_leaves_work_buffers_behind():
    import pickle

    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    assert paths.shortest_path(g, 0, 2).tolist() == [0, 1]
    assert len(g._buffers) == 1  # kept for the next query
    h = pickle.loads(pickle.dumps(g))
    assert h._buffers == [] and h.nbytes == g.nbytes
    np.testing.assert_array_equal(h.rev_weights, g.rev_weights)
    assert paths.shortest_path(h, 0, 2).tolist() == [0, 1]


def test_arrays_are_readonly():
    g = paths.from_arrays([0], [1], [1.0], 2)
    with pytest.raises(ValueError):
        g.weights[0] = 0.0


def test_distances_with_targets_and_duplicates():
    g = paths.from_arrays([0, 1, 2], [1, 2, 3], [1.0, 1.0, 1.0], 4)
    d = paths.distances(g, [0, 3, 0], targets=[3, 0, 3])
    assert d.tolist() == [[3.0, 0.0, 3.0], [0.0, INF, 0.0], [3.0, 0.0, 3.0]]
    assert paths.distances(g, [], targets=[1]).shape == (0, 1)
    assert paths.distances(g, [1], targets=[]).shape == (1, 0)
    assert paths.distances(g, []).shape == (0, 4)


def test_empty_graph():
    g = paths.from_arrays([], [], [], 0)
    assert g.n_nodes == 0 and g.n_edges == 0
    g = paths.from_arrays(np.array([], dtype=np.int64), [], [], 2)
    assert paths.distances(g, [1]).tolist() == [[INF, 0.0]]


def test_all_or_nothing_hand_checked():
    # 0 -> 1 -> 2 and a direct 0 -> 2 that is more expensive; 3 unreachable from 0
    g = paths.from_arrays([0, 1, 0, 3], [1, 2, 2, 0], [1.0, 1.0, 5.0, 1.0], 4)
    flow = paths.all_or_nothing(g, [0, 3], [1, 2], [[10.0, 3.0], [0.0, 2.0]])
    assert flow.tolist() == [15.0, 5.0, 0.0, 2.0]


def test_all_or_nothing_unreachable_names_pair():
    g = paths.from_arrays([0, 3], [1, 0], [1.0, 1.0], 4)
    with pytest.raises(NoRouteError, match=r"origin node 0 \(origins\[1\]\) to destination "
                                           r"node 3 \(destinations\[0\]\)"):
        paths.all_or_nothing(g, [3, 0], [3, 1], [[0.0, 1.0], [2.0, 1.0]])
    # zero demand to an unreachable node is fine
    flow = paths.all_or_nothing(g, [0], [3, 1], [[0.0, 1.0]])
    assert flow.tolist() == [1.0, 0.0]


# ----------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0, 1], [1], [1.0, 1.0], 2), "tail has 2 values but head has 1"),
        (([0, 1], [1, 0], [1.0], 2), r"weight has 1 values, expected 2"),
        (([0, 5], [1, 0], [1.0, 1.0], 2), r"tail\[1\] = 5 is not a node index in \[0, 2\)"),
        (([0, 1], [1, -1], [1.0, 1.0], 2), r"head\[1\] = -1 is not a node index"),
        (([0, 1], [1, 0], [1.0, -2.0], 2), r"weight\[1\] = -2.0 is negative"),
        (([0, 1], [1, 0], [np.nan, 1.0], 2), r"weight\[0\] is NaN"),
        (([0, 1], [1, 0], [1.0, -INF], 2), r"weight\[1\] = -inf is negative"),
        (([0], [0], [1.0], -1), "n_nodes must be >= 0, got -1"),
        (([0], [0], [1.0], 1.5), "n_nodes must be an integer, got 1.5"),
        (([0.5], [0], [1.0], 1), "tail must hold integer node indices, got dtype float64"),
        (([0], [0], ["a"], 1), "weight must hold real numbers"),
    ],
)
def test_from_arrays_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        paths.from_arrays(*args)


def test_bad_queries_rejected():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    with pytest.raises(ValueError, match=r"weight has 3 values, expected 2"):
        paths.reweight(g, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"weight\[0\] = -1.0 is negative"):
        paths.reweight(g, [-1.0, 1.0])
    with pytest.raises(ValueError, match=r"sources\[1\] = 3 is not a node index in \[0, 3\)"):
        paths.distances(g, [0, 3])
    with pytest.raises(ValueError, match=r"targets\[0\] = -1 is not a node index"):
        paths.distances(g, [0], targets=[-1])
    with pytest.raises(ValueError, match=r"target = 7 is not a node index"):
        paths.shortest_path(g, 0, 7)
    with pytest.raises(ValueError, match=r"source must be an integer, got True"):
        paths.shortest_path_tree(g, True)
    with pytest.raises(ValueError, match=r"demand has shape \(1, 1\), expected \(1, 2\)"):
        paths.all_or_nothing(g, [0], [1, 2], [[1.0]])
    with pytest.raises(ValueError, match=r"demand\[0, 1\] = -1.0; demand must be finite"):
        paths.all_or_nothing(g, [0], [1, 2], [[1.0, -1.0]])
    with pytest.raises(ValueError, match=r"demand\[0, 0\] = nan"):
        paths.all_or_nothing(g, [0], [1, 2], [[np.nan, 1.0]])


def test_docstring_examples():
    from connectivity.paths import alt, csr, loading, search

    tried = 0
    for module in (paths, csr, search, alt, loading):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        tried += result.attempted
    assert tried > 5


# ---------------------------------------------------------------- random oracles


# quarters so that the scipy epsilon trick can be undone exactly; some zeros, some inf;
# up to 6 edges repeated with other weights to make parallel edges likely
GRAPHS = multigraphs(nodes=(1, 12), edges=(0, 40),
                     weight=st.one_of(quarters(), st.just(0.0), st.just(INF)),
                     parallel=6, parallel_weight=quarters())


SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(GRAPHS)
def test_distances_match_scipy_and_networkx(graph):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    sources = np.arange(n)
    ours = paths.distances(g, sources)
    np.testing.assert_array_equal(ours, scipy_distances(tail, head, weight, n, sources))
    for s in range(0, n, 3):
        np.testing.assert_allclose(ours[s], nx_distances(tail, head, weight, n, s))
    targets = sources[::2][::-1]
    np.testing.assert_array_equal(paths.distances(g, sources, targets), ours[:, targets])


@SETTINGS
@given(GRAPHS, st.data())
def test_paths_costs_recomputed(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    s = data.draw(st.integers(0, n - 1))
    dist, pred = paths.shortest_path_tree(g, s)
    np.testing.assert_array_equal(dist, paths.distances(g, [s])[0])
    for t in range(n):
        if dist[t] == INF:
            assert pred[t] == -1
            with pytest.raises(NoRouteError):
                paths.shortest_path(g, s, t)
            continue
        edges = paths.shortest_path(g, s, t)
        assert path_cost(tail, head, weight, edges, s, t) == dist[t]
        # the tree's path too
        tree_edges = []
        v = t
        while pred[v] != -1:
            tree_edges.append(pred[v])
            v = tail[pred[v]]
        assert v == s
        assert path_cost(tail, head, weight, tree_edges[::-1], s, t) == dist[t]


@SETTINGS
@given(GRAPHS, st.data())
def test_all_or_nothing_matches_reference(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    node = st.integers(0, n - 1)
    origins = data.draw(st.lists(node, min_size=1, max_size=5))
    dests = data.draw(st.lists(node, min_size=1, max_size=5))
    full = paths.distances(g, origins, dests)
    demand = np.array(data.draw(st.lists(
        st.lists(st.sampled_from([0.0, 1.0, 2.5, 7.0]), min_size=len(dests),
                 max_size=len(dests)),
        min_size=len(origins), max_size=len(origins))))
    if np.any((demand > 0) & np.isinf(full)):
        with pytest.raises(NoRouteError, match="has no path"):
            paths.all_or_nothing(g, origins, dests, demand)
        demand = np.where(np.isinf(full), 0.0, demand)
    total_cost = float(np.sum(demand * np.where(np.isinf(full), 0.0, full)))
    # every method loads shortest paths; where they tie, numpy's may take another
    for method in ("numpy", "auto"):
        flow = paths.all_or_nothing(g, origins, dests, demand, method=method)
        used = flow > 0
        assert float(np.sum(flow[used] * weight[used])) == pytest.approx(total_cost)
    # Dijkstra's tie-breaking is the same tree, so the loading matches edge by edge
    flow = paths.all_or_nothing(g, origins, dests, demand, method="dijkstra")
    np.testing.assert_allclose(
        flow, reference_aon(tail, head, weight, n, origins, dests, demand), atol=1e-12)


def test_larger_random_graph_against_scipy():
    rng = np.random.default_rng(7)
    n, m = 3000, 9000
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    weight = rng.integers(1, 40, m) / 4
    g = paths.from_arrays(tail, head, weight, n)
    sources = rng.integers(0, n, 16)
    ours = paths.distances(g, sources)
    np.testing.assert_array_equal(ours, scipy_distances(tail, head, weight, n, sources))
    for s, t in zip(sources[:8], sources[8:], strict=True):
        if ours[list(sources).index(s), t] < INF:
            edges = paths.shortest_path(g, s, t)
            assert path_cost(tail, head, weight, edges, s, t) == ours[list(sources).index(s), t]


# ------------------------------------------------------------------------------ A*


@st.composite
def geometric_graphs(draw):
    """Random multigraphs with coordinates and weights >= straight-line length."""
    n = draw(st.integers(1, 12))
    xy = np.array(draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                min_size=n, max_size=n)), dtype=float)
    m = draw(st.integers(0, 40))
    node = st.integers(0, n - 1)
    tail = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    head = np.array(draw(st.lists(node, min_size=m, max_size=m)), dtype=np.int64)
    extra = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0, INF]),
                                   min_size=m, max_size=m)))
    length = np.hypot(*(xy[tail] - xy[head]).T) if m else np.zeros(0)
    return n, xy, tail, head, length + extra


@SETTINGS
@given(geometric_graphs(), st.data())
def test_astar_matches_dijkstra(graph, data):
    n, xy, tail, head, weight = graph
    g = paths.from_arrays(tail, head, weight, n)
    s = data.draw(st.integers(0, n - 1))
    dist = paths.distances(g, [s])[0]
    for t in range(n):
        if dist[t] == INF:
            with pytest.raises(NoRouteError):
                paths.shortest_path(g, s, t, xy=xy)
            continue
        edges = paths.shortest_path(g, s, t, xy=xy)
        assert path_cost(tail, head, weight, edges, s, t) == pytest.approx(dist[t], rel=1e-12)
        edges = paths.shortest_path(g, s, t, xy=xy, cost_per_unit=0.5)
        assert path_cost(tail, head, weight, edges, s, t) == pytest.approx(dist[t], rel=1e-12)


def test_astar_rejects_bad_heuristic_and_input():
    xy = [[0.0, 0.0], [3.0, 0.0], [6.0, 0.0]]
    g = paths.from_arrays([0, 1], [1, 2], [3.0, 1.0], 3)  # edge 1 is shorter than 3 units
    with pytest.raises(ValueError, match=r"edge 1 \(1 -> 2\) costs 1.0, less than "
                                         r"cost_per_unit x straight-line length = 3.0"):
        paths.shortest_path(g, 0, 2, xy=xy)
    assert paths.shortest_path(g, 0, 2, xy=xy, cost_per_unit=1 / 3).tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"xy has shape \(2, 2\), expected \(3, 2\)"):
        paths.shortest_path(g, 0, 2, xy=xy[:2])
    with pytest.raises(ValueError, match=r"xy\[1\] = \[nan, 0.0\] is not finite"):
        paths.shortest_path(g, 0, 2, xy=[[0, 0], [np.nan, 0], [1, 1]])
    with pytest.raises(ValueError, match="cost_per_unit must be finite and >= 0, got -1"):
        paths.shortest_path(g, 0, 2, xy=xy, cost_per_unit=-1)


def test_serial_and_parallel_paths_agree():
    import numba

    rng = np.random.default_rng(3)
    n, m = 400, 1200
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 9, m) / 2
    g = paths.from_arrays(tail, head, weight, n)
    src, dst = rng.integers(0, n, 9), rng.integers(0, n, 7)
    reach = paths.distances(g, src, dst)
    demand = np.where(np.isfinite(reach), rng.integers(0, 5, reach.shape), 0.0)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = (paths.distances(g, src), paths.distances(g, src, dst),
                  paths.all_or_nothing(g, src, dst, demand))
    finally:
        numba.set_num_threads(threads)
    parallel = (paths.distances(g, src), paths.distances(g, src, dst),
                paths.all_or_nothing(g, src, dst, demand))
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_array_equal(serial[1], reach)


# ------------------------------------------------------ point to point: all methods


def all_pairs_oracle(tail, head, weight, n):
    """scipy all-pairs distances, checked against networkx from a few sources."""
    oracle = scipy_distances(tail, head, weight, n, np.arange(n))
    for s in range(0, n, 4):
        np.testing.assert_array_equal(oracle[s], nx_distances(tail, head, weight, n, s))
    return oracle


@SETTINGS
@given(GRAPHS, st.integers(1, 4), st.integers(0, 3))
def test_point_to_point_matches_scipy_and_networkx(graph, k, seed):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    lm = paths.landmarks(g, k=k, seed=seed)
    assert 1 <= lm.k <= k
    oracle = all_pairs_oracle(tail, head, weight, n)
    # every pair, both methods interleaved on the graph's shared work buffers
    for s in range(n):
        for t in range(n):
            for kw in ({}, {"landmarks": lm}):
                if oracle[s, t] == INF:
                    with pytest.raises(NoRouteError):
                        paths.shortest_path(g, s, t, **kw)
                    continue
                edges = paths.shortest_path(g, s, t, **kw)
                assert path_cost(tail, head, weight, edges, s, t) == oracle[s, t], kw


@SETTINGS
@given(GRAPHS, st.integers(1, 3))
def test_landmark_distances_are_exact(graph, k):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    lm = paths.landmarks(g, k=k)
    assert len(set(lm.nodes.tolist())) == lm.k
    full = paths.distances(g, np.arange(n))
    np.testing.assert_array_equal(lm.from_landmark, full[lm.nodes].T)
    np.testing.assert_array_equal(lm.to_landmark, full[:, lm.nodes])
    assert lm.nbytes == lm.nodes.nbytes + 2 * n * lm.k * 8


def test_landmarks_farthest_point_on_a_line():
    # 0 - 1 - 2 - 3 - 4, both directions, unit weights: the ends are farthest apart
    a, b = [0, 1, 2, 3], [1, 2, 3, 4]
    g = paths.from_arrays(a + b, b + a, [1.0] * 8, 5)
    for seed in range(5):
        lm = paths.landmarks(g, k=3, seed=seed)
        assert sorted(lm.nodes[:2].tolist()) == [0, 4]
        assert lm.nodes[2] == 2
    # more landmarks than nodes: every node once, then stop
    assert sorted(paths.landmarks(g, k=9).nodes.tolist()) == [0, 1, 2, 3, 4]
    # one way only (0 -> 1 -> 2 -> 3 -> 4): distances one way still spread the landmarks
    one_way = paths.from_arrays(a, b, [1.0] * 4, 5)
    for seed in range(5):
        lm = paths.landmarks(one_way, k=3, seed=seed)
        assert sorted(lm.nodes[:2].tolist()) == [0, 4] and lm.nodes[2] == 2


def test_landmarks_on_empty_and_edgeless_graphs():
    lm = paths.landmarks(paths.from_arrays([], [], [], 0))
    assert lm.k == 0 and lm.from_landmark.shape == (0, 0)
    g = paths.from_arrays([], [], [], 3)
    lm = paths.landmarks(g, k=2)
    assert lm.k == 1
    with pytest.raises(NoRouteError):
        paths.shortest_path(g, 0, 2, landmarks=lm)


def test_point_to_point_float_weights_large_graph():
    # arbitrary floats: rounding may differ by an ulp between methods, never more
    rng = np.random.default_rng(11)
    n, m = 3000, 9000
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.uniform(0.0, 10.0, m)
    weight[rng.random(m) < 0.05] = 0.0
    g = paths.from_arrays(tail, head, weight, n)
    lm = paths.landmarks(g, k=4, seed=2)
    sources, targets = rng.integers(0, n, 30), rng.integers(0, n, 30)
    dist = paths.distances(g, sources)
    for i, (s, t) in enumerate(zip(sources.tolist(), targets.tolist(), strict=True)):
        want = dist[i, t]
        for kw in ({}, {"landmarks": lm}):
            if want == INF:
                with pytest.raises(NoRouteError):
                    paths.shortest_path(g, s, t, **kw)
            else:
                edges = paths.shortest_path(g, s, t, **kw)
                got = path_cost(tail, head, weight, edges, s, t)
                assert got == pytest.approx(want, rel=1e-12, abs=0), kw


def test_concurrent_queries_on_one_graph():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(5)
    n, m = 1500, 4500
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 12, m) / 4
    g = paths.from_arrays(tail, head, weight, n)
    lm = paths.landmarks(g, k=3)
    pairs = rng.integers(0, n, (120, 2))
    dist = paths.distances(g, pairs[:, 0])
    want = dist[np.arange(len(pairs)), pairs[:, 1]]

    def cost(i):
        s, t = (int(x) for x in pairs[i])
        kw = {"landmarks": lm} if i % 2 else {}
        try:
            return path_cost(tail, head, weight, paths.shortest_path(g, s, t, **kw), s, t)
        except NoRouteError:
            return INF

    with ThreadPoolExecutor(max_workers=4) as ex:
        got = list(ex.map(cost, range(len(pairs))))
    np.testing.assert_array_equal(got, want)


def test_landmarks_rejects_bad_input():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        paths.landmarks(g, k=0)
    with pytest.raises(ValueError, match=r"k must be an integer, got 2.5"):
        paths.landmarks(g, k=2.5)
    with pytest.raises(ValueError, match=r"k must be an integer, got True"):
        paths.landmarks(g, k=True)
    with pytest.raises(ValueError, match=r"seed must be an integer, got None"):
        paths.landmarks(g, seed=None)
    with pytest.raises(TypeError):
        paths.landmarks(g, 4)  # options are keyword-only


def test_shortest_path_rejects_foreign_landmarks():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    lm = paths.landmarks(g, k=2)
    assert paths.shortest_path(g, 0, 2, landmarks=lm).tolist() == [0, 1]
    same_arrays = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    for other in (same_arrays, paths.reweight(g, [1.0, 5.0])):
        with pytest.raises(ValueError, match="landmarks were computed for another graph"):
            paths.shortest_path(other, 0, 2, landmarks=lm)
    with pytest.raises(ValueError, match="give xy or landmarks, not both"):
        paths.shortest_path(g, 0, 2, xy=[[0, 0], [1, 0], [2, 0]], landmarks=lm)
    with pytest.raises(ValueError, match="landmarks must be a Landmarks .* got dict"):
        paths.shortest_path(g, 0, 2, landmarks={})
    cut = dataclasses.replace(lm, to_landmark=lm.to_landmark[:2])
    with pytest.raises(ValueError, match=r"landmarks.to_landmark has shape \(2, 2\), "
                                         r"expected \(3, 2\)"):
        paths.shortest_path(g, 0, 2, landmarks=cut)


def test_landmark_count_is_bounded_up_front():
    # before: landmarks(k=10**12) tried to allocate 29 TiB
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 1.0], 3)
    with pytest.raises(ValueError, match=r"k=1000000000000 landmarks: at most 64"):
        paths.landmarks(g, k=10**12)
