"""The one result type of every prioritization method: :class:`Portfolio`.

A portfolio is the set of projects a method selects (and, for phasing, when each is
built), the measure it minimizes with and without them, what they cost, and how well
the method proved its choice: ``status`` is ``OPTIMAL`` only when the method proved
that no other admissible design within the budget does better; a heuristic, a ranking
or a time-limited search reports ``FEASIBLE`` or ``TIME_LIMIT`` with the best bound it
has (``nan`` when it has none) and the gap to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectivity.optimize import SolveStatus, relative_gap

__all__ = ["Portfolio"]


@dataclass(frozen=True)
class Portfolio:
    """Projects selected by one method, with the evidence for the choice.

    Attributes
    ----------
    method
        The method's name (``"milp"``, ``"bilevel"``, ``"greedy"``, ``"bcr"``, ...).
    selected
        Project ids, sorted.
    objective
        The measure the method minimizes (total system cost or travel time, per year)
        with the selected projects, evaluated the method's way.
    baseline
        The same measure with no project.
    cost
        Capital cost of the selected projects.
    budget
        The budget the method was given.
    status
        :class:`~connectivity.optimize.SolveStatus`; ``OPTIMAL`` only when proved.
    bound
        Best proven lower bound on ``objective`` over all admissible designs
        (``nan`` when the method has none).
    seconds
        Wall time of the method.
    evaluations
        Full re-solves of the flow model the method made (one per design evaluated).
    schedule
        Project id -> period (year) in which it is built; empty unless phased.
    details
        Method-specific figures (per-period objectives, the ranking order, ...).
    """

    method: str
    selected: tuple[str, ...]
    objective: float
    baseline: float
    cost: float
    budget: float
    status: SolveStatus
    bound: float
    seconds: float
    evaluations: int = 0
    schedule: Mapping[str, int] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if tuple(sorted(self.selected)) != tuple(self.selected):
            object.__setattr__(self, "selected", tuple(sorted(self.selected)))

    @property
    def benefit(self) -> float:
        """``baseline - objective``: what the selected projects save per year."""
        return self.baseline - self.objective

    @property
    def gap(self) -> float:
        """:func:`~connectivity.optimize.relative_gap` of ``objective`` and ``bound``
        (``inf`` when there is no bound)."""
        return relative_gap(self.objective, self.bound)

    @property
    def proved_optimal(self) -> bool:
        """Whether the method proved this portfolio optimal."""
        return self.status is SolveStatus.OPTIMAL

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: floats as floats (``None`` for ``nan``/``inf``), status by name."""

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "method": self.method,
            "selected": list(self.selected),
            "objective": num(self.objective),
            "baseline": num(self.baseline),
            "benefit": num(self.benefit),
            "cost": num(self.cost),
            "budget": num(self.budget),
            "status": self.status.value,
            "proved_optimal": self.proved_optimal,
            "bound": num(self.bound),
            "gap": num(self.gap),
            "seconds": self.seconds,
            "evaluations": self.evaluations,
            "schedule": dict(self.schedule),
            "details": dict(self.details),
        }
