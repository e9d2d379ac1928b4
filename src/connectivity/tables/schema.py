"""The tables' columns and vocabularies, and parsing raw cells into typed frames.

Parsing never drops or changes a row: a cell that cannot be read is reported as a
problem (table, row id, column, value) and left as missing, so that validation can list
every problem at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "TABLES",
    "OPTIONAL_TABLES",
    "COLUMNS",
    "ID_COLUMN",
    "TERMINALS",
    "MODES",
    "STATUSES",
    "PLACE_KINDS",
    "PROJECT_KINDS",
    "parse_table",
    "empty_table",
    "split_ids",
]

#: The tables of a network, in load order.
TABLES = ("places", "links", "crossings", "transfers", "modes", "commodities", "throughput",
          "projects", "services", "countries")

#: Tables that may be left out; they are then empty.
OPTIONAL_TABLES = ("crossings", "throughput", "projects", "services", "countries")

TERMINALS = ("road", "rail_1435", "rail_1520", "air", "sea", "ferry")
MODES = ("road", "rail", "air", "sea", "ferry")
STATUSES = ("existing", "under_construction", "planned")
PROJECT_KINDS = ("new_link", "upgrade", "crossing", "port", "digital")
PLACE_KINDS = (
    "city",
    "border_post",
    "sea_port",
    "caspian_port",
    "dry_port",
    "junction",
    "airport",
)


@dataclass(frozen=True)
class Column:
    """One column: its type, whether it must be there and filled, and the values allowed.

    A ``float`` column holds finite numbers only; ``minimum`` bounds them from below
    (``> minimum`` when ``strict``). A blank cell is a missing value, never a number.
    """

    name: str
    kind: str  # "str", "float", "int", "bool"
    required: bool = True  # the column must be present
    nonempty: bool = False  # every cell must have a value
    minimum: float | None = None
    strict: bool = False
    maximum: float | None = None  # a physical bound: larger is a unit or typing error


def _c(name: str, kind: str = "str", *, required: bool = True, nonempty: bool = False) -> Column:
    return Column(name, kind, required, nonempty)


def _amount(name: str, maximum: float, *, required: bool = True,
            nonempty: bool = False) -> Column:
    """A quantity that cannot be negative (a cost, a time, a capacity, CO2e)."""
    return Column(name, "float", required, nonempty, minimum=0.0, maximum=maximum)


def _positive(name: str, maximum: float, *, required: bool = True,
              nonempty: bool = False) -> Column:
    """A quantity that must be above zero (a length, a speed)."""
    return Column(name, "float", required, nonempty, minimum=0.0, strict=True,
                  maximum=maximum)


def _capacity(name: str, *, required: bool = True, nonempty: bool = False) -> Column:
    """Tonnes per year, at least one: a smaller figure is a typing or unit error, and
    it would overflow the utilisation (flow / capacity) of any load."""
    return Column(name, "float", required, nonempty, minimum=1.0, maximum=TONNES_PER_YEAR)


# Largest values a column accepts: bounds of the physical world, far above any real
# link, so that a slipped unit (metres for km, a missing decimal point) is caught
# before it overflows a cost instead of closing a route without a word.
KM = 40_075.0  # once round the Earth
HOURS = 10_000.0  # more than a year
SPEED = 1_200.0  # faster than any freight aircraft, km/h
USD_PER_T = 1e7
TONNES_PER_YEAR = 1e12  # world seaborne trade is about 1.2e10


COLUMNS: dict[str, tuple[Column, ...]] = {
    "places": (
        _c("place_id", nonempty=True),
        _c("name", nonempty=True),
        _c("country", nonempty=True),
        _c("lon", "float", nonempty=True),
        _c("lat", "float", nonempty=True),
        _c("kind", nonempty=True),
        _c("terminals", nonempty=True),
        _c("coord_estimate", "bool", required=False),
        _c("source", required=False),
        _c("aliases", required=False),  # ";"-separated other names the place answers to
    ),
    "links": (
        _c("link_id", nonempty=True),
        _c("from_place", nonempty=True),
        _c("to_place", nonempty=True),
        _c("mode", nonempty=True),
        _c("name", required=False),
        _positive("length_km", KM),
        _c("length_estimate", "bool", required=False),
        _c("length_method", required=False),
        _c("gauge_mm", required=False),
        _positive("speed_kmh", SPEED, required=False),
        _positive("time_h", HOURS, required=False),
        _capacity("capacity", required=False),
        _c("capacity_unit", required=False),
        _c("status", required=False),
        _c("year_open", "int", required=False),
        _c("two_way", "bool", required=False),
        _amount("risk_usd_per_t", USD_PER_T, required=False),
        _c("corridor", required=False),
        _c("geometry_wkt", required=False),
        _c("source", required=False),
    ),
    "crossings": (
        _c("crossing_id", nonempty=True),
        _c("name", required=False),
        _c("place_a", nonempty=True),
        _c("place_b", nonempty=True),
        _c("mode", nonempty=True),
        _amount("dwell_h", HOURS, nonempty=True),
        _amount("dwell_h_low", HOURS, required=False),
        _amount("dwell_h_high", HOURS, required=False),
        _amount("fee_usd_per_t", USD_PER_T, required=False),
        _capacity("capacity", required=False),
        _c("capacity_unit", required=False),
        _c("gauge_change", "bool", required=False),
        _c("regime", required=False),
        _c("status", required=False),
        _c("year_open", "int", required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "transfers": (
        _c("from_terminal", nonempty=True),
        _c("to_terminal", nonempty=True),
        _amount("time_h", HOURS, nonempty=True),
        _amount("cost_usd_per_t", USD_PER_T, nonempty=True),
        _amount("co2e_kg_per_t", 1e6, required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "modes": (
        _c("mode", nonempty=True),
        _amount("cost_usd_per_tkm", 1_000.0, nonempty=True),
        _positive("speed_kmh", SPEED, nonempty=True),
        _positive("driving_hours_per_day", 24.0, required=False),
        _amount("co2e_kg_per_tkm", 100.0, nonempty=True),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "throughput": (
        _c("place_id", nonempty=True),
        _c("terminal", nonempty=True),
        _capacity("capacity", nonempty=True),
        _c("capacity_unit", nonempty=True),
        _c("name", required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "commodities": (
        _c("commodity", nonempty=True),
        _c("name", required=False),
        _amount("value_of_time_usd_per_t_h", 1e6, nonempty=True),
        _amount("value_usd_per_t", 1e9, required=False),
        _c("allowed_modes", nonempty=True),
        _positive("tonnes_per_teu", 30.0, required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "services": (
        _c("service", nonempty=True),
        _c("mode", nonempty=True),
        _c("commodities", nonempty=True),
        _amount("cost_usd_per_tkm", 1_000.0, nonempty=True),
        _amount("fee_factor", 10.0, required=False),
        _amount("dwell_factor", 10.0, required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "countries": (
        _c("country", nonempty=True),
        _c("name", required=False),
        _amount("risk_usd_per_t", USD_PER_T, required=False),
        _amount("risk_pct_value_per_day", 100.0, required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "projects": (
        _c("project_id", nonempty=True),
        _c("name", nonempty=True),
        _c("kind", nonempty=True),
        _c("link_ids", required=False),
        _amount("capital_cost_usd", 1e13, required=False),
        _amount("capital_cost_low_usd", 1e13, required=False),
        _amount("capital_cost_high_usd", 1e13, required=False),
        _c("cost_estimate", "bool", required=False),
        _amount("opex_usd_per_year", 1e12, required=False),
        _amount("lead_time_years", 50.0, required=False),
        _c("earliest_year", "int", required=False),  # first year construction may start
        # what it changes: capacity added to the existing links it names and to the
        # crossings on them or named in crossing_ids; line-haul time and money of its
        # links times a factor; hours of dwell cut at each crossing of crossing_ids
        _amount("capacity_added", TONNES_PER_YEAR, required=False),
        _positive("time_factor", 10.0, required=False),
        _positive("cost_factor", 10.0, required=False),
        _c("crossing_ids", required=False),  # ";"-separated crossings it changes
        _amount("dwell_h_saved", HOURS, required=False),  # hours cut at each of them
        _c("depends_on", required=False),  # ";"-separated projects it needs
        _c("excludes", required=False),  # ";"-separated projects it cannot go with
        _c("status", required=False),
        _c("year_open", "int", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
}

ID_COLUMN = {
    "places": "place_id",
    "links": "link_id",
    "crossings": "crossing_id",
    "modes": "mode",
    "commodities": "commodity",
    "projects": "project_id",
    "services": "service",
    "countries": "country",
}

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _row_label(frame: pd.DataFrame, table: str, position: int) -> str:
    if table == "throughput" and {"place_id", "terminal"} <= set(frame.columns):
        pid, term = frame["place_id"].iloc[position], frame["terminal"].iloc[position]
        if isinstance(pid, str) and pid and isinstance(term, str) and term:
            return f"throughput {pid}/{term}"
    id_col = ID_COLUMN.get(table)
    if id_col is not None and id_col in frame.columns:
        value = frame[id_col].iloc[position]
        if isinstance(value, str) and value:
            return f"{table} {value!r}"
    return f"{table} row {position + 2}"  # +2: header line and 1-based lines in the file


def parse_table(frame: pd.DataFrame, table: str, problems: list[str]) -> pd.DataFrame:
    """Return a typed copy of ``frame``; append every unreadable cell to ``problems``.

    Required columns that are missing are reported; optional ones are added empty.
    Extra columns are kept as they are.
    """
    spec = COLUMNS[table]
    out = frame.copy()
    out.columns = [str(c).strip() for c in out.columns]
    missing = [c.name for c in spec if c.required and c.name not in out.columns]
    if missing:
        problems.append(f"{table}: missing required column(s) {missing}")
    for col in spec:
        if col.name not in out.columns:
            out[col.name] = pd.Series([pd.NA] * len(out), dtype="object", index=out.index)
        raw = out[col.name]
        out[col.name] = _convert(out, raw, col, table, problems)
    return out.reset_index(drop=True)


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _convert(
    frame: pd.DataFrame, raw: pd.Series, col: Column, table: str, problems: list[str]
) -> pd.Series:
    values = list(raw)
    converted: list[object] = []
    for pos, value in enumerate(values):
        if _is_blank(value):
            if col.nonempty and col.name in frame.columns:
                problems.append(f"{_row_label(frame, table, pos)}: {col.name} is empty")
            converted.append(None)
            continue
        try:
            cell = _cast(value, col.kind)
        except ValueError:
            problems.append(f"{_row_label(frame, table, pos)}: {col.name}={value!r} is not "
                            f"{_WHAT[col.kind]}")
            converted.append(None)
            continue
        wrong = _out_of_range(cell, col)
        if wrong:
            problems.append(f"{_row_label(frame, table, pos)}: {col.name}={cell} {wrong}")
        converted.append(cell)
    if col.kind == "float":
        return pd.Series(
            [np.nan if v is None else v for v in converted], dtype="float64", index=raw.index
        )
    if col.kind == "int":
        return pd.Series(converted, dtype="Int64", index=raw.index)
    if col.kind == "bool":
        return pd.Series(converted, dtype="boolean", index=raw.index)
    return pd.Series(converted, dtype="object", index=raw.index)


_WHAT = {"float": "a finite number", "int": "a valid int", "bool": "a valid bool",
         "str": "a valid str"}


def _out_of_range(value: object, col: Column) -> str:
    """Why ``value`` is outside the column's bounds, or ``""``."""
    if not isinstance(value, float):
        return ""
    if col.maximum is not None and value > col.maximum:
        return (f"is above {col.maximum:g}, the most this column allows (a unit or typing "
                "error?)")
    if col.minimum is None:
        return ""
    if col.strict and not value > col.minimum:
        return "must be positive" if col.minimum == 0 else f"must be > {col.minimum:g}"
    if not col.strict and value < col.minimum:
        return "is negative" if col.minimum == 0 else f"must be >= {col.minimum:g}"
    return ""


def _cast(value: object, kind: str) -> object:
    if kind == "str":
        return str(value).strip()
    if kind == "float":
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):  # blank is the missing value; inf and nan are errors
            raise ValueError(value)
        return number
    if kind == "int":
        number = float(value)  # type: ignore[arg-type]
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    if kind == "bool":
        if isinstance(value, bool | np.bool_):
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(value)
    raise AssertionError(kind)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with the columns of ``name``."""
    return pd.DataFrame(columns=[c.name for c in COLUMNS[name]])


def split_ids(cell: object) -> list[str]:
    """The ids of a ``;``-separated cell (``"a; b;"`` -> ``["a", "b"]``), blanks dropped."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or cell is pd.NA:
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]
