"""The command line: ``connectivity ...`` in-process through ``main`` (the ``cli`` fixture,
see clirun.py), and once in a real process for what only a process shows (a closed pipe)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tiny


@pytest.fixture
def tiny_dir(tmp_path):
    for name, frame in tiny.frames().items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    return tmp_path


def test_route_json_contract(tiny_dir, cli):
    out = json.loads(cli("route", "Alpha", "Delta", "--data", str(tiny_dir),
                         "--format", "json").stdout)
    for key in ("origin", "destination", "commodity", "time_h", "distance_km",
                "cost_usd_per_t", "co2e_kg_per_t", "crossings", "legs"):
        assert key in out
    assert out["origin"] == "CN_A" and out["destination"] == "KZ_D"
    assert out["time_h"] == pytest.approx(28.25)
    assert out["crossings"] == ["X_RAIL"]
    leg = out["legs"][0]
    assert {k: leg[k] for k in ("mode", "from", "to")} == {
        "mode": "rail", "from": "CN_A", "to": "KZ_D"}
    assert leg["distance_km"] == pytest.approx(210) and leg["time_h"] > 0


def test_route_options(tiny_dir, cli):
    road = json.loads(cli("route", "CN_A", "KZ_D", "--data", str(tiny_dir), "--modes", "road",
                          "--format", "json").stdout)
    assert [leg["mode"] for leg in road["legs"]] == ["road"]
    alts = json.loads(cli("route", "CN_A", "KZ_D", "--data", str(tiny_dir),
                          "--alternatives", "3", "--format", "json").stdout)
    assert isinstance(alts, list) and len(alts) == 3
    costs = [a["generalized_cost_usd_per_t"] for a in alts]
    assert costs == sorted(costs)
    csv_out = cli("route", "CN_A", "KZ_D", "--data", str(tiny_dir), "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("#,modes,time_h")
    table = cli("route", "CN_A", "KZ_D", "--data", str(tiny_dir)).stdout
    assert "CN_A -> KZ_D" in table and "X_RAIL" in table


def test_errors_name_the_value(tiny_dir, cli):
    proc = cli("route", "Alpha", "Delt", "--data", str(tiny_dir), check=False)
    assert proc.returncode == 2
    assert "unknown place 'Delt'; did you mean 'KZ_D' (Delta)?" in proc.stderr
    proc = cli("route", "Alpha", "Delta", "--data", str(tiny_dir), "--avoid-country", "KZ",
               check=False)
    assert proc.returncode == 2 and "lies in KZ" in proc.stderr
    proc = cli("route", "Alpha", "Delta", "--data", str(tiny_dir), "--modes", "rail,boat",
               check=False)
    assert proc.returncode == 2 and "unknown mode(s) ['boat']" in proc.stderr


def test_skim_csv(tiny_dir, cli):
    out = cli("skim", "--origins", "CN_A", "CN_B", "--destinations", "KZ_D", "--data",
              str(tiny_dir), "--format", "csv").stdout.splitlines()
    assert out[0] == ("origin,destination,commodity,generalized_cost_usd_per_t,time_h,"
                      "distance_km,cost_usd_per_t,co2e_kg_per_t,risk_usd_per_t")
    assert len(out) == 3 and out[1].startswith("CN_A,KZ_D,container,56.45")


def test_places_and_validate(tiny_dir, cli):
    places = json.loads(cli("places", "--data", str(tiny_dir), "--format", "json").stdout)
    assert places[0] == {"place_id": "CN_A", "name": "Alpha", "country": "CN", "lon": 80.0,
                         "lat": 44.0, "kind": "city", "terminals": ["road", "rail_1435"]}
    assert "ok: 4 places, 7 links" in cli("validate", "--data", str(tiny_dir)).stdout
    (tiny_dir / "links.csv").write_text(
        (tiny_dir / "links.csv").read_text().replace("L3,KZ_C,KZ_D,rail,rail C-D,100",
                                                    "L3,KZ_C,KZ_D,rail,rail C-D,-100"))
    proc = cli("validate", "--data", str(tiny_dir), check=False)
    assert proc.returncode == 2 and "links 'L3': length_km=-100.0 must be positive" in proc.stderr


def test_pareto_cli(tiny_dir, cli):
    out = json.loads(cli("pareto", "CN_A", "KZ_D", "--data", str(tiny_dir),
                         "--format", "json").stdout)
    assert len(out) == 4
    roads = json.loads(cli("pareto", "CN_A", "KZ_D", "--data", str(tiny_dir),
                           "--require-mode", "road", "--format", "json").stdout)
    assert roads and all(any(leg["mode"] == "road" for leg in r["legs"]) for r in roads)
    alts = json.loads(cli("route", "CN_A", "KZ_D", "--data", str(tiny_dir), "--alternatives",
                          "2", "--via", "KZ_C", "--require-mode", "road",
                          "--format", "json").stdout)
    assert len(alts) == 2
    assert all(any(leg["mode"] == "road" for leg in r["legs"]) for r in alts)


def test_assign_so_reports_binding_capacity(tiny_dir, tmp_path, cli):
    cross = (tiny_dir / "crossings.csv").read_text().splitlines()
    header = cross[0] + ",capacity,capacity_unit"
    rows = [cross[1] + ",60000,t_per_year"] + [r + ",," for r in cross[2:]]
    (tiny_dir / "crossings.csv").write_text("\n".join([header, *rows]) + "\n")
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,commodity,tonnes_per_year\nCN_A,KZ_D,container,100000\n")
    out = json.loads(cli("assign", "--method", "so", "--data", str(tiny_dir), "--demand",
                         str(demand), "--format", "json").stdout)
    assert out["solver_status"] == "optimal"
    assert out["unserved_t_per_year"] == 0
    assert out["binding"][0]["id"] == "X_RAIL"
    assert out["binding"][0]["shadow_price_usd_per_t"] == pytest.approx(62.34 - 56.45)
    paths = json.loads(cli("assign", "--method", "so", "--so-formulation", "paths", "--data",
                           str(tiny_dir), "--demand", str(demand), "--format", "json").stdout)
    assert paths["solver_status"] == "optimal"
    assert paths["binding"] == out["binding"]
    table = cli("assign", "--method", "ue", "--data", str(tiny_dir), "--demand",
                str(demand)).stdout
    assert "relative gap" in table and "most loaded crossings" in table
    # the solver is quiet unless asked
    quiet = cli("assign", "--method", "so", "--data", str(tiny_dir), "--demand", str(demand))
    assert "HiGHS" not in quiet.stdout + quiet.stderr
    loud = cli("assign", "--method", "so", "--data", str(tiny_dir), "--demand", str(demand),
               "--solver-log")
    assert "HiGHS" in loud.stdout


def test_assign_tntp_braess(tmp_path, cli):
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    flows = tmp_path / "flows.csv"
    out = json.loads(cli("assign", "--method", "ue", "--tntp-net", str(data / "Braess_net.tntp"),
                         "--tntp-trips", str(data / "Braess_trips.tntp"), "--gap", "1e-8",
                         "--max-iter", "5000", "--flows-out", str(flows),
                         "--format", "json").stdout)
    for key in ("tstt", "beckmann", "relative_gap", "iterations", "seconds"):
        assert key in out
    assert out["relative_gap"] <= 1e-8
    # every route takes 51 + 537/13 at equilibrium (see the file's header): TSTT = 6 x that
    assert out["tstt"] == pytest.approx(6 * (51 + 537 / 13), rel=1e-6)
    lines = flows.read_text().splitlines()
    assert lines[0] == "from,to,volume,cost"
    assert len(lines) == 1 + 5  # Braess: five links, in net-file order
    proc = cli("assign", "--method", "so", "--tntp-net", str(data / "Braess_net.tntp"),
               "--tntp-trips", str(data / "Braess_trips.tntp"), check=False)
    assert proc.returncode == 2 and "--method ue" in proc.stderr


def test_closed_pipe_stops_quietly():
    # ``connectivity demo | head -1``: the reader leaves early; no traceback on stderr.
    # A real process: only one has a stdout pipe that its reader can close under it. The
    # reader closes its end before the command writes anything, so the command's first
    # write meets a closed pipe whatever the pipe's capacity (a reader that left after
    # one line could leave the whole output in the pipe's buffer, and the broken-pipe
    # path would never run).
    with subprocess.Popen(
        [sys.executable, "-m", "connectivity.cli", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=300)
    assert "Traceback" not in err and err == "", err
    assert proc.returncode == 141


def test_demo_reports_every_gateway_and_destination(cli):
    out = cli("demo").stdout
    for gateway in ("Lianyungang", "Xi'an", "Chongqing", "Urumqi", "Kashgar"):
        assert f"from {gateway}" in out
    for place in ("Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat", "Baku", "Duisburg"):
        assert out.count(place) >= 5, place
    assert "Traceback" not in out


def _strict_json(text: str):
    def refuse(name: str):
        raise AssertionError(f"JSON holds {name}")

    return json.loads(text, parse_constant=refuse)


def test_json_never_holds_nan_or_infinity(tiny_dir, cli):
    # an unreachable pair in a skim is null, not Infinity
    out = _strict_json(cli("skim", "--origins", "CN_A", "KZ_D", "--data", str(tiny_dir),
                           "--modes", "air", "--format", "json").stdout)
    assert all(row["time_h"] is None for row in out if row["origin"] != row["destination"])
    _strict_json(cli("assign", "--method", "so", "--format", "json").stdout)
    _strict_json(cli("assign", "--method", "ue", "--format", "json", "--gap", "1e-2").stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["route", "Kashgar", "Tashkent", "--alternatives", "0"], "k=0: ask for 1 to 1000"),
        (["route", "Kashgar", "Tashkent", "--alternatives", "100000"],
         "k=100000: ask for 1 to 1000"),
        (["route", "Kashgar", "Tashkent", "--avoid-country", "XX"],
         r"unknown country id\(s\) \['XX'\]; the network has \["),
        (["route", "Kashgar", "Tashkent", "--year", "1990"],
         "year=1990 is before the network's base year 2019"),
        (["assign", "--flows-out", "flows.csv"], "--flows-out writes TNTP flows"),
    ],
)
def test_rough_edges_get_a_clear_error(cli, args, message):
    r = cli(*args, check=False)
    assert r.returncode == 2 and re.search(message, r.stderr), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_output_paths_are_checked_before_solving(cli, tmp_path):
    data = Path(__file__).resolve().parent.parent / "data"
    base = ["assign", "--method", "ue", "--tntp-net", str(data / "Braess_net.tntp"),
            "--tntp-trips", str(data / "Braess_trips.tntp")]
    r = cli(*base, "--flows-out", str(tmp_path), check=False)
    assert r.returncode == 2 and "is a folder; give a file name" in r.stderr
    r = cli(*base, "--flows-out", str(tmp_path / "no" / "such" / "f.csv"), check=False)
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = cli("assign", "--method", "ue", "--tntp-net", str(tmp_path), "--tntp-trips",
            str(data / "Braess_trips.tntp"), check=False)
    assert r.returncode == 2 and "is a folder, not a TNTP file" in r.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_output_device_ends_with_one_line():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "connectivity.cli", "places"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 2
    assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_an_interrupted_run_ends_with_one_line(cli, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    # the route command imports the library when it runs (lazily), so patch the library
    monkeypatch.setattr("connectivity.routing.alternatives", interrupted)
    r = cli("route", "Kashgar", "Tashkent", "--alternatives", "5", check=False)
    assert r.returncode == 130
    assert r.stderr.strip() == "connectivity route: interrupted"


def test_assign_reports_intrazonal_rows_apart(tiny_dir, tmp_path, cli):
    demand = tmp_path / "demand.csv"
    demand.write_text("origin,destination,commodity,tonnes_per_year\n"
                      "CN_A,KZ_D,container,100000\nCN_A,CN_A,container,2500\n")
    out = json.loads(cli("assign", "--method", "aon", "--data", str(tiny_dir), "--demand",
                         str(demand), "--format", "json").stdout)
    assert out["demand_t_per_year"] == 100000
    assert out["intrazonal_t_per_year"] == 2500
    assert out["intrazonal"] == [{"origin": "CN_A", "destination": "CN_A",
                                  "commodity": "container", "tonnes_per_year": 2500.0}]
    text = cli("assign", "--method", "aon", "--data", str(tiny_dir), "--demand",
               str(demand)).stdout
    assert "0.0025 Mt/yr intrazonal (not routed)" in text
