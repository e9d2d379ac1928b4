"""Small jobs start fast: ``import connectivity`` and ``connectivity --help`` load no heavy
library, a small TNTP equilibrium loads no table library and no parallel kernel, every
package name still resolves, and no kernel is compiled or loaded at import.

What a process imports is checked in a fresh interpreter (this one has imported
everything already). No test here measures a time: ``benchmarks/bench_startup.py`` does.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

import connectivity
from connectivity import paths
from connectivity.cli.entry import parser
from connectivity.paths import _kernels
from connectivity.paths._work import dynamic, n_chunks, serial

DATA = Path(__file__).parent / "data"
SRC = Path(connectivity.__file__).parent

#: Loaded by no command until it is needed.
HEAVY = ("pandas", "networkx", "scipy", "geopandas", "highspy", "pulp", "matplotlib",
         "folium", "shapely", "osmnx", "openmatrix", "tables", "pyarrow", "pymetis")

#: The packages whose ``__init__`` resolves its names lazily.
PACKAGES = sorted(
    ["connectivity"] + [f"connectivity.{m.name}" for m in pkgutil.iter_modules([str(SRC)])
                        if m.ispkg]
)


def _child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON document last."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


_LOADED = """
import json, sys
top = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"top": top, "all": sorted(sys.modules), **extra}))
"""


def test_import_loads_no_heavy_library() -> None:
    got = _child("import connectivity\nextra = {}\n" + _LOADED)
    loaded = set(got["top"])
    assert loaded & {*HEAVY, "numpy", "numba"} == set()
    modules = [m for m in got["all"] if m.startswith("connectivity.")]
    assert modules == ["connectivity._lazy"]


def test_help_loads_no_heavy_library_and_lists_every_command() -> None:
    code = """
import contextlib, io
from connectivity.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(["--help"])
    except SystemExit as exc:
        status = exc.code
extra = {"help": out.getvalue(), "status": status}
""" + _LOADED
    got = _child(code)
    assert got["status"] == 0
    assert set(got["top"]) & {*HEAVY, "numpy", "numba"} == set()
    commands = next(a for a in parser()._actions
                    if isinstance(a, argparse._SubParsersAction))
    listed = {c.dest: c.help for c in commands._choices_actions}
    assert set(listed) == set(commands.choices) and len(listed) >= 10
    text = " ".join(str(got["help"]).split())
    for name, help_text in listed.items():
        assert name in text and " ".join(str(help_text).split()) in text, name


_UE = """
import contextlib, io, json
from connectivity.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    status = main(["assign", "--method", "ue", "--tntp-net", {net!r}, "--tntp-trips", {trips!r},
                   "--gap", "1e-9", "--format", "json", *{more!r}])
import sys
loaded = {{}}
if "numba" in sys.modules:
    from numba.core.registry import CPUDispatcher
    loaded = {{f"{{name}}.{{k}}": d for name, mod in list(sys.modules.items())
              if name.startswith("connectivity")
              for k, d in vars(mod).items() if isinstance(d, CPUDispatcher) and d.signatures}}
kernels = sorted(loaded)
parallel = sorted(k for k, d in loaded.items() if d.targetoptions.get("parallel"))
extra = {{"status": status, "out": json.loads(out.getvalue()), "kernels": kernels,
          "parallel": parallel}}
"""


@pytest.mark.parametrize("name", ["Braess", "Grid"])
def test_small_tntp_equilibrium_loads_no_numba_and_no_table_library(name: str) -> None:
    # below SMALL_WORK every step (graph build, all-or-nothing, line search) takes its
    # numpy path: numba, its set-up and the scipy it imports are never loaded
    net, trips = DATA / f"{name}_net.tntp", DATA / f"{name}_trips.tntp"
    got = _child(_UE.format(net=str(net), trips=str(trips), more=[]) + _LOADED)
    assert got["status"] == 0
    out = got["out"]
    assert out["converged"] and out["relative_gap"] <= 1e-9
    if name == "Braess":
        assert abs(out["tstt"] - 6 * (51 + 537 / 13)) < 1e-4
    assert set(got["top"]) & {*HEAVY, "numba"} == set()


def test_bush_equilibrium_loads_kernels_but_no_parallel_kernel() -> None:
    net, trips = DATA / "Braess_net.tntp", DATA / "Braess_trips.tntp"
    got = _child(_UE.format(net=str(net), trips=str(trips), more=["--algorithm", "bush"])
                 + _LOADED)
    assert got["status"] == 0
    assert abs(got["out"]["tstt"] - 6 * (51 + 537 / 13)) < 1e-4
    # numba itself imports scipy (a version check) and scipy.linalg (its BLAS check);
    # nothing of the package's own use of scipy is loaded
    loaded = set(got["all"])
    assert set(got["top"]) & {"pandas", "networkx", "geopandas", "highspy", "pulp",
                              "matplotlib", "shapely", "pymetis"} == set()
    assert not {m for m in loaded if m.startswith(("scipy.sparse", "scipy.optimize"))}
    assert got["kernels"], "the run loaded no kernel at all"
    assert got["parallel"] == []


def test_kernels_are_compiled_or_loaded_only_when_called() -> None:
    code = """
import importlib, pkgutil, sys
import connectivity
from connectivity._jit import _Kernel
for info in pkgutil.walk_packages(connectivity.__path__, "connectivity."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
kernels = sorted(f"{name}.{k}" for name, mod in list(sys.modules.items())
                 if name.startswith("connectivity")
                 for k, d in vars(mod).items() if isinstance(d, _Kernel))
extra = {"kernels": kernels}
""" + _LOADED
    got = _child(code)
    # every module imported, and still no numba: each kernel is a stand-in
    assert len(got["kernels"]) >= 40  # the walk found the kernels
    assert "numba" not in got["top"]


def test_the_first_kernel_call_loads_numba_and_every_dispatcher() -> None:
    code = """
import sys
import numpy as np
from connectivity._jit import _Kernel
from connectivity.paths import _kernels, distances, from_arrays
held = _kernels.counting_sort  # a stand-in kept outside the module
assert isinstance(held, _Kernel) and "numba" not in sys.modules
g = from_arrays([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], 3)  # numpy path: no kernel
before = "numba" in sys.modules
d = distances(g, [0]).tolist()  # Dijkstra: the first kernel
import numba
from numba.core.registry import CPUDispatcher

@numba.njit
def user(keys):  # a user's kernel calling a stand-in it holds
    return held(keys, 3)[0]

from connectivity.assign import _bush_kernels  # kernels defined after numba loaded

stand_ins = [f"{n}.{k}" for n, m in list(sys.modules.items()) if n.startswith("connectivity")
             for k, v in vars(m).items() if isinstance(v, _Kernel)]
extra = {"before": before, "d": d, "stand_ins": stand_ins,
         "dispatcher": isinstance(_kernels.dijkstra, CPUDispatcher),
         "prange": _kernels.prange is numba.prange,
         "held": held(np.array([2, 0, 2], dtype=np.int32), 3)[1].tolist(),
         "user": user(np.array([2, 0, 2], dtype=np.int32)).tolist(),
         "later": isinstance(_bush_kernels.sweep, CPUDispatcher)}
""" + _LOADED
    got = _child(code)
    assert got["before"] is False
    assert got["d"] == [[0.0, 1.0, 2.0]]
    assert got["stand_ins"] == []  # every module now holds the dispatchers
    assert got["dispatcher"] and got["prange"]
    assert got["held"] == [1, 0, 2]  # the stable order of [2, 0, 2]
    assert got["user"] == [0, 1, 1, 3]  # bucket offsets of keys 0, 1, 2
    assert got["later"] is True


def _lazy_names(package: str) -> tuple[set[str], dict[str, set[str]]]:
    """The names a package's ``__init__`` imports under ``TYPE_CHECKING`` and the
    module -> names mapping it hands to ``_lazy.exports``, read from its source."""
    tree = ast.parse(Path(importlib.import_module(package).__file__ or "").read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If)
                 and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING")
    typed = {a.name for n in block.body if isinstance(n, ast.ImportFrom) for a in n.names}
    call = next(n for n in ast.walk(ast.Module(body=block.orelse, type_ignores=[]))
                if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "exports")
    mapping = {k: set(v) for k, v in ast.literal_eval(call.args[1]).items()}
    return typed, mapping


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves_from_its_module(package: str) -> None:
    pkg = importlib.import_module(package)
    typed, mapping = _lazy_names(package)
    lazy = set().union(*mapping.values())
    assert typed == lazy == set(pkg.__all__), package
    for module, names in mapping.items():
        home = importlib.import_module(f"{package}.{module}")
        for name in names:
            assert getattr(pkg, name) is getattr(home, name), f"{package}.{name}"
            assert name in dir(pkg)
    with pytest.raises(AttributeError, match="has no attribute 'not_a_name'"):
        _ = pkg.not_a_name


def test_subpackages_resolve_as_attributes_of_the_package() -> None:
    code = """
import connectivity as cn
extra = {"paths": cn.paths.__name__, "csr": cn.paths.csr.__name__,
         "from_arrays": cn.paths.from_arrays.__module__}
""" + _LOADED
    got = _child(code)
    assert (got["paths"], got["csr"], got["from_arrays"]) == (
        "connectivity.paths", "connectivity.paths.csr", "connectivity.paths.csr")


def test_small_loads_on_one_thread_give_the_threads_flow_to_the_bit() -> None:
    if numba.get_num_threads() == 1:
        pytest.skip("one numba thread: every load is one chunk")
    rng = np.random.default_rng(7)
    n, m = 40, 160
    tails, heads = rng.integers(0, n, m), rng.integers(0, n, m)
    g = paths.from_arrays(tails, heads, rng.uniform(0.1, 3.0, m), n)
    origins = np.arange(0, n, 2, dtype=np.int64)
    dests = np.arange(n, dtype=np.int64)
    reach = np.isfinite(paths.distances(g, origins))
    demand = np.where(reach, rng.uniform(0.0, 1.0, reach.shape) / 3.0, 0.0)
    chunks = n_chunks(origins.size)
    assert chunks > 1 and serial(origins.size, g.n_edges)
    flows = np.zeros((chunks, g.n_edges))
    dynamic(_kernels.all_or_nothing, g.indptr, g.heads, g.tails, g.weights, g.edge_index,
            origins, dests, demand, flows, np.full(origins.size, -1, dtype=np.int64),
            chunks)
    threads = flows.sum(axis=0)
    one = paths.all_or_nothing(g, origins, dests, demand, method="dijkstra")
    assert threads.tobytes() == one.tobytes()
    assert one.sum() > 0


def test_lazy_names_report_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectivity._lazy import exports

    with pytest.raises(ValueError, match="'n' is exported by both 'p.a' and 'p.b'"):
        exports("p", {"a": ("n",), "b": ("n",)})
    pkg = tmp_path / "lazy_demo_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from connectivity._lazy import exports\n"
        "__getattr__, __dir__ = exports(__name__, {'good': ('value',), 'needs': ('thing',)})\n"
    )
    (pkg / "good.py").write_text("value = 3\n")
    (pkg / "needs.py").write_text("import a_library_that_is_not_installed\nthing = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        import lazy_demo_pkg

        assert "value" in dir(lazy_demo_pkg) and "good" not in vars(lazy_demo_pkg)
        assert lazy_demo_pkg.value == 3
        assert vars(lazy_demo_pkg)["value"] == 3  # resolved once, then a plain attribute
        # a missing library is named as such, not hidden as a missing attribute
        with pytest.raises(ModuleNotFoundError, match="a_library_that_is_not_installed"):
            _ = lazy_demo_pkg.thing
        with pytest.raises(AttributeError, match="'lazy_demo_pkg' has no attribute 'other'"):
            _ = lazy_demo_pkg.other
    finally:
        for name in [m for m in sys.modules if m.startswith("lazy_demo_pkg")]:
            del sys.modules[name]
