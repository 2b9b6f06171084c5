"""Shared checks for surfaces a user defines (a formula, callables): view, start, known points."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._validate import ParameterError
from optviz.surfaces.base import Bounds, Surface

# How far (as a fraction of the view's diagonal) Newton's method may move a given critical point.
_NEAR = 0.05


def parse_bounds(value: Any, default: Bounds | None = None) -> Bounds:
    """``((xmin, xmax), (ymin, ymax))``, finite, min < max; or a ParameterError for "bounds"."""
    if value is None:
        if default is None:
            raise ParameterError("bounds", "is required: ((xmin, xmax), (ymin, ymax))")
        return default
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = np.empty(0)
    if arr.shape != (2, 2):
        raise ParameterError("bounds", f"must be ((xmin, xmax), (ymin, ymax)), got {value!r}")
    if not np.all(np.isfinite(arr)) or not (arr[0, 0] < arr[0, 1] and arr[1, 0] < arr[1, 1]):
        raise ParameterError("bounds", f"must be finite with min < max, got {value!r}")
    return ((float(arr[0, 0]), float(arr[0, 1])), (float(arr[1, 0]), float(arr[1, 1])))


def default_start(bounds: Bounds) -> np.ndarray:
    """15% in from the view's top-left corner: off-centre, so that a run has somewhere to go."""
    (x0, x1), (y0, y1) = bounds
    return np.array([x0 + 0.15 * (x1 - x0), y1 - 0.15 * (y1 - y0)])


def parse_start(value: Any, bounds: Bounds) -> np.ndarray:
    return default_start(bounds) if value is None else check.point("start", value)


def known_points(
    surface: Surface, minima: Any, saddles: Any, *, refine: bool, tol: float = 1e-13
) -> tuple[np.ndarray, np.ndarray]:
    """Validated (with ``refine``, Newton-polished) minima and saddles, as read-only (k, 2) arrays.

    A point whose Newton iteration does not converge within 5% of the view's diagonal, or that turns
    out to be a critical point of another kind (a "minimum" with a negative Hessian eigenvalue), is
    refused. ``tol`` is Newton's relative step tolerance: looser where the derivatives are finite
    differences.
    """
    from optviz.analysis import (
        critical_point_kind,
        refine_critical_points,
    )  # analysis imports surfaces

    result = []
    for field, value, wrong in (
        ("minima", minima, ("saddle", "maximum")),
        ("saddles", saddles, ("minimum", "maximum")),
    ):
        points = np.empty((0, 2)) if value is None else check.points(field, value).reshape(-1, 2)
        if refine and len(points):
            refined, ok = refine_critical_points(surface, points, tol=tol)
            moved = np.hypot(*(refined - points).T)
            kinds = critical_point_kind(surface, refined)
            for i, p in enumerate(points):
                where = f"({p[0]:g}, {p[1]:g})"
                if not ok[i] or moved[i] > _NEAR * surface.diagonal:
                    raise ParameterError(
                        f"{field}[{i}]", f"Newton's method found no critical point near {where}"
                    )
                if kinds[i] in wrong:
                    raise ParameterError(
                        f"{field}[{i}]", f"the critical point near {where} is a {kinds[i]}"
                    )
            points = refined
        points = np.array(points, dtype=float)
        if field == "minima" and len(points) > 1:  # global first, as Surface.minima promises
            points = points[np.argsort(surface.value(points), kind="stable")]
        points.setflags(write=False)
        result.append(points)
    return result[0], result[1]
