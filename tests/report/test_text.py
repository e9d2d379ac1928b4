"""The number formatter of the text tables: significant digits kept, scientific notation
for tiny and huge magnitudes, thousands separators, readable inf and NaN."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from connectivity.report import format_table
from connectivity.report.text import fmt, fmt_number

DATA = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize(("value", "text"), [
    (9.6e-6, "9.6e-6"),
    (0.0, "0"),
    (-0.0, "0"),
    (1234567.8, "1,234,568"),
    (1e-12, "1e-12"),
    (math.inf, "inf"),
    (-math.inf, "-inf"),
    (math.nan, "nan"),
    (-0.00123, "-0.00123"),
    (-1234.25, "-1,234"),
    (-4.25e-5, "-4.25e-5"),
    (0.05, "0.05"),
    (1.5e16, "1.5e16"),
    (7, "7"),
])
def test_fmt_number(value, text):
    assert fmt_number(value) == text


def test_fmt_number_options():
    assert fmt_number(1234567.8, thousands=False) == "1234568"
    assert fmt_number(2.0, decimals=1) == "2.0"
    assert fmt_number(0.000123456, sig=5) == "0.00012346"
    assert fmt_number(9.6e-6, sig=1) == "1e-5"
    with pytest.raises(ValueError, match="sig must be a whole number >= 1, got 0"):
        fmt_number(1.0, sig=0)
    with pytest.raises(ValueError, match="decimals must be a whole number >= 0, got -1"):
        fmt_number(1.0, decimals=-1)


def test_table_cells_keep_small_values_and_their_columns():
    assert fmt(9.6e-6) == "9.6e-6"  # was 0.0
    assert fmt(0.123) == "0.12"  # two significant digits, not 0.1
    assert fmt(1234.5) == "1,234.5" and fmt(12.25) == "12.2"  # one decimal as before
    assert fmt(0.0) == "0.0" and fmt(math.inf) == "no route" and fmt(math.nan) == "-"
    table = format_table(["what", "value"], [["gap", 9.6e-6], ["cost", 1234.5]])
    assert table.splitlines()[2:] == ["gap    9.6e-6", "cost  1,234.5"]


def test_tntp_table_shows_the_gap_digits(cli):
    out = cli("assign", "--method", "ue", "--tntp-net", str(DATA / "Grid_net.tntp"),
              "--tntp-trips", str(DATA / "Grid_trips.tntp"), "--gap", "1e-5",
              "--format", "table").stdout
    head, _, row = out.splitlines()
    gap = row.split()[head.split().index("relative_gap")]
    assert gap != "0.0" and "e-" in gap
    assert 0 < float(gap) <= 1e-5
