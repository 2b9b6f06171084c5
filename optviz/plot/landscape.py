"""Drawing for loss landscapes of real models: off-plane residuals, Hessian eigenvalues, 1-D interpolations.

These functions draw data that ``optviz.landscape`` computed (this module never imports torch). A projected path
is an ordinary Trajectory (``ov.plot.trajectory`` draws it on a landscape's contours); what is drawn here is
what the plane cannot show:

- :func:`residual`: each path's off-plane residual ``||theta - projection|| / ||theta - theta_ref||`` against the
  training step, frame-settable so it grows with the paths in an animation;
- :func:`eigenvalues`: the largest (or smallest) Hessian eigenvalue along each path, with the rule's stability
  threshold (``2 / lr`` for SGD) dashed in the same colour;
- :func:`interpolation`: the loss along the line from the initialization to each solution (Goodfellow et al.).

Curves are given as objects with attributes (what ``optviz.landscape`` returns): ``label``, ``rule`` (the colour
key), ``hyperparams``, and the arrays each function names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz._format import format_number
from optviz._format import legend as legend_text
from optviz.plot.common import (
    as_runs,
    get_ax,
    linewidth,
    per_run,
    run_colors,
    run_labels,
)
from optviz.plot.frames import Animated, Grows

MINUS = "\N{MINUS SIGN}"  # as matplotlib's own tick labels write a negative number
RESIDUAL_TOP = 1.12  # the residual axis' upper limit (100% is its highest tick)


def signed(text: str) -> str:
    """A formatted number with a typographic minus sign, as matplotlib's tick labels have it.

    >>> signed("-0.5")
    '−0.5'
    """
    return text.replace("-", MINUS)


@dataclass
class ResidualArtists(Animated):
    """What :func:`residual` drew: one ``Line2D`` per path (x: training step, y: residual)."""

    lines: list[Any] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None


def residual(
    trajectories: Any,
    residuals: Sequence[Any],
    ax: Any = None,
    *,
    steps: Sequence[Any] | None = None,
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    legend: bool | str = False,
) -> ResidualArtists:
    """Each path's off-plane residual (a fraction, drawn in percent) against the training step.

    ``trajectories`` are the projected paths (for colours and labels; row k of ``residuals[i]`` belongs to row
    k of ``trajectories[i].xy``), ``steps[i]`` the training step of each row (default: the row index).
    ``set_frame(k)`` shows rows 0..k, in step with the paths on the contour. Returns a
    :class:`ResidualArtists`."""
    from matplotlib.ticker import PercentFormatter

    ax = get_ax(ax)
    groups = as_runs(trajectories)
    if len(residuals) != len(groups):
        raise ValueError(f"residuals: got {len(residuals)} arrays for {len(groups)} paths")
    xs = list(steps) if steps is not None else [None] * len(groups)
    if len(xs) != len(groups):
        raise ValueError(f"steps: got {len(xs)} arrays for {len(groups)} paths")
    colors = run_colors(groups, color)
    labels = run_labels(groups, label, hyperparams=hyperparams)
    out = ResidualArtists()
    lw = linewidth()
    curves = [np.asarray(r, dtype=float) for r in residuals]
    widths = stripe_widths(curves, lw)
    for i, (r, x, col, text) in enumerate(zip(curves, xs, colors, labels, strict=True)):
        x = np.arange(len(r)) if x is None else np.asarray(x, dtype=float)
        if x.shape != r.shape:
            raise ValueError(f"steps and residuals differ in length: {len(x)} and {len(r)}")
        (line,) = ax.plot(
            x,
            r,
            color=col,
            linewidth=widths[i],
            label=text,
            zorder=3 + 0.01 * i,
            solid_capstyle="butt",
        )
        out.lines.append(line)
        out.frames.append(Grows(line, x, r, len(r) - 1))
    # Headroom above 100%: a path that is almost wholly off the plane (a random plane's) draws its line just
    # under 1, which must stay clear of the frame.
    ax.set_ylim(0, RESIDUAL_TOP)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("training step")
    ax.grid(True, alpha=0.6)
    last = max((float(np.max(x)) for x in (line.get_xdata() for line in out.lines)), default=1.0)
    ax.set_xlim(0, max(last, 1.0))
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out


def stripe_widths(curves: Sequence[np.ndarray], lw: float, *, close: float = 0.02) -> list[float]:
    """Line widths for curves on a 0..1 scale: all ``lw``, unless two of them coincide (their median distance is
    under ``close``); then each later curve is thinner, drawn on top, so every colour stays visible as a stripe.

    >>> stripe_widths([np.zeros(5), np.ones(5)], 2.0), stripe_widths([np.zeros(5), np.zeros(5)], 2.0)
    ([2.0, 2.0], [4.0, 2.0])
    """
    n = len(curves)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = curves[i], curves[j]
            m = min(len(a), len(b))
            d = np.abs(a[:m] - b[:m])
            d = d[np.isfinite(d)]
            if d.size and float(np.median(d)) < close:
                return [lw * (2.0 - 1.0 * k / max(n - 1, 1)) for k in range(n)]
    return [lw] * n


@dataclass
class CurveArtists:
    """What :func:`eigenvalues` and :func:`interpolation` drew: a ``Line2D`` per curve, and reference lines."""

    lines: list[Any] = field(default_factory=list)
    references: list[Any] = field(default_factory=list)
    legend: Any = None


def _curves(
    curves: Sequence[Any], ax: Any, color: Any, label: Any, hyperparams: bool
) -> tuple[Any, list[Any], list[str], list[str]]:
    """The axes, the curves, their colours (each rule's own) and their legend labels."""
    curves = list(curves)
    given = per_run(label, len(curves), "label")
    labels = [
        g if g is not None else (legend_text(c.label, c.hyperparams) if hyperparams else c.label)
        for c, g in zip(curves, given, strict=True)
    ]
    return get_ax(ax), curves, run_colors(curves, color), labels


def eigenvalues(
    curves: Sequence[Any],
    ax: Any = None,
    *,
    which: str = "largest",
    thresholds: bool = True,
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    log: bool | None = None,
    legend: bool | str = False,
) -> CurveArtists:
    """The ``largest`` (or ``smallest``) Hessian eigenvalue of each curve against the training step.

    Each curve has ``steps``, ``largest``, ``smallest``, ``threshold`` (a number or None), ``label``, ``rule`` and
    ``hyperparams`` (an ``optviz.landscape.Sharpness``). With ``thresholds``, a rule's stability threshold is a
    dashed line in its colour, labelled (``"2/lr = 4"``), drawn where the curve is. ``log``: a log y-axis
    (default: linear). On a linear axis the view holds the data and the thresholds up to twice the data's
    maximum; a threshold above that is named at the top edge (``"(2+2ρ)/lr = 76 (above) ↑"``). ``smallest``
    draws a zero line."""
    if which not in ("largest", "smallest"):
        raise ValueError(f"which must be 'largest' or 'smallest', got {which!r}")
    ax, curves, colors, labels = _curves(curves, ax, color, label, hyperparams)
    out = CurveArtists()
    lw = linewidth()
    values = np.concatenate([np.asarray(getattr(c, which), dtype=float) for c in curves] or [[1.0]])
    # The view holds the data and the thresholds near it; a threshold far above (a small lr, heavy ball's
    # 2(1 + rho)/lr) would squash the curves into a sliver, so it is named at the top edge instead.
    top = None
    if which == "largest":
        peak = float(np.nanmax(values))
        near = [
            c.threshold
            for c in curves
            if thresholds and c.threshold is not None and c.threshold <= 2 * peak
        ]
        top = 1.15 * max([peak, *near])
    for c, col, text in zip(curves, colors, labels, strict=True):
        x = np.asarray(c.steps, dtype=float)
        y = np.asarray(getattr(c, which), dtype=float)
        (line,) = ax.plot(
            x, y, color=col, linewidth=lw, marker="o", markersize=1.6 * lw, label=text, zorder=3
        )
        out.lines.append(line)
        if thresholds and which == "largest" and c.threshold is not None:
            name = f"{_threshold_name(c)} = {format_number(c.threshold)}"
            above = top is not None and c.threshold > top
            # A threshold above the view is named at the top edge, not in the legend (its line is not drawn).
            (ref,) = ax.plot(
                [x[0], x[-1]], [c.threshold, c.threshold], color=col, linewidth=0.8 * lw, linestyle="--",
                zorder=2.5, label=f"_{name}" if above else name,
            )  # fmt: skip
            out.references.append(ref)
            if above:
                out.references.append(
                    ax.annotate(
                        f"{name} (above) ↑", (1.0, 1.0), xycoords="axes fraction", xytext=(-4, -4),
                        textcoords="offset points", ha="right", va="top", color=col, fontsize="medium",
                        zorder=4,
                    )
                )  # fmt: skip
    if which == "smallest":
        out.references.append(ax.axhline(0.0, color="0.35", linewidth=0.5 * lw, zorder=1))
    if log is None:
        log = False
    if log:
        ax.set_yscale("log")
    elif top is not None:
        ax.set_ylim(0, top)
    ax.set_xlabel("training step")
    ax.grid(True, alpha=0.6)
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out


def _threshold_name(curve: Any) -> str:
    rule = getattr(curve, "rule", "")
    if rule == "momentum":
        return "(2+2ρ)/lr"
    if rule == "nesterov":
        return "(2+2ρ)/((1+2ρ) lr)"
    return "2/lr"


def interpolation(
    curves: Sequence[Any],
    ax: Any = None,
    *,
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    log: bool = True,
    marks: bool = True,
    legend: bool | str = False,
) -> CurveArtists:
    """The loss along ``(1 - alpha) theta_0 + alpha theta_1`` for each curve (``alphas``, ``loss``, ``label``,
    ``rule``, ``hyperparams``: an ``optviz.landscape.Interpolation``), with alpha = 0 and 1 marked."""
    ax, curves, colors, labels = _curves(curves, ax, color, label, hyperparams)
    out = CurveArtists()
    lw = linewidth()
    for c, col, text in zip(curves, colors, labels, strict=True):
        (line,) = ax.plot(
            np.asarray(c.alphas, dtype=float), np.asarray(c.loss, dtype=float), color=col, linewidth=lw,
            label=text, zorder=3,
        )  # fmt: skip
        out.lines.append(line)
    if marks:
        for a in (0.0, 1.0):
            out.references.append(
                ax.axvline(a, color="0.35", linewidth=0.6 * lw, linestyle=":", zorder=1)
            )
        # The two ends are named in the tick labels, where no curve runs.
        alphas = np.concatenate([np.asarray(c.alphas, dtype=float) for c in curves] or [[0.0, 1.0]])
        ticks = np.arange(np.floor(2 * alphas.min()) / 2, np.ceil(2 * alphas.max()) / 2 + 0.25, 0.5)
        names = {0.0: "0\ninit", 1.0: "1\nsolution"}
        ax.set_xticks(ticks, [names.get(float(t), signed(format_number(float(t)))) for t in ticks])
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(r"$\alpha$")
    ax.grid(True, alpha=0.6)
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out
