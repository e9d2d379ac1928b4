"""Benchmark scenario throughput: scenarios per minute in this process, on 1 and 2 local
worker processes and on a two-worker Dask ``LocalCluster``, and the Dask overhead.

Run on demand (not part of the test suite)::

    python benchmarks/bench_scenarios.py            # about 12 minutes on 2 cores
    python benchmarks/bench_scenarios.py --quick    # one round of smaller sets, ~2 minutes

Workloads (every scenario runs through :func:`connectivity.scenarios.sweep`):

- *bundled, system optimum*: Monte Carlo variants of ``data/scenarios/baseline.toml``
  (:func:`~connectivity.scenarios.draw_inputs`: drawn growth and border dwell) assigned
  by the system optimum (path column generation, the scenarios' default), about 0.2 s
  each;
- *bundled, all-or-nothing*: the same variants all-or-nothing, about 0.1 s each: the
  regime where per-task overhead shows;
- *generated, all-or-nothing* and *generated, system optimum*: a generated road and
  rail network of about 100,000 nodes (``benchmarks/_generated_network.py``, written as
  CSVs to a temporary folder, read by every worker through a
  :class:`~connectivity.scenarios.NetworkSource`), scenarios that close links or a
  crossing or change cost, time, dwell or carbon price, about one and 1.5 seconds each:
  the regime of the issue's target (scenarios of a second or more).

Executors: *in process* (``workers=1``: no pickling, no worker), a *1-process pool*
and a *2-process pool* (``ProcessPoolExecutor``, spawned), a *2-worker LocalCluster*
(``processes=True, threads_per_worker=1``). Each executor is started and warmed first
(every worker imports the package, loads and compiles both networks and runs one
scenario of each): that start-up is reported apart. Two phases, so that an idle
cluster's heartbeats do not run beside the scaling measured without it:

1. *Scaling*: in process, the 1-process pool and the 2-process pool take turns
   (round-robin, the first one changing from round to round, so all see the same
   machine load), ``--repeat`` rounds of every workload. The speed-up is the 1-process
   pool's time over the 2-process pool's (the same code path, so it isolates the
   scaling); *busy* is the share of the workers' wall time spent inside scenarios, so a
   speed-up short of 2 splits into the sweep's own cost (busy below 100 %) and
   scenarios that run slower side by side than alone (the mean seconds per scenario in
   its worker). Each round also times a memory-bound numpy kernel alone and two at once,
   and records the machine's idle and stolen CPU shares.
2. *Dask overhead*: the 1-process pool is shut down, the LocalCluster started, and the
   cluster and the 2-process pool take turns the same way. The overhead per scenario is
   the cluster's time minus the pool's in this phase, over the number of scenarios.

The tables give medians. The per-task latency of each executor is also measured on a
trivial task. Every executor's JSON is checked identical to the in-process one.

Writes ``benchmarks/results/scenarios.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numba
import numpy as np

import connectivity as cn
from connectivity.scenarios import (
    Analyses,
    NetworkSource,
    ScenarioSpec,
    bundled_scenarios,
    draw_inputs,
    read_spec,
    results_json,
    sweep,
)
from connectivity.scenarios.sweeps import load_source

sys.path.insert(0, str(Path(__file__).parent))
from _generated_network import write_generated_network  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "scenarios.md"
#: The 2-process pool timed again in the second phase, beside the running cluster.
BESIDE = "2-process pool, cluster running"


@dataclass
class Workload:
    name: str
    source: NetworkSource
    specs: list[ScenarioSpec]
    times: dict[str, list[float]]
    task_s: dict[str, list[float]]
    json: dict[str, str]


def _variants(spec: ScenarioSpec, compiled: cn.CompiledNetwork, n: int, method: str,
              seed: int) -> list[ScenarioSpec]:
    """``n`` Monte Carlo variants of ``spec`` (drawn growth and dwell) by ``method``."""
    out = []
    for d in draw_inputs(spec, compiled, draws=n, seed=seed):
        scenario = replace(spec.scenario, name=f"{spec.name}_{method}_{d.index:02d}",
                           crossing_dwell_h={**spec.scenario.crossing_dwell_h, **d.dwell_h})
        out.append(replace(spec, scenario=scenario, growth=d.growth,
                           analyses=replace(spec.analyses, assignment=method)))
    return out


def _generated_specs(compiled: cn.CompiledNetwork, n: int, seed: int,
                     method: str = "aon") -> list[ScenarioSpec]:
    """Closures and factor changes on the generated network, assigned by ``method``."""
    rng = np.random.default_rng(seed)
    links = [str(x) for x in compiled.link_ids]
    crossings = [str(x) for x in compiled.crossing_ids]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            s = cn.Scenario(name=f"gen_close_{i:02d}",
                            closed_links=tuple(rng.choice(links, 200, replace=False)))
        elif kind == 1:
            s = cn.Scenario(name=f"gen_factors_{i:02d}",
                            time_factor={"rail": float(rng.uniform(0.7, 1.0))},
                            cost_factor={"road": float(rng.uniform(0.9, 1.3))})
        elif kind == 2:
            s = cn.Scenario(name=f"gen_crossing_{i:02d}",
                            closed_crossings=(str(rng.choice(crossings)),),
                            dwell_factor=float(rng.uniform(0.5, 2.0)))
        else:
            s = cn.Scenario(name=f"gen_carbon_{i:02d}",
                            carbon_price_usd_per_t_co2e=float(rng.uniform(20, 120)))
        out.append(ScenarioSpec(replace(s, name=f"{s.name}_{method}"),
                                description="generated-network variant",
                                analyses=Analyses(assignment=method)))
    return out


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cpu() -> list[int] | None:
    """The machine's CPU time counters (``/proc/stat``), or ``None`` off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            return [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None


def _share(a: list[int] | None, b: list[int] | None) -> str:
    """Idle and stolen shares of the machine's CPU time between two samples: the load
    average alone cannot tell a busy machine from one with a sleeping task counted in
    it, nor show the hypervisor taking time."""
    if a is None or b is None:
        return "not measured"
    d = [y - x for x, y in zip(a, b, strict=True)]
    total = sum(d) or 1
    return f"{100 * d[3] / total:.0f} % idle, {100 * d[7] / total:.1f} % stolen"


def _idle_cpu(seconds: float = 10.0) -> float:
    """CPU seconds per second used by this process's children (the idle pools and the
    cluster) over ``seconds`` of doing nothing."""
    import psutil

    def used() -> float:
        total = 0.0
        for child in psutil.Process().children(recursive=True):
            try:
                t = child.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    before = used()
    time.sleep(seconds)
    return (used() - before) / seconds


def _warm(executor: Executor, warmups: list[list[ScenarioSpec]], sources: list[NetworkSource],
          workers: int) -> tuple[float, list[float]]:
    """Run the warm-up specs until every worker has built every source; returns the
    seconds taken and each worker's first-scenario seconds (start-up included)."""
    start = time.perf_counter()
    firsts: list[float] = []
    for specs, source in zip(warmups, sources, strict=True):
        built: set[str] = set()
        for _ in range(10):
            results = sweep(specs[:2 * workers], source=source, executor=executor)
            assert all(r.ok for r in results), [r.error for r in results]
            firsts += [r.seconds for r in results if r.built_network]
            built |= {r.worker for r in results if r.built_network}
            if len(built) >= workers:
                break
    return time.perf_counter() - start, firsts


def _latency(executor: Executor, n: int) -> tuple[float, float]:
    """Per trivial task: seconds when ``n`` are submitted at once (throughput), and the
    round trip of one at a time (median of ``n // 4``)."""
    start = time.perf_counter()
    futures = [executor.submit(abs, -i) for i in range(n)]
    assert [f.result() for f in futures] == list(range(n))
    batch = (time.perf_counter() - start) / n
    trips = []
    for i in range(max(n // 4, 5)):
        t = time.perf_counter()
        executor.submit(abs, -i).result()
        trips.append(time.perf_counter() - t)
    return batch, statistics.median(trips)


def _stream(rounds: int = 30) -> float:
    """A memory-bound kernel (sums and a gather over 64 MB, beyond the L3 cache): seconds."""
    rng = np.random.default_rng(0)
    a = rng.random(8_000_000)
    idx = rng.integers(0, a.size, 2_000_000)
    start = time.perf_counter()
    for _ in range(rounds):
        a.sum()
        a[idx].sum()
    return time.perf_counter() - start


def _machine_scaling(pool: Executor) -> float:
    """How much the machine itself gives two processes on memory-bound work: twice the
    seconds of one :func:`_stream` alone over the slower of two run at once."""
    one = pool.submit(_stream).result()
    two = [f.result() for f in [pool.submit(_stream), pool.submit(_stream)]]
    return 2 * one / max(two)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"))


def _time_workload(w: Workload, label: str, run: Callable[[], list[Any]]) -> None:
    start = time.perf_counter()
    results = run()
    w.times.setdefault(label, []).append(time.perf_counter() - start)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    w.task_s.setdefault(label, []).append(statistics.mean(r.seconds for r in results))
    w.json.setdefault(label, results_json(results))


def main() -> None:  # noqa: PLR0915 (one benchmark, top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="one round, fewer scenarios, a generated network of about "
                             "10,000 nodes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--so", type=int, default=24,
                        help="system-optimum scenarios on the bundled network")
    parser.add_argument("--aon", type=int, default=24, help="all-or-nothing scenarios")
    parser.add_argument("--generated", type=int, default=12,
                        help="all-or-nothing scenarios on the generated network")
    parser.add_argument("--generated-so", type=int, default=8,
                        help="system-optimum scenarios on the generated network")
    parser.add_argument("--side", type=int, default=178,
                        help="grid side of the generated network (178: about 100k nodes)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.so, args.aon, args.generated, args.side = 1, 8, 12, 4, 100
        args.generated_so = 4
    load_start = _load()
    sample = _cpu()
    time.sleep(3.0)
    idle = _share(sample, _cpu())
    wall = time.perf_counter()

    tmp = tempfile.TemporaryDirectory(prefix="bench_scenarios_")
    folder = Path(tmp.name)
    counts = write_generated_network(folder, side=args.side)
    gen = NetworkSource(folder, folder / "demand.csv")
    bundled = NetworkSource()
    t = time.perf_counter()
    gen_net, gen_demand = load_source(gen)
    parent_gen_s = time.perf_counter() - t
    t = time.perf_counter()
    b_net, b_demand = load_source(bundled)
    parent_b_s = time.perf_counter() - t

    base = read_spec(bundled_scenarios()[0])
    workloads = [
        Workload("bundled, system optimum", bundled,
                 _variants(base, b_net, args.so, "so", 1), {}, {}, {}),
        Workload("bundled, all-or-nothing", bundled,
                 _variants(base, b_net, args.aon, "aon", 2), {}, {}, {}),
        Workload("generated, all-or-nothing", gen,
                 _generated_specs(gen_net, args.generated, 3), {}, {}, {}),
        Workload("generated, system optimum", gen,
                 _generated_specs(gen_net, args.generated_so, 4, "so"), {}, {}, {}),
    ]
    # each worker's first scenarios load the numba kernels of both methods from the cache
    warmups = [[replace(base, scenario=replace(base.scenario, name=f"warm_b{i}"),
                        analyses=replace(base.analyses, assignment=("aon", "so")[i % 2]))
                for i in range(4)],
               [ScenarioSpec(cn.Scenario(name=f"warm_g{i}"),
                             analyses=Analyses(assignment=("aon", "so")[i % 2]))
                for i in range(4)]]
    sources = [bundled, gen]
    print(f"generated network: {counts}, nodes {gen_net.graph.n_nodes}, edges "
          f"{gen_net.n_edges}; load average {load_start}", flush=True)

    from dask.distributed import Client, LocalCluster

    startup: dict[str, tuple[float, list[float]]] = {}
    latency: dict[str, tuple[float, float]] = {}
    loads: list[str] = []
    machine: list[float] = []

    def rounds(runners: dict[str, Callable[[Workload], list[Any]]]) -> None:
        order = list(runners)
        for rep in range(args.repeat):
            before = _cpu()
            if "2-process pool" in runners:
                machine.append(_machine_scaling(pool2))
            turn = order[rep % len(order):] + order[:rep % len(order)]  # who goes first rotates
            for w in workloads:
                for label in turn:
                    _time_workload(w, label, lambda w=w, label=label: runners[label](w))
                print(f"run {rep + 1}: {w.name}: " + ", ".join(
                    f"{k} {w.times[k][-1]:.1f} s" for k in order), flush=True)
            loads.append(f"{_load()} ({_share(before, _cpu())})")

    def on(ex: Executor) -> Callable[[Workload], list[Any]]:
        return lambda w: sweep(w.specs, source=w.source, executor=ex)

    # phase 1, the scaling: this process and the pools, no cluster running beside them
    pool1 = _pool(1)
    startup["1-process pool"] = _warm(pool1, warmups, sources, 1)
    pool2 = _pool(2)
    startup["2-process pool"] = _warm(pool2, warmups, sources, 2)
    for label, ex in (("1-process pool", pool1), ("2-process pool", pool2)):
        latency[label] = _latency(ex, 200)
    idle_children = [_idle_cpu()]
    pool2.submit(_stream, 1).result()
    rounds({"in process": lambda w: sweep(w.specs, source=w.source),
            "1-process pool": on(pool1), "2-process pool": on(pool2)})
    pool1.shutdown()

    # phase 2, the Dask overhead: the cluster against the 2-process pool, both running
    t = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    cluster_start_s = time.perf_counter() - t
    dask_ex = client.get_executor()
    startup["2-worker LocalCluster"] = _warm(dask_ex, warmups, sources, 2)
    latency["2-worker LocalCluster"] = _latency(dask_ex, 200)
    for label, (seconds, _) in startup.items():
        print(f"{label}: start-up {seconds:.1f} s, trivial task "
              f"{latency[label][0] * 1e3:.2f} ms / {latency[label][1] * 1e3:.2f} ms",
              flush=True)
    idle_children.append(_idle_cpu())
    rounds({BESIDE: on(pool2), "2-worker LocalCluster": on(dask_ex)})

    client.close()
    cluster.close()
    pool2.shutdown()
    tmp.cleanup()
    _write(args, workloads, startup, latency, cluster_start_s, loads, f"{load_start} ({idle})",
           machine, idle_children, counts, gen_net, b_net, len(b_demand), len(gen_demand),
           parent_gen_s, parent_b_s, time.perf_counter() - wall)


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _busy(w: Workload, label: str) -> float:
    """Share of the workers' wall time spent inside scenarios (median over rounds): the
    rest is the sweep's own cost (submitting, pickling, waiting for the last one)."""
    workers = 1 if label in ("in process", "1-process pool") else 2
    return _med([m * len(w.specs) / (workers * t)
                 for m, t in zip(w.task_s[label], w.times[label], strict=True)])


def _write(args: argparse.Namespace, workloads: list[Workload],  # noqa: PLR0913, PLR0917
           startup: dict[str, tuple[float, list[float]]],
           latency: dict[str, tuple[float, float]], cluster_start_s: float, loads: list[str],
           load_start: str, machine: list[float], idle_children: list[float],
           counts: dict[str, int],
           gen_net: cn.CompiledNetwork, b_net: cn.CompiledNetwork, b_rows: int, g_rows: int,
           parent_gen_s: float, parent_b_s: float, wall: float) -> None:
    import dask

    lines = [
        "# Scenario throughput: in process, 1 and 2 local processes, a 2-worker Dask "
        "LocalCluster", "",
        f"Generated by `benchmarks/bench_scenarios.py{' --quick' if args.quick else ''}` on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}, highspy "
        f"{metadata.version('highspy')}, dask {dask.__version__}; "
        f"{wall / 60:.1f} minutes in all. Load average (1 / 5 / 15 min) {load_start} at "
        f"the start; after each round, with the machine's idle and stolen CPU shares over "
        f"the round: {'; '.join(loads)}. The idle executors beside the one measured used "
        f"{idle_children[0] * 100:.1f} % of one core in the first phase (the pools) and "
        f"{idle_children[1] * 100:.1f} % in the second (the pool and the cluster).", "",
        f"Networks: bundled ({b_net.graph.n_nodes:,} nodes, {b_net.n_edges:,} edges, "
        f"{b_rows} demand rows); generated ({gen_net.graph.n_nodes:,} nodes, "
        f"{gen_net.n_edges:,} edges, {counts['places']:,} places, {counts['links']:,} links, "
        f"{counts['crossings']} crossings, {g_rows} demand rows in 2 commodities). Loading "
        f"and compiling them in the parent: {parent_b_s:.1f} s / {parent_gen_s:.1f} s.", "",
        "## Start-up (once per executor, not in the throughput)", "",
        "| executor | start-up s | first scenario per worker, s (import, load, compile, "
        "run) |", "|---|---|---|",
    ]
    for label, (seconds, firsts) in startup.items():
        extra = f" (+ {cluster_start_s:.1f} s starting the cluster)" if "Cluster" in label else ""
        lines.append(f"| {label} | {seconds:.1f}{extra} | "
                     f"{', '.join(f'{x:.1f}' for x in firsts)} |")
    lines += ["", f"## Throughput (warm executors, medians of {args.repeat} round(s))", "",
              "| workload | scenarios | executor | s | scenarios / min | mean s per scenario "
              "in its worker | busy | speed-up vs 1-process pool (each round) | same JSON |",
              "|---|---|---|---|---|---|---|---|---|"]
    for w in workloads:
        ones = w.times["1-process pool"]
        ref = w.json["in process"]
        for label, times in w.times.items():
            t = _med(times)
            rounds = " / ".join(f"{a / b:.2f}" for a, b in zip(ones, times, strict=True))
            lines.append(
                f"| {w.name} | {len(w.specs)} | {label} | {t:.2f} | {len(w.specs) / t * 60:.0f} "
                f"| {_med(w.task_s[label]):.3f} | {_busy(w, label):.0%} "
                f"| {_med(ones) / t:.2f}x ({rounds}) | "
                f"{'yes' if w.json[label] == ref else 'NO'} |")
    lines += ["", "The machine's own scaling on a memory-bound kernel (a 64 MB array summed "
              "and gathered, twice one alone over the slower of two at once, on the "
              "2-process pool, each round): "
              + " / ".join(f"{x:.2f}x" for x in machine) + "."]
    lines += ["", "## Dask overhead", "",
              "| workload | LocalCluster - 2-process pool (both in the second phase), s per "
              "scenario |", "|---|---|"]
    for w in workloads:
        d = (_med(w.times["2-worker LocalCluster"]) - _med(w.times[BESIDE]))
        lines.append(f"| {w.name} | {d / len(w.specs) * 1e3:+.1f} ms |")
    lines += ["", "| executor | trivial task, 200 submitted at once: ms each | one at a "
              "time, round trip: ms |", "|---|---|---|"]
    for label, (batch, trip) in latency.items():
        lines.append(f"| {label} | {batch * 1e3:.2f} | {trip * 1e3:.2f} |")
    lines += ["", "Notes (by hand):", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
