"""Benchmark of the customizable contraction hierarchy against the routers users would pick.

Run on demand (never as a test)::

    python benchmarks/bench_cch.py [--quick] [--dimacs DIR] [--no-grid] [--no-write]

Compares ``connectivity.paths.hierarchy`` (CCH: METIS order, contraction, customization)
with routingkit-cch, pyroutingkit and ch-router (``pip install -e .[bench]``) and with
scipy's Dijkstra, on

- the seeded road-like grid of ``bench_paths.py`` (1,000,000 nodes; ``--quick``: 100,000
  nodes, 200 pairs, 200 x 200 OD, a couple of minutes);
- with ``--dimacs DIR``: the 9th DIMACS Implementation Challenge road graphs in DIR
  (``USA-road-d.NY.gr.gz`` with its coordinates ``USA-road-d.NY.co.gz``, which the
  RoutingKit orders need; ``USA-road-t.NY.gr.gz``, if there, gives the travel times the
  customization row switches to; likewise COL, BAY, ...). They are not in this repository:
  download them, plain or gzipped, from the challenge's page
  http://www.diag.uniroma1.it/challenge9/download.shtml (9th DIMACS Implementation
  Challenge: Shortest Paths, Demetrescu, Goldberg and Johnson; derived from the US Census
  Bureau's TIGER/Line data). The results name each file's MD5.

Rows: preprocessing (order + contraction, each run in a fresh process), customization
(a second weight vector on the same topology), point-to-point (median over random pairs
in one strongly connected component, distance and path as input edges), an OD matrix,
memory per edge, and the largest relative distance difference of each library against
ours (ours against our own Dijkstra on a sample). Medians of interleaved round-robin runs;
ratios in the same run. Written to ``benchmarks/results/cch.md`` (not with ``--quick``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _cch_peers as peers
import _dimacs
import numpy as np
import scipy.sparse as sp
from _cch_peers import ch_od, p2p_methods, peer_od, prk_od, rk_od
from _cch_report import LIBS, header, table, targets
from bench_paths import one_thread, publish, road_graph
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from connectivity import paths

RESULTS = Path(__file__).parent / "results" / "cch.md"
MODULES = {"routingkit-cch": "routingkit_cch", "pyroutingkit": "pyroutingkit",
           "ch-router": "routingkit_ch", "scipy": "scipy"}


@dataclass
class Config:
    pairs: int
    od: int
    prep_reps: int
    reps: int
    slow_rows: int  # OD rows for the peers without a many-to-many (p2p loop, scipy)
    slow_pairs: int  # point-to-point pairs for scipy (one-to-all per pair)
    check: int  # pairs / OD rows checked against our Dijkstra
    seed: int
    quick: bool
    ch_max_nodes: int  # ch-router's build is skipped on larger graphs
    libs: tuple[str, ...]


@dataclass
class Case:
    name: str
    tail: np.ndarray
    head: np.ndarray
    weight: np.ndarray  # float64
    weight2: np.ndarray  # the customization row's weights
    metric2: str
    n: int
    lat: np.ndarray  # float32, what the RoutingKit orders take
    lon: np.ndarray
    integer: bool  # integer weights: the RoutingKit-based peers get them exactly
    source: str = ""  # where the data came from


def grid_case(n_target: int, seed: int) -> Case:
    tail, head, weight, n, xy = road_graph(n_target, seed)
    rng = np.random.default_rng(seed + 7)
    return Case(
        name=f"road-like grid, seed {seed}", tail=tail, head=head, weight=weight,
        weight2=weight * rng.uniform(0.8, 1.25, weight.shape[0]),
        metric2="every weight x U(0.8, 1.25)", n=n, lat=xy[:, 1].astype(np.float32),
        lon=xy[:, 0].astype(np.float32), integer=False)


def dimacs_cases(directory: Path, seed: int) -> list[Case]:
    cases = []
    for region in _dimacs.REGIONS:
        gr = _dimacs.find(directory, region, "d", "gr")
        if gr is None:
            continue
        co = _dimacs.find(directory, region, "d", "co")
        if co is None:
            raise SystemExit(f"{gr} needs its coordinates USA-road-d.{region}.co[.gz] in "
                             f"{directory} (the RoutingKit orders are computed from them)")
        tail, head, w, n = _dimacs.read_gr(gr)
        xy = _dimacs.read_co(co, n)
        grt = _dimacs.find(directory, region, "t", "gr")
        if grt is not None:
            tt, ht, w2, nt = _dimacs.read_gr(grt)
            if nt != n or not (np.array_equal(tt, tail) and np.array_equal(ht, head)):
                raise SystemExit(f"{grt} does not have the arcs of {gr}")
            metric2 = f"the travel times of {grt.name}"
        else:
            w2 = np.rint(w * np.random.default_rng(seed).uniform(0.8, 1.25, w.shape[0]))
            metric2 = "every distance x U(0.8, 1.25), rounded"
        cases.append(Case(
            name=f"{gr.name.removesuffix('.gz')} (9th DIMACS Challenge, TIGER/Line)",
            tail=tail, head=head, weight=w.astype(float), weight2=w2.astype(float),
            metric2=metric2, n=n, lat=xy[:, 1].astype(np.float32),
            lon=xy[:, 0].astype(np.float32), integer=True,
            source="files (MD5): " + ", ".join(
                f"{p.name} {hashlib.md5(p.read_bytes()).hexdigest()}"
                for p in (gr, co, grt) if p is not None)))
    if not cases:
        raise SystemExit(f"no USA-road-d.*.gr[.gz] in {directory}")
    return cases


@dataclass
class Run:
    """One graph's state shared by its rows."""

    case: Case
    cfg: Config
    objs: dict[str, Any]  # each library's structure, ready for queries
    r: dict[str, Any]  # results
    rng: np.random.Generator
    scc: np.ndarray
    scale: int
    wi: np.ndarray  # uint32 weights of the peers
    wi2: np.ndarray
    g: Any
    csr: Any
    thorough: Any  # our hierarchy with order="thorough"


# ------------------------------------------------------------------------- measuring


def timed(fns: dict[str, Callable[[], Any]], reps: int) -> dict[str, tuple[float, float, Any]]:
    """``(median wall s, cpu/wall, last result)`` per function, run round-robin."""
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    outs: dict[str, Any] = {}
    for _ in range(reps):
        for k, fn in fns.items():
            outs[k] = None
            gc.collect()
            c0, t0 = time.process_time(), time.perf_counter()
            outs[k] = fn()
            wall[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    return {k: (statistics.median(wall[k]), sum(cpu[k]) / sum(wall[k]), outs[k]) for k in fns}


def dijkstra(g: paths.CSRGraph, sources: Any, targets: Any = None) -> np.ndarray:
    """Our own Dijkstra, the reference (``method="auto"`` would take a hierarchy for 32+
    sources)."""
    return paths.distances(g, sources, targets, method="dijkstra")


def rel_diff(got: np.ndarray, ref: np.ndarray) -> float:
    """Largest ``|got - ref| / ref`` (``inf`` where one is unreachable and not the other)."""
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    fin = np.isfinite(ref)
    if np.any(np.isfinite(got) != fin):
        return math.inf
    d = np.abs(got[fin] - ref[fin]) / np.maximum(ref[fin], 1e-300)
    return float(d.max()) if d.size else 0.0


def component(g: paths.CSRGraph, case: Case, w: np.ndarray,
              rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """Nodes of the strongly connected component of a random node (at least half of the
    nodes), and bounds on its distances under ``case.weight`` and ``w``."""
    rev = paths.from_arrays(case.head, case.tail, case.weight, case.n)
    for _ in range(20):
        s = int(rng.integers(case.n))
        fwd, bwd = dijkstra(g, [s])[0], dijkstra(rev, [s])[0]
        scc = np.flatnonzero(np.isfinite(fwd) & np.isfinite(bwd))
        if scc.shape[0] >= case.n // 2:
            # d(u, v) <= d(u, s) + d(s, v) inside the component
            f2 = dijkstra(paths.reweight(g, w), [s])[0]
            b2 = dijkstra(paths.reweight(rev, w), [s])[0]
            return (scc, float(fwd[scc].max() + bwd[scc].max()),
                    float(f2[scc].max() + b2[scc].max()))
    raise RuntimeError(f"{case.name}: no strongly connected component of half the nodes")


def peer_scale(case: Case, bound: float) -> int:
    """Integer units per weight unit for the uint32 peers: exact for integer weights,
    else the largest power of ten that keeps every distance below INF_WEIGHT / 4."""
    room = peers.INF_WEIGHT / 4
    if case.integer:
        if bound > room:
            raise RuntimeError(f"{case.name}: distances up to {bound:.0f} overflow uint32 peers")
        return 1
    return 10 ** int(math.floor(math.log10(room / bound)))


def to_uint32(w: np.ndarray, scale: int) -> np.ndarray:
    wi = np.rint(w * scale)
    if wi.max() >= peers.INF_WEIGHT:
        raise RuntimeError(f"a weight x {scale} reaches INF_WEIGHT")
    return wi.astype(np.uint32)


def preprocessing(case: Case, npz: Path, tmp: Path, cfg: Config) -> dict[str, list[dict]]:
    """Each library's build step in a fresh process, round-robin; the first run keeps its
    result for the queries. pyroutingkit and ch-router run once with --quick and on the
    largest graphs (their builds are the slowest, and no target depends on them)."""
    libs = [p for p in peers.PEERS if p in cfg.libs]
    recs: dict[str, list[dict]] = {p: [] for p in libs}
    for rep in range(cfg.prep_reps):
        for p in libs:
            if rep and (cfg.quick or case.n >= 500_000) and p in ("pyroutingkit", "ch-router"):
                continue
            print(f"  preprocessing {p} (run {rep + 1})", file=sys.stderr, flush=True)
            recs[p].append(worker(p, npz, tmp, keep=rep == 0))
    # ours with order="thorough", once: for its customization row, not a peer
    print("  preprocessing ours-thorough (run 1)", file=sys.stderr, flush=True)
    recs["ours-thorough"] = [worker("ours-thorough", npz, tmp, keep=True)]
    return recs


def worker(peer: str, npz: Path, tmp: Path, *, keep: bool) -> dict[str, Any]:
    """One preprocessing run of ``peer`` in a fresh process (``--worker``), its record."""
    cmd = [sys.executable, __file__, "--worker", peer, str(npz), str(tmp)]
    run = subprocess.run(cmd + (["--keep"] if keep else []), capture_output=True, text=True,
                         check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{peer} preprocessing failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------- one graph


def bench_case(case: Case, cfg: Config) -> dict[str, Any]:
    if case.n > cfg.ch_max_nodes and "ch-router" in cfg.libs:
        cfg = dataclasses.replace(cfg, libs=tuple(x for x in cfg.libs if x != "ch-router"))
        skipped = ["ch-router"]
    else:
        skipped = []
    m = case.tail.shape[0]
    r: dict[str, Any] = {"name": case.name, "n": case.n, "m": m, "metric2": case.metric2,
                         "source": case.source,
                         "skipped": skipped, "ch_max_nodes": cfg.ch_max_nodes}
    rng = np.random.default_rng(cfg.seed)
    g = paths.from_arrays(case.tail, case.head, case.weight, case.n)
    scc, bound, bound2 = component(g, case, case.weight2, rng)
    scale = peer_scale(case, max(bound, bound2))
    wi, wi2 = to_uint32(case.weight, scale), to_uint32(case.weight2, scale)
    r.update(scc=scc.shape[0], scale=scale, integer=case.integer, parallel=parallel_arcs(case))
    with tempfile.TemporaryDirectory(prefix="bench_cch_") as tmpname:
        tmp = Path(tmpname)
        npz = tmp / "case.npz"
        np.savez(npz, tail=case.tail, head=case.head, weight=case.weight, weight_int=wi,
                 lat=case.lat, lon=case.lon, n=case.n)
        r["prep"] = preprocessing(case, npz, tmp, cfg)
        objs = {p: peers.load(p, tmp, case.n, case.tail, case.head, wi)
                for p in peers.PEERS if p in cfg.libs}
        thorough = peers.load("ours-thorough", tmp, case.n, case.tail, case.head, wi)
    csr = scipy_graph(case)
    r["scipy_bytes"] = csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes
    # objs["ours"].graph: the graph object the hierarchy answers for
    run = Run(case, cfg, objs, r, rng, scc, scale, wi, wi2, objs["ours"].graph, csr,
              thorough)
    print("  customization", file=sys.stderr, flush=True)
    bench_customization(run)
    print("  point-to-point", file=sys.stderr, flush=True)
    bench_p2p(run)
    print("  OD matrix", file=sys.stderr, flush=True)
    bench_od(run)
    return r


def scipy_graph(case: Case) -> Any:
    """scipy's CSR matrix with each parallel arc group reduced to its cheapest arc:
    ``csr_matrix((w, (tail, head)))`` would *sum* them."""
    order = np.lexsort((case.weight, case.head, case.tail))
    t, h, w = case.tail[order], case.head[order], case.weight[order]
    first = np.ones(t.shape[0], dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    return sp.csr_matrix((w[first], (t[first], h[first])), shape=(case.n, case.n))


def parallel_arcs(case: Case) -> int:
    key = case.tail * case.n + case.head
    return int(key.shape[0] - np.unique(key).shape[0])


def bench_customization(run: Run) -> None:
    case, cfg, objs, r, rng = run.case, run.cfg, run.objs, run.r, run.rng
    wi, wi2, scale, scc = run.wi, run.wi2, run.scale, run.scc
    h = objs["ours"]
    # like for like with RoutingKit's customization: the basic one (the weights of every
    # arc); the perfect customization that prunes the query arcs is timed apart
    fns: dict[str, Callable[[], Any]] = {
        "ours": lambda: h.customize(case.weight2, perfect=False),
        "ours_1t": one_thread(lambda: h.customize(case.weight2, perfect=False)),
        "ours_perfect": lambda: h.customize(case.weight2, perfect=True),
        "ours_thorough": lambda: run.thorough.customize(case.weight2, perfect=False),
    }
    if "routingkit-cch" in objs:
        rk_metric = objs["routingkit-cch"][1]
        fns["routingkit-cch"] = lambda: rk_metric.reset(wi2)
    if "pyroutingkit" in objs:
        prk_metric = objs["pyroutingkit"][1]
        fns["pyroutingkit"] = lambda: prk_metric.customize(wi2)
    res = timed(fns, cfg.reps)
    r["custom_perfect"] = res.pop("ours_perfect")[0]
    thorough = res.pop("ours_thorough")
    r["custom_thorough"], r["custom_thorough_cpu"] = thorough[0], thorough[1]
    r["custom"] = {k: v[0] for k, v in res.items()}
    r["custom_cpu"] = {k: v[1] for k, v in res.items()}
    # exactness under the new weights: ours against Dijkstra, the peers against ours
    h2 = res["ours"][2]
    src = rng.choice(scc, min(5, cfg.check), replace=False)
    tgt = rng.choice(scc, 200, replace=False)
    want = dijkstra(h2.graph, src, tgt)
    ours = paths.distances(h2.graph, src, tgt, hierarchy=h2)
    r["custom_err"] = {"ours": rel_diff(ours, want)}
    same_1t = paths.distances(h2.graph, src, tgt, hierarchy=res["ours_1t"][2])
    r["custom_err"]["ours_1t"] = rel_diff(same_1t, want)
    h3 = thorough[2]
    r["custom_err"]["ours, thorough order"] = rel_diff(
        paths.distances(h3.graph, src, tgt, hierarchy=h3), want)
    del res, h2, h3, thorough
    got = peer_od(objs, src, tgt, scale)
    r["custom_err"].update({k: rel_diff(v, ours) for k, v in got.items()})
    if "routingkit-cch" in objs:
        objs["routingkit-cch"][1].reset(wi)
    if "pyroutingkit" in objs:
        objs["pyroutingkit"][1].customize(wi)


def bench_p2p(run: Run) -> None:
    case, cfg, objs, r, g, scale = run.case, run.cfg, run.objs, run.r, run.g, run.scale
    pairs = run.rng.choice(run.scc, size=(cfg.pairs, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    fns = p2p_methods(objs, g, run.csr)
    if "scipy" not in cfg.libs:
        del fns["scipy"]
    times: dict[str, list[float]] = {k: [] for k in fns}
    raw: dict[str, list[Any]] = {k: [] for k in fns}
    for i, (s, t) in enumerate(pairs.tolist()):
        for k, fn in fns.items():
            if k == "scipy" and i >= cfg.slow_pairs:
                continue
            t0 = time.perf_counter()
            out = fn(s, t)
            times[k].append(time.perf_counter() - t0)
            raw[k].append(out)
    r["p2p"] = {k: statistics.median(v) for k, v in times.items()}
    r["p2p_n"] = {k: len(v) for k, v in times.items()}
    w = case.weight
    ours = np.array([w[e].sum() for e in raw["ours"]])
    k_check = min(cfg.check, len(pairs))
    want = np.diagonal(dijkstra(g, pairs[:k_check, 0], pairs[:k_check, 1]))
    err = {"ours": rel_diff(ours[:k_check], want)}
    excess: dict[str, tuple[int, float]] = {}
    for k, outs in raw.items():
        if k in ("ours", "scipy"):
            continue
        d = np.array([np.inf if o[0] is None or o[0] >= peers.INF_WEIGHT else o[0]
                      for o in outs], dtype=float) / scale
        err[k] = rel_diff(d, ours)
        cost = np.array([w[np.asarray(o[-1], dtype=np.int64)].sum() for o in outs])
        x = (cost - ours) / ours
        excess[k] = (int(np.count_nonzero(x > 1e-12)), float(x.max()))
    if "scipy" in raw:
        err["scipy"] = rel_diff(np.array(raw["scipy"]), ours[: len(raw["scipy"])])
    r["p2p_err"], r["p2p_excess"] = err, excess


def bench_od(run: Run) -> None:
    cfg, objs, r, g, csr, scale = run.cfg, run.objs, run.r, run.g, run.csr, run.scale
    k = cfg.od
    src = run.rng.choice(run.scc, k, replace=False)
    tgt = run.rng.choice(run.scc, k, replace=False)
    h = objs["ours"]
    fns: dict[str, Callable[[], Any]] = {
        "ours": lambda: paths.distances(g, src, tgt, hierarchy=h),
        "ours_1t": one_thread(lambda: paths.distances(g, src, tgt, hierarchy=h)),
    }
    if "routingkit-cch" in objs:
        fns["routingkit-cch"] = lambda: rk_od(objs["routingkit-cch"][1], src, tgt, scale)
    if "pyroutingkit" in objs:
        fns["pyroutingkit"] = lambda: prk_od(objs["pyroutingkit"][1], src, tgt, scale)
    res = timed(fns, cfg.reps)
    r["od"] = {key: v[0] for key, v in res.items()}
    r["od_cpu"] = {key: v[1] for key, v in res.items()}
    ours = res["ours"][2]
    rows = min(cfg.slow_rows, k)
    r["od_rows"] = rows
    slow: dict[str, Callable[[], Any]] = {}
    if "ch-router" in objs:
        slow["ch-router"] = lambda: ch_od(objs["ch-router"], src[:rows], tgt, scale)
    if "scipy" in cfg.libs:
        def scipy_od() -> np.ndarray:
            return np.vstack([scipy_dijkstra(csr, indices=src[i:i + 10])[:, tgt]
                              for i in range(0, rows, 10)])
        slow["scipy"] = scipy_od
    # one run each, on the first `rows` sources, scaled to all k rows
    res_slow = timed(slow, 1)
    for key, v in res_slow.items():
        r["od"][key] = v[0] * k / rows
        r["od_cpu"][key] = v[1]
    want = dijkstra(g, src[:cfg.check], tgt)
    if r["parallel"] and "scipy" in cfg.libs:
        # what the plain csr_matrix call gives on this graph (parallel arcs summed)
        summed = sp.csr_matrix((g.weights, (g.tails, g.heads)), shape=(g.n_nodes, g.n_nodes))
        r["scipy_summed_err"] = rel_diff(scipy_dijkstra(summed, indices=src[:10])[:, tgt],
                                         ours[:10])
    r["od_err"] = {"ours": rel_diff(ours[:cfg.check], want),
                   "ours_1t": rel_diff(res["ours_1t"][2], ours)}
    for key, v in {**res, **res_slow}.items():
        if key not in r["od_err"]:
            out = v[2]
            r["od_err"][key] = rel_diff(out, ours[: out.shape[0]])


def warm_up() -> float:
    t0 = time.perf_counter()
    tl, hd, wt, nn, _ = road_graph(100, 0)
    g = paths.from_arrays(tl, hd, wt, nn)
    h = paths.hierarchy(g)
    paths.distances(g, [0, 1], [2, 3], hierarchy=h)
    dijkstra(g, [0, 1], [2, 3])
    paths.shortest_path(g, 0, nn - 1, hierarchy=h)
    one_thread(lambda: h.customize(wt))()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="100k-node grid, 200 pairs, 200x200 OD (prints, does not write)")
    ap.add_argument("--grid-nodes", type=int, help="grid size (default 1,000,000)")
    ap.add_argument("--no-grid", action="store_true", help="only the DIMACS graphs")
    ap.add_argument("--dimacs", type=Path, metavar="DIR",
                    help="directory with USA-road-d.NY.gr[.gz] and .co[.gz] (and -t, COL...)")
    ap.add_argument("--libs", nargs="+", default=list(LIBS[2:]), choices=LIBS[2:],
                    help="peers to run (ours always runs)")
    ap.add_argument("--ch-max-nodes", type=int, default=300_000,
                    help="skip ch-router on larger graphs (default 300,000): its CH build "
                         "on the 1M-node grid took 11 min of CPU, more than the rest of the "
                         "benchmark")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--no-write", action="store_true", help="do not write results/cch.md")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        peer, case, out = args.worker
        peers.worker_main(peer, case, out, keep=args.keep)
        return
    for lib in args.libs:
        if importlib.util.find_spec(MODULES[lib]) is None:
            raise SystemExit(f"{lib} is not installed: pip install -e '.[bench]' (or leave it "
                             "out of --libs)")
    q = args.quick
    cfg = Config(pairs=200 if q else 1000, od=200 if q else 1000, prep_reps=3 if q else 2,
                 reps=3, slow_rows=200 if q else 50, slow_pairs=200 if q else 20,
                 check=20 if q else 50, seed=args.seed, quick=q,
                 ch_max_nodes=args.ch_max_nodes, libs=("ours", *args.libs))
    warm = warm_up()
    load_before = os.getloadavg()
    cases = [] if args.no_grid else [
        grid_case(args.grid_nodes or (100_000 if q else 1_000_000), args.seed)]
    if args.dimacs:
        cases += dimacs_cases(args.dimacs, args.seed)
    results = []
    for case in cases:
        print(f"benchmarking {case.name} ({case.n:,} nodes) ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        r = bench_case(case, cfg)
        r["od_k"], r["check"], r["wall"] = cfg.od, cfg.check, time.perf_counter() - t0
        results.append(r)
    lines = header(warm, load_before, cfg.libs)
    for r in results:
        lines += table(r)
        lines += targets(r)
    lines.append("Wall time of the benchmark per graph: "
                 + ", ".join(f"{r['name']} {r['wall'] / 60:.1f} min" for r in results))
    publish(lines, RESULTS, not (args.no_write or q))


if __name__ == "__main__":
    main()
