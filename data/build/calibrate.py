"""Recompute the calibration table: published prices, times and volumes against the model.

Usage::

    python data/build/calibrate.py           # write data/build/calibration_table.csv
    python data/build/calibrate.py --check   # also fail when the fit has degraded

Inputs, both in this folder:

- ``calibration_targets.csv``: published figures (value, low/high range, unit, year,
  source) and whether each was used to fit a parameter (``use = fit``), is a figure of
  the research facts not used to fit (``check``) or one found since and held out to
  check the fit (``holdout``); ``context`` rows (peaks, subsidised prices) are shown but
  left out of the score.
- ``calibration_queries.csv``: for each figure the model question that answers it: a
  least-cost route (origin, destination, commodity, allowed modes, places to pass,
  countries to avoid) read as USD per FEU/TEU/t/kg or days; ``linehaul_usd_per_feu``
  (or ``_teu``) counts only the carriage of the route's legs, without loading, transfers
  and border or port fees, for published port-to-port rates (the sea indices quote the
  ocean freight, not the handling and customs at either end); a question with
  ``relative_to`` set is the ratio of its value to that other question's value, for a
  figure published only as a comparison between two routes of the same source and year;
  or the tonnes the system optimum of the bundled demand puts on a set of crossings
  (``crossing_mt``).

The output ``calibration_table.csv`` has one row per figure with the model's value and
the residual (model / published - 1). A figure fits when the model is within its
published range or within +-25 % of its value. ``--check`` exits 1 when the share of
fitting prices and times falls below :data:`FLOOR` or a fitted figure stops fitting:
the regression gate for anyone changing the data (docs/calibration.md).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

import connectivity as cn
from connectivity.tables.read import bundled_data_dir

HERE = Path(__file__).resolve().parent
TOLERANCE = 0.25
#: Least share of price and time figures (fit and holdout) the model must fit; set just
#: below the share measured when the data were last calibrated.
FLOOR = 0.50


def _ids(cell: object) -> tuple[str, ...]:
    if not isinstance(cell, str) or not cell.strip():
        return ()
    return tuple(x.strip() for x in cell.split(";") if x.strip())


def route_value(net: cn.Network, q: pd.Series) -> tuple[float, str]:
    """The model's answer to one route question, and the mode chain it took."""
    scenario = cn.Scenario(
        name=str(q["target_id"]),
        modes=_ids(q["modes"]) or None,
        avoid_countries=_ids(q["avoid"]),
        projects=_ids(q.get("projects", "")),
    )
    r = cn.route(net, q["origin"], q["destination"], commodity=q["commodity"],
                 scenario=scenario, via=_ids(q["via"]))
    measure = q["measure"]
    if measure.startswith("linehaul_"):
        value_t = _linehaul_usd_per_t(net, r, q)
        measure = measure.removeprefix("linehaul_")
        if measure not in ("usd_per_teu", "usd_per_feu"):
            raise SystemExit(f"{q['target_id']}: unknown measure {q['measure']!r}")
        teu = r.cost_usd_per_teu / r.cost_usd_per_t if r.cost_usd_per_teu else None
        if teu is None:
            raise SystemExit(f"{q['target_id']}: commodity {q['commodity']!r} has no "
                             "tonnes_per_teu")
        return value_t * teu * (2.0 if measure == "usd_per_feu" else 1.0), "-".join(r.modes)
    if measure == "days":
        value = r.time_h / 24.0
    elif measure == "hours":
        value = r.time_h
    elif measure == "usd_per_t":
        value = r.cost_usd_per_t
    elif measure == "usd_per_kg":
        value = r.cost_usd_per_t / 1000.0
    elif measure in ("usd_per_teu", "usd_per_feu"):
        if r.cost_usd_per_teu is None:
            raise SystemExit(f"{q['target_id']}: commodity {q['commodity']!r} has no "
                             "tonnes_per_teu")
        value = r.cost_usd_per_teu * (2.0 if measure == "usd_per_feu" else 1.0)
    else:
        raise SystemExit(f"{q['target_id']}: unknown measure {measure!r}")
    return value, "-".join(r.modes)


def _linehaul_usd_per_t(net: cn.Network, r: cn.Route, q: pd.Series) -> float:
    """The route's carriage alone, USD per tonne: its legs' cost less the border and
    port fees of the crossings on them (transfers are not legs). Only for modes whose
    fees no service scales, so the table's fee is the fee paid."""
    scaled = net.services.loc[net.services["fee_factor"] != 1.0]
    for leg in r.legs:
        hit = scaled.loc[(scaled["mode"] == leg.mode)
                         & scaled["commodities"].str.split(";").map(
                             lambda ids: q["commodity"] in ids)]
        if len(hit):
            raise SystemExit(f"{q['target_id']}: line-haul measure on {leg.mode} legs, "
                             f"whose fees service {hit.iloc[0]['service']!r} scales")
    fee = net.crossings.set_index("crossing_id")["fee_usd_per_t"].astype(float)
    return float(sum(leg.cost_usd_per_t - sum(fee[x] for x in leg.crossings)
                     for leg in r.legs))


def crossing_loads(net: cn.Network) -> pd.Series:
    """Mt per year on each crossing (both directions) in the system optimum of the
    bundled demand."""
    demand = pd.read_csv(bundled_data_dir() / "demand.csv")
    flows = cn.assign_system_optimum(net, demand)
    loads: pd.Series = flows.crossings.groupby("crossing_id")["flow_t_per_year"].sum() / 1e6
    return loads


def build_table() -> pd.DataFrame:
    targets = pd.read_csv(HERE / "calibration_targets.csv", dtype=str, keep_default_na=False)
    queries = pd.read_csv(HERE / "calibration_queries.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(queries["target_id"]) - set(targets["target_id"]))
    if unknown:
        raise SystemExit(f"calibration_queries.csv: unknown target id(s) {unknown}")
    net = cn.load_bundled()
    loads: pd.Series | None = None
    rows = []
    for q in queries.to_dict("records"):
        t = targets.loc[targets["target_id"] == q["target_id"]].iloc[0]
        if q["measure"] == "crossing_mt":
            if loads is None:
                loads = crossing_loads(net)
            model = float(sum(loads.get(x, 0.0) for x in _ids(q["crossings"])))
            chain = "system optimum"
        else:
            model, chain = route_value(net, pd.Series(q))
            if q.get("relative_to"):
                ref = queries.loc[queries["target_id"] == q["relative_to"]]
                if ref.empty:
                    raise SystemExit(f"{q['target_id']}: relative_to names unknown "
                                     f"question {q['relative_to']!r}")
                base, base_chain = route_value(net, ref.iloc[0])
                model, chain = model / base, f"{chain} / {base_chain}"
        value = float(t["value"])
        low = float(t["low"]) if t["low"] else value
        high = float(t["high"]) if t["high"] else value
        residual = model / value - 1.0
        fits = low * (1 - 1e-9) <= model <= high * (1 + 1e-9) or abs(residual) <= TOLERANCE
        rows.append({
            "target_id": t["target_id"],
            "kind": t["kind"],
            "use": t["use"],
            "question": _question(q),
            "published": value,
            "low": t["low"],
            "high": t["high"],
            "unit": t["unit"],
            "year": t["year"],
            "model": round(model, 2),
            "modes": chain,
            "residual_pct": round(100 * residual, 1),
            "fits": fits,
            "source": t["source"],
        })
    return pd.DataFrame(rows)


def _question(q: dict[str, str]) -> str:
    if q["measure"] == "crossing_mt":
        return f"system optimum load on {q['crossings']}"
    parts = [f"{q['origin']} -> {q['destination']}", q["commodity"]]
    for key in ("modes", "via", "avoid", "projects"):
        if q.get(key):
            parts.append(f"{key} {q[key]}")
    text = f"{q['measure']}: " + ", ".join(parts)
    if q.get("relative_to"):
        text += f"; divided by the answer to {q['relative_to']}"
    return text


def score(table: pd.DataFrame) -> tuple[float, list[str]]:
    """Share of fitting price and time figures, and the fitted figures that miss."""
    scored = table[table["kind"].isin(["price", "time"])
                   & table["use"].isin(["fit", "check", "holdout"])]
    share = float(scored["fits"].mean()) if len(scored) else math.nan
    missed = list(table.loc[(table["use"] == "fit") & ~table["fits"], "target_id"])
    return share, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the fit has degraded")
    parser.add_argument("--out", type=Path, default=HERE / "calibration_table.csv",
                        help="where to write the table (default: beside this script)")
    args = parser.parse_args(argv)
    table = build_table()
    table.to_csv(args.out, index=False, lineterminator="\n")
    share, missed = score(table)
    by_use = table[table["kind"].isin(["price", "time"])].groupby("use")["fits"].agg(
        ["sum", "count"])
    print(table[["target_id", "use", "published", "unit", "model", "residual_pct", "fits"]]
          .to_string(index=False))
    print(f"\nprice and time figures within their range or +-{TOLERANCE:.0%}: "
          f"{share:.0%} (floor {FLOOR:.0%})")
    print(by_use.to_string())
    if args.check and (not share >= FLOOR or missed):
        print(f"CALIBRATION DEGRADED: share {share:.0%} < {FLOOR:.0%} or fitted figures "
              f"missed: {missed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
