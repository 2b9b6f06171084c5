"""Update rules: each against its formula by hand, purity, vectorization, errors, names."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.optimizers import rule_class

A = np.array([[3.0, 1.0], [1.0, 2.0]])


def gradient_sequence(p: np.ndarray, k: int) -> np.ndarray:
    """A state-dependent gradient with a deterministic wobble, fed to both implementations."""
    return A @ p + np.array([math.sin(1.3 * k), math.cos(0.7 * k)])


# -- the textbook formulas, one coordinate at a time in plain Python floats ------------------------
def hand_gd(p, g, s, t, lr, weight_decay=0.0):
    return [pi - lr * (gi + weight_decay * pi) for pi, gi in zip(p, g, strict=True)], s


def hand_momentum(p, g, s, t, lr, rho=0.9, dampening=0.0, weight_decay=0.0, nesterov=False):
    b = s.get("b", [0.0, 0.0])
    g = [gi + weight_decay * pi for pi, gi in zip(p, g, strict=True)]
    b = (
        list(g)
        if t == 1
        else [rho * bi + (1 - dampening) * gi for bi, gi in zip(b, g, strict=True)]
    )
    if nesterov:
        p = [pi - lr * (gi + rho * bi) for pi, gi, bi in zip(p, g, b, strict=True)]
    else:
        p = [pi - lr * bi for pi, bi in zip(p, b, strict=True)]
    return p, {"b": b}


def hand_adam(p, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    b1, b2 = betas
    m, v, vmax = s.get("m", [0.0, 0.0]), s.get("v", [0.0, 0.0]), s.get("vmax", [0.0, 0.0])
    out = []
    for i in range(2):
        gi = g[i] + weight_decay * p[i]
        m[i] = b1 * m[i] + (1 - b1) * gi
        v[i] = b2 * v[i] + (1 - b2) * gi * gi
        vmax[i] = max(vmax[i], v[i])
        m_hat = m[i] / (1 - b1**t)
        v_hat = (vmax[i] if amsgrad else v[i]) / (1 - b2**t)
        out.append(p[i] - lr * m_hat / (math.sqrt(v_hat) + eps))
    return out, {"m": m, "v": v, "vmax": vmax}


def hand_rmsprop(
    p, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    sq, ga, b = s.get("sq", [0.0, 0.0]), s.get("ga", [0.0, 0.0]), s.get("b", [0.0, 0.0])
    out = []
    for i in range(2):
        gi = g[i] + weight_decay * p[i]
        sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi
        ga[i] = alpha * ga[i] + (1 - alpha) * gi
        a = math.sqrt(sq[i] - ga[i] ** 2 if centered else sq[i]) + eps
        if momentum > 0:
            b[i] = momentum * b[i] + gi / a
            out.append(p[i] - lr * b[i])
        else:
            out.append(p[i] - lr * gi / a)
    return out, {"sq": sq, "ga": ga, "b": b}


def hand_adagrad(
    p, g, s, t, lr=1e-2, eps=1e-10, weight_decay=0.0, lr_decay=0.0, initial_accumulator_value=0.0
):
    total = s.get("sum", [initial_accumulator_value] * 2)
    clr = lr / (1 + (t - 1) * lr_decay)
    out = []
    for i in range(2):
        gi = g[i] + weight_decay * p[i]
        total[i] += gi * gi
        out.append(p[i] - clr * gi / (math.sqrt(total[i]) + eps))
    return out, {"sum": total}


CASES = [
    (ov.GD(lr=0.05), hand_gd, {"lr": 0.05}),
    (ov.GD(lr=0.05, weight_decay=0.3), hand_gd, {"lr": 0.05, "weight_decay": 0.3}),
    (ov.Momentum(lr=0.05), hand_momentum, {"lr": 0.05}),
    (
        ov.Momentum(lr=0.05, rho=0.7, dampening=0.4, weight_decay=0.2),
        hand_momentum,
        {"lr": 0.05, "rho": 0.7, "dampening": 0.4, "weight_decay": 0.2},
    ),
    (ov.Nesterov(lr=0.05, rho=0.8), hand_momentum, {"lr": 0.05, "rho": 0.8, "nesterov": True}),
    (
        ov.Nesterov(lr=0.05, rho=0.8, weight_decay=0.1),
        hand_momentum,
        {"lr": 0.05, "rho": 0.8, "weight_decay": 0.1, "nesterov": True},
    ),
    (ov.Adam(lr=0.1), hand_adam, {"lr": 0.1}),
    (
        ov.Adam(lr=0.1, betas=(0.6, 0.95), eps=1e-3, weight_decay=0.1, amsgrad=True),
        hand_adam,
        {"lr": 0.1, "betas": (0.6, 0.95), "eps": 1e-3, "weight_decay": 0.1, "amsgrad": True},
    ),
    (ov.RMSProp(lr=0.02), hand_rmsprop, {"lr": 0.02}),
    (
        ov.RMSProp(lr=0.02, alpha=0.8, eps=1e-4, weight_decay=0.1, momentum=0.5, centered=True),
        hand_rmsprop,
        {
            "lr": 0.02,
            "alpha": 0.8,
            "eps": 1e-4,
            "weight_decay": 0.1,
            "momentum": 0.5,
            "centered": True,
        },
    ),
    (ov.AdaGrad(lr=0.3), hand_adagrad, {"lr": 0.3}),
    (
        ov.AdaGrad(
            lr=0.3, eps=1e-6, weight_decay=0.1, lr_decay=0.05, initial_accumulator_value=0.4
        ),
        hand_adagrad,
        {
            "lr": 0.3,
            "eps": 1e-6,
            "weight_decay": 0.1,
            "lr_decay": 0.05,
            "initial_accumulator_value": 0.4,
        },
    ),
]


@pytest.mark.parametrize(
    ("rule", "hand", "kwargs"), CASES, ids=lambda c: repr(c) if isinstance(c, ov.Optimizer) else ""
)
def test_rule_matches_its_formula_by_hand(rule, hand, kwargs):
    p = np.array([1.5, -2.0])
    state = rule.init(p)
    hp, hs = [1.5, -2.0], {}
    for t in range(1, 41):
        g = gradient_sequence(p, t)
        p, state = rule.update(g, state, p)
        hp, hs = hand(hp, gradient_sequence(np.array(hp), t).tolist(), hs, t, **kwargs)
        np.testing.assert_allclose(p, hp, rtol=1e-13, atol=1e-15, err_msg=f"step {t}")
    assert state.step == 40


def test_momentum_state_is_torchs_buffer_and_the_first_step_ignores_dampening():
    rule = ov.Momentum(lr=0.1, rho=0.5, dampening=0.5)
    state = rule.init(np.zeros(2))
    assert state.momentum_buffer.tolist() == [0.0, 0.0]
    _, state = rule.update(np.array([2.0, 4.0]), state, np.zeros(2))
    assert state.momentum_buffer.tolist() == [2.0, 4.0]  # not (1 - dampening) * g
    _, state = rule.update(np.array([2.0, 4.0]), state, np.zeros(2))
    assert state.momentum_buffer.tolist() == [2.0, 4.0]  # 0.5 * 2 + 0.5 * 2


def test_nesterov_position_is_the_actual_point():
    """x = p + lr rho b follows the lecture's look-ahead form: v <- rho v - lr g(x + rho v)."""
    lr, rho = 0.1, 0.8
    rule = ov.Nesterov(lr=lr, rho=rho)
    p = np.array([1.0, -1.0])
    state = rule.init(p)
    x, v = p.copy(), np.zeros(2)
    for _ in range(25):
        lookahead = x + rho * v
        v = rho * v - lr * (A @ lookahead)
        x = x + v
        p, state = rule.update(A @ p, state, p)
        np.testing.assert_allclose(state.position, p + lr * rho * state.momentum_buffer, rtol=1e-15)
        np.testing.assert_allclose(state.position, x, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p, x + rho * v, rtol=1e-12, atol=1e-14)


def test_adam_first_step_moves_every_coordinate_by_lr():
    rule = ov.Adam(lr=0.1, eps=0.0)
    p, _ = rule.update(np.array([3.0, -1e-4]), rule.init(np.zeros(2)), np.zeros(2))
    np.testing.assert_allclose(p, [-0.1, 0.1], rtol=1e-14)


def test_random_search_keeps_the_best_point():
    rule = ov.RandomSearch(scale=2.0)
    start = np.array([1.0, 1.0])
    state = rule.init(start, np.array(5.0))
    sample = rule.propose(state, start, np.array([0.5, -0.5]))
    assert sample.tolist() == [2.0, 0.0]
    kept, state = rule.accept(sample, np.array(3.0), state, start)
    assert kept.tolist() == [2.0, 0.0] and float(state.best_loss) == 3.0
    # a worse sample, and a NaN one, are refused; global search samples around the start
    sample = rule.propose(state, kept, np.array([0.0, 0.0]))
    assert sample.tolist() == [1.0, 1.0]
    for loss in (4.0, np.nan):
        same, state2 = rule.accept(sample, np.array(loss), state, kept)
        assert same.tolist() == [2.0, 0.0] and float(state2.best_loss) == 3.0
    local = ov.RandomSearch(scale=2.0, local=True)
    assert local.propose(state, kept, np.array([0.5, 0.0])).tolist() == [3.0, 0.0]
    with pytest.raises(TypeError, match="uses no gradient"):
        rule.update(np.zeros(2), state, kept)


ALL_RULES = [
    ov.GD(lr=0.05, weight_decay=0.1),
    ov.Momentum(lr=0.05, dampening=0.2),
    ov.Nesterov(lr=0.05),
    ov.Adam(lr=0.1, amsgrad=True),
    ov.RMSProp(lr=0.02, momentum=0.3, centered=True),
    ov.AdaGrad(lr=0.3, lr_decay=0.1),
    ov.AdamW(lr=0.1, weight_decay=0.3, amsgrad=True),
]


@pytest.mark.parametrize("rule", ALL_RULES, ids=repr)
def test_update_is_pure_and_vectorized_over_runs(rule):
    rng = np.random.default_rng(0)
    P = rng.standard_normal((5, 2))
    state = rule.init(P)
    singles = [(P[i].copy(), rule.init(P[i])) for i in range(5)]
    for k in range(6):
        G = rng.standard_normal((5, 2))
        old = [P, G, *(a for a in state if isinstance(a, np.ndarray))]
        copies = [a.copy() for a in old]
        for a in old:
            a.setflags(write=False)  # an in-place update would raise
        P, state = rule.update(G, state, P)
        assert all(np.array_equal(a, c) for a, c in zip(old, copies, strict=True))
        assert not any(P is a for a in old)
        for i in range(5):
            p_i, s_i = singles[i]
            singles[i] = rule.update(G[i], s_i, p_i)
            np.testing.assert_allclose(P[i], singles[i][0], rtol=1e-15, err_msg=f"run {i} step {k}")


@pytest.mark.parametrize(
    ("cls", "per_run"),
    [
        (ov.GD, {"lr": [0.01, 0.1, 0.3]}),
        (
            ov.Momentum,
            {"lr": [0.01, 0.1, 0.3], "rho": [0.0, 0.5, 0.9], "dampening": [0.0, 0.5, 1.0]},
        ),
        (ov.Nesterov, {"lr": [0.01, 0.1, 0.3], "rho": [0.1, 0.5, 0.9]}),
        (ov.Adam, {"lr": [0.01, 0.1, 0.3], "betas": ([0.5, 0.9, 0.3], [0.9, 0.999, 0.4])}),
        (ov.RMSProp, {"alpha": [0.5, 0.9, 0.99], "momentum": [0.0, 0.5, 0.9]}),
        (ov.AdaGrad, {"lr_decay": [0.0, 0.1, 1.0], "initial_accumulator_value": [0.0, 1.0, 2.0]}),
    ],
)
def test_per_run_hyperparameters_equal_separate_rules(cls, per_run):
    batch = cls(**per_run)
    assert batch.n_values() == 3
    rng = np.random.default_rng(1)
    P = rng.standard_normal((3, 2))
    singles = []
    for i in range(3):
        kw = {k: (tuple(x[i] for x in v) if k == "betas" else v[i]) for k, v in per_run.items()}
        singles.append(cls(**kw))
    states = [r.init(P[i]) for i, r in enumerate(singles)]
    ps = [P[i] for i in range(3)]
    state = batch.init(P)
    for _ in range(8):
        G = rng.standard_normal((3, 2))
        P, state = batch.update(G, state, P)
        for i, r in enumerate(singles):
            ps[i], states[i] = r.update(G[i], states[i], ps[i])
            np.testing.assert_allclose(P[i], ps[i], rtol=1e-15)
    assert batch.take(np.array([2])).n_values() == 1


def test_defaults_follow_torch():
    assert ov.Adam().params == {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
    }
    assert ov.RMSProp().params == {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    }
    assert ov.AdaGrad().params == {
        "lr": 1e-2,
        "eps": 1e-10,
        "weight_decay": 0.0,
        "lr_decay": 0.0,
        "initial_accumulator_value": 0.0,
    }
    assert ov.Momentum(lr=0.1).params == {
        "lr": 0.1,
        "rho": 0.9,
        "dampening": 0.0,
        "weight_decay": 0.0,
    }
    assert ov.Nesterov(lr=0.1).params == {"lr": 0.1, "rho": 0.9, "weight_decay": 0.0}


def test_names_labels_hyperparams_and_legends():
    table = {
        ov.GD(lr=0.1): ("gd", "GD", {"lr": 0.1}, "GD (lr=0.1)"),
        ov.Momentum(lr=0.02): (
            "momentum",
            "Momentum",
            {"lr": 0.02, "rho": 0.9},
            "Momentum (lr=0.02, ρ=0.9)",
        ),
        ov.Nesterov(lr=0.02, rho=0.5): (
            "nesterov",
            "Nesterov",
            {"lr": 0.02, "rho": 0.5},
            "Nesterov (lr=0.02, ρ=0.5)",
        ),
        ov.Adam(lr=0.1, amsgrad=True): (
            "adam",
            "Adam",
            {"lr": 0.1, "amsgrad": True},
            "Adam (lr=0.1, amsgrad=True)",
        ),
        ov.RMSProp(): ("rmsprop", "RMSProp", {"lr": 0.01}, "RMSProp (lr=0.01)"),
        ov.AdaGrad(lr=0.5, eps=1e-6): (
            "adagrad",
            "AdaGrad",
            {"lr": 0.5, "eps": 1e-6},
            "AdaGrad (lr=0.5, ε=1e-6)",
        ),
        ov.RandomSearch(0.5): (
            "random_search",
            "Random search",
            {"scale": 0.5},
            "Random search (scale=0.5)",
        ),
    }
    for r, (name, label, hyper, legend) in table.items():
        assert (r.name, r.label, r.hyperparams, r.legend) == (name, label, hyper, legend)
        assert ov.rule(r.name, **r.hyperparams) == r  # the hyperparams rebuild the rule
    assert ov.Adam(betas=(0.8, 0.99)).legend == "Adam (lr=0.001, β=(0.8, 0.99))"
    assert (
        repr(ov.Momentum(lr=0.02, weight_decay=0.1))
        == "Momentum(lr=0.02, rho=0.9, weight_decay=0.1)"
    )


def test_rules_are_frozen_and_compare_by_value():
    r = ov.Momentum(lr=0.1)
    with pytest.raises(AttributeError):
        r.lr = 0.2  # type: ignore[misc]
    assert r == ov.Momentum(lr=0.1, rho=0.9) and hash(r) == hash(ov.Momentum(lr=0.1))
    assert r != ov.Momentum(lr=0.2) and r != ov.Nesterov(lr=0.1)
    assert ov.GD(lr=[0.1, 0.2]) == ov.GD(lr=[0.1, 0.2])
    assert len({ov.GD(lr=[0.1, 0.2]), ov.GD(lr=[0.1, 0.2])}) == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ov.GD(lr=-0.1), "lr: must be a positive number, got -0.1"),
        (lambda: ov.GD(lr=0), "lr: must be a positive number, got 0.0"),
        (lambda: ov.GD(lr=True), "lr: must be a number, got True"),
        (lambda: ov.GD(lr="0.1"), "lr: must be a number, got '0.1'"),
        (lambda: ov.GD(lr=float("nan")), "lr: must be a finite number, got nan"),
        (lambda: ov.Momentum(lr=0.1, rho=1.0), "rho: must be in [0, 1), got 1.0"),
        (lambda: ov.Momentum(lr=0.1, rho=-0.5), "rho: must be in [0, 1), got -0.5"),
        (lambda: ov.Momentum(lr=0.1, dampening=1.5), "dampening: must be in [0, 1], got 1.5"),
        (
            lambda: ov.Nesterov(lr=0.1, weight_decay=-1),
            "weight_decay: must be a non-negative number, got -1.0",
        ),
        (lambda: ov.Adam(betas=(0.9, 1.0)), "betas[1]: must be in [0, 1), got 1.0"),
        (lambda: ov.Adam(betas=0.9), "betas: must be a pair (beta1, beta2), got 0.9"),
        (lambda: ov.Adam(eps=-1e-8), "eps: must be a non-negative number, got -1e-08"),
        (lambda: ov.Adam(amsgrad="yes"), "amsgrad: must be true or false, got 'yes'"),
        (lambda: ov.RMSProp(alpha=1.0), "alpha: must be in [0, 1), got 1.0"),
        (lambda: ov.RMSProp(momentum=-0.1), "momentum: must be in [0, 1), got -0.1"),
        (lambda: ov.AdaGrad(lr_decay=-1), "lr_decay: must be a non-negative number, got -1.0"),
        (
            lambda: ov.AdaGrad(initial_accumulator_value=-1),
            "initial_accumulator_value: must be a non-negative number, got -1.0",
        ),
        (lambda: ov.RandomSearch(scale=0), "scale: must be a positive number, got 0.0"),
        (lambda: ov.GD(lr=[0.1, -1]), "lr[1]: must be a positive number, got -1.0"),
        (
            lambda: ov.GD(lr=[[0.1, 0.2]]),
            "lr: must be a number or a 1-D list of numbers, got shape (1, 2)",
        ),
        (lambda: ov.GD(lr=[]), "lr: must be a number or a 1-D list of numbers, got shape (0,)"),
        (
            lambda: ov.GD(lr=[0.1, 0.2], weight_decay=[0, 0, 0]).n_values(),
            "gd: per-run hyperparameters must all have the same length, got [2, 3]",
        ),
    ],
)
def test_constructor_errors_name_the_field(make, message):
    with pytest.raises(ParameterError) as err:
        make()
    assert str(err.value) == message
    assert isinstance(err.value, ValueError)


def test_rule_by_name():
    assert ov.rule_names() == [
        "gd",
        "momentum",
        "nesterov",
        "adam",
        "adamw",
        "rmsprop",
        "adagrad",
        "newton",
        "lbfgs",
        "random_search",
    ]
    assert ov.rule("nesterov", lr=0.1, rho=0.5) == ov.Nesterov(lr=0.1, rho=0.5)
    assert ov.rule("adam", lr=0.1, betas=[0.8, 0.9]).betas == (0.8, 0.9)
    assert rule_class("rmsprop") is ov.RMSProp
    with pytest.raises(ParameterError) as err:
        ov.rule("adamm", lr=0.1)
    assert str(err.value) == (
        "rule: unknown rule 'adamm'; did you mean 'adam'? "
        "(valid: adagrad, adam, adamw, gd, lbfgs, momentum, nesterov, newton, random_search, rmsprop)"
    )
    with pytest.raises(ParameterError) as err:
        ov.rule("momentum", lr=0.1, beta=0.9)
    assert str(err.value) == (
        "beta: unknown momentum parameter 'beta' (valid: dampening, lr, rho, weight_decay)"
    )
    with pytest.raises(ParameterError) as err:
        ov.rule("gd")
    assert str(err.value) == "lr: is required for rule 'gd'"
    with pytest.raises(ParameterError) as err:
        ov.rule("gd", lr=-1)
    assert str(err.value) == "lr: must be a positive number, got -1.0"


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 0.99])
def test_nesterov_actual_points_from_iterates_alone(rho):
    """Nesterov.path without a state history (the explorer's stacked runs) recovers the actual points from the
    stored look-ahead iterates, x[t] = (p[t] + rho x[t-1]) / (1 + rho): up to rounding the recorded positions,
    and bit for bit the same on one run (Python floats) as on a batch (numpy), a diverged run's too."""
    rule = ov.Nesterov(lr=0.01, rho=rho)
    t = ov.run("himmelblau", rule, start=(-1.5, 2.0), steps=300)
    assert t.status == "max_steps"  # (a stopped run's frozen iterates are not steps)
    single = rule.path(t.xy, {})
    np.testing.assert_allclose(single, t.state["position"], rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(rule.path(np.stack([t.xy, t.xy[::-1]]), {})[0], single)
    xy = t.xy.copy()
    xy[200:, 0], xy[250:, 1] = np.inf, -np.inf
    np.testing.assert_array_equal(rule.path(xy, {}), rule.path(xy[None], {})[0])
    assert np.isinf(rule.path(xy, {})[200, 0]) and np.isfinite(rule.path(xy, {})[:200]).all()
