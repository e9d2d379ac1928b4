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
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 x 1 1 1;\n",
         r":3: term node 'x' is not a number"),
        # read strictly: nothing truncated, nothing dropped, nothing infinite
        ("<NUMBER OF NODES> 3\n<END OF METADATA>\n1 2.7 1 1 1;\n",
         r":3: term node '2.7' is not a whole node id"),
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 2 1,300.0 1 1;\n",
         r":3: capacity '1,300.0' is not a number"),
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 2 100 1 inf;\n",
         r":3: free_flow_time 'inf' is not a finite number"),
        ("<NUMBER OF NODES> 2\n<END OF METADATA>\n1 2 100 1 nan;\n",
         r":3: free_flow_time 'nan' is not a finite number"),
        ("<NUMBER OF NODES> 2\n<FIRST THRU NODE> 9\n<END OF METADATA>\n1 2 1 1 1;\n",
         r"<FIRST THRU NODE> 9 is not in 1..3"),
        ("<NUMBER OF NODES> 2\n<NUMBER OF ZONES> 4\n<END OF METADATA>\n1 2 1 1 1;\n",
         r"<NUMBER OF ZONES> 4 is not in 0..2"),
        ("<NUMBER OF NODES> 2.5\n<END OF METADATA>\n1 2 1 1 1;\n",
         r"<NUMBER OF NODES> = '2.5' is not a whole number"),
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
        ("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n2 : 1,300.0;\n",
         r":4: demand '1,300.0' is not a number"),
        ("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n2 : 5.0; 3 : abc;\n",
         r":4: demand 'abc' is not a number"),
        ("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n2.7 : 5.0;\n",
         r":4: destination '2.7' is not a whole node id"),
        ("<NUMBER OF ZONES> 3\n<END OF METADATA>\nOrigin 1\n2 : inf;\n",
         r":4: demand 'inf' is not a finite number"),
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


def test_a_folder_or_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a folder, not a TNTP file"):
        tntp.read_net(tmp_path)
    with pytest.raises(FileNotFoundError, match="nothere_net.tntp"):
        tntp.read_net(tmp_path / "nothere_net.tntp")
    latin = tmp_path / "latin_net.tntp"
    latin.write_bytes("<NUMBER OF NODES> 2\n~ Zürich\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin_net.tntp is not UTF-8 text"):
        tntp.read_net(latin)


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        ("read_flow", "From To Volume Cost\n1 2 5.0\n", r":2: expected from, to, volume"),
        ("read_flow", "From To Volume Cost\n1 2 5.0 nan\n", r":2: cost 'nan' is not a finite"),
        ("read_flow", "1,2,1,300.0,4\n", r":1: expected from, to, volume, cost"),
        ("read_node", "node X Y\n1.5 0 0\n", r":2: node '1.5' is not a whole node id"),
    ],
)
def test_flow_and_node_files_are_read_strictly(
    tmp_path: Path, reader: str, text: str, message: str
) -> None:
    f = tmp_path / "file.tntp"
    f.write_text(text)
    with pytest.raises(ValueError, match=message):
        getattr(tntp, reader)(f)

