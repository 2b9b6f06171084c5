"""A rule driven by a learning-rate schedule: what ``optviz.run(..., schedule=...)`` runs.

:func:`scheduled` wraps a rule as a :class:`Scheduled` rule. At step k it runs the rule with step k's lr
(and, under OneCycleLR, momentum), and it records those values beside the rule's own state, so that
``t.lr[k]`` is the lr step k used: torch's ``param_groups[0]["lr"]`` after k ``scheduler.step()`` calls.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import namedtuple
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.optimizers import Adam, Momentum, Nesterov, Optimizer, RMSProp
from optviz.schedules import Schedule


def momentum_target(rule: Optimizer) -> str | None:
    """The hyperparameter OneCycleLR cycles on this rule: torch's SGD ``momentum`` is Momentum's and
    Nesterov's ``rho``, Adam's (and AdamW's) ``betas[0]`` is ``betas``, RMSprop's is ``momentum``."""
    if isinstance(rule, (Momentum, Nesterov)):
        return "rho"
    if isinstance(rule, Adam):
        return "betas"
    if isinstance(rule, RMSProp):
        return "momentum"
    return None


# The recorded name of each cycled hyperparameter (t.state[...]).
_RECORDED = {"rho": "rho", "betas": "beta1", "momentum": "momentum"}
_STATE_TYPES: dict[tuple[type, tuple[str, ...]], type] = {}
_INNER_TYPES: dict[type, type] = {}  # scheduled state type -> the rule's own state type


def _state_type(inner: type, extra: tuple[str, ...]) -> type:
    """The wrapped rule's state NamedTuple with the scheduled values appended (so the engine records and
    subsets them like any state field)."""
    key = (inner, extra)
    if key not in _STATE_TYPES:
        fields = (*inner._fields, *extra)  # type: ignore[attr-defined]
        made = namedtuple(f"Scheduled{inner.__name__}", fields)
        _STATE_TYPES[key] = made
        _INNER_TYPES[made] = inner
    return _STATE_TYPES[key]


def with_hyperparams(rule: Optimizer, **values: Any) -> Optimizer:
    """A copy of ``rule`` with some hyperparameters replaced, without the constructor's checks (the
    schedule's values were checked when the schedule was made). ``betas`` takes the new beta1 alone."""
    new = copy.copy(rule)
    for name, value in values.items():
        if name == "betas":
            value = (value, rule.betas[1])  # type: ignore[attr-defined]
        object.__setattr__(new, name, value)
    return new


class Scheduled(Optimizer):
    """A rule whose lr (and, under OneCycleLR, momentum) follows a schedule. Made by :func:`scheduled`.

    It stands in for the rule everywhere (name, label, hyperparameters, per-run subsets); at step k it runs
    the rule with step k's values, and its state is the rule's state plus ``lr`` (and ``rho``, ``beta1`` or
    ``momentum``): the values the *next* update uses, so that the recorded row k is the lr of step k.
    """

    def __init__(
        self, rule: Optimizer, schedule: Schedule, lrs: np.ndarray, momenta: np.ndarray | None
    ) -> None:
        self.rule = rule
        self.schedule = schedule
        self._lrs = lrs  # (steps + 1,) or (steps + 1, N): one lr per run
        self._momenta = momenta  # (steps + 1,) or None
        self._target = momentum_target(rule) if momenta is not None else None
        self.name = rule.name  # type: ignore[misc]
        self.label = rule.label  # type: ignore[misc]
        self.uses_gradient = rule.uses_gradient  # type: ignore[misc]
        self.uses_surface = rule.uses_surface  # type: ignore[misc]
        self.takes_noise = rule.takes_noise  # type: ignore[misc]
        self.stop_statuses = rule.stop_statuses  # type: ignore[misc]
        self._extra = ("lr",) if self._target is None else ("lr", _RECORDED[self._target])

    # -- the rule at step k ------------------------------------------------------------------------
    def rule_at(self, k: int) -> Optimizer:
        """The wrapped rule with step k's lr (and momentum)."""
        row = self._lrs[k]
        values: dict[str, Any] = {"lr": float(row) if row.ndim == 0 else _column(row)}
        if self._target is not None:
            values[self._target] = float(self._momenta[k])  # type: ignore[index]
        return with_hyperparams(self.rule, **values)

    def _state(self, inner: Any, k: int, xy: np.ndarray) -> Any:
        shape = np.shape(xy)[:-1]
        extra = [np.broadcast_to(self._lrs[k], shape).copy()]
        if self._target is not None:
            extra.append(np.full(shape, self._momenta[k]))  # type: ignore[index]
        return _state_type(type(inner), self._extra)(*inner, *extra)

    def _inner(self, state: Any) -> Any:
        n = len(state) - len(self._extra)
        return _INNER_TYPES[type(state)](*state[:n])

    # -- the rule interface ------------------------------------------------------------------------
    def init(self, xy: np.ndarray) -> Any:
        return self._state(self.rule_at(0).init(xy), 0, xy)

    def update(self, grad: np.ndarray, state: Any, xy: np.ndarray) -> tuple[np.ndarray, Any]:
        inner = self._inner(state)
        k = int(inner.step)
        new_xy, new_inner = self.rule_at(k).update(grad, inner, xy)
        return new_xy, self._state(new_inner, k + 1, xy)

    def start(self, xy: np.ndarray, loss: np.ndarray) -> Any:
        return self._state(self.rule_at(0).start(xy, loss), 0, xy)

    def step(
        self, grad: np.ndarray, state: Any, xy: np.ndarray, value: Any, z: np.ndarray | None
    ) -> tuple[np.ndarray, Any]:
        inner = self._inner(state)
        k = int(inner.step)
        new_xy, new_inner = self.rule_at(k).step(grad, inner, xy, value, z)
        return new_xy, self._state(new_inner, k + 1, xy)

    def history_fields(self) -> tuple[str, ...]:
        # The rule as it runs: OneCycleLR switches RMSProp's momentum (and its buffer) on.
        return (*self.rule_at(0).history_fields(), *self._extra)

    def bind(self, surface: Any) -> Scheduled:
        return self._with(self.rule.bind(surface), self._lrs)

    # -- descriptions and per-run subsets ----------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        return {**self.rule.params, "schedule": self.schedule.describe()}

    @property
    def hyperparams(self) -> dict[str, Any]:
        return self.rule.hyperparams

    def __repr__(self) -> str:
        return f"Scheduled({self.rule!r}, {self.schedule!r})"

    def n_values(self) -> int | None:
        return self.rule.n_values()

    def _with(self, rule: Optimizer, lrs: np.ndarray) -> Scheduled:
        new = copy.copy(self)
        new.rule, new._lrs = rule, lrs
        return new

    def take(self, index: np.ndarray) -> Optimizer:
        return self._with(
            self.rule.take(index), self._lrs[:, index] if self._lrs.ndim == 2 else self._lrs
        )

    def select(self, i: int) -> Optimizer:
        return self._with(
            self.rule.select(i), self._lrs[:, i] if self._lrs.ndim == 2 else self._lrs
        )

    def update_vectors(
        self, t: int, xy: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        return self.rule_at(t).update_vectors(t, xy, grad, state)


def _column(row: np.ndarray) -> np.ndarray:
    out = np.array(row, dtype=float).reshape(-1, 1)
    out.setflags(write=False)
    return out


def scheduled(rule: Optimizer, schedule: Schedule, steps: int) -> Scheduled:
    """``rule`` driven by ``schedule`` for a run of ``steps`` steps (what ``optviz.run(..., schedule=...)``
    does). The rule must have an lr; OneCycleLR also needs a momentum to cycle (unless
    ``cycle_momentum=False``) and at most ``total_steps`` steps.

    >>> import numpy as np, optviz as ov
    >>> rule = scheduled(ov.GD(lr=0.1), ov.StepLR(step_size=1, gamma=0.5), steps=2)
    >>> state = rule.init(np.zeros(2))
    >>> xy, state = rule.update(np.ones(2), state, np.zeros(2))
    >>> xy.tolist(), float(state.lr)
    ([-0.1, -0.1], 0.05)
    """
    if not isinstance(schedule, Schedule):
        raise ParameterError(
            "schedule",
            f"must be a schedule such as optviz.CosineAnnealingLR(T_max=100), got {schedule!r}",
        )
    if isinstance(rule, Scheduled):
        raise ParameterError("schedule", "the rule already follows a schedule")
    if getattr(rule, "library", None):  # optviz.interop's adapters
        raise ParameterError(
            "schedule",
            f"{rule.label} is another library's optimizer; the schedules drive optviz's own rules",
        )
    names = {f.name for f in dataclasses.fields(rule)} if dataclasses.is_dataclass(rule) else set()
    if "lr" not in names or not rule.uses_gradient:
        raise ParameterError("schedule", f"{rule.label} has no learning rate to schedule")
    schedule.check_rule(rule)
    schedule.check_steps(steps)
    lr = rule.lr  # type: ignore[attr-defined]
    lrs, momenta = schedule.values(lr.reshape(-1) if isinstance(lr, np.ndarray) else lr, steps)
    if not schedule.cycles_momentum:
        momenta = None
    lrs.setflags(write=False)
    return Scheduled(rule, schedule, lrs, momenta)


def rule_at_step(rule: Optimizer, state: dict[str, np.ndarray], step: int) -> Optimizer:
    """The rule as it ran at ``step`` of a scheduled run, from its recorded state (``Trajectory.state``: the
    lr and momentum of each step); the rule itself when the run had no schedule. For diagrams: a step's
    arrows use that step's lr."""
    if "lr" not in state:
        return rule
    values: dict[str, Any] = {}
    for target, recorded in (("lr", "lr"), *_RECORDED.items()):
        if recorded in state and (target == "lr" or momentum_target(rule) == target):
            value = state[recorded][..., step]
            values[target] = float(value) if np.ndim(value) == 0 else _column(value)
    return with_hyperparams(rule, **values)


__all__ = ["Scheduled", "momentum_target", "rule_at_step", "scheduled", "with_hyperparams"]
