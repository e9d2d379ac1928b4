"""Drawing pieces of the static maps: lines and points of layers, the places worth a
label, and the finish every map shares (legend, scale bar, labels).

Layers come from :mod:`connectivity.report.geo` already projected to the map
(:func:`connectivity.report._mapstyle.to_map`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from connectivity.report._labels import LabelSpec, place_labels
from connectivity.report._mapstyle import (
    LABEL_GID,
    MODE_ORDER,
    emptiest_corner,
    mode_colour,
    scale_bar,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

#: National capitals of the region, by place name: labelled first.
CAPITALS = frozenset({
    "Beijing", "Astana", "Bishkek", "Dushanbe", "Tashkent", "Ashgabat", "Kabul",
    "Islamabad", "Tehran", "Baku", "Tbilisi", "Yerevan", "Ankara", "Moscow", "Minsk",
    "Warsaw", "Berlin", "Vienna", "Budapest", "Bucharest", "Kyiv", "Ulaanbaatar",
    "Amsterdam", "Brussels", "Prague", "Bratislava", "Sofia", "Belgrade", "Chisinau",
})
PORT_KINDS = ("sea_port", "caspian_port", "dry_port")
PORT_STYLE: dict[str, tuple[str, str, str]] = {
    # kind -> marker, face colour, legend text
    "sea_port": ("s", "#0072B2", "sea port"),
    "caspian_port": ("s", "#009E73", "Caspian port"),
    "dry_port": ("s", "#8c6d31", "dry port"),
}

Segments = list[np.ndarray[Any, np.dtype[np.float64]]]


def segments(geoms: Iterable[Any]) -> tuple[Segments, list[int]]:
    """The coordinate arrays of LineStrings and MultiLineStrings, and for each array the
    row it came from."""
    out: Segments = []
    rows: list[int] = []
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        for part in getattr(g, "geoms", [g]):
            out.append(np.asarray(part.coords, dtype=np.float64)[:, :2])
            rows.append(i)
    return out, rows


def draw_lines(ax: Axes, layer: gpd.GeoDataFrame, *, colours: Any, widths: Any,
               style: Any = "solid", alpha: float = 1.0, zorder: float = 2.0,
               gid: str | None = None) -> Artist:
    """Every line of ``layer`` with a colour and width per row (or one for all)."""
    from matplotlib.collections import LineCollection

    segs, rows = segments(layer.geometry)
    n = len(layer)
    every = [colours] * n if isinstance(colours, str | tuple) else list(colours)
    col = [every[r] for r in rows]
    wid: Any = np.broadcast_to(np.asarray(widths, dtype=np.float64), (n,))[rows] if n else []
    lc = LineCollection(segs, colors=col, linewidths=list(wid), linestyles=style,
                        alpha=alpha, zorder=zorder, capstyle="round", joinstyle="round")
    if gid:
        lc.set_gid(gid)
    ax.add_collection(lc, autolim=False)
    return lc


def mode_handles(modes: Iterable[str], *, width: float = 2.0) -> list[Artist]:
    """Legend lines of the modes present, in the usual order."""
    from matplotlib.lines import Line2D

    present = set(modes)
    order = [m for m in MODE_ORDER if m in present] + sorted(present - set(MODE_ORDER))
    return [Line2D([], [], color=mode_colour(m), linewidth=width,
                   linestyle=mode_linestyle(m), label=_MODE_TEXT.get(m, m)) for m in order]


_MODE_TEXT = {"sea": "sea (straight line, not the sailing route)",
              "air": "air (straight line)"}


def mode_linestyle(mode: str) -> Any:
    """Air is dashed (no track on the ground); sea dotted (drawn straight, not the
    sailing route); the rest solid."""
    return {"air": (0, (4, 2)), "sea": (0, (1, 1.5))}.get(mode, "solid")


def xy(layer: gpd.GeoDataFrame) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The (n, 2) coordinates of a point layer (a MultiPoint gives its centroid)."""
    if not len(layer):
        return np.zeros((0, 2))
    pts = layer.geometry.centroid
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def place_degree(links: pd.DataFrame) -> dict[str, int]:
    """Links touching each place (ground modes only: an airport's many flights do not
    make a hub on the map)."""
    ground = links[links["mode"] != "air"]
    counts = pd.concat([ground["from_place"], ground["to_place"]]).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def context_labels(places: gpd.GeoDataFrame, degree: dict[str, int], *,
                   skip: Iterable[str] = (), base_rank: int = 0) -> list[LabelSpec]:
    """Labels of the main places: capitals (rank ``base_rank``), ports, hubs (three or
    more ground links), then other cities; border posts and junctions get none."""
    skipped = set(skip)
    out: list[LabelSpec] = []
    pts = xy(places)
    for i, (pid, name, kind) in enumerate(zip(places["place_id"], places["name"],
                                              places["kind"], strict=True)):
        if pid in skipped:
            continue
        deg = degree.get(str(pid), 0)
        if kind == "city" and name in CAPITALS:
            rank = 0
        elif kind in PORT_KINDS:
            rank = 1
        elif kind == "city" and deg >= 3:
            rank = 2
        elif kind == "city":
            rank = 3
        else:
            continue
        out.append(LabelSpec(float(pts[i, 0]), float(pts[i, 1]), str(name),
                             base_rank + rank, bold=rank == 0))
    return out


def finish(fig: Figure, ax: Axes, handles: Sequence[Artist], labels: Sequence[LabelSpec],
           *, points: np.ndarray[Any, Any], legend_title: str | None = None,
           colorbar: tuple[Any, str] | None = None) -> Figure:
    """Legend in the emptiest corner, then the colour bar (``(mappable, label)``) and the
    scale bar in the emptiest corners left, then the labels around all three.
    ``points`` are the drawn coordinates (data units) these should not cover."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    px = ax.transData.transform(points) if len(points) else np.zeros((0, 2))

    def legend_at(corner: Any) -> Any:
        # a second call replaces the first legend (Legend.set_loc needs matplotlib 3.8)
        options: dict[str, Any] = {"title": legend_title, "title_fontsize": 8,
                                   "framealpha": 0.92, "borderaxespad": 0.6, "fontsize": 8}
        legend = ax.legend(handles=list(handles), loc=corner, **options)
        legend.set_zorder(9)
        return legend

    box = legend_at("lower left").get_window_extent(renderer)
    taken = [emptiest_corner(ax, (box.width, box.height), px)]
    boxes = [legend_at(taken[0]).get_window_extent(renderer).padded(2.0)]
    frame = ax.get_window_extent(renderer)
    if colorbar is not None:
        corner = emptiest_corner(ax, (0.27 * frame.width, 60.0), px, taken=taken)
        taken.append(corner)
        boxes.append(_colorbar(fig, ax, corner, *colorbar))
    bar_corner = emptiest_corner(ax, (0.22 * frame.width, 40.0), px, taken=taken)
    boxes.append(scale_bar(ax, corner=bar_corner))
    place_labels(ax, labels, obstacles=boxes, gid=LABEL_GID)
    return fig


def _colorbar(fig: Figure, ax: Axes, corner: str, mappable: Any, label: str) -> Bbox:
    """A horizontal colour bar inside the map at ``corner``; its box in display units."""
    from matplotlib.patches import Rectangle

    left = 0.025 if "left" in corner else 0.975 - 0.24
    bottom = 0.07 if "lower" in corner else 0.93 - 0.03
    cax = ax.inset_axes((left, bottom, 0.24, 0.022))
    cbar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
    cbar.set_label(label, fontsize=8, labelpad=2)
    cbar.ax.xaxis.set_label_position("top")
    cbar.ax.tick_params(labelsize=7, length=2, pad=1.5)
    cax.set_zorder(9)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = cax.get_tightbbox(renderer)
    assert box is not None  # a drawn colour bar has a box
    # a white card behind the bar and its text, as the legend has
    inv = ax.transAxes.inverted()
    (x0, y0), (x1, y1) = inv.transform([(box.x0 - 5, box.y0 - 4), (box.x1 + 5, box.y1 + 4)])
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, transform=ax.transAxes,
                           facecolor="white", alpha=0.9, edgecolor="#cccccc", linewidth=0.6,
                           zorder=8.5))
    return box.padded(6.0)


def nice_steps(top: float) -> list[float]:
    """Three values for a width legend: the largest 1, 2 or 5 x 10^n not above ``top``,
    its half and its fifth, smallest first (none when ``top`` is not positive)."""
    import math

    if not top > 0:
        return []
    base = 10.0 ** math.floor(math.log10(top))
    first = max(v * base for v in (1.0, 2.0, 5.0) if v * base <= top)
    return [first / 5.0, first / 2.0, first]
