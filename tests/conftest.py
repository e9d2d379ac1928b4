from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import connectivity as cn  # noqa: E402
import tiny  # noqa: E402
from clirun import run_cli  # noqa: E402


@pytest.fixture
def tiny_frames():
    return tiny.frames()


@pytest.fixture
def tiny_net():
    return cn.from_frames(**tiny.frames())


@pytest.fixture
def cli(capfd):
    """``cli("route", "A", "B", check=False)``: the ``connectivity`` command run in-process.

    Returns ``returncode``, ``stdout`` and ``stderr`` (see clirun.py). It captures with
    capfd rather than capsys: the HiGHS log goes straight to file descriptor 1.
    """
    return functools.partial(run_cli, capfd)
