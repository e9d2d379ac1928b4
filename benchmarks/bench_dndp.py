"""Benchmark the bilevel discrete network design problem on Rey's Sioux Falls instances.

Run on demand (not part of the test suite)::

    python benchmarks/bench_dndp.py                  # both instances, 25 % and 50 %
    python benchmarks/bench_dndp.py --repeat 1 --no-brute-force --no-directed

For SF_DNDP_10_3 and SF_DNDP_20_2 (see DATA below) at budgets of 25 % and 50 % of the
total candidate cost: the seconds of :func:`connectivity.invest.dndp.bilevel_design` to a
proved optimum (median of ``--repeat`` runs), its UE and SO solves, the optimum TSTT,
the shortfall of the ``bcr`` and ``greedy`` heuristics against it, and (unless
``--no-brute-force``) brute force over every design within the budget as a check.

Projects pair the two directions of a candidate link, as the instances intend. Rey
(2019) decides each *directed* candidate link on its own instead; with ``--directed``
(the default) both instances are also solved that way (10 and 20 one-way projects, one
run each unless ``--directed-repeat``), which is the problem his published figures are
for. Those figures (supplementary material, Tables B.1
and B.2: demand and capacities scaled by 1e-3, so his TSTTs are ours / 1000; link delay
functions replaced by 100-segment piecewise-linear approximations; CPLEX 12.8, one
thread, 10-minute limit) are printed beside ours.

The equilibria run on ``--threads`` numba threads (default 1): on a small network such
as Sioux Falls the parallel all-or-nothing load gains nothing, and on a machine shared
with other work it lost a factor of 20 to 30 to thread contention while this was written.

Writes a Markdown table to ``benchmarks/results/dndp.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np

from connectivity.invest.dndp import bilevel_design, brute_force_design
from connectivity.invest.dndp_baselines import bcr_design, greedy_design
from connectivity.io import read_dndp_instance, read_trips

ROOT = Path(__file__).resolve().parent.parent
#: The instances are not committed (licences); set CONNECTIVITY_DNDP_DATA or keep them in
#: ../shared/benchmark-data/dndp beside the checkout.
DATA = Path(os.environ.get("CONNECTIVITY_DNDP_DATA",
                           ROOT.parent / "shared" / "benchmark-data" / "dndp"))
RESULTS = Path(__file__).parent / "results" / "dndp.md"
INSTANCES = ("SF_DNDP_10_3", "SF_DNDP_20_2")
BUDGETS = (25, 50)
SOURCE = ("Rey (2019), Computational benchmarking of exact methods for the bilevel discrete "
          "network design problem, Transportation Research Procedia 47 (2020) 11-18; "
          "supplementary material Tables B.1 and B.2 (github.com/davidrey123/DNDP, "
          "Paper/DNDP_Computational_Benchmarking_Supplementary_Material.pdf)")
#: Rey's figures per (instance, budget %): method -> (UB, gap as printed, seconds), and
#: TAP, the TSTT of the best design re-solved as a convex traffic assignment. All TSTTs
#: in his units (ours / 1000). Directed links are decided one by one in his model.
PUBLISHED: dict[tuple[str, int], dict[str, Any]] = {
    ("SF_DNDP_10_3", 25): {"MKKT": (6281.8, 0.0, 73.4), "SOIC": (6275.7, 0.0, 37.0),
                           "SOBB": (6275.7, 0.0, 70.2), "TAP": 6287.8},
    ("SF_DNDP_10_3", 50): {"MKKT": (5474.7, 0.0, 291.2), "SOIC": (5468.5, 0.0, 518.0),
                           "SOBB": (5468.5, 0.0, 450.3), "TAP": 5448.4},
    ("SF_DNDP_20_2", 25): {"MKKT": (5023.0, 0.04, 600.0), "SOIC": (5017.0, 0.03, 600.0),
                           "SOBB": (5017.0, 0.00, 600.0), "TAP": 5030.4},
    ("SF_DNDP_20_2", 50): {"MKKT": (4119.4, 0.04, 600.0), "SOIC": (4113.9, 0.02, 600.0),
                           "SOBB": (4113.9, 0.02, 600.0), "TAP": 4114.7},
}


def run_case(name: str, pct: int, *, pair: bool, repeat: int, brute: bool,
             heuristics: bool) -> dict[str, Any]:
    net, cands = read_dndp_instance(DATA / f"{name}.txt", pair=pair)
    trips = read_trips(DATA / "SiouxFalls_trips.tntp")
    budget = pct / 100 * float(cands.cost.sum())
    runs = [bilevel_design(net, trips, cands, budget) for _ in range(repeat)]
    p = runs[0]
    row: dict[str, Any] = {
        "instance": name, "pct": pct, "pair": pair, "projects": len(cands.projects),
        "budget": budget, "seconds": statistics.median(r.seconds for r in runs),
        "runs": [r.seconds for r in runs], "status": p.status.value, "tstt": p.objective,
        "baseline": p.baseline, "bound": p.bound, "selected": p.selected, "cost": p.cost,
        "ue": p.details["ue_solves"], "so": p.details["so_solves"],
        "warm": p.details["warm_start_solves"], "nodes": p.details["nodes"],
    }
    print(f"{name} {pct}% {'pairs' if pair else 'directed'}: bilevel "
          f"{row['seconds']:.2f} s (runs {', '.join(f'{s:.2f}' for s in row['runs'])}), "
          f"{p.status.value}, TSTT {p.objective:.1f}, {p.selected}", flush=True)
    if heuristics:
        for method in (bcr_design, greedy_design):
            h = method(net, trips, cands, budget)
            row[h.method] = (h.objective, h.seconds, h.evaluations, h.selected)
            print(f"  {h.method}: TSTT {h.objective:.1f} ({h.seconds:.2f} s) {h.selected}",
                  flush=True)
    if brute:
        b = brute_force_design(net, trips, cands, budget)
        row["brute"] = (b.objective, b.seconds, b.evaluations, b.selected)
        print(f"  brute force: TSTT {b.objective:.1f} over {b.evaluations} designs "
              f"({b.seconds:.1f} s) {b.selected}", flush=True)
    return row


def _short(tstt: float, best: float) -> str:
    return f"{100 * (tstt - best) / best:.2f}"


def write_report(path: Path, rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines = [
        "# Discrete network design (DNDP): Sioux Falls instances of Rey (2019)",
        "",
        f"Generated by `benchmarks/bench_dndp.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, {args.threads} numba thread(s), "
        f"load average {load[0]:.1f} at the end, Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}. Bilevel seconds are the "
        f"median of {args.repeat} runs for pairs, {args.directed_repeat} for directed "
        "links; equilibria (UE and SO) solved to a relative gap of "
        "1e-6 (the SO bounds first to 1e-4), pruning tolerance 1e-6. TSTT in the units "
        "of the TNTP files (vehicle-minutes of the full demand).",
        "",
        "Projects are the two directions of a candidate link together ('pairs'), as the "
        "instances intend; 'directed' decides each direction on its own, as Rey's model "
        "does. Budget = the percentage of the total candidate cost (sum over directed "
        "links). Shortfall = (heuristic TSTT - optimum) / optimum.",
        "",
        "## Ours",
        "",
        "| instance | projects | budget | seconds to proof (median) | status | optimum TSTT "
        "| selected | UE solves | SO solves | warm-start UE solves | nodes | bcr shortfall % "
        "| greedy shortfall % | brute force (designs, seconds) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        kind = "pairs" if r["pair"] else "directed"
        bcr = _short(r["bcr"][0], r["tstt"]) if "bcr" in r else "-"
        greedy = _short(r["greedy"][0], r["tstt"]) if "greedy" in r else "-"
        if "brute" in r:
            same = "same" if r["brute"][3] == r["selected"] else "DIFFERS"
            brute = f"{same} ({r['brute'][2]}, {r['brute'][1]:.1f} s)"
        else:
            brute = "-"
        lines.append(
            f"| {r['instance']} | {r['projects']} {kind} | {r['pct']} % ({r['budget']:.0f}) "
            f"| {r['seconds']:.2f} | {r['status']} | {r['tstt']:.1f} | "
            f"{', '.join(r['selected']) or '(none)'} | {r['ue']} | {r['so']} | {r['warm']} | "
            f"{r['nodes']} | {bcr} | {greedy} | {brute} |")
    lines += [
        "",
        "## Beside the published figures",
        "",
        f"Source: {SOURCE}. His TSTTs are in units of 1000 of ours (demand and capacities "
        "scaled by 1e-3). UB: his best objective in the piecewise-linear model; TAP: his "
        "best design re-solved as a convex assignment, the figure comparable with our "
        "exact-equilibrium TSTT. Gap: as printed in his tables (the caption says %). "
        "His times: Windows 7, 2.7 GHz, one thread, CPLEX 12.8, 10-minute limit. The "
        "ratio of TSTTs is ours / (1000 x TAP); the ratio of times is ours / his fastest "
        "proof, given only for the directed runs (his problem) and never across budgets.",
        "",
        "| instance | budget | ours (projects) | our TSTT / 1000 | his TAP | TSTT ratio "
        "| his UB (MKKT / SOIC / SOBB) | his gap | his seconds (MKKT / SOIC / SOBB) "
        "| our seconds | time ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        pub = PUBLISHED.get((r["instance"], r["pct"]))
        if pub is None:
            continue
        m = [pub[k] for k in ("MKKT", "SOIC", "SOBB")]
        proved = [s for _, g, s in m if g == 0.0 and s < 600.0]
        ratio = (f"{r['seconds'] / min(proved):.3f}" if proved and not r["pair"]
                 and r["status"] == "optimal" else "-")
        lines.append(
            f"| {r['instance']} | {r['pct']} % | {'pairs' if r['pair'] else 'directed'} "
            f"| {r['tstt'] / 1000:.1f} | {pub['TAP']:.1f} "
            f"| {r['tstt'] / 1000 / pub['TAP']:.4f} "
            f"| {' / '.join(f'{u:.1f}' for u, _, _ in m)} "
            f"| {' / '.join(f'{g:g}' for _, g, _ in m)} "
            f"| {' / '.join(f'{s:.1f}' for _, _, s in m)} | {r['seconds']:.2f} | {ratio} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="bilevel runs per case (median)")
    ap.add_argument("--threads", type=int, default=1, help="numba threads (default 1)")
    ap.add_argument("--no-brute-force", dest="brute", action="store_false",
                    help="skip the brute-force check of the paired cases")
    ap.add_argument("--no-directed", dest="directed", action="store_false",
                    help="skip the runs with one project per directed link")
    ap.add_argument("--directed-repeat", type=int, default=1,
                    help="bilevel runs per directed case (default 1: minutes each)")
    ap.add_argument("--out", default=str(RESULTS), help="Markdown file to write")
    args = ap.parse_args()
    numba.set_num_threads(args.threads)
    if not DATA.is_dir():
        sys.exit(f"no instance data in {DATA}; run from a source checkout")
    rows = []
    for name in INSTANCES:
        for pct in BUDGETS:
            rows.append(run_case(name, pct, pair=True, repeat=args.repeat, brute=args.brute,
                                 heuristics=True))
    if args.directed:
        for name in INSTANCES:
            for pct in BUDGETS:
                rows.append(run_case(name, pct, pair=False, repeat=args.directed_repeat,
                                     brute=False, heuristics=True))
    write_report(Path(args.out), rows, args)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.0f} s")
