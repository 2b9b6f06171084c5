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
from dataclasses import dataclass
from typing import Any

from optviz import dynamics, gradients, hyperparameters, limits, studies, theory
from optviz._validate import ParameterError
from optviz.engine import run
from optviz.figures import PanelData, Scene, figure_inputs, figure_kind
from optviz.figures import figure as draw_figure
from optviz.scenario._reader import ScenarioError, join
from optviz.scenario.schema import PanelSpec, Scenario
from optviz.surfaces import surface as make_surface

Study = Callable[
    [Any, Sequence[Any], Any], Any
]  # (surface or None, trajectories, options) -> result

STUDIES: dict[str, Study] = {
    # issue 18, the lecture's figures: what they draw is computed in the Core
    "minibatch_gradients": lambda s, runs, o: gradients.minibatch_gradients(
        s, o.point, o.batch_sizes, draws=o.draws, seed=o.seed
    ),
    "regularization_strength": lambda s, runs, o: hyperparameters.regularization_sweep(
        o.low, o.high, n_samples=o.n_samples, seed=o.seed, separation=o.separation
    ),
    "cross_validation": lambda s, runs, o: hyperparameters.cross_validate_knn(
        *hyperparameters.moons(o.n_samples, o.noise, o.seed), o.ks, o.folds
    ),
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


# One engine call: (runs in the batch, steps, the surface it runs on; None: the panel's own).
Call = tuple[int, int, Any]
Work = Callable[
    [Sequence[Any], Any], int | list[Call]
]  # (runs: each with .steps, options) -> its calls

# The engine calls each study makes, counted from the options before anything runs.
WORK: dict[str, Work] = {
    "regularization": lambda runs, o: [(1, int(r.steps), None) for r in runs],  # each run again
    "weight_decay_conditioning": lambda runs, o: [(1, o.steps, None)] * len(o.lams),
    "test_functions": lambda runs, o: [  # each rule on each function, its lr halved until it stays
        (1, o.steps, make_surface(name))
        for name in o.functions
        for _ in o.rules
        for _ in range(limits.MAX_LR_HALVINGS)
    ],
    "phase_diagram": lambda runs, o: [(o.grid * o.grid, o.steps, None)],
    "seed_sweep": lambda runs, o: [
        (len(o.values) * len(o.seeds), int(r.steps), None) for r in runs
    ],
    "rate_table": lambda runs, o: _rate_table_calls(o.kappas),
    # each run again over its seeds (one seed when no run is noisy)
    "learning_rates": lambda runs, o: [
        (len(_seeds(runs, o.seeds)), int(r.steps), None) for r in runs
    ],
    "schedules": lambda runs, o: [(len(_seeds(runs, o.seeds)), int(r.steps), None) for r in runs],
    "momentum_rho": lambda runs, o: [  # a run per rho and kappa, on that kappa's quadratic
        (
            1,
            studies.friction_steps(theory.heavy_ball_tuned((1.0, k), rho).rate),
            make_surface("quadratic", kappa=float(k)),
        )
        for rho in o.rhos
        for k in o.kappas
    ],
}

# -- issue 18's dynamics figures (optviz.dynamics) ---------------------------------------------------------------
STUDIES.update(
    {
        "basins": lambda s, runs, o: dynamics.basins(
            s,
            [t.optimizer for t in runs],
            grid=o.grid,
            steps=[t.steps for t in runs],
            tol=o.tol,
            frames=o.frames,
        ),
        "stationary_noise": lambda s, runs, o: dynamics.stationary_clouds(
            s, runs, seeds=o.seeds, frames=o.frames
        ),
        "sharpness": lambda s, runs, o: dynamics.sharpness_along(s, runs),
        "preconditioner": lambda s, runs, o: dynamics.adam_steps(s, runs, ellipses=o.ellipses),
    }
)
# These studies' runs keep no history: their cap is limits.MAX_ENDPOINT_STEPS, checked by each kind.
WORK.update({"basins": lambda runs, o: [], "stationary_noise": lambda runs, o: []})

# What one pass of the engine's loop costs, in runs of one vectorized step: a single run of 1,000 steps is
# slow next to 1,000 runs of one step (numpy's call overhead; measured in benchmarks/surface_cost.py).
LOOP_RUNS = 128


def _seeds(runs: Sequence[Any], seeds: Sequence[int]) -> tuple[int, ...]:
    """The seeds a seed study runs: all of them if any run is noisy; else one (every seed is the same run)."""
    return tuple(seeds) if any(r.noise is not None for r in runs) else tuple(seeds[:1])


def _seed_runs(surface: Any, runs: Sequence[Any], seeds: Sequence[int]) -> Any:
    return studies.seed_runs(surface, runs, _seeds(runs, seeds))


def _rate_table_calls(kappas: Sequence[float]) -> list[Call]:
    calls = []
    for i, kappa in enumerate(kappas):
        try:
            calls += [(1, studies.rate_table_steps(kappa, rule), None) for rule in theory.RULES]
        except ParameterError as err:
            raise ParameterError(f"figure.kappas[{i}]", err.message) from None
    return calls


def register_study(kind: str, study: Study, work: Work | None = None) -> None:
    """How the scenario layer computes what figure kind ``kind`` draws: ``study(surface, trajectories,
    options) -> result``, handed to the kind as ``data.study``; ``work(runs, options)``: the engine calls it
    makes, as ``(runs, steps, surface or None)`` triples (or a number of trajectory-steps, counted as one
    batch), counted against the limits of :func:`work` before anything runs."""
    STUDIES[kind] = study
    if work is not None:
        WORK[kind] = work


@dataclass(frozen=True)
class Cost:
    """What a scenario will run: ``steps``, trajectory-steps (runs x steps, summed: what its histories hold)
    and ``work``, in units of one run's step of a vectorized batch on a built-in surface: each engine call
    counts ``(steps + 1) x (LOOP_RUNS + runs) x surface.cost``."""

    steps: int
    work: float


def cost(panel: PanelSpec) -> Cost:
    """The trajectory-steps and the work of one panel: its runs and its kind's study."""
    calls: list[Call] = [(1, int(r.steps), None) for r in panel.runs]
    study = WORK.get(panel.kind.name, lambda runs, o: [])(panel.runs, panel.options)
    if isinstance(study, int):
        study = [(study, 1, None)]
    calls += study
    steps = work = 0.0
    for runs, n_steps, surface in calls:
        surface = surface if surface is not None else panel.surface
        weight = float(surface.cost) if surface is not None else 1.0
        steps += runs * n_steps
        work += (n_steps + 1) * (LOOP_RUNS + runs) * weight
    return Cost(steps=int(steps), work=work)


def work(scenario: Scenario) -> int:
    """The trajectory-steps a scenario runs in all: every panel's runs and its kind's study.

    Raises :class:`ScenarioError` (naming the panel), before anything runs, beyond
    :data:`optviz.limits.MAX_SCENARIO_STEPS` trajectory-steps (what the histories hold: at most 88 bytes each
    with the built-in rules) or :data:`optviz.limits.MAX_SCENARIO_WORK` units of work (:class:`Cost`).
    """
    steps = units = 0.0
    for panel in (scenario.main, *scenario.panels):
        try:
            c = cost(panel)
        except ParameterError as err:
            raise ScenarioError(scenario.path, join(panel.field, err.field), err.message) from None
        steps += c.steps
        units += c.work
        where = panel.field or ("figure" if panel.kind.name in WORK else "run")
        if steps > limits.MAX_SCENARIO_STEPS:
            raise ScenarioError(
                scenario.path,
                where,
                f"the scenario runs {int(steps):,} trajectory-steps up to here (runs, and what its figures "
                f"compute); the limit is {limits.MAX_SCENARIO_STEPS:,}",
            )
        if units > limits.MAX_SCENARIO_WORK:
            raise ScenarioError(
                scenario.path,
                where,
                f"the scenario is {units:,.0f} units of work up to here (each run's steps, and what its "
                f"figures compute, weighted by the surface's cost); the limit is "
                f"{limits.MAX_SCENARIO_WORK:,}: fewer runs or steps",
            )
    return int(steps)


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
    "LOOP_RUNS",
    "STUDIES",
    "WORK",
    "Cost",
    "compute",
    "cost",
    "figure",
    "panel_data",
    "register_study",
    "run_panel",
    "study_for",
    "work",
]
