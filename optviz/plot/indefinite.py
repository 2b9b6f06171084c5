"""Newton's steps from an indefinite Hessian: where the local quadratic model is a saddle, and the step
heads for its critical point (``t.indefinite``), whatever the surface does there."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.plot.common import as_runs, get_ax, linewidth, run_colors, single_runs
from optviz.plot.frames import StepMarks


class IndefiniteArtists(StepMarks):
    """What :func:`indefinite_steps` drew: ``marks[i]`` a hollow square at iterate ``steps[i]`` of a run, from
    which that run stepped with an indefinite ``H + damping I``."""

    @property
    def marks(self) -> list[Any]:
        return self.artists


def indefinite_steps(
    trajectories: Any, ax: Any = None, *, color: Any = None, zorder: float = 3.3
) -> IndefiniteArtists:
    """Mark, with a hollow square in the run's colour, each iterate k < stop of a Newton run whose step
    was taken with an indefinite ``H + damping I`` (``t.indefinite[k]``); runs of other rules are skipped.
    Each mark appears with its iterate when animated.

    >>> import optviz as ov
    >>> t = ov.run("double_well", ov.Newton(), start=(0.35, 1.2), steps=10, tol=1e-10)
    >>> indefinite_steps(t).steps
    [0, 1, 2, 3]
    """
    ax = get_ax(ax)
    out = IndefiniteArtists()
    lw = linewidth()
    groups = as_runs(trajectories)
    colors = run_colors(groups, color)
    for group, col in zip(groups, colors, strict=True):
        for run in single_runs(group):
            flags = run.indefinite
            if flags is None:
                continue
            xy = np.asarray(run.xy, dtype=float)
            for k in np.flatnonzero(flags[: int(run.stop_step)]):
                (mark,) = ax.plot(
                    *xy[k], linestyle="none", marker="s", markersize=3.4 * lw, markerfacecolor="none",
                    markeredgecolor=col, markeredgewidth=0.6 * lw, zorder=zorder, label="_indefinite",
                )  # fmt: skip
                out.add(mark, k)
    return out
