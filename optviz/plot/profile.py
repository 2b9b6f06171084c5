"""A 1-D slice of a surface with the iterates as a ball rolling on it: the lecture's local-minimum picture."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz._format import format_number
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
from optviz.plot.frames import Animated, Appears, Follows, Grows
from optviz.surfaces.base import Surface


@dataclass
class ProfileArtists(Animated):
    """What :func:`profile` drew. ``balls[i]`` holds ``(u_k, f(p_k))`` for each drawn point ``p_k`` of run i up
    to its stop (``Trajectory.path``), where ``u_k`` is the point's coordinate along the slice: on the slice the
    ball rolls on the curve; off it, it shows the run's own ``f``, never a value the run did not have.
    ``slice`` is the line the curve follows, ``off_slice[i]`` whether run i left it."""

    curve: Any = None
    slice: Any = None
    off_slice: list[bool] = field(default_factory=list)
    balls: list[Any] = field(default_factory=list)
    trails: list[Any] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None
    # per run: a triangle at the panel's edge, pointing where the ball is while it is out of the panel
    edges: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Slice:
    """The line ``p(u) = origin + u * direction`` (unit direction) that a profile follows."""

    origin: np.ndarray
    direction: np.ndarray
    span: tuple[float, float]
    axis_label: str

    def points(self, u: np.ndarray) -> np.ndarray:
        return self.origin + np.multiply.outer(u, self.direction)

    def coordinate(self, xy: np.ndarray) -> np.ndarray:
        d = np.asarray(xy) - self.origin
        return d[..., 0] * self.direction[0] + d[..., 1] * self.direction[1]


def make_slice(surface: Surface, along: Any = "x", through: Any = None, span: Any = None) -> Slice:
    """A horizontal (``along="x"``) or vertical (``"y"``) line through ``through`` (default: the surface's start),
    or the line between two points ``along=((x0, y0), (x1, y1))``."""
    (x0, x1), (y0, y1) = surface.bounds
    if isinstance(along, str):
        p = np.asarray(surface.start if through is None else through, dtype=float)
        if along == "x":
            return Slice(np.array([0.0, p[1]]), np.array([1.0, 0.0]), tuple(span or (x0, x1)), "x")
        if along == "y":
            return Slice(np.array([p[0], 0.0]), np.array([0.0, 1.0]), tuple(span or (y0, y1)), "y")
        raise ValueError(f"along must be 'x', 'y' or two points, got {along!r}")
    a, b = (np.asarray(q, dtype=float) for q in along)
    length = float(np.hypot(*(b - a)))
    if length == 0:
        raise ValueError("along: the two points must differ")
    return Slice(a, (b - a) / length, tuple(span or (0.0, length)), "distance along the slice")


def profile(
    surface: Surface,
    trajectories: Any = None,
    ax: Any = None,
    *,
    along: Any = "x",
    through: Any = None,
    span: Any = None,
    resolution: int = 600,
    ball: str = "trail",
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    legend: bool | str = True,
) -> ProfileArtists:
    """Draw ``f`` along a line and each trajectory as a ball on it.

    The slice is horizontal through the surface's start by default (``along="y"`` for vertical, or two points).
    Each drawn point ``p_k`` (``Trajectory.path``) is drawn at its coordinate ``u_k`` along the slice and at its
    own height ``f(p_k)``: a trajectory that stays on the slice rolls exactly on the curve, and one that leaves
    it shows the values it had, off the curve (``off_slice``; :func:`profile_title` says so). The y-limits take
    in those values too (up to the curve's own range beyond either end). ``ball="trail"`` draws faded balls at
    the iterates and a solid ball at the end; ``"end"`` draws only the final ball.
    """
    ax = get_ax(ax)
    line = make_slice(surface, along, through, span)
    u = np.linspace(*line.span, resolution)
    with np.errstate(all="ignore"):
        f = surface.value(line.points(u))
    lw = linewidth()
    size = fontsize()
    out = ProfileArtists(slice=line)
    endings = []  # (text, u, f, colour, stop) of the runs that ended early, noted once the limits are known
    ball_colors: list[Any] = []
    (out.curve,) = ax.plot(u, f, color="0.2", linewidth=1.1 * lw, zorder=2, label="_profile")
    groups = as_runs(trajectories) if trajectories is not None else []
    labels = run_labels(groups, label, hyperparams=hyperparams)
    for group, col, text in zip(groups, run_colors(groups, color), labels, strict=True):
        for j, run in enumerate(single_runs(group)):
            stop = int(run.stop_step)
            xy = np.asarray(run.path[: stop + 1], dtype=float)
            uk = line.coordinate(xy)
            with np.errstate(all="ignore"):
                fk = surface.value(xy)  # the run's own f at its drawn points
            out.off_slice.append(leaves(line, xy))
            # The ball sits on the curve: its centre is lifted by its radius in screen space.
            lift = _lift(ax, 2.2 * lw)
            if ball == "trail" and len(uk) > 1:
                (trail,) = ax.plot(
                    uk,
                    fk,
                    linestyle="none",
                    marker="o",
                    markersize=3.0 * lw,
                    color=col,
                    alpha=0.25,
                    markeredgewidth=0,
                    zorder=3,
                    transform=lift,
                    label="_trail",
                )
                out.trails.append(trail)
                out.frames.append(Grows(trail, uk, fk, stop))
            (balls,) = ax.plot(
                uk,
                fk,
                linestyle="none",
                marker="o",
                markersize=4.4 * lw,
                color=col,
                markeredgecolor="black",
                markeredgewidth=0.35 * lw,
                markevery=[len(uk) - 1],
                zorder=4,
                transform=lift,
                label=text if j == 0 else "_nolegend_",
            )
            out.balls.append(balls)
            ball_colors.append(col)
            out.frames.append(Follows(balls, uk, fk, stop, markevery=True))
            out.markers.append(
                ax.plot(
                    uk[0],
                    fk[0],
                    marker="o",
                    markersize=4.4 * lw,
                    markerfacecolor="white",
                    markeredgecolor=col,
                    markeredgewidth=0.6 * lw,
                    linestyle="none",
                    zorder=3.5,
                    transform=lift,
                    label="_start",
                )[0]
            )
            ending = ended_early(run)  # diverged, or singular (Newton)
            if ending is not None:
                endings.append((ending, uk[-1], fk[-1], col, stop))
    ax.set_xlim(*line.span)
    low, high = profile_limits(f, [(b.get_xdata(), b.get_ydata()) for b in out.balls], line.span)
    for balls, col in zip(out.balls, ball_colors, strict=True):
        edge = AtEdge.drawn(ax, balls, line.span, (low, high), col, 4.4 * lw)
        out.edges.append(edge.artist)
        out.frames.append(edge)
    for ending, u_end, f_end, col, stop in endings:
        note = _ending_note(ax, ending, u_end, f_end, line.span, (low, high), col, size)
        if note is not None:
            out.markers.append(note)
            out.frames.append(Appears(note, stop + 1))
    ax.fill_between(
        u, f, low, color="0.92", zorder=1
    )  # the ground under the curve, to the axes' bottom
    ax.set_ylim(low, high)
    ax.set_xlabel(line.axis_label)
    ax.set_ylabel("f")
    if legend and trajectories is not None:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out


# The side a ball out of the panel left by, and the triangle marker that points there.
EDGE_MARKERS = {"left": "<", "right": ">", "top": "^", "bottom": "v"}


def edge_side(
    u: float, f: float, span: tuple[float, float], ylim: tuple[float, float]
) -> str | None:
    """Where a ball at ``(u, f)`` is out of the panel ``span`` x ``ylim``: ``"left"``, ``"right"``, ``"top"``
    or ``"bottom"``, the side it is farthest beyond (in fractions of the panel); None inside it, or without a
    finite point.

    >>> edge_side(-9.6, 60.0, (-4.0, 4.0), (-5.0, 50.0)), edge_side(0.0, 1.0, (-4.0, 4.0), (-5.0, 50.0))
    ('left', None)
    """
    if not (np.isfinite(u) and np.isfinite(f)):
        return None
    lo, hi = min(span), max(span)
    past = {
        "left": (lo - u) / (hi - lo),
        "right": (u - hi) / (hi - lo),
        "top": (f - ylim[1]) / (ylim[1] - ylim[0]),
        "bottom": (ylim[0] - f) / (ylim[1] - ylim[0]),
    }
    side = max(past, key=lambda k: past[k])
    return side if past[side] > 0 else None


@dataclass
class AtEdge:
    """A ball out of the panel (a run that ran off the slice's span, or far above the curve) is shown by a
    triangle in its colour at the edge it left by, half a marker inside, pointing its way: frame k shows
    iterate ``min(k, stop)``. The static figure shows the last."""

    artist: Any
    u: np.ndarray
    f: np.ndarray
    stop: int
    span: tuple[float, float]
    ylim: tuple[float, float]

    @classmethod
    def drawn(
        cls,
        ax: Any,
        balls: Any,
        span: tuple[float, float],
        ylim: tuple[float, float],
        color: Any,
        size: float,
    ) -> AtEdge:
        u, f = (np.asarray(v, dtype=float) for v in balls.get_data())
        (artist,) = ax.plot(
            [], [], linestyle="none", marker="^", markersize=size, color=color, markeredgecolor="white",
            markeredgewidth=0.15 * size, zorder=5, clip_on=False, label="_edge",
        )  # fmt: skip
        edge = cls(artist, u, f, len(u) - 1, span, ylim)
        edge.set_frame(edge.stop)
        return edge

    def set_frame(self, k: int) -> list[Any]:
        from matplotlib.transforms import ScaledTranslation

        j = min(int(k), self.stop)
        side = edge_side(float(self.u[j]), float(self.f[j]), self.span, self.ylim)
        self.artist.set_visible(side is not None)
        if side is not None:
            lo, hi = min(self.span), max(self.span)
            u, f = float(np.clip(self.u[j], lo, hi)), float(np.clip(self.f[j], *self.ylim))
            # half a marker inside every edge the point is on (a corner: both)
            inward = 0.6 * self.artist.get_markersize() / 72  # inches
            dx = inward if u == lo else -inward if u == hi else 0.0
            dy = inward if f == self.ylim[0] else -inward if f == self.ylim[1] else 0.0
            ax = self.artist.axes
            self.artist.set_transform(
                ax.transData + ScaledTranslation(dx, dy, ax.figure.dpi_scale_trans)
            )
            self.artist.set_marker(EDGE_MARKERS[side])
            self.artist.set_data([u], [f])
        return [self.artist]


def _ending_note(
    ax: Any,
    text: str,
    u: float,
    f: float,
    span: tuple[float, float],
    ylim: tuple[float, float],
    color: Any,
    size: float,
) -> Any:
    """ "diverged at step k" above the ball where the run ended; where that ball is out of the panel (a
    diverging run's last f is far above the curve's range), at the edge it left by, inside the panel:
    below the top edge, or against a side, so the figure still says the run diverged. None for a point
    without a finite f (there is no ball to mark)."""
    if not np.isfinite(f) or np.isnan(u):
        return None
    lo_u, hi_u = min(span), max(span)
    uc, fc = float(np.clip(u, lo_u, hi_u)), float(np.clip(f, *ylim))
    ha = "left" if u < lo_u else "right" if u > hi_u else "center"
    inward = {"left": 0.4 * size, "right": -0.4 * size, "center": 0.0}[ha]  # off the spine it meets
    above = f <= ylim[1]  # over the ball; below the top edge when the ball is above the panel
    return ax.annotate(
        text,
        (uc, fc),
        xytext=(inward, 1.2 * size if above else -0.4 * size),
        textcoords="offset points",
        ha=ha,
        va="baseline" if above else "top",
        fontsize=size,
        color=color,
        fontweight="bold",
        annotation_clip=False,  # on the edge: drawn (the point is the panel's own)
    )


def leaves(line: Slice, xy: np.ndarray) -> bool:
    """Whether any finite point of ``xy`` lies off the line (farther than a 1e-9th of the slice's span: the
    rounding of a run that keeps to it)."""
    d = np.asarray(xy, dtype=float) - line.origin
    across = np.abs(d[..., 0] * line.direction[1] - d[..., 1] * line.direction[0])
    across = across[np.isfinite(across)]
    return bool(across.size and across.max() > 1e-9 * abs(line.span[1] - line.span[0]))


def profile_limits(
    curve: np.ndarray, balls: list[tuple[np.ndarray, np.ndarray]], span: tuple[float, float]
) -> tuple[float, float]:
    """The profile's y-limits: the curve's finite range and the balls inside the span (runs off the slice
    lie off the curve), the balls' reach capped at the curve's own range beyond either end (a diverging run
    does not squash the curve), with 8% margins. (``assets/profile.js`` computes the same.)

    >>> profile_limits(np.array([1.0, 3.0]), [(np.array([0.5]), np.array([0.0]))], (0.0, 1.0))
    (-0.24, 3.24)
    """
    finite = curve[np.isfinite(curve)]
    lo, hi = float(finite.min()), float(finite.max())
    reach = hi - lo
    low, high = lo, hi
    for u, f in balls:
        u, f = np.asarray(u, dtype=float), np.asarray(f, dtype=float)
        inside = f[np.isfinite(f) & (u >= min(span)) & (u <= max(span))]
        if inside.size:
            low = min(low, max(float(inside.min()), lo - reach))
            high = max(high, min(float(inside.max()), hi + reach))
    pad = 0.08 * (high - low)
    return low - pad, high + pad


def profile_title(out: ProfileArtists) -> str:
    """What a profile panel's title says: where its slice is (``f along x at y = 0.5``), and, when a run left
    the slice, that such runs are drawn at their own f (off the curve)."""
    line = out.slice
    d, o = line.direction, line.origin
    if d[1] == 0:
        where = f"f along x at y = {format_number(float(o[1]))}"
    elif d[0] == 0:
        where = f"f along y at x = {format_number(float(o[0]))}"
    else:
        a, b = o, o + line.span[1] * d
        where = f"f along the line from {format_number(tuple(a.tolist()))} to {format_number(tuple(b.tolist()))}"
    return where + ("\nruns off the slice: at their own f" if any(out.off_slice) else "")


def _lift(ax: Any, points: float) -> Any:
    from matplotlib.transforms import ScaledTranslation

    return ax.transData + ScaledTranslation(0, points / 72, ax.figure.dpi_scale_trans)
