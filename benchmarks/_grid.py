"""The two-way square grid the generated benchmark instances are built on."""

from __future__ import annotations

import numpy as np


def grid_arcs(side: int) -> tuple[np.ndarray, np.ndarray]:
    """Tail and head of a ``side x side`` grid's links, both directions, in row-major
    order of their first node (right neighbour, then the one below)."""
    tail: list[int] = []
    head: list[int] = []
    for r in range(side):
        for c in range(side):
            u = r * side + c
            if c + 1 < side:
                tail += [u, u + 1]
                head += [u + 1, u]
            if r + 1 < side:
                tail += [u, u + side]
                head += [u + side, u]
    return np.array(tail, dtype=np.int64), np.array(head, dtype=np.int64)
