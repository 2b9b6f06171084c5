r"""Finite-sum (dataset) surfaces: a two-parameter model's loss on a dataset made from a seed.

Each is a linear model ``z_i = phi_i . p`` with a per-sample loss ``l(z_i, t_i)`` and an L2 penalty
``r1 p1^2 + r2 p2^2``::

    f(p)  = mean_i l(z_i, t_i) + r1 p1^2 + r2 p2^2
    grad  = mean_i l'(z_i, t_i) phi_i + 2 r * p
    hess  = mean_i l''(z_i, t_i) phi_i phi_i' + 2 diag(r)

so value, gradient and Hessian are exact and share one evaluation of ``z``. On grids they are
evaluated in chunks of points so that the (points x samples) temporaries stay small. Minibatch noise
(:class:`optviz.Minibatch`) samples them through ``batch_value`` / ``batch_grad``.

The datasets are exposed for figures: ``s.x`` (inputs), ``s.y`` (targets or 0/1 labels),
``s.features`` (the ``phi_i``, shape (n, 2)).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._linalg2 import solve_2x2
from optviz.surfaces.base import FiniteSumSurface
from optviz.surfaces.registry import register_surface

# Points per chunk times samples: keeps each (points, samples) temporary near 2 MB.
_CHUNK_ELEMENTS = 1 << 18


def softplus(u: np.ndarray) -> np.ndarray:
    """log(1 + e^u) without overflow: max(u, 0) + log1p(e^-|u|)."""
    return np.maximum(u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def sigmoid(u: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-u) without overflow, and with full relative accuracy in both tails."""
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class LinearModelSurface(FiniteSumSurface):
    """Base of the dataset surfaces: subclasses set ``features`` (n, 2), ``targets`` (n,),
    ``reg`` (2,) and the per-sample loss ``_loss(z, t)`` with its first two derivatives in z."""

    features: np.ndarray
    targets: np.ndarray
    reg: np.ndarray
    # The per-sample loss by name ("squared", "logistic"), for optviz.surfaces.program.dataset_model.
    loss_kind: str = ""

    # -- per-sample loss, elementwise in z (broadcast against the targets t) -----------------------
    def _loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _dloss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _d2loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def n_samples(self) -> int:  # type: ignore[override]
        return len(self.targets)

    # -- full sums, in chunks of points ------------------------------------------------------------
    def _chunks(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], Any]:
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = x.shape
        fx, fy = x.reshape(-1), y.reshape(-1)
        step = max(1, _CHUNK_ELEMENTS // self.n_samples)
        return fx, fy, shape, [slice(i, i + step) for i in range(0, max(fx.size, 1), step)]

    def _loss_and_dloss(self, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(_loss, _dloss)``; subclasses share the work between the two."""
        return self._loss(z, t), self._dloss(z, t)

    def _z(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """The model's z for points (m,) x (m,) and every sample: (m, n).

        Sums over samples here and below are written as multiplies and numpy sums, not matrix products:
        BLAS chooses its kernel (and whether to fuse multiply-adds) by CPU, so its last bits differ
        between machines, and so would every run and figure made from them.
        """
        return px[:, None] * self.features[:, 0] + py[:, None] * self.features[:, 1]

    def _sample_sum(self, d: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """sum_i d[:, i] phi[i, j] for d (m, n) and phi (n, k): (m, k), in the same order on every machine."""
        return np.stack([(d * phi[:, j]).sum(axis=1) for j in range(phi.shape[1])], axis=1)

    def _value(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        fx, fy, shape, chunks = self._chunks(x, y)
        out = np.empty(fx.size)
        for c in chunks:
            out[c] = self._loss(self._z(fx[c], fy[c]), self.targets).mean(axis=1)
        return out.reshape(shape) + self.reg[0] * x * x + self.reg[1] * y * y

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        fx, fy, shape, chunks = self._chunks(x, y)
        g = np.empty((fx.size, 2))
        for c in chunks:
            g[c] = self._sample_sum(self._dloss(self._z(fx[c], fy[c]), self.targets), self.features)
        g /= self.n_samples
        gx, gy = g[:, 0].reshape(shape), g[:, 1].reshape(shape)
        return gx + 2 * self.reg[0] * x, gy + 2 * self.reg[1] * y

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        fx, fy, shape, chunks = self._chunks(x, y)
        h = np.empty((fx.size, 3))
        phi0, phi1 = self.features[:, 0], self.features[:, 1]
        outer = np.stack([phi0 * phi0, phi0 * phi1, phi1 * phi1], axis=1)  # (n, 3)
        for c in chunks:
            h[c] = self._sample_sum(self._d2loss(self._z(fx[c], fy[c]), self.targets), outer)
        h /= self.n_samples
        hxx, hxy, hyy = (h[:, j].reshape(shape) for j in range(3))
        return hxx + 2 * self.reg[0], hxy, hyy + 2 * self.reg[1]

    def value_and_grad(self, xy: Any) -> tuple[np.ndarray, np.ndarray]:
        """Value and gradient from one evaluation of the model per chunk (the engine's hot path)."""
        xy = np.asarray(xy, dtype=float)
        if xy.ndim == 0 or xy.shape[-1] != 2:
            return super().value_and_grad(xy)
        fx, fy, shape, chunks = self._chunks(xy[..., 0], xy[..., 1])
        f, g = np.empty(fx.size), np.empty((fx.size, 2))
        for c in chunks:
            loss, d = self._loss_and_dloss(self._z(fx[c], fy[c]), self.targets)
            f[c] = loss.mean(axis=1)
            g[c] = self._sample_sum(d, self.features)
        g /= self.n_samples
        f += self.reg[0] * fx * fx + self.reg[1] * fy * fy
        g[:, 0] += 2 * self.reg[0] * fx
        g[:, 1] += 2 * self.reg[1] * fy
        return f.reshape(shape), g.reshape((*shape, 2))

    # -- minibatches: N runs, one batch of sample indices each -------------------------------------
    def _batch_z(
        self, xy: np.ndarray, idx: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        idx = np.asarray(idx)
        if idx.ndim != 2 or idx.shape[0] != xy.shape[0]:
            raise ValueError(f"idx must have shape (N, B) with N = {xy.shape[0]}, got {idx.shape}")
        phi0, phi1 = self.features[idx, 0], self.features[idx, 1]
        return xy, phi0 * xy[:, :1] + phi1 * xy[:, 1:], self.targets[idx]

    def batch_value(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The loss on each run's batch: xy (N, 2), idx (N, B) -> (N,), with the full penalty."""
        xy, z, t = self._batch_z(xy, idx)
        return (
            self._loss(z, t).mean(axis=1)
            + self.reg[0] * xy[:, 0] ** 2
            + self.reg[1] * xy[:, 1] ** 2
        )

    def batch_grad(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """The exact mean gradient over each run's batch plus the penalty's gradient: (N, 2)."""
        xy, z, t = self._batch_z(xy, idx)
        idx = np.asarray(idx)
        d = self._dloss(z, t)
        g = np.empty_like(xy)
        g[:, 0] = (d * self.features[idx, 0]).mean(axis=1)
        g[:, 1] = (d * self.features[idx, 1]).mean(axis=1)
        return g + 2 * self.reg * xy

    def sample_grads(self, xy: Any) -> np.ndarray:
        """Each example's gradient at one point ``xy`` (2,): ``l'(z_i, t_i) phi_i + 2 r p``, shape (n, 2).

        Their mean is :meth:`grad`; a minibatch gradient is the mean over the batch's rows.
        """
        p = np.asarray(xy, dtype=float).reshape(2)
        d = self._dloss(self._z(p[:1], p[1:]), self.targets)[0]
        return np.stack(
            [
                d * self.features[:, 0] + 2 * self.reg[0] * p[0],
                d * self.features[:, 1] + 2 * self.reg[1] * p[1],
            ],
            axis=1,
        )

    # -- the minimum, by damped Newton to full precision -------------------------------------------
    def _newton(self, start: Any = (0.0, 0.0), iterations: int = 100) -> np.ndarray:
        p = np.array(start, dtype=float)
        f = float(self.value(p))
        for _ in range(iterations):
            g, H = self.grad(p), self.hessian(p)
            step = _solve(H, g)
            t = 1.0
            while t > 1e-12:
                trial = p - t * step
                ft = float(self.value(trial))
                if ft <= f:
                    break
                t /= 2
            # Stop when the Newton step no longer changes p at working precision.
            if np.all(np.abs(trial - p) <= 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(p))):
                return trial
            p, f = trial, ft
        return p

    def _attains_minimum(self) -> bool:
        """Without a penalty on both parameters, a separable dataset has no finite minimum."""
        return bool(np.all(self.reg > 0)) or not self._separable()

    def _separable(self) -> bool:
        return False


def _strictly_separable(vectors: np.ndarray, reg: np.ndarray) -> bool:
    """Is there a direction u with ``v_i . u > 0`` for every v_i (zero vectors ignored), along which
    the penalty vanishes (so the loss keeps falling without bound in p)?

    In 2-D: the vectors' angles fit in an open half-plane iff the largest gap between consecutive
    sorted angles exceeds pi. A penalty on one coordinate only leaves the other axis free, so then
    the cone must contain that axis's direction or its opposite.
    """
    v = vectors[np.hypot(vectors[:, 0], vectors[:, 1]) > 0]
    if len(v) == 0:
        return False
    if np.any(reg > 0):
        free = [
            np.array(e, dtype=float) for e, r in zip(((1, 0), (0, 1)), reg, strict=True) if r == 0
        ]
        return any(np.all(v @ (sign * u) > 0) for u in free for sign in (1.0, -1.0))
    angles = np.sort(np.arctan2(v[:, 1], v[:, 0]))
    gaps = np.diff(np.concatenate([angles, angles[:1] + 2 * np.pi]))
    return bool(gaps.max() > np.pi)


class _Logistic(LinearModelSurface):
    """Log-loss on labels t = +-1: l = softplus(-t z), l' = -t sigmoid(-t z), l'' = s(z) s(-z)."""

    loss_kind = "logistic"

    def _loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return softplus(-t * z)

    def _dloss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -t * sigmoid(-t * z)

    def _loss_and_dloss(self, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # softplus and sigmoid of u = -t z share e^-|u|
        u = -t * z
        e = np.exp(-np.abs(u))
        loss = np.maximum(u, 0.0) + np.log1p(e)
        # The same operations as sigmoid(), so value_and_grad's gradient equals grad()'s to the bit.
        return loss, -t * np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def _d2loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        e = np.exp(-np.abs(z))
        return e / ((1.0 + e) * (1.0 + e))

    def _separable(self) -> bool:
        return _strictly_separable(self.targets[:, None] * self.features, self.reg)


def _dataset(n_samples: Any, seed: Any) -> tuple[int, int, np.random.Generator]:
    """Checked sample count and seed, and the generator every dataset is drawn from."""
    n = check.integer("n_samples", n_samples, minimum=2, maximum=1_000_000)
    seed = check.integer("seed", seed, minimum=0)
    return n, seed, np.random.default_rng(seed)


# A surface's minimum, start and view are worked out with 2x2 formulas, not LAPACK: LAPACK (and the BLAS
# under it) picks its kernels by CPU, and the view of every figure of the surface would differ in its last bits
# between machines (tests/test_machine_independence.py).
def _solve(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``H^-1 g`` for a 2x2 ``H`` (:func:`optviz._linalg2.solve_2x2`, the adjugate)."""
    return np.array(solve_2x2(H[0, 0], H[0, 1], H[1, 0], H[1, 1], g[0], g[1]))


def _shallow_axis(H: np.ndarray) -> np.ndarray:
    """The unit eigenvector of the smaller eigenvalue of a symmetric 2x2 ``H`` (sign: either)."""
    a, b, c = float(H[0, 0]), 0.5 * float(H[0, 1] + H[1, 0]), float(H[1, 1])
    low = 0.5 * (a + c) - float(np.hypot(0.5 * (a - c), b))
    # (H - low I) v = 0: either row gives v; the longer one is the accurate one
    u, v = np.array([b, low - a]), np.array([low - c, b])
    w = u if np.hypot(*u) >= np.hypot(*v) else v
    n = float(np.hypot(*w))
    return np.array([1.0, 0.0]) if n == 0 else w / n


def _valley_start(minimum: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """A start 3 along the shallow axis and 0.75 across the steep one: GD zigzags, then crawls."""
    shallow = _shallow_axis(hessian)
    steep = np.array([-shallow[1], shallow[0]])
    shallow = shallow if shallow[0] <= 0 else -shallow  # head left, whatever eigh's signs
    steep = steep if steep[1] >= 0 else -steep
    return minimum + 3.0 * shallow + 0.75 * steep


def _view(centre: np.ndarray, start: np.ndarray, aspect: float = 4 / 3) -> tuple[Any, Any]:
    """A view centred on ``centre`` with ``start`` at 80% of the half-width or half-height."""
    dx, dy = np.abs(start - centre) / 0.8
    half_x = max(dx, dy * aspect, 1e-3)
    half_y = half_x / aspect
    return (centre[0] - half_x, centre[0] + half_x), (centre[1] - half_y, centre[1] + half_y)


@register_surface("least_squares")
class LeastSquares(LinearModelSurface):
    r"""1-D linear regression: f(w, b) = mean 1/2 (w x_i + b - y_i)^2 + lam (w^2 + b^2).

    The data are ``x ~ N(x_mean, x_std^2)`` and ``y = slope x + intercept + noise * N(0, 1)``, drawn
    from ``seed``. The Hessian is the (shifted) second-moment matrix of (x, 1): inputs far from zero
    (``x_mean`` large against ``x_std``) couple w and b into a long diagonal valley. The minimum is
    the least-squares solution.

    >>> s = LeastSquares()
    >>> s.n_samples, s.minima.round(4).tolist()
    (50, [[1.8807, -0.7128]])
    >>> float(abs(s.grad(s.minima[0])).max()) < 1e-13
    True
    """

    def __init__(
        self,
        n_samples: int = 50,
        seed: int = 0,
        slope: float = 2.0,
        intercept: float = -1.0,
        x_mean: float = 2.0,
        x_std: float = 1.0,
        noise: float = 1.0,
        lam: float = 0.0,
    ) -> None:
        n, seed, rng = _dataset(n_samples, seed)
        slope, intercept = check.number("slope", slope), check.number("intercept", intercept)
        x_mean, x_std = check.number("x_mean", x_mean), check.positive("x_std", x_std)
        noise, lam = check.nonnegative("noise", noise), check.nonnegative("lam", lam)
        self.x = x_mean + x_std * rng.standard_normal(n)
        self.y = slope * self.x + intercept + noise * rng.standard_normal(n)
        self.features = np.stack([self.x, np.ones(n)], axis=1)
        self.targets = self.y
        self.reg = np.array([lam, lam])
        self.lam = lam
        for arr in (self.x, self.y, self.features, self.reg):
            arr.setflags(write=False)
        # Normal equations (M + 2 lam I) p = mean(phi y), then Newton polishes to full precision.
        phi = self.features
        moments = np.array(
            [[(phi[:, i] * phi[:, j]).sum() / n for j in range(2)] for i in range(2)]
        ) + 2 * np.diag(self.reg)
        rhs = np.array([(phi[:, i] * self.y).sum() / n for i in range(2)])
        minimum = self._newton(_solve(moments, rhs))
        start = _valley_start(minimum, self.hessian(minimum))
        super().__init__(
            title="Least squares (linear regression)",
            latex=r"\frac{1}{n}\sum_i \frac{1}{2} (w x_i + b - y_i)^2"
            + (rf" + {lam:g}\,(w^2+b^2)" if lam else ""),
            bounds=_view(minimum, start),
            start=start,
            minima=[minimum],
            params={
                "n_samples": n,
                "seed": seed,
                "slope": slope,
                "intercept": intercept,
                "x_mean": x_mean,
                "x_std": x_std,
                "noise": noise,
                "lam": lam,
            },
            level_scale="log",
        )
        self.param_names = ("w", "b")

    loss_kind = "squared"

    def _loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        r = z - t
        return 0.5 * r * r

    def _loss_and_dloss(self, z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r = z - t
        return 0.5 * r * r, r

    def _dloss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return z - t

    def _d2loss(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.ones_like(z)


@register_surface("logistic_regression")
class LogisticRegression(_Logistic):
    r"""Logistic regression, 2 features, no bias: f(w) = mean log(1 + exp(-t_i w.x_i)) + lam |w|^2.

    Two Gaussian classes (labels ``y`` in {0, 1}, ``t = 2y - 1``) with means ``+-separation/2``
    along the diagonal and unit variances with ``correlation``, drawn from ``seed``. Correlated
    features make the Hessian ill-conditioned. With ``lam = 0`` a finite minimum exists only if the
    classes overlap (they do by default); otherwise ``minima`` is empty.

    >>> s = LogisticRegression()
    >>> s.x.shape, s.minima.round(4).tolist()
    ((100, 2), [[0.8526, 0.5261]])
    """

    def __init__(
        self,
        n_samples: int = 100,
        seed: int = 0,
        separation: float = 2.0,
        correlation: float = 0.8,
        lam: float = 0.0,
    ) -> None:
        n, seed, rng = _dataset(n_samples, seed)
        separation = check.nonnegative("separation", separation)
        correlation = check.in_range(
            "correlation", correlation, -1.0, 1.0, low_open=True, high_open=True
        )
        lam = check.nonnegative("lam", lam)
        self.y = (np.arange(n) % 2).astype(float)  # alternating labels: balanced classes for any n
        t = 2 * self.y - 1
        # Correlated unit normals: z1, and rho z1 + sqrt(1 - rho^2) z2.
        z = rng.standard_normal((n, 2))
        noise = np.stack(
            [z[:, 0], correlation * z[:, 0] + np.sqrt(1 - correlation**2) * z[:, 1]], 1
        )
        mean = separation / 2 / np.sqrt(2) * np.array([1.0, 1.0])
        self.x = t[:, None] * mean + noise
        self.features = self.x
        self.targets = t
        self.reg = np.array([lam, lam])
        self.lam = lam
        for arr in (self.x, self.y, self.targets, self.reg):
            arr.setflags(write=False)
        minima = [self._newton()] if self._attains_minimum() else []
        centre = minima[0] if minima else np.zeros(2)
        start = _valley_start(centre, self.hessian(centre))
        super().__init__(
            title="Logistic regression (2 features)",
            latex=r"\frac{1}{n}\sum_i \log(1 + e^{-t_i\, w^\top x_i})"
            + (rf" + {lam:g}\,\|w\|^2" if lam else ""),
            bounds=_view(centre, start),
            start=start,
            minima=minima,
            params={
                "n_samples": n,
                "seed": seed,
                "separation": separation,
                "correlation": correlation,
                "lam": lam,
            },
        )
        self.param_names = ("w1", "w2")


@register_surface("softmax_1d")
class Softmax1D(_Logistic):
    r"""The lecture's regularization example: linear classifier, 1-D inputs, 2 classes, softmax.

    The class scores are ``s_k = w_k x + b_k``; only their differences matter, so the surface is
    over ``w = w_1 - w_0`` and ``b = b_1 - b_0``, with ``p(y=1 | x) = sigmoid(w x + b)``:

        f(w, b) = mean_i -log p(y_i | x_i) + lam w^2        (b is not regularized)

    The inputs of class 1 lie above ``threshold + gap/2`` and those of class 0 below ``threshold -
    gap/2`` (uniform over a width of 2, from ``seed``). With ``gap > 0`` the data are separable:
    with ``lam = 0`` there is no finite minimum, and the loss keeps falling along the ray ``b =
    -threshold * w`` as the cliff of p(y=1|x) sharpens. Any ``lam > 0`` creates a minimum, found by
    Newton's method to full precision.

    >>> s = Softmax1D()
    >>> len(s.minima)
    0
    >>> r = Softmax1D(lam=0.01)
    >>> r.minima.round(4).tolist(), bool(abs(r.grad(r.minima[0])).max() < 1e-15)
    ([[2.3971, -0.6267]], True)
    """

    def __init__(
        self,
        n_samples: int = 20,
        seed: int = 0,
        lam: float = 0.0,
        threshold: float = 0.5,
        gap: float = 1.0,
    ) -> None:
        n, seed, rng = _dataset(n_samples, seed)
        lam = check.nonnegative("lam", lam)
        threshold, gap = check.number("threshold", threshold), check.number("gap", gap)
        self.y = (np.arange(n) % 2).astype(float)
        t = 2 * self.y - 1
        self.x = threshold + t * (gap / 2 + 2 * rng.random(n))
        self.features = np.stack([self.x, np.ones(n)], axis=1)
        self.targets = t
        self.reg = np.array([lam, 0.0])
        self.lam, self.threshold, self.gap = lam, threshold, gap
        for arr in (self.x, self.y, self.features, self.targets, self.reg):
            arr.setflags(write=False)
        minima = [self._newton()] if self._attains_minimum() else []
        start = np.array([-0.5, 2.0])
        super().__init__(
            title="Softmax classifier on 1-D inputs" + (f" (λ = {lam:g})" if lam else ""),
            latex=r"\frac{1}{n}\sum_i -\log p(y_i \mid x_i)"
            + (rf" + {lam:g}\,w^2" if lam else "")
            + r",\ p(1 \mid x) = \sigma(w x + b)",
            bounds=((-1.0, 9.0), (-6.0, 3.0)),
            start=start,
            minima=minima,
            params={"n_samples": n, "seed": seed, "lam": lam, "threshold": threshold, "gap": gap},
            level_scale="log",
        )
        self.param_names = ("w", "b")

    def probability(self, w: Any, b: Any, x: Any) -> np.ndarray:
        """p(y = 1 | x) = sigmoid(w x + b), broadcast: the classifier's "cliff" for figures."""
        return sigmoid(np.asarray(w) * np.asarray(x) + np.asarray(b))


__all__ = [
    "LeastSquares",
    "LinearModelSurface",
    "LogisticRegression",
    "Softmax1D",
    "sigmoid",
    "softplus",
]
