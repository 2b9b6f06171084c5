"""The explorer's runs as a scenario file (``SurfaceExplorer.to_scenario``): TOML text that ``optviz render``
turns into the same runs, drawn as a ``trajectories`` figure with its loss panel.

Written by hand (the format is small and the standard library only reads TOML): strings as TOML basic strings,
floats by ``repr`` (the shortest text that reads back as the same double), so the file gives back the exact
hyperparameters, start and view.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.optimizers import Optimizer
from optviz.surfaces.base import Surface


def toml_value(value: Any) -> str:
    """One TOML value: a bool, an integer, a float, a string, or an array of them.

    >>> print(toml_value([0.9, 0.999]), toml_value(1e-05), toml_value("Rosenbrock: GD"))
    [0.9, 0.999] 1e-05 "Rosenbrock: GD"
    >>> print(toml_value({"name": "cosine_annealing", "T_max": 200, "eta_min": None}))
    { name = "cosine_annealing", T_max = 200 }
    """
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ParameterError("value", f"must be finite to be written, got {value!r}")
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table (a schedule); None means "the default": left out
        items = [f"{key} = {toml_value(v)}" for key, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }"
    raise ParameterError("value", f"cannot be written to a scenario file: {value!r}")


def surface_table(surface: Surface) -> list[str]:
    """The ``[surface]`` table that rebuilds ``surface``: a registered name with its parameters, or the
    formula of an expression surface with its view and marked points."""
    from optviz.surfaces import surface as build
    from optviz.surfaces import surface_names
    from optviz.surfaces.expression import ExpressionSurface

    (x0, x1), (y0, y1) = surface.bounds
    view = f"view = {toml_value([[x0, x1], [y0, y1]])}"
    if isinstance(surface, ExpressionSurface):
        lines = [f"expression = {toml_value(surface.expression)}", view]
        lines.append(f"start = {toml_value(np.asarray(surface.start).tolist())}")
        if len(surface.minima):
            lines.append(f"minima = {toml_value(np.asarray(surface.minima).tolist())}")
        if len(surface.saddles):
            lines.append(f"saddles = {toml_value(np.asarray(surface.saddles).tolist())}")
        if surface.title and surface.title != surface.expression:
            lines.append(f"title = {toml_value(surface.title)}")
        return lines
    name = surface.name
    rebuilt = None
    if name in surface_names():
        try:
            rebuilt = build(name, **surface.params)
        except (ParameterError, TypeError, ValueError):
            rebuilt = None
    if rebuilt is None or not _same(rebuilt, surface):
        raise ParameterError(
            "surface",
            f"{surface!r} is neither a registered surface nor a formula, so a scenario file cannot name it "
            "(write it as ov.surface_from_expression(...) to keep it)",
        )
    return [f"name = {toml_value(name)}", *_params(surface.params), view]


def _params(params: dict[str, Any]) -> list[str]:
    return [f"{key} = {toml_value(value)}" for key, value in params.items() if value is not None]


def _same(a: Surface, b: Surface) -> bool:
    """Whether two surfaces agree at a few points of the view (a rebuilt surface against the original)."""
    (x0, x1), (y0, y1) = b.bounds
    points = np.array([b.start, [x0, y0], [x1, y1], [(x0 + x1) / 2, (y0 + y1) / 2]], dtype=float)
    with np.errstate(all="ignore"):
        va, vb = np.asarray(a.value(points)), np.asarray(b.value(points))
    return a.bounds == b.bounds and bool(np.array_equal(va, vb, equal_nan=True))


def scenario_text(
    surface: Surface,
    rules: Sequence[Optimizer],
    *,
    start: Any,
    steps: int,
    seed: int,
    noises: Sequence[Any] | None = None,
    schedules: Sequence[Any] | None = None,
) -> str:
    """A scenario file that runs ``rules`` on ``surface`` from ``start`` for ``steps`` and draws them with the
    loss panel: rule i with Gaussian gradient noise ``noises[i]`` (a ``GaussianNoise`` or None, from ``seed``)
    and learning-rate schedule ``schedules[i]`` (a Schedule or None)."""
    noises = list(noises) if noises is not None else [None] * len(rules)
    schedules = list(schedules) if schedules is not None else [None] * len(rules)
    title = surface.title or surface.name
    shown = ", ".join(r.label for r in rules)
    lines = [
        "# Written by optviz's explorer (ex.to_scenario): the runs it showed.",
        "# Render with: optviz render THIS_FILE",
        f"title = {toml_value(f'{title}: {shown}')}",
        'kind = "trajectories"',
        "",
        "[surface]",
        *surface_table(surface),
        "",
        "[defaults]",
        f"start = {toml_value(np.asarray(start, dtype=float).tolist())}",
        f"steps = {int(steps)}",
        f"seed = {int(seed)}",
    ]
    for rule, noise, schedule in zip(rules, noises, schedules, strict=True):
        lines += ["", "[[run]]", f"rule = {toml_value(rule.name)}"]
        lines += [f"{key} = {toml_value(value)}" for key, value in rule.hyperparams.items()]
        if noise is not None:  # per run: not every rule takes noise (L-BFGS runs exact)
            lines.append(f"noise = {{ sigma = {toml_value(float(noise.sigma))} }}")
        if schedule is not None:
            lines.append(f"schedule = {toml_value(schedule.describe())}")
    gap = math.isfinite(surface.fmin)
    lines += ["", "[figure]", "loss = true", f"loss_kind = {toml_value('gap' if gap else 'loss')}"]
    lines += ["", "[output]", 'formats = ["png"]', ""]
    return "\n".join(lines)
