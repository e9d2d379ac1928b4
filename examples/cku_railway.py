"""The China-Kyrgyzstan-Uzbekistan (CKU) railway: what changes when it opens?

Question: how much faster and cheaper do containers reach the Fergana valley, Tashkent
and beyond from the Xinjiang gateways and from Xi'an once the CKU railway
(Kashgar-Torugart-Makmal-Jalal-Abad-Andijan, project P01) runs, which route takes the
Kashgar-Andijan box, and how many tonnes of the bundled demand move onto the line and
off the Kazakh crossings?

Method: the scenario files ``baseline.toml`` (2027, CKU not yet open) and
``cku_open.toml`` (the same with P01 in service): rail-only container skims under each,
the least-cost Kashgar-Andijan route under each, and each file run with
:func:`connectivity.scenarios.run_scenario` (the bundled demand grown to 2027,
all-or-nothing) for the tonnes by border crossing; the tonnes on the CKU's own links come
from :func:`connectivity.assign_aon` on the same grown demand. Figure: the CKU route on a
map.

Run: python examples/cku_railway.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import bundled_scenarios, grow_demand, read_spec, run_scenario

NAME = "cku_railway"
ORIGINS = ["Kashgar", "Urumqi", "Xi'an"]
DESTINATIONS = ["Andijan", "Osh", "Tashkent", "Samarkand", "Dushanbe"]
CROSSINGS = ["X_TORUGART_RAIL", "X_KHORGOS_ALTYNKOL_RAIL", "X_ALASHANKOU_DOSTYK_RAIL",
             "X_SARYAGASH_RAIL"]
CKU_LINK = "RAIL_KASHGAR_TORUGART"


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
    before, after = specs["baseline"], specs["cku_open"]

    rail = ("rail",)
    s0 = cn.skim(comp, ORIGINS, DESTINATIONS,
                 scenario=dataclasses.replace(before.scenario, modes=rail))
    s1 = cn.skim(comp, ORIGINS, DESTINATIONS,
                 scenario=dataclasses.replace(after.scenario, modes=rail))
    rows = []
    for i, o in enumerate(s0.origins):
        for j, d in enumerate(s0.destinations):
            t0, t1 = s0.time_h[i, j], s1.time_h[i, j]
            rows.append([o, d, t0, t1, t1 - t0 if np.isfinite(t0) else None,
                         s0.cost_usd_per_t[i, j], s1.cost_usd_per_t[i, j],
                         s0.distance_km[i, j], s1.distance_km[i, j]])
    print(f"Rail container skims, {before.name} vs {after.name} ({after.description})")
    print(format_table(["origin", "destination", "time_h_before", "time_h_after", "change_h",
                        "usd_per_t_before", "usd_per_t_after", "km_before", "km_after"],
                       rows))

    print("\nKashgar -> Andijan, one tonne of containers (any mode):")
    routes = {}
    for spec in (before, after):
        r = cn.route(comp, "Kashgar", "Andijan", commodity="container", scenario=spec.scenario)
        routes[spec.name] = r
        print(f"  {spec.name}: {'-'.join(r.modes)}, {r.time_h:.1f} h, "
              f"{r.cost_usd_per_t:.1f} USD/t, {r.distance_km:,.0f} km, via "
              f"{', '.join(r.crossings)}")

    print("\nThe bundled demand in 2027, all-or-nothing: tonnes through each crossing, Mt/yr")
    demand = cn.load_bundled_demand(net)
    results = [run_scenario(spec, comp, demand) for spec in (before, after)]
    rows = [[x, *[(r.figures[f"crossing_t_per_year.{x}"] or 0.0) / 1e6 for r in results]]
            for x in CROSSINGS]
    key = "corridor_t_per_year.china_kyrgyzstan"
    rows.append(["China-Kyrgyzstan border, all modes",
                 *[(r.figures[key] or 0.0) / 1e6 for r in results]])
    print(format_table(["crossing", before.name, after.name], rows))
    flows = cn.assign_aon(comp, grow_demand(after, comp, demand), scenario=after.scenario)
    links = flows.links[flows.links["link_id"] == CKU_LINK]
    on_line = float(links["flow_t_per_year"].sum())
    cost_key = "total_cost_usd_per_year"
    saved = (results[0].figures[cost_key] or 0.0) - (results[1].figures[cost_key] or 0.0)
    print(f"On the CKU ({CKU_LINK}, both directions): {on_line / 1e6:.2f} Mt/yr; "
          f"generalized cost saved: USD {saved / 1e6:.1f} m/yr")

    from connectivity.report.maps import route_figure, save_figure

    path = out / f"{NAME}.png"
    save_figure(route_figure(routes[after.name], comp), path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
