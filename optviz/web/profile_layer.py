"""The live part of a 1-D profile panel (:func:`optviz.plot.profile`, the ``contour_profile`` kind), read from
its drawn artists for a page.

A page draws each run as the profile draws it, from the page's own runs: the faded balls at the iterates
(each at its coordinate along the slice and its own ``f``, lifted by the ball's radius), the ball at
the current step, the hollow start, and "diverged at step k" above a run that ended early; and the panel's
title, which says where the slice is and whether a run left it (:func:`optviz.plot.profile_title`). The slice's curve,
its shading and the panel's y-axis are static when the slice passes through a given point (``through``); when
it passes through the first run's start (the kind's default), they follow that start: the page computes the
curve with the surface's own formula and draws the y ticks itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz.web.static import (
    axes_geometry,
    color_hex,
    hide_ticks,
    image_box,
    line_style,
    tick_styles,
)


def _is_profile(handle: Any) -> bool:
    from optviz.plot.profile import ProfileArtists

    return isinstance(handle, ProfileArtists)


@dataclass(frozen=True)
class ProfileLayer:
    """The reader of a profile panel (:class:`optviz.web.static.LiveLayer`). ``along`` and ``through`` are the
    kind's options: the slice's direction, and its point (None: the first run's start, so the slice is live)."""

    along: str
    through: tuple[float, float] | None
    name: str = "profile"
    # The ``profile`` kind: the panel is the figure's data panel (no contours), and what the slice is goes in
    # its x label (the kind's title names the figure); ``contour_profile`` writes it in the panel's title.
    panel: bool = False
    handle: Any = None

    def claims(self, handle: Any) -> bool:
        return _is_profile(handle)

    def axes(self) -> Any:
        """The panel's axes (a legend inside it is placed by the page, over the balls it draws)."""
        return self.handle.curve.axes

    def live_artists(self) -> list[Any]:
        """What the page draws in the panel (left out of the static obstacles of a legend placed there)."""
        h = self.handle
        live = [*h.trails, *h.balls, *h.markers, *h.edges]
        return live if self.through is not None else [h.curve, *live]

    def run_labels(self) -> list[str]:
        """The legend texts of the runs, in order (what maps a legend's entries to runs)."""
        return [b.get_label() for b in self.handle.balls]

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        from matplotlib.collections import PolyCollection
        from matplotlib.text import Text

        (h,) = handles
        ax = h.curve.axes
        u = np.asarray(h.curve.get_xdata(), dtype=float)
        starts = [m for m in h.markers if not isinstance(m, Text)]
        notes = [m for m in h.markers if isinstance(m, Text)]
        # the lift of every ball: its transform is the data's plus an offset in points (profile._lift)
        lift = float(
            h.balls[0].get_transform().transform((0.0, 0.0))[1]
            - ax.transData.transform((0.0, 0.0))[1]
        )
        live_curve = self.through is None
        fills = [c for c in ax.collections if isinstance(c, PolyCollection)]
        spec: dict[str, Any] = {
            "axes": axes_geometry(ax, height),
            "along": self.along,
            "through": None if live_curve else [float(v) for v in self.through],
            "span": [float(u[0]), float(u[-1])],
            "resolution": len(u),
            "lift": lift,
            "liveCurve": live_curve,
            "panel": self.panel,
            "curve": line_style(h.curve, fig),
            "fill": color_hex(fills[0].get_facecolor()[0]) if fills else None,
            "trail": line_style(h.trails[0], fig) if h.trails else None,
            "ball": line_style(h.balls[0], fig),
            "start": line_style(starts[0], fig),
            # a ball out of the panel: a triangle at the edge it left by (optviz.plot.profile.AtEdge)
            "edge": line_style(h.edges[0], fig),
            # "diverged at step k": bold, in the style's text size (the page's styles.fontsize), this many
            # text sizes above the ball (optviz.plot.profile)
            "noteOffset": 1.2,
        }
        if self.panel:
            spec["colors"] = [color_hex(b.get_color()) for b in h.balls]
        # What the slice is follows the runs (a run that leaves the slice) and the start (the slice through it):
        # the page writes it where matplotlib did, centred: a title keeps its last line on the same bottom, an
        # x label its first line on the same top; its room is the width of the axes, two lines high.
        from optviz.figures.titles import title_room

        g = spec["axes"]
        title = ax.xaxis.label if self.panel else ax.title
        k = fig.dpi / 72
        box = image_box(title.get_window_extent(), height)
        size = title.get_fontsize() * k
        spec["title"] = {
            "x": (box[0] + box[2]) / 2,
            "bottom": box[3],
            "top": box[1],
            "anchor": "top" if self.panel else "bottom",
            "size": size,
            "lineHeight": 1.2 * size,  # matplotlib's default line spacing
            "lines": title.get_text().count("\n") + 1,  # what the layout made room for
            # the width a title may take (optviz.figures.titles: one wider is broken into lines, then set
            # smaller); an x label is not fitted
            "room": None if self.panel else title_room(fig, ax, title, fig._get_renderer()),
            "color": color_hex(title.get_color()),
        }
        hidden = [*h.trails, *h.balls, *h.markers, *h.edges, title]
        boxes = [image_box(n.get_window_extent(), height) for n in notes]
        if self.panel:
            boxes.append([g["left"], box[1], g["left"] + g["width"], box[1] + 2.6 * size])
        else:
            boxes.append([g["left"], box[3] - 2.6 * size, g["left"] + g["width"], box[3]])
        if live_curve:
            spec.update(tick_styles(ax, fig))
            # matplotlib's tick bins on the y axis (Axis.get_tick_space, in the rcParams the image is drawn in)
            spec["ybins"] = int(ax.yaxis.get_tick_space())
            hidden += [h.curve, *fills]
            hide_ticks(ax, "y")  # the y ticks follow the curve: drawn by the page
            g, font = spec["axes"], spec["tickfont"]
            boxes.append(
                [g["left"] - 5 * font, g["top"] - font, g["left"], g["top"] + g["height"] + font]
            )
        return hidden, spec, boxes


__all__ = ["ProfileLayer"]
