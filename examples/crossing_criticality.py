"""Which border crossings matter most? Close each in turn and measure the extra cost.

For containers between the Chinese gateways and the Central Asian capitals (one tonne a
year per pair), each border crossing is closed alone (a mask on the compiled network, and
only the pairs whose route used it re-routed); the table shows how much the generalized
cost summed over all pairs rises, and how many pairs lose every route, for the crossings
on a used route. Then: which pairs use the most critical one (select-link).

Run: python examples/crossing_criticality.py
"""

from __future__ import annotations

import pandas as pd

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import criticality, select_link

ORIGINS = ["Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar"]
DESTINATIONS = ["Astana", "Almaty", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat"]


def main() -> None:
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    pairs = pd.DataFrame(
        [[cn.resolve_place(net, o), cn.resolve_place(net, d), "container", 1.0]
         for o in ORIGINS for d in DESTINATIONS],
        columns=["origin", "destination", "commodity", "tonnes_per_year"],
    )
    result = criticality(comp, pairs, elements="crossings")
    used = result.table[result.table["base_flow_t_per_year"] > 0]
    rows = [[r.element_id, r.name, r.delta_cost_usd_per_year, int(r.delta_unserved_t_per_year)]
            for r in used.itertuples(index=False)]
    print("Closing one crossing at a time (container, gateways x capitals):")
    print(format_table(["crossing", "name", "extra_gen_cost_usd_per_t", "od_pairs_cut"], rows))

    top = str(used["element_id"].iloc[0])
    flows = select_link(comp, pairs, top).table
    print(f"\nPairs whose route crosses {top}:")
    print(format_table(["origin", "destination"],
                       flows[["origin", "destination"]].values.tolist()))


if __name__ == "__main__":
    main()
