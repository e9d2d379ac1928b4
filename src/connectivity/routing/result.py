"""What routing returns: routes with legs, transfers and crossings, and skims.

:func:`make_route` turns a sequence of compiled edges into a :class:`Route`, reading
only the compiled arrays and mapping codes back to ids.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from connectivity.graph import EDGE_KINDS, LINK, NODE_TERMINALS, CompiledNetwork
from connectivity.tables import MODES

__all__ = ["Leg", "Transfer", "Route", "Skim", "SKIM_MEASURES", "make_route"]

#: The measures of a :class:`Skim`, in column order (units in the names).
SKIM_MEASURES = ("generalized_cost_usd_per_t", "time_h", "distance_km", "cost_usd_per_t",
                 "co2e_kg_per_t", "risk_usd_per_t")


@dataclass(frozen=True)
class Leg:
    """A run of line-haul links in one mode between two transfers."""

    mode: str
    from_place: str
    to_place: str
    distance_km: float
    time_h: float
    cost_usd_per_t: float
    co2e_kg_per_t: float
    link_ids: tuple[str, ...]
    crossings: tuple[str, ...]


@dataclass(frozen=True)
class Transfer:
    """A load, unload or transshipment at one place."""

    kind: str
    place: str
    from_terminal: str
    to_terminal: str
    time_h: float
    cost_usd_per_t: float
    co2e_kg_per_t: float


@dataclass(frozen=True)
class Route:
    """A route with its legs, transfers, crossings and totals (per tonne).

    The totals are the sums over legs and transfers. ``risk_usd_per_t`` is the risk
    premium inside the generalized cost (not paid money); ``cost_usd_per_teu`` is the
    money per twenty-foot container for commodities carried in containers (``None``
    for others), at the commodity's tonnes per TEU.
    """

    origin: str
    destination: str
    commodity: str
    scenario: str
    generalized_cost_usd_per_t: float
    time_h: float
    distance_km: float
    cost_usd_per_t: float
    co2e_kg_per_t: float
    legs: tuple[Leg, ...]
    transfers: tuple[Transfer, ...]
    crossings: tuple[str, ...]
    edges: tuple[int, ...] = field(repr=False)
    risk_usd_per_t: float = 0.0
    cost_usd_per_teu: float | None = None

    @property
    def modes(self) -> tuple[str, ...]:
        """The mode chain, e.g. ``('rail', 'ferry', 'rail')``."""
        return tuple(leg.mode for leg in self.legs)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's contract: see ``connectivity route --format json``)."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "commodity": self.commodity,
            "scenario": self.scenario,
            "generalized_cost_usd_per_t": self.generalized_cost_usd_per_t,
            "time_h": self.time_h,
            "distance_km": self.distance_km,
            "cost_usd_per_t": self.cost_usd_per_t,
            "cost_usd_per_teu": self.cost_usd_per_teu,
            "co2e_kg_per_t": self.co2e_kg_per_t,
            "risk_usd_per_t": self.risk_usd_per_t,
            "modes": list(self.modes),
            "crossings": list(self.crossings),
            "legs": [],
            "transfers": [asdict(t) for t in self.transfers],
        }
        for leg in self.legs:
            item = asdict(leg)
            item["from"] = item.pop("from_place")
            item["to"] = item.pop("to_place")
            item["link_ids"] = list(leg.link_ids)
            item["crossings"] = list(leg.crossings)
            out["legs"].append(item)
        return out


@dataclass(frozen=True)
class Skim:
    """Origin-destination matrices over the least generalized-cost routes.

    Attributes
    ----------
    origins, destinations
        Place ids of the rows and columns.
    generalized_cost_usd_per_t, time_h, distance_km, cost_usd_per_t, co2e_kg_per_t,
    risk_usd_per_t
        ``len(origins) x len(destinations)`` float64 matrices; ``inf`` where no route.
    """

    origins: tuple[str, ...]
    destinations: tuple[str, ...]
    commodity: str
    generalized_cost_usd_per_t: NDArray[np.float64]
    time_h: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    cost_usd_per_t: NDArray[np.float64]
    co2e_kg_per_t: NDArray[np.float64]
    risk_usd_per_t: NDArray[np.float64]

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per OD pair with every measure."""
        o, d = np.meshgrid(np.arange(len(self.origins)), np.arange(len(self.destinations)),
                           indexing="ij")
        frame = pd.DataFrame(
            {
                "origin": np.asarray(self.origins, dtype=object)[o.ravel()],
                "destination": np.asarray(self.destinations, dtype=object)[d.ravel()],
                "commodity": self.commodity,
            }
        )
        for name in SKIM_MEASURES:
            frame[name] = getattr(self, name).ravel()
        return frame

    def matrices(self) -> dict[str, NDArray[np.float64]]:
        """The measures by name (units in the names), each ``origins x destinations``."""
        return {name: getattr(self, name) for name in SKIM_MEASURES}

    def to_omx(self, path: str | Path) -> None:
        """Write the skim to an OMX file: one matrix per measure with its ``units``
        attribute and the commodity, the place ids as the lookup ``zones`` (or
        ``origins`` and ``destinations`` when they differ); see
        :func:`connectivity.io.omx.write_skims_omx`."""
        from connectivity.io.omx import write_skims_omx

        square = self.origins == self.destinations
        write_skims_omx(path, self.matrices(), self.origins,
                        destinations=None if square else self.destinations,
                        attrs={name: {"commodity": self.commodity} for name in SKIM_MEASURES})

    def to_csv(self, path: str | Path) -> None:
        """Write the skim as a long CSV table (``origin, destination`` and one column
        per measure); see :func:`connectivity.io.omx.write_skims_csv`."""
        from connectivity.io.omx import write_skims_csv

        square = self.origins == self.destinations
        write_skims_csv(path, self.matrices(), self.origins,
                        destinations=None if square else self.destinations)


def make_route(
    compiled: CompiledNetwork,
    edge_idx: NDArray[np.int64],
    *,
    origin: str,
    destination: str,
    commodity: str,
    scenario_name: str,
    costs: NDArray[np.float64],
    attrs: dict[str, NDArray[np.float64]],
) -> Route:
    """The :class:`Route` along compiled edges ``edge_idx`` (in order), with legs (runs
    of links in one mode), transfers and totals from ``attrs`` (per-edge time, money,
    CO2e and distance under the scenario) and ``costs`` (generalized cost)."""
    c = compiled
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    crossings: list[str] = []
    run: list[int] = []

    def close_run() -> None:
        if not run:
            return
        cross = tuple(str(c.crossing_ids[x]) for x in c.edge_crossing[run] if x >= 0)
        legs.append(
            Leg(
                mode=MODES[c.edge_mode[run[0]]],
                from_place=str(c.place_ids[c.edge_from_place[run[0]]]),
                to_place=str(c.place_ids[c.edge_to_place[run[-1]]]),
                distance_km=float(attrs["distance_km"][run].sum()),
                time_h=float(attrs["time_h"][run].sum()),
                cost_usd_per_t=float(attrs["cost_usd_per_t"][run].sum()),
                co2e_kg_per_t=float(attrs["co2e_kg_per_t"][run].sum()),
                link_ids=tuple(str(c.link_ids[x]) for x in c.edge_link[run]),
                crossings=cross,
            )
        )
        crossings.extend(cross)
        run.clear()

    for e in edge_idx.tolist():
        if c.edge_kind[e] == LINK:
            if run and c.edge_mode[run[-1]] != c.edge_mode[e]:
                close_run()
            run.append(e)
            continue
        close_run()
        transfers.append(
            Transfer(
                kind=EDGE_KINDS[c.edge_kind[e]],
                place=str(c.place_ids[c.edge_from_place[e]]),
                from_terminal=NODE_TERMINALS[c.edge_from_terminal[e]],
                to_terminal=NODE_TERMINALS[c.edge_to_terminal[e]],
                time_h=float(attrs["time_h"][e]),
                cost_usd_per_t=float(attrs["cost_usd_per_t"][e]),
                co2e_kg_per_t=float(attrs["co2e_kg_per_t"][e]),
            )
        )
    close_run()
    sel = edge_idx
    money = float(attrs["cost_usd_per_t"][sel].sum())
    teu_t = float(c.commodity_tonnes_per_teu[c.commodity_index(commodity)])
    return Route(
        origin=origin,
        destination=destination,
        commodity=commodity,
        scenario=scenario_name,
        generalized_cost_usd_per_t=float(costs[sel].sum()),
        time_h=float(attrs["time_h"][sel].sum()),
        distance_km=float(attrs["distance_km"][sel].sum()),
        cost_usd_per_t=money,
        co2e_kg_per_t=float(attrs["co2e_kg_per_t"][sel].sum()),
        legs=tuple(legs),
        transfers=tuple(transfers),
        crossings=tuple(crossings),
        edges=tuple(int(x) for x in sel),
        risk_usd_per_t=float(attrs["risk_usd_per_t"][sel].sum()),
        cost_usd_per_teu=money * teu_t if np.isfinite(teu_t) else None,
    )
