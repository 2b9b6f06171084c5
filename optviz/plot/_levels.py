"""Contour levels: log-spaced where values span decades, otherwise spaced so bowls get evenly spaced rings."""

from __future__ import annotations

import numpy as np


def contour_levels(
    values: np.ndarray,
    *,
    fmin: float = float("nan"),
    n: int = 14,
    scale: str = "auto",
    reach: float | None = None,
) -> np.ndarray:
    """Increasing contour levels for the finite ``values`` of a grid.

    ``scale`` is ``"log"`` (levels at ``fmin + geomspace``), ``"linear"`` or ``"auto"`` (log when the gap above the
    minimum spans more than three decades over the view). With a known minimum the linear levels are spaced
    quadratically, ``fmin + range * (k/n)^2``, so a quadratic bowl shows evenly spaced rings instead of a crowd at
    the rim. ``reach``: continue the same progression beyond the top level up to this value (at most ``2n``
    more levels), for a view widened beyond the one the levels were chosen on.

    >>> levels = contour_levels(np.linspace(0.0, 4.0, 101), fmin=0.0, n=4, scale="linear")
    >>> (levels / levels[-1]).tolist()
    [0.0625, 0.25, 0.5625, 1.0]
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise ValueError("the surface has no finite value in the view")
    low = float(finite.min()) if not np.isfinite(fmin) else min(float(fmin), float(finite.min()))
    high = float(np.quantile(finite, 0.995))
    if high <= low:
        high = float(finite.max())
    if high <= low:
        return np.array([low, low + 1.0])
    gap = finite - low
    positive = gap[gap > 0]
    if scale == "auto":
        spread = np.quantile(positive, 0.98) / np.quantile(positive, 0.02) if positive.size else 1.0
        scale = "log" if spread > 1e3 else "linear"
    more = 0
    k = np.arange(1, n + 1, dtype=float)
    if scale == "log":
        first = max(float(np.quantile(positive, 0.002)), (high - low) * 1e-6)
        ratio = ((high - low) / first) ** (1 / max(n - 1, 1))
        if reach is not None and reach > high and ratio > 1:
            more = int(min(2 * n, np.ceil(np.log((reach - low) / (high - low)) / np.log(ratio))))
        return low + first * ratio ** np.arange(n + more)
    if np.isfinite(fmin):
        if reach is not None and reach > high:
            more = int(min(2 * n, np.ceil(n * np.sqrt((reach - low) / (high - low))) - n))
        k = np.arange(1, n + more + 1, dtype=float)
        return low + (high - low) * (k / n) ** 2
    step = (high - low) / (n + 1)
    if reach is not None and reach > high:
        more = int(min(2 * n, np.ceil((reach - high) / step)))
    return low + step * np.arange(1, n + 1 + more)
