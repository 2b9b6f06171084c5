"""A user's Python functions as a Surface; missing derivatives come from central differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.surfaces._custom import known_points, parse_bounds, parse_start
from optviz.surfaces.base import Bounds, Surface, as_points

ArrayFunction = Callable[[np.ndarray], Any]


class CallableSurface(Surface):
    """A surface from ``value(xy)``, optionally ``grad(xy)`` and ``hessian(xy)``; xy is (..., 2).

    Derivatives that are not given are central differences (:func:`optviz.numerical_gradient`,
    :func:`optviz.numerical_hessian`), with steps balanced against round-off: about 10 correct
    digits for the gradient; for the Hessian about 10 from differences of a given gradient, about 7
    from second differences of the value alone. The functions run under
    ``np.errstate(all="ignore")``, so overflow outside their domain gives inf or nan quietly (the
    engine's divergence). Built by :func:`surface_from_callable`, which validates its arguments.
    """

    def __init__(
        self,
        value: ArrayFunction,
        grad: ArrayFunction | None,
        hessian: ArrayFunction | None,
        *,
        bounds: Bounds,
        start: Any,
        title: str,
    ) -> None:
        self._f, self._df, self._d2f = value, grad, hessian
        self.exact = {"grad": grad is not None, "hessian": hessian is not None}
        name = getattr(value, "__name__", "value")
        # The function's name as the formula (mathtext wants underscores escaped); f for lambdas.
        shown = name.replace("_", r"\_") if name.isidentifier() else "f"
        super().__init__(
            title=str(title),
            latex=rf"\mathrm{{{shown}}}(x, y)",
            bounds=bounds,
            start=start,
            params={"value": name},
        )

    def _call(
        self, fn: ArrayFunction, xy: np.ndarray, shape: tuple[int, ...], what: str
    ) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.asarray(fn(xy), dtype=float)
        try:
            return np.broadcast_to(out, shape)
        except ValueError:
            raise ValueError(
                f"{what} returned shape {out.shape} for points of shape {xy.shape}; "
                f"expected {shape}"
            ) from None

    def value(self, xy: Any) -> np.ndarray:
        xy = as_points(xy)
        return self._call(self._f, xy, xy.shape[:-1], "value")

    def grad(self, xy: Any) -> np.ndarray:
        from optviz.analysis import numerical_gradient  # analysis imports the surfaces package

        xy = as_points(xy)
        if self._df is not None:
            return self._call(self._df, xy, xy.shape, "grad")
        with np.errstate(all="ignore"):
            return numerical_gradient(self.value, xy)

    def hessian(self, xy: Any) -> np.ndarray:
        from optviz.analysis import numerical_hessian

        xy = as_points(xy)
        if self._d2f is not None:
            return self._call(self._d2f, xy, (*xy.shape, 2), "hessian")
        with np.errstate(all="ignore"):
            if self._df is not None:
                return numerical_hessian(None, xy, grad=self.grad)
            return numerical_hessian(self.value, xy)


def surface_from_callable(
    value: ArrayFunction,
    grad: ArrayFunction | None = None,
    hessian: ArrayFunction | None = None,
    *,
    bounds: Any,
    start: Any = None,
    minima: Any = None,
    saddles: Any = None,
    title: str = "Custom function",
    refine: bool = True,
) -> CallableSurface:
    """A :class:`Surface` from Python functions of points of shape (..., 2).

    ``value(xy)`` returns shape (...); ``grad(xy)`` (optional) returns (..., 2) and ``hessian(xy)``
    (optional) (..., 2, 2). Missing derivatives are accurate central differences (of ``grad`` for
    the Hessian when it is given). ``bounds`` is the default view and is required; ``start``
    defaults to 15% in from the view's top-left corner. ``minima`` and ``saddles`` are refined by
    Newton's method as in :func:`optviz.surface_from_expression`.

    >>> import numpy as np
    >>> def himmelblau(p):
    ...     x, y = p[..., 0], p[..., 1]
    ...     return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    >>> s = surface_from_callable(himmelblau, bounds=((-5, 5), (-5, 5)), minima=[(3.01, 1.99)])
    >>> s.minima.round(9).tolist(), s.grad([1.0, 1.0]).round(6).tolist()
    ([[3.0, 2.0]], [-46.0, -38.0])
    """
    for field, fn in (("value", value), ("grad", grad), ("hessian", hessian)):
        if not (callable(fn) or (fn is None and field != "value")):
            raise ParameterError(field, f"must be a function of points (..., 2), got {fn!r}")
    view = parse_bounds(bounds)
    s = CallableSurface(
        value, grad, hessian, bounds=view, start=parse_start(start, view), title=title
    )
    # Newton on finite differences stalls at their noise (~1e-10), not at round-off.
    tol = 1e-13 if grad is not None else 1e-7
    s.minima, s.saddles = known_points(s, minima, saddles, refine=refine, tol=tol)
    return s
