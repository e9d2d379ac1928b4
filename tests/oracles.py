"""Independent oracles shared by the tests (networkx or plain Python, not our code)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra


def path_cost(tail: Any, head: Any, weight: Any, edges: Iterable[Any], source: int,
              target: int, *, loopless: bool = False) -> Any:
    """The cost of a path given as edge indices, summed edge by edge in path order.

    Checks that each edge starts where the previous one ended and that the path ends at
    ``target``; with ``loopless``, that it visits no node twice. ``weight`` has one entry
    per edge: a number, or a row of criteria (the cost is then a vector).
    """
    weight = np.asarray(weight, dtype=np.float64)
    cost = np.zeros(weight.shape[1:])[()]  # 0.0, or a zero vector
    node = source
    visited = {source}
    for e in (int(e) for e in edges):
        assert tail[e] == node, f"edge {e} does not start at {node}"
        node = head[e]
        if loopless:
            assert node not in visited, f"edge {e} revisits node {node}"
            visited.add(node)
        cost = cost + weight[e]
    assert node == target
    return cost


def single_origin_instance(seed: int, n_dest: int) -> tuple[dict[str, Any], float]:
    """A random single-origin capacitated instance and its optimum by network simplex.

    Returns the keyword arguments of :func:`connectivity.assign.flow_problem` and the
    optimal cost, with unserved demand as a direct origin-destination arc at the penalty.
    """
    rng = np.random.default_rng(seed)
    n, m = 8, 24
    tail = rng.integers(0, n, m)
    head = (tail + rng.integers(1, n, m)) % n
    cost = rng.integers(1, 20, m)
    cap = rng.integers(1, 12, m)
    dests = rng.choice(np.arange(1, n), size=n_dest, replace=False)
    q = rng.integers(1, 15, n_dest)
    penalty = 1000
    g = nx.MultiDiGraph()
    g.add_node(0, demand=-int(q.sum()))
    for i in range(1, n):
        g.add_node(i, demand=0)
    for dd, qq in zip(dests, q, strict=True):
        g.nodes[int(dd)]["demand"] = int(qq)
        g.add_edge(0, int(dd), weight=penalty, capacity=int(qq))  # unserved at penalty
    for t, h, c, u in zip(tail, head, cost, cap, strict=True):
        g.add_edge(int(t), int(h), weight=int(c), capacity=int(u))
    expected, _ = nx.network_simplex(g)
    instance = {
        "tail": tail, "head": head, "cost": cost.astype(float),
        "origin": np.zeros(n_dest, dtype=int), "destination": dests,
        "tonnes": q.astype(float), "capacity": cap.astype(float),
        "unserved_penalty": float(penalty), "n_nodes": n,
    }
    return instance, float(expected)


def conservation_error(compiled: Any, assignment: Any, demand: Any) -> float:
    """Largest imbalance, in tonnes, between an assignment's edge flows and its demand.

    For every commodity, the flow leaving each node minus the flow entering it must be
    the tonnes served from that node (its origin node) minus the tonnes served to it
    (its destination node): served = demand - unserved. Flows must not be negative.
    Written from the edge arrays only, independently of the assignment code.
    """
    import pandas as pd

    table = demand[demand["tonnes_per_year"] > 0]
    lost = assignment.unserved.groupby(["origin", "destination", "commodity"])[
        "tonnes_per_year"].sum() if len(assignment.unserved) else pd.Series(dtype=float)
    worst = 0.0
    flows = assignment.edge_flow_by_commodity
    worst = max(worst, float(-flows.min(initial=0.0)))
    n = int(compiled.graph.n_nodes)
    for k, commodity in enumerate(assignment.commodities):
        rows = table if assignment.method == "ue" else table[table["commodity"] == commodity]
        f = flows[:, k]
        balance = (np.bincount(compiled.tail, weights=f, minlength=n)
                   - np.bincount(compiled.head, weights=f, minlength=n))
        expected = np.zeros(n)
        for row in rows.itertuples(index=False):
            key = (row.origin, row.destination, row.commodity)
            served = row.tonnes_per_year - float(lost.get(key, 0.0))
            expected[compiled.origin_node[row.origin]] += served
            expected[compiled.destination_node[row.destination]] -= served
        worst = max(worst, float(np.abs(balance - expected).max(initial=0.0)))
    return worst


def scipy_distances(tail: Any, head: Any, weight: Any, n: int, sources: Any) -> Any:
    """scipy.sparse.csgraph distances on the simple graph of the cheapest open edge per
    ordered pair, built entry by entry so that zero weights stay stored edges."""
    best: dict[tuple[int, int], float] = {}
    for t, h, w in zip(np.asarray(tail).tolist(), np.asarray(head).tolist(),
                       np.asarray(weight, dtype=float).tolist(), strict=True):
        if t != h and w < np.inf and w < best.get((t, h), np.inf):
            best[(t, h)] = w
    keys = sorted(best)
    counts = np.zeros(n + 1, dtype=np.int64)
    np.add.at(counts, [k[0] + 1 for k in keys], 1)
    mat = sp.csr_matrix((np.array([best[k] for k in keys], dtype=float),
                         np.array([k[1] for k in keys], dtype=np.int64), np.cumsum(counts)),
                        shape=(n, n))
    assert mat.nnz == len(keys)  # explicit zeros kept: csgraph reads them as edges
    return np.atleast_2d(scipy_dijkstra(mat, directed=True,
                                        indices=np.asarray(sources, dtype=np.int64)))


def nx_distances(tail: Any, head: Any, weight: Any, n: int, source: int) -> Any:
    """networkx Dijkstra from ``source`` on the multigraph of the open edges."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    for t, h, w in zip(np.asarray(tail).tolist(), np.asarray(head).tolist(),
                       np.asarray(weight, dtype=float).tolist(), strict=True):
        if w != np.inf:
            g.add_edge(t, h, weight=w)
    out = np.full(n, np.inf)
    for v, d in nx.single_source_dijkstra_path_length(g, int(source)).items():
        out[v] = d
    return out
