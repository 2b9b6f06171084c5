"""The lecture's problem surfaces: a local minimum beside a deeper one, and saddle points.

Each is a low-degree polynomial, so its derivatives are exact and its critical points are known in
closed form. The suggested starts are chosen to show the lecture's point ("zero gradient, gradient
descent gets stuck"; "SGD computes noisy gradients, may help to escape saddle points"), and the
learning rates that show it are given in each docstring; ``tests/test_surfaces.py`` runs them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.surfaces.base import Surface
from optviz.surfaces.registry import register_surface


@register_surface("local_minimum")
class LocalMinimum(Surface):
    r"""A shallow local minimum beside a deeper global one, with a saddle between them.

    ``f = x^4/4 - x^3/3 - x^2 + y^2``. Along y = 0 (the lecture's ball rolling on a curve) the
    profile is ``g(x) = x^4/4 - x^3/3 - x^2`` with ``g'(x) = x (x + 1) (x - 2)``: a dip of depth
    5/12 at x = -1, a hump at x = 0 and the global minimum -8/3 at x = 2. In the plane these are the
    local minimum (-1, 0), the saddle (0, 0) (Hessian diag(-2, 2)) and the global minimum (2, 0).

    From the suggested start (-2, 1), plain GD with lr = 0.02 settles in the dip at (-1, 0);
    Momentum (torch's form, rho = 0.9) with the same lr = 0.02 carries enough velocity over the hump
    and settles at (2, 0) within 150 steps. The outcome is the same for every lr from 0.01 to 0.12,
    and from (-2, 0) for a purely 1-D picture.

    >>> s = LocalMinimum()
    >>> s.minima.tolist(), s.saddles.tolist()
    ([[2.0, 0.0], [-1.0, 0.0]], [[0.0, 0.0]])
    >>> [round(float(v), 4) for v in s.value([[2.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [-2.0, 1.0]])]
    [-2.6667, -0.4167, 0.0, 3.6667]
    """

    def __init__(self) -> None:
        super().__init__(
            title="Local minimum",
            latex=r"\frac{x^4}{4} - \frac{x^3}{3} - x^2 + y^2",
            bounds=((-2.4, 2.8), (-1.95, 1.95)),  # 4:3, both minima and the start well inside
            start=(-2.0, 1.0),
            minima=[(2.0, 0.0), (-1.0, 0.0)],
            saddles=[(0.0, 0.0)],
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x2 = x * x
        return x2 * x2 / 4 - x2 * x / 3 - x2 + y * y

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return x * (x + 1) * (x - 2), 2 * y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 3 * x * x - 2 * x - 2, 0.0, 2.0


@register_surface("saddle")
class Saddle(Surface):
    r"""The saddle x^2 - y^2: zero gradient at the origin, curving up along x and down along y.

    The suggested start (-1.8, 0) lies on the saddle's stable manifold (the x axis): exact GD with
    lr = 0.1 contracts x by 0.8 a step and never leaves y = 0, so it is within 0.1 of the saddle
    from step 13 on and converges to it. Any gradient noise gives y a nonzero value that then grows
    by 1.2 a step: noise escapes. The surface is unbounded below, so escaping runs leave the view.

    >>> s = Saddle()
    >>> s.grad([0.0, 0.0]).tolist(), s.hessian([0.3, -2.0]).tolist()
    ([0.0, 0.0], [[2.0, 0.0], [0.0, -2.0]])
    """

    def __init__(self) -> None:
        super().__init__(
            title="Saddle point",
            latex=r"x^2 - y^2",
            bounds=((-2.0, 2.0), (-1.5, 1.5)),
            start=(-1.8, 0.0),
            saddles=[(0.0, 0.0)],
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * x - y * y

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return 2 * x, -2 * y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 2.0, 0.0, -2.0


@register_surface("monkey_saddle")
class MonkeySaddle(Surface):
    r"""The monkey saddle x^3 - 3xy^2: three valleys and three ridges meet at a flat saddle point.

    In polar form ``f = r^3 cos(3 theta)``: its gradient (3x^2 - 3y^2, -6xy) and its Hessian both
    vanish at the origin, so no second-order test can classify it. From the suggested start (1.4, 0)
    on a ridge, exact GD with lr = 0.1 follows x <- x - 0.3 x^2: it slows down as the gradient
    vanishes, is within 0.1 of the saddle from step 28 on, and creeps toward it like 1/(0.3 t)
    forever. Noise tips it into one of the three valleys (theta = 60, 180 or 300 degrees).

    >>> s = MonkeySaddle()
    >>> s.grad([0.0, 0.0]).tolist(), s.hessian([0.0, 0.0]).tolist()
    ([0.0, 0.0], [[0.0, 0.0], [0.0, 0.0]])
    >>> float(s.value([1.0, 0.0])), float(s.value([-1.0, 0.0]))
    (1.0, -1.0)
    """

    def __init__(self) -> None:
        super().__init__(
            title="Monkey saddle",
            latex=r"x^3 - 3xy^2",
            bounds=((-1.6, 1.6), (-1.2, 1.2)),
            start=(1.4, 0.0),
            saddles=[(0.0, 0.0)],
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return x * (x * x - 3 * y * y)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return 3 * (x * x - y * y), -6 * x * y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 6 * x, -6 * y, -6 * x


@register_surface("double_well")
class DoubleWell(Surface):
    r"""A double well (x^2 - 1)^2 / 4 + y^2 / 2: a saddle at the origin between minima at (+-1, 0).

    Critical points: the minima (-1, 0) and (1, 0) (value 0, Hessian diag(2, 1)) and the saddle (0,
    0) (value 1/4, Hessian diag(-1, 1)). Along y = 0 the profile is the classic double well. The
    suggested start (0, 1.4) lies on the saddle's stable manifold (the y axis): exact GD with lr =
    0.1 contracts y by 0.9 a step, is within 0.1 of the saddle from step 26 on and converges to it;
    gradient noise decides at random which well it falls into, escaping by a factor 1.1 a step.

    >>> s = DoubleWell()
    >>> float(s.value([0.0, 0.0])), s.hessian([0.0, 0.0]).tolist()
    (0.25, [[-1.0, 0.0], [0.0, 1.0]])
    """

    def __init__(self) -> None:
        super().__init__(
            title="Double well",
            latex=r"\frac{(x^2-1)^2}{4} + \frac{y^2}{2}",
            bounds=((-2.0, 2.0), (-1.5, 1.5)),
            start=(0.0, 1.4),
            minima=[(-1.0, 0.0), (1.0, 0.0)],
            saddles=[(0.0, 0.0)],
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        w = x * x - 1
        return w * w / 4 + y * y / 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        return x * (x * x - 1), y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 3 * x * x - 1, 0.0, 1.0
