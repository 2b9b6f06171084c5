"""Scenario pages of kinds that draw more than paths and loss curves (``optviz.web.static.LiveLayer``):
``contour_profile`` and ``profile`` (each run as a ball on a slice; the slice itself when it passes through the
first run's start; ``profile`` without contours) and ``momentum_nesterov`` (the same-state update panels). In headless Chromium: what the live layers
show equals what Python draws for the same runs (the page's exported scenario, drawn by optviz's own figure
code), also after ``set`` and ``start``; no console errors; the screenshot matches the scenario's PNG in the
static layer (the tolerance of tests/test_web_scenario.py), on the gallery's scenarios and on scenarios written
for other surfaces, rules and more runs."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from _browser import open_page, png_array, screenshot_array, static_layer_difference
from test_web_scenario import _failures, matplotlib_live_text

from optviz.cli import main as cli
from optviz.figures import build_scene
from optviz.plot.diagrams import SameStateUpdates
from optviz.plot.profile import EDGE_MARKERS, ProfileArtists
from optviz.scenario import compute, load
from optviz.web.static import render_png

ROOT = Path(__file__).resolve().parents[1]
RTOL = 1e-9  # design section 2: the surfaces here are polynomials (arithmetic)

SCENARIOS = {
    # another surface, sliced along y through the first run's start; four rules, one diverging
    "camel_profile": """
title = "Six-hump camel, sliced along y"
kind = "contour_profile"
[surface]
name = "six_hump_camel"
[defaults]
start = [0.6, -1.0]
steps = 80
[[run]]
rule = "gd"
lr = 0.02
[[run]]
rule = "adam"
lr = 0.1
[[run]]
rule = "nesterov"
lr = 0.01
rho = 0.8
[[run]]
rule = "gd"
lr = 0.6
label = "GD, too large a step"
[figure]
along = "y"
legend = "right"
""",
    # Rosenbrock's valley; three runs (two heavy-ball runs: the first is the state), weight decay and
    # dampening, the most readable state (no step option)
    "rosenbrock_updates": """
title = "Momentum vs Nesterov in Rosenbrock's valley"
kind = "momentum_nesterov"
[surface]
name = "rosenbrock"
[defaults]
start = [-1.2, 1.0]
steps = 60
[[run]]
rule = "momentum"
lr = 0.0008
rho = 0.85
dampening = 0.1
weight_decay = 0.05
[[run]]
rule = "nesterov"
lr = 0.0005
rho = 0.9
[[run]]
rule = "momentum"
lr = 0.0003
[figure]
legend = "below"
""",
    # the profile alone (no contours), on a slice through a given point that the runs leave; Adam, RMSProp and
    # a diverging GD; the legend inside the panel
    "himmelblau_profile": """
title = "Himmelblau's function, a slice along x"
kind = "profile"
[surface]
name = "himmelblau"
[defaults]
start = [-1.0, 2.0]
steps = 60
[[run]]
rule = "adam"
lr = 0.1
[[run]]
rule = "rmsprop"
lr = 0.05
[[run]]
rule = "gd"
lr = 0.04
label = "GD, too large a step"
[figure]
through = [0.0, 2.0]
legend = "inside"
""",
    # the profile alone, along y through the first run's start, under Gaussian noise
    "noisy_well": """
title = "A noisy double well, sliced along y"
kind = "profile"
[surface]
name = "double_well"
[defaults]
start = [0.3, 1.5]
steps = 80
noise = { sigma = 0.3 }
[[run]]
rule = "gd"
lr = 0.05
[[run]]
rule = "nesterov"
lr = 0.05
rho = 0.8
[figure]
along = "y"
[output]
size = [9.6, 4.0]
""",
    # a dataset surface (its gradient a sum over samples, not a formula) under the same-state update panels
    "logistic_updates": """
title = "Momentum and Nesterov on logistic regression"
kind = "momentum_nesterov"
[surface]
name = "logistic_regression"
[defaults]
start = [-3.0, 3.0]
steps = 60
[[run]]
rule = "momentum"
lr = 0.5
rho = 0.9
[[run]]
rule = "nesterov"
lr = 0.5
rho = 0.9
""",
}
# the same with its legend inside the axes, where matplotlib puts it over the diverging run's end
SCENARIOS["camel_inside"] = SCENARIOS["camel_profile"].replace(
    'legend = "right"', 'legend = "inside"'
)
GALLERY = ("local_minimum", "saddle_point", "momentum_vs_nesterov")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Each page to test: name -> (html, scenario file); the gallery's, and the scenarios above rendered by
    ``optviz render --format png,html``."""
    return rendered_pages(tmp_path_factory.mktemp("layer_pages"), GALLERY, SCENARIOS)


def rendered_pages(folder: Path, gallery: tuple[str, ...], scenarios: dict[str, str]) -> dict:
    """name -> (html, scenario file): the gallery's pages named, and each scenario text rendered into
    ``folder`` by ``optviz render --format png,html``."""
    out = {
        name: (ROOT / "gallery" / f"{name}.html", ROOT / "scenarios" / f"{name}.toml")
        for name in gallery
    }
    for name, text in scenarios.items():
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        assert cli(["render", str(path), "-o", str(folder), "--format", "png,html", "-q"]) == 0
        out[name] = (path.with_suffix(".html"), path)
    return out


def python_scene(path: Path):
    """A scenario drawn by optviz (the figure its PNG is): its runs and its scene."""
    sc = load(path)
    data = compute(sc)
    scene = build_scene(sc.kind, data, title=sc.title or None, size=sc.output.size, dpi=sc.output.dpi,
                        pyplot=False)  # fmt: skip
    return sc, data, scene


def handle(scene, cls):
    (h,) = [h for h in scene.handles if isinstance(h, cls)]
    return h


def assert_close(page_values, python_values, what):
    a, b = np.asarray(page_values, dtype=float), np.asarray(python_values, dtype=float)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    scale = max(float(np.nanmax(np.abs(b))), 1e-300) if b.size else 1.0
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def check_layers(state, scene, data, kind):
    """The page's live layers against Python's drawing of the same runs."""
    layers = state["layers"]
    if "profile" in layers:
        h = handle(scene, ProfileArtists)
        page = layers["profile"]
        assert len(page["runs"]) == len(h.balls)
        for i, (r, ball) in enumerate(zip(page["runs"], h.balls, strict=True)):
            assert_close(r["u"], ball.get_xdata(), f"run {i}: u")
            assert_close(r["f"], ball.get_ydata(), f"run {i}: f")
        if page["ylim"] is not None:  # the slice through the first run's start: its curve's limits
            ax = h.curve.axes
            np.testing.assert_allclose(page["ylim"], ax.get_ylim(), rtol=1e-12)
            # and matplotlib's y ticks (MaxNLocator with the axis' tick bins), drawn by the page
            render_png(
                ax.get_figure(root=True)
            )  # (drawn as the PNG is: the tick bins read at the draw)
            lo, hi = ax.get_ylim()
            ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
            np.testing.assert_allclose(page["yticks"], ticks, atol=1e-9 * (hi - lo))
        # where the slice is, and whether a run left it (the page writes the title; the profile kind's x label)
        ax = h.curve.axes
        assert page["title"] == (ax.get_xlabel() if kind == "profile" else ax.get_title())
        # a ball out of the panel: the triangle at the edge it left by, where matplotlib drew it
        for i, (e, edge) in enumerate(zip(page["edges"], h.edges, strict=True)):
            if not edge.get_visible():
                assert e is None, (i, e)
                continue
            assert e is not None and EDGE_MARKERS[e["side"]] == edge.get_marker(), (i, e)
            assert_close(
                [e["u"], e["f"]], [edge.get_xdata()[0], edge.get_ydata()[0]], f"run {i}: edge"
            )
        # the runs that ended early: their notes, where matplotlib wrote them (also for a ball out of the
        # panel: at the edge it left by), within half a text size (the browser's font)
        fig = ax.get_figure(root=True)
        fig.canvas.draw()
        height = fig.bbox.height
        notes = [m for m in h.markers if hasattr(m, "get_text")]
        assert [n["text"] for n in page["notes"]] == [m.get_text() for m in notes]
        for n, m in zip(page["notes"], notes, strict=True):
            b = m.get_window_extent()
            size = m.get_fontsize() * fig.dpi / 72
            x0, y0, x1, y1 = n["box"]
            assert abs((x0 + x1) / 2 - (b.x0 + b.x1) / 2) < 0.5 * size, (n, b)
            assert abs((y0 + y1) / 2 - (height - (b.y0 + b.y1) / 2)) < 0.5 * size, (n, b)
    if "updates" in layers:
        h = handle(scene, SameStateUpdates)
        page = layers["updates"]
        assert len(page["vectors"]) == len(h.vectors)
        for k, (mine, theirs) in enumerate(zip(page["vectors"], h.vectors, strict=True)):
            for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
                assert sorted(a) == sorted(k_ for k_ in b if k_ != "point"), (k, i)
                for name in a:
                    assert_close(a[name], b[name], f"state {k}, panel {i}: {name}")
        static = data.options.step if data.options.step is not None else h.readable_step()
        assert page["step"] == static
        for view, ax in zip(
            page["views"], [a.axes for a in (p["velocity"] for p in h.arrows)], strict=True
        ):
            # one scale for every panel, widened to the panel's box (Python keeps a view within 2% of it)
            np.testing.assert_allclose(
                view, [ax.get_xlim(), ax.get_ylim()], rtol=0.03, atol=0.03 * np.ptp(ax.get_xlim())
            )


def screenshot_matches(page, png: np.ndarray, source: Path) -> dict[str, float]:
    """The screenshot against the PNG (test_web_scenario's comparison): live text (legends, notes, the
    live ticks' labels) is set in the browser's fonts, and a divergence note is placed off the page's paths,
    so both the page's and matplotlib's boxes of live text are left out."""
    spec = page.eval("optviz.page.data.figure")
    static = png_array(base64.b64decode(spec["image"].split(",", 1)[1]))
    live = page.eval("optviz.page.view.textBoxes.concat(optviz.page.view.legendBoxes)")
    live += matplotlib_live_text(source)
    return static_layer_difference(
        screenshot_array(page.page, "#figure"), static, png, spec["textBoxes"] + live
    )


@pytest.mark.parametrize("name", [*GALLERY, *SCENARIOS])
def test_layers_equal_python_and_the_page_looks_like_its_png(browser, pages, name, tmp_path):
    html, source = pages[name]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    state = page.eval("optviz.state()")
    sc, data, scene = python_scene(source)
    assert not _failures(sc.main.surface, state)
    check_layers(state, scene, data, sc.kind.name)
    d = screenshot_matches(page, png, source)
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.parametrize(
    "name, change",
    [
        ("local_minimum", "optviz.set({run: 1, rho: 0.8}); optviz.start([-1.8, 1.2])"),
        ("saddle_point", "optviz.set({run: 1, seed: 5, lr: 0.05}); optviz.start([0.3, 1.5])"),
        (
            "momentum_vs_nesterov",
            "optviz.set({run: 0, lr: 0.02, rho: 0.95}); optviz.start([-3.0, -1.5])",
        ),
        ("rosenbrock_updates", "optviz.set({run: 1, rho: 0.7}); optviz.set({steps: 45})"),
        ("himmelblau_profile", "optviz.set({run: 2, lr: 0.01}); optviz.start([1.0, 2.0])"),
        ("noisy_well", "optviz.set({sigma: 0.1, seed: 3}); optviz.start([0.3, -1.0])"),
    ],
)
def test_after_set_and_start_the_layers_are_the_exported_scenarios(
    browser, pages, name, change, tmp_path
):
    """After the controls move, the page's live layers equal Python's drawing of the scenario the page
    exports (the profile's slice through the new start and its limits, every state's update vectors, the
    panels' common scale). (That scenario's PNG is laid out anew: the minima's labels move off the new paths,
    the update panels' boxes take the new arrows' proportions; the page keeps its layout.)"""
    html, _ = pages[name]
    page = open_page(browser, html, width=1920, height=1080)
    page.eval(change)
    state = page.eval("optviz.state()")
    path = tmp_path / f"{name}.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    sc, data, scene = python_scene(path)
    assert not _failures(sc.main.surface, state)
    check_layers(state, scene, data, sc.kind.name)
    assert page.errors == [], page.errors
    page.close()


def test_a_profile_title_of_more_lines_than_the_layout_made_room_for_stays_on_one(browser, pages):
    """A start whose runs leave the slice adds the title's second line ("runs off the slice: at their own f");
    the page keeps the layout of its PNG, whose one-line title has the figure's title right above it, so the
    page writes both parts on that one line, within the panel's width. The state says the title as Python
    writes it."""
    html, _ = pages["local_minimum"]
    page = open_page(browser, html, width=1920, height=1080)
    assert page.eval("optviz.page.data.figure.layers.profile.title.lines") == 1
    page.eval("optviz.start([-0.5, -1.2])")
    title = page.eval("optviz.state().layers.profile.title")
    assert title.split("\n") == ["f along x at y = -1.2", "runs off the slice: at their own f"]
    drawn = page.eval("""(() => {
      const layer = optviz.page.layers.find((l) => l.drawnTitle), t = layer.drawnTitle;
      const ctx = document.createElement("canvas").getContext("2d");
      ctx.font = t.size + 'px "DejaVu Sans", Verdana, sans-serif';
      return {lines: t.lines, width: ctx.measureText(t.lines[0]).width, room: layer.ax.g.width};
    })()""")
    assert drawn["lines"] == ["f along x at y = -1.2; runs off the slice: at their own f"], drawn
    assert drawn["width"] <= drawn["room"] + 0.5, drawn
    assert page.errors == [], page.errors
    page.close()


def test_stepping_shows_the_state_of_the_step_as_the_gif_does(browser, pages):
    """While the page steps through its runs, the panels compare the updates from the state at the current
    step (the GIF's frame k); at the last step, the figure's own step."""
    html, _ = pages["momentum_vs_nesterov"]
    page = open_page(browser, html, width=1920, height=1080)
    assert page.eval("optviz.state().layers.updates.step") == 3  # the scenario's step option
    page.eval("optviz.reset(); optviz.step(7)")
    assert page.eval("optviz.state().layers.updates.step") == 7
    assert page.errors == [], page.errors
    page.close()


def test_a_divergence_note_keeps_off_a_legend_inside_the_axes(browser, pages):
    """The note of a run that diverged under the place matplotlib gives a legend inside the axes goes
    elsewhere (with a leader line back to the cross), and the legend, placed after it, keeps off it."""
    html, _ = pages["camel_inside"]
    page = open_page(browser, html, width=1920, height=1080)
    notes = page.eval("optviz.page.view.textBoxes")
    legend = page.eval("optviz.page.view.legendBoxes")[
        0
    ]  # the paths' legend (the profile's is second)
    assert notes
    for box in notes:
        overlap = (
            min(box[2], legend[2]) - max(box[0], legend[0]),
            min(box[3], legend[3]) - max(box[1], legend[1]),
        )
        assert min(overlap) <= 0, (box, legend)
    assert page.errors == [], page.errors
    page.close()


# -- the minima's and saddles' labels, placed live ----------------------------------------------------------
# Pages whose labels a start moves (a path then runs where the label was): the scenario and the start.
LABELLED = {
    "local_minimum": ((ROOT / "scenarios" / "local_minimum.toml").read_text(), [1.0, -0.6]),
    "saddle_point": ((ROOT / "scenarios" / "saddle_point.toml").read_text(), [-0.6, 0.4]),
    # one minimum and two saddles, a loss panel, another kind
    "beale": (
        """
kind = "trajectories"
[surface]
name = "beale"
[defaults]
start = [1.0, 1.0]
steps = 300
[[run]]
rule = "adam"
lr = 0.05
[[run]]
rule = "momentum"
lr = 0.002
rho = 0.9
[figure]
loss = true
""",
        [3.5, 1.5],
    ),
    # step arrows, a run that diverges out of the view (its exit arrow and note): a crowded view
    "arrows": (
        """
kind = "trajectories"
[surface]
name = "quadratic"
kappa = 10
[defaults]
start = [-4.0, 1.5]
steps = 60
[[run]]
rule = "gd"
lr = 0.25
[[run]]
rule = "momentum"
lr = 0.05
[figure]
loss = true
arrows = true
""",
        [0.5, 0.3],
    ),
}


def matplotlib_labels(path: Path) -> list[tuple[int, list[float]]]:
    """Where matplotlib puts the minima's and saddles' labels in the PNG of a scenario: each label's spot (its
    index among its spots, then the crowded view's places) and its box in image pixels (y down)."""
    from optviz.plot import TrajectoryArtists
    from optviz.plot.placement import text_extent
    from optviz.web.labels_layer import _index, critical_labels
    from optviz.web.static import image_box, render_png

    _, _, scene = python_scene(path)
    fig = scene.fig
    render_png(fig)  # drawn as its PNG is
    renderer = fig._get_renderer()
    ax = handle(scene, TrajectoryArtists).runs[0].path.axes
    return [
        (
            _index(t, t.spot, t._anywhere(renderer)),
            image_box(text_extent(t, renderer), fig.bbox.height),
        )
        for t in critical_labels(ax)
    ]


@pytest.mark.parametrize("name", LABELLED)
def test_minimum_labels_are_placed_around_the_pages_paths_as_matplotlib_places_them(
    browser, name, tmp_path
):
    """At opening each label is where the PNG has it (the same spot, matplotlib's box); after a start that
    sends a path where a label was, the label moved, to the spot matplotlib chooses in the PNG of the
    scenario the page exports. The labels are out of the static image, and live text for the legend."""
    source = tmp_path / f"{name}.toml"
    text, start = LABELLED[name]
    source.write_text(text, encoding="utf-8")
    assert cli(["render", str(source), "-o", str(tmp_path), "--format", "png,html", "-q"]) == 0
    page = open_page(browser, source.with_suffix(".html"), width=1920, height=1080)
    before = page.eval("optviz.page.view.labels")
    expected = matplotlib_labels(source)
    assert len(before) == len(expected) >= 1
    assert [p["spot"] for p in before] == [spot for spot, _ in expected]
    for p, (_, box) in zip(before, expected, strict=True):
        np.testing.assert_allclose(p["box"], box, atol=0.5)
    boxes = page.eval("optviz.page.view.live.paths.boxes")
    assert all(p["box"] in boxes for p in before)
    page.eval(f"optviz.start({start})")
    after = page.eval("optviz.page.view.labels")
    assert [p["spot"] for p in after] != [p["spot"] for p in before]
    moved = tmp_path / "moved.toml"
    moved.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    assert [p["spot"] for p in after] == [spot for spot, _ in matplotlib_labels(moved)]
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.parametrize("name, u", [("himmelblau_profile", 2.5), ("noisy_well", -0.8)])
def test_a_click_on_a_profile_without_contours_starts_every_run_at_that_point_of_the_slice(
    browser, pages, name, u
):
    """The profile kind has no contours to click: a click in its panel starts every run at the point of the
    slice below it (the slice keeps its place: the start moves along it). A click outside the panel changes
    nothing."""
    html, _ = pages[name]
    page = open_page(browser, html, width=1920, height=1080)
    before = page.eval("optviz.state()")
    layer = "optviz.page.layers.find((l) => l.name === 'profile')"
    origin, direction = page.eval(f"[{layer}.shown.line.o, {layer}.shown.line.d]")
    box = page.page.locator("#figure canvas").bounding_box()
    g = page.eval(f"{layer}.ax.g")
    px = page.eval(f"{layer}.ax.X({u})")
    page.page.mouse.click(
        box["x"] + g["left"] + g["width"] / 2, box["y"] + g["top"] - 40
    )  # the title
    assert page.eval("optviz.state()") == before
    page.page.mouse.click(box["x"] + px, box["y"] + g["top"] + 0.5 * g["height"])
    state = page.eval("optviz.state()")
    # the click lands on a whole pixel: u within half a pixel
    half = 0.5 * abs(page.eval(f"{layer}.ax.invX(1) - {layer}.ax.invX(0)"))
    want = [origin[0] + u * direction[0], origin[1] + u * direction[1]]
    for r in state["runs"]:
        np.testing.assert_allclose(r["start"], want, atol=half + 1e-12)
        assert r["xy"][0] == r["start"]
    assert page.eval(f"{layer}.shown.line.o") == origin
    assert page.errors == [], page.errors
    page.close()


def test_wider_tick_labels_of_an_update_panel_keep_off_its_static_y_label(browser, pages):
    """After a move, an update panel's view (one scale for every state) can need wider tick labels than the
    PNG's ("-0.25" where it had "-0.2"); the panel's y label stays in the image, where matplotlib put it beside
    its own labels. The page moves that label left, no farther than the panel before it, and sets the tick
    labels smaller where it still does not fit: no tick label covers the y label."""
    html, _ = pages["logistic_updates"]
    page = open_page(browser, html, width=1920, height=1080)
    page.eval("optviz.set({run: 0, lr: 1.5})")
    panels = page.eval("optviz.page.data.figure.layers.updates.panels.map((p) => p.axes)")
    texts = page.eval("optviz.page.view.yText")
    labelled = [g for g in panels if "ylabel" in g]
    assert labelled and len(texts) == len(labelled)
    paths = page.eval("optviz.page.data.figure.paths")
    for i, (g, t) in enumerate(zip(labelled, texts, strict=True)):
        assert t["ticksLeft"] >= t["ylabel"][2] - 0.5, (i, t)  # the tick labels right of the label
        before = panels[panels.index(g) - 1] if panels.index(g) > 0 else paths
        assert t["ylabel"][0] >= before["left"] + before["width"], (
            i,
            t,
        )  # not into the panel before
    # the move did make the labels wider than the PNG's room somewhere (the test exercises the fit): a label
    # moved, or tick labels set smaller
    font = page.eval("optviz.page.data.figure.layers.updates.panels[0].ticks.tickfont")
    assert any(
        t["ylabel"][0] < g["ylabel"][0] - 0.5 or t["font"] < font - 1e-9
        for g, t in zip(labelled, texts, strict=True)
    )
    assert page.errors == [], page.errors
    page.close()
