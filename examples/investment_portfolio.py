"""Which projects to fund with USD 5 billion, and how far the usual ranking falls short.

Question: given the bundled candidate projects (railways, roads, border crossings,
ports, digital transit) and a capital budget of USD 5 bn, which portfolio saves the most
generalized cost on the bundled demand, and what does the usual benefit/cost ranking
miss?

Method: :func:`connectivity.invest.prioritize` two ways on the capacity-constrained
system optimum of the bundled demand: the exact network-design MILP (proved optimal)
and the stand-alone benefit/cost ranking filled to the budget (``method="greedy"``,
which re-solves the network for each addition, takes about 20 s more). Projects
interact (two rail lines compete for the same tonnes; a line feeds a crossing), which
the ranking cannot see. The optimal
portfolio is then appraised over 30 years at 6 % (NPV, BCR) with
:func:`connectivity.invest.appraise_projects`. Figure: each candidate's capital cost
against its stand-alone benefit, marked by the portfolios that pick it.

Run: python examples/investment_portfolio.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import connectivity as cn
from connectivity.invest import Portfolio, appraise_projects, prioritize
from connectivity.report import format_table

NAME = "investment_portfolio"
BUDGET_USD = 5e9
METHODS = ("milp", "bcr")


def out_dir() -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", type=Path,
                        help="folder for the figure (default: the current directory)")
    return Path(parser.parse_args().out)


def plot(found: dict[str, Portfolio], cost_usd: dict[str, float], path: Path) -> None:
    from matplotlib.figure import Figure

    ratio = found["bcr"].details["stand_alone_bcr_per_year"]
    ids = sorted(ratio)
    x = [cost_usd[i] / 1e9 for i in ids]
    y = [ratio[i] * cost_usd[i] / 1e6 for i in ids]
    fig = Figure(figsize=(9, 5.5), dpi=110, layout="constrained")
    ax = fig.subplots()
    ax.scatter(x, y, s=28, c="#bbbbbb", edgecolors="#555555", linewidths=0.5,
               label="candidate", zorder=2)
    def chosen(method: str) -> list[int]:
        return [ids.index(i) for i in found[method].selected if i in ratio]

    pick = chosen("milp")
    ax.scatter([x[k] for k in pick], [y[k] for k in pick], s=110, facecolors="none",
               edgecolors="#1b9e77", linewidths=2.0, zorder=3,
               label=f"chosen by milp ({len(pick)})")
    pick = chosen("bcr")
    ax.scatter([x[k] for k in pick], [y[k] for k in pick], s=40, marker="x", c="#d95f02",
               linewidths=1.5, zorder=3, label=f"chosen by bcr ({len(pick)})")
    spots: dict[tuple[float, float], list[str]] = {}  # one label for projects at one spot
    for i, xi, yi in zip(ids, x, y, strict=True):
        if yi > 2 or xi > 0.5:
            spots.setdefault((round(xi, 2), round(yi, 1)), []).append(i)
    for (xi, yi), names in spots.items():
        ax.annotate("/".join(names), (xi, yi), textcoords="offset points", xytext=(5, 4),
                    fontsize=8)
    ax.set_xlabel("capital cost, USD bn")
    ax.set_ylabel("stand-alone benefit, USD m per year")
    ax.set_title(f"Candidates under a USD {BUDGET_USD / 1e9:g} bn budget: the optimum "
                 "against the benefit/cost ranking")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    fig.savefig(path)


def main() -> None:
    out = out_dir()
    net = cn.load_bundled()
    demand = cn.load_bundled_demand(net)
    found = {m: prioritize(net, demand, budget=BUDGET_USD, method=m) for m in METHODS}
    best = found["milp"]
    print(f"Budget USD {BUDGET_USD / 1e9:g} bn, {len(best.details['candidates'])} "
          "candidates; benefit = system-optimal generalized cost saved per year")
    print(format_table(
        ["method", "selected", "cost_usd_bn", "benefit_musd_per_year", "proved_optimal"],
        [[m, " ".join(p.selected), p.cost / 1e9, p.benefit / 1e6,
          "yes" if p.status.value == "optimal" else "no"] for m, p in found.items()]))
    short = 1 - found["bcr"].benefit / best.benefit
    print(f"The ranking misses {100 * short:.1f} % of the optimal benefit.")
    only_milp = sorted(set(best.selected) - set(found["bcr"].selected))
    only_bcr = sorted(set(found["bcr"].selected) - set(best.selected))
    print(f"The optimum funds {' '.join(only_milp) or 'nothing'} that the ranking leaves "
          f"out, and drops {' '.join(only_bcr) or 'nothing'} that the ranking funds.")

    print("\nAppraisal of the optimal portfolio (30 years from 2026, 6 %, demand +3 %/yr):")
    a = appraise_projects(net, demand, best.selected, base_year=2026, horizon_years=30,
                          growth=0.03)
    rows = [[pid, x.pv_costs / 1e6, x.pv_benefits / 1e6, x.npv / 1e6, x.bcr]
            for pid, x in a.stand_alone.items()]
    for name, x in (("together", a.with_interaction), ("sum alone", a.without_interaction)):
        rows.append([name, x.pv_costs / 1e6, x.pv_benefits / 1e6, x.npv / 1e6, x.bcr])
    print(format_table(["project", "pv_costs_musd", "pv_benefits_musd", "npv_musd", "bcr"],
                       rows))

    projects = net.projects.set_index("project_id")["capital_cost_usd"]
    cost_usd = {str(k): float(v) for k, v in projects.items()}
    path = out / f"{NAME}.png"
    plot(found, cost_usd, path)
    print(f"\nfigure: {path}")


if __name__ == "__main__":
    main()
