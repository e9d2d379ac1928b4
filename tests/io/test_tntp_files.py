"""TNTP reader and writer: format variations, the Braess and Grid files, round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectivity import io as tntp
from connectivity.assign import tntp_equilibrium  # flows to write

DATA = Path(__file__).resolve().parent.parent / "data"


def test_read_braess_net() -> None:
    net = tntp.read_net(DATA / "Braess_net.tntp")
    assert (net.n_zones, net.n_nodes, net.first_thru_node, net.n_links) == (2, 4, 3, 5)
    assert net.init_node.tolist() == [1, 3, 1, 4, 3]
    assert net.term_node.tolist() == [3, 2, 4, 2, 4]
    assert net.free_flow_time.tolist() == [1.0, 50.0, 50.0, 1.0, 10.0]
    assert net.b.tolist() == [10.0, 0.02, 0.02, 10.0, 0.1]
    assert net.power.tolist() == [1.0] * 5
    assert net.toll.tolist() == [0, 0, 0, 0, 2.0]
    assert "ORIGINAL HEADER" in net.metadata


def test_format_variations(tmp_path: Path) -> None:
    f = tmp_path / "v_net.tntp"
    f.write_text(
        "~ a comment before the metadata\n"
        "<NUMBER OF ZONES>\t1\n<NUMBER OF NODES> 2\n<FIRST THRU NODE>   1\n"
        "<NUMBER OF LINKS> 2\n<END OF METADATA>\n\n"
        "~ init term cap len fft b pow speed toll type ;\n"
        "\t1\t2\t10.5\t1.0\t3.0\t0.15\t4\t0\t0\t1\t;\n"
        "  2   1   7   2.5   4.0 ~ trailing comment, short row, no terminator\n"
    )
    net = tntp.read_net(f)
    assert net.capacity.tolist() == [10.5, 7.0]
    assert net.b.tolist() == [0.15, 0.15]  # default for the short row
    assert net.power.tolist() == [4.0, 4.0]
    t = tmp_path / "v_trips.tntp"
    t.write_text(
        "<NUMBER OF ZONES> 3\n<TOTAL OD FLOW> 7.5\n<END OF METADATA>\n"
        "Origin 1\n    2 :  2.5;    3 :\t1.0;\n\nOrigin\t2\n1:4;\n3 : 0;\n"
    )
    trips = tntp.read_trips(t)
    np.testing.assert_allclose(trips.matrix, [[0, 2.5, 1.0], [4.0, 0, 0], [0, 0, 0]])


def test_metadata_without_end_marker(tmp_path: Path) -> None:
    f = tmp_path / "n.tntp"
    f.write_text("<NUMBER OF NODES> 2\n1 2 1 1 1 0.15 4 0 0 1;\n")
    assert tntp.read_net(f).n_links == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 2 1;\n", r":3: a link needs at least 5"),
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 x 1 1 1;\n", r":3: cannot read link '1 x"),
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 5 1 1 1;\n", r"\(1 -> 5\) uses a node"),
        ("<NUMBER OF LINKS> 3\n<END OF METADATA>\n1 2 1 1 1;\n", r"says 3, the file has 1"),
    ],
)
def test_bad_net_files_name_line_and_value(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad_net.tntp"
    f.write_text(text)
    with pytest.raises(ValueError, match=message):
        tntp.read_net(f)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<NUMBER OF ZONES> 2\n<END OF METADATA>\n2 : 1.0;\n", "before any 'Origin' line"),
        ("<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n5 : 1.0;\n", r"1 -> 5 uses a zone"),
        (
            "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 9\n<END OF METADATA>\nOrigin 1\n2 : 1.0;\n",
            r"says 9.0, the trips sum to 1.0",
        ),
        ("<NUMBER OF ZONES> 2\n<END OF METADATA>\nOrigin 1\n2 = 1.0\n", r":4: expected"),
    ],
)
def test_bad_trip_files_name_line_and_value(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad_trips.tntp"
    f.write_text(text)
    with pytest.raises(ValueError, match=message):
        tntp.read_trips(f)


def test_round_trip_and_flow_writer(tmp_path: Path) -> None:
    net = tntp.read_net(DATA / "Grid_net.tntp")
    trips = tntp.read_trips(DATA / "Grid_trips.tntp")
    tntp.write_net(tmp_path / "g_net.tntp", net)
    tntp.write_trips(tmp_path / "g_trips.tntp", trips)
    net2 = tntp.read_net(tmp_path / "g_net.tntp")
    trips2 = tntp.read_trips(tmp_path / "g_trips.tntp")
    for field in (
        "init_node",
        "term_node",
        "capacity",
        "length",
        "free_flow_time",
        "b",
        "power",
        "toll",
        "link_type",
    ):
        np.testing.assert_array_equal(getattr(net2, field), getattr(net, field))
    np.testing.assert_array_equal(trips2.matrix, trips.matrix)

    r = tntp_equilibrium(net, trips, gap=1e-3)
    out = tmp_path / "flows.csv"
    tntp.write_flows(out, net, r.flow, r.cost)
    lines = out.read_text().splitlines()
    assert lines[0] == "from,to,volume,cost"
    assert len(lines) == net.n_links + 1
    back = tntp.read_flow(out)
    np.testing.assert_array_equal(back.init_node, net.init_node)
    np.testing.assert_array_equal(back.volume, r.flow)
    np.testing.assert_array_equal(back.cost, r.cost)
    with pytest.raises(ValueError, match="volume must have 120 values"):
        tntp.write_flows(out, net, r.flow[:3], r.cost)
