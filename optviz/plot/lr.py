"""The learning rate each step used (``t.lr``): a schedule's shape beside what it did to the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz.plot.common import (
    as_runs,
    get_ax,
    linewidth,
    run_colors,
    run_labels,
    single_runs,
)
from optviz.plot.frames import Animated, Grows


@dataclass
class LearningRateArtists(Animated):
    """What :func:`learning_rate` drew: ``lines[i]`` holds run i's ``(k, t.lr[k])`` for the steps it took
    (k = 0 .. stop - 1)."""

    lines: list[Any] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None


def learning_rate(
    trajectories: Any,
    ax: Any = None,
    *,
    color: Any = None,
    label: Any = None,
    log: bool = False,
    legend: bool | str = False,
) -> LearningRateArtists:
    """Plot the lr of every step each run took (``t.lr[k]``, k = 0 .. stop - 1) against k. Under a schedule it
    is torch's ``param_groups[0]["lr"]`` after k scheduler steps; without one, the rule's constant lr. Runs
    without an lr (random search) are skipped."""
    ax = get_ax(ax)
    out = LearningRateArtists()
    groups = as_runs(trajectories)
    colors = run_colors(groups, color)
    labels = run_labels(groups, label)
    lw = linewidth()
    for group, col, text in zip(groups, colors, labels, strict=True):
        for j, run in enumerate(single_runs(group)):
            lr = run.lr
            if lr is None:
                continue
            taken = max(int(run.stop_step), 1)  # the steps the run took (one lr each)
            k = np.arange(taken, dtype=float)
            values = np.asarray(lr[:taken], dtype=float)
            (line,) = ax.plot(
                k, values, color=col, linewidth=lw, zorder=3, label=text if j == 0 else "_nolegend_"
            )
            out.lines.append(line)
            out.frames.append(Grows(line, k, values, taken - 1))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("learning rate")
    ax.grid(True, which="major")
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out
