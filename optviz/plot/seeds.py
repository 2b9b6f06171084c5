"""The lecture's cross-validation plot for any sweep: one point per seed, the mean line, std bars."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.plot.common import get_ax, linewidth

_METRIC_LABELS = {
    "final_loss": "final loss  f(x)",
    "final_distance": r"final distance  $\|x - x^\ast\|$",
    "rate": "measured rate per step",
    "steps_to_tol": "steps to tolerance",
}


@dataclass
class SeedSweepArtists:
    """What :func:`seed_sweep` drew.

    ``points`` holds each seed's value (x: the parameter, y: the metric; diverged seeds left out),
    ``mean`` the line through the per-value means, ``bars`` its error bars (one standard deviation)
    and ``diverged`` a marker per diverged seed at the top of the axes. ``stats`` are the numbers
    drawn: ``x``, ``mean``, ``low``, ``high`` (the bar ends), ``count``.
    """

    points: Any = None
    mean: Any = None
    bars: Any = None
    diverged: Any = None
    stats: dict[str, np.ndarray] = field(default_factory=dict)


def seed_stats(values: np.ndarray, *, geometric: bool = False) -> dict[str, np.ndarray]:
    """Per row of ``values`` (one row per parameter value, one column per seed; NaN = left out):
    the mean and the ends of a one-standard-deviation bar (sample std, ddof=1).

    ``geometric=True`` takes them on log10 of the values (for a log axis): the geometric mean, with
    bars from ``mean / g`` to ``mean * g``, ``g = 10^std(log10 values)``.

    >>> seed_stats(np.array([[1.0, 3.0], [2.0, np.nan]]))["mean"].tolist()
    [2.0, 2.0]
    >>> geo = seed_stats(np.array([[1.0, 100.0]]), geometric=True)  # log10: 0 and 2, std sqrt(2)
    >>> {k: v.round(3).tolist() for k, v in geo.items()}
    {'mean': [10.0], 'low': [0.385], 'high': [259.546], 'count': [2]}
    """
    v = np.asarray(values, dtype=float)
    if geometric:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(v > 0, np.log10(v), np.nan)
    ok = np.isfinite(v)
    count = ok.sum(axis=1)
    with np.errstate(all="ignore"):
        mean = np.where(count > 0, np.where(ok, v, 0.0).sum(axis=1) / count, np.nan)
        dev = np.where(ok, v - mean[:, None], 0.0)
        std = np.where(count > 1, np.sqrt((dev * dev).sum(axis=1) / (count - 1)), 0.0)
    low, high = mean - std, mean + std
    if geometric:
        mean, low, high = 10.0**mean, 10.0**low, 10.0**high
    return {"mean": mean, "low": low, "high": high, "count": count}


def seed_sweep(
    result: Any,
    param: str | None = None,
    ax: Any = None,
    *,
    metric: str = "final_loss",
    color: str | None = None,
    label: str | None = None,
    log_x: bool | None = None,
    log_y: bool | None = None,
    offset: float = 0.0,
    x_scale: float = 1.0,
    xlabel: str | None = None,
) -> SeedSweepArtists:
    """Plot a sweep's ``metric`` against one swept hyperparameter, in the lecture's style.

    Each point is a single outcome (one seed); the line goes through the mean and the bars show
    one standard deviation (on a log y axis both are taken on log10 of the values, i.e. the
    geometric mean and a multiplicative std). Diverged seeds are left out of the statistics and
    marked with an ``x`` at the top of the axes. ``param`` is the grid's only key by default (other
    keys must hold one value). ``log_x`` defaults to True when the values span a decade or more,
    ``log_y`` when the metric spans more than two. ``offset`` shifts the points sideways by that fraction of the gap between values
    (so that several rules on one axes do not hide each other's points). ``x_scale`` multiplies the swept
    values on the x axis (``1 / (1 - rho)``: momentum's effective step ``lr / (1 - rho)``), named by ``xlabel``.
    """
    from matplotlib.transforms import blended_transform_factory

    ax = get_ax(ax)
    if param is None:
        varying = [k for k, v in result.grid.items() if len(v) > 1] or list(result.grid)
        if len(varying) != 1:
            raise ValueError(f"pass param=: the sweep varies {', '.join(varying)}")
        param = varying[0]
    if param not in result.grid:
        raise ValueError(f"param {param!r} is not in the sweep's grid ({', '.join(result.grid)})")
    others = [k for k, v in result.grid.items() if k != param and len(v) > 1]
    if others:
        raise ValueError(
            f"seed_sweep shows one parameter; the sweep also varies {', '.join(others)}"
        )
    axis = list(result.grid).index(param)
    x = np.asarray(result.grid[param], dtype=float) * float(x_scale)
    values = np.moveaxis(np.asarray(result.on_grid(metric), dtype=float), axis, 0).reshape(
        len(x), -1
    )
    status = np.moveaxis(result.on_grid("status"), axis, 0).reshape(len(x), -1)
    diverged = status == "diverged"
    values = np.where(diverged, np.nan, values)
    finite = values[np.isfinite(values)]
    if log_y is None:
        log_y = bool(finite.size and finite.min() > 0 and finite.max() > 100 * finite.min())
    if log_x is None:
        log_x = bool(x.min() > 0 and x.max() >= 10 * x.min())
    stats = seed_stats(values, geometric=bool(log_y))
    shift = _shifted(x, offset, bool(log_x))
    col = color or style.rule_color(result.rule)
    lw = linewidth()
    out = SeedSweepArtists(stats={"x": x, **stats})
    xs = np.repeat(shift, values.shape[1]).reshape(values.shape)
    keep = np.isfinite(values)
    out.points = ax.scatter(
        xs[keep], values[keep], s=(2.2 * lw) ** 2, color=col, alpha=0.5, linewidths=0, zorder=3,
        label="_seeds",
    )  # fmt: skip
    mean, low, high = stats["mean"], stats["low"], stats["high"]
    out.bars = ax.errorbar(
        shift, mean, yerr=np.vstack([mean - low, high - mean]), color=col, linewidth=lw,
        elinewidth=0.7 * lw, capsize=2.5 * lw, capthick=0.7 * lw, marker="o",
        markersize=2.2 * lw, zorder=4, label=label or result.rule,
    )  # fmt: skip
    out.mean = out.bars.lines[0]
    if diverged.any():
        rows = np.nonzero(diverged)[0]
        blend = blended_transform_factory(ax.transData, ax.transAxes)
        out.diverged = ax.scatter(
            shift[rows], np.full(len(rows), 0.96), marker="x", s=(3.5 * lw) ** 2, color=col,
            linewidths=0.6 * lw, transform=blend, zorder=5, clip_on=False, label="_diverged",
        )  # fmt: skip
        # Every swept value keeps its place on the x axis, even where all its seeds diverged.
        anchor = finite.min() if finite.size else 1.0
        ax.update_datalim(np.column_stack([shift, np.full(len(shift), anchor)]), updatey=False)
        ax.autoscale_view()
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(
        xlabel or {"lr": "learning rate  lr", "rho": r"momentum  $\rho$"}.get(param, param)
    )
    ax.set_ylabel(_METRIC_LABELS.get(metric, metric))
    ax.grid(True, which="major")
    return out


def _shifted(x: np.ndarray, offset: float, log: bool) -> np.ndarray:
    if not offset or len(x) < 2:
        return x
    if log:
        gap = np.min(np.diff(np.log10(x)))
        return x * 10.0 ** (offset * gap)
    return x + offset * np.min(np.diff(x))
