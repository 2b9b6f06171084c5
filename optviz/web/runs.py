"""What every page with runs holds, besides its figure: the rules' legend data, the surface, the numpy draws
its noise needs, each run's settings, and the TOML it exports.

A page computes its runs itself (``assets/engine.js``); what it cannot compute it is given here, by optviz's
own code: the seeded draws of :mod:`optviz.noise` (never re-generated in JavaScript), the legend rules of
:func:`optviz._format.legend` and :attr:`optviz.Optimizer.hyperparams`, the surface's escape radius.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from optviz import style
from optviz._format import PARAM_NAMES, VALUE_ONLY
from optviz.engine import ESCAPE_DIAGONALS
from optviz.noise import GaussianNoise, Minibatch
from optviz.optimizers import rule, rule_class, rule_names, rule_parameters
from optviz.schedules import schedule_class, schedule_names
from optviz.surfaces import Surface
from optviz.web import emit

NOISE_SEEDS = 8  # Gaussian noise draws for seeds 0 .. NOISE_SEEDS-1 (and each run's own seed)


def rule_info() -> dict[str, Any]:
    """Per rule: label, colour, hyperparameters in constructor order with their defaults, and those that
    legends always show, from the rules themselves (so legends read as optviz's figures write them)."""
    out = {}
    for name in rule_names():
        params = rule_parameters(name)
        defaults = [
            [k, None if v is inspect.Parameter.empty else plain(v)] for k, v in params.items()
        ]
        probe = {"scale": 1.0} if name == "random_search" else {"lr": 1.0}
        cls = rule_class(name)
        out[name] = {
            "label": cls.label,
            "color": style.rule_color(name),
            "defaults": defaults,
            "legendKeys": list(rule(name, **probe).hyperparams),
            # options whose value says it all ("strong Wolfe"), as legends write them
            "valueOnly": {k: VALUE_ONLY[k] for k in params if k in VALUE_ONLY},
        }
    return out


def schedule_info() -> dict[str, Any]:
    """Per schedule: its legend's title, its parameters in constructor order with their defaults (None:
    required) but those legends never show, those they always show (:meth:`optviz.schedules.Schedule.legend`),
    and the integer ones (a page writes them as TOML integers)."""
    out = {}
    for name in schedule_names():
        cls = schedule_class(name)
        shown, hidden = cls.legend_fields()
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        out[name] = {
            "title": cls.title,
            "defaults": [
                [f.name, None if f.default is dataclasses.MISSING else plain(f.default)]
                for f in fields
                if f.name not in hidden
            ],
            "legendKeys": list(shown),
            "integers": [f.name for f in fields if "int" in str(f.type)],
        }
    return out


def plain(v: Any) -> Any:
    """A value as JSON writes it (tuples as lists, numpy scalars as Python numbers)."""
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def surface_data(surface: Surface) -> dict[str, Any]:
    """The surface as a page needs it besides its formula: name, title, view, escape rule, start, f*."""
    fmin = surface.fmin
    return {
        "name": surface.name,
        "title": surface.title,
        "bounds": [list(b) for b in surface.bounds],
        "center": surface.center.tolist(),
        "escapeRadius": ESCAPE_DIAGONALS * surface.diagonal,
        "start": surface.start.tolist(),
        "fmin": fmin if math.isfinite(fmin) else None,
        "arithmetic": emit.arithmetic(surface),
    }


def draws(
    normal_seeds: Iterable[int],
    normal_steps: int,
    batches: Iterable[tuple[Minibatch, int]] = (),
    batch_steps: int = 0,
    n_samples: int = 0,
) -> dict[str, Any]:
    """The numpy draws a page's runs may use, as exact bytes: standard normals of each seed for steps
    ``0 .. normal_steps`` (Gaussian noise; random search's samples) and each minibatch's sample indices for
    steps ``0 .. batch_steps``, keyed ``"batch_size/replace/seed"``."""
    normals = {
        str(s): emit.b64(emit.normal_draws(s, normal_steps + 1)) for s in sorted(set(normal_seeds))
    }
    table = {}
    for noise, seed in batches:
        key = f"{noise.batch_size}/{int(noise.replace)}/{int(seed)}"
        if key not in table:
            idx = emit.batch_indices(noise, n_samples, seed, batch_steps + 1)
            table[key] = emit.b64(idx, "<i4")
    return {
        "normals": normals,
        "normalSteps": int(normal_steps),
        "batches": table,
        "batchSteps": int(batch_steps),
    }


def run_spec(t: Any, color: str) -> dict[str, Any]:
    """One run's settings as a page takes them (what optviz.run was called with), from its Trajectory."""
    noise = t.noise
    if isinstance(noise, GaussianNoise):
        noise_spec: dict[str, Any] | None = {"kind": "gaussian", "sigma": float(noise.sigma)}
    elif isinstance(noise, Minibatch):
        noise_spec = {"kind": "minibatch", "batch_size": int(noise.batch_size),
                      "replace": bool(noise.replace)}  # fmt: skip
    else:
        noise_spec = None
    params = {k: plain(v) for k, v in t.hyperparams.items()}
    return {
        "rule": t.rule,
        "params": params,
        "given": params,
        "start": [float(v) for v in t.xy[0]],
        "steps": int(t.steps),
        "seed": int(t.seed),
        "noise": noise_spec,
        "tol": t.tol,
        "escapeRadius": float(t.escape_radius),
        "center": [float(v) for v in t.center],
        "label": t.label,
        "custom": bool(t.custom_label),
        "color": color,
        # a schedule is fixed by the scenario (no control changes it): the page runs it, and exports its line
        "schedule": None if t.schedule is None else t.schedule.describe(),
        "scheduleToml": None
        if t.schedule is None
        else f"schedule = {toml_value(t.schedule.describe())}",
        "scheduleLegend": None if t.schedule is None else t.schedule.legend,
        "scheduleSkip": [] if t.schedule is None else list(t.schedule.sets(t.optimizer)),
    }


# -- the HTML every page with runs shares ---------------------------------------------------------------
def stepping_and_readouts(
    first_column: str, download: str, extra_buttons: str = "", *, arrows: bool = True
) -> str:
    """The end of a page's controls panel and its readouts panel, which runs.js wires by id: the Step, Play
    and Reset buttons (``extra_buttons`` after them), the update-arrows box (``arrows``: for a page with
    paths) and the message line; then the
    step counter, the readouts table (``first_column`` heads the column that names each run) and the TOML
    export (saved as ``download``)."""
    from optviz.web.page import escape

    box = '<label><input type="checkbox" id="c-arrows"> update arrows</label>' if arrows else ""
    heads = "".join(
        f"<th>{escape(h)}</th>" for h in (first_column, "f(x)", "|∇f|", "κ(H)", "eig(H)", "status")
    )
    return f'''<div class="buttons">
<button id="b-step" type="button">Step</button>
<button id="b-play" type="button">Play</button>
<button id="b-reset" type="button">Reset</button>
{extra_buttons}{box}
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
<a id="download" download="{escape(download)}" href="#">download</a></div>
<textarea class="toml" id="toml" aria-label="scenario TOML" readonly></textarea>
</div>'''


# -- the scenario TOML a page exports -------------------------------------------------------------------
def toml_value(v: Any) -> str:
    """A value in TOML (numbers that parse back to the same float)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):  # an inline table (a schedule), without the keys left at None
        return (
            "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items() if x is not None) + " }"
        )
    raise TypeError(f"cannot write {v!r} as TOML")


def surface_table(surface: Surface, view: Any = None) -> str | None:
    """The lines of a scenario's ``[surface]`` table that rebuild ``surface`` (None for a surface that a
    scenario cannot name: one wrapped or built in Python)."""
    from optviz.surfaces import ExpressionSurface, Regularized, surface_names
    from optviz.surfaces import surface as make_surface

    if isinstance(surface, Regularized):
        return None
    if isinstance(surface, ExpressionSurface):
        lines = [f"expression = {toml_value(surface.expression)}"]
        lines.append(f"start = {toml_value(surface.start.tolist())}")
        if surface.title != surface.expression:
            lines.append(f"title = {toml_value(surface.title)}")
        if len(surface.minima):
            lines.append(f"minima = {toml_value(surface.minima.tolist())}")
        if len(surface.saddles):
            lines.append(f"saddles = {toml_value(surface.saddles.tolist())}")
        lines.append(f"view = {toml_value([list(b) for b in view or surface.bounds])}")
        return "\n".join(lines)
    if surface.name in surface_names():
        lines = [f"name = {toml_value(surface.name)}"]
        lines += [f"{k} = {toml_value(plain(v))}" for k, v in surface.params.items()]
        if view is not None:
            lines.append(f"view = {toml_value([list(map(float, b)) for b in view])}")
        try:  # the table must rebuild this very surface
            same = make_surface(surface.name, **surface.params).params == surface.params
        except Exception:
            same = False
        return "\n".join(lines) if same else None
    return None


def options_table(options: Any) -> list[str]:
    """A figure's options as ``[figure]`` lines: those that differ from the kind's defaults."""
    from optviz.figures.options import written_options

    return [f"{k} = {toml_value(plain(v))}" for k, v in written_options(options).items()]


def toml_head(
    kind: str,
    surface: Surface | None,
    options: Any,
    size: Sequence[float],
    dpi: float,
    *,
    title: str | None = None,
    description: str | None = None,
    view: Any = None,
    formats: Sequence[str] = ("png",),
    comment: str = "",
) -> str | None:
    """Everything of the scenario a page exports but its runs (which the page writes from its state), or
    None when a scenario cannot name the surface. Without a surface (a ``panels`` figure's: each panel has its
    own), no ``[surface]`` table."""
    table = None if surface is None else surface_table(surface, view)
    if surface is not None and table is None:
        return None
    lines = [f"# {comment}"] if comment else []
    if title:
        lines.append(f"title = {toml_value(title)}")
    if description:
        lines.append(f"description = {toml_value(description)}")
    lines.append(f"kind = {toml_value(kind)}")
    if table is not None:
        lines += ["", "[surface]", table]
    figure = options_table(options)
    if figure:
        lines += ["", "[figure]", *figure]
    lines += ["", "[output]", f"formats = {toml_value(list(formats))}",
              f"size = {toml_value([float(v) for v in size])}", f"dpi = {toml_value(float(dpi))}"]  # fmt: skip
    return "\n".join(lines)


__all__ = [
    "NOISE_SEEDS",
    "PARAM_NAMES",
    "draws",
    "options_table",
    "plain",
    "rule_info",
    "run_spec",
    "schedule_info",
    "stepping_and_readouts",
    "surface_data",
    "surface_table",
    "toml_head",
    "toml_value",
]
