"""``connectivity places`` and ``connectivity validate``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from connectivity.cli.options import (
    add_format,
    add_network_options,
    network,
    print_json,
    to_csv,
)
from connectivity.report import format_table

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the commands to the ``connectivity`` parser."""
    p = sub.add_parser("places", help="list the places of the network")
    add_network_options(p)
    add_format(p)
    p.set_defaults(run=_cmd_places)

    p = sub.add_parser("validate", help="validate network tables and report every problem")
    add_network_options(p)
    p.set_defaults(run=_cmd_validate)


def _cmd_places(args: argparse.Namespace) -> None:
    places = network(args).places
    cols = ["place_id", "name", "country", "lon", "lat", "kind", "terminals"]
    if args.format == "json":
        records = []
        for row in places[cols].to_dict("records"):
            row["terminals"] = [t for t in str(row["terminals"]).split(";") if t]
            records.append(row)
        print_json(records)
    elif args.format == "csv":
        sys.stdout.write(to_csv(cols, places[cols].itertuples(index=False)))
    else:
        print(format_table(cols, [list(r) for r in places[cols].itertuples(index=False)]))


def _cmd_validate(args: argparse.Namespace) -> None:
    net = network(args)
    print(f"ok: {len(net.places)} places, {len(net.links)} links, "
          f"{len(net.crossings)} crossings, {len(net.transfers)} transfers, "
          f"{len(net.modes)} modes, {len(net.commodities)} commodities")


