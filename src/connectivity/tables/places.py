"""Place lookup: a place id from an id or a name, any case, with or without accents.

Examples
--------
>>> import pandas as pd
>>> index = place_index(pd.DataFrame({"place_id": ["KZ_ALMATY", "CN_XIAN"],
...                                   "name": ["Almaty", "Xi'an"]}))
>>> find_place(index, "almaty"), find_place(index, "XIAN")
('KZ_ALMATY', 'CN_XIAN')
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from connectivity.errors import UnknownIdError

__all__ = ["PlaceIndex", "place_index", "find_place", "build_lookup", "normalise"]


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed: ``"Xi'an"`` -> ``"xian"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if ch.isalnum())


def build_lookup(places: pd.DataFrame) -> dict[str, str]:
    """Normalised id or name -> place id; names shared by two places are left out."""
    lookup: dict[str, str] = {}
    ambiguous: set[str] = set()
    for pid, name in zip(places["place_id"], places["name"], strict=True):
        keys = {normalise(pid), normalise(name)}
        # "Aktau (port)" should also answer to "Aktau"; "KZ_ALMATY" to "Almaty".
        keys.add(normalise(str(name).split("(")[0]))
        if "_" in pid:
            keys.add(normalise(pid.split("_", 1)[1]))
        for key in keys:
            if not key:
                continue
            if key in lookup and lookup[key] != pid:
                ambiguous.add(key)
            else:
                lookup[key] = pid
    for pid in places["place_id"]:  # ids always win over names
        lookup[normalise(pid)] = pid
        ambiguous.discard(normalise(pid))
    for key in ambiguous:
        lookup.pop(key, None)
    return lookup


@dataclass(frozen=True)
class PlaceIndex:
    """Every way a place can be named, built once per network by :func:`place_index`.

    Attributes
    ----------
    names
        Place id -> display name, in table order.
    lookup
        Normalised id or name -> place id (names shared by two places left out).
    """

    names: Mapping[str, str]
    lookup: Mapping[str, str]

    def __repr__(self) -> str:
        return f"PlaceIndex({len(self.names)} places)"


def place_index(places: pd.DataFrame) -> PlaceIndex:
    """Index the ids and names of a places table."""
    names = dict(zip(places["place_id"], places["name"], strict=True))
    return PlaceIndex(names=names, lookup=build_lookup(places))


def find_place(index: PlaceIndex, query: str) -> str:
    """Return the place id that ``query`` names (an id or a name, any case or accents).

    Raises
    ------
    UnknownIdError
        With the closest matches, e.g. ``unknown place 'Almat'; did you mean 'KZ_ALMATY'
        (Almaty)?``.
    """
    if query in index.names:
        return query
    key = normalise(query)
    found = index.lookup.get(key)
    if found is not None:
        return found
    candidates = {}
    for pid, name in index.names.items():
        candidates[normalise(pid)] = pid
        candidates[normalise(name)] = pid
    close = difflib.get_close_matches(key, list(candidates), n=8, cutoff=0.6)
    prefixed = [k for k in candidates if key and k.startswith(key)]
    picks: list[str] = []
    for k in prefixed + close:
        pid = candidates[k]
        if pid not in picks:
            picks.append(pid)
    if picks:
        shown = ", ".join(f"{p!r} ({index.names[p]})" for p in picks[:5])
        raise UnknownIdError(f"unknown place {query!r}; did you mean {shown}?")
    raise UnknownIdError(f"unknown place {query!r}; no place id or name is close to it")
