"""A loss landscape's 2-D slice as an optviz :class:`~optviz.surfaces.Surface` (numpy and scipy only).

The slice is known exactly at the nodes of a grid (the model's loss, evaluated there). Between the nodes this
surface is a bicubic interpolating spline (``scipy.interpolate.RectBivariateSpline``, ``s=0``): it passes through
every node, and its gradient and Hessian are the spline's own derivatives, so value, gradient and Hessian form a
consistent set (finite differences of ``value`` agree with ``grad``). Losses are positive and span decades
near a minimum, so by default the spline interpolates ``log L`` (and ``value`` is its exponential): it never dips
below zero between nodes. Outside the grid the surface is unknown: ``nan``. Contour levels are log-spaced (losses
near a minimum matter most) unless the grid's values lie within a factor of 4 of each other.

So contours, ``ov.plot.trajectory``, ``ov.animate``, the figure kinds and ``optviz.testing`` take it as they take
any surface. Where the model is at hand, ``model_value`` and ``model_grad`` give the exact loss and its
gradient within the plane (``torch.func.grad``), and :meth:`LossSurface.interpolation_error` measures how far the
spline is from them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from optviz.surfaces import Surface, as_points


class LossSurface(Surface):
    """The loss on a plane, from its values on an ``ny x nx`` grid (``values[i, j]`` at ``(xs[j], ys[i])``).

    Parameters
    ----------
    xs, ys : arrays (nx,), (ny,)
        Increasing grid coordinates (at least 4 each, for the cubic spline).
    values : array (ny, nx)
        The loss at the nodes (``surface.grid`` order). Non-finite nodes stay unknown (nan) around them.
    interpolation : {"auto", "log", "linear"}
        Spline of ``log L`` (``"auto"`` when every value is positive) or of ``L``.
    model_value, model_grad : callables, optional
        Exact ``L`` (points (..., 2) -> (...)) and its in-plane gradient ((..., 2) -> (..., 2)).
    """

    name = "landscape"

    def __init__(
        self,
        xs: Any,
        ys: Any,
        values: Any,
        *,
        title: str = "loss landscape",
        latex: str = r"L(\theta_0 + a\,d_1 + b\,d_2)",
        start: Any = (0.0, 0.0),
        interpolation: str = "auto",
        info: dict[str, Any] | None = None,
        model_value: Callable[[np.ndarray], np.ndarray] | None = None,
        model_grad: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        from scipy.interpolate import RectBivariateSpline

        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        z = np.asarray(values, dtype=float)
        if xs.ndim != 1 or ys.ndim != 1 or len(xs) < 4 or len(ys) < 4:
            raise ValueError("xs and ys must be 1-D with at least 4 points each (a cubic spline)")
        if not (np.all(np.diff(xs) > 0) and np.all(np.diff(ys) > 0)):
            raise ValueError("xs and ys must be increasing")
        if z.shape != (len(ys), len(xs)):
            raise ValueError(f"values must have shape ({len(ys)}, {len(xs)}), got {z.shape}")
        finite = np.isfinite(z)
        if not finite.any():
            raise ValueError("values has no finite entry")
        if interpolation not in ("auto", "log", "linear"):
            raise ValueError(
                f"interpolation must be 'auto', 'log' or 'linear', got {interpolation!r}"
            )
        positive = bool(np.all(z[finite] > 0))
        if interpolation == "auto":
            interpolation = "log" if positive else "linear"
        if interpolation == "log" and not positive:
            raise ValueError("interpolation='log' needs positive values")
        self.xs, self.ys = xs, ys
        self.values = z
        self.interpolation = interpolation
        self.info = dict(info or {})
        self.model_value = model_value
        self.model_grad = model_grad
        filled = np.where(finite, z, np.max(z[finite]))
        self._unknown = ~finite
        data = np.log(filled) if interpolation == "log" else filled
        # RectBivariateSpline wants z[i, j] at (x[i], y[j]): the transpose of the grid's (row = y) layout.
        self._spline = RectBivariateSpline(xs, ys, data.T, kx=3, ky=3, s=0)
        spread = (
            np.quantile(z[finite], 0.98) / max(np.quantile(z[finite], 0.02), 1e-300)
            if positive
            else 1.0
        )
        bounds = ((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])))
        super().__init__(
            title=title, latex=latex, bounds=bounds, start=start,
            level_scale="log" if spread > 4 else "linear",
        )  # fmt: skip

    # -- where the surface is known ------------------------------------------------------------------------
    def _known(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Inside the grid, and no non-finite node at a corner of the cell."""
        xs, ys = self.xs, self.ys
        inside = (x >= xs[0]) & (x <= xs[-1]) & (y >= ys[0]) & (y <= ys[-1])
        if not self._unknown.any():
            return inside
        i = np.clip(
            np.searchsorted(ys, np.where(inside, y, ys[0]), side="right") - 1, 0, len(ys) - 2
        )
        j = np.clip(
            np.searchsorted(xs, np.where(inside, x, xs[0]), side="right") - 1, 0, len(xs) - 2
        )
        u = self._unknown
        bad = u[i, j] | u[i + 1, j] | u[i, j + 1] | u[i + 1, j + 1]
        return inside & ~bad

    def _spline_at(self, x: np.ndarray, y: np.ndarray, dx: int = 0, dy: int = 0) -> np.ndarray:
        flat_x, flat_y = np.ravel(x), np.ravel(y)
        out = self._spline.ev(flat_x, flat_y, dx=dx, dy=dy)
        return np.reshape(out, np.shape(x))

    # -- the three formulas --------------------------------------------------------------------------------
    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x, y = np.broadcast_arrays(x, y)
        s = self._spline_at(x, y)
        v = np.exp(s) if self.interpolation == "log" else s
        return np.where(self._known(x, y), v, np.nan)

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        x, y = np.broadcast_arrays(x, y)
        gx, gy = self._spline_at(x, y, 1, 0), self._spline_at(x, y, 0, 1)
        if self.interpolation == "log":  # d exp(s) = exp(s) ds
            v = np.exp(self._spline_at(x, y))
            gx, gy = v * gx, v * gy
        known = self._known(x, y)
        return np.where(known, gx, np.nan), np.where(known, gy, np.nan)

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        x, y = np.broadcast_arrays(x, y)
        hxx = self._spline_at(x, y, 2, 0)
        hxy = self._spline_at(x, y, 1, 1)
        hyy = self._spline_at(x, y, 0, 2)
        if self.interpolation == "log":  # d2 exp(s) = exp(s) (d2 s + ds ds^T)
            v = np.exp(self._spline_at(x, y))
            sx, sy = self._spline_at(x, y, 1, 0), self._spline_at(x, y, 0, 1)
            hxx, hxy, hyy = v * (hxx + sx * sx), v * (hxy + sx * sy), v * (hyy + sy * sy)
        known = self._known(x, y)
        return tuple(np.where(known, h, np.nan) for h in (hxx, hxy, hyy))  # type: ignore[return-value]

    # -- the model, where it is at hand --------------------------------------------------------------------
    def exact_value(self, xy: Any) -> np.ndarray:
        """The model's loss at plane points (..., 2), evaluated (not interpolated)."""
        if self.model_value is None:
            raise ValueError("this landscape has no model attached: only its grid values are known")
        return self.model_value(as_points(xy))

    def exact_grad(self, xy: Any) -> np.ndarray:
        """The gradient of the model's loss within the plane at points (..., 2): ``(grad L . d1, grad L . d2)``."""
        if self.model_grad is None:
            raise ValueError("this landscape has no model attached: only its grid values are known")
        return self.model_grad(as_points(xy))

    def interpolation_error(self, n: int = 200, seed: int = 0) -> float:
        """The largest relative error ``|spline - L| / L`` at ``n`` random points of the grid (seeded).

        The points are drawn uniformly inside the grid, so most fall between nodes, where the error is largest.
        """
        rng = np.random.default_rng(seed)
        (x0, x1), (y0, y1) = self.bounds
        xy = np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)
        exact = self.exact_value(xy)
        return float(np.nanmax(np.abs(self.value(xy) - exact) / np.abs(exact)))

    @property
    def lowest(self) -> tuple[np.ndarray, float]:
        """The lowest grid node ``(xy, value)``: the smallest loss the grid saw on this plane."""
        i, j = np.unravel_index(
            np.nanargmin(np.where(self._unknown, np.nan, self.values)), self.values.shape
        )
        return np.array([self.xs[j], self.ys[i]]), float(self.values[i, j])

    def __repr__(self) -> str:
        kind = self.info.get("plane", "plane")
        return (
            f"<LossSurface on a {kind} plane: {len(self.xs)} x {len(self.ys)} grid over {self.bounds},"
            f" {self.interpolation} spline>"
        )
