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


def updates_of(scene):
    return next(h for h in scene.handles if isinstance(h, ov.plot.SameStateUpdates))


def tip(arrow):
    return np.asarray(arrow.tip, dtype=float)


@pytest.mark.slow
def test_both_updates_start_from_the_same_state_of_the_momentum_run(quad, pair):
    scene = mn_scene(quad, pair)
    handle = updates_of(scene)
    momentum_run = pair[0]
    assert handle.rules == ["momentum", "nesterov"]
    for k in (1, 7, 20):
        scene.set_frame(k)
        m, n = (dict(a) for a in handle.arrows)
        v = momentum_run.update_vectors(k)
        # The state (x_k, v_k) is the Momentum run's: its velocity arrow, in both panels.
        np.testing.assert_allclose(tip(m["velocity"]), v["velocity"], atol=1e-15)
        np.testing.assert_allclose(tip(n["velocity"]), v["velocity"], atol=1e-15)
        # Momentum: the gradient at x; its actual step is the run's own next step.
        np.testing.assert_allclose(tip(m["gradient"]), v["gradient"], atol=1e-15)
        np.testing.assert_allclose(
            tip(m["step"]), momentum_run.path[k + 1] - momentum_run.path[k], atol=1e-14
        )
        # Nesterov: the gradient taken at the look-ahead point x + v, drawn from its tip.
        look = momentum_run.path[k] + v["velocity"]
        np.testing.assert_allclose(n["gradient"].tail, v["velocity"], atol=1e-15)
        np.testing.assert_allclose(
            tip(n["gradient"]), v["velocity"] - 0.04 * quad.grad(look), atol=1e-14
        )
        np.testing.assert_allclose(
            tip(n["step"]), v["velocity"] - 0.04 * quad.grad(look), atol=1e-14
        )
        np.testing.assert_allclose(
            handle.points[1]["lookahead"].get_xydata()[0], v["velocity"], atol=1e-15
        )
        # The state is marked on the paths.
        np.testing.assert_allclose(handle.marker.get_xydata()[0], momentum_run.path[k])


def test_the_nesterov_update_from_its_own_state_is_its_actual_step(quad, pair):
    # Nesterov.vectors_from, on a Nesterov run's own state (its actual points x), makes the run's step.
    run = pair[1]
    rule = run.optimizer
    velocities = ov.plot.diagrams.state_velocities(run)
    for k in (1, 5, 30):
        vec = rule.vectors_from(run.path[k], velocities[k], quad.grad)
        np.testing.assert_allclose(vec["step"], run.path[k + 1] - run.path[k], atol=1e-14)
        np.testing.assert_allclose(vec["velocity"], run.update_vectors(k)["velocity"], atol=1e-15)


@pytest.mark.slow
def test_every_frame_shows_the_updates_of_the_step_its_counter_shows(quad, pair):
    scene = mn_scene(quad, pair, step=3)
    handle = updates_of(scene)
    counter = scene.add_counter()
    velocities = ov.plot.diagrams.state_velocities(pair[0])
    assert scene.last_step == 40
    for k in (0, 3, 17, scene.last_step):  # the last frame is the one a GIF holds
        scene.set_frame(k)
        assert counter.get_text().endswith(f" {k}")
        assert all(label.get_text() == f"state at step {k}" for label in handle.labels)
        np.testing.assert_allclose(tip(handle.arrows[0]["velocity"]), velocities[k], atol=1e-15)
        np.testing.assert_allclose(handle.marker.get_xydata()[0], pair[0].path[k])
    # The static figure: the whole paths and the updates from the chosen state.
    scene.finish()
    assert all(label.get_text() == "state at step 3" for label in handle.labels)
    np.testing.assert_allclose(tip(handle.arrows[0]["velocity"]), velocities[3], atol=1e-15)
    path = next(line for line in scene.fig.axes[0].lines if line.get_label().startswith("Momentum"))
    assert len(path.get_xdata()) == 41


@pytest.mark.slow
def test_the_animations_last_frame_is_the_last_step_not_the_static_figure(quad, pair):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from optviz.anim import render_frames

    def pixels(scene):
        canvas = FigureCanvasAgg(scene.fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy(), canvas.get_renderer()

    animated = mn_scene(quad, pair, step=3)
    frames, steps = render_frames(animated, counter=False)
    assert steps[-1] == 40
    last, static = mn_scene(quad, pair, step=3), mn_scene(quad, pair, step=3)
    last.set_frame(40)
    static.finish()
    (at_last, renderer), (at_static, _) = pixels(last), pixels(static)
    # Compared: the two update panels, less the "state at step k" labels (placed per drawing, in any corner).
    height = at_last.shape[0]
    region = np.zeros(at_last.shape[:2], dtype=bool)
    for ax in last.fig.axes[1:]:
        b = ax.get_window_extent(renderer)
        region[height - int(b.y1) : height - int(b.y0), int(b.x0) : int(b.x1)] = True
    for scene in (animated, last):
        for label in updates_of(scene).labels:
            b = label.get_window_extent(renderer)
            region[
                height - int(b.y1) - 2 : height - int(b.y0) + 2, int(b.x0) - 2 : int(b.x1) + 2
            ] = False
    assert region.sum() > 0.2 * region.size
    assert np.array_equal(
        frames[-1][region], at_last[region]
    )  # the arrows from the state at step 40
    assert not np.array_equal(
        frames[-1][region], at_static[region]
    )  # not the static figure's step 3


@pytest.mark.slow
def test_the_default_step_is_where_the_arrows_read_best(quad, pair):
    handle = updates_of(mn_scene(quad, pair))
    step = handle.readable_step()
    shortest = [
        min(min(np.hypot(*v["velocity"]), np.hypot(*v["gradient"])) for v in vs)
        for vs in handle.vectors
    ]
    assert step >= 1 and shortest[step] == max(shortest[1:])


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


@pytest.mark.slow
def test_momentum_nesterov_blits_exactly(quad, pair):
    scene = mn_scene(quad, pair)
    assert_blits_exactly(scene, stride=3)


@pytest.mark.slow
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


@pytest.mark.slow
def test_scenario_file_renders_png_gif_and_html(tmp_path):
    from optviz import scenario
    from optviz.testing import read_gif

    spec = scenario.load(ROOT / "scenarios" / "momentum_vs_nesterov.toml")
    assert spec.kind.name == "momentum_nesterov"
    assert spec.output.formats == ("png", "gif", "html")
    paths = scenario.render(spec, tmp_path)
    assert sorted(p.name for p in paths) == [
        "momentum_vs_nesterov.gif", "momentum_vs_nesterov.html", "momentum_vs_nesterov.png",
    ]  # fmt: skip
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
