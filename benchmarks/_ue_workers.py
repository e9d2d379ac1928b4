"""Timed runs of ``bench_ue_hierarchy.py``, one subprocess per call (private).

``python _ue_workers.py SPEC.json`` reads a network (an ``.npz`` written by
:func:`save_case`), runs what the spec asks and writes a JSON result next to the spec
(flows in an ``.npz`` beside it). Each run is its own process so that its thread count
is fixed from the start (``NUMBA_NUM_THREADS``, ``OMP_NUM_THREADS`` set by the caller)
and its CPU time (``time.process_time``: every thread of the process) is its own.

Engines:

- ``ours``: :func:`connectivity.paths.all_or_nothing` and
  :func:`connectivity.assign.user_equilibrium` (BFW) with ``method=`` dijkstra,
  hierarchy or auto;
- ``aeq``: AequilibraE's ``allOrNothing`` and its BFW ``TrafficAssignment``. Its own
  stopping rule measures the gap on a mix of the previous costs and the current flows,
  so the run is instrumented instead: when each iteration starts its line search, the
  flows ``x`` of the previous iteration, their costs ``c(x)`` and the all-or-nothing
  load ``y`` at those costs are all at hand, and the worker records
  ``(c.x - c.y) / c.x``, our definition of the relative gap for ``x``, and stops the run
  as soon as it reaches the target (the load that measured it is the last one, as in
  ours). AequilibraE's own gap is kept alongside.

Only the standard library and numpy are imported at the top: the AequilibraE worker may
run in another interpreter (``--aequilibrae PYTHON``) that has no ``connectivity``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

# the free-flow time AequilibraE gets for links whose time is 0
AEQ_MIN_FFT = 1e-6
CASE_FIELDS = ("tail", "head", "fft", "cap", "alpha", "beta", "fixed", "zones", "demand",
               "no_through", "n_nodes")


def save_case(path: Path, **arrays: Any) -> None:
    """Write a network and its demand: 0-based ``tail``/``head``, ``fft``, ``cap``
    (``inf``: uncongested), ``alpha``, ``beta``, ``fixed`` (a cost added to the time,
    the TNTP generalized cost's toll and distance terms) per link, ``zones`` (node indices),
    ``demand`` (zones x zones), ``no_through`` (zone nodes paths may not pass through)
    and ``n_nodes``."""
    missing = set(CASE_FIELDS) - set(arrays)
    if missing:
        raise ValueError(f"save_case: missing {sorted(missing)}")
    np.savez(path, **arrays)


def load_case(path: str | Path) -> dict[str, Any]:
    d = np.load(path)
    case = {k: d[k] for k in CASE_FIELDS}
    case["n_nodes"] = int(case["n_nodes"])
    return case


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


# ---------------------------------------------------------------------------- ours


def ours_problem(case: dict[str, Any]):  # -> EquilibriumProblem
    from connectivity.assign import equilibrium_problem

    nt = case["no_through"]
    return equilibrium_problem(
        case["tail"], case["head"], case["fft"], case["cap"], case["zones"], case["zones"],
        case["demand"], n_nodes=case["n_nodes"], alpha=case["alpha"], beta=case["beta"],
        toll=case["fixed"], toll_factor=1.0, no_through=nt if nt.size else None,
    )


def _ours_warm() -> None:
    """Load every kernel (numba's on-disk cache) and pymetis outside the timings."""
    from _grid import grid_arcs

    from connectivity import paths
    from connectivity.assign import equilibrium_problem, user_equilibrium

    t, h = grid_arcs(12)
    w = np.linspace(1.0, 2.0, t.shape[0])
    z = np.arange(0, 144, 9)
    q = np.ones((z.shape[0], z.shape[0]))
    g = paths.from_arrays(t, h, w, 144)
    for perfect in (True, False):
        hh = paths.hierarchy(g, perfect=perfect)
        paths.all_or_nothing(g, z, z, q, hierarchy=hh)
    paths.all_or_nothing(g, z, z, q, method="dijkstra")
    p = equilibrium_problem(t, h, w, np.full(t.shape[0], 5.0), z, z, q, n_nodes=144)
    for method in ("dijkstra", "hierarchy"):
        user_equilibrium(p, max_iter=3, method=method, progress=False)


def ours_aon(case: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """One load at free-flow times by Dijkstra, by the hierarchy (perfect customization,
    the default) and by the hierarchy with basic customization, ``reps`` times
    interleaved; the first order and contraction timed once."""
    from connectivity import paths

    if case["no_through"].size:
        raise ValueError("all-or-nothing is benchmarked on networks without no-through zones")
    _ours_warm()
    g = paths.from_arrays(case["tail"], case["head"], case["fft"], case["n_nodes"])
    z, q, w = case["zones"], case["demand"], case["fft"]
    w0, c0 = _clock()
    h = paths.hierarchy(g)
    w1, c1 = _clock()
    out: dict[str, Any] = {
        "first": {"wall": w1 - w0, "cpu": c1 - c0, "order_s": h.topology.order_s,
                  "contract_s": h.topology.contract_s, "customize_s": h.customize_s,
                  "n_arcs": h.n_arcs},
        "runs": {"dijkstra": [], "hierarchy": [], "hierarchy-basic": []},
    }
    flows: dict[str, np.ndarray] = {}
    for _ in range(spec["reps"]):
        for name in spec["methods"]:
            w0, c0 = _clock()
            if name == "dijkstra":
                f = paths.all_or_nothing(g, z, z, q, method="dijkstra")
                w1, c1 = w0, c0
            else:
                hc = h.customize(w, perfect=(name == "hierarchy"))
                w1, c1 = _clock()
                f = paths.all_or_nothing(hc.graph, z, z, q, hierarchy=hc)
            w2, c2 = _clock()
            out["runs"][name].append({"custom_wall": w1 - w0, "custom_cpu": c1 - c0,
                                      "load_wall": w2 - w1, "load_cpu": c2 - c1,
                                      "wall": w2 - w0, "cpu": c2 - c0,
                                      "sptt": float(f @ w)})
            flows[name] = f
    return out, flows


class _IterationClock(logging.Handler):
    """Wall and CPU clocks at each iteration's debug record of user_equilibrium
    (emitted after the iteration's line search; args: iteration, gap, step)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.ticks: dict[int, tuple[float, float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("iteration") and isinstance(record.args, tuple):
            self.ticks[int(record.args[0])] = _clock()


def ours_ue(case: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """BFW to the smallest of ``gaps`` (or ``max_iter``) with each of ``methods``, each
    on a fresh graph (so a hierarchy is ordered and contracted inside the timing)."""
    from connectivity.assign import user_equilibrium

    _ours_warm()
    problem = ours_problem(case)
    clock = _IterationClock()
    log = logging.getLogger("connectivity.assign.equilibrium")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(clock)
    gaps = sorted(spec["gaps"], reverse=True)
    runs: dict[str, Any] = {}
    flows: dict[str, np.ndarray] = {}
    for method in spec["methods"]:
        clock.ticks.clear()
        w0, c0 = _clock()
        r = user_equilibrium(problem, algorithm="bfw", gap=gaps[-1],
                             max_iter=spec["max_iter"], method=method, progress=False)
        w1, c1 = _clock()
        hist = r.relative_gap
        at = {}
        for target in gaps:
            below = np.flatnonzero(hist <= target)
            if not below.size:
                continue
            j = int(below[0])
            # gap j measures the flow after iteration j; its load is that of iteration
            # j + 1, logged after that iteration's line search (unless the run stopped there)
            tick = clock.ticks.get(j + 1, (w1, c1))
            at[str(target)] = {"loads": j + 2, "gap": float(hist[j]), "wall": tick[0] - w0,
                               "cpu": tick[1] - c0,
                               "beckmann": float(r.beckmann_history[j])}
        runs[method] = {"wall": w1 - w0, "cpu": c1 - c0, "loads": int(hist.size + 1),
                        "iterations": r.iterations, "gap": r.gap, "converged": r.converged,
                        "tstt": r.tstt, "beckmann": r.beckmann, "at": at,
                        "gaps": hist.tolist()}
        flows[method] = r.flow
    return {"runs": runs}, flows


# ------------------------------------------------------------------------- AequilibraE


def _aeq_graph(case: dict[str, Any]):
    """AequilibraE graph, matrix and the link index of each graph row (AequilibraE wants
    the zones to be nodes 1..n_zones: zones are renumbered first)."""
    import pandas as pd
    from aequilibrae.matrix import AequilibraeMatrix
    from aequilibrae.paths import Graph

    t, h, zones = case["tail"], case["head"], case["zones"]
    n, nz = case["n_nodes"], zones.shape[0]
    order = np.concatenate([zones, np.setdiff1d(np.arange(n), zones)])
    new_id = np.empty(n, dtype=np.int64)
    new_id[order] = np.arange(1, n + 1)
    cap, alpha = case["cap"].copy(), case["alpha"].copy()
    free = np.isinf(cap)  # uncongested: the same free-flow time as ours
    cap[free], alpha[free] = 1.0, 0.0
    # AequilibraE wants beta >= 1; beta does nothing where alpha is 0 (Barcelona's
    # connectors have power 0)
    beta = np.where(alpha == 0, np.maximum(case["beta"], 1.0), case["beta"])
    # AequilibraE refuses a free-flow time of 0 (Chicago-Sketch's centroid connectors):
    # those links get AEQ_MIN_FFT instead (the metrics of its flows use the true times)
    fft = np.maximum(case["fft"], AEQ_MIN_FFT)
    net = pd.DataFrame({"link_id": np.arange(1, t.shape[0] + 1), "a_node": new_id[t],
                        "b_node": new_id[h], "direction": 1, "free_flow_time": fft,
                        "capacity": cap, "alpha": alpha, "beta": beta,
                        "fixed_cost": case["fixed"]})
    g = Graph()
    g.network = net
    g.prepare_graph(np.arange(1, nz + 1))
    g.set_graph("free_flow_time")  # no skims: ours computes none either
    blocked = case["no_through"]
    if blocked.size and not np.array_equal(np.sort(blocked), np.sort(zones)):
        raise ValueError("AequilibraE blocks all zones or none: no_through must be the zones")
    g.set_blocked_centroid_flows(bool(blocked.size))
    g.network["id"] = g.network["link_id"]
    mat = AequilibraeMatrix()
    mat.create_empty(zones=nz, matrix_names=["m"], memory_only=True)
    mat.index[:] = np.arange(1, nz + 1)
    mat.matrices[:, :, 0] = case["demand"]
    mat.computational_view(["m"])
    rows = g.graph
    link = rows["link_id"].to_numpy() - 1
    supernet = rows["__supernet_id__"].to_numpy()
    return g, mat, link, supernet


def _to_links(x: np.ndarray, link: np.ndarray, supernet: np.ndarray, m: int) -> np.ndarray:
    out = np.zeros(m)
    out[link] = x[supernet]
    return out


def aeq_aon(case: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """``allOrNothing.execute`` at free-flow times on a prepared graph, ``reps`` times."""
    from aequilibrae.paths.all_or_nothing import allOrNothing
    from aequilibrae.paths.results import AssignmentResults

    threads = spec["threads"] or 0
    w0, c0 = _clock()
    g, mat, link, supernet = _aeq_graph(case)
    res = AssignmentResults()
    res.set_cores(threads)
    res.prepare(g, mat)
    w1, c1 = _clock()
    runs = []
    f = np.zeros(0)
    for _ in range(spec["reps"]):
        res.reset()
        aon = allOrNothing("car", mat, g, res)
        w2, c2 = _clock()
        aon.execute()
        res.total_flows()
        w3, c3 = _clock()
        f = _to_links(res.total_link_loads, link, supernet, case["tail"].shape[0])
        runs.append({"wall": w3 - w2, "cpu": c3 - c2, "sptt": float(f @ case["fft"])})
    return {"setup": {"wall": w1 - w0, "cpu": c1 - c0}, "runs": {"aeq": runs},
            "cores": int(res.cores), "version": _aeq_version()}, {"aeq": f}


class _Stop(Exception):
    pass


def aeq_bfw(case: dict[str, Any], *, max_iter: int, target: float,
            cores: int) -> tuple[Any, np.ndarray, Any]:
    """AequilibraE's BFW on ``case`` as the benchmarks pose it (BPR, value of time 1 on
    the fixed cost), ready to execute: the assignment, and ``link``, ``supernet`` for
    :func:`_to_links`. It runs ``max_iter`` iterations plus one (it measures the gap of
    an iteration's flow during the next one; ours at the end of the same one), with
    its own stopping rule far below ``target`` so that ours stops it."""
    from aequilibrae.paths import TrafficAssignment, TrafficClass

    g, mat, link, supernet = _aeq_graph(case)
    tc = TrafficClass("car", g, mat)
    tc.set_pce(1.0)
    if case["fixed"].any():
        tc.set_fixed_cost("fixed_cost", 1.0)  # value of time 1: cost = time + fixed
    ta = TrafficAssignment()
    ta.set_classes([tc])
    ta.set_vdf("BPR")
    ta.set_vdf_parameters({"alpha": "alpha", "beta": "beta"})
    ta.set_capacity_field("capacity")
    ta.set_time_field("free_flow_time")
    ta.set_algorithm("bfw")
    ta.max_iter = max_iter + 1
    ta.rgap_target = target * 1e-6
    ta.set_cores(cores)
    return ta, link, supernet


def aeq_gap(solver: Any) -> float:
    """Our relative gap of an AequilibraE ``LinearApproximation`` iteration's flow."""
    c = solver.congested_time + solver.traffic_classes[0].fixed_cost
    x, y = solver.fw_total_flow, solver.aon_total_flow
    total = float(np.einsum("i,i->", c, x))
    return (total - float(np.einsum("i,i->", c, y))) / total if total > 0 else 0.0


def aeq_ue(case: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    """AequilibraE's BFW, stopped on our gap definition (see the module docstring)."""
    from aequilibrae.paths.linear_approximation import LinearApproximation

    gaps = sorted(spec["gaps"], reverse=True)
    m = case["tail"].shape[0]
    ta, link, supernet = aeq_bfw(case, max_iter=spec["max_iter"], target=gaps[-1],
                                 cores=spec["threads"] or 0)
    hist: list[float] = []
    own: list[float] = []
    at: dict[str, Any] = {}
    snaps: dict[str, np.ndarray] = {}
    seen = {"iter": -1}
    original = LinearApproximation.calculate_stepsize

    def measured(self: Any) -> Any:
        if self.iter != seen["iter"]:  # once per iteration (a retried direction calls again)
            seen["iter"] = self.iter
            x = self.fw_total_flow
            gap = aeq_gap(self)
            hist.append(max(gap, 0.0))
            own.append(float(self.rgap))
            for target in gaps:
                if gap <= target and str(target) not in at:
                    wt, ct = _clock()
                    at[str(target)] = {"loads": self.iter, "gap": gap, "wall": wt - w0,
                                       "cpu": ct - c0}
                    snaps[f"at_{target}"] = _to_links(x, link, supernet, m)
            if gap <= gaps[-1]:
                raise _Stop
        return original(self)

    LinearApproximation.calculate_stepsize = measured
    w0, c0 = _clock()
    try:
        ta.execute()
        stopped = False
    except _Stop:
        stopped = True
    w1, c1 = _clock()
    LinearApproximation.calculate_stepsize = original
    x = _to_links(ta.assignment.fw_total_flow, link, supernet, m)
    run = {"wall": w1 - w0, "cpu": c1 - c0, "loads": int(ta.assignment.iter),
           "iterations": int(ta.assignment.iter) - (2 if stopped else 1),
           "gap": hist[-1] if hist else float("inf"), "converged": stopped, "at": at,
           "own_gap": own[-1] if own else float("inf"), "gaps": hist}
    return ({"runs": {"aeq": run}, "cores": int(ta.cores), "version": _aeq_version()},
            {"aeq": x, **snaps})


def _aeq_version() -> str:
    from importlib.metadata import version

    return version("aequilibrae")


TASKS = {("aon", "ours"): ours_aon, ("ue", "ours"): ours_ue,
         ("aon", "aeq"): aeq_aon, ("ue", "aeq"): aeq_ue}


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    sys.path.insert(0, str(Path(__file__).parent))
    case = load_case(spec["case"])
    out, flows = TASKS[spec["task"], spec["engine"]](case, spec)
    np.savez(spec["out"] + ".npz", **flows)
    Path(spec["out"]).write_text(json.dumps(out))


if __name__ == "__main__":
    logging.getLogger("aequilibrae").setLevel(logging.WARNING)
    main(sys.argv[1])
