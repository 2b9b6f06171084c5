"""Small classification datasets made with numpy (no downloads): two moons and two spirals.

Both return ``(X, y)``: points ``X`` of shape (n, 2) (float64) and labels ``y`` (n,) in {0, 1}, the classes
alternating so that any prefix is balanced. The noise comes from ``numpy.random.default_rng(seed)``.

>>> X, y = two_moons(6, noise=0.0)
>>> X.shape, y.tolist()
((6, 2), [0, 1, 0, 1, 0, 1])
"""

from __future__ import annotations

import numpy as np

from optviz._validate import integer, nonnegative


def two_moons(n: int = 1000, *, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` shape): class 0 the upper moon, centred at
    (0, 0); class 1 the lower one, centred at (1, 0.5). Gaussian noise of standard deviation ``noise``."""
    n = integer("n", n, minimum=2, maximum=10_000_000)
    noise = nonnegative("noise", noise)
    rng = np.random.default_rng(integer("seed", seed, minimum=0))
    y = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, n)
    X = np.where(
        (y == 0)[:, None],
        np.stack([np.cos(t), np.sin(t)], axis=1),
        np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1),
    )
    return X + noise * rng.standard_normal((n, 2)), y


def spirals(
    n: int = 1000, *, turns: float = 1.5, noise: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved Archimedean spirals of ``turns`` turns each (radius up to 1), class 1 the other one
    rotated by 180 degrees, with Gaussian noise of standard deviation ``noise``."""
    n = integer("n", n, minimum=2, maximum=10_000_000)
    noise = nonnegative("noise", noise)
    rng = np.random.default_rng(integer("seed", seed, minimum=0))
    y = np.arange(n) % 2
    r = np.sqrt(rng.uniform(0.0, 1.0, n))  # uniform density along the arm
    angle = 2 * np.pi * turns * r + np.pi * y
    X = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return X + noise * rng.standard_normal((n, 2)), y
