"""Best-bound branch and bound over designs, shared by the bilevel network design on TNTP
networks (:mod:`connectivity.invest.dndp`) and on networks of tables
(:mod:`connectivity.invest.bilevel`).

The search knows designs only through a
:class:`~connectivity.invest._dndp_core.BoundEvaluator` (a design's value, and a lower
bound on the value of every subset of an open set) and an admissibility rule
(dependencies and exclusions between projects).
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from dataclasses import dataclass
from typing import Literal

from connectivity import _progress
from connectivity.invest._dndp_core import (
    Admissible,
    BoundEvaluator,
    Design,
    FloatArray,
    ProjectTable,
    fits,
    greedy_fill,
)

Branching = Literal["flow", "cost"]


@dataclass(order=True)
class _Node:
    """A node of the search tree: projects fixed in, and projects still free (every
    other project is fixed out). Ordered by the parent's bound, then creation order."""

    bound: float
    order: int
    fixed_in: Design
    free: Design


@dataclass(frozen=True)
class Search:
    """What :func:`branch_and_bound` found.

    ``best`` is the best admissible design within the budget and ``value`` its value;
    ``baseline`` the value of the empty design; ``bound`` the least bound of the
    unexplored and pruned nodes (capped by ``value``); ``exhausted`` whether the tree
    was (then ``best`` is proved optimal); ``nodes`` the nodes expanded; ``warm`` the
    greedy design and ``warm_start_solves`` the solves the scout made for it.
    """

    best: Design
    value: float
    baseline: float
    bound: float
    exhausted: bool
    nodes: int
    warm: Design
    warm_start_solves: int


def check_search_options(*, tol: float, branching: str) -> None:
    """Refuse a bad pruning tolerance or branching rule, naming the value."""
    if not (0 <= tol < 1):
        raise ValueError(f"tol must be in [0, 1), got {tol!r}")
    if branching not in ("flow", "cost"):
        raise ValueError(f"unknown branching {branching!r}; choose flow or cost")


def branch_and_bound(  # noqa: PLR0913 (the evaluators, the budget and the search's rules)
    ev: BoundEvaluator,
    scout: BoundEvaluator,
    budget: float,
    *,
    admissible: Admissible,
    deadline: float,
    tol: float,
    branching: Branching,
    progress: bool | None = None,
) -> Search:
    """The admissible design within ``budget`` of least ``ev.tstt``, best bound first.

    A node fixes projects in (``I``) and out and leaves the rest free (``F``; those
    that no longer fit the remaining budget are fixed out). Its bound is
    ``ev.so_bound(I | F)``, which bounds every design between ``I`` and ``I | F``
    whether or not ``I | F`` itself is admissible (a relaxation). Incumbents are the
    empty design, the greedy design of ``scout`` (:func:`greedy_fill`, which keeps
    each step admissible) and ``I | F`` wherever it fits the budget and is admissible.
    A node is pruned when its bound is at least ``incumbent * (1 - tol)``; branching in
    and out on one free project at a time reaches every design within the budget as
    some node's ``I | F``, so every admissible one is evaluated or pruned. Last, every
    project whose removal leaves the best design admissible and no worse is dropped
    (most expensive first): of equally good designs, the cheaper is returned.

    Parameters
    ----------
    ev
        The evaluator of the search (its table holds the projects).
    scout
        The evaluator of the greedy warm start (``ev`` itself, or one with coarser
        equilibria).
    budget
        The most a design may cost (:func:`~connectivity.invest._dndp_core.fits`).
    admissible
        Whether a design keeps every dependency and exclusion.
    deadline
        A :func:`time.perf_counter` value; the search (and the warm start) stop then.
        The empty design and the root bound are computed whatever the deadline.
    tol
        Relative pruning tolerance.
    branching
        ``"flow"``: branch on the free project with the most system-optimum flow at
        the node (then cost); ``"cost"``: on the most expensive (then flow).
    progress
        Show a bar of the nodes explored, the incumbent and the bound on stderr
        (``None``: when stderr is a terminal, :mod:`connectivity._progress`); the
        equilibria and bounds solved inside show none.

    Returns
    -------
    Search
    """
    with _progress.bar(None, "branch and bound", unit="node", progress=progress) as bar:
        return _search(ev, scout, budget, admissible=admissible, deadline=deadline, tol=tol,
                       branching=branching, bar=bar)


def _search(  # noqa: PLR0913 (branch_and_bound's arguments and its bar)
    ev: BoundEvaluator,
    scout: BoundEvaluator,
    budget: float,
    *,
    admissible: Admissible,
    deadline: float,
    tol: float,
    branching: Branching,
    bar: _progress.Bar,
) -> Search:
    """The search of :func:`branch_and_bound`, counting nodes on ``bar``."""
    table = ev.table
    baseline = ev.tstt(frozenset())
    root = _Node(-math.inf, 0, frozenset(),
                 frozenset(p for p in range(table.n) if fits(float(table.cost[p]), budget)))
    root.bound = ev.so_bound(root.free)[0]
    best: Design = frozenset()
    best_value = baseline
    warm: Design = frozenset()
    scouted = scout.solves
    if time.perf_counter() < deadline:
        warm, _ = greedy_fill(scout, budget, deadline=deadline, admissible=admissible)
        if ev.tstt(warm) < best_value:
            best, best_value = warm, ev.tstt(warm)
    scouted = scout.solves - scouted
    heap = [root]
    counter = itertools.count(1)
    pruned = math.inf  # least bound of a pruned node
    nodes = 0
    while heap and time.perf_counter() < deadline:
        node = heapq.heappop(heap)
        if node.bound >= best_value * (1 - tol):
            pruned = min(pruned, node.bound)
            continue
        nodes += 1
        bar.update(incumbent=best_value,
                   bound=min(best_value, pruned, node.bound, *(n.bound for n in heap[:1])))
        spent = table.cost_of(node.fixed_in)
        free = frozenset(p for p in node.free if fits(spent + float(table.cost[p]), budget))
        opened = node.fixed_in | free
        bound, flow = ev.so_bound(opened, best_value * (1 - tol))
        if bound >= best_value * (1 - tol):
            pruned = min(pruned, bound)
            continue
        if (fits(table.cost_of(opened), budget) and admissible(opened)
                and ev.tstt(opened) < best_value):
            best, best_value = opened, ev.tstt(opened)
        if not free:
            continue  # the node is the one design `opened`, just considered
        p = _branch_project(table, free, flow, branching)
        for child_in in (node.fixed_in | {p}, node.fixed_in):
            heapq.heappush(heap, _Node(bound, next(counter), child_in, free - {p}))
    best, best_value = _trim(ev, best, best_value, admissible, deadline)
    lower = min([best_value, pruned, *(n.bound for n in heap)])
    return Search(best=best, value=best_value, baseline=baseline, bound=lower,
                  exhausted=not heap, nodes=nodes, warm=warm, warm_start_solves=scouted)


def _trim(ev: BoundEvaluator, design: Design, value: float, admissible: Admissible,
          deadline: float) -> tuple[Design, float]:
    """Among equally good designs, the cheaper: drop, most expensive first, each project
    whose removal keeps the design admissible and its value no higher (a project that
    changes nothing for the demand, kept by the search because it fitted the budget)."""
    table = ev.table
    for p in sorted(design, key=lambda q: (-float(table.cost[q]), q)):
        if time.perf_counter() >= deadline:
            break
        smaller = design - {p}
        if admissible(smaller) and ev.tstt(smaller) <= value:
            design, value = smaller, ev.tstt(smaller)
    return design, value


def _branch_project(table: ProjectTable, free: Design, flow: FloatArray,
                    branching: Branching) -> int:
    """The free project to branch on: most SO flow (then cost), or most cost (then flow);
    the lowest index breaks what remains tied."""

    def key(p: int) -> tuple[float, float, int]:
        c, f = float(table.cost[p]), float(flow[p])
        return (f, c, -p) if branching == "flow" else (c, f, -p)

    return max(free, key=key)
