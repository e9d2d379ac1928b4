"""Names of a package imported from their modules when first used (private; PEP 562).

A package's ``__init__`` lists which module holds each of its public names, and names
them again under ``if TYPE_CHECKING:`` so that mypy and IDEs see every name and type::

    if TYPE_CHECKING:
        from connectivity.paths.csr import CSRGraph, from_arrays
    else:
        __getattr__, __dir__ = exports(__name__, {"csr": ("CSRGraph", "from_arrays")})

``import connectivity`` then loads no pandas, networkx, scipy, numba or solver until a
name that needs them is used. A name, once resolved, is set on the package, so it costs
one import only. Submodules (``connectivity.paths.csr``) resolve by name as well, as an
eager package would have them after importing them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` of ``package``, resolving names from their modules.

    Parameters
    ----------
    package
        The package's ``__name__``.
    modules
        Module (relative to ``package``) -> the public names it provides to ``package``.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``, to assign at the package's module level.

    Raises
    ------
    ValueError
        If two modules claim the same name.

    Example
    -------
    >>> getattr_, dir_ = exports("connectivity.paths", {"csr": ("from_arrays",)})
    >>> getattr_("from_arrays").__module__
    'connectivity.paths.csr'
    """
    home: dict[str, str] = {}
    for module, names in modules.items():
        for name in names:
            if name in home:
                raise ValueError(f"{package}: {name!r} is exported by both "
                                 f"{home[name]!r} and {package + '.' + module!r}; "
                                 "give each name one module")
            home[name] = f"{package}.{module}"

    def __getattr__(name: str) -> Any:
        where = home.get(name)
        if where is not None:
            value = getattr(_load(where), name)
        elif name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        else:
            try:
                value = _load(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise  # a submodule that needs a library not installed
                raise AttributeError(
                    f"module {package!r} has no attribute {name!r}") from None
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(home))

    return __getattr__, __dir__


def _load(module: str) -> ModuleType:
    """The imported ``module``, by the import statement's path (which ``python -X
    importtime`` reports; ``importlib.import_module`` would hide it in its caller)."""
    __import__(module)
    return sys.modules[module]
