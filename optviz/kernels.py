r"""The coordinate-wise update rules as kernels on Python floats, for the engine's loop over a few runs.

A step of a rule on a one-row numpy array costs a dozen ufunc calls on two numbers, and numpy's fixed cost per
call (about a microsecond) is what such a step costs: a single run of Adam spent 40 us a step in its update.
These kernels are the same updates written on Python floats, with everything that does not change from step to
step (``1 - beta``, torch.lerp's branch, ``1 - lr * weight_decay``) computed once per run: a step costs a
couple of microseconds. The engine steps runs this way when there are few of them (``Optimizer.kernels``;
``optviz.engine``), as torch.optim keeps its for-loop and foreach kernels side by side.

They give the bits of the numpy ``update`` (held equal, bit for bit, by ``tests/test_kernels.py``): each
operation is the same IEEE operation in the same order, and IEEE arithmetic (``+ - * /`` and ``sqrt``) rounds
a Python float as numpy rounds each element of an array. What Python does differently is spelled out here:
``math.sqrt`` raises below zero and ``/`` raises on a zero divisor where numpy returns NaN or an infinity, and
Python's ``max`` ignores a NaN that ``np.maximum`` propagates. The bias corrections stay Python's ``pow``, as in
the rules (and in torch), since numpy's ``power`` rounds differently.

A kernel keeps a run's state as a flat list: the number of updates taken, then each of the rule's recorded
state fields (``history_fields()``) as two floats, x then y. Only the rules listed here (by exact type: a
subclass may change the update) have a kernel; any other rule steps through its numpy ``step``.

>>> import numpy as np, optviz as ov
>>> k = kernel(ov.Adam(lr=0.1))
>>> s = k.start(np.zeros(2), 0.0)
>>> k.step(s, 3.0, -0.5, 0.0, 0.0), s[:3]
((-0.09999999966666667, 0.09999999800000003), [1, 0.29999999999999993, -0.04999999999999999])
>>> rule = ov.Adam(lr=0.1)
>>> rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.zeros(2))[0].tolist()
[-0.09999999966666667, 0.09999999800000003]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz.optimizers import GD, AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RMSProp

# Up to this many runs a call steps on floats (Optimizer.kernels): a kernel's step costs about what one numpy
# ufunc call on the whole batch costs, and an update makes a dozen of them (benchmarks/kernels.py).
FLOAT_RUNS = 4  # a threshold of speed, not a cap (optviz.limits holds the caps)

# A step: (state, gx, gy, px, py) -> (new px, new py), the state list updated in place.
Step = Callable[[list[Any], float, float, float, float], tuple[float, float]]


def _sqrt(v: float) -> float:
    """numpy's sqrt on a float: NaN below zero (``math.sqrt`` raises); both round correctly."""
    return math.sqrt(v) if v >= 0 else math.nan


def _div(a: float, b: float) -> float:
    """numpy's division on floats: a zero divisor gives an infinity or NaN (Python's ``/`` raises)."""
    try:
        return a / b
    except ZeroDivisionError:
        with np.errstate(all="ignore"):  # a result, as in the engine's loops (a run that diverged)
            return float(np.float64(a) / np.float64(b))


def _maximum(a: float, b: float) -> float:
    """``np.maximum`` on floats: NaN if either is NaN (Python's ``max`` may drop it)."""
    return a if (a >= b or a != a) else b


@dataclass(frozen=True)
class Kernel:
    """One run's update on floats: ``step(state, gx, gy, px, py) -> (px, py)`` with the state list of
    :meth:`start` updated in place; ``fields`` the rule's recorded state fields, two floats each after the
    step count."""

    rule: Optimizer
    fields: tuple[str, ...]
    step: Step

    def start(self, xy: Any, loss: Any) -> list[Any]:
        """The state before the first step, from the rule's own ``start`` at one point."""
        state = self.rule.start(np.asarray(xy, dtype=float).reshape(1, 2), np.reshape(loss, 1))
        flat: list[Any] = [int(state.step)]
        for name in self.fields:
            flat.extend(float(v) for v in np.asarray(getattr(state, name)).reshape(2))
        return flat


def _lerp_weights(weight: float) -> tuple[bool, float, float]:
    """torch.lerp's branch and constants for a fixed weight (``optimizers._lerp``)."""
    return abs(weight) < 0.5, weight, 1 - weight


def _gd(r: GD) -> Step:
    lr, wd = float(r.lr), float(r.weight_decay)

    def step(s: list[Any], gx: float, gy: float, px: float, py: float) -> tuple[float, float]:
        s[0] += 1
        if wd != 0:
            gx, gy = gx + wd * px, gy + wd * py
        return px - lr * gx, py - lr * gy

    return step


def _momentum(r: Momentum | Nesterov, nesterov: bool) -> Step:
    lr, rho, wd = float(r.lr), float(r.rho), float(r.weight_decay)
    damp = 0.0 if nesterov else float(r.dampening)  # type: ignore[union-attr]
    keep = 1 - damp
    lr_rho = lr * rho

    def step(s: list[Any], gx: float, gy: float, px: float, py: float) -> tuple[float, float]:
        if wd != 0:
            gx, gy = gx + wd * px, gy + wd * py
        if s[0] == 0:  # torch's buf = grad.clone()
            bx, by = gx, gy
        elif damp != 0:
            bx, by = s[1] * rho + keep * gx, s[2] * rho + keep * gy
        else:
            bx, by = s[1] * rho + gx, s[2] * rho + gy
        s[0] += 1
        s[1], s[2] = bx, by
        if not nesterov:
            return px - lr * bx, py - lr * by
        nx, ny = px - lr * (gx + rho * bx), py - lr * (gy + rho * by)
        s[3], s[4] = nx + lr_rho * bx, ny + lr_rho * by  # the actual point (state "position")
        return nx, ny

    return step


def _adam(r: Adam, decoupled: bool) -> Step:
    lr, eps, wd = float(r.lr), float(r.eps), float(r.weight_decay)
    beta1, beta2 = float(r.betas[0]), float(r.betas[1])
    small, w, one_minus_w = _lerp_weights(1 - beta1)
    new_weight = 1 - beta2
    shrink = 1 - lr * wd  # AdamW's decoupled decay
    amsgrad = r.amsgrad

    def step(s: list[Any], gx: float, gy: float, px: float, py: float) -> tuple[float, float]:
        if wd != 0:
            if decoupled:
                px, py = px * shrink, py * shrink
            else:
                gx, gy = gx + wd * px, gy + wd * py
        mx, my = s[1], s[2]
        if small:
            mx, my = mx + w * (gx - mx), my + w * (gy - my)
        else:
            mx, my = gx - (gx - mx) * one_minus_w, gy - (gy - my) * one_minus_w
        vx = s[3] * beta2 + (new_weight * gx) * gx
        vy = s[4] * beta2 + (new_weight * gy) * gy
        t = s[0] + 1
        s[0], s[1], s[2], s[3], s[4] = t, mx, my, vx, vy
        tf = float(t)
        step_size = lr / (1 - beta1**tf)
        correction2 = (1 - beta2**tf) ** 0.5
        if amsgrad:
            vx, vy = _maximum(s[5], vx), _maximum(s[6], vy)
            s[5], s[6] = vx, vy
        dx = _div(_sqrt(vx), correction2) + eps
        dy = _div(_sqrt(vy), correction2) + eps
        return px + _div(-step_size * mx, dx), py + _div(-step_size * my, dy)

    return step


def _rmsprop(r: RMSProp) -> Step:
    lr, alpha, eps = float(r.lr), float(r.alpha), float(r.eps)
    wd, mom, centered = float(r.weight_decay), float(r.momentum), r.centered
    new_weight = 1 - alpha
    small, w, one_minus_w = _lerp_weights(1 - alpha)
    # the state list: step, square_avg, then momentum_buffer and grad_avg if the rule keeps them
    at_buf = 3 if mom > 0 else None
    at_avg = (5 if mom > 0 else 3) if centered else None

    def step(s: list[Any], gx: float, gy: float, px: float, py: float) -> tuple[float, float]:
        if wd != 0:
            gx, gy = gx + wd * px, gy + wd * py
        sx = s[1] * alpha + (new_weight * gx) * gx
        sy = s[2] * alpha + (new_weight * gy) * gy
        s[0] += 1
        s[1], s[2] = sx, sy
        if at_avg is not None:
            ax, ay = s[at_avg], s[at_avg + 1]
            if small:
                ax, ay = ax + w * (gx - ax), ay + w * (gy - ay)
            else:
                ax, ay = gx - (gx - ax) * one_minus_w, gy - (gy - ay) * one_minus_w
            s[at_avg], s[at_avg + 1] = ax, ay
            avg_x = _sqrt(sx + (-1.0 * ax) * ax) + eps
            avg_y = _sqrt(sy + (-1.0 * ay) * ay) + eps
        else:
            avg_x, avg_y = _sqrt(sx) + eps, _sqrt(sy) + eps
        if at_buf is not None:
            bx = s[at_buf] * mom + _div(1.0 * gx, avg_x)
            by = s[at_buf + 1] * mom + _div(1.0 * gy, avg_y)
            s[at_buf], s[at_buf + 1] = bx, by
            return px - lr * bx, py - lr * by
        return px + _div(-lr * gx, avg_x), py + _div(-lr * gy, avg_y)

    return step


def _adagrad(r: AdaGrad) -> Step:
    lr, eps, wd, decay = float(r.lr), float(r.eps), float(r.weight_decay), float(r.lr_decay)

    def step(s: list[Any], gx: float, gy: float, px: float, py: float) -> tuple[float, float]:
        t = s[0] + 1
        if wd != 0:
            gx, gy = gx + wd * px, gy + wd * py
        clr = lr / (1 + (float(t) - 1) * decay)
        sx, sy = s[1] + (1.0 * gx) * gx, s[2] + (1.0 * gy) * gy
        s[0], s[1], s[2] = t, sx, sy
        return px + _div(-clr * gx, _sqrt(sx) + eps), py + _div(-clr * gy, _sqrt(sy) + eps)

    return step


_MAKERS: dict[type[Optimizer], Callable[[Any], Step]] = {
    GD: _gd,
    Momentum: lambda r: _momentum(r, nesterov=False),
    Nesterov: lambda r: _momentum(r, nesterov=True),
    Adam: lambda r: _adam(r, decoupled=False),
    AdamW: lambda r: _adam(r, decoupled=True),
    RMSProp: _rmsprop,
    AdaGrad: _adagrad,
}

#: The rule classes that have a kernel (by exact type).
KERNEL_RULES: frozenset[type[Optimizer]] = frozenset(_MAKERS)


def kernel(rule: Optimizer) -> Kernel | None:
    """The float kernel of ``rule`` (one value per hyperparameter), or None if its class has none."""
    make = _MAKERS.get(type(rule))
    if make is None or rule.n_values() is not None:
        return None
    return Kernel(rule, rule.history_fields(), make(rule))


__all__ = ["FLOAT_RUNS", "KERNEL_RULES", "Kernel", "kernel"]
