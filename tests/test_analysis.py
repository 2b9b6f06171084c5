"""Hessian analysis against numpy.linalg.eigh; derivative checks that catch wrong derivatives;
finite differences; critical-point refinement and classification."""

from __future__ import annotations

import numpy as np
import pytest
from _surface_helpers import points_in, seeded_rng

import optviz as ov
from optviz.analysis import critical_point_kind, refine_critical_points


def _quadratic_form(H: np.ndarray):
    """1/2 p' H p, whose Hessian is H everywhere: a public way to give hessian_eigen any matrix."""
    a, b, d = H[0, 0], H[0, 1], H[1, 1]
    return ov.surface_from_expression(
        f"{float(a / 2)!r}*x**2 + {float(b)!r}*x*y + {float(d / 2)!r}*y**2"
    )


def _check_eigen(H: np.ndarray, values: np.ndarray, vectors: np.ndarray) -> None:
    expected = np.linalg.eigvalsh(H)
    scale = np.abs(expected).max(axis=-1, keepdims=True)  # errors are relative to the matrix's size
    assert np.all(np.abs(values - expected) <= 1e-14 * scale)
    # Columns are orthonormal eigenvectors, in the order of the eigenvalues (signs are free, as with
    # eigh).
    eye = np.broadcast_to(np.eye(2), vectors.shape)
    np.testing.assert_allclose(np.swapaxes(vectors, -1, -2) @ vectors, eye, atol=1e-14)
    residual = H @ vectors - vectors * values[..., None, :]
    assert np.all(np.abs(residual) <= 1e-14 * scale[..., None])


def test_hessian_eigen_agrees_with_eigh_on_random_symmetric_matrices():
    rng = np.random.default_rng(0)
    for _ in range(60):
        A = rng.normal(size=(2, 2)) * 10 ** rng.uniform(-3, 3)
        H = (A + A.T) / 2
        s = _quadratic_form(H)
        values, vectors = ov.hessian_eigen(s, [0.3, -0.7])
        _check_eigen(s.hessian([0.3, -0.7]), values, vectors)


@pytest.mark.parametrize(
    "H",
    [
        np.diag([2.0, -2.0]),
        np.diag([-1.0, 3.0]),
        np.eye(2),
        np.zeros((2, 2)),
        [[0.0, 1.0], [1.0, 0.0]],
    ],
)
def test_hessian_eigen_on_special_matrices(H):
    H = np.asarray(H, dtype=float)
    values, vectors = ov.hessian_eigen(_quadratic_form(H), [0.0, 0.0])
    _check_eigen(H, values, vectors)


@pytest.mark.parametrize(
    "name", ["himmelblau", "rosenbrock", "six_hump_camel", "ackley", "monkey_saddle"]
)
def test_hessian_eigen_on_surface_grids(name):
    s = ov.surface(name)
    _, _, grid = s.grid(60)
    values, vectors = ov.hessian_eigen(s, grid)
    assert values.shape == (60, 60, 2) and vectors.shape == (60, 60, 2, 2)
    _check_eigen(s.hessian(grid), values, vectors)


def test_condition_number():
    saddle = ov.surface("saddle")
    assert ov.condition_number(saddle, [0.5, 0.5]) == 1.0  # |lambda| = 2 and 2
    assert ov.condition_number(ov.surface("monkey_saddle"), [0.0, 0.0]) == np.inf  # H = 0
    flat = ov.surface_from_expression("x**2")  # H = diag(2, 0): singular everywhere
    assert np.all(ov.condition_number(flat, flat.grid(5)[2]) == np.inf)
    himmelblau = ov.surface("himmelblau")
    xy = points_in(himmelblau.bounds, 100, seeded_rng("kappa"))
    magnitudes = np.abs(np.linalg.eigvalsh(himmelblau.hessian(xy)))
    np.testing.assert_allclose(
        ov.condition_number(himmelblau, xy), magnitudes.max(-1) / magnitudes.min(-1), rtol=1e-12
    )


def test_condition_map_over_a_domain_with_poles_is_quiet():
    s = ov.surface_from_expression("sqrt(x) + 1/y")
    _, _, grid = s.grid(9)  # includes x <= 0 and y = 0
    kappa = ov.condition_number(s, grid)
    assert kappa.shape == (9, 9)
    assert np.isnan(kappa[:, 0]).all() and np.isfinite(kappa[1, -1])


# -- gradcheck and hesscheck -----------------------------------------------------------------------
def _flip_one_sign(grad, axis):
    def wrong(xy):
        g = np.array(grad(xy), dtype=float)
        g[..., axis] = -g[..., axis]
        return g

    return wrong


@pytest.mark.parametrize(
    "name", ["rosenbrock", "beale", "himmelblau", "goldstein_price", "local_minimum"]
)
def test_gradcheck_passes_correct_and_catches_wrong_gradients(name):
    s = ov.surface(name)
    x = s.start
    assert ov.gradcheck(s.value, x, s.grad) < 1e-7
    assert ov.gradcheck(s.value, x, s.grad(x)) < 1e-7  # the gradient as an array works too
    for axis in (0, 1):
        if abs(s.grad(x)[axis]) > 1e-3:
            assert ov.gradcheck(s.value, x, _flip_one_sign(s.grad, axis)) == pytest.approx(
                1.0, abs=1e-6
            )
    off = ov.gradcheck(s.value, x, lambda p: s.grad(p) * 1.01)  # a 1% error shows up as ~0.5%
    assert 4e-3 < off < 6e-3


def test_gradcheck_default_step_is_the_lectures():
    import inspect

    # grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-7) (design section 2)
    assert inspect.signature(ov.gradcheck).parameters["h"].default == 1e-7
    assert inspect.signature(ov.gradcheck).parameters["num_checks"].default == 10


def test_gradcheck_samples_coordinates_of_larger_arrays():
    # The lecture's grad_check_sparse on a 10 x 10 weight matrix: f(W) = sum(W**3), grad 3 W**2.
    W = np.random.default_rng(3).normal(size=(10, 10))
    # (h = 1e-7, the lecture's: round-off of the 100-term sum is ~5e-8, below the lecture's "1e-7 means correct")
    assert ov.gradcheck(lambda w: np.sum(w**3), W, 3 * W**2, num_checks=10, seed=1) < 1e-7
    wrong = 3 * W**2
    wrong[4, 7] += 1.0
    assert (
        ov.gradcheck(lambda w: np.sum(w**3), W, wrong, num_checks=100) > 1e-2
    )  # every entry checked
    with pytest.raises(ValueError, match=r"grad must have the shape of x \(10, 10\), got \(100,\)"):
        ov.gradcheck(lambda w: np.sum(w**3), W, wrong.ravel())


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "ackley", "six_hump_camel"])
def test_hesscheck_passes_correct_and_catches_wrong_hessians(name):
    s = ov.surface(name)
    x = s.start
    assert ov.hesscheck(s.grad, x, s.hessian) < 1e-7

    def transposed_sign(p):  # a wrong mixed derivative
        H = s.hessian(p).copy()
        H[..., 0, 1] = -H[..., 0, 1]
        H[..., 1, 0] = -H[..., 1, 0]
        return H

    if abs(s.hessian(x)[0, 1]) > 1e-3:
        assert ov.hesscheck(s.grad, x, transposed_sign) == pytest.approx(1.0, abs=1e-6)
    assert ov.hesscheck(s.grad, x, lambda p: s.hessian(p) * 1.02) > 5e-3


# -- finite differences ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["himmelblau", "goldstein_price", "ackley", "rastrigin"])
def test_numerical_derivatives_are_accurate(name):
    s = ov.surface(name)
    xy = points_in(s.bounds, 200, seeded_rng(name + "fd"))
    g, H = s.grad(xy), s.hessian(xy)
    g_scale = np.abs(g).max(-1, keepdims=True)
    h_scale = np.abs(H).max((-2, -1), keepdims=True)
    assert np.all(np.abs(ov.numerical_gradient(s.value, xy) - g) <= 1e-7 * g_scale + 1e-9)
    from_grad = ov.numerical_hessian(None, xy, grad=s.grad)
    assert np.all(np.abs(from_grad - H) <= 1e-7 * h_scale + 1e-9)
    from_value = ov.numerical_hessian(s.value, xy)
    assert np.all(np.abs(from_value - H) <= 1e-4 * h_scale + 1e-6)
    np.testing.assert_array_equal(from_grad, np.swapaxes(from_grad, -1, -2))


# -- critical points -------------------------------------------------------------------------------
def test_refine_critical_points_and_kinds():
    s = ov.surface("six_hump_camel")
    guesses = np.round(np.concatenate([s.minima, s.saddles, s.maxima]), 2)
    refined, ok = refine_critical_points(s, guesses)
    assert ok.all()
    np.testing.assert_allclose(refined, np.concatenate([s.minima, s.saddles, s.maxima]), atol=1e-14)
    kinds = critical_point_kind(s, refined).tolist()
    assert kinds == ["minimum"] * 6 + ["saddle"] * 7 + ["maximum"] * 2
    # A plane has no critical point: not converged, returned unchanged.
    plane = ov.surface_from_expression("x + 2*y")
    points, ok = refine_critical_points(plane, [[1.0, 1.0]])
    assert not ok[0] and points.tolist() == [[1.0, 1.0]]
    # Degenerate: the monkey saddle's Hessian vanishes; Newton still creeps in, and the kind says
    # so.
    monkey = ov.surface("monkey_saddle")
    points, ok = refine_critical_points(monkey, [[0.0, 0.0], [0.01, 0.0]])
    assert ok[0] and points[0].tolist() == [0.0, 0.0]
    assert critical_point_kind(monkey, points[0]).item() == "degenerate"
