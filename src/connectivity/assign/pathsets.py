"""Paths as arrays: traced from shortest-path trees, selected, and their capacity rows.

A set of paths is a CSR list: ``edges[start[i]:start[i + 1]]`` are the edges of path
``i`` from origin to destination. :func:`trace_paths` reads them off shortest-path trees
(all paths at once, one step per depth), :func:`select_paths` keeps some of them, and
:func:`resource_matrix` says which capacity rows each edge sits in. Used by the path
column generation (:mod:`connectivity.assign.colgen`) and by the analyses that need flows
on paths.

Example
-------
>>> import numpy as np
>>> pred = np.array([[-1, 0, 1]])  # one tree from node 0: edge 0 enters 1, edge 1 enters 2
>>> start, edges = trace_paths(pred, np.array([0, 1]), np.array([0]), np.array([0]),
...                            np.array([2]))
>>> start.tolist(), edges.tolist()
([0, 2], [0, 1])
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = ["resource_matrix", "trace_paths", "select_paths"]

IntArray = npt.NDArray[np.int64]


def resource_matrix(
    m: int, cap_edges: IntArray, group_start: IntArray, group_edges: IntArray
) -> sp.csr_matrix:
    """``m x (n_cap + n_groups)``: entry 1 where an edge sits in a capacity row."""
    n_cap = int(cap_edges.shape[0])
    n_groups = int(group_start.shape[0]) - 1
    g_of = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(group_start))
    rows = np.concatenate([cap_edges, group_edges])
    cols = np.concatenate([np.arange(n_cap, dtype=np.int64), n_cap + g_of])
    e = sp.csr_matrix(
        (np.ones(rows.shape[0]), (rows, cols)), shape=(m, n_cap + n_groups)
    )
    e.sum_duplicates()
    return e


def trace_paths(
    pred: IntArray, tail: IntArray, rows: IntArray, origin: IntArray, dest: IntArray
) -> tuple[IntArray, IntArray]:
    """Walk trees back from each destination, all paths at once (one step per depth).

    ``pred[r, v]`` is the tree edge entering ``v`` in tree ``r``. Returns CSR offsets and
    the edges of each path in origin-to-destination order.
    """
    n = int(rows.shape[0])
    ids: list[IntArray] = []
    edges: list[IntArray] = []
    depth: list[IntArray] = []
    cur = dest.copy()
    live = np.flatnonzero(cur != origin)
    step = 0
    while live.size:
        e = pred[rows[live], cur[live]]
        ids.append(live)
        edges.append(e)
        depth.append(np.full(live.shape[0], step, dtype=np.int64))
        cur[live] = tail[e]
        live = live[cur[live] != origin[live]]
        step += 1
    if not ids:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pid = np.concatenate(ids)
    ed = np.concatenate(edges)
    dp = np.concatenate(depth)
    order = np.lexsort((-dp, pid))
    start = np.zeros(n + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(pid, minlength=n))
    return start, ed[order].astype(np.int64)


def select_paths(
    start: IntArray, edges: IntArray, rows: IntArray
) -> tuple[IntArray, IntArray]:
    """Rows ``rows`` of a CSR list of paths, as a new CSR list."""
    lengths = np.diff(start)[rows]
    new_start = np.zeros(rows.shape[0] + 1, dtype=np.int64)
    new_start[1:] = np.cumsum(lengths)
    take = np.repeat(start[rows] - new_start[:-1], lengths) + np.arange(int(new_start[-1]))
    return new_start, edges[take].astype(np.int64)
