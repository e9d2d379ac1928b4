"""Options shared by the commands: which network, which scenario, which output format."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectivity._json import finite

if TYPE_CHECKING:
    import pandas as pd

    from connectivity.assign import Assignment
    from connectivity.graph import CompiledNetwork
    from connectivity.tables import Network, Scenario

__all__ = [
    "print_json",
    "check_output_path",
    "network",
    "scenario",
    "demand",
    "assign_by_method",
    "add_network_options",
    "add_scenario_options",
    "add_format",
    "add_route_conditions",
    "to_csv",
]


def network(args: argparse.Namespace) -> Network:
    """The network of ``--data``, or the bundled one."""
    from connectivity.tables import load_bundled, read_network

    if getattr(args, "data", None):
        return read_network(args.data)
    return load_bundled()


def demand(args: argparse.Namespace, net: Network) -> pd.DataFrame:
    """The demand table of ``--demand``, or the bundled estimate."""
    from connectivity.tables import load_bundled_demand, read_demand

    return read_demand(args.demand, net) if args.demand else load_bundled_demand(net)


def assign_by_method(args: argparse.Namespace, compiled: CompiledNetwork,
                     table: pd.DataFrame, scen: Scenario) -> Assignment:
    """``table`` assigned by ``--method`` (``aon``, ``so`` or ``ue``; the equilibrium
    prices every tonne as ``--commodity``), with the solvers' default options."""
    from connectivity.assign import assign_aon, assign_equilibrium, assign_system_optimum

    if args.method == "aon":
        return assign_aon(compiled, table, scenario=scen)
    if args.method == "so":
        return assign_system_optimum(compiled, table, scenario=scen)
    return assign_equilibrium(compiled, table, commodity=args.commodity, scenario=scen)


def _scenario_file(path: str, command: str) -> Scenario:
    """The network side of a scenario file; a planning-run file's growth and analyses
    are named on stderr as not used here (``connectivity scenario run`` uses them)."""
    from connectivity.scenarios import read_spec

    spec = read_spec(path)
    if not spec.growth.is_none or spec.analyses != type(spec.analyses)():
        print(f"connectivity {command}: note: --scenario {path}: its [growth] and "
              "[analyses] are not used here (only its network keys); "
              "`connectivity scenario run` uses them", file=sys.stderr)
    return spec.scenario


def scenario(args: argparse.Namespace) -> Scenario:
    """The scenario of ``--scenario`` with the command-line options applied on top."""
    from connectivity.tables import Scenario

    base = (_scenario_file(args.scenario, getattr(args, "command", "?"))
            if getattr(args, "scenario", None) else Scenario())
    changes: dict[str, Any] = {}
    if getattr(args, "modes", None):
        changes["modes"] = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if getattr(args, "avoid_country", None):
        changes["avoid_countries"] = tuple(base.avoid_countries) + tuple(args.avoid_country)
    if getattr(args, "close", None):
        changes["closed_places"] = tuple(base.closed_places) + tuple(args.close)
    if getattr(args, "close_link", None):
        changes["closed_links"] = tuple(base.closed_links) + tuple(args.close_link)
    if getattr(args, "close_crossing", None):
        changes["closed_crossings"] = tuple(base.closed_crossings) + tuple(args.close_crossing)
    if getattr(args, "project", None):
        changes["projects"] = tuple(base.projects) + tuple(args.project)
    if getattr(args, "year", None) is not None:
        changes["year"] = args.year
    if getattr(args, "carbon_price", None) is not None:
        changes["carbon_price_usd_per_t_co2e"] = args.carbon_price
    if not changes:
        return base
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    fields.update(changes)
    if "name" not in changes and base.name == "base":
        fields["name"] = "custom"
    return Scenario(**fields)


def add_network_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="folder of network CSVs (default: bundled)")


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--commodity", default="container", help="commodity id (default container)")
    p.add_argument("--modes", help="allowed modes, comma separated (e.g. rail,road)")
    p.add_argument("--avoid-country", action="append", metavar="CC",
                   help="ISO alpha-2 country to avoid (repeatable)")
    p.add_argument("--close", action="append", metavar="PLACE", help="close a place")
    p.add_argument("--close-link", action="append", metavar="LINK", help="close a link")
    p.add_argument("--close-crossing", action="append", metavar="ID", help="close a crossing")
    p.add_argument("--project", action="append", metavar="ID",
                   help="switch on a project, link or crossing by id (repeatable)")
    p.add_argument("--year", type=int, help="planning year: opens links due by then")
    p.add_argument("--carbon-price", type=float, metavar="USD",
                   help="carbon price, USD per tonne CO2e")
    p.add_argument("--scenario", metavar="FILE",
                   help="scenario TOML file (see docs/scenarios.md; its network keys apply)")


#: What each output format is, for the help of ``--format``.
_FORMATS = {"table": "text for people", "json": "for other tools",
            "csv": "one row per record"}


def add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json", "csv"),
                default: str = "table") -> None:
    """``--format`` with ``choices``, each explained in its help."""
    described = "; ".join(f"{c} ({_FORMATS[c]})" if c in _FORMATS else c for c in choices)
    p.add_argument("--format", choices=choices, default=default,
                   help=f"output format: {described} (default {default})")


def add_route_conditions(p: argparse.ArgumentParser) -> None:
    p.add_argument("--via", action="append", metavar="PLACE",
                   help="pass through this place (repeatable, in order)")
    p.add_argument("--require-mode", action="append", metavar="MODE",
                   help="use this mode on at least one link (repeatable), e.g. ferry")


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def print_json(data: Any) -> None:
    """Print ``data`` as JSON; a missing or unbounded number is ``null``, never ``NaN``."""
    print(json.dumps(finite(data), indent=1, ensure_ascii=False, allow_nan=False))


def check_output_path(path: str, option: str) -> Path:
    """Refuse, before any work, an output path that cannot be written."""
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"{option} {path!r} is a folder; give a file name")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"{option} {path!r}: folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ValueError(f"{option} {path!r} cannot be written (permission denied)")
    return out
