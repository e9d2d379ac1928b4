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
        ("abc", "links 'L3': length_km='abc' is not a valid float"),
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
