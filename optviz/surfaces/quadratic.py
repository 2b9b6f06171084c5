"""The ill-conditioned quadratic: the lecture's "poor conditioning" surface."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import _validate as check
from optviz.surfaces.base import Surface
from optviz.surfaces.registry import register_surface

# The suggested start, before rotation: far out along the shallow axis and off the steep one, so
# that GD zigzags across the valley while crawling along it.
_START = np.array([-4.0, 1.5])


@register_surface("quadratic")
class Quadratic(Surface):
    r"""Ill-conditioned quadratic f = 1/2 (p-c)' A (p-c) with condition number kappa.

    ``A = R(angle) diag(mu, L) R(angle)'`` with ``mu = scale`` (the shallow axis, along x before
    rotation) and ``L = scale * kappa`` (the steep axis, along y), so the Hessian's condition number
    is exactly ``kappa`` everywhere. ``angle`` is in degrees, counter-clockwise; ``center`` is the
    minimum.

    >>> q = Quadratic(kappa=25)
    >>> q.mu, q.L
    (1.0, 25.0)
    >>> float(q.value([[-4.0, 1.5]])[0])
    36.125
    >>> q.grad([-4.0, 1.5]).tolist()
    [-4.0, 37.5]
    """

    def __init__(
        self,
        kappa: float = 10.0,
        angle: float = 0.0,
        scale: float = 1.0,
        center: Any = (0.0, 0.0),
    ) -> None:
        kappa = check.number("kappa", kappa)
        if kappa < 1:
            raise check.ParameterError("kappa", f"must be a number >= 1, got {kappa!r}")
        angle = check.number("angle", angle)
        scale = check.positive("scale", scale)
        c = check.point("center", center)

        self.kappa, self.angle, self.scale = kappa, angle, scale
        self.mu, self.L = scale, scale * kappa
        # The largest curvature must leave room for values and gradients in floating point.
        if not np.isfinite(self.L * 1e4):
            raise check.ParameterError(
                "kappa", f"kappa * scale = {self.L:g} is too large to compute with"
            )
        theta = np.deg2rad(angle)
        cos, sin = np.cos(theta), np.sin(theta)
        rotation = np.array([[cos, -sin], [sin, cos]])
        self.rotation = rotation
        self.A = rotation @ np.diag([self.mu, self.L]) @ rotation.T
        self.A = (self.A + self.A.T) / 2  # exactly symmetric after rounding
        self.A.setflags(write=False)
        self._a, self._b, self._d = self.A[0, 0], self.A[0, 1], self.A[1, 1]
        self._c = c
        self._centered = bool(c.any())  # the engine's hot path skips subtracting a zero centre
        # value_and_grad_floats' constants, as Python floats
        self._floats = (*(float(v) for v in self.A.reshape(4)), float(c[0]), float(c[1]))

        start = c + rotation @ _START
        # A 4:3 view centred on the minimum with the start at 80% of the half-width or half-height.
        dx, dy = np.abs(start - c) / 0.8
        half_x = max(dx, dy * 4 / 3)
        half_y = half_x * 3 / 4
        bounds = ((c[0] - half_x, c[0] + half_x), (c[1] - half_y, c[1] + half_y))
        (x0, x1), (y0, y1) = bounds
        if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < c[0] < x1 and y0 < c[1] < y1):
            raise check.ParameterError(
                "center",
                f"{c.tolist()} is too far out: a view around it is not representable in floating point",
            )

        if angle == 0 and scale == 1 and not c.any():
            latex = rf"\frac{{1}}{{2}}\,(x^2 + {kappa:g}\,y^2)"
        else:
            latex = rf"\frac{{1}}{{2}}\,(p-c)^\top A\,(p-c),\ \kappa(A)={kappa:g}"
        super().__init__(
            title=f"Ill-conditioned quadratic (κ = {kappa:g})",
            latex=latex,
            bounds=bounds,
            start=start,
            minima=[c],
            params={"kappa": kappa, "angle": angle, "scale": scale, "center": c.tolist()},
        )

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        u, v = x - self._c[0], y - self._c[1]
        return 0.5 * (self._a * u * u + 2 * self._b * u * v + self._d * v * v)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        u, v = x - self._c[0], y - self._c[1]
        return self._a * u + self._b * v, self._b * u + self._d * v

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        return self._a, self._b, self._d

    # A fast path for the engine's batched loop: two broadcast products on whole (N, 2) rows instead of
    # four on strided columns. Not ``d @ A``: BLAS picks its kernel by CPU, and a fused multiply-add
    # changes the last bit, so the same run would differ between machines (and between a batched and a
    # one-run loop). Plain multiplies and adds round the same everywhere.
    def _times_A(self, d: np.ndarray) -> np.ndarray:
        return d[..., :1] * self.A[0] + d[..., 1:] * self.A[1]

    def grad(self, xy: Any) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        if xy.ndim == 0 or xy.shape[-1] != 2:
            return super().grad(xy)
        return self._times_A(xy - self._c)

    # grad and value_and_grad below, one coordinate at a time: what optviz.surfaces.program traces into
    # formulas (for the web pages). tests/test_program.py holds them equal to the methods, bit for bit.
    def _grad_formula(self, x: Any, y: Any) -> tuple[Any, Any]:
        (a, b), (c, d) = self.A
        u, v = x - self._c[0], y - self._c[1]
        return u * a + v * c, u * b + v * d

    def _value_and_grad_formula(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        # value_and_grad_floats is already one coordinate at a time, in value_and_grad's order: on traced
        # coordinates it records those operations (its constants are A's and the centre's, as floats).
        return self.value_and_grad_floats(x, y)

    def value_and_grad(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        """f = 1/2 d'g with g = A d: the value reuses the gradient's matrix product."""
        xy = np.asarray(xy, dtype=float)
        if xy.ndim == 0 or xy.shape[-1] != 2:
            return super().value_and_grad(xy)
        d = xy - self._c if self._centered else xy
        g = self._times_A(d)
        gd = (
            g * d
        )  # the same products as g[..., 0] * d[..., 0] and g[..., 1] * d[..., 1], in one call
        return 0.5 * (gd[..., 0] + gd[..., 1]), g

    def value_and_grad_floats(self, x: float, y: float) -> tuple[float, float, float]:
        """:meth:`value_and_grad` at one point on Python floats, ``(f, gx, gy)``: the same operations in the same
        order, so the same bits (the engine's loop over a few runs calls it; ``tests/test_kernels.py``)."""
        a, b, c, d, cx, cy = self._floats
        if self._centered:
            x, y = x - cx, y - cy
        gx, gy = x * a + y * c, x * b + y * d
        return 0.5 * (gx * x + gy * y), gx, gy
