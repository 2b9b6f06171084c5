"""Gradient noise: seeded streams, minibatch sampling, averages, errors."""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.noise import BLOCK_STEPS, noise_from_dict, normal_stream


def test_gaussian_noise_is_the_seeds_normal_stream():
    q = ov.surface("quadratic", kappa=4)
    steps, sigma = 3 * BLOCK_STEPS + 17, 0.25
    t = ov.run(q, ov.GD(lr=0.05), steps=steps, noise=ov.GaussianNoise(sigma), seed=11)
    z = np.random.default_rng(11).standard_normal((steps + 1, 2))
    np.testing.assert_allclose(t.grad - q.grad(t.xy), sigma * z, rtol=1e-9, atol=1e-13)


def test_a_run_is_a_prefix_of_a_longer_run():
    """Blocks of draws never depend on the run's length (or on the batch)."""
    s = ov.surface("logistic_regression")
    for noise in (ov.GaussianNoise(0.5), ov.Minibatch(8), ov.Minibatch(8, replace=True)):
        short = ov.run(s, ov.Momentum(lr=0.1), steps=BLOCK_STEPS + 3, noise=noise, seed=4)
        long = ov.run(s, ov.Momentum(lr=0.1), steps=3 * BLOCK_STEPS, noise=noise, seed=4)
        np.testing.assert_array_equal(short.xy, long.xy[: BLOCK_STEPS + 4])


def epoch_batches(n, b, seed, steps):
    stream = ov.Minibatch(b).batch_stream(n, [seed])
    return np.array([stream.step(k, None)[0] for k in range(steps)])


@pytest.mark.parametrize(("n", "b"), [(50, 10), (50, 7), (20, 20), (100, 1)])
def test_minibatches_without_replacement_are_epoch_shuffles(n, b):
    per_epoch = n // b
    batches = epoch_batches(n, b, seed=3, steps=4 * per_epoch + 1)
    for e in range(4):
        epoch = batches[e * per_epoch : (e + 1) * per_epoch].ravel()
        assert len(set(epoch.tolist())) == per_epoch * b  # every sample at most once per epoch
        assert epoch.min() >= 0 and epoch.max() < n
    if per_epoch > 1:  # a fresh shuffle each epoch
        assert not np.array_equal(batches[:per_epoch], batches[per_epoch : 2 * per_epoch])
    # the shuffle is numpy's permuted() of the seed's generator: one shuffle per epoch
    shuffles = np.random.default_rng(3).permuted(
        np.tile(np.arange(n), (max(1, BLOCK_STEPS // per_epoch), 1)), axis=1
    )
    np.testing.assert_array_equal(batches[:per_epoch].ravel(), shuffles[0, : per_epoch * b])


@pytest.mark.parametrize("name", ["least_squares", "logistic_regression", "softmax_1d"])
def test_minibatch_gradients_average_to_the_full_gradient_over_an_epoch(name):
    s = ov.surface(name) if name != "softmax_1d" else ov.surface(name, lam=0.05)
    n = s.n_samples
    b = n // 5
    p = s.start + 0.3
    oracle = ov.Minibatch(b).oracle(s, [9], steps=10)
    grads = [oracle(k, p[None], s.grad(p)[None])[0] for k in range(5)]  # one epoch: 5 batches
    np.testing.assert_allclose(np.mean(grads, axis=0), s.grad(p), rtol=1e-12, atol=1e-15)
    assert not np.allclose(grads[0], grads[1])  # the batches do differ


def test_minibatch_gradients_with_replacement_average_to_the_full_gradient():
    s = ov.surface("least_squares")
    p = s.start
    b, draws = 5, 20_000
    stream = ov.Minibatch(b, replace=True).batch_stream(s.n_samples, [1])
    idx = np.array([stream.step(k, None)[0] for k in range(draws)])
    assert any(len(set(row.tolist())) < b for row in idx)  # duplicates happen: with replacement
    G = s.batch_grad(np.tile(p, (draws, 1)), idx)
    # per-sample gradients: the batch mean has covariance Sigma / b, the average over draws Sigma /
    # (b draws)
    per_sample = s.batch_grad(np.tile(p, (s.n_samples, 1)), np.arange(s.n_samples)[:, None])
    standard_error = per_sample.std(axis=0) / np.sqrt(b * draws)
    assert np.all(np.abs(G.mean(axis=0) - s.grad(p)) < 4 * standard_error)
    counts = np.bincount(idx.ravel(), minlength=s.n_samples)
    expected = b * draws / s.n_samples
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)  # uniform over the samples


def test_runs_sharing_a_seed_share_their_noise():
    stream = normal_stream([5, 7, 5])
    z = stream.step(0, None)
    assert np.array_equal(z[0], z[2]) and not np.array_equal(z[0], z[1])
    # rows pick runs out of the batch (the engine's runs still being computed)
    np.testing.assert_array_equal(
        stream.step(2, np.array([1]))[0], normal_stream([7]).step(2, None)[0]
    )
    assert stream.step(3, np.array([0, 2])).shape == (2, 2)


def test_blocks_must_be_served_in_order():
    stream = normal_stream([0])
    stream.step(0, None)
    with pytest.raises(RuntimeError, match="out of order"):
        stream.step(3 * BLOCK_STEPS, None)


def test_describe_round_trips():
    for noise in (ov.GaussianNoise(0.3), ov.Minibatch(4), ov.Minibatch(4, replace=True)):
        assert noise_from_dict(noise.describe()) == noise
    assert noise_from_dict(None) is None
    with pytest.raises(ParameterError, match="unknown noise kind 'pink'"):
        noise_from_dict({"kind": "pink"})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ov.GaussianNoise(-1), "sigma: must be a non-negative number, got -1.0"),
        (lambda: ov.GaussianNoise("big"), "sigma: must be a number, got 'big'"),
        (lambda: ov.Minibatch(0), "batch_size: must be at least 1, got 0"),
        (lambda: ov.Minibatch(2.5), "batch_size: must be an integer, got 2.5"),
        (lambda: ov.Minibatch(4, replace="no"), "replace: must be true or false, got 'no'"),
        (
            lambda: ov.Minibatch(4).oracle(ov.surface("rosenbrock"), [0], 10),
            "noise: minibatch noise needs a finite-sum (dataset) surface; 'rosenbrock' is not one "
            "(try least_squares, logistic_regression or softmax_1d, or GaussianNoise)",
        ),
        (
            lambda: ov.Minibatch(21).oracle(ov.surface("softmax_1d"), [0], 10),
            "batch_size: must be at most the surface's 20 samples, got 21",
        ),
    ],
)
def test_noise_errors(make, message):
    with pytest.raises(ParameterError) as err:
        make()
    assert str(err.value) == message


def test_gaussian_noise_is_capped_so_the_first_row_stays_valid():
    with pytest.raises(ov._validate.ParameterError, match="sigma: must be at most 1e"):
        ov.GaussianNoise(1.7e308)
