"""Progress bars: on a terminal they show, in a pipe or with progress=False they do not,
and they never change a result (connectivity._progress)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import numpy as np

from clirun import run_cli
from connectivity import _progress
from connectivity.assign.equilibrium import equilibrium_problem, user_equilibrium

DATA = Path(__file__).parent / "data"

# two parallel roads, solved to a tight gap: a few iterations; "--" between the runs
CHILD = """
import sys
from connectivity.assign.equilibrium import equilibrium_problem, user_equilibrium
p = equilibrium_problem([0, 0], [1, 1], [1.0, 2.0], [5.0, 5.0], [0], [1], [[10.0]],
                        alpha=1.0, beta=1.0)
user_equilibrium(p, gap=1e-10, algorithm="fw", max_iter=50)
print("--", file=sys.stderr, flush=True)
user_equilibrium(p, gap=1e-10, algorithm="fw", max_iter=50, progress=False)
print("end", file=sys.stderr, flush=True)
"""


def _problem():
    return equilibrium_problem([0, 0], [1, 1], [1.0, 2.0], [5.0, 5.0], [0], [1], [[10.0]],
                               alpha=1.0, beta=1.0)


def _terminal() -> tuple[int, int]:
    """A pseudo-terminal of 24 rows and 100 columns (a new one has none, and tqdm fits
    its bar to the width): the master and slave descriptors."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    return master, slave


def _drain(fd: int) -> bytes:
    """Everything readable from ``fd`` until the other side is closed."""
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return out
        if not chunk:
            return out
        out += chunk


def test_bar_shows_on_a_terminal_and_not_with_progress_false():
    master, slave = _terminal()
    try:
        proc = subprocess.Popen([sys.executable, "-c", CHILD], stderr=slave,
                                stdout=subprocess.DEVNULL)
        os.close(slave)
        err = _drain(master)
        assert proc.wait(timeout=120) == 0
    finally:
        os.close(master)
    text = err.decode("utf-8", "replace")
    auto, _, silenced = text.partition("--")
    assert "equilibrium:" in auto and "/50" in auto, text  # the bar, with its total
    assert "end" in silenced and "equilibrium" not in silenced, text


def test_no_bar_in_a_pipe():
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stderr.split() == ["--", "end"]


def test_results_equal_with_and_without_bar(capsys):
    shown = user_equilibrium(_problem(), gap=1e-10, algorithm="bfw", progress=True)
    assert "equilibrium" in capsys.readouterr().err  # the bar did draw
    hidden = user_equilibrium(_problem(), gap=1e-10, algorithm="bfw", progress=False)
    assert capsys.readouterr().err == ""
    np.testing.assert_array_equal(shown.flow, hidden.flow)
    np.testing.assert_array_equal(shown.relative_gap, hidden.relative_gap)
    assert shown.iterations == hidden.iterations


def test_an_open_bar_hides_the_auto_bars_inside():
    assert _progress.show(True) and not _progress.show(False)
    with _progress.bar(2, "outer", progress=False) as outer:
        assert not outer.shown
        assert not _progress.show(None)  # an inner loop stays quiet ...
        assert _progress.show(True)  # ... unless asked for
    with _progress.scope(True):
        assert _progress.show(None)
        with _progress.scope(False):
            assert not _progress.show(None)


def test_auto_bar_hidden_in_a_worker_thread():
    seen = []
    with _progress.scope(None):
        worker = threading.Thread(target=lambda: seen.append(_progress.show(None)))
        worker.start()
        worker.join()
    assert seen == [False]


def _main_keeping_stderr(argv):
    """``main`` with ``sys.stderr`` swapped back to the terminal that run_cli replaced."""
    from connectivity.cli import main

    sys.stderr = _TTY[0]
    return main(argv)


_TTY: list = []


def test_quiet_flag_silences_the_bar(capfd):
    tntp = ["assign", "--method", "ue", "--tntp-net", str(DATA / "Braess_net.tntp"),
            "--tntp-trips", str(DATA / "Braess_trips.tntp"), "--gap", "1e-12",
            "--algorithm", "fw", "--max-iter", "20"]
    master, slave = _terminal()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as tty:
            _TTY[:] = [tty]
            loud = _read_after(master, lambda: run_cli(capfd, *tntp,
                                                        main=_main_keeping_stderr))
            quiet = _read_after(master, lambda: run_cli(capfd, "-q", *tntp,
                                                         main=_main_keeping_stderr))
    finally:
        os.close(slave)
        os.close(master)
    assert "equilibrium" in loud
    assert "equilibrium" not in quiet


def _read_after(master: int, run) -> str:
    run()
    out = b""
    while select.select([master], [], [], 0.2)[0]:
        out += os.read(master, 65536)
    return out.decode("utf-8", "replace")
