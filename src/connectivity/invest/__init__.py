"""Investment prioritization: which candidate projects to fund, and when.

- :mod:`connectivity.invest.portfolio`: :class:`Portfolio`, the result of every method.
- :mod:`connectivity.invest.design`: the budgeted network-design MILP on arrays
  (:func:`design_problem`, :func:`solve_design`).
- :mod:`connectivity.invest.projects`: candidate projects of a network
  (:func:`candidates`) and the design problem they make (:func:`network_design`,
  :func:`evaluate`).
- :mod:`connectivity.invest.methods`: :func:`prioritize` by ``milp``, ``greedy``,
  ``bcr``, ``brute_force`` or ``bilevel``.
- :mod:`connectivity.invest.bilevel`: the bilevel network design under user equilibrium
  on a network of tables (:func:`bilevel_prioritize`, ``prioritize(method="bilevel")``).
- :mod:`connectivity.invest.phasing`: :func:`phase`, what to build in which period.
- :mod:`connectivity.invest.benefits`: a design's yearly cost by component
  (:func:`annual_measures`), benefits between designs, and :func:`appraise_projects`
  on the network.
- :mod:`connectivity.invest.dndp`: the bilevel network design under user equilibrium on
  TNTP networks (:func:`bilevel_design`, :func:`evaluate_design`,
  :func:`brute_force_design`); :mod:`connectivity.invest.dndp_baselines`: its greedy and
  ranking baselines; :mod:`connectivity.invest.dndp_milp`: its system-optimal design
  MILP (:func:`milp_design`, a design and a lower bound).
- :mod:`connectivity.invest.appraisal`: economic appraisal of a project or portfolio
  (:func:`cash_flows`, :func:`appraise`, :func:`appraise_portfolio`; NPV, BCR, EIRR,
  payback) and :func:`npv`, :func:`irr`, :func:`rate_of_return` on any flows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.invest.appraisal import (
        COMPONENTS,
        Appraisal,
        Benefits,
        CashFlows,
        PortfolioAppraisal,
        ProjectCosts,
        RateOfReturn,
        appraise,
        appraise_portfolio,
        cash_flows,
        irr,
        npv,
        rate_of_return,
    )
    from connectivity.invest.benefits import (
        AnnualMeasures,
        annual_measures,
        appraise_projects,
        benefits_between,
    )
    from connectivity.invest.bilevel import bilevel_prioritize
    from connectivity.invest.design import (
        DesignProblem,
        DesignSolution,
        design_lp,
        design_problem,
        solve_design,
    )
    from connectivity.invest.dndp import bilevel_design, brute_force_design, evaluate_design
    from connectivity.invest.dndp_baselines import bcr_design, greedy_design
    from connectivity.invest.dndp_milp import milp_design
    from connectivity.invest.methods import METHODS, admissible, prioritize
    from connectivity.invest.phasing import phase
    from connectivity.invest.portfolio import Portfolio
    from connectivity.invest.projects import (
        Candidates,
        NetworkDesign,
        candidates,
        evaluate,
        network_design,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "appraisal": (
            "COMPONENTS", "Appraisal", "Benefits", "CashFlows", "PortfolioAppraisal",
            "ProjectCosts", "RateOfReturn", "appraise", "appraise_portfolio", "cash_flows", "irr",
            "npv", "rate_of_return",
        ),
        "benefits": ("AnnualMeasures", "annual_measures", "appraise_projects", "benefits_between"),
        "bilevel": ("bilevel_prioritize",),
        "design": (
            "DesignProblem", "DesignSolution", "design_lp", "design_problem", "solve_design",
        ),
        "dndp": ("bilevel_design", "brute_force_design", "evaluate_design"),
        "dndp_baselines": ("bcr_design", "greedy_design"),
        "dndp_milp": ("milp_design",),
        "methods": ("METHODS", "admissible", "prioritize"),
        "phasing": ("phase",),
        "portfolio": ("Portfolio",),
        "projects": ("Candidates", "NetworkDesign", "candidates", "evaluate", "network_design"),
    })

__all__ = [
    "Portfolio",
    "DesignProblem",
    "DesignSolution",
    "design_problem",
    "design_lp",
    "solve_design",
    "phase",
    "bilevel_design",
    "brute_force_design",
    "evaluate_design",
    "bcr_design",
    "greedy_design",
    "milp_design",
    "AnnualMeasures",
    "annual_measures",
    "benefits_between",
    "appraise_projects",
    "Candidates",
    "NetworkDesign",
    "candidates",
    "network_design",
    "evaluate",
    "METHODS",
    "admissible",
    "prioritize",
    "bilevel_prioritize",
    "COMPONENTS",
    "ProjectCosts",
    "Benefits",
    "CashFlows",
    "RateOfReturn",
    "Appraisal",
    "PortfolioAppraisal",
    "cash_flows",
    "appraise",
    "appraise_portfolio",
    "npv",
    "irr",
    "rate_of_return",
]
