"""Layout helpers shared by the figure kinds and the explorer: one legend for a figure, formula titles, run
bookkeeping. Public, for kinds registered outside optviz too."""

from __future__ import annotations

from typing import Any

from optviz import limits
from optviz._text import brace_depth
from optviz._validate import ParameterError


def surface_title(surface: Any) -> str:
    """``"$f = ...$"``: the surface's formula for an axes title, mathtext-ready (its title if it has none, or
    if mathtext cannot typeset it: a formula nested deeper than its parser goes)."""
    if surface.latex and brace_depth(surface.latex) <= limits.MAX_MATH_DEPTH:
        return f"$f = {surface.latex}$"
    return surface.title


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
    return fig.legend(handles, labels, loc=loc, ncols=ncols or min(len(labels), 4), frameon=False)


def _is_marker_only(handle: Any) -> bool:
    style = getattr(handle, "get_linestyle", lambda: "-")()
    return style in ("None", "none", "", " ")


def _all_axes(fig: Any) -> list[Any]:
    axes = list(fig.axes)
    for sub in getattr(fig, "subfigs", []):
        axes += _all_axes(sub)
    return axes


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
