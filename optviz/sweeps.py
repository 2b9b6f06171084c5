"""Hyperparameter sweeps: every grid combination x every seed in one vectorized run, tidy results.

>>> import optviz as ov
>>> q = ov.surface("quadratic", kappa=10)
>>> grid = {"lr": [0.02, 0.05], "rho": [0.5, 0.9]}
>>> res = ov.sweep(q, ov.Momentum, grid=grid, steps=300, tol=1e-8)
>>> len(res), res.columns
(4, ['lr', 'rho', 'seed', 'status', 'stop_step', 'steps_to_tol', 'final_loss', 'final_distance',
'rate'])
>>> res.on_grid("steps_to_tol")[..., 0].tolist()
[[nan, nan], [164.0, nan]]
>>> res.on_grid("rate")[..., 0].round(3).tolist()
[[0.958, 0.949], [0.885, 0.949]]
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.engine import run
from optviz.noise import Noise
from optviz.optimizers import Optimizer, rule, rule_class
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

_REDUCERS = {"mean": np.mean, "median": np.median, "min": np.min, "max": np.max, "std": np.std}


def empirical_rate(error: np.ndarray, stop: Any, *, floor: Any = None) -> np.ndarray:
    """Per-step contraction factor of ``error`` (e.g. the distance to the minimum), from its tail.

    ``error`` is (T,) or (N, T) with each run valid up to ``stop`` (inclusive). Only the stretch
    before the error first falls to ``floor`` (default ``1e-11 * max(1, error[0])``, above rounding)
    is used; the fit is the median of the lag-h slopes ``(log e[j+h] - log e[j]) / h`` over the last
    half of that stretch, with h half its length. Medians over a long lag shrug off zigzags and the
    oscillation of momentum methods. Runs with fewer than 8 usable points get NaN.

    >>> import numpy as np
    >>> k = np.arange(200.0)
    >>> zigzag = 0.9**k * (1 + 0.5 * (-1) ** k)
    >>> float(empirical_rate(zigzag, 199).round(12))
    0.9
    """
    e = np.asarray(error, dtype=float)
    single = e.ndim == 1
    e = e.reshape(-1, e.shape[-1])
    stops = np.broadcast_to(np.asarray(stop), (len(e),))
    if floor is None:
        floors = 1e-11 * np.maximum(1.0, np.abs(e[:, 0]))
    else:
        floors = np.broadcast_to(np.asarray(floor, dtype=float), (len(e),))
    rates = np.full(len(e), np.nan)
    for i, (row, s, lo) in enumerate(zip(e, stops, floors, strict=True)):
        row = row[: int(s) + 1]
        usable = np.isfinite(row) & (row > lo)
        m = len(row) if usable.all() else int(np.argmin(usable))
        if m < 8:
            continue
        tail = np.log(row[m // 2 : m])
        h = len(tail) // 2
        rates[i] = np.exp(np.median((tail[h:] - tail[:-h]) / h))
    return rates[0] if single else rates


def distance_to_minimum(surface: Surface, traj: Trajectory) -> np.ndarray | None:
    """Distance of each iterate to the known minimum nearest the run's end (None if unknown)."""
    if len(surface.minima) == 0:
        return None
    xy = traj.xy.reshape(-1, traj.steps + 1, 2)
    final = traj.final.reshape(-1, 2)
    gap = final[:, None, :] - surface.minima[None]
    target = surface.minima[np.argmin(np.hypot(gap[..., 0], gap[..., 1]), axis=1)]
    # (hypot of the two coordinates: a norm over a length-2 axis is slow in numpy)
    return np.hypot(xy[..., 0] - target[:, None, 0], xy[..., 1] - target[:, None, 1])


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Tidy per-run results of :func:`sweep`: one row per (grid combination, seed), seeds innermost.

    Columns (arrays of length N, read with ``res["lr"]``): the grid's hyperparameters, ``seed``,
    ``status``, ``stop_step``, ``steps_to_tol`` (the iterate at which the run converged; NaN if it
    did not or without a ``tol``), ``final_loss``, ``final_distance`` (to the nearest known minimum;
    NaN if none is known) and ``rate`` (per-step contraction fitted from the tail of the distance to
    the minimum, or of the gradient norm where no minimum is known; see :func:`empirical_rate`).
    """

    grid: dict[str, list[Any]]
    seeds: tuple[int, ...]
    data: dict[str, np.ndarray]
    trajectories: Trajectory
    rule: str

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape, then the seeds: the shape of :meth:`on_grid`."""
        return (*(len(v) for v in self.grid.values()), len(self.seeds))

    def __len__(self) -> int:
        return len(self.data["seed"])

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.data:
            from optviz._validate import unknown_name_message

            raise KeyError(unknown_name_message(name, self.data, what="column"))
        return self.data[name]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.to_records())

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per run, with plain Python values (a tuple for ``betas``)."""
        columns = {k: v.tolist() for k, v in self.data.items()}
        out = []
        for i in range(len(self)):
            record = {}
            for k, v in columns.items():
                record[k] = tuple(v[i]) if isinstance(v[i], list) else v[i]
            out.append(record)
        return out

    def on_grid(self, name: str, reduce: str | None = None) -> np.ndarray:
        """A column reshaped onto the grid: shape ``(len(grid[k1]), len(grid[k2]), ..., n_seeds)``.

        ``reduce`` ("mean", "median", "min", "max", "std") collapses the seed axis.
        """
        column = self[name]
        out = column.reshape(self.shape + column.shape[1:])
        if reduce is None:
            return out
        if reduce not in _REDUCERS:
            from optviz._validate import unknown_name_message

            raise ParameterError(
                "reduce", unknown_name_message(reduce, _REDUCERS, what="reduction")
            )
        return _REDUCERS[reduce](out, axis=len(self.grid))

    def best(self, by: str = "final_loss") -> dict[str, Any]:
        """The record with the smallest ``by`` (NaN last)."""
        values = np.asarray(self[by], dtype=float)
        order = np.argsort(np.where(np.isnan(values), np.inf, values), kind="stable")
        return self.to_records()[int(order[0])]

    def __repr__(self) -> str:
        combos = int(np.prod([len(v) for v in self.grid.values()]))
        statuses = ", ".join(
            f"{c} {s}"
            for s, c in zip(*np.unique(self.data["status"], return_counts=True), strict=True)
        )
        return (
            f"<SweepResult {self.rule} over {', '.join(self.grid)}: {combos} combinations x "
            f"{len(self.seeds)} seeds = {len(self)} runs; {statuses}>"
        )


def sweep(
    surface: Surface | str,
    Rule: type[Optimizer] | str,
    grid: Mapping[str, Sequence[Any]],
    *,
    start: Any = None,
    steps: int = 500,
    seeds: Sequence[int] = (0,),
    noise: Noise | None = None,
    tol: float | None = None,
    escape_radius: float | None = None,
) -> SweepResult:
    """Run ``Rule`` for every combination of ``grid`` values and every seed, in one vectorized run.

    ``grid`` maps constructor names to lists of values (``{"lr": [...], "rho": [...]}``; ``betas``
    takes pairs). Hyperparameters not in the grid keep their defaults; a one-value list fixes one.
    On/off flags (``amsgrad``, ``centered``, ``local``) must be the same for the whole sweep. Each
    run is exactly ``optviz.run(surface, Rule(**combo), start, steps, noise=noise, seed=seed,
    tol=tol)``.
    """
    if isinstance(surface, str):
        from optviz.surfaces import surface as build

        surface = build(surface)
    name = Rule if isinstance(Rule, str) else getattr(Rule, "name", None)
    if not isinstance(name, str) or (not isinstance(Rule, str) and rule_class(name) is not Rule):
        raise ParameterError(
            "Rule", f"must be an update rule class such as optviz.Momentum, got {Rule!r}"
        )
    cls = rule_class(name)
    if not isinstance(grid, Mapping) or not grid:
        raise ParameterError(
            "grid", "must be a non-empty mapping of hyperparameter names to lists of values"
        )
    grid = {str(k): _values(k, v) for k, v in grid.items()}
    seeds = tuple(seeds)
    if not seeds:
        raise ParameterError("seeds", "must hold at least one seed")

    combos = list(itertools.product(*grid.values()))
    for combo in combos:  # precise errors for bad grid values, before anything runs
        try:
            rule(name, **dict(zip(grid, combo, strict=True)))
        except ParameterError as err:
            raise ParameterError(f"grid.{err.field}", err.message) from None

    n_seeds = len(seeds)
    per_run: dict[str, Any] = {}
    flags = {f.name for f in dataclasses.fields(cls) if isinstance(f.default, bool)}  # type: ignore[arg-type]
    for j, key in enumerate(grid):
        values = [combo[j] for combo in combos for _ in range(n_seeds)]
        if key in flags:
            if len(set(grid[key])) > 1:
                raise ParameterError(f"grid.{key}", "an on/off flag cannot vary within one sweep")
            per_run[key] = grid[key][0]
        elif key == "betas":
            pairs = np.array(values, dtype=float).reshape(-1, 2)
            per_run[key] = (pairs[:, 0], pairs[:, 1])
        else:
            per_run[key] = np.array(values, dtype=float)
    optimizer = cls(**per_run)
    run_seeds = [int(s) for _ in combos for s in seeds]
    n = len(run_seeds)
    start_xy = surface.start if start is None else start
    starts = np.tile(np.asarray(start_xy, dtype=float).reshape(1, -1), (n, 1))
    traj = run(
        surface,
        optimizer,
        start=starts,
        steps=steps,
        noise=noise,
        seed=run_seeds,
        tol=tol,
        escape_radius=escape_radius,
    )

    data: dict[str, np.ndarray] = {}
    for j, key in enumerate(grid):
        values = [combo[j] for combo in combos for _ in range(n_seeds)]
        data[key] = np.array(values, dtype=bool if key in flags else float)
    data["seed"] = np.array(run_seeds, dtype=np.int64)
    data["status"] = np.asarray(traj.status)
    data["stop_step"] = np.asarray(traj.stop_step)
    data["steps_to_tol"] = np.where(data["status"] == "converged", data["stop_step"], np.nan)
    data["final_loss"] = np.asarray(traj.final_loss, dtype=float)
    distance = distance_to_minimum(surface, traj)
    if distance is not None:
        data["final_distance"] = distance[np.arange(n), data["stop_step"]]
        error = distance
    else:
        data["final_distance"] = np.full(n, np.nan)
        error = np.hypot(traj.grad[..., 0], traj.grad[..., 1])
    data["rate"] = empirical_rate(error, data["stop_step"])
    for column in data.values():
        column.setflags(write=False)
    return SweepResult(grid=grid, seeds=seeds, data=data, trajectories=traj, rule=name)


def _values(key: Any, values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise ParameterError(f"grid.{key}", f"must be a list of values, got {values!r}")
    values = [tuple(v) if isinstance(v, (list, np.ndarray)) else v for v in values]
    if not values:
        raise ParameterError(f"grid.{key}", "must hold at least one value")
    return values


__all__ = ["SweepResult", "distance_to_minimum", "empirical_rate", "sweep"]
