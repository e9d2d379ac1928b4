"""Investment prioritization: which candidate projects to fund, and when.

- :mod:`connectivity.invest.portfolio`: :class:`Portfolio`, the result of every method.
"""

from __future__ import annotations

from connectivity.invest.portfolio import Portfolio

__all__ = ["Portfolio"]
