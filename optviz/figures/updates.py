"""Update-vector figures: momentum against Nesterov, with the look-ahead shown, moving along real runs.

One panel per run (a Momentum and a Nesterov run, side by side): the contours, the run's path, and the update
from the current iterate as the lecture draws it (the vectors of ``Trajectory.update_vectors``):

* Momentum: from the current point, the velocity arrow and the gradient arrow (the gradient is taken *at the
  current point*); the actual step is their sum.
* Nesterov: from the actual point, the velocity arrow leads to the look-ahead point (torch's stored iterate, so
  the path drawn is that of the look-ahead points); the gradient is taken *there*; the actual step goes to the
  next actual point.

Animated, the arrows move with the runs (frame k shows the update from iterate k). The static figure (the last
frame) shows the paths and the update at the step chosen by the option ``step``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import plot
from optviz._validate import ParameterError
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import legend_option
from optviz.figures.layout import last_step, require_rules, surface_title
from optviz.figures.options import Options, option, optional, steps
from optviz.plot.common import single_runs
from optviz.plot.frames import Appears, Parts

RULES = ("momentum", "nesterov")
_TITLES = {
    "momentum": "gradient at the current point",
    "nesterov": "gradient at the look-ahead point",
}


def default_step(runs: list[Any]) -> int:
    """The update whose diagram reads best in every panel: the step whose shorter arrow (velocity or gradient)
    is longest in the run where it is shortest. Step 0 is never chosen: the velocity is still zero there.
    """
    stop = min(int(t.stop_step) for t in runs)
    if stop < 2:
        return 1
    score = np.full(stop - 1, np.inf)
    for t in runs:
        for k in range(1, stop):
            v = t.update_vectors(k)
            shorter = min(float(np.hypot(*v["velocity"])), float(np.hypot(*v["gradient"])))
            score[k - 1] = min(score[k - 1], shorter)
    return int(np.argmax(score)) + 1


def check_step_within_runs(surface: Any, runs: Any, options: Any) -> None:
    """The ``step`` shown must be an update every run makes (``run.steps`` updates)."""
    step = options.step
    for i, run in enumerate(runs):
        if step is not None and step >= run.steps:
            raise ParameterError(
                "figure.step",
                f"is {step}, but run[{i}] has {run.steps} steps: the step shown must be at most {run.steps - 1}",
            )


def check_step_before_stops(trajectories: Any, options: Any) -> None:
    """The ``step`` shown must come before every run stopped (a diverged or converged run has no update
    there to draw); without a ``step``, every run must make the two updates the default needs."""
    step = options.step
    for i, t in enumerate(r for group in trajectories for r in single_runs(group)):
        stop = int(t.stop_step)
        if step is None and stop < 2:
            raise ParameterError(
                f"run[{i}]",
                f"stopped at step {stop} ({t.status}): the figure shows an update after the first, so "
                "each run needs at least 2",
            )
        if step is not None and not step < stop:
            raise ParameterError(
                "figure.step",
                f"is {step}, but run[{i}] ({t.label}) stopped at step {stop} ({t.status}): the step "
                f"shown must be below {stop}",
            )


def _check(surface: Any, runs: Any, options: Any) -> None:
    """The runs must be momentum or Nesterov, and long enough for the ``step`` shown."""
    require_rules(RULES)(surface, runs, options)
    check_step_within_runs(surface, runs, options)


@dataclass(frozen=True)
class MomentumNesterovOptions(Options):
    step: int | None = option(
        None,
        optional(steps),
        "the update shown in the static figure (default: where its arrows read best)",
    )
    legend: str = legend_option()


@register_kind(
    "momentum_nesterov",
    "Momentum against Nesterov: each run's update vectors (velocity, gradient, actual step; Nesterov's "
    "look-ahead point) moving along its path.",
    options=MomentumNesterovOptions,
    runs="required",
    check=_check,
    check_runs=check_step_before_stops,
)
def _momentum_nesterov(fig: Any, data: PanelData, scene: Scene) -> None:
    runs = [r for t in data.trajectories for r in single_runs(t)]
    last = last_step(runs)
    step = data.options.step if data.options.step is not None else default_step(runs)
    axes = fig.subplots(1, len(runs), squeeze=False)[0]
    colors = [data.color(i) for i in range(len(runs))]
    for ax, run, color in zip(axes, runs, colors, strict=True):
        plot.contour(data.surface, ax=ax, bounds=data.bounds)
        # The path quieter than usual: the arrows carry this figure.
        path = plot.trajectory(run, ax=ax, color=color, legend=False, alpha=0.55)
        scene.add(path, last)
        scene.add(plot.update_arrows(run, ax=ax), last)
        scene.add(_static_diagram(ax, run, step, last))
        ax.set_title(f"{run.label}: {_TITLES[run.rule]}")
    if data.title:
        fig.suptitle(data.title)
    elif data.surface is not None and not fig.get_suptitle():  # the scenario's title wins
        fig.suptitle(surface_title(data.surface))
    _legend(fig, axes, data.options.legend)


def _static_diagram(ax: Any, run: Any, step: int, last: int) -> Parts:
    """The diagram of update ``step``, shown on the last frame only (the static figure)."""
    # No labels on the full view (they would be larger than the arrows): the legend names the arrows.
    diagram = plot.update_diagram(run, step, ax, frame=False, labels=False, guides=True)
    artists = [*diagram.arrows.values(), *diagram.labels, *diagram.markers, *diagram.guides]
    for artist in artists:
        artist.set_zorder(artist.get_zorder() + 1)  # above the moving arrows' place
    return Parts(*(Appears(a, last) for a in artists))


def _legend(fig: Any, axes: Any, where: str) -> None:
    """The runs and the meaning of the arrows and points, in one key."""
    if where == "none":
        return
    from matplotlib.lines import Line2D

    from optviz.plot.diagrams import COLORS, NAMES

    handles, labels = [], []
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(h)
                labels.append(label)
    for name in ("velocity", "gradient", "step"):
        handles.append(Line2D([], [], color=COLORS[name], marker=">", markevery=[1], linewidth=2))
        labels.append(NAMES[name])
    handles.append(Line2D([], [], color="black", marker="o", linestyle="none"))
    labels.append("actual point")
    if any(ax.findobj(lambda a: a.get_label() == "_lookahead") for ax in axes):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markerfacecolor="white",
                markeredgecolor="black",
                linestyle="none",
            )
        )
        labels.append("look-ahead point")
    if where == "inside":
        axes[0].legend(handles, labels, loc="best")
        return
    loc, ncols = ("outside right upper", 1) if where == "right" else ("outside lower center", None)
    fig.legend(handles, labels, loc=loc, ncols=ncols or min(len(labels), 4), frameon=False)
