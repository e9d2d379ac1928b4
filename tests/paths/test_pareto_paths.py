"""Tests of the Pareto-optimal paths: hand-checked graphs, brute force, Dijkstra bounds."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.errors import SearchLimitError
from connectivity.paths import pareto as _pareto
from connectivity.paths import pareto_paths
from oracles import path_cost
from strategies import multigraphs, whole

INF = np.inf

# ----------------------------------------------------------------------------- helpers


def run(tail, head, crit, n, source, target, **kw):
    """pareto_paths plus the checks every answer must pass; returns (costs, edges) lists."""
    crit = np.asarray(crit, dtype=np.float64)
    found = pareto_paths(tail, head, crit, n, source, target, **kw)
    for cost, edges in found:
        assert cost.dtype == np.float64 and edges.dtype == np.int64
        total = path_cost(tail, head, crit, edges, source, target, loopless=True)
        np.testing.assert_allclose(total, cost, rtol=1e-12)
    costs = [tuple(c.tolist()) for c, _ in found]
    assert costs == sorted(costs), "not sorted by the first criterion"
    assert len(set(costs)) == len(costs), "a cost vector was reported twice"
    for a in costs:
        for b in costs:
            assert a == b or not all(x <= y for x, y in zip(b, a, strict=True)), (
                f"{a} is dominated by {b}"
            )
    return [(list(c), e.tolist()) for c, e in zip(costs, (e for _, e in found), strict=True)]


def brute_force_front(tail, head, crit, n, source, target):
    """The Pareto front (sorted unique cost vectors) over every loopless path."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    for i in range(len(tail)):
        g.add_edge(int(tail[i]), int(head[i]), key=i)
    vectors = set()
    for p in nx.all_simple_edge_paths(g, source, target):
        total = np.zeros(crit.shape[1])
        for _, _, key in p:
            total = total + crit[key]
        if np.all(np.isfinite(total)):
            vectors.add(tuple(total.tolist()))
    front = [
        a
        for a in vectors
        if not any(b != a and all(x <= y for x, y in zip(b, a, strict=True)) for b in vectors)
    ]
    return sorted(front)


# ------------------------------------------------------------------------- hand-checked


def test_docstring_examples_run():
    assert doctest.testmod(_pareto, raise_on_error=True).attempted > 0


def test_two_criteria_drops_the_dominated_path():
    # 0->2 direct: (4, 1); via 1: (2, 6); via 3: (5, 7) is dominated by (4, 1)
    tail = [0, 0, 1, 0, 3]
    head = [1, 2, 2, 3, 2]
    crit = [[1, 5], [4, 1], [1, 1], [2, 3], [3, 4]]
    assert run(tail, head, crit, 4, 0, 2) == [([2.0, 6.0], [0, 2]), ([4.0, 1.0], [1])]


def test_third_criterion_keeps_a_path():
    tail = [0, 0, 1, 0, 3]
    head = [1, 2, 2, 3, 2]
    crit = [[1, 5, 9], [4, 1, 9], [1, 1, 0], [2, 3, 0], [3, 4, 0]]
    assert run(tail, head, crit, 4, 0, 2) == [
        ([2.0, 6.0, 9.0], [0, 2]),
        ([4.0, 1.0, 9.0], [1]),
        ([5.0, 7.0, 0.0], [3, 4]),
    ]


def test_parallel_edges_are_separate_paths():
    tail = [0, 0, 1]
    head = [1, 1, 2]
    crit = [[1, 2], [2, 1], [1, 1]]
    assert run(tail, head, crit, 3, 0, 2) == [([2.0, 3.0], [0, 2]), ([3.0, 2.0], [1, 2])]


def test_equal_cost_vectors_reported_once():
    tail = [0, 0, 1, 0, 3]
    head = [1, 1, 2, 3, 2]
    crit = [[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]
    found = run(tail, head, crit, 4, 0, 2)
    assert len(found) == 1 and found[0][0] == [2.0, 2.0]


def test_zero_cost_cycle_and_self_loop_are_never_used():
    tail = [0, 1, 1, 1, 2]
    head = [1, 0, 1, 2, 1]
    crit = [[1, 1], [0, 0], [0, 0], [1, 2], [0, 0]]
    assert run(tail, head, crit, 3, 0, 2) == [([2.0, 3.0], [0, 3])]


def test_edge_closed_in_any_criterion_is_skipped():
    tail = [0, 0]
    head = [1, 1]
    crit = [[1, INF], [3, 3]]
    assert run(tail, head, crit, 2, 0, 1) == [([3.0, 3.0], [1])]


def test_unreachable_and_source_is_target():
    tail, head, crit = [0], [1], [[1, 1]]
    assert run(tail, head, crit, 3, 0, 2) == []
    assert run(tail, head, crit, 3, 1, 1) == [([0.0, 0.0], [])]


def test_no_edges():
    assert run([], [], np.empty((0, 2)), 2, 0, 1) == []


def test_label_limit_raises_naming_the_value():
    # a ladder with a two-way trade-off per rung has 2**rungs Pareto paths
    rungs = 8
    tail, head, crit = [], [], []
    for i in range(rungs):
        tail += [i, i]
        head += [i + 1, i + 1]
        crit += [[1, 2**i], [1 + 2**i, 0]]
    full = run(tail, head, crit, rungs + 1, 0, rungs)
    assert len(full) == 2**rungs
    with pytest.raises(SearchLimitError, match="more than max_labels=50 labels"):
        pareto_paths(tail, head, np.array(crit, float), rungs + 1, 0, rungs, max_labels=50)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ({"crit": [[1, 1, 1, 1]] * 2}, {}, r"criteria has shape \(2, 4\); expected \(2, 2\)"),
        ({"crit": [[1, 1]]}, {}, r"criteria has shape \(1, 2\); expected \(2, 2\)"),
        ({"crit": [[1, 1], [1, -1]]}, {}, r"criteria\[1, 1\] = -1.0 must be >= 0 or inf"),
        ({"crit": [[1, np.nan], [1, 1]]}, {}, r"criteria\[0, 1\] = nan must be >= 0 or inf"),
        ({"head": [1]}, {}, "tail has 2 values but head has 1"),
        ({"head": [1, 5]}, {}, r"head\[1\] = 5 is not a node index in \[0, 3\)"),
        ({"tail": [0.0, 1.0]}, {}, "tail must hold integer node indices, got dtype float64"),
        ({"source": 3}, {}, r"source = 3 is not a node index in \[0, 3\)"),
        ({"target": -1}, {}, r"target = -1 is not a node index in \[0, 3\)"),
        ({"n_nodes": 0}, {}, "n_nodes must be >= 1, got 0"),
        ({}, {"max_labels": 0}, "max_labels must be >= 1, got 0"),
    ],
)
def test_bad_arguments_are_named(args, kwargs, message):
    a = {"tail": [0, 1], "head": [1, 2], "crit": [[1, 1], [1, 1]], "n_nodes": 3}
    a |= {"source": 0, "target": 2} | args
    with pytest.raises(ValueError, match=message):
        pareto_paths(
            a["tail"], a["head"], np.array(a["crit"], float), a["n_nodes"],
            a["source"], a["target"], **kwargs,
        )  # fmt: skip


# ------------------------------------------------------------------------- random oracles


GRAPHS = multigraphs(nodes=(2, 7), edges=(1, 16), weight=st.one_of(whole(5), st.just(INF)),
                     criteria=(2, 3), endpoints=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRAPHS)
def test_front_matches_brute_force(case):
    n, tail, head, crit, source, target = case
    # an edge with inf in any criterion is closed
    closed = ~np.all(np.isfinite(crit), axis=1)
    crit_closed = crit.copy()
    crit_closed[closed] = INF
    found = run(tail, head, crit, n, source, target)
    assert [tuple(c) for c, _ in found] == brute_force_front(
        tail, head, crit_closed, n, source, target
    )


@pytest.mark.parametrize("n_crit", [2, 3])
def test_front_ends_are_dijkstra_optima(n_crit):
    rng = np.random.default_rng(3)
    n, m = 400, 2000
    tail = rng.integers(0, n, m)
    head = rng.integers(0, n, m)
    crit = rng.integers(1, 50, (m, n_crit)).astype(float)
    found = pareto_paths(tail, head, crit, n, 0, n - 1)
    assert found
    costs = np.array([c for c, _ in found])
    for j in range(n_crit):
        g = paths.from_arrays(tail, head, crit[:, j], n)
        best = paths.distances(g, [0], [n - 1])[0, 0]
        assert costs[:, j].min() == best
    # the lexicographic minimum is first
    assert tuple(costs[0]) == min(tuple(c) for c in costs)
    run(tail.tolist(), head.tolist(), crit, n, 0, n - 1)
