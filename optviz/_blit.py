"""Blitted frames of a :class:`~optviz.figures.Scene`: the static background is drawn once, then each frame
restores it and draws only what can change.

A frame drawn this way has the same pixels as a full redraw of the figure, because the artists are drawn in
the order matplotlib's own ``Figure.draw`` paints them: every artist of the figure is placed in that order (the
figure and subfigure patches, then each Axes' patch and children sorted by zorder, as ``Axes.draw`` does). The
artists that ``scene.set_frame`` changes are drawn per frame; so is every static artist painted *after* one of
them where their pixels can overlap (a legend inside the axes, a label above a path), transitively. Everything
else is background. Overlaps are decided on padded window extents, so the test is conservative: an artist in
doubt is redrawn, never left stale.

The layout is frozen at the static figure's (the last frame's) while frames are rendered, so nothing moves
between frames even when an annotation that appears late would have nudged a constrained layout; a scene
rendered again keeps the layout of its first render, so that every render of it is the same. A "best" legend
is pinned where the static figure has it (it would otherwise move away from the growing paths).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Extra pixels around every window extent (antialiasing reaches a pixel beyond the geometry) and clip rectangle.
_PAD = 2.0
# Set on a figure once a render has laid it out; later renders keep that layout.
LAID_OUT = "_optviz_laid_out"
# Agg clips to the clip box rounded to whole pixels: nothing lands more than half a pixel outside it.
_CLIP_PAD = 0.5


def draw_order(container: Any) -> list[Any]:
    """Every artist of a figure in the order ``Figure.draw`` paints it, containers expanded.

    Axes, figures and subfigures are replaced by their patch and their children (sorted by zorder, stably, as
    their ``draw`` methods do); invisible containers are skipped. Animated artists are included: they take
    the place the same order gives them.
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    if isinstance(container, Axes):
        if not container.get_visible():
            return []
        children = container.get_children()
        children.remove(container.patch)
        framed = container.axison and container._frameon
        if not framed:
            children = [c for c in children if c not in container.spines.values()]
        if not container.axison:
            children = [c for c in children if c not in container._axis_map.values()]
        children = sorted(children, key=lambda a: a.get_zorder())
        head = [container.patch] if framed else []
    elif isinstance(container, FigureBase):
        if not container.get_visible():
            return []
        children = container.get_children()
        children.remove(container.patch)
        children = sorted(children, key=lambda a: a.get_zorder())
        head = [container.patch]
    else:
        return [container]
    out = list(head)
    for child in children:
        out.extend(draw_order(child) if isinstance(child, (Axes, FigureBase)) else [child])
    return out


def footprint(artist: Any, renderer: Any, *, clipped: bool = True) -> Any:
    """The pixels ``artist`` can paint now, as a padded ``Bbox``; None when nothing is drawn.

    Returns the figure's whole box when the extent cannot be known (an artist type that reports none), so that
    callers err on the side of redrawing.
    """
    from matplotlib.artist import Artist
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    if not artist.get_visible():
        return None
    if isinstance(artist, Text) and not artist.get_text() and not _has_patch(artist):
        return None  # an empty Text (an unused axes title) paints nothing
    fig = artist.get_figure(root=True)
    # Where the extent cannot be known (an artist type that reports none, a contour set's null box), the
    # clip rectangle bounds it, or else the whole figure.
    unknown = (clip_extent(artist) if clipped else None) or fig.bbox
    if type(artist).get_window_extent is Artist.get_window_extent and (
        type(artist).get_tightbbox is Artist.get_tightbbox
    ):
        return unknown
    try:
        if type(artist).get_window_extent is Artist.get_window_extent:
            box = artist.get_tightbbox(renderer)
        else:
            box = artist.get_window_extent(renderer)
    except Exception:  # an extent matplotlib cannot compute: assume the worst
        return unknown
    if box is None:
        return None
    boxes = [box]
    if isinstance(artist, Text) and artist.get_bbox_patch() is not None:
        artist.update_bbox_position_size(renderer)  # the patch follows the text only when drawn
        boxes.append(artist.get_bbox_patch().get_window_extent(renderer))
    arrow = getattr(artist, "arrow_patch", None)
    if arrow is not None:
        boxes.append(arrow.get_window_extent(renderer))
    box = Bbox.union(boxes)
    if not np.all(np.isfinite(box.extents)):
        return unknown
    box = box.padded(_PAD + _edge_pixels(artist, fig.dpi))
    if clipped and artist.get_clip_on():
        clip = artist.get_clip_box()
        if clip is not None:
            box = Bbox.intersection(box, clip.padded(_CLIP_PAD))
        path = artist.get_clip_path()
        if box is not None and path is not None:
            box = Bbox.intersection(
                box, path.get_fully_transformed_path().get_extents().padded(_CLIP_PAD)
            )
    return box


def _has_patch(artist: Any) -> bool:
    return any(getattr(artist, name, None) is not None for name in ("_bbox_patch", "arrow_patch"))


def clip_extent(artist: Any) -> Any:
    """The padded clip rectangle of a clipped artist (all it can ever paint), else None."""
    if not artist.get_clip_on():
        return None
    clip = artist.get_clip_box()
    path = artist.get_clip_path()
    if clip is None and path is None:
        return None
    from matplotlib.transforms import Bbox

    boxes = [b for b in (clip,) if b is not None]
    if path is not None:
        boxes.append(path.get_fully_transformed_path().get_extents())
    box = boxes[0] if len(boxes) == 1 else Bbox.intersection(*boxes)
    return None if box is None else box.padded(_CLIP_PAD)


def _edge_pixels(artist: Any, dpi: float) -> float:
    """Half the widest stroke (line, marker edge) in pixels: window extents leave it out."""
    widths = []
    for attr in ("get_linewidth", "get_markeredgewidth"):
        get = getattr(artist, attr, None)
        if get is not None:
            try:
                widths.append(float(np.max(get())))
            except (TypeError, ValueError):
                continue
    return max(widths, default=0.0) * dpi / 72.0


def _overlaps(box: Any, boxes: list[Any]) -> bool:
    """Whether ``box`` shares area with any of ``boxes`` (touching edges share none)."""
    return any(box.x0 < o.x1 and o.x0 < box.x1 and box.y0 < o.y1 and o.y0 < box.y1 for o in boxes)


class FrameRenderer:
    """Renders frames of a scene by blitting. Use as a context manager::

        with FrameRenderer(scene, steps) as frames:
            for k in steps:
                rgba = frames.render(k)      # (H, W, 4) uint8, valid until the next call

    On entry the figure is drawn at its last frame, its layout frozen, the draw plan made and the background
    drawn. On exit the scene is back at its static (last) frame with its layout, canvas and artists' animated
    flags as they were. ``prepare(frames)`` is called with this renderer once the layout is final, before the
    plan is made, to add artists such as an iteration counter (``frames.renderer`` is matplotlib's renderer).
    """

    def __init__(self, scene: Any, steps: list[int], *, prepare: Any = None) -> None:
        self.scene = scene
        self.fig = scene.fig
        self.steps = list(steps)
        self.prepare = prepare
        self.per_frame: list[Any] = []
        self.animated: list[Any] = []
        self._saved: dict[str, Any] = {}
        self._changing: list[Any] | None = None

    # -- setup ---------------------------------------------------------------------------------------------
    def __enter__(self) -> FrameRenderer:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self.fig
        self._saved["canvas"] = fig.canvas
        # Frames come from an Agg buffer at the figure's own dpi, whatever the user's backend (a GUI canvas
        # may scale the dpi for a high-resolution screen, a vector canvas has no buffer).
        if type(fig.canvas) is not FigureCanvasAgg:
            FigureCanvasAgg(fig)
        self.canvas = fig.canvas
        try:
            self.scene.finish()
            # Guess the artists drawn per frame (those that change, and what lies over them in their axes),
            # so that the one full draw that lays the figure out also gives the background. The plan made
            # once the layout is known checks the guess; only a wrong guess costs a second draw.
            changing = self.changing()
            guess = changing + speculate(draw_order(fig), changing)
            self._animate(guess)
            self._saved["layout"] = fig.get_layout_engine()
            if self._saved["layout"] is not None and getattr(fig, LAID_OUT, False):
                # Laid out by an earlier render: keep that layout. A constrained layout run again would
                # settle a pixel or two elsewhere (its first pass starts from unlaid-out positions), and
                # renders of one scene would differ.
                fig.set_layout_engine("none")
            self.canvas.draw()  # the static figure's layout, and (usually) the background
            if self._saved["layout"] is not None:
                fig.set_layout_engine("none")
                setattr(fig, LAID_OUT, True)
            self.renderer = self.canvas.get_renderer()
            self._saved["legends"] = freeze_legends(fig, self.renderer)
            if self.prepare is not None:
                self.prepare(self)
            self._plan(guess)
            added = [a for a in self.per_frame if id(a) not in self._saved["animated"]]
            self._animate(added)
            # A static artist the guess missed was drawn into the background: draw it again without them.
            # (A counter added by ``prepare`` came after that draw: it is in no background.)
            counters = {id(c) for c in getattr(self.scene, "counters", [])}
            if any(id(a) not in counters for a in added):
                self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(fig.bbox)
        except BaseException:
            self._restore()
            raise
        return self

    def _animate(self, artists: list[Any]) -> None:
        """Leave ``artists`` out of full draws (remembering their flag, restored on exit)."""
        flags = self._saved.setdefault("animated", {})
        for artist in artists:
            if id(artist) not in flags:
                flags[id(artist)] = (artist, artist.get_animated())
                artist.set_animated(True)

    def changing(self) -> list[Any]:
        """The artists ``scene.set_frame`` changes at any frame shown, in first-seen order (the iteration
        counter included once it is added). The scene is left at its last frame."""
        counters = list(getattr(self.scene, "counters", []))
        if self._changing is None:
            changed: list[Any] = []
            seen: set[int] = set()
            for k in self.steps or [self.scene.last_step]:
                for artist in self.scene.set_frame(k):
                    if id(artist) not in seen:
                        seen.add(id(artist))
                        changed.append(artist)
            self.scene.set_frame(self.scene.last_step)
            self._changing = [a for a in changed if a not in counters]
        return self._changing + [c for c in counters if c.figure is not None]

    def footprints(self, artists: list[Any]) -> list[Any]:
        """Everything ``artists`` may paint over all frames (see :meth:`footprints_of`), as one list."""
        return _merge([b for boxes in self.footprints_of(artists).values() for b in boxes])

    def footprints_of(self, artists: list[Any]) -> dict[int, list[Any]]:
        """What each of ``artists`` may paint over all frames, by ``id``: a clipped artist its clip rectangle,
        an unclipped one its extent at every frame. The scene is left at its last frame."""
        out: dict[int, list[Any]] = {}
        free = []
        counters = {id(c) for c in getattr(self.scene, "counters", [])}
        for artist in artists:
            clip = clip_extent(artist)
            if clip is not None:
                out[id(artist)] = [clip]
            elif id(artist) in counters:
                out[id(artist)] = self._counter_boxes(artist)
            else:
                out[id(artist)] = []
                free.append(artist)
        if free:
            last: dict[int, Any] = {}
            for k in self.steps or [self.scene.last_step]:
                self.scene.set_frame(k)
                for artist in free:
                    state = _state(artist)
                    if state is not None and last.get(id(artist)) == state:
                        continue  # a text that did not move or change paints where it did
                    last[id(artist)] = state
                    box = footprint(artist, self.renderer, clipped=False)
                    if box is not None:
                        out[id(artist)].append(box)
            self.scene.set_frame(self.scene.last_step)
        return {key: _merge(boxes) for key, boxes in out.items()}

    def _counter_boxes(self, counter: Any) -> list[Any]:
        """A counter only changes its text; digits have equal widths, so one label of each length will do."""
        shown = counter.get_text()
        labels = {}
        for k in self.steps or [self.scene.last_step]:
            text = self.scene.counter_format.format(k=k)
            labels.setdefault(len(text), text)
        boxes = []
        for text in labels.values():
            counter.set_text(text)
            boxes.append(footprint(counter, self.renderer, clipped=False))
        counter.set_text(shown)
        return [b for b in boxes if b is not None]

    def _plan(self, guess: list[Any] = ()) -> None:
        """Which artists are drawn per frame, in draw order (see the module docstring): those that change,
        those of ``guess``, and every static artist painted after one of them over the same pixels."""
        changed = self.changing()
        self.animated = changed
        static_guess = [a for a in guess if id(a) not in {id(c) for c in changed}]
        seen = {id(a) for a in changed} | {id(a) for a in static_guess}
        order = draw_order(self.fig)
        position = {id(a): i for i, a in enumerate(order)}
        missing = [a for a in changed if id(a) not in position]
        if missing:
            raise RuntimeError(
                f"set_frame returned artists that are not drawn by the figure: {missing[:3]}"
            )
        # Walk the draw order: an artist drawn per frame dirties its pixels for everything drawn after it; a
        # static artist over dirty pixels must be drawn per frame too.
        painted = self.footprints_of(changed)
        for artist in static_guess:
            box = footprint(artist, self.renderer)
            painted[id(artist)] = [box] if box is not None else []
        first = min((position[i] for i in seen if i in position), default=len(order))
        dirty: list[Any] = []
        per_frame = []
        for artist in order[first:]:
            if id(artist) in seen:
                per_frame.append(artist)
                dirty.extend(painted[id(artist)])
                continue
            box = footprint(artist, self.renderer)
            if box is not None and _overlaps(box, dirty):
                # Near misses (a title just above the axes) are settled on the pixels it really paints.
                box = self._ink(artist)
                if box is not None and _overlaps(box, dirty):
                    per_frame.append(artist)
                    dirty.append(box)
        self.per_frame = per_frame

    def _ink(self, artist: Any) -> Any:
        """The box of the pixels ``artist`` paints, from drawing it alone on a blank canvas."""
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.transforms import Bbox

        w, h = self.size
        if getattr(self, "_scratch", None) is None:
            self._scratch = RendererAgg(w, h, self.fig.dpi)
        scratch = self._scratch
        scratch.clear()
        artist.draw(scratch)
        alpha = np.asarray(scratch.buffer_rgba())[..., 3]
        rows = np.flatnonzero(alpha.any(axis=1))
        if not len(rows):
            return None
        cols = np.flatnonzero(alpha.any(axis=0))
        # Buffer rows run top-down; display y runs bottom-up. Pixel (col, row) covers [col, col + 1] x
        # [h - row - 1, h - row].
        return Bbox([[cols[0], h - rows[-1] - 1], [cols[-1] + 1, h - rows[0]]])

    # -- frames --------------------------------------------------------------------------------------------
    def render(self, k: int) -> np.ndarray:
        """Frame ``k`` as an (H, W, 4) uint8 view of the canvas buffer (copy it to keep it)."""
        self.canvas.restore_region(self.background)
        self.scene.set_frame(k)
        renderer = self.renderer
        for artist in self.per_frame:
            artist.draw(renderer)
        return np.asarray(self.canvas.buffer_rgba())

    def render_full(self, k: int) -> np.ndarray:
        """Frame ``k`` by a full redraw of the figure (no blitting), as a copy: the reference for tests."""
        self.scene.set_frame(k)
        for artist in self.per_frame:
            artist.set_animated(False)
        try:
            self.canvas.draw()
            return np.array(self.canvas.buffer_rgba())
        finally:
            for artist in self.per_frame:
                artist.set_animated(True)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames in pixels."""
        w, h = self.canvas.get_width_height()
        return int(w), int(h)

    # -- teardown ------------------------------------------------------------------------------------------
    def __exit__(self, *exc: Any) -> None:
        self._restore()

    def _restore(self) -> None:
        for artist, flag in self._saved.pop("animated", {}).values():
            artist.set_animated(flag)
        for legend, loc in self._saved.pop("legends", []):
            legend.set_loc(loc)
        if "layout" in self._saved:
            layout = self._saved.pop("layout")
            if layout is not None:
                self.fig.set_layout_engine(layout)
        self.scene.finish()
        canvas = self._saved.pop("canvas", None)
        if canvas is not None and self.fig.canvas is not canvas:
            self.fig.set_canvas(canvas)


def speculate(order: list[Any], changing: list[Any]) -> list[Any]:
    """Static artists likely painted over the changing ones: in the same axes, after the first changing one.

    Axis (ticks, labels), spines and the axes' titles lie outside the data area, so they are left out.
    """
    from matplotlib.axis import Axis
    from matplotlib.spines import Spine

    moving = {id(a) for a in changing}
    started: set[int] = set()
    out = []
    for artist in order:
        ax = getattr(artist, "axes", None)
        if id(artist) in moving:
            started.add(id(ax))
            continue
        if ax is None or id(ax) not in started or isinstance(artist, (Axis, Spine)):
            continue
        if artist in (ax.title, ax._left_title, ax._right_title) or artist is ax.patch:
            continue
        out.append(artist)
    return out


def freeze_legends(fig: Any, renderer: Any) -> list[tuple[Any, Any]]:
    """Pin every ``loc="best"`` legend where the static figure has it; returns (legend, loc) pairs to restore.

    A "best" legend looks for the emptiest spot at every draw, so over an animation it would jump about as
    the paths grow (in a full redraw as much as in a blitted one).
    """
    from matplotlib.legend import Legend

    pinned = []
    for legend in fig.findobj(Legend):
        if legend._loc != 0 or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        anchor = legend.get_bbox_to_anchor()
        where = ((box.x0 - anchor.x0) / anchor.width, (box.y0 - anchor.y0) / anchor.height)
        pinned.append((legend, "best"))
        legend.set_loc(where)
    return pinned


def _state(artist: Any) -> Any:
    """What a text's extent depends on (None for other artists, whose extent is always recomputed)."""
    from matplotlib.text import Annotation, Text

    if not isinstance(artist, Text):
        return None
    state = (artist.get_visible(), artist.get_text(), tuple(np.ravel(artist.get_position())))
    if isinstance(artist, Annotation):
        state += (tuple(np.ravel(artist.xy)),)
    return state


def _merge(boxes: list[Any]) -> list[Any]:
    """Drop boxes contained in another (the overlap test stays the same, with fewer boxes)."""
    out: list[Any] = []
    for box in sorted(boxes, key=lambda b: -b.width * b.height):
        if not any(_contains(big, box) for big in out):
            out.append(box)
    return out


def _contains(big: Any, small: Any) -> bool:
    return bool(
        big.x0 <= small.x0 and big.y0 <= small.y0 and big.x1 >= small.x1 and big.y1 >= small.y1
    )
