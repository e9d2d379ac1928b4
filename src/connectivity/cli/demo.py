"""``connectivity demo``: the main corridor report on the bundled data."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING, Any

from connectivity.cli.options import add_format, print_json
from connectivity.errors import NoRouteError
from connectivity.report import format_table

if TYPE_CHECKING:
    from connectivity.graph import CompiledNetwork

__all__ = ["register", "demo_routes", "DEMO_ORIGINS", "DEMO_DESTINATIONS"]


def register(sub: Any) -> None:
    """Add the command to the ``connectivity`` parser."""
    p = sub.add_parser("demo", help="the main corridor report on the bundled data")
    p.add_argument("--commodity", default="container",
                   help="commodity id whose costs and modes the routes use (default "
                        "container)")
    add_format(p, choices=("table", "json"))
    p.set_defaults(run=_cmd_demo)


DEMO_ORIGINS = ("Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar")
DEMO_DESTINATIONS = ("Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat", "Baku",
                     "Duisburg")
DEMO_CHAINS = (("best", None), ("rail", ("rail",)), ("road", ("road",)))


def demo_routes(compiled: CompiledNetwork, commodity: str = "container") -> list[dict[str, Any]]:
    """The demo's table: each gateway to each capital and onward, best / rail / road."""
    from connectivity.routing import route
    from connectivity.tables import Scenario

    rows: list[dict[str, Any]] = []
    for o in DEMO_ORIGINS:
        for d in DEMO_DESTINATIONS:
            for label, modes in DEMO_CHAINS:
                scen = Scenario(name=label, modes=modes)
                try:
                    r = route(compiled, o, d, commodity=commodity, scenario=scen)
                except NoRouteError:
                    rows.append({"origin": o, "destination": d, "option": label,
                                 "modes": "no route"})
                    continue
                rows.append({
                    "origin": o, "destination": d, "option": label,
                    "modes": "-".join(r.modes), "time_h": r.time_h,
                    "cost_usd_per_t": r.cost_usd_per_t, "co2e_kg_per_t": r.co2e_kg_per_t,
                    "distance_km": r.distance_km,
                    "crossings": ", ".join(r.crossings) or "-",
                })
    return rows


def _cmd_demo(args: argparse.Namespace) -> None:
    from connectivity.graph import compile_network
    from connectivity.tables import load_bundled

    start = time.perf_counter()
    net = load_bundled()
    comp = compile_network(net)
    rows = demo_routes(comp, args.commodity)
    if args.format == "json":
        print_json(rows)
        return
    print("connectivity demo: China -> Central Asia -> Caspian / Europe corridors")
    print(f"bundled network: {len(net.places)} places, {len(net.links)} links, "
          f"{len(net.crossings)} border crossings; commodity {args.commodity}; "
          "base year (only existing links)")
    head = ["destination", "option", "modes", "time_h", "cost_usd_per_t",
            "co2e_kg_per_t", "distance_km", "crossings"]
    for o in DEMO_ORIGINS:
        print(f"\nfrom {o}")
        table = [[r["destination"], r["option"], r["modes"], r.get("time_h"),
                  r.get("cost_usd_per_t"), r.get("co2e_kg_per_t"), r.get("distance_km"),
                  r.get("crossings", "-")] for r in rows if r["origin"] == o]
        print(format_table(head, table))
    print(f"\n{len(rows)} routes in {time.perf_counter() - start:.1f} s. "
          "Costs are per tonne; time includes border dwell and transfers.")


