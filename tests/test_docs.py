"""The documentation site builds with no warning, and its API pages show every public name.

`mkdocs build --strict` turns every warning into a failure: a link between pages that
points nowhere, a page missing from the nav, a docstring section Griffe cannot parse,
a documented parameter the signature does not have, a Sphinx role naming nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
OWN_NETWORK = ROOT / "docs" / "own-network.md"

# the API page of each public subpackage, as named in mkdocs.yml's nav
API_PAGES = {
    "connectivity": "connectivity",
    "connectivity.paths": "paths",
    "connectivity.optimize": "optimize",
    "connectivity.tables": "tables",
    "connectivity.graph": "graph",
    "connectivity.io": "io",
    "connectivity.routing": "routing",
    "connectivity.assign": "assign",
    "connectivity.invest": "invest",
    "connectivity.scenarios": "scenarios",
    "connectivity.report": "report",
}


def _need_mkdocs() -> None:
    for module in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python"):
        pytest.importorskip(
            module,
            reason=f"{module} is not installed: the docs build needs pip install '.[docs]'",
        )
    if not CONFIG.is_file():
        pytest.skip(f"no {CONFIG.name} beside the tests (not a source checkout)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_mkdocs()
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(CONFIG),
         "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, "\n".join(warnings)
    return out


def test_site_builds_strict(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "own-network" / "index.html").is_file()
    assert (site / "data-schema" / "index.html").is_file()
    # the benchmark reports outside docs/ are pages too (docs/_ext/repo_pages.py)
    assert (site / "repo" / "benchmarks" / "results" / "paths" / "index.html").is_file()


@pytest.mark.parametrize("package", sorted(API_PAGES))
def test_api_page_shows_every_public_name(site: Path, package: str) -> None:
    html = (site / "api" / API_PAGES[package] / "index.html").read_text("utf-8")
    anchors = set(re.findall(r'id="([\w.]+)"', html))
    public = importlib.import_module(package).__all__
    missing = [name for name in public if f"{package}.{name}" not in anchors]
    assert not missing, f"{package}: not on its API page: {missing}"
    # the docstrings' Sphinx roles became links or code, not raw reStructuredText
    assert not re.search(r":(?:func|class|mod|meth|attr|data|exc):`", html)


def test_docstring_examples_render_as_code(site: Path) -> None:
    html = (site / "api" / "routing" / "index.html").read_text("utf-8")
    # numpydoc's "Example" heading is shown as an example (a code block), not as text
    assert '<span class="gp">&gt;&gt;&gt; </span>' in html
    assert "<blockquote>" not in html


def _examples(page: Path) -> list[tuple[str, str]]:
    """Each ```python block of ``page`` with the ```text block of its printed output."""
    found = re.findall(r"```python\n(.*?)```\s*\nprints\n\n```text\n(.*?)```",
                       page.read_text("utf-8"), flags=re.DOTALL)
    return [(code, out) for code, out in found]


def test_own_network_has_examples() -> None:
    if not OWN_NETWORK.is_file():
        pytest.skip(f"{OWN_NETWORK} is not here (not a source checkout)")
    text = OWN_NETWORK.read_text("utf-8")
    # every example is followed by what it prints, so the next test checks them all
    assert len(_examples(OWN_NETWORK)) == text.count("```python") >= 6


@pytest.mark.parametrize(
    "number", range(len(_examples(OWN_NETWORK)) if OWN_NETWORK.is_file() else 0)
)
def test_own_network_example_prints_what_the_page_says(
    number: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, expected = _examples(OWN_NETWORK)[number]
    monkeypatch.chdir(tmp_path)  # the examples write their tiny networks here
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"own-network.md example {number + 1}", "exec"), {})
    assert printed.getvalue().strip() == expected.strip()
