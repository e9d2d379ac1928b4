"""The ``connectivity`` command: one parser, one module per command group.

Run ``connectivity --help`` or ``connectivity COMMAND --help``. Output formats are
``table`` (for people), ``json`` and ``csv`` (for other tools). Errors print one line
naming the bad value and exit with status 2.

Global options, before the command: ``--version``; ``-v`` / ``--verbose`` (the library's
log on stderr at INFO, ``-vv`` at DEBUG) or ``-q`` / ``--quiet`` (no progress bars,
warnings only). Progress bars show only when stderr is a terminal, with or without
``-v``: in a file or a pipe a bar is a stream of carriage returns, and ``-v``'s log
lines say the same there. Logging is configured in :func:`main` for the duration of
the command, never at import.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from connectivity._progress import scope
from connectivity.cli import (
    assign,
    convert,
    criticality,
    data,
    demo,
    export,
    invest,
    prioritize,
    routes,
    scenario,
)
from connectivity.cli import map as map_command
from connectivity.errors import ConnectivityError

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    top = argparse.ArgumentParser(
        prog="connectivity",
        description="Multimodal freight network planning for China and Central Asia.",
    )
    top.add_argument("--version", action=_Version, help="print the installed version and exit")
    talk = top.add_mutually_exclusive_group()
    talk.add_argument("-v", "--verbose", action="count", default=0,
                      help="log what the library does on stderr: -v at INFO (each solve's "
                           "summary), -vv at DEBUG (every iteration); progress bars still "
                           "show only when stderr is a terminal")
    talk.add_argument("-q", "--quiet", action="store_true",
                      help="no progress bars; only warnings and errors on stderr")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             help="run `connectivity COMMAND --help` for its options")
    for module in (data, routes, assign, prioritize, invest, criticality, scenario,
                   map_command, export, convert, demo):
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``connectivity`` command."""
    args = parser().parse_args(argv)
    try:
        # a command returns None, or its exit status (nonzero: it finished, but some of
        # its work failed, e.g. one scenario of several)
        with _logging(args.verbose), scope(False if args.quiet else None):
            status = args.run(args)
        sys.stdout.flush()  # a write error surfaces here, inside the handlers below
    except BrokenPipeError:
        # the reader went away (``connectivity demo | head``): stop quietly
        _drop_stdout()
        return 141
    except KeyboardInterrupt:
        print(f"connectivity {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ConnectivityError, ValueError, KeyError, OSError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            message = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
            _drop_stdout()  # stdout may be the device that failed (a full disk)
        print(f"connectivity {args.command}: error: {message}", file=sys.stderr)
        return 2
    return int(status or 0)


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (reading the
    distribution's metadata costs every other command a few hundredths of a second)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    """The installed distribution's version (``unknown`` when run from a bare tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("connectivity")
    except PackageNotFoundError:
        return "unknown (not installed)"


@contextmanager
def _logging(verbosity: int) -> Iterator[None]:
    """The ``connectivity`` loggers' records on stderr while a command runs: warnings
    and errors, INFO with ``-v``, DEBUG with ``-vv``; the previous state comes back
    after (``main`` may run many times in one process, as in the tests)."""
    level = (logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG
    log = logging.getLogger("connectivity")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("connectivity: %(levelname)s: %(name)s: "
                                           "%(message)s"))
    before = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False  # the command's records print once, here
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(before[0])
        log.propagate = before[1]


def _drop_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush of what is
    left in its buffer does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no descriptor behind sys.stdout (a test's capture)
        pass
