"""Benchmark start-up: what a small job costs before and after its work.

Run on demand (not part of the test suite)::

    python benchmarks/bench_startup.py --tntp-dir DIR
    python benchmarks/bench_startup.py --tntp-dir DIR --before /path/to/old/src

Each case runs as a process of its own, as a user would run it: ``import connectivity``,
``connectivity --help``, and the TNTP user equilibrium of Sioux Falls and Anaheim
(``connectivity assign --method ue --tntp-net ... --gap 1e-5 --format json``) with the
numba cache warm (one untimed run of each case first). CPU is the child's user + system
time (``RUSAGE_CHILDREN``), wall is the time until it exits; each figure is the median of
``--runs`` runs, and the versions take turns run by run so that both see the same load.

``--before SRC`` is the ``src`` folder of an earlier version of the package (a git
worktree, say), run with ``PYTHONPATH=SRC``; without it only this version is measured.
``DIR`` holds the TNTP files ``SiouxFalls_net.tntp``, ``SiouxFalls_trips.tntp``,
``Anaheim_net.tntp`` and ``Anaheim_trips.tntp``.

Also reported: the heavy libraries each case imports and the package's cumulative
import time (``python -X importtime``, one run each), and where the time of the Sioux
Falls run goes in this version (imports, numba's set-up on the first cached kernel,
the kernels, the solve), timed inside the process. Writes a Markdown file,
``benchmarks/results/startup.md`` by default.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "startup.md"
NETWORKS = ("SiouxFalls", "Anaheim")
HEAVY = ("numpy", "numba", "scipy", "pandas", "networkx", "geopandas", "shapely", "pulp",
         "highspy", "matplotlib", "pyarrow", "tqdm")

#: Run inside a child: the parts of a Sioux Falls equilibrium process, as JSON.
PARTS = r"""
import time, resource, sys, io, contextlib, json
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
marks = [("interpreter", 0.0, cpu())]
t0 = time.perf_counter()
def mark(label):
    marks.append((label, time.perf_counter() - t0, cpu()))
import numpy
mark("import numpy")
from connectivity import _jit
real_load = _jit._load_all
def load_all():
    if not _jit._loaded:
        mark("work before the first kernel")
        real_load()
        mark("first kernel call: import numba, make the dispatchers")
_jit._load_all = load_all
from connectivity.cli import main
import connectivity.cli.entry
mark("import the command line")
import connectivity.assign.tntp, connectivity.io.tntp
mark("import equilibrium, TNTP reader")
with contextlib.redirect_stdout(io.StringIO()):
    main(["assign", "--method", "ue", "--tntp-net", sys.argv[1], "--tntp-trips", sys.argv[2],
          "--gap", "1e-5", "--format", "json"])
mark("the solve (with any kernel cache loads), print")
kernels = []
if "numba" in sys.modules:
    from numba.core.registry import CPUDispatcher
    kernels = sorted({k for name, mod in list(sys.modules.items())
                      if name.startswith("connectivity")
                      for k, d in vars(mod).items()
                      if isinstance(d, CPUDispatcher) and d.signatures})
parts = {}
prev = 0.0
for label, _, c in marks:
    parts[label] = parts.get(label, 0.0) + c - prev
    prev = c
print(json.dumps({"parts": parts, "kernels": kernels}))
"""


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU (user + system) and wall seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def _cases(tntp: Path | None) -> dict[str, list[str]]:
    py = sys.executable
    cases = {
        "import connectivity": [py, "-c", "import connectivity"],
        "connectivity --help": [py, "-m", "connectivity", "--help"],
    }
    for net in NETWORKS if tntp else ():
        assert tntp is not None
        cases[f"UE {net} (warm cache)"] = [
            py, "-m", "connectivity", "assign", "--method", "ue",
            "--tntp-net", str(tntp / f"{net}_net.tntp"),
            "--tntp-trips", str(tntp / f"{net}_trips.tntp"), "--gap", "1e-5",
            "--format", "json"]
    return cases


def _env(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _importtime(cmd: list[str], env: dict[str, str]) -> tuple[float, list[str]]:
    """All of a process's imports (ms, the sum of the outermost ``-X importtime``
    entries) and the heavy libraries among them."""
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=env, check=True,
                          capture_output=True, text=True)
    total_us = 0
    loaded: set[str] = set()
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        cumulative, name = parts[1].strip(), parts[2][1:]
        if not cumulative.isdigit():
            continue  # the header line
        if name.split(".")[0].strip() in HEAVY:
            loaded.add(name.split(".")[0].strip())
        if not name.startswith(" "):  # outermost: not imported by another module
            total_us += int(cumulative)
    return total_us / 1e3, [h for h in HEAVY if h in loaded]


def _parts(tntp: Path, runs: int) -> tuple[dict[str, float], list[str]]:
    env = _env(None)
    net = NETWORKS[0]
    args = [str(tntp / f"{net}_net.tntp"), str(tntp / f"{net}_trips.tntp")]
    collected: dict[str, list[float]] = {}
    kernels: list[str] = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", PARTS, *args], env=env, check=True,
                              capture_output=True, text=True)
        got = json.loads(done.stdout.splitlines()[-1])
        kernels = got["kernels"]
        for label, seconds in got["parts"].items():
            collected.setdefault(label, []).append(seconds)
    return {k: statistics.median(v) for k, v in collected.items()}, kernels


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--before", type=Path, metavar="SRC",
                    help="src folder of the earlier version (run with PYTHONPATH=SRC)")
    ap.add_argument("--tntp-dir", type=Path, metavar="DIR",
                    help="folder of the TNTP Sioux Falls and Anaheim files")
    ap.add_argument("--runs", type=int, default=7, help="runs per case (median)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="Markdown file to write")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error(f"--runs {args.runs}: give at least 1")
    if args.before is not None and not (args.before / "connectivity").is_dir():
        ap.error(f"--before {str(args.before)!r} has no connectivity package")
    if args.tntp_dir is not None:
        missing = [f"{n}_{k}.tntp" for n in NETWORKS for k in ("net", "trips")
                   if not (args.tntp_dir / f"{n}_{k}.tntp").is_file()]
        if missing:
            ap.error(f"--tntp-dir {str(args.tntp_dir)!r} lacks {', '.join(missing)}")
    return args


def _measure(cases: dict[str, list[str]], versions: dict[str, Path | None],
             runs: int) -> dict[tuple[str, str], tuple[float, float]]:
    """Median (CPU, wall) per case and version; the versions take turns run by run."""
    for src in versions.values():  # warm the numba cache of each tree
        for cmd in cases.values():
            _run(cmd, _env(src))
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(runs):
        for case, cmd in cases.items():
            for version, src in versions.items():
                samples.setdefault((case, version), []).append(_run(cmd, _env(src)))
    return {key: (statistics.median(c for c, _ in got), statistics.median(w for _, w in got))
            for key, got in samples.items()}


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    versions: dict[str, Path | None] = {}
    if args.before is not None:
        versions["before"] = args.before
    versions["after"] = None
    cases = _cases(args.tntp_dir)
    load_start = os.getloadavg()[0]
    medians = _measure(cases, versions, args.runs)
    imports = {(case, version): _importtime(cmd, _env(src))
               for case, cmd in cases.items() for version, src in versions.items()}
    parts, kernels = _parts(args.tntp_dir, args.runs) if args.tntp_dir else ({}, [])
    load_end = os.getloadavg()[0]

    import numba
    import numpy

    lines = [
        "# Start-up: small jobs before and after their work",
        "",
        f"Generated by `benchmarks/bench_startup.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (load average {load_start:.1f} "
        f"at the start, {load_end:.1f} at the end), {numba.get_num_threads()} numba "
        f"threads, Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"numba {numba.__version__}.",
        "",
        f"Each process run {args.runs} times after one untimed run (numba cache warm); "
        "median CPU (user + system of the child) and wall seconds. UE: "
        "`connectivity assign --method ue --tntp-net ... --gap 1e-5 --format json`.",
    ]
    if args.before is not None:
        lines.append(f"Before: `PYTHONPATH={args.before}`; after: the installed package.")
    lines += ["", "| case | " + " | ".join(f"{v} CPU s | {v} wall s" for v in versions)
              + " |", "|---|" + "---|---|" * len(versions)]
    for case in cases:
        cells = [_fmt(x) for version in versions for x in medians[(case, version)]]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    lines += ["", "All imports of each process and the heavy libraries among them "
              "(`python -X importtime`, one run; its own overhead inflates the times; "
              "a UE process's imports include what numba imports on its first kernel "
              "call):", "",
              "| case | version | imports ms | heavy libraries imported |",
              "|---|---|---|---|"]
    for (case, version), (ms, heavy) in imports.items():
        lines.append(f"| {case} | {version} | {ms:.0f} | {', '.join(heavy) or 'none'} |")
    if parts:
        lines += ["", f"Where the CPU of the {NETWORKS[0]} UE process goes (this version, "
                  f"timed inside the process, median of {args.runs}; kernels loaded: "
                  f"{', '.join(kernels) or 'none, numba not imported'}):", "",
                  "| part | CPU s |", "|---|---|"]
        lines += [f"| {label} | {_fmt(s)} |" for label, s in parts.items()]
        lines.append(f"| total (sum of the medians) | {_fmt(sum(parts.values()))} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
