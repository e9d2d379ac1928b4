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

from connectivity.cli import assign, data, demo, routes
from connectivity.errors import ConnectivityError

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    top = argparse.ArgumentParser(
        prog="connectivity",
        description="Multimodal freight network planning for China and Central Asia.",
    )
    sub = top.add_subparsers(dest="command", required=True)
    for module in (data, routes, assign, demo):
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``connectivity`` command."""
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except (ConnectivityError, ValueError, FileNotFoundError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"connectivity {args.command}: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (``connectivity demo | head``): stop quietly, and point
        # stdout at /dev/null so that the interpreter's final flush does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return 0
