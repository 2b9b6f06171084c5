"""The classic optimization test functions, with their published minima."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz.surfaces.base import Surface
from optviz.surfaces.registry import register_surface


@register_surface("rosenbrock")
class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley (a - x)^2 + b (y - x^2)^2; minimum 0 at (a, a^2).

    >>> s = Rosenbrock()
    >>> float(s.value([-1.2, 1.0])), s.grad([-1.2, 1.0]).tolist()
    (24.2, [-215.6, -88.0])
    """

    def __init__(self, a: float = 1.0, b: float = 100.0) -> None:
        from optviz import _validate as check

        self.a = check.number("a", a)
        self.b = check.positive("b", b)
        super().__init__(
            title="Rosenbrock",
            latex=rf"({self.a:g}-x)^2 + {self.b:g}\,(y-x^2)^2",
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            start=(-1.2, 1.0),
            minima=[(self.a, self.a**2)],
            params={"a": self.a, "b": self.b},
            level_scale="log",
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        r = y - x * x
        return -2 * (self.a - x) - 4 * self.b * x * r, 2 * self.b * r

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return 2 - 4 * self.b * (y - 3 * x * x), -4 * self.b * x, 2 * self.b + 0 * x
