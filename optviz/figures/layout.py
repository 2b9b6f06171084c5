"""Layout helpers shared by the figure kinds and the explorer: one legend for a figure, formula titles, run
bookkeeping. Public, for kinds registered outside optviz too."""

from __future__ import annotations

import itertools
from typing import Any

from optviz import limits
from optviz._text import brace_depth
from optviz._validate import ParameterError
from optviz.figures.titles import fit_title


def surface_title(surface: Any) -> str:
    """``"$f = ...$"``: the surface's formula for an axes title, mathtext-ready (its title if it has none, or
    if mathtext cannot typeset it: a formula nested deeper than its parser goes)."""
    if surface.latex and brace_depth(surface.latex) <= limits.MAX_MATH_DEPTH:
        return f"$f = {surface.latex}$"
    return surface.title


def shared_legend(
    fig: Any,
    axes: list[Any] | None = None,
    *,
    loc: str = "outside lower center",
    ncols: int | None = None,
) -> Any:
    """One legend for the whole figure from the labelled artists of ``axes`` (default: all), duplicates merged.

    Per-axes legends are removed, so panels that show the same rules share one key (the lecture's
    "— SGD — SGD+Momentum" line). Placed outside the axes, it never covers data.
    """
    axes = axes if axes is not None else _all_axes(fig)
    handles, labels = [], []
    for ax in axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(h)
                labels.append(label)
            elif _is_marker_only(handles[labels.index(label)]) and not _is_marker_only(h):
                handles[labels.index(label)] = h  # a line reads better in a key than a lone ball
    if not handles:
        return None
    handles, labels = with_conventions([_key(h) for h in handles], labels)
    return figure_legend(fig, handles, labels, loc=loc, ncols=ncols or min(len(labels), 4))


def figure_legend(fig: Any, handles: list[Any], labels: list[str], *, loc: str, ncols: int) -> Any:
    """``fig.legend`` with at most ``ncols`` columns, fewer when its rows would be wider than the figure
    (long labels: four rules with their hyperparameters)."""
    for n in range(max(1, ncols), 0, -1):
        legend = fig.legend(handles, labels, loc=loc, ncols=n, frameon=False)
        if n == 1 or legend.get_window_extent(fig._get_renderer()).width <= 0.98 * fig.bbox.width:
            return legend
        legend.remove()
    return legend


# Which sequence of points a Nesterov path is (Trajectory.path), said in every key that shows one.
NESTEROV_NOTE = "Nesterov's path: its actual points x"


def with_conventions(handles: list[Any], labels: list[str]) -> tuple[list[Any], list[str]]:
    """``handles, labels`` with a text-only entry saying which points a Nesterov path shows, when one of the
    handles is the path of a Nesterov run (``optviz.plot.trajectory`` marks paths with their ``rule``)."""
    from matplotlib.lines import Line2D

    if NESTEROV_NOTE in labels or not any(getattr(h, "rule", "") == "nesterov" for h in handles):
        return list(handles), list(labels)
    return [*handles, Line2D([], [], linestyle="none")], [*labels, NESTEROV_NOTE]


def _key(handle: Any) -> Any:
    """A legend key for a line drawn wider than the style's width (a covered path, drawn as a stripe): the same
    line at the style's width, so the key does not suggest a difference the runs do not have."""
    import matplotlib as mpl
    from matplotlib.lines import Line2D

    base = float(mpl.rcParams["lines.linewidth"])
    if not isinstance(handle, Line2D) or handle.get_linewidth() <= base:
        return handle
    key = Line2D([], [])
    key.update_from(handle)
    key.set_linewidth(base)
    key.rule = getattr(handle, "rule", "")
    return key


def _is_marker_only(handle: Any) -> bool:
    style = getattr(handle, "get_linestyle", lambda: "-")()
    return style in ("None", "none", "", " ")


def _all_axes(fig: Any) -> list[Any]:
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", []):
        axes += _all_axes(sub)
    return axes


def row_ratios(
    fig: Any, aspects: list[float | None], *, least: float = 0.6, below: bool = False
) -> list[float]:
    """Width ratios for one row of panels on ``fig`` that give each equal-aspect panel the width its view's
    proportions ask for (``aspects``: width / height of each view, None for a panel whose view is free) and
    share the rest among the free panels (each at least ``least`` times as wide as tall).

    The room titles, tick labels and axis labels take is estimated from the style's font size (``below``: a
    legend under the row takes some height too). Constrained layout scales the ratios to the figure, and
    ``optviz.plot.views`` widens each view to the box it gets, so no band of white remains.
    """
    from optviz.plot.common import fontsize

    w, h = fig.get_size_inches()
    em = fontsize() / 72  # inches
    side = 4.2 * em  # y tick labels and the y label, per panel
    height = h - (6.0 + (2.0 if below else 0.0)) * em  # titles above, x ticks and label below
    height = max(height, 0.3 * h)
    room = max(w - side * len(aspects), 0.3 * w)
    fixed = sum(a * height for a in aspects if a is not None)
    free = [a for a in aspects if a is None]
    share = max(least * height, (room - fixed) / len(free)) if free else 0.0
    return [(a * height if a is not None else share) + side for a in aspects]


def thin_ticks(fig: Any, *, rounds: int = 3) -> None:
    """Fewer ticks on every axis whose tick labels touch (a narrow panel, long numbers): laid out, the drawn
    tick labels of each axis are measured, and an axis whose neighbours overlap gets a locator with fewer
    ticks, until none do (at most ``rounds`` times). In the same rounds, a title too wide for its room is
    broken into lines or set smaller (:func:`optviz.figures.titles.fit_title`)."""
    from matplotlib.ticker import LogLocator, MaxNLocator

    for _ in range(rounds):
        fig.draw_without_rendering()
        renderer = fig._get_renderer()
        crowded = []
        for ax in fig.get_axes():
            for axis in (ax.xaxis, ax.yaxis):
                labels = [
                    t.label1
                    for t in axis._update_ticks()
                    if t.label1.get_visible() and t.label1.get_text()
                ]
                boxes = sorted(
                    (t.get_window_extent(renderer) for t in labels), key=lambda b: (b.x0, b.y0)
                )
                # A third of an em between neighbours, at least (the labels' own size: the locator counts
                # ticks with the figure's drawn sizes, not a style's).
                gap = -0.3 * (labels[0].get_fontsize() if labels else 0) * fig.dpi / 72
                touching = any(
                    min(a.x1, b.x1) - max(a.x0, b.x0) > gap
                    and min(a.y1, b.y1) - max(a.y0, b.y0) > gap
                    for a, b in itertools.pairwise(boxes)
                )
                if touching:
                    crowded.append((axis, len(labels)))
            title = _title_crowding(ax, renderer)
            if title > 0:
                # A title over the top tick label of its y axis (a two-line panel title): moved up by the
                # overlap and a third of an em.
                offset = float(ax.titleOffsetTrans.get_matrix()[1, 2]) + title
                ax._set_title_offset_trans(offset * 72 / fig.dpi)
                crowded.append((None, 0))
            if separate_corner_labels(ax, renderer):
                crowded.append((None, 0))
            if fit_title(ax, renderer):
                crowded.append((None, 0))
        if not crowded:
            return
        for axis, n in crowded:
            if axis is None:
                continue
            fewer = max(2, n - 2)
            if axis.get_scale() == "log":
                axis.set_major_locator(LogLocator(base=10, numticks=fewer))
            else:
                axis.set_major_locator(MaxNLocator(nbins=fewer - 1, steps=[1, 2, 2.5, 5, 10]))


CORNER_GAP = (
    0.3  # ems between an axes' x and y tick labels where they meet (as optviz.testing measures)
)


def separate_corner_labels(ax: Any, renderer: Any) -> bool:
    """Move ``ax``'s x tick labels down when they and its y tick labels crowd the lower left corner (-1.5 over
    -2.0), by what the gap lacks (a pad, not a dropped tick, so every number stays); True when they moved (the
    figure must be drawn again to show it). The figures' :func:`thin_ticks` and the explorer use it."""
    corner = _corner_crowding(ax, renderer)
    if corner <= 0:
        return False
    pad = ax.xaxis.get_major_ticks()[0].get_pad() if ax.xaxis.get_major_ticks() else 0.0
    ax.xaxis.set_tick_params(pad=pad + corner * 72 / ax.get_figure(root=True).dpi + 0.5)
    return True


def _corner_crowding(ax: Any, renderer: Any) -> float:
    """How many pixels the first x tick label and the lowest y tick label of ``ax`` lack of a third of an em
    between them, where they meet at the lower left corner (0: apart enough, or no such labels)."""
    if not (ax.get_visible() and ax.axison) or ax.name != "rectilinear":
        return 0.0  # a polar axes' angle labels sit around its circle: it has no such corner

    def drawn(axis: Any) -> list[Any]:
        return [
            t.label1 for t in axis._update_ticks() if t.label1.get_visible() and t.label1.get_text()
        ]

    xs, ys = drawn(ax.xaxis), drawn(ax.yaxis)
    if not xs or not ys or not ax.xaxis.get_visible() or not ax.yaxis.get_visible():
        return 0.0
    x = min((t.get_window_extent(renderer) for t in xs), key=lambda b: b.x0)
    y = min((t.get_window_extent(renderer) for t in ys), key=lambda b: b.y0)
    need = CORNER_GAP * xs[0].get_fontsize() * ax.get_figure(root=True).dpi / 72
    apart_x = x.x0 - y.x1  # > 0: the x label starts right of the y label's end
    apart_y = y.y0 - x.y1  # > 0: the y label's bottom is above the x label's top
    if apart_x >= need - 1 or apart_y >= need - 1:
        return 0.0
    return need - apart_y


def _title_crowding(ax: Any, renderer: Any) -> float:
    """How many pixels ``ax``'s titles must move up to clear its tick labels by a third of an em (0: clear)."""
    if not (ax.get_visible() and ax.axison):
        return 0.0
    titles = [
        t for t in (ax.title, ax._left_title, ax._right_title) if t.get_visible() and t.get_text()
    ]
    ticks = [
        t.label1
        for axis in (ax.xaxis, ax.yaxis)
        if axis.get_visible()
        for t in axis._update_ticks()
        if t.label1.get_visible() and t.label1.get_text()
    ]
    need = 0.0
    for title in titles:
        box = title.get_window_extent(renderer)
        gap = CORNER_GAP * title.get_fontsize() * ax.get_figure(root=True).dpi / 72
        for label in ticks:
            tick = label.get_window_extent(renderer)
            # (a title above the label's bottom that comes within the gap of its top must rise)
            if min(box.x1, tick.x1) - max(box.x0, tick.x0) > 0 and tick.y0 < box.y1:
                need = max(need, tick.y1 + gap - box.y0)
    return need


def last_step(trajectories: list[Any]) -> int:
    """A scene's last frame: the last step at which any of the runs still changes (its stop step, or the step
    after it, where a diverged run's cross appears), so an animation has no dead frames at its end."""
    import numpy as np

    last = 0
    for t in trajectories:
        stop = int(np.max(np.asarray(t.stop_step)))
        last = max(
            last,
            min(int(t.steps), stop + (1 if np.any(np.asarray(t.status) != "max_steps") else 0)),
        )
    return last


def require_rules(allowed: tuple[str, ...]) -> Any:
    """A kind's ``check``: every run's rule (``run.optimizer``) must be one of ``allowed``."""

    def check(surface: Any, runs: Any, options: Any) -> None:
        for i, run in enumerate(runs):
            name = run.optimizer.name
            if name not in allowed:
                raise ParameterError(
                    f"run[{i}].rule",
                    f"figure kind draws only {', '.join(allowed)} runs, got {name!r}",
                )

    return check
