"""Byte-stable, atomic figure output: ``optviz.savefig(fig, "fig.pdf")``; and the formats of a figure kind's
output that another part writes (the web page, ``html``), registered here by the package root.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from optviz import limits
from optviz._io import atomic_path
from optviz._validate import ParameterError, positive

FORMATS = ("png", "svg", "pdf")

# Metadata that would otherwise carry a timestamp or the library version into the file's bytes.
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Date": None, "Creator": None},
}
SVG_HASHSALT = "optviz"


def savefig(
    fig: Any,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    atomic: bool = True,
    **kwargs: Any,
) -> Path:
    """Save ``fig`` as PNG, SVG or PDF (by the suffix), with identical bytes for identical figures.

    The file is written to a temporary name in the same folder and moved into place, so an error
    never leaves a partial file; ``atomic=False`` writes ``path`` directly, for a caller that stages
    its outputs itself (``optviz.scenario.render``). No ``bbox_inches="tight"``: the figure's size is
    the file's size, at most :data:`optviz.limits.MAX_PIXELS` a side at ``dpi`` (refused before drawing, so a
    typo cannot allocate gigabytes). Returns the path.
    """
    import matplotlib as mpl

    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{target}: unsupported format {fmt!r} (use one of: {', '.join(FORMATS)})")
    dpi = fig.dpi if dpi is None else positive("dpi", dpi)
    width, height = (float(v) * dpi for v in fig.get_size_inches())
    if max(width, height) > limits.MAX_PIXELS:
        raise ParameterError(
            "dpi",
            f"{width:,.0f} x {height:,.0f} pixels is more than {limits.MAX_PIXELS:,} a side (lower the dpi "
            "or the figure's size)",
        )
    metadata = {**_METADATA[fmt], **kwargs.pop("metadata", {})}
    staged = atomic_path(target) if atomic else contextlib.nullcontext(target)
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT}), staged as tmp:
        fig.savefig(
            tmp,
            format=fmt,
            dpi=dpi,
            metadata=metadata,
            facecolor=fig.get_facecolor(),
            **kwargs,
        )
    return target


# -- formats written by a part above the scenario layer ------------------------------------------------------
class FigureWriter(Protocol):
    """A file format for a figure kind's output that the scenario layer may not import (the web page is the
    Web part's, which only the package root imports): the root registers it, ``optviz render`` uses it."""

    def refusal(self, kind: str) -> str | None:
        """Why figure kind ``kind`` cannot be written in this format (None when it can)."""

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
    """The registered writer of ``fmt`` (None for the formats drawn here and in ``optviz.anim``)."""
    factory = _WRITERS.get(fmt)
    return None if factory is None else factory()
