"""A generated road-and-rail network in the project's table schema, for benchmarks.

:func:`write_generated_network` writes ``places.csv``, ``links.csv``, ``crossings.csv``,
``transfers.csv``, ``modes.csv``, ``commodities.csv`` and ``demand.csv`` into a folder,
readable by :func:`connectivity.read_network` (and so by a
:class:`~connectivity.scenarios.NetworkSource`, on every worker):

- a jittered ``side`` x ``side`` grid of places, about 5 km apart, the west half in
  Kazakhstan (KZ), the east half in Uzbekistan (UZ); every place has a road terminal,
  those on every 10th row and every 20th column also a 1520 mm rail terminal;
- roads between grid neighbours (a vertical one kept with probability 0.8; every row
  is whole, so the grid stays connected), rail along the rail rows and columns; a
  road or rail link crosses the border only on every 10th row, each with a crossing
  (road dwell 2-12 h, rail 6-30 h, low half and high twice that);
- two commodities (containers: road and rail; bulk: rail and road, low value of time)
  and a demand of ``n_origins`` cities to ``per_origin`` destinations each.

Each place is two or three graph nodes (the place and its terminals), so ``side=224``
gives about 108,000 nodes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

RAIL_EVERY_ROW = 10
RAIL_EVERY_COL = 20
BORDER_EVERY_ROW = 10

TRANSFERS = [("place", "road", 1.0, 2.0), ("road", "place", 1.0, 2.0),
             ("place", "rail_1520", 6.0, 6.0), ("rail_1520", "place", 6.0, 6.0),
             ("road", "rail_1520", 5.0, 8.0), ("rail_1520", "road", 5.0, 8.0)]
MODES = [("road", 0.06, 60.0, 0.08), ("rail", 0.03, 45.0, 0.02), ("air", 1.0, 600.0, 0.6),
         ("sea", 0.01, 25.0, 0.01), ("ferry", 0.04, 15.0, 0.03)]
COMMODITIES = [("container", "containers", 2.0, 6000.0, "road;rail"),
               ("bulk", "bulk goods", 0.2, 300.0, "rail;road")]


def _place_ids(side: int) -> np.ndarray:
    r, c = np.divmod(np.arange(side * side), side)
    country = np.where(c < side // 2, "KZ", "UZ")
    return np.char.add(np.char.add(country, "_R"),
                       np.char.add(np.char.zfill(r.astype(str), 3),
                                   np.char.add("C", np.char.zfill(c.astype(str), 3))))


def _length_km(lon: np.ndarray, lat: np.ndarray, a: np.ndarray, b: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Great circle times a detour factor in [1.05, 1.4)."""
    p1, p2 = np.radians(lat[a]), np.radians(lat[b])
    dl = np.radians(lon[b] - lon[a])
    h = (np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2)
    gc = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    return np.round(gc * rng.uniform(1.05, 1.4, a.shape[0]) + 0.01, 3)


def write_generated_network(folder: Path, *, side: int = 224, n_origins: int = 24,
                            per_origin: int = 12, seed: int = 0) -> dict[str, int]:
    """Write the tables into ``folder``; returns counts (places, links, crossings,
    demand rows)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n = side * side
    ids = _place_ids(side)
    r, c = np.divmod(np.arange(n), side)
    lon = 60.0 + c * 0.06 + rng.uniform(-0.015, 0.015, n)
    lat = 38.0 + r * 0.045 + rng.uniform(-0.011, 0.011, n)
    rail_place = (r % RAIL_EVERY_ROW == 5) | (c % RAIL_EVERY_COL == 10)
    pd.DataFrame({
        "place_id": ids, "name": ids, "country": np.char.ljust(ids, 2).astype("U2"),
        "lon": np.round(lon, 5), "lat": np.round(lat, 5),
        "kind": "junction", "terminals": np.where(rail_place, "road;rail_1520", "road"),
        "source": "generated",
    }).to_csv(folder / "places.csv", index=False)

    grid = np.arange(n).reshape(side, side)
    h_a, h_b = grid[:, :-1].ravel(), grid[:, 1:].ravel()
    v_a, v_b = grid[:-1, :].ravel(), grid[1:, :].ravel()
    border = (c[h_a] == side // 2 - 1)
    h_keep = ~border | (r[h_a] % BORDER_EVERY_ROW == 0)
    v_keep = rng.random(v_a.shape[0]) < 0.8
    road_a = np.concatenate([h_a[h_keep], v_a[v_keep]])
    road_b = np.concatenate([h_b[h_keep], v_b[v_keep]])
    rail_h = (r[h_a] % RAIL_EVERY_ROW == 5) & (~border | (r[h_a] % BORDER_EVERY_ROW == 5))
    rail_v = c[v_a] % RAIL_EVERY_COL == 10
    rail_a = np.concatenate([h_a[rail_h], v_a[rail_v]])
    rail_b = np.concatenate([h_b[rail_h], v_b[rail_v]])
    links = []
    for mode, a, b, prefix in (("road", road_a, road_b, "R"), ("rail", rail_a, rail_b, "L")):
        links.append(pd.DataFrame({
            "link_id": [f"{prefix}{i:06d}" for i in range(a.shape[0])],
            "from_place": ids[a], "to_place": ids[b], "mode": mode,
            "name": f"generated {mode}", "length_km": _length_km(lon, lat, a, b, rng),
            "gauge_mm": "1520" if mode == "rail" else "", "status": "existing",
            "year_open": "", "two_way": "true", "source": "generated",
        }))
    table = pd.concat(links, ignore_index=True)
    table.to_csv(folder / "links.csv", index=False)

    cross = table[table["from_place"].str[:2] != table["to_place"].str[:2]]
    is_rail = (cross["mode"] == "rail").to_numpy()
    dwell = np.where(is_rail, rng.uniform(6, 30, len(cross)), rng.uniform(2, 12, len(cross)))
    pd.DataFrame({
        "crossing_id": [f"X_{m.upper()}_{a[3:7]}" for m, a in zip(cross["mode"],
                                                                  cross["from_place"],
                                                                  strict=True)],
        "name": "generated crossing", "place_a": cross["from_place"].to_numpy(),
        "place_b": cross["to_place"].to_numpy(), "mode": cross["mode"].to_numpy(),
        "dwell_h": np.round(dwell, 2), "dwell_h_low": np.round(dwell / 2, 2),
        "dwell_h_high": np.round(dwell * 2, 2),
        "fee_usd_per_t": np.where(is_rail, 10.0, 4.0), "gauge_change": "false",
        "status": "existing", "year_open": "", "source": "generated",
    }).to_csv(folder / "crossings.csv", index=False)

    pd.DataFrame(TRANSFERS, columns=["from_terminal", "to_terminal", "time_h",
                                     "cost_usd_per_t"]).assign(
        co2e_kg_per_t=0.0, source="generated").to_csv(folder / "transfers.csv", index=False)
    pd.DataFrame(MODES, columns=["mode", "cost_usd_per_tkm", "speed_kmh",
                                 "co2e_kg_per_tkm"]).assign(source="generated").to_csv(
        folder / "modes.csv", index=False)
    pd.DataFrame(COMMODITIES, columns=["commodity", "name", "value_of_time_usd_per_t_h",
                                       "value_usd_per_t", "allowed_modes"]).assign(
        source="generated").to_csv(folder / "commodities.csv", index=False)

    origins = rng.choice(np.flatnonzero(rail_place), n_origins, replace=False)
    rows = []
    for o in origins:
        for d in rng.choice(n, per_origin, replace=False):
            if d != o:
                k = "container" if rng.random() < 0.6 else "bulk"
                rows.append((ids[o], ids[d], k, float(rng.integers(1, 200)) * 1000.0))
    pd.DataFrame(rows, columns=["origin", "destination", "commodity",
                                "tonnes_per_year"]).to_csv(folder / "demand.csv", index=False)
    return {"places": n, "links": len(table), "crossings": len(cross), "demand": len(rows)}
