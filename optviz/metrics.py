"""Metrics of trajectories that run nothing: distance to the minimum, measured (empirical) rates, best so far.

They read a run's arrays and the surface's known minima; the Engine's sweeps and studies and the figure kinds
use the same functions, so a figure's "measured 0.8182" is the number a sweep's ``rate`` column holds.

>>> import numpy as np, optviz as ov
>>> q = ov.surface("quadratic", kappa=10)
>>> t = ov.run(q, ov.GD(lr=2 / 11), steps=300)
>>> round(measured_rate(t, q), 6), round(ov.theory.gd_rate(q, 2 / 11), 6)
(0.818182, 0.818182)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from optviz._validate import ParameterError, unknown_name_message
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

MIN_POINTS = 8  # fewer usable iterates than this and a run gets no fitted rate
CHUNK = 4096  # runs fitted at a time (bounds the temporaries of a 50,000-run sweep)


def empirical_rate(
    error: np.ndarray,
    stop: Any,
    *,
    floor: Any = None,
    window: int | None = None,
    method: str = "lstsq",
) -> np.ndarray:
    """Per-step contraction factor of ``error`` (e.g. the distance to the minimum), fitted on its tail.

    ``error`` is (T,) or (N, T), each run valid up to its ``stop`` (inclusive). The *usable
    stretch* of a run is its iterates ``0 .. m-1`` before the error first falls to ``floor`` or
    stops being finite (default floor ``1e-11 * max(1, error[0])``, well above rounding). The
    *window* is the last ``window`` iterates of that stretch (default: its last half, at least
    ``MIN_POINTS``), which skips the transient.

    - ``method="lstsq"`` (default): ``exp`` of the least-squares slope of ``log error`` against k
      over the window. Zigzags and momentum's oscillation average out over the window.
    - ``method="median"``: ``exp`` of the median of the lag-h slopes
      ``(log e[j+h] - log e[j]) / h`` over the window, h half its length: a robust check that
      shrugs off isolated near-zero crossings.

    A run with fewer than ``MIN_POINTS`` usable iterates gets its mean contraction up to the
    floor, ``(e[m] / e[0])^(1/m)`` (0 if the error hit exactly 0), if it reached the floor within
    its valid iterates, and NaN otherwise (too short a run, or one that blew up at once).

    >>> import numpy as np
    >>> k = np.arange(200.0)
    >>> zigzag = 0.9**k * (1 + 0.5 * (-1) ** k)
    >>> float(empirical_rate(zigzag, 199, method="median").round(12))
    0.9
    >>> float(empirical_rate(zigzag, 199).round(4))
    0.9
    >>> empirical_rate(np.stack([0.5**k, 3.0**k, 1e-5**k]), [199, 30, 199]).round(12).tolist()
    [0.5, 3.0, 1e-05]
    """
    if method not in ("lstsq", "median"):
        raise ParameterError(
            "method", unknown_name_message(method, ["lstsq", "median"], what="method")
        )
    e = np.asarray(error, dtype=float)
    single = e.ndim == 1
    e = e.reshape(-1, e.shape[-1])
    rates = fit_rates(e.T, stop, floor=floor, window=window, methods=(method,))[method]
    return rates[0] if single else rates


def fit_rates(
    error_t: np.ndarray,
    stop: Any,
    *,
    floor: Any = None,
    window: int | None = None,
    methods: Sequence[str] = ("lstsq", "median"),
) -> dict[str, np.ndarray]:
    """:func:`empirical_rate` for a step-major ``(T, N)`` error array, several methods in one pass.

    (The engine records step-major histories, so a sweep's errors are fitted without a transpose.)
    """
    T, n = error_t.shape
    stops = np.minimum(np.broadcast_to(np.asarray(stop, dtype=np.int64), (n,)), T - 1)
    if floor is None:
        floors = 1e-11 * np.maximum(1.0, np.abs(error_t[0]))
    else:
        floors = np.broadcast_to(np.asarray(floor, dtype=float), (n,))
    if window is not None and window < MIN_POINTS:
        raise ParameterError("window", f"must be at least {MIN_POINTS} iterates, got {window}")
    out = {name: np.full(n, np.nan) for name in methods}
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        part = _fit_columns(error_t[:, lo:hi], stops[lo:hi], floors[lo:hi], window, methods)
        for name in methods:
            out[name][lo:hi] = part[name]
    return out


def _fit_columns(
    e: np.ndarray, stops: np.ndarray, floors: np.ndarray, window: int | None, methods: Any
) -> dict[str, np.ndarray]:
    T = e.shape[0]
    k = np.arange(T)[:, None]
    with np.errstate(all="ignore"):
        usable = np.isfinite(e) & (e > floors) & (k <= stops)
        # m: the first unusable iterate (the usable stretch is 0 .. m-1)
        m = np.where(usable.all(axis=0), T, np.argmin(usable, axis=0))
        m = np.minimum(m, stops + 1)
        logs = np.log(np.where(usable, e, 1.0))  # 0 where unusable; only usable rows are read
    if window is None:
        length = np.minimum(np.maximum(m - m // 2, MIN_POINTS), m)
    else:
        length = np.minimum(m, window)
    a = m - length  # the window is iterates a .. m-1
    fit = m >= MIN_POINTS
    out = {}
    short = _short_rates(e, m, stops, floors)
    if "lstsq" in methods:
        # Sums over each column's window a .. m-1 as masked sums (one pass each; a running sum along
        # the step axis is several times slower in numpy). Not einsum or a matrix product: their
        # SIMD/BLAS kernels round differently by CPU. k is centred.
        kc = k - T / 2
        inside = ((k >= a) & (k < m)).astype(float)
        sy = (inside * logs).sum(axis=0)
        sky = (inside * kc * logs).sum(axis=0)
        kbar = (a + m - 1) / 2 - T / 2
        with np.errstate(all="ignore"):
            sxx = length * (length * length - 1) / 12.0  # sum of (k - kbar)^2 over the window
            slope = (sky - kbar * sy) / sxx
        out["lstsq"] = np.where(fit, np.exp(np.where(fit, slope, 0.0)), short)
    if "median" in methods:
        h = np.maximum(length // 2, 1)
        count = length - h
        width = int(count[fit].max()) if fit.any() else 1
        j = a[None, :] + np.arange(width)[:, None]
        valid = (j < (a + count)[None, :]) & fit[None, :]
        j = np.where(valid, j, 0)
        later = np.take_along_axis(logs, np.minimum(j + h[None, :], T - 1), axis=0)
        earlier = np.take_along_axis(logs, j, axis=0)
        # The median of each column's `count` valid slopes: invalid ones sort last (as +inf).
        slopes = np.sort(np.where(valid, (later - earlier) / h[None, :], np.inf), axis=0)
        c = np.maximum(count, 1)[None, :]
        low = np.take_along_axis(slopes, np.minimum((c - 1) // 2, width - 1), axis=0)[0]
        high = np.take_along_axis(slopes, np.minimum(c // 2, width - 1), axis=0)[0]
        with np.errstate(invalid="ignore"):
            middle = np.where(fit, (low + high) / 2, 0.0)
        out["median"] = np.where(fit, np.exp(middle), short)
    return out


def _short_rates(e: np.ndarray, m: np.ndarray, stops: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """Mean contraction of runs that reached the floor too fast to fit (NaN for the others)."""
    T, n = e.shape
    with np.errstate(all="ignore"):
        after = e[np.minimum(m, T - 1), np.arange(n)]
        reached = (m <= stops) & np.isfinite(after) & (after <= floors) & (m >= 1)
        rate = (np.maximum(after, 0.0) / e[0]) ** (1.0 / np.maximum(m, 1))
    return np.where(reached, rate, np.nan)


def nearest_minimum(surface: Surface, traj: Trajectory) -> np.ndarray:
    """For each run, the known minimum nearest its end: shape (N, 2) (N = 1 for a single run)."""
    final = traj.final.reshape(-1, 2)
    gap = final[:, None, :] - surface.minima[None]
    return surface.minima[np.argmin(np.hypot(gap[..., 0], gap[..., 1]), axis=1)]


def distance_to_minimum(surface: Surface, traj: Trajectory) -> np.ndarray | None:
    """Distance of each iterate to the known minimum nearest the run's end (None if unknown).

    Shape ``(N, steps + 1)``, one row per run (N = 1 for a single run): a transposed view of a
    step-major array, like the engine's histories. The iterates are the drawn ones (``Trajectory.path``:
    Nesterov's actual points), so a figure's measured rate is the slope of the curve it draws.
    """
    if len(surface.minima) == 0:
        return None
    target = nearest_minimum(surface, traj)
    path = traj.path
    # Step-major, like the engine's histories (a batch's xy is a view of (steps+1, N, 2) storage).
    xy = np.swapaxes(path, 0, 1) if traj.batched else path[:, None, :]
    # (hypot of the two coordinates: a norm over a length-2 axis is slow in numpy)
    return np.hypot(xy[..., 0] - target[:, 0], xy[..., 1] - target[:, 1]).T


def distance_floor(surface: Surface) -> float:
    """The distance below which rounding, not the rule, decides: ``1e-11 |x*|`` (and 1e-250).

    Near a minimum x* the gradient is evaluated at ``x - x*`` with an absolute error of about
    ``eps |x*|``, so iterates cannot settle closer than that; 1e-11 keeps a wide margin. At a
    minimum at the origin everything scales with the iterate and no floor is reached before
    underflow.
    """
    scale = float(np.max(np.hypot(surface.minima[:, 0], surface.minima[:, 1]), initial=0.0))
    return max(1e-11 * scale, 1e-250)


def measured_rate(traj: Trajectory, surface: Surface, quantity: str = "distance") -> float:
    """The least-squares rate (as ``ov.sweep`` fits it) of a run's distance to the surface's
    minimum, or of its optimality gap ``f - f*`` (which decays like the distance squared).

    The distance is floored at :func:`distance_floor` (rounding, not the rule, decides below it);
    the gap at ``1e-12 |f*|``, the precision the loss is computed to.
    """
    if quantity not in ("distance", "gap"):
        raise ParameterError(
            "quantity", unknown_name_message(quantity, ["distance", "gap"], what="quantity")
        )
    if quantity == "gap":
        gap = np.asarray(traj.loss, dtype=float) - surface.fmin
        # the loss is computed to about eps |f*|; a minimum value of 0 keeps relative precision
        floor = max(1e-12 * abs(surface.fmin), 1e-300)
        return float(empirical_rate(gap, traj.stop_step, floor=floor))
    distance = distance_to_minimum(surface, traj)
    if distance is None:
        raise ParameterError("surface", "has no known minimum to measure a distance to")
    return float(empirical_rate(distance[0], traj.stop_step, floor=distance_floor(surface)))


def epochs_seen(traj: Trajectory, n_samples: int) -> np.ndarray:
    """The data seen by each iterate, in epochs (passes over the ``n_samples`` samples): ``k B / n`` for a
    run of minibatches of B (``B = n`` for exact gradients).

    >>> import optviz as ov
    >>> t = ov.run("least_squares", ov.GD(lr=0.1), steps=4, noise=ov.Minibatch(10))
    >>> epochs_seen(t, 50).tolist()
    [0.0, 0.2, 0.4, 0.6, 0.8]
    """
    batch = int(getattr(traj.noise, "batch_size", n_samples))
    return np.arange(traj.steps + 1) * batch / n_samples


def wide_range(values: Any, factor: float, *, strict: bool = False) -> bool:
    """Whether the finite values are all positive and the largest is ``factor`` times the smallest or more
    (more than that, with ``strict``): values a log axis reads better.

    >>> wide_range([0.001, 0.02], 10), wide_range([1.0, 5.0, float("nan")], 10), wide_range([-1.0, 100.0], 10)
    (True, False, False)
    """
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    if not finite.size or not finite.min() > 0:
        return False
    top = factor * finite.min()
    return bool(finite.max() > top if strict else finite.max() >= top)


def best_so_far(traj: Trajectory) -> np.ndarray:
    """The lowest loss reached up to each iterate (the running minimum): what compares random search,
    whose iterate already is its best point, with a gradient run whose loss may go up on the way.

    >>> import optviz as ov
    >>> t = ov.run("quadratic", ov.Momentum(lr=0.1), steps=6)
    >>> t.loss.round(2).tolist()
    [19.25, 6.48, 13.26, 9.27, 0.49, 7.24, 5.26]
    >>> best_so_far(t).round(2).tolist()
    [19.25, 6.48, 6.48, 6.48, 0.49, 0.49, 0.49]
    """
    return np.minimum.accumulate(np.asarray(traj.loss, dtype=float), axis=-1)


def evaluations_used(traj: Trajectory) -> np.ndarray:
    """The loss-and-gradient evaluations made before each iterate, shape like ``loss``: ``0, e_0, e_0 + e_1,
    ...`` with ``e_k = traj.evaluations[k]`` (torch's closure calls for L-BFGS, 1 a step for every other rule).
    Constant after the run stopped. What "per evaluation" figures put on their x axis.

    >>> import optviz as ov
    >>> t = ov.run("quadratic", ov.LBFGS(line_search_fn="strong_wolfe"), steps=2)
    >>> t.evaluations.tolist(), evaluations_used(t).tolist()
    ([9, 1], [0, 9, 10])
    """
    counts = np.asarray(traj.evaluations, dtype=np.int64)
    zero = np.zeros((*counts.shape[:-1], 1), dtype=np.int64)
    return np.concatenate([zero, np.cumsum(counts, axis=-1)], axis=-1)


def smoothed(values: np.ndarray, stop: Any, width: int) -> np.ndarray:
    """Each run's values averaged over ``width`` iterates centred on each one (``width`` odd; an even one is
    rounded down): a noisy training curve, smoothed without lag. Near the start the window shrinks
    symmetrically (the first value stays the start's); near the run's stop step it loses its right side only
    (nothing after the stop leaks in, and the last value is still a mean).

    ``values`` is (steps+1,) or (N, steps+1), ``stop`` the stop step(s). Rows after a run's stop are left as
    they are.

    >>> smoothed(np.array([0.0, 3.0, 0.0, 3.0, 0.0, 3.0]), 5, 3).tolist()
    [0.0, 1.0, 2.0, 1.0, 2.0, 1.5]
    """
    v = np.asarray(values, dtype=float)
    half = max(int(width), 1) // 2
    if half == 0:
        return v.copy()
    n = v.shape[-1]
    k = np.arange(n)
    stops = np.asarray(stop).reshape(-1, 1) if v.ndim > 1 else np.asarray(stop)
    left = np.minimum(k, half)
    right = np.minimum(np.minimum(stops - k, half), left)  # symmetric at the start, cut at the stop
    total = v.copy()
    with np.errstate(all="ignore"):
        for j in range(1, half + 1):
            before = np.concatenate([np.zeros((*v.shape[:-1], j)), v[..., :-j]], axis=-1)
            after = np.concatenate([v[..., j:], np.zeros((*v.shape[:-1], j))], axis=-1)
            total = total + np.where(left >= j, before, 0.0) + np.where(right >= j, after, 0.0)
        out = total / (left + np.maximum(right, 0) + 1)
    return np.where(k > stops, v, out)


def spread_over_runs(
    values: np.ndarray, stop: Any, quantiles: Sequence[float] = (0.1, 0.5, 0.9)
) -> np.ndarray:
    """Quantiles over the runs of a batch at each iterate: ``values`` (N, steps+1) (a loss, a gap), each run
    counted up to its stop step only (a diverged run's frozen rows would otherwise pose as data).

    Returns (len(quantiles), steps+1); NaN where no run is left.

    >>> v = np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0], [5.0, 9.0, 9.0]])
    >>> spread_over_runs(v, [2, 2, 1], quantiles=(0.5,)).tolist()
    [[3.0, 4.0, 4.0]]
    """
    v = np.asarray(values, dtype=float)
    live = np.arange(v.shape[-1]) <= np.asarray(stop).reshape(-1, 1)
    v = np.where(live, v, np.nan)
    out = np.full((len(quantiles), v.shape[-1]), np.nan)
    some = live.any(axis=0)
    if some.any():
        out[:, some] = np.nanquantile(v[:, some], quantiles, axis=0)
    return out


__all__ = [
    "MIN_POINTS",
    "best_so_far",
    "distance_floor",
    "distance_to_minimum",
    "empirical_rate",
    "epochs_seen",
    "evaluations_used",
    "fit_rates",
    "measured_rate",
    "nearest_minimum",
    "smoothed",
    "spread_over_runs",
    "wide_range",
]
