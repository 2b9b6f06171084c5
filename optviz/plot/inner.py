"""L-BFGS's inner iterations: the points each step passed through on its way.

One ``optviz.LBFGS`` step is one ``torch.optim.LBFGS.step(closure)``: up to ``max_iter`` inner iterations, whose
iterates the trajectory records (``t.state["inner_xy"]``, row k: the step that led to ``t.xy[k]``).
:func:`route` is the way a run went through them (``plot.trajectory(..., route=True)`` draws its path along
it); :func:`inner_iterates` marks them with small rings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.plot.common import as_runs, get_ax, linewidth, run_colors, single_runs
from optviz.plot.frames import StepMarks


def route(run: Any) -> tuple[np.ndarray, np.ndarray]:
    """The way a single run went: ``(points, ends)`` with ``points`` its start, then each step's inner iterates
    in order (the last of a step is its iterate), and ``ends[k]`` the index in ``points`` of iterate k. A run
    without recorded inner iterates goes straight from iterate to iterate (``points`` is ``t.xy``).

    >>> import optviz as ov
    >>> t = ov.run("quadratic", ov.LBFGS(line_search_fn="strong_wolfe"), steps=2)
    >>> points, ends = route(t)
    >>> len(points), ends.tolist()
    (10, [0, 8, 9])
    """
    xy = np.asarray(run.xy, dtype=float)
    if "inner_xy" not in run.state:
        return xy, np.arange(len(xy))
    inner = np.asarray(run.state["inner_xy"], dtype=float)
    stop = int(run.stop_step)
    points, ends = [xy[0]], [0]
    for k in range(1, len(xy)):
        if k <= stop:
            way = inner[k][np.isfinite(inner[k]).all(axis=1)]
            # the step's own iterate ends its way (an inner loop that stopped before moving has none)
            if not len(way) or not np.array_equal(way[-1], xy[k]):
                way = np.vstack([way, xy[k][None]]) if len(way) else xy[k][None]
            points.extend(way)
        ends.append(len(points) - 1)
    return np.array(points), np.array(ends)


class InnerArtists(StepMarks):
    """What :func:`inner_iterates` drew: ``rings[i]`` marks the inner iterates of one step (``steps[i]``: the
    step they led to; the step's own iterate, its last, is the path's)."""

    @property
    def rings(self) -> list[Any]:
        return self.artists


def inner_iterates(
    trajectories: Any, ax: Any = None, *, color: Any = None, zorder: float = 3.15
) -> InnerArtists:
    """Mark the inner iterates of each L-BFGS step of ``trajectories`` with small rings in the run's colour
    (runs of other rules are skipped), each step's shown from that step on when animated. Draw the paths with
    ``plot.trajectory(..., route=True)`` so they pass through them."""
    ax = get_ax(ax)
    out = InnerArtists()
    lw = linewidth()
    groups = as_runs(trajectories)
    colors = run_colors(groups, color)
    for group, col in zip(groups, colors, strict=True):
        for run in single_runs(group):
            if "inner_xy" not in run.state:
                continue
            inner = np.asarray(run.state["inner_xy"], dtype=float)
            for k in range(1, int(run.stop_step) + 1):
                points = inner[k][np.isfinite(inner[k]).all(axis=1)][:-1]  # the last is the iterate
                if not len(points):
                    continue
                (rings,) = ax.plot(
                    points[:, 0], points[:, 1], linestyle="none", marker="o", markersize=1.9 * lw,
                    markerfacecolor="white", markeredgecolor=col, markeredgewidth=0.45 * lw,
                    zorder=zorder, label="_inner",
                )  # fmt: skip
                out.add(rings, k)
    return out
