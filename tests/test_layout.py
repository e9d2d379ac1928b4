"""The house: floors kept, every module named for its task, public names where promised.

These check the installed package (the one every other test imports).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import connectivity

ROOT = Path(__file__).resolve().parent.parent

#: What ``import connectivity`` offered before the package was split into subpackages.
TOP_LEVEL = [
    "Assignment", "assign_aon", "assign_equilibrium", "assign_system_optimum",
    "load_bundled_demand", "read_demand", "CompiledNetwork", "ConnectivityError",
    "ExpandedNetwork", "InfeasibleModelError", "Network", "NetworkValidationError",
    "NoRouteError", "Route", "Scenario", "SearchLimitError", "Skim", "SolverError",
    "UnknownIdError", "alternatives", "compile_network", "edge_costs", "edge_mask", "expand",
    "from_frames", "from_networkx", "from_osm_xml", "load_bundled", "pareto_routes",
    "read_network", "read_scenario", "resolve_place", "route", "routing_graph", "skim",
    "to_networkx",
]  # fmt: skip

#: What ``connectivity.paths`` offered as a module, kept by the package.
PATHS = ["CSRGraph", "Landmarks", "from_arrays", "reweight", "landmarks", "distances",
         "shortest_path", "shortest_path_tree", "all_or_nothing"]

SUBPACKAGES = ["paths", "optimize", "tables", "io", "graph", "routing", "assign", "invest",
               "scenarios", "report", "cli"]


def _modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(connectivity.__path__, "connectivity.")
        if not info.name.endswith("__main__")  # importing it runs the command
    )


MODULES = _modules()


def test_the_folder_list_shows_the_data_flow() -> None:
    found = {name.split(".")[1] for name in MODULES if name.count(".") >= 2}
    assert found == set(SUBPACKAGES)
    top = {name.split(".")[1] for name in MODULES if name.count(".") == 1}
    assert top == {"errors", "checks", "_jit", "_progress", "_json", "_lazy",
                   *SUBPACKAGES}


def test_old_public_names_still_work() -> None:
    for name in TOP_LEVEL:
        assert hasattr(connectivity, name), name
    from connectivity import paths

    for name in PATHS:
        assert hasattr(paths, name), name


@pytest.mark.parametrize("name", MODULES)
def test_module_is_one_named_task(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip(), f"{name} has no docstring"
    # a function of the same name would hide the module from `import a.b as m`
    parent, _, leaf = name.rpartition(".")
    assert getattr(importlib.import_module(parent), leaf) is module, f"{name} is shadowed"
    lines = len(inspect.getsource(module).splitlines())
    assert lines <= 600, f"{name} has {lines} lines; split it"
    if not leaf.startswith("_"):
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{name} has no __all__"
        missing = [n for n in exported if not hasattr(module, n)]
        assert not missing, f"{name}.__all__ names what it lacks: {missing}"


def test_subpackages_export_their_modules_public_names() -> None:
    for package in SUBPACKAGES:
        pkg = importlib.import_module(f"connectivity.{package}")
        assert isinstance(pkg, types.ModuleType) and pkg.__all__


def test_layer_contracts_are_kept() -> None:
    # in a process of its own: import-linter configures logging with dictConfig, which
    # disables every logger that already exists (the library's), for the later tests
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, "
         "no_cache=True, no_logo=True))"],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
