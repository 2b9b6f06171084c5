"""Issue 18's lecture figures: each scenario's claim checked on the data it draws, against independent
computations (slopes as dot products and as finite differences, the numeric gradient recomputed, the minibatch
spread against 1/sqrt(B) over every draw, the SVM against its optimality conditions, fold means recomputed), and
the kinds' one-line errors."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def scenario(gallery, name):
    return gallery.computed(ROOT / "scenarios" / f"{name}.toml")


def text_of(sc):
    return (sc.title + " " + sc.description).replace("−", "-")


# -- steepest descent -----------------------------------------------------------------------------------------
def test_steepest_descent_slopes_are_dot_products_and_minus_grad_is_steepest(gallery):
    from optviz.gradients import directional_slopes

    sc, data = scenario(gallery, "steepest_descent")
    s, p = data.surface, np.asarray(data.options.point, dtype=float)
    d = directional_slopes(s, p, 720)
    # Each slope is the directional derivative: a central difference of f along u, independently of grad.
    u = np.stack([np.cos(d.angles), np.sin(d.angles)], axis=1)
    h = 1e-6
    fd = (s.value(p + h * u) - s.value(p - h * u)) / (2 * h)
    np.testing.assert_allclose(d.slope, fd, atol=1e-6 * d.norm)
    np.testing.assert_allclose(d.slope, u @ s.grad(p), atol=1e-12)
    # The most negative slope is along -grad (to the grid's spacing), and equals -|grad|; zero along the tangent.
    k = int(np.argmin(d.slope))
    assert np.hypot(*(u[k] - d.steepest)) < 2 * np.pi / 720
    assert d.slope.min() == pytest.approx(-np.hypot(*s.grad(p)), rel=1e-4)
    assert float(d.steepest @ s.grad(p)) == pytest.approx(-d.norm)
    # ... and -grad does not point at the minimum (the claim's last part, on an ill-conditioned quadratic).
    to_min = (s.minima[0] - p) / np.hypot(*(s.minima[0] - p))
    assert float(to_min @ d.steepest) < 0.99
    assert "u · ∇f" in sc.title and "−∇f" in sc.title


def test_steepest_descent_draws_the_two_lobes_from_the_slopes(gallery):
    from optviz.scenario import draw

    sc, data = scenario(gallery, "steepest_descent")
    scene = draw(sc, data, dpi=40)
    d = scene.results["slopes"]
    polar = next(ax for ax in scene.fig.axes if ax.name == "polar")
    descent, ascent = polar.lines[:2]
    r_descent = np.asarray(descent.get_ydata(), dtype=float)
    np.testing.assert_allclose(r_descent[d.slope < 0], -d.slope[d.slope < 0])
    assert np.all(np.isnan(r_descent[d.slope > 0]))
    r_ascent = np.asarray(ascent.get_ydata(), dtype=float)
    np.testing.assert_allclose(r_ascent[d.slope > 0], d.slope[d.slope > 0])
    # The example direction, towards the minimum: its slope is its dot product with the gradient, drawn as a
    # chord of the descent lobe, less steep than -grad's; the description gives both numbers.
    u, slope = scene.results["example"]
    s, p = data.surface, np.asarray(data.options.point, dtype=float)
    to_min = (s.minima[0] - p) / np.hypot(*(s.minima[0] - p))
    np.testing.assert_allclose(u, to_min, atol=1e-12)
    assert slope == pytest.approx(float(to_min @ s.grad(p))) and d.steepest_slope < slope < 0
    (marker,) = [ln for ln in polar.lines if ln.get_label() == "_example"]
    assert np.asarray(marker.get_ydata(), dtype=float)[-1] == pytest.approx(-slope)
    # Animated: u turns once around the point; at every frame the chord is |u . grad f| (frame 0: u one full
    # turn before the example, so the same direction; frame 45: the opposite one, an ascent as steep).
    scene.set_frame(45)
    a, r = (np.asarray(v, dtype=float)[-1] for v in marker.get_data())
    assert r == pytest.approx(abs(np.cos(a) * d.grad[0] + np.sin(a) * d.grad[1]))
    assert r == pytest.approx(-slope) and np.cos(a) * d.grad[0] + np.sin(a) * d.grad[1] > 0
    assert f"({-d.norm:.1f})" in text_of(sc) and f"({slope:.1f} that way)" in text_of(sc)
    scene.close()


def test_steepest_descent_refuses_a_point_without_a_steepest_direction():
    q = ov.surface("quadratic")
    with pytest.raises(ParameterError, match=r"figure.point: the gradient is zero at \[0.0, 0.0\]"):
        ov.figures.figure("steepest_descent", q, point=[0.0, 0.0])


# -- the numeric gradient, worked -----------------------------------------------------------------------------
def test_numeric_gradient_worked_matches_the_analytic_gradient_at_one_evaluation_per_coordinate(
    gallery,
):
    from optviz.classifier import LinearClassifier
    from optviz.scenario import draw

    sc, data = scenario(gallery, "numeric_gradient_worked")
    o = data.options
    assert (o.loss, o.reg, o.h) == ("svm", 0.1, 1e-4)
    scene = draw(sc, data, dpi=40)
    w = scene.results["worked"]
    m = LinearClassifier(loss="svm", reg=0.1)
    x = m.flat_params()
    # Recomputed independently: W + h e_i through new classifiers, and the forward difference.
    for i in range(len(x)):
        nudged = x.copy()
        nudged[i] += 1e-4
        W, b = nudged[:6].reshape(3, 2), nudged[6:]
        loss = m.with_params(W=W, b=b).evaluate().total
        assert w.shifted[i] == loss
        assert w.numeric[i] == pytest.approx((loss - m.evaluate().total) / 1e-4, rel=1e-12)
    np.testing.assert_allclose(
        w.analytic, np.concatenate([m.evaluate().dW.ravel(), m.evaluate().db])
    )
    # "match": forward-difference truncation only, of order h (the SVM is piecewise linear in W, plus lambda W^2)
    assert np.max(np.abs(w.numeric - w.analytic)) < 2 * 0.1 * 1e-4 + 1e-9
    assert (
        w.evaluations == 10 and "ten loss evaluations" in sc.description
    )  # nine coordinates and loss(W)
    table = next(t for ax in scene.fig.axes for t in ax.tables)
    assert [table[r + 1, 0].get_text().get_text() for r in range(9)][:2] == ["W[0,0]", "W[0,1]"]
    assert table[1, 3].get_text().get_text() == f"{w.numeric[0]:.4f}"
    # The losses are shown with digits enough to redo each difference by hand, as on the slide.
    texts = [t.get_text() for ax in scene.fig.axes for t in ax.texts]
    shown = float(next(t for t in texts if t.startswith("current W")).split("= ")[1].split(";")[0])
    for r in range(9):
        by_hand = (float(table[r + 1, 2].get_text().get_text()) - shown) / 1e-4
        assert by_hand == pytest.approx(w.numeric[r], abs=0.01)
    scene.close()


def test_numeric_gradient_worked_animates_one_coordinate_a_frame(gallery):
    from _blitcheck import assert_blits_exactly

    from optviz.figures.gradients import WorkedFrames
    from optviz.scenario import draw

    sc, data = scenario(gallery, "numeric_gradient_worked")
    assert "gif" in sc.output.formats and sc.kind.animated
    scene = draw(sc, data, size=(6.4, 3.6), dpi=30)
    (handle,) = [h for h in scene.handles if isinstance(h, WorkedFrames)]
    w = scene.results["worked"]
    n = len(w.numeric)
    static = (
        [t.get_text() for pair in handle.texts for t in pair],
        np.column_stack(handle.dots.get_data()),
    )
    assert scene.last_step == n == 9
    for k in (0, 1, 4, n):
        scene.set_frame(k)
        # Rows before k say their nudged loss and forward difference (the numbers recomputed here), the rest "?".
        for j, (loss_text, numeric_text) in enumerate(handle.texts):
            if j < k:
                assert float(numeric_text.get_text()) == pytest.approx(w.numeric[j], abs=5e-5)
                assert float(loss_text.get_text()) == pytest.approx(w.shifted[j], abs=1e-6)
            else:
                assert (loss_text.get_text(), numeric_text.get_text()) == ("?", "?")
        np.testing.assert_array_equal(
            np.column_stack(handle.dots.get_data()), np.column_stack([w.numeric[:k], np.arange(k)])
        )
    # The last frame is the static figure.
    assert [t.get_text() for pair in handle.texts for t in pair] == static[0]
    np.testing.assert_array_equal(np.column_stack(handle.dots.get_data()), static[1])
    # The first and the last frame blitted as fully redrawn (each redraws the whole table: its cells' texts are
    # drawn by it); the GIF's frames and bytes are held by the gallery's baseline and reproducibility tests.
    assert_blits_exactly(scene, stride=9)
    scene.close()


def test_numeric_gradient_worked_on_a_dataset_surface():
    s = ov.surface("logistic_regression")
    scene = ov.figures.figure("numeric_gradient_worked", s, h=1e-5, pyplot=False, dpi=40)
    w = scene.results["worked"]
    assert w.evaluations == 3 and np.allclose(w.numeric, s.grad(s.start), rtol=1e-3)
    with pytest.raises(ParameterError, match=r"figure\.point: is the point on a surface"):
        ov.figures.figure("numeric_gradient_worked", point=[1.0, 2.0])


# -- minibatch gradients --------------------------------------------------------------------------------------
def test_minibatch_spread_falls_as_one_over_sqrt_b_and_matches_both_predictions(gallery):
    sc, data = scenario(gallery, "minibatch_gradients")
    m, s = data.study, data.surface
    assert m.n == s.n_samples >= 2000 and m.batch_sizes == (1, 8, 32, 64, 128)
    # The full gradient and Sigma, independently: the surface's gradient, numpy's covariance of the examples.
    np.testing.assert_allclose(m.full, s.grad(m.point), rtol=1e-12)
    np.testing.assert_allclose(m.sigma, np.cov(s.sample_grads(m.point).T, bias=True), rtol=1e-10)
    draws = m.with_replacement.shape[1]
    assert draws >= 2000
    b = np.asarray(m.batch_sizes, dtype=float)
    for measured, predicted in (
        (m.with_replacement, m.predicted_with),
        (m.without_replacement, m.predicted_without),
    ):
        # Each cloud is centred on the full gradient (within 4 standard errors) ...
        se = np.sqrt(np.diagonal(predicted, axis1=1, axis2=2) / draws)
        assert np.all(np.abs(measured.mean(axis=1) - m.full) < 4 * se)
        # ... its covariance is the predicted one (each entry within 15%: 2000 draws) ...
        cov = np.stack([np.cov(g.T, bias=True) for g in measured])
        np.testing.assert_allclose(
            cov,
            predicted,
            rtol=0.15,
            atol=0.15 * np.abs(predicted).max(axis=(1, 2))[:, None, None].min(),
        )
        # ... and its mean squared distance from the full gradient is tr(predicted), within 4 standard errors
        # of that mean over the draws (the per-example gradients are heavy-tailed: no Gaussian shortcut).
        squared = ((measured - m.full[None, None, :]) ** 2).sum(axis=2)  # (len(B), draws)
        se = squared.std(axis=1) / np.sqrt(draws)
        assert np.all(np.abs(squared.mean(axis=1) - np.trace(predicted, axis1=1, axis2=2)) < 4 * se)
        # The spread falls as 1/sqrt(B): the log-log slope over B = 1 ... 128 is -1/2.
        spread = np.sqrt(squared.mean(axis=1))
        correction = 1.0 if predicted is m.predicted_with else np.sqrt((m.n - b) / (m.n - 1))
        slope = np.polyfit(np.log(b), np.log(spread / correction), 1)[0]
        assert slope == pytest.approx(-0.5, abs=0.02)
    # The 2-sigma ellipse holds 1 - e^-2 = 86.5% of a large batch's draws (they are nearly Gaussian).
    for j in (2, 3, 4):
        g = m.without_replacement[j] - m.full
        inv = np.linalg.inv(m.predicted_without[j])
        inside = np.einsum("ni,ij,nj->n", g, inv, g) <= 4
        assert inside.mean() == pytest.approx(1 - np.exp(-2), abs=0.03)
    # Without replacement is tighter, by sqrt((N - B)/(N - 1)).
    ratio = np.trace(m.predicted_without, axis1=1, axis2=2) / np.trace(
        m.predicted_with, axis1=1, axis2=2
    )
    np.testing.assert_allclose(ratio, (m.n - b) / (m.n - 1))
    assert (
        "1/√B" in sc.title and "Σ/B" in sc.description and "Σ(N − B)/(B(N − 1))" in sc.description
    )


def test_minibatch_figure_draws_the_predicted_ellipses(gallery):
    from optviz.scenario import draw

    sc, data = scenario(gallery, "minibatch_gradients")
    m = data.study
    scene = draw(sc, data, dpi=40)
    left = next(ax for ax in scene.fig.axes if ax.get_title().startswith("with replacement"))
    rings = [ln for ln in left.lines if ln.get_label().startswith("B = ")]
    assert [ln.get_label() for ln in rings] == [f"B = {b}" for b in m.batch_sizes]
    for ring, cov in zip(rings, m.predicted_with, strict=True):
        xy = np.column_stack(ring.get_data()) - m.full
        q = np.einsum("ni,ij,nj->n", xy, np.linalg.inv(cov), xy)
        np.testing.assert_allclose(q, 4.0, rtol=1e-9)  # the 2-sigma ellipse of Sigma / B
    scene.close()


@pytest.fixture(scope="module")
def minibatch_scene(gallery):
    """The gallery's minibatch figure drawn once, small (the tests set frames; each leaves it at its last)."""
    from optviz.scenario import draw

    sc, data = scenario(gallery, "minibatch_gradients")
    scene = draw(sc, data, size=(6.4, 3.6), dpi=30)
    yield sc, data, scene
    scene.close()


def minibatch_frames(scene):
    from optviz.figures.gradients import MinibatchFrames

    (handle,) = [h for h in scene.handles if isinstance(h, MinibatchFrames)]
    return handle


def artist_data(handle):
    return [np.column_stack(a.get_data()) for a, *_ in handle.clouds + handle.markers]


def test_minibatch_animation_takes_the_draws_in_order_and_ends_on_the_static_figure(
    minibatch_scene,
):
    from optviz.figures.gradients import draw_counts

    sc, data, scene = minibatch_scene
    m = data.study
    assert "gif" in sc.output.formats and sc.kind.animated
    handle = minibatch_frames(scene)
    static = artist_data(handle)  # the scene as drawn: the static figure
    counts = draw_counts(m.with_replacement.shape[1])
    assert scene.last_step == len(counts) - 1 and counts[0] == 0 and counts[-1] == 2000
    assert list(counts[:21]) == list(range(21)) and np.all(np.diff(counts) > 0)
    shown = int(data.options.shown)
    clouds = [*m.with_replacement, *m.without_replacement]  # in the order the figure draws them
    for k in (0, 1, 7, 38, 45, scene.last_step):
        scene.set_frame(k)
        c = int(counts[k])
        # Frame k shows the first counts[k] draws of every cloud (as dots, at most `shown`) ...
        for (dots, _), g in zip(handle.clouds, clouds, strict=True):
            np.testing.assert_array_equal(np.column_stack(dots.get_data()), g[: min(c, shown)])
        # ... and each spread measured over exactly those draws: rms |g_B - full|, recomputed with numpy.
        # (the markers: B = 1 with, B = 1 without, B = 8 with, ...)
        spreads = [np.column_stack(marker.get_data()) for marker, *_ in handle.markers]
        for j, b in enumerate(m.batch_sizes):
            pairs = (
                (m.with_replacement, spreads[2 * j]),
                (m.without_replacement, spreads[2 * j + 1]),
            )
            for sampled, got in pairs:
                if c == 0:
                    assert got.shape == (0, 2)
                    continue
                rms = np.sqrt(np.mean(np.linalg.norm(sampled[j, :c] - m.full, axis=1) ** 2))
                np.testing.assert_allclose(got, [[b, rms]], rtol=1e-12)
        text = handle.readout.get_text()
        assert text == ("" if k == scene.last_step else f"{c:,} draw{'s' if c != 1 else ''} of each B"
                        f" (dots: the first {min(c, shown)})")  # fmt: skip
    # The last frame is the static figure, artist for artist.
    for got, want in zip(artist_data(handle), static, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.slow
def test_minibatch_gif_blits_exactly_and_renders_byte_for_byte(minibatch_scene, tmp_path):
    from _blitcheck import assert_blits_exactly

    from optviz.anim import write_scene_gif
    from optviz.testing import read_gif

    sc, _, scene = minibatch_scene
    # Three frames (0, 30, 60) of the 61: each redraws the spread panel's legend over the markers.
    assert_blits_exactly(scene, stride=30)
    timing = {"fps": sc.output.gif.fps, "stride": 30, "hold": sc.output.gif.hold}
    first = write_scene_gif(scene, tmp_path / "a.gif", **timing).read_bytes()
    assert write_scene_gif(scene, tmp_path / "b.gif", **timing).read_bytes() == first
    gif = read_gif(tmp_path / "a.gif")
    assert scene.last_step == 60 and len(gif.frames) == 3
    assert gif.durations[0] == 80 and gif.durations[-1] == 2080  # 12 fps, held 2 s
    # The frames differ: the draws come in.
    assert not np.array_equal(gif.frames[0], gif.frames[-1])


def test_minibatch_gradients_refuses_what_it_cannot_draw():
    with pytest.raises(
        ParameterError, match="figure kind 'minibatch_gradients' draws a dataset surface"
    ):
        ov.figures.figure("minibatch_gradients", ov.surface("rosenbrock"), study=None)
    s = ov.surface("least_squares", n_samples=100)
    with pytest.raises(
        ParameterError, match=r"figure\.batch_sizes: 128 is more than the surface.s 100 examples"
    ):
        ov.figures.figure("minibatch_gradients", s, study=None)
    with pytest.raises(ParameterError, match=r"figure\.batch_sizes: must be increasing"):
        ov.figures.figure("minibatch_gradients", s, batch_sizes=[8, 1], study=None)


# -- regularization strength ----------------------------------------------------------------------------------
def kkt_violation(X, t, fit):
    """How far an SVM fit is from the optimality conditions: alpha in [0, 1] (1 inside the margin, 0 outside,
    free on it), lam w = mean alpha t x, sum alpha t = 0; the free alphas by least squares."""
    u = t * fit.decision(X)
    inside, on = u < 1 - 1e-7, np.abs(u - 1) <= 1e-7
    n = len(t)
    base_w = (inside[:, None] * t[:, None] * X).sum(axis=0) / n
    base_b = float((inside * t).sum())
    A = np.vstack([(t[on, None] * X[on]).T / n, t[on][None, :]])  # 3 x |on|
    rhs = np.concatenate([fit.lam * fit.w - base_w, [-base_b]])
    alpha, *_ = np.linalg.lstsq(A, rhs, rcond=None)
    residual = float(np.abs(A @ alpha - rhs).max()) if on.any() else float(np.abs(rhs).max())
    box = float(np.maximum(0, np.maximum(-alpha, alpha - 1)).max(initial=0.0))
    return max(residual, box)


def test_regularization_strength_wider_margin_higher_loss_and_exact_fits(gallery):
    from optviz.hyperparameters import linear_objective

    sc, data = scenario(gallery, "regularization_strength")
    st = data.study
    assert (data.options.low, data.options.high) == (0.01, 1.0) and len(st.t) == 40
    for loss in ("svm", "softmax"):
        low, high = st.shown[loss]
        assert high.margin > 2 * low.margin and high.data_loss > low.data_loss
        # Along the path both only grow (an SVM's w can stay put over a range of lambda: its margin points'
        # multipliers absorb the change).
        for what in ("data_loss", "margin"):
            curve = st.curve(loss, what)
            assert np.all(np.diff(curve) >= -1e-9) and curve[-1] > 2 * curve[0]
        for fit in (low, high):
            # The margin is 2/|w|: the distance between the lines w.x - b = +1 and -1.
            assert fit.margin == pytest.approx(2 / np.hypot(*fit.w))
            # No nearby (w, b) is lower: 4,000 random neighbours at distances from 1e-6 to 1e-1.
            rng = np.random.default_rng(0)
            step = rng.standard_normal((4000, 3)) * np.geomspace(1e-6, 1e-1, 4000)[:, None]
            w, bias = fit.w + step[:, :2], fit.b + step[:, 2]
            u = st.t * (st.X[:, 0] * w[:, :1] + st.X[:, 1] * w[:, 1:] - bias[:, None])
            per = np.maximum(0, 1 - u) if loss == "svm" else np.logaddexp(0, -u)
            values = per.mean(axis=1) + 0.5 * fit.lam * (w**2).sum(axis=1)
            assert values.min() >= fit.objective - 1e-12
            assert fit.objective == pytest.approx(
                linear_objective(st.X, st.t, fit.lam, loss, fit.w, fit.b)
            )
    for fit in st.shown["svm"]:
        assert kkt_violation(st.X, st.t, fit) < 1e-6
    text = text_of(sc)
    assert "wider margin" in text and "training loss rises" in text


# -- cross-validation -----------------------------------------------------------------------------------------
def test_cross_validation_points_means_and_the_choice(gallery):
    from optviz.hyperparameters import fold_slices, moons
    from optviz.scenario import draw

    sc, data = scenario(gallery, "cross_validation")
    cv, o = data.study, data.options
    X, y = moons(o.n_samples, o.noise, o.seed)
    assert cv.folds == 5 and len(y) == 500
    # Each fold's accuracy recomputed by brute force (a plain loop over test points and sorted distances).
    slices = fold_slices(len(y), 5)
    for i in (0, cv.ks.index(cv.best), len(cv.ks) - 1):
        k = cv.ks[i]
        for f, held in enumerate(slices):
            train = np.setdiff1d(np.arange(len(y)), np.arange(held.start, held.stop))
            correct = 0
            for q in range(held.start, held.stop):
                d = ((X[train] - X[q]) ** 2).sum(axis=1)
                nearest = y[train][np.argsort(d, kind="stable")[:k]]
                correct += int(np.bincount(nearest, minlength=2).argmax() == y[q])
            assert cv.accuracy[i, f] == correct / (held.stop - held.start)
    np.testing.assert_allclose(cv.mean, cv.accuracy.mean(axis=1))
    np.testing.assert_allclose(
        cv.std, np.sqrt(((cv.accuracy - cv.mean[:, None]) ** 2).mean(axis=1))
    )
    assert cv.mean[cv.ks.index(cv.best)] == cv.mean.max()
    # The figure: one point per fold and k, the line through the means, bars of one standard deviation.
    scene = draw(sc, data, dpi=40)
    ax = next(a for a in scene.fig.axes if a.get_ylabel() == "cross-validation accuracy")
    folds = [ln for ln in ax.lines if ln.get_label() in ("one fold's accuracy", "_fold")]
    assert len(folds) == 5 and all(
        np.array_equal(ln.get_ydata(), cv.accuracy[:, f]) for f, ln in enumerate(folds)
    )
    bars = ax.containers[0]
    np.testing.assert_allclose(bars.lines[0].get_ydata(), cv.mean)
    segments = bars.lines[2][0].get_segments()
    np.testing.assert_allclose([s[1, 1] - s[0, 1] for s in segments], 2 * cv.std)
    labels = [t.get_text() for t in scene.fig.legends[0].get_texts()]
    assert f"the folds choose k = {cv.best}: the best mean accuracy, {cv.mean.max():.3f}" in labels
    scene.close()


# -- hostile input: one-line errors naming the field, before anything is computed -----------------------------
@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('kind = "steepest_descent"\n[surface]\nname = "quadratic"\n[figure]\npoint = [1e300, 0.0]\n',
         "figure.point: [1e+300, 0.0] is far outside the view"),
        ('kind = "numeric_gradient_worked"\n[figure]\nh = 1e300\n', "figure.h: must be at most 1, got 1e+300"),
        ('kind = "numeric_gradient_worked"\n[figure]\nreg = 1e300\n', "figure.reg: must be at most 1e+06"),
        ('kind = "minibatch_gradients"\n[surface]\nname = "least_squares"\nn_samples = 1000000\n[figure]\n'
         "draws = 20000\n", "figure.draws: 20000 draws of 5 batch sizes from 1,000,000 examples sample"),
        ('kind = "regularization_strength"\n[figure]\nlow = 1e-300\n', "figure.low: must be between 1e-05 and"),
        ('kind = "regularization_strength"\n[figure]\nlow = 1.0\nhigh = 0.5\n', "figure.high: must be larger"),
        ('kind = "cross_validation"\n[figure]\nnoise = 1e300\n', "figure.noise: must be at most 10"),
        ('kind = "cross_validation"\n[figure]\nks = [1, 500]\nn_samples = 100\n',
         "figure.ks: k = 500 is more than the 80 training points of a fold"),
    ],
)  # fmt: skip
def test_the_lecture_kinds_refuse_hostile_options(tmp_path, capsys, toml, message):
    from optviz.cli import main

    path = tmp_path / "hostile.toml"
    path.write_text(toml)
    assert main(["render", str(path), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}: {message}") and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.toml"]
