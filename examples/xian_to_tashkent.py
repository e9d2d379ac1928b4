"""Which route does a container take from Xi'an to Tashkent, and what are the options?

Run: python examples/xian_to_tashkent.py
"""

from __future__ import annotations

import connectivity as cn
from connectivity.report import format_table


def main() -> None:
    comp = cn.compile_network(cn.load_bundled())
    best = cn.route(comp, "Xi'an", "Tashkent", commodity="container")
    print(f"Best route for a container, {best.origin} -> {best.destination}:")
    for leg in best.legs:
        print(f"  {leg.mode:6s} {leg.from_place} -> {leg.to_place}: {leg.distance_km:,.0f} km, "
              f"{leg.time_h:.1f} h, {leg.cost_usd_per_t:.1f} USD/t")
    print(f"  crossings: {', '.join(best.crossings)}; total {best.time_h:.0f} h, "
          f"{best.cost_usd_per_t:.0f} USD/t, {best.co2e_kg_per_t:.0f} kg CO2e/t\n")

    head = ["option", "modes", "time_h", "cost_usd_per_t", "co2e_kg_per_t", "crossings"]
    rows = []
    for label, scen in [
        ("best", cn.Scenario()),
        ("rail only", cn.Scenario(modes=("rail",))),
        ("road only", cn.Scenario(modes=("road",))),
        ("avoid KZ", cn.Scenario(avoid_countries=("KZ",))),
        ("CKU open (2030)", cn.Scenario(year=2030)),
    ]:
        try:
            r = cn.route(comp, "Xi'an", "Tashkent", scenario=scen)
        except cn.NoRouteError:
            rows.append([label, "no route", None, None, None, "-"])
            continue
        rows.append([label, "-".join(r.modes), r.time_h, r.cost_usd_per_t, r.co2e_kg_per_t,
                     ", ".join(r.crossings)])
    print(format_table(head, rows))

    print("\nThree best loopless alternatives:")
    alts = cn.alternatives(comp, "Xi'an", "Tashkent", k=3)
    print(format_table(head, [[i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
                               r.co2e_kg_per_t, ", ".join(r.crossings)]
                              for i, r in enumerate(alts)]))

    print("\nPareto-optimal routes over money and time (no route beats another on both):")
    front = cn.pareto_routes(comp, "Xi'an", "Tashkent", criteria=("cost_usd_per_t", "time_h"))
    print(format_table(head, [[i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
                               r.co2e_kg_per_t, ", ".join(r.crossings)]
                              for i, r in enumerate(front)]))


if __name__ == "__main__":
    main()
