"""A Griffe extension for the API pages: numpydoc docstrings written for Sphinx, as Markdown.

The docstrings use Sphinx roles (:func:`route`, :class:`~connectivity.tables.Scenario`)
and a numpydoc ``Example`` heading. mkdocstrings renders Markdown and knows the heading
``Examples`` only, so before a docstring is parsed this extension

- turns each role into inline code wrapped in an optional cross-reference: a link to
  the object's entry where an API page renders it, plain code where none does (a
  private module, a name outside the package);
- renames the heading ``Example`` (underlined) to ``Examples``, and puts that heading
  above a doctest that has none, so that the doctest is shown as a code block.

The name in a role is looked up as the docstring's scope would see it: the object
itself, then each enclosing module or class, then the top-level package. A role whose
name resolves to nothing inside ``connectivity`` (and names no other package) is logged
as a warning, so ``mkdocs build --strict`` fails on a stale reference.

Nothing in the source files changes; this runs only when the docs are built.
"""

from __future__ import annotations

import builtins
import logging
import re
from typing import Any

import griffe

_log = logging.getLogger("mkdocs.plugins.griffe_roles")

_ROLE = re.compile(
    r":(?:py:)?(?:mod|func|class|meth|attr|data|exc|obj|const):`(?P<target>[^`]+)`"
)
_EXAMPLE = re.compile(r"^(?P<indent>[ \t]*)Example\n(?P=indent)-{7}[ \t]*$", re.MULTILINE)
_EXAMPLES = re.compile(r"^[ \t]*Examples\n[ \t]*-{8}[ \t]*$", re.MULTILINE)
# the first doctest line after a blank line, in a docstring without an Examples heading
_BARE_DOCTEST = re.compile(r"(?:\A|\n\n)(?P<indent>[ \t]*)>>> ")
# packages whose names a role may cite without being documented here
_FOREIGN = ("numpy", "scipy", "pandas", "networkx", "pulp", "highspy", "concurrent", "dask",
            "shapely", "geopandas", "matplotlib", "osmnx", "numba", "tomllib", "pathlib",
            "typing", "collections", "logging", "multiprocessing", "json", "csv", "io",
            "datetime", "math", "random", "tqdm", "enum", "time",
            "folium", "branca", "selenium", "openmatrix", "PIL", "pyproj",
            "pyogrio", "fiona", "h5py", "os", "sys", "subprocess", "tempfile", "zipfile")


def _lookup(root: griffe.Module, path: str) -> bool:
    """Whether ``path`` (dotted, starting with the root package's name) names an object."""
    head, _, rest = path.partition(".")
    if head != root.name:
        return False
    if not rest:
        return True
    try:
        root[rest]
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return False
    return True


def _scopes(obj: griffe.Object) -> list[str]:
    """The dotted paths a name in ``obj``'s docstring is looked up in, nearest first."""
    scopes: list[str] = []
    current: griffe.Object | None = obj
    while current is not None:
        scopes.append(current.path)
        current = current.parent
    return scopes


def _resolve(root: griffe.Module, obj: griffe.Object, name: str) -> str | None:
    if _lookup(root, name):
        return name
    for scope in _scopes(obj):
        candidate = f"{scope}.{name}"
        if _lookup(root, candidate):
            return candidate
    return None


def _rewrite(root: griffe.Module, obj: griffe.Object, text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        # a role broken over two lines of the docstring names one object
        target = "".join(match["target"].split())
        short = target.startswith("~")
        name = target.lstrip("~.").removesuffix("()")
        shown = name.rsplit(".", 1)[-1] if short else name
        path = _resolve(root, obj, name)
        if path is None:
            head = name.split(".", 1)[0]
            if head not in _FOREIGN and not hasattr(builtins, head):
                _log.warning(
                    "%s: the role %s names nothing in %s", obj.path, match[0], root.name
                )
            return f"`{shown}`"
        return f'<autoref identifier="{path}" optional><code>{shown}</code></autoref>'

    text = _ROLE.sub(replace, text)
    text = _EXAMPLE.sub(lambda m: f"{m['indent']}Examples\n{m['indent']}--------", text)
    if not _EXAMPLES.search(text):
        text = _BARE_DOCTEST.sub(
            lambda m: f"\n\n{m['indent']}Examples\n{m['indent']}--------\n{m['indent']}>>> ",
            text,
            count=1,
        )
    return text


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles and ``Example`` headings in every docstring of the package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None:
                obj.docstring.value = _rewrite(pkg, obj, obj.docstring.value)
            stack.extend(m for m in obj.members.values() if not m.is_alias)
