"""The one numba decorator of the package's kernels (private), and numba loaded late.

Every kernel is compiled with ``cache=True`` (compiled once per machine, loaded from
the on-disk cache afterwards) and ``nogil=True`` (threads may run kernels side by
side). The wrapper is typed so that mypy keeps each kernel's own signature.

numba is imported when the first kernel runs, not when a kernel's module is imported:
importing numba and setting up its compiler costs about 0.8 s of CPU per process, more
than a whole small job. Until then :func:`jit` hands out a stand-in per kernel. The
first call of any kernel imports numba, makes every stand-in's dispatcher and puts the
dispatchers (and numba's ``prange`` in place of this module's :data:`prange`) into the
package's loaded modules, so that kernels calling kernels compile as before and later
calls go to numba directly. Kernels defined after that are numba dispatchers at once.

:data:`SMALL_WORK` bounds the package's numpy code paths for tiny inputs (graph
building, and the loads of :func:`connectivity.paths.numpy_pays`): below it, in element
operations, the vectorized numpy version finishes before numba would have loaded.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar, cast

__all__ = ["SMALL_WORK", "jit", "load_numba", "prange"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: Inputs up to this many element operations (edges, or sources x edges) take the numpy
#: code paths that need no kernel (see the module docstring).
SMALL_WORK = 8192


class _PRange:
    """``numba.prange`` before numba is loaded: replaced in every module that imported it
    the moment the first kernel runs (a kernel never runs with this one)."""

    def __call__(self, *args: int) -> range:  # pragma: no cover - never called by a kernel
        return range(*args)


prange: Any = _PRange()

_lock = threading.Lock()
_pending: list[_Kernel] = []
_loaded = False


class _Kernel:
    """A kernel whose numba dispatcher is made when the first kernel of the package runs."""

    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self.dispatcher: Any = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__wrapped__ = func

    def __call__(self, *args: Any) -> Any:
        return (self.dispatcher or _load(self))(*args)

    def __getattr__(self, name: str) -> Any:
        # what a dispatcher has (signatures, overloads, ...): only once numba is loaded
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.dispatcher or _load(self), name)

    @property
    def _numba_type_(self) -> Any:
        # a stand-in kept somewhere the module sweep does not reach is still typed as
        # its dispatcher inside a kernel
        return (self.dispatcher or _load(self))._numba_type_


def load_numba() -> ModuleType:
    """The numba module, loaded (with every kernel's dispatcher) on first use."""
    if not _loaded:
        _load_all()
    return sys.modules["numba"]


def _load(kernel: _Kernel) -> Any:
    _load_all()
    return kernel.dispatcher


def _load_all() -> None:
    global _loaded, prange  # noqa: PLW0603 (the module's one switch, set once under the lock)
    with _lock:
        if _loaded:
            return
        import numba as nb  # noqa: PLC0415 (the point of this module: numba loads late)

        for kernel in _pending:
            kernel.dispatcher = nb.njit(**kernel.options)(kernel.py_func)
        stand_in = prange  # this module's own name is swept too
        for name, module in list(sys.modules.items()):
            if name != "connectivity" and not name.startswith("connectivity."):
                continue
            space = vars(module)
            for key, value in list(space.items()):
                if isinstance(value, _Kernel):
                    space[key] = value.dispatcher
                elif value is stand_in:
                    space[key] = nb.prange
        prange = nb.prange
        _pending.clear()
        _loaded = True


def jit(*, parallel: bool = False, inline: bool = False) -> Callable[[_F], _F]:
    """``numba.njit(cache=True, nogil=True)``; ``inline`` inlines the function into callers."""
    options = {"cache": True, "parallel": parallel, "nogil": True,
               "inline": "always" if inline else "never"}

    def wrap(func: _F) -> _F:
        with _lock:
            if not _loaded:
                kernel = _Kernel(func, options)
                _pending.append(kernel)
                return cast(_F, kernel)
        return cast(_F, sys.modules["numba"].njit(**options)(func))

    return wrap
