"""The live part of a learning-rate panel (:func:`optviz.plot.learning_rate`, the ``schedules`` kind), read from
its drawn artists for a page: the lr each run took at each step (its schedule's, from the page's engine, or
the rule's own lr), growing with the step shown, on ticks and a grid that follow the curves; and the title of
the paths beside it, which states the first run's settings (``Trajectory.legend_text``), so it follows the
sliders too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optviz.web.static import (
    axes_geometry,
    color_hex,
    hide_ticks,
    image_box,
    line_style,
    tick_label_boxes,
    tick_styles,
)


def _is_lr(handle: Any) -> bool:
    from optviz.plot.lr import LearningRateArtists

    return isinstance(handle, LearningRateArtists)


@dataclass(frozen=True)
class LearningRateLayer:
    """The reader of a learning-rate panel (:class:`optviz.web.static.LiveLayer`). ``title``: the paths' axes
    title that states the first run's settings (None: no such title)."""

    title: Any = None
    name: str = "lr"

    def claims(self, handle: Any) -> bool:
        return _is_lr(handle)

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        (h,) = handles
        ax = h.lines[0].axes
        k = fig.dpi / 72
        spec: dict[str, Any] = {
            "axes": axes_geometry(ax, height),
            "line": line_style(h.lines[0], fig),
            # matplotlib's tick bins on each axis (Axis.get_tick_space), for the page's linear ticks
            "bins": [int(ax.xaxis.get_tick_space()), int(ax.yaxis.get_tick_space())],
            **tick_styles(ax, fig),
        }
        g = spec["axes"]
        g["ylabel"] = image_box(ax.yaxis.label.get_window_extent(), height)
        hidden: list[Any] = [*h.lines]
        ax.grid(False)
        hide_ticks(ax)  # the ticks follow the curves: drawn by the page
        font = spec["tickfont"]
        boxes = tick_label_boxes(g, font)
        spec["title"] = None
        if self.title is not None and self.title.get_text():
            t = self.title
            box = image_box(t.get_window_extent(), height)
            spec["title"] = {
                "x": (box[0] + box[2]) / 2,
                "bottom": box[3],
                "size": float(t.get_fontsize()) * k,
                "color": color_hex(t.get_color()),
                "weight": "bold" if t.get_fontweight() in ("bold", 700) else "normal",
                "width": float(t.axes.get_window_extent().width),
            }
            hidden.append(t)
            boxes.append(box)
        return hidden, spec, boxes


__all__ = ["LearningRateLayer"]
