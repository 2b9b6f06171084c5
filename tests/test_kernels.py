"""The float kernels (``optviz.kernels``) give the numpy updates' bits: every rule with a kernel, every option,
on every registered surface, with and without noise, against the engine's plain reference loop (which steps
the rules' numpy ``update``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optviz as ov
from optviz import kernels
from optviz.analysis import suggested_rule_lr
from optviz.engine import prepare, reference_run

# Every option of every rule with a kernel, away from its default, and the rules as the explorer makes them.
OPTIONS = [
    ov.GD(lr=0.02, weight_decay=0.3),
    ov.Momentum(lr=0.02, rho=0.8, dampening=0.4, weight_decay=0.1),
    ov.Momentum(lr=0.02),
    ov.Nesterov(lr=0.02, rho=0.95, weight_decay=0.2),
    ov.Adam(lr=0.2, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.1, amsgrad=True),
    ov.Adam(lr=0.1, betas=(0.2, 0.4)),  # torch.lerp's other branch (weight 1 - beta1 >= 0.5)
    ov.AdamW(lr=0.2, betas=(0.6, 0.95), eps=1e-4, weight_decay=0.4, amsgrad=True),
    ov.AdamW(lr=0.1),
    ov.RMSProp(lr=0.05, alpha=0.9, eps=0.0, weight_decay=0.1, momentum=0.5, centered=True),
    ov.RMSProp(lr=0.05, alpha=0.3, centered=True),  # lerp's other branch
    ov.RMSProp(lr=0.05, momentum=0.3),
    ov.AdaGrad(lr=0.5, eps=0.0, weight_decay=0.1, lr_decay=0.05, initial_accumulator_value=0.2),
]


def assert_bit_identical(t: ov.Trajectory, ref: ov.Trajectory) -> None:
    assert (t.status, t.stop_step) == (ref.status, ref.stop_step)
    for name in ("xy", "loss", "grad"):
        np.testing.assert_array_equal(
            getattr(t, name), getattr(ref, name), err_msg=name, strict=True
        )
    assert t.state.keys() == ref.state.keys()
    for name in ref.state:
        np.testing.assert_array_equal(t.state[name], ref.state[name], err_msg=name, strict=True)


def assert_kernel_runs_equal_reference(**args) -> list[ov.Trajectory]:
    problem = prepare(**args)
    # the run below takes the kernel loop
    assert problem.rule.kernels(len(problem.start)) is not None
    batch = ov.run(**args)
    runs = [batch] if batch.xy.ndim == 2 else [batch[i] for i in range(batch.n_runs)]
    for i, t in enumerate(runs):
        assert_bit_identical(t, reference_run(problem, i))
    return runs


def test_every_rule_with_a_kernel_is_listed() -> None:
    assert {type(r) for r in OPTIONS} == set(kernels.KERNEL_RULES)


@pytest.mark.parametrize("name", ov.surface_names())
def test_every_option_on_every_surface(name) -> None:
    s = ov.surface(name)
    statuses = set()
    for rule in OPTIONS:
        for noise in (None, ov.GaussianNoise(0.5)):
            (t,) = assert_kernel_runs_equal_reference(
                surface=s, optimizer=rule, steps=60, noise=noise, seed=3
            )
            statuses.add(t.status)
    # and the registry's rules at the lr the explorer suggests (the runs a figure shows)
    for rule_name in ("gd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"):
        rule = ov.optimizers.rule(rule_name, lr=suggested_rule_lr(s, rule_name))
        assert_kernel_runs_equal_reference(surface=s, optimizer=rule, steps=60, tol=1e-3)


def test_stopping_rules_divergence_convergence_and_dropped_runs() -> None:
    # A few runs that stop at different steps, diverged or converged (stopped runs dropped on the way), with
    # and without noise (converged by the exact gradient).
    q = ov.surface("quadratic", kappa=10, angle=20)
    starts = [[-4.0, 1.5], [3.0, -1.0], [0.5, 2.0], [-2.0, -2.0]]
    statuses = set()
    for rule in (
        ov.GD(lr=[0.05, 0.21, 0.19, 0.01]),
        ov.Momentum(lr=[0.02, 0.6, 0.3, 0.01], rho=0.8),
        ov.Adam(lr=[0.3, 3.0, 0.5, 0.01]),
    ):
        for noise in (None, ov.GaussianNoise(0.05)):
            runs = assert_kernel_runs_equal_reference(
                surface=q, optimizer=rule, start=starts, steps=200, noise=noise,
                seed=[3, 1, 4, 1], tol=1e-3,
            )  # fmt: skip
            statuses |= {(noise is None, t.status) for t in runs}
            if noise is None:
                assert len({t.stop_step for t in runs}) >= 3
    assert {"converged", "diverged", "max_steps"} == {s for _, s in statuses}
    assert (False, "converged") in statuses


def test_minibatch_noise() -> None:
    s = ov.surface("least_squares")
    for rule in (ov.Momentum(lr=0.05), ov.Adam(lr=0.05, amsgrad=True)):
        for replace in (False, True):
            assert_kernel_runs_equal_reference(
                surface=s, optimizer=rule, start=[s.start, s.start + 1], steps=80,
                noise=ov.Minibatch(7, replace=replace), seed=[0, 1], tol=0.05,
            )  # fmt: skip


def test_zero_divisors_and_negative_roots_give_numpys_results() -> None:
    # eps = 0 from a minimum: 0 / 0 in every update (NaN, where Python's / would raise); the runs diverge at
    # once, as the numpy updates do.
    q = ov.surface("quadratic")
    for rule in (
        ov.Adam(lr=0.1, eps=0.0),
        ov.RMSProp(lr=0.1, eps=0.0, centered=True, momentum=0.5),
        ov.AdaGrad(lr=0.1, eps=0.0),
    ):
        (t,) = assert_kernel_runs_equal_reference(surface=q, optimizer=rule, start=[0.0, 0.0])
        assert t.status == "diverged" and t.stop_step == 0
    assert kernels._div(1.0, -0.0) == -math.inf and math.isnan(kernels._div(0.0, 0.0))
    assert math.isnan(kernels._sqrt(-1e-300)) and math.copysign(1, kernels._sqrt(-0.0)) == -1
    assert math.isnan(kernels._maximum(math.nan, 1.0))
    assert math.isnan(kernels._maximum(1.0, math.nan))


def test_only_listed_rules_with_one_value_per_hyperparameter_have_kernels() -> None:
    class Halved(ov.GD):
        def update(self, grad, state, xy):
            return super().update(0.5 * grad, state, xy)

    assert kernels.kernel(Halved(lr=0.1)) is None
    assert kernels.kernel(ov.GD(lr=[0.1, 0.2])) is None
    assert kernels.kernel(ov.Newton()) is None and kernels.kernel(ov.RandomSearch()) is None
    assert ov.GD(lr=[0.1, 0.2]).kernels(2) is not None  # one kernel per run, of its own value
    assert ov.GD(lr=0.1).kernels(kernels.FLOAT_RUNS + 1) is None  # numpy's loop for more runs
    sched = ov.run("quadratic", ov.Adam(lr=0.1), steps=5, schedule=ov.CosineAnnealingLR(T_max=5))
    assert sched.lr.shape == (6,)  # a scheduled rule has no kernel: its numpy step


@pytest.mark.parametrize("angle,center", [(0.0, (0.0, 0.0)), (30.0, (1.5, -0.25))])
def test_quadratic_value_and_grad_on_floats(angle, center) -> None:
    q = ov.surface("quadratic", kappa=37, angle=angle, center=center)
    pts = np.random.default_rng(0).normal(scale=5, size=(500, 2))
    f, g = q.value_and_grad(pts)
    got = np.array([q.value_and_grad_floats(x, y) for x, y in pts.tolist()])
    np.testing.assert_array_equal(got[:, 0], f)
    np.testing.assert_array_equal(got[:, 1:], g)


def test_a_surface_of_other_floats_runs_on_numpy() -> None:
    # float32 gradients: numpy rounds lr * g in float32, which a float kernel would not; such a run stays numpy's
    class Single(ov.Surface):
        def __init__(self) -> None:
            super().__init__(
                title="f32", latex="x^2+y^2", bounds=((-2, 2), (-2, 2)), start=(1.5, 1.0)
            )

        def value_and_grad(self, xy):
            xy = np.asarray(xy, dtype=np.float32)
            return (xy * xy).sum(axis=-1), 2 * xy

    (t,) = assert_kernel_runs_equal_reference(surface=Single(), optimizer=ov.GD(lr=0.1), steps=20)
    assert t.status == "max_steps"


def test_a_subclass_that_changes_value_and_grad_does_not_inherit_its_float_twin() -> None:
    from optviz.engine import _float_evaluation
    from optviz.surfaces.quadratic import Quadratic

    class Shifted(Quadratic):
        def value_and_grad(self, xy):
            f, g = super().value_and_grad(xy)
            return f + 1.0, g + 0.5

    q = ov.surface("quadratic")
    assert _float_evaluation(q) == q.value_and_grad_floats
    assert _float_evaluation(Shifted()) is None
    assert _float_evaluation(ov.surface("rosenbrock")) is None
    rule = ov.Adam(lr=0.1)
    (t,) = assert_kernel_runs_equal_reference(surface=Shifted(), optimizer=rule, steps=30)
    assert t.grad[0].tolist() == (q.grad(q.start) + 0.5).tolist()
