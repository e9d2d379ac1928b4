"""``connectivity scenario run`` and ``list``: the table, JSON and CSV, the chart, the exit
status when a scenario fails, and nothing run when a file is bad."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

import connectivity as cn
from connectivity.scenarios import bundled_scenarios

OUTPUTS = ("scenarios.json", "scenarios.csv", "scenarios.png", "timings.csv")


@pytest.fixture(scope="module")
def two() -> list[str]:
    files = {p.stem: str(p) for p in bundled_scenarios()}
    return [files["baseline"], files["northern_closed"]]


def test_table_json_csv_and_the_chart(two, tmp_path, cli):
    table = cli("scenario", "run", *two, "--out", str(tmp_path))
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["figure", "baseline", "northern_closed"]
    row = next(line for line in lines if line.startswith("corridor northern, Mt/yr"))
    assert row.split()[-1] == "0.00" and float(row.split()[-2]) > 1.0
    assert "route.CN_XIAN>UZ_TASHKENT.container.time_h" in table.stdout
    assert ".crossings" not in table.stdout  # in the JSON and CSV only

    png = (tmp_path / "scenarios.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    for name in OUTPUTS:
        assert (tmp_path / name).stat().st_size > 0, name

    out = cli("scenario", "run", *two, "--out", str(tmp_path / "j"), "--format", "json")
    data = json.loads(out.stdout)
    assert [s["name"] for s in data["scenarios"]] == ["baseline", "northern_closed"]
    assert (tmp_path / "j" / "scenarios.json").read_text(encoding="utf-8") == out.stdout
    assert out.stdout == (tmp_path / "scenarios.json").read_text(encoding="utf-8")

    out = cli("scenario", "run", *two, "--out", str(tmp_path / "c"), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["figure", "baseline", "northern_closed"]
    figures = {r[0]: r[1:] for r in rows}
    assert figures["status"] == ["ok", "ok"]
    northern = data["scenarios"][0]["figures"]["corridor_t_per_year.northern"]
    assert float(figures["corridor_t_per_year.northern"][0]) == northern  # every digit
    timings = (tmp_path / "timings.csv").read_text(encoding="utf-8").splitlines()
    assert timings[0] == "name,seconds,worker,built_network" and len(timings) == 3


def test_a_failing_scenario_exits_1_after_reporting_all(two, tmp_path, cli):
    bad = tmp_path / "overflow.toml"
    bad.write_text("carbon_price_usd_per_t_co2e = 1e308\n", encoding="utf-8")
    proc = cli("scenario", "run", two[0], str(bad), two[1], "--out", str(tmp_path),
               check=False)
    assert proc.returncode == 1
    assert "scenario 'overflow'" in proc.stderr and "too large" in proc.stderr
    assert "3 scenario(s), 1 failed" in proc.stderr
    data = json.loads((tmp_path / "scenarios.json").read_text(encoding="utf-8"))
    assert [s["status"] for s in data["scenarios"]] == ["ok", "failed", "ok"]
    assert "failed" in proc.stdout.splitlines()[2]  # the status row of the table


def test_bad_files_stop_everything_before_it_runs(two, tmp_path, cli):
    typo = tmp_path / "typo.toml"
    typo.write_text("year = 2030\n[analyses]\nassignment = 'fw'\n", encoding="utf-8")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("closed_crossings = ['X_NOWHERE']\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = cli("scenario", "run", two[0], str(typo), "--out", str(out), check=False)
    assert proc.returncode == 2
    assert "analyses.assignment='fw' is not a method; allowed ['aon', 'so', 'ue']" in proc.stderr
    proc = cli("scenario", "run", two[0], str(unknown), "--out", str(out), check=False)
    assert proc.returncode == 2 and "unknown crossing id(s) ['X_NOWHERE']" in proc.stderr
    assert not (out / "scenarios.json").exists() and proc.stdout == ""


def test_option_errors(two, tmp_path, cli, monkeypatch):
    proc = cli("scenario", "run", *two, "--workers", "0", check=False)
    assert proc.returncode == 2 and "--workers 0: give a whole number >= 1" in proc.stderr
    proc = cli("scenario", "run", *two, "--workers", "2", "--scheduler", "tcp://x:1",
               check=False)
    assert proc.returncode == 2 and "not both" in proc.stderr
    (tmp_path / "file").write_text("", encoding="utf-8")
    proc = cli("scenario", "run", *two, "--out", str(tmp_path / "file"), check=False)
    assert proc.returncode == 2 and "is a file; give a folder" in proc.stderr
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if not installed
    proc = cli("scenario", "run", *two, "--scheduler", "tcp://127.0.0.1:1",
               "--out", str(tmp_path), check=False)
    assert proc.returncode == 2
    assert "needs dask.distributed: pip install 'connectivity[dask]'" in proc.stderr


def test_list_and_a_scenario_file_for_the_other_commands(cli):
    proc = cli("scenario", "list", "--format", "csv")
    names = [row[0] for row in csv.reader(io.StringIO(proc.stdout))][1:]
    assert names[0] == "baseline" and len(names) == 6
    cku = str(next(p for p in bundled_scenarios() if p.stem == "cku_open"))
    proc = cli("route", "Kashgar", "Andijan", "--modes", "rail", "--scenario", cku)
    assert "X_TORUGART_RAIL" in proc.stdout
    assert "its [growth] and [analyses] are not used here" in proc.stderr


def test_a_plain_scenario_file_still_works_with_scenario(tmp_path, cli):
    plain = tmp_path / "no_ru.toml"
    plain.write_text('avoid_countries = ["RU"]\n[crossing_dwell_h]\nX_NURZHOLY_ROAD = 2.0\n',
                     encoding="utf-8")
    proc = cli("route", "Almaty", "Istanbul", "--require-mode", "ferry", "--scenario",
               str(plain))
    assert "RU_" not in proc.stdout and proc.stderr == ""
    assert cn.read_scenario(plain).crossing_dwell_h == {"X_NURZHOLY_ROAD": 2.0}
