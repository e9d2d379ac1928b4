"""One timed equilibrium run of ``bench_bush.py`` with its gap-against-CPU trace (private).

``python _bush_worker.py SPEC.json`` runs one algorithm on one network and writes a
JSON result to ``spec["out"]`` and the final link flows to ``spec["out"] + ".npz"``.
Each run is a process of its own, started with one thread (``NUMBA_NUM_THREADS``,
``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` set by the caller
before any import), so that ``time.process_time`` is the CPU time of that run alone.

Engines:

- ``ours`` (``fw``, ``cfw``, ``bfw``, ``bush``): :func:`connectivity.assign.user_equilibrium`
  on the problem of :func:`connectivity.assign.tntp.tntp_problem`. Every algorithm logs
  one DEBUG record per iteration (``"iteration %d: relative gap %.3e"``); a logging
  handler stamps each with ``time.process_time()``. The bush method logs the gap of
  iteration ``j`` right after measuring it (``j = 0`` before any sweep); the
  Frank-Wolfe family logs after the line search of iteration ``j + 1`` the gap that
  iteration's load measured for the flow of iteration ``j``, so its stamp includes one
  line search more than needed (its final gap, not logged, gets the end of the run).
  A short pilot run first loads the compiled kernels and measures the CPU time per
  iteration, from which the iteration cap of the timed run is set (user_equilibrium
  has no CPU-time limit of its own).
- ``aeq``: AequilibraE's BFW on the same network (written by the caller with
  ``_ue_workers.save_case``), instrumented as ``_ue_workers.aeq_ue`` is: when an
  iteration starts its line search, the previous flow ``x``, its costs and the
  all-or-nothing load ``y`` at them give our relative gap of ``x``, recorded with the
  CPU time; the run stops at the target gap, at the CPU cap or at the iteration cap,
  and returns the flow whose gap was measured last.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

LOGGERS = ("connectivity.assign.equilibrium", "connectivity.assign.bush")


class _Stamps(logging.Handler):
    """CPU time and gap at each ``iteration`` record of the equilibrium loggers."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.cpu: dict[int, float] = {}
        self.gap: dict[int, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        now = time.process_time()
        if record.msg.startswith("iteration") and isinstance(record.args, tuple):
            it = int(record.args[0])
            self.cpu[it], self.gap[it] = now, float(record.args[1])

    def clear(self) -> None:
        self.cpu.clear()
        self.gap.clear()


def _listen() -> _Stamps:
    stamps = _Stamps()
    for name in LOGGERS:
        log = logging.getLogger(name)
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.addHandler(stamps)
    return stamps


def _thread_count() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


# ------------------------------------------------------------------------------ ours


def _problem(spec: dict[str, Any]):  # -> EquilibriumProblem
    from connectivity import io
    from connectivity.assign.tntp import tntp_problem

    net, trips = io.read_net(spec["net"]), io.read_trips(spec["trips"])
    return tntp_problem(net, trips, toll_factor=spec["toll_factor"],
                        distance_factor=spec["distance_factor"])


def _iteration_cap(stamps: _Stamps, start: float, spec: dict[str, Any]) -> tuple[int, float]:
    """The timed run's ``max_iter`` from the pilot's stamps, and its CPU s per iteration."""
    its = sorted(stamps.cpu)
    if len(its) < 2:  # the pilot converged at once: nothing to extrapolate
        return spec["iter_cap"], 0.0
    per_iter = (stamps.cpu[its[-1]] - stamps.cpu[its[0]]) / (its[-1] - its[0])
    if per_iter <= 0:
        return spec["iter_cap"], 0.0
    budget = spec["cpu_cap_s"] - (stamps.cpu[its[0]] - start)
    by_cpu = int(budget / per_iter)
    return max(spec["pilot_iter"], min(spec["iter_cap"], by_cpu)), per_iter


def run_ours(spec: dict[str, Any]) -> tuple[dict[str, Any], np.ndarray]:
    from connectivity.assign import user_equilibrium

    problem = _problem(spec)
    algorithm = spec["algorithm"]
    stamps = _listen()
    # pilot: loads the kernels (numba's on-disk cache) and times an iteration
    c0 = time.process_time()
    user_equilibrium(problem, algorithm=algorithm, gap=spec["target"],
                     max_iter=spec["pilot_iter"], progress=False)
    max_iter, per_iter = _iteration_cap(stamps, c0, spec)
    stamps.clear()
    w0, c0 = time.perf_counter(), time.process_time()
    r = user_equilibrium(problem, algorithm=algorithm, gap=spec["target"], max_iter=max_iter,
                         progress=False)
    c1, w1 = time.process_time(), time.perf_counter()
    gaps = r.relative_gap
    # the iteration whose record carries gap j (see the module docstring)
    shift = 0 if algorithm == "bush" else 1
    cpu = []
    for j, g in enumerate(gaps.tolist()):
        it = j + shift
        if it in stamps.cpu:
            logged = max(stamps.gap[it], 0.0)  # the result clips a negative gap at 0
            if not abs(logged - g) <= 1e-12 * abs(g):
                raise RuntimeError(f"{algorithm}: record of iteration {it} has gap {logged}, "
                                   f"the result {g}: the log format changed")
            cpu.append(stamps.cpu[it] - c0)
        elif j == gaps.shape[0] - 1:
            cpu.append(c1 - c0)
        else:
            raise RuntimeError(f"{algorithm}: no record of iteration {it}")
    stop = "target" if r.converged else "iteration cap"
    out = {"engine": "ours", "algorithm": algorithm, "gaps": gaps.tolist(), "cpu_s": cpu,
           "beckmann_history": r.beckmann_history.tolist(), "iterations": r.iterations,
           "max_iter": max_iter, "pilot_cpu_per_iter_s": per_iter, "stop": stop,
           "total_cpu_s": c1 - c0, "total_wall_s": w1 - w0, "threads": _thread_count()}
    return out, r.flow


# ----------------------------------------------------------------------- AequilibraE


class _Stop(Exception):
    pass


def run_aeq(spec: dict[str, Any]) -> tuple[dict[str, Any], np.ndarray]:  # noqa: C901
    from _ue_workers import _to_links, aeq_bfw, aeq_gap, load_case
    from aequilibrae.paths.linear_approximation import LinearApproximation

    case = load_case(spec["case"])
    m = case["tail"].shape[0]
    ta, link, supernet = aeq_bfw(case, max_iter=spec["iter_cap"], target=spec["target"],
                                 cores=1)
    gaps: list[float] = []
    cpu: list[float] = []
    own: list[float] = []
    state = {"iter": -1, "stop": "iteration cap"}
    original = LinearApproximation.calculate_stepsize

    def measured(self: Any) -> Any:
        if self.iter != state["iter"]:  # once per iteration (a retried direction calls again)
            state["iter"] = self.iter
            gap = aeq_gap(self)
            now = time.process_time() - c0
            gaps.append(max(gap, 0.0))
            cpu.append(now)
            own.append(float(self.rgap))
            if gap <= spec["target"]:
                state["stop"] = "target"
                raise _Stop
            if now >= spec["cpu_cap_s"]:
                state["stop"] = "CPU cap"
                raise _Stop
        return original(self)

    LinearApproximation.calculate_stepsize = measured
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        ta.execute()
    except _Stop:
        pass
    c1, w1 = time.process_time(), time.perf_counter()
    LinearApproximation.calculate_stepsize = original
    # at the iteration cap the returned flow has moved once more after the last gap
    # measured here (the caller measures the gap of every returned flow again)
    x = _to_links(ta.assignment.fw_total_flow, link, supernet, m)
    out = {"engine": "aeq", "algorithm": "aeq", "gaps": gaps, "cpu_s": cpu, "own_gaps": own,
           "iterations": len(gaps) - 1, "stop": state["stop"], "total_cpu_s": c1 - c0,
           "total_wall_s": w1 - w0, "cores": int(ta.cores), "version": _aeq_version(),
           "threads": _thread_count()}
    return out, x


def _aeq_version() -> str:
    from importlib.metadata import version

    return version("aequilibrae")


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    run = run_aeq if spec["engine"] == "aeq" else run_ours
    out, flow = run(spec)
    np.savez(spec["out"] + ".npz", flow=flow)
    Path(spec["out"]).write_text(json.dumps(out))


if __name__ == "__main__":
    logging.getLogger("aequilibrae").setLevel(logging.WARNING)
    main(sys.argv[1])
