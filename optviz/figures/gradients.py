"""The lecture's gradient figures (kinds ``steepest_descent``, ``numeric_gradient_worked``,
``minibatch_gradients``): the slope along directions, the numeric gradient coordinate by coordinate, and the
minibatch gradient as a sample of the full one.

Numbers come from :mod:`optviz.gradients` (``directional_slopes``, ``worked_gradient``, and the
``minibatch_gradients`` study, handed over as ``data.study``); nothing here computes a gradient of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import limits, plot, style
from optviz._format import format_number
from optviz._validate import ParameterError, integer, nonnegative, point, positive
from optviz.classifier import LOSSES, LinearClassifier, fmt2
from optviz.figures._kinds import PanelData, SurfaceRule, register_kind
from optviz.figures._scene import Scene
from optviz.figures.layout import figure_legend, surface_title
from optviz.figures.options import Options, numbers, one_of, option, optional
from optviz.gradients import directional_slopes, ellipse, worked_gradient
from optviz.plot.common import fontsize, linewidth
from optviz.plot.placement import around, place_text

# Descent and ascent: colours of the series palette (directions are no rules).
DESCENT, ASCENT, LEVEL, EXAMPLE = style.SERIES[2], style.SERIES[1], "0.45", style.SERIES[0]


def _at_most(field: str, value: float, bound: float) -> float:
    if value > bound:
        raise ParameterError(field, f"must be at most {bound:g}, got {value!r}")
    return value


def _minus(value: float) -> str:
    """A number with a typographic minus sign, as matplotlib writes its tick labels."""
    return format_number(float(value)).replace("-", "\u2212")


def _point(field: str, value: Any) -> tuple[float, float]:
    x, y = point(field, value)
    return (float(x), float(y))


def _check_point(surface: Any, options: Any) -> np.ndarray:
    """The option's point (default: the surface's start): near the view (within its size again on every
    side), where the gradient is finite and non-zero."""
    p = np.asarray(options.point if options.point is not None else surface.start, dtype=float)
    (x0, x1), (y0, y1) = surface.bounds
    w, h = x1 - x0, y1 - y0
    if not (x0 - w <= p[0] <= x1 + w and y0 - h <= p[1] <= y1 + h):
        raise ParameterError(
            "figure.point",
            f"{p.tolist()} is far outside the view x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]",
        )
    with np.errstate(all="ignore"):
        g = np.asarray(surface.grad(p), dtype=float)
    if not np.all(np.isfinite(g)):
        raise ParameterError("figure.point", f"the gradient is not finite at {p.tolist()}")
    if not np.hypot(*g) > 0:
        raise ParameterError(
            "figure.point", f"the gradient is zero at {p.tolist()}: no direction is steepest there"
        )
    return p


# -- steepest descent ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SteepestDescentOptions(Options):
    point: tuple[float, float] | None = option(
        None, optional(_point), "where the slopes are taken (default: the surface's start)"
    )


def _arc(center: np.ndarray, radius: float, a0: float, a1: float) -> np.ndarray:
    t = np.linspace(a0, a1, 90)
    return np.stack([center[0] + radius * np.cos(t), center[1] + radius * np.sin(t)], axis=1)


@register_kind(
    "steepest_descent",
    "The slope along every unit direction at a point, u . grad f, as a polar plot beside the contour: "
    "the negative gradient is the direction of steepest descent.",
    options=SteepestDescentOptions,
    runs="none",
    check=lambda s, runs, o: _check_point(s, o),
)
def _steepest_descent(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    p = _check_point(s, data.options)
    d = directional_slopes(s, p, 720)
    lw, size = linewidth(), fontsize()
    ax = fig.add_subplot(1, 2, 1)
    polar = fig.add_subplot(1, 2, 2, projection="polar")

    # Left: the contour, the point, -grad and grad, the level set's tangent, and a ring of unit directions
    # coloured by the sign of their slope (the polar plot's two lobes).
    plot.contour(s, ax=ax, bounds=data.bounds)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    reach = 0.16 * min(x1 - x0, y1 - y0)
    u = d.steepest
    along = np.array([-u[1], u[0]])
    ax.plot(*(p[:, None] + reach * 1.2 * np.array([-along, along]).T), color=LEVEL, linewidth=0.8 * lw,
            linestyle=":", label="level set's tangent: slope 0", zorder=3)  # fmt: skip
    g_angle = float(np.arctan2(d.grad[1], d.grad[0]))
    ax.plot(*_arc(p, 0.55 * reach, g_angle + np.pi / 2, g_angle + 3 * np.pi / 2).T, color=DESCENT,
            linewidth=1.2 * lw, zorder=3, label="directions of descent (u · ∇f < 0)")  # fmt: skip
    ax.plot(*_arc(p, 0.55 * reach, g_angle - np.pi / 2, g_angle + np.pi / 2).T, color=ASCENT,
            linewidth=1.2 * lw, zorder=3, label="directions of ascent (u · ∇f > 0)")  # fmt: skip
    arrow = {"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 0, "mutation_scale": 7 * lw}
    ax.annotate("", tuple(p + reach * u), xytext=tuple(p), zorder=4,
                arrowprops={**arrow, "color": DESCENT, "lw": 1.6 * lw})  # fmt: skip
    ax.annotate("", tuple(p - 0.6 * reach * u), xytext=tuple(p), zorder=4,
                arrowprops={**arrow, "color": ASCENT, "lw": 0.9 * lw})  # fmt: skip
    ax.plot(*p, marker="o", color="black", markersize=2.2 * lw, linestyle="none", zorder=5,
            label=f"the point ({p[0]:.3g}, {p[1]:.3g})")  # fmt: skip
    # An example direction: towards the nearest known minimum in view (else 60 degrees off -grad), whose slope
    # is the dot product too, and less steep than -grad's.
    example, example_name = _example_direction(s, p, d, ax)
    example_slope = float(example[0] * d.grad[0] + example[1] * d.grad[1])
    # In the animation u turns once around the point and stops there: the static figure is its last frame.
    (segment,) = ax.plot([], [], color=EXAMPLE, linewidth=1.1 * lw, marker="o", markevery=[1],
                         markersize=2.2 * lw, zorder=4,
                         label=f"u {example_name}: slope u · ∇f = {_minus(example_slope)}")  # fmt: skip
    place_text(ax, "−∇f", tuple(p + reach * u), spots=around(0.4 * size, prefer="below right"),
               fontsize=size, color=DESCENT)  # fmt: skip
    place_text(ax, "∇f", tuple(p - 0.6 * reach * u), spots=around(0.4 * size, prefer="above left"),
               fontsize=size, color=ASCENT)  # fmt: skip
    ax.set_title(data.title or surface_title(s))

    # Right: |u . grad| over the direction's angle, one lobe for descent and one for ascent.
    slope = d.slope
    for sign, color in ((-1, DESCENT), (1, ASCENT)):
        r = np.where(sign * slope >= 0, np.abs(slope), np.nan)
        polar.plot(d.angles, r, color=color, linewidth=lw)
        polar.fill(d.angles, np.nan_to_num(r), color=color, alpha=0.12, linewidth=0)
    a = d.steepest_angle
    polar.plot([a, a], [0, d.norm], color=DESCENT, linewidth=1.6 * lw)
    polar.plot([a], [d.norm], marker="o", color=DESCENT, markersize=2.5 * lw)
    for tangent in (a + np.pi / 2, a - np.pi / 2):
        polar.plot(
            [tangent, tangent], [0, 1.15 * d.norm], color=LEVEL, linewidth=0.8 * lw, linestyle=":"
        )
    b = float(np.arctan2(example[1], example[0]))
    (chord,) = polar.plot([], [], color=EXAMPLE, linewidth=1.1 * lw, marker="o", markevery=[1],
                          markersize=2.2 * lw, label="_example")  # fmt: skip
    polar.set_rlim(0, 1.15 * d.norm)
    polar.set_rlabel_position(np.degrees(a + np.pi / 4))
    polar.set_title("slope along u(θ): u · ∇f  (radius |slope|)")
    polar.text(0.5, -0.1, f"steepest descent: u = −∇f/|∇f|, slope −|∇f| = {_minus(d.steepest_slope)}",
               transform=polar.transAxes, ha="center", va="top", color=DESCENT, fontsize=size)  # fmt: skip
    polar.grid(True, color="0.85")
    readout = polar.text(0.5, -0.19, "", transform=polar.transAxes, ha="center", va="top", color=EXAMPLE,
                         fontsize=size)  # fmt: skip
    turning = TurningDirection(segment=segment, chord=chord, readout=readout, point=p, reach=reach,
                               grad=d.grad, angles=b + np.linspace(-2 * np.pi, 0.0, TURN_FRAMES + 1))  # fmt: skip
    scene.add(turning, TURN_FRAMES)
    scene.counter = (
        False  # the readout says which direction is shown; an "iteration k" would mean nothing
    )
    handles, labels = ax.get_legend_handles_labels()
    figure_legend(fig, handles, labels, loc="outside lower center", ncols=2)
    scene.results["slopes"] = d
    scene.results["example"] = (example, example_slope)


TURN_FRAMES = 90  # frames of the animation's turn of u (4 degrees each)


@dataclass
class TurningDirection:
    """The unit direction ``u`` at ``angles[k]``: its segment from the point on the contour, its chord
    ``|u . grad|`` on the polar plot, and a readout of its angle and slope (a frame-settable handle)."""

    segment: Any
    chord: Any
    readout: Any
    point: np.ndarray
    reach: float
    grad: np.ndarray
    angles: np.ndarray

    def set_frame(self, k: int) -> list[Any]:
        a = float(self.angles[max(0, min(int(k), len(self.angles) - 1))])
        u = np.array([np.cos(a), np.sin(a)])
        slope = float(u[0] * self.grad[0] + u[1] * self.grad[1])
        tip = self.point + self.reach * u
        self.segment.set_data([self.point[0], tip[0]], [self.point[1], tip[1]])
        self.chord.set_data([a, a], [0.0, abs(slope)])
        degrees = float(np.degrees(a)) % 360.0
        self.readout.set_text(f"u at θ = {degrees:.0f}°: u · ∇f = {_minus(slope)}")
        return [self.segment, self.chord, self.readout]


def _example_direction(s: Any, p: np.ndarray, d: Any, ax: Any) -> tuple[np.ndarray, str]:
    """A unit direction to show beside -grad: towards the nearest known minimum inside the axes' view (when
    it is a descent direction other than -grad), else -grad turned by 60 degrees."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    minima = [
        m for m in np.asarray(s.minima).reshape(-1, 2) if x0 <= m[0] <= x1 and y0 <= m[1] <= y1
    ]
    if minima:
        m = min(minima, key=lambda m: float(np.hypot(*(m - p))))
        v = m - p
        norm = float(np.hypot(*v))
        if norm > 0:
            u = v / norm
            if float(u @ d.steepest) < 0.999 and float(u[0] * d.grad[0] + u[1] * d.grad[1]) < 0:
                return u, "towards the minimum"
    c, sn = np.cos(np.pi / 3), np.sin(np.pi / 3)
    u = np.array([c * d.steepest[0] - sn * d.steepest[1], sn * d.steepest[0] + c * d.steepest[1]])
    return u, "60° from −∇f"


# -- the numeric gradient, worked ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedGradientOptions(Options):
    h: float = option(
        1e-4,
        lambda f, v: _at_most(f, positive(f, v), 1.0),
        "the step of each coordinate's forward difference (the slide's 0.0001), at most 1",
    )
    loss: str = option(
        "svm", one_of(*LOSSES, what="loss"), "without a surface: the classifier's loss"
    )
    reg: float = option(0.1, lambda f, v: _at_most(f, nonnegative(f, v), limits.MAX_LAMBDA),
                        "without a surface: lambda")  # fmt: skip
    point: tuple[float, float] | None = option(
        None, optional(_point), "with a surface: where the gradient is taken (default: its start)"
    )


def worked_problem(data: PanelData) -> tuple[list[str], Any, np.ndarray, np.ndarray, str]:
    """``(coordinate names, loss function, x, analytic gradient, what the loss is)`` of the figure: the
    surface's two parameters at the point, or (without a surface) the lecture's linear classifier's nine."""
    o = data.options
    s = data.surface
    if s is not None:
        p = np.asarray(o.point if o.point is not None else s.start, dtype=float)
        return list(s.param_names), s.value, p, np.asarray(s.grad(p), dtype=float), s.title
    m = LinearClassifier(loss=o.loss, reg=o.reg)
    names = [f"W[{i},{j}]" for i in range(m.W.shape[0]) for j in range(m.W.shape[1])]
    names += [f"b[{i}]" for i in range(len(m.b))]
    what = f"the lecture's linear classifier ({'multiclass SVM' if o.loss == 'svm' else 'softmax'}, λ = {o.reg:g})"
    return names, m.total_loss, m.flat_params(), m.flat_grad(), what


def loss_decimals(w: Any) -> int:
    """Decimals that show each nudged loss's change from loss(W) to about three digits (the slide's
    1.25322 against 1.25347), from 5 to 12."""
    change = np.abs(w.shifted - w.loss)
    smallest = float(change[change > 0].min()) if np.any(change > 0) else 1e-5
    return int(np.clip(np.ceil(-np.log10(smallest)) + 2, 5, 12))


def _check_worked(surface: Any, runs: Any, options: Any) -> None:
    if surface is not None:
        _check_point(surface, options)
    elif options.point is not None:
        raise ParameterError(
            "figure.point",
            "is the point on a surface; without a [surface] the W vector is the classifier's",
        )


@register_kind(
    "numeric_gradient_worked",
    "The numeric gradient worked as on the slide: the current W and its loss, each coordinate nudged by h, "
    "its forward difference beside the analytic gradient, and the cost: one loss evaluation per coordinate.",
    options=WorkedGradientOptions,
    surface="optional",
    runs="none",
    check=_check_worked,
)
def _numeric_gradient_worked(fig: Any, data: PanelData, scene: Scene) -> None:
    names, f, x, analytic, what = worked_problem(data)
    w = worked_gradient(f, x, analytic, h=data.options.h)
    size, lw = fontsize(), linewidth()
    table_ax, bars = fig.subplots(1, 2, width_ratios=[1.45, 1])
    h = data.options.h
    digits = loss_decimals(w)
    rows = [
        [
            name,
            fmt2(x[i]),
            f"{w.shifted[i]:.{digits}f}",
            f"{w.numeric[i]:.4f}",
            f"{w.analytic[i]:.4f}",
        ]
        for i, name in enumerate(names)
    ]
    header = ["", "W", "loss(W + h·eᵢ)", "numeric", "analytic"]
    top = 0.8
    # Rows of a fixed height (a short table stays compact), as many as fit between the lines and the cost.
    height = min(top - 0.16, 0.065 * (len(rows) + 1))
    table = table_ax.table(cellText=rows, colLabels=header, cellLoc="right", colLoc="right",
                           bbox=(0.0, top - height, 1.0, height), edges="horizontal",
                           colWidths=[0.14, 0.14, 0.3, 0.21, 0.21])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    for (r, _), cell in table.get_celld().items():
        cell.set_edgecolor("0.8")
        cell.set_linewidth(0.6)
        cell.get_text().set_fontfamily("DejaVu Sans Mono")
        if r == 0:
            cell.get_text().set_fontweight("bold")
    table_ax.set_axis_off()
    lines = [
        (data.title or f"W: {what}", "bold"),
        (f"current W: loss(W) = {w.loss:.{digits}f};  h = {h:g}", "normal"),
        ("numeric ∂L/∂Wᵢ = (loss(W + h·eᵢ) − loss(W)) / h", "normal"),
    ]
    for k, (line, weight) in enumerate(lines):
        table_ax.text(0.0, 1.0 - 0.07 * k, line, transform=table_ax.transAxes, ha="left", va="top",
                      fontsize=size, fontweight=weight)  # fmt: skip
    table_ax.text(0.0, top - height - 0.04, f"cost: {len(x)} coordinates → {w.evaluations} loss evaluations"
                  " (one per coordinate,\nand loss(W)); the analytic gradient: one evaluation of its formula",
                  transform=table_ax.transAxes, ha="left", va="top", fontsize=size)  # fmt: skip

    # Right: each coordinate's analytic gradient (bars) and numeric estimate (dots on them).
    i = np.arange(len(names))
    bars.barh(i, w.analytic, color=style.SERIES[2], alpha=0.55, label="analytic ∂L/∂W")
    (dots,) = bars.plot(w.numeric, i, linestyle="none", marker="o", markersize=2.6 * lw,
                        color=style.SERIES[1], label=f"numeric, h = {h:g}")  # fmt: skip
    bars.set_yticks(i, names)
    bars.invert_yaxis()
    bars.axvline(0, color="0.3", linewidth=0.6 * lw)
    bars.set_xlabel("∂L/∂W")
    bars.set_title(f"∂L/∂W: max relative error {float(w.error.max()):.1e}")
    bars.grid(True, axis="x", color="0.9")
    handles, labels = bars.get_legend_handles_labels()
    figure_legend(fig, handles, labels, loc="outside lower right", ncols=2)
    # The animation works the coordinates one a frame, as the slides do ("[-2.5, ?, ?, ...]"): frame k shows the
    # first k nudged losses and forward differences, the rest "?".
    cells = table.get_celld()
    worked = [(cells[r + 1, 2].get_text(), cells[r + 1, 3].get_text()) for r in range(len(rows))]
    scene.add(
        WorkedFrames(table, worked, [(row[2], row[3]) for row in rows], dots, w.numeric, i),
        len(rows),
    )
    scene.counter_format = f"{{k}} of {len(rows)} coordinates nudged"
    scene.results["worked"] = w


@dataclass
class WorkedFrames:
    """Frame k of the worked numeric gradient (a frame-settable handle): the first k rows' nudged loss and
    forward difference in the table and as dots on the bars, the other rows' "?". The table is redrawn whole:
    its cells' texts are drawn by it, not by the figure."""

    table: Any
    texts: list[tuple[Any, Any]]  # each row's (loss(W + h e_i), numeric) cell texts
    values: list[tuple[str, str]]  # what they say once worked
    dots: Any
    numeric: np.ndarray
    rows: np.ndarray

    def set_frame(self, k: int) -> list[Any]:
        k = max(0, min(int(k), len(self.values)))
        for j, (texts, values) in enumerate(zip(self.texts, self.values, strict=True)):
            for text, value in zip(texts, values, strict=True):
                text.set_text(value if j < k else "?")
        self.dots.set_data(self.numeric[:k], self.rows[:k])
        return [self.table, self.dots]


# -- the minibatch gradient is a sample ------------------------------------------------------------------------


def _batch_sizes(field: str, value: Any) -> tuple[int, ...]:
    sizes = numbers(minimum=1, maximum=1_000_000, at_most=8)(field, value)
    for j, b in enumerate(sizes):
        if b != int(b):
            raise ParameterError(f"{field}[{j}]", f"must be a whole number of examples, got {b!r}")
    if len(set(sizes)) != len(sizes) or list(sizes) != sorted(sizes):
        raise ParameterError(field, "must be increasing batch sizes, each once")
    return tuple(int(b) for b in sizes)


def _draws(field: str, value: Any) -> int:
    return integer(field, value, minimum=2, maximum=20_000)


def _seed(field: str, value: Any) -> int:
    return integer(field, value, minimum=0, maximum=limits.MAX_SEED)


@dataclass(frozen=True)
class MinibatchGradientOptions(Options):
    point: tuple[float, float] | None = option(
        None, optional(_point), "where the gradients are taken (default: the surface's start)"
    )
    batch_sizes: tuple[int, ...] = option(
        (1, 8, 32, 64, 128),
        _batch_sizes,
        "the batch sizes B (the lecture's 32/64/128, smaller for contrast)",
    )
    draws: int = option(2000, _draws, "minibatch gradients drawn per batch size and sampling")
    shown: int = option(150, _draws, "of them, how many are drawn as dots")
    seed: int = option(0, _seed, "the seed of the draws")


def _check_minibatch(surface: Any, runs: Any, options: Any) -> None:
    n = int(getattr(surface, "n_samples", 0))
    if options.batch_sizes[-1] > n:
        raise ParameterError(
            "figure.batch_sizes",
            f"{options.batch_sizes[-1]} is more than the surface's {n} examples",
        )
    sampled = options.draws * len(options.batch_sizes) * n
    if sampled > limits.MAX_SAMPLED:
        raise ParameterError(
            "figure.draws",
            f"{options.draws} draws of {len(options.batch_sizes)} batch sizes from {n:,} examples sample "
            f"{sampled:,} indices; the limit is {limits.MAX_SAMPLED:,}: fewer draws or examples",
        )
    if options.point is not None:
        with np.errstate(all="ignore"):
            g = np.asarray(surface.grad(np.asarray(options.point, dtype=float)))
        if not np.all(np.isfinite(g)):
            raise ParameterError(
                "figure.point", f"the gradient is not finite at {list(options.point)}"
            )


ONE_BY_ONE = 20  # the animation's first draws, one a frame: each lands somewhere else
GEOMETRIC_FRAMES = 40  # then frames at geometric steps up to every draw


def draw_counts(draws: int) -> np.ndarray:
    """How many draws of each batch size frame k of the animation has taken: none, then one more a frame for
    the first :data:`ONE_BY_ONE`, then geometric steps to all ``draws`` (the last frame: the static figure).

    >>> draw_counts(2000)[:4].tolist(), draw_counts(2000)[-3:].tolist(), len(draw_counts(2000))
    ([0, 1, 2, 3], [1589, 1783, 2000], 61)
    >>> draw_counts(5).tolist()
    [0, 1, 2, 3, 4, 5]
    """
    first = min(ONE_BY_ONE, int(draws))
    later = np.round(np.geomspace(first, int(draws), GEOMETRIC_FRAMES + 1)).astype(int)
    return np.unique(np.concatenate([np.arange(first + 1), later]))


@dataclass
class MinibatchFrames:
    """Frame k of the minibatch figure (a frame-settable handle): each cloud's dots of the first ``counts[k]``
    draws (at most ``shown``), each measured spread over the first ``counts[k]`` draws (``spreads[k]``, per
    marker), and a readout of the draws taken (empty on the last frame, the static figure, whose legend says it).
    """

    clouds: list[tuple[Any, np.ndarray]]  # (dots artist, that cloud's draws (D, 2))
    markers: list[tuple[Any, float, np.ndarray]]  # (marker artist, B, the spread at each frame)
    counts: np.ndarray
    shown: int
    readout: Any

    def set_frame(self, k: int) -> list[Any]:
        last = len(self.counts) - 1
        k = max(0, min(int(k), last))
        c = int(self.counts[k])
        n = min(c, self.shown)
        for dots, g in self.clouds:
            dots.set_data(g[:n, 0], g[:n, 1])
        for marker, b, values in self.markers:
            v = float(values[k])
            marker.set_data(([b], [v]) if np.isfinite(v) else ([], []))
        draws = f"{c:,} draw{'s' if c != 1 else ''}"
        self.readout.set_text("" if k == last else f"{draws} of each B (dots: the first {n})")
        return [dots for dots, _ in self.clouds] + [m for m, _, _ in self.markers] + [self.readout]


@register_kind(
    "minibatch_gradients",
    "The minibatch gradient is a sample: gradients of several batch sizes scattered around the full gradient "
    "at one point of a dataset surface, with the ellipses predicted from the per-example covariance "
    "(Sigma/B with replacement, Sigma (N-B)/(B(N-1)) without), and their spread against B.",
    options=MinibatchGradientOptions,
    runs="none",
    surfaces=SurfaceRule(
        accepts=lambda s: callable(getattr(s, "sample_grads", None)),
        says="a dataset surface (least_squares, logistic_regression, softmax_1d)",
    ),
    check=_check_minibatch,
    study="optviz.gradients.minibatch_gradients",
)
def _minibatch_gradients(fig: Any, data: PanelData, scene: Scene) -> None:
    m = data.study
    s = data.surface
    lw, size = linewidth(), fontsize()
    axes = fig.subplot_mosaic([["with", "spread"], ["without", "spread"]], width_ratios=[1.45, 1])
    left, middle, right = axes["with"], axes["without"], axes["spread"]
    colors = style.series_colors(len(m.batch_sizes))
    names = getattr(s, "param_names", ("x", "y"))
    shown = min(int(data.options.shown), m.with_replacement.shape[1])
    # Left: every batch size with replacement, at the scale of B = 1; middle: without replacement, zoomed to the
    # scale of the second batch size, where the larger batches' clouds can be seen.
    zoom = float(np.sqrt(m.batch_sizes[1] / m.batch_sizes[0])) if len(m.batch_sizes) > 1 else 1.0
    sets = ((left, m.with_replacement, m.predicted_with, "with replacement: Σ / B", 0),
            (middle, m.without_replacement, m.predicted_without,
             f"without: Σ(N−B)/(B(N−1)), zoom ×{zoom:.2g}", min(1, len(m.batch_sizes) - 1)))  # fmt: skip
    clouds = []  # the animation adds the draws one by one (the static figure: the first `shown`)
    for ax, draws, predicted, title, first in sets:
        for j, b in enumerate(m.batch_sizes):
            g = draws[j, :shown]
            (dots,) = ax.plot(g[:, 0], g[:, 1], linestyle="none", marker="o", markersize=0.9 * lw,
                              color=colors[j], alpha=0.55, zorder=2 + j * 0.01, label=f"_B{b}")  # fmt: skip
            clouds.append((dots, g))
        for j, b in enumerate(m.batch_sizes):
            e = m.full + ellipse(predicted[j], scale=2.0)
            ax.plot(e[:, 0], e[:, 1], color=colors[j], linewidth=lw, zorder=3, label=f"B = {b}")
        ax.plot(*m.full, marker="*", color="black", markersize=4 * lw, linestyle="none", zorder=5,
                label=f"full gradient ∇f at ({m.point[0]:.3g}, {m.point[1]:.3g}): the mean of all N")  # fmt: skip
        # The view: the largest ellipse shown (B = 1's, or the zoomed one's), with a margin.
        reach = np.abs(ellipse(predicted[first], scale=2.0)).max(axis=0) * 1.12
        (x0, x1), (y0, y1) = (
            (m.full[0] - reach[0], m.full[0] + reach[0]),
            (m.full[1] - reach[1], m.full[1] + reach[1]),
        )
        if (
            first == 0
        ):  # the whole picture: the zero gradient too, and an arrow from it to the full gradient
            x0, x1, y0, y1 = (
                min(x0, -0.05 * reach[0]),
                max(x1, 0.05 * reach[0]),
                min(y0, -0.05 * reach[1]),
                max(y1, 0.05 * reach[1]),
            )
            ax.annotate("", tuple(m.full), xytext=(0.0, 0.0), zorder=4,
                        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.1 * lw, "shrinkA": 0,
                                    "shrinkB": 0, "mutation_scale": 6 * lw})  # fmt: skip
            ax.plot([0.0], [0.0], marker="+", color="0.3", markersize=3 * lw, linestyle="none", zorder=4,
                    label="zero gradient")  # fmt: skip
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel(f"∂f/∂{names[0]}")
        ax.set_ylabel(f"∂f/∂{names[1]}")
        ax.set_title(title)
        ax.grid(True, color="0.92")

    # Right: the spread against B, measured over every draw, beside both predictions.
    grid = np.unique(np.geomspace(1, m.n, 200).round().astype(int))
    sigma_tr = float(m.sigma[0, 0] + m.sigma[1, 1])
    right.loglog(grid, np.sqrt(sigma_tr / grid), color="0.25", linewidth=lw,
                 label="√(tr Σ / B)")  # fmt: skip
    without = np.sqrt(sigma_tr * (m.n - grid) / (grid * (m.n - 1)))
    keep = grid < m.n
    right.loglog(grid[keep], without[keep], color="0.25", linewidth=lw, linestyle="--",
                 label="√(tr Σ (N−B)/(B(N−1)))")  # fmt: skip
    b = np.asarray(m.batch_sizes, dtype=float)
    measured_with, measured_without = m.spread()
    # The spread over the first draws of each frame (the last: every draw), for the animation.
    counts = draw_counts(m.with_replacement.shape[1])
    running = [m.spread(int(c)) for c in counts]
    markers = []
    for j in range(len(b)):
        (dot,) = right.plot(b[j], measured_with[j], marker="o", color=colors[j], markersize=3 * lw,
                            linestyle="none", zorder=4, label="_with")  # fmt: skip
        (square,) = right.plot(b[j], measured_without[j], marker="s", markerfacecolor="none", color=colors[j],
                               markersize=4 * lw, markeredgewidth=0.8 * lw, linestyle="none", zorder=4,
                               label="_without")  # fmt: skip
        markers.append((dot, float(b[j]), np.array([r[0][j] for r in running])))
        markers.append((square, float(b[j]), np.array([r[1][j] for r in running])))
    right.plot(
        [],
        [],
        marker="o",
        color="0.4",
        linestyle="none",
        label=f"measured, with ({m.with_replacement.shape[1]} draws)",
    )
    right.plot(
        [],
        [],
        marker="s",
        markerfacecolor="none",
        color="0.4",
        linestyle="none",
        label="measured, without",
    )
    right.set_ylim(0.5 * np.sqrt(sigma_tr / m.n), 1.5 * float(measured_with[0]))
    right.set_xlabel("batch size B")
    right.set_ylabel("spread: rms |g_B − ∇f|")
    right.set_title(f"spread ∝ 1/√B  (N = {m.n})")
    right.grid(True, which="major", color="0.9")
    right.legend(loc="upper right", frameon=False, fontsize=0.85 * size)
    handles, labels = left.get_legend_handles_labels()
    figure_legend(fig, handles, labels, loc="outside lower center", ncols=len(labels))
    readout = right.text(0.03, 0.03, "", transform=right.transAxes, ha="left", va="bottom", fontsize=0.85 * size,
                         color="0.2")  # fmt: skip
    scene.add(MinibatchFrames(clouds, markers, counts, shown, readout), len(counts) - 1)
    scene.counter = False  # the readout counts the draws; an "iteration k" would mean nothing
    scene.results["minibatch"] = m
