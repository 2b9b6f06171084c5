"""The live part of a loss panel over seeds (:func:`optviz.plot.loss_spread`, the ``learning_rates`` kind), read
from its drawn artists for a page.

A page runs each of the scenario's runs again over the figure's seeds (:func:`optviz.studies.seed_runs`: run j
of a batch is the run with ``seed=seeds[j]``, whose minibatches or noise the page embeds), and makes the
panel's numbers as :func:`~optviz.plot.loss_spread` makes them: each seed's curve smoothed
(:func:`optviz.metrics.smoothed`), the median and the quantile band over the seeds still going
(:func:`optviz.metrics.spread_over_runs`), drawn while half of them go; the top that cuts an exploding curve;
a cross and "diverged: n of N seeds by step k" where seeds ended early; the y limits from the lowest band. The
panel's ticks and grid follow the curves; its title and labels are static (no control changes the seeds or the
smoothing).
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
    px_per_point,
    tick_label_boxes,
    tick_styles,
)


@dataclass(frozen=True)
class SpreadLayer:
    """The reader of a :class:`~optviz.plot.spread.SpreadArtists` panel (:class:`optviz.web.static.LiveLayer`).
    ``spread``: what the kind drew; ``seeds``: the seeds each run is made with. It is the page's data panel:
    a page of it needs no panel of paths (``panel``)."""

    spread: Any
    seeds: tuple[int, ...]
    name: str = "spread"
    panel: bool = True

    def claims(self, handle: Any) -> bool:
        return False  # the kind hands its spread over in its results, not as an animated handle

    def axes(self) -> Any:
        """The panel's axes (a legend inside it is placed by the page, over what the page draws)."""
        return self.spread.lines[0].axes

    def live_artists(self) -> list[Any]:
        """What the page draws in the panel (left out of the static obstacles of a legend placed there)."""
        h = self.spread
        return [*h.lines, *h.bands, *h.markers, *h.notes]

    def run_labels(self) -> list[str]:
        """The legend texts of the runs, in order (what maps a legend's entries to runs)."""
        return [line.get_label() for line in self.spread.lines]

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]:
        h = self.spread
        ax = h.lines[0].axes
        k = px_per_point(fig)
        settings = dict(h.settings)
        marker = h.markers[0] if h.markers else None
        note = h.notes[0] if h.notes else None
        spec: dict[str, Any] = {
            "axes": axes_geometry(ax, height),
            **settings,
            "quantiles": list(settings["quantiles"]),
            "seeds": [int(s) for s in self.seeds],
            "line": line_style(h.lines[0], fig),
            # matplotlib's tick bins on each axis (Axis.get_tick_space), for the page's linear ticks
            "bins": [int(ax.xaxis.get_tick_space()), int(ax.yaxis.get_tick_space())],
            "bandAlpha": float(h.bands[0].get_alpha()),
            "colors": [color_hex(line.get_color()) for line in h.lines],
            # the x axis shared with another panel (schedules' lr): the limits cover both panels' curves
            "sharex": len(ax.get_shared_x_axes().get_siblings(ax)) > 1,
            **tick_styles(ax, fig),
        }
        # the cross and the note where seeds ended early, in optviz.plot.loss_spread's sizes (read from a
        # drawn one when the figure has one: they are the same for every run)
        lw = float(h.lines[0].get_linewidth())
        spec["cross"] = {
            "size": (float(marker.get_markersize()) if marker else 4 * lw) * k,
            "edge": (float(marker.get_markeredgewidth()) if marker else 0.4 * lw) * k,
        }
        size = float(note.get_fontsize()) if note else float(ax.xaxis.label.get_fontsize())
        spec["note"] = {
            "size": size * k,
            "dx": 0.6 * size * k,  # xytext in points: right of and below the cross
            "dy": 0.9 * size * k,
            "pad": 0.2 * size * k,  # its box's round pad
            "alpha": 0.85,
        }
        g = spec["axes"]
        g["ylabel"] = image_box(ax.yaxis.label.get_window_extent(), height)
        hidden = self.live_artists()
        # the ticks and grid follow the curves: drawn by the page (the labels stay where matplotlib put them)
        ax.grid(False)
        hide_ticks(ax)
        font = spec["tickfont"]
        boxes = tick_label_boxes(g, font)
        return hidden, spec, boxes


__all__ = ["SpreadLayer"]
