"""The static layer of a page: a matplotlib figure drawn by optviz's own code, minus what a control changes.

A page draws its figure with the same figure code as the PNG, reads the style of every artist that a control
will change (colour, line width, marker sizes, in pixels), hides those artists and renders the rest to a PNG
that the page embeds. It also records each axes' exact data-to-pixel transform, so that the page's canvas
draws live paths exactly where matplotlib would.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np

from optviz.web.page import png_data_uri


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


# -- the live layer of a figure with runs: what a page draws, read from the scene ---------------------------------
# Handles that a page redraws from its own runs (anything else a scene animates, the page cannot draw).
def live_handle_types() -> tuple[type, ...]:
    from optviz.plot import LossArtists, TrajectoryArtists

    return (TrajectoryArtists, LossArtists)


TRANSPARENT = (0, 0, 0, 0)


def image_box(bbox: Any, height: float) -> list[float]:
    """A display box (pixels, origin bottom left) in image pixels, y down: [left, top, right, bottom]."""
    return [float(bbox.x0), float(height - bbox.y1), float(bbox.x1), float(height - bbox.y0)]


def hide_ticks(ax: Any, axis: str = "both") -> None:
    """Ticks and tick labels drawn transparent: the page draws them live, and the axis label keeps its place
    beside where matplotlib put the tick labels."""
    ax.tick_params(axis=axis, which="both", colors=TRANSPARENT, labelcolor=TRANSPARENT)


class NotDrawable(ValueError):
    """The figure animates something a page does not draw live (its kind has no web page)."""


class LiveLayer(Protocol):
    """What a page draws live beyond paths and loss curves, read from a kind's own handles (a profile's
    balls, same-state update arrows): ``claims(handle)`` says which handles it draws; ``read(handles, fig,
    height)`` runs on the laid-out figure before its static image is rendered and returns the artists to
    leave out of that image, the JSON-able spec the page's script draws from, and the boxes of live text
    (image pixels, y down)."""

    name: str

    def claims(self, handle: Any) -> bool: ...

    def read(
        self, handles: list[Any], fig: Any, height: float
    ) -> tuple[list[Any], dict[str, Any], list[list[float]]]: ...


def _crop(rgb: np.ndarray, box: tuple[float, float, float, float], height: float) -> dict[str, Any]:
    """A PNG data URI of the pixels of ``box`` (display coordinates, origin bottom left), rounded outwards."""
    from PIL import Image

    x0, y0, x1, y1 = box
    left, right = int(np.floor(x0)), int(np.ceil(x1))
    top, bottom = int(np.floor(height - y1)), int(np.ceil(height - y0))
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, rgb.shape[1]), min(bottom, rgb.shape[0])
    buf = io.BytesIO()
    Image.fromarray(rgb[top:bottom, left:right]).save(buf, format="png", optimize=True)
    return {"image": png_data_uri(buf.getvalue()), "left": left, "top": top,
            "width": right - left, "height": bottom - top}  # fmt: skip


def _columns(texts: list[Any]) -> int:
    """How many columns a legend has: its entries' distinct left edges."""
    lefts = sorted(float(t.get_window_extent().x0) for t in texts)
    return 1 + sum(1 for a, b in itertools.pairwise(lefts) if b - a > 1.0)


def _anchor(box: Any, container: Any) -> dict[str, str]:
    """Which side of its container a legend keeps when its text grows: the nearer one (centred when both
    gaps are equal); a legend below the panels grows downwards."""
    left, right = box.x0 - container.x0, container.x1 - box.x1
    horizontal = "center" if abs(left - right) < 2.0 else "left" if left < right else "right"
    below = box.y1 < container.y0 + 0.25 * container.height
    top_gap, bottom_gap = container.y1 - box.y1, box.y0 - container.y0
    vertical = "top" if below or top_gap <= bottom_gap else "bottom"
    return {"x": horizontal, "y": vertical}


def tick_label_boxes(g: dict[str, Any], font: float, *, spill: float = 1.0) -> list[list[float]]:
    """Where a page writes an axes' live tick labels (``g``: :func:`axes_geometry`; ``font``: their size in
    pixels): left of it (the y labels, five sizes wide) and below it (the x labels, ``spill`` sizes beyond
    either side), as boxes of live text."""
    left, top, w, h = g["left"], g["top"], g["width"], g["height"]
    return [
        [left - 5 * font, top - font, left, top + h + font],
        [left - spill * font, top + h, left + w + spill * font, top + h + 2 * font],
    ]


def obstacles(ax: Any, live: Iterable[Any], height: float) -> dict[str, list]:
    """What matplotlib's ``loc="best"`` keeps a legend off in ``ax``, for what stays static (the page adds
    its live paths): each line's and patch's vertices, each text's and rectangle's box, in image pixels."""
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    skip = {id(a) for a in live if a is not None}
    lines, boxes = [], []

    def path(p: Any) -> None:
        v = np.asarray(p.vertices, dtype=float)
        if len(v):
            lines.append([[float(x), float(height - y)] for x, y in v])

    def box(b: Any) -> None:
        boxes.append(image_box(b, height))

    for a in ax.lines:
        if id(a) not in skip:
            path(a.get_transform().transform_path(a.get_path()))
    for a in ax.patches:
        if id(a) in skip:
            continue
        if isinstance(a, Rectangle):
            box(a.get_bbox().transformed(a.get_data_transform()))
        else:
            path(a.get_transform().transform_path(a.get_path()))
    for c in ax.collections:
        if isinstance(c, PolyCollection) and id(c) not in skip:
            for p in c.get_paths():
                path(c.get_transform().transform_path(p))
    for t in ax.texts:
        if id(t) not in skip:
            box(t.get_window_extent())
    return {"lines": lines, "boxes": boxes}


def static_text_boxes(ax: Any, live: Iterable[Any], height: float) -> list[list[float]]:
    """The boxes (image pixels) of the texts inside ``ax``'s frame that the static image keeps: not ``live``,
    not a legend's; the ticks' labels and titles lie outside the frame."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    skip = {id(a) for a in live if a is not None}
    skip |= {id(t) for lg in ax.findobj(Legend) for t in lg.findobj(Text)}
    frame = ax.get_window_extent()
    out = []
    for t in ax.findobj(Text):
        if id(t) in skip or not t.get_visible() or not t.get_text().strip():
            continue
        b = t.get_window_extent()
        if frame.contains((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2):
            out.append(image_box(b, height))
    return out


def legend_spec(
    legend: Any, rgb: np.ndarray, height: float, run_labels: list[str], container: Any
) -> dict[str, Any]:
    """A legend as a page redraws it: its box, anchor, spacing (in pixels), frame, and per entry the text,
    its handle's pixels (cropped from the full figure) and the run it names (None for other entries)."""
    texts = legend.get_texts()
    size = float(texts[0].get_fontsize()) * px_per_point(legend.figure) if texts else 14.0
    box = legend.get_window_extent()
    # A marker's extent reaches half a marker beyond its handle, to the frame's edge: the crop stays inside
    # the frame (its line and a pixel of antialiasing), or the swatch carries a piece of the frame along.
    edge = float(legend.get_frame().get_linewidth()) * px_per_point(legend.figure) + 1.0
    inner = (box.x0 + edge, box.x1 - edge) if legend.get_frame_on() else (-np.inf, np.inf)
    entries = []
    for text, handle in zip(texts, legend.legend_handles, strict=True):
        tb = text.get_window_extent()
        hb = handle.get_window_extent() if handle is not None else tb
        x0, x1 = max(hb.x0 - 2, inner[0]), min(hb.x1 + 2, inner[1])
        swatch = _crop(rgb, (x0, tb.y0, x1, tb.y1), height)
        label = text.get_text()
        entries.append({
            "text": label,
            "run": run_labels.index(label) if label in run_labels else None,
            "swatch": swatch,
            "gap": float(tb.x0) - (swatch["left"] + swatch["width"]),
        })  # fmt: skip
    frame = None
    if legend.get_frame_on():
        patch = legend.get_frame()
        frame = {
            "face": color_hex(patch.get_facecolor()),
            "edge": color_hex(patch.get_edgecolor()),
            "alpha": float(patch.get_alpha() if patch.get_alpha() is not None else 1.0),
            "width": float(patch.get_linewidth()) * px_per_point(legend.figure),
        }
    columns = _columns(texts)
    axes = legend.axes if legend.isaxes else None
    return {
        # a legend inside an axes goes where it covers the least, as matplotlib's loc="best" (the only
        # legend optviz puts inside an axes); the page places it again for its own runs
        "best": axes is not None,
        "pad": float(legend.borderaxespad) * size,
        "box": image_box(box, height),
        "anchor": _anchor(box, container),
        "columns": columns,
        # a one-column legend of several entries stays one column; others take up to four, as shared_legend
        "maxColumns": 1 if columns == 1 and len(texts) > 1 else 4,
        "fontsize": size,
        "columnspacing": float(legend.columnspacing) * size,
        "labelspacing": float(legend.labelspacing) * size,
        "borderpad": float(legend.borderpad) * size,
        "frame": frame,
        "entries": entries,
    }


def _legends(fig: Any) -> list[tuple[Any, Any]]:
    """Every legend of a figure (its own, its subfigures', its axes') with the box it is placed in."""
    out = [(lg, fig.bbox) for lg in fig.legends]
    for ax in fig.axes:
        if ax.get_legend() is not None:
            out.append((ax.get_legend(), ax.bbox))
    for sub in getattr(fig, "subfigs", []):
        out += _legends(sub)
    return out


def figure_layer(
    scene: Any,
    runs: list[Any],
    surface: Any,
    *,
    whole: bool = False,
    layers: Sequence[Any] = (),
    live_title: bool = False,
) -> tuple[dict, dict, dict | None, bytes]:
    """The static image of a drawn scene and what a page needs to draw the rest live, read from the scene.

    Live (drawn by the page): what the scene's trajectory and loss handles drew (paths, markers, divergence
    marks, exit and step arrows, loss curves), every legend, and the loss panel's ticks and grid (its limits
    follow the runs). Everything else (contours, minima, eigen-axes, condition maps, titles, labels) is
    static, whatever the figure kind draws. Returns the figure spec (image, size, the paths and loss axes'
    exact transforms, legends, where live text goes), the live artists' styles in pixels, and with
    what the loss panel plots (:func:`loss_quantity`; None without one) and with ``whole=True`` the whole
    figure as a PNG (what the page must look like).

    ``live_title``: the loss panel's title is live too, laid out with and without the Nesterov note
    (:func:`loss_title_layouts`), for a page whose runs can change rule (the explorer's check boxes).

    ``layers``: readers of what else a kind animates (:class:`LiveLayer`), each claiming its handles; what they
    read goes into the spec under ``layers[reader.name]``.

    Raises :class:`NotDrawable` when the scene animates anything else (a condition curve).
    """
    _check_drawable(scene.handles, layers)
    full, rgb, height = _laid_out(scene.fig)
    part = _read_panel(
        scene.handles, runs, surface, layers, scene, rgb, height, _legends(scene.fig), live_title
    )
    png = render_png(scene.fig, part.hidden)
    width, _ = figure_size_px(scene.fig)
    spec = {"width": width, "height": height, **part.spec}
    spec.update({"image": png_data_uri(png), "textBoxes": part.text_boxes})
    return spec, part.styles, part.loss, full if whole else b""


def panels_layer(
    scene: Any, panels: Sequence[tuple[Any, list[Any], Any, Sequence[Any]]]
) -> tuple[dict, list[dict], list[dict | None]]:
    """The static image of a figure of several panels (the ``panels`` kind) and what a page draws live in
    each, as :func:`figure_layer` reads one: ``panels`` holds per panel ``(part, runs, surface, layers)``
    (``part``: :class:`optviz.figures.basic.PanelPart`, what the panel drew). Each panel's own legends are
    live; the figure's shared legend names rules only, which no control changes, and stays in the image.
    Returns the figure spec (image, size, and per panel its spec under ``panels``: axes, legends, labels,
    layers, and its hidden iteration label ``pace``), each panel's styles and each one's loss quantity."""
    for part, _, _, layers in panels:
        _check_drawable(part.handles, layers)
    full, rgb, height = _laid_out(scene.fig)
    del full
    hidden: list[Any] = []
    specs, styles, losses, text_boxes = [], [], [], []
    for part, runs, surface, layers in panels:
        read = _read_panel(
            part.handles, runs, surface, layers, scene, rgb, height, _legends(part.sub), False
        )
        if part.label is not None:
            read.spec["pace"] = _pace_label(part.label, height)
        hidden += read.hidden
        text_boxes += read.text_boxes
        specs.append(read.spec)
        styles.append(read.styles)
        losses.append(read.loss)
    png = render_png(scene.fig, hidden)
    width, _ = figure_size_px(scene.fig)
    spec = {
        "width": width, "height": height, "image": png_data_uri(png), "legends": [],
        "textBoxes": text_boxes, "panels": specs,
    }  # fmt: skip
    return spec, styles, losses


def _pace_label(label: Any, height: float) -> dict[str, Any]:
    """A paced panel's "k = i" label (hidden in the static figure) as a page draws it: where matplotlib
    placed it (its text's box in image pixels at the last step's text, and the side it is aligned by), its
    font, colour and box."""
    fig = label.get_figure(root=True)
    renderer = fig._get_renderer()
    patch = label.get_bbox_patch()
    pad = float(patch.get_boxstyle().pad) * float(label.get_fontsize()) * px_per_point(fig)
    label.set_visible(True)
    box = image_box(label.get_window_extent(renderer), height)
    label.set_visible(False)
    return {
        "ha": label.get_ha(), "va": label.get_va(), "box": box,
        "fontsize": float(label.get_fontsize()) * px_per_point(fig), "color": color_hex(label.get_color()),
        "face": color_hex(patch.get_facecolor()), "edge": color_hex(patch.get_edgecolor()),
        "alpha": float(patch.get_alpha() if patch.get_alpha() is not None else 1.0), "pad": pad,
    }  # fmt: skip


def _check_drawable(handles: Sequence[Any], layers: Sequence[Any]) -> None:
    samples = _sample_dots(list(handles))
    others = [
        type(h).__name__
        for h in handles
        if not isinstance(h, live_handle_types())
        and not any(h is p for p, _ in samples)
        and not any(layer.claims(h) for layer in layers)
    ]
    if others:
        raise NotDrawable(f"the figure also animates {', '.join(sorted(set(others)))}")


def _laid_out(fig: Any) -> tuple[bytes, np.ndarray, int]:
    """The whole figure, drawn once (its PNG, its pixels and height): its layout engine runs in this draw,
    and the layout is kept from here on (hiding the live artists must not move the axes). One draw fewer
    than freeze_layout then render_png."""
    from PIL import Image

    full = render_png(fig)
    fig.set_layout_engine("none")
    _, height = figure_size_px(fig)
    return full, np.asarray(Image.open(io.BytesIO(full)).convert("RGB")), height


@dataclasses.dataclass
class _Panel:
    """What a page draws live in one panel (:func:`_read_panel`)."""

    spec: dict[str, Any]
    styles: dict[str, Any]
    loss: dict[str, Any] | None
    hidden: list[Any]
    text_boxes: list[list[float]]


def _read_panel(
    handles: Sequence[Any],
    runs: list[Any],
    surface: Any,
    layers: Sequence[Any],
    scene: Any,
    rgb: np.ndarray,
    height: float,
    figure_legends: list[tuple[Any, Any]],
    live_title: bool,
) -> _Panel:
    """One panel's live part, read from its ``handles`` on the laid-out figure: its paths (one per run) and
    at most one loss panel, its ``figure_legends`` (legend, container), labels and live layers."""
    from optviz.plot import LossArtists, TrajectoryArtists
    from optviz.web.labels_layer import read_labels

    fig = scene.fig
    handles = list(handles)
    samples = _sample_dots(handles)  # random search's samples (the random_search kind): live dots
    paths = [h for h in handles if isinstance(h, TrajectoryArtists)]
    # (a loss panel a layer claims is that layer's to draw: second_order's cost against evaluations)
    losses = [
        h
        for h in handles
        if isinstance(h, LossArtists) and not any(layer.claims(h) for layer in layers)
    ]
    # a layer that is the figure's data panel (a loss over seeds) stands in for the panel of paths
    panel = next((layer for layer in layers if getattr(layer, "panel", False)), None)
    if (
        len(paths) > 1
        or (paths and len(paths[0].runs) != len(runs))
        or (not paths and panel is None)
        or len(losses) > 1
    ):
        raise NotDrawable(
            "a page draws one panel of paths (one path per run) and at most one loss panel"
        )
    if losses and (losses[0].rates or len(losses[0].lines) != len(runs)):
        raise NotDrawable("the loss panel draws more than one curve per run")
    traj = paths[0] if paths else None
    ax = traj.runs[0].path.axes if traj else None
    loss_ax = losses[0].lines[0].axes if losses else None
    k = px_per_point(fig)
    run_labels = [r.path.get_label() for r in traj.runs] if traj else panel.run_labels()
    # the axes a live layer draws its own panel in (a loss over seeds): a legend inside it is placed by the
    # page too, as loc="best" places it over what the layer draws
    layer_axes = {layer.name: layer.axes() for layer in layers if hasattr(layer, "axes")}
    legends = []
    swatch_rgb = _legend_pixels(fig, rgb)
    for lg, box in figure_legends:
        spec_ = legend_spec(lg, swatch_rgb, height, run_labels, box)
        if spec_["best"]:
            named = {"loss": loss_ax, "paths": ax, **layer_axes}
            spec_["axes"] = next(
                (n for n, a in named.items() if a is not None and lg.axes is a), None
            )
            spec_["best"] = spec_["axes"] is not None
        legends.append(spec_)
    styles: dict[str, Any] = {"fontsize": _font(scene) * k}
    hidden: list[Any] = [*(lg for lg, _ in figure_legends), *(dots for _, dots in samples)]
    spec: dict[str, Any] = {"legends": legends}
    if traj is not None:
        first = traj.runs[0]
        styles.update(
            path=line_style(first.path, fig),
            start=line_style(first.start, fig),
            end=line_style(first.end, fig),
            colors=[color_hex(r.path.get_color()) for r in traj.runs],
        )
        for r in traj.runs:
            hidden += [r.path, r.start, r.end, r.diverged, r.exit, *r.arrows]
            if r.diverged is not None:
                hidden.append(r.diverged.annotation)
        spec["paths"] = axes_geometry(ax, height)
    if samples:
        styles["samples"] = line_style(samples[0][1], fig)
    live = [*hidden, *(a for h in losses for a in (*h.lines, *h.markers))]
    if traj is not None:
        # The minima's and saddles' labels, placed by the page around its paths (optviz.web.labels_layer);
        # what a layer draws live on the paths (second_order's rings and squares: `paths_artists`) is not
        # the static figure's cost (the page counts it as its own shapes)
        on_paths = [
            a for layer in layers if hasattr(layer, "paths_artists") for a in layer.paths_artists()
        ]
        labels, spec["labels"] = read_labels(ax, [*live, *on_paths], height)
        hidden += labels
        live += labels
        # the texts that stay in the image inside the paths' axes (eigen-axes labels, captions): the page's
        # divergence notes keep off them, as matplotlib's placement does
        spec["paths"]["texts"] = static_text_boxes(ax, live, height)
    if any(lg["best"] for lg in legends):
        spec["obstacles"] = {"paths": obstacles(ax, live, height)} if ax is not None else {}
        if loss_ax is not None:
            spec["obstacles"]["loss"] = obstacles(loss_ax, live, height)
        for layer in layers:
            if layer.name in layer_axes:
                spec["obstacles"][layer.name] = obstacles(
                    layer_axes[layer.name], [*live, *layer.live_artists()], height
                )
    text_boxes = [lg["box"] for lg in legends]
    if loss_ax is not None:
        styles.update(_loss_styles(losses[0], loss_ax, fig))
        hidden += [*losses[0].lines, *losses[0].markers]
        # Ticks and their labels made transparent, not removed: the axis labels stay where matplotlib put
        # them (it places them beside the tick labels at every draw).
        loss_ax.grid(False)
        hide_ticks(loss_ax)
        lg = axes_geometry(loss_ax, height)
        # the static y label's box: the page's tick labels (its own limits) must stay right of it
        lg["ylabel"] = image_box(loss_ax.yaxis.label.get_window_extent(), height)
        # matplotlib's tick bins on the y axis (Axis.get_tick_space, read in the rcParams the image was drawn
        # in): a log axis' LogLocator asks for at most that many decades (clipped to 2..9)
        lg["ybins"] = int(loss_ax.yaxis.get_tick_space())
        lg["note"], note = nesterov_note(loss_ax, height)
        if note is not None:
            # (transparent, not hidden: matplotlib lines a panel's three titles up on the highest baseline,
            # and a hidden one measures as a box at the figure's bottom, lifting the others off the image)
            note.set_alpha(0.0)
        if live_title:
            lg["title"], titles = loss_title_layouts(loss_ax, height)
            hidden += titles
            text_boxes += [
                lg["title"]["plain"]["box"], lg["title"]["beside"]["box"],
                lg["title"]["beside"]["note"]["box"],
            ]  # fmt: skip
        spec["loss"] = lg
        font = styles["tickfont"]
        text_boxes += [lg["note"]["box"], *tick_label_boxes(lg, font)]
    if layers:
        spec["layers"] = {}
    for layer in layers:
        claimed = [h for h in handles if layer.claims(h)]
        more, layer_spec, boxes = layer.read(claimed, fig, height)
        hidden += more
        text_boxes += boxes
        spec["layers"][layer.name] = layer_spec
    if traj is None:
        styles["colors"] = spec["layers"][panel.name]["colors"]
    loss = loss_quantity(surface, runs, losses[0].lines) if losses else None
    return _Panel(spec, styles, loss, hidden, text_boxes)


def _legend_pixels(fig: Any, rgb: np.ndarray) -> np.ndarray:
    """The pixels to crop legend handles from: ``rgb`` (the whole figure), or where a legend sits inside an
    axes, the figure drawn again with nothing of those axes but their legends. Through a legend's frame
    (alpha 0.8) the paths and contour lines under it show faintly; cropped with the handle, they would
    travel with it wherever the page puts the legend (a marker-only handle then shows a faint line)."""
    from PIL import Image

    inside = [ax for ax in fig.axes if ax.get_legend() is not None]
    if not inside:
        return rgb
    # Hidden: what reaches under a legend. (Not the titles above the axes: a draw without them would
    # place them anew, elsewhere, and they would keep that place.)
    behind = [
        c for ax in inside for c in ax.get_children()
        if c is not ax.get_legend() and _overlaps_box(c, ax.get_legend().get_window_extent())
    ]  # fmt: skip
    return np.asarray(Image.open(io.BytesIO(render_png(fig, behind))).convert("RGB"))


def _overlaps_box(artist: Any, box: Any) -> bool:
    """Whether ``artist`` paints anywhere in the display box ``box`` (True when it cannot say)."""
    try:
        extent = artist.get_window_extent()
    except Exception:  # an artist without a measurable extent: hidden, to be safe
        return True
    return bool(extent.overlaps(box))


def nesterov_note(loss_ax: Any, height: float) -> tuple[dict[str, Any], Any]:
    """Where the loss panel's note on Nesterov's loss goes (``plot.loss.NESTEROV_LOSS_NOTE``, its right-hand
    title), which the page writes while a shown run is Nesterov's (a page's runs can change rule: the
    explorer's check boxes): its right end, bottom, size, colour and box in image pixels; and the drawn note, to
    hide, when the figure has one. (Measured on the note written for the purpose when it has none: the layout
    is frozen, so nothing moves.)"""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE, nesterov_note_of, note_nesterov_loss

    before = loss_ax.get_title(loc="right")
    drawn = before == NESTEROV_LOSS_NOTE
    # A drawn note as the figure's draw left it: beside the static title, plot.loss_title's fit may have set it
    # smaller, and the page must write it so (at its full size it would run into the title).
    text = nesterov_note_of(loss_ax) if drawn else note_nesterov_loss(loss_ax)
    fig = loss_ax.get_figure(root=True)
    box = image_box(text.get_window_extent(), height)
    spec = {
        "text": NESTEROV_LOSS_NOTE,
        "right": box[2],
        "bottom": box[3],
        "size": text.get_fontsize() * px_per_point(fig),
        "color": color_hex(text.get_color()),
        "box": box,
    }
    if not drawn:
        loss_ax.set_title(before, loc="right")
    return spec, text if drawn else None


def loss_title_layouts(loss_ax: Any, height: float) -> tuple[dict[str, Any], list[Any]]:
    """The loss panel's title laid out for a page that writes it live, because the Nesterov note beside it
    comes and goes (the explorer's rules are ticked on and off): as :func:`optviz.plot.loss_title` lays it out
    without the note ("plain": centred) and with it ("beside": on the left, fitted beside the note by the
    same rule, :func:`optviz.plot.loss.fit_title_beside_note`, which may set the note smaller or lift the
    title a row above it, centred), measured on the frozen layout, in image pixels (each text's anchor on its
    baseline, its alignment and box; the note's right end, bottom, size and box); and the title artists, to
    hide from the static image. The figure's own titles are left as they were."""
    from optviz.plot.loss import fit_title_beside_note, loss_title_text, note_nesterov_loss

    fig = loss_ax.get_figure(root=True)
    renderer = fig._get_renderer()
    k = px_per_point(fig)
    text = loss_title_text(loss_ax)
    centre, left, right = loss_ax.title, loss_ax._left_title, loss_ax._right_title
    before = [(t, t.get_text(), t.get_fontsize()) for t in (centre, left, right)]
    # (the fit may lift the left title a row above the note, centred: its place too is put back after)
    place = (left.get_transform(), left.get_position(), left.get_horizontalalignment())

    def placed(title: Any, align: str) -> dict[str, Any]:
        # (matplotlib's titles: va="baseline"; their place is the one the last draw gave them)
        x, y = title.get_transform().transform(title.get_unitless_position())
        box = image_box(title.get_window_extent(renderer), height)
        return {"text": title.get_text(), "x": float(x), "baseline": float(height - y),
                "align": align, "box": box}  # fmt: skip

    try:
        left.set_text("")
        right.set_text("")
        centre.set_text(text)
        plain = placed(centre, "center")
        centre.set_text("")
        note = note_nesterov_loss(loss_ax)  # (the right title, at the note's own size)
        fit_title_beside_note(loss_ax, left, text, note, note.get_fontsize(), renderer)
        beside = placed(left, left.get_horizontalalignment())
        box = image_box(note.get_window_extent(renderer), height)
        beside["note"] = {
            "right": box[2],
            "bottom": box[3],
            "size": note.get_fontsize() * k,
            "box": box,
        }
    finally:
        for t, was, points in before:
            t.set_text(was)
            t.set_fontsize(points)
        left.set_transform(place[0])
        left.set_position(place[1])
        left.set_horizontalalignment(place[2])
    spec = {
        "size": centre.get_fontsize() * k,
        "color": color_hex(centre.get_color()),
        "weight": str(centre.get_fontweight()),
        "plain": plain,
        "beside": beside,
    }
    return spec, [centre, left]


def _sample_dots(handles: list[Any]) -> list[tuple[Any, Any]]:
    """The handles that only grow random search's sample dots (what the random_search kind draws under
    the paths), each with its dots' Line2D."""
    from optviz.plot.frames import Grows, Parts

    out = []
    for h in handles:
        if (
            isinstance(h, Parts)
            and h.frames
            and all(
                isinstance(f, Grows) and f.artist.get_label() == "random samples" for f in h.frames
            )
        ):
            out += [(h, f.artist) for f in h.frames]
    return out


def loss_quantity(surface: Any, runs: list[Any], lines: list[Any]) -> dict[str, Any]:
    """What a loss panel plots, read from its curves: the optimality gap ``f - f*``, the distance to the
    first known minimum, or the loss itself (whichever :func:`optviz.plot.loss_values` gives exactly the
    drawn data), of the loss or of its running minimum (``best``: the best so far), so that the page
    computes the same quantity for its own runs, whatever the kind chose."""
    import dataclasses

    from optviz.metrics import best_so_far
    from optviz.plot import loss_values

    fmin = float(surface.fmin) if np.isfinite(surface.fmin) else None
    minimum = [float(v) for v in surface.minima[0]] if len(surface.minima) else None
    candidates = [("gap", {"fmin": fmin}), ("distance", {"minimum": minimum}), ("loss", {})]
    best = [dataclasses.replace(t, loss=best_so_far(t)) for t in runs]
    for of, which in ((runs, False), (best, True)):
        for kind, args in candidates:
            if any(v is None for v in args.values()):
                continue
            if all(
                np.array_equal(
                    np.asarray(line.get_ydata(), dtype=float),
                    loss_values(t, kind, **args),
                    equal_nan=True,
                )
                for line, t in zip(lines, of, strict=True)
            ):
                return {"kind": kind, "fmin": fmin, "minimum": minimum, "best": which}
    raise NotDrawable("its loss panel plots something other than the loss, the gap or the distance")


def _font(scene: Any) -> float:
    """The style's text size in points at the scene's scale (what a divergence note is written in)."""
    from optviz import style
    from optviz.plot.common import fontsize

    with style.context(scene.scale):
        return fontsize()


def _loss_styles(losses: Any, ax: Any, fig: Any) -> dict[str, Any]:
    return {"loss": line_style(losses.lines[0], fig), **tick_styles(ax, fig)}


def tick_styles(ax: Any, fig: Any) -> dict[str, Any]:
    """An axes' ticks, tick labels and grid in pixels: what a page draws its live ticks with."""
    k = px_per_point(fig)
    tick = ax.xaxis.get_major_ticks()[0]
    return {
        "tickfont": float(ax.xaxis.get_ticklabels()[0].get_fontsize()) * k,
        "ticklength": float(tick.tick1line.get_markersize()) * k,
        "tickwidth": float(tick.tick1line.get_markeredgewidth()) * k,
        "tickcolor": color_hex(tick.tick1line.get_color()),
        "ticklabelcolor": color_hex(ax.xaxis.get_ticklabels()[0].get_color()),
        "gridcolor": color_hex(ax.xaxis.get_gridlines()[0].get_color()),
        "gridwidth": float(ax.xaxis.get_gridlines()[0].get_linewidth()) * k,
    }


__all__ = [
    "TRANSPARENT",
    "LiveLayer",
    "NotDrawable",
    "axes_geometry",
    "color_hex",
    "figure_layer",
    "figure_size_px",
    "freeze_layout",
    "hide_ticks",
    "image_box",
    "inner_box",
    "legend_spec",
    "line_style",
    "live_handle_types",
    "loss_quantity",
    "loss_title_layouts",
    "px_per_point",
    "render_png",
    "tick_label_boxes",
    "tick_styles",
]
