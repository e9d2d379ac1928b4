"""Skims: five edge values summed along the shortest paths between zones, on the
contraction hierarchy against Dijkstra and against scipy.

Run on demand (never as a test)::

    python benchmarks/bench_skims.py [--large] [--repeat 3] [--subset 200]
        [--large-subset 20] [--no-write]

Graph: bench_paths.py's seeded road-like grid (jittered, 75% of links kept, both
directions, float weights), 100,000 nodes, and with ``--large`` also 1,000,000. Five
value vectors (seeded, uniform in [0.1, 2)) are summed along the paths between 200 and
1,000 random zones (zones x zones).

Methods, each checked against the others:

- ``paths.path_sums(..., hierarchy=h)``: the per-weight-vector cost (customization,
  how each arc is made) included, and apart (``path_sums`` alone: the arcs' sums and
  the searches); the first order and contraction, once per topology, are reported on
  their own; ``paths.distances`` on the same hierarchy shows
  what carrying the sums costs;
- ``paths.path_sums(..., method="dijkstra")``: one shortest-path tree per zone, summed
  by pointer doubling;
- scipy: ``dijkstra(csr, indices=zones, return_predecessors=True)``, then each value
  summed along the predecessor trees in numpy (pointer doubling over every node), the
  peer a user would write.

The two Dijkstra-based methods run on the first ``--subset`` zones as sources
(``--large-subset`` on the large grid; all zones as targets) and are scaled to all
zones (``~`` in the table): a tree per source costs the same whichever zones it serves.
Every time is the median of ``--repeat`` runs, the methods in turn within each run. A
default run takes about 5 minutes, ``--large`` about 8 more. Results go to
``benchmarks/results/skims.md``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np
import scipy
import scipy.sparse as sp
from bench_paths import cpu_line, fmt, publish, road_graph
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from connectivity import paths

RESULTS = Path(__file__).parent / "results" / "skims.md"
K_VALUES = 5
ZONES = (200, 1000)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# ------------------------------------------------------------------------ the peer


class ScipyPeer:
    """scipy's Dijkstra with predecessors and the sums in numpy, as a user would write
    them: the edge of each tree link found by a sorted key of its ends."""

    def __init__(self, tail: np.ndarray, head: np.ndarray, weight: np.ndarray, n: int,
                 values: np.ndarray) -> None:
        self.n = n
        self.csr = sp.csr_matrix((weight, (tail, head)), shape=(n, n))
        if self.csr.nnz != tail.shape[0]:
            raise SystemExit("parallel edges: scipy would sum them; this peer needs none")
        key = tail.astype(np.int64) * n + head
        self.order = np.argsort(key)
        self.keys = key[self.order]
        self.values_t = np.ascontiguousarray(values.T)  # (m, k)

    def __call__(self, sources: np.ndarray, targets: np.ndarray,
                 batch: int = 50) -> tuple[np.ndarray, np.ndarray]:
        k = self.values_t.shape[1]
        dist = np.empty((sources.shape[0], targets.shape[0]))
        sums = np.empty((k, sources.shape[0], targets.shape[0]))
        for lo in range(0, sources.shape[0], batch):  # bounded memory on large graphs
            d, pred = scipy_dijkstra(self.csr, indices=sources[lo:lo + batch],
                                     return_predecessors=True)
            for r in range(d.shape[0]):
                dist[lo + r] = d[r, targets]
                sums[:, lo + r] = self._tree(pred[r])[targets].T
        sums[:, np.isinf(dist)] = np.inf
        return dist, sums

    def _tree(self, pred: np.ndarray) -> np.ndarray:
        n = self.n
        nodes = np.flatnonzero(pred >= 0)
        edge = self.order[np.searchsorted(self.keys, pred[nodes].astype(np.int64) * n
                                          + nodes)]
        acc = np.zeros((n + 1, self.values_t.shape[1]))
        acc[nodes] = self.values_t[edge]
        up = np.full(n + 1, n, dtype=np.int64)
        up[nodes] = pred[nodes]
        while (up[:n] != n).any():
            acc[:n] += acc[up[:n]]
            up[:n] = up[up[:n]]
        return acc[:n]


# ------------------------------------------------------------------------ one size


def bench_size(n_target: int, seed: int, repeat: int, subset: int) -> dict[str, Any]:
    tail, head, weight, n, _ = road_graph(n_target, seed)
    rng = np.random.default_rng(seed + 1)
    values = rng.uniform(0.1, 2.0, (K_VALUES, tail.shape[0]))
    g = paths.from_arrays(tail, head, weight, n)
    peer = ScipyPeer(tail, head, weight, n, values)
    r: dict[str, Any] = {"n": n, "m": tail.shape[0], "rows": []}
    print(f"  {n:,} nodes: order and contraction ...", file=sys.stderr, flush=True)
    r["first_s"], h = timed(lambda: paths.hierarchy(g))
    r["order_s"], r["contract_s"] = h.topology.order_s, h.topology.contract_s
    r["arcs"] = h.n_arcs
    for z in ZONES:
        zones = rng.choice(n, z, replace=False)
        few = zones[:min(subset, z)]
        print(f"  {z} x {z} zones ...", file=sys.stderr, flush=True)
        samples: dict[str, list[float]] = {}
        out: dict[str, Any] = {}
        for _ in range(repeat):
            step = run_once(g, h, weight, values, zones, few, peer, out=out)
            for key, t in step.items():
                samples.setdefault(key, []).append(t)
        row = {key: statistics.median(v) for key, v in samples.items()}
        row["zones"], row["few"] = z, few.shape[0]
        row["scale"] = z / few.shape[0]
        row["total"] = row["customize"] + row["how"] + row["query"]
        row.update(check(out, few.shape[0]))
        r["rows"].append(row)
    return r


def run_once(g: Any, h: Any, weight: np.ndarray, values: np.ndarray, zones: np.ndarray,
             few: np.ndarray, peer: ScipyPeer, *, out: dict[str, Any]) -> dict[str, float]:
    """One run of every method, in turn; their results into ``out``."""
    step: dict[str, float] = {}
    step["customize"], hc = timed(lambda: h.customize(weight))
    step["how"], _ = timed(hc.how)
    step["query"], out["h"] = timed(
        lambda: paths.path_sums(g, zones, zones, values=values, hierarchy=hc))
    step["dist"], out["d"] = timed(lambda: paths.distances(g, zones, zones, hierarchy=hc))
    step["dijkstra"], out["dj"] = timed(
        lambda: paths.path_sums(g, few, zones, values=values, method="dijkstra"))
    step["scipy"], out["sp"] = timed(lambda: peer(few, zones))
    return step


def check(out: dict[str, Any], k: int) -> dict[str, float]:
    """The methods agree: hierarchy distances are paths.distances' bit for bit, the
    Dijkstra-based ones within rounding; sums within 1e-9 (unique paths: float weights)."""
    h, d, dj, (sp_d, sp_s) = out["h"], out["d"], out["dj"], out["sp"]
    assert np.array_equal(h.distances, d), "path_sums distances differ from distances"
    fin = np.isfinite(h.distances[:k])
    assert np.array_equal(fin, np.isfinite(dj.distances))
    assert np.array_equal(fin, np.isfinite(sp_d))

    def rel(a: np.ndarray, b: np.ndarray) -> float:
        a, b = a[..., fin], b[..., fin]
        return float((np.abs(a - b) / np.maximum(np.abs(b), 1e-300)).max(initial=0.0))

    diffs = {
        "d_dijkstra": rel(dj.distances, h.distances[:k]),
        "d_scipy": rel(sp_d, h.distances[:k]),
        "s_dijkstra": rel(dj.sums, h.sums[:, :k]),
        "s_scipy": rel(sp_s, h.sums[:, :k]),
    }
    for key, x in diffs.items():
        assert x <= (1e-12 if key.startswith("d_") else 1e-9), (key, x)
    return diffs


# ------------------------------------------------------------------------ report


def machine() -> list[str]:
    return [
        cpu_line(),
        f"- threads: numba {numba.get_num_threads()} (its default; the hierarchy's "
        "searches run on all of them, the Dijkstra method's trees one after another, "
        "scipy on one)",
        f"- python {platform.python_version()}, numpy {np.__version__}, numba "
        f"{numba.__version__}, scipy {scipy.__version__}",
    ]


def scaled(row: dict[str, Any], key: str) -> str:
    mark = "~" if row["scale"] != 1 else ""
    return mark + fmt(row[key] * row["scale"])


def table(r: dict[str, Any]) -> list[str]:
    lines = [
        f"### {r['n']:,} nodes, {r['m']:,} edges, {K_VALUES} value vectors",
        "",
        f"First order and contraction (once per topology, kept with the graph's structure "
        f"for every later weight vector, not in any total): {fmt(r['order_s'])} + "
        f"{fmt(r['contract_s'])}, {r['arcs']:,} arcs (the first `paths.hierarchy`, with "
        f"its customization: {fmt(r['first_s'])}).",
        "",
        "| zones | hierarchy, customization included | customization | how | "
        "path_sums alone | distances only (hierarchy) | Dijkstra (path_sums) | scipy + numpy | "
        "Dijkstra / hierarchy incl. | scipy / hierarchy incl. | Dijkstra / path_sums "
        "alone | scipy / path_sums alone |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        dj, sc = row["dijkstra"] * row["scale"], row["scipy"] * row["scale"]
        lines.append(
            f"| {row['zones']} x {row['zones']} | {fmt(row['total'])} | "
            f"{fmt(row['customize'])} | {fmt(row['how'])} | {fmt(row['query'])} | "
            f"{fmt(row['dist'])} | {scaled(row, 'dijkstra')} | {scaled(row, 'scipy')} | "
            f"{dj / row['total']:.1f}x | {sc / row['total']:.1f}x | "
            f"{dj / row['query']:.1f}x | {sc / row['query']:.1f}x |")
    lines.append("")
    for row in r["rows"]:
        if row["scale"] != 1:
            lines.append(
                f"- {row['zones']} x {row['zones']}: `~` the Dijkstra-based methods on the "
                f"first {row['few']} zones as sources (all {row['zones']} as targets), "
                f"times x {row['scale']:g}")
        lines.append(
            f"- {row['zones']} x {row['zones']}: largest relative difference from the "
            f"hierarchy, distances / sums: Dijkstra {row['d_dijkstra']:.1e} / "
            f"{row['s_dijkstra']:.1e}, scipy {row['d_scipy']:.1e} / {row['s_scipy']:.1e}")
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also the 1,000,000-node grid")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    ap.add_argument("--subset", type=int, default=200,
                    help="sources of the Dijkstra-based methods on 100,000 nodes (scaled "
                         "to all zones)")
    ap.add_argument("--large-subset", type=int, default=20,
                    help="the same on 1,000,000 nodes (about 1 s per source and method)")
    ap.add_argument("--no-write", action="store_true", help="do not write results/skims.md")
    args = ap.parse_args(argv)

    # load the numba cache (or compile) outside the timings
    t0 = time.perf_counter()
    tl, hd, wt, nn, _ = road_graph(100, 0)
    gw = paths.from_arrays(tl, hd, wt, nn)
    vw = np.ones((2, tl.shape[0]))
    paths.path_sums(gw, [0, 1], [2, 3], values=vw, method="hierarchy")
    paths.path_sums(gw, [0, 1], [2, 3], values=vw, method="dijkstra")
    paths.distances(gw, [0, 1], [2, 3], method="hierarchy")
    warm = time.perf_counter() - t0

    load_before = os.getloadavg()
    started = time.perf_counter()
    sizes = [100_000, 1_000_000] if args.large else [100_000]
    results = []
    for size in sizes:
        print(f"benchmarking ~{size:,} nodes ...", file=sys.stderr, flush=True)
        subset = args.subset if size < 1_000_000 else args.large_subset
        results.append(bench_size(size, args.seed, args.repeat, subset))
    wall = time.perf_counter() - started
    load_after = os.getloadavg()

    lines = ["# Skims: value sums along shortest paths, hierarchy against Dijkstra and scipy",
             ""]
    lines += machine()
    lines += [
        f"- first calls (numba cache load or compile): {fmt(warm)}",
        "- load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before) + "; after: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + " (a shared 2-core machine: read the ratios, not the absolute times)",
        f"- command: `python benchmarks/bench_skims.py"
        f"{f' --large --large-subset {args.large_subset}' if args.large else ''} "
        f"--repeat {args.repeat} --subset {args.subset} --seed {args.seed}`, "
        f"{wall / 60:.1f} min",
        "",
        "The road-like grid is bench_paths.py's generator (jittered grid, 75% of links "
        "kept, both directions, float weights, no parallel edges). Five value vectors "
        "(uniform in [0.1, 2)) are summed along the shortest path of every zone pair; "
        "zones are random nodes, sources and targets alike. Medians of the runs, the "
        "methods in turn within each run. "
        "Hierarchy, customization included: `h2 = h.customize(weights)` (perfect "
        "customization, as `paths.hierarchy` and the `\"auto\"` rule build it), "
        "`h2.how()` (how each arc is made: found once per customization and kept, on "
        "first use by a path, a load or sums) and `paths.path_sums(g, zones, zones, "
        "values=v, hierarchy=h2)` (the values summed per arc, then the searches), the "
        "last alone in its own column. Dijkstra: `paths.path_sums(..., method=\"dijkstra\")`, a "
        "shortest-path tree per source and pointer doubling in numpy. scipy: "
        "`dijkstra(csr, indices=..., return_predecessors=True)` in batches of 50 sources "
        "and the values summed along each predecessor tree by pointer doubling in numpy. "
        "Every result is checked: the hierarchy's distances equal `paths.distances` on it "
        "bit for bit, and the other methods' distances (1e-12) and sums (1e-9) equal the "
        "hierarchy's.",
        "",
    ]
    for r in results:
        lines += table(r)
    publish(lines, RESULTS, not args.no_write)


if __name__ == "__main__":
    main()
