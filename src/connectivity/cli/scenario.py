"""``connectivity scenario run``, ``montecarlo`` and ``list``: planning scenarios from
TOML files, run in parallel and compared side by side, or one run over drawn
uncertainties.

``run`` checks every file (and every file against the network) before it runs any,
then prints the comparison (``--format``) and writes into ``--out`` (default: the
current folder) ``scenarios.json``, ``scenarios.csv``, the chart ``scenarios.png`` and
``timings.csv`` (seconds and worker per scenario: timings never go into the JSON). A
scenario that fails is reported with its error on stderr; the others are still run and
reported, and the exit status is 1.

``montecarlo`` runs one file over ``--draws`` draws of demand growth and border dwell
(:func:`connectivity.scenarios.monte_carlo`), costing each ``--portfolio`` in every
draw; it prints the distribution of each key figure and how often each portfolio is the
cheapest, and writes ``montecarlo.json``, ``montecarlo_summary.csv``,
``montecarlo_draws.csv`` and ``montecarlo_portfolios.csv`` into ``--out``.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from connectivity.cli.options import add_format, to_csv
from connectivity.report import format_table

__all__ = ["register"]

T = TypeVar("T")

#: Files written into ``--out``.
OUTPUTS = ("scenarios.json", "scenarios.csv", "scenarios.png", "timings.csv")
#: Files written into ``--out`` by ``montecarlo``.
MC_OUTPUTS = ("montecarlo.json", "montecarlo_summary.csv", "montecarlo_draws.csv",
              "montecarlo_portfolios.csv")


def register(sub: Any) -> None:
    """Add the command group to the ``connectivity`` parser."""
    group = sub.add_parser("scenario", help="run planning scenarios and compare them")
    commands = group.add_subparsers(dest="scenario_command", required=True)

    p = commands.add_parser(
        "run", help="run scenario files and compare them side by side",
        description="Run planning scenarios (TOML files, see docs/scenarios.md) and compare "
                    "them: a table on stdout, and scenarios.json, scenarios.csv, "
                    "scenarios.png and timings.csv in --out.")
    p.add_argument("files", nargs="*", metavar="FILE", help="scenario TOML files")
    p.add_argument("--bundled", action="store_true",
                   help="also run the scenario files shipped with the package, first "
                        "(see `connectivity scenario list`)")
    _add_run_options(p, "the JSON, CSV, chart and timings")
    p.set_defaults(run=_cmd_run)

    p = commands.add_parser(
        "montecarlo", help="run one scenario file over drawn demand growth and border dwell",
        description="Monte Carlo of one scenario (see docs/scenarios.md, Uncertainty): "
                    "each crossing's dwell drawn from its low/high range (triangular), "
                    "each growth rate within --growth-spread points (uniform); prints the "
                    "distribution of the key figures and how often each --portfolio is "
                    "the cheapest.")
    p.add_argument("file", metavar="FILE",
                   help="scenario TOML file, or the name of a shipped one (e.g. baseline; "
                        "see `connectivity scenario list`)")
    p.add_argument("--draws", type=int, default=100, metavar="N",
                   help="number of draws (default 100)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed: the same seed gives the same draws and JSON (default 0)")
    p.add_argument("--portfolio", action="append", default=[], metavar="NAME=P01,P05",
                   help="project portfolio to cost in each draw (repeatable; NAME= alone "
                        "is the scenario as it is)")
    p.add_argument("--growth-spread", type=float, default=None, metavar="PCT",
                   help="percentage points either side of each growth rate (default 2)")
    _add_run_options(p, "montecarlo.json and the CSVs")
    p.set_defaults(run=_cmd_montecarlo)

    p = commands.add_parser("list", help="list the scenario files shipped with the package")
    add_format(p, choices=("table", "csv"))
    p.set_defaults(run=_cmd_list)


def _add_run_options(p: argparse.ArgumentParser, outputs: str) -> None:
    p.add_argument("--workers", type=int, metavar="N",
                   help="local worker processes (default 1: run in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at ADDRESS "
                        "(e.g. tcp://10.0.0.5:8786; needs pip install 'connectivity[dask]')")
    p.add_argument("--out", metavar="DIR", default=".",
                   help=f"folder for {outputs} (default: current folder; created if "
                        "missing)")
    p.add_argument("--data", metavar="DIR", help="folder of network CSVs (default: bundled)")
    p.add_argument("--demand", metavar="CSV",
                   help="demand table of the files' base_year (default: bundled estimate)")
    add_format(p)


def _check_where(args: argparse.Namespace) -> None:
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers}: give a whole number >= 1")
    if args.scheduler and args.workers is not None:
        raise ValueError("give --workers (local processes) or --scheduler (a Dask "
                         "cluster), not both")


def _on_executor(args: argparse.Namespace, run: Callable[..., T]) -> tuple[T, str]:
    """``run(workers=N)`` or ``run(executor=...)`` on the Dask cluster of --scheduler;
    and where it ran, for people."""
    from connectivity.scenarios import dask_executor

    if args.scheduler:
        try:
            with dask_executor(args.scheduler) as executor:
                return run(executor=executor), f"Dask cluster at {args.scheduler}"
        except ImportError as exc:
            raise ValueError(str(exc)) from None
    workers = args.workers or 1
    return run(workers=workers), (f"{workers} worker(s)" if workers > 1 else "this process")


def _out_dir(path: str) -> Path:
    """The output folder, created if missing, refused before any work if unwritable."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {path!r} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    if not os.access(out, os.W_OK):
        raise ValueError(f"--out {path!r} cannot be written (permission denied)")
    return out


def _cmd_run(args: argparse.Namespace) -> int:
    from connectivity.report import comparison_chart, comparison_table
    from connectivity.scenarios import (
        NetworkSource,
        bundled_scenarios,
        comparison,
        comparison_csv,
        read_specs,
        results_json,
        sweep,
    )

    _check_where(args)
    files = [*(bundled_scenarios() if args.bundled else []), *args.files]
    if not files:
        raise ValueError("give scenario files (e.g. data/scenarios/*.toml) or --bundled")
    out = _out_dir(args.out)
    specs = read_specs(files)
    source = NetworkSource(args.data, args.demand)
    start = time.perf_counter()
    results, where = _on_executor(args, functools.partial(sweep, specs, source=source))
    seconds = time.perf_counter() - start

    frame = comparison(results)
    text = results_json(results)
    (out / "scenarios.json").write_text(text + "\n", encoding="utf-8")
    (out / "scenarios.csv").write_text(comparison_csv(results), encoding="utf-8")
    comparison_chart(frame, out / "scenarios.png")
    timings = to_csv(["name", "seconds", "worker", "built_network"],
                     [[r.name, f"{r.seconds:.3f}", r.worker, r.built_network]
                      for r in results])
    (out / "timings.csv").write_text(timings, encoding="utf-8")

    if args.format == "json":
        print(text)
    elif args.format == "csv":
        sys.stdout.write(comparison_csv(results))
    else:
        print(comparison_table(frame))
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"connectivity scenario run: scenario {r.name!r} ({r.file}) failed: {r.error}",
              file=sys.stderr)
    print(f"{len(results)} scenario(s), {len(failed)} failed, in {seconds:.1f} s on {where}; "
          f"wrote {', '.join(str(out / name) for name in OUTPUTS)}", file=sys.stderr)
    return 1 if failed else 0


def _cmd_list(args: argparse.Namespace) -> None:
    from connectivity.scenarios import bundled_scenarios, read_spec

    rows = [[spec.name, str(path), spec.description]
            for path in bundled_scenarios() for spec in [read_spec(path)]]
    headers = ["name", "file", "description"]
    if args.format == "csv":
        sys.stdout.write(to_csv(headers, rows))
    else:
        print(format_table(headers, rows))


def _portfolios(items: list[str]) -> dict[str, list[str]]:
    """``--portfolio NAME=P01,P05`` options as a mapping; names must be unique."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, ids = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--portfolio {item!r}: give NAME=P01,P05 (NAME= alone for "
                             "no project)")
        if name in out:
            raise ValueError(f"--portfolio {item!r}: portfolio {name!r} given twice")
        out[name] = [p.strip() for p in ids.split(",") if p.strip()]
    return out


def _scenario_file(name: str) -> Path:
    """A path as given, or the shipped file of that name (``baseline``)."""
    from connectivity.scenarios import bundled_scenarios

    path = Path(name)
    if path.exists() or path.suffix == ".toml" or len(path.parts) > 1:
        return path
    shipped = {p.stem: p for p in bundled_scenarios()}
    if name in shipped:
        return shipped[name]
    raise ValueError(f"FILE {name!r} is neither a file nor a shipped scenario; the shipped "
                     f"ones are {sorted(shipped)}")


def _frame_csv(frame: Any) -> str:
    headers = [str(frame.index.name), *map(str, frame.columns)]
    rows = [[key, *("" if v is None else repr(v) if isinstance(v, float) else v
                    for v in row)] for key, row in zip(frame.index, frame.itertuples(
                        index=False), strict=True)]
    return to_csv(headers, rows)


def _mc_tables(mc: Any, stats: Any, best: Any) -> str:
    from connectivity.report import comparison_table
    from connectivity.scenarios.montecarlo import STATISTICS

    cols = [c for c in STATISTICS if c != "n"]
    frame = stats[cols].astype(object)
    n = len(mc.draws)
    text = [f"{mc.spec.name}: {n} draw(s), seed {mc.seed}, {mc.spec.analyses.assignment}; "
            f"figures over the draws that ran (fewer where n < {n}: "
            f"{', '.join(k for k, v in stats['n'].items() if v < n) or 'none'})",
            comparison_table(frame)]
    if len(best):
        rows = [[name, " ".join(mc.portfolios[name]) or "(none)", r.best_share * 100.0,
                 r.regret_mean / 1e6, r.regret_p95 / 1e6, r.regret_max / 1e6]
                for name, r in best.iterrows()]
        text += ["", format_table(["portfolio", "projects", "best, % of draws",
                                   "regret mean, m USD/yr", "p95", "max"], rows)]
    return "\n".join(text)


def _cmd_montecarlo(args: argparse.Namespace) -> int:
    from connectivity.scenarios import (
        NetworkSource,
        draw_figures,
        monte_carlo,
        montecarlo_json,
        portfolio_summary,
        read_spec,
        summary,
    )
    from connectivity.scenarios.montecarlo import DEFAULT_GROWTH_SPREAD_PCT

    _check_where(args)
    portfolios = _portfolios(args.portfolio)
    out = _out_dir(args.out)
    spec = read_spec(_scenario_file(args.file))
    spread = DEFAULT_GROWTH_SPREAD_PCT if args.growth_spread is None else args.growth_spread
    start = time.perf_counter()
    mc, where = _on_executor(args, functools.partial(
        monte_carlo, spec, draws=args.draws, seed=args.seed, portfolios=portfolios,
        growth_spread_pct=spread, source=NetworkSource(args.data, args.demand)))
    seconds = time.perf_counter() - start

    text, stats, best = montecarlo_json(mc), summary(mc), portfolio_summary(mc)
    (out / "montecarlo.json").write_text(text + "\n", encoding="utf-8")
    (out / "montecarlo_summary.csv").write_text(_frame_csv(stats), encoding="utf-8")
    (out / "montecarlo_draws.csv").write_text(_frame_csv(draw_figures(mc)), encoding="utf-8")
    (out / "montecarlo_portfolios.csv").write_text(_frame_csv(best), encoding="utf-8")
    if args.format == "json":
        print(text)
    elif args.format == "csv":
        sys.stdout.write(_frame_csv(stats))
    else:
        print(_mc_tables(mc, stats, best))
    for r in [*mc.results, *(r for rs in mc.portfolio_results.values() for r in rs)]:
        if not r.ok:
            print(f"connectivity scenario montecarlo: run {r.name!r} failed: {r.error}",
                  file=sys.stderr)
    runs = len(mc.draws) * (1 + len(mc.portfolios))
    print(f"{len(mc.draws)} draw(s) x {1 + len(mc.portfolios)} run(s), {len(mc.failed)} "
          f"failed, in {seconds:.1f} s on {where} ({runs / seconds * 60:.0f} runs a minute); "
          f"wrote {', '.join(str(out / name) for name in MC_OUTPUTS)}", file=sys.stderr)
    return 1 if mc.failed else 0
