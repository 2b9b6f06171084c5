"""Everything a scenario needs before anything is drawn: each panel's runs, the kind's checks on them, and the
kind's study. ``optviz check`` stops here; ``optviz render`` goes on to draw what this computed.

A figure kind draws what it is handed. The kinds that need more than their runs name an Engine function
(``FigureKind.study``); :data:`STUDIES` says how the scenario layer calls it from the kind's options. A kind
registered elsewhere registers its study with :func:`register_study`.

>>> import optviz as ov
>>> from optviz.scenario import figure
>>> q = ov.surface("quadratic", kappa=10)
>>> scene = figure("phase_diagram", q, grid=8, steps=100, pyplot=False)  # runs the sweep, then draws
>>> scene.results["sweep"].shape
(8, 8, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from optviz import limits, studies, theory
from optviz._validate import ParameterError
from optviz.engine import run
from optviz.figures import PanelData, Scene, figure_inputs, figure_kind
from optviz.figures import figure as draw_figure
from optviz.scenario._reader import ScenarioError, join
from optviz.scenario.schema import PanelSpec, Scenario

Study = Callable[
    [Any, Sequence[Any], Any], Any
]  # (surface or None, trajectories, options) -> result

STUDIES: dict[str, Study] = {
    "regularization": lambda s, runs, o: studies.regularized_paths(s, runs, o.lam),
    "weight_decay_conditioning": lambda s, runs, o: studies.weight_decay_rates(
        s, o.lams, steps=o.steps
    ),
    "test_functions": lambda s, runs, o: studies.classic_runs(o.functions, o.rules, o.steps),
    "phase_diagram": lambda s, runs, o: studies.phase_sweep(
        s if s is not None else o.quadratic(), o.rule, grid=o.grid, steps=o.steps, lr_max=o.lr_max
    ),
    "seed_sweep": lambda s, runs, o: studies.seed_sweeps(
        s,
        runs,
        o.param,
        o.values,
        o.seeds,
        metric=o.metric,
        theory_curves=o.theory,
        log_x=o.log_x,
        log_y=o.log_y,
    ),
    "rate_table": lambda s, runs, o: studies.rate_table(o.kappas, angle=o.angle),
    "learning_rates": lambda s, runs, o: _seed_runs(s, runs, o.seeds),
    "schedules": lambda s, runs, o: _seed_runs(s, runs, o.seeds),
    "momentum_rho": lambda s, runs, o: studies.momentum_friction(o.rhos, o.kappas),
}


Work = Callable[[Sequence[Any], Any], int]  # (runs: each with .steps, options) -> trajectory-steps

# The trajectory-steps each study runs, counted from the options before anything runs.
WORK: dict[str, Work] = {
    "regularization": lambda runs, o: sum(int(r.steps) for r in runs),  # each run again
    "weight_decay_conditioning": lambda runs, o: len(o.lams) * o.steps,
    "test_functions": lambda runs, o: (
        len(o.functions) * len(o.rules) * o.steps * limits.MAX_LR_HALVINGS
    ),
    "phase_diagram": lambda runs, o: o.grid * o.grid * o.steps,
    "seed_sweep": lambda runs, o: sum(len(o.values) * len(o.seeds) * int(r.steps) for r in runs),
    "rate_table": lambda runs, o: _rate_table_work(o.kappas),
    "learning_rates": lambda runs, o: len(_seeds(runs, o.seeds)) * sum(int(r.steps) for r in runs),
    "schedules": lambda runs, o: len(_seeds(runs, o.seeds)) * sum(int(r.steps) for r in runs),
    "momentum_rho": lambda runs, o: sum(
        studies.friction_steps(theory.heavy_ball_tuned((1.0, k), rho).rate)
        for rho in o.rhos
        for k in o.kappas
    ),
}


def _seeds(runs: Sequence[Any], seeds: Sequence[int]) -> tuple[int, ...]:
    """The seeds a seed study runs: all of them if any run is noisy; else one (every seed is the same run)."""
    return tuple(seeds) if any(r.noise is not None for r in runs) else tuple(seeds[:1])


def _seed_runs(surface: Any, runs: Sequence[Any], seeds: Sequence[int]) -> Any:
    return studies.seed_runs(surface, runs, _seeds(runs, seeds))


def _rate_table_work(kappas: Sequence[float]) -> int:
    total = 0
    for i, kappa in enumerate(kappas):
        try:
            total += sum(studies.rate_table_steps(kappa, rule) for rule in theory.RULES)
        except ParameterError as err:
            raise ParameterError(f"figure.kappas[{i}]", err.message) from None
    return total


def register_study(kind: str, study: Study, work: Work | None = None) -> None:
    """How the scenario layer computes what figure kind ``kind`` draws: ``study(surface, trajectories,
    options) -> result``, handed to the kind as ``data.study``; ``work(runs, options)``: the
    trajectory-steps it runs (counted against :data:`optviz.limits.MAX_SCENARIO_STEPS`)."""
    STUDIES[kind] = study
    if work is not None:
        WORK[kind] = work


def work(scenario: Scenario) -> int:
    """The trajectory-steps a scenario runs in all: every panel's runs and its kind's study.

    Raises :class:`ScenarioError` (naming the panel) beyond :data:`optviz.limits.MAX_SCENARIO_STEPS`, before
    anything runs.
    """
    total = 0
    for panel in (scenario.main, *scenario.panels):
        try:
            study = WORK.get(panel.kind.name, lambda runs, o: 0)(panel.runs, panel.options)
        except ParameterError as err:
            raise ScenarioError(scenario.path, join(panel.field, err.field), err.message) from None
        steps = sum(int(r.steps) for r in panel.runs) + study
        total += steps
        if total > limits.MAX_SCENARIO_STEPS:
            where = panel.field or ("figure" if study else "run")
            raise ScenarioError(
                scenario.path,
                where,
                f"the scenario runs {total:,} trajectory-steps up to here (runs, and what its figures "
                f"compute); the limit is {limits.MAX_SCENARIO_STEPS:,}",
            )
    return total


def study_for(kind: Any, surface: Any, trajectories: Sequence[Any], options: Any) -> Any:
    """The result of ``kind``'s study (None for a kind that has none)."""
    if kind.study is None:
        return None
    if kind.name not in STUDIES:
        raise ParameterError(
            "kind",
            f"figure kind {kind.name!r} draws {kind.study}, and no study is registered for it",
        )
    return STUDIES[kind.name](surface, list(trajectories), options)


def run_panel(panel: PanelSpec, file: Any = "<scenario>") -> list[Any]:
    """The trajectories of a panel's runs (engine only, no drawing).

    What only running can find (a start where the loss is undefined) is a :class:`ScenarioError` naming the run.
    """
    out = []
    for spec in panel.runs:
        try:
            out.append(
                run(
                    panel.surface, spec.rule, start=spec.start, steps=spec.steps, noise=spec.noise,
                    seed=spec.seed, tol=spec.tol, label=spec.label, schedule=spec.schedule,
                )
            )  # fmt: skip
        except ParameterError as err:
            raise ScenarioError(file, join(spec.field, err.field), err.message) from None
    return out


def panel_data(panel: PanelSpec, file: Any = "<scenario>") -> PanelData:
    """A panel's runs, checked by its kind, and its study: all that its figure kind draws."""
    trajectories = run_panel(panel, file)
    try:
        panel.kind.validate_runs(trajectories, panel.options)
        study = study_for(panel.kind, panel.surface, trajectories, panel.options)
    except ParameterError as err:
        raise ScenarioError(file, join(panel.field, err.field), err.message) from None
    return PanelData(
        surface=panel.surface, view=panel.view, trajectories=trajectories,
        colors=[r.color for r in panel.runs], options=panel.options, title=panel.title, study=study,
    )  # fmt: skip


def compute(scenario: Scenario) -> PanelData:
    """Everything but the drawing: the main panel's data, with each ``[[panel]]``'s in ``.panels``.

    Raises :class:`ScenarioError` for anything a render would refuse before drawing; first of all for more
    work than the limit (:func:`work`), before anything runs.
    """
    work(scenario)
    data = panel_data(scenario.main, scenario.path)
    data.panels = [(p.kind, panel_data(p, scenario.path)) for p in scenario.panels]
    return data


def figure(
    kind: str,
    surface: Any = None,
    trajectories: Sequence[Any] | Any = (),
    **keywords: Any,
) -> Scene:
    """:func:`optviz.figures.figure` with the kind's study computed first: the figure a scenario file with
    this kind, surface, runs and ``[figure]`` options would draw, from Python, validated the same way.

    Keywords are those of :func:`optviz.figures.figure` (``title``, ``size``, ``dpi``, ``view``, ``colors``,
    ``pyplot``) and the kind's options.
    """
    k = figure_kind(kind)
    surface, runs = figure_inputs(surface, trajectories)
    drawing = {
        key: keywords.pop(key)
        for key in ("title", "size", "dpi", "view", "colors", "pyplot")
        if key in keywords
    }
    options = k.read_options(keywords)
    k.validate(surface, runs, options)
    k.validate_runs(runs, options)
    study = study_for(k, surface, runs, options)
    return draw_figure(kind, surface, runs, study=study, **drawing, **keywords)


__all__ = [
    "STUDIES",
    "WORK",
    "compute",
    "figure",
    "panel_data",
    "register_study",
    "run_panel",
    "study_for",
    "work",
]
