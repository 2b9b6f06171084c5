"""Quiet contours of a surface, with its known minima and saddles marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.plot._levels import contour_levels
from optviz.plot.common import fontsize, get_ax
from optviz.plot.placement import around, place_text
from optviz.plot.views import fitted, margin, measuring
from optviz.surfaces.base import Bounds, Surface


@dataclass
class ContourArtists:
    """What :func:`contour` drew: the filled and line contour sets, and the critical-point markers."""

    filled: Any = None
    lines: Any = None
    minima: Any = None
    local_minima: Any = None
    saddles: Any = None
    labels: list[Any] = field(default_factory=list)
    levels: np.ndarray | None = None
    grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def artists(self) -> list[Any]:
        return [
            a
            for a in (
                self.filled,
                self.lines,
                self.minima,
                self.local_minima,
                self.saddles,
                *self.labels,
            )
            if a is not None
        ]


def contour(
    surface: Surface,
    ax: Any = None,
    *,
    bounds: Bounds | None = None,
    levels: Any = None,
    n_levels: int = 14,
    scale: str | None = None,
    filled: bool = True,
    lines: bool = True,
    cmap: Any = None,
    resolution: int = 300,
    critical_points: bool = True,
    label_critical: bool | None = None,
    values: np.ndarray | None = None,
    equal_aspect: bool = True,
) -> ContourArtists:
    """Draw ``surface`` as light filled contours with thin lines over ``bounds`` (default: its view).

    Levels are log-spaced when the surface's ``level_scale`` is ``"log"`` (or when values span decades over the
    view with ``scale="auto"``); pass ``levels`` to choose them. Known minima are marked with a small star and
    saddles with a small diamond, labelled when there are few of them. ``values`` may hold a precomputed grid of
    ``surface.value`` over ``surface.grid(resolution, bounds)``. Returns a :class:`ContourArtists`.
    """
    ax = get_ax(ax)
    shown = bounds or surface.bounds
    if equal_aspect:
        # Inside a figure kind the view is widened to the proportions of the panel's box (optviz.plot.views).
        view = fitted(ax, shown)
        bounds = margin(
            view
        )  # the background reaches beyond the view: its last adjustment stays covered
        if measuring():
            resolution = min(
                resolution, 24
            )  # the measuring drawing needs the layout, not the detail
        else:
            resolution = _keep_density(resolution, shown, bounds)
    else:
        view = bounds = shown
    X, Y, XY = surface.grid(resolution, bounds)
    if values is None:
        with np.errstate(all="ignore"):
            values = surface.value(XY)
    Z = np.where(np.isfinite(values), values, np.nan)
    # A view where the surface is nowhere finite (a formula undefined there) has nothing to contour: the
    # axes are drawn empty rather than the figure refused.
    anything = bool(np.isfinite(Z).any())
    if levels is None:
        # Levels from the view asked for: a widened view shows more of the surface, with the same levels.
        finite = Z[np.isfinite(Z)]
        reach = float(np.quantile(finite, 0.995)) if finite.size else None
        levels = (
            contour_levels(
                _within(Z, X, Y, shown), fmin=surface.fmin, n=n_levels, scale=scale or surface.level_scale,
                reach=reach,
            )
            if anything
            else np.array([])
        )  # fmt: skip
    levels = np.asarray(levels, dtype=float)
    cmap = cmap or style.CONTOUR_CMAP
    out = ContourArtists(levels=levels, grid=(X, Y, Z))
    lw = style_linewidth()
    if filled and anything:
        # Light fills: the colour map, washed towards white, so trajectories drawn on top stay loud.
        fill_levels = np.concatenate([[np.nanmin(Z)], levels, [np.nanmax(Z)]])
        fill_levels = np.unique(fill_levels)
        out.filled = ax.contourf(
            X,
            Y,
            Z,
            levels=fill_levels,
            cmap=_washed(cmap),
            norm=_band_norm(fill_levels),
            zorder=0.5,
        )
    if lines and anything and len(levels):
        out.lines = ax.contour(
            X,
            Y,
            Z,
            levels=levels,
            cmap=cmap,
            norm=_band_norm(levels),
            linewidths=lw,
            alpha=0.85,
            zorder=0.6,
        )
    (x0, x1), (y0, y1) = view
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")
    names = surface.param_names
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if critical_points:
        _mark_critical(ax, surface, bounds, out, label_critical)
    return out


def _keep_density(resolution: int, shown: Bounds, bounds: Bounds) -> int:
    """The grid size that keeps the points per unit of the view asked for, over a widened view."""
    (a0, a1), (b0, b1) = shown
    (x0, x1), (y0, y1) = bounds
    grow = max((x1 - x0) / (a1 - a0), (y1 - y0) / (b1 - b0))
    return int(min(4000, round(resolution * grow)))


def _within(Z: np.ndarray, X: np.ndarray, Y: np.ndarray, shown: Bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = shown
    inside = (x0 <= X) & (x1 >= X) & (y0 <= Y) & (y1 >= Y)
    return Z[inside] if inside.any() else Z


def style_linewidth() -> float:
    import matplotlib as mpl

    return 0.6 * float(mpl.rcParams["lines.linewidth"]) / 1.5


def _band_norm(levels: np.ndarray) -> Any:
    # One colour step per band, whatever the spacing of the levels: log-spaced levels would otherwise crowd
    # every band into the bottom of the colour map.
    from matplotlib.colors import BoundaryNorm

    return BoundaryNorm(levels, ncolors=256, clip=True)


def _washed(cmap: Any, amount: float = 0.78) -> Any:
    """``cmap`` blended towards white by ``amount``: a quiet background from a perceptually uniform map."""
    import matplotlib as mpl
    from matplotlib.colors import ListedColormap

    base = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    colors = base(np.linspace(0, 1, 256))
    colors[:, :3] = colors[:, :3] * (1 - amount) + amount
    return ListedColormap(colors, name=f"{base.name}_washed")


def _inside(points: np.ndarray, bounds: Bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    return points[
        (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    ]


def _mark_critical(
    ax: Any, surface: Surface, bounds: Bounds, out: ContourArtists, label: bool | None
) -> None:
    size = fontsize()
    minima = _inside(surface.minima, bounds)
    saddles = _inside(surface.saddles, bounds)
    if len(minima):
        out.minima = ax.plot(
            minima[:, 0],
            minima[:, 1],
            linestyle="none",
            marker="*",
            markersize=0.9 * size,
            color="black",
            markeredgecolor="white",
            markeredgewidth=0.6,
            zorder=2.5,
            label="_minima",
        )[0]
        values = surface.value(minima)
        local = minima[values > values.min() + 1e-9 * max(1.0, abs(values.min()))]
        if len(local):  # local minima are hollow stars: only the global ones are filled
            out.local_minima = ax.plot(
                local[:, 0], local[:, 1], linestyle="none", marker="*", markersize=0.9 * size,
                markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.8, zorder=2.55,
                label="_local_minima",
            )[0]  # fmt: skip
    if len(saddles):
        out.saddles = ax.plot(
            saddles[:, 0],
            saddles[:, 1],
            linestyle="none",
            marker="D",
            markersize=0.45 * size,
            color="white",
            markeredgecolor="black",
            markeredgewidth=1.0,
            zorder=2.5,
            label="_saddles",
        )[0]
    if label is None:
        label = len(minima) + len(saddles) <= 3
    if not label:
        return
    names = []
    if len(minima):
        # "global" only where one minimum is strictly lowest; symmetric wells are all just "min".
        values = surface.value(minima)
        lowest = np.isclose(values, values.min(), rtol=1e-9, atol=1e-12)
        unique = lowest.sum() == 1 and len(minima) > 1
        for m, low in zip(minima, lowest, strict=True):
            names.append((m, ("global min" if unique else "min") if low else "local min", "below"))
    names.extend((s, "saddle", "above") for s in saddles)
    size_pt = size
    for point, text, side in names:
        # Below-right first for minima, above-right for saddles; any free place around the marker otherwise.
        spots = around(0.6 * size_pt, prefer="below right" if side == "below" else "above right")
        label = place_text(ax, text, point, spots=spots, fontsize=size, color="0.15", zorder=2.5)
        # a page places these live, around its own paths (optviz.web.labels_layer)
        label.critical_point = True
        out.labels.append(label)
