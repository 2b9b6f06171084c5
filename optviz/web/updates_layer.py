"""The live part of the lecture's same-state comparison (:func:`optviz.plot.same_state_updates`, the
``momentum_nesterov`` kind), read from its drawn artists for a page.

A page computes the comparison from its own runs with the numbers of ``Momentum.vectors_from`` and
``Nesterov.vectors_from`` (the state ``(x_k, v_k)`` of the Momentum run, else the first run; each rule with
its run's hyperparameters) and draws it as the panels draw it: the velocity, gradient and actual-step arrows,
the point and the look-ahead point, the dashed completions, the label naming the step, the state's point on
the paths. The panels' view holds every step's arrows at one scale, so it changes with the runs: their ticks
and the lines through zero are drawn by the page too. The static figure shows the state at the ``step``
option (else the step whose arrows read best, ``SameStateUpdates.readable_step``); a page stepping through
its runs shows the state at its current step, as the GIF does.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

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


def _is_updates(handle: Any) -> bool:
    from optviz.plot.diagrams import SameStateUpdates

    return isinstance(handle, SameStateUpdates)


@dataclass(frozen=True)
class UpdatesLayer:
    """The reader of same-state update panels (:class:`optviz.web.static.LiveLayer`); ``step``: the kind's
    option (the state the static figure shows; None: the most readable one)."""

    step: int | None
    name: str = "updates"

    def claims(self, handle: Any) -> bool:
        return _is_updates(handle)

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        from optviz.plot.diagrams import same_state_updates

        (h,) = handles
        k = px_per_point(fig)
        panels, hidden, boxes = [], [], []
        for rule, arrows, points, guides, label in zip(
            h.rules, h.arrows, h.points, h.guides, h.labels, strict=True
        ):
            ax = arrows["velocity"].axes
            own = {id(a) for a in (*arrows.values(), *points.values(), *guides, label)}
            zero = [line for line in ax.lines if id(line) not in own]  # axhline and axvline at 0
            geometry = axes_geometry(ax, height)
            geometry["xbins"], geometry["ybins"] = tick_space(ax)
            if ax.yaxis.label.get_text():
                # the static y label's box: the page's tick labels (its own view) must stay right of it
                geometry["ylabel"] = image_box(ax.yaxis.label.get_window_extent(), height)
            panels.append(
                {
                    "rule": rule,
                    "axes": geometry,
                    "label": _label(label, height, k),
                    "zero": line_style(zero[0], fig) if zero else None,
                    **({"ticks": tick_styles(ax, fig)} if not panels else {}),
                }
            )
            hidden += [*arrows.values(), *points.values(), *guides, label, *zero]
            hide_ticks(ax)
            font = panels[0]["ticks"]["tickfont"]
            g = geometry
            boxes += [*tick_label_boxes(g, font, spill=2.0), panels[-1]["label"]["box"]]
        first = h.arrows[0]
        spec = {
            "panels": panels,
            "step": self.step,
            "pad": inspect.signature(same_state_updates).parameters["pad"].default,
            "template": h.frames[0].label,  # "state at step {k}"
            "arrows": {
                name: {
                    "color": color_hex(a.get_edgecolor()),
                    "width": float(a.get_linewidth()) * k,
                    # "-|>": a head 0.4 mutation scales long and as wide (matplotlib's ArrowStyle)
                    "head": 0.4 * float(a.get_mutation_scale()) * k,
                }
                for name, a in first.items()
            },
            "point": line_style(h.points[0]["point"], fig),
            "lookahead": line_style(next(p["lookahead"] for p in h.points if "lookahead" in p), fig)
            if any("lookahead" in p for p in h.points)
            else None,
            "guide": line_style(h.guides[0][0], fig),
            "marker": line_style(h.marker, fig) if h.marker is not None else None,
        }
        if h.marker is not None:
            hidden.append(h.marker)
        return hidden, spec, boxes


def tick_space(ax: Any) -> tuple[int, int]:
    """How many tick intervals matplotlib's default locator allows on each axis (``Axis.get_tick_space``: the
    axis length over three tick-label sizes across, two up), measured with the labels' drawn size (the rc
    size it would read is the one outside the figure's style)."""
    bbox = ax.get_window_extent()
    size = float(ax.xaxis.get_ticklabels()[0].get_fontsize()) * ax.figure.dpi / 72
    return int(bbox.width // (3 * size)), int(bbox.height // (2 * size))


def _label(text: Any, height: float, k: float) -> dict[str, Any]:
    """Where the label naming the step is (the corner ``place_text`` chose) and how it looks: anchored on
    the side its alignment keeps, its rounded box (its pad in font sizes, as matplotlib's boxstyle) and
    colours."""
    patch = text.get_bbox_patch()
    size = float(text.get_fontsize()) * k
    pad = float(patch.get_boxstyle().pad) * size if patch is not None else 0.0
    # the box as the last draw placed it (the annotation's own extent is computed apart from the draw)
    drawn = patch.get_window_extent() if patch is not None else text.get_window_extent()
    frame = image_box(drawn, height)
    right = text.get_horizontalalignment() == "right"
    return {
        "size": size,
        "color": color_hex(text.get_color()),
        "ha": "right" if right else "left",
        "x": frame[2] if right else frame[0],
        "top": frame[1],
        "pad": pad,
        "face": color_hex(patch.get_facecolor()) if patch is not None else None,
        "edge": color_hex(patch.get_edgecolor()) if patch is not None else None,
        "alpha": float(patch.get_alpha()) if patch is not None and patch.get_alpha() else 1.0,
        "box": frame,
    }


__all__ = ["UpdatesLayer"]
