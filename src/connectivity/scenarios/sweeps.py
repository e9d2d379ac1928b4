"""Many scenarios at once, over any ``concurrent.futures.Executor``.

:func:`sweep` checks every spec against the network first (one problem stops them
all before any runs), then maps the runs over an executor: none (this process, one
after another) for ``workers=1``, a local process pool for ``workers=N``, or any
executor given, such as a Dask cluster's (:func:`dask_executor`). Results come back in
the order of the specs; a scenario that fails is returned with its error and the
others still run. A tqdm progress bar shows on a terminal.

Each worker process loads and compiles the network once, the first time it runs a
scenario of a :class:`NetworkSource`, and keeps it for the next ones (a per-process
cache keyed by the source). Each run uses one numba thread
(:func:`~connectivity.scenarios.run.run_scenario`): the parallelism is across scenarios,
and the figures do not depend on the machine's thread count, so the JSON of a sweep is
the same byte for byte whatever the executor and the number of workers. A worker (any
process but the one that called :func:`sweep`) also sets its task thread to one numba
thread for good, so that compiling the network does not spread over every core, and to
one HiGHS thread (HiGHS keeps one thread pool per calling thread, sized to the machine
by default), so that two workers on two cores do not compete with each other's idle
pools.

Example
-------
>>> from connectivity.scenarios import bundled_scenarios, read_specs, sweep
>>> results = sweep(read_specs(bundled_scenarios()[:2]))
>>> [r.name for r in results], all(r.ok for r in results)
(['baseline', 'afghan_transit'], True)
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectivity._jit import load_numba
from connectivity.graph import CompiledNetwork, compile_network
from connectivity.scenarios.run import ScenarioResult, failed_result, run_scenario
from connectivity.scenarios.spec import ScenarioSpec
from connectivity.scenarios.validate import check_specs
from connectivity.tables import load_bundled, load_bundled_demand, read_demand, read_network

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NetworkSource", "sweep", "dask_executor", "load_source"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetworkSource:
    """Where a worker finds the network and its demand.

    ``data``: folder of network tables (``None``: the bundled network); ``demand``: a
    demand CSV (``None``: the bundled demand). Paths are made absolute here and must be
    readable by every worker (on a cluster, a shared disk); the bundled data travels
    with the installed package.
    """

    data: str | None = None
    demand: str | None = None

    def __post_init__(self) -> None:
        for name in ("data", "demand"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(Path(value).resolve()))


@functools.lru_cache(maxsize=4)
def load_source(source: NetworkSource) -> tuple[CompiledNetwork, pd.DataFrame]:
    """The compiled network and checked demand of ``source``, read once per process."""
    network = read_network(source.data) if source.data else load_bundled()
    demand = (read_demand(source.demand, network) if source.demand
              else load_bundled_demand(network))
    return compile_network(network), demand


#: One load at a time in a process whose executor runs tasks on several threads (a Dask
#: worker with threads_per_worker > 1), so that the network is still built once.
_LOADING = threading.Lock()


def _here() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()


@functools.cache
def _one_thread_worker(thread: int) -> None:
    """Numba and HiGHS on one thread for this thread of a worker process, once per
    thread (``thread``: its ident, the cache key)."""
    load_numba().set_num_threads(1)
    from connectivity.optimize.highs import new_highs

    h = new_highs(msg=False)
    h.setOptionValue("threads", 1)
    h.addVar(0.0, 1.0)
    # the first run sizes this thread's scheduler; if something already sized it, the
    # run is refused and the pool stays as it was
    status = h.run()
    logger.debug("worker thread %d: HiGHS scheduler of 1 thread: %s", thread, status)


def _run_task(spec: ScenarioSpec, source: NetworkSource,
              caller: tuple[str, int] | None = None) -> ScenarioResult:
    """One scenario in a worker; any failure becomes the result's ``error``.
    ``caller``: the host and process that called :func:`sweep`; anywhere else the
    thread is set to one numba and one HiGHS thread first."""
    start = time.perf_counter()
    built = False
    if caller is not None and caller != _here():
        _one_thread_worker(threading.get_ident())
    try:
        with _LOADING:
            before = load_source.cache_info().misses
            compiled, demand = load_source(source)
            built = load_source.cache_info().misses > before
        result = run_scenario(spec, compiled, demand)
    except Exception as exc:  # noqa: BLE001 - reported with the scenario; the others go on
        result = failed_result(spec, exc)
    host, pid = _here()
    return replace(result, seconds=time.perf_counter() - start, worker=f"{host}:{pid}",
                   built_network=built)


def _check_workers(workers: object) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers={workers!r} must be a whole number >= 1")
    return workers


def sweep(
    specs: Sequence[ScenarioSpec],
    *,
    source: NetworkSource | None = None,
    executor: Executor | None = None,
    workers: int = 1,
    progress: bool | None = None,
) -> list[ScenarioResult]:
    """Run every scenario of ``specs`` on one network; results in the order of ``specs``.

    Parameters
    ----------
    specs
        The scenarios (see :func:`connectivity.scenarios.read_specs`).
    source
        The network and demand (default: the bundled ones).
    executor
        Where to run: any ``concurrent.futures.Executor`` (e.g. :func:`dask_executor`);
        it is used, not shut down. ``None``: ``workers`` decides.
    workers
        Without ``executor``: 1 runs the scenarios in this process, one after another;
        more starts a local process pool of that many workers (spawned processes).
    progress
        Show a progress bar on stderr (default: when stderr is a terminal).

    Returns
    -------
    list of ScenarioResult
        One per spec; a failed scenario has its ``error`` set.

    Raises
    ------
    ScenarioError
        Before anything runs, when any spec does not fit the network (all listed).
    ValueError
        For a bad ``workers``.
    """
    _check_workers(workers)
    source = source or NetworkSource()
    compiled, demand = load_source(source)
    check_specs(specs, compiled, demand)
    show = sys.stderr.isatty() if progress is None else progress
    if executor is not None:
        return _map(executor, specs, source, show)
    if workers == 1:
        return _serial(specs, source, show)
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        return _map(pool, specs, source, show)


def _bar(total: int, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, disable=not show, file=sys.stderr, desc="scenarios",
                unit="scenario", leave=False)


def _serial(specs: Sequence[ScenarioSpec], source: NetworkSource,
            show: bool) -> list[ScenarioResult]:
    out = []
    with _bar(len(specs), show) as bar:
        for spec in specs:
            out.append(_run_task(spec, source))
            bar.update(1)
    return out


def _map(executor: Executor, specs: Sequence[ScenarioSpec], source: NetworkSource,
         show: bool) -> list[ScenarioResult]:
    here = _here()
    futures: list[Future[ScenarioResult]] = [executor.submit(_run_task, spec, source, here)
                                             for spec in specs]
    with _bar(len(specs), show) as bar:
        for _ in as_completed(futures):
            bar.update(1)
    out = []
    for spec, future in zip(specs, futures, strict=True):
        try:
            out.append(future.result())
        except Exception as exc:  # noqa: BLE001 - the worker itself died; report, go on
            out.append(failed_result(spec, f"worker failed: {type(exc).__name__}: {exc}"))
    return out


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask cluster whose scheduler is at ``address``
    (``dask.distributed.Client(address).get_executor()``); the client closes on exit.

    Raises
    ------
    ImportError
        When dask.distributed is not installed, naming the extra to install.
    """
    try:
        from dask.distributed import Client
    except ImportError:
        raise ImportError(
            "running scenarios on a Dask cluster needs dask.distributed: "
            "pip install 'connectivity[dask]'") from None
    make: Any = Client  # dask's own annotations are partial
    client = make(address)
    try:
        yield client.get_executor()
    finally:
        client.close()
