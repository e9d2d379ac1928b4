"""Key figures of a scenario run, from an assignment's flows on the compiled arrays.

Every figure has a stable name (a row of the side-by-side comparison); units are in the
names. Totals are per year over the served demand:

- ``demand_t_per_year``, ``unserved_t_per_year``: demand after growth, and the tonnes
  with no route (all-or-nothing, equilibrium) or that do not fit the capacities
  (system optimum);
- ``total_cost_usd_per_year``: generalized cost (money, value of time, carbon at the
  scenario's price, risk) of the served flows;
- ``total_time_t_h_per_year``: tonne-hours at the scenario's times (congested times
  for the equilibrium); ``total_co2e_t_per_year``; ``total_tkm_per_year``;
- ``mode_share_tkm.<mode>``: share of the tonne-km on each mode's line-haul links
  (a fraction, 0 to 1);
- ``corridor_t_per_year.<id>``: tonnes crossing a corridor's borders (both directions,
  surface modes: air crossings are left out), for the corridors of
  :data:`MAIN_CORRIDORS`; ``None`` where the network has no surface crossing on any of
  the corridor's borders;
- ``crossing_t_per_year.<crossing_id>``: tonnes through each of the main crossings
  (both directions): by default those the crossings table gives a capacity in tonnes
  per year (:func:`main_crossings`).

Example
-------
>>> [c.id for c in MAIN_CORRIDORS][:3]
['china_kazakhstan', 'china_kyrgyzstan', 'northern']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from connectivity.assign import Assignment
from connectivity.graph import LINK, CompiledNetwork
from connectivity.tables import MODES

__all__ = ["Corridor", "MAIN_CORRIDORS", "main_crossings", "key_figures", "TOTALS"]

#: The totals, in report order.
TOTALS = ("demand_t_per_year", "unserved_t_per_year", "total_cost_usd_per_year",
          "total_time_t_h_per_year", "total_co2e_t_per_year", "total_tkm_per_year")


@dataclass(frozen=True)
class Corridor:
    """A corridor measured at its borders: the tonnes that cross any of ``borders``
    (pairs of ISO alpha-2 country codes, either direction) by a surface mode."""

    id: str
    name: str
    borders: tuple[tuple[str, str], ...]


#: The corridors of the China–Central Asia network, each measured where it crosses a
#: border no other corridor uses (see ``docs/scenarios.md``).
MAIN_CORRIDORS: tuple[Corridor, ...] = (
    Corridor("china_kazakhstan", "China-Kazakhstan border (Alashankou-Dostyk, "
             "Khorgos-Altynkol, Bakhty)", (("CN", "KZ"),)),
    Corridor("china_kyrgyzstan", "China-Kyrgyzstan border (Torugart, Irkeshtam, the CKU "
             "railway)", (("CN", "KG"),)),
    Corridor("northern", "Northern route: Russia-Belarus border (China-Europe via Russia)",
             (("RU", "BY"),)),
    Corridor("middle", "Middle Corridor: across the Caspian (Kazakhstan or Turkmenistan "
             "to Azerbaijan)", (("KZ", "AZ"), ("TM", "AZ"))),
    Corridor("southern", "Southern route: Turkmenistan-Iran border", (("TM", "IR"),)),
    Corridor("trans_afghan", "Afghanistan's northern borders (Uzbekistan, Turkmenistan)",
             (("UZ", "AF"), ("TM", "AF"))),
    Corridor("kazakhstan_russia", "Kazakhstan-Russia border", (("KZ", "RU"),)),
)

_AIR = MODES.index("air")


def main_crossings(compiled: CompiledNetwork) -> tuple[str, ...]:
    """The crossings the network's crossings table gives a capacity in tonnes per year
    (the ones its data marks as bottlenecks), in table order."""
    finite = np.isfinite(compiled.crossing_capacity_t_per_year)
    return tuple(str(x) for x in compiled.crossing_ids[finite])


def _corridor_edges(compiled: CompiledNetwork, corridor: Corridor) -> NDArray[np.int64]:
    """Surface line-haul edges crossing one of the corridor's borders."""
    c = compiled
    codes = {str(x): i for i, x in enumerate(c.country_ids)}
    a = c.place_country[c.edge_from_place]
    b = c.place_country[c.edge_to_place]
    hit = np.zeros(c.n_edges, dtype=bool)
    for x, y in corridor.borders:
        if x in codes and y in codes:
            cx, cy = codes[x], codes[y]
            hit |= ((a == cx) & (b == cy)) | ((a == cy) & (b == cx))
    hit &= (c.edge_kind == LINK) & (c.edge_crossing >= 0) & (c.edge_mode != _AIR)
    return np.flatnonzero(hit)


def _dot(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Dot product without BLAS (whose threads would spin beside the other workers of a
    sweep, and whose split of the sum depends on the core count)."""
    return float(np.einsum("i,i->", a, b))


def key_figures(
    compiled: CompiledNetwork,
    result: Assignment,
    demand_t: float,
    *,
    corridors: Sequence[Corridor] = MAIN_CORRIDORS,
    crossings: Sequence[str] | None = None,
) -> dict[str, float | None]:
    """The key figures of an assignment (see the module docstring).

    Parameters
    ----------
    compiled
        The network the assignment ran on.
    result
        The assignment.
    demand_t
        Tonnes per year of demand assigned (intrazonal rows, which stay in their place,
        are not; see ``result.intrazonal``).
    corridors
        Corridors to measure.
    crossings
        Crossing ids to report (default: :func:`main_crossings`).

    Returns
    -------
    dict
        Figure name -> value (``None`` where it does not apply).
    """
    c = compiled
    flow = result.edge_flow_t
    tkm = result.total_tkm
    out: dict[str, float | None] = {
        "demand_t_per_year": float(demand_t),
        "unserved_t_per_year": result.unserved_t,
        "total_cost_usd_per_year": result.total_cost_usd,
        # at the scenario's times, per commodity (congested for the equilibrium)
        "total_time_t_h_per_year": result.total_t_h,
        "total_co2e_t_per_year": result.total_co2e_t,
        "total_tkm_per_year": tkm,
    }
    is_link = c.edge_kind == LINK
    for m, mode in enumerate(MODES):
        sel = is_link & (c.edge_mode == m)
        out[f"mode_share_tkm.{mode}"] = (_dot(flow[sel], c.distance_km[sel]) / tkm
                                         if tkm > 0 else None)
    for corridor in corridors:
        edges = _corridor_edges(c, corridor)
        out[f"corridor_t_per_year.{corridor.id}"] = (float(flow[edges].sum())
                                                     if edges.size else None)
    for cid in main_crossings(c) if crossings is None else crossings:
        code = c.crossing_code[cid]
        out[f"crossing_t_per_year.{cid}"] = float(flow[c.edge_crossing == code].sum())
    return out
