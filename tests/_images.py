"""Purpose-made figures for the tests of optviz.testing: a contour background and a thin 2-pt path.

Draw them inside ``optviz.testing.deterministic()``. Variants change only the path: removed,
shortened by its last two segments, or moved 2 px right (an offset transform: exactly 2 pixels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

SIZE = (6.4, 4.8)
DPI = 100  # 640 x 480 px
VARIANTS = ("base", "removed", "short", "moved")


def path_xy() -> np.ndarray:
    """A zigzag into the valley's minimum, like GD on a poorly conditioned quadratic."""
    t = np.linspace(0.0, 1.0, 25)
    return np.column_stack([-3.5 + 3.5 * t, 2.0 * np.cos(9 * t) * (1 - t)])


def figure(
    variant: str = "base", *, title: str = "Momentum (lr=0.02, rho=0.9)", steps: int = 25
) -> Any:
    """The test figure; returns ``(fig, line)`` (``line`` is None when removed)."""
    from matplotlib import transforms
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.add_subplot()
    x, y = np.meshgrid(np.linspace(-4, 4, 161), np.linspace(-3, 3, 121))
    ax.contour(x, y, x**2 / 2 + 3 * y**2, levels=np.geomspace(0.1, 40, 10), linewidths=0.8)
    xy = path_xy()[:steps]
    if variant == "short":
        xy = xy[:-2]
    transform = ax.transData
    if variant == "moved":
        transform = transforms.offset_copy(ax.transData, fig, x=2, y=0, units="dots")
    line = None
    if variant != "removed":
        (line,) = ax.plot(xy[:, 0], xy[:, 1], lw=2, color="#0072B2", transform=transform)
    ax.set_xlim(-4, 4)
    ax.set_ylim(-3, 3)
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.9)
    return fig, line


def render(path: Path, variant: str = "base", **kwargs: Any) -> Path:
    """Save the figure as a PNG; call inside ``deterministic()``."""
    from optviz.output import savefig

    fig, _ = figure(variant, **kwargs)
    return savefig(fig, path)


def pixel_box(fig: Any, xy: np.ndarray, pad: float = 0.0) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in image pixels (rows from the top) around the axes data points ``xy``."""
    display = fig.axes[0].transData.transform(xy)
    height = fig.bbox.height
    xs, rows = display[:, 0], height - display[:, 1]
    return xs.min() - pad, rows.min() - pad, xs.max() + pad, rows.max() + pad


def frames(n: int = 6, **kwargs: Any) -> np.ndarray:
    """RGBA frames (n, H, W, 4) of the path growing; call inside ``deterministic()``."""
    import io

    from PIL import Image

    out = []
    for k in range(n):
        fig, _ = figure(steps=4 + 4 * k, **kwargs)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        out.append(np.asarray(Image.open(buffer).convert("RGBA")))
    return np.stack(out)
