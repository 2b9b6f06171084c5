"""The live part of the ``second_order`` kind (:mod:`optviz.figures.second_order`), read from its drawn scene
for a page: what the kind draws beyond paths on contours, all of which a control changes.

- On the paths: an L-BFGS run's path goes the way its steps went, through their inner iterates
  (:func:`optviz.plot.inner.route`: the page hands the view that way), the inner iterates as small rings
  (:func:`optviz.plot.inner_iterates`), and a hollow square at each iterate a Newton step left from an
  indefinite Hessian (:func:`optviz.plot.indefinite_steps`).
- The cost panel: each run's loss (gap or distance, whichever the kind plots: :func:`optviz.web.static.
  loss_quantity`) against the loss-and-gradient evaluations made to reach each iterate
  (:func:`optviz.metrics.evaluations_used`), a dot per step, on the kind's symlog x axis and log y axis, whose
  ticks the page draws as matplotlib's (its SymmetricalLogLocator and LogFormatterSciNotation on x, LogLocator on
  y); the floor at ``FLOOR`` of the highest start where a run goes lower, and the triangle where it leaves
  through it; the dotted line and "NAME: at a saddle" of a Newton run that converged where its Hessian is
  indefinite.

The panel's title, its axis labels and the legend's keys for the rings and squares stay in the image: no
control changes them.
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
    loss_quantity,
    px_per_point,
    tick_label_boxes,
    tick_styles,
)


@dataclass(frozen=True, eq=False)
class SecondOrderLayer:
    """The reader of a ``second_order`` figure (:class:`optviz.web.static.LiveLayer`): ``results`` is the scene's
    ``results`` (the kind's handles: ``inner``, ``indefinite``, ``cost``, ``below``, ``saddles``), ``surface``
    and ``runs`` what it drew (for what its cost panel plots)."""

    results: Any
    surface: Any
    runs: Any
    name: str = "secondorder"

    def _parts(self, handle: Any) -> bool:
        """Whether ``handle`` is the kind's Parts of floor marks and saddle notes."""
        from optviz.plot.frames import Parts

        if not isinstance(handle, Parts):
            return False
        ours = {id(a) for a in self._marks()}
        return all(id(f.artist) in ours for f in handle.frames)

    def _marks(self) -> list[Any]:
        """The floor's triangles, the saddle notes and their dotted lines."""
        r = self.results
        notes = list(r["saddles"])
        stays = (
            [a for a in r["cost"].lines[0].axes.lines if a.get_label() == "_stays"]
            if r["cost"].lines
            else []
        )
        return [*r["below"], *notes, *stays]

    def paths_artists(self) -> list[Any]:
        """What the page draws on the paths beside them (the rings and squares): not the static figure's, where
        the minima's labels are placed (optviz.web.labels_layer)."""
        return [*self.results["inner"].rings, *self.results["indefinite"].marks]

    def claims(self, handle: Any) -> bool:
        r = self.results
        return any(handle is r[k] for k in ("inner", "indefinite", "cost")) or self._parts(handle)

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        r = self.results
        cost = r["cost"]
        ax = cost.lines[0].axes
        k = px_per_point(fig)
        transform = ax.xaxis.get_transform()
        spec: dict[str, Any] = {
            "axes": axes_geometry(ax, height),
            # the x axis' symlog (matplotlib's SymmetricalLogTransform), which axes_geometry's linear map is not
            "symlog": {
                "base": float(transform.base),
                "linthresh": float(transform.linthresh),
                "linscale": float(transform.linscale),
            },
            "line": line_style(cost.lines[0], fig),
            "loss": loss_quantity(self.surface, list(self.runs), cost.lines),
            # matplotlib's tick bins on the y axis (its LogLocator's numticks), read as the image was drawn
            "ybins": int(ax.yaxis.get_tick_space()),
            **tick_styles(ax, fig),
        }
        from optviz.figures.second_order import FLOOR

        # (second_order._floor: no floor under a plain loss, which may go below zero)
        spec["floor"] = None if spec["loss"]["kind"] == "loss" else FLOOR
        g = spec["axes"]
        g["ylabel"] = image_box(ax.yaxis.label.get_window_extent(), height)
        # the saddle notes' size (None: the style's text size, what the page's divergence notes are written in)
        notes = list(r["saddles"])
        spec["noteSize"] = float(notes[0].get_fontsize()) * k if notes else None
        hidden: list[Any] = [*cost.lines, *cost.markers, *self._marks(), *r["inner"].rings]
        hidden += r["indefinite"].marks
        ax.grid(False)
        hide_ticks(ax)  # the ticks follow the runs: drawn by the page
        boxes = tick_label_boxes(g, spec["tickfont"], spill=2.0)
        boxes += [image_box(n.get_window_extent(), height) for n in notes]
        spec["colors"] = [color_hex(line.get_color()) for line in cost.lines]
        return hidden, spec, boxes


__all__ = ["SecondOrderLayer"]
