"""optviz.theory against the engine: rates, regions, iteration matrices and stationary noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import optviz as ov
from optviz import theory as th
from optviz._validate import ParameterError

ROOT = Path(__file__).resolve().parents[1]
RULES = {"gd": ov.GD, "momentum": ov.Momentum, "nesterov": ov.Nesterov}


def _kwargs(rule, lr, rho):
    return {"lr": lr} if rule == "gd" else {"lr": lr, "rho": rho}


def _grid(rule, lr, rho):
    return {k: list(np.atleast_1d(v)) for k, v in _kwargs(rule, lr, rho).items()}


# -- the per-eigendirection dynamics ---------------------------------------------------------------
@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
def test_iteration_matrix_reproduces_the_engine_along_each_eigendirection(rule):
    q = ov.surface("quadratic", kappa=10, angle=35)
    lr, rho = 0.06, 0.7
    t = ov.run(q, RULES[rule](**_kwargs(rule, lr, rho)), steps=60)
    R = q.rotation  # columns: the eigenvectors of eigenvalues mu, L
    x = t.xy @ R
    b = t.state["momentum_buffer"] @ R if rule != "gd" else np.zeros_like(x)
    for j, lam in enumerate((q.mu, q.L)):
        M = th.iteration_matrix(rule, lam, lr, rho)
        s = np.array([x[0, j], 0.0])  # torch's buffer is zero before the first update
        for k in range(60):
            expected = [x[k, j], b[k, j]] if rule != "gd" else [x[k, j], s[1]]
            np.testing.assert_allclose(s, expected, rtol=1e-10, atol=1e-12 * abs(x[0, j]))
            s = M @ s


def test_torch_and_companion_forms_share_eigenvalues_and_radius():
    rng = np.random.default_rng(3)
    lam, lr, rho = (
        rng.uniform(0.1, 50, 200),
        rng.uniform(0.001, 0.2, 200),
        rng.uniform(0, 0.99, 200),
    )
    for rule in th.RULES:
        torch_form = th.iteration_matrix(rule, lam, lr, rho)
        companion = th.iteration_matrix(rule, lam, lr, rho, form="companion")
        a = np.sort_complex(np.linalg.eigvals(torch_form))
        c = np.sort_complex(np.linalg.eigvals(companion))
        np.testing.assert_allclose(a, c, atol=1e-9 * np.abs(a).max())
        radius = np.abs(np.linalg.eigvals(torch_form)).max(axis=-1)
        np.testing.assert_allclose(th.spectral_radius(rule, lam, lr, rho), radius, rtol=1e-7)


@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
def test_rate_over_the_spectrum_is_attained_at_its_ends(rule):
    """The docstring's claim: the radius is quasi-convex in lam, so mu..L peaks at mu or L."""
    rng = np.random.default_rng(7)
    lams = np.linspace(1.0, 100.0, 4001)
    for _ in range(50):
        lr, rho = rng.uniform(0.001, 0.05), rng.uniform(0.0, 0.99)
        dense = np.max(th.spectral_radius(rule, lams, lr, rho))
        assert th.rate(rule, (1.0, 100.0), lr, rho) == pytest.approx(dense, rel=1e-12)


def test_closed_forms():
    assert th.gd_threshold((2, 50)) == 0.04
    assert th.gd_rate((1, 9), th.gd_optimal_lr((1, 9))) == pytest.approx(0.8)
    for kappa in (4.0, 100.0, 1e4):
        hb = th.heavy_ball_optimal((1, kappa))
        root = np.sqrt(kappa)
        assert hb.rate == pytest.approx((root - 1) / (root + 1))
        assert th.heavy_ball_rate((1, kappa), hb.lr, hb.rho) == pytest.approx(hb.rate, rel=1e-6)
        classic = th.nesterov_classic((1, kappa))
        assert th.nesterov_rate((1, kappa), classic.lr, classic.rho) == pytest.approx(
            1 - 1 / root, rel=1e-12
        )
        tuned = th.nesterov_optimal((1, kappa))
        assert th.nesterov_rate((1, kappa), tuned.lr, tuned.rho) == pytest.approx(
            tuned.rate, rel=1e-6
        )
    q = ov.surface("quadratic", kappa=25, angle=10, scale=2.0)
    assert th.spectrum(q) == (2.0, 50.0) and th.spectrum(q).kappa == 25.0


@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
def test_optimal_parameters_beat_every_point_of_a_grid(rule):
    spec = (1.0, 50.0)
    best = th.optimal(rule, spec)
    lr = np.linspace(0.0005, 0.09, 900)[:, None]
    rho = np.linspace(0.0, 0.99, 500)[None, :] if rule != "gd" else np.zeros((1, 1))
    rates = th.rate(rule, spec, lr, rho)
    assert rates.min() >= best.rate - 1e-9  # (the double-root optimum is a sharp minimum)
    assert rates.min() == pytest.approx(best.rate, rel=5e-3)
    assert th.rate(rule, spec, best.lr, best.rho) == pytest.approx(best.rate, rel=1e-6)


def test_regions_are_where_the_radius_is_below_one():
    al = np.linspace(0.01, 4.5, 451)[:, None]
    beta = np.linspace(0.0, 0.99, 100)[None, :]
    hb = th.spectral_radius("momentum", al, 1.0, beta) < 1 - 1e-9
    edge = np.abs(al - (2 + 2 * beta)) < 0.02  # grid points on the boundary itself
    assert (th.heavy_ball_region(al, beta) == hb)[~edge].all()
    nag = th.spectral_radius("nesterov", al, 1.0, beta) < 1 - 1e-9
    edge = np.abs(al - (2 + 2 * beta) / (1 + 2 * beta)) < 0.02
    assert (th.nesterov_region(al, beta) == nag)[~edge].all()
    assert th.max_lr("momentum", (1, 10), 0.5) == pytest.approx(0.3)


def test_spectrum_of_other_surfaces_and_regularization():
    q = ov.surface("quadratic", kappa=100)
    for lam in (0.0, 0.5, 4.5):
        r = ov.regularized(q, lam)
        assert th.spectrum(r) == pytest.approx((1 + 2 * lam, 100 + 2 * lam))
        assert th.regularized_condition_number(q, lam) == pytest.approx(th.spectrum(r).kappa)
    mu, L = th.spectrum(ov.surface("rosenbrock"))
    H = ov.surface("rosenbrock").hessian([1.0, 1.0])
    assert (mu, L) == pytest.approx(tuple(np.linalg.eigvalsh(H)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: th.spectrum((0, 1)), "spectrum: must be (mu, L) with 0 < mu <= L, got (0.0, 1.0)"),
        (lambda: th.spectrum("x"), "spectrum: must be (mu, L) or a surface, got 'x'"),
        (lambda: th.rate("adam", (1, 10), 0.1), "rule: unknown rule 'adam'"),
        (lambda: th.rate(ov.Adam(lr=0.1), (1, 10)), "rule: theory covers gd, momentum and nesterov, not 'adam'"),
        (lambda: th.rate("gd", (1, 10)), "lr: is required with a rule name"),
        (lambda: th.spectrum(ov.surface("saddle")), "surface: saddle has no known minimum to take a spectrum at"),
        (lambda: th.spectrum(ov.surface_from_expression("x**4 + y**2", minima=[[0, 0]])),
         "surface: the Hessian at the minimum [0.0, 0.0] is not positive definite"),
        (lambda: th.stationary_covariance([[1.0, 2.0], [0.0, 1.0]], 0.1), "H: must be symmetric"),
        (lambda: th.stationary_covariance([[1.0]], 2.5, rule="gd"), "lr: gd at lr=2.5, rho=0 does not converge"),
        (lambda: th.stationary_covariance([[1.0]], 0.1, noise_cov=np.eye(2)), "noise_cov: must be 1 x 1"),
    ],
)  # fmt: skip
def test_errors(call, message):
    with pytest.raises(ParameterError) as err:
        call()
    assert str(err.value).startswith(message)


# -- measured against predicted --------------------------------------------------------------------
@pytest.mark.parametrize("kappa", [10, 100, 1000])
@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
def test_measured_rates_match_predicted_across_kappa(rule, kappa):
    q = ov.surface("quadratic", kappa=kappa, angle=30)
    rhos = [0.0] if rule == "gd" else [0.0, 0.5, 0.9]
    for rho in rhos:
        for frac in (0.1, 0.4, 0.9):
            lr = frac * th.max_lr(rule, q, rho)
            res = ov.sweep(q, rule, grid=_grid(rule, lr, rho), steps=3000)
            predicted = th.rate(rule, q, lr, rho)
            assert res["rate"][0] == pytest.approx(predicted, rel=2e-3), (rho, frac)
            assert res["rate_median"][0] == pytest.approx(predicted, rel=2e-3), (rho, frac)
            assert res["converged"][0]
    # at the tuned settings (double roots: the error decays like k r^k, slightly above r^k)
    best = th.optimal(rule, q) if rule != "nesterov" else th.nesterov_classic(q)
    res = ov.sweep(q, rule, grid=_grid(rule, best.lr, best.rho), steps=3000)
    assert res["rate"][0] == pytest.approx(best.rate, rel=1e-2)


@pytest.mark.parametrize("kappa", [10, 100])
@pytest.mark.parametrize(
    ("rule", "rho"),
    [("gd", 0.0), ("momentum", 0.0), ("momentum", 0.5), ("momentum", 0.9), ("momentum", 0.99),
     ("nesterov", 0.5), ("nesterov", 0.9)],
)  # fmt: skip
def test_points_near_the_predicted_boundary(rule, rho, kappa):
    """0.95 of the predicted largest lr converges, 1.05 diverges, within 2,000 steps."""
    q = ov.surface("quadratic", kappa=kappa, angle=30)
    edge = th.max_lr(rule, q, rho)
    res = ov.sweep(q, rule, grid=_grid(rule, [0.95 * edge, 1.05 * edge], rho), steps=2000)
    inside, outside = res.to_records()
    assert inside["status"] != "diverged" and inside["converged"] and inside["rate"] < 1
    assert outside["status"] == "diverged" and not outside["converged"]


def test_rate_of_a_rule_instance_includes_weight_decay_and_dampening():
    q = ov.surface("quadratic", kappa=20)
    for rule in (ov.GD(lr=0.05, weight_decay=2.0), ov.Momentum(lr=0.03, rho=0.6, dampening=0.5)):
        predicted = th.rate(rule, q)
        name = rule.name
        res = ov.sweep(q, name, grid={k: [v] for k, v in rule.params.items()}, steps=2000)
        assert res["rate"][0] == pytest.approx(predicted, rel=2e-3)
    assert th.rate(ov.GD(lr=0.05, weight_decay=2.0), q) == th.rate("gd", (3, 22), 0.05)


def _batch_means(samples: np.ndarray, batches: int) -> tuple[float, float, float]:
    """Mean over (chains, steps) samples and its standard error by batch means: each chain is cut
    into ``batches`` consecutive batches, long against the autocorrelation time, whose means are
    close to independent. Returns (mean, standard error, lag-1 correlation of the batch means)."""
    chains, steps = samples.shape
    size = steps // batches
    means = samples[:, : size * batches].reshape(chains, batches, size).mean(axis=2)
    flat = means.reshape(-1)
    lag1 = np.mean([np.corrcoef(row[:-1], row[1:])[0, 1] for row in means])
    return float(flat.mean()), float(flat.std(ddof=1) / np.sqrt(flat.size)), float(lag1)


def _chains(q, rule, steps=40_000, chains=16, sigma=1.0):
    t = ov.run(
        q, rule, start=np.zeros((chains, 2)), steps=steps, noise=ov.GaussianNoise(sigma),
        seed=list(range(chains)),
    )  # fmt: skip
    assert (t.status == "max_steps").all()
    return t.xy


@pytest.mark.parametrize(
    ("rule", "kwargs"),
    [("gd", {"lr": 0.02}), ("momentum", {"lr": 0.02, "rho": 0.9}), ("nesterov", {"lr": 0.02, "rho": 0.8})],
)  # fmt: skip
def test_stationary_variance_1d_matches_the_engine(rule, kwargs):
    """An axis-aligned quadratic is two independent 1-D problems, h = mu and h = L."""
    q = ov.surface("quadratic", kappa=20)
    xy = _chains(q, RULES[rule](**kwargs), sigma=0.5)
    burn = 2_000  # >= 40 relaxation times of the slowest mode here
    for axis, h in enumerate((q.mu, q.L)):
        predicted = th.stationary_variance(h, kwargs["lr"], 0.5, kwargs.get("rho", 0.0), rule=rule)
        mean, se, lag1 = _batch_means(xy[:, burn:, axis] ** 2, batches=40)
        assert se < 0.03 * predicted  # the test can see a 10% error
        assert abs(lag1) < 0.2  # the batches are long enough to be nearly independent
        assert abs(mean - predicted) < 4 * se, (axis, mean, predicted, se)


def test_stationary_variance_closed_forms_equal_the_lyapunov_solution():
    rng = np.random.default_rng(11)
    for _ in range(30):
        h, lr, sigma, rho = (
            rng.uniform(0.1, 10),
            rng.uniform(0.001, 0.3),
            rng.uniform(0.1, 3),
            rng.uniform(0, 0.95),
        )
        for rule in th.RULES:
            closed = th.stationary_variance(h, lr, sigma, rho, rule=rule)
            if not np.isfinite(closed):
                assert th.rate(rule, (h, h), lr, rho) >= 1
                continue
            lyap = th.stationary_covariance([[h]], lr, sigma, rho=rho, rule=rule)[0, 0]
            assert closed == pytest.approx(lyap, rel=1e-9)
    grid = th.stationary_variance(np.array([1.0, 2.0, 3.0]), 0.1, 1.0, [0.0, 0.5, 0.9])
    assert grid.shape == (3,) and np.isfinite(grid).all()


@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
def test_stationary_covariance_2d_matches_the_engine(rule):
    q = ov.surface("quadratic", kappa=10, angle=30)
    kwargs = _kwargs(rule, 0.04, 0.7)
    xy = _chains(q, RULES[rule](**kwargs), steps=30_000)
    S = th.stationary_covariance(q.A, kwargs["lr"], 1.0, rho=kwargs.get("rho", 0.0), rule=rule)
    burn = 1_000
    for i, j in ((0, 0), (0, 1), (1, 1)):
        mean, se, lag1 = _batch_means(xy[:, burn:, i] * xy[:, burn:, j], batches=30)
        assert se < 0.03 * np.sqrt(S[i, i] * S[j, j]) and abs(lag1) < 0.2
        assert abs(mean - S[i, j]) < 4 * se, ((i, j), mean, S[i, j], se)


def test_stationary_loss_mean_and_geometric_mean_against_sampling():
    H = np.array([[1.0, 0.3], [0.3, 20.0]])
    S = th.stationary_covariance(H, 0.05, 1.0, rho=0.9)
    rng = np.random.default_rng(0)
    x = rng.multivariate_normal(np.zeros(2), S, size=400_000)
    f = 0.5 * np.einsum("ni,ij,nj->n", x, H, x)
    mean = th.stationary_loss(H, 0.05, 1.0, rho=0.9)
    assert abs(f.mean() - mean) < 4 * f.std() / np.sqrt(f.size)
    logs = np.log(f)
    geometric = th.stationary_loss(H, 0.05, 1.0, rho=0.9, geometric=True)
    assert abs(logs.mean() - np.log(geometric)) < 4 * logs.std() / np.sqrt(f.size)
    assert mean == pytest.approx(0.5 * np.trace(H @ S))
