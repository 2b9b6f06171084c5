"""optviz.dynamics and the engine's history-free loop (issue 18, items 7-10): each study against an independent
computation on a coarse grid or a few seeds (the full-size figures live in the gallery and benchmarks/)."""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov
from optviz import dynamics
from optviz._validate import ParameterError
from optviz.engine import endpoints, prepare, reference_run

RULES = [
    ov.GD(lr=0.01),
    ov.Momentum(lr=0.01, rho=0.9),
    ov.Nesterov(lr=0.01, rho=0.9),
    ov.Adam(lr=0.1),
]


# -- endpoints: run() without the history ----------------------------------------------------------------------
@pytest.mark.parametrize("rule", [*RULES, ov.GD(lr=0.1), ov.Newton()], ids=lambda r: r.label)
@pytest.mark.parametrize("noise", [None, ov.GaussianNoise(0.5)], ids=["exact", "noisy"])
def test_endpoints_end_every_run_where_run_ends_it(rule, noise):
    if noise is not None and not rule.takes_noise:
        pytest.skip("no gradient noise for this rule")
    s = ov.surface("six_hump_camel")
    starts = np.random.default_rng(0).uniform([-2, -1.5], [2, 1.5], (120, 2))
    seeds = list(range(120))
    t = ov.run(s, rule, starts, 150, tol=1e-4, noise=noise, seed=seeds)
    e = endpoints(s, rule, starts, 150, tol=1e-4, noise=noise, seed=seeds, at=[0, 40, 150])
    rows = np.arange(120)
    np.testing.assert_array_equal(e.xy, t.xy[rows, t.stop_step])
    np.testing.assert_array_equal(e.loss, t.loss[rows, t.stop_step])
    np.testing.assert_array_equal(e.status, t.status)
    np.testing.assert_array_equal(e.stop_step, t.stop_step)
    for j, k in enumerate(e.at):
        np.testing.assert_array_equal(e.xy_at[j], t.xy[:, k])
        stopped = (t.stop_step < k) | ((t.stop_step == k) & (t.status == "converged"))
        assert set(e.status_at[j][~stopped]) <= {"max_steps"}
        np.testing.assert_array_equal(e.status_at[j][stopped], t.status[stopped])


def test_endpoints_keep_no_history_so_a_big_grid_fits():
    s = ov.surface("himmelblau")
    starts = dynamics.grid_starts(s.bounds, 400)[2]
    # run() refuses 400 x 400 starts x 500 steps before allocating: its histories would hold 5.8 GB
    with pytest.raises(ParameterError, match="GiB of history"):
        ov.run(s, ov.Momentum(lr=0.01), starts, 500)
    e = endpoints(s, ov.Momentum(lr=0.01), starts, 2)
    assert e.xy.shape == (160_000, 2) and e.xy_at.shape == (0, 160_000, 2)


def test_endpoints_say_which_snapshot_is_refused():
    with pytest.raises(ParameterError, match=r"at\[0\]"):
        endpoints("quadratic", ov.GD(lr=0.1), [[1.0, 1.0]], 10, at=[11])


# -- basins of attraction ----------------------------------------------------------------------------------------
def reference_label(s, rule, start, steps, tol, minima, radius):
    """One start, by the engine's plain reference loop, labelled by hand."""
    t = reference_run(prepare(s, rule, start, steps, tol=tol))
    if t.status == "diverged":
        return dynamics.DIVERGED
    if t.status != "converged":
        return dynamics.UNSETTLED
    d = np.hypot(*(t.final - minima).T)
    return int(np.argmin(d)) if d.min() <= radius else dynamics.UNSETTLED


@pytest.mark.slow
@pytest.mark.parametrize("name", ["himmelblau", "local_minimum"])
def test_basin_labels_equal_a_plain_loop_on_a_coarse_grid(name):
    s = ov.surface(name)
    b = dynamics.basins(s, RULES, grid=6, steps=200, tol=1e-4)
    _, _, starts = dynamics.grid_starts(s.bounds, 6)
    for i, rule in enumerate(RULES):
        ref = [reference_label(s, rule, x, 200, 1e-4, b.minima, b.radius) for x in starts]
        np.testing.assert_array_equal(b.labels[i].ravel(), ref)
    # every known minimum is one of the labelled ones, global first
    np.testing.assert_array_equal(b.minima[: len(s.minima)], s.minima)


def test_basins_find_the_minima_of_an_expression_that_knows_none():
    s = ov.surface_from_expression("(x**2 - 1)**2 + (y**2 - 1)**2 + 0.3*x*y")
    assert len(s.minima) == 0
    b = dynamics.basins(s, [ov.GD(lr=0.02)], grid=20, steps=400, bounds=((-2, 2), (-2, 2)))
    assert len(b.minima) == 4
    np.testing.assert_allclose(np.hypot(*s.grad(b.minima).T), 0, atol=1e-3)
    assert np.all(np.diff(b.values) >= 0)  # lowest first
    for m in b.minima:  # each a minimum: positive-definite Hessian
        assert np.all(ov.hessian_eigen(s, m)[0] > 0)
    # the grid's four quadrants go to their own minimum
    assert len(set(b.labels[0][[2, 2, -3, -3], [2, -3, 2, -3]])) == 4


def test_basins_mark_diverged_and_unsettled_starts():
    s = ov.surface("himmelblau")
    b = dynamics.basins(s, [ov.GD(lr=0.05), ov.GD(lr=1e-4)], grid=10, steps=50)
    assert b.share(0, dynamics.DIVERGED) > 0.5  # too large a step: runs leave
    assert b.share(1, dynamics.UNSETTLED) == 1.0  # too small: 50 steps reach no minimum


def test_basin_snapshots_fill_in_over_the_steps():
    s = ov.surface("himmelblau")
    b = dynamics.basins(s, [ov.Momentum(lr=0.01)], grid=12, steps=300, frames=4)
    settled = [(f >= 0).mean() for f in b.labels_at[0]]
    assert b.frames.tolist() == [0, 100, 200, 300]
    assert settled[0] == 0 and np.all(np.diff(settled) >= 0)
    np.testing.assert_array_equal(b.labels_at[0][-1], b.labels[0])


def test_the_basins_figure_draws_each_rules_labels():
    from optviz.scenario import figure

    s = ov.surface("himmelblau")
    runs = [ov.run(s, r, steps=100) for r in RULES[:2]]
    scene = figure("basins", s, runs, grid=16, pyplot=False)
    b = scene.results["basins"]
    images = [ax.get_images()[0] for ax in scene.fig.get_axes() if ax.get_images()]
    assert len(images) == 2
    for img, labels in zip(images, b.labels, strict=True):
        shown = np.asarray(img.get_array())
        k = len(b.minima)  # colour k: diverged, k + 1: unsettled
        np.testing.assert_array_equal(
            shown, np.where(labels >= 0, labels, np.where(labels == -2, k, k + 1))
        )


def test_the_basin_maps_have_coordinates_on_their_outer_edges():
    """Every map has ticks; their numbers are on the grid's outer edges (the left column's y, the x of each map
    with no map below it), read in the surface's coordinates inside the map's view."""
    from optviz.scenario import figure

    s = ov.surface("himmelblau")
    runs = [ov.run(s, r, steps=20) for r in RULES[:3]]  # maps m0 m1 / m2 .
    scene = figure("basins", s, runs, grid=8, pyplot=False)
    scene.fig.draw_without_rendering()
    maps = [ax for ax in scene.fig.get_axes() if ax.get_images()]
    assert len(maps) == 3

    def numbers(axis):
        ticks = [t for t in axis.get_major_ticks() if t.label1.get_visible()]
        lo, hi = sorted(axis.get_view_interval())
        return [t.get_loc() for t in ticks if lo <= t.get_loc() <= hi]

    for ax, (x_numbers, y_numbers) in zip(
        maps, [(False, True), (True, False), (True, True)], strict=True
    ):
        assert len(ax.get_xticks()) >= 3 and len(ax.get_yticks()) >= 3  # ticks on every map
        assert (len(numbers(ax.xaxis)) >= 3) == x_numbers, ax.get_title()
        assert (len(numbers(ax.yaxis)) >= 3) == y_numbers, ax.get_title()
        assert ax.get_xlabel() == ("x" if x_numbers else "")
        assert ax.get_ylabel() == ("y" if y_numbers else "")
    # The numbers are the surface's coordinates: Himmelblau's view is [-5, 5] x [-5, 5].
    lo, hi = sorted(maps[2].get_xlim())
    assert lo < -4.9 and hi > 4.9
    for axis in (maps[2].xaxis, maps[2].yaxis):
        shown = numbers(axis)
        assert 0 in shown and min(shown) <= -4 and max(shown) >= 4


# -- stationary noise --------------------------------------------------------------------------------------------
def test_sample_covariance_and_ellipse_against_numpy():
    xy = np.random.default_rng(1).normal(size=(500, 2)) * [2.0, 0.5]
    np.testing.assert_allclose(dynamics.sample_covariance(xy), np.cov(xy.T), rtol=1e-12)
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    ring = dynamics.covariance_ellipse(cov, np.array([1.0, -1.0]), scale=2.0) - [1.0, -1.0]
    # every point on (x - c)' cov^-1 (x - c) = 4
    q = np.einsum("ni,ij,nj->n", ring, np.linalg.inv(cov), ring)
    np.testing.assert_allclose(q, 4.0, rtol=1e-9)


@pytest.mark.parametrize(
    ("rule", "lr"), [("gd", 0.02), ("gd", 0.08), ("momentum", 0.02), ("nesterov", 0.02)]
)
def test_the_cloud_over_seeds_has_the_predicted_covariance(rule, lr):
    q = ov.surface("quadratic", kappa=5, angle=40)
    rules = {
        "gd": ov.GD(lr=lr),
        "momentum": ov.Momentum(lr=lr, rho=0.8),
        "nesterov": ov.Nesterov(lr=lr, rho=0.8),
    }
    t = ov.run(q, rules[rule], start=(0, 0), steps=600, noise=ov.GaussianNoise(0.5))
    (c,) = dynamics.stationary_clouds(q, [t], seeds=3000)
    # independent: the same seeds' runs through run(), their sample covariance by numpy
    batch = ov.run(
        q,
        rules[rule],
        np.zeros((3000, 2)),
        600,
        noise=ov.GaussianNoise(0.5),
        seed=list(range(3000)),
    )
    np.testing.assert_array_equal(c.xy, batch.xy[:, -1])
    measured = np.cov(batch.xy[:, -1].T, bias=True)  # about the sample mean; the minimum is 0
    scale = np.trace(c.predicted)
    # 3,000 samples: a variance's standard error is about 2.6 %
    assert np.abs(measured - c.predicted).max() < 0.1 * scale, (measured, c.predicted)
    assert c.error < 0.1
    # the prediction is the Lyapunov solution: S = M S M' + B Q B' holds for it
    assert np.allclose(
        c.predicted,
        ov.theory.stationary_covariance(q, lr, 0.5, rho=0.0 if rule == "gd" else 0.8, rule=rule),
    )


def test_stationary_clouds_refuse_what_they_cannot_predict():
    q = ov.surface("quadratic")
    with pytest.raises(ParameterError, match="Gaussian"):
        dynamics.stationary_clouds(q, [ov.run(q, ov.GD(lr=0.1), steps=5)], seeds=10)
    with pytest.raises(ParameterError, match="gd, momentum or nesterov"):
        dynamics.stationary_clouds(
            q, [ov.run(q, ov.Adam(lr=0.1), steps=5, noise=ov.GaussianNoise(1))], seeds=10
        )


# -- sharpness along the path ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rule",
    [
        ov.GD(lr=0.3),
        ov.Momentum(lr=0.3, rho=0.7),
        ov.Nesterov(lr=0.3, rho=0.7),
        ov.Nesterov(lr=0.1, rho=0.95),
    ],
    ids=lambda r: r.label,
)
def test_the_threshold_is_where_the_rules_iteration_matrix_leaves_the_unit_disc(rule):
    # independent of the formula: the spectral radius of theory's iteration matrix at curvature lambda
    lam = dynamics.stability_threshold(rule)
    rho = getattr(rule, "rho", 0.0)
    below = ov.theory.spectral_radius(rule.name, lam * (1 - 1e-6), rule.lr, rho)
    above = ov.theory.spectral_radius(rule.name, lam * (1 + 1e-6), rule.lr, rho)
    assert below < 1 < above


def test_adams_threshold_is_the_formula_of_cohen_et_al():
    rule = ov.Adam(lr=0.02, betas=(0.8, 0.99))
    assert dynamics.stability_threshold(rule) == pytest.approx((2 + 2 * 0.8) / ((1 - 0.8) * 0.02))


def test_sharpness_is_the_top_eigenvalue_of_the_hessian_and_adams_preconditioned_one():
    s = ov.surface("rosenbrock")
    runs = [ov.run(s, ov.GD(lr=1e-3), steps=40), ov.run(s, ov.Adam(lr=0.05), steps=40)]
    gd, adam = dynamics.sharpness_along(s, runs)
    H = s.hessian(runs[0].xy)
    np.testing.assert_allclose(gd.sharpness, np.linalg.eigvalsh(H)[:, -1], rtol=1e-10)
    # Adam: eigenvalues of diag(p) H with p from torch's formula, by numpy
    t = runs[1]
    v = t.state["exp_avg_sq"]
    steps = np.arange(1, 42)[:, None]
    p = 1 / (np.sqrt((0.999 * v + 0.001 * t.grad**2) / (1 - 0.999**steps)) + 1e-8)
    PH = p[:, :, None] * s.hessian(t.xy)
    top = np.linalg.eigvals(PH).real.max(axis=1)
    np.testing.assert_allclose(adam.sharpness, top, rtol=1e-9)
    # the eigenvector: diag(p) H v = lambda v
    w = adam.top
    lhs = np.einsum("nij,nj->ni", PH, w)
    np.testing.assert_allclose(lhs, adam.sharpness[:, None] * w, rtol=1e-8, atol=1e-8 * top.max())


def test_nesterovs_sharpness_is_taken_at_the_stored_point_where_its_stability_is_decided():
    """Torch's Nesterov stores the look-ahead point p (``t.xy``) and takes the gradient there; the figures draw
    the actual points x = p + lr rho b. The step from (p_k, b_k) depends on the surface only through grad(p_k),
    so its Jacobian, whose spectral radius says whether the step is stable, holds H(p_k): the sharpness and its
    threshold belong at the stored point, where sharpness_along takes them, not at x_k."""
    from optviz.optimizers import NesterovState

    s = ov.surface("himmelblau")
    rule = ov.Nesterov(lr=0.01, rho=0.9)
    t = ov.run(s, rule, start=(0.5, -4.5), steps=30)
    (sharp,) = dynamics.sharpness_along(s, [t])
    np.testing.assert_array_equal(t.grad[:30], s.grad(t.xy[:30]))  # the gradient is taken at p
    np.testing.assert_allclose(
        sharp.sharpness, np.linalg.eigvalsh(s.hessian(t.xy))[:, -1], rtol=1e-12
    )
    buf, actual = t.state["momentum_buffer"], t.state["position"]

    def step(z, k):  # (p, b) -> the engine's next (p, b), the gradient from the surface
        p, b = z[:2], z[2:]
        new, state = rule.update(s.grad(p), NesterovState(k, b, p), p)
        return np.concatenate([new, state.momentum_buffer])

    radius = lambda xy: max(  # noqa: E731 -- theory's closed form, over both curvatures at xy
        float(ov.theory.spectral_radius("nesterov", lam, rule.lr, rule.rho))
        for lam in np.linalg.eigvalsh(s.hessian(xy))
    )
    for k in (3, 10, 20):
        z = np.concatenate([t.xy[k], buf[k]])
        np.testing.assert_allclose(step(z, k)[:2], t.xy[k + 1], rtol=1e-13)  # the run's own step
        h = 1e-6
        jacobian = np.column_stack(
            [(step(z + h * e, k) - step(z - h * e, k)) / (2 * h) for e in np.eye(4)]
        )
        measured = float(np.abs(np.linalg.eigvals(jacobian)).max())
        assert measured == pytest.approx(radius(t.xy[k]), rel=1e-5)
        assert measured != pytest.approx(
            radius(actual[k]), rel=1e-3
        )  # x_k's Hessian would be wrong


def test_past_the_threshold_the_step_along_the_top_eigenvector_flips_and_grows():
    q = ov.surface("quadratic", kappa=10)  # curvatures 1 and 10 along the axes
    (s,) = dynamics.sharpness_along(q, [ov.run(q, ov.GD(lr=0.21), start=(-4, 1e-3), steps=40)])
    assert s.crossed == 0 and s.threshold < 10
    c = s.component
    assert np.all(np.sign(c[1:]) != np.sign(c[:-1]))  # flips each step
    np.testing.assert_allclose(
        np.abs(c[1:] / c[:-1])[-10:], abs(1 - 0.21 * 10), rtol=1e-6
    )  # |1 - lr lambda|
    (stable,) = dynamics.sharpness_along(q, [ov.run(q, ov.GD(lr=0.19), start=(-4, 1e-3), steps=40)])
    assert stable.crossed is None and stable.growth(20) < 1


# -- Adam's preconditioner ---------------------------------------------------------------------------------------
def test_adams_effective_steps_are_torchs_denominator_and_kappa_is_numpys():
    q = ov.surface("quadratic", kappa=25, angle=30)
    t = ov.run(q, ov.Adam(lr=0.05, betas=(0.8, 0.95), eps=1e-6), steps=60)
    (a,) = dynamics.adam_steps(q, [t], ellipses=5)
    # the step of coordinate i from iterate k: -lr m_hat / (sqrt(v_hat) + eps); with m's bias correction,
    # (x_{k+1} - x_k) = -(steps_k / (1 - beta1^(k+1))) * m_{k+1}
    m = 0.8 * t.state["exp_avg"] + 0.2 * t.grad
    k = np.arange(1, 62)[:, None]
    predicted = -a.steps * m / (1 - 0.8**k)
    np.testing.assert_allclose(predicted[:-1], np.diff(t.xy, axis=0), rtol=1e-9, atol=1e-15)
    PH = (a.steps / 0.05)[:, :, None] * q.hessian(t.xy)
    ev = np.abs(np.linalg.eigvals(PH))
    np.testing.assert_allclose(a.kappa, ev.max(1) / ev.min(1), rtol=1e-9)
    np.testing.assert_allclose(a.kappa_h, 25.0, rtol=1e-9)
    assert a.shown.tolist() == [0, 15, 30, 45, 60]
    # each drawn shape: Adam's is axis-aligned with semi-axes in the ratio of the steps; H^-1's is rotated by 30
    for j, s in enumerate(a.shown):
        ratio = a.steps[s, 1] / a.steps[s, 0]
        width, height = np.ptp(a.adam_shape[j], axis=0)
        assert height / width == pytest.approx(ratio, rel=1e-3)
    far = a.newton_shape[0][np.argmax(np.hypot(*a.newton_shape[0].T))]
    assert np.degrees(np.arctan2(far[1], far[0])) % 180 == pytest.approx(
        30, abs=3
    )  # the flat direction


def test_a_diagonal_preconditioner_fits_an_aligned_valley_and_not_a_rotated_one():
    out = {}
    for angle in (0, 45):
        q = ov.surface("quadratic", kappa=25, angle=angle)
        (a,) = dynamics.adam_steps(q, [ov.run(q, ov.Adam(lr=0.1), steps=100)])
        out[angle] = np.median(a.kappa[20:])
    assert out[0] < 0.25 * 25 and out[45] > 0.9 * 25


def test_adam_steps_refuse_another_rule():
    q = ov.surface("quadratic")
    with pytest.raises(ParameterError, match="must be adam"):
        dynamics.adam_steps(q, [ov.run(q, ov.GD(lr=0.1), steps=3)])


def test_the_basins_animation_fills_the_maps_and_the_bars_in():
    from optviz.scenario import figure

    s = ov.surface("himmelblau")
    runs = [ov.run(s, ov.GD(lr=0.01), steps=200)]
    scene = figure("basins", s, runs, grid=12, frames=5, pyplot=False)
    b = scene.results["basins"]
    (handle,) = scene.handles
    unsettled = 100.0 * np.ones(1)
    scene.set_frame(0)  # nothing has reached a minimum at step 0: the bar is all "no minimum"
    widths = [r.get_width() for r in handle.bars[0]]
    assert widths[-1] == pytest.approx(unsettled[0]) and sum(widths[:-1]) == 0
    scene.set_frame(200)  # the end: each minimum's share
    widths = [r.get_width() for r in handle.bars[0]]
    np.testing.assert_allclose(widths[:4], [100 * b.share(0, j) for j in range(4)])
    np.testing.assert_array_equal(np.asarray(handle.images[0].get_array()), b.labels[0])


@pytest.mark.slow
def test_the_basins_gif_holds_one_frame_per_distinct_picture_for_as_long_as_its_steps(tmp_path):
    """The maps change only at the snapshots, and not at all once every run has settled: the GIF holds one
    frame per snapshot that changes the picture (not one per step of the timeline, most of them repeats), and
    the last step, each lasting the timeline's frames it stands for, so the whole lasts as long."""
    from optviz import anim
    from optviz.scenario import figure
    from optviz.testing import read_gif

    s = ov.surface("himmelblau")
    runs = [ov.run(s, ov.GD(lr=0.01), steps=200)]
    scene = figure(
        "basins", s, runs, grid=12, frames=5, size=(4.0, 2.5), dpi=60, pyplot=False
    )  # (small: the frames' pixels are not the point)
    b = scene.results["basins"]
    np.testing.assert_array_equal(b.frames, [0, 50, 100, 150, 200])
    # every start has settled by step 100: the snapshots of steps 150 and 200 repeat it
    np.testing.assert_array_equal(b.labels_at[0][3], b.labels_at[0][2])
    np.testing.assert_array_equal(b.labels[0], b.labels_at[0][2])
    assert (b.labels_at[0][1] != b.labels_at[0][2]).any()
    assert scene.keyframes == [0, 50, 100, 200]  # the last step stays: the GIF ends on it
    anim.write_scene_gif(scene, tmp_path / "basins.gif", stride=2)
    gif = read_gif(tmp_path / "basins.gif")
    assert len(gif.frames) == 4
    ms = anim.frame_duration(anim.FPS)
    timeline = anim.frame_durations(len(anim.frame_steps(200, stride=2)), anim.FPS, anim.HOLD)
    # steps 0, 2, ..., 48 show the snapshot of step 0: 25 frames of the timeline; 100, ..., 198 the settled
    # picture of step 100: 50; the last, step 200, holds
    assert gif.durations.tolist() == [25 * ms, 25 * ms, 50 * ms, timeline[-1]]
    assert int(gif.durations.sum()) == sum(timeline)

    # The pictures (without the counter): each step of the timeline shows exactly the picture of its keyframe,
    # and the kept keyframes' pictures differ from one to the next but for the last step's.
    frames, steps = anim.render_frames(scene, stride=2, counter=False)
    assert steps == [0, 50, 100, 200]
    assert all((frames[i] != frames[i + 1]).any() for i in range(2))
    np.testing.assert_array_equal(frames[3], frames[2])
    scene.keyframes = None  # every step of the timeline drawn for itself
    every, timeline_steps = anim.render_frames(scene, stride=2, counter=False)
    assert timeline_steps == list(range(0, 201, 2))
    for k, picture in zip(timeline_steps, every, strict=True):
        key = max(j for j in steps if j <= k)
        np.testing.assert_array_equal(picture, frames[steps.index(key)], err_msg=f"step {k}")


def test_basins_keyframes_are_the_snapshots_that_change_a_label():
    """Of the snapshots, the keyframes keep the first, those where some rule's label of some start changes
    (from the picture before), and the last step; between two keyframes every step shows the same labels."""
    from optviz.scenario import figure

    s = ov.surface("himmelblau")
    runs = [
        ov.run(s, ov.GD(lr=0.01), steps=400),
        ov.run(s, ov.Momentum(lr=0.01, rho=0.9), steps=400),
    ]
    scene = figure("basins", s, runs, grid=12, frames=9, pyplot=False)
    b = scene.results["basins"]
    (handle,) = scene.handles
    np.testing.assert_array_equal(b.frames, np.arange(0, 401, 50))
    changed = [
        int(f)
        for j, f in enumerate(b.frames)
        if j > 0 and any((la[j] != la[j - 1]).any() for la in b.labels_at)
    ]
    assert changed and len(changed) < len(b.frames) - 1  # some snapshots change a label, not all
    assert scene.keyframes == sorted({0, *changed, 400})
    for k in range(401):
        key = max(j for j in scene.keyframes if j <= k)
        for i in range(2):
            np.testing.assert_array_equal(
                handle.labels(i, k), handle.labels(i, key), err_msg=f"{i} {k}"
            )


# -- what a scenario file gets wrong: one line, exit 2, nothing written ------------------------------------------
HEAD = '[surface]\nname = "himmelblau"\n'
BAD = [  # (file, its text after the title, the field named, a phrase of the message)
    ("basins_grid", "basins", "[figure]\ngrid = 2000\n", "figure.grid", "at most 1,000"),
    (
        "basins_work",
        "basins",
        "steps = 1000\n[figure]\ngrid = 1000\n",
        "figure.grid",
        "the limit is 500,000,000",
    ),
    ("basins_noise", "basins", "noise = { sigma = 1.0 }\n", "run[0].noise", "exact gradients"),
    ("clouds_noise", "stationary_noise", "", "run[0].noise", "Gaussian"),
    (
        "sharp_schedule",
        "sharpness",
        'schedule = { name = "exponential", gamma = 0.9 }\n',
        "run[0].schedule",
        "constant lr",
    ),
    ("precond_rule", "preconditioner", "", "run[0].rule", "must be adam"),
]
RULE = '[[run]]\nrule = "gd"\nlr = 0.01\n'


@pytest.mark.parametrize(("name", "kind", "text", "field", "phrase"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_dynamics_scenario_is_one_line(tmp_path, capsys, name, kind, text, field, phrase):
    from optviz.cli import main

    source = tmp_path / f"{name}.toml"
    source.write_text(f'title = "x"\nkind = "{kind}"\n' + HEAD + RULE + text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["render", str(source), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"{source}: {field}: "), err
    assert phrase in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_the_stationary_noise_animation_spreads_the_cloud_out():
    from optviz.scenario import figure

    q = ov.surface("quadratic", kappa=4)
    runs = [ov.run(q, ov.GD(lr=0.05), start=(0, 0), steps=200, noise=ov.GaussianNoise(1.0))]
    scene = figure("stationary_noise", q, runs, seeds=50, frames=5, pyplot=False)
    (c,) = scene.results["clouds"]
    (handle,) = scene.handles
    np.testing.assert_array_equal(c.at, [0, 50, 100, 150, 200])
    scene.set_frame(0)  # every seed at the start
    np.testing.assert_array_equal(np.column_stack(handle.artist.get_data()), np.zeros((50, 2)))
    scene.set_frame(120)  # the snapshot of step 100: the runs themselves there
    batch = ov.run(
        q, ov.GD(lr=0.05), np.zeros((50, 2)), 200, noise=ov.GaussianNoise(1.0), seed=list(range(50))
    )
    np.testing.assert_array_equal(np.column_stack(handle.artist.get_data()), batch.xy[:, 100])
    scene.set_frame(200)
    np.testing.assert_array_equal(np.column_stack(handle.artist.get_data()), batch.xy[:, -1])

    # The clouds change only at the snapshots: the animation holds one frame per snapshot (its keyframes),
    # and every step of the timeline shows what its keyframe shows.
    from optviz import anim

    assert scene.keyframes == [0, 50, 100, 150, 200]
    plan = anim.plan_frames(scene, stride=2)
    assert plan.steps == [0, 50, 100, 150, 200] and sum(plan.repeats) == 101
    for k in range(0, 201, 2):
        scene.set_frame(k)
        shown = np.column_stack(handle.artist.get_data())
        scene.set_frame(max(key for key in scene.keyframes if key <= k))
        np.testing.assert_array_equal(np.column_stack(handle.artist.get_data()), shown)
