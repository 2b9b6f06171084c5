"""Figure kinds made for animation: momentum against Nesterov (moving update vectors), kappa(H) along the runs,
and the scenario file that reproduces the lecture's slide."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _blitcheck import assert_blits_exactly

import optviz as ov
from optviz import figures
from optviz._validate import ParameterError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def quad():
    return ov.surface("quadratic", kappa=10)


@pytest.fixture(scope="module")
def pair(quad):
    return [
        ov.run(quad, ov.Momentum(lr=0.04, rho=0.9), start=(-4, 1.5), steps=40),
        ov.run(quad, ov.Nesterov(lr=0.04, rho=0.9), start=(-4, 1.5), steps=40),
    ]


def mn_scene(quad, runs, **options):
    return figures.figure(
        "momentum_nesterov", quad, runs, size=(12.8, 7.2), dpi=50, pyplot=False, **options
    )


def arrows_of(scene):
    return [h for h in scene.handles if isinstance(h, ov.plot.UpdateArrows)]


def test_arrows_are_the_update_vectors_of_each_frame(quad, pair):
    scene = mn_scene(quad, pair)
    momentum, nesterov = arrows_of(scene)
    for k in (1, 7, 20):
        scene.set_frame(k)
        m, n = pair[0].update_vectors(k), pair[1].update_vectors(k)
        # Momentum: velocity and gradient both start at the current point; the step is their sum.
        np.testing.assert_allclose(momentum.arrows["velocity"].tail, m["point"])
        np.testing.assert_allclose(momentum.arrows["gradient"].tail, m["point"])
        np.testing.assert_allclose(momentum.arrows["step"].tip, pair[0].xy[k + 1])
        # Nesterov: velocity from the actual point to the look-ahead (torch's iterate), gradient from there.
        np.testing.assert_allclose(nesterov.arrows["velocity"].tail, n["point"])
        np.testing.assert_allclose(nesterov.arrows["velocity"].tip, pair[1].xy[k])
        np.testing.assert_allclose(nesterov.arrows["gradient"].tail, pair[1].xy[k])
        np.testing.assert_allclose(
            nesterov.arrows["gradient"].tip, pair[1].xy[k] - 0.04 * pair[1].grad[k]
        )
        np.testing.assert_allclose(nesterov.points["lookahead"].get_xydata()[0], pair[1].xy[k])
        np.testing.assert_allclose(nesterov.points["point"].get_xydata()[0], n["point"])
        np.testing.assert_allclose(nesterov.arrows["step"].tip, n["point"] + n["step"])


def test_arrows_vanish_after_the_last_update_and_the_static_diagram_appears(quad, pair):
    scene = mn_scene(quad, pair, step=4)
    diagram_arrows = [
        a
        for ax in scene.fig.axes
        for a in ax.texts
        if a.get_gid() in ("velocity", "gradient", "step")
    ]
    assert len(diagram_arrows) == 6  # three per panel
    scene.set_frame(10)
    assert not any(a.get_visible() for a in diagram_arrows)
    scene.set_frame(scene.last_step)  # the static figure
    assert all(a.get_visible() for a in diagram_arrows)
    assert not any(a.get_visible() for h in arrows_of(scene) for a in h.arrows.values())
    v = pair[1].update_vectors(4)
    gradient = next(a for a in scene.fig.axes[1].texts if a.get_gid() == "gradient")
    np.testing.assert_allclose(gradient.xyann, v["point"] + v["velocity"])


def test_momentum_nesterov_draws_only_those_rules(quad):
    runs = [ov.run(quad, ov.GD(lr=0.04), steps=10), ov.run(quad, ov.Nesterov(lr=0.04), steps=10)]
    with pytest.raises(ParameterError, match="momentum, nesterov runs, got 'gd'") as err:
        mn_scene(quad, runs)
    assert err.value.field == "run[0].rule"


def test_momentum_nesterov_step_must_exist(quad, pair):
    with pytest.raises(
        ParameterError, match=r"figure.step: is 40, but run\[0\] has 40 steps"
    ) as err:
        mn_scene(quad, pair, step=40)
    assert err.value.field == "figure.step"


def test_momentum_nesterov_step_must_come_before_a_run_stops(quad):
    # a run that diverges at step 12 has no update 20 to draw, although it has 40 steps
    diverging = ov.run(quad, ov.Nesterov(lr=0.3), steps=40)
    assert diverging.status == "diverged" and diverging.stop_step < 20
    pair = [ov.run(quad, ov.Momentum(lr=0.02), steps=40), diverging]
    with pytest.raises(
        ParameterError, match=r"run\[1\] \(Nesterov\) stopped at step \d+ \(diverged\)"
    ):
        mn_scene(quad, pair, step=20)


def test_momentum_nesterov_blits_exactly(quad, pair):
    scene = mn_scene(quad, pair)
    assert_blits_exactly(scene, stride=3)


def test_condition_panel_plots_kappa_along_each_run():
    s = ov.surface("rosenbrock")
    t = ov.run(s, ov.Adam(lr=0.05), steps=60)
    scene = figures.figure("trajectories", s, t, condition=True, pyplot=False, dpi=40)
    handle = next(h for h in scene.handles if isinstance(h, ov.plot.ConditionCurveArtists))
    line = handle.lines[0]
    np.testing.assert_allclose(line.get_ydata(), ov.condition_number(s, t.xy))
    assert line.axes.get_yscale() == "log"
    scene.set_frame(9)
    assert len(line.get_xdata()) == 10


def test_condition_of_a_quadratic_is_its_kappa():
    q = ov.surface("quadratic", kappa=25)
    t = ov.run(q, ov.GD(lr=0.05), steps=20)
    _fig, ax = plt.subplots()
    handle = ov.plot.condition_curve(q, t, ax=ax)
    np.testing.assert_allclose(handle.lines[0].get_ydata(), 25.0)
    low, high = ax.get_ylim()
    assert low < 25 < high and high / low == pytest.approx(10)


def test_scenario_file_renders_png_and_gif(tmp_path):
    from optviz import scenario
    from optviz.testing import read_gif

    spec = scenario.load(ROOT / "scenarios" / "momentum_vs_nesterov.toml")
    assert spec.kind.name == "momentum_nesterov"
    assert spec.output.formats == ("png", "gif")
    paths = scenario.render(spec, tmp_path)
    assert sorted(p.name for p in paths) == ["momentum_vs_nesterov.gif", "momentum_vs_nesterov.png"]
    gif = read_gif(tmp_path / "momentum_vs_nesterov.gif")
    assert len(gif.frames) == 41 and gif.loop == 0
    assert gif.durations[0] == 100  # [output.gif] fps = 10


def test_scenario_step_beyond_the_runs_is_a_one_line_error(tmp_path):
    from optviz import scenario

    text = (ROOT / "scenarios" / "momentum_vs_nesterov.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("step = 3", "step = 40"))
    with pytest.raises(
        scenario.ScenarioError, match=r"bad.toml: figure.step: is 40, .* at most 39"
    ):
        scenario.load(bad)
