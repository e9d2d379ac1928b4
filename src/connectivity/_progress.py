"""Progress bars on stderr for the long loops (standard library and tqdm only).

A loop opens one :func:`bar` and updates it once per iteration, round or node (never
per path: the kernels' hot loops stay untouched). Whether it shows is decided once:

- ``progress=True``: always; ``progress=False``: never;
- ``progress=None`` (auto): as the :func:`scope` around the call says, if any; else
  when stderr is a terminal, in the main thread of the main process (a worker's bar
  would garble its parent's).

A bar, shown or not, hides the auto bars of what runs inside it: a branch and bound
shows its nodes, not the hundreds of equilibria it solves, and ``progress=False`` on
the outer call silences the inner ones too. A function that has no bar of its own but
calls one that has passes its ``progress`` on with :func:`scope` (so the layers
between need no keyword); the command line's ``-q`` is ``scope(False)`` around the
command. tqdm is imported only when a bar is shown.

>>> with bar(3, "demo", progress=False) as b:
...     for i in range(3):
...         b.update(gap=1e-3)
>>> b.shown
False
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any

__all__ = ["Bar", "bar", "scope", "show"]

#: What auto bars do in this context: ``None`` decide, ``True`` show, ``False`` hide
#: (set by :func:`scope`, and to ``False`` inside an open bar).
_INSIDE: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "connectivity_progress_inside", default=None)


def show(progress: bool | None) -> bool:
    """Whether a bar asked for with ``progress`` shows (see the module docstring)."""
    if progress is not None:
        return bool(progress)
    inherited = _INSIDE.get()
    if inherited is not None:
        return inherited
    if threading.current_thread() is not threading.main_thread():
        return False
    # a worker process has imported multiprocessing already; the main process need not
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.parent_process() is not None:
        return False
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


class Bar:
    """A progress bar on stderr, or nothing (``shown`` False): updates cost a call.

    Use it as a context manager; :meth:`update` counts one step and sets the text after
    the count (``key=value`` pairs, numbers in 3 significant digits).
    """

    def __init__(self, total: int | None, desc: str, unit: str, *, shown: bool) -> None:
        self.shown = shown
        self._bar: Any = None
        self._token: contextvars.Token[bool | None] | None = None
        if shown:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr,
                             leave=False, dynamic_ncols=True)

    def __enter__(self) -> Bar:
        self._token = _INSIDE.set(False)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._token is not None:
            _INSIDE.reset(self._token)
            self._token = None
        self.close()

    def update(self, steps: int = 1, **postfix: object) -> None:
        """Count ``steps`` more; show ``postfix`` (e.g. ``gap=3.2e-05``) after the count."""
        if self._bar is None:
            return
        if postfix:
            self._bar.set_postfix_str(_postfix(postfix), refresh=False)
        self._bar.update(steps)

    def close(self) -> None:
        """Take the bar off the terminal (also done on leaving the ``with`` block)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def bar(total: int | None, desc: str, *, unit: str = "it",
        progress: bool | None = None) -> Bar:
    """A :class:`Bar` of ``total`` steps (``None``: unknown), labelled ``desc``.

    Parameters
    ----------
    total
        Steps expected, or ``None`` when the loop's length is not known (a count shows).
    desc
        The label before the bar, e.g. ``"equilibrium"``.
    unit
        What a step is, e.g. ``"node"``.
    progress
        ``True`` shows the bar, ``False`` hides it, ``None`` decides (module docstring).
    """
    return Bar(total, desc, unit, shown=show(progress))


@contextlib.contextmanager
def scope(progress: bool | None) -> Iterator[None]:
    """Inside this block, bars in auto mode (``progress=None``) show when ``progress``
    is True and stay hidden when it is False; ``None`` changes nothing.

    >>> with scope(False):
    ...     show(None), show(True)
    (False, True)
    """
    if progress is None:
        yield
        return
    token = _INSIDE.set(bool(progress))
    try:
        yield
    finally:
        _INSIDE.reset(token)


def _postfix(values: dict[str, object]) -> str:
    parts = []
    for key, value in values.items():
        text = f"{value:.3g}" if isinstance(value, float) else str(value)
        parts.append(f"{key}={text}")
    return ", ".join(parts)
