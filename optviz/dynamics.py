"""Studies of optimizer dynamics that no other visualizer draws (issue 18, items 7-10): each the numbers one
figure kind shows, computed with the engine and tested on its own.

==========================  =====================================  ======================================
figure kind                 study                                  what it computes
==========================  =====================================  ======================================
``basins``                  :func:`basins`                         the minimum each start of a grid reaches
``stationary_noise``        :func:`stationary_clouds`              noisy runs' stationary clouds over seeds
``sharpness``               :func:`sharpness_along`                lambda_max(H) along a path, its threshold
``preconditioner``          :func:`adam_steps`                     Adam's per-coordinate steps along a path
==========================  =====================================  ======================================

>>> import optviz as ov
>>> b = basins(ov.surface("himmelblau"), [ov.GD(lr=0.01)], grid=8, steps=300)
>>> b.labels[0].shape, [round(float(v), 6) for v in b.values]
((8, 8), [0.0, 0.0, 0.0, 0.0])
>>> int((b.labels[0] >= 0).sum())
64
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import theory
from optviz._validate import ParameterError
from optviz.analysis import hessian_eigen
from optviz.engine import Endpoints, endpoints
from optviz.optimizers import Optimizer
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

# -- basins of attraction --------------------------------------------------------------------------------------
DIVERGED = -2  # a basin label: the run diverged
UNSETTLED = (
    -1
)  # a basin label: the run reached no minimum (not converged in its steps, or stopped at a saddle)
MAX_MINIMA = 12  # minima told apart in one figure (the rest: unsettled)


def minimum_radius(bounds: Sequence[Sequence[float]]) -> float:
    """How close a converged end point must be to a minimum to count as reaching it: 1% of the view's diagonal."""
    (x0, x1), (y0, y1) = bounds
    return 0.01 * float(np.hypot(x1 - x0, y1 - y0))


def find_minima(
    surface: Surface, points: np.ndarray, radius: float, *, at_most: int = MAX_MINIMA
) -> np.ndarray:
    """The minima that converged end points ``points`` (n, 2) sit at: the surface's known minima (global
    first), then any other cluster of end points (within ``radius`` of one another) whose Hessian is positive
    definite, lowest first; at most ``at_most`` in all. A user's expression knows no minima: they are found."""
    known = np.asarray(surface.minima, dtype=float).reshape(-1, 2)[:at_most]
    found: list[np.ndarray] = []
    rest = points
    if len(known) and len(rest):
        gap = rest[:, None, :] - known[None]
        near = (np.hypot(gap[..., 0], gap[..., 1]) <= radius).any(axis=1)
        rest = rest[~near]
    # Greedy clustering: the first point left and everything within radius of it, until none is left. Each
    # cluster's centre is its mean; a centre that is not a minimum (a saddle the run stopped at) is dropped.
    while len(rest) and len(known) + len(found) < at_most:
        d = np.hypot(rest[:, 0] - rest[0, 0], rest[:, 1] - rest[0, 1])
        member = d <= radius
        centre = rest[member].mean(axis=0)
        values, _ = hessian_eigen(surface, centre)
        if np.all(values > 0):
            found.append(centre)
        rest = rest[~member]
    if found:
        extra = np.array(found)
        extra = extra[np.argsort(surface.value(extra), kind="stable")]
        return np.concatenate([known, extra]) if len(known) else extra
    return known


def assign_minima(
    xy: np.ndarray, status: np.ndarray, minima: np.ndarray, radius: float
) -> np.ndarray:
    """The basin label of each end point: the index of the minimum within ``radius`` of a converged end point
    (the nearest), :data:`DIVERGED` for a diverged run, :data:`UNSETTLED` for any other."""
    labels = np.full(len(xy), UNSETTLED, dtype=np.int64)
    labels[status == "diverged"] = DIVERGED
    conv = np.flatnonzero(status == "converged")
    if len(conv) and len(minima):
        gap = xy[conv, None, :] - minima[None]
        dist = np.hypot(gap[..., 0], gap[..., 1])
        nearest = dist.argmin(axis=1)
        close = dist[np.arange(len(conv)), nearest] <= radius
        labels[conv[close]] = nearest[close]
    return labels


def grid_starts(
    bounds: Sequence[Sequence[float]], grid: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres of a ``grid`` x ``grid`` lattice over ``bounds``: ``xs``, ``ys`` and the (grid^2, 2) starts
    (row-major: y outer, x inner, as an image)."""
    (x0, x1), (y0, y1) = bounds
    centres = (np.arange(grid) + 0.5) / grid
    xs, ys = x0 + centres * (x1 - x0), y0 + centres * (y1 - y0)
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([X.ravel(), Y.ravel()])


@dataclass(frozen=True)
class Basins:
    """Which minimum each start of a grid reaches, per rule.

    ``labels[i]`` (grid, grid), rows along y: rule i's label of each start (an index into ``minima``,
    :data:`DIVERGED` or :data:`UNSETTLED`); ``minima`` (k, 2) and their ``values``; ``ends[i]``: rule i's
    :class:`~optviz.engine.Endpoints`; ``frames`` the steps of ``labels_at[i]`` (F, grid, grid), the labels of
    the runs that had stopped by each step (still running: :data:`UNSETTLED`), for the animation.
    """

    xs: np.ndarray
    ys: np.ndarray
    rules: tuple[Optimizer, ...]
    labels: tuple[np.ndarray, ...]
    minima: np.ndarray
    values: np.ndarray
    ends: tuple[Endpoints, ...]
    steps: int
    tol: float
    radius: float
    frames: np.ndarray
    labels_at: tuple[np.ndarray, ...]

    def share(self, i: int, label: int) -> float:
        """The share of rule i's starts with ``label``."""
        return float(np.mean(self.labels[i] == label))


def basins(
    surface: Surface,
    rules: Sequence[Optimizer],
    *,
    grid: int = 400,
    steps: int | Sequence[int] = 500,
    tol: float = 1e-6,
    bounds: Sequence[Sequence[float]] | None = None,
    frames: int = 0,
) -> Basins:
    """Run every rule from every start of a ``grid`` x ``grid`` lattice over ``bounds`` (default the surface's
    view) for ``steps`` steps (one vectorized :func:`optviz.engine.endpoints` call per rule: no history), and
    label each start by the minimum it converged to (gradient norm below ``tol``). ``frames``: that many
    snapshots of the labels over the steps, for the animation (0: none)."""
    grid = check.integer("grid", grid, minimum=2)
    tol = check.positive("tol", tol)
    if not rules:
        raise ParameterError("rules", "must name at least one rule")
    view = surface.bounds if bounds is None else bounds
    xs, ys, starts = grid_starts(view, grid)
    each = [int(steps)] * len(rules) if np.ndim(steps) == 0 else [int(v) for v in steps]  # type: ignore[arg-type]
    if len(each) != len(rules):
        raise ParameterError(
            "steps", f"must be one number or one per rule ({len(rules)}), got {len(each)}"
        )
    top = max(each)
    at = np.unique(np.linspace(0, top, frames).round().astype(int)) if frames else np.array([], int)
    ends = tuple(
        endpoints(surface, r, starts, n, tol=tol, at=[min(int(a), n) for a in at])
        for r, n in zip(rules, each, strict=True)
    )
    radius = minimum_radius(view)
    converged = np.concatenate([e.xy[e.status == "converged"] for e in ends])
    minima = find_minima(surface, converged, radius)
    labels = tuple(assign_minima(e.xy, e.status, minima, radius).reshape(grid, grid) for e in ends)
    labels_at = tuple(
        np.stack([assign_minima(e.xy_at[j], e.status_at[j], minima, radius).reshape(grid, grid)
                  for j in np.searchsorted(e.at, np.minimum(at, e.steps))])
        if len(at) else np.empty((0, grid, grid), dtype=np.int64)
        for e in ends
    )  # fmt: skip
    values = surface.value(minima) if len(minima) else np.empty(0)
    return Basins(
        xs=xs, ys=ys, rules=tuple(rules), labels=labels, minima=minima, values=np.asarray(values, float),
        ends=ends, steps=top, tol=tol, radius=radius, frames=at, labels_at=labels_at,
    )  # fmt: skip


# -- stationary noise: the cloud over seeds against the Lyapunov prediction -------------------------------------
def covariance_ellipse(
    cov: np.ndarray, center: np.ndarray, scale: float = 2.0, points: int = 121
) -> np.ndarray:
    """Points (points, 2) of the ellipse ``(x - c)' cov^-1 (x - c) = scale^2`` (``scale`` standard deviations),
    from the 2 x 2 eigen-decomposition written out (no matrix products)."""
    a, b, d = float(cov[0, 0]), float(cov[0, 1]), float(cov[1, 1])
    mean, half = (a + d) / 2, float(np.hypot((a - d) / 2, b))
    big, small = mean + half, max(mean - half, 0.0)
    angle = 0.5 * np.arctan2(2 * b, a - d)  # of the major axis
    t = np.linspace(0, 2 * np.pi, points)
    u, v = scale * np.sqrt(big) * np.cos(t), scale * np.sqrt(small) * np.sin(t)
    c, s = np.cos(angle), np.sin(angle)
    return np.column_stack([center[0] + c * u - s * v, center[1] + s * u + c * v])


def sample_covariance(xy: np.ndarray, center: np.ndarray | None = None) -> np.ndarray:
    """The 2 x 2 covariance of points (n, 2) about their mean (or about ``center``: a known mean), plain sums."""
    m = xy.mean(axis=0) if center is None else np.asarray(center, float)
    dx, dy = xy[:, 0] - m[0], xy[:, 1] - m[1]
    n = len(xy) - (1 if center is None else 0)
    cxy = float((dx * dy).sum() / n)
    return np.array([[float((dx * dx).sum() / n), cxy], [cxy, float((dy * dy).sum() / n)]])


@dataclass(frozen=True)
class Cloud:
    """One noisy run's stationary cloud: where each seed's run is after ``steps`` (``xy`` (seeds, 2)), its
    ``measured`` covariance about the minimum, the ``predicted`` one (:func:`optviz.theory.stationary_covariance`
    at the Hessian of the minimum: exact on a quadratic), and both as 2-sigma ellipses."""

    rule: Optimizer
    label: str
    sigma: float
    steps: int
    center: np.ndarray
    xy: np.ndarray
    measured: np.ndarray
    predicted: np.ndarray
    measured_ellipse: np.ndarray
    predicted_ellipse: np.ndarray
    at: np.ndarray = field(
        default_factory=lambda: np.empty(0, dtype=np.int64)
    )  # steps of the snapshots
    xy_at: np.ndarray = field(
        default_factory=lambda: np.empty((0, 0, 2))
    )  # (F, seeds, 2): the cloud then

    @property
    def error(self) -> float:
        """``||measured - predicted||_F / ||predicted||_F``."""
        diff = self.measured - self.predicted
        return float(np.sqrt((diff * diff).sum() / (self.predicted * self.predicted).sum()))


def stationary_clouds(
    surface: Surface, runs: Sequence[Trajectory], seeds: int = 1000, frames: int = 0
) -> tuple[Cloud, ...]:
    """Each noisy run (its rule, Gaussian noise, start and steps) again over ``seeds`` seeds in one history-free
    call (:func:`optviz.engine.endpoints`): the cloud of its last iterates, beside the stationary covariance that
    the Lyapunov equation predicts for that rule, lr, momentum and noise on the surface's Hessian at its minimum.
    ``frames``: that many snapshots of each cloud over the steps (for the animation: the cloud spreading out).

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=10)
    >>> t = ov.run(q, ov.GD(lr=0.05), start=(0, 0), steps=400, noise=ov.GaussianNoise(1.0))
    >>> (c,) = stationary_clouds(q, [t], seeds=2000)
    >>> c.predicted.round(4).tolist(), c.error < 0.1
    ([[0.0256, 0.0], [0.0, 0.0033]], True)
    """
    seeds = check.integer("seeds", seeds, minimum=2)
    if len(surface.minima) == 0:
        raise ParameterError(
            "surface", "has no known minimum: the prediction is made at its Hessian there"
        )
    center = np.asarray(surface.minima[0], float)
    H = surface.hessian(center)
    out = []
    for i, t in enumerate(runs):
        rule, noise = t.optimizer, t.noise
        sigma = getattr(noise, "sigma", None)
        if sigma is None:
            raise ParameterError(
                f"run[{i}].noise", "must be Gaussian noise (noise = { sigma = ... })"
            )
        if rule.name not in ("gd", "momentum", "nesterov"):
            raise ParameterError(
                f"run[{i}].rule", f"must be gd, momentum or nesterov, got {rule.name!r}"
            )
        rho = float(getattr(rule, "rho", 0.0)) if rule.name != "gd" else 0.0
        if float(getattr(rule, "weight_decay", 0.0) or 0.0) or getattr(rule, "dampening", 0.0):
            raise ParameterError(f"run[{i}].rule", "the prediction is for plain SGD and heavy ball (no weight "
                                 "decay or dampening)")  # fmt: skip
        predicted = theory.stationary_covariance(
            H, float(rule.lr), float(sigma), rho=rho, rule=rule.name
        )
        starts = np.tile(np.asarray(t.xy[0] if t.xy.ndim == 2 else t.xy[0, 0], float), (seeds, 1))
        at = np.unique(np.linspace(0, int(t.steps), frames).round().astype(int)) if frames else []
        e = endpoints(
            surface, rule, starts, int(t.steps), noise=noise, seed=list(range(seeds)), at=list(at)
        )
        keep = e.status == "max_steps"
        measured = sample_covariance(e.xy[keep], center)
        out.append(Cloud(
            rule=rule, label=str(t.label), sigma=float(sigma), steps=int(t.steps), center=center,
            xy=e.xy, measured=measured, predicted=predicted,
            measured_ellipse=covariance_ellipse(measured, center),
            predicted_ellipse=covariance_ellipse(predicted, center), at=e.at, xy_at=e.xy_at,
        ))  # fmt: skip
    return tuple(out)


# -- sharpness along a path, against the rule's stability threshold ---------------------------------------------
SHARPNESS_RULES = ("gd", "momentum", "nesterov", "adam")


def stability_threshold(rule: Optimizer) -> float:
    """The sharpness above which the rule's step is unstable along the top eigenvector (a 2-D quadratic's
    stability boundary): GD ``2/lr``; heavy ball ``(2 + 2 rho)/lr``; Nesterov in torch's form
    ``(2 + 2 rho)/((1 + 2 rho) lr)``; Adam, for its preconditioned sharpness, ``(2 + 2 beta1)/((1 - beta1) lr)``
    (Cohen et al. 2022).

    >>> import optviz as ov
    >>> [round(stability_threshold(r), 6) for r in (ov.GD(lr=0.5), ov.Momentum(lr=0.1), ov.Nesterov(lr=0.1),
    ...                                             ov.Adam(lr=0.01))]
    [4.0, 38.0, 13.571429, 3800.0]
    """
    r: Any = rule  # each rule's own hyperparameters
    name, lr = r.name, float(r.lr)
    if name == "gd":
        return 2.0 / lr
    if name == "momentum":
        return (2 + 2 * float(r.rho)) / lr
    if name == "nesterov":
        rho = float(r.rho)
        return (2 + 2 * rho) / ((1 + 2 * rho) * lr)
    if name == "adam":
        b1 = float(r.betas[0])
        return (2 + 2 * b1) / ((1 - b1) * lr)
    raise ParameterError(
        "rule", f"has no stability threshold here: one of {', '.join(SHARPNESS_RULES)}"
    )


def adam_preconditioner(t: Trajectory) -> np.ndarray:
    """``diag(1/(sqrt(v_hat) + eps))`` of each step of an Adam run, as (steps + 1, 2): the preconditioner the step
    from iterate k divides by (its second moment already updated with that step's gradient, bias-corrected)."""
    rule: Any = t.optimizer
    b2, eps = float(rule.betas[1]), float(rule.eps)
    v = np.asarray(t.state["exp_avg_sq"], float)  # row k: before step k
    g = np.asarray(t.grad, float)
    k = np.arange(1, len(v) + 1)[:, None]
    v_hat = (b2 * v + (1 - b2) * g * g) / (1 - b2**k)
    return 1.0 / (np.sqrt(v_hat) + eps)


def top_eigen(
    h11: np.ndarray, h12: np.ndarray, h22: np.ndarray, p1: np.ndarray, p2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The largest eigenvalue of ``diag(p) H`` (real: it is similar to a symmetric matrix) and its unit right
    eigenvector, written out for 2 x 2 (no matrix products)."""
    a, b, c, d = p1 * h11, p1 * h12, p2 * h12, p2 * h22
    half_trace = (a + d) / 2
    root = np.sqrt(np.maximum(((a - d) / 2) ** 2 + b * c, 0.0))
    lam = half_trace + root
    # (b, lam - a) and (lam - d, c) are both eigenvectors; take the better-conditioned one
    u1, u2 = (
        np.where(np.abs(b) + np.abs(lam - a) >= np.abs(lam - d) + np.abs(c), b, lam - d),
        np.where(np.abs(b) + np.abs(lam - a) >= np.abs(lam - d) + np.abs(c), lam - a, c),
    )
    norm = np.hypot(u1, u2)
    degenerate = norm == 0  # a multiple of the identity: every direction; take the first axis
    norm = np.where(degenerate, 1.0, norm)
    return lam, np.stack(
        [np.where(degenerate, 1.0, u1 / norm), np.where(degenerate, 0.0, u2 / norm)], axis=-1
    )


@dataclass(frozen=True)
class Sharpness:
    """One run's sharpness along its path: ``sharpness`` (stop + 1,) at each iterate (Adam: the preconditioned
    sharpness), the rule's ``threshold``, the ``top`` eigenvector (stop + 1, 2) and each step's ``component``
    along it (stop,): ``(x_{k+1} - x_k) . top_k``; ``crossed``: the first iterate past the threshold (None)."""

    label: str
    rule: Optimizer
    preconditioned: bool
    sharpness: np.ndarray
    threshold: float
    top: np.ndarray
    component: np.ndarray
    crossed: int | None

    def stretches(self, above: bool = True, min_length: int = 4) -> list[tuple[int, int]]:
        """``(first, end)`` of each run of at least ``min_length`` consecutive steps whose sharpness is above the
        threshold (``above=False``: below 0.8 of it)."""
        lam = self.sharpness[:-1]
        mask = lam > self.threshold if above else lam < 0.8 * self.threshold
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
        return [
            (int(a), int(b))
            for a, b in zip(edges[::2], edges[1::2], strict=True)
            if b - a >= min_length
        ]

    def stretch_growth(self, first: int, end: int) -> float:
        """Per-step growth of ``|component|`` over steps ``first .. end - 1`` (geometric mean of the ratios)."""
        c = np.abs(self.component[first:end])
        c = c[c > 0]
        return float(np.exp(np.mean(np.log(c[1:] / c[:-1])))) if len(c) > 2 else float("nan")

    def growth(self, start: int, length: int = 6) -> float:
        """The geometric mean of ``|component[k+1] / component[k]|`` over ``length`` steps from ``start``."""
        c = np.abs(self.component[start : start + length + 1])
        if len(c) < 2 or np.any(c == 0):
            return float("nan")
        return float(np.exp(np.mean(np.log(c[1:] / c[:-1]))))


def sharpness_along(surface: Surface, runs: Sequence[Trajectory]) -> tuple[Sharpness, ...]:
    """For each run: lambda_max of the Hessian at each iterate (Adam: of ``diag(1/(sqrt(v_hat)+eps)) H``, its
    preconditioned sharpness) against the rule's :func:`stability_threshold`, and each step along the top
    eigenvector, whose oscillation grows once the threshold is passed.

    Each run is measured at its stored iterates ``t.xy``, where the rule takes its gradient. For Nesterov these
    are torch's ``p``, the look-ahead points (the figures draw the actual points ``x = p + lr rho b``): the step
    from ``(p_k, b_k)`` sees the surface only through ``grad(p_k)``, so its Jacobian, whose spectral radius
    decides whether the step is stable, holds ``H(p_k)``, and the threshold ``(2 + 2 rho)/((1 + 2 rho) lr)`` is
    that of the iteration of ``p`` (the same as of ``x``: ``p_k = (1 + rho) x_k - rho x_{k-1}`` shares its
    eigenvalues). The step along the top eigenvector is ``p``'s too.

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=10)
    >>> (s,) = sharpness_along(q, [ov.run(q, ov.GD(lr=0.21), steps=30)])
    >>> float(s.sharpness[0]), round(s.threshold, 4), s.crossed, round(s.growth(10), 4)
    (10.0, 9.5238, 0, 1.1)
    """
    out = []
    for i, t in enumerate(runs):
        rule = t.optimizer
        if rule.name not in SHARPNESS_RULES:
            raise ParameterError(
                f"run[{i}].rule", f"must be one of {', '.join(SHARPNESS_RULES)}, got {rule.name!r}"
            )
        if getattr(t, "schedule", None) is not None:
            raise ParameterError(
                f"run[{i}].schedule", "the threshold is for a constant lr: remove the schedule"
            )
        stop = int(t.stop_step)
        xy = np.asarray(t.xy, float)[: stop + 1]
        H = surface.hessian(xy)
        if rule.name == "adam":
            p = adam_preconditioner(t)[: stop + 1]
        else:
            p = np.ones_like(xy)
        lam, top = top_eigen(H[:, 0, 0], H[:, 0, 1], H[:, 1, 1], p[:, 0], p[:, 1])
        d = np.diff(xy, axis=0)
        component = d[:, 0] * top[:-1, 0] + d[:, 1] * top[:-1, 1]
        threshold = stability_threshold(rule)
        above = np.flatnonzero(lam > threshold)
        out.append(Sharpness(
            label=str(t.label), rule=rule, preconditioned=rule.name == "adam", sharpness=lam,
            threshold=threshold, top=top, component=component, crossed=int(above[0]) if len(above) else None,
        ))  # fmt: skip
    return tuple(out)


# -- Adam's preconditioner along a path ------------------------------------------------------------------------
@dataclass(frozen=True)
class AdamSteps:
    """An Adam run's effective per-coordinate step ``lr / (sqrt(v_hat) + eps)`` at each iterate (``steps``
    (stop + 1, 2)), the condition number of its preconditioned Hessian ``diag(p) H`` (``kappa``) against the
    Hessian's own (``kappa_h``), and the iterates (``xy``)."""

    label: str
    rule: Optimizer
    xy: np.ndarray
    steps: np.ndarray
    kappa: np.ndarray
    kappa_h: np.ndarray
    shown: np.ndarray  # the iterates whose shapes are drawn
    adam_shape: (
        np.ndarray
    )  # (len(shown), points, 2): Adam's step ellipse there, centred at 0, major semi-axis 1
    newton_shape: (
        np.ndarray
    )  # the same for H^-1 (the step a Newton preconditioner would take), rotated with H


def _kappa_2x2(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """|lambda|max / |lambda|min of [[a, b], [c, d]] with real eigenvalues (inf where singular)."""
    half = (a + d) / 2
    root = np.sqrt(np.maximum(((a - d) / 2) ** 2 + b * c, 0.0))
    hi, lo = np.abs(half + root), np.abs(half - root)
    big, small = np.maximum(hi, lo), np.minimum(hi, lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(small > 0, big / np.where(small > 0, small, 1.0), np.inf)


def _unit_ellipse(a: float, b: float, angle: float, points: int = 61) -> np.ndarray:
    """An ellipse with semi-axes proportional to ``a`` (along ``angle``) and ``b``, the larger one 1."""
    big = max(a, b)
    t = np.linspace(0, 2 * np.pi, points)
    u, v = a / big * np.cos(t), b / big * np.sin(t)
    c, s = np.cos(angle), np.sin(angle)
    return np.column_stack([c * u - s * v, s * u + c * v])


def adam_steps(
    surface: Surface, runs: Sequence[Trajectory], ellipses: int = 10
) -> tuple[AdamSteps, ...]:
    """Along each Adam run: its effective step on each coordinate, ``lr / (sqrt(v_hat) + eps)`` (the diagonal
    preconditioner times lr: an axis-aligned ellipse), and the condition number of ``diag(p) H`` beside
    ``kappa(H)``. On an axis-aligned valley the diagonal fits the Hessian and the preconditioned kappa falls far
    below kappa(H); on a rotated one no diagonal can, and it stays.

    >>> import optviz as ov
    >>> aligned, rotated = (ov.surface("quadratic", kappa=25, angle=a) for a in (0, 45))
    >>> (a,) = adam_steps(aligned, [ov.run(aligned, ov.Adam(lr=0.1), steps=100)])
    >>> (r,) = adam_steps(rotated, [ov.run(rotated, ov.Adam(lr=0.1), steps=100)])
    >>> round(float(a.kappa[-1]), 2), round(float(r.kappa[-1]), 2), float(a.kappa_h[-1])
    (4.15, 25.16, 25.0)
    """
    out = []
    for i, t in enumerate(runs):
        rule = t.optimizer
        if rule.name != "adam":
            raise ParameterError(
                f"run[{i}].rule", f"must be adam (the preconditioner is Adam's), got {rule.name!r}"
            )
        stop = int(t.stop_step)
        xy = np.asarray(t.xy, float)[: stop + 1]
        p = adam_preconditioner(t)[: stop + 1]
        H = surface.hessian(xy)
        h11, h12, h22 = H[:, 0, 0], H[:, 0, 1], H[:, 1, 1]
        kappa = _kappa_2x2(p[:, 0] * h11, p[:, 0] * h12, p[:, 1] * h12, p[:, 1] * h22)
        kappa_h = _kappa_2x2(h11, h12, h12, h22)
        shown = np.unique(np.linspace(0, stop, ellipses).round().astype(int))
        lam, vec = hessian_eigen(surface, xy[shown])  # ascending: the flat direction first
        adam_shape = np.stack([_unit_ellipse(p[k, 0], p[k, 1], 0.0) for k in shown])
        newton_shape = np.stack([
            _unit_ellipse(1 / abs(lam[j, 0]), 1 / abs(lam[j, 1]), float(np.arctan2(vec[j, 1, 0], vec[j, 0, 0])))
            for j in range(len(shown))
        ])  # fmt: skip
        out.append(AdamSteps(label=str(t.label), rule=rule, xy=xy, steps=float(rule.lr) * p, kappa=kappa,
                             kappa_h=kappa_h, shown=shown, adam_shape=adam_shape, newton_shape=newton_shape))  # fmt: skip
    return tuple(out)


__all__ = [
    "DIVERGED",
    "UNSETTLED",
    "AdamSteps",
    "Basins",
    "Cloud",
    "Sharpness",
    "adam_preconditioner",
    "adam_steps",
    "assign_minima",
    "basins",
    "covariance_ellipse",
    "find_minima",
    "grid_starts",
    "minimum_radius",
    "sample_covariance",
    "sharpness_along",
    "stability_threshold",
    "stationary_clouds",
    "top_eigen",
]
