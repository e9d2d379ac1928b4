"""Two heuristics for the discrete network design problem, as baselines for the exact method.

- :func:`bcr_design`: rank the projects by their stand-alone benefit-cost ratio and fund
  them in that order while the budget lasts;
- :func:`greedy_design`: add the project with the best marginal benefit per cost given
  those already chosen, re-solving the equilibrium each time.

Both evaluate designs by user equilibrium as :func:`connectivity.invest.dndp.evaluate_design`
does, and return a :class:`~connectivity.invest.portfolio.Portfolio` with status
``FEASIBLE`` (no bound). A project whose benefit is not positive (it raises the UE
TSTT, as a Braess link does) is never chosen.

Example
-------
>>> import numpy as np
>>> from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
>>> a = lambda *v: np.array(v, dtype=float)
>>> net = TntpNetwork(2, 2, 1, np.array([1]), np.array([2]), a(10), a(1), a(10),
...                   a(1), a(1), a(0), a(0), np.array([1]))
>>> cands = CandidateLinks(["FAST", "SLOW"], [1, 1], [2, 2], [10.0, 10.0], [1.0, 1.0],
...                        [5.0, 8.0], [1.0, 1.0], [1.0, 1.0], [3.0, 1.0])
>>> trips = TntpTrips(2, a([0, 10], [0, 0]))

Alone, SLOW saves 66.7 per unit of cost and FAST 33.3, so with a budget of 3 the
ranking funds SLOW (TSTT 133.3) and then cannot afford FAST, which alone gives 100:

>>> p = bcr_design(net, trips, cands, 3.0)
>>> p.selected, round(p.objective, 3)
(('SLOW',), 133.333)
>>> p = greedy_design(net, trips, cands, 4.0)
>>> p.selected, round(p.objective, 3)
(('FAST', 'SLOW'), 92.308)
"""

from __future__ import annotations

import math
import time

from connectivity.invest._dndp_core import (
    Design,
    DesignEvaluator,
    check_method_options,
    fits,
    greedy_fill,
    project_table,
)
from connectivity.invest.portfolio import Portfolio
from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
from connectivity.optimize import SolveStatus

__all__ = ["bcr_design", "greedy_design"]


def bcr_design(
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    budget: float,
    *,
    gap: float = 1e-6,
    demand_factor: float = 1.0,
) -> Portfolio:
    """Fund projects in order of stand-alone benefit per cost while the budget lasts.

    The benefit of project ``p`` is ``TSTT(none) - TSTT({p})`` at UE; projects are
    taken in decreasing order of benefit / cost (a project that costs nothing comes
    first), each one skipped if it no longer fits the budget; those with no positive
    benefit are left out.

    Parameters
    ----------
    net, trips, cands
        As in :func:`connectivity.invest.dndp.evaluate_design`.
    budget
        The most the selected projects may cost together.
    gap
        Relative gap of every equilibrium.
    demand_factor
        Multiplies every entry of the trip matrix.

    Returns
    -------
    Portfolio
        ``method="bcr"``, status ``FEASIBLE``, bound ``nan``; ``details["ranking"]``
        lists ``[project id, benefit per cost]`` in ranking order.

    Raises
    ------
    ValueError
        For a bad budget or option.
    SolverError
        If an equilibrium does not reach ``gap`` within its iteration limit.
    """
    start = time.perf_counter()
    check_method_options(budget, gap=gap, demand_factor=demand_factor)
    table = project_table(cands)
    ev = DesignEvaluator(net, trips, cands, table, gap=gap, demand_factor=demand_factor)
    baseline = ev.tstt(frozenset())
    ratios: list[tuple[float, int]] = []
    for p in range(table.n):
        gain = baseline - ev.tstt(frozenset({p}))
        if gain > 0:
            cost = float(table.cost[p])
            ratios.append((gain / cost if cost > 0 else math.inf, p))
    ratios.sort(key=lambda rp: (-rp[0], rp[1]))
    design: Design = frozenset()
    for _, p in ratios:
        if fits(table.cost_of(design) + float(table.cost[p]), budget):
            design = design | {p}
    ranking = [[table.ids[p], r] for r, p in ratios]
    return _portfolio("bcr", ev, design, baseline, budget, start,
                      {"ranking": ranking, "demand_factor": demand_factor})


def greedy_design(
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    budget: float,
    *,
    gap: float = 1e-6,
    demand_factor: float = 1.0,
) -> Portfolio:
    """Add the project with the best marginal benefit per cost until none helps.

    At each step every project that still fits the budget is added in turn to those
    already chosen and the equilibrium solved; the one with the largest drop in TSTT
    per unit cost is kept. The search stops when no project that fits lowers the TSTT.

    Parameters
    ----------
    net, trips, cands, budget, gap, demand_factor
        As in :func:`bcr_design`.

    Returns
    -------
    Portfolio
        ``method="greedy"``, status ``FEASIBLE``, bound ``nan``; ``details["steps"]``
        lists ``[project id, marginal benefit per cost]`` in the order chosen.

    Raises
    ------
    ValueError
        For a bad budget or option.
    SolverError
        If an equilibrium does not reach ``gap`` within its iteration limit.
    """
    start = time.perf_counter()
    check_method_options(budget, gap=gap, demand_factor=demand_factor)
    table = project_table(cands)
    ev = DesignEvaluator(net, trips, cands, table, gap=gap, demand_factor=demand_factor)
    baseline = ev.tstt(frozenset())
    design, steps = greedy_fill(ev, budget)
    return _portfolio("greedy", ev, design, baseline, budget, start,
                      {"steps": [list(s) for s in steps], "demand_factor": demand_factor})


def _portfolio(method: str, ev: DesignEvaluator, design: Design, baseline: float,
               budget: float, start: float, extra: dict[str, object]) -> Portfolio:
    objective = ev.tstt(design)
    return Portfolio(
        method=method, selected=ev.table.ids_of(design), objective=objective,
        baseline=baseline, cost=ev.table.cost_of(design), budget=float(budget),
        status=SolveStatus.FEASIBLE, bound=math.nan, seconds=time.perf_counter() - start,
        evaluations=ev.solves,
        details={**extra, "ue_solves": ev.ue_solves, "gap": ev.gap},
    )
