"""The interactive explorers, headless (Agg): driven by their methods and by synthetic widget events.

Every check compares what the artists hold with what ``optviz.run`` (or the classifier's arithmetic) gives for
the same settings, so a widget that stops reaching the engine, or an artist that stops being updated, fails.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _slide import SLIDE_ROWS, SLIDE_SUMMARY
from matplotlib.backend_bases import MouseButton, MouseEvent

import optviz as ov
from optviz._validate import ParameterError
from optviz.classifier import LinearClassifier
from optviz.explorer import ClassifierExplorer, Explorer, SurfaceExplorer, default_lr


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def quadratic():
    return ov.surface("quadratic", kappa=10)


def path_xy(ex: SurfaceExplorer, rule: str) -> np.ndarray:
    return np.column_stack(ex.artists[rule].path.paths[0].get_data())


def expected(ex: SurfaceExplorer, rule: ov.Optimizer, **kw) -> ov.Trajectory:
    s = ex.settings
    noise = ov.GaussianNoise(s.sigma) if s.sigma > 0 else None
    args = {"start": s.start, "steps": s.steps, "noise": noise, "seed": s.seed, **kw}
    return ov.run(ex.surface, rule, **args)


def assert_shows(ex: SurfaceExplorer, rule: str, t: ov.Trajectory) -> None:
    """The path holds the drawn points 0..min(k, stop) (``t.path``: Nesterov's actual points, as in the static
    figures; the explorer's runs keep no state history, so equal up to rounding); the end marker sits on the
    last; the loss line likewise."""
    last = min(ex.k, int(t.stop_step))
    same = np.testing.assert_array_equal
    if rule == "nesterov":
        assert not np.array_equal(
            t.path[1 : last + 1], t.xy[1 : last + 1]
        )  # not the look-ahead points

        def same(a, b):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)

    same(path_xy(ex, rule), t.path[: last + 1])
    end = ex.artists[rule].path.runs[0].end
    same(np.column_stack(end.get_data())[0], t.path[last])
    kk, values = ex.artists[rule].loss.lines[0].get_data()
    np.testing.assert_array_equal(kk, np.arange(last + 1))
    fmin = ex.surface.fmin
    offset = fmin if np.isfinite(fmin) else 0.0  # the gap to a known minimum, else the loss itself
    np.testing.assert_array_equal(values, t.loss[: last + 1] - offset)


def click_data(ex: SurfaceExplorer, xy) -> None:
    """A left click on the contour at data point ``xy``, as the canvas would deliver it."""
    x, y = ex.ax.transData.transform(xy)
    MouseEvent("button_press_event", ex.fig.canvas, x, y, button=MouseButton.LEFT)._process()


def click_button(button) -> None:
    bbox = button.ax.bbox
    x, y = bbox.x0 + bbox.width / 2, bbox.y0 + bbox.height / 2
    canvas = button.ax.figure.canvas
    MouseEvent("button_press_event", canvas, x, y, button=MouseButton.LEFT)._process()
    MouseEvent("button_release_event", canvas, x, y, button=MouseButton.LEFT)._process()


# -- the surface explorer ------------------------------------------------------------------------------
def test_opens_with_the_engine_runs_of_the_default_rules(quadratic) -> None:
    ex = ov.explore(quadratic)
    assert isinstance(ex, Explorer) and isinstance(ex, SurfaceExplorer)
    assert ex.settings.rules == ("gd", "momentum")
    assert ex.settings.lr == 0.1 == default_lr(quadratic)  # 1/L with L = 10
    assert ex.k == 100
    assert_shows(ex, "gd", expected(ex, ov.GD(lr=0.1)))
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.1, rho=0.9)))
    for hidden in ("nesterov", "adam", "adamw", "rmsprop", "adagrad", "newton", "lbfgs"):
        assert not any(a.get_visible() for a in ex.artists[hidden].all)


def test_default_lr_is_a_fraction_of_the_stability_limit() -> None:
    for kappa in (5, 25, 100):
        s = ov.surface("quadratic", kappa=kappa)
        lr = default_lr(s)
        assert lr == pytest.approx(1 / kappa, rel=0.05)  # half of GD's limit 2/L
        assert ov.run(s, ov.GD(lr=lr), steps=200).status == "max_steps"
    assert default_lr(ov.surface("rosenbrock")) == 0.00066


@pytest.mark.slow
def test_set_lr_recomputes_with_the_engine_and_keeps_artists(quadratic) -> None:
    ex = ov.explore(quadratic)
    before = [id(a) for a in ex.artists["gd"].all]
    ex.set(lr=0.05)
    assert ex.settings.lr == 0.05
    assert ex.widgets["lr"].valtext.get_text() == "0.05"
    assert_shows(ex, "gd", expected(ex, ov.GD(lr=0.05)))
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.05, rho=0.9)))
    assert [
        id(a) for a in ex.artists["gd"].all
    ] == before  # set on the same artists, never recreated
    assert ex.ax.collections[0] is ex.ax.collections[0]  # the contour stays put


def test_slider_events_reach_the_engine(quadratic) -> None:
    ex = ov.explore(quadratic, rules=["momentum", "nesterov"])
    ex.widgets["rho"].set_val(0.5)
    assert ex.settings.rho == 0.5
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.1, rho=0.5)))
    assert_shows(ex, "nesterov", expected(ex, ov.Nesterov(lr=0.1, rho=0.5)))
    ex.widgets["lr"].set_val(
        np.log10(0.0123456)
    )  # a drag on the log slider: three significant digits
    assert ex.settings.lr == 0.0123
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.0123, rho=0.5)))
    ex.widgets["steps"].set_val(37)
    assert ex.settings.steps == 37 and ex.k == 37
    assert ex.artists["momentum"].loss.lines[0].axes.get_xlim() == (0, 40)  # explorer NICE_STEPS
    assert_shows(ex, "nesterov", expected(ex, ov.Nesterov(lr=0.0123, rho=0.5)))


@pytest.mark.slow
def test_adaptive_rules_and_their_parameters(quadratic) -> None:
    ex = ov.explore(quadratic)
    ex.set(rules=["adam", "rmsprop", "adagrad"])
    assert ex.settings.rules == ("adam", "rmsprop", "adagrad")
    assert ex.widgets["rules"].get_status() == [
        *(False, False, False, True, False, True, True, False, False)
    ]  # gd, momentum, nesterov, adam, adamw, rmsprop, adagrad, newton, lbfgs
    assert not ex.artists["gd"].path.paths[0].get_visible()
    alr = ex.settings.adaptive_lr
    assert alr == 0.12  # 1% of the view's diagonal (12.5)
    ex.set(beta1=0.5, beta2=0.99, alpha=0.9)
    assert_shows(ex, "adam", expected(ex, ov.Adam(lr=alr, betas=(0.5, 0.99))))
    assert_shows(ex, "rmsprop", expected(ex, ov.RMSProp(lr=alr, alpha=0.9)))
    assert_shows(ex, "adagrad", expected(ex, ov.AdaGrad(lr=alr)))
    ex.set(adaptive_lr=0.3)
    assert_shows(ex, "adagrad", expected(ex, ov.AdaGrad(lr=0.3)))
    # Sliders of rules not shown are dimmed.
    assert ex.widgets["rho"].poly.get_alpha() < 1 and ex.widgets["beta1"].poly.get_alpha() == 1


def test_checkbuttons_click_toggles_a_rule(quadratic) -> None:
    ex = ov.explore(quadratic)
    ex.widgets["rules"].set_active(2)  # Nesterov, through the widget's own callback
    assert ex.settings.rules == ("gd", "momentum", "nesterov")
    assert ex.artists["nesterov"].path.paths[0].get_visible()
    assert_shows(ex, "nesterov", expected(ex, ov.Nesterov(lr=0.1, rho=0.9)))


@pytest.mark.slow
def test_noise_sigma_uses_the_engine_noise_and_seed(quadratic) -> None:
    ex = ov.explore(quadratic, seed=3)
    ex.set(sigma=0.5)
    t = expected(ex, ov.GD(lr=0.1))
    assert t.meta["noise"] == {"kind": "gaussian", "sigma": 0.5} and t.meta["seed"] == 3
    assert_shows(ex, "gd", t)
    assert ex.readout("gd").fields[0] == "SGD"
    assert ex.readout("momentum").fields[0] == "SGD+Momentum"


@pytest.mark.slow
def test_click_on_the_contour_sets_the_start(quadratic) -> None:
    ex = ov.explore(quadratic)
    ex.fig.canvas.draw()
    click_data(ex, (2.0, -1.0))
    assert ex.settings.start == pytest.approx([2.0, -1.0], abs=1e-9)
    assert_shows(ex, "gd", expected(ex, ov.GD(lr=0.1)))
    start = ex.artists["momentum"].path.runs[0].start
    np.testing.assert_array_equal(np.column_stack(start.get_data())[0], ex.settings.start)
    # A click outside the contour axes changes nothing.
    MouseEvent("button_press_event", ex.fig.canvas, 5, 5, button=MouseButton.LEFT)._process()
    assert ex.settings.start == pytest.approx([2.0, -1.0], abs=1e-9)


@pytest.mark.slow
def test_set_start_and_random_start_are_seeded(quadratic) -> None:
    ex = ov.explore(quadratic, seed=7)
    ex.set_start((1.0, 2.0))
    assert ex.settings.start.tolist() == [1.0, 2.0]
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.1)))
    click_button(ex.widgets["random"])
    first = ex.settings.start.copy()
    twin = ov.explore(quadratic, seed=7)
    twin.random_start()
    assert twin.settings.start.tolist() == first.tolist()
    (x0, x1), (y0, y1) = quadratic.bounds
    assert x0 < first[0] < x1 and y0 < first[1] < y1
    assert_shows(ex, "gd", expected(ex, ov.GD(lr=0.1)))


@pytest.mark.slow
def test_step_reset_and_run_buttons(quadratic) -> None:
    ex = ov.explore(quadratic)
    click_button(ex.widgets["reset"])
    assert ex.k == 0
    t = expected(ex, ov.GD(lr=0.1))
    assert path_xy(ex, "gd").tolist() == [t.xy[0].tolist()]
    click_button(ex.widgets["step"])
    click_button(ex.widgets["step"])
    assert ex.k == 2
    assert_shows(ex, "gd", t)
    assert ex.step_text.get_text() == "step 2 of 100"
    ex.run(10)
    assert ex.k == 12
    assert_shows(ex, "gd", t)
    ex.run()
    assert ex.k == 100


@pytest.mark.slow
def test_run_button_starts_a_timer_that_advances(quadratic) -> None:
    ex = ov.explore(quadratic, steps=120)
    ex.reset()
    click_button(ex.widgets["run"])
    assert ex.playing and ex.widgets["run"].label.get_text() == "Pause"
    callback, args, kwargs = ex.timer.callbacks[0]
    callback(*args, **kwargs)  # one tick, as the GUI's event loop would call it
    assert ex.k == ex.steps_per_tick() == 2
    callback(*args, **kwargs)
    assert ex.k == 4
    assert_shows(ex, "momentum", expected(ex, ov.Momentum(lr=0.1)))
    click_button(ex.widgets["run"])
    assert not ex.playing and ex.widgets["run"].label.get_text() == "Run"
    callback(*args, **kwargs)  # a tick that arrives after Pause does nothing
    assert ex.k == 4
    ex.play()
    while ex.playing:
        callback(*args, **kwargs)
    assert ex.k == 120 and ex.widgets["run"].label.get_text() == "Run"


@pytest.mark.slow
def test_readouts_at_the_current_point(quadratic) -> None:
    ex = ov.explore(quadratic, rules=["gd"])
    ex.reset()
    ex.run(3)
    t = expected(ex, ov.GD(lr=0.1))
    rd = ex.readout("gd")
    p = t.xy[3]
    assert rd.loss == float(quadratic.value(p))
    assert rd.grad_norm == pytest.approx(float(np.hypot(*quadratic.grad(p))))
    assert rd.kappa == pytest.approx(10.0)
    assert rd.eigenvalues.tolist() == pytest.approx([1.0, 10.0])
    assert rd.status == "running"
    texts = [t.get_text() for t in ex.readout_texts[0]]
    assert texts == ["GD", f"{rd.loss:.3g}", f"{rd.grad_norm:.3g}", "10", "1, 10", "running"]
    assert all(t.get_text() == "" for t in ex.readout_texts[1])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["quadratic", "rosenbrock"])
def test_nesterov_readouts_at_the_drawn_point(name) -> None:
    """Nesterov's readouts describe the point its marker is drawn at (its actual point x, ``Trajectory.path``),
    not torch's stored look-ahead iterate; its loss curve is the recorded loss (f at torch's iterate, what a
    torch user logs, as the static figures plot it), and the loss panel says so."""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE

    s = ov.surface(name)
    ex = ov.explore(s, rules=["gd", "nesterov"], steps=40)
    ex.reset()
    ex.run(12)
    marker = np.column_stack(ex.artists["nesterov"].path.runs[0].end.get_data())[0]
    rd = ex.readout("nesterov")
    t = ex.runs["nesterov"]
    assert rd.step == 12 and rd.xy.tolist() == marker.tolist()
    assert rd.loss == float(s.value(marker))
    assert rd.loss != float(
        t.loss[12]
    )  # (the look-ahead iterate's loss: not what the marker shows)
    assert rd.grad_norm == float(np.hypot(*s.grad(marker)))
    assert rd.kappa == float(ov.condition_number(s, marker))
    assert rd.eigenvalues.tolist() == ov.hessian_eigen(s, marker)[0].tolist()
    assert ex.readout_texts[1][1].get_text() == f"{rd.loss:.3g}"
    # The loss curve: f at torch's iterate, with the note that says so.
    _, values = ex.artists["nesterov"].loss.lines[0].get_data()
    offset = s.fmin if np.isfinite(s.fmin) else 0.0
    np.testing.assert_array_equal(values, s.value(t.xy[:13]) - offset)
    assert ex.loss_ax.get_title(loc="right") == NESTEROV_LOSS_NOTE
    # Other rules draw their iterates: their readout is their recorded loss there.
    gd = ex.readout("gd")
    assert gd.xy.tolist() == ex.runs["gd"].xy[12].tolist() and gd.loss == float(
        ex.runs["gd"].loss[12]
    )


@pytest.mark.slow
def test_readouts_on_a_nonconvex_surface() -> None:
    s = ov.surface("saddle")
    ex = ov.explore(s, rules=["gd"], start=(-1.8, 0.0), steps=5)
    ex.reset()
    rd = ex.readout("gd")
    values, _ = ov.hessian_eigen(s, [-1.8, 0.0])
    assert rd.eigenvalues.tolist() == values.tolist()
    assert rd.kappa == float(ov.condition_number(s, [-1.8, 0.0]))
    assert ex.loss_ax.get_yscale() == "linear"  # no known minimum: the loss itself


@pytest.mark.slow
def test_divergence_is_shown_clearly(quadratic) -> None:
    ex = ov.explore(quadratic)
    ex.set(lr=0.5)
    t = expected(ex, ov.GD(lr=0.5))
    assert t.status == "diverged"
    k = int(t.stop_step) + 1
    assert ex.readout("gd").status == f"diverged at step {k}"
    arts = ex.artists["gd"]
    assert arts.cross.get_visible() and arts.note.get_visible()
    assert arts.note.get_text() == f"diverged at step {k}"
    assert not arts.path.runs[0].end.get_visible()
    (x0, x1), (y0, y1) = quadratic.bounds
    cx, cy = np.column_stack(arts.cross.get_data())[0]
    assert x0 <= cx <= x1 and y0 <= cy <= y1  # held inside the view
    assert_shows(ex, "gd", t)
    # Before the step at which it diverged, nothing says so.
    ex.reset()
    ex.run(k - 1)
    assert ex.readout("gd").status == "running" and not arts.cross.get_visible()
    # Back to a stable rate: the marks go away.
    ex.set(lr=0.1)
    ex.run()
    assert not arts.cross.get_visible() and arts.path.runs[0].end.get_visible()


@pytest.mark.slow
def test_steps_blit_when_the_canvas_supports_it(quadratic) -> None:
    ex = ov.explore(quadratic)
    assert ex.fig.canvas.supports_blit and ex.blitter.enabled
    ex.fig.canvas.draw()
    draws, blits = ex.blitter.full_draws, ex.blitter.blits
    ex.reset()
    ex.step()
    assert ex.blitter.blits == blits + 2 and ex.blitter.full_draws == draws
    assert all(a.get_animated() for a in ex.artists["gd"].all)
    assert not any(c.get_animated() for c in ex.ax.collections)  # the contour is background
    # Anything animated is redrawn by the explorer's blitter; widgets (check marks...) are background,
    # else a blit would erase them.
    animated = {id(a) for a in ex.fig.findobj() if a.get_animated()}
    assert animated <= {id(a) for a in ex.blitter.artists}


def test_classifier_widgets_are_background() -> None:
    ex = ov.explore_classifier()
    animated = {id(a) for a in ex.fig.findobj() if a.get_animated()}
    assert animated <= {id(a) for a in ex.blitter.artists + ex.blitter.covered}
    assert not any(a.get_animated() for a in ex.widgets["loss"].ax.findobj())


@pytest.mark.slow
def test_without_blitting_updates_draw_idle(quadratic) -> None:
    ex = ov.explore(quadratic, pyplot=False)
    ex.blitter.enabled = False
    ex.blitter.background = None
    ex.step()
    assert ex.blitter.blits == 0


@pytest.mark.slow
def test_the_saved_figure_shows_the_live_artists(quadratic, tmp_path) -> None:
    ex = ov.explore(quadratic, rules=["gd"])
    ex.set(lr=0.5)
    ex.fig.savefig(tmp_path / "a.png")
    ex.fig.canvas.draw()
    image = np.asarray(ex.fig.canvas.buffer_rgba())
    assert image.shape[:2] == (800, 1400)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ex: ex.set(lr=-1), "lr: must be a positive number, got -1.0"),
        (lambda ex: ex.set(lr=float("nan")), "lr: must be a finite number, got nan"),
        (lambda ex: ex.set(adaptive_lr=0), "adaptive_lr: must be a positive number, got 0.0"),
        (lambda ex: ex.set(rho=1.5), "rho: must be in [0, 1), got 1.5"),
        (lambda ex: ex.set(beta2=1.0), "beta2: must be in [0, 1), got 1.0"),
        (lambda ex: ex.set(sigma=-0.1), "sigma: must be a non-negative number, got -0.1"),
        (lambda ex: ex.set(steps=0), "steps: must be"),
        (lambda ex: ex.set(seed=-1), "seed: must be"),
        (lambda ex: ex.set(lr="fast"), "lr: must be a number"),
        (lambda ex: ex.set(lrr=0.1), "lrr: unknown setting 'lrr'; did you mean 'lr'?"),
        (lambda ex: ex.set(rules=["adma"]), "rules: unknown rule 'adma'; did you mean 'adam'?"),
        (lambda ex: ex.set(steps=2.5), "steps: must be an integer"),
        (lambda ex: ex.set_start((np.nan, 0)), "start: must be finite"),
    ],
)
def test_bad_settings_are_one_line_errors(quadratic, call, message) -> None:
    ex = ov.explore(quadratic)
    with pytest.raises(ParameterError) as err:
        call(ex)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_bad_explore_arguments() -> None:
    with pytest.raises(ParameterError, match="did you mean 'quadratic'"):
        ov.explore("quadratc")
    with pytest.raises(ParameterError, match="rules: unknown rule 'sgd'"):
        ov.explore("quadratic", rules=["sgd"])


@pytest.mark.slow
def test_a_start_outside_a_formula_domain_is_reported_not_crashed() -> None:
    s = ov.surface_from_expression("log(x) + y**2", bounds=((-1, 3), (-2, 2)), start=(2, 1))
    ex = ov.explore(s, rules=["gd"])
    ex.fig.canvas.draw()
    click_data(ex, (-0.5, 0.0))
    assert ex.settings.start.tolist() == [2.0, 1.0]  # the old runs stay
    assert "start" in ex.message_text.get_text()
    assert_shows(ex, "gd", ov.run(s, ov.GD(lr=ex.settings.lr), start=(2, 1), steps=100))


# -- the classifier explorer -------------------------------------------------------------------------
def test_classifier_table_shows_the_slide() -> None:
    ex = ov.explore_classifier()
    assert isinstance(ex, ClassifierExplorer) and isinstance(ex, Explorer)
    assert ex.table.rows() == SLIDE_ROWS
    assert [t.get_text() for t in ex.table.summary] == SLIDE_SUMMARY
    assert ex.widgets["step_size"].valtext.get_text() == "0.09976"
    assert ex.widgets["reg"].valtext.get_text() == "0.10000"
    assert ex.parameters.rows()[1] == ["class 1", "2.00 (0.72)", "-4.00 (-1.21)", "0.50 (-0.22)"]
    texts = [c.get_text().get_text() for c in ex.table.table.get_celld().values()]
    assert not any("\u2212" in t for t in texts)  # ASCII minus only
    ex.fig.canvas.draw()
    ticks = [t.get_text() for t in ex.ax.get_xticklabels()]
    assert "-0.5" in ticks and not any("\u2212" in t for t in ticks)


def test_classifier_update_button_moves_by_minus_step_times_gradient() -> None:
    ex = ov.explore_classifier()
    m = ex.model
    e = m.evaluate()
    click_button(ex.widgets["update"])
    assert np.array_equal(ex.model.W, m.W - 0.09976 * e.dW)
    assert np.array_equal(ex.model.b, m.b - 0.09976 * e.db)
    assert ex.updates == 1
    new = ex.model.evaluate()
    assert ex.table.rows()[4][-1] == f"{new.losses[4]:.2f}"
    assert ex.table.summary[2].get_text() == f"Total loss: {new.total:.2f}"
    assert ex.status.get_text() == "parameter updates: 1"
    # The drawing follows: class 0's zero-score line is w . x + b = 0 for the new parameters.
    x, y = ex.drawing.lines[0].get_data()
    assert np.allclose(
        ex.model.W[0, 0] * np.asarray(x) + ex.model.W[0, 1] * np.asarray(y) + ex.model.b[0], 0
    )


@pytest.mark.slow
def test_classifier_controls_through_widgets_and_set() -> None:
    ex = ov.explore_classifier()
    ex.set(step_size=0.5)
    assert ex.model.step_size == 0.5 and ex.widgets["step_size"].valtext.get_text() == "0.50000"
    ex.widgets["reg"].set_val(0.0)
    assert ex.model.reg == 0.0
    assert ex.table.summary[1].get_text() == "Regularization loss: 0.00"
    ex.set(loss="softmax")
    assert ex.model.loss == "softmax" and ex.widgets["loss"].value_selected == "softmax"
    expected_model = LinearClassifier(loss="softmax", reg=0.0, step_size=0.5)
    assert (
        ex.table.summary[0].get_text()
        == f"Total data loss: {expected_model.evaluate().data_loss:.2f}"
    )
    ex.step()
    assert np.array_equal(ex.model.W, expected_model.update().W)
    ex.reset()
    assert ex.model.W.tolist() == LinearClassifier().W.tolist() and ex.updates == 0
    with pytest.raises(ParameterError, match="loss: unknown loss 'hinge'"):
        ex.set(loss="hinge")


@pytest.mark.slow
def test_classifier_repeated_update_timer_and_randomize() -> None:
    ex = ov.explore_classifier(seed=4)
    click_button(ex.widgets["repeat"])
    assert ex.playing and ex.widgets["repeat"].label.get_text() == "Stop repeated update"
    callback, args, kwargs = ex.timer.callbacks[0]
    for _ in range(3):
        callback(*args, **kwargs)
    m = LinearClassifier()
    for _ in range(3):
        m = m.update()
    assert np.array_equal(ex.model.W, m.W) and ex.updates == 3
    click_button(ex.widgets["repeat"])
    assert not ex.playing and ex.widgets["repeat"].label.get_text() == "Start repeated update"
    click_button(ex.widgets["randomize"])
    twin = LinearClassifier().randomized(np.random.default_rng(4))
    assert np.array_equal(ex.model.W, twin.W) and np.array_equal(ex.model.b, twin.b)
    assert ex.table.rows()[0][3] == f"{twin.evaluate().scores[0, 0]:.2f}".replace("-0.00", "0.00")


# -- the command line --------------------------------------------------------------------------------
def test_cli_unknown_surface_or_rule_exit_2(capsys) -> None:
    from optviz.cli import main

    assert main(["explore", "quadratc"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("optviz explore: unknown surface 'quadratc'; did you mean 'quadratic'?")
    assert "\n" not in err
    assert main(["explore", "quadratic", "--rule", "adma"]) == 2
    assert "unknown rule 'adma'; did you mean 'adam'?" in capsys.readouterr().err
    assert main(["explore", "classifier", "--rule", "gd"]) == 2


def test_cli_without_a_gui_backend_says_so(capsys) -> None:
    from optviz.cli import main

    assert matplotlib.get_backend().lower() == "agg"
    assert main(["explore", "quadratic"]) == 1
    err = capsys.readouterr().err
    assert "no interactive matplotlib backend" in err and "'agg'" in err
    assert main(["explore", "classifier"]) == 1
    assert plt.get_fignums() == []  # nothing was opened


@pytest.mark.slow
def test_cli_with_a_gui_backend_opens_and_shows(monkeypatch) -> None:
    from optviz.explorer import _main

    shown = []
    monkeypatch.setattr(_main, "interactive_backend", lambda: (True, "tkagg"))
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(plt.get_fignums()))
    assert _main.main("rosenbrock", rules=["adam", "gd"]) == 0
    assert shown == [[1]]
    fig = plt.figure(1)
    assert "Rosenbrock" in fig.get_suptitle()
    assert _main.main("classifier") == 0
    assert len(shown) == 2


@pytest.mark.slow
def test_cli_when_the_asked_backend_cannot_start(tmp_path) -> None:
    # TkAgg without a display: matplotlib falls back to Agg; the command must say so, not exit silently.
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(MPLBACKEND="TkAgg", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run(
        [sys.executable, "-m", "optviz", "explore", "quadratic"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith("optviz explore: no interactive matplotlib backend")
    assert proc.stderr.count("\n") == 1


@pytest.mark.slow
def test_the_window_works_without_a_reference_to_the_explorer(quadratic) -> None:
    import gc
    import weakref

    ref = weakref.ref(ov.explore(quadratic))  # as in a script: ov.explore(s); plt.show()
    gc.collect()
    ex = ref()
    assert ex is not None and plt.gcf().optviz_explorer is ex
    click_button(ex.widgets["reset"])
    click_button(ex.widgets["step"])
    assert ex.k == 1
    ex.fig.canvas.draw()
    click_data(ex, (1.0, 1.0))
    assert ex.settings.start.tolist() == pytest.approx([1.0, 1.0])


# -- a steps move that shortens the runs takes their first steps ------------------------------------------
def assert_same_run(got: ov.Trajectory, want: ov.Trajectory, *, state: bool = True) -> None:
    """The same run; ``state=False``: but for the rule's state history (the explorer's batches keep none)."""
    for name in ("xy", "loss", "grad"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    assert not state or got.state.keys() == want.state.keys()
    for name in got.state if state else ():
        np.testing.assert_array_equal(got.state[name], want.state[name], err_msg=name)
    assert (got.status, got.stop_step, got.steps) == (want.status, want.stop_step, want.steps)
    assert (got.optimizer, got.noise, got.seed, got.label) == (
        want.optimizer, want.noise, want.seed, want.label,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "kw"),
    [
        (ov.GD(lr=0.25), {}),  # diverges: stop_step 16 (see the engine's doctest)
        (ov.Momentum(lr=0.05), {"tol": 1e-3}),  # converges
        (ov.Adam(lr=0.3), {"noise": ov.GaussianNoise(2.0), "seed": 4}),
    ],
)
def test_head_is_the_shorter_run(quadratic, rule, kw) -> None:
    from optviz.explorer._surface import head

    long = ov.run(quadratic, rule, steps=300, **kw)
    stop = int(long.stop_step)
    for steps in sorted({0, 1, 15, 16, 17, stop - 1, stop, stop + 1, 299, 300} & set(range(301))):
        assert_same_run(head(long, steps), ov.run(quadratic, rule, steps=steps, **kw))
    if rule.name == "gd":
        assert long.status == "diverged" and stop == 16
        assert head(long, 16).status == "max_steps" and head(long, 17).status == "diverged"
    with pytest.raises(ValueError, match="steps must be in"):
        head(long, 301)


@pytest.mark.slow
def test_a_shorter_steps_setting_runs_nothing_again(quadratic, monkeypatch) -> None:
    from optviz.explorer import _surface

    ex = ov.explore(quadratic, rules=["gd", "momentum", "adam"], lr=0.25, sigma=0.5, steps=200)
    assert ex.runs["gd"].status == "diverged" and 3 < ex.runs["gd"].stop_step < 40  # lr > 2/L = 0.2
    calls = []
    real = _surface.compute_all
    monkeypatch.setattr(_surface, "compute_all", lambda *a: calls.append(a[1]) or real(*a))
    for steps in (150, 40, 3, 120):
        ex.set(steps=steps)
        for rule in (ov.GD(lr=0.25), ov.Momentum(lr=0.25), ov.Adam(lr=ex.settings.adaptive_lr)):
            want = expected(ex, rule)
            assert_same_run(ex.runs[rule.name], want, state=False)
            assert_shows(ex, rule.name, want)
    assert calls == []
    ex.set(steps=250)  # longer: run again
    assert calls == [["gd", "momentum", "adam"]]
    ex.set(lr=0.05, steps=100)  # another lr: the runs of the lr rules again
    assert calls[1:] == [["gd", "momentum"]]
    assert_shows(ex, "gd", expected(ex, ov.GD(lr=0.05)))
