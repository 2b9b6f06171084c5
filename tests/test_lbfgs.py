"""L-BFGS: the batched kernel equals the one-run port to the bit; what each step records; checks.

Equality with torch.optim.LBFGS is in test_torch_fixtures.py (recorded) and test_torch_compat.py (live, bit for
bit with torch's fused multiply-adds modelled).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_engine import assert_same_runs

import optviz as ov
from optviz._validate import ParameterError
from optviz.engine import prepare, reference_run


def batch_evaluated(surface):
    """The surface with a single point evaluated as a batch of one. (A surface written with ``** 2`` gives a
    single point numpy's scalar power, which in rare cases rounds an ulp away from the ``x * x`` a batch gets;
    L-BFGS's line search compares losses, so this test evaluates both paths alike and compares L-BFGS alone.)"""
    value_and_grad = surface.value_and_grad

    def as_batch(xy):
        xy = np.asarray(xy, dtype=float)
        f, g = value_and_grad(xy.reshape(-1, 2))
        return f.reshape(xy.shape[:-1]), g.reshape(xy.shape)

    surface.value_and_grad = as_batch
    return surface


OPTIONS = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "max_iter": 5, "history_size": 3, "tolerance_change": 1e-12},
    {"line_search_fn": "strong_wolfe", "max_iter": 4, "max_eval": 7, "history_size": 2},
    {"line_search_fn": "strong_wolfe", "max_iter": 30, "max_eval": 3},  # the line search runs out
    {"max_iter": 8, "max_eval": 3},  # fixed steps, cut by max_eval
    {"lr": 1.7, "max_iter": 6},  # too long fixed steps: some runs diverge
    {"line_search_fn": "strong_wolfe", "history_size": 1, "tolerance_grad": 1e-3},
]
SURFACES = [
    batch_evaluated(ov.surface(name, **params))
    for name, params in [
        ("quadratic", {"kappa": 50, "angle": 30}),
        ("rosenbrock", {}),
        ("himmelblau", {}),
        ("beale", {}),
        ("logistic_regression", {}),
        ("six_hump_camel", {}),
    ]
]


def _starts(surface, n=16, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1)


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_batched_kernel_equals_the_one_run_port_bit_for_bit(surface, options):
    """Every run of a batch (lockstep line searches, masks, runs stopping at different steps) equals the
    plain port of torch's code, to the bit: iterates, counts, inner iterates and evaluated points."""
    args = dict(
        surface=surface, optimizer=ov.LBFGS(**options), start=_starts(surface), steps=10, tol=1e-9
    )
    batch = ov.run(**args)
    problem = prepare(**args)
    for i in range(batch.n_runs):
        ref = reference_run(problem, i)
        one = batch[i]
        assert (one.status, one.stop_step) == (ref.status, ref.stop_step), i
        np.testing.assert_array_equal(one.xy, ref.xy)
        for name in ("func_evals", "n_iter", "inner_xy", "eval_xy"):
            np.testing.assert_array_equal(one.state[name], ref.state[name], err_msg=name)


@pytest.mark.slow
def test_the_cases_above_reach_every_branch():
    """The option sets exercise what they claim: runs that stop early, converge, diverge, hit max_eval."""
    statuses, cut = set(), False
    for surface in SURFACES:
        for options in OPTIONS:
            rule = ov.LBFGS(**options)
            t = ov.run(surface, rule, start=_starts(surface), steps=10, tol=1e-9)
            statuses |= set(t.status.tolist())
            cut |= bool((t.evaluations >= rule.evaluations_cap).any())
    assert statuses == {"max_steps", "converged", "diverged"} and cut


def test_per_run_hyperparameters_and_engine_stops_equal_the_reference_loop():
    s = batch_evaluated(ov.surface("himmelblau"))
    x0 = np.array(s.start)
    args = dict(
        surface=s,
        optimizer=ov.LBFGS(
            lr=[0.9, 0.5, 0.1, 3.0, 1.1, 2.5],
            tolerance_change=[1e-8, 1e-12, 1e-5, 1e-10, 1e-7, 1e-11],
            max_iter=5,
        ),
        start=[x0, 0.5 * x0, 0.9 * x0, x0, -0.3 * x0, 0.7 * x0],
        steps=30,
        tol=1e-5,
    )
    batch = ov.run(**args)
    assert set(batch.status.tolist()) == {"max_steps", "converged", "diverged"}
    assert_same_runs(batch, prepare(**args))


def test_what_a_step_records():
    s = ov.surface("rosenbrock")
    rule = ov.LBFGS(line_search_fn="strong_wolfe", max_iter=6)
    t = ov.run(s, rule, steps=8)
    for k in range(8):
        inner = t.state["inner_xy"][k + 1]
        inner = inner[~np.isnan(inner[:, 0])]
        points = t.state["eval_xy"][k + 1]
        points = points[~np.isnan(points[:, 0])]
        assert len(points) == t.evaluations[k] <= rule.evaluations_cap + 1
        assert points[0].tolist() == t.xy[k].tolist()  # the closure's first call is at the iterate
        # an inner iteration that stops at the directional-derivative test counts without moving
        assert len(inner) <= t.state["n_iter"][k + 1] - t.state["n_iter"][k] <= rule.max_iter
        # the last inner iterate is the next iterate (a step that stopped at once stands still)
        assert (inner[-1] if len(inner) else t.xy[k]).tolist() == t.xy[k + 1].tolist()
        assert all(
            (p == points).all(axis=1).any() for p in inner
        )  # every inner iterate was evaluated
        # the loss never rises along the line searches' accepted points (Armijo)
        assert (np.diff(s.value(np.concatenate([t.xy[k : k + 1], inner]))) <= 0).all()
    assert t.evaluations.shape == (8,)
    np.testing.assert_array_equal(
        t.state["func_evals"], np.concatenate([[0], np.cumsum(t.evaluations)])
    )
    # after a run stops, no more evaluations
    done = ov.run(ov.surface("quadratic", kappa=5), ov.LBFGS(), steps=10, tol=1e-4)
    assert done.status == "converged" and done.evaluations[done.stop_step :].sum() == 0


def test_a_quadratic_in_one_step_and_a_converged_run_standing_still():
    """Within its first step L-BFGS with the line search closes in on a quadratic's minimum by nine orders
    of magnitude; then the directional derivative is below tolerance_change and each step evaluates once."""
    q = ov.surface("quadratic", kappa=100, angle=30)
    rule = ov.LBFGS(line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-15)
    t = ov.run(q, rule, steps=3)
    assert np.hypot(*t.xy[0]) > 4 and np.hypot(*t.xy[1]) < 2e-9
    assert t.evaluations.tolist() == [10, 1, 1] and (t.xy[1:] == t.xy[1]).all()
    # once max|g| <= tolerance_grad, a step evaluates once and moves nowhere
    still = ov.run(q, ov.LBFGS(tolerance_grad=1.0), start=(1e-3, 1e-3), steps=4)
    assert still.evaluations.tolist() == [1, 1, 1, 1] and (still.xy == still.xy[0]).all()


def test_defaults_and_checks():
    rule = ov.LBFGS()
    assert rule.evaluations_cap == 25 and ov.LBFGS(max_iter=8).evaluations_cap == 10
    assert rule.hyperparams == {} and rule.legend == "L-BFGS"
    # legible legends: the line search in words, then only what differs from torch's defaults
    wolfe = ov.LBFGS(line_search_fn="strong_wolfe", history_size=10)
    assert wolfe.legend == "L-BFGS (history_size=10, strong Wolfe)"
    for make, message in [
        (lambda: ov.LBFGS(max_iter=0), "max_iter: must be at least 1, got 0"),
        (lambda: ov.LBFGS(max_eval=0), "max_eval: must be at least 1, got 0"),
        (lambda: ov.LBFGS(history_size=5000), "history_size: must be at most 1,000, got 5,000"),
        (lambda: ov.LBFGS(max_iter=2.5), "max_iter: must be an integer, got 2.5"),
        (
            lambda: ov.LBFGS(line_search_fn="wolfe"),
            "line_search_fn: must be 'strong_wolfe', or None (left out) for fixed steps, got 'wolfe'",
        ),
        (
            lambda: ov.LBFGS(tolerance_grad=-1),
            "tolerance_grad: must be a non-negative number, got -1.0",
        ),
        (
            lambda: ov.run("quadratic", ov.LBFGS(), noise=ov.GaussianNoise(0.1)),
            "noise: L-BFGS re-evaluates the surface at trial points, so gradient noise does not apply",
        ),
        (
            lambda: ov.LBFGS().update(np.zeros(2), ov.LBFGS().init(np.zeros(2)), np.zeros(2)),
            "surface: L-BFGS",
        ),
        (  # each step records max_iter + max_eval + 1 points: a typo must not eat the memory
            lambda: ov.run("rosenbrock", ov.LBFGS(max_iter=1000, max_eval=10_000), steps=100_000),
            "steps: 1 runs x 100,000 steps of L-BFGS record 22,009 numbers a step, 2,200,922,009 in all; "
            "the limit is 1,100,000,000",
        ),
    ]:
        with pytest.raises(ParameterError) as err:
            make()
        assert str(err.value).startswith(message)


def test_a_sweep_over_lr_equals_single_runs_and_refuses_to_vary_max_iter():
    s = ov.surface("beale")
    res = ov.sweep(
        s,
        ov.LBFGS,
        grid={"lr": [0.3, 1.0], "line_search_fn": ["strong_wolfe"]},
        start=(1, 1),
        steps=15,
    )
    for record, final in zip(res.to_records(), res["final_loss"], strict=True):
        single = ov.run(
            s, ov.LBFGS(lr=record["lr"], line_search_fn="strong_wolfe"), start=(1, 1), steps=15
        )
        assert single.final_loss == final
    assert res["line_search_fn"].tolist() == ["strong_wolfe", "strong_wolfe"]
    with pytest.raises(
        ParameterError, match=r"^grid\.max_iter: max_iter shapes every run and cannot vary"
    ):
        ov.sweep(s, ov.LBFGS, grid={"max_iter": [5, 10]}, steps=5)


def test_save_and_load(tmp_path):
    t = ov.run(
        "himmelblau", ov.LBFGS(line_search_fn="strong_wolfe"), start=[[0, 0], [1, 1]], steps=4
    )
    back = ov.Trajectory.load(t.save(tmp_path / "t.npz"))
    assert back.optimizer == ov.LBFGS(line_search_fn="strong_wolfe")
    np.testing.assert_array_equal(back.evaluations, t.evaluations)
    np.testing.assert_array_equal(back.state["eval_xy"], t.state["eval_xy"])
