"""Lianyungang to Duisburg: the northern route through Russia or the Middle Corridor?

Compares the least-cost route with and without transit through Russia, by mode chain,
time, cost and CO2e, shows how a carbon price moves the choice, and lists the three
cheapest routes that cross the Caspian by ferry.

Run: python examples/europe_corridors.py
"""

from __future__ import annotations

import connectivity as cn
from connectivity.report import format_table


def main() -> None:
    comp = cn.compile_network(cn.load_bundled())
    head = ["scenario", "modes", "time_h", "cost_usd_per_t", "co2e_kg_per_t", "crossings"]
    rows = []
    for scen in [
        cn.Scenario(name="any route"),
        cn.Scenario(name="avoid Russia", avoid_countries=("RU", "BY")),
        cn.Scenario(name="avoid Russia, no road", avoid_countries=("RU", "BY"),
                    modes=("rail", "ferry", "sea")),
        cn.Scenario(name="any route, 200 USD/t CO2e", carbon_price_usd_per_t_co2e=200),
    ]:
        try:
            r = cn.route(comp, "Lianyungang", "Duisburg", scenario=scen)
        except cn.NoRouteError:
            rows.append([scen.name, "no route", None, None, None, "-"])
            continue
        rows.append([scen.name, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
                     r.co2e_kg_per_t, ", ".join(r.crossings) or "-"])
    print("Lianyungang -> Duisburg, one tonne of containerised cargo")
    print(format_table(head, rows))

    # The three cheapest Middle Corridor options: every route must cross the Caspian
    # by ferry (require_modes), and Russia and Belarus are avoided.
    print("\nthe three cheapest routes across the Caspian (ferry required, no Russia)")
    alts = cn.alternatives(comp, "Lianyungang", "Duisburg", k=3, require_modes=["ferry"],
                           scenario=cn.Scenario(avoid_countries=("RU", "BY")))
    rows = [[i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t, r.co2e_kg_per_t,
             " > ".join(leg.to_place for leg in r.legs)] for i, r in enumerate(alts)]
    print(format_table(["rank", "modes", "time_h", "cost_usd_per_t", "co2e_kg_per_t",
                        "leg ends"], rows))


if __name__ == "__main__":
    main()
