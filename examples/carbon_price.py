"""A carbon price and the mode shift: how many tonne-km leave road and air, and at what price?

Question: if every tonne of CO2e emitted along the routes is charged, from nothing
through the EU ETS's 2024 average (USD 72/t, ``data/scenarios/carbon_price.toml``) to
several times that, how do the bundled demand's tonne-km split between road, rail, sea,
ferry and air, and how much CO2e is avoided?

Method: the carbon price scenario file's network and demand (the bundled demand grown to
2027), the price replaced by each value of ``PRICES``, each run with
:func:`connectivity.scenarios.run_scenario` (all-or-nothing: every tonne takes its least
generalized-cost route, the carbon charge included); tonne-km by mode are the key
figures' mode shares times the total. Figure: tonne-km by mode and CO2e against the
price.

Run: python examples/carbon_price.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import ScenarioResult, bundled_scenarios, read_spec, run_scenario

NAME = "carbon_price"
PRICES = (0.0, 72.0, 150.0, 300.0, 600.0)  # USD per tonne of CO2e
MODES = ("road", "rail", "sea", "ferry", "air")
COLOURS = {"road": "#d95f02", "rail": "#1b9e77", "sea": "#1f78b4", "ferry": "#66a61e",
           "air": "#7570b3"}


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def tkm_by_mode(result: ScenarioResult) -> dict[str, float]:
    """Tonne-km per year on each mode's line-haul links."""
    total = result.figures["total_tkm_per_year"] or 0.0
    return {m: (result.figures[f"mode_share_tkm.{m}"] or 0.0) * total for m in MODES}


def plot(results: dict[float, ScenarioResult], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.6), dpi=110, layout="constrained")
    ax = fig.subplots()
    labels = [f"{p:g}" for p in results]
    bottom = [0.0] * len(results)
    for mode in MODES:
        values = [tkm_by_mode(r)[mode] / 1e9 for r in results.values()]
        ax.bar(labels, values, 0.6, bottom=bottom, label=mode, color=COLOURS[mode])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xlabel("carbon price, USD per tonne CO2e")
    ax.set_ylabel("tonne-km per year, billions")
    ax.grid(axis="y", alpha=0.3)
    right = ax.twinx()
    right.plot(labels, [(r.figures["total_co2e_t_per_year"] or 0.0) / 1e6
                        for r in results.values()], "ko-", label="CO2e (right axis)")
    right.set_ylabel("CO2e, Mt per year")
    right.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    fig.legend(handles[0][::-1] + more[0], handles[1][::-1] + more[1],
               loc="outside right center", frameon=False)
    ax.set_title("Bundled demand of 2027: tonne-km by mode under a carbon price")
    fig.savefig(path)


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    spec = read_spec(next(p for p in bundled_scenarios() if p.stem == "carbon_price"))
    results: dict[float, ScenarioResult] = {}
    for price in PRICES:
        scen = dataclasses.replace(spec.scenario, name=f"{price:g} USD/t CO2e",
                                   carbon_price_usd_per_t_co2e=price)
        results[price] = run_scenario(dataclasses.replace(spec, scenario=scen), comp, demand)
    print(f"Bundled demand of {spec.scenario.year}, all-or-nothing; tonne-km by mode "
          "(billions per year) and CO2e")
    rows = []
    for price, r in results.items():
        tkm = tkm_by_mode(r)
        rows.append([price, *[tkm[m] / 1e9 for m in MODES],
                     (r.figures["total_co2e_t_per_year"] or 0.0) / 1e6])
    print(format_table(["usd_per_t_co2e", *[f"{m}_btkm" for m in MODES], "co2e_mt"], rows))

    first, last = results[PRICES[0]], results[PRICES[-1]]
    co2 = [(r.figures["total_co2e_t_per_year"] or 0.0) for r in (first, last)]
    print(f"\nFrom no price to USD {PRICES[-1]:g}/t: CO2e {100 * (co2[1] / co2[0] - 1):+.1f} %;")
    for mode in MODES:
        a, b = tkm_by_mode(first)[mode], tkm_by_mode(last)[mode]
        print(f"  {mode:5s} share of tonne-km {100 * a / sum(tkm_by_mode(first).values()):5.1f} %"
              f" -> {100 * b / sum(tkm_by_mode(last).values()):5.1f} %")
    at_ets = results[72.0]
    avoided = co2[0] - (at_ets.figures["total_co2e_t_per_year"] or 0.0)
    print(f"At the EU ETS 2024 average (USD 72/t) {avoided / 1e6:.2f} Mt CO2e a year are "
          "avoided by re-routing alone.")

    path = out / f"{NAME}.png"
    plot(results, path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
