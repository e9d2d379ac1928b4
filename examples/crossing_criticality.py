"""Which border crossings matter most? Close each in turn and measure the extra cost.

For containers between the Chinese gateways and the Central Asian capitals, each
road/rail border crossing on a used route is closed alone; the table shows how much
the generalized cost summed over all OD pairs rises, and how many pairs lose every route.

Run: python examples/crossing_criticality.py
"""

from __future__ import annotations

import numpy as np

import connectivity as cn
from connectivity.report import format_table

ORIGINS = ["Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar"]
DESTINATIONS = ["Astana", "Almaty", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat"]


def main() -> None:
    comp = cn.compile_network(cn.load_bundled())
    base = cn.skim(comp, ORIGINS, DESTINATIONS)
    used: set[str] = set()
    for o in ORIGINS:
        for d in DESTINATIONS:
            used |= set(cn.route(comp, o, d).crossings)
    names = comp.network.crossings.set_index("crossing_id")["name"]
    rows = []
    for cid in sorted(used):
        s = cn.skim(comp, ORIGINS, DESTINATIONS,
                    scenario=cn.Scenario(name=f"close {cid}", closed_crossings=(cid,)))
        lost = int((~np.isfinite(s.generalized_cost_usd_per_t)).sum())
        finite = np.isfinite(s.generalized_cost_usd_per_t)
        extra = float((s.generalized_cost_usd_per_t[finite]
                       - base.generalized_cost_usd_per_t[finite]).sum())
        rows.append([cid, names[cid], extra, lost])
    rows.sort(key=lambda r: (-r[3], -r[2]))
    print("Closing one crossing at a time (container, gateways x capitals):")
    print(format_table(["crossing", "name", "extra_gen_cost_usd_per_t", "od_pairs_cut"], rows))


if __name__ == "__main__":
    main()
