"""Readout text drawn from cached glyphs: the pixels of matplotlib's own text, at a fraction of its cost.

The readouts change on every slider move, and matplotlib (3.11, Agg) measures, lays out and rasterizes every
character of a new string afresh: about a quarter of a millisecond a character, the largest part of a move's
drawing after the engine. The readouts are printable ASCII in a monospaced font, in which a string's layout is
its characters side by side, each one advance further, and its extent is their extents combined. A
:class:`GlyphText` keeps each character's layout and extent and each rasterized glyph (per position within a
pixel: FreeType renders a glyph moved by whole pixels as the same bitmap, moved), and composes its strings from
them. In a proportional font (a slider's value, a label) the layout of each string is kept instead, so a text
that does not change is not laid out again, and glyphs are still rasterized once (:func:`glyph_cached`). ``tests/test_explorer_glyphs.py`` holds its pixels and extents equal to matplotlib's ``Text`` for many
strings. Another renderer (PDF, SVG, PS), a rotated text or a string that is not printable ASCII is drawn by
matplotlib itself, as is a font whose layout is not the characters side by side (checked once per font).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
from matplotlib.ft2font import RenderMode
from matplotlib.text import Text
from matplotlib.transforms import Bbox

_PRINTABLE = frozenset(chr(c) for c in range(32, 127))
_SAMPLE = "".join(sorted(_PRINTABLE))


class _Font:
    """One font at one size and dpi: each character's glyph, advance and vertical extent, and the glyphs
    rasterized so far. ``usable`` is False when the font's layout is not its characters side by side."""

    def __init__(self, renderer: RendererAgg, prop: Any) -> None:
        self.prop = prop.copy()
        self.dpi = renderer.dpi
        self.size = prop.get_size_in_points()
        self.flags = get_hinting_flag()
        self.font = font = renderer._prepare_font(prop)
        font.set_text("00", 0.0, flags=self.flags)
        self.advance = font.get_width_height()[0] / 2  # 1/64 px
        # Every printable character laid out side by side: each one's glyph, one advance further than the last.
        items = font._layout(_SAMPLE, flags=self.flags)
        self.usable = len(items) == len(_SAMPLE) and all(
            item.ft_object is font and item.x * 64 == i * self.advance and item.y == 0
            for i, item in enumerate(items)
        )
        self.index = {c: item.glyph_index for c, item in zip(_SAMPLE, items, strict=False)}
        self.extents: dict[
            str, tuple[float, float]
        ] = {}  # each character's bottom and top, in 1/64 px
        # The layouts of strings seen in a font that is not monospaced (a label that does not change): glyph
        # and x offset of each character, or None where another font (a fallback) draws some of them.
        self.layouts: dict[str, list[tuple[int, float]] | None] = {}
        self.glyphs: dict[tuple[Any, ...], tuple[np.ndarray, int, int]] = {}

    def _extent(self, c: str) -> tuple[float, float]:
        hit = self.extents.get(c)
        if hit is None:
            font = self.font
            font.set_size(self.size, self.dpi)
            font.set_text(c, 0.0, flags=self.flags)
            height, descent = font.get_width_height()[1], font.get_descent()
            hit = self.extents[c] = (-descent, height - descent)
        return hit

    def layout(self, s: str) -> list[tuple[int, float]] | None:
        """Each character's glyph and x offset in pixels (None: drawn by matplotlib itself)."""
        if self.usable:
            index, advance = self.index, self.advance / 64
            return [(index[c], i * advance) for i, c in enumerate(s)]
        if s not in self.layouts:
            if len(self.layouts) > 256:  # strings that keep changing: no use keeping them
                self.layouts.clear()
            self.font.set_size(self.size, self.dpi)
            items = self.font._layout(s, flags=self.flags)
            ok = all(item.ft_object is self.font and item.y == 0 for item in items)
            self.layouts[s] = [(item.glyph_index, item.x) for item in items] if ok else None
        return self.layouts[s]

    def metrics(self, s: str) -> tuple[float, float, float]:
        """matplotlib's ``get_text_width_height_descent`` of ``s``: width, height and descent in pixels."""
        extents = [self._extent(c) for c in set(s)]
        bottom = min(e[0] for e in extents)
        top = max(e[1] for e in extents)
        return len(s) * self.advance / 64, (top - bottom) / 64, -bottom / 64

    def glyph(
        self, index: int, fx: int, fy: int, flags: Any, antialiased: bool
    ) -> tuple[np.ndarray, int, int]:
        """Glyph ``index`` rasterized at ``(fx, fy)`` 64ths of a pixel: its coverage, left and top."""
        key = (index, fx, fy, flags, antialiased)
        hit = self.glyphs.get(key)
        if hit is None:
            if len(self.glyphs) > 4096:
                self.glyphs.clear()
            font = self.font
            font.set_size(self.size, self.dpi)
            font._set_transform([[0x10000, 0], [0, 0x10000]], [fx, fy])
            bitmap = font._render_glyph(
                index, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO
            )
            buffer = np.array(bitmap.buffer)
            if not antialiased:
                buffer *= 0xFF
            hit = self.glyphs[key] = (buffer, bitmap.left, bitmap.top)
        return hit


class _CachedRenderer:
    """An Agg renderer whose text comes from :class:`_Font` caches (everything else is the renderer's)."""

    def __init__(self, renderer: RendererAgg) -> None:
        self._agg = renderer
        self._fonts: dict[Any, _Font] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._agg, name)

    def _font(self, s: str, prop: Any, ismath: Any) -> _Font | None:
        if ismath or not s or not _PRINTABLE.issuperset(s):
            return None
        key = (hash(prop), self._agg.dpi)
        font = self._fonts.get(key)
        if font is None or font.prop != prop:
            font = self._fonts[key] = _Font(self._agg, prop)
        return font

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
        font = self._font(s, prop, ismath)
        if (
            font is None or not font.usable
        ):  # (matplotlib keeps the metrics of each string it measured)
            return self._agg.get_text_width_height_descent(s, prop, ismath)
        return font.metrics(s)

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        font = self._font(s, prop, ismath)
        glyphs = None if font is None or angle != 0 else font.layout(s)
        if glyphs is None:
            self._agg.draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        # The clip box once (a live box computes itself on every use: each glyph's draw would ask again).
        clip = gc.get_clip_rectangle()
        if clip is not None:
            gc.set_clip_rectangle(Bbox(clip.get_points()))
        # As RendererAgg._draw_text_glyphs_and_boxes places each glyph (y is downwards; FreeType's upwards).
        height = self._agg.height
        flags = get_hinting_flag()
        antialiased = bool(gc.get_antialiased())
        vy = round(0x40 * (height - y))
        for index, dx in glyphs:
            vx = round(0x40 * (x + dx))
            buffer, left, top = font.glyph(index, vx & 63, vy & 63, flags, antialiased)
            if buffer.size == 0:
                continue
            left += vx >> 6
            top += vy >> 6
            self._agg._renderer.draw_text_image(
                buffer, left, int(height) - top + buffer.shape[0], 0, gc
            )


_CACHED: weakref.WeakKeyDictionary[Any, _CachedRenderer] = weakref.WeakKeyDictionary()


def cached(renderer: Any) -> Any:
    """The glyph-caching stand-in for an Agg ``renderer`` (one per renderer, so that matplotlib's text-metrics
    cache, keyed by renderer, keeps working); any other renderer as it is."""
    if type(renderer) is not RendererAgg:
        return renderer
    stand_in = _CACHED.get(renderer)
    if stand_in is None:
        stand_in = _CACHED[renderer] = _CachedRenderer(renderer)
    return stand_in


class GlyphText(Text):
    """A ``Text`` drawn from cached glyphs on an Agg canvas (see the module docs); the same pixels."""

    def draw(self, renderer: Any) -> None:
        super().draw(cached(renderer))


def glyph_cached(text: Any) -> Any:
    """Draw an existing text artist (a widget's value, an axes title, a label) from cached glyphs."""
    draw = text.draw
    text.draw = lambda renderer, *args, **kwargs: draw(cached(renderer), *args, **kwargs)
    return text
