"""Rendering a validated scenario: run the engine for every ``[[run]]``, draw the scene, write each format.

Every output is first written to a temporary file beside its target; only when all formats have rendered are
they moved into place, so a failure never leaves a partial set or clobbers the previous files.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from optviz._validate import ParameterError
from optviz.figures import PanelData, Scene, build_scene
from optviz.scenario._reader import ScenarioError, join
from optviz.scenario.schema import PanelSpec, Scenario


def run_panel(panel: PanelSpec, file: Any = "<scenario>") -> list[Any]:
    """The trajectories of a panel's runs (engine only, no drawing).

    What only running can find (a start where the loss is undefined) is a :class:`ScenarioError` naming the run.
    """
    from optviz.engine import run

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
    return PanelData(
        surface=panel.surface, view=panel.view, trajectories=run_panel(panel, file),
        colors=[r.color for r in panel.runs], options=dict(panel.options), title=panel.title,
    )  # fmt: skip


def scene_for(
    scenario: Scenario, *, size: Any = None, dpi: float | None = None, pyplot: bool = False
) -> Scene:
    """Compute and draw a scenario's figure (at its last frame)."""
    data = panel_data(scenario.main, scenario.path)
    data.panels = [(p.kind, panel_data(p, scenario.path)) for p in scenario.panels]
    try:
        return build_scene(
            scenario.kind, data, title=scenario.title or None, size=size or scenario.output.size,
            dpi=dpi or scenario.output.dpi, pyplot=pyplot,
        )  # fmt: skip
    except (
        ParameterError
    ) as err:  # a figure option that only drawing can check (a step past a run's end)
        raise ScenarioError(scenario.path, err.field, err.message) from None


def render(
    scenario: Scenario, out_dir: str | os.PathLike[str], *, formats: Any = None, quiet: bool = True
) -> list[Path]:
    """Write ``out_dir/<stem>.<ext>`` for each format (default: the scenario's own); returns the paths."""
    from optviz.output import savefig

    out_dir = Path(out_dir)
    formats = tuple(formats or scenario.output.formats)
    if "gif" in formats and not scenario.kind.animated:
        raise ValueError(
            f"{scenario.path}: figure kind {scenario.kind.name!r} has no animation; gif is not available"
        )
    staged: list[tuple[Path, Path]] = []
    try:
        static = [f for f in formats if f != "gif"]
        if static:
            scene = scene_for(scenario)
            for fmt in static:
                target = out_dir / f"{scenario.stem}.{fmt}"
                tmp = _temp_beside(target)
                staged.append((tmp, target))
                savefig(scene.fig, tmp.with_suffix(f".{fmt}") if tmp.suffix != f".{fmt}" else tmp)
        if "gif" in formats:
            from optviz.anim import write_scene_gif

            gif = scenario.output.gif
            scene = scene_for(scenario, size=gif.size or scenario.output.size, dpi=gif.dpi)
            target = out_dir / f"{scenario.stem}.gif"
            tmp = _temp_beside(target)
            staged.append((tmp, target))
            write_scene_gif(
                scene,
                tmp,
                fps=gif.fps,
                stride=gif.stride,
                max_frames=gif.max_frames,
                hold=gif.hold,
                quiet=quiet,
            )
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    return [target for _, target in staged]


def _temp_beside(target: Path) -> Path:
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
    )
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)
