"""The frame every static map shares: projection, figure and axes, basemap, scale bar,
legend corner, title and attribution.

The maps are drawn in a Lambert conformal conic projection (standard parallels 30 and
50 degrees N, central meridian 65 degrees E, WGS 84). The region runs from Rotterdam
(4.5 E, 52 N) to Shanghai (121.5 E, 31 N) and from Guangzhou (23 N) to Moscow (56 N): a
conic fits such a wide mid-latitude band far better than plain longitude/latitude (which
stretches east-west distances by 1/cos(latitude), 1.8 times at 56 N against 1.1 at 23 N),
and a conformal one keeps shapes and angles, so country outlines and junctions look
right. Its scale error is -1.5 % at 40 N and +2 % at 55 N; the scale bar is drawn for
the latitude it stands at (the projection's scale factor there, from pyproj).

matplotlib, geopandas and pyproj are imported inside the functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

#: The projection of every static map (metres).
MAP_CRS = ("+proj=lcc +lat_1=30 +lat_2=50 +lat_0=40 +lon_0=65 +datum=WGS84 +units=m "
           "+no_defs")
ATTRIBUTION = "Basemap: Natural Earth (public domain); network: connectivity bundled data"

#: Line colour of each mode (Okabe-Ito colours, rail a darker red than their vermillion so
#: that it stands apart from road's orange; told apart with the common colour-vision
#: deficiencies, and air and sea have dash patterns of their own as well).
MODE_COLOURS: dict[str, str] = {
    "rail": "#9e1b32",
    "road": "#E69F00",
    "sea": "#0072B2",
    "ferry": "#009E73",
    "air": "#CC79A7",
}
OTHER_MODE_COLOUR = "#555555"
MODE_ORDER = ("rail", "road", "ferry", "sea", "air")

LAND = "#f2efe9"
BORDER = "#a8a295"
WATER = "#dcebf2"

FIG_WIDTH_IN = 11.0
DPI = 120
_TITLE_IN = 0.45
_FOOT_IN = 0.28
#: The gid of every place label (tests and SVG readers find them by it).
LABEL_GID = "place-label"
SCALE_GID = "scale-bar"
ATTRIBUTION_GID = "attribution"


def mode_colour(mode: str) -> str:
    """The line colour of ``mode`` (grey for a mode the palette does not know)."""
    return MODE_COLOURS.get(mode, OTHER_MODE_COLOUR)


def basemap_path() -> Any:
    """Path of the bundled country outlines (``data/basemap/countries.geojson``)."""
    from connectivity.tables import bundled_data_dir

    path = bundled_data_dir() / "basemap" / "countries.geojson"
    if not path.is_file():
        raise FileNotFoundError(f"basemap not found: {path}; reinstall the package with "
                                "`pip install .`")
    return path


def load_basemap() -> gpd.GeoDataFrame:
    """The bundled country outlines in lon/lat (EPSG:4326)."""
    import geopandas as gpd

    frame: gpd.GeoDataFrame = gpd.read_file(basemap_path())
    return frame


@dataclass(frozen=True)
class Extent:
    """A map window in :data:`MAP_CRS` metres."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width_m(self) -> float:
        return self.x1 - self.x0

    @property
    def height_m(self) -> float:
        return self.y1 - self.y0


def extent_of(frames: Sequence[gpd.GeoDataFrame], *, pad: float = 0.06,
              min_span_m: float = 600e3, aspect_range: tuple[float, float] = (1.15, 2.3)
              ) -> Extent:
    """The window around every geometry of ``frames`` (already in :data:`MAP_CRS`):
    padded by ``pad`` of its size, at least ``min_span_m`` across, and widened or
    heightened so that width/height lies in ``aspect_range``."""
    import numpy as np

    boxes = np.array([f.total_bounds for f in frames if len(f)])
    if not len(boxes):
        raise ValueError("nothing to draw: every layer of the map is empty")
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    w = max((x1 - x0) * (1.0 + 2.0 * pad), min_span_m)
    h = max((y1 - y0) * (1.0 + 2.0 * pad), min_span_m)
    lo, hi = aspect_range
    if w / h < lo:
        w = h * lo
    elif w / h > hi:
        h = w / hi
    return Extent(cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)


def new_map(extent: Extent, title: str) -> tuple[Figure, Axes]:
    """A figure of its own (Agg canvas, no pyplot) with one map axes filling it, the
    basemap drawn, the title above and the attribution below.

    The axes' place is fixed (no layout engine), so the label placement can measure
    text where it will be drawn.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    map_w = FIG_WIDTH_IN - 0.2
    map_h = map_w * extent.height_m / extent.width_m
    fig_h = map_h + _TITLE_IN + _FOOT_IN
    fig = Figure(figsize=(FIG_WIDTH_IN, fig_h), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1 / FIG_WIDTH_IN, _FOOT_IN / fig_h, map_w / FIG_WIDTH_IN,
                       map_h / fig_h))
    ax.set_xlim(extent.x0, extent.x1)
    ax.set_ylim(extent.y0, extent.y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(WATER)
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    _draw_basemap(ax)
    fig.text(0.5, 1.0 - 0.08 / fig_h, title, ha="center", va="top", fontsize=13,
             fontweight="bold")
    fig.text(1.0 - 0.1 / FIG_WIDTH_IN, 0.06 / fig_h, ATTRIBUTION, ha="right", va="bottom",
             fontsize=7, color="#666666", gid=ATTRIBUTION_GID)
    ax.set_autoscale_on(False)
    return fig, ax


def _draw_basemap(ax: Axes) -> None:
    countries = load_basemap().to_crs(MAP_CRS)
    countries.plot(ax=ax, facecolor=LAND, edgecolor=BORDER, linewidth=0.6, zorder=0)
    ax.set_xlabel("")  # geopandas names the projected axes; the map has no ticks
    ax.set_ylabel("")


def to_map(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in :data:`MAP_CRS` (a frame without a CRS is taken as lon/lat)."""
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    out: gpd.GeoDataFrame = frame.to_crs(MAP_CRS)
    return out


def _nice_km(target_km: float) -> float:
    """The largest of 1, 2, 5 x 10^n km not above ``target_km``."""
    base = 10.0 ** math.floor(math.log10(target_km))
    for step in (5.0, 2.0, 1.0):
        if step * base <= target_km:
            return step * base
    return base


def scale_bar(ax: Axes, *, corner: str = "lower left") -> Bbox:
    """Draw a scale bar in km near ``corner`` of the map and return its box (display
    units), for the label placement to avoid.

    The bar is true at the latitude it is drawn at: its length in map metres is the
    ground length times the projection's scale factor there.
    """
    import pyproj
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import Bbox

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    left = "left" in corner
    bottom = "lower" in corner
    bx = x0 + 0.03 * w if left else x1 - 0.03 * w
    by = y0 + 0.055 * h if bottom else y1 - 0.07 * h
    lon, lat = pyproj.Transformer.from_crs(MAP_CRS, "EPSG:4326", always_xy=True).transform(
        bx, by)
    k = float(pyproj.Proj(MAP_CRS).get_factors(lon, lat).parallel_scale)
    km = _nice_km(0.2 * w / (1000.0 * k))
    length = km * 1000.0 * k
    if not left:
        bx -= length
    bar_h = 0.008 * h
    artists: list[Any] = []
    for i in range(2):
        artists.append(ax.add_patch(Rectangle(
            (bx + i * length / 2.0, by), length / 2.0, bar_h, facecolor=("#333333", "white")[i],
            edgecolor="#333333", linewidth=0.6, zorder=6, gid=SCALE_GID)))
    text_kw: dict[str, Any] = {"fontsize": 7.5, "zorder": 6, "gid": SCALE_GID,
                               "color": "#222222"}
    artists.append(ax.text(bx, by + 1.8 * bar_h, "0", ha="center", va="bottom", **text_kw))
    artists.append(ax.text(bx + length, by + 1.8 * bar_h, f"{km:g} km", ha="center",
                           va="bottom", **text_kw))
    hemi = "N" if lat >= 0 else "S"
    artists.append(ax.text(bx + length / 2.0, by - 0.8 * bar_h,
                           f"true at {abs(lat):.0f}°{hemi}", ha="center", va="top",
                           **{**text_kw, "fontsize": 6.5, "color": "#555555"}))
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = Bbox.union([a.get_window_extent(renderer) for a in artists])
    return box.padded(3.0)


def add_attribution_note(fig: Figure, note: str) -> None:
    """A second small line under the map, on the left (e.g. what a colour means)."""
    fig.text(0.1 / FIG_WIDTH_IN, 0.06 / fig.get_figheight(), note, ha="left", va="bottom",
             fontsize=7, color="#666666")


_CORNERS = ("lower left", "lower right", "upper left", "upper right")


def emptiest_corner(ax: Axes, box_px: tuple[float, float], points_px: Any,
                    taken: Sequence[str] = ()) -> str:
    """The corner of the map where a box of ``box_px`` (width, height in pixels) covers the
    fewest of ``points_px`` (an (n, 2) array in display units); ties go to the first of
    lower left, lower right, upper left, upper right."""
    import numpy as np

    bb = ax.get_window_extent()
    pts = np.asarray(points_px, dtype=float).reshape(-1, 2)
    best, best_n = "", -1
    for corner in _CORNERS:
        if corner in taken:
            continue
        bw, bh = box_px
        xa = bb.x0 if "left" in corner else bb.x1 - bw
        ya = bb.y0 if "lower" in corner else bb.y1 - bh
        inside = ((pts[:, 0] >= xa) & (pts[:, 0] <= xa + bw)
                  & (pts[:, 1] >= ya) & (pts[:, 1] <= ya + bh))
        n = int(inside.sum())
        if best_n < 0 or n < best_n:
            best, best_n = corner, n
    return best
