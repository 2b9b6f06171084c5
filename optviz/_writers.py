"""The formats of a figure kind's output that a part above the Scenarios writes (the Web part's ``html``
page): the package root registers each writer, ``optviz render`` and the scenario schema look it up.

Standard library only, so that registering at ``import optviz`` loads nothing else (the writer itself is
imported on first use).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class FigureWriter(Protocol):
    """A file format for a figure kind's output that the scenario layer may not import (the web page is the
    Web part's, which only the package root imports): the root registers it, ``optviz render`` uses it."""

    def refusal(self, kind: str, panels: Sequence[str] = ()) -> str | None:
        """Why figure kind ``kind`` (with ``panels``, the kinds of its ``[[panel]]`` tables) cannot be written
        in this format (None when it can)."""

    def check(self, kind: Any, data: Any) -> None:
        """Raise ``ParameterError`` (naming the scenario field) for what would make the file impossible,
        before anything is drawn."""

    def write(
        self,
        kind: Any,
        data: Any,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        description: str | None = None,
        size: Sequence[float] | None = None,
        dpi: float | None = None,
        formats: Sequence[str] = (),
    ) -> Any:
        """Write the file for ``kind`` drawn from ``data`` (a computed ``PanelData``) to ``path``."""


_WRITERS: dict[str, Callable[[], FigureWriter]] = {}


def register_writer(fmt: str, factory: Callable[[], FigureWriter]) -> None:
    """Register the writer of format ``fmt``: ``factory()`` returns it on first use (so registering imports
    nothing)."""
    _WRITERS[fmt] = factory


def figure_writer(fmt: str) -> FigureWriter | None:
    """The registered writer of ``fmt`` (None for the formats that optviz.output and optviz.anim draw)."""
    factory = _WRITERS.get(fmt)
    return None if factory is None else factory()
