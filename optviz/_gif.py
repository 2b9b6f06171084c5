"""GIF encoding for animations: one palette for the whole animation, frames streamed to the file as they come.

* :class:`Palette` is fitted once, to a few sample frames: the colours that cover many pixels (the background,
  the fills, each run's colour) are kept exactly, the rest (antialiased edges) by a median cut of what is left.
  Every frame is then mapped to it without dithering, through a table from 24-bit colour to palette index that
  fills in as new colours appear, so mapping costs two array look-ups per frame.
* :class:`GifWriter` writes GIF89a: a global colour table, an explicit NETSCAPE loop count, and per frame only
  the rectangle that changed, with unchanged pixels inside it made transparent (disposal 1, "leave in place"),
  so long runs of one index compress well. Identical consecutive frames are merged into one longer frame.
  Pillow's GIF (LZW) encoder compresses each rectangle; frames are never all held in memory.

GIF stores durations in centiseconds, so every duration here is a multiple of 10 ms.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import IO

import numpy as np

MAX_COLORS = 255  # index 255 stays free for transparency
# The most frequent colours are kept exactly (fills, lines, text, each run's colour), up to MAX_EXACT of those
# that cover at least MIN_EXACT_PIXELS pixels; the median cut shares out the rest of the palette.
MAX_EXACT = 128
MIN_EXACT_PIXELS = 8


def pack(rgba: np.ndarray) -> np.ndarray:
    """(..., 4) uint8 RGBA as 24-bit integers ``R | G << 8 | B << 16`` (alpha dropped), without copying channels.

    >>> pack(np.array([[[1, 2, 3, 255]]], np.uint8)).tolist()
    [[197121]]
    """
    rgba = np.ascontiguousarray(rgba)
    return rgba.view("<u4")[..., 0] & 0xFFFFFF


def unpack(packed: np.ndarray) -> np.ndarray:
    """(n,) 24-bit colours as (n, 3) uint8 RGB; the inverse of :func:`pack`."""
    packed = np.asarray(packed, dtype=np.int64)
    return np.stack([packed & 255, (packed >> 8) & 255, (packed >> 16) & 255], axis=-1).astype(
        np.uint8
    )


class Palette:
    """At most 255 colours shared by every frame, with a colour -> index table that fills in lazily.

    >>> frame = np.zeros((2, 2, 4), np.uint8); frame[..., 3] = 255; frame[0, 0, :3] = (0, 114, 178)
    >>> p = Palette.fit([frame])
    >>> p.colors.tolist()
    [[0, 0, 0], [0, 114, 178]]
    >>> p.indices(frame).tolist()
    [[1, 0], [0, 0]]
    """

    def __init__(self, colors: np.ndarray) -> None:
        colors = np.asarray(colors, dtype=np.uint8).reshape(-1, 3)
        if not 1 <= len(colors) <= MAX_COLORS:
            raise ValueError(f"a palette holds 1 to {MAX_COLORS} colours, got {len(colors)}")
        self.colors = colors
        self._rgb = colors.astype(np.int64)
        self._norms = (self._rgb**2).sum(axis=1)
        # A 2**24-entry table (16 MB) from colour to index makes the mapping one gather; 255 (never a colour's
        # index: at most 255 colours) marks colours not looked up yet.
        self._table = np.full(1 << 24, 255, dtype=np.uint8)
        rgb = colors.astype(np.int64)
        packed = rgb[:, 0] | rgb[:, 1] << 8 | rgb[:, 2] << 16
        self._table[packed[::-1]] = np.arange(len(colors))[::-1]  # the first of equal colours wins

    @classmethod
    def fit(cls, samples: Sequence[np.ndarray]) -> Palette:
        """A palette for frames like ``samples`` ((H, W, 4) uint8 frames of one animation).

        The first sample is counted whole, the others where they differ from it, so the shared background
        does not outweigh what moves. Deterministic: equal samples give an equal palette.
        """
        first = pack(samples[0]).ravel()
        parts = [first]
        for sample in samples[1:]:
            packed = pack(sample).ravel()
            parts.append(packed[packed != first])
        values, counts = np.unique(np.concatenate(parts), return_counts=True)
        if len(values) <= MAX_COLORS:
            return cls(unpack(values))
        order = np.argsort(-counts, kind="stable")
        values, counts = values[order], counts[order]
        n_exact = int(min(MAX_EXACT, np.count_nonzero(counts >= MIN_EXACT_PIXELS)))
        exact = unpack(values[:n_exact])
        rest = _median_cut(unpack(values[n_exact:]), counts[n_exact:], MAX_COLORS - n_exact)
        colors = np.concatenate([exact, rest])
        _, first_seen = np.unique(colors, axis=0, return_index=True)
        return cls(colors[np.sort(first_seen)])

    def indices(self, rgba: np.ndarray) -> np.ndarray:
        """Palette indices (H, W) uint8 of an (H, W, 4) frame: each colour's nearest palette colour."""
        return self.lookup(pack(rgba))

    def lookup(self, packed: np.ndarray) -> np.ndarray:
        """Palette indices (uint8, same shape) of 24-bit colours from :func:`pack`."""
        index = self._table[packed]
        if index.size and index.max() == 255:
            new = np.unique(packed[index == 255])
            self._table[new] = self.nearest(unpack(new))
            index = self._table[packed]
        return index

    def nearest(self, rgb: np.ndarray) -> np.ndarray:
        """Index of the nearest palette colour (Euclidean in RGB) for each of (n, 3) colours.

        |c - p|^2 = |c|^2 - 2 c.p + |p|^2, and |c|^2 is the same for every p: one matrix product. Integer
        arithmetic keeps it exact, so ties go to the lowest index on every machine.
        """
        out = np.empty(len(rgb), dtype=np.uint8)
        for start in range(0, len(rgb), 8192):
            chunk = rgb[start : start + 8192].astype(np.int64)
            distance = self._norms[None, :] - 2 * chunk @ self._rgb.T
            out[start : start + 8192] = distance.argmin(axis=1)
        return out

    def table_bytes(self) -> bytes:
        """The global colour table: the colours padded with black to a power of two (at least 2) entries."""
        size = 2 ** max(1, int(np.ceil(np.log2(len(self.colors) + 1))))
        table = np.zeros((size, 3), np.uint8)
        table[: len(self.colors)] = self.colors
        return table.tobytes()

    @property
    def transparent(self) -> int:
        """The index reserved for "unchanged" pixels: the first one past the colours."""
        return len(self.colors)


def _median_cut(rgb: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
    """``n`` colours for the weighted colours ``rgb`` by Pillow's median cut (no dithering)."""
    from PIL import Image

    # Weighted by count, capped so one frequent colour cannot make the strip huge.
    repeat = np.minimum(counts, 64)
    strip = np.repeat(rgb, repeat, axis=0)
    image = Image.fromarray(strip.reshape(1, -1, 3), "RGB")
    quantized = image.quantize(
        colors=min(n, len(rgb)), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    used = np.unique(np.asarray(quantized))
    palette = np.asarray(quantized.getpalette()[: 3 * (int(used.max()) + 1)], np.uint8)
    return palette.reshape(-1, 3)[used]


class GifWriter:
    """Streams RGBA frames into a GIF89a file, mapped to ``palette``; :meth:`close` writes the trailer.

    Each frame after the first stores the rectangle where its colours changed. ``optimize=True`` also makes
    the pixels inside it whose palette index did not change transparent, which turns them into long runs of
    one index. Measured on the benchmark's animation (100 frames, 640 x 480, the counter in a corner far from
    the path, so the changed rectangles are large): 81 KiB instead of 752 KiB, and a quarter faster to write.
    """

    def __init__(
        self,
        fp: IO[bytes],
        size: tuple[int, int],
        palette: Palette,
        *,
        loop: int | None = 0,
        optimize: bool = True,
    ) -> None:
        self.fp = fp
        self.width, self.height = size
        self.palette = palette
        self.optimize = optimize and palette.transparent < 256
        self._packed: np.ndarray | None = None  # the previous frame's colours
        self._index: np.ndarray | None = None  # ... and palette indices
        self._pending: tuple[bytes, int, bool] | None = None  # (image block, duration, transparent)
        table = palette.table_bytes()
        bits = int(np.log2(len(table) // 3)) - 1
        fp.write(b"GIF89a")
        # Logical screen: global colour table present, 8-bit colour resolution, table size, background 0.
        fp.write(struct.pack("<HHBBB", self.width, self.height, 0x80 | 0x70 | bits, 0, 0))
        fp.write(table)
        if loop is not None:
            fp.write(b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\x00")
        self.frames = 0  # frames stored (after merging identical ones)

    def add(self, rgba: np.ndarray, duration: int) -> None:
        """Append an (H, W, 4) uint8 frame shown for ``duration`` ms (a multiple of 10)."""
        if rgba.shape[:2] != (self.height, self.width):
            raise ValueError(f"frame is {rgba.shape[1::-1]}, the GIF is {self.width}x{self.height}")
        packed = pack(rgba)
        if self._packed is None:
            self._index = self.palette.lookup(packed)
            self._packed = packed
            self._pending = (self._image(self._index, 0, 0), duration, False)
            return
        changed = packed != self._packed
        self._packed = packed
        rows = np.flatnonzero(changed.any(axis=1))
        if len(rows):
            cols = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
            box = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
            changed = changed[box]
            old = self._index[box]
            new = old.copy()
            # Only the pixels whose colour changed are looked up: a few thousand, not the whole rectangle.
            new[changed] = self.palette.lookup(packed[box][changed])
            moved = new != old
        if not len(rows) or not moved.any():  # the same picture: the previous frame stays up longer
            block, ms, transparent = self._pending  # type: ignore[misc]
            self._pending = (block, ms + duration, transparent)
            return
        # Shrink the rectangle to where the indices changed (two colours may share an index).
        r = np.flatnonzero(moved.any(axis=1))
        c = np.flatnonzero(moved[r[0] : r[-1] + 1].any(axis=0))
        inner = (slice(r[0], r[-1] + 1), slice(c[0], c[-1] + 1))
        top, left = int(rows[0] + r[0]), int(cols[0] + c[0])
        self._index[box] = new
        if self.optimize:
            crop = np.full((r[-1] + 1 - r[0], c[-1] + 1 - c[0]), self.palette.transparent, np.uint8)
            keep = moved[inner]
            crop[keep] = new[inner][keep]
        else:
            crop = new[inner]
        self._flush()
        self._pending = (self._image(crop, left, top), duration, self.optimize)

    def close(self) -> None:
        self._flush()
        self.fp.write(b"\x3b")

    def _flush(self) -> None:
        if self._pending is None:
            return
        block, duration, transparent = self._pending
        flags = (1 << 2) | (1 if transparent else 0)  # disposal 1: leave the frame in place
        delay = int(duration) // 10
        self.fp.write(
            b"\x21\xf9\x04"
            + struct.pack("<BHB", flags, delay, self.palette.transparent if transparent else 0)
            + b"\x00"
        )
        self.fp.write(block)
        self.frames += 1
        self._pending = None

    def _image(self, index: np.ndarray, left: int, top: int) -> bytes:
        """Image descriptor and LZW data of a rectangle of indices at (left, top)."""
        h, w = index.shape
        descriptor = b"\x2c" + struct.pack("<HHHHB", left, top, w, h, 0)
        return descriptor + lzw_data(index)


def lzw_data(index: np.ndarray) -> bytes:
    """GIF image data of (h, w) uint8 indices: the LZW minimum code size (8), the data sub-blocks Pillow's
    GIF encoder makes, and the block terminator.

    >>> data = lzw_data(np.zeros((1, 2), np.uint8))
    >>> data[:1], data[-1:]
    (b'\\x08', b'\\x00')
    """
    from PIL import Image

    h, w = index.shape
    image = Image.frombuffer("P", (w, h), np.ascontiguousarray(index).tobytes(), "raw", "P", 0, 1)
    return b"\x08" + image.tobytes("gif", "P", 8, 0) + b"\x00"
