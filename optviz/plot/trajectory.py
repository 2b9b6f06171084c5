"""Loud trajectories: a line through the iterates, a hollow start, a filled end, and divergence marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz.plot.common import (
    as_runs,
    ended_early,
    fontsize,
    get_ax,
    linewidth,
    run_colors,
    run_labels,
    single_runs,
)
from optviz.plot.frames import Animated, Appears, Follows, Grows, GrowsTo
from optviz.plot.inner import route as inner_route
from optviz.plot.placement import around, place_text


@dataclass
class RunArtists:
    """The artists of one run."""

    path: Any
    start: Any = None
    end: Any = None
    diverged: Any = None
    exit: Any = None
    arrows: list[Any] = field(default_factory=list)


@dataclass
class TrajectoryArtists(Animated):
    """What :func:`trajectory` drew. ``paths[i]`` is a ``Line2D`` whose data is ``t.xy[: t.stop_step + 1]``
    (with ``route=True``: the run's way through its inner iterates up to its stop,
    :func:`optviz.plot.inner.route`).

    ``set_frame(k)`` re-shows every run up to iteration ``k`` by setting data on the same artists (for animation)
    and returns the artists it changed.
    """

    runs: list[RunArtists] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None

    @property
    def paths(self) -> list[Any]:
        return [r.path for r in self.runs]

    @property
    def starts(self) -> list[Any]:
        return [r.start for r in self.runs if r.start is not None]

    @property
    def ends(self) -> list[Any]:
        return [r.end for r in self.runs if r.end is not None]

    @property
    def diverged(self) -> list[Any]:
        return [r.diverged for r in self.runs if r.diverged is not None]

    @property
    def exits(self) -> list[Any]:
        return [r.exit for r in self.runs if r.exit is not None]

    @property
    def arrows(self) -> list[Any]:
        return [a for r in self.runs for a in r.arrows]


def marker_stride(n_points: int, target: int = 60) -> int:
    """Draw a dot at every iterate on short runs and at every k-th one on long runs (about ``target`` dots)."""
    return max(1, int(np.ceil(n_points / target)))


def trajectory(
    trajectories: Any,
    ax: Any = None,
    *,
    color: Any = None,
    label: str | list[str] | None = None,
    hyperparams: bool = True,
    every: int | None = None,
    arrows: bool = False,
    start: bool = True,
    end: bool = True,
    legend: bool | str = True,
    alpha: float = 1.0,
    zorder: float = 3.0,
    route: bool = False,
) -> TrajectoryArtists:
    """Draw one or several trajectories.

    ``trajectories`` is a Trajectory, a batched Trajectory (its runs share a colour and one legend entry) or a
    list of them. Colours default to each rule's fixed colour; labels to ``"Momentum (lr=0.02, ρ=0.9)"``.
    Each path has a dot at each iterate (every ``every``-th one; default: about 60 dots), a hollow circle at the
    start and a filled circle at the end. A diverged run ends in a cross with "diverged at step k" (a Newton run
    at a singular Hessian alike, "singular Hessian at step k"); a run that
    leaves the axes is clipped at the edge, where an arrow shows which way it went. ``arrows=True`` adds an arrow
    along each step. ``legend=True`` places a legend where it covers the least (``"outside"``: right of the axes).
    ``route=True`` draws an L-BFGS run's path the way it went, through the inner iterates of each step
    (:func:`optviz.plot.inner.route`), with the dots at its iterates (``plot.inner_iterates`` marks the rest).
    """
    ax = get_ax(ax)
    out = TrajectoryArtists()
    lw = linewidth()
    size = fontsize()
    groups = as_runs(trajectories)
    labels = run_labels(groups, label, hyperparams=hyperparams)
    colors = run_colors(groups, color)
    runs = [(g, run) for g, group in enumerate(groups) for run in single_runs(group)]
    layers, widths = stacking(
        [np.asarray(run.path[: int(run.stop_step) + 1], dtype=float) for _, run in runs],
        [g for g, _ in runs], ax, steady=[getattr(run, "noise", None) is None for _, run in runs],
    )  # fmt: skip
    k = 0
    for group, text, col in zip(groups, labels, colors, strict=True):
        for j, run in enumerate(single_runs(group)):
            stop = int(run.stop_step)
            # The drawn points (Trajectory.path: Nesterov's actual points, the lecture's iterates).
            xy = np.asarray(run.path, dtype=float)
            shown = xy[: stop + 1]
            stride = every or marker_stride(len(shown))
            width = lw * widths[k]
            z = zorder + 0.01 * layers[k]
            k += 1
            way, ends = inner_route(run) if route else (xy, np.arange(len(xy)))
            dots = stride if not route else [int(e) for e in ends[: stop + 1 : stride]]
            (path,) = ax.plot(
                way[: ends[stop] + 1, 0], way[: ends[stop] + 1, 1], color=col, linewidth=width, alpha=alpha,
                marker="o", markersize=1.5 * lw, markevery=dots, markeredgewidth=0, zorder=z,
                label=text if j == 0 else "_nolegend_", solid_capstyle="round", solid_joinstyle="round",
            )  # fmt: skip
            path.rule = run.rule  # keys say which points a Nesterov path shows (figures.layout)
            r = RunArtists(path=path)
            if route:
                out.frames.append(GrowsTo(path, way[:, 0], way[:, 1], ends, stop, marks=dots))
            else:
                out.frames.append(Grows(path, xy[:, 0], xy[:, 1], stop))
            if start:
                r.start = ax.plot(
                    *shown[0], marker="o", markersize=3.6 * lw, markerfacecolor="white",
                    markeredgecolor=col, markeredgewidth=0.8 * lw, alpha=alpha, zorder=z + 0.2,
                    label="_start",
                )[0]  # fmt: skip
            ending = ended_early(run)  # diverged, or Newton at a singular Hessian
            diverged = ending is not None
            if end:
                r.end = ax.plot(
                    *shown[-1], marker="o", markersize=3.2 * width, color=col, markeredgecolor="white",
                    markeredgewidth=0.5 * lw, alpha=alpha, zorder=z + 0.3, label="_end",
                )[0]  # fmt: skip
                out.frames.append(Follows(r.end, xy[:, 0], xy[:, 1], stop))
                if diverged:  # replaced by the divergence cross once the run has diverged
                    r.end.set_visible(False)
                    out.frames.append(Appears(r.end, 0, until=stop + 1))
            if arrows and len(shown) > 1:
                r.arrows = _step_arrows(ax, shown, col, lw, stride, zorder)
                out.frames += [Appears(a, a.step + 1) for a in r.arrows]
            r.exit, exit_step = _exit_arrow(ax, shown, col, lw, zorder)
            if r.exit is not None:
                out.frames.append(Appears(r.exit, exit_step))
            if diverged:
                # Where the run left the view, the cross goes on the edge, so it is always seen.
                outside = r.exit is not None and not _inside(ax, shown[-1])
                place = np.asarray(r.exit.xy) if outside else shown[-1]
                r.diverged = _mark_divergence(ax, place, ending, col, lw, size, zorder)
                out.frames += [
                    Appears(r.diverged, stop + 1),
                    Appears(r.diverged.annotation, stop + 1),
                ]
            out.runs.append(r)
    if legend:
        loc = "best" if legend is True else legend
        if loc == "outside":
            out.legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
        else:
            out.legend = ax.legend(loc=loc)
    return out


# Line widths by which a covered path is wider than the one over it (a stripe each side); more for a path that
# runs along another nearly all the way (COINCIDE of the shorter one's points within a 480th of the view of the
# other's), where half a width leaves a hairline.
STRIPE = 0.5
COINCIDING_STRIPE = 0.75
COINCIDE = 0.8
WIDEST = 3.25  # line widths: the widest a covered path gets (four coinciding paths still show)
# A noisy path is widened only when the path above covers this share of its own cells: one that runs along
# it (a minibatch run beside the full batch, schedules that part late), not one that wanders over it.
NOISY_COVERED = 0.5


def stacking(
    paths: list[np.ndarray],
    groups: list[int],
    ax: Any,
    *,
    cells: int = 120,
    covered: float = 0.35,
    steady: list[bool] | None = None,
) -> tuple[list[int], list[float]]:
    """How to draw paths so that none hides another: ``(layers, widths)``, per path.

    Longer paths (in the axes' units) go below shorter ones (``layers``: 0 is the bottom), and a path that
    overlaps one drawn above it (they share ``covered`` of the smaller one's cells on a ``cells`` x ``cells``
    grid over the view; paths of one group do not count) is drawn :data:`STRIPE` line widths wider than that one
    (:data:`COINCIDING_STRIPE` when it runs under it nearly all the way): coinciding paths show as stripes, and
    their end markers (sized by the width) as rings. ``widths`` are factors of the style's line width.

    ``steady[i]`` False (a noisy run): path i is widened only when it also shares :data:`NOISY_COVERED` of its
    *own* cells with the path above (it runs along it). A noisy path zigzags, and drawn stripes wider its
    zigzags merge into a blob (150 noisy steps around a minimum, 2.5 widths wide); where it wanders over the
    paths it crosses, it shows without one.

    >>> import numpy as np
    >>> from types import SimpleNamespace as Ax
    >>> ax = Ax(get_xlim=lambda: (0, 1), get_ylim=lambda: (0, 1))
    >>> line = np.array([[0.1, 0.1], [0.9, 0.9]])
    >>> apart = np.array([[0.1, 0.9], [0.3, 0.9]])
    >>> stacking([line, apart], [0, 1], ax), stacking([line, line.copy()], [0, 1], ax)
    (([0, 1], [1.0, 1.0]), ([0, 1], [1.75, 1.0]))
    >>> half = np.array([[0.1, 0.1], [0.5, 0.5], [0.5, 0.9]])  # along the line for half its way, then off
    >>> stacking([line, half], [0, 1], ax)
    ([0, 1], [1.5, 1.0])
    """
    n = len(paths)
    if n == 0:
        return [], []
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    span = np.array([max(x1 - x0, 1e-300), max(y1 - y0, 1e-300)])
    lengths, footprints, samples = [], [], []
    for p in paths:
        q = (p - np.array([x0, y0])) / span  # the view as the unit square
        q = q[np.all(np.isfinite(q), axis=1)]
        seg = np.hypot(*np.diff(q, axis=0).T) if len(q) > 1 else np.zeros(0)
        lengths.append(float(seg.sum()))
        # Sample the path at least once per cell, and record the cells inside the view it passes.
        if len(q) > 1:
            reps = np.maximum(1, np.ceil(seg * cells * 2)).astype(int)
            idx = np.repeat(np.arange(len(seg)), reps)
            first = np.cumsum(reps) - reps  # where each segment's samples begin
            t = (np.arange(len(idx)) - first[idx]) / reps[idx]  # 0, 1/r, ..., (r-1)/r per segment
            pts = q[idx] + (q[idx + 1] - q[idx]) * t[:, None]
            pts = np.vstack([pts, q[-1:]])
        else:
            pts = q
        inside = np.all((pts >= 0) & (pts <= 1), axis=1)
        c = np.minimum((pts[inside] * cells).astype(int), cells - 1)
        footprints.append(set((c[:, 0] * cells + c[:, 1]).tolist()))
        samples.append(pts[inside])
    # Bottom first: the longest path; equal lengths keep their order (the first drawn lowest).
    order = sorted(range(n), key=lambda i: (-lengths[i], i))
    layers = [0] * n
    for layer, i in enumerate(order):
        layers[i] = layer
    # From the top down: a path that overlaps one drawn above it is a stripe wider than that one.
    widths = [1.0] * n
    for pos in range(n - 1, -1, -1):
        i = order[pos]
        for j in order[pos + 1 :]:
            shared = len(footprints[i] & footprints[j])
            small = min(len(footprints[i]), len(footprints[j]))
            # A noisy path widens only when it runs under the other for half its own way, not where it
            # wanders over it.
            noisy = steady is not None and not steady[i]
            if noisy and shared < NOISY_COVERED * len(footprints[i]):
                continue
            if groups[j] != groups[i] and small and shared >= covered * small:
                short, long = (i, j) if len(samples[i]) <= len(samples[j]) else (j, i)
                along = _alongside(samples[short], samples[long], 4 * cells)
                stripe = COINCIDING_STRIPE if along >= COINCIDE else STRIPE
                widths[i] = max(widths[i], min(widths[j] + stripe, WIDEST))
    return layers, widths


def _alongside(a: np.ndarray, b: np.ndarray, cells: int) -> float:
    """The share of the points ``a`` (in the unit square) that lie within two cells of path ``b``'s points, on a
    ``cells`` x ``cells`` grid: 1 for a path that runs along the other all the way."""
    if not len(a) or not len(b):
        return 0.0
    width = cells + 4  # a cell's key, with room for the shifts below (-2..2) at either edge

    def key(c: np.ndarray) -> np.ndarray:
        return (c[:, 0] + 2) * width + (c[:, 1] + 2)

    cb = np.minimum((b * cells).astype(int), cells - 1)
    shifts = [np.array([dx, dy]) for dx in range(-2, 3) for dy in range(-2, 3)]
    near = np.unique(np.concatenate([key(cb + d) for d in shifts]))
    ca = np.minimum((a * cells).astype(int), cells - 1)
    return float(np.isin(key(ca), near).mean())


def _mark_divergence(
    ax: Any, point: np.ndarray, text: str, color: str, lw: float, size: float, z: float
) -> Any:
    marker = ax.plot(
        *point, marker="X", markersize=4.5 * lw, color=color, markeredgecolor="black",
        markeredgewidth=0.5 * lw, zorder=z + 0.4, label="_diverged",
    )[0]  # fmt: skip
    marker.set_gid("diverged")
    # The iterate after the stop step is the first bad one: that is the step at which the run diverged. The
    # label goes where it covers no path or other label (towards the middle of the view first).
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    horizontal = "left" if point[0] > (x0 + x1) / 2 else "right"
    vertical = "below" if point[1] > (y0 + y1) / 2 else "above"
    note = place_text(
        ax, text, point, spots=around(0.6 * size, prefer=f"{vertical} {horizontal}"),
        fontsize=size, color=color, fontweight="bold", zorder=z + 0.4,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
    )  # fmt: skip
    marker.annotation = note
    return marker


def _step_arrows(
    ax: Any, xy: np.ndarray, color: str, lw: float, stride: int, z: float
) -> list[Any]:
    arrows = []
    for k in range(0, len(xy) - 1, stride):
        if np.allclose(xy[k], xy[k + 1]):
            continue
        arrow = ax.annotate(
            "", xy[k + 1], xytext=xy[k],
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 0.6 * lw, "shrinkA": 0,
                        "shrinkB": 0, "mutation_scale": 4 * lw},
            zorder=z + 0.1, annotation_clip=False,
        )  # fmt: skip
        arrow.step = k
        arrows.append(arrow)
    return arrows


def _inside(ax: Any, p: np.ndarray) -> bool:
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    return bool(x0 <= p[0] <= x1 and y0 <= p[1] <= y1)


def _exit_arrow(ax: Any, xy: np.ndarray, color: str, lw: float, z: float) -> tuple[Any, int | None]:
    """Where a path first leaves the axes, an arrow at the edge pointing the way it went."""
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
    if inside.all() or not inside[0]:
        return None, None
    k = int(np.argmin(inside))  # the first iterate outside
    a, b = xy[k - 1], xy[k]
    d = b - a
    # Parameter along a -> b at which the segment crosses the box's edge.
    crossings = []
    for lo, hi, i in ((x0, x1, 0), (y0, y1, 1)):
        if d[i] > 0:
            crossings.append((hi - a[i]) / d[i])
        elif d[i] < 0:
            crossings.append((lo - a[i]) / d[i])
    edge = a + min(crossings) * d
    direction = d / np.hypot(*d)
    tail = edge - direction * 0.06 * np.hypot(x1 - x0, y1 - y0)
    arrow = ax.annotate(
        "", edge, xytext=tail,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw, "shrinkA": 0, "shrinkB": 0,
                    "mutation_scale": 8 * lw},
        zorder=z + 0.5, annotation_clip=False,
    )  # fmt: skip
    arrow.set_gid("exit")
    return arrow, k
