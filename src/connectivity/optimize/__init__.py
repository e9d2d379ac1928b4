"""The solver layer: one status, one result, one gap, whichever solver runs.

Works on PuLP models and on array models; knows nothing of networks.

- :mod:`~connectivity.optimize.result`: :class:`SolveStatus`, :class:`SolveResult`,
  :func:`relative_gap` (the one gap definition), :func:`check_options` (the one check
  of ``solver``, ``time_limit`` and ``mip_gap``), :func:`check_solution`;
- :mod:`~connectivity.optimize.solver`: :func:`solve` any PuLP model with HiGHS or CBC;
  :func:`solve_array_model` for a PuLP model built from arrays;
- :mod:`~connectivity.optimize.arrays`: :class:`ArrayLP`, a model as arrays;
- :mod:`~connectivity.optimize.feasibility`: :func:`point_violation`, the check of every
  returned point against the rows and bounds (:data:`FEASIBILITY_TOL`);
- :mod:`~connectivity.optimize.highs`: :func:`solve_highs`, the HiGHS driver on arrays;
- :mod:`~connectivity.optimize.cbc`: CBC with its status read from its own report;
- :mod:`~connectivity.optimize.pulp_model`: :func:`arrays_to_pulp`, a PuLP model from
  an :class:`ArrayLP` in one pass, and :func:`pulp_to_arrays` back.

Example
-------
>>> import pulp
>>> from connectivity import optimize
>>> prob = pulp.LpProblem("tiny", pulp.LpMinimize)
>>> x = prob.add_variable("x", lowBound=1)
>>> prob += 2 * x
>>> optimize.solve(prob).status
<SolveStatus.OPTIMAL: 'optimal'>
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.optimize.arrays import ArrayLP
    from connectivity.optimize.feasibility import FEASIBILITY_TOL, point_violation
    from connectivity.optimize.highs import ArraySolution, quiet_stdout, solve_highs
    from connectivity.optimize.pulp_model import PulpArrayModel, arrays_to_pulp, pulp_to_arrays
    from connectivity.optimize.result import (
        SOLVERS,
        SolveResult,
        SolverName,
        SolveStatus,
        check_options,
        check_solution,
        relative_gap,
    )
    from connectivity.optimize.solver import solve, solve_array_model
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "arrays": ("ArrayLP",),
        "feasibility": ("FEASIBILITY_TOL", "point_violation"),
        "highs": ("ArraySolution", "quiet_stdout", "solve_highs"),
        "pulp_model": ("PulpArrayModel", "arrays_to_pulp", "pulp_to_arrays"),
        "result": (
            "SOLVERS", "SolveResult", "SolverName", "SolveStatus", "check_options",
            "check_solution", "relative_gap",
        ),
        "solver": ("solve", "solve_array_model"),
    })

__all__ = [
    "SOLVERS",
    "SolverName",
    "SolveStatus",
    "SolveResult",
    "relative_gap",
    "check_options",
    "check_solution",
    "solve",
    "solve_array_model",
    "ArrayLP",
    "ArraySolution",
    "solve_highs",
    "quiet_stdout",
    "PulpArrayModel",
    "arrays_to_pulp",
    "pulp_to_arrays",
    "FEASIBILITY_TOL",
    "point_violation",
]
