"""The validated network tables and the ways to load them.

A :class:`Network` holds seven tables (places, links, crossings, transfers, modes,
commodities, and the optional terminal throughput capacities) as pandas DataFrames with
the columns of ``docs/data-schema.md``. Every
loader parses and validates the tables once and raises
:class:`~connectivity.errors.NetworkValidationError` listing every problem found.

Examples
--------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> "KZ_ALMATY" in set(net.places["place_id"])
True
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import pandas as pd

from connectivity._datapath import bundled_data_dir
from connectivity._tables import COLUMNS, parse_table
from connectivity.errors import NetworkValidationError, UnknownIdError

__all__ = [
    "Network",
    "TABLES",
    "load_bundled",
    "read_network",
    "from_frames",
    "read_table",
    "resolve_place",
    "load_bundled_table",
    "OPTIONAL_TABLES",
    "empty_table",
]

TABLES = ("places", "links", "crossings", "transfers", "modes", "commodities", "throughput")

#: Tables that may be left out; they are then empty.
OPTIONAL_TABLES = ("crossings", "throughput")

TableSource: TypeAlias = "pd.DataFrame | str | Path"


@dataclass(frozen=True)
class Network:
    """Validated network tables. Build one with a loader, not directly.

    Attributes
    ----------
    places, links, crossings, transfers, modes, commodities
        The tables, typed, with the columns of ``docs/data-schema.md``.
    throughput
        Annual throughput capacity of terminals (ports, dry ports) by place and
        terminal; may be empty.
    """

    places: pd.DataFrame
    links: pd.DataFrame
    crossings: pd.DataFrame
    transfers: pd.DataFrame
    modes: pd.DataFrame
    commodities: pd.DataFrame
    throughput: pd.DataFrame
    _place_lookup: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{len(getattr(self, name))} {name}" for name in TABLES)
        return f"Network({sizes})"

    @property
    def place_ids(self) -> list[str]:
        """Place ids in table order."""
        return list(self.places["place_id"])

    def table(self, name: str) -> pd.DataFrame:
        """Return one of the tables by name."""
        if name not in TABLES:
            raise UnknownIdError(f"unknown table {name!r}; expected one of {list(TABLES)}")
        frame: pd.DataFrame = getattr(self, name)
        return frame


def load_bundled() -> Network:
    """Load the bundled China–Central Asia network.

    Returns
    -------
    Network
        The validated bundled network.

    Examples
    --------
    >>> net = load_bundled()
    >>> len(net.places) >= 120
    True
    """
    return read_network(bundled_data_dir())


def load_bundled_table(name: str) -> pd.DataFrame:
    """Read one bundled CSV (e.g. ``"demand"`` or ``"projects"``) without validation."""
    path = bundled_data_dir() / f"{name}.csv"
    if not path.is_file():
        raise UnknownIdError(f"no bundled table {name!r} (looked for {path})")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_network(
    directory: str | Path | None = None, /, **tables: TableSource
) -> Network:
    """Load a network from a folder of CSVs and/or per-table paths or DataFrames.

    Parameters
    ----------
    directory
        Folder holding ``places.csv``, ``links.csv``, ... Any table not given by keyword
        is read from here. With no folder, tables not given come from the bundled data
        for ``transfers``, ``modes`` and ``commodities`` (the parameter tables) and are
        required for the rest.
    **tables
        ``places=``, ``links=``, ... each a DataFrame or a path to a CSV, GeoJSON or
        GeoPackage file (``path.gpkg`` or ``path.gpkg:layer``). Places read from a
        spatial file take ``lon``/``lat`` from point geometry; links keep line geometry
        as ``geometry_wkt``.

    Returns
    -------
    Network

    Raises
    ------
    NetworkValidationError
        Listing every problem in the tables.
    """
    _check_table_names(tables)
    frames: dict[str, pd.DataFrame] = {}
    base = Path(directory) if directory is not None else None
    if base is not None and not base.is_dir():
        raise FileNotFoundError(f"network folder {str(base)!r} does not exist")
    for name in TABLES:
        if name in tables:
            frames[name] = read_table(tables[name])
        elif base is not None and (base / f"{name}.csv").is_file():
            frames[name] = read_table(base / f"{name}.csv")
        elif name in ("transfers", "modes", "commodities"):
            frames[name] = read_table(bundled_data_dir() / f"{name}.csv")
        elif name in OPTIONAL_TABLES:
            frames[name] = empty_table(name)
        else:
            where = f"in {str(base)!r}" if base is not None else "as a keyword argument"
            raise FileNotFoundError(f"table {name!r} not found {where}")
    return from_frames(**frames)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return pd.DataFrame(columns=[c.name for c in COLUMNS[name]])


def read_table(source: TableSource) -> pd.DataFrame:
    """Read one table from a DataFrame, CSV, GeoJSON or GeoPackage path."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    text = str(source)
    layer: str | None = None
    if ".gpkg:" in text:
        text, layer = text.split(".gpkg:", 1)
        text += ".gpkg"
    path = Path(text)
    if not path.is_file():
        raise FileNotFoundError(f"table file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if suffix in (".geojson", ".json", ".gpkg"):
        return _read_spatial(path, layer)
    raise ValueError(
        f"unsupported table file {str(path)!r}: expected .csv, .geojson or .gpkg"
    )


def _read_spatial(path: Path, layer: str | None) -> pd.DataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(path, layer=layer)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    geoms = gdf.geometry
    if len(geoms) and (geoms.geom_type == "Point").all():
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        frame["lon"] = geoms.x.to_numpy()
        frame["lat"] = geoms.y.to_numpy()
    elif len(geoms):
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        frame["geometry_wkt"] = [g.wkt if g is not None else "" for g in geoms]
    return frame.astype(object).where(frame.notna(), "")


def _check_table_names(tables: Mapping[str, object]) -> None:
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise UnknownIdError(f"unknown table name(s) {unknown}; expected some of {list(TABLES)}")


def from_frames(**tables: pd.DataFrame) -> Network:
    """Build a validated :class:`Network` from DataFrames (one per table).

    Every table of :data:`TABLES` is needed except ``throughput``, which is empty when
    left out.

    Raises
    ------
    NetworkValidationError
        Listing every problem in the tables.
    """
    from connectivity.validate import collect_problems

    _check_table_names(tables)
    missing = [name for name in TABLES if name not in tables and name != "throughput"]
    if missing:
        raise ValueError(f"from_frames needs every table; missing {missing}")
    given = dict(tables)
    given.setdefault("throughput", empty_table("throughput"))
    problems: list[str] = []
    parsed = {name: parse_table(given[name], name, problems) for name in TABLES}
    problems.extend(collect_problems(parsed))
    if problems:
        raise NetworkValidationError(problems)
    lookup = _build_lookup(parsed["places"])
    return Network(**parsed, _place_lookup=lookup)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if ch.isalnum())


def _build_lookup(places: pd.DataFrame) -> dict[str, str]:
    lookup: dict[str, str] = {}
    ambiguous: set[str] = set()
    for pid, name in zip(places["place_id"], places["name"], strict=True):
        keys = {_normalise(pid), _normalise(name)}
        # "Aktau (port)" should also answer to "Aktau"; "KZ_ALMATY" to "Almaty".
        keys.add(_normalise(str(name).split("(")[0]))
        if "_" in pid:
            keys.add(_normalise(pid.split("_", 1)[1]))
        for key in keys:
            if not key:
                continue
            if key in lookup and lookup[key] != pid:
                ambiguous.add(key)
            else:
                lookup[key] = pid
    for pid in places["place_id"]:  # ids always win over names
        lookup[_normalise(pid)] = pid
        ambiguous.discard(_normalise(pid))
    for key in ambiguous:
        lookup.pop(key, None)
    return lookup


def resolve_place(network: Network, query: str) -> str:
    """Return the place id that ``query`` names (an id or a name, any case or accents).

    Raises
    ------
    UnknownIdError
        With the closest matches, e.g. ``unknown place 'Almat'; did you mean 'KZ_ALMATY'
        (Almaty)?``.
    """
    if query in network._place_lookup.values():
        return query
    key = _normalise(query)
    found = network._place_lookup.get(key)
    if found is not None:
        return found
    names = dict(zip(network.places["place_id"], network.places["name"], strict=True))
    candidates = {}
    for pid, name in names.items():
        candidates[_normalise(pid)] = pid
        candidates[_normalise(name)] = pid
    close = difflib.get_close_matches(key, list(candidates), n=8, cutoff=0.6)
    prefixed = [k for k in candidates if key and k.startswith(key)]
    picks: list[str] = []
    for k in prefixed + close:
        pid = candidates[k]
        if pid not in picks:
            picks.append(pid)
    if picks:
        shown = ", ".join(f"{p!r} ({names[p]})" for p in picks[:5])
        raise UnknownIdError(f"unknown place {query!r}; did you mean {shown}?")
    raise UnknownIdError(f"unknown place {query!r}; no place id or name is close to it")


def require_columns(frame: pd.DataFrame, columns: Mapping[str, str], what: str) -> None:
    """Raise ValueError if ``frame`` lacks any of ``columns`` (name -> meaning)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} is missing column(s) {missing}")
