"""GMNS networks in and out (``node.csv``, ``link.csv``, ``config.csv``), and the
network's own folder of CSV tables.

GMNS, the General Modeling Network Specification of the Zephyr Foundation
(https://github.com/zephyr-data-specs/GMNS), describes a routable network as a node and
a link table with units in a one-row ``config.csv``. :func:`write_gmns` writes places as
nodes and links as links under GMNS field names, with the project's other columns kept
as extra columns; the tables GMNS has no place for (crossings, transfers, modes,
commodities, ...) go beside them as the project's own CSVs, so that :func:`read_gmns`
gets the same network back.

============================  =========================================================
GMNS field                    from the tables
============================  =========================================================
``node_id``, ``name``         ``place_id``, ``name``
``x_coord``, ``y_coord``      ``lon``, ``lat`` (``config.csv``: ``crs`` EPSG:4326)
``zone_id``                   ``place_id`` (each place is a demand zone)
``node_type``                 ``kind`` (city, border_post, sea_port, ...)
``link_id``, ``name``         ``link_id``, ``name``
``from_node_id``, ...         ``from_place``, ``to_place``
``directed``                  not ``two_way``
``length``                    ``length_km`` (``config.csv``: ``long_length`` km)
``free_speed``                ``speed_kmh`` (``config.csv``: ``speed`` kph)
``allowed_uses``              ``mode`` (road, rail, air, sea, ferry)
``facility_type``             ``mode``
``geometry``                  ``geometry_wkt``
``capacity_t_per_year``       ``capacity`` (GMNS ``capacity`` is vehicles per hour and
                              lane, a different quantity: read back as ``gmns_capacity``)
============================  =========================================================

Examples
--------
>>> import tempfile
>>> import connectivity as cn
>>> from connectivity.io.gmns import read_gmns, write_gmns
>>> folder = tempfile.mkdtemp()
>>> write_gmns(cn.load_bundled(), folder)
>>> len(read_gmns(folder).links) == len(cn.load_bundled().links)
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from connectivity.errors import NetworkValidationError
from connectivity.tables import (
    MODES,
    PLACE_KINDS,
    TABLES,
    TERMINALS,
    Network,
    link_terminals,
    read_network,
    read_table,
)

__all__ = ["write_gmns", "read_gmns", "write_network_csv", "GMNS_VERSION",
           "LENGTH_UNITS_KM", "SPEED_UNITS_KMH"]

#: The GMNS version whose field names are written.
GMNS_VERSION = 0.96

#: ``long_length`` units of ``config.csv`` and their length in km.
LENGTH_UNITS_KM = {"km": 1.0, "kilometer": 1.0, "kilometers": 1.0, "kilometre": 1.0,
                   "kilometres": 1.0, "m": 0.001, "meter": 0.001, "meters": 0.001,
                   "metre": 0.001, "metres": 0.001, "mi": 1.609344, "mile": 1.609344,
                   "miles": 1.609344, "ft": 0.0003048, "feet": 0.0003048}
#: ``speed`` units of ``config.csv`` and their speed in km/h.
SPEED_UNITS_KMH = {"kph": 1.0, "km/h": 1.0, "kmh": 1.0, "kmph": 1.0, "mph": 1.609344,
                   "m/s": 3.6}
_WGS84 = {"epsg:4326", "4326", "wgs84", "wgs 84", "ogc:crs84"}

_NODE_REQUIRED = ("node_id", "x_coord", "y_coord")
_LINK_REQUIRED = ("link_id", "from_node_id", "to_node_id", "directed", "length")
#: The tables GMNS has no file for, written beside node.csv and link.csv.
_SIDE_TABLES = tuple(name for name in TABLES if name not in ("places", "links"))


def write_network_csv(network: Network, directory: str | Path) -> None:
    """Write every table of ``network`` as ``{table}.csv`` into ``directory`` (created
    if missing): the folder :func:`~connectivity.tables.read_network` reads."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        _write(network.table(name), out / f"{name}.csv")


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_gmns(network: Network, directory: str | Path) -> None:
    """Write the network as GMNS ``node.csv``, ``link.csv`` and ``config.csv``.

    The side tables (crossings, transfers, modes, commodities, throughput, projects,
    services, countries) are written beside them as the project's CSVs. Lengths are in
    km and speeds in km/h, as ``config.csv`` says; coordinates are WGS84 degrees.

    Parameters
    ----------
    network
        The network to write.
    directory
        Folder to write into (created if missing; files of the same names replaced).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    places = network.places
    nodes = pd.DataFrame({
        "node_id": places["place_id"], "name": places["name"],
        "x_coord": places["lon"], "y_coord": places["lat"],
        "zone_id": places["place_id"], "node_type": places["kind"],
    })
    for col in places.columns:
        if col not in ("place_id", "name", "lon", "lat", "kind"):
            nodes[col] = places[col]
    links = network.links
    directed = links["two_way"].fillna(True).map(lambda w: not bool(w))
    capacity = links["capacity"].where(links["capacity_unit"].fillna("t_per_year")
                                       == "t_per_year")
    gmns = pd.DataFrame({
        "link_id": links["link_id"], "name": links["name"],
        "from_node_id": links["from_place"], "to_node_id": links["to_place"],
        "directed": directed.map({True: "true", False: "false"}),
        "length": links["length_km"], "free_speed": links["speed_kmh"],
        "allowed_uses": links["mode"], "facility_type": links["mode"],
        "geometry": links["geometry_wkt"], "capacity_t_per_year": capacity,
    })
    skip = {"link_id", "name", "from_place", "to_place", "two_way", "length_km", "speed_kmh",
            "mode", "geometry_wkt", "capacity", "capacity_unit"}
    for col in links.columns:
        if col not in skip:
            gmns[col] = links[col]
    config = pd.DataFrame([{
        "dataset_name": "connectivity network", "short_length": "m", "long_length": "km",
        "speed": "kph", "crs": "EPSG:4326", "geometry_field_format": "WKT",
        "currency": "USD", "version_number": GMNS_VERSION, "id_type": "string",
    }])
    _write(nodes, out / "node.csv")
    _write(gmns, out / "link.csv")
    _write(config, out / "config.csv")
    for name in _SIDE_TABLES:
        _write(network.table(name), out / f"{name}.csv")


def _config(folder: Path, length_unit: str | None,
            speed_unit: str | None) -> tuple[float, float]:
    """The km per length unit and km/h per speed unit, from ``config.csv`` or given."""
    path = folder / "config.csv"
    cfg: dict[str, str] = {}
    if path.is_file():
        frame = read_table(path)
        if len(frame) != 1:
            raise ValueError(f"GMNS {str(path)!r} has {len(frame)} rows; it has one")
        cfg = {str(k): str(v).strip() for k, v in frame.iloc[0].items()}
    crs = cfg.get("crs", "")
    if crs and crs.lower() not in _WGS84:
        raise ValueError(f"GMNS config.csv crs={crs!r}: only EPSG:4326 (lon/lat degrees) "
                         "is read; reproject the nodes first")
    length = length_unit or cfg.get("long_length", "")
    if not length:
        raise ValueError(f"GMNS folder {str(folder)!r}: no config.csv long_length, so the "
                         "unit of link length is unknown; give length_unit (e.g. 'km')")
    if length.lower() not in LENGTH_UNITS_KM:
        raise ValueError(f"GMNS long_length={length!r} is not a known unit; expected one "
                         f"of {sorted(LENGTH_UNITS_KM)}")
    speed = speed_unit or cfg.get("speed", "") or "kph"
    if speed.lower() not in SPEED_UNITS_KMH:
        raise ValueError(f"GMNS speed={speed!r} is not a known unit; expected one of "
                         f"{sorted(SPEED_UNITS_KMH)}")
    return LENGTH_UNITS_KM[length.lower()], SPEED_UNITS_KMH[speed.lower()]


def _numbers(frame: pd.DataFrame, col: str, factor: float, file: str,
             problems: list[str]) -> pd.Series:
    values = pd.to_numeric(frame[col].replace("", None), errors="coerce")
    bad = frame[col][values.isna() & (frame[col].astype(str).str.strip() != "")]
    for pos, raw in bad.items():
        problems.append(f"{file} row {int(pos) + 2}: {col}={raw!r} is not a number")
    return values * factor


def _mode(uses: Any, default_mode: str, label: str, problems: list[str]) -> str:
    named = [u.strip() for u in str(uses or "").split(",") if u.strip() in MODES]
    if len(named) > 1:
        problems.append(f"{label}: allowed_uses={uses!r} names several modes; a link has "
                        "one (split it into one link per mode)")
    return named[0] if named else default_mode


def _links(frame: pd.DataFrame, km: float, kmh: float, default_mode: str,
           problems: list[str]) -> pd.DataFrame:
    out = frame.copy()
    directed = out["directed"].astype(str).str.strip().str.lower()
    flags = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    for pos, raw in directed[~directed.isin(list(flags))].items():
        problems.append(f"link.csv row {int(pos) + 2}: directed={raw!r} is not true or false")
    out["two_way"] = directed.map(lambda d: not flags.get(d, True))
    out["length_km"] = _numbers(out, "length", km, "link.csv", problems)
    if "free_speed" in out.columns:
        out["speed_kmh"] = _numbers(out, "free_speed", kmh, "link.csv", problems)
    out["mode"] = [_mode(u, default_mode, f"link.csv link {lid!r}", problems) for u, lid in
                   zip(out.get("allowed_uses", [""] * len(out)), out["link_id"], strict=True)]
    if "capacity" in out.columns:  # GMNS: vehicles per hour and lane, not tonnes per year
        out = out.rename(columns={"capacity": "gmns_capacity"})
    if "capacity_t_per_year" in out.columns:
        out["capacity"] = out["capacity_t_per_year"]
        out["capacity_unit"] = out["capacity"].map(
            lambda c: "t_per_year" if str(c).strip() else "")
    if "geometry" in out.columns:
        flip = out.get("dir_flag", pd.Series([""] * len(out))).astype(str).str.strip() == "-1"
        out["geometry_wkt"] = [_geometry(g, f) for g, f in zip(out["geometry"], flip,
                                                               strict=True)]
    out = out.rename(columns={"from_node_id": "from_place", "to_node_id": "to_place"})
    return out.drop(columns=[c for c in ("directed", "length", "free_speed", "allowed_uses",
                                         "facility_type", "geometry", "capacity_t_per_year")
                             if c in out.columns])


def _geometry(cell: Any, reverse: bool) -> str:
    text = str(cell or "").strip()
    if not text or not reverse:
        return text
    from shapely import wkt

    line: Any = wkt.loads(text)
    return str(line.reverse().wkt)


def _places(frame: pd.DataFrame, links: pd.DataFrame, default_country: str | None,
            problems: list[str]) -> pd.DataFrame:
    out = frame.rename(columns={"node_id": "place_id", "x_coord": "lon", "y_coord": "lat"})
    if "name" not in out.columns:
        out["name"] = out["place_id"]
    out["name"] = [n if str(n).strip() else p for n, p in zip(out["name"], out["place_id"],
                                                               strict=True)]
    if "country" not in out.columns:
        if default_country is None:
            problems.append("node.csv: no country column; give default_country (ISO "
                            "alpha-2) for nodes that do not say theirs")
        out["country"] = default_country or ""
    elif default_country is not None:
        out["country"] = out["country"].replace("", default_country)
    node_type = out.get("node_type", pd.Series([""] * len(out), index=out.index)).astype(str)
    out["kind"] = node_type.where(node_type.isin(PLACE_KINDS), "junction")
    if "node_type" in out.columns:
        out = out.rename(columns={"node_type": "gmns_node_type"})
    if "terminals" not in out.columns:
        needed: dict[str, set[str]] = {}
        for a, b, mode, gauge in zip(links["from_place"], links["to_place"], links["mode"],
                                     links.get("gauge_mm", [None] * len(links)), strict=True):
            # a rail link without its gauge has no terminal here; validation names it
            for place, term in zip((a, b), link_terminals(str(mode), gauge or None),
                                   strict=True):
                if term in TERMINALS:
                    needed.setdefault(str(place), set()).add(term)
        out["terminals"] = [";".join(sorted(needed.get(str(p), {"road"})))
                            for p in out["place_id"]]
    return out


def read_gmns(
    directory: str | Path,
    *,
    default_country: str | None = None,
    default_mode: str = "road",
    length_unit: str | None = None,
    speed_unit: str | None = None,
) -> Network:
    """Read a GMNS folder (``node.csv``, ``link.csv``, ``config.csv``) as a network.

    Nodes become places (``kind`` from ``node_type`` when it is a place kind, else
    ``junction``; terminals, when not given, those the incident links need), links
    become links (``mode`` from ``allowed_uses`` when it names one of the modes, else
    ``default_mode``; ``directed`` false gives a two-way link). Extra columns are kept.
    The other tables come from the folder's own CSVs when present (as
    :func:`write_gmns` writes them), else as :func:`~connectivity.tables.read_network`
    gives them without a folder (bundled parameters, empty optional tables).

    Parameters
    ----------
    directory
        The GMNS folder.
    default_country
        ISO alpha-2 code for nodes without a ``country`` (GMNS has no such field).
    default_mode
        Mode of links whose ``allowed_uses`` names none of road, rail, air, sea, ferry.
    length_unit, speed_unit
        Units of ``length`` and ``free_speed`` when ``config.csv`` does not give
        ``long_length`` and ``speed`` (or to override it): see :data:`LENGTH_UNITS_KM`,
        :data:`SPEED_UNITS_KMH`.

    Returns
    -------
    Network

    Raises
    ------
    NetworkValidationError
        Every missing required field and every problem of the resulting tables.
    FileNotFoundError
        No ``node.csv`` or ``link.csv``.
    ValueError
        Unknown units or a coordinate system other than EPSG:4326.
    """
    if default_mode not in MODES:
        raise ValueError(f"default_mode={default_mode!r} is not a mode; expected one of "
                         f"{list(MODES)}")
    folder = Path(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"GMNS folder {str(folder)!r} does not exist")
    nodes, links = read_table(folder / "node.csv"), read_table(folder / "link.csv")
    problems = [f"{file}: missing required field {col!r}"
                for file, frame, required in (("node.csv", nodes, _NODE_REQUIRED),
                                              ("link.csv", links, _LINK_REQUIRED))
                for col in required if col not in frame.columns]
    if problems:
        raise NetworkValidationError(problems)
    km, kmh = _config(folder, length_unit, speed_unit)
    links = _links(links, km, kmh, default_mode, problems)
    places = _places(nodes, links, default_country, problems)
    if problems:
        raise NetworkValidationError(problems)
    tables: dict[str, Any] = {"places": places, "links": links}
    for name in _SIDE_TABLES:
        if (folder / f"{name}.csv").is_file():
            tables[name] = folder / f"{name}.csv"
    return read_network(**tables)
