"""Tests of the k loopless shortest paths: hand-checked graphs, brute force, networkx."""

from __future__ import annotations

import doctest
import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.paths import k_shortest_paths
from connectivity.paths import kshortest as _kpaths
from oracles import path_cost
from strategies import multigraphs, whole

INF = np.inf

# ----------------------------------------------------------------------------- helpers


def graph(edges, n):
    """A CSRGraph from ``(tail, head, weight)`` triples; edge i is the i-th triple."""
    tail, head, weight = (list(c) for c in zip(*edges, strict=True))
    return paths.from_arrays(tail, head, weight, n)


def edge_triples(case):
    """A drawn Multigraph's edges as ``(tail, head, weight)`` triples."""
    return list(zip(case.tail.tolist(), case.head.tolist(), case.weight.tolist(), strict=True))


def run(edges, n, source, target, k, **kw):
    found = k_shortest_paths(graph(edges, n), source, target, k, **kw)
    weight = kw.get("weight")
    triples = edges
    if weight is not None:
        triples = [(u, v, w) for (u, v, _), w in zip(edges, weight, strict=True)]
    tail, head, w = ([t[i] for t in triples] for i in range(3))
    for cost, e in found:
        assert e.dtype == np.int64
        recomputed = path_cost(tail, head, w, e, source, target, loopless=True)
        assert recomputed == pytest.approx(cost, rel=1e-12)
    keys = [tuple(e.tolist()) for _, e in found]
    assert len(set(keys)) == len(keys), "a path was returned twice"
    costs = [c for c, _ in found]
    assert costs == sorted(costs)
    return [(c, e.tolist()) for c, e in found]


def brute_force(edges, n, source, target):
    """Every loopless path with finite cost, as (cost, edge tuple), cheapest first."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    for i, (u, v, w) in enumerate(edges):
        g.add_edge(u, v, key=i, weight=w)
    out = []
    for p in nx.all_simple_edge_paths(g, source, target):
        cost = 0.0
        for _, _, key in p:
            cost += edges[key][2]
        if np.isfinite(cost):
            out.append((cost, tuple(key for _, _, key in p)))
    return sorted(out)


# ------------------------------------------------------------------------- hand-checked


def test_docstring_examples_run():
    assert doctest.testmod(_kpaths, raise_on_error=True).attempted > 0


def test_yen_textbook_graph():
    # Yen's example (C D E F G H = 0..5): C-E-F-H 5, C-E-G-H 7, then three paths of cost 8
    c, d, e, f, g, h = range(6)
    edges = [
        (c, d, 3.0), (c, e, 2.0), (d, f, 4.0), (e, d, 1.0), (e, f, 2.0),
        (e, g, 3.0), (f, g, 2.0), (f, h, 1.0), (g, h, 2.0),
    ]  # fmt: skip
    found = run(edges, 6, c, h, 10)
    assert found[:2] == [(5.0, [1, 4, 7]), (7.0, [1, 5, 8])]
    assert sorted(e for cost, e in found[2:5]) == [[0, 2, 7], [1, 3, 2, 7], [1, 4, 6, 8]]
    assert [cost for cost, _ in found] == [5.0, 7.0, 8.0, 8.0, 8.0, 11.0, 11.0]
    assert len(found) == len(brute_force(edges, 6, c, h))


def test_second_best_is_not_a_loop():
    # a naive k-shortest-walks search would offer 0-1-2-1-3 (cost 4) second
    edges = [(0, 1, 1.0), (1, 3, 1.0), (1, 2, 1.0), (2, 1, 1.0), (0, 3, 10.0)]
    assert run(edges, 4, 0, 3, 3) == [(2.0, [0, 1]), (10.0, [4])]


def test_parallel_edges_are_distinct_paths():
    edges = [(0, 1, 1.0), (0, 1, 2.0), (1, 2, 1.0), (1, 2, 1.0), (0, 2, 5.0)]
    found = run(edges, 3, 0, 2, 10)
    assert [c for c, _ in found] == [2.0, 2.0, 3.0, 3.0, 5.0]
    assert sorted(e for _, e in found[:2]) == [[0, 2], [0, 3]]
    assert sorted(e for _, e in found[2:4]) == [[1, 2], [1, 3]]
    assert found[4] == (5.0, [4])


def test_fewer_paths_than_k_and_self_loops_ignored():
    edges = [(0, 0, 0.0), (0, 1, 1.0), (1, 1, 0.0), (1, 2, 1.0)]
    assert run(edges, 3, 0, 2, 5) == [(2.0, [1, 3])]


def test_unreachable_and_closed_edges_give_nothing():
    edges = [(0, 1, 1.0), (1, 2, INF), (2, 0, 1.0)]
    assert run(edges, 4, 0, 2, 3) == []
    assert run(edges, 4, 0, 3, 3) == []


def test_source_equals_target_is_the_empty_path():
    edges = [(0, 1, 1.0), (1, 0, 1.0)]
    assert run(edges, 2, 1, 1, 3) == [(0.0, [])]


def test_alternative_weight_and_closing_an_edge():
    edges = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 3.0)]
    assert run(edges, 3, 0, 2, 2, weight=[5.0, 5.0, 3.0]) == [(3.0, [2]), (10.0, [0, 1])]
    assert run(edges, 3, 0, 2, 2, weight=[1.0, INF, 3.0]) == [(3.0, [2])]


def test_max_cost_stops_early():
    edges = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 3.0), (0, 2, 4.0)]
    assert run(edges, 3, 0, 2, 10, max_cost=3.0) == [(2.0, [0, 1]), (3.0, [2])]
    assert run(edges, 3, 0, 2, 10, max_cost=1.5) == []


def test_zero_weight_cycle_is_never_used():
    edges = [(0, 1, 0.0), (1, 0, 0.0), (1, 2, 0.0), (2, 1, 0.0), (2, 3, 1.0), (0, 3, 1.0)]
    found = run(edges, 4, 0, 3, 10)
    assert sorted(e for _, e in found) == [[0, 2, 4], [5]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k must be >= 1, got 0"),
        ({"k": 2.5}, "k must be an integer, got 2.5"),
        ({"source": 7}, r"source = 7 is not a node index in \[0, 3\)"),
        ({"target": -1}, r"target = -1 is not a node index in \[0, 3\)"),
        ({"source": "0"}, "source must be an integer, got '0'"),
        ({"weight": [1.0, 1.0]}, r"weight has 2 values, expected 3 \(one per edge\)"),
        ({"weight": [1.0, -2.0, 1.0]}, r"weight\[1\] = -2.0 is negative; weights must be >= 0"),
        ({"weight": [1.0, 1.0, np.nan]}, r"weight\[2\] is NaN; weights must be >= 0 or inf"),
        ({"max_cost": np.nan}, "max_cost=nan"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    g = graph([(0, 1, 1.0), (1, 2, 1.0), (0, 2, 3.0)], 3)
    args = {"source": 0, "target": 2, "k": 2} | kwargs
    options = {key: args.pop(key) for key in ("weight", "max_cost") if key in args}
    with pytest.raises(ValueError, match=message):
        k_shortest_paths(g, args["source"], args["target"], args["k"], **options)


def test_numpy_integer_node_indices_are_accepted():
    g = graph([(0, 1, 1.0), (1, 2, 1.0)], 3)
    found = k_shortest_paths(g, np.int64(0), np.int32(2), np.int64(1))
    assert [e.tolist() for _, e in found] == [[0, 1]]


# ------------------------------------------------------------------------- random oracles


def small_multigraphs(weight):
    """2-7 nodes, 1-16 edges, a source and another target; k is drawn apart (KS)."""
    return multigraphs(nodes=(2, 7), edges=(1, 16), weight=weight, edge_list=True,
                       endpoints=True)


INTEGER_GRAPHS = small_multigraphs(st.one_of(whole(6), st.just(INF)))
FLOAT_GRAPHS = small_multigraphs(st.floats(0.0, 10.0, allow_nan=False))
KS = st.integers(1, 12)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(INTEGER_GRAPHS, KS)
def test_matches_brute_force_on_multigraphs(case, k):
    edges, n, source, target = edge_triples(case), case.n, case.source, case.target
    found = run(edges, n, source, target, k)
    every = brute_force(edges, n, source, target)
    # integer weights: sums are exact, so costs must match exactly, ties included
    assert [c for c, _ in found] == [c for c, _ in every[:k]]
    assert {tuple(e) for _, e in found} <= {e for _, e in every}


@FAST
@given(FLOAT_GRAPHS, KS)
def test_matches_brute_force_with_float_weights(case, k):
    edges, n, source, target = edge_triples(case), case.n, case.source, case.target
    found = run(edges, n, source, target, k)
    every = brute_force(edges, n, source, target)
    assert len(found) == min(k, len(every))
    assert [c for c, _ in found] == pytest.approx([c for c, _ in every[:k]], rel=1e-12)


@FAST
@given(INTEGER_GRAPHS, KS, st.floats(0.0, 20.0))
def test_max_cost_matches_brute_force(case, k, max_cost):
    edges, n, source, target = edge_triples(case), case.n, case.source, case.target
    found = run(edges, n, source, target, k, max_cost=max_cost)
    every = [c for c, _ in brute_force(edges, n, source, target) if c <= max_cost]
    assert [c for c, _ in found] == every[:k]


@FAST
@given(INTEGER_GRAPHS, KS)
def test_matches_networkx_on_simple_digraphs(case, k):
    edges, n, source, target = edge_triples(case), case.n, case.source, case.target
    # networkx needs a simple digraph: keep the first edge per pair and finite weights
    simple = {}
    for u, v, w in edges:
        if u != v and np.isfinite(w):
            simple.setdefault((u, v), w)
    triples = [(u, v, w) for (u, v), w in simple.items()] or [(source, source, 1.0)]
    found = run(triples, n, source, target, k)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(t for t in triples if t[0] != t[1])
    try:
        expected = [
            nx.path_weight(g, p, "weight")
            for p in itertools.islice(nx.shortest_simple_paths(g, source, target, "weight"), k)
        ]
    except nx.NetworkXNoPath:
        expected = []
    assert [c for c, _ in found] == expected


def test_medium_random_graph_against_networkx():
    rng = np.random.default_rng(7)
    n, m = 300, 1500
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    keep = tail != head
    pairs = {}
    for u, v, w in zip(tail[keep], head[keep], rng.integers(1, 100, m)[keep], strict=True):
        pairs.setdefault((int(u), int(v)), float(w))
    triples = [(u, v, w) for (u, v), w in pairs.items()]
    g = nx.DiGraph()
    g.add_weighted_edges_from(triples)
    nodes = sorted(g)
    for source, target in [(nodes[0], nodes[-1]), (nodes[5], nodes[100])]:
        found = run(triples, n, source, target, 40)
        expected = [
            nx.path_weight(g, p, "weight")
            for p in itertools.islice(nx.shortest_simple_paths(g, source, target, "weight"), 40)
        ]
        assert [c for c, _ in found] == expected
