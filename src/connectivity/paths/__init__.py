"""The shortest-path core: numba kernels on CSR arrays. Knows nothing of places or modes.

Functions that take a :class:`CSRGraph` and return arrays. The graph is built once by
:func:`from_arrays`; a scenario (closures, scaled costs, another commodity) becomes a new
cost vector on the same structure with :func:`reweight`. Every result is expressed in
*original edge indices*, i.e. positions in the arrays given to :func:`from_arrays`, so
parallel edges between the same pair of nodes stay distinct and map back to their link.
For many point-to-point queries on one graph without coordinates, :func:`landmarks` is
an explicit preprocessing step that makes :func:`shortest_path` much faster (ALT).

Modules, one task each:

- :mod:`~connectivity.paths.csr`: :class:`CSRGraph`, :func:`from_arrays`, :func:`reweight`;
- :mod:`~connectivity.paths.search`: :func:`distances`, :func:`shortest_path_tree`,
  :func:`shortest_path` (bidirectional, A*, ALT);
- :mod:`~connectivity.paths.alt`: :class:`Landmarks`, :func:`landmarks`;
- :mod:`~connectivity.paths.contraction`: :class:`Hierarchy`, :func:`hierarchy`
  (customizable contraction hierarchies: exact queries and OD matrices, re-customized
  per weight vector);
- :mod:`~connectivity.paths.loading`: :func:`all_or_nothing`, :func:`numpy_pays`;
- :mod:`~connectivity.paths.sums`: :class:`PathSums`, :func:`path_sums` (edge values added
  up along the shortest paths: skims);
- :mod:`~connectivity.paths.kshortest`: :func:`k_shortest_paths` (Yen);
- :mod:`~connectivity.paths.pareto`: :func:`pareto_paths` (multi-criteria label setting).

Sentinels, used everywhere in this package:

- unreachable: distance ``inf``;
- no predecessor (the source itself, or an unreached node): edge index ``-1``;
- a closed edge: weight ``inf`` (it is never used).

Weights must be non-negative and not NaN; zero is allowed. The work is done by numba
kernels in the private ``_kernels`` and ``_p2p_kernels`` modules; the public functions
validate and cast the inputs once (:mod:`connectivity.checks`), allocate the outputs and
map CSR slots back to original edges.

Example
-------
>>> import numpy as np
>>> from connectivity import paths
>>> g = paths.from_arrays([0, 0, 1], [1, 1, 2], [5.0, 2.0, 1.0], 3)
>>> paths.distances(g, [0]).tolist()
[[0.0, 2.0, 3.0]]
>>> paths.shortest_path(g, 0, 2).tolist()
[1, 2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.paths.alt import Landmarks, landmarks
    from connectivity.paths.contraction import Hierarchy, hierarchy
    from connectivity.paths.csr import CSRGraph, from_arrays, reweight
    from connectivity.paths.kshortest import k_shortest_paths
    from connectivity.paths.loading import all_or_nothing, numpy_pays
    from connectivity.paths.pareto import pareto_paths
    from connectivity.paths.search import distances, shortest_path, shortest_path_tree
    from connectivity.paths.sums import PathSums, path_sums
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "alt": ("Landmarks", "landmarks"),
        "contraction": ("Hierarchy", "hierarchy"),
        "csr": ("CSRGraph", "from_arrays", "reweight"),
        "kshortest": ("k_shortest_paths",),
        "loading": ("all_or_nothing", "numpy_pays"),
        "pareto": ("pareto_paths",),
        "search": ("distances", "shortest_path", "shortest_path_tree"),
        "sums": ("PathSums", "path_sums"),
    })

__all__ = [
    "CSRGraph",
    "Hierarchy",
    "hierarchy",
    "Landmarks",
    "from_arrays",
    "reweight",
    "landmarks",
    "distances",
    "shortest_path",
    "shortest_path_tree",
    "path_sums",
    "PathSums",
    "all_or_nothing",
    "numpy_pays",
    "k_shortest_paths",
    "pareto_paths",
]
