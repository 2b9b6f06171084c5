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
        """Show the whole runs (the static figure) and return the figure."""
        self.set_frame(self.last_step)
        return self.fig

    def add(self, handle: Any) -> Any:
        """Register a frame-settable handle (returned by an ``optviz.plot`` function) and return it."""
        self.handles.append(handle)
        return handle

    def close(self) -> None:
        import matplotlib.pyplot as plt

        plt.close(self.fig)
