"""The validated network tables and the ways to load them.

A :class:`Network` holds ten tables (places, links, crossings, transfers, modes,
commodities, and the optional terminal throughput capacities, candidate projects,
services and country risk premiums) as pandas DataFrames with the columns of
``docs/data-schema.md``. Every loader parses and validates the tables once and raises
:class:`~connectivity.errors.NetworkValidationError` listing every problem found.

Examples
--------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> "KZ_ALMATY" in set(net.places["place_id"])
True
>>> cn.resolve_place(net, "almaty")
'KZ_ALMATY'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectivity.errors import NetworkValidationError, UnknownIdError
from connectivity.tables.places import PlaceIndex, find_place, place_index
from connectivity.tables.read import TableSource, bundled_data_dir, read_table
from connectivity.tables.rules import collect_problems
from connectivity.tables.schema import OPTIONAL_TABLES, TABLES, empty_table, parse_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Network",
    "load_bundled",
    "read_network",
    "from_frames",
    "resolve_place",
    "place_index_of",
]

#: Tables that come from the bundled parameters when a folder does not have them.
PARAMETER_TABLES = ("transfers", "modes", "commodities")

#: Tables :func:`from_frames` leaves empty when they are not given.
EMPTY_WHEN_LEFT_OUT = ("throughput", "projects", "services", "countries")


@dataclass(frozen=True)
class Network:
    """Validated network tables. Build one with a loader, not directly.

    The tables are read-only by contract: to change one, change a copy and load it again
    with :func:`from_frames` (so that it is validated). Analyses given a ``Network``
    compile it once and keep the compiled arrays with it (see
    :func:`connectivity.graph.compile_network`).

    Attributes
    ----------
    places, links, crossings, transfers, modes, commodities
        The tables, typed, with the columns of ``docs/data-schema.md``.
    throughput
        Annual throughput capacity of terminals (ports, dry ports) by place and
        terminal; may be empty.
    projects
        Candidate projects: id, kind, the links they build or change, cost, status and
        year; may be empty. Scenarios switch them on by ``project_id``.
    services
        Line-haul rates of a mode's services (block train, wagonload, ...) and the
        commodities each carries; a commodity no service names pays its mode's rate.
        May be empty.
    countries
        Risk premium per country (USD per tonne entering it, and a share of cargo value
        per day spent in it); countries not listed carry none. May be empty.
    """

    places: pd.DataFrame
    links: pd.DataFrame
    crossings: pd.DataFrame
    transfers: pd.DataFrame
    modes: pd.DataFrame
    commodities: pd.DataFrame
    throughput: pd.DataFrame
    projects: pd.DataFrame
    services: pd.DataFrame
    countries: pd.DataFrame
    _place_index: PlaceIndex = field(repr=False, compare=False)
    # derived objects kept with the tables (the compiled network), by name
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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

    def derived(self, key: str) -> Any:
        """An object derived from these tables and kept with them (``None`` if absent)."""
        return self._derived.get(key)

    def keep_derived(self, key: str, value: Any) -> None:
        """Keep an object derived from these tables (e.g. their compiled arrays)."""
        self._derived[key] = value


def place_index_of(network: Network) -> PlaceIndex:
    """The index of the network's place ids and names (for place lookups)."""
    return network._place_index


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


def read_network(
    directory: str | Path | None = None, /, **tables: TableSource
) -> Network:
    """Load a network from a folder of CSVs and/or per-table paths or DataFrames.

    Parameters
    ----------
    directory
        Folder holding ``places.csv``, ``links.csv``, ... Any table not given by keyword
        is read from here. Tables neither given nor in the folder come from the bundled
        data for ``transfers``, ``modes`` and ``commodities`` (the parameter tables) and
        are required for the rest (``crossings``, ``throughput``, ``projects``,
        ``services`` and ``countries`` may be left out, and are then empty; the bundled
        ``services`` come along when ``modes`` and ``commodities`` do).
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
    bundled: set[str] = set()
    for name in TABLES:
        if name in tables:
            frames[name] = read_table(tables[name])
        elif base is not None and (base / f"{name}.csv").is_file():
            frames[name] = read_table(base / f"{name}.csv")
        elif name in PARAMETER_TABLES or (name == "services" and
                                          {"modes", "commodities"} <= bundled):
            # the bundled service rates name the bundled modes and commodities
            frames[name] = read_table(bundled_data_dir() / f"{name}.csv")
            bundled.add(name)
        elif name in OPTIONAL_TABLES:
            frames[name] = empty_table(name)
        else:
            where = f"in {str(base)!r}" if base is not None else "as a keyword argument"
            raise FileNotFoundError(f"table {name!r} not found {where}")
    return from_frames(**frames)


def _check_table_names(tables: Mapping[str, object]) -> None:
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise UnknownIdError(f"unknown table name(s) {unknown}; expected some of {list(TABLES)}")


def from_frames(**tables: pd.DataFrame) -> Network:
    """Build a validated :class:`Network` from DataFrames (one per table).

    Every table of :data:`~connectivity.tables.schema.TABLES` is needed except
    ``throughput``, ``projects``, ``services`` and ``countries``, which are empty when
    left out. Nothing comes from the bundled data (:func:`read_network` fills the
    parameter tables from it).

    Raises
    ------
    NetworkValidationError
        Listing every problem in the tables.
    """
    _check_table_names(tables)
    missing = [name for name in TABLES
               if name not in tables and name not in EMPTY_WHEN_LEFT_OUT]
    if missing:
        raise ValueError(f"from_frames needs every table; missing {missing}")
    given = dict(tables)
    for name in EMPTY_WHEN_LEFT_OUT:
        given.setdefault(name, empty_table(name))
    problems: list[str] = []
    parsed = {name: parse_table(given[name], name, problems) for name in TABLES}
    problems.extend(collect_problems(parsed))
    if problems:
        raise NetworkValidationError(problems)
    return Network(**parsed, _place_index=place_index(parsed["places"]))


def resolve_place(network: Network, query: str) -> str:
    """Return the place id that ``query`` names: an id, a name or an alias (the places
    table's ``aliases``), in any case, with or without accents.

    An id wins over an exact name or alias (case-insensitive, accents kept), which wins
    over a match with case, accents and punctuation removed; see
    :mod:`connectivity.tables.places`.

    Raises
    ------
    AmbiguousPlaceError
        When ``query`` names several places at the level where it first matches, listing
        their ids, names and countries (a subclass of ``UnknownIdError``).
    UnknownIdError
        With the closest matches, e.g. ``unknown place 'Almat'; did you mean 'KZ_ALMATY'
        (Almaty)?``.

    Examples
    --------
    >>> net = load_bundled()
    >>> resolve_place(net, "Алматы"), resolve_place(net, "Nur-Sultan"), resolve_place(net, "Alat")
    ('KZ_ALMATY', 'KZ_ASTANA', 'AZ_ALAT_PORT')
    """
    return find_place(network._place_index, query)
