"""Routing for planners: least-cost routes, skims, alternatives and Pareto routes.

Every function takes a :class:`~connectivity.network.Network` or, to route many times
without recompiling, a :class:`~connectivity.compiled.CompiledNetwork`. Places are
given by id or name (``"KZ_ALMATY"``, ``"Almaty"``, ``"almaty"``).

Examples
--------
>>> import connectivity as cn
>>> r = cn.route(cn.load_bundled(), "Xi'an", "Tashkent", commodity="container")
>>> r.time_h > 0 and r.legs[0].from_place == "CN_XIAN"
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity import paths
from connectivity.compiled import (
    CompiledNetwork,
    compile_network,
    edge_costs,
    scenario_attributes,
)
from connectivity.errors import NoRouteError, UnknownIdError
from connectivity.network import Network, resolve_place
from connectivity.scenario import Scenario

__all__ = [
    "Leg",
    "Transfer",
    "Route",
    "Skim",
    "route",
    "skim",
    "alternatives",
    "pareto_routes",
    "CRITERIA",
]

#: Criteria available to :func:`pareto_routes`.
CRITERIA = ("cost_usd_per_t", "time_h", "co2e_kg_per_t", "distance_km")


@dataclass(frozen=True)
class Leg:
    """A run of line-haul links in one mode between two transfers."""

    mode: str
    from_place: str
    to_place: str
    distance_km: float
    time_h: float
    cost_usd_per_t: float
    co2e_kg_per_t: float
    link_ids: tuple[str, ...]
    crossings: tuple[str, ...]


@dataclass(frozen=True)
class Transfer:
    """A load, unload or transshipment at one place."""

    kind: str
    place: str
    from_terminal: str
    to_terminal: str
    time_h: float
    cost_usd_per_t: float
    co2e_kg_per_t: float


@dataclass(frozen=True)
class Route:
    """A route with its legs, transfers, crossings and totals (per tonne).

    The totals are the sums over legs and transfers.
    """

    origin: str
    destination: str
    commodity: str
    scenario: str
    generalized_cost_usd_per_t: float
    time_h: float
    distance_km: float
    cost_usd_per_t: float
    co2e_kg_per_t: float
    legs: tuple[Leg, ...]
    transfers: tuple[Transfer, ...]
    crossings: tuple[str, ...]
    edges: tuple[int, ...] = field(repr=False)

    @property
    def modes(self) -> tuple[str, ...]:
        """The mode chain, e.g. ``('rail', 'ferry', 'rail')``."""
        return tuple(leg.mode for leg in self.legs)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's contract: see ``connectivity route --format json``)."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "commodity": self.commodity,
            "scenario": self.scenario,
            "generalized_cost_usd_per_t": self.generalized_cost_usd_per_t,
            "time_h": self.time_h,
            "distance_km": self.distance_km,
            "cost_usd_per_t": self.cost_usd_per_t,
            "co2e_kg_per_t": self.co2e_kg_per_t,
            "modes": list(self.modes),
            "crossings": list(self.crossings),
            "legs": [],
            "transfers": [asdict(t) for t in self.transfers],
        }
        for leg in self.legs:
            item = asdict(leg)
            item["from"] = item.pop("from_place")
            item["to"] = item.pop("to_place")
            item["link_ids"] = list(leg.link_ids)
            item["crossings"] = list(leg.crossings)
            out["legs"].append(item)
        return out


@dataclass(frozen=True)
class Skim:
    """Origin-destination matrices over the least generalized-cost routes.

    Attributes
    ----------
    origins, destinations
        Place ids of the rows and columns.
    generalized_cost_usd_per_t, time_h, distance_km, cost_usd_per_t, co2e_kg_per_t
        ``len(origins) x len(destinations)`` float64 matrices; ``inf`` where no route.
    """

    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    commodity: str
    generalized_cost_usd_per_t: NDArray[np.float64]
    time_h: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    cost_usd_per_t: NDArray[np.float64]
    co2e_kg_per_t: NDArray[np.float64]

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per OD pair with every measure."""
        o, d = np.meshgrid(np.arange(len(self.origins)), np.arange(len(self.destinations)),
                           indexing="ij")
        frame = pd.DataFrame(
            {
                "origin": np.asarray(self.origins, dtype=object)[o.ravel()],
                "destination": np.asarray(self.destinations, dtype=object)[d.ravel()],
                "commodity": self.commodity,
            }
        )
        for name in ("generalized_cost_usd_per_t", "time_h", "distance_km",
                     "cost_usd_per_t", "co2e_kg_per_t"):
            frame[name] = getattr(self, name).ravel()
        return frame


def _compiled(network: Network | CompiledNetwork) -> CompiledNetwork:
    return network if isinstance(network, CompiledNetwork) else compile_network(network)


def _endpoints(
    compiled: CompiledNetwork, origin: str, destination: str, scenario: Scenario
) -> tuple[str, str]:
    o = resolve_place(compiled.network, origin)
    d = resolve_place(compiled.network, destination)
    if o == d:
        raise ValueError(f"origin and destination are the same place {o!r}")
    places = compiled.network.places.set_index("place_id")
    for pid in (o, d):
        if pid in scenario.closed_places:
            raise NoRouteError(f"place {pid!r} is closed in scenario {scenario.name!r}")
        country = places.at[pid, "country"]
        if country in scenario.avoid_countries:
            raise NoRouteError(
                f"place {pid!r} lies in {country}, which scenario {scenario.name!r} avoids"
            )
    return o, d


def route(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> Route:
    """The least generalized-cost route between two places for a commodity.

    Parameters
    ----------
    network
        Tables or compiled network.
    origin, destination
        Place ids or names.
    commodity
        Commodity id (its value of time and allowed modes apply).
    scenario
        Closures, avoided countries or modes, factors, carbon price.
    via
        Places the route must pass through, in order (e.g. ``["AZ_BAKU_PORT"]``).
        Passing through means reaching one of the place's terminals.
    require_modes
        Modes the route must use on at least one line-haul link each, e.g.
        ``["ferry"]`` for "across the Caspian". (To allow *only* some modes, use a
        scenario's ``modes``.)

    Returns
    -------
    Route

    Raises
    ------
    UnknownIdError
        Unknown place (with the closest matches) or commodity.
    NoRouteError
        When the places are not connected under the restrictions.
    """
    compiled = _compiled(network)
    scenario = scenario or Scenario()
    o, d = _endpoints(compiled, origin, destination, scenario)
    costs = edge_costs(compiled, commodity, scenario)
    search = _search_graph(compiled, costs, o, d, via, require_modes)
    try:
        found = paths.shortest_path(search.graph, search.source, search.target)
    except NoRouteError:
        raise NoRouteError(
            f"no route from {o!r} to {d!r}{search.conditions} under scenario {scenario.name!r}"
        ) from None
    edges = search.edge[found]
    return _make_route(compiled, edges, o, d, commodity, scenario, costs)


@dataclass(frozen=True)
class _Layered:
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


def _search_graph(
    compiled: CompiledNetwork,
    costs: NDArray[np.float64],
    o: str,
    d: str,
    via: Sequence[str],
    require_modes: Sequence[str],
) -> _Layered:
    """The graph to search from ``o`` to ``d``: layered only when there are conditions."""
    vias = [resolve_place(compiled.network, v) for v in via]
    required = _check_modes(compiled, require_modes)
    if vias or required:
        return _layered(compiled, costs, o, d, vias, required)
    return _Layered(
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
    known = sorted(set(compiled.edges.loc[compiled.edges["kind"] == "link", "mode"]))
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
) -> _Layered:
    n = compiled.graph.n_nodes
    nodes = compiled.expanded.nodes.sort_values("node")
    node_place = nodes["place_id"].to_numpy()
    is_terminal = ~nodes["terminal"].isin(["origin", "destination"]).to_numpy()
    tail = np.asarray(compiled.tail, dtype=np.int64)
    head = np.asarray(compiled.head, dtype=np.int64)
    is_link = (compiled.edges["kind"] == "link").to_numpy()
    edge_mode = compiled.edges["mode"].to_numpy()
    bits = np.zeros(tail.shape[0], dtype=np.int64)
    for i, mode in enumerate(required):
        bits[is_link & (edge_mode == mode)] |= 1 << i
    n_masks = 1 << len(required)
    edge_ids = np.arange(tail.shape[0], dtype=np.int64)
    tails, heads, weights, originals = [], [], [], []
    for k in range(len(vias) + 1):
        if k < len(vias):
            step = (is_terminal[head] & (node_place[head] == vias[k])).astype(np.int64)
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
    return _Layered(
        graph=graph,
        tail=all_tail,
        head=all_head,
        edge=np.concatenate(originals),
        source=int(compiled.origin_node[o]),
        target=int(compiled.destination_node[d]) + (n_states - 1) * n,
        conditions=_constraint_text(vias, required),
    )


def _make_route(
    compiled: CompiledNetwork,
    edge_idx: NDArray[np.int64],
    origin: str,
    destination: str,
    commodity: str,
    scenario: Scenario,
    costs: NDArray[np.float64],
) -> Route:
    edges = compiled.edges
    attrs = scenario_attributes(compiled, scenario)
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    crossings: list[str] = []
    run: list[int] = []

    def close_run() -> None:
        if not run:
            return
        rows = edges.iloc[run]
        cross = tuple(c for c in rows["crossing_id"] if c)
        legs.append(
            Leg(
                mode=str(rows["mode"].iloc[0]),
                from_place=str(rows["from_place"].iloc[0]),
                to_place=str(rows["to_place"].iloc[-1]),
                distance_km=float(attrs["distance_km"][run].sum()),
                time_h=float(attrs["time_h"][run].sum()),
                cost_usd_per_t=float(attrs["cost_usd_per_t"][run].sum()),
                co2e_kg_per_t=float(attrs["co2e_kg_per_t"][run].sum()),
                link_ids=tuple(str(x) for x in rows["link_id"]),
                crossings=cross,
            )
        )
        crossings.extend(cross)
        run.clear()

    kinds = edges["kind"].to_numpy()
    modes = edges["mode"].to_numpy()
    for e in edge_idx.tolist():
        if kinds[e] == "link":
            if run and modes[run[-1]] != modes[e]:
                close_run()
            run.append(e)
            continue
        close_run()
        row = edges.iloc[e]
        transfers.append(
            Transfer(
                kind=str(row["kind"]),
                place=str(row["from_place"]),
                from_terminal=str(row["from_terminal"]),
                to_terminal=str(row["to_terminal"]),
                time_h=float(attrs["time_h"][e]),
                cost_usd_per_t=float(attrs["cost_usd_per_t"][e]),
                co2e_kg_per_t=float(attrs["co2e_kg_per_t"][e]),
            )
        )
    close_run()
    sel = edge_idx
    return Route(
        origin=origin,
        destination=destination,
        commodity=commodity,
        scenario=scenario.name,
        generalized_cost_usd_per_t=float(costs[sel].sum()),
        time_h=float(attrs["time_h"][sel].sum()),
        distance_km=float(attrs["distance_km"][sel].sum()),
        cost_usd_per_t=float(attrs["cost_usd_per_t"][sel].sum()),
        co2e_kg_per_t=float(attrs["co2e_kg_per_t"][sel].sum()),
        legs=tuple(legs),
        transfers=tuple(transfers),
        crossings=tuple(crossings),
        edges=tuple(int(x) for x in sel),
    )


def _tree_sums(
    pred: NDArray[np.int64], tail: NDArray[np.int64], values: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Sum ``values`` along each node's predecessor chain (pointer doubling, O(n log depth))."""
    n = pred.shape[0]
    has = pred >= 0
    acc = np.zeros(n + 1)
    acc[:n][has] = values[pred[has]]
    up = np.full(n + 1, n, dtype=np.int64)  # node n is a sink with value 0
    up[:n][has] = tail[pred[has]]
    while True:
        active = up[:n] != n
        if not active.any():
            break
        acc[:n] += acc[up[:n]]
        up[:n] = up[up[:n]]
    return acc[:n]


def skim(
    network: Network | CompiledNetwork,
    origins: Sequence[str],
    destinations: Sequence[str] | None = None,
    *,
    commodity: str = "container",
    scenario: Scenario | None = None,
) -> Skim:
    """Origin-destination matrices of generalized cost, time, distance, money and CO2e.

    Each cell describes the least generalized-cost route; ``inf`` where none exists and
    0 on the diagonal.

    Parameters
    ----------
    network
        Tables or compiled network.
    origins, destinations
        Place ids or names (destinations default to the origins).
    commodity, scenario
        As for :func:`route`.

    Returns
    -------
    Skim
    """
    compiled = _compiled(network)
    scenario = scenario or Scenario()
    o_ids = [resolve_place(compiled.network, p) for p in origins]
    d_ids = o_ids if destinations is None else [
        resolve_place(compiled.network, p) for p in destinations
    ]
    costs = edge_costs(compiled, commodity, scenario)
    graph = paths.reweight(compiled.graph, costs)
    attrs = scenario_attributes(compiled, scenario)
    targets = np.array([compiled.destination_node[d] for d in d_ids], dtype=np.int64)
    shape = (len(o_ids), len(d_ids))
    out = {k: np.full(shape, np.inf) for k in ("gc", *attrs)}
    for i, o in enumerate(o_ids):
        dist, pred = paths.shortest_path_tree(graph, compiled.origin_node[o])
        out["gc"][i] = dist[targets]
        reach = np.isfinite(dist[targets])
        for name, values in attrs.items():
            sums = _tree_sums(pred, compiled.tail, values)[targets]
            out[name][i] = np.where(reach, sums, np.inf)
        for j, d in enumerate(d_ids):
            if d == o:
                for arr in out.values():
                    arr[i, j] = 0.0
    return Skim(
        origins=tuple(o_ids),
        destinations=tuple(d_ids),
        commodity=commodity,
        generalized_cost_usd_per_t=out["gc"],
        time_h=out["time_h"],
        distance_km=out["distance_km"],
        cost_usd_per_t=out["cost_usd_per_t"],
        co2e_kg_per_t=out["co2e_kg_per_t"],
    )


def _revisits_place(compiled: CompiledNetwork, edge_idx: NDArray[np.int64]) -> bool:
    """True if the route leaves a place and comes back to it later (a detour loop)."""
    seq: list[str] = []
    for p in compiled.edges["to_place"].to_numpy()[edge_idx]:
        if not seq or seq[-1] != p:
            seq.append(str(p))
    first = compiled.edges["from_place"].to_numpy()[edge_idx[0]]
    if seq and seq[0] != first:
        seq.insert(0, str(first))
    return len(seq) != len(set(seq))


def alternatives(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    k: int = 3,
    commodity: str = "container",
    scenario: Scenario | None = None,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> list[Route]:
    """The ``k`` best loopless routes in order of generalized cost (Yen's algorithm).

    A route never visits a place twice. Routes that differ only in a parallel link
    count as different routes. To allow only some modes ("rail only") or avoid places
    or countries, pass a :class:`Scenario`; to force places use ``via`` and to force a
    mode ("across the Caspian": ``require_modes=["ferry"]``) use ``require_modes``,
    both as in :func:`route`.

    Returns
    -------
    list of Route
        At most ``k`` routes, cheapest first (fewer if fewer exist).
    """
    from connectivity._kpaths import k_shortest_paths

    if k < 1:
        raise ValueError(f"k={k} must be at least 1")
    compiled = _compiled(network)
    scenario = scenario or Scenario()
    o, d = _endpoints(compiled, origin, destination, scenario)
    costs = edge_costs(compiled, commodity, scenario)
    search = _search_graph(compiled, costs, o, d, via, require_modes)
    found: list[Route] = []
    is_link = compiled.edges["kind"].to_numpy() == "link"
    want = k
    while True:
        # Yen works on the expanded graph, where revisiting a place through another
        # terminal is still a simple path; ask for more and keep the place-simple ones.
        candidates = k_shortest_paths(search.graph, search.source, search.target, want * 3)
        found = []
        seen: set[tuple[int, ...]] = set()
        for _, found_idx in candidates:
            edge_idx = search.edge[found_idx]
            # Paths that use the same links and differ only in where cargo is handled
            # at a terminal are one route to a planner: keep the cheapest (first).
            signature = tuple(int(e) for e in edge_idx[is_link[edge_idx]])
            if signature in seen or _revisits_place(compiled, edge_idx):
                continue
            seen.add(signature)
            found.append(_make_route(compiled, edge_idx, o, d, commodity, scenario, costs))
            if len(found) == k:
                return found
        if len(candidates) < want * 3 or want >= 64 * k:
            if not found:
                raise NoRouteError(
                    f"no route from {o!r} to {d!r}{search.conditions} under {scenario.name!r}"
                )
            return found
        want *= 4


def pareto_routes(
    network: Network | CompiledNetwork,
    origin: str,
    destination: str,
    *,
    criteria: Sequence[str] = ("cost_usd_per_t", "time_h"),
    commodity: str = "container",
    scenario: Scenario | None = None,
    max_labels: int = 2_000_000,
    via: Sequence[str] = (),
    require_modes: Sequence[str] = (),
) -> list[Route]:
    """Every Pareto-optimal route over two or three criteria, by label setting.

    No route in the result is beaten on every criterion by another route.

    Parameters
    ----------
    criteria
        Two or three of :data:`CRITERIA`.
    via, require_modes
        Places to pass and modes to use, as in :func:`route`; the front is then the
        front of the routes that meet them.

    Returns
    -------
    list of Route
        Sorted by the first criterion.
    """
    from connectivity._pareto import pareto_paths

    bad = [c for c in criteria if c not in CRITERIA]
    if bad or not 2 <= len(criteria) <= 3 or len(set(criteria)) != len(criteria):
        raise ValueError(
            f"criteria={list(criteria)}: give two or three distinct names from {list(CRITERIA)}"
        )
    compiled = _compiled(network)
    scenario = scenario or Scenario()
    o, d = _endpoints(compiled, origin, destination, scenario)
    costs = edge_costs(compiled, commodity, scenario)
    attrs = scenario_attributes(compiled, scenario)
    closed = ~np.isfinite(costs)
    matrix = np.column_stack([attrs[c] for c in criteria]).astype(np.float64)
    matrix[closed] = np.inf
    search = _search_graph(compiled, costs, o, d, via, require_modes)
    found = pareto_paths(search.tail, search.head, matrix[search.edge], search.graph.n_nodes,
                         search.source, search.target, max_labels=max_labels)
    if not found:
        raise NoRouteError(
            f"no route from {o!r} to {d!r}{search.conditions} under {scenario.name!r}"
        )
    found = [(c, search.edge[e]) for c, e in found]
    return [_make_route(compiled, e, o, d, commodity, scenario, costs) for _, e in found]
