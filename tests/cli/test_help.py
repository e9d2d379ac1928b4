"""Every argument of every command has a help text (commands added later included), and
the global options: --version, -v/--verbose, -q/--quiet."""

from __future__ import annotations

import argparse
import logging
from importlib.metadata import version
from pathlib import Path

from connectivity.cli.entry import parser

DATA = Path(__file__).parents[1] / "data"

# Missing in files that other work owns at the moment; each must still be missing (when
# one gets its help, remove it here). ("skim": cli/routes.py's skim command; "assign":
# cli/assign.py.)
PENDING: set[tuple[str, str]] = set()


def _arguments(p: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(command path, argument name, action) of every argument, commands walked down."""
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _arguments(sub, (*path, name))
        else:
            name = action.option_strings[-1] if action.option_strings else action.dest
            yield path, name, action


def test_every_argument_has_help():
    missing = {(" ".join(path), name) for path, name, a in _arguments(parser())
               if not (a.help and a.help.strip()) and a.help != argparse.SUPPRESS}
    assert missing - PENDING == set(), "arguments without help: " + ", ".join(
        f"{cmd} {name}" for cmd, name in sorted(missing - PENDING))
    assert PENDING - missing == set(), f"have help now, drop from PENDING: {PENDING - missing}"


def test_the_walk_sees_every_command():
    commands = {path[0] for path, _, _ in _arguments(parser()) if path}
    assert {"route", "skim", "assign", "prioritize", "criticality", "scenario",
            "demo"} <= commands
    nested = {path for path, _, _ in _arguments(parser()) if len(path) == 2}
    assert ("scenario", "montecarlo") in nested


def test_format_help_names_the_choices_and_default():
    formats = {" ".join(path): a.help for path, name, a in _arguments(parser())
               if name == "--format"}
    assert "default csv" in formats["skim"]
    assert "table" in formats["demo"] and "json" in formats["demo"]
    assert "csv" not in formats["demo"]


def test_version(cli):
    r = cli("--version", check=False)
    assert r.returncode == 0
    assert r.stdout.strip() == f"connectivity {version('connectivity')}"


def test_quiet_and_verbose_exclude_each_other(cli):
    r = cli("-q", "-v", "demo", check=False)
    assert r.returncode == 2 and "not allowed with argument" in r.stderr


def test_verbose_logs_at_info_and_logging_is_restored(cli):
    log = logging.getLogger("connectivity")
    before = list(log.handlers), log.level, log.propagate
    tntp = ["assign", "--method", "ue", "--tntp-net", str(DATA / "Braess_net.tntp"),
            "--tntp-trips", str(DATA / "Braess_trips.tntp")]
    loud = cli("-v", *tntp)
    assert "connectivity: INFO: connectivity.assign.equilibrium: user equilibrium" in loud.stderr
    assert "DEBUG" not in loud.stderr
    assert "connectivity: DEBUG: connectivity.assign.equilibrium: iteration 1" in cli(
        "-vv", *tntp).stderr
    for quiet in ((), ("-q",)):
        assert "INFO" not in cli(*quiet, *tntp).stderr
    assert (list(log.handlers), log.level, log.propagate) == before
