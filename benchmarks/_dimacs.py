"""Reader of the 9th DIMACS Implementation Challenge shortest-path files (``.gr``, ``.co``).

The challenge's road graphs (``USA-road-d.NY.gr``: distances, ``USA-road-t.NY.gr``: travel
times; ``USA-road-d.NY.co``: node coordinates) were derived from the US Census Bureau's
TIGER/Line data for the 9th DIMACS Implementation Challenge: Shortest Paths (Demetrescu,
Goldberg and Johnson, 2006). They are not part of this repository; ``bench_cch.py --dimacs
DIR`` reads them, plain or gzipped, from ``DIR``.

Format (one record a line): ``c`` comment; ``p sp N M`` (``N`` nodes, ``M`` arcs);
``a U V W`` an arc from ``U`` to ``V`` of integer weight ``W`` (nodes numbered from 1).
Coordinates: ``p aux sp co N`` then ``v ID X Y`` (longitude and latitude in millionths
of a degree).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

KINDS = ("d", "t")  # distance, travel time
REGIONS = ("NY", "BAY", "COL", "FLA", "NW", "NE", "CAL", "LKS", "E", "W", "CTR", "USA")


def find(directory: Path, region: str, kind: str, suffix: str) -> Path | None:
    """``USA-road-{kind}.{region}.{suffix}`` in ``directory``, plain or gzipped."""
    for name in (f"USA-road-{kind}.{region}.{suffix}", f"USA-road-{kind}.{region}.{suffix}.gz"):
        p = directory / name
        if p.is_file():
            return p
    return None


def _lines(path: Path) -> list[str]:
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    return raw.decode("ascii").splitlines()


def _header(lines: list[str], path: Path, tag: str, n_fields: int) -> list[int]:
    for line in lines:
        if line.startswith("p "):
            parts = line.split()
            if parts[1:-n_fields] != tag.split() or len(parts) != len(tag.split()) + 1 + n_fields:
                raise ValueError(f"{path}: problem line {line!r} is not 'p {tag} ...'")
            return [int(x) for x in parts[-n_fields:]]
    raise ValueError(f"{path}: no problem line 'p {tag} ...'")


def _records(lines: list[str], path: Path, kind: str, count: int) -> np.ndarray:
    body = [line[2:] for line in lines if line.startswith(kind + " ")]
    if len(body) != count:
        raise ValueError(f"{path}: the problem line announces {count} '{kind}' lines, "
                         f"the file has {len(body)} (truncated download?)")
    values = np.array(" ".join(body).split(), dtype=np.int64)
    if values.shape[0] != 3 * count:
        raise ValueError(f"{path}: every '{kind}' line must have 3 numbers")
    return values.reshape(count, 3)


def read_gr(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(tail, head, weight, n)`` of a ``.gr`` file: 0-based int64 nodes, int64 weights
    (parallel arcs kept as they are)."""
    lines = _lines(path)
    n, m = _header(lines, path, "sp", 2)
    arcs = _records(lines, path, "a", m)
    tail, head, weight = arcs[:, 0] - 1, arcs[:, 1] - 1, arcs[:, 2]
    for name, ids in (("tail", tail), ("head", head)):
        bad = np.flatnonzero((ids < 0) | (ids >= n))
        if bad.size:
            raise ValueError(f"{path}: arc {int(bad[0]) + 1} has {name} {int(ids[bad[0]]) + 1}, "
                             f"outside nodes 1..{n}")
    bad = np.flatnonzero(weight < 0)
    if bad.size:
        raise ValueError(f"{path}: arc {int(bad[0]) + 1} has negative weight "
                         f"{int(weight[bad[0]])}")
    return tail, head, weight, n


def read_co(path: Path, n: int) -> np.ndarray:
    """``n x 2`` (longitude, latitude) in degrees from a ``.co`` file for ``n`` nodes."""
    lines = _lines(path)
    (n_co,) = _header(lines, path, "aux sp co", 1)
    if n_co != n:
        raise ValueError(f"{path} has {n_co} nodes, the graph {n}")
    rec = _records(lines, path, "v", n)
    ids = rec[:, 0] - 1
    if not np.array_equal(np.sort(ids), np.arange(n)):
        raise ValueError(f"{path}: node ids are not 1..{n}, each once")
    xy = np.empty((n, 2))
    xy[ids] = rec[:, 1:] / 1e6
    return xy
