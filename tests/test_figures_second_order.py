"""Issue 17's figures beyond the learning rate: ``second_order`` (Newton, L-BFGS beside GD and Momentum, at
the evaluations each pays), ``momentum_rho`` (rho = 0.9 or 0.99), and the marking of a singular Hessian.

Each scenario's title is a claim, asserted on the computed runs; the drawings on their artists' data.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz import plot, style, theory
from optviz.figures.second_order import FLOOR
from optviz.metrics import evaluations_used, measured_rate
from optviz.plot.inner import route
from optviz.scenario import draw, figure

ROOT = Path(__file__).resolve().parents[1]
SECOND_ORDER = ROOT / "scenarios" / "second_order.toml"
MOMENTUM_RHO = ROOT / "scenarios" / "momentum_rho.toml"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _evaluations_to(t, surface, fraction=1e-8):
    """The evaluations a run paid until its gap fell below ``fraction`` of its start (None: never)."""
    gap = np.asarray(t.loss, dtype=float) - surface.fmin
    hit = np.flatnonzero(gap <= fraction * gap[0])
    return int(evaluations_used(t)[hit[0]]) if hit.size else None


# -- second_order ---------------------------------------------------------------------------------
def test_second_order_caption_holds(gallery):
    """ "Newton in one step, L-BFGS in a few dozen evaluations" (GD and Momentum: hundreds to thousands)."""
    _, data = gallery.computed(SECOND_ORDER)
    (_, quad), (_, banana) = data.panels
    newton, _, _, lbfgs = quad.trajectories
    assert [t.label for t in quad.trajectories] == ["Newton", "GD", "Momentum", "L-BFGS"]
    # Newton: the quadratic's minimum in one step, to rounding, for one evaluation
    assert newton.status == "converged" and newton.stop_step == 1
    assert newton.loss[1] - quad.surface.fmin < 1e-25 * (newton.loss[0] - quad.surface.fmin)
    assert _evaluations_to(newton, quad.surface, 1e-25) == 1
    for panel, most in ((quad, 12), (banana, 60)):
        costs = {t.label: _evaluations_to(t, panel.surface) for t in panel.trajectories}
        assert costs["L-BFGS"] <= most  # a few dozen at most
        assert costs["Newton"] <= 10
        for first_order in ("GD", "Momentum"):
            slow = costs[first_order]
            assert slow is None or slow >= 10 * costs["L-BFGS"]  # never, or ten times the cost
    # L-BFGS pays several evaluations in a step (its line search and inner iterations)
    assert lbfgs.evaluations[0] > 1 and banana.trajectories[3].evaluations[:2].sum() > 20


def test_second_order_draws_the_cost_of_each_step(gallery):
    _, data = gallery.computed(SECOND_ORDER)
    (_, quad), (_, banana) = data.panels
    for panel in (quad, banana):
        s, runs = panel.surface, panel.trajectories
        scene = figure("second_order", s, runs, size=(9.6, 4.0), dpi=50, legend="right")
        cost, inner, paths = scene.results["cost"], scene.results["inner"], scene.results["paths"]
        for line, t in zip(cost.lines, runs, strict=True):
            x, y = (np.asarray(v) for v in line.get_data())
            stop = int(t.stop_step)
            np.testing.assert_array_equal(x, evaluations_used(t)[: stop + 1])
            np.testing.assert_array_equal(y, t.loss[: stop + 1] - s.fmin)
            assert line.get_markevery() == 1  # a dot per step
        lbfgs = runs[3]
        # the path goes through each step's inner iterates, and each step's are ringed
        way, ends = route(lbfgs)
        np.testing.assert_array_equal(np.column_stack(paths.paths[3].get_data()), way)
        np.testing.assert_array_equal(way[ends], lbfgs.xy)
        inner_xy = lbfgs.state["inner_xy"]
        for rings, k in zip(inner.rings, inner.steps, strict=True):
            points = inner_xy[k][np.isfinite(inner_xy[k]).all(axis=1)]
            np.testing.assert_array_equal(np.column_stack(rings.get_data()), points[:-1])
        assert {k for k in range(1, lbfgs.stop_step + 1) if lbfgs.evaluations[k - 1] > 1} <= set(
            inner.steps
        )
        labels = [t.get_text() for t in scene.fig.legends[0].get_texts()]
        assert labels == [
            "Newton",
            runs[1].legend,
            runs[2].legend,
            "L-BFGS (strong Wolfe)",
            "inner iterates of an L-BFGS step",
        ]
        # below rounding (1e-15 of the highest start) the axis ends; a run that goes lower leaves through a
        # triangle on the floor
        ax = cost.lines[0].axes
        floor = FLOOR * max(t.loss[0] - s.fmin for t in runs)
        assert ax.get_ylim()[0] == pytest.approx(floor)
        lower = [line for line in cost.lines if (line.get_ydata() < floor).any()]
        assert [m.get_color() for m in scene.results["below"]] == [ln.get_color() for ln in lower]
        for mark in scene.results["below"]:
            assert mark.get_ydata()[0] == pytest.approx(floor)
    # on the quadratic Newton is below the floor after its first step: its triangle is before x = 1
    scene = figure("second_order", quad.surface, quad.trajectories, size=(9.6, 4.0), dpi=50)
    (newton_mark, *_) = scene.results["below"]
    assert 0 < newton_mark.get_xdata()[0] < 1


def test_evaluations_used_counts_the_closure_calls():
    t = ov.run("rosenbrock", ov.LBFGS(line_search_fn="strong_wolfe"), steps=3)
    used = evaluations_used(t)
    assert used[0] == 0 and (np.diff(used) == t.evaluations).all()
    gd = ov.run("rosenbrock", ov.GD(lr=1e-3), steps=4)
    assert evaluations_used(gd).tolist() == [0, 1, 2, 3, 4]


# -- momentum_rho ---------------------------------------------------------------------------------
def test_momentum_rho_caption_holds(gallery):
    """ "with less friction the ball keeps rolling, and rings ten times longer"; "0.9 wins on mild
    conditioning, 0.99 once kappa passes about 7,900"."""
    _, data = gallery.computed(MOMENTUM_RHO)
    q = data.surface
    slow, fast = data.trajectories
    assert (slow.hyperparams["rho"], fast.hyperparams["rho"]) == (0.99, 0.9)
    # both ring (complex roots) at this lr: the distance shrinks by sqrt(rho) a step, measured
    for t in (slow, fast):
        rho = t.hyperparams["rho"]
        assert measured_rate(t, q) == pytest.approx(math.sqrt(rho), rel=3e-3)
        assert theory.heavy_ball_rate(q, t.hyperparams["lr"], rho) == pytest.approx(math.sqrt(rho))
    # ten times longer: the steps per e-fold of the ringing, 0.99 against 0.9
    ratio = math.log(measured_rate(fast, q)) / math.log(measured_rate(slow, q))
    assert 8 < ratio < 12
    res = data.study
    assert res.crossover == pytest.approx(7940, abs=1)
    per = res.per_digit(res.measured)
    np.testing.assert_allclose(res.measured, res.predicted, rtol=1e-3)
    mild, hard = res.kappas < res.crossover, res.kappas > res.crossover
    assert mild.any() and hard.any()
    assert (per[0, mild] < per[1, mild]).all() and (per[1, hard] < per[0, hard]).all()


def test_momentum_rho_draws_theory_and_measurements(gallery):
    sc, data = gallery.computed(MOMENTUM_RHO)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    res, curves = scene.results["friction"], scene.results["curves"]
    for i, line in enumerate(curves):
        x, y = line.get_data()
        np.testing.assert_array_equal(x, res.dense)
        np.testing.assert_array_equal(y, res.per_digit(res.dense_rate[i]))
    # the theory curve of each rho has the colour of that rho's run on the left
    # Momentum keeps its hue (design section 10): the runs are its colour and its darker shade, in run order
    palette = [style.shade(style.RULE_COLORS["momentum"], k) for k in range(2)]
    colors = {t.hyperparams["rho"]: c for t, c in zip(data.trajectories, palette, strict=True)}
    assert [c.get_color() for c in curves] == [colors[0.9], colors[0.99]]
    texts = [t.get_text() for t in scene.fig.axes[1].texts]
    assert "ρ = 0.99 faster\nbeyond κ ≈ 7,940" in texts


# -- a singular Hessian is marked like a divergence -------------------------------------------------
def test_a_singular_newton_run_is_marked_where_it_stopped():
    flat = ov.surface_from_expression("x**2")  # no curvature along y: H is singular everywhere
    t = ov.run(flat, ov.Newton(), start=(1.0, 0.5), steps=5)
    assert t.status == "singular"
    ax = plt.figure().subplots()
    h = plot.trajectory(t, ax=ax, legend=False)
    (cross,) = h.diverged
    assert tuple(cross.get_xydata()[0]) == (1.0, 0.5)
    assert cross.annotation.get_text() == "singular Hessian at step 0"
    loss = plot.loss(t, ax=plt.figure().subplots(), legend=False)
    assert len(loss.markers) == 1
    s = ov.surface_from_expression("x**4 + y**2")
    mid = ov.run(s, ov.Newton(), start=(1.0, 1.0), steps=100)
    prof = plot.profile(s, mid, ax=plt.figure().subplots(), legend=False)
    notes = [m.get_text() for m in prof.markers if hasattr(m, "get_text")]
    assert notes == [f"singular Hessian at step {mid.stop_step}"]


# -- Newton is drawn to saddles ---------------------------------------------------------------------------
def test_newton_saddle_caption_holds(gallery):
    """ "Newton is drawn to the saddle; damped Newton, L-BFGS and GD go downhill"."""
    _, data = gallery.computed(ROOT / "scenarios" / "newton_saddle.toml")
    s = data.surface
    newton, damped, lbfgs, gd = data.trajectories
    assert newton.status == "converged" and np.abs(newton.xy[newton.stop_step]).max() < 1e-12
    assert newton.loss[newton.stop_step] - s.fmin == pytest.approx(0.25)  # the saddle's height
    # every step it took came from an indefinite Hessian: its model was a saddle each time
    assert newton.indefinite[: newton.stop_step + 1].all()
    for t in (damped, lbfgs, gd):
        assert np.abs(t.xy[t.stop_step] - [1.0, 0.0]).max() < 1e-3, t.legend
        assert t.loss[t.stop_step] - s.fmin < 1e-6
    assert not damped.indefinite.any()  # H + I is positive definite on its way


def test_newton_saddle_marks_the_indefinite_steps_and_the_saddle(gallery):
    sc, data = gallery.computed(ROOT / "scenarios" / "newton_saddle.toml")
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    newton = data.trajectories[0]
    marks = scene.results["indefinite"]
    assert marks.steps == list(
        range(newton.stop_step)
    )  # one square per step it took, none for the others
    for mark, k in zip(marks.marks, marks.steps, strict=True):
        assert tuple(mark.get_xydata()[0]) == tuple(newton.xy[k])
    (note,) = scene.results["saddles"]
    assert note.get_text() == "Newton: at a saddle" and note.xy[1] == pytest.approx(0.25)
    labels = [t.get_text() for t in scene.fig.legends[0].get_texts()]
    assert labels[-1] == "Newton step from an indefinite Hessian"


def test_panels_with_a_legend_each_keep_each_panels_settings(gallery):
    """second_order.toml's panels differ in their runs' settings: legend = "each" gives each panel its own
    legend, with the hyperparameters (a shared one names rules only)."""
    sc, data = gallery.computed(SECOND_ORDER)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    legends = [sub.legends[0] for sub in scene.fig.subfigs]
    assert not scene.fig.legends and len(legends) == 2
    texts = [[t.get_text() for t in legend.get_texts()] for legend in legends]
    assert texts[0][1] == "GD (lr=0.018)" and texts[1][1] == "GD (lr=0.001)"


@pytest.mark.slow
def test_momentum_rho_names_the_kappa_of_the_surface_it_draws():
    banana = ov.surface("rosenbrock")  # kappa of the Hessian at the minimum: 2508.0...
    run = ov.run(banana, ov.Momentum(lr=1e-4), steps=20)
    scene = figure("momentum_rho", banana, [run], kappas=[10, 1e4], size=(6.4, 3.6), dpi=50)
    texts = [t.get_text() for t in scene.fig.axes[1].texts]
    assert "left: κ ≈ 2,508" in texts
    q = ov.surface("quadratic", kappa=50)
    scene = figure("momentum_rho", q, [ov.run(q, ov.Momentum(lr=0.01), steps=20)], kappas=[10, 1e4])
    assert "left: κ = 50" in [t.get_text() for t in scene.fig.axes[1].texts]


def test_second_order_animates_step_by_step(gallery, tmp_path):
    """Each frame shows the runs up to its step: the L-BFGS route to its iterate, the rings and squares of the
    steps taken, the floor triangle and the saddle note only once their run gets there."""
    from optviz.anim import write_scene_gif
    from optviz.testing import read_gif

    sc, data = gallery.computed(ROOT / "scenarios" / "newton_saddle.toml")
    scene = draw(sc, data, size=(6.4, 3.6), dpi=40, pyplot=True)
    newton, _, lbfgs, _ = data.trajectories
    paths, inner = scene.results["paths"], scene.results["indefinite"]
    way, ends = route(lbfgs)
    (note,) = scene.results["saddles"]
    (triangle,) = scene.results["below"]  # damped Newton goes below the floor at its 25th iterate
    for k in (0, 2, newton.stop_step, 30):
        scene.set_frame(k)
        np.testing.assert_array_equal(
            np.column_stack(paths.paths[2].get_data()), way[: ends[min(k, lbfgs.stop_step)] + 1]
        )
        assert [m.get_visible() for m in inner.marks] == [s <= k for s in inner.steps]
        assert note.get_visible() == (k >= newton.stop_step)
        assert triangle.get_visible() == (k >= 25)
    gif = write_scene_gif(scene, tmp_path / "ns.gif", fps=10, max_frames=6, hold=0.2)
    assert (
        len(read_gif(gif).frames) == 6
    )  # written through the blitted frame renderer, checked once
