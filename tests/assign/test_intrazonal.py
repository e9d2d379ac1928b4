"""Intrazonal trips (origin zone = destination zone) follow the TNTP convention: they
are not assigned, in any method, and their total is reported.

The small TNTP network below is written by the project and solved by hand: zones 1 and
2 (first through node 3), through nodes 3, 4, 5. Zone 1 reaches node 3 by link a, then
two parallel routes lead to zone 2 (3 -> 4 -> 2 and 3 -> 5 -> 2), and links f, g lead
back (2 -> 3 -> 1), so a trip from a zone to itself *could* go out and back. BPR with
``b = 1, power = 1`` on the two route links, constant times elsewhere.

10 trips 1 -> 2 split where the two routes cost the same:
``1 + x / 10 = 1.5 * (1 + y / 10)`` with ``x + y = 10`` gives ``x = 8, y = 2`` and both
route links take 1.8. Beckmann: ``a`` 10, ``b`` 8 + 64/20 = 11.2, ``c`` 1.5 * (2 + 4/20) =
3.3, ``d`` 8, ``e`` 2: 34.5. TSTT: 10 + 8 * 1.8 + 2 * 1.8 + 8 + 2 = 38. The intrazonal
trips (5 in zone 1, 3 in zone 2) change none of this.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from connectivity import io as tntp
from connectivity.assign import (
    ALGORITHMS,
    equilibrium_problem,
    flow_problem,
    system_optimum,
    tntp_equilibrium,
    user_equilibrium,
)
from connectivity.assign.equilibrium import volume_delay
from connectivity.assign.tntp import tntp_problem

#       init term capacity length fft b power speed toll type
_NET = """<NUMBER OF ZONES> 2
<NUMBER OF NODES> 5
<FIRST THRU NODE> 3
<NUMBER OF LINKS> 7
<END OF METADATA>
~ init term capacity length fft b power speed toll type ;
1 3 1 1 1 0 1 0 0 1 ;
3 4 10 1 1 1 1 0 0 1 ;
3 5 10 1 1.5 1 1 0 0 1 ;
4 2 1 1 1 0 1 0 0 1 ;
5 2 1 1 1 0 1 0 0 1 ;
2 3 1 1 1 0 1 0 0 1 ;
3 1 1 1 1 0 1 0 0 1 ;
"""
_TRIPS = """<NUMBER OF ZONES> 2
<TOTAL OD FLOW> 18.0
<END OF METADATA>
Origin 1
1 : 5.0; 2 : 10.0;
Origin 2
2 : 3.0;
"""
_FLOW = [10.0, 8.0, 2.0, 8.0, 2.0, 0.0, 0.0]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    net, trips = tmp_path / "zones_net.tntp", tmp_path / "zones_trips.tntp"
    net.write_text(_NET)
    trips.write_text(_TRIPS)
    return net, trips


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_tntp_intrazonal_trips_are_not_assigned(files: tuple[Path, Path],
                                               algorithm: str) -> None:
    net, trips = (tntp.read_net(files[0]), tntp.read_trips(files[1]))
    assert trips.matrix.trace() == 8.0  # the file really has intrazonal trips
    r = tntp_equilibrium(net, trips, algorithm=algorithm, gap=1e-12, max_iter=5000)
    np.testing.assert_allclose(r.flow, _FLOW, atol=1e-6)
    assert r.beckmann == pytest.approx(34.5, rel=1e-9)
    assert r.tstt == pytest.approx(38.0, rel=1e-7)
    assert r.intrazonal == 8.0
    # the gap is that of the flows: recomputed by hand from the costs at the flow
    cost = r.cost
    sptt = 10.0 * min(cost[0] + cost[1] + cost[3], cost[0] + cost[2] + cost[4])
    assert r.gap == pytest.approx(max((r.tstt - sptt) / r.tstt, 0.0), abs=1e-12)


def test_the_problem_keeps_the_trips_and_reports_their_total(files: tuple[Path, Path]) -> None:
    p = tntp_problem(tntp.read_net(files[0]), tntp.read_trips(files[1]))
    assert p.demand.tolist() == [[5.0, 10.0], [0.0, 3.0]]  # nothing dropped from the input
    assert p.intrazonal == 8.0
    # the published-solution check prices flows with the same functions
    assert volume_delay(p).integral(np.array(_FLOW)).sum() == pytest.approx(34.5)


def test_cli_json_reports_intrazonal_trips_and_writes_flows(files: tuple[Path, Path],
                                                           tmp_path: Path, cli) -> None:
    out = tmp_path / "flows.tntp"
    res = cli("assign", "--method", "ue", "--tntp-net", str(files[0]), "--tntp-trips",
              str(files[1]), "--gap", "1e-10", "--max-iter", "5000", "--format", "json",
              "--flows-out", str(out))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["intrazonal_trips"] == 8.0
    assert data["beckmann"] == pytest.approx(34.5, rel=1e-8)
    np.testing.assert_allclose(tntp.read_flow(out).volume, _FLOW, atol=1e-5)


def test_smallest_case_a_zone_to_itself_loads_nothing() -> None:
    # one zone with a round trip through node 1: the trip 0 -> 0 stays in its zone
    for no_through in ([0], None):
        p = equilibrium_problem([0, 1], [1, 0], [1.0, 1.0], [10.0, 10.0], [0], [0], [[1.0]],
                                n_nodes=2, no_through=no_through)
        for algorithm in ALGORITHMS:
            r = user_equilibrium(p, algorithm=algorithm)
            assert r.flow.tolist() == [0.0, 0.0]
            assert (r.intrazonal, r.tstt, r.beckmann) == (1.0, 0.0, 0.0)
            assert r.converged


def test_intrazonal_cells_off_the_diagonal_are_found_by_node() -> None:
    # origins and destinations listed in different orders: the cells are matched by node
    p = equilibrium_problem([0, 1], [1, 0], [1.0, 1.0], [10.0, 10.0], [1, 0], [0, 1],
                            [[2.0, 4.0], [6.0, 8.0]], no_through=[0, 1])
    r = user_equilibrium(p, gap=1e-10)
    assert r.intrazonal == 4.0 + 6.0
    assert r.flow.tolist() == [8.0, 2.0]  # 0 -> 1 carries 8, 1 -> 0 carries 2


@pytest.mark.parametrize("formulation", ["origin", "paths"])
def test_system_optimum_reports_intrazonal_tonnes(formulation: str) -> None:
    kw = {"unserved_penalty": 100.0, "capacity": [3.0, 10.0]}
    with_zone = flow_problem([0, 1], [1, 0], [1.0, 1.0], [0, 0, 1], [0, 1, 1],
                             [5.0, 4.0, 7.0], **kw)
    without = flow_problem([0, 1], [1, 0], [1.0, 1.0], [0], [1], [4.0], **kw)
    a = system_optimum(with_zone, formulation=formulation)
    b = system_optimum(without, formulation=formulation)
    assert with_zone.intrazonal == 12.0
    assert a.intrazonal == 12.0 and b.intrazonal == 0.0
    np.testing.assert_allclose(a.flow, b.flow)  # 3 of the 4 inter-zonal tonnes fit
    assert a.unserved.tolist() == [0.0, 1.0, 0.0]  # only capacity leaves tonnes unserved
    assert a.total_cost == pytest.approx(b.total_cost)
