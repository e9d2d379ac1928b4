"""Benchmark all-or-nothing loads and equilibrium by contraction hierarchy, against AequilibraE.

Run on demand (not part of the test suite)::

    python benchmarks/bench_ue_hierarchy.py --quick --tntp DIR   # smoke run, ~2 minutes
    python benchmarks/bench_ue_hierarchy.py --tntp DIR           # the full run, 1-2 hours
    python benchmarks/bench_ue_hierarchy.py --render A.json B.json  # report from --raw files

``--tntp DIR`` is a folder (searched with its sub-folders) holding the TNTP files
``<Name>_net.tntp``, ``<Name>_trips.tntp`` and, optionally, the best-known
``<Name>_flow.tntp`` of SiouxFalls, Anaheim, ChicagoSketch, Barcelona and Winnipeg, from
the Transportation Networks for Research collection
(https://github.com/bstabler/TransportationNetworks, folders ``SiouxFalls``,
``Anaheim``, ``Chicago-Sketch``, ``Barcelona``, ``Winnipeg``). They are not part of this
repository. Without it the TNTP rows are left out.

Three sections, each run against AequilibraE (``--aequilibrae PYTHON``: an interpreter
with ``aequilibrae``; default this one when it has it):

1. **all-or-nothing**: one load at free-flow times on generated grids (``bench_ue``'s
   ``make_network``) and Chicago-Sketch: ours by Dijkstra, by the hierarchy (its
   customization timed apart and included in the total; the first order and
   contraction, done once per topology, shown apart), AequilibraE's ``allOrNothing``
   on a prepared graph;
2. **equilibrium** on the grids: BFW to relative gaps of 1e-4 and 1e-5 (one run to the
   smaller gap; the time to the larger one is read at the iteration that first reached
   it), ours by Dijkstra and by the hierarchy (a fresh graph per run: the hierarchy's
   first order and contraction are inside the timing), AequilibraE's BFW; the 100k-node
   grid is capped at 15 iterations (``--ue-grids side:zones:max_iter``), which times
   the iterations but reaches no gap;
3. **TNTP**: equilibrium to 1e-5 on each network, ours with ``method`` auto, dijkstra
   and hierarchy against AequilibraE, with the CPU-time ratio and the target of
   issue 15 (at most half of AequilibraE's CPU time) marked met or not met.

The gap is ours for all engines, ``(c.x - c.y) / c.x`` with ``c`` the costs at the flow
``x`` and ``y`` the all-or-nothing load at ``c`` (AequilibraE's run is instrumented to
measure and stop on it; see ``_ue_workers.py``), and the gap of every returned flow is
checked afterwards with one more load of ours. Every timed run is its own subprocess
with its thread count fixed from the start: one thread, then the default (all cores).
CPU seconds are that process's time over all its threads. Runs of the engines
alternate, and medians are taken over repeats. ``--raw FILE`` keeps the rows as JSON
(rewritten after each network); ``--render FILE...`` writes the report from such files.

Writes Markdown to ``benchmarks/results/ue_hierarchy.md`` (``--out``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _ue_workers import ours_problem, save_case

RESULTS = Path(__file__).parent / "results" / "ue_hierarchy.md"
WORKER = Path(__file__).parent / "_ue_workers.py"
TNTP_NETWORKS = ("SiouxFalls", "Anaheim", "ChicagoSketch", "Barcelona", "Winnipeg")
THREAD_VARS = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "MKL_NUM_THREADS")
OURS_UE = ("dijkstra", "hierarchy")
# generalized-cost weights (minutes per cent of toll, per mile) of the networks whose
# README gives non-zero ones; their best-known flows were computed with them
GENERALIZED = {"ChicagoSketch": (0.02, 0.04)}
OURS_TNTP = ("auto", "dijkstra", "hierarchy")


class Runner:
    """Runs worker subprocesses and keeps the load average seen at each start."""

    def __init__(self, tmp: Path, aeq_python: str | None) -> None:
        self.tmp, self.aeq_python, self.count = tmp, aeq_python, 0
        self.load: list[float] = []
        self.versions: dict[str, int] = {}  # code version -> runs on it
        self.errors: list[str] = []

    def run(self, task: str, engine: str, case: Path, threads: int | None,
            **spec: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """The worker's result and flows, or ``None`` (the error kept in ``errors``)."""
        self.count += 1
        out = self.tmp / f"run{self.count}.json"
        spec.update(task=task, engine=engine, case=str(case), threads=threads, out=str(out))
        spec_path = self.tmp / f"spec{self.count}.json"
        spec_path.write_text(json.dumps(spec))
        env = dict(os.environ)
        for var in THREAD_VARS:
            if threads:
                env[var] = str(threads)
            elif var != "OPENBLAS_NUM_THREADS":
                env.pop(var, None)
        python = self.aeq_python if engine == "aeq" else sys.executable
        assert python is not None
        self.load.append(os.getloadavg()[0])
        version = code_version()
        self.versions[version] = self.versions.get(version, 0) + 1
        proc = subprocess.run([python, str(WORKER), str(spec_path)], env=env,
                              capture_output=True, text=True, timeout=6 * 3600)
        if proc.returncode != 0:
            tail = proc.stderr.strip().splitlines()[-1:] or ["no message"]
            self.errors.append(f"{engine} {task} on {case.stem} ({label_threads(threads)} "
                               f"threads) failed: `{tail[0].strip()}`")
            print(self.errors[-1], flush=True)
            return None
        with np.load(str(out) + ".npz") as z:
            flows = {k: z[k] for k in z.files}
        return json.loads(out.read_text()), flows


def code_version() -> str:
    """The commit the package's source is at, and whether it has uncommitted changes
    (the package is installed editable: a worker runs what the tree holds when it
    starts)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in src" if dirty else "")


# ------------------------------------------------------------------------------ networks


def grid_case(side: int, zones: int) -> dict[str, Any]:
    from bench_ue import make_network

    t, h, fft, cap, z, demand = make_network(side, zones)
    m = t.shape[0]
    return dict(tail=t, head=h, fft=fft, cap=cap, alpha=np.full(m, 0.15),
                beta=np.full(m, 4.0), fixed=np.zeros(m), zones=z, demand=demand,
                no_through=np.zeros(0, dtype=np.int64), n_nodes=side * side)


def find_tntp(folder: Path, name: str, kind: str) -> Path | None:
    hits = sorted(folder.rglob(f"{name}_{kind}.tntp"))
    return hits[0] if hits else None


def tntp_case(folder: Path, name: str) -> tuple[dict[str, Any], float | None] | None:
    """The network as ``tntp_equilibrium`` poses it (checked below) with the README's
    generalized-cost weights, and the best-known total cost (volume x cost summed over
    the links) when the flow file is there."""
    from connectivity import io
    from connectivity.assign import tntp_equilibrium, user_equilibrium

    net_path, trips_path = find_tntp(folder, name, "net"), find_tntp(folder, name, "trips")
    if net_path is None or trips_path is None:
        return None
    net, trips = io.read_net(net_path), io.read_trips(trips_path)
    m = net.init_node.shape[0]
    toll_factor, distance_factor = GENERALIZED.get(name, (0.0, 0.0))
    no_through = np.arange(max(net.first_thru_node - 1, 0), dtype=np.int64)
    case = dict(
        tail=net.init_node - 1, head=net.term_node - 1, fft=net.free_flow_time,
        # as tntp_equilibrium: no capacity and no BPR term is a plain free-flow link
        cap=np.where((net.capacity <= 0) & (net.b == 0), np.inf, net.capacity),
        alpha=net.b * np.ones(m), beta=net.power * np.ones(m),
        fixed=toll_factor * net.toll + distance_factor * net.length,
        zones=np.arange(trips.n_zones, dtype=np.int64), demand=trips.matrix,
        no_through=no_through[no_through < net.n_nodes], n_nodes=net.n_nodes,
    )
    # tntp_equilibrium takes no method=: its problem is rebuilt here; the same flows
    # after a few iterations show it is the same problem
    ours = user_equilibrium(ours_problem(case), max_iter=4, progress=False)
    ref = tntp_equilibrium(net, trips, max_iter=4, progress=False, toll_factor=toll_factor,
                           distance_factor=distance_factor)
    if not np.allclose(ours.flow, ref.flow, rtol=1e-12, atol=1e-9):
        raise RuntimeError(f"{name}: the rebuilt problem differs from tntp_equilibrium's")
    flow_path = find_tntp(folder, name, "flow")
    best = None
    if flow_path is not None:
        f = io.read_flow(flow_path)
        if np.array_equal(f.init_node, net.init_node) and np.array_equal(f.term_node,
                                                                         net.term_node):
            best = float(np.sum(f.volume * f.cost))
    return case, best


def auto_method(case: dict[str, Any]) -> str:
    """What ``method="auto"`` picks for this network's equilibrium loads (on the graph
    the loads search: zones split in two)."""
    from connectivity import paths
    from connectivity.assign.problems import zone_sinks
    from connectivity.paths.contraction import auto_picks_hierarchy

    p = ours_problem(case)
    head, _, n_nodes = zone_sinks(p)
    graph = paths.from_arrays(p.tail, head, np.ones(p.n_edges), n_nodes)
    return "hierarchy" if auto_picks_hierarchy(graph, p.origins.shape[0], "loads") else "dijkstra"


class Metrics:
    """Beckmann, TSTT and the relative gap of any flow on a network, computed by ours
    (Dijkstra loads) the same way for every engine."""

    def __init__(self, case: dict[str, Any]) -> None:
        from connectivity import paths
        from connectivity.assign import volume_delay
        from connectivity.assign.problems import interzonal_demand, zone_sinks

        self.problem = ours_problem(case)
        self.vdf = volume_delay(self.problem)
        self.heads, self.dest, self.n = zone_sinks(self.problem)
        self.demand = interzonal_demand(self.problem)  # intrazonal trips are not assigned
        self.paths = paths

    def beckmann(self, x: np.ndarray) -> float:
        return float(self.vdf.integral(x).sum())

    def tstt(self, x: np.ndarray) -> float:
        return float(x @ self.vdf.time(x))

    def total_cost(self, x: np.ndarray) -> float:
        return float(x @ self.vdf.cost(x))

    def gap(self, x: np.ndarray) -> float:
        p, c = self.problem, self.vdf.cost(x)
        g = self.paths.from_arrays(p.tail, self.heads, c, self.n)
        y = self.paths.all_or_nothing(g, p.origins, self.dest, self.demand, method="dijkstra")
        total = float(c @ x)
        return max((total - float(c @ y)) / total, 0.0) if total > 0 else 0.0


def med(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def label_threads(threads: int | None) -> str:
    return "1" if threads == 1 else f"default ({os.cpu_count()})"


# --------------------------------------------------------------------------- all-or-nothing


def bench_aon(runner: Runner, name: str, case_path: Path, case: dict[str, Any],
              args: argparse.Namespace) -> list[dict[str, Any]]:
    methods = ["dijkstra", "hierarchy", "hierarchy-basic"]
    rows = []
    for threads in args.threads:
        ours: dict[str, list[dict[str, Any]]] = {m: [] for m in methods}
        aeq: list[dict[str, Any]] = []
        firsts, aeq_info, flows, aeq_flow = [], {}, {}, None
        for rep in range(args.aon_reps):
            engines = ["ours", "aeq"] if rep % 2 == 0 else ["aeq", "ours"]
            for engine in engines:
                if engine == "aeq" and runner.aeq_python is None:
                    continue
                order = methods[rep % 3:] + methods[:rep % 3]
                res = runner.run("aon", engine, case_path, threads, reps=args.aon_inner,
                                 methods=order)
                if res is None:
                    continue
                out, fl = res
                if engine == "ours":
                    firsts.append(out["first"])
                    for m in methods:
                        ours[m] += out["runs"][m]
                    flows = fl
                else:
                    aeq += out["runs"]["aeq"]
                    aeq_info, aeq_flow = out, fl["aeq"]
        if not firsts:
            continue
        sptt0 = med([r["sptt"] for r in ours["dijkstra"]])
        dij_wall = med([r["wall"] for r in ours["dijkstra"]])
        base = dict(network=name, nodes=case["n_nodes"], links=case["tail"].shape[0],
                    zones=case["zones"].shape[0], threads=label_threads(threads))
        first = {k: med([f[k] for f in firsts]) for k in firsts[0]}
        for m in methods:
            runs = ours[m]
            rows.append(dict(
                base, engine=f"ours, {m}", samples=len(runs),
                first=None if m == "dijkstra" else first,
                custom_wall=med([r["custom_wall"] for r in runs]),
                load_wall=med([r["load_wall"] for r in runs]),
                wall=med([r["wall"] for r in runs]), cpu=med([r["cpu"] for r in runs]),
                speedup=dij_wall / med([r["wall"] for r in runs]),
                sptt_diff=med([r["sptt"] for r in runs]) / sptt0 - 1,
                flow_diff=float(np.abs(flows[m] - flows["dijkstra"]).max()),
            ))
            print(rows[-1], flush=True)
        if aeq:
            rows.append(dict(
                base, engine=f"AequilibraE {aeq_info['version']} ({aeq_info['cores']} "
                f"thread{'s' if aeq_info['cores'] > 1 else ''})", samples=len(aeq),
                first=None, custom_wall=0.0, load_wall=med([r["wall"] for r in aeq]),
                wall=med([r["wall"] for r in aeq]), cpu=med([r["cpu"] for r in aeq]),
                speedup=dij_wall / med([r["wall"] for r in aeq]),
                sptt_diff=med([r["sptt"] for r in aeq]) / sptt0 - 1,
                flow_diff=float(np.abs(aeq_flow - flows["dijkstra"]).max()),
                setup=aeq_info["setup"]["wall"],
            ))
            print(rows[-1], flush=True)
    return rows


# ------------------------------------------------------------------------------ equilibrium


def bench_ue(runner: Runner, name: str, case_path: Path, case: dict[str, Any], *,
             methods: tuple[str, ...], gaps: list[float], max_iter: int, reps: int,
             threads_list: list[int | None]) -> list[dict[str, Any]]:
    """Ours with each method and AequilibraE, each to the smallest gap, per thread count."""
    metrics = Metrics(case)
    rows = []
    for threads in threads_list:
        samples: dict[str, list[dict[str, Any]]] = {}
        flows: dict[str, dict[str, np.ndarray]] = {}
        info: dict[str, Any] = {}
        for rep in range(reps):
            engines = ["ours", "aeq"] if rep % 2 == 0 else ["aeq", "ours"]
            for engine in engines:
                if engine == "aeq" and runner.aeq_python is None:
                    continue
                order = list(methods[rep % len(methods):] + methods[:rep % len(methods)])
                res = runner.run("ue", engine, case_path, threads, gaps=gaps,
                                 max_iter=max_iter, methods=order)
                if res is None:
                    continue
                out, fl = res
                info = out if engine == "aeq" else info
                for key, run in out["runs"].items():
                    samples.setdefault(key, []).append(run)
                    if key not in flows:  # the flows of the first repeat
                        flows[key] = {k[len("at_"):]: v for k, v in fl.items()
                                      if k.startswith("at_")}
                        flows[key]["final"] = fl[key]
        ref = flows["dijkstra"]["final"] if "dijkstra" in flows else None
        for key, runs in samples.items():
            rows.append(ue_row(metrics, runs, flows[key], ref, gaps, network=name,
                               threads=label_threads(threads), key=key, info=info))
            print({k: v for k, v in rows[-1].items() if k != "at"}, rows[-1]["at"], flush=True)
    return rows


def ue_row(metrics: Metrics, runs: list[dict[str, Any]], flows: dict[str, np.ndarray],
           ref: np.ndarray | None, gaps: list[float], *, network: str, threads: str, key: str,
           info: dict[str, Any]) -> dict[str, Any]:
    """One engine's row: medians of the clocks over the repeats, the rest from the first
    repeat (the runs are deterministic: ``repeatable`` says whether all took as many
    loads), metrics of its flows by ours."""
    r0, x = runs[0], flows["final"]
    if key == "aeq":
        engine = (f"AequilibraE {info['version']} BFW ({info['cores']} "
                  f"thread{'s' if info['cores'] > 1 else ''})")
    else:
        engine = f"ours BFW, {key}"
    row = dict(network=network, threads=threads, engine=engine, key=key, samples=len(runs),
               loads=r0["loads"], iterations=r0["iterations"], gap=r0["gap"],
               converged=r0["converged"],
               repeatable=all(r["loads"] == r0["loads"] for r in runs),
               checked_gap=metrics.gap(x), tstt=metrics.tstt(x),
               total_cost=metrics.total_cost(x),
               beckmann=metrics.beckmann(x), cpu=med([r["cpu"] for r in runs]),
               wall=med([r["wall"] for r in runs]),
               flow_diff=float(np.abs(x - ref).max()) if ref is not None else float("nan"),
               own_gap=r0.get("own_gap"), at={})
    row["cpu_per_load"] = row["cpu"] / row["loads"]
    row["wall_per_load"] = row["wall"] / row["loads"]
    for target in map(str, gaps):
        if target not in r0["at"]:
            continue
        a = r0["at"][target]
        beckmann = a["beckmann"] if "beckmann" in a else metrics.beckmann(flows[target])
        row["at"][target] = dict(loads=a["loads"], gap=a["gap"], beckmann=beckmann,
                                 cpu=med([r["at"][target]["cpu"] for r in runs]),
                                 wall=med([r["at"][target]["wall"] for r in runs]))
    return row


# ------------------------------------------------------------------------------ report


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def own_gap(row: dict[str, Any]) -> str:
    return "" if row.get("own_gap") is None else f"; own {row['own_gap']:.2e}"


def aon_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| network | threads | engine | first order + contraction s (once) | customize s "
        "| load s | total wall s | total CPU s | Dijkstra wall / this | SPTT vs Dijkstra "
        "| max flow difference |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f = r["first"]
        first = "" if f is None else (f"{f['order_s']:.2f} + {f['contract_s']:.2f} "
                                      f"({int(f['n_arcs']):,} arcs)")
        custom = "" if r["engine"].startswith(("ours, dijkstra", "Aeq")) else \
            fmt_s(r["custom_wall"])
        lines.append(
            f"| {r['network']} | {r['threads']} | {r['engine']} | {first} | {custom} "
            f"| {fmt_s(r['load_wall'])} | {fmt_s(r['wall'])} | {fmt_s(r['cpu'])} "
            f"| {r['speedup']:.2f} | {r['sptt_diff']:+.1e} | {r['flow_diff']:.3g} |"
        )
    return lines


def ue_table(rows: list[dict[str, Any]], gaps: list[float]) -> list[str]:
    head = "| network | threads | engine |"
    rule = "|---|---|---|"
    for g in gaps:
        head += f" loads to {g:g} | CPU s to {g:g} | wall s to {g:g} |"
        rule += "---|---|---|"
    head += (" final gap (checked) | reached | CPU s / load | wall s / load "
             "| Beckmann vs Dijkstra run | TSTT vs Dijkstra run | max flow difference |")
    rule += "---|---|---|---|---|---|---|"
    lines = [head, rule]
    ref: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        if r["key"] == "dijkstra":
            ref[r["network"], r["threads"]] = r
    for r in rows:
        d = ref.get((r["network"], r["threads"]), r)
        cells = f"| {r['network']} | {r['threads']} | {r['engine']} |"
        for g in gaps:
            a = r["at"].get(str(g))
            cells += (" - | - | - |" if a is None else
                      f" {a['loads']} | {fmt_s(a['cpu'])} | {fmt_s(a['wall'])} |")
        cells += (f" {r['gap']:.2e} ({r['checked_gap']:.2e}{own_gap(r)}) | "
                  f"{'yes' if r['converged'] else 'no'} | {r['cpu_per_load']:.3f} | "
                  f"{r['wall_per_load']:.3f} | "
                  f"{r['beckmann'] / d['beckmann'] - 1:+.1e} | {r['tstt'] / d['tstt'] - 1:+.1e} "
                  f"| {r['flow_diff']:.3g} |")
        lines.append(cells)
    return lines


def tntp_table(rows: list[dict[str, Any]], best: dict[str, float | None],
               autos: dict[str, str]) -> list[str]:
    lines = [
        "| network | threads | engine | loads | final gap (checked) | CPU s | wall s "
        "| CPU / AequilibraE's | target: <= 0.5 | total cost vs best known "
        "| Beckmann vs Dijkstra run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["network"], r["threads"]), []).append(r)
    for (net, _threads), rs in groups.items():
        aeq = next((r for r in rs if r["key"] == "aeq"), None)
        dij = next((r for r in rs if r["key"] == "dijkstra"), rs[0])
        for r in rs:
            engine = r["engine"] + (f" (= {autos[net]})" if r["key"] == "auto" else "")
            if aeq is None or r is aeq:
                ratio = target = "-"
            else:
                q = r["cpu"] / aeq["cpu"]
                ratio, target = f"{q:.2f}", ("met" if q <= 0.5 else "not met")
            b = best.get(net)
            vs_best = "-" if b is None else f"{r['total_cost'] / b - 1:+.1e}"
            lines.append(
                f"| {net} | {r['threads']} | {engine} | {r['loads']}"
                f"{'' if r['repeatable'] else ' (varied)'} | {r['gap']:.2e} "
                f"({r['checked_gap']:.2e}{own_gap(r)}) | {fmt_s(r['cpu'])} | "
                f"{fmt_s(r['wall'])} | {ratio} "
                f"| {target} | {vs_best} | {r['beckmann'] / dij['beckmann'] - 1:+.1e} |"
            )
    return lines


def part_lines(parts: list[dict[str, Any]]) -> list[str]:
    lines = []
    for k, part in enumerate(parts, 1):
        loads = part["load"]
        load = (f"1-minute load average at their starts {min(loads):.1f} to {max(loads):.1f} "
                f"(median {med(loads):.1f}; it counts the benchmark's own process)"
                if loads else part.get("load_note", "load average not recorded"))
        code = "; ".join(f"{v}: {n} run{'s' if n != 1 else ''}"
                         for v, n in part["versions"].items())
        lines.append(
            f"{'Run ' + str(k) + ': ' if len(parts) > 1 else ''}`{part['command']}` "
            f"({', '.join(part['sections'])}): {part['runs']} timed subprocesses in "
            f"{part['minutes']:.0f} minutes; {load}; code at {code or 'unknown'}."
        )
    return lines


def write_report(path: Path, raw: dict[str, Any]) -> None:
    parts = raw["parts"]
    weights = "; ".join(f"{k}: minutes per cent of toll {t}, per mile {d}"
                        for k, (t, d) in GENERALIZED.items())
    aeq = parts[0]["aeq"]
    lines = [
        "# All-or-nothing loading and equilibrium with the contraction hierarchy, "
        "against AequilibraE",
        "",
        f"Generated by `benchmarks/bench_ue_hierarchy.py` on {parts[0]['platform']}; "
        + (f"AequilibraE run by `{aeq}`." if aeq else
           "AequilibraE not run (not installed, and no `--aequilibrae PYTHON`)."),
        "",
        *part_lines(parts),
        "",
        "Every timed run is its own process with its thread count fixed at start "
        "(`threads` 1: `NUMBA_NUM_THREADS`, `OMP_NUM_THREADS` and BLAS at 1 and "
        "AequilibraE's `set_cores(1)`; default: numba's and AequilibraE's own, all cores). "
        "CPU s: that process's time over all its threads. Engines alternate between "
        "repeats; times are medians over the samples.",
        "",
        "## All-or-nothing: one load at free-flow times",
        "",
        "Ours on a graph built beforehand; the hierarchy's first order (METIS nested "
        "dissection) and contraction are done once per topology and kept for every "
        "reweighting, so they are shown apart and not in the total; its customization "
        "(perfect: the default; basic: `perfect=False`) is in the total. AequilibraE: "
        "`allOrNothing.execute()` on a graph and results prepared beforehand (no skims).",
        "",
        *(aon_table(raw["aon"]) if raw["aon"] else ["Not run."]),
        "",
        "## Equilibrium on generated grids (BFW)",
        "",
        "One run to the smallest gap per engine; the columns for the larger gap read the "
        "clocks at the load that first measured it (for ours just after that iteration's "
        "line search). Loads: all-or-nothing loads including the initial one and the "
        "one that measured the final gap. Ours: `user_equilibrium(method=...)` on a fresh "
        "graph, so `hierarchy` includes its first order and contraction. Final gap: as "
        "measured by the run (ours' definition for all three; AequilibraE's own measure "
        "after `own`); in brackets the gap of the returned flow recomputed afterwards by "
        "one Dijkstra load of ours (with an iteration cap, the returned flow is one step "
        "past the last measured one). Beckmann, TSTT and flows of AequilibraE's flows are "
        "computed by ours' volume-delay functions; differences are relative to ours by "
        "Dijkstra.",
        "",
        *(ue_table(raw["ue"], raw["gaps"]) if raw["ue"] else ["Not run."]),
        "",
        "## TNTP networks: equilibrium to 1e-5, ours against AequilibraE",
        "",
        "Files from the Transportation Networks for Research collection "
        "(https://github.com/bstabler/TransportationNetworks), as published (original "
        "trip tables), with `tntp_equilibrium`'s conventions (BPR from `b` and `power`, "
        "zones below the first through node not passed through: AequilibraE's blocked "
        "centroid flows) and the generalized cost of the network's README "
        f"({weights}; AequilibraE: a fixed cost at value of time 1; zero elsewhere). "
        "Total cost: flow x generalized cost summed over the links, against the same sum "
        "of the published best-known flow file. CPU / AequilibraE's: median CPU seconds "
        "of the row over AequilibraE's in the same run and thread count; the target of "
        "issue 15 is a ratio of at most 0.5. `auto` is the default method; what it picks "
        "is in brackets.",
        "",
        *(tntp_table(raw["tntp"], raw["best"], raw["autos"]) if raw["tntp"] else
          ["Not run: no `--tntp DIR`."]),
        "",
    ]
    for key, title in (("skipped", "Not found"), ("errors", "Failed runs")):
        if raw.get(key):
            lines += [f"{title}:", "", *(f"- {e}" for e in raw[key]), ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


def merge(raws: list[dict[str, Any]]) -> dict[str, Any]:
    """Raw results of several runs as one (sections concatenated in run order)."""
    out: dict[str, Any] = {"parts": [], "aon": [], "ue": [], "tntp": [], "best": {},
                           "autos": {}, "skipped": [], "errors": [], "gaps": []}
    for raw in raws:
        for key in ("parts", "aon", "ue", "tntp", "skipped", "errors"):
            out[key] += raw.get(key, [])
        out["best"].update(raw.get("best", {}))
        out["autos"].update(raw.get("autos", {}))
        if raw.get("ue"):
            out["gaps"] = raw["gaps"]
    return out


# ------------------------------------------------------------------------------ main


def parse_grids(text: str) -> list[tuple[int, int, int]]:
    """``side:zones[:max_iter],...``"""
    out = []
    for item in text.split(","):
        parts = [int(p) for p in item.split(":")]
        if len(parts) not in (2, 3):
            raise SystemExit(f"bad grid {item!r}: expected side:zones or side:zones:max_iter")
        out.append((parts[0], parts[1], parts[2] if len(parts) == 3 else 0))
    return out


def arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run, about 2 minutes")
    ap.add_argument("--tntp", type=Path, default=None, help="folder with the TNTP files")
    ap.add_argument("--networks", default=None,
                    help=f"TNTP networks (default: {','.join(TNTP_NETWORKS)}; --quick: "
                         "SiouxFalls,ChicagoSketch)")
    ap.add_argument("--aequilibrae", default=None,
                    help="python with aequilibrae (default: this one, when it has it)")
    ap.add_argument("--aon-grids", default="100:200,316:200,316:1000",
                    help="side:zones of the generated grids for all-or-nothing")
    ap.add_argument("--ue-grids", default="100:200:3000,316:500:15",
                    help="side:zones:max_iter of the generated grids for equilibrium")
    ap.add_argument("--gaps", type=float, nargs="+", default=[1e-4, 1e-5])
    ap.add_argument("--tntp-gap", type=float, default=1e-5)
    ap.add_argument("--tntp-max-iter", type=int, default=20_000)
    ap.add_argument("--aon-reps", type=int, default=2, help="processes per engine")
    ap.add_argument("--aon-inner", type=int, default=2, help="loads per process")
    ap.add_argument("--ue-reps", type=int, default=1)
    ap.add_argument("--tntp-reps", type=int, default=3)
    ap.add_argument("--sections", default="aon,ue,tntp")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--raw", type=Path, default=None,
                    help="also keep the rows as JSON here (rewritten after each network)")
    ap.add_argument("--render", type=Path, nargs="+", default=None,
                    help="run nothing: write the report from these --raw files, merged")
    args = ap.parse_args(argv)
    if args.quick:
        args.aon_grids, args.ue_grids = "100:200", "40:60:400"
        args.networks = args.networks or "SiouxFalls,ChicagoSketch"
        args.aon_reps = args.aon_inner = args.ue_reps = args.tntp_reps = 1
    args.networks = args.networks or ",".join(TNTP_NETWORKS)
    args.threads = [None] if args.quick else [1, None]
    if args.aequilibrae is None and importlib.util.find_spec("aequilibrae") is not None:
        args.aequilibrae = sys.executable
    return args


def platform_text() -> str:
    import numba

    return (f"{platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
            f"{sys.version.split()[0]}, numpy {np.__version__}, numba {numba.__version__}")


def read_tntp(args: argparse.Namespace,
              raw: dict[str, Any]) -> dict[str, tuple[dict[str, Any], float | None]]:
    cases = {}
    for name in args.networks.split(",") if args.tntp is not None else []:
        found = tntp_case(args.tntp, name)
        if found is None:
            raw["skipped"].append(f"{name} (no {name}_net.tntp / _trips.tntp in {args.tntp})")
        else:
            cases[name] = found
            raw["best"][name], raw["autos"][name] = found[1], auto_method(found[0])
    return cases


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.render:
        write_report(args.out, merge([json.loads(p.read_text()) for p in args.render]))
        return
    sections = [s for s in ("aon", "ue", "tntp") if s in args.sections.split(",")]
    started = time.time()
    raw: dict[str, Any] = {"aon": [], "ue": [], "tntp": [], "best": {}, "autos": {},
                           "skipped": [], "errors": [], "gaps": args.gaps}
    tntp_cases = read_tntp(args, raw)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        runner = Runner(tmp, args.aequilibrae)

        def done(key: str, rows: list[dict[str, Any]]) -> None:
            raw[key] += rows
            raw["errors"] = runner.errors
            raw["parts"] = [{
                "command": " ".join(["benchmarks/bench_ue_hierarchy.py",
                                     *(argv if argv is not None else sys.argv[1:])]),
                "sections": sections, "runs": runner.count,
                "minutes": (time.time() - started) / 60, "load": runner.load,
                "versions": runner.versions, "aeq": runner.aeq_python,
                "platform": platform_text(),
            }]
            if args.raw is not None:
                args.raw.write_text(json.dumps(raw))

        def case_file(name: str, case: dict[str, Any]) -> Path:
            path = tmp / f"{name}.npz"
            save_case(path, **case)
            return path

        if "aon" in sections:
            cases = [(f"grid {side}x{side}, {zones} zones", grid_case(side, zones))
                     for side, zones, _ in parse_grids(args.aon_grids)]
            if "ChicagoSketch" in tntp_cases:
                cases.append(("ChicagoSketch", tntp_cases["ChicagoSketch"][0]))
            for i, (name, case) in enumerate(cases):
                done("aon", bench_aon(runner, name, case_file(f"aon{i}", case), case, args))
        if "ue" in sections:
            for side, zones, cap in parse_grids(args.ue_grids):
                case = grid_case(side, zones)
                name = f"grid {side}x{side}, {zones} zones" + (f", cap {cap}" if cap else "")
                done("ue", bench_ue(runner, name, case_file(f"ue{side}_{zones}", case), case,
                                    methods=OURS_UE, gaps=args.gaps, max_iter=cap or 20_000,
                                    reps=args.ue_reps, threads_list=args.threads))
        if "tntp" in sections:
            for name, (case, _) in tntp_cases.items():
                done("tntp", bench_ue(runner, name, case_file(f"tntp_{name}", case), case,
                                      methods=OURS_TNTP, gaps=[args.tntp_gap],
                                      max_iter=args.tntp_max_iter, reps=args.tntp_reps,
                                      threads_list=args.threads))
        done("aon", [])
    write_report(args.out, raw)


if __name__ == "__main__":
    main()
