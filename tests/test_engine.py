"""The engine: exact dynamics, closed-form rates, stopping, batched == reference, noise, caps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.engine import CHECK_EVERY, prepare, reference_run
from optviz.metrics import empirical_rate


def quadratic(**kw):
    return ov.surface("quadratic", **kw)


# -- exact dynamics and closed-form rates ----------------------------------------------------------
@pytest.mark.parametrize("angle", [0.0, 30.0])
def test_gd_on_a_quadratic_is_a_matrix_power(angle):
    q = quadratic(kappa=10, angle=angle)
    lr, x0 = 0.15, np.array([-4.0, 1.5])
    t = ov.run(q, ov.GD(lr=lr), start=x0, steps=60)
    M = np.eye(2) - lr * np.array(q.A)
    expected = np.array([np.linalg.matrix_power(M, k) @ x0 for k in range(61)])
    np.testing.assert_allclose(t.xy, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        t.loss, 0.5 * np.einsum("ki,ij,kj->k", expected, q.A, expected), rtol=1e-12
    )
    np.testing.assert_allclose(t.grad, expected @ np.array(q.A), rtol=1e-12, atol=1e-15)


KAPPA = 100.0
SK = np.sqrt(KAPPA)


@pytest.mark.parametrize(
    ("make", "rate"),
    [
        # GD at lr = 2/(L+mu): (kappa-1)/(kappa+1)
        (lambda L, mu: ov.GD(lr=2 / (L + mu)), (KAPPA - 1) / (KAPPA + 1)),
        # heavy ball at alpha = 4/(sqrt L + sqrt mu)^2, beta = ((sqrt k - 1)/(sqrt k + 1))^2
        (
            lambda L, mu: ov.Momentum(
                lr=4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, rho=((SK - 1) / (SK + 1)) ** 2
            ),
            (SK - 1) / (SK + 1),
        ),
        # Nesterov at lr = 1/L, rho = (sqrt k - 1)/(sqrt k + 1): spectral radius 1 - 1/sqrt k
        (lambda L, mu: ov.Nesterov(lr=1 / L, rho=(SK - 1) / (SK + 1)), 1 - 1 / SK),
    ],
    ids=["gd", "heavy_ball", "nesterov"],
)
def test_measured_rates_match_the_closed_forms_at_kappa_100(make, rate):
    q = quadratic(kappa=KAPPA, angle=30)
    t = ov.run(q, make(q.L, q.mu), start=(3.0, 2.0), steps=3000)
    distance = np.hypot(t.xy[:, 0], t.xy[:, 1])
    measured = empirical_rate(distance, t.stop_step)
    # Momentum methods at their optimum have a repeated eigenvalue (error ~ k r^k): within a few
    # percent.
    assert measured == pytest.approx(rate, rel=0.02)


def test_gd_diverges_at_the_first_step_past_the_escape_radius():
    q = quadratic(kappa=10)
    lr = 0.25  # > 2/L = 0.2: the steep coordinate is multiplied by 1 - lr L = -1.5 each step
    k = np.arange(200)
    analytic = np.stack([(1 - lr * q.mu) ** k * -4.0, (1 - lr * q.L) ** k * 1.5], axis=1)
    for radius in (None, 50.0):
        R = 100 * q.diagonal if radius is None else radius
        first_out = int(np.argmax(np.hypot(*(analytic - q.center).T) > R))
        t = ov.run(q, ov.GD(lr=lr), start=(-4.0, 1.5), steps=150, escape_radius=radius)
        assert (t.status, t.stop_step) == ("diverged", first_out - 1)
        assert t.meta["escape_radius"] == R
        np.testing.assert_allclose(t.xy[:first_out], analytic[:first_out], rtol=1e-12)
        # frozen afterwards: every array repeats the last valid row
        assert (t.xy[first_out:] == t.xy[first_out - 1]).all()
        assert (t.loss[first_out:] == t.loss[first_out - 1]).all()
        assert (t.grad[first_out:] == t.grad[first_out - 1]).all()


def test_non_finite_values_end_a_run_without_warnings():
    s = ov.surface("rosenbrock")
    lr = 0.01
    t = ov.run(
        s, ov.GD(lr=lr), steps=100, escape_radius=1e300
    )  # filterwarnings=error: none may escape
    stop = t.stop_step
    assert t.status == "diverged" and 0 < stop < 100
    assert np.isfinite(t.xy).all() and np.isfinite(t.loss).all() and np.isfinite(t.grad).all()
    with np.errstate(all="ignore"):
        nxt = t.xy[stop] - lr * t.grad[stop]
        f, g = s.value(nxt), s.grad(nxt)
    assert not (np.isfinite(nxt).all() and np.isfinite(f) and np.isfinite(g).all())


def test_convergence_stops_at_the_first_iterate_below_tol():
    q = quadratic(kappa=25, angle=10)
    tol = 1e-6
    t = ov.run(q, ov.Momentum(lr=0.02), steps=2000, tol=tol)
    norms = np.hypot(t.grad[:, 0], t.grad[:, 1])
    s = t.stop_step
    assert t.status == "converged" and norms[s] < tol and (norms[:s] >= tol).all()
    assert (t.xy[s:] == t.xy[s]).all() and (
        t.state["momentum_buffer"][s:] == t.state["momentum_buffer"][s]
    ).all()
    # a step count that lands exactly on the stop is "converged", one short is "max_steps"
    assert ov.run(q, ov.Momentum(lr=0.02), steps=s, tol=tol).status == "converged"
    assert ov.run(q, ov.Momentum(lr=0.02), steps=s - 1, tol=tol).status == "max_steps"


def test_convergence_under_noise_uses_the_exact_gradient():
    # lr = 1 on f = |x|^2 / 2: x[k+1] = -sigma z[k], so the exact gradient dips below tol now and
    # then
    q = quadratic(kappa=1)
    tol, sigma = 0.3, 1.0
    t = ov.run(
        q,
        ov.GD(lr=1.0),
        start=(1.0, 1.0),
        steps=300,
        tol=tol,
        noise=ov.GaussianNoise(sigma),
        seed=2,
    )
    free = ov.run(
        q, ov.GD(lr=1.0), start=(1.0, 1.0), steps=300, noise=ov.GaussianNoise(sigma), seed=2
    )
    exact = np.hypot(*q.grad(free.xy).T)
    fed = np.hypot(*free.grad.T)
    assert t.status == "converged" and t.stop_step == int(np.argmax(exact < tol))
    assert t.stop_step != int(
        np.argmax(fed < tol)
    )  # the noisy gradient would have stopped elsewhere
    np.testing.assert_array_equal(t.xy[: t.stop_step + 1], free.xy[: t.stop_step + 1])


# -- the vectorized loop equals the reference loop, run by run -------------------------------------
LRS = [0.05, 0.1, 0.19, 0.21, 0.3, 0.01]
STARTS = [[-4.0, 1.5], [3.0, -1.0], [0.5, 2.0], [-2.0, -2.0], [4.0, 0.1], [-1.0, 1.0]]
RULES = [
    ov.GD(lr=LRS),
    # heavy ball with rho = 0.8 is stable for lr L < 2 + 2 rho = 3.6, Nesterov for lr L < 3.6 / 2.6
    ov.Momentum(lr=[0.02, 0.05, 0.3, 0.45, 0.6, 0.01], rho=0.8, dampening=0.1, weight_decay=0.01),
    ov.Nesterov(lr=[0.02, 0.05, 0.12, 0.15, 0.3, 0.01], rho=0.8),
    ov.Adam(lr=[x * 3 for x in LRS], amsgrad=True),
    ov.RMSProp(lr=LRS, momentum=0.5, centered=True),
    ov.AdaGrad(lr=[x * 5 for x in LRS], lr_decay=0.01),
    ov.AdamW(lr=[x * 3 for x in LRS], weight_decay=[0.5, 0.1, 0.2, 0.3, 0.05, 0.4]),
]


def assert_same_runs(batch, problem):
    assert batch.n_runs == len(problem.start)
    for i in range(batch.n_runs):
        ref = reference_run(problem, i)
        one = batch[i]
        assert (one.status, one.stop_step) == (ref.status, ref.stop_step), f"run {i}"
        for name in ("xy", "loss", "grad"):  # bit for bit
            np.testing.assert_array_equal(getattr(one, name), getattr(ref, name), err_msg=name)
        assert one.state.keys() == ref.state.keys()
        for name in ref.state:
            np.testing.assert_array_equal(one.state[name], ref.state[name], err_msg=name)
        assert one.meta == ref.meta


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("noise", [None, ov.GaussianNoise(0.5)], ids=["exact", "gaussian"])
@pytest.mark.parametrize("runs", [6, 4], ids=["numpy", "kernels"])
def test_batched_equals_reference_loop(rule, noise, runs):
    # 6 runs step on numpy arrays; 4 (optviz.kernels.FLOAT_RUNS) on the rules' float kernels
    q = quadratic(kappa=10, angle=20)
    args = dict(
        surface=q,
        optimizer=rule.take(np.arange(runs)),
        start=STARTS[:runs],
        steps=150,
        noise=noise,
        seed=[3, 1, 4, 1, 5, 9][:runs],
        tol=1e-3,
    )
    problem = prepare(**args)
    assert (problem.rule.kernels(runs) is None) == (runs == 6)
    batch = ov.run(**args)
    statuses = set(batch.status.tolist())
    if rule.name in ("gd", "momentum", "nesterov"):
        assert "diverged" in statuses and len(set(batch.stop_step.tolist())) >= 2 + (runs == 6)
    assert_same_runs(batch, problem)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize(
    "rule",
    [ov.GD(lr=[0.02, 0.2, 0.6, 0.05]), ov.Momentum(lr=[0.01, 0.05, 0.8, 0.02])],
    ids=["gd", "momentum"],
)
def test_batched_equals_reference_loop_under_minibatch_noise(rule, replace):
    s = ov.surface("least_squares")
    starts = [s.start, s.start, s.minima[0] + 0.1, s.start + 1]
    args = dict(
        surface=s,
        optimizer=rule,
        start=starts,
        steps=120,
        noise=ov.Minibatch(7, replace=replace),
        seed=[0, 1, 0, 2],
        tol=0.05,
    )
    batch = ov.run(**args)
    assert "diverged" in batch.status.tolist()
    assert_same_runs(batch, prepare(**args))


def test_batched_random_search_equals_reference_loop():
    q = quadratic(kappa=10)
    rule = ov.RandomSearch(scale=[0.5, 1.0, 2.0, 0.1], local=True)
    args = dict(surface=q, optimizer=rule, start=STARTS[:4], steps=200, seed=[0, 1, 2, 3], tol=0.5)
    assert_same_runs(ov.run(**args), prepare(**args))


def test_many_runs_stopping_in_many_blocks():
    """Runs stopping across many check blocks, dropped from the computation along the way."""
    q = quadratic(kappa=10, angle=45)
    rng = np.random.default_rng(4)
    starts = rng.uniform(-3, 3, size=(200, 2))
    lr = rng.uniform(0.01, 0.4, size=200)  # stable below 0.3
    args = dict(
        surface=q,
        optimizer=ov.Momentum(lr=lr, rho=0.5),
        start=starts,
        steps=6 * CHECK_EVERY,
        tol=1e-4,
    )
    batch = ov.run(**args)
    assert len(set(batch.stop_step.tolist())) > 50 and {
        "converged",
        "diverged",
        "max_steps",
    } <= set(batch.status.tolist())
    problem = prepare(**args)
    for i in range(0, 200, 7):
        ref = reference_run(problem, i)
        assert (batch.status[i], batch.stop_step[i]) == (ref.status, ref.stop_step)
        np.testing.assert_array_equal(batch.xy[i], ref.xy)


def test_a_batch_run_equals_single_runs_with_the_same_seeds():
    q = quadratic(kappa=5)
    starts = np.array([[1.0, 2.0], [1.0, 2.0], [-3.0, 0.5]])
    batch = ov.run(
        q,
        ov.Momentum(lr=0.05),
        start=starts,
        steps=600,
        noise=ov.GaussianNoise(0.3),
        seed=[7, 8, 7],
    )
    for i, seed in enumerate([7, 8, 7]):
        single = ov.run(
            q,
            ov.Momentum(lr=0.05),
            start=starts[i],
            steps=600,
            noise=ov.GaussianNoise(0.3),
            seed=seed,
        )
        np.testing.assert_array_equal(batch.xy[i], single.xy)
        np.testing.assert_array_equal(batch.grad[i], single.grad)
    assert not np.allclose(batch.xy[0], batch.xy[1])
    # one int seed is shared by every run: same start, same noise, same path
    shared = ov.run(
        q, ov.GD(lr=0.1), start=starts[:2], steps=50, noise=ov.GaussianNoise(1.0), seed=3
    )
    assert np.array_equal(shared.xy[0], shared.xy[1]) and shared.meta["seed"] == 3


# -- noise statistics ------------------------------------------------------------------------------
def stationary_samples(rule, h, sigma, runs=2000, burn=200, spacing=100, steps=1000):
    q = quadratic(kappa=1, scale=h)
    t = ov.run(
        q,
        rule,
        start=np.zeros((runs, 2)),
        steps=steps,
        noise=ov.GaussianNoise(sigma),
        seed=range(runs),
    )
    # samples `spacing` steps apart are independent (correlation (1 - eta h)^spacing ~ 1e-5), and so
    # are the two coordinates and the runs
    return t.xy[:, burn::spacing, :].ravel()


@pytest.mark.parametrize(
    ("rho", "theory"),
    [
        (None, lambda eta, s2, h: eta * s2 / (h * (2 - eta * h))),
        (0.5, lambda eta, s2, h, b=0.5: eta * s2 / ((1 - b) * h * (2 - eta * h / (1 + b)))),
    ],
    ids=["sgd", "heavy_ball"],
)
def test_stationary_variance_under_gaussian_noise(rho, theory):
    eta, sigma, h = 0.1, 0.7, 2.0
    rule = ov.GD(lr=eta) if rho is None else ov.Momentum(lr=eta, rho=rho)
    x = stationary_samples(rule, h, sigma)
    expected = theory(eta, sigma**2, h)
    estimate = np.mean(x**2)  # the mean is known to be zero
    # x is Gaussian, so Var(x^2) = 2 var^2: the standard error of the estimate is var * sqrt(2 / n)
    standard_error = expected * np.sqrt(2 / x.size)
    assert abs(np.mean(x)) < 4 * np.sqrt(expected / x.size)
    assert abs(estimate - expected) < 4 * standard_error, (estimate, expected, standard_error)


def test_random_search_keeps_the_best_sample():
    q = quadratic(kappa=10)
    t = ov.run(q, ov.RandomSearch(scale=2.0), steps=2000, seed=5)
    samples, losses = t.state["sample"], t.state["sample_loss"]
    assert np.all(np.diff(t.loss) <= 0)
    np.testing.assert_allclose(t.loss, np.minimum.accumulate(losses), rtol=1e-12)
    np.testing.assert_allclose(losses, q.value(samples), rtol=1e-15)
    kept = np.flatnonzero(np.diff(t.loss) < 0) + 1
    assert np.array_equal(t.xy[kept], samples[kept])
    # global search: samples ~ start + scale * N(0, I)
    z = (samples[1:] - q.start) / 2.0
    assert np.abs(z.mean(axis=0)).max() < 4 / np.sqrt(2000)
    assert np.abs(z.std(axis=0) - 1).max() < 4 / np.sqrt(2 * 2000)
    assert t.label == "Random search" and t.rule == "random_search"


# -- labels, meta, shapes --------------------------------------------------------------------------
def test_labels_and_meta():
    q = quadratic(kappa=10)
    noise = ov.GaussianNoise(0.5)
    assert ov.run(q, ov.GD(lr=0.1), steps=3).label == "GD"
    assert ov.run(q, ov.GD(lr=0.1), steps=3, noise=noise).label == "SGD"
    assert ov.run(q, ov.Momentum(lr=0.1), steps=3, noise=noise).label == "SGD+Momentum"
    # Any other rule says it is fed noise: a legend never shows a noisy run under an exact run's name.
    assert ov.run(q, ov.Nesterov(lr=0.1), steps=3, noise=noise).label == "noisy Nesterov"
    assert ov.run(q, ov.Adam(lr=0.1), steps=3, noise=noise).label == "noisy Adam"
    assert ov.run(q, ov.Adam(lr=0.1), steps=3, noise=noise, label="mine").label == "mine"
    assert ov.run(q, ov.Adam(lr=0.1), steps=3, label="mine").meta["custom_label"] is True
    t = ov.run(q, ov.Momentum(lr=0.02), steps=5, noise=noise, seed=4, tol=1e-9)
    assert t.meta == {
        "surface": "quadratic",
        "surface_params": {"kappa": 10.0, "angle": 0.0, "scale": 1.0, "center": [0.0, 0.0]},
        "rule": "momentum",
        "hyperparams": {"lr": 0.02, "rho": 0.9},
        "seed": 4,
        "noise": {"kind": "gaussian", "sigma": 0.5},
        "schedule": None,
        "label": "SGD+Momentum",
        "custom_label": False,
        "steps": 5,
        "tol": 1e-9,
        "escape_radius": 100 * q.diagonal,
        "center": [0.0, 0.0],
        "optviz": ov.__version__,
    }
    assert t.legend == "SGD+Momentum (lr=0.02, ρ=0.9)"
    batch = ov.run(q, ov.GD(lr=[0.1, 0.2]), start=[[1, 1], [2, 2]], steps=3, seed=[5, 6])
    assert batch.meta["seed"] == [5, 6] and batch.meta["hyperparams"] == {"lr": [0.1, 0.2]}
    assert batch[1].meta["seed"] == 6 and batch[1].meta["hyperparams"] == {"lr": 0.2}


def test_shapes_defaults_and_zero_steps():
    q = quadratic(kappa=10)
    t = ov.run(q, ov.Adam(lr=0.1))
    assert t.xy.shape == (101, 2) and t.loss.shape == (101,) and t.grad.shape == (101, 2)
    assert t.state["exp_avg"].shape == (101, 2) and t.xy[0].tolist() == q.start.tolist()
    assert t.status == "max_steps" and t.stop_step == 100 and not t.batched
    z = ov.run(q, ov.GD(lr=0.1), steps=0)
    assert z.xy.tolist() == [q.start.tolist()] and z.stop_step == 0
    b = ov.run("rosenbrock", ov.Nesterov(lr=1e-3), start=[[0, 0], [1, 0], [-1, 2]], steps=7)
    assert (
        b.xy.shape == (3, 8, 2)
        and b.state["position"].shape == (3, 8, 2)
        and b.stop_step.tolist() == [7] * 3
    )
    assert b.meta["surface"] == "rosenbrock"
    with pytest.raises(ValueError):
        b.xy[0, 0, 0] = 1.0  # read-only results


# -- caps and argument errors ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 1_000_001}, "steps: must be at most 1,000,000, got 1,000,001"),
        ({"steps": -1}, "steps: must be at least 0, got -1"),
        ({"steps": 2.5}, "steps: must be an integer, got 2.5"),
        (
            {"start": np.zeros((1001, 2)), "steps": 100_000},
            "steps: 1,001 runs x 100,000 steps is 100,100,000 trajectory-steps; the limit is "
            "100,000,000 per call (split the batch or run fewer steps)",
        ),
        (
            {"start": [1.0, 2.0, 3.0]},
            "start: must have shape (2,) or (N, 2), got an array of shape (3,)",
        ),
        ({"start": [np.nan, 0.0]}, "start: must be finite"),
        (
            {"start": [1e6, 0.0]},
            "start: [1000000.0, 0.0] is 1e+06 from the view's centre, beyond the escape radius "
            "1250",
        ),
        ({"seed": -1}, "seed: must be at least 0, got -1"),
        ({"seed": [1, 2]}, "seed: must be one int or one per run (1), got 2 values"),
        ({"tol": 0}, "tol: must be a positive number, got 0.0"),
        ({"escape_radius": -5}, "escape_radius: must be a positive number, got -5.0"),
        ({"noise": 0.5}, "noise: must be GaussianNoise(...), Minibatch(...) or None, got 0.5"),
        (
            {"noise": ov.Minibatch(4)},
            "noise: minibatch noise needs a finite-sum (dataset) surface; 'quadratic' is not one "
            "(try least_squares, logistic_regression or softmax_1d, or GaussianNoise)",
        ),
        ({"label": 3}, "label: must be a string, got 3"),
    ],
)
def test_argument_errors(kwargs, message):
    q = quadratic(kappa=10)
    kwargs = {"start": None, "steps": 10, **kwargs}
    with pytest.raises(ParameterError) as err:
        ov.run(q, ov.GD(lr=0.1), **kwargs)
    assert str(err.value) == message


def test_more_argument_errors():
    q = quadratic(kappa=10)
    with pytest.raises(
        ParameterError,
        match=r"^optimizer: pass an instance with its hyperparameters, e\.g\. GD\(lr=0\.1\)$",
    ):
        ov.run(q, ov.GD)
    with pytest.raises(ParameterError, match=r"^surface: must be a Surface or a surface name"):
        ov.run(42, ov.GD(lr=0.1))
    with pytest.raises(
        ParameterError, match=r"^gd: has 3 per-run hyperparameter values but there are 2 starts$"
    ):
        ov.run(q, ov.GD(lr=[0.1, 0.2, 0.3]), start=[[0, 0], [1, 1]])
    with pytest.raises(
        ParameterError,
        match=r"^noise: Random search uses no gradient, so gradient noise does not apply$",
    ):
        ov.run(q, ov.RandomSearch(1.0), noise=ov.GaussianNoise(1.0))
    with pytest.raises(
        ParameterError, match=r"^batch_size: must be at most the surface's 50 samples, got 51$"
    ):
        ov.run("least_squares", ov.GD(lr=0.1), noise=ov.Minibatch(51))
    with pytest.raises(
        ParameterError, match=r"^start: the loss or gradient is not finite at \[-1\.0, 0\.0\]$"
    ):
        ov.run(LogSurface(), ov.GD(lr=0.1), start=(-1.0, 0.0))


class LogSurface(ov.Surface):
    """log(x) + y^2: undefined for x <= 0."""

    def __init__(self):
        super().__init__(title="log", latex="", bounds=((-2, 2), (-2, 2)), start=(1, 1))

    def _value(self, x, y):
        return np.log(x) + y * y

    def _grad(self, x, y):
        return 1 / x, 2 * y

    def _hessian(self, x, y):
        return -1 / x**2, 0 * x, 2 + 0 * x


def test_import_optviz_does_not_import_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, optviz, optviz.engine, optviz.sweeps, optviz.noise, optviz.trajectory, "
        "optviz.surfaces.learning\n"
        "import optviz as ov\n"
        "ov.run(ov.surface('softmax_1d'), ov.GD(lr=0.1), steps=3)\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "for name in ('run', 'sweep', 'SweepResult', 'Trajectory', 'GD', 'rule'):\n"
        "    assert not isinstance(getattr(ov, name), type(sys)), name\n"
    )
    root = str(Path(__file__).resolve().parents[1])
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env={"PYTHONPATH": root})
