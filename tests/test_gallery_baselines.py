"""Pixel baselines for the gallery: every scenario at test size, text replaced by placeholder boxes.

Each scenario is computed once per session (the ``gallery`` fixture) and drawn here at a small size; the same
drawing is the smoke check that every scenario renders (its pixel size, and a last frame that shows every run
whole). Refresh after an intended change with ``python -m pytest tests/test_gallery_baselines.py
--optviz-update`` (and look at the diffs first: ``--optviz-results=optviz-results`` keeps them).
"""

from __future__ import annotations

import pytest
from _gallery import SCENARIOS

from optviz.scenario import draw, load


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_gallery_figure(optviz_image, gallery, path):
    sc, data = gallery.computed(path)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    fig = scene.fig
    optviz_image.check(fig, name=path.stem)  # (drawing it: a second draw would move the layout)
    assert fig.axes, "the figure has axes"
    assert fig.canvas.get_width_height() == (320, 180)
    # An animated figure's last frame shows every run whole.
    if sc.kind.animated:
        assert scene.last_step == max(
            (r.steps for p in (sc.main, *sc.panels) for r in p.runs), default=scene.last_step
        )


ANIMATED = [p for p in SCENARIOS if "gif" in load(p).output.formats]


@pytest.mark.parametrize("path", ANIMATED, ids=[p.stem for p in ANIMATED])
def test_gallery_animation(optviz_image, gallery, tmp_path, path):
    from optviz.anim import write_scene_gif

    sc, data = gallery.computed(path)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=40, pyplot=True)
    gif = write_scene_gif(scene, tmp_path / f"{path.stem}.gif", fps=10, max_frames=8, hold=0.5)
    optviz_image.check(gif, name=path.stem)
