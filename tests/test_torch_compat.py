"""Live: trajectories equal torch.optim's in float64 (skipped where torch is not installed).

Without torch, tests/test_torch_fixtures.py checks the same claims against trajectories recorded from torch
2.13.0. Here torch runs: ``pip install torch==2.13.0`` (the CPU wheel; an unpinned torch pulls a CUDA build).

Both sides are fed the same gradients (the surface's), so only the update rules are compared.
torch's CPU kernels fuse multiply-adds, which numpy cannot, so the two differ by an ulp per
operation. That stays below 1e-12 while a run approaches the minimum. Once a constant-step adaptive
method reaches the minimum it bounces there with steps of about lr (sign-like steps), and there any
ulp grows: so the horizons below end before that. For L-BFGS the ulp is the whole difference: with
torch's fused multiply-add modelled exactly, optviz's port reproduces torch bit for bit.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from _torch_reference import assert_equals_torch, generator

import optviz as ov
import optviz.lbfgs
from optviz.engine import prepare, reference_run

torch = pytest.importorskip("torch")


def torch_trajectory(surface, make, start, steps):
    p = torch.tensor(np.asarray(start, dtype=float), dtype=torch.float64, requires_grad=True)
    opt = make([p])
    xs, states = [p.detach().numpy().copy()], []
    for _ in range(steps):
        opt.zero_grad()
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy()))
        opt.step()
        xs.append(p.detach().numpy().copy())
        states.append(
            {k: v.detach().numpy().copy() for k, v in opt.state[p].items() if k != "step"}
        )
    return np.array(xs), states


# (our rule, torch constructor, steps on the quadratic, steps on Rosenbrock)
CASES = [
    (ov.GD(lr=0.01), lambda ps, lr: torch.optim.SGD(ps, lr=lr), 300, 500),
    (
        ov.GD(lr=0.01, weight_decay=0.1),
        lambda ps, lr: torch.optim.SGD(ps, lr=lr, weight_decay=0.1),
        300,
        500,
    ),
    (ov.Momentum(lr=0.01), lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9), 300, 500),
    (
        ov.Momentum(lr=0.01, rho=0.8, dampening=0.3, weight_decay=0.05),
        lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.8, dampening=0.3, weight_decay=0.05),
        300,
        500,
    ),
    (
        ov.Nesterov(lr=0.01),
        lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9, nesterov=True),
        300,
        500,
    ),
    (
        ov.Nesterov(lr=0.01, rho=0.7, weight_decay=0.05),
        lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.7, nesterov=True, weight_decay=0.05),
        300,
        500,
    ),
    (ov.Adam(lr=0.05), lambda ps, lr: torch.optim.Adam(ps, lr=lr), 100, 300),
    (
        ov.Adam(lr=0.05, betas=(0.7, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True),
        lambda ps, lr: torch.optim.Adam(
            ps, lr=lr, betas=(0.7, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True
        ),
        100,
        300,
    ),
    (ov.AdamW(lr=0.05), lambda ps, lr: torch.optim.AdamW(ps, lr=lr), 100, 300),
    (
        ov.AdamW(lr=0.05, betas=(0.7, 0.9), eps=1e-6, weight_decay=0.3, amsgrad=True),
        lambda ps, lr: torch.optim.AdamW(
            ps, lr=lr, betas=(0.7, 0.9), eps=1e-6, weight_decay=0.3, amsgrad=True
        ),
        100,
        300,
    ),
    (ov.RMSProp(lr=0.01), lambda ps, lr: torch.optim.RMSprop(ps, lr=lr), 300, 300),
    (
        ov.RMSProp(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True),
        lambda ps, lr: torch.optim.RMSprop(
            ps, lr=lr, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True
        ),
        150,
        150,
    ),
    (ov.AdaGrad(lr=0.3), lambda ps, lr: torch.optim.Adagrad(ps, lr=lr), 300, 300),
    (
        ov.AdaGrad(
            lr=0.3, eps=1e-6, weight_decay=0.1, lr_decay=0.01, initial_accumulator_value=0.5
        ),
        lambda ps, lr: torch.optim.Adagrad(
            ps, lr=lr, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6
        ),
        300,
        300,
    ),
]


@pytest.mark.parametrize(
    ("rule", "make", "quad_steps", "rosen_steps"),
    CASES,
    ids=lambda c: repr(c) if isinstance(c, ov.Optimizer) else "",
)
@pytest.mark.parametrize("surface_name", ["quadratic", "rosenbrock"])
def test_trajectories_equal_torch_optim(rule, make, quad_steps, rosen_steps, surface_name):
    if surface_name == "quadratic":
        surface, steps = ov.surface("quadratic", kappa=20, angle=30), quad_steps
    else:
        surface, steps = ov.surface("rosenbrock"), rosen_steps
        if rule.name in (
            "gd",
            "momentum",
            "nesterov",
        ):  # Rosenbrock's gradient is ~200 at its start
            rule = ov.rule(rule.name, **{**rule.hyperparams, "lr": 1e-3})
    lr = rule.lr
    t = ov.run(surface, rule, steps=steps)
    assert t.status == "max_steps"
    xs, states = torch_trajectory(surface, lambda ps: make(ps, lr), surface.start, steps)
    scale = np.abs(xs).max()
    np.testing.assert_allclose(t.xy, xs, rtol=0, atol=1e-12 * scale)
    # The states are built from gradients, which magnify position differences by the Hessian (up to
    # ~1000 on Rosenbrock): equal to 1e-10.
    for k in (0, steps // 2, steps - 1):  # torch's state after k + 1 steps
        for name, value in states[k].items():
            ours = t.state[name][k + 1]
            np.testing.assert_allclose(
                ours, value, rtol=1e-10, atol=1e-12 * np.abs(value).max(), err_msg=name
            )


# -- the recorded cases, against torch itself --------------------------------------------------------------
MAKE = generator()
CASES = {case["id"]: case for case in MAKE.cases()}


@pytest.mark.parametrize("ident", list(CASES))
def test_fixture_cases_equal_torch_live(ident):
    assert_equals_torch(CASES[ident], MAKE.torch_run(CASES[ident]))


# -- L-BFGS: torch's arithmetic, bit for bit ---------------------------------------------------------------
def _fma(a, x, y):
    """Exactly rounded ``a * x + y`` elementwise (Python 3.11 has no math.fma)."""
    a = Fraction(float(a))
    return np.array(
        [float(a * Fraction(float(u)) + Fraction(float(v))) for u, v in zip(x, y, strict=True)]
    )


def _torch_fuses_add_alpha() -> bool:
    rng = np.random.default_rng(0)
    for _ in range(200):
        p, d, t = rng.standard_normal(2), rng.standard_normal(2), float(rng.standard_normal())
        fused = torch.tensor(p).add_(torch.tensor(d), alpha=t).numpy()
        if not np.array_equal(fused, _fma(t, d, p)):
            return False
    return True


def _torch_lbfgs_points(surface, start, steps, **options):
    """torch's iterates, evaluations per step and every point its closure was called at."""
    p = torch.tensor(np.array(start, dtype=float), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([p], **options)
    points = []

    def closure():
        x = p.detach().numpy().copy()
        points.append(x)
        f, g = surface.value_and_grad(x)
        p.grad = torch.from_numpy(np.array(g, dtype=float))
        return torch.tensor(float(f), dtype=torch.float64)

    xy, counts = [p.detach().numpy().copy()], []
    for _ in range(steps):
        before = len(points)
        opt.step(closure)
        xy.append(p.detach().numpy().copy())
        counts.append(len(points) - before)
    return np.array(xy), np.array(counts), np.array(points)


LBFGS_OPTIONS = [
    {},
    {"line_search_fn": "strong_wolfe"},
    {"lr": 0.5, "max_iter": 5, "history_size": 3, "tolerance_change": 1e-12},
    {"line_search_fn": "strong_wolfe", "max_iter": 4, "max_eval": 7, "history_size": 2},
    {"line_search_fn": "strong_wolfe", "lr": 0.3, "max_iter": 50, "max_eval": 80},
]


@pytest.mark.parametrize("options", LBFGS_OPTIONS, ids=repr)
@pytest.mark.parametrize(
    "name", ["quadratic", "rosenbrock", "logistic_regression", "himmelblau", "beale"]
)
def test_lbfgs_port_is_torch_bit_for_bit_with_fused_multiply_adds(monkeypatch, name, options):
    """With ``add_(alpha=)`` computed as torch's CPU kernels do (one rounding), the one-run port replays
    torch's L-BFGS exactly: every iterate, every evaluation count, every point the closure saw, also where
    fixed unit steps on Rosenbrock amplify an ulp to 1e-9 (the fixtures' ULP_SENSITIVE cases)."""
    if not _torch_fuses_add_alpha():
        pytest.skip("this CPU's torch kernels do not fuse add_(alpha=)")
    surface = ov.surface(name, **({"kappa": 20, "angle": 30} if name == "quadratic" else {}))
    steps = 12
    xy, counts, points = _torch_lbfgs_points(surface, surface.start, steps, **options)
    monkeypatch.setattr(optviz.lbfgs, "_axpy", _fma)
    t = reference_run(prepare(surface, ov.LBFGS(**options), steps=steps))
    ours = t.state["eval_xy"][1:].reshape(-1, 2)
    np.testing.assert_array_equal(t.xy, xy)
    np.testing.assert_array_equal(t.evaluations, counts)
    np.testing.assert_array_equal(ours[~np.isnan(ours[:, 0])], points)
