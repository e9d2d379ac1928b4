"""Candidate links: the candidates CSV (read, written, every problem reported with its
place) and Rey's DNDP instances (split into existing links and paired projects)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectivity.io import (
    CANDIDATE_COLUMNS,
    CandidateLinks,
    read_candidates,
    read_dndp_instance,
    read_net,
    write_candidates,
)
from dndp_data import DNDP, needs_dndp

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = ",".join(CANDIDATE_COLUMNS)


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    f = tmp_path / "cands.csv"
    f.write_text("\n".join([header, *rows]) + "\n")
    return f


def test_read_two_way_project_and_its_cost(tmp_path: Path) -> None:
    f = _csv(tmp_path, "A,1,2,100,1.5,2,0.15,4,30", "A,2,1,100,1.5,2,0.15,4,30",
             "", "B,2,3,50,1,1,0.15,4,12.5")
    c = read_candidates(f)
    assert c.n_links == 3
    assert c.projects == ("A", "B")
    assert c.project_id.tolist() == ["A", "A", "B"]
    assert c.init_node.tolist() == [1, 2, 2] and c.term_node.tolist() == [2, 1, 3]
    assert c.length.tolist() == [1.5, 1.5, 1.0]
    # a project costs the sum of its rows
    assert float(c.cost[c.project_id == "A"].sum()) == 60.0


def test_columns_in_any_order_with_spaces(tmp_path: Path) -> None:
    header = "cost, power,b,free_flow_time,length,capacity,to,from,project_id"
    c = read_candidates(_csv(tmp_path, "7, 4,0.15,3,2,10,5,4, X ", header=header))
    assert (c.projects, c.init_node.tolist(), c.term_node.tolist()) == (("X",), [4], [5])
    assert c.cost.tolist() == [7.0] and c.free_flow_time.tolist() == [3.0]


def test_round_trip(tmp_path: Path) -> None:
    c = read_candidates(_csv(tmp_path, "A,1,2,100,1.5,2,0.15,4,30.25",
                             "B,2,3,50,1,1,0.15,4,0.1"))
    out = tmp_path / "out.csv"
    write_candidates(out, c)
    again = read_candidates(out)
    for name in ("project_id", "init_node", "term_node", "capacity", "length",
                 "free_flow_time", "b", "power", "cost"):
        assert getattr(again, name).tolist() == getattr(c, name).tolist(), name
    assert out.read_text().splitlines()[0] == HEADER


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    header = HEADER.replace("power", "pwr") + ",colour"
    with pytest.raises(ValueError) as err:
        read_candidates(_csv(tmp_path, "A,1,2,1,1,1,0.15,4,1,red", header=header))
    msg = str(err.value)
    assert "unknown column 'pwr'" in msg and "unknown column 'colour'" in msg
    assert "column 'power' is missing" in msg and "cands.csv:1" in msg


def test_every_bad_cell_is_named_with_line_column_and_value(tmp_path: Path) -> None:
    f = _csv(tmp_path,
             "A,1,2,100,1,2,0.15,4,30",
             "A,1,x2,100,1,2,0.15,4,30",       # line 3: not a number
             "B,2,3,50,1,1,0.15,4,-5",         # line 4: negative cost
             "C,4,4,50,1,1,0.15,4,5",          # line 5: from == to
             "A,1,2,100,1,2,0.15,4,30",        # line 6: duplicate link within A
             "D,2.5,3,50,1,1,0.15,4,5",        # line 7: not a whole node id
             "E,2,3,0,1,1,0.15,4,5",           # line 8: no capacity on a congested link
             "F,2,3,1,1,1,0.15,4")             # line 9: a cell short
    with pytest.raises(ValueError) as err:
        read_candidates(f)
    msg = str(err.value)
    assert f"{f}:3: column 'to': 'x2' is not a number" in msg
    assert f"{f}:7: column 'from': '2.5' is not a whole node id" in msg
    assert f"{f}:9: 8 cells, the header has 9" in msg
    # the rules run once every cell parses; fix the parse errors to see them
    f.write_text("\n".join(f.read_text().splitlines()[:2] + [
        "B,2,3,50,1,1,0.15,4,-5", "C,4,4,50,1,1,0.15,4,5", "A,1,2,100,1,2,0.15,4,30",
        "E,2,3,0,1,1,0.15,4,5", "G,0,3,1,1,1,0.15,4,5"]) + "\n")
    with pytest.raises(ValueError) as err:
        read_candidates(f)
    msg = str(err.value)
    assert msg.startswith(f"5 problem(s) in the candidates file {f}:")
    assert f"{f}:3: column 'cost': cost -5.0 must be a finite number >= 0" in msg
    assert f"{f}:4: column 'to': the link goes from node 4 to itself" in msg
    assert f"{f}:5: column 'to': project 'A' has link 1 -> 2 twice (also at {f}:2)" in msg
    assert f"{f}:6: column 'capacity': capacity 0 with b 0.15" in msg
    assert f"{f}:7: column 'from': node id 0 is not a TNTP node id" in msg


def test_infinite_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cands.csv:2: column 'free_flow_time': 'inf' is "
                                         r"not a finite number"):
        read_candidates(_csv(tmp_path, "H,2,3,1,1,inf,0.15,4,5"))


def test_empty_project_id_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cands.csv:2: column 'project_id': the project id "
                                         r"is empty"):
        read_candidates(_csv(tmp_path, " ,1,2,1,1,1,0.15,4,5"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty.csv is empty; the header is project_id,from"):
        read_candidates(empty)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read_candidates(tmp_path / "missing.csv")


def test_header_only_file_has_no_links(tmp_path: Path) -> None:
    c = read_candidates(_csv(tmp_path))
    assert c.n_links == 0 and c.projects == ()


def test_arrays_are_checked_on_construction() -> None:
    with pytest.raises(ValueError, match=r"row 1: column 'cost': cost -1.0 must be"):
        CandidateLinks(["A", "B"], [1, 2], [2, 3], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0],
                       [0.15, 0.15], [4.0, 4.0], [1.0, -1.0])
    with pytest.raises(ValueError, match="cost has shape"):
        CandidateLinks(["A"], [1], [2], [1.0], [1.0], [1.0], [0.15], [4.0], [1.0, 2.0])


# ------------------------------------------------------------------ Rey's instances


@needs_dndp
def test_sioux_falls_instance_pairs_directions() -> None:
    net, cands = read_dndp_instance(DNDP / "SF_DNDP_10_3.txt")
    assert (net.n_links, net.n_nodes, net.n_zones, net.first_thru_node) == (76, 24, 24, 1)
    assert cands.n_links == 10
    assert cands.projects == ("N11_N15", "N9_N11", "N10_N19", "N3_N11", "N1_N20")
    assert cands.cost.sum() == 2 * (900 + 975 + 950 + 775 + 1500)
    pair = cands.project_id == "N9_N11"
    assert sorted(zip(cands.init_node[pair].tolist(), cands.term_node[pair].tolist(),
                      strict=True)) == [(9, 11), (11, 9)]
    assert cands.capacity[pair].tolist() == [18400.8, 18400.8]
    assert net.init_node.tolist()[:3] == [1, 1, 2] and net.capacity[0] == 25900.20064


@needs_dndp
def test_sioux_falls_existing_links_are_the_base_network() -> None:
    net, _ = read_dndp_instance(DNDP / "SF_DNDP_20_2.txt")
    other, _ = read_dndp_instance(DNDP / "SF_DNDP_10_3.txt")
    for name in ("init_node", "term_node", "capacity", "free_flow_time", "b", "power"):
        assert np.array_equal(getattr(net, name), getattr(other, name)), name


@needs_dndp
def test_unpaired_instance_keeps_one_project_per_direction() -> None:
    _, cands = read_dndp_instance(DNDP / "SF_DNDP_20_2.txt", pair=False)
    assert len(cands.projects) == 20
    assert cands.projects[:2] == ("N7_N16", "N16_N7")
    assert cands.cost.tolist()[:2] == [750.0, 750.0]


def _instance(tmp_path: Path, rows: list[str], new_links: int | None = 2,
              links: int = 2) -> Path:
    f = tmp_path / "inst.txt"
    meta = f"<NUMBER OF NODES> 3\n<NUMBER OF LINKS> {links}\n"
    if new_links is not None:
        meta += f"<NUMBER OF NEW LINKS> {new_links}\n"
    f.write_text(meta + "<END OF METADATA>\n" + "\n".join(rows) + "\n")
    return f


ROWS = ["1 2 10 1 1 0.15 4 0 0 1 0 ;", "2 1 10 1 1 0.15 4 0 0 1 0 ;",
        "2 3 10 1 2 0.15 4 0 0 1 40 ;", "3 1 10 1 2 0.15 4 0 0 1 25 ;"]


def test_one_way_candidates_stay_one_way(tmp_path: Path) -> None:
    net, cands = read_dndp_instance(_instance(tmp_path, ROWS))
    assert net.n_links == 2
    assert cands.projects == ("N2_N3", "N3_N1")


def test_instance_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"<NUMBER OF NEW LINKS> says 3, the file has 2 "
                                         r"candidate rows \(cost > 0\)"):
        read_dndp_instance(_instance(tmp_path, ROWS, new_links=3))
    with pytest.raises(ValueError, match=r"metadata <NUMBER OF NEW LINKS> is missing"):
        read_dndp_instance(_instance(tmp_path, ROWS, new_links=None))
    with pytest.raises(ValueError, match=r"<NUMBER OF LINKS> says 3, the file has 2 existing"):
        read_dndp_instance(_instance(tmp_path, ROWS, links=3))
    f = _instance(tmp_path, [*ROWS[:3], "3 1 10 1 2 0.15 4 0 0 1 -25 ;"], new_links=1)
    with pytest.raises(ValueError, match=rf"{f}:8: cost '-25' must be >= 0"):
        read_dndp_instance(f)
    f = _instance(tmp_path, [*ROWS[:3], "3 1 10 1 2 0.15 4 0 0 1 ;"], new_links=1)
    with pytest.raises(ValueError, match=rf"{f}:8: a link of a DNDP instance has 11 columns"):
        read_dndp_instance(f)
    f = _instance(tmp_path, [*ROWS, "2 3 10 1 2 0.15 4 0 0 1 40 ;"], new_links=3)
    with pytest.raises(ValueError, match=rf"{f}:9: candidate link 2 -> 3 is given twice "
                                         r"\(first at line 7\)"):
        read_dndp_instance(f)
    f = _instance(tmp_path, [*ROWS[:3], "3 9 10 1 2 0.15 4 0 0 1 25 ;"])
    with pytest.raises(ValueError, match=rf"{f}:8: link 3 -> 9 uses a node outside 1..3"):
        read_dndp_instance(f)
    f = _instance(tmp_path, [*ROWS[:3], "3 1 10 1 x 0.15 4 0 0 1 25 ;"])
    with pytest.raises(ValueError, match=rf"{f}:8: column 5 'x' is not a number"):
        read_dndp_instance(f)


@needs_dndp
def test_plain_net_reader_refuses_the_cost_column() -> None:
    # the reason for read_dndp_instance: a TNTP net row has at most 10 columns
    with pytest.raises(ValueError, match="at most 10 columns"):
        read_net(DNDP / "SF_DNDP_10_3.txt")


def test_line_numbers_count_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    f = _csv(tmp_path, '"A\nB",1,2,1,1,1,0.15,4,5', "", "C,1,2,1,1,1,0.15,4,-1")
    with pytest.raises(ValueError, match=rf"{f}:5: column 'cost': cost -1.0"):
        read_candidates(f)
    f.write_bytes(HEADER.encode() + b"\nA,1,2,1,1,1,0.15,4,\xff\n")
    with pytest.raises(ValueError, match="is not UTF-8 text"):
        read_candidates(f)
