"""Scenarios side by side for people: a text table and a comparison chart (PNG).

Both take the frame of :func:`connectivity.scenarios.comparison` (figures as rows,
scenarios as columns). The table shows each figure in a readable unit (Mt, bn USD,
percent), rounded for reading only; the JSON and CSV of
:mod:`connectivity.scenarios.compare` keep every digit. Route crossings and the errors
of failed scenarios are left out of the table (they are in the JSON and CSV; the
command prints the errors on stderr).

Monte Carlo summaries (:func:`connectivity.scenarios.summary`) go through the same
table: their ``portfolio.<name>.cost_usd_per_year`` rows in bn USD, regrets in m USD.

The chart has four panels: total cost, time and CO2e as a percent change from the
scenario named ``baseline`` (else the first), unserved demand, the mode shares of
tonne-km, and the tonnes on the main corridors. It is drawn with matplotlib's Agg
backend on a figure of its own (no pyplot, no global state).

Example
-------
>>> import pandas as pd
>>> frame = pd.DataFrame({"a": ["ok", 2.5e9], "b": ["ok", 3.0e9]},
...                      index=["status", "total_cost_usd_per_year"], dtype=object)
>>> print(comparison_table(frame))
figure              a      b
------------------  -----  -----
status              ok     ok
total cost, bn USD  2.500  3.000
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from connectivity.report.text import fmt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["comparison_table", "comparison_chart"]

#: Figure name (or its prefix before the first dot) -> label, divisor, digits.
_UNITS: dict[str, tuple[str, float, int]] = {
    "demand_t_per_year": ("demand, Mt/yr", 1e6, 2),
    "unserved_t_per_year": ("unserved, Mt/yr", 1e6, 2),
    "total_cost_usd_per_year": ("total cost, bn USD", 1e9, 3),
    "total_time_t_h_per_year": ("total time, bn t-h", 1e9, 3),
    "total_co2e_t_per_year": ("CO2e, Mt", 1e6, 3),
    "total_tkm_per_year": ("tonne-km, bn", 1e9, 1),
    "mode_share_tkm": ("% of t-km", 0.01, 1),
    "corridor_t_per_year": ("Mt/yr", 1e6, 2),
    "crossing_t_per_year": ("Mt/yr", 1e6, 2),
}


def _label(key: str) -> tuple[str, float, int]:
    if key in _UNITS:
        return _UNITS[key]
    group, _, rest = key.partition(".")
    if group in _UNITS:
        unit, scale, digits = _UNITS[group]
        kind = {"mode_share_tkm": "mode", "corridor_t_per_year": "corridor",
                "crossing_t_per_year": "crossing"}[group]
        return f"{kind} {rest}, {unit}", scale, digits
    if group == "portfolio" and rest.endswith((".cost_usd_per_year", ".regret_usd_per_year")):
        name, what = rest.rsplit(".", 1)
        return ((f"portfolio {name} cost, bn USD/yr", 1e9, 3) if what == "cost_usd_per_year"
                else (f"portfolio {name} regret, m USD/yr", 1e6, 1))
    if key == "assignment.relative_gap":
        return key, 1.0, -1
    return key, 1.0, 1


def _cell(value: object, scale: float, digits: int) -> str:
    if isinstance(value, float) and math.isfinite(value):
        if digits < 0:
            return f"{value:.2e}"
        return fmt(value / scale, digits)
    return fmt(value)


def comparison_table(frame: pd.DataFrame) -> str:
    """Figures as rows, scenarios as columns, in readable units (see the module
    docstring)."""
    headers = ["figure", *map(str, frame.columns)]
    rows: list[list[str]] = []
    numeric_rows = []
    for key, row in frame.iterrows():
        key = str(key)
        if key.endswith(".crossings") or key == "error":
            continue
        label, scale, digits = _label(key)
        rows.append([label, *(_cell(v, scale, digits) for v in row.tolist())])
        numeric_rows.append(all(isinstance(v, float | int) or v is None
                                for v in row.tolist()))
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str], numeric: bool) -> str:
        out = [cells[0].ljust(widths[0])]
        out += [c.rjust(w) if numeric else c.ljust(w) for c, w in zip(cells[1:], widths[1:],
                                                                      strict=True)]
        return "  ".join(out).rstrip()

    text = [line(headers, False), line(["-" * w for w in widths], False)]
    text += [line(r, n) for r, n in zip(rows, numeric_rows, strict=True)]
    return "\n".join(text)


def _values(frame: pd.DataFrame, key: str) -> list[float]:
    if key not in frame.index:
        return [math.nan] * len(frame.columns)
    return [float(v) if isinstance(v, float | int) and math.isfinite(v) else math.nan
            for v in frame.loc[key].tolist()]


def comparison_chart(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the comparison chart of ``frame`` to ``path`` (PNG) and return the path.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = [str(c) for c in frame.columns]
    ref = names.index("baseline") if "baseline" in names else 0
    x = np.arange(len(names))
    fig = Figure(figsize=(max(10.0, 1.3 * len(names) + 6.0), 8.5), layout="constrained")
    FigureCanvasAgg(fig)
    (ax_tot, ax_uns), (ax_mode, ax_corr) = fig.subplots(2, 2)
    outside = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small"}

    totals = [("total_cost_usd_per_year", "total cost"), ("total_time_t_h_per_year", "time"),
              ("total_co2e_t_per_year", "CO2e")]
    width = 0.8 / len(totals)
    for i, (key, label) in enumerate(totals):
        v = np.array(_values(frame, key))
        change = 100.0 * (v / v[ref] - 1.0) if v[ref] and np.isfinite(v[ref]) else v * np.nan
        ax_tot.bar(x + (i - 1) * width, change, width, label=label)
    ax_tot.axhline(0.0, color="grey", linewidth=0.8)
    ax_tot.set_title(f"Totals, % change from {names[ref]}")
    ax_tot.legend(**outside)

    unserved = np.array(_values(frame, "unserved_t_per_year")) / 1e6
    ax_uns.bar(x, unserved, color="tab:red")
    ax_uns.set_title("Unserved demand, Mt/yr")
    if not np.nanmax(unserved, initial=0.0) > 0:
        ax_uns.set_ylim(0.0, 1.0)
        ax_uns.text(0.5, 0.5, "no unserved demand", transform=ax_uns.transAxes,
                    ha="center", va="center", color="grey")

    bottom = np.zeros(len(names))
    for key in [k for k in map(str, frame.index) if k.startswith("mode_share_tkm.")]:
        share = np.nan_to_num(np.array(_values(frame, key)) * 100.0)
        ax_mode.bar(x, share, 0.6, bottom=bottom, label=key.split(".", 1)[1])
        bottom += share
    ax_mode.set_title("Mode share of tonne-km, %")
    ax_mode.legend(**outside)

    corridors = [k for k in map(str, frame.index) if k.startswith("corridor_t_per_year.")]
    width = 0.8 / max(1, len(corridors))
    for i, key in enumerate(corridors):
        offset = (i - (len(corridors) - 1) / 2) * width
        ax_corr.bar(x + offset, np.array(_values(frame, key)) / 1e6, width,
                    label=key.split(".", 1)[1])
    ax_corr.set_title("Tonnes on the main corridors, Mt/yr")
    if corridors:
        ax_corr.legend(**outside)

    for ax in (ax_tot, ax_uns, ax_mode, ax_corr):
        ax.set_xticks(x, names, rotation=30, ha="right", fontsize="small")
    out = Path(path)
    fig.savefig(out, format="png", dpi=100)
    return out
