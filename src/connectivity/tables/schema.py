"""The tables' columns and vocabularies, and parsing raw cells into typed frames.

Parsing never drops or changes a row: a cell that cannot be read is reported as a
problem (table, row id, column, value) and left as missing, so that validation can list
every problem at once.
"""

from __future__ import annotations

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
          "projects")

#: Tables that may be left out; they are then empty.
OPTIONAL_TABLES = ("crossings", "throughput", "projects")

TERMINALS = ("road", "rail_1435", "rail_1520", "air", "sea", "ferry")
MODES = ("road", "rail", "air", "sea", "ferry")
STATUSES = ("existing", "under_construction", "planned")
PROJECT_KINDS = ("new_link", "upgrade", "crossing")
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
    name: str
    kind: str  # "str", "float", "int", "bool"
    required: bool = True  # the column must be present
    nonempty: bool = False  # every cell must have a value


def _c(name: str, kind: str = "str", *, required: bool = True, nonempty: bool = False) -> Column:
    return Column(name, kind, required, nonempty)


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
    ),
    "links": (
        _c("link_id", nonempty=True),
        _c("from_place", nonempty=True),
        _c("to_place", nonempty=True),
        _c("mode", nonempty=True),
        _c("name", required=False),
        _c("length_km", "float"),
        _c("length_estimate", "bool", required=False),
        _c("length_method", required=False),
        _c("gauge_mm", required=False),
        _c("speed_kmh", "float", required=False),
        _c("time_h", "float", required=False),
        _c("capacity", "float", required=False),
        _c("capacity_unit", required=False),
        _c("status", required=False),
        _c("year_open", "int", required=False),
        _c("two_way", "bool", required=False),
        _c("risk_usd_per_t", "float", required=False),
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
        _c("dwell_h", "float", nonempty=True),
        _c("dwell_h_low", "float", required=False),
        _c("dwell_h_high", "float", required=False),
        _c("fee_usd_per_t", "float", required=False),
        _c("capacity", "float", required=False),
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
        _c("time_h", "float", nonempty=True),
        _c("cost_usd_per_t", "float", nonempty=True),
        _c("co2e_kg_per_t", "float", required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "modes": (
        _c("mode", nonempty=True),
        _c("cost_usd_per_tkm", "float", nonempty=True),
        _c("speed_kmh", "float", nonempty=True),
        _c("co2e_kg_per_tkm", "float", nonempty=True),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "throughput": (
        _c("place_id", nonempty=True),
        _c("terminal", nonempty=True),
        _c("capacity", "float", nonempty=True),
        _c("capacity_unit", nonempty=True),
        _c("name", required=False),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "commodities": (
        _c("commodity", nonempty=True),
        _c("name", required=False),
        _c("value_of_time_usd_per_t_h", "float", nonempty=True),
        _c("value_usd_per_t", "float", required=False),
        _c("allowed_modes", nonempty=True),
        _c("estimate", "bool", required=False),
        _c("method", required=False),
        _c("source", required=False),
    ),
    "projects": (
        _c("project_id", nonempty=True),
        _c("name", nonempty=True),
        _c("kind", nonempty=True),
        _c("link_ids", required=False),
        _c("capital_cost_usd", "float", required=False),
        _c("cost_estimate", "bool", required=False),
        _c("capacity_added", "float", required=False),
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
            converted.append(_cast(value, col.kind))
        except ValueError:
            problems.append(
                f"{_row_label(frame, table, pos)}: {col.name}={value!r} is not a valid {col.kind}"
            )
            converted.append(None)
    if col.kind == "float":
        return pd.Series(
            [np.nan if v is None else v for v in converted], dtype="float64", index=raw.index
        )
    if col.kind == "int":
        return pd.Series(converted, dtype="Int64", index=raw.index)
    if col.kind == "bool":
        return pd.Series(converted, dtype="boolean", index=raw.index)
    return pd.Series(converted, dtype="object", index=raw.index)


def _cast(value: object, kind: str) -> object:
    if kind == "str":
        return str(value).strip()
    if kind == "float":
        if isinstance(value, bool):
            raise ValueError(value)
        return float(value)  # type: ignore[arg-type]
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
