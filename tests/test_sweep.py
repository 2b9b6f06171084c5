"""Sweeps: one vectorized run equal to the individual runs, tidy columns, rates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.metrics import empirical_rate


@pytest.mark.parametrize(
    ("Rule", "grid", "noise"),
    [
        (ov.Momentum, {"lr": [0.01, 0.05, 0.4], "rho": [0.0, 0.5, 0.9]}, None),
        (ov.Adam, {"lr": [0.05, 0.2], "betas": [(0.9, 0.999), (0.5, 0.9)]}, ov.GaussianNoise(0.3)),
        (ov.RMSProp, {"lr": [0.01, 0.05], "momentum": [0.0, 0.5], "centered": [True]}, None),
    ],
    ids=["momentum", "adam_noise", "rmsprop"],
)
def test_sweep_equals_individual_runs(Rule, grid, noise):
    q = ov.surface("quadratic", kappa=10, angle=30)
    seeds = (0, 7)
    res = ov.sweep(
        q, Rule, grid=grid, start=(3.0, 2.0), steps=200, seeds=seeds, noise=noise, tol=1e-6
    )
    combos = list(itertools.product(*grid.values()))
    assert len(res) == len(combos) * len(seeds) == res.trajectories.n_runs
    i = 0
    for combo in combos:
        for seed in seeds:
            kwargs = dict(zip(grid, combo, strict=True))
            single = ov.run(
                q, Rule(**kwargs), start=(3.0, 2.0), steps=200, noise=noise, seed=seed, tol=1e-6
            )
            row = res.to_records()[i]
            for key, value in kwargs.items():
                assert row[key] == value
            assert row["seed"] == seed
            assert (row["status"], row["stop_step"]) == (single.status, single.stop_step)
            np.testing.assert_allclose(res.trajectories[i].xy, single.xy, rtol=1e-13, atol=1e-300)
            assert row["final_loss"] == pytest.approx(single.loss[single.stop_step], rel=1e-12)
            expected_steps = single.stop_step if single.status == "converged" else None
            assert (
                row["steps_to_tol"] if not np.isnan(row["steps_to_tol"]) else None
            ) == expected_steps
            assert row["final_distance"] == pytest.approx(np.hypot(*single.final), rel=1e-12)
            i += 1


def test_columns_grid_reshaping_and_records():
    q = ov.surface("quadratic", kappa=10)
    grid = {"lr": [0.02, 0.05, 0.1], "rho": [0.3, 0.6]}
    res = ov.sweep(q, "momentum", grid=grid, steps=150, seeds=(1, 2, 3, 4), tol=1e-8)
    assert res.columns == [
        "lr",
        "rho",
        "seed",
        "status",
        "stop_step",
        "steps_to_tol",
        "final_loss",
        "final_distance",
        "rate",
        "rate_median",
        "converged",
    ]
    assert res.shape == (3, 2, 4)
    lr = res.on_grid("lr")
    assert (
        lr.shape == (3, 2, 4) and (lr[1] == 0.05).all() and (res.on_grid("rho")[:, 1] == 0.6).all()
    )
    assert res.on_grid("seed")[2, 1].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(
        res.on_grid("final_loss", reduce="mean"), res.on_grid("final_loss").mean(axis=2)
    )
    assert res.on_grid("rate", reduce="median").shape == (3, 2)
    records = res.to_records()
    assert len(records) == 24
    np.testing.assert_equal(list(res), records)  # (NaN == NaN here)
    np.testing.assert_equal(records[5], {k: res[k].tolist()[5] for k in res.columns})
    best = res.best("final_loss")
    assert best["final_loss"] == res["final_loss"].min()
    assert repr(res).startswith(
        "<SweepResult momentum over lr, rho: 6 combinations x 4 seeds = 24 runs;"
    )
    with pytest.raises(KeyError, match="unknown column 'rates'; did you mean 'rate'"):
        res["rates"]
    with pytest.raises(ParameterError, match="unknown reduction 'avg'"):
        res.on_grid("rate", reduce="avg")
    # without noise, seeds do not matter
    assert (res.on_grid("final_loss").std(axis=2) == 0).all()


def test_rates_follow_theory_across_a_sweep():
    """GD's rate on a quadratic is max(|1 - lr mu|, |1 - lr L|): the sweep measures it per lr."""
    q = ov.surface("quadratic", kappa=20, angle=15)
    lrs = [0.01, 0.03, 0.06, 0.09]
    res = ov.sweep(q, ov.GD, grid={"lr": lrs}, start=(2.0, 1.0), steps=2000)
    theory = [max(abs(1 - lr * q.mu), abs(1 - lr * q.L)) for lr in lrs]
    np.testing.assert_allclose(res["rate"], theory, rtol=1e-3)
    diverging = ov.sweep(q, ov.GD, grid={"lr": [0.12]}, start=(2.0, 1.0), steps=2000)
    assert diverging["status"][0] == "diverged" and diverging["rate"][0] == pytest.approx(
        abs(1 - 0.12 * q.L), rel=1e-3
    )


def test_empirical_rate():
    k = np.arange(300.0)
    assert empirical_rate(0.95**k, 299) == pytest.approx(0.95, rel=1e-12)
    rows = np.stack([0.95**k, 0.8**k * np.abs(np.cos(2 * k)) + 0.8**k, 2.0**-k])
    rates = empirical_rate(rows, [299, 299, 299])
    assert rates[0] == pytest.approx(0.95) and rates[1] == pytest.approx(0.8, rel=0.02)
    assert rates[2] == pytest.approx(0.5)  # fitted before the error reaches the floor
    assert np.isnan(empirical_rate(0.5**k, 5))  # too few points
    assert np.isnan(empirical_rate(np.zeros(50), 49))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grid": {"lr": [0.1, -0.1]}}, "grid.lr: must be a positive number, got -0.1"),
        (
            {"grid": {"lr": [0.1], "rh": [0.5]}},
            "grid.rh: unknown momentum parameter 'rh'; did you mean 'rho'? "
            "(valid: dampening, lr, rho, weight_decay)",
        ),
        ({"grid": {"rho": [0.5]}}, "grid.lr: is required for rule 'momentum'"),
        (
            {"grid": {}},
            "grid: must be a non-empty mapping of hyperparameter names to lists of values",
        ),
        ({"grid": {"lr": 0.1}}, "grid.lr: must be a list of values, got 0.1"),
        ({"grid": {"lr": []}}, "grid.lr: must hold at least one value"),
        ({"grid": {"lr": [0.1]}, "seeds": ()}, "seeds: must hold at least one seed"),
    ],
)
def test_sweep_errors(kwargs, message):
    with pytest.raises(ParameterError) as err:
        ov.sweep("quadratic", ov.Momentum, **kwargs)
    assert str(err.value) == message


def test_sweep_flag_and_rule_errors():
    with pytest.raises(
        ParameterError, match=r"^grid\.amsgrad: an on/off flag cannot vary within one sweep$"
    ):
        ov.sweep("quadratic", ov.Adam, grid={"lr": [0.1], "amsgrad": [False, True]})
    with pytest.raises(ParameterError, match=r"^Rule: must be an update rule class"):
        ov.sweep("quadratic", ov.Momentum(lr=0.1), grid={"lr": [0.1]})
    with pytest.raises(ParameterError, match=r"^rule: unknown rule 'momentm'"):
        ov.sweep("quadratic", "momentm", grid={"lr": [0.1]})
