"""Pages of the ``panels`` kind (optviz.web.panels_page, assets/panels.js): the README's four-panel
"SGD vs SGD+Momentum", and a figure a new user might write (three kinds on three surfaces, each panel's own
legend, a loss panel, a diverging run, paced by iteration). In headless Chromium: each panel's runs equal
optviz.run's, its live layers equal Python's drawing, the screenshot matches the PNG in the static layer; the
step moves the panels as the figure's animation does; set, start and a click address one panel; the exported
scenario renders the page's runs; a panel of a kind without a page is refused before anything is written."""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from _browser import open_page, png_array, screenshot_array, static_layer_difference
from test_web_layers import check_layers, python_scene, rendered_pages
from test_web_scenario import _failures

from optviz.cli import main as cli
from optviz.plot import TrajectoryArtists
from optviz.web.static import _legends, freeze_layout

ROOT = Path(__file__).resolve().parents[1]

MIXED = """
title = "Three surfaces, three views"
kind = "panels"
[figure]
columns = 3
legend = "each"
pace = "iteration"

[[panel]]
title = "Himmelblau: paths and loss"
kind = "trajectories"
[panel.surface]
name = "himmelblau"
[panel.figure]
loss = true
loss_kind = "loss"
[[panel.run]]
rule = "adam"
lr = 0.1
start = [-1.0, 0.5]
steps = 80
[[panel.run]]
rule = "gd"
lr = 0.04
start = [-1.0, 0.5]
steps = 80

[[panel]]
title = "Six-hump camel, sliced"
kind = "contour_profile"
[panel.surface]
name = "six_hump_camel"
[panel.figure]
along = "y"
[[panel.run]]
rule = "nesterov"
lr = 0.01
rho = 0.8
start = [0.6, -1.0]
steps = 50
[[panel.run]]
rule = "rmsprop"
lr = 0.05
start = [0.6, -1.0]
steps = 50

[[panel]]
title = "Rosenbrock"
[panel.surface]
name = "rosenbrock"
[[panel.run]]
rule = "momentum"
lr = 0.001
rho = 0.9
start = [-1.2, 1.0]
steps = 120
noise = { sigma = 0.5 }
"""

SCENARIOS = {
    "sgd_vs_momentum": (ROOT / "scenarios" / "sgd_vs_momentum.toml").read_text(encoding="utf-8"),
    "mixed": MIXED,
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    return rendered_pages(tmp_path_factory.mktemp("panel_pages"), (), SCENARIOS)


def panel_runs(state, p):
    return {"runs": [r for r in state["runs"] if r["panel"] == p]}


def check_panels(state, path):
    """Each panel's runs against optviz.run on its surface, and its live layers against Python's drawing of
    the scenario at ``path``."""
    sc, data, scene = python_scene(path)
    parts = scene.results["panels"]
    assert len(state["panels"]) == len(data.panels) == len(parts)
    for p, ((kind, panel), part) in enumerate(zip(data.panels, parts, strict=True)):
        runs = panel_runs(state, p)
        assert len(runs["runs"]) == len(panel.trajectories)
        assert not _failures(panel.surface, runs), (p, _failures(panel.surface, runs))
        layers = state["panels"][p].get("layers")
        if layers:
            check_layers(
                {"layers": layers}, SimpleNamespace(handles=part.handles), panel, kind.name
            )
    return sc, data, scene


def live_text_boxes(path: Path) -> list[list[float]]:
    """Where the scenario's PNG has live text (each panel's legends, divergence notes), in image pixels."""
    _, _, scene = python_scene(path)
    freeze_layout(scene.fig)
    height = scene.fig.bbox.height
    texts = []
    for part in scene.results["panels"]:
        texts += [lg for lg, _ in _legends(part.sub)]
        for h in part.handles:
            if isinstance(h, TrajectoryArtists):
                texts += [r.diverged.annotation for r in h.runs if r.diverged is not None]
    boxes = [t.get_window_extent() for t in texts]
    return [[b.x0, height - b.y1, b.x1, height - b.y0] for b in boxes]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_panel_equals_python_and_the_page_looks_like_its_png(browser, pages, name):
    html, source = pages[name]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    state = page.eval("optviz.state()")
    check_panels(state, source)
    spec = page.eval("optviz.page.data.figure")
    static = png_array(base64.b64decode(spec["image"].split(",", 1)[1]))
    live = page.eval(
        "[].concat.apply([], optviz.page.panels.map(function (p) { return p.view.textBoxes.concat(p.view.legendBoxes); }))"
    )
    d = static_layer_difference(
        screenshot_array(page.page, "#figure"), static, png,
        spec["textBoxes"] + live + live_text_boxes(source),
    )  # fmt: skip
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_the_step_moves_the_panels_as_the_animation_does(browser, pages):
    """Paced together (150, 60, 60 and 150 steps): the page's step k shows iteration round(k last / K) of
    each panel, as Python's frame k does (its panel labels say "k = ..."); the page's last step is the
    scene's."""
    html, source = pages["sgd_vs_momentum"]
    _, _, scene = python_scene(source)
    page = open_page(browser, html, width=1920, height=1080)
    assert page.eval("optviz.state().steps") == scene.last_step == 150
    paced = [h for h in scene.handles if hasattr(h, "label") and hasattr(h, "total")]
    assert len(paced) == 4
    seen = set()
    for k in (0, 1, 3, 37, 75, 99, 149, 150):
        page.eval(f"optviz.reset(); optviz.step({k})")
        state = page.eval("optviz.state()")
        assert state["step"] == k
        scene.set_frame(k)
        python = [int(p.label.get_text().removeprefix("k = ")) for p in paced]
        assert [p["step"] for p in state["panels"]] == python, k
        seen.add(tuple(python))
        # and the panel's label is drawn while the panels still move (not on the last step, as the GIF)
        assert [p.label.get_visible() for p in paced] == [k < 150] * 4
    assert (0, 0, 0, 0) in seen and (150, 60, 60, 150) in seen and (37, 15, 15, 37) in seen
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_the_panels_label_their_steps_where_matplotlib_does(browser, pages):
    """At a step before the last, each paced panel's "k = i" label is drawn in its corner: the page's
    pixels differ from the last step's (where no label is drawn) inside the box matplotlib gives the label."""
    html, _ = pages["sgd_vs_momentum"]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    boxes = [p["pace"]["box"] for p in page.eval("optviz.page.data.figure.panels")]
    assert len(boxes) == 4
    page.eval("optviz.reset(); optviz.step(75)")
    shot = screenshot_array(page.page, "#figure")
    page.eval("optviz.step(75)")
    last = screenshot_array(page.page, "#figure")
    changed = np.abs(shot - last).max(axis=-1) > 48
    for x0, y0, x1, y1 in boxes:
        assert changed[int(y0) : int(y1), int(x0) : int(x1)].mean() > 0.1, (x0, y0, x1, y1)
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_set_start_and_a_click_address_one_panel_and_the_export_renders_the_page(
    browser, pages, tmp_path
):
    html, _ = pages["sgd_vs_momentum"]
    page = open_page(browser, html, width=1920, height=1080)
    before = page.eval("optviz.state()")
    page.eval("optviz.set({panel: 2, lr: 0.05})")
    after = page.eval("optviz.state()")
    for a, b in zip(before["runs"], after["runs"], strict=True):
        if a["panel"] == 2:
            assert b["params"]["lr"] == 0.05
        else:
            assert a["params"] == b["params"] and a["xy"] == b["xy"]
    page.eval("optviz.start([1.0, -1.0], 1)")
    state = page.eval("optviz.state()")
    for a, b in zip(after["runs"], state["runs"], strict=True):
        assert b["start"] == ([1.0, -1.0] if a["panel"] == 1 else a["start"])
    # a start without its panel is refused, with what to give
    err = page.eval("(() => { try { optviz.start([0, 0]); } catch (e) { return e.message; } })()")
    assert "panel" in err and "0 to 3" in err
    err = page.eval(
        "(() => { try { optviz.set({panel: 4, lr: 0.1}); } catch (e) { return e.message; } })()"
    )
    assert err == "panel must be an index of a panel, 0 to 3, got 4"
    # a click in the fourth panel's contours starts that panel's runs at the point under it
    ax = page.eval(
        "(() => { var a = optviz.page.panels[3].view.ax; return [a.X(2.0), a.Y(1.0)]; })()"
    )
    page.page.mouse.click(ax[0], ax[1])
    clicked = page.eval("optviz.state()")
    for a, b in zip(state["runs"], clicked["runs"], strict=True):
        if a["panel"] == 3:
            np.testing.assert_allclose(b["start"], [2.0, 1.0], atol=0.05)
        else:
            assert b["start"] == a["start"]
    # the exported scenario is the page's: its panels, their settings, and the runs the page computed
    text = page.eval("optviz.toml()")
    parsed = tomllib.loads(text)
    assert parsed["kind"] == "panels" and len(parsed["panel"]) == 4
    assert parsed["panel"][2]["run"][0]["lr"] == 0.05
    path = tmp_path / "exported.toml"
    path.write_text(text, encoding="utf-8")
    check_panels(clicked, path)
    assert page.errors == [], page.errors
    page.close()


def test_a_panel_of_a_kind_without_a_page_is_refused_before_anything_is_written(tmp_path, capsys):
    text = SCENARIOS["sgd_vs_momentum"].replace(
        'title = "Saddle points', 'kind = "stationary_noise"\ntitle = "Saddle points', 1
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert cli(["render", str(path), "-o", str(tmp_path), "--format", "html", "-q"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert (
        "output.formats: panel[1] is of kind 'stationary_noise', and a web page has no panel" in err
    ), err
    assert not list(tmp_path.glob("*.html"))
