"""Text that does not depend on its words: every string is laid out and drawn as a fixed box.

Text is the main source of pixel differences between matplotlib and FreeType versions, and rewording
a label should not break an image test. While installed, these patches make every non-empty Text:

- measure as a box ``PLACEHOLDER_EMS`` ems wide and about one em high (matplotlib's layout adds the
  font's line ascent and descent), whatever its string, line count, mathtext or LaTeX. Matplotlib's
  own layout code still does the alignment (ha, va, rotation, rotation_mode) and reports the box
  from ``get_window_extent``, so tight_layout, constrained layout, legends, titles and axis labels
  all see the same fixed sizes;
- draw as that box (``draw=True``: a thin outline in the text's colour with a translucent fill, so
  that data under a label stays visible to a pixel comparison) or not at all (``draw=False``).

No font is rasterised, no mathtext is parsed and LaTeX is never run. Empty strings stay empty, as in
matplotlib. Markers made from text (``marker="$x$"``) are paths, not Text, and keep their glyphs.
"""

from __future__ import annotations

import functools
from typing import Any

from optviz.testing._patches import Patches

PLACEHOLDER_EMS = (
    2.5  # box width in ems: about a short tick label, wide enough to see where text sits
)
_DESCENT = 0.2  # of an em, roughly DejaVu Sans' descender
_FILL_ALPHA = 0.35
_STAND_IN = (
    "x"  # what the layout code sees instead of the real string: one line, no "$", nothing to wrap
)


def install(patches: Patches, *, draw: bool) -> None:
    """Replace text measurement and drawing until ``patches.restore()``."""
    import matplotlib.text as mtext
    from matplotlib.backend_bases import RendererBase

    draw_text = _draw_box if draw else _draw_nothing
    original_draw = mtext.Text.draw

    @functools.wraps(original_draw)  # keeps allow_rasterization's marker attribute
    def text_draw(self: Any, renderer: Any) -> Any:
        # Renderer classes are patched when first seen, covering backends imported later.
        if renderer is not None:
            cls = type(renderer)
            if not patches.is_patched(cls, "draw_text"):
                patches.set(cls, "draw_text", draw_text)
                patches.set(cls, "draw_tex", draw_text)
        return original_draw(self, renderer)

    def wrapped_text(self: Any) -> str:
        return _STAND_IN if self.get_text() else ""

    patches.set(mtext, "_get_text_metrics_with_cache", _fixed_metrics)
    patches.set(mtext.Text, "_get_wrapped_text", wrapped_text)
    patches.set(mtext.Text, "draw", text_draw)
    # RendererBase covers PathEffectRenderer (text with path effects), which inherits its draw_text.
    patches.set(RendererBase, "draw_text", draw_text)
    patches.set(RendererBase, "draw_tex", draw_text)


def box_size(size_points: float, dpi: float) -> tuple[float, float, float]:
    """(width, height, descent) in pixels of the placeholder for a font of ``size_points`` at
    ``dpi``.

    >>> box_size(14, 72)
    (35.0, 14.0, 2.8000000000000003)
    """
    em = size_points * dpi / 72.0
    return PLACEHOLDER_EMS * em, em, _DESCENT * em


def _fixed_metrics(renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float) -> tuple:
    # Replaces matplotlib.text._get_text_metrics_with_cache: the same size for every string.
    return box_size(fontprop.get_size_in_points(), dpi)


def _draw_box(
    self: Any,
    gc: Any,
    x: float,
    y: float,
    s: str,
    prop: Any,
    angle: float,
    *args: Any,
    **kwargs: Any,
) -> None:
    """Stands in for ``RendererBase.draw_text`` and ``draw_tex``; (x, y) starts the baseline."""
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D

    # The layout measured the box at the figure's dpi; points_to_pixels gives the same scale (72 dpi
    # units for vector backends, where the figure's dpi is 72 while saving).
    em = self.points_to_pixels(prop.get_size_in_points())
    width, height, descent = PLACEHOLDER_EMS * em, em, _DESCENT * em
    if self.flipy():  # the caller flipped y for this renderer; draw_path wants y up
        y = self.get_canvas_width_height()[1] - y
    box = Affine2D().scale(width, height).translate(0, -descent).rotate_deg(angle).translate(x, y)
    r, g, b, a = gc.get_rgb()
    self.draw_path(gc, Path.unit_rectangle(), box, (r, g, b, a * _FILL_ALPHA))


def _draw_nothing(self: Any, *args: Any, **kwargs: Any) -> None:
    return None
