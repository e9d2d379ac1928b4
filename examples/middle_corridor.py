"""Xi'an to Duisburg: the Middle Corridor, the northern route through Russia, or the sea?

Question: for a container from Xi'an to Duisburg, how do the three ways to Europe
compare on time, money, CO2e and borders: the northern rail route through Kazakhstan,
Russia and Belarus; the Middle Corridor across the Caspian by ferry to Baku (Alat), on
through Georgia and over the Black Sea; and the sea route from a Chinese port? What do
the Middle Corridor upgrades of ``data/scenarios/middle_corridor.toml`` change, and where
do the bundled demand's tonnes go when transit through Russia stops
(``northern_closed.toml``)?

Method: least generalized-cost routes on the 2027 network of the baseline scenario
file, each route family forced by the modes it may use or must use
(``require_modes``) and the countries it avoids; then each scenario file run with
:func:`connectivity.scenarios.run_scenario` (the bundled demand grown to 2027,
all-or-nothing assignment) and the tonnes across each corridor's borders compared.
Figure: the Middle Corridor route on a map.

Run: python examples/middle_corridor.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import bundled_scenarios, read_spec, run_scenario

NAME = "middle_corridor"
ORIGIN, DESTINATION = "Xi'an", "Duisburg"
SCENARIO_FILES = ("baseline", "middle_corridor", "northern_closed")
CORRIDORS = ("northern", "middle", "southern", "kazakhstan_russia")


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    specs = {p.stem: read_spec(p) for p in bundled_scenarios()}
    base = specs["baseline"].scenario
    upgraded = specs["middle_corridor"].scenario
    no_russia = ("RU", "BY")
    # label -> (scenario, modes every route must use)
    families = {
        "northern (rail via Russia)": (dataclasses.replace(base, modes=("rail",)), ()),
        "Middle Corridor": (dataclasses.replace(base, avoid_countries=no_russia),
                            ("ferry",)),
        "Middle Corridor upgraded": (
            dataclasses.replace(upgraded, avoid_countries=no_russia), ("ferry",)),
        "sea from a Chinese port": (
            dataclasses.replace(base, modes=("rail", "road", "sea")), ("sea",)),
    }
    routes: dict[str, cn.Route] = {}
    rows = []
    for label, (scen, required) in families.items():
        r = cn.route(comp, ORIGIN, DESTINATION, commodity="container", scenario=scen,
                     require_modes=required)
        routes[label] = r
        rows.append([label, "-".join(r.modes), r.time_h / 24, r.cost_usd_per_t,
                     r.generalized_cost_usd_per_t, r.co2e_kg_per_t,
                     " > ".join(leg.to_place for leg in r.legs)])
    print(f"{ORIGIN} -> {DESTINATION}, one tonne of containers, {base.year} network")
    print(format_table(["route family", "modes", "days", "cost_usd_per_t",
                        "gen_cost_usd_per_t", "co2e_kg_per_t", "leg ends"], rows))
    best = cn.route(comp, ORIGIN, DESTINATION, commodity="container", scenario=base)
    print(f"Least generalized cost without restriction: {'-'.join(best.modes)}, "
          f"{best.generalized_cost_usd_per_t:.1f} USD/t via "
          f"{', '.join(best.crossings)}")
    north, middle = routes["northern (rail via Russia)"], routes["Middle Corridor"]
    print(f"The Middle Corridor takes {(middle.time_h - north.time_h) / 24:.1f} days more "
          f"than the northern route and costs {middle.cost_usd_per_t - north.cost_usd_per_t:.1f}"
          f" USD/t more; the upgrades save "
          f"{middle.time_h - routes['Middle Corridor upgraded'].time_h:.1f} h.")
    print("Borders crossed on the Middle Corridor: " + ", ".join(middle.crossings))

    print("\nThe bundled demand in 2027 (all-or-nothing), tonnes across each corridor, Mt/yr")
    demand = cn.load_bundled_demand(net)
    results = [run_scenario(specs[name], comp, demand) for name in SCENARIO_FILES]
    rows = []
    for corridor in CORRIDORS:
        key = f"corridor_t_per_year.{corridor}"
        rows.append([corridor, *[(r.figures[key] or 0.0) / 1e6 for r in results]])
    key = "total_cost_usd_per_year"
    rows.append(["total generalized cost, USD bn/yr",
                 *[(r.figures[key] or 0.0) / 1e9 for r in results]])
    print(format_table(["corridor", *SCENARIO_FILES], rows))

    from connectivity.report.maps import route_figure, save_figure

    path = out / f"{NAME}.png"
    save_figure(route_figure(middle, comp), path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
