"""Relative gap against CPU time: the bush method (Algorithm B) beside the Frank-Wolfe
family and AequilibraE's BFW, on the TNTP networks (issue 16).

Run on demand (not part of the test suite)::

    python benchmarks/bench_bush.py --tntp DIR            # the full run, 15-25 minutes
    python benchmarks/bench_bush.py --tntp DIR --quick    # smoke run, under 2 minutes

``--tntp DIR`` is a folder (searched with its sub-folders) holding ``<Name>_net.tntp``,
``<Name>_trips.tntp`` and, optionally, the published best-known ``<Name>_flow.tntp`` of
each network, from the Transportation Networks for Research collection
(https://github.com/bstabler/TransportationNetworks; not part of this repository).
``--networks`` picks the networks (default SiouxFalls, Anaheim, Barcelona, Winnipeg and
ChicagoSketch; ``--quick``: SiouxFalls and Anaheim); any name with files in DIR works.
ChicagoSketch is posed with the generalized cost its best-known flows were computed
with (toll factor 0.02, distance factor 0.04), the others with time alone.

For each network, in one run, each of ``fw``, ``cfw``, ``bfw`` and ``bush``
(:func:`connectivity.assign.user_equilibrium`) and AequilibraE's BFW runs once, each in
a subprocess of its own with one thread (``_bush_worker.py``), with the CPU time
(``time.process_time``) recorded at every iteration's relative gap. The bush method
runs to a gap of 1e-12 (the issue's target is 1e-10), the Frank-Wolfe family and
AequilibraE to 1e-10 under a cap (they stall near 1e-6 to 1e-7): an iteration cap and a
CPU-time cap (for ours the cap becomes a number of iterations, measured on a short
pilot run; AequilibraE is stopped when an iteration starts past the cap). The gap is
ours for every engine, ``(c.x - c.y) / c.x`` with ``c`` the costs at the flow ``x``
and ``y`` the all-or-nothing load at ``c``; the final gap of every returned flow is
measured again here by an independent Dijkstra load, its flow conservation is checked
(a violation is flagged in the table), and its Beckmann objective is compared with that
of the published flows, both priced by ``volume_delay(problem).integral``.

Writes ``benchmarks/results/bush.md`` (``--out``) and one PNG per network, log gap
against CPU seconds, in the folder of the same name (``benchmarks/results/bush/``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run by path (runpy) as well as as a script
    sys.path.insert(0, str(HERE))

from _bush_report import write_report  # noqa: E402

RESULTS = HERE / "results" / "bush.md"
WORKER = HERE / "_bush_worker.py"
NETWORKS = ("SiouxFalls", "Anaheim", "Barcelona", "Winnipeg", "ChicagoSketch")
QUICK_NETWORKS = ("SiouxFalls", "Anaheim")
# generalized-cost weights (minutes per cent of toll, per mile) of the networks whose
# README gives non-zero ones; their best-known flows were computed with them
GENERALIZED = {"ChicagoSketch": (0.02, 0.04)}
OURS = ("fw", "cfw", "bfw", "bush")
THREAD_VARS = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Caps:
    """Targets and caps of one benchmark run."""

    fw_target: float = 1e-10
    fw_iter: int = 20_000
    fw_cpu_s: float = 60.0
    bush_target: float = 1e-12
    bush_iter: int = 2_000
    bush_cpu_s: float = 120.0
    aeq_target: float = 1e-10
    aeq_iter: int = 100_000
    aeq_cpu_s: float = 60.0
    pilot_iter: int = 10


FULL = Caps()
QUICK = Caps(fw_iter=2_000, fw_cpu_s=5.0, bush_iter=500, bush_cpu_s=20.0, aeq_cpu_s=5.0)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    caps = QUICK if args.quick else FULL
    names = args.networks or (QUICK_NETWORKS if args.quick else NETWORKS)
    folder = Path(args.tntp)
    files = {name: _files(folder, name) for name in names}
    aeq = not args.no_aequilibrae and importlib.util.find_spec("aequilibrae") is not None
    out = Path(args.out)
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_start = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_bush_") as tmp:
        for name in names:
            results.append(bench_network(name, files[name], caps, Path(tmp), aeq=aeq))
    load_end = os.getloadavg()
    write_report(out, results, meta=dict(
        command="python benchmarks/bench_bush.py " + " ".join(sys.argv[1:] if argv is None
                                                              else argv),
        started=started, load_start=load_start, load_end=load_end, caps=asdict(caps),
        quick=args.quick, aequilibrae=aeq, code=_code_version(), versions=_versions(aeq)))
    print(f"wrote {out}")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tntp", required=True, metavar="DIR",
                    help="folder with the <Name>_net/_trips(/_flow).tntp files")
    ap.add_argument("--networks", nargs="+", metavar="NAME",
                    help=f"default {' '.join(NETWORKS)} (--quick: {' '.join(QUICK_NETWORKS)})")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: small caps (and two networks unless --networks)")
    ap.add_argument("--no-aequilibrae", action="store_true", help="leave AequilibraE out")
    ap.add_argument("--out", default=str(RESULTS), help="Markdown report; the PNGs go to "
                    "the folder of the same name without .md")
    args = ap.parse_args(argv)
    if not Path(args.tntp).is_dir():
        ap.error(f"--tntp {args.tntp!r} is not a folder")
    if not args.out.endswith(".md"):
        ap.error(f"--out {args.out!r} must end in .md (the PNG folder is named after it)")
    for name in args.networks or ():
        for kind in ("net", "trips"):
            if _find(Path(args.tntp), name, kind) is None:
                ap.error(f"--networks {name!r}: no {name}_{kind}.tntp under {args.tntp}")
    return args


def _find(folder: Path, name: str, kind: str) -> Path | None:
    hits = sorted(folder.rglob(f"{name}_{kind}.tntp"))
    return hits[0] if hits else None


def _files(folder: Path, name: str) -> dict[str, Path | None]:
    files = {kind: _find(folder, name, kind) for kind in ("net", "trips", "flow")}
    if files["net"] is None or files["trips"] is None:
        sys.exit(f"network {name!r}: {name}_net.tntp and {name}_trips.tntp must both be "
                 f"under {folder}")
    return files


# ------------------------------------------------------------------------------ network


def bench_network(name: str, files: dict[str, Path | None], caps: Caps, tmp: Path, *,
                  aeq: bool) -> dict[str, Any]:
    """Every algorithm once on network ``name``: traces, metrics of the final flows."""
    from _ue_workers import save_case

    from connectivity import io
    from connectivity.assign import volume_delay
    from connectivity.assign.problems import interzonal_demand
    from connectivity.assign.tntp import tntp_problem

    assert files["net"] is not None and files["trips"] is not None
    net, trips = io.read_net(files["net"]), io.read_trips(files["trips"])
    toll_factor, distance_factor = GENERALIZED.get(name, (0.0, 0.0))
    problem = tntp_problem(net, trips, toll_factor=toll_factor,
                           distance_factor=distance_factor)
    vdf = volume_delay(problem)
    published = None
    if files["flow"] is not None:
        ref = io.read_flow(files["flow"])
        if not (np.array_equal(ref.init_node, net.init_node)
                and np.array_equal(ref.term_node, net.term_node)):
            sys.exit(f"{files['flow']} lists other links, or in another order, than "
                     f"{files['net']}")
        published = float(vdf.integral(ref.volume).sum())
    case = tmp / f"{name}.npz"
    save_case(case, **_case(problem))
    base = dict(net=str(files["net"]), trips=str(files["trips"]), toll_factor=toll_factor,
                distance_factor=distance_factor, case=str(case), pilot_iter=caps.pilot_iter)
    runs: dict[str, dict[str, Any]] = {}
    load = os.getloadavg()[0]
    for algorithm in (*OURS, "aeq") if aeq else OURS:
        if algorithm == "bush":
            limits = dict(target=caps.bush_target, iter_cap=caps.bush_iter,
                          cpu_cap_s=caps.bush_cpu_s)
        elif algorithm == "aeq":
            limits = dict(target=caps.aeq_target, iter_cap=caps.aeq_iter,
                          cpu_cap_s=caps.aeq_cpu_s)
        else:
            limits = dict(target=caps.fw_target, iter_cap=caps.fw_iter,
                          cpu_cap_s=caps.fw_cpu_s)
        spec = dict(base, **limits, algorithm=algorithm,
                    engine="aeq" if algorithm == "aeq" else "ours",
                    out=str(tmp / f"{name}_{algorithm}.json"))
        run = _run_worker(spec, tmp / f"{name}_{algorithm}_spec.json")
        if "flow" in run:
            flow = run.pop("flow")
            worst, node = imbalance(problem, flow)
            run.update(checked_gap=checked_gap(problem, flow),
                       beckmann=float(vdf.integral(flow).sum()), imbalance=worst,
                       imbalance_node=node)
        runs[algorithm] = run
        print(f"{name} {algorithm}: {_summary(run)}", flush=True)
    return dict(name=name, nodes=net.n_nodes, links=int(net.init_node.shape[0]),
                zones=trips.n_zones, toll_factor=toll_factor, distance_factor=distance_factor,
                demand=float(interzonal_demand(problem).sum()), published_beckmann=published,
                load=load, runs=runs)


def _case(problem: Any) -> dict[str, Any]:
    """The problem in ``_ue_workers.save_case``'s arrays, for AequilibraE."""
    from connectivity.assign.problems import interzonal_demand

    p = problem
    if p.queue.any() or not np.array_equal(p.origins, p.destinations):
        raise ValueError("AequilibraE gets networks without queues, origins = destinations")
    nt = p.no_through if p.no_through is not None else np.zeros(0, dtype=np.int64)
    return dict(tail=p.tail, head=p.head, fft=p.free_flow_time, cap=p.capacity,
                alpha=p.alpha, beta=p.beta, fixed=p.fixed_cost, zones=p.origins,
                demand=interzonal_demand(p), no_through=nt, n_nodes=p.n_nodes)


def _run_worker(spec: dict[str, Any], spec_path: Path) -> dict[str, Any]:
    """The worker's result and final flow (``"flow"``), or ``{"error": ...}``."""
    spec_path.write_text(json.dumps(spec))
    env = dict(os.environ, **dict.fromkeys(THREAD_VARS, "1"))
    timeout = 4 * max(spec["cpu_cap_s"], 60.0) + 600
    try:
        proc = subprocess.run([sys.executable, str(WORKER), str(spec_path)], env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"no result after {timeout:.0f} s (wall)"}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        return {"error": tail[0].strip()}
    run: dict[str, Any] = json.loads(Path(spec["out"]).read_text())
    with np.load(spec["out"] + ".npz") as z:
        run["flow"] = z["flow"]
    return run


def _summary(run: dict[str, Any]) -> str:
    if "error" in run:
        return f"failed: {run['error']}"
    return (f"{run['iterations']} iterations, {run['total_cpu_s']:.2f} s CPU, gap "
            f"{run['gaps'][-1]:.2e} (checked {run['checked_gap']:.2e}), stopped by "
            f"{run['stop']}")


def checked_gap(problem: Any, flow: np.ndarray) -> float:
    """Relative gap of ``flow`` measured from scratch, apart from the solvers' code: the
    interzonal trips at their shortest-path cost (one Dijkstra search per origin) at the
    costs of ``flow``. A zone that may not be passed through gets a second node that
    takes its out-edges; searches start there, so a path may end in a zone but never
    leave one it entered."""
    from connectivity import paths
    from connectivity.assign import volume_delay
    from connectivity.assign.problems import interzonal_demand

    p = problem
    cost = volume_delay(p).cost(flow)
    demand = interzonal_demand(p)
    tail, sources, n = p.tail, p.origins, p.n_nodes
    if p.no_through is not None:
        out_node = np.full(n, -1, dtype=np.int64)
        out_node[p.no_through] = n + np.arange(p.no_through.shape[0])
        tail = np.where(out_node[tail] >= 0, out_node[tail], tail)
        sources = np.where(out_node[sources] >= 0, out_node[sources], sources)
        n += int(p.no_through.shape[0])
    graph = paths.from_arrays(tail, p.head, cost, n)
    dist = paths.distances(graph, sources, p.destinations, method="dijkstra")
    used = demand > 0
    sptt = float(np.sum(demand[used] * dist[used]))
    tstt = float(np.sum(flow * cost))
    return (tstt - sptt) / tstt if tstt > 0 else 0.0


def imbalance(problem: Any, flow: np.ndarray) -> tuple[float, int]:
    """The largest violation of flow conservation by ``flow`` (trips), and where: at each
    node, flow out minus flow in against the trips it sends minus those it receives.
    The node is numbered from 1, as in the TNTP files."""
    from connectivity.assign.problems import interzonal_demand

    p = problem
    q = interzonal_demand(p)
    n = p.n_nodes
    sent = np.bincount(p.origins, q.sum(axis=1), minlength=n)
    received = np.bincount(p.destinations, q.sum(axis=0), minlength=n)
    net = np.bincount(p.tail, flow, minlength=n) - np.bincount(p.head, flow, minlength=n)
    err = np.abs(net - (sent - received))
    k = int(np.argmax(err))
    return float(err[k]), k + 1


def _code_version() -> str:
    """The commit the package is at, and whether ``src`` has uncommitted changes (the
    package is installed editable: each worker runs what the tree holds)."""
    git = ["git", "-C", str(HERE.parent)]
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "src"], capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in src" if dirty else "")


def _versions(aeq: bool) -> dict[str, str]:
    from importlib.metadata import version

    names = ("numpy", "numba", *(("aequilibrae",) if aeq else ()))
    return {n: version(n) for n in names}


if __name__ == "__main__":
    main()
