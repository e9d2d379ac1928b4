"""Plain-text tables for the command line and the examples (standard library only).

>>> fmt(1234.5), fmt(float("inf")), fmt(None)
('1,234.5', 'no route', '-')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["format_table", "fmt"]


def fmt(value: object, digits: int = 1) -> str:
    """Format a number for a report (``-`` for missing, ``inf`` for no route)."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "no route"
        return f"{value:,.{digits}f}"
    return str(value)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned text, right-aligned numbers, one space-padded column per header."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    numeric = [
        all(isinstance(row[i], int | float) for row in rows) if rows else False
        for i in range(len(headers))
    ]

    def line(items: Sequence[str]) -> str:
        parts = [
            it.rjust(widths[i]) if numeric[i] else it.ljust(widths[i])
            for i, it in enumerate(items)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)
