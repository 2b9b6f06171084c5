"""Hessian analysis and derivative checks.

The 2x2 eigen-decomposition is done in closed form so that it vectorizes over whole grids (a 400 x
400 condition map is one call), and keeps the sign of each eigenvalue: saddles have a negative one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from optviz._linalg2 import solve_2x2
from optviz.surfaces.base import Surface, as_points

_EPS = np.finfo(float).eps


def _symmetric_eigen(
    hxx: np.ndarray, hxy: np.ndarray, hyy: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns) of [[hxx, hxy], [hxy, hyy]], per point."""
    # Quiet: a grid over a formula's whole view can hold inf or nan entries (outside log's domain,
    # say), and those points simply get nan eigenvalues.
    with np.errstate(all="ignore"):
        mean = 0.5 * (hxx + hyy)
        radius = np.hypot(0.5 * (hxx - hyy), hxy)
        # The eigenvalue of larger magnitude has no cancellation; the other comes from the
        # determinant, which keeps full relative accuracy for the small one (kappa = 1e8 still comes
        # out right to ~1e-15).
        big = mean + np.copysign(radius, mean)
        det = hxx * hyy - hxy * hxy
        small = np.where(big != 0, det / np.where(big != 0, big, 1.0), 0.0)
        low = np.minimum(big, small)
        high = np.maximum(big, small)
        # Eigenvector of the larger eigenvalue at angle atan2(2 hxy, hxx - hyy) / 2; the other is
        # orthogonal.
        theta = 0.5 * np.arctan2(2 * hxy, hxx - hyy)
        cos, sin = np.cos(theta), np.sin(theta)
    vectors = np.empty((*np.shape(theta), 2, 2))
    vectors[..., 0, 0], vectors[..., 1, 0] = -sin, cos  # column 0: for the lower eigenvalue
    vectors[..., 0, 1], vectors[..., 1, 1] = cos, sin  # column 1: for the higher eigenvalue
    return np.stack([low, high], axis=-1), vectors


def hessian_eigen(surface: Surface, xy: Any) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(..., 2)``, ascending, and eigenvectors ``(..., 2, 2)`` (columns) of Hessians.

    Same convention as ``numpy.linalg.eigh``, in closed form and vectorized over any grid.

    >>> import optviz as ov
    >>> values, vectors = ov.hessian_eigen(ov.surface("saddle"), [0.0, 0.0])
    >>> values.tolist()
    [-2.0, 2.0]
    >>> vectors.round(12).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    H = surface.hessian(as_points(xy))
    return _symmetric_eigen(H[..., 0, 0], H[..., 0, 1], H[..., 1, 1])


def condition_number(surface: Surface, xy: Any) -> np.ndarray:
    """``|lambda|max / |lambda|min`` of the Hessian at points ``(..., 2)``.

    ``inf`` where the Hessian is singular, nan where it is not finite.

    >>> import optviz as ov
    >>> float(ov.condition_number(ov.surface("quadratic", kappa=100, angle=30), [1.0, 2.0]))
    100.0
    """
    values, _ = hessian_eigen(surface, xy)
    magnitude = np.abs(values)
    low, high = magnitude.min(axis=-1), magnitude.max(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(low > 0, high / np.where(low > 0, low, 1.0), np.inf)
    # Where the Hessian is not finite (outside a formula's domain) there is no condition number:
    # nan, not inf.
    return np.where(np.isnan(low) | np.isnan(high), np.nan, kappa)


def relative_error(numeric: np.ndarray, analytic: np.ndarray) -> np.ndarray:
    """The lecture's ``|num - ana| / (|num| + |ana|)``, defined as 0 where both are 0."""
    scale = np.abs(numeric) + np.abs(analytic)
    diff = np.abs(numeric - analytic)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)


def gradcheck(
    f: Callable[[np.ndarray], Any],
    x: Any,
    grad: Any,
    h: float = 1e-7,
    num_checks: int = 10,
    seed: int = 0,
) -> float:
    """Largest relative error of an analytic gradient against central differences at sampled points.

    The lecture's ``grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-7)``, with its default step:
    ``num_checks`` coordinates of ``x`` are drawn (all of them when ``x`` has no more), each is perturbed by
    ``+-h``, and ``(f(x+h) -
    f(x-h)) / 2h`` is compared with the analytic value by ``|num - ana| / (|num| + |ana|)``.
    ``grad`` is the analytic gradient at ``x`` (an array shaped like ``x``) or a function returning
    it. Around 1e-7 or less means correct; 1e-2 means a bug.

    >>> import optviz as ov
    >>> s = ov.surface("rosenbrock")
    >>> gradcheck(s.value, [-1.2, 1.0], s.grad) < 1e-8
    True
    """
    x = np.array(x, dtype=float)
    analytic = np.asarray(grad(x) if callable(grad) else grad, dtype=float)
    if analytic.shape != x.shape:
        raise ValueError(f"grad must have the shape of x {x.shape}, got {analytic.shape}")
    if not h > 0:
        raise ValueError(f"h must be positive, got {h!r}")
    rng = np.random.default_rng(seed)
    count = min(int(num_checks), x.size)
    coords = rng.choice(x.size, size=count, replace=False)
    flat, worst = x.reshape(-1), 0.0
    for i in coords:
        old = flat[i]
        flat[i] = old + h
        plus = float(np.asarray(f(x)))
        flat[i] = old - h
        minus = float(np.asarray(f(x)))
        flat[i] = old
        numeric = (plus - minus) / (2 * h)
        worst = max(worst, float(relative_error(np.float64(numeric), analytic.reshape(-1)[i])))
    return worst


def hesscheck(grad: Callable[[np.ndarray], Any], x: Any, hessian: Any, h: float = 1e-5) -> float:
    """Largest relative error of an analytic Hessian against central differences of the gradient.

    The second-derivative twin of :func:`gradcheck`, as ``torch.autograd.gradgradcheck`` is of
    ``gradcheck``: column ``j`` of the numeric Hessian is ``(grad(x + h e_j) - grad(x - h e_j)) /
    2h``. ``hessian`` is the analytic Hessian at ``x`` (shape ``(n, n)`` for ``x`` of size ``n``) or
    a function returning it.

    >>> import optviz as ov
    >>> s = ov.surface("rosenbrock")
    >>> hesscheck(s.grad, [-1.2, 1.0], s.hessian) < 1e-8
    True
    """
    x = np.array(x, dtype=float)
    n = x.size
    analytic = np.asarray(hessian(x) if callable(hessian) else hessian, dtype=float).reshape(n, n)
    if not h > 0:
        raise ValueError(f"h must be positive, got {h!r}")
    flat = x.reshape(-1)
    numeric = np.empty((n, n))
    for j in range(n):
        old = flat[j]
        flat[j] = old + h
        plus = np.asarray(grad(x), dtype=float).reshape(n)
        flat[j] = old - h
        minus = np.asarray(grad(x), dtype=float).reshape(n)
        flat[j] = old
        numeric[:, j] = (plus - minus) / (2 * h)
    return float(relative_error(numeric, analytic).max())


def _steps(xy: np.ndarray, h: float | None, power: float) -> np.ndarray:
    # The step that balances truncation against round-off: eps**(1/3) for a central first
    # difference, eps**(1/4) for a central second difference, scaled with the coordinate's
    # magnitude.
    if h is not None:
        return np.full(xy.shape, float(h))
    return _EPS**power * np.maximum(1.0, np.abs(xy))


def numerical_gradient(
    f: Callable[[np.ndarray], Any], xy: Any, h: float | None = None
) -> np.ndarray:
    """Central-difference gradient of a vectorized ``f`` at points ``(..., 2)``; shape ``(..., 2)``.

    >>> import optviz as ov
    >>> s = ov.surface("rosenbrock")
    >>> bool(np.allclose(numerical_gradient(s.value, [-1.2, 1.0]), s.grad([-1.2, 1.0]), rtol=1e-8))
    True
    """
    xy = as_points(xy)
    step = _steps(xy, h, 1 / 3)
    out = np.empty(xy.shape)
    for i in range(2):
        e = np.zeros(xy.shape)
        e[..., i] = step[..., i]
        out[..., i] = (np.asarray(f(xy + e)) - np.asarray(f(xy - e))) / (2 * step[..., i])
    return out


def numerical_hessian(
    f: Callable[[np.ndarray], Any] | None,
    xy: Any,
    h: float | None = None,
    *,
    grad: Callable[[np.ndarray], Any] | None = None,
) -> np.ndarray:
    """Central-difference Hessian at points ``(..., 2)``; returns ``(..., 2, 2)``, symmetric.

    From differences of ``grad`` when it is given (more accurate), otherwise from second differences
    of ``f``.
    """
    xy = as_points(xy)
    out = np.empty((*xy.shape, 2))
    if grad is not None:
        step = _steps(xy, h, 1 / 3)
        for j in range(2):
            e = np.zeros(xy.shape)
            e[..., j] = step[..., j]
            width = 2 * step[..., j, None]
            out[..., :, j] = (np.asarray(grad(xy + e)) - np.asarray(grad(xy - e))) / width
        return 0.5 * (out + np.swapaxes(out, -1, -2))
    if f is None:
        raise ValueError("numerical_hessian needs f or grad")
    step = _steps(xy, h, 1 / 4)
    f0 = np.asarray(f(xy))
    for i in range(2):
        for j in range(i, 2):
            ei = np.zeros(xy.shape)
            ej = np.zeros(xy.shape)
            ei[..., i] = step[..., i]
            ej[..., j] = step[..., j]
            if i == j:
                h2 = step[..., i] ** 2
                value = (np.asarray(f(xy + ei)) - 2 * f0 + np.asarray(f(xy - ei))) / h2
            else:
                value = (
                    np.asarray(f(xy + ei + ej))
                    - np.asarray(f(xy + ei - ej))
                    - np.asarray(f(xy - ei + ej))
                    + np.asarray(f(xy - ei - ej))
                ) / (4 * step[..., i] * step[..., j])
            out[..., i, j] = value
            out[..., j, i] = value
    return out


def refine_critical_points(
    surface: Surface, points: Any, *, tol: float = 1e-13, maxiter: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on the gradient from each of ``points`` (k, 2): refined points, converged.

    A point counts as converged when Newton's step has shrunk below ``tol`` relative to the point's
    size, or the gradient is exactly zero (a degenerate critical point such as the monkey saddle,
    where the Hessian is singular). Points whose iteration stalls on a singular Hessian, leaves the
    finite numbers or does not settle within ``maxiter`` steps are returned unchanged, with
    ``converged`` False.

    >>> import optviz as ov
    >>> s = ov.surface("himmelblau")
    >>> xy, ok = refine_critical_points(s, [[-2.8, 3.1], [-0.27, -0.92]])
    >>> xy.round(5).tolist(), ok.tolist()
    ([[-2.80512, 3.13131], [-0.27084, -0.92304]], [True, True])
    """
    start = np.array(points, dtype=float).reshape(-1, 2)
    xy = start.copy()
    running = np.ones(len(xy), dtype=bool)
    converged = np.zeros(len(xy), dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(maxiter):
            if not running.any():
                break
            p = xy[running]
            g, H = surface.grad(p), surface.hessian(p)
            # Newton's step H^-1 g by the adjugate, vectorized over the running points.
            step = np.stack(
                solve_2x2(H[:, 0, 0], H[:, 0, 1], H[:, 1, 0], H[:, 1, 1], g[:, 0], g[:, 1]), axis=-1
            )
            step[np.all(g == 0, axis=-1)] = 0.0  # exactly critical, even where H is singular
            finite = np.all(np.isfinite(step), axis=-1)
            small = np.hypot(step[:, 0], step[:, 1]) <= tol * np.maximum(
                1.0, np.hypot(p[:, 0], p[:, 1])
            )
            index = np.flatnonzero(running)
            xy[index[finite]] = p[finite] - step[finite]
            converged[index[finite & small]] = True
            running[index[small | ~finite]] = False  # done, or stalled on a singular Hessian
    xy[~converged] = start[~converged]
    return xy, converged


def critical_point_kind(surface: Surface, xy: Any, rtol: float = 1e-9) -> np.ndarray:
    """``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"`` by the Hessian's eigenvalues.

    An eigenvalue counts as zero when its size is below ``rtol`` times the larger one (or both are
    0): such points (the monkey saddle, a flat valley floor) are ``"degenerate"`` and need a closer
    look.

    >>> import optviz as ov
    >>> critical_point_kind(ov.surface("himmelblau"), [[3.0, 2.0], [-0.270845, -0.923039]]).tolist()
    ['minimum', 'maximum']
    """
    values, _ = hessian_eigen(surface, xy)
    low, high = values[..., 0], values[..., 1]
    scale = np.maximum(np.abs(low), np.abs(high))
    zero = lambda v: np.abs(v) <= rtol * scale  # noqa: E731
    kind = np.where(low > 0, "minimum", np.where(high < 0, "maximum", "saddle")).astype(object)
    kind[np.asarray(zero(low) | zero(high))] = "degenerate"
    return kind.astype(str)


def _nice(value: float, digits: int = 2) -> float:
    return float(f"{value:.{digits}g}")


def suggested_lr(surface: Surface) -> float:
    """``1/L`` for the gradient-scaled rules (GD, Momentum, Nesterov), L the largest Hessian eigenvalue at the
    surface's start and its minima in view, rounded to two digits and clipped to [1e-4, 1].

    >>> import optviz as ov
    >>> suggested_lr(ov.surface("quadratic", kappa=25)), suggested_lr(ov.surface("rosenbrock"))
    (0.04, 0.00066)
    """
    (x0, x1), (y0, y1) = surface.bounds
    points = [surface.start] + [m for m in surface.minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]
    with np.errstate(all="ignore"):
        values, _ = hessian_eigen(surface, np.asarray(points))
    magnitudes = np.abs(values[np.isfinite(values)])
    L = float(magnitudes.max()) if magnitudes.size else 0.0
    if not L > 1e-12:
        return 0.1
    return float(np.clip(_nice(1.0 / L), 1e-4, 1.0))


def suggested_adaptive_lr(surface: Surface) -> float:
    """1% of the view's diagonal: Adam, RMSProp and AdaGrad move about ``lr`` per coordinate per step.

    >>> import optviz as ov
    >>> suggested_adaptive_lr(ov.surface("quadratic"))
    0.12
    """
    return _nice(0.01 * surface.diagonal)


def suggested_rule_lr(surface: Surface, rule: str) -> float:
    """A learning rate that makes visible progress with rule ``rule`` on ``surface``: :func:`suggested_lr`
    (``1/L``) for GD, ``0.3/L`` for the momentum rules (their steps grow by up to ``1/(1 - rho)``), and
    :func:`suggested_adaptive_lr` for the adaptive ones (by the rule's ``family``).

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=25)
    >>> suggested_rule_lr(q, "gd"), suggested_rule_lr(q, "nesterov"), suggested_rule_lr(q, "adam")
    (0.04, 0.012, 0.12)
    """
    from optviz.optimizers import rule_class

    family = rule_class(rule).family
    if family == "adaptive":
        return suggested_adaptive_lr(surface)
    return suggested_lr(surface) * (0.3 if family == "momentum" else 1.0)


def finite_differences(
    f: Callable[[np.ndarray], Any], x: Any, hs: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The forward ``(f(x + h) - f(x)) / h`` and central ``(f(x + h) - f(x - h)) / 2h`` differences of ``f``
    along x at ``x``, for each step in ``hs``.

    >>> import numpy as np
    >>> fwd, ctr = finite_differences(lambda p: p[0] ** 2, np.array([1.0, 0.0]), [0.5, 0.25])
    >>> fwd.tolist(), ctr.tolist()
    ([2.5, 2.25], [2.0, 2.0])
    """
    x = np.asarray(x, dtype=float)
    e = np.array([1.0, 0.0])
    f0 = float(f(x))
    forward = np.array([(float(f(x + h * e)) - f0) / h for h in hs])
    central = np.array([(float(f(x + h * e)) - float(f(x - h * e))) / (2 * h) for h in hs])
    return forward, central


def finite_difference_errors(
    f: Callable[[np.ndarray], Any], x: Any, slope: float, hs: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Relative errors (as :func:`relative_error`) of :func:`finite_differences` against the exact ``slope``,
    for each step in ``hs``: truncation falls with h, round-off grows as h shrinks.

    >>> import numpy as np
    >>> fwd, ctr = finite_difference_errors(lambda p: p[0] ** 3, np.array([1.0, 0.0]), 3.0, [1e-1, 1e-3])
    >>> fwd.round(6).tolist(), ctr.round(6).tolist()
    ([0.049128, 0.0005], [0.001664, 0.0])
    """
    forward, central = finite_differences(f, x, hs)
    return relative_error(forward, slope), relative_error(central, slope)
