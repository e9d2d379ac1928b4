"""How do skims change when the China–Kyrgyzstan–Uzbekistan (CKU) railway opens?

Compares the base year (CKU under construction, closed) with 2030 (CKU due, and with it
every other project due by then, such as the second Altynkol-Zhetygen track), for
containers from the Xinjiang gateways to the Fergana valley and Tashkent.

Run: python examples/cku_railway_skims.py
"""

from __future__ import annotations

import numpy as np

import connectivity as cn
from connectivity.report import format_table

ORIGINS = ["Kashgar", "Urumqi", "Xi'an"]
DESTINATIONS = ["Andijan", "Osh", "Tashkent", "Samarkand", "Dushanbe"]


def main() -> None:
    comp = cn.compile_network(cn.load_bundled())
    rail = ("rail",)
    base = cn.skim(comp, ORIGINS, DESTINATIONS, scenario=cn.Scenario(modes=rail))
    cku = cn.skim(comp, ORIGINS, DESTINATIONS,
                  scenario=cn.Scenario(name="2030", year=2030, modes=rail))
    rows = []
    for i, o in enumerate(base.origins):
        for j, d in enumerate(base.destinations):
            t0, t1 = base.time_h[i, j], cku.time_h[i, j]
            c0, c1 = base.cost_usd_per_t[i, j], cku.cost_usd_per_t[i, j]
            rows.append([o, d, t0, t1, t1 - t0 if np.isfinite(t0) else None, c0, c1,
                         base.distance_km[i, j], cku.distance_km[i, j]])
    print("Rail container skims, base year vs 2030 (CKU open)")
    print(format_table(["origin", "destination", "time_h_base", "time_h_2030", "change_h",
                        "usd_per_t_base", "usd_per_t_2030", "km_base", "km_2030"], rows))


if __name__ == "__main__":
    main()
