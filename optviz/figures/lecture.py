"""The lecture's optimization figures (Regularization + Optimization), one figure kind each.

Each kind draws real runs of the engine: the scenario's ``[[run]]`` tables and, for the kinds that need more
(runs on a regularized twin, GD per lambda, each rule on each test function), the result of their study in
``optviz.studies``, handed over as ``data.study``. Nothing here runs a step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import plot, style
from optviz._validate import ParameterError, point, positive
from optviz.analysis import (
    condition_number,
    finite_difference_errors,
    finite_differences,
    hessian_eigen,
)
from optviz.classifier import penalty_rows
from optviz.figures._kinds import PanelData, SurfaceRule, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import (
    LOSS_TITLES,
    LegendOptions,
    colors,
    draw_paths,
    legend_option,
    loss_kind,
    loss_panel,
    place_legend,
)
from optviz.figures.layout import figure_legend, last_step, require_rules, surface_title
from optviz.figures.options import (
    Options,
    boolean,
    names,
    numbers,
    option,
    optional,
    positive_int,
    steps,
)
from optviz.metrics import best_so_far, epochs_seen
from optviz.plot.common import fontsize, linewidth, run_label
from optviz.plot.frames import Grows, Parts
from optviz.plot.placement import EDGE_ANCHORS, around, place_text, placed_group

# -- poor conditioning -----------------------------------------------------------------------------


def eigen_axes(
    ax: Any,
    surface: Any,
    point: np.ndarray,
    *,
    length: float | None = None,
    caption: str = "Hessian's eigen-axes",
    anchors: Any = EDGE_ANCHORS,
) -> Any:
    """A key of the Hessian's eigen-directions at ``point``: double-headed arrows, each labelled with its
    eigenvalue ("steep", "shallow", or "escape" for a negative one: the way off a saddle), over ``caption``.

    Arm lengths are proportional to ``1/sqrt|lambda|`` (the axes of the local quadratic's level sets), the
    longer one ``length`` points (default: 4.5 times the font size). The arrows keep their directions because
    contour axes have an equal aspect. The key is a :class:`~optviz.plot.placement.PlacedGroup`: it goes to the
    first of ``anchors`` (axes fractions) where it covers no path and no label. Returns the group.
    """
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.text import Text

    values, vectors = hessian_eigen(surface, point)
    size, lw = fontsize(), linewidth()
    length = length if length is not None else 4.5 * size
    with np.errstate(divide="ignore"):
        arms = 1 / np.sqrt(np.abs(values))
    arms = np.where(np.isfinite(arms), arms, arms[np.isfinite(arms)].max(initial=1.0))
    arms = length * arms / arms.max()
    group = placed_group(ax, anchors=anchors)
    order = np.argsort(np.abs(values))
    names = {int(order[0]): "shallow", int(order[1]): "steep"}
    low = 0.0
    for i in range(2):
        d = vectors[:, i] * arms[i]
        if d[0] < 0 or (d[0] == 0 and d[1] < 0):
            d = -d  # label at the right/top end
        name = "escape" if values[i] < 0 else names[i]
        group.add(FancyArrowPatch(
            tuple(-d), tuple(d), arrowstyle="<|-|>", color="black", linewidth=0.8 * lw, shrinkA=0, shrinkB=0,
            mutation_scale=6 * lw, linestyle="--" if values[i] < 0 else "-",
        ))  # fmt: skip
        # The label sits beyond the arrow's tip, in the arrow's direction.
        u = d / np.hypot(*d)
        tip = d + 0.5 * size * u
        group.add(Text(
            tip[0], tip[1], f"λ = {values[i]:.3g} ({name})",
            ha="left" if u[0] > 0.5 else "right" if u[0] < -0.5 else "center",
            va="bottom" if u[1] > 0.5 else "top" if u[1] < -0.5 else "center", fontsize=size, color="black",
        ))  # fmt: skip
        low = min(low, -abs(d[1]))
    if caption:
        group.add(
            Text(0, low - 0.9 * size, caption, ha="center", va="top", fontsize=size, color="0.2")
        )
    return group


@dataclass(frozen=True)
class PoorConditioningOptions(Options):
    eigen_axes: bool = option(True, boolean, "draw the Hessian's eigen-axes at the minimum")
    loss_kind: str = option(
        "distance", loss_kind, "the right panel: distance (|x - x*|), gap (f - f*) or loss"
    )
    legend: str = legend_option()


@register_kind(
    "poor_conditioning",
    "GD zigzags across an ill-conditioned valley: paths with the Hessian's eigen-axes and kappa, beside the distance to the minimum.",
    options=PoorConditioningOptions,
    runs="required",
)
def _poor_conditioning(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    ax, loss_ax = fig.subplots(1, 2, width_ratios=[1.45, 1])
    draw_paths(ax, data, scene)
    if len(s.minima):
        kappa = float(condition_number(s, s.minima[0]))
        title = surface_title(s)
        # A quadratic's title already names kappa (its Hessian is A): said once.
        ax.set_title(title if "kappa" in title else f"{title},   κ(H) = {kappa:.3g}")
        if data.options.eigen_axes:
            eigen_axes(ax, s, s.minima[0], caption="Hessian's eigen-axes\nat the minimum")
    loss_panel(loss_ax, data, scene, data.options.loss_kind)
    plot.loss_title(loss_ax, LOSS_TITLES[data.options.loss_kind])  # (f - f* is not "loss")
    place_legend(fig, [ax, loss_ax], data.options.legend)


# -- update diagrams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateDiagramOptions(Options):
    step: int = option(4, steps, "the step whose update is drawn")
    zoom: bool = option(
        True, boolean, "zoom on the update (with the whole run in an inset overview)"
    )


def _check_update_diagram(surface: Any, runs: Any, options: Any) -> None:
    from optviz.figures.updates import check_step_within_runs

    require_rules(("momentum", "nesterov"))(surface, runs, options)
    check_step_within_runs(surface, runs, options)


def _check_update_diagram_runs(trajectories: Any, options: Any) -> None:
    from optviz.figures.updates import check_step_before_stops

    check_step_before_stops(trajectories, options)


_DIAGRAM_PAD = 0.5  # the zoom around the arrows, in their extent (optviz.plot.update_diagram's pad)


@dataclass(frozen=True)
class DiagramPanel:
    """What ``update_diagram`` drew for one run in its panel of the update: the contours (over the figure's
    bounds), the run's faint path, the diagram, and zoomed (under a view that follows the step, beside an
    overview) the zoom's box in the overview (None: not zoomed) and the zoom's pad."""

    contours: Any
    path: Any
    diagram: Any
    box: Any
    pad: float


@register_kind(
    "update_diagram",
    "The momentum or Nesterov update at one step of a real run: velocity, gradient (at the look-ahead point for Nesterov) and the actual step.",
    options=UpdateDiagramOptions,
    runs="required",
    animated=False,
    size=(12.8, 7.2),
    check=_check_update_diagram,
    check_runs=_check_update_diagram_runs,
)
def _update_diagram(fig: Any, data: PanelData, scene: Scene) -> None:
    import dataclasses

    from matplotlib.patches import Rectangle

    runs = data.trajectories
    step = data.options.step
    zoom = data.options.zoom
    single = zoom and len(runs) == 1
    # The zoom is the figure: it gets the larger share; optviz.plot.views widens both views to their boxes (the
    # overview then shows more of the surface around the run).
    ratios = [1, 1.35] if single else None
    axes = list(fig.subplots(1, len(runs) + single, squeeze=False, width_ratios=ratios)[0])
    overview = axes.pop(0) if single else None
    for i, (ax, t) in enumerate(zip(axes, runs, strict=True)):
        # Nesterov's stored iterate is the look-ahead point; the lecture's picture follows the actual point.
        shown = dataclasses.replace(t, xy=t.state["position"]) if t.rule == "nesterov" else t
        contours = plot.contour(data.surface, ax=ax, bounds=data.bounds, critical_points=False)
        handle = plot.trajectory(shown, ax=ax, color=data.color(i), legend=False, alpha=0.4)
        diagram = plot.update_diagram(t, step, ax=ax, frame=zoom, pad=_DIAGRAM_PAD)
        kind = "Nesterov momentum" if t.rule == "nesterov" else "Momentum"
        ax.set_title(f"{kind}: the update at step {step}")
        if overview is None:
            scene.add(handle, t.steps)
            if len(runs) == 1:
                # what a page needs to draw the update live over the fixed view (optviz.web.diagram_layer)
                scene.results["update_diagram"] = DiagramPanel(
                    contours=contours, path=handle, diagram=diagram, box=None, pad=_DIAGRAM_PAD
                )
        else:
            plot.contour(data.surface, ax=overview, bounds=data.bounds)
            # the run's own panel of paths is the overview (a page draws its paths there, at a fixed view,
            # and the zoom with its diagram as a live layer: optviz.web.diagram_layer)
            scene.add(
                plot.trajectory(shown, ax=overview, color=data.color(i), legend=False), t.steps
            )
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            box = Rectangle(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                fill=False,
                edgecolor="black",
                linewidth=linewidth(),
                zorder=6,
            )
            overview.add_patch(box)
            overview.set_title(run_label(t))
            # what a page needs to draw the zoom live (optviz.web.diagram_layer)
            scene.results["update_diagram"] = DiagramPanel(
                contours=contours, path=handle, diagram=diagram, box=box, pad=_DIAGRAM_PAD
            )


# -- condition map -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionMapOptions(Options):
    glyphs: bool = option(True, boolean, "eigen-direction crosses at the known critical points")


@register_kind(
    "condition_map",
    "The Hessian's condition number over the view (log scale, indefinite regions hatched), beside the contours with the runs.",
    options=ConditionMapOptions,
    runs="optional",
)
def _condition_map(fig: Any, data: PanelData, scene: Scene) -> None:
    ax, cax = fig.subplots(1, 2)
    if data.trajectories:
        draw_paths(ax, data, scene)
    else:
        plot.contour(data.surface, ax=ax, bounds=data.bounds)
        ax.set_title(surface_title(data.surface))
    cmap = plot.condition_map(
        data.surface, ax=cax, bounds=data.bounds, glyphs="auto" if data.options.glyphs else None
    )
    cax.set_title("condition number of the Hessian")
    handles, labels = ax.get_legend_handles_labels()
    regions = cmap.legend_handles()
    handles += regions
    labels += [r.get_label() for r in regions]
    if handles:
        fig.legend(
            handles, labels, loc="outside lower center", frameon=False, ncols=min(len(handles), 4)
        )


# -- numeric gradient ----------------------------------------------------------------------------------


def _point(field: str, value: Any) -> tuple[float, float]:
    x, y = point(field, value)
    return (float(x), float(y))


@dataclass(frozen=True)
class NumericGradientOptions(Options):
    point: tuple[float, float] | None = option(
        None,
        optional(_point),
        "where the derivative d f / d x is taken (default: the surface's start)",
    )
    h: float = option(0.5, positive, "the step drawn as a secant on the left panel")


def _check_numeric_gradient(surface: Any, runs: Sequence[Any], options: Any) -> None:
    # The drawing evaluates f along x around the point, at x + h, and the differences for h up to 1: a point
    # far outside the view, or a step wider than it, overflows there. Where f is undefined nearby (log(x) near
    # 0), the curves have gaps.
    (x0, x1), (y0, y1) = surface.bounds
    w = x1 - x0
    if options.h > w:
        raise ParameterError(
            "figure.h", f"must be at most the view's width ({w:g}), got {options.h:g}"
        )
    if options.point is None:
        return
    x, y = options.point
    if not (x0 - w <= x <= x1 + w and y0 - (y1 - y0) <= y <= y1 + (y1 - y0)):
        raise ParameterError(
            "figure.point",
            f"{list(options.point)} is far outside the view x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]",
        )
    around = np.array([[x, y], [x + options.h, y]])
    with np.errstate(all="ignore"):
        finite = (
            np.isfinite(surface.value(around)).all() and np.isfinite(surface.grad(around[0])).all()
        )
    if not finite:
        raise ParameterError(
            "figure.point",
            f"the loss or its slope is not finite at {list(options.point)} or at x + h; choose a point where"
            " f is defined",
        )


@register_kind(
    "numeric_gradient",
    "The finite-difference slope at a point (secant against tangent), and the gradient check's relative error against h.",
    options=NumericGradientOptions,
    runs="none",
    animated=False,
    check=_check_numeric_gradient,
)
def _numeric_gradient(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    given = data.options.point
    x = np.array(given if given is not None else s.start, dtype=float)
    h = data.options.h
    slope = float(s.grad(x)[0])
    lw, size = linewidth(), fontsize()
    left, right = fig.subplots(1, 2)

    # Left: f along x through the point, the tangent (analytic slope) and the forward secant over h.
    (x0, x1), _ = data.bounds
    width = min(3 * h, 0.5 * (x1 - x0))
    u = np.linspace(x[0] - width, x[0] + width, 400)
    fu = s.value(np.stack([u, np.full_like(u, x[1])], axis=-1))
    f0 = float(s.value(x))
    f_h = float(s.value(x + np.array([h, 0.0])))
    secant = float(finite_differences(s.value, x, [h])[0][0])  # the forward difference over h
    # Colours of the series palette (not rules'): the analytic slope green, forward differences (the secant is
    # one) rose, central differences indigo, in both panels.
    analytic, forward_c, central_c = style.SERIES[2], style.SERIES[1], style.SERIES[0]
    left.plot(u, fu, color="0.2", linewidth=1.1 * lw, label=f"f(x, y={x[1]:g})")
    left.plot(u, f0 + slope * (u - x[0]), color=analytic, linewidth=lw,
              label=f"tangent: analytic df/dx = {slope:.4g}")  # fmt: skip
    left.plot(u, f0 + secant * (u - x[0]), color=forward_c, linewidth=lw, linestyle="--",
              label=f"secant (f(x+h) - f(x)) / h = {secant:.4g}")  # fmt: skip
    left.plot([x[0], x[0] + h], [f0, f_h], linestyle="none", marker="o", markersize=3 * lw, color=forward_c,
              zorder=4, label="_secant_points")  # fmt: skip
    span = np.ptp(fu)
    above = max(f0, f_h) + 0.1 * span
    bracket = {"arrowstyle": "<|-|>", "color": "0.3", "lw": 0.6 * lw, "shrinkA": 0, "shrinkB": 0}
    left.annotate("", (x[0] + h, above), xytext=(x[0], above), arrowprops=bracket)
    place_text(left, f"h = {h:g}", (x[0] + h / 2, above),
               spots=around(0.4 * size, prefer="above"), fontsize=size)  # fmt: skip
    left.set_ylim(fu.min() - 0.1 * span, fu.max() + 0.1 * span)
    left.set_xlim(u[0], u[-1])
    left.set_xlabel(s.param_names[0])
    left.set_ylabel("f")
    left.set_title("numeric vs analytic slope")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)

    # Right: relative error against h, for forward and central differences.
    hs = np.logspace(-16, 0, 161)
    forward, central = finite_difference_errors(s.value, x, slope, hs)
    tiny = 1e-17
    forward, central = np.maximum(forward, tiny), np.maximum(central, tiny)
    right.loglog(
        hs,
        forward,
        color=forward_c,
        linewidth=lw,
        label="forward (f(x+h) - f(x)) / h: truncation ∝ h",
    )
    right.loglog(hs, central, color=central_c, linewidth=lw,
                 label="central (f(x+h) - f(x-h)) / 2h: truncation ∝ h²")  # fmt: skip
    # The steps the lecture and torch use, each a grey line of its own style, named in the legend.
    for h_mark, style_, label in STEP_MARKS:
        right.axvline(
            h_mark, color="0.4", linewidth=0.9 * lw, linestyle=style_, label=label, zorder=1.5
        )

    # Notes beside the curves they explain, placed where they cover no line (optviz.plot.placement).
    def note(text: str, at: float, curve: np.ndarray, color: str, prefer: str) -> None:
        i = int(np.argmin(np.abs(np.log10(hs) - np.log10(at))))
        spots = around(0.6 * size, prefer=prefer, far=(2.5, 5, 9, 14, 20, 28))
        place_text(right, text, (hs[i], curve[i]), spots=spots, fontsize=size, color=color)

    note("round-off ∝ ε/h", 1e-13, forward, "0.2", "below left")
    right.set_ylim(1e-17, 10)
    from matplotlib.ticker import LogLocator

    right.xaxis.set_major_locator(LogLocator(base=10, numticks=6))
    right.set_xlabel("step h")
    right.set_ylabel("relative error")
    right.set_title("gradient check: |num − ana| / (|num| + |ana|)")
    right.grid(True, which="major")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)


# The finite-difference steps marked on the error curves: (h, line style, legend text).
STEP_MARKS = (
    (1e-7, ":", "h = 1e-7: the lecture's grad_check_sparse (and ov.gradcheck)"),
    (1e-6, "--", "h = 1e-6: torch.autograd.gradcheck (eps)"),
    (1e-4, "-.", "h = 1e-4: the lecture's worked example"),
)


# -- batch vs minibatch ------------------------------------------------------------------------------


def _batch_label(t: Any, n: int) -> str:
    b = int(getattr(t.noise, "batch_size", n))
    return f"full batch GD (B = {n})" if b >= n else f"minibatch SGD (B = {b})"


DATASETS = SurfaceRule(
    accepts=lambda s: int(getattr(s, "n_samples", 0)) > 0,
    says="a dataset surface (least_squares, logistic_regression, softmax_1d)",
)


@register_kind(
    "batch_vs_minibatch",
    "Full-batch GD against minibatch SGD of several batch sizes on a dataset surface: paths, and the loss against epochs.",
    options=LegendOptions,
    runs="required",
    surfaces=DATASETS,
)
def _batch_vs_minibatch(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    n = int(s.n_samples)
    ax, loss_ax = fig.subplots(1, 2, width_ratios=[1.2, 1])
    # The exact-gradient run keeps its rule's colour; minibatch runs are told apart by batch size, a series
    # (not a rule): the series palette, so blue still means Momentum only (design section 10).
    series = iter(style.series_colors(len(data.trajectories)))
    cols = [
        data.color(i)
        or (
            style.rule_color(t.rule)
            if int(getattr(t.noise, "batch_size", n)) >= n
            else next(series)
        )
        for i, t in enumerate(data.trajectories)
    ]
    labels = [_batch_label(t, n) for t in data.trajectories]
    plot.contour(s, ax=ax, bounds=data.bounds)
    names = getattr(s, "param_names", ("x", "y"))
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    handle = plot.trajectory(data.trajectories, ax=ax, color=cols, label=labels, legend=False)
    scene.add(handle, last_step(data.trajectories))
    ax.set_title(surface_title(s))
    lw = linewidth()
    fmin = s.fmin if np.isfinite(s.fmin) else 0.0

    for t, col, label in zip(data.trajectories, cols, labels, strict=True):
        stop = int(t.stop_step)
        epochs = epochs_seen(t, n)
        gap = np.maximum(np.asarray(t.loss) - fmin, 1e-16)
        (line,) = loss_ax.plot(
            epochs[: stop + 1], gap[: stop + 1], color=col, linewidth=lw, label=label
        )
        scene.add(Parts(Grows(line, epochs, gap, stop)))
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("epochs (passes over the data)")
    loss_ax.set_ylabel(r"$f(w, b) - f^\ast$" if np.isfinite(s.fmin) else "loss")
    plot.loss_title(loss_ax, "loss against data seen")
    loss_ax.grid(True)
    place_legend(fig, [ax], data.options.legend)


# -- random search -------------------------------------------------------------------------------------


@register_kind(
    "random_search",
    "Random search (the lecture's bad idea) against a gradient rule (each run named in the legend): sampled points and the best so far, and the best loss against iterations.",
    options=LegendOptions,
    runs="required",
)
def _random_search(fig: Any, data: PanelData, scene: Scene) -> None:
    import dataclasses

    s = data.surface
    ax, loss_ax = fig.subplots(1, 2, width_ratios=[1.3, 1])
    plot.contour(s, ax=ax, bounds=data.bounds)
    lw = linewidth()
    for t in data.trajectories:
        if t.rule == "random_search":
            samples = np.asarray(t.state["sample"])
            (dots,) = ax.plot(samples[:, 0], samples[:, 1], linestyle="none", marker="o", markersize=1.6 * lw,
                              color="0.45", alpha=0.55, zorder=2.5, label="random samples")  # fmt: skip
            scene.add(Parts(Grows(dots, samples[:, 0], samples[:, 1], int(t.stop_step))))
    handle = plot.trajectory(
        data.trajectories, ax=ax, color=colors(data), legend=False, hyperparams=data.hyperparams
    )
    scene.add(handle, last_step(data.trajectories))
    ax.set_title(surface_title(s))
    fmin = s.fmin if np.isfinite(s.fmin) else None
    # Best so far for every run: random search's iterate already is its best point; a gradient run's loss may
    # go up on the way, so it is the running minimum that compares like with like.
    best = [dataclasses.replace(t, loss=best_so_far(t)) for t in data.trajectories]
    lh = plot.loss(best, ax=loss_ax, kind="gap" if fmin is not None else "loss", fmin=fmin,
                   color=colors(data), legend=False, hyperparams=data.hyperparams)  # fmt: skip
    scene.add(lh, last_step(data.trajectories))
    plot.loss_title(loss_ax, "best loss so far")
    loss_ax.set_xlabel("iteration (one sample each for random search)")
    place_legend(fig, [ax], data.options.legend)


# -- regularization ------------------------------------------------------------------------------------


class _Cliff:
    """The classifier's p(y=1 | x) at iterate k of a run on softmax_1d: a curve that changes with the frame."""

    def __init__(self, line: Any, surface: Any, xy: np.ndarray, stop: int, x: np.ndarray) -> None:
        self.line, self.surface, self.xy, self.stop, self.x = line, surface, xy, stop, x

    def set_frame(self, k: int) -> list[Any]:
        w, b = self.xy[min(int(k), self.stop)]
        self.line.set_ydata(self.surface.probability(w, b, self.x))
        return [self.line]


def _check_regularization(surface: Any, runs: Any, options: Any) -> None:
    if surface is not None and surface.params.get("lam", 0) != 0:
        raise ParameterError(
            "surface.lam", "must be 0 here: the figure compares it with figure.lam > 0"
        )
    for i, run in enumerate(runs):
        if run.noise is not None:
            raise ParameterError(
                f"run[{i}].noise",
                "regularization reruns each run on the regularized surface: use exact gradients",
            )


@dataclass(frozen=True)
class RegularizationOptions(Options):
    lam: float = option(0.1, positive, "the L2 strength of the regularized twin")


@register_kind(
    "regularization",
    "The lecture's 1-D two-class softmax example: without L2 the cliff of p(y=1|x) keeps sharpening and GD runs off; with L2 it converges.",
    options=RegularizationOptions,
    runs="required",
    surfaces=SurfaceRule(lambda s: s.name == "softmax_1d", "the softmax_1d surface"),
    check=_check_regularization,
    study="optviz.studies.regularized_paths",
)
def _regularization(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    lam = data.options.lam
    twin, reg_runs = data.study.surface, list(data.study.runs)
    cliff_ax, free_ax, reg_ax = fig.subplots(1, 3, width_ratios=[1.15, 1, 1])
    lw = linewidth()
    xs = np.asarray(s.x)
    lo, hi = xs.min(), xs.max()
    pad = 0.25 * (hi - lo)
    grid = np.linspace(lo - pad, hi + pad, 400)
    cliff_ax.plot(xs[s.y == 0], np.zeros((s.y == 0).sum()), linestyle="none", marker="o", markersize=3.5 * lw,
                  markerfacecolor="white", markeredgecolor="black", label="class 0", zorder=4, clip_on=False)  # fmt: skip
    cliff_ax.plot(xs[s.y == 1], np.ones((s.y == 1).sum()), linestyle="none", marker="s", markersize=3.5 * lw,
                  color="black", label="class 1", zorder=4, clip_on=False)  # fmt: skip
    t0, t1 = data.trajectories[0], reg_runs[0]
    # Both are runs of one rule: its colour, and a darker shade of it for the regularized twin (the legend
    # names each λ), so the colour still says which rule ran (design section 10).
    zero = data.color(0) or style.rule_color(t0.rule)
    reg = style.shade(zero, 1) if zero.startswith("#") and len(zero) == 7 else zero
    # Faded snapshots of the unregularized run show the cliff sharpening as w grows.
    stop0 = int(t0.stop_step)
    for k in np.unique(np.geomspace(1, max(stop0, 1), 5).astype(int))[:-1]:
        w, b = t0.xy[k]
        cliff_ax.plot(
            grid, s.probability(w, b, grid), color=zero, alpha=0.25, linewidth=0.8 * lw, zorder=2
        )
    (free_line,) = cliff_ax.plot(grid, s.probability(*t0.xy[stop0], grid), color=zero, linewidth=1.2 * lw,
                                 label="λ = 0: the cliff keeps sharpening", zorder=3)  # fmt: skip
    (reg_line,) = cliff_ax.plot(grid, s.probability(*t1.xy[int(t1.stop_step)], grid), color=reg, linewidth=1.2 * lw,
                                label=f"λ = {lam:g}: a gentle slope", zorder=3)  # fmt: skip
    scene.add(
        Parts(
            _Cliff(free_line, s, t0.xy, stop0, grid),
            _Cliff(reg_line, s, t1.xy, int(t1.stop_step), grid),
        ),
        t0.steps,
    )
    cliff_ax.set_xlim(grid[0], grid[-1])
    cliff_ax.set_ylim(-0.08, 1.08)
    cliff_ax.set_xlabel("input x")
    cliff_ax.set_ylabel("p(y = 1 | x)")
    cliff_ax.set_title("the classifier")
    for ax, surf, runs, col, name, tag in (
        (free_ax, s, data.trajectories, zero, "λ = 0: no minimum", "λ = 0"),
        (reg_ax, twin, reg_runs, reg, f"λ = {lam:g}: a minimum", f"λ = {lam:g}"),
    ):
        plot.contour(surf, ax=ax)
        # Each path is named with its λ, in the colour of its classifier curve on the left.
        labels = [f"{run_label(t, hyperparams=data.hyperparams)}, {tag}" for t in data.trajectories]
        handle = plot.trajectory(runs, ax=ax, color=[col] * len(runs), label=labels, legend=False)
        scene.add(handle, last_step(runs))
        ax.set_xlabel("w")
        ax.set_ylabel("b")
        ax.set_title(name)
    handles, labels = cliff_ax.get_legend_handles_labels()
    for ax in (free_ax, reg_ax):
        more = ax.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    fig.legend(handles, labels, loc="outside lower center", frameon=False, ncols=3)


# -- regularization preferences -------------------------------------------------------------------------


_vector = numbers(maximum=1e100, at_most=12)  # products and squares stay finite


@dataclass(frozen=True)
class RegularizationPreferencesOptions(Options):
    x: tuple[float, ...] = option((1.0, 1.0, 1.0, 1.0), _vector, "the input")
    w1: tuple[float, ...] = option((1.0, 0.0, 0.0, 0.0), _vector, "the first weight vector")
    w2: tuple[float, ...] = option((0.25, 0.25, 0.25, 0.25), _vector, "the second weight vector")

    def validate(self) -> None:
        if not len(self.x) == len(self.w1) == len(self.w2):
            raise ParameterError(
                "w2" if len(self.w1) == len(self.x) else "w1",
                f"x, w1 and w2 must have the same length, got {len(self.x)}, {len(self.w1)}, {len(self.w2)}",
            )


@register_kind(
    "regularization_preferences",
    "The lecture's x = [1,1,1,1], w1 = [1,0,0,0], w2 = [0.25]*4: same scores, same data loss; L2 prefers the spread-out w2, L1 cannot tell.",
    options=RegularizationPreferencesOptions,
    surface="none",
    runs="none",
    animated=False,
)
def _regularization_preferences(fig: Any, data: PanelData, scene: Scene) -> None:
    x, w1, w2 = (np.asarray(getattr(data.options, k)) for k in ("x", "w1", "w2"))
    lw, size = linewidth(), fontsize()
    bars, table_ax, geo = fig.subplots(1, 3, width_ratios=[1.2, 1.1, 1])
    idx = np.arange(len(x))
    c1, c2 = style.SERIES[1], style.SERIES[0]  # two weight vectors: a series, not rules
    bars.bar(idx - 0.2, w1, width=0.4, color=c1, label="w1")
    bars.bar(idx + 0.2, w2, width=0.4, color=c2, label="w2")
    bars.set_xticks(idx, [f"k={i + 1}" for i in idx])
    bars.set_ylabel("weight")
    bars.set_title("two weight vectors")
    bars.axhline(0, color="0.3", linewidth=0.6 * lw)
    bars.legend(loc="upper right")
    rows = penalty_rows(x, w1, w2)
    table_ax.axis("off")
    table = table_ax.table(
        cellText=[[name, f"{a:.4g}", f"{b:.4g}"] for name, a, b in rows], colLabels=["", "w1", "w2"],
        loc="upper center", cellLoc="center",
    )  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    table.scale(1.0, 2.6)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("0.8")
        if c == 1 and r > 0:
            cell.get_text().set_color(c1)
        if c == 2 and r > 0:
            cell.get_text().set_color(c2)
    table_ax.set_title("same scores, so the same data loss")
    # 2-D picture of the same idea: all w with w1 + w2 = 1 score the same on x = [1, 1]; the smallest L2 ball
    # touches that line at the spread-out (0.5, 0.5), while the L1 ball touches it along a whole segment.
    t = np.linspace(-0.4, 1.4, 2)
    geo.plot(t, 1 - t, color="0.2", linewidth=lw, label="wᵀx = 1 (same data loss)")
    theta = np.linspace(0, 2 * np.pi, 400)
    r2 = np.sqrt(0.5)
    geo.plot(
        r2 * np.cos(theta),
        r2 * np.sin(theta),
        color=c2,
        linewidth=lw,
        label="L2 ball: touches at (½, ½)",
    )
    geo.plot(
        [1, 0, -1, 0, 1],
        [0, 1, 0, -1, 0],
        color=c1,
        linewidth=lw,
        linestyle="--",
        label="L1 ball: touches all of [0,1]",
    )
    geo.plot([0.5], [0.5], marker="o", markersize=3.5 * lw, color=c2, zorder=4)
    geo.set_aspect("equal")
    geo.set_xlim(-1.2, 1.5)
    geo.set_ylim(-1.2, 1.5)
    geo.set_xlabel("w₁")
    geo.set_ylabel("w₂")
    geo.set_title("in two dimensions")
    geo.axhline(0, color="0.85", linewidth=0.5 * lw, zorder=0)
    geo.axvline(0, color="0.85", linewidth=0.5 * lw, zorder=0)
    geo.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)


# -- weight decay and conditioning ------------------------------------------------------------------------


def _positive_definite(surface: Any) -> bool | str:
    values, _ = hessian_eigen(surface, surface.minima[0] if len(surface.minima) else surface.start)
    low = float(np.min(values))
    return low > 0 or f"its Hessian's smallest eigenvalue there is {low:.3g}"


@dataclass(frozen=True)
class WeightDecayOptions(Options):
    lams: tuple[float, ...] = option(
        (0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0),
        numbers(
            minimum=0.0, maximum=1e6
        ),  # beyond, the regularized Hessian (2λ on its diagonal) overflows
        "the λ values measured",
    )
    steps: int = option(400, steps, "GD steps per measured rate")


@register_kind(
    "weight_decay_conditioning",
    "L2 regularization shifts the Hessian's eigenvalues by 2λ: kappa falls with λ, GD's measured rate falls with it, and the price: the minimum moves, the data loss there rises.",
    options=WeightDecayOptions,
    runs="none",
    animated=False,
    surfaces=SurfaceRule(
        _positive_definite,
        "a convex quadratic-like surface (a positive definite Hessian at its minimum)",
    ),
    study="optviz.studies.weight_decay_rates",
)
def _weight_decay_conditioning(fig: Any, data: PanelData, scene: Scene) -> None:
    w = data.study
    lams, dense, mu, L = w.lams, w.dense, w.mu, w.L
    kappa_theory, measured_kappa, measured_rate = w.kappa_theory, w.kappa, w.rate
    lw = linewidth()
    kap, rate, price = fig.subplots(1, 3)
    x_dense = np.where(dense == 0, np.nan, dense)
    kap.plot(x_dense, kappa_theory[:], color="0.3", linewidth=lw, label="(L + 2λ) / (μ + 2λ)")
    # κ is no rule's: a series colour (GD's measured rate keeps GD's colour).
    kap.plot(np.where(lams == 0, np.nan, lams), measured_kappa, linestyle="none", marker="o", markersize=3.5 * lw,
             color=style.SERIES[0], label="measured κ(H) at the minimum")  # fmt: skip
    kap.axhline(
        L / mu, color="0.6", linestyle=":", linewidth=0.8 * lw, label=f"λ = 0: κ = {L / mu:.3g}"
    )
    kap.set_xscale("log")
    kap.set_yscale("log")
    kap.set_xlabel("L2 strength λ")
    kap.set_ylabel("condition number κ")
    kap.set_title("κ falls with λ")
    rate_theory = w.rate_theory
    rate.plot(x_dense, rate_theory, color="0.3", linewidth=lw, label="theory: (κ − 1) / (κ + 1)")
    rate.plot(np.where(lams == 0, np.nan, lams), measured_rate, linestyle="none", marker="o", markersize=3.5 * lw,
              color=style.OKABE_ITO["vermillion"], label="measured GD rate at lr = 2/(L+μ)")  # fmt: skip
    rate.set_xscale("log")
    rate.set_xlabel("L2 strength λ")
    rate.set_ylabel("rate per step (lower is faster)")
    rate.set_title("so GD converges faster")
    rate.set_ylim(0, 1.05)  # the 1.0 tick label clear of the title
    _price(price, w, lw)
    for ax in (kap, rate, price):
        ax.grid(True)
    # One key below the three panels (no panel has a free corner for its own).
    handles, labels = [], []
    for ax in (kap, rate, price):
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.append(h)
            labels.append(label)
    figure_legend(fig, handles, labels, loc="outside lower center", ncols=3)


def _price(ax: Any, w: Any, lw: float) -> None:
    """What λ costs: the regularized minimum moves away from the data's, where the data loss is higher."""
    positive = w.lams > 0
    lams, loss = w.lams[positive], w.data_loss[positive]
    ax.set_xscale("log")
    ax.set_xlabel("L2 strength λ")
    ax.set_title("the price: data loss rises")
    if not np.any(loss > 0):
        ax.set_yticks([])
        place_text(ax, "minimum at the origin:\nL2 does not move it", (0.5, 0.5), xycoords="axes fraction",
                   spots=around(0.0), fontsize=fontsize(), color="0.2")  # fmt: skip
        ax.set_xlim(lams.min() / 2, lams.max() * 2)
        return
    ax.set_yscale("log")
    shown = loss > 0
    ax.plot(lams[shown], loss[shown], color=style.SERIES[1], linewidth=lw, marker="o", markersize=3.5 * lw,
            label="f(w*_λ) − f(w*) at the regularized minimum w*_λ")  # fmt: skip
    ax.set_ylabel("data loss above its minimum")


# -- test functions -------------------------------------------------------------------------------------

TEST_FUNCTIONS = (
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "matyas",
    "six_hump_camel",
    "styblinski_tang",
    "rastrigin",
    "ackley",
    "goldstein_price",
)


def _surface_names() -> list[str]:
    from optviz.surfaces import surface_names

    return surface_names()


def _gradient_rules() -> list[str]:
    from optviz.optimizers import rule_class, rule_names

    return [name for name in rule_names() if rule_class(name).uses_gradient]


@dataclass(frozen=True)
class ClassicFunctionsOptions(Options):
    functions: tuple[str, ...] = option(
        TEST_FUNCTIONS,
        names(_surface_names, what="surface", at_most=12),
        "the surfaces, one panel each",
    )
    rules: tuple[str, ...] = option(
        ("gd", "momentum", "nesterov", "adam"),
        # (each later rule is drawn thinner on top of the others: five still show)
        names(_gradient_rules, what="rule", at_most=5),
        "the rules run on each (gradient rules, at most five)",
    )
    steps: int = option(600, steps, "steps per run")
    columns: int = option(5, positive_int(12), "panels per row")


@register_kind(
    "test_functions",
    "The classic test functions in a grid, each with GD, Momentum, Nesterov and Adam from its suggested start.",
    options=ClassicFunctionsOptions,
    surface="none",
    runs="none",
    size=(12.8, 7.2),
    study="optviz.studies.classic_runs",
)
def _test_functions(fig: Any, data: PanelData, scene: Scene) -> None:

    grid = data.study
    cols = min(data.options.columns, len(grid))
    rows = -(-len(grid) // cols)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat[len(grid) :]:
        ax.remove()
    size = fontsize()
    for ax, panel in zip(axes.flat, grid, strict=False):
        s, runs = panel.surface, list(panel.runs)
        plot.contour(s, ax=ax, critical_points=True, label_critical=False, resolution=160)
        # Paths often coincide (Momentum and Nesterov, or all four stuck in one of Rastrigin's dips):
        # plot.trajectory draws covered paths wider, below, so every colour stays visible as a stripe.
        handle = plot.trajectory(runs, ax=ax, legend=False, hyperparams=False, every=10**6)
        scene.add(handle, last_step(runs))
        ax.set_title(s.title, fontsize=size)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_xticks([])
        ax.set_yticks([])
    place_legend(fig, [axes.flat[0]], "below")
