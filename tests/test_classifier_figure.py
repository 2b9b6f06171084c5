"""The ``linear_classifier_demo`` figure kind and its scenario: the slide's initial state as a static figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _slide import SLIDE_ROWS, SLIDE_SUMMARY
from PIL import Image

import optviz as ov
from optviz.classifier import LinearClassifier
from optviz.plot.classifier import (
    ClassifierArtists,
    ScoreTable,
    class_color,
    linear_classifier,
    region_image,
    score_table,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "linear_classifier_demo.toml"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_kind_is_registered_without_surface_or_runs() -> None:
    kind = ov.figures.figure_kind("linear_classifier_demo")
    assert (kind.surface, kind.runs, kind.animated) == ("none", "none", False)
    assert "linear_classifier_demo" in ov.figures.kind_names()


def test_figure_shows_the_slide_table_and_drawing() -> None:
    scene = ov.figures.figure("linear_classifier_demo")
    fig = scene.fig
    tables = [t for ax in fig.axes for t in ax.tables]
    assert len(tables) == 2  # W and b, then the scores
    score = tables[1]
    rows = [[score[r + 1, c].get_text().get_text() for c in range(7)] for r in range(9)]
    assert rows == SLIDE_ROWS
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert all(line in texts for line in SLIDE_SUMMARY)
    params = tables[0]
    assert [params[1, c].get_text().get_text() for c in range(4)] == [
        "class 0",
        "2.30",
        "2.00",
        "0.00",
    ]
    # Points, one marker set per class, at the slide's coordinates.
    plot_ax = next(ax for ax in fig.axes if ax.images)
    points = [ln for ln in plot_ax.lines if ln.get_label().startswith("class")]
    assert [len(ln.get_xdata()) for ln in points] == [3, 3, 3]
    assert np.column_stack(points[1].get_data()).tolist() == [[-0.4, 0.3], [-0.3, 0.7], [-0.7, 0.2]]


def test_figure_options_softmax_and_lambda() -> None:
    scene = ov.figures.figure("linear_classifier_demo", loss="softmax", reg=0.0, parameters=False)
    texts = [t.get_text() for ax in scene.fig.axes for t in ax.texts]
    e = LinearClassifier(loss="softmax", reg=0.0).evaluate()
    assert f"Total data loss: {e.data_loss:.2f}" in texts
    assert "Regularization loss: 0.00" in texts
    with pytest.raises(ValueError, match="loss: unknown loss 'hinge'"):
        ov.figures.figure("linear_classifier_demo", loss="hinge")


def test_regions_and_lines_follow_the_scores() -> None:
    m = LinearClassifier()
    _fig, ax = plt.subplots()
    art = linear_classifier(m, ax=ax, resolution=50)
    assert isinstance(art, ClassifierArtists)
    image = region_image(m, resolution=50)
    # The pixel at (x, y) = (0.5, 0.4) (a class-0 point that the slide's W classifies as 0) is class 0's colour.
    from matplotlib.colors import to_rgb

    i = round((0.4 + 1) / 2 * 49)
    j = round((0.5 + 1) / 2 * 49)
    assert np.allclose(image[i, j], 0.78 + 0.22 * np.array(to_rgb(class_color(0))))
    assert (
        class_color(0) == ov.style.SERIES[1]
    )  # classes are a series: no rule's colour (issue 13 item 3)
    for k, line in enumerate(art.lines):
        x, y = map(np.asarray, line.get_data())
        assert np.allclose(m.W[k, 0] * x + m.W[k, 1] * y + m.b[k], 0)
        assert np.all(np.abs(x) <= 1 + 1e-12) and np.all(np.abs(y) <= 1 + 1e-12)


def test_score_table_update_rewrites_numbers() -> None:
    _fig, ax = plt.subplots()
    m = LinearClassifier()
    t = score_table(m, ax=ax)
    assert isinstance(t, ScoreTable)
    new = m.update()
    t.update(new)
    assert t.rows()[0][3] == f"{new.evaluate().scores[0, 0]:.2f}"


def test_scenario_renders_a_slide_sized_png(tmp_path) -> None:
    from optviz.cli import main

    assert main(["render", str(SCENARIO), "-o", str(tmp_path), "-q"]) == 0
    png = tmp_path / "linear_classifier_demo.png"
    with Image.open(png) as im:
        assert im.size == (1920, 1080)  # 12.8 x 7.2 in at 150 dpi
    first = SCENARIO.read_text().splitlines()[0]
    assert first.startswith('# Reproduces lecture 3\'s "Interactive Web Demo" slide')
