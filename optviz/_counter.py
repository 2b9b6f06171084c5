"""The iteration counter of an animation, placed where it covers no data.

A figure corner that no axes, label or legend touches is preferred (the counter then sits in the figure's
margin); when every corner is taken, or inside axes is required (FuncAnimation blits axes by axes), the corner
of the main axes that the runs' paths and markers cross least. The counter is kept inside its axes or figure,
box included.
"""

from __future__ import annotations

from typing import Any

import numpy as np

COUNTER_CORNERS = ("upper right", "upper left", "lower right", "lower left")


class Counter:
    """Adds the scene's "iteration k" label for the length of a ``with`` block, then removes it again.

    :meth:`place` (the frame renderer's ``prepare`` hook) puts it in a corner of the figure that no axes,
    label or legend touches; when every corner is taken (or ``inside=True``, needed by FuncAnimation, which
    blits axes by axes), in the corner of the main axes that the runs' paths and markers cross least.
    """

    def __init__(self, scene: Any, *, enabled: bool = True, inside: bool = False) -> None:
        self.scene = scene
        self.enabled = enabled
        self.inside = inside
        self.text: Any = None
        # Once placed: (the axes, or None for the figure; the corner).
        self.where: tuple[Any, str] | None = None

    def __enter__(self) -> Counter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

    def remove(self) -> None:
        if self.text is not None:
            self.text.remove()
            if self.text in self.scene.counters:
                self.scene.counters.remove(self.text)
            self.text = None

    def place(self, frames: Any) -> None:
        """Add the counter to the scene where it covers no data (``frames``: a ``FrameRenderer``)."""
        if not self.enabled:
            return
        from optviz import style
        from optviz._blit import draw_order, footprint

        scene, renderer = self.scene, frames.renderer
        changing = frames.changing()
        if not self.inside:
            obstacles = self._figure_obstacles(draw_order(scene.fig), changing, frames)
            for loc in COUNTER_CORNERS:
                self._add(None, loc, style, renderer)
                box = footprint(self.text, renderer, clipped=False)
                if not any(box.overlaps(o) for o in obstacles):
                    return
                self.remove()
        ax = _main_axes(changing) or (scene.fig.axes[0] if scene.fig.axes else None)
        if ax is None:
            self._add(None, COUNTER_CORNERS[0], style, renderer)
            return
        points = _data_points(ax)
        labels = [
            b
            for b in (footprint(a, renderer) for a in draw_order(ax)[1:] if _is_label(a))
            if b is not None
        ]
        best: tuple[float, str] | None = None
        for loc in COUNTER_CORNERS:
            self._add(ax, loc, style, renderer)
            box = footprint(self.text, renderer, clipped=False)
            self.remove()
            inside = (
                (points[:, 0] >= box.x0)
                & (points[:, 0] <= box.x1)
                & (points[:, 1] >= box.y0)
                & (points[:, 1] <= box.y1)
            )
            score = float(inside.sum()) + 1e6 * sum(box.overlaps(b) for b in labels)
            if best is None or score < best[0]:
                best = (score, loc)
        self._add(ax, best[1] if best else COUNTER_CORNERS[0], style, renderer)

    def _add(self, ax: Any, loc: str, style: Any, renderer: Any) -> None:
        with style.context(self.scene.scale):
            self.text = self.scene.add_counter(ax, loc=loc)
        self.where = (ax, loc)
        # The widest label it will show, so the space it takes is known now.
        self.text.set_text(self.scene.counter_format.format(k=self.scene.last_step))
        _inset(self.text, (ax or self.scene.fig).bbox, renderer)

    @staticmethod
    def _figure_obstacles(order: list[Any], changing: list[Any], frames: Any) -> list[Any]:
        from matplotlib.figure import FigureBase

        from optviz._blit import footprint

        renderer = frames.renderer
        backgrounds = {id(a.patch) for a in order if isinstance(a, FigureBase)}
        backgrounds |= {id(f.patch) for f in _figures(frames.fig)}
        moving = {id(a) for a in changing}
        boxes = [
            b
            for b in (
                footprint(a, renderer)
                for a in order
                if id(a) not in backgrounds and id(a) not in moving
            )
            if b is not None
        ]
        return boxes + frames.footprints(changing)


def _inset(text: Any, frame: Any, renderer: Any) -> None:
    """Move ``text`` (its box included) inside ``frame``, a display box, a few pixels from its edges.

    Inside axes this keeps the counter within what FuncAnimation restores between frames (the axes' box).
    """
    text.update_bbox_position_size(renderer)
    patch = text.get_bbox_patch()
    box = (
        patch.get_window_extent(renderer) if patch is not None else text.get_window_extent(renderer)
    )
    margin = 0.25 * text.get_fontsize() * text.get_figure(root=True).dpi / 72
    dx = max(0.0, frame.x0 + margin - box.x0) - max(0.0, box.x1 - (frame.x1 - margin))
    dy = max(0.0, frame.y0 + margin - box.y0) - max(0.0, box.y1 - (frame.y1 - margin))
    if dx or dy:
        x, y = text.get_transform().transform(text.get_position())
        text.set_position(text.get_transform().inverted().transform((x + dx, y + dy)))


def _figures(fig: Any) -> list[Any]:
    out = [fig]
    for sub in getattr(fig, "subfigs", []):
        out += _figures(sub)
    return out


def _main_axes(artists: list[Any]) -> Any:
    """The axes holding most of the changing artists (the first of equals)."""
    counts: dict[int, tuple[int, Any]] = {}
    for a in artists:
        if a.axes is not None:
            n, _ = counts.get(id(a.axes), (0, a.axes))
            counts[id(a.axes)] = (n + 1, a.axes)
    if not counts:
        return None
    return max(counts.values(), key=lambda item: item[0])[1]


def _is_label(artist: Any) -> bool:
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    return isinstance(artist, (Legend, Text)) and artist.get_visible()


def _data_points(ax: Any) -> np.ndarray:
    """Display coordinates of every line's vertices in ``ax``, densified to a point every 2 pixels."""
    from matplotlib.lines import Line2D

    pts = [np.empty((0, 2))]
    for line in ax.get_lines():
        if not line.get_visible() or line.get_zorder() < 2:
            continue
        xy = line.get_transform().transform(
            np.column_stack(line.get_data(orig=False)).astype(float)
        )
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if (
            isinstance(line, Line2D)
            and len(xy) > 1
            and line.get_linestyle() not in ("None", "none", "")
        ):
            seg = np.diff(xy, axis=0)
            n = np.maximum(1, np.ceil(np.hypot(*seg.T) / 2)).astype(int)
            t = np.concatenate([np.arange(m) / m for m in n])
            start = np.repeat(xy[:-1], n, axis=0)
            xy = np.concatenate([start + np.repeat(seg, n, axis=0) * t[:, None], xy[-1:]])
        pts.append(xy)
    return np.concatenate(pts)
