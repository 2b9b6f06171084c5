"""The lecture's linear-classifier demo, drawn: points, class regions, each class's zero-score line, and tables.

Numbers come from :mod:`optviz.classifier`; nothing here computes a loss. Every handle has ``update(model)``,
which sets new data on the artists it made once (the interactive demo calls it after each parameter update).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.classifier import (
    LOSS_TITLES,
    Evaluation,
    LinearClassifier,
    fmt2,
    scores,
    summary_lines,
    table_header,
    table_rows,
)
from optviz.plot.common import fontsize, get_ax, linewidth

# Class colours: the web demo's red, green and blue, from the series palette (classes are no rules: blue means
# Momentum elsewhere, design section 10).
CLASS_COLORS = tuple(style.SERIES[i] for i in (1, 2, 0, 3, 4, 5))
VIEW = ((-1.0, 1.0), (-1.0, 1.0))


def class_color(i: int) -> str:
    return CLASS_COLORS[i % len(CLASS_COLORS)]


@dataclass
class ClassifierArtists:
    """What :func:`linear_classifier` drew: the region image, one zero-score line and arrow per class, points."""

    regions: Any = None
    lines: list[Any] = field(default_factory=list)
    arrows: list[Any] = field(default_factory=list)
    points: list[Any] = field(default_factory=list)
    bounds: tuple[tuple[float, float], tuple[float, float]] = VIEW
    resolution: int = 600

    @property
    def artists(self) -> list[Any]:
        return [a for a in (self.regions, *self.lines, *self.arrows) if a is not None]

    def update(self, model: LinearClassifier) -> list[Any]:
        """Show ``model``'s regions and lines (the points do not move); returns the changed artists."""
        self.regions.set_data(region_image(model, self.bounds, self.resolution))
        for i, (line, arrow) in enumerate(zip(self.lines, self.arrows, strict=True)):
            _place_line(line, arrow, model.W[i], float(model.b[i]), self.bounds)
        return self.artists


def region_image(model: LinearClassifier, bounds: Any = VIEW, resolution: int = 600) -> np.ndarray:
    """An RGB image ``(resolution, resolution, 3)`` of the predicted class over ``bounds``, in light colours."""
    from matplotlib.colors import to_rgb

    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    predicted = scores(model.W, model.b, grid).argmax(axis=1).reshape(resolution, resolution)
    palette = np.array([to_rgb(class_color(i)) for i in range(model.n_classes)])
    washed = (
        0.78 + 0.22 * palette
    )  # the colours faded towards white: regions stay behind the points
    return washed[predicted]


def _segment(w: np.ndarray, c: float, bounds: Any) -> np.ndarray | None:
    """The part of the line ``w . x + c = 0`` inside the box, as two end points (None if it misses the box)."""
    (x0, x1), (y0, y1) = bounds
    norm = float(np.hypot(*w))
    if norm < 1e-12:
        return None
    n = w / norm
    foot = -c / norm * n  # the line's point nearest the origin
    d = np.array([-n[1], n[0]])
    lo, hi = -np.inf, np.inf
    for axis, (a, b) in enumerate(((x0, x1), (y0, y1))):
        if abs(d[axis]) < 1e-12:
            if not a <= foot[axis] <= b:
                return None
            continue
        t1, t2 = (a - foot[axis]) / d[axis], (b - foot[axis]) / d[axis]
        lo, hi = max(lo, min(t1, t2)), min(hi, max(t1, t2))
    if lo >= hi:
        return None
    return np.array([foot + lo * d, foot + hi * d])


def _place_line(line: Any, arrow: Any, w: np.ndarray, c: float, bounds: Any) -> None:
    seg = _segment(np.asarray(w, dtype=float), c, bounds)
    if seg is None:
        line.set_data([], [])
        arrow.set_visible(False)
        return
    line.set_data(seg[:, 0], seg[:, 1])
    mid = seg.mean(axis=0)
    span = min(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0])
    direction = np.asarray(w, dtype=float) / np.hypot(*w)
    # The arrow points to the side where this class's score is positive, as in the web demo.
    arrow.xy = tuple(mid + 0.12 * span * direction)
    arrow.set_position(tuple(mid))
    arrow.set_visible(True)


def linear_classifier(
    model: LinearClassifier,
    ax: Any = None,
    *,
    bounds: Any = VIEW,
    resolution: int = 600,
) -> ClassifierArtists:
    """Draw the data points by class, the predicted class regions and each class's line ``s_j = 0``.

    Each line has a short arrow towards the side where that class's score grows. Returns a
    :class:`ClassifierArtists` whose ``update(model)`` redraws the regions and lines for new parameters.
    """
    ax = get_ax(ax)
    lw = linewidth()
    (x0, x1), (y0, y1) = bounds
    out = ClassifierArtists(bounds=bounds, resolution=resolution)
    out.regions = ax.imshow(
        region_image(model, bounds, resolution),
        extent=(x0, x1, y0, y1),
        origin="lower",
        interpolation="nearest",
        zorder=0,
    )
    for i in range(model.n_classes):
        color = class_color(i)
        (line,) = ax.plot([], [], color=color, linewidth=lw, zorder=2, label=f"_line{i}")
        arrow = ax.annotate(
            "", (0, 0), xytext=(0, 0),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": lw, "shrinkA": 0, "shrinkB": 0,
                        "mutation_scale": 6 * lw},
            zorder=2, annotation_clip=False,
        )  # fmt: skip
        out.lines.append(line)
        out.arrows.append(arrow)
        members = model.X[model.y == i]
        (pts,) = ax.plot(
            members[:, 0], members[:, 1], linestyle="none", marker="o", markersize=4.5 * lw,
            color=color, markeredgecolor="black", markeredgewidth=0.5 * lw, zorder=3,
            label=f"class {i}",
        )  # fmt: skip
        out.points.append(pts)
    out.update(model)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    return out


@dataclass
class TableArtists:
    """A drawn table: the matplotlib ``Table`` and, for the score table, the summary Text lines under it.

    ``cell_text(r, c)`` reads body cell (r, c) (0-based, header excluded); ``rows()`` reads them all.
    """

    table: Any = None
    summary: list[Any] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    gradients: bool = False

    def cell_text(self, row: int, col: int) -> str:
        return self.table[row + 1, col].get_text().get_text()

    def rows(self) -> list[list[str]]:
        return [[self.cell_text(r, c) for c in range(self.n_cols)] for r in range(self.n_rows)]

    @property
    def artists(self) -> list[Any]:
        return [self.table, *self.summary]

    def set_rows(self, rows: list[list[str]]) -> None:
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table[r + 1, c].get_text().set_text(text)


@dataclass
class ScoreTable(TableArtists):
    """What :func:`score_table` drew; ``update(model)`` rewrites every number for new parameters."""

    def update(self, model: LinearClassifier, e: Evaluation | None = None) -> list[Any]:
        e = e or model.evaluate()
        self.set_rows(table_rows(model, e))
        for text, line in zip(self.summary, summary_lines(e), strict=True):
            text.set_text(line)
        return self.artists


@dataclass
class ParameterTable(TableArtists):
    """What :func:`parameter_table` drew; ``update(model)`` rewrites W, b (and their gradients)."""

    def update(self, model: LinearClassifier, e: Evaluation | None = None) -> list[Any]:
        self.set_rows(parameter_rows(model, e, gradients=self.gradients))
        return self.artists


def _table(ax: Any, rows: list[list[str]], header: list[str], size: float, bbox: Any) -> Any:
    table = ax.table(
        cellText=rows, colLabels=header, cellLoc="right", colLoc="right", bbox=bbox,
        edges="horizontal",
    )  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    for (r, _), cell in table.get_celld().items():
        cell.set_edgecolor("0.8")
        cell.set_linewidth(0.6)
        cell.get_text().set_fontfamily("DejaVu Sans Mono")
        if r == 0:
            cell.get_text().set_fontweight("bold")
    ax.set_axis_off()
    return table


def score_table(
    model: LinearClassifier,
    ax: Any = None,
    *,
    e: Evaluation | None = None,
    summary: bool = True,
    fontsize_pt: float | None = None,
) -> ScoreTable:
    """The demo's table in ``ax`` (its frame hidden): x[0], x[1], y, the scores and each point's loss L,
    with the data, regularization and total losses below it. Numbers have two decimals and an ASCII minus.
    """
    ax = get_ax(ax)
    e = e or model.evaluate()
    size = fontsize_pt or fontsize()
    rows = table_rows(model, e)
    header = table_header(model)
    # The summary lines take the bottom of the axes; the table fills the rest.
    bottom = 0.25 if summary else 0.0
    table = _table(ax, rows, header, size, bbox=(0.0, bottom, 1.0, 1.0 - bottom))
    for r in range(len(rows)):  # the label column, in its class's colour
        text = table[r + 1, 2].get_text()
        text.set_color(class_color(int(model.y[r])))
        text.set_fontweight("bold")
    out = ScoreTable(table=table, n_rows=len(rows), n_cols=len(header))
    if summary:
        for i, line in enumerate(summary_lines(e)):
            out.summary.append(
                ax.text(
                    1.0, bottom - 0.05 - i * 0.08, line, transform=ax.transAxes, ha="right",
                    va="center", fontsize=size, fontfamily="DejaVu Sans Mono",
                    fontweight="bold" if i == 2 else "normal",
                )
            )  # fmt: skip
    return out


def parameter_rows(
    model: LinearClassifier, e: Evaluation | None = None, *, gradients: bool = False
) -> list[list[str]]:
    """One row per class: ``["class 0", "2.30", "2.00", "0.00"]`` (W[i,0], W[i,1], b[i]).

    With ``gradients=True`` each value is followed by its gradient in parentheses: ``"2.30 (0.17)"``.
    """
    e = e or model.evaluate()
    rows = []
    for i in range(model.n_classes):
        values = [*model.W[i], model.b[i]]
        grads = [*e.dW[i], e.db[i]]
        cells = [
            f"{fmt2(v)} ({fmt2(g)})" if gradients else fmt2(v)
            for v, g in zip(values, grads, strict=True)
        ]
        rows.append([f"class {i}", *cells])
    return rows


PARAMETER_HEADER = ["", "W[i,0]", "W[i,1]", "b[i]"]
# The parameters with their exact gradients in columns of their own (the demo's "gradient column").
GRADIENT_HEADER = ["", "W[i,0]", "grad", "W[i,1]", "grad", "b[i]", "grad"]


def gradient_rows(model: LinearClassifier, e: Evaluation | None = None) -> list[list[str]]:
    """One row per class: ``["class 0", "2.30", "0.17", "2.00", "0.44", "0.00", "0.33"]`` (each parameter,
    then the exact gradient of the total loss with respect to it).

    >>> gradient_rows(LinearClassifier())[0]
    ['class 0', '2.30', '0.17', '2.00', '0.44', '0.00', '0.33']
    """
    e = e or model.evaluate()
    rows = []
    for i in range(model.n_classes):
        cells = []
        for v, g in zip([*model.W[i], model.b[i]], [*e.dW[i], e.db[i]], strict=True):
            cells += [fmt2(v), fmt2(g)]
        rows.append([f"class {i}", *cells])
    return rows


def gradient_table(
    model: LinearClassifier,
    ax: Any = None,
    *,
    e: Evaluation | None = None,
    fontsize_pt: float | None = None,
    bbox: Any = (0, 0, 1, 1),
) -> ParameterTable:
    """W and b by class, each followed by its exact gradient (in grey), as a table in ``ax``."""
    ax = get_ax(ax)
    rows = gradient_rows(model, e)
    table = _table(ax, rows, GRADIENT_HEADER, fontsize_pt or fontsize(), bbox=bbox)
    for r in range(len(rows)):
        text = table[r + 1, 0].get_text()
        text.set_color(class_color(r))
        text.set_fontweight("bold")
        for c in (2, 4, 6):
            table[r + 1, c].get_text().set_color("0.35")
    return ParameterTable(
        table=table, n_rows=len(rows), n_cols=len(GRADIENT_HEADER), gradients=True
    )


def score_lines(model: LinearClassifier, ax: Any, *, bounds: Any = VIEW, **line: Any) -> list[Any]:
    """Each class's score-zero line ``s_j = 0`` of ``model`` alone (no regions, arrows or points), in its
    class's colour; ``line`` keywords go to ``ax.plot`` (``linestyle="--"`` for the lines after an update)."""
    out = []
    for i in range(model.n_classes):
        seg = _segment(np.asarray(model.W[i], dtype=float), float(model.b[i]), bounds)
        xy = seg if seg is not None else np.empty((0, 2))
        (artist,) = ax.plot(
            xy[:, 0], xy[:, 1], color=class_color(i), **{"label": f"_after{i}", **line}
        )
        out.append(artist)
    return out


def parameter_table(
    model: LinearClassifier,
    ax: Any = None,
    *,
    e: Evaluation | None = None,
    gradients: bool = False,
    fontsize_pt: float | None = None,
) -> ParameterTable:
    """W and b by class (``gradients=True``: each with its gradient in parentheses), as a table in ``ax``."""
    ax = get_ax(ax)
    rows = parameter_rows(model, e, gradients=gradients)
    table = _table(ax, rows, PARAMETER_HEADER, fontsize_pt or fontsize(), bbox=(0, 0, 1, 1))
    for r in range(len(rows)):
        text = table[r + 1, 0].get_text()
        text.set_color(class_color(r))
        text.set_fontweight("bold")
    return ParameterTable(
        table=table, n_rows=len(rows), n_cols=len(PARAMETER_HEADER), gradients=gradients
    )


def title_text(model: LinearClassifier) -> str:
    return f"{LOSS_TITLES[model.loss]} loss, λ = {model.reg:g}"


def ascii_ticks(ax: Any) -> None:
    """Tick labels with an ASCII minus (matplotlib writes U+2212 by default), as the demo's numbers are."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _pos: Any) -> str:
        text = f"{value:g}"
        return "0" if text == "-0" else text

    ax.xaxis.set_major_formatter(FuncFormatter(label))
    ax.yaxis.set_major_formatter(FuncFormatter(label))
