"""Freight demand tables: origin, destination, commodity, tonnes per year.

:func:`read_demand` checks a user's table against a network and reports every problem
at once; :func:`load_bundled_demand` reads the bundled estimate (see ``data/README.md``
for the published figures and the method behind it).

A row whose origin is its destination is intrazonal: it is kept in the table, but no
assignment routes it (the convention of the TNTP networks and the four-step models
whose matrices carry a diagonal); :func:`split_intrazonal` separates the rows that are
routed from those that stay in their place, and each method reports the latter.

Examples
--------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> d = cn.load_bundled_demand(net)
>>> float(d["tonnes_per_year"].sum()) > 0
True
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from connectivity.errors import NetworkValidationError
from connectivity.tables.network import Network
from connectivity.tables.read import bundled_data_dir, read_table

__all__ = ["read_demand", "load_bundled_demand", "split_intrazonal", "DEMAND_COLUMNS",
           "MAX_TONNES_PER_YEAR"]

DEMAND_COLUMNS = ("origin", "destination", "commodity", "tonnes_per_year")

#: Largest tonnage of one demand row (t/year): world seaborne trade is about 1.2e10.
MAX_TONNES_PER_YEAR = 1e12


def read_demand(source: pd.DataFrame | str | Path, network: Network) -> pd.DataFrame:
    """Read and check a demand table against ``network``.

    Parameters
    ----------
    source
        DataFrame or CSV path with columns ``origin``, ``destination``, ``commodity``,
        ``tonnes_per_year`` (extra columns such as ``source`` are kept).
    network
        The network whose place ids and commodities the table must use.

    Returns
    -------
    pandas.DataFrame
        The table with ``tonnes_per_year`` as float64, rows in input order.

    Raises
    ------
    NetworkValidationError
        Listing every problem: missing columns, unknown places or commodities,
        negative or unreadable tonnages, duplicate rows. (A row whose origin is its
        destination is intrazonal and valid; see :func:`split_intrazonal`.)
    """
    frame = read_table(source) if not isinstance(source, pd.DataFrame) else source.copy()
    problems: list[str] = []
    missing = [c for c in DEMAND_COLUMNS if c not in frame.columns]
    if missing:
        raise NetworkValidationError([f"demand: missing required column(s) {missing}"])
    places = set(network.places["place_id"])
    commodities = set(network.commodities["commodity"])
    tonnes = pd.to_numeric(frame["tonnes_per_year"], errors="coerce")
    for pos, row in enumerate(frame.itertuples(index=False)):
        label = f"demand row {pos + 2} ({row.origin}->{row.destination}, {row.commodity})"
        for col in ("origin", "destination"):
            value = getattr(row, col)
            if value not in places:
                problems.append(f"{label}: {col}={value!r} is not a known place id")
        if row.commodity not in commodities:
            problems.append(
                f"{label}: commodity={row.commodity!r} is unknown; known {sorted(commodities)}"
            )
        t = tonnes.iloc[pos]
        if not np.isfinite(t):
            problems.append(
                f"{label}: tonnes_per_year={row.tonnes_per_year!r} is not a finite number")
        elif t < 0:
            problems.append(f"{label}: tonnes_per_year={float(t)} is negative")
        elif t > MAX_TONNES_PER_YEAR:
            problems.append(
                f"{label}: tonnes_per_year={t:g} is more than {MAX_TONNES_PER_YEAR:g}, above "
                "all the freight on Earth in a year; check the unit (tonnes per year)")
    key = pd.Series(["|".join(map(str, k)) for k in zip(
        frame["origin"], frame["destination"], frame["commodity"], strict=True)], dtype=object)
    dupes = sorted(set(key[key.duplicated()]))
    if dupes:
        problems.append(f"demand: duplicate origin|destination|commodity rows {dupes}")
    if problems:
        raise NetworkValidationError(problems)
    out = frame.reset_index(drop=True)
    out["tonnes_per_year"] = tonnes.astype("float64").to_numpy()
    return out


def split_intrazonal(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a checked demand table that are routed, and the intrazonal ones.

    Parameters
    ----------
    table
        From :func:`read_demand`.

    Returns
    -------
    routed, intrazonal
        The rows whose origin differs from their destination, and the rows whose origin
        is their destination (each with a fresh index, rows in input order).

    Examples
    --------
    >>> t = pd.DataFrame({"origin": ["A", "B"], "destination": ["B", "B"],
    ...                   "commodity": ["x", "x"], "tonnes_per_year": [5.0, 2.0]})
    >>> routed, inside = split_intrazonal(t)
    >>> routed["origin"].tolist(), float(inside["tonnes_per_year"].sum())
    (['A'], 2.0)
    """
    same = (table["origin"] == table["destination"]).to_numpy(dtype=bool)
    return (table[~same].reset_index(drop=True), table[same].reset_index(drop=True))


def load_bundled_demand(network: Network) -> pd.DataFrame:
    """The bundled China–Central Asia freight demand estimate, checked against ``network``."""
    return read_demand(bundled_data_dir() / "demand.csv", network)
