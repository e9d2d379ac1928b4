"""Outputs for people: plain-text tables for the command line and reports.

- :mod:`~connectivity.report.text`: :func:`format_table` and :func:`fmt`;
- :mod:`~connectivity.report.compare`: scenarios side by side, :func:`comparison_table`
  and :func:`comparison_chart` (PNG).

Example
-------
>>> from connectivity.report import format_table
>>> print(format_table(["place", "time_h"], [["Almaty", 12.25], ["Tashkent", 30.0]]))
place     time_h
--------  ------
Almaty      12.2
Tashkent    30.0
"""

from __future__ import annotations

from connectivity.report.compare import comparison_chart, comparison_table
from connectivity.report.text import fmt, format_table

__all__ = ["format_table", "fmt", "comparison_table", "comparison_chart"]
