"""An MkDocs hook: Markdown files of the repository outside ``docs/`` as pages of the site.

The guides link to reports and notes that live beside the code
(``../benchmarks/results/paths.md``, ``../data/basemap/README.md``): paths that work on
the repository's file view but lie outside ``docs/``. This hook adds each such file to
the site under ``repo/`` (read from the repository at build time, never copied into
``docs/``), with every benchmark report of ``benchmarks/results/`` and the images they
link to (the benchmark plots), follows their own links the same way, and points every
link at the page it names. So
``mkdocs build --strict`` checks these links like any link between pages.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

_REPO = Path(__file__).resolve().parents[2]
_ALWAYS = ("benchmarks/results",)  # folders whose reports are pages of their own
_PREFIX = "repo"
_LINK = re.compile(r"\]\((?P<target>[^)\s#:]+\.md)(?P<anchor>#[^)\s]*)?\)")
_IMAGE = re.compile(r"\]\((?P<target>[^)\s#:]+\.(?:png|svg|jpg))\)")


def _docs_dir(config: Any) -> Path:
    return Path(config["docs_dir"]).resolve()


def _real_path(src_uri: str, docs: Path) -> Path:
    """Where the page of ``src_uri`` is read from."""
    head, _, rest = src_uri.partition("/")
    return _REPO / rest if head == _PREFIX else docs / src_uri


def _site_uri(real: Path, docs: Path) -> str | None:
    """The page ``real`` is on the site, or ``None`` for a file that is not a page."""
    if real.is_relative_to(docs):
        return real.relative_to(docs).as_posix()
    if real.is_relative_to(_REPO) and real.suffix == ".md" and real.is_file():
        return f"{_PREFIX}/{real.relative_to(_REPO).as_posix()}"
    return None


def _targets(real: Path) -> list[Path]:
    text = real.read_text("utf-8")
    return [(real.parent / m["target"]).resolve() for m in _LINK.finditer(text)]


def on_files(files: Files, config: Any) -> Files:
    docs = _docs_dir(config)
    todo = [docs / f.src_uri for f in files.documentation_pages()]
    todo += [p for folder in _ALWAYS for p in sorted((_REPO / folder).glob("*.md"))]
    added: set[Path] = set()
    while todo:
        real = todo.pop()
        if not real.is_relative_to(docs) and real not in added:
            uri = _site_uri(real, docs)
            if uri is None:
                continue
            added.add(real)
            files.append(File.generated(config, uri, content=real.read_text("utf-8")))
            _add_images(files, config, real, posixpath.dirname(uri))
        todo += [t for t in _targets(real) if not t.is_relative_to(docs) and t not in added]
    return files


def _add_images(files: Files, config: Any, real: Path, folder: str) -> None:
    """The images a repository page links to (the benchmark plots), at the same place
    beside its site page, so that its relative links hold."""
    for m in _IMAGE.finditer(real.read_text("utf-8")):
        image = (real.parent / m["target"]).resolve()
        uri = posixpath.normpath(posixpath.join(folder, m["target"]))
        if image.is_file() and image.is_relative_to(_REPO) and files.get_file_from_path(
                uri) is None:
            files.append(File.generated(config, uri, content=image.read_bytes()))


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    docs = _docs_dir(config)
    here = page.file.src_uri
    real = _real_path(here, docs)

    def repoint(match: re.Match[str]) -> str:
        target = (real.parent / match["target"]).resolve()
        uri = _site_uri(target, docs)
        if uri is None:
            return match[0]  # left for mkdocs to report
        link = posixpath.relpath(uri, posixpath.dirname(here) or ".")
        return f"]({link}{match['anchor'] or ''})"

    return _LINK.sub(repoint, markdown)
