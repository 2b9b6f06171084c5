"""Learning-rate schedules: torch's formulas, per-run values, checks, and their use by run, sweep and figures.

Equality with torch's own floats is in test_torch_fixtures.py (recorded) and test_torch_compat.py (live);
here the schedules are held to their closed forms and to what a run does with them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_engine import assert_same_runs

import optviz as ov
from optviz._validate import ParameterError
from optviz.engine import prepare
from optviz.scheduled import scheduled
from optviz.schedules import schedule_from_dict

Q = ov.surface("quadratic", kappa=10, angle=20)

SCHEDULES = [
    ov.StepLR(step_size=7, gamma=0.3),
    ov.ExponentialLR(gamma=0.97),
    ov.CosineAnnealingLR(T_max=30, eta_min=1e-3),
    ov.LinearLR(start_factor=0.1, end_factor=0.8, total_iters=12),
    ov.OneCycleLR(max_lr=0.2, total_steps=60),
    ov.OneCycleLR(max_lr=0.2, total_steps=60, three_phase=True, anneal_strategy="linear"),
    ov.SequentialLR(
        [ov.LinearLR(start_factor=0.05, total_iters=10), ov.CosineAnnealingLR(T_max=50)], [10]
    ),
    ov.SequentialLR(
        [
            ov.ExponentialLR(gamma=0.9),
            ov.StepLR(step_size=5, gamma=0.5),
            ov.CosineAnnealingLR(T_max=9),
        ],
        milestones=[13, 40],
    ),
]


# -- the formulas ------------------------------------------------------------------------------------------
def test_recursive_forms_follow_the_closed_forms():
    """torch steps these schedules recursively; the values stay on the textbook curves (to rounding)."""
    k = np.arange(121)
    base = 0.37
    np.testing.assert_allclose(
        ov.StepLR(7, gamma=0.3).lrs(base, 120), base * 0.3 ** (k // 7), rtol=1e-13
    )
    np.testing.assert_allclose(ov.ExponentialLR(0.97).lrs(base, 120), base * 0.97**k, rtol=1e-13)
    cosine = (
        1e-3 + (base - 1e-3) * (1 + np.cos(np.pi * k / 30)) / 2
    )  # periodic past T_max, as torch
    np.testing.assert_allclose(
        ov.CosineAnnealingLR(30, eta_min=1e-3).lrs(base, 120), cosine, rtol=1e-12
    )
    linear = base * (0.1 + (0.8 - 0.1) * np.minimum(k, 12) / 12)
    np.testing.assert_allclose(ov.LinearLR(0.1, 0.8, 12).lrs(base, 120), linear, rtol=1e-13)
    warm = ov.SequentialLR(
        [ov.LinearLR(start_factor=0.05, total_iters=10), ov.CosineAnnealingLR(T_max=50)], [10]
    )
    expected = np.where(
        k < 10, base * (0.05 + 0.95 * k / 10), base * (1 + np.cos(np.pi * (k - 10) / 50)) / 2
    )
    np.testing.assert_allclose(warm.lrs(base, 60), expected[:61], rtol=1e-12, atol=1e-17)


def test_one_cycle_rises_to_max_lr_then_anneals_and_moves_momentum_the_other_way():
    sched = ov.OneCycleLR(max_lr=0.2, total_steps=100)  # peak at step pct_start * total - 1 = 29
    lrs, momenta = sched.values(123.0, 100)  # the rule's own lr is not used
    assert lrs[0] == pytest.approx(0.2 / 25) and lrs[29] == pytest.approx(0.2)
    assert lrs[99] == pytest.approx(0.2 / 25 / 1e4)
    assert (np.diff(lrs[:30]) > 0).all() and (np.diff(lrs[29:100]) < 0).all()
    assert momenta[0] == pytest.approx(0.95) and momenta[29] == pytest.approx(0.85)
    assert momenta[99] == pytest.approx(0.95)
    assert (np.diff(momenta[:30]) < 0).all() and (np.diff(momenta[29:100]) > 0).all()
    flat = ov.OneCycleLR(max_lr=0.2, total_steps=100, cycle_momentum=False).values(0.1, 100)
    assert flat[1] is None and np.array_equal(flat[0], lrs)
    by_epochs = ov.OneCycleLR(max_lr=0.2, epochs=4, steps_per_epoch=25)
    assert by_epochs.steps == 100 and np.array_equal(by_epochs.lrs(0.1, 100), lrs)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_one_lr_per_run_gives_the_single_runs_floats(schedule):
    """Per-run lrs follow the formulas elementwise, which round exactly as Python floats do."""
    base = np.array([0.1, 0.37, 1e-3, 2.5])
    table = schedule.lrs(base, 60)
    assert table.shape == (61, 4)
    for i, lr in enumerate(base):
        assert np.array_equal(table[:, i], schedule.lrs(float(lr), 60))


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
def test_description_round_trips(schedule):
    spec = schedule.describe()
    assert spec["name"] == schedule.name
    again = schedule_from_dict(spec)
    assert again == schedule and repr(again) == repr(schedule)
    assert np.array_equal(again.lrs(0.3, 60), schedule.lrs(0.3, 60))


# -- checks ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ov.StepLR(step_size=0), "step_size: must be at least 1, got 0"),
        (lambda: ov.StepLR(step_size=2.5), "step_size: must be an integer, got 2.5"),
        (lambda: ov.ExponentialLR(gamma=-0.5), "gamma: must be a positive number, got -0.5"),
        (
            lambda: ov.CosineAnnealingLR(T_max=10, eta_min=-1),
            "eta_min: must be a non-negative number, got -1.0",
        ),
        (lambda: ov.LinearLR(start_factor=1.5), "start_factor: must be in (0, 1], got 1.5"),
        (lambda: ov.LinearLR(end_factor=-0.1), "end_factor: must be in [0, 1], got -0.1"),
        (
            lambda: ov.OneCycleLR(max_lr=0.1),
            "total_steps: is required (or both epochs and steps_per_epoch)",
        ),
        (
            lambda: ov.OneCycleLR(max_lr=0.1, total_steps=10, pct_start=1.2),
            "pct_start: must be in [0, 1], got 1.2",
        ),
        (
            lambda: ov.OneCycleLR(max_lr=0.1, total_steps=10, anneal_strategy="cosine"),
            "anneal_strategy: unknown anneal_strategy 'cosine'; did you mean 'cos'? (valid: cos, linear)",
        ),
        (
            lambda: ov.OneCycleLR(max_lr=0.1, total_steps=10, max_momentum=1.0),
            "max_momentum: must be in [0, 1), got 1.0",
        ),
        (
            lambda: ov.SequentialLR([ov.LinearLR(), ov.ExponentialLR(0.9)], milestones=[]),
            "milestones: must hold one step number fewer than the schedules (1), got 0",
        ),
        (
            lambda: ov.SequentialLR([ov.LinearLR(), ov.ExponentialLR(0.9), ov.LinearLR()], [8, 5]),
            "milestones: must increase, got [8, 5]",
        ),
        (
            lambda: ov.SequentialLR([ov.LinearLR(), ov.OneCycleLR(max_lr=1.0, total_steps=9)], [3]),
            "schedulers[1]: OneCycleLR cannot be part of a SequentialLR (valid: step, exponential, "
            "cosine_annealing, linear)",
        ),
        (lambda: ov.SequentialLR([], []), "schedulers: must hold at least one schedule"),
        (
            lambda: ov.SequentialLR(["linear"], []),
            "schedulers[0]: must be a schedule such as LinearLR(...), got 'linear'",
        ),
        (lambda: ov.StepLR(5).lrs(0.1, 3.5), "steps: must be an integer, got 3.5"),
    ],
)
def test_bad_parameters_are_one_line_errors(make, message):
    with pytest.raises(ParameterError) as err:
        make()
    assert str(err.value) == message


def test_one_cycle_refuses_what_torch_cannot_do():
    with pytest.raises(
        ParameterError, match=r"^schedule: OneCycleLR is defined for 10 steps, fewer than"
    ):
        ov.OneCycleLR(max_lr=0.1, total_steps=10).lrs(0.1, 11)
    # a first phase of length 0: torch divides by it at its very first step
    with pytest.raises(ParameterError, match="phase of zero length at step 0"):
        ov.OneCycleLR(max_lr=1.0, total_steps=10, pct_start=0.1).lrs(0.1, 5)
    # pct_start = 1 leaves the last phase empty: fine until its single step
    ov.OneCycleLR(max_lr=1.0, total_steps=10, pct_start=1.0).lrs(0.1, 9)
    with pytest.raises(ParameterError, match="phase of zero length at step 10"):
        ov.OneCycleLR(max_lr=1.0, total_steps=10, pct_start=1.0).lrs(0.1, 10)


@pytest.mark.parametrize(
    ("rule", "schedule", "message"),
    [
        (ov.RandomSearch(), ov.StepLR(5), "Random search has no learning rate to schedule"),
        (
            ov.GD(lr=0.1),
            ov.OneCycleLR(max_lr=0.1, total_steps=50),
            "OneCycleLR cycles the momentum (cycle_momentum=True), and GD has none (torch's OneCycleLR "
            "would switch SGD's momentum on: that is Momentum); use a rule with momentum or betas, or "
            "cycle_momentum=false",
        ),
        (
            ov.AdaGrad(),
            ov.OneCycleLR(max_lr=0.1, total_steps=50),
            "OneCycleLR cycles the momentum (cycle_momentum=True), and AdaGrad has none; use a rule with "
            "momentum or betas, or cycle_momentum=false",
        ),
        (
            ov.Momentum(lr=[0.1, 0.2]),
            ov.OneCycleLR(max_lr=0.1, total_steps=50),
            "OneCycleLR sets the lr from max_lr, so per-run lr values would all be ignored",
        ),
        (
            ov.Adam(betas=([0.8, 0.9], 0.999)),
            ov.OneCycleLR(max_lr=0.1, total_steps=50),
            "OneCycleLR cycles betas[0] (cycle_momentum=True), so per-run betas[0] values would all be ignored",
        ),
        (
            ov.GD(lr=0.1),
            "cosine",
            "must be a schedule such as optviz.CosineAnnealingLR(T_max=100), got 'cosine'",
        ),
    ],
)
def test_a_schedule_refuses_rules_it_cannot_drive(rule, schedule, message):
    with pytest.raises(ParameterError) as err:
        scheduled(rule, schedule, steps=20)
    assert str(err.value) == f"schedule: {message}"


# -- runs --------------------------------------------------------------------------------------------------
def test_gd_takes_the_scheduled_lr_at_every_step_exactly():
    schedule = ov.SequentialLR([ov.LinearLR(total_iters=4), ov.CosineAnnealingLR(T_max=26)], [4])
    t = ov.run(Q, ov.GD(lr=0.15), steps=30, schedule=schedule)
    lrs = schedule.lrs(0.15, 30)
    assert np.array_equal(t.lr, lrs)
    x = t.xy[0]
    for k in range(30):
        x = x - lrs[k] * Q.grad(x)
        assert np.array_equal(t.xy[k + 1], x), k
    assert t.schedule == schedule and t.meta["schedule"] == schedule.describe()


def test_without_a_schedule_t_lr_is_the_constant_lr():
    t = ov.run(Q, ov.Momentum(lr=0.05), steps=10)
    assert t.lr.shape == (11,) and (t.lr == 0.05).all() and t.schedule is None
    batch = ov.run(Q, ov.GD(lr=[0.1, 0.2]), start=[[1, 1], [2, 2]], steps=5)
    assert batch.lr.shape == (2, 6) and batch.lr[:, 0].tolist() == [0.1, 0.2]
    assert ov.run(Q, ov.RandomSearch(), steps=5).lr is None


def test_one_cycle_drives_rho_and_beta1_as_torch_does():
    schedule = ov.OneCycleLR(max_lr=0.1, total_steps=40)
    lrs, momenta = schedule.values(0.0, 40)
    t = ov.run(Q, ov.Nesterov(lr=1.0, rho=0.5), steps=40, schedule=schedule)
    assert np.array_equal(t.lr, lrs) and np.array_equal(t.state["rho"], momenta)
    # Nesterov with step k's lr and rho, by hand
    x, buf = t.xy[0], None
    for k in range(40):
        g = Q.grad(x)
        buf = g if buf is None else buf * momenta[k] + g
        x = x - lrs[k] * (g + momenta[k] * buf)
        np.testing.assert_array_equal(t.xy[k + 1], x)
    adam = ov.run(Q, ov.AdamW(betas=(0.5, 0.99)), steps=40, schedule=schedule)
    assert np.array_equal(adam.state["beta1"], momenta)
    rms = ov.run(Q, ov.RMSProp(), steps=40, schedule=schedule)  # torch turns RMSprop's momentum on
    assert np.array_equal(rms.state["momentum"], momenta) and "momentum_buffer" in rms.state


@pytest.mark.parametrize("schedule", SCHEDULES, ids=repr)
@pytest.mark.parametrize(
    "rule",
    [
        ov.Momentum(lr=[0.02, 0.05, 0.3, 0.45, 0.6, 0.01], rho=0.8),
        ov.Adam(lr=[0.05, 0.1, 0.2, 0.3, 0.5, 0.01], amsgrad=True),
        ov.RMSProp(lr=[0.05, 0.1, 0.2, 0.3, 0.5, 0.01], momentum=0.5, centered=True),
        ov.LBFGS(lr=[0.2, 0.5, 1.0, 1.0, 0.1, 0.05], max_iter=4, line_search_fn="strong_wolfe"),
    ],
    ids=lambda r: r.name,
)
def test_batched_scheduled_runs_equal_the_reference_loop(schedule, rule):
    if isinstance(schedule, ov.OneCycleLR):
        rule = rule.select(2)  # OneCycleLR sets the lr itself: one lr for every run
    if isinstance(schedule, ov.OneCycleLR) and rule.name == "lbfgs":
        return  # no momentum to cycle (refused above)
    starts = [[-4.0, 1.5], [3.0, -1.0], [0.5, 2.0], [-2.0, -2.0], [4.0, 0.1], [-1.0, 1.0]]
    noise = None if rule.name == "lbfgs" else ov.GaussianNoise(0.3)
    args = dict(
        surface=Q, optimizer=rule, start=starts, steps=60, noise=noise, seed=[3, 1, 4, 1, 5, 9],
        tol=1e-3, schedule=schedule,
    )  # fmt: skip
    batch = ov.run(**args)
    assert_same_runs(batch, prepare(**args))
    assert batch.lr.shape == (6, 61)


def test_a_sweep_with_a_schedule_equals_its_single_runs():
    schedule = ov.CosineAnnealingLR(T_max=80)
    res = ov.sweep(
        Q, ov.Momentum, grid={"lr": [0.02, 0.1], "rho": [0.5, 0.9]}, steps=80, schedule=schedule
    )
    for record, final in zip(res.to_records(), res["final_loss"], strict=True):
        single = ov.run(
            Q, ov.Momentum(lr=record["lr"], rho=record["rho"]), steps=80, schedule=schedule
        )
        assert single.final_loss == final
    with pytest.raises(ParameterError, match="per-run lr values would all be ignored"):
        ov.sweep(
            Q, ov.Momentum, grid={"lr": [0.02, 0.1]}, steps=50, schedule=ov.OneCycleLR(0.1, 50)
        )


def test_diagram_vectors_use_the_steps_own_lr():
    schedule = ov.StepLR(step_size=3, gamma=0.2)
    t = ov.run(Q, ov.Momentum(lr=0.08), steps=10, schedule=schedule)
    for k in range(10):
        v = t.update_vectors(k)
        np.testing.assert_allclose(v["velocity"] + v["gradient"], v["step"], atol=1e-15)
        np.testing.assert_allclose(v["gradient"], -t.lr[k] * t.grad[k], rtol=1e-15)


def test_save_and_load_keep_the_schedule(tmp_path):
    schedule = ov.SequentialLR([ov.LinearLR(total_iters=3), ov.ExponentialLR(gamma=0.9)], [3])
    t = ov.run(Q, ov.Adam(lr=0.1), steps=12, schedule=schedule)
    back = ov.Trajectory.load(t.save(tmp_path / "t.npz"))
    assert back.schedule == schedule and np.array_equal(back.lr, t.lr)
    assert back.meta == t.meta


def test_one_step_of_the_schedule_per_step_of_the_rule():
    """An lr schedule is a function of the step count: a math check of the bookkeeping on a 1-D-like run."""
    t = ov.run(ov.surface("quadratic", kappa=1), ov.GD(lr=0.5), start=(1.0, 0.0), steps=6,
               schedule=ov.ExponentialLR(gamma=0.5))  # fmt: skip
    # x[k+1] = (1 - lr_k) x[k] with lr_k = 0.5^(k+1)
    expected = np.cumprod([1.0] + [1 - 0.5 ** (k + 1) for k in range(6)])
    np.testing.assert_allclose(t.xy[:, 0], expected, rtol=1e-15)
    assert math.isclose(t.lr[-1], 0.5**7)


def test_a_trajectory_carries_the_rule_as_given_and_its_schedule():
    """The frozen objects that ran: the rule as the user wrote it (not wrapped by the schedule, not bound to
    the surface), the schedule beside it; a batch's run i gets run i's lr."""
    schedule = ov.StepLR(step_size=2, gamma=0.5)
    batch = ov.run(
        Q, ov.Momentum(lr=[0.02, 0.05]), start=[[1, 1], [2, 2]], steps=6, schedule=schedule
    )
    assert type(batch.optimizer) is ov.Momentum and batch.schedule == schedule
    one = batch[1]
    assert one.optimizer == ov.Momentum(lr=0.05) and one.schedule == schedule
    assert one.lr.tolist() == schedule.lrs(0.05, 6).tolist()
    newton = ov.run(Q, ov.Newton(), steps=2).optimizer
    assert newton == ov.Newton() and "_surface" not in vars(newton)
