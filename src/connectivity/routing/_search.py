"""The graph a route search runs on, and the checks shared by every routing function.

Without conditions a route search runs on the compiled graph reweighted by the
scenario's costs. With ``via`` places or required modes it runs on a layered copy: one
copy of the graph per constraint state, so that a plain shortest path in the copy is
the cheapest route meeting every condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from connectivity import paths
from connectivity.errors import NoRouteError, UnknownIdError
from connectivity.graph import DESTINATION, LINK, ORIGIN, CompiledNetwork
from connectivity.graph.compiled import NODE_TERMINALS
from connectivity.tables import MODES, Scenario, find_place

__all__ = ["Search", "endpoints", "search_graph", "resolve"]

_ORIGIN_OR_DESTINATION = (NODE_TERMINALS.index(ORIGIN), NODE_TERMINALS.index(DESTINATION))


def resolve(compiled: CompiledNetwork, query: str) -> str:
    """The place id that ``query`` names (see :func:`connectivity.resolve_place`)."""
    return find_place(compiled.places, query)


def endpoints(
    compiled: CompiledNetwork, origin: str, destination: str, scenario: Scenario
) -> tuple[str, str]:
    """Resolve the two places; refuse the same place twice, or one the scenario closes."""
    o = resolve(compiled, origin)
    d = resolve(compiled, destination)
    if o == d:
        raise ValueError(f"origin and destination are the same place {o!r}")
    for pid in (o, d):
        if pid in scenario.closed_places:
            raise NoRouteError(f"place {pid!r} is closed in scenario {scenario.name!r}")
        country = compiled.country_ids[compiled.place_country[compiled.place_code[pid]]]
        if country in scenario.avoid_countries:
            raise NoRouteError(
                f"place {pid!r} lies in {country}, which scenario {scenario.name!r} avoids"
            )
    return o, d


@dataclass(frozen=True)
class Search:
    """The graph a route search runs on: the routing graph itself, or for routes with
    conditions a copy of it per constraint state.

    State ``(k, mask)``: ``k`` of the ``via`` places reached so far (in order) and the
    bit mask of required modes used so far. An edge moves to the next ``k`` when it
    enters a terminal of the next ``via`` place, and sets the bit of its mode when it
    is a line-haul link of a required mode. A shortest path from the origin in state
    ``(0, 0)`` to the destination in the last state is the cheapest route meeting every
    condition; ``edge`` maps each layered edge back to the compiled edge it copies.
    ``conditions`` describes them for error messages (empty without conditions).
    """

    graph: paths.CSRGraph
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    edge: NDArray[np.int64]
    source: int
    target: int
    conditions: str = ""


def search_graph(
    compiled: CompiledNetwork,
    costs: NDArray[np.float64],
    o: str,
    d: str,
    via: Sequence[str],
    require_modes: Sequence[str],
) -> Search:
    """The graph to search from ``o`` to ``d``: layered only when there are conditions."""
    vias = [resolve(compiled, v) for v in via]
    required = _check_modes(compiled, require_modes)
    if vias or required:
        return _layered(compiled, costs, o, d, vias, required)
    return Search(
        graph=paths.reweight(compiled.graph, costs),
        tail=compiled.tail,
        head=compiled.head,
        edge=np.arange(compiled.n_edges, dtype=np.int64),
        source=compiled.origin_node[o],
        target=compiled.destination_node[d],
    )


def _check_modes(compiled: CompiledNetwork, modes: Sequence[str]) -> list[str]:
    if isinstance(modes, str):
        raise ValueError(f"require_modes={modes!r}: give a list of modes, e.g. [{modes!r}]")
    codes = np.unique(compiled.edge_mode[compiled.edge_kind == LINK])
    known = sorted(MODES[m] for m in codes.tolist())
    out: list[str] = []
    for mode in modes:
        if mode not in known:
            raise UnknownIdError(f"unknown mode {mode!r} in require_modes; known: {known}")
        if mode not in out:
            out.append(mode)
    if len(out) > 4:
        raise ValueError(f"require_modes={out}: at most 4 modes can be required at once")
    return out


def _constraint_text(vias: Sequence[str], required: Sequence[str]) -> str:
    text = ""
    if vias:
        text += f" via {list(vias)}"
    if required:
        text += f" using {list(required)}"
    return text


def _layered(
    compiled: CompiledNetwork,
    costs: NDArray[np.float64],
    o: str,
    d: str,
    vias: Sequence[str],
    required: Sequence[str],
) -> Search:
    n = compiled.graph.n_nodes
    node_place = compiled.node_place
    is_terminal = ~np.isin(compiled.node_terminal, _ORIGIN_OR_DESTINATION)
    tail = np.asarray(compiled.tail, dtype=np.int64)
    head = np.asarray(compiled.head, dtype=np.int64)
    is_link = compiled.edge_kind == LINK
    bits = np.zeros(tail.shape[0], dtype=np.int64)
    for i, mode in enumerate(required):
        bits[is_link & (compiled.edge_mode == MODES.index(mode))] |= 1 << i
    via_codes = [compiled.place_code[v] for v in vias]
    n_masks = 1 << len(required)
    edge_ids = np.arange(tail.shape[0], dtype=np.int64)
    tails, heads, weights, originals = [], [], [], []
    for k in range(len(vias) + 1):
        if k < len(vias):
            step = (is_terminal[head] & (node_place[head] == via_codes[k])).astype(np.int64)
        else:
            step = np.zeros(tail.shape[0], dtype=np.int64)
        for mask in range(n_masks):
            state = k * n_masks + mask
            nxt = (k + step) * n_masks + (mask | bits)
            tails.append(tail + state * n)
            heads.append(head + nxt * n)
            weights.append(costs)
            originals.append(edge_ids)
    n_states = (len(vias) + 1) * n_masks
    all_tail, all_head = np.concatenate(tails), np.concatenate(heads)
    graph = paths.from_arrays(all_tail, all_head, np.concatenate(weights), n * n_states)
    return Search(
        graph=graph,
        tail=all_tail,
        head=all_head,
        edge=np.concatenate(originals),
        source=int(compiled.origin_node[o]),
        target=int(compiled.destination_node[d]) + (n_states - 1) * n,
        conditions=_constraint_text(vias, required),
    )
