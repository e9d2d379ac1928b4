"""Assignment: freight flows on the network, and the flow models on arrays beneath them.

On the network (tables or compiled), each method returns one :class:`Assignment`:

- :mod:`~connectivity.assign.freight`: :func:`assign_aon`, :func:`assign_system_optimum`,
  :func:`assign_equilibrium` (and its arrays, :func:`equilibrium_inputs`);
- :mod:`~connectivity.assign.assignment`: :class:`Assignment`, flows mapped back to
  links, crossings and terminals.

On arrays, each solver takes one validated problem object:

- :mod:`~connectivity.assign.problems`: :class:`FlowProblem` (:func:`flow_problem`) and
  :class:`EquilibriumProblem` (:func:`equilibrium_problem`);
- :mod:`~connectivity.assign.sysopt`: :func:`system_optimum`, by the arc LP
  (:mod:`~connectivity.assign.arcs`: :func:`build_system_optimum`,
  :func:`solve_system_optimum`, :func:`flow_lp`) or path column generation
  (:mod:`~connectivity.assign.colgen`, on the path arrays of
  :mod:`~connectivity.assign.pathsets`); the result is a :class:`SystemOptimum`;
- :mod:`~connectivity.assign.equilibrium`: :func:`user_equilibrium` by Frank-Wolfe,
  conjugate and biconjugate Frank-Wolfe, or by the bush-based Algorithm B
  (:mod:`~connectivity.assign.bush`, to gaps of 1e-10 and below, warm-started from a
  :class:`BushState`), with the volume-delay functions of
  :mod:`~connectivity.assign.vdf` (:func:`volume_delay` of a problem);
- :mod:`~connectivity.assign.tntp`: :func:`tntp_equilibrium` (and the problem it solves,
  :func:`tntp_problem`) for TNTP research networks.

Example
-------
>>> from connectivity import assign
>>> p = assign.flow_problem([0, 0], [1, 1], [1.0, 3.0], [0], [1], [10.0],
...                         capacity=[4.0, 9.0], unserved_penalty=100.0)
>>> assign.system_optimum(p).flow.tolist()
[4.0, 6.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.assign.arcs import (
        FlowLayout,
        SystemOptimumModel,
        build_system_optimum,
        flow_lp,
        solve_system_optimum,
    )
    from connectivity.assign.assignment import Assignment
    from connectivity.assign.bush import BushState
    from connectivity.assign.colgen import PathSolution, path_system_optimum, solve_paths
    from connectivity.assign.equilibrium import (
        ALGORITHMS,
        EquilibriumResult,
        LoadHistory,
        user_equilibrium,
        volume_delay,
    )
    from connectivity.assign.freight import (
        SERVICE_UNIT_T,
        EquilibriumInputs,
        assign_aon,
        assign_equilibrium,
        assign_system_optimum,
        default_unserved_penalty,
        equilibrium_inputs,
    )
    from connectivity.assign.optimum import SystemOptimum
    from connectivity.assign.problems import (
        EquilibriumProblem,
        FlowProblem,
        equilibrium_problem,
        flow_problem,
    )
    from connectivity.assign.sysopt import FORMULATIONS, system_optimum
    from connectivity.assign.tntp import tntp_equilibrium, tntp_problem
    from connectivity.assign.vdf import VolumeDelay
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "arcs": (
            "FlowLayout", "SystemOptimumModel", "build_system_optimum", "flow_lp",
            "solve_system_optimum",
        ),
        "assignment": ("Assignment",),
        "bush": ("BushState",),
        "colgen": ("PathSolution", "path_system_optimum", "solve_paths"),
        "equilibrium": (
            "ALGORITHMS", "EquilibriumResult", "LoadHistory", "user_equilibrium", "volume_delay",
        ),
        "freight": (
            "SERVICE_UNIT_T", "EquilibriumInputs", "assign_aon", "assign_equilibrium",
            "assign_system_optimum", "default_unserved_penalty", "equilibrium_inputs",
        ),
        "optimum": ("SystemOptimum",),
        "problems": ("EquilibriumProblem", "FlowProblem", "equilibrium_problem", "flow_problem"),
        "sysopt": ("FORMULATIONS", "system_optimum"),
        "tntp": ("tntp_equilibrium", "tntp_problem"),
        "vdf": ("VolumeDelay",),
    })

__all__ = [
    "Assignment",
    "assign_aon",
    "assign_system_optimum",
    "default_unserved_penalty",
    "assign_equilibrium",
    "EquilibriumInputs",
    "equilibrium_inputs",
    "SERVICE_UNIT_T",
    "FlowProblem",
    "flow_problem",
    "EquilibriumProblem",
    "equilibrium_problem",
    "SystemOptimum",
    "system_optimum",
    "FORMULATIONS",
    "FlowLayout",
    "flow_lp",
    "SystemOptimumModel",
    "build_system_optimum",
    "solve_system_optimum",
    "PathSolution",
    "solve_paths",
    "path_system_optimum",
    "EquilibriumResult",
    "LoadHistory",
    "user_equilibrium",
    "volume_delay",
    "ALGORITHMS",
    "BushState",
    "VolumeDelay",
    "tntp_equilibrium",
    "tntp_problem",
]
