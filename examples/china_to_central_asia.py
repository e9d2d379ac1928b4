"""From Xi'an to the five Central Asian capitals: road, rail or multimodal?

Question: for one tonne of containerised cargo leaving Xi'an (the main hub of the
China-Central Asia trains), what does each mode chain cost, how long does it take, what
does it emit, and which border crossings does it use, to Astana, Bishkek, Dushanbe,
Tashkent and Ashgabat?

Method: the least generalized-cost route (money, value of time, risk) on the bundled
network of 2027 (the baseline scenario file's year: the projects due by then are open)
with the modes restricted to road, to rail, to a rail+road chain that must use both
(a transfer between them on the way), or left free (best: any chain the container may
take). Then the three cheapest loopless alternatives
to Tashkent. Figure: cost and transit time by capital and mode chain (bars).

Run: python examples/china_to_central_asia.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import bundled_scenarios, read_spec

NAME = "china_to_central_asia"
ORIGIN = "Xi'an"
CAPITALS = ["Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat"]
#: label -> (modes allowed, modes every route must use); None: any mode the commodity
#: may use
CHAINS: dict[str, tuple[tuple[str, ...] | None, tuple[str, ...]]] = {
    "road": (("road",), ()),
    "rail": (("rail",), ()),
    "rail+road": (("rail", "road"), ("rail", "road")),
    "best": (None, ()),
}
COLOURS = {"road": "#d95f02", "rail": "#1b9e77", "rail+road": "#e6ab02", "best": "#7570b3"}


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def plot(results: dict[tuple[str, str], cn.Route | None], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.4), dpi=110, layout="constrained")
    axes = fig.subplots(1, 2)
    width = 0.2
    for k, chain in enumerate(CHAINS):
        xs = [i + (k - 1.5) * width for i in range(len(CAPITALS))]
        cost = [r.cost_usd_per_t if (r := results[c, chain]) else 0.0 for c in CAPITALS]
        days = [r.time_h / 24 if (r := results[c, chain]) else 0.0 for c in CAPITALS]
        axes[0].bar(xs, cost, width, label=chain, color=COLOURS[chain])
        axes[1].bar(xs, days, width, label=chain, color=COLOURS[chain])
    for ax, unit in zip(axes, ["money cost, USD per tonne", "transit time, days"],
                        strict=True):
        ax.set_xticks(range(len(CAPITALS)), CAPITALS)
        ax.set_ylabel(unit)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="mode chain", loc="outside right center", frameon=False)
    fig.suptitle(f"{ORIGIN} to the Central Asian capitals, one tonne of containers (2027)")
    fig.savefig(path)


def main() -> None:
    out = out_dir()
    comp = cn.compile_network(cn.load_bundled())
    base = read_spec(bundled_scenarios()[0]).scenario  # baseline.toml: the 2027 network
    results: dict[tuple[str, str], cn.Route | None] = {}
    rows: list[list[object]] = []
    for capital in CAPITALS:
        for chain, (modes, required) in CHAINS.items():
            scen = cn.Scenario(name=chain, year=base.year, modes=modes)
            try:
                r = cn.route(comp, ORIGIN, capital, commodity="container", scenario=scen,
                             require_modes=required)
            except cn.NoRouteError:
                results[capital, chain] = None
                rows.append([capital, chain, "no route", None, None, None, "-"])
                continue
            results[capital, chain] = r
            rows.append([capital, chain, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
                         r.co2e_kg_per_t, ", ".join(r.crossings) or "-"])
    print(f"{ORIGIN} to the Central Asian capitals, one tonne of containers, "
          f"{base.year} network")
    print(format_table(["capital", "chain", "modes", "time_h", "cost_usd_per_t",
                        "co2e_kg_per_t", "crossings"], rows))

    print("\nRail against road, per capital:")
    for capital in CAPITALS:
        rail, road = results[capital, "rail"], results[capital, "road"]
        if rail is None or road is None:
            print(f"  {capital}: rail or road has no route")
            continue
        print(f"  {capital}: rail saves {road.cost_usd_per_t - rail.cost_usd_per_t:.1f} USD/t "
              f"and {road.co2e_kg_per_t - rail.co2e_kg_per_t:.1f} kg CO2e/t, "
              f"and is {road.time_h - rail.time_h:.1f} h faster")

    print(f"\nThe three cheapest loopless routes {ORIGIN} -> Tashkent (any mode):")
    alts = cn.alternatives(comp, ORIGIN, "Tashkent", k=3, commodity="container",
                           scenario=cn.Scenario(year=base.year))
    print(format_table(["rank", "modes", "time_h", "cost_usd_per_t", "co2e_kg_per_t",
                        "crossings"],
                       [[i + 1, "-".join(r.modes), r.time_h, r.cost_usd_per_t,
                         r.co2e_kg_per_t, ", ".join(r.crossings)]
                        for i, r in enumerate(alts)]))

    path = out / f"{NAME}.png"
    plot(results, path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
