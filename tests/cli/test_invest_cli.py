"""``connectivity prioritize`` on a network of tables and ``connectivity appraise``: the
numbers the library gives, JSON keys, and errors that name the value."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import connectivity as cn
from connectivity.invest import prioritize
from tiny import frames

PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2", "P3"],
    "name": ["direct road", "rail upgrade", "rail border digital"],
    "kind": ["new_link", "upgrade", "digital"],
    "link_ids": ["N1", "L1;L3", ""],
    "capital_cost_usd": ["10", "4", "2"],
    "time_factor": ["", "0.5", ""],
    "cost_factor": ["", "0.5", ""],
    "crossing_ids": ["", "", "X_RAIL"],
    "dwell_h_saved": ["", "", "5"],
    "lead_time_years": ["2", "1", "1"],
    "opex_usd_per_year": ["0.5", "0.1", "0"],
    "status": ["planned"] * 3,
})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = frames()
    f["projects"] = PROJECTS
    for name, frame in f.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    pd.DataFrame({"origin": ["CN_A"], "destination": ["KZ_D"], "commodity": ["container"],
                  "tonnes_per_year": [150.0]}).to_csv(tmp_path / "od.csv", index=False)
    return tmp_path


def test_prioritize_json_is_the_library_portfolio(cli, folder: Path) -> None:
    out = cli("prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"),
              "--budget", "10", "--format", "json")
    got = json.loads(out.stdout)
    net = cn.read_network(folder)
    want = prioritize(net, pd.read_csv(folder / "od.csv"), budget=10.0)
    assert got["selected"] == list(want.selected) and got["method"] == "milp"
    assert got["objective"] == pytest.approx(want.objective)
    assert got["proved_optimal"] is True and got["status"] == "optimal"
    for key in ("baseline", "benefit", "cost", "bound", "gap", "seconds", "evaluations"):
        assert key in got


def test_prioritize_bilevel_with_the_bush_algorithm(cli, folder: Path) -> None:
    args = ["prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"),
            "--budget", "10", "--method", "bilevel", "--format", "json"]
    bush = json.loads(cli(*args, "--algorithm", "bush").stdout)
    bfw = json.loads(cli(*args).stdout)
    assert bush["details"]["algorithm"] == "bush" and bfw["details"]["algorithm"] == "bfw"
    assert bush["selected"] == bfw["selected"]
    assert bush["objective"] == pytest.approx(bfw["objective"], rel=1e-5)
    bad = cli("prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"),
              "--budget", "10", "--algorithm", "bush", check=False)
    assert bad.returncode == 2 and "method 'milp' solves no equilibrium" in bad.stderr


def test_prioritize_table_and_phasing(cli, folder: Path) -> None:
    out = cli("prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"),
              "--budget", "10", "--method", "bcr")
    assert "bcr" in out.stdout and "proved_optimal" in out.stdout
    out = cli("prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"),
              "--periods", "2026:2030", "--budgets", "4,10", "--format", "json")
    got = json.loads(out.stdout)
    assert got["method"] == "phased" and set(got["schedule"].values()) <= {2026, 2030}
    assert "gain_over_ranking" in got["details"]


def test_appraise_prints_each_project_and_the_portfolio(cli, folder: Path) -> None:
    out = cli("appraise", "P2", "P3", "--data", str(folder), "--demand",
              str(folder / "od.csv"), "--format", "json")
    got = json.loads(out.stdout)
    assert set(got["stand_alone"]) == {"P2", "P3"}
    assert {"with_interaction", "without_interaction", "interaction"} <= set(got)
    table = cli("appraise", "P2", "--data", str(folder), "--demand", str(folder / "od.csv"))
    assert "npv" in table.stdout and "P2" in table.stdout


def test_prioritize_bilevel_on_the_bundled_network(cli) -> None:
    out = cli("prioritize", "--budget", "1e8", "--method", "bilevel", "--projects",
              "P21,P27,P39", "--format", "json")
    got = json.loads(out.stdout)
    net = cn.load_bundled()
    want = prioritize(net, cn.load_bundled_demand(net), budget=1e8, method="bilevel",
                      projects=["P21", "P27", "P39"])
    assert got["method"] == "bilevel" and got["selected"] == list(want.selected)
    assert got["objective"] == pytest.approx(want.objective, rel=1e-12)
    assert got["proved_optimal"] is True and got["bound"] <= got["objective"]
    assert got["details"]["commodity"] == "container" and got["details"]["nodes"] > 0
    table = cli("prioritize", "--budget", "1e8", "--method", "bilevel", "--projects",
                "P39", "--commodity", "perishable", "--time-limit", "60")
    assert "bilevel" in table.stdout and "proved_optimal" in table.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--budget", "10", "--method", "bilevel", "--commodity", "nope"], "'nope'"),
    (["--budget", "10", "--method", "bilevel", "--capital-charge-rate", "0.06"],
     "capital_charge_rate=0.06"),
    (["--budget", "10", "--projects", "P9"], "P9"),
    (["--periods", "2030:2026", "--budget", "1"], "increasing"),
    (["--budgets", "1,2", "--budget", "1"], "--budgets needs --periods"),
    ([], "--budget"),
])
def test_bad_requests_name_the_value(cli, folder: Path, args: list[str],
                                     message: str) -> None:
    out = cli("prioritize", "--data", str(folder), "--demand", str(folder / "od.csv"), *args,
              check=False)
    assert out.returncode == 2 and message in out.stderr
