"""Edge values summed along shortest paths (``paths.path_sums``), by Dijkstra and on the
contraction hierarchy, against networkx paths and an exhaustive walk oracle on random
multigraphs; skims through it on the bundled network; bad input.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectivity as cn
from connectivity import paths
from connectivity.graph import priced_edges
from strategies import EXACT, float_graphs, multigraphs, quarters

INF = np.inf

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

GRAPHS = multigraphs(nodes=(1, 30), edges=(0, 90), weight=EXACT, parallel=8,
                     parallel_weight=st.one_of(quarters(), st.just(0.0)))


def hierarchies(g, weight):
    """The perfect (pruned) and the basic customization of ``g``, one topology."""
    h = paths.hierarchy(g)
    return h, h.customize(weight, perfect=False)


def sources_and_targets(data, n):
    """More than one batch of sources (lanes are 8), repeated nodes in both."""
    node = st.integers(0, n - 1)
    sources = data.draw(st.lists(node, min_size=9, max_size=30), label="sources")
    targets = data.draw(st.lists(node, min_size=0, max_size=20), label="targets")
    return sources, targets


# ----------------------------------------------------------------------------- oracles


def nx_path_sums(tail, head, weight, values, n, s, t):
    """Values summed along networkx's Dijkstra path on the simple graph of the cheapest
    open edge per ordered pair; ``None`` without a path."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for e, (u, v, w) in enumerate(zip(tail.tolist(), head.tolist(), weight.tolist(),
                                      strict=True)):
        if u != v and w < INF and (not g.has_edge(u, v) or w < g[u][v]["weight"]):
            g.add_edge(u, v, weight=w, edge=e)
    try:
        nodes = nx.dijkstra_path(g, s, t)
    except nx.NetworkXNoPath:
        return None
    edges = [g[u][v]["edge"] for u, v in zip(nodes[:-1], nodes[1:], strict=True)]
    return values[:, edges].sum(axis=1)


def walk_sums(tail, head, weight, values, s, dist, cap):
    """Every vector of integer value sums of a walk from ``s`` that uses only tight
    edges (``dist[u] + w == dist[v]`` exactly), i.e. of a walk of exactly the shortest
    distance to its end; sums above ``cap`` are not followed (values are >= 0).
    Returns ``{node: set of tuples}``."""
    tight = [e for e in range(len(tail)) if weight[e] < INF
             and dist[tail[e]] + weight[e] == dist[head[e]]]
    out_edges: dict[int, list[int]] = {}
    for e in tight:
        out_edges.setdefault(int(tail[e]), []).append(e)
    start = (s, (0,) * values.shape[0])
    seen = {start}
    stack = [start]
    while stack:
        u, acc = stack.pop()
        for e in out_edges.get(u, ()):
            nxt = tuple(a + int(values[q, e]) for q, a in enumerate(acc))
            state = (int(head[e]), nxt)
            if state not in seen and all(a <= c for a, c in zip(nxt, cap, strict=True)):
                seen.add(state)
                stack.append(state)
    found: dict[int, set[tuple[int, ...]]] = {}
    for v, acc in seen:
        found.setdefault(v, set()).add(acc)
    return found


def check_sums_are_of_shortest_walks(graph, values, sources, targets, result):
    """Each finite cell's sums are those of some walk of exactly its distance."""
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    full = paths.distances(paths.from_arrays(tail, head, weight, n), sources)
    for i, s in enumerate(sources):
        row = result.sums[:, i]
        reached = np.isfinite(result.distances[i])
        if not reached.any():
            continue
        cap = tuple(int(c) for c in row[:, reached].max(axis=1))
        found = walk_sums(tail, head, weight, values, s, full[i], cap)
        for j, t in enumerate(targets):
            if reached[j]:
                got = tuple(int(x) for x in row[:, j])
                assert np.array_equal(row[:, j], got)
                assert got in found.get(t, set()), (s, t, got)


# --------------------------------------------------------------------- exact weights


@SETTINGS
@given(GRAPHS, st.data())
def test_distances_exact_and_sums_of_a_shortest_walk_with_ties(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    m = weight.shape[0]
    g = paths.from_arrays(tail, head, weight, n)
    sources, targets = sources_and_targets(data, n)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    values = rng.integers(0, 3, (2, m)).astype(float)
    want = paths.distances(g, sources, targets)
    dijkstra = paths.path_sums(g, sources, targets, values=values, method="dijkstra")
    np.testing.assert_array_equal(dijkstra.distances, want)
    check_sums_are_of_shortest_walks(graph, values, sources, targets, dijkstra)
    for h in hierarchies(g, weight):
        got = paths.path_sums(g, sources, targets, values=values, hierarchy=h)
        np.testing.assert_array_equal(got.distances, want)
        np.testing.assert_array_equal(got.distances,
                                      paths.distances(g, sources, targets, hierarchy=h))
        check_sums_are_of_shortest_walks(graph, values, sources, targets, got)
        # every node as a target: the same cells as the listed targets
        every = paths.path_sums(g, sources, values=values, hierarchy=h)
        assert every.sums.shape == (2, len(sources), n)
        np.testing.assert_array_equal(every.distances[:, targets], want)
    for r in (dijkstra, got):
        assert r.sums.shape == (2, len(sources), len(targets))
        np.testing.assert_array_equal(np.isinf(r.sums), np.isinf(r.distances)[None]
                                      .repeat(2, axis=0))
        same = np.equal.outer(sources, targets)
        assert (r.sums[:, same] == 0).all()


# --------------------------------------------------------------------- unique paths


@SETTINGS
@given(float_graphs(), st.data())
def test_sums_along_unique_shortest_paths_equal_networkx(graph, data):
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    m = weight.shape[0]
    g = paths.from_arrays(tail, head, weight, n)
    sources, targets = sources_and_targets(data, n)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    values = rng.normal(0.0, 10.0, (3, m))
    results = [paths.path_sums(g, sources, targets, values=values, method="dijkstra")]
    np.testing.assert_array_equal(results[0].distances,
                                  paths.distances(g, sources, targets))
    for h in hierarchies(g, weight):
        got = paths.path_sums(g, sources, targets, values=values, hierarchy=h)
        np.testing.assert_array_equal(got.distances,
                                      paths.distances(g, sources, targets, hierarchy=h))
        results.append(got)
    expected = np.full((3, len(sources), len(targets)), INF)
    for i, s in enumerate(sources):
        for j, t in enumerate(targets):
            oracle = nx_path_sums(tail, head, weight, values, n, s, t)
            if oracle is not None:
                expected[:, i, j] = oracle
    for r in results:
        np.testing.assert_allclose(r.sums, expected, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(np.isinf(r.distances), np.isinf(expected[0]))


# ---------------------------------------------------------------------- small cases


def test_unreachable_is_inf_and_the_source_itself_zero():
    # 0 -> 1 -> 2, the edge 2 -> 3 closed, node 4 isolated
    g = paths.from_arrays([0, 1, 2], [1, 2, 3], [1.0, 2.0, INF], 5)
    values = [[1.0, 10.0, 100.0], [-1.0, 0.5, 7.0]]
    want_d = [[0.0, 3.0, INF, INF], [INF, INF, INF, 0.0]]
    want_s = [[[0.0, 11.0, INF, INF], [INF, INF, INF, 0.0]],
              [[0.0, -0.5, INF, INF], [INF, INF, INF, 0.0]]]
    for kw in ({"method": "dijkstra"}, {"hierarchy": paths.hierarchy(g)},
               {"method": "hierarchy"}):
        r = paths.path_sums(g, [0, 4], [0, 2, 3, 4], values=values, **kw)
        assert r.distances.tolist() == want_d
        assert r.sums.tolist() == want_s


def test_parallel_edges_sum_the_cheaper_one():
    # edges 0 and 1 both 0 -> 1: the cheaper (1) is on the path, with its own values
    g = paths.from_arrays([0, 0, 1], [1, 1, 2], [5.0, 2.0, 1.0], 3)
    for kw in ({"method": "dijkstra"}, {"method": "hierarchy"}):
        r = paths.path_sums(g, [0], [2], values=[100.0, 20.0, 3.0], **kw)
        assert r.sums.tolist() == [[[23.0]]]
        assert r.distances.tolist() == [[3.0]]


def test_one_vector_is_k_one_and_zero_vectors_are_allowed():
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    one = paths.path_sums(g, [0], values=[1.0, 2.0])
    two = paths.path_sums(g, [0], values=[[1.0, 2.0]])
    np.testing.assert_array_equal(one.sums, two.sums)
    assert one.sums.tolist() == [[[0.0, 1.0, 3.0]]]
    none = paths.path_sums(g, [0, 1], [2], values=np.zeros((0, 2)), method="hierarchy")
    assert none.sums.shape == (0, 2, 1) and none.distances.tolist() == [[3.0], [2.0]]
    empty = paths.path_sums(g, [], [2], values=[1.0, 2.0], method="hierarchy")
    assert empty.sums.shape == (1, 0, 1) and empty.distances.shape == (0, 1)


def grid(side, seed):
    """A ``side x side`` grid, both directions, random float weights: distances on the
    hierarchy and by Dijkstra differ in their last bits here and there."""
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    tail, head = np.concatenate([a, b]), np.concatenate([b, a])
    return paths.from_arrays(tail, head, rng.uniform(1.0, 3.0, tail.shape[0]), side * side)


def test_auto_follows_the_rule_of_distances():
    g = grid(36, seed=3)
    rng = np.random.default_rng(4)
    values = rng.uniform(0.0, 1.0, (2, g.n_edges))
    targets = rng.integers(0, g.n_nodes, 50)
    on_h = paths.path_sums(g, np.arange(200), targets, values=values, method="hierarchy")
    by_d = paths.path_sums(g, np.arange(200), targets, values=values, method="dijkstra")
    # the two methods are told apart by their last bits
    assert not np.array_equal(on_h.distances, by_d.distances)
    np.testing.assert_allclose(on_h.sums, by_d.sums, rtol=1e-12)
    for n_sources in (1, 31, 32, 200):
        src = np.arange(n_sources)
        auto = paths.path_sums(g, src, targets, values=values)
        np.testing.assert_array_equal(auto.distances, paths.distances(g, src, targets))
        assert any(np.array_equal(auto.distances, r.distances[:n_sources])
                   and np.array_equal(auto.sums, r.sums[:, :n_sources]) for r in (on_h, by_d))


# ------------------------------------------------------------------------- skims


def unique_cells(compiled, origins, destinations):
    """Where the least generalized-cost route between two places is unique: no second
    path within a relative 1e-9 of the optimum (paths counted on the tight edges,
    in distance order; every edge of the bundled network costs more than zero)."""
    costs, _ = priced_edges(compiled, "container", cn.Scenario())
    g = paths.reweight(compiled.graph, costs)
    tail, head = compiled.tail, compiled.head
    out = np.zeros((len(origins), len(destinations)), dtype=bool)
    for i, o in enumerate(origins):
        s = compiled.origin_node[o]
        dist, _ = paths.shortest_path_tree(g, s)
        open_ = np.isfinite(costs) & np.isfinite(dist[tail])
        tight = open_ & (dist[tail] + costs <= dist[head] * (1 + 1e-9))
        into: dict[int, list[int]] = {}
        for e in np.flatnonzero(tight).tolist():
            into.setdefault(int(head[e]), []).append(int(tail[e]))
        count = np.zeros(compiled.graph.n_nodes, dtype=np.int64)
        count[s] = 1
        for v in np.argsort(dist, kind="stable").tolist():
            if v != s and np.isfinite(dist[v]):
                count[v] = min(2, sum(int(count[u]) for u in into.get(v, ())))
        for j, d in enumerate(destinations):
            out[i, j] = count[compiled.destination_node[d]] == 1
    return out


def test_skim_on_the_hierarchy_equals_dijkstra_where_routes_are_unique():
    compiled = cn.compile_network(cn.load_bundled())
    places = list(compiled.place_ids)[::3]
    by_dijkstra = cn.skim(compiled, places, method="dijkstra")
    on_hierarchy = cn.skim(compiled, places, method="hierarchy")
    auto = cn.skim(compiled, places)
    unique = unique_cells(compiled, places, places)
    auto_is = (on_hierarchy if np.array_equal(auto.generalized_cost_usd_per_t,
                                              on_hierarchy.generalized_cost_usd_per_t)
               else by_dijkstra)
    assert unique.mean() > 0.5  # most routes are unique: the comparison says something
    for name in ("generalized_cost_usd_per_t", "time_h", "distance_km", "cost_usd_per_t",
                 "co2e_kg_per_t", "risk_usd_per_t"):
        a, b = getattr(by_dijkstra, name), getattr(on_hierarchy, name)
        # "auto" is one of the two, bit for bit
        np.testing.assert_array_equal(getattr(auto, name), getattr(auto_is, name))
        np.testing.assert_array_equal(np.isinf(a), np.isinf(b))
        np.testing.assert_allclose(b[unique], a[unique], rtol=1e-9, atol=1e-12)
        assert (np.diag(a) == 0).all() and (np.diag(b) == 0).all()
    np.testing.assert_allclose(on_hierarchy.generalized_cost_usd_per_t,
                               by_dijkstra.generalized_cost_usd_per_t, rtol=1e-12)


def test_skim_refuses_an_unknown_method():
    with pytest.raises(ValueError, match="method must be one of 'auto', 'dijkstra', "
                                         "'hierarchy', got 'fast'"):
        cn.skim(cn.load_bundled(), ["Urumqi"], ["Almaty"], method="fast")


# ------------------------------------------------------------------------ bad input


def test_bad_input_names_the_value():
    g = paths.from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)
    ok = [1.0, 2.0, 3.0]
    cases = [
        ({"values": [1.0, 2.0]}, r"values has shape \(2,\), expected \(3,\) or \(k, 3\)"),
        ({"values": np.ones((2, 2, 3))}, r"values has shape \(2, 2, 3\)"),
        ({"values": [1.0, np.nan, 3.0]}, r"values\[1\] = nan is not finite"),
        ({"values": [[1.0, 2.0, 3.0], [0.0, 0.0, -np.inf]]},
         r"values\[1, 2\] = -inf is not finite"),
        ({"values": ["a", "b", "c"]}, "values must hold real numbers, got dtype <U1"),
        ({"values": [True, False, True]}, "values must hold real numbers, got dtype bool"),
        ({"values": ok, "method": "fast"}, "method must be one of 'auto', 'dijkstra', "
                                           "'hierarchy', got 'fast'"),
        ({"values": ok, "method": "dijkstra", "hierarchy": paths.hierarchy(g)},
         "method='dijkstra' with a hierarchy"),
        ({"values": ok, "hierarchy": paths.hierarchy(paths.reweight(g, [1.0, 1.0, 1.0]))},
         "customized for another graph or other weights"),
        ({"values": ok, "hierarchy": "fast"}, "hierarchy must be a Hierarchy"),
    ]
    for kw, message in cases:
        with pytest.raises(ValueError, match=message):
            paths.path_sums(g, [0], [2], **kw)
    with pytest.raises(ValueError, match=r"sources\[1\] = 3 is not a node index in \[0, 3\)"):
        paths.path_sums(g, [0, 3], values=ok)
    with pytest.raises(ValueError, match=r"targets\[0\] = -1 is not a node index"):
        paths.path_sums(g, [0], [-1], values=ok, method="hierarchy")
    with pytest.raises(ValueError, match="sources must hold integer node indices"):
        paths.path_sums(g, [0.5], values=ok)
