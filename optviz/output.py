"""Byte-stable, atomic figure output: ``optviz.savefig(fig, "fig.pdf")``."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

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
