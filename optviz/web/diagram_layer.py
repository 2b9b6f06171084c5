"""The live update of the ``update_diagram`` kind (one run), read from what the kind drew
(:class:`optviz.figures.lecture.DiagramPanel`) for a page. (With ``zoom = false`` the panel is the page's panel
of paths at a fixed view: its contours and ticks stay in the image, the update and the title are drawn by the
page; what follows is the zoomed figure.)

The zoom panel shows the update at one step of the run (velocity, gradient, actual step, the dashed completion
of their sum, the point and Nesterov's look-ahead point, their names), over the run's faint path and the
surface's contours, at a view fitted to the arrows: the view follows the step, so nothing of that panel but its
frame stays in the static image. The page draws, from its own run (``assets/diagram.js``):

* the contours with ``assets/contours.js`` on the grid ``plot.contour`` drew (read from ``ContourArtists.grid``:
  the figure's bounds widened to the panel, the same at every step) at the levels matplotlib drew, the filled
  bands with the washed colour map's table and the lines with the map's table at their alpha;
* the update's vectors with ``Trajectory.update_vectors``' numbers (from the run's gradients and momentum
  buffer), the view as ``plot.update_diagram`` frames it (the arrows' box padded by ``pad`` of its extent,
  widened to the panel's box), the ticks of that view, the title naming the step;
* the zoom's box in the overview.

At the static figure's step the view and the arrows' names are where matplotlib put them; at another step the
names go to the first of ``optviz.plot.placement``'s candidate spots that covers the fewest arrows, path points
and names.
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
    px_per_point,
    tick_label_boxes,
    tick_styles,
)
from optviz.web.updates_layer import tick_space


def _rgba_table(cmap: Any) -> list[list[float]]:
    """A colour map's 256 entries as [r, g, b, a] (what contours.js's colour functions index)."""
    return [[float(c) for c in row] for row in cmap(np.arange(256))]


def _text(t: Any, height: float, k: float) -> dict[str, Any]:
    """A drawn text: its string, box (image pixels; the text's own, without an annotation's leader line),
    size, colour and weight."""
    from matplotlib.text import Text

    return {
        "text": t.get_text(),
        "box": image_box(Text.get_window_extent(t), height),
        "size": float(t.get_fontsize()) * k,
        "color": color_hex(t.get_color()),
        "weight": str(t.get_fontweight()),
    }


@dataclass(frozen=True)
class UpdateDiagramLayer:
    """The reader of the zoomed update diagram (:class:`optviz.web.static.LiveLayer`); ``panel``: what the kind
    drew (``scene.results["update_diagram"]``), ``step``: the step the static figure shows."""

    panel: Any
    step: int
    name: str = "diagram"

    def claims(self, handle: Any) -> bool:
        return False  # the zoom's artists are no scene handle: the panel names them

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        from optviz.plot.common import fontsize

        p = self.panel
        k = px_per_point(fig)
        d = p.diagram
        ax = d.arrows["velocity"].axes
        geometry = axes_geometry(ax, height)
        geometry["xbins"], geometry["ybins"] = tick_space(ax)
        geometry["ylabel"] = image_box(ax.yaxis.label.get_window_extent(), height)
        X, Y, _ = p.contours.grid
        filled, lines = p.contours.filled, p.contours.lines
        contours = {
            # the grid plot.contour drew (Surface.grid: numpy.linspace on each axis)
            "bounds": [[float(X[0, 0]), float(X[0, -1])], [float(Y[0, 0]), float(Y[-1, 0])]],
            "n": int(X.shape[0]),
            "levels": [float(v) for v in p.contours.levels],
            "lines": None
            if lines is None
            else {
                "lut": _rgba_table(lines.cmap),
                "alpha": float(lines.get_alpha()),
                "width": float(lines.get_linewidth()[0]) * k,
            },
            "bands": None if filled is None else {"lut": _rgba_table(filled.cmap)},
        }
        path = p.path.runs[0]
        title = ax.title
        x, y = title.get_transform().transform(title.get_unitless_position())
        size = fontsize()
        names = {}
        for label in d.labels:
            names[label.get_text()] = _text(label, height, k)
        box = p.box
        zoomed = box is not None
        overview_title = None
        if zoomed:
            # the overview's title states the run's settings (run_label): the page writes it for its run
            over = box.axes.title
            over_box = image_box(over.get_window_extent(), height)
            overview_title = {
                **_text(over, height, k),
                "x": (over_box[0] + over_box[2]) / 2,
                "bottom": over_box[3],
                "lines": over.get_text().count("\n") + 1,
                "width": float(box.axes.get_window_extent().width),
            }
        spec = {
            # zoomed: the view follows the step; else the panel is the page's panel of paths, its view and
            # contours static, and the page draws the update over it
            "zoomed": zoomed,
            "axes": geometry,
            "ticks": tick_styles(ax, fig),
            "step": int(self.step),
            "pad": float(p.pad),
            "kind": d.kind,
            "contours": contours if zoomed else None,
            "path": line_style(path.path, fig),
            "start": line_style(path.start, fig) if path.start is not None else None,
            "end": line_style(path.end, fig) if path.end is not None else None,
            "arrows": {
                name: {
                    "color": color_hex(a.arrow_patch.get_edgecolor()),
                    "width": float(a.arrow_patch.get_linewidth()) * k,
                    # "-|>": a head 0.4 mutation scales long and as wide (matplotlib's ArrowStyle)
                    "head": 0.4 * float(a.arrow_patch.get_mutation_scale()) * k,
                }
                for name, a in d.arrows.items()
            },
            "guide": line_style(d.guides[0], fig) if d.guides else None,
            "point": line_style(d.markers[0], fig),
            "lookahead": line_style(d.markers[1], fig) if len(d.markers) > 1 else None,
            # the names as matplotlib placed them at the static step; their spots' distance elsewhere
            "names": names,
            "spot": 0.6 * size * k,
            "title": {
                **_text(title, height, k),
                "x": float(x),
                "baseline": float(height - y),
                "template": title.get_text().replace(str(self.step), "{k}"),
            },
            "overviewTitle": overview_title,
            "box": {
                "color": color_hex(box.get_edgecolor()),
                "width": float(box.get_linewidth()) * k,
                # where matplotlib drew it: the zoom's frame before the layout widened the zoom's view
                "rect": [
                    [float(box.get_x()), float(box.get_x() + box.get_width())],
                    [float(box.get_y()), float(box.get_y() + box.get_height())],
                ],
            }
            if zoomed
            else None,
            "view": [geometry["xlim"], geometry["ylim"]],
            # the update drawn: the page's own is the figure's (its view and names matplotlib's) when equal
            "update": {
                "point": [float(v) for v in d.points["point"]],
                **{name: [float(c) for c in v] for name, v in d.vectors.items()},
            },
        }
        hidden = [*d.arrows.values(), *d.guides, *d.markers, *d.labels]
        if (
            zoomed
        ):  # (not zoomed, the path is the page's panel of paths: figure_layer leaves it out)
            # (the contours stay: the image shows them at the figure's own view, the page's first state; at any
            # other view the page paints the panel over and draws its own)
            hidden += [
                path.path, path.start, path.end, path.diverged, path.exit, *path.arrows, box,
            ]  # fmt: skip
            if path.diverged is not None:
                hidden.append(path.diverged.annotation)
            box.axes.title.set_alpha(0.0)
        # (the title transparent, not hidden: a hidden one would be measured at the figure's bottom)
        title.set_alpha(0.0)
        # the ticks matplotlib drew at the static step (thinned where their labels touched: thin_ticks)
        spec["staticTicks"] = {
            name: [
                {"value": float(t.get_loc()), "text": t.label1.get_text()}
                for t in axis.get_major_ticks()
                if min(lim) <= t.get_loc() <= max(lim) and t.label1.get_text()
            ]
            for name, axis, lim in (("x", ax.xaxis, ax.get_xlim()), ("y", ax.yaxis, ax.get_ylim()))
        }
        boxes = [spec["title"]["box"], *(n["box"] for n in names.values())]
        if zoomed:  # the ticks follow the view: the page draws them
            hide_ticks(ax)
            boxes += [
                *tick_label_boxes(geometry, spec["ticks"]["tickfont"], spill=2.0),
                overview_title["box"],
            ]
        return hidden, spec, boxes


__all__ = ["UpdateDiagramLayer"]
