"""Studies: the runs a figure needs beyond its own ``[[run]]`` tables, each a named function with numeric tests.

The figure kinds draw what they are handed; what they need computed lives here, in the Engine part, and the
scenario layer (or you, from Python) calls it first and hands the result to the kind:

==========================  =====================================  ======================================
figure kind                 study                                  what it computes
==========================  =====================================  ======================================
``regularization``          :func:`regularized_paths`              each run again on the L2-regularized twin
``weight_decay_conditioning`` :func:`weight_decay_rates`           measured kappa and GD rate per lambda
``test_functions``          :func:`classic_runs`             each rule at a stable lr on each function
``phase_diagram``           :func:`phase_sweep`                    the measured rate over an (lr, rho) grid
``seed_sweep``              :func:`seed_sweeps`                    each template swept over values x seeds
``rate_table``              :func:`rate_table`                     predicted against measured rates
==========================  =====================================  ======================================

>>> import optviz as ov
>>> from optviz import studies
>>> q = ov.surface("quadratic", kappa=10)
>>> rates = studies.weight_decay_rates(q, [0.0, 1.0], steps=300)
>>> rates.kappa.round(6).tolist(), rates.rate.round(4).tolist()
([10.0, 4.0], [0.8182, 0.6])

``python -m optviz.studies`` prints :func:`rate_table` for kappa = 10, 100, 1000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optviz import _validate as check
from optviz import limits, theory
from optviz._validate import ParameterError
from optviz.analysis import condition_number, hessian_eigen, suggested_rule_lr
from optviz.engine import run
from optviz.metrics import distance_to_minimum, empirical_rate, measured_rate, wide_range
from optviz.optimizers import GD, Momentum, Nesterov, rule
from optviz.surfaces import regularized, surface_parameters
from optviz.surfaces import surface as make_surface
from optviz.surfaces.base import Surface
from optviz.sweeps import SweepResult, sweep
from optviz.trajectory import Trajectory


# -- regularization: the same runs on the regularized twin ----------------------------------------------------
@dataclass(frozen=True)
class RegularizedPaths:
    """The runs of a figure made again on ``surface + lam |w|^2``: ``surface`` is that twin."""

    lam: float
    surface: Surface
    runs: tuple[Trajectory, ...]


def regularized_twin(surface: Surface, lam: float) -> Surface:
    """``surface`` with an L2 penalty of strength ``lam``: its own ``lam`` parameter where it has one (the
    lecture's ``softmax_1d``), else :func:`optviz.regularized`.

    >>> import optviz as ov
    >>> regularized_twin(ov.surface("softmax_1d"), 0.1).params["lam"]
    0.1
    """
    lam = check.positive("lam", lam)
    if surface.name and "lam" in surface_parameters(surface.name):
        return make_surface(surface.name, **{**surface.params, "lam": lam})
    return regularized(surface, lam)


def regularized_paths(surface: Surface, runs: Sequence[Trajectory], lam: float) -> RegularizedPaths:
    """Each run made again, from its start with its rule, noise, seed, steps and tolerance, on the
    regularized twin of ``surface`` (:func:`regularized_twin`): the paths with and without L2."""
    twin = regularized_twin(surface, lam)
    again = tuple(
        run(
            twin, t.optimizer, start=t.xy[0], steps=t.steps, noise=t.noise, seed=t.seed, tol=t.tol,
            label=t.label if t.custom_label else None,
        )
        for t in runs
    )  # fmt: skip
    return RegularizedPaths(lam=float(lam), surface=twin, runs=again)


# -- weight decay and conditioning ------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeightDecayRates:
    """Measured against predicted conditioning and GD rates of ``f + lam |w|^2`` for each ``lam``.

    ``kappa`` and ``rate`` are measured (the Hessian's condition number at the twin's minimum, and the
    empirical rate of GD at its optimal step ``2/(L + mu)`` there); ``dense`` is a fine lambda grid (0 first)
    with the predictions ``kappa_theory = (L + 2 lam)/(mu + 2 lam)`` and ``rate_theory = (kappa - 1)/(kappa +
    1)``; ``mu``, ``L`` are the unregularized Hessian's extreme eigenvalues. The price of ``lam``:
    ``minimizers[i]`` is the twin's minimum for ``lams[i]``, and ``data_loss[i]`` how much higher the
    unregularized surface is there than at its own minimum, ``f(w*_lam) - f(w*)`` (zero when the minimum is at
    the origin, which L2 does not move).
    """

    lams: np.ndarray
    kappa: np.ndarray
    rate: np.ndarray
    mu: float
    L: float
    dense: np.ndarray
    kappa_theory: np.ndarray
    rate_theory: np.ndarray
    steps: int
    minimizers: np.ndarray
    data_loss: np.ndarray


def weight_decay_rates(
    surface: Surface, lams: Sequence[float], *, steps: int = 400
) -> WeightDecayRates:
    """For each ``lam``: the regularized surface's kappa at its minimum and GD's measured rate at its optimal
    step (``steps`` steps from ``surface.start``), beside the closed forms of :mod:`optviz.theory`."""
    lams = np.asarray([check.nonnegative(f"lams[{i}]", v) for i, v in enumerate(lams)], dtype=float)
    values, _ = hessian_eigen(surface, surface.minima[0] if len(surface.minima) else surface.start)
    mu, L = float(values.min()), float(values.max())
    if not mu > 0:
        raise ParameterError(
            "surface", "needs a convex quadratic-like surface (a positive definite Hessian)"
        )
    low = max(lams[lams > 0].min(initial=1e-2) / 3, 1e-3)
    dense = np.concatenate([[0.0], np.geomspace(low, lams.max() * 3, 200)])
    kappa_theory = theory.regularized_condition_number((mu, L), dense)
    kappas, rates, minimizers = [], [], []
    for lam in lams:
        r = regularized(surface, lam) if lam > 0 else surface
        m = r.minima[0]
        minimizers.append(np.asarray(m, dtype=float))
        kappas.append(float(condition_number(r, m)))
        vals, _ = hessian_eigen(r, m)
        lr = 2.0 / (vals.min() + vals.max())  # GD's optimal step for this lambda
        t = run(r, GD(lr=lr), start=surface.start, steps=steps)
        distance = distance_to_minimum(r, t)
        rates.append(float(np.ravel(empirical_rate(distance.reshape(-1), t.stop_step))[0]))
    best = float(surface.value(surface.minima[0])) if len(surface.minima) else 0.0
    points = np.array(minimizers).reshape(-1, 2)
    return WeightDecayRates(
        lams=lams, kappa=np.array(kappas), rate=np.array(rates), mu=mu, L=L, dense=dense,
        kappa_theory=kappa_theory, rate_theory=theory.gd_optimal_rate(kappa_theory), steps=steps,
        minimizers=points, data_loss=np.maximum(np.asarray(surface.value(points), dtype=float) - best, 0.0),
    )  # fmt: skip


# -- the classic test functions ---------------------------------------------------------------------------------
def stable_run(
    surface: Surface, name: str, steps: int, *, halvings: int = limits.MAX_LR_HALVINGS
) -> Trajectory:
    """Rule ``name`` at :func:`optviz.analysis.suggested_rule_lr`, its lr halved until the run does not diverge
    (at most ``halvings`` times): a rule doing its best at a learning rate that is simple to state, not a tuned
    one. Returns the last run made (diverged only if every halving did)."""
    lr = suggested_rule_lr(surface, name)
    for _ in range(halvings):
        t = run(surface, rule(name, lr=lr), steps=steps)
        if t.status != "diverged":
            break
        lr /= 2
    return t


@dataclass(frozen=True)
class FunctionRuns:
    """One test function and each rule's :func:`stable_run` on it."""

    surface: Surface
    runs: tuple[Trajectory, ...]


def classic_runs(
    functions: Sequence[str], rules: Sequence[str], steps: int
) -> tuple[FunctionRuns, ...]:
    """Every rule of ``rules`` from each surface's suggested start, at a stable lr (:func:`stable_run`)."""
    out = []
    for name in functions:
        s = make_surface(name)
        out.append(FunctionRuns(surface=s, runs=tuple(stable_run(s, r, steps) for r in rules)))
    return tuple(out)


# -- the phase diagram ------------------------------------------------------------------------------------------
def phase_sweep(
    surface: Surface,
    rule: str = "momentum",
    *,
    grid: int = 60,
    steps: int = 400,
    lr_max: float | None = None,
) -> SweepResult:
    """The sweep behind a phase diagram: ``grid x grid`` cell centres over ``lr in (0, lr_max]`` and
    ``rho in (0, 1)`` (default ``lr_max``: 1.1 x the largest stable lr, at rho -> 1), one vectorized run.

    >>> import optviz as ov
    >>> res = phase_sweep(ov.surface("quadratic", kappa=10), grid=6, steps=200)
    >>> res.shape, int(res.on_grid("converged")[..., 0].sum())
    ((6, 6, 1), 24)
    """
    spec = theory.spectrum(surface)
    top = lr_max or 1.1 * float(theory.max_lr(rule, spec, 1.0))
    centres = (np.arange(grid) + 0.5) / grid
    return sweep(
        surface, rule, grid={"lr": (centres * top).tolist(), "rho": centres.tolist()}, steps=steps
    )


# -- the seed sweep of templates --------------------------------------------------------------------------------
def template_sweep(
    surface: Surface,
    template: Trajectory,
    param: str,
    values: Sequence[float],
    seeds: Sequence[int],
) -> SweepResult:
    """Sweep ``param`` over ``values`` for the run ``template`` (its rule, other hyperparameters, noise, start,
    steps and tol kept), over ``seeds``, in one vectorized run."""
    hyper = {k: [v] for k, v in template.hyperparams.items() if k != param}
    grid = {param: list(values), **hyper}
    return sweep(
        surface, template.rule, grid=grid, start=template.xy[0], steps=template.steps, seeds=seeds,
        noise=template.noise, tol=template.tol,
    )  # fmt: skip


def stationary_curve(
    surface: Surface, template: Trajectory, param: str, x: np.ndarray, *, geometric: bool = False
) -> np.ndarray | None:
    """Predicted stationary ``E[f]`` (or the geometric mean of f) of a noisy template run at each ``param``
    value ``x``: NaN where the run is unstable or its transient has not died out within its steps; None where
    theory does not apply (other rules or noise, a surface without a spectrum)."""
    sigma = getattr(template.noise, "sigma", None)
    if template.rule not in theory.RULES or sigma is None or param not in ("lr", "rho"):
        return None
    try:
        spec = theory.spectrum(surface)
    except ParameterError:
        return None
    H = surface.hessian(surface.minima[0])
    hyper = dict(template.hyperparams)
    f0 = float(template.loss[0]) - surface.fmin
    out = np.full(len(x), np.nan)
    for i, v in enumerate(x):
        h = {**hyper, param: float(v)}
        args = {
            "rho": h.get("rho", 0.0),
            "rule": template.rule,
            "weight_decay": h.get("weight_decay", 0.0),
        }
        wd = args["weight_decay"]
        r = theory.rate(template.rule, (spec.mu + wd, spec.L + wd), h["lr"], args["rho"])
        if not r < 1:
            continue
        expected = theory.stationary_loss(H, h["lr"], sigma, **args)
        # Honest only once the start is forgotten: the deterministic part of the loss (~ r^2k f0)
        # must be well below the noise floor by the end of the run.
        if r ** (2 * template.steps) * f0 < 0.05 * expected:
            if geometric:
                expected = theory.stationary_loss(H, h["lr"], sigma, geometric=True, **args)
            out[i] = surface.fmin + expected
    return out


@dataclass(frozen=True)
class SeedSweeps:
    """Each template's sweep over values x seeds, the axis scales, and the predicted stationary loss.

    ``log_x``/``log_y``: the scales the figure uses (given, or chosen for the data: log where the values span a
    decade, the metric two); ``curves[i]`` is ``(x, y)`` of template i's prediction (None where theory does
    not apply), on a dense grid in the x axis's scale, as the statistic drawn (geometric mean on a log y axis).
    """

    sweeps: tuple[SweepResult, ...]
    metric: str
    log_x: bool
    log_y: bool
    curves: tuple[tuple[np.ndarray, np.ndarray] | None, ...]


def seed_sweeps(
    surface: Surface,
    templates: Sequence[Trajectory],
    param: str,
    values: Sequence[float],
    seeds: Sequence[int],
    *,
    metric: str = "final_loss",
    theory_curves: bool = True,
    log_x: bool | None = None,
    log_y: bool | None = None,
) -> SeedSweeps:
    """:func:`template_sweep` for each template, and (for the final loss under Gaussian noise on a quadratic)
    the predicted stationary loss beside it (:func:`stationary_curve`)."""
    sweeps = tuple(template_sweep(surface, t, param, values, seeds) for t in templates)
    x = np.asarray(values, dtype=float)
    if log_x is None:
        log_x = wide_range(x, 10)
    if log_y is None:
        log_y = any(
            wide_range(np.where(res["status"] == "diverged", np.nan, res[metric]), 100, strict=True)
            for res in sweeps
        )
    curves: list[tuple[np.ndarray, np.ndarray] | None] = []
    for t in templates:
        curve = None
        if theory_curves and metric == "final_loss":
            lo, hi = float(x.min()), float(x.max())
            dense = np.geomspace(lo, hi, 200) if log_x else np.linspace(lo, hi, 200)
            y = stationary_curve(surface, t, param, dense, geometric=log_y)
            if y is not None and np.isfinite(y).any():
                curve = (dense, y)
        curves.append(curve)
    return SeedSweeps(
        sweeps=sweeps, metric=metric, log_x=bool(log_x), log_y=bool(log_y), curves=tuple(curves)
    )


# -- predicted against measured rates ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RateRow:
    """One line of :func:`rate_table`."""

    kappa: float
    rule: str
    setting: str
    lr: float
    rho: float
    predicted: float
    measured: float
    steps: int

    @property
    def error(self) -> float:
        """Relative difference ``measured / predicted - 1``."""
        return self.measured / self.predicted - 1


_LABELS = {"gd": "GD", "momentum": "Momentum", "nesterov": "Nesterov"}


@dataclass(frozen=True)
class RateTable:
    """Predicted against measured rates; ``str()`` is a plain-text table."""

    rows: tuple[RateRow, ...]
    angle: float

    COLUMNS = ("kappa", "rule", "setting", "lr", "rho", "predicted", "measured", "rel. diff")

    def cells(self) -> list[list[str]]:
        """The table as strings, one list per row (header excluded)."""
        return [
            [
                f"{r.kappa:g}",
                _LABELS[r.rule],
                r.setting,
                f"{r.lr:.4g}",
                f"{r.rho:.4g}",
                f"{r.predicted:.5f}",
                f"{r.measured:.5f}",
                f"{100 * r.error + 0.0:+.2f}%".replace("-0.00%", "+0.00%"),
            ]
            for r in self.rows
        ]

    def __str__(self) -> str:
        rows = [list(self.COLUMNS), *self.cells()]
        widths = [max(len(row[j]) for row in rows) for j in range(len(self.COLUMNS))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


_SETTINGS = {
    "gd": ("2/(L+μ)", lambda s: theory.optimal("gd", s)),
    "momentum": ("Polyak optimal", theory.heavy_ball_optimal),
    "nesterov": ("1/L, classic", theory.nesterov_classic),
}


def rate_table_steps(kappa: float, rule: str, *, efolds: float = 150.0) -> int:
    """The steps :func:`rate_table` runs ``rule`` for at ``kappa``: ``ceil(efolds / -ln(predicted rate))``.

    >>> rate_table_steps(10, "gd"), rate_table_steps(100, "nesterov")
    (748, 1424)
    """
    name = check.choice("rule", rule, theory.RULES, what="rule")
    q = make_surface("quadratic", kappa=check.number("kappa", kappa))
    predicted = _SETTINGS[name][1](q).rate
    contraction = -math.log(predicted) if predicted > 0 else math.inf
    if not contraction > 0:
        raise ParameterError(
            "kappa",
            f"{kappa:g} is too large: the predicted rate rounds to 1, so no run can measure it",
        )
    return math.ceil(efolds / contraction)


def rate_table(
    kappas: Sequence[float] = (10, 100, 1000),
    rules: Sequence[str] = theory.RULES,
    *,
    angle: float = 30.0,
    efolds: float = 150.0,
) -> RateTable:
    """Predicted against measured rates of GD, heavy ball and Nesterov at their tuned settings.

    For each kappa, the quadratic ``ov.surface("quadratic", kappa=kappa, angle=angle)`` (mu = 1) is
    run from its suggested start at: GD with ``lr = 2/(L + mu)``; heavy ball (torch Momentum) at
    Polyak's optimum; Nesterov at the classic ``lr = 1/L, rho = (sqrt k - 1)/(sqrt k + 1)``. Each
    run takes ``ceil(efolds / -ln(predicted))`` steps (the distance to the minimum falls by about
    e^-efolds; the minimum is the origin, so no rounding floor is reached), and the measured rate
    is the least-squares slope of log distance over the run's last half
    (:func:`optviz.metrics.empirical_rate`). Where the iteration matrix has a double root (the
    heavy ball optimum, classic Nesterov) the error decays like ``k r^k``, so a finite window reads
    a little above r: about ``1.4/steps`` relative, well under 1% here.

    >>> table = rate_table(kappas=[10], rules=["gd"])
    >>> r = table.rows[0]
    >>> round(r.predicted, 6), round(r.measured, 6), r.steps
    (0.818182, 0.818182, 748)
    """
    classes = {"gd": GD, "momentum": Momentum, "nesterov": Nesterov}
    rows = []
    for kappa in kappas:
        q = make_surface("quadratic", kappa=check.number("kappa", kappa), angle=angle)
        for name in rules:
            name = check.choice("rule", name, theory.RULES, what="rule")
            setting, tune = _SETTINGS[name]
            tuned = tune(q)
            # the closed form: at a double root the numerical radius is only good to ~sqrt(eps)
            predicted = tuned.rate
            steps = rate_table_steps(kappa, name, efolds=efolds)
            kwargs = {"lr": tuned.lr} if name == "gd" else {"lr": tuned.lr, "rho": tuned.rho}
            t = run(q, classes[name](**kwargs), steps=steps)
            distance = distance_to_minimum(q, t)
            assert distance is not None  # a quadratic knows its minimum
            measured = float(empirical_rate(distance[0], t.stop_step, floor=1e-280))
            rows.append(
                RateRow(
                    kappa=float(kappa), rule=name, setting=setting, lr=tuned.lr, rho=tuned.rho,
                    predicted=float(predicted), measured=measured, steps=steps,
                )
            )  # fmt: skip
    return RateTable(rows=tuple(rows), angle=angle)


# -- the same runs over seeds -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedRuns:
    """Each template run made again over ``seeds``: ``runs[i]`` is template i as one batch of ``len(seeds)``
    runs (its start, rule, noise, schedule, steps and tol), run j with seed ``seeds[j]``. A noisy run's
    claims are about these, never about one lucky seed."""

    seeds: tuple[int, ...]
    runs: tuple[Trajectory, ...]


def seed_runs(surface: Surface, templates: Sequence[Trajectory], seeds: Sequence[int]) -> SeedRuns:
    """Every template again over ``seeds``, each in one vectorized run; run j of batch i equals
    ``optviz.run`` of template i with ``seed=seeds[j]`` (the noise of a run depends only on its seed).

    >>> import optviz as ov
    >>> s = ov.surface("least_squares")
    >>> t = ov.run(s, ov.GD(lr=0.05), steps=20, noise=ov.Minibatch(10))
    >>> again = seed_runs(s, [t], seeds=[0, 1, 2])
    >>> again.runs[0].xy.shape, bool((again.runs[0][0].xy == t.xy).all())
    ((3, 21, 2), True)
    """
    seeds = tuple(
        check.integer(f"seeds[{i}]", v, minimum=0, maximum=limits.MAX_SEED)
        for i, v in enumerate(seeds)
    )
    if not seeds:
        raise ParameterError("seeds", "needs at least one seed")
    out = []
    for i, t in enumerate(templates):
        if t.batched:
            raise ParameterError(f"runs[{i}]", "must be a single run (a template), not a batch")
        out.append(
            run(
                surface, t.optimizer, start=np.repeat(t.xy[:1], len(seeds), axis=0), steps=t.steps,
                noise=t.noise, seed=list(seeds), tol=t.tol, schedule=t.schedule,
                label=t.label if t.custom_label else None,
            )
        )  # fmt: skip
    return SeedRuns(seeds=seeds, runs=tuple(out))


# -- momentum's friction: rho = 0.9 or 0.99 -------------------------------------------------------------------
@dataclass(frozen=True)
class FrictionRates:
    """Heavy ball (Momentum) at each ``rhos[r]``'s best lr on quadratics of condition number ``kappas[k]``.

    ``predicted[r, k]`` and ``lr[r, k]``: :func:`optviz.theory.heavy_ball_tuned`; ``measured[r, k]``: the
    empirical rate of the distance to the minimum of a run at that lr (``steps[r, k]`` steps from the
    quadratic's start). ``dense``/``dense_rate``: the predicted rate on a fine kappa grid; ``crossover``: the
    kappa beyond which the second rho is faster than the first (None if it never is, in the range).
    """

    rhos: tuple[float, ...]
    kappas: np.ndarray
    lr: np.ndarray
    predicted: np.ndarray
    measured: np.ndarray
    steps: np.ndarray
    dense: np.ndarray
    dense_rate: np.ndarray
    crossover: float | None
    angle: float

    def per_digit(self, rate: np.ndarray) -> np.ndarray:
        """Iterations per digit of accuracy, ``-1 / log10(rate)``: how many steps shrink the distance 10x."""
        with np.errstate(divide="ignore"):
            return -1.0 / np.log10(np.asarray(rate, dtype=float))


def friction_steps(
    rate: float, *, digits: float = 40.0, most: int = limits.MAX_SWEEP_STEPS * 4
) -> int:
    """The steps a run at ``rate`` needs to shrink its distance by ``10**digits`` (at least 200, at most ``most``)."""
    return int(min(max(math.ceil(digits / -math.log10(rate)), 200), most))


def momentum_friction(
    rhos: Sequence[float] = (0.9, 0.99),
    kappas: Sequence[float] = (10, 30, 100, 300, 1e3, 3e3, 1e4, 3e4, 1e5),
    *,
    angle: float = 0.0,
) -> FrictionRates:
    """For each momentum ``rho`` and condition number: the best lr and its rate (theory), and a run at that lr
    on the quadratic (``optviz.surface("quadratic", kappa=..., angle=angle)``) with its measured rate.

    >>> res = momentum_friction(kappas=[10, 1e4])
    >>> res.predicted.round(4).tolist(), bool(abs(res.measured / res.predicted - 1).max() < 1e-3)
    ([[0.9487, 0.9961], [0.995, 0.995]], True)
    >>> round(res.crossover)
    7940
    """
    rhos = tuple(
        check.in_range(f"rhos[{i}]", v, 0.0, 1.0, high_open=True) for i, v in enumerate(rhos)
    )
    ks = np.asarray([check.positive(f"kappas[{i}]", v) for i, v in enumerate(kappas)], dtype=float)
    if len(rhos) < 1 or ks.size < 1:
        raise ParameterError("rhos", "needs at least one rho and one kappa")
    shape = (len(rhos), len(ks))
    lr, predicted, measured = np.empty(shape), np.empty(shape), np.empty(shape)
    steps = np.empty(shape, dtype=np.int64)
    for j, kappa in enumerate(ks):
        q = make_surface("quadratic", kappa=float(kappa), angle=angle)
        for i, rho in enumerate(rhos):
            tuned = theory.heavy_ball_tuned(q, rho)
            lr[i, j], predicted[i, j] = tuned.lr, tuned.rate
            steps[i, j] = friction_steps(tuned.rate)
            t = run(q, Momentum(lr=tuned.lr, rho=rho), steps=int(steps[i, j]))
            measured[i, j] = measured_rate(t, q)
    lo, hi = float(ks.min()), float(ks.max())
    dense = np.geomspace(lo, hi, 400)
    dense_rate = np.array(
        [[theory.heavy_ball_tuned((1.0, float(k)), rho).rate for k in dense] for rho in rhos]
    )
    crossover = None
    if len(rhos) > 1:
        diff = dense_rate[0] - dense_rate[1]  # > 0 where the second rho is faster
        beyond = np.flatnonzero((diff[:-1] <= 0) & (diff[1:] > 0))
        if beyond.size:
            a, b = dense[beyond[0]], dense[beyond[0] + 1]

            def gap(log_k: float) -> float:
                k = math.exp(log_k)
                return (
                    theory.heavy_ball_tuned((1.0, k), rhos[0]).rate
                    - theory.heavy_ball_tuned((1.0, k), rhos[1]).rate
                )

            from scipy.optimize import brentq

            crossover = math.exp(brentq(gap, math.log(a), math.log(b), xtol=1e-12))
    return FrictionRates(
        rhos=rhos, kappas=ks, lr=lr, predicted=predicted, measured=measured, steps=steps, dense=dense,
        dense_rate=dense_rate, crossover=crossover, angle=float(angle),
    )  # fmt: skip


def main() -> None:
    """``python -m optviz.studies``: print :func:`rate_table` for kappa = 10, 100, 1000."""
    table = rate_table()
    print(
        "Per-step contraction of the distance to the minimum on quadratics "
        f"(angle {table.angle:g} deg, mu = 1, L = kappa):\n"
    )
    print(table)


__all__ = [
    "FrictionRates",
    "FunctionRuns",
    "RateRow",
    "RateTable",
    "RegularizedPaths",
    "SeedRuns",
    "SeedSweeps",
    "WeightDecayRates",
    "classic_runs",
    "friction_steps",
    "momentum_friction",
    "phase_sweep",
    "rate_table",
    "rate_table_steps",
    "regularized_paths",
    "regularized_twin",
    "seed_runs",
    "seed_sweeps",
    "stable_run",
    "stationary_curve",
    "template_sweep",
    "weight_decay_rates",
]

if __name__ == "__main__":  # pragma: no cover
    main()
