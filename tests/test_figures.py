"""Composed figures: every scenario renders, and the kinds draw what they claim (artist data, not pixels)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz.cli import main
from optviz.figures import figure, figure_kind, kind_names
from optviz.scenario import figure as compute_and_draw
from optviz.scenario import load, scene_for

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_every_scenario_says_which_slide_it_reproduces():
    for path in SCENARIOS:
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("#"), f"{path.name} starts with a comment naming its slide"


def test_every_kind_is_described():
    for name in kind_names():
        kind = figure_kind(name)
        assert kind.description and kind.description[0].isupper()
        for option, _, doc in kind.options.describe():
            assert doc, f"{name}.{option} has a description"


@pytest.mark.slow
def test_shared_legend_in_panels_names_rules_without_hyperparameters():
    sc = load(Path(__file__).parent.parent / "scenarios" / "sgd_vs_momentum.toml")
    scene = scene_for(sc, size=(6.4, 3.6), dpi=40)
    (legend,) = scene.fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["SGD", "SGD+Momentum"]


def legend_of(folder: Path, text: str):
    """A user's scenario (``text``), drawn small: the scene, its figure legend and the legend's texts."""
    path = folder / "user.toml"
    path.write_text(text, encoding="utf-8")
    scene = scene_for(load(path), size=(6.4, 3.6), dpi=40)
    (legend,) = scene.fig.legends
    return scene, legend, [t.get_text() for t in legend.get_texts()]


@pytest.mark.slow
def test_a_noisy_run_and_an_exact_run_of_one_rule_each_get_their_legend_entry(tmp_path):
    # A user's scenario (not a gallery one): Adam with and without gradient noise, and SGD, on Rosenbrock.
    # The noisy Adam says so, so the legend keeps one entry per run, each in its run's colour.
    scene, legend, texts = legend_of(
        tmp_path,
        'kind = "trajectories"\n[surface]\nname = "rosenbrock"\n'
        "[defaults]\nstart = [-1.5, 2.0]\nsteps = 30\nseed = 3\n"
        '[[run]]\nrule = "adam"\nlr = 0.05\n'
        '[[run]]\nrule = "adam"\nlr = 0.05\nnoise = { sigma = 2.0 }\n'
        '[[run]]\nrule = "gd"\nlr = 0.001\nnoise = { sigma = 2.0 }\n'
        "[figure]\nloss = true\n",
    )
    assert texts == ["Adam (lr=0.05)", "noisy Adam (lr=0.05)", "SGD (lr=0.001)"]
    paths = [ln for ln in scene.fig.axes[0].get_lines() if ln.get_label() in texts]
    by_label = {ln.get_label(): ln.get_color() for ln in paths}
    keys = [h.get_color() for h in legend.legend_handles]
    assert keys == [by_label[t] for t in texts] and len(set(keys)) == 3


@pytest.mark.slow
def test_runs_told_apart_only_by_their_noise_name_it_in_every_panel(tmp_path):
    # Two SGD runs at one lr, fed noise of different sizes: each legend entry names its sigma, and the path
    # and the loss curve of a run carry the same text (one key per run in the figure's legend).
    scene, _legend, texts = legend_of(
        tmp_path,
        'kind = "trajectories"\n[surface]\nname = "quadratic"\nkappa = 4\n'
        "[defaults]\nstart = [-4.0, 1.5]\nsteps = 40\nseed = 0\n"
        '[[run]]\nrule = "gd"\nlr = 0.1\nnoise = { sigma = 0.5 }\n'
        '[[run]]\nrule = "gd"\nlr = 0.1\nnoise = { sigma = 4.0 }\n'
        "[figure]\nloss = true\n",
    )
    assert texts == ["SGD (lr=0.1), σ=0.5", "SGD (lr=0.1), σ=4"]
    for ax in scene.fig.axes[:2]:
        drawn = {ln.get_label() for ln in ax.get_lines()}
        assert set(texts) <= drawn, (ax.get_title(), drawn)


@pytest.mark.slow
def test_panels_share_one_clock():
    # Paced together (the default): frame 10 of 150 shows the 150-step panels at iteration 10 and the 60-step
    # panels at round(10 * 60 / 150) = 4, so that every panel ends on the last frame.
    sc = load(Path(__file__).parent.parent / "scenarios" / "sgd_vs_momentum.toml")
    scene = scene_for(sc, size=(6.4, 3.6), dpi=40)
    scene.set_frame(10)
    paths = [
        line
        for ax in scene.fig.axes
        for line in ax.get_lines()
        if line.get_label() in ("SGD", "SGD+Momentum")
    ]
    lengths = {len(line.get_xdata()) for line in paths if line.get_linestyle() != "None"}
    assert lengths == {11, 5}


@pytest.mark.slow
def test_poor_conditioning_shows_kappa_and_the_eigenvalues():
    s = ov.surface("quadratic", kappa=25)
    runs = [ov.run(s, ov.GD(lr=0.075), steps=30)]
    scene = figure("poor_conditioning", s, runs)
    ax = scene.fig.axes[0]
    assert "κ(H) = 25" in ax.get_title()
    from matplotlib.text import Text

    # The eigen-axes key is one placed group (optviz.plot.placement): its labels are its children.
    texts = [t.get_text() for t in ax.findobj(Text)]
    assert "λ = 25 (steep)" in texts and "λ = 1 (shallow)" in texts


@pytest.mark.slow
@pytest.mark.parametrize(
    "loss_kind, title",
    [("gap", "optimality gap"), ("loss", "loss"), ("distance", "distance to the minimum")],
)
def test_poor_conditionings_right_panel_is_titled_what_it_plots(loss_kind, title):
    """loss_kind = "gap" plots f - f*: titled "optimality gap" (as the trajectories kind titles it), not
    "loss"."""
    from optviz.plot.loss import loss_title_text

    s = ov.surface("quadratic", kappa=25)
    runs = [ov.run(s, ov.GD(lr=0.075), steps=10)]
    scene = figure(
        "poor_conditioning", s, runs, loss_kind=loss_kind, size=(6.4, 3.6), dpi=40, pyplot=False
    )
    assert loss_title_text(scene.fig.axes[1]) == title


def test_update_diagram_refuses_a_step_past_the_stop():
    s = ov.surface("quadratic", kappa=10)
    t = ov.run(s, ov.Momentum(lr=0.04), steps=5)
    with pytest.raises(ov._validate.ParameterError, match=r"figure\.step"):
        figure("update_diagram", s, [t], step=7)


@pytest.mark.slow
def test_nesterov_diagram_follows_the_actual_point():
    s = ov.surface("quadratic", kappa=10)
    t = ov.run(s, ov.Nesterov(lr=0.04), steps=20)
    scene = figure("update_diagram", s, [t], step=3)
    zoom = scene.fig.axes[1]
    path = zoom.get_lines()[0]
    np.testing.assert_array_equal(path.get_xydata(), t.state["position"])


def test_nesterov_diagrams_arrow_names_sit_outside_its_triangle():
    """Velocity, gradient and the actual step make a triangle: each name is on its arrow's outer side (between
    two arrows it could be either's), where nothing else is drawn."""
    from optviz.plot import update_diagram
    from optviz.plot.diagrams import NAMES
    from optviz.plot.placement import text_extent

    s = ov.surface("quadratic", kappa=10)
    t = ov.run(s, ov.Nesterov(lr=0.04, rho=0.9), start=(-4.0, 1.5), steps=30)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=60)
    out = update_diagram(t, 3, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    corners = ax.transData.transform(
        [out.points["point"], out.points["lookahead"], out.points["next"]]
    )
    middle = corners.mean(axis=0)
    for text in out.labels[:3]:  # the arrows' names
        arrow = out.arrows[{v: k for k, v in NAMES.items()}[text.get_text()]]
        tail, tip = ax.transData.transform([arrow.xyann, arrow.xy])
        box = text_extent(text, renderer)
        normal = np.array([tail[1] - tip[1], tip[0] - tail[0]])
        side = np.sign(normal @ (np.array([box.x0 + box.x1, box.y0 + box.y1]) / 2 - tail))
        assert side == -np.sign(normal @ (middle - tail)), text.get_text()
    plt.close(fig)


@pytest.mark.slow
def test_regularization_runs_off_without_l2_and_converges_with_it():
    s = ov.surface("softmax_1d")
    t = ov.run(s, ov.GD(lr=2.0), start=(-0.5, 2.0), steps=400)
    scene = compute_and_draw("regularization", s, [t], lam=0.1)
    reg_ax = scene.fig.axes[2]
    twin = ov.surface("softmax_1d", lam=0.1)
    reg_path = next(
        ln for ln in reg_ax.get_lines() if ln.get_label() != "_start" and len(ln.get_xdata()) > 2
    )
    np.testing.assert_allclose(reg_path.get_xydata()[-1], twin.minima[0], atol=1e-3)
    w = t.xy[:, 0]
    assert np.all(np.diff(w[50:]) > 0), "without L2 the weight keeps growing"


def test_weight_decay_measured_rates_follow_theory():
    s = ov.surface("quadratic", kappa=100)
    scene = compute_and_draw("weight_decay_conditioning", s, lams=[0.1, 1.0, 10.0], steps=300)
    kappa_ax, rate_ax, price_ax = scene.fig.axes
    # centred at the origin, L2 does not move the minimum: the price panel says so instead of a curve
    assert not price_ax.get_lines() and "does not move it" in price_ax.texts[0].get_text()
    lams, kappas = kappa_ax.get_lines()[1].get_data()
    np.testing.assert_allclose(kappas, (100 + 2 * lams) / (1 + 2 * lams), rtol=1e-9)
    _, rates = rate_ax.get_lines()[1].get_data()
    theory = (kappas - 1) / (kappas + 1)
    np.testing.assert_allclose(rates, theory, rtol=0.02)
    # the figure draws its study's numbers, and the closed form of optviz.theory as the curve
    study = ov.studies.weight_decay_rates(s, [0.1, 1.0, 10.0], steps=300)
    np.testing.assert_array_equal(rates, study.rate)
    x, curve = kappa_ax.get_lines()[0].get_data()
    np.testing.assert_array_equal(curve[1:], ov.theory.regularized_condition_number(s, x[1:]))


def test_numeric_gradient_error_curves_have_the_textbook_shape():
    scene = figure("numeric_gradient", ov.surface("rosenbrock"), point=[-0.9, 0.5], h=0.1)
    right = scene.fig.axes[1]
    forward, central = (
        ln for ln in right.get_lines() if ln.get_label().startswith(("forward", "central"))
    )
    h, e_f = forward.get_data()
    _, e_c = central.get_data()
    # Minimum of the forward error near sqrt(eps) ~ 1e-8, of the central one near eps^(1/3) ~ 1e-5.
    assert 1e-10 < h[np.argmin(e_f)] < 1e-6
    assert 1e-8 < h[np.argmin(e_c)] < 1e-4
    assert e_c.min() < e_f.min() / 10


@pytest.mark.slow
def test_gallery_renders_the_rest_when_one_scenario_is_bad(tmp_path, capsys):
    src = tmp_path / "scenarios"
    src.mkdir()
    (src / "good.toml").write_text(
        'title = "g"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 5\n'
    )
    (src / "bad.toml").write_text(
        'title = "b"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = -1.0\n'
    )
    out = tmp_path / "gallery"
    code = main(
        ["gallery", "--scenarios", str(src), "-o", str(out), "--jobs", "1", "-q", "--no-landscape"]
    )
    assert code == 2
    assert "bad.toml: run[0].lr: must be a positive number" in capsys.readouterr().err
    assert (out / "good.png").exists() and not (out / "bad.png").exists()
    index = (out / "README.md").read_text()
    assert "![good](good.png)" in index and f"optviz render {src.as_posix()}/good.toml" in index


def test_seed_sweep_keeps_diverged_values_on_the_axis():
    s = ov.surface("quadratic", kappa=10)
    t = ov.run(s, ov.GD(lr=0.1), steps=40)
    scene = compute_and_draw("seed_sweep", s, [t], param="lr", values=[0.05, 0.1, 0.3], seeds=2)
    (ax,) = scene.fig.axes
    assert ax.get_xlim()[1] > 0.3, "lr = 0.3 diverges (> 2/L), and its cross stays in view"


@pytest.mark.slow
def test_random_search_panel_compares_best_so_far_curves():
    s = ov.surface("rosenbrock")
    runs = [
        ov.run(s, ov.RandomSearch(scale=0.8), steps=50),
        ov.run(s, ov.Momentum(lr=0.001), steps=50),
    ]
    scene = figure("random_search", s, runs)
    loss_ax = scene.fig.axes[1]
    for line in loss_ax.get_lines():
        y = line.get_ydata()
        if len(y) > 2:
            assert np.all(np.diff(y) <= 0), f"{line.get_label()} is a best-so-far curve"


def test_profile_slices_through_the_first_runs_start():
    s = ov.surface("local_minimum")  # its own suggested start has y = 1
    t = ov.run(s, ov.GD(lr=0.02), start=(-2.0, 0.0), steps=20)
    scene = figure("profile", s, [t])
    (ax,) = scene.fig.axes
    curve = ax.get_lines()[0]
    u, f = curve.get_data()
    np.testing.assert_allclose(f, s.value(np.stack([u, np.zeros_like(u)], axis=-1)))


HIMMELBLAU_FOUR = """
title = "Four rules on Himmelblau"
kind = "contour_profile"
[surface]
name = "himmelblau"
[defaults]
start = [-0.5, 4.5]
steps = 150
[[run]]
rule = "gd"
lr = 0.01
[[run]]
rule = "momentum"
lr = 0.005
rho = 0.9
[[run]]
rule = "adam"
lr = 0.1
[[run]]
rule = "gd"
lr = 0.01
noise = { sigma = 20.0 }
[figure]
through = [0.0, 0.5]
"""


def _profile_of(scene):
    from optviz.plot import ProfileArtists

    (h,) = [h for h in scene.handles if isinstance(h, ProfileArtists)]
    return h


def test_contour_profile_says_where_its_slice_is_and_shows_each_runs_own_f(tmp_path):
    """A new user's scenario (issue: the profile drew runs that left the slice at the slice's f, values they
    never had, under "slice along x"): the title says where the slice is and that runs off it are at their own
    f; every ball is its run's own f at its drawn point, at that point's x; the y-limits hold them."""
    from optviz.scenario import compute, draw, load

    path = tmp_path / "himmelblau_four.toml"
    path.write_text(HIMMELBLAU_FOUR, encoding="utf-8")
    sc = load(path)
    data = compute(sc)
    h = _profile_of(draw(sc, data))
    ax = h.curve.axes
    runs = list(h.balls)
    s = data.surface
    left = []
    for ball, t in zip(runs, data.trajectories, strict=True):
        p = t.path[: int(t.stop_step) + 1]
        np.testing.assert_array_equal(ball.get_xdata(), p[:, 0])
        np.testing.assert_array_equal(ball.get_ydata(), s.value(p))  # its own f, not f(x, 0.5)
        left.append(bool(np.any(p[:, 1] != 0.5)))
    assert all(left) and h.off_slice == left
    # (values they had, far below the slice's curve where they end: the old drawing put them on it)
    for ball in runs:
        x, f = ball.get_xdata()[-1], ball.get_ydata()[-1]
        assert f < float(s.value(np.array([x, 0.5]))) - 50
    assert ax.get_title() == "f along x at y = 0.5\nruns off the slice: at their own f"
    lo, hi = ax.get_ylim()
    assert all(lo <= b.get_ydata().min() and b.get_ydata().max() <= hi for b in runs)
    np.testing.assert_array_equal(h.curve.get_ydata(), s.value(np.stack(
        [h.curve.get_xdata(), np.full(len(h.curve.get_xdata()), 0.5)], axis=-1)))  # fmt: skip


def test_profile_of_runs_on_the_slice_keeps_them_on_the_curve():
    """Runs that keep to the slice (the gallery's local_minimum): the balls roll on the curve, and the title
    says only where the slice is."""
    s = ov.surface("local_minimum")
    runs = [
        ov.run(s, r, start=(-2.0, 0.0), steps=150) for r in (ov.GD(lr=0.02), ov.Momentum(lr=0.02))
    ]
    scene = figure("contour_profile", s, runs)
    h = _profile_of(scene)
    assert h.curve.axes.get_title() == "f along x at y = 0"
    assert h.off_slice == [False, False]
    for ball, t in zip(h.balls, runs, strict=True):
        assert np.all(t.xy[:, 1] == 0.0)
        x = ball.get_xdata()
        np.testing.assert_array_equal(ball.get_ydata(), s.value(np.stack([x, 0 * x], axis=-1)))
    scene = figure("profile", s, runs, along="y", through=(1.0, 0.0))
    h = _profile_of(scene)
    assert h.curve.axes.get_xlabel() == "f along y at x = 1\nruns off the slice: at their own f"


@pytest.mark.parametrize(
    ("kind", "surface", "takes"),
    [
        ("regularization", "quadratic", "draws the softmax_1d surface, got 'quadratic'"),
        ("batch_vs_minibatch", "rosenbrock", "draws a dataset surface (least_squares"),
        ("convergence_rates", "saddle", "draws a quadratic or a surface with a known minimum"),
    ],
)
def test_a_wrong_surface_says_which_surfaces_the_kind_takes(kind, surface, takes):
    """From Python as from a file: before, regularization on a quadratic failed deep inside with
    "kappa: unknown parameter of surface 'softmax_1d'"."""
    s = ov.surface(surface)
    t = ov.run(s, ov.GD(lr=0.01), steps=5)
    for draw in (figure, compute_and_draw):
        with pytest.raises(ValueError) as err:
            draw(kind, s, [t])
        assert str(err.value).startswith(f"surface: figure kind '{kind}' {takes}"), err.value


@pytest.mark.slow
def test_options_from_python_are_typed_and_checked_like_a_files():
    s = ov.surface("quadratic", kappa=10)
    t = ov.run(s, ov.Momentum(lr=0.05), steps=10)
    with pytest.raises(ValueError, match=r"^figure.step: must be at least 1, got 0$"):
        figure("update_diagram", s, [t], step=0)
    with pytest.raises(
        ValueError, match=r"^figure.stpe: unknown option 'stpe'; did you mean 'step'\?"
    ):
        figure("update_diagram", s, [t], stpe=3)
    scene = figure("update_diagram", s, [t], step=3)
    assert scene.fig.axes[1].get_title() == "Momentum: the update at step 3"
    opts = figure_kind("update_diagram").options(step=3)
    assert (opts.step, opts.zoom) == (3, True)
    with pytest.raises(AttributeError):
        opts.step = 4  # frozen
