"""Build the bundled network tables in ``data/`` from the research facts.

Usage::

    python data/build/build_data.py [FACTS_DIR]

``FACTS_DIR`` defaults to ``../shared/facts`` beside the repository and must hold ``nodes.csv``,
``links.csv`` and ``parameters.csv`` (the research tables). Hand-curated tables kept
next to this script (``*_curated.csv``, ``airports_fold.csv``, ``circuity.csv``,
``demand_basis.csv``) say how the facts become our schema (docs/data-schema.md).

The script only uses the standard library, numpy and pandas. It ends with a self-check
that raises ``SystemExit`` with every problem found (duplicate ids, unknown places,
bad lengths, rail without gauge, cross-border links of any mode without a crossing,
crossings off their link or outside their dwell range, isolated places,
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


ALIAS_KINDS = ("russian", "chinese", "kazakh", "former", "transliteration", "local")


def add_aliases(places: pd.DataFrame) -> None:
    """Fill ``places["aliases"]`` (``;``-separated) from ``aliases_curated.csv``.

    Refuses an unknown place or kind, an empty source, a ``;`` in an alias, an alias
    given twice for one place or equal (in any case) to the place's own name. An alias
    shared by two places is allowed on purpose (``Khorgos`` in China and Kazakhstan):
    the lookup then reports it as ambiguous; those are printed.
    """
    cur = read(HERE / "aliases_curated.csv")
    names = dict(zip(places["place_id"], places["name"], strict=True))
    by_place: dict[str, list[str]] = defaultdict(list)
    owners: dict[str, set[str]] = defaultdict(set)  # name, name head or alias -> places
    for pid, name in names.items():
        for text in (name, name.split("(")[0]):
            owners[text.strip().casefold()].add(pid)
    problems = []
    for i, r in enumerate(cur.itertuples(index=False), start=2):
        alias = r.alias.strip()
        where = f"aliases_curated.csv line {i} ({alias!r})"
        if r.place_id not in names:
            problems.append(f"{where}: unknown place {r.place_id!r}")
            continue
        if r.kind not in ALIAS_KINDS:
            problems.append(f"{where}: kind {r.kind!r} not in {ALIAS_KINDS}")
        if not alias or ";" in alias or not r.source.strip():
            problems.append(f"{where}: empty, contains ';' or has no source")
        key = alias.casefold()
        if key in (a.casefold() for a in [names[r.place_id], *by_place[r.place_id]]):
            problems.append(f"{where}: repeats a name or alias of {r.place_id}")
        by_place[r.place_id].append(alias)
        owners[key].add(r.place_id)
    if problems:
        raise SystemExit("\n".join(problems))
    places["aliases"] = [";".join(by_place.get(p, [])) for p in places["place_id"]]
    shared = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    print(f"aliases: {len(cur)} for {len(by_place)} places; names shared on purpose "
          f"(ambiguous in the lookup): {shared}")
    bare = [p for p in places["place_id"] if p not in by_place]
    if bare:
        print(f"places without aliases (add them to aliases_curated.csv): {bare}")


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

    rows += air_links(flinks, fnodes, float(circ.loc["air", "factor"]), coords)

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
    assign_rail_speeds(links)
    used = set(links["x_facts"])
    for lid in flinks.index:
        if lid not in used:
            notes.append(lid)
    return links, notes


def air_links(
    flinks: pd.DataFrame, fnodes: pd.DataFrame, factor: float,
    coords: dict[str, tuple[float, float]],
) -> list[dict]:
    """Scheduled air routes: the facts' routes plus ``air_curated.csv``, airports folded
    into their places; airport coordinates from the facts' AP_ nodes or
    ``airports_extra.csv``; length = great circle between the airports x ``factor``."""
    rows: list[dict] = []
    fold = read(HERE / "airports_fold.csv").set_index("iata")
    extra = read(HERE / "airports_extra.csv").set_index("iata")

    def airport(code: str) -> tuple[float, float]:
        node = fnodes.loc["AP_" + code] if "AP_" + code in fnodes.index else extra.loc[code]
        return float(node["lon"]), float(node["lat"])

    via = {"L157": "URC", "L158": "URC"}  # China Southern Xi'an-Ashgabat/Dushanbe via Urumqi
    air_routes = [
        (lid, [f["from_node"][3:], *([via[lid]] if lid in via else []), f["to_node"][3:]],
         f"{f['source']} ({f['airlines_frequency']})")
        for lid, f in flinks[flinks["mode"] == "air"].iterrows()
    ]
    for r in read(HERE / "air_curated.csv").itertuples(index=False):
        stops = [c for c in r.via.split(";") if c]
        air_routes.append(("", [r.from_iata, *stops, r.to_iata], f"{r.source} ({r.service})"))
    for lid, path, source in air_routes:
        legs = sum(
            haversine_km(*airport(x), *airport(y)) for x, y in zip(path, path[1:], strict=False)
        )
        a, b = fold.loc[path[0], "place_id"], fold.loc[path[-1], "place_id"]
        route = "-".join(path)
        method = f"gc x {factor:g} (air) between airport reference points {route}"
        if len(path) > 2:
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
                "source": source,
                "x_gc": haversine_km(*coords[a], *coords[b]),
                "x_published": False,
                "x_facts": lid,
            }
        )
    return rows


def assign_rail_speeds(links: pd.DataFrame) -> None:
    """Commercial speed of every rail link from ``rail_speeds.csv`` (border dwell stays in
    crossings.csv): a class listing the link's curated tag or place pair wins; otherwise
    the slowest class of its two end countries. The class and its source are appended
    to the link's ``source``."""
    spec = read(HERE / "rail_speeds.csv")
    curated = read(HERE / "places_curated.csv")
    country = dict(zip(curated["place_id"], curated["country"], strict=True))
    by_tag: dict[str, tuple[str, float, str]] = {}
    by_pair: dict[frozenset[str], tuple[str, float, str]] = {}
    by_country: dict[str, tuple[str, float, str]] = {}
    for r in spec.itertuples(index=False):
        kmh = float(r.km_per_day) / 24 if r.km_per_day else float(r.speed_kmh)
        entry = (r.speed_class, kmh, r.source)
        for tag in filter(None, r.tags.split(";")):
            by_tag[tag] = entry
        for pair in filter(None, r.place_pairs.split(";")):
            by_pair[frozenset(pair.split("-"))] = entry
        for cc in filter(None, r.countries.split(";")):
            if cc in by_country:
                raise SystemExit(f"rail_speeds.csv: country {cc} in two classes")
            by_country[cc] = entry
    for i in links.index[links["mode"] == "rail"]:
        a, b = links.at[i, "from_place"], links.at[i, "to_place"]
        entry = by_tag.get(links.at[i, "tag"]) or by_pair.get(frozenset((a, b)))
        if entry is None:
            try:
                entry = min((by_country[country[a]], by_country[country[b]]),
                            key=lambda e: e[1])
            except KeyError as err:
                raise SystemExit(f"rail_speeds.csv: no class for country {err}") from None
        cls, kmh, src = entry
        links.at[i, "speed_kmh"] = f"{kmh:.1f}"
        links.at[i, "source"] += f"; speed {kmh:.1f} km/h, class {cls} ({src})"


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


# Calibrated parameters (docs/calibration.md says how each was fitted and to what).
ROAD_DRIVING_HOURS = 9.0  # AETR daily driving limit for one driver
RAIL_TERMINALS_USD_PER_T = 10.0  # lift on + lift off (transfers_curated.csv)
ROAD_TERMINALS_USD_PER_T = 4.0  # truck loading + unloading (transfers_curated.csv)
FERRY_USD_PER_T = 25.0  # Aktau-Alat sailing, ASCO wagon tariff per FEU (CAL-P14)
BLOCK_TRAIN_FEE_FACTOR = 0.25  # share of per-consignment border costs a block train pays
BLOCK_TRAIN_DWELL_FACTOR = 0.3  # express container trains are cleared first (CPMM 2022)
BLOCK_TRAIN_USD_PER_TEU_KM = 0.238  # fitted to the ERAI transit-section index 2021-2024


def build_modes(facts: Path) -> pd.DataFrame:
    p = read(facts / "parameters.csv").set_index("param_id")

    def v(pid: str) -> float:
        return float(p.loc[pid, "value"])

    teu_t = v("L01")
    sea_km = 19631.0  # Shanghai-Rotterdam via Suez (links.csv L146)
    sea_days = 32.0  # 2025 median transit (links.csv L146 notes)
    air_km = haversine_km(121.805, 31.1434, 8.5706, 50.0333)  # PVG - FRA
    aktau_alat_km = 506.0
    # CPMM's unit costs are for a 20 t consignment over 500 km with its border post
    # and its terminals: take those out to get the line-haul rate per t-km
    road_bcp = v("C09") / TONNES_PER_SHIPMENT
    rail_bcp = v("C10") / TONNES_PER_SHIPMENT
    road_rate = (v("C01") / TONNES_PER_SHIPMENT - road_bcp - ROAD_TERMINALS_USD_PER_T) / 500
    rail_rate = (v("C02") / TONNES_PER_SHIPMENT - rail_bcp - RAIL_TERMINALS_USD_PER_T) / 500
    rows = [
        {
            "mode": "road",
            "cost_usd_per_tkm": round(road_rate, 4),
            "speed_kmh": v("S11"),
            "driving_hours_per_day": ROAD_DRIVING_HOURS,
            "co2e_kg_per_tkm": v("E01"),
            "estimate": "true",
            "method": f"cost: CPMM 2022 all-corridor road cost USD {v('C01'):g} per 500 km per "
            f"20 t, less its border post (USD {v('C09'):g} per crossing) and loading and "
            f"unloading (USD {ROAD_TERMINALS_USD_PER_T:g}/t), over 500 km; speed: trucks "
            f"moving at {v('S11'):g} km/h (Tashkent-Kashgar convoy, parameters S11; CPMM's "
            f"{v('S03'):g} km/h speed without delay is a corridor average with stops); "
            "border delay is in crossings.csv; "
            f"{ROAD_DRIVING_HOURS:g} driving hours a day (AETR daily limit, one driver), so "
            "a day covers 9 h of driving; CO2e: DESNZ 2025 HGV average laden",
            "source": "CPMM 2022 (cpmm.carecprogram.org/?p=130); AETR agreement (UNECE); "
            "UK DESNZ GHG factors 2025",
        },
        {
            "mode": "rail",
            "cost_usd_per_tkm": round(rail_rate, 4),
            "speed_kmh": 45.0,
            "driving_hours_per_day": "",
            "co2e_kg_per_tkm": v("E02"),
            "estimate": "true",
            "method": f"cost (wagonload; block trains in services.csv): CPMM 2022 rail USD "
            f"{v('C02'):g} per 500 km per 20 t, less its border post (USD {v('C10'):g}) and "
            f"the terminal lifts (USD {RAIL_TERMINALS_USD_PER_T:g}/t), over 500 km; speed "
            "(estimate, where a link has no corridor speed): between Kazakh container "
            "trains at 800-1,500 km/day and the CPMM rail speed without delay 53.9 km/h; "
            "CO2e: DESNZ 2025 freight train (UK mix)",
            "source": "CPMM 2022 (?p=133); qazinform 822243; UK DESNZ GHG factors 2025",
        },
        {
            "mode": "sea",
            "cost_usd_per_tkm": round(v("C07") / teu_t / sea_km, 5),
            "speed_kmh": round(sea_km / (sea_days * 24), 1),
            "driving_hours_per_day": "",
            "co2e_kg_per_tkm": v("E03"),
            "estimate": "true",
            "method": f"cost: SCFI Far East-Europe USD {v('C07'):g}/TEU (2023) / {teu_t:g} t "
            f"per TEU / {sea_km:g} km Shanghai-Rotterdam; speed: {sea_km:g} km in a "
            f"{sea_days:g}-day median transit including calls; CO2e: DESNZ 2025 average "
            "container ship",
            "source": "symlog.eu 2023-02-22 (SCFI); porteconomicsmanagement.org; "
            "UK DESNZ GHG factors 2025",
        },
        {
            "mode": "ferry",
            "cost_usd_per_tkm": round(FERRY_USD_PER_T / aktau_alat_km, 4),
            "speed_kmh": 23.0,
            "driving_hours_per_day": "",
            "co2e_kg_per_tkm": v("E04"),
            "estimate": "true",
            "method": f"cost: USD {FERRY_USD_PER_T:g}/t for the {aktau_alat_km:g} km Aktau-Alat "
            "sailing, from the ASCO rail-ferry tariff of USD 43-48 per metre of loaded wagon "
            "(about USD 670 for a 14 m wagon carrying one 40 ft box at 28 t, 24 USD/t; "
            "calibration target CAL-P14), port charges in transfers.csv; "
            "speed: 506 km / 22 h Aktau-Alat (every ferry link has a fixed time_h); CO2e: "
            "DESNZ 2025 large RoPax ferry, which includes a passenger share and likely "
            "overstates rail ferries (general cargo ship 0.0132 is a lower bound)",
            "source": "asco.az/az/pages/19/218 (ASCO tariff); sea-news.az 2017-03-29; "
            "UK DESNZ GHG factors 2025",
        },
        {
            "mode": "air",
            "cost_usd_per_tkm": round(v("C08") * 1000 / air_km, 3),
            "speed_kmh": 700.0,
            "driving_hours_per_day": "",
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


def build_services(facts: Path, commodities: pd.DataFrame) -> pd.DataFrame:
    """Services whose rates differ from their mode's: container block trains, priced
    per box (a rate per TEU-km), so one service per payload per TEU."""
    p = read(facts / "parameters.csv").set_index("param_id")
    ktz = float(p.loc["C03", "value"])
    per_teu_km = BLOCK_TRAIN_USD_PER_TEU_KM
    boxed: dict[float, list[str]] = defaultdict(list)
    for c, t in zip(commodities["commodity"], commodities["tonnes_per_teu"], strict=True):
        if str(t).strip():
            boxed[float(t)].append(c)
    rows = []
    for teu_t, members in sorted(boxed.items(), reverse=True):
        rows.append({
            "service": f"block_train_{teu_t:g}t",
            "mode": "rail",
            "commodities": ";".join(members),
            "cost_usd_per_tkm": round(per_teu_km / teu_t, 5),
            "fee_factor": BLOCK_TRAIN_FEE_FACTOR,
            "dwell_factor": BLOCK_TRAIN_DWELL_FACTOR,
            "estimate": "true",
            "method": f"container block train, {teu_t:g} t per TEU (rail prices are per "
            f"box): USD {per_teu_km:g} per loaded TEU-km / {teu_t:g} t, fitted so that "
            "Dostyk-Brest costs the mean of the ERAI transit-section index 2021 and 2024 "
            "(USD 2,670 and 3,289 per FEU; calibration targets CAL-P02, CAL-P09); the KTZ "
            f"special China-Iran rate USD {ktz:g} (2016, parameters C03) and 0.15-0.18 "
            "(2023) are lower and held out; fee factor (assumption): a block train clears "
            f"a border as one consignment, so a box pays {BLOCK_TRAIN_FEE_FACTOR:g} of "
            "CPMM's per-consignment border fee and gauge-change cost; dwell factor "
            f"(calibrated, {BLOCK_TRAIN_DWELL_FACTOR:g}): CPMM 2022 reports CAREC trains "
            "giving way to China-Europe express trains at the border, so a block train "
            "waits less than CPMM's mean; fitted to the Xi'an-Duisburg standard schedule "
            "(docs/calibration.md)",
            "source": "index1520.com (ERAI); cfts.org.ua (KTZ tariff corridor, parameters "
            "C03); CPMM 2020-2022; payload per TEU: commodities.csv",
        })
    return pd.DataFrame(rows)


def build_countries(places: pd.DataFrame) -> pd.DataFrame:
    """Risk premiums per country (``countries_curated.csv``); every country of the
    places table has a row, blank where nothing is known (no premium)."""
    cur = read(HERE / "countries_curated.csv")
    missing = sorted(set(places["country"]) - set(cur["country"]))
    if missing:
        raise SystemExit(f"countries_curated.csv: no row for {missing}")
    return cur


#: Annual cost of capital tied up in goods in transit (the time cost of goods that are
#: not time-critical); docs/calibration.md
CARRYING_RATE_PER_YEAR = 0.08


def build_commodities(facts: Path) -> pd.DataFrame:
    """Commodities from ``commodities_curated.csv``: value, time cost per day, modes.

    A time cost of at least the Hummels & Schaur low end (0.6 % of value per day) is
    theirs (goods whose shippers pay for speed); a smaller one is the capital cost of
    inventory in transit, ``CARRYING_RATE_PER_YEAR / 365``.
    """
    p = read(facts / "parameters.csv").set_index("param_id")
    low, high = (float(p.loc["T01", c]) for c in ("low", "high"))
    rows = []
    for r in read(HERE / "commodities_curated.csv").itertuples(index=False):
        value = float(r.value_usd_per_t)
        pct = float(r.time_cost_pct_per_day)
        if pct >= low:
            basis = (f"time-critical goods: Hummels & Schaur (2013) range {low:g}-{high:g}% "
                     "per day, identified from shippers who pay for air")
        else:
            basis = (f"not time-critical: capital cost of inventory in transit, "
                     f"{CARRYING_RATE_PER_YEAR:.0%} a year / 365; Hummels & Schaur's "
                     f"{low:g}-{high:g}% per day is identified from goods that fly, and "
                     "would send ordinary containers Shanghai-Rotterdam by rail, against "
                     "the market (docs/calibration.md)")
        rows.append(
            {
                "commodity": r.commodity,
                "name": r.name,
                "value_of_time_usd_per_t_h": round(value * pct / 100 / 24, 4),
                "value_usd_per_t": int(value) if value == int(value) else value,
                "allowed_modes": r.allowed_modes,
                "tonnes_per_teu": r.tonnes_per_teu,
                "estimate": "true",
                "method": f"value of time = value x {pct:g}% per day / 24 ({basis}); "
                f"{r.note}",
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)


def build_projects(link_ids: set[str], crossing_ids: set[str]) -> pd.DataFrame:
    cur = read(HERE / "projects_curated.csv")
    for r in cur.itertuples(index=False):
        for lid in filter(None, r.link_ids.split(";")):
            if lid not in link_ids:
                raise SystemExit(f"projects {r.project_id}: unknown link id {lid}")
        for cid in filter(None, r.crossing_ids.split(";")):
            if cid not in crossing_ids:
                raise SystemExit(f"projects {r.project_id}: unknown crossing id {cid}")
        # crossing_ids may carry capacity_added alone, but a saving needs crossings
        if r.dwell_h_saved and not r.crossing_ids:
            raise SystemExit(f"projects {r.project_id}: dwell_h_saved={r.dwell_h_saved} "
                             "names no crossing_ids to apply to")
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
    lkeys = {
        (frozenset((a, b)), m)
        for a, b, m in zip(links["from_place"], links["to_place"], links["mode"], strict=True)
    }
    for r in crossings.itertuples(index=False):
        for p in (r.place_a, r.place_b):
            if p not in pid:
                problems.append(f"crossing {r.crossing_id}: unknown place {p}")
        if (frozenset((r.place_a, r.place_b)), r.mode) not in lkeys:
            problems.append(f"crossing {r.crossing_id}: no {r.mode} link between its places")
        if not float(r.dwell_h_low) <= float(r.dwell_h) <= float(r.dwell_h_high):
            problems.append(f"crossing {r.crossing_id}: dwell not within its low-high range")
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
        if country.get(r.from_place) != country.get(r.to_place):  # every mode
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
    add_aliases(places)
    links, unused = build_links(facts, coords)
    assign_terminals(places, links)
    crossings = build_crossings()
    throughput = build_throughput(places)
    transfers = read(HERE / "transfers_curated.csv")
    modes = build_modes(facts)
    commodities = build_commodities(facts)
    services = build_services(facts, commodities)
    countries = build_countries(places)
    projects = build_projects(set(links["link_id"]), set(crossings["crossing_id"]))
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
                  "coord_estimate", "source", "aliases"]
    tables = {
        "places": places[place_cols],
        "links": links[link_cols],
        "crossings": crossings,
        "transfers": transfers,
        "modes": modes,
        "commodities": commodities,
        "throughput": throughput,
        "projects": projects,
        "services": services,
        "countries": countries,
        "demand": demand,
    }
    for name, frame in tables.items():
        frame.to_csv(OUT / f"{name}.csv", index=False, lineterminator="\n")
        print(f"{name}.csv: {len(frame)} rows")
    print("facts links not carried over:", ", ".join(unused) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
