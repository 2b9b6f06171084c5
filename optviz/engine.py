"""The stepping engine: ``run(surface, rule, start, steps)`` -> Trajectory.

One step at iterate k: evaluate the exact loss and gradient at ``xy[k]``, let the noise model turn
the gradient into the one the rule is fed, record everything, then update. A start of shape (N, 2)
runs N trajectories in one vectorized loop (:func:`_batched_loop`); :func:`reference_run` is the
plain one-run loop with per-step checks that the tests hold it equal to.

Stopping, per run:
- converged at the first iterate whose exact gradient norm is below ``tol`` (``stop_step`` = that
  iterate);
- diverged at the first iterate that is non-finite (position, loss or gradient) or farther than
  ``escape_radius`` from the view's centre (default: 100 view diagonals); ``stop_step`` is the
  iterate before it. Divergence is a status, never an exception, and no numpy warning escapes.
After a run stops, its rows repeat the last valid iterate.

>>> import optviz as ov
>>> q = ov.surface("quadratic", kappa=10)
>>> t = ov.run(q, ov.GD(lr=0.25), steps=50)
>>> t.status, t.stop_step, t.xy[1].tolist()
('diverged', 16, [-3.0, -2.25])
>>> t = ov.run(q, ov.Momentum(lr=0.05), steps=500, tol=1e-8)
>>> t.status, t.stop_step
('converged', 358)
>>> batch = ov.run(q, ov.Adam(lr=0.1), start=[[-4, 1.5], [4, -1.5], [1, 1]], steps=20)
>>> batch.xy.shape, batch.status.tolist()
((3, 21, 2), ['max_steps', 'max_steps', 'max_steps'])
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import limits
from optviz._validate import ParameterError
from optviz._version import __version__
from optviz.noise import Noise, Oracle, normal_stream
from optviz.optimizers import Optimizer, rule_names
from optviz.scheduled import scheduled
from optviz.schedules import Schedule
from optviz.surfaces.base import Surface
from optviz.trajectory import STATUSES, Trajectory

ESCAPE_DIAGONALS = 100.0
# Stopping is checked every CHECK_EVERY steps, vectorized over the block of recorded rows: a run
# that stopped inside the block has computed a few extra rows, which the final freeze overwrites.
CHECK_EVERY = 32

_MAX_STEPS, _CONVERGED, _DIVERGED = range(3)


@dataclass(frozen=True)
class Problem:
    """A validated run request (what both loops consume)."""

    surface: Surface
    rule: Optimizer
    start: np.ndarray  # (N, 2)
    batched: bool
    steps: int
    noise: Noise | None
    seeds: np.ndarray  # (N,) int64
    tol: float | None
    escape_radius: float
    center: np.ndarray
    label: str
    # The rule as given (what the Trajectory carries) and the schedule it follows; ``rule`` is what the loops
    # step: this one bound to the surface it evaluates (Newton, L-BFGS) and driven by the schedule.
    optimizer: Optimizer
    schedule: Schedule | None = None
    custom_label: bool = False
    shared_seed: bool = True  # one int seed for the whole batch (else a sequence, one per run)


def run(
    surface: Surface | str,
    optimizer: Optimizer,
    start: Any = None,
    steps: int = 100,
    *,
    noise: Noise | None = None,
    seed: int | Sequence[int] = 0,
    tol: float | None = None,
    escape_radius: float | None = None,
    label: str | None = None,
    schedule: Any = None,
) -> Trajectory:
    """Run an update rule on a surface from ``start`` (default ``surface.start``) for ``steps``.

    Parameters
    ----------
    surface : Surface or str
        The surface (a registered name builds it with its defaults).
    optimizer : Optimizer
        The update rule, e.g. ``optviz.Momentum(lr=0.03)``.
    start : (2,) or (N, 2), optional
        One start, or N starts run as one vectorized batch.
    steps : int
        Update steps (arrays get ``steps + 1`` rows). At most ``limits.MAX_RUN_STEPS`` (10^6), and N x
        steps at most ``limits.MAX_CALL_STEPS`` (10^8) per
        call.
    noise : GaussianNoise or Minibatch, optional
        Turns the rule into its stochastic version ("SGD").
    seed : int or sequence of N ints
        The noise of run i at step k depends only on run i's seed and k; runs that share a seed
        share noise.
    tol : float, optional
        Stop a run once its exact gradient norm is below ``tol`` (status ``"converged"``).
    escape_radius : float, optional
        Distance from the view's centre beyond which a run has diverged (default 100 view
        diagonals).
    label : str, optional
        Display label; default the rule's (``"SGD"``, ``"SGD+Momentum"`` under noise).
    schedule : Schedule, optional
        A learning-rate schedule such as ``optviz.CosineAnnealingLR(T_max=steps)``: the lr of step k is
        torch's ``param_groups[0]["lr"]`` after k calls of ``scheduler.step()``, recorded as ``t.lr``.
    """
    problem = prepare(
        surface, optimizer, start, steps, noise, seed, tol, escape_radius, label, schedule
    )
    return _batched_loop(problem)


# -- validation ------------------------------------------------------------------------------------
def prepare(
    surface: Any,
    optimizer: Any,
    start: Any = None,
    steps: Any = 100,
    noise: Any = None,
    seed: Any = 0,
    tol: Any = None,
    escape_radius: Any = None,
    label: Any = None,
    schedule: Any = None,
    *,
    history: bool = True,
) -> Problem:
    """Check every argument of :func:`run` and return the validated :class:`Problem` (``history=False``: for
    :func:`endpoints`, which records nothing per step, so the cap on recorded numbers does not apply)."""
    if isinstance(surface, str):
        from optviz.surfaces import surface as build

        surface = build(surface)
    if not isinstance(surface, Surface):
        raise ParameterError("surface", f"must be a Surface or a surface name, got {surface!r}")
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        raise ParameterError(
            "optimizer",
            f"pass an instance with its hyperparameters, e.g. {optimizer.__name__}(lr=0.1)",
        )
    if not isinstance(optimizer, Optimizer):
        raise ParameterError(
            "optimizer", f"must be an update rule such as optviz.GD(lr=0.1), got {optimizer!r}"
        )
    start = surface.start if start is None else start
    xy = check.points("start", start)
    batched = xy.ndim == 2
    xy = xy.reshape(-1, 2)
    n = len(xy)
    steps = check.integer("steps", steps, minimum=0, maximum=limits.MAX_RUN_STEPS)
    if n * max(steps, 1) > limits.MAX_CALL_STEPS:
        raise ParameterError(
            "steps",
            f"{n:,} runs x {steps:,} steps is {n * steps:,} trajectory-steps; the limit is "
            f"{limits.MAX_CALL_STEPS:,} per call (split the batch or run fewer steps)",
        )
    if noise is not None and not isinstance(noise, Noise):
        raise ParameterError(
            "noise", f"must be GaussianNoise(...), Minibatch(...) or None, got {noise!r}"
        )
    if noise is not None and not optimizer.uses_gradient:
        raise ParameterError(
            "noise", f"{optimizer.label} uses no gradient, so gradient noise does not apply"
        )
    if noise is not None and not optimizer.takes_noise:
        raise ParameterError(
            "noise",
            f"{optimizer.label} re-evaluates the surface at trial points, so gradient noise does not apply",
        )
    seeds = _seeds(seed, n)
    if tol is not None:
        tol = check.positive("tol", tol)
    center = surface.center
    if escape_radius is None:
        escape_radius = ESCAPE_DIAGONALS * surface.diagonal
    escape_radius = check.positive("escape_radius", escape_radius)
    per_run = optimizer.n_values()
    if per_run is not None and per_run != n:
        raise ParameterError(
            optimizer.name, f"has {per_run} per-run hyperparameter values but there are {n} starts"
        )
    if label is not None and not isinstance(label, str):
        raise ParameterError("label", f"must be a string, got {label!r}")
    # A run must start somewhere it can be measured: inside the escape disc, with a finite loss and
    # gradient.
    distance = np.hypot(*(xy - center).T)
    if np.any(distance > escape_radius):
        i = int(np.argmax(distance > escape_radius))
        raise ParameterError(
            "start",
            f"{xy[i].tolist()} is {distance[i]:.4g} from the view's centre, beyond the escape "
            f"radius {escape_radius:.4g}",
        )
    with np.errstate(all="ignore"):
        f0, g0 = surface.value_and_grad(xy)
    bad = ~(np.isfinite(f0) & np.isfinite(g0).all(axis=-1))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ParameterError("start", f"the loss or gradient is not finite at {xy[i].tolist()}")
    # Second-order rules get the surface they evaluate; a schedule wraps the rule (scheduled.Scheduled).
    rule = optimizer.bind(surface)
    if schedule is not None:
        rule = scheduled(rule, schedule, steps)
    if history:
        _check_recorded(rule, xy[0], f0[0], n, steps)
    return Problem(
        surface=surface,
        rule=rule,
        start=xy,
        batched=batched,
        steps=steps,
        noise=noise,
        seeds=seeds,
        tol=tol,
        escape_radius=escape_radius,
        center=center,
        label=default_label(optimizer, noise) if label is None else label,
        custom_label=label is not None,
        shared_seed=not isinstance(seed, (list, tuple, np.ndarray, range)),
        optimizer=optimizer,
        schedule=schedule,
    )


def _check_recorded(rule: Optimizer, xy: np.ndarray, loss: Any, n: int, steps: int) -> None:
    """Refuse a call whose records (positions, losses, gradients and the rule's state fields at every step)
    would pass limits.MAX_RECORDED numbers; measured on one run's state."""
    fields = rule.history_fields()
    per_step = 5
    if fields:
        one = rule.select(0) if rule.n_values() is not None else rule
        state = one.start(xy, loss)
        per_step += sum(int(np.size(getattr(state, name))) for name in fields)
    total = n * (steps + 1) * per_step
    if total > limits.MAX_RECORDED:
        raise ParameterError(
            "steps",
            f"{n:,} runs x {steps:,} steps of {rule.label} record {per_step:,} numbers a step, "
            f"{total:,} in all; the limit is {limits.MAX_RECORDED:,} (fewer steps or runs, or a smaller "
            "max_iter / max_eval)",
        )


def _seeds(seed: Any, n: int) -> np.ndarray:
    if isinstance(seed, (list, tuple, np.ndarray, range)):
        values = list(np.asarray(seed).reshape(-1)) if isinstance(seed, np.ndarray) else list(seed)
        if len(values) != n:
            raise ParameterError(
                "seed", f"must be one int or one per run ({n}), got {len(values)} values"
            )
        return np.array(
            [
                check.integer(f"seed[{i}]", v, minimum=0, maximum=limits.MAX_SEED)
                for i, v in enumerate(values)
            ]
        )
    return np.full(
        n, check.integer("seed", seed, minimum=0, maximum=limits.MAX_SEED), dtype=np.int64
    )


def default_label(optimizer: Optimizer, noise: Noise | None) -> str:
    """The rule's label; under noise the lecture's "SGD" for GD and "SGD+Momentum" for Momentum, and "noisy"
    before any other of optviz's rules ("noisy Adam"), so a legend never shows a noisy run under an exact run's
    name. A rule from another library (``from_torch``, ``from_optax``) keeps the label it was given.

    >>> import optviz as ov
    >>> [default_label(r, ov.GaussianNoise(1.0)) for r in (ov.GD(0.1), ov.Momentum(0.1), ov.Adam())]
    ['SGD', 'SGD+Momentum', 'noisy Adam']
    >>> default_label(ov.Adam(), None)
    'Adam'
    """
    if noise is None or optimizer.name not in rule_names():
        return optimizer.label
    if optimizer.name == "gd":
        return "SGD"
    if optimizer.name == "momentum":
        return "SGD+Momentum"
    return f"noisy {optimizer.label}"


def _settings(p: Problem) -> dict[str, Any]:
    """What a Trajectory records of the run besides its arrays: the rule and noise objects and the rest."""
    seeds = [int(s) for s in p.seeds]
    shared = len(set(seeds)) == 1 and p.shared_seed
    params = json.loads(json.dumps(p.surface.params, allow_nan=False, default=_json_default))
    return {
        "optimizer": p.optimizer,
        "noise": p.noise,
        "schedule": p.schedule,
        "seed": seeds[0] if shared or not p.batched else tuple(seeds),
        "label": p.label,
        "custom_label": p.custom_label,
        "surface_name": p.surface.name or type(p.surface).__name__,
        "surface_params": params,
        "tol": p.tol,
        "escape_radius": p.escape_radius,
        "center": (float(p.center[0]), float(p.center[1])),
        "version": __version__,
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON-serializable: {value!r}")


# -- the two loops ---------------------------------------------------------------------------------
def _oracles(p: Problem, seeds: np.ndarray) -> tuple[Oracle | None, Any]:
    """The gradient noise, and the standard normal stream of a rule that draws its own (``random``)."""
    oracle = None if p.noise is None else p.noise.oracle(p.surface, seeds, p.steps)
    normals = normal_stream(seeds) if p.rule.random else None
    return oracle, normals


def reference_run(p: Problem, i: int = 0) -> Trajectory:
    """Run i of the problem with a plain loop: one run, every check at every step.

    The tests hold :func:`run` (the vectorized loop) equal to this, run by run.
    """
    surface, rule = p.surface, p.rule
    if rule.n_values() is not None:
        rule = rule.select(i)
    seed = p.seeds[i : i + 1]
    oracle, normals = _oracles(p, seed)
    x = p.start[i].copy()
    xs, fs, gs, hist = [], [], [], {name: [] for name in rule.history_fields()}
    status, stop, state = _MAX_STEPS, p.steps, None
    with np.errstate(all="ignore"):
        for k in range(p.steps + 1):
            f, g_exact = surface.value_and_grad(x)
            g = g_exact if oracle is None else oracle(k, x[None], g_exact[None])[0]
            escaped = not np.hypot(*(x - p.center)) <= p.escape_radius
            if escaped or not (np.isfinite(f) and np.isfinite(g).all()):
                status, stop = _DIVERGED, k - 1
                break
            if state is None:
                state = rule.start(x, f)
            xs.append(x)
            fs.append(f)
            gs.append(g)
            for name in hist:
                hist[name].append(getattr(state, name))
            if p.tol is not None and np.hypot(*g_exact) < p.tol:
                status, stop = _CONVERGED, k
                break
            if k == p.steps:
                break
            normal = None if normals is None else normals.step(k, None)[0]
            x, state = rule.step(g, state, x, surface.value, normal)
    if status == _DIVERGED:  # a rule that could not step ended the run itself (Newton: "singular")
        for name in rule.stop_statuses:
            if hist[name][stop]:
                status = STATUSES.index(name)
    pad = p.steps + 1 - len(xs)

    def frozen(rows: list[Any]) -> np.ndarray:
        arr = np.array(rows, dtype=float)
        return np.concatenate([arr, np.repeat(arr[-1:], pad, axis=0)]) if pad else arr

    optimizer = p.optimizer if p.optimizer.n_values() is None else p.optimizer.select(i)
    single = dataclasses.replace(
        p, start=p.start[i : i + 1], batched=False, seeds=seed, rule=rule, optimizer=optimizer
    )
    return Trajectory(
        xy=frozen(xs),
        loss=frozen(fs),
        grad=frozen(gs),
        state={name: frozen(rows) for name, rows in hist.items()},
        status=STATUSES[status],
        stop_step=stop,
        **_settings(single),
    )


def _batched_loop(p: Problem, use_kernels: bool = True) -> Trajectory:
    """All N runs in one vectorized loop, recording into preallocated step-major histories (a few runs of a rule
    with float kernels: :func:`_kernel_loop`, the same loop on Python floats; ``use_kernels=False``, the numpy
    loop whatever the rule, is what ``benchmarks/kernels.py`` times it against)."""
    kernels = p.rule.kernels(len(p.start)) if use_kernels else None
    if kernels is not None:
        return _kernel_loop(p, kernels)
    surface, rule, steps = p.surface, p.rule, p.steps
    n = len(p.start)
    oracle, normals = _oracles(p, p.seeds)
    value_and_grad = surface.value_and_grad
    value = surface.value

    x = p.start.copy()
    f0, _ = surface.value_and_grad(x)
    state = rule.start(x, f0)
    fields = rule.history_fields()
    hx, hf, hg, hs = _histories(n, steps, fields, state)
    stops = _Stops(p, n)
    track_exact = stops.tol2 is not None and oracle is not None

    with np.errstate(all="ignore"):
        k0 = 0
        while k0 <= steps:
            k1 = min(k0 + CHECK_EVERY, steps + 1)  # this block records iterates k0 .. k1-1
            rows = stops.rows
            w: Any = slice(None) if rows is None else rows
            exact_norm2 = np.empty((k1 - k0, len(x))) if track_exact else None
            for k in range(k0, k1):
                f, g = value_and_grad(x)
                if exact_norm2 is not None:
                    exact_norm2[k - k0] = g[:, 0] * g[:, 0] + g[:, 1] * g[:, 1]
                if oracle is not None:
                    g = oracle(k, x, g, rows)
                hx[k, w] = x
                hf[k, w] = f
                hg[k, w] = g
                for name in fields:
                    hs[name][k, w] = getattr(state, name)
                if k == steps:
                    break
                z = None if normals is None else normals.step(k, rows)
                x, state = rule.step(g, state, x, value, z)

            keep = stops.block(hx, hf, hg, k0, k1, exact_norm2)
            if keep is _ALL_STOPPED:
                break
            if keep is not None:
                x = x[keep]
                state = _take_state(state, keep)
                if rule.n_values() is not None:
                    rule = rule.take(keep)
            k0 = k1
    return _finish(p, rule, hx, hf, hg, hs, stops)


def _kernel_loop(p: Problem, kernels: list[Any]) -> Trajectory:
    """:func:`_batched_loop` for a few runs, each stepped by its rule's float kernel (``optviz.kernels``): the
    iterates, gradients and states are Python floats between steps, written into the histories once a block,
    and the stopping rules are the batched loop's, on those histories. The surface is evaluated on floats where
    it offers that (``value_and_grad_floats``: the same bits), else on the batch as an array."""
    surface, rule, steps = p.surface, p.rule, p.steps
    n = len(p.start)
    oracle, _ = _oracles(p, p.seeds)  # a rule with kernels draws no normals of its own
    value_and_grad = surface.value_and_grad
    on_floats = _float_evaluation(surface)

    f0, g0 = value_and_grad(p.start)
    if np.result_type(f0, g0) != np.float64:  # a surface of other floats: numpy's rounding of those
        return _batched_loop(p, use_kernels=False)
    fields = rule.history_fields()
    hx, hf, hg, hs = _histories(n, steps, fields, rule.start(p.start, f0))
    runs = [kern.start(p.start[i], f0[i]) for i, kern in enumerate(kernels)]
    steppers = [kern.step for kern in kernels]
    stops = _Stops(p, n)
    track_exact = stops.tol2 is not None and oracle is not None
    x: list[Any] = p.start.tolist()

    with np.errstate(all="ignore"):
        k0 = 0
        while k0 <= steps:
            k1 = min(k0 + CHECK_EVERY, steps + 1)
            rows = stops.rows
            # per step: the runs' points, (value, gx, gy) triples, fed gradients, states
            bx: list[Any] = []
            bfg: list[Any] = []
            bg: list[Any] = []
            bs: list[Any] = []
            exact: list[Any] = []
            for k in range(k0, k1):
                if on_floats is None:
                    fa, ga = value_and_grad(np.array(x))
                    fg = np.column_stack((fa, ga)).tolist()
                else:
                    fg = [on_floats(px, py) for px, py in x]
                bx.append(x)
                bfg.append(fg)
                if oracle is not None:
                    if track_exact:
                        exact.append([gx * gx + gy * gy for _, gx, gy in fg])
                    g = oracle.on_floats(k, x, [(gx, gy) for _, gx, gy in fg], rows)
                    bg.append(g)
                if fields:
                    bs.append([s[1:] for s in runs])
                if k == steps:
                    break
                if oracle is None:
                    x = [
                        step(s, gx, gy, px, py)
                        for step, s, (_, gx, gy), (px, py) in zip(
                            steppers, runs, fg, x, strict=True
                        )
                    ]
                else:
                    x = [
                        step(s, gx, gy, px, py)
                        for step, s, (gx, gy), (px, py) in zip(steppers, runs, g, x, strict=True)
                    ]
            w: Any = slice(None) if rows is None else rows
            values = np.array(bfg)
            hx[k0:k1, w] = bx
            hf[k0:k1, w] = values[..., 0]
            hg[k0:k1, w] = values[..., 1:] if oracle is None else bg
            if fields:
                states = np.array(bs)
                for j, name in enumerate(fields):
                    hs[name][k0:k1, w] = states[..., 2 * j : 2 * j + 2]

            keep = stops.block(hx, hf, hg, k0, k1, np.array(exact) if track_exact else None)
            if keep is _ALL_STOPPED:
                break
            if keep is not None:
                x = [x[i] for i in keep]
                runs = [runs[i] for i in keep]
                steppers = [steppers[i] for i in keep]
            k0 = k1
    return _finish(p, rule, hx, hf, hg, hs, stops)


_ALL_STOPPED = np.empty(0, dtype=np.int64)


def _float_evaluation(surface: Surface) -> Any:
    """The surface's ``value_and_grad_floats`` (one point on floats, ``value_and_grad``'s bits), if the class
    that defines its ``value_and_grad`` defines it too (a subclass that changes the one does not inherit the
    other's twin); else None."""
    for cls in type(surface).__mro__:
        if "value_and_grad" in vars(cls):
            if "value_and_grad_floats" not in vars(cls):
                return None
            return getattr(surface, "value_and_grad_floats", None)
    return None


def _histories(
    n: int, steps: int, fields: Sequence[str], state: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The step-major histories of positions, losses, gradients and the state fields (refused first if they
    would pass the cap)."""
    check_history(n, steps, [np.shape(getattr(state, name)) for name in fields])
    hx = np.empty((steps + 1, n, 2))
    hf = np.empty((steps + 1, n))
    hg = np.empty((steps + 1, n, 2))
    hs = {name: np.empty((steps + 1, *np.shape(getattr(state, name)))) for name in fields}
    return hx, hf, hg, hs


class _Stops:
    """Which runs stopped, when and how: the stopping rules checked every block of recorded rows, and the runs
    still computed (``rows``: None while it is all of them, in order)."""

    def __init__(self, p: Problem, n: int) -> None:
        self.status = np.zeros(n, dtype=np.int8)
        self.stop = np.full(n, p.steps, dtype=np.int64)
        self.rows: np.ndarray | None = None
        self.live = np.ones(n, dtype=bool)  # of the runs computed, those that have not stopped
        self.tol2 = None if p.tol is None else p.tol * p.tol
        self.r2 = p.escape_radius * p.escape_radius
        self.cx, self.cy = p.center

    def block(
        self,
        hx: np.ndarray,
        hf: np.ndarray,
        hg: np.ndarray,
        k0: int,
        k1: int,
        exact_norm2: np.ndarray | None,
    ) -> np.ndarray | None:
        """Check the rows k0 .. k1-1, vectorized over the block. Returns the positions (among the runs
        computed) of the runs to go on with when stopped runs are to be dropped, ``_ALL_STOPPED`` when none is
        left, else None."""
        rows, live = self.rows, self.live
        w: Any = slice(None) if rows is None else rows
        bx, bf, bg = hx[k0:k1, w], hf[k0:k1, w], hg[k0:k1, w]
        dx, dy = bx[..., 0] - self.cx, bx[..., 1] - self.cy
        # (coordinate by coordinate: a reduction over a length-2 axis is slow in numpy)
        bad = ~(
            (dx * dx + dy * dy <= self.r2)
            & np.isfinite(bf)
            & np.isfinite(bg[..., 0])
            & np.isfinite(bg[..., 1])
        )
        event = bad & live  # runs that stopped earlier but are still computed do not count
        if self.tol2 is not None:
            if exact_norm2 is None:
                norm2 = bg[..., 0] * bg[..., 0] + bg[..., 1] * bg[..., 1]
            else:
                norm2 = exact_norm2
            event |= (norm2 < self.tol2) & live
        if not event.any():
            return None
        hit = np.flatnonzero(event.any(axis=0))
        first = event[:, hit].argmax(axis=0)
        diverged = bad[first, hit]
        runs = hit if rows is None else rows[hit]
        self.stop[runs] = k0 + first - diverged
        self.status[runs] = np.where(diverged, _DIVERGED, _CONVERGED)
        live[hit] = False
        if not live.any():
            return _ALL_STOPPED
        # Drop stopped runs from the computation once they are a quarter of it; until then they are cheaper
        # to carry along (their extra rows are overwritten by the freeze at the end).
        if (~live).sum() * 4 < len(live):
            return None
        keep = np.flatnonzero(live)
        self.rows = keep if rows is None else rows[keep]
        self.live = np.ones(len(keep), dtype=bool)
        return keep


def _finish(
    p: Problem,
    rule: Optimizer,
    hx: np.ndarray,
    hf: np.ndarray,
    hg: np.ndarray,
    hs: dict[str, np.ndarray],
    stops: _Stops,
) -> Trajectory:
    status, stop, n = stops.status, stops.stop, len(stops.status)
    # A rule that could not step ended those runs itself (Newton: "singular" at the stop step).
    for name in rule.stop_statuses:
        ended = (status == _DIVERGED) & hs[name][stop, np.arange(n)].astype(bool)
        status[ended] = STATUSES.index(name)
    histories = [hx, hf, hg, *hs.values()]
    _freeze(histories, stop, p.steps)
    return _trajectory(p, hx, hf, hg, hs, status, stop)


@dataclass(frozen=True)
class Endpoints:
    """Where each of N runs ended, and how, with no per-step history (:func:`endpoints`).

    ``xy`` (N, 2) and ``loss`` (N,) at each run's ``stop_step`` (its last valid iterate, as in a Trajectory),
    ``status`` (N,) as :attr:`Trajectory.status`; ``at`` (K,) the steps snapshotted, ``xy_at`` (K, N, 2) and
    ``status_at`` (K, N) where each run was at those steps (a run that stopped earlier: where it stopped, with its
    status; one still running: ``"max_steps"``).
    """

    start: np.ndarray
    xy: np.ndarray
    loss: np.ndarray
    status: np.ndarray
    stop_step: np.ndarray
    steps: int
    optimizer: Optimizer
    label: str
    tol: float | None
    at: np.ndarray
    xy_at: np.ndarray
    status_at: np.ndarray

    def __len__(self) -> int:
        return len(self.xy)


def endpoints(
    surface: Surface | str,
    optimizer: Optimizer,
    start: Any,
    steps: int = 100,
    *,
    noise: Noise | None = None,
    seed: int | Sequence[int] = 0,
    tol: float | None = None,
    escape_radius: float | None = None,
    label: str | None = None,
    at: Sequence[int] = (),
) -> Endpoints:
    """:func:`run` that keeps no history: only where each run ended and how (and where it was at the steps
    ``at``), so a grid of 400 x 400 starts x 500 steps needs a few megabytes, not the gigabytes its histories
    would. Run i ends exactly where ``run`` would end it: the same update, the same stopping rules, bit for bit
    (the tests hold the two equal).

    >>> import optviz as ov
    >>> q = ov.surface("quadratic", kappa=10)
    >>> e = endpoints(q, ov.GD(lr=0.25), [[-4, 1.5], [0.5, 0.1]], steps=100, tol=1e-6)
    >>> e.status.tolist(), e.stop_step.tolist()
    (['diverged', 'diverged'], [16, 23])
    >>> e = endpoints(q, ov.Momentum(lr=0.05), [[-4, 1.5], [0.5, 0.1]], steps=500, tol=1e-8)
    >>> e.status.tolist(), e.stop_step.tolist()
    (['converged', 'converged'], [358, 328])
    """
    p = prepare(
        surface, optimizer, start, steps, noise, seed, tol, escape_radius, label, history=False
    )
    at_steps = np.array(
        sorted(
            {check.integer(f"at[{i}]", k, minimum=0, maximum=p.steps) for i, k in enumerate(at)}
        ),
        dtype=np.int64,
    )
    return _endpoint_loop(p, at_steps)


def _endpoint_loop(p: Problem, at: np.ndarray) -> Endpoints:
    """The batched loop of :func:`_batched_loop` with the stopping rules checked at every step and nothing
    recorded but each run's last valid iterate."""
    surface, rule, steps = p.surface, p.rule, p.steps
    n = len(p.start)
    oracle, normals = _oracles(p, p.seeds)
    value_and_grad, value = surface.value_and_grad, surface.value
    out_x = np.empty((n, 2))
    out_f = np.empty(n)
    status = np.full(n, _MAX_STEPS, dtype=np.int8)
    stop = np.full(n, steps, dtype=np.int64)
    xy_at = np.empty((len(at), n, 2))
    status_at = np.empty((len(at), n), dtype=np.int8)
    snap = {int(k): j for j, k in enumerate(at)}
    rows = np.arange(n)  # the runs still computed
    live = np.ones(n, dtype=bool)  # of those, the ones that have not stopped
    tol2 = None if p.tol is None else p.tol * p.tol
    r2 = p.escape_radius * p.escape_radius
    cx, cy = p.center
    flags = rule.stop_statuses
    x = p.start.copy()
    prev_x = prev_f = prev_state = None
    state = None
    last = steps
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            last = k
            f, g = value_and_grad(x)
            exact2 = g[:, 0] * g[:, 0] + g[:, 1] * g[:, 1]
            if oracle is not None:
                g = oracle(k, x, g, None if len(rows) == n else rows)
            if state is None:
                state = rule.start(x, f)
            dx, dy = x[:, 0] - cx, x[:, 1] - cy
            bad = ~(
                (dx * dx + dy * dy <= r2)
                & np.isfinite(f)
                & np.isfinite(g[:, 0])
                & np.isfinite(g[:, 1])
            )
            done = bad if tol2 is None else bad | (exact2 < tol2)
            done &= live  # runs that stopped earlier but are still computed do not count again
            if done.any():
                ended = np.flatnonzero(done)
                went = ended[bad[ended]]
                stop[rows[went]] = k - 1
                out_x[rows[went]] = prev_x[went]
                out_f[rows[went]] = prev_f[went]
                status[rows[went]] = _DIVERGED
                # a rule that could not step ended the run itself (Newton: "singular")
                for name in flags:
                    mark = np.asarray(getattr(prev_state, name), dtype=bool)[went]
                    status[rows[went[mark]]] = STATUSES.index(name)
                conv = ended[~bad[ended]]
                stop[rows[conv]] = k
                out_x[rows[conv]] = x[conv]
                out_f[rows[conv]] = f[conv]
                status[rows[conv]] = _CONVERGED
                live &= ~done
            if k in snap:
                j = snap[k]
                xy_at[j] = out_x
                xy_at[j, rows[live]] = x[live]
                status_at[j] = status
            if k == steps:
                out_x[rows[live]] = x[live]
                out_f[rows[live]] = f[live]
                break
            if not live.any():
                break
            # Drop stopped runs from the computation once they are a quarter of it (as _batched_loop does):
            # until then they are cheaper to carry along than to copy every array at every step.
            if (~live).sum() * 4 >= len(live):
                keep = np.flatnonzero(live)
                rows, x, f, g = rows[keep], x[keep], f[keep], g[keep]
                state = _take_state(state, keep)
                if rule.n_values() is not None:
                    rule = rule.take(keep)
                live = np.ones(len(keep), dtype=bool)
            z = None if normals is None else normals.step(k, rows)
            prev_x, prev_f, prev_state = x, f, state
            x, state = rule.step(g, state, x, value, z)
    for k, j in snap.items():  # steps after every run had stopped: each run where it stopped
        if k > last:
            xy_at[j] = out_x
            status_at[j] = status
    names = np.array(STATUSES)[status]
    return Endpoints(
        start=p.start, xy=out_x, loss=out_f, status=names, stop_step=stop, steps=steps,
        optimizer=p.optimizer, label=p.label, tol=p.tol, at=at, xy_at=xy_at,
        status_at=np.array(STATUSES)[status_at],
    )  # fmt: skip


def history_bytes(n: int, steps: int, state_shapes: Sequence[tuple[int, ...]]) -> int:
    """Bytes of the histories a call records: positions, losses and gradients of ``n`` runs, and the rule's
    state (each field's shape for the whole batch), over ``steps + 1`` rows of float64."""
    per_row = n * 5 + sum(math.prod(shape) for shape in state_shapes)
    return 8 * (steps + 1) * per_row


def check_history(n: int, steps: int, state_shapes: Sequence[tuple[int, ...]]) -> None:
    """Refuse, before allocating, a call whose histories pass :data:`optviz.limits.MAX_HISTORY_BYTES`."""
    need = history_bytes(n, steps, state_shapes)
    if need > limits.MAX_HISTORY_BYTES:
        raise ParameterError(
            "steps",
            f"{n:,} runs x {steps:,} steps would record {need / 1024**3:.3g} GiB of history; the limit is "
            f"{limits.MAX_HISTORY_BYTES / 1024**3:g} GiB per call (split the batch or run fewer steps)",
        )


def _take_state(state: Any, keep: np.ndarray) -> Any:
    return type(state)(*(v[keep] if isinstance(v, np.ndarray) and v.ndim else v for v in state))


def _freeze(histories: list[np.ndarray], stop: np.ndarray, steps: int) -> None:
    """Rows after each run's stop_step repeat that step's row (step-major arrays, in place)."""
    if stop.min() >= steps:
        return
    first = int(stop.min()) + 1
    n = len(stop)
    after = np.arange(first, steps + 1)[:, None] > stop[None, :]  # (rows, N)
    for h in histories:
        last = h[stop, np.arange(n)]
        mask = after.reshape(after.shape + (1,) * (h.ndim - 2))
        np.copyto(h[first:], last[None], where=mask)


def _trajectory(
    p: Problem,
    hx: np.ndarray,
    hf: np.ndarray,
    hg: np.ndarray,
    hs: dict[str, np.ndarray],
    status: np.ndarray,
    stop: np.ndarray,
) -> Trajectory:
    names = np.array(STATUSES)[status]
    names.setflags(write=False)
    stop.setflags(write=False)

    def view(h: np.ndarray) -> np.ndarray:
        out = np.swapaxes(h, 0, 1) if p.batched else h[:, 0]
        out.setflags(write=False)
        return out

    return Trajectory(
        xy=view(hx),
        loss=view(hf),
        grad=view(hg),
        state={name: view(h) for name, h in hs.items()},
        status=names if p.batched else str(names[0]),
        stop_step=stop if p.batched else int(stop[0]),
        **_settings(p),
    )


__all__ = [
    "Endpoints",
    "Problem",
    "check_history",
    "default_label",
    "endpoints",
    "history_bytes",
    "prepare",
    "reference_run",
    "run",
]
