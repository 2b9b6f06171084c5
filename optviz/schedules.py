r"""Learning-rate schedules with ``torch.optim.lr_scheduler``'s names, defaults and floats.

A schedule is a frozen description, ``ov.CosineAnnealingLR(T_max=200)``. ``optviz.run(..., schedule=...)``
turns it into the lr of every step: the lr used at step k is torch's ``param_groups[0]["lr"]`` after k calls
of ``scheduler.step()`` (the usual ``optimizer.step(); scheduler.step()`` loop), and ``t.lr`` records it.

The values are torch's floats, not merely close to them: each schedule replays torch's own bookkeeping in
Python floats and in torch's operation order. On ``step()`` torch uses its *recursive* forms (StepLR and
ExponentialLR multiply the current lr by gamma, CosineAnnealingLR scales the current lr by a ratio of
cosines, LinearLR by ``1 + (end - start) / (...)``); ``SequentialLR`` jumps to each later schedule's *closed
form* at its milestone. Both forms are written here exactly as torch writes them.

>>> import optviz as ov
>>> ov.StepLR(step_size=2, gamma=0.5).lrs(0.1, 5).tolist()
[0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
>>> ov.LinearLR(total_iters=2).lrs(0.3, 3).tolist()
[0.09999999999999999, 0.19999999999999998, 0.3, 0.3]
>>> warm_cosine = ov.SequentialLR([ov.LinearLR(total_iters=2), ov.CosineAnnealingLR(T_max=2)], milestones=[2])
>>> warm_cosine.lrs(0.3, 4).round(6).tolist()
[0.1, 0.2, 0.3, 0.15, 0.0]

``OneCycleLR`` sets the lr from ``max_lr`` (the rule's own lr is not used, as in torch) and, by default, also
cycles the momentum: ``rho`` of Momentum and Nesterov, ``betas[0]`` of Adam and AdamW, ``momentum`` of
RMSProp (torch's SGD ``momentum``, Adam's ``betas[0]``, RMSprop's ``momentum``). The trajectory records it
as ``t.state["rho"]``, ``t.state["beta1"]`` or ``t.state["momentum"]``.

``optviz.scheduled`` applies a schedule to a rule (``optviz.run`` does that for you).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from optviz import _validate as check
from optviz import limits
from optviz._format import legend
from optviz._validate import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from optviz.optimizers import Optimizer


# -- torch's bookkeeping: one param group, the scheduler's counters ---------------------------------
class _Group:
    """The one param group a schedule drives: ``lr`` (a float, or an array with one lr per run), the
    ``initial_lr`` schedules start from, and OneCycleLR's extra entries (``momentum`` is None unless cycled)."""

    def __init__(self, lr: Any) -> None:
        self.lr = lr
        self.initial_lr: Any = None
        self.momentum: float | None = None
        self.max_lr = self.min_lr = self.max_momentum = self.base_momentum = 0.0


class _Scheduler:
    """torch's ``LRScheduler`` counters for one schedule: ``last_epoch``, ``_step_count``, initial mode."""

    def __init__(self, schedule: Schedule, group: _Group) -> None:
        self.schedule = schedule
        self.group = group
        schedule._prepare(group)
        if group.initial_lr is None:  # torch: group.setdefault("initial_lr", group["lr"])
            group.initial_lr = group.lr
        self.base_lr = group.initial_lr
        self.last_epoch = -1
        self.step_count = 0
        self.initial = False
        self.initial_step()

    def initial_step(self) -> None:
        self.step_count = 0
        self.initial = True
        try:
            self.step()
        finally:
            self.initial = False

    def step(self) -> None:
        """torch's ``step()``: the next epoch, by the schedule's (recursive) ``get_lr``."""
        self.step_count += 1
        self.last_epoch += 1
        self.group.lr = self.schedule._get_lr(self)

    def jump(self, epoch: int) -> None:
        """torch's ``_update_lr(epoch)``: straight to ``epoch`` by the closed form (SequentialLR's milestones)."""
        self.last_epoch = epoch
        self.group.lr = self.schedule._closed_form(self)


class _Sequence:
    """torch's ``SequentialLR`` bookkeeping over the schedulers it was built from."""

    def __init__(self, schedule: SequentialLR, group: _Group) -> None:
        # torch builds the children first (each makes its initial step), then resets the lr, undoes one
        # epoch of every child and makes the first child's initial step again.
        self.children = [_Scheduler(child, group) for child in schedule.schedulers]
        self.milestones = list(schedule.milestones)
        self.group = group
        self.last_epoch = 0
        group.lr = group.initial_lr
        for child in self.children:
            child.last_epoch -= 1
        self.children[bisect.bisect_right(self.milestones, 0)].initial_step()

    def step(self) -> None:
        self.last_epoch += 1
        idx = bisect.bisect_right(self.milestones, self.last_epoch)
        child = self.children[idx]
        if idx > 0 and self.milestones[idx - 1] == self.last_epoch:
            child.jump(0)
        else:
            child.step()


# -- the schedules ---------------------------------------------------------------------------------
def _count(field: str, value: Any, minimum: int = 1) -> int:
    return check.integer(field, value, minimum=minimum, maximum=limits.MAX_SCHEDULE_STEPS)


class Schedule:
    """Base class of the schedules (each a frozen dataclass with torch's parameter names and defaults)."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    cycles_momentum: ClassVar[bool] = False
    # Legends: a short name, and the parameters always shown (the others only where they differ from torch's
    # defaults, as for the rules).
    title: ClassVar[str] = ""
    _legend_keys: ClassVar[tuple[str, ...]] = ()
    _legend_hidden: ClassVar[tuple[str, ...]] = ()

    # -- torch's formulas, per schedule ------------------------------------------------------------
    def _prepare(self, group: _Group) -> None:
        """What the torch constructor does to the param group before the base class takes over."""

    def _get_lr(self, s: _Scheduler) -> Any:
        raise NotImplementedError

    def _closed_form(self, s: _Scheduler) -> Any:
        raise NotImplementedError

    def _start(self, group: _Group) -> Any:
        return _Scheduler(self, group)

    # -- values ------------------------------------------------------------------------------------
    def values(self, lr: Any, steps: int) -> tuple[np.ndarray, np.ndarray | None]:
        """The lr after k calls of ``scheduler.step()``, k = 0..steps, and (OneCycleLR) the momentum.

        ``lr`` is the optimizer's lr: a float, or an array of one lr per run (the result then has a run
        axis after the step axis). Per-run values follow the same formulas elementwise, which round
        exactly as Python floats do. The momentum is None unless the schedule cycles it.
        """
        steps = check.integer("steps", steps, minimum=0)
        self.check_steps(steps)
        group = _Group(lr)
        lrs = np.empty((steps + 1, *np.shape(lr)))
        momenta = None
        k = 0
        try:  # OneCycleLR divides by each phase's length: a zero length raises in torch too
            scheduler = self._start(group)
            lrs[0] = group.lr
            if group.momentum is not None:
                momenta = np.empty(steps + 1)
                momenta[0] = group.momentum
            for k in range(1, steps + 1):
                scheduler.step()
                lrs[k] = group.lr
                if momenta is not None:
                    momenta[k] = group.momentum
        except ZeroDivisionError:
            raise ParameterError(
                "schedule",
                f"{self!r} has a phase of zero length at step {k} (torch raises ZeroDivisionError)",
            ) from None
        return lrs, momenta

    def lrs(self, lr: Any, steps: int) -> np.ndarray:
        """``values(lr, steps)[0]``: the lr used at steps 0..steps-1, and after the last one.

        >>> ExponentialLR(gamma=0.5).lrs(1.0, 3).tolist()
        [1.0, 0.5, 0.25, 0.125]
        """
        return self.values(lr, steps)[0]

    def check_steps(self, steps: int) -> None:
        """Refuse a run longer than the schedule is defined for (OneCycleLR's ``total_steps``)."""

    def check_rule(self, rule: Optimizer) -> None:
        """Refuse a rule this schedule cannot drive."""

    def sets(self, rule: Optimizer) -> tuple[str, ...]:
        """The rule's hyperparameters this schedule sets itself, whatever the rule says (legends leave them
        out): none, but for OneCycleLR."""
        return ()

    # -- descriptions ------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """Every parameter by constructor name, as plain Python values."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def describe(self) -> dict[str, Any]:
        """JSON-able: ``{"name": "cosine_annealing", "T_max": 200, "eta_min": 0.0}``; see :func:`schedule_from_dict`.

        >>> CosineAnnealingLR(T_max=200).describe()
        {'name': 'cosine_annealing', 'T_max': 200, 'eta_min': 0.0}
        """
        return {"name": self.name, **self.params}

    @property
    def short(self) -> str:
        """The schedule's short name, without its parameters (``"cosine"``)."""
        return self.title

    @classmethod
    def legend_fields(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What :attr:`legend` shows: the parameters always shown, and those never shown (the others show
        where they differ from their defaults). For pages that write legends as optviz does.

        >>> StepLR.legend_fields()
        (('step_size', 'gamma'), ())
        """
        return cls._legend_keys, cls._legend_hidden

    @property
    def legend(self) -> str:
        """How legends name the schedule: ``"cosine (T_max=200)"``, ``"step (step_size=30, γ=0.1)"``.

        >>> StepLR(step_size=30).legend, CosineAnnealingLR(T_max=200, eta_min=1e-4).legend
        ('step (step_size=30, γ=0.1)', 'cosine (T_max=200, eta_min=1e-4)')
        """
        shown = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self._legend_hidden:
                continue
            if (
                f.name in self._legend_keys
                or f.default is dataclasses.MISSING
                or value != f.default
            ):
                shown[f.name] = value
        return legend(self.title, shown)

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.default is dataclasses.MISSING or value != f.default:
                shown.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _plain(value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.describe()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _frozen(cls: type) -> type:
    return dataclass(frozen=True, repr=False)(cls)


@_frozen
class StepLR(Schedule):
    r"""Decay the lr by gamma every step_size steps (torch's StepLR).

    .. math:: \eta_k = \eta_{k-1} \gamma \text{ if } k \bmod \text{step\_size} = 0 \text{ else } \eta_{k-1}
    """

    step_size: int
    gamma: float = 0.1

    name: ClassVar[str] = "step"
    label: ClassVar[str] = "StepLR"
    title: ClassVar[str] = "step"
    _legend_keys: ClassVar[tuple[str, ...]] = ("step_size", "gamma")

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_size", _count("step_size", self.step_size))
        object.__setattr__(self, "gamma", check.positive("gamma", self.gamma))

    def _get_lr(self, s: _Scheduler) -> Any:
        if s.last_epoch == 0 or s.last_epoch % self.step_size != 0:
            return s.group.lr
        return s.group.lr * self.gamma

    def _closed_form(self, s: _Scheduler) -> Any:
        return s.base_lr * self.gamma ** (s.last_epoch // self.step_size)


@_frozen
class ExponentialLR(Schedule):
    r"""Multiply the lr by gamma every step (torch's ExponentialLR).

    .. math:: \eta_k = \eta_{k-1} \gamma
    """

    gamma: float

    name: ClassVar[str] = "exponential"
    label: ClassVar[str] = "ExponentialLR"
    title: ClassVar[str] = "exponential"

    def __post_init__(self) -> None:
        object.__setattr__(self, "gamma", check.positive("gamma", self.gamma))

    def _get_lr(self, s: _Scheduler) -> Any:
        if s.initial:
            return s.group.lr
        return s.group.lr * self.gamma

    def _closed_form(self, s: _Scheduler) -> Any:
        return s.base_lr * self.gamma**s.last_epoch


@_frozen
class CosineAnnealingLR(Schedule):
    r"""Cosine annealing from the lr to eta_min over T_max steps (torch's CosineAnnealingLR).

    .. math:: \eta_k = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min}) (1 + \cos(\pi k / T_{max})),

    which torch reaches recursively, ``(1 + cos(pi k/T)) / (1 + cos(pi (k-1)/T)) * (lr - eta_min) + eta_min``
    (and climbs back after T_max, as torch does).
    """

    T_max: int
    eta_min: float = 0.0

    name: ClassVar[str] = "cosine_annealing"
    label: ClassVar[str] = "CosineAnnealingLR"
    title: ClassVar[str] = "cosine"

    def __post_init__(self) -> None:
        object.__setattr__(self, "T_max", _count("T_max", self.T_max))
        object.__setattr__(self, "eta_min", check.nonnegative("eta_min", self.eta_min))

    def _get_lr(self, s: _Scheduler) -> Any:
        lr, base, eta_min, T, e = s.group.lr, s.base_lr, self.eta_min, self.T_max, s.last_epoch
        if s.initial:
            return lr
        if s.step_count == 1 and e > 0:
            return eta_min + (base - eta_min) * (1 + math.cos((e) * math.pi / T)) / 2
        if (e - 1 - T) % (2 * T) == 0:
            return lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
        return (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T)) * (
            lr - eta_min
        ) + eta_min

    def _closed_form(self, s: _Scheduler) -> Any:
        eta_min = self.eta_min
        return (
            eta_min
            + (s.base_lr - eta_min) * (1 + math.cos(math.pi * s.last_epoch / self.T_max)) / 2
        )


@_frozen
class LinearLR(Schedule):
    r"""Scale the lr linearly from start_factor to end_factor over total_iters steps: warmup (torch's LinearLR).

    .. math:: \eta_k = \eta_0 \bigl(s + (e - s) \min(k, T) / T\bigr)

    reached recursively as torch does, ``lr * (1 + (e - s) / (T s + (k - 1)(e - s)))``.
    """

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    name: ClassVar[str] = "linear"
    label: ClassVar[str] = "LinearLR"
    title: ClassVar[str] = "linear"
    _legend_keys: ClassVar[tuple[str, ...]] = ("start_factor", "total_iters")

    def __post_init__(self) -> None:
        start = check.in_range("start_factor", self.start_factor, 0.0, 1.0, low_open=True)
        object.__setattr__(self, "start_factor", start)
        object.__setattr__(
            self, "end_factor", check.in_range("end_factor", self.end_factor, 0.0, 1.0)
        )
        object.__setattr__(self, "total_iters", _count("total_iters", self.total_iters))

    def _get_lr(self, s: _Scheduler) -> Any:
        lr, start, end, e = s.group.lr, self.start_factor, self.end_factor, s.last_epoch
        if e == 0:
            return lr * start
        if s.initial or e > self.total_iters:
            return lr
        return lr * (1.0 + (end - start) / (self.total_iters * start + (e - 1) * (end - start)))

    def _closed_form(self, s: _Scheduler) -> Any:
        start, end, total = self.start_factor, self.end_factor, self.total_iters
        return s.base_lr * (start + (end - start) * min(total, s.last_epoch) / total)


@_frozen
class OneCycleLR(Schedule):
    r"""The 1cycle policy: lr up from max_lr/div_factor to max_lr, then down; momentum the other way (torch's OneCycleLR).

    The rule's own lr is not used (torch overwrites it): the lr starts at ``max_lr / div_factor``, rises
    to ``max_lr`` over the first ``pct_start`` of ``total_steps`` and anneals to
    ``max_lr / div_factor / final_div_factor``. With ``cycle_momentum`` (the default) the momentum moves
    from ``max_momentum`` down to ``base_momentum`` and back. Each phase anneals by

    .. math:: \text{cos: } e + \tfrac{s - e}{2} (1 + \cos \pi p), \qquad \text{linear: } (e - s) p + s

    The run may take at most ``total_steps`` steps (torch raises after that many ``scheduler.step()``).
    """

    max_lr: float
    total_steps: int | None = None
    epochs: int | None = None
    steps_per_epoch: int | None = None
    pct_start: float = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    three_phase: bool = False

    name: ClassVar[str] = "one_cycle"
    label: ClassVar[str] = "OneCycleLR"
    title: ClassVar[str] = "one-cycle"
    # (its length is the run's: total_steps, or epochs x steps_per_epoch, says little in a legend)
    _legend_hidden: ClassVar[tuple[str, ...]] = ("total_steps", "epochs", "steps_per_epoch")

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_lr", check.positive("max_lr", self.max_lr))
        if self.total_steps is not None:
            object.__setattr__(self, "total_steps", _count("total_steps", self.total_steps))
        elif self.epochs is not None and self.steps_per_epoch is not None:
            epochs = _count("epochs", self.epochs)
            per_epoch = _count("steps_per_epoch", self.steps_per_epoch)
            object.__setattr__(self, "epochs", epochs)
            object.__setattr__(self, "steps_per_epoch", per_epoch)
            if epochs * per_epoch > limits.MAX_SCHEDULE_STEPS:
                raise ParameterError(
                    "epochs", f"epochs x steps_per_epoch is more than {limits.MAX_SCHEDULE_STEPS:,}"
                )
        else:
            raise ParameterError("total_steps", "is required (or both epochs and steps_per_epoch)")
        object.__setattr__(self, "pct_start", check.in_range("pct_start", self.pct_start, 0.0, 1.0))
        strategy = check.choice(
            "anneal_strategy", self.anneal_strategy, ["cos", "linear"], what="anneal_strategy"
        )
        object.__setattr__(self, "anneal_strategy", strategy)
        for flag in ("cycle_momentum", "three_phase"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise ParameterError(flag, f"must be true or false, got {getattr(self, flag)!r}")
            object.__setattr__(self, flag, bool(getattr(self, flag)))
        # The rules take a momentum in [0, 1).
        for key in ("base_momentum", "max_momentum"):
            value = check.in_range(key, getattr(self, key), 0.0, 1.0, high_open=True)
            object.__setattr__(self, key, value)
        object.__setattr__(self, "div_factor", check.positive("div_factor", self.div_factor))
        object.__setattr__(
            self, "final_div_factor", check.positive("final_div_factor", self.final_div_factor)
        )

    @property
    def cycles_momentum(self) -> bool:  # type: ignore[override]
        return self.cycle_momentum

    @property
    def steps(self) -> int:
        """The number of steps the cycle is defined for: total_steps, or epochs x steps_per_epoch."""
        if self.total_steps is not None:
            return self.total_steps
        return int(self.epochs) * int(self.steps_per_epoch)  # type: ignore[arg-type]

    def check_steps(self, steps: int) -> None:
        if steps > self.steps:
            raise ParameterError(
                "schedule",
                f"OneCycleLR is defined for {self.steps} steps, fewer than the run's {steps} (torch raises "
                "after total_steps calls of scheduler.step())",
            )

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        total, pct = self.steps, float(self.pct_start)
        if self.three_phase:
            return [
                (float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (
                    float(2 * pct * total) - 2,
                    "max_lr",
                    "initial_lr",
                    "base_momentum",
                    "max_momentum",
                ),
                (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        return [
            (float(pct * total) - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ]

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    def _prepare(self, group: _Group) -> None:
        group.initial_lr = self.max_lr / self.div_factor
        group.max_lr = self.max_lr
        group.min_lr = group.initial_lr / self.final_div_factor
        if self.cycle_momentum:
            group.momentum = self.max_momentum
            group.max_momentum = self.max_momentum
            group.base_momentum = self.base_momentum

    def _get_lr(self, s: _Scheduler) -> Any:
        group, step_num = s.group, s.last_epoch
        phases = self._phases()
        start_step = 0.0
        for i, (end_step, start_lr, end_lr, start_m, end_m) in enumerate(phases):
            if step_num <= end_step or i == len(phases) - 1:
                pct = (step_num - start_step) / (end_step - start_step)
                lr = self._anneal(getattr(group, start_lr), getattr(group, end_lr), pct)
                if self.cycle_momentum:
                    group.momentum = self._anneal(
                        getattr(group, start_m), getattr(group, end_m), pct
                    )
                return lr
            start_step = end_step
        raise AssertionError(
            "unreachable: the last phase takes every later step"
        )  # pragma: no cover

    def sets(self, rule: Optimizer) -> tuple[str, ...]:
        """The lr (from max_lr), and the momentum it cycles."""
        from optviz.scheduled import momentum_target

        target = momentum_target(rule) if self.cycle_momentum else None
        return ("lr",) if target is None else ("lr", target)

    def check_rule(self, rule: Optimizer) -> None:
        from optviz.scheduled import momentum_target

        if _varies(rule.lr):  # type: ignore[attr-defined]
            raise ParameterError(
                "schedule",
                "OneCycleLR sets the lr from max_lr, so per-run lr values would all be ignored",
            )
        target = momentum_target(rule)
        if self.cycle_momentum and target is not None:
            value = getattr(rule, target)
            if _varies(value[0] if target == "betas" else value):
                shown = "betas[0]" if target == "betas" else target
                raise ParameterError(
                    "schedule",
                    f"OneCycleLR cycles {shown} (cycle_momentum=True), so per-run {shown} values would "
                    "all be ignored",
                )
        if self.cycle_momentum and target is None:
            hint = (
                " (torch's OneCycleLR would switch SGD's momentum on: that is Momentum)"
                if rule.name == "gd"
                else ""
            )
            raise ParameterError(
                "schedule",
                f"OneCycleLR cycles the momentum (cycle_momentum=True), and {rule.label} has none{hint}; "
                "use a rule with momentum or betas, or cycle_momentum=false",
            )


@_frozen
class SequentialLR(Schedule):
    r"""Several schedules one after the other, switching at the milestones: warmup then cosine (torch's SequentialLR).

    At milestone m the next schedule starts from its own step 0 (torch jumps there by the schedule's closed
    form). The schedules may be StepLR, ExponentialLR, CosineAnnealingLR and LinearLR.

    >>> SequentialLR([LinearLR(total_iters=3), ExponentialLR(gamma=0.5)], milestones=[3]).lrs(1.0, 5).round(4).tolist()
    [0.3333, 0.5556, 0.7778, 1.0, 0.5, 0.25]
    """

    schedulers: Sequence[Schedule]
    milestones: Sequence[int]

    name: ClassVar[str] = "sequential"
    label: ClassVar[str] = "SequentialLR"
    title: ClassVar[str] = "sequential"

    def __post_init__(self) -> None:
        if isinstance(self.schedulers, (str, bytes, Schedule)) or not isinstance(
            self.schedulers, (Sequence, np.ndarray)
        ):
            raise ParameterError(
                "schedulers", f"must be a list of schedules, got {self.schedulers!r}"
            )
        children = tuple(self.schedulers)
        if not children:
            raise ParameterError("schedulers", "must hold at least one schedule")
        for i, child in enumerate(children):
            if not isinstance(child, Schedule):
                raise ParameterError(
                    f"schedulers[{i}]", f"must be a schedule such as LinearLR(...), got {child!r}"
                )
            if isinstance(child, (SequentialLR, OneCycleLR)):
                raise ParameterError(
                    f"schedulers[{i}]",
                    f"{child.label} cannot be part of a SequentialLR (valid: {', '.join(_SEQUENTIAL_PARTS)})",
                )
        if isinstance(self.milestones, (str, bytes)) or not isinstance(
            self.milestones, (Sequence, np.ndarray)
        ):
            raise ParameterError(
                "milestones", f"must be a list of step numbers, got {self.milestones!r}"
            )
        milestones = tuple(_count(f"milestones[{i}]", m) for i, m in enumerate(self.milestones))
        if len(milestones) != len(children) - 1:
            raise ParameterError(
                "milestones",
                f"must hold one step number fewer than the schedules ({len(children) - 1}), got {len(milestones)}",
            )
        if any(b <= a for a, b in itertools.pairwise(milestones)):
            raise ParameterError("milestones", f"must increase, got {list(milestones)}")
        object.__setattr__(self, "schedulers", children)
        object.__setattr__(self, "milestones", milestones)

    def _start(self, group: _Group) -> Any:
        return _Sequence(self, group)

    @property
    def legend(self) -> str:
        """The schedules in order: ``"linear (start_factor=0.1, total_iters=20) → cosine (T_max=180)"``."""
        return " → ".join(child.legend for child in self.schedulers)

    @property
    def short(self) -> str:
        """``"linear → cosine"``."""
        return " → ".join(child.short for child in self.schedulers)

    def __repr__(self) -> str:
        return f"SequentialLR({list(self.schedulers)!r}, milestones={list(self.milestones)!r})"


def _varies(value: Any) -> bool:
    """A per-run hyperparameter with more than one value."""
    return isinstance(value, np.ndarray) and bool(np.any(value != value.reshape(-1)[0]))


_SEQUENTIAL_PARTS = ("step", "exponential", "cosine_annealing", "linear")


# -- by name, for scenario files -------------------------------------------------------------------
_SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls
    for cls in (StepLR, ExponentialLR, CosineAnnealingLR, LinearLR, OneCycleLR, SequentialLR)
}


def schedule_names() -> list[str]:
    """Every schedule's name (the ``name`` of a scenario's ``schedule = {...}``).

    >>> schedule_names()
    ['step', 'exponential', 'cosine_annealing', 'linear', 'one_cycle', 'sequential']
    """
    return list(_SCHEDULES)


def schedule_class(name: str) -> type[Schedule]:
    if name not in _SCHEDULES:
        raise ParameterError(
            "name", check.unknown_name_message(str(name), _SCHEDULES, what="schedule")
        )
    return _SCHEDULES[name]


def schedule_parameters(name: str) -> dict[str, Any]:
    """A schedule's parameters and defaults in constructor order (``inspect.Parameter.empty``: required).

    >>> schedule_parameters("cosine_annealing")
    {'T_max': <class 'inspect._empty'>, 'eta_min': 0.0}
    """
    return check.parameters(schedule_class(name))


def schedule_description(name: str) -> str:
    """The first line of a schedule's docstring, for ``optviz list``."""
    return (schedule_class(name).__doc__ or name).strip().splitlines()[0]


def schedule(name: str, **params: Any) -> Schedule:
    """A schedule by name with its parameters by constructor name.

    >>> schedule("cosine_annealing", T_max=200)
    CosineAnnealingLR(T_max=200)
    >>> schedule("cosine_anealing", T_max=200)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: name: unknown schedule 'cosine_anealing'; did you mean 'cosine_annealing'? ...
    """
    return check.build(schedule_class(name), name, "schedule", params)


def schedule_from_dict(spec: Any) -> Schedule:
    """A schedule from its description (a scenario's ``schedule = { name = "...", ... }``, or a trajectory's
    meta). SequentialLR's ``schedulers`` is a list of such tables. Errors name the field inside the table.

    >>> schedule_from_dict({"name": "sequential", "milestones": [5],
    ...                     "schedulers": [{"name": "linear"}, {"name": "cosine_annealing", "T_max": 95}]})
    SequentialLR([LinearLR(), CosineAnnealingLR(T_max=95)], milestones=[5])
    >>> schedule_from_dict({"name": "sequential", "milestones": [5],
    ...                     "schedulers": [{"name": "linear"}, {"name": "cosine_annealing", "T_max": 0}]})
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: schedulers[1].T_max: must be at least 1, got 0
    """
    if isinstance(spec, Schedule):
        return spec
    if not isinstance(spec, dict):
        raise ParameterError(
            "",
            f'must be a table such as {{ name = "cosine_annealing", T_max = 100 }}, got {spec!r}',
        )
    if "name" not in spec:
        raise ParameterError("name", f"is required (one of: {', '.join(schedule_names())})")
    params = {k: v for k, v in spec.items() if k != "name"}
    name = check.choice("name", spec["name"], schedule_names(), what="schedule")
    if name == "sequential" and "schedulers" in params:
        children = params["schedulers"]
        if isinstance(children, list):
            parts = []
            for i, child in enumerate(children):
                try:
                    parts.append(schedule_from_dict(child))
                except ParameterError as err:
                    raise ParameterError(
                        _join(f"schedulers[{i}]", err.field), err.message
                    ) from None
            params["schedulers"] = parts
    return schedule(name, **params)


def _join(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if field else prefix


__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LinearLR",
    "OneCycleLR",
    "Schedule",
    "SequentialLR",
    "StepLR",
    "schedule",
    "schedule_description",
    "schedule_from_dict",
    "schedule_names",
    "schedule_parameters",
]
