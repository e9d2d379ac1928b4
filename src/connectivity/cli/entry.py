"""The ``connectivity`` command: one parser, one module per command group.

Run ``connectivity --help`` or ``connectivity COMMAND --help``. Output formats are
``table`` (for people), ``json`` and ``csv`` (for other tools). Errors print one line
naming the bad value and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from connectivity.cli import (
    assign,
    criticality,
    data,
    demo,
    invest,
    prioritize,
    routes,
    scenario,
)
from connectivity.errors import ConnectivityError

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    top = argparse.ArgumentParser(
        prog="connectivity",
        description="Multimodal freight network planning for China and Central Asia.",
    )
    sub = top.add_subparsers(dest="command", required=True)
    for module in (data, routes, assign, prioritize, invest, criticality, scenario, demo):
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``connectivity`` command."""
    args = parser().parse_args(argv)
    try:
        # a command returns None, or its exit status (nonzero: it finished, but some of
        # its work failed, e.g. one scenario of several)
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


def _drop_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's final flush of what is
    left in its buffer does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no descriptor behind sys.stdout (a test's capture)
        pass
