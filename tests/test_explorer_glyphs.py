"""The explorer's readouts drawn from cached glyphs (``optviz.explorer._glyphs``) have matplotlib's pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from optviz.explorer._glyphs import GlyphText, cached, glyph_cached

# What readouts say (numbers, eigenvalue pairs, statuses, labels), every printable character, and a string
# drawn by matplotlib itself (not ASCII).
STRINGS = [
    "0.0123", "-1.23e6", "1, 10", "-0.25, 966", "3.19e-12", "diverged at step 100000", "noisy Nesterov",
    "SGD+Momentum", "singular H at step 0", "| _ ~ ` ^ {} [] @ # $ % & * ; : ' \" < > ? / \\ !",
    "".join(chr(c) for c in range(32, 127)), "κ(H) ∇f",
]  # fmt: skip


def draw(
    cls: type, texts: list[tuple[float, float, str, dict]], times: int = 1
) -> tuple[np.ndarray, list]:
    fig = Figure(figsize=(9, 6), dpi=100)
    canvas = FigureCanvasAgg(fig)
    made = []
    for x, y, s, kw in texts:
        t = (
            Text(x, y, s, transform=fig.transFigure, **kw)
            if cls is glyph_cached
            else cls(x, y, s, transform=fig.transFigure, **kw)
        )
        if cls is glyph_cached:
            glyph_cached(t)
        fig.add_artist(t)
        made.append(t)
    for _ in range(times):  # the second time from the caches
        canvas.draw()
    renderer = canvas.get_renderer()
    extents = [t.get_window_extent(renderer).bounds for t in made]
    if cls is not Text:  # the glyphs did come from the cache (not matplotlib's own drawing)
        fonts = list(cached(renderer)._fonts.values())
        assert fonts and all(f.glyphs for f in fonts)
    return np.asarray(canvas.buffer_rgba()).copy(), extents


MONO = {"family": "DejaVu Sans Mono"}


@pytest.mark.parametrize(
    ("cls", "kw"),
    [
        (GlyphText, {"fontsize": 7.92, "va": "top", **MONO}),
        (
            GlyphText,
            {"fontsize": 11, "va": "baseline", "fontweight": "bold", "color": "#B00020", **MONO},
        ),
        (GlyphText, {"fontsize": 9.3, "va": "center", "ha": "right", "alpha": 0.6, **MONO}),
        (glyph_cached, {"fontsize": 7.92, "va": "top"}),  # proportional: each string's layout kept
        (glyph_cached, {"fontsize": 10, "ha": "center", "fontweight": "bold"}),
    ],
)
def test_glyph_text_has_matplotlibs_pixels_and_extents(cls, kw) -> None:
    # Positions at odd fractions of a pixel: every subpixel phase of the cache is exercised.
    texts = [
        (0.013 + 0.37 * (i % 2) + 0.0013 * i, 0.97 - 0.079 * i, s, kw)
        for i, s in enumerate(STRINGS)
    ]
    want, want_extents = draw(Text, texts)
    got, got_extents = draw(cls, texts, times=2)
    assert want[..., 3].any()
    np.testing.assert_array_equal(got, want)
    assert got_extents == want_extents


def test_other_renderers_draw_as_matplotlib() -> None:
    class Other:
        pass

    other = Other()
    assert cached(other) is other
    fig = Figure(dpi=100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    assert cached(renderer) is cached(renderer) and cached(renderer) is not renderer
