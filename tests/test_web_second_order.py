"""The ``second_order`` kind's page (``optviz render --format html``; its live layer: optviz.web.second_order_layer
and assets/secondorder.js). In headless Chromium: the runs equal optviz.run's, what the layer shows equals what
the kind draws for the same runs (L-BFGS's way through its inner iterates and their rings, Newton's squares,
the cost panel's curves, limits, ticks, floor marks and saddle notes), at the first state, after the controls
move (against the exported scenario drawn by Python) and at an earlier step (against the scene at that frame);
no console errors; the screenshot matches the PNG in the static layer (tests/test_web_scenario.py's
tolerances). On the gallery's scenario and on scenarios written for other surfaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _browser import open_page, png_array
from test_web_layers import (
    assert_close,
    matplotlib_labels,
    python_scene,
    rendered_pages,
    screenshot_matches,
)
from test_web_scenario import _failures

from optviz.plot import TrajectoryArtists
from optviz.web.static import render_png

ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = {
    # Rosenbrock's valley (no saddle, a floor crossed by Newton), three rules; the legend on the right
    "rosenbrock_second": """
title = "Newton, L-BFGS and GD in Rosenbrock's valley"
kind = "second_order"
[surface]
name = "rosenbrock"
[defaults]
start = [-1.2, 1.0]
steps = 30
tol = 1e-8
[[run]]
rule = "newton"
[[run]]
rule = "lbfgs"
line_search_fn = "strong_wolfe"
[[run]]
rule = "gd"
lr = 0.001
steps = 300
[figure]
legend = "right"
""",
    # Himmelblau's four minima: the distance to the first, L-BFGS without a line search, Newton from where
    # its Hessian is indefinite, Momentum; a tall figure (paths above the costs)
    "himmelblau_second": """
title = "Himmelblau: Newton, L-BFGS, Momentum"
kind = "second_order"
[surface]
name = "himmelblau"
[defaults]
start = [-0.3, -0.9]
steps = 40
tol = 1e-9
[[run]]
rule = "newton"
[[run]]
rule = "lbfgs"
lr = 0.5
[[run]]
rule = "momentum"
lr = 0.005
rho = 0.8
[figure]
loss_kind = "distance"
[output]
size = [6.4, 8.0]
""",
    # Newton started where the double well's Hessian is singular (x = 1/sqrt 3): it ends at once, with its
    # cross and "singular Hessian at step 0" on the paths and its cross in the cost panel
    "singular_well": """
title = "Newton at a singular Hessian"
kind = "second_order"
[surface]
name = "double_well"
[defaults]
start = [0.35, 1.2]
steps = 30
tol = 1e-10
[[run]]
rule = "newton"
start = [0.5773502691896258, 1.0]
[[run]]
rule = "lbfgs"
[[run]]
rule = "gd"
lr = 0.2
""",
}
# the gallery's scenario, rendered here (its page is written by `optviz gallery`)
SCENARIOS["newton_saddle"] = (ROOT / "scenarios" / "newton_saddle.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return rendered_pages(tmp_path_factory.mktemp("second_order_pages"), (), SCENARIOS)


def check_labels(page, source):
    """The minima's and saddles' labels at matplotlib's spots for the scenario ``source``: placed off the
    L-BFGS route, the rings and the squares as well as the paths."""
    placed = page.eval("optviz.page.view.labels")
    assert [p["spot"] for p in placed] == [spot for spot, _ in matplotlib_labels(source)]


def check_second_order(layer, scene, k=None):
    """The page's layer (``state().layers.secondorder``) against the scene the kind drew (at frame ``k``)."""
    r = scene.results
    if k is not None:
        for h in scene.handles:
            h.set_frame(k)
    cost = r["cost"]
    ax = cost.lines[0].axes
    render_png(ax.figure)  # (drawn as the PNG is: the tick bins and locators read at the draw)
    assert len(layer["lines"]) == len(cost.lines)
    for i, (mine, line) in enumerate(zip(layer["lines"], cost.lines, strict=True)):
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        assert_close(mine["x"], x, f"run {i}: evaluations")
        assert_close(mine["y"], y, f"run {i}: cost")
    np.testing.assert_allclose(layer["xlim"], ax.get_xlim(), rtol=1e-9)
    np.testing.assert_allclose(layer["ylim"], ax.get_ylim(), rtol=1e-9)
    lo, hi = ax.get_xlim()
    xticks = [t for t in ax.get_xticks() if lo - 1e-9 * hi <= t <= hi * (1 + 1e-9)]
    np.testing.assert_allclose(layer["xticks"], xticks, rtol=1e-12)
    lo, hi = ax.get_ylim()
    yticks = [t for t in ax.get_yticks() if lo * (1 - 1e-9) <= t <= hi * (1 + 1e-9)]
    np.testing.assert_allclose(layer["yticks"], yticks, rtol=1e-12)
    # the crosses of runs that ended early (diverged, or Newton at a singular Hessian)
    crosses = [m for m in cost.markers if m.get_visible()]
    assert len(layer["crosses"]) == len(crosses)
    for c, m in zip(layer["crosses"], crosses, strict=True):
        assert_close(c, [m.get_xdata()[0], m.get_ydata()[0]], "cross")
    # the floor's triangles (those shown), each where Python put it
    below = [m for m in r["below"] if m.get_visible()]
    mine = [b for b in layer["below"] if b is not None]
    assert len(mine) == len(below), (layer["below"], below)
    for b, m in zip(mine, below, strict=True):
        assert_close(b, [m.get_xdata()[0], m.get_ydata()[0]], "floor mark")
    # the saddle notes (those shown): text and anchor
    notes = [n for n in r["saddles"] if n.get_visible()]
    assert [n["text"] for n in layer["notes"]] == [n.get_text() for n in notes]
    for n, note in zip(layer["notes"], notes, strict=True):
        assert_close(n["xy"], note.xy, "saddle note")
    # rings and squares, in the order drawn (run by run, step by step), the shown ones
    rings = [a for a in r["inner"].rings if a.get_visible()]
    page_rings = [p for run in layer["rings"] for p in run]
    want = (
        np.concatenate([np.column_stack(a.get_data()) for a in rings])
        if rings
        else np.zeros((0, 2))
    )
    assert_close(np.reshape(page_rings, (-1, 2)), want, "inner iterates")
    squares = [a for a in r["indefinite"].marks if a.get_visible()]
    page_squares = [p for run in layer["squares"] for p in run]
    want = np.array([[a.get_xdata()[0], a.get_ydata()[0]] for a in squares]).reshape(-1, 2)
    assert_close(np.reshape(page_squares, (-1, 2)), want, "indefinite steps")
    # an L-BFGS path goes through its inner iterates: the page's way is the drawn line's data
    (paths,) = [h for h in scene.handles if isinstance(h, TrajectoryArtists)]
    for i, (way, run) in enumerate(zip(layer["routes"], paths.runs, strict=True)):
        if way is not None:
            assert_close(
                np.reshape(way, (-1, 2)), np.column_stack(run.path.get_data()), f"run {i}: route"
            )


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_layer_equals_python_and_the_page_looks_like_its_png(browser, pages, name):
    html, source = pages[name]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    state = page.eval("optviz.state()")
    sc, _, scene = python_scene(source)
    assert not _failures(sc.main.surface, state)
    check_second_order(state["layers"]["secondorder"], scene)
    check_labels(page, source)
    d = screenshot_matches(page, png, source)
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_the_gallery_scenario_shows_what_its_title_claims(browser, pages):
    """newton_saddle's page at its first state: Newton's squares at its first four iterates, its note at the
    saddle, L-BFGS's rings, the damped run's triangle at the floor."""
    html, _ = pages["newton_saddle"]
    page = open_page(browser, html, width=1920, height=1080)
    layer = page.eval("optviz.state().layers.secondorder")
    assert [len(s) for s in layer["squares"]] == [4, 0, 0, 0]
    assert [n["text"] for n in layer["notes"]] == ["Newton: at a saddle"]
    assert len(layer["rings"][2]) > 0 and not any(layer["rings"][i] for i in (0, 1, 3))
    assert [b is not None for b in layer["below"]] == [False, True, False, False]
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, change",
    [
        # damping the first Newton run: no square, no saddle note; L-BFGS at another lr; fewer steps
        ("newton_saddle", "optviz.set({run: 0, damping: 2.0}); optviz.set({run: 2, lr: 0.6})"),
        # a start where Newton's Hessian is indefinite for longer; fewer steps for all
        ("newton_saddle", "optviz.start([0.2, -1.3]); optviz.set({steps: 12})"),
        ("rosenbrock_second", "optviz.set({run: 0, lr: 0.5}); optviz.start([0.5, -0.5])"),
        # GD at too large a step: it diverges (its cross in the cost panel)
        ("rosenbrock_second", "optviz.set({run: 2, lr: 0.01})"),
        ("himmelblau_second", "optviz.set({run: 1, lr: 0.9}); optviz.start([0.2, 0.1])"),
    ],
)
def test_after_the_controls_move_the_layer_is_the_exported_scenarios(
    browser, pages, name, change, tmp_path
):
    html, _ = pages[name]
    page = open_page(browser, html, width=1920, height=1080)
    page.eval(change)
    state = page.eval("optviz.state()")
    path = tmp_path / f"{name}.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    sc, _, scene = python_scene(path)
    assert not _failures(sc.main.surface, state)
    check_second_order(state["layers"]["secondorder"], scene)
    check_labels(page, path)
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_at_an_earlier_step_the_layer_shows_what_the_gif_frame_does(browser, pages):
    """Reset then three steps: the curves, rings, squares, floor marks and notes of step 3, as the scene's
    frame 3 shows them (the limits are the whole runs', as the GIF's)."""
    html, source = pages["newton_saddle"]
    page = open_page(browser, html, width=1920, height=1080)
    page.eval("optviz.reset(); optviz.step(3)")
    state = page.eval("optviz.state()")
    assert state["step"] == 3
    _, _, scene = python_scene(Path(source))
    check_second_order(state["layers"]["secondorder"], scene, k=3)
    assert page.errors == [], page.errors
    page.close()
