"""Place lookup: a place id from an id, a name or an alias, any case, with or without accents.

A query is matched at three levels, and the first level where it matches decides:

1. **id**: a place id, in any case (``KZ_ALMATY``, ``kz_almaty``);
2. **exact**: a display name, the part of a name before ``(`` (``Khorgos`` for
   ``Khorgos (CN)``) or an alias from the places table's ``aliases`` column,
   case-insensitive but with accents and punctuation kept (``Alat``, ``Алматы``,
   ``西安``);
3. **normalised**: the same names and aliases, the id and the id without its country
   prefix (``ALMATY`` of ``KZ_ALMATY``), with case, accents, punctuation and spaces
   removed (``xian`` for ``Xi'an``, ``nursultan`` for ``Nur-Sultan``).

A query that names more than one place at the level where it first matches is
ambiguous: :func:`find_place` raises :class:`~connectivity.errors.AmbiguousPlaceError`
listing the candidates, never picks one. So an exact alias wins over a normalised
collision (``Alat`` is the Azerbaijani port, an alias there, although ``UZ_ALAT``
normalises to ``alat`` too), and ``Khorgos``, a name in China and an alias of two
places in Kazakhstan, is an error that asks for an id.

Examples
--------
>>> import pandas as pd
>>> index = place_index(pd.DataFrame({
...     "place_id": ["KZ_ALMATY", "CN_XIAN", "CN_KHORGOS", "KZ_KHORGOS_GATEWAY"],
...     "name": ["Almaty", "Xi'an", "Khorgos (CN)", "Khorgos Gateway"],
...     "country": ["KZ", "CN", "CN", "KZ"],
...     "aliases": ["Алматы;Alma-Ata", "西安;Sian", "", "Khorgos"]}))
>>> find_place(index, "almaty"), find_place(index, "XIAN"), find_place(index, "алматы")
('KZ_ALMATY', 'CN_XIAN', 'KZ_ALMATY')
>>> find_place(index, "alma ata"), find_place(index, "西安")
('KZ_ALMATY', 'CN_XIAN')
>>> find_place(index, "Khorgos")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
connectivity.errors.AmbiguousPlaceError: place 'Khorgos' is ambiguous:
CN_KHORGOS (Khorgos (CN), CN), KZ_KHORGOS_GATEWAY (Khorgos Gateway, KZ); give an id
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from connectivity.errors import AmbiguousPlaceError, UnknownIdError
from connectivity.tables.schema import split_ids

__all__ = [
    "PlaceIndex",
    "place_index",
    "find_place",
    "build_lookup",
    "normalise",
    "exact_key",
    "place_aliases",
]

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "æ": "ae",
                       "œ": "oe", "þ": "th"})
# Spacing modifier letters (ʻ ʼ ʹ ...) are apostrophes in Uzbek and transliterations.
_MODIFIERS = range(0x02B0, 0x0300)


def normalise(text: str) -> str:
    """Lower case, accents, punctuation and spaces removed; letters of every script kept.

    >>> normalise("Xi'an"), normalise("Nur-Sultan"), normalise("Qoʻqon"), normalise("Łódź")
    ('xian', 'nursultan', 'qoqon', 'lodz')
    >>> normalise("Алма-Ата"), normalise("西安"), normalise("Қорғас")
    ('алмаата', '西安', 'қорғас')
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = (ch for ch in folded if ch.isalnum() and ord(ch) not in _MODIFIERS)
    return "".join(kept).translate(_FOLD)


def exact_key(text: str) -> str:
    """Case-insensitive, accents and punctuation kept, spaces collapsed: the exact level.

    >>> exact_key("  Port of  BAKU "), exact_key("Ələt") == exact_key("ələt")
    ('port of baku', True)
    """
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def place_aliases(places: pd.DataFrame) -> dict[str, list[str]]:
    """Place id -> its aliases (the ``;``-separated ``aliases`` column; none if absent)."""
    column = places["aliases"] if "aliases" in places.columns else [None] * len(places)
    return {str(pid): split_ids(cell)
            for pid, cell in zip(places["place_id"], column, strict=True)}


def _names(name: object) -> Iterator[str]:
    """The name and the part of it before ``(`` ("Aktau (port)" answers to "Aktau")."""
    text = name if isinstance(name, str) else ""
    yield text
    yield text.split("(")[0]


def _add(table: dict[str, tuple[str, ...]], key: str, pid: str) -> None:
    if key and pid not in table.get(key, ()):
        table[key] = (*table.get(key, ()), pid)


def _key_table(places: pd.DataFrame, key: Callable[[str], str], *,
               with_ids: bool) -> dict[str, tuple[str, ...]]:
    """``key`` of every name, name head and alias (and, ``with_ids``, of the id and the
    id without its country prefix) -> every place it names."""
    aliases = place_aliases(places)
    table: dict[str, tuple[str, ...]] = {}
    for pid, name in zip(places["place_id"], places["name"], strict=True):
        texts = [*_names(name), *aliases[pid]]
        if with_ids:
            texts.append(pid)
            if "_" in pid:
                texts.append(pid.split("_", 1)[1])
        for text in texts:
            _add(table, key(text), pid)
    return table


def build_lookup(places: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Normalised id, id without its prefix, name or alias -> every place it names.

    A key with more than one place is ambiguous at the normalised level.

    >>> build_lookup(pd.DataFrame({"place_id": ["UZ_ALAT", "AZ_ALAT_PORT"],
    ...                            "name": ["Olot", "Port of Baku"],
    ...                            "aliases": ["", "Alat"]}))["alat"]
    ('UZ_ALAT', 'AZ_ALAT_PORT')
    """
    return _key_table(places, normalise, with_ids=True)


@dataclass(frozen=True)
class PlaceIndex:
    """Every way a place can be named, built once per network by :func:`place_index`.

    Attributes
    ----------
    names
        Place id -> display name, in table order.
    countries
        Place id -> country code (empty when the table has no ``country``).
    ids
        Case-folded id -> place ids (level 1).
    exact
        :func:`exact_key` of a name, name head or alias -> place ids (level 2).
    lookup
        :func:`normalise` of an id, name or alias -> place ids (level 3).
    """

    names: Mapping[str, str]
    countries: Mapping[str, str]
    ids: Mapping[str, tuple[str, ...]]
    exact: Mapping[str, tuple[str, ...]]
    lookup: Mapping[str, tuple[str, ...]]

    def __repr__(self) -> str:
        return f"PlaceIndex({len(self.names)} places)"


def place_index(places: pd.DataFrame) -> PlaceIndex:
    """Index the ids, names and aliases of a places table."""
    pids = [str(p) for p in places["place_id"]]
    names = {pid: str(name) for pid, name in zip(pids, places["name"], strict=True)}
    country = places["country"] if "country" in places.columns else [""] * len(pids)
    countries = {pid: "" if c is None or pd.isna(c) else str(c)
                 for pid, c in zip(pids, country, strict=True)}
    ids: dict[str, tuple[str, ...]] = {}
    for pid in pids:
        _add(ids, pid.casefold(), pid)
    return PlaceIndex(names=names, countries=countries, ids=ids,
                      exact=_key_table(places, exact_key, with_ids=False),
                      lookup=build_lookup(places))


def _describe(index: PlaceIndex, pid: str) -> str:
    country = index.countries.get(pid, "")
    return f"{pid} ({index.names[pid]}, {country})" if country else f"{pid} ({index.names[pid]})"


def _one(index: PlaceIndex, query: str, found: tuple[str, ...]) -> str:
    if len(found) == 1:
        return found[0]
    ordered = _in_table_order(index, found)
    shown = ", ".join(_describe(index, pid) for pid in ordered)
    raise AmbiguousPlaceError(f"place {query!r} is ambiguous: {shown}; give an id",
                              candidates=tuple(ordered))


def _in_table_order(index: PlaceIndex, pids: Iterable[str]) -> list[str]:
    wanted = set(pids)
    return [pid for pid in index.names if pid in wanted]


def find_place(index: PlaceIndex, query: str) -> str:
    """Return the place id that ``query`` names: an id, a name or an alias.

    The first level that matches decides (id, then exact name or alias, then
    normalised; see the module docstring).

    Raises
    ------
    AmbiguousPlaceError
        When ``query`` names several places at that level, listing each candidate's id,
        name and country, e.g. ``place 'Khorgos' is ambiguous: CN_KHORGOS (Khorgos
        (CN), CN), ...; give an id``.
    UnknownIdError
        When nothing matches, with the closest matches, e.g. ``unknown place 'Almat';
        did you mean 'KZ_ALMATY' (Almaty)?``.
    """
    if query in index.names:
        return query
    for table, key in ((index.ids, query.strip().casefold()), (index.exact, exact_key(query)),
                       (index.lookup, normalise(query))):
        found = table.get(key)
        if found:
            return _one(index, query, found)
    raise UnknownIdError(_unknown_message(index, query))


def _unknown_message(index: PlaceIndex, query: str) -> str:
    key = normalise(query)
    close = difflib.get_close_matches(key, list(index.lookup), n=8, cutoff=0.6)
    prefixed = [k for k in index.lookup if key and k.startswith(key)]
    picks: list[str] = []
    for k in prefixed + close:
        for pid in index.lookup[k]:
            if pid not in picks:
                picks.append(pid)
    if picks:
        shown = ", ".join(f"{p!r} ({index.names[p]})" for p in picks[:5])
        return f"unknown place {query!r}; did you mean {shown}?"
    return f"unknown place {query!r}; no place id or name is close to it"
