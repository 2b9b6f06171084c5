"""Planes through parameter space, and least-squares projection of parameter paths onto them.

A :class:`Plane` is ``theta(a, b) = origin + a d1 + b d2``. Three ways to choose it:

* :func:`random_plane`: two random directions, filter-normalized as Li et al. (2018) define it, around one model;
* :func:`plane_through`: the plane through three models (an initialization and two solutions, say);
* :func:`pca_plane`: the two principal directions of one or several recorded paths.

Projection is by least squares, because filter-normalized directions are not orthogonal: the coordinates
``(a, b)`` minimize ``||theta - origin - a d1 - b d2||``. What the plane cannot show is the *residual*
``||theta - projection|| / ||theta - origin||``: the fraction of the distance from the origin that lies off the
plane. A residual near 1 says the picture tells almost nothing about where that point really is.

References: H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein, "Visualizing the Loss Landscape of Neural Nets",
NeurIPS 2018 (section 4: filter normalization; section 7: PCA of the trajectory).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from optviz._validate import ParameterError, integer
from optviz.landscape.model import Layout, ModelLoss, flatten
from optviz.landscape.record import ParameterPath

_EPS = 1e-10  # Li et al.'s guard against a zero-norm filter of the random direction


@dataclass(frozen=True, eq=False)
class Plane:
    """``theta(a, b) = origin + a d1 + b d2``: a 2-D slice of parameter space.

    Attributes
    ----------
    origin : Tensor (P,)
        theta_ref, the point at (0, 0).
    directions : Tensor (2, P)
        d1 and d2 (float64). Not necessarily orthogonal (random filter-normalized ones are not).
    kind : str
        ``"filter-normalized random"``, ``"three models"`` or ``"PCA"``.
    axis_labels : (str, str)
        What the coordinates mean, for the axes.
    explained_variance : (float, float) or None
        PCA planes: the fraction of the paths' squared distance from the origin (``centered=False``) or of their
        variance (``centered=True``) along each component.
    marks : dict
        Named points in plane coordinates (the three models of :func:`plane_through`).
    seed : int or None
        The seed of a random plane.
    """

    origin: torch.Tensor
    directions: torch.Tensor
    kind: str
    axis_labels: tuple[str, str] = ("a", "b")
    explained_variance: tuple[float, float] | None = None
    marks: dict[str, tuple[float, float]] = field(default_factory=dict)
    seed: int | None = None

    @property
    def numel(self) -> int:
        return int(self.origin.numel())

    def points(self, ab: Any) -> torch.Tensor:
        """theta at plane coordinates ``ab`` of shape (..., 2): shape (..., P), in float64 (cast it to the model's
        dtype to evaluate it)."""
        ab = torch.as_tensor(np.asarray(ab, dtype=float), dtype=torch.float64)
        if ab.shape[-1] != 2:
            raise ParameterError("ab", f"must have shape (..., 2), got {tuple(ab.shape)}")
        d = self.directions
        return self.origin.to(torch.float64) + ab[..., :1] * d[0] + ab[..., 1:] * d[1]

    def coordinates(self, thetas: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """Least-squares plane coordinates (T, 2) of parameter vectors (T, P), and their off-plane residuals (T,).

        The residual is ``||theta - projection|| / ||theta - origin||``; at the origin itself it is undefined
        (nan)."""
        thetas = torch.as_tensor(thetas)
        if thetas.ndim == 1:
            thetas = thetas[None]
        if thetas.shape[-1] != self.numel:
            raise ParameterError(
                "thetas", f"must have {self.numel} parameters per row, got {thetas.shape[-1]}"
            )
        delta = thetas.to(torch.float64) - self.origin.to(torch.float64)
        d = self.directions
        # The 2 x 2 normal equations, solved in closed form: (D D^T) c = D delta.
        g11, g12, g22 = float(d[0] @ d[0]), float(d[0] @ d[1]), float(d[1] @ d[1])
        r1, r2 = delta @ d[0], delta @ d[1]
        det = g11 * g22 - g12 * g12
        a = (g22 * r1 - g12 * r2) / det
        b = (g11 * r2 - g12 * r1) / det
        off = delta - a[:, None] * d[0] - b[:, None] * d[1]
        dist = torch.linalg.vector_norm(delta, dim=1)
        residual = torch.where(
            dist > 0, torch.linalg.vector_norm(off, dim=1) / dist.clamp_min(1e-300), float("nan")
        )
        return torch.stack([a, b], dim=1).numpy(), residual.numpy()

    def project(self, path: ParameterPath, loss: ModelLoss | None = None) -> Projection:
        """The path in plane coordinates, with its residual and (given ``loss``) the model's loss at each point."""
        xy, residual = self.coordinates(path.theta)
        if loss is not None:
            values = loss.values(path.theta.to(loss.dtype)).detach().cpu().numpy().astype(float)
        else:
            values = np.full(len(xy), np.nan)
        return Projection(path=path, xy=xy, residual=residual, loss=values)

    def __repr__(self) -> str:
        extra = ""
        if self.explained_variance is not None:
            extra = ", explained variance " + ", ".join(f"{v:.1%}" for v in self.explained_variance)
        if self.seed is not None:
            extra += f", seed {self.seed}"
        return f"<Plane {self.kind} through {self.numel} parameters{extra}>"


@dataclass(frozen=True, eq=False)
class Projection:
    """A :class:`ParameterPath` on a plane: coordinates ``xy`` (T, 2), ``residual`` (T,) and ``loss`` (T,).

    ``loss`` is the model's full loss at each recorded theta (the true value, off the plane), or nan when the
    projection was made without a :class:`ModelLoss`."""

    path: ParameterPath
    xy: np.ndarray
    residual: np.ndarray
    loss: np.ndarray

    @property
    def steps(self) -> np.ndarray:
        """The training step of each row."""
        return self.path.steps

    @property
    def label(self) -> str:
        return self.path.label

    def trajectory(self) -> Any:
        """An :class:`optviz.Trajectory` in plane coordinates, for ``ov.plot.trajectory`` and ``ov.animate``.

        Row k is the k-th recorded point (training step ``steps[k]``); ``loss`` is the model's true loss there;
        ``grad`` is not recorded (nan)."""
        from optviz.optimizers import RecordedRule
        from optviz.trajectory import Trajectory

        xy = np.ascontiguousarray(self.xy, dtype=float)
        loss = np.asarray(self.loss, dtype=float)
        stop = len(xy) - 1
        if self.path.status == "diverged":
            # The last valid iterate is the last one whose loss is finite (a known loss, nan, stays valid).
            bad = np.isinf(loss) | (np.abs(loss) > np.finfo(float).max / 2)
            stop = int(np.argmax(bad)) - 1 if bad.any() else stop
            stop = max(stop, 0)
            xy[stop + 1 :] = xy[stop]
            loss = loss.copy()
            loss[stop + 1 :] = loss[stop]
        return Trajectory(
            xy=xy,
            loss=loss,
            grad=np.full_like(xy, np.nan),
            status=self.path.status,
            stop_step=stop,
            # The torch optimizer that ran, in optviz's words: its colour key, label and hyperparameters.
            optimizer=RecordedRule(
                recorded=self.path.rule, title=self.path.label, values=dict(self.path.hyperparams)
            ),
            label=self.path.label,
            surface_name="landscape",
        )


# -- random, filter-normalized ---------------------------------------------------------------------------------
def filter_normalized(
    layout: Layout, origin: torch.Tensor, rng: np.random.Generator, *, bias: str = "zero"
) -> torch.Tensor:
    """One Gaussian direction, each filter scaled to the norm of the model's filter at ``origin`` (Li et al.).

    A filter is a slice along a weight's first axis: an output channel of a convolution, a row (one output
    neuron) of a linear layer: ``d_ij <- d_ij / ||d_ij|| * ||theta_ij||``. Parameters with one axis or none
    (biases, norm layers' scales and shifts) are set to zero (``bias="zero"``: Li et al.'s recommended
    ``--xignore biasbn``) or to the model's own values (``bias="copy"``: their code's default).
    The Gaussian numbers come from ``rng`` in float64, so a seed gives the same direction everywhere.
    """
    if bias not in ("zero", "copy"):
        raise ParameterError("bias", f"must be 'zero' or 'copy', got {bias!r}")
    parts = []
    for _, w in layout.pieces(origin.to(torch.float64)):
        d = torch.from_numpy(rng.standard_normal(tuple(w.shape)))
        if w.dim() <= 1:
            d = torch.zeros_like(w) if bias == "zero" else w.clone()
        else:
            d_norm = torch.linalg.vector_norm(d.reshape(len(d), -1), dim=1)
            w_norm = torch.linalg.vector_norm(w.reshape(len(w), -1), dim=1)
            d = d * (w_norm / (d_norm + _EPS)).reshape(-1, *([1] * (d.dim() - 1)))
        parts.append(d.reshape(-1))
    return torch.cat(parts)


def random_plane(
    loss: ModelLoss, *, origin: Any = None, seed: int = 0, bias: str = "zero"
) -> Plane:
    """Two filter-normalized random directions (Li et al. 2018) around ``origin`` (default: the model as it is).

    ``seed`` feeds ``numpy.random.default_rng``: the same seed gives the same plane and the same picture.
    ``bias``: see :func:`filter_normalized`."""
    seed = integer("seed", seed, minimum=0)
    theta = loss.theta() if origin is None else loss.as_theta(origin, "origin")
    rng = np.random.default_rng(seed)
    d1 = filter_normalized(loss.layout, theta, rng, bias=bias)
    d2 = filter_normalized(loss.layout, theta, rng, bias=bias)
    return Plane(
        origin=theta.detach().cpu().clone(),
        directions=torch.stack([d1, d2]),
        kind="filter-normalized random",
        axis_labels=(r"$\delta$ (filter-normalized)", r"$\eta$ (filter-normalized)"),
        seed=seed,
    )


# -- three models ----------------------------------------------------------------------------------------------
def plane_through(
    a: Any, b: Any, c: Any, *, names: Sequence[str] = ("A", "B", "C"), loss: ModelLoss | None = None
) -> Plane:
    """The plane through three models (vectors, models or ``ParameterPath`` ends): A at (0, 0), B at (1, 0).

    d1 = B - A; d2 is the part of C - A orthogonal to d1, scaled to the length of d1. The coordinates are
    therefore distances in units of ``||B - A||``, the same along both axes (equal aspect is true to the
    geometry), and C sits at ``(c1, c2)`` with ``c2 > 0``."""
    if len(names) != 3:
        raise ParameterError("names", f"must name the three models, got {len(names)} names")
    ta, tb, tc = (_point(p, loss, f"{n}") for p, n in zip((a, b, c), "abc", strict=True))
    if not ta.shape == tb.shape == tc.shape:
        raise ParameterError("c", "the three models must have the same number of parameters")
    u = (tb - ta).to(torch.float64)
    w = (tc - ta).to(torch.float64)
    uu = float(u @ u)
    if uu == 0:
        raise ParameterError("b", "is the same point as a: the plane needs three distinct models")
    along = float(w @ u) / uu
    v = w - along * u
    vv = float(torch.linalg.vector_norm(v))
    if vv <= 1e-12 * np.sqrt(uu):
        raise ParameterError(
            "c", "lies on the line through a and b: the three models span no plane"
        )
    d2 = v * (np.sqrt(uu) / vv)
    marks = {names[0]: (0.0, 0.0), names[1]: (1.0, 0.0), names[2]: (along, vv / np.sqrt(uu))}
    return Plane(
        origin=ta.detach().cpu().clone(),
        directions=torch.stack([u, d2]),
        kind="three models",
        axis_labels=(
            rf"along $\theta_{{{names[1]}}} - \theta_{{{names[0]}}}$",
            rf"towards $\theta_{{{names[2]}}}$ (orthogonal)",
        ),
        marks=marks,
    )


def _point(value: Any, loss: ModelLoss | None, field: str) -> torch.Tensor:
    if isinstance(value, ParameterPath):
        return value.end
    if isinstance(value, torch.nn.Module):
        return flatten(value).cpu()
    if loss is not None:
        return loss.as_theta(value, field).cpu()
    if isinstance(value, torch.Tensor) and value.ndim == 1:
        return value.detach().cpu()
    raise ParameterError(
        field, f"must be a parameter vector, a model or a path, got {type(value).__name__}"
    )


# -- PCA of recorded paths -------------------------------------------------------------------------------------
def pca_plane(
    paths: ParameterPath | Sequence[ParameterPath], *, origin: Any = "start", centered: bool = False
) -> Plane:
    """The plane through ``origin`` spanned by the two principal directions of the paths' points.

    The rows are ``theta_k - theta_ref`` for every recorded point of every path (theta_ref: ``"start"`` the
    first path's first point, which several optimizers from one initialization share; ``"end"`` the first
    path's last point, Li et al.'s choice; or a vector). With ``centered=False`` the rows are not centred, so
    the plane is the one *through theta_ref* closest to all points in least squares, and the explained variance
    of a component is its share of ``sum_k ||theta_k - theta_ref||^2``: 1 minus the explained total is exactly
    the mean squared residual share. ``centered=True`` subtracts the rows' mean first (scikit-learn's PCA, as
    Li et al.'s code does). Each component's sign makes the first path's end lie at a positive coordinate.
    """
    paths = [paths] if isinstance(paths, ParameterPath) else list(paths)
    if not paths:
        raise ParameterError("paths", "needs at least one recorded path")
    sizes = {p.theta.shape[1] for p in paths}
    if len(sizes) != 1:
        raise ParameterError(
            "paths", f"must all have the same number of parameters, got {sorted(sizes)}"
        )
    rows = torch.cat([p.theta.to(torch.float64) for p in paths])
    if isinstance(origin, str):
        if origin not in ("start", "end"):
            raise ParameterError("origin", f"must be 'start', 'end' or a vector, got {origin!r}")
        ref = paths[0].start if origin == "start" else paths[0].end
    else:
        ref = torch.as_tensor(origin).detach().cpu()
        if ref.shape != rows.shape[1:]:
            raise ParameterError(
                "origin", f"must have shape ({rows.shape[1]},), got {tuple(ref.shape)}"
            )
    ref64 = ref.to(torch.float64)
    data = rows - ref64
    if centered:
        data = data - data.mean(dim=0)
    _, s, vh = torch.linalg.svd(data, full_matrices=False)
    total = float((s * s).sum())
    if len(s) < 2 or total == 0 or float(s[1] * s[1]) <= 1e-24 * total:
        raise ParameterError(
            "paths",
            "their points span fewer than two directions: PCA needs a path that turns (or two paths)",
        )
    directions = vh[:2].clone()
    end = paths[0].end.to(torch.float64) - ref64
    for i in range(2):
        if float(end @ directions[i]) < 0:
            directions[i] = -directions[i]
    ratios = (float(s[0] * s[0]) / total, float(s[1] * s[1]) / total)
    return Plane(
        origin=ref.clone(),
        directions=directions,
        kind="PCA",
        axis_labels=(f"PC1 ({ratios[0]:.1%})", f"PC2 ({ratios[1]:.1%})"),
        explained_variance=ratios,
    )
