"""The explorer for any surface as one HTML page (``optviz explore SURFACE --html FILE``, ``ov.to_html``).

What :func:`optviz.explore` does in a matplotlib window, in a browser: live trajectories of several update
rules on the surface's contour, sliders for each rule's hyperparameters (log scale for rates), the noise and
the number of steps, a click on the contour to set the start, Step / Play / Reset / Random start, readouts of
f, |grad f|, kappa(H) and the Hessian's eigenvalues with each run's status, a loss panel and update arrows.

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
from optviz.analysis import suggested_adaptive_lr, suggested_lr
from optviz.engine import default_label, run
from optviz.noise import GaussianNoise
from optviz.optimizers import rule
from optviz.surfaces import Surface
from optviz.surfaces import surface as make_surface
from optviz.web import emit
from optviz.web.page import build_page, escape
from optviz.web.runs import NOISE_SEEDS, draws, rule_info, surface_data, toml_head
from optviz.web.static import figure_layer

RULES = ("gd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")  # as ov.explore
GRADIENT_SCALED = ("gd", "momentum", "nesterov")
ADAPTIVE = ("adam", "rmsprop", "adagrad")
MAX_STEPS_SLIDER = 500
SIZE = (12.8, 7.2)  # inches: the slide size of the gallery
DPI = 100.0


@dataclasses.dataclass(frozen=True)
class Control:
    """A slider: the setting, its label, range and scale, and the rules it drives (ov.explore's sliders)."""

    name: str
    label: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    rules: tuple[str, ...] = RULES


def controls(surface: Surface, settings: dict[str, Any]) -> list[Control]:
    """The sliders with ov.explore's ranges: lr/100 .. 10 lr for the rates, sigma up to twice the gradient's
    size at the start, at least MAX_STEPS_SLIDER steps."""
    grad = float(np.hypot(*surface.grad(settings["start"])))
    sigma_max = float(f"{max(grad, 1e-3, settings['sigma']):.1g}") * 2
    lr0, alr0 = settings["lr"], settings["adaptive_lr"]
    return [
        Control("lr", "lr (GD, Momentum, Nesterov)", lr0 / 100, lr0 * 10, log=True, rules=GRADIENT_SCALED),
        Control("adaptive_lr", "lr (Adam, RMSProp, AdaGrad)", alr0 / 100, alr0 * 10, log=True, rules=ADAPTIVE),
        Control("rho", "ρ (Momentum, Nesterov)", 0.0, 0.99, rules=("momentum", "nesterov")),
        Control("beta1", "β1 (Adam)", 0.0, 0.99, rules=("adam",)),
        Control("beta2", "β2 (Adam)", 0.9, 0.9999, rules=("adam",)),
        Control("alpha", "α (RMSProp)", 0.5, 0.999, rules=("rmsprop",)),
        Control("sigma", "noise σ", 0.0, sigma_max),
        Control("steps", "steps", 1, max(MAX_STEPS_SLIDER, settings["steps"]), integer=True),
    ]  # fmt: skip


def rule_params(name: str, s: dict[str, Any]) -> dict[str, Any]:
    """The hyperparameters the explorer gives rule ``name`` (its TOML names), from the slider settings."""
    if name in ("gd",):
        return {"lr": s["lr"]}
    if name in ("momentum", "nesterov"):
        return {"lr": s["lr"], "rho": s["rho"]}
    if name == "adam":
        return {"lr": s["adaptive_lr"], "betas": [s["beta1"], s["beta2"]]}
    if name == "rmsprop":
        return {"lr": s["adaptive_lr"], "alpha": s["alpha"]}
    return {"lr": s["adaptive_lr"]}


def initial_runs(surface: Surface, shown: Sequence[str], settings: dict[str, Any]) -> list[Any]:
    """optviz.run of the shown rules with the page's first settings (what its exported scenario renders)."""
    noise = GaussianNoise(settings["sigma"]) if settings["sigma"] > 0 else None
    return [
        run(surface, rule(name, **rule_params(name, settings)), start=settings["start"], steps=settings["steps"],
            noise=noise, seed=settings["seed"])
        for name in shown
    ]  # fmt: skip


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
    spec, styles, loss, full = figure_layer(scene, list(runs), surface, whole=whole)
    spec["alt"] = f"contours of {surface.title}"
    return spec, styles, loss, full


def explorer_data(
    surface: Surface | str,
    rules: Sequence[str] | str = ("gd", "momentum"),
    *,
    start: Any = None,
    steps: int = 100,
    lr: float | None = None,
    adaptive_lr: float | None = None,
    rho: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    alpha: float = 0.99,
    sigma: float = 0.0,
    seed: int = 0,
    size: tuple[float, float] = SIZE,
    dpi: float = DPI,
) -> dict[str, Any]:
    """Everything the explorer page holds, as JSON-able data (validated like :func:`optviz.explore`)."""
    if isinstance(surface, str):
        surface = make_surface(surface)
    if not isinstance(surface, Surface):
        raise ParameterError("surface", f"must be a Surface or a surface name, got {surface!r}")
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    for r in rules:
        if r not in RULES:
            raise ParameterError("rules", check.unknown_name_message(str(r), RULES, what="rule"))
    start = surface.start if start is None else check.point("start", start)
    settings = {
        "start": [float(v) for v in start],
        "steps": check.integer("steps", steps, minimum=1, maximum=100_000),
        "lr": suggested_lr(surface) if lr is None else check.positive("lr", lr),
        "adaptive_lr": suggested_adaptive_lr(surface) if adaptive_lr is None else check.positive("adaptive_lr", adaptive_lr),
        "rho": check.in_range("rho", rho, 0.0, 0.99),
        "beta1": check.in_range("beta1", beta1, 0.0, 0.99),
        "beta2": check.in_range("beta2", beta2, 0.9, 0.9999),
        "alpha": check.in_range("alpha", alpha, 0.5, 0.999),
        "sigma": check.nonnegative("sigma", sigma),
        "seed": check.integer("seed", seed, minimum=0, maximum=NOISE_SEEDS - 1),
    }  # fmt: skip
    emit.surface_js(surface)  # refuses surfaces without a formula, before any drawing
    shown = [r for r in RULES if r in rules]
    figure_spec, styles, loss, _ = static_layer(
        surface, initial_runs(surface, shown, settings), size, dpi
    )
    sliders = controls(surface, settings)
    max_steps = max(int(c.high) for c in sliders if c.name == "steps")
    # ov.explore's Random start: uniform over the middle 90% of the view, from default_rng(seed).
    rng = np.random.default_rng(settings["seed"])
    (x0, x1), (y0, y1) = surface.bounds
    dx, dy = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
    random_starts = [
        rng.uniform((x0 + dx, y0 + dy), (x1 - dx, y1 - dy)).tolist() for _ in range(64)
    ]
    head = toml_head(
        "trajectories", surface, _loss_options(), size, dpi,
        comment=f"{surface.title}, exported from an optviz explorer page: optviz render THIS_FILE",
    )  # fmt: skip
    return {
        "surface": surface_data(surface),
        "figure": figure_spec,
        "styles": styles,
        "loss": loss,
        "rules": rule_info(),
        "order": list(RULES),
        "shown": shown,
        "settings": settings,
        "controls": [dataclasses.asdict(c) for c in sliders],
        "draws": draws(range(NOISE_SEEDS), max_steps),
        "randomStarts": random_starts,
        "paramNames": PARAM_NAMES,
        "sgdLabels": {name: default_label(rule(name, **rule_params(name, settings)), GaussianNoise(1.0))
                      for name in RULES},
        "tomlHead": head,
    }  # fmt: skip


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
        scripts=["engine.js", "common.js", "runs.js", "explorer.js"],
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
    heads = "".join(f"<th>{h}</th>" for h in ("rule", "f(x)", "|∇f|", "κ(H)", "eig(H)", "status"))
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
</div>
<div class="buttons">
<button id="b-step" type="button">Step</button>
<button id="b-play" type="button">Play</button>
<button id="b-reset" type="button">Reset</button>
<button id="b-random" type="button">Random start</button>
<label><input type="checkbox" id="c-arrows"> update arrows</label>
</div>
<div class="message" id="message" role="alert"></div>
</div>
<div class="panel">
<div class="note" id="step-text" aria-live="polite"></div>
<table class="numbers readouts"><thead><tr>{heads}</tr></thead><tbody id="readouts"></tbody></table>
<h2>Share and reuse</h2>
<p class="note">The address of this page holds its state (a link reopens this view). As a scenario file for
<code>optviz render</code>:</p>
<div class="buttons"><button id="b-export" type="button">Export scenario TOML</button>
<a id="download" download="explorer.toml" href="#">download</a></div>
<textarea class="toml" id="toml" aria-label="scenario TOML" readonly></textarea>
</div>
</div>
</div>"""


__all__ = [
    "Control",
    "controls",
    "explorer_data",
    "explorer_page",
    "initial_runs",
    "rule_params",
    "static_layer",
]
