"""The ``connectivity`` command line, one module per command group.

- :mod:`~connectivity.cli.entry`: the parser and :func:`main`, the entry point;
- :mod:`~connectivity.cli.options`: network, scenario and format options;
- :mod:`~connectivity.cli.data`: ``places``, ``validate``;
- :mod:`~connectivity.cli.routes`: ``route``, ``pareto``, ``skim``;
- :mod:`~connectivity.cli.assign`: ``assign`` (bundled or TNTP networks);
- :mod:`~connectivity.cli.prioritize`: ``prioritize`` (bundled or TNTP networks);
- :mod:`~connectivity.cli.invest`: ``appraise``, and ``prioritize`` on a network of tables;
- :mod:`~connectivity.cli.scenario`: ``scenario run``, ``scenario list``;
- :mod:`~connectivity.cli.criticality`: ``criticality``, ``select-link``;
- :mod:`~connectivity.cli.demo`: ``demo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.cli.entry import main
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "entry": ("main",),
    })

__all__ = ["main"]
