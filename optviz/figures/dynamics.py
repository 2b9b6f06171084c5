"""Figure kinds of optimizer dynamics no other visualizer draws (issue 18, items 7-10); their numbers come from
:mod:`optviz.dynamics` (the Engine), handed over as ``data.study``:

- ``basins``: which minimum every start of a fine grid reaches, one map per rule, beside each rule's shares.
- ``sharpness``: lambda_max(H) along each path (Adam: its preconditioned sharpness) against the rule's stability
  threshold, with the step along the top eigenvector, beside the paths and the losses.
- ``preconditioner``: Adam's effective per-coordinate step as an axis-aligned ellipse along its path, and the
  condition number of the preconditioned Hessian beside kappa(H).
- ``stationary_noise``: noisy runs' stationary clouds over many seeds, each inside the ellipse the Lyapunov
  equation predicts.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import limits, plot, style
from optviz._validate import ParameterError, integer, positive
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import legend_option
from optviz.figures.options import Options, option
from optviz.plot.common import fontsize, linewidth, run_colors, run_label
from optviz.plot.frames import Appears, Grows

# -- basins ----------------------------------------------------------------------------------------------------
DIVERGED_COLOR = "#1A1A1A"
UNSETTLED_COLOR = "#E4E4E4"


def _basin_grid(field: str, value: Any) -> int:
    return integer(field, value, minimum=8, maximum=limits.MAX_BASIN_GRID)


def _frames(field: str, value: Any) -> int:
    return integer(field, value, minimum=0, maximum=100)


def _tol(field: str, value: Any) -> float:
    return positive(field, value)


@dataclass(frozen=True)
class BasinsOptions(Options):
    grid: int = option(
        400, _basin_grid, "starts a side: grid x grid starts over the view, each run by every rule"
    )
    tol: float = option(
        1e-4, _tol, "a run has reached a minimum once its gradient norm is below this"
    )
    frames: int = option(
        0,
        _frames,
        "snapshots of the basins filling in over the steps, for the GIF (0: the end only)",
    )
    legend: str = legend_option()


def _check_basin_runs(surface: Any, runs: Any, options: Any) -> None:
    if len(runs) > limits.MAX_BASIN_RULES:
        raise ParameterError(
            "run",
            f"figure kind 'basins' draws at most {limits.MAX_BASIN_RULES} rules, got {len(runs)}",
        )
    total = options.grid * options.grid * sum(int(r.steps) for r in runs)
    if total > limits.MAX_ENDPOINT_STEPS:
        raise ParameterError(
            "figure.grid",
            f"{options.grid} x {options.grid} starts x the runs' steps is {total:,} run-steps; the limit is "
            f"{limits.MAX_ENDPOINT_STEPS:,} (a coarser grid or fewer steps)",
        )
    for i, r in enumerate(runs):
        if getattr(r, "noise", None) is not None:
            raise ParameterError(
                f"run[{i}].noise", "basins are drawn for exact gradients: remove the noise"
            )
        if not r.optimizer.uses_gradient:
            raise ParameterError(
                f"run[{i}].rule", f"{r.optimizer.label} uses no gradient: it has no basins"
            )


def basin_colors(k: int) -> list[str]:
    """The colours of k minima (series colours: a minimum is not a rule), then diverged and unsettled."""
    base = list(style.SERIES)
    colors = [base[i] if i < len(base) else style.shade(base[i % len(base)], 2) for i in range(k)]
    return [*colors, DIVERGED_COLOR, UNSETTLED_COLOR]


def _label_image(labels: np.ndarray, k: int) -> np.ndarray:
    """Labels (index, -2 diverged, -1 unsettled) as indices into :func:`basin_colors`."""
    return np.where(labels >= 0, labels, np.where(labels == -2, k, k + 1))


@dataclass
class BasinFrames:
    """The basins maps and share bars at step k: each run's label as of the latest snapshot at or before k (the
    runs still running then are unsettled), the final labels at the last step (or when there are no snapshots)."""

    images: list[Any]
    bars: list[list[Any]]  # per rule, one rectangle per label of ``order``
    order: list[int]
    frames: np.ndarray
    labels_at: tuple[np.ndarray, ...]
    final: list[np.ndarray]
    k_minima: int
    last: int

    def labels(self, i: int, k: int) -> np.ndarray:
        if len(self.frames) == 0 or k >= self.last:
            return self.final[i]
        j = int(np.searchsorted(self.frames, k, side="right")) - 1
        return self.labels_at[i][max(j, 0)]

    def keyframes(self) -> list[int]:
        """The steps at which the picture changes (the scene's keyframes): the first snapshot, each later one
        where some start's label differs from the picture before it (once every run has settled, a snapshot
        repeats the previous one), and the last step, which the animation ends on."""
        candidates = sorted({*(int(f) for f in self.frames), int(self.last)})
        keys = candidates[:1]
        for k in candidates[1:-1]:
            if any(
                not np.array_equal(self.labels(i, k), self.labels(i, keys[-1]))
                for i in range(len(self.final))
            ):
                keys.append(k)
        if keys[-1] != candidates[-1]:
            keys.append(candidates[-1])
        return keys

    def set_frame(self, k: int) -> list[Any]:
        changed: list[Any] = []
        for i, img in enumerate(self.images):
            labels = self.labels(i, k)
            img.set_data(_label_image(labels, self.k_minima))
            left = 0.0
            for rect, label in zip(self.bars[i], self.order, strict=True):
                share = 100 * float(np.mean(labels == label))
                rect.set_x(left)
                rect.set_width(share)
                left += share
            changed += [img, *self.bars[i]]
        return changed


def _minimum_text(xy: np.ndarray, value: float) -> str:
    value = 0.0 if abs(value) < 1e-12 else value  # rounding's 1e-31 is the exact 0
    return f"({xy[0]:.2f}, {xy[1]:.2f}), f = {value:.3g}"


@register_kind(
    "basins",
    "Basins of attraction: every start of a fine grid coloured by the minimum each rule reaches (diverged and unsettled starts too), one map per rule, beside each rule's shares.",
    options=BasinsOptions,
    runs="required",
    check=_check_basin_runs,
    study="optviz.dynamics.basins",
)
def _basins(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    b = data.study
    n, k = len(b.rules), len(b.minima)
    colors = basin_colors(k)
    cmap = ListedColormap(colors)
    rows = 1 if n == 1 else 2
    cols = math.ceil(n / rows)
    (x0, x1), (y0, y1) = (b.xs[0], b.xs[-1]), (b.ys[0], b.ys[-1])
    dx, dy = (x1 - x0) / (len(b.xs) - 1) / 2, (y1 - y0) / (len(b.ys) - 1) / 2
    extent = (x0 - dx, x1 + dx, y0 - dy, y1 + dy)
    aspect = (extent[1] - extent[0]) / (extent[3] - extent[2])
    ratio = min(max(aspect, 0.6), 1.8)
    mosaic = [
        [f"m{r * cols + c}" if r * cols + c < n else "." for c in range(cols)] + ["shares"]
        for r in range(rows)
    ]
    axs = fig.subplot_mosaic(mosaic, width_ratios=[ratio] * cols + [0.9 * ratio])
    images = []
    mark = max(3.0, 0.35 * fontsize())
    names_xy = getattr(data.surface, "param_names", ("x", "y"))
    for i, t in enumerate(data.trajectories):
        ax = axs[f"m{i}"]
        final = _label_image(b.labels[i], k)
        img = ax.imshow(final, origin="lower", extent=extent, cmap=cmap, vmin=-0.5, vmax=len(colors) - 0.5,
                        interpolation="nearest", aspect="equal")  # fmt: skip
        images.append(img)
        if k:
            ax.plot(b.minima[:, 0], b.minima[:, 1], linestyle="none", marker="o", markersize=mark,
                    markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.8, zorder=3,
                    label="_minima")  # fmt: skip
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_title(run_label(t), fontsize=fontsize())
        # Coordinates to read a start off: every map has the same view, so as in a grid of shared axes the
        # numbers are on the outer edges (the left column's y, the x of a map with none below it), the ticks
        # on every map.
        row, col = divmod(i, cols)
        last_in_column = (row + 1) * cols + col >= n
        ax.tick_params(labelbottom=last_in_column, labelleft=col == 0)
        if last_in_column:
            ax.set_xlabel(names_xy[0])
        if col == 0:
            ax.set_ylabel(names_xy[1])
    # Each rule's shares of the starts: one stacked bar a rule, minima first, then diverged and unsettled.
    bars = axs["shares"]
    order = [*range(k), -2, -1]
    names = [run_label(t, hyperparams=False) for t in data.trajectories]
    rects = []
    for i in range(
        n
    ):  # every label a rectangle (zero wide where no start has it): the animation sets them
        row = bars.barh([n - 1 - i] * len(order), [0.0] * len(order), left=0.0, color=colors[: len(order)],
                        edgecolor="white", linewidth=0.5, height=0.7)  # fmt: skip
        rects.append(list(row.patches))
    bars.set_yticks(range(n), names[::-1])
    bars.set_xlim(0, 100)
    bars.set_xlabel("share of the starts (%)")
    bars.set_title(f"{len(b.xs)} × {len(b.ys)} starts, {b.steps} steps", fontsize=fontsize())
    handles = [Patch(facecolor=colors[j], edgecolor="0.5", linewidth=0.5,
                     label=f"minimum {_minimum_text(b.minima[j], b.values[j])}") for j in range(k)]  # fmt: skip
    handles += [
        Patch(facecolor=DIVERGED_COLOR, label="diverged"),
        Patch(facecolor=UNSETTLED_COLOR, edgecolor="0.5", linewidth=0.5,
              label=f"no minimum reached (|∇f| ≥ {b.tol:g})"),
    ]  # fmt: skip
    where = data.options.legend
    if where != "none":
        loc = {"below": "outside lower center", "right": "outside right center"}.get(
            where, "outside lower center"
        )
        fig.legend(handles=handles, loc=loc, ncols=2 if where != "right" else 1, frameon=False,
                   fontsize=0.9 * fontsize())  # fmt: skip
    if data.title:
        fig.suptitle(data.title)
    handle = BasinFrames(
        images, rects, order, b.frames, b.labels_at, [b.labels[i] for i in range(n)], k, b.steps
    )
    scene.add(handle, b.steps)
    # The maps change only at the snapshots where some label changes, and at the end (BasinFrames.keyframes):
    # one GIF frame each.
    scene.keyframes = handle.keyframes()
    scene.results.update(basins=b)


# -- stationary_noise ------------------------------------------------------------------------------------------
PREDICTED_COLOR = "#1A1A1A"


def _cloud_seeds(field: str, value: Any) -> int:
    return integer(field, value, minimum=10, maximum=limits.MAX_CLOUD_SEEDS)


@dataclass(frozen=True)
class StationaryNoiseOptions(Options):
    seeds: int = option(
        2000,
        _cloud_seeds,
        "runs of each [[run]] (seeds 0, 1, ...): the cloud of their last iterates",
    )
    columns: int = option(
        0, lambda f, v: integer(f, v, minimum=0, maximum=6), "panels a row (0: automatic)"
    )
    frames: int = option(
        0,
        _frames,
        "snapshots of the clouds spreading out over the steps, for the GIF (0: the end only)",
    )
    legend: str = legend_option()


def _check_cloud_runs(surface: Any, runs: Any, options: Any) -> None:
    if surface is not None and len(getattr(surface, "minima", ())) == 0:
        raise ParameterError(
            "surface", "figure kind 'stationary_noise' needs a surface with a known minimum"
        )
    total = options.seeds * sum(int(r.steps) for r in runs)
    if total > limits.MAX_ENDPOINT_STEPS:
        raise ParameterError(
            "figure.seeds",
            f"{options.seeds} seeds x the runs' steps is {total:,} run-steps; the limit is "
            f"{limits.MAX_ENDPOINT_STEPS:,} (fewer seeds or steps)",
        )
    for i, r in enumerate(runs):
        if r.optimizer.name not in ("gd", "momentum", "nesterov"):
            raise ParameterError(
                f"run[{i}].rule", f"must be gd, momentum or nesterov, got {r.optimizer.name!r}"
            )
        if getattr(r.noise, "sigma", None) is None:
            raise ParameterError(
                f"run[{i}].noise", "must be Gaussian noise: noise = { sigma = ... }"
            )


def _cloud_title(t: Any, c: Any) -> str:
    trace_p = c.predicted[0, 0] + c.predicted[1, 1]
    trace_m = c.measured[0, 0] + c.measured[1, 1]
    return f"{run_label(t)}, σ = {c.sigma:g}\ntr Σ: predicted {trace_p:.3g}, measured {trace_m:.3g}"


@dataclass
class CloudFrames:
    """A cloud of seeds at step k: the latest snapshot at or before k (the last step: the final cloud)."""

    artist: Any
    at: np.ndarray
    xy_at: np.ndarray
    final: np.ndarray
    last: int

    def set_frame(self, k: int) -> list[Any]:
        if len(self.at) == 0 or k >= self.last:
            xy = self.final
        else:
            xy = self.xy_at[max(int(np.searchsorted(self.at, k, side="right")) - 1, 0)]
        self.artist.set_data(xy[:, 0], xy[:, 1])
        return [self.artist]


@register_kind(
    "stationary_noise",
    "Noisy runs' stationary clouds over many seeds, each with the covariance ellipse the Lyapunov equation predicts (2 standard deviations) and the measured one.",
    options=StationaryNoiseOptions,
    runs="required",
    check=_check_cloud_runs,
    study="optviz.dynamics.stationary_clouds",
)
def _stationary_noise(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    clouds = data.study
    n = len(clouds)
    cols = data.options.columns or (n if n <= 3 else math.ceil(n / 2))
    rows = math.ceil(n / cols)
    axs = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
    colors = run_colors(data.trajectories, [data.color(i) for i in range(n)])
    # One view for every panel (so the clouds compare): the largest ellipse, with room.
    pts = np.concatenate(
        [np.concatenate([c.predicted_ellipse, c.measured_ellipse]) for c in clouds]
    )
    center = clouds[0].center
    half = 1.25 * float(np.max(np.abs(pts - center)))
    bounds = ((center[0] - half, center[0] + half), (center[1] - half, center[1] + half))
    lw = linewidth()
    for i, (t, c) in enumerate(zip(data.trajectories, clouds, strict=True)):
        ax = axs[i // cols][i % cols]
        plot.contour(data.surface, ax=ax, bounds=bounds, critical_points=False, n_levels=8)
        (dots,) = ax.plot(c.xy[:, 0], c.xy[:, 1], linestyle="none", marker="o", markersize=0.8 * lw, alpha=0.3,
                          markeredgewidth=0, color=colors[i], label=f"_cloud{i}", zorder=2)  # fmt: skip
        scene.add(CloudFrames(dots, c.at, c.xy_at, c.xy, c.steps), c.steps)
        # The ellipses over the cloud, each on a white halo so that the dense cloud does not swallow it.
        halo = [patheffects.Stroke(linewidth=2.2 * lw, foreground="white"), patheffects.Normal()]
        ax.plot(*c.measured_ellipse.T, color=colors[i], linewidth=lw, zorder=3, label="_measured",
                path_effects=halo)  # fmt: skip
        ax.plot(*c.predicted_ellipse.T, color=PREDICTED_COLOR, linewidth=0.8 * lw, linestyle=(0, (4, 3)),
                zorder=4, label="_predicted")  # fmt: skip
        ax.set_title(_cloud_title(t, c), fontsize=0.9 * fontsize())
    for j in range(n, rows * cols):
        axs[j // cols][j % cols].set_visible(False)
    handles = [
        Line2D([], [], linestyle="none", marker="o", color="0.4", label=f"{len(clouds[0].xy):,} seeds' iterates"),
        Line2D([], [], color="0.4", linewidth=lw, label="measured covariance (2σ)"),
        Line2D([], [], color=PREDICTED_COLOR, linewidth=0.8 * lw, linestyle=(0, (4, 3)),
               label="predicted, Lyapunov equation (2σ)"),
    ]  # fmt: skip
    where = data.options.legend
    if where != "none":
        loc = {"right": "outside right center"}.get(where, "outside lower center")
        fig.legend(handles=handles, loc=loc, ncols=1 if where == "right" else 3, frameon=False,
                   fontsize=0.9 * fontsize())  # fmt: skip
    if data.title:
        fig.suptitle(data.title)
    # The clouds change only at their snapshots and at their last steps (CloudFrames): one GIF frame each.
    scene.keyframes = sorted(
        {*(int(k) for c in clouds for k in c.at), *(int(c.steps) for c in clouds)}
    )
    scene.results.update(clouds=clouds)


# -- sharpness -------------------------------------------------------------------------------------------------
SHARPNESS_RULES = (
    "gd",
    "momentum",
    "nesterov",
    "adam",
)  # the rules optviz.dynamics.stability_threshold knows


def _check_sharpness_runs(surface: Any, runs: Any, options: Any) -> None:
    for i, r in enumerate(runs):
        if r.optimizer.name not in SHARPNESS_RULES:
            raise ParameterError(
                f"run[{i}].rule",
                f"must be one of {', '.join(SHARPNESS_RULES)}, got {r.optimizer.name!r}",
            )
        if getattr(r, "schedule", None) is not None:
            raise ParameterError(
                f"run[{i}].schedule", "the threshold is for a constant lr: remove the schedule"
            )


@dataclass(frozen=True)
class SharpnessOptions(Options):
    legend: str = legend_option()


def _threshold_text(r: Any) -> str:
    formula = {"gd": "2/lr", "momentum": "(2+2ρ)/lr", "nesterov": "(2+2ρ)/((1+2ρ)lr)",
               "adam": "(2+2β₁)/((1−β₁)lr), of P H"}[r.rule.name]  # fmt: skip
    return f"threshold {formula} = {r.threshold:.3g}"


def _log_positive(ax: Any, values: Any) -> None:
    finite = [v[(v > 0) & np.isfinite(v)] for v in values]
    finite = [v for v in finite if len(v)]
    if finite:
        ax.set_yscale("log")


@register_kind(
    "sharpness",
    "Sharpness along the path: lambda_max(H) at each iterate (Adam: its preconditioned sharpness) against each rule's stability threshold, and the step along the top eigenvector, which oscillates and grows past it; beside the paths and the losses.",
    options=SharpnessOptions,
    runs="required",
    check=_check_sharpness_runs,
    study="optviz.dynamics.sharpness_along",
)
def _sharpness(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib.lines import Line2D

    from optviz.figures.basic import draw_paths

    res = data.study
    (x0, x1), (y0, y1) = data.bounds
    aspect = min(
        max((x1 - x0) / (y1 - y0), 0.5), 1.6
    )  # the path panel's share follows its view's shape
    axs = fig.subplot_mosaic(
        [["path", "loss"], ["path", "sharp"], ["path", "comp"]], width_ratios=[aspect, 1.1]
    )
    colors = run_colors(data.trajectories, [data.color(i) for i in range(len(data.trajectories))])
    draw_paths(axs["path"], dataclasses.replace(data, colors=colors), scene)
    lw = linewidth()
    for t, r, col in zip(data.trajectories, res, colors, strict=True):
        n = len(r.sharpness)
        steps = np.arange(n)
        comp = np.abs(r.component)
        # step k's component belongs to iteration k + 1 (it is the step that reaches it): a blank first point
        comp = np.concatenate([[np.nan], np.where(comp > 0, comp, np.nan)])
        curves = [
            (axs["loss"], np.asarray(t.loss)[:n], "_loss"),
            (axs["sharp"], r.sharpness / r.threshold, f"_sharpness {run_label(t)}"),
            (axs["comp"], comp, "_component"),
        ]
        for ax, values, label in curves:
            (line,) = ax.plot(steps, values, color=col, linewidth=0.8 * lw, label=label)
            scene.add(Grows(line, steps, values, n - 1), n - 1)
    _log_positive(axs["loss"], [np.asarray(t.loss) for t in data.trajectories])
    axs["sharp"].set_yscale("log")
    axs["sharp"].axhline(
        1.0, color="0.2", linewidth=0.8 * lw, linestyle=(0, (4, 3)), label="_threshold"
    )
    axs["comp"].set_yscale("log")
    axs["loss"].set_ylabel("loss")
    axs["sharp"].set_ylabel("λ_max / threshold")
    axs["comp"].set_ylabel("|Δx · v_top|")
    axs["comp"].set_xlabel("iteration")
    for name in ("loss", "sharp"):
        axs[name].sharex(axs["comp"])
        axs[name].tick_params(labelbottom=False)
    # No titles over the narrow side panels (they would run into their neighbours): the y labels say it.
    from matplotlib.ticker import NullFormatter

    for name in ("loss", "sharp", "comp"):  # decades only: minor labels of a short log axis collide
        if axs[name].get_yscale() == "log":
            axs[name].yaxis.set_minor_formatter(NullFormatter())
    # The legend: each run with its threshold (the formula and its value).
    handles = [Line2D([], [], color=col, linewidth=lw, label=f"{run_label(t)}: {_threshold_text(r)}")
               for t, r, col in zip(data.trajectories, res, colors, strict=True)]  # fmt: skip
    where = data.options.legend
    if where != "none":
        loc = {"right": "outside right center"}.get(where, "outside lower center")
        fig.legend(handles=handles, loc=loc, ncols=1 if where == "right" else 2, frameon=False,
                   fontsize=0.9 * fontsize())  # fmt: skip
    scene.results.update(sharpness=res)


# -- preconditioner --------------------------------------------------------------------------------------------
ELLIPSE_COLOR = "#1A1A1A"


def _ellipses(field: str, value: Any) -> int:
    return integer(field, value, minimum=1, maximum=60)


@dataclass(frozen=True)
class PreconditionerOptions(Options):
    ellipses: int = option(
        10, _ellipses, "ellipses drawn along each path (at evenly spaced iterates)"
    )
    legend: str = legend_option()


def _check_adam_runs(surface: Any, runs: Any, options: Any) -> None:
    for i, r in enumerate(runs):
        if r.optimizer.name != "adam":
            raise ParameterError(
                f"run[{i}].rule",
                f"must be adam (the preconditioner is Adam's), got {r.optimizer.name!r}",
            )


@register_kind(
    "preconditioner",
    "Adam's preconditioner: the effective per-coordinate step lr/(sqrt(v_hat)+eps) as an axis-aligned ellipse along the path, and the condition number of the preconditioned Hessian beside kappa(H).",
    options=PreconditionerOptions,
    runs="required",
    check=_check_adam_runs,
    study="optviz.dynamics.adam_steps",
)
def _preconditioner(fig: Any, data: PanelData, scene: Scene) -> None:
    from optviz.figures.basic import draw_paths, place_legend

    res = data.study
    path_ax, kappa_ax = fig.subplots(2, 1, height_ratios=[3, 1.3])
    colors = run_colors(data.trajectories, [data.color(i) for i in range(len(data.trajectories))])
    draw_paths(path_ax, dataclasses.replace(data, colors=colors), scene)
    (x0, x1), (y0, y1) = data.bounds
    # Shapes, not sizes: every ellipse's larger semi-axis is 4% of the view's diagonal.
    size = 0.055 * float(np.hypot(x1 - x0, y1 - y0))
    lw = linewidth()
    for r in res:
        for j, k in enumerate(r.shown):
            cx, cy = r.xy[k]
            (newton,) = path_ax.plot(cx + size * r.newton_shape[j, :, 0], cy + size * r.newton_shape[j, :, 1], color="0.45",
                         linewidth=0.6 * lw, linestyle=(0, (3, 2)), zorder=4,
                         label="shape of H⁻¹ (what would fit)" if j == 0 else "_newton")  # fmt: skip
            (adam,) = path_ax.plot(cx + size * r.adam_shape[j, :, 0], cy + size * r.adam_shape[j, :, 1], color=ELLIPSE_COLOR,
                         linewidth=0.7 * lw, zorder=5,
                         label="shape of Adam's step lr/(√v̂ᵢ+ε)" if j == 0 else "_adam")  # fmt: skip
            # each pair of shapes appears when the path reaches its iterate
            scene.add(Appears(newton, int(k)))
            scene.add(Appears(adam, int(k)))
    for r, col in zip(res, colors, strict=True):
        n = np.arange(len(r.kappa))
        (kappa,) = kappa_ax.plot(
            n,
            r.kappa,
            color=col,
            linewidth=0.8 * lw,
            label=f"{r.label}: κ of the preconditioned diag(p) H",
        )
        (kappa_h,) = kappa_ax.plot(
            n, r.kappa_h, color="0.35", linewidth=0.8 * lw, linestyle=(0, (4, 3)), label="κ(H)"
        )
        for line, values in ((kappa, r.kappa), (kappa_h, r.kappa_h)):
            scene.add(Grows(line, n, values, len(n) - 1), len(n) - 1)
    values = np.concatenate([np.concatenate([r.kappa, r.kappa_h]) for r in res])
    values = values[np.isfinite(values) & (values > 0)]
    if (
        len(values) and values.max() > 20 * values.min()
    ):  # decades (a near-singular Hessian): a log axis
        from matplotlib.ticker import NullFormatter

        kappa_ax.set_yscale("log")
        kappa_ax.yaxis.set_minor_formatter(NullFormatter())
    elif len(values):
        kappa_ax.set_ylim(0, 1.15 * float(values.max()))
    kappa_ax.set_ylabel("κ")
    kappa_ax.set_xlabel("iteration")
    place_legend(fig, [path_ax, kappa_ax], data.options.legend)
    scene.results.update(adam_steps=res)
