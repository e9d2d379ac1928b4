"""What the README tells a new user to type works: its Python blocks and shell commands.

Commands that need the user's own files (``my_network/``, ``my_demand.csv``, the TNTP
files) are left out; everything else runs against the bundled data. Both run in this
process from an empty directory: the commands through ``connectivity.cli.main`` (the
``cli`` fixture), the Python blocks as a script with runpy.
"""

from __future__ import annotations

import json
import re
import runpy
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
USER_FILES = ("my_network", "my_demand", "tntp", "SiouxFalls", "od.csv")


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _commands() -> list[str]:
    out: list[str] = []
    for block in _blocks("bash"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("connectivity ") and not any(u in line for u in USER_FILES):
                out.append(line)
    return out


COMMANDS = _commands()


def test_readme_has_the_two_commands() -> None:
    blocks = "\n".join(_blocks("bash"))
    assert 'pip install . && connectivity demo' in blocks
    assert 'pip install ".[test]" && pytest' in blocks
    assert len(COMMANDS) >= 8


def test_python_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "\n".join(_blocks("python"))
    script = tmp_path / "readme.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")  # an exception fails the test


def _route_keys(out: str) -> None:
    route = json.loads(out)
    for key in ("origin", "destination", "commodity", "time_h", "distance_km",
                "cost_usd_per_t", "co2e_kg_per_t", "crossings", "legs", "transfers",
                "generalized_cost_usd_per_t"):
        assert key in route, key
    for leg in route["legs"]:
        assert {"mode", "from", "to", "distance_km", "time_h"} <= set(leg)


def _routes(out: str) -> list[str]:
    return [block for block in out.split("\nroute ")[1:]]


def _cku(out: str) -> None:
    assert "X_TORUGART_RAIL" in out and "KG_MAKMAL" in out  # through the CKU line


def _ferry_not_russia(out: str) -> None:
    blocks = _routes(out)
    assert len(blocks) == 3
    for block in blocks:
        assert "\nferry " in block and "RU_" not in block


def _skim_csv(out: str) -> None:
    lines = out.strip().splitlines()
    assert lines[0].startswith("origin,destination,commodity,generalized_cost_usd_per_t")
    assert len(lines) == 5


def _binding(out: str) -> None:
    assert "binding capacities (shadow price" in out and "solver: optimal" in out


def _paths_json(out: str) -> None:
    data = json.loads(out)
    assert data["solver_status"] == "optimal" and data["method"] == "so"


def _scenarios_side_by_side(out: str) -> None:
    lines = out.splitlines()
    assert lines[0].split() == ["figure", "baseline", "afghan_transit", "carbon_price",
                                "cku_open", "middle_corridor", "northern_closed"]
    northern = next(line for line in lines if line.startswith("corridor northern, Mt/yr"))
    assert northern.split()[-1] == "0.00" and float(northern.split()[-2]) > 1.0


def _montecarlo(out: str) -> None:
    assert out.startswith("baseline: 20 draw(s), seed 1, aon")
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.startswith(("milp ", "bcr "))}
    # the MILP's pick (P10, the Trans-Afghan railway, among it) is the cheaper in every draw
    assert rows["milp"][5] == "100.0" and rows["bcr"][-4] == "0.0"


def _ports_so(out: str) -> None:
    data = json.loads(out)
    assert (data["elements"], data["method"]) == ("ports", "so")
    assert {row["kind"] for row in data["ranking"]} == {"port"}
    assert data["ranking"][0]["delta_unserved_t_per_year"] > 0  # a port is an end point


def _phased(out: str) -> None:
    data = json.loads(out)
    assert data["method"] == "phased" and data["proved_optimal"] is True
    assert set(data["schedule"].values()) <= {2026, 2030}


#: What each README command claims, checked on its output (a new command needs a claim).
CLAIMS = {
    "connectivity places --format json":
        lambda out: {"place_id", "name", "country", "lon", "lat"} <= set(json.loads(out)[0]),
    "connectivity route Xian Tashkent --commodity container --format json": _route_keys,
    "connectivity route Алматы Ташкент --modes rail":
        lambda out: out.startswith("KZ_ALMATY -> UZ_TASHKENT") and "\nrail " in out,
    "connectivity route Kashgar Andijan --modes road --alternatives 3":
        lambda out: len(_routes(out)) == 3 and all(
            "\nrail " not in block for block in _routes(out)),
    "connectivity route Kashgar Andijan --modes rail --year 2030": _cku,
    "connectivity route Kashgar Andijan --modes rail --project P01": _cku,
    "connectivity route Almaty Istanbul --require-mode ferry --alternatives 3 "
    "--avoid-country RU": _ferry_not_russia,
    "connectivity pareto Lianyungang Duisburg --criteria cost_usd_per_t,time_h,co2e_kg_per_t":
        lambda out: "Pareto-optimal routes over cost_usd_per_t, time_h, co2e_kg_per_t" in out,
    "connectivity skim --origins Urumqi Kashgar --destinations Almaty Tashkent --format csv":
        _skim_csv,
    "connectivity assign --method so": _binding,
    "connectivity assign --method so --so-formulation paths --format json": _paths_json,
    "connectivity prioritize --budget 5e9":
        lambda out: re.search(r"method\s+milp", out) and re.search(r"proved_optimal\s+True",
                                                                    out),
    "connectivity prioritize --budget 5e9 --method bcr":
        lambda out: re.search(r"method\s+bcr", out) and re.search(r"proved_optimal\s+False",
                                                                   out),
    "connectivity prioritize --budget 10e9 --method bilevel":
        lambda out: re.search(r"method\s+bilevel", out) and re.search(
            r"proved_optimal\s+True", out),
    "connectivity prioritize --periods 2026:2030 --budgets 5e8,1e9 "
    "--projects P03,P13,P21,P27,P29,P39 --format json": _phased,
    "connectivity appraise P21 P27 P39 --co2-price 50":
        lambda out: all(x in out for x in ("P21", "P39", "together", "sum alone", "npv")),
    "connectivity scenario list":
        lambda out: all(x in out for x in ("baseline", "cku_open", "middle_corridor",
                                           "northern_closed", "carbon_price",
                                           "afghan_transit")),
    "connectivity scenario run --bundled": _scenarios_side_by_side,
    "connectivity scenario montecarlo baseline --draws 20 --seed 1 --portfolio "
    "milp=P05,P10,P11,P21 --portfolio "
    "bcr=P03,P05,P06,P11,P17,P21,P27,P29,P32,P35,P37,P38,P39": _montecarlo,
    "connectivity criticality --elements crossings --top 10":
        lambda out: out.startswith("criticality of crossings (aon, scenario base): 103 "
                                   "evaluated") and len(out.splitlines()) == 14,
    "connectivity criticality --elements ports --method so --format json": _ports_so,
    "connectivity select-link X_KHORGOS_ALTYNKOL_RAIL --method ue":
        lambda out: out.startswith("select-link crossing X_KHORGOS_ALTYNKOL_RAIL")
        and "KZ_ALMATY" in out,
    "connectivity map route Xian Tashkent --out route.png":
        lambda out: out.strip() == "wrote route.png" and _png("route.png"),
    "connectivity map flows --method so --out flows.html":
        lambda out: out.strip() == "wrote flows.html" and _html_offline("flows.html"),
    "connectivity export flows --out flows.gpkg":
        lambda out: out.startswith("wrote flows (") and _gpkg_rows("flows.gpkg") > 300,
    "connectivity skim --origins Urumqi Kashgar --destinations Almaty Tashkent --out skim.omx":
        lambda out: "2 x 2 skim" in out and _omx_shape("skim.omx") == (2, 2),
    "connectivity convert --to gmns --out gmns":
        lambda out: "as gmns" in out and all(
            Path("gmns", f).is_file() for f in ("node.csv", "link.csv", "config.csv")),
    "connectivity --version": lambda out: re.fullmatch(r"connectivity \S+\n", out) is not None,
}


def _png(name: str) -> bool:
    from matplotlib.image import imread

    return imread(name).shape[0] > 100


def _html_offline(name: str) -> bool:
    # no script or stylesheet from the network (links in the attribution are anchors)
    text = Path(name).read_text(encoding="utf-8")
    return ("L.map(" in text and re.search(r"<script[^>]*\ssrc=", text) is None
            and re.search(r"<link[^>]*\shref=[\"']?https?:", text) is None)


def _gpkg_rows(name: str) -> int:
    import geopandas as gpd

    return len(gpd.read_file(name))


def _omx_shape(name: str) -> tuple[int, int]:
    import openmatrix as omx

    with omx.open_file(name) as f:
        return tuple(f[f.list_matrices()[0]].shape)


def test_every_command_has_a_claim() -> None:
    assert sorted(CLAIMS) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_command_prints_what_the_readme_says(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    args = shlex.split(command)[1:]
    monkeypatch.chdir(tmp_path)
    proc = cli(*args, check=False)
    assert proc.returncode == 0, f"{command}: {proc.stderr}"
    claim = CLAIMS[command]
    assert claim(proc.stdout) is not False, command
