"""The static layer of a page: a matplotlib figure drawn by optviz's own code, minus what a control changes.

A page draws its figure with the same figure code as the PNG, reads the style of every artist that a control
will change (colour, line width, marker sizes, in pixels), hides those artists and renders the rest to a PNG
that the page embeds. It also records each axes' exact data-to-pixel transform, so that the page's canvas
draws live paths exactly where matplotlib would.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import numpy as np


def px_per_point(fig: Any) -> float:
    """Pixels per typographic point at the figure's dpi."""
    return float(fig.dpi) / 72.0


def color_hex(color: Any) -> str:
    """A matplotlib colour as ``#rrggbb`` (alpha dropped)."""
    from matplotlib.colors import to_hex

    return to_hex(color, keep_alpha=False)


def line_style(line: Any, fig: Any) -> dict[str, Any]:
    """The style of a Line2D in pixels: colour, width, marker, marker size and edge, alpha."""
    k = px_per_point(fig)
    marker = line.get_marker()
    return {
        "color": color_hex(line.get_color()),
        "width": float(line.get_linewidth()) * k,
        "marker": None if marker in (None, "None", "none", "", " ") else str(marker),
        "markersize": float(line.get_markersize()) * k,
        "markerface": color_hex(line.get_markerfacecolor()),
        "markeredge": color_hex(line.get_markeredgecolor()),
        "markeredgewidth": float(line.get_markeredgewidth()) * k,
        "alpha": 1.0 if line.get_alpha() is None else float(line.get_alpha()),
        "dashed": line.get_linestyle() not in ("-", "solid"),
    }


def axes_geometry(ax: Any, height: float) -> dict[str, Any]:
    """The axes' box in image pixels (origin top left) and its exact data-to-pixel maps.

    ``x`` and ``y`` are ``{"scale", "a", "b"}`` with ``px = a + b * u``, where ``u`` is the coordinate (its
    log10 on a log axis). The figure must have been drawn (so that constrained layout has placed the axes).
    """
    bbox = ax.get_window_extent()
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    out: dict[str, Any] = {
        "left": float(bbox.x0),
        "top": float(height - bbox.y1),
        "width": float(bbox.width),
        "height": float(bbox.height),
        "xlim": [float(v) for v in xlim],
        "ylim": [float(v) for v in ylim],
        # The frame, for pages that paint over the whole axes (and redraw it on top, as matplotlib does).
        "frame": {
            "color": color_hex(ax.spines["left"].get_edgecolor()),
            "width": float(ax.spines["left"].get_linewidth()) * px_per_point(ax.figure),
        },
    }
    for axis, lim, scale in (("x", xlim, ax.get_xscale()), ("y", ylim, ax.get_yscale())):
        u = np.log10(lim) if scale == "log" else np.asarray(lim, dtype=float)
        points = np.array([[lim[0], ylim[0]], [lim[1], ylim[1]]]) if axis == "x" else None
        if axis == "y":
            points = np.array([[xlim[0], lim[0]], [xlim[1], lim[1]]])
        display = ax.transData.transform(points)
        d = display[:, 0] if axis == "x" else height - display[:, 1]
        b = (d[1] - d[0]) / (u[1] - u[0])
        out[axis] = {"scale": scale, "a": float(d[0] - b * u[0]), "b": float(b)}
    return out


def freeze_layout(fig: Any) -> None:
    """Draw the figure once and keep its layout: hiding live artists must not move the axes (constrained
    layout would otherwise give the space of a hidden legend or label back to them)."""
    fig.draw_without_rendering()  # runs the layout engine (a bare Figure's canvas would not draw)
    fig.set_layout_engine("none")


def render_png(fig: Any, hidden: Iterable[Any] = ()) -> bytes:
    """The figure as PNG bytes (byte-stable: no software tag) with the ``hidden`` artists left out.

    Call :func:`freeze_layout` first when the layout must stay that of the full figure."""
    hidden = [a for a in hidden if a is not None]
    shown = [a.get_visible() for a in hidden]
    for a in hidden:
        a.set_visible(False)
    try:
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="png",
            dpi=fig.dpi,
            metadata={"Software": None},
            facecolor=fig.get_facecolor(),
        )
    finally:
        for a, visible in zip(hidden, shown, strict=True):
            a.set_visible(visible)
    return buf.getvalue()


def inner_box(png: bytes, geometry: dict[str, Any]) -> list[int]:
    """The pixels strictly inside an axes' frame in a rendered PNG: ``[left, top, right, bottom)``.

    matplotlib snaps the frame's lines to whole pixels; a page that paints over the whole axes (the
    classifier's regions) paints only inside them, so the frame shows through from the static image
    exactly as matplotlib drew it. Found by scanning outwards from the axes' middle for the frame.
    """
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    ink = (255 * 3 - rgb.sum(axis=-1)) > 60  # darker than the white background
    g = geometry
    cx, cy = int(g["left"] + g["width"] / 2), int(g["top"] + g["height"] / 2)

    def first(indices: Iterable[int], line: np.ndarray) -> int:
        for i in indices:
            if 0 <= i < len(line) and line[i]:
                return i
        raise ValueError("no frame found")

    left = first(range(int(g["left"]) + 3, int(g["left"]) - 4, -1), ink[cy])
    right = first(range(int(g["left"] + g["width"]) - 3, int(g["left"] + g["width"]) + 4), ink[cy])
    top = first(range(int(g["top"]) + 3, int(g["top"]) - 4, -1), ink[:, cx])
    bottom = first(
        range(int(g["top"] + g["height"]) - 3, int(g["top"] + g["height"]) + 4), ink[:, cx]
    )
    return [left + 1, top + 1, right, bottom]


def figure_size_px(fig: Any) -> tuple[int, int]:
    """The figure's size in pixels, as its PNG has it."""
    w, h = fig.get_size_inches() * fig.dpi
    return round(float(w)), round(float(h))


__all__ = [
    "axes_geometry",
    "color_hex",
    "figure_size_px",
    "freeze_layout",
    "inner_box",
    "line_style",
    "px_per_point",
    "render_png",
]
