"""The one numba decorator of the package's kernels (private).

Every kernel is compiled with ``cache=True`` (compiled once per machine, loaded from
the on-disk cache afterwards) and ``nogil=True`` (threads may run kernels side by
side). The wrapper is typed so that mypy keeps each kernel's own signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

__all__ = ["jit"]

_F = TypeVar("_F", bound=Callable[..., Any])


def jit(*, parallel: bool = False, inline: bool = False) -> Callable[[_F], _F]:
    """``numba.njit(cache=True, nogil=True)``; ``inline`` inlines the function into callers."""
    return cast(
        Callable[[_F], _F],
        numba.njit(cache=True, parallel=parallel, nogil=True,
                   inline="always" if inline else "never"),
    )
