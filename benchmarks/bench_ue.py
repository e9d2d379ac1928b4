"""Benchmark user equilibrium: seconds per iteration and iterations to a relative gap.

Run on demand (not part of the test suite)::

    python benchmarks/bench_ue.py                     # 100 x 100 grid, 200 zones
    python benchmarks/bench_ue.py --aequilibrae /path/to/venv/bin/python

The network is a generated 10,000-node grid (two-way links, random free-flow times and
capacities, BPR 0.15 / 4) with 200 zones and a dense random OD matrix scaled so that
links are congested. Each algorithm runs to a relative gap of 1e-4 or its iteration
cap. With ``--aequilibrae PYTHON`` the same network and matrix are also assigned by
AequilibraE's BFW in that interpreter (it must have ``aequilibrae`` installed), with the
same gap definition and the same number of threads. Without the option, AequilibraE runs
in this interpreter's own subprocess when it is installed here (``pip install
".[bench]"``), and is reported as not run otherwise.

Writes a Markdown table to ``benchmarks/results/ue.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numba
import numpy as np
from _grid import grid_arcs

from connectivity.assign import equilibrium_problem, user_equilibrium

RESULTS = Path(__file__).parent / "results" / "ue.md"


def make_network(side: int = 100, n_zones: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    t, h = grid_arcs(side)
    m = t.shape[0]
    fft = rng.uniform(0.5, 2.0, m).round(3)
    cap = rng.choice([400.0, 800.0, 1600.0], m)
    zones = np.sort(rng.choice(side * side, n_zones, replace=False))
    demand = rng.uniform(0.0, 10.0, (n_zones, n_zones)).round(2)
    np.fill_diagonal(demand, 0.0)
    return t, h, fft, cap, zones, demand


AEQ_SCRIPT = r"""
import json, sys, time
import numpy as np, pandas as pd
from aequilibrae.paths import Graph, TrafficClass, TrafficAssignment
from aequilibrae.matrix import AequilibraeMatrix
d = np.load(sys.argv[1])
t, h, fft, cap, zones, demand = (d[k] for k in ("t", "h", "fft", "cap", "zones", "demand"))
gap, max_iter, threads = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
n = int(max(t.max(), h.max())) + 1
# AequilibraE wants the zones to be nodes 1..n_zones: renumber zones first
order = np.concatenate([zones, np.setdiff1d(np.arange(n), zones)])
new_id = np.empty(n, dtype=np.int64); new_id[order] = np.arange(1, n + 1)
net = pd.DataFrame({"link_id": np.arange(1, len(t) + 1), "a_node": new_id[t], "b_node": new_id[h],
                    "direction": 1, "free_flow_time": fft, "capacity": cap,
                    "alpha": 0.15, "beta": 4.0})
g = Graph()
g.network = net
g.prepare_graph(np.arange(1, len(zones) + 1))
g.set_graph("free_flow_time")
g.set_skimming(["free_flow_time"])
g.set_blocked_centroid_flows(False)
g.network["id"] = g.network["link_id"]
mat = AequilibraeMatrix()
mat.create_empty(zones=len(zones), matrix_names=["m"], memory_only=True)
mat.index[:] = np.arange(1, len(zones) + 1); mat.matrices[:, :, 0] = demand
mat.computational_view(["m"])
tc = TrafficClass("car", g, mat); tc.set_pce(1.0)
ta = TrafficAssignment()
ta.set_classes([tc]); ta.set_vdf("BPR"); ta.set_vdf_parameters({"alpha": "alpha", "beta": "beta"})
ta.set_capacity_field("capacity"); ta.set_time_field("free_flow_time")
ta.set_algorithm("bfw"); ta.max_iter = max_iter; ta.rgap_target = gap; ta.set_cores(threads)
t0 = time.perf_counter(); ta.execute(); secs = time.perf_counter() - t0
rep = ta.report()
res = ta.results()
from importlib.metadata import version
print(json.dumps({"seconds": secs, "iterations": int(rep["iteration"].max()),
                  "gap": float(rep["rgap"].iloc[-1]), "version": version("aequilibrae"),
                  "tstt": float((res["PCE_tot"] * res["Congested_Time_Max"]).sum())}))
"""


def run_aequilibrae(python: str, arrays: dict, gap: float, max_iter: int, threads: int):
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "net.npz"
        np.savez(npz, **arrays)
        script = Path(tmp) / "aeq.py"
        script.write_text(AEQ_SCRIPT)
        out = subprocess.run(
            [python, str(script), str(npz), str(gap), str(max_iter), str(threads)],
            capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=100)
    ap.add_argument("--zones", type=int, default=200)
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--max-iter", default="fw=100,cfw=300,bfw=1000")
    ap.add_argument("--algorithms", default="bfw,cfw,fw")
    ap.add_argument(
        "--aequilibrae", default=None,
        help="python with aequilibrae installed (default: this one, when it has "
             "aequilibrae, e.g. after pip install '.[bench]')")
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    caps = dict(kv.split("=") for kv in args.max_iter.split(","))
    t, h, fft, cap, zones, demand = make_network(args.side, args.zones)
    n_nodes = args.side * args.side
    print(f"network: {n_nodes} nodes, {t.shape[0]} links, {len(zones)} zones, "
          f"{demand.sum():.0f} trips", flush=True)  # fmt: skip
    # warm the numba kernels so compilation is not timed
    user_equilibrium(equilibrium_problem(t, h, fft, cap, zones[:2], zones[:2], demand[:2, :2]),
                     max_iter=1)
    rows = []
    for alg in args.algorithms.split(","):
        problem = equilibrium_problem(t, h, fft, cap, zones, zones, demand, n_nodes=n_nodes)
        r = user_equilibrium(problem, algorithm=alg, gap=args.gap, max_iter=int(caps[alg]))
        # the gap history holds one entry per all-or-nothing load after the first
        loads = len(r.relative_gap) + 1
        rows.append(dict(alg=alg, it=r.iterations, gap=r.gap, secs=r.seconds,
                         per_it=r.seconds / loads, converged=r.converged, tstt=r.tstt,
                         beckmann=r.beckmann))  # fmt: skip
        print(rows[-1], flush=True)
    aeq = None
    if args.aequilibrae is None and importlib.util.find_spec("aequilibrae") is not None:
        args.aequilibrae = sys.executable
    if args.aequilibrae:
        arrays = dict(t=t, h=h, fft=fft, cap=cap, zones=zones, demand=demand)
        aeq = run_aequilibrae(args.aequilibrae, arrays, args.gap, int(caps["bfw"]),
                              numba.get_num_threads())  # fmt: skip
        print("aequilibrae:", aeq, flush=True)
    write_report(Path(args.out), rows, aeq, args, n_nodes, t.shape[0])


def write_report(path: Path, rows: list[dict], aeq: dict | None, args, n: int, m: int) -> None:
    lines = [
        "# User equilibrium: seconds per iteration and iterations to the gap",
        "",
        f"Generated by `benchmarks/bench_ue.py` on {platform.machine()}, {os.cpu_count()} "
        f"cores shared with other work while it ran ({numba.get_num_threads()} numba "
        f"threads), Python {sys.version.split()[0]}, numpy {np.__version__}, numba "
        f"{numba.__version__}.",
        "",
        f"Network: {args.side} x {args.side} grid, {n:,} nodes, {m:,} links, {args.zones} "
        f"zones, dense random OD matrix, BPR 0.15 / 4. Target relative gap {args.gap:g}.",
        "Seconds per iteration = wall time / all-or-nothing loads (including the initial "
        "load and line searches).",
        "",
        "| algorithm | iterations | final relative gap | reached | seconds | seconds / iteration "
        "| TSTT | Beckmann |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['alg']} | {r['it']} | {r['gap']:.2e} | {'yes' if r['converged'] else 'no'} "
            f"| {r['secs']:.1f} | {r['per_it']:.3f} | {r['tstt']:.6g} | {r['beckmann']:.6g} |"
        )
    lines.append("")
    if aeq is None:
        lines.append("AequilibraE: not run (not installed here and no `--aequilibrae PYTHON`).")
    elif "error" in aeq:
        lines.append(f"AequilibraE: failed to run: `{aeq['error']}`.")
    else:
        ours = next((r for r in rows if r["alg"] == "bfw"), None)
        ratio = ""
        if ours:
            aeq_per = aeq["seconds"] / max(aeq["iterations"], 1)
            ratio = (f" Ours (bfw) per iteration {ours['per_it']:.3f} s vs AequilibraE "
                     f"{aeq_per:.3f} s: ratio {ours['per_it'] / aeq_per:.2f}.")  # fmt: skip
        lines.append(
            f"AequilibraE {aeq['version']} BFW on the same network: {aeq['iterations']} "
            f"iterations, final gap {aeq['gap']:.2e} (its own gap measure), "
            f"{aeq['seconds']:.1f} s, TSTT {aeq['tstt']:.6g}.{ratio}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
