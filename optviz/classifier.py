r"""The lecture's linear-classifier demo, numerically: nine 2-D points, three classes, ``s = W x + b``.

This is the arithmetic behind :func:`optviz.explore_classifier` and the ``linear_classifier_demo`` figure kind
(no matplotlib here). Losses, per point :math:`i` with scores :math:`s = W x_i + b` and label :math:`y_i`:

- multiclass SVM (Weston and Watkins; the slide's default): :math:`L_i = \sum_{j \ne y_i} \max(0, s_j - s_{y_i} + 1)`
- softmax (cross-entropy): :math:`L_i = -\log\bigl(e^{s_{y_i}} / \sum_j e^{s_j}\bigr)`

The data loss is the mean of the :math:`L_i`; the regularization loss is :math:`\lambda \sum W^2` (``b`` is not
regularized); the total is their sum. The gradients are exact, and one update is
``W - step * dW, b - step * db``.

The slide's numbers, at the lecture's parameters:

>>> m = LinearClassifier()
>>> r = m.evaluate()
>>> [f"{v:.2f}" for v in r.scores[3]], f"{r.losses[3]:.2f}"
(['-0.32', '-1.50', '-2.00'], '2.68')
>>> f"{r.data_loss:.2f} {r.reg_loss:.2f} {r.total:.2f}"
'2.30 3.93 6.23'
>>> r.db.round(2).tolist()
[0.33, -0.22, -0.11]

The web demo shows W's gradients as if regularization contributed ``lambda/2 * W`` (its ``-0.17`` for
``W[0,0]`` is ``-0.289 + 0.05 * 2.3``), which is not the derivative of the ``lambda * sum W^2`` it reports;
here the gradient is the exact ``dW_data + 2 lambda W`` of the total loss shown (``W[0,0]``: 0.171).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._format import format_number
from optviz._validate import ParameterError

# The slide's table (columns x[0], x[1], y).
POINTS = np.array(
    [
        [0.5, 0.4],
        [0.8, 0.3],
        [0.3, 0.8],
        [-0.4, 0.3],
        [-0.3, 0.7],
        [-0.7, 0.2],
        [0.7, -0.4],
        [0.5, -0.6],
        [-0.4, -0.5],
    ]
)
LABELS = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
# The slide's starting parameters, regularization strength and step size.
W0 = np.array([[2.3, 2.0], [2.0, -4.0], [3.0, -1.0]])
B0 = np.array([0.0, 0.5, -0.5])
LAMBDA0 = 0.1
STEP0 = 0.09976
LOSSES = ("svm", "softmax")
LOSS_TITLES = {"svm": "multiclass SVM", "softmax": "softmax"}
for _a in (POINTS, LABELS, W0, B0):
    _a.setflags(write=False)


def scores(W: Any, b: Any, X: Any = POINTS) -> np.ndarray:
    """Class scores ``X @ W.T + b``: shape ``(N, K)`` for points ``(N, D)``, ``W (K, D)``, ``b (K,)``.

    >>> scores(W0, B0)[0].round(2).tolist()
    [1.95, -0.1, 0.6]
    """
    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)
    # A broadcast sum, not X @ W.T: BLAS kernels round differently by CPU (design: same bytes everywhere).
    return (X[:, None, :] * W[None, :, :]).sum(axis=-1) + np.asarray(b, dtype=float)


def svm_loss(s: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-point multiclass SVM losses ``(N,)`` and their gradients with respect to the scores ``(N, K)``.

    >>> L, ds = svm_loss(np.array([[3.2, 5.1, -1.7]]), np.array([0]))  # the lecture's cat example
    >>> round(float(L[0]), 2), ds.tolist()
    (2.9, [[-1.0, 1.0, 0.0]])
    """
    n = len(y)
    rows = np.arange(n)
    margins = s - s[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    active = margins > 0
    losses = np.where(active, margins, 0.0).sum(axis=1)
    ds = active.astype(float)
    ds[rows, y] = -active.sum(axis=1)
    return losses, ds


def softmax_loss(s: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-point cross-entropy losses ``(N,)`` of the softmax of the scores, and ``dL/ds = p - onehot(y)``.

    Computed with the scores shifted by their row maximum, so large scores do not overflow.

    >>> L, ds = softmax_loss(np.array([[3.2, 5.1, -1.7]]), np.array([0]))  # the lecture's cat example
    >>> round(float(L[0]), 2)
    2.04
    """
    rows = np.arange(len(y))
    shifted = s - s.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    log_p = shifted - log_norm[:, None]
    losses = -log_p[rows, y]
    ds = np.exp(log_p)
    ds[rows, y] -= 1.0
    return losses, ds


_LOSS_FUNCTIONS = {"svm": svm_loss, "softmax": softmax_loss}


@dataclass(frozen=True)
class Evaluation:
    """Everything the demo shows for one parameter setting: scores, losses and the gradients."""

    scores: np.ndarray  # (N, K)
    losses: np.ndarray  # (N,) per point
    data_loss: float  # mean of losses
    reg_loss: float  # lambda * sum W^2
    total: float
    dW: np.ndarray  # (K, D), of the total
    db: np.ndarray  # (K,)
    dW_data: np.ndarray  # (K, D), of the data loss alone

    @property
    def predictions(self) -> np.ndarray:
        return self.scores.argmax(axis=1)


@dataclass(frozen=True)
class LinearClassifier:
    """A linear classifier ``s = W x + b`` on a small 2-D dataset, with its loss settings.

    Immutable: :meth:`update` and :meth:`with_params` return new classifiers. Defaults are the lecture's
    web-demo state (its nine points, ``W0``, ``B0``, lambda 0.1, the SVM loss and step size 0.09976).

    >>> m = LinearClassifier().update()
    >>> m.W.round(4).tolist()[0], m.b.round(4).tolist()
    ([2.2829, 1.9557], [-0.0333, 0.5222, -0.4889])
    """

    W: np.ndarray = field(default_factory=lambda: W0.copy())
    b: np.ndarray = field(default_factory=lambda: B0.copy())
    X: np.ndarray = field(default_factory=lambda: POINTS.copy())
    y: np.ndarray = field(default_factory=lambda: LABELS.copy())
    reg: float = LAMBDA0
    loss: str = "svm"
    step_size: float = STEP0

    def __post_init__(self) -> None:
        X = np.array(self.X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
            raise ParameterError("X", f"must have shape (N, 2), got {X.shape}")
        y = np.array(self.y)
        if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
            raise ParameterError("y", f"must be {len(X)} integer labels, got {self.y!r}")
        W = np.array(self.W, dtype=float)
        if W.ndim != 2 or W.shape[1] != 2:
            raise ParameterError("W", f"must have shape (K, 2), got {W.shape}")
        b = np.array(self.b, dtype=float).reshape(-1)
        if b.shape != (len(W),):
            raise ParameterError("b", f"must have {len(W)} entries (one per class), got {b.shape}")
        if y.min() < 0 or y.max() >= len(W):
            raise ParameterError("y", f"labels must be in 0..{len(W) - 1}")
        for name, arr in (("X", X), ("W", W), ("b", b)):
            if not np.all(np.isfinite(arr)):
                raise ParameterError(name, "must be finite")
            arr.setflags(write=False)
        y.setflags(write=False)
        for name, arr in (("X", X), ("y", y), ("W", W), ("b", b)):
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "reg", check.nonnegative("reg", self.reg))
        object.__setattr__(self, "loss", check.choice("loss", self.loss, LOSSES, what="loss"))
        object.__setattr__(self, "step_size", check.positive("step_size", self.step_size))

    @property
    def n_classes(self) -> int:
        return len(self.W)

    def evaluate(self) -> Evaluation:
        """Scores, per-point and total losses, and the exact gradients of the total loss."""
        s = scores(self.W, self.b, self.X)
        losses, ds = _LOSS_FUNCTIONS[self.loss](s, self.y)
        n = len(self.y)
        ds = ds / n  # the data loss is a mean
        dW_data = (ds[:, :, None] * self.X[:, None, :]).sum(axis=0)
        db = ds.sum(axis=0)
        data_loss = float(losses.mean())
        reg_loss = float(self.reg * np.sum(self.W * self.W))
        return Evaluation(
            scores=s,
            losses=losses,
            data_loss=data_loss,
            reg_loss=reg_loss,
            total=data_loss + reg_loss,
            dW=dW_data + 2.0 * self.reg * self.W,
            db=db,
            dW_data=dW_data,
        )

    def total_loss(self, params: np.ndarray) -> float:
        """The total loss at the flat parameter vector ``[W.ravel(), b]`` (for gradient checks)."""
        W, b = self.unflatten(params)
        return replace(self, W=W, b=b).evaluate().total

    def flat_params(self) -> np.ndarray:
        return np.concatenate([self.W.ravel(), self.b])

    def flat_grad(self) -> np.ndarray:
        e = self.evaluate()
        return np.concatenate([e.dW.ravel(), e.db])

    def unflatten(self, params: Any) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(params, dtype=float)
        k = self.W.size
        return p[:k].reshape(self.W.shape), p[k:]

    def update(self) -> LinearClassifier:
        """One parameter update: ``W - step_size * dW`` and ``b - step_size * db``."""
        e = self.evaluate()
        return replace(self, W=self.W - self.step_size * e.dW, b=self.b - self.step_size * e.db)

    def with_params(self, W: Any = None, b: Any = None) -> LinearClassifier:
        return replace(self, W=self.W if W is None else W, b=self.b if b is None else b)

    def randomized(self, rng: np.random.Generator) -> LinearClassifier:
        """New parameters drawn from ``rng``: W uniform in [-3, 3], b uniform in [-1, 1] (as the web demo)."""
        return self.with_params(
            W=rng.uniform(-3.0, 3.0, size=self.W.shape), b=rng.uniform(-1.0, 1.0, size=self.b.shape)
        )

    def decision_lines(self) -> list[tuple[np.ndarray, float]]:
        """For each class, ``(w, c)`` of its zero-score line ``w . x + c = 0`` (scores grow along ``w``)."""
        return [(self.W[i].copy(), float(self.b[i])) for i in range(self.n_classes)]


def web_demo_dW(model: LinearClassifier, e: Evaluation | None = None) -> np.ndarray:
    """W's gradient as the lecture's web demo shows it: ``dW_data + (lambda/2) W``.

    The demo reports the regularization loss ``lambda * sum W^2`` but adds ``(lambda/2) W`` to W's gradient,
    which is the derivative of ``(lambda/4) sum W^2``; the exact gradient of its total adds ``2 lambda W``
    (:attr:`Evaluation.dW`). At the slide's state this gives the slide's column:

    >>> web_demo_dW(LinearClassifier()).round(2).tolist()
    [[-0.17, 0.14], [0.42, -0.61], [0.12, 0.32]]
    """
    e = e or model.evaluate()
    return e.dW_data + 0.5 * model.reg * model.W


def fmt2(value: float) -> str:
    """Two decimals with an ASCII minus sign, and no ``-0.00``: how the demo writes every number.

    >>> fmt2(-0.3199999), fmt2(-0.001), fmt2(6.41)
    ('-0.32', '0.00', '6.41')
    """
    return format_number(float(value), decimals=2)


def penalty_rows(
    x: Sequence[float], w1: Sequence[float], w2: Sequence[float]
) -> list[tuple[str, float, float]]:
    """The lecture's comparison of two weight vectors on one input: the score ``wᵀx`` (the same score gives
    the same data loss), the L2 penalty ``Σ w²`` and the L1 penalty ``Σ |w|`` of each.

    >>> penalty_rows([1, 1, 1, 1], [1, 0, 0, 0], [0.25] * 4)
    [('score  wᵀx', 1.0, 1.0), ('L2:  Σ w²', 1.0, 0.25), ('L1:  Σ |w|', 1.0, 1.0)]
    """
    x, a, b = (np.asarray(v, dtype=float) for v in (x, w1, w2))
    return [
        ("score  wᵀx", float((a * x).sum()), float((b * x).sum())),
        ("L2:  Σ w²", float((a * a).sum()), float((b * b).sum())),
        ("L1:  Σ |w|", float(np.abs(a).sum()), float(np.abs(b).sum())),
    ]


def table_rows(model: LinearClassifier, e: Evaluation | None = None) -> list[list[str]]:
    """The demo's table, as text: one row per point ``x[0], x[1], y, s[0].., L``.

    >>> table_rows(LinearClassifier())[4]
    ['-0.30', '0.70', '1', '0.71', '-2.90', '-2.10', '6.41']
    """
    e = e or model.evaluate()
    rows = []
    for xi, yi, si, li in zip(model.X, model.y, e.scores, e.losses, strict=True):
        rows.append([fmt2(xi[0]), fmt2(xi[1]), str(int(yi)), *(fmt2(v) for v in si), fmt2(li)])
    return rows


def table_header(model: LinearClassifier) -> list[str]:
    return ["x[0]", "x[1]", "y", *(f"s[{j}]" for j in range(model.n_classes)), "L"]


def summary_lines(e: Evaluation) -> list[str]:
    """``['Total data loss: 2.30', 'Regularization loss: 3.93', 'Total loss: 6.23']`` (the slide's wording)."""
    return [
        f"Total data loss: {fmt2(e.data_loss)}",
        f"Regularization loss: {fmt2(e.reg_loss)}",
        f"Total loss: {fmt2(e.total)}",
    ]


__all__: Sequence[str] = [
    "B0",
    "LABELS",
    "LAMBDA0",
    "LOSSES",
    "POINTS",
    "STEP0",
    "W0",
    "Evaluation",
    "LinearClassifier",
    "fmt2",
    "penalty_rows",
    "scores",
    "softmax_loss",
    "summary_lines",
    "svm_loss",
    "table_header",
    "table_rows",
    "web_demo_dW",
]
