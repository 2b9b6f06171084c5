"""Hyperparameter sweeps: every grid combination x every seed in one vectorized run, tidy results.

>>> import optviz as ov
>>> q = ov.surface("quadratic", kappa=10)
>>> grid = {"lr": [0.02, 0.05], "rho": [0.5, 0.9]}
>>> res = ov.sweep(q, ov.Momentum, grid=grid, steps=300, tol=1e-8)
>>> len(res), res.columns
(4, ['lr', 'rho', 'seed', 'status', 'stop_step', 'steps_to_tol', 'final_loss', 'final_distance',
'rate', 'rate_median', 'converged'])
>>> res.on_grid("steps_to_tol")[..., 0].tolist()
[[nan, nan], [164.0, nan]]
>>> res.on_grid("rate")[..., 0].round(3).tolist()
[[0.958, 0.949], [0.885, 0.949]]
>>> ov.theory.heavy_ball_rate(q, [[0.02], [0.05]], [0.5, 0.9]).round(3).tolist()
[[0.96, 0.949], [0.9, 0.949]]
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from optviz import limits
from optviz._validate import ParameterError
from optviz.engine import check_history, run
from optviz.metrics import CHUNK, MIN_POINTS, distance_floor, fit_rates, nearest_minimum
from optviz.noise import Noise
from optviz.optimizers import Optimizer, rule, rule_class
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

_REDUCERS = {"mean": np.mean, "median": np.median, "min": np.min, "max": np.max, "std": np.std}


class SeedStats(NamedTuple):
    """A column's statistics over seeds, on the grid (NaNs ignored): arrays of the grid's shape."""

    mean: np.ndarray
    std: np.ndarray  # sample standard deviation (ddof=1; NaN with fewer than two values)
    sem: np.ndarray  # standard error of the mean, std / sqrt(count)
    count: np.ndarray  # finite values per grid point


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Tidy per-run results of :func:`sweep`: one row per (grid combination, seed), seeds innermost.

    Columns (arrays of length N, read with ``res["lr"]``): the grid's hyperparameters, ``seed``,
    ``status``, ``stop_step``, ``steps_to_tol`` (the iterate at which the run converged; NaN if it
    did not or without a ``tol``), ``final_loss``, ``final_distance`` (to the nearest known minimum;
    NaN if none is known), and, from the error (the distance to the minimum, or the gradient norm
    where no minimum is known; see :func:`optviz.metrics.empirical_rate`):

    - ``rate``: the per-step contraction, the least-squares slope of log error over the window (the
      last ``window`` iterates of the stretch before the error reaches the floor; default its last
      half). Above 1 for a run that grows.
    - ``rate_median``: the same window's median lag-slope estimate, a check on ``rate``.
    - ``converged``: True iff the run did not diverge and, over that window, was still converging:
      it reached ``tol`` or the floor, or its fitted ``rate`` is below 1. (Under gradient noise the
      distance settles at a noise level instead of shrinking; judge such runs by ``final_loss``.)
    """

    grid: dict[str, list[Any]]
    seeds: tuple[int, ...]
    data: dict[str, np.ndarray]
    trajectories: Trajectory
    rule: str
    surface: Surface | None = None
    window: int | None = None

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

    def over_seeds(self, name: str, *, include_diverged: bool = True) -> SeedStats:
        """Mean, standard deviation, standard error and count of a column over the seeds, on the grid.

        NaNs are ignored; ``include_diverged=False`` leaves diverged runs out too (their final loss
        is wherever they escaped, which would swamp a mean).

        >>> import optviz as ov
        >>> res = ov.sweep("quadratic", ov.GD, grid={"lr": [0.05, 0.1]}, steps=50, seeds=(0, 1, 2),
        ...                noise=ov.GaussianNoise(1.0))
        >>> stats = res.over_seeds("final_loss")
        >>> stats.mean.shape, stats.count.tolist()
        ((2,), [3, 3])
        """
        values = np.asarray(self.on_grid(name), dtype=float).copy()
        if not include_diverged:
            values[self.on_grid("status") == "diverged"] = np.nan
        axis = len(self.grid)
        count = np.isfinite(values).sum(axis=axis)
        with np.errstate(all="ignore"):
            total = np.where(np.isfinite(values), values, 0.0).sum(axis=axis)
            mean = np.where(count > 0, total / count, np.nan)
            dev = np.where(np.isfinite(values), values - np.expand_dims(mean, axis), 0.0)
            var = np.where(count > 1, (dev * dev).sum(axis=axis) / (count - 1), np.nan)
            std = np.sqrt(var)
            sem = std / np.sqrt(count)
        return SeedStats(mean=mean, std=std, sem=sem, count=count)

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
    window: int | None = None,
    schedule: Any = None,
) -> SweepResult:
    """Run ``Rule`` for every combination of ``grid`` values and every seed, in one vectorized run.

    ``grid`` maps constructor names to lists of values (``{"lr": [...], "rho": [...]}``; ``betas``
    takes pairs). Hyperparameters not in the grid keep their defaults; a one-value list fixes one.
    On/off flags (``amsgrad``, ``centered``, ``local``) and the settings that shape a run (L-BFGS's
    ``max_iter``, ``max_eval``, ``history_size``, ``line_search_fn``) must be the same for the whole sweep;
    a ``schedule`` (``optviz.CosineAnnealingLR(T_max=steps)``) drives every run's lr. Each
    run is exactly ``optviz.run(surface, Rule(**combo), start, steps, noise=noise, seed=seed,
    tol=tol)``. ``window`` is the number of iterates the rates are fitted and convergence is
    judged over (default: the last half of each run's usable stretch); see :class:`SweepResult`.
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
    from optviz._validate import integer

    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ParameterError("seeds", f"must be a sequence of integer seeds, got {seeds!r}")
    steps = integer("steps", steps, minimum=1, maximum=limits.MAX_RUN_STEPS)
    # The engine caps a call at limits.MAX_CALL_STEPS: check it from the lengths of the grid and the seeds
    # before building anything or checking each seed (range(10**9) is refused at once, not in a minute).
    if not isinstance(seeds, Sized):
        seeds = list(itertools.islice(seeds, limits.MAX_CALL_STEPS + 1))
    n_runs = len(seeds) * math.prod(len(v) for v in grid.values())
    if n_runs * steps > limits.MAX_CALL_STEPS:
        raise ParameterError(
            "grid",
            f"{n_runs:,} runs x {steps:,} steps is more than the limit of {limits.MAX_CALL_STEPS:,} trajectory-steps",
        )
    seeds = tuple(
        integer(f"seeds[{i}]", v, minimum=0, maximum=limits.MAX_SEED) for i, v in enumerate(seeds)
    )
    if not seeds:
        raise ParameterError("seeds", "must hold at least one seed")
    if window is not None:
        window = integer("window", window, minimum=MIN_POINTS)

    # Precise errors for bad grid values, before anything runs: each value of each key, with the
    # other keys at their first values (the rules check each hyperparameter on its own).
    first = {k: v[0] for k, v in grid.items()}
    for key, values in grid.items():
        for value in dict.fromkeys(values) if _hashable(values) else values:
            try:
                rule(name, **{**first, key: value})
            except ParameterError as err:
                raise ParameterError(f"grid.{err.field}", err.message) from None
    # The histories the run will record, refused before the grid is built (the engine's own check).
    probe = rule(name, **first)
    state = probe.start(np.zeros((1, 2)), np.zeros(1))
    check_history(
        n_runs,
        steps,
        [(n_runs, *np.shape(getattr(state, f))[1:]) for f in probe.history_fields()],
    )
    combos = list(itertools.product(*grid.values()))

    n_seeds = len(seeds)
    per_run: dict[str, Any] = {}
    flags = {f.name for f in dataclasses.fields(cls) if isinstance(f.default, bool)}  # type: ignore[arg-type]
    fixed = flags | _run_shaping(cls)
    for j, key in enumerate(grid):
        values = [combo[j] for combo in combos for _ in range(n_seeds)]
        if key in fixed:
            if len(set(grid[key])) > 1:
                what = "an on/off flag" if key in flags else f"{key} shapes every run and"
                raise ParameterError(f"grid.{key}", f"{what} cannot vary within one sweep")
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
        schedule=schedule,
    )

    data: dict[str, np.ndarray] = {}
    for j, key in enumerate(grid):
        values = [combo[j] for combo in combos for _ in range(n_seeds)]
        dtype = bool if key in flags else (object if key in fixed else float)
        data[key] = np.array(values, dtype=dtype)
    data["seed"] = np.array(run_seeds, dtype=np.int64)
    data["status"] = np.asarray(traj.status)
    data["stop_step"] = np.asarray(traj.stop_step)
    data["steps_to_tol"] = np.where(data["status"] == "converged", data["stop_step"], np.nan)
    data["final_loss"] = np.asarray(traj.final_loss, dtype=float)
    data.update(_error_columns(surface, traj, data["stop_step"], window))
    ended = np.isin(data["status"], ("diverged", "singular"))  # singular: Newton could not step
    data["converged"] = ~ended & (
        (data["status"] == "converged") | data.pop("_reached") | (data["rate"] < 1)
    )
    for column in data.values():
        column.setflags(write=False)
    return SweepResult(
        grid=grid, seeds=seeds, data=data, trajectories=traj, rule=name, surface=surface,
        window=window,
    )  # fmt: skip


def _error_columns(
    surface: Surface, traj: Trajectory, stop: np.ndarray, window: int | None
) -> dict[str, np.ndarray]:
    """``final_distance``, ``rate``, ``rate_median`` and whether each run's error reached its floor.

    The error is the distance to the known minimum nearest the run's end (the gradient norm where no
    minimum is known). It is computed and fitted a chunk of runs at a time, straight from the
    engine's step-major histories, so a 50,000-run sweep never holds its full error array.
    """
    n = len(stop)
    known = len(surface.minima) > 0
    if known:
        target = nearest_minimum(surface, traj)
        source = np.swapaxes(traj.xy, 0, 1)  # (steps + 1, N, 2): the engine's own layout
        floor: Any = distance_floor(surface)
    else:
        source = np.swapaxes(traj.grad, 0, 1)
        floor = None
    out = {k: np.full(n, np.nan) for k in ("final_distance", "rate", "rate_median")}
    out["_reached"] = np.zeros(n, dtype=bool)
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        block = source[:, lo:hi]
        if known:
            error = np.hypot(block[..., 0] - target[lo:hi, 0], block[..., 1] - target[lo:hi, 1])
        else:
            error = np.hypot(block[..., 0], block[..., 1])
        floors = 1e-11 * np.maximum(1.0, np.abs(error[0])) if floor is None else floor
        fits = fit_rates(
            error, stop[lo:hi], floor=np.broadcast_to(floors, (hi - lo,)), window=window
        )
        out["rate"][lo:hi], out["rate_median"][lo:hi] = fits["lstsq"], fits["median"]
        last = error[stop[lo:hi], np.arange(hi - lo)]
        if known:
            out["final_distance"][lo:hi] = last
        with np.errstate(invalid="ignore"):
            out["_reached"][lo:hi] = last <= floors
    return out


def _run_shaping(cls: type) -> set[str]:
    """Hyperparameters whose default is an int, a string or None (L-BFGS's ``max_iter``, ``line_search_fn``):
    they shape the run's arrays or branches, so they cannot vary per run."""
    return {
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is None
        or (isinstance(f.default, (int, str)) and not isinstance(f.default, bool))
    }


def _hashable(values: list[Any]) -> bool:
    try:
        dict.fromkeys(values)
    except TypeError:
        return False
    return True


def _values(key: Any, values: Any) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise ParameterError(f"grid.{key}", f"must be a list of values, got {values!r}")
    values = [tuple(v) if isinstance(v, (list, np.ndarray)) else v for v in values]
    if not values:
        raise ParameterError(f"grid.{key}", "must hold at least one value")
    return values


__all__ = ["SeedStats", "SweepResult", "sweep"]
