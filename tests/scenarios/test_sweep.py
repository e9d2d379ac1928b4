"""Sweeps: the same JSON byte for byte in this process, on two local worker processes and
on a real two-worker Dask LocalCluster; a failing scenario reported while the others
run; the network compiled once per worker."""

from __future__ import annotations

import json
import threading

import highspy
import numba
import pytest

import connectivity as cn
from connectivity.scenarios import (
    NetworkSource,
    ScenarioSpec,
    bundled_scenarios,
    read_specs,
    results_json,
    sweep,
    sweeps,
)

#: passes every check, then fails in the run: its generalized costs overflow
FAILING = ScenarioSpec(cn.Scenario(name="overflow", carbon_price_usd_per_t_co2e=1e308),
                       description="a carbon price too large for the costs")


@pytest.fixture(scope="module")
def specs() -> list[ScenarioSpec]:
    files = {p.stem: p for p in bundled_scenarios()}
    chosen = read_specs([files["baseline"], files["northern_closed"], files["cku_open"]])
    return [chosen[0], FAILING, *chosen[1:]]


@pytest.fixture(scope="module")
def in_process(specs) -> str:
    threads = numba.get_num_threads()
    results = sweep(specs, workers=1)
    assert numba.get_num_threads() == threads  # the one-thread runs restore the setting
    return results_json(results)


def _check(results, specs) -> None:
    assert [r.name for r in results] == [s.name for s in specs]  # input order
    assert [r.ok for r in results] == [True, False, True, True]
    assert "ValueError" in results[1].error and "too large" in results[1].error
    # each worker process compiled the network once, for its first scenario only
    workers = {r.worker for r in results}
    assert sum(r.built_network for r in results) == len(workers)


def test_a_failing_scenario_is_reported_and_the_others_run(in_process):
    data = json.loads(in_process)["scenarios"]
    assert [d["status"] for d in data] == ["ok", "failed", "ok", "ok"]
    assert data[1]["figures"] == {} and "too large" in data[1]["error"]
    assert data[2]["figures"]["corridor_t_per_year.northern"] == 0.0
    assert "seconds" not in in_process  # no timing in the JSON


def test_two_local_processes_give_the_same_bytes(specs, in_process):
    results = sweep(specs, workers=2)
    _check(results, specs)
    assert len({r.worker for r in results}) <= 2
    assert results_json(results) == in_process


def test_a_dask_cluster_gives_the_same_bytes(specs, in_process, cluster):
    from dask.distributed import Client

    with Client(cluster) as client:
        results = sweep(specs, executor=client.get_executor())
    _check(results, specs)
    assert results_json(results) == in_process


def test_the_command_runs_on_the_cluster(cluster, tmp_path, cli):
    files = [str(p) for p in bundled_scenarios()[:2]]
    proc = cli("scenario", "run", *files, "--scheduler", cluster.scheduler_address,
               "--out", str(tmp_path), "--format", "json")
    local = cli("scenario", "run", *files, "--out", str(tmp_path / "local"), "--format", "json")
    assert proc.stdout == local.stdout
    assert f"on Dask cluster at {cluster.scheduler_address}" in proc.stderr


def test_workers_are_checked(specs):
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match=rf"workers={bad!r} must be a whole number >= 1"):
            sweep(specs, workers=bad)


def test_a_source_names_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = NetworkSource("net", "demand.csv")
    assert source.data == str(tmp_path / "net") and source.demand == str(tmp_path / "demand.csv")


def test_names_must_be_unique_and_a_bar_shows_when_asked(specs, capfd):
    with pytest.raises(cn.ScenarioError, match=r"scenario name\(s\) \['baseline'\] used "
                                               "more than once"):
        sweep([specs[0], specs[0]])
    capfd.readouterr()
    sweep(specs[:1], progress=True)
    assert "scenarios: " in capfd.readouterr().err  # the bar (it clears itself at the end)
    sweep(specs[:1])  # stderr is not a terminal here: no bar
    assert capfd.readouterr().err == ""


def _in_new_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def _highs_runs(threads: int) -> bool:
    """Whether HiGHS runs in this thread with ``threads`` (refused when this thread's
    scheduler was sized to another count)."""
    from connectivity.optimize.highs import new_highs

    h = new_highs(msg=False)
    h.setOptionValue("threads", threads)
    h.addVar(0.0, 1.0)
    return h.run() == highspy.HighsStatus.kOk


def test_a_worker_thread_runs_on_one_numba_and_one_highs_thread(specs):
    def task(caller):
        def run():
            result = sweeps._run_task(specs[0], NetworkSource(), caller)
            return result.ok, numba.get_num_threads(), _highs_runs(1), _highs_runs(2)
        return _in_new_thread(run)

    # elsewhere (another host or process called the sweep): one thread each, for good
    assert task(("elsewhere", -1)) == (True, 1, True, False)
    # in the calling process (workers=1, or a thread pool of the caller's): untouched
    ok, threads, _, _ = task(sweeps._here())
    assert ok and threads == numba.config.NUMBA_NUM_THREADS
