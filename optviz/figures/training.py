"""Figure kinds about the learning rate: how its size shapes the loss curve, and what a schedule does to a run.

- ``learning_rates``: the loss against the iteration for several learning rates on a dataset surface (the
  classic "too high, high, good, low" picture), each run over many seeds: the median and the band the seeds
  spread over (:func:`optviz.studies.seed_runs`);
- ``schedules``: one rule under several lr schedules: the lr each step used beside the paths and the loss
  (again over seeds).

Nothing here runs a step: the scenario's runs and their study's seed runs are handed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optviz import limits, plot, style
from optviz._validate import ParameterError, integer
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.basic import legend_option, place_legend
from optviz.figures.layout import last_step, shared_legend, surface_title
from optviz.figures.options import Options, one_of, option, optional
from optviz.plot.common import run_label


def _seed_count(field: str, value: Any) -> tuple[int, ...]:
    return tuple(range(integer(field, value, minimum=1, maximum=limits.MAX_SEEDS)))


def _names(field: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ParameterError(field, "must be a list of names, one per [[run]]")
    out = []
    for i, v in enumerate(value):
        if not isinstance(v, str) or not v.strip() or len(v) > 60:
            raise ParameterError(f"{field}[{i}]", f"must be a short non-empty string, got {v!r}")
        out.append(v)
    return tuple(out)


def _check_names(runs: Any, options: Any) -> None:
    names = getattr(options, "names", None)
    if names is not None and len(names) != len(runs):
        raise ParameterError(
            "figure.names", f"has {len(names)} names for {len(runs)} [[run]] tables (one per run)"
        )


def _spread_quantity(surface: Any, kind: str) -> tuple[str, Any]:
    """The plotted quantity: the gap f - f* where the surface knows f*, else the loss itself."""
    fmin = getattr(surface, "fmin", None)
    if kind == "gap" and (fmin is None or fmin != fmin):
        return "loss", None
    return kind, fmin


def _spread_title(kind: str, seeds: int, smooth: int, *, lines: int = 1) -> str:
    """What the loss panel shows: over seeds for noisy runs; the plain curve for runs without noise (their
    seeds would all draw the same curve, so one is run, and nothing is smoothed)."""
    what = {"gap": "optimality gap", "loss": "loss"}[kind]
    if seeds == 1 and smooth <= 1:
        return what
    mean = f"each seed averaged over {smooth // 2 * 2 + 1} steps" if smooth > 1 else ""
    spread = f"median of {seeds} seeds, 10–90% band" if seeds > 1 else ""
    parts = [p for p in (spread, mean) if p]
    if lines > 1 and len(parts) > 1:
        return f"{what}: {parts[0]}\n{parts[1]}"
    return f"{what}: {', '.join(parts)}"


def noisy(runs: Any) -> bool:
    """Whether any run has gradient noise (else seeds change nothing: one is run and drawn)."""
    return any(t.noise is not None for t in runs)


def _smoothing(data: PanelData) -> int:
    return data.options.smooth if noisy(data.trajectories) else 1


def series_colors(data: PanelData) -> list[str]:
    """The runs' colours: one rule at several settings is a series, not several rules (``style.SERIES``);
    a colour given in the scenario wins."""
    given = [data.color(i) for i in range(len(data.trajectories))]
    return [g or c for g, c in zip(given, style.series_colors(len(given)), strict=True)]


def _smooth(field: str, value: Any) -> int:
    return integer(field, value, minimum=1, maximum=limits.MAX_STEPS)


# -- learning_rates --------------------------------------------------------------------------------
@dataclass(frozen=True)
class LearningRatesOptions(Options):
    seeds: tuple[int, ...] = option(
        20,
        _seed_count,
        f"how many seeds each run is made with (1 to {limits.MAX_SEEDS})",
        written=len,
    )
    loss_kind: str = option(
        "gap", one_of("gap", "loss", what="loss kind"), "gap (f - f*, log axis) or loss"
    )
    names: tuple[str, ...] | None = option(
        None, optional(_names), 'a name per [[run]] before its legend ("too high", "good", ...)'
    )
    smooth: int = option(
        11, _smooth, "each seed's loss averaged over this many steps centred on each (1: none)"
    )
    legend: str = legend_option()


def _check_learning_rates(surface: Any, runs: Any, options: Any) -> None:
    _check_names(runs, options)
    for i, r in enumerate(runs):
        work = len(options.seeds) * int(r.steps)
        if work > limits.MAX_CALL_STEPS:
            raise ParameterError(
                "figure.seeds",
                f"{len(options.seeds)} seeds x {r.steps:,} steps of run[{i}] is {work:,} trajectory-steps; "
                f"the limit is {limits.MAX_CALL_STEPS:,}",
            )


def legend_names(data: PanelData) -> list[str]:
    """Each run's legend entry, after its name from the ``names`` option if there is one."""
    names = getattr(data.options, "names", None)
    labels = [run_label(t, hyperparams=data.hyperparams) for t in data.trajectories]
    if names is None:
        return labels
    return [f"{name}: {label}" for name, label in zip(names, labels, strict=True)]


@register_kind(
    "learning_rates",
    "The loss against the iteration for several learning rates (each over many seeds: median and band), the classic picture.",
    options=LearningRatesOptions,
    runs="required",
    animated=False,
    check=_check_learning_rates,
    study="optviz.studies.seed_runs",
)
def _learning_rates(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    study = data.study
    kind, fmin = _spread_quantity(s, data.options.loss_kind)
    ax = fig.subplots(1, 1)
    smooth = _smoothing(data)
    h = plot.loss_spread(
        list(study.runs), ax=ax, kind=kind, fmin=fmin, color=series_colors(data),
        label=legend_names(data), smooth=smooth, unit="seeds",
    )  # fmt: skip
    plot.loss_title(
        ax, f"{data.title or surface_title(s)}\n{_spread_title(kind, len(study.seeds), smooth)}"
    )
    place_legend(fig, [ax], data.options.legend)
    scene.results.update(spread=h, seeds=study)


# -- schedules -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchedulesOptions(Options):
    seeds: tuple[int, ...] = option(
        20,
        _seed_count,
        f"how many seeds each run is made with, for the loss (1 to {limits.MAX_SEEDS})",
        written=len,
    )
    loss_kind: str = option(
        "gap", one_of("gap", "loss", what="loss kind"), "gap (f - f*, log axis) or loss"
    )
    smooth: int = option(
        11, _smooth, "each seed's loss averaged over this many steps centred on each (1: none)"
    )
    legend: str = legend_option()


def _check_schedules(surface: Any, runs: Any, options: Any) -> None:
    _check_learning_rates(surface, runs, options)
    if len(runs) < 2:
        raise ParameterError(
            "run", "the schedules figure compares one rule under two or more schedules"
        )
    first = runs[0]
    for i, r in enumerate(runs[1:], start=1):
        for what, mine, theirs in (
            ("rule", r.optimizer, first.optimizer),
            ("noise", r.noise, first.noise),
        ):
            if mine != theirs:
                raise ParameterError(
                    f"run[{i}]",
                    f"the schedules figure shows one rule under several schedules: run[{i}]'s {what} is "
                    f"{mine!r}, run[0]'s {theirs!r}",
                )
        if r.schedule == first.schedule:
            raise ParameterError(
                f"run[{i}].schedule", "is the same as run[0]'s: give each run its own"
            )


def schedule_name(t: Any) -> str:
    """A run's schedule as a legend names it (``"constant lr"`` without one)."""
    return t.schedule.legend if t.schedule is not None else "constant lr"


@register_kind(
    "schedules",
    "One rule under several lr schedules: the lr of each step beside the paths and the loss (over seeds).",
    options=SchedulesOptions,
    runs="required",
    animated=False,
    check=_check_schedules,
    study="optviz.studies.seed_runs",
)
def _schedules(fig: Any, data: PanelData, scene: Scene) -> None:
    s = data.surface
    runs, study = data.trajectories, data.study
    kind, fmin = _spread_quantity(s, data.options.loss_kind)
    names = [schedule_name(t) for t in runs]
    palette = series_colors(data)
    axs = fig.subplot_mosaic([["paths", "lr"], ["paths", "loss"]], width_ratios=[1, 1.2])
    ax, lr_ax, loss_ax = axs["paths"], axs["lr"], axs["loss"]
    plot.contour(s, ax=ax, bounds=data.bounds)
    paths = plot.trajectory(runs, ax=ax, color=palette, label=names, legend=False)
    scene.add(paths, last_step(runs))
    seed = f", seed {runs[0].seed}" if noisy(runs) else ""
    ax.set_title(f"{runs[0].legend_text(schedule=False)}{seed}")
    lrs = plot.learning_rate(runs, ax=lr_ax, color=palette, label=names)
    scene.add(lrs, last_step(runs))
    lr_ax.set_title("learning rate of each step")
    lr_ax.set_xlabel("")
    smooth = _smoothing(data)
    spread = plot.loss_spread(
        list(study.runs), ax=loss_ax, kind=kind, fmin=fmin, color=palette, label=names,
        smooth=smooth, unit="seeds",
    )  # fmt: skip
    loss_ax.sharex(lr_ax)
    plot.loss_title(loss_ax, _spread_title(kind, len(study.seeds), smooth, lines=2))
    where = data.options.legend
    if where == "inside":
        loss_ax.legend(loc="best")
    elif where == "below":
        shared_legend(fig, [lr_ax], ncols=2)
    elif where == "right":
        shared_legend(fig, [lr_ax], loc="outside right upper", ncols=1)
    scene.results.update(spread=spread, lr=lrs, seeds=study)
