"""Run optimizers from torch.optim or optax on optviz surfaces, through optviz's own engine.

:func:`from_torch` and :func:`from_optax` wrap another library's optimizer as an optviz update rule,
so ``optviz.run`` steps it exactly like its own rules: the same noise oracles, the same stopping and
divergence rules, the same Trajectory (meta, status, stop_step), ready to draw beside optviz's
rules. Neither library is imported until an adapter is made; a missing one gives a one-line
ImportError naming the extra to install (``pip install 'optviz[torch]'`` or ``'optviz[optax]'``).

>>> import optviz as ov, torch                                         # doctest: +SKIP
>>> rule = ov.from_torch(torch.optim.SGD, lr=0.02, momentum=0.9)       # doctest: +SKIP
>>> t = ov.run(ov.surface("quadratic", kappa=10), rule, steps=100)     # doctest: +SKIP
>>> t.label, t.status                                                  # doctest: +SKIP
('SGD (torch)', 'max_steps')

Each run of a batch gets its own parameter (a float64 tensor of shape (2,), or a vmapped slice
for optax), so optimizers that look across parameters never couple runs. The engine feeds the
gradient it computed (noisy, under a noise model) and reads the new point back after each step.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from optviz._validate import ParameterError
from optviz.optimizers import Optimizer

_EXTRAS = {"torch": ("PyTorch", "torch"), "optax": ("optax (and JAX)", "optax")}


def _require(module: str, extra: str) -> Any:
    """Import ``module`` or raise a one-line ImportError naming the optviz extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        what, name = _EXTRAS[extra]
        raise ImportError(
            f"this adapter needs {what}, which is not installed: pip install 'optviz[{name}]'"
        ) from None


class _Live:
    """The other library's mutable optimizer and its parameters, one per run still computed."""

    def __init__(self, runs: np.ndarray, handle: Any, held: Any) -> None:
        self.runs = runs  # the run ids that `held` belongs to, in order
        self.handle = handle  # torch: the optimizer; optax: the jitted, vmapped update
        self.held = held  # torch: one parameter tensor per run; optax: the vmapped state


class ExternalState(NamedTuple):
    """``runs`` are the batch's run ids (the engine subsets this array when it drops stopped runs,
    which tells the adapter whose parameters to keep); ``live`` holds the other library's state."""

    step: int
    runs: np.ndarray
    live: _Live


def _jsonable(value: Any) -> Any:
    """Hyperparameters for the meta: plain JSON values, anything else by its repr."""
    try:
        json.dumps(value, allow_nan=False)
        return value
    except (TypeError, ValueError):
        if isinstance(value, tuple):
            return [_jsonable(v) for v in value]
        return repr(value)


@dataclass(frozen=True, eq=False, repr=False)
class External(Optimizer):
    """An update rule from another library (made by :func:`from_torch` or :func:`from_optax`).

    ``name`` (the meta's rule, e.g. ``"torch.Adam"``) and ``label`` (``"Adam (torch)"``) are per
    instance. Hyperparameters cannot vary per run (sweep optviz's own rules for that). The wrapped
    optimizer is stateful, so one ``init`` serves one run of the engine.
    """

    library: str
    title: str
    make: Callable[..., Any] = field(compare=False)
    options: dict[str, Any] = field(default_factory=dict)
    display: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.library}.{self.title}")
        object.__setattr__(self, "label", self.display or f"{self.title} ({self.library})")

    # -- descriptions ------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        return {"optimizer": self.name, **self.hyperparams}

    @property
    def hyperparams(self) -> dict[str, Any]:
        return {k: _jsonable(v) for k, v in self.options.items()}

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"External({self.name}{', ' if shown else ''}{shown})"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def n_values(self) -> int | None:
        return None

    def take(self, index: np.ndarray) -> Optimizer:
        return self

    def select(self, i: int) -> Optimizer:
        return self

    # -- stepping ----------------------------------------------------------------------------------
    def init(self, xy: np.ndarray) -> ExternalState:
        xy = np.asarray(xy, dtype=float)
        rows = xy.reshape(-1, 2)
        runs = np.arange(len(rows))
        return ExternalState(step=0, runs=runs, live=self._start(rows, runs))

    def update(
        self, grad: np.ndarray, state: ExternalState, xy: np.ndarray
    ) -> tuple[np.ndarray, ExternalState]:
        live = state.live
        if len(state.runs) != len(live.runs) or np.any(state.runs != live.runs):
            self._keep(live, np.searchsorted(live.runs, state.runs))
            live.runs = state.runs
        x = np.asarray(xy, dtype=float)
        new = self._step(live, np.reshape(grad, (-1, 2)), x.reshape(-1, 2))
        return new.reshape(x.shape), ExternalState(step=state.step + 1, runs=state.runs, live=live)

    # library-specific parts
    def _start(self, rows: np.ndarray, runs: np.ndarray) -> _Live:
        raise NotImplementedError

    def _keep(self, live: _Live, keep: np.ndarray) -> None:
        raise NotImplementedError

    def _step(self, live: _Live, grad: np.ndarray, xy: np.ndarray) -> np.ndarray:
        raise NotImplementedError


# -- torch.optim -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class _Torch(External):
    def _start(self, rows: np.ndarray, runs: np.ndarray) -> _Live:
        torch = _require("torch", "torch")
        params = [torch.tensor(row, dtype=torch.float64, requires_grad=True) for row in rows]
        return _Live(runs, self.make(params), params)

    def _keep(self, live: _Live, keep: np.ndarray) -> None:
        kept = [live.held[i] for i in keep]
        ids = {id(p) for p in kept}
        for group in live.handle.param_groups:
            group["params"] = [p for p in group["params"] if id(p) in ids]
        for p in live.held:
            if id(p) not in ids:
                live.handle.state.pop(p, None)
        live.held = kept

    def _step(self, live: _Live, grad: np.ndarray, xy: np.ndarray) -> np.ndarray:
        torch = _require("torch", "torch")
        with torch.no_grad():
            for p, g, x in zip(live.held, grad, xy, strict=True):
                p.copy_(torch.from_numpy(x))
                p.grad = torch.from_numpy(np.array(g, dtype=float))
        live.handle.step()
        with torch.no_grad():
            return np.stack([p.detach().numpy() for p in live.held]).astype(float)


def from_torch(optimizer: Any, *, label: str | None = None, **hyperparams: Any) -> External:
    """A ``torch.optim`` optimizer as an optviz update rule, for ``optviz.run`` and the figures.

    ``optimizer`` is an optimizer class (``torch.optim.Adam``), built as
    ``optimizer(params, **hyperparams)``, or a factory ``params -> optimizer`` (then no
    hyperparameters here). Each run's point is a float64 tensor of shape (2,) whose ``.grad`` is
    the engine's gradient; ``step()`` is called once per update. LBFGS, which needs a closure that
    evaluates the loss several times per step, is not supported here: ``optviz.LBFGS`` is
    torch.optim.LBFGS, step for step.

    Bad hyperparameters fail here, with torch's message, not in the middle of a run.
    """
    torch = _require("torch", "torch")
    base = torch.optim.Optimizer
    if isinstance(optimizer, base):
        raise ParameterError(
            "optimizer",
            "pass the optimizer class (e.g. torch.optim.Adam) or a factory params -> optimizer, "
            "not an instance bound to other parameters",
        )
    if isinstance(optimizer, type) and issubclass(optimizer, base):
        if optimizer is torch.optim.LBFGS:
            raise ParameterError(
                "optimizer",
                "LBFGS needs a closure that re-evaluates the loss, which this adapter cannot give; "
                "use optviz.LBFGS (torch.optim.LBFGS step for step)",
            )
        cls = optimizer
        title = cls.__name__

        def make(params: list[Any]) -> Any:
            return cls(params, **hyperparams)

    elif callable(optimizer):
        if hyperparams:
            raise ParameterError(
                "hyperparams",
                "a factory builds its own optimizer; give hyperparameters to it, not here",
            )
        make, title = optimizer, ""
    else:
        raise ParameterError(
            "optimizer",
            f"must be a torch.optim.Optimizer class or a factory params -> optimizer, got {optimizer!r}",
        )
    try:
        probe = make([torch.zeros(2, dtype=torch.float64, requires_grad=True)])
    except (TypeError, ValueError) as err:  # torch's own checks: "Invalid learning rate: -0.1"
        raise ParameterError(f"torch.{title}" if title else "optimizer", str(err)) from None
    if not isinstance(probe, base):
        raise ParameterError("optimizer", f"the factory returned {probe!r}, not a torch optimizer")
    if not isinstance(optimizer, type):
        title = type(probe).__name__
    return _Torch(library="torch", title=title, make=make, options=hyperparams, display=label)


# -- optax -----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class _Optax(External):
    def _start(self, rows: np.ndarray, runs: np.ndarray) -> _Live:
        jax = _require("jax", "optax")
        tx = self.make()
        params = jax.numpy.asarray(rows)
        # vmap: each run is its own parameter vector, so transformations that take norms or other
        # statistics over the parameters (clipping, LARS, ...) never mix runs.
        init = jax.vmap(tx.init)
        update = jax.jit(jax.vmap(tx.update))
        return _Live(runs, update, init(params))

    def _keep(self, live: _Live, keep: np.ndarray) -> None:
        jax = _require("jax", "optax")
        index = jax.numpy.asarray(keep)
        live.held = jax.tree_util.tree_map(lambda leaf: leaf[index], live.held)

    def _step(self, live: _Live, grad: np.ndarray, xy: np.ndarray) -> np.ndarray:
        jax = _require("jax", "optax")
        optax = _require("optax", "optax")
        x = jax.numpy.asarray(xy)
        updates, live.held = live.handle(jax.numpy.asarray(grad), live.held, x)
        return np.asarray(optax.apply_updates(x, updates), dtype=float)


def from_optax(
    transformation: Any, *, label: str | None = None, name: str | None = None
) -> External:
    """An optax ``GradientTransformation`` as an optviz update rule, for ``optviz.run``.

    ``transformation`` is the transformation itself (``optax.adam(0.1)``) or a zero-argument
    factory returning one. The optimizer state is built with ``jax.vmap(tx.init)`` over the batch
    of runs and stepped with ``jax.jit(jax.vmap(tx.update))(grads, state, params)``, then
    ``optax.apply_updates``. Transformations that need extra arguments (a loss value) are not
    supported. JAX computes in float32 unless ``jax_enable_x64`` is on; turn it on to compare with
    optviz's float64 rules to rounding.
    """
    _require("optax", "optax")
    factory = callable(transformation) and not hasattr(transformation, "init")
    tx = transformation() if factory else transformation
    if not (hasattr(tx, "init") and hasattr(tx, "update")):
        raise ParameterError(
            "transformation",
            f"must be an optax GradientTransformation (with init and update), got {tx!r}",
        )
    return _Optax(
        library="optax", title=name or "transformation", make=lambda: tx, options={}, display=label
    )


__all__ = ["External", "ExternalState", "from_optax", "from_torch"]
