"""Economic appraisal (cost-benefit analysis) of a project or a portfolio of projects.

- :class:`ProjectCosts` and :class:`Benefits` describe a project: capital cost over the
  construction years, operating and maintenance (O&M) cost, asset life; benefits per
  year by component (time, operating cost savings, CO2e avoided, other);
- :func:`cash_flows` lays them out year by year (:class:`CashFlows`);
- :func:`appraise` discounts them: NPV, BCR, EIRR, payback years (:class:`Appraisal`);
- :func:`appraise_portfolio` appraises each project alone, and the portfolio with the
  network's joint benefit and with the sum of the stand-alone benefits
  (:class:`PortfolioAppraisal`); the difference is the interaction;
- :func:`npv`, :func:`irr` and :func:`rate_of_return` work on any series of flows.

Money is in constant base-year USD, emissions in tonnes CO2e. The conventions:

- **Timing.** Years ``base_year + t``, ``t = 0 ... horizon_years - 1``. Construction
  starts in the base year and lasts ``lead_time_years``; the project opens in
  ``base_year + lead_time_years`` and has O&M and benefits from then to the end of the
  horizon. End-of-year convention: each flow falls at the end of its year, and present
  values are stated at the end of the base year, so year ``base_year + t`` is discounted
  by ``(1 + rate) ** -t`` (the base year not at all), as in :func:`npv`. Values at the
  start of the base year would all be ``1 + rate`` times smaller; the sign of the NPV,
  the BCR, the EIRR and the payback years would not change.
- **Costs and the BCR.** ``pv_costs = PV(capital) + PV(O&M) - PV(residual value)``: the
  residual value is a negative cost. ``npv = pv_benefits - pv_costs`` and
  ``bcr = pv_benefits / pv_costs``, so BCR > 1 exactly when NPV > 0 (BCR is ``nan``
  when ``pv_costs <= 0``).
- **Residual value.** Straight line over the asset life: at the end of the horizon the
  asset has served ``horizon_years - lead_time_years`` years, and
  ``capital * max(0, 1 - served / asset_life_years)`` is an inflow in the last year.
- **Benefits** are given per year for one year, ``benefit_year`` (by default the opening
  year), and grown (before that year, shrunk) at ``growth`` per year. CO2e avoided grows
  alike and is valued at the carbon price of the year in which it is avoided.
- **Payback** leaves the residual value out: it is not earned by operating the project.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from numbers import Integral
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from connectivity.invest._discount import (
    PerYear,
    RateOfReturn,
    check_rate,
    growth_index,
    integer,
    irr,
    npv,
    number,
    payback_period,
    per_year,
    raise_all,
    rate_of_return,
)

__all__ = [
    "COMPONENTS", "ProjectCosts", "Benefits", "CashFlows", "RateOfReturn", "Appraisal",
    "PortfolioAppraisal", "cash_flows", "appraise", "appraise_portfolio", "npv", "irr",
    "rate_of_return",
]

#: The benefit components of the yearly table, each in USD per year.
COMPONENTS = ("time", "money", "co2e", "other")
#: How far the construction shares may sum from 1.
PROFILE_TOL = 1e-9
_BENEFIT_FIELDS = ("time", "money", "co2e_t", "other")
Floats: TypeAlias = NDArray[np.float64]


@dataclass(frozen=True)
class ProjectCosts:
    """What a project costs and how long it takes to build.

    Attributes
    ----------
    capital, om_per_year
        Capital cost, and operating and maintenance cost per year from opening; USD, >= 0.
    lead_time_years
        Construction years, >= 1; the project opens the year after they end.
    construction_profile
        Share of ``capital`` spent in each construction year, each >= 0, summing to 1
        within :data:`PROFILE_TOL`. Default: even.
    asset_life_years
        Life of the asset for the straight-line residual value, > 0.

    Examples
    --------
    >>> ProjectCosts(100.0, lead_time_years=2).construction_profile
    (0.5, 0.5)
    >>> ProjectCosts(100.0, lead_time_years=2, construction_profile=(0.3, 0.6))
    Traceback (most recent call last):
    ...
    ValueError: construction_profile = (0.3, 0.6) sums to 0.9; its shares must sum to 1
    """

    capital: float
    om_per_year: float = 0.0
    lead_time_years: int = 1
    construction_profile: tuple[float, ...] | None = None
    asset_life_years: float = 30.0

    def __post_init__(self) -> None:
        p: list[str] = []
        values: dict[str, Any] = {
            "capital": number(p, "capital", self.capital, 0.0),
            "om_per_year": number(p, "om_per_year", self.om_per_year, 0.0),
            "asset_life_years": number(p, "asset_life_years", self.asset_life_years, 0.0, True),
            "lead_time_years": integer(p, "lead_time_years", self.lead_time_years, 1),
        }
        lead, profile = values["lead_time_years"], self.construction_profile
        shares = (1.0 / lead,) * lead if lead else ()
        if profile is not None and lead:
            shares = tuple(number(p, f"construction_profile[{i}]", s, 0.0)
                           for i, s in enumerate(profile))
            total = math.fsum(shares)
            if len(shares) != lead:
                p.append(f"construction_profile = {tuple(profile)!r} has {len(shares)} shares; "
                         f"lead_time_years = {lead} needs one per year")
            elif math.isfinite(total) and abs(total - 1.0) > PROFILE_TOL:
                p.append(f"construction_profile = {tuple(profile)!r} sums to {total:g}; "
                         "its shares must sum to 1")
        raise_all(p)
        for name, value in {**values, "construction_profile": shares}.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Benefits:
    """Benefits of a project or portfolio in one year, by component; any may be < 0.

    Where benefits are taken, a mapping with these keys may stand in for it, or a number:
    a total not split by component, booked as ``other``.

    Attributes
    ----------
    time
        Value of the travel, transit and waiting time saved, USD per year.
    money
        Operating costs saved (fuel, wear, crews, charges), USD per year.
    co2e_t
        Emissions avoided, tonnes CO2e per year; valued at the carbon price.
    other
        Everything else (safety, reliability, wider benefits), USD per year.

    Examples
    --------
    >>> Benefits(time=5.0, co2e_t=100.0)
    Benefits(time=5.0, money=0.0, co2e_t=100.0, other=0.0)
    """

    time: float = 0.0
    money: float = 0.0
    co2e_t: float = 0.0
    other: float = 0.0

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name in _BENEFIT_FIELDS:
            value = number(problems, name, getattr(self, name), -math.inf)
            object.__setattr__(self, name, value)
        raise_all(problems)


BenefitsLike: TypeAlias = Benefits | Mapping[str, float] | float


def _benefits(name: str, value: BenefitsLike) -> Benefits:
    if isinstance(value, Benefits):
        return value
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in _BENEFIT_FIELDS]
        if unknown:
            raise ValueError(f"{name} has unknown component(s) {unknown}; "
                             f"allowed: {', '.join(_BENEFIT_FIELDS)}")
        try:
            return Benefits(**value)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
    p: list[str] = []
    total = number(p, name, value, -math.inf)
    raise_all(p)
    return Benefits(other=total)


@dataclass(frozen=True, eq=False)
class CashFlows:
    """Undiscounted flows, one read-only entry per year; money in USD.

    Attributes
    ----------
    year
        The years, ``base_year`` to the end of the horizon.
    capital, om
        Capital and O&M spending.
    time, money, co2e, other
        Benefits by component (:data:`COMPONENTS`); ``co2e = co2e_t * carbon price``.
    co2e_t
        Emissions avoided, tonnes CO2e.
    carbon_price_usd_per_t
        Carbon price in force (``nan`` before the first year a price is given for).
    residual
        Residual value, an inflow in the last year only.
    opening_year
        The year the project (for a portfolio: its last project) opens.
    """

    year: NDArray[np.int64]
    capital: Floats
    om: Floats
    time: Floats
    money: Floats
    co2e: Floats
    other: Floats
    co2e_t: Floats
    carbon_price_usd_per_t: Floats
    residual: Floats
    opening_year: int

    def __post_init__(self) -> None:
        for f in fields(self)[:-1]:
            getattr(self, f.name).setflags(write=False)

    @property
    def benefits(self) -> Floats:
        """All benefits, ``time + money + co2e + other``."""
        return self.time + self.money + self.co2e + self.other

    @property
    def net(self) -> Floats:
        """Net flow, ``benefits - capital - om + residual``."""
        return self.benefits - self.capital - self.om + self.residual

    def columns(self) -> dict[str, NDArray[Any]]:
        """Every column by name, ``benefits`` and ``net`` included."""
        names = [f.name for f in fields(self)[:-1]] + ["benefits", "net"]
        return {name: getattr(self, name) for name in names}


def _timeline(base_year: object, horizon_years: object, lead: int,
              benefit_year: object) -> tuple[NDArray[np.int64], int]:
    """The years of the horizon and the year the benefits are given for."""
    p: list[str] = []
    base = integer(p, "base_year", base_year)
    horizon = integer(p, "horizon_years", horizon_years, 1)
    if not p and horizon <= lead:
        p.append(f"horizon_years = {horizon} must exceed lead_time_years = {lead} "
                 "(at least one year of operation)")
    ref = base + lead if benefit_year is None else integer(p, "benefit_year", benefit_year)
    if not p and not base <= ref < base + horizon:
        p.append(f"benefit_year = {ref} must be within the horizon [{base}, {base + horizon - 1}]")
    raise_all(p)
    return np.arange(base, base + horizon, dtype=np.int64), ref


def _project_flows(costs: ProjectCosts, b: Benefits, years: NDArray[np.int64], ref: int,
                   growth: PerYear, carbon_price: PerYear) -> CashFlows:
    lead = costs.lead_time_years
    opening = int(years[0]) + lead
    running = years >= opening
    index = np.where(running, growth_index(growth, years, ref, min(opening, ref)), 0.0)
    price = per_year("carbon_price_usd_per_t", carbon_price, years, opening, 0.0, False)
    capital = np.zeros(years.size)
    capital[:lead] = costs.capital * np.asarray(costs.construction_profile)
    residual = np.zeros(years.size)
    residual[-1] = costs.capital * max(0.0, 1.0 - (years.size - lead) / costs.asset_life_years)
    co2e_t = b.co2e_t * index
    return CashFlows(
        year=years, capital=capital, om=np.where(running, costs.om_per_year, 0.0),
        time=b.time * index, money=b.money * index,
        co2e=np.where(running, co2e_t * price, 0.0), other=b.other * index, co2e_t=co2e_t,
        carbon_price_usd_per_t=price, residual=residual, opening_year=opening,
    )


def cash_flows(costs: ProjectCosts, benefits: BenefitsLike, *, base_year: int,
               horizon_years: int, growth: PerYear = 0.0,
               carbon_price_usd_per_t: PerYear = 0.0,
               benefit_year: int | None = None) -> CashFlows:
    """Lay out a project's costs and benefits year by year, undiscounted.

    Parameters
    ----------
    costs
        Capital, O&M, construction profile and asset life.
    benefits
        Benefits per year in ``benefit_year`` (:class:`Benefits`, a mapping, a number).
    base_year
        First year of the horizon, when construction starts; the price base.
    horizon_years
        Years from ``base_year``, construction included; more than the lead time.
    growth
        Growth of benefits per year, > -1: one rate, or a mapping year -> rate in force
        from that year on (given from the first year that grows).
    carbon_price_usd_per_t
        USD per tonne CO2e, >= 0: one price, or a mapping year -> price from that year
        on (given from the opening year).
    benefit_year
        The year ``benefits`` are given for; default: the opening year.

    Returns
    -------
    CashFlows

    Raises
    ------
    ValueError
        Naming the argument and its value, for any input out of range.

    Examples
    --------
    >>> f = cash_flows(ProjectCosts(100.0, om_per_year=1.0, lead_time_years=2),
    ...                Benefits(time=10.0), base_year=2025, horizon_years=4, growth=0.1)
    >>> f.capital.tolist(), f.time.round(2).tolist()
    ([50.0, 50.0, 0.0, 0.0], [0.0, 0.0, 10.0, 11.0])
    """
    years, ref = _timeline(base_year, horizon_years, costs.lead_time_years, benefit_year)
    return _project_flows(costs, _benefits("benefits", benefits), years, ref, growth,
                          carbon_price_usd_per_t)


def _json(x: object) -> Any:
    """``x`` as JSON: floats (``None`` for ``nan``/``inf``), lists, dicts."""
    if isinstance(x, Mapping):
        return {k: _json(v) for k, v in x.items()}
    if isinstance(x, tuple | list | np.ndarray):
        return [_json(v) for v in x]
    if isinstance(x, Integral | str | None):
        return x if not isinstance(x, np.integer) else int(x)
    return float(x) if math.isfinite(x) else None  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Appraisal:
    """Discounted flows and the decision measures of a project or portfolio.

    Attributes
    ----------
    flows, rate, discount_factor
        The undiscounted :class:`CashFlows`; real discount rate; ``(1 + rate) ** -(year
        - base_year)`` for each year.
    pv_benefits, pv_benefits_by_component
        Present value of all benefits, and of each of :data:`COMPONENTS`.
    pv_capital, pv_om, pv_residual, pv_costs
        Present values; ``pv_costs = pv_capital + pv_om - pv_residual``.
    npv, bcr
        ``pv_benefits - pv_costs``; ``pv_benefits / pv_costs`` (``nan`` if ``pv_costs <= 0``).
    eirr, eirr_roots, eirr_note
        Economic internal rate of return of the net flows (:class:`RateOfReturn`).
    payback_year, discounted_payback_year
        First year from which the cumulative (discounted) net flow, residual value left
        out, stays >= 0 to the end of the horizon; ``None`` if it never does.
    first_year_return
        Opening-year benefits (gross of O&M) over capital cost; ``nan`` without capital.
    """

    flows: CashFlows
    rate: float
    discount_factor: Floats
    pv_benefits: float
    pv_benefits_by_component: Mapping[str, float]
    pv_capital: float
    pv_om: float
    pv_residual: float
    pv_costs: float
    npv: float
    bcr: float
    eirr: float
    eirr_roots: tuple[float, ...]
    eirr_note: str
    payback_year: int | None
    discounted_payback_year: int | None
    first_year_return: float

    @property
    def table(self) -> dict[str, NDArray[Any]]:
        """The yearly table: :meth:`CashFlows.columns` and ``discount_factor``."""
        return {**self.flows.columns(), "discount_factor": self.discount_factor}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every measure (floats, ``None`` for ``nan``), and the yearly table."""
        out = {f.name: _json(getattr(self, f.name)) for f in fields(self)[3:]}
        years = self.flows.year
        return {"base_year": int(years[0]), "opening_year": self.flows.opening_year,
                "horizon_years": int(years.size), "rate": self.rate, **out,
                "co2e_t_total": _json(float(self.flows.co2e_t.sum())),
                "table": _json(self.table)}


def _appraise_flows(flows: CashFlows, rate: float) -> Appraisal:
    def year(t: int | None) -> int | None:
        return None if t is None else int(flows.year[t])

    df = np.power(1.0 + rate, -(flows.year - flows.year[0]).astype(np.float64))
    df.setflags(write=False)
    pv = {c: float(getattr(flows, c) @ df) for c in (*COMPONENTS, "capital", "om", "residual")}
    pv_benefits = float(flows.benefits @ df)
    pv_costs = pv["capital"] + pv["om"] - pv["residual"]
    ror = rate_of_return(flows.net)
    earned = flows.net - flows.residual
    capital = float(flows.capital.sum())
    opening_benefits = float(flows.benefits[flows.year == flows.opening_year].sum())
    return Appraisal(
        flows=flows, rate=rate, discount_factor=df, pv_benefits=pv_benefits,
        pv_benefits_by_component={c: pv[c] for c in COMPONENTS}, pv_capital=pv["capital"],
        pv_om=pv["om"], pv_residual=pv["residual"], pv_costs=pv_costs,
        npv=pv_benefits - pv_costs, bcr=pv_benefits / pv_costs if pv_costs > 0 else math.nan,
        eirr=ror.rate, eirr_roots=ror.roots, eirr_note=ror.note,
        payback_year=year(payback_period(earned)),
        discounted_payback_year=year(payback_period(earned * df)),
        first_year_return=opening_benefits / capital if capital > 0 else math.nan,
    )


def appraise(costs: ProjectCosts, benefits: BenefitsLike, *, base_year: int,
             horizon_years: int, rate: float = 0.06, growth: PerYear = 0.0,
             carbon_price_usd_per_t: PerYear = 0.0,
             benefit_year: int | None = None) -> Appraisal:
    """Appraise one project: NPV, BCR, EIRR and payback at a real discount ``rate``.

    Takes the arguments of :func:`cash_flows` and ``rate`` (> -1; default 6 % real).
    The conventions (end-of-year timing, BCR denominator net of residual value,
    straight-line residual value) are in the module docstring. The EIRR is sought in
    ``[-99 %, 1000 %]``; call :func:`rate_of_return` on ``flows.net`` for another range.

    Returns
    -------
    Appraisal

    Raises
    ------
    ValueError
        Naming the argument and its value, for any input out of range.

    Examples
    --------
    >>> a = appraise(ProjectCosts(100.0, om_per_year=2.0, lead_time_years=2),
    ...              Benefits(time=12.0, money=3.0), base_year=2025, horizon_years=22)
    >>> round(a.npv, 2), round(a.bcr, 3), round(a.eirr, 4), a.payback_year
    (53.3, 1.489, 0.1127, 2034)
    """
    f = cash_flows(costs, benefits, base_year=base_year, horizon_years=horizon_years,
                   growth=growth, carbon_price_usd_per_t=carbon_price_usd_per_t,
                   benefit_year=benefit_year)
    return _appraise_flows(f, check_rate("rate", rate))


@dataclass(frozen=True, eq=False)
class PortfolioAppraisal:
    """A portfolio appraised project by project and as a whole, with and without the
    interaction between its projects.

    Attributes
    ----------
    stand_alone
        Project id -> its :class:`Appraisal` alone.
    with_interaction
        With the joint (network) benefit once the last project opens (before that, the
        stand-alone benefits of the open projects).
    without_interaction
        With the sum of the stand-alone benefits: NPV = sum of the stand-alone NPVs.
    interaction
        Joint minus summed stand-alone benefits per year in the benefit year (> 0: the
        projects complement each other; < 0: they compete).
    """

    stand_alone: Mapping[str, Appraisal]
    with_interaction: Appraisal
    without_interaction: Appraisal
    interaction: Benefits

    @property
    def npv_interaction(self) -> float:
        """``with_interaction.npv - without_interaction.npv``."""
        return self.with_interaction.npv - self.without_interaction.npv

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each :meth:`Appraisal.to_dict`, the interaction and its NPV."""
        return {
            "stand_alone": {k: a.to_dict() for k, a in self.stand_alone.items()},
            "with_interaction": self.with_interaction.to_dict(),
            "without_interaction": self.without_interaction.to_dict(),
            "interaction": {k: getattr(self.interaction, k) for k in _BENEFIT_FIELDS},
            "npv_interaction": _json(self.npv_interaction),
        }


def _sum_flows(parts: list[CashFlows]) -> CashFlows:
    names = ("capital", "om", *COMPONENTS, "co2e_t", "residual")
    sums = {n: np.sum([getattr(p, n) for p in parts], axis=0) for n in names}
    return replace(parts[0], **sums, opening_year=max(p.opening_year for p in parts))


def appraise_portfolio(projects: Mapping[str, ProjectCosts],
                       stand_alone_benefits: Mapping[str, BenefitsLike],
                       joint_benefit: BenefitsLike, *, base_year: int, horizon_years: int,
                       rate: float = 0.06, growth: PerYear = 0.0,
                       carbon_price_usd_per_t: PerYear = 0.0,
                       benefit_year: int | None = None) -> PortfolioAppraisal:
    """Appraise projects alone and together, with and without their interaction.

    All benefit figures are per year in one ``benefit_year`` (default: the year the last
    project opens), as a network model run for one year gives them. Alone, a project
    opens after its own lead time. Together, the costs add up; the benefits are either
    the sum of the stand-alone ones (``without_interaction``) or, from the year the last
    project opens, ``joint_benefit`` (``with_interaction``): the two differ from that
    year on by ``joint - sum(stand-alone)``, grown like the benefits. Keyword arguments
    as in :func:`appraise`.

    Parameters
    ----------
    projects
        Project id -> :class:`ProjectCosts`; at least one.
    stand_alone_benefits, joint_benefit
        Project id -> benefits of that project alone (same ids); benefits of all together.

    Returns
    -------
    PortfolioAppraisal

    Raises
    ------
    ValueError
        Naming the argument and its value, for any input out of range, or ids that
        differ between ``projects`` and ``stand_alone_benefits``.

    Examples
    --------
    >>> p = appraise_portfolio(
    ...     {"A": ProjectCosts(100.0), "B": ProjectCosts(80.0)}, {"A": 15.0, "B": 10.0},
    ...     Benefits(other=30.0), base_year=2025, horizon_years=21)
    >>> p.interaction.other, round(p.npv_interaction, 2)
    (5.0, 57.35)
    """
    if not projects:
        raise ValueError("projects is empty; give at least one project id -> ProjectCosts")
    missing = [k for k in projects if k not in stand_alone_benefits]
    unknown = [k for k in stand_alone_benefits if k not in projects]
    if missing or unknown:
        raise ValueError(f"stand_alone_benefits must have the ids of projects: missing "
                         f"{missing}, unknown {unknown}")
    r = check_rate("rate", rate)
    lead = max(c.lead_time_years for c in projects.values())
    years, ref = _timeline(base_year, horizon_years, lead, benefit_year)
    alone = {k: _benefits(f"stand_alone_benefits[{k!r}]", v)
             for k, v in stand_alone_benefits.items()}
    joint = _benefits("joint_benefit", joint_benefit)
    parts = {k: _project_flows(c, alone[k], years, ref, growth, carbon_price_usd_per_t)
             for k, c in projects.items()}
    without = _sum_flows(list(parts.values()))
    complete = years >= without.opening_year
    index = np.where(complete, growth_index(growth, years, ref,
                                             min(without.opening_year, ref)), 0.0)
    co2e_t = np.where(complete, joint.co2e_t * index, without.co2e_t)
    joined = {c: np.where(complete, getattr(joint, c) * index, getattr(without, c))
              for c in ("time", "money", "other")}
    with_ = replace(without, co2e_t=co2e_t, **joined, co2e=np.where(
        complete, co2e_t * without.carbon_price_usd_per_t, without.co2e))
    interaction = Benefits(**{k: getattr(joint, k) - sum(getattr(b, k) for b in alone.values())
                              for k in _BENEFIT_FIELDS})
    return PortfolioAppraisal(
        stand_alone={k: _appraise_flows(f, r) for k, f in parts.items()},
        with_interaction=_appraise_flows(with_, r),
        without_interaction=_appraise_flows(without, r),
        interaction=interaction,
    )
