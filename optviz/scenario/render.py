"""Rendering a validated scenario: compute it once (runs and studies), draw the scene, write each format.

Every output is first written to a temporary file beside its target; only when all formats have rendered are
they moved into place (``optviz._io.atomic_paths``), so a failure never leaves a partial set or clobbers the
previous files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from optviz._io import atomic_paths
from optviz._validate import ParameterError
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
    """Everything :func:`render` does but the drawing: the runs, the kinds' checks and the studies.

    ``optviz check`` calls it, so a scenario it accepts renders (a :class:`ScenarioError` otherwise).
    """
    compute(scenario)


def render(
    scenario: Scenario, out_dir: str | os.PathLike[str], *, formats: Any = None, quiet: bool = True
) -> list[Path]:
    """Write ``out_dir/<stem>.<ext>`` for each format (default: the scenario's own); returns the paths."""
    from optviz.anim import write_scene_gif
    from optviz.output import savefig

    out_dir = Path(out_dir)
    formats = tuple(formats or scenario.output.formats)
    if "gif" in formats and not scenario.kind.animated:
        raise ValueError(
            f"{scenario.path}: figure kind {scenario.kind.name!r} has no animation; gif is not available"
        )
    order = [f for f in formats if f != "gif"] + [f for f in formats if f == "gif"]
    targets = [out_dir / f"{scenario.stem}.{fmt}" for fmt in order]
    data = compute(scenario)
    with atomic_paths(targets) as temps:
        staged = dict(zip(order, temps, strict=True))
        static = [f for f in order if f != "gif"]
        if static:
            scene = draw(scenario, data)
            for fmt in static:
                savefig(scene.fig, staged[fmt], atomic=False)
        if "gif" in staged:
            gif = scenario.output.gif
            scene = draw(scenario, data, size=gif.size or scenario.output.size, dpi=gif.dpi)
            write_scene_gif(
                scene, staged["gif"], fps=gif.fps, stride=gif.stride, max_frames=gif.max_frames,
                hold=gif.hold, quiet=quiet, atomic=False,
            )  # fmt: skip
    return targets
