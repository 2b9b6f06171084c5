"""Recording parameter paths during training, with any ``torch.optim`` optimizer, inside a memory bound.

Two ways in:

* :func:`train` runs a plain training loop (epoch-shuffled minibatches from a seeded numpy Generator, or the full
  batch) and returns the :class:`ParameterPath`;
* :class:`Recorder` follows the user's own loop: ``with Recorder(model, optimizer, every=5) as rec: ...`` hooks
  the optimizer's ``step`` (``register_step_post_hook``), or call ``rec.step()`` after each update yourself.

Snapshots are kept on the CPU in float32 by default (``dtype``). When the next one would pass ``max_bytes``,
every second snapshot is dropped and ``every`` doubles, so a run of unknown length keeps an evenly spaced record
that never outgrows the bound. The last point is always kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from optviz import limits
from optviz._format import legend as legend_text
from optviz._validate import ParameterError, integer, positive

DEFAULT_MAX_BYTES = 256 * 2**20


@dataclass(frozen=True, eq=False)
class ParameterPath:
    """Recorded parameters ``theta`` (T, P) at training ``steps`` (T,), and what made them.

    ``label`` (``"SGD+Momentum"``), ``rule`` (optviz's colour key: ``"gd"``, ``"momentum"``, ``"adam"``...)
    and ``hyperparams`` (``{"lr": 0.1, "rho": 0.9}``) describe the optimizer as optviz's figures write it.
    ``status`` is ``"max_steps"`` or ``"diverged"`` (the loss or a parameter became non-finite; the record
    ends at the last finite point). ``every`` is the final recording stride."""

    theta: torch.Tensor
    steps: np.ndarray
    label: str = ""
    rule: str = "external"
    hyperparams: dict[str, Any] = field(default_factory=dict)
    status: str = "max_steps"
    every: int = 1

    def __post_init__(self) -> None:
        if self.theta.ndim != 2 or len(self.theta) != len(self.steps) or len(self.steps) == 0:
            raise ParameterError(
                "theta", f"must be (T, P) with one row per step, got {tuple(self.theta.shape)}"
            )

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def start(self) -> torch.Tensor:
        return self.theta[0]

    @property
    def end(self) -> torch.Tensor:
        return self.theta[-1]

    @property
    def legend(self) -> str:
        """``"SGD+Momentum (lr=0.1, ρ=0.9)"``, as optviz's figures write it."""
        return legend_text(self.label, self.hyperparams)

    @property
    def nbytes(self) -> int:
        return self.theta.numel() * self.theta.element_size()

    def __repr__(self) -> str:
        return (
            f"<ParameterPath {self.legend}: {len(self)} points of {self.theta.shape[1]} parameters, steps "
            f"{int(self.steps[0])}..{int(self.steps[-1])} every {self.every}, {self.status}>"
        )


# -- what an optimizer is called -----------------------------------------------------------------------------
def describe(
    optimizer: torch.optim.Optimizer, *, stochastic: bool = True
) -> tuple[str, str, dict[str, Any]]:
    """``(label, rule, hyperparams)`` of a torch optimizer, in optviz's words.

    SGD is "GD" on full batches and "SGD" on minibatches (with momentum: "Momentum", "SGD+Momentum"; with
    nesterov: "Nesterov"); Adam, AdamW, RMSprop and Adagrad keep their names. The rule key picks the colour that
    the same rule has in every optviz figure. Hyperparameters are read from the first parameter group."""
    group = optimizer.param_groups[0]
    hyper: dict[str, Any] = {"lr": float(group["lr"])}
    name = type(optimizer).__name__
    if isinstance(optimizer, torch.optim.SGD):
        momentum = float(group.get("momentum", 0.0))
        if momentum == 0:
            label, rule = ("SGD" if stochastic else "GD"), "gd"
        elif group.get("nesterov"):
            label, rule = "Nesterov", "nesterov"
            hyper["rho"] = momentum
        else:
            label, rule = ("SGD+Momentum" if stochastic else "Momentum"), "momentum"
            hyper["rho"] = momentum
    else:
        label, rule = {
            "Adam": ("Adam", "adam"),
            "AdamW": ("AdamW", "adam"),
            "RMSprop": ("RMSProp", "rmsprop"),
            "Adagrad": ("AdaGrad", "adagrad"),
        }.get(name, (name, "external"))
        if "betas" in group and tuple(group["betas"]) != (0.9, 0.999):
            hyper["betas"] = tuple(float(b) for b in group["betas"])
    if float(group.get("weight_decay", 0.0) or 0.0) != 0:
        hyper["weight_decay"] = float(group["weight_decay"])
    return label, rule, hyper


# -- recording -----------------------------------------------------------------------------------------------
class Recorder:
    """Records a model's parameters every ``every`` optimizer steps, on the CPU, within ``max_bytes``.

    >>> import torch
    >>> model = torch.nn.Linear(2, 1)
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> with Recorder(model, opt, every=2) as rec:
    ...     for _ in range(5):
    ...         opt.zero_grad()
    ...         model(torch.ones(1, 2)).sum().backward()
    ...         opt.step()
    >>> rec.path().steps.tolist()
    [0, 2, 4, 5]

    The first point (step 0) is recorded when the recorder is made. With ``optimizer`` given, entering the
    ``with`` block hooks its ``step`` and leaving it removes the hook; without one, call :meth:`step` after each
    update. ``label`` overrides the name read from the optimizer; ``stochastic=False`` names full-batch SGD "GD".
    """

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer | None = None,
        *,
        every: int = 1,
        max_bytes: int = DEFAULT_MAX_BYTES,
        dtype: torch.dtype = torch.float32,
        label: str | None = None,
        stochastic: bool = True,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise ParameterError("model", f"must be a torch.nn.Module, got {type(model).__name__}")
        self.model = model
        self.optimizer = optimizer
        self.every = integer("every", every, minimum=1)
        self.dtype = dtype
        self.max_bytes = int(positive("max_bytes", max_bytes))
        numel = sum(p.numel() for p in model.parameters())
        self.row_bytes = numel * torch.empty((), dtype=dtype).element_size()
        # One row stays free for the last point, which path() always adds.
        self.capacity = self.max_bytes // self.row_bytes - 1
        if self.capacity < 2:
            raise ParameterError(
                "max_bytes",
                f"{self.max_bytes:,} bytes hold fewer than 3 snapshots of {numel:,} parameters in {dtype}"
                f" (at least {3 * self.row_bytes:,} bytes are needed)",
            )
        if optimizer is not None:
            self.label, self.rule, self.hyperparams = describe(optimizer, stochastic=stochastic)
        else:
            self.label, self.rule, self.hyperparams = "", "external", {}
        if label is not None:
            self.label = label
        self.count = 0
        self.status = "max_steps"
        self._rows: list[torch.Tensor] = []
        self._steps: list[int] = []
        self._last: tuple[int, torch.Tensor] | None = None
        self._hook: Any = None
        self._store(0, self._snapshot())

    def _snapshot(self) -> torch.Tensor:
        with torch.no_grad():
            return torch.cat([p.detach().reshape(-1) for p in self.model.parameters()]).to(
                "cpu", self.dtype
            )

    def _store(self, step: int, row: torch.Tensor) -> None:
        if len(self._rows) >= self.capacity:
            # Full: keep every second snapshot (still evenly spaced from step 0) and record half as often.
            self._rows = self._rows[::2]
            self._steps = self._steps[::2]
            self.every *= 2
            if step % self.every:
                self._last = (step, row)
                return
        self._rows.append(row)
        self._steps.append(step)
        self._last = None

    def step(self) -> None:
        """Count one optimizer step; record the parameters when the count is a multiple of ``every``."""
        if self.status == "diverged":
            return
        self.count += 1
        if self.count % self.every == 0:
            row = self._snapshot()
            if not bool(torch.isfinite(row).all()):
                self.status = "diverged"
                return
            self._store(self.count, row)

    def mark_diverged(self) -> None:
        """Stop recording: the run diverged (its last finite point stays the last one recorded)."""
        self.status = "diverged"

    def _take_last(self) -> None:
        """Snapshot the current parameters as the last point, unless they are recorded already."""
        last = self._last[0] if self._last is not None else self._steps[-1]
        if self.status == "diverged" or self.count <= last:
            return
        row = self._snapshot()
        if bool(torch.isfinite(row).all()):
            self._last = (self.count, row)
        else:
            self.status = "diverged"

    def path(self) -> ParameterPath:
        """The record so far, with the parameters after the last counted step as its last point."""
        self._take_last()
        rows, steps = list(self._rows), list(self._steps)
        if self._last is not None and self._last[0] > steps[-1]:
            rows.append(self._last[1])
            steps.append(self._last[0])
        return ParameterPath(
            theta=torch.stack(rows), steps=np.asarray(steps, dtype=np.int64), label=self.label,
            rule=self.rule, hyperparams=dict(self.hyperparams), status=self.status, every=self.every,
        )  # fmt: skip

    # -- hooking the user's optimizer ----------------------------------------------------------------------
    def __enter__(self) -> Recorder:
        if self.optimizer is not None:
            self._hook = self.optimizer.register_step_post_hook(lambda *_: self.step())
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._hook is not None:
            self._hook.remove()
            self._hook = None
        self._take_last()


# -- the training helper -------------------------------------------------------------------------------------
def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Epoch-shuffled batches of ``batch_size`` indices out of ``n`` (the remainder of each epoch is dropped,
    so every step sees a batch of the same size), forever."""
    per_epoch = n // batch_size
    while True:
        order = rng.permutation(n)
        for i in range(per_epoch):
            yield order[i * batch_size : (i + 1) * batch_size]


def train(
    loss: Any,
    optimizer: torch.optim.Optimizer,
    *,
    steps: int,
    batch_size: int | None = None,
    seed: int = 0,
    every: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    dtype: torch.dtype = torch.float32,
    label: str | None = None,
) -> ParameterPath:
    """Train ``loss.model`` with ``optimizer`` for ``steps`` updates and return the recorded path.

    ``loss`` is a :class:`~optviz.landscape.ModelLoss` (its model, loss function and data). Each step draws a
    minibatch of ``batch_size`` samples (epoch-shuffled by ``numpy.random.default_rng(seed)``; default: the full
    batch) and calls ``optimizer.step(closure)``, so closure-based optimizers (LBFGS) work too. The parameters
    are recorded every ``every`` steps (see :class:`Recorder`). A non-finite loss or parameter stops training:
    the path's status is ``"diverged"``.
    """
    steps = integer("steps", steps, minimum=1, maximum=limits.MAX_TRAINING_STEPS)
    seed = integer("seed", seed, minimum=0)
    model = loss.model
    owned = {id(p) for p in model.parameters()}
    given = [p for g in optimizer.param_groups for p in g["params"]]
    if not given or any(id(p) not in owned for p in given):
        raise ParameterError("optimizer", "must optimize the parameters of loss.model")
    n = loss.n_samples
    stochastic = batch_size is not None and batch_size < n
    size = n if batch_size is None else integer("batch_size", batch_size, minimum=1, maximum=n)
    batches = minibatches(n, size, np.random.default_rng(seed))
    x_all, y_all = loss.inputs, loss.targets
    rec = Recorder(
        model,
        optimizer,
        every=every,
        max_bytes=max_bytes,
        dtype=dtype,
        label=label,
        stochastic=stochastic,
    )
    for _ in range(steps):
        idx = torch.from_numpy(next(batches)).to(x_all.device)
        x, y = (x_all, y_all) if size == n else (x_all[idx], y_all[idx])

        def closure(x: torch.Tensor = x, y: torch.Tensor = y) -> torch.Tensor:
            optimizer.zero_grad()
            value = loss.loss_fn(model(x), y)
            value.backward()
            return value

        value = optimizer.step(closure)
        if value is not None and not bool(torch.isfinite(value)):
            rec.mark_diverged()
            break
        rec.step()
        if rec.status == "diverged":
            break
    return rec.path()
