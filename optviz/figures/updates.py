"""Update-vector figures: the momentum update against the Nesterov update, from the same state.

The lecture's comparison, drawn from a real run (the Momentum run, or the first run): at step k its state is
the point x_k and the velocity v_k. Beside the paths of every run (Nesterov's drawn at its actual points x, as in
every figure), one panel per rule shows that rule's update from that *same* state (``Momentum.vectors_from``,
``Nesterov.vectors_from``), drawn relative to x_k at one scale for every panel and frame:

* Momentum: from x, the velocity arrow and the gradient arrow (the gradient is taken *at the point*); the actual
  step is their sum.
* Nesterov: from x, the velocity arrow leads to the look-ahead point x + v; the gradient is taken *there*; the
  actual step is velocity + gradient.

Animated, every frame k shows the paths up to k, the state at step k on them, and the updates from it (each
panel names the step it shows, the same as the frame's counter). The static figure shows the whole paths and the
updates from the state at the step chosen by the option ``step`` (default: where the arrows read best).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optviz import plot
from optviz._validate import ParameterError
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import legend_option
from optviz.figures.layout import (
    figure_legend,
    last_step,
    require_rules,
    surface_title,
    with_conventions,
)
from optviz.figures.options import Options, option, optional, steps
from optviz.plot.common import single_runs

RULES = ("momentum", "nesterov")
_TITLES = {
    "momentum": "gradient at x",
    "nesterov": "gradient at x + v",
}


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
    "Momentum against Nesterov: the two updates from the same state (x, v) of a run, side by side (velocity, "
    "gradient, actual step; Nesterov's look-ahead point), beside the runs' paths; animated, the state moves "
    "along the run.",
    options=MomentumNesterovOptions,
    runs="required",
    check=_check,
    check_runs=check_step_before_stops,
)
def _momentum_nesterov(fig: Any, data: PanelData, scene: Scene) -> None:
    from optviz.optimizers import Momentum, Nesterov

    runs = [r for t in data.trajectories for r in single_runs(t)]
    last = last_step(runs)
    # The state compared: the Momentum run's (else the first run's); each rule with its run's settings.
    state_run = next((r for r in runs if r.rule == "momentum"), runs[0])
    rules = []
    for name, cls in (("momentum", Momentum), ("nesterov", Nesterov)):
        ran = next((r.optimizer for r in runs if r.rule == name), None)
        rules.append(
            ran if ran is not None else cls(lr=state_run.optimizer.lr, rho=state_run.optimizer.rho)
        )
    # The paths a little wider than each update panel; every view is widened to its box (optviz.plot.views).
    overview, *panels = fig.subplots(1, 3, width_ratios=[1.6, 1, 1])
    plot.contour(data.surface, ax=overview, bounds=data.bounds)
    colors = [data.color(i) for i in range(len(runs))]
    scene.add(plot.trajectory(runs, ax=overview, color=colors, legend=False), last)
    overview.set_title(surface_title(data.surface))
    handle = plot.same_state_updates(
        state_run, data.surface, panels, rules, overview=overview, label="state at step {k}"
    )
    step = data.options.step if data.options.step is not None else handle.readable_step()
    scene.add(handle, last, static=step)
    for ax, rule in zip(panels, rules, strict=True):
        ax.set_title(f"{rule.label}:\n{_TITLES[rule.name]}")  # two lines: a narrow panel
    _legend(fig, overview, data.options.legend)


def _legend(fig: Any, overview: Any, where: str) -> None:
    """The runs, the arrows and points of the panels, and which sequence a Nesterov path is, in one key."""
    if where == "none":
        return
    from matplotlib.lines import Line2D

    from optviz.plot.diagrams import COLORS, NAMES

    handles, labels = overview.get_legend_handles_labels()
    for name in ("velocity", "gradient", "step"):
        handles.append(Line2D([], [], color=COLORS[name], marker=">", markevery=[1], linewidth=2))
        labels.append(NAMES[name])
    handles.append(Line2D([], [], color="black", marker="o", linestyle="none"))
    labels.append("state (x, v) compared")
    handles.append(
        Line2D(
            [], [], marker="o", markerfacecolor="white", markeredgecolor="black", linestyle="none"
        )
    )
    labels.append("look-ahead x + v")
    handles, labels = with_conventions(handles, labels)
    if where == "inside":
        overview.legend(handles, labels, loc="best")
        return
    loc, ncols = ("outside right upper", 1) if where == "right" else ("outside lower center", None)
    figure_legend(fig, handles, labels, loc=loc, ncols=ncols or 3)
