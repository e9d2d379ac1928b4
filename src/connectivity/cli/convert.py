"""``connectivity convert``: a network to and from exchange formats.

``connectivity convert --to gmns --out DIR`` writes the bundled network (or ``--data
DIR``'s) as GMNS; ``--to osmnx-graphml --out FILE.graphml`` and ``--to osmnx-gpkg --out
FILE.gpkg`` as an OSMnx graph; ``--to csv --out DIR`` as the project's own CSV folder.
``--from gmns DIR`` reads a GMNS folder instead of a network folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import check_output_path, network

if TYPE_CHECKING:
    from connectivity.tables import Network

__all__ = ["register", "TARGETS"]

#: The formats ``--to`` writes: a folder (gmns, csv) or a file (the OSMnx graph).
TARGETS = ("gmns", "csv", "osmnx-graphml", "osmnx-gpkg")
_SOURCES = ("gmns",)


def register(sub: Any) -> None:
    """Add the command to the ``connectivity`` parser."""
    p = sub.add_parser(
        "convert", help="write a network as GMNS, an OSMnx graph (GraphML, GeoPackage) or "
                        "CSV tables; read GMNS",
        description="Convert a network between the project's CSV tables, GMNS and OSMnx "
                    "graphs. See docs/exchange-formats.md.")
    p.add_argument("--to", required=True, choices=TARGETS,
                   help="output format: gmns (folder: node.csv, link.csv, config.csv and "
                        "the side tables), csv (folder of the network tables), "
                        "osmnx-graphml (FILE.graphml), osmnx-gpkg (FILE.gpkg)")
    p.add_argument("--out", required=True, metavar="DIR_OR_FILE",
                   help="output folder (gmns, csv; created if missing) or file (osmnx-*)")
    p.add_argument("--data", metavar="DIR",
                   help="folder of network CSVs to convert (default: the bundled network)")
    p.add_argument("--from", dest="source", nargs=2, metavar=("FORMAT", "DIR"),
                   help="read the network from another format instead: gmns DIR")
    p.add_argument("--default-country", metavar="CC",
                   help="with --from gmns: ISO alpha-2 country of nodes without one")
    p.add_argument("--default-mode", default="road",
                   help="with --from gmns: mode of links whose allowed_uses names none "
                        "(default road)")
    p.set_defaults(run=_cmd_convert)


def _source(args: argparse.Namespace) -> Network:
    if args.source is None:
        if args.default_country:
            raise ValueError("--default-country applies to --from gmns only")
        return network(args)
    fmt, folder = args.source
    if fmt not in _SOURCES:
        raise ValueError(f"--from {fmt!r}: expected one of {list(_SOURCES)}")
    if args.data:
        raise ValueError("give --data or --from, not both")
    from connectivity.io.gmns import read_gmns

    return read_gmns(folder, default_country=args.default_country,
                     default_mode=args.default_mode)


def _check_out(target: str, out: str) -> None:
    if target in ("gmns", "csv"):
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise ValueError(f"--out {out!r} is a file; --to {target} writes a folder")
        return
    suffix = ".graphml" if target == "osmnx-graphml" else ".gpkg"
    if not out.lower().endswith(suffix):
        raise ValueError(f"--out {out!r}: --to {target} writes a {suffix} file")
    check_output_path(out, "--out")


def _cmd_convert(args: argparse.Namespace) -> None:
    _check_out(args.to, args.out)
    net = _source(args)
    if args.to == "gmns":
        from connectivity.io.gmns import write_gmns

        write_gmns(net, args.out)
    elif args.to == "csv":
        from connectivity.io.gmns import write_network_csv

        write_network_csv(net, args.out)
    elif args.to == "osmnx-graphml":
        from connectivity.io.osmnx_export import write_osmnx_graphml

        write_osmnx_graphml(net, args.out)
    else:
        from connectivity.io.osmnx_export import write_osmnx_geopackage

        write_osmnx_geopackage(net, args.out)
    print(f"wrote {len(net.places)} places and {len(net.links)} links as {args.to} to "
          f"{args.out}")
