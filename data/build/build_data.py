"""Build the bundled network tables in ``data/`` from the research facts.

Usage::

    python data/build/build_data.py [FACTS_DIR]

``FACTS_DIR`` defaults to ``../shared/facts`` beside the repository and must hold ``nodes.csv``,
``links.csv`` and ``parameters.csv`` (the research tables). Hand-curated tables kept
next to this script (``*_curated.csv``, ``airports_fold.csv``, ``circuity.csv``,
``demand_basis.csv``) say how the facts become our schema (docs/data-schema.md).

The script only uses the standard library, numpy and pandas. It ends with a self-check
that raises ``SystemExit`` with every problem found (duplicate ids, unknown places,
bad lengths, rail without gauge, border links without a crossing, isolated places,
published lengths shorter than the great circle, a disconnected graph, missing
gateway-to-capital routes).
"""

from __future__ import annotations

import sys
from collections import defaultdict, deque
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
DEFAULT_FACTS = OUT.parent.parent / "shared" / "facts"  # ../shared/facts beside the repo

EARTH_RADIUS_KM = 6371.0088
TONNES_PER_SHIPMENT = 20.0  # CPMM normalises costs to a 20 t consignment / truck


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)))


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def num(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    rounded = round(float(value), digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def short(place_id: str) -> str:
    return place_id.split("_", 1)[1]


# --------------------------------------------------------------------------- places


def build_places(facts: Path) -> tuple[pd.DataFrame, dict[str, tuple[float, float]]]:
    nodes = read(facts / "nodes.csv").set_index("node_id")
    curated = read(HERE / "places_curated.csv")
    fold = read(HERE / "airports_fold.csv")
    airport_of: dict[str, list[str]] = defaultdict(list)
    for row in fold.itertuples(index=False):
        airport_of[row.place_id].append(row.iata)

    rows = []
    coords: dict[str, tuple[float, float]] = {}
    for r in curated.itertuples(index=False):
        fact = nodes.loc[r.facts_id] if r.facts_id else None
        if r.lon:
            lon, lat = float(r.lon), float(r.lat)
            coord_est = r.coord_estimate == "true"
            source = r.source
        else:
            assert fact is not None, r.place_id
            lon, lat = float(fact["lon"]), float(fact["lat"])
            coord_est = "estimate" in fact["coord_source"].lower() or fact[
                "coord_confidence"
            ].lower().startswith(("estimate", "approx"))
            source = fact["coord_source"]
            if fact["coord_confidence"]:
                source += f" ({fact['coord_confidence']})"
        codes = airport_of.get(r.place_id, [])
        if codes and r.kind != "airport":
            source += "; air terminal: airport(s) " + "/".join(codes) + " (airportsdata 20260905)"
        rows.append(
            {
                "place_id": r.place_id,
                "name": r.name,
                "country": r.country,
                "lon": round(lon, 5),
                "lat": round(lat, 5),
                "kind": r.kind,
                "terminals": "",
                "coord_estimate": "true" if coord_est else "false",
                "source": source,
                "x_air": bool(codes),
            }
        )
        coords[r.place_id] = (lon, lat)
    return pd.DataFrame(rows), coords


# --------------------------------------------------------------------------- links


def build_links(
    facts: Path, coords: dict[str, tuple[float, float]]
) -> tuple[pd.DataFrame, list[str]]:
    flinks = read(facts / "links.csv").set_index("link_id")
    fnodes = read(facts / "nodes.csv").set_index("node_id")
    circ = read(HERE / "circuity.csv").set_index("circuity_class")
    cur = read(HERE / "links_curated.csv")
    notes: list[str] = []

    def gc(a: str, b: str) -> float:
        return haversine_km(*coords[a], *coords[b])

    # splits of published totals: group key = (total, note)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(cur.itertuples(index=False)):
        if r.length_rule == "split":
            groups[(r.length_value, r.length_note)].append(i)

    rows = []
    for i, r in enumerate(cur.itertuples(index=False)):
        g = gc(r.from_place, r.to_place)
        est, method = False, ""
        if r.length_rule == "published":
            length = float(r.length_value)
            method = r.length_note  # context only (alternative figures)
        elif r.length_rule == "derived":
            length, est, method = float(r.length_value), True, r.length_note
        elif r.length_rule == "facts_derived":
            f = flinks.loc[r.facts_link]
            length, est, method = float(f["length_km_derived"]), True, f["derived_method"]
        elif r.length_rule == "split":
            members = groups[(r.length_value, r.length_note)]
            total_gc = sum(
                gc(cur.iloc[j]["from_place"], cur.iloc[j]["to_place"]) for j in members
            )
            length = float(r.length_value) * g / total_gc
            est = True
            method = f"split of published total by great-circle share: {r.length_note}"
        elif r.length_rule == "gc":
            factor = float(circ.loc[r.circuity, "factor"])
            length, est = g * factor, True
            method = f"gc x {factor:g} ({r.circuity})"
            if r.length_note:
                method += "; " + r.length_note
        else:
            raise SystemExit(f"unknown length_rule {r.length_rule!r}")
        rows.append(
            {
                "tag": r.tag,
                "from_place": r.from_place,
                "to_place": r.to_place,
                "mode": r.mode,
                "name": r.name,
                "length_km": round(length, 1),
                "length_estimate": "true" if est else "false",
                "length_method": method,
                "gauge_mm": r.gauge_mm,
                "speed_kmh": "",
                "time_h": r.time_h,
                "capacity": r.capacity,
                "capacity_unit": "t_per_year" if r.capacity else "",
                "status": r.status,
                "year_open": r.year_open,
                "two_way": "true",
                "corridor": r.corridor,
                "source": r.source,
                "x_gc": g,
                "x_published": r.length_rule == "published",
                "x_facts": r.facts_link,
            }
        )

    # scheduled air routes from the facts (airports folded into their places)
    fold = read(HERE / "airports_fold.csv").set_index("iata")
    factor = float(circ.loc["air", "factor"])
    via = {"L157": "URC", "L158": "URC"}  # China Southern Xi'an-Ashgabat/Dushanbe via Urumqi
    for lid, f in flinks[flinks["mode"] == "air"].iterrows():
        a_code, b_code = f["from_node"][3:], f["to_node"][3:]
        path = [a_code] + ([via[lid]] if lid in via else []) + [b_code]
        legs = 0.0
        for x, y in zip(path, path[1:], strict=False):
            nx_, ny_ = fnodes.loc["AP_" + x], fnodes.loc["AP_" + y]
            legs += haversine_km(
                float(nx_["lon"]), float(nx_["lat"]), float(ny_["lon"]), float(ny_["lat"])
            )
        a, b = fold.loc[a_code, "place_id"], fold.loc[b_code, "place_id"]
        route = "-".join(path)
        method = f"gc x {factor:g} (air) between airport reference points {route}"
        if lid in via:
            method += " (one-stop service: sum of both legs)"
        rows.append(
            {
                "tag": "",
                "from_place": a,
                "to_place": b,
                "mode": "air",
                "name": f"{route} scheduled air service",
                "length_km": round(legs * factor, 1),
                "length_estimate": "true",
                "length_method": method,
                "gauge_mm": "",
                "speed_kmh": "",
                "time_h": "",
                "capacity": "",
                "capacity_unit": "",
                "status": "existing",
                "year_open": "",
                "two_way": "true",
                "corridor": "air",
                "source": f"{f['source']} ({f['airlines_frequency']})",
                "x_gc": haversine_km(*coords[a], *coords[b]),
                "x_published": False,
                "x_facts": lid,
            }
        )

    links = pd.DataFrame(rows)
    base = [
        f"{m.upper()}_{short(a)}_{short(b)}"
        for m, a, b in zip(links["mode"], links["from_place"], links["to_place"], strict=True)
    ]
    counts = pd.Series(base).value_counts()
    ids = []
    for b, tag in zip(base, links["tag"], strict=True):
        ids.append(f"{b}_{tag}" if counts[b] > 1 and tag else b)
    links.insert(0, "link_id", ids)
    used = set(links["x_facts"])
    for lid in flinks.index:
        if lid not in used:
            notes.append(lid)
    return links, notes


# --------------------------------------------------------------------------- terminals


def assign_terminals(places: pd.DataFrame, links: pd.DataFrame) -> None:
    terms: dict[str, set[str]] = {p: {"road"} for p in places["place_id"]}
    for r in links.itertuples(index=False):
        if r.mode == "rail":
            g = str(r.gauge_mm)
            ga, gb = g.split("-") if "-" in g else (g, g)
            terms[r.from_place].add(f"rail_{ga}")
            terms[r.to_place].add(f"rail_{gb}")
        else:
            terms[r.from_place].add(r.mode)
            terms[r.to_place].add(r.mode)
    # gauge change inside a country: Makmal (CKU) holds both gauges
    terms["KG_MAKMAL"].update({"rail_1435", "rail_1520"})
    for i, r in places.iterrows():
        t = terms[r["place_id"]]
        if r["x_air"]:
            t.add("air")
        order = ["road", "rail_1435", "rail_1520", "air", "sea", "ferry"]
        places.at[i, "terminals"] = ";".join(x for x in order if x in t)


# --------------------------------------------------------------------------- crossings


def build_crossings() -> pd.DataFrame:
    cur = read(HERE / "crossings_curated.csv")
    rows = []
    for r in cur.itertuples(index=False):
        fee = num(r.fee_usd_per_shipment)
        method = r.method
        if fee:
            method += (
                f"; fee converted at USD {fmt(fee, 0)} per shipment / "
                f"{TONNES_PER_SHIPMENT:g} t"
            )
        rows.append(
            {
                "crossing_id": r.crossing_id,
                "name": r.name,
                "place_a": r.place_a,
                "place_b": r.place_b,
                "mode": r.mode,
                "dwell_h": r.dwell_h,
                "dwell_h_low": r.dwell_h_low,
                "dwell_h_high": r.dwell_h_high,
                "fee_usd_per_t": fmt(fee / TONNES_PER_SHIPMENT, 2) if fee is not None else "",
                "capacity": r.capacity_t_per_year,
                "capacity_unit": "t_per_year" if r.capacity_t_per_year else "",
                "gauge_change": r.gauge_change,
                "regime": r.regime,
                "status": r.status,
                "year_open": r.year_open,
                "estimate": "true",
                "method": method,
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)


def build_throughput(places: pd.DataFrame) -> pd.DataFrame:
    """Terminal throughput capacities (ports, dry ports) in t/year, with their sources."""
    cur = read(HERE / "throughput_curated.csv")
    terminals = dict(zip(places["place_id"], places["terminals"], strict=True))
    rows = []
    for r in cur.itertuples(index=False):
        if r.place_id not in terminals:
            raise SystemExit(f"throughput_curated.csv: unknown place {r.place_id!r}")
        if r.terminal not in terminals[r.place_id].split(";"):
            raise SystemExit(
                f"throughput_curated.csv: {r.place_id} has no {r.terminal} terminal "
                f"({terminals[r.place_id]})"
            )
        rows.append({
            "place_id": r.place_id,
            "terminal": r.terminal,
            "capacity": r.capacity_t_per_year,
            "capacity_unit": "t_per_year",
            "name": r.name,
            "estimate": r.estimate,
            "method": r.method,
            "source": r.source,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- modes etc.


def build_modes(facts: Path) -> pd.DataFrame:
    p = read(facts / "parameters.csv").set_index("param_id")

    def v(pid: str) -> float:
        return float(p.loc[pid, "value"])

    teu_t = v("L01")
    sea_km = 19631.0  # Shanghai-Rotterdam via Suez (links.csv L146)
    sea_days = 32.0  # 2025 median transit (links.csv L146 notes)
    air_km = haversine_km(121.805, 31.1434, 8.5706, 50.0333)  # PVG - FRA
    rows = [
        {
            "mode": "road",
            "cost_usd_per_tkm": round(v("C01") / (500 * 20), 4),
            "speed_kmh": v("S03"),
            "co2e_kg_per_tkm": v("E01"),
            "estimate": "false",
            "method": "cost: CPMM 2022 all-corridor road cost USD 945 per 500 km per 20 t / "
            "(500 x 20); speed: CPMM 2022 road speed without delay (border delay is in "
            "crossings.csv); CO2e: DESNZ 2025 HGV average laden",
            "source": "CPMM 2022 (cpmm.carecprogram.org/?p=130); UK DESNZ GHG factors 2025",
        },
        {
            "mode": "rail",
            "cost_usd_per_tkm": round(v("C02") / (500 * 20), 4),
            "speed_kmh": 45.0,
            "co2e_kg_per_tkm": v("E02"),
            "estimate": "true",
            "method": "cost: CPMM 2022 rail USD 804 per 500 km per 20 t / (500 x 20); speed "
            "(estimate): between Kazakh container trains at 800-1,500 km/day (33-62 km/h) "
            "and the CPMM rail speed without delay 53.9 km/h; with border dwell added it "
            "gives ~5 days Xi'an-Tashkent (record run 5 days, Astana Times 2024); CO2e: "
            "DESNZ 2025 freight train (UK mix)",
            "source": "CPMM 2022 (?p=133); qazinform 822243; UK DESNZ GHG factors 2025",
        },
        {
            "mode": "sea",
            "cost_usd_per_tkm": round(v("C07") / teu_t / sea_km, 5),
            "speed_kmh": round(sea_km / (sea_days * 24), 1),
            "co2e_kg_per_tkm": v("E03"),
            "estimate": "true",
            "method": f"cost: SCFI Far East-Europe USD 925/TEU (2023) / {teu_t:g} t per TEU / "
            f"{sea_km:g} km Shanghai-Rotterdam; speed: {sea_km:g} km in a {sea_days:g}-day "
            "median transit including calls; CO2e: DESNZ 2025 average container ship",
            "source": "symlog.eu 2023-02-22 (SCFI); porteconomicsmanagement.org; "
            "UK DESNZ GHG factors 2025",
        },
        {
            "mode": "ferry",
            "cost_usd_per_tkm": round(3 * v("C02") / (500 * 20), 4),
            "speed_kmh": 23.0,
            "co2e_kg_per_tkm": v("E04"),
            "estimate": "true",
            "method": "cost (assumption): 3 x the CPMM rail rate, about USD 1,500 per 14 t "
            "box for Aktau-Alat; speed: 506 km / 22 h Aktau-Alat (every ferry link has "
            "a fixed time_h); CO2e: DESNZ 2025 large RoPax ferry, which includes a "
            "passenger share and likely overstates rail ferries (general cargo ship "
            "0.0132 is a lower bound)",
            "source": "CPMM 2022 (?p=133); sea-news.az 2017-03-29; UK DESNZ GHG factors 2025",
        },
        {
            "mode": "air",
            "cost_usd_per_tkm": round(v("C08") * 1000 / air_km, 3),
            "speed_kmh": 700.0,
            "co2e_kg_per_tkm": 0.75539,
            "estimate": "true",
            "method": f"cost: TAC Shanghai-Europe USD {v('C08'):g}/kg (2020, pre-peak) / "
            f"{air_km:.0f} km PVG-FRA great circle; speed: 700 km/h block speed "
            "(assumption; handling is in transfers.csv); CO2e: DESNZ 2025 short-haul "
            "freight flight without radiative forcing (most routes here are under "
            "3,700 km; long-haul 0.531)",
            "source": "TAC index via inside-fashion.net and aircargonews.net; "
            "UK DESNZ GHG factors 2025",
        },
    ]
    return pd.DataFrame(rows)


def build_commodities(facts: Path) -> pd.DataFrame:
    p = read(facts / "parameters.csv").set_index("param_id")
    mid, low, high = (float(p.loc["T01", c]) / 100 for c in ("value", "low", "high"))
    spec = [
        ("container", "containerised general cargo", 6000, mid, "road;rail;sea;ferry;air",
         "value: manufactured goods in a 14 t TEU worth ~USD 80,000 (assumption)"),
        ("bulk_agri", "bulk grain and oilseeds", 250, low, "road;rail;sea;ferry",
         "value: wheat export price order of magnitude (assumption); not by air"),
        ("bulk_mineral", "ores, concentrates, metals and coal", 800, low,
         "road;rail;sea;ferry", "value: mix of ores and metals (assumption); not by air"),
        ("perishable", "fruit, vegetables and other perishables", 1200, high,
         "road;rail;sea;ferry;air", "value: fresh produce (assumption); upper time cost"),
        ("ecommerce", "high-value e-commerce parcels", 40000, high,
         "road;rail;sea;ferry;air", "value: USD 40/kg parcels (assumption); upper time cost"),
        ("energy_equipment", "energy and industrial equipment (heavy, oversize)", 15000, mid,
         "road;rail;sea;ferry", "value: machinery (assumption); too heavy for scheduled air"),
    ]
    rows = []
    for cid, name, value, rate, modes, note in spec:
        rows.append(
            {
                "commodity": cid,
                "name": name,
                "value_of_time_usd_per_t_h": round(value * rate / 24, 4),
                "value_usd_per_t": value,
                "allowed_modes": modes,
                "estimate": "true",
                "method": f"value of time = value x {rate * 100:g}% per day / 24 "
                f"(Hummels & Schaur 2013 range {low * 100:g}-{high * 100:g}% per day); {note}",
                "source": "Hummels & Schaur (2013) AER 103(7); values are assumptions",
            }
        )
    return pd.DataFrame(rows)


def build_projects(link_ids: set[str]) -> pd.DataFrame:
    cur = read(HERE / "projects_curated.csv")
    for r in cur.itertuples(index=False):
        for lid in filter(None, r.link_ids.split(";")):
            if lid not in link_ids:
                raise SystemExit(f"projects {r.project_id}: unknown link id {lid}")
    return cur.drop(columns=["facts_project"])


def build_demand() -> pd.DataFrame:
    basis = read(HERE / "demand_basis.csv").set_index("basis")
    cur = read(HERE / "demand_curated.csv")
    rows = []
    for r in cur.itertuples(index=False):
        b = basis.loc[r.basis]
        tonnes = float(b["tonnes_per_year"]) * float(r.share)
        rows.append(
            {
                "origin": r.origin,
                "destination": r.destination,
                "commodity": r.commodity,
                "tonnes_per_year": int(round(tonnes, -2)),
                "estimate": "true",
                "method": f"{r.basis} ({float(b['tonnes_per_year']):,.0f} t/yr: "
                f"{b['derivation']}) x {float(r.share):g} ({r.note})",
                "source": b["source"],
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- checks


def self_check(
    places: pd.DataFrame,
    links: pd.DataFrame,
    crossings: pd.DataFrame,
    transfers: pd.DataFrame,
    demand: pd.DataFrame,
    commodities: pd.DataFrame,
) -> list[str]:
    problems: list[str] = []
    for name, frame, col in (
        ("places", places, "place_id"),
        ("links", links, "link_id"),
        ("crossings", crossings, "crossing_id"),
    ):
        d = frame[col][frame[col].duplicated()]
        if len(d):
            problems.append(f"{name}: duplicate ids {sorted(set(d))}")
    pid = set(places["place_id"])
    country = dict(zip(places["place_id"], places["country"], strict=True))
    terms = {p: set(t.split(";")) for p, t in zip(places["place_id"], places["terminals"],
                                                  strict=True)}
    xkeys = {
        (frozenset((a, b)), m)
        for a, b, m in zip(crossings["place_a"], crossings["place_b"], crossings["mode"],
                           strict=True)
    }
    for r in crossings.itertuples(index=False):
        for p in (r.place_a, r.place_b):
            if p not in pid:
                problems.append(f"crossing {r.crossing_id}: unknown place {p}")
    for r in links.itertuples(index=False):
        for p in (r.from_place, r.to_place):
            if p not in pid:
                problems.append(f"link {r.link_id}: unknown place {p}")
        if not (r.length_km > 0):
            problems.append(f"link {r.link_id}: bad length {r.length_km}")
        if r.mode == "rail" and r.gauge_mm not in ("1435", "1520", "1435-1520", "1520-1435"):
            problems.append(f"link {r.link_id}: rail without valid gauge ({r.gauge_mm!r})")
        if r.mode != "rail" and r.gauge_mm:
            problems.append(f"link {r.link_id}: gauge on a {r.mode} link")
        if r.mode in ("road", "rail") and country.get(r.from_place) != country.get(r.to_place):
            if (frozenset((r.from_place, r.to_place)), r.mode) not in xkeys:
                problems.append(f"link {r.link_id}: cross-border {r.mode} without crossing")
        if r.x_published and r.length_km < 0.95 * r.x_gc:
            problems.append(
                f"link {r.link_id}: published {r.length_km} km < 0.95 x gc {r.x_gc:.1f} km"
            )
        if r.length_km < 0.999 * r.x_gc and r.mode != "air":
            problems.append(f"link {r.link_id}: length {r.length_km} below gc {r.x_gc:.1f}")
        if r.status not in ("existing", "under_construction", "planned"):
            problems.append(f"link {r.link_id}: bad status {r.status}")
    for r in crossings.itertuples(index=False):
        if str(r.gauge_change) == "true":
            match = links[
                (links["mode"] == "rail")
                & (
                    ((links["from_place"] == r.place_a) & (links["to_place"] == r.place_b))
                    | ((links["from_place"] == r.place_b) & (links["to_place"] == r.place_a))
                )
            ]
            if not match["gauge_mm"].str.contains("-").all() or match.empty:
                problems.append(f"crossing {r.crossing_id}: gauge_change but no gauge link")
    linked = set(links["from_place"]) | set(links["to_place"])
    for p in sorted(pid - linked):
        problems.append(f"place {p}: no link")

    # multimodal graph on (place, terminal) nodes, both directions for two-way links
    tpairs = set(zip(transfers["from_terminal"], transfers["to_terminal"], strict=True))
    adj: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)

    def add_links(modes: set[str], statuses: set[str]) -> dict:
        g: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for r in links.itertuples(index=False):
            if r.mode not in modes or r.status not in statuses:
                continue
            if r.mode == "rail":
                ga, gb = r.gauge_mm.split("-") if "-" in r.gauge_mm else (r.gauge_mm,) * 2
                ta, tb = f"rail_{ga}", f"rail_{gb}"
            else:
                ta = tb = r.mode
            g[(r.from_place, ta)].add((r.to_place, tb))
            if r.two_way == "true":
                g[(r.to_place, tb)].add((r.from_place, ta))
        for p, ts in terms.items():
            for a in ts:
                g[(p, "origin")].add((p, a)) if ("place", a) in tpairs else None
                g[(p, a)].add((p, "destination")) if (a, "place") in tpairs else None
                for b in ts:
                    if a != b and (a, b) in tpairs:
                        g[(p, a)].add((p, b))
        return g

    def reach(g: dict, start: tuple[str, str]) -> set[tuple[str, str]]:
        seen, todo = {start}, deque([start])
        while todo:
            n = todo.popleft()
            for m in g.get(n, ()):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        return seen

    allmodes = {"road", "rail", "air", "sea", "ferry"}
    allstat = {"existing", "under_construction", "planned"}
    g_all = add_links(allmodes, allstat)
    for p in sorted(pid):
        got = reach(g_all, (p, "origin"))
        missing = [q for q in pid if (q, "destination") not in got]
        if missing:
            problems.append(f"place {p}: cannot reach {sorted(missing)[:5]} (any mode)")
            break
    adj.update(g_all)

    # gateways -> capitals -> Baku / Duisburg by road only and by rail only (existing)
    gateways = ["CN_LIANYUNGANG", "CN_XIAN", "CN_CHONGQING", "CN_URUMQI", "CN_KASHGAR"]
    targets = ["KZ_ASTANA", "KG_BISHKEK", "TJ_DUSHANBE", "UZ_TASHKENT", "TM_ASHGABAT",
               "AZ_BAKU", "DE_DUISBURG"]
    for p in gateways + targets + ["KZ_AKTAU", "KZ_KURYK", "GE_POTI", "TR_KARS",
                                   "RO_CONSTANTA", "CN_ALASHANKOU", "KZ_DOSTYK",
                                   "CN_KHORGOS", "KZ_ALTYNKOL", "CN_TACHENG", "KZ_BAKHTY"]:
        if p not in pid:
            problems.append(f"required place {p} missing")
    exist = {"existing"}
    g_road = add_links({"road"}, exist)
    g_rail = add_links({"rail"}, exist)
    g_rail_ferry = add_links({"rail", "ferry"}, exist)
    for o in gateways:
        road_r = reach(g_road, (o, "origin"))
        rail_r = reach(g_rail_ferry, (o, "origin"))
        for d in targets:
            if (d, "destination") not in road_r and d != "AZ_BAKU":
                problems.append(f"no road route {o} -> {d}")
            if (d, "destination") not in rail_r:
                problems.append(f"no rail(+ferry) route {o} -> {d}")
        if ("DE_DUISBURG", "destination") not in reach(g_rail, (o, "origin")):
            problems.append(f"no rail-only route {o} -> DE_DUISBURG (northern route)")
    for r in demand.itertuples(index=False):
        if r.origin not in pid or r.destination not in pid:
            problems.append(f"demand {r.origin}->{r.destination}: unknown place")
        if r.commodity not in set(commodities["commodity"]):
            problems.append(f"demand {r.origin}->{r.destination}: unknown commodity")
        if r.tonnes_per_year <= 0:
            problems.append(f"demand {r.origin}->{r.destination}: tonnes <= 0")
    return problems


# --------------------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    facts = Path(argv[1]) if len(argv) > 1 else DEFAULT_FACTS
    places, coords = build_places(facts)
    links, unused = build_links(facts, coords)
    assign_terminals(places, links)
    crossings = build_crossings()
    throughput = build_throughput(places)
    transfers = read(HERE / "transfers_curated.csv")
    modes = build_modes(facts)
    commodities = build_commodities(facts)
    projects = build_projects(set(links["link_id"]))
    demand = build_demand()

    problems = self_check(places, links, crossings, transfers, demand, commodities)
    if problems:
        print("SELF-CHECK FAILED:", file=sys.stderr)
        for p in problems:
            print("  -", p, file=sys.stderr)
        return 1

    link_cols = ["link_id", "from_place", "to_place", "mode", "name", "length_km",
                 "length_estimate", "length_method", "gauge_mm", "speed_kmh", "time_h",
                 "capacity", "capacity_unit", "status", "year_open", "two_way", "corridor",
                 "source"]
    place_cols = ["place_id", "name", "country", "lon", "lat", "kind", "terminals",
                  "coord_estimate", "source"]
    tables = {
        "places": places[place_cols],
        "links": links[link_cols],
        "crossings": crossings,
        "transfers": transfers,
        "modes": modes,
        "commodities": commodities,
        "throughput": throughput,
        "projects": projects,
        "demand": demand,
    }
    for name, frame in tables.items():
        frame.to_csv(OUT / f"{name}.csv", index=False, lineterminator="\n")
        print(f"{name}.csv: {len(frame)} rows")
    print("facts links not carried over:", ", ".join(unused) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
