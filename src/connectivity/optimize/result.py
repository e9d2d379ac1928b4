"""What a solve produced, in the library's own terms: one status enum, one result type.

Every solver path (HiGHS through highspy, CBC through PuLP, the column generation of
the system optimum) reports a :class:`SolveResult`. Its status comes from the solver's
*own* report, never from PuLP's mapping (PuLP 3.3 maps CBC's "Stopped on time" to
``Optimal``); a time-limited run is never reported as optimal.

Status meanings
---------------
``OPTIMAL``
    proven optimal within the solver's default tolerances.
``FEASIBLE``
    a feasible point, not proven optimal: stopped at the requested ``mip_gap`` or at an
    iteration / node limit; ``gap`` says how far from the bound.
``TIME_LIMIT``
    the time limit was reached. ``objective`` is the incumbent (``nan`` if none).
``INFEASIBLE``, ``UNBOUNDED``, ``ERROR``
    as named; no point is returned.

The gap
-------
One definition everywhere (:func:`relative_gap`)::

    gap = |objective - bound| / max(|objective|, 1e-10)

``inf`` when there is no point or no finite bound, ``0`` when the two are equal.

Examples
--------
>>> relative_gap(105.0, 100.0)
0.047619047619047616
>>> check_options("highs", time_limit=10.0, mip_gap=0.01)
>>> check_options("gurobi", time_limit=None, mip_gap=None)
Traceback (most recent call last):
...
ValueError: unknown solver 'gurobi'; choose one of highs, cbc
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from connectivity.errors import InfeasibleModelError, SolverError

__all__ = [
    "SolveStatus",
    "SolveResult",
    "SolverName",
    "SOLVERS",
    "relative_gap",
    "check_options",
    "check_solution",
]

SolverName = Literal["highs", "cbc"]
SOLVERS: tuple[str, ...] = ("highs", "cbc")


class SolveStatus(enum.Enum):
    """Outcome of a solve, as the solver reported it."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


def relative_gap(objective: float, bound: float) -> float:
    """``|objective - bound| / max(|objective|, 1e-10)``; ``inf`` unless both are finite."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.inf
    return abs(objective - bound) / max(abs(objective), 1e-10)


@dataclass(frozen=True)
class SolveResult:
    """What a solve produced.

    Attributes
    ----------
    status
        The library's status (see the module docstring).
    objective
        Objective value of the returned point (``nan`` when there is none).
    bound
        Best proven bound (equals ``objective`` for an optimal LP; ``nan`` if unknown).
    gap
        :func:`relative_gap` of ``objective`` and ``bound`` (``0`` for an optimal LP,
        ``inf`` when there is no point or no bound).
    seconds
        Wall time of the solve, including handing the model over.
    solver
        ``"highs"`` or ``"cbc"``.
    message
        The solver's own words about how it stopped.
    """

    status: SolveStatus
    objective: float
    bound: float
    gap: float
    seconds: float
    solver: str
    message: str

    @property
    def has_solution(self) -> bool:
        """Whether a feasible point came back (and was loaded into the model's variables)."""
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE) or (
            self.status is SolveStatus.TIME_LIMIT and math.isfinite(self.objective)
        )

    def with_seconds(self, seconds: float) -> SolveResult:
        """The same result with another wall time (e.g. including the model build)."""
        return replace(self, seconds=seconds)


def check_options(solver: str, *, time_limit: float | None, mip_gap: float | None) -> None:
    """Refuse an unknown solver name or a bad ``time_limit`` / ``mip_gap``, naming the value.

    Every solving function calls this before building anything, so a bad option fails
    fast with the same message everywhere.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if time_limit is not None and not (
        isinstance(time_limit, numbers.Real) and not isinstance(time_limit, bool)
        and time_limit > 0 and math.isfinite(time_limit)
    ):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    if mip_gap is not None and not (
        isinstance(mip_gap, numbers.Real) and not isinstance(mip_gap, bool) and 0 <= mip_gap < 1
    ):
        raise ValueError(f"mip_gap must be in [0, 1), got {mip_gap!r}")


def check_solution(result: SolveResult, *, model: str, families: Iterable[str] = ()) -> None:
    """Raise if ``result`` carries no usable point; the message names what to look at.

    Parameters
    ----------
    result
        Outcome of a solve.
    model
        What was solved, for the message (``"system-optimum model"``).
    families
        Constraint families worth inspecting when the model is infeasible.

    Raises
    ------
    InfeasibleModelError
        If the solver proved the model infeasible.
    SolverError
        If it is unbounded, failed, or stopped without a feasible point.

    Examples
    --------
    >>> ok = SolveResult(SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, "highs", "")
    >>> check_solution(ok, model="tiny")
    """
    fams = list(families)
    if result.status is SolveStatus.INFEASIBLE:
        where = f"; look at these constraint families: {', '.join(fams)}" if fams else ""
        raise InfeasibleModelError(
            f"{model} is infeasible ({result.solver}: {result.message}){where}"
        )
    if result.status is SolveStatus.UNBOUNDED:
        raise SolverError(
            f"{model} is unbounded ({result.solver}: {result.message}); "
            "look for a variable with a negative cost and no upper bound"
        )
    if not result.has_solution:
        raise SolverError(
            f"{model}: {result.solver} returned no feasible point "
            f"(status {result.status.value}: {result.message})"
        )
