"""A :class:`Scene` is a composed figure that can show any iteration: the unit that figures, GIFs and scenarios share.

A figure function draws its static background once (contours, profiles, labels, legends) and the iterates with
frame-settable handles (``optviz.plot`` returns them). ``scene.set_frame(k)`` shows every run up to iteration
``k`` by setting data on those same artists; a static figure is simply the last frame. The animation writer
(``optviz.animate``) blits the artists that ``set_frame`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scene:
    """A figure whose iterate artists can be set to any iteration ``0 <= k <= last_step``."""

    fig: Any
    handles: list[Any] = field(default_factory=list)
    last_step: int = 0
    counters: list[Any] = field(default_factory=list)
    counter_format: str = "iteration {k}"
    animated: bool = True
    scale: float = 1.0  # text and line sizes relative to the kind's reference size
    results: dict[str, Any] = field(default_factory=dict)  # what a kind computed (sweeps, tables)
    static: list[tuple[Any, int]] = field(
        default_factory=list
    )  # (handle, step) shown in the static figure
    # False when the panels keep their own iteration labels (panels paced to end together): no shared counter
    counter: bool = True
    # The steps at which the picture changes, when it changes at a few only (a kind that shows snapshots:
    # basins), each shown until the next: an animation then holds one frame per snapshot for as long as the
    # steps it stands for. None: the picture may change at every step.
    keyframes: list[int] | None = None

    def set_frame(self, k: int) -> list[Any]:
        """Show iteration ``k`` in every panel; returns the artists that changed (for blitting)."""
        k = max(0, min(int(k), self.last_step))
        changed: list[Any] = []
        for handle in self.handles:
            changed.extend(handle.set_frame(k))
        for counter in self.counters:
            counter.set_text(self.counter_format.format(k=k))
            changed.append(counter)
        return changed

    def finish(self) -> Any:
        """Show the whole runs (the static figure) and return the figure.

        Handles added with ``static=k`` show step k in the static figure (a diagram of one chosen update beside
        the whole runs); every frame of an animation shows each handle at the frame's own step."""
        self.set_frame(self.last_step)
        for handle, k in self.static:
            handle.set_frame(k)
        return self.fig

    def add(self, handle: Any, steps: int | None = None, *, static: int | None = None) -> Any:
        """Register a frame-settable handle (returned by an ``optviz.plot`` function) and return it.

        ``steps``: the number of iterations it shows (the scene's last step is the largest). ``static``: the
        step it shows in the static figure, when that is not the last."""
        self.handles.append(handle)
        if steps is not None:
            self.last_step = max(self.last_step, int(steps))
        if static is not None:
            self.static.append((handle, int(static)))
        return handle

    def add_counter(self, ax: Any = None, *, loc: str = "upper right") -> Any:
        """An "iteration k" label, updated by :meth:`set_frame` (animations add one; static figures need none)."""
        from optviz.plot.common import fontsize

        x, ha = (0.99, "right") if "right" in loc else (0.01, "left")
        y, va = (0.99, "top") if "upper" in loc else (0.01, "bottom")
        target = ax if ax is not None else self.fig
        text = target.text(
            x, y, self.counter_format.format(k=self.last_step), transform=target.transAxes if ax is not None else target.transFigure,
            ha=ha, va=va, fontsize=fontsize(), color="0.2", family="DejaVu Sans Mono", zorder=10,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.9},
        )  # fmt: skip
        self.counters.append(text)
        return text

    def close(self) -> None:
        import matplotlib.pyplot as plt

        plt.close(self.fig)
