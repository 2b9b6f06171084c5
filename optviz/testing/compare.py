"""Pixel comparison of two images: RMS for faint, widespread change, max-difference for strong,
local change.

Whole-image RMS is an average: a 2-pt trajectory that vanishes from a 960x720 figure moves it by
about 2 (on 0..255), well under the tolerances people use. So an image passes only if both hold:

- ``rms <= tol``: the root-mean-square difference over the pixels' channel values;
- at most ``max_pixels`` pixels (default 0) differ by more than ``max_diff`` (default 16 of 255) in
  some channel.

Raising ``tol`` therefore forgives faint changes everywhere (a colour shifted by a few levels),
never a line that moved. To compare by RMS alone, as ``matplotlib.testing.compare`` does, pass
``max_diff=255``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from optviz import _validate

MAX_DIFF = 16
MAX_PIXELS = 0


@dataclasses.dataclass(frozen=True)
class Region:
    """A rectangle of pixels: columns ``x0 <= x < x1``, rows ``y0 <= y < y1``, origin at the top
    left.

    >>> r = Region(10, 20, 15, 22)
    >>> (r.width, r.height, str(r))
    (5, 2, 'x 10..14, y 20..21 (5x2 px)')
    """

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def __str__(self) -> str:
        size = f"{self.width}x{self.height} px"
        return f"x {self.x0}..{self.x1 - 1}, y {self.y0}..{self.y1 - 1} ({size})"


@dataclasses.dataclass(frozen=True)
class PixelStats:
    """How two same-sized RGBA images differ (see the module docstring for the pass rule)."""

    rms: float
    max_diff: int  # the largest difference of any channel of any pixel, 0..255
    n_diff_pixels: int  # pixels with a channel differing by more than the threshold
    worst_region: Region | None
    n_regions: int

    def passed(self, tol: float, max_pixels: int) -> bool:
        return self.rms <= tol and self.n_diff_pixels <= max_pixels

    def describe(self, threshold: int) -> str:
        text = (
            f"RMS {self.rms:.3f}; {self.n_diff_pixels} pixels differ by more than {threshold}"
            f" (largest difference {self.max_diff})"
        )
        if self.worst_region is not None:
            text += f"; worst region {self.worst_region}"
            if self.n_regions > 1:
                text += f" (1 of {self.n_regions} regions)"
        return text


class Outcome:
    """Truthy iff the comparison passed; ``str()`` is the message saying why or why not."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message


def limits(tol: Any, max_diff: Any, max_pixels: Any) -> tuple[float, int, int]:
    """The pass rule's parameters, checked."""
    return (
        _validate.nonnegative("tol", tol),
        _validate.integer("max_diff", max_diff, minimum=0, maximum=255),
        _validate.integer("max_pixels", max_pixels, minimum=0),
    )


@dataclasses.dataclass(frozen=True)
class ImageComparison(Outcome):
    """The outcome of :func:`compare_image`: truthy iff they match; ``str()`` says why."""

    passed: bool
    message: str
    rms: float | None  # None when the sizes differ
    max_diff: int | None
    n_diff_pixels: int | None
    worst_region: Region | None
    diff_path: Path | None
    actual_size: tuple[int, int]  # (width, height)
    expected_size: tuple[int, int]


def compare_image(
    actual: Any,
    expected: Any,
    tol: float = 0.0,
    *,
    max_diff: int = MAX_DIFF,
    max_pixels: int = MAX_PIXELS,
    diff_dir: str | os.PathLike[str] | None = None,
) -> ImageComparison:
    """Compare two images given as PNG paths or arrays (H, W, 4) / (H, W, 3).

    RMS is taken on 0..255 over RGB when both images are opaque (as ``matplotlib.testing.compare``
    does) and over RGBA otherwise; the max-difference test always looks at all four channels. On
    failure a diff image, the differences in red over a faded copy of ``actual`` with the worst
    region framed in blue, is written as ``<actual stem>-failed-diff.png`` next to ``actual`` or
    into ``diff_dir`` (for an array ``actual``, only when ``diff_dir`` is given). Images of
    different sizes fail with a message naming both sizes.

    >>> import numpy as np
    >>> a = np.full((40, 60, 4), 255, np.uint8)
    >>> b = a.copy(); b[10:12, 5:50, :3] = 0            # a thin dark line, 90 of 2400 pixels
    >>> result = compare_image(b, a, tol=10)
    >>> bool(result), round(result.rms, 1), result.n_diff_pixels, str(result.worst_region)
    (False, 49.4, 90, 'x 5..49, y 10..11 (45x2 px)')
    >>> bool(compare_image(a, a))
    True
    """
    tol, max_diff, max_pixels = limits(tol, max_diff, max_pixels)
    a = load_image(actual, "actual")
    e = load_image(expected, "expected")
    a_size, e_size = (a.shape[1], a.shape[0]), (e.shape[1], e.shape[0])
    if a_size != e_size:
        message = (
            f"image sizes differ: actual is {a_size[0]}x{a_size[1]} px,"
            f" expected is {e_size[0]}x{e_size[1]} px (width x height)"
        )
        return ImageComparison(False, message, None, None, None, None, None, a_size, e_size)
    stats, per_pixel = pixel_stats(a, e, max_diff)
    passed = stats.passed(tol, max_pixels)
    diff_path = None
    if passed:
        message = f"images match ({stats.describe(max_diff)}; tol {tol:g})"
    else:
        message = (
            f"images differ: {stats.describe(max_diff)}; allowed: RMS {tol:g}, {max_pixels} pixels"
        )
        diff_path = diff_target(actual, diff_dir)
        if diff_path is not None:
            write_diff_image(diff_path, a, per_pixel, max_diff, stats.worst_region)
            message += f"; diff image: {diff_path}"
    return ImageComparison(
        passed,
        message,
        stats.rms,
        stats.max_diff,
        stats.n_diff_pixels,
        stats.worst_region,
        diff_path,
        a_size,
        e_size,
    )


class ImageFileError(ValueError):
    """An image file that cannot be read as what it should be: empty, corrupt, of another format than its
    name says, or larger than the limits (a decompression bomb). ``str(err)`` names the file and the reason."""


@contextlib.contextmanager
def open_image(
    path: str | os.PathLike[str], field: str = "image", *, format: str | None = None
) -> Any:
    """``PIL.Image.open(path)``, checked: the file exists, is an image of ``format`` (``"PNG"``, ``"GIF"``;
    any when None), and its pixels (every frame's, for a GIF) stay within
    :data:`optviz.limits.MAX_FRAME_BYTES` as RGBA, read from its header before anything is decoded. Anything
    else raises :class:`ImageFileError` (``FileNotFoundError`` for a missing file)."""
    import warnings

    from PIL import Image

    from optviz import limits

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{field}: no such image file: {path}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as err:
        why = "an empty file" if path.stat().st_size == 0 else f"{type(err).__name__}: {err}"
        raise ImageFileError(f"{field}: {path} is not a readable image ({why})") from None
    with im:
        if format is not None and im.format != format:
            raise ImageFileError(
                f"{field}: {path} is not a {format} file (its data is {im.format or 'unknown'})"
            )
        frames = getattr(im, "n_frames", 1) if im.format == "GIF" else 1
        width, height = im.size
        if frames > limits.MAX_FRAMES or frames * width * height * 4 > limits.MAX_FRAME_BYTES:
            raise ImageFileError(
                f"{field}: {path} is too large to compare ({frames:,} frames of {width:,} x {height:,} pixels)"
            )
        try:
            yield im
        except (
            OSError,
            ValueError,
            SyntaxError,
            EOFError,
        ) as err:  # truncated data, found while decoding
            raise ImageFileError(
                f"{field}: {path} is not a readable image ({type(err).__name__}: {err})"
            ) from None


def load_image(source: Any, field: str = "image") -> np.ndarray:
    """RGBA uint8 (H, W, 4) from a path or an (H, W, 3|4) array (uint8 or floats in 0..1)."""
    if isinstance(source, (str, os.PathLike)):
        with open_image(source, field) as im:
            return np.asarray(im.convert("RGBA"))
    arr = np.asarray(source)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise _validate.ParameterError(
            field, f"must be a PNG path or an array (H, W, 3|4), got shape {arr.shape}"
        )
    if arr.dtype != np.uint8:
        if not np.issubdtype(arr.dtype, np.floating) or not np.all((arr >= 0) & (arr <= 1)):
            raise _validate.ParameterError(
                field, f"must be uint8 or floats in [0, 1], got dtype {arr.dtype}"
            )
        arr = np.round(arr * 255).astype(np.uint8)
    if arr.shape[2] == 3:
        arr = np.concatenate([arr, np.full((*arr.shape[:2], 1), 255, np.uint8)], axis=2)
    return arr


def pixel_stats(
    actual: np.ndarray, expected: np.ndarray, threshold: int
) -> tuple[PixelStats, np.ndarray]:
    """Statistics of two same-sized RGBA uint8 images; each pixel's largest channel difference."""
    diff = np.abs(actual.astype(np.int16) - expected.astype(np.int16))
    opaque = actual[..., 3].min() == 255 and expected[..., 3].min() == 255
    channels = diff[..., :3] if opaque else diff
    rms = math.sqrt(float(np.mean(np.square(channels, dtype=np.float64)))) if diff.size else 0.0
    per_pixel = diff.max(axis=2) if diff.size else np.zeros(diff.shape[:2], np.int16)
    above = per_pixel > threshold
    n_diff = int(above.sum())
    region, n_regions = worst_region(per_pixel, above if n_diff else per_pixel > 0)
    max_diff = int(per_pixel.max()) if per_pixel.size else 0
    return PixelStats(rms, max_diff, n_diff, region, n_regions), per_pixel


def worst_region(per_pixel: np.ndarray, mask: np.ndarray) -> tuple[Region | None, int]:
    """The box around the masked cluster with the largest total difference; the cluster count.

    Pixels up to 4 px apart belong to one cluster, so the two edges of a moved line make one region.
    """
    if not mask.any():
        return None, 0
    from scipy import ndimage

    near = ndimage.binary_dilation(mask, structure=np.ones((3, 3), bool), iterations=2)
    labels, n = ndimage.label(near)
    labels = np.where(mask, labels, 0)
    weight = ndimage.sum_labels(per_pixel, labels, index=np.arange(1, n + 1))
    rows, cols = np.nonzero(labels == int(np.argmax(weight)) + 1)
    region = Region(int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    return region, n


def write_diff_image(
    path: Path, actual: np.ndarray, per_pixel: np.ndarray, threshold: int, region: Region | None
) -> Path:
    """Differences in red (full above ``threshold``) on a faded grey ``actual``; region in blue."""
    from PIL import Image

    from optviz._io import write_atomic

    grey = actual[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    faded = 255.0 - 0.3 * (255.0 - grey)
    out = np.repeat(faded[..., None], 3, axis=2)
    strength = np.where(per_pixel > threshold, 1.0, 0.3 + 0.7 * per_pixel / 255.0)[..., None]
    changed = per_pixel > 0
    red = np.array([213.0, 0.0, 0.0])
    out[changed] = (1 - strength[changed]) * out[changed] + strength[changed] * red
    if region is not None:
        _frame(out, region, np.array([0.0, 114.0, 178.0]))
    image = Image.fromarray(np.round(out).astype(np.uint8), "RGB")
    return write_atomic(path, lambda handle: image.save(handle, format="PNG"))


def _frame(out: np.ndarray, region: Region, color: np.ndarray, pad: int = 3) -> None:
    h, w = out.shape[:2]
    x0, y0 = max(region.x0 - pad, 0), max(region.y0 - pad, 0)
    x1, y1 = min(region.x1 + pad, w) - 1, min(region.y1 + pad, h) - 1
    out[y0, x0 : x1 + 1] = out[y1, x0 : x1 + 1] = color
    out[y0 : y1 + 1, x0] = out[y0 : y1 + 1, x1] = color


def diff_target(actual: Any, diff_dir: str | os.PathLike[str] | None) -> Path | None:
    """``<stem>-failed-diff.png`` in ``diff_dir``, or beside ``actual``, or None."""
    stem = Path(actual).stem if isinstance(actual, (str, os.PathLike)) else "actual"
    if diff_dir is not None:
        folder = Path(diff_dir)
        folder.mkdir(parents=True, exist_ok=True)
    elif isinstance(actual, (str, os.PathLike)):
        folder = Path(actual).parent
    else:
        return None
    return folder / f"{stem}-failed-diff.png"
