"""Scenario files: every bad input named (key, value, what is allowed), nothing run from a
file that fails; the six shipped files read, fit the bundled network and run."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import connectivity as cn
from connectivity.errors import ScenarioError
from connectivity.scenarios import (
    bundled_scenarios,
    check_specs,
    read_spec,
    read_specs,
    run_scenario,
    spec_problems,
)

SHIPPED = {"baseline", "cku_open", "middle_corridor", "northern_closed", "carbon_price",
           "afghan_transit"}


@pytest.fixture(scope="module")
def bundled():
    net = cn.load_bundled()
    return cn.compile_network(net), cn.load_bundled_demand(net)


def _file(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        read_spec(_file(tmp_path, text))
    assert str(tmp_path / "s.toml") in str(info.value)  # the file is named
    return info.value.problems


# one bad input per case: the file, then what its error must say
BAD_FILES = {
    "unknown top-level key": (
        "carbon_prise = 50",
        "top level: unknown key(s) ['carbon_prise']; allowed ['analyses', 'avoid_countries'"),
    "negative number": (
        "carbon_price_usd_per_t_co2e = -5",
        "carbon_price_usd_per_t_co2e=-5 must be a finite number >= 0"),
    "number as text": (
        "dwell_factor = '0.5'", "dwell_factor='0.5' must be a finite number >= 0"),
    "year not whole": ("year = 2030.5", "year=2030.5 must be a whole year, e.g. 2030"),
    "year a typo": ("year = 20300", "year=20300 must be a year from 1900 to 2200"),
    "id list as a string": (
        "closed_links = 'RAIL_ALMATY_SHU'",
        "closed_links must be a list of ids, not the string 'RAIL_ALMATY_SHU'"),
    "id list with a number": ("projects = ['P01', 7]", "projects: [7] are not ids"),
    "country name": (
        "avoid_countries = ['Russia']",
        "avoid_countries: 'Russia' is not an ISO 3166 alpha-2 code (e.g. 'AF')"),
    "unknown mode": ("modes = ['rail', 'boat']",
                     "modes: unknown mode(s) ['boat']; allowed ['road', 'rail'"),
    "unknown mode in a table": (
        "[time_factor]\nboat = 0.5",
        "time_factor: unknown mode 'boat'; allowed ['road', 'rail', 'air', 'sea', 'ferry']"),
    "bad factor": ("[cost_factor]\nrail = -1", "cost_factor['rail']=-1 must be a finite"),
    "negative dwell": (
        "[crossing_dwell_h]\nX_SARYAGASH_RAIL = -2",
        "crossing_dwell_h['X_SARYAGASH_RAIL']=-2 must be a finite number >= 0"),
    "risk over 100 %": (
        "[risk_pct_value_per_day]\nAF = 150",
        "risk_pct_value_per_day['AF']=150 must be a finite number >= 0 and <= 100"),
    "risk key not a country": (
        "[risk_usd_per_t]\nAfghanistan = 5",
        "risk_usd_per_t: 'Afghanistan' is not an ISO 3166 alpha-2 code"),
    "nested unknown key": (
        "year = 2030\nbase_year = 2024\n[growth]\ndefault_pct = 3",
        "growth: unknown key(s) ['default_pct']; allowed ['commodity_pct_per_year', "
        "'corridor_extra_pct_per_year', 'default_pct_per_year']"),
    "growth rate at -100 %": (
        "year = 2030\nbase_year = 2024\n[growth.commodity_pct_per_year]\ncontainer = -100",
        "growth.commodity_pct_per_year['container']=-100 must be a finite number > -100"),
    "corridor not a country pair": (
        "year = 2030\nbase_year = 2024\n[growth.corridor_extra_pct_per_year]\n"
        "China-KZ = 2",
        "growth.corridor_extra_pct_per_year: key 'China-KZ' must be an origin-destination "
        "pair of ISO alpha-2 country codes, e.g. 'CN-KZ'"),
    "growth without years": (
        "[growth]\ndefault_pct_per_year = 3",
        "growth needs both year (the planning year the demand grows to) and base_year"),
    "growth backwards": (
        "year = 2024\nbase_year = 2030\n[growth]\ndefault_pct_per_year = 3",
        "year=2024 is before base_year=2030"),
    "unknown method": (
        "[analyses]\nassignment = 'fw'",
        "analyses.assignment='fw' is not a method; allowed ['aon', 'so', 'ue']"),
    "unknown system-optimum formulation": (
        "[analyses]\nassignment = 'so'\nso_formulation = 'arcs'",
        "analyses.so_formulation='arcs' is not a formulation; allowed ['origin', 'paths']"),
    "route without a destination": (
        "[analyses]\nroutes = [{origin = 'Xian'}]",
        "analyses.routes[0]: missing key 'destination' (a place id or name)"),
    "nested unknown key in a route": (
        "[analyses]\nroutes = [{origin = 'Xian', destination = 'Tashkent', via = 'Almaty'}]",
        "analyses.routes[0]: unknown key(s) ['via']; allowed ['commodity', 'destination', "
        "'origin']"),
    "skim of one place": (
        "[analyses.skim]\nplaces = ['Almaty']",
        "analyses.skim.places=['Almaty'] must be a list of at least two place ids or names"),
    "not TOML": ("year = = 2030", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_names_key_value_and_what_is_allowed(tmp_path, case):
    text, message = BAD_FILES[case]
    problems = _problems(tmp_path, text)
    assert any(message in p for p in problems), problems


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    problems = _problems(tmp_path, """
        carbon_price_usd_per_t_co2e = -1
        colour = "red"
        [analyses]
        assignment = "xx"
        """)
    assert len(problems) == 3, problems


# problems only the network can tell: ids it lacks, years before its base year, growth
# that matches no demand
BAD_FOR_THE_NETWORK = {
    "unknown crossing": ("closed_crossings = ['X_RU_BY']",
                         "closed_crossings: unknown crossing id(s) ['X_RU_BY']; did you mean"),
    "unknown project": ("projects = ['P99']",
                        "projects: unknown link, crossing or project id(s) ['P99']"),
    "unknown place": ("closed_places = ['Almaty']",
                      "closed_places: unknown place id(s) ['Almaty']; did you mean"),
    "unknown dwell crossing": ("[crossing_dwell_h]\nX_NOWHERE = 3",
                               "crossing_dwell_h: unknown crossing id(s) ['X_NOWHERE']"),
    "country not in the network": ("avoid_countries = ['FR']",
                                   "avoid_countries: unknown country id(s) ['FR']; the "
                                   "network has ['AF', 'AT'"),
    "year before the network": ("year = 1990", "year=1990 is before the network's base year"),
    "unknown commodity growth": (
        "year = 2030\nbase_year = 2024\n[growth.commodity_pct_per_year]\ncontainers = 5",
        "growth.commodity_pct_per_year: unknown commodity id(s) ['containers']; did you mean "
        "'container'?"),
    "corridor without demand": (
        "year = 2030\nbase_year = 2024\n[growth.corridor_extra_pct_per_year]\n'DE-AF' = 5",
        "growth.corridor_extra_pct_per_year: corridor(s) ['DE-AF'] match no demand row"),
    "growth that empties a row": (
        "year = 2030\nbase_year = 2024\n[growth]\ndefault_pct_per_year = -60\n"
        "[growth.corridor_extra_pct_per_year]\n'CN-KZ' = -50",
        "growth: demand rows of 'container' on CN-KZ would grow at -110 % a year"),
    "unknown route place": (
        "[analyses]\nroutes = [{origin = 'Almat', destination = 'Tashkent'}]",
        "analyses.routes[0].origin='Almat': unknown place 'Almat'; did you mean"),
    "unknown route commodity": (
        "[analyses]\nroutes = [{origin = 'Almaty', destination = 'Tashkent', "
        "commodity = 'oil'}]",
        "analyses.routes[0].commodity='oil' is not a commodity; known ['bulk_agri'"),
    "equilibrium of an unknown commodity": (
        "[analyses]\nassignment = 'ue'\ncommodity = 'gold'",
        "analyses.commodity='gold' is not a commodity"),
}


@pytest.mark.parametrize("case", sorted(BAD_FOR_THE_NETWORK))
def test_what_the_network_lacks_is_named(tmp_path, bundled, case):
    compiled, demand = bundled
    text, message = BAD_FOR_THE_NETWORK[case]
    spec = read_spec(_file(tmp_path, text))
    problems = spec_problems(spec, compiled, demand)
    assert any(message in p for p in problems), problems
    with pytest.raises(ScenarioError, match="s.toml"):  # and the run refuses it
        run_scenario(spec, compiled, demand)


def test_one_bad_file_stops_all_before_any_runs(tmp_path, bundled, monkeypatch):
    compiled, demand = bundled
    good = _file(tmp_path, "carbon_price_usd_per_t_co2e = 10", "good.toml")
    bad = _file(tmp_path, "closed_links = ['NO_SUCH_LINK']", "bad.toml")
    typo = _file(tmp_path, "dwell_factor = -1", "typo.toml")
    with pytest.raises(ScenarioError) as info:
        read_specs([good, typo, bad])
    assert len(info.value.problems) == 1 and str(typo) in info.value.problems[0]
    specs = read_specs([good, bad])
    with pytest.raises(ScenarioError, match=r"bad.toml: closed_links: unknown link"):
        check_specs(specs, compiled, demand)


def test_names_must_be_unique(tmp_path):
    a = _file(tmp_path, "name = 'same'", "a.toml")
    b = _file(tmp_path, "name = 'same'", "b.toml")
    with pytest.raises(ScenarioError, match=r"name='same' is also the name of .*a.toml"):
        read_specs([a, b])


def test_a_plain_scenario_reader_points_to_the_spec_reader(tmp_path):
    path = _file(tmp_path, "year = 2030\nbase_year = 2024\n[growth]\ndefault_pct_per_year = 1")
    with pytest.raises(ScenarioError, match=r"\['base_year', 'growth'\] describe a planning "
                                            r"run; read the file with connectivity.scenarios"):
        cn.read_scenario(path)
    assert read_spec(path).scenario.year == 2030


def test_the_six_shipped_files_are_installed_read_and_fit_the_network(bundled):
    compiled, demand = bundled
    files = bundled_scenarios()
    assert files[0].stem == "baseline"
    specs = read_specs(files)
    assert {s.name for s in specs} == SHIPPED
    check_specs(specs, compiled, demand)
    for path in files:  # each says what it represents in a comment first
        assert path.read_text(encoding="utf-8").startswith("# ")


def test_the_six_shipped_files_run(bundled):
    compiled, demand = bundled
    results = {s.name: run_scenario(s, compiled, demand) for s in read_specs(bundled_scenarios())}
    base = results["baseline"].figures
    assert base["unserved_t_per_year"] == 0.0
    assert base["demand_t_per_year"] > float(demand["tonnes_per_year"].sum())  # grown
    # each scenario changes what it says it changes
    assert results["cku_open"].figures["crossing_t_per_year.X_TORUGART_RAIL"] > 0.0
    assert base["crossing_t_per_year.X_TORUGART_RAIL"] == 0.0
    assert results["northern_closed"].figures["corridor_t_per_year.northern"] == 0.0
    carbon = results["carbon_price"].figures
    assert carbon["total_cost_usd_per_year"] > base["total_cost_usd_per_year"]
    assert carbon["total_co2e_t_per_year"] < base["total_co2e_t_per_year"]
    afghan = results["afghan_transit"].labels["route.UZ_TERMEZ>AF_KABUL.bulk_agri.modes"]
    assert afghan == "rail" and base["route.UZ_TERMEZ>AF_KABUL.bulk_agri.time_h"] > 0
    middle = results["middle_corridor"].figures
    assert middle["total_time_t_h_per_year"] < base["total_time_t_h_per_year"]
