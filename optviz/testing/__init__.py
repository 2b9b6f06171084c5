"""Regression tests for figures and animations: reproducible rendering, pixel and GIF comparison, a
pytest plugin.

- :func:`deterministic` renders with the same pixels on every machine (Agg, fixed style, text as
  placeholders).
- :func:`compare_image` and :func:`compare_gif` compare PNGs / GIFs with an RMS tolerance *and* a
  max-difference rule that a thin line moving by 2 px cannot slip through.
- :func:`check_legibility` lists what makes a figure hard to read (design section 11: text over data, text
  over text, clipped text, hidden series, blank bands), each :class:`Finding` with its artist and place.
- The pytest plugin (``optviz.testing.plugin``, loaded through the ``pytest11`` entry point)
  provides the ``optviz_image`` fixture, ``--optviz-update`` and ``--optviz-results=DIR``.

Names are imported on first use (PEP 562): pytest imports the plugin, and with it this package, at
start-up, so nothing here may pull in numpy or matplotlib eagerly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "deterministic": "optviz.testing._deterministic",
    "compare_image": "optviz.testing.compare",
    "ImageComparison": "optviz.testing.compare",
    "Region": "optviz.testing.compare",
    "compare_gif": "optviz.testing.gif",
    "GifComparison": "optviz.testing.gif",
    "Gif": "optviz.testing.gif",
    "read_gif": "optviz.testing.gif",
    "write_gif": "optviz.testing.gif",
    "check_legibility": "optviz.testing.legibility",
    "Finding": "optviz.testing.legibility",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optviz.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # pragma: no cover - names for static analysers only
    from optviz.testing._deterministic import deterministic  # noqa: F401
    from optviz.testing.compare import ImageComparison, Region, compare_image  # noqa: F401
    from optviz.testing.gif import (  # noqa: F401
        Gif,
        GifComparison,
        compare_gif,
        read_gif,
        write_gif,
    )
    from optviz.testing.legibility import Finding, check_legibility  # noqa: F401
