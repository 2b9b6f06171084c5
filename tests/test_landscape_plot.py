"""Drawing of loss landscapes (``optviz.plot.landscape``): what a reader must be able to see. Needs no torch."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest

from optviz import style
from optviz.plot import landscape as pl

MINUS = "\N{MINUS SIGN}"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _path(rule: str, label: str) -> SimpleNamespace:
    return SimpleNamespace(rule=rule, label=label, hyperparams={"lr": 0.1}, custom_label=False)


def test_residuals_just_under_100_percent_stay_clear_of_the_frame():
    # A random plane leaves a path 98-100% off it: its line must be drawn inside the axes, not on the top spine.
    with style.context():
        fig, ax = plt.subplots(figsize=(8, 1.5), dpi=100)
        r = [np.full(50, 0.999), np.full(50, 0.998), np.full(50, 0.997)]
        out = pl.residual(
            [_path("gd", "SGD"), _path("momentum", "M"), _path("adam", "Adam")], r, ax=ax
        )
        fig.canvas.draw()
        top = ax.get_window_extent().y1
        to_px = fig.dpi / 72
        for line in out.lines:
            y = ax.transData.transform((0, line.get_ydata()[0]))[1]
            half_width = line.get_linewidth() * to_px / 2
            frame = ax.spines["top"].get_linewidth() * to_px
            assert top - (y + half_width) > 2 * frame + half_width, line.get_label()
        # 100% is the highest tick: the headroom is not a value a residual can take
        ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
        assert max(ticks) == pytest.approx(1.0)


def _sharpness(rule, label, threshold, largest):
    steps = np.arange(0, 101, 25)
    return SimpleNamespace(
        steps=steps, largest=np.asarray(largest, float), smallest=-np.ones(5) / 10,
        threshold=threshold, label=label, rule=rule, hyperparams={"lr": 0.5},
    )  # fmt: skip


def test_a_threshold_above_the_view_is_named_at_the_edge_and_not_in_the_legend():
    sgd = _sharpness("gd", "SGD", 4.0, [2, 3.8, 4.5, 3, 2])
    heavy = _sharpness("momentum", "SGD+Momentum", 76.0, [2, 4, 5, 4, 3])
    _fig, ax = plt.subplots()
    out = pl.eigenvalues([sgd, heavy], ax=ax)
    legend = [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    texts = [t.get_text() for t in ax.texts]
    # 2/lr = 4 is in the view: drawn, in the legend; (2+2ρ)/lr = 76 is far above: named at the top edge only
    assert "2/lr = 4" in legend
    assert ax.get_ylim()[1] < 76
    assert not any("76" in label for label in legend)
    assert texts == ["(2+2ρ)/lr = 76 (above) ↑"]
    assert len(out.references) == 3  # two dashed lines and the note


def test_interpolation_names_the_two_models_and_writes_minus_signs_as_matplotlib_does():
    curve = SimpleNamespace(
        alphas=np.linspace(-0.5, 1.5, 9), loss=np.linspace(1, 0.1, 9), label="SGD", rule="gd",
        hyperparams={"lr": 0.5},
    )  # fmt: skip
    _fig, ax = plt.subplots()
    pl.interpolation([curve], ax=ax)
    labels = {
        float(t): lab.get_text()
        for t, lab in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
    }
    assert labels == {
        -0.5: f"{MINUS}0.5",
        0.0: "0\ninit",
        0.5: "0.5",
        1.0: "1\nsolution",
        1.5: "1.5",
    }
