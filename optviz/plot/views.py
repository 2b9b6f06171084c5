"""Views that fill their axes: equal-aspect panels laid out for the space a figure gives them.

An equal-aspect panel (a contour, where geometry matters) whose view has other proportions than its axes' box
leaves bands of white beside it: a square Rosenbrock view on a 16:9 slide, a 4:3 view in a tall panel.
:func:`fitted` widens a view along its short side to the box's proportions, never narrowing it, so the panel
fills its place and shows more of the surface around the same centre.

A box's proportions are known only once the figure is laid out, so a figure that wants fitted views is drawn
twice with :func:`draw_fitted`: first to measure (each :func:`fitted` call records its axes; contours are drawn
coarsely, :func:`measuring`), then for real, each call given the proportions its axes' box had. The second
drawing is the figure; everything in it (labels, arrows at the view's edge) sees the final view.

Without :func:`draw_fitted` (a plot on your own axes), :func:`fitted` returns the view unchanged.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Bounds = tuple[tuple[float, float], tuple[float, float]]

# Below this mismatch of proportions a view is left as it is (a sliver of white is not a band).
TOLERANCE = 0.02


@dataclass
class _Pass:
    measuring: bool
    axes: list[Any] = field(
        default_factory=list
    )  # measuring: the axes of each fitted call, in order
    aspects: list[float | None] = field(
        default_factory=list
    )  # drawing: each call's box proportions
    calls: int = 0


_PASS: contextvars.ContextVar[_Pass | None] = contextvars.ContextVar("optviz_views", default=None)


def measuring() -> bool:
    """True during the measuring drawing of :func:`draw_fitted` (expensive detail may be drawn coarsely)."""
    state = _PASS.get()
    return state is not None and state.measuring


def widen(bounds: Bounds, aspect: float) -> Bounds:
    """``bounds`` widened about their centre along one side, to ``aspect`` = width / height (never narrowed).

    >>> widen(((0.0, 2.0), (0.0, 2.0)), 2.0)
    ((-1.0, 3.0), (0.0, 2.0))
    >>> widen(((0.0, 2.0), (0.0, 2.0)), 0.5)
    ((0.0, 2.0), (-1.0, 3.0))
    """
    (x0, x1), (y0, y1) = bounds
    w, h = x1 - x0, y1 - y0
    if not (w > 0 and h > 0 and aspect > 0):
        return bounds
    if w / h < aspect:
        half = 0.5 * h * aspect
        cx = 0.5 * (x0 + x1)
        return ((cx - half, cx + half), (y0, y1))
    half = 0.5 * w / aspect
    cy = 0.5 * (y0 + y1)
    return ((x0, x1), (cy - half, cy + half))


def fitted(ax: Any, bounds: Bounds) -> Bounds:
    """The view to show in the equal-aspect axes ``ax``: ``bounds`` widened to the proportions of the box the
    layout gives ``ax`` (inside :func:`draw_fitted`), else ``bounds`` themselves."""
    state = _PASS.get()
    if state is None:
        return bounds
    index = state.calls
    state.calls += 1
    state.axes.append(ax)
    if state.measuring:
        return bounds
    aspect = state.aspects[index] if index < len(state.aspects) else None
    if aspect is None:
        return bounds
    (x0, x1), (y0, y1) = bounds
    current = (x1 - x0) / (y1 - y0) if y1 != y0 else aspect
    if abs(current / aspect - 1) <= TOLERANCE:
        return bounds
    return widen(bounds, aspect)


def margin(bounds: Bounds, share: float = 0.25) -> Bounds:
    """``bounds`` grown by ``share`` of their size on every side: the region a fitted view's background
    (contours) is computed over, so that the last small adjustment of the view (:func:`draw_fitted`) stays
    inside it."""
    state = _PASS.get()
    if state is None or state.measuring:
        return bounds
    (x0, x1), (y0, y1) = bounds
    dx, dy = share * (x1 - x0), share * (y1 - y0)
    return ((x0 - dx, x1 + dx), (y0 - dy, y1 + dy))


def box_aspect(ax: Any, renderer: Any = None) -> float | None:
    """Width / height, in pixels, of the largest box ``ax`` could fill in the place the layout gave it.

    That place is its cell (``get_position(original=True)``, before an equal aspect shrinks the axes) joined
    with the margins the layout reserved around it for decorations that stick out (its tight box); the box is
    that place less the room its own titles, labels and tick labels take around the axes."""
    from matplotlib.transforms import Bbox

    fig = ax.get_figure(root=True)
    renderer = renderer or fig._get_renderer()
    cell = ax.get_position(original=True).transformed(ax.get_figure(root=False).transSubfigure)
    active = ax.get_window_extent(renderer)
    tight = ax.get_tightbbox(renderer, for_layout_only=True) or active
    place = Bbox.union([cell, tight])
    left, right = max(0.0, active.x0 - tight.x0), max(0.0, tight.x1 - active.x1)
    bottom, top = max(0.0, active.y0 - tight.y0), max(0.0, tight.y1 - active.y1)
    width, height = place.width - left - right, place.height - bottom - top
    if width <= 0 or height <= 0:
        return None
    return float(width / height)


def draw_fitted(draw: Callable[[], Any]) -> Any:
    """Call ``draw()`` (which makes and returns a figure, or an object with ``.fig``), measuring the boxes of the
    axes its :func:`fitted` calls name; when any view needs fitting, call it again with every view fitted, and
    return that second result. Without fitted calls the first result is returned as it is."""
    first = _PASS.set(_Pass(measuring=True))
    try:
        result = draw()
        state = _PASS.get()
    finally:
        _PASS.reset(first)
    assert state is not None
    if not state.axes:
        return result
    fig = getattr(result, "fig", result)
    fig.draw_without_rendering()  # runs the layout
    aspects = [box_aspect(ax) for ax in state.axes]
    _discard(result)
    second = _PASS.set(_Pass(measuring=False, aspects=aspects))
    try:
        result = draw()
        state = _PASS.get()
    finally:
        _PASS.reset(second)
    assert state is not None
    _refit(getattr(result, "fig", result), state.axes)
    return result


def _refit(fig: Any, axes: list[Any], rounds: int = 4) -> None:
    """The final adjustment: the layout of the drawn figure (its tick labels, its legend) can differ a little
    from the measured one, so each fitted view is widened once more to its box (within the margin its
    background was drawn with)."""
    seen: list[Any] = []
    for ax in axes:
        if all(ax is not other for other in seen):
            seen.append(ax)
    for _ in range(rounds):
        fig.draw_without_rendering()
        changed = False
        for ax in seen:
            aspect = box_aspect(ax)
            if aspect is None:
                continue
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            if x1 == x0 or y1 == y0 or abs(((x1 - x0) / (y1 - y0)) / aspect - 1) <= TOLERANCE:
                continue
            (a0, a1), (b0, b1) = widen(((x0, x1), (y0, y1)), aspect)
            ax.set_xlim(a0, a1)
            ax.set_ylim(b0, b1)
            changed = True
        if not changed:
            return


def _discard(result: Any) -> None:
    """Forget the measuring figure (pyplot closes it if it manages it; otherwise it is simply dropped)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(getattr(result, "fig", result))
