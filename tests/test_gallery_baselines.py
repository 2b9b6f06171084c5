"""Pixel baselines for the gallery: every scenario at test size, text replaced by placeholder boxes.

Refresh after an intended change with ``python -m pytest tests/test_gallery_baselines.py --optviz-update``
(and look at the diffs first: ``--optviz-results=optviz-results`` keeps them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optviz.scenario import load, scene_for

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_gallery_figure(optviz_image, path):
    scene = scene_for(load(path), size=(6.4, 3.6), dpi=50, pyplot=True)
    optviz_image.check(scene.fig, name=path.stem)


ANIMATED = [p for p in SCENARIOS if "gif" in load(p).output.formats]


@pytest.mark.parametrize("path", ANIMATED, ids=[p.stem for p in ANIMATED])
def test_gallery_animation(optviz_image, tmp_path, path):
    from optviz.anim import write_scene_gif

    scene = scene_for(load(path), size=(6.4, 3.6), dpi=40, pyplot=True)
    gif = write_scene_gif(scene, tmp_path / f"{path.stem}.gif", fps=10, max_frames=8, hold=0.5)
    optviz_image.check(gif, name=path.stem)
