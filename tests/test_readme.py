"""What the README tells a new user to type works: its Python blocks and shell commands.

Commands that need the user's own files (``my_network/``, ``my_demand.csv``, the TNTP
files) are left out; everything else runs against the bundled data. Both run in this
process from an empty directory: the commands through ``connectivity.cli.main`` (the
``cli`` fixture), the Python blocks as a script with runpy.
"""

from __future__ import annotations

import re
import runpy
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
USER_FILES = ("my_network", "my_demand", "tntp", "SiouxFalls", "od.csv")


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _commands() -> list[str]:
    out: list[str] = []
    for block in _blocks("bash"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("connectivity ") and not any(u in line for u in USER_FILES):
                out.append(line)
    return out


COMMANDS = _commands()


def test_readme_has_the_two_commands() -> None:
    blocks = "\n".join(_blocks("bash"))
    assert 'pip install . && connectivity demo' in blocks
    assert 'pip install ".[test]" && pytest' in blocks
    assert len(COMMANDS) >= 8


def test_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "\n".join(_blocks("python"))
    script = tmp_path / "readme.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")  # an exception fails the test


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_command_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            cli) -> None:
    args = shlex.split(command)[1:]
    monkeypatch.chdir(tmp_path)
    proc = cli(*args, check=False)
    assert proc.returncode == 0, f"{command}: {proc.stderr}"
    assert proc.stdout.strip(), command
