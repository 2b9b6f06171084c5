"""Rules stepped side by side as one batch (``optviz.stacked.Stacked``) give each rule's own run, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.analysis import suggested_rule_lr
from optviz.engine import _batched_loop, prepare
from optviz.stacked import COORDINATEWISE, Stacked

# (Newton and L-BFGS evaluate the surface themselves and do not stack: refused, below)
GRADIENT_RULES = [
    n
    for n in ov.rule_names()
    if ov.optimizers.rule_class(n).uses_gradient and not ov.optimizers.rule_class(n).uses_surface
]


def rules_for(s: ov.Surface, scale: float = 1.0) -> list[ov.Optimizer]:
    return [ov.optimizers.rule(n, lr=scale * suggested_rule_lr(s, n)) for n in GRADIENT_RULES]


def assert_each_its_own(s, rules, steps=120, **kw) -> ov.Trajectory:
    start = kw.pop("start", s.start)
    batch = ov.run(s, Stacked(tuple(rules)), start=[start] * len(rules), steps=steps, **kw)
    # the batch stepped by Stacked.step (float updates and one-row arrays), not by the rules' float kernels
    problem = prepare(s, Stacked(tuple(rules)), [start] * len(rules), steps, **kw)
    stepped = _batched_loop(problem, use_kernels=False)
    for i, rule in enumerate(rules):
        alone = ov.run(s, rule, start=start, steps=steps, **kw)
        for got in (batch[i], stepped[i]):
            assert got.optimizer == rule
            for name in ("xy", "loss", "grad"):
                np.testing.assert_array_equal(
                    getattr(got, name), getattr(alone, name), err_msg=name
                )
            assert (got.status, got.stop_step) == (alone.status, alone.stop_step)
    return batch


@pytest.mark.parametrize("name", ov.surface_names())
def test_every_rule_on_every_surface(name) -> None:
    s = ov.surface(name)
    assert_each_its_own(s, rules_for(s))


@pytest.mark.parametrize("name", ["quadratic", "rosenbrock", "saddle"])
def test_under_gaussian_noise_each_run_gets_its_own_runs_draws(name) -> None:
    s = ov.surface(name)
    assert_each_its_own(s, rules_for(s), noise=ov.GaussianNoise(0.3), seed=5)


def test_minibatch_noise() -> None:
    s = ov.surface("least_squares")
    assert_each_its_own(s, rules_for(s), noise=ov.Minibatch(8), seed=2)


def test_runs_that_stop_early_leave_the_others_unchanged() -> None:
    # Most rules diverge at 20x their learning rate and are dropped from the batch; the rest go on.
    s = ov.surface("quadratic", kappa=10)
    batch = assert_each_its_own(s, rules_for(s, 20.0), steps=300)
    assert "diverged" in set(batch.status) and len(set(batch.status)) > 1
    batch = assert_each_its_own(s, rules_for(s), steps=300, tol=1e-6)
    assert "converged" in set(batch.status)


def test_only_gradient_rules_with_scalar_hyperparameters_stack() -> None:
    with pytest.raises(ParameterError, match=r"^rules: "):
        Stacked(())
    with pytest.raises(ParameterError, match="only gradient rules"):
        Stacked((ov.GD(lr=np.array([0.1, 0.2])),))
    with pytest.raises(
        ParameterError, match=r"^stacked: has 3 per-run hyperparameter values but there are 2"
    ):
        ov.run("quadratic", Stacked((ov.GD(lr=0.1),) * 3), start=[[1.0, 1.0], [2.0, 2.0]], steps=5)


@pytest.mark.parametrize("rule", [ov.Newton(), ov.LBFGS()], ids=["newton", "lbfgs"])
def test_rules_that_evaluate_the_surface_do_not_stack(rule):
    with pytest.raises(ParameterError, match="evaluates the surface itself and does not stack"):
        Stacked((ov.GD(lr=0.1), rule))


# Every option of the rules stepped coordinate by coordinate (stacked.COORDINATEWISE), away from its default.
OPTIONS = [
    ov.GD(lr=0.02, weight_decay=0.3),
    ov.Momentum(lr=0.02, rho=0.8, dampening=0.4, weight_decay=0.1),
    ov.Nesterov(lr=0.02, rho=0.95, weight_decay=0.2),
    ov.Adam(lr=0.2, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.1, amsgrad=True),
    ov.AdamW(lr=0.2, betas=(0.6, 0.95), eps=1e-4, weight_decay=0.4, amsgrad=True),
    ov.AdamW(lr=0.1),
    ov.RMSProp(lr=0.05, alpha=0.9, eps=0.0, weight_decay=0.1, momentum=0.5, centered=True),
    ov.RMSProp(lr=0.05, momentum=0.3),
    ov.AdaGrad(lr=0.5, eps=0.0, weight_decay=0.1, lr_decay=0.05, initial_accumulator_value=0.2),
]


@pytest.mark.parametrize("name", ["quadratic", "rosenbrock", "saddle", "himmelblau"])
def test_every_option_of_the_coordinatewise_rules(name) -> None:
    s = ov.surface(name)
    assert {type(r) for r in OPTIONS} == set(COORDINATEWISE)
    # Stacked calls their update for their step: none may step otherwise.
    assert all(cls.step is ov.Optimizer.step for cls in COORDINATEWISE)
    assert_each_its_own(s, OPTIONS, steps=150)
    assert_each_its_own(s, OPTIONS, steps=150, noise=ov.GaussianNoise(0.5), seed=3)


class Halved(ov.GD):
    """A rule of the user's own (a subclass: not stepped coordinate by coordinate until listed)."""

    def update(self, grad, state, xy):
        return super().update(0.5 * grad, state, xy)


def test_other_rules_step_on_their_rows_beside_the_coordinatewise_ones() -> None:
    s = ov.surface("rosenbrock")
    rules = [Halved(lr=1e-3), ov.Adam(lr=0.05), Halved(lr=2e-3), ov.Momentum(lr=5e-4)]
    assert Stacked(tuple(rules))._split == (False, True, False, True)
    assert_each_its_own(s, rules, steps=200)


@pytest.mark.parametrize(
    "schedule",
    [
        ov.CosineAnnealingLR(T_max=150),
        ov.SequentialLR(
            [ov.LinearLR(start_factor=0.1, total_iters=15), ov.StepLR(step_size=40)], [15]
        ),
        ov.OneCycleLR(max_lr=0.05, total_steps=150),
    ],
    ids=["cosine", "warmup-step", "one-cycle"],
)
def test_scheduled_rules_stack_coordinate_by_coordinate(schedule) -> None:
    # The explorer's runs under its schedule selector: each rule scheduled, all stacked, equal to each run of
    # its own with the schedule (OneCycleLR cycles the momentum of the rules that have one, as torch).
    from optviz.scheduled import momentum_target, scheduled

    s = ov.surface("rosenbrock")
    rules = [r for r in OPTIONS if schedule.name != "one_cycle" or momentum_target(r) is not None]
    members = tuple(scheduled(r, schedule, 150) for r in rules)
    stacked = Stacked(members)
    assert all(stacked._split)
    batch = ov.run(
        s, stacked, start=[s.start] * len(rules), steps=150, noise=ov.GaussianNoise(0.5), seed=4
    )
    for i, rule in enumerate(rules):
        alone = ov.run(s, rule, steps=150, noise=ov.GaussianNoise(0.5), seed=4, schedule=schedule)
        for name in ("xy", "loss", "grad"):
            np.testing.assert_array_equal(
                getattr(batch[i], name), getattr(alone, name), err_msg=name
            )
        assert (batch[i].status, batch[i].stop_step) == (alone.status, alone.stop_step)
