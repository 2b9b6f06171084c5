"""Goh's phase diagram, measured: the empirical rate over an (lr, rho) sweep, with theory drawn on top."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style, theory
from optviz.plot.common import fontsize, get_ax, linewidth

NO_CONVERGENCE = "0.82"  # the colour of cells whose measured rate is not below 1


@dataclass
class PhaseArtists:
    """What :func:`phase_diagram` drew. ``mesh.get_array()`` is the measured rate, rows rho, columns lr."""

    mesh: Any = None
    colorbar: Any = None
    boundary: Any = None
    optimum: Any = None
    classic: Any = None
    contours: Any = None
    runs: list[Any] = field(default_factory=list)
    rates: np.ndarray | None = None  # (len(rho), len(lr)): the image's data
    lr: np.ndarray | None = None
    rho: np.ndarray | None = None
    handles: list[Any] = field(default_factory=list)  # proxies and lines for a legend


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around increasing centres (midpoints; the outer cells mirrored)."""
    mid = (centres[1:] + centres[:-1]) / 2
    first = centres[0] - (mid[0] - centres[0]) if len(centres) > 1 else centres[0] - 0.5
    last = centres[-1] + (centres[-1] - mid[-1]) if len(centres) > 1 else centres[0] + 0.5
    return np.concatenate([[first], mid, [last]])


def phase_diagram(
    result: Any,
    ax: Any = None,
    *,
    spectrum: Any = None,
    reduce: str = "median",
    boundary: bool = True,
    optimum: bool = True,
    contours: Any = "auto",
    colorbar: bool = True,
    cmap: Any = None,
    vmin: float | None = None,
    avoid: Any = None,
) -> PhaseArtists:
    """Draw the measured per-step rate of an (lr, rho) sweep as a heatmap, with theory on top.

    ``result`` is an :func:`optviz.sweep` of Momentum or Nesterov over a grid ``{"lr": [...],
    "rho": [...]}`` (increasing values) on a quadratic (or a surface with a known minimum: the
    theory is then the local one). Cells are coloured by ``result.on_grid("rate", reduce)``; where
    the measured rate is not below 1 (a run that diverged or does not shrink) the cell is grey.
    On top: the predicted convergence boundary ``lr = max_lr(rho)`` (dashed), the predicted
    optimum (a star; for Nesterov, Lessard et al.'s tuned point, and the classic ``1/L`` point as a
    diamond), and dotted contours of the predicted rate (``contours``: levels, ``"auto"`` or None). The
    contours' labels sit where their contour is farthest from the boundary, the optima and ``avoid`` (``(n, 2)``
    (lr, rho) points drawn on top later, such as the runs' markers).
    """
    import matplotlib as mpl
    from matplotlib import patheffects
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    avoid_points = avoid
    ax = get_ax(ax)
    if set(result.grid) != {"lr", "rho"} or result.rule not in ("momentum", "nesterov"):
        raise ValueError(
            "phase_diagram needs a momentum or nesterov sweep over exactly lr and rho, got "
            f"{result.rule} over {', '.join(result.grid)}"
        )
    spec = theory.spectrum(spectrum if spectrum is not None else result.surface)
    lr = np.asarray(result.grid["lr"], dtype=float)
    rho = np.asarray(result.grid["rho"], dtype=float)
    if np.any(np.diff(lr) <= 0) or np.any(np.diff(rho) <= 0):
        raise ValueError("phase_diagram needs increasing lr and rho values")
    rates = np.asarray(result.on_grid("rate", reduce=reduce), dtype=float)
    if list(result.grid) == ["lr", "rho"]:
        rates = rates.T  # rows: rho, columns: lr (an image's y and x)
    out = PhaseArtists(rates=rates, lr=lr, rho=rho)
    finite = rates[np.isfinite(rates) & (rates < 1)]
    low = (
        vmin
        if vmin is not None
        else (float(np.floor(finite.min() * 20) / 20) if finite.size else 0.0)
    )
    colormap = mpl.colormaps[cmap or style.CONTOUR_CMAP].with_extremes(
        over=NO_CONVERGENCE,
        bad=NO_CONVERGENCE,
        under=mpl.colormaps[cmap or style.CONTOUR_CMAP](0.0),
    )
    out.mesh = ax.pcolormesh(
        _edges(lr), _edges(rho), rates, cmap=colormap, norm=Normalize(vmin=low, vmax=1.0),
        shading="flat", rasterized=True, zorder=0.5,
    )  # fmt: skip
    ax.set_xlim(_edges(lr)[0], _edges(lr)[-1])
    ax.set_ylim(_edges(rho)[0], _edges(rho)[-1])
    ax.set_xlabel("learning rate  lr")
    ax.set_ylabel(r"momentum  $\rho$")
    lw = linewidth()
    out.handles.append(
        Patch(facecolor=NO_CONVERGENCE, edgecolor="0.5", label="measured: no convergence")
    )
    if contours is not None:
        levels = _levels(low) if isinstance(contours, str) and contours == "auto" else contours
        L, R = np.meshgrid(np.linspace(lr[0], lr[-1], 400), np.linspace(rho[0], rho[-1], 300))
        predicted = np.asarray(theory.rate(result.rule, spec, L, R), dtype=float)
        levels = [v for v in levels if low < v < 1]
        if levels:
            # Black lines on a white halo read on every colour of the map.
            halo = [patheffects.withStroke(linewidth=1.9 * lw, foreground="white")]
            out.contours = ax.contour(
                L, R, predicted, levels=levels, colors="black", linewidths=0.7 * lw,
                linestyles=[(0, (1, 1.5))], zorder=2,
            )  # fmt: skip
            out.contours.set(path_effects=halo)
            avoid = [
                np.column_stack([lr, rho]) for lr, rho in _marks(result, spec, boundary, optimum)
            ]
            if avoid_points is not None:
                avoid.append(np.asarray(avoid_points, dtype=float).reshape(-1, 2))
            labels = ax.clabel(
                out.contours, fmt=lambda v: f"{v:g}", fontsize=fontsize(), inline=True,
                manual=_label_spots(ax, out.contours, avoid),
            )  # fmt: skip
            for text in labels:
                text.set_path_effects(halo)
            out.handles.append(
                mpl.lines.Line2D([], [], color="black", linestyle=(0, (1, 1.5)), linewidth=0.7 * lw,
                                 path_effects=halo, label="predicted rate (contours)")
            )  # fmt: skip
    if boundary:
        fine = np.linspace(rho[0], rho[-1], 300)
        (out.boundary,) = ax.plot(
            theory.max_lr(result.rule, spec, fine), fine, color="black", linestyle="--",
            linewidth=0.9 * lw, zorder=3, label=_boundary_label(result.rule),
        )  # fmt: skip
        out.handles.append(out.boundary)
    if optimum:
        best = theory.optimal(result.rule, spec)
        size = 2.6 * mpl.rcParams["lines.markersize"]
        (out.optimum,) = ax.plot(
            best.lr, best.rho, marker="*", markersize=size, color="white", markeredgecolor="black",
            markeredgewidth=0.5 * lw, linestyle="none", zorder=4,
            label=f"predicted optimum (rate {best.rate:.3f})",
        )  # fmt: skip
        out.handles.append(out.optimum)
        if result.rule == "nesterov":
            classic = theory.nesterov_classic(spec)
            (out.classic,) = ax.plot(
                classic.lr, classic.rho, marker="D", markersize=0.6 * size, color="white",
                markeredgecolor="black", markeredgewidth=0.5 * lw, linestyle="none", zorder=4,
                label=f"classic 1/L (rate {classic.rate:.3f})",
            )  # fmt: skip
            out.handles.append(out.classic)
    if colorbar:
        out.colorbar = ax.figure.colorbar(
            out.mesh, ax=ax, extend="max", label="measured rate per step"
        )
    return out


def _marks(result: Any, spec: Any, boundary: bool, optimum: bool) -> list[tuple[Any, Any]]:
    """The (lr, rho) points of what is drawn over the contours: the boundary curve, the optimum markers."""
    rho = np.asarray(result.grid["rho"], dtype=float)
    out = []
    if boundary:
        fine = np.linspace(rho[0], rho[-1], 300)
        out.append((theory.max_lr(result.rule, spec, fine), fine))
    if optimum:
        best = theory.optimal(result.rule, spec)
        out.append(([best.lr], [best.rho]))
        if result.rule == "nesterov":
            classic = theory.nesterov_classic(spec)
            out.append(([classic.lr], [classic.rho]))
    return out


def _label_spots(ax: Any, contours: Any, avoid: list[np.ndarray]) -> list[tuple[float, float]]:
    """Where each contour line's label goes: the point of the line farthest from ``avoid`` (what is drawn over
    the contours), from the axes' edges and from the labels already chosen, measured in axes pixels.

    One label per line long enough to carry one (as matplotlib's own placement); matplotlib's automatic
    choice ignores everything but the contours, so a label could sit on the boundary line."""
    width, height = max(ax.bbox.width, 1.0), max(ax.bbox.height, 1.0)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def pixels(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [(xy[:, 0] - x0) / (x1 - x0) * width, (xy[:, 1] - y0) / (y1 - y0) * height]
        )

    obstacles = [pixels(a) for a in avoid if len(a)]
    margin = 2.5 * fontsize() * ax.figure.dpi / 72  # a label is about this long
    spots: list[tuple[float, float]] = []
    chosen: list[np.ndarray] = []
    for segments in contours.allsegs:
        mine: list[tuple[float, tuple[float, float], np.ndarray]] = []
        for seg in segments:
            seg = np.asarray(seg, dtype=float)
            if len(seg) < 2:
                continue
            px = pixels(seg)
            length = float(np.hypot(*np.diff(px, axis=0).T).sum())
            if length < 3 * margin:
                continue
            edge = np.minimum.reduce([px[:, 0], width - px[:, 0], px[:, 1], height - px[:, 1]])
            clear = np.minimum(edge, np.inf)
            for points in obstacles + chosen:
                d = np.hypot(
                    px[:, None, 0] - points[None, :, 0], px[:, None, 1] - points[None, :, 1]
                )
                clear = np.minimum(clear, d.min(axis=1))
            i = int(np.argmax(clear))
            mine.append((float(clear[i]), (float(seg[i, 0]), float(seg[i, 1])), px[i : i + 1]))
        # A line with no clear place is left unlabelled when another line of its level carries the label.
        keep = [m for m in mine if m[0] >= 0.6 * margin] or sorted(mine, key=lambda m: -m[0])[:1]
        for _, spot, at in keep:
            spots.append(spot)
            chosen.append(at)
    return spots


def _boundary_label(rule: str) -> str:
    if rule == "momentum":
        return r"predicted boundary $lr = (2+2\rho)/L$"
    return r"predicted boundary $lr = (2+2\rho)/((1+2\rho)L)$"


def _levels(low: float) -> list[float]:
    """Up to four round predicted-rate levels between ``low`` and 1, spread over that range."""
    candidates = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99]
    inside = [v for v in candidates if low < v < 1]
    if len(inside) <= 4:
        return inside
    picks = np.unique(np.round(np.linspace(0, len(inside) - 1, 4)).astype(int))
    return [inside[i] for i in picks]
