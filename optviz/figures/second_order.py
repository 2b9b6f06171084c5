"""The ``second_order`` figure kind: first- and second-order rules side by side, at the cost each one pays.

Newton steps with the exact Hessian; L-BFGS (torch's) builds a curvature estimate from past gradients and
evaluates the loss several times per step. Counting steps flatters both, so the loss panel puts every iterate
at the loss-and-gradient evaluations made to reach it (:func:`optviz.metrics.evaluations_used`), with a dot
per step: the gaps between an L-BFGS run's dots are its evaluations per step. On the paths, an L-BFGS run goes
the way its steps went, through their inner iterates (small rings); a Newton step taken from an indefinite
Hessian (its model a saddle, ``t.indefinite``) starts at a hollow square. The loss axis ends at 1e-15 of the
highest start (rounding, below): a run that goes lower leaves through the bottom at a downward triangle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import plot
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import colors, legend_option
from optviz.figures.layout import last_step, surface_title
from optviz.figures.options import Options, one_of, option
from optviz.plot.common import fontsize, linewidth
from optviz.plot.frames import Appears, Parts


@dataclass(frozen=True)
class SecondOrderOptions(Options):
    loss_kind: str = option(
        "gap", one_of("gap", "distance", "loss", what="loss kind"), "gap (f - f*), distance or loss"
    )
    legend: str = legend_option()


def _gap_kind(surface: Any, kind: str) -> tuple[str, Any, Any]:
    fmin = getattr(surface, "fmin", None)
    minimum = surface.minima[0] if len(surface.minima) else None
    if kind == "gap" and (fmin is None or fmin != fmin):
        kind = "loss"
    if kind == "distance" and minimum is None:
        kind = "loss"
    return kind, fmin, minimum


@register_kind(
    "second_order",
    "Paths (L-BFGS through its inner iterates, Newton's indefinite steps marked) beside the loss against evaluations (a dot per step).",
    options=SecondOrderOptions,
    runs="required",
    animated=True,
)
def _second_order(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib.lines import Line2D

    s = data.surface
    runs = data.trajectories
    # Side by side in a wide figure; in a tall one (a panel of a two-column figure), paths above the costs.
    wide = fig.bbox.width >= 1.25 * fig.bbox.height
    if wide:
        ax, cost = fig.subplots(1, 2, width_ratios=[1, 1.1])
    else:
        ax, cost = fig.subplots(2, 1, height_ratios=[1.25, 1])
    plot.contour(s, ax=ax, bounds=data.bounds)
    paths = plot.trajectory(
        runs, ax=ax, color=colors(data), legend=False, hyperparams=data.hyperparams, route=True
    )
    inner = plot.inner_iterates(runs, ax=ax, color=colors(data))
    indefinite = plot.indefinite_steps(runs, ax=ax, color=colors(data))
    for handle in (paths, inner, indefinite):
        scene.add(handle, last_step(runs))
    ax.set_title(data.title or surface_title(s))
    kind, fmin, minimum = _gap_kind(s, data.options.loss_kind)
    h = plot.loss(
        runs, ax=cost, kind=kind, fmin=fmin, minimum=minimum, x="evaluations", dots=True,
        color=colors(data), legend=False, hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(h, last_step(runs))
    cost.set_xscale("symlog", linthresh=1.0, linscale=0.5)
    shown: list[Any] = []  # when each floor mark and saddle note appears, in an animation
    below = _floor(cost, h, kind, shown)
    cost.set_xlim(left=0)
    saddles = _at_saddles(cost, h, runs, shown)
    scene.add(Parts(*shown))
    plot.loss_title(cost, "the cost: a dot per step")
    handles, labels = ax.get_legend_handles_labels()
    if inner.rings:
        lw = linewidth()
        ring = dict(marker="o", markersize=1.9 * lw, markerfacecolor="white", markeredgecolor="0.3")
        handles.append(Line2D([], [], linestyle="none", markeredgewidth=0.45 * lw, **ring))
        labels.append("inner iterates of an L-BFGS step")
    if indefinite.marks:
        lw = linewidth()
        square = dict(
            marker="s", markersize=3.4 * lw, markerfacecolor="none", markeredgecolor="0.3"
        )
        handles.append(Line2D([], [], linestyle="none", markeredgewidth=0.6 * lw, **square))
        labels.append("Newton step from an indefinite Hessian")
    where = data.options.legend
    if where == "inside":
        cost.legend(handles, labels, loc="best")
    elif where == "below":
        fig.legend(
            handles, labels, loc="outside lower center", ncols=2 if wide else 1, frameon=False
        )
    elif where == "right":
        fig.legend(handles, labels, loc="outside right upper", frameon=False)
    scene.results.update(
        paths=paths, inner=inner, indefinite=indefinite, cost=h, below=below, saddles=saddles
    )


def _at_saddles(ax: Any, h: Any, runs: list[Any], shown: list[Any]) -> list[Any]:
    """For each Newton run that converged where the Hessian is indefinite (its recorded ``t.indefinite`` at
    the stop): a dotted line from its last dot to the right edge, where it stays, and "Newton: at a saddle"
    above that end (the faster runs are far below by then)."""
    notes = []
    for line, t in zip(h.lines, runs, strict=True):
        flags = t.indefinite
        if flags is None or str(t.status) != "converged" or not flags[int(t.stop_step)]:
            continue
        x, y = line.get_data()
        right = ax.get_xlim()[1]
        col, size = line.get_color(), fontsize()
        (stays,) = ax.plot([x[-1], right], [y[-1], y[-1]], linestyle=":", color=col,
                           linewidth=0.8 * linewidth(), zorder=2.5, label="_stays")  # fmt: skip
        note = ax.annotate(
            f"{t.label}: at a saddle", (right, y[-1]), xytext=(-0.3 * size, 0.3 * size),
            textcoords="offset points", ha="right", va="bottom", color=col, fontsize=size,
            fontweight="bold", zorder=5,
        )  # fmt: skip
        notes.append(note)
        shown += [Appears(stays, int(t.stop_step)), Appears(note, int(t.stop_step))]
    return notes


# Below this fraction of the highest start a loss gap or distance is rounding: the axis ends there (Newton's
# step on a quadratic lands at 1e-28), and a run that goes lower leaves through the bottom, where a
# downward triangle marks it.
FLOOR = 1e-15


def _floor(ax: Any, h: Any, kind: str, shown: list[Any]) -> list[Any]:
    if kind == "loss":
        return []
    starts = [float(line.get_ydata()[0]) for line in h.lines if len(line.get_ydata())]
    if not starts or max(starts) <= 0:
        return []
    floor = FLOOR * max(starts)
    low, high = ax.get_ylim()
    if low >= floor:
        return []
    ax.set_ylim(floor, high)
    marks = []
    lw = linewidth()
    for line in h.lines:
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        under = np.flatnonzero(y < floor)
        if under.size:
            (mark,) = ax.plot(
                _crossing(ax, x, y, int(under[0]), floor), floor, marker="v", markersize=3.2 * lw, color=line.get_color(),
                markeredgecolor="white", markeredgewidth=0.4 * lw, clip_on=False, zorder=5,
                label="_below",
            )  # fmt: skip
            marks.append(mark)
            shown.append(Appears(mark, int(under[0])))  # with the first iterate below the floor
    return marks


def _crossing(ax: Any, x: np.ndarray, y: np.ndarray, i: int, floor: float) -> float:
    """Where the straight segment into point ``i`` (straight on the axes' scales: symlog x, log y) meets
    ``y = floor``: the x of the triangle, on the drawn line."""
    if i == 0 or not np.isfinite(y[i - 1]) or y[i - 1] <= 0:
        return float(x[i])
    scale = ax.transScale
    (x0, y0), (x1, y1) = scale.transform([[x[i - 1], y[i - 1]], [x[i], max(y[i], 1e-300)]])
    yf = scale.transform([[x[i], floor]])[0, 1]
    t = (yf - y0) / (y1 - y0) if y1 != y0 else 1.0
    return float(scale.inverted().transform([[x0 + t * (x1 - x0), yf]])[0, 0])
