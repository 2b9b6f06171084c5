r"""The lecture's hyperparameters, computed on 2-D data optviz generates: the regularization strength of a
linear classifier ("Low or high regularization?") and k of k-nearest neighbours chosen by 5-fold
cross-validation ("Setting Hyperparameters").

**Regularization.** Binary labels :math:`t_i = \pm 1`, the slide's hyperplane :math:`w^\top x - b = 0` and
its loss with :math:`\frac{\lambda}{2}\|w\|^2`:

- linear SVM (hinge): :math:`L(w, b) = \frac1N \sum_i \max(0, 1 - t_i (w^\top x_i - b)) + \frac{\lambda}{2}\|w\|^2`
- softmax (two classes: the logistic loss):
  :math:`L(w, b) = \frac1N \sum_i \log(1 + e^{-t_i (w^\top x_i - b)}) + \frac{\lambda}{2}\|w\|^2`

Each is fitted exactly at each lambda (the SVM by its optimality conditions, on the split of the points
that Newton's method on a smoothed hinge finds; softmax by Newton's method). The margin lines are :math:`w^\top x - b = \pm 1`, :math:`2/\|w\|` apart: a larger lambda buys a
wider margin ("maximize 2/||w||") with a higher training loss.

**Cross-validation.** The data are split into ``folds`` consecutive chunks (``torch.chunk``'s split, of data
drawn in random order); each fold is held out once while kNN predicts it from the other folds. Each fold's
accuracy is one outcome; the choice is the k of the highest mean accuracy (the smallest such k on a tie).

Distances and sums are written as multiplies and numpy sums (no matrix products: the same bits on every CPU).

>>> X, t = two_classes(40, seed=0)
>>> fits = [fit_linear(X, t, lam, "svm") for lam in (0.01, 1.0)]
>>> [round(f.margin, 3) for f in fits], fits[0].data_loss < fits[1].data_loss
([1.106, 3.522], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._validate import ParameterError

LINEAR_LOSSES = ("svm", "softmax")

# -- data -----------------------------------------------------------------------------------------------------


def two_classes(
    n_samples: int = 40, seed: int = 0, separation: float = 2.5, spread: float = 0.8
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 2-D (``X`` (n, 2), labels ``t`` in {-1, +1}, alternating), centred at
    ``-+separation/2 (cos 30°, sin 30°)`` with standard deviation ``spread``, drawn from ``seed``."""
    n = check.integer("n_samples", n_samples, minimum=4, maximum=10_000)
    separation = check.nonnegative("separation", separation)
    spread = check.positive("spread", spread)
    rng = np.random.default_rng(check.integer("seed", seed, minimum=0))
    t = np.where(np.arange(n) % 2 == 0, -1.0, 1.0)
    direction = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    X = t[:, None] * (separation / 2) * direction + spread * rng.standard_normal((n, 2))
    return X, t


def moons(n_samples: int = 200, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (labels ``y`` in {0, 1}) with Gaussian noise of ``noise``, in random
    order, drawn from ``seed``: a boundary that no line follows, where k of kNN matters."""
    n = check.integer("n_samples", n_samples, minimum=10, maximum=5_000)
    noise = check.nonnegative("noise", noise)
    rng = np.random.default_rng(check.integer("seed", seed, minimum=0))
    y = (np.arange(n) % 2).astype(int)
    angle = np.pi * rng.random(n)
    X = np.where(
        (y == 0)[:, None],
        np.stack([np.cos(angle), np.sin(angle)], axis=1),
        np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1),
    )
    X = X + noise * rng.standard_normal((n, 2))
    order = rng.permutation(n)
    return X[order], y[order]


# -- linear classifiers at a given lambda ---------------------------------------------------------------------


@dataclass(frozen=True)
class LinearFit:
    """A binary linear classifier fitted at ``lam``: the hyperplane ``w . x - b = 0``, its training losses
    (``data_loss``: the mean per-example loss; ``objective``: with ``lam/2 |w|^2``) and accuracy."""

    loss: str
    lam: float
    w: np.ndarray
    b: float
    data_loss: float
    objective: float
    accuracy: float

    @property
    def margin(self) -> float:
        """The distance ``2 / |w|`` between the lines ``w . x - b = +1`` and ``-1``."""
        return 2.0 / float(np.hypot(*self.w))

    def decision(self, X: Any) -> np.ndarray:
        """``w . x - b`` for points ``(..., 2)``."""
        X = np.asarray(X, dtype=float)
        return X[..., 0] * self.w[0] + X[..., 1] * self.w[1] - self.b


def _per_example(loss: str, u: np.ndarray) -> np.ndarray:
    """The per-example loss of the functional margin ``u = t (w . x - b)``."""
    if loss == "svm":
        return np.maximum(0.0, 1.0 - u)
    return np.maximum(-u, 0.0) + np.log1p(np.exp(-np.abs(u)))


def linear_objective(X: Any, t: Any, lam: float, loss: str, w: Any, b: float) -> float:
    """The training objective ``mean loss + lam/2 |w|^2`` at ``(w, b)``."""
    X, t, w = np.asarray(X, dtype=float), np.asarray(t, dtype=float), np.asarray(w, dtype=float)
    u = t * (X[:, 0] * w[0] + X[:, 1] * w[1] - b)
    return float(_per_example(loss, u).mean() + 0.5 * lam * (w[0] * w[0] + w[1] * w[1]))


def _fit_svm(X: np.ndarray, t: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """The soft-margin SVM, exactly: Newton's method on the hinge smoothed over a width delta (quadratic for
    residuals ``r = 1 - t (w . x - b)`` in (0, delta)), delta shrunk to 1e-9, finds which points lie inside
    the margin and which on it; the optimality conditions solved for that split then give the exact (w, b),
    checked (multipliers in [0, 1/N], every point on its side). Where the check fails (a degenerate split), the
    quadratic program in (w, b, xi) is solved by SLSQP instead."""
    a = np.stack([t * X[:, 0], t * X[:, 1], -t], axis=1)  # u_i = a_i . z for z = (w1, w2, b)
    z = np.zeros(3)
    for delta in np.geomspace(1.0, 1e-9, 10):
        z = _newton_smoothed_hinge(a, lam, delta, z)
    exact = _svm_kkt(a, lam, z)
    if exact is not None:
        return exact[:2].copy(), float(exact[2])
    return _fit_svm_qp(X, t, lam, z)


def solve_small(A: Any, b: Any) -> np.ndarray:
    """``A^-1 b`` for a small square system, by Gaussian elimination with partial pivoting in plain float
    arithmetic (LAPACK's solve goes through BLAS kernels, whose last bits differ by CPU). Raises
    ``numpy.linalg.LinAlgError`` for a singular ``A``.

    >>> solve_small([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]).tolist()
    [0.8, 1.4]
    """
    M = [[float(v) for v in row] for row in np.asarray(A, dtype=float)]
    x = [float(v) for v in np.asarray(b, dtype=float)]
    n = len(x)
    scale = max((abs(v) for row in M for v in row), default=0.0)
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(M[r][col]))
        if abs(M[pivot][col]) <= 1e-14 * scale:
            raise np.linalg.LinAlgError("singular matrix")
        M[col], M[pivot] = M[pivot], M[col]
        x[col], x[pivot] = x[pivot], x[col]
        for r in range(col + 1, n):
            factor = M[r][col] / M[col][col]
            if factor:
                for c in range(col, n):
                    M[r][c] -= factor * M[col][c]
                x[r] -= factor * x[col]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        total = x[r]
        for c in range(r + 1, n):
            total -= M[r][c] * out[c]
        out[r] = total / M[r][r]
    return np.array(out)


def _dot3(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    return a[:, 0] * z[0] + a[:, 1] * z[1] + a[:, 2] * z[2]


def _newton_smoothed_hinge(a: np.ndarray, lam: float, delta: float, z: np.ndarray) -> np.ndarray:
    """The minimum of ``lam/2 |w|^2 + mean h(1 - a_i . z)`` with the hinge h smoothed over ``delta`` (0 below
    0, ``r^2 / 2 delta`` up to delta, ``r - delta/2`` beyond), from ``z``, by Newton's method damped as
    Levenberg-Marquardt (b is not penalized: where no point is in a quadratic piece the curvature along b is
    zero, and the damping keeps the steps finite)."""
    n = len(a)
    ridge = np.array([lam, lam, 0.0])

    def value(q: np.ndarray) -> float:
        r = 1.0 - _dot3(a, q)
        h = np.where(r <= 0, 0.0, np.where(r < delta, r * r / (2 * delta), r - delta / 2))
        return float(0.5 * lam * (q[0] * q[0] + q[1] * q[1]) + h.mean())

    f = value(z)
    damping = 1e-6
    for _ in range(400):
        r = 1.0 - _dot3(a, z)
        slope = np.where(r <= 0, 0.0, np.where(r < delta, r / delta, 1.0))  # dh/dr
        grad = ridge * z - np.array([(slope * a[:, j]).sum() for j in range(3)]) / n
        curve = np.where((r > 0) & (r < delta), 1.0 / delta, 0.0) / n
        H = np.array([[(curve * a[:, i] * a[:, j]).sum() for j in range(3)] for i in range(3)])
        H += np.diag(ridge)
        scale = max(float(np.abs(np.diag(H)).max()), lam)
        while damping < 1e20:
            trial = z - solve_small(H + damping * scale * np.eye(3), grad)
            trial_f = value(trial)
            if trial_f <= f:
                break
            damping *= 10
        else:
            return z
        moved = np.abs(trial - z)
        z, f = trial, trial_f
        damping = max(damping / 10, 1e-15)
        if np.all(moved <= 1e-15 * np.maximum(1.0, np.abs(z))):
            return z
    return z


def _svm_kkt(a: np.ndarray, lam: float, z: np.ndarray, tol: float = 1e-6) -> np.ndarray | None:
    """The exact SVM solution for the split of the points that ``z`` (nearly optimal) shows: inside the margin
    (V), on it (M), outside (O). Solves ``lam P z - mean_V a_i - sum_M mu_i a_i = 0``, ``a_i . z = 1`` on M;
    returns None unless ``0 <= mu_i <= 1/N`` and every point stays on its side."""
    n = len(a)
    r = 1.0 - _dot3(a, z)
    on = np.abs(r) <= tol
    inside = r > tol
    m = int(on.sum())
    if m == 0:
        return _svm_without_margin_points(a, lam, inside)
    A = np.zeros((3 + m, 3 + m))
    rhs = np.zeros(3 + m)
    A[0, 0] = A[1, 1] = lam
    A[:3, 3:] = -a[on].T
    rhs[:3] = np.array([(inside * a[:, j]).sum() for j in range(3)]) / n
    A[3:, :3] = a[on]
    rhs[3:] = 1.0
    try:
        solution = solve_small(A, rhs)
    except np.linalg.LinAlgError:
        return None
    exact, mu = solution[:3], solution[3:]
    r = 1.0 - _dot3(a, exact)
    fine = (
        np.all(np.isfinite(solution))
        and np.all(mu >= -1e-12)
        and np.all(mu <= 1.0 / n + 1e-12)
        and np.all(r[inside] > -1e-12)
        and np.all(r[~inside & ~on] < 1e-12)
    )
    return exact if fine else None


def _svm_without_margin_points(a: np.ndarray, lam: float, inside: np.ndarray) -> np.ndarray | None:
    """The split with no point on the margin: ``lam w = mean_V t_i x_i``, and (as ``sum_V t_i = 0`` must hold)
    the loss is flat in b while every point stays on its side: b is the middle of that interval."""
    n = len(a)
    if abs(float(a[inside, 2].sum())) > 1e-12:
        return None
    w = np.array([(inside * a[:, j]).sum() for j in range(2)]) / (n * lam)
    # r_i = 1 - (a_i0 w0 + a_i1 w1) - a_i2 b: inside points need r_i > 0, the others r_i < 0.
    base = 1.0 - (a[:, 0] * w[0] + a[:, 1] * w[1])
    c = a[:, 2]  # -t_i
    low, high = -np.inf, np.inf
    for keep_positive, rows in ((True, inside), (False, ~inside)):
        for bi, ci in zip(base[rows], c[rows], strict=True):
            # keep_positive: bi - ci b > 0; else bi - ci b < 0.
            bound = bi / ci
            if (ci > 0) == keep_positive:
                high = min(high, bound)
            else:
                low = max(low, bound)
    if not low <= high or not np.isfinite(low + high):
        return None
    return np.array([w[0], w[1], 0.5 * (low + high)])


def _fit_svm_qp(
    X: np.ndarray, t: np.ndarray, lam: float, z: np.ndarray
) -> tuple[np.ndarray, float]:
    """The soft-margin SVM as its quadratic program in (w, b, xi): min lam/2 |w|^2 + mean xi subject to
    t_i (w . x_i - b) >= 1 - xi_i and xi_i >= 0, by SLSQP to 1e-13 from ``z`` (the fallback of
    :func:`_fit_svm`)."""
    from scipy.optimize import minimize

    n = len(t)
    tx = t[:, None] * X

    def objective(v: np.ndarray) -> float:
        return float(0.5 * lam * (v[0] * v[0] + v[1] * v[1]) + v[3:].mean())

    def gradient(v: np.ndarray) -> np.ndarray:
        g = np.empty_like(v)
        g[0], g[1], g[2] = lam * v[0], lam * v[1], 0.0
        g[3:] = 1.0 / n
        return g

    def margins(v: np.ndarray) -> np.ndarray:
        return tx[:, 0] * v[0] + tx[:, 1] * v[1] - t * v[2] - 1.0 + v[3:]

    jac = np.concatenate([tx, -t[:, None], np.eye(n)], axis=1)
    u0 = t * (X[:, 0] * z[0] + X[:, 1] * z[1] - z[2])
    start = np.concatenate([z, np.maximum(0.0, 1.0 - u0)])
    result = minimize(
        objective, start, jac=gradient, method="SLSQP",
        bounds=[(None, None)] * 3 + [(0.0, None)] * n,
        constraints=[{"type": "ineq", "fun": margins, "jac": lambda v: jac}],
        options={"ftol": 1e-13, "maxiter": 1000},
    )  # fmt: skip
    if not result.success:
        raise RuntimeError(
            f"the SVM's quadratic program did not converge at lam = {lam:g}: {result.message}"
        )
    v = result.x
    return v[:2].copy(), float(v[2])


def _fit_softmax(X: np.ndarray, t: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """The logistic loss with ``lam/2 |w|^2`` by Newton's method with backtracking, to full precision."""
    n = len(t)
    p = np.zeros(3)  # (w1, w2, b)
    phi = np.stack([X[:, 0], X[:, 1], -np.ones(n)], axis=1)

    def f(q: np.ndarray) -> float:
        return linear_objective(X, t, lam, "softmax", q[:2], q[2])

    value = f(p)
    for _ in range(100):
        u = t * (phi[:, 0] * p[0] + phi[:, 1] * p[1] + phi[:, 2] * p[2])
        e = np.exp(-np.abs(u))
        s = np.where(u >= 0, e / (1.0 + e), 1.0 / (1.0 + e))  # sigmoid(-u)
        d = -t * s / n
        grad = np.array([(d * phi[:, j]).sum() for j in range(3)]) + lam * np.array(
            [p[0], p[1], 0.0]
        )
        curvature = s * (1.0 - s) / n
        H = np.array(
            [[(curvature * phi[:, i] * phi[:, j]).sum() for j in range(3)] for i in range(3)]
        )
        H[0, 0] += lam
        H[1, 1] += lam
        step = solve_small(H, grad)
        size = 1.0
        while size > 1e-12:
            trial = p - size * step
            trial_value = f(trial)
            if trial_value <= value:
                break
            size /= 2
        if np.all(np.abs(trial - p) <= 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(p))):
            return trial[:2].copy(), float(trial[2])
        p, value = trial, trial_value
    return p[:2].copy(), float(p[2])


def fit_linear(X: Any, t: Any, lam: float, loss: str = "svm") -> LinearFit:
    """The binary linear classifier (``loss``: ``"svm"`` or ``"softmax"``) that minimizes the training
    objective at ``lam`` (> 0) on points ``X`` (n, 2) with labels ``t`` in {-1, +1}."""
    X, t = np.asarray(X, dtype=float), np.asarray(t, dtype=float)
    lam = check.positive("lam", lam)
    loss = check.choice("loss", loss, LINEAR_LOSSES, what="loss")
    if set(np.unique(t).tolist()) != {-1.0, 1.0}:
        raise ParameterError("t", "must hold both labels -1 and +1")
    w, b = (_fit_svm if loss == "svm" else _fit_softmax)(X, t, lam)
    u = t * (X[:, 0] * w[0] + X[:, 1] * w[1] - b)
    data = float(_per_example(loss, u).mean())
    return LinearFit(
        loss=loss, lam=float(lam), w=w, b=b, data_loss=data,
        objective=data + 0.5 * lam * float(w[0] * w[0] + w[1] * w[1]), accuracy=float(np.mean(u > 0)),
    )  # fmt: skip


@dataclass(frozen=True)
class RegularizationSweep:
    """The data, the two fits of each loss drawn (``shown[loss] = (low, high)``), and each loss fitted over
    ``lams`` (``path[loss]``: one :class:`LinearFit` per lambda)."""

    X: np.ndarray
    t: np.ndarray
    lams: np.ndarray
    shown: dict[str, tuple[LinearFit, LinearFit]]
    path: dict[str, tuple[LinearFit, ...]]

    def curve(self, loss: str, what: str = "data_loss") -> np.ndarray:
        """``data_loss``, ``objective``, ``accuracy`` or ``margin`` of ``loss``'s fits against ``lams``."""
        return np.array([getattr(f, what) for f in self.path[loss]])


def regularization_sweep(
    low: float = 0.01,
    high: float = 1.0,
    *,
    n_samples: int = 40,
    seed: int = 0,
    separation: float = 2.5,
    points: int = 13,
) -> RegularizationSweep:
    """The linear SVM and softmax fitted at ``low`` and ``high`` lambda on :func:`two_classes`, and over
    ``points`` lambdas log-spaced from ``low / 10`` to ``high * 10``.

    >>> sweep = regularization_sweep(points=5)
    >>> bool(np.all(np.diff(sweep.curve("svm")) > 0)), bool(np.all(np.diff(sweep.curve("svm", "margin")) > 0))
    (True, True)
    """
    low, high = check.positive("low", low), check.positive("high", high)
    if not low < high:
        raise ParameterError("high", f"must be larger than low ({low:g}), got {high:g}")
    X, t = two_classes(n_samples, seed, separation)
    lams = np.geomspace(
        low / 10, high * 10, check.integer("points", points, minimum=2, maximum=200)
    )
    shown = {
        loss: (fit_linear(X, t, low, loss), fit_linear(X, t, high, loss)) for loss in LINEAR_LOSSES
    }
    path = {loss: tuple(fit_linear(X, t, lam, loss) for lam in lams) for loss in LINEAR_LOSSES}
    return RegularizationSweep(X=X, t=t, lams=lams, shown=shown, path=path)


# -- k-nearest neighbours and cross-validation ----------------------------------------------------------------


def squared_distances(A: Any, B: Any) -> np.ndarray:
    """``|a_i - b_j|^2`` for points ``A`` (m, 2) and ``B`` (n, 2): (m, n), by broadcasting."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    dx = A[:, None, 0] - B[None, :, 0]
    dy = A[:, None, 1] - B[None, :, 1]
    return dx * dx + dy * dy


def knn_predict(
    X_train: Any, y_train: Any, X_test: Any, k: int, *, chunk: int = 2048
) -> np.ndarray:
    """The majority label among the ``k`` nearest training points of each test point (ties of distance:
    the earlier training point; ties of votes: the smaller label, as ``argmax(bincount)``)."""
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    y_train = np.asarray(y_train, dtype=int)
    k = check.integer("k", k, minimum=1, maximum=len(y_train))
    labels = int(y_train.max()) + 1
    out = np.empty(len(X_test), dtype=int)
    for start in range(0, len(X_test), chunk):
        d = squared_distances(X_test[start : start + chunk], X_train)
        nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
        votes = np.stack([(y_train[nearest] == c).sum(axis=1) for c in range(labels)], axis=1)
        out[start : start + chunk] = votes.argmax(axis=1)
    return out


def fold_slices(n: int, folds: int) -> list[slice]:
    """``folds`` consecutive chunks of ``range(n)``, as ``torch.chunk`` splits: each ``ceil(n / folds)`` long,
    the last one shorter.

    >>> fold_slices(10, 3)
    [slice(0, 4, None), slice(4, 8, None), slice(8, 10, None)]
    """
    size = -(-n // folds)
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


@dataclass(frozen=True)
class CrossValidation:
    """k-fold cross-validation of kNN's k: ``accuracy[i, f]`` for ``ks[i]`` on fold ``f``; ``mean`` and
    ``std`` (population, ``ddof=0``) over the folds; ``best``: the chosen k; ``region``: the chosen kNN's
    predicted label over ``grid`` (the data's view), for the figure."""

    X: np.ndarray
    y: np.ndarray
    ks: tuple[int, ...]
    folds: int
    accuracy: np.ndarray
    grid: tuple[np.ndarray, np.ndarray]
    region: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.accuracy.mean(axis=1)

    @property
    def std(self) -> np.ndarray:
        return self.accuracy.std(axis=1)

    @property
    def best(self) -> int:
        """The k of the highest mean accuracy over the folds (the smallest on a tie)."""
        return int(self.ks[int(np.argmax(self.mean))])


def cross_validate_knn(
    X: Any, y: Any, ks: Sequence[int], folds: int = 5, *, resolution: int = 160
) -> CrossValidation:
    """Each ``k`` of ``ks`` scored on each of ``folds`` held-out folds (:func:`fold_slices`), kNN trained on
    the other folds; and the chosen k's predicted labels over a ``resolution``-square grid of the data's view.

    >>> X, y = moons(100, seed=1)
    >>> cv = cross_validate_knn(X, y, [1, 5, 15], folds=5, resolution=8)
    >>> cv.accuracy.shape, cv.best in (1, 5, 15)
    ((3, 5), True)
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    folds = check.integer("folds", folds, minimum=2, maximum=len(y))
    slices = fold_slices(len(y), folds)
    ks = tuple(check.integer(f"ks[{i}]", k, minimum=1) for i, k in enumerate(ks))
    smallest_train = len(y) - max(s.stop - s.start for s in slices)
    for i, k in enumerate(ks):
        if k > smallest_train:
            raise ParameterError(
                f"ks[{i}]", f"k = {k} is more than the {smallest_train} training points of a fold"
            )
    accuracy = np.empty((len(ks), len(slices)))
    for f, held in enumerate(slices):
        train = np.ones(len(y), dtype=bool)
        train[held] = False
        for i, k in enumerate(ks):
            accuracy[i, f] = float(np.mean(knn_predict(X[train], y[train], X[held], k) == y[held]))
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.08 * (hi - lo)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    GX, GY = np.meshgrid(gx, gy)
    best = int(ks[int(np.argmax(accuracy.mean(axis=1)))])
    region = knn_predict(X, y, np.stack([GX.ravel(), GY.ravel()], axis=1), best).reshape(GX.shape)
    return CrossValidation(
        X=X, y=y, ks=ks, folds=len(slices), accuracy=accuracy, grid=(gx, gy), region=region
    )


__all__ = [
    "LINEAR_LOSSES",
    "CrossValidation",
    "LinearFit",
    "RegularizationSweep",
    "cross_validate_knn",
    "fit_linear",
    "fold_slices",
    "knn_predict",
    "linear_objective",
    "moons",
    "regularization_sweep",
    "squared_distances",
    "two_classes",
]
