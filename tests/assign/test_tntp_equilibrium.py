"""Equilibrium on TNTP research networks: the Braess flow file, generalized-cost terms,
the first-thru-node rule, and the best-known comparison script."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clirun import run_script
from connectivity import io as tntp
from connectivity.assign import tntp_equilibrium

TESTS = Path(__file__).resolve().parent.parent
DATA = TESTS / "data"
ROOT = TESTS.parent


def test_braess_equilibrium_matches_flow_file() -> None:
    net = tntp.read_net(DATA / "Braess_net.tntp")
    trips = tntp.read_trips(DATA / "Braess_trips.tntp")
    assert trips.matrix.tolist() == [[0.0, 6.0], [0.0, 0.0]]
    known = tntp.read_flow(DATA / "Braess_flow.tntp")
    r = tntp_equilibrium(net, trips, gap=1e-10, max_iter=5000)
    assert known.init_node.tolist() == net.init_node.tolist()
    np.testing.assert_allclose(r.flow, known.volume, rtol=1e-6)
    np.testing.assert_allclose(r.cost, known.cost, rtol=1e-6)
    assert r.tstt == pytest.approx(6 * (51 + 537 / 13), rel=1e-8)


def test_toll_factor_removes_the_braess_bridge() -> None:
    net = tntp.read_net(DATA / "Braess_net.tntp")
    trips = tntp.read_trips(DATA / "Braess_trips.tntp")
    # the bridge route costs 72 + 2 * toll_factor at the 3/3 split: above 84 for factor > 6
    r = tntp_equilibrium(net, trips, toll_factor=10.0, gap=1e-10)
    np.testing.assert_allclose(r.flow, [3, 3, 3, 3, 0], atol=1e-6)
    assert r.tstt == pytest.approx(6 * 84)


def test_distance_factor_enters_generalized_cost() -> None:
    net = tntp.read_net(DATA / "Braess_net.tntp")
    trips = tntp.read_trips(DATA / "Braess_trips.tntp")
    r = tntp_equilibrium(net, trips, distance_factor=1.0, gap=1e-10)
    # every route has length 6 except the bridge route (3): cost = time + length
    np.testing.assert_allclose(r.cost - r.time, net.length)
    assert r.beckmann > tntp_equilibrium(net, trips, gap=1e-10).beckmann


def test_grid_files_space_separated_and_first_thru_node(tmp_path: Path) -> None:
    net = tntp.read_net(DATA / "Grid_net.tntp")
    trips = tntp.read_trips(DATA / "Grid_trips.tntp")
    assert (net.n_zones, net.n_nodes, net.first_thru_node, net.n_links) == (6, 36, 7, 120)
    assert trips.matrix.sum() == pytest.approx(3424.0)
    node, x, y = tntp.read_node(DATA / "Grid_node.tntp")
    assert node.tolist() == list(range(1, 37))
    r = tntp_equilibrium(net, trips, gap=1e-4)
    assert r.converged
    # zones 1..6 are not passed through: flow into a zone equals the trips ending there
    for z in range(1, 7):
        into = r.flow[net.term_node == z].sum()
        assert into == pytest.approx(trips.matrix[:, z - 1].sum(), rel=1e-9)
        out = r.flow[net.init_node == z].sum()
        assert out == pytest.approx(trips.matrix[z - 1, :].sum(), rel=1e-9)


def test_first_thru_node_rule_changes_routes(tmp_path: Path) -> None:
    # 1 -> 2 -> 3 is short but node 2 is a zone (first thru node 3); the detour 1 -> 4 -> 3
    text = (
        "<NUMBER OF ZONES> 3\n<NUMBER OF NODES> 4\n<FIRST THRU NODE> {ftn}\n"
        "<NUMBER OF LINKS> 4\n<END OF METADATA>\n"
        "1 2 100 1 1 0 4 0 0 1;\n2 3 100 1 1 0 4 0 0 1;\n"
        "1 4 100 1 5 0 4 0 0 1;\n4 3 100 1 5 0 4 0 0 1;\n"
    )
    trips_file = tmp_path / "t_trips.tntp"
    trips_file.write_text("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n3 : 10.0;\n")
    trips = tntp.read_trips(trips_file)
    flows = {}
    for ftn in (1, 3):
        f = tmp_path / f"net_{ftn}.tntp"
        f.write_text(text.format(ftn=ftn))
        flows[ftn] = tntp_equilibrium(tntp.read_net(f), trips).flow.tolist()
    assert flows[1] == [10.0, 10.0, 0.0, 0.0]
    assert flows[3] == [0.0, 0.0, 10.0, 10.0]


def test_best_known_comparison_script_on_braess(tmp_path: Path, capfd) -> None:
    # the on-demand script that compares with a published _flow file, run on the
    # project's Braess files: every algorithm reaches the gap and matches the flows
    script = ROOT / "benchmarks" / "tntp_best_known.py"
    out = tmp_path / "tntp.md"
    run = run_script(
        capfd, script, "--net", str(DATA / "Braess_net.tntp"),
        "--trips", str(DATA / "Braess_trips.tntp"), "--flow", str(DATA / "Braess_flow.tntp"),
        "--gaps", "1e-6", "--out", str(out), check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = [r for r in out.read_text().splitlines() if r.startswith("| 1e-06 |")]
    assert [r.split("|")[2].strip() for r in rows] == ["fw", "cfw", "bfw"]
    for r in rows:
        cells = [c.strip() for c in r.split("|")]
        assert cells[5] == "yes"  # reached the gap
        assert abs(float(cells[8])) < 1e-4  # TSTT against the flow file's


def test_best_known_comparison_script_refuses_other_links(tmp_path: Path, capfd) -> None:
    flow = tmp_path / "other_flow.tntp"
    flow.write_text("From To Volume Cost\n1 2 1.0 1.0\n")
    script = ROOT / "benchmarks" / "tntp_best_known.py"
    run = run_script(
        capfd, script, "--net", str(DATA / "Braess_net.tntp"),
        "--trips", str(DATA / "Braess_trips.tntp"), "--flow", str(flow),
        "--out", str(tmp_path / "x.md"), check=False,
    )
    assert run.returncode != 0
    assert "other_flow.tntp lists other links" in run.stderr


def test_an_infinite_free_flow_time_is_refused_with_its_line(tmp_path: Path, cli) -> None:
    net = tmp_path / "inf_net.tntp"
    net.write_text((DATA / "Braess_net.tntp").read_text().replace("\t50.0\t", "\tinf\t", 1))
    r = cli("assign", "--method", "ue", "--tntp-net", str(net), "--tntp-trips",
            str(DATA / "Braess_trips.tntp"), "--format", "json", check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert "inf_net.tntp" in r.stderr and "'inf' is not a finite number" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
