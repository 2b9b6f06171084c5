"""The scenario file format: TOML in, a validated :class:`Scenario` out, or one precise error.

Fixed keys (the public contract, ARCHITECTURE.md): ``title``, ``[surface]`` with ``name`` or ``expression`` and the surface's
parameters, ``[[run]]`` with ``rule``, the rule's parameters by constructor name, ``start``, ``steps``, ``seed``,
``label``. The rest is documented in the README ("Scenario files") and in ``optviz list``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import _writers, anim, limits
from optviz._text import brace_depth, has_hidden, visible
from optviz._validate import ParameterError, boolean, string
from optviz.scenario._reader import ScenarioError, Table, join

# Every cap comes from optviz.limits, which the engine and the writers read too.
FORMATS = ("png", "svg", "pdf", "gif", "html")


@dataclass(frozen=True)
class RunSpec:
    """One ``[[run]]``: an update rule and how to run it."""

    rule: Any
    start: np.ndarray | None
    steps: int
    seed: int
    noise: Any
    label: str | None
    color: str | None
    tol: float | None
    field: str
    schedule: Any = None  # an optviz.schedules.Schedule, or None

    @property
    def optimizer(self) -> Any:
        """The update rule (``rule``), by the name a Trajectory gives it: what figure kinds check."""
        return self.rule


@dataclass(frozen=True)
class PanelSpec:
    """What one panel shows: a figure kind with its surface, runs and options."""

    kind: Any
    title: str | None
    surface: Any
    view: tuple[tuple[float, float], tuple[float, float]] | None
    runs: tuple[RunSpec, ...]
    options: dict[str, Any]
    field: str


@dataclass(frozen=True)
class GifSpec:
    """``[output.gif]``; the defaults are the animation writer's own (``optviz.anim``)."""

    fps: int = anim.FPS
    stride: int | None = None  # None: long runs are thinned to at most `max_frames`
    max_frames: int = anim.MAX_FRAMES_SHOWN
    size: tuple[float, float] | None = None
    dpi: float = anim.DPI
    hold: float = anim.HOLD  # seconds the last frame stays up before the loop restarts


@dataclass(frozen=True)
class OutputSpec:
    formats: tuple[str, ...] = ("png",)
    size: tuple[float, float] | None = None  # None: the figure kind's default
    dpi: float = 150.0
    gif: GifSpec = field(default_factory=GifSpec)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file."""

    path: Path
    title: str
    description: str
    main: PanelSpec
    panels: tuple[PanelSpec, ...]
    output: OutputSpec

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def kind(self) -> Any:
        return self.main.kind


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raises :class:`ScenarioError` with a one-line message.

    Only a regular file is read (a folder, a FIFO or a device such as ``/dev/zero`` is refused before it is
    opened), and never more than :data:`optviz.limits.MAX_FILE_BYTES` of it.
    """
    path = Path(path)
    return parse(_read(path), path)


def _read(path: Path) -> str:
    import stat

    try:
        info = path.stat()
    except OSError as err:
        raise ScenarioError(path, "", f"cannot read the file ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(path, "", "is a folder, not a scenario file (give its .toml files)")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(
            path, "", "is not a regular file (a FIFO, socket or device); give a .toml file"
        )
    if info.st_size > limits.MAX_FILE_BYTES:
        raise ScenarioError(path, "", _too_large(info.st_size))
    try:
        with open(path, "rb") as handle:  # at most one byte past the limit: the file may have grown
            data = handle.read(limits.MAX_FILE_BYTES + 1)
    except OSError as err:
        raise ScenarioError(path, "", f"cannot read the file ({err.strerror or err})") from None
    if len(data) > limits.MAX_FILE_BYTES:
        raise ScenarioError(path, "", _too_large(len(data)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "the file is not valid UTF-8 text") from None


def _too_large(size: int) -> str:
    return f"the file is too large ({size:,} bytes or more; the limit is {limits.MAX_FILE_BYTES:,})"


def parse(text: str, path: str | Path = "<scenario>") -> Scenario:
    """Validate scenario ``text`` (TOML); ``path`` names it in errors and gives the output stem."""
    path = Path(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(path, "", f"invalid TOML: {err}") from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ScenarioError(path, "", "invalid TOML: nests too deeply") from None
    return _scenario(Table(data, "", path), path)


def _scenario(top: Table, path: Path) -> Scenario:
    from optviz.figures import figure_kind, kind_names

    title = top.take("title", text, default="")
    description = top.take("description", string, default="")
    kind_name = top.take(
        "kind",
        lambda f, v: check.choice(f, v, kind_names(), what="figure kind"),
        default="trajectories",
    )
    kind = figure_kind(kind_name)
    defaults = top.table("defaults")
    panels_tables = top.tables("panel")
    if len(panels_tables) > limits.MAX_PANELS:
        raise top.error(
            "panel", f"has {len(panels_tables)} panels; the limit is {limits.MAX_PANELS}"
        )
    if kind.panels and not panels_tables:
        raise top.error("panel", f"figure kind {kind.name!r} needs at least one [[panel]]")
    if panels_tables and not kind.panels:
        raise top.error(
            "panel", f'figure kind {kind.name!r} takes no [[panel]]; use kind = "panels"'
        )
    run_defaults = _run_defaults(defaults) if defaults is not None else {}
    main = _panel(top, kind, run_defaults, field="", main=True)
    panels = tuple(_panel_table(t, run_defaults) for t in panels_tables)
    output = _output(top.table("output"), kind, main, panels)
    top.done()
    return Scenario(
        path=path, title=title, description=description, main=main, panels=panels, output=output
    )


def _run_defaults(table: Table) -> dict[str, Any]:
    # What can be checked on its own is checked here, so that a bad default names [defaults], the key the user
    # wrote; a start, a noise and a schedule depend on each run (its surface, its rule) and are checked where
    # each run reads them.
    allowed = ("steps", "seed", "start", "noise", "tol", "schedule")
    out = {k: table.take(k, _DEFAULT_CHECKS.get(k)) for k in allowed if table.has(k)}
    table.done(allowed)
    return out


def _panel_table(table: Table, run_defaults: dict[str, Any]) -> PanelSpec:
    from optviz.figures import figure_kind, kind_names

    name = table.take(
        "kind",
        lambda f, v: check.choice(f, v, kind_names(), what="figure kind"),
        default="trajectories",
    )
    kind = figure_kind(name)
    if kind.panels:
        raise table.error("kind", "a panel cannot itself hold panels")
    panel = _panel(table, kind, run_defaults, field=table.path, main=False)
    table.done()
    return panel


def _panel(
    table: Table, kind: Any, run_defaults: dict[str, Any], *, field: str, main: bool
) -> PanelSpec:
    title = table.take("title", text, default=None) if not main else None
    surface_table = table.table("surface")
    surface, view = (None, None)
    if surface_table is not None:
        if kind.surface == "none":
            raise surface_table.error("", f"figure kind {kind.name!r} takes no [surface]")
        surface, view = _surface(surface_table)
    runs = tuple(_run(t, surface, view, run_defaults) for t in table.tables("run"))
    if len(runs) > limits.MAX_RUNS:
        raise table.error("run", f"has {len(runs)} runs; the limit is {limits.MAX_RUNS}")
    options_table = table.table("figure")
    try:
        # The options and the kind's rules on its surface and runs: the same calls that
        # optviz.figures.figure makes, so a file and a Python call are refused alike.
        options = kind.read_options(options_table.rest() if options_table is not None else {})
        kind.validate(surface, runs, options)
    except ParameterError as err:
        raise table.error(err.field, err.message) from None
    return PanelSpec(
        kind=kind, title=title, surface=surface, view=view, runs=runs, options=options, field=field
    )


def _surface(table: Table) -> tuple[Any, Any]:
    from optviz.surfaces import surface, surface_from_expression, surface_names, surface_parameters

    view = table.take("view", _view, default=None)
    if table.has("name") and table.has("expression"):
        raise table.error("expression", "give either name or expression, not both")
    if table.has("expression"):
        text = table.take("expression", string)
        extras = {}
        for key in ("start", "minima", "saddles", "title"):
            if table.has(key):
                extras[key] = table.take(key, _points_or_string(key))
        table.done(("expression", "view", "start", "minima", "saddles", "title"))
        try:
            s = surface_from_expression(text, bounds=view, **extras)
        except ParameterError as err:
            raise table.error(
                err.field if err.field != "expression" else "expression", err.message
            ) from None
        except ValueError as err:
            raise table.error("expression", str(err)) from None
        return s, view
    name = table.take("name", lambda f, v: check.choice(f, v, surface_names(), what="surface"))
    params = table.rest()
    known = surface_parameters(name)
    for key in params:
        if key not in known:
            raise table.error(
                key, check.unknown_name_message(key, known, what=f"parameter of surface {name!r}")
            )
    table.done()
    try:
        s = surface(name, **params)
    except ParameterError as err:
        raise table.error(err.field, err.message) from None
    except (TypeError, ValueError) as err:
        raise table.error("", str(err)) from None
    return s, view


def _points_or_string(key: str) -> Any:
    if key == "title":
        return text
    if key == "start":
        return check.point
    return lambda f, v: check.points(f, v).reshape(-1, 2)


def _view(field: str, value: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    message = "must be [[xmin, xmax], [ymin, ymax]] with min < max"
    try:
        (x0, x1), (y0, y1) = value
    except (TypeError, ValueError):
        raise ParameterError(field, message) from None
    x0, x1, y0, y1 = (check.number(field, v) for v in (x0, x1, y0, y1))
    if not (x0 < x1 and y0 < y1):
        raise ParameterError(field, f"{message}, got {value}")
    if max(abs(x0), abs(x1), abs(y0), abs(y1)) > limits.MAX_COORDINATE:
        raise ParameterError(
            field, f"reaches beyond ±{limits.MAX_COORDINATE:g}, got {[[x0, x1], [y0, y1]]}"
        )
    for low, high in ((x0, x1), (y0, y1)):
        # A grid over a range narrow for its numbers would repeat points; one narrower than 1e-100 gives values
        # (a square of it) that underflow to 0, and matplotlib widens such an axis on its own.
        if high - low <= max(1e-9 * max(abs(low), abs(high)), 1e-100):
            raise ParameterError(
                field, f"[{low!r}, {high!r}] is too narrow for numbers of its size"
            )
    return (x0, x1), (y0, y1)


_RUN_KEYS = ("rule", "start", "steps", "seed", "label", "color", "noise", "tol", "schedule")


def _steps(field: str, value: Any) -> int:
    return check.integer(field, value, minimum=1, maximum=limits.MAX_STEPS)


def _seed(field: str, value: Any) -> int:
    return check.integer(field, value, minimum=0, maximum=limits.MAX_SEED)


_DEFAULT_CHECKS = {"steps": _steps, "seed": _seed, "tol": check.positive}


def _run(table: Table, surface: Any, view: Any, defaults: dict[str, Any]) -> RunSpec:
    from optviz.optimizers import rule, rule_names

    name = table.take("rule", lambda f, v: check.choice(f, v, rule_names(), what="rule"))
    for key, value in defaults.items():
        table.data.setdefault(key, value)
    steps = table.take("steps", _steps, default=100)
    seed = table.take("seed", _seed, default=0)
    start = table.take("start", check.point, default=None)
    label = table.take("label", text, default=None)
    color = table.take("color", _color, default=None)
    tol = table.take("tol", check.positive, default=None)
    noise = _noise(table.table("noise"), surface) if table.has("noise") else None
    schedule = table.take("schedule", _schedule, default=None)
    hyper = table.rest(exclude=_RUN_KEYS)
    try:
        optimizer = rule(name, **hyper)
    except ParameterError as err:
        raise table.error(err.field, err.message) from None
    except TypeError as err:
        raise table.error("", str(err)) from None
    if optimizer.n_values() is not None:
        # rule() takes a list per hyperparameter for a batch of runs; a [[run]] is one run.
        key = next(k for k in hyper if _per_run(getattr(optimizer, k, None)))
        raise table.error(key, f"must be a number (one [[run]] is one run), got {hyper[key]!r}")
    table.done()
    if noise is not None and not optimizer.takes_noise:
        raise table.error(
            "noise",
            f"{optimizer.label} re-evaluates the surface at trial points, so gradient noise does not apply",
        )
    if schedule is not None:
        from optviz.scheduled import scheduled

        try:  # the rule must have an lr (and OneCycleLR a momentum, and enough total_steps)
            scheduled(optimizer, schedule, steps)
        except ParameterError as err:
            raise table.error("schedule", err.message) from None
    if start is not None and surface is not None:
        _check_start(table, start, view or surface.bounds)
    if surface is not None:
        _check_defined(table, surface, start)
    return RunSpec(
        rule=optimizer,
        start=start,
        steps=steps,
        seed=seed,
        noise=noise,
        label=label,
        color=color,
        tol=tol,
        field=table.path,
        schedule=schedule,
    )


def _schedule(field: str, value: Any) -> Any:
    """``schedule = { name = "cosine_annealing", T_max = 200 }``: a schedule by name and parameters."""
    from optviz.schedules import schedule_from_dict

    if not isinstance(value, dict):
        raise ParameterError(
            field,
            'must be a table such as { name = "cosine_annealing", T_max = 100 } '
            "(`optviz list` shows the schedules)",
        )
    try:
        return schedule_from_dict(value)
    except ParameterError as err:
        raise ParameterError(join(field, err.field), err.message) from None


def _per_run(value: Any) -> bool:
    """A rule's hyperparameter holding one value per run (an array, or one inside a pair such as betas)."""
    if isinstance(value, tuple):
        return any(isinstance(v, np.ndarray) for v in value)
    return isinstance(value, np.ndarray)


def _check_start(table: Table, start: np.ndarray, bounds: Any) -> None:
    # A start far outside the view is a typo (a missing minus sign or decimal point), not a picture.
    (x0, x1), (y0, y1) = bounds
    w, h = x1 - x0, y1 - y0
    if not (x0 - w <= start[0] <= x1 + w and y0 - h <= start[1] <= y1 + h):
        raise table.error(
            "start",
            f"{start.tolist()} is far outside the view x in [{x0:g}, {x1:g}], y in [{y0:g}, {y1:g}]",
        )


def _check_defined(table: Table, surface: Any, start: np.ndarray | None) -> None:
    # A formula may be undefined where a run starts (log(x) at x < 0): say so now, not mid-render.
    point = surface.start if start is None else start
    with np.errstate(all="ignore"):
        value, grad = surface.value(point), surface.grad(point)
    if not (np.isfinite(value) and np.all(np.isfinite(grad))):
        where = "the surface's default start " if start is None else ""
        raise table.error(
            "start",
            f"the loss or its gradient is not finite at {where}{np.asarray(point).tolist()}; start where f is defined",
        )


def _noise(table: Table, surface: Any) -> Any:
    from optviz.noise import GaussianNoise, Minibatch

    if table.has("sigma") and table.has("batch_size"):
        raise table.error(
            "", "give either sigma (Gaussian noise) or batch_size (minibatches), not both"
        )
    if table.has("sigma"):
        sigma = table.take("sigma", check.nonnegative)
        table.done(["sigma"])
        try:
            return GaussianNoise(sigma) if sigma > 0 else None
        except ParameterError as err:
            raise table.error("sigma", err.message) from None
    if table.has("batch_size"):
        batch = table.take("batch_size", lambda f, v: check.integer(f, v, minimum=1))
        replace = table.take("replace", boolean, default=False)
        table.done(["batch_size", "replace"])
        n = getattr(surface, "n_samples", 0)
        if surface is not None and not n:
            raise table.error(
                "batch_size",
                f"minibatches need a dataset surface; {surface.name or 'this surface'} is not one",
            )
        if n and batch > n and not replace:
            raise table.error("batch_size", f"is {batch}, more than the {n} samples of the dataset")
        try:
            return Minibatch(batch, replace=replace)
        except ParameterError as err:
            raise table.error(err.field or "batch_size", err.message) from None
    raise table.error("", "must give sigma (Gaussian noise) or batch_size (minibatches)")


def _color(field: str, value: Any) -> str:
    from matplotlib.colors import is_color_like

    value = string(field, value)
    if not is_color_like(value):
        raise ParameterError(
            field, f"is not a colour matplotlib knows: {value!r} (try '#0072B2' or 'tab:blue')"
        )
    return value


def text(field: str, value: Any) -> str:
    """A string that will be drawn: printable characters and at most :data:`optviz.limits.MAX_LINES` lines,
    and its ``$...$`` parts must be mathtext matplotlib can typeset."""
    value = string(field, value)
    lines = value.split("\n")
    if len(lines) > limits.MAX_LINES:
        raise ParameterError(
            field,
            f"has {len(lines)} lines; the limit is {limits.MAX_LINES} (a figure's text is short)",
        )
    start = 0
    for line in lines:
        at = has_hidden(line)
        if at is not None:
            raise ParameterError(
                field,
                f"holds a control character ('{visible(line[at])}' at character {start + at + 1}), which"
                " a figure cannot show; only line breaks are allowed",
            )
        start += len(line) + 1
    from optviz.style import FONT, missing_glyph

    char = missing_glyph(value)
    if char is not None:
        raise ParameterError(
            field,
            f"holds {char!r} (U+{ord(char):04X}), which the figures' font ({FONT}) has no glyph for:"
            " it would be drawn as an empty box",
        )
    if "$" in value and brace_depth(value) > limits.MAX_MATH_DEPTH:
        raise ParameterError(
            field,
            f"nests {{...}} more than {limits.MAX_MATH_DEPTH} deep, more than mathtext can draw",
        )
    if "$" in value:
        from matplotlib.mathtext import MathTextParser

        try:
            MathTextParser("path").parse(value)
        except ValueError as err:
            at = re.search(r"at char (\d+)", str(err))
            where = f" near character {int(at.group(1)) + 1}" if at else ""
            raise ParameterError(
                field, f"is not valid mathtext{where}; write a literal $ as \\$"
            ) from None
        except RecursionError:  # `{` or \frac nested hundreds deep
            raise ParameterError(field, "is mathtext that nests too deeply") from None
    return value


def _size(field: str, value: Any) -> tuple[float, float]:
    try:
        w, h = value
    except (TypeError, ValueError):
        raise ParameterError(field, f"must be [width, height] in inches, got {value!r}") from None
    w, h = check.positive(field, w), check.positive(field, h)
    if w < limits.MIN_INCHES or h < limits.MIN_INCHES:
        raise ParameterError(
            field, f"{w:g} x {h:g} inches is too small (at least {limits.MIN_INCHES:g} inch a side)"
        )
    if w > limits.MAX_INCHES or h > limits.MAX_INCHES:
        raise ParameterError(
            field,
            f"{w:g} x {h:g} inches is too large (the limit is {limits.MAX_INCHES:g} inches a side)",
        )
    return w, h


def _output(
    table: Table | None, kind: Any, main: PanelSpec, panels: tuple[PanelSpec, ...]
) -> OutputSpec:
    if table is None:
        return OutputSpec()
    formats = table.take("formats", _formats, default=("png",))
    size = table.take("size", _size, default=None)
    dpi = table.take("dpi", _dpi, default=150.0)
    if size is not None and max(size) * dpi > limits.MAX_PIXELS:
        raise table.error(
            "size",
            f"{size[0]:g} x {size[1]:g} in at {dpi:g} dpi is more than {limits.MAX_PIXELS:,} pixels a side",
        )
    gif = GifSpec()
    gif_table = table.table("gif")
    if gif_table is not None:
        # The animation writer's own checks (optviz.anim), so a file and a Python call agree.
        gif = GifSpec(
            fps=gif_table.take("fps", anim.check_fps, default=gif.fps),
            stride=gif_table.take(
                "stride", lambda f, v: check.integer(f, v, minimum=1), default=None
            ),
            max_frames=gif_table.take("max_frames", anim.check_max_frames, default=gif.max_frames),
            size=gif_table.take("size", _size, default=None),
            dpi=gif_table.take("dpi", _dpi, default=gif.dpi),
            hold=gif_table.take("hold", anim.check_hold, default=gif.hold),
        )
        gif_table.done()
    if "gif" in formats and not kind.animated:
        raise table.error("formats", f"figure kind {kind.name!r} has no animation; remove 'gif'")
    for fmt in formats:  # formats another part writes (the web page): does it write this kind?
        writer = _writers.figure_writer(fmt)
        inner = tuple(p.kind.name for p in panels)
        refusal = writer.refusal(kind.name, inner) if writer is not None else None
        if refusal is not None:
            raise table.error("formats", f"{refusal}; remove {fmt!r}")
    if "gif" in formats:
        w, h = gif.size or size or kind.size
        try:
            anim.check_pixels(w * gif.dpi, h * gif.dpi, f"{w:g} x {h:g} in at {gif.dpi:g} dpi")
        except ParameterError as err:
            raise table.error("gif.size", err.message) from None
        # The longest run any panel animates: its [[run]] tables, or the runs a kind makes (`steps`).
        steps = max(
            [r.steps for p in (main, *panels) for r in p.runs]
            + [int(getattr(p.options, "steps", 0)) for p in (main, *panels) if p.kind.animated]
            + [0]
        )
        try:  # the animation writer's own frame choice, so the check and the render agree
            anim.frame_steps(steps, gif.stride, gif.max_frames)
        except ParameterError as err:
            raise table.error(f"gif.{err.field}", err.message) from None
    table.done()
    return OutputSpec(formats=formats, size=size, dpi=dpi, gif=gif)


def _dpi(field: str, value: Any) -> float:
    return check.in_range(field, value, limits.MIN_DPI, limits.MAX_DPI)


def _formats(field: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ParameterError(
            field, f"must be a non-empty list of formats from {', '.join(FORMATS)}"
        )
    out = []
    for i, item in enumerate(value):
        out.append(check.choice(f"{field}[{i}]", item, FORMATS, what="format"))
    if len(set(out)) != len(out):
        raise ParameterError(field, "lists a format twice")
    return tuple(out)
