"""Turn an array LP into a PuLP model quickly, and solve it back through the arrays.

The model users see and extend is PuLP; the rows are created from the CSR arrays in one
pass (one ``LpAffineExpression`` per row from ``(variable, coefficient)`` pairs), not
through ``lpSum`` of products, which builds a temporary expression per term. When the
model is solved with HiGHS, the base rows go to the solver straight from the arrays and
only what the user added is read back from PuLP.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pulp

from connectivity._lp_highs import ArrayLP, ArraySolution, FloatArray, solve_highs
from connectivity.solve import (
    SolveResult,
    _check_options,
    load_solution,
    pulp_to_arrays,
    solve,
)

__all__ = ["PulpArrayModel", "arrays_to_pulp", "solve_array_model"]


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


def solve_array_model(
    model: PulpArrayModel,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    mip_gap: float | None = None,
    msg: bool = False,
    highs_options: dict[str, object] | None = None,
) -> tuple[SolveResult, FloatArray | None, FloatArray | None]:
    """Solve ``model.problem``; return the result, base column values and base row duals.

    With HiGHS the base matrix goes to the solver from the arrays; rows, variables and
    objective terms that the user added to ``model.problem`` are read from PuLP. With CBC
    the whole PuLP model is written out as usual.
    """
    _check_options(solver, time_limit, mip_gap)
    problem = model.problem
    n_base_col = len(model.variables)
    n_base_row = len(model.constraints)
    if solver != "highs":
        result = solve(problem, solver=solver, time_limit=time_limit, mip_gap=mip_gap, msg=msg)
        if not result.has_solution:
            return result, None, None
        x = np.fromiter(
            (v.varValue or 0.0 for v in model.variables), dtype=np.float64, count=n_base_col
        )
        pi = np.fromiter(
            (c.pi if c.pi is not None else math.nan for c in model.constraints),
            dtype=np.float64,
            count=n_base_row,
        )
        return result, x, pi

    t0 = time.perf_counter()
    all_constraints = problem.constraints()
    objective_same = problem.objective is model.objective and len(model.objective) == int(
        np.count_nonzero(model.arrays.cost)
    )
    if not objective_same:
        # the user rewrote the objective: read the whole model back from PuLP
        return _solve_reread(model, time_limit, mip_gap, msg, highs_options)

    base = model.arrays
    extra = all_constraints[n_base_row:]
    lo = np.fromiter(
        (-np.inf if v.lowBound is None else v.lowBound for v in model.variables),
        dtype=np.float64,
        count=n_base_col,
    )
    hi = np.fromiter(
        (np.inf if v.upBound is None else v.upBound for v in model.variables),
        dtype=np.float64,
        count=n_base_col,
    )
    variables = list(model.variables)
    lp = base
    if extra:
        index = {v: j for j, v in enumerate(variables)}
        idx: list[int] = []
        val: list[float] = []
        starts = [0]
        e_lo: list[float] = []
        e_hi: list[float] = []
        for c in extra:
            for v, a in c.items():
                j = index.get(v)
                if j is None:
                    j = index[v] = len(variables)
                    variables.append(v)
                idx.append(j)
                val.append(a)
            starts.append(len(idx))
            lb, ub = c.getLb(), c.getUb()
            e_lo.append(-np.inf if lb is None else lb)
            e_hi.append(np.inf if ub is None else ub)
        new = variables[n_base_col:]
        lo = np.concatenate(
            [lo, np.array([-np.inf if v.lowBound is None else v.lowBound for v in new])]
        )
        hi = np.concatenate(
            [hi, np.array([np.inf if v.upBound is None else v.upBound for v in new])]
        )
        cost = np.concatenate([base.cost, np.zeros(len(new))])
        integer = np.concatenate(
            [
                base.integer if base.integer is not None else np.zeros(n_base_col, dtype=bool),
                np.array([v.cat == pulp.const.LpInteger for v in new], dtype=bool),
            ]
        )
        lp = ArrayLP(
            cost=cost,
            col_lower=lo,
            col_upper=hi,
            row_start=np.concatenate(
                [base.row_start, base.row_start[-1] + np.asarray(starts[1:], dtype=np.int64)]
            ),
            row_index=np.concatenate([base.row_index, np.asarray(idx, dtype=np.int64)]),
            row_value=np.concatenate([base.row_value, np.asarray(val, dtype=np.float64)]),
            row_lower=np.concatenate([base.row_lower, np.asarray(e_lo)]),
            row_upper=np.concatenate([base.row_upper, np.asarray(e_hi)]),
            integer=integer if integer.any() else None,
            offset=base.offset,
            maximize=base.maximize,
        )
    else:
        lp = ArrayLP(
            cost=base.cost,
            col_lower=lo,
            col_upper=hi,
            row_start=base.row_start,
            row_index=base.row_index,
            row_value=base.row_value,
            row_lower=base.row_lower,
            row_upper=base.row_upper,
            integer=base.integer,
            offset=base.offset,
            maximize=base.maximize,
        )
    solution: ArraySolution = solve_highs(
        lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg, options=highs_options
    )
    result = load_solution(solution, problem, variables, [*model.constraints, *extra])
    result = SolveResult(
        result.status,
        result.objective,
        result.bound,
        result.gap,
        time.perf_counter() - t0,
        result.solver,
        result.message,
    )
    if solution.x is None:
        return result, None, None
    duals = solution.row_dual[:n_base_row] if solution.row_dual is not None else None
    return result, solution.x[:n_base_col], duals


def _solve_reread(
    model: PulpArrayModel,
    time_limit: float | None,
    mip_gap: float | None,
    msg: bool,
    highs_options: dict[str, object] | None,
) -> tuple[SolveResult, FloatArray | None, FloatArray | None]:
    problem = model.problem
    lp, variables, constraints = pulp_to_arrays(problem)
    order = {v: j for j, v in enumerate(variables)}
    sol = solve_highs(lp, time_limit=time_limit, mip_gap=mip_gap, msg=msg, options=highs_options)
    result = load_solution(sol, problem, variables, constraints)
    if sol.x is None:
        return result, None, None
    cols = np.array([order.get(v, -1) for v in model.variables], dtype=np.int64)
    x: FloatArray = np.where(cols >= 0, sol.x[np.maximum(cols, 0)], 0.0)
    pos = {id(c): i for i, c in enumerate(constraints)}
    rows = np.array([pos.get(id(c), -1) for c in model.constraints], dtype=np.int64)
    pi: FloatArray | None = None
    if sol.row_dual is not None:
        pi = np.where(rows >= 0, sol.row_dual[np.maximum(rows, 0)], np.nan)
    return result, x, pi
