"""The linear-classifier demo's numbers: the lecture slide's table, exact gradients, the update rule."""

from __future__ import annotations

import numpy as np
import pytest
from _slide import SLIDE_DB, SLIDE_DW, SLIDE_ROWS, SLIDE_SUMMARY

import optviz as ov
from optviz._validate import ParameterError
from optviz.classifier import (
    B0,
    LABELS,
    POINTS,
    STEP0,
    W0,
    LinearClassifier,
    fmt2,
    scores,
    softmax_loss,
    summary_lines,
    svm_loss,
    table_rows,
)


def test_the_slide_table_row_by_row() -> None:
    assert table_rows(LinearClassifier()) == SLIDE_ROWS


def test_the_slide_totals_and_the_mean() -> None:
    e = LinearClassifier().evaluate()
    assert summary_lines(e) == SLIDE_SUMMARY
    assert e.data_loss == pytest.approx(np.mean([float(r[-1]) for r in SLIDE_ROWS]), abs=0.005)
    assert e.reg_loss == pytest.approx(0.1 * 39.29)  # lambda * sum W^2, b not regularized
    assert e.total == pytest.approx(e.data_loss + e.reg_loss)


def test_defaults_are_the_slide_state() -> None:
    m = LinearClassifier()
    assert m.W.tolist() == [[2.3, 2.0], [2.0, -4.0], [3.0, -1.0]]
    assert m.b.tolist() == [0.0, 0.5, -0.5]
    assert (m.reg, m.loss, m.step_size) == (0.1, "svm", 0.09976)
    assert POINTS.shape == (9, 2) and LABELS.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_gradient_of_b_matches_the_slide_and_W_shows_the_demo_quirk() -> None:
    m = LinearClassifier()
    e = m.evaluate()
    assert e.db.round(2).tolist() == SLIDE_DB
    # The web demo's W gradients are the data gradient plus lambda/2 * W; ours are exact (plus 2 lambda W).
    assert (e.dW_data + 0.5 * m.reg * m.W).round(2).tolist() == SLIDE_DW
    assert np.allclose(e.dW, e.dW_data + 2 * m.reg * m.W)


@pytest.mark.parametrize("loss", ["svm", "softmax"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analytic_gradient_passes_gradcheck(loss: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = LinearClassifier(loss=loss, reg=0.3).randomized(rng)
    grad = m.flat_grad()
    # gradcheck's relative error is 1 where the exact gradient is 0 but rounding leaves 1e-17 (an SVM class
    # with no active margin): those coordinates are compared absolutely instead.
    zero = np.abs(grad) < 1e-12
    assert (
        ov.gradcheck(m.total_loss, m.flat_params(), np.where(zero, 0.0, grad), num_checks=12) < 1e-6
    )
    h = 1e-6
    for i in np.flatnonzero(zero):
        e = np.zeros_like(grad)
        e[i] = h
        p = m.flat_params()
        assert abs(m.total_loss(p + e) - m.total_loss(p - e)) / (2 * h) < 1e-8


@pytest.mark.parametrize("loss", ["svm", "softmax"])
def test_gradcheck_at_the_slide_state(loss: str) -> None:
    m = LinearClassifier(loss=loss)
    assert ov.gradcheck(m.total_loss, m.flat_params(), m.flat_grad(), num_checks=9) < 1e-7


def test_one_update_moves_by_exactly_minus_step_times_gradient() -> None:
    m = LinearClassifier()
    e = m.evaluate()
    new = m.update()
    assert np.array_equal(new.W, W0 - STEP0 * e.dW)
    assert np.array_equal(new.b, B0 - STEP0 * e.db)
    assert new.evaluate().total < e.total


def test_svm_loss_lecture_example() -> None:
    # Lecture 3's three-image example: cat 2.9, car 0, frog 12.9.
    s = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])  # one row per image
    losses, _ = svm_loss(s, np.array([0, 1, 2]))
    assert losses.round(1).tolist() == [2.9, 0.0, 12.9]


def test_softmax_loss_is_stable_and_matches_the_definition() -> None:
    s = np.array([[1000.0, 0.0, -1000.0], [0.1, 0.2, 0.3]])
    losses, ds = softmax_loss(s, np.array([0, 2]))
    p = np.exp(s[1] - s[1].max()) / np.exp(s[1] - s[1].max()).sum()
    assert losses[0] == 0.0 and np.isfinite(ds).all()
    assert losses[1] == pytest.approx(-np.log(p[2]))
    assert np.allclose(ds.sum(axis=1), 0.0)


def test_scores_shape_and_values() -> None:
    assert scores(W0, B0).shape == (9, 3)
    assert scores(W0, B0)[8].round(2).tolist() == [-1.92, 1.7, -1.2]


def test_fmt2_ascii_minus_and_no_negative_zero() -> None:
    assert fmt2(-1.5) == "-1.50" and "\u2212" not in fmt2(-1.5)
    assert fmt2(-0.004) == "0.00"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "hinge"}, "loss: unknown loss 'hinge'"),
        ({"reg": -1}, "reg: must be a non-negative number"),
        ({"step_size": 0}, "step_size: must be a positive number"),
        ({"W": [[1, 2, 3]]}, "W: must have shape (K, 2)"),
        ({"b": [0, 0]}, "b: must have 3 entries"),
    ],
)
def test_bad_settings_are_one_line_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        LinearClassifier(**kwargs)
    assert str(err.value).startswith(message)


def test_randomized_is_seeded() -> None:
    a = LinearClassifier().randomized(np.random.default_rng(5))
    b = LinearClassifier().randomized(np.random.default_rng(5))
    assert np.array_equal(a.W, b.W) and np.array_equal(a.b, b.b)
    assert np.abs(a.W).max() <= 3 and np.abs(a.b).max() <= 1
