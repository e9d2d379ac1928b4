"""The numpy all-or-nothing loading for tiny graphs (``paths._small``) against the numba
kernel, scipy and networkx on random multigraphs (parallel, zero-cost, closed edges and
self-loops), a hand-checked example, and a process that never loads numba.

Distances are compared exactly, float weights included: Bellman-Ford and Dijkstra both
end at the least left-to-right float sum over all walks.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.errors import NoRouteError
from connectivity.paths import _kernels
from connectivity.paths._small import all_or_nothing_small, shortest_trees
from oracles import nx_distances, scipy_distances
from strategies import EXACT, float_graphs, multigraphs, quarters

INF = np.inf

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# exact weights (quarters, zeros, closed edges): real ties
GRAPHS = multigraphs(nodes=(1, 25), edges=(0, 80), weight=EXACT, parallel=8,
                     parallel_weight=st.one_of(quarters(), st.just(0.0)))
# few nodes, many edges: in-degrees above the planes taken one at a time (_PLANES)
DENSE = multigraphs(nodes=(1, 5), edges=(20, 70), weight=EXACT)


# ----------------------------------------------------------------------------- helpers


def small(g, o, d, q):
    return all_or_nothing_small(g.heads, g.tails, g.weights, g.edge_index,
                                g.n_nodes, o, d, q)


def kernel(g, o, d, q):
    """The numba kernel, called as ``paths.all_or_nothing`` does with one chunk."""
    flow = np.zeros(g.n_edges, dtype=np.float64)
    unreachable = np.full(o.shape[0], -1, dtype=np.int64)
    _kernels.all_or_nothing_chunk(g.indptr, g.heads, g.tails, g.weights, g.edge_index, o,
                                  d, q, flow, unreachable, 0, 1)
    return flow, unreachable


def trees(g, o):
    return shortest_trees(g.heads, g.tails, g.weights, g.n_nodes, o)


def draw_demand(data, n, value):
    """Origins and destinations (repeats allowed) and a demand matrix, mostly zero."""
    node = st.integers(0, n - 1)
    o = np.array(data.draw(st.lists(node, min_size=1, max_size=10), label="origins"))
    d = np.array(data.draw(st.lists(node, min_size=1, max_size=8), label="destinations"))
    entry = st.one_of(st.just(0.0), st.just(0.0), value)
    q = np.array(data.draw(st.lists(entry, min_size=o.size * d.size,
                                    max_size=o.size * d.size), label="demand"))
    return o.astype(np.int64), d.astype(np.int64), q.reshape(o.size, d.size)


def check_trees(g, o, dist, pred, rank):
    """Every tree slot ends at its node, is tight and comes from a lower rank; origins
    and unreached nodes have none."""
    rows, nodes = np.nonzero(pred >= 0)
    slots = pred[rows, nodes]
    parents = g.tails[slots]
    assert (g.heads[slots] == nodes).all()
    np.testing.assert_array_equal(dist[rows, parents] + g.weights[slots], dist[rows, nodes])
    assert (rank[rows, parents] < rank[rows, nodes]).all()
    assert (pred[np.arange(o.size), o] == -1).all()
    assert (pred[np.isinf(dist)] == -1).all()
    assert (rank[pred < 0] == 0).all()


def conservation(graph, flow, o, d, q, dist):
    """Per node, the flow in minus the flow out, and what it must be: the demand received
    minus the demand sent, over the pairs with a path (an origin-to-itself pair moves
    nothing)."""
    n = graph.n
    net = (np.bincount(graph.head, weights=flow, minlength=n)
           - np.bincount(graph.tail, weights=flow, minlength=n))
    served = np.where(np.isfinite(dist[:, d]) & (o[:, None] != d[None, :]), q, 0.0)
    expected = (np.bincount(d, weights=served.sum(axis=0), minlength=n)
                - np.bincount(o, weights=served.sum(axis=1), minlength=n))
    return net, expected


# --------------------------------------------------------------------------- distances


@SETTINGS
@given(st.one_of(GRAPHS, DENSE, float_graphs()), st.data())
def test_distances_and_trees(graph, data):
    # exact (quarter) and random float weights: the distances equal the oracles' bit
    # for bit either way (both are the least left-to-right float sum over the paths)
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    o, _, _ = draw_demand(data, n, quarters())
    dist, pred, rank = trees(g, o)
    np.testing.assert_array_equal(dist, scipy_distances(tail, head, weight, n, o))
    np.testing.assert_array_equal(dist, paths.distances(g, o, method="dijkstra"))
    for k in (0, -1):
        np.testing.assert_array_equal(dist[k], nx_distances(tail, head, weight, n, int(o[k])))
    check_trees(g, o, dist, pred, rank)


# ----------------------------------------------------------------------------- loading


@SETTINGS
@given(st.one_of(GRAPHS, DENSE), st.data())
def test_loading_exact_weights_costs_what_dijkstra_does(graph, data):
    # dyadic weights and demand: every sum below is exact, so the loaded cost equals
    # sum q * dist to the last bit although tied paths may differ from the kernel's
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    o, d, q = draw_demand(data, n, quarters(40))
    flow, unreachable = small(g, o, d, q)
    want_flow, want_unreachable = kernel(g, o, d, q)
    np.testing.assert_array_equal(unreachable, want_unreachable)
    dist = scipy_distances(tail, head, weight, n, o)
    dist_od = dist[:, d]
    reached = np.isfinite(dist_od)
    assert flow.shape == (g.n_edges,) and (flow >= 0).all()
    used = flow > 0
    assert np.isfinite(weight[used]).all()  # closed edges carry nothing
    cost = float(flow[used] @ weight[used])
    assert cost == float(np.sum(q[reached] * dist_od[reached]))
    assert cost == float(want_flow[want_flow > 0] @ weight[want_flow > 0])
    net, expected = conservation(graph, flow, o, d, q, dist)
    np.testing.assert_array_equal(net, expected)


@SETTINGS
@given(float_graphs(), st.data())
def test_loading_float_weights_equals_the_kernels(graph, data):
    # distinct random weights: one shortest path per pair, so the same flows as the
    # kernel's up to the order of the flow sums
    n, tail, head, weight = graph.n, graph.tail, graph.head, graph.weight
    g = paths.from_arrays(tail, head, weight, n)
    o, d, q = draw_demand(data, n, st.floats(0.001, 1000.0))
    flow, unreachable = small(g, o, d, q)
    want_flow, want_unreachable = kernel(g, o, d, q)
    np.testing.assert_array_equal(unreachable, want_unreachable)
    np.testing.assert_allclose(flow, want_flow, rtol=1e-12, atol=1e-12 * max(q.sum(), 1.0))
    dist = scipy_distances(tail, head, weight, n, o)
    net, expected = conservation(graph, flow, o, d, q, dist)
    np.testing.assert_allclose(net, expected, rtol=0, atol=1e-9 * max(q.sum(), 1.0))


# ------------------------------------------------------------------------ hand-checked


def hand_graph():
    # e0 0->1 (1), e1 0->1 (3, parallel), e2 0->2 (4), e3 1->2 (2), e4 2->3 (1),
    # e5 1->3 (6), e6 0->3 (closed: would be the cheapest), e7 3->2 (0)
    tail = [0, 0, 0, 1, 2, 1, 0, 3]
    head = [1, 1, 2, 2, 3, 3, 3, 2]
    weight = [1.0, 3.0, 4.0, 2.0, 1.0, 6.0, INF, 0.0]
    return paths.from_arrays(tail, head, weight, 4)


def test_hand_checked_four_nodes():
    g = hand_graph()
    o = np.array([0, 3])
    d = np.array([3, 2, 0])
    dist, pred, _ = trees(g, o)
    assert dist.tolist() == [[0.0, 1.0, 3.0, 4.0], [INF, INF, 0.0, 0.0]]
    assert g.edge_index[pred[0, 1:]].tolist() == [0, 3, 4]
    assert g.edge_index[pred[1, 2]] == 7
    # 0->3: 10 on e0 e3 e4; 0->2: 5 on e0 e3; 0->0: nothing to move; 3->2: 2 on e7; and
    # zero demand to the unreachable node 0 is fine
    q = np.array([[10.0, 5.0, 7.0], [0.0, 2.0, 0.0]])
    flow, unreachable = small(g, o, d, q)
    assert flow.tolist() == [15.0, 0.0, 0.0, 15.0, 10.0, 0.0, 0.0, 2.0]
    assert unreachable.tolist() == [-1, -1]
    want_flow, _ = kernel(g, o, d, q)
    assert flow.tolist() == want_flow.tolist()
    # positive demand from 3 to node 0 (destinations[2]) has no path
    q[1, 2] = 1.5
    flow, unreachable = small(g, o, d, q)
    assert unreachable.tolist() == [-1, 2]
    assert flow.tolist() == [15.0, 0.0, 0.0, 15.0, 10.0, 0.0, 0.0, 2.0]


def test_no_demand_and_no_edges():
    g = hand_graph()
    flow, unreachable = small(g, np.array([0, 1]), np.array([2]), np.zeros((2, 1)))
    assert flow.tolist() == [0.0] * 8 and unreachable.tolist() == [-1, -1]
    empty = paths.from_arrays([], [], [], 3)
    flow, unreachable = small(empty, np.array([0, 1]), np.array([0, 2]),
                              np.array([[4.0, 1.0], [0.0, 0.0]]))
    assert flow.shape == (0,) and unreachable.tolist() == [1, -1]


def test_improvement_hidden_by_rounding():
    # t is first reached at 1.0 (round 1), v from it at 1 + 1 = 2 (round 2); in round 3 t
    # improves to 1 - 2**-53 by a longer path, but (1 - 2**-53) + 1 rounds to 2 again, so
    # v keeps its round 2 while its parent's is 3: the tree slot and the push order must
    # still hold, and the demand must follow the longer path as Dijkstra's does
    s, a, b, t, v = range(5)
    tail = [s, s, a, b, t]
    head = [t, a, b, t, v]
    weight = [1.0, 0.5, 0.25, 0.25 - 2.0**-53, 1.0]
    g = paths.from_arrays(tail, head, weight, 5)
    o, d, q = np.array([s]), np.array([v]), np.array([[3.0]])
    dist, pred, rank = trees(g, o)
    assert dist[0, t] == 1 - 2.0**-53 and dist[0, v] == 2.0
    check_trees(g, o, dist, pred, rank)
    flow, unreachable = small(g, o, d, q)
    want, _ = kernel(g, o, d, q)
    assert flow.tolist() == want.tolist() == [0.0, 3.0, 3.0, 3.0, 3.0]
    assert unreachable.tolist() == [-1]


@pytest.mark.parametrize("n_in", [7, 8, 9, 30])
def test_many_parallel_edges_into_one_node(n_in):
    # in-degrees around and above the planes taken one at a time, the cheapest edge
    # anywhere in the list (first, middle, last), ties between parallel edges
    rng = np.random.default_rng(n_in)
    tail = np.concatenate([rng.integers(0, 3, n_in), [0, 1, 2]])
    head = np.concatenate([np.full(n_in, 3), [1, 2, 0]])
    weight = np.concatenate([rng.integers(1, 5, n_in).astype(float), [1.0, 1.0, 1.0]])
    g = paths.from_arrays(tail, head, weight, 4)
    o, d = np.array([0, 1, 2]), np.array([3, 0])
    q = np.array([[2.0, 0.0], [1.0, 4.0], [0.5, 0.25]])
    dist, pred, rank = trees(g, o)
    np.testing.assert_array_equal(dist, scipy_distances(tail, head, weight, 4, o))
    check_trees(g, o, dist, pred, rank)
    flow, unreachable = small(g, o, d, q)
    want, want_unreachable = kernel(g, o, d, q)
    assert float(flow @ weight) == float(want @ weight)
    np.testing.assert_array_equal(unreachable, want_unreachable)


# --------------------------------------------------------------------------- no numba


def test_loading_small_graph_does_not_load_numba():
    code = """
import json, sys
import numpy as np
from connectivity.paths._small import all_or_nothing_small
# edges 0->1 (1), 1->2 (1), 0->2 (5); CSR slots by tail: 0->1, 0->2, 1->2
heads = np.array([1, 2, 2], dtype=np.int32)
tails = np.array([0, 0, 1], dtype=np.int32); weights = np.array([1.0, 5.0, 1.0])
flow, bad = all_or_nothing_small(heads, tails, weights, np.array([0, 2, 1]), 3,
                                 np.array([0]), np.array([1, 2]), np.array([[10.0, 3.0]]))
print(json.dumps({"flow": flow.tolist(), "bad": bad.tolist(),
                  "loaded": sorted(m for m in sys.modules
                                   if m.split(".")[0] in ("numba", "scipy", "llvmlite")
                                   or m in ("connectivity._jit",
                                            "connectivity.paths._kernels"))}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    out = json.loads(done.stdout)
    assert out["flow"] == [13.0, 3.0, 0.0]  # edges 0->1, 1->2, 0->2
    assert out["bad"] == [-1]
    assert out["loaded"] == []


def test_method_numpy_through_the_public_function():
    g = paths.from_arrays([0, 1, 0, 2], [1, 2, 2, 3], [1.0, 1.0, 5.0, 1.0], 4)
    q = [[10.0, 3.0], [0.0, 2.0]]
    got = paths.all_or_nothing(g, [0, 1], [2, 3], q, method="numpy")
    assert got.tolist() == paths.all_or_nothing(g, [0, 1], [2, 3], q).tolist()
    assert got.tolist() == [13.0, 15.0, 0.0, 5.0]
    assert paths.all_or_nothing(g, [], [2], np.zeros((0, 1)), method="numpy").tolist() == [0.0] * 4
    with pytest.raises(NoRouteError, match="has no path"):
        paths.all_or_nothing(g, [3], [0], [[1.0]], method="numpy")
    with pytest.raises(ValueError, match="method='numpy' with a hierarchy"):
        paths.all_or_nothing(g, [0], [2], [[1.0]], method="numpy",
                             hierarchy=paths.hierarchy(g))
    with pytest.raises(ValueError, match="or 'numpy', got 'bellman'"):
        paths.all_or_nothing(g, [0], [2], [[1.0]], method="bellman")


def test_numpy_pays_only_on_tiny_graphs():
    assert paths.numpy_pays(24, 76, 24)  # Sioux Falls
    assert not paths.numpy_pays(65, 100, 1)  # more nodes than rounds are cheap for
    assert not paths.numpy_pays(40, 8193, 1)
    assert paths.numpy_pays(64, 128, 64) and not paths.numpy_pays(64, 129, 64)
