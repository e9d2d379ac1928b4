"""Place labels on a map without overlaps: a greedy placement by rank.

Labels are taken most important first (lowest ``rank``, then the order given). Each
tries a list of offsets around its point (right, upper right, lower right, left, ...,
then the same further out); the first position whose text box, measured by the
figure's renderer, stays inside the map and clears every label already placed and every
obstacle (the legend, the scale bar, the points of labels of the same or a higher
rank) is kept. A label with no
free position is dropped: on a crowded map the minor places go first.

The boxes are measured in display units on the figure as it will be saved, so the
figure's size and the axes' place must not change after placement (the maps use no
layout engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox


@dataclass(frozen=True)
class LabelSpec:
    """One label to place: a point in data units, its text and its rank (0 first)."""

    x: float
    y: float
    text: str
    rank: int
    bold: bool = False


#: Offsets in points and the text alignment that puts the text on that side of the point.
_OFFSETS: tuple[tuple[float, float, Any, Any], ...] = (
    (4.5, 0.0, "left", "center"),
    (3.5, 3.0, "left", "bottom"),
    (3.5, -3.0, "left", "top"),
    (-4.5, 0.0, "right", "center"),
    (-3.5, 3.0, "right", "bottom"),
    (-3.5, -3.0, "right", "top"),
    (0.0, 4.5, "center", "bottom"),
    (0.0, -4.5, "center", "top"),
)
_FAR = 2.6
_HALO_PX = 1.5
_POINT_PX = 3.0


def _overlaps(a: Bbox, b: Bbox) -> bool:
    return bool(a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1)


def place_labels(
    ax: Axes,
    labels: Sequence[LabelSpec],
    *,
    obstacles: Sequence[Bbox] = (),
    fontsize: float = 7.5,
    gid: str = "label",
) -> list[Text]:
    """Draw the labels that fit and return them (each carries ``gid``).

    ``obstacles`` are boxes in display units that no label may cover; each labelled
    point's marker is one as well, so a label never hides another labelled place.
    """
    from matplotlib import patheffects
    from matplotlib.transforms import Bbox, offset_copy

    fig: Any = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    order = sorted(range(len(labels)), key=lambda i: (labels[i].rank, i))
    points: Any = (ax.transData.transform([(lab.x, lab.y) for lab in labels]) if labels
                   else [])
    blocked: list[Bbox] = list(obstacles)
    point_boxes = [Bbox.from_extents(px - _POINT_PX, py - _POINT_PX, px + _POINT_PX,
                                     py + _POINT_PX) for px, py in points]
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white", alpha=0.85)]
    placed: list[Text] = []
    for i in order:
        lab = labels[i]
        # the dots of places at least as important; a minor place's dot may be covered
        others = [point_boxes[j] for j in range(len(labels))
                  if j != i and labels[j].rank <= lab.rank]
        text = ax.text(lab.x, lab.y, lab.text, fontsize=fontsize, zorder=8, gid=gid,
                       fontweight="bold" if lab.bold else "normal", color="#1a1a1a",
                       path_effects=halo, clip_on=False)
        spot = None
        for scale in (1.0, _FAR):
            for dx, dy, ha, va in _OFFSETS:
                text.set_transform(offset_copy(ax.transData, fig=fig, x=dx * scale,
                                               y=dy * scale, units="points"))
                text.set_horizontalalignment(ha)
                text.set_verticalalignment(va)
                box = text.get_window_extent(renderer).padded(_HALO_PX)
                if not (frame.x0 <= box.x0 and box.x1 <= frame.x1
                        and frame.y0 <= box.y0 and box.y1 <= frame.y1):
                    continue
                if any(_overlaps(box, b) for b in blocked) or any(
                        _overlaps(box, b) for b in others):
                    continue
                spot = box
                break
            if spot is not None:
                break
        if spot is None:
            text.remove()
            continue
        blocked.append(spot)
        placed.append(text)
    return placed
