"""Turn an array LP into a PuLP model quickly.

The model users see and extend is PuLP; the rows are created from the CSR arrays in one
pass (one ``LpAffineExpression`` per row from ``(variable, coefficient)`` pairs), not
through ``lpSum`` of products, which builds a temporary expression per term. When the
model is solved with HiGHS (:func:`connectivity.optimize.solve_array_model`), the base
rows go to the solver straight from the arrays and only what the user added is read back
from PuLP.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pulp

from connectivity.optimize.arrays import ArrayLP

__all__ = ["PulpArrayModel", "arrays_to_pulp", "pulp_to_arrays"]


@dataclass(frozen=True)
class PulpArrayModel:
    """A PuLP model built from an :class:`ArrayLP`, with the handles to map back.

    ``variables[j]`` is column ``j``; ``constraints[i]`` is base row ``i``. Rows or
    variables that a user adds to ``problem`` later are picked up when solving.
    """

    problem: pulp.LpProblem
    variables: list[pulp.LpVariable]
    constraints: list[pulp.LpConstraint]
    arrays: ArrayLP
    objective: pulp.LpAffineExpression


def arrays_to_pulp(
    lp: ArrayLP,
    *,
    name: str,
    col_names: Sequence[str],
    row_names: Sequence[str],
) -> PulpArrayModel:
    """Create the PuLP model of ``lp`` (continuous columns, ranged rows split by sense).

    The objects are the ordinary PuLP ones. When this PuLP's object layout is the one
    :func:`_fast_layout_ok` checked, they are filled in directly instead of through the
    constructors (whose per-object validation is most of the build time: about 5x on a
    50k-variable flow model); otherwise the public constructors are used.
    """
    # hundreds of thousands of small objects, none of them cyclic garbage: pausing the
    # cyclic collector while they are made cuts the build time by about 40 %
    with _gc_paused():
        return _arrays_to_pulp(lp, name=name, col_names=col_names, row_names=row_names)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _arrays_to_pulp(
    lp: ArrayLP,
    *,
    name: str,
    col_names: Sequence[str],
    row_names: Sequence[str],
) -> PulpArrayModel:
    sense = pulp.const.LpMaximize if lp.maximize else pulp.const.LpMinimize
    problem = pulp.LpProblem(name, sense)
    bad = np.flatnonzero(np.isfinite(lp.row_lower) & np.isfinite(lp.row_upper)
                         & (lp.row_lower != lp.row_upper))  # fmt: skip
    if bad.size:
        r = int(bad[0])
        raise ValueError(
            f"row {row_names[r]!r} has two finite sides "
            f"[{lp.row_lower[r]}, {lp.row_upper[r]}]; split it in two"
        )
    lo = [None if math.isinf(a) else a for a in lp.col_lower.tolist()]
    hi = [None if math.isinf(b) else b for b in lp.col_upper.tolist()]
    cats = (
        [pulp.const.LpInteger if f else pulp.const.LpContinuous for f in lp.integer.tolist()]
        if lp.integer is not None
        else [pulp.const.LpContinuous] * len(lo)
    )
    fast = _fast_layout_ok()
    if fast:
        variables = _fast_variables(col_names, lo, hi, cats)
    else:
        make = problem.add_variable
        variables = [make(*args) for args in zip(col_names, lo, hi, cats, strict=True)]
    get = variables.__getitem__
    nz = lp.cost != 0
    obj_terms = zip(map(get, np.flatnonzero(nz).tolist()), lp.cost[nz].tolist(), strict=True)
    objective = (
        _fast_expression(obj_terms, float(lp.offset))
        if fast
        else pulp.LpAffineExpression(obj_terms, constant=float(lp.offset))
    )
    problem.setObjective(objective)

    index = lp.row_index.tolist()
    value = lp.row_value.tolist()
    starts = lp.row_start.tolist()
    EQ, LE, GE = pulp.const.LpConstraintEQ, pulp.const.LpConstraintLE, pulp.const.LpConstraintGE
    # sense and right-hand side of each row, vectorised
    eq = lp.row_lower == lp.row_upper
    senses = np.where(eq, EQ, np.where(np.isinf(lp.row_lower), LE, GE)).tolist()
    rhs = np.where(np.isinf(lp.row_lower), lp.row_upper, lp.row_lower).tolist()
    rows = [
        zip(
            map(get, index[starts[r] : starts[r + 1]]),
            value[starts[r] : starts[r + 1]],
            strict=True,
        )
        for r in range(len(row_names))
    ]
    if fast:
        constraints = _fast_constraints(rows, senses, rhs, row_names)
        problem._constraints.update(zip(row_names, constraints, strict=True))
        problem.modifiedConstraints.extend(constraints)
        problem._variables.extend(variables)
        problem._variable_ids.update((v.hash, v) for v in variables)
    else:
        constraints = []
        add = problem.addConstraint
        for terms, sense_r, rhs_r, nm in zip(rows, senses, rhs, row_names, strict=True):
            c = pulp.LpConstraint(pulp.LpAffineExpression(terms), sense_r, rhs=rhs_r)
            add(c, nm)
            constraints.append(c)
    return PulpArrayModel(problem, variables, constraints, lp, objective)


# The attribute layout of PuLP objects that the fast constructors fill in; checked once
# against objects made by PuLP's own constructors.
_VAR_KEYS = frozenset(
    {"_LpElement__name", "hash", "modified", "_lowbound_original", "lowBound",
     "_upbound_original", "upBound", "cat", "varValue", "dj"}
)  # fmt: skip
_EXPR_KEYS = frozenset({"_LpAffineExpression__name", "constant"})
_CON_KEYS = frozenset(
    {"expr", "_LpConstraint__name", "constant", "sense", "pi", "slack", "modified"}
)
_PROBLEM_KEYS = frozenset({"_constraints", "_variables", "_variable_ids", "modifiedConstraints"})


@functools.cache
def _fast_layout_ok() -> bool:
    """Whether this PuLP builds its objects with exactly the attributes filled in here."""
    try:
        p = pulp.LpProblem("layout_check", pulp.const.LpMinimize)
        v = p.add_variable("x", 0, None)
        e = pulp.LpAffineExpression([(v, 1.0)])
        c = pulp.LpConstraint(e, pulp.const.LpConstraintEQ, rhs=1.0)
        p.addConstraint(c, "c")
        fv = _fast_variables(["x"], [0], [None], [pulp.const.LpContinuous])[0]
        fc = _fast_constraints([iter([(fv, 1.0)])], [pulp.const.LpConstraintEQ], [1.0], ["c"])[0]
        return (
            set(vars(v)) == _VAR_KEYS == set(vars(fv))
            and set(vars(e)) == _EXPR_KEYS == set(vars(fc.expr))
            and set(vars(c)) == _CON_KEYS == set(vars(fc))
            and _PROBLEM_KEYS <= set(vars(p))
            and c.name == fc.name == "c"
            and str(c) == str(fc)
            and v.getLb() == fv.getLb()
            and p._variable_ids.get(v.hash) is v
        )
    except Exception:  # any surprise: use the public constructors
        return False


def _fast_variables(
    names: Sequence[str], lo: Sequence[float | None], hi: Sequence[float | None],
    cats: Sequence[str],
) -> list[pulp.LpVariable]:  # fmt: skip
    new = object.__new__
    cls = pulp.LpVariable
    out = []
    for nm, a, b, cat in zip(names, lo, hi, cats, strict=True):
        v = new(cls)
        v.__dict__ = {
            "_LpElement__name": nm, "hash": id(v), "modified": True,
            "_lowbound_original": a, "lowBound": a, "_upbound_original": b, "upBound": b,
            "cat": cat, "varValue": None, "dj": None,
        }  # fmt: skip
        out.append(v)
    return out


def _fast_expression(
    terms: Iterable[tuple[pulp.LpVariable, float]], constant: float
) -> pulp.LpAffineExpression:
    ex = dict.__new__(pulp.LpAffineExpression)
    dict.update(ex, terms)
    ex.__dict__ = {"_LpAffineExpression__name": None, "constant": constant}
    return ex


def _fast_constraints(
    rows: Iterable[Iterable[tuple[pulp.LpVariable, float]]],
    senses: Sequence[int],
    rhs: Sequence[float],
    names: Sequence[str],
) -> list[pulp.LpConstraint]:
    new = object.__new__
    dnew = dict.__new__
    update = dict.update
    ecls = pulp.LpAffineExpression
    ccls = pulp.LpConstraint
    out = []
    for terms, sense, b, nm in zip(rows, senses, rhs, names, strict=True):
        ex = dnew(ecls)
        update(ex, terms)
        ex.__dict__ = {"_LpAffineExpression__name": None, "constant": 0.0}
        c = new(ccls)
        c.__dict__ = {
            "expr": ex, "_LpConstraint__name": nm, "constant": -b, "sense": sense,
            "pi": None, "slack": None, "modified": True,
        }  # fmt: skip
        out.append(c)
    return out


def pulp_to_arrays(
    problem: pulp.LpProblem,
) -> tuple[ArrayLP, list[pulp.LpVariable], list[pulp.LpConstraint]]:
    """Read a PuLP model into row-wise arrays, with the column and row order used."""
    index: dict[pulp.LpVariable, int] = {}
    variables: list[pulp.LpVariable] = []

    def col(v: pulp.LpVariable) -> int:
        i = index.get(v)
        if i is None:
            i = len(variables)
            index[v] = i
            variables.append(v)
        return i

    objective = problem.objective if problem.objective is not None else pulp.LpAffineExpression()
    obj_items = [(col(v), float(a)) for v, a in objective.items()]
    constraints: list[pulp.LpConstraint] = list(problem.constraints())
    n_row = len(constraints)
    starts = np.zeros(n_row + 1, dtype=np.int64)
    idx: list[int] = []
    val: list[float] = []
    row_lo = np.full(n_row, -np.inf)
    row_hi = np.full(n_row, np.inf)
    for r, c in enumerate(constraints):
        for v, a in c.items():
            if a != 0:
                idx.append(col(v))
                val.append(a)
        starts[r + 1] = len(idx)
        lb, ub = c.getLb(), c.getUb()
        if lb is not None:
            row_lo[r] = lb
        if ub is not None:
            row_hi[r] = ub
    n_col = len(variables)
    cost = np.zeros(n_col)
    for i, a in obj_items:
        cost[i] += a
    col_lo = np.array(
        [-np.inf if v.lowBound is None else v.lowBound for v in variables], dtype=np.float64
    )
    col_hi = np.array(
        [np.inf if v.upBound is None else v.upBound for v in variables], dtype=np.float64
    )
    integer = np.array([v.cat == pulp.const.LpInteger for v in variables], dtype=bool)
    lp = ArrayLP(
        cost=cost,
        col_lower=col_lo.reshape(-1),
        col_upper=col_hi.reshape(-1),
        row_start=starts,
        row_index=np.asarray(idx, dtype=np.int64),
        row_value=np.asarray(val, dtype=np.float64),
        row_lower=row_lo,
        row_upper=row_hi,
        integer=integer if integer.any() else None,
        offset=float(objective.constant),
        maximize=problem.sense == pulp.const.LpMaximize,
    )
    return lp, variables, constraints
