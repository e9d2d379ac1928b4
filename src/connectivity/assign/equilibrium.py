"""User equilibrium (Wardrop) assignment on arrays, by Frank-Wolfe and its variants.

Links carry a volume-delay function: BPR on ordinary links and a capped M/M/1 queueing
delay on border crossings (see :mod:`connectivity.assign.vdf` for the exact forms; both are
increasing and convex, so the Beckmann objective is convex and the equilibrium link
flows are unique). The generalized cost of a link follows the TNTP convention::

    cost = time(flow) + toll_factor * toll + distance_factor * length

Algorithms: ``"fw"`` Frank-Wolfe, ``"cfw"`` conjugate and ``"bfw"`` biconjugate
Frank-Wolfe (Mitradjieva & Lindberg 2013, *Transportation Science* 47(2)). Each iteration
loads the demand all-or-nothing on the current shortest-path trees
(:func:`connectivity.paths.all_or_nothing`) and takes an exact line search (bisection on
the derivative of the Beckmann objective). ``"bush"``: Dial's Algorithm B, origin-based
(:mod:`connectivity.assign.bush`), which converges to machine precision where the
Frank-Wolfe family stalls near a gap of 1e-6.

The relative gap is ``(TSTT - SPTT) / TSTT`` in generalized cost, where TSTT is the sum
of flow x cost over links and SPTT the cost of sending all demand on current shortest
paths (the all-or-nothing flow times cost). It is reported after every iteration, with
the average excess cost ``(TSTT - SPTT) / total demand``.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from connectivity import _progress, paths
from connectivity.assign.bush import BushState, solve_bushes
from connectivity.assign.problems import (
    EquilibriumProblem,
    equilibrium_problem,
    interzonal_demand,
    zone_sinks,
)
from connectivity.assign.vdf import VolumeDelay
from connectivity.errors import SolverError

__all__ = ["Algorithm", "EquilibriumResult", "LoadHistory", "user_equilibrium", "ALGORITHMS",
           "equilibrium_problem", "volume_delay"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Algorithm = Literal["fw", "cfw", "bfw", "bush"]
ALGORITHMS: tuple[str, ...] = ("fw", "cfw", "bfw", "bush")


@dataclass(frozen=True)
class LoadHistory:
    """The all-or-nothing loads of an equilibrium run and how they combine into its flow.

    Every Frank-Wolfe variant moves the flow towards a mix of all-or-nothing loads, so
    its flow is a weighted sum of them: ``flow == sum(weights[i] * load_i)`` (to
    rounding), where ``load_i`` is the demand loaded all-or-nothing on the shortest paths
    at edge costs ``costs[i]``. Path flows follow: each load's paths carry its weight
    (what select-link analysis needs; the equilibrium itself fixes only edge flows).

    Attributes
    ----------
    costs
        ``n_loads x n_edges``: the edge costs each load was taken at.
    weights
        ``n_loads``: non-negative, summing to 1.
    """

    costs: FloatArray
    weights: FloatArray


@dataclass(frozen=True)
class EquilibriumResult:
    """Result of a user-equilibrium assignment.

    Attributes
    ----------
    flow
        Flow on each edge.
    time
        Travel time on each edge at that flow.
    cost
        Generalized cost on each edge (time plus toll and distance terms).
    tstt
        Total system travel time, ``sum(flow * time)``.
    beckmann
        Beckmann objective, in generalized-cost units.
    relative_gap
        Relative gap after each iteration (its last entry is the final gap).
    beckmann_history
        Beckmann objective of the flows on which each gap was measured.
    iterations
        Number of iterations run (all-or-nothing loads after the initial one; for
        ``"bush"``, updates of every bush).
    seconds
        Wall time.
    converged
        Whether the requested gap was reached.
    algorithm
        ``"fw"``, ``"cfw"``, ``"bfw"`` or ``"bush"``.
    loads
        With ``keep_loads=True``: the loads whose weighted sum is ``flow``
        (:class:`LoadHistory`); ``None`` otherwise.
    intrazonal
        Total demand whose origin is its destination: not assigned (the TNTP
        convention), so in no flow, total or gap.
    average_excess_cost
        ``(TSTT - SPTT) / total demand`` after each iteration, beside each gap.
    state
        ``"bush"`` only: the bushes and origin flows, to warm-start another run
        (:class:`~connectivity.assign.bush.BushState`); ``None`` otherwise.
    """

    flow: FloatArray
    time: FloatArray
    cost: FloatArray
    tstt: float
    beckmann: float
    relative_gap: FloatArray
    beckmann_history: FloatArray
    iterations: int
    seconds: float
    converged: bool
    algorithm: str
    loads: LoadHistory | None = None
    intrazonal: float = 0.0
    average_excess_cost: FloatArray = field(default_factory=lambda: np.zeros(0))
    state: BushState | None = None

    @property
    def gap(self) -> float:
        """The final relative gap."""
        return float(self.relative_gap[-1]) if self.relative_gap.size else math.inf


def user_equilibrium(
    problem: EquilibriumProblem,
    *,
    algorithm: Algorithm | str = "bfw",
    gap: float = 1e-4,
    max_iter: int = 500,
    keep_loads: bool = False,
    progress: bool | None = None,
    method: str = "auto",
    warm_start: EquilibriumResult | BushState | None = None,
) -> EquilibriumResult:
    """Assign demand to user equilibrium with volume-delay functions.

    Parameters
    ----------
    problem
        The network, volume-delay parameters and demand (:func:`equilibrium_problem`).
    algorithm
        ``"fw"``, ``"cfw"``, ``"bfw"`` (default) or ``"bush"`` (Algorithm B: for gaps
        below 1e-6, e.g. 1e-10 when a project's benefit is a small difference of two
        equilibria).
    gap
        Stop when the relative gap is at most this.
    max_iter
        Stop after this many iterations in any case.
    keep_loads
        Keep the cost vector of every all-or-nothing load and its weight in the flow
        (``result.loads``, one ``n_edges`` vector per iteration). Not with ``"bush"``.
    progress
        Show a bar of the iterations and the relative gap on stderr: ``None`` (default)
        when stderr is a terminal and no outer search shows its own
        (:mod:`connectivity._progress`), or always / never.
    method
        How each all-or-nothing load finds its shortest paths: ``"dijkstra"``,
        ``"hierarchy"`` (a contraction hierarchy, ordered and contracted once and
        re-customized with each iteration's costs) or ``"auto"`` (default: the
        hierarchy where a cost model predicts it faster, see
        :func:`connectivity.paths.all_or_nothing`), or ``"numpy"`` (no compiled kernel
        in the loads nor the line search: for one-off runs on tiny networks, see
        :func:`connectivity.paths.numpy_pays`). For ``"bush"``, how the gap's shortest
        paths are found.
    warm_start
        ``"bush"`` only: start from a previous bush result (or its ``state``) on a
        problem with the same edges, origins, destinations and demand (costs and
        capacities may differ).

    Returns
    -------
    EquilibriumResult
        Demand cells whose origin is their destination (intrazonal trips) are not
        assigned; their total is ``result.intrazonal``.

    Raises
    ------
    ValueError
        For an unknown algorithm or a bad option; the message names it and its value.
    NoRouteError
        When positive demand has no path.

    Examples
    --------
    Two parallel roads, 10 units of demand; at equilibrium both take the same time:

    >>> p = equilibrium_problem([0, 0], [1, 1], [1.0, 2.0], [5.0, 5.0], [0], [1], [[10.0]],
    ...                         alpha=1.0, beta=1.0)
    >>> r = user_equilibrium(p, gap=1e-8)
    >>> r.flow.round(4).tolist(), abs(round(float(r.time[0] - r.time[1]), 6))
    ([8.3333, 1.6667], 0.0)
    """
    t0_clock = time.perf_counter()
    _check_options(algorithm, gap, max_iter, numpy=method == "numpy",
                   bush=algorithm == "bush" or warm_start is not None)
    if algorithm == "bush" or warm_start is not None:
        return _bush(problem, gap=gap, max_iter=max_iter, keep_loads=keep_loads,
                     progress=progress, method=method, warm_start=warm_start,
                     algorithm=str(algorithm), t0_clock=t0_clock)
    p = problem
    m = p.n_edges
    vdf = volume_delay(p)
    t, o, q = p.tail, p.origins, interzonal_demand(p)
    h, d, n_nodes = zone_sinks(p)
    graph = paths.from_arrays(t, h, vdf.cost(np.zeros(m)), n_nodes)

    def load(costs: FloatArray) -> FloatArray:
        # reweighted graphs share the structure: a hierarchy is contracted once
        return paths.all_or_nothing(paths.reweight(graph, costs), o, d, q, method=method)

    x = load(vdf.cost(np.zeros(m)))
    history = _History(vdf.cost(np.zeros(m))) if keep_loads else None
    gaps: list[float] = []
    excess: list[float] = []
    objectives: list[float] = []
    total = float(q.sum())
    prev_s: FloatArray | None = None  # previous target s_{k-1}
    prev2_s: FloatArray | None = None  # s_{k-2}
    prev_step = 1.0
    prev2_step = 1.0
    converged = False
    it = 0
    with _progress.bar(max_iter, "equilibrium", progress=progress) as bar:
        for it in range(1, max_iter + 1):
            c = vdf.cost(x)
            y = load(c)
            tstt_gc = _dot(c, x)
            sptt = _dot(c, y)
            if not (math.isfinite(tstt_gc) and math.isfinite(sptt)):
                # never a gap of 0 from an infinite or undefined total: that would fake
                # convergence (the inputs are finite; a cost overflowed on the way)
                raise SolverError(
                    f"equilibrium iteration {it}: total cost {tstt_gc!r} against "
                    f"shortest-path cost {sptt!r} is not finite; check the volume-delay "
                    "parameters and the demand for values that overflow"
                )
            rel = (tstt_gc - sptt) / tstt_gc if tstt_gc > 0 else 0.0
            gaps.append(max(rel, 0.0))
            excess.append(max(tstt_gc - sptt, 0.0) / total if total > 0 else 0.0)
            objectives.append(float(vdf.integral(x).sum()))
            bar.update(gap=gaps[-1])
            if rel <= gap:
                converged = True
                it -= 1  # this load only measured the gap
                break
            target, mix = y, _PLAIN
            if algorithm != "fw" and prev_s is not None and prev_step < 1.0:
                hess = vdf.derivative(x)
                if algorithm == "bfw" and prev2_s is not None and prev2_step < 1.0:
                    target, mix = _biconjugate(x, y, prev_s, prev2_s, prev_step, hess)
                else:
                    target, mix = _conjugate(x, y, prev_s, hess)
                if _dot(c, target - x) >= 0.0:  # not a descent direction: plain FW
                    target, mix = y, _PLAIN
            direction = target - x
            step = _line_search(vdf, x, direction, numpy=method == "numpy")
            x = x + step * direction
            if history is not None:
                history.move(c, mix, step)
            prev2_s, prev_s = prev_s, target
            prev2_step, prev_step = prev_step, step
            logger.debug("iteration %d: relative gap %.3e, step %.4f", it, rel, step)

    seconds = time.perf_counter() - t0_clock
    logger.info("user equilibrium (%s): %d iterations, relative gap %.3g, %s, %.2f s",
                algorithm, it, gaps[-1] if gaps else math.inf,
                "converged" if converged else "not converged", seconds)
    tt = vdf.time(x)
    return EquilibriumResult(
        flow=x,
        time=tt,
        cost=tt + p.fixed_cost,
        tstt=_dot(x, tt),
        beckmann=float(vdf.integral(x).sum()),
        relative_gap=np.asarray(gaps),
        beckmann_history=np.asarray(objectives),
        iterations=it,
        seconds=seconds,
        converged=converged,
        algorithm=str(algorithm),
        loads=history.result() if history is not None else None,
        intrazonal=p.intrazonal,
        average_excess_cost=np.asarray(excess),
    )


def _check_options(algorithm: str, gap: float, max_iter: int, *, numpy: bool = False,
                   bush: bool = False) -> None:
    if numpy and bush:
        raise ValueError("method='numpy' is for the Frank-Wolfe algorithms (fw, cfw, bfw); "
                         "the bush algorithm runs compiled kernels anyway")
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
    if not (gap >= 0):
        raise ValueError(f"gap must be >= 0, got {gap!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter!r}")


def _bush(  # noqa: PLR0913 (user_equilibrium's options, passed on)
    problem: EquilibriumProblem, *, gap: float, max_iter: int, keep_loads: bool,
    progress: bool | None, method: str, algorithm: str,
    warm_start: EquilibriumResult | BushState | None, t0_clock: float,
) -> EquilibriumResult:
    """:func:`user_equilibrium` by Algorithm B."""
    if algorithm != "bush":
        raise ValueError(f"warm_start is for algorithm='bush', not {algorithm!r}")
    if keep_loads:
        raise ValueError("keep_loads=True: the bush algorithm keeps no all-or-nothing "
                         "loads; use algorithm='fw', 'cfw' or 'bfw'")
    if isinstance(warm_start, EquilibriumResult):
        if warm_start.state is None:
            raise ValueError(f"warm_start is a result of algorithm "
                             f"{warm_start.algorithm!r}, which has no bushes; give a "
                             "result of algorithm='bush'")
        warm_start = warm_start.state
    p = problem
    vdf = volume_delay(p)
    with _progress.bar(max_iter, "equilibrium (bush)", progress=progress) as bar:
        run = solve_bushes(p, vdf, gap=gap, max_iter=max_iter, warm_start=warm_start,
                           method=method, report=lambda g: bar.update(gap=g))
    seconds = time.perf_counter() - t0_clock
    logger.info("user equilibrium (bush): %d iterations, relative gap %.3g, %s, %.2f s",
                run.iterations, run.relative_gap[-1],
                "converged" if run.converged else "not converged", seconds)
    x = run.flow
    tt = vdf.time(x)
    return EquilibriumResult(
        flow=x, time=tt, cost=tt + p.fixed_cost, tstt=_dot(x, tt),
        beckmann=float(vdf.integral(x).sum()), relative_gap=run.relative_gap,
        beckmann_history=run.beckmann, iterations=run.iterations, seconds=seconds,
        converged=run.converged, algorithm="bush", intrazonal=p.intrazonal,
        average_excess_cost=run.average_excess_cost, state=run.state,
    )


def volume_delay(problem: EquilibriumProblem) -> VolumeDelay:
    """The volume-delay functions of ``problem``'s edges, as :func:`user_equilibrium`
    prices them (an edge with infinite capacity keeps its free-flow time).

    Examples
    --------
    >>> p = equilibrium_problem([0], [1], [2.0], [np.inf], [0], [1], [[5.0]])
    >>> volume_delay(p).time(np.array([100.0])).tolist()
    [2.0]
    """
    p = problem
    uncongested = np.isinf(p.capacity)
    return VolumeDelay(
        p.free_flow_time,
        np.where(uncongested, 1.0, p.capacity),
        np.where(uncongested, 0.0, p.alpha),
        p.beta,
        p.queue,
        np.where(uncongested, 0.0, p.service_time),
        p.rho_max,
        p.fixed_cost,
    )


def _dot(a: FloatArray, b: FloatArray) -> float:
    """Dot product without BLAS.

    Right after the parallel all-or-nothing kernel, a BLAS dot of 40k elements took
    about 3.6 ms here against 0.07 ms for this (measured on 2 cores: OpenBLAS's threads
    wake up while numba's are still spinning).
    """
    return float(np.einsum("i,i->", a, b))


#: Weights of a target on the new load, the previous target and the one before.
Mix = tuple[float, float, float]
_PLAIN: Mix = (1.0, 0.0, 0.0)


class _History:
    """The loads' costs, and the weights of the loads in the flow and in the last two
    targets (every update of the flow is linear in them; see :class:`LoadHistory`)."""

    def __init__(self, first_costs: FloatArray) -> None:
        self.costs = [first_costs]
        self.x = np.ones(1)
        self.s1 = np.zeros(1)
        self.s2 = np.zeros(1)

    def move(self, costs: FloatArray, mix: Mix, step: float) -> None:
        """A new load at ``costs``; the flow moves by ``step`` towards the target ``mix``."""
        self.costs.append(costs)
        x, s1, s2 = (np.append(w, 0.0) for w in (self.x, self.s1, self.s2))
        new = np.zeros_like(x)
        new[-1] = 1.0
        target = mix[0] * new + mix[1] * s1 + mix[2] * s2
        self.x = x + step * (target - x)
        self.s2, self.s1 = s1, target

    def result(self) -> LoadHistory:
        return LoadHistory(costs=np.vstack(self.costs), weights=self.x)


def _conjugate(
    x: FloatArray, y: FloatArray, s_prev: FloatArray, hess: FloatArray
) -> tuple[FloatArray, Mix]:
    """Conjugate FW target: mix of the previous target and the new AON point."""
    u = s_prev - x
    num = float(np.sum(hess * u * (y - x)))
    den = float(np.sum(hess * u * (y - s_prev)))
    alpha = num / den if den != 0 else 0.0
    alpha = min(max(alpha, 0.0), 0.99)
    return alpha * s_prev + (1.0 - alpha) * y, (1.0 - alpha, alpha, 0.0)


def _biconjugate(
    x: FloatArray,
    y: FloatArray,
    s1: FloatArray,
    s2: FloatArray,
    tau: float,
    hess: FloatArray,
) -> tuple[FloatArray, Mix]:
    """Biconjugate FW target from the two previous targets (Mitradjieva & Lindberg)."""
    dbar = tau * s1 - x + (1.0 - tau) * s2
    den_mu = float(np.sum(hess * dbar * (s2 - s1)))
    if den_mu == 0:
        return _conjugate(x, y, s1, hess)
    mu = max(-float(np.sum(hess * dbar * (y - x))) / den_mu, 0.0)
    u = s1 - x
    den_nu = float(np.sum(hess * u * u))
    if den_nu == 0:
        return _conjugate(x, y, s1, hess)
    nu = max(mu * tau / (1.0 - tau) - float(np.sum(hess * u * (y - x))) / den_nu, 0.0)
    b0 = 1.0 / (1.0 + mu + nu)
    return b0 * y + nu * b0 * s1 + mu * b0 * s2, (b0, nu * b0, mu * b0)


def _line_search(vdf: VolumeDelay, x: FloatArray, direction: FloatArray, *,
                 numpy: bool = False) -> float:
    """Exact step in [0, 1]: the root of d/dstep Beckmann(x + step * direction).

    The slope ``f(step) = cost(x + step d) . d`` is increasing (costs are increasing in
    flow), so a root is bracketed once ``f(0) < 0 < f(1)``. Newton steps on ``f``, with
    ``f'(step) = sum(cost'(x + step d) * d ** 2)``, kept inside the bracket (bisection
    when a step would leave it), converge in a handful of evaluations where plain
    bisection took about 40.
    """
    if not direction.any():
        return 0.0
    f_hi = vdf.slope(x, direction, 1.0, numpy=numpy)[0]
    if f_hi <= 0.0:
        return 1.0
    f_lo = vdf.slope(x, direction, 0.0, numpy=numpy)[0]
    if f_lo >= 0.0:
        return 0.0
    lo, hi = 0.0, 1.0
    step = f_lo / (f_lo - f_hi)  # secant through the bracket's ends
    for _ in range(100):
        f, fp = vdf.slope(x, direction, step, numpy=numpy)
        if f == 0.0:
            return step
        if f > 0.0:
            hi = step
        else:
            lo = step
        nxt = step - f / fp if fp > 0.0 else 0.5 * (lo + hi)
        if not lo < nxt < hi:
            nxt = 0.5 * (lo + hi)
        if abs(nxt - step) <= 1e-13 or hi - lo <= 1e-13:
            return nxt
        step = nxt
    return step
