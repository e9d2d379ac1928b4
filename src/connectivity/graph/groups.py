"""Capacity groups: sets of edges that share one capacity.

A border crossing's capacity binds each direction of all its links together (a rail
crossing with a 1,435 mm and a 1,520 mm link is one border post); a terminal's
throughput capacity (a port, a dry port) binds every tonne handled there, which is the
flow on the edges entering its node, whatever the direction of traffic. The groups are
found once when a network is compiled; the flow models read them as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from connectivity.checks import readonly

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CapacityGroups", "crossing_groups", "terminal_groups"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
IdArray = NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class CapacityGroups:
    """Groups of edges with a shared capacity, crossing directions first, then terminals.

    Attributes
    ----------
    kind
        ``"crossing"`` or ``"terminal"`` per group.
    crossing, reverse
        Crossing groups: the crossing's code and the direction (``True``: the back
        direction of two-way links); ``-1`` and ``False`` for terminal groups.
    place, terminal, name
        Terminal groups: the place id, terminal kind and display name; ``""`` for
        crossing groups.
    start, edges
        CSR lists of member edges: group ``g`` holds ``edges[start[g]:start[g + 1]]``.
    capacity
        Tonnes per year.
    """

    kind: IdArray
    crossing: NDArray[np.int32]
    reverse: NDArray[np.bool_]
    place: IdArray
    terminal: IdArray
    name: IdArray
    start: IntArray
    edges: IntArray
    capacity: FloatArray

    def __repr__(self) -> str:
        n_cross = int(np.count_nonzero(self.kind == "crossing"))
        return f"CapacityGroups({n_cross} crossing, {self.n_groups - n_cross} terminal)"

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return int(self.capacity.shape[0])

    def members(self, group: int) -> IntArray:
        """Edge indices of one group."""
        return self.edges[self.start[group] : self.start[group + 1]]

    @classmethod
    def concat(cls, *parts: CapacityGroups) -> CapacityGroups:
        """The groups of ``parts`` one after another."""
        sizes = [np.diff(p.start) for p in parts]
        start = np.zeros(sum(p.n_groups for p in parts) + 1, dtype=np.int64)
        start[1:] = np.cumsum(np.concatenate(sizes)) if sizes else []
        def joined(name: str) -> NDArray[Any]:
            return readonly(np.concatenate([getattr(p, name) for p in parts]))

        return cls(kind=joined("kind"), crossing=joined("crossing"),
                   reverse=joined("reverse"), place=joined("place"),
                   terminal=joined("terminal"), name=joined("name"), start=readonly(start),
                   edges=joined("edges"), capacity=joined("capacity"))


def _groups(
    n: int,
    members: list[IntArray],
    capacity: list[float],
    **labels: NDArray[Any],
) -> CapacityGroups:
    start = np.zeros(n + 1, dtype=np.int64)
    start[1:] = np.cumsum([m.shape[0] for m in members])
    empty = np.full(n, "", dtype=object)
    return CapacityGroups(
        kind=labels["kind"],
        crossing=labels.get("crossing", np.full(n, -1, dtype=np.int32)).astype(np.int32),
        reverse=labels.get("reverse", np.zeros(n, dtype=bool)).astype(bool),
        place=labels.get("place", empty),
        terminal=labels.get("terminal", empty),
        name=labels.get("name", empty),
        start=start,
        edges=(np.concatenate(members) if members else np.zeros(0)).astype(np.int64),
        capacity=np.asarray(capacity, dtype=np.float64).reshape(n),
    )


def crossing_groups(
    edge_crossing: NDArray[np.int32],
    edge_reverse: NDArray[np.bool_],
    crossing_ids: IdArray,
    crossing_capacity: FloatArray,
) -> CapacityGroups:
    """One group per direction of each crossing with a capacity, by crossing id."""
    keys: list[tuple[str, bool, int]] = []
    members: list[IntArray] = []
    capacity: list[float] = []
    has = (edge_crossing >= 0)
    has[has] = np.isfinite(crossing_capacity[edge_crossing[has]])
    idx = np.flatnonzero(has)
    by_key: dict[tuple[str, bool, int], list[int]] = {}
    for e in idx.tolist():
        c = int(edge_crossing[e])
        by_key.setdefault((str(crossing_ids[c]), bool(edge_reverse[e]), c), []).append(e)
    for key in sorted(by_key):
        keys.append(key)
        members.append(np.asarray(by_key[key], dtype=np.int64))
        capacity.append(float(crossing_capacity[key[2]]))
    n = len(keys)
    return _groups(
        n, members, capacity,
        kind=np.full(n, "crossing", dtype=object),
        crossing=np.array([k[2] for k in keys], dtype=np.int32),
        reverse=np.array([k[1] for k in keys], dtype=bool),
    )


def terminal_groups(
    throughput: pd.DataFrame, nodes: pd.DataFrame, head: IntArray
) -> CapacityGroups:
    """One group per row of the throughput table: the edges entering that terminal."""
    node_of = {(str(p), str(t)): int(n) for p, t, n in zip(
        nodes["place_id"], nodes["terminal"], nodes["node"], strict=True)}
    members: list[IntArray] = []
    capacity: list[float] = []
    places, terms, names = [], [], []
    for row in throughput.itertuples(index=False):
        key = (str(row.place_id), str(row.terminal))
        members.append(np.flatnonzero(head == node_of[key]).astype(np.int64))
        capacity.append(float(row.capacity))
        places.append(key[0])
        terms.append(key[1])
        names.append(row.name or "")
    n = len(members)
    return _groups(
        n, members, capacity,
        kind=np.full(n, "terminal", dtype=object),
        place=np.array(places, dtype=object).reshape(n),
        terminal=np.array(terms, dtype=object).reshape(n),
        name=np.array(names, dtype=object).reshape(n),
    )
