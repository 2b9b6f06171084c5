"""Sweep rates fitted by least squares over a stated window, the median check, `converged`, seed stats."""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov
from optviz import metrics
from optviz._validate import ParameterError
from optviz.metrics import empirical_rate, fit_rates


def test_least_squares_and_median_fits_on_known_sequences():
    k = np.arange(400.0)
    pure = 0.97**k
    rotating = 0.95**k * np.abs(np.cos(0.3 * k + 0.2)) + 1e-300  # momentum's oscillation
    for method in ("lstsq", "median"):
        assert empirical_rate(pure, 399, method=method) == pytest.approx(0.97, rel=1e-12)
        assert empirical_rate(rotating, 399, method=method) == pytest.approx(0.95, rel=5e-3)
    with pytest.raises(ParameterError, match=r"^method: unknown method 'mean'"):
        empirical_rate(pure, 399, method="mean")


def test_the_window_is_the_end_of_the_usable_stretch():
    k = np.arange(300.0)
    # 0.5 per step for 100 steps, then 0.99: the default window (the last half) sees only 0.99
    e = np.where(k < 100, 0.5**k, 0.5**100 * 0.99 ** (k - 100))
    assert empirical_rate(e, 299, floor=1e-300) == pytest.approx(0.99, rel=1e-12)
    assert empirical_rate(e, 299, floor=1e-300, window=50) == pytest.approx(0.99, rel=1e-12)
    assert empirical_rate(e, 299, floor=1e-300, window=300) < 0.9  # both regimes
    # with the default floor (1e-11 e[0]) the stretch ends inside the first regime
    assert empirical_rate(e, 299) == pytest.approx(0.5, rel=1e-12)
    # the stretch ends where the error first reaches the floor: the tail below it is ignored
    floored = np.maximum(0.8**k, 1e-12)
    assert empirical_rate(floored, 299, floor=1e-10) == pytest.approx(0.8, rel=1e-12)
    # a run that reached the floor too fast to fit gets its mean contraction
    assert empirical_rate(np.array([1.0, 1e-4, 1e-8, 1e-12, 1e-16]), 4) == pytest.approx(1e-4)
    assert empirical_rate(np.array([1.0, 1e-4, 0.0, 0.0]), 3) == 0.0  # hit exactly 0
    assert np.isnan(empirical_rate(3.0 ** k[:5], 4))  # short, never reached the floor
    with pytest.raises(ParameterError, match=r"^window: must be at least 8 iterates, got 5$"):
        empirical_rate(floored, 299, window=5)


def test_fit_rates_is_step_major_and_chunked():
    rng = np.random.default_rng(1)
    n = metrics.CHUNK + 3  # across a chunk boundary
    rates = rng.uniform(0.5, 0.999, n)
    e = rates[None, :] ** np.arange(200.0)[:, None] * rng.uniform(0.5, 2.0, (1, n))
    stops = rng.integers(50, 200, n)
    out = fit_rates(e, stops)
    np.testing.assert_allclose(out["lstsq"], rates, rtol=1e-10)
    np.testing.assert_allclose(out["median"], rates, rtol=1e-10)
    for i in (0, metrics.CHUNK - 1, metrics.CHUNK, n - 1):
        assert out["lstsq"][i] == pytest.approx(empirical_rate(e[:, i], stops[i]), rel=1e-13)


def test_sweep_rates_equal_the_public_fit_of_each_run():
    q = ov.surface("quadratic", kappa=10, angle=20, center=(1.0, -2.0))
    lrs = np.linspace(0.01, 0.2, 70).tolist()
    rhos = np.linspace(0.0, 0.95, 60).tolist()  # 4,200 runs: more than one chunk
    res = ov.sweep(q, ov.Momentum, grid={"lr": lrs, "rho": rhos}, steps=120, window=40)
    assert res.window == 40 and res.surface is q
    floor = metrics.distance_floor(q)
    assert floor == pytest.approx(1e-11 * np.hypot(1.0, -2.0))
    for i in (0, 1234, metrics.CHUNK - 1, metrics.CHUNK, len(res) - 1):
        t = res.trajectories[i]
        d = metrics.distance_to_minimum(q, t)[0]
        assert res["final_distance"][i] == d[t.stop_step]
        for column, method in (("rate", "lstsq"), ("rate_median", "median")):
            expected = empirical_rate(d, t.stop_step, floor=floor, window=40, method=method)
            assert res[column][i] == pytest.approx(expected, rel=1e-13)


def test_converged_column():
    q = ov.surface("quadratic", kappa=10)
    edge = 2 / q.L
    # shrinking without reaching tol; reaching tol; growing too slowly to escape; diverging
    res = ov.sweep(q, ov.GD, grid={"lr": [0.05 * edge, 0.9 * edge, 1.0005 * edge, 1.5 * edge]},
                   steps=300, tol=1e-6)  # fmt: skip
    slow, fast, creeping, wild = res.to_records()
    assert slow["status"] == "max_steps" and slow["converged"] and slow["rate"] < 1
    assert fast["status"] == "converged" and fast["converged"]
    assert creeping["status"] == "max_steps" and not creeping["converged"]
    assert creeping["rate"] == pytest.approx(abs(1 - 1.0005 * edge * q.L), rel=1e-6)
    assert wild["status"] == "diverged" and not wild["converged"]
    # a run that reaches the floor exactly converged, even when too fast to fit a rate
    res = ov.sweep(ov.surface("quadratic", kappa=1), ov.GD, grid={"lr": [1.0]}, steps=20)
    assert res["converged"][0] and res["rate"][0] == 0.0


def test_rates_from_the_gradient_norm_when_no_minimum_is_known():
    s = ov.surface_from_expression("x**2 + 3*y**2")
    assert len(s.minima) == 0
    res = ov.sweep(s, ov.GD, grid={"lr": [0.05, 0.1, 0.2]}, steps=400)
    assert np.isnan(res["final_distance"]).all()
    expected = [max(abs(1 - lr * 2), abs(1 - lr * 6)) for lr in (0.05, 0.1, 0.2)]
    np.testing.assert_allclose(res["rate"], expected, rtol=1e-9)


def test_over_seeds_statistics():
    q = ov.surface("quadratic", kappa=20)
    res = ov.sweep(q, ov.GD, grid={"lr": [0.01, 0.05, 0.11]}, steps=100, seeds=range(6),
                   noise=ov.GaussianNoise(0.5))  # fmt: skip
    loss = res.on_grid("final_loss")
    stats = res.over_seeds("final_loss")
    np.testing.assert_allclose(stats.mean, loss.mean(axis=1))
    np.testing.assert_allclose(stats.std, loss.std(axis=1, ddof=1))
    np.testing.assert_allclose(stats.sem, loss.std(axis=1, ddof=1) / np.sqrt(6))
    assert stats.count.tolist() == [6, 6, 6]
    assert (res.on_grid("status")[2] == "diverged").all()  # lr > 2/L = 0.1
    kept = res.over_seeds("final_loss", include_diverged=False)
    assert kept.count.tolist() == [6, 6, 0] and np.isnan(kept.mean[2]) and np.isnan(kept.std[2])
    one = ov.sweep(q, ov.GD, grid={"lr": [0.01]}, steps=10).over_seeds("final_loss")
    assert one.count.tolist() == [1] and np.isnan(one.std[0])  # no spread from one seed
