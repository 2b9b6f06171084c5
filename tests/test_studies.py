"""The studies the figure kinds draw (optviz.studies) and the run-free metrics (optviz.metrics): numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optviz as ov
from optviz import metrics, studies
from optviz import theory as th

ROOT = Path(__file__).resolve().parents[1]


# -- regularized paths ------------------------------------------------------------------------------------------
def test_regularized_paths_are_the_same_runs_on_the_twin():
    s = ov.surface("softmax_1d")
    t = ov.run(s, ov.GD(lr=2.0), start=(-0.5, 2.0), steps=300)
    paths = studies.regularized_paths(s, [t], lam=0.1)
    twin = ov.surface("softmax_1d", lam=0.1)
    assert paths.lam == 0.1 and paths.surface.params == twin.params
    (again,) = paths.runs
    expected = ov.run(twin, ov.GD(lr=2.0), start=(-0.5, 2.0), steps=300)
    np.testing.assert_array_equal(again.xy, expected.xy)
    assert again.label == t.label and again.optimizer == t.optimizer
    # with L2 there is a minimum and GD reaches it; without, w grows without bound
    np.testing.assert_allclose(again.xy[-1], twin.minima[0], atol=1e-3)
    assert t.xy[-1, 0] > t.xy[100, 0] > t.xy[50, 0]


def test_the_twin_of_a_surface_without_lam_is_the_l2_wrapper():
    q = ov.surface("quadratic", kappa=10, center=(1.0, 2.0))
    twin = studies.regularized_twin(q, 0.5)
    # f + lam |w|^2: the gradient gains 2 lam w
    w = np.array([0.3, -0.7])
    np.testing.assert_allclose(twin.grad(w), q.grad(w) + 2 * 0.5 * w, rtol=1e-14)
    with pytest.raises(ValueError, match="lam: must be a positive number"):
        studies.regularized_twin(q, 0.0)


# -- weight decay and conditioning ------------------------------------------------------------------------------
def test_weight_decay_rates_follow_the_closed_forms():
    q = ov.surface("quadratic", kappa=100, angle=20)
    lams = [0.0, 0.1, 1.0, 10.0]
    w = studies.weight_decay_rates(q, lams, steps=400)
    assert (w.mu, w.L) == pytest.approx((1.0, 100.0), rel=1e-12)
    expected_kappa = (100 + 2 * np.array(lams)) / (1 + 2 * np.array(lams))
    np.testing.assert_allclose(w.kappa, expected_kappa, rtol=1e-9)
    np.testing.assert_allclose(w.rate, (expected_kappa - 1) / (expected_kappa + 1), rtol=0.02)
    assert w.dense[0] == 0 and np.all(np.diff(w.dense) > 0) and w.dense[-1] == pytest.approx(30.0)
    np.testing.assert_array_equal(
        w.kappa_theory, th.regularized_condition_number((w.mu, w.L), w.dense)
    )
    np.testing.assert_array_equal(w.rate_theory, th.gd_optimal_rate(w.kappa_theory))


def test_weight_decay_rates_refuse_a_surface_without_a_minimum_there():
    with pytest.raises(ValueError, match="surface: needs a convex"):
        studies.weight_decay_rates(ov.surface("saddle"), [0.1])


# -- the stable-lr search ---------------------------------------------------------------------------------------
def test_stable_run_halves_the_lr_until_the_run_stays():
    g = ov.surface("goldstein_price")  # GD diverges at the suggested 1/L there
    suggested = ov.analysis.suggested_rule_lr(g, "gd")
    t = studies.stable_run(g, "gd", 600)
    assert t.status != "diverged" and t.optimizer.lr == suggested / 4
    # the first lr that did not diverge: twice it does
    assert ov.run(g, ov.GD(lr=suggested / 2), steps=600).status == "diverged"
    r = ov.surface("rosenbrock")  # no halving needed there
    assert studies.stable_run(r, "gd", 600).optimizer.lr == ov.analysis.suggested_rule_lr(r, "gd")


def test_stable_run_gives_up_after_the_halvings():
    g = ov.surface("goldstein_price")
    once = studies.stable_run(g, "gd", 600, halvings=1)  # the suggested lr, though it diverges
    assert once.status == "diverged"
    assert once.optimizer.lr == ov.analysis.suggested_rule_lr(g, "gd")


def test_classic_runs_run_each_rule_on_each_function():
    grid = studies.classic_runs(["booth", "himmelblau"], ["gd", "adam"], 100)
    assert [g.surface.name for g in grid] == ["booth", "himmelblau"]
    for g in grid:
        assert [t.rule for t in g.runs] == ["gd", "adam"] and {t.steps for t in g.runs} == {100}
        for t in g.runs:
            np.testing.assert_array_equal(t.xy[0], g.surface.start)


# -- the phase diagram and the seed sweep -----------------------------------------------------------------------
def test_phase_sweep_covers_cell_centres_up_to_the_stability_edge():
    q = ov.surface("quadratic", kappa=10)
    res = studies.phase_sweep(q, "nesterov", grid=10, steps=150)
    centres = (np.arange(10) + 0.5) / 10
    np.testing.assert_allclose(res.grid["rho"], centres)
    np.testing.assert_allclose(res.grid["lr"], centres * 1.1 * th.max_lr("nesterov", q, 1.0))
    assert res.rule == "nesterov" and res.surface is q and res.trajectories.steps == 150
    res = studies.phase_sweep(q, grid=6, steps=100, lr_max=0.3)
    assert res.grid["lr"][-1] == pytest.approx(0.3 * 11 / 12)


def test_template_sweep_keeps_the_template_but_the_swept_value():
    q = ov.surface("quadratic", kappa=20)
    noise = ov.GaussianNoise(0.5)
    t = ov.run(q, ov.Momentum(lr=0.01, rho=0.8), start=(1.0, -1.0), steps=80, noise=noise, seed=3)
    res = studies.template_sweep(q, t, "lr", [0.01, 0.02], seeds=[3, 4])
    assert res.shape == (2, 1, 2) and list(res.grid) == ["lr", "rho"]
    # the template itself is one of the sweep's runs
    one = res.trajectories[0]
    np.testing.assert_array_equal(one.xy, t.xy)


def test_seed_sweeps_choose_scales_and_predict_the_stationary_loss():
    q = ov.surface("quadratic", kappa=20)
    t = ov.run(q, ov.GD(lr=0.01), steps=300, noise=ov.GaussianNoise(1.0))
    values = [0.002, 0.01, 0.05]
    study = studies.seed_sweeps(q, [t], "lr", values, seeds=range(4))
    assert study.log_x  # 0.002 .. 0.05 spans more than a decade
    (res,), ((x, y),) = study.sweeps, study.curves
    np.testing.assert_allclose(x, np.geomspace(0.002, 0.05, 200))
    valid = np.isfinite(y)
    i = np.flatnonzero(valid)[-1]
    expected = th.stationary_loss(q.A, x[i], 1.0, rule="gd", geometric=study.log_y)
    assert y[i] == pytest.approx(expected)
    assert res["final_loss"].shape == (12,)
    # no theory for exact gradients, nor for another metric
    exact = ov.run(q, ov.GD(lr=0.01), steps=100)
    assert studies.seed_sweeps(q, [exact], "lr", values, seeds=[0]).curves == (None,)
    other = studies.seed_sweeps(q, [t], "lr", values, seeds=[0], metric="final_distance")
    assert other.curves == (None,)
    forced = studies.seed_sweeps(q, [t], "lr", values, seeds=[0], log_x=False, log_y=False)
    assert (forced.log_x, forced.log_y) == (False, False)


def test_stationary_curve_is_nan_where_the_run_is_unstable_or_too_short():
    q = ov.surface("quadratic", kappa=10)  # L = 10: GD is unstable beyond lr = 0.2
    t = ov.run(q, ov.GD(lr=0.05), steps=500, noise=ov.GaussianNoise(1.0))
    y = studies.stationary_curve(q, t, "lr", np.array([0.05, 0.25]))
    assert y[0] == pytest.approx(th.stationary_loss(q.A, 0.05, 1.0, rule="gd"))
    assert np.isnan(y[1])
    short = ov.run(q, ov.GD(lr=0.05), steps=3, noise=ov.GaussianNoise(1.0))
    assert np.isnan(studies.stationary_curve(q, short, "lr", np.array([0.001]))).all()


# -- predicted against measured rates ---------------------------------------------------------------------------
def test_rate_table_numbers_and_the_command():
    table = studies.rate_table()
    assert len(table.rows) == 9
    for row in table.rows:
        k = row.kappa
        expected = {
            "gd": (k - 1) / (k + 1),
            "momentum": (np.sqrt(k) - 1) / (np.sqrt(k) + 1),
            "nesterov": 1 - 1 / np.sqrt(k),
        }[row.rule]
        assert row.predicted == pytest.approx(expected, rel=1e-9)
        assert abs(row.error) < (1e-6 if row.rule == "gd" else 1e-2)
        assert row.measured >= row.predicted * (1 - 1e-6)  # double roots read a little slow
    text = str(table).splitlines()
    assert text[0].split() == [
        "kappa",
        "rule",
        "setting",
        "lr",
        "rho",
        "predicted",
        "measured",
        "rel.",
        "diff",
    ]
    assert len(text) == 11 and "Polyak optimal" in text[3]
    out = subprocess.run(
        [sys.executable, "-m", "optviz.studies"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(table) in out


# -- stationary noise ------------------------------------------------------------------------------


# -- metrics ----------------------------------------------------------------------------------------------------
def test_measured_rate_of_gd_is_its_closed_form_rate():
    q = ov.surface("quadratic", kappa=10, angle=30)
    lr = th.gd_optimal_lr(q)
    t = ov.run(q, ov.GD(lr=lr), steps=400)
    assert metrics.measured_rate(t, q) == pytest.approx(th.gd_rate(q, lr), rel=1e-9)
    assert metrics.measured_rate(t, q, "gap") == pytest.approx(th.gd_rate(q, lr) ** 2, rel=1e-9)
    with pytest.raises(ValueError, match="quantity: unknown quantity 'loss'"):
        metrics.measured_rate(t, q, "loss")


def test_best_so_far_and_epochs_seen():
    s = ov.surface("rosenbrock")
    t = ov.run(s, ov.RandomSearch(scale=0.5), steps=40)
    np.testing.assert_array_equal(metrics.best_so_far(t), t.loss)  # its iterate is its best point
    g = ov.run(s, ov.Momentum(lr=0.001), steps=40)
    best = metrics.best_so_far(g)
    assert np.all(np.diff(best) <= 0) and np.all(best <= g.loss) and best[-1] == g.loss.min()
    ls = ov.surface("least_squares")
    full = ov.run(ls, ov.GD(lr=0.1), steps=5)
    np.testing.assert_array_equal(metrics.epochs_seen(full, ls.n_samples), np.arange(6.0))


def test_wide_range():
    assert metrics.wide_range([1.0, 10.0], 10) and not metrics.wide_range(
        [1.0, 10.0], 10, strict=True
    )
    assert not metrics.wide_range([0.0, 10.0], 10) and not metrics.wide_range([np.nan], 10)
