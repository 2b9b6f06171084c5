"""A noisy run's loss over many seeds: the median line inside the band the seeds spread over.

One seed's curve of a noisy run is one lucky (or unlucky) draw; a figure that makes a claim about it shows the
spread: for each batch of runs (the same run over seeds, :func:`optviz.studies.seed_runs`), the median loss at
each iteration and the band between two quantiles (10% and 90% by default), each run counted up to its stop
step (:func:`optviz.metrics.spread_over_runs`). Where the runs diverge, the line ends in a cross with how many
did and by when; a curve that climbs far above the rest is cut at the top of the axes there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz.metrics import smoothed, spread_over_runs
from optviz.plot.common import (
    as_runs,
    ended_early,
    fontsize,
    get_ax,
    linewidth,
    run_colors,
    run_labels,
    single_runs,
)
from optviz.plot.loss import Y_LABELS, loss_values, note_nesterov_runs


@dataclass
class SpreadArtists:
    """What :func:`loss_spread` drew, per batch: ``lines[i]`` (the median), ``bands[i]`` (the quantile band),
    ``markers`` and ``notes`` (where runs ended early), and the numbers drawn: ``stats[i]`` with ``k``,
    ``low``, ``mid``, ``high`` (NaN after the line ends) and ``ended`` (runs that ended early)."""

    lines: list[Any] = field(default_factory=list)
    bands: list[Any] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    stats: list[dict[str, Any]] = field(default_factory=list)
    top: float | None = None
    legend: Any = None
    # how the numbers were made (what a page needs to make them again): quantiles, smooth, unit, kind, fmin,
    # log and the top as given (None: chosen from the curves)
    settings: dict[str, Any] = field(default_factory=dict)


def loss_spread(
    batches: Any,
    ax: Any = None,
    *,
    kind: str = "loss",
    fmin: float | None = None,
    minimum: Any = None,
    quantiles: tuple[float, float] = (0.1, 0.9),
    color: Any = None,
    label: Any = None,
    hyperparams: bool = True,
    top: float | None = None,
    smooth: int = 1,
    unit: str = "runs",
    log: bool = True,
    legend: bool | str = False,
) -> SpreadArtists:
    """Plot each batch's median loss (``kind``: loss, gap ``f - f*`` or distance) against the iteration, inside
    the band between ``quantiles`` over its runs.

    The median is drawn while at least half of the batch's runs are still going. A batch whose runs diverged
    ends in a cross, with "diverged (n of N runs, by step k)". ``top`` cuts the y axis (default: 30 times the
    highest starting value, or just above the highest band where every band stays below that), so one
    exploding curve does not flatten the others: its line then ends where it crosses the top, where the cross
    goes. ``smooth`` > 1 first averages each run over that many iterates centred on each one
    (:func:`optviz.metrics.smoothed`), as training curves are; ``unit`` names the runs in
    the note ("seeds").

    A batch of Nesterov's runs plots its recorded loss, taken at torch's look-ahead iterate: the panel says so
    as :func:`optviz.plot.loss`'s does (:func:`optviz.plot.loss.note_nesterov_runs`, its right-hand title;
    :func:`optviz.plot.loss_title` sets a title that keeps clear of it).
    """
    ax = get_ax(ax)
    out = SpreadArtists()
    out.settings = {
        "quantiles": tuple(float(q) for q in quantiles), "smooth": int(smooth), "unit": unit,
        "kind": kind, "fmin": None if fmin is None else float(fmin), "log": bool(log),
        "top": None if top is None else float(top),
    }  # fmt: skip
    groups = as_runs(batches)
    colors = run_colors(groups, color)
    labels = run_labels(groups, label, hyperparams=hyperparams)
    lw = linewidth()
    size = fontsize()
    curves = []
    for group in groups:
        runs = single_runs(group)
        # every row (the frozen ones after a run's stop too), which spread_over_runs then leaves out
        values = np.array(
            [loss_values(r, kind, fmin=fmin, minimum=minimum, whole=True) for r in runs]
        )
        stops = np.array([int(r.stop_step) for r in runs])
        values = smoothed(values, stops, smooth)
        low, mid, high = spread_over_runs(values, stops, (quantiles[0], 0.5, quantiles[1]))
        k = np.arange(values.shape[1])
        # drawn while half or more of the runs are still going
        going = (stops[None, :] >= k[:, None]).sum(axis=1) * 2 >= len(runs)
        for arr in (low, mid, high):
            arr[~going] = np.nan
        curves.append((runs, k, low, mid, high))
    if top is None:
        # 30 times the highest start cuts an exploding curve; when every band fits below that, the axes end
        # just above the highest band instead of leaving empty decades.
        starts = [c[3][0] for c in curves if np.isfinite(c[3][0])]
        highs = [np.nanmax(c[4]) for c in curves if np.isfinite(c[4]).any()]
        if starts:
            top = min(30 * max(starts), 1.5 * max(highs)) if highs else 30 * max(starts)
    out.top = top
    for index, (runs, k, low, mid, high) in enumerate(curves):
        col = colors[index]
        text = labels[index]
        shown = np.isfinite(mid)
        last = int(np.flatnonzero(shown)[-1]) if shown.any() else 0
        if top is not None and np.any(mid[: last + 1] > top):
            # the first value above the top: the line ends on the edge
            last = int(np.argmax(mid > top))
            mid, high = mid.copy(), high.copy()
            mid[last] = top
        clip = np.minimum(high, top) if top is not None else high
        band = ax.fill_between(
            k[: last + 1], low[: last + 1], clip[: last + 1], color=col, alpha=0.18, linewidth=0,
            zorder=2, label="_band",
        )  # fmt: skip
        (line,) = ax.plot(
            k[: last + 1], mid[: last + 1], color=col, linewidth=lw, zorder=3, label=text
        )
        out.bands.append(band)
        out.lines.append(line)
        ended = [r for r in runs if ended_early(r) is not None]
        if ended:
            worst = max(int(r.stop_step) + (str(r.status) == "diverged") for r in ended)
            what = "diverged" if all(str(r.status) == "diverged" for r in ended) else "ended early"
            marker = ax.plot(
                k[last], mid[last], marker="X", markersize=4 * lw, color=col, markeredgecolor="black",
                markeredgewidth=0.4 * lw, zorder=4, label="_diverged", clip_on=False,
            )[0]  # fmt: skip
            marker.set_gid("diverged")
            every = "all" if len(ended) == len(runs) else f"{len(ended)} of"
            note = ax.annotate(
                f"{what}: {every} {len(runs)} {unit} by step {worst}", (k[last], mid[last]),
                xytext=(0.6 * size, -0.9 * size), textcoords="offset points", ha="left", va="top",
                fontsize=size, color=col, fontweight="bold", zorder=4.5, annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )  # fmt: skip
            out.markers.append(marker)
            out.notes.append(note)
        out.stats.append({"k": k, "low": low, "mid": mid, "high": high, "ended": len(ended)})
    if log:
        ax.set_yscale("log", nonpositive="mask")
    if top is not None:
        bottom = min(
            (float(np.nanmin(np.where(s["low"] > 0, s["low"], np.nan))) for s in out.stats
             if np.any(s["low"] > 0)),
            default=None,
        )  # fmt: skip
        if bottom is not None:
            ax.set_ylim(bottom / 1.5 if log else bottom, top)
    # Nesterov's loss is taken at torch's look-ahead iterate: the panel says so, as plot.loss's do (a title set
    # after this with plot.loss_title makes room for the note)
    note_nesterov_runs(ax, groups, kind)
    ax.set_xlabel("iteration k")
    ax.set_ylabel(Y_LABELS[kind])
    ax.grid(True, which="major")
    if legend:
        out.legend = ax.legend(loc="best" if legend is True else legend)
    return out
