"""The :class:`Surface` base class: a 2-D function with its exact gradient and Hessian.

A surface is written once, in scalar-looking form, by overriding three methods that receive the
coordinates as two broadcastable arrays ``x`` and ``y``::

    _value(x, y)   -> f
    _grad(x, y)    -> (df/dx, df/dy)
    _hessian(x, y) -> (d2f/dx2, d2f/dxdy, d2f/dy2)

The public methods accept points of any shape ``(..., 2)`` and return ``(...)``, ``(..., 2)`` and
``(..., 2, 2)``, like ``scipy.optimize.rosen``, ``rosen_der`` and ``rosen_hess`` but broadcast over
grids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from optviz._format import format_number
from optviz._validate import ParameterError

Bounds = tuple[tuple[float, float], tuple[float, float]]


def as_points(xy: Any) -> np.ndarray:
    """``xy`` as a float array whose last axis has length 2, or a clear ``ValueError``."""
    arr = np.asarray(xy, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got an array of shape {arr.shape}")
    return arr


def _point_list(value: Any, name: str) -> np.ndarray:
    arr = np.asarray([] if value is None else value, dtype=float).reshape(-1, 2)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


class Surface:
    """A smooth function of two variables: analytic derivatives, a default view, critical points.

    Attributes
    ----------
    name : str
        Registry name (``"rosenbrock"``); empty for surfaces built by hand.
    title : str
        Display name for titles and legends (``"Rosenbrock"``).
    latex : str
        The formula in LaTeX, without dollar signs (``r"(1-x)^2 + 100\\,(y-x^2)^2"``).
    bounds : ((xmin, xmax), (ymin, ymax))
        A default view that shows what the surface is for.
    start : ndarray, shape (2,)
        A suggested start point that shows the surface's point (a zigzag, a trap, an escape).
    minima : ndarray, shape (k, 2)
        Known minima, the global one first.
    saddles : ndarray, shape (k, 2)
        Known saddle points.
    maxima : ndarray, shape (k, 2)
        Known local maxima (most surfaces have none worth listing).
    params : dict
        The parameters the surface was built with, by name.
    level_scale : {"linear", "log"}
        How contour levels should be spaced: ``"log"`` where values span decades.
    param_names : (str, str)
        What the two coordinates are called on axes: ``("x", "y")``, or a model's parameters (``("w", "b")``).
    """

    name: str = ""
    param_names: tuple[str, str] = ("x", "y")

    def __init__(
        self,
        *,
        title: str,
        latex: str,
        bounds: Bounds,
        start: Any,
        minima: Any = None,
        saddles: Any = None,
        maxima: Any = None,
        params: Mapping[str, Any] | None = None,
        level_scale: str = "linear",
        name: str | None = None,
    ) -> None:
        (x0, x1), (y0, y1) = bounds
        if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
            raise ParameterError(
                "bounds", f"must be ((xmin, xmax), (ymin, ymax)) with min < max, got {bounds}"
            )
        if level_scale not in ("linear", "log"):
            raise ValueError(f"level_scale must be 'linear' or 'log', got {level_scale!r}")
        if name is not None:
            self.name = name
        self.title = title
        self.latex = latex
        self.bounds: Bounds = ((float(x0), float(x1)), (float(y0), float(y1)))
        self.start = np.asarray(start, dtype=float).reshape(2)
        self.minima = _point_list(minima, "minima")
        self.saddles = _point_list(saddles, "saddles")
        self.maxima = _point_list(maxima, "maxima")
        self.params: dict[str, Any] = dict(params or {})
        self.level_scale = level_scale
        for arr in (self.start, self.minima, self.saddles, self.maxima):
            arr.setflags(write=False)

    # What one evaluation of the value and gradient costs against the quadratic's: 1 for most built-in
    # surfaces; the few whose formulas take several times longer set their own (measured in
    # benchmarks/surface_cost.py).
    COST = 1.0

    @property
    def cost(self) -> float:
        """What one evaluation of the value and gradient costs, in evaluations of the quadratic (about 1 for
        the built-in analytic surfaces, :attr:`COST`; a formula's numpy calls over ten; a dataset's samples
        over 256, plus one). A scenario's work is counted in these units before anything runs
        (``optviz.scenario.compute.work``)."""
        return float(type(self).COST)

    # -- the three formulas a subclass provides ----------------------------------------------------
    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        raise NotImplementedError

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        raise NotImplementedError

    # -- public, broadcasting API ------------------------------------------------------------------
    # The formulas always see 1-D arrays, also for a single point: numpy computes ``x**2`` on an array as
    # x * x, but on a 0-d result (a numpy scalar) through the C library's pow, which can be 1 ulp off (and
    # differs between libraries). One point and a batch of points then get the same floats, so a one-run
    # reference loop equals the batched engine bit for bit.
    def value(self, xy: Any) -> np.ndarray:
        """f at points of shape (..., 2); returns shape (...)."""
        xy = as_points(xy)
        flat = xy.reshape(-1, 2)
        x, y = flat[:, 0], flat[:, 1]
        return np.broadcast_to(self._value(x, y), x.shape).astype(float).reshape(xy.shape[:-1])

    def grad(self, xy: Any) -> np.ndarray:
        """The gradient at points of shape (..., 2); returns shape (..., 2)."""
        xy = as_points(xy)
        flat = xy.reshape(-1, 2)
        gx, gy = self._grad(flat[:, 0], flat[:, 1])
        out = np.empty(flat.shape, dtype=float)
        out[:, 0] = gx
        out[:, 1] = gy
        return out.reshape(xy.shape)

    def hessian(self, xy: Any) -> np.ndarray:
        """The Hessian at points of shape (..., 2); returns shape (..., 2, 2), symmetric."""
        xy = as_points(xy)
        flat = xy.reshape(-1, 2)
        hxx, hxy, hyy = self._hessian(flat[:, 0], flat[:, 1])
        out = np.empty((len(flat), 2, 2), dtype=float)
        out[:, 0, 0] = hxx
        out[:, 0, 1] = hxy
        out[:, 1, 0] = hxy
        out[:, 1, 1] = hyy
        return out.reshape((*xy.shape, 2))

    def value_and_grad(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(value(xy), grad(xy))`` in one call, which the engine makes once per step.

        Surfaces that can share work between the two override it."""
        return self.value(xy), self.grad(xy)

    def __call__(self, xy: Any) -> np.ndarray:
        return self.value(xy)

    # -- derived facts -----------------------------------------------------------------------------
    @property
    def center(self) -> np.ndarray:
        """The centre of the default view."""
        (x0, x1), (y0, y1) = self.bounds
        return np.array([(x0 + x1) / 2, (y0 + y1) / 2])

    @property
    def diagonal(self) -> float:
        """Length of the default view's diagonal (the unit of the engine's escape radius)."""
        (x0, x1), (y0, y1) = self.bounds
        return float(np.hypot(x1 - x0, y1 - y0))

    @property
    def fmin(self) -> float:
        """The value at the global minimum, or nan where no minimum is known."""
        if len(self.minima) == 0:
            return float("nan")
        return float(self.value(self.minima[0]))

    def grid(
        self, n: int = 200, bounds: Bounds | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """An ``n x n`` grid over ``bounds`` (default: the view): ``X, Y, XY`` with XY (n, n, 2)."""
        if not 2 <= n <= 4000:
            raise ParameterError("grid", f"must be between 2 and 4,000 points a side, got {n}")
        (x0, x1), (y0, y1) = bounds or self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, np.stack([X, Y], axis=-1)

    def describe(self) -> str:
        """One line for ``optviz list``."""
        doc = (type(self).__doc__ or "").strip().splitlines()
        return doc[0] if doc else self.title

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        label = self.name or type(self).__name__
        return f"<Surface {label}({shown})>"


def _short(value: Any) -> str:
    return repr(value) if isinstance(value, str) else format_number(value, 6)


class FiniteSumSurface(Surface):
    """A loss that is a mean over a dataset plus a regularizer: ``f(p) = mean_i l_i(p) + r(p)``.

    Minibatch noise (:class:`optviz.Minibatch`) samples it through two extra methods, for ``N`` runs
    at once with one batch of indices each:

    ``batch_value(xy, idx)``  with xy (N, 2) and idx (N, B) integer sample indices -> (N,)
    ``batch_grad(xy, idx)``   -> (N, 2), the exact mean of the per-sample gradients over the batch,
    plus the regularizer's gradient (which is not sampled).
    """

    n_samples: int = 0

    @property
    def cost(self) -> float:
        return 1.0 + self.n_samples / 256

    def batch_value(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def batch_grad(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        raise NotImplementedError
