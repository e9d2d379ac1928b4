"""Read and write the TNTP format of the transportation research test networks.

Files (https://github.com/bstabler/TransportationNetworks): ``*_net.tntp`` (links),
``*_trips.tntp`` (OD demand), ``*_flow.tntp`` (best-known link flows) and
``*_node.tntp`` (coordinates). The readers accept the variations found in the wild:
metadata lines ``<KEY> value`` ended by ``<END OF METADATA>`` (or missing that line),
``~`` comment headers and comment lines, ``;`` terminators (or none), tabs or spaces.

Node ids in the files start at 1; arrays returned here keep the file's ids, and
:func:`connectivity.assign.tntp_equilibrium` turns them into 0-based indices. Zones are
nodes ``1 .. n_zones``; nodes below ``<FIRST THRU NODE>`` may start or end trips but are
not passed through (the equilibrium enforces this by routing, see ``no_through`` in
:func:`connectivity.assign.equilibrium_problem`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "TntpNetwork",
    "TntpTrips",
    "TntpFlows",
    "read_net",
    "read_trips",
    "read_flow",
    "read_node",
    "write_net",
    "write_trips",
    "write_flows",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_META = re.compile(r"^\s*<([^>]+)>\s*(.*?)\s*$")
_ENTRY = re.compile(r"^\s*(\S+)\s*:\s*(\S+)\s*$")
_NET_COLUMNS = (
    "init_node", "term_node", "capacity", "length", "free_flow_time",
    "b", "power", "speed", "toll", "link_type",
)  # fmt: skip


@dataclass(frozen=True)
class TntpNetwork:
    """Links of a TNTP network, one array entry per link in file order."""

    n_zones: int
    n_nodes: int
    first_thru_node: int
    init_node: IntArray
    term_node: IntArray
    capacity: FloatArray
    length: FloatArray
    free_flow_time: FloatArray
    b: FloatArray
    power: FloatArray
    speed: FloatArray
    toll: FloatArray
    link_type: IntArray
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def n_links(self) -> int:
        """Number of links."""
        return int(self.init_node.shape[0])


@dataclass(frozen=True)
class TntpTrips:
    """Demand: ``matrix[i, j]`` from zone ``i + 1`` to zone ``j + 1``."""

    n_zones: int
    matrix: FloatArray
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TntpFlows:
    """Link flows and costs, as in a ``_flow`` file."""

    init_node: IntArray
    term_node: IntArray
    volume: FloatArray
    cost: FloatArray


def _lines(path: Path) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """Metadata and the numbered data lines (comments, blanks and metadata removed)."""
    meta: dict[str, str] = {}
    data: list[tuple[int, str]] = []
    in_meta = True
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a TNTP file")
    if not path.is_file():
        raise FileNotFoundError(f"TNTP file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#x} at "
                         f"position {exc.start})") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("~"):
            continue
        hit = _META.match(line) if in_meta else None
        if hit:
            key = hit.group(1).strip().upper()
            if key == "END OF METADATA":
                in_meta = False
            else:
                meta[key] = hit.group(2)
            continue
        in_meta = False
        if "~" in line:
            line = line.split("~", 1)[0].strip()
        data.append((number, line))
    return meta, data


def _meta_int(meta: dict[str, str], key: str, path: Path, default: int | None = None) -> int:
    if key not in meta:
        if default is None:
            raise ValueError(f"{path}: metadata <{key}> is missing")
        return default
    try:
        value = float(meta[key])
    except ValueError:
        raise ValueError(f"{path}: metadata <{key}> = {meta[key]!r} is not a number") from None
    if not (np.isfinite(value) and value.is_integer()):
        raise ValueError(f"{path}: metadata <{key}> = {meta[key]!r} is not a whole number")
    return int(value)


def _fields(line: str) -> list[str]:
    return line.replace(";", " ").split()


def _number(p: Path, number: int, text: str, what: str) -> float:
    """``text`` as a finite float; a ValueError naming file, line, field and value."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{p}:{number}: {what} {text!r} is not a number") from None
    if not np.isfinite(value):
        raise ValueError(f"{p}:{number}: {what} {text!r} is not a finite number")
    return value


def _node_id(p: Path, number: int, text: str, what: str) -> int:
    """``text`` as a whole node id (``2.7`` is refused, not truncated)."""
    value = _number(p, number, text, what)
    if not value.is_integer():
        raise ValueError(f"{p}:{number}: {what} {text!r} is not a whole node id")
    return int(value)


def read_net(path: str | Path) -> TntpNetwork:
    """Read a ``_net`` file.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    TntpNetwork
        Missing trailing columns get TNTP defaults (``b`` 0.15, ``power`` 4, others 0).

    Raises
    ------
    ValueError
        Naming the file, line and value that cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_net.tntp"
    >>> _ = f.write_text("<NUMBER OF NODES> 2\\n<END OF METADATA>\\n\\t1\\t2\\t10\\t1\\t3\\t;\\n")
    >>> net = read_net(f)
    >>> net.n_links, net.free_flow_time.tolist(), net.power.tolist()
    (1, [3.0], [4.0])
    """
    p = Path(path)
    meta, data = _lines(p)
    # TNTP defaults for missing trailing columns: b = 0.15, power = 4, the rest 0
    defaults = [0.0, 0.0, 0.0, 0.0, 0.0, 0.15, 4.0, 0.0, 0.0, 0.0]
    rows: list[list[float]] = []
    for number, line in data:
        parts = _fields(line)
        if not parts:
            continue
        if len(parts) < 5:
            raise ValueError(
                f"{p}:{number}: a link needs at least 5 columns "
                f"(init, term, capacity, length, free flow time), got {line!r}"
            )
        if len(parts) > 10:
            raise ValueError(f"{p}:{number}: a link has at most 10 columns, got {line!r}")
        values = [float(_node_id(p, number, parts[0], "init node")),
                  float(_node_id(p, number, parts[1], "term node"))]
        values += [_number(p, number, x, name)
                   for x, name in zip(parts[2:], _NET_COLUMNS[2:], strict=False)]
        values += defaults[len(values) :]
        rows.append(values)
    arr = np.array(rows, dtype=np.float64).reshape(-1, 10)
    init = arr[:, 0].astype(np.int64)
    term = arr[:, 1].astype(np.int64)
    n_nodes = _meta_int(
        meta, "NUMBER OF NODES", p, int(max(init.max(initial=0), term.max(initial=0)))
    )
    n_zones = _meta_int(meta, "NUMBER OF ZONES", p, 0)
    first = _meta_int(meta, "FIRST THRU NODE", p, 1)
    if not 0 <= n_zones <= n_nodes:
        raise ValueError(f"{p}: <NUMBER OF ZONES> {n_zones} is not in 0..{n_nodes} "
                         "(<NUMBER OF NODES>)")
    if not 1 <= first <= n_nodes + 1:
        raise ValueError(f"{p}: <FIRST THRU NODE> {first} is not in 1..{n_nodes + 1} "
                         "(one past <NUMBER OF NODES>: no node may be passed through)")
    bad = np.flatnonzero((init < 1) | (term < 1) | (init > n_nodes) | (term > n_nodes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{p}: link {i + 1} ({init[i]} -> {term[i]}) uses a node outside 1..{n_nodes}"
        )
    declared = _meta_int(meta, "NUMBER OF LINKS", p, arr.shape[0])
    if declared != arr.shape[0]:
        raise ValueError(f"{p}: <NUMBER OF LINKS> says {declared}, the file has {arr.shape[0]}")
    return TntpNetwork(
        n_zones=n_zones,
        n_nodes=n_nodes,
        first_thru_node=first,
        init_node=init,
        term_node=term,
        capacity=arr[:, 2].copy(),
        length=arr[:, 3].copy(),
        free_flow_time=arr[:, 4].copy(),
        b=arr[:, 5].copy(),
        power=arr[:, 6].copy(),
        speed=arr[:, 7].copy(),
        toll=arr[:, 8].copy(),
        link_type=arr[:, 9].astype(np.int64),
        metadata=meta,
    )


def _trip_blocks(p: Path, data: list[tuple[int, str]]) -> Iterator[tuple[int, int, int, float]]:
    origin: int | None = None
    for number, line in data:
        low = line.lower()
        if low.startswith("origin"):
            fields = line.replace(";", " ").split()
            if len(fields) != 2:
                raise ValueError(f"{p}:{number}: expected 'Origin n', got {line!r}")
            origin = _node_id(p, number, fields[1], "origin")
            continue
        if origin is None:
            raise ValueError(f"{p}:{number}: demand before any 'Origin' line")
        for chunk in line.split(";"):
            if not chunk.strip():
                continue
            hit = _ENTRY.match(chunk)
            if hit is None:
                raise ValueError(
                    f"{p}:{number}: expected 'destination : demand;' entries, got {chunk!r}"
                )
            dest = _node_id(p, number, hit.group(1), "destination")
            yield number, origin, dest, _number(p, number, hit.group(2), "demand")


def read_trips(path: str | Path) -> TntpTrips:
    """Read a ``_trips`` file (``Origin n`` blocks of ``d : q;`` pairs).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    TntpTrips

    Raises
    ------
    ValueError
        Naming the file, line and value that cannot be read, or a zone out of range.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_trips.tntp"
    >>> _ = f.write_text("<NUMBER OF ZONES> 2\\n<END OF METADATA>\\nOrigin 1\\n 2 : 5.0;\\n")
    >>> read_trips(f).matrix.tolist()
    [[0.0, 5.0], [0.0, 0.0]]
    """
    p = Path(path)
    meta, data = _lines(p)
    entries = list(_trip_blocks(p, data))
    n = _meta_int(meta, "NUMBER OF ZONES", p, max((max(o, d) for _, o, d, _ in entries), default=0))
    matrix = np.zeros((n, n))
    for number, o, d, q in entries:
        if not (1 <= o <= n and 1 <= d <= n):
            raise ValueError(f"{p}:{number}: trip {o} -> {d} uses a zone outside 1..{n}")
        if q < 0:
            raise ValueError(f"{p}:{number}: demand {o} -> {d} is {q}, must be >= 0")
        matrix[o - 1, d - 1] += q
    if "TOTAL OD FLOW" in meta:
        total = _number(p, 0, meta["TOTAL OD FLOW"], "<TOTAL OD FLOW>")
        if abs(total - matrix.sum()) > 1e-6 * max(1.0, abs(total)) + 1e-3:
            raise ValueError(f"{p}: <TOTAL OD FLOW> says {total}, the trips sum to {matrix.sum()}")
    return TntpTrips(n_zones=n, matrix=matrix, metadata=meta)


def read_flow(path: str | Path) -> TntpFlows:
    """Read a ``_flow`` file (``from to volume cost`` per link; header lines skipped).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    TntpFlows

    Raises
    ------
    ValueError
        Naming the file and line that cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_flow.tntp"
    >>> _ = f.write_text("From\\tTo\\tVolume\\tCost\\n1\\t2\\t5.0\\t3.5\\n")
    >>> read_flow(f).volume.tolist()
    [5.0]
    """
    p = Path(path)
    _, data = _lines(p)
    rows: list[list[float]] = []
    for number, line in data:
        parts = _fields(line.replace(",", " "))
        if not parts or not re.match(r"^[-+]?\d", parts[0]):
            continue  # a header such as "From To Volume Cost"
        if len(parts) != 4:
            raise ValueError(f"{p}:{number}: expected from, to, volume, cost in {line!r}")
        rows.append([float(_node_id(p, number, parts[0], "from node")),
                     float(_node_id(p, number, parts[1], "to node")),
                     _number(p, number, parts[2], "volume"), _number(p, number, parts[3], "cost")])
    arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return TntpFlows(
        init_node=arr[:, 0].astype(np.int64),
        term_node=arr[:, 1].astype(np.int64),
        volume=arr[:, 2].copy(),
        cost=arr[:, 3].copy(),
    )


def read_node(path: str | Path) -> tuple[IntArray, FloatArray, FloatArray]:
    """Read a ``_node`` file: node ids and their x, y coordinates.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    tuple of numpy.ndarray
        ``(node, x, y)``.

    Raises
    ------
    ValueError
        Naming the file and line that cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "tiny_node.tntp"
    >>> _ = f.write_text("node\\tX\\tY\\t;\\n1\\t0.5\\t2.0\\t;\\n")
    >>> read_node(f)[1].tolist()
    [0.5]
    """
    p = Path(path)
    _, data = _lines(p)
    rows: list[list[float]] = []
    for number, line in data:
        parts = _fields(line.replace(",", " "))
        if not parts or not re.match(r"^[-+]?\d", parts[0]):
            continue
        if len(parts) != 3:
            raise ValueError(f"{p}:{number}: expected node, x, y in {line!r}")
        rows.append([float(_node_id(p, number, parts[0], "node")),
                     _number(p, number, parts[1], "x"), _number(p, number, parts[2], "y")])
    arr = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return arr[:, 0].astype(np.int64), arr[:, 1].copy(), arr[:, 2].copy()


def write_net(path: str | Path, net: TntpNetwork) -> None:
    """Write ``net`` as a ``_net`` file with metadata and ``;`` terminators.

    Parameters
    ----------
    path
        The file to write.
    net
        The network.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "one_net.tntp"
    >>> one = lambda v, t=float: np.array([v], dtype=t)
    >>> net = TntpNetwork(2, 2, 1, one(1, int), one(2, int), one(10.0), one(1.0), one(3.0),
    ...                   one(0.15), one(4.0), one(0.0), one(0.0), one(1, int))
    >>> write_net(f, net)
    >>> read_net(f).capacity.tolist()
    [10.0]
    """
    lines = [
        f"<NUMBER OF ZONES> {net.n_zones}",
        f"<NUMBER OF NODES> {net.n_nodes}",
        f"<FIRST THRU NODE> {net.first_thru_node}",
        f"<NUMBER OF LINKS> {net.n_links}",
        "<END OF METADATA>",
        "",
        "~\t" + "\t".join(_NET_COLUMNS) + "\t;",
    ]
    cols = [
        net.init_node.tolist(), net.term_node.tolist(), net.capacity.tolist(),
        net.length.tolist(), net.free_flow_time.tolist(), net.b.tolist(), net.power.tolist(),
        net.speed.tolist(), net.toll.tolist(), net.link_type.tolist(),
    ]  # fmt: skip
    for row in zip(*cols, strict=True):
        lines.append("\t" + "\t".join(repr(v) for v in row) + "\t;")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_trips(path: str | Path, trips: TntpTrips) -> None:
    """Write ``trips`` as a ``_trips`` file (zero entries omitted).

    Parameters
    ----------
    path
        The file to write.
    trips
        The demand.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "two_trips.tntp"
    >>> write_trips(f, TntpTrips(2, np.array([[0.0, 4.0], [1.5, 0.0]])))
    >>> read_trips(f).matrix.tolist()
    [[0.0, 4.0], [1.5, 0.0]]
    """
    m = trips.matrix
    lines = [
        f"<NUMBER OF ZONES> {trips.n_zones}",
        f"<TOTAL OD FLOW> {float(m.sum())!r}",
        "<END OF METADATA>",
        "",
    ]
    for o in range(trips.n_zones):
        lines.append(f"Origin \t{o + 1}")
        cols = np.flatnonzero(m[o] > 0)
        for start in range(0, cols.shape[0], 5):
            chunk = cols[start : start + 5]
            lines.append("".join(f"{d + 1:6d} : {float(m[o, d])!r};" for d in chunk))
        lines.append("")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_flows(
    path: str | Path, net: TntpNetwork, volume: npt.ArrayLike, cost: npt.ArrayLike
) -> None:
    """Write ``from,to,volume,cost`` per link, in net-file order, as CSV with a header.

    Parameters
    ----------
    path
        The file to write.
    net
        The network the flows belong to.
    volume, cost
        One value per link (e.g. ``result.flow`` and ``result.cost``).

    Raises
    ------
    ValueError
        If ``volume`` or ``cost`` does not have one value per link.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "flows.csv"
    >>> one = lambda v, t=float: np.array([v], dtype=t)
    >>> net = TntpNetwork(2, 2, 1, one(1, int), one(2, int), one(10.0), one(1.0), one(3.0),
    ...                   one(0.15), one(4.0), one(0.0), one(0.0), one(1, int))
    >>> write_flows(f, net, [5.0], [3.25])
    >>> f.read_text().splitlines()
    ['from,to,volume,cost', '1,2,5.0,3.25']
    """
    v = np.asarray(volume, dtype=np.float64)
    c = np.asarray(cost, dtype=np.float64)
    for name, arr in (("volume", v), ("cost", c)):
        if arr.shape != (net.n_links,):
            raise ValueError(
                f"{name} must have {net.n_links} values (one per link), got {arr.shape}"
            )
    lines = ["from,to,volume,cost"]
    lines += [
        f"{a},{b},{x!r},{y!r}"
        for a, b, x, y in zip(
            net.init_node.tolist(), net.term_node.tolist(), v.tolist(), c.tolist(), strict=True
        )
    ]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
