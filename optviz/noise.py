"""Gradient oracles: SGD is any update rule fed a stochastic gradient.

``GaussianNoise(sigma)`` adds ``sigma * z`` (z standard normal) to the exact gradient;
``Minibatch(batch_size)`` replaces it by the exact mean gradient over a random batch of a finite-sum
surface's samples.

All randomness comes from ``numpy.random.default_rng(seed)``, one generator per run seed. The draws
of run i at step k depend only on that run's seed and k, so a batched run of N starts equals the N
single runs, and runs that share a seed share their noise. Draws are made in blocks of many steps
per generator call, which keeps 10,000 runs x 1,000 steps fast.

>>> import numpy as np, optviz as ov
>>> oracle = ov.GaussianNoise(0.5).oracle(ov.surface("quadratic"), seeds=[0, 0, 1], steps=10)
>>> g = oracle(0, np.zeros((3, 2)), np.zeros((3, 2)))
>>> bool((g[0] == g[1]).all()), bool((g[0] == g[2]).all())
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._format import format_number
from optviz._validate import ParameterError
from optviz.surfaces.base import FiniteSumSurface, Surface

# Steps drawn per generator call. Fixed (not derived from N) so a run's stream never depends on the
# batch.
BLOCK_STEPS = 256
MAX_BLOCK_INDICES = 2**20


class _Blocks:
    """Per-seed random blocks, ``draw(rng, n_steps) -> (n_steps, ...)``, served step by step.

    Runs that share a seed share one generator and one block (gathered through ``inverse``).
    ``rows`` (the runs still being computed, after the engine drops stopped ones) selects which runs
    a step is served to.
    """

    def __init__(self, seeds: Sequence[int], draw: Any, block: int) -> None:
        seeds = np.asarray(seeds, dtype=np.int64)
        self.unique, self.inverse = np.unique(seeds, return_inverse=True)
        self.inverse = self.inverse.reshape(-1)
        self.gens = [np.random.default_rng(int(s)) for s in self.unique]
        self.draw = draw
        self.block = block
        self.start = 0
        self.data: np.ndarray | None = None
        # One seed: the block broadcast to the runs served, made once per block and batch size (a broadcast
        # per step cost as much as a step of a small batch).
        self.wide: np.ndarray | None = None
        self.listed: list[Any] | None = None  # the block as Python floats (step_floats)
        self.runs = self.inverse.tolist()

    def step(self, k: int, rows: np.ndarray | None) -> np.ndarray:
        """The draw of step k for every run (or for the runs ``rows``): shape (n_runs, ...)."""
        self._load(k)
        if len(self.unique) == 1:
            n = len(self.inverse) if rows is None else len(rows)
            if self.wide is None or self.wide.shape[1] != n:
                self.wide = np.broadcast_to(self.data, (self.block, n, *self.data.shape[2:]))
            return self.wide[k - self.start]
        current = self.data[k - self.start]
        return current[self.inverse if rows is None else self.inverse[rows]]

    def step_floats(self, k: int, rows: np.ndarray | None) -> list[Any]:
        """:meth:`step` as a list of each run's draw as a list of Python floats (the engine's kernel loop)."""
        self._load(k)
        if self.listed is None:
            self.listed = self.data.tolist()
        current = self.listed[k - self.start]
        return [current[i] for i in (self.runs if rows is None else self.inverse[rows].tolist())]

    def _load(self, k: int) -> None:
        """Make sure the block of step k is drawn."""
        if self.data is None or not self.start <= k < self.start + self.block:
            start = k - k % self.block
            # Blocks come off the generators in sequence: asking for anything but the next one would
            # silently serve other numbers.
            if start != (0 if self.data is None else self.start + self.block):
                raise RuntimeError(
                    f"noise must be drawn step by step; asked for step {k} out of order"
                )
            self.start = start
            # One call per seed; stack to (block, n_unique, ...), step-major like the engine's
            # histories.
            self.data = np.stack([self.draw(g, self.block) for g in self.gens], axis=1)
            self.wide = None
            self.listed = None


class Oracle:
    """A stochastic gradient for a batch of runs: ``oracle(k, xy, exact_grad, rows) -> (n, 2)``."""

    def __call__(
        self, k: int, xy: np.ndarray, grad: np.ndarray, rows: np.ndarray | None = None
    ) -> np.ndarray:
        raise NotImplementedError

    def on_floats(
        self, k: int, xy: list[Any], grad: list[Any], rows: np.ndarray | None
    ) -> list[Any]:
        """The same for a few runs held as Python floats (the engine's kernel loop): ``xy`` and ``grad`` lists
        of (x, y) pairs, the result as a list of pairs, the same bits as :meth:`__call__`."""
        return self(k, np.array(xy), np.array(grad), rows).tolist()  # type: ignore[no-any-return]


def normal_stream(seeds: Sequence[int], dim: int = 2) -> _Blocks:
    """Standard normal vectors, one per run and step, from each run's seed (random search too)."""
    return _Blocks(seeds, lambda g, n: g.standard_normal((n, dim)), BLOCK_STEPS)


class Noise:
    """Base class of the gradient noise models."""

    kind: str = ""

    def oracle(self, surface: Surface, seeds: Sequence[int], steps: int) -> Oracle:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """A small JSON-able dict for the meta: ``{"kind": "gaussian", "sigma": 0.5}``."""
        raise NotImplementedError

    @property
    def legend(self) -> str:
        """How a legend names this noise, when it tells two runs apart: ``"σ=0.5"``, ``"B=8"``."""
        raise NotImplementedError


MAX_SIGMA = 1e100


@dataclass(frozen=True)
class GaussianNoise(Noise):
    """Additive noise: the rule is fed ``grad f(p) + sigma * z``, z standard normal per coordinate.

    >>> GaussianNoise(0.5).describe()
    {'kind': 'gaussian', 'sigma': 0.5}
    >>> GaussianNoise(-1)
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: sigma: must be a non-negative number, got -1.0
    """

    sigma: float
    kind = "gaussian"

    def __post_init__(self) -> None:
        sigma = check.nonnegative("sigma", self.sigma)
        # Far above any useful noise, and low enough that the noisy gradient at the (validated) start is
        # always finite: a run's first row is then always valid.
        if sigma > MAX_SIGMA:
            raise check.ParameterError("sigma", f"must be at most {MAX_SIGMA:g}, got {sigma!r}")
        object.__setattr__(self, "sigma", sigma)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "sigma": self.sigma}

    @property
    def legend(self) -> str:
        return f"σ={format_number(self.sigma)}"

    def oracle(self, surface: Surface, seeds: Sequence[int], steps: int) -> Oracle:
        return _GaussianOracle(self.sigma, normal_stream(seeds))


class _GaussianOracle(Oracle):
    def __init__(self, sigma: float, stream: _Blocks) -> None:
        self.sigma = sigma
        self.stream = stream

    def __call__(
        self, k: int, xy: np.ndarray, grad: np.ndarray, rows: np.ndarray | None = None
    ) -> np.ndarray:
        return grad + self.sigma * self.stream.step(k, rows)

    def on_floats(
        self, k: int, xy: list[Any], grad: list[Any], rows: np.ndarray | None
    ) -> list[Any]:
        # grad + (sigma * z), element by element: the same two roundings as on arrays
        sigma = self.sigma
        return [
            (gx + sigma * zx, gy + sigma * zy)
            for (gx, gy), (zx, zy) in zip(grad, self.stream.step_floats(k, rows), strict=True)
        ]


@dataclass(frozen=True)
class Minibatch(Noise):
    """The exact mean gradient over a random batch of a finite-sum surface's samples.

    ``replace=False`` (the default) shuffles the samples at the start of each epoch and takes
    consecutive batches of ``batch_size`` from that shuffle; an epoch is ``n_samples // batch_size``
    steps, and the ``n_samples % batch_size`` samples left over are skipped that epoch (torch's
    ``DataLoader(shuffle=True, drop_last=True)``), so every batch holds distinct samples and has the
    same size. ``replace=True`` draws each batch's indices independently and uniformly, with
    replacement.

    >>> Minibatch(8).describe()
    {'kind': 'minibatch', 'batch_size': 8, 'replace': False}
    """

    batch_size: int
    replace: bool = False
    kind = "minibatch"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "batch_size", check.integer("batch_size", self.batch_size, minimum=1)
        )
        if not isinstance(self.replace, (bool, np.bool_)):
            raise ParameterError("replace", f"must be true or false, got {self.replace!r}")

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "batch_size": self.batch_size, "replace": bool(self.replace)}

    @property
    def legend(self) -> str:
        return f"B={self.batch_size}" + (" with replacement" if self.replace else "")

    def oracle(self, surface: Surface, seeds: Sequence[int], steps: int) -> Oracle:
        if not isinstance(surface, FiniteSumSurface):
            raise ParameterError(
                "noise",
                "minibatch noise needs a finite-sum (dataset) surface; "
                f"{_surface_name(surface)} is not one (try least_squares, logistic_regression or "
                "softmax_1d, or GaussianNoise)",
            )
        n = int(surface.n_samples)
        if self.batch_size > n:
            raise ParameterError(
                "batch_size",
                f"must be at most the surface's {n} samples, got {self.batch_size}",
            )
        return _MinibatchOracle(surface, self.batch_stream(n, seeds))

    def batch_stream(self, n_samples: int, seeds: Sequence[int]) -> _Blocks:
        """Per run and step, the batch's sample indices: ``stream.step(k, rows) -> (n_runs, B)``."""
        b = self.batch_size
        if self.replace:
            return _Blocks(seeds, lambda g, m: g.integers(0, n_samples, size=(m, b)), BLOCK_STEPS)
        per_epoch = n_samples // b
        # Whole epochs per block, but never more than about a million indices at once (a large dataset
        # with big batches would otherwise draw hundreds of epochs up front).
        epochs = max(1, min(BLOCK_STEPS // per_epoch, MAX_BLOCK_INDICES // n_samples))
        base = np.arange(n_samples)

        def draw(g: np.random.Generator, m: int) -> np.ndarray:
            # m steps = `epochs` whole epochs, so every block starts at an epoch boundary: one
            # shuffle per epoch (one generator call for all of them), cut into batches, the
            # remainder dropped.
            shuffles = g.permuted(np.broadcast_to(base, (epochs, n_samples)), axis=1)
            return shuffles[:, : per_epoch * b].reshape(epochs * per_epoch, b)

        return _Blocks(seeds, draw, epochs * per_epoch)


class _MinibatchOracle(Oracle):
    def __init__(self, surface: FiniteSumSurface, stream: _Blocks) -> None:
        self.surface = surface
        self.stream = stream

    def __call__(
        self, k: int, xy: np.ndarray, grad: np.ndarray, rows: np.ndarray | None = None
    ) -> np.ndarray:
        return self.surface.batch_grad(xy, self.stream.step(k, rows))


def _surface_name(surface: Surface) -> str:
    return repr(surface.name) if surface.name else type(surface).__name__


def noise_from_dict(spec: dict[str, Any] | None) -> Noise | None:
    """Rebuild a noise model from ``Noise.describe()`` (as stored in a trajectory's meta)."""
    if spec is None:
        return None
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind == "gaussian":
        return GaussianNoise(**spec)
    if kind == "minibatch":
        return Minibatch(**spec)
    raise ParameterError(
        "noise", check.unknown_name_message(str(kind), ["gaussian", "minibatch"], what="noise kind")
    )


__all__ = ["GaussianNoise", "Minibatch", "Noise", "Oracle", "noise_from_dict", "normal_stream"]
