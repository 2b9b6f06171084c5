"""The loss over a grid of a plane (a :class:`LossSurface`), and along a line (linear interpolation).

:func:`landscape` evaluates ``L(origin + a d1 + b d2)`` at every node of an ``n x n`` grid in vmapped chunks
(:meth:`ModelLoss.values`), and returns the slice as a Surface that every optviz drawing function accepts.
:func:`bounds_around` picks a view that holds the projected paths. :func:`interpolate` is the 1-D slice of
Goodfellow, Vinyals and Saxe (2015): ``L((1 - alpha) theta_0 + alpha theta_1)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from optviz import limits
from optviz._validate import ParameterError, integer
from optviz.landscape.model import ModelLoss
from optviz.landscape.planes import Plane, Projection
from optviz.landscape.record import ParameterPath
from optviz.landscape.surface import LossSurface


def bounds_around(
    projections: Sequence[Projection],
    *,
    margin: float = 0.15,
    aspect: tuple[float, float] = (1.0, 1.4),
    include_origin: bool = True,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A view holding every projected point (and the origin), ``margin`` of its size added on each side.

    Plane coordinates are drawn at equal aspect, so the view's shape is the panel's: its width over its height
    is brought into ``aspect`` (min, max) by widening the short side around its centre, which shows more of
    the landscape rather than a sliver of it."""
    pts = [np.asarray(p.xy, dtype=float) for p in projections]
    if include_origin:
        pts.append(np.zeros((1, 2)))
    allxy = np.concatenate(pts)
    allxy = allxy[np.all(np.isfinite(allxy), axis=1)]
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    span = np.maximum(hi - lo, 1e-12 * max(1.0, float(np.abs(allxy).max())))
    lo, hi = lo - margin * span, hi + margin * span
    w, h = hi - lo
    low, high = aspect
    if w < low * h:
        grow, axis = low * h - w, 0
    elif w > high * h:
        grow, axis = w / high - h, 1
    else:
        grow, axis = 0.0, 0
    lo[axis] -= grow / 2
    hi[axis] += grow / 2
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def landscape(
    loss: ModelLoss,
    plane: Plane,
    *,
    bounds: Any = ((-1.0, 1.0), (-1.0, 1.0)),
    n: int = 51,
    interpolation: str = "auto",
    title: str | None = None,
) -> LossSurface:
    """The loss over an ``n x n`` grid of ``plane`` within ``bounds`` (plane coordinates), as a Surface.

    ``bounds`` is ``((amin, amax), (bmin, bmax))``; :func:`bounds_around` fits it to projected paths. The grid
    values are the model's loss at the nodes, evaluated in chunks under ``vmap`` within ``loss.max_bytes``; the
    surface interpolates between them (see :class:`LossSurface`) and can evaluate the model exactly
    (``exact_value``, ``exact_grad``).
    """
    n = integer("n", n, minimum=4, maximum=limits.MAX_LANDSCAPE_GRID)
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ParameterError(
            "bounds", f"must be ((amin, amax), (bmin, bmax)), got {bounds!r}"
        ) from None
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ParameterError(
            "bounds", f"must be ((amin, amax), (bmin, bmax)) with min < max, got {bounds!r}"
        )
    if plane.numel != loss.numel:
        raise ParameterError("plane", f"has {plane.numel} parameters, the model {loss.numel}")
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    thetas = plane.points(np.stack([X, Y], axis=-1).reshape(-1, 2)).to(loss.dtype)
    values = loss.values(thetas).detach().cpu().numpy().astype(float).reshape(n, n)
    info = {
        "plane": plane.kind,
        "axis_labels": plane.axis_labels,
        "explained_variance": plane.explained_variance,
        "seed": plane.seed,
        "marks": dict(plane.marks),
        "n": n,
    }
    return LossSurface(
        xs, ys, values, title=title or f"loss on a {plane.kind} plane", start=(0.0, 0.0),
        interpolation=interpolation, info=info, model_value=_exact_value(loss, plane),
        model_grad=_exact_grad(loss, plane),
    )  # fmt: skip


def _exact_value(loss: ModelLoss, plane: Plane) -> Any:
    def value(xy: np.ndarray) -> np.ndarray:
        flat = xy.reshape(-1, 2)
        thetas = plane.points(flat).to(loss.dtype)
        return loss.values(thetas).detach().cpu().numpy().astype(float).reshape(xy.shape[:-1])

    return value


def _exact_grad(loss: ModelLoss, plane: Plane) -> Any:
    def gradient(xy: np.ndarray) -> np.ndarray:
        flat = xy.reshape(-1, 2)
        d = plane.directions.to(loss.dtype)
        out = np.empty(flat.shape)
        for k, theta in enumerate(plane.points(flat).to(loss.dtype)):
            g = loss.grad(theta)
            out[k] = [float(g @ d[0]), float(g @ d[1])]
        return out.reshape(xy.shape)

    return gradient


def interpolate(
    loss: ModelLoss, start: Any, end: Any, *, alphas: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(alphas, L((1 - alpha) start + alpha end))``: the loss along the line through two models.

    Goodfellow, Vinyals & Saxe (2015), "Qualitatively characterizing neural network optimization problems".
    ``start`` and ``end`` are parameter vectors, models or state dicts; ``alphas`` default to 101 points from
    -0.5 to 1.5 (alpha = 0 is ``start``, 1 is ``end``)."""
    a = loss.as_theta(start, "start").to(torch.float64)
    b = loss.as_theta(end, "end").to(torch.float64)
    alphas = np.linspace(-0.5, 1.5, 101) if alphas is None else np.asarray(alphas, dtype=float)
    if alphas.ndim != 1 or len(alphas) == 0 or not np.all(np.isfinite(alphas)):
        raise ParameterError("alphas", "must be a non-empty 1-D array of finite numbers")
    t = torch.from_numpy(alphas)[:, None]
    thetas = ((1 - t) * a + t * b).to(loss.dtype)
    return alphas, loss.values(thetas).detach().cpu().numpy().astype(float)


@dataclass(frozen=True)
class Interpolation:
    """The loss along the line from a path's start (alpha = 0) to its end (alpha = 1), and the path's names."""

    alphas: np.ndarray
    loss: np.ndarray
    label: str = ""
    rule: str = "external"
    hyperparams: dict[str, Any] = field(default_factory=dict)


def interpolate_path(loss: ModelLoss, path: ParameterPath, *, alphas: Any = None) -> Interpolation:
    """:func:`interpolate` from the path's first recorded point to its last, labelled like the path."""
    a, values = interpolate(loss, path.start, path.end, alphas=alphas)
    return Interpolation(a, values, path.label, path.rule, dict(path.hyperparams))
