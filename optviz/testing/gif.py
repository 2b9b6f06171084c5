"""Animated GIFs for tests: decode frames as a viewer shows them, and compare two GIFs on their
timeline.

File bytes are no basis for comparison: Pillow merges identical consecutive frames into one longer
frame and crops frames to the rectangle that changed. Frames are decoded to full RGBA images
(disposal and transparency honoured), laid on the time axis by their durations (GIF stores
centiseconds, so every time is a multiple of 10 ms) and compared wherever either GIF shows a new
frame, with the pixel rules of :mod:`.compare`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from optviz import _validate
from optviz.testing.compare import (
    MAX_DIFF,
    MAX_PIXELS,
    Outcome,
    PixelStats,
    Region,
    diff_target,
    limits,
    pixel_stats,
    write_diff_image,
)


class Gif(NamedTuple):
    """A decoded GIF; unpacks as ``frames, durations, loop = read_gif(path)``."""

    frames: np.ndarray  # (N, H, W, 4) uint8, each frame composited as a viewer shows it
    durations: np.ndarray  # (N,) int, milliseconds per stored frame
    loop: int | None  # NETSCAPE loop count (0 = forever); None: no loop extension, plays once

    @property
    def total_ms(self) -> int:
        return int(self.durations.sum())


def read_gif(path: str | os.PathLike[str]) -> Gif:
    """Every frame of a GIF as RGBA, each frame's duration in ms, and the loop count (or None)."""
    from optviz.testing.compare import open_image

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such GIF file: {path}")
    with open_image(path, "gif", format="GIF") as im:
        loop = im.info.get("loop")
        frames, durations = [], []
        for index in range(getattr(im, "n_frames", 1)):
            # Pillow composites each frame onto the previous one, honouring its disposal method.
            im.seek(index)
            frames.append(np.asarray(im.convert("RGBA")))
            durations.append(int(im.info.get("duration", 0)))
    return Gif(np.stack(frames), np.asarray(durations, dtype=np.int64), loop)


def write_gif(
    path: str | os.PathLike[str],
    frames: Any,
    durations: int | Sequence[int] = 100,
    *,
    loop: int | None = 0,
) -> Path:
    """Write opaque frames (N, H, W, 3|4) uint8 as a GIF: one palette for all frames, no dithering.

    Durations are in ms, multiples of 10 (one value for all frames, or one per frame). Animations
    with at most 255 colours are stored exactly. Beyond that each pixel takes the nearest colour of
    a fixed palette: the file is lossy, but a change in one frame changes no pixel of another.
    ``loop=None`` writes no loop extension (the GIF plays once). The file is written atomically,
    by the same encoder as optviz's animations (``optviz._gif.GifWriter``).
    """
    from optviz._gif import GifWriter
    from optviz._io import write_atomic

    frames = np.asarray(frames)
    if (
        frames.ndim != 4
        or frames.shape[3] not in (3, 4)
        or frames.shape[0] == 0
        or frames.dtype != np.uint8
    ):
        raise _validate.ParameterError(
            "frames", f"must be a uint8 array (N, H, W, 3|4), got {frames.dtype} {frames.shape}"
        )
    if frames.shape[3] == 4 and frames[..., 3].min() < 255:
        raise _validate.ParameterError(
            "frames", "must be opaque (alpha 255): GIF has no partial transparency"
        )
    ms = _durations(durations, len(frames))
    if loop is not None:
        loop = _validate.integer("loop", loop, minimum=0, maximum=65535)
    rgba = np.empty((*frames.shape[:3], 4), np.uint8)
    rgba[..., :3] = frames[..., :3]
    rgba[..., 3] = 255
    palette = _shared_palette(rgba)
    height, width = frames.shape[1:3]

    def write(handle: Any) -> None:
        writer = GifWriter(handle, (width, height), palette, loop=loop)
        for frame, duration in zip(rgba, ms, strict=True):
            writer.add(frame, duration)
        writer.close()

    return write_atomic(path, write)


def _durations(durations: int | Sequence[int], n: int) -> list[int]:
    one = np.ndim(durations) == 0
    values = [durations] * n if one else list(durations)  # type: ignore[list-item,arg-type]
    if len(values) != n:
        raise _validate.ParameterError(
            "durations", f"must have one value per frame ({n}), got {len(values)}"
        )
    for i, value in enumerate(values):
        value = _validate.integer(f"durations[{i}]", value, minimum=10)
        if value % 10:
            raise _validate.ParameterError(
                f"durations[{i}]",
                f"must be a multiple of 10 ms (GIF stores centiseconds), got {value}",
            )
        values[i] = value
    return values


def _shared_palette(rgba: np.ndarray) -> Any:
    """The palette of an animation's frames: its own colours when there are at most 255 of them,
    else :data:`FIXED_PALETTE`, which is fitted to no content (a palette fitted to the frames would
    shift when one frame changes, and with it the colours of all other frames).

    >>> frames = np.zeros((1, 1, 2, 4), np.uint8); frames[..., 3] = 255; frames[0, 0, 1, 0] = 255
    >>> _shared_palette(frames).colors.tolist()
    [[0, 0, 0], [255, 0, 0]]
    """
    from optviz._gif import MAX_COLORS, Palette, pack, unpack

    colors = np.unique(pack(rgba).ravel())
    if len(colors) <= MAX_COLORS:
        return Palette(unpack(colors))
    return Palette(np.array(FIXED_PALETTE).reshape(-1, 3))


def _fixed_palette() -> list[int]:
    """The 216 colours of the 6x6x6 cube and 39 more greys: 255 colours, fitted to no content (the
    256th index marks the pixels a frame leaves unchanged)."""
    levels = np.linspace(0, 255, 6).round().astype(int)
    cube = [(r, g, b) for r in levels for g in levels for b in levels]
    greys = [(v, v, v) for v in np.linspace(0, 255, 41).round().astype(int)[1:-1]]
    return [int(c) for color in cube + greys for c in color]


FIXED_PALETTE = _fixed_palette()


@dataclasses.dataclass(frozen=True)
class GifComparison(Outcome):
    """The outcome of :func:`compare_gif`: truthy iff the GIFs match; ``str()`` says why (not)."""

    passed: bool
    message: str
    rms: float | None  # of the worst time span; None when the sizes differ
    max_diff: int | None  # largest channel difference over the whole timeline
    n_diff_pixels: int | None  # in the worst time span
    worst_region: Region | None
    worst_frame: int | None  # index of the actual GIF's frame shown in the worst time span
    worst_expected_frame: int | None
    worst_time_ms: int | None  # start of the worst time span
    diff_path: Path | None
    n_frames: tuple[int, int]  # stored frames (actual, expected); merged files store fewer
    total_ms: tuple[int, int]
    loop: tuple[int | None, int | None]


def compare_gif(
    actual: Any,
    expected: Any,
    tol: float = 0.0,
    *,
    max_diff: int = MAX_DIFF,
    max_pixels: int = MAX_PIXELS,
    diff_dir: str | os.PathLike[str] | None = None,
) -> GifComparison:
    """Compare two GIFs as they play: paths, or :class:`Gif` / ``(frames, durations, loop)`` tuples.

    They match when the loop counts are equal (a missing loop extension differs from ``loop=0``),
    the total durations are equal, and at every moment the frames shown pass the rules of
    :func:`~optviz.testing.compare_image` (``tol`` on RMS, ``max_diff``/``max_pixels``). The number
    of stored frames is reported but not compared, so a GIF whose identical consecutive frames were
    merged equals its unmerged twin. On a pixel failure the worst moment's diff image is written as
    ``<actual stem>-failed-diff.png`` next to ``actual`` (or into ``diff_dir``).
    """
    tol, max_diff, max_pixels = limits(tol, max_diff, max_pixels)
    a, e = _as_gif(actual, "actual"), _as_gif(expected, "expected")
    common = {
        "n_frames": (len(a.frames), len(e.frames)),
        "total_ms": (a.total_ms, e.total_ms),
        "loop": (a.loop, e.loop),
    }
    a_size, e_size = a.frames.shape[2:0:-1], e.frames.shape[2:0:-1]
    if a_size != e_size:
        message = (
            f"GIF frame sizes differ: actual is {a_size[0]}x{a_size[1]} px,"
            f" expected is {e_size[0]}x{e_size[1]} px (width x height)"
        )
        return GifComparison(False, message, *[None] * 7, None, **common)

    problems = []
    if a.loop != e.loop:
        problems.append(f"loop {_loop(a.loop)}, expected {_loop(e.loop)}")
    if a.total_ms != e.total_ms:
        problems.append(f"total duration {a.total_ms} ms, expected {e.total_ms} ms")

    stats: dict[tuple[int, int], tuple[PixelStats, np.ndarray]] = {}
    spans = timeline(a.durations, e.durations)
    failing = []
    for start, ia, ie in spans:
        if (ia, ie) not in stats:
            stats[ia, ie] = pixel_stats(a.frames[ia], e.frames[ie], max_diff)
        if not stats[ia, ie][0].passed(tol, max_pixels):
            failing.append(start)
    worst_start, wa, we = max(
        spans, key=lambda s: (not stats[s[1:]][0].passed(tol, max_pixels), stats[s[1:]][0].rms)
    )
    worst, per_pixel = stats[wa, we]
    overall_max = max(s.max_diff for s, _ in stats.values())

    where = f"at {worst_start} ms (actual frame {wa}, expected frame {we})"
    diff_path = None
    if failing:
        problems.append(
            f"pixels differ at {len(failing)} of {len(spans)} moments, first at {failing[0]} ms;"
            f" worst {where}: {worst.describe(max_diff)}; allowed: RMS {tol:g}, {max_pixels} pixels"
        )
        diff_path = diff_target(actual, diff_dir)
        if diff_path is not None:
            write_diff_image(diff_path, a.frames[wa], per_pixel, max_diff, worst.worst_region)
            problems[-1] += f"; diff image: {diff_path}"
    summary = (
        f"{a.total_ms} ms, loop {_loop(a.loop)}, {len(spans)} moments compared"
        f" (stored frames: {len(a.frames)} actual, {len(e.frames)} expected)"
    )
    if problems:
        message = "GIFs differ: " + "; ".join(problems)
    else:
        message = f"GIFs match: {summary}; worst {where}: {worst.describe(max_diff)}"
    return GifComparison(
        not problems,
        message,
        worst.rms,
        overall_max,
        worst.n_diff_pixels,
        worst.worst_region,
        wa,
        we,
        worst_start,
        diff_path,
        **common,
    )


def timeline(actual_ms: np.ndarray, expected_ms: np.ndarray) -> list[tuple[int, int, int]]:
    """``(start_ms, actual frame, expected frame)`` for every moment either GIF changes frame.

    Zero-length frames are never shown. The last frames are always paired too: a GIF that plays once
    stays on its last frame, and a single-frame GIF has no duration at all.

    >>> timeline(np.array([100, 100]), np.array([200]))     # the same time line, merged and not
    [(0, 0, 0), (100, 1, 0)]
    >>> timeline(np.array([0]), np.array([0]))
    [(0, 0, 0)]
    """
    starts_a = np.concatenate([[0], np.cumsum(actual_ms)])
    starts_e = np.concatenate([[0], np.cumsum(expected_ms)])
    end = min(starts_a[-1], starts_e[-1])
    moments = sorted({int(t) for t in (*starts_a[:-1], *starts_e[:-1]) if t < end})
    spans = [
        (
            t,
            int(np.searchsorted(starts_a[:-1], t, side="right")) - 1,
            int(np.searchsorted(starts_e[:-1], t, side="right")) - 1,
        )
        for t in moments
    ]
    last = (len(actual_ms) - 1, len(expected_ms) - 1)
    if not spans or spans[-1][1:] != last:
        spans.append((int(end), *last))
    return spans


def _as_gif(source: Any, field: str) -> Gif:
    if isinstance(source, (str, os.PathLike)):
        return read_gif(source)
    try:
        frames, durations, loop = source
    except (TypeError, ValueError):
        raise _validate.ParameterError(
            field, "must be a GIF path or a (frames, durations, loop) tuple"
        ) from None
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[3] != 4 or frames.dtype != np.uint8:
        raise _validate.ParameterError(
            field, f"frames must be uint8 (N, H, W, 4), got {frames.dtype} {frames.shape}"
        )
    durations = np.broadcast_to(np.asarray(durations, dtype=np.int64), (len(frames),))
    return Gif(frames, durations, loop)


def _loop(loop: int | None) -> str:
    return "none (plays once)" if loop is None else str(loop)
