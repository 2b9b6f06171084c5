"""The ``update_diagram`` kind's page (``optviz.web.diagram_layer``, ``assets/diagram.js``): its zoom follows the
step shown, so the page draws the zoom live, its contours with ``contours.js``. In headless Chromium, on the
gallery's two scenarios and on scenarios written for other surfaces and the other rule: the runs equal
optviz.run's; at the first state the screenshot matches the PNG (test_web_scenario's tolerance, and inside the
live panel pixel for pixel); at the first
state and after Step, and after the controls move, the update's vectors, the zoom's view and the contour
lines equal those of matplotlib's render of that state (the scenario drawn by optviz with that step)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from _browser import open_page, png_array
from test_web_layers import assert_close, rendered_pages, screenshot_matches
from test_web_scenario import _failures

from optviz._validate import ParameterError
from optviz.figures import build_scene
from optviz.scenario import compute, load

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ("momentum_update", "nesterov_update")
SCENARIOS = {
    # Rosenbrock's valley (a quartic: arithmetic), heavy ball with dampening, step 5
    "rosenbrock_diagram": """
title = "Heavy ball in Rosenbrock's valley"
kind = "update_diagram"
[surface]
name = "rosenbrock"
[[run]]
rule = "momentum"
lr = 0.0008
rho = 0.9
dampening = 0.1
start = [-1.5, 2.0]
steps = 60
[figure]
step = 5
""",
    # Himmelblau's, not zoomed: the panel is the page's panel of paths, its view fixed
    "himmelblau_unzoomed": """
kind = "update_diagram"
[surface]
name = "himmelblau"
[[run]]
rule = "momentum"
lr = 0.004
rho = 0.8
start = [-1.0, -0.5]
steps = 50
[figure]
step = 6
zoom = false
""",
    # SGD+Momentum: Gaussian noise on the gradient (the recorded, noisy gradient in the vectors)
    "noisy_momentum": """
kind = "update_diagram"
[surface]
name = "six_hump_camel"
[[run]]
rule = "momentum"
lr = 0.02
rho = 0.8
start = [1.5, 0.8]
steps = 40
noise = { sigma = 0.5 }
seed = 3
[figure]
step = 4
""",
    # heavy ball under one_cycle (its lr and momentum cycled: each step's own in the vectors)
    "one_cycle": """
kind = "update_diagram"
[surface]
name = "quadratic"
kappa = 10
[[run]]
rule = "momentum"
lr = 0.04
rho = 0.9
start = [-4.0, 1.5]
steps = 30
schedule = { name = "one_cycle", max_lr = 0.08, total_steps = 30 }
[figure]
step = 5
""",
    # a rotated quadratic, Nesterov, the default step
    "rotated_nesterov": """
kind = "update_diagram"
[surface]
name = "quadratic"
kappa = 20
angle = 30
[[run]]
rule = "nesterov"
lr = 0.02
rho = 0.85
start = [-3.0, 2.0]
steps = 40
""",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    texts = {
        name: (ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8") for name in GALLERY
    }
    return rendered_pages(tmp_path_factory.mktemp("diagram_pages"), (), {**texts, **SCENARIOS})


def python_state(path: Path, step: int, aspects: list | None = None):
    """The scenario drawn by optviz with the update at ``step``: its run, what the zoom drew, and the panels'
    proportions its layout measured (``optviz.plot.views.box_aspect``'s first answers, which size the zoom's
    contour grid). With ``aspects``, those answers are replayed: the figure is drawn for the layout of the
    page, which keeps its first state's layout at every step (the views are still fitted to the drawn boxes
    afterwards, ``views._refit``)."""
    from optviz.plot import views

    real = views.box_aspect
    measured: list = []

    def box_aspect(ax, renderer=None):
        if aspects is not None and len(measured) < len(aspects):
            measured.append(aspects[len(measured)])
            return measured[-1]
        value = real(ax, renderer)
        measured.append(value)
        return value

    sc = load(path)
    data = compute(sc)
    data = dataclasses.replace(data, options=dataclasses.replace(data.options, step=step))
    views.box_aspect = box_aspect
    try:
        scene = build_scene(sc.kind, data, title=sc.title or None, size=sc.output.size,
                            dpi=sc.output.dpi, pyplot=False)  # fmt: skip
    finally:
        views.box_aspect = real
    # (draw_fitted measures the fitted calls' axes: the zoom's contours, its frame, the overview's contours)
    return sc, data.trajectories[0], scene.results["update_diagram"], measured[:3]


def check_state(page, path: Path, step: int, layout: tuple[Path, int] | None = None) -> None:
    """The page's zoom against matplotlib's render of the scenario at ``step``: the vectors (Trajectory.update_vectors,
    to optviz.run's tolerance), the view (Python widens a frame within 2% of its panel's proportions no
    further, and its box takes the view's proportions: 3%), the grid the contours are drawn on and their lines
    (the same vertices, to the bit: arithmetic surfaces) of matplotlib's render drawn for the page's layout,
    that of its first state: ``layout`` = (the page's scenario, its step; None: ``path`` at ``step``)."""
    state = page.eval("optviz.state()")
    sc, t, panel, _ = python_state(path, step)
    assert not _failures(sc.main.surface, state)
    shown = state["layers"]["diagram"]
    assert shown["step"] == step
    if panel.box is not None:
        assert shown["overviewTitle"] == panel.box.axes.get_title()  # the run's settings
    expected = t.update_vectors(step)
    names = [
        "point",
        "velocity",
        "gradient",
        "step",
        *(["lookahead"] if t.rule == "nesterov" else []),
    ]
    for name in names:
        assert_close(shown["vectors"][name], expected[name], f"step {step}: {name}")
    ax = panel.diagram.arrows["velocity"].axes
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    np.testing.assert_allclose(
        shown["view"], [xlim, ylim], rtol=0, atol=0.03 * max(np.ptp(xlim), np.ptp(ylim))
    )
    spec = page.eval("optviz.page.data.figure.layers.diagram.contours")
    if panel.box is None:  # not zoomed: the contours stay in the image
        assert spec is None
        return
    # (the grid follows the panel's proportions: the page keeps its first layout)
    if layout is not None:
        panel = python_state(path, step, python_state(*layout)[3])[2]
    X, Y, _ = panel.contours.grid
    assert spec["n"] == X.shape[0]
    assert spec["bounds"] == [[X[0, 0], X[0, -1]], [Y[0, 0], Y[-1, 0]]]
    assert spec["levels"] == list(panel.contours.levels)
    lines = page.eval("optviz.page.layers[0].contourLines()")
    theirs = panel.contours.lines.allsegs
    assert len(lines) == len(theirs)
    for k, (mine, segs) in enumerate(zip(lines, theirs, strict=True)):
        # (matplotlib: one empty segment for a level without lines)
        segs = [s for s in segs if len(s)]
        assert len(mine) == len(segs), k
        for a, b in zip(mine, segs, strict=True):
            np.testing.assert_array_equal(np.reshape(a, (-1, 2)), b, err_msg=f"level {k}")


def panel_difference(page, png: np.ndarray) -> dict[str, float]:
    """Inside the update panel's frame (3 px in), where the page draws everything (the bands, the contour
    lines, the faint path, the arrows): the screenshot against the PNG, but for the names (set in the
    browser's fonts). The mean difference (0..255) and the fraction of pixels more than 32 levels off (canvas
    fills are antialiased where Agg's contourf is not: the bands' edges blend differently)."""
    from _browser import screenshot_array

    shot = screenshot_array(page.page, "#figure")
    g = page.eval("optviz.page.data.figure.layers.diagram.axes")
    left, top = int(np.ceil(g["left"])) + 3, int(np.ceil(g["top"])) + 3
    right, bottom = int(g["left"] + g["width"]) - 3, int(g["top"] + g["height"]) - 3
    inside = np.zeros(png.shape[:2], bool)
    inside[top:bottom, left:right] = True
    for n in page.eval("optviz.state().layers.diagram.names"):
        x0, y0, x1, y1 = (int(v) for v in n["box"])
        inside[y0 - 4 : y1 + 5, x0 - 4 : x1 + 5] = False
    d = np.abs(shot - png).max(axis=-1)[inside]
    return {"mean": float(d.mean()), "off": float((d > 32).mean())}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*GALLERY, *SCENARIOS])
def test_the_page_looks_like_its_png_and_its_zoom_follows_the_step(browser, pages, name):
    html, source = pages[name]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    step = page.eval("optviz.state().layers.diagram.step")
    check_state(page, source, step)
    d = screenshot_matches(page, png, source)
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    if page.eval("optviz.page.data.figure.layers.diagram.zoomed"):
        # the live panel itself, pixel for pixel (measured: a mean of 0.07 to 0.2, at most 0.1% off)
        p = panel_difference(page, png)
        assert p["mean"] < 1.0 and p["off"] < 0.005, p
    # Step: the zoom follows the update at the page's step
    page.eval("optviz.reset(); optviz.step(8)")
    check_state(page, source, 8, layout=(source, step))
    moved = np.array(page.eval("optviz.state().layers.diagram.view"))
    static = np.array(page.eval("optviz.page.data.figure.layers.diagram.view"))
    if page.eval("optviz.page.data.figure.layers.diagram.zoomed"):
        assert np.abs(moved - static).max() > 0.1 * np.ptp(static[0])  # (the zoom moved)
    else:
        assert np.array_equal(moved, static)
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_after_the_controls_move_the_zoom_is_the_exported_scenarios(browser, pages, tmp_path):
    """A rate and a start of the page's own: at the figure's step (a view of the page's own update, not the
    PNG's) and after Step, the zoom is that of the scenario the page exports."""
    html, source = pages["nesterov_update"]
    page = open_page(browser, html, width=1920, height=1080)
    page.eval("optviz.set({run: 0, lr: 0.02, rho: 0.95}); optviz.start([3.0, -3.5])")
    path = tmp_path / "moved.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    check_state(page, path, 3, layout=(source, 3))
    page.eval("optviz.reset(); optviz.step(6)")
    check_state(page, path, 6, layout=(source, 3))
    assert page.errors == [], page.errors
    page.close()


def test_a_page_draws_the_update_of_one_run(tmp_path):
    from optviz.web.scenario_page import check

    base = (ROOT / "scenarios" / "momentum_update.toml").read_text(encoding="utf-8")
    second = '[[run]]\nrule = "nesterov"\nlr = 0.04\nrho = 0.9\nstart = [-4.0, 1.5]\nsteps = 30\n\n'
    for zoom in ("true", "false"):
        path = tmp_path / "s.toml"
        text = base.replace("[figure]", second + "[figure]").replace(
            "step = 3", f"step = 3\nzoom = {zoom}"
        )
        path.write_text(text, encoding="utf-8")
        sc = load(path)
        with pytest.raises(ParameterError) as err:
            check(sc.kind, compute(sc))
        assert err.value.field == "run"
