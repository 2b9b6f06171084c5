"""optviz.regularized: f + lam |p|^2 shifts every Hessian eigenvalue by 2 lam."""

from __future__ import annotations

import numpy as np
import pytest
from _surface_helpers import fd_jacobian, gd, points_in, seeded_rng

import optviz as ov
from optviz._validate import ParameterError
from optviz.surfaces import FiniteSumSurface


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0, 1e4])
@pytest.mark.parametrize("angle", [0.0, 30.0, 75.0])
@pytest.mark.parametrize("lam", [0.0, 0.01, 0.5, 3.0, 100.0])
def test_condition_number_of_a_regularized_quadratic(kappa, angle, lam):
    q = ov.surface("quadratic", kappa=kappa, angle=angle, scale=2.0)
    mu, L = q.mu, q.L
    r = ov.regularized(q, lam)
    xy = points_in(r.bounds, 10, seeded_rng(f"{kappa}{angle}{lam}"))
    np.testing.assert_allclose(
        ov.condition_number(r, xy), (L + 2 * lam) / (mu + 2 * lam), rtol=1e-9
    )
    np.testing.assert_allclose(
        ov.hessian_eigen(r, xy)[0], np.broadcast_to([mu + 2 * lam, L + 2 * lam], (10, 2))
    )
    np.testing.assert_allclose(r.minima, [[0.0, 0.0]], atol=1e-15)


def test_condition_number_falls_as_lam_grows():
    q = ov.surface("quadratic", kappa=50)
    kappas = [float(ov.condition_number(ov.regularized(q, lam), [0, 0])) for lam in (0, 0.1, 1, 10)]
    assert kappas == sorted(kappas, reverse=True) and kappas[0] == 50.0


@pytest.mark.parametrize(
    "name", ["himmelblau", "rosenbrock", "ackley", "local_minimum", "monkey_saddle"]
)
def test_value_gradient_and_hessian_add_the_penalty(name):
    s = ov.surface(name)
    lam = 0.3
    r = ov.regularized(s, lam)
    xy = points_in(s.bounds, 50, seeded_rng(name))
    np.testing.assert_allclose(r.value(xy), s.value(xy) + lam * (xy**2).sum(-1), rtol=1e-15)
    np.testing.assert_allclose(r.grad(xy), s.grad(xy) + 2 * lam * xy, rtol=1e-15)
    np.testing.assert_allclose(r.hessian(xy), s.hessian(xy) + 2 * lam * np.eye(2), rtol=1e-15)
    np.testing.assert_allclose(r.grad(xy), fd_jacobian(r.value, xy), rtol=1e-6, atol=1e-8)
    assert r.value(xy[0]).shape == () and r.hessian(xy[:3].reshape(3, 1, 2)).shape == (3, 1, 2, 2)
    assert r.bounds == s.bounds and np.array_equal(r.start, s.start)
    assert r.latex.startswith(s.latex) and r.latex.endswith(r"+ 0.3\,(x^2 + y^2)")
    assert "λ = 0.3" in r.title and r.params["l2"] == 0.3 and r.params["surface"] == name


def test_critical_points_are_carried_over_by_newton():
    # Himmelblau + lam |p|^2: the four minima move toward the origin; every one is still a minimum.
    s = ov.surface("himmelblau")
    r = ov.regularized(s, 0.5)
    assert len(r.minima) == 4 and len(r.saddles) == 4 and len(r.maxima) == 1
    assert np.abs(r.grad(np.concatenate([r.minima, r.saddles, r.maxima]))).max() < 1e-12
    assert np.all(np.hypot(*r.minima.T) < np.hypot(*s.minima.T).max())
    values = r.value(r.minima)
    assert list(values) == sorted(values)  # global first
    # Double well: minima at +-sqrt(1 - 2 lam) while 2 lam < 1 ...
    well = ov.surface("double_well")
    r = ov.regularized(well, 0.1)
    np.testing.assert_allclose(r.minima, [[-np.sqrt(0.8), 0.0], [np.sqrt(0.8), 0.0]], atol=1e-15)
    np.testing.assert_array_equal(r.saddles, [[0.0, 0.0]])
    # ... and beyond, one minimum at the origin: the old saddle became the minimum, the wells merged
    # into it.
    r = ov.regularized(well, 0.6)
    np.testing.assert_array_equal(r.minima, [[0.0, 0.0]])
    assert r.saddles.shape == (0, 2)


def test_regularized_gd_converges_to_the_new_minimum():
    r = ov.regularized(ov.surface("rosenbrock"), 1.0)
    end = gd(r.grad, r.start, 1e-3, 20000)[-1]
    np.testing.assert_allclose(end, r.minima[0], atol=1e-6)
    assert np.hypot(*r.minima[0]) < np.hypot(1.0, 1.0)


def test_lam_is_checked():
    q = ov.surface("quadratic")
    with pytest.raises(ParameterError, match=r"lam: must be a non-negative number, got -1\.0"):
        ov.regularized(q, -1.0)
    with pytest.raises(ParameterError, match="lam: must be a number"):
        ov.regularized(q, "0.1")
    with pytest.raises(ParameterError, match="surface: must be a Surface, got str"):
        ov.regularized("quadratic", 0.1)


class _LeastSquares(FiniteSumSurface):
    """mean_i (a_i . p - b_i)^2 over a tiny fixed dataset: a stand-in for the dataset surfaces."""

    def __init__(self):
        rng = np.random.default_rng(5)
        self.A = rng.normal(size=(12, 2))
        self.b = rng.normal(size=12)
        self.n_samples = 12
        super().__init__(title="LS", latex="LS", bounds=((-3, 3), (-3, 3)), start=(2, 2))
        self.dataset_note = "twelve points"

    def _residual(self, xy, A, b):
        return np.einsum("...ni,...i->...n", A, xy) - b

    def value(self, xy):
        xy = np.asarray(xy, dtype=float)
        return np.mean(self._residual(xy, self.A, self.b) ** 2, axis=-1)

    def grad(self, xy):
        xy = np.asarray(xy, dtype=float)
        r = self._residual(xy, self.A, self.b)
        return 2 * np.einsum("...n,ni->...i", r, self.A) / self.n_samples

    def hessian(self, xy):
        xy = np.asarray(xy, dtype=float)
        return np.broadcast_to(2 * self.A.T @ self.A / self.n_samples, (*xy.shape, 2))

    def batch_value(self, xy, idx):
        r = np.einsum("kbi,ki->kb", self.A[idx], xy) - self.b[idx]
        return np.mean(r**2, axis=-1)

    def batch_grad(self, xy, idx):
        r = np.einsum("kbi,ki->kb", self.A[idx], xy) - self.b[idx]
        return 2 * np.einsum("kb,kbi->ki", r, self.A[idx]) / idx.shape[1]


def test_a_regularized_finite_sum_is_still_a_finite_sum():
    inner = _LeastSquares()
    lam = 0.25
    r = ov.regularized(inner, lam)
    assert isinstance(r, FiniteSumSurface) and r.n_samples == 12
    xy = np.array([[0.5, -1.0], [2.0, 1.0], [-1.0, 0.3]])
    idx = np.array([[0, 3, 5], [1, 1, 2], [11, 7, 4]])
    np.testing.assert_allclose(
        r.batch_grad(xy, idx), inner.batch_grad(xy, idx) + 2 * lam * xy, rtol=1e-15
    )
    np.testing.assert_allclose(
        r.batch_value(xy, idx), inner.batch_value(xy, idx) + lam * (xy**2).sum(-1)
    )
    # The full batch is the exact gradient: the penalty is added once, not sampled.
    full = np.tile(np.arange(12), (3, 1))
    np.testing.assert_allclose(r.batch_grad(xy, full), r.grad(xy), rtol=1e-12)
    assert r.dataset_note == "twelve points"  # the wrapped surface's own attributes stay reachable
    with pytest.raises(AttributeError):
        _ = r.no_such_attribute
    assert not isinstance(ov.regularized(ov.surface("quadratic"), lam), FiniteSumSurface)
