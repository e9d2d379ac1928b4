"""Afghan transit: who would use the Trans-Afghan railway, and how much does the risk matter?

Question: with the Trans-Afghan railway Mazar-i-Sharif - Kabul in service (project P10,
``data/scenarios/afghan_transit.toml``), what share of the bundled demand to and from
Afghanistan rides it, and how does that share move with the risk premium charged for
time spent in the country: none at all, the countries table's 0.1 % of the cargo's
value per day, and higher premiums? And what happens to transit through Afghanistan to
Pakistan (Tashkent to Peshawar)?

Method: the scenario file's network and demand (the bundled demand grown to 2027);
:func:`connectivity.scenarios.select_link` on the railway's link gives the tonnes of
each demand row that use it (all-or-nothing: every tonne on its least generalized-cost
route, risk included). "No risk" is the same network with the countries table's risk
premiums removed (:func:`connectivity.from_frames`); higher premiums are added with
the scenario's ``risk_pct_value_per_day``; the premium the Afghan trade pays is summed
over each demand row's least-cost route. Figure: the railway's share of the Afghan
demand and the premium paid, against the premium's rate (bars).

Run: python examples/afghan_transit.py [--out DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

import connectivity as cn
from connectivity.report import format_table
from connectivity.scenarios import bundled_scenarios, grow_demand, read_spec, select_link
from connectivity.tables.schema import TABLES

NAME = "afghan_transit"
RAILWAY = "RAIL_MAZAR_KABUL"
TABLE_RISK_PCT = 0.1  # the countries table's premium for AF, % of value per day
EXTRA_RISK_PCT = (0.2, 0.5)  # added on top of it
PAIRS = [("Termez", "Kabul", "bulk_agri"), ("Tashkent", "Kabul", "container"),
         ("Tashkent", "Peshawar", "container")]


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def without_risk(net: cn.Network) -> cn.Network:
    """The network with every country's risk premium removed."""
    tables = {name: getattr(net, name) for name in TABLES}
    countries = tables["countries"].copy()
    countries["risk_usd_per_t"] = np.nan
    countries["risk_pct_value_per_day"] = np.nan
    tables["countries"] = countries
    return cn.from_frames(**tables)


def risk_bill_usd(network: cn.CompiledNetwork, demand: pd.DataFrame,
                  scenario: cn.Scenario) -> float:
    """Risk premium paid per year by ``demand``, each row on its least-cost route."""
    total = 0.0
    for row in demand.itertuples(index=False):
        r = cn.route(network, row.origin, row.destination, commodity=row.commodity,
                     scenario=scenario)
        total += r.risk_usd_per_t * row.tonnes_per_year
    return total


def plot(shares: list[tuple[str, float]], bills: list[tuple[str, float]],
         path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), dpi=110, layout="constrained")
    left, right = fig.subplots(1, 2)
    for ax, data, scale, colour, unit, fmt in (
            (left, shares, 100.0, "#1b9e77", "tonnes on the railway, % of the Afghan demand",
             "%.1f %%"),
            (right, bills, 1e-6, "#d95f02", "risk premium paid, USD m per year", "%.0f")):
        labels = [label for label, _ in data]
        values = [scale * v for _, v in data]
        bars = ax.bar(labels, values, 0.6, color=colour)
        ax.bar_label(bars, fmt=fmt, padding=2)
        ax.set_ylabel(unit)
        ax.set_ylim(0, max(values) * 1.2 + 1)
        ax.grid(axis="y", alpha=0.3)
    fig.supxlabel("risk premium for time spent in Afghanistan, % of cargo value per day")
    fig.suptitle(f"Trans-Afghan railway ({RAILWAY}) open, demand to and from "
                 "Afghanistan, 2027")
    fig.savefig(path)


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    spec = read_spec(next(p for p in bundled_scenarios() if p.stem == "afghan_transit"))
    demand = grow_demand(spec, comp, cn.load_bundled_demand(net))
    afghan = demand["origin"].str.startswith("AF_") | demand["destination"].str.startswith("AF_")
    afghan_t = float(demand.loc[afghan, "tonnes_per_year"].sum())
    print(f"{spec.description}; demand of {spec.scenario.year}: "
          f"{demand['tonnes_per_year'].sum() / 1e6:.1f} Mt/yr, of it to or from "
          f"Afghanistan {afghan_t / 1e6:.2f} Mt/yr")

    no_risk = cn.compile_network(without_risk(net))
    # label, network, scenario
    cases = [("none", no_risk, spec.scenario),
             (f"{TABLE_RISK_PCT:g} (table)", comp, spec.scenario)]
    cases += [(f"{TABLE_RISK_PCT + extra:g}", comp,
               dataclasses.replace(spec.scenario, risk_pct_value_per_day={"AF": extra}))
              for extra in EXTRA_RISK_PCT]
    rows, shares, bills = [], [], []
    for label, network, scen in cases:
        used = select_link(network, demand, RAILWAY, scenario=scen).table
        on_rail = float(used["through_t_per_year"].sum())
        bill = risk_bill_usd(network, demand[afghan], scen)
        shares.append((label, on_rail / afghan_t))
        bills.append((label, bill))
        rows.append([label, on_rail / 1e6, 100 * on_rail / afghan_t,
                     int((used["through_t_per_year"] > 0).sum()), bill / 1e6])
    print(f"\nTonnes on the railway ({RAILWAY}, both directions) by risk premium:")
    print(format_table(["risk_pct_value_per_day", "on_railway_mt_per_year",
                        "share_of_afghan_demand_pct", "demand_rows", "risk_musd_per_year"],
                       rows))
    moved = max(v for _, v in shares) - min(v for _, v in shares)
    if moved == 0.0:
        print("The premium moves no tonne: every other route to or from Afghanistan runs "
              "through it too,\nso the risk raises what the Afghan trade pays, not which "
              "route it takes.")
    else:
        print(f"The premium moves {100 * moved:.1f} % of the Afghan demand on or off the "
              "railway.")
    base_used = select_link(comp, demand, RAILWAY, kind="links",
                            scenario=read_spec(bundled_scenarios()[0]).scenario).table
    print(f"Without the railway (baseline.toml): "
          f"{base_used['through_t_per_year'].sum() / 1e6:.2f} Mt/yr on it.")

    print("\nRoutes through Afghanistan (one tonne) without and with the table's risk:")
    rows = []
    for origin, destination, commodity in PAIRS:
        for label, network in (("none", no_risk), ("table", comp)):
            r = cn.route(network, origin, destination, commodity=commodity,
                         scenario=spec.scenario)
            rows.append([f"{origin} > {destination}", commodity, label, "-".join(r.modes),
                         r.time_h, r.generalized_cost_usd_per_t, r.risk_usd_per_t,
                         RAILWAY in {i for leg in r.legs for i in leg.link_ids}])
    print(format_table(["pair", "commodity", "risk", "modes", "time_h", "gen_cost_usd_per_t",
                        "risk_usd_per_t", "uses_railway"],
                       [[*row[:-1], "yes" if row[-1] else "no"] for row in rows]))

    path = out / f"{NAME}.png"
    plot(shares, bills, path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
