"""The page of a loss over seeds (the ``learning_rates`` kind; optviz.web.spread_layer and assets/spread.js): its
numbers are optviz's (each run made again with every seed, smoothed, its median and band), after the controls
move too, and it looks like its PNG. In headless Chromium (tests/_browser.py)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from _browser import open_page, png_array, screenshot_array
from test_web_layers import assert_close, python_scene, rendered_pages, screenshot_matches
from test_web_logticks import assert_same_ticks, matplotlib_ticks
from test_web_scenario import _failures

from optviz.metrics import smoothed, spread_over_runs
from optviz.plot import TrajectoryArtists

ROOT = Path(__file__).resolve().parents[1]

SCENARIOS = {
    # minibatch SGD at four rates, one diverging, fewer seeds and steps than the gallery's
    "rates": """
title = "Learning rate on least squares"
kind = "learning_rates"
[surface]
name = "least_squares"
n_samples = 64
[defaults]
steps = 120
noise = { batch_size = 4 }
[[run]]
rule = "gd"
lr = 0.6
[[run]]
rule = "gd"
lr = 0.2
[[run]]
rule = "momentum"
lr = 0.02
rho = 0.9
[[run]]
rule = "gd"
lr = 0.01
[figure]
seeds = 8
names = ["too high", "high", "heavy ball", "low"]
""",
    # Gaussian noise on a formula surface, other rules, the loss itself, light smoothing, legend on the right
    "noisy_quadratic": """
title = "Noisy gradients on a quadratic"
kind = "learning_rates"
[surface]
name = "quadratic"
kappa = 10
[defaults]
steps = 90
noise = { sigma = 2.0 }
[[run]]
rule = "adam"
lr = 0.3
[[run]]
rule = "nesterov"
lr = 0.02
rho = 0.8
[[run]]
rule = "rmsprop"
lr = 0.05
[figure]
seeds = 6
smooth = 5
loss_kind = "loss"
legend = "right"
""",
    # one rule under schedules (one-cycle with its momentum, exponential), Gaussian noise on a formula surface
    "schedules": """
title = "Schedules on Rosenbrock"
kind = "schedules"
[surface]
name = "rosenbrock"
[defaults]
start = [-1.2, 1.0]
steps = 150
noise = { sigma = 1.0 }
[[run]]
rule = "momentum"
lr = 0.0005
rho = 0.9
[[run]]
rule = "momentum"
lr = 0.0005
rho = 0.9
schedule = { name = "exponential", gamma = 0.98 }
[[run]]
rule = "momentum"
lr = 0.0005
rho = 0.9
schedule = { name = "one_cycle", max_lr = 0.001, total_steps = 150 }
[figure]
seeds = 6
""",
}


# the same with its legend inside the panel, where matplotlib puts it off the curves (loc="best")
SCENARIOS["inside"] = SCENARIOS["noisy_quadratic"].replace('legend = "right"', 'legend = "inside"')
GALLERY = ("learning_rates", "lr_schedules")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """name -> (html, scenario file): the gallery's page and the scenarios above, rendered by ``optviz render
    --format png,html``."""
    return rendered_pages(tmp_path_factory.mktemp("spread_pages"), GALLERY, SCENARIOS)


def check_spread(state, scene) -> None:
    """The page's panel against optviz.plot.loss_spread's drawing of the same runs: every run's low, median and
    high over its seeds, where its line ends, its note, the top and the axes' limits; and the legend."""
    page = state["layers"]["spread"]
    h = scene.results["spread"]
    assert len(page["runs"]) == len(h.stats)
    for i, (mine, theirs) in enumerate(zip(page["runs"], h.stats, strict=True)):
        for what in ("low", "mid", "high"):
            a = np.array([np.nan if v is None else v for v in mine[what]])
            b = np.asarray(theirs[what])
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=f"run {i}: {what}")
            assert_close(a[~np.isnan(a)], b[~np.isnan(b)], f"run {i}: {what}")
        assert mine["last"] == len(h.lines[i].get_xdata()) - 1, i
        assert mine["ended"] == theirs["ended"], i
        notes = [n.get_text() for n in h.notes if n.get_color() == h.lines[i].get_color()]
        assert ([mine["note"]] if mine["note"] else []) == notes, i
    ax = h.lines[0].axes
    np.testing.assert_allclose(page["top"], h.top, rtol=1e-9)
    np.testing.assert_allclose(page["xlim"], ax.get_xlim(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(page["ylim"], ax.get_ylim(), rtol=1e-9)
    # a log axis' ticks (none from a page rendered before pages said them)
    if page.get("yticks") is not None:
        scene.fig.canvas.draw()  # (outside optviz's style, as the PNG is saved)
        assert_same_ticks(page["yticks"], matplotlib_ticks(ax), "the loss over seeds")


def check_lr(state, scene) -> None:
    """The page's lr panel (schedules) against optviz.plot.learning_rate's: each run's lr of each step, the
    limits; and the paths' title, the first run's settings."""
    if "lr" not in state["layers"]:
        return
    page = state["layers"]["lr"]
    h = scene.results["lr"]
    assert len(page["lines"]) == len(h.lines)
    for i, (mine, line) in enumerate(zip(page["lines"], h.lines, strict=True)):
        assert_close(mine, line.get_ydata(), f"run {i}: lr")
    ax = h.lines[0].axes
    np.testing.assert_allclose(page["xlim"], ax.get_xlim(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(page["ylim"], ax.get_ylim(), rtol=1e-9)
    paths = next(h for h in scene.handles if isinstance(h, TrajectoryArtists))
    assert page["title"] == paths.runs[0].path.axes.get_title()


def legend_texts(scene) -> list[str]:
    legends = [*scene.fig.legends, *(a.get_legend() for a in scene.fig.axes if a.get_legend())]
    return [t.get_text() for lg in legends for t in lg.get_texts()]


@pytest.mark.parametrize("name", [*GALLERY, *SCENARIOS])
def test_the_spread_equals_pythons_and_the_page_looks_like_its_png(browser, pages, name):
    html, source = pages[name]
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    state = page.eval("optviz.state()")
    sc, _data, scene = python_scene(source)
    assert not _failures(sc.main.surface, state)  # each run with its own seed: optviz.run's numbers
    check_spread(state, scene)
    check_lr(state, scene)
    texts = page.eval(
        "Array.from(document.querySelectorAll('.legend .entry')).map(e => e.textContent)"
    )
    assert texts == legend_texts(scene)
    d = screenshot_matches(page, png, source)
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.parametrize(
    "name, change",
    [
        ("rates", "optviz.set({run: 0, lr: 0.3}); optviz.set({run: 3, lr: 0.05})"),
        ("rates", "optviz.set({steps: 60}); optviz.set({run: 2, rho: 0.5})"),
        ("noisy_quadratic", "optviz.set({sigma: 0.5}); optviz.set({run: 1, lr: 0.2})"),
        ("schedules", "optviz.set({lr: 0.0009}); optviz.set({rho: 0.5})"),
        ("schedules", "optviz.set({steps: 90}); optviz.start([-0.5, 1.5])"),
    ],
)
def test_after_the_controls_move_the_spread_is_the_exported_scenarios(
    browser, pages, name, change, tmp_path
):
    html, _ = pages[name]
    page = open_page(browser, html, width=1920, height=1080)
    before = page.eval("optviz.state().layers.spread")
    page.eval(change)
    state = page.eval("optviz.state()")
    assert state["layers"]["spread"] != before
    path = tmp_path / f"{name}.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    sc, _data, scene = python_scene(path)
    assert not _failures(sc.main.surface, state)
    check_spread(state, scene)
    check_lr(state, scene)
    texts = page.eval(
        "Array.from(document.querySelectorAll('.legend .entry')).map(e => e.textContent)"
    )
    assert texts == legend_texts(scene)
    assert page.errors == [], page.errors
    page.close()


def test_stepping_draws_the_curves_up_to_the_step(browser, pages):
    """At step k each median and band reach iterate k: right of k the panel is as at step 0, left of it as at
    the last step."""
    html, _ = pages["noisy_quadratic"]
    page = open_page(browser, html, width=1920, height=1080)
    g = page.eval("optviz.page.data.figure.layers.spread.axes")
    xlim = page.eval("optviz.state().layers.spread.xlim")

    def shot():
        return screenshot_array(page.page, "#figure")[
            int(g["top"]) + 3 : int(g["top"] + g["height"]) - 3, :
        ]

    def x(v):
        return g["left"] + (v - xlim[0]) / (xlim[1] - xlim[0]) * g["width"]

    last = shot()
    page.eval("optviz.reset()")
    first = shot()
    page.eval("optviz.step(30)")
    mid = shot()
    right, left = int(x(30)) + 4, int(x(30)) - 4
    end = int(g["left"] + g["width"]) - 3
    inner = slice(int(g["left"]) + 3, left)
    assert np.abs(mid[:, right:end] - first[:, right:end]).max() == 0
    # left of k, the curves as drawn whole (Skia antialiases a longer path a level or two apart)
    assert (np.abs(mid[:, inner] - last[:, inner]).max(axis=-1) > 24).mean() == 0
    assert (np.abs(mid[:, inner] - first[:, inner]).max(axis=-1) > 24).mean() > 0.01
    assert page.errors == [], page.errors
    page.close()


def _numpy_spread(rows, stops, width, qs):
    """loss_spread's numbers for one batch: smoothed, the quantiles over the runs still going, NaN where
    fewer than half go."""
    v = smoothed(np.asarray(rows, dtype=float), np.asarray(stops), width)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an all-NaN column
        low, mid, high = spread_over_runs(v, stops, (qs[0], 0.5, qs[1]))
    k = np.arange(v.shape[1])
    going = (np.asarray(stops)[None, :] >= k[:, None]).sum(axis=1) * 2 >= len(rows)
    for arr in (low, mid, high):
        arr[~going] = np.nan
    return low, mid, high


def test_smoothing_and_quantiles_are_numpys_bit_for_bit(browser, pages):
    """assets/spread.js's smoothed and quantiles against optviz.metrics (numpy.nanquantile's linear method):
    ties, NaN and infinite values, runs stopping early, one run, even and odd windows, quantiles on and
    between the order statistics."""
    html, _ = pages["rates"]
    page = open_page(browser, html, width=800, height=600)
    rng = np.random.default_rng(7)
    cases = []
    for n_runs, steps, width, qs in [
        (1, 12, 1, (0.1, 0.9)), (2, 15, 3, (0.25, 0.75)), (5, 30, 11, (0.1, 0.9)), (20, 40, 4, (0.0, 1.0)),
        (7, 25, 5, (0.1, 0.9)), (3, 9, 2, (0.5, 0.5)),
    ]:  # fmt: skip
        rows = rng.lognormal(size=(n_runs, steps + 1)) * 10.0 ** rng.integers(
            -3, 3, size=(n_runs, 1)
        )
        rows[:, 3] = rows[0, 3]  # ties
        if n_runs > 2:
            rows[1, 5] = np.nan
            rows[2, 6] = np.inf
        stops = rng.integers(steps // 3, steps + 1, size=n_runs)
        stops[0] = steps
        cases.append((rows, stops, width, qs))
    got = page.eval(
        """cases => cases.map(c => {
            const rows = c.rows.map((r, i) => OptvizSpread.smoothed(Float64Array.from(r.map(v => v === null ? NaN : v === 'inf' ? Infinity : v)), c.stops[i], c.width));
            const s = OptvizSpread.spread(rows, c.stops, c.qs);
            return [s.low, s.mid, s.high].map(a => Array.from(a).map(v => v === v ? (isFinite(v) ? v : 'inf') : null));
        })""",
        [
            {
                "rows": [
                    [None if math.isnan(v) else "inf" if math.isinf(v) else float(v) for v in r]
                    for r in rows
                ],
                "stops": [int(s) for s in stops],
                "width": width,
                "qs": list(qs),
            }
            for rows, stops, width, qs in cases
        ],
    )
    for (rows, stops, width, qs), mine in zip(cases, got, strict=True):
        for a, b in zip(mine, _numpy_spread(rows, stops, width, qs), strict=True):
            a = np.array([np.nan if v is None else np.inf if v == "inf" else v for v in a])
            np.testing.assert_array_equal(a, b)  # the same operations in the same order: equal bits
    assert page.errors == [], page.errors
    page.close()


def _legend_box(scene) -> list[float]:
    """Where matplotlib drew a legend inside an axes (image pixels, origin top left)."""
    (lg,) = [a.get_legend() for a in scene.fig.axes if a.get_legend() is not None]
    b = lg.get_window_extent()
    height = scene.fig.bbox.height
    return [b.x0, height - b.y1, b.x1, height - b.y0]


@pytest.mark.parametrize(
    "change", ["", "optviz.set({run: 0, lr: 0.0005}); optviz.set({run: 1, lr: 0.0005})"]
)
def test_a_legend_inside_the_panel_goes_where_matplotlib_puts_it(browser, pages, change, tmp_path):
    """loc="best" over the page's own curves and bands: the page's legend lands on matplotlib's spot for the
    same runs (its size differs by the browser's fonts: the centres are compared)."""
    html, _ = pages["inside"]
    page = open_page(browser, html, width=1920, height=1080)
    if change:
        page.eval(change)
    path = tmp_path / "inside.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    _sc, _data, scene = python_scene(path)
    scene.fig.canvas.draw()
    mine = page.eval("optviz.page.view.legendBoxes[0]")
    theirs = _legend_box(scene)
    w, h = theirs[2] - theirs[0], theirs[3] - theirs[1]
    assert abs((mine[0] + mine[2]) / 2 - (theirs[0] + theirs[2]) / 2) < 0.25 * w, (mine, theirs)
    assert abs((mine[1] + mine[3]) / 2 - (theirs[1] + theirs[3]) / 2) < 0.25 * h, (mine, theirs)
    assert page.errors == [], page.errors
    page.close()
