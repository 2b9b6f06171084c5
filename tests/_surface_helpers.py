"""Test helpers: finite differences and reference update loops, written to be obviously correct."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np

EPS = np.finfo(float).eps


def fd_jacobian(f: Callable[[np.ndarray], np.ndarray], xy: np.ndarray) -> np.ndarray:
    """Fourth-order central differences of f (values (...) or (..., 2)) along each coordinate.

    Step eps**(1/5) * max(1, |x|): truncation h^4 f^(5) / 30 and round-off eps |f| / h balance
    there, giving about 12 correct digits on smooth functions. The new axis is last: (..., 2) or
    (..., 2, 2).
    """
    xy = np.asarray(xy, dtype=float)
    h = EPS**0.2 * np.maximum(1.0, np.abs(xy))
    columns = []
    for i in range(2):
        e = np.zeros_like(xy)
        e[..., i] = h[..., i]
        d = -f(xy + 2 * e) + 8 * f(xy + e) - 8 * f(xy - e) + f(xy - 2 * e)
        step = h[..., i].reshape(h.shape[:-1] + (1,) * (d.ndim - h.ndim + 1))
        columns.append(d / (12 * step))
    return np.stack(columns, axis=-1)


def seeded_rng(name: str) -> np.random.Generator:
    """A generator seeded from a name, so every surface gets its own fixed points."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def points_in(bounds, n: int, rng: np.random.Generator) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def gd(grad: Callable[[np.ndarray], np.ndarray], start, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent, x <- x - lr * g; returns the steps + 1 iterates."""
    x = np.array(start, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x = x - lr * grad(x)
        path.append(x.copy())
    return np.array(path)


def momentum(grad, start, lr: float, steps: int, rho: float = 0.9) -> np.ndarray:
    """torch.optim.SGD(momentum=rho), the lecture's loop: v <- rho v + g, x <- x - lr v.

    v starts at 0, so the buffer after step 1 is the first gradient: exactly torch's rule."""
    x = np.array(start, dtype=float)
    v = np.zeros(2)
    path = [x.copy()]
    for _ in range(steps):
        v = rho * v + grad(x)
        x = x - lr * v
        path.append(x.copy())
    return np.array(path)


def noisy_gd(grad, start, lr: float, steps: int, sigma: float, seed: int, escape: float = 10.0):
    """SGD with additive Gaussian gradient noise: x <- x - lr (g + sigma z), z ~ N(0, I).

    Stops early once |x| > escape (an unbounded-below surface would otherwise overflow)."""
    rng = np.random.default_rng(seed)
    x = np.array(start, dtype=float)
    path = [x.copy()]
    for _ in range(steps):
        x = x - lr * (grad(x) + sigma * rng.standard_normal(2))
        path.append(x.copy())
        if np.hypot(*x) > escape:
            break
    return np.array(path)


def adam(grad, start, lr: float, steps: int, betas=(0.9, 0.999), eps: float = 1e-8) -> np.ndarray:
    """torch.optim.Adam: bias-corrected moments, x <- x - lr m_hat / (sqrt(v_hat) + eps)."""
    b1, b2 = betas
    x = np.array(start, dtype=float)
    m, v = np.zeros(2), np.zeros(2)
    path = [x.copy()]
    for t in range(1, steps + 1):
        g = grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        path.append(x.copy())
    return np.array(path)
