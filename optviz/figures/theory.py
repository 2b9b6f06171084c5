"""Figure kinds that put theory beside measurement: rates, Goh's phase diagram, seed sweeps, a rate table.

Each kind draws the closed forms of ``optviz.theory`` beside what was measured: the runs' rates
(``optviz.metrics``), or the result of its study (``optviz.studies``), handed over as ``data.study``:

- ``convergence_rates``: the runs' distance to the minimum against the iteration, each beside its
  predicted rate (dashed), the legend naming predicted and measured rates;
- ``phase_diagram``: the measured rate over an (lr, rho) grid (:func:`optviz.studies.phase_sweep`),
  with the predicted boundary, optimum and rate contours on top;
- ``seed_sweep``: a final metric against one hyperparameter over seeds (points, mean, std bars),
  each ``[[run]]`` a template whose rule, noise, start and steps are kept
  (:func:`optviz.studies.seed_sweeps`);
- ``rate_table``: predicted against measured rates of GD, heavy ball and Nesterov across kappa
  (:func:`optviz.studies.rate_table`);
- ``momentum_rho``: the lecture's "rho = 0.9 or 0.99": runs at one lr beside the iterations per digit of
  accuracy against kappa at each rho's best lr (:func:`optviz.studies.momentum_friction`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from optviz import limits, plot, style, theory
from optviz._validate import ParameterError, integer, number, positive, unknown_name_message
from optviz.figures._kinds import PanelData, SurfaceRule, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import draw_paths, legend_option
from optviz.figures.layout import last_step, require_rules, surface_title
from optviz.figures.options import Options, boolean, numbers, one_of, option, optional, string
from optviz.metrics import measured_rate
from optviz.plot.common import fontsize, linewidth, run_colors, run_label


# -- option checks ---------------------------------------------------------------------------------
def _seeds(field: str, value: Any) -> tuple[int, ...]:
    """A number of seeds (0, 1, ..., n-1) or an explicit list of them."""
    if isinstance(value, (list, tuple)):
        if not 1 <= len(value) <= limits.MAX_SEEDS:
            raise ParameterError(
                field, f"must list 1 to {limits.MAX_SEEDS} seeds, got {len(value)}"
            )
        return tuple(
            integer(f"{field}[{i}]", v, minimum=0, maximum=limits.MAX_SEED)
            for i, v in enumerate(value)
        )
    return tuple(range(integer(field, value, minimum=1, maximum=limits.MAX_SEEDS)))


def _grid_size(field: str, value: Any) -> int:
    return integer(field, value, minimum=5, maximum=limits.MAX_GRID)


def _sweep_steps(field: str, value: Any) -> int:
    return integer(field, value, minimum=20, maximum=limits.MAX_SWEEP_STEPS)


def _kappa(field: str, value: Any) -> float:
    value = number(field, value)
    if value < 1:
        raise ParameterError(field, f"must be a number >= 1, got {value!r}")
    return value


def _has_spectrum(surface: Any) -> bool | str:
    try:
        theory.spectrum(surface)
    except ParameterError as err:
        return err.message
    return True


SPECTRUM = SurfaceRule(
    _has_spectrum, "a quadratic or a surface with a known minimum (theory needs its spectrum)"
)


# -- convergence_rates -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvergenceRatesOptions(Options):
    quantity: str = option(
        "distance",
        one_of("distance", "gap", what="quantity"),
        "distance |x - x*| (rate r) or gap f - f* (rate r^2)",
    )
    paths: bool = option(False, boolean, "a contour panel with the paths beside the curves")
    legend: str = legend_option()


@register_kind(
    "convergence_rates",
    "Distance to the minimum per iteration on a quadratic, each run beside its predicted rate (dashed).",
    options=ConvergenceRatesOptions,
    runs="required",
    surfaces=SPECTRUM,
)
def _convergence_rates(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    runs = data.trajectories
    quantity = data.options.quantity
    if data.options.paths:
        ax_paths, ax = fig.subplots(1, 2, width_ratios=[1, 1.3])
        draw_paths(ax_paths, data, scene)
    else:
        ax_paths, ax = None, fig.subplots(1, 1)
    power = 1 if quantity == "distance" else 2
    labels, rates = [], []
    for t in runs:
        predicted = theory.predicted_rate(t.optimizer, s, noise=t.noise)
        measured = measured_rate(t, s, quantity)
        rates.append(None if predicted is None else predicted**power)
        labels.append(f"{run_label(t)}: measured {measured:.4f}")
    handle = plot.loss(
        runs, ax=ax, kind=quantity, fmin=s.fmin, minimum=s.minima[0], rate=rates,
        rate_label="predicted {rate:.4f}", label=labels,
        color=[data.color(i) for i in range(len(runs))], legend=False,
    )  # fmt: skip
    scene.add(handle, last_step(runs))
    title = "distance to the minimum" if quantity == "distance" else "optimality gap (rate r²)"
    plot.loss_title(ax, title if ax_paths is not None else f"{surface_title(s)}: {title}")
    entries = _paired(handle, rates)
    where = data.options.legend
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
@dataclass(frozen=True)
class PhaseDiagramOptions(Options):
    rule: str = option(
        "momentum", one_of("momentum", "nesterov", what="rule"), "momentum (heavy ball) or nesterov"
    )
    grid: int = option(60, _grid_size, f"cells per axis (5 to {limits.MAX_GRID})")
    steps: int = option(400, _sweep_steps, "steps per run (the rate is fitted on the last half)")
    kappa: float | None = option(
        None,
        optional(_kappa),
        "condition number of the quadratic when no [surface] is given (default 10)",
    )
    lr_max: float | None = option(
        None, optional(positive), "right edge of the lr axis (default 1.1 x the largest stable lr)"
    )
    contours: bool = option(True, boolean, "dotted contours of the predicted rate")

    def validate(self) -> None:
        runs = self.grid * self.grid
        if runs * self.steps > limits.MAX_CALL_STEPS:
            raise ParameterError(
                "grid",
                f"{self.grid} x {self.grid} runs x {self.steps:,} steps is {runs * self.steps:,} "
                f"trajectory-steps; the limit is {limits.MAX_CALL_STEPS:,} (a smaller grid or fewer steps)",
            )

    def quadratic(self) -> Any:
        """The surface drawn when a scenario gives none: the quadratic of condition number ``kappa``."""
        from optviz.surfaces import surface

        return surface("quadratic", kappa=self.kappa or 10.0)


# The phase diagram measures rates over a few hundred steps: past this condition number the best rate rounds so
# close to 1 that every cell reads "no convergence", and the lr axis shrinks below what an axis can show.
_PHASE_MAX_KAPPA = 1e8
# lr_max beyond this multiple of the largest stable lr leaves the stable region a sliver at the axis' left edge.
_PHASE_MAX_LR_FACTOR = 100.0


def _check_phase(surface: Any, runs: Any, options: Any) -> None:
    if surface is not None and options.kappa is not None:
        raise ParameterError("figure.kappa", "give kappa in [surface] or in [figure], not both")
    spec = theory.spectrum(surface if surface is not None else options.quadratic())
    kappa = spec.L / spec.mu
    if not kappa <= _PHASE_MAX_KAPPA:
        raise ParameterError(
            "figure.kappa" if surface is None else "surface",
            f"condition number {kappa:.3g} is too large for a phase diagram (at most"
            f" {_PHASE_MAX_KAPPA:g}): every measured rate would round to 1",
        )
    stable = float(theory.max_lr(options.rule, spec, 1.0))
    if options.lr_max is not None and options.lr_max > _PHASE_MAX_LR_FACTOR * stable:
        raise ParameterError(
            "figure.lr_max",
            f"{options.lr_max:g} is more than {_PHASE_MAX_LR_FACTOR:g} x the largest stable lr"
            f" ({stable:.3g}): the stable region would be a sliver at the axis' edge",
        )
    for i, r in enumerate(runs):
        if r.optimizer.name != options.rule:
            raise ParameterError(
                f"run[{i}].rule",
                f"the phase diagram is of {options.rule}; a marked run must use it too, got "
                f"{r.optimizer.name!r}",
            )


@register_kind(
    "phase_diagram",
    "Measured rate over an (lr, rho) grid (one vectorized sweep), with the predicted boundary and optimum.",
    options=PhaseDiagramOptions,
    surface="optional",
    runs="optional",
    animated=False,
    surfaces=SPECTRUM,
    check=_check_phase,
    study="optviz.studies.phase_sweep",
)
def _phase_diagram(fig: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    res = data.study
    s = res.surface
    ax = fig.subplots(1, 1)
    marks = [(t.hyperparams["lr"], t.hyperparams.get("rho", 0.9)) for t in data.trajectories]
    h = plot.phase_diagram(
        res, ax=ax, contours="auto" if opts.contours else None, avoid=marks or None
    )
    spec = theory.spectrum(s)
    handles = list(h.handles)
    colors = run_colors(data.trajectories, data.colors or None)
    for i, t in enumerate(data.trajectories):
        hyper = t.hyperparams
        lw = linewidth()
        (marker,) = ax.plot(
            hyper["lr"], hyper.get("rho", 0.9), marker="o", linestyle="none", markersize=4.5 * lw,
            markerfacecolor=colors[i], markeredgecolor="white",
            markeredgewidth=0.6 * lw, zorder=5, label=run_label(t),
        )  # fmt: skip
        h.runs.append(marker)
        handles.append(marker)
    name = {"momentum": "Momentum (heavy ball)", "nesterov": "Nesterov"}[opts.rule]
    steps = res.trajectories.steps
    ax.set_title(
        f"{name} on {surface_title(s)}, κ = {spec.kappa:g}: measured rate after {steps} steps"
    )
    fig.legend(handles, [x.get_label() for x in handles], loc="outside lower center",
               ncols=min(3, len(handles)), frameon=False)  # fmt: skip
    scene.results.update(sweep=res, artists=h)


# -- seed_sweep ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeedSweepOptions(Options):
    param: str = option(
        "lr", string, "the hyperparameter to sweep (a constructor name of the runs' rules)"
    )
    values: tuple[float, ...] | None = option(
        None, optional(numbers(at_least=2)), "its values (required)"
    )
    seeds: tuple[int, ...] = option(5, _seeds, "a number of seeds (0..n-1) or a list of seeds")
    metric: str = option(
        "final_loss",
        one_of("final_loss", "final_distance", "rate", "steps_to_tol", what="metric"),
        "final_loss, final_distance, rate or steps_to_tol",
    )
    theory: bool = option(
        True, boolean, "for Gaussian noise on a quadratic: the predicted stationary E[f] (dashed)"
    )
    log_x: bool | None = option(
        None, optional(boolean), "log x axis (default: when the values span a decade or more)"
    )
    log_y: bool | None = option(
        None, optional(boolean), "log y axis (default: when the metric spans two decades)"
    )
    x_axis: str = option(
        "param",
        one_of("param", "effective_step", what="x_axis"),
        "param (the swept values) or effective_step (with param = lr: momentum runs at lr / (1 - rho), the "
        "step a steady gradient gives them; other runs at lr)",
    )
    legend: str = legend_option()

    def validate(self) -> None:
        if self.values is None:
            raise ParameterError("values", "is required: the values of the swept hyperparameter")
        if self.x_axis == "effective_step" and self.param != "lr":
            raise ParameterError(
                "x_axis",
                f'effective_step needs param = "lr" (the effective step is lr / (1 - rho)), got param = {self.param!r}',
            )


def _check_seed_sweep(surface: Any, runs: Any, options: Any) -> None:
    param = options.param
    for i, r in enumerate(runs):
        rule = r.optimizer
        names = [f.name for f in dataclasses.fields(rule)]
        if param not in names:
            raise ParameterError(
                "figure.param", unknown_name_message(param, names, what=f"{rule.name} parameter")
            )
        for j, v in enumerate(options.values):
            try:
                type(rule)(**{**rule.hyperparams, param: v})
            except ParameterError as err:
                raise ParameterError(f"figure.values[{j}]", err.message) from None
        work = len(options.values) * len(options.seeds) * r.steps
        if work > limits.MAX_CALL_STEPS:
            raise ParameterError(
                "figure.seeds",
                f"{len(options.values)} values x {len(options.seeds)} seeds x {r.steps:,} steps of "
                f"run[{i}] is {work:,} trajectory-steps; the limit is {limits.MAX_CALL_STEPS:,}",
            )


@register_kind(
    "seed_sweep",
    "A final metric against one hyperparameter over seeds: points per seed, mean line, std bars (each [[run]] a template).",
    options=SeedSweepOptions,
    runs="required",
    animated=False,
    check=_check_seed_sweep,
    study="optviz.studies.seed_sweeps",
)
def _seed_sweep(fig: Any, data: PanelData, scene: Scene) -> None:
    from matplotlib.lines import Line2D

    opts = data.options
    study = data.study
    s = data.surface
    param, seeds = opts.param, opts.seeds
    ax = fig.subplots(1, 1)
    n = len(data.trajectories)
    drawn = []
    theory_lines = False
    colors = run_colors(data.trajectories, data.colors or None)
    for i, (t, res, curve) in enumerate(
        zip(data.trajectories, study.sweeps, study.curves, strict=True)
    ):
        offset = 0.12 * (i - (n - 1) / 2) if n > 1 else 0.0
        col = colors[i]
        label = run_label(t, skip=[param])
        scale = effective_scale(t) if opts.x_axis == "effective_step" else 1.0
        h = plot.seed_sweep(
            res, param, ax=ax, metric=study.metric, color=col, label=label, log_x=study.log_x,
            log_y=study.log_y, offset=offset, x_scale=scale,
            xlabel="effective step  lr / (1 − ρ)  (lr without momentum)" if opts.x_axis == "effective_step" else None,
        )  # fmt: skip
        drawn.append(h)
        if curve is not None:
            ax.plot(curve[0] * scale, curve[1], color=col, linestyle="--", linewidth=0.8 * linewidth(),
                    zorder=2.5, label="_theory")  # fmt: skip
            theory_lines = True
    steps = data.trajectories[0].steps
    sigma = getattr(data.trajectories[0].noise, "sigma", None)
    what = {"final_loss": "Final loss", "final_distance": "Final distance", "rate": "Measured rate",
            "steps_to_tol": "Steps to tolerance"}[study.metric]  # fmt: skip
    noise_text = f", gradient noise σ = {sigma:g}" if sigma is not None else ""
    ax.set_title(
        f"{what} after {steps} steps on {surface_title(s)}{noise_text}, {len(seeds)} seeds"
    )
    log_y = study.log_y
    extra = [
        Line2D([], [], color="0.35", marker="o", linestyle="none", alpha=0.5, label="one seed"),
        Line2D([], [], color="0.35", marker="o", label="geometric mean ± 1 s.d." if log_y else "mean ± 1 s.d."),
    ]  # fmt: skip
    if theory_lines:
        extra.append(Line2D([], [], color="0.35", linestyle="--",
                            label="stationary " + ("geometric mean" if log_y else "E[f]") + " (theory)"))  # fmt: skip
    if any(h.diverged is not None for h in drawn):
        extra.append(Line2D([], [], color="0.35", marker="x", linestyle="none", label="diverged"))
    if opts.legend != "none":
        handles = [h.bars for h in drawn] + extra
        labels = [h.get_label() for h in handles]
        if opts.legend == "inside":
            ax.legend(handles, labels, loc="best")
        elif opts.legend == "below":
            fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
        else:
            fig.legend(handles, labels, loc="outside right upper", frameon=False)
    scene.results.update(sweeps=list(study.sweeps), artists=drawn)


def effective_scale(t: Any) -> float:
    """``1 / (1 - rho)`` for a momentum-family run (its effective step is ``lr / (1 - rho)``), else 1."""
    rho = getattr(t.optimizer, "rho", None)
    return (
        1.0 / (1.0 - float(rho))
        if rho is not None and getattr(t.optimizer, "family", "") == "momentum"
        else 1.0
    )


# -- rate_table ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateTableOptions(Options):
    kappas: tuple[float, ...] = option(
        (10.0, 100.0, 1000.0),
        numbers(minimum=1.0, at_most=6),
        "condition numbers (rows of the table)",
    )
    angle: float = option(30.0, number, "rotation of the quadratics, in degrees")


@register_kind(
    "rate_table",
    "Predicted against measured rates of GD, heavy ball and Nesterov at their tuned settings, across kappa.",
    options=RateTableOptions,
    surface="none",
    runs="none",
    animated=False,
    study="optviz.studies.rate_table",
)
def _rate_table(fig: Any, data: PanelData, scene: Scene) -> None:
    table = data.study
    ax = fig.subplots(1, 1)
    h = plot.rate_table(table, ax=ax)
    ax.set_title(
        "Per-step rate of the distance to the minimum on quadratics "
        r"$\frac{1}{2}(\mu x^2 + L y^2)$ rotated "
        f"{table.angle:g}°, μ = 1, L = κ",
        pad=12,
    )
    scene.results.update(table=table, artists=h)


# -- momentum_rho ----------------------------------------------------------------------------------
def _rho(field: str, value: Any) -> tuple[float, ...]:
    values = numbers(at_least=1, at_most=4)(field, value)
    for i, v in enumerate(values):
        if not 0 <= v < 1:
            raise ParameterError(f"{field}[{i}]", f"must be in [0, 1), got {v!r}")
    return values


def _kappa_text(kappa: float) -> str:
    """``"κ = 50"``, ``"κ ≈ 2,508"``: a whole number as it is, another rounded (to 3 digits below 100)."""
    if float(kappa).is_integer():
        return f"κ = {kappa:,.0f}"
    return f"κ ≈ {kappa:,.0f}" if kappa >= 100 else f"κ ≈ {kappa:.3g}"


@dataclass(frozen=True)
class MomentumRhoOptions(Options):
    rhos: tuple[float, ...] = option(
        (0.9, 0.99), _rho, "the momenta compared (the lecture's 0.9 and 0.99)"
    )
    kappas: tuple[float, ...] = option(
        (10.0, 30.0, 100.0, 300.0, 1e3, 3e3, 1e4, 3e4, 1e5),
        numbers(minimum=1.0, at_least=2, at_most=20),
        "condition numbers of the quadratics measured on the right",
    )
    legend: str = legend_option()


@register_kind(
    "momentum_rho",
    "Momentum's friction, rho = 0.9 or 0.99: paths at one lr, beside iterations per digit against kappa at each rho's best lr.",
    options=MomentumRhoOptions,
    runs="required",
    animated=False,
    surfaces=SPECTRUM,
    check=require_rules(("momentum",)),
    study="optviz.studies.momentum_friction",
)
def _momentum_rho(fig: Any, data: PanelData, scene: Scene) -> None:
    res = data.study
    s = data.surface
    ax, right = fig.subplots(1, 2, width_ratios=[1, 1.15])
    # The runs are one rule (Momentum) at several momenta: the rule keeps its hue, each run a shade of it
    # (design section 10: a rule keeps its colour in every figure).
    given = [data.color(i) for i in range(len(data.trajectories))]
    colors = run_colors(data.trajectories, given)
    paths = draw_paths(ax, dataclasses.replace(data, colors=colors), scene)
    kappa = theory.spectrum(s).kappa
    ax.set_title(f"same lr: {surface_title(s)}")
    by_rho = {t.hyperparams.get("rho"): c for t, c in zip(data.trajectories, colors, strict=True)}
    momentum = style.RULE_COLORS["momentum"]
    spare = iter(style.shade(momentum, k) for k in range(len(colors), len(colors) + len(res.rhos)))
    lw = linewidth()
    curves = []
    for i, rho in enumerate(res.rhos):
        col = by_rho.get(rho) or next(spare)
        (line,) = right.plot(res.dense, res.per_digit(res.dense_rate[i]), color=col, linewidth=lw,
                             label=f"Momentum, ρ = {rho:g}, at its best lr (theory)", zorder=3)  # fmt: skip
        right.plot(res.kappas, res.per_digit(res.measured[i]), marker="o", linestyle="none",
                   markersize=2.6 * lw, markerfacecolor="white", markeredgecolor=col,
                   markeredgewidth=0.6 * lw, zorder=4, label="_measured")  # fmt: skip
        curves.append(line)
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("condition number κ")
    right.set_ylabel("iterations per 10× closer")
    right.grid(True, which="major")
    right.axvline(kappa, color="0.35", linestyle=":", linewidth=0.8 * lw, zorder=2)
    right.annotate(f"left: {_kappa_text(kappa)}", (kappa, 0.98), xycoords=("data", "axes fraction"),
                   xytext=(4, 0), textcoords="offset points", ha="left", va="top", color="0.3",
                   fontsize=0.85 * fontsize())  # fmt: skip
    if res.crossover is not None:
        right.axvline(res.crossover, color="0.35", linestyle="--", linewidth=0.8 * lw, zorder=2)
        right.annotate(
            f"ρ = {res.rhos[1]:g} faster\nbeyond κ ≈ {res.crossover:,.0f}", (res.crossover, 0.03),
            xycoords=("data", "axes fraction"), xytext=(4, 0), textcoords="offset points", ha="left",
            va="bottom", color="0.3", fontsize=0.85 * fontsize(),
        )  # fmt: skip
    right.set_title("at each ρ's best lr: iterations per digit")
    from matplotlib.lines import Line2D

    measured = Line2D([], [], marker="o", linestyle="none", markersize=2.6 * lw, markerfacecolor="white",
                      markeredgecolor="0.3", markeredgewidth=0.6 * lw, label="measured (a run each)")  # fmt: skip
    # The runs in one column, the curves beside them (matplotlib fills a legend's columns first).
    rho_of = [float(t.hyperparams.get("rho", 0.9)) for t in data.trajectories]
    runs = [paths.paths[i] for i in sorted(range(len(rho_of)), key=rho_of.__getitem__)]
    blank = Line2D([], [], linestyle="none", label=" ")
    rows = max(len(runs), len(curves) + 1)
    handles = [
        *runs,
        *[blank] * (rows - len(runs)),
        *curves,
        measured,
        *[blank] * (rows - len(curves) - 1),
    ]
    labels = [h.get_label() for h in handles]
    where = data.options.legend
    if where == "below":
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    elif where == "right":
        fig.legend(handles, labels, loc="outside right upper", frameon=False)
    elif where == "inside":
        right.legend(handles, labels, loc="best")
    scene.results.update(friction=res, curves=curves)
