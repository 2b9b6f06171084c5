"""A scenario's figure as an interactive page (``optviz render FILE --format html``; ``"html"`` in a scenario's
``[output] formats``): the PNG of the same scenario, with every run live.

The static image is the scenario's own figure, drawn by its kind at the scenario's size and dpi, without what
its runs drew (:func:`optviz.web.static.figure_layer`): so the page looks like the PNG. The page computes the
runs itself (``assets/engine.js``, optviz.run's numbers; design section 2) from each run's own settings, and
its controls change them: per run, sliders for the rule's hyperparameters (rates and random search's scale on
a log scale); for all runs, the steps, the noise sigma of the noisy runs and their seed; a click on the
contour sets every run's start; Step, Play/Pause, Reset; readouts; the scenario TOML of what it shows.

Kinds with pages (:data:`KINDS`) draw paths on contours and optionally a loss panel (random_search: random
search's samples too, and the best loss so far), or each run as a ball on a slice (profile: a click on the slice
sets every run's start there), or each run's loss over seeds (learning_rates; schedules with
its paths and lr panel: :data:`SPREAD_KINDS`, whose pages run every run again with each seed), or one
momentum or Nesterov update zoomed beside the run (update_diagram: the zoom follows the step, its contours drawn
by the page, :mod:`optviz.web.diagram_layer`), or paths beside their cost against evaluations (second_order:
L-BFGS through its inner iterates, Newton's indefinite steps, the floor and saddle notes of its cost panel);
whatever else they draw (eigen-axes, a condition map, titles) is static. The lecture's classifier demo
(``linear_classifier_demo``)
gets the demo's own page (:mod:`optviz.web.classifier_page`) at the scenario's loss and lambda.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optviz._format import PARAM_NAMES
from optviz._validate import ParameterError
from optviz.engine import default_label
from optviz.noise import GaussianNoise, Minibatch
from optviz.optimizers import rule, rule_parameters
from optviz.web import emit
from optviz.web.page import MAX_BYTES, PageTooLarge, build_page, escape, write_page
from optviz.web.runs import (
    NOISE_SEEDS,
    draws,
    rule_info,
    run_spec,
    stepping_and_readouts,
    surface_data,
    toml_head,
)
from optviz.web.static import NotDrawable, figure_layer

KINDS = (
    "trajectories", "poor_conditioning", "condition_map", "random_search", "contour_profile",
    "momentum_nesterov", "learning_rates", "schedules", "profile", "update_diagram", "second_order",
    "panels",
)  # fmt: skip
# The kind whose figure is several panels, each of a kind above (optviz.web.panels_page).
PANELS_KIND = "panels"
# Kinds whose data panel is each run's loss over seeds (optviz.plot.loss_spread): the page runs every run again
# with each of the figure's seeds (optviz.web.spread_layer).
SPREAD_KINDS = ("learning_rates", "schedules")
# Kinds that show one rule (its hyperparameters the same in every run): one set of sliders for all runs.
ONE_RULE_KINDS = ("schedules",)
# The lecture's classifier demo as a scenario: its page is the demo page (optviz.web.classifier_page), started
# at the scenario's loss and lambda.
CLASSIFIER_KIND = "linear_classifier_demo"
# The rules engine.js implements (tests/test_web_engine.py holds it equal to optviz.run for each).
JS_RULES = (
    "gd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad", "newton", "lbfgs", "random_search",
)  # fmt: skip
MIN_STEPS_SLIDER = (
    500  # the steps slider reaches at least this far (and always the scenario's own steps)
)
DRAW_BUDGET = (
    MAX_BYTES // 2
)  # what the embedded draws may take of a page (the image takes most of the rest)

# The sliders of a rule's hyperparameters: (name in TOML, label, low, high, log) with None for "around the
# run's own value" (a hundredth to ten times it), as ov.explore's rate sliders.
SLIDERS = {
    "lr": ("lr", None, None, True),
    "scale": ("scale", None, None, True),
    "rho": ("ρ", 0.0, 0.99, False),
    "beta1": ("β1", 0.0, 0.99, False),
    "beta2": ("β2", 0.9, 0.9999, False),
    "alpha": ("α", 0.5, 0.999, False),
    "damping": ("damping", 0.0, 10.0, False),
}
RULE_SLIDERS = {
    "gd": ("lr",),
    "momentum": ("lr", "rho"),
    "nesterov": ("lr", "rho"),
    "adam": ("lr", "beta1", "beta2"),
    "adamw": ("lr", "beta1", "beta2"),
    "newton": ("lr", "damping"),
    "lbfgs": ("lr",),
    "rmsprop": ("lr", "alpha"),
    "adagrad": ("lr",),
    "random_search": ("scale",),
}


class PageWriter:
    """The ``html`` format of the scenario layer (registered by the package root in :mod:`optviz.output`):
    which kinds have pages, the checks a render makes before drawing, and the page itself."""

    def refusal(self, kind: str, panels: Sequence[str] = ()) -> str | None:
        """Why a figure kind (with ``panels``, its panels' kinds) has no page (None when it has one)."""
        if kind == PANELS_KIND:
            from optviz.web.panels_page import panel_refusal

            return panel_refusal(panels)
        if kind in (*KINDS, CLASSIFIER_KIND):
            return None
        return (
            f"figure kind {kind!r} has no web page (html is written for {', '.join(KINDS)} and "
            f"{CLASSIFIER_KIND})"
        )

    def check(self, kind: Any, data: Any) -> None:
        check(kind, data)

    def write(
        self,
        kind: Any,
        data: Any,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        description: str | None = None,
        size: Sequence[float] | None = None,
        dpi: float | None = None,
        formats: Sequence[str] = ("png",),
    ) -> Path:
        if kind.name == CLASSIFIER_KIND:
            return write_page(classifier_scenario_page(data), path)
        if kind.name == PANELS_KIND:
            from optviz.web.panels_page import panels_page as page_of
        else:
            page_of = scenario_page
        try:
            text = page_of(
                kind,
                data,
                title=title,
                description=description,
                size=size,
                dpi=dpi,
                formats=formats,
            )
        except PageTooLarge as err:
            raise ParameterError(
                "output", f"html: {err} (a lower dpi makes its image smaller)"
            ) from None
        return write_page(text, path)


WRITER = PageWriter()


def check(kind: Any, data: Any) -> None:
    """Everything that makes a scenario's page impossible, found before anything is drawn: the kind, its
    options, the surface (a formula or a dataset), each run's rule (a JavaScript kernel), the draws it must
    embed. Raises :class:`~optviz.ParameterError` naming the scenario field."""
    reason = WRITER.refusal(kind.name, tuple(k.name for k, _ in getattr(data, "panels", ())))
    if reason is not None:
        raise ParameterError("output.formats", reason)
    if kind.name == CLASSIFIER_KIND:
        return  # the demo's page draws whatever the kind's options describe
    if kind.name == PANELS_KIND:
        from optviz.web.panels_page import check_panels

        check_panels(data)
        return
    if getattr(data.options, "condition", False):
        raise ParameterError(
            "figure.condition",
            "a web page does not draw the condition-number panel; remove it or the html format",
        )
    if kind.name == "update_diagram" and len(data.trajectories) != 1:
        # the page draws the update of one run live (optviz.web.diagram_layer)
        raise ParameterError("run", "a web page draws update_diagram for one run")
    emit.surface_js(data.surface)  # a surface from Python callables has no formula: refused here
    for i, t in enumerate(data.trajectories):
        if getattr(t, "batched", False):
            raise ParameterError(f"run[{i}].start", "a web page draws single runs, not a batch")
        if t.rule not in JS_RULES:
            raise ParameterError(
                f"run[{i}].rule",
                f"the web page has no JavaScript kernel for {t.rule!r} (it has {', '.join(JS_RULES)})",
            )
    size = draw_bytes(data.trajectories, spread_seeds(kind.name, data.options))
    if size > DRAW_BUDGET:
        raise ParameterError(
            "run",
            f"the page would embed {size / 1e6:.1f} MB of noise draws for these steps (the limit is "
            f"{DRAW_BUDGET / 1e6:.1f} MB); use fewer steps or leave html out",
        )


def slider_steps(runs: Sequence[Any]) -> int:
    """Where the steps slider ends (and the embedded draws with it): at least MIN_STEPS_SLIDER."""
    return max([MIN_STEPS_SLIDER, *(int(t.steps) for t in runs)])


def spread_seeds(kind: str, options: Any) -> tuple[int, ...]:
    """The seeds a kind runs each run with (its loss over seeds), for which a page embeds the draws."""
    return tuple(int(s) for s in options.seeds) if kind in SPREAD_KINDS else ()


def _noisy(t: Any) -> bool:
    return isinstance(t.noise, GaussianNoise) or t.rule == "random_search"


def noise_seeds(runs: Sequence[Any], spread: Sequence[int] = ()) -> list[int]:
    """Seeds whose normal draws a page embeds: 0..NOISE_SEEDS-1, each noisy run's own and the seeds of a loss
    over seeds (``spread``)."""
    if not any(_noisy(t) for t in runs):
        return []
    return sorted({*range(NOISE_SEEDS), *(int(t.seed) for t in runs if _noisy(t)), *spread})


def minibatches(runs: Sequence[Any], spread: Sequence[int] = ()) -> list[tuple[Minibatch, int]]:
    """The minibatches a page embeds: each minibatch run's, with its own seed and the ``spread`` seeds."""
    return [
        (t.noise, int(seed))
        for t in runs
        if isinstance(t.noise, Minibatch)
        for seed in dict.fromkeys([int(t.seed), *spread])
    ]


def draw_bytes(runs: Sequence[Any], spread: Sequence[int] = ()) -> int:
    """What the noise draws of ``runs`` (and the ``spread`` seeds) take of a page, base64 included."""
    steps = slider_steps(runs) + 1
    normals = len(noise_seeds(runs, spread)) * steps * 16
    distinct = {(n.batch_size, n.replace, seed): n for n, seed in minibatches(runs, spread)}
    batches = sum(steps * int(n.batch_size) * 4 for n in distinct.values())
    return (normals + batches) * 4 // 3  # base64


def scenario_data(
    kind: Any,
    data: Any,
    *,
    title: str | None = None,
    description: str | None = None,
    size: Sequence[float] | None = None,
    dpi: float | None = None,
    formats: Sequence[str] = ("png",),
) -> dict[str, Any]:
    """Everything a scenario's page holds, as JSON-able data (after :func:`check`)."""
    from optviz import style
    from optviz.figures import build_scene

    check(kind, data)
    size = tuple(size or kind.size)
    dpi = float(dpi or style.DPI)
    runs = list(data.trajectories)
    scene = build_scene(kind, data, title=title or None, size=size, dpi=dpi, pyplot=False)
    layers = live_layers(kind.name, data.options, scene, data=data)
    try:
        spec, styles, loss, _ = figure_layer(scene, runs, data.surface, layers=layers)
    except NotDrawable as err:
        raise ParameterError("output.formats", f"figure kind {kind.name!r}: {err}") from None
    spec["alt"] = title or f"contours of {data.surface.title}"
    for lg in spec["legends"]:
        if any(e["run"] is None for e in lg["entries"]):
            # a key the kind composed (runs beside arrows, points, conventions): its columns are the
            # kind's, and a scenario's runs stay as many
            lg["maxColumns"] = lg["columns"]
    max_steps = slider_steps(runs)
    surface = data.surface
    n_samples = int(getattr(surface, "n_samples", 0) or 0)
    spread = spread_seeds(kind.name, data.options)
    batches = minibatches(runs, spread)
    specs = []
    for i, t in enumerate(runs):
        r = run_spec(t, styles["colors"][i])
        r["colorGiven"] = data.color(i) is not None
        specs.append(r)
    sigmas = [float(t.noise.sigma) for t in runs if isinstance(t.noise, GaussianNoise)]
    head = toml_head(
        kind.name, surface, data.options, size, dpi, title=title, description=description,
        view=data.view, formats=formats,
        comment="exported from an optviz page: optviz render THIS_FILE",
    )  # fmt: skip
    return {
        "kind": kind.name,
        "title": title or "",
        "surface": surface_data(surface),
        "figure": spec,
        "styles": styles,
        "loss": loss,
        "stepArrows": bool(getattr(data.options, "arrows", False)),
        "rules": rule_info(),
        "paramNames": PARAM_NAMES,
        "runs": specs,
        # one rule for every run (schedules: one rule under several schedules): its sliders move every run
        "oneRule": kind.name in ONE_RULE_KINDS,
        "sliders": [rule_sliders(r) for r in specs][: 1 if kind.name in ONE_RULE_KINDS else None],
        "steps": {"low": 1, "high": max_steps},
        "sigma": {"high": nice_high(2 * max(sigmas))} if sigmas else None,
        "draws": draws(noise_seeds(runs, spread), max_steps, batches, max_steps, n_samples),
        "sgdLabels": {
            name: default_label(
                rule(name, **({"scale": 1.0} if name == "random_search" else {"lr": 1.0})),
                GaussianNoise(1.0),
            )
            for name in JS_RULES
        },
        "tomlHead": head,
        # a name per run before its legend (the learning_rates kind's "too high", "good", ...)
        "names": list(getattr(data.options, "names", None) or []) or None,
        # each run's legend when the kind names runs by what no control changes (schedules: the schedule)
        "legendTexts": _fixed_legends(kind.name, runs),
    }


def _fixed_legends(kind: str, runs: Sequence[Any]) -> list[str] | None:
    if kind == "schedules":
        from optviz.figures.training import schedule_name

        return [schedule_name(t) for t in runs]
    return None


def live_layers(
    kind: str,
    options: Any,
    scene: Any,
    handles: Sequence[Any] | None = None,
    data: Any = None,
) -> list[Any]:
    """What a kind draws live beyond its paths and loss curves (:class:`optviz.web.static.LiveLayer`): the
    profile of ``contour_profile`` (of ``profile``, where it is the whole figure), the same-state updates of
    ``momentum_nesterov``, the loss over seeds of ``learning_rates`` and ``schedules`` and the latter's lr
    panel, ``second_order``'s inner iterates, indefinite steps and cost panel (read from the drawn ``scene``;
    ``handles``: the panel's own, in a figure of several; ``data``: the kind's PanelData, whose runs and
    surface say what second_order's cost panel plots)."""
    handles = scene.handles if handles is None else handles
    if kind == "second_order":
        from optviz.web.second_order_layer import SecondOrderLayer

        return [SecondOrderLayer(scene.results, data.surface, list(data.trajectories))]
    if kind in SPREAD_KINDS:
        from optviz.plot import TrajectoryArtists
        from optviz.web.lr_layer import LearningRateLayer
        from optviz.web.spread_layer import SpreadLayer

        layers: list[Any] = [SpreadLayer(scene.results["spread"], scene.results["seeds"].seeds)]
        # schedules: the lr of each step, and the paths' title (it states the first run's settings)
        if kind == "schedules":
            paths = next(h for h in scene.handles if isinstance(h, TrajectoryArtists))
            layers.append(LearningRateLayer(paths.runs[0].path.axes.title))
        return layers
    if kind in ("contour_profile", "profile"):
        from optviz.plot.profile import ProfileArtists
        from optviz.web.profile_layer import ProfileLayer

        handle = next(h for h in handles if isinstance(h, ProfileArtists))
        # the profile alone: the figure's data panel, what the slice is in its x label
        panel = kind == "profile"
        return [ProfileLayer(options.along, options.through, panel=panel, handle=handle)]
    if kind == "momentum_nesterov":
        from optviz.web.updates_layer import UpdatesLayer

        return [UpdatesLayer(options.step)]
    if kind == "update_diagram":
        from optviz.web.diagram_layer import UpdateDiagramLayer

        return [UpdateDiagramLayer(scene.results["update_diagram"], options.step)]
    return []


# A scenario page's scripts (assets/), then each live layer's (the scripts it needs first), then the page's own.
SCRIPTS = ("engine.js", "common.js", "labels.js", "runs.js")
LAYER_SCRIPTS = {
    "profile": "profile.js", "updates": "updates.js", "spread": "spread.js", "lr": "lr.js",
    "diagram": "diagram.js", "secondorder": "secondorder.js",
}  # fmt: skip
LAYER_NEEDS = {"diagram": ("contours.js",)}


def nice_high(v: float) -> float:
    """A slider's end at ``v``, to two significant digits."""
    return float(f"{v:.2g}") if v > 0 else 1.0


def rule_sliders(run: dict[str, Any]) -> list[dict[str, Any]]:
    """One run's sliders: its rule's hyperparameters (betas as beta1 and beta2), with ranges around its own
    values where they have no natural bounds."""
    params = run["params"]
    defaults = {  # the rule's own defaults, for what the run leaves out
        k: v for k, v in rule_parameters(run["rule"]).items() if v is not inspect.Parameter.empty
    }
    values = {**defaults, **params}
    if "betas" in values:
        values["beta1"], values["beta2"] = values["betas"]
    out = []
    for name in RULE_SLIDERS.get(run["rule"], ()):
        label, low, high, log = SLIDERS[name]
        value = values.get(name)
        if value is None:
            continue
        if low is None:
            low, high = float(value) / 100, float(value) * 10
        else:  # the run's own value is always in range
            low, high = min(low, float(value)), max(high, float(value))
        out.append(
            {
                "name": name,
                "label": label,
                "low": low,
                "high": high,
                "log": log,
                "value": float(value),
            }
        )
    return out


def classifier_scenario_page(data: Any) -> str:
    """The page of a ``linear_classifier_demo`` scenario: the lecture's demo page (the same controls and
    numbers as ``optviz explore classifier --html``), at the scenario's loss and lambda."""
    from optviz.figures.classifier import classifier_from_options
    from optviz.web.classifier_page import classifier_page

    return classifier_page(classifier_from_options(data.options))


def scenario_page(kind: Any, data: Any, **options: Any) -> str:
    """The HTML of a scenario's page (options: ``title``, ``description``, ``size``, ``dpi``, ``formats``)."""
    page = scenario_data(kind, data, **options)
    surface_code = (
        "var OPTVIZ_SURFACE = (function (E) { return "
        + emit.surface_js(data.surface)
        + "; })(OptvizEngine);"
    )
    return build_page(
        title=(page["title"] or data.surface.title) + " (optviz)",
        body=_body(page, options.get("description")),
        data=page,
        scripts=[
            *SCRIPTS,
            *(
                s
                for n in page["figure"].get("layers", {})
                for s in (*LAYER_NEEDS.get(n, ()), LAYER_SCRIPTS[n])
            ),
            "scenario.js",
        ],
        extra_js=surface_code + "\nOptvizScenario.main(OPTVIZ_SURFACE);",
    )


def _layer_notes(data: dict[str, Any]) -> str:
    """What the page's live layers do that its controls do not say."""
    layers = data["figure"].get("layers", {})
    notes = []
    if "profile" in layers and layers["profile"]["panel"]:
        notes.append("Click the slice to start every run at that point of it.")
    if "profile" in layers and layers["profile"]["liveCurve"]:
        notes.append("The slice passes through the first run's start, and moves with it.")
    if "spread" in layers:
        seeds = layers["spread"]["seeds"]
        notes.append(
            f"Each run is made again with each of the figure's {len(seeds)} seeds, and the median and the band "
            "are worked out in this page; the readouts follow each run with its own seed."
        )
    if "diagram" in layers:
        notes.append(
            "Step and Play move the update shown along the run, and the zoom follows it (its contours are "
            "drawn in this page, as matplotlib draws them); at the last step: the figure's own step."
        )
    if "updates" in layers:
        notes.append(
            "Step and Play move the state compared along the run, as the GIF does (at the last step: the "
            "figure's own); the panels keep one scale for every state of the runs shown."
        )
    return "".join(" " + n for n in notes)


def _body(data: dict[str, Any], description: str | None) -> str:
    runs = []
    for i, (r, sliders) in enumerate(zip(data["runs"], data["sliders"], strict=False)):
        rows = "".join(
            f'<label for="c-{i}-{c["name"]}">{escape(c["label"])}</label>'
            f'<input type="range" id="c-{i}-{c["name"]}" data-run="{i}" data-name="{c["name"]}" '
            f'aria-describedby="v-{i}-{c["name"]}"><output id="v-{i}-{c["name"]}" for="c-{i}-{c["name"]}"></output>'
            for c in sliders
        )
        if data["oneRule"]:  # one rule's hyperparameters, for every run
            head = f'<legend id="rule">{escape(r["label"])} (every run)</legend>'
        else:
            head = f'<legend style="color:{r["color"]}" id="run-{i}">{escape(r["label"])}</legend>'
        runs.append(f'<fieldset class="run">{head}<div class="controls">{rows}</div></fieldset>')
    common = (
        '<label for="c-steps">steps (every run)</label><input type="range" id="c-steps" '
        'aria-describedby="v-steps"><output id="v-steps" for="c-steps"></output>'
    )
    if data["sigma"] is not None:
        common += (
            '<label for="c-sigma">noise σ (noisy runs)</label><input type="range" id="c-sigma" '
            'aria-describedby="v-sigma"><output id="v-sigma" for="c-sigma"></output>'
        )
    if data["draws"]["normals"]:
        seeds = sorted(int(s) for s in data["draws"]["normals"])
        common += (
            f'<label for="c-seed">noise seed (noisy runs)</label><input type="number" id="c-seed" '
            f'min="{seeds[0]}" max="{seeds[-1]}" step="1"><span></span>'
        )
    arithmetic = data["surface"]["arithmetic"]
    paths = "paths" in data["figure"]
    click = "Click the contour to start every run there. " if paths else ""
    about = escape(description) + " " if description else ""
    return f"""<div class="figure-wrap"><div class="figure" id="figure" role="img"
aria-label="{escape(data["figure"]["alt"])}"></div></div>
<div class="page">
<p class="note">{about}{click}The runs are computed in this page with
optviz.run's numbers{"" if arithmetic else " (to the last digits that the math library allows)"}.{_layer_notes(data)}</p>
<div class="row">
<div class="panel">
{"".join(runs)}
<fieldset><legend>Every run</legend><div class="controls">{common}</div></fieldset>
{stepping_and_readouts("run", "scenario.toml", arrows=paths)}
</div>
</div>"""


__all__ = [
    "CLASSIFIER_KIND",
    "JS_RULES",
    "KINDS",
    "WRITER",
    "PageWriter",
    "check",
    "classifier_scenario_page",
    "scenario_data",
    "scenario_page",
]
