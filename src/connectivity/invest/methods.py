"""Which candidate projects to fund under a budget, by five methods with one result.

- ``"milp"``: the exact system-optimal network design (:mod:`connectivity.invest.design`),
  one binary per project over the capacity-constrained flow model, solved by branch and
  price on path columns (:mod:`connectivity.invest.price`, HiGHS for the LPs);
  ``OPTIMAL`` only when the proven gap is at most 1e-9, ``TIME_LIMIT`` with the best
  design and bound otherwise.
- ``"bcr"``: the practitioners' ranking: each project's stand-alone benefit (the drop of
  the system-optimal total cost when it alone is built) over its cost, filled to the
  budget in that order (a project whose dependency is not yet in, or that an earlier
  choice excludes, is skipped).
- ``"greedy"``: add, one at a time, the affordable project with the best benefit per
  cost given those already chosen, re-solving the network for each; stop when none
  helps.
- ``"brute_force"``: every admissible subset, each a full re-solve; the test oracle
  (refused above :data:`BRUTE_FORCE_MAX` candidates).
- ``"bilevel"``: the design that minimizes the total cost at *user equilibrium* (one
  commodity's class), by exact branch and bound
  (:func:`~connectivity.invest.bilevel.bilevel_prioritize`).

Every other method's portfolio is then evaluated the same way (:func:`~connectivity.
invest.projects.evaluate`: the system optimum with those projects, at one
unserved-demand penalty), so their objectives compare; ``baseline`` is the same with no
project. ``"bilevel"`` measures its objective and baseline at user equilibrium instead.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> demand = cn.load_bundled_demand(net)
>>> p = prioritize(net, demand, budget=1e9, method="milp",
...                projects=["P03", "P13", "P27", "P29"])
>>> p.proved_optimal, p.cost <= 1e9, p.benefit > 0
(True, True, True)
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from connectivity.errors import SolverError
from connectivity.graph import CompiledNetwork
from connectivity.invest.bilevel import bilevel_prioritize
from connectivity.invest.design import solve_design
from connectivity.invest.portfolio import Portfolio
from connectivity.invest.projects import (
    Candidates,
    NetworkDesign,
    candidates,
    evaluate,
    network_design,
)
from connectivity.optimize import SolveStatus
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "BRUTE_FORCE_MAX", "prioritize", "admissible", "stand_alone_ranking"]

METHODS = ("milp", "greedy", "bcr", "brute_force", "bilevel")
#: Most candidates brute force will enumerate (2**16 re-solves).
BRUTE_FORCE_MAX = 16


def admissible(cands: Candidates, chosen: Iterable[int], budget: float) -> bool:
    """Whether ``chosen`` (indices) fits the budget and keeps every dependency and
    exclusion."""
    s = set(chosen)
    if float(sum(cands.cost[j] for j in s)) > budget * (1 + 1e-12):
        return False
    return cands.relations_hold(s)


class _Evaluator:
    """System-optimal total cost per design (plus the charges of its projects, if any),
    each design solved once."""

    def __init__(self, design: NetworkDesign) -> None:
        self.design = design
        self.cache: dict[frozenset[int], float] = {}
        self.charge = design.problem.project_charge

    def __call__(self, chosen: Iterable[int]) -> float:
        key = frozenset(chosen)
        if key not in self.cache:
            a = evaluate(self.design, key)
            if a.solve is None or not a.solve.has_solution:
                raise SolverError(f"system optimum of design {sorted(key)} has no solution")
            self.cache[key] = float(a.solve.objective)
        return self.cache[key] + float(sum(self.charge[j] for j in key))


def _per_cost(gain: float, cost: float) -> float:
    """Benefit per unit of cost; a free project is infinitely good if it helps at all."""
    if cost > 0:
        return gain / cost
    return math.inf if gain > 0 else 0.0


def stand_alone_ranking(c: Candidates, value: Callable[[Iterable[int]], float]
                        ) -> tuple[list[int], dict[int, float]]:
    """Candidates by stand-alone benefit per cost (``value`` of the design with the
    project alone against none), best first (ties by id), and the ratios."""
    base = value([])
    ratio = {j: _per_cost(base - value([j]), float(c.cost[j])) for j in range(len(c.ids))}
    return sorted(ratio, key=lambda j: (-ratio[j], c.ids[j])), ratio


def _bcr(design: NetworkDesign, value: _Evaluator,
         budget: float) -> tuple[set[int], dict[str, Any]]:
    c = design.candidates
    order, ratio = stand_alone_ranking(c, value)
    chosen: set[int] = set()
    for j in order:
        if ratio[j] <= 0:
            break
        if admissible(c, chosen | {j}, budget):
            chosen.add(j)
    return chosen, {"ranking": [c.ids[j] for j in order],
                    "stand_alone_bcr_per_year": {c.ids[j]: ratio[j] for j in order}}


def _greedy(design: NetworkDesign, value: _Evaluator,
            budget: float) -> tuple[set[int], dict[str, Any]]:
    c = design.candidates
    chosen: set[int] = set()
    order: list[str] = []
    while True:
        current = value(chosen)
        best, best_ratio = None, 0.0
        for j in range(len(c.ids)):
            if j in chosen or not admissible(c, chosen | {j}, budget):
                continue
            gain = current - value(chosen | {j})
            r = _per_cost(gain, float(c.cost[j]))
            if r > best_ratio + 1e-12:
                best, best_ratio = j, r
        if best is None:
            return chosen, {"order": order}
        chosen.add(best)
        order.append(c.ids[best])


def _brute_force(design: NetworkDesign, value: _Evaluator,
                 budget: float) -> tuple[set[int], dict[str, Any]]:
    c = design.candidates
    n = len(c.ids)
    if n > BRUTE_FORCE_MAX:
        raise ValueError(f"brute force over {n} candidates is 2**{n} re-solves; at most "
                         f"{BRUTE_FORCE_MAX} candidates")
    best: tuple[float, tuple[int, ...]] = (value([]), ())
    for r in range(1, n + 1):
        for combo in itertools.combinations(range(n), r):
            if admissible(c, combo, budget):
                best = min(best, (value(combo), combo))
    return set(best[1]), {"designs_evaluated": len(value.cache)}


def prioritize(  # noqa: PLR0913 (the keyword options of one analysis)
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    budget: float,
    method: str = "milp",
    projects: Iterable[str] | None = None,
    scenario: Scenario | None = None,
    cost: str = "central",
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
    capital_charge_rate: float | None = None,
    asset_life_years: float = 30.0,
    commodity: str = "container",
    progress: bool | None = None,
    algorithm: str | None = None,
) -> Portfolio:
    """Choose projects within ``budget`` to minimize the system-optimal total cost (or,
    by ``"bilevel"``, the total cost at user equilibrium).

    Parameters
    ----------
    network, demand
        The network and its demand (tonnes per year).
    budget
        Capital budget, USD.
    method
        One of :data:`METHODS` (see the module docstring).
    projects
        Candidate ids (default: every project that is not existing and has a cost).
    scenario
        The base case (closures, carbon price, ...); candidates must not be on in it.
    cost
        ``"central"``, ``"low"`` or ``"high"`` capital costs.
    time_limit, mip_gap
        For ``"milp"``: seconds, and the relative gap at which the search stops
        (default 1e-9); as in :func:`~connectivity.invest.design.solve_design`, ``OPTIMAL`` needs
        a proven gap of at most 1e-9, and a looser stop is ``FEASIBLE``. For
        ``"bilevel"``: seconds of the search (``mip_gap`` does not apply).
    capital_charge_rate, asset_life_years
        When a rate is given, every method weighs each project's yearly charge against
        the savings: its capital cost times the capital recovery factor
        ``r / (1 - (1 + r) ** -life)`` plus its O&M. The budget still binds; projects
        that save less than they cost per year are then left out. Default: no charge
        (the budget alone limits what is built). Not with ``"bilevel"``.
    commodity
        For ``"bilevel"``: the commodity whose value of time and modes price every
        tonne at equilibrium.
    progress
        For ``"milp"`` and ``"bilevel"``: show a bar of the search's nodes, incumbent
        and bound on stderr (``None``: when stderr is a terminal;
        :mod:`connectivity._progress`).
    algorithm
        For ``"bilevel"``: the equilibrium algorithm, ``"bfw"`` (``None``, the default)
        or ``"bush"`` (see :func:`~connectivity.invest.bilevel.bilevel_prioritize`).

    Returns
    -------
    Portfolio
        ``objective`` and ``baseline`` are total generalized cost per year (USD, with
        unserved demand at its penalty); ``bound`` is proven only by ``"milp"``,
        ``"brute_force"`` and ``"bilevel"``.

    Raises
    ------
    ValueError
        For an unknown method, a bad budget or option, or ``capital_charge_rate`` with
        ``"bilevel"``, or ``algorithm`` with another method.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r}; choose one of {', '.join(METHODS)}")
    if not (isinstance(budget, int | float) and budget >= 0 and math.isfinite(budget)):
        raise ValueError(f"budget must be a finite number >= 0, got {budget!r}")
    if method == "bilevel":
        if capital_charge_rate is not None:
            raise ValueError(f"capital_charge_rate={capital_charge_rate!r}: method "
                             "'bilevel' weighs no capital charge; leave it None")
        return bilevel_prioritize(network, demand, budget=budget, projects=projects,
                                  scenario=scenario, commodity=commodity, cost=cost,
                                  time_limit=time_limit, progress=progress,
                                  algorithm=algorithm or "bfw")
    if algorithm is not None:
        raise ValueError(f"algorithm={algorithm!r}: method {method!r} solves no "
                         "equilibrium (it works on the system optimum); use method='bilevel'")
    t0 = time.perf_counter()
    cands = candidates(network, projects, cost=cost)
    charge = None
    if capital_charge_rate is not None:
        r, life = float(capital_charge_rate), float(asset_life_years)
        if not (r > 0 and math.isfinite(r)) or not life > 0:
            raise ValueError(f"capital_charge_rate={capital_charge_rate!r} and "
                             f"asset_life_years={asset_life_years!r} must be > 0")
        charge = cands.cost * r / (1 - (1 + r) ** -life) + cands.opex
    design = network_design(network, demand, cands, float(budget), scenario=scenario,
                            charge=charge)
    value = _Evaluator(design)
    details: dict[str, object] = {"candidates": list(cands.ids), "cost_basis": cost,
                                  "capital_charge_rate": capital_charge_rate}
    bound = math.nan
    status = SolveStatus.FEASIBLE
    if method == "milp":
        sol = solve_design(design.problem, time_limit=time_limit, mip_gap=mip_gap,
                           progress=progress)
        if sol.status not in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT,
                              SolveStatus.FEASIBLE) or not np.isfinite(sol.objective):
            raise SolverError(f"network design MILP: {sol.status.value}: "
                               f"{sol.result.message}")
        chosen = set(sol.selected.tolist())
        bound, status = sol.bound, sol.status
        details |= {"milp_objective": sol.objective, "milp_seconds": sol.seconds,
                    "solver_message": sol.result.message}
    else:
        run: Callable[[NetworkDesign, _Evaluator, float],
                      tuple[set[int], dict[str, Any]]] = {"bcr": _bcr, "greedy": _greedy,
                                                "brute_force": _brute_force}[method]
        chosen, more = run(design, value, float(budget))
        details |= more
        if method == "brute_force":
            status = SolveStatus.OPTIMAL
    objective = value(chosen)
    if method == "brute_force":
        bound = objective
    return Portfolio(
        method=method,
        selected=tuple(sorted(cands.ids[j] for j in chosen)),
        objective=objective,
        baseline=value([]),
        cost=float(sum(cands.cost[j] for j in chosen)),
        budget=float(budget),
        status=status,
        bound=bound,
        seconds=time.perf_counter() - t0,
        evaluations=len(value.cache),
        details=details,
    )
