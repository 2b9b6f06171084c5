"""The explorers' settings: one table that ``optviz.explore`` (matplotlib) and the explorer web page
(``optviz explore SURFACE --html``) both read.

Which rules the explorers show, which setting sets which hyperparameter of which rules (:data:`SETTINGS`), what
each setting accepts (:data:`DOMAINS`), the defaults (:class:`Settings`, torch's), the sliders' labels, ranges
and scales (:func:`controls`), the learning-rate schedule selector's choices (:data:`SCHEDULES`,
:func:`make_schedule`) and the ``optviz.run`` arguments of each rule's run (:func:`run_arguments`). A rule
registered later (with its family and parameters) slots into both explorers from here.

Default learning rates (document of record):
- GD, Momentum, Nesterov share one ``lr``. Its default is ``1/L`` (half of GD's stability limit ``2/L``), with
  ``L`` the largest Hessian eigenvalue magnitude at the surface's suggested start and at its known minima in
  view, rounded to two significant digits and clipped to [1e-4, 1]. Its slider spans ``lr/100 .. 10 lr``, which
  reaches past ``2/L``, so divergence is one drag away.
- Adam, AdamW, RMSProp and AdaGrad take steps of about ``lr`` per coordinate whatever the gradient's scale, so
  they share a second rate, ``adaptive_lr``, defaulting to 1% of the view's diagonal (two significant digits).
- Newton and L-BFGS step to the minimum of a local quadratic model: ``second_order_lr`` defaults to torch's 1
  (the full step); its slider spans ``lr/100 .. 10 lr``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import limits
from optviz._validate import ParameterError
from optviz.analysis import hessian_eigen
from optviz.analysis import suggested_adaptive_lr as default_adaptive_lr
from optviz.analysis import suggested_lr as default_lr
from optviz.noise import GaussianNoise
from optviz.optimizers import Optimizer, rule, rule_class, rule_names, rule_parameters
from optviz.surfaces.base import Surface

# The rules the explorer shows (the registry's gradient rules), grouped by which lr slider they take.
RULES = tuple(name for name in rule_names() if rule_class(name).uses_gradient)
ADAPTIVE = tuple(name for name in RULES if rule_class(name).family == "adaptive")
# The rules that evaluate the surface themselves (Newton's Hessian, L-BFGS's closure): their lr of 1 is the
# full step of the local model, so they share a third rate. They run on their own, not stacked.
SECOND_ORDER = tuple(name for name in RULES if rule_class(name).uses_surface)
GRADIENT_SCALED = tuple(name for name in RULES if name not in ADAPTIVE + SECOND_ORDER)
# The rules gradient noise applies to (L-BFGS re-evaluates the surface at trial points: it runs exact).
NOISY = tuple(name for name in RULES if rule_class(name).takes_noise)
MAX_STEPS_SLIDER = 500
# Short names for slider labels that list several rules (a rule not listed here shows its label).
_SHORT = {"momentum": "Mom.", "nesterov": "Nest.", "rmsprop": "RMSP.", "adagrad": "AdaG."}


def rules_taking(parameter: str) -> tuple[str, ...]:
    """The explorer's rules that have hyperparameter ``parameter`` (``"rho"``, ``"betas"``, ``"alpha"``)."""
    return tuple(r for r in RULES if parameter in rule_parameters(r))


# Which rule hyperparameter each setting sets, on which rules (torch.optim's names). ``weight_decay`` is
# AdamW's decoupled decay only: the other rules' weight_decay is an L2 term folded into the gradient, a
# different thing, left at its default of 0.
SETTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "lr": ("lr", GRADIENT_SCALED),
    "adaptive_lr": ("lr", ADAPTIVE),
    "second_order_lr": ("lr", SECOND_ORDER),
    "rho": ("rho", rules_taking("rho")),
    "beta1": ("betas", rules_taking("betas")),
    "beta2": ("betas", rules_taking("betas")),
    "alpha": ("alpha", rules_taking("alpha")),
    "weight_decay": ("weight_decay", tuple(r for r in RULES if r == "adamw")),
    "damping": ("damping", rules_taking("damping")),
    "max_iter": ("max_iter", rules_taking("max_iter")),
    "history_size": ("history_size", rules_taking("history_size")),
    "line_search_fn": ("line_search_fn", rules_taking("line_search_fn")),
}


# -- learning-rate schedules -------------------------------------------------------------------------
# The schedule selector's choices: the engine's schedules (torch.optim.lr_scheduler), with parameters that
# follow the number of steps, as the gallery's "LR schedules" figure sets them. Document of record:
# - "constant": no schedule;
# - "step": StepLR(step_size = steps // 3, gamma = 0.2), two drops of 5x;
# - "exponential": ExponentialLR(gamma = 0.01 ** (1 / steps)), 100x lower at the last step;
# - "cosine": CosineAnnealingLR(T_max = steps);
# - "warmup": LinearLR(start_factor = 0.1, total_iters = steps // 10), then the constant lr;
# - "warmup + cosine": SequentialLR of that warmup and CosineAnnealingLR(T_max = steps - steps // 10);
# - "one-cycle": OneCycleLR(max_lr = the rule's lr, total_steps = steps), cycling the rule's momentum
#   (Momentum and Nesterov's rho, Adam and AdamW's beta1, RMSProp's momentum) as torch does by default; a rule
#   without one (GD, AdaGrad, Newton, L-BFGS) gets cycle_momentum=False.
SCHEDULES = ("constant", "step", "exponential", "cosine", "warmup", "warmup + cosine", "one-cycle")


def exponential_gamma(steps: int) -> float:
    """The "exponential" choice's gamma over ``steps`` steps: 100x lower at the last step (Python's pow, as
    the explorer page embeds it rather than rounding it in JavaScript)."""
    return 0.01 ** (1 / steps)


def make_schedule(choice: str, rule: Optimizer, steps: int) -> Any:
    """The schedule ``choice`` (one of :data:`SCHEDULES`) for ``rule`` over ``steps`` steps; None: constant.

    >>> from optviz import GD
    >>> make_schedule("cosine", GD(lr=0.1), 200)
    CosineAnnealingLR(T_max=200)
    >>> make_schedule("warmup + cosine", GD(lr=0.1), 200).legend
    'linear (start_factor=0.1, total_iters=20) → cosine (T_max=180)'
    """
    from optviz import schedules as sch
    from optviz.scheduled import momentum_target

    steps = max(int(steps), 1)
    warm = max(1, steps // 10)
    if choice == "constant":
        return None
    if choice == "step":
        return sch.StepLR(step_size=max(1, steps // 3), gamma=0.2)
    if choice == "exponential":
        return sch.ExponentialLR(gamma=exponential_gamma(steps))
    if choice == "cosine":
        return sch.CosineAnnealingLR(T_max=steps)
    if choice == "warmup":
        return sch.LinearLR(start_factor=0.1, total_iters=warm)
    if choice == "warmup + cosine":
        return sch.SequentialLR(
            [sch.LinearLR(start_factor=0.1, total_iters=warm), sch.CosineAnnealingLR(T_max=max(1, steps - warm))],
            milestones=[warm],
        )  # fmt: skip
    if choice == "one-cycle":
        cycle = momentum_target(rule) is not None
        return sch.OneCycleLR(max_lr=rule.lr, total_steps=steps, cycle_momentum=cycle)  # type: ignore[attr-defined]
    raise ParameterError(
        "schedule", check.unknown_name_message(str(choice), SCHEDULES, what="schedule")
    )


def _schedule_choice(field: str, value: Any) -> str:
    if not isinstance(value, str) or value not in SCHEDULES:
        raise ParameterError(
            field, check.unknown_name_message(str(value), SCHEDULES, what="schedule")
        )
    return value


def _line_search(field: str, value: Any) -> str | None:
    if value is None or value == "none":
        return None
    if value != "strong_wolfe":
        raise ParameterError(
            field, f"must be None or 'strong_wolfe' (torch's choices), got {value!r}"
        )
    return value


# What each setting accepts (the rules' own domains: torch's), whatever its slider's range.
def _unit(name: str, value: Any) -> float:
    return check.in_range(name, value, 0.0, 1.0, high_open=True)


DOMAINS: dict[str, Callable[[str, Any], Any]] = {
    "lr": check.positive,
    "adaptive_lr": check.positive,
    "second_order_lr": check.positive,
    "rho": _unit,
    "beta1": _unit,
    "beta2": _unit,
    "alpha": _unit,
    "weight_decay": check.nonnegative,
    "damping": check.nonnegative,
    "max_iter": lambda f, v: check.integer(f, v, minimum=1, maximum=limits.MAX_LBFGS_ITER),
    "history_size": lambda f, v: check.integer(f, v, minimum=1, maximum=limits.MAX_LBFGS_HISTORY),
    "line_search_fn": _line_search,
    "schedule": _schedule_choice,
    "sigma": check.nonnegative,
    "steps": lambda f, v: check.integer(f, v, minimum=1, maximum=limits.MAX_STEPS),
    "seed": lambda f, v: check.integer(f, v, minimum=0, maximum=limits.MAX_SEED),
}


def nice(value: float, digits: int = 2) -> float:
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on. ``lr`` drives GD/Momentum/Nesterov, ``adaptive_lr`` Adam/AdamW/RMSProp/
    AdaGrad, ``second_order_lr`` Newton/L-BFGS (see :data:`SETTINGS` for every setting's rules)."""

    start: np.ndarray
    steps: int = 100
    lr: float = 0.01
    adaptive_lr: float = 0.1
    second_order_lr: float = 1.0
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    weight_decay: float = 1e-2
    damping: float = 0.0
    max_iter: int = 20
    history_size: int = 100
    line_search_fn: str | None = None
    schedule: str = "constant"
    sigma: float = 0.0
    seed: int = 0
    rules: tuple[str, ...] = ("gd", "momentum")


def make_rule(name: str, s: Settings) -> Optimizer:
    """The update rule ``name`` with the explorer's settings (the same objects a script would build): from the
    rule registry, each of its hyperparameters that a setting sets (:data:`SETTINGS`: ``lr`` by the rule's
    group, ``rho``, ``betas``, ``alpha``, AdamW's ``weight_decay``, Newton's ``damping``, L-BFGS's
    ``max_iter``, ``history_size`` and ``line_search_fn``), the others at their defaults."""
    if name not in RULES:
        raise ParameterError("rules", check.unknown_name_message(name, RULES, what="rule"))
    values: dict[str, Any] = {}
    for setting, (parameter, rules) in SETTINGS.items():
        if name in rules:
            values[parameter] = getattr(s, setting)
    if "betas" in values:
        values["betas"] = (s.beta1, s.beta2)
    return rule(name, **values)


def run_arguments(name: str, s: Settings) -> dict[str, Any]:
    """What ``optviz.run`` takes for rule ``name``'s run besides the surface: the rule, start, steps, noise
    (none for a rule it does not apply to: L-BFGS runs exact), seed and schedule."""
    optimizer = make_rule(name, s)
    noise = GaussianNoise(s.sigma) if s.sigma > 0 and name in NOISY else None
    return {
        "optimizer": optimizer, "start": s.start, "steps": s.steps, "noise": noise, "seed": s.seed,
        "schedule": make_schedule(s.schedule, optimizer, s.steps),
    }  # fmt: skip


@dataclass(frozen=True)
class Control:
    """A slider: its setting, label, range, scale, and the rules it affects (the others dim it)."""

    name: str
    label: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    rules: tuple[str, ...] = RULES

    def to_slider(self, value: float) -> float:
        return math.log10(value) if self.log else float(value)

    def text(self, value: float) -> str:
        if self.integer:
            return str(int(value))
        return f"{value:.3g}"

    def contains(self, value: float) -> bool:
        return self.low * (1 - 1e-12) <= value <= self.high * (1 + 1e-12)

    def widened(self, value: float) -> Control:
        """This control with a range that reaches ``value``: a log slider out to the decade holding it."""
        if self.contains(value):
            return self
        low, high = value, value
        if self.log:
            low, high = 10.0 ** math.floor(math.log10(value)), 10.0 ** math.ceil(math.log10(value))
        return replace(self, low=min(self.low, low), high=max(self.high, high))


def _applies_to(rules: Sequence[str]) -> str:
    """The rules a slider sets, for its label: "Momentum, Nesterov", "GD, Mom., Nest.", "Adam(W), RMSP., AdaG."."""
    names = [rule_class(r).label for r in rules]
    if len(rules) > 2:
        names = [_SHORT.get(r, rule_class(r).label) for r in rules]
    if "adam" in rules and "adamw" in rules:  # Adam and AdamW as one
        names = [n for n, r in zip(names, rules, strict=True) if r != "adamw"]
        names[names.index("Adam")] = "Adam(W)"
    return ", ".join(names)


def controls(surface: Surface, s: Settings) -> list[Control]:
    """The sliders, with ranges that fit the surface and reach the given settings: the first column's, then
    the second's (:data:`SLIDER_COLUMNS`)."""
    grad = float(np.hypot(*surface.grad(s.start)))
    sigma_max = nice(max(grad, 1e-3), 1) * 2
    with np.errstate(all="ignore"):
        curvature = float(np.max(np.abs(hessian_eigen(surface, s.start)[0])))
    damping_max = nice(max(curvature, 1e-3), 1) * 2 if math.isfinite(curvature) else 10.0
    lr0, alr0, slr0 = s.lr, s.adaptive_lr, s.second_order_lr

    def rules_of(name: str) -> tuple[str, ...]:
        return SETTINGS[name][1]

    def label(symbol: str, name: str) -> str:
        return f"{symbol}  ({_applies_to(rules_of(name))})"

    out = [
        Control("lr", label("lr", "lr"), lr0 / 100, lr0 * 10, log=True, rules=rules_of("lr")),
        Control("adaptive_lr", label("lr", "adaptive_lr"), alr0 / 100, alr0 * 10, log=True, rules=rules_of("adaptive_lr")),
        Control("rho", label("ρ", "rho"), 0.0, 0.99, rules=rules_of("rho")),
        Control("beta1", label("β1", "beta1"), 0.0, 0.99, rules=rules_of("beta1")),
        Control("beta2", label("β2", "beta2"), 0.9, 0.9999, rules=rules_of("beta2")),
        Control("alpha", label("α", "alpha"), 0.5, 0.999, rules=rules_of("alpha")),
        Control("weight_decay", label("weight_decay", "weight_decay"), 0.0, 1.0, rules=rules_of("weight_decay")),
        # second column
        Control("second_order_lr", label("lr", "second_order_lr"), slr0 / 100, slr0 * 10, log=True, rules=rules_of("second_order_lr")),
        Control("damping", label("damping", "damping"), 0.0, damping_max, rules=rules_of("damping")),
        Control("max_iter", label("max_iter", "max_iter"), 1, 50, integer=True, rules=rules_of("max_iter")),
        Control("history_size", label("history_size", "history_size"), 1, 100, integer=True, rules=rules_of("history_size")),
        Control("sigma", "noise σ", 0.0, sigma_max, rules=NOISY),
        Control("steps", "steps", 1, MAX_STEPS_SLIDER, integer=True),
    ]  # fmt: skip
    return [c.widened(getattr(s, c.name)) for c in out]


# The sliders' two columns: the first holds the first-order rules' settings, the second the rest.
SLIDER_COLUMNS = 7


def read_settings(
    surface: Surface, rules: Sequence[str] | str, start: Any = None, **given: Any
) -> Settings:
    """The :class:`Settings` of an explorer of ``surface`` showing ``rules``, from ``optviz.explore``'s keyword
    arguments (each checked by :data:`DOMAINS`; None: the default): what both explorers open with."""
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    for r in rules:
        if r not in RULES:
            raise ParameterError("rules", check.unknown_name_message(str(r), RULES, what="rule"))
    for name in given:
        if name not in DOMAINS:
            raise ParameterError(
                name, check.unknown_name_message(name, sorted(DOMAINS), what="setting")
            )
    start = surface.start if start is None else check.point("start", start)
    values = {
        k: DOMAINS[k](k, v) for k, v in given.items() if v is not None and k != "line_search_fn"
    }
    values["line_search_fn"] = DOMAINS["line_search_fn"](
        "line_search_fn", given.get("line_search_fn")
    )
    values.setdefault("lr", default_lr(surface))
    values.setdefault("adaptive_lr", default_adaptive_lr(surface))
    return Settings(
        start=np.array(start, dtype=float), rules=tuple(r for r in RULES if r in rules), **values
    )


def rule_settings(name: str, s: Settings) -> dict[str, Any]:
    """The hyperparameters the settings give rule ``name`` (its TOML names; ``betas`` as a list), the others
    left at the rule's defaults: what :func:`make_rule` builds it with."""
    values: dict[str, Any] = {}
    for setting, (parameter, rules) in SETTINGS.items():
        if name in rules:
            values[parameter] = getattr(s, setting)
    if "betas" in values:
        values["betas"] = [s.beta1, s.beta2]
    return values
