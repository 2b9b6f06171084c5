r"""Update rules: small, pure, immutable, with torch.optim's formulas and operation order.

Every rule is a frozen dataclass with two methods, in the style of optax::

    state = rule.init(xy)                       # a NamedTuple of arrays shaped like xy
    new_xy, new_state = rule.update(grad, state, xy)

The engine drives every rule through the same two calls, ``rule.start(xy, loss)`` and ``rule.step(grad,
state, xy, value, z)``, which are ``init`` and ``update`` for the gradient rules; a rule that evaluates the
loss itself (random search) uses ``value`` and the standard normal draw ``z`` of the run's seed instead, and
says so with ``random = True``. So the engine never asks which rule it runs.

``xy`` has shape ``(2,)`` for one run or ``(N, 2)`` for N runs at once. Nothing is modified in
place. Each formula below is written the way ``torch.optim`` evaluates it on the CPU
(``_single_tensor_*``), in the same order, so that float64 trajectories agree with torch's to
rounding (torch fuses some multiply-adds, which numpy cannot, so the two differ by an ulp per
operation and stay within ~1e-12 over hundreds of steps).

Hyperparameters may also be 1-D sequences of N values, one per run, for vectorized sweeps: they are
stored as read-only arrays of shape ``(N, 1)`` that broadcast against an ``(N, 2)`` batch.

>>> import numpy as np, optviz as ov
>>> rule = ov.Momentum(lr=0.1, rho=0.9)
>>> rule
Momentum(lr=0.1, rho=0.9)
>>> state = rule.init(np.array([1.0, 2.0]))
>>> xy, state = rule.update(np.array([1.0, 1.0]), state, np.array([1.0, 2.0]))
>>> xy.tolist(), state.momentum_buffer.tolist()
([0.9, 1.9], [1.0, 1.0])
>>> xy, state = rule.update(np.array([1.0, 1.0]), state, xy)
>>> xy.round(12).tolist(), state.momentum_buffer.tolist()
([0.71, 1.71], [1.9, 1.9])
"""

from __future__ import annotations

import copy
import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optviz import _validate as check
from optviz._format import format_number, legend
from optviz._validate import ParameterError

Hyper = Any  # a float, or a read-only (N, 1) array of per-run values


# -- hyperparameter checks: scalars or one value per run -------------------------------------------
def hyperparameter(field: str, value: Any, scalar_check: Any) -> Hyper:
    """Check a hyperparameter: a number, or a 1-D sequence of numbers (one per run) each checked.

    For rules of their own (``optviz.newton``, ``optviz.lbfgs``): ``__post_init__`` checks each
    hyperparameter with it, e.g. ``hyperparameter("lr", self.lr, check.positive)``."""
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value, dtype=object if not isinstance(value, np.ndarray) else None)
        flat = arr.reshape(-1)
        if arr.ndim == 0:
            return scalar_check(field, arr.item())
        if flat.size == 0 or (arr.ndim == 2 and arr.shape[1] != 1) or arr.ndim > 2:
            raise ParameterError(
                field, f"must be a number or a 1-D list of numbers, got shape {arr.shape}"
            )
        out = np.array([scalar_check(f"{field}[{i}]", v) for i, v in enumerate(flat)])
        out = out.reshape(-1, 1)
        out.setflags(write=False)
        return out
    return scalar_check(field, value)


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(field, f"must be true or false, got {value!r}")
    return bool(value)


def _unit(field: str, value: Any) -> float:
    return check.in_range(field, value, 0.0, 1.0, high_open=True)


def _closed_unit(field: str, value: Any) -> float:
    return check.in_range(field, value, 0.0, 1.0)


def _plain(value: Hyper) -> Any:
    """A hyperparameter as plain Python data (JSON-able): a float, or a list of floats."""
    if isinstance(value, np.ndarray):
        return value.reshape(-1).tolist()
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _lerp(start: np.ndarray, end: np.ndarray, weight: Hyper) -> np.ndarray:
    """torch.lerp: ``start + w (end - start)`` if |w| < 0.5, else ``end - (end - start)(1 - w)``."""
    if isinstance(weight, np.ndarray):
        return np.where(
            np.abs(weight) < 0.5,
            start + weight * (end - start),
            end - (end - start) * (1 - weight),
        )
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


# id(per-run hyperparameter array) -> (its distinct values, inverse index), dropped with the array.
_UNIQUE: dict[int, tuple[list[float], np.ndarray]] = {}


def _per_value(fn: Any, value: Hyper, t: float) -> Any:
    """``fn(v, t)`` in Python floats, for a scalar or for each run's value ``v`` of a per-run array.

    numpy's vectorized ``power`` rounds differently from the C library's ``pow`` that Python (and
    torch's Python-side bias corrections) use, in a few percent of cases; evaluating ``fn`` once per
    distinct value keeps a sweep's runs identical to the single runs.
    """
    if not isinstance(value, np.ndarray):
        return fn(value, t)
    key = id(value)
    if key not in _UNIQUE:
        unique, inverse = np.unique(value, return_inverse=True)
        _UNIQUE[key] = (unique.tolist(), inverse.reshape(value.shape))
        weakref.finalize(value, _UNIQUE.pop, key, None)
    unique, inverse = _UNIQUE[key]
    return np.array([fn(v, t) for v in unique])[inverse]


def _bias_correction(beta: float, t: float) -> float:
    """torch's ``1 - beta ** step`` (Python's pow, as torch evaluates it)."""
    return 1 - beta**t


def _bias_correction_sqrt(beta: float, t: float) -> float:
    """torch's ``(1 - beta ** step) ** 0.5``."""
    return (1 - beta**t) ** 0.5


def _decay(grad: np.ndarray, xy: np.ndarray, weight_decay: Hyper) -> np.ndarray:
    """torch's L2 weight decay folded into the gradient: ``g + wd * p`` (skipped when wd is 0)."""
    if isinstance(weight_decay, np.ndarray) or weight_decay != 0:
        return grad + weight_decay * xy
    return grad


class Optimizer:
    """Base class of the update rules (each a frozen dataclass).

    Class attributes: ``name`` (registry name, ``"momentum"``), ``label`` (display name,
    ``"Momentum"``), ``family`` (``"gradient"``: steps scale with the gradient, GD; ``"momentum"``:
    with a velocity, up to ``1/(1 - rho)`` times larger; ``"adaptive"``: about ``lr`` per coordinate
    whatever the gradient's scale; ``"search"``: no gradient), ``uses_gradient`` (False: gradient
    noise does not apply), ``random`` (True: each step draws a standard normal from the run's seed).
    Subclasses implement ``init`` and ``update`` and list the state fields that a trajectory records
    (``history_fields``).
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    family: ClassVar[str] = "gradient"
    uses_gradient: ClassVar[bool] = True
    random: ClassVar[bool] = False
    # Hyperparameters always shown in legends, whether or not they have their default value.
    _legend_keys: ClassVar[tuple[str, ...]] = ("lr",)
    # -- second-order rules (Newton, L-BFGS) -------------------------------------------------------
    # A rule that evaluates the surface itself (a Hessian, a closure) gets it from the engine through
    # bind(surface); one that re-evaluates the loss at trial points cannot take gradient noise; a rule can
    # end a run with a status of its own (Newton: "singular") by returning a non-finite point where the
    # boolean state field of that name is True.
    uses_surface: ClassVar[bool] = False
    takes_noise: ClassVar[bool] = True
    stop_statuses: ClassVar[tuple[str, ...]] = ()

    def bind(self, surface: Any) -> Optimizer:
        """The rule with the surface it runs on (the rule itself unless it evaluates the surface)."""
        return self

    # -- the interface -----------------------------------------------------------------------------
    def init(self, xy: np.ndarray) -> Any:
        raise NotImplementedError

    def update(self, grad: np.ndarray, state: Any, xy: np.ndarray) -> tuple[np.ndarray, Any]:
        raise NotImplementedError

    def history_fields(self) -> tuple[str, ...]:
        """The state fields recorded, per iterate, in ``Trajectory.state``."""
        return ()

    # -- what the engine calls ---------------------------------------------------------------------
    def start(self, xy: np.ndarray, loss: np.ndarray) -> Any:
        """The state before the first step, given the start and its loss (``init(xy)`` by default)."""
        return self.init(xy)

    def step(
        self, grad: np.ndarray, state: Any, xy: np.ndarray, value: Any, z: np.ndarray | None
    ) -> tuple[np.ndarray, Any]:
        """One step: ``update(grad, state, xy)`` by default. ``value`` is the surface's loss function and
        ``z`` a standard normal draw shaped like ``xy`` (None unless the rule is ``random``)."""
        return self.update(grad, state, xy)

    def kernels(self, n: int) -> list[Any] | None:
        """One float kernel per run (``optviz.kernels``), for the engine to step ``n`` runs of this rule on
        Python floats, bit for bit as ``step`` would; None where numpy is the cheaper way (more runs than
        ``kernels.FLOAT_RUNS``) or the rule has no kernel."""
        from optviz import kernels

        if n > kernels.FLOAT_RUNS:
            return None
        if self.n_values() is None:
            one = kernels.kernel(self)
            return None if one is None else [one] * n
        each = [kernels.kernel(self.select(i)) for i in range(n)]
        return None if any(k is None for k in each) else each

    # -- descriptions ------------------------------------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """Every hyperparameter by constructor name, as plain Python values (lists when per run)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @property
    def hyperparams(self) -> dict[str, Any]:
        """The key hyperparameters and every one that differs from its default, in signature order.

        ``rule(r.name, **r.hyperparams)`` rebuilds the rule, and legends show them:

        >>> Momentum(lr=0.02).hyperparams
        {'lr': 0.02, 'rho': 0.9}
        >>> Adam(lr=0.1, betas=(0.8, 0.999)).hyperparams
        {'lr': 0.1, 'betas': (0.8, 0.999)}
        """
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            default = f.default
            if (
                f.name in self._legend_keys
                or default is dataclasses.MISSING
                or isinstance(value, np.ndarray)
                or (isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value))
                or value != default
            ):
                out[f.name] = _plain(value)
        return out

    @property
    def legend(self) -> str:
        """``"Momentum (lr=0.02, ρ=0.9)"``: the label with the hyperparameters, as figures write it."""
        return legend(self.label, self.hyperparams)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={format_number(v, digits=6)}" for k, v in self.hyperparams.items())
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and _freeze(self.params) == _freeze(other.params)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, _freeze(self.params)))

    # -- per-run hyperparameters -------------------------------------------------------------------
    def n_values(self) -> int | None:
        """The number of per-run values of the array hyperparameters (None if all are scalars)."""
        sizes = {
            len(v)
            for v in _leaves(getattr(self, f.name) for f in dataclasses.fields(self))  # type: ignore[arg-type]
            if isinstance(v, np.ndarray)
        }
        if len(sizes) > 1:
            raise ParameterError(
                self.name,
                f"per-run hyperparameters must all have the same length, got {sorted(sizes)}",
            )
        return sizes.pop() if sizes else None

    def take(self, index: np.ndarray) -> Optimizer:
        """The rule restricted to the runs ``index`` (per-run values are subset, scalars kept)."""
        new = copy.copy(self)
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                object.__setattr__(new, f.name, _readonly(value[index]))
            elif isinstance(value, tuple):
                object.__setattr__(
                    new,
                    f.name,
                    tuple(_readonly(v[index]) if isinstance(v, np.ndarray) else v for v in value),
                )
        return new

    def select(self, i: int) -> Optimizer:
        """The rule of run i alone: per-run hyperparameters replaced by run i's value (a float)."""
        new = copy.copy(self)
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                object.__setattr__(new, f.name, float(value[i, 0]))
            elif isinstance(value, tuple):
                picked = tuple(float(v[i, 0]) if isinstance(v, np.ndarray) else v for v in value)
                object.__setattr__(new, f.name, picked)
        return new

    # -- diagrams ----------------------------------------------------------------------------------
    def path(self, xy: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """The points a figure draws for a run of this rule (``Trajectory.path``): its iterates ``xy``."""
        return xy

    def update_vectors(
        self, t: int, xy: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """The vectors of update ``t -> t+1`` of recorded histories (``Trajectory.update_vectors``):
        point, gradient (``-lr * g``) and the actual step. ``xy`` and ``grad`` are (steps+1, 2), or
        (N, steps+1, 2) for a batch; ``state`` the recorded state fields, shaped alike."""
        point, nxt = xy[..., t, :], xy[..., t + 1, :]
        gradient = -self._per_run("lr", xy.ndim == 3) * grad[..., t, :]
        return {"point": point, "gradient": gradient, "step": nxt - point}

    def _per_run(self, name: str, batched: bool) -> Any:
        """A hyperparameter shaped to broadcast against (N, 2) (a batch) or (2,) vectors."""
        value = getattr(self, name)
        if isinstance(value, np.ndarray):
            return value.reshape(-1, 1) if batched else value.reshape(-1)[0]
        return value


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr)
    arr.setflags(write=False)
    return arr


def _leaves(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        out.extend(v if isinstance(v, tuple) else [v])
    return out


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def rule_dataclass(cls: type) -> type:
    """The decorator of every rule class: a frozen dataclass with the base class's equality (hyperparameters
    may be arrays) and repr."""
    return dataclass(frozen=True, eq=False, repr=False)(cls)


# -- plain gradient descent ------------------------------------------------------------------------
class GDState(NamedTuple):
    """Gradient descent keeps no state beyond the number of updates taken."""

    step: int


@rule_dataclass
class GD(Optimizer):
    r"""Gradient descent, torch.optim.SGD with ``momentum=0``.

    .. math::  g \leftarrow g + \lambda p \quad (\text{if weight\_decay } \lambda \ne 0), \qquad
               p \leftarrow p - \eta\, g

    >>> import numpy as np
    >>> rule = GD(lr=0.1)
    >>> rule.update(np.array([2.0, -4.0]), rule.init(np.zeros(2)), np.array([1.0, 1.0]))[0].tolist()
    [0.8, 1.4]
    """

    lr: Hyper
    weight_decay: Hyper = 0.0

    name: ClassVar[str] = "gd"
    label: ClassVar[str] = "GD"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )

    def init(self, xy: np.ndarray) -> GDState:
        return GDState(step=0)

    def update(
        self, grad: np.ndarray, state: GDState, xy: np.ndarray
    ) -> tuple[np.ndarray, GDState]:
        grad = _decay(grad, xy, self.weight_decay)
        return xy - self.lr * grad, GDState(step=state.step + 1)


# -- heavy ball and Nesterov -----------------------------------------------------------------------
def _momentum_buffer(grad: np.ndarray, state: Any, rho: Hyper, dampening: Hyper) -> np.ndarray:
    """torch's ``buf = grad.clone()`` at first, then ``buf * rho + (1 - dampening) * grad``."""
    if state.step == 0:
        return np.array(grad, dtype=float)
    if isinstance(dampening, np.ndarray) or dampening != 0:
        return state.momentum_buffer * rho + (1 - dampening) * grad
    return state.momentum_buffer * rho + grad


class MomentumState(NamedTuple):
    """``momentum_buffer`` is torch's ``b`` (zero before the first update)."""

    step: int
    momentum_buffer: np.ndarray


@rule_dataclass
class Momentum(Optimizer):
    r"""Heavy ball, torch.optim.SGD with ``momentum=rho`` (the lecture's ``v = rho v + dx``).

    .. math::  g \leftarrow g + \lambda p, \qquad
               b \leftarrow \begin{cases} g & \text{first step (dampening ignored, as in torch)} \\
                                          \rho\, b + (1-d)\, g & \text{afterwards} \end{cases},
                                          \qquad
               p \leftarrow p - \eta\, b

    >>> import numpy as np
    >>> rule = Momentum(lr=0.1, rho=0.5, dampening=0.5)
    >>> s = rule.init(np.zeros(2))
    >>> p, s = rule.update(np.array([1.0, 2.0]), s, np.zeros(2))
    >>> p, s = rule.update(np.array([1.0, 2.0]), s, p)
    >>> s.momentum_buffer.tolist(), p.round(12).tolist()
    ([1.0, 2.0], [-0.2, -0.4])
    """

    lr: Hyper
    rho: Hyper = 0.9
    dampening: Hyper = 0.0
    weight_decay: Hyper = 0.0

    name: ClassVar[str] = "momentum"
    label: ClassVar[str] = "Momentum"
    family: ClassVar[str] = "momentum"
    _legend_keys: ClassVar[tuple[str, ...]] = ("lr", "rho")

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(self, "rho", hyperparameter("rho", self.rho, _unit))
        object.__setattr__(
            self, "dampening", hyperparameter("dampening", self.dampening, _closed_unit)
        )
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )

    def history_fields(self) -> tuple[str, ...]:
        return ("momentum_buffer",)

    def init(self, xy: np.ndarray) -> MomentumState:
        return MomentumState(step=0, momentum_buffer=np.zeros_like(xy, dtype=float))

    def update(
        self, grad: np.ndarray, state: MomentumState, xy: np.ndarray
    ) -> tuple[np.ndarray, MomentumState]:
        grad = _decay(grad, xy, self.weight_decay)
        buf = _momentum_buffer(grad, state, self.rho, self.dampening)
        return xy - self.lr * buf, MomentumState(step=state.step + 1, momentum_buffer=buf)

    def update_vectors(
        self, t: int, xy: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """Heavy ball: velocity ``-lr rho b[t]`` plus gradient ``-lr (1-d) g[t]`` is the step.

        (``b[t]`` is the buffer after t updates: the lecture's ``b[t-1]``, the buffer before update t.)
        """
        batched = xy.ndim == 3
        lr, rho, damp, wd = (
            self._per_run(k, batched) for k in ("lr", "rho", "dampening", "weight_decay")
        )
        point, nxt = xy[..., t, :], xy[..., t + 1, :]
        g = grad[..., t, :] + wd * point
        if t > 0:
            g = (1 - damp) * g
        velocity = -lr * rho * state["momentum_buffer"][..., t, :]
        return {"point": point, "velocity": velocity, "gradient": -lr * g, "step": nxt - point}

    def vectors_from(self, point: Any, velocity: Any, grad: Any) -> dict[str, np.ndarray]:
        """The heavy-ball update from the state ``(point, velocity)``, with the gradient function ``grad`` (a
        surface's ``grad``): the lecture's ``v`` scaled by rho, ``velocity = rho (x_t - x_{t-1}) = -lr rho b``
        (the arrow the diagrams draw). The gradient is taken at the point, ``gradient = -lr (1 - d) (grad(x) +
        wd x)``, and ``step = velocity + gradient``: the rule's own step from any update but the first (where
        torch applies no dampening ``d``).

        >>> import numpy as np
        >>> Momentum(lr=0.1).vectors_from([1.0, 0.0], [0.5, 0.0], lambda p: 2 * np.asarray(p))["step"].tolist()
        [0.3, 0.0]
        """
        x = np.asarray(point, dtype=float)
        v = np.asarray(velocity, dtype=float)
        g = _decay(np.asarray(grad(x), dtype=float), x, self.weight_decay)
        gradient = -float(self.lr) * (1 - float(self.dampening)) * g
        return {"point": x, "velocity": v, "gradient": gradient, "step": v + gradient}


class NesterovState(NamedTuple):
    """``momentum_buffer`` is torch's ``b``; ``position`` the actual point ``x = p + lr rho b``."""

    step: int
    momentum_buffer: np.ndarray
    position: np.ndarray


@rule_dataclass
class Nesterov(Optimizer):
    r"""Nesterov momentum, torch.optim.SGD with ``momentum=rho, nesterov=True``.

    torch's stored iterate ``p`` is the look-ahead point; the "actual" point of the lecture's
    picture is ``x = p + eta rho b`` (recorded as the state field ``position``).

    .. math::  g \leftarrow g + \lambda p, \qquad
               b \leftarrow \begin{cases} g & \text{first step} \\ \rho\, b + g &
               \text{afterwards}\end{cases}, \qquad p \leftarrow p - \eta\,(g + \rho\, b), \qquad x
               = p + \eta \rho\, b

    >>> import numpy as np
    >>> rule = Nesterov(lr=0.1, rho=0.5)
    >>> s = rule.init(np.zeros(2))
    >>> p, s = rule.update(np.array([1.0, 2.0]), s, np.zeros(2))
    >>> p.tolist(), s.position.tolist()
    ([-0.15, -0.3], [-0.1, -0.2])
    """

    lr: Hyper
    rho: Hyper = 0.9
    weight_decay: Hyper = 0.0

    name: ClassVar[str] = "nesterov"
    label: ClassVar[str] = "Nesterov"
    family: ClassVar[str] = "momentum"
    _legend_keys: ClassVar[tuple[str, ...]] = ("lr", "rho")

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(self, "rho", hyperparameter("rho", self.rho, _unit))
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )

    def history_fields(self) -> tuple[str, ...]:
        return ("momentum_buffer", "position")

    def init(self, xy: np.ndarray) -> NesterovState:
        xy = np.asarray(xy, dtype=float)
        return NesterovState(step=0, momentum_buffer=np.zeros_like(xy), position=xy.copy())

    def update(
        self, grad: np.ndarray, state: NesterovState, xy: np.ndarray
    ) -> tuple[np.ndarray, NesterovState]:
        grad = _decay(grad, xy, self.weight_decay)
        buf = _momentum_buffer(grad, state, self.rho, 0.0)  # torch: nesterov needs dampening 0
        new = xy - self.lr * (grad + self.rho * buf)
        position = new + self.lr * self.rho * buf
        return new, NesterovState(step=state.step + 1, momentum_buffer=buf, position=position)

    def path(self, xy: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """The actual points ``x`` (state ``position``), the lecture's iterates: what every figure draws for
        Nesterov, so that a diagram's actual step ends on the drawn path. (``xy`` is torch's stored iterate,
        the look-ahead point.)

        A run that kept no state history (``optviz.stacked.Stacked``'s, the explorer's) gets them from its
        iterates alone: ``x[t] - x[t-1] = -lr b[t]`` and ``x[t] = p[t] + lr rho b[t]`` give
        ``x[t] = (p[t] + rho x[t-1]) / (1 + rho)`` from ``x[0] = p[0]``, whatever the gradients and their
        noise were (equal to the recorded ``position`` up to rounding; lr and rho constant, as they are for a
        rule that is not scheduled)."""
        if "position" in state:
            return state["position"]
        rho = self._per_run("rho", xy.ndim == 3)
        if xy.ndim == 2 and not isinstance(rho, np.ndarray):
            # One run (the explorer's, on every move): the same operations on Python floats, without numpy's
            # overhead per step; a diverged run's infinities stay where they are here too.
            rho, lo = float(rho), 1 + float(rho)
            points = np.asarray(xy, dtype=float).tolist()
            x, y = points[0]
            rows = [(x, y)]
            for px, py in points[1:]:
                x, y = (px + rho * x) / lo, (py + rho * y) / lo
                rows.append((x, y))
            return np.array(rows, dtype=float).reshape(np.shape(xy))
        out = np.array(xy, dtype=float, copy=True)
        with np.errstate(all="ignore"):  # a diverged run's infinities stay where they are
            for t in range(1, out.shape[-2]):
                out[..., t, :] = (xy[..., t, :] + rho * out[..., t - 1, :]) / (1 + rho)
        return out

    def update_vectors(
        self, t: int, xy: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """Look-ahead picture: from the actual point ``x[t]`` the velocity ``-lr rho b[t]`` leads to
        the look-ahead ``p[t]``; the gradient ``-lr g(p[t])`` starts there; the step is
        ``x[t+1] - x[t]``."""
        batched = xy.ndim == 3
        lr, rho, wd = (self._per_run(k, batched) for k in ("lr", "rho", "weight_decay"))
        position = state["position"]
        point, nxt = position[..., t, :], position[..., t + 1, :]
        lookahead = xy[..., t, :]
        g = grad[..., t, :] + wd * lookahead
        velocity = -lr * rho * state["momentum_buffer"][..., t, :]
        return {
            "point": point,
            "lookahead": lookahead,
            "velocity": velocity,
            "gradient": -lr * g,
            "step": nxt - point,
        }

    def vectors_from(self, point: Any, velocity: Any, grad: Any) -> dict[str, np.ndarray]:
        """The Nesterov update from the state ``(point, velocity)``: the velocity leads to the look-ahead point
        ``point + velocity``, the gradient is taken there, ``gradient = -lr (grad(lookahead) + wd lookahead)``,
        and ``step = velocity + gradient``. With :meth:`Momentum.vectors_from` on the same state, the lecture's
        comparison.

        >>> import numpy as np
        >>> v = Nesterov(lr=0.1).vectors_from([1.0, 0.0], [0.5, 0.0], lambda p: 2 * np.asarray(p))
        >>> v["lookahead"].tolist(), v["step"].tolist()
        ([1.5, 0.0], [0.2, 0.0])
        """
        x = np.asarray(point, dtype=float)
        v = np.asarray(velocity, dtype=float)
        look = x + v
        g = _decay(np.asarray(grad(look), dtype=float), look, self.weight_decay)
        gradient = -float(self.lr) * g
        return {
            "point": x,
            "lookahead": look,
            "velocity": v,
            "gradient": gradient,
            "step": v + gradient,
        }


# -- adaptive methods ------------------------------------------------------------------------------
class AdamState(NamedTuple):
    """torch's Adam state: ``exp_avg`` (m), ``exp_avg_sq`` (v), with amsgrad ``max_exp_avg_sq``."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None


@rule_dataclass
class Adam(Optimizer):
    r"""Adam, torch.optim.Adam (L2 ``weight_decay`` folded into the gradient, as torch; not AdamW).

    At step :math:`t = 1, 2, \dots`, with :math:`\beta_1, \beta_2` = ``betas``:

    .. math::  g \leftarrow g + \lambda p, \qquad m \leftarrow \mathrm{lerp}(m, g, 1-\beta_1),
               \qquad
               v \leftarrow \beta_2 v + ((1-\beta_2)\, g)\, g, \qquad \hat v = \max(\hat v, v) \
               (\text{amsgrad}), \\ \text{denom} = \sqrt{v\ \text{or}\ \hat v} \,/\,
               \sqrt{1-\beta_2^t} + \epsilon, \qquad p \leftarrow p +
               \bigl(-\tfrac{\eta}{1-\beta_1^t}\, m\bigr) / \text{denom}

    The first step moves every coordinate by about ``lr`` (``m/sqrt(v)`` is the gradient's sign):

    >>> import numpy as np
    >>> rule = Adam(lr=0.1)
    >>> p, s = rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.zeros(2))
    >>> p.round(9).tolist()
    [-0.1, 0.1]
    """

    lr: Hyper = 1e-3
    betas: tuple[Hyper, Hyper] = (0.9, 0.999)
    eps: Hyper = 1e-8
    weight_decay: Hyper = 0.0
    amsgrad: bool = False

    name: ClassVar[str] = "adam"
    label: ClassVar[str] = "Adam"
    family: ClassVar[str] = "adaptive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        betas = self.betas
        if isinstance(betas, np.ndarray):
            betas = tuple(betas)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ParameterError("betas", f"must be a pair (beta1, beta2), got {betas!r}")
        object.__setattr__(
            self,
            "betas",
            (
                hyperparameter("betas[0]", betas[0], _unit),
                hyperparameter("betas[1]", betas[1], _unit),
            ),
        )
        object.__setattr__(self, "eps", hyperparameter("eps", self.eps, check.nonnegative))
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )
        object.__setattr__(self, "amsgrad", _flag("amsgrad", self.amsgrad))

    def history_fields(self) -> tuple[str, ...]:
        return (
            ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
            if self.amsgrad
            else ("exp_avg", "exp_avg_sq")
        )

    def init(self, xy: np.ndarray) -> AdamState:
        zeros = np.zeros_like(xy, dtype=float)
        return AdamState(0, zeros, zeros, zeros if self.amsgrad else None)

    def update(
        self, grad: np.ndarray, state: AdamState, xy: np.ndarray
    ) -> tuple[np.ndarray, AdamState]:
        step = state.step + 1
        beta1, beta2 = self.betas
        grad = _decay(grad, xy, self.weight_decay)
        exp_avg = _lerp(state.exp_avg, grad, 1 - beta1)
        exp_avg_sq = state.exp_avg_sq * beta2 + ((1 - beta2) * grad) * grad
        # torch evaluates these in Python floats: 1 - beta ** t (t a float), then ** 0.5.
        t = float(step)
        bias_correction1 = _per_value(_bias_correction, beta1, t)
        step_size = self.lr / bias_correction1
        bias_correction2_sqrt = _per_value(_bias_correction_sqrt, beta2, t)
        max_sq = state.max_exp_avg_sq
        if self.amsgrad:
            max_sq = np.maximum(max_sq, exp_avg_sq)
            denom = np.sqrt(max_sq) / bias_correction2_sqrt + self.eps
        else:
            denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + self.eps
        new = xy + (-step_size * exp_avg) / denom
        return new, AdamState(step, exp_avg, exp_avg_sq, max_sq)


@rule_dataclass
class AdamW(Adam):
    r"""AdamW, torch.optim.AdamW: Adam with decoupled weight decay (weight_decay default 1e-2).

    In torch's order: first the parameter decays, then Adam's update runs on the gradient as it is (no
    L2 term folded into it):

    .. math::  p \leftarrow p\,(1 - \eta\lambda), \qquad \text{then Adam's step of } p \text{ with } g

    >>> import numpy as np
    >>> rule = AdamW(lr=0.1, weight_decay=0.5)
    >>> p, s = rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.array([1.0, 1.0]))
    >>> p.round(9).tolist()
    [0.85, 1.05]
    """

    weight_decay: Hyper = 1e-2

    name: ClassVar[str] = "adamw"
    label: ClassVar[str] = "AdamW"

    def update(
        self, grad: np.ndarray, state: AdamState, xy: np.ndarray
    ) -> tuple[np.ndarray, AdamState]:
        if isinstance(self.weight_decay, np.ndarray) or self.weight_decay != 0:
            xy = xy * (1 - self.lr * self.weight_decay)
        adam = copy.copy(self)
        object.__setattr__(adam, "weight_decay", 0.0)  # decoupled: nothing folded into the gradient
        return Adam.update(adam, grad, state, xy)


class RMSPropState(NamedTuple):
    """torch's RMSprop state: ``square_avg``; ``momentum_buffer`` and ``grad_avg`` if enabled."""

    step: int
    square_avg: np.ndarray
    momentum_buffer: np.ndarray | None
    grad_avg: np.ndarray | None


@rule_dataclass
class RMSProp(Optimizer):
    r"""RMSProp, torch.optim.RMSprop.

    .. math::  g \leftarrow g + \lambda p, \qquad s \leftarrow \alpha s + ((1-\alpha)\, g)\, g, \\
               \text{centered: } \bar g \leftarrow \mathrm{lerp}(\bar g, g, 1-\alpha),\
               a = \sqrt{s - \bar g^2} + \epsilon; \quad \text{else } a = \sqrt{s} + \epsilon, \\
               \text{momentum } \mu > 0:\ b \leftarrow \mu b + g / a,\ p \leftarrow p - \eta\, b;
               \quad \text{else } p \leftarrow p + (-\eta\, g) / a

    >>> import numpy as np
    >>> rule = RMSProp(lr=0.01)
    >>> p, s = rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.zeros(2))
    >>> p.round(9).tolist(), s.square_avg.tolist()
    ([-0.1, 0.1], [0.09000000000000008, 0.0025000000000000022])
    """

    lr: Hyper = 1e-2
    alpha: Hyper = 0.99
    eps: Hyper = 1e-8
    weight_decay: Hyper = 0.0
    momentum: Hyper = 0.0
    centered: bool = False

    name: ClassVar[str] = "rmsprop"
    label: ClassVar[str] = "RMSProp"
    family: ClassVar[str] = "adaptive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(self, "alpha", hyperparameter("alpha", self.alpha, _unit))
        object.__setattr__(self, "eps", hyperparameter("eps", self.eps, check.nonnegative))
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )
        object.__setattr__(self, "momentum", hyperparameter("momentum", self.momentum, _unit))
        object.__setattr__(self, "centered", _flag("centered", self.centered))

    def _has_momentum(self) -> bool:
        return isinstance(self.momentum, np.ndarray) or self.momentum > 0

    def history_fields(self) -> tuple[str, ...]:
        fields = ["square_avg"]
        if self._has_momentum():
            fields.append("momentum_buffer")
        if self.centered:
            fields.append("grad_avg")
        return tuple(fields)

    def init(self, xy: np.ndarray) -> RMSPropState:
        zeros = np.zeros_like(xy, dtype=float)
        return RMSPropState(
            0, zeros, zeros if self._has_momentum() else None, zeros if self.centered else None
        )

    def update(
        self, grad: np.ndarray, state: RMSPropState, xy: np.ndarray
    ) -> tuple[np.ndarray, RMSPropState]:
        alpha = self.alpha
        grad = _decay(grad, xy, self.weight_decay)
        square_avg = state.square_avg * alpha + ((1 - alpha) * grad) * grad
        grad_avg = state.grad_avg
        if self.centered:
            grad_avg = _lerp(grad_avg, grad, 1 - alpha)  # type: ignore[arg-type]
            avg = np.sqrt(square_avg + (-1.0 * grad_avg) * grad_avg) + self.eps
        else:
            avg = np.sqrt(square_avg) + self.eps
        buf = state.momentum_buffer
        mom = self.momentum
        if isinstance(mom, np.ndarray):
            # Per-run momentum: each run follows torch's branch for its own value.
            with_buf = buf * mom + (1.0 * grad) / avg  # type: ignore[operator]
            new = np.where(mom > 0, xy - self.lr * with_buf, xy + (-self.lr * grad) / avg)
            buf = np.where(mom > 0, with_buf, 0.0)
        elif mom > 0:
            buf = buf * mom + (1.0 * grad) / avg  # type: ignore[operator]
            new = xy - self.lr * buf
        else:
            new = xy + (-self.lr * grad) / avg
        return new, RMSPropState(state.step + 1, square_avg, buf, grad_avg)


class AdaGradState(NamedTuple):
    """torch's Adagrad state: ``sum``, the running sum of squared gradients."""

    step: int
    sum: np.ndarray


@rule_dataclass
class AdaGrad(Optimizer):
    r"""AdaGrad, torch.optim.Adagrad (dense gradients).

    .. math::  g \leftarrow g + \lambda p, \qquad \eta_t = \eta / (1 + (t-1)\,\text{lr\_decay}),
               \qquad
               S \leftarrow S + (1 \cdot g)\, g, \qquad p \leftarrow p + (-\eta_t\, g) / (\sqrt S +
               \epsilon)

    ``S`` starts at ``initial_accumulator_value``.

    >>> import numpy as np
    >>> rule = AdaGrad(lr=0.5)
    >>> p, s = rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.zeros(2))
    >>> p.round(9).tolist(), s.sum.tolist()
    ([-0.5, 0.5], [9.0, 0.25])
    """

    lr: Hyper = 1e-2
    eps: Hyper = 1e-10
    weight_decay: Hyper = 0.0
    lr_decay: Hyper = 0.0
    initial_accumulator_value: Hyper = 0.0

    name: ClassVar[str] = "adagrad"
    label: ClassVar[str] = "AdaGrad"
    family: ClassVar[str] = "adaptive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(self, "eps", hyperparameter("eps", self.eps, check.nonnegative))
        object.__setattr__(
            self,
            "weight_decay",
            hyperparameter("weight_decay", self.weight_decay, check.nonnegative),
        )
        object.__setattr__(
            self, "lr_decay", hyperparameter("lr_decay", self.lr_decay, check.nonnegative)
        )
        object.__setattr__(
            self,
            "initial_accumulator_value",
            hyperparameter(
                "initial_accumulator_value", self.initial_accumulator_value, check.nonnegative
            ),
        )

    def history_fields(self) -> tuple[str, ...]:
        return ("sum",)

    def init(self, xy: np.ndarray) -> AdaGradState:
        xy = np.asarray(xy, dtype=float)
        return AdaGradState(0, np.zeros_like(xy) + self.initial_accumulator_value)

    def update(
        self, grad: np.ndarray, state: AdaGradState, xy: np.ndarray
    ) -> tuple[np.ndarray, AdaGradState]:
        step = state.step + 1
        grad = _decay(grad, xy, self.weight_decay)
        clr = self.lr / (1 + (float(step) - 1) * self.lr_decay)
        total = state.sum + (1.0 * grad) * grad
        std = np.sqrt(total) + self.eps
        return xy + (-clr * grad) / std, AdaGradState(step, total)


# -- zeroth order ----------------------------------------------------------------------------------
class RandomSearchState(NamedTuple):
    """``origin`` (the start), the best loss, the latest ``sample`` and its ``sample_loss``."""

    step: int
    origin: np.ndarray
    best_loss: np.ndarray
    sample: np.ndarray
    sample_loss: np.ndarray


@rule_dataclass
class RandomSearch(Optimizer):
    r"""Random search, the lecture's "bad idea" baseline: try random points, keep the best one.

    Each step draws a standard normal ``z`` (from the run's seed) and tries ``c + scale * z`` with
    ``c`` the start (``local=False``, the lecture's version) or the current best point
    (``local=True``, random local search). The iterate is the best point found so far. It uses no
    gradient, so it takes no gradient noise::

        sample = c + scale * z;   if f(sample) < f(p): p = sample

    The samples and their losses are recorded (state fields ``sample`` and ``sample_loss``; the
    start counts as sample 0).

    >>> import numpy as np
    >>> rule = RandomSearch(scale=1.0)
    >>> state = rule.init(np.zeros(2), np.array(5.0))
    >>> sample = rule.propose(state, np.zeros(2), np.array([0.5, -1.0]))
    >>> rule.accept(sample, np.array(2.0), state, np.zeros(2))[0].tolist()
    [0.5, -1.0]
    """

    scale: Hyper = 1.0
    local: bool = False

    name: ClassVar[str] = "random_search"
    label: ClassVar[str] = "Random search"
    family: ClassVar[str] = "search"
    uses_gradient: ClassVar[bool] = False
    random: ClassVar[bool] = True
    _legend_keys: ClassVar[tuple[str, ...]] = ("scale",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", hyperparameter("scale", self.scale, check.positive))
        object.__setattr__(self, "local", _flag("local", self.local))

    def history_fields(self) -> tuple[str, ...]:
        return ("sample", "sample_loss")

    def init(self, xy: np.ndarray, loss: np.ndarray | None = None) -> RandomSearchState:  # type: ignore[override]
        xy = np.array(xy, dtype=float)
        if loss is None:
            raise TypeError("RandomSearch.init needs the loss at the start: init(xy, loss)")
        loss = np.array(loss, dtype=float)
        return RandomSearchState(0, xy.copy(), loss, xy.copy(), loss.copy())

    def propose(self, state: RandomSearchState, xy: np.ndarray, z: np.ndarray) -> np.ndarray:
        """The next point to try, from a standard normal draw ``z`` shaped like ``xy``."""
        centre = xy if self.local else state.origin
        return centre + self.scale * z

    def accept(
        self, sample: np.ndarray, sample_loss: np.ndarray, state: RandomSearchState, xy: np.ndarray
    ) -> tuple[np.ndarray, RandomSearchState]:
        """Keep the sample where it improves on the best loss (NaN losses never do)."""
        better = sample_loss < state.best_loss
        new = np.where(better[..., None], sample, xy)
        best = np.where(better, sample_loss, state.best_loss)
        return new, RandomSearchState(state.step + 1, state.origin, best, sample, sample_loss)

    def start(self, xy: np.ndarray, loss: np.ndarray) -> RandomSearchState:
        return self.init(xy, loss)

    def step(
        self, grad: np.ndarray, state: Any, xy: np.ndarray, value: Any, z: np.ndarray | None
    ) -> tuple[np.ndarray, Any]:
        """Propose a sample from ``z``, evaluate it with ``value``, keep it if it is better."""
        sample = self.propose(state, xy, z)  # type: ignore[arg-type]
        return self.accept(sample, value(sample), state, xy)

    def update(self, grad: np.ndarray, state: Any, xy: np.ndarray) -> tuple[np.ndarray, Any]:
        raise TypeError(
            "RandomSearch uses no gradient: call step(), or propose() and accept() (optviz.run does)"
        )

    def update_vectors(
        self, t: int, xy: np.ndarray, grad: np.ndarray, state: dict[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """The point, the sample tried at step t+1, and the step (zero unless it was kept)."""
        point, nxt = xy[..., t, :], xy[..., t + 1, :]
        return {"point": point, "sample": state["sample"][..., t + 1, :], "step": nxt - point}


# -- a rule known by its record only -----------------------------------------------------------------
@rule_dataclass
class RecordedRule(Optimizer):
    """A rule read back from a saved trajectory whose rule is not registered by name (an adapter of
    ``optviz.interop``): its name, label and hyperparameters, for legends and records. It cannot step.

    >>> r = RecordedRule(recorded="torch.Adam", title="Adam (torch)", values={"lr": 0.1})
    >>> r.name, r.legend
    ('torch.Adam', 'Adam (torch) (lr=0.1)')
    """

    recorded: str = ""
    title: str = ""
    values: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.recorded)
        object.__setattr__(self, "label", self.title or self.recorded)

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.values)

    @property
    def hyperparams(self) -> dict[str, Any]:
        return dict(self.values)

    def update(self, grad: np.ndarray, state: Any, xy: np.ndarray) -> tuple[np.ndarray, Any]:
        raise TypeError(f"{self.recorded!r} is a recorded rule: it cannot run again")


# -- by name, for scenario files -------------------------------------------------------------------
_RULES: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GD, Momentum, Nesterov, Adam, AdamW, RMSProp, AdaGrad, RandomSearch)
}


def _registry() -> dict[str, type[Optimizer]]:
    """Every rule by name, in the gallery's order. Newton and L-BFGS live in modules of their own (which
    import this one), so they join on first use."""
    if "newton" not in _RULES:
        from optviz.lbfgs import LBFGS
        from optviz.newton import Newton

        search = _RULES.pop("random_search")
        _RULES.update(newton=Newton, lbfgs=LBFGS, random_search=search)
    return _RULES


def rule_names() -> list[str]:
    """Every update rule's name, in the gallery's order.

    >>> rule_names()
    ['gd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop', 'adagrad', 'newton', 'lbfgs', 'random_search']
    """
    return list(_registry())


def rule_class(name: str) -> type[Optimizer]:
    """The rule class registered under ``name`` (a ParameterError with a close match if unknown)."""
    rules = _registry()
    if name not in rules:
        raise ParameterError("rule", check.unknown_name_message(str(name), rules, what="rule"))
    return rules[name]


def rule_parameters(name: str) -> dict[str, Any]:
    """A rule's hyperparameters and their defaults, in constructor order (``inspect.Parameter.empty``: required).

    >>> rule_parameters("momentum")["rho"]
    0.9
    """
    return check.parameters(rule_class(name))


def rule_description(name: str) -> str:
    """The first line of a rule's docstring, for ``optviz list``.

    >>> rule_description("nesterov")
    'Nesterov momentum, torch.optim.SGD with momentum=rho, nesterov=True.'
    """
    doc = (rule_class(name).__doc__ or name).strip().splitlines()[0]
    return doc.replace("``", "")


def rule(name: str, **hyperparams: Any) -> Optimizer:
    """A rule by name, with its hyperparameters by constructor name (for the scenario loader).

    >>> rule("momentum", lr=0.02)
    Momentum(lr=0.02, rho=0.9)
    >>> rule("adam", lr=0.1, betas=[0.8, 0.99]).betas
    (0.8, 0.99)
    >>> rule("momentun", lr=0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: rule: unknown rule 'momentun'; did you mean 'momentum'? ...
    >>> rule("momentum", lr=0.1, rh=0.9)
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: rh: unknown momentum parameter 'rh'; did you mean 'rho'?
    (valid: dampening, lr, rho, weight_decay)
    """
    return check.build(rule_class(name), name, "rule", hyperparams)


__all__: Sequence[str] = [
    "GD",
    "AdaGrad",
    "AdaGradState",
    "Adam",
    "AdamState",
    "AdamW",
    "GDState",
    "Momentum",
    "MomentumState",
    "Nesterov",
    "NesterovState",
    "Optimizer",
    "RMSProp",
    "RMSPropState",
    "RandomSearch",
    "RandomSearchState",
    "RecordedRule",
    "hyperparameter",
    "rule",
    "rule_class",
    "rule_dataclass",
    "rule_names",
]
