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
_PAIR = re.compile(r"(\d+)\s*:\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
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
    with open(path, encoding="utf-8-sig") as f:
        for number, raw in enumerate(f, start=1):
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
        return int(float(meta[key]))
    except ValueError:
        raise ValueError(f"{path}: metadata <{key}> = {meta[key]!r} is not a number") from None


def _fields(line: str) -> list[str]:
    return line.replace(";", " ").split()


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
        try:
            values = [float(x) for x in parts[:10]]
        except ValueError:
            raise ValueError(f"{p}:{number}: cannot read link {line!r}") from None
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
            try:
                origin = int(float(line.split()[1].rstrip(";")))
            except (IndexError, ValueError):
                raise ValueError(f"{p}:{number}: cannot read origin line {line!r}") from None
            continue
        pairs = _PAIR.findall(line)
        if not pairs:
            raise ValueError(f"{p}:{number}: expected 'destination : demand;' pairs, got {line!r}")
        if origin is None:
            raise ValueError(f"{p}:{number}: demand before any 'Origin' line")
        for dest, q in pairs:
            yield number, origin, int(dest), float(q)


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
        total = float(meta["TOTAL OD FLOW"])
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
        try:
            rows.append([float(x) for x in parts[:4]])
        except ValueError:
            raise ValueError(f"{p}:{number}: cannot read flow line {line!r}") from None
        if len(rows[-1]) < 4:
            raise ValueError(f"{p}:{number}: expected from, to, volume, cost in {line!r}")
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
        try:
            rows.append([float(x) for x in parts[:3]])
        except ValueError:
            raise ValueError(f"{p}:{number}: cannot read node line {line!r}") from None
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
