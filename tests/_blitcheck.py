"""Blitted frames against full redraws of the same frames: the check every animated figure kind must pass."""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import anim
from optviz._blit import FrameRenderer


def assert_blits_exactly(scene: Any, stride: int | None = None) -> None:
    """Every frame of ``scene`` (counter included) has the same pixels blitted as fully redrawn."""
    steps = anim.frame_steps(scene.last_step, stride)
    with (
        anim.Counter(scene) as counter,
        FrameRenderer(scene, steps, prepare=counter.place) as frames,
    ):
        for k in steps:
            np.testing.assert_array_equal(
                frames.render(k), frames.render_full(k), err_msg=f"frame {k}"
            )
