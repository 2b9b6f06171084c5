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
import inspect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import style
from optviz._format import PARAM_NAMES
from optviz._validate import ParameterError
from optviz.analysis import condition_number, suggested_adaptive_lr, suggested_lr
from optviz.engine import ESCAPE_DIAGONALS, default_label, run
from optviz.noise import GaussianNoise
from optviz.optimizers import rule, rule_class, rule_names, rule_parameters
from optviz.surfaces import Surface
from optviz.surfaces import surface as make_surface
from optviz.web import emit
from optviz.web.page import build_page, escape, png_data_uri
from optviz.web.static import (
    axes_geometry,
    color_hex,
    figure_size_px,
    freeze_layout,
    line_style,
    px_per_point,
    render_png,
)

RULES = ("gd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")  # as ov.explore
GRADIENT_SCALED = ("gd", "momentum", "nesterov")
ADAPTIVE = ("adam", "rmsprop", "adagrad")
MAX_STEPS_SLIDER = 500
NOISE_SEEDS = 8
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


def rule_info() -> dict[str, Any]:
    """Per rule: label, colour, hyperparameters in constructor order with their defaults, and those that
    legends always show, from the rules themselves (so legends read as optviz's figures write them)."""
    out = {}
    for name in rule_names():
        params = rule_parameters(name)
        defaults = [
            [k, None if v is inspect.Parameter.empty else _plain(v)] for k, v in params.items()
        ]
        probe = {"scale": 1.0} if name == "random_search" else {"lr": 1.0}
        shown_at_default = list(rule(name, **probe).hyperparams)
        cls = rule_class(name)
        out[name] = {
            "label": cls.label,
            "color": style.rule_color(name),
            "defaults": defaults,
            "legendKeys": shown_at_default,
        }
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def _surface_toml(surface: Surface) -> str | None:
    """The scenario ``[surface]`` table that rebuilds ``surface`` (for the page's TOML export), or None for a
    surface that a scenario cannot name (one wrapped or built in Python)."""
    from optviz.surfaces import ExpressionSurface, Regularized, surface_names

    if isinstance(surface, Regularized):
        return None
    if isinstance(surface, ExpressionSurface):
        lines = [f"expression = {_toml_value(surface.expression)}"]
        lines.append(f"start = {_toml_value(surface.start.tolist())}")
        if surface.title != surface.expression:
            lines.append(f"title = {_toml_value(surface.title)}")
        if len(surface.minima):
            lines.append(f"minima = {_toml_value(surface.minima.tolist())}")
        if len(surface.saddles):
            lines.append(f"saddles = {_toml_value(surface.saddles.tolist())}")
        lines.append(f"view = {_toml_value([list(b) for b in surface.bounds])}")
        return "\n".join(lines)
    if surface.name in surface_names():
        lines = [f"name = {_toml_value(surface.name)}"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in surface.params.items()]
        try:  # the table must rebuild this very surface
            same = make_surface(surface.name, **surface.params).params == surface.params
        except Exception:
            same = False
        return "\n".join(lines) if same else None
    return None


def _toml_value(v: Any) -> str:
    import json

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} as TOML")


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
) -> tuple[dict, dict, bytes]:
    """The ``trajectories`` figure with its loss panel, drawn by optviz's figure code for ``runs``: its static
    image (without the runs, the legend, and the loss panel's ticks and grid, which the page draws), the
    styles of the live artists, each axes' transform, and (``whole=True``) the whole figure as a PNG: what
    the page must look like."""
    from optviz.figures import figure
    from optviz.plot import LossArtists, TrajectoryArtists

    scene = figure("trajectories", surface, list(runs), loss=True, size=size, dpi=dpi, pyplot=False)
    fig = scene.fig
    paths = next(h for h in scene.handles if isinstance(h, TrajectoryArtists))
    losses = next(h for h in scene.handles if isinstance(h, LossArtists))
    ax, loss_ax = paths.runs[0].path.axes, losses.lines[0].axes
    freeze_layout(fig)
    k = px_per_point(fig)
    width, height = figure_size_px(fig)
    legend = fig.legends[0] if fig.legends else None
    legend_box = legend.get_window_extent() if legend is not None else None
    first = paths.runs[0]
    styles = {
        "path": line_style(first.path, fig),
        "start": line_style(first.start, fig),
        "end": line_style(first.end, fig),
        "loss": line_style(losses.lines[0], fig),
        "fontsize": float(loss_ax.xaxis.label.get_fontsize()) * k,
        "tickfont": float(loss_ax.xaxis.get_ticklabels()[0].get_fontsize()) * k,
        "ticklength": float(loss_ax.xaxis.get_major_ticks()[0].tick1line.get_markersize()) * k,
        "tickwidth": float(loss_ax.xaxis.get_major_ticks()[0].tick1line.get_markeredgewidth()) * k,
        "tickcolor": color_hex(loss_ax.xaxis.get_major_ticks()[0].tick1line.get_color()),
        "ticklabelcolor": color_hex(loss_ax.xaxis.get_ticklabels()[0].get_color()),
        "gridcolor": color_hex(loss_ax.xaxis.get_gridlines()[0].get_color()),
        "gridwidth": float(loss_ax.xaxis.get_gridlines()[0].get_linewidth()) * k,
        "legendfont": float(legend.get_texts()[0].get_fontsize()) * k
        if legend is not None
        else 14.0,
    }
    # What the page draws: the runs (paths, starts, ends, crosses, exit arrows), the legend, and the loss
    # panel's curves, ticks, tick labels and grid (their limits follow the runs).
    hidden: list[Any] = [legend]
    for r in paths.runs:
        hidden += [r.path, r.start, r.end, r.diverged, r.exit, *r.arrows]
        if r.diverged is not None:
            hidden.append(r.diverged.annotation)
    hidden += [*losses.lines, *losses.markers, *losses.rates]
    # Ticks and their labels made transparent, not removed: the axis labels stay where matplotlib put
    # them (it places them beside the tick labels at every draw).
    full = render_png(fig) if whole else b""
    loss_ax.grid(False)
    loss_ax.tick_params(which="both", colors=(0, 0, 0, 0), labelcolor=(0, 0, 0, 0))
    png = render_png(fig, hidden)
    lg = axes_geometry(loss_ax, height)
    font = styles["tickfont"]
    # Where the page writes live text in its own fonts: the legend's row(s) and the loss panel's tick labels.
    text_boxes = [
        [lg["left"] - 5 * font, lg["top"] - font, lg["left"], lg["top"] + lg["height"] + font],
        [lg["left"] - font, lg["top"] + lg["height"], lg["left"] + lg["width"] + font,
         lg["top"] + lg["height"] + 2 * font],
    ]  # fmt: skip
    if legend_box is not None:
        text_boxes.append([0.0, float(height - legend_box.y1), float(width), float(height)])
    figure_spec = {
        "width": width,
        "height": height,
        "image": png_data_uri(png),
        "alt": f"contours of {surface.title}",
        "axes": [axes_geometry(ax, height), lg],
        "textBoxes": text_boxes,
        "legend": None
        if legend_box is None
        else {"x": float((legend_box.x0 + legend_box.x1) / 2), "y": float(height - legend_box.y1),
              "height": float(legend_box.height)},
    }  # fmt: skip
    return figure_spec, styles, full


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
    figure_spec, styles, _ = static_layer(
        surface, initial_runs(surface, shown, settings), size, dpi
    )
    sliders = controls(surface, settings)
    max_steps = max(int(c.high) for c in sliders if c.name == "steps")
    draws = {str(s): emit.b64(emit.normal_draws(s, max_steps + 1)) for s in range(NOISE_SEEDS)}
    # ov.explore's Random start: uniform over the middle 90% of the view, from default_rng(seed).
    rng = np.random.default_rng(settings["seed"])
    (x0, x1), (y0, y1) = surface.bounds
    dx, dy = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
    random_starts = [
        rng.uniform((x0 + dx, y0 + dy), (x1 - dx, y1 - dy)).tolist() for _ in range(64)
    ]
    fmin = surface.fmin
    with np.errstate(all="ignore"):
        kappa0 = float(condition_number(surface, np.asarray(start)))
    return {
        "surface": {
            "name": surface.name,
            "title": surface.title,
            "bounds": [list(b) for b in surface.bounds],
            "center": surface.center.tolist(),
            "escapeRadius": ESCAPE_DIAGONALS * surface.diagonal,
            "start": surface.start.tolist(),
            "fmin": fmin if math.isfinite(fmin) else None,
            "arithmetic": emit.arithmetic(surface),
            "toml": _surface_toml(surface),
            "kappa0": kappa0 if math.isfinite(kappa0) else None,
        },
        "figure": figure_spec,
        "styles": styles,
        "output": {"size": list(size), "dpi": dpi},
        "rules": rule_info(),
        "order": list(RULES),
        "shown": shown,
        "settings": settings,
        "controls": [dataclasses.asdict(c) for c in sliders],
        "noise": {"seeds": NOISE_SEEDS, "steps": max_steps, "draws": draws},
        "randomStarts": random_starts,
        "paramNames": PARAM_NAMES,
        "sgdLabels": {name: default_label(rule(name, **rule_params(name, settings)), GaussianNoise(1.0))
                      for name in RULES},
    }  # fmt: skip


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
        scripts=["engine.js", "common.js", "explorer.js"],
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
<div class="figure" id="figure" role="img" aria-label="contours with the runs, and the loss panel"></div>
<div class="row" style="margin-top:10px">
<div class="panel">
<fieldset class="rules"><legend>Rules shown</legend>{checks}</fieldset>
<div class="controls">{sliders}
<label for="c-seed">noise seed</label><input type="number" id="c-seed" min="0" max="{data["noise"]["seeds"] - 1}" step="1"><span></span>
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
    "rule_info",
    "rule_params",
    "static_layer",
]
