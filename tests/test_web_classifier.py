"""The classifier demo page in headless Chromium: the slide's numbers, and every control's numbers equal to
ov.explore_classifier's (to the bit), keyboard use, no console errors, and its plot looks like matplotlib's."""

from __future__ import annotations

import numpy as np
import pytest
from _browser import (
    open_page,
    png_array,
    screenshot_array,
    static_layer_difference,
)

import optviz as ov
from optviz.classifier import LinearClassifier
from optviz.web.classifier_page import classifier_page, static_layer


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "classifier.html"
    path.write_text(classifier_page(), encoding="utf-8")
    return path


@pytest.fixture
def page(browser, page_file):
    p = open_page(browser, page_file)
    yield p
    assert p.errors == [], p.errors  # no console errors, no network requests
    p.close()


# Softmax's exp and log: JavaScript's Math.exp and numpy's may differ by an ulp (numpy's own kernels on
# AVX-512 CPUs, numpy issue 23523), and updates carry that into W (and on, into an SVM's numbers).
ULPS = 1e-13


def _assert_equals_model(state: dict, model: LinearClassifier) -> None:
    e = model.evaluate()
    for name, ours in (
        ("W", model.W), ("b", model.b), ("scores", e.scores), ("losses", e.losses), ("dW", e.dW),
        ("db", e.db), ("data_loss", e.data_loss), ("reg_loss", e.reg_loss), ("total_loss", e.total),
    ):  # fmt: skip
        page = np.array(state[name], dtype=float)
        np.testing.assert_allclose(page, ours, rtol=ULPS, atol=ULPS, err_msg=name)


def test_opens_at_the_slides_numbers(page):
    state = page.eval("optviz.state()")
    _assert_equals_model(state, LinearClassifier())
    text = page.page.inner_text(".summary")
    assert "Total data loss: 2.30" in text
    assert "Regularization loss: 3.93" in text
    assert "Total loss: 6.23" in text
    # the slide's table row for point 4: -0.30 0.70 1 0.71 -2.90 -2.10 6.41
    row = page.page.inner_text("#data-rows tr:nth-child(5)").split()
    assert row == ["-0.30", "0.70", "1", "0.71", "-2.90", "-2.10", "6.41"]
    assert page.page.input_value("#p-0-0") == "2.30"


def test_updates_and_settings_equal_explore_classifier(page):
    ex = ov.explore_classifier(pyplot=False)
    try:
        for settings, updates in (
            ({}, 3),
            ({"loss": "softmax", "lam": 0.05, "step_size": 0.5}, 4),
            ({"loss": "svm", "lam": 0.0, "step_size": 0.01}, 2),
        ):
            if settings:
                ex.set(loss=settings["loss"], reg=settings["lam"], step_size=settings["step_size"])
                page.eval("s => optviz.set(s)", settings)
            for _ in range(updates):
                ex.step()
            state = page.eval(f"optviz.update({updates})")
            _assert_equals_model(state, ex.model)
            assert state["updates"] == ex.updates
        ex.randomize()  # the explorer's generator is seed 0; the page's button takes the same draws
        page.page.click("#randomize")
        _assert_equals_model(page.eval("optviz.state()"), ex.model)
    finally:
        ex.close()


def test_randomize_with_a_seed_is_numpys_generator(page):
    state = page.eval("optviz.randomize(5)")
    expected = LinearClassifier().randomized(np.random.default_rng(5))
    _assert_equals_model(state, expected)
    # the next click continues that generator
    page.page.click("#randomize")
    rng = np.random.default_rng(5)
    LinearClassifier().randomized(rng)
    _assert_equals_model(page.eval("optviz.state()"), LinearClassifier().randomized(rng))
    with pytest.raises(Exception, match="random draws for seeds"):
        page.eval("optviz.randomize(999)")
    page.errors.clear()  # the refused seed is an error by design


def test_keyboard_editing_and_buttons(page):
    # W[1,1] typed in, then the update button pressed with the keyboard.
    page.page.fill("#p-1-1", "-3.5")
    page.page.press("#p-1-1", "Enter")
    page.page.focus("#update")
    page.page.keyboard.press("Enter")
    model = LinearClassifier(W=[[2.3, 2.0], [2.0, -3.5], [3.0, -1.0]]).update()
    _assert_equals_model(page.eval("optviz.state()"), model)
    # the softmax radio, by keyboard
    page.page.focus("input[name=loss][value=softmax]")
    page.page.keyboard.press("Space")
    assert page.eval("optviz.state().loss") == "softmax"
    labels = page.eval(
        "Array.from(document.querySelectorAll('input,button')).filter(e => !(e.labels && e.labels.length)"
        " && !e.getAttribute('aria-label') && e.tagName === 'INPUT').length"
    )
    assert labels == 0  # every input has a label


def test_repeated_update_starts_and_stops(page):
    page.page.click("#start")
    page.page.wait_for_function("optviz.state().updates >= 3", timeout=5000)
    page.page.click("#stop")
    n = page.eval("optviz.state().updates")
    page.page.wait_for_timeout(350)
    assert page.eval("optviz.state().updates") == n
    model = LinearClassifier()
    for _ in range(n):
        model = model.update()
    _assert_equals_model(page.eval("optviz.state()"), model)


def test_plot_looks_like_the_matplotlib_plot(page):
    """Screenshot of the figure vs matplotlib's PNG of the same plot (optviz.plot.classifier): identical in
    the static layer (axes, ticks, labels) but for at most 0.5% of its pixels by more than 8 levels (the
    live layer's anti-aliased edges), and the live layer (regions, lines, points) drawn where matplotlib
    draws them."""
    figure, _, full = static_layer(LinearClassifier(), whole=True)
    shot = screenshot_array(page.page, "#figure")
    static = png_array(__import__("base64").b64decode(figure["image"].split(",", 1)[1]))
    d = static_layer_difference(shot, static, png_array(full), figure["textBoxes"])
    assert d["static_fraction"] > 0.15  # axes, ticks, labels around the regions
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.97, d
