r"""What the lecture says about gradients, computed: slopes along directions, the numeric gradient worked
coordinate by coordinate, and the minibatch gradient as a sample.

- :func:`directional_slopes`: "The slope in any direction is the dot product of the direction with the
  gradient. The direction of steepest descent is the negative gradient." For unit vectors
  :math:`u(\theta) = (\cos\theta, \sin\theta)` the slope is :math:`u \cdot \nabla f`, smallest (``-|grad|``) at
  :math:`u = -\nabla f / |\nabla f|`.
- :func:`worked_gradient`: the slide's numeric gradient, one coordinate at a time: ``W + h e_i``, its loss, and
  ``(f(W + h e_i) - f(W)) / h`` beside the analytic gradient; it costs one loss evaluation per coordinate.
- :func:`minibatch_gradients`: minibatch gradients of a dataset surface drawn with and without replacement,
  beside their predicted covariances :math:`\Sigma / B` and :math:`\Sigma (N - B) / (B (N - 1))`, where
  :math:`\Sigma = \frac1N \sum_i (g_i - \bar g)(g_i - \bar g)^\top` is the covariance of the per-example
  gradients :math:`g_i` (their mean :math:`\bar g` is the full gradient).

No matrix products: sums are written as multiplies and numpy sums (the same bits on every CPU).

>>> import optviz as ov
>>> s = ov.surface("quadratic", kappa=4)
>>> slopes = directional_slopes(s, (1.0, 1.0), [0.0, np.pi / 2])
>>> slopes.slope.round(6).tolist(), s.grad([1.0, 1.0]).tolist()
([1.0, 4.0], [1.0, 4.0])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._validate import ParameterError

# -- the slope along unit directions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectionalSlopes:
    """Slopes of a surface at ``point`` along the unit directions at ``angles`` (radians from the x-axis).

    ``slope[i] = cos(angles[i]) grad[0] + sin(angles[i]) grad[1]``; ``steepest`` is the unit vector of steepest
    descent (``-grad / |grad|``) and ``steepest_slope`` its slope, ``-|grad|``.
    """

    point: np.ndarray
    grad: np.ndarray
    angles: np.ndarray
    slope: np.ndarray

    @property
    def norm(self) -> float:
        return float(np.hypot(*self.grad))

    @property
    def steepest(self) -> np.ndarray:
        return -self.grad / self.norm if self.norm > 0 else np.zeros(2)

    @property
    def steepest_angle(self) -> float:
        """The angle of the negative gradient (radians in (-pi, pi])."""
        return float(np.arctan2(-self.grad[1], -self.grad[0]))

    @property
    def steepest_slope(self) -> float:
        return -self.norm


def directional_slopes(surface: Any, point: Any, angles: Any = 360) -> DirectionalSlopes:
    """The slope ``u . grad f(point)`` along each unit direction ``u = (cos a, sin a)`` for ``a`` in ``angles``
    (or that many angles evenly spaced over a full turn, starting at 0).

    >>> import optviz as ov
    >>> d = directional_slopes(ov.surface("quadratic", kappa=4), (1.0, 1.0), 8)
    >>> round(d.steepest_slope, 4), d.steepest.round(4).tolist()
    (-4.1231, [-0.2425, -0.9701])
    """
    p = np.asarray(point, dtype=float).reshape(2)
    g = np.asarray(surface.grad(p), dtype=float).reshape(2)
    if not np.all(np.isfinite(g)):
        raise ParameterError("point", f"the gradient is not finite at {p.tolist()}")
    if np.ndim(angles) == 0:
        n = check.integer("angles", angles, minimum=4)
        a = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    else:
        a = np.asarray(angles, dtype=float)
    return DirectionalSlopes(point=p, grad=g, angles=a, slope=np.cos(a) * g[0] + np.sin(a) * g[1])


# -- the numeric gradient, worked ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedGradient:
    """The slide's numeric gradient: at ``x`` (loss ``loss``), each coordinate ``i`` nudged by ``h``
    (``shifted[i] = f(x + h e_i)``), the forward difference ``numeric[i] = (shifted[i] - loss) / h``, the exact
    ``analytic[i]``, and ``evaluations``: the loss evaluations it took (one per coordinate, and ``f(x)``)."""

    x: np.ndarray
    loss: float
    h: float
    shifted: np.ndarray
    numeric: np.ndarray
    analytic: np.ndarray
    evaluations: int

    @property
    def error(self) -> np.ndarray:
        """``|numeric - analytic| / max(|numeric| + |analytic|, tiny)`` per coordinate."""
        n, a = self.numeric, self.analytic
        return np.abs(n - a) / np.maximum(np.abs(n) + np.abs(a), np.finfo(float).tiny)


def worked_gradient(
    f: Callable[[np.ndarray], Any], x: Any, grad: Any, h: float = 1e-4
) -> WorkedGradient:
    """The forward-difference gradient of ``f`` at ``x``, one coordinate at a time, beside ``grad`` (the
    analytic gradient at ``x``), counting the evaluations of ``f`` (``len(x) + 1``).

    >>> w = worked_gradient(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 2.0], [2.0, 3.0], h=1e-4)
    >>> w.numeric.round(4).tolist(), w.evaluations
    ([2.0001, 3.0], 3)
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    h = check.positive("h", h)
    calls = 0

    def loss(p: np.ndarray) -> float:
        nonlocal calls
        calls += 1
        return float(f(p))

    f0 = loss(x)
    shifted = np.empty(x.size)
    for i in range(x.size):
        nudged = x.copy()
        nudged[i] += h
        shifted[i] = loss(nudged)
    analytic = np.asarray(grad, dtype=float).reshape(-1)
    if analytic.shape != x.shape:
        raise ParameterError(
            "grad", f"must have {x.size} entries (one per coordinate), got {analytic.size}"
        )
    return WorkedGradient(
        x=x,
        loss=f0,
        h=h,
        shifted=shifted,
        numeric=(shifted - f0) / h,
        analytic=analytic,
        evaluations=calls,
    )


# -- the minibatch gradient is a sample ------------------------------------------------------------------------


def covariance(samples: np.ndarray) -> np.ndarray:
    """The covariance ``mean (g - mean g)(g - mean g)^T`` of samples ``(..., n, 2)`` (normalized by n): ``(..., 2,
    2)``, written as multiplies and sums.

    >>> covariance(np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])).tolist()
    [[0.5, 0.0], [0.0, 2.0]]
    """
    g = np.asarray(samples, dtype=float)
    d = g - g.mean(axis=-2, keepdims=True)
    out = np.empty((*g.shape[:-2], 2, 2))
    out[..., 0, 0] = (d[..., 0] * d[..., 0]).mean(axis=-1)
    out[..., 1, 1] = (d[..., 1] * d[..., 1]).mean(axis=-1)
    out[..., 0, 1] = out[..., 1, 0] = (d[..., 0] * d[..., 1]).mean(axis=-1)
    return out


@dataclass(frozen=True)
class MinibatchGradients:
    """Minibatch gradients at ``point`` of a dataset surface with ``n`` examples.

    ``full``: the full gradient (the mean of the per-example gradients); ``sigma``: their covariance (1/N);
    for each of ``batch_sizes`` (index j): ``with_replacement[j]`` and ``without_replacement[j]``, ``draws``
    minibatch gradients each (shape ``(len(batch_sizes), draws, 2)``), and ``predicted_with[j] = sigma / B``,
    ``predicted_without[j] = sigma (N - B) / (B (N - 1))`` (shape ``(len(batch_sizes), 2, 2)``).
    """

    point: np.ndarray
    n: int
    full: np.ndarray
    sigma: np.ndarray
    batch_sizes: tuple[int, ...]
    with_replacement: np.ndarray
    without_replacement: np.ndarray
    seed: int

    @property
    def predicted_with(self) -> np.ndarray:
        b = np.asarray(self.batch_sizes, dtype=float)[:, None, None]
        return self.sigma[None] / b

    @property
    def predicted_without(self) -> np.ndarray:
        b = np.asarray(self.batch_sizes, dtype=float)[:, None, None]
        return self.sigma[None] * (self.n - b) / (b * (self.n - 1))

    @property
    def measured_with(self) -> np.ndarray:
        """The sample covariance of each batch size's draws with replacement."""
        return covariance(self.with_replacement)

    @property
    def measured_without(self) -> np.ndarray:
        return covariance(self.without_replacement)

    def spread(self, draws: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The measured spread of each batch size, with replacement and without: the root-mean-square distance
        ``sqrt(mean |g_B - full|^2)`` of its first ``draws`` draws (default: all) from the full gradient, whose
        expectation squared is ``trace(predicted)``. NaN for no draws.

        >>> import optviz as ov
        >>> m = minibatch_gradients(ov.surface("least_squares", n_samples=200), batch_sizes=(1, 50), draws=4000)
        >>> with_r, _ = m.spread()
        >>> bool(np.all(np.abs(with_r / np.sqrt(np.trace(m.predicted_with, axis1=1, axis2=2)) - 1) < 0.05))
        True
        """
        total = self.with_replacement.shape[1]
        count = total if draws is None else check.integer("draws", draws, minimum=0, maximum=total)
        if count == 0:
            empty = np.full(len(self.batch_sizes), np.nan)
            return empty, empty.copy()

        def rms(samples: np.ndarray) -> np.ndarray:
            d = samples[:, :count] - self.full
            return np.sqrt((d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1]).mean(axis=1))

        return rms(self.with_replacement), rms(self.without_replacement)


def minibatch_gradients(
    surface: Any,
    point: Any = None,
    batch_sizes: Sequence[int] = (1, 8, 32, 64, 128),
    *,
    draws: int = 2000,
    seed: int = 0,
) -> MinibatchGradients:
    """``draws`` minibatch gradients of each batch size at ``point`` (default: the surface's start), sampled
    with replacement (``B`` indices drawn independently) and without (``B`` distinct indices), from
    ``numpy.random.default_rng(seed)``; the surface's per-example gradients (``surface.sample_grads``) give the
    full gradient and the covariance the spreads are predicted from.

    >>> import optviz as ov
    >>> m = minibatch_gradients(ov.surface("least_squares", n_samples=200), batch_sizes=(1, 50), draws=4000)
    >>> spread = np.sqrt(np.trace(m.measured_with, axis1=1, axis2=2) / np.trace(m.predicted_with, axis1=1, axis2=2))
    >>> bool(np.all(np.abs(spread - 1) < 0.05))
    True
    """
    if not callable(getattr(surface, "sample_grads", None)):
        raise ParameterError(
            "surface", "must be a dataset surface (least_squares, logistic_regression, ...)"
        )
    p = np.asarray(surface.start if point is None else point, dtype=float).reshape(2)
    g = np.asarray(surface.sample_grads(p), dtype=float)  # (n, 2)
    n = len(g)
    sizes = tuple(
        check.integer(f"batch_sizes[{i}]", b, minimum=1, maximum=n)
        for i, b in enumerate(batch_sizes)
    )
    draws = check.integer("draws", draws, minimum=2)
    rng = np.random.default_rng(check.integer("seed", seed, minimum=0))
    with_r = np.empty((len(sizes), draws, 2))
    without = np.empty((len(sizes), draws, 2))
    for j, b in enumerate(sizes):
        # In chunks of draws, so that the (draws, B, 2) gathered gradients stay near 32 MB.
        chunk = max(1, (1 << 21) // b)
        for k in range(0, draws, chunk):
            rows = min(chunk, draws - k)
            with_r[j, k : k + rows] = g[rng.integers(0, n, size=(rows, b))].mean(axis=1)
        # B distinct indices per draw (a uniformly random subset), in memory of order B per draw.
        for k in range(draws):
            without[j, k] = g[rng.choice(n, size=b, replace=False)].mean(axis=0)
    return MinibatchGradients(
        point=p, n=n, full=g.mean(axis=0), sigma=covariance(g), batch_sizes=sizes, with_replacement=with_r,
        without_replacement=without, seed=int(seed),
    )  # fmt: skip


def ellipse(cov: Any, scale: float = 2.0, points: int = 181) -> np.ndarray:
    """The points ``(points, 2)`` of the ellipse ``{x : x^T cov^-1 x = scale^2}`` around 0 (``scale`` standard
    deviations along each principal axis), from the closed-form 2x2 eigen-decomposition.

    >>> ellipse([[4.0, 0.0], [0.0, 1.0]], scale=1.0, points=5).round(6).tolist()[:2]
    [[2.0, 0.0], [0.0, 1.0]]
    """
    c = np.asarray(cov, dtype=float)
    a, b, d = c[0, 0], c[0, 1], c[1, 1]
    mean, radius = 0.5 * (a + d), float(np.hypot(0.5 * (a - d), b))
    big, small = mean + radius, max(mean - radius, 0.0)
    theta = 0.5 * np.arctan2(2 * b, a - d)
    t = np.linspace(0.0, 2 * np.pi, points)
    u, v = scale * np.sqrt(big) * np.cos(t), scale * np.sqrt(small) * np.sin(t)
    cos, sin = np.cos(theta), np.sin(theta)
    return np.stack([cos * u - sin * v, sin * u + cos * v], axis=-1)


__all__ = [
    "DirectionalSlopes",
    "MinibatchGradients",
    "WorkedGradient",
    "covariance",
    "directional_slopes",
    "ellipse",
    "minibatch_gradients",
    "worked_gradient",
]
