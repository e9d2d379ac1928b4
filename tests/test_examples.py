"""The example corridor analyses run as a user runs them, and print what is committed.

Each ``examples/NAME.py`` must exit 0 and print exactly ``examples/output/NAME.txt``,
so that an output shown in the repository is the output of the code next to it. After
a deliberate change, regenerate with ``python examples/NAME.py > examples/output/NAME.txt``.
The scripts run in this process (``run_script``: runpy, as ``__main__``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import run_script

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_every_example_has_an_output() -> None:
    assert SCRIPTS, f"no examples found in {EXAMPLES}"
    for script in SCRIPTS:
        assert (EXAMPLES / "output" / f"{script.stem}.txt").is_file(), script.name


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_prints_its_committed_output(
    script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # from anywhere, like a user with the package installed
    proc = run_script(capfd, script, check=False)
    assert proc.returncode == 0, proc.stderr
    expected = (EXAMPLES / "output" / f"{script.stem}.txt").read_text(encoding="utf-8")
    assert proc.stdout == expected
