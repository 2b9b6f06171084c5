"""The surface in 3-D, with trajectories lifted onto it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.plot.common import (
    as_runs,
    get_ax,
    linewidth,
    run_colors,
    run_labels,
    single_runs,
)
from optviz.surfaces.base import Bounds, Surface


@dataclass
class Surface3DArtists:
    """What :func:`surface3d` drew; ``paths[i]`` is a 3-D line whose data is ``(x, y, f(x, y))`` of run i."""

    surface: Any = None
    paths: list[Any] = field(default_factory=list)
    ends: list[Any] = field(default_factory=list)
    legend: Any = None


def surface3d(
    surface: Surface,
    trajectories: Any = None,
    ax: Any = None,
    *,
    bounds: Bounds | None = None,
    resolution: int = 80,
    cmap: Any = None,
    elev: float = 35.0,
    azim: float = -60.0,
    clip_quantile: float = 0.98,
    log: bool | None = None,
    hyperparams: bool = True,
    legend: bool | str = True,
) -> Surface3DArtists:
    """Draw ``surface`` as a shaded 3-D surface and lift each trajectory onto it.

    ``ax`` must be a 3-D axes (``projection="3d"``); with ``ax=None`` one is added to the current figure. Heights
    above the ``clip_quantile`` of the view are flattened so a steep rim does not flatten the interesting part;
    ``log=True`` (default for surfaces whose ``level_scale`` is ``"log"``) draws ``log10(1 + f - f*)``.
    """
    ax = get_ax(ax, projection="3d") if ax is None else ax
    if getattr(ax, "name", "") != "3d":
        raise ValueError("surface3d needs a 3-D axes: fig.add_subplot(projection='3d')")
    bounds = bounds or surface.bounds
    X, Y, XY = surface.grid(resolution, bounds)
    log = surface.level_scale == "log" if log is None else log
    fmin = surface.fmin if np.isfinite(surface.fmin) else None

    def height(values: np.ndarray) -> np.ndarray:
        if not log:
            return values
        base = fmin if fmin is not None else float(np.nanmin(Z_raw))
        return np.log10(1.0 + np.maximum(values - base, 0.0))

    with np.errstate(all="ignore"):
        Z_raw = surface.value(XY)
    Z = height(Z_raw)
    top = float(np.nanquantile(Z, clip_quantile))
    Z = np.minimum(Z, top)
    out = Surface3DArtists()
    out.surface = ax.plot_surface(
        X,
        Y,
        Z,
        cmap=cmap or style.CONTOUR_CMAP,
        linewidth=0,
        antialiased=True,
        alpha=0.75,
        rstride=1,
        cstride=1,
        zorder=1,
    )
    lw = linewidth()
    span = np.nanmax(Z) - np.nanmin(Z)
    groups = as_runs(trajectories) if trajectories is not None else []
    for group, col, text in zip(
        groups, run_colors(groups), run_labels(groups, hyperparams=hyperparams), strict=True
    ):
        for j, run in enumerate(single_runs(group)):
            xy = np.asarray(run.path[: int(run.stop_step) + 1], dtype=float)
            with np.errstate(all="ignore"):
                z = (
                    height(surface.value(xy)) + 0.01 * span
                )  # a hair above, so the surface does not hide it
            (path,) = ax.plot(
                xy[:, 0],
                xy[:, 1],
                z,
                color=col,
                linewidth=lw,
                marker="o",
                markersize=1.4 * lw,
                zorder=5,
                label=text if j == 0 else "_nolegend_",
            )
            out.paths.append(path)
            out.ends.append(
                ax.plot(
                    [xy[-1, 0]],
                    [xy[-1, 1]],
                    [z[-1]],
                    marker="o",
                    markersize=3.2 * lw,
                    color=col,
                    markeredgecolor="white",
                    zorder=6,
                    label="_end",
                )[0]
            )
    (x0, x1), (y0, y1) = bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel(r"$\log_{10}(1 + f - f^\ast)$" if log else "f")
    ax.view_init(elev=elev, azim=azim)
    if legend and trajectories is not None:
        out.legend = ax.legend(loc="upper left")
    return out
