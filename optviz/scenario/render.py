"""Rendering a validated scenario: compute it once (runs and studies), draw the scene, write each format.

Every output is first written to a temporary file beside its target; only when all formats have rendered are
they moved into place (``optviz._io.atomic_paths``), so a failure never leaves a partial set or clobbers the
previous files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from optviz._io import atomic_paths, staging
from optviz._text import visible
from optviz._validate import ParameterError
from optviz._writers import figure_writer
from optviz.figures import PanelData, Scene, build_scene
from optviz.scenario._reader import ScenarioError
from optviz.scenario.compute import compute
from optviz.scenario.schema import Scenario


def draw(
    scenario: Scenario,
    data: PanelData,
    *,
    size: Any = None,
    dpi: float | None = None,
    pyplot: bool = False,
) -> Scene:
    """Draw a computed scenario (:func:`~optviz.scenario.compute.compute`) at its last frame."""
    try:
        return build_scene(
            scenario.kind, data, title=scenario.title or None, size=size or scenario.output.size,
            dpi=dpi or scenario.output.dpi, pyplot=pyplot,
        )  # fmt: skip
    except ParameterError as err:  # a kind's own refusal while drawing
        raise ScenarioError(scenario.path, err.field, err.message) from None


def scene_for(
    scenario: Scenario, *, size: Any = None, dpi: float | None = None, pyplot: bool = False
) -> Scene:
    """Compute and draw a scenario's figure (at its last frame)."""
    return draw(scenario, compute(scenario), size=size, dpi=dpi, pyplot=pyplot)


def check(scenario: Scenario) -> None:
    """Everything :func:`render` does but the drawing: the runs, the kinds' checks and the studies, and the
    checks of the formats another part writes (the web page).

    ``optviz check`` calls it, so a scenario it accepts renders (a :class:`ScenarioError` otherwise).
    """
    _check_writers(scenario, compute(scenario), scenario.output.formats)


def _check_writers(scenario: Scenario, data: PanelData, formats: Any) -> dict[str, Any]:
    """The registered writers of ``formats`` (``optviz._writers``: the page's ``html``), each
    having checked the computed scenario; their refusals as :class:`ScenarioError`."""
    writers = {}
    for fmt in formats:
        writer = figure_writer(fmt)
        if writer is None:
            continue
        refusal = writer.refusal(scenario.kind.name, panel_kinds(scenario))
        try:
            if refusal is not None:
                raise ParameterError("output.formats", refusal)
            writer.check(scenario.kind, data)
        except ParameterError as err:
            raise ScenarioError(scenario.path, err.field, err.message) from None
        writers[fmt] = writer
    return writers


def writable(scenario: Scenario, formats: Any) -> tuple[str, ...]:
    """Of ``formats``, those the scenario's figure kind can write: gif for an animated kind, a registered
    writer's format (the page's ``html``) for a kind it has pages for, and every static format. ``optviz gallery
    --format`` renders these of each scenario."""
    kind = scenario.kind

    def can(fmt: str) -> bool:
        if fmt == "gif":
            return bool(kind.animated)
        writer = figure_writer(fmt)
        return writer is None or writer.refusal(kind.name, panel_kinds(scenario)) is None

    return tuple(fmt for fmt in formats if can(fmt))


def panel_kinds(scenario: Scenario) -> tuple[str, ...]:
    """The kinds of a scenario's ``[[panel]]`` tables (a writer may write some panels' kinds only)."""
    return tuple(p.kind.name for p in scenario.panels)


def outputs(
    scenario: Scenario, out_dir: str | os.PathLike[str], formats: Any = None
) -> dict[str, Path]:
    """The files a render writes, by format (the GIF last: it is drawn again at its own size)."""
    formats = tuple(formats or scenario.output.formats)
    if "gif" in formats and not scenario.kind.animated:
        raise ScenarioError(
            scenario.path,
            "",
            f"figure kind {scenario.kind.name!r} has no animation; gif is not available",
        )
    order = [f for f in formats if f != "gif"] + [f for f in formats if f == "gif"]
    return {fmt: Path(out_dir) / f"{scenario.stem}.{fmt}" for fmt in order}


def _write(
    scenario: Scenario,
    data: PanelData,
    staged: dict[str, Path],
    quiet: bool,
    inspect: Callable[[Any], Any] | None = None,
) -> None:
    """Draw a computed scenario into the staged files, by format (the registered writers' formats, such as
    the web page, checked before anything is drawn; ``inspect``: see :func:`render`)."""
    from optviz.anim import write_scene_gif
    from optviz.output import savefig

    writers = _check_writers(scenario, data, list(staged))
    for fmt, writer in writers.items():
        try:
            writer.write(
                scenario.kind, data, staged[fmt], title=scenario.title or None,
                description=scenario.description or None, size=scenario.output.size,
                dpi=scenario.output.dpi, formats=scenario.output.formats,
            )  # fmt: skip
        except ParameterError as err:  # found only while drawing
            raise ScenarioError(scenario.path, err.field, err.message) from None
    static = [f for f in staged if f != "gif" and f not in writers]
    if static or inspect is not None:
        scene = draw(scenario, data)
        try:
            for fmt in static:
                savefig(scene.fig, staged[fmt], atomic=False)
            if inspect is not None:
                inspect(scene.fig)
        finally:
            scene.close()
    if "gif" in staged:
        gif = scenario.output.gif
        scene = draw(scenario, data, size=gif.size or scenario.output.size, dpi=gif.dpi)
        try:
            write_scene_gif(
                scene, staged["gif"], fps=gif.fps, stride=gif.stride, max_frames=gif.max_frames,
                hold=gif.hold, quiet=quiet, atomic=False,
            )  # fmt: skip
        finally:
            scene.close()


def render(
    scenario: Scenario,
    out_dir: str | os.PathLike[str],
    *,
    formats: Any = None,
    quiet: bool = True,
    inspect: Callable[[Any], Any] | None = None,
) -> list[Path]:
    """Write ``out_dir/<stem>.<ext>`` for each format (default: the scenario's own); returns the paths.

    ``inspect`` is called with the static figure once it is saved (``optviz gallery --check`` measures its
    legibility there, on the very figure written, instead of drawing it again); a scenario written only as a
    GIF draws its static figure for it."""
    targets = outputs(scenario, out_dir, formats)
    data = compute(scenario)
    with atomic_paths(list(targets.values())) as temps:
        _write(scenario, data, dict(zip(targets, temps, strict=True)), quiet, inspect)
    return list(targets.values())


class RenderFailed(Exception):
    """Some scenarios of :func:`render_all` failed, so none of its files were written: ``errors`` holds one
    line per failed scenario, in order."""

    def __init__(self, errors: list[str], total: int) -> None:
        self.errors = errors
        self.total = total
        super().__init__("; ".join(errors))


def render_all(
    scenarios: Sequence[Scenario],
    out_dir: str | os.PathLike[str],
    *,
    formats: Any = None,
    quiet: bool = True,
) -> list[Path]:
    """Render several scenarios all or nothing: each is computed and drawn into temporary files beside its
    targets, and only when every one has succeeded are they all moved into place. Every scenario is tried,
    so that each failure is reported (:class:`RenderFailed`); returns the paths written."""
    plans: list[dict[str, Path] | None] = []
    errors: list[str] = []
    with staging() as stage:
        for (
            scenario
        ) in scenarios:  # every target first: a clash or a folder stops it before drawing
            try:
                targets = outputs(scenario, out_dir, formats)
                stage.check(list(targets.values()))
                plans.append(targets)
            except (ScenarioError, OSError, ValueError) as err:
                errors.append(failure_line(scenario, err))
                plans.append(None)
        written: list[Path] = []
        for scenario, targets in zip(scenarios, plans, strict=True):
            if targets is None:
                continue
            try:
                data = compute(scenario)
                temps = stage.add(list(targets.values()))
                _write(scenario, data, dict(zip(targets, temps, strict=True)), quiet)
                written += targets.values()
            except Exception as err:
                errors.append(failure_line(scenario, err))
        if errors:
            raise RenderFailed(errors, len(scenarios))
    return written


def failure_line(scenario: Scenario, err: Exception) -> str:
    """One line for a scenario that failed: a scenario error as it is, anything else naming the file."""
    if isinstance(err, ScenarioError):
        return str(err)
    if isinstance(err, OSError) and err.strerror is None:  # ours: the message names the path
        return visible(f"{scenario.path}: {err}")
    return visible(f"{scenario.path}: {type(err).__name__}: {err}")
