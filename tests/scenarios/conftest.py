"""Fixtures shared by the scenario tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def cluster():
    """A real two-worker Dask ``LocalCluster`` (processes, one thread each)."""
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask is not installed: pip install 'connectivity[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local
