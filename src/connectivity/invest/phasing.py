"""Multi-period phasing: what to build when, with a budget per period and growing demand.

Periods start in given years (``[2026, 2030, 2035]``); the last lasts ``last_years``.
A project started in period ``s`` spends its capital cost from that period's budget
and opens in the first period that starts at least ``lead_time_years`` later; it may
not start before its ``earliest_year``. Demand in period ``t`` is the given demand
grown at ``growth`` per year from the first period's year. The objective is the
discounted sum over periods of the system-optimal total cost per year times the
period's discounted years.

:func:`phase` solves it exactly as one MILP: one copy of the network-design model per
period (:mod:`connectivity.invest.design`) with its own flows, tied by one binary per
project and start period. The ranking schedule (the practitioners' way: rank by
stand-alone benefit per cost in the first period, then fill each period's budget in that
order among the projects that may start) is evaluated the same way, and both are
reported.

Example
-------
>>> import connectivity as cn
>>> net = cn.load_bundled()
>>> p = phase(net, cn.load_bundled_demand(net), periods=[2026, 2030], budgets=5e8,
...           projects=["P03", "P13", "P27", "P29"])
>>> p.proved_optimal, set(p.schedule.values()) <= {2026, 2030}
(True, True)
>>> p.objective <= p.details["ranking_objective"] * (1 + 1e-6)
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from connectivity.errors import SolverError
from connectivity.graph import CompiledNetwork
from connectivity.invest.design import design_lp
from connectivity.invest.methods import _Evaluator, admissible, stand_alone_ranking
from connectivity.invest.portfolio import Portfolio
from connectivity.invest.projects import (
    Candidates,
    NetworkDesign,
    candidates,
    network_design,
)
from connectivity.optimize import ArrayLP, SolveStatus, check_options, solve_highs
from connectivity.tables import Network, Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["phase"]


def _weights(periods: Sequence[int], last_years: int, rate: float) -> np.ndarray:
    ends = [*periods[1:], periods[-1] + last_years]
    y0 = periods[0]
    return np.array([sum((1 + rate) ** -(y - y0) for y in range(a, b))
                     for a, b in zip(periods, ends, strict=True)])


def _opens(c: Candidates, periods: Sequence[int]) -> np.ndarray:
    """``opens[j, s, t]``: started in period ``s``, project ``j`` is open in ``t``;
    ``False`` throughout for start periods before its earliest year."""
    n, m = len(c.ids), len(periods)
    out = np.zeros((n, m, m), dtype=bool)
    for j in range(n):
        lead = float(c.lead_time_years[j])
        for s in range(m):
            if np.isfinite(c.earliest_year[j]) and periods[s] < c.earliest_year[j]:
                continue
            for t in range(s, m):
                out[j, s, t] = periods[t] >= periods[s] + lead
    return out


def _check(periods: Sequence[int], budgets: float | Sequence[float]) -> list[float]:
    if len(periods) < 1 or any(b <= a for a, b in zip(periods, periods[1:], strict=False)):
        raise ValueError(f"periods must be increasing years, got {list(periods)}")
    per = [float(budgets)] * len(periods) if isinstance(budgets, int | float) else [
        float(b) for b in budgets]
    if len(per) != len(periods):
        raise ValueError(f"budgets has {len(per)} entries for {len(periods)} periods")
    if any(not (b >= 0 and math.isfinite(b)) for b in per):
        raise ValueError(f"budgets must be finite and >= 0, got {per}")
    return per


def _milp(designs: list[NetworkDesign], w: np.ndarray, opens: np.ndarray,
          budgets: list[float], c: Candidates, time_limit: float | None,
          mip_gap: float) -> tuple[dict[int, int], float, float, SolveStatus, str]:
    """The joint MILP; returns start period per built project, objective, bound,
    status and the solver's message."""
    n, m = len(c.ids), len(designs)
    blocks = [design_lp(d.problem)[0] for d in designs]
    sizes = [int(b.cost.shape[0]) for b in blocks]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    mats = [sp.csr_matrix((b.row_value, b.row_index, b.row_start),
                          shape=(b.row_lower.shape[0], b.cost.shape[0])) for b in blocks]
    n_main = int(offsets[-1])
    n_col = n_main + n * m  # + start binaries b[j, s]
    diag = sp.block_diag(mats, format="csr")
    diag = sp.hstack([diag, sp.csr_matrix((diag.shape[0], n * m))], format="csr")
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0
    for t in range(m):  # y[j, t] = sum of b[j, s] that open it by t
        y0 = offsets[t] + sizes[t] - n
        for j in range(n):
            rows.append(r)
            cols.append(int(y0 + j))
            vals.append(1.0)
            for s in np.flatnonzero(opens[j, :, t]).tolist():
                rows.append(r)
                cols.append(n_main + j * m + s)
                vals.append(-1.0)
            lo.append(0.0)
            hi.append(0.0)
            r += 1
    for j in range(n):  # started at most once
        rows += [r] * m
        cols += [n_main + j * m + s for s in range(m)]
        vals += [1.0] * m
        lo.append(-np.inf)
        hi.append(1.0)
        r += 1
    for s in range(m):  # each period's budget
        rows += [r] * n
        cols += [n_main + j * m + s for j in range(n)]
        vals += c.cost.tolist()
        lo.append(-np.inf)
        hi.append(budgets[s])
        r += 1
    link = sp.csr_matrix((vals, (rows, cols)), shape=(r, n_col))
    full = sp.vstack([diag, link], format="csr")
    full.sort_indices()
    never = ~opens.any(axis=2).reshape(-1)  # start periods that open nothing
    lp = ArrayLP(
        cost=np.concatenate([*(w[t] * blocks[t].cost for t in range(m)), np.zeros(n * m)]),
        col_lower=np.zeros(n_col),
        col_upper=np.concatenate([*(b.col_upper for b in blocks),
                                  np.where(never, 0.0, 1.0)]),
        row_start=full.indptr.astype(np.int64),
        row_index=full.indices.astype(np.int64),
        row_value=full.data.astype(np.float64),
        row_lower=np.concatenate([*(b.row_lower for b in blocks), lo]),
        row_upper=np.concatenate([*(b.row_upper for b in blocks), hi]),
        integer=np.concatenate([*(b.integer for b in blocks if b.integer is not None),
                                np.ones(n * m, dtype=bool)]),
    )
    sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap)
    res = sol.result
    if sol.x is None:
        raise SolverError(f"phasing MILP: {res.status.value}: {res.message}")
    starts = sol.x[n_main:].reshape(n, m) > 0.5
    start = {j: int(np.flatnonzero(starts[j])[0]) for j in range(n) if starts[j].any()}
    return start, res.objective, res.bound, res.status, res.message


def _ranking_schedule(solves: list[_Evaluator], opens: np.ndarray,
                      budgets: list[float], c: Candidates) -> dict[int, int]:
    order, ratio = stand_alone_ranking(c, solves[0])
    start: dict[int, int] = {}
    for s, budget in enumerate(budgets):
        left = budget
        for j in (j for j in order if ratio[j] > 0):
            if j in start or not opens[j, s].any() or c.cost[j] > left * (1 + 1e-12):
                continue
            if admissible(c, [*start, j], math.inf):
                start[j] = s
                left -= float(c.cost[j])
    return start


def _value(solves: list[_Evaluator], w: np.ndarray, opens: np.ndarray,
           start: dict[int, int]) -> tuple[float, list[float]]:
    per = [value([j for j, s in start.items() if opens[j, s, t]])
           for t, value in enumerate(solves)]
    return float(np.dot(w, per)), per


def phase(  # noqa: PLR0913 (the keyword options of one analysis)
    network: Network | CompiledNetwork,
    demand: pd.DataFrame,
    *,
    periods: Sequence[int],
    budgets: float | Sequence[float],
    growth: float = 0.03,
    rate: float = 0.06,
    last_years: int = 10,
    projects: Sequence[str] | None = None,
    scenario: Scenario | None = None,
    cost: str = "central",
    time_limit: float | None = None,
    mip_gap: float = 1e-9,
) -> Portfolio:
    """Decide what to build in which period (see the module docstring).

    Returns
    -------
    Portfolio
        ``schedule`` maps each built project to the year its period starts;
        ``objective`` and ``baseline`` are discounted sums of yearly total cost over
        the periods (USD, base = first period); ``details`` has the per-period totals,
        the ranking schedule and its value, and the schedule's gain over it.
    """
    per = _check(periods, budgets)
    check_options("highs", time_limit=time_limit, mip_gap=mip_gap)
    if not rate > -1 or not growth > -1:
        raise ValueError(f"rate and growth must be > -1, got {rate!r} and {growth!r}")
    t0 = time.perf_counter()
    cands = candidates(network, projects, cost=cost)
    designs = []
    for y in periods:
        grown = demand.copy()
        grown["tonnes_per_year"] = grown["tonnes_per_year"] * (1 + growth) ** (y - periods[0])
        designs.append(network_design(network, grown, cands, sum(per), scenario=scenario))
    w = _weights(periods, last_years, rate)
    opens = _opens(cands, periods)
    start, obj, bound, status, message = _milp(designs, w, opens, per, cands, time_limit,
                                               mip_gap)
    solves = [_Evaluator(d) for d in designs]  # each design solved once per period
    value, by_period = _value(solves, w, opens, start)
    ranked = _ranking_schedule(solves, opens, per, cands)
    ranked_value, ranked_by_period = _value(solves, w, opens, ranked)
    baseline, base_by_period = _value(solves, w, opens, {})
    details: dict[str, Any] = {
        "periods": list(periods), "budgets": per, "weights": w.tolist(),
        "milp_objective": obj, "solver_message": message,
        "objective_by_period": by_period, "baseline_by_period": base_by_period,
        "ranking_schedule": {cands.ids[j]: periods[s] for j, s in sorted(ranked.items())},
        "ranking_objective": ranked_value, "ranking_objective_by_period": ranked_by_period,
        "gain_over_ranking": ranked_value - value,
    }
    return Portfolio(
        method="phased",
        selected=tuple(sorted(cands.ids[j] for j in start)),
        objective=value,
        baseline=baseline,
        cost=float(sum(cands.cost[j] for j in start)),
        budget=float(sum(per)),
        status=status,
        bound=bound,
        seconds=time.perf_counter() - t0,
        evaluations=sum(len(v.cache) for v in solves),
        schedule={cands.ids[j]: int(periods[s]) for j, s in sorted(start.items())},
        details=details,
    )
