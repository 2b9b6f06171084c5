"""Cheap redraws of an interactive figure: only what changed, over a saved background, pixel for pixel.

A full draw of an explorer (contours, axes, a dozen widgets) costs far more than the handful of artists a slider
move changes: paths, markers, loss curves, a few readout numbers and the slider itself. Those artists are
*animated*: the full draw leaves them out and its pixels are saved as the background. An update redraws, for
each *region* in which an artist changed (matplotlib marks it ``stale``), that region's background and every
animated artist in it (``restore_region`` + ``draw`` + ``blit``). Text is the dearest thing to draw, so an
unchanged readout or slider value costs nothing.

The result has the same pixels as a full draw of the figure, because

- every animated artist has a *reach*, the box it can ever paint: its clip box (an artist that is not clipped
  reaches the whole figure, which is correct but slow; the explorers clip every live text to its place);
- at each full draw a plan walks the figure in the order ``Figure.draw`` paints it (``optviz._blit.draw_order``)
  and adds every static artist painted *after* an animated one over its reach: those are drawn per update too
  (and so left out of the background), in that same order;
- regions are unions of overlapping reaches on whole pixels, apart from each other: restoring one and drawing
  its artists (which paint only inside it) touches no pixel of another.

Anything else that changes (axes limits, a widget's colours, the layout) asks for a full draw, which plans
again. ``tests/test_explorer_blit.py`` holds updates equal to full redraws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from matplotlib.transforms import Bbox, BboxBase

from optviz._blit import clip_extent, draw_order, footprint


class LiveBox(BboxBase):
    """A box computed from the figure's current layout on every use (it follows resizes): ``points()`` returns
    ``[[x0, y0], [x1, y1]]`` in display pixels. Used as the clip box of a live artist whose place is not an
    axes' box (a slider's handle, which may sit half outside its axes; a readout cell)."""

    def __init__(self, points: Callable[[], Any], *children: Any) -> None:
        super().__init__()
        self._points = points
        if children:
            self.set_children(*children)

    def get_points(self) -> np.ndarray:
        return np.asarray(self._points(), dtype=float)


def padded_box(bbox: Any, pad: tuple[float, float], fig: Any) -> LiveBox:
    """``bbox`` grown by ``pad = (x, y)`` points on either side."""

    def points() -> Any:
        scale = fig.dpi / 72.0
        return bbox.padded(pad[0] * scale, pad[1] * scale).get_points()

    return LiveBox(points, bbox)


class Region:
    """Animated artists that paint inside one box of whole pixels, and that box: redrawn together."""

    def __init__(self, box: tuple[int, int, int, int], artists: list[Any]) -> None:
        self.box = box  # (x0, y0, x1, y1): pixel columns x0..x1-1, rows y0..y1-1 (y up)
        self.artists = artists  # in draw order

    @property
    def bbox(self) -> Bbox:
        x0, y0, x1, y1 = self.box
        return Bbox([[x0, y0], [x1, y1]])

    def changed(self) -> bool:
        return any(a.stale for a in self.artists)


class Blitter:
    """Redraw a set of animated artists over a saved background (``fig.canvas.supports_blit``).

    ``update()`` shows the animated artists' new state, region by region (only regions where an artist
    changed); ``redraw()`` asks for a full draw (after a change to anything else), ``flush()`` makes one that is
    due. Without blitting support every update is a ``draw_idle``. ``full_draws``, ``redraws`` (asked for) and
    ``blits`` count what happened (tests and benchmarks read them); ``regions`` is the current plan,
    ``redrawn`` the regions the last update drew.
    """

    def __init__(self, fig: Any, artists: Iterable[Any] = ()) -> None:
        self.fig = fig
        self.enabled = bool(getattr(fig.canvas, "supports_blit", False))
        self.artists: list[Any] = []
        self.covered: list[
            Any
        ] = []  # static artists drawn per update because they lie over animated ones
        self.regions: list[Region] = []
        self.redrawn: list[Region] = []
        self.background: Any = None
        self.full_draws = 0
        # full draws asked for (by redraw(); drawn at once or coalesced, see there)
        self.redraws = 0
        self.blits = 0
        fig.canvas.mpl_connect("draw_event", self._on_draw)
        self.add(artists)

    def add(self, artists: Iterable[Any]) -> None:
        """Animate ``artists`` (from the next full draw on)."""
        for artist in artists:
            if artist is None or any(artist is a for a in self.artists):
                continue
            self.artists.append(artist)
            if self.enabled:
                artist.set_animated(True)
        self.background = None

    # -- full draws ------------------------------------------------------------------------------------
    def _on_draw(self, event: Any) -> None:
        # A full draw (window shown or resized, redraw() after a change) skipped the animated artists: plan,
        # save the background, then draw them on top.
        canvas = event.canvas if event is not None else self.fig.canvas
        if canvas.is_saving():  # savefig draws every artist itself
            return
        self.full_draws += 1
        if not self.enabled:
            return
        renderer = event.renderer if event is not None else canvas.get_renderer()
        complete = self._plan(renderer)
        # A static artist newly found over an animated one is in this background: the next update draws in
        # full (without it) before it blits again.
        self.background = canvas.copy_from_bbox(self.fig.bbox) if complete else None
        for region in self.regions:
            self._draw(region, renderer)
        self.redrawn = list(self.regions)

    def _plan(self, renderer: Any) -> bool:
        """Make the regions for the current layout; False if a static artist had to be added to them."""
        mine = {id(a) for a in self.artists}
        covered = {id(a) for a in self.covered}
        per_frame: list[Any] = []
        reach: list[Any] = []
        added = []
        for artist in draw_order(self.fig):
            if id(artist) in mine or id(artist) in covered:
                # A covered static artist paints where it is now (or nothing, hidden).
                box = self.reach(artist) if id(artist) in mine else footprint(artist, renderer)
                per_frame.append(artist)
                reach.append(box if box is not None else Bbox([[0, 0], [0, 0]]))
                continue
            if not reach:
                continue
            box = footprint(artist, renderer)
            if box is not None and _overlaps(box, reach):
                per_frame.append(artist)
                reach.append(box)
                added.append(artist)
        for artist in added:  # drawn per update from now on
            artist.set_animated(True)
            self.covered.append(artist)
        width, height = self.fig.canvas.get_width_height(physical=True)
        self.regions = regions(per_frame, reach, (width, height))
        return not added

    def reach(self, artist: Any) -> Any:
        """Every pixel ``artist`` can paint until the next full draw: its clip box, else the whole figure."""
        return clip_extent(artist) or self.fig.bbox

    @staticmethod
    def _draw(region: Region, renderer: Any) -> None:
        for artist in region.artists:
            if artist.get_visible() and artist.figure is not None:
                artist.draw(renderer)
        for artist in (
            region.artists
        ):  # shown as they are now (an invisible one is not drawn, and stays stale)
            artist.stale = False

    # -- updates ---------------------------------------------------------------------------------------
    def update(self) -> None:
        """Show the animated artists' new state: the regions where one changed are blitted, or the figure is
        drawn in full (idle) when blitting is not possible."""
        canvas = self.fig.canvas
        if not self.enabled or self.background is None:
            canvas.draw_idle()
            return
        renderer = canvas.get_renderer()
        height = canvas.get_width_height(physical=True)[1]
        self.redrawn = [r for r in self.regions if r.changed()]
        for region in self.redrawn:
            x0, y0, x1, y1 = region.box
            # The renderer's rows run top-down and its box is inclusive.
            canvas.restore_region(
                self.background, (x0, height - y1, x1 - 1, height - y0 - 1), (0, 0)
            )
            self._draw(region, renderer)
        for region in self.redrawn:
            canvas.blit(region.bbox)
        self.blits += 1

    def redraw(self) -> None:
        """Something other than the animated artists changed: a full redraw saves a new background.

        On a canvas with an event loop ``draw_idle`` draws once the loop is idle, however many changes came
        before. A canvas without one (Agg: scripts, tests, ``%matplotlib inline``) would draw at once, on every
        change; there the figure is only marked stale, and drawn when its pixels are asked for (``savefig``,
        ``canvas.draw()``) or by the next :meth:`update`.
        """
        self.background = None
        self.redraws += 1
        if draws_at_once(self.fig.canvas):
            self.fig.stale = True
            return
        self.fig.canvas.draw_idle()

    def flush(self) -> None:
        """Make a full draw that is due now (what a window's loop does when it is idle); nothing if none is."""
        if self.background is None:
            self.fig.canvas.draw()

    def redraw_now(self) -> None:
        """:meth:`redraw`, drawn at once on a canvas without an event loop (for a caller that measures the
        laid-out figure next)."""
        self.redraw()
        if draws_at_once(self.fig.canvas):
            self.flush()


def draws_at_once(canvas: Any) -> bool:
    """Whether ``canvas.draw_idle()`` draws at once: matplotlib's base implementation, which canvases
    without an event loop (Agg) keep; GUI and notebook canvases defer it to their loop."""
    from matplotlib.backend_bases import FigureCanvasBase

    return type(canvas).draw_idle is FigureCanvasBase.draw_idle


def _overlaps(box: Any, boxes: list[Any]) -> bool:
    return any(box.x0 < o.x1 and o.x0 < box.x1 and box.y0 < o.y1 and o.y0 < box.y1 for o in boxes)


def regions(artists: list[Any], reach: list[Any], size: tuple[int, int]) -> list[Region]:
    """Group ``artists`` (in draw order, with their reach boxes) into regions of whole pixels that share no
    pixel: overlapping reaches end in one region, whose box is the bounding box of them all."""
    width, height = size
    boxes: list[tuple[int, int, int, int]] = []
    members: list[list[int]] = []
    for i, b in enumerate(reach):
        box = (
            max(0, math.floor(b.x0)),
            max(0, math.floor(b.y0)),
            min(width, math.ceil(b.x1)),
            min(height, math.ceil(b.y1)),
        )
        if box[0] >= box[2] or box[1] >= box[3]:
            box = (0, 0, 0, 0)  # off the canvas: paints nothing, redrawn with nothing
        group = [i]
        merged = True
        while merged:  # absorb every region this box shares a pixel with, until none is left
            merged = False
            for j in range(len(boxes) - 1, -1, -1):
                o = boxes[j]
                if box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]:
                    box = (
                        min(box[0], o[0]),
                        min(box[1], o[1]),
                        max(box[2], o[2]),
                        max(box[3], o[3]),
                    )
                    group += members.pop(j)
                    boxes.pop(j)
                    merged = True
        boxes.append(box)
        members.append(group)
    return [
        Region(box, [artists[i] for i in sorted(group)])
        for box, group in zip(boxes, members, strict=True)
    ]


def memoize_leader(annotation: Any) -> None:
    """Let ``annotation``'s arrow (a label's leader line) reuse its path while nothing it depends on moved.

    matplotlib clips an annotation's arrow to the label's box by bisecting Bezier curves on every draw (3 ms for
    a contour's "min" label, drawn again on every update of the paths it sits over). The path is a function of
    the arrow's ends, the box it leaves, its style and scale: while those are the same, so is the path.
    """
    arrow = getattr(annotation, "arrow_patch", None)
    if arrow is None:
        return
    compute = arrow._get_path_in_displaycoord
    memo: dict[Any, Any] = {}

    def path_in_display() -> Any:
        ends = arrow._posA_posB
        patch = arrow.patchA
        box = None if patch is None else patch.get_path().get_extents(patch.get_transform()).bounds
        key = (
            None if ends is None else (tuple(ends[0]), tuple(ends[1])), id(patch), box, arrow._dpi_cor,
            arrow.shrinkA, arrow.shrinkB, arrow.get_mutation_scale(), arrow.get_linewidth(),
            arrow.get_mutation_aspect(), id(arrow.get_arrowstyle()), id(arrow.get_connectionstyle()),
            id(arrow.get_transform()),
        )  # fmt: skip
        if key not in memo:
            memo.clear()  # only the latest
            memo[key] = compute()
        return memo[key]

    arrow._get_path_in_displaycoord = path_in_display
