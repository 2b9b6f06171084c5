"""The Hessian's condition number over the view: where a surface is poorly conditioned, and where it is not convex."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.analysis import condition_number, hessian_eigen
from optviz.plot.common import (
    as_runs,
    fontsize,
    get_ax,
    linewidth,
    per_run,
    run_labels,
    single_runs,
)
from optviz.plot.frames import Animated, Grows
from optviz.plot.placement import around, place_text
from optviz.plot.views import fitted, measuring
from optviz.surfaces.base import Bounds, Surface


@dataclass
class ConditionArtists:
    """What :func:`condition_map` drew. ``image.get_array()`` is ``condition_number`` on ``grid``."""

    image: Any = None
    indefinite: Any = None
    concave: Any = None
    glyphs: list[Any] = field(default_factory=list)
    annotations: list[Any] = field(default_factory=list)
    colorbar: Any = None
    grid: np.ndarray | None = None
    kappa: np.ndarray | None = None

    def legend_handles(self) -> list[Any]:
        """Legend patches for the hatched regions that were drawn (contour sets have no legend handle)."""
        from matplotlib.patches import Patch

        out = []
        for region, hatch in ((self.indefinite, "//"), (self.concave, "..")):
            if region is not None:
                out.append(
                    Patch(
                        facecolor="0.35", edgecolor="white", hatch=hatch, label=region.get_label()
                    )
                )
        return out


def condition_map(
    surface: Surface,
    ax: Any = None,
    *,
    bounds: Bounds | None = None,
    resolution: int = 200,
    cmap: Any = None,
    vmax: float | None = None,
    glyphs: Any = "auto",
    annotate_minima: bool = True,
    colorbar: bool = True,
    equal_aspect: bool = True,
) -> ConditionArtists:
    """Draw kappa(H) = |lambda|max / |lambda|min over the view on a log colour scale.

    Where the Hessian is indefinite (one negative eigenvalue: saddle-like) the map is hatched ``//``; where it is
    negative definite (a cap) it is hatched ``..``. ``glyphs`` are points (or ``"auto"``: the minima and saddles,
    or a 3 x 3 lattice when none is known) where a cross shows the Hessian's eigen-directions, each arm
    proportional to ``1/sqrt|lambda|`` like the axes of the local quadratic model's level set; a dashed arm marks a
    negative eigenvalue. ``legend_handles()`` on the result gives patches for the hatched regions. Minima are annotated with their kappa.
    """
    import matplotlib as mpl
    from matplotlib.colors import LogNorm

    ax = get_ax(ax)
    bounds = bounds or surface.bounds
    if equal_aspect:
        bounds = fitted(ax, bounds)  # widened to the panel's box inside a figure kind
        if measuring():
            resolution = min(resolution, 24)
    X, Y, XY = surface.grid(resolution, bounds)
    kappa = condition_number(surface, XY)
    values, _ = hessian_eigen(surface, XY)
    finite = kappa[np.isfinite(kappa)]
    top = vmax or (max(float(finite.max()), 10.0) if finite.size else 10.0)
    (x0, x1), (y0, y1) = bounds
    out = ConditionArtists(grid=XY, kappa=kappa)
    # Singular points (kappa = inf) are masked and drawn in the colour of the top of the scale.
    colormap = mpl.colormaps[cmap or style.CONDITION_CMAP]
    colormap = colormap.with_extremes(bad=colormap(1.0), over=colormap(1.0))
    out.image = ax.imshow(
        np.ma.masked_invalid(kappa),
        origin="lower",
        extent=(x0, x1, y0, y1),
        cmap=colormap,
        norm=LogNorm(vmin=1.0, vmax=top),
        interpolation="nearest",
        aspect="equal" if equal_aspect else "auto",
        zorder=0.5,
    )
    indefinite = (values[..., 0] < 0) & (values[..., 1] > 0)
    concave = values[..., 1] < 0
    if indefinite.any():
        out.indefinite = _hatch(ax, X, Y, indefinite, "//", "indefinite (saddle-like)")
    if concave.any():
        out.concave = _hatch(ax, X, Y, concave, "..", "negative definite")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(surface.param_names[0])
    ax.set_ylabel(surface.param_names[1])
    if colorbar:
        out.colorbar = ax.figure.colorbar(
            out.image, ax=ax, label=r"$\kappa(H) = |\lambda|_{max}/|\lambda|_{min}$"
        )
    points = (
        _glyph_points(surface, bounds) if isinstance(glyphs, str) and glyphs == "auto" else glyphs
    )
    if points is not None and len(points):
        out.glyphs = eigen_glyphs(surface, np.asarray(points, dtype=float), ax, bounds=bounds)
    if annotate_minima:
        size = fontsize()
        for m in surface.minima:
            if not (x0 <= m[0] <= x1 and y0 <= m[1] <= y1):
                continue
            k = float(condition_number(surface, m))
            out.annotations.append(place_text(
                ax, f"κ = {k:.3g}", m, spots=around(0.5 * size, prefer="above right"), fontsize=size,
                color="black", zorder=4,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "0.6", "alpha": 0.9},
            ))  # fmt: skip
    return out


@dataclass
class ConditionCurveArtists(Animated):
    """What :func:`condition_curve` drew: one ``Line2D`` per run (x: iteration k, y: kappa(H(x_k)))."""

    lines: list[Any] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    legend: Any = None


def condition_curve(
    surface: Surface,
    trajectories: Any,
    ax: Any = None,
    *,
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    legend: bool | str = True,
) -> ConditionCurveArtists:
    """Plot the Hessian's condition number kappa(H) at each iterate ``t.xy[k]`` against k, on a log axis.

    Constant on a quadratic (its Hessian is), it shows where a run passes through poorly conditioned regions
    of other surfaces. Where the Hessian is singular (kappa = inf) the curve has a gap. Frame-settable: the
    curves grow with ``set_frame(k)``.
    """
    ax = get_ax(ax)
    out = ConditionCurveArtists()
    groups = as_runs(trajectories)
    colors = per_run(color, len(groups), "color")
    labels = run_labels(groups, label, hyperparams=hyperparams)
    lw = linewidth()
    for index, group in enumerate(groups):
        col = colors[index] or style.rule_color(getattr(group, "rule", ""), index)
        text = labels[index]
        for j, run in enumerate(single_runs(group)):
            stop = int(run.stop_step)
            kappa = condition_number(surface, np.asarray(run.path[: stop + 1], dtype=float))
            kappa = np.where(np.isfinite(kappa), kappa, np.nan)
            k = np.arange(len(kappa))
            (line,) = ax.plot(
                k, kappa, color=col, linewidth=lw, label=text if j == 0 else "_nolegend_", zorder=3
            )
            out.lines.append(line)
            out.frames.append(Grows(line, k, kappa, stop))
    ax.set_yscale("log")
    finite = np.concatenate([line.get_ydata() for line in out.lines] or [np.ones(1)])
    finite = finite[np.isfinite(finite)]
    if finite.size and finite.max() / finite.min() < 10:
        # A (nearly) constant kappa: a decade around it, so the flat line reads as flat.
        mid = float(np.sqrt(finite.max() * finite.min()))
        ax.set_ylim(mid / np.sqrt(10), mid * np.sqrt(10))
    ax.set_xlabel("iteration k")
    ax.set_ylabel(r"$\kappa(H(x_k))$")
    ax.grid(True, which="major")
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out


def _hatch(ax: Any, X: np.ndarray, Y: np.ndarray, mask: np.ndarray, hatch: str, label: str) -> Any:
    import matplotlib as mpl

    with mpl.rc_context({"hatch.color": "white", "hatch.linewidth": 0.8 * linewidth() / 2.25}):
        region = ax.contourf(
            X, Y, mask.astype(float), levels=[0.5, 1.5], colors="none", hatches=[hatch], zorder=0.7
        )
    region.set_label(label)
    return region


def _glyph_points(surface: Surface, bounds: Bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    known = (
        np.concatenate([surface.minima, surface.saddles])
        if len(surface.saddles)
        else surface.minima
    )
    inside = [p for p in known if x0 <= p[0] <= x1 and y0 <= p[1] <= y1]
    if inside:
        return np.array(inside)
    u = np.linspace(0.2, 0.8, 3)
    return np.array([(x0 + a * (x1 - x0), y0 + b * (y1 - y0)) for b in u for a in u])


def eigen_glyphs(
    surface: Surface,
    points: np.ndarray,
    ax: Any = None,
    *,
    bounds: Bounds | None = None,
    size: float = 0.09,
    color: str = "white",
) -> list[Any]:
    """At each point, a cross along the Hessian's eigenvectors with arms proportional to ``1/sqrt|lambda|``.

    The longest arm in the set is ``size`` times the view's diagonal. Returns one ``Line2D`` per arm; each has
    ``.eigenvalue`` and ``.eigenvector`` attributes for tests and readers.
    """
    from matplotlib import patheffects

    ax = get_ax(ax)
    (x0, x1), (y0, y1) = bounds or surface.bounds
    diag = np.hypot(x1 - x0, y1 - y0)
    values, vectors = hessian_eigen(surface, points)
    with np.errstate(divide="ignore"):
        arms = 1.0 / np.sqrt(np.abs(values))
    finite = arms[np.isfinite(arms)]
    unit = size * diag / (finite.max() if finite.size else 1.0)
    arms = np.where(np.isfinite(arms), arms * unit, size * diag)
    lw = linewidth()
    lines = []
    for p, lam, vec, arm in zip(points, values, vectors, arms, strict=True):
        for i in range(2):
            d = vec[:, i] * arm[i]
            (line,) = ax.plot(
                [p[0] - d[0], p[0] + d[0]],
                [p[1] - d[1], p[1] + d[1]],
                color=color,
                linewidth=0.7 * lw,
                linestyle="--" if lam[i] < 0 else "-",
                solid_capstyle="butt",
                zorder=3.5,
                label="_eigen",
                # A dark outline keeps the glyph readable on both ends of the colour map.
                path_effects=[patheffects.withStroke(linewidth=1.8 * lw, foreground="black")],
            )
            line.eigenvalue = float(lam[i])
            line.eigenvector = vec[:, i].copy()
            lines.append(line)
    return lines
