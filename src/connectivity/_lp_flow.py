"""Assemble the multicommodity flow LP as sparse arrays (no Python loop over terms).

Column layout: one block of flow columns per *flow class* (a group of OD pairs sharing
one conservation system: an origin and commodity in the origin-based formulation, one
OD pair in the arc-per-OD formulation), then one unserved-demand column per OD pair.
Rows: flow conservation per (class, node) that has any entry, then one capacity row per
capacitated edge, then one per capacity group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from connectivity._lp_highs import ArrayLP

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FlowLayout:
    """How the columns and rows of the flow LP map back to edges, classes and ODs."""

    n_edges: int
    n_nodes: int
    class_origin: IntArray  # per flow class
    class_commodity: IntArray  # per flow class
    od_class: IntArray  # per OD pair: its flow class
    col_class: IntArray  # per flow column
    col_edge: IntArray  # per flow column
    n_flow_cols: int
    n_od: int
    conservation_rows: IntArray  # class * n_nodes + node, for each kept conservation row
    capacity_edges: IntArray  # edge of each capacity row
    n_groups: int

    @property
    def n_cols(self) -> int:
        return self.n_flow_cols + self.n_od

    @property
    def first_capacity_row(self) -> int:
        return int(self.conservation_rows.shape[0])

    @property
    def first_group_row(self) -> int:
        return self.first_capacity_row + int(self.capacity_edges.shape[0])


def assemble_flow_lp(
    tail: IntArray,
    head: IntArray,
    n_nodes: int,
    cost: FloatArray,  # (n_edges, n_commodities); inf = edge not open to the commodity
    capacity: FloatArray,  # (n_edges,), inf = none
    group_start: IntArray,  # CSR of capacity groups over edges
    group_edges: IntArray,
    group_capacity: FloatArray,
    origin: IntArray,
    destination: IntArray,
    commodity: IntArray,
    tonnes: FloatArray,
    penalty: FloatArray,
    *,
    per_od: bool,
) -> tuple[ArrayLP, FlowLayout]:
    """Build the flow LP; see the module docstring for the layout."""
    m = int(tail.shape[0])
    n_commodity = int(cost.shape[1])
    n_od = int(origin.shape[0])
    if per_od:
        class_key = np.arange(n_od, dtype=np.int64)
        od_class = class_key
        class_origin = origin.astype(np.int64)
        class_commodity = commodity.astype(np.int64)
    else:
        key = origin.astype(np.int64) * n_commodity + commodity
        uniq, od_class = np.unique(key, return_inverse=True)
        od_class = od_class.astype(np.int64)
        class_origin = uniq // n_commodity
        class_commodity = uniq % n_commodity
    n_class = int(class_origin.shape[0])

    # flow columns: for each class, the edges open to its commodity
    open_edges = [np.flatnonzero(np.isfinite(cost[:, k])) for k in range(n_commodity)]
    counts = np.array([open_edges[k].shape[0] for k in class_commodity], dtype=np.int64)
    col_class = np.repeat(np.arange(n_class, dtype=np.int64), counts)
    col_edge = (
        np.concatenate([open_edges[k] for k in class_commodity]).astype(np.int64)
        if n_class
        else np.zeros(0, dtype=np.int64)
    )
    n_flow = int(col_edge.shape[0])
    n_cols = n_flow + n_od
    col_cost = np.concatenate([cost[col_edge, class_commodity[col_class]], penalty])

    # conservation: +1 at tail row, -1 at head row; unserved: +1 at origin, -1 at dest
    flow_cols = np.arange(n_flow, dtype=np.int64)
    un_cols = n_flow + np.arange(n_od, dtype=np.int64)
    rows = np.concatenate(
        [
            col_class * n_nodes + tail[col_edge],
            col_class * n_nodes + head[col_edge],
            od_class * n_nodes + origin,
            od_class * n_nodes + destination,
        ]
    )
    cols = np.concatenate([flow_cols, flow_cols, un_cols, un_cols])
    vals = np.concatenate([np.ones(n_flow), -np.ones(n_flow), np.ones(n_od), -np.ones(n_od)])
    rhs_full = np.zeros(n_class * n_nodes)
    np.add.at(rhs_full, od_class * n_nodes + origin, tonnes)
    np.add.at(rhs_full, od_class * n_nodes + destination, -tonnes)
    kept, row_new = np.unique(rows, return_inverse=True)
    conservation = sp.csr_matrix((vals, (row_new, cols)), shape=(int(kept.shape[0]), n_cols))
    rhs = rhs_full[kept]

    # capacity rows: sum of all classes' flow on an edge (or on a group of edges)
    incidence = sp.csr_matrix((np.ones(n_flow), (col_edge, flow_cols)), shape=(m, n_cols))
    cap_edges = np.flatnonzero(np.isfinite(capacity)).astype(np.int64)
    blocks = [conservation, incidence[cap_edges]]
    n_groups = int(group_capacity.shape[0])
    if n_groups:
        membership = sp.csr_matrix(
            (
                np.ones(group_edges.shape[0]),
                group_edges,
                group_start,
            ),
            shape=(n_groups, m),
        )
        blocks.append((membership @ incidence).tocsr())
    matrix = sp.vstack(blocks, format="csr")
    matrix.sum_duplicates()
    matrix.sort_indices()

    row_lower = np.concatenate([rhs, np.full(cap_edges.shape[0] + n_groups, -np.inf)])
    row_upper = np.concatenate([rhs, capacity[cap_edges], group_capacity])
    col_upper = np.concatenate([np.full(n_flow, np.inf), tonnes])
    lp = ArrayLP(
        cost=col_cost.astype(np.float64),
        col_lower=np.zeros(n_cols),
        col_upper=col_upper.astype(np.float64),
        row_start=matrix.indptr.astype(np.int64),
        row_index=matrix.indices.astype(np.int64),
        row_value=matrix.data.astype(np.float64),
        row_lower=row_lower.astype(np.float64),
        row_upper=row_upper.astype(np.float64),
    )
    layout = FlowLayout(
        n_edges=m,
        n_nodes=n_nodes,
        class_origin=class_origin.astype(np.int64),
        class_commodity=class_commodity.astype(np.int64),
        od_class=od_class,
        col_class=col_class,
        col_edge=col_edge,
        n_flow_cols=n_flow,
        n_od=n_od,
        conservation_rows=kept.astype(np.int64),
        capacity_edges=cap_edges,
        n_groups=n_groups,
    )
    return lp, layout


def column_names(layout: FlowLayout) -> list[str]:
    """``f_<class>_<edge>`` for flows, ``u_<od>`` for unserved demand."""
    flows = [
        f"f_{c}_{e}"
        for c, e in zip(layout.col_class.tolist(), layout.col_edge.tolist(), strict=True)
    ]
    return flows + [f"u_{i}" for i in range(layout.n_od)]


def row_names(layout: FlowLayout) -> list[str]:
    """``flow_<class>_<node>``, ``cap_<edge>``, ``group_<g>``."""
    n = layout.n_nodes
    cons = [f"flow_{r // n}_{r % n}" for r in layout.conservation_rows.tolist()]
    caps = [f"cap_{e}" for e in layout.capacity_edges.tolist()]
    return cons + caps + [f"group_{g}" for g in range(layout.n_groups)]
