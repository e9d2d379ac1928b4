"""Benchmark the system-optimal flow LP: build and solve, ours vs naive PuLP vs highspy.

Run on demand (not part of the test suite)::

    python benchmarks/bench_lp.py                   # 50k and 200k variables
    python benchmarks/bench_lp.py --sizes 50k,200k,1m --cbc-max 200k

Compares, on the same generated instance (a grid network with capacities on a third of
the links, origin-based formulation):

- ours: :func:`connectivity.assign.build_system_optimum` (PuLP model from sparse arrays)
  and :func:`~connectivity.assign.solve_system_optimum` with HiGHS;
- naive PuLP: the same model written with one ``lpSum`` per constraint, solved through
  PuLP's own HiGHS interface (``pulp.HiGHS``) and through CBC;
- highspy direct: the same arrays handed to ``highspy`` with one ``passModel``;
- the arc-per-OD-pair formulation of the same problem (``per_od=True``), HiGHS;
- path column generation (``system_optimum(..., formulation="paths")``): a master LP
  over generated paths, re-solved warm in one HiGHS object, priced by the numba
  shortest-path kernel. Its HiGHS options are its own (primal simplex, no presolve), not
  ``--highs-solver``.

Writes a Markdown table to ``benchmarks/results/lp.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import highspy
import numpy as np
import pulp
from _grid import grid_arcs

from connectivity.assign import (
    FlowProblem,
    build_system_optimum,
    flow_lp,
    flow_problem,
    path_system_optimum,
    solve_paths,
    solve_system_optimum,
    system_optimum,
)
from connectivity.errors import SolverError
from connectivity.optimize import quiet_stdout

RESULTS = Path(__file__).parent / "results" / "lp.md"
SIZES = {"50k": (25, 20), "200k": (40, 32), "1m": (60, 70)}  # grid side, origins
DESTS_PER_ORIGIN = 10
PENALTY = 1000.0


@dataclass
class Instance:
    tail: np.ndarray
    head: np.ndarray
    cost: np.ndarray
    capacity: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    tonnes: np.ndarray
    n_nodes: int


def make_instance(side: int, n_origins: int, seed: int = 0) -> Instance:
    rng = np.random.default_rng(seed)
    t, h = grid_arcs(side)
    m = t.shape[0]
    cost = rng.uniform(1.0, 10.0, m).round(2)
    cap = np.where(rng.random(m) < 1 / 3, rng.uniform(100.0, 400.0, m).round(), np.inf)
    n = side * side
    origins = rng.choice(n, n_origins, replace=False)
    o, d = [], []
    for org in origins:
        dests = rng.choice(np.setdiff1d(np.arange(n), [org]), DESTS_PER_ORIGIN, replace=False)
        o += [org] * DESTS_PER_ORIGIN
        d += dests.tolist()
    q = rng.uniform(10.0, 100.0, len(o)).round(1)
    return Instance(t, h, cost, cap, np.array(o), np.array(d), q, n)


def naive_pulp(inst: Instance) -> tuple[pulp.LpProblem, float]:
    """The origin-based model written the usual way: one lpSum per constraint."""
    t0 = time.perf_counter()
    prob = pulp.LpProblem("naive", pulp.LpMinimize)
    m = inst.tail.shape[0]
    origins = np.unique(inst.origin)
    out_edges: list[list[int]] = [[] for _ in range(inst.n_nodes)]
    in_edges: list[list[int]] = [[] for _ in range(inst.n_nodes)]
    for e in range(m):
        out_edges[int(inst.tail[e])].append(e)
        in_edges[int(inst.head[e])].append(e)
    x = {
        (int(o), e): prob.add_variable(f"x_{o}_{e}", lowBound=0) for o in origins for e in range(m)
    }
    u = [
        prob.add_variable(f"u_{i}", lowBound=0, upBound=float(q)) for i, q in enumerate(inst.tonnes)
    ]
    prob += pulp.lpSum(float(inst.cost[e]) * x[int(o), e] for o in origins for e in range(m)) + (
        pulp.lpSum(PENALTY * v for v in u)
    )
    for o in origins:
        o = int(o)
        ods = np.flatnonzero(inst.origin == o)
        for node in range(inst.n_nodes):
            supply = 0.0
            terms = [x[o, e] for e in out_edges[node]]
            minus = [x[o, e] for e in in_edges[node]]
            un = []
            if node == o:
                supply += float(inst.tonnes[ods].sum())
                un += [u[i] for i in ods]
            dest_here = [i for i in ods if inst.destination[i] == node]
            supply -= float(sum(inst.tonnes[i] for i in dest_here))
            prob += (
                pulp.lpSum(terms) - pulp.lpSum(minus) + pulp.lpSum(un)
                - pulp.lpSum(u[i] for i in dest_here) == supply,
                f"flow_{o}_{node}",
            )  # fmt: skip
    for e in range(m):
        if np.isfinite(inst.capacity[e]):
            prob += pulp.lpSum(x[int(o), e] for o in origins) <= float(inst.capacity[e]), f"cap_{e}"
    return prob, time.perf_counter() - t0


def solve_naive(prob: pulp.LpProblem, solver: str, time_limit: float) -> tuple[float, float, str]:
    if solver == "highs":
        cmd = pulp.HiGHS(msg=False, timeLimit=time_limit)
    else:
        cmd = pulp.COIN_CMD(path=pulp.PULP_CBC_CMD.pulp_cbc_path, msg=False, timeLimit=time_limit)
    t0 = time.perf_counter()
    with quiet_stdout():
        prob.solve(cmd)
    seconds = time.perf_counter() - t0
    return seconds, float(pulp.value(prob.objective)), pulp.LpStatus[prob.status]


def highspy_direct(inst: Instance, options: dict[str, object]) -> tuple[float, float, float, str]:
    """Arrays assembled with numpy/scipy and handed to highspy in one passModel."""
    t0 = time.perf_counter()
    lp, _ = flow_lp(problem_of(inst))
    model = highspy.HighsLp()
    model.num_col_ = lp.cost.shape[0]
    model.num_row_ = lp.row_lower.shape[0]
    model.col_cost_ = lp.cost
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = lp.row_start.astype(np.int32)
    model.a_matrix_.index_ = lp.row_index.astype(np.int32)
    model.a_matrix_.value_ = lp.row_value
    build = time.perf_counter() - t0
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for k, v in options.items():
        h.setOptionValue(k, v)
    h.passModel(model)
    h.run()
    total = time.perf_counter() - t0
    status = h.modelStatusToString(h.getModelStatus())
    return build, total, float(h.getInfo().objective_function_value), status


def ours(inst: Instance, options: dict[str, object], *, per_od: bool = False):
    t0 = time.perf_counter()
    model = build_system_optimum(problem_of(inst), per_od=per_od)
    build = time.perf_counter() - t0
    n_vars = len(model.problem.variables())
    try:
        result = solve_system_optimum(model, highs_options=options)
    except SolverError as exc:  # e.g. the time limit reached without a feasible point
        return build, time.perf_counter() - t0, float("nan"), f"no result: {exc}", n_vars
    total = time.perf_counter() - t0
    return build, total, result.total_cost, result.solve.status.value, n_vars


def colgen(
    inst: Instance, time_limit: float, repeat: int
) -> tuple[float, float, int, int, str, float]:
    """Median of ``repeat`` runs (it is cheap); see :func:`colgen_once`."""
    runs = [colgen_once(inst, time_limit) for _ in range(repeat)]
    times = sorted(r[0] for r in runs)
    return (times[len(times) // 2], *runs[-1][1:])


def colgen_once(inst: Instance, time_limit: float) -> tuple[float, float, int, int, str, float]:
    """Validation, column generation and the mapping to edges, as ``system_optimum`` does."""
    t0 = time.perf_counter()
    problem = problem_of(inst)
    sol = solve_paths(problem, time_limit=time_limit)
    try:
        obj = path_system_optimum(problem, sol).total_cost
    except SolverError:
        obj = float("nan")
    total = time.perf_counter() - t0
    return (total, obj, sol.iterations, int(sol.path_od.shape[0]), sol.result.status.value,
            sol.result.gap)


def problem_of(inst: Instance) -> FlowProblem:
    """The flow problem of an instance (validated, as every solver path takes it)."""
    return flow_problem(inst.tail, inst.head, inst.cost, inst.origin, inst.destination,
                        inst.tonnes, capacity=inst.capacity, unserved_penalty=PENALTY,
                        n_nodes=inst.n_nodes)


def warm_up() -> None:
    """Load the numba kernels from their cache once, outside any timing."""
    system_optimum(flow_problem([0, 1], [1, 2], [1.0, 1.0], [0], [2], [1.0],
                                unserved_penalty=10.0), formulation="paths")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50k,200k")
    ap.add_argument("--cbc-max", default="200k", help="largest size also solved by CBC")
    ap.add_argument("--naive-max", default="200k", help="largest size built naively")
    ap.add_argument("--per-od-max", default="50k", help="largest size for arc-per-OD")
    ap.add_argument("--direct-max", default="1m", help="largest size for highspy direct")
    ap.add_argument("--cg-repeat", type=int, default=3, help="column generation runs (median)")
    ap.add_argument("--skip-ours", action="store_true",
                    help="skip the aggregated model (e.g. when it cannot finish)")
    ap.add_argument("--time-limit", type=float, default=900.0)
    ap.add_argument(
        "--highs-solver", default="choose", help="HiGHS 'solver' option: choose/simplex/ipm"
    )
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    order = list(SIZES)
    options: dict[str, object] = {"solver": args.highs_solver, "time_limit": args.time_limit}
    rows = []
    per_od_rows = []
    cg_rows = []
    warm_up()
    for size in args.sizes.split(","):
        side, n_orig = SIZES[size]
        inst = make_instance(side, n_orig)
        print(f"== {size}: grid {side}x{side}, {n_orig} origins", flush=True)
        ctot, cobj, cit, ccols, cst, cgap = colgen(inst, args.time_limit, args.cg_repeat)
        print(f"path columns: total {ctot:.2f}s, {cit} master solves, {ccols} columns, "
              f"obj {cobj:.6f} {cst} gap {cgap:.1e}", flush=True)  # fmt: skip
        cg = dict(size=size, cg_total=ctot, cg_obj=cobj, cg_iter=cit, cg_cols=ccols,
                  cg_status=cst, cg_gap=cgap)  # fmt: skip
        if args.skip_ours:
            nv = int(np.unique(inst.origin).shape[0] * inst.tail.shape[0] + inst.origin.shape[0])
            b, tot, obj, st = float("nan"), float("nan"), float("nan"), "not run"
        else:
            b, tot, obj, st, nv = ours(inst, options)
        print(f"ours: {nv} vars, build {b:.2f}s total {tot:.2f}s obj {obj:.6f} {st}", flush=True)
        row = dict(size=size, n_vars=nv, ours_build=b, ours_total=tot, ours_obj=obj,
                   ours_status=st)  # fmt: skip
        cg.update(agg_vars=nv, agg_total=tot, agg_obj=obj, agg_status=st)
        if order.index(size) <= order.index(args.direct_max):
            hb, ht, hobj, hst = highspy_direct(inst, options)
            print(f"highspy direct: build {hb:.2f}s total {ht:.2f}s obj {hobj:.6f} {hst}",
                  flush=True)  # fmt: skip
            row.update(hs_build=hb, hs_total=ht, hs_obj=hobj)
        if order.index(size) <= order.index(args.naive_max):
            prob, nb = naive_pulp(inst)
            print(f"naive build {nb:.2f}s", flush=True)
            row["naive_build"] = nb
            s, nobj, nst = solve_naive(prob, "highs", args.time_limit)
            print(f"naive + pulp.HiGHS solve {s:.2f}s obj {nobj:.6f} {nst}", flush=True)
            row.update(naive_highs=s, naive_highs_obj=nobj)
            if order.index(size) <= order.index(args.cbc_max):
                prob, _ = naive_pulp(inst)
                s, cobj, cst = solve_naive(prob, "cbc", args.time_limit)
                print(f"naive + CBC solve {s:.2f}s obj {cobj:.6f} {cst}", flush=True)
                row.update(naive_cbc=s, naive_cbc_obj=cobj, naive_cbc_status=cst)
        rows.append(row)
        if order.index(size) <= order.index(args.per_od_max):
            pb, ptot, pobj, pst, pnv = ours(inst, options, per_od=True)
            print(f"arc-per-OD: {pnv} vars, build {pb:.2f}s total {ptot:.2f}s obj {pobj:.6f} "
                  f"{pst}", flush=True)  # fmt: skip
            per_od_rows.append(dict(size=size, agg_vars=nv, agg_total=tot, agg_obj=obj,
                                    od_vars=pnv, od_total=ptot, od_obj=pobj))  # fmt: skip
            cg.update(od_vars=pnv, od_total=ptot, od_obj=pobj, od_status=pst)
        cg_rows.append(cg)
    write_report(Path(args.out), rows, per_od_rows, cg_rows, args)


def _f(x: object, fmt: str = "{:.2f}") -> str:
    return fmt.format(x) if isinstance(x, float | int) else "-"


def _ratio(a: object, b: object) -> str:
    ok = isinstance(a, float) and isinstance(b, float) and np.isfinite(a) and np.isfinite(b)
    return f"{a / b:.1f}x" if ok else "-"


def _ratio3(a: object, b: object) -> str:
    ok = isinstance(a, float) and isinstance(b, float) and np.isfinite(a) and np.isfinite(b)
    return f"{a / b:.3f}" if ok else "-"


def _rel(a: object, b: object) -> str:
    ok = isinstance(a, float) and isinstance(b, float) and np.isfinite(a) and np.isfinite(b)
    return f"{abs(a - b) / abs(b):.1e}" if ok else "-"


def write_report(
    path: Path, rows: list[dict], per_od_rows: list[dict], cg_rows: list[dict], args
) -> None:
    import scipy

    cpu = os.cpu_count()
    lines = [
        "# System-optimal flow LP: build and solve times",
        "",
        f"Generated by `benchmarks/bench_lp.py --sizes {args.sizes}` on {platform.machine()}, "
        f"{cpu} cores (shared with other work while this ran), Python "
        f"{sys.version.split()[0]}, PuLP {pulp.__version__}, highspy "
        f"{version('highspy')} (HiGHS option solver={args.highs_solver}), "
        f"numpy {np.__version__}, scipy {scipy.__version__}. Wall seconds; one run each, "
        f"column generation the median of {args.cg_repeat}.",
        "",
        "Instance: grid network, a third of the links capacitated, 10 destinations per "
        "origin, origin-based formulation, unserved demand at a penalty.",
        "",
        "## Build and total time",
        "",
        "| size | variables | ours build | naive PuLP build | build speed-up | ours total (HiGHS) "
        "| highspy direct total | ours / highspy | naive + pulp.HiGHS total | naive + CBC total "
        "| objective ours | objective highspy | CBC status |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        nb = r.get("naive_build")
        speed = nb / r["ours_build"] if nb else None
        nh = (nb + r["naive_highs"]) if nb and "naive_highs" in r else None
        nc = (nb + r["naive_cbc"]) if nb and "naive_cbc" in r else None
        lines.append(
            f"| {r['size']} | {r['n_vars']:,} | {_f(r['ours_build'])} | {_f(nb)} | "
            f"{_f(speed, '{:.1f}x')} | {_f(r['ours_total'])} | {_f(r.get('hs_total'))} | "
            f"{_ratio3(r['ours_total'], r.get('hs_total'))} | {_f(nh)} | {_f(nc)} | "
            f"{r['ours_obj']:.6f} | {_f(r.get('hs_obj'), '{:.6f}')} | "
            f"{r.get('naive_cbc_status', '-')} |"
        )
    lines += [
        "",
        "Naive totals are build plus `prob.solve(...)`; for `pulp.HiGHS` that solve includes "
        "PuLP's per-row hand-over to highspy. CBC's status is PuLP's reading of it.",
        "",
        "## Formulation: origin-aggregated vs arc-per-OD-pair (both ours, HiGHS)",
        "",
        "| size | aggregated variables | aggregated total | arc-per-OD variables "
        "| arc-per-OD total | speed-up | relative objective difference |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in per_od_rows:
        diff = abs(r["agg_obj"] - r["od_obj"]) / abs(r["od_obj"])
        lines.append(
            f"| {r['size']} | {r['agg_vars']:,} | {_f(r['agg_total'])} | {r['od_vars']:,} | "
            f"{_f(r['od_total'])} | {_f(r['od_total'] / r['agg_total'], '{:.1f}x')} | "
            f"{diff:.1e} |"
        )
    lines += [
        "",
        "## Formulation: path columns (CG) vs arc-per-OD and origin-aggregated (HiGHS)",
        "",
        "| size | CG total | master solves | path columns | CG status (proven gap) "
        "| aggregated total | arc-per-OD total | CG speed-up vs aggregated "
        "| CG speed-up vs arc-per-OD | objective CG | rel. diff vs aggregated "
        "| rel. diff vs arc-per-OD |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in cg_rows:
        lines.append(
            f"| {r['size']} | {_f(r['cg_total'])} | {r['cg_iter']} | {r['cg_cols']:,} | "
            f"{r['cg_status']} ({r['cg_gap']:.0e}) | {_f(r.get('agg_total'))} | "
            f"{_f(r.get('od_total'))} | {_ratio(r.get('agg_total'), r['cg_total'])} | "
            f"{_ratio(r.get('od_total'), r['cg_total'])} | {r['cg_obj']:.6f} | "
            f"{_rel(r['cg_obj'], r.get('agg_obj'))} | {_rel(r['cg_obj'], r.get('od_obj'))} |"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
