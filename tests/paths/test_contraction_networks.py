"""Contraction hierarchies on special and larger graphs: empty, edgeless, self-loops,
trees, complete graphs, a 2,000-node chain, deep path unpacking, many parallel edges,
the TNTP Grid network and a 2,500-node road-like grid; all checked against Dijkstra."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectivity import io as tntp
from connectivity import paths
from connectivity.errors import NoRouteError
from oracles import path_cost

INF = np.inf
DATA = Path(__file__).resolve().parent.parent / "data"


def agree_with_dijkstra(tail, head, weight, n, *, sources=None, pairs=None, exact=True,
                        same_edges=False):
    """Build the hierarchy (with and without perfect customization) and compare it with
    Dijkstra: distances from ``sources`` (all nodes by default) to every node and to a
    subset; paths for ``pairs`` (all pairs of ``sources`` by default). Returns the
    hierarchy (perfect)."""
    g = paths.from_arrays(tail, head, weight, n)
    h = paths.hierarchy(g)
    for hh in (h.customize(weight, perfect=False), h):
        _agree(g, hh, (tail, head, weight), sources=sources, pairs=pairs, exact=exact,
               same_edges=same_edges)
    return h


def _agree(g, h, edges_in, *, sources, pairs, exact, same_edges):
    tail, head, weight = edges_in
    n = g.n_nodes
    src = np.arange(n) if sources is None else np.asarray(sources)
    ref = paths.distances(g, src)
    got = paths.distances(g, src, hierarchy=h)
    targets = np.arange(n)[::3][::-1]
    got_t = paths.distances(g, src, targets, hierarchy=h)
    if exact:
        np.testing.assert_array_equal(got, ref)
        np.testing.assert_array_equal(got_t, ref[:, targets])
    else:
        np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        np.testing.assert_allclose(got_t, ref[:, targets], rtol=1e-12)
    if pairs is None:
        pairs = [(int(s), int(t)) for s in src for t in src]
    row = {int(s): i for i, s in enumerate(src)}
    for s, t in pairs:
        d = ref[row[s], t] if s in row else paths.distances(g, [s], [t])[0, 0]
        if d == INF:
            with pytest.raises(NoRouteError):
                paths.shortest_path(g, s, t, hierarchy=h)
            continue
        edges = paths.shortest_path(g, s, t, hierarchy=h)
        cost = path_cost(tail, head, weight, edges, s, t)
        assert cost == d if exact else cost == pytest.approx(d, rel=1e-12), (s, t)
        if same_edges:
            assert edges.tolist() == paths.shortest_path(g, s, t).tolist(), (s, t)


# ------------------------------------------------------------------------ edge cases


def test_empty_graph():
    g = paths.from_arrays([], [], [], 0)
    h = paths.hierarchy(g)
    assert h.n_arcs == 0
    assert paths.distances(g, [], hierarchy=h).shape == (0, 0)
    assert paths.distances(g, [], [], hierarchy=h).shape == (0, 0)
    assert h.customize([]).n_arcs == 0
    with pytest.raises(ValueError, match="source"):
        paths.shortest_path(g, 0, 0, hierarchy=h)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_nodes_without_edges(n):
    g = paths.from_arrays([], [], [], n)
    h = paths.hierarchy(g)
    expected = np.where(np.eye(n, dtype=bool), 0.0, INF)
    np.testing.assert_array_equal(paths.distances(g, range(n), hierarchy=h), expected)
    np.testing.assert_array_equal(paths.distances(g, [0] * 10, [n - 1, 0], hierarchy=h),
                                  expected[[0] * 10][:, [n - 1, 0]])
    assert paths.shortest_path(g, n - 1, n - 1, hierarchy=h).tolist() == []
    if n > 1:
        with pytest.raises(NoRouteError, match="no path from node 0 to node 1"):
            paths.shortest_path(g, 0, 1, hierarchy=h)


def test_single_node_with_self_loops():
    g = paths.from_arrays([0, 0], [0, 0], [0.0, 2.0], 1)
    h = paths.hierarchy(g)
    assert paths.distances(g, [0, 0], hierarchy=h).tolist() == [[0.0], [0.0]]
    assert paths.shortest_path(g, 0, 0, hierarchy=h).tolist() == []
    assert h.customize([INF, INF]).n_arcs == h.n_arcs


def test_only_self_loops():
    tail = [0, 1, 2, 3, 3, 1]
    weight = [0.0, 1.0, INF, 2.0, 0.0, 0.5]
    h = agree_with_dijkstra(tail, tail, weight, 4)
    assert h.n_arcs == 0


def test_disconnected_components_and_isolated_nodes():
    rng = np.random.default_rng(1)
    tails, heads = [], []
    for offset in (0, 30, 60):  # three components on 0-29, 30-59, 60-89; 90-99 isolated
        tails.append(rng.integers(0, 30, 80) + offset)
        heads.append(rng.integers(0, 30, 80) + offset)
    tail, head = np.concatenate(tails), np.concatenate(heads)
    weight = rng.integers(0, 8, tail.shape[0]) / 4
    h = agree_with_dijkstra(tail, head, weight, 100, sources=np.arange(0, 100, 3))
    # the elimination forest has at least one tree per component and isolated node
    assert int(np.count_nonzero(h.topology.parent == -1)) >= 13


@pytest.mark.parametrize("both_ways", [True, False])
def test_tree(both_ways):
    rng = np.random.default_rng(2)
    n = 300
    child = np.arange(1, n)
    parent = rng.integers(0, child)  # a random tree
    if both_ways:
        tail, head = np.concatenate([parent, child]), np.concatenate([child, parent])
    else:  # each tree edge in one random direction
        flip = rng.random(n - 1) < 0.5
        tail, head = np.where(flip, child, parent), np.where(flip, parent, child)
    weight = rng.integers(0, 20, tail.shape[0]) / 4
    h = agree_with_dijkstra(tail, head, weight, n, sources=np.arange(0, n, 11))
    # an arc per tree edge (nested dissection may add a few shortcuts)
    assert n - 1 <= h.n_arcs < 2 * n


def test_complete_graph():
    rng = np.random.default_rng(3)
    n = 25
    tail, head = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    weight = rng.integers(0, 40, tail.shape[0]) / 4  # self-loops included
    h = agree_with_dijkstra(tail, head, weight, n)
    assert h.n_arcs == n * (n - 1) // 2
    # every node is adjacent to every higher one: the elimination tree is a path
    assert h.topology.parent.tolist() == [*range(1, n), -1]


def test_long_chain():
    n = 2000
    fwd = np.arange(n - 1)
    tail = np.concatenate([fwd, fwd + 1])  # edges 0..1998 go up the chain, 1999.. down
    head = np.concatenate([fwd + 1, fwd])
    weight = np.concatenate([np.full(n - 1, 0.25), np.full(n - 1, 0.5)])
    g = paths.from_arrays(tail, head, weight, n)
    h = agree_with_dijkstra(tail, head, weight, n, sources=[0, 1, 999, 1000, 1999] * 2,
                            pairs=[(0, 1999), (1999, 0), (5, 1500), (1500, 5), (7, 7)])
    assert paths.shortest_path(g, 0, n - 1, hierarchy=h).tolist() == list(range(n - 1))
    assert paths.shortest_path(g, n - 1, 0, hierarchy=h).tolist() == list(
        range(2 * n - 3, n - 2, -1))
    assert paths.distances(g, [0], [n - 1], hierarchy=h).tolist() == [[(n - 1) * 0.25]]
    # one direction only: the way back is closed
    h1 = h.customize(np.concatenate([np.full(n - 1, 0.25), np.full(n - 1, INF)]))
    assert paths.shortest_path(h1.graph, 3, 1003, hierarchy=h1).tolist() == list(
        range(3, 1003))
    with pytest.raises(NoRouteError):
        paths.shortest_path(h1.graph, 1003, 3, hierarchy=h1)


def test_deeply_nested_shortcuts_unpack_in_order():
    # On a complete graph every pair of nodes is an arc. With the ranks known, make the
    # only cheap route from the top node s to the next t run through every other node
    # in increasing rank: the arc s - t then nests ~n shortcuts, each the first half of
    # the one above, so unpacking needs a stack ~n deep (more than its initial 64).
    n = 100
    tail, head = np.nonzero(~np.eye(n, dtype=bool))
    g = paths.from_arrays(tail, head, np.full(tail.shape[0], 1000.0), n)
    h = paths.hierarchy(g)
    order = h.topology.order
    s, t = int(order[n - 1]), int(order[n - 2])
    route = [s, *order[: n - 2].tolist(), t]
    edge_of = {(int(a), int(b)): e for e, (a, b) in enumerate(zip(tail, head, strict=True))}
    cheap = [edge_of[(a, b)] for a, b in zip(route[:-1], route[1:], strict=True)]
    w = np.full(tail.shape[0], 1000.0)
    w[cheap] = 1.0
    # and the reverse route, whose shortcuts nest in their second halves
    back = [edge_of[(b, a)] for a, b in zip(route[:-1], route[1:], strict=True)][::-1]
    w2 = np.full(tail.shape[0], 1000.0)
    w2[back] = 1.0
    for perfect in (False, True):
        h2 = h.customize(w, perfect=perfect)
        assert paths.shortest_path(h2.graph, s, t, hierarchy=h2).tolist() == cheap
        assert paths.distances(h2.graph, [s], [t], hierarchy=h2).tolist() == [[n - 1.0]]
        h3 = h.customize(w2, perfect=perfect)
        assert paths.shortest_path(h3.graph, t, s, hierarchy=h3).tolist() == back


def test_many_parallel_edges_between_one_pair():
    rng = np.random.default_rng(4)
    k = 60
    weight = rng.permutation(np.arange(1, 2 * k + 1) / 4)  # distinct
    tail = np.array([0] * k + [1] * k)
    head = np.array([1] * k + [0] * k)
    g = paths.from_arrays(tail, head, weight, 2)
    h = agree_with_dijkstra(tail, head, weight, 2, same_edges=True)
    assert h.n_arcs == 1
    best = int(np.argmin(weight[:k]))
    assert paths.shortest_path(g, 0, 1, hierarchy=h).tolist() == [best]
    closed = weight.copy()
    closed[best] = INF
    h2 = h.customize(closed)
    assert paths.shortest_path(h2.graph, 0, 1, hierarchy=h2).tolist() == [
        int(np.argmin(closed[:k]))]
    # all equal: any one of the parallel edges, at that cost
    h3 = h.customize(np.ones(2 * k))
    (e,) = paths.shortest_path(h3.graph, 1, 0, hierarchy=h3).tolist()
    assert k <= e < 2 * k
    h4 = h.customize(np.concatenate([np.full(k, INF), np.ones(k)]))
    with pytest.raises(NoRouteError):
        paths.shortest_path(h4.graph, 0, 1, hierarchy=h4)


# --------------------------------------------------------------------- bigger networks


def test_tntp_grid_network():
    net = tntp.read_net(DATA / "Grid_net.tntp")
    tail, head = net.init_node - 1, net.term_node - 1
    weight = net.free_flow_time
    # free-flow times have two decimals: equal-cost routes exist, so no edge comparison
    h = agree_with_dijkstra(tail, head, weight, net.n_nodes, exact=False)
    # a scenario: the first ten links closed, the rest 20% slower
    w = np.where(np.arange(net.n_links) < 10, INF, 1.2 * weight)
    h2 = h.customize(w)
    g2 = paths.from_arrays(tail, head, w, net.n_nodes)
    everyone = np.arange(net.n_nodes)
    np.testing.assert_allclose(paths.distances(g2, everyone, hierarchy=h2),
                               paths.distances(g2, everyone), rtol=1e-12)


def road_graph(side, seed):
    """Jittered ``side x side`` grid, ~75% of links kept, both directions, weight =
    length x a random slowness in [1, 1.5)."""
    rng = np.random.default_rng(seed)
    n = side * side
    xy = np.stack(np.divmod(np.arange(n), side), axis=1) + rng.uniform(-0.3, 0.3, (n, 2))
    ids = np.arange(n).reshape(side, side)
    a = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    b = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    keep = rng.random(a.shape[0]) < 0.75
    a, b = a[keep], b[keep]
    length = np.linalg.norm(xy[a] - xy[b], axis=1)
    weight = np.concatenate([length, length]) * rng.uniform(1.0, 1.5, 2 * a.shape[0])
    return np.concatenate([a, b]), np.concatenate([b, a]), weight, n


def test_road_grid_2500_nodes():
    tail, head, weight, n = road_graph(50, seed=12)
    rng = np.random.default_rng(13)
    sources = rng.integers(0, n, 50)
    pairs = [(int(s), int(t)) for s, t in rng.integers(0, n, (200, 2))]
    h = agree_with_dijkstra(tail, head, weight, n, sources=sources, pairs=pairs,
                            exact=False, same_edges=True)
    assert h.topology.n_nodes == n and h.n_arcs >= tail.shape[0] // 2
    # re-customized: 5% of the edges closed, the rest with new slowness factors
    w = weight * rng.uniform(0.8, 1.2, weight.shape[0])
    w[rng.random(w.shape[0]) < 0.05] = INF
    h2 = h.customize(w)
    g2 = paths.reweight(h.graph, w)
    ref = paths.distances(g2, sources)
    got = paths.distances(g2, sources, hierarchy=h2)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    for s, t in pairs[:50]:
        if paths.distances(g2, [s], [t])[0, 0] == INF:
            with pytest.raises(NoRouteError):
                paths.shortest_path(g2, s, t, hierarchy=h2)
            continue
        assert (paths.shortest_path(g2, s, t, hierarchy=h2).tolist()
                == paths.shortest_path(g2, s, t).tolist())
