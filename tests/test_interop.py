"""Adapters for torch.optim and optax: normal Trajectories from optviz's own engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError

ROOT = Path(__file__).resolve().parents[1]
STARTS = [[-4.0, 1.5], [4.0, 1.0], [1.0, -1.0], [0.0, 0.0], [2.0, 2.0], [-3.0, -2.0]]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def quad():
    return ov.surface("quadratic", kappa=10, angle=20)


def test_torch_sgd_with_momentum_equals_optviz_momentum(torch, quad):
    rule = ov.from_torch(torch.optim.SGD, lr=0.05, momentum=0.9)
    t = ov.run(quad, rule, steps=300)
    m = ov.run(quad, ov.Momentum(lr=0.05, rho=0.9), steps=300)
    np.testing.assert_allclose(t.xy, m.xy, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t.loss, m.loss, rtol=1e-12, atol=1e-24)
    assert (t.status, t.stop_step) == (m.status, m.stop_step)
    assert t.label == "SGD (torch)" and t.rule == "torch.SGD"
    assert t.meta["hyperparams"] == {"lr": 0.05, "momentum": 0.9}
    assert {k: t.meta[k] for k in ("steps", "seed", "noise", "surface")} == {
        "steps": 300,
        "seed": 0,
        "noise": None,
        "surface": "quadratic",
    }


def test_torch_batches_with_noise_stops_and_divergence(torch, quad, monkeypatch):
    """Runs that stop (tol, divergence) are dropped from the batch; the rest continue unchanged."""
    from optviz import interop

    kept = []
    keep = interop._Torch._keep
    monkeypatch.setattr(
        interop._Torch,
        "_keep",
        lambda self, live, index: (kept.append(len(index)), keep(self, live, index)),
    )
    noise, seeds = ov.GaussianNoise(0.05), list(range(len(STARTS) * 2))
    starts = STARTS * 2
    for lr in (0.02, 0.19):  # 0.19: close to 2/L, some runs settle fast; none diverge
        t = ov.run(quad, ov.from_torch(torch.optim.SGD, lr=lr, momentum=0.5), start=starts,
                   steps=400, noise=noise, seed=seeds, tol=0.05)  # fmt: skip
        m = ov.run(quad, ov.Momentum(lr=lr, rho=0.5), start=starts, steps=400, noise=noise,
                   seed=seeds, tol=0.05)  # fmt: skip
        assert t.status.tolist() == m.status.tolist()
        np.testing.assert_array_equal(t.stop_step, m.stop_step)
        np.testing.assert_allclose(t.xy, m.xy, rtol=0, atol=1e-12)
        assert (t.status == "converged").sum() >= 3  # the batch was cut, and the adapter followed
    assert kept and min(kept) < len(starts)
    t = ov.run(quad, ov.from_torch(torch.optim.SGD, lr=0.3), start=STARTS, steps=100)
    m = ov.run(quad, ov.GD(lr=0.3), start=STARTS, steps=100)
    assert t.status.tolist() == m.status.tolist() and "diverged" in t.status.tolist()
    np.testing.assert_array_equal(t.stop_step, m.stop_step)
    np.testing.assert_allclose(t.xy, m.xy, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("make", "ours"),
    [
        (lambda torch: ("Adam", {"lr": 0.1}), ov.Adam(lr=0.1)),
        (lambda torch: ("RMSprop", {"lr": 0.01}), ov.RMSProp(lr=0.01)),
        (lambda torch: ("Adagrad", {"lr": 0.5}), ov.AdaGrad(lr=0.5)),
        (lambda torch: ("SGD", {"lr": 0.03, "momentum": 0.8, "nesterov": True}), ov.Nesterov(lr=0.03, rho=0.8)),
    ],
)  # fmt: skip
def test_other_torch_optimizers_match_optviz_rules(torch, quad, make, ours):
    name, kwargs = make(torch)
    t = ov.run(quad, ov.from_torch(getattr(torch.optim, name), **kwargs), start=STARTS, steps=200)
    m = ov.run(quad, ours, start=STARTS, steps=200)
    np.testing.assert_allclose(t.xy, m.xy, rtol=1e-10, atol=1e-12)


def test_factory_and_label(torch, quad):
    rule = ov.from_torch(lambda params: torch.optim.Adam(params, lr=0.1), label="my Adam")
    t = ov.run(quad, rule, steps=20)
    assert t.label == "my Adam" and t.rule == "torch.Adam" and t.meta["hyperparams"] == {}
    np.testing.assert_allclose(t.xy, ov.run(quad, ov.Adam(lr=0.1), steps=20).xy, atol=1e-12)


def test_schedules_drive_optviz_rules_only(torch, quad):
    rule = ov.from_torch(torch.optim.SGD, lr=0.05)
    with pytest.raises(
        ParameterError, match=r"^schedule: SGD \(torch\) is another library's optimizer"
    ):
        ov.run(quad, rule, steps=5, schedule=ov.StepLR(step_size=2))


def test_torch_errors(torch):
    with pytest.raises(ParameterError, match=r"^torch\.SGD: Invalid learning rate: -1"):
        ov.from_torch(torch.optim.SGD, lr=-1)
    p = torch.zeros(2, requires_grad=True)
    with pytest.raises(ParameterError, match=r"^optimizer: pass the optimizer class"):
        ov.from_torch(torch.optim.SGD([p], lr=0.1))
    with pytest.raises(
        ParameterError, match=r"^optimizer: LBFGS needs a closure.*use optviz.LBFGS"
    ):
        ov.from_torch(torch.optim.LBFGS)
    with pytest.raises(ParameterError, match=r"^hyperparams: a factory builds its own optimizer"):
        ov.from_torch(lambda params: torch.optim.SGD(params, lr=0.1), lr=0.2)
    with pytest.raises(ParameterError, match=r"^optimizer: the factory returned 3"):
        ov.from_torch(lambda params: 3)


def test_missing_library_is_a_one_line_import_error(monkeypatch):
    from optviz import interop

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    monkeypatch.setitem(sys.modules, "optax", None)
    with pytest.raises(ImportError) as err:
        interop.from_torch(object)
    assert str(err.value) == (
        "this adapter needs PyTorch, which is not installed: pip install 'optviz[torch]'"
    )
    with pytest.raises(ImportError, match=r"pip install 'optviz\[optax\]'$"):
        interop.from_optax(None)


def test_import_optviz_imports_neither_torch_nor_optax():
    code = (
        "import sys, optviz as ov\n"
        "ov.from_torch, ov.from_optax, ov.theory.rate('gd', (1, 10), 0.1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'jax', 'optax', 'matplotlib')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_optax_sgd_with_momentum_equals_optviz_momentum(quad):
    pytest.importorskip("optax")
    import jax
    import optax

    jax.config.update("jax_enable_x64", True)  # float64, to compare with optviz to rounding
    try:
        t = ov.run(quad, ov.from_optax(optax.sgd(0.05, momentum=0.9), name="sgd"), start=STARTS,
                   steps=200, tol=1e-6)  # fmt: skip
        m = ov.run(quad, ov.Momentum(lr=0.05, rho=0.9), start=STARTS, steps=200, tol=1e-6)
        assert t.status.tolist() == m.status.tolist()
        np.testing.assert_allclose(t.xy, m.xy, rtol=1e-10, atol=1e-12)
        assert t.rule == "optax.sgd"
    finally:
        jax.config.update("jax_enable_x64", False)


class _FakeJax:
    """A stand-in with JAX's semantics for what the optax adapter uses (vmap, jit, tree_map,
    numpy), so its bookkeeping is tested where JAX is not installed."""

    def __init__(self) -> None:
        import types

        self.numpy = types.SimpleNamespace(asarray=np.asarray)
        self.tree_util = types.SimpleNamespace(tree_map=self.tree_map)

    def tree_map(self, fn, *trees):
        first = trees[0]
        if isinstance(first, tuple):
            items = [self.tree_map(fn, *parts) for parts in zip(*trees, strict=True)]
            return type(first)(*items) if hasattr(first, "_fields") else tuple(items)
        return fn(*trees)

    def vmap(self, fn):
        def mapped(*args):
            n = len(self._leaves(args)[0])
            outs = [fn(*self.tree_map(lambda *a, i=i: a[0][i], args)) for i in range(n)]
            return self.tree_map(lambda *leaves: np.stack(leaves), *outs)

        return mapped

    def jit(self, fn):
        return fn

    def _leaves(self, tree):
        if isinstance(tree, tuple):
            return [leaf for part in tree for leaf in self._leaves(part)]
        return [tree]


def _fake_optax_sgd(lr, momentum):
    from typing import NamedTuple

    class Trace(NamedTuple):
        trace: np.ndarray

    class Transformation(NamedTuple):
        init: object
        update: object

    def init(params):
        return Trace(trace=np.zeros_like(params))

    def update(grads, state, params=None):
        trace = grads + momentum * state.trace
        return -lr * trace, Trace(trace=trace)

    return Transformation(init, update)


def test_optax_adapter_bookkeeping_with_a_stand_in(quad, monkeypatch):
    import types

    fake_optax = types.SimpleNamespace(apply_updates=lambda params, updates: params + updates)
    monkeypatch.setitem(sys.modules, "jax", _FakeJax())
    monkeypatch.setitem(sys.modules, "optax", fake_optax)
    starts = STARTS * 2
    noise, seeds = ov.GaussianNoise(0.05), list(range(len(starts)))
    rule = ov.from_optax(lambda: _fake_optax_sgd(0.19, 0.5), name="sgd", label="sgd (optax)")
    t = ov.run(quad, rule, start=starts, steps=300, noise=noise, seed=seeds, tol=0.05)
    m = ov.run(quad, ov.Momentum(lr=0.19, rho=0.5), start=starts, steps=300, noise=noise,
               seed=seeds, tol=0.05)  # fmt: skip
    assert t.status.tolist() == m.status.tolist() and (t.status == "converged").sum() >= 3
    np.testing.assert_array_equal(t.stop_step, m.stop_step)
    np.testing.assert_allclose(t.xy, m.xy, rtol=0, atol=1e-12)
    assert (t.rule, t.label) == ("optax.sgd", "sgd (optax)")
    with pytest.raises(
        ParameterError, match=r"^transformation: must be an optax GradientTransformation"
    ):
        ov.from_optax(3)
