"""The customization's spans (supernodes), customized as blocks: the spans' structure on
random multigraphs, and every arc's customized weight against its definition, computed
by scipy's Dijkstra on graphs whose hierarchies have long spans, on one thread and on
parallel subtrees."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectivity import paths
from connectivity.paths import _cch_kernels, contraction
from oracles import scipy_distances
from strategies import EXACT, multigraphs, quarters

INF = np.inf

GRAPHS = multigraphs(nodes=(1, 60), edges=(0, 240), weight=EXACT, parallel=4,
                     parallel_weight=st.one_of(quarters(), st.just(0.0)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(GRAPHS)
def test_a_span_is_a_chain_of_nested_upper_neighbours(graph):
    g = paths.from_arrays(graph.tail, graph.head, graph.weight, graph.n)
    topo = paths.hierarchy(g).topology
    up_ptr, heads, span = topo.up_ptr, topo.heads, topo.span
    for x in range(graph.n):
        upper = heads[up_ptr[x]:up_ptr[x + 1]]
        joins = (x + 1 < graph.n and len(upper) > 0 and upper[0] == x + 1
                 and np.array_equal(upper[1:], heads[up_ptr[x + 1]:up_ptr[x + 2]]))
        assert span[x] == (span[x + 1] + 1 if joins else 1)


def lower_distances(topo, tail, head, weight):
    """Each arc's two weights by definition (what the basic customization computes): the
    shortest path between its ends through nodes of lower rank than both, by scipy."""
    rank = topo.rank
    rt, rh = rank[np.asarray(tail)], rank[np.asarray(head)]
    up = np.full(topo.n_arcs, INF)
    down = np.full(topo.n_arcs, INF)
    for x in range(topo.n_nodes):
        arcs = np.arange(topo.up_ptr[x], topo.up_ptr[x + 1])
        if arcs.size == 0:
            continue
        ys = topo.heads[arcs]
        # leave only from x and the nodes below it: the nodes above x end paths
        fwd = rt <= x
        d = scipy_distances(rt[fwd], rh[fwd], weight[fwd], topo.n_nodes, [x])[0]
        up[arcs] = d[ys]
        bwd = rh <= x  # the same on the reversed graph: paths from each y into x
        d = scipy_distances(rh[bwd], rt[bwd], weight[bwd], topo.n_nodes, [x])[0]
        down[arcs] = d[ys]
    return up, down


def random_graph(seed, n, m):
    rng = np.random.default_rng(seed)
    tail, head = rng.integers(0, n, m), rng.integers(0, n, m)
    weight = rng.integers(0, 12, m) / 4
    weight[rng.random(m) < 0.05] = INF
    return tail, head, weight, n


def grid_graph(seed, side):
    rng = np.random.default_rng(seed)
    ids = np.arange(side * side).reshape(side, side)
    pairs = np.concatenate([np.c_[ids[:, :-1].ravel(), ids[:, 1:].ravel()],
                            np.c_[ids[:-1, :].ravel(), ids[1:, :].ravel()]])
    pairs = pairs[rng.random(len(pairs)) < 0.8]
    tail = np.concatenate([pairs[:, 0], pairs[:, 1]])
    head = np.concatenate([pairs[:, 1], pairs[:, 0]])
    weight = rng.integers(1, 40, tail.shape[0]) / 8
    weight[rng.random(tail.shape[0]) < 0.03] = INF
    return tail, head, weight, side * side


@pytest.mark.parametrize("parallel", [False, True], ids=["one thread", "subtrees"])
@pytest.mark.parametrize("make", [lambda: random_graph(5, 300, 1500),
                                  lambda: grid_graph(7, 30)], ids=["random", "grid"])
def test_every_arc_weight_is_its_lower_shortest_path(make, parallel, monkeypatch):
    import numba

    tail, head, weight, n = make()
    if parallel:
        monkeypatch.setattr(contraction, "_PARALLEL_ARCS", 0)
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    topo = h.topology
    # the graph has spans long enough to be customized as blocks
    assert topo.span.max() >= 3 * _cch_kernels.SPAN_MIN
    if parallel:
        assert numba.get_num_threads() > 1 and len(topo.task_ptr) > 2
    up, down = lower_distances(topo, tail, head, weight)
    # another vector, dyadic like the first so that every sum is exact in any order
    w2 = np.where(weight < INF, np.random.default_rng(1).integers(0, 80, weight.shape[0]) / 8,
                  INF)
    up2, down2 = lower_distances(topo, tail, head, w2)
    for hh, w, u, d in ((h.customize(weight, perfect=False), weight, up, down),
                        (h.customize(w2, perfect=False), w2, up2, down2)):
        np.testing.assert_array_equal(hh.up_w, u)
        np.testing.assert_array_equal(hh.down_w, d)
        src = np.arange(0, n, 7)
        np.testing.assert_array_equal(paths.distances(hh.graph, src, hierarchy=hh),
                                      paths.distances(paths.reweight(g, w), src))


def test_thorough_order_is_kept_with_the_structure_and_answers_the_same():
    tail, head, weight, n = grid_graph(3, 60)  # METIS tries more than one separator
    g = paths.from_arrays(tail, head, weight, n)
    fast = paths.hierarchy(g)
    assert fast.topology.order_name == "fast"
    thorough = paths.hierarchy(g, order="thorough")
    topo = thorough.topology
    assert topo.order_name == "thorough" and topo is not fast.topology
    # METIS keeps the smallest of 8 separators at each dissection (of 1,000 nodes or
    # more): on this grid, fewer triangles for every customization to go through
    assert topo.n_triangles < fast.topology.n_triangles
    src = np.arange(0, n, 37)
    ref = paths.distances(g, src)
    np.testing.assert_array_equal(paths.distances(g, src, hierarchy=thorough), ref)
    np.testing.assert_array_equal(paths.distances(g, src, hierarchy=fast), ref)
    # kept with the structure: later hierarchies of this graph or a reweighted one, and
    # the library's own (method="hierarchy"), use it
    w2 = np.where(weight < INF, weight * 2, INF)
    g2 = paths.reweight(g, w2)
    assert paths.hierarchy(g2).topology is topo
    assert paths.hierarchy(g2, order="thorough").topology is topo
    np.testing.assert_array_equal(paths.distances(g2, src, method="hierarchy"),
                                  paths.distances(g2, src))
    assert g2._structure_cache["cch"] is topo
    # asking for the other order replaces it
    assert paths.hierarchy(g, order="fast").topology.order_name == "fast"
    assert paths.hierarchy(g2).topology.order_name == "fast"


@pytest.mark.parametrize("bad", ["best", "", 8, "Thorough"])
def test_bad_order_is_refused_naming_it(bad):
    g = paths.from_arrays([0, 1], [1, 2], [1.0, 2.0], 3)
    with pytest.raises(ValueError, match=f"order must be one of 'fast', 'thorough' or "
                                         f"None, got {bad!r}"):
        paths.hierarchy(g, order=bad)
