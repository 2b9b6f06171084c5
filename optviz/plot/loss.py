"""Loss (or distance to the optimum) against the iteration, with an optional theoretical rate beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.artist import Artist

from optviz.metrics import evaluations_used
from optviz.plot.common import (
    as_runs,
    ended_early,
    get_ax,
    linewidth,
    run_colors,
    run_labels,
    single_runs,
)
from optviz.plot.frames import Animated, Appears, Grows
from optviz.plot.trajectory import marker_stride

Y_LABELS = {
    "loss": "loss  f(x)",
    "gap": r"$f(x_k) - f^\ast$",
    "distance": r"$\|x_k - x^\ast\|$",
}


# Where a Nesterov run's loss is taken, said on every panel that plots it: its recorded loss is f at torch's
# stored iterate, the look-ahead point x + v, while its path is drawn at the actual points x
# (Trajectory.path; design section 2: "the figure says which sequence it is").
NESTEROV_LOSS_NOTE = "Nesterov's f: at torch's look-ahead iterate"


def note_nesterov_loss(ax: Any) -> Any:
    """Write :data:`NESTEROV_LOSS_NOTE` as ``ax``'s right-hand title (grey, a little smaller than its axis
    labels, whose size the axes took from the style it was made in) and return it."""
    size = 0.8 * ax.xaxis.label.get_fontsize()
    return ax.set_title(NESTEROV_LOSS_NOTE, loc="right", fontsize=size, color="0.3")


def note_nesterov_runs(ax: Any, runs: Any, kind: str = "loss") -> Any:
    """Write the note (:func:`note_nesterov_loss`) on ``ax`` when one of ``runs`` (trajectories or batches of
    them, as :func:`loss` takes them) is Nesterov's and the panel plots its recorded loss (``kind`` "loss" or
    "gap"; a distance is the drawn point's); return the note, or None. Every panel that plots runs' losses
    calls this one."""
    if kind not in ("loss", "gap"):
        return None
    if not any(getattr(r, "rule", "") == "nesterov" for g in as_runs(runs) for r in single_runs(g)):
        return None
    return note_nesterov_loss(ax)


def nesterov_note_of(ax: Any) -> Any:
    """The note :func:`note_nesterov_loss` wrote on ``ax`` (a ``Text``), or None."""
    from matplotlib.text import Text

    # (Texts only: other children have a get_text of their own, a contour set's takes arguments)
    return next(
        (
            t
            for t in ax.get_children()
            if isinstance(t, Text) and t.get_text() == NESTEROV_LOSS_NOTE
        ),
        None,
    )


def loss_title(ax: Any, text: str) -> Any:
    """Set a loss panel's title: centred, or on the left when the panel carries the Nesterov note on its right
    (:func:`note_nesterov_loss`), the note set smaller (down to 80% of its size) where the two would meet; in
    a panel too narrow for both, the title centred a row above the note, whole. Decided at each draw, on the
    panel's width once the layout has run (a legend added later narrows the panels). A title of several lines
    stays centred, whole, with the note on a row of its own under it."""
    fig = ax.get_figure(root=True)
    ax.title.set_transform(ax.transAxes + ax.titleOffsetTrans)  # (as matplotlib places it)
    if ax.get_title(loc="right") != NESTEROV_LOSS_NOTE:
        return ax.set_title(text)
    if "\n" in text:
        # A title of several lines says what the curves are (the spread kinds': seeds, band, smoothing), too
        # much to drop for the note: it stays centred, whole, lifted a row above the note's (the three titles
        # share one baseline; the layout engine reads the lifted box and makes room for it).
        title = ax.set_title(text)
        _lift_title(ax, title, True)
        return title
    title = ax.set_title(text, loc="left")
    fig.add_artist(_TitleBesideNote(ax, title, text))
    return title


def _lift_title(ax: Any, title: Any, lifted: bool) -> None:
    """Place one of ``ax``'s titles a row above the Nesterov note, centred over the panel (``lifted``), or back
    where matplotlib places it (the left title on the left)."""
    from matplotlib.transforms import ScaledTranslation

    shift = ax.transAxes + ax.titleOffsetTrans
    if lifted:
        lift = 1.5 * nesterov_note_of(ax).get_fontsize() / 72
        shift = shift + ScaledTranslation(0, lift, ax.get_figure(root=True).dpi_scale_trans)
    title.set_transform(shift)
    if title is ax._left_title:
        # (matplotlib keeps a title's x from draw to draw: only its y is placed anew)
        title.set_x(0.5 if lifted else 0.0)
        title.set_horizontalalignment("center" if lifted else "left")


def loss_title_text(ax: Any) -> str:
    """The title :func:`loss_title` gave ``ax``, whole (beside the note, the fit may have left it out of the
    drawing), or the panel's centred title."""
    for artist in ax.get_figure(root=True).artists:
        if isinstance(artist, _TitleBesideNote) and artist._ax is ax:
            return artist._text
    return ax.get_title()


class _TitleBesideNote(Artist):
    """Draws nothing. A figure artist drawn before any axes (zorder -inf), after the layout engine ran, that
    fits a loss panel's left title beside the Nesterov note (:func:`loss_title`) in the panel's width; where
    the fit moves the title a row above the note, or back beside it, the layout runs again at once, so that it
    makes room for the title where it now is (the figure's other artists have not been drawn yet)."""

    def __init__(self, ax: Any, title: Any, text: str) -> None:
        super().__init__()
        self.set_zorder(-np.inf)
        self._ax, self._title, self._text = ax, title, text
        self._note = nesterov_note_of(ax)
        self._size = self._note.get_fontsize()
        self._lifted = False  # where the title was when the layout engine last measured it

    def draw(self, renderer: Any) -> None:
        fit = (self._ax, self._title, self._text, self._note, self._size, renderer)
        lifted = fit_title_beside_note(*fit)
        engine = self._ax.get_figure(root=True).get_layout_engine()
        if lifted != self._lifted and engine is not None:
            engine.execute(self._ax.get_figure(root=True))
            # once more on the width the new layout gave the panel (no third layout: it could only swing back)
            lifted = fit_title_beside_note(*fit)
        self._lifted = lifted
        self.stale = False


def fit_title_beside_note(
    ax: Any, title: Any, text: str, note: Any, size: float, renderer: Any
) -> bool:
    """The fit rule of :func:`loss_title`: set ``title`` (``ax``'s left title) to ``text`` and ``note`` (the
    Nesterov note, its right title) to ``size`` points, then, where the two would meet in ``ax``'s width, the
    note smaller (down to 80% of ``size``) or, with no room for both (or a title of several lines), the title
    centred a row above the note, whole. Returns whether the title went above the note. (A page whose note
    comes and goes lays its live title out with this rule too: :mod:`optviz.web.static`.)"""
    title.set_text(text)
    note.set_fontsize(size)
    _lift_title(ax, title, False)
    room = ax.get_window_extent(renderer).width
    gap = 2 * size * renderer.points_to_pixels(1)
    room -= title.get_window_extent(renderer).width + gap
    wide = note.get_window_extent(renderer).width
    if "\n" in text or wide * 0.8 > room:
        # no room for both: the title keeps all it says, on a row of its own
        _lift_title(ax, title, True)
        return True
    if wide > room:
        note.set_fontsize(size * room / wide)
    return False


@dataclass
class LossArtists(Animated):
    """What :func:`loss` drew: one ``Line2D`` per run (x: iteration, y: the plotted quantity) and rate lines."""

    lines: list[Any] = field(default_factory=list)
    rates: list[Any] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None


def _reference(values: np.ndarray, q: float) -> np.ndarray:
    """``values[0] * q**k``, computed in log space, and cut where it leaves the data's range far behind (a rate
    above 1 would otherwise overflow and squash the data into a sliver of the axes)."""
    k = np.arange(len(values))
    if q <= 0:
        return np.where(k == 0, values[0], 0.0)
    with np.errstate(all="ignore"):
        ref = values[0] * np.exp(k * np.log(q))
    finite = values[np.isfinite(values)]
    top = 10 * float(np.abs(finite).max()) if finite.size else np.inf
    return np.where(ref <= top, ref, np.nan)


def loss_values(
    t: Any,
    kind: str = "loss",
    *,
    fmin: float | None = None,
    minimum: Any = None,
    whole: bool = False,
) -> np.ndarray:
    """The quantity :func:`loss` plots for one run, up to its stop step (``whole``: every row, the frozen ones
    after the stop too) (numeric, no drawing)."""
    stop = int(t.xy.shape[-2] - 1) if whole else int(t.stop_step)
    if kind == "loss":
        return np.asarray(t.loss[: stop + 1], dtype=float)
    if kind == "gap":
        if fmin is None:
            raise ValueError("kind='gap' needs fmin (the optimal value f*)")
        return np.asarray(t.loss[: stop + 1], dtype=float) - fmin
    if kind == "distance":
        if minimum is None:
            raise ValueError("kind='distance' needs minimum (the optimum x*)")
        return np.hypot(*(np.asarray(t.path[: stop + 1]) - np.asarray(minimum, dtype=float)).T)
    raise ValueError(f"kind must be 'loss', 'gap' or 'distance', got {kind!r}")


def loss(
    trajectories: Any,
    ax: Any = None,
    *,
    kind: str = "loss",
    fmin: float | None = None,
    minimum: Any = None,
    rate: float | list[float | None] | None = None,
    rate_label: str = "theory: rate {rate:.4g}",
    log: bool = True,
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    legend: bool | str = True,
    x: str = "iteration",
    dots: bool = False,
) -> LossArtists:
    """Plot each run's loss, optimality gap ``f - f*`` or distance ``|x - x*|`` against the iteration.

    ``rate`` (one per trajectory, or one for all) overlays the theoretical curve ``q0 * rate**k`` as a dashed line
    in the run's colour, anchored at the run's first value and drawn up to its stop step, so a measured slope can
    be read against theory. ``rate`` is the per-step factor *of the plotted quantity*: on a quadratic, a distance
    that shrinks by ``r`` per step means a loss gap that shrinks by ``r**2`` (``optviz.theory`` gives ``r``).
    ``rate_label`` is its legend text (``{rate}`` is replaced by the rate). Diverged runs end in a cross. Log
    y-axis by default; zeros (an exact optimum) are masked.

    A Nesterov run's loss is its recorded one (``Trajectory.loss``, what a torch user logs): f at torch's
    stored iterate, the look-ahead point, while its path is drawn at the actual points (``Trajectory.path``);
    the panel says so (:data:`NESTEROV_LOSS_NOTE`, its right-hand title). Its distance is the drawn point's.

    ``x="evaluations"`` puts each iterate at the loss-and-gradient evaluations made to reach it
    (:func:`optviz.metrics.evaluations_used`: L-BFGS's closure calls, one a step for the other rules), so
    methods that pay differently per step compare at equal cost; ``dots=True`` marks each iterate (there every
    one, so the gaps between dots show each step's evaluations; on an iteration axis every k-th on long runs).
    """
    if x not in ("iteration", "evaluations"):
        raise ValueError(f"x must be 'iteration' or 'evaluations', got {x!r}")
    ax = get_ax(ax)
    out = LossArtists()
    groups = as_runs(trajectories)
    rates = rate if isinstance(rate, (list, tuple)) else [rate] * len(groups)
    colors = run_colors(groups, color)
    labels = run_labels(groups, label, hyperparams=hyperparams)
    lw = linewidth()
    for index, group in enumerate(groups):
        col = colors[index]
        text = labels[index]
        for j, run in enumerate(single_runs(group)):
            values = loss_values(run, kind, fmin=fmin, minimum=minimum)
            k = np.arange(len(values))
            at = k if x == "iteration" else evaluations_used(run)[: len(values)].astype(float)
            # On an evaluations axis a dot per step is the point: every step gets one.
            every = 1 if x == "evaluations" else marker_stride(len(values))
            marks = {"marker": "o", "markersize": 1.6 * lw, "markevery": every} if dots else {}
            (line,) = ax.plot(
                at, values, color=col, linewidth=lw, label=text if j == 0 else "_nolegend_", zorder=3,
                **marks,
            )  # fmt: skip
            out.lines.append(line)
            out.frames.append(Grows(line, at, values, len(values) - 1))
            if ended_early(run) is not None:  # diverged, or singular (Newton)
                cross = ax.plot(
                    at[-1],
                    values[-1],
                    marker="X",
                    markersize=4 * lw,
                    color=col,
                    markeredgecolor="black",
                    markeredgewidth=0.4 * lw,
                    zorder=4,
                    label="_diverged",
                )[0]
                out.markers.append(cross)
                out.frames.append(Appears(cross, len(values)))
            if rates[index] is not None and j == 0:
                q = float(rates[index])
                # Above the measured curve: where theory and measurement agree, the dashes stay visible on it.
                (ref,) = ax.plot(
                    k,
                    _reference(values, q),
                    color=col,
                    linewidth=0.7 * lw,
                    linestyle="--",
                    zorder=3.5,
                    label=rate_label.format(rate=q),
                )
                ref.rate = q
                out.rates.append(ref)
    note_nesterov_runs(ax, groups, kind)
    if log:
        ax.set_yscale("log", nonpositive="mask")
    ax.set_xlabel("iteration k" if x == "iteration" else "loss-and-gradient evaluations")
    ax.set_ylabel(Y_LABELS[kind])
    ax.grid(True, which="major")
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out
