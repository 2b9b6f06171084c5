"""The explorer for any surface as one HTML page (``optviz explore SURFACE --html FILE``, ``ov.to_html``).

What :func:`optviz.explore` does in a matplotlib window, in a browser: live trajectories of every rule
``ov.explore`` shows (GD, Momentum, Nesterov, Adam, AdamW, RMSProp, AdaGrad, Newton, L-BFGS) on the surface's
contour, its sliders (log scale for rates), its lr schedule selector and L-BFGS line-search box, the noise and
the number of steps, a click on the contour to set the start, Step / Play / Reset / Random start, readouts of
f, |grad f|, kappa(H) and the Hessian's eigenvalues with each run's status, a loss panel and update arrows.
The settings, their defaults, which rules each slider moves, the sliders' ranges and the schedules are
``ov.explore``'s own table (:mod:`optviz.explore_settings`), emitted here.

The static layer (contours, minima, axes, ticks, labels, the formula, the loss panel's frame and labels) is
the ``trajectories`` figure kind drawn by optviz's own figure code; everything a control changes is drawn by
the page. The runs are computed in the page by the JavaScript engine (``assets/engine.js``) from the surface's
emitted formulas: they equal :func:`optviz.run`'s (design section 2). Gaussian noise uses the draws of
``numpy.random.default_rng(seed)`` for seeds ``0 .. NOISE_SEEDS-1``, embedded up to the steps slider's end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz._format import PARAM_NAMES
from optviz._validate import ParameterError
from optviz.engine import default_label, run
from optviz.explore_settings import (
    NOISY,
    RULES,
    SCHEDULES,
    SETTINGS,
    Settings,
    controls,
    exponential_gamma,
    make_rule,
    read_settings,
    rule_settings,
    run_arguments,
)
from optviz.noise import GaussianNoise
from optviz.scheduled import momentum_target
from optviz.surfaces import Surface
from optviz.surfaces import surface as make_surface
from optviz.web import emit
from optviz.web.page import build_page, escape
from optviz.web.runs import (
    NOISE_SEEDS,
    draws,
    rule_info,
    schedule_info,
    stepping_and_readouts,
    surface_data,
    toml_head,
)
from optviz.web.static import figure_layer

SIZE = (12.8, 7.2)  # inches: the slide size of the gallery
DPI = 100.0


def page_params(name: str, s: Settings) -> dict[str, Any]:
    """The hyperparameters the page gives rule ``name`` (its TOML names), from the settings (a setting left
    at None, L-BFGS's line search off, is the rule's default and is not written)."""
    return {k: v for k, v in rule_settings(name, s).items() if v is not None}


def initial_runs(surface: Surface, shown: Sequence[str], s: Settings) -> list[Any]:
    """optviz.run of the shown rules with the page's first settings (what its exported scenario renders)."""
    return [run(surface, **run_arguments(name, s)) for name in shown]


def static_layer(
    surface: Surface,
    runs: Sequence[Any],
    size: tuple[float, float] = SIZE,
    dpi: float = DPI,
    *,
    whole: bool = False,
) -> tuple[dict, dict, dict | None, bytes]:
    """The ``trajectories`` figure with its loss panel, drawn by optviz's figure code for ``runs``, as a page
    layer (:func:`optviz.web.static.figure_layer`): the figure spec, the live artists' styles, what the loss
    panel plots, and (``whole=True``) the whole figure as a PNG: what the page must look like."""
    from optviz.figures import figure

    scene = figure("trajectories", surface, list(runs), loss=True, size=size, dpi=dpi, pyplot=False)
    # The loss title is live: ticking Nesterov on or off writes or removes the note beside it, and the title
    # makes room for it as plot.loss_title does (static.loss_title_layouts).
    spec, styles, loss, full = figure_layer(
        scene, list(runs), surface, whole=whole, live_title=True
    )
    spec["alt"] = f"contours of {surface.title}"
    return spec, styles, loss, full


def explorer_data(
    surface: Surface | str,
    rules: Sequence[str] | str = ("gd", "momentum"),
    *,
    start: Any = None,
    size: tuple[float, float] = SIZE,
    dpi: float = DPI,
    **settings: Any,
) -> dict[str, Any]:
    """Everything the explorer page holds, as JSON-able data. ``settings`` are :func:`optviz.explore`'s
    (``steps``, ``lr``, ``adaptive_lr``, ``second_order_lr``, ``rho``, ``beta1``, ``beta2``, ``alpha``,
    ``weight_decay``, ``damping``, ``max_iter``, ``history_size``, ``line_search_fn``, ``schedule``,
    ``sigma``, ``seed``), read and checked by the same table (:func:`optviz.explore_settings.read_settings`)."""
    if isinstance(surface, str):
        surface = make_surface(surface)
    if not isinstance(surface, Surface):
        raise ParameterError("surface", f"must be a Surface or a surface name, got {surface!r}")
    s = read_settings(surface, rules, start, **settings)
    check.integer("seed", s.seed, minimum=0, maximum=NOISE_SEEDS - 1)  # the draws a page holds
    emit.surface_js(surface)  # refuses surfaces without a formula, before any drawing
    shown = list(s.rules)
    figure_spec, styles, loss, _ = static_layer(surface, initial_runs(surface, shown, s), size, dpi)
    sliders = [
        {**dataclasses.asdict(c), "param": SETTINGS[c.name][0] if c.name in SETTINGS else None}
        for c in controls(surface, s)
    ]
    max_steps = max(int(c["high"]) for c in sliders if c["name"] == "steps")
    # ov.explore's Random start: uniform over the middle 90% of the view, from default_rng(seed).
    rng = np.random.default_rng(s.seed)
    (x0, x1), (y0, y1) = surface.bounds
    dx, dy = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
    random_starts = [
        rng.uniform((x0 + dx, y0 + dy), (x1 - dx, y1 - dy)).tolist() for _ in range(64)
    ]
    head = toml_head(
        "trajectories", surface, _loss_options(), size, dpi,
        comment=f"{surface.title}, exported from an optviz explorer page: optviz render THIS_FILE",
    )  # fmt: skip
    values = {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}
    values["start"] = [float(v) for v in s.start]
    values["rules"] = shown
    return {
        "surface": surface_data(surface),
        "figure": figure_spec,
        "styles": styles,
        "loss": loss,
        "rules": rule_info(),
        "order": list(RULES),
        "shown": shown,
        "settings": values,
        "params": {name: page_params(name, s) for name in RULES},
        "noisy": list(NOISY),
        "controls": sliders,
        "schedules": {
            "choices": list(SCHEDULES),
            "info": schedule_info(),
            # the "exponential" choice's gamma for each number of steps, as Python's pow rounds it
            "gammas": [None] + [exponential_gamma(n) for n in range(1, max_steps + 1)],
            # the hyperparameter OneCycleLR cycles on each rule (optviz.scheduled.momentum_target)
            "targets": {name: momentum_target(make_rule(name, s)) for name in RULES},
        },
        "draws": draws(range(NOISE_SEEDS), max_steps),
        "randomStarts": random_starts,
        "paramNames": PARAM_NAMES,
        "sgdLabels": {
            name: default_label(make_rule(name, s), GaussianNoise(1.0) if name in NOISY else None)
            for name in RULES
        },
        "tomlHead": head,
    }


def _loss_options() -> Any:
    """The explorer's figure options: the ``trajectories`` kind with its loss panel (no title: the page's
    heading is the page's, so the exported scenario renders the page's figure)."""
    from optviz.figures import figure_kind

    return figure_kind("trajectories").read_options({"loss": True})


def explorer_page(
    surface: Surface | str, rules: Sequence[str] | str = ("gd", "momentum"), **options: Any
) -> str:
    """The HTML of the explorer page for ``surface`` (see the module; options as :func:`optviz.explore`)."""
    data = explorer_data(surface, rules, **options)
    s = make_surface(surface) if isinstance(surface, str) else surface
    surface_code = (
        f"var OPTVIZ_SURFACE = (function (E) {{ return {emit.surface_js(s)}; }})(OptvizEngine);"
    )
    return build_page(
        title=f"{s.title}: optimizer explorer (optviz)",
        body=_body(data),
        data=data,
        scripts=["engine.js", "common.js", "labels.js", "runs.js", "explorer.js"],
        extra_js=surface_code + "\nOptvizExplorer.main(OPTVIZ_SURFACE);",
    )


def _body(data: dict[str, Any]) -> str:
    s = data["surface"]
    rules = data["rules"]
    checks = "".join(
        f'<label style="color:{rules[r]["color"]}"><input type="checkbox" name="rule" value="{r}"'
        f"{' checked' if r in data['shown'] else ''}> {escape(rules[r]['label'])}</label>"
        for r in data["order"]
    )
    sliders = "".join(
        f'<label for="c-{c["name"]}" id="l-{c["name"]}">{escape(c["label"])}</label>'
        f'<input type="range" id="c-{c["name"]}" data-name="{c["name"]}" aria-describedby="v-{c["name"]}">'
        f'<output id="v-{c["name"]}" for="c-{c["name"]}"></output>'
        for c in data["controls"]
    )
    choices = "".join(
        f'<option value="{escape(c)}">{escape(c)}</option>' for c in data["schedules"]["choices"]
    )
    extra = '<button id="b-random" type="button">Random start</button>\n'
    return f"""<div class="page">
<header><h1>{escape(s["title"])}: optimizer explorer</h1>
<p>Click the contour to set the start. The runs are optviz's update rules, computed in this page with optviz.run's
numbers{"" if s["arithmetic"] else " (to the last digits that the math library allows)"}.</p></header>
<div class="figure-wrap"><div class="figure" id="figure" role="img" aria-label="contours with the runs, and the loss panel"></div></div>
<div class="row" style="margin-top:10px">
<div class="panel">
<fieldset class="rules"><legend>Rules shown</legend>{checks}</fieldset>
<div class="controls">{sliders}
<label for="c-seed">noise seed</label><input type="number" id="c-seed" min="0" max="{NOISE_SEEDS - 1}" step="1"><span></span>
<label for="c-schedule" id="l-schedule">lr schedule</label><select id="c-schedule">{choices}</select><span></span>
<label for="c-line-search" id="l-line-search">line search (L-BFGS)</label><span><input type="checkbox" id="c-line-search"> strong Wolfe</span><span></span>
</div>
{stepping_and_readouts("rule", "explorer.toml", extra)}
</div>
</div>"""


__all__ = [
    "RULES",
    "explorer_data",
    "explorer_page",
    "initial_runs",
    "page_params",
    "static_layer",
]
