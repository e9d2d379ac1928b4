"""Matrices in and out: OMX files (skims, demand) and skims as a long CSV table.

OMX (open matrix, https://github.com/osPlanning/omx) is an HDF5 layout that most travel
demand tools read and write: a set of equally shaped 2-D matrices, each with attributes,
and lookups that map rows and columns to zone ids. Here a square file carries the place
ids in a lookup named ``zones``; a rectangular one (origins different from
destinations) carries ``origins`` (rows) and ``destinations`` (columns). Each skim
measure is one matrix, its unit in the matrix attribute ``units``; ``inf`` marks a pair
with no route. The ``openmatrix`` package (PyPI ``OpenMatrix``) is needed for OMX files
and is imported only when one is read or written.

Examples
--------
>>> import tempfile, numpy as np
>>> from pathlib import Path
>>> from connectivity.io.omx import write_skims_omx, read_demand_omx
>>> path = Path(tempfile.mkdtemp()) / "demand.omx"
>>> write_skims_omx(path, {"container_t": np.array([[0.0, 5.0], [2.0, 0.0]])},
...                 ["CN_URUMQI", "KZ_ALMATY"], attrs={"container_t": {"units": "t_per_year"}})
>>> read_demand_omx(path, matrix="container_t", commodity="container")[
...     ["origin", "destination", "tonnes_per_year"]].values.tolist()
[['CN_URUMQI', 'KZ_ALMATY', 5.0], ['KZ_ALMATY', 'CN_URUMQI', 2.0]]
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity.errors import NetworkValidationError, UnknownIdError
from connectivity.tables import DEMAND_COLUMNS, Network

if TYPE_CHECKING:
    import tables

__all__ = [
    "SKIM_UNITS",
    "TONNES_PER_YEAR_UNITS",
    "write_skims_omx",
    "write_skims_csv",
    "read_demand_omx",
    "omx_zones",
]

#: The unit of each skim measure the library computes, written as the ``units``
#: attribute of its OMX matrix.
SKIM_UNITS: dict[str, str] = {
    "generalized_cost_usd_per_t": "USD/t",
    "time_h": "h",
    "distance_km": "km",
    "cost_usd_per_t": "USD/t",
    "co2e_kg_per_t": "kg CO2e/t",
    "risk_usd_per_t": "USD/t",
}

#: ``units`` attributes a demand matrix may carry (anything else is refused).
TONNES_PER_YEAR_UNITS = ("t_per_year", "tonnes_per_year", "t/year", "t/yr", "tonnes/year",
                         "t per year")

_SHOWN = 5  # bad cells named in an error message


def _openmatrix() -> Any:
    try:
        import openmatrix
    except ImportError:  # pragma: no cover - the test environment has it
        raise ImportError(
            "OMX files need the openmatrix package: pip install OpenMatrix") from None
    return openmatrix


def _check_ids(ids: Sequence[str], what: str) -> list[str]:
    out = [str(z) for z in ids]
    if not out:
        raise ValueError(f"{what} is empty; give at least one place id")
    counts = pd.Series(out).value_counts()
    dupes = sorted(counts[counts > 1].index)
    if dupes:
        raise ValueError(f"{what} repeats place id(s) {dupes}; each row or column is one place")
    return out


def _string_lookup(f: tables.File, name: str, ids: list[str], dim: int | None) -> None:
    """A lookup of UTF-8 strings (openmatrix's ``create_mapping`` writes integers only)."""
    encoded = [z.encode("utf-8") for z in ids]
    width = max(len(b) for b in encoded)
    node = f.create_array(f.root.lookup, name, obj=np.array(encoded, dtype=f"S{width}"))
    if dim is not None:
        node.attrs["DIM"] = dim


def write_skims_omx(
    path: str | Path,
    matrices: Mapping[str, Any],
    zones: Sequence[str],
    *,
    destinations: Sequence[str] | None = None,
    attrs: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Write matrices (skims, demand) to an OMX file, one OMX matrix per measure.

    Parameters
    ----------
    path
        The ``.omx`` file to write (replaced if it exists).
    matrices
        Matrix name (``time_h``, ``cost_usd_per_t``, ...) to a 2-D float array of shape
        ``len(zones) x len(destinations or zones)``.
    zones
        Place ids of the rows (and of the columns when ``destinations`` is ``None``),
        written as the lookup ``zones``.
    destinations
        Place ids of the columns of a rectangular file; the lookups are then ``origins``
        and ``destinations`` (with the OMX ``DIM`` attribute 0 and 1).
    attrs
        Attributes per matrix name, e.g. ``{"time_h": {"units": "h"}}``. A measure of
        :data:`SKIM_UNITS` gets its ``units`` unless given here.

    Raises
    ------
    ValueError
        A matrix of the wrong shape, or not 2-D, or of non-numbers; an empty or repeated
        zone list; attributes for a matrix not written.
    """
    omx = _openmatrix()
    rows = _check_ids(zones, "zones")
    cols = rows if destinations is None else _check_ids(destinations, "destinations")
    if not matrices:
        raise ValueError("matrices is empty; give at least one matrix")
    attrs = dict(attrs or {})
    unknown = sorted(set(attrs) - set(matrices))
    if unknown:
        raise ValueError(f"attrs names matrices that are not written: {unknown}; "
                         f"matrices are {sorted(matrices)}")
    arrays: dict[str, NDArray[np.float64]] = {}
    for name, values in matrices.items():
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"matrix {name!r} does not hold numbers") from None
        if arr.shape != (len(rows), len(cols)):
            raise ValueError(f"matrix {name!r} has shape {arr.shape}; the zones give "
                             f"{(len(rows), len(cols))}")
        arrays[name] = arr
    with omx.open_file(str(path), "w") as f:
        for name, arr in arrays.items():
            given = dict(attrs.get(name, {}))
            if name in SKIM_UNITS:
                given.setdefault("units", SKIM_UNITS[name])
            f.create_matrix(name, obj=arr, attrs=given or None)
        if destinations is None:
            _string_lookup(f, "zones", rows, None)
        else:
            _string_lookup(f, "origins", rows, 0)
            _string_lookup(f, "destinations", cols, 1)


def write_skims_csv(
    path: str | Path,
    matrices: Mapping[str, Any],
    zones: Sequence[str],
    *,
    destinations: Sequence[str] | None = None,
) -> None:
    """Write matrices as one long CSV table: ``origin, destination`` and one column per
    matrix (named with its unit, e.g. ``time_h``), one row per pair in row-major order.

    ``inf`` (no route) is written as ``inf``. Parameters as for
    :func:`write_skims_omx`.
    """
    rows = _check_ids(zones, "zones")
    cols = rows if destinations is None else _check_ids(destinations, "destinations")
    arrays = {}
    for name, values in matrices.items():
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != (len(rows), len(cols)):
            raise ValueError(f"matrix {name!r} has shape {arr.shape}; the zones give "
                             f"{(len(rows), len(cols))}")
        arrays[name] = arr.ravel()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["origin", "destination", *arrays])
        for k, (o, d) in enumerate((o, d) for o in rows for d in cols):
            writer.writerow([o, d, *(repr(float(a[k])) for a in arrays.values())])


def _decode(entries: Sequence[Any]) -> list[str]:
    return [e.decode("utf-8") if isinstance(e, bytes) else str(e) for e in entries]


def omx_zones(path: str | Path, *, mapping: str = "zones") -> list[str]:
    """The place ids of an OMX file's lookup ``mapping`` (a lookup of strings).

    Raises
    ------
    UnknownIdError
        When the file has no such lookup (naming the lookups it has), or when the
        lookup holds integer zone numbers rather than place ids.
    """
    omx = _openmatrix()
    with omx.open_file(str(path), "r") as f:
        return _lookup(f, mapping, path)


def _lookup(f: Any, mapping: str, path: str | Path) -> list[str]:
    have = f.list_mappings()
    if mapping not in have:
        raise UnknownIdError(f"OMX file {str(path)!r} has no lookup {mapping!r}; it has "
                             f"{have or 'none'} (give zones=[place ids] instead)")
    entries = f.get_node(f.root.lookup, mapping)[:]
    if entries.dtype.kind in "iuf":
        raise UnknownIdError(
            f"OMX lookup {mapping!r} of {str(path)!r} holds zone numbers "
            f"({entries[:3].tolist()}...), not place ids; give zones=[place ids] in "
            "row order")
    return _decode(entries)


def _read_matrix(path: str | Path, matrix: str, mapping: str,
                 zones: Sequence[str] | None) -> tuple[NDArray[np.float64], list[str]]:
    omx = _openmatrix()
    with omx.open_file(str(path), "r") as f:
        names = f.list_matrices()
        if matrix not in names:
            raise UnknownIdError(f"OMX file {str(path)!r} has no matrix {matrix!r}; it has "
                                 f"{names}")
        node = f[matrix]
        units = node.attrs["units"] if "units" in node.attrs._v_attrnames else None
        values = np.asarray(node[:], dtype=np.float64)
        ids = _check_ids(zones, "zones") if zones is not None else _lookup(f, mapping, path)
    if isinstance(units, bytes):
        units = units.decode("utf-8")
    if units is not None:
        units = str(units)
    if units is not None and str(units).strip().lower() not in TONNES_PER_YEAR_UNITS:
        raise ValueError(f"OMX matrix {matrix!r} has units={units!r}; demand is read in "
                         f"tonnes per year (units one of {list(TONNES_PER_YEAR_UNITS)})")
    if values.shape[0] != values.shape[1]:
        raise ValueError(f"OMX matrix {matrix!r} is {values.shape[0]} x {values.shape[1]}; "
                         "a demand matrix is square (one zone list for rows and columns)")
    if len(ids) != values.shape[0]:
        raise ValueError(f"{len(ids)} zones for OMX matrix {matrix!r} of "
                         f"{values.shape[0]} x {values.shape[1]}")
    return values, ids


def _pairs(ids: list[str], cells: tuple[NDArray[np.intp], ...],
           values: NDArray[np.float64]) -> str:
    shown = [f"{ids[i]}->{ids[j]}: {float(values[i, j])!r}"
             for i, j in zip(cells[0][:_SHOWN].tolist(), cells[1][:_SHOWN].tolist(),
                             strict=True)]
    more = len(cells[0]) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def read_demand_omx(
    path: str | Path,
    *,
    matrix: str,
    commodity: str,
    zones: Sequence[str] | None = None,
    mapping: str = "zones",
    network: Network | None = None,
) -> pd.DataFrame:
    """Read one OMX matrix of tonnes per year as a demand table.

    Parameters
    ----------
    path
        The ``.omx`` file.
    matrix
        Name of the matrix of tonnes per year (its ``units`` attribute, if any, must say
        so: one of :data:`TONNES_PER_YEAR_UNITS`).
    commodity
        Commodity id given to every row.
    zones
        Place ids of the rows and columns in order, for a file whose lookup holds zone
        numbers or that has none; by default the file's lookup ``mapping``.
    mapping
        Name of the lookup of place ids (default ``zones``, as
        :func:`write_skims_omx` writes it).
    network
        When given, every zone id must be a place of it, the commodity one of its
        commodities, and the table is checked by
        :func:`~connectivity.tables.read_demand`.

    Returns
    -------
    pandas.DataFrame
        ``origin, destination, commodity, tonnes_per_year, source``: one row per
        non-zero cell, in row-major order. Cells on the diagonal are intrazonal rows:
        kept, and left in their place by every assignment (see
        :func:`~connectivity.tables.demand.split_intrazonal`).

    Raises
    ------
    NetworkValidationError
        Negative, infinite or NaN cells, each named with its zone pair and value; zone
        ids or a commodity the network does not have.
    UnknownIdError
        A matrix or lookup the file does not have.
    ValueError
        A matrix that is not square, a zone list of the wrong length, or units that are
        not tonnes per year.
    """
    values, ids = _read_matrix(path, matrix, mapping, zones)
    problems: list[str] = []
    bad = np.nonzero(~np.isfinite(values))
    if len(bad[0]):
        problems.append(f"OMX matrix {matrix!r}: {len(bad[0])} cell(s) are not finite "
                        f"numbers: {_pairs(ids, bad, values)}")
    neg = np.nonzero(values < 0)
    if len(neg[0]):
        problems.append(f"OMX matrix {matrix!r}: {len(neg[0])} cell(s) are negative: "
                        f"{_pairs(ids, neg, values)}")
    if network is not None:
        places = set(network.places["place_id"])
        unknown = [z for z in ids if z not in places]
        if unknown:
            problems.append(f"OMX zones not in the network's places: {unknown[:20]}"
                            + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""))
    if problems:
        raise NetworkValidationError(problems)
    rows, cols = np.nonzero(values)
    names = np.asarray(ids, dtype=object)
    frame = pd.DataFrame({
        DEMAND_COLUMNS[0]: names[rows], DEMAND_COLUMNS[1]: names[cols],
        DEMAND_COLUMNS[2]: commodity, DEMAND_COLUMNS[3]: values[rows, cols],
        "source": f"OMX {Path(path).name}, matrix {matrix}",
    })
    if network is not None:
        from connectivity.tables import read_demand

        return read_demand(frame, network)
    return frame
