"""A border crossing closes: where do its tonnes go, and what does it cost?

Question: which border crossings matter most to the bundled demand of 2027, and when the
most critical one shuts (a closure, a strike, a dispute), which flows used it, which
crossings take its tonnes instead, and how much more does the re-routed freight cost?

Method: :func:`connectivity.scenarios.criticality` closes each crossing in turn (a mask on
the compiled network; all-or-nothing re-routing of the pairs that used it) on the
baseline scenario file's network and demand; :func:`connectivity.scenarios.select_link`
splits the most critical crossing's tonnes by origin, destination and commodity; then
:func:`connectivity.assign_aon` with and without the crossing gives the tonnes through
every other crossing. Figure: the change in flows on a map (gains red, losses blue).

Run: python examples/closure_rerouting.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import (
    bundled_scenarios,
    criticality,
    grow_demand,
    read_spec,
    select_link,
)

NAME = "closure_rerouting"
TOP = 8


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def by_crossing(assignment: cn.Assignment) -> dict[str, float]:
    """Tonnes per year through each crossing, both directions."""
    flows = assignment.crossings.groupby("crossing_id")["flow_t_per_year"].sum()
    return {str(k): float(v) for k, v in flows.items()}


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    spec = read_spec(bundled_scenarios()[0])  # baseline.toml
    demand = grow_demand(spec, comp, cn.load_bundled_demand(net))

    crit = criticality(comp, demand, elements="crossings", scenario=spec.scenario, top=TOP)
    print(f"The {TOP} most critical crossings, each closed alone ({spec.name}, "
          f"{demand['tonnes_per_year'].sum() / 1e6:.1f} Mt/yr of demand):")
    print(format_table(
        ["crossing", "name", "base_flow_mt_per_year", "extra_cost_musd_per_year",
         "extra_cost_pct", "unserved_mt_per_year"],
        [[r.element_id, r.name, r.base_flow_t_per_year / 1e6, r.delta_cost_usd_per_year / 1e6,
          r.delta_cost_pct, r.delta_unserved_t_per_year / 1e6]
         for r in crit.table.itertuples(index=False)]))

    top = str(crit.table["element_id"].iloc[0])
    used = select_link(comp, demand, top, scenario=spec.scenario).table
    used = used[used["through_t_per_year"] > 0].sort_values(
        ["through_t_per_year", "origin", "destination", "commodity"],
        ascending=[False, True, True, True])
    print(f"\n{top}: {len(used)} demand rows use it; the largest five (Mt/yr):")
    print(format_table(["origin", "destination", "commodity", "through_mt_per_year"],
                       [[r.origin, r.destination, r.commodity, r.through_t_per_year / 1e6]
                        for r in used.head(5).itertuples(index=False)]))

    closed = dataclasses.replace(spec.scenario, name=f"{top} closed",
                                 closed_crossings=(top,))
    base = cn.assign_aon(comp, demand, scenario=spec.scenario)
    shut = cn.assign_aon(comp, demand, scenario=closed)
    before, after = by_crossing(base), by_crossing(shut)
    change = {x: after.get(x, 0.0) - before.get(x, 0.0) for x in before.keys() | after.keys()}
    gains = sorted((x for x in change if change[x] > 1.0), key=lambda x: (-change[x], x))
    print(f"\nWith {top} closed, the crossings that take its tonnes (Mt/yr):")
    print(format_table(["crossing", "before", "after", "change"],
                       [[x, before.get(x, 0.0) / 1e6, after.get(x, 0.0) / 1e6, change[x] / 1e6]
                        for x in gains[:TOP]]))
    print(f"Generalized cost: USD {base.total_cost_usd / 1e9:.3f} bn/yr before, "
          f"{shut.total_cost_usd / 1e9:.3f} bn/yr after (+USD "
          f"{(shut.total_cost_usd - base.total_cost_usd) / 1e6:.1f} m/yr); tonne-km "
          f"{100 * (shut.total_tkm / base.total_tkm - 1):+.1f} %; unserved "
          f"{shut.unserved_t / 1e6:.2f} Mt/yr")

    from connectivity.report.maps import difference_figure, save_figure

    path = out / f"{NAME}.png"
    save_figure(difference_figure(base, shut, comp), path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
