"""Figure kinds that put theory beside measurement: rates, Goh's phase diagram, seed sweeps, a rate table.

Each kind computes what it needs with the numeric core (``optviz.theory``, ``optviz.sweep``) and
draws it with ``optviz.plot`` functions:

- ``convergence_rates``: the runs' distance to the minimum against the iteration, each beside its
  predicted rate (dashed), the legend naming predicted and measured rates;
- ``phase_diagram``: the measured rate over an (lr, rho) grid, one vectorized sweep, with the
  predicted boundary, optimum and rate contours on top;
- ``seed_sweep``: a final metric against one hyperparameter over seeds (points, mean, std bars),
  each ``[[run]]`` a template whose rule, noise, start and steps are kept;
- ``rate_table``: predicted against measured rates of GD, heavy ball and Nesterov across kappa.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import plot, theory
from optviz._validate import ParameterError, choice, integer, number, positive
from optviz.figures._kinds import Option, PanelData, register_kind
from optviz.figures._layout import last_step, surface_title
from optviz.figures._scene import Scene
from optviz.figures.basic import LEGEND, draw_paths
from optviz.scenario._reader import boolean, string

MAX_GRID = 200
MAX_SWEEP_STEPS = 5000
MAX_SEEDS = 100
MAX_VALUES = 100


# -- option checks ---------------------------------------------------------------------------------
def _numbers(minimum: float | None = None, *, at_least: int = 1, at_most: int = MAX_VALUES) -> Any:
    def check(field: str, value: Any) -> list[float]:
        if not isinstance(value, (list, tuple)) or not at_least <= len(value) <= at_most:
            raise ParameterError(
                field, f"must be a list of {at_least} to {at_most} numbers, got {value!r}"
            )
        out = [number(f"{field}[{i}]", v) for i, v in enumerate(value)]
        if minimum is not None:
            for i, v in enumerate(out):
                if v < minimum:
                    raise ParameterError(
                        f"{field}[{i}]", f"must be at least {minimum:g}, got {v!r}"
                    )
        return out

    return check


def _seeds(field: str, value: Any) -> list[int]:
    """A number of seeds (0, 1, ..., n-1) or an explicit list of them."""
    if isinstance(value, list):
        if not 1 <= len(value) <= MAX_SEEDS:
            raise ParameterError(field, f"must list 1 to {MAX_SEEDS} seeds, got {len(value)}")
        return [integer(f"{field}[{i}]", v, minimum=0) for i, v in enumerate(value)]
    return list(range(integer(field, value, minimum=1, maximum=MAX_SEEDS)))


def _grid_size(field: str, value: Any) -> int:
    return integer(field, value, minimum=5, maximum=MAX_GRID)


def _sweep_steps(field: str, value: Any) -> int:
    return integer(field, value, minimum=20, maximum=MAX_SWEEP_STEPS)


def _kappa(field: str, value: Any) -> float | None:
    if value is None:
        return None
    value = number(field, value)
    if value < 1:
        raise ParameterError(field, f"must be a number >= 1, got {value!r}")
    return value


def _optional_bool(field: str, value: Any) -> bool | None:
    return None if value is None else boolean(field, value)


def _spectrum_or_error(surface: Any) -> theory.Spectrum:
    try:
        return theory.spectrum(surface)
    except ParameterError as err:
        raise ParameterError(
            "surface", f"theory needs a quadratic or a known minimum: {err.message}"
        ) from None


# -- convergence_rates -----------------------------------------------------------------------------
def _check_rates(table: Any, surface: Any, runs: Any, options: dict[str, Any]) -> None:
    if surface is not None:
        _spectrum_or_error(surface)


def predicted_rate(traj: Any, surface: Any) -> float | None:
    """The rate theory predicts for a run (None for other rules or under noise)."""
    if traj.rule not in theory.RULES or traj.meta.get("noise") is not None:
        return None
    return float(theory.rate(traj.optimizer, surface))


def measured_rate(traj: Any, surface: Any, quantity: str = "distance") -> float:
    """The least-squares rate (as ``ov.sweep`` fits it) of a run's distance to the surface's
    minimum, or of its optimality gap ``f - f*`` (which decays like the distance squared)."""
    from optviz.sweeps import distance_floor, distance_to_minimum, empirical_rate

    if quantity == "gap":
        gap = np.asarray(traj.loss, dtype=float) - surface.fmin
        # the loss is computed to about eps |f*|; a minimum value of 0 keeps relative precision
        floor = max(1e-12 * abs(surface.fmin), 1e-300)
        return float(empirical_rate(gap, traj.stop_step, floor=floor))
    distance = distance_to_minimum(surface, traj)
    assert distance is not None
    return float(empirical_rate(distance[0], traj.stop_step, floor=distance_floor(surface)))


@register_kind(
    "convergence_rates",
    "Distance to the minimum per iteration on a quadratic, each run beside its predicted rate (dashed).",
    options=[
        Option("quantity", "distance", lambda f, v: choice(f, v, ("distance", "gap"), what="quantity"),
               "distance |x - x*| (rate r) or gap f - f* (rate r^2)"),
        Option("paths", False, boolean, "a contour panel with the paths beside the curves"),
        LEGEND,
    ],
    runs="required",
    check=_check_rates,
)  # fmt: skip
def _convergence_rates(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    _spectrum_or_error(s)
    runs = data.trajectories
    quantity = data.options["quantity"]
    if data.options["paths"]:
        ax_paths, ax = fig.subplots(1, 2, width_ratios=[1, 1.3])
        draw_paths(ax_paths, data, scene)
    else:
        ax_paths, ax = None, fig.subplots(1, 1)
    power = 1 if quantity == "distance" else 2
    labels, rates = [], []
    for t in runs:
        predicted = predicted_rate(t, s)
        measured = measured_rate(t, s, quantity)
        rates.append(None if predicted is None else predicted**power)
        labels.append(f"{plot._common.run_label(t)}: measured {measured:.4f}")
    handle = plot.loss(
        runs, ax=ax, kind=quantity, fmin=s.fmin, minimum=s.minima[0], rate=rates,
        rate_label="predicted {rate:.4f}", label=labels,
        color=[data.color(i) for i in range(len(runs))], legend=False,
    )  # fmt: skip
    scene.add(handle, last_step(runs))
    title = "distance to the minimum" if quantity == "distance" else "optimality gap (rate r²)"
    ax.set_title(title if ax_paths is not None else f"{surface_title(s)}: {title}")
    entries = _paired(handle, rates)
    where = data.options["legend"]
    if where == "below":
        # Two columns (matplotlib fills columns first): the runs, and beside each its prediction.
        fig.legend(entries, [e.get_label() for e in entries], loc="outside lower center",
                   ncols=2 if handle.rates else 1, frameon=False)  # fmt: skip
    elif where == "right":
        fig.legend(
            entries, [e.get_label() for e in entries], loc="outside right upper", frameon=False
        )
    elif where == "inside":
        ax.legend(entries, [e.get_label() for e in entries], loc="best")


def _paired(handle: Any, rates: list[float | None]) -> list[Any]:
    """Legend entries: every run's line, then every run's prediction (a blank where it has none)."""
    from matplotlib.lines import Line2D

    lines = [line for line in handle.lines if not line.get_label().startswith("_")]
    if not handle.rates:
        return lines
    predictions = iter(handle.rates)
    column = [next(predictions) if r is not None else Line2D([], [], linestyle="none", label=" ")
              for r in rates]  # fmt: skip
    return [*lines, *column]


# -- phase_diagram ---------------------------------------------------------------------------------
def _check_phase(table: Any, surface: Any, runs: Any, options: dict[str, Any]) -> None:
    if surface is not None and options["kappa"] is not None:
        raise ParameterError("figure.kappa", "give kappa in [surface] or in [figure], not both")
    if surface is not None:
        _spectrum_or_error(surface)
    for i, r in enumerate(runs):
        if r.rule.name != options["rule"]:
            raise ParameterError(
                f"run[{i}].rule",
                f"the phase diagram is of {options['rule']}; a marked run must use it too, got "
                f"{r.rule.name!r}",
            )


def phase_sweep(
    surface: Any,
    rule: str = "momentum",
    *,
    grid: int = 60,
    steps: int = 400,
    lr_max: float | None = None,
) -> Any:
    """The sweep behind a phase diagram: ``grid x grid`` cell centres over ``lr in (0, lr_max]`` and
    ``rho in (0, 1)`` (default ``lr_max``: 1.1 x the largest stable lr, at rho -> 1), one vectorized run."""
    from optviz.sweeps import sweep

    spec = theory.spectrum(surface)
    top = lr_max or 1.1 * float(theory.max_lr(rule, spec, 1.0))
    centres = (np.arange(grid) + 0.5) / grid
    return sweep(
        surface, rule, grid={"lr": (centres * top).tolist(), "rho": centres.tolist()}, steps=steps
    )


@register_kind(
    "phase_diagram",
    "Measured rate over an (lr, rho) grid (one vectorized sweep), with the predicted boundary and optimum.",
    options=[
        Option("rule", "momentum", lambda f, v: choice(f, v, ("momentum", "nesterov"), what="rule"),
               "momentum (heavy ball) or nesterov"),
        Option("grid", 60, _grid_size, "cells per axis (5 to 200)"),
        Option("steps", 400, _sweep_steps, "steps per run (the rate is fitted on the last half)"),
        Option("kappa", None, _kappa, "condition number of the quadratic when no [surface] is given (default 10)"),
        Option("lr_max", None, lambda f, v: None if v is None else positive(f, v),
               "right edge of the lr axis (default 1.1 x the largest stable lr)"),
        Option("contours", True, boolean, "dotted contours of the predicted rate"),
    ],
    surface="optional",
    runs="optional",
    animated=False,
    check=_check_phase,
)  # fmt: skip
def _phase_diagram(fig: Any, data: PanelData, scene: Scene) -> None:
    from optviz.surfaces import surface as make_surface

    opts = data.options
    s = data.surface or make_surface("quadratic", kappa=opts["kappa"] or 10.0)
    res = phase_sweep(
        s, opts["rule"], grid=opts["grid"], steps=opts["steps"], lr_max=opts["lr_max"]
    )
    ax = fig.subplots(1, 1)
    h = plot.phase_diagram(res, ax=ax, contours="auto" if opts["contours"] else None)
    spec = theory.spectrum(s)
    handles = list(h.handles)
    colors = plot._common.run_colors(data.trajectories, data.colors or None)
    for i, t in enumerate(data.trajectories):
        hyper = t.meta["hyperparams"]
        lw = plot._common.linewidth()
        (marker,) = ax.plot(
            hyper["lr"], hyper.get("rho", 0.9), marker="o", linestyle="none", markersize=4.5 * lw,
            markerfacecolor=colors[i], markeredgecolor="white",
            markeredgewidth=0.6 * lw, zorder=5, label=plot._common.run_label(t),
        )  # fmt: skip
        h.runs.append(marker)
        handles.append(marker)
    name = {"momentum": "Momentum (heavy ball)", "nesterov": "Nesterov"}[opts["rule"]]
    ax.set_title(
        f"{name} on {surface_title(s)}, κ = {spec.kappa:g}: measured rate after {opts['steps']} steps"
    )
    if data.options.get("legend", "below") != "none":
        fig.legend(handles, [x.get_label() for x in handles], loc="outside lower center",
                   ncols=min(3, len(handles)), frameon=False)  # fmt: skip
    scene.results.update(sweep=res, artists=h)


# -- seed_sweep ------------------------------------------------------------------------------------
def _check_seed_sweep(table: Any, surface: Any, runs: Any, options: dict[str, Any]) -> None:
    import dataclasses

    if options["values"] is None:
        raise ParameterError("figure.values", "is required: the values of the swept hyperparameter")
    param = options["param"]
    for r in runs:
        names = [f.name for f in dataclasses.fields(r.rule)]
        if param not in names:
            from optviz._validate import unknown_name_message

            raise ParameterError(
                "figure.param", unknown_name_message(param, names, what=f"{r.rule.name} parameter")
            )
        for j, v in enumerate(options["values"]):
            try:
                type(r.rule)(**{**r.rule.hyperparams, param: v})
            except ParameterError as err:
                raise ParameterError(f"figure.values[{j}]", err.message) from None


def template_sweep(
    surface: Any, traj: Any, param: str, values: list[float], seeds: list[int]
) -> Any:
    """Sweep ``param`` over ``values`` for the run ``traj`` (its rule, other hyperparameters,
    noise, start, steps and tol kept), over ``seeds``, in one vectorized run."""
    from optviz.noise import noise_from_dict
    from optviz.sweeps import sweep

    hyper = {k: [v] for k, v in traj.meta["hyperparams"].items() if k != param}
    grid = {param: list(values), **hyper}
    return sweep(
        surface, traj.rule, grid=grid, start=traj.xy[0], steps=traj.steps, seeds=seeds,
        noise=noise_from_dict(traj.meta.get("noise")), tol=traj.meta.get("tol"),
    )  # fmt: skip


def stationary_curve(
    surface: Any, traj: Any, param: str, x: np.ndarray, *, geometric: bool = False
) -> np.ndarray | None:
    """Predicted stationary ``E[f]`` (or geometric mean of f) of a noisy run at each ``param``
    value: NaN where the run is unstable or its transient has not died out within its steps; None
    where theory does not apply (other rules or noise, a surface without a spectrum)."""
    noise = traj.meta.get("noise")
    if traj.rule not in theory.RULES or not noise or noise.get("kind") != "gaussian":
        return None
    if param not in ("lr", "rho"):
        return None
    try:
        spec = theory.spectrum(surface)
    except ParameterError:
        return None
    H = surface.hessian(surface.minima[0])
    hyper = dict(traj.meta["hyperparams"])
    f0 = float(traj.loss[0]) - surface.fmin
    out = np.full(len(x), np.nan)
    for i, v in enumerate(x):
        h = {**hyper, param: float(v)}
        args = {
            "rho": h.get("rho", 0.0),
            "rule": traj.rule,
            "weight_decay": h.get("weight_decay", 0.0),
        }
        r = theory.rate(traj.rule, (spec.mu + args["weight_decay"], spec.L + args["weight_decay"]),
                        h["lr"], args["rho"])  # fmt: skip
        if not r < 1:
            continue
        expected = theory.stationary_loss(H, h["lr"], noise["sigma"], **args)
        # Honest only once the start is forgotten: the deterministic part of the loss (~ r^2k f0)
        # must be well below the noise floor by the end of the run.
        if r ** (2 * traj.steps) * f0 < 0.05 * expected:
            if geometric:
                expected = theory.stationary_loss(
                    H, h["lr"], noise["sigma"], geometric=True, **args
                )
            out[i] = surface.fmin + expected
    return out


@register_kind(
    "seed_sweep",
    "A final metric against one hyperparameter over seeds: points per seed, mean line, std bars (each [[run]] a template).",
    options=[
        Option("param", "lr", string, "the hyperparameter to sweep (a constructor name of the runs' rules)"),
        Option("values", None, _numbers(at_least=2), "its values (required)"),
        Option("seeds", 5, _seeds, "a number of seeds (0..n-1) or a list of seeds"),
        Option("metric", "final_loss",
               lambda f, v: choice(f, v, ("final_loss", "final_distance", "rate", "steps_to_tol"), what="metric"),
               "final_loss, final_distance, rate or steps_to_tol"),
        Option("theory", True, boolean, "for Gaussian noise on a quadratic: the predicted stationary E[f] (dashed)"),
        Option("log_x", None, _optional_bool, "log x axis (default: when the values span a decade or more)"),
        Option("log_y", None, _optional_bool, "log y axis (default: when the metric spans two decades)"),
        LEGEND,
    ],
    runs="required",
    animated=False,
    check=_check_seed_sweep,
)  # fmt: skip
def _seed_sweep(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib.lines import Line2D

    opts = data.options
    s = data.surface
    param, values, seeds = opts["param"], opts["values"], opts["seeds"]
    ax = fig.subplots(1, 1)
    n = len(data.trajectories)
    results, drawn = [], []
    theory_lines = False
    colors = plot._common.run_colors(data.trajectories, data.colors or None)
    for i, t in enumerate(data.trajectories):
        res = template_sweep(s, t, param, values, seeds)
        results.append(res)
        offset = 0.12 * (i - (n - 1) / 2) if n > 1 else 0.0
        col = colors[i]
        label = plot._common.run_label(_without(t, param))
        h = plot.seed_sweep(
            res, param, ax=ax, metric=opts["metric"], color=col, label=label, log_x=opts["log_x"],
            log_y=opts["log_y"], offset=offset,
        )  # fmt: skip
        drawn.append(h)
        if opts["theory"] and opts["metric"] == "final_loss":
            dense = _dense(np.asarray(values, dtype=float), ax.get_xscale() == "log")
            geometric = ax.get_yscale() == "log"  # compare like with like: the plotted statistic
            curve = stationary_curve(s, t, param, dense, geometric=geometric)
            if curve is not None and np.isfinite(curve).any():
                ax.plot(dense, curve, color=col, linestyle="--", linewidth=0.8 * plot._common.linewidth(),
                        zorder=2.5, label="_theory")  # fmt: skip
                theory_lines = True
    steps = data.trajectories[0].steps
    noise = data.trajectories[0].meta.get("noise")
    what = {"final_loss": "Final loss", "final_distance": "Final distance", "rate": "Measured rate",
            "steps_to_tol": "Steps to tolerance"}[opts["metric"]]  # fmt: skip
    noise_text = f", gradient noise σ = {noise['sigma']:g}" if noise and "sigma" in noise else ""
    ax.set_title(
        f"{what} after {steps} steps on {surface_title(s)}{noise_text}, {len(seeds)} seeds"
    )
    log_y = ax.get_yscale() == "log"
    extra = [
        Line2D([], [], color="0.35", marker="o", linestyle="none", alpha=0.5, label="one seed"),
        Line2D([], [], color="0.35", marker="o", label="geometric mean ± 1 s.d." if log_y else "mean ± 1 s.d."),
    ]  # fmt: skip
    if theory_lines:
        extra.append(Line2D([], [], color="0.35", linestyle="--",
                            label="stationary " + ("geometric mean" if log_y else "E[f]") + " (theory)"))  # fmt: skip
    if any(h.diverged is not None for h in drawn):
        extra.append(Line2D([], [], color="0.35", marker="x", linestyle="none", label="diverged"))
    if opts["legend"] != "none":
        handles = [h.bars for h in drawn] + extra
        labels = [h.get_label() for h in handles]
        if opts["legend"] == "inside":
            ax.legend(handles, labels, loc="best")
        elif opts["legend"] == "below":
            fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
        else:
            fig.legend(handles, labels, loc="outside right upper", frameon=False)
    scene.results.update(sweeps=results, artists=drawn)


def _without(t: Any, param: str) -> Any:
    """A view of a run whose legend leaves out the swept hyperparameter."""
    import dataclasses

    meta = dict(t.meta)
    meta["hyperparams"] = {k: v for k, v in t.meta["hyperparams"].items() if k != param}
    return dataclasses.replace(t, meta=meta)


def _dense(values: np.ndarray, log: bool) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    return np.geomspace(lo, hi, 200) if log else np.linspace(lo, hi, 200)


# -- rate_table ------------------------------------------------------------------------------------
@register_kind(
    "rate_table",
    "Predicted against measured rates of GD, heavy ball and Nesterov at their tuned settings, across kappa.",
    options=[
        Option("kappas", [10, 100, 1000], _numbers(minimum=1.0, at_most=6), "condition numbers (rows of the table)"),
        Option("angle", 30.0, number, "rotation of the quadratics, in degrees"),
    ],
    surface="none",
    runs="none",
    animated=False,
)  # fmt: skip
def _rate_table(fig: Any, data: PanelData, scene: Scene) -> None:
    table = theory.rate_table(kappas=data.options["kappas"], angle=data.options["angle"])
    ax = fig.subplots(1, 1)
    h = plot.rate_table(table, ax=ax)
    ax.set_title(
        "Per-step rate of the distance to the minimum on quadratics "
        r"$\frac{1}{2}(\mu x^2 + L y^2)$ rotated "
        f"{data.options['angle']:g}°, μ = 1, L = κ",
        pad=12,
    )
    scene.results.update(table=table, artists=h)
