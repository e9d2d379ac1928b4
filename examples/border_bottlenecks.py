"""Border bottlenecks: which crossings and terminals bind as trade grows, and which
capacity is worth adding?

Question: on the 2027 network (nothing built after it), at which border crossings,
ferries and terminals does capacity run out as the bundled demand grows to 2035 and
2045, what is one more tonne a year of capacity worth there, and which of the bundled
capacity projects pays its way?

Method: the capacity-constrained system optimum (:func:`connectivity.assign_system_optimum`,
path column generation) of the bundled demand grown by the baseline scenario file's rates
to each year; the shadow price of a binding capacity is the generalized cost (USD) saved
per year by one more tonne a year through it. Each capacity project not yet open in
2027 is then switched on and the optimum solved again: its saving per year (the LP's
objective, unserved tonnes at their penalty included) against its annual charge
(capital at 6 % over 30 years, plus O&M). Figure: the shadow prices by year (bars).

Run: python examples/border_bottlenecks.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import bundled_scenarios, grow_demand, read_spec

NAME = "border_bottlenecks"
YEARS = (2027, 2035, 2045)
RATE, LIFE_YEARS = 0.06, 30


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def annual_charge_usd(capital_usd: float, opex_usd: float) -> float:
    """Capital recovered over the asset's life at ``RATE``, plus O&M, per year."""
    crf = RATE / (1 - (1 + RATE) ** -LIFE_YEARS)
    return capital_usd * crf + opex_usd


def plot(prices: dict[int, dict[str, float]], path: Path) -> None:
    from matplotlib.figure import Figure

    ids = sorted({i for p in prices.values() for i in p},
                 key=lambda i: -max(p.get(i, 0.0) for p in prices.values()))
    fig = Figure(figsize=(9, 0.55 * len(ids) + 1.6), dpi=110, layout="constrained")
    ax = fig.subplots()
    height = 0.8 / len(prices)
    for k, (year, p) in enumerate(prices.items()):
        ys = [i + k * height for i in range(len(ids))]
        ax.barh(ys, [p.get(i, 0.0) for i in ids], height, label=f"demand of {year}")
    ax.set_yticks([i + height * (len(prices) - 1) / 2 for i in range(len(ids))], ids)
    ax.invert_yaxis()
    ax.set_xlabel("shadow price, USD saved per year per extra tonne/yr of capacity")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, loc="lower right")
    ax.set_title("Binding capacities on the 2027 network (system optimum)")
    fig.savefig(path)


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    spec = read_spec(bundled_scenarios()[0])  # baseline.toml
    network_2027 = spec.scenario
    prices: dict[int, dict[str, float]] = {}
    crf = annual_charge_usd(1.0, 0.0)
    grown = {}
    for year in YEARS:
        # the growth runs to `year`; the network stays the 2027 one
        grown[year] = grow_demand(
            dataclasses.replace(spec, scenario=dataclasses.replace(network_2027, year=year)),
            comp, demand)
        so = cn.assign_system_optimum(comp, grown[year], scenario=network_2027,
                                      formulation="paths")
        binding = so.binding()
        prices[year] = {str(r.id): float(r.shadow_price_usd_per_t)
                        for r in binding.itertuples(index=False)}
        print(f"Demand of {year}: {grown[year]['tonnes_per_year'].sum() / 1e6:.1f} Mt/yr, "
              f"unserved {so.unserved_t / 1e6:.2f} Mt/yr, {len(binding)} binding capacities")
        rows = [[r.kind, r.id,
                 "handled" if r.kind == "terminal" else f"{r.from_place} > {r.to_place}",
                 r.flow_t_per_year / 1e6, r.shadow_price_usd_per_t,
                 r.shadow_price_usd_per_t / crf]
                for r in binding.itertuples(index=False)]
        print(format_table(["kind", "id", "direction", "flow_mt_per_year",
                            "shadow_usd_per_t", "break_even_musd_per_mt"], rows))
        print()
    print("shadow_usd_per_t is also USD m saved per year by 1 Mt/yr more capacity;")
    print(f"break_even_musd_per_mt: the most a 1 Mt/yr expansion may cost and still pay "
          f"back at {RATE:.0%} over {LIFE_YEARS} years (O&M aside).\n")

    year = YEARS[-1]
    base = cn.assign_system_optimum(comp, grown[year], scenario=network_2027,
                                    formulation="paths")
    assert base.solve is not None
    projects = net.projects
    opened_by_2027 = projects["year_open"].fillna(9999) <= network_2027.year
    pick = projects[projects["capacity_added"].notna() & ~opened_by_2027]
    print(f"Capacity projects not open in 2027, against the demand of {year}:")
    rows = []
    for p in pick.itertuples(index=False):
        scen = dataclasses.replace(network_2027, projects=(str(p.project_id),))
        so = cn.assign_system_optimum(comp, grown[year], scenario=scen, formulation="paths")
        assert so.solve is not None
        saving = base.solve.objective - so.solve.objective
        opex = 0.0 if math.isnan(p.opex_usd_per_year) else float(p.opex_usd_per_year)
        charge = annual_charge_usd(float(p.capital_cost_usd), opex)
        rows.append([p.project_id, p.name, p.capacity_added / 1e6, saving / 1e6,
                     charge / 1e6, "yes" if saving > charge else "no"])
    print(format_table(["project", "name", "adds_mt_per_year", "saves_musd_per_year",
                        "charge_musd_per_year", "worth_it"], rows))

    path = out / f"{NAME}.png"
    plot(prices, path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
