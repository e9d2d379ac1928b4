"""Plain-text tables for the command line and the examples (standard library only).

Every measured number in a table goes through :func:`fmt_number`, so a small value
keeps its significant digits (a relative gap of 9.6e-6 never prints as ``0.0``):

>>> fmt(1234.5), fmt(9.6e-6), fmt(0.05), fmt(float("inf")), fmt(None)
('1,234.5', '9.6e-6', '0.05', 'no route', '-')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["format_table", "fmt", "fmt_number", "SCIENTIFIC_BELOW", "SCIENTIFIC_FROM"]

#: Magnitudes below this (and above zero) print in scientific notation ...
SCIENTIFIC_BELOW = 1e-4
#: ... and so do magnitudes from this one up.
SCIENTIFIC_FROM = 1e15


def fmt_number(value: float, *, sig: int = 3, decimals: int = 0,
               thousands: bool = True) -> str:
    """A number with at least ``sig`` significant digits and ``decimals`` decimals.

    Fixed notation with thousands separators for magnitudes from
    :data:`SCIENTIFIC_BELOW` to :data:`SCIENTIFIC_FROM`, scientific notation outside
    (``9.6e-6``); every digit of the integer part is kept (``1,234,568``). Decimals
    beyond ``decimals`` are shown only as far as ``sig`` needs them, without trailing
    zeros. Zero is ``0`` (never ``-0``); infinities are ``inf`` and ``-inf``, NaN is
    ``nan``.

    Parameters
    ----------
    value
        The number (an int, float or numpy scalar).
    sig
        Least number of significant digits shown (at least 1).
    decimals
        Least number of decimals in fixed notation (at least 0), as a table's column
        of costs keeps one decimal on every row.
    thousands
        Put ``,`` between groups of three digits of the integer part.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For ``sig`` below 1 or ``decimals`` below 0.

    Examples
    --------
    >>> [fmt_number(v) for v in (9.6e-6, 0.0, 1234567.8, 1e-12, -0.00123)]
    ['9.6e-6', '0', '1,234,568', '1e-12', '-0.00123']
    >>> fmt_number(float("inf")), fmt_number(float("nan")), fmt_number(2.0, decimals=1)
    ('inf', 'nan', '2.0')
    """
    if sig < 1:
        raise ValueError(f"sig must be a whole number >= 1, got {sig!r}")
    if decimals < 0:
        raise ValueError(f"decimals must be a whole number >= 0, got {decimals!r}")
    x = float(value)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    size = abs(x)
    if size == 0.0:
        return "0" + ("." + "0" * decimals if decimals else "")
    if size < SCIENTIFIC_BELOW or size >= SCIENTIFIC_FROM:
        mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    places = max(decimals, sig - 1 - math.floor(math.log10(size)))
    text = f"{x:{',' if thousands else ''}.{places}f}"
    if places > decimals:  # digits beyond the least decimals only as far as sig needs
        keep = len(text) - (places - decimals)
        text = text[:keep] + text[keep:].rstrip("0")
        text = text.rstrip(".")
    return "0" + text[2:] if text.startswith("-") and not text.strip("-0.,") else text


def fmt(value: object, digits: int = 1) -> str:
    """Format a cell of a report: ``-`` for missing or NaN, ``no route`` for infinity,
    a float with ``digits`` decimals and at least two significant digits
    (:func:`fmt_number`), anything else as ``str``."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if math.isinf(value):
            return "no route"
        return fmt_number(value, sig=2, decimals=digits)
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
