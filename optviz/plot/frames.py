"""How plotted artists show a run up to iteration k, so an animation only sets data on artists made once.

Public: figure kinds and the explorer build their own animated artists from these parts.

Every plotting function that draws iterates registers its artists here: a path *grows* (data up to k), a head
*follows* (one point at k), a marker *appears* from some step on. ``set_frame(k)`` on a handle calls them all and
returns the artists it changed, ready for blitting. Iterates after a run's stop step stay frozen there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Grows:
    """A line whose data is the first ``min(k, stop) + 1`` points."""

    artist: Any
    x: np.ndarray
    y: np.ndarray
    stop: int

    def set_frame(self, k: int) -> list[Any]:
        last = min(int(k), self.stop)
        self.artist.set_data(self.x[: last + 1], self.y[: last + 1])
        return [self.artist]


@dataclass
class GrowsTo:
    """A line through more points than iterates (L-BFGS's inner iterates between its steps): its data are
    the points up to ``ends[min(k, stop)]``, the point of iterate k. ``marks``: the indices of the points
    that carry a marker (the iterates), cut to the points shown."""

    artist: Any
    x: np.ndarray
    y: np.ndarray
    ends: np.ndarray
    stop: int
    marks: list[int] | None = None

    def set_frame(self, k: int) -> list[Any]:
        last = int(self.ends[min(int(k), self.stop)])
        self.artist.set_data(self.x[: last + 1], self.y[: last + 1])
        if self.marks is not None:
            self.artist.set_markevery([i for i in self.marks if i <= last])
        return [self.artist]


@dataclass
class Follows:
    """A marker at point ``min(k, stop)``; with ``markevery=True`` the data stays whole and only the marked point
    moves (used by the profile's ball, whose data are all the iterates)."""

    artist: Any
    x: np.ndarray
    y: np.ndarray
    stop: int
    markevery: bool = False

    def set_frame(self, k: int) -> list[Any]:
        last = min(int(k), self.stop)
        if self.markevery:
            self.artist.set_markevery([last])
        else:
            self.artist.set_data([self.x[last]], [self.y[last]])
        return [self.artist]


@dataclass
class Appears:
    """An artist visible from step ``first`` on (``until``: hidden again from that step)."""

    artist: Any
    first: int
    until: int | None = None

    def set_frame(self, k: int) -> list[Any]:
        visible = k >= self.first and (self.until is None or k < self.until)
        self.artist.set_visible(visible)
        return [self.artist]


class Animated:
    """Mixin for artist handles: ``frames`` lists the parts above; ``set_frame(k)`` applies them all."""

    frames: list[Any]

    def set_frame(self, k: int) -> list[Any]:
        changed: list[Any] = []
        for part in self.frames:
            changed.extend(part.set_frame(k))
        return changed


class Parts(Animated):
    """A frame-settable handle made of plain parts, for figures that draw their own animated artists."""

    def __init__(self, *frames: Any) -> None:
        self.frames = list(frames)


@dataclass
class StepMarks(Animated):
    """Marks that belong to steps of runs, each shown from its step on: ``artists[i]`` is the mark of step
    ``steps[i]`` (an animation shows it from frame ``steps[i]``). The handle of ``plot.indefinite_steps`` and
    ``plot.inner_iterates``; build one with :meth:`add` for marks of your own."""

    artists: list[Any] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)

    def add(self, artist: Any, step: int) -> Any:
        """Record ``artist`` as the mark of ``step`` (shown from that step on); returns it."""
        self.artists.append(artist)
        self.steps.append(int(step))
        self.frames.append(Appears(artist, int(step)))
        return artist
