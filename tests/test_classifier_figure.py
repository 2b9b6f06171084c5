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
    # Each parameter, then the exact gradient of the total loss (dW_data + 2 lambda W; db) beside it.
    assert [params[1, c].get_text().get_text() for c in range(7)] == [
        "class 0",
        "2.30",
        "0.17",
        "2.00",
        "0.44",
        "0.00",
        "0.33",
    ]
    # Points, one marker set per class, at the slide's coordinates.
    plot_ax = next(ax for ax in fig.axes if ax.images)
    points = [ln for ln in plot_ax.lines if ln.get_label().startswith("class")]
    assert [len(ln.get_xdata()) for ln in points] == [3, 3, 3]
    assert np.column_stack(points[1].get_data()).tolist() == [[-0.4, 0.3], [-0.3, 0.7], [-0.7, 0.2]]


# The slide's gradient column (W[i,0], W[i,1], b[i] per class), as the web demo shows it.
SLIDE_GRADIENTS = [["-0.17", "0.14", "0.33"], ["0.42", "-0.61", "-0.22"], ["0.12", "0.32", "-0.11"]]


def test_the_gradient_column_is_exact_and_the_slides_is_named() -> None:
    from optviz.classifier import web_demo_dW

    m = LinearClassifier()
    e = m.evaluate()
    scene = ov.figures.figure("linear_classifier_demo")
    params = next(t for ax in scene.fig.axes for t in ax.tables)
    shown = [[float(params[r + 1, c].get_text().get_text()) for c in (2, 4, 6)] for r in range(3)]
    exact = np.concatenate([e.dW, e.db[:, None]], axis=1)
    np.testing.assert_allclose(shown, exact, atol=0.005)
    # Independently: the data gradient by central differences, plus the derivative of lambda * sum W^2.
    h = 1e-6
    for i in range(3):
        for j in range(2):
            up, down = m.W.copy(), m.W.copy()
            up[i, j] += h
            down[i, j] -= h
            numeric = (
                m.with_params(W=up).evaluate().total - m.with_params(W=down).evaluate().total
            ) / (2 * h)
            assert numeric == pytest.approx(e.dW[i, j], abs=1e-6)
    # The slide's column is dW_data + (lambda/2) W: not the exact derivative, and the figure says which it is.
    slide = np.concatenate([web_demo_dW(m), e.db[:, None]], axis=1)
    assert [[f"{v:.2f}".replace("-0.00", "0.00") for v in row] for row in slide] == SLIDE_GRADIENTS
    texts = [t.get_text() for ax in scene.fig.axes for t in ax.texts]
    assert " / ".join(", ".join(row) for row in SLIDE_GRADIENTS) in texts
    assert any("(λ/2)·W" in t and "2λ·W" in t for t in texts)


@pytest.mark.slow
def test_the_figure_shows_one_update_with_the_step_size() -> None:
    from optviz.classifier import STEP0

    m = LinearClassifier()
    e = m.evaluate()
    scene = ov.figures.figure("linear_classifier_demo")
    after = scene.results["update"]
    np.testing.assert_allclose(after.W, m.W - STEP0 * e.dW, rtol=0, atol=1e-15)
    np.testing.assert_allclose(after.b, m.b - STEP0 * e.db, rtol=0, atol=1e-15)
    plot_ax = next(ax for ax in scene.fig.axes if ax.images)
    dashed = [ln for ln in plot_ax.lines if ln.get_label().startswith("_after")]
    assert len(dashed) == 3 and all(ln.get_linestyle() == "--" for ln in dashed)
    for k, line in enumerate(dashed):  # each on its class's score-zero line after the update
        x, y = map(np.asarray, line.get_data())
        assert np.allclose(after.W[k, 0] * x + after.W[k, 1] * y + after.b[k], 0, atol=1e-12)
    legend = [t.get_text() for t in plot_ax.get_legend().get_texts()]
    assert legend == [
        "now: total loss 6.23",
        f"after one update W ← W − {STEP0:g}·grad: total loss 5.96",
    ]
    assert after.evaluate().total < e.total
    scene = ov.figures.figure("linear_classifier_demo", update=False, step_size=0.5)
    assert "update" not in scene.results


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


@pytest.mark.slow
def test_scenario_renders_a_slide_sized_png(tmp_path) -> None:
    from optviz.cli import main

    assert main(["render", str(SCENARIO), "-o", str(tmp_path), "-q"]) == 0
    png = tmp_path / "linear_classifier_demo.png"
    with Image.open(png) as im:
        assert im.size == (1920, 1080)  # 12.8 x 7.2 in at 150 dpi
    first = SCENARIO.read_text().splitlines()[0]
    assert first.startswith('# Reproduces lecture 3\'s "Interactive Web Demo" slide')
