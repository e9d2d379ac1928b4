"""The example corridor analyses run as a user runs them, print what is committed, draw
their figure, and print facts that an independent computation confirms.

Each ``examples/NAME.py`` must exit 0, print exactly ``examples/output/NAME.txt`` (so an
output shown in the repository is the output of the code next to it) and write
``NAME.png`` that decodes as an image. After a deliberate change, regenerate with
``cd /tmp && python examples/NAME.py > examples/output/NAME.txt``. The scripts run in
this process (``run_script``: runpy, as ``__main__``).

The fact tests read the committed outputs (equal to what the scripts print, by the test
above) and recompute a few key numbers another way: a route's time by
:func:`connectivity.route`, a corridor's tonnes from an assignment's crossings, a
shadow price by the other LP formulation, and so on. A printed number matches when it
is within half a unit of its last printed digit.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import connectivity as cn
from clirun import run_script
from connectivity.scenarios import bundled_scenarios, grow_demand, read_spec, select_link

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))
#: The eight analyses of the examples' README, one script each.
EXPECTED = {"afghan_transit", "border_bottlenecks", "carbon_price", "china_to_central_asia",
            "cku_railway", "closure_rerouting", "investment_portfolio", "middle_corridor"}


def test_every_example_has_an_output_and_a_readme_entry() -> None:
    assert {s.stem for s in SCRIPTS} == EXPECTED
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for script in SCRIPTS:
        assert (EXAMPLES / "output" / f"{script.stem}.txt").is_file(), script.name
        assert f"`{script.name}`" in readme, script.name
    outputs = {p.stem for p in (EXAMPLES / "output").glob("*.txt")}
    assert outputs == EXPECTED, "an output without its script"


def _check_png(path: Path) -> None:
    import matplotlib.image

    assert path.is_file() and path.stat().st_size > 0, path
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and image.shape[0] > 200 and image.shape[1] > 200, image.shape
    assert float(np.ptp(image[..., :3])) > 0.5, "a blank figure"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_prints_its_committed_output(
    script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # from anywhere, like a user with the package installed
    proc = run_script(capfd, script, check=False)
    assert proc.returncode == 0, proc.stderr
    expected = (EXAMPLES / "output" / f"{script.stem}.txt").read_text(encoding="utf-8")
    assert proc.stdout == expected
    assert proc.stdout.rstrip().endswith(f"figure: {script.stem}.png")
    _check_png(tmp_path / f"{script.stem}.png")


def test_out_argument_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figs").mkdir()
    proc = run_script(capfd, EXAMPLES / "carbon_price.py", "--out", "figs")
    assert proc.stdout.rstrip().endswith("figure: figs/carbon_price.png")
    _check_png(tmp_path / "figs" / "carbon_price.png")
    assert not (tmp_path / "carbon_price.png").exists()


# ---- reading the committed outputs ---------------------------------------------------

def _output(name: str) -> str:
    return (EXAMPLES / "output" / f"{name}.txt").read_text(encoding="utf-8")


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def _row(text: str, *first: str) -> list[str]:
    """The cells of the one table row whose first cells are ``first``."""
    rows = [c for c in map(_cells, text.splitlines()) if c[:len(first)] == list(first)]
    assert len(rows) == 1, (first, rows)
    return rows[0]


def _matches(cell: str, value: float) -> bool:
    """``cell`` shows ``value``: within half a unit of its last digit."""
    text = cell.replace(",", "")
    if "e" in text:
        return bool(np.isclose(float(text), value, rtol=1e-2))
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(float(text) - value) <= 0.5 * 10.0 ** -decimals + 1e-9


def _number_after(text: str, pattern: str) -> float:
    found = re.search(pattern, text)
    assert found, pattern
    return float(found.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def bundled() -> tuple[cn.Network, cn.CompiledNetwork, pd.DataFrame]:
    net = cn.load_bundled()
    return net, cn.compile_network(net), cn.load_bundled_demand(net)


def _spec(name: str):  # type: ignore[no-untyped-def]
    return read_spec(next(p for p in bundled_scenarios() if p.stem == name))


# ---- the facts -------------------------------------------------------------------------

def test_china_to_central_asia_routes(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, _ = bundled
    text = _output("china_to_central_asia")
    year = _spec("baseline").scenario.year
    for capital in ["Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat"]:
        for chain, modes in (("rail", ("rail",)), ("road", ("road",))):
            r = cn.route(comp, "Xi'an", capital, scenario=cn.Scenario(year=year, modes=modes))
            row = _row(text, capital, chain)
            assert _matches(row[3], r.time_h) and _matches(row[4], r.cost_usd_per_t), row
            assert _matches(row[5], r.co2e_kg_per_t), row
        costs = {c: float(_row(text, capital, c)[4].replace(",", ""))
                 for c in ("road", "rail", "rail+road", "best")}
        assert costs["best"] <= min(costs.values())  # the free choice is never dearer
        assert "road" in _row(text, capital, "rail+road")[2]


def test_middle_corridor_routes_and_corridor_tonnes(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, demand = bundled
    text = _output("middle_corridor")
    base = _spec("baseline")
    middle = cn.route(comp, "Xi'an", "Duisburg", require_modes=["ferry"],
                      scenario=dataclasses.replace(base.scenario, avoid_countries=("RU", "BY")))
    row = _row(text, "Middle Corridor")
    assert _matches(row[2], middle.time_h / 24) and _matches(row[3], middle.cost_usd_per_t)
    assert "AZ_ALAT_PORT" in row[6]
    north = cn.route(comp, "Xi'an", "Duisburg",
                     scenario=dataclasses.replace(base.scenario, modes=("rail",)))
    assert "X_RU_BY_RAIL" in north.crossings
    assert _matches(_row(text, "northern (rail via Russia)")[3], north.cost_usd_per_t)
    # the northern corridor's tonnes: the assignment's flow through the RU-BY crossings
    flows = cn.assign_aon(comp, grow_demand(base, comp, demand), scenario=base.scenario)
    ru_by = flows.crossings[flows.crossings["crossing_id"].str.startswith("X_RU_BY_")]
    row = _row(text, "northern")
    assert _matches(row[1], ru_by["flow_t_per_year"].sum() / 1e6)
    assert float(row[3]) == 0.0  # northern_closed.toml


def test_cku_railway_skims_and_tonnes(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, demand = bundled
    text = _output("cku_railway")
    spec = _spec("cku_open")
    r = cn.route(comp, "Kashgar", "Andijan",
                 scenario=dataclasses.replace(spec.scenario, modes=("rail",)))
    row = _row(text, "CN_KASHGAR", "UZ_ANDIJAN")
    assert _matches(row[3], r.time_h) and _matches(row[8], r.distance_km)
    before = _row(text, "CN_KASHGAR", "UZ_ANDIJAN")[2]
    assert float(before) > r.time_h  # the line saves time
    through = select_link(comp, grow_demand(spec, comp, demand), "RAIL_KASHGAR_TORUGART",
                          scenario=spec.scenario).through_t_per_year
    assert through > 0
    assert _matches(f"{_number_after(text, r'On the CKU .*?: ([0-9.]+) Mt'):.2f}",
                    through / 1e6)
    assert float(_row(text, "X_TORUGART_RAIL")[1]) == 0.0  # closed in the baseline


def test_border_bottlenecks_shadow_prices(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, demand = bundled
    text = _output("border_bottlenecks")
    spec = _spec("baseline")
    # the script solves by column generation; here the origin-based arc LP
    so = cn.assign_system_optimum(comp, grow_demand(spec, comp, demand),
                                  scenario=spec.scenario, formulation="origin")
    binding = so.binding()
    section = text.split("Demand of 2035")[0]
    assert len(binding) == _number_after(section, r"(\d+) binding capacities")
    for b in binding.itertuples(index=False):
        row = _row(section, b.kind, b.id)
        assert _matches(row[4], b.shadow_price_usd_per_t), row
        assert _matches(row[3], b.flow_t_per_year / 1e6), row


def test_investment_portfolio_costs_and_ranking(bundled) -> None:  # type: ignore[no-untyped-def]
    net, _, _ = bundled
    text = _output("investment_portfolio")
    capital = net.projects.set_index("project_id")["capital_cost_usd"]
    benefit = {}
    for method in ("milp", "bcr"):
        row = _row(text, method)
        chosen = row[1].split()
        cost_bn = float(capital.loc[chosen].sum()) / 1e9
        assert _matches(row[2], cost_bn) and cost_bn <= 5.0 + 1e-9, row
        benefit[method] = float(row[3])
    assert benefit["milp"] >= benefit["bcr"]
    assert _row(text, "milp")[4] == "yes"


def test_closure_rerouting_cost_and_tonnes(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, demand = bundled
    text = _output("closure_rerouting")
    spec = _spec("baseline")
    d = grow_demand(spec, comp, demand)
    top = _cells(text.splitlines()[3])[0]  # the first row of the ranking
    base = cn.assign_aon(comp, d, scenario=spec.scenario)
    shut = cn.assign_aon(comp, d, scenario=dataclasses.replace(spec.scenario,
                                                               closed_crossings=(top,)))
    row = _row(text, top)
    assert _matches(row[3], (shut.total_cost_usd - base.total_cost_usd) / 1e6), row
    through = base.crossings.loc[base.crossings["crossing_id"] == top, "flow_t_per_year"]
    assert _matches(row[2], float(through.sum()) / 1e6), row
    gains = text.split(f"With {top} closed")[1]
    first_gain = _cells(gains.splitlines()[3])  # crossing, before, after, change
    after = shut.crossings.loc[shut.crossings["crossing_id"] == first_gain[0],
                               "flow_t_per_year"]
    assert _matches(first_gain[2], float(after.sum()) / 1e6), first_gain
    assert float(first_gain[3].replace(",", "")) > 0


def test_carbon_price_tonne_km(bundled) -> None:  # type: ignore[no-untyped-def]
    net, comp, demand = bundled
    text = _output("carbon_price")
    spec = _spec("carbon_price")
    length = net.links.set_index("link_id")["length_km"]
    d = grow_demand(spec, comp, demand)
    for price in (0.0, 600.0):
        scen = dataclasses.replace(spec.scenario, carbon_price_usd_per_t_co2e=price)
        a = cn.assign_aon(comp, d, scenario=scen)
        links = a.links.assign(tkm=a.links["flow_t_per_year"]
                               * length.loc[a.links["link_id"]].to_numpy())
        tkm = links.groupby("mode")["tkm"].sum()
        row = _row(text, f"{price:.1f}")
        for k, mode in enumerate(("road", "rail", "sea")):
            assert _matches(row[1 + k], float(tkm.get(mode, 0.0)) / 1e9), (mode, row)
        assert _matches(row[6], a.total_co2e_t / 1e6), row
    first, last = _row(text, "0.0"), _row(text, "600.0")
    assert float(last[6]) < float(first[6])  # a price cuts emissions


def test_afghan_transit_railway_share(bundled) -> None:  # type: ignore[no-untyped-def]
    _, comp, demand = bundled
    text = _output("afghan_transit")
    spec = _spec("afghan_transit")
    d = grow_demand(spec, comp, demand)
    afghan = d[d["origin"].str.startswith("AF_") | d["destination"].str.startswith("AF_")]
    on_rail = 0.0
    for row in afghan.itertuples(index=False):
        r = cn.route(comp, row.origin, row.destination, commodity=row.commodity,
                     scenario=spec.scenario)
        if "RAIL_MAZAR_KABUL" in {i for leg in r.legs for i in leg.link_ids}:
            on_rail += row.tonnes_per_year
    share = 100 * on_rail / float(afghan["tonnes_per_year"].sum())
    row = _row(text, "0.1 (table)")
    assert _matches(row[1], on_rail / 1e6) and _matches(row[2], share), row
    assert float(_row(text, "none")[4]) == 0.0  # no premium, nothing paid
    peshawar = cn.route(comp, "Tashkent", "Peshawar", scenario=spec.scenario)
    assert _matches(_row(text, "Tashkent > Peshawar", "container", "table")[6],
                    peshawar.risk_usd_per_t)
