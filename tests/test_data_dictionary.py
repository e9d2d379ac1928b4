"""docs/data-schema.md cannot drift from the bundled CSVs and the code that reads them.

The page's tables are parsed: every column of every bundled CSV is documented under its
table, every documented column is in the CSV or in the column specs of
`connectivity.tables.schema`, and each column's documented type and requirement are the
ones the parser applies.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from connectivity.tables import DEMAND_COLUMNS, bundled_data_dir
from connectivity.tables.schema import COLUMNS, OPTIONAL_TABLES, TABLES

PAGE = Path(__file__).resolve().parents[1] / "docs" / "data-schema.md"

# the page's words for the parser's kinds (schema.Column.kind)
TYPES = {"text": "str", "list": "str", "number": "float", "integer": "int", "true/false": "bool"}
REQUIRED = {"yes", "no"}
# filled in every row by a rule of tables/rules.py, not by the parser's `nonempty`
FILLED_BY_RULES = {("links", "length_km")}


def parse_page(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """Each ``## NAME.csv`` section's table: column -> {header: cell}."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    sections = re.split(r"^## (\w+)\.csv[^\n]*$", text, flags=re.MULTILINE)
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        rows = [line for line in body.splitlines() if line.startswith("|")]
        assert len(rows) > 2, f"section {name}.csv has no table"
        header = [cell.strip() for cell in rows[0].strip("|").split("|")]
        assert header[:4] == ["column", "type", "unit", "required"], (name, header)
        columns: dict[str, dict[str, str]] = {}
        for row in rows[2:]:
            cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
            assert len(cells) == len(header), f"{name}.csv: row {row!r} has {len(cells)} cells"
            entry = dict(zip(header, cells, strict=True))
            assert entry["column"] not in columns, f"{name}.csv: {entry['column']} twice"
            columns[entry["column"]] = entry
        tables[name] = columns
    return tables


@pytest.fixture(scope="module")
def page() -> dict[str, dict[str, dict[str, str]]]:
    if not PAGE.is_file():
        pytest.skip(f"{PAGE} is not here (not a source checkout)")
    return parse_page(PAGE.read_text("utf-8"))


def bundled_csvs() -> list[Path]:
    return sorted(bundled_data_dir().glob("*.csv"))


def header(path: Path) -> list[str]:
    return list(pd.read_csv(path, dtype=str, nrows=0).columns)


def test_every_table_has_a_section(page: dict[str, dict[str, dict[str, str]]]) -> None:
    names = {p.stem for p in bundled_csvs()}
    assert names, "no bundled CSV found"
    assert names <= set(page), f"tables without a section: {sorted(names - set(page))}"
    assert set(TABLES) | {"demand"} == set(page)


@pytest.mark.parametrize("path", bundled_csvs(), ids=lambda p: p.name)
def test_every_csv_column_is_documented(
    page: dict[str, dict[str, dict[str, str]]], path: Path
) -> None:
    documented = set(page[path.stem])
    missing = [c for c in header(path) if c not in documented]
    assert not missing, f"{path.name}: columns not in docs/data-schema.md: {missing}"


@pytest.mark.parametrize("table", [*TABLES, "demand"])
def test_every_documented_column_exists(
    page: dict[str, dict[str, dict[str, str]]], table: str
) -> None:
    path = bundled_data_dir() / f"{table}.csv"
    in_csv = set(header(path)) if path.is_file() else set()
    in_code = {c.name for c in COLUMNS.get(table, ())}
    unknown = sorted(set(page[table]) - in_csv - in_code)
    assert not unknown, f"{table}: documented but in neither the CSV nor the code: {unknown}"
    undocumented = sorted(in_code - set(page[table]))
    assert not undocumented, f"{table}: read by the code but not documented: {undocumented}"


@pytest.mark.parametrize("table", TABLES)
def test_types_and_requirements_match_the_parser(
    page: dict[str, dict[str, dict[str, str]]], table: str
) -> None:
    wrong = []
    for col in COLUMNS[table]:
        entry = page[table][col.name]
        if TYPES.get(entry["type"]) != col.kind:
            wrong.append(f"{col.name}: type {entry['type']!r}, the parser reads {col.kind}")
        filled = col.nonempty or (table, col.name) in FILLED_BY_RULES
        expected = "yes" if col.required and filled else "column" if col.required else "no"
        if entry["required"] != expected:
            wrong.append(f"{col.name}: required {entry['required']!r}, the parser: {expected}")
    assert not wrong, f"{table}: " + "; ".join(wrong)


def test_demand_columns_match_the_reader(page: dict[str, dict[str, dict[str, str]]]) -> None:
    demand = page["demand"]
    assert [c for c in demand if demand[c]["required"] == "yes"] == list(DEMAND_COLUMNS)
    assert demand["tonnes_per_year"]["type"] == "number"


def test_page_uses_its_own_vocabulary(page: dict[str, dict[str, dict[str, str]]]) -> None:
    for table, columns in page.items():
        for name, entry in columns.items():
            assert entry["type"] in TYPES, (table, name, entry["type"])
            assert entry["required"] in REQUIRED, (table, name, entry["required"])


def test_optional_tables_are_called_optional() -> None:
    text = PAGE.read_text("utf-8") if PAGE.is_file() else pytest.skip("no page")
    for table in TABLES:
        section = text.split(f"## {table}.csv", 1)[1].split("\n## ", 1)[0]
        first = section.strip().split(".", 1)[0]
        expected = "Optional" if table in OPTIONAL_TABLES else "Required"
        assert first == expected, f"{table}.csv: the section starts {first!r}, not {expected!r}"


def _numbers(cell: str) -> set[float]:
    """The numbers written in a cell (``>= 0, <= 40,075`` -> {0.0, 40075.0})."""
    found = re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e\d+)?", cell)
    return {float(n.replace(",", "")) for n in found}


@pytest.mark.parametrize("table", TABLES)
def test_bounds_match_the_parser(
    page: dict[str, dict[str, dict[str, str]]], table: str
) -> None:
    wrong = []
    for col in COLUMNS[table]:
        if col.kind != "float":
            continue
        allowed = page[table][col.name]["allowed values"]
        shown = _numbers(allowed)
        for bound in (col.minimum, col.maximum):
            if bound is not None and bound not in shown:
                wrong.append(f"{col.name}: {allowed!r} does not give the bound {bound:g}")
        if col.minimum == 0 and col.strict and "> 0" not in allowed:
            wrong.append(f"{col.name}: {allowed!r} does not say > 0")
    assert not wrong, f"{table}: " + "; ".join(wrong)
