"""Network elements (links, crossings, ports, places, countries) as edge sets on the
compiled arrays, found by id with an error that names the nearest known id.

Removing an element closes exactly the edges that a :class:`~connectivity.tables.Scenario`
closing it would close (see :func:`connectivity.graph.edge_mask`):

- a link: every edge of the link (both directions);
- a crossing: every edge through the crossing;
- a place (a port is a place whose kind is a port): every edge that starts or ends at
  the place, its load, unload and transfer edges included (``closed_places``);
- a country: every edge that starts or ends at a place of the country
  (``avoid_countries``).

The edge sets are read from the integer codes of
:class:`~connectivity.graph.CompiledNetwork`; only the display names (and the place kind
that makes a port) come from the network's tables.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from connectivity.errors import UnknownIdError
from connectivity.graph import CompiledNetwork

__all__ = ["ELEMENT_KINDS", "PORT_KINDS", "Elements", "elements_of", "find_element"]

#: What criticality can remove (``elements=``).
ELEMENT_KINDS = ("links", "crossings", "ports", "places", "countries")
#: Place kinds that make a place a port (an airport is a place, not a port).
PORT_KINDS = ("sea_port", "caspian_port", "dry_port")
#: Singular of each kind, for tables and messages.
SINGULAR = {"links": "link", "crossings": "crossing", "ports": "port", "places": "place",
            "countries": "country"}

IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Elements:
    """Elements of one kind and their edges (CSR: the edges of element ``j`` are
    ``edges[start[j]:start[j + 1]]``, sorted)."""

    kind: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    start: IntArray
    edges: IntArray

    @property
    def n(self) -> int:
        """Number of elements."""
        return len(self.ids)

    def edges_of(self, j: int) -> IntArray:
        """Edge indices of element ``j``."""
        return self.edges[self.start[j] : self.start[j + 1]]

    def incidence(self, n_edges: int) -> sp.csc_matrix:
        """``n_edges x n``: 1 where an edge belongs to an element."""
        col = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.start))
        return sp.csc_matrix((np.ones(self.edges.shape[0]), (self.edges, col)),
                             shape=(n_edges, self.n))


def _nearest(value: str, known: Sequence[str]) -> str:
    """``; did you mean 'X'?`` for the known id that starts like ``value``, or else is the
    most similar to it."""
    key = value.casefold()
    prefixed = sorted(k for k in known if key and k.casefold().startswith(key))
    near = prefixed[:3] or difflib.get_close_matches(value, list(known), n=1, cutoff=0.0)
    if not near:
        return "; the network has none"
    return "; did you mean " + " or ".join(repr(x) for x in near) + "?"


def _port_ids(compiled: CompiledNetwork) -> list[str]:
    places = compiled.network.places
    return [str(p) for p, k in zip(places["place_id"], places["kind"], strict=True)
            if k in PORT_KINDS]


def _all_ids(compiled: CompiledNetwork, kind: str) -> list[str]:
    c = compiled
    if kind == "links":
        return [str(x) for x in c.link_ids]
    if kind == "crossings":
        return [str(x) for x in c.crossing_ids]
    if kind == "ports":
        return _port_ids(c)
    if kind == "places":
        return [str(x) for x in c.place_ids]
    return [str(x) for x in c.country_ids]


def _check_kind(kind: str) -> None:
    if kind not in ELEMENT_KINDS:
        raise ValueError(f"elements={kind!r} is not a kind of element; choose one of "
                         f"{', '.join(ELEMENT_KINDS)}")


def _selected(
    compiled: CompiledNetwork, kind: str, candidates: Iterable[str] | None, label: str
) -> list[str]:
    """The ids to evaluate: every element of the kind, or the checked ``candidates``."""
    known = _all_ids(compiled, kind)
    if candidates is None:
        return known
    if isinstance(candidates, str):
        raise TypeError(f"{label} must be a sequence of ids, not the string {candidates!r}")
    wanted = [str(x).upper() if kind == "countries" else str(x) for x in candidates]
    have = set(known)
    for x in wanted:
        if x in have:
            continue
        if kind == "ports" and x in compiled.place_code:
            kinds = dict(zip(compiled.network.places["place_id"],
                             compiled.network.places["kind"], strict=True))
            raise UnknownIdError(
                f"{label}: place {x!r} is a {kinds[x]}, not a port (a port is a place "
                f"of kind {', '.join(PORT_KINDS)}); close it as one of elements='places'"
            )
        raise UnknownIdError(f"{label}: unknown {SINGULAR[kind]} {x!r}{_nearest(x, known)}")
    dupes = sorted(x for x, n in Counter(wanted).items() if n > 1)
    if dupes:
        raise ValueError(f"{label}: {SINGULAR[kind]} id(s) {dupes} given more than once")
    if not wanted:
        raise ValueError(f"{label} is empty; give at least one id (or None for all)")
    return wanted


def _edge_codes(compiled: CompiledNetwork, kind: str) -> tuple[NDArray[np.int32], ...]:
    """Per edge, the element code(s) it belongs to (an edge between two places or two
    countries belongs to both)."""
    c = compiled
    if kind == "links":
        return (c.edge_link,)
    if kind == "crossings":
        return (c.edge_crossing,)
    if kind in ("ports", "places"):
        return (c.edge_from_place, c.edge_to_place)
    return (c.place_country[c.edge_from_place], c.place_country[c.edge_to_place])


def _codes(compiled: CompiledNetwork, kind: str) -> dict[str, int]:
    c = compiled
    return {"links": c.link_code, "crossings": c.crossing_code, "ports": c.place_code,
            "places": c.place_code, "countries": c.country_code}[kind]


def _names(compiled: CompiledNetwork, kind: str, ids: list[str]) -> tuple[str, ...]:
    net = compiled.network
    if kind in ("ports", "places"):
        return tuple(str(compiled.places.names.get(x, x)) for x in ids)
    if kind == "countries":
        return tuple(ids)
    table = net.links if kind == "links" else net.crossings
    key = "link_id" if kind == "links" else "crossing_id"
    name = (dict(zip(table[key], table["name"], strict=True)) if "name" in table.columns
            else {})
    return tuple(str(name.get(x) or x) for x in ids)


def elements_of(
    compiled: CompiledNetwork, kind: str, candidates: Iterable[str] | None = None, *,
    label: str = "candidates",
) -> Elements:
    """The elements of ``kind`` (all, or the ``candidates`` ids) and their edges.

    Raises
    ------
    ValueError
        For an unknown kind, or an empty or repeated candidate list.
    UnknownIdError
        For a candidate id the network does not have, naming the nearest known one.
    """
    _check_kind(kind)
    ids = _selected(compiled, kind, candidates, label)
    code_of = _codes(compiled, kind)
    wanted = np.array([code_of[x] for x in ids], dtype=np.int64)
    n_codes = max(len(code_of), 1)
    position = np.full(n_codes + 1, -1, dtype=np.int64)  # code -1 (none) reads -1
    position[wanted] = np.arange(len(ids), dtype=np.int64)
    pairs = []
    for codes in _edge_codes(compiled, kind):
        pos = position[codes]
        hit = np.flatnonzero(pos >= 0)
        pairs.append(np.stack([pos[hit], hit]))
    both = np.unique(np.concatenate(pairs, axis=1), axis=1)  # (element, edge), sorted
    start = np.zeros(len(ids) + 1, dtype=np.int64)
    start[1:] = np.cumsum(np.bincount(both[0], minlength=len(ids)))
    return Elements(kind=kind, ids=tuple(ids), names=_names(compiled, kind, ids),
                    start=start, edges=both[1].astype(np.int64))


def find_element(compiled: CompiledNetwork, element: str, kind: str | None = None) -> Elements:
    """One element by id: a link, crossing or place id, or a country code (``kind``
    says which when an id names more than one; a place of a port kind is a port).

    Raises
    ------
    UnknownIdError
        When no element has the id, naming the nearest known id.
    ValueError
        When the id names elements of several kinds and ``kind`` is not given.
    """
    if kind is not None:
        _check_kind(kind)
        return elements_of(compiled, kind, [element], label="element")
    kinds = ("links", "crossings", "places", "countries")
    hits = [k for k in kinds if element in _codes(compiled, k)]
    if not hits and element.upper() in compiled.country_code:
        hits = ["countries"]
    if not hits:
        known = [x for k in kinds for x in _all_ids(compiled, k)]
        raise UnknownIdError(
            f"unknown element {element!r} (not a link, crossing or place id, nor a country "
            f"code){_nearest(element, known)}"
        )
    if len(hits) > 1:
        raise ValueError(
            f"{element!r} is the id of a {' and a '.join(SINGULAR[k] for k in hits)}; say "
            f"which with kind= (one of {', '.join(hits)})"
        )
    found = hits[0]
    if found == "places" and element in set(_port_ids(compiled)):
        found = "ports"
    return elements_of(compiled, found, [element], label="element")
