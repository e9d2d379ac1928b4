"""Run a command line in this process, as a subprocess would run it.

``run_cli(capfd, "route", "Alpha", "Delta")`` calls :func:`connectivity.cli.main` with
those arguments, and ``run_script(capfd, path, *args)`` runs ``python path args...``
with runpy; both return the exit status and what was printed, like
``subprocess.run(..., capture_output=True, text=True)`` but without starting a new
interpreter (about 2 s of imports per call). The tests that need a real process (a
closed pipe, the installed package found from another directory) still start one.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectivity.cli import main as cli_main


@dataclass(frozen=True)
class CliResult:
    """The fields of ``subprocess.CompletedProcess`` that the tests read."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(
    capfd: Any,
    *args: str,
    check: bool = True,
    main: Callable[[list[str]], int | None] = cli_main,
) -> CliResult:
    """Call ``main(list(args))``; return its exit status, stdout and stderr.

    ``capfd`` is pytest's fixture. During the call ``sys.stdout`` and ``sys.stderr``
    write to file descriptors 1 and 2, as in a process of its own, so that output
    written there by C code (the HiGHS log) is captured with the rest, and code that
    silences C-level output through ``sys.stdout.fileno()`` (the HiGHS banner) silences
    the descriptor that capfd captures. The exit status is what the interpreter would
    exit with: ``main``'s return value, or the code of a ``SystemExit`` it raises
    (argparse errors; ``sys.exit("message")`` prints the message to stderr, status 1).
    With ``check`` a nonzero status fails the test, naming the status and stderr.
    Output printed before the call is dropped.
    """
    capfd.readouterr()
    saved = sys.stdout, sys.stderr
    with (open(1, "w", encoding="utf-8", closefd=False) as out,
          open(2, "w", encoding="utf-8", closefd=False) as err):
        sys.stdout, sys.stderr = out, err
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
            if code is not None and not isinstance(code, int):
                print(code, file=err)
                code = 1
        finally:
            sys.stdout, sys.stderr = saved
    stdout, stderr = capfd.readouterr()
    code = 0 if code is None else code
    if check and code != 0:
        raise AssertionError(f"exit {code}: {stderr}")
    return CliResult(code, stdout, stderr)


def run_script(capfd: Any, path: str | Path, *args: str, check: bool = True) -> CliResult:
    """``python PATH ARGS...`` in this process: the file runs as ``__main__`` with that argv.

    See :func:`run_cli` for the exit status and the output. An exception the script
    does not handle propagates (a real interpreter would print it and exit 1).
    """

    def main(argv: list[str]) -> int:
        saved = sys.argv
        sys.argv = [str(path), *argv]
        try:
            runpy.run_path(str(path), run_name="__main__")
        finally:
            sys.argv = saved
        return 0

    return run_cli(capfd, *args, check=check, main=main)
