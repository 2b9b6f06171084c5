"""Dataset surfaces: derivatives, minima, minibatch interface, and softmax_1d's two regimes."""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.analysis import numerical_gradient, numerical_hessian
from optviz.surfaces import FiniteSumSurface
from optviz.surfaces.learning import sigmoid, softplus

NAMES = ["least_squares", "logistic_regression", "softmax_1d"]
VARIANTS = [
    ("least_squares", {}),
    ("least_squares", {"lam": 0.1, "x_mean": -1.0}),
    ("logistic_regression", {}),
    ("logistic_regression", {"lam": 0.05, "correlation": -0.5}),
    ("softmax_1d", {}),
    ("softmax_1d", {"lam": 0.01}),
    ("softmax_1d", {"gap": -1.0, "threshold": 0.0}),
]


def test_registered_with_defaults():
    for name in NAMES:
        s = ov.surface(name)
        assert name in ov.surface_names() and s.name == name
        assert isinstance(s, FiniteSumSurface) and s.n_samples == len(s.y) == len(s.x)
        assert s.features.shape == (s.n_samples, 2)
        assert s.title and s.latex and len(s.param_names) == 2
        (x0, x1), (y0, y1) = s.bounds
        assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
        for m in s.minima:
            assert x0 <= m[0] <= x1 and y0 <= m[1] <= y1


@pytest.mark.parametrize(("name", "params"), VARIANTS)
def test_derivatives_agree_with_finite_differences(name, params):
    s = ov.surface(name, **params)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = s.bounds
    pts = np.stack([rng.uniform(x0, x1, 25), rng.uniform(y0, y1, 25)], axis=1)
    np.testing.assert_allclose(s.grad(pts), numerical_gradient(s.value, pts), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(
        s.hessian(pts), numerical_hessian(s.value, pts), rtol=1e-4, atol=1e-5
    )
    H = s.hessian(pts)
    np.testing.assert_array_equal(H[..., 0, 1], H[..., 1, 0])
    f, g = s.value_and_grad(pts)
    np.testing.assert_allclose(f, s.value(pts), rtol=1e-15)
    np.testing.assert_allclose(g, s.grad(pts), rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_broadcast_over_grids_in_chunks(name):
    s = ov.surface(name)
    _, _, XY = s.grid(120)  # 14,400 points x n samples: several chunks
    assert s.value(XY).shape == (120, 120) and s.grad(XY).shape == (120, 120, 2)
    assert s.hessian(XY).shape == (120, 120, 2, 2)
    some = XY[::37, ::23].reshape(-1, 2)
    z = some @ s.features.T  # dense, unchunked: (points, samples)
    if name == "least_squares":
        expected = (0.5 * (z - s.y) ** 2).mean(axis=1)
    else:
        expected = np.log1p(np.exp(-(2 * s.y - 1) * z)).mean(axis=1)
    expected = expected + s.reg[0] * some[:, 0] ** 2 + s.reg[1] * some[:, 1] ** 2
    np.testing.assert_allclose(s.value(XY)[::37, ::23].reshape(-1), expected, rtol=1e-12)
    for i, p in enumerate(some):
        np.testing.assert_allclose(s.grad(XY)[::37, ::23].reshape(-1, 2)[i], s.grad(p), rtol=1e-13)
    assert np.shape(s.value([1.0, 2.0])) == () and s.grad([1.0, 2.0]).shape == (2,)


def test_least_squares_minimum_is_the_least_squares_solution():
    s = ov.surface("least_squares")
    solution, *_ = np.linalg.lstsq(s.features, s.y, rcond=None)
    np.testing.assert_allclose(s.minima[0], solution, rtol=1e-12)
    assert np.abs(s.grad(s.minima[0])).max() < 1e-14
    # the Hessian is the second-moment matrix of (x, 1)
    np.testing.assert_allclose(
        s.hessian(s.start), s.features.T @ s.features / s.n_samples, rtol=1e-14
    )
    ridge = ov.surface("least_squares", lam=0.5)
    np.testing.assert_allclose(
        ridge.minima[0],
        np.linalg.solve(
            s.features.T @ s.features / s.n_samples + np.eye(2), s.features.T @ s.y / s.n_samples
        ),
        rtol=1e-12,
    )


@pytest.mark.parametrize(("name", "params"), [v for v in VARIANTS if v != ("softmax_1d", {})])
def test_listed_minima_have_zero_gradient_and_are_minima(name, params):
    s = ov.surface(name, **params)
    assert len(s.minima) == 1
    m = s.minima[0]
    assert np.abs(s.grad(m)).max() < 1e-14
    assert np.all(np.linalg.eigvalsh(s.hessian(m)) > 0)
    ring = m + 1e-3 * np.stack(
        [np.cos(np.linspace(0, 6.28, 16)), np.sin(np.linspace(0, 6.28, 16))], 1
    )
    assert np.all(s.value(ring) > s.value(m))


def test_separable_data_have_no_finite_minimum_without_a_penalty():
    far = ov.surface("logistic_regression", separation=12.0)
    assert len(far.minima) == 0
    assert len(ov.surface("logistic_regression", separation=12.0, lam=0.01).minima) == 1
    # along the separating direction the loss keeps falling
    direction = np.array([1.0, 1.0]) / np.sqrt(2)
    losses = far.value(np.outer([1, 2, 4, 8, 16], direction))
    assert np.all(np.diff(losses) < 0) and losses[-1] > 0
    assert len(ov.surface("softmax_1d", gap=-1.0, threshold=0.0).minima) == 1  # overlapping classes


# -- softmax_1d: the lecture's regularization example ----------------------------------------------
def test_softmax_1d_model_is_a_two_class_softmax():
    s = ov.surface("softmax_1d")
    w, b = 1.7, -0.4
    # class scores s_k = w_k x + b_k with only the differences mattering
    w0, b0 = 0.3, 0.2
    w1, b1 = w0 + w, b0 + b
    scores = np.stack([w0 * s.x + b0, w1 * s.x + b1], axis=1)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    labels = s.y.astype(int)
    np.testing.assert_allclose(
        s.value([w, b]), -np.log(p[np.arange(s.n_samples), labels]).mean(), rtol=1e-13
    )
    np.testing.assert_allclose(s.probability(w, b, s.x), p[:, 1], rtol=1e-13)
    lam = 0.3
    r = ov.surface("softmax_1d", lam=lam)
    assert float(r.value([w, b]) - s.value([w, b])) == pytest.approx(
        lam * w**2, rel=1e-12
    )  # b is free
    # separable by construction: class 1 above threshold + gap/2, class 0 below threshold - gap/2
    assert (
        s.x[s.y == 1].min() >= s.threshold + s.gap / 2
        and s.x[s.y == 0].max() <= s.threshold - s.gap / 2
    )


def test_softmax_1d_without_penalty_has_no_minimum():
    s = ov.surface("softmax_1d")
    assert len(s.minima) == 0
    direction = np.array([1.0, -s.threshold])  # the ray b = -threshold * w of sharpening cliffs
    t = np.linspace(1.0, 150.0, 300)
    points = np.outer(t, direction)
    g = s.grad(points)
    assert np.all(np.hypot(g[:, 0], g[:, 1]) > 0)  # the gradient never vanishes along the ray...
    assert np.all(g @ direction < 0)  # ...and points back along it: the loss keeps falling
    losses = s.value(points)
    assert np.all(np.diff(losses) < 0) and np.all(losses > 0)


@pytest.mark.slow
def test_softmax_1d_gd_grows_w_without_bound():
    s = ov.surface("softmax_1d")
    t = ov.run(s, ov.GD(lr=1.0), steps=20_000)
    w = t.xy[:, 0]
    assert t.status == "max_steps"
    assert np.all(np.diff(w[100:]) > 0)  # w keeps growing...
    growth = [w[2_000] - w[200], w[20_000] - w[2_000]]
    assert min(growth) > 0.5  # ...by a similar amount per decade of steps (w ~ log k): no limit
    assert np.all(np.diff(t.loss[100:]) < 0) and t.loss[-1] < 1e-3
    assert np.hypot(*t.grad[-1]) > 0


@pytest.mark.parametrize("lam", [0.01, 0.1])
def test_softmax_1d_with_penalty_gd_converges_to_the_finite_minimum(lam):
    s = ov.surface("softmax_1d", lam=lam)
    (minimum,) = s.minima
    assert np.abs(s.grad(minimum)).max() < 1e-15
    t = ov.run(s, ov.GD(lr=1.0), steps=20_000, tol=1e-12)
    assert t.status == "converged"
    np.testing.assert_allclose(t.final, minimum, atol=1e-9)
    assert np.hypot(*s.grad(t.final)) < 1e-12
    assert (
        minimum[0] < 10 and abs(minimum[1] + s.threshold * minimum[0]) < 2
    )  # w bounded by the penalty


def test_batch_methods_match_the_full_sums():
    for name in NAMES:
        s = ov.surface(name, lam=0.1)
        rng = np.random.default_rng(1)
        P = rng.standard_normal((4, 2))
        every = np.tile(np.arange(s.n_samples), (4, 1))
        np.testing.assert_allclose(s.batch_value(P, every), s.value(P), rtol=1e-13)
        np.testing.assert_allclose(s.batch_grad(P, every), s.grad(P), rtol=1e-12, atol=1e-15)
        # a batch of one sample: that sample's loss plus the (unsampled) penalty
        i = 3
        one = s.batch_value(P[:1], np.array([[i]]))
        z = s.features[i] @ P[0]
        data = (
            0.5 * (z - s.y[i]) ** 2
            if name == "least_squares"
            else np.log1p(np.exp(-(2 * s.y[i] - 1) * z))
        )
        np.testing.assert_allclose(one, data + s.reg @ P[0] ** 2, rtol=1e-13)
        with pytest.raises(ValueError, match=r"idx must have shape \(N, B\) with N = 4"):
            s.batch_grad(P, np.arange(5))


def test_datasets_are_determined_by_the_seed():
    for name in NAMES:
        a, b, c = ov.surface(name, seed=3), ov.surface(name, seed=3), ov.surface(name, seed=4)
        assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
        assert not np.array_equal(a.x, c.x)
        assert a.params["seed"] == 3
        with pytest.raises(ValueError):
            a.x[0] = 1.0  # read-only dataset


def test_stable_link_functions():
    u = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    assert (
        sigmoid(u).tolist()[2:] == [0.5, 1.0, 1.0]
        and 0 < sigmoid(u)[1] < 1e-17
        and sigmoid(u)[0] == 0
    )
    np.testing.assert_allclose(
        softplus(u), [0.0, np.exp(-40.0), np.log(2), 40.0, 800.0], rtol=1e-15
    )


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("least_squares", {"n_samples": 1}, "n_samples: must be at least 2, got 1"),
        ("least_squares", {"x_std": 0}, "x_std: must be a positive number, got 0.0"),
        ("logistic_regression", {"correlation": 1.0}, "correlation: must be in (-1, 1), got 1.0"),
        ("softmax_1d", {"lam": -0.1}, "lam: must be a non-negative number, got -0.1"),
        ("softmax_1d", {"seed": -1}, "seed: must be at least 0, got -1"),
    ],
)
def test_parameter_errors(name, params, message):
    with pytest.raises(ParameterError) as err:
        ov.surface(name, **params)
    assert str(err.value) == message
