"""Candidate links of a network design problem: the candidates CSV and Rey's DNDP files.

A candidate *project* is one or more links that are built together: two rows of the
CSV with the same ``project_id`` are one two-way project (or any other bundle). The
``cost`` column is per row, and **a project's cost is the sum of its rows' costs**.

CSV columns, all required, in any order (nothing else)::

    project_id,from,to,capacity,length,free_flow_time,b,power,cost

``from`` and ``to`` are TNTP node ids (from 1); the link's travel time is the BPR
function ``free_flow_time * (1 + b * (flow / capacity) ** power)``, as in a TNTP net
file. Every problem in a file is reported at once, each naming file, line, column and
value.

The discrete network design instances of Rey (2019) (``SF_DNDP_10_3.txt`` and the
like) are TNTP net files with an extra last column, the cost of adding the link (0 for
the existing links), and a ``<NUMBER OF NEW LINKS>`` metadata line;
:func:`read_dndp_instance` splits one into the existing network and the candidates,
pairing the two directions of a candidate link into one project ``N3_N11``. The speed,
toll and type columns of the candidate rows are not kept.

Example
-------
>>> import pathlib, tempfile
>>> f = pathlib.Path(tempfile.mkdtemp()) / "candidates.csv"
>>> _ = f.write_text("project_id,from,to,capacity,length,free_flow_time,b,power,cost\\n"
...                  "BRIDGE,3,4,1,1,10,0.1,1,5\\n")
>>> c = read_candidates(f)
>>> c.projects, c.cost.tolist()
(('BRIDGE',), [5.0])
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# the TNTP line reader and number parsers, shared within this package so that both
# formats accept the same metadata, comments and terminators
from connectivity.io.tntp import TntpNetwork, _lines, _meta_int, _node_id, _number

__all__ = [
    "CandidateLinks",
    "CANDIDATE_COLUMNS",
    "read_candidates",
    "write_candidates",
    "read_dndp_instance",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]
AnyArray = npt.NDArray[Any]

#: The columns of a candidates CSV, in the order :func:`write_candidates` writes them.
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "project_id", "from", "to", "capacity", "length", "free_flow_time", "b", "power", "cost",
)  # fmt: skip
_NUMBERS = CANDIDATE_COLUMNS[3:]
_NUMBER_FIELDS = ("capacity", "length", "free_flow_time", "b", "power", "cost")
_MAX_LISTED = 20


@dataclass(frozen=True)
class CandidateLinks:
    """Candidate links, one array entry per link (row), with the project each belongs to.

    Attributes
    ----------
    project_id
        Project of each link; the links of one project are built together.
    init_node, term_node
        TNTP node ids (from 1).
    capacity, length, free_flow_time, b, power
        As in a TNTP net file (BPR ``free_flow_time * (1 + b * (flow / capacity) **
        power)``; a capacity of 0 with ``b`` 0 is a link without congestion).
    cost
        Cost of building the link; a project costs the sum over its links.

    Raises
    ------
    ValueError
        On construction, listing every rule the arrays break (lengths, node ids, a
        negative cost, a link from a node to itself, a link twice in one project).
    """

    project_id: StrArray
    init_node: IntArray
    term_node: IntArray
    capacity: FloatArray
    length: FloatArray
    free_flow_time: FloatArray
    b: FloatArray
    power: FloatArray
    cost: FloatArray

    def __post_init__(self) -> None:
        # lists are welcome: each column becomes an array of its dtype
        object.__setattr__(self, "project_id", np.asarray(self.project_id, dtype=np.str_))
        for name in ("init_node", "term_node"):
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.int64))
        for name in _NUMBER_FIELDS:
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=np.float64))
        if self.project_id.ndim != 1:
            raise ValueError(f"project_id must be one-dimensional, got shape "
                             f"{self.project_id.shape}")
        n = self.project_id.shape[0]
        cols = self._columns()
        bad = [f"{name} has shape {arr.shape}, project_id has {n} entries"
               for name, arr in {"project_id": self.project_id, **cols}.items()
               if arr.shape != (n,)]
        if not bad:
            bad = _rule_problems(self.project_id.tolist(), cols, lambda i: f"row {i}")
        if bad:
            raise ValueError(_listing("candidate links", bad))

    @property
    def n_links(self) -> int:
        """Number of candidate links (rows)."""
        return int(self.project_id.shape[0])

    @property
    def projects(self) -> tuple[str, ...]:
        """Project ids, in the order of their first link."""
        return tuple(dict.fromkeys(self.project_id.tolist()))

    def _columns(self) -> dict[str, AnyArray]:
        return {name: getattr(self, name) for name in ("init_node", "term_node",
                                                       *_NUMBER_FIELDS)}


def _listing(what: str, problems: list[str]) -> str:
    shown = problems[:_MAX_LISTED]
    more = len(problems) - len(shown)
    lines = [f"{len(problems)} problem(s) in the {what}:", *shown]
    if more:
        lines.append(f"... and {more} more")
    return "\n  - ".join(lines)


def _rule_problems(
    ids: list[str], cols: Mapping[str, AnyArray], where: Callable[[int], str]
) -> list[str]:
    """Every rule the columns break, each located by ``where(row)``."""
    problems: list[str] = []
    for i, pid in enumerate(ids):
        if not str(pid).strip():
            problems.append(f"{where(i)}: column 'project_id': the project id is empty")
    init, term = cols["init_node"], cols["term_node"]
    for name, arr in (("from", init), ("to", term)):
        for i in np.flatnonzero(arr < 1).tolist():
            problems.append(f"{where(i)}: column {name!r}: node id {int(arr[i])} is not a TNTP "
                            "node id (ids start at 1)")
    for i in np.flatnonzero(init == term).tolist():
        problems.append(f"{where(i)}: column 'to': the link goes from node {int(init[i])} "
                        "to itself")
    for name in _NUMBER_FIELDS:
        arr = cols[name]
        for i in np.flatnonzero(~np.isfinite(arr) | (arr < 0)).tolist():
            problems.append(f"{where(i)}: column {name!r}: {name} {float(arr[i])!r} must be "
                            "a finite number >= 0")
    for i in np.flatnonzero((cols["capacity"] == 0) & (cols["b"] > 0)).tolist():
        problems.append(f"{where(i)}: column 'capacity': capacity 0 with b "
                        f"{float(cols['b'][i])!r}; a congested link needs a capacity > 0 (b 0 "
                        "for a free-flow link)")
    seen: dict[tuple[str, int, int], int] = {}
    for i, key in enumerate(zip(ids, init.tolist(), term.tolist(), strict=True)):
        if key in seen:
            problems.append(f"{where(i)}: column 'to': project {key[0]!r} has link {key[1]} -> "
                            f"{key[2]} twice (also at {where(seen[key])})")
        else:
            seen[key] = i
    return problems


def _header(p: Path, header: list[str]) -> list[str]:
    names = [h.strip() for h in header]
    problems = [f"{p}:1: unknown column {h!r}; the columns are {', '.join(CANDIDATE_COLUMNS)}"
                for h in names if h not in CANDIDATE_COLUMNS]
    problems += [f"{p}:1: column {h!r} is missing" for h in CANDIDATE_COLUMNS if h not in names]
    dup = sorted({h for h in names if names.count(h) > 1})
    problems += [f"{p}:1: column {h!r} appears more than once" for h in dup]
    if problems:
        raise ValueError(_listing(f"candidates file {p}", problems))
    return names


def _cell(p: Path, line: int, column: str, text: str, problems: list[str]) -> float:
    """``text`` as a finite float; a problem naming file, line, column and value if not."""
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{p}:{line}: column {column!r}: {text!r} is not a number")
        return math.nan
    if not math.isfinite(value):
        problems.append(f"{p}:{line}: column {column!r}: {text!r} is not a finite number")
        return math.nan
    if column in ("from", "to") and not value.is_integer():
        problems.append(f"{p}:{line}: column {column!r}: {text!r} is not a whole node id")
        return math.nan
    return value


def read_candidates(path: str | Path) -> CandidateLinks:
    """Read a candidates CSV (columns :data:`CANDIDATE_COLUMNS`).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    CandidateLinks
        In file order.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        Listing every problem: an unknown or missing column, a cell that is not a
        number, a negative cost or other bound broken, a link from a node to itself, a
        directed link twice in one project; each names file, line, column and value.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "bad.csv"
    >>> _ = f.write_text("project_id,from,to,capacity,length,free_flow_time,b,power,cost\\n"
    ...                  "A,1,2,10,1,1,0.15,4,-3\\n")
    >>> read_candidates(f)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 1 problem(s) in the candidates file ...bad.csv:
      - ...bad.csv:2: column 'cost': cost -3.0 must be a finite number >= 0
    """
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{p} is a folder, not a candidates CSV file")
    if not p.is_file():
        raise FileNotFoundError(f"candidates file {str(p)!r} does not exist")
    numbered: list[tuple[int, list[str]]] = []  # the line a row ends on, and the row
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            numbered = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p} is not UTF-8 text (byte {exc.object[exc.start]:#x} at "
                         f"position {exc.start})") from None
    if not numbered:
        raise ValueError(f"{p} is empty; the header is {','.join(CANDIDATE_COLUMNS)}")
    names = _header(p, numbered[0][1])
    problems: list[str] = []
    lines: list[int] = []
    ids: list[str] = []
    values: list[list[float]] = []
    for line, row in numbered[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append(f"{p}:{line}: {len(row)} cells, the header has {len(names)}")
            continue
        cells = dict(zip(names, (cell.strip() for cell in row), strict=True))
        lines.append(line)
        ids.append(cells["project_id"])
        values.append([_cell(p, line, col, cells[col], problems)
                       for col in ("from", "to", *_NUMBERS)])
    if problems:
        raise ValueError(_listing(f"candidates file {p}", problems))
    arr = np.array(values, dtype=np.float64).reshape(-1, 2 + len(_NUMBERS))
    return _build(ids, arr, lambda i: f"{p}:{lines[i]}", f"candidates file {p}")


def _build(ids: list[str], arr: FloatArray, where: Callable[[int], str],
           what: str) -> CandidateLinks:
    """Candidate links from ids and a ``(from, to, capacity, ..., cost)`` array, after the
    rules are checked with positions named by ``where``."""
    cols: dict[str, AnyArray] = {
        "init_node": arr[:, 0].astype(np.int64), "term_node": arr[:, 1].astype(np.int64),
    }
    for k, name in enumerate(_NUMBER_FIELDS):
        cols[name] = arr[:, 2 + k].copy()
    problems = _rule_problems(ids, cols, where)
    if problems:
        raise ValueError(_listing(what, problems))
    return CandidateLinks(np.array(ids, dtype=np.str_).reshape(-1), **cols)


def write_candidates(path: str | Path, cands: CandidateLinks) -> None:
    """Write ``cands`` as a candidates CSV with a header.

    Parameters
    ----------
    path
        The file to write.
    cands
        The candidate links.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> one = lambda v, t=float: np.array([v], dtype=t)
    >>> c = CandidateLinks(np.array(["P1"]), one(1, int), one(2, int), one(10.0),
    ...                    one(1.0), one(2.0), one(0.15), one(4.0), one(7.5))
    >>> write_candidates(f, c)
    >>> f.read_text().splitlines()[1]
    'P1,1,2,10.0,1.0,2.0,0.15,4.0,7.5'
    >>> read_candidates(f).cost.tolist()
    [7.5]
    """
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CANDIDATE_COLUMNS)
        cols = [cands.project_id.tolist(), cands.init_node.tolist(), cands.term_node.tolist()]
        cols += [[repr(float(v)) for v in getattr(cands, name).tolist()]
                 for name in _NUMBER_FIELDS]
        writer.writerows(zip(*cols, strict=True))


def read_dndp_instance(
    path: str | Path, *, pair: bool = True
) -> tuple[TntpNetwork, CandidateLinks]:
    """Read a discrete network design instance in Rey's format (TNTP net plus a cost column).

    The rows with a cost above 0 are the candidate links, and their number must equal
    the ``<NUMBER OF NEW LINKS>`` metadata; ``<NUMBER OF LINKS>`` counts the existing
    links (cost 0).

    Parameters
    ----------
    path
        The instance file (11 columns: the 10 TNTP link columns and the cost).
    pair
        Pair the two directions of a candidate link into one project ``N{a}_N{b}``
        (``a < b``; its cost is the sum of both rows), as the instances intend. A
        candidate without its reverse is a one-way project ``N{from}_N{to}``. With
        ``False`` every candidate link is a project of its own, ``N{from}_N{to}``.

    Returns
    -------
    tuple of TntpNetwork and CandidateLinks
        The existing links, and the candidates in file order.

    Raises
    ------
    ValueError
        Naming the file, line and value: a row without 11 columns, a number that is not
        one, a negative cost, a node out of range, a candidate link given twice, or
        counts that disagree with the metadata.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_dndp.txt"
    >>> rows = ["1 2 10 1 1 0.15 4 0 0 1 0 ;", "2 1 10 1 1 0.15 4 0 0 1 0 ;",
    ...         "2 3 10 1 2 0.15 4 0 0 1 40 ;", "3 2 10 1 2 0.15 4 0 0 1 40 ;"]
    >>> head = "<NUMBER OF NODES> 3\\n<NUMBER OF LINKS> 2\\n<NUMBER OF NEW LINKS> 2\\n"
    >>> _ = f.write_text(head + "<END OF METADATA>\\n" + "\\n".join(rows) + "\\n")
    >>> net, cands = read_dndp_instance(f)
    >>> net.n_links, cands.projects, cands.cost.tolist()
    (2, ('N2_N3',), [40.0, 40.0])
    """
    p = Path(path)
    meta, data = _lines(p)
    rows: list[list[float]] = []
    numbers: list[int] = []
    for number, line in data:
        parts = line.replace(";", " ").split()
        if not parts:
            continue
        if len(parts) != 11:
            raise ValueError(f"{p}:{number}: a link of a DNDP instance has 11 columns (the 10 "
                             f"TNTP link columns and the cost), got {len(parts)} in {line!r}")
        values = [float(_node_id(p, number, parts[0], "init node")),
                  float(_node_id(p, number, parts[1], "term node"))]
        values += [_number(p, number, x, f"column {k + 3}") for k, x in enumerate(parts[2:])]
        if values[10] < 0:
            raise ValueError(f"{p}:{number}: cost {parts[10]!r} must be >= 0 (0 for an existing "
                             "link)")
        rows.append(values)
        numbers.append(number)
    arr = np.array(rows, dtype=np.float64).reshape(-1, 11)
    new = arr[:, 10] > 0
    n_nodes = _meta_int(meta, "NUMBER OF NODES", p, int(arr[:, :2].max(initial=0)))
    for k in np.flatnonzero((arr[:, :2] < 1).any(axis=1) | (arr[:, :2] > n_nodes).any(axis=1)):
        raise ValueError(f"{p}:{numbers[k]}: link {int(arr[k, 0])} -> {int(arr[k, 1])} uses a "
                         f"node outside 1..{n_nodes}")
    if "NUMBER OF NEW LINKS" not in meta:
        raise ValueError(f"{p}: metadata <NUMBER OF NEW LINKS> is missing; a DNDP instance "
                         "declares how many rows are candidates (cost > 0)")
    for key, count in (("NUMBER OF NEW LINKS", int(new.sum())),
                       ("NUMBER OF LINKS", int((~new).sum()))):
        declared = _meta_int(meta, key, p, count)
        if declared != count:
            what = "candidate rows (cost > 0)" if key.endswith("NEW LINKS") else "existing rows"
            raise ValueError(f"{p}: <{key}> says {declared}, the file has {count} {what}")
    net = _existing(p, meta, arr[~new], n_nodes)
    cand_rows = arr[new]
    cand_lines = [n for n, f in zip(numbers, new.tolist(), strict=True) if f]
    ids = _project_ids(p, cand_rows, cand_lines, pair)
    cands = _build(ids, cand_rows[:, [0, 1, 2, 3, 4, 5, 6, 10]],
                   lambda i: f"{p}:{cand_lines[i]}", f"DNDP instance {p}")
    return net, cands


def _existing(p: Path, meta: dict[str, str], arr: FloatArray, n_nodes: int) -> TntpNetwork:
    n_zones = _meta_int(meta, "NUMBER OF ZONES", p, 0)
    first = _meta_int(meta, "FIRST THRU NODE", p, 1)
    if not 0 <= n_zones <= n_nodes:
        raise ValueError(f"{p}: <NUMBER OF ZONES> {n_zones} is not in 0..{n_nodes}")
    if not 1 <= first <= n_nodes + 1:
        raise ValueError(f"{p}: <FIRST THRU NODE> {first} is not in 1..{n_nodes + 1}")
    return TntpNetwork(
        n_zones=n_zones, n_nodes=n_nodes, first_thru_node=first,
        init_node=arr[:, 0].astype(np.int64), term_node=arr[:, 1].astype(np.int64),
        capacity=arr[:, 2].copy(), length=arr[:, 3].copy(), free_flow_time=arr[:, 4].copy(),
        b=arr[:, 5].copy(), power=arr[:, 6].copy(), speed=arr[:, 7].copy(),
        toll=arr[:, 8].copy(), link_type=arr[:, 9].astype(np.int64), metadata=dict(meta),
    )


def _project_ids(p: Path, rows: FloatArray, lines: list[int], pair: bool) -> list[str]:
    """``N{a}_N{b}`` per candidate row: both directions of a pair share ``a < b``."""
    links = [(int(a), int(b)) for a, b in rows[:, :2].tolist()]
    first: dict[tuple[int, int], int] = {}
    for k, link in enumerate(links):
        if link in first:
            raise ValueError(f"{p}:{lines[k]}: candidate link {link[0]} -> {link[1]} is given "
                             f"twice (first at line {first[link]})")
        first[link] = lines[k]
    present = set(links)
    ids = []
    for a, b in links:
        if pair and (b, a) in present:
            a, b = min(a, b), max(a, b)
        ids.append(f"N{a}_N{b}")
    return ids
