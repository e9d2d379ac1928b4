"""Landmarks for A* point-to-point search (ALT): an explicit preprocessing step."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from connectivity import checks
from connectivity._jit import load_numba
from connectivity.checks import readonly
from connectivity.paths import _kernels
from connectivity.paths.csr import CSRGraph

__all__ = ["Landmarks", "landmarks", "MAX_LANDMARKS"]

#: Most landmarks :func:`landmarks` computes: the bound gains little beyond 16.
MAX_LANDMARKS = 64


@dataclass(frozen=True, eq=False)
class Landmarks:
    """Distances to and from a few landmark nodes, for :func:`shortest_path` (ALT).

    Built by :func:`landmarks` for one graph *and its weights*: a graph from
    :func:`reweight` needs its own.

    Attributes
    ----------
    nodes
        The landmark node indices, length ``k``.
    from_landmark
        ``n_nodes x k``: distance from landmark ``j`` to node ``v`` at ``[v, j]``
        (``inf`` where unreachable).
    to_landmark
        ``n_nodes x k``: distance from node ``v`` to landmark ``j`` at ``[v, j]``.
    weights
        The graph's CSR weight array these distances were computed on (shared, not a
        copy); :func:`shortest_path` accepts the landmarks only for a graph holding
        this very array.
    """

    nodes: NDArray[np.int64]
    from_landmark: NDArray[np.float64]
    to_landmark: NDArray[np.float64]
    weights: NDArray[np.float64]

    def __repr__(self) -> str:
        return f"Landmarks(k={self.k}, n_nodes={self.from_landmark.shape[0]})"

    @property
    def k(self) -> int:
        """Number of landmarks."""
        return int(self.nodes.shape[0])

    @property
    def nbytes(self) -> int:
        """Bytes held by the landmark arrays (the shared weights not counted)."""
        return int(self.nodes.nbytes + self.from_landmark.nbytes + self.to_landmark.nbytes)


def landmarks(graph: CSRGraph, *, k: int = 8, seed: int = 0) -> Landmarks:
    """Pick ``k`` landmarks and store every node's distance to and from each (for ALT).

    An explicit preprocessing step for repeated :func:`shortest_path` queries on one
    graph without coordinates: ``shortest_path(graph, s, t, landmarks=lm)`` is then an
    A* search guided by the triangle inequality through the landmarks. Landmarks are
    chosen by farthest-point selection on the round-trip distance ``d(L, v) + d(v, L)``
    (a direction without a path counts 0; a node with no path either way is never
    picked): the first is the node farthest from a random start node, each next one
    the node farthest from all landmarks chosen so far. The cost is ``2 (k + 1)`` one-to-all
    searches (forward and backward run side by side when numba has two threads or
    more) and ``16 k`` bytes per node.

    Parameters
    ----------
    graph
        The graph; the landmarks are valid for it and its weights only.
    k
        Number of landmarks, 1 to :data:`MAX_LANDMARKS`. Fewer are returned when every
        node with a path to or from the landmarks chosen so far is a landmark already.
    seed
        Seed of the random start node, for reproducible landmarks.

    Returns
    -------
    Landmarks

    Raises
    ------
    ValueError
        ``k`` is not an integer >= 1, or ``seed`` is not an integer.

    Examples
    --------
    >>> from connectivity.paths import from_arrays, shortest_path
    >>> g = from_arrays([0, 1, 2, 1], [1, 2, 0, 0], [1.0, 1.0, 1.0, 3.0], 3)
    >>> lm = landmarks(g, k=2, seed=1)
    >>> lm.k, lm.from_landmark.shape
    (2, (3, 2))
    >>> shortest_path(g, 1, 0, landmarks=lm).tolist()
    [1, 2]
    """
    n_lm = checks.integer("k", k)
    if n_lm < 1:
        raise ValueError(f"k must be >= 1, got {n_lm}")
    if n_lm > MAX_LANDMARKS:
        raise ValueError(
            f"k={n_lm} landmarks: at most {MAX_LANDMARKS} (each costs two searches and "
            "16 bytes per node; 8 to 16 is usual)"
        )
    rng = np.random.default_rng(checks.integer("seed", seed))
    n = graph.n_nodes
    if n == 0:
        return Landmarks(
            nodes=readonly(np.zeros(0, dtype=np.int64)),
            from_landmark=readonly(np.zeros((0, 0), dtype=np.float64)),
            to_landmark=readonly(np.zeros((0, 0), dtype=np.float64)),
            weights=graph.weights,
        )

    def forward(v: int) -> NDArray[np.float64]:
        return _kernels.one_to_all(graph.indptr, graph.heads, graph.weights, v)[0]

    def backward(v: int) -> NDArray[np.float64]:
        return _kernels.one_to_all(graph.rev_indptr, graph.rev_heads, graph.rev_weights, v)[0]

    pool = ThreadPoolExecutor(max_workers=2) if load_numba().get_num_threads() > 1 else None

    def both(v: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if pool is None:
            return forward(v), backward(v)
        back = pool.submit(backward, v)  # the kernels release the GIL
        return forward(v), back.result()

    def spread(f: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
        fin_f, fin_b = np.isfinite(f), np.isfinite(b)
        # -1 for no path either way: those would otherwise pick isolated nodes first
        return np.where(fin_f | fin_b, np.where(fin_f, f, 0.0) + np.where(fin_b, b, 0.0),
                        -1.0)

    from_lm = np.empty((n, n_lm), dtype=np.float64)
    to_lm = np.empty((n, n_lm), dtype=np.float64)
    nodes: list[int] = []
    try:
        f, b = both(int(rng.integers(n)))
        score = spread(f, b)
        for j in range(n_lm):
            v = int(np.argmax(score))
            if j > 0 and not score[v] > 0:
                break  # every node related to the landmarks is one already
            f, b = both(v)
            from_lm[:, j] = f
            to_lm[:, j] = b
            nodes.append(v)
            score = spread(f, b) if j == 0 else np.minimum(score, spread(f, b))
    finally:
        if pool is not None:
            pool.shutdown()
    used = len(nodes)
    return Landmarks(
        nodes=readonly(np.array(nodes, dtype=np.int64)),
        from_landmark=readonly(np.ascontiguousarray(from_lm[:, :used])),
        to_landmark=readonly(np.ascontiguousarray(to_lm[:, :used])),
        weights=graph.weights,
    )
