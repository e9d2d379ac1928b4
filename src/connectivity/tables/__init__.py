"""Tables: read, validate and hold the network's tables. No numpy kernels here.

- :mod:`~connectivity.tables.schema`: the columns of every table, the vocabularies
  (modes, terminals, statuses, place and project kinds), typed parsing;
- :mod:`~connectivity.tables.read`: reading CSV, GeoJSON and GeoPackage tables, and the
  bundled data folder;
- :mod:`~connectivity.tables.rules`: every rule, every problem listed at once;
- :mod:`~connectivity.tables.network`: :class:`Network` and its loaders
  (:func:`load_bundled`, :func:`read_network`, :func:`from_frames`),
  :func:`resolve_place`;
- :mod:`~connectivity.tables.places`: place lookup by id, name or alias (never a silent
  pick among places that share a name);
- :mod:`~connectivity.tables.scenario`: :class:`Scenario`, :func:`read_scenario`,
  :func:`scenario_from_mapping`;
- :mod:`~connectivity.tables.demand`: :func:`read_demand`, :func:`load_bundled_demand`.

Example
-------
>>> from connectivity import tables
>>> net = tables.load_bundled()
>>> len(net.projects) >= 20
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectivity.tables.demand import (
        DEMAND_COLUMNS,
        load_bundled_demand,
        read_demand,
        split_intrazonal,
    )
    from connectivity.tables.network import (
        Network,
        from_frames,
        load_bundled,
        place_index_of,
        read_network,
        resolve_place,
    )
    from connectivity.tables.places import PlaceIndex, find_place
    from connectivity.tables.read import (
        TableSource,
        bundled_data_dir,
        load_bundled_table,
        read_table,
    )
    from connectivity.tables.rules import (
        BORDER_MODES,
        CAPACITY_UNIT,
        collect_problems,
        link_terminals,
        validate,
    )
    from connectivity.tables.scenario import (
        RUN_KEYS,
        SCENARIO_KEYS,
        Scenario,
        read_scenario,
        scenario_from_mapping,
    )
    from connectivity.tables.schema import (
        COLUMNS,
        MODES,
        OPTIONAL_TABLES,
        PLACE_KINDS,
        PROJECT_KINDS,
        STATUSES,
        TABLES,
        TERMINALS,
        empty_table,
        split_ids,
    )
else:
    from connectivity._lazy import exports

    __getattr__, __dir__ = exports(__name__, {
        "demand": ("DEMAND_COLUMNS", "load_bundled_demand", "read_demand", "split_intrazonal"),
        "network": (
            "Network", "from_frames", "load_bundled", "place_index_of", "read_network",
            "resolve_place",
        ),
        "places": ("PlaceIndex", "find_place"),
        "read": ("TableSource", "bundled_data_dir", "load_bundled_table", "read_table"),
        "rules": (
            "BORDER_MODES", "CAPACITY_UNIT", "collect_problems", "link_terminals", "validate",
        ),
        "scenario": (
            "RUN_KEYS", "SCENARIO_KEYS", "Scenario", "read_scenario", "scenario_from_mapping",
        ),
        "schema": (
            "COLUMNS", "MODES", "OPTIONAL_TABLES", "PLACE_KINDS", "PROJECT_KINDS", "STATUSES",
            "TABLES", "TERMINALS", "empty_table", "split_ids",
        ),
    })

__all__ = [
    "Network",
    "load_bundled",
    "read_network",
    "from_frames",
    "resolve_place",
    "place_index_of",
    "PlaceIndex",
    "find_place",
    "TableSource",
    "bundled_data_dir",
    "load_bundled_table",
    "read_table",
    "Scenario",
    "read_scenario",
    "scenario_from_mapping",
    "SCENARIO_KEYS",
    "RUN_KEYS",
    "DEMAND_COLUMNS",
    "read_demand",
    "load_bundled_demand",
    "split_intrazonal",
    "COLUMNS",
    "MODES",
    "OPTIONAL_TABLES",
    "PLACE_KINDS",
    "PROJECT_KINDS",
    "STATUSES",
    "TABLES",
    "TERMINALS",
    "empty_table",
    "split_ids",
    "BORDER_MODES",
    "CAPACITY_UNIT",
    "collect_problems",
    "link_terminals",
    "validate",
]
