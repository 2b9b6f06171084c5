"""Labels placed where they cover no data, chosen among candidate positions by measured overlap.

A label of a plot (the "min" beside a minimum, "diverged at step k", an arrow's name, a kappa value, a key of
arrows) has a point it belongs to and several places it could go. Which place is free depends on everything
else drawn in its axes, and on the final layout. So placement happens when the label is drawn: each candidate
position is measured against

- the lines, markers and arrows of its axes (:func:`data_shapes`: the length of line inside the label's box,
  the markers it touches),
- the other labels of its axes (the area they share),
- the axes' own box (a label must stay inside it),

and the candidate with the least overlap wins; ties go to the earlier candidate, so the list says which
places are preferred. The choice is kept until the layout changes (the figure's size or dpi, the axes' box or
limits), so a figure draws the same way every time and an animation's frames do not make labels jump.

- :func:`place_text` adds a :class:`PlacedText` (an ``Annotation``) to an axes, with candidates from
  :func:`around` (eight directions around its point, near then far) or your own :class:`Spot` list;
- :class:`PlacedGroup` places several artists together (a key of arrows with their labels), laid out in points
  around an origin, at one of several anchors inside the axes;
- :func:`data_shapes`, :func:`crosses`, :func:`segment_box_lengths`: the geometry both this module and
  ``optviz.testing.check_legibility`` measure with.

Public: figure kinds and your own plots use it.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3), dpi=50)
>>> _ = ax.plot([0, 1], [0, 1])
>>> label = place_text(ax, "a point", (0.5, 0.5), spots=around(6))
>>> fig.canvas.draw()
>>> label.spot in around(6)
True
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_MARGIN = 2.0  # pixels kept between a label and what it avoids
_OUTSIDE = 1e7  # the cost of a label that leaves its axes
_GRID = tuple(np.linspace(0.0, 1.0, 9))  # axes fractions of the places tried anywhere
_CROSSING = (
    400.0  # the cost of a leader line crossing a drawn line: as bad as a label over 400 px of data
)


# -- geometry ------------------------------------------------------------------------------------------------
@dataclass
class Shape:
    """A drawn data artist as display-pixel geometry: polyline ``segments`` (n, 2, 2), ``markers`` (m, 2) with
    their ``radius``, and the ``clip`` box the artist is drawn inside (None: unclipped)."""

    artist: Any
    segments: np.ndarray
    markers: np.ndarray
    radius: float
    clip: Any


def _visible(artist: Any) -> bool:
    """Drawn at all: the artist, its axes and its (sub)figures are visible."""
    if not artist.get_visible():
        return False
    ax = getattr(artist, "axes", None)
    if ax is not None and ax is not artist and not ax.get_visible():
        return False
    figure = artist.get_figure(root=False) if hasattr(artist, "get_figure") else None
    while figure is not None and figure is not artist:
        if not figure.get_visible():
            return False
        parent = figure.get_figure(root=False)
        figure = parent if parent is not figure else None
    return True


def visible(artist: Any) -> bool:
    """Whether ``artist`` is drawn: it, its axes and every figure around it are visible."""
    return _visible(artist)


def data_shapes(ax: Any, *, exclude: Sequence[Any] = (), renderer: Any = None) -> list[Shape]:
    """The lines, markers and arrows drawn in ``ax``, as pixel geometry: what a label must not cross.

    Contours, images and filled areas are background (a label over a light fill reads); lines (their segments
    and markers), scatter markers, line collections, patches' outlines and annotation arrows are data.
    ``exclude``: artists to leave out (a label's own arrow). ``renderer`` (while drawing): annotations' arrows
    are first moved to where this draw puts them (matplotlib moves an arrow when its annotation is drawn: a
    label drawn before it would otherwise see it where the last draw, at another layout or frame, left it).
    """
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Annotation

    shapes: list[Shape] = []
    skip = {id(a) for a in exclude}
    for line in ax.lines:
        if id(line) in skip or not isinstance(line, Line2D):
            continue
        if _visible(line) and line.get_alpha() != 0:
            shape = _line_shape(line)
            if shape is not None:
                shapes.append(shape)
    for coll in ax.collections:
        if id(coll) in skip or not _visible(coll):
            continue
        if type(coll) is PathCollection:
            offsets = coll.get_offset_transform().transform(np.asarray(coll.get_offsets(), float))
            sizes = coll.get_sizes()
            r = float(np.sqrt(sizes.max()) / 2 * ax.figure.dpi / 72) if len(sizes) else 3.0
            shapes.append(Shape(coll, np.empty((0, 2, 2)), offsets, r, _clip(coll)))
        elif type(coll) is LineCollection:
            segs = []
            transform = coll.get_transform()
            for path in coll.get_paths():
                pts = transform.transform(path.vertices)
                if len(pts) > 1:
                    segs.append(np.stack([pts[:-1], pts[1:]], axis=1))
            if segs:
                shapes.append(Shape(coll, np.concatenate(segs), np.empty((0, 2)), 0.0, _clip(coll)))
    patches = [p for p in ax.patches if _visible(p)]
    arrows = [
        t
        for t in ax.texts
        if isinstance(t, Annotation)
        and t.arrow_patch is not None
        and _visible(t)
        and t.arrow_patch.get_visible()
        and id(t.arrow_patch) not in skip
        # a label's leader counts once the label is placed for this layout, as its box does
        and not (isinstance(t, PlacedText) and t._placed_for != _layout_key(ax))
    ]
    if renderer is not None:
        for t in arrows:
            if t._check_xy(renderer):
                t.update_positions(renderer)
    patches += [t.arrow_patch for t in arrows]
    if renderer is not None:
        # A FancyArrowPatch sizes its head, line width and shrinks by the points-to-pixels factor of the last
        # renderer that drew it (1 before its first draw): set it as its draw will, so that an arrow not yet
        # drawn (drawn after the label, or the first time) is measured at the size it is drawn.
        for patch in patches:
            if hasattr(patch, "_dpi_cor"):
                patch._dpi_cor = renderer.points_to_pixels(1.0)
    for patch in patches:
        if id(patch) in skip or not isinstance(patch, Patch):
            continue
        segments = _outline_segments(_patch_outline(patch))
        if len(segments):
            shapes.append(Shape(patch, segments, np.empty((0, 2)), 0.0, _clip(patch)))
    for group in ax.artists:
        if isinstance(group, PlacedGroup) and id(group) not in skip and _visible(group):
            shapes.extend(group.shapes())
    return shapes


def _patch_outline(patch: Any) -> np.ndarray | None:
    """The outline of ``patch`` in display pixels: its path's vertices (a curve's control points included)
    as one polyline per subpath, the subpaths separated by a row of NaN (None: no path yet).

    A path's codes say how its vertices join. Each MOVETO starts a new subpath (an arrow's "-|>" head is a
    second one after its shaft: no line joins them). A CLOSEPOLY closes its subpath back to the subpath's
    MOVETO vertex; the vertex stored with the code is not drawn (matplotlib stores (0, 0) there, so taking it
    as a point drew a false line from every arrow to the display's (0, 0), the figure's bottom left corner).
    A STOP ends the path."""
    from matplotlib.path import Path

    try:
        path = patch.get_path()
        pts = np.asarray(patch.get_transform().transform(path.vertices), float)
    except Exception:  # a patch whose path cannot be computed yet
        return None
    codes = path.codes
    if codes is None:
        return pts
    gap = np.full(2, np.nan)
    out: list[np.ndarray] = []
    start: np.ndarray | None = None  # the current subpath's MOVETO vertex
    for point, code in zip(pts, codes, strict=True):
        if code == Path.STOP:
            break
        if code == Path.MOVETO:
            if out:
                out.append(gap)
            start = point
            out.append(point)
        elif code == Path.CLOSEPOLY:
            if start is not None and out and not np.array_equal(out[-1], start):
                out.append(start)
        else:  # LINETO, or a curve's control or end point
            out.append(point)
    return np.array(out, float).reshape(-1, 2)


def _outline_segments(pts: np.ndarray | None) -> np.ndarray:
    """The segments (n, 2, 2) of an outline's polylines: between consecutive finite points (a NaN point,
    between subpaths or in the data, breaks the line)."""
    if pts is None or len(pts) < 2:
        return np.empty((0, 2, 2))
    finite = np.all(np.isfinite(pts), axis=1)
    both = finite[:-1] & finite[1:]
    return np.stack([pts[:-1], pts[1:]], axis=1)[both]


def _clip(artist: Any) -> Any:
    if not artist.get_clip_on():
        return None
    return artist.get_clip_box()


def _marker_indices(line: Any, n: int) -> np.ndarray:
    every = line.get_markevery()
    idx = np.arange(n)
    if every is None or every is True:
        return idx
    if isinstance(every, (int, np.integer)) and not isinstance(every, bool):
        return idx[:: max(1, int(every))]
    if (
        isinstance(every, tuple)
        and len(every) == 2
        and all(isinstance(v, (int, np.integer)) for v in every)
    ):
        return idx[int(every[0]) :: max(1, int(every[1]))]
    if isinstance(every, slice):
        return idx[every]
    if isinstance(every, (list, np.ndarray)):
        arr = np.asarray(every)
        if arr.dtype == bool:
            return idx[arr[:n]]
        return arr[(arr >= 0) & (arr < n)].astype(int)
    return idx  # a float markevery: every point (errs towards avoiding)


def _line_shape(line: Any) -> Shape | None:
    xy = np.asarray(line.get_xydata(), dtype=float)
    if xy.ndim != 2 or len(xy) == 0:
        return None
    pts = line.get_transform().transform(xy)
    finite = np.all(np.isfinite(pts), axis=1)
    segments = np.empty((0, 2, 2))
    if line.get_linestyle() not in ("None", "none", "", " ") and len(pts) > 1:
        segments = _drawn_segments(pts, finite)
    markers = np.empty((0, 2))
    radius = 0.0
    if line.get_marker() not in (None, "None", "none", "", " ") and line.get_markersize() > 0:
        idx = _marker_indices(line, len(pts))
        markers = pts[idx][finite[idx]]
        radius = 0.5 * line.get_markersize() * line.figure.dpi / 72
    if not len(segments) and not len(markers):
        return None
    # A line's half-width counts as part of it: a label may not touch a thick line either.
    width = 0.5 * line.get_linewidth() * line.figure.dpi / 72 if len(segments) else 0.0
    shape = Shape(line, segments, markers, radius, _clip(line))
    shape.width = width  # type: ignore[attr-defined]
    return shape


def _drawn_segments(pts: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """The segments a line of display points ``pts`` is stroked with. A long path (matplotlib's
    ``Path.should_simplify``: 128 points or more) is drawn simplified, its points merged where they stray less
    than ``path.simplify_threshold`` pixels from a straight run: the label avoids those segments, what is on
    the screen. A converged 100,000-step path is a thousand of them."""
    from matplotlib.path import Path

    if finite.all():
        path = Path(pts)
        if path.should_simplify:
            clean = path.cleaned(simplify=True)
            v, drawn = clean.vertices, clean.codes[1:] == Path.LINETO
            return np.stack([v[:-1], v[1:]], axis=1)[drawn]
    both = finite[:-1] & finite[1:]
    return np.stack([pts[:-1], pts[1:]], axis=1)[both]


def segment_box_lengths(segments: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The length of each segment ``(n, 2, 2)`` inside ``box`` ``(x0, y0, x1, y1)`` (Liang-Barsky clipping).

    >>> segment_box_lengths(np.array([[[0.0, 0.0], [10.0, 0.0]], [[0.0, 5.0], [1.0, 5.0]]]), (2, -1, 4, 1))
    array([2., 0.])
    """
    x0, y0, x1, y1 = box
    p = segments[:, 0]
    d = segments[:, 1] - segments[:, 0]
    t0 = np.zeros(len(segments))
    t1 = np.ones(len(segments))
    ok = np.ones(len(segments), dtype=bool)
    for axis, lo, hi in ((0, x0, x1), (1, y0, y1)):
        dd = d[:, axis]
        pp = p[:, axis]
        flat = dd == 0
        ok &= ~(flat & ((pp < lo) | (pp > hi)))
        with np.errstate(divide="ignore", invalid="ignore"):
            ta = (lo - pp) / dd
            tb = (hi - pp) / dd
        t0 = np.maximum(t0, np.where(flat, -np.inf, np.minimum(ta, tb)))
        t1 = np.minimum(t1, np.where(flat, np.inf, np.maximum(ta, tb)))
    inside = ok & (t1 > t0)
    return np.where(inside, (t1 - t0) * np.hypot(d[:, 0], d[:, 1]), 0.0)


def _clipped_box(box: Any, shape: Shape) -> tuple[float, float, float, float] | None:
    x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
    if shape.clip is not None:
        x0, y0 = max(x0, shape.clip.x0), max(y0, shape.clip.y0)
        x1, y1 = min(x1, shape.clip.x1), min(y1, shape.clip.y1)
        if x1 <= x0 or y1 <= y0:
            return None
    return x0, y0, x1, y1


def overlap(box: Any, shape: Shape) -> float:
    """How much of ``shape`` is inside the display ``box``: pixels of line, plus a marker's diameter for each
    marker that touches it (0: they do not meet)."""
    clipped = _clipped_box(box, shape)
    if clipped is None:
        return 0.0
    x0, y0, x1, y1 = clipped
    total = 0.0
    if len(shape.markers):
        m, r = shape.markers, shape.radius
        near_x, near_y = np.clip(m[:, 0], x0, x1), np.clip(m[:, 1], y0, y1)
        total += 2 * r * float(np.count_nonzero(np.hypot(m[:, 0] - near_x, m[:, 1] - near_y) < r))
    if len(shape.segments):
        w = getattr(shape, "width", 0.0)
        total += float(segment_box_lengths(shape.segments, (x0 - w, y0 - w, x1 + w, y1 + w)).sum())
    return total


def crosses(box: Any, shape: Shape) -> bool:
    """Whether the display ``box`` meets ``shape`` (a segment through it, a marker touching it)."""
    return overlap(box, shape) > 0


def segment_crossings(a: np.ndarray, b: np.ndarray, segments: np.ndarray) -> int:
    """How many of ``segments`` (n, 2, 2) the segment from ``a`` to ``b`` crosses (display pixels)."""
    if not len(segments):
        return 0
    p, r = a, b - a
    q, s = segments[:, 0], segments[:, 1] - segments[:, 0]
    denom = r[0] * s[:, 1] - r[1] * s[:, 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qp[:, 0] * s[:, 1] - qp[:, 1] * s[:, 0]) / denom
        u = (qp[:, 0] * r[1] - qp[:, 1] * r[0]) / denom
    hit = (denom != 0) & (t > 0) & (t < 1) & (u >= 0) & (u <= 1)
    return int(np.count_nonzero(hit))


def leader_crossings(anchor: np.ndarray, box: Any, shapes: Sequence[Shape]) -> int:
    """How many drawn segments of ``shapes`` a leader line from ``anchor`` to the nearest point of ``box``
    crosses (display pixels)."""
    near = np.array([min(max(anchor[0], box.x0), box.x1), min(max(anchor[1], box.y0), box.y1)])
    if not float(np.hypot(*(near - anchor))):
        return 0
    return sum(segment_crossings(anchor, near, shape.segments) for shape in shapes)


def leader_cost(anchor: np.ndarray, box: Any, shapes: Sequence[Shape]) -> float:
    """What a leader line from ``anchor`` to the nearest point of ``box`` costs: its length (a label far from
    its point reads worse) and, far more, every line it crosses (a leader over a path reads as part of it)."""
    near = np.array([min(max(anchor[0], box.x0), box.x1), min(max(anchor[1], box.y0), box.y1)])
    length = float(np.hypot(*(near - anchor)))
    if length == 0:
        return 0.0
    return 0.05 * length + _CROSSING * leader_crossings(anchor, box, shapes)


def box_overlap(a: Any, b: Any) -> float:
    """The area two display boxes share (0 when apart)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return float(w * h) if w > 0 and h > 0 else 0.0


# -- candidates ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spot:
    """A candidate place for a label: an offset ``(dx, dy)`` in points from its point, and its alignment;
    ``xy`` (optional) moves the point itself (a label that may sit anywhere along an arrow)."""

    dx: float
    dy: float
    ha: str = "center"
    va: str = "center"
    xy: tuple[float, float] | None = None


def around(
    distance: float, *, prefer: str = "below right", far: Sequence[float] = (2.5, 5.0, 9.0, 14.0)
) -> tuple[Spot, ...]:
    """Eight places around a point at ``distance`` points (a label beside a marker), then the same eight at
    each of the ``far`` multiples of the distance; ``prefer`` ("below right", "above left", ...) comes first.
    A label placed far from its point gets a thin leader line to it (:func:`place_text`).

    >>> [s.ha + "/" + s.va for s in around(5)[:3]]
    ['left/top', 'left/bottom', 'right/top']
    """
    directions = [
        ("below right", 1, -1), ("above right", 1, 1), ("below left", -1, -1), ("above left", -1, 1),
        ("right", 1, 0), ("left", -1, 0), ("above", 0, 1), ("below", 0, -1),
    ]  # fmt: skip
    directions.sort(key=lambda d: d[0] != prefer)
    spots = []
    for scale in (1.0, *far):
        for _, sx, sy in directions:
            d = distance * scale
            spots.append(Spot(
                sx * d, sy * d, ha="left" if sx > 0 else "right" if sx < 0 else "center",
                va="bottom" if sy > 0 else "top" if sy < 0 else "center",
            ))  # fmt: skip
    return tuple(spots)


def beside(
    direction: Any,
    distance: float,
    *,
    along: Any = None,
    at: tuple[float, ...] = (0.5, 0.3, 0.7),
    away_from: Any = None,
) -> tuple[Spot, ...]:
    """Places on either side of a direction (a vector, display and data directions agreeing on equal-aspect
    axes): left of it, then right, at ``distance`` points, then twice as far. With ``along`` = (tail, vector)
    in data coordinates, the label may also slide along the arrow, to the fractions ``at`` of its length;
    with ``away_from`` (a data point, with ``along``: the middle of a group of arrows) the side facing away
    from it comes first (a name outside its group reads as its arrow's, one between two arrows could be
    either's)."""
    u = np.asarray(direction, dtype=float)
    norm = float(np.hypot(*u)) or 1.0
    u = u / norm
    normals = (np.array([-u[1], u[0]]), np.array([u[1], -u[0]]))
    if away_from is not None and along is not None:
        tail, vector = (np.asarray(v, dtype=float) for v in along)
        if float(normals[0] @ (tail + 0.5 * vector - np.asarray(away_from, dtype=float))) < 0:
            normals = normals[::-1]
    points: list[tuple[float, float] | None] = [None]
    if along is not None:
        tail, vector = (np.asarray(v, dtype=float) for v in along)
        points = [tuple(float(c) for c in tail + f * vector) for f in at]
    spots = []

    def spot(n: np.ndarray, scale: float, xy: Any) -> Spot:
        d = distance * scale * n
        return Spot(
            float(d[0]), float(d[1]),
            ha="left" if n[0] > 0.3 else "right" if n[0] < -0.3 else "center",
            va="bottom" if n[1] > 0.3 else "top" if n[1] < -0.3 else "center", xy=xy,
        )  # fmt: skip

    for scale in (1.0, 2.0):
        for xy in points:
            spots.extend(spot(n, scale, xy) for n in normals)
    if along is not None:
        # Beyond the arrow's tip, then behind its tail.
        tail, vector = (np.asarray(v, dtype=float) for v in along)
        for scale in (1.0, 2.0):
            spots.append(spot(u, scale, tuple(float(c) for c in tail + vector)))
            spots.append(spot(-u, scale, tuple(float(c) for c in tail)))
        spots.extend(spot(n, 3.5, xy) for xy in points for n in normals)
    return tuple(spots)


# -- placing ---------------------------------------------------------------------------------------------------
def _layout_key(ax: Any) -> tuple:
    fig = ax.get_figure(root=True)
    return (
        tuple(np.round(fig.bbox.extents, 3)),
        float(fig.dpi),
        tuple(np.round(ax.bbox.extents, 3)),
        tuple(np.round(ax.viewLim.extents, 12)),
    )


def _text_obstacles(ax: Any, me: Any, renderer: Any) -> list[Any]:
    """The boxes of the other labels of ``ax`` a label must not cover: fixed texts, labels already placed for
    the current layout, the legend and placed groups."""
    key = _layout_key(ax)
    boxes = []
    for text in ax.texts:
        if text is me or not _visible(text) or not text.get_text():
            continue
        if isinstance(text, PlacedText) and text._placed_for != key:
            continue
        boxes.append(text_extent(text, renderer))
    legend = ax.get_legend()
    if legend is not None and _visible(legend):
        boxes.append(legend.get_window_extent(renderer))
    for group in ax.artists:
        if group is me or not isinstance(group, PlacedGroup) or not _visible(group):
            continue
        if group._placed_for != key:
            continue
        boxes.extend(group.text_boxes(renderer))
    return boxes


def text_extent(text: Any, renderer: Any) -> Any:
    """The display box of a text's words and its bbox patch (an annotation's arrow left out)."""
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

    if isinstance(text, Annotation):
        text.update_positions(renderer)  # an annotation's text follows its offset only when updated
    box = Text.get_window_extent(text, renderer)
    patch = text.get_bbox_patch()
    if patch is not None:
        text.update_bbox_position_size(renderer)
        box = Bbox.union([box, patch.get_window_extent(renderer)])
    return box


def cost(boxes: Sequence[Any], ax: Any, shapes: Sequence[Shape], texts: Sequence[Any]) -> float:
    """What a label made of ``boxes`` (display boxes) covers in ``ax``: a huge cost for leaving the axes, the
    pixels of data it crosses, and the area it shares with other labels."""
    inner = ax.bbox.padded(-_MARGIN)
    total = 0.0
    for box in boxes:
        if box.x0 < inner.x0 or box.y0 < inner.y0 or box.x1 > inner.x1 or box.y1 > inner.y1:
            outside = max(inner.x0 - box.x0, 0) + max(inner.y0 - box.y0, 0)
            outside += max(box.x1 - inner.x1, 0) + max(box.y1 - inner.y1, 0)
            total += _OUTSIDE * (1 + outside)
        padded = box.padded(_MARGIN)
        for shape in shapes:
            total += overlap(padded, shape)
        for other in texts:
            total += box_overlap(padded, other)
    return total


class PlacedText:
    """Mixin-free marker class; see :func:`place_text` (the real class is made on first use)."""

    _placed_for: Any = None


def _placed_text_class() -> type:
    from matplotlib.text import Annotation

    global _PLACED_TEXT
    if _PLACED_TEXT is not None:
        return _PLACED_TEXT

    class _Placed(Annotation, PlacedText):
        """An annotation that chooses its offset among ``spots`` when drawn (see :mod:`optviz.plot.placement`)."""

        def __init__(
            self,
            text: str,
            xy: Any,
            spots: Sequence[Spot],
            leader: float | None = None,
            **kwargs: Any,
        ) -> None:
            first = spots[0]
            if leader is not None:
                color = kwargs.get("color", "0.3")
                kwargs["arrowprops"] = {
                    "arrowstyle": "-", "color": color, "lw": 0.6, "shrinkA": 1, "shrinkB": 3, "alpha": 0.8,
                }  # fmt: skip
            self.leader_beyond = leader if leader is not None else np.inf
            super().__init__(
                text, first.xy if first.xy is not None else xy, xytext=(first.dx, first.dy), textcoords="offset points", ha=first.ha,
                va=first.va, **kwargs,
            )  # fmt: skip
            self.spots = tuple(spots)
            self.spot = first
            self._placed_for = None
            self.set_in_layout(False)  # kept inside its axes: the layout need not see it

        def _use(self, spot: Spot) -> None:
            if spot.xy is not None:
                self.xy = spot.xy
            self.xyann = (spot.dx, spot.dy)
            self.set_horizontalalignment(spot.ha)
            self.set_verticalalignment(spot.va)
            self.spot = spot
            if self.arrow_patch is not None:
                # A leader line from a label placed far from its point (hidden when the label sits beside it).
                self.arrow_patch.set_visible(float(np.hypot(spot.dx, spot.dy)) > self.leader_beyond)

        _layout_memo: dict | None = None

        def _get_layout(self, renderer: Any) -> Any:
            # While place() tries its spots only the offset and the alignment change, and matplotlib's layout
            # of the words (their box relative to the text's position) depends on the alignment alone: it is
            # computed once per alignment and reused, the same objects, so every box is the one matplotlib
            # itself would compute.
            memo = self._layout_memo
            if memo is None:
                return super()._get_layout(renderer)
            key = (self.get_horizontalalignment(), self.get_verticalalignment(), id(renderer))
            if key not in memo:
                memo[key] = super()._get_layout(renderer)
            return memo[key]

        def place(self, renderer: Any) -> Spot:
            """Choose the spot for the current layout (kept while the layout stays)."""
            ax = self.axes
            key = _layout_key(ax)
            if self._placed_for == key:
                return self.spot
            self._layout_memo = {}
            try:
                return self._choose(renderer, ax, key)
            finally:
                self._layout_memo = None

        def _choose(self, renderer: Any, ax: Any, key: tuple) -> Spot:
            shapes = data_shapes(
                ax, exclude=[self.arrow_patch] if self.arrow_patch else [], renderer=renderer
            )
            texts = _text_obstacles(ax, self, renderer)
            best, best_cost, covers = self.spots[0], np.inf, np.inf
            for i, spot in enumerate(self.spots):
                self._use(spot)
                box = text_extent(self, renderer)
                c = cover = cost([box], ax, shapes, texts)
                c += 1e-3 * i
                if float(np.hypot(spot.dx, spot.dy)) > self.leader_beyond:
                    anchor = np.asarray(self._get_position_xy(renderer), dtype=float)
                    crossing = leader_crossings(anchor, box, shapes)
                    c += leader_cost(anchor, box, shapes)
                    cover += _CROSSING * crossing
                if c < best_cost:
                    best, best_cost, covers = spot, c, cover
            if covers > 0 and np.isfinite(self.leader_beyond):
                # Every candidate covers data or its leader crosses a line (a crowded view): a free place
                # anywhere in the axes, with the leader crossing fewest lines, is better than any covering one.
                free, free_cost = None, np.inf
                for spot in self._anywhere(renderer):
                    self._use(spot)
                    box = text_extent(self, renderer)
                    if cost([box], ax, shapes, texts) > 0:
                        continue
                    anchor = np.asarray(self._get_position_xy(renderer), dtype=float)
                    c = leader_cost(anchor, box, shapes)
                    if c < free_cost:
                        free, free_cost = spot, c
                best = free or best
            self._use(best)
            self._placed_for = key
            return best

        def _anywhere(self, renderer: Any) -> list[Spot]:
            """Spots whose labels sit on a grid over the whole axes, as offsets from the label's point."""
            ax = self.axes
            anchor = np.asarray(self._get_position_xy(renderer), dtype=float)
            points = 72 / ax.get_figure(root=True).dpi
            out = []
            for fx in _GRID:
                for fy in _GRID:
                    x = ax.bbox.x0 + fx * ax.bbox.width
                    y = ax.bbox.y0 + fy * ax.bbox.height
                    dx, dy = (x - anchor[0]) * points, (y - anchor[1]) * points
                    if float(np.hypot(dx, dy)) <= self.leader_beyond:
                        continue
                    out.append(Spot(dx, dy, ha="left" if fx < 0.3 else "right" if fx > 0.7 else "center",
                                    va="bottom" if fy < 0.3 else "top" if fy > 0.7 else "center"))  # fmt: skip
            return out

        def draw(self, renderer: Any) -> None:
            if self.get_visible() and self.axes is not None and self._check_xy(renderer):
                self.place(renderer)
            super().draw(renderer)

    _PLACED_TEXT = _Placed
    return _Placed


_PLACED_TEXT: type | None = None


def place_text(
    ax: Any,
    text: str,
    xy: Any,
    *,
    spots: Sequence[Spot] | None = None,
    distance: float | None = None,
    **kwargs: Any,
) -> Any:
    """Add ``text`` for the point ``xy`` (data coordinates unless ``xycoords`` says otherwise) to ``ax``, at the
    candidate place (``spots``; default: :func:`around` at ``distance`` points, half the font size) that
    covers the least data and fewest labels when the figure is drawn. ``kwargs`` go to ``Annotation``
    (fontsize, color, bbox, zorder...). Returns the :class:`PlacedText` annotation."""
    from optviz.plot.common import fontsize

    if spots is None:
        spots = around(distance if distance is not None else 0.45 * fontsize())
    if not spots:
        raise ValueError("place_text needs at least one spot")
    kwargs.setdefault("annotation_clip", False)
    # A leader line when the label ends up more than twice as far as its nearest spot.
    nearest = min(float(np.hypot(s.dx, s.dy)) for s in spots)
    label = _placed_text_class()(text, xy, spots, leader=2.2 * max(nearest, 1.0), **kwargs)
    ax._add_text(label)
    return label


class PlacedGroup:
    """Marker base for :func:`placed_group` groups (the class is made on first use, as matplotlib is)."""

    _placed_for: Any = None


def _group_class() -> type:
    from matplotlib.artist import Artist
    from matplotlib.transforms import Affine2D, Bbox

    global _GROUP
    if _GROUP is not None:
        return _GROUP

    class _Group(Artist, PlacedGroup):
        """Artists laid out in points around a local origin, moved together to the free anchor of its axes."""

        def __init__(self, ax: Any, anchors: Sequence[tuple[float, float]], pad: float) -> None:
            super().__init__()
            self.set_figure(ax.get_figure(root=False))
            self.axes = ax
            self.anchors = tuple(anchors)
            self.pad = pad
            self.children: list[Any] = []
            self.shift = Affine2D()
            self.anchor = self.anchors[0]
            self._placed_for = None
            self.set_in_layout(False)
            self.set_zorder(4)

        @property
        def local(self) -> Any:
            """The transform of the group's children: points from the group's origin, then the shift."""
            fig = self.get_figure(root=True)
            return Affine2D().scale(1 / 72) + fig.dpi_scale_trans + self.shift

        def add(self, artist: Any) -> Any:
            artist.set_figure(self.get_figure(root=False))
            artist.set_transform(self.local)
            artist.set_clip_on(False)
            self.children.append(artist)
            return artist

        def get_children(self) -> list[Any]:
            return list(self.children)

        def get_window_extent(self, renderer: Any = None) -> Any:
            if renderer is None:
                renderer = self.get_figure(root=True)._get_renderer()
            boxes = [c.get_window_extent(renderer) for c in self.children if c.get_visible()]
            return Bbox.union(boxes) if boxes else Bbox.null()

        def text_boxes(self, renderer: Any) -> list[Any]:
            from matplotlib.text import Text

            return [
                text_extent(c, renderer)
                for c in self.children
                if isinstance(c, Text) and c.get_text()
            ]

        def shapes(self) -> list[Shape]:
            """The group's arrows and lines as data shapes (for other labels to avoid)."""
            from matplotlib.lines import Line2D
            from matplotlib.patches import Patch

            out = []
            for c in self.children:
                if isinstance(c, Line2D):
                    shape = _line_shape(c)
                    if shape is not None:
                        out.append(shape)
                elif isinstance(c, Patch):
                    segments = _outline_segments(_patch_outline(c))
                    if len(segments):
                        out.append(Shape(c, segments, np.empty((0, 2)), 0.0, None))
            return out

        def _move(self, anchor: tuple[float, float], renderer: Any) -> list[Any]:
            """Shift so that the group's box sits at ``anchor`` (axes fractions; 0 and 1 align its edges with
            the axes' edges, inset by ``pad`` points), and return the children's boxes there."""
            self.shift.clear()
            box = self.get_window_extent(renderer)
            ax = self.axes
            pad = self.pad * ax.get_figure(root=True).dpi / 72
            fx, fy = anchor
            inner = ax.bbox
            x = inner.x0 + pad + fx * (inner.width - 2 * pad - box.width)
            y = inner.y0 + pad + fy * (inner.height - 2 * pad - box.height)
            self.shift.translate(x - box.x0, y - box.y0)
            self.anchor = anchor
            return [c.get_window_extent(renderer) for c in self.children if c.get_visible()]

        def place(self, renderer: Any) -> tuple[float, float]:
            ax = self.axes
            key = _layout_key(ax)
            if self._placed_for == key:
                return self.anchor
            shapes = data_shapes(ax, exclude=[self], renderer=renderer)
            texts = _text_obstacles(ax, self, renderer)
            best, best_cost = self.anchors[0], np.inf
            for i, anchor in enumerate(self.anchors):
                c = cost(self._move(anchor, renderer), ax, shapes, texts) + 1e-3 * i
                if c < best_cost:
                    best, best_cost = anchor, c
            if best_cost >= 1.0:
                # Every edge covers data (a crowded view): any free place inside the axes.
                for anchor in ((fx, fy) for fy in _GRID for fx in _GRID):
                    c = cost(self._move(anchor, renderer), ax, shapes, texts)
                    if c < best_cost:
                        best, best_cost = anchor, c
            self._move(best, renderer)
            self._placed_for = key
            return best

        def draw(self, renderer: Any) -> None:
            if not self.get_visible():
                return
            self.place(renderer)
            for child in self.children:
                child.draw(renderer)
            self.stale = False

    _GROUP = _Group
    return _Group


_GROUP: type | None = None

# Anchors of a group, in axes fractions: the bottom and top edges first (keys sit there), then the sides.
EDGE_ANCHORS = (
    (0.5, 0.0), (1.0, 0.0), (0.0, 0.0), (0.5, 1.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.5), (0.0, 0.5),
    (0.25, 0.0), (0.75, 0.0), (0.25, 1.0), (0.75, 1.0), (1.0, 0.25), (1.0, 0.75), (0.0, 0.25), (0.0, 0.75),
)  # fmt: skip


def placed_group(
    ax: Any, *, anchors: Sequence[tuple[float, float]] = EDGE_ANCHORS, pad: float = 6.0
) -> Any:
    """A new empty :class:`PlacedGroup` in ``ax``: ``group.add(artist)`` lays an artist out in points from the
    group's origin (``group.local`` is their transform); when drawn, the group goes to the first of ``anchors``
    (axes fractions, its box inset by ``pad`` points) where it covers the least data and fewest labels."""
    group = _group_class()(ax, anchors, pad)
    ax.add_artist(group)
    return group
