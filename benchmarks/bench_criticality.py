"""Benchmark criticality: every border crossing of the bundled network removed in turn,
by :func:`connectivity.scenarios.criticality` against the naive way.

Run on demand (not part of the test suite)::

    python benchmarks/bench_criticality.py                 # about 4 minutes on 2 cores
    python benchmarks/bench_criticality.py --repeat 1      # one run of each

The naive way is what a user would write without the library function: for each
crossing a new :class:`~connectivity.Scenario` closing it and a full assignment
(:func:`connectivity.assign_aon`, :func:`connectivity.assign_system_optimum`), the
unserved penalty held at the base's. The system optimum is re-solved naively by path
column generation (``formulation="paths"``, what criticality uses) for every crossing,
and with the default origin-based arc LP for the first ``--so-origin-subset`` crossings
with base flow only (about 3 s each here). Every timing is the median of ``--repeat``
runs in the same process; the answers of both ways are compared crossing by crossing.

Writes a Markdown table to ``benchmarks/results/criticality.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np

import connectivity as cn
from connectivity.scenarios import criticality

RESULTS = Path(__file__).parent / "results" / "criticality.md"


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _naive(comp: cn.CompiledNetwork, demand: Any, ids: list[str], method: str,
           penalty: float | None, formulation: str = "paths") -> dict[str, tuple[float, float]]:
    """Per crossing: (served cost, unserved tonnes) from a full assignment."""
    out = {}
    for cid in ids:
        scenario = cn.Scenario(name=f"close {cid}", closed_crossings=(cid,))
        if method == "aon":
            a = cn.assign_aon(comp, demand, scenario=scenario)
        else:
            a = cn.assign_system_optimum(comp, demand, scenario=scenario,
                                         unserved_penalty_usd_per_t=penalty,
                                         formulation=formulation)
        out[cid] = (a.total_cost_usd, a.unserved_t)
    return out


def _objective(cost: float, unserved: float, penalty: float | None) -> float:
    return cost + (penalty or 0.0) * unserved


def _worst(fast: Any, naive: dict[str, tuple[float, float]]) -> float:
    """Largest relative difference of the objective (served cost, plus the unserved
    penalty under the system optimum) between the two ways."""
    table = fast.table.set_index("element_id")
    pen = fast.unserved_penalty_usd_per_t
    worst = 0.0
    for cid, (cost, unserved) in naive.items():
        mine = _objective(float(table.at[cid, "cost_usd_per_year"]),
                          float(table.at[cid, "unserved_t_per_year"]), pen)
        theirs = _objective(cost, unserved, pen)
        worst = max(worst, abs(mine - theirs) / max(abs(theirs), 1.0))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--so-origin-subset", type=int, default=5)
    args = parser.parse_args()
    net = cn.load_bundled()
    comp = cn.compile_network(net)
    demand = cn.load_bundled_demand(net)
    ids = [str(x) for x in comp.crossing_ids]
    # warm up the compiled kernels and the solver once, outside the timings
    criticality(comp, demand, elements="crossings", candidates=ids[:2], method="so")
    cn.assign_aon(comp, demand)
    load_before = os.getloadavg()[0]

    rows = []
    for method in ("aon", "so"):
        t_fast, fast = _median_time(
            lambda m=method: criticality(comp, demand, elements="crossings", method=m),
            args.repeat)
        pen = fast.unserved_penalty_usd_per_t
        t_naive, naive = _median_time(lambda m=method, p=pen: _naive(comp, demand, ids, m, p),
                                      args.repeat)
        rows.append((method, "paths" if method == "so" else "", len(ids), fast, t_fast,
                     t_naive, _worst(fast, naive)))
        print(rows[-1][0], rows[-1][1], f"fast {t_fast:.2f} s, naive {t_naive:.2f} s")
    used = criticality(comp, demand, elements="crossings", method="so").table
    subset = [str(x) for x in used.loc[used["base_flow_t_per_year"] > 0, "element_id"]]
    subset = subset[: args.so_origin_subset]
    t_fast, fast = _median_time(
        lambda: criticality(comp, demand, elements="crossings", method="so",
                            candidates=subset), args.repeat)
    t_naive, naive = _median_time(
        lambda: _naive(comp, demand, subset, "so", fast.unserved_penalty_usd_per_t,
                       formulation="origin"), args.repeat)
    rows.append(("so", "origin (subset)", len(subset), fast, t_fast, t_naive,
                 _worst(fast, naive)))
    print("so origin subset", f"fast {t_fast:.2f} s, naive {t_naive:.2f} s")
    _write(rows, args, load_before, os.getloadavg()[0])


def _write(rows: list[tuple[Any, ...]], args: argparse.Namespace, load_before: float,
           load_after: float) -> None:
    lines = [
        "# Criticality: every crossing removed, against a full scenario per crossing",
        "",
        f"Generated by `benchmarks/bench_criticality.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores ({numba.get_num_threads()} numba threads), Python "
        f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}; "
        f"load average {load_before:.1f} before and {load_after:.1f} after the runs.",
        "",
        "Bundled network and demand; each crossing closed alone. *Fast*: "
        "`criticality(elements='crossings')`, one call (base assignment included). "
        "*Naive*: per crossing a `Scenario(closed_crossings=(id,))` and a full "
        "`assign_aon` / `assign_system_optimum` (the unserved penalty held at the base's; "
        f"the naive SO by the formulation named). Seconds are medians of {args.repeat} "
        "runs in the same process. *Difference*: the largest relative difference, over the "
        "crossings, of the total cost after removal (plus the unserved penalty for SO).",
        "",
        "| method | naive SO formulation | crossings | re-routed | fast s | fast ms / crossing "
        "| naive s | naive ms / crossing | naive / fast | difference |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for method, form, n, fast, t_fast, t_naive, worst in rows:
        lines.append(
            f"| {method} | {form or '-'} | {n} | {fast.n_rerouted} | {t_fast:.3f} | "
            f"{1000 * t_fast / n:.2f} | {t_naive:.2f} | {1000 * t_naive / n:.1f} | "
            f"{t_naive / t_fast:.0f}x | {worst:.1e} |"
        )
    lines += ["", "Notes (by hand):", ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
