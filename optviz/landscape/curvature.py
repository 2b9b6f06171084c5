"""Curvature of the real model: the extreme Hessian eigenvalues by Lanczos on Hessian-vector products.

Power iteration finds the eigenvalue of largest *magnitude*, which near a saddle or early in training can be a
large negative one. Lanczos builds a Krylov basis from Hessian-vector products (``torch.func``: ``jvp`` of
``grad``, never the P x P matrix) and reads both ends of the spectrum off a small tridiagonal matrix: the largest
eigenvalue (the sharpness) and the smallest (the most negative, where there is negative curvature).

:func:`sharpness_along` evaluates both along a recorded path, every k-th point, beside the step size's
stability threshold: for gradient descent on a quadratic, a direction of curvature lambda is stable iff
``lr * lambda < 2`` (heavy ball: ``< 2 + 2 rho``; Nesterov: ``< (2 + 2 rho) / (1 + 2 rho)``; see
``optviz.theory``). Cohen et al. (2021) observed full-batch GD's sharpness rising to ``2 / lr`` and hovering there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from optviz._validate import ParameterError, integer, positive
from optviz.landscape.model import ModelLoss
from optviz.landscape.record import ParameterPath


@dataclass(frozen=True)
class ExtremeEigenvalues:
    """The largest and smallest Hessian eigenvalues found by :func:`lanczos`, with their residual bounds.

    ``residuals`` are ``|beta_m s_mi|``, an upper bound on ``||H v - lambda v||`` of each Ritz pair: an
    eigenvalue of H lies within that distance of the reported one. ``iterations`` is the Krylov dimension used;
    ``exact`` says the Krylov space became invariant (then the values are eigenvalues up to round-off)."""

    largest: float
    smallest: float
    residuals: tuple[float, float]
    iterations: int
    exact: bool = False


def lanczos(
    matvec: Callable[[torch.Tensor], torch.Tensor],
    dim: int,
    *,
    iterations: int = 40,
    tol: float = 1e-6,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    device: Any = "cpu",
) -> ExtremeEigenvalues:
    """The extreme eigenvalues of a symmetric operator ``matvec`` on vectors of length ``dim``.

    Lanczos with full reorthogonalization (twice, so the basis stays orthogonal in floating point), from a
    Gaussian start vector of ``numpy.random.default_rng(seed)``. It stops after ``iterations`` products, or
    earlier once both extreme Ritz values have a residual bound below ``tol`` times the spectrum's scale.

    >>> A = torch.diag(torch.tensor([-2.0, 0.5, 1.0, 3.0], dtype=torch.float64))
    >>> e = lanczos(lambda v: A @ v, 4)
    >>> round(e.largest, 12), round(e.smallest, 12), e.exact
    (3.0, -2.0, True)
    """
    from scipy.linalg import eigh_tridiagonal

    dim = integer("dim", dim, minimum=1)
    m_max = min(integer("iterations", iterations, minimum=1), dim)
    tol = positive("tol", tol)
    q = torch.from_numpy(np.random.default_rng(seed).standard_normal(dim)).to(device, dtype)
    q = q / torch.linalg.vector_norm(q)
    basis = [q]
    alphas: list[float] = []
    betas: list[float] = []
    exact = False
    values = vectors = None
    for j in range(m_max):
        w = matvec(basis[j]).to(dtype)
        alpha = float(w @ basis[j])
        alphas.append(alpha)
        w = w - alpha * basis[j] - (betas[-1] * basis[j - 1] if j > 0 else 0.0)
        Q = torch.stack(basis)
        for _ in range(2):  # full reorthogonalization, twice ("twice is enough", Parlett)
            w = w - Q.T @ (Q @ w)
        beta = float(torch.linalg.vector_norm(w))
        values, vectors = eigh_tridiagonal(np.array(alphas), np.array(betas), lapack_driver="stev")
        scale = max(float(np.abs(values).max()), np.finfo(float).tiny)
        if beta <= 1e-12 * scale or j + 1 == dim:
            exact = True
            break
        bounds = beta * np.abs(vectors[-1, [-1, 0]])
        if j >= 1 and np.all(bounds <= tol * scale):
            break
        if j + 1 < m_max:
            betas.append(beta)
            basis.append(w / beta)
    assert values is not None and vectors is not None
    last_beta = 0.0 if exact else beta
    res = last_beta * np.abs(vectors[-1, [-1, 0]])
    return ExtremeEigenvalues(
        largest=float(values[-1]), smallest=float(values[0]), residuals=(float(res[0]), float(res[1])),
        iterations=len(alphas), exact=exact,
    )  # fmt: skip


def extreme_eigenvalues(
    loss: ModelLoss, theta: Any = None, *, iterations: int = 40, tol: float = 1e-6, seed: int = 0
) -> ExtremeEigenvalues:
    """The largest and smallest eigenvalue of the Hessian of ``loss`` at ``theta`` (default: the model as it is),
    by :func:`lanczos` on Hessian-vector products."""
    point = loss.theta() if theta is None else loss.as_theta(theta)
    return lanczos(
        lambda v: loss.hvp(point, v), loss.numel, iterations=iterations, tol=tol, seed=seed,
        dtype=loss.dtype if loss.dtype == torch.float64 else torch.float32, device=loss.device,
    )  # fmt: skip


def stability_threshold(rule: str, hyperparams: dict[str, Any]) -> float | None:
    """The curvature above which the rule's constant step is unstable on a quadratic, or None (adaptive rules).

    GD: 2/lr; heavy ball (SGD momentum): (2 + 2 rho)/lr; Nesterov: (2 + 2 rho)/((1 + 2 rho) lr) (the regions of
    ``optviz.theory.heavy_ball_region`` and ``nesterov_region``).

    >>> stability_threshold("gd", {"lr": 0.5}), stability_threshold("momentum", {"lr": 0.1, "rho": 0.9})
    (4.0, 38.0)
    """
    lr = hyperparams.get("lr")
    if lr is None or lr <= 0:
        return None
    rho = float(hyperparams.get("rho", 0.0))
    if rule == "gd":
        return 2.0 / lr
    if rule == "momentum":
        return (2 + 2 * rho) / lr
    if rule == "nesterov":
        return (2 + 2 * rho) / ((1 + 2 * rho) * lr)
    return None


@dataclass(frozen=True)
class Sharpness:
    """The extreme Hessian eigenvalues along a path: at training ``steps`` (K,), ``largest`` and ``smallest``
    (K,), with the rule's stability ``threshold`` (None for adaptive rules) and the path's description."""

    steps: np.ndarray
    largest: np.ndarray
    smallest: np.ndarray
    threshold: float | None
    label: str
    rule: str
    hyperparams: dict[str, Any] = field(default_factory=dict)
    residuals: np.ndarray | None = None


def sharpness_along(
    loss: ModelLoss,
    path: ParameterPath,
    *,
    every: int = 1,
    iterations: int = 40,
    tol: float = 1e-6,
    seed: int = 0,
) -> Sharpness:
    """:func:`extreme_eigenvalues` at every ``every``-th recorded point of ``path`` (and its last one)."""
    every = integer("every", every, minimum=1)
    if path.theta.shape[1] != loss.numel:
        raise ParameterError(
            "path", f"has {path.theta.shape[1]} parameters, the model {loss.numel}"
        )
    rows = list(range(0, len(path), every))
    if rows[-1] != len(path) - 1:
        rows.append(len(path) - 1)
    found = [
        extreme_eigenvalues(
            loss, path.theta[i].to(loss.dtype), iterations=iterations, tol=tol, seed=seed
        )
        for i in rows
    ]
    return Sharpness(
        steps=path.steps[rows].copy(),
        largest=np.array([e.largest for e in found]),
        smallest=np.array([e.smallest for e in found]),
        threshold=stability_threshold(path.rule, path.hyperparams),
        label=path.label,
        rule=path.rule,
        hyperparams=dict(path.hyperparams),
        residuals=np.array([e.residuals for e in found]),
    )
