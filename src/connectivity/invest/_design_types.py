"""The design problem and its solution as data (shared by the two algorithms of
:func:`connectivity.invest.design.solve_design`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from connectivity.assign.problems import FlowProblem
from connectivity.optimize import SolveResult, SolveStatus

__all__ = ["DesignProblem", "DesignSolution"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class DesignProblem:
    """A flow problem with candidate projects (built by :func:`design_problem`).

    Attributes
    ----------
    flow
        The flow problem over all edges (original and gated copies).
    gated_edges, gate_start, gate_projects
        Each gated edge and, in CSR form, the projects it needs (all of them).
    group_add_start, group_add_project, group_add_amount
        Per capacity group of ``flow``, in CSR form: projects adding capacity, and how
        much (tonnes per year).
    project_cost, budget
        Capital cost per project and the budget.
    project_charge
        What building a project adds to the objective per year (its annualized capital
        and operating cost when the design weighs them against the savings; zeros
        otherwise).
    depends
        Pairs ``(p, q)``: ``p`` needs ``q``.
    excludes
        Pairs ``(p, q)``: not both.
    """

    flow: FlowProblem
    gated_edges: IntArray
    gate_start: IntArray
    gate_projects: IntArray
    group_add_start: IntArray
    group_add_project: IntArray
    group_add_amount: FloatArray
    project_cost: FloatArray
    budget: float
    depends: IntArray
    excludes: IntArray
    project_charge: FloatArray

    @property
    def n_projects(self) -> int:
        """Number of candidate projects."""
        return int(self.project_cost.shape[0])


@dataclass(frozen=True)
class DesignSolution:
    """A solve of a :class:`DesignProblem`.

    ``selected`` holds the indices of the built projects (sorted; empty when no point
    was found), ``objective`` the flow model's total with them and ``bound`` the
    solver's proven lower bound over all designs; ``status`` is the solver's.
    ``flow`` is the flow per edge of the design problem (all classes), when there is a
    point.
    """

    selected: IntArray
    objective: float
    bound: float
    status: SolveStatus
    seconds: float
    result: SolveResult
    flow: FloatArray | None
