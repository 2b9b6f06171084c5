"""Is a figure legible? Five measured findings on its drawn artists (design section 11).

:func:`check_legibility` draws the figure once at its own size and dpi and reports:

- **text over data**: a text box inside an axes (an annotation, a label, a legend or key placed inside it) that
  crosses a drawn line, marker or arrow of that axes; a label's leader line drawn over a line of data; an axes
  title that touches its axes' frame;
- **text over text**: two drawn text boxes (titles, axis and tick labels, legends, annotations) that overlap, or
  an x and a y tick label of one axes closer than a third of an em where they meet at its corner;
- **clipped text**: a drawn text box that leaves the figure;
- **hidden series**: a labelled line whose removal (drawing it invisible) changes under a quarter of the pixels
  that the same line changes when drawn alone on an empty canvas of the same size: another series covers it;
- **blank band**: a band of pure background rows or columns wider than 12% of the figure.

Each :class:`Finding` names the artist, what it collides with, and where (a pixel box, origin at the top left
as in the PNG). The list is empty for a legible figure:

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3), dpi=50, layout="constrained")
>>> _ = ax.plot([0, 1], [0, 1], label="a line")
>>> check_legibility(fig)
[]
>>> _ = ax.annotate("on the line", (0.5, 0.5), ha="center", va="center")
>>> [f.kind for f in check_legibility(fig)]
['text over data']
>>> plt.close(fig)

The check draws with the Agg renderer (the figure's canvas is restored afterwards); it changes no artist.
Use it in tests (``assert not check_legibility(fig)``), through the pytest plugin
(``optviz_image.check(fig, legible=True)``), or on a scenario with ``optviz check --render FILE``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz.plot.placement import PlacedGroup, crosses, data_shapes, segment_crossings, text_extent
from optviz.plot.placement import visible as _visible

KINDS = ("text over data", "text over text", "clipped text", "hidden series", "blank band")
BLANK_BAND = 0.12  # the widest band of background allowed, as a fraction of the figure
HIDDEN = 0.25  # a series whose removal changes fewer than this share of its own pixels is hidden
_TOUCH = 1.0  # pixels: boxes must overlap by more than this to count (antialiasing, rounding)
_AT_POINT = (
    12.0  # points: a leader line's last stretch at its point, where it may meet what it points at
)


@dataclass(frozen=True)
class Finding:
    """One legibility problem: ``kind`` (one of :data:`KINDS`), the ``artist`` concerned (None for a blank
    band), what it collides with (``other``), ``where`` it is as a pixel box ``(x0, y0, x1, y1)`` with the
    origin at the top left of the image, and a one-line ``message``."""

    kind: str
    artist: Any
    other: Any
    where: tuple[int, int, int, int]
    message: str

    def __str__(self) -> str:
        x0, y0, x1, y1 = self.where
        return f"{self.kind}: {self.message} (pixels x {x0}-{x1}, y {y0}-{y1})"


def check_legibility(
    fig: Any, *, blank_band: float = BLANK_BAND, hidden: float = HIDDEN
) -> list[Finding]:
    """The legibility findings of ``fig`` (a matplotlib Figure) at its size and dpi; ``[]`` when there are none.

    ``blank_band``: the widest band of pure background rows or columns allowed, as a fraction of the figure's
    height or width. ``hidden``: a labelled line is hidden when removing it changes fewer than this share of
    the pixels it paints alone. See the module's documentation for the five kinds of finding.
    """
    with _agg_canvas(fig) as canvas:
        canvas.draw()
        renderer = canvas.get_renderer()
        height = round(fig.bbox.height)
        image = np.asarray(canvas.buffer_rgba()).copy()
        drawn = canvas.copy_from_bbox(fig.bbox)
        boxes = _text_boxes(fig, renderer)
        findings: list[Finding] = []
        findings += _text_over_data(fig, boxes, renderer, height)
        findings += _text_over_text(boxes, height)
        findings += _clipped(fig, boxes, height)
        findings += _hidden_series(fig, renderer, height, hidden)
        findings += _blank_bands(image, fig, blank_band)
        canvas.restore_region(drawn)  # the hidden-series check painted artists alone on the canvas
    return findings


# -- drawing -------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _agg_canvas(fig: Any) -> Iterator[Any]:
    """The figure's own canvas when it renders with Agg, else a temporary Agg canvas (the original restored)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    original = fig.canvas
    if isinstance(original, FigureCanvasAgg):
        yield original
        return
    canvas = FigureCanvasAgg(fig)
    try:
        yield canvas
    finally:
        fig.set_canvas(original)


# -- text boxes ----------------------------------------------------------------------------------------------
@dataclass
class _Box:
    """A drawn text (or text-like box: a legend, a key) and where it is, in display pixels (origin bottom left)."""

    artist: Any
    extent: Any  # matplotlib Bbox
    axes: Any  # the axes it is inside of, for "text over data" (None: outside any axes)
    role: str  # "title", "label", "tick", "text", "legend", "key", "suptitle"
    owner: Any = (
        None  # the key (PlacedGroup) a word belongs to: its own arrows are not data under it
    )

    def name(self) -> str:
        return describe(self.artist)


def describe(artist: Any) -> str:
    """A short name for an artist in a finding: its text, or its label, and its type."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    if isinstance(artist, Legend):
        texts = [t.get_text() for t in artist.get_texts()][:2]
        return f"legend ({', '.join(repr(t) for t in texts)}{', ...' if len(artist.get_texts()) > 2 else ''})"
    if isinstance(artist, Text):
        text = artist.get_text().replace("\n", " ")
        return f"{type(artist).__name__} {text[:40]!r}"
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    if label and not label.startswith("_"):
        return f"{type(artist).__name__} {label[:40]!r}"
    gid = artist.get_gid() if hasattr(artist, "get_gid") else None
    return f"{type(artist).__name__}{f' {gid!r}' if gid else ''}"


def _drawn_ticklabels(axis: Any) -> list[Any]:
    labels = []
    for tick in axis._update_ticks():  # the ticks Axis.draw draws (inside the view)
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text():
                labels.append(label)
    return labels


def _containers(fig: Any) -> list[Any]:
    """The figure and its subfigures, recursively."""
    out = [fig]
    for sub in getattr(fig, "subfigs", []):
        if sub.get_visible():
            out += _containers(sub)
    return out


def _text_boxes(fig: Any, renderer: Any) -> list[_Box]:
    from matplotlib.offsetbox import AnchoredOffsetbox, AnnotationBbox, OffsetBox
    from matplotlib.text import Text

    boxes: list[_Box] = []

    seen: set[int] = set()

    def add(artist: Any, axes: Any, role: str, owner: Any = None) -> None:
        if not _visible(artist) or id(artist) in seen:
            return  # (a suptitle is also one of its figure's texts: counted once)
        seen.add(id(artist))
        if isinstance(artist, Text):
            if not artist.get_text():
                return
            extent = text_extent(artist, renderer)
        else:
            extent = artist.get_window_extent(renderer)
        if extent.width <= 0 or extent.height <= 0 or not np.all(np.isfinite(extent.extents)):
            return
        boxes.append(_Box(artist, extent, axes, role, owner))

    for container in _containers(fig):
        for name in ("_suptitle", "_supxlabel", "_supylabel"):
            text = getattr(container, name, None)
            if text is not None:
                add(text, None, "suptitle")
        for text in container.texts:
            add(text, None, "text")
        for legend in container.legends:
            add(legend, None, "legend")
    for ax in fig.get_axes():
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            add(title, None, "title")
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                if not axis.get_visible():
                    continue
                add(axis.label, None, "label")
                add(axis.offsetText, None, "label")
                for label in _drawn_ticklabels(axis):
                    add(label, None, "tick", owner=axis)
        for text in ax.texts:
            add(text, ax, "text")
        legend = ax.get_legend()
        if legend is not None:
            # A legend anchored outside its axes (bbox_to_anchor below it) is not "inside" the axes.
            add(legend, ax if _inside_axes(legend, ax, renderer) else None, "legend")
        for artist in ax.artists:
            if isinstance(artist, PlacedGroup):
                # A key's words, each on its own (its arrows are drawing, not text; the empty corners of its
                # box cover nothing).
                if _visible(artist):
                    for child in artist.get_children():
                        if isinstance(child, Text):
                            add(child, ax, "key", owner=artist)
            elif isinstance(artist, (AnchoredOffsetbox, AnnotationBbox, OffsetBox)):
                add(artist, ax, "key")
        for table in getattr(ax, "tables", []):
            for cell in table.get_celld().values():
                add(cell.get_text(), None, "text")
    return boxes


def _inside_axes(artist: Any, ax: Any, renderer: Any) -> bool:
    box = artist.get_window_extent(renderer)
    inner = ax.bbox
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    return bool(inner.x0 <= cx <= inner.x1 and inner.y0 <= cy <= inner.y1)


def _pixels(box: Any, height: int) -> tuple[int, int, int, int]:
    """A display Bbox as an image pixel box (origin top left)."""
    return (
        int(np.floor(box.x0)),
        int(np.floor(height - box.y1)),
        int(np.ceil(box.x1)),
        int(np.ceil(height - box.y0)),
    )


def _overlap(a: Any, b: Any) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > _TOUCH) and (
        min(a.y1, b.y1) - max(a.y0, b.y0) > _TOUCH
    )


# -- text over data ------------------------------------------------------------------------------------------
def _own(artist: Any, shape_artist: Any) -> bool:
    """An annotation's own arrow, a key's own arrows, are part of it, not data under it."""
    if getattr(artist, "arrow_patch", None) is shape_artist:
        return True
    return isinstance(artist, PlacedGroup) and shape_artist in artist.get_children()


def _text_over_data(fig: Any, boxes: list[_Box], renderer: Any, height: int) -> list[Finding]:
    findings = []
    shapes_by_axes: dict[Any, list[Any]] = {}
    for box in boxes:
        if box.axes is None:
            continue
        ax = box.axes
        if ax not in shapes_by_axes:
            shapes_by_axes[ax] = data_shapes(ax)
        inner = box.extent.padded(-_TOUCH)
        for shape in shapes_by_axes[ax]:
            if _own(box.owner or box.artist, shape.artist):
                continue
            if crosses(inner, shape):
                findings.append(Finding(
                    "text over data", box.artist, shape.artist, _pixels(box.extent, height),
                    f"{box.name()} crosses {describe(shape.artist)}{_in_axes(ax)}",
                ))  # fmt: skip
                break
        else:
            findings += _leader_over_data(box, shapes_by_axes[ax], height)
    # An axes title that touches its own frame (a subscript below the baseline, a tall formula).
    for ax in fig.get_axes():
        if not ax.get_visible() or not (ax.axison and ax.get_frame_on()):
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            if not title.get_text() or not title.get_visible():
                continue
            extent = text_extent(title, renderer)
            if (
                extent.y0 < ax.bbox.y1 - _TOUCH
                and extent.y1 > ax.bbox.y1
                and (extent.x1 > ax.bbox.x0 and extent.x0 < ax.bbox.x1)
            ):
                findings.append(Finding(
                    "text over data", title, ax.spines["top"], _pixels(extent, height),
                    f"{describe(title)} touches its axes' frame{_in_axes(ax)}",
                ))  # fmt: skip
    return findings


def _leader_over_data(box: _Box, shapes: list[Any], height: int) -> list[Finding]:
    """A label's leader line (an annotation's arrow drawn as a plain line) is part of the label: one drawn over
    a line of data reads as part of that path. (A leader drawn beneath the paths, as a map's leader passes
    under its roads, may cross them: a label whose point lies among converging paths cannot do otherwise.)"""
    arrow = getattr(box.artist, "arrow_patch", None)
    if arrow is None or not _visible(arrow) or arrow.get_arrowstyle().__class__.__name__ != "Curve":
        return []
    points = _leader_points(arrow)
    if points is None:
        return []
    a, b = points  # from the label to its point
    # What meets the leader at its point (an arrow ending there, the point's marker) is what it points at.
    reach = _AT_POINT * box.artist.get_figure(root=True).dpi / 72
    length = float(np.hypot(*(a - b)))
    if length <= reach:
        return []
    b = b + (a - b) * (reach / length)
    for shape in shapes:
        if shape.artist is arrow or _own(box.owner or box.artist, shape.artist):
            continue
        if shape.artist.get_zorder() > box.artist.get_zorder():
            continue  # the line is drawn over the leader
        if segment_crossings(a, b, shape.segments):
            lo, hi = np.minimum(a, b), np.maximum(a, b)
            from matplotlib.transforms import Bbox

            return [Finding(
                "text over data", box.artist, shape.artist, _pixels(Bbox([lo, hi]), height),
                f"the leader line of {box.name()} crosses {describe(shape.artist)}{_in_axes(box.axes)}",
            )]  # fmt: skip
    return []


def _leader_points(arrow: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """The two ends of a straight leader line, in display pixels."""
    try:
        path = arrow.get_path()
        pts = arrow.get_transform().transform(path.vertices)
    except Exception:  # an arrow whose path cannot be computed
        return None
    pts = np.asarray(pts, float)
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if len(pts) < 2:
        return None
    return pts[0], pts[-1]


def _in_axes(ax: Any) -> str:
    title = ax.get_title() or ax.get_title(loc="left")
    return f" in axes {title[:40]!r}" if title else ""


# -- text over text, clipped text ----------------------------------------------------------------------------
CORNER = 0.3  # ems: the least gap between an axes' x and y tick labels where they meet at a corner


def _corner(a: _Box, b: _Box) -> float:
    """The gap (pixels) two tick labels need: a third of an em between an x and a y tick label of one axes,
    which meet diagonally at its corner and read as one number when closer (``-1.5`` over ``-2.0``)."""
    if a.role != "tick" or b.role != "tick" or a.owner is None or b.owner is None:
        return 0.0
    if a.owner is b.owner or a.owner.axes is not b.owner.axes:
        return 0.0
    return CORNER * a.artist.get_fontsize() * a.artist.get_figure(root=True).dpi / 72


def _text_over_text(boxes: list[_Box], height: int) -> list[Finding]:
    findings = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.artist is b.artist:
                continue
            gap = _corner(a, b)
            if not _overlap(a.extent.padded(gap / 2), b.extent.padded(gap / 2)):
                continue
            from matplotlib.transforms import Bbox

            where = Bbox.intersection(a.extent, b.extent)
            what = "overlaps"
            if where is None:  # tick labels crowding a corner: the box around both
                where, what = Bbox.union([a.extent, b.extent]), "crowds the corner with"
            findings.append(Finding(
                "text over text", a.artist, b.artist, _pixels(where, height),
                f"{a.name()} {what} {b.name()}",
            ))  # fmt: skip
    return findings


def _clipped(fig: Any, boxes: list[_Box], height: int) -> list[Finding]:
    findings = []
    frame = fig.bbox
    for box in boxes:
        e = box.extent
        if (
            e.x0 < frame.x0 - 0.5
            or e.y0 < frame.y0 - 0.5
            or e.x1 > frame.x1 + 0.5
            or e.y1 > frame.y1 + 0.5
        ):
            findings.append(Finding(
                "clipped text", box.artist, None, _pixels(e, height), f"{box.name()} leaves the figure",
            ))  # fmt: skip
    return findings


# -- hidden series -------------------------------------------------------------------------------------------
def series(ax: Any) -> list[Any]:
    """The series of an axes: its visible lines with a legend label (not starting with "_")."""
    return [
        line
        for line in ax.lines
        if _visible(line)
        and not str(line.get_label()).startswith("_")
        and len(np.asarray(line.get_xydata())) > 0
    ]


def _own_markers(line: Any, ax: Any) -> list[Any]:
    """The unlabelled lines of the same colour as ``line`` (its start, end and divergence markers): part of
    the series, not what covers it."""
    from matplotlib.colors import to_rgba

    color = to_rgba(line.get_color())
    out = []
    for other in ax.lines:
        if other is line or not str(other.get_label()).startswith("_") or not _visible(other):
            continue
        colors = {other.get_color(), other.get_markeredgecolor(), other.get_markerfacecolor()}
        if any(_same(c, color) for c in colors):
            out.append(other)
    return out


def _same(c: Any, rgba: tuple[float, ...]) -> bool:
    from matplotlib.colors import to_rgba

    try:
        return bool(np.allclose(to_rgba(c)[:3], rgba[:3]))
    except ValueError:
        return False


def _draw_order(ax: Any) -> list[Any]:
    """The artists ``Axes.draw`` paints, in its order (by zorder, stably)."""
    children = [c for c in ax.get_children() if c is not ax.patch]
    if not (ax.axison and ax.get_frame_on()):
        children = [c for c in children if c not in ax.spines.values()]
    if not ax.axison:
        children = [c for c in children if c not in (ax.xaxis, ax.yaxis)]
    return sorted(children, key=lambda a: a.get_zorder())


def _paint(renderer: Any, artists: list[Any], window: tuple[slice, slice]) -> np.ndarray:
    """Paint ``artists`` alone on a cleared canvas; the pixels of ``window`` as one uint32 per pixel."""
    renderer.clear()
    for artist in artists:
        if artist.get_visible():
            artist.draw(renderer)
    return np.asarray(renderer.buffer_rgba())[window].view(np.uint32).copy()


def _window(line: Any, renderer: Any, shape: tuple[int, int]) -> tuple[slice, slice] | None:
    """The pixel rows and columns a line can paint: its extent, padded by its width and markers."""
    box = line.get_window_extent(renderer)
    if not np.all(np.isfinite(box.extents)):
        return None
    dpi = line.figure.dpi
    pad = 2 + (line.get_linewidth() + line.get_markersize() + line.get_markeredgewidth()) * dpi / 72
    h, w = shape
    x0, x1 = max(0, int(box.x0 - pad)), min(w, int(np.ceil(box.x1 + pad)))
    y0, y1 = max(0, int(h - box.y1 - pad)), min(h, int(np.ceil(h - box.y0 + pad)))
    if x1 <= x0 or y1 <= y0:
        return None
    return slice(y0, y1), slice(x0, x1)


def _changed(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.count_nonzero(a != b))


def _hidden_series(fig: Any, renderer: Any, height: int, threshold: float) -> list[Finding]:
    """A line is hidden when the artists painted after it (in its axes) leave less than ``threshold`` of its
    pixels changed: only they can cover it, so only they are painted (fast: no contours)."""
    findings = []
    shape = np.asarray(renderer.buffer_rgba()).shape[:2]
    for ax in fig.get_axes():
        if not ax.get_visible():
            continue
        lines = series(ax)
        if not lines:
            continue
        order = _draw_order(ax)
        for line in lines:
            window = _window(line, renderer, shape)
            if window is None:
                continue
            own = [line, *_own_markers(line, ax)]
            above = [a for a in order[order.index(line) + 1 :] if a not in own]
            mine = [a for a in order if a in own]
            empty = _paint(renderer, [], window)
            alone = _changed(_paint(renderer, mine, window), empty)
            if not alone:
                continue
            # Painted in draw order: the run (its line and its own markers) and what is drawn above its line.
            with_run = [a for a in order if a in own or a in above]
            removed = _changed(_paint(renderer, with_run, window), _paint(renderer, above, window))
            if removed < threshold * alone:
                cover = _coverer(line, above, lines)
                findings.append(Finding(
                    "hidden series", line, cover, _pixels(line.get_window_extent(renderer), height),
                    f"{describe(line)} shows {removed} of its {alone} pixels"
                    f"{f' (covered by {describe(cover)})' if cover is not None else ''}{_in_axes(ax)}",
                ))  # fmt: skip
    return findings


def _coverer(line: Any, above: list[Any], lines: list[Any]) -> Any:
    """The series painted above ``line`` (a guess at what covers it, for the message)."""
    covering = [a for a in above if a in lines]
    return covering[0] if covering else None


# -- blank bands ---------------------------------------------------------------------------------------------
def _blank_bands(image: np.ndarray, fig: Any, limit: float) -> list[Finding]:
    from matplotlib.colors import to_rgba

    background = (np.array(to_rgba(fig.get_facecolor())) * 255).round().astype(np.uint8)
    same = np.all(image[..., :3] == background[:3], axis=-1)
    findings = []
    h, w = same.shape
    for axis, size, name in ((1, h, "rows"), (0, w, "columns")):
        blank = same.all(axis=axis)
        for start, stop in _runs(blank):
            if stop - start > limit * size:
                where = (0, start, w, stop) if name == "rows" else (start, 0, stop, h)
                findings.append(Finding(
                    "blank band", None, None, where,
                    f"{stop - start} blank {name} ({(stop - start) / size:.0%} of the figure's "
                    f"{'height' if name == 'rows' else 'width'})",
                ))  # fmt: skip
    return findings


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
