"""What projects save per year on the network, by component, and their appraisal.

:func:`annual_measures` splits the system-optimal total cost of a design into the
components an appraisal values separately: value of time (USD), money paid (USD),
CO2e (tonnes; in the total at the scenario's carbon price), risk premiums (USD) and
unserved demand at its penalty (USD). A project's benefit is the drop of each component
from the design without it; :func:`appraise_projects` appraises candidates alone and
together (NPV, BCR, EIRR, payback; :mod:`connectivity.invest.appraisal`), so the
interaction between projects shows.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> demand = cn.load_bundled_demand(net)
>>> r = appraise_projects(net, demand, ["P01"], base_year=2026, horizon_years=30)
>>> r.stand_alone["P01"].flows.opening_year > 2026
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from connectivity.assign import Assignment
from connectivity.graph import CompiledNetwork, scenario_attributes
from connectivity.invest.appraisal import (
    Benefits,
    PortfolioAppraisal,
    ProjectCosts,
    appraise_portfolio,
)
from connectivity.invest.projects import NetworkDesign, candidates, evaluate, network_design
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AnnualMeasures", "annual_measures", "benefits_between", "appraise_projects"]


@dataclass(frozen=True)
class AnnualMeasures:
    """One design's yearly totals (system optimum): USD except ``co2e_t`` (tonnes).

    ``total_usd`` is the flow model's objective: ``time_usd + money_usd + risk_usd +
    unserved_usd`` plus ``co2e_t`` at the scenario's carbon price.
    """

    time_usd: float
    money_usd: float
    co2e_t: float
    risk_usd: float
    unserved_usd: float
    total_usd: float


def annual_measures(design: NetworkDesign, selected: Iterable[int],
                    assignment: Assignment | None = None) -> AnnualMeasures:
    """The components of the system optimum with the candidates ``selected`` built
    (indices; pass its ``assignment`` if already solved by :func:`evaluate`)."""
    chosen = sorted(set(selected))
    a = assignment if assignment is not None else evaluate(design, chosen)
    scenario = replace(design.scenario, projects=tuple(dict.fromkeys(
        [*design.scenario.projects, *(design.candidates.ids[j] for j in chosen)])))
    c: CompiledNetwork = design.compiled
    totals = dict.fromkeys(("time", "money", "co2e", "risk"), 0.0)
    for k, commodity in enumerate(a.commodities):
        flow = a.edge_flow_by_commodity[:, k]
        used = flow > 0
        attrs = scenario_attributes(c, commodity, scenario)
        vot = float(c.commodity_vot[c.commodity_index(commodity)])
        totals["time"] += vot * float(flow[used] @ attrs["time_h"][used])
        totals["money"] += float(flow[used] @ attrs["cost_usd_per_t"][used])
        totals["co2e"] += float(flow[used] @ attrs["co2e_kg_per_t"][used]) / 1000.0
        totals["risk"] += float(flow[used] @ attrs["risk_usd_per_t"][used])
    unserved = float(a.unserved["tonnes_per_year"].sum()) * design.penalty
    total = float(a.solve.objective) if a.solve is not None else float("nan")
    return AnnualMeasures(totals["time"], totals["money"], totals["co2e"], totals["risk"],
                          unserved, total)


def benefits_between(before: AnnualMeasures, after: AnnualMeasures) -> Benefits:
    """Yearly benefits of going from ``before`` to ``after``: time and money saved (USD),
    CO2e avoided (t), and risk premiums and unserved-demand penalties saved as
    ``other`` (USD)."""
    return Benefits(
        time=before.time_usd - after.time_usd,
        money=before.money_usd - after.money_usd,
        co2e_t=before.co2e_t - after.co2e_t,
        other=(before.risk_usd - after.risk_usd) + (before.unserved_usd - after.unserved_usd),
    )


def appraise_projects(
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    projects: Iterable[str],
    *,
    base_year: int,
    horizon_years: int = 30,
    rate: float = 0.06,
    growth: float = 0.0,
    carbon_price_usd_per_t: float = 0.0,
    scenario: Scenario | None = None,
    cost: str = "central",
) -> PortfolioAppraisal:
    """Appraise ``projects`` alone and together on the network's system optimum.

    Benefits are the yearly savings of the system optimum of ``demand`` (taken as the
    demand of the year the last project opens, grown at ``growth`` before and after);
    costs are each project's capital cost (``cost``: central, low or high), its O&M and
    lead time from the projects table (at least one year). Keywords as in
    :func:`~connectivity.invest.appraisal.appraise_portfolio`.
    """
    ids = list(dict.fromkeys(projects))
    if not ids:
        raise ValueError("appraise: give one or more project ids")
    cands = candidates(network, ids, cost=cost)
    design = network_design(network, demand, cands, float(np.sum(cands.cost)),
                            scenario=scenario)
    base = annual_measures(design, [])
    alone = {pid: benefits_between(base, annual_measures(design, [j]))
             for j, pid in enumerate(cands.ids)}
    joint = benefits_between(base, annual_measures(design, range(len(cands.ids))))
    costs = {pid: ProjectCosts(float(cands.cost[j]),
                               om_per_year=float(cands.opex[j]),
                               lead_time_years=max(1, round(float(cands.lead_time_years[j]))))
             for j, pid in enumerate(cands.ids)}
    return appraise_portfolio(costs, alone, joint, base_year=base_year,
                              horizon_years=horizon_years, rate=rate, growth=growth,
                              carbon_price_usd_per_t=carbon_price_usd_per_t)
