"""Newton's method: closed forms on quadratics, LAPACK's solve elsewhere, indefinite and singular Hessians.

torch.optim has no Newton; the references are the closed forms (one step on a quadratic, a known contraction
with damping) and ``numpy.linalg`` in the test (the rule itself writes its 2x2 algebra out).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_engine import assert_same_runs

import optviz as ov
from optviz._validate import ParameterError
from optviz.engine import prepare, reference_run


def lapack_newton(surface, start, steps, lr=1.0, damping=0.0):
    """The textbook loop, with LAPACK solving each step."""
    xs = [np.asarray(start, dtype=float)]
    for _ in range(steps):
        x = xs[-1]
        h = surface.hessian(x) + damping * np.eye(2)
        xs.append(x - lr * np.linalg.solve(h, surface.grad(x)))
    return np.array(xs)


@pytest.mark.parametrize("kappa", [1.0, 25.0, 1e4])
@pytest.mark.parametrize("angle", [0.0, 30.0, 73.0])
def test_one_step_reaches_a_quadratics_minimum(kappa, angle):
    q = ov.surface("quadratic", kappa=kappa, angle=angle, center=(1.0, -2.0))
    t = ov.run(q, ov.Newton(), steps=3)
    scale = np.abs(t.xy[0] - q.minima[0]).max()
    np.testing.assert_allclose(
        t.xy[1:], np.broadcast_to(q.minima[0], (3, 2)), atol=1e-12 * kappa * scale
    )
    assert not t.indefinite.any() and t.status == "max_steps"


def test_a_smaller_lr_and_damping_contract_at_their_closed_form_rates():
    """With step size lr, the distance to a quadratic's minimum shrinks by 1 - lr per step; with damping d,
    each eigendirection (eigenvalue h) by d / (h + d)."""
    q = ov.surface("quadratic", kappa=10)  # axis-aligned: eigenvalues mu=1 and L=10 on x and y
    t = ov.run(q, ov.Newton(lr=0.25), start=(3.0, -2.0), steps=20)
    np.testing.assert_allclose(t.xy, np.outer(0.75 ** np.arange(21), [3.0, -2.0]), rtol=1e-13)
    d = 2.0
    t = ov.run(q, ov.Newton(damping=d), start=(3.0, -2.0), steps=20)
    k = np.arange(21)
    mu, L = q.mu, q.L
    expected = np.stack([3.0 * (d / (mu + d)) ** k, -2.0 * (d / (L + d)) ** k], axis=1)
    np.testing.assert_allclose(t.xy, expected, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(t.state["eigenvalues"][0], [mu + d, L + d], rtol=1e-15)


@pytest.mark.parametrize(
    ("name", "start", "steps"),
    [
        ("rosenbrock", (-1.2, 1.0), 6),
        ("beale", (1.0, 1.0), 8),
        ("himmelblau", (0.5, 0.5), 8),
        ("booth", (5.0, 5.0), 2),
    ],
)
@pytest.mark.parametrize(("lr", "damping"), [(1.0, 0.0), (0.7, 0.5)])
def test_equals_lapacks_solve(name, start, steps, lr, damping):
    s = ov.surface(name)
    t = ov.run(s, ov.Newton(lr=lr, damping=damping), start=start, steps=steps)
    expected = lapack_newton(s, start, steps, lr, damping)
    np.testing.assert_allclose(t.xy, expected, rtol=1e-12, atol=1e-12)


def test_converges_quadratically_on_rosenbrock():
    s = ov.surface("rosenbrock")
    t = ov.run(s, ov.Newton(), start=(-1.2, 1.0), steps=8, tol=1e-12)
    e = np.hypot(*(t.xy[: t.stop_step + 1] - s.minima[0]).T)
    assert t.status == "converged" and t.stop_step <= 7
    # the last steps: e[k+1] <= C e[k]^2
    assert (e[-2:] <= 10 * e[-3:-1] ** 2 + 1e-15).all()


def test_goes_to_a_saddle_and_marks_the_indefinite_steps():
    t = ov.run(ov.surface("saddle"), ov.Newton(), start=(1.0, 0.5), steps=3)
    assert t.xy[1].tolist() == [0.0, 0.0] and t.indefinite.all()
    assert t.state["eigenvalues"][0].tolist() == [-2.0, 2.0]
    # on Himmelblau, compare the flags with LAPACK's eigenvalues at every iterate
    s = ov.surface("himmelblau")
    rng = np.random.default_rng(2)
    starts = rng.uniform(-5, 5, size=(40, 2))
    batch = ov.run(s, ov.Newton(), start=starts, steps=6)
    eig = np.linalg.eigvalsh(s.hessian(batch.xy))
    assert np.array_equal(batch.indefinite, (eig[..., 0] < 0) & (eig[..., 1] > 0))
    np.testing.assert_allclose(batch.state["eigenvalues"], eig, rtol=1e-10, atol=1e-10)
    assert batch.indefinite.any() and (~batch.indefinite).any()
    # a damping larger than the negative curvature makes the matrix definite again
    damped = ov.run(ov.surface("saddle"), ov.Newton(damping=3.0), start=(1.0, 0.5), steps=1)
    assert not damped.indefinite.any()


def test_a_singular_hessian_ends_the_run_with_status_singular():
    flat = ov.surface_from_expression("x**2")  # no curvature along y
    t = ov.run(flat, ov.Newton(), start=(1.0, 0.5), steps=5)
    assert (t.status, t.stop_step) == ("singular", 0)
    assert (t.xy == [1.0, 0.5]).all() and np.isfinite(t.loss).all()
    assert t.evaluations.tolist() == [0, 0, 0, 0, 0]
    assert "singular at step 0," in repr(t)  # the iterate it could not step from
    # with damping it steps, and x shrinks by d / (2 + d) per step
    t = ov.run(flat, ov.Newton(damping=1.0), start=(1.0, 0.5), steps=5)
    assert t.status == "max_steps"
    np.testing.assert_allclose(t.xy[:, 0], (1 / 3) ** np.arange(6), rtol=1e-15)


def test_singular_mid_run_and_in_a_batch_equals_the_reference_loop():
    """On x^4 + y^2 Newton shrinks x by 2/3 per step until 12 x^2 falls below rounding next to 2: the Hessian
    becomes numerically singular mid-run."""
    s = ov.surface_from_expression("x**4 + y**2")
    t = ov.run(s, ov.Newton(), start=(1.0, 1.0), steps=100)
    assert t.status == "singular"
    x = t.xy[t.stop_step, 0]
    # numerically singular: |lambda_min| = 12 x^2 <= 2 eps |lambda_max| = 2 eps * 2, not one step earlier
    eps = np.finfo(float).eps
    assert 12 * x * x <= 2 * eps * 2 < 12 * t.xy[t.stop_step - 1, 0] ** 2
    np.testing.assert_allclose(
        t.xy[: t.stop_step + 1, 0], (2 / 3) ** np.arange(t.stop_step + 1), rtol=1e-12
    )
    args = dict(
        surface=s,
        optimizer=ov.Newton(lr=[1.0, 0.5, 0.05, 2.5]),
        start=[[1.0, 1.0], [0.5, -1.0], [1.0, 1.0], [1.0, 100.0]],
        steps=120,
    )
    batch = ov.run(**args)
    assert batch.status.tolist() == ["singular", "singular", "max_steps", "diverged"]
    assert len(set(batch.stop_step.tolist())) == 4
    assert_same_runs(batch, prepare(**args))


@pytest.mark.parametrize("noise", [None, ov.GaussianNoise(0.2)], ids=["exact", "gaussian"])
def test_batched_equals_reference_loop(noise):
    s = ov.surface("himmelblau")
    rng = np.random.default_rng(0)
    args = dict(
        surface=s,
        optimizer=ov.Newton(
            lr=list(rng.uniform(0.2, 1.0, 12)), damping=list(rng.uniform(0, 2, 12))
        ),
        start=rng.uniform(-5, 5, size=(12, 2)),
        steps=40,
        noise=noise,
        seed=list(range(12)),
        tol=1e-6,
    )
    assert_same_runs(ov.run(**args), prepare(**args))


def test_checks():
    with pytest.raises(ParameterError, match=r"^damping: must be a non-negative number, got -1.0$"):
        ov.Newton(damping=-1)
    with pytest.raises(ParameterError, match=r"^lr: must be a positive number, got 0.0$"):
        ov.Newton(lr=0)
    with pytest.raises(ParameterError, match="bind it to a surface first"):
        ov.Newton().init(np.zeros(2))
    # legends name the pure Newton step "Newton": the lr shows only where it is not 1
    assert ov.Newton().hyperparams == {} and ov.Newton().legend == "Newton"
    assert repr(ov.Newton(damping=0.1)) == "Newton(damping=0.1)"
    assert ov.Newton(lr=0.5).legend == "Newton (lr=0.5)"


def test_reference_run_records_the_hessian():
    s = ov.surface("beale")
    t = reference_run(prepare(s, ov.Newton(), start=(1.0, 1.0), steps=4))
    np.testing.assert_array_equal(t.state["hessian"], s.hessian(t.xy))
