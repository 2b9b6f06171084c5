"""Optional: trajectories equal torch.optim's in float64 (skipped where torch is not installed).

Both sides are fed the same gradients (the surface's), so only the update rules are compared.
torch's CPU kernels fuse multiply-adds, which numpy cannot, so the two differ by an ulp per
operation. That stays below 1e-12 while a run approaches the minimum. Once a constant-step adaptive
method reaches the minimum it bounces there with steps of about lr (sign-like steps), and there any
ulp grows: so the horizons below end before that.
"""

from __future__ import annotations

import numpy as np
import pytest

import optviz as ov

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
