"""Hypothesis strategies shared by the path tests: small random directed multigraphs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from hypothesis import strategies as st

INF = np.inf


class Multigraph(NamedTuple):
    """A drawn graph: edge i runs from ``tail[i]`` to ``head[i]`` with ``weight[i]``."""

    n: int  # nodes 0..n-1
    tail: np.ndarray  # int64, one per edge
    head: np.ndarray  # int64, one per edge
    weight: np.ndarray  # float64, shape (m,), or (m, n_criteria) with ``criteria``
    source: int | None  # distinct endpoints with ``endpoints=True``, else None
    target: int | None


def quarters(hi: int = 20) -> st.SearchStrategy[float]:
    """0, 0.25, ..., hi / 4: their sums are exact in binary floating point."""
    return st.integers(0, hi).map(lambda k: k / 4)


def whole(hi: int) -> st.SearchStrategy[float]:
    """0.0, 1.0, ..., hi as floats."""
    return st.integers(0, hi).map(float)


@st.composite
def multigraphs(
    draw: Any,
    *,
    nodes: tuple[int, int],
    edges: tuple[int, int],
    weight: st.SearchStrategy[float],
    criteria: Sequence[int] | None = None,
    parallel: int = 0,
    parallel_weight: st.SearchStrategy[float] | None = None,
    edge_list: bool = False,
    endpoints: bool = False,
) -> Multigraph:
    """Directed multigraphs with self-loops and parallel edges allowed.

    ``nodes`` and ``edges`` are inclusive ranges of the node and edge counts; ends are
    drawn from the nodes. Each weight (each criterion value, with ``criteria``, a list
    of criterion counts to pick from) is drawn from ``weight``. The edge count is drawn
    first, then all tails, heads and weights; with ``edge_list``, edges are drawn one
    ``(tail, head, weight)`` at a time into a list whose length hypothesis chooses
    (fewer edges on average). ``parallel``: the first k <= parallel edges are repeated,
    each with a weight from ``parallel_weight``, so that parallel edges are likely.
    ``endpoints``: also draw a source and a different target (so at least 2 nodes).
    """
    if parallel and (criteria is not None or parallel_weight is None):
        raise ValueError("parallel copies need parallel_weight and one weight per edge")
    if edge_list and criteria is not None:
        raise ValueError("edge_list draws one weight per edge")
    n = draw(st.integers(*nodes))
    n_crit = None if criteria is None else draw(st.sampled_from(criteria))
    node = st.integers(0, n - 1)
    if edge_list:
        drawn = draw(st.lists(st.tuples(node, node, weight), min_size=edges[0],
                              max_size=edges[1]))
        tail, head, flat = ([edge[i] for edge in drawn] for i in range(3))
        m = len(drawn)
    else:
        m = draw(st.integers(*edges))
        tail = draw(st.lists(node, min_size=m, max_size=m))
        head = draw(st.lists(node, min_size=m, max_size=m))
        width = 1 if n_crit is None else n_crit
        flat = draw(st.lists(weight, min_size=m * width, max_size=m * width))
    if parallel:
        assert parallel_weight is not None
        for e in range(draw(st.integers(0, min(m, parallel)))):
            tail.append(tail[e])
            head.append(head[e])
            flat.append(draw(parallel_weight))
    w = np.array(flat, dtype=np.float64)
    if n_crit is not None:
        w = w.reshape(m, n_crit)
    source = target = None
    if endpoints:
        source, target = draw(st.lists(node, min_size=2, max_size=2, unique=True))
    return Multigraph(n, np.array(tail, dtype=np.int64), np.array(head, dtype=np.int64), w,
                      source, target)


# exact arithmetic: quarters, many zeros, some closed edges (sums are exact, so ties are
# real ties)
EXACT = st.one_of(quarters(), st.just(0.0), st.just(INF))


@st.composite
def float_graphs(draw: st.DrawFn, *, closed: float = 0.1) -> Multigraph:
    """Random topology (self-loops, parallel edges) with distinct random float weights
    in [0.5, 2), about ``closed`` of the edges closed (``inf``): shortest paths unique."""
    g = draw(multigraphs(nodes=(1, 40), edges=(0, 120), weight=st.just(1.0), parallel=8,
                         parallel_weight=st.just(1.0)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w = rng.uniform(0.5, 2.0, g.weight.shape[0])
    w[rng.random(w.shape[0]) < closed] = INF
    return g._replace(weight=w)
