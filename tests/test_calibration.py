"""The calibration gate: the bundled data still fit the published figures they fitted.

``data/build/calibrate.py --check`` recomputes every figure of
``data/build/calibration_targets.csv`` from the package and fails when a fitted figure
stops fitting or the share of fitting prices and times falls below its floor
(docs/calibration.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "data" / "build" / "calibrate.py"

pytestmark = pytest.mark.skipif(not SCRIPT.is_file(), reason="needs a source checkout")


def test_calibration_has_not_degraded(tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    done = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    table = pd.read_csv(out)
    # every question was answered, and the committed table is the one the data give
    assert table["model"].notna().all()
    committed = pd.read_csv(SCRIPT.parent / "calibration_table.csv")
    pd.testing.assert_series_equal(table["model"], committed["model"], rtol=1e-6)


def test_market_mode_choice() -> None:
    import connectivity as cn

    net = cn.load_bundled()
    # ordinary containers Shanghai-Rotterdam go by sea; e-commerce flies to Europe
    assert cn.route(net, "Shanghai", "Rotterdam").modes == ("sea",)
    assert "air" in cn.route(net, "Shanghai", "Duisburg", commodity="ecommerce").modes
    # no multi-thousand-km truck legs where rail exists
    for d in ("Tashkent", "Bishkek", "Ashgabat"):
        r = cn.route(net, "Xi'an", d)
        road_km = sum(leg.distance_km for leg in r.legs if leg.mode == "road")
        assert road_km < 1000, (d, r.modes)
    # containers report a price per TEU at 14 t per TEU
    r = cn.route(net, "Xi'an", "Duisburg", scenario=cn.Scenario(modes=("rail",)))
    assert r.cost_usd_per_teu == pytest.approx(14 * r.cost_usd_per_t)
