"""Slide-ready figures of real networks' loss landscapes, drawn from data that ``optviz.landscape`` computed.

Each function returns a :class:`Scene` (``scene.fig``; ``optviz.anim.write_scene_gif(scene, path)`` animates it):

- :func:`landscape_figure`: one plane's contours with every projected path, a colour bar of the loss, and beside
  them each path's off-plane residual (where the 2-D picture stops telling the truth);
- :func:`landscape_panels_figure`: one plane per path (a random plane around each solution, say) on shared
  contour levels, so sharp and flat minima compare at a glance, with the residuals below;
- :func:`sharpness_figure`: the largest and the most negative Hessian eigenvalue along each path, against the
  rule's stability threshold 2/lr;
- :func:`interpolation_figure`: the loss on the line from the initialization to each solution.

Nothing here imports torch or runs a model: the surfaces are ``LossSurface`` objects (any Surface works), the
paths Trajectories, the curves what ``optviz.landscape`` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import plot, style
from optviz.figures._kinds import FigureKind, PanelData
from optviz.figures._scene import Scene
from optviz.figures.layout import last_step, shared_legend
from optviz.figures.options import Options, option
from optviz.plot.placement import around, place_text

RESIDUAL_TITLE = r"off the plane: $\|\theta - \hat\theta\|\,/\,\|\theta - \theta_{ref}\|$"


# Typed options, as every figure kind's are (these figures are Python calls, so the values are not re-checked).
@dataclass(frozen=True)
class LandscapeOptions(Options):
    residuals: tuple[Any, ...] | None = option(
        None, None, "each path's off-plane residual per row (None: no residual panel)"
    )
    steps: tuple[Any, ...] | None = option(None, None, "the training step of each path's rows")
    counter: str = option("step {k}", None, "the animation's counter ({k}: the row shown)")


@dataclass(frozen=True)
class LandscapePanelsOptions(LandscapeOptions):
    surfaces: tuple[Any, ...] = option((), None, "one plane per path")
    titles: tuple[str, ...] | None = option(
        None, None, "each plane's title (default: its path's label)"
    )


def _tuple(values: Sequence[Any] | None) -> tuple[Any, ...] | None:
    return None if values is None else tuple(values)


@dataclass(frozen=True)
class CurveOptions(Options):
    curves: tuple[Any, ...] = option((), None, "Sharpness or Interpolation results, one per path")


def _build(
    draw: Any, name: str, data: PanelData, title: str | None, size: Any, dpi: Any, pyplot: bool
) -> Scene:
    from optviz.figures import build_scene

    kind = FigureKind(name=name, description=name, draw=draw, animated=True, size=style.SLIDE)
    return build_scene(kind, data, title=title, size=size, dpi=dpi, pyplot=pyplot)


def _axis_labels(ax: Any, surface: Any) -> None:
    labels = getattr(surface, "info", {}).get("axis_labels")
    if labels:
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])


def plane_title(surface: Any) -> str:
    """What the plane is, in words, with the explained variance of a PCA plane."""
    info = getattr(surface, "info", {})
    kind = info.get("plane", "")
    explained = info.get("explained_variance")
    if explained:
        return f"PCA plane of the paths: PC1 + PC2 explain {sum(explained):.1%}"
    if kind == "filter-normalized random":
        return f"random filter-normalized plane (seed {info.get('seed')})"
    if kind == "three models":
        return "plane through three models"
    return getattr(surface, "title", "")


def draw_landscape(
    ax: Any,
    surface: Any,
    trajectories: Sequence[Any],
    scene: Scene,
    *,
    levels: Any = None,
    colorbar: bool = True,
    colors: Sequence[Any] | None = None,
    hyperparams: bool = True,
    bands: Any = None,
) -> Any:
    """A landscape's contours with the paths on top (and a colour bar of the loss); returns the contour artists.

    ``bands``: the band edges that fix the fill's colours (panels that share one colour bar pass the same)."""
    artists = plot.contour(surface, ax=ax, levels=levels, critical_points=False)
    if bands is not None and artists.filled is not None:
        from matplotlib.colors import BoundaryNorm

        artists.filled.set_norm(
            BoundaryNorm(np.asarray(bands, dtype=float), ncolors=256, clip=True)
        )
    _axis_labels(ax, surface)
    if trajectories:
        handle = plot.trajectory(
            list(trajectories), ax=ax, color=list(colors) if colors else None, legend=False,
            hyperparams=hyperparams,
        )  # fmt: skip
        scene.add(handle, last_step(list(trajectories)))
    _mark_models(ax, surface)
    if colorbar and artists.filled is not None:
        # An inset beside the axes: as tall as the (equal-aspect) contour, whatever room the layout gives it.
        cax = ax.inset_axes([1.03, 0.0, 0.045, 1.0])
        bar = ax.figure.colorbar(artists.filled, cax=cax, label="loss")
        if getattr(surface, "level_scale", "linear") == "log":
            bar.ax.set_yscale("log")
        else:  # round numbers, not the band boundaries
            from matplotlib.ticker import MaxNLocator

            bar.ax.yaxis.set_major_locator(MaxNLocator(nbins=6))
    return artists


def _mark_models(ax: Any, surface: Any) -> None:
    """The named models of a three-model plane: a small black dot and its name."""
    marks = getattr(surface, "info", {}).get("marks") or {}
    size = _fontsize()
    for name, (a, b) in marks.items():
        # A ring under the paths' own start and end markers, which stay visible inside it.
        ax.plot(
            [a], [b], marker="o", markersize=0.75 * size, markerfacecolor="none", markeredgecolor="black",
            markeredgewidth=1.2, zorder=2.9, label="_model",
        )  # fmt: skip
        # Above the model first, else wherever it covers no path (the paths start and end at these models).
        place_text(
            ax, name, (a, b), spots=around(0.5 * size, prefer="above"), fontsize=size, color="0.1",
            zorder=4.5,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )  # fmt: skip


def _fontsize() -> float:
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=mpl.rcParams["font.size"]).get_size_in_points())


def _residual_panel(ax: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    handle = plot.residual(
        data.trajectories, opts.residuals, ax=ax, steps=opts.steps,
        color=[data.color(i) for i in range(len(data.trajectories))] if data.colors else None,
        hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))
    ax.set_title(RESIDUAL_TITLE)


def _landscape(fig: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    if opts.residuals is not None:
        ax, res = fig.subplots(1, 2, width_ratios=[1.6, 1])
    else:
        ax, res = fig.subplots(1, 1), None
    draw_landscape(
        ax,
        data.surface,
        data.trajectories,
        scene,
        colors=data.colors or None,
        hyperparams=data.hyperparams,
    )
    ax.set_title(data.title or plane_title(data.surface))
    if res is not None:
        _residual_panel(res, data, scene)
    shared_legend(fig, [ax] + ([res] if res is not None else []))
    scene.counter_format = opts.counter


def landscape_figure(
    surface: Any,
    trajectories: Sequence[Any],
    *,
    residuals: Sequence[Any] | None = None,
    steps: Sequence[Any] | None = None,
    title: str | None = None,
    panel_title: str | None = None,
    colors: Sequence[str | None] = (),
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    counter: str = "step {k}",
    pyplot: bool = True,
) -> Scene:
    """One plane's loss contours with every projected path, and (given ``residuals``) each path's off-plane
    residual against the training step (``steps[i]``: the step of each row) beside it.

    ``surface`` is a landscape (``optviz.landscape.landscape``) or any Surface; ``trajectories`` the projections'
    Trajectories; ``residuals[i]`` the residuals of ``trajectories[i]``'s rows. The contour panel's title says
    which plane it is (for a PCA plane, how much of the paths' variance the two components explain).
    ``counter`` is the animation's label (``{k}`` is the row shown)."""
    data = PanelData(
        surface=surface,
        trajectories=list(trajectories),
        colors=list(colors),
        title=panel_title,
        options=LandscapeOptions(residuals=_tuple(residuals), steps=_tuple(steps), counter=counter),
    )
    return _build(_landscape, "landscape", data, title, size, dpi, pyplot)


def _landscape_panels(fig: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    surfaces = opts.surfaces
    n = len(surfaces)
    top = [f"plane{i}" for i in range(n)]
    layout = [top, ["residual"] * n] if opts.residuals is not None else [top]
    axs = fig.subplot_mosaic(layout, height_ratios=[2.3, 1] if len(layout) == 2 else None)
    values = np.concatenate([np.ravel(s.values) for s in surfaces])
    scale = (
        "log" if all(getattr(s, "level_scale", "linear") == "log" for s in surfaces) else "linear"
    )
    finite = values[np.isfinite(values)]
    levels = plot.contour_levels(finite, n=14, scale=scale)
    # One colour per loss band in every panel: each panel's fill adds its own lowest and highest value as band
    # edges, so its bands are coloured by boundaries shared by all (the colour bar holds for every panel).
    bands = np.unique(np.concatenate([[finite.min()], levels, [finite.max()]]))
    titles = opts.titles or [None] * n
    for i, (s, t) in enumerate(zip(surfaces, data.trajectories, strict=True)):
        ax = axs[f"plane{i}"]
        color = [data.color(i)] if data.colors else None
        draw_landscape(ax, s, [t], scene, levels=levels, colorbar=i == n - 1, colors=color,
                       hyperparams=data.hyperparams, bands=bands)  # fmt: skip
        ax.set_title(titles[i] or t.label)
        if i:
            ax.set_ylabel("")
    if "residual" in axs:
        _residual_panel(axs["residual"], data, scene)
    shared_legend(fig, [axs[k] for k in top] + ([axs["residual"]] if "residual" in axs else []))
    scene.counter_format = opts.counter


def landscape_panels_figure(
    surfaces: Sequence[Any],
    trajectories: Sequence[Any],
    *,
    residuals: Sequence[Any] | None = None,
    steps: Sequence[Any] | None = None,
    titles: Sequence[str] | None = None,
    title: str | None = None,
    colors: Sequence[str | None] = (),
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    counter: str = "step {k}",
    pyplot: bool = True,
) -> Scene:
    """One plane per path, side by side on the same contour levels (``surfaces[i]`` shows
    ``trajectories[i]``), with every path's off-plane residual in one panel below."""
    surfaces, trajectories = list(surfaces), list(trajectories)
    if len(surfaces) != len(trajectories) or not surfaces:
        raise ValueError(
            f"one surface per path: got {len(surfaces)} surfaces, {len(trajectories)} paths"
        )
    data = PanelData(
        surface=surfaces[0],
        trajectories=trajectories,
        colors=list(colors),
        options=LandscapePanelsOptions(
            surfaces=tuple(surfaces),
            residuals=_tuple(residuals),
            steps=_tuple(steps),
            titles=_tuple(titles),
            counter=counter,
        ),
    )
    return _build(_landscape_panels, "landscape_panels", data, title, size, dpi, pyplot)


def _sharpness(fig: Any, data: PanelData, scene: Scene) -> None:
    curves = data.options.curves
    big, small = fig.subplots(1, 2, width_ratios=[1.3, 1])
    plot.eigenvalues(curves, ax=big, which="largest", hyperparams=data.hyperparams)
    big.set_title(r"sharpness $\lambda_{max}$ of the Hessian")
    plot.eigenvalues(curves, ax=small, which="smallest", hyperparams=data.hyperparams)
    small.set_title(r"most negative eigenvalue $\lambda_{min}$")
    shared_legend(fig, [big, small], ncols=3)
    scene.animated = False


def sharpness_figure(
    curves: Sequence[Any],
    *,
    title: str | None = None,
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    pyplot: bool = True,
) -> Scene:
    """The largest Hessian eigenvalue along each path against its rule's stability threshold (left), and the
    smallest one (right: below zero where the loss curves downwards). ``curves`` are ``optviz.landscape``
    ``Sharpness`` results."""
    data = PanelData(options=CurveOptions(curves=tuple(curves)))
    return _build(_sharpness, "sharpness", data, title, size, dpi, pyplot)


def _interpolation(fig: Any, data: PanelData, scene: Scene) -> None:
    ax = fig.subplots(1, 1)
    plot.interpolation(data.options.curves, ax=ax, hyperparams=data.hyperparams)
    ax.set_ylabel("loss")
    ax.set_title(data.title or r"$L((1-\alpha)\,\theta_{init} + \alpha\,\theta_{end})$")
    shared_legend(fig, [ax])
    scene.animated = False


def interpolation_figure(
    curves: Sequence[Any],
    *,
    title: str | None = None,
    panel_title: str | None = None,
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    pyplot: bool = True,
) -> Scene:
    """The loss along the straight line from the initialization (alpha = 0) to each solution (alpha = 1),
    Goodfellow et al. (2015). ``curves`` are ``optviz.landscape`` ``Interpolation`` results."""
    data = PanelData(options=CurveOptions(curves=tuple(curves)), title=panel_title)
    return _build(_interpolation, "interpolation", data, title, size, dpi, pyplot)
