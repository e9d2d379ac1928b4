"""Validation reports every problem at once, naming ids and values."""

from __future__ import annotations

import pandas as pd
import pytest

import connectivity as cn
from connectivity.errors import NetworkValidationError


def _problems(frames: dict[str, pd.DataFrame]) -> list[str]:
    with pytest.raises(NetworkValidationError) as info:
        cn.from_frames(**frames)
    assert str(info.value).startswith("network validation failed")
    return info.value.problems


def test_tiny_network_is_valid(tiny_net):
    assert len(tiny_net.places) == 4
    assert tiny_net.links["length_km"].dtype == "float64"
    assert tiny_net.links.set_index("link_id").at["N1", "year_open"] == 2030


def test_unknown_place_in_link(tiny_frames):
    tiny_frames["links"].loc[0, "to_place"] = "CN_NOWHERE"
    problems = _problems(tiny_frames)
    assert any("links 'L1': to_place='CN_NOWHERE' is not a known place" in p for p in problems)


def test_duplicate_ids(tiny_frames):
    tiny_frames["links"].loc[1, "link_id"] = "L1"
    tiny_frames["places"].loc[1, "place_id"] = "CN_A"
    problems = _problems(tiny_frames)
    assert any("links: duplicate link_id(s) ['L1']" in p for p in problems)
    assert any("places: duplicate place_id(s) ['CN_A']" in p for p in problems)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "links 'L3': length_km is missing"),
        ("0", "links 'L3': length_km=0.0 must be positive"),
        ("-5", "links 'L3': length_km=-5.0 must be positive"),
        ("abc", "links 'L3': length_km='abc' is not a finite number"),
    ],
)
def test_bad_lengths(tiny_frames, value, message):
    tiny_frames["links"].loc[2, "length_km"] = value
    assert any(message in p for p in _problems(tiny_frames))


def test_rail_without_gauge(tiny_frames):
    tiny_frames["links"].loc[0, "gauge_mm"] = ""
    assert "links 'L1': rail link without gauge_mm" in _problems(tiny_frames)


def test_unknown_gauge(tiny_frames):
    tiny_frames["links"].loc[0, "gauge_mm"] = "1067"
    assert any("gauge_mm='1067' is unknown" in p for p in _problems(tiny_frames))


def test_border_link_without_crossing(tiny_frames):
    tiny_frames["crossings"] = tiny_frames["crossings"].iloc[1:]  # drop the rail crossing
    problems = _problems(tiny_frames)
    assert any(
        "links 'L2': rail link 'CN_B' (CN) -> 'KZ_C' (KZ) crosses a border but has no "
        "crossing record" in p
        for p in problems
    )


def test_unknown_mode_and_commodity_mode(tiny_frames):
    tiny_frames["links"].loc[3, "mode"] = "hyperloop"
    tiny_frames["commodities"].loc[0, "allowed_modes"] = "road;pipeline"
    problems = _problems(tiny_frames)
    assert any("links 'R1': mode='hyperloop' is unknown" in p for p in problems)
    assert any("commodities 'container': unknown mode(s) ['pipeline']" in p for p in problems)


def test_unreachable_place(tiny_frames):
    extra = pd.DataFrame(
        [["KZ_E", "Echo", "KZ", "83", "44", "city", "road", "test"]],
        columns=tiny_frames["places"].columns,
    )
    tiny_frames["places"] = pd.concat([tiny_frames["places"], extra], ignore_index=True)
    problems = _problems(tiny_frames)
    assert any("['KZ_E']: unreachable by any mode" in p for p in problems)


def test_missing_terminal_for_link(tiny_frames):
    tiny_frames["places"].loc[3, "terminals"] = "road"
    problems = _problems(tiny_frames)
    assert any("place 'KZ_D' has no rail_1520 terminal" in p for p in problems)


def test_all_problems_reported_together(tiny_frames):
    tiny_frames["links"].loc[0, "to_place"] = "NOPE"
    tiny_frames["links"].loc[2, "length_km"] = "-1"
    tiny_frames["places"].loc[0, "lat"] = "123"
    tiny_frames["modes"].loc[0, "speed_kmh"] = "0"
    problems = _problems(tiny_frames)
    assert len(problems) >= 4
    text = "\n".join(problems)
    for piece in ("'NOPE'", "length_km=-1.0", "lat=123.0", "speed_kmh=0.0"):
        assert piece in text


def test_nothing_silently_changed(tiny_frames, tiny_net):
    # Every input row survives loading, in order.
    assert list(tiny_net.links["link_id"]) == list(tiny_frames["links"]["link_id"])
    assert list(tiny_net.places["place_id"]) == list(tiny_frames["places"]["place_id"])


def test_missing_column(tiny_frames):
    tiny_frames["links"] = tiny_frames["links"].drop(columns=["length_km"])
    problems = _problems(tiny_frames)
    assert any("links: missing required column(s) ['length_km']" in p for p in problems)


def test_missing_load_transfer(tiny_frames):
    t = tiny_frames["transfers"]
    tiny_frames["transfers"] = t[~((t.from_terminal == "place") & (t.to_terminal == "road"))]
    problems = _problems(tiny_frames)
    assert any("no load row place->road" in p for p in problems)


def test_capacity_units_are_checked(tiny_frames):
    # a capacity in another unit would be ignored by the flow models: refuse it
    tiny_frames["links"]["capacity"] = ["5", "", "", "", "", "", ""]
    tiny_frames["links"]["capacity_unit"] = ["trains_per_day", "", "", "", "", "", ""]
    tiny_frames["crossings"]["capacity"] = ["-1", "", ""]
    tiny_frames["crossings"]["capacity_unit"] = ["t_per_year", "", ""]
    problems = _problems(tiny_frames)
    assert any("links 'L1': capacity_unit='trains_per_day' is not 't_per_year'" in p
               for p in problems)
    assert "crossings 'X_RAIL': capacity=-1.0 must be >= 1" in problems


def test_throughput_table_is_checked(tiny_frames):
    tiny_frames["throughput"] = pd.DataFrame({
        "place_id": ["KZ_C", "KZ_ZZ", "CN_A", "KZ_C", "KZ_D"],
        "terminal": ["rail_1520", "road", "ferry", "rail_1520", "road"],
        "capacity": ["100", "100", "100", "100", "lots"],
        "capacity_unit": ["t_per_year", "t_per_year", "t_per_year", "t_per_year", "TEU"],
    })
    problems = _problems(tiny_frames)
    assert "throughput KZ_ZZ/road: place_id='KZ_ZZ' is not a known place" in problems
    assert any("throughput CN_A/ferry: place 'CN_A' has no 'ferry' terminal" in p
               for p in problems)
    assert "throughput KZ_C/rail_1520: duplicate row" in problems
    assert "throughput KZ_D/road: capacity='lots' is not a finite number" in problems
    assert not any("KZ_D/road: capacity_unit" in p for p in problems)  # no capacity read


def test_throughput_table_is_optional_and_round_trips(tiny_frames, tmp_path):
    net = cn.from_frames(**tiny_frames)
    assert len(net.throughput) == 0
    tiny_frames["throughput"] = pd.DataFrame({
        "place_id": ["KZ_C"], "terminal": ["rail_1520"], "capacity": ["100"],
        "capacity_unit": ["t_per_year"]})
    net = cn.from_frames(**tiny_frames)
    for name, frame in tiny_frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    again = cn.read_network(tmp_path)
    assert again.throughput["capacity"].tolist() == [100.0]
    back = cn.from_networkx(cn.to_networkx(net))
    assert back.throughput["place_id"].tolist() == ["KZ_C"]


PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2"],
    "name": ["new road A-D", "rail upgrade"],
    "kind": ["new_link", "upgrade"],
    "link_ids": ["N1;X_NEW", "L1;L2;L3"],
    "capital_cost_usd": ["100000000", ""],
    "status": ["planned", "existing"],
    "year_open": ["2030", ""],
    "source": ["test", "test"],
})


def test_projects_table_is_loaded_and_optional(tiny_frames, tmp_path):
    assert len(cn.from_frames(**tiny_frames).projects) == 0
    net = cn.from_frames(**tiny_frames, projects=PROJECTS.copy())
    assert net.projects["project_id"].tolist() == ["P1", "P2"]
    assert net.projects["capital_cost_usd"].tolist()[0] == 1e8
    for name, frame in {**tiny_frames, "projects": PROJECTS}.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assert cn.read_network(tmp_path).projects["project_id"].tolist() == ["P1", "P2"]
    bundled = cn.load_bundled().projects
    assert len(bundled) >= 20 and bundled["project_id"].is_unique


def test_projects_table_is_checked(tiny_frames):
    bad = PROJECTS.copy()
    bad.loc[0, "kind"] = "bridge"
    bad.loc[0, "link_ids"] = "N1;L9"
    bad.loc[1, "capital_cost_usd"] = "-5"
    bad.loc[1, "status"] = "dreamt"
    bad = pd.concat([bad, bad.iloc[[0]].assign(project_id="L1")], ignore_index=True)
    bad = pd.concat([bad, bad.iloc[[1]]], ignore_index=True)
    problems = _problems({**tiny_frames, "projects": bad})
    for expected in (
        "projects: duplicate project_id(s) ['P2']",
        "projects 'P1': kind='bridge' is unknown; allowed ['new_link', 'upgrade', 'crossing',",
        "projects 'P1': link_ids ['L9'] are not known link or crossing ids",
        "projects 'P2': capital_cost_usd=-5.0 is negative",
        "projects 'P2': status='dreamt' is unknown",
        "projects 'L1': project_id is also a link or crossing id",
    ):
        assert any(expected in p for p in problems), (expected, problems)


def _float_columns() -> list[tuple[str, str, float | None, bool]]:
    from connectivity.tables import COLUMNS

    return [(table, c.name, c.minimum, c.strict) for table, cols in COLUMNS.items()
            for c in cols if c.kind == "float"]


_LABEL = {"places": "places 'CN_A'", "links": "links 'L1'", "crossings": "crossings 'X_RAIL'",
          "transfers": "transfers row 2", "modes": "modes 'road'",
          "commodities": "commodities 'container'", "throughput": "throughput KZ_C/rail_1520",
          "projects": "projects 'P1'", "services": "services 'block'",
          "countries": "countries 'CN'"}


def _with_value(frames: dict[str, pd.DataFrame], table: str, column: str, value: str) -> None:
    frames["throughput"] = pd.DataFrame({"place_id": ["KZ_C"], "terminal": ["rail_1520"],
                                         "capacity": ["100"], "capacity_unit": ["t_per_year"]})
    frames["projects"] = PROJECTS.iloc[[0]].copy()
    frames["services"] = pd.DataFrame({"service": ["block"], "mode": ["rail"],
                                       "commodities": ["container"],
                                       "cost_usd_per_tkm": ["0.01"], "fee_factor": ["0.5"]})
    frames["countries"] = pd.DataFrame({"country": ["CN"], "risk_usd_per_t": ["1"],
                                        "risk_pct_value_per_day": ["0.1"]})
    frame = frames[table]
    if column not in frame.columns:
        frame[column] = ""
    if table == "projects" and column in ("capital_cost_low_usd", "capital_cost_high_usd"):
        frame["capital_cost_usd"] = ""  # a range check of its own would also fire
    if table == "projects" and column == "dwell_h_saved":
        frame["crossing_ids"] = "X_RAIL"  # a saving names the crossings it applies to
    if column == "capacity" and "capacity_unit" in frame.columns:
        frame.loc[0, "capacity_unit"] = "t_per_year"
    elif column == "capacity":
        frame["capacity_unit"] = ["t_per_year"] + [""] * (len(frame) - 1)
    frame.loc[0, column] = value


@pytest.mark.parametrize(("table", "column", "minimum", "strict"), _float_columns(),
                         ids=[f"{t}.{c}" for t, c, _, _ in _float_columns()])
def test_every_number_is_finite_and_in_range(tiny_frames, table, column, minimum, strict):
    # before: inf and nan passed validation and failed in a kernel ("weight[664] is NaN")
    # or silently dropped a mode; a negative risk failed later on a negative weight
    for value in ("inf", "-inf", "nan", "1e999"):
        frames = {k: v.copy() for k, v in tiny_frames.items()}
        _with_value(frames, table, column, value)
        problems = _problems(frames)
        expected = f"{_LABEL[table]}: {column}={value!r} is not a finite number"
        assert expected in problems, (expected, problems)
    if minimum is None:
        return
    for value, ok in (("-1", False), ("0", minimum < 0 or (minimum == 0 and not strict)),
                      ("2.5", True)):
        frames = {k: v.copy() for k, v in tiny_frames.items()}
        _with_value(frames, table, column, value)
        if ok:
            if column in ("dwell_h", "dwell_h_low", "dwell_h_high") or (table == "links" and column
                                                              in ("time_h", "speed_kmh")):
                continue  # other rules relate these to their neighbours
            cn.from_frames(**frames)
            continue
        problems = _problems(frames)
        if minimum == 0:
            word = "must be positive" if strict else "is negative"
        else:
            word = f"must be {'>' if strict else '>='} {minimum:g}"
        expected = f"{_LABEL[table]}: {column}={float(value)} {word}"
        assert expected in problems, (expected, problems)
