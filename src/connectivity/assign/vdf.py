"""Volume-delay functions on arrays: time, its integral (Beckmann) and its derivative.

BPR on ordinary links::

    t(v) = t0 * (1 + alpha * (v / c) ** beta)

Queueing delay on border crossings (steady-state M/M/1 waiting time, capped)::

    t(v) = t0 + s * g(v / c)
    g(rho) = rho / (1 - rho)                                 for rho <= rho_max
    g(rho) = g(rho_max) + g'(rho_max) * (rho - rho_max)      above (linear extension)

with ``s`` the service time of one unit of flow (hours; ``s * g`` is the mean wait in
the queue at utilisation ``rho``), ``c`` the crossing's capacity (service rate) and
``g'(rho) = 1 / (1 - rho) ** 2``. ``g`` is zero at zero, increasing and convex; the
linear extension keeps it finite, increasing and convex beyond ``rho_max``, so the
Beckmann objective stays convex and defined for any flow (the equilibrium may load a
crossing above capacity when every alternative is worse, at a steep delay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from connectivity._jit import jit

__all__ = ["VolumeDelay", "edge_cost"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class VolumeDelay:
    """Per-edge parameters of the volume-delay functions (all arrays of length n_edges)."""

    t0: FloatArray
    capacity: FloatArray
    alpha: FloatArray
    beta: FloatArray
    queue: BoolArray
    service_time: FloatArray
    rho_max: float
    fixed_cost: FloatArray  # toll_factor * toll + distance_factor * length

    def time(self, v: FloatArray) -> FloatArray:
        """Travel time on each edge at flow ``v``."""
        rho = v / self.capacity
        # an overflow gives inf, which the equilibrium refuses with a message
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            bpr = self.t0 * (1.0 + self.alpha * np.power(rho, self.beta))
        if not self.queue.any():
            return bpr
        return np.where(self.queue, self.t0 + self.service_time * _g(rho, self.rho_max), bpr)

    def cost(self, v: FloatArray) -> FloatArray:
        """Generalized cost: time plus the flow-independent part."""
        return self.time(v) + self.fixed_cost

    def slope(self, x: FloatArray, d: FloatArray, step: float, *,
              numpy: bool = False) -> tuple[float, float]:
        """``cost(x + step d) . d`` and ``cost'(x + step d) . d**2`` in one pass.

        The first is d/dstep of the Beckmann objective along ``d``, the second its
        derivative; edges with ``d == 0`` are skipped. Flows are taken as at least 0
        (a convex combination of non-negative flows can round to -1e-13). With
        ``numpy=True``, numpy's array formulas instead of the kernel: no kernel to load,
        for one-off small jobs (the sums may differ from the kernel's in the last bits).
        """
        if numpy:
            moving = d != 0.0
            dm = d[moving]
            v = np.maximum(x[moving] + step * dm, 0.0)
            part = VolumeDelay(self.t0[moving], self.capacity[moving], self.alpha[moving],
                               self.beta[moving], self.queue[moving],
                               self.service_time[moving], self.rho_max,
                               self.fixed_cost[moving])
            return (float(np.dot(part.cost(v), dm)),
                    float(np.dot(part.derivative(v), dm * dm)))
        return _slope(self.t0, self.capacity, self.alpha, self.beta, self.queue,
                      self.service_time, self.rho_max, self.fixed_cost, x, d, step)

    def integral(self, v: FloatArray) -> FloatArray:
        """Integral of the generalized cost from 0 to ``v`` (Beckmann terms)."""
        rho = v / self.capacity
        bpr = self.t0 * (
            v + self.alpha * self.capacity * np.power(rho, self.beta + 1.0) / (self.beta + 1.0)
        )
        out = bpr
        if self.queue.any():
            q = self.t0 * v + self.service_time * self.capacity * _big_g(rho, self.rho_max)
            out = np.where(self.queue, q, bpr)
        return out + self.fixed_cost * v

    def derivative(self, v: FloatArray) -> FloatArray:
        """d time / d flow on each edge (0 where undefined)."""
        rho = v / self.capacity
        with np.errstate(divide="ignore", invalid="ignore"):
            d = self.t0 * self.alpha * self.beta * np.power(rho, self.beta - 1.0) / self.capacity
        if self.queue.any():
            dq = self.service_time * _g_prime(rho, self.rho_max) / self.capacity
            d = np.where(self.queue, dq, d)
        return np.nan_to_num(d, nan=0.0, posinf=0.0)


def _g(rho: FloatArray, rho_max: float) -> FloatArray:
    r = np.minimum(rho, rho_max)
    base = r / (1.0 - r)
    slope = 1.0 / (1.0 - rho_max) ** 2
    return base + slope * np.maximum(rho - rho_max, 0.0)


def _g_prime(rho: FloatArray, rho_max: float) -> FloatArray:
    r = np.minimum(rho, rho_max)
    return 1.0 / (1.0 - r) ** 2


def _big_g(rho: FloatArray, rho_max: float) -> FloatArray:
    r = np.minimum(rho, rho_max)
    base = -r - np.log1p(-r)
    gm = rho_max / (1.0 - rho_max)
    slope = 1.0 / (1.0 - rho_max) ** 2
    over = np.maximum(rho - rho_max, 0.0)
    return base + gm * over + 0.5 * slope * over * over


@jit(inline=True)
def edge_cost(  # noqa: PLR0913, PLR0917 (numba kernel: one argument per parameter array)
    e: int, v: float, t0: FloatArray, cap: FloatArray, alpha: FloatArray, beta: FloatArray,
    queue: BoolArray, service: FloatArray, rho_max: float, fixed: FloatArray,
) -> tuple[float, float]:
    """Generalized cost of edge ``e`` at flow ``v`` (taken as at least 0) and its
    derivative: the formulas of :class:`VolumeDelay`, for kernels (numba, inlined)."""
    rho = max(v, 0.0) / cap[e]
    if queue[e]:
        r = min(rho, rho_max)
        slope = 1.0 / ((1.0 - rho_max) * (1.0 - rho_max))
        g = r / (1.0 - r) + slope * max(rho - rho_max, 0.0)
        return t0[e] + service[e] * g + fixed[e], service[e] / ((1.0 - r) * (1.0 - r)) / cap[e]
    b = beta[e]
    if rho > 0.0:
        p1 = rho * rho * rho if b == 4.0 else math.pow(rho, b - 1.0)
        pb = p1 * rho
    else:
        p1 = 1.0 if b == 1.0 else 0.0  # rho ** (b - 1): inf below 1, taken as 0
        pb = 0.0
    return t0[e] * (1.0 + alpha[e] * pb) + fixed[e], t0[e] * alpha[e] * b * p1 / cap[e]


@jit()
def _slope(  # noqa: PLR0913, PLR0917 (numba kernel)
    t0: FloatArray, cap: FloatArray, alpha: FloatArray, beta: FloatArray, queue: BoolArray,
    service: FloatArray, rho_max: float, fixed: FloatArray, x: FloatArray, d: FloatArray,
    step: float,
) -> tuple[float, float]:
    """Kernel of :meth:`VolumeDelay.slope` (the same formulas as the numpy methods)."""
    f = 0.0
    fp = 0.0
    for e in range(x.shape[0]):
        de = d[e]
        if de == 0.0:
            continue
        c, dc = edge_cost(e, x[e] + step * de, t0, cap, alpha, beta, queue, service,
                          rho_max, fixed)
        f += c * de
        fp += dc * de * de
    return f, fp
