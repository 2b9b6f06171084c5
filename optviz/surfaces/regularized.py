"""L2 regularization (weight decay) of every parameter as a surface wrapper: f + lam |p|^2."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import _validate as check
from optviz.surfaces.base import FiniteSumSurface, Surface, as_points


class Regularized(Surface):
    r"""``f(p) + lam |p|^2`` for a wrapped surface f; gradient ``+ 2 lam p``, Hessian ``+ 2 lam I``.

    Every Hessian eigenvalue shifts by ``2 lam``, so on a quadratic with eigenvalues mu..L the
    condition number becomes ``(L + 2 lam) / (mu + 2 lam)``. The view and the suggested start are
    the wrapped surface's. Its known critical points are carried over by Newton's method on the
    regularized gradient, starting from each old one; those that do not converge are dropped, and
    the rest are sorted by the kind they now are (a saddle can become a minimum), minima by value.
    Other attributes (a dataset's arrays, say) are read from the wrapped surface, which is
    ``.inner``, except a quadratic's spectrum: ``mu``, ``L``, ``kappa`` and ``A`` are the regularized ones.

    >>> import optviz as ov
    >>> r = ov.regularized(ov.surface("quadratic", kappa=100), 0.5)
    >>> r.mu, r.L, r.kappa
    (2.0, 101.0, 50.5)
    """

    @property
    def cost(self) -> float:
        return float(self.inner.cost)

    def __init__(self, inner: Surface, lam: float) -> None:
        if not isinstance(inner, Surface):
            raise check.ParameterError("surface", f"must be a Surface, got {type(inner).__name__}")
        self.inner = inner
        self.lam = check.nonnegative("lam", lam)
        self.param_names = tuple(inner.param_names)
        u, v = self.param_names
        super().__init__(
            title=f"{inner.title} + L2 (λ = {self.lam:g})",
            latex=rf"{inner.latex} + {self.lam:g}\,({u}^2 + {v}^2)",
            bounds=inner.bounds,
            start=inner.start,
            params={"surface": inner.name or type(inner).__name__, **inner.params, "l2": self.lam},
            level_scale=inner.level_scale,
            name=inner.name,
        )
        self.minima, self.saddles, self.maxima = _carried_over(self, inner)

    def value(self, xy: Any) -> np.ndarray:
        xy = as_points(xy)
        return self.inner.value(xy) + self.lam * (xy[..., 0] * xy[..., 0] + xy[..., 1] * xy[..., 1])

    def grad(self, xy: Any) -> np.ndarray:
        xy = as_points(xy)
        return self.inner.grad(xy) + (2 * self.lam) * xy

    def hessian(self, xy: Any) -> np.ndarray:
        return self.inner.hessian(xy) + (2 * self.lam) * np.eye(2)

    def describe(self) -> str:
        return f"{self.inner.describe()} + L2 ({self.lam:g})"

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes this wrapper does not have; never for private or special
        # names.
        if name.startswith("_") or "inner" not in self.__dict__:
            raise AttributeError(name)
        inner, shift = self.__dict__["inner"], 2 * self.__dict__["lam"]
        # A quadratic's spectrum moves with the penalty: its eigenvalues, kappa and matrix are the
        # regularized ones, never the wrapped surface's.
        if name in ("mu", "L"):
            return getattr(inner, name) + shift
        if name == "kappa":
            return (inner.L + shift) / (inner.mu + shift)
        if name == "A":
            return inner.A + shift * np.eye(2)
        return getattr(inner, name)


class RegularizedFiniteSum(Regularized, FiniteSumSurface):
    """A regularized dataset loss: still a finite sum; minibatch gradients add the exact penalty."""

    def __init__(self, inner: FiniteSumSurface, lam: float) -> None:
        super().__init__(inner, lam)
        self.n_samples = inner.n_samples

    def batch_value(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        return self.inner.batch_value(xy, idx) + self.lam * (
            xy[..., 0] * xy[..., 0] + xy[..., 1] * xy[..., 1]
        )  # type: ignore[attr-defined]

    def batch_grad(self, xy: np.ndarray, idx: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        return self.inner.batch_grad(xy, idx) + (2 * self.lam) * xy  # type: ignore[attr-defined]


def _carried_over(surface: Surface, inner: Surface) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from optviz.analysis import (
        critical_point_kind,
        refine_critical_points,
    )  # analysis imports surfaces

    old = np.concatenate([inner.minima, inner.saddles, inner.maxima])
    old_kind = ["minimum"] * len(inner.minima) + ["saddle"] * len(inner.saddles)
    old_kind += ["maximum"] * len(inner.maxima)
    groups: dict[str, list[np.ndarray]] = {"minimum": [], "saddle": [], "maximum": []}
    if len(old):
        points, ok = refine_critical_points(surface, old)
        kinds = critical_point_kind(surface, points)
        seen: list[np.ndarray] = []
        for p, good, kind, was in zip(points, ok, kinds, old_kind, strict=True):
            # Two old points may converge to one new one (a saddle and a minimum merging as lam
            # grows).
            if not good or any(np.hypot(*(p - q)) <= 1e-9 * surface.diagonal for q in seen):
                continue
            seen.append(p)
            groups[was if kind == "degenerate" else kind].append(p)
    minima = np.array(groups["minimum"]).reshape(-1, 2)
    minima = minima[np.argsort(surface.value(minima), kind="stable")] if len(minima) else minima
    out = [
        minima,
        np.array(groups["saddle"]).reshape(-1, 2),
        np.array(groups["maximum"]).reshape(-1, 2),
    ]
    for arr in out:
        arr.setflags(write=False)
    return out[0], out[1], out[2]


def regularized(surface: Surface, lam: float) -> Regularized:
    """``surface`` plus ``lam * |p|^2`` on all parameters (L2 regularization, weight decay).

    The gradient gains ``2 lam p`` and the Hessian ``2 lam I``, so every curvature grows by ``2
    lam`` and the condition number ``(L + 2 lam) / (mu + 2 lam)`` falls toward 1 as ``lam`` grows. A
    finite-sum (dataset) surface stays one: its minibatch gradient is the sampled data term plus the
    exact penalty.

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=100)
    >>> [float(ov.condition_number(regularized(q, lam), [0.0, 0.0])) for lam in (0.0, 0.5, 4.5)]
    [100.0, 50.5, 10.9]
    >>> r = regularized(ov.surface("double_well"), 0.1)
    >>> r.minima.round(6).tolist(), r.saddles.tolist()
    ([[-0.894427, 0.0], [0.894427, 0.0]], [[0.0, 0.0]])
    """
    if isinstance(surface, FiniteSumSurface):
        return RegularizedFiniteSum(surface, lam)
    return Regularized(surface, lam)
