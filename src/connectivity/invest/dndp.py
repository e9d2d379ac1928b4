"""The bilevel discrete network design problem (DNDP) on TNTP networks.

Given a TNTP network, its trips and candidate projects
(:class:`~connectivity.io.CandidateLinks`; a project's cost is the sum of its links'
costs), choose the projects within a budget that minimize the total system travel time
(TSTT, ``sum(flow * time)``) at user equilibrium (UE). The planner leads, the users
follow: adding a link can raise the UE TSTT (Braess's paradox), so the best design is
not always "as much as the budget buys".

- :func:`evaluate_design`: the UE TSTT of one design;
- :func:`bilevel_design`: exact branch and bound on system-optimum lower bounds;
- :func:`brute_force_design`: every design within the budget (small sets only; the
  oracle of the tests).

The benefit-cost ranking and the greedy heuristic are in
:mod:`connectivity.invest.dndp_baselines`. Every method returns a
:class:`~connectivity.invest.portfolio.Portfolio` whose ``objective`` is the UE TSTT of
the selected design and ``baseline`` the UE TSTT with no project, both solved to the
relative gap ``gap`` (``details`` holds the UE and SO solve counts).

Example
-------
Braess's network: the bridge 3 -> 4 raises the equilibrium TSTT from 504 to 553.8, so
the best use of any budget is to leave it unbuilt.

>>> import numpy as np
>>> from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
>>> a = lambda *v: np.array(v, dtype=float)
>>> net = TntpNetwork(2, 4, 3, np.array([1, 3, 1, 4]), np.array([3, 2, 4, 2]),
...                   a(1, 1, 1, 1), a(1, 5, 5, 1), a(1, 50, 50, 1), a(10, .02, .02, 10),
...                   a(1, 1, 1, 1), a(0, 0, 0, 0), a(0, 0, 0, 0), np.ones(4, dtype=int))
>>> trips = TntpTrips(2, a([0, 6], [0, 0]))
>>> bridge = CandidateLinks(["BRIDGE"], [3], [4], [1.0], [1.0], [10.0], [0.1], [1.0], [5.0])
>>> round(evaluate_design(net, trips, bridge, ["BRIDGE"]), 2)
553.85
>>> p = bilevel_design(net, trips, bridge, 10.0)
>>> p.selected, round(p.objective, 2), p.proved_optimal
((), 504.0, True)
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable

from connectivity.invest._bnb import Branching, branch_and_bound, check_search_options
from connectivity.invest._dndp_core import (
    Design,
    DesignEvaluator,
    always_admissible,
    check_method_options,
    fits,
    project_table,
)
from connectivity.invest.portfolio import Portfolio
from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
from connectivity.optimize import SolveStatus

__all__ = [
    "evaluate_design",
    "bilevel_design",
    "brute_force_design",
    "BRUTE_FORCE_MAX_PROJECTS",
    "WARM_START_GAP",
    "Branching",
]

#: :func:`brute_force_design` refuses more projects than this (2**16 equilibria).
BRUTE_FORCE_MAX_PROJECTS = 16
#: Relative gap of the equilibria the greedy warm start of :func:`bilevel_design` ranks
#: projects with (its design is then solved to the requested gap like any other).
WARM_START_GAP = 1e-4


def evaluate_design(
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    selected: Iterable[str],
    *,
    gap: float = 1e-6,
    demand_factor: float = 1.0,
    algorithm: str = "bfw",
) -> float:
    """UE total system travel time with the selected projects' links added.

    Parameters
    ----------
    net, trips
        The existing network and its demand (TNTP conventions as in
        :func:`~connectivity.assign.tntp_equilibrium`: BPR per link, zones below the
        first through node not passed through).
    cands
        The candidate links.
    selected
        Project ids to build (any order; none for the existing network).
    gap
        Relative gap the equilibrium is solved to.
    demand_factor
        Multiplies every entry of the trip matrix.
    algorithm
        The equilibrium algorithm (see
        :func:`~connectivity.assign.equilibrium.user_equilibrium`): ``"bfw"`` (default)
        or ``"bush"`` for gaps of 1e-8 and below, where designs closer than a loose
        gap's noise are told apart.

    Returns
    -------
    float
        ``sum(flow * time)`` at equilibrium; ``inf`` when some demand has no path.

    Raises
    ------
    UnknownIdError
        For a project id not in ``cands`` (naming the nearest one).
    SolverError
        If the equilibrium does not reach ``gap`` within its iteration limit.

    Examples
    --------
    See the module example.
    """
    check_method_options(0.0, gap=gap, demand_factor=demand_factor, algorithm=algorithm)
    table = project_table(cands)
    design = table.design_of(selected)
    return DesignEvaluator(net, trips, cands, table, gap=gap, demand_factor=demand_factor,
                           algorithm=algorithm).tstt(design)


def bilevel_design(  # noqa: PLR0913 (the network, the budget and keyword options)
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    budget: float,
    *,
    gap: float = 1e-6,
    time_limit: float | None = None,
    demand_factor: float = 1.0,
    tol: float = 1e-6,
    branching: Branching = "flow",
    algorithm: str = "bfw",
) -> Portfolio:
    """The design within ``budget`` with the least UE TSTT, by branch and bound.

    A node of the tree fixes projects in (``I``) and out, and leaves the rest free
    (``F``). Its lower bound is the system-optimum (SO) TSTT with ``I | F`` open: the SO
    TSTT never rises when links are added and never exceeds the UE TSTT, so it bounds
    every design of the node. The bound is made rigorous by the Frank-Wolfe bound of
    the convex SO problem (``f(x) + grad f(x) . (y - x)``, ``y`` the all-or-nothing
    load on the marginal costs at the SO flows ``x``), not the approximate SO TSTT.
    Free projects that no longer fit the remaining budget are fixed out. Upper bounds
    are UE TSTTs of designs: the empty design, the greedy design (warm start, ranked
    on equilibria solved to :data:`WARM_START_GAP`) and ``I | F`` wherever it fits the
    budget. Nodes are explored best bound first; a node is pruned when its bound is at
    least ``incumbent * (1 - tol)``; one with no free project is its design ``I``,
    evaluated at UE. The SO bound of an open set is first solved to a relative gap of
    1e-4 and solved again to ``gap`` only when that could prune the node.

    "Proved optimal" means: the tree was exhausted, so every design within the budget
    was either bounded below by a rigorous SO bound of at least ``(1 - tol)`` times the
    returned TSTT, or evaluated at UE to the relative gap ``gap`` with a TSTT no lower
    than the returned one. The TSTTs compared are those of equilibria solved to
    ``gap``, not exact equilibria: two designs closer than the accuracy of such an
    equilibrium are not told apart.

    Parameters
    ----------
    net, trips, cands
        As in :func:`evaluate_design`.
    budget
        The most the selected projects may cost together.
    gap
        Relative gap of every UE and SO solve.
    time_limit
        Seconds; stop the search then and report ``TIME_LIMIT`` with the best design
        found and the best bound. The empty design and the root bound are computed
        whatever the limit, so the bound is always finite when the base network
        carries the demand.
    demand_factor
        Multiplies every entry of the trip matrix.
    tol
        Relative pruning tolerance (see above).
    branching
        ``"flow"``: branch on the free project whose links carry the most SO flow at
        the node; ``"cost"``: on the most expensive free project.
    algorithm
        Equilibrium algorithm of every UE and SO solve, as in :func:`evaluate_design`
        (``"bush"`` with a small ``gap`` tells close designs apart).

    Returns
    -------
    Portfolio
        ``method="bilevel"``, ``status`` ``OPTIMAL`` only when the tree was exhausted,
        ``bound`` the least bound of the unexplored and pruned nodes (capped by the
        objective), ``evaluations`` every UE and SO solve; ``details`` has
        ``ue_solves`` and ``so_solves`` (of the search), ``warm_start_solves`` (of the
        greedy warm start), ``nodes``, ``tol``, ``gap``, ``branching``, ``warm_start``
        (the greedy design), ``demand_factor`` and ``algorithm``.

    Raises
    ------
    ValueError
        For a bad budget, gap, tolerance, time limit or branching rule.
    SolverError
        If an equilibrium does not reach ``gap`` within its iteration limit.

    Examples
    --------
    See the module example.
    """
    start = time.perf_counter()
    check_method_options(budget, gap=gap, demand_factor=demand_factor, time_limit=time_limit,
                         algorithm=algorithm)
    check_search_options(tol=tol, branching=branching)
    deadline = math.inf if time_limit is None else start + time_limit
    table = project_table(cands)
    ev = DesignEvaluator(net, trips, cands, table, gap=gap, demand_factor=demand_factor,
                         algorithm=algorithm)
    # the greedy ranking needs no fine equilibria: it only proposes a design
    scout = DesignEvaluator(net, trips, cands, table, gap=max(gap, WARM_START_GAP),
                            demand_factor=demand_factor, algorithm=algorithm)
    found = branch_and_bound(ev, scout, budget, admissible=always_admissible,
                             deadline=deadline, tol=tol, branching=branching)
    return Portfolio(
        method="bilevel", selected=table.ids_of(found.best), objective=found.value,
        baseline=found.baseline, cost=table.cost_of(found.best), budget=float(budget),
        status=SolveStatus.OPTIMAL if found.exhausted else SolveStatus.TIME_LIMIT,
        bound=found.bound, seconds=time.perf_counter() - start,
        evaluations=ev.solves + scout.solves,
        details={"ue_solves": ev.ue_solves, "so_solves": ev.so_solves,
                 "warm_start_solves": found.warm_start_solves, "nodes": found.nodes,
                 "tol": tol, "gap": gap, "branching": branching, "algorithm": algorithm,
                 "warm_start": list(table.ids_of(found.warm)),
                 "demand_factor": demand_factor},
    )


def brute_force_design(
    net: TntpNetwork,
    trips: TntpTrips,
    cands: CandidateLinks,
    budget: float,
    *,
    gap: float = 1e-6,
    demand_factor: float = 1.0,
    algorithm: str = "bfw",
) -> Portfolio:
    """Every design within ``budget`` solved at UE; the one with the least TSTT.

    Exhaustive, hence ``OPTIMAL`` (among equilibria solved to ``gap``); meant as a
    reference on small candidate sets. Ties go to the cheaper design, then to the
    first in sorted order of ids.

    Parameters
    ----------
    net, trips, cands, budget, gap, demand_factor, algorithm
        As in :func:`bilevel_design`.

    Returns
    -------
    Portfolio
        ``method="brute_force"``, ``bound`` equal to ``objective``, ``evaluations`` the
        number of designs solved; ``details["designs"]`` the same.

    Raises
    ------
    ValueError
        With more than :data:`BRUTE_FORCE_MAX_PROJECTS` projects, or a bad option.

    Examples
    --------
    >>> import numpy as np
    >>> from connectivity.io import CandidateLinks, TntpNetwork, TntpTrips
    >>> a = lambda *v: np.array(v, dtype=float)
    >>> net = TntpNetwork(2, 2, 1, np.array([1]), np.array([2]), a(10), a(1), a(10),
    ...                   a(1), a(1), a(0), a(0), np.array([1]))
    >>> cands = CandidateLinks(["FAST", "SLOW"], [1, 1], [2, 2], [10.0, 10.0], [1.0, 1.0],
    ...                        [5.0, 8.0], [1.0, 1.0], [1.0, 1.0], [3.0, 1.0])
    >>> p = brute_force_design(net, TntpTrips(2, a([0, 10], [0, 0])), cands, 3.0)
    >>> p.selected, round(p.objective, 3), p.proved_optimal, p.evaluations
    (('FAST',), 100.0, True, 3)
    """
    start = time.perf_counter()
    check_method_options(budget, gap=gap, demand_factor=demand_factor, algorithm=algorithm)
    table = project_table(cands)
    if table.n > BRUTE_FORCE_MAX_PROJECTS:
        raise ValueError(
            f"brute force over {table.n} projects would solve up to 2**{table.n} "
            f"equilibria; it is limited to {BRUTE_FORCE_MAX_PROJECTS} projects (use "
            "bilevel_design)")
    ev = DesignEvaluator(net, trips, cands, table, gap=gap, demand_factor=demand_factor,
                         algorithm=algorithm)
    baseline = ev.tstt(frozenset())
    best: tuple[float, float, tuple[str, ...]] = (baseline, 0.0, ())
    best_design: Design = frozenset()
    for k in range(1, table.n + 1):
        for combo in itertools.combinations(range(table.n), k):
            cost = table.cost_of(combo)
            if not fits(cost, budget):
                continue
            design = frozenset(combo)
            key = (ev.tstt(design), cost, table.ids_of(design))
            if key < best:
                best, best_design = key, design
    return Portfolio(
        method="brute_force", selected=table.ids_of(best_design), objective=best[0],
        baseline=baseline, cost=best[1], budget=float(budget), status=SolveStatus.OPTIMAL,
        bound=best[0], seconds=time.perf_counter() - start, evaluations=ev.solves,
        details={"designs": ev.ue_solves, "ue_solves": ev.ue_solves, "so_solves": 0,
                 "gap": gap, "demand_factor": demand_factor, "algorithm": algorithm},
    )
