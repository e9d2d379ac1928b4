"""Scenarios: planning scenarios from files, run one at a time or by the hundred, compared.

- :mod:`~connectivity.scenarios.spec`: the scenario file (TOML): :class:`ScenarioSpec`
  (the network's :class:`~connectivity.tables.Scenario` plus demand :class:`Growth` and
  :class:`Analyses`), :func:`read_spec`, :func:`read_specs`, :func:`bundled_scenarios`;
- :mod:`~connectivity.scenarios.validate`: specs checked against a network and its
  demand before anything runs (:func:`check_specs`);
- :mod:`~connectivity.scenarios.figures`: the key figures of an assignment, the main
  corridors (:data:`MAIN_CORRIDORS`) and crossings;
- :mod:`~connectivity.scenarios.run`: :func:`run_scenario`, one :class:`ScenarioResult`;
- :mod:`~connectivity.scenarios.sweeps`: :func:`sweep` over any executor (in process, a
  local process pool, a Dask cluster: :func:`dask_executor`), the network compiled once
  per worker;
- :mod:`~connectivity.scenarios.montecarlo`: :func:`monte_carlo`, one scenario over
  drawn demand growth and border dwell: distributions of the key figures
  (:func:`summary`) and how often each project portfolio is the cheapest
  (:func:`portfolio_summary`);
- :mod:`~connectivity.scenarios.compare`: results side by side (:func:`comparison`),
  their JSON and CSV;
- :mod:`~connectivity.scenarios.resilience`: :func:`criticality`, which links,
  crossings, ports or countries matter most (each removed as a mask on the compiled
  arrays), a :class:`CriticalityResult`;
- :mod:`~connectivity.scenarios.attribution`: :func:`select_link`, which OD flows by
  commodity use an element, a :class:`SelectLinkResult`.

Example
-------
>>> from connectivity.scenarios import bundled_scenarios, read_specs, sweep, comparison
>>> results = sweep(read_specs(bundled_scenarios()[:2]))
>>> list(comparison(results).columns)
['baseline', 'afghan_transit']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.scenarios.attribution import (
        SELECT_LINK_METHODS,
        SelectLinkResult,
        select_link,
    )
    from connectivity.scenarios.compare import comparison, comparison_csv, results_json
    from connectivity.scenarios.figures import MAIN_CORRIDORS, Corridor, key_figures, main_crossings
    from connectivity.scenarios.montecarlo import (
        Draw,
        MonteCarloResult,
        draw_figures,
        draw_inputs,
        monte_carlo,
        montecarlo_json,
        portfolio_costs,
        portfolio_summary,
        summary,
    )
    from connectivity.scenarios.resilience import (
        CRITICALITY_METHODS,
        ELEMENT_KINDS,
        CriticalityResult,
        criticality,
    )
    from connectivity.scenarios.run import ScenarioResult, grow_demand, run_scenario
    from connectivity.scenarios.spec import (
        ASSIGNMENT_METHODS,
        Analyses,
        Growth,
        RouteQuery,
        ScenarioSpec,
        SkimQuery,
        bundled_scenarios,
        read_spec,
        read_specs,
        spec_from_mapping,
    )
    from connectivity.scenarios.sweeps import NetworkSource, dask_executor, sweep
    from connectivity.scenarios.validate import check_specs, spec_problems
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "attribution": ("SELECT_LINK_METHODS", "SelectLinkResult", "select_link"),
        "compare": ("comparison", "comparison_csv", "results_json"),
        "figures": ("MAIN_CORRIDORS", "Corridor", "key_figures", "main_crossings"),
        "montecarlo": (
            "Draw", "MonteCarloResult", "draw_figures", "draw_inputs", "monte_carlo",
            "montecarlo_json", "portfolio_costs", "portfolio_summary", "summary",
        ),
        "resilience": ("CRITICALITY_METHODS", "ELEMENT_KINDS", "CriticalityResult", "criticality"),
        "run": ("ScenarioResult", "grow_demand", "run_scenario"),
        "spec": (
            "ASSIGNMENT_METHODS", "Analyses", "Growth", "RouteQuery", "ScenarioSpec", "SkimQuery",
            "bundled_scenarios", "read_spec", "read_specs", "spec_from_mapping",
        ),
        "sweeps": ("NetworkSource", "dask_executor", "sweep"),
        "validate": ("check_specs", "spec_problems"),
    })

__all__ = [
    "ScenarioSpec",
    "Growth",
    "Analyses",
    "RouteQuery",
    "SkimQuery",
    "ASSIGNMENT_METHODS",
    "read_spec",
    "read_specs",
    "spec_from_mapping",
    "bundled_scenarios",
    "check_specs",
    "spec_problems",
    "Corridor",
    "MAIN_CORRIDORS",
    "main_crossings",
    "key_figures",
    "ScenarioResult",
    "run_scenario",
    "grow_demand",
    "NetworkSource",
    "sweep",
    "dask_executor",
    "comparison",
    "comparison_csv",
    "results_json",
    "monte_carlo",
    "MonteCarloResult",
    "Draw",
    "draw_inputs",
    "draw_figures",
    "summary",
    "portfolio_costs",
    "portfolio_summary",
    "montecarlo_json",
    "criticality",
    "CriticalityResult",
    "CRITICALITY_METHODS",
    "ELEMENT_KINDS",
    "select_link",
    "SelectLinkResult",
    "SELECT_LINK_METHODS",
]
