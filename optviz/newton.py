r"""Newton's method with the exact Hessian: ``ov.Newton(lr=1.0, damping=0.0)``.

.. math::  p \leftarrow p - \eta\, (H(p) + \delta I)^{-1} g

It steps wherever :math:`H + \delta I` is invertible, indefinite included: there the step heads for the
critical point of the local quadratic model, a saddle or a maximum as readily as a minimum, which is why
Newton is drawn to saddles. The state records, at every iterate, the surface's ``hessian``, the
``eigenvalues`` of :math:`H + \delta I` (ascending), whether it is ``indefinite`` (eigenvalues of both
signs; ``t.indefinite``) and whether it is ``singular``. A singular matrix ends the run with status
``"singular"``; ``stop_step`` is the iterate it could not step from.

*Singular* means numerically singular, as ``numpy.linalg.matrix_rank`` judges a 2 x 2 matrix: the smaller
eigenvalue magnitude is at most ``2 * eps`` times the larger (or the matrix is zero). A matrix that is
singular in exact arithmetic is then never stepped with through a determinant that rounding left at 1e-17.

The 2 x 2 algebra is written out (no ``numpy.linalg``, no BLAS: their kernels round differently by CPU).
The Hessian is symmetrized, :math:`b = (H_{01} + H_{10})/2`; the step solves by the adjugate,
:math:`(H + \delta I)^{-1} g = (c' g_0 - b g_1,\ a' g_1 - b g_0) / (a' c' - b^2)` with :math:`a' = H_{00} +
\delta`, :math:`c' = H_{11} + \delta`. The eigenvalues are :math:`m \pm r` with :math:`m = (a' + c')/2`,
:math:`r = \sqrt{((a' - c')/2)^2 + b^2}`, the smaller one in magnitude taken as :math:`\det / \lambda_{big}`
(no cancellation).

On a quadratic, one step with ``lr=1`` lands on the minimum (up to rounding); on a saddle it lands on the
saddle; where the Hessian is singular it cannot step:

>>> import numpy as np, optviz as ov
>>> t = ov.run(ov.surface("quadratic", kappa=100, angle=30), ov.Newton(), steps=1)
>>> bool(np.abs(t.xy[1]).max() < 1e-14)
True
>>> t = ov.run(ov.surface("saddle"), ov.Newton(), start=(1.0, 0.5), steps=1)
>>> t.xy[-1].tolist(), t.indefinite.tolist(), t.state["eigenvalues"][0].tolist()
([0.0, 0.0], [True, True], [-2.0, 2.0])
>>> t = ov.run(ov.surface_from_expression("x**2"), ov.Newton(), start=(1.0, 0.5), steps=5)
>>> t.status, t.stop_step
('singular', 0)
>>> ov.run(ov.surface_from_expression("x**2"), ov.Newton(damping=1.0), start=(1.0, 0.5), steps=2).xy[-1]
array([0.11111111, 0.5       ])
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, NamedTuple

import numpy as np

from optviz import _validate as check
from optviz._linalg2 import solve_2x2
from optviz._validate import ParameterError
from optviz.optimizers import Hyper, Optimizer, hyperparameter, rule_dataclass

_EPS = float(np.finfo(float).eps)


class NewtonState(NamedTuple):
    """At the current iterate: the surface's ``hessian`` (..., 2, 2), the ``eigenvalues`` (..., 2) of
    ``H + damping I``, and whether that matrix is ``indefinite`` or ``singular`` (...)."""

    step: int
    hessian: np.ndarray
    eigenvalues: np.ndarray
    indefinite: np.ndarray
    singular: np.ndarray


@rule_dataclass
class Newton(Optimizer):
    r"""Newton's method with the exact Hessian, x -= lr (H + damping I)^-1 g.

    ``lr`` scales the step (1 is the pure Newton step); ``damping`` adds a multiple of the identity
    (Levenberg's regularization), which makes the step shorter and turns it toward the gradient.
    """

    lr: Hyper = 1.0
    damping: Hyper = 0.0

    name: ClassVar[str] = "newton"
    label: ClassVar[str] = "Newton"
    uses_surface: ClassVar[bool] = True
    stop_statuses: ClassVar[tuple[str, ...]] = ("singular",)
    # legends show the lr only where it is not the full step (1)
    _legend_keys: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", hyperparameter("lr", self.lr, check.positive))
        object.__setattr__(
            self, "damping", hyperparameter("damping", self.damping, check.nonnegative)
        )

    def bind(self, surface: Any) -> Newton:
        new = copy.copy(self)
        object.__setattr__(new, "_surface", surface)
        return new

    def _hessian(self, xy: np.ndarray) -> np.ndarray:
        surface = self.__dict__.get("_surface")
        if surface is None:
            raise ParameterError(
                "surface",
                "Newton evaluates the Hessian: bind it to a surface first (optviz.run does)",
            )
        return np.asarray(surface.hessian(xy), dtype=float)

    def history_fields(self) -> tuple[str, ...]:
        return ("hessian", "eigenvalues", "indefinite", "singular")

    def _at(self, step: int, xy: np.ndarray) -> NewtonState:
        """The state at ``xy``: the Hessian there and what H + damping I is like."""
        h = self._hessian(xy)
        a, b, c = _damped(h, self.damping)
        with np.errstate(
            all="ignore"
        ):  # a diverging run's Hessian may overflow: the engine stops it
            det = a * c - b * b
            mean = (a + c) / 2
            half = (a - c) / 2
            radius = np.sqrt(half * half + b * b)
            big = np.where(
                mean >= 0, mean + radius, mean - radius
            )  # the larger eigenvalue magnitude
            small = np.where(big != 0, det / big, 0.0)
            eigenvalues = np.stack([np.minimum(small, big), np.maximum(small, big)], axis=-1)
            finite = np.isfinite(det) & np.isfinite(big)
            singular = finite & ~(np.abs(det) > 2 * _EPS * big * big)
        indefinite = finite & ~singular & (det < 0)
        return NewtonState(step, h, eigenvalues, indefinite, singular)

    def init(self, xy: np.ndarray) -> NewtonState:
        return self._at(0, np.asarray(xy, dtype=float))

    def update(
        self, grad: np.ndarray, state: NewtonState, xy: np.ndarray
    ) -> tuple[np.ndarray, NewtonState]:
        a, b, c = _damped(state.hessian, self.damping)
        with np.errstate(all="ignore"):
            direction = np.stack(solve_2x2(a, b, b, c, grad[..., 0], grad[..., 1]), axis=-1)
        new = xy - self.lr * direction
        # Where the matrix is singular there is no step: a non-finite point ends the run, and the state
        # at this iterate (singular=True) gives it its status.
        new = np.where(state.singular[..., None], np.nan, new)
        return new, self._at(state.step + 1, new)


def _damped(h: np.ndarray, damping: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``H + damping I`` as its three distinct entries, symmetrized: a, b, c of [[a, b], [b, c]]."""
    if isinstance(damping, np.ndarray):
        damping = damping.reshape(-1)
    b = (h[..., 0, 1] + h[..., 1, 0]) / 2
    if isinstance(damping, np.ndarray) or damping != 0:
        return h[..., 0, 0] + damping, b, h[..., 1, 1] + damping
    return h[..., 0, 0], b, h[..., 1, 1]


__all__ = ["Newton", "NewtonState"]
