"""The arithmetic under :mod:`connectivity.invest.appraisal`, on plain numbers and series.

Checks that collect every problem and raise one error; values in force per year and
growth indices; net present value, internal rates of return and payback on a series of
flows, where ``flows[t]`` falls at time ``t`` (years) and is discounted by
``(1 + rate) ** -t``. The appraisal module re-exports :func:`npv`, :func:`irr`,
:func:`rate_of_return` and :class:`RateOfReturn`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

__all__ = [
    "PerYear", "number", "integer", "raise_all", "per_year", "growth_index", "check_rate",
    "RateOfReturn", "npv", "irr", "rate_of_return", "payback_period",
]

_SCAN_POINTS = 4001
Floats: TypeAlias = NDArray[np.float64]
#: One value for every year, or a mapping year -> value in force from that year on.
PerYear: TypeAlias = float | Mapping[int, float]


def _shown(value: object) -> object:
    """A numpy scalar as the Python number it holds, for messages."""
    return value.item() if isinstance(value, np.generic) else value


def number(problems: list[str], name: str, value: object, low: float,
           strict: bool = False) -> float:
    """``value`` as a float; a problem is noted unless it is finite and >= ``low`` (> if
    ``strict``), and ``nan`` returned for what is not a real number."""
    real = isinstance(value, Real) and not isinstance(value, bool | np.bool_)
    x = float(value) if real else math.nan  # type: ignore[arg-type]
    if not (math.isfinite(x) and (x > low if strict else x >= low)):
        op = ">" if strict else ">="
        problems.append(f"{name} = {_shown(value)!r} must be a finite number {op} {low:g}")
    return x


def integer(problems: list[str], name: str, value: object, low: int | None = None) -> int:
    """``value`` as an int (bools refused); a problem is noted, and 0 returned, unless it
    is an integer >= ``low``."""
    n = int(value) if isinstance(value, Integral) and not isinstance(value, bool) else None
    if n is None or (low is not None and n < low):
        bound = "" if low is None else f" >= {low}"
        problems.append(f"{name} = {_shown(value)!r} must be an integer{bound}")
        return 0
    return n


def raise_all(problems: list[str]) -> None:
    """One ValueError listing every problem noted, if any."""
    if problems:
        raise ValueError("; ".join(problems))


def per_year(name: str, value: PerYear, years: NDArray[np.int64], first: int, low: float,
             strict: bool) -> Floats:
    """The value in force in each of ``years``: one number for all, or from a mapping
    year -> value in force from that year on (``nan`` before its first year).

    Each value must be finite and >= ``low`` (> if ``strict``), and a mapping must give
    a value for ``first`` or an earlier year (unless ``first`` is after the last year).

    >>> per_year("price", {2026: 10.0, 2028: 20.0}, np.arange(2025, 2030), 2026, 0.0, False)
    array([nan, 10., 10., 20., 20.])
    """
    problems: list[str] = []
    if not isinstance(value, Mapping):
        x = number(problems, name, value, low, strict)
        raise_all(problems)
        return np.full(years.size, x)
    if not value:
        raise ValueError(f"{name} is an empty mapping; give a number or a value per year")
    for k, v in value.items():
        integer(problems, f"{name} year {k!r}", k)
        number(problems, f"{name}[{k!r}]", v, low, strict)
    raise_all(problems)
    keys = sorted(value)
    starts = np.array([int(k) for k in keys], dtype=np.int64)
    if first <= years[-1] and starts[0] > first:
        raise ValueError(f"{name} starts in {starts[0]}, but a value is needed from {first}; "
                         f"give one for {first} or earlier")
    at = np.searchsorted(starts, years, side="right") - 1
    given = np.array([float(value[k]) for k in keys])
    out: Floats = np.where(at >= 0, given[np.maximum(at, 0)], np.nan)
    return out


def growth_index(growth: PerYear, years: NDArray[np.int64], ref: int, first: int) -> Floats:
    """Level of a quantity in each year relative to year ``ref`` (index 1 there), growing
    at ``growth`` per year (a :data:`PerYear` rate > -1, the rate of a year being the
    growth into it from the year before). Valid from year ``first`` (<= ``ref``) on;
    earlier years repeat the level of ``first``.

    >>> growth_index(0.1, np.arange(2025, 2029), 2026, 2025).round(3)
    array([0.909, 1.   , 1.1  , 1.21 ])
    """
    g = per_year("growth", growth, years, first + 1, -1.0, strict=True)
    level = np.cumsum(np.log1p(np.where(years > first, g, 0.0)))
    out: Floats = np.exp(level - level[ref - years[0]])
    return out


@dataclass(frozen=True)
class RateOfReturn:
    """An internal rate of return with the evidence for it.

    Attributes
    ----------
    rate, roots
        The one rate in the scanned range at which NPV = 0 (or ``nan``); all found there.
    note
        Why ``rate`` is ``nan``, or a caveat about it; empty when neither applies.
    """

    rate: float
    roots: tuple[float, ...]
    note: str


def _flow_array(flows: ArrayLike) -> Floats:
    arr = np.asarray(flows)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iuf":
        raise ValueError(f"flows must be a non-empty 1-D series of real numbers, got "
                         f"shape {arr.shape}, dtype {arr.dtype}")
    out = arr.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        raise ValueError(f"flows[{bad[0]}] = {float(out[bad[0]])!r} must be finite")
    return out


def check_rate(name: str, value: object) -> float:
    """``value`` as a float rate, finite and > -1; a ValueError naming ``name`` otherwise."""
    problems: list[str] = []
    rate = number(problems, name, value, -1.0, strict=True)
    raise_all(problems)
    return rate


def npv(flows: ArrayLike, rate: float) -> float:
    """Net present value, ``sum(flows[t] / (1 + rate) ** t)``: ``flows[0]`` is undiscounted.

    Raises
    ------
    ValueError
        If ``flows`` is not a finite 1-D series, or ``rate`` not a finite number > -1.

    Examples
    --------
    >>> round(npv([-100.0, 60.0, 60.0], 0.1), 4)
    4.1322
    """
    f = _flow_array(flows)
    t = np.arange(f.size, dtype=np.float64)
    return float(f @ np.power(1.0 + check_rate("rate", rate), -t))


def _scaled_npv(f: Floats, t: Floats, r: Floats) -> Floats:
    """NPV at each rate in ``r``, times a positive factor that keeps it in floating range:
    the same signs and roots."""
    e = -np.multiply.outer(np.log1p(r), t)
    out: Floats = (np.exp(e - e.max(axis=1, keepdims=True)) * f).sum(axis=1)
    return out


def rate_of_return(flows: ArrayLike, *, lower: float = -0.99,
                   upper: float = 10.0) -> RateOfReturn:
    """Internal rate of return, with every root found and the reason when there is none.

    NPV is evaluated at 4001 rates from ``lower`` to ``upper`` (evenly spaced in
    ``log(1 + rate)``) and each sign change is narrowed by Brent's method. The rate is
    ``nan`` when the flows never change sign, when NPV does not cross zero in the range,
    or when it crosses more than once (the rate is then ambiguous: judge by NPV). A root
    where NPV touches zero without crossing, or two roots closer than a scan step, may be
    missed.

    Raises
    ------
    ValueError
        If ``flows`` is not a finite 1-D series, or not ``-1 < lower < upper``.

    Examples
    --------
    >>> r = rate_of_return([-100.0, 230.0, -132.0])
    >>> [round(x, 6) for x in r.roots], r.rate
    ([0.1, 0.2], nan)
    """
    f = _flow_array(flows)
    lo, hi = check_rate("lower", lower), check_rate("upper", upper)
    if not lo < hi:
        raise ValueError(f"lower = {lower!r} must be below upper = {upper!r}")
    nz = np.flatnonzero(f)
    changes = int(np.count_nonzero(np.diff(np.sign(f[nz]))))
    if changes == 0:
        return RateOfReturn(math.nan, (), "the flows never change sign (all zero, all costs "
                                          "or all benefits), so no rate makes NPV zero")
    fz, t = f[nz], nz.astype(np.float64)
    r = np.expm1(np.linspace(math.log1p(lo), math.log1p(hi), _SCAN_POINTS))
    r[0], r[-1] = lo, hi
    s = np.sign(_scaled_npv(fz, t, r))
    roots = [float(x) for x in r[s == 0]]
    for i in np.flatnonzero(s[:-1] * s[1:] < 0):
        roots.append(float(brentq(lambda x: float(_scaled_npv(fz, t, np.array([x]))[0]),
                                  r[i], r[i + 1], xtol=1e-14)))
    roots.sort()
    scan = f"[{lo:.2%}, {hi:.2%}]"
    if not roots:
        return RateOfReturn(math.nan, (), f"NPV does not cross zero at any rate in {scan}")
    if len(roots) > 1:
        listed = ", ".join(f"{x:.4%}" for x in roots)
        return RateOfReturn(math.nan, tuple(roots), f"NPV is zero at {len(roots)} rates in "
                            f"{scan} ({listed}): the rate of return is ambiguous; use NPV")
    note = "" if changes == 1 else (f"the flows change sign {changes} times: NPV may also be "
                                    f"zero at rates outside {scan}")
    return RateOfReturn(roots[0], tuple(roots), note)


def irr(flows: ArrayLike, *, lower: float = -0.99, upper: float = 10.0) -> float:
    """Internal rate of return, :attr:`RateOfReturn.rate` of :func:`rate_of_return`:
    ``nan`` when no rate, or more than one, in ``[lower, upper]`` makes NPV zero.

    Raises
    ------
    ValueError
        As :func:`rate_of_return`.

    Examples
    --------
    >>> round(irr([-100.0, 60.0, 60.0]), 6)
    0.130662
    """
    return rate_of_return(flows, lower=lower, upper=upper).rate


def payback_period(flows: Floats) -> int | None:
    """First ``t`` from which ``cumsum(flows)`` stays >= 0 (within rounding) to the end;
    ``None`` if the last cumulative value is negative.

    Examples
    --------
    >>> payback_period(np.array([-100.0, 60.0, 60.0])), payback_period(np.array([-1.0, 0.5]))
    (2, None)
    """
    negative = np.flatnonzero(np.cumsum(flows) < -1e-9 * float(np.abs(flows).sum()))
    if negative.size == 0:
        return 0
    last = int(negative[-1])
    return None if last == flows.size - 1 else last + 1
