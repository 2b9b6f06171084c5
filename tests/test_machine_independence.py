"""The same run gives the same bits on every CPU.

BLAS (OpenBLAS inside numpy's wheels) picks its kernels by CPU at start-up, and the kernels differ in whether
they fuse multiply-adds, so a matrix product's last bit depends on the machine. The engine's hot paths (Newton's
2x2 solve and L-BFGS's dot products included),
the dataset surfaces and the figures' helpers are written with plain multiplies, adds and numpy sums
instead, which round the same everywhere. This test runs the same computations under two OpenBLAS kernel
sets (the machine's own, and Sandybridge's, which has no FMA) and holds their bytes equal.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import hashlib, numpy as np, optviz as ov
from optviz.classifier import LinearClassifier, POINTS, W0, B0, scores

h = hashlib.sha256()
starts = np.array([[-4.0, 1.5], [3.0, -2.0], [0.5, 2.5], [-2.2, -0.7]])
for surface in [
    ov.surface("quadratic", kappa=25, angle=30),
    ov.surface("logistic_regression"),
    ov.surface("least_squares"),
    ov.surface("softmax_1d", lam=0.01),
    ov.regularized(ov.surface("least_squares"), 0.1),
]:
    for rule in [ov.Momentum(lr=0.01), ov.Adam(lr=0.05)]:
        t = ov.run(surface, rule, start=starts * 0.5, steps=300)
        h.update(t.xy.tobytes()); h.update(t.loss.tobytes()); h.update(t.grad.tobytes())
    for rule, schedule in [(ov.LBFGS(line_search_fn="strong_wolfe"), None), (ov.Newton(damping=0.1), None),
                           (ov.AdamW(lr=0.05), ov.OneCycleLR(max_lr=0.1, total_steps=50))]:
        t = ov.run(surface, rule, start=starts * 0.5, steps=50, schedule=schedule)
        h.update(t.xy.tobytes()); h.update(t.evaluations.tobytes())
    _, _, xy = surface.grid(64)
    h.update(surface.value(xy).tobytes()); h.update(surface.hessian(xy).tobytes())
h.update(scores(W0, B0, POINTS).tobytes())
model = LinearClassifier()
h.update(model.evaluate().dW.tobytes())
result = ov.sweep(ov.surface("quadratic", kappa=50), ov.Momentum,
                  grid={"lr": [0.005, 0.01, 0.02], "rho": [0.5, 0.9]}, start=(3, 2), steps=400)
h.update(np.asarray(result["rate"], dtype=float).tobytes())
# Issue 18's lecture figures: the fits, folds, minibatch draws and slopes they draw.
from optviz import gradients, hyperparameters
sweep = hyperparameters.regularization_sweep(points=4)
for loss in ("svm", "softmax"):
    for fit in sweep.path[loss]:
        h.update(fit.w.tobytes()); h.update(np.float64(fit.b).tobytes())
cv = hyperparameters.cross_validate_knn(*hyperparameters.moons(120, 0.3, 0), [1, 5, 15], resolution=16)
h.update(cv.accuracy.tobytes()); h.update(cv.region.tobytes())
draws = gradients.minibatch_gradients(
    ov.surface("least_squares", n_samples=300), (1.5, 2.0), batch_sizes=(1, 32), draws=50
)  # a given point: a surface's suggested start comes from an eigen-decomposition (LAPACK)
h.update(draws.with_replacement.tobytes()); h.update(draws.without_replacement.tobytes())
h.update(draws.sigma.tobytes()); h.update(gradients.ellipse(draws.sigma).tobytes())
h.update(gradients.directional_slopes(ov.surface("rosenbrock"), (-1.0, 1.5), 64).slope.tobytes())
print(h.hexdigest())
"""


def _digest(coretype: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.slow
def test_runs_are_bit_identical_across_blas_kernels():
    digest = _digest(None)
    assert len(digest) == len(hashlib.sha256().hexdigest())
    assert _digest("Sandybridge") == digest
