"""Layout helpers shared by the figure kinds and the explorer: one legend for a figure, formula titles, run
bookkeeping. Public, for kinds registered outside optviz too."""

from __future__ import annotations

from typing import Any

from optviz._validate import ParameterError


def surface_title(surface: Any) -> str:
    """``"$f = ...$"``: the surface's formula for an axes title, mathtext-ready (its title if it has none)."""
    return f"$f = {surface.latex}$" if surface.latex else surface.title


def shared_legend(
    fig: Any,
    axes: list[Any] | None = None,
    *,
    loc: str = "outside lower center",
    ncols: int | None = None,
) -> Any:
    """One legend for the whole figure from the labelled artists of ``axes`` (default: all), duplicates merged.

    Per-axes legends are removed, so panels that show the same rules share one key (the lecture's
    "— SGD — SGD+Momentum" line). Placed outside the axes, it never covers data.
    """
    axes = axes if axes is not None else _all_axes(fig)
    handles, labels = [], []
    for ax in axes:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(h)
                labels.append(label)
            elif _is_marker_only(handles[labels.index(label)]) and not _is_marker_only(h):
                handles[labels.index(label)] = h  # a line reads better in a key than a lone ball
    if not handles:
        return None
    handles = [_key(h) for h in handles]
    return fig.legend(handles, labels, loc=loc, ncols=ncols or min(len(labels), 4), frameon=False)


def _key(handle: Any) -> Any:
    """A legend key for a line drawn wider than the style's width (a covered path, drawn as a stripe): the same
    line at the style's width, so the key does not suggest a difference the runs do not have."""
    import matplotlib as mpl
    from matplotlib.lines import Line2D

    base = float(mpl.rcParams["lines.linewidth"])
    if not isinstance(handle, Line2D) or handle.get_linewidth() <= base:
        return handle
    key = Line2D([], [])
    key.update_from(handle)
    key.set_linewidth(base)
    return key


def _is_marker_only(handle: Any) -> bool:
    style = getattr(handle, "get_linestyle", lambda: "-")()
    return style in ("None", "none", "", " ")


def _all_axes(fig: Any) -> list[Any]:
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", []):
        axes += _all_axes(sub)
    return axes


def row_ratios(
    fig: Any, aspects: list[float | None], *, least: float = 0.6, below: bool = False
) -> list[float]:
    """Width ratios for one row of panels on ``fig`` that give each equal-aspect panel the width its view's
    proportions ask for (``aspects``: width / height of each view, None for a panel whose view is free) and
    share the rest among the free panels (each at least ``least`` times as wide as tall).

    The room titles, tick labels and axis labels take is estimated from the style's font size (``below``: a
    legend under the row takes some height too). Constrained layout scales the ratios to the figure, and
    ``optviz.plot.views`` widens each view to the box it gets, so no band of white remains.
    """
    from optviz.plot.common import fontsize

    w, h = fig.get_size_inches()
    em = fontsize() / 72  # inches
    side = 4.2 * em  # y tick labels and the y label, per panel
    height = h - (6.0 + (2.0 if below else 0.0)) * em  # titles above, x ticks and label below
    height = max(height, 0.3 * h)
    room = max(w - side * len(aspects), 0.3 * w)
    fixed = sum(a * height for a in aspects if a is not None)
    free = [a for a in aspects if a is None]
    share = max(least * height, (room - fixed) / len(free)) if free else 0.0
    return [(a * height if a is not None else share) + side for a in aspects]


def last_step(trajectories: list[Any]) -> int:
    """The most steps of any of the runs: a scene's last frame."""
    return max((int(t.steps) for t in trajectories), default=0)


def require_rules(allowed: tuple[str, ...]) -> Any:
    """A kind's ``check``: every run's rule (``run.optimizer``) must be one of ``allowed``."""

    def check(surface: Any, runs: Any, options: Any) -> None:
        for i, run in enumerate(runs):
            name = run.optimizer.name
            if name not in allowed:
                raise ParameterError(
                    f"run[{i}].rule",
                    f"figure kind draws only {', '.join(allowed)} runs, got {name!r}",
                )

    return check
