"""Animations of optimizer runs: GIFs (or MP4s) that are fast, small, deterministic and in sync across panels.

>>> import optviz as ov                                                          # doctest: +SKIP
>>> s = ov.surface("quadratic", kappa=25)                                        # doctest: +SKIP
>>> runs = [ov.run(s, ov.GD(lr=0.07), steps=100), ov.run(s, ov.Momentum(lr=0.02), steps=100)]  # doctest: +SKIP
>>> ov.animate(s, runs, "conditioning.gif", loss=True)                           # doctest: +SKIP
>>> ov.animation(s, runs)                  # a FuncAnimation, for notebooks      # doctest: +SKIP

An animation is every frame of a figure kind's :class:`~optviz.figures.Scene`; the static figure is its last
frame. Frames are k = 0, stride, 2 stride, ..., and always the last step; a scene whose picture changes at a
few steps only (``scene.keyframes``: the basins' snapshots) gets one frame per keyframe, lasting as long as
the frames it stands for. How it stays fast:

* the static background (contours, labels, legends) is drawn once; each frame restores it and draws only the
  artists ``scene.set_frame(k)`` changes, plus the static ones painted over them, in matplotlib's own order, so
  a blitted frame has exactly the pixels of a full redraw (``optviz._blit``);
* frames are read straight from the Agg buffer and mapped to one palette for the whole animation, without
  dithering; each GIF frame stores only the rectangle that changed, unchanged pixels transparent, and is
  streamed to disk (``optviz._gif``).

The "iteration k" counter goes where it covers no data (``optviz._counter``).

Same input, same decoded frames, durations and loop count; with the same Pillow, the same bytes. Durations are
multiples of 10 ms because GIF stores centiseconds: a frame lasts ``1000 / fps`` ms rounded to 10 ms (20 fps:
50 ms; 30 fps: 30 ms, so 33 fps), and the last frame ``hold`` seconds more. Files are written atomically.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from optviz import limits
from optviz._counter import Counter
from optviz._validate import ParameterError, in_range, integer, positive

# The defaults of every writer here and of a scenario's [output.gif] (optviz.scenario reads them).
FPS = 20
HOLD = (
    1.0  # seconds the last frame stays up before the loop restarts (a scenario's [output.gif] hold)
)
DPI = 100.0
MAX_FRAMES_SHOWN = 300  # long runs are thinned to at most this many frames
SAMPLE_FRAMES = 3  # frames the palette is fitted to: first, middle, last


# -- checks ------------------------------------------------------------------------------------------------
def check_fps(field: str, value: Any) -> float:
    """Frames per second of a GIF: above 0, at most :data:`optviz.limits.MAX_FPS`."""
    return in_range(field, value, 0, limits.MAX_FPS, low_open=True)


def check_hold(field: str, value: Any) -> float:
    """Seconds the last frame stays up: 0 to :data:`optviz.limits.MAX_HOLD`."""
    return in_range(field, value, 0, limits.MAX_HOLD)


def check_max_frames(field: str, value: Any) -> int:
    """The most frames an animation shows: 2 to :data:`optviz.limits.MAX_FRAMES`."""
    return integer(field, value, minimum=2, maximum=limits.MAX_FRAMES)


def check_pixels(width: float, height: float, what: str) -> tuple[int, int]:
    """An animation's size in pixels, refused beyond 4K (:data:`optviz.limits.MAX_WIDTH` x ``MAX_HEIGHT``)."""
    w, h = round(float(width)), round(float(height))
    if w > limits.MAX_WIDTH or h > limits.MAX_HEIGHT:
        raise ParameterError(
            "size",
            f"{what} is larger than 4K ({limits.MAX_WIDTH} x {limits.MAX_HEIGHT} pixels); lower the "
            "size or the dpi",
        )
    return w, h


# -- timeline ----------------------------------------------------------------------------------------------
def frame_steps(
    last_step: int, stride: int | None = None, max_frames: int = MAX_FRAMES_SHOWN
) -> list[int]:
    """The iterations shown: 0, stride, 2 stride, ... and always ``last_step``.

    ``stride=None`` picks the smallest stride that keeps at most ``max_frames`` frames. At most
    :data:`optviz.limits.MAX_FRAMES` frames in any case.

    >>> frame_steps(10, stride=3)
    [0, 3, 6, 9, 10]
    >>> frame_steps(1000, max_frames=300)[:4], len(frame_steps(1000, max_frames=300))
    ([0, 4, 8, 12], 251)
    """
    last = integer("last_step", last_step, minimum=0)
    max_frames = check_max_frames("max_frames", max_frames)
    if stride is None:
        stride = max(1, math.ceil(last / (max_frames - 1)))
    else:
        stride = integer("stride", stride, minimum=1)
    steps = list(range(0, last + 1, stride))
    if steps[-1] != last:
        steps.append(last)
    if len(steps) > limits.MAX_FRAMES:
        raise ParameterError(
            "stride",
            f"{stride} gives {len(steps):,} frames for {last:,} steps; the limit is"
            f" {limits.MAX_FRAMES:,} (use a stride of at least {math.ceil(last / (limits.MAX_FRAMES - 1))})",
        )
    return steps


def frame_duration(fps: float) -> int:
    """Milliseconds per frame: ``1000 / fps`` rounded to the nearest multiple of 10, halves up (GIF stores
    centiseconds). The one implementation: every writer of frames, and the test plugin's, use it.

    >>> frame_duration(20), frame_duration(30), frame_duration(15), frame_duration(40)
    (50, 30, 70, 30)
    """
    fps = check_fps("fps", fps)
    return max(10, 10 * math.floor(100 / fps + 0.5))


def frame_durations(
    n: int, fps: float, hold: float = 0.0, repeats: Sequence[int] | None = None
) -> list[int]:
    """Durations (ms) of ``n`` frames; the last one stays up ``hold`` seconds longer (rounded to 10 ms).
    ``repeats[i]``: how many frames of the timeline frame ``i`` stands for (:class:`FramePlan`), so it lasts
    that many frames' time.

    >>> frame_durations(3, fps=20, hold=1.5)
    [50, 50, 1550]
    >>> frame_durations(3, fps=20, hold=1.5, repeats=[10, 10, 1])
    [500, 500, 1550]
    """
    ms = frame_duration(fps)
    hold = check_hold("hold", hold)
    out = [ms] * n if repeats is None else [ms * int(r) for r in repeats]
    if len(out) != n:
        raise ValueError(f"{len(out)} repeats for {n} frames")
    if out:
        out[-1] += 10 * math.floor(100 * hold + 0.5)
    return out


# -- frames ------------------------------------------------------------------------------------------------
def check_size(fig: Any) -> tuple[int, int]:
    """The figure's size in pixels, refused beyond 4K (3840 x 2160)."""
    w, h = (round(float(v) * fig.dpi) for v in fig.get_size_inches())
    return check_pixels(w, h, f"{w} x {h} pixels")


@dataclass(frozen=True)
class FramePlan:
    """A scene checked once for animation: the iterations its frames show, its size in pixels, and how many
    frames of the timeline (:func:`frame_steps`) each frame stands for: 1 each, but where the scene's
    picture changes at a few steps only (``scene.keyframes``), one frame per keyframe, standing for the
    timeline's frames it is shown in (:func:`keyframe_steps`)."""

    scene: Any
    steps: list[int]
    size: tuple[int, int]
    repeats: list[int]


def plan_frames(
    scene: Any, stride: int | None = None, max_frames: int = MAX_FRAMES_SHOWN
) -> FramePlan:
    """Check ``scene`` (a Scene, its frame count, its size) once, for every writer of frames."""
    if not all(hasattr(scene, name) for name in ("fig", "set_frame", "last_step", "finish")):
        raise TypeError(
            f"scene must be an optviz.figures.Scene (from figures.figure or build_scene), got {type(scene).__name__}"
        )
    steps = frame_steps(scene.last_step, stride, max_frames)
    steps, repeats = keyframe_steps(steps, getattr(scene, "keyframes", None))
    return FramePlan(scene=scene, steps=steps, size=check_size(scene.fig), repeats=repeats)


def keyframe_steps(
    steps: Sequence[int], keyframes: Sequence[int] | None
) -> tuple[list[int], list[int]]:
    """The timeline ``steps`` as the frames of a picture that changes only at ``keyframes`` (None: at any
    step): each step shows the latest keyframe at or before it (the first keyframe before any), and
    consecutive steps that show the same keyframe are one frame. Returns the steps shown and how many of
    ``steps`` each stands for, so that the frames together last as long as the timeline.

    >>> keyframe_steps([0, 2, 4, 6, 8, 10], [0, 4, 10])
    ([0, 4, 10], [2, 3, 1])
    >>> keyframe_steps([0, 5, 10], None)
    ([0, 5, 10], [1, 1, 1])
    """
    if keyframes is None:
        return list(steps), [1] * len(steps)
    keys = sorted({int(k) for k in keyframes})
    shown: list[int] = []
    repeats: list[int] = []
    for k in steps:
        key = keys[max(bisect.bisect_right(keys, k) - 1, 0)]
        if shown and shown[-1] == key:
            repeats[-1] += 1
        else:
            shown.append(key)
            repeats.append(1)
    return shown, repeats


@contextlib.contextmanager
def rendering(
    plan: FramePlan, *, counter: bool = True, quiet: bool = True
) -> Iterator[tuple[Any, list[int], Any]]:
    """``with rendering(plan) as (frames, steps, bar):`` the counter, the blitting frame renderer
    (``frames.render(k)``) and a progress bar, for every writer of frames. The scene is left as it was."""
    from optviz._blit import FrameRenderer
    from optviz._progress import Progress

    scene = plan.scene
    with (
        Counter(scene, enabled=counter and getattr(scene, "counter", True)) as label,
        FrameRenderer(scene, plan.steps, prepare=label.place) as frames,
        Progress(len(plan.steps), "frames", quiet=quiet) as bar,
    ):
        yield frames, plan.steps, bar


def render_frames(
    scene: Any,
    *,
    stride: int | None = None,
    max_frames: int = MAX_FRAMES_SHOWN,
    counter: bool = True,
) -> tuple[np.ndarray, list[int]]:
    """Every frame of ``scene`` as RGBA pixels: ``(frames (N, H, W, 4) uint8, steps)``.

    ``steps[i]`` is the iteration frame ``i`` shows (see :func:`frame_steps`). The frames are exactly those
    :func:`write_scene_gif` encodes, before the palette. ``counter=True`` adds the iteration counter. The
    scene is left as it was (at its last frame, without the counter).
    """
    plan = plan_frames(scene, stride, max_frames)
    (w, h), n = plan.size, len(plan.steps)
    need = n * w * h * 4
    if need > limits.MAX_FRAME_BYTES:
        raise ParameterError(
            "max_frames",
            f"{n} frames of {w} x {h} pixels need {need / 1024**3:.1f} GiB; the limit is"
            f" {limits.MAX_FRAME_BYTES / 1024**3:.0f} GiB (raise the stride, lower max_frames or the size, or"
            " write a GIF, which streams)",
        )
    with rendering(plan, counter=counter) as (frames, steps, _):
        width, height = frames.size
        out = np.empty((len(steps), height, width, 4), dtype=np.uint8)
        for i, k in enumerate(steps):
            out[i] = frames.render(k)
    return out, steps


def write_scene_gif(
    scene: Any,
    path: str | os.PathLike[str],
    *,
    fps: float = FPS,
    stride: int | None = None,
    max_frames: int = MAX_FRAMES_SHOWN,
    hold: float = HOLD,
    quiet: bool = True,
    counter: bool = True,
    atomic: bool = True,
) -> Path:
    """Write ``scene`` (drawn by a figure kind, at its last frame) as an animated GIF; returns the path.

    Frames show iterations 0, stride, 2 stride, ... and the last one (``stride=None``: at most
    ``max_frames`` frames). Each lasts ``1000 / fps`` ms rounded to 10 ms; the last stays ``hold`` seconds
    longer. The GIF loops forever (``loop=0``). ``counter=True`` adds an "iteration k" label where it covers
    no data. ``quiet=False`` shows a progress bar on a terminal. The file is written atomically: an error
    leaves no file (and an existing one untouched); ``atomic=False`` writes ``path`` directly, for a caller
    that stages its outputs itself (``optviz.scenario.render``).
    """
    from optviz._gif import GifWriter, Palette

    plan = plan_frames(scene, stride, max_frames)
    durations = frame_durations(len(plan.steps), fps, hold, plan.repeats)
    with rendering(plan, counter=counter, quiet=quiet) as (frames, steps, bar):
        samples = [frames.render(k).copy() for k in _samples(steps)]
        palette = Palette.fit(samples)
        del samples
        with _target(path, atomic) as tmp, open(tmp, "wb") as fp:
            writer = GifWriter(fp, frames.size, palette, loop=0)
            # (Encoding frame k in a thread while frame k + 1 is drawn was measured: no faster, since drawing
            # holds the GIL.)
            for k, ms in zip(steps, durations, strict=True):
                writer.add(frames.render(k), ms)
                bar.update()
            writer.close()
    return Path(path)


@contextlib.contextmanager
def _target(path: str | os.PathLike[str], atomic: bool) -> Iterator[Path]:
    """Where a writer writes: a temporary file moved into place (``atomic``), or ``path`` itself."""
    from optviz._io import atomic_path

    if atomic:
        with atomic_path(path) as tmp:
            yield tmp
    else:
        yield Path(path)


def _samples(steps: Sequence[int]) -> list[int]:
    """Up to :data:`SAMPLE_FRAMES` evenly spaced steps, first and last included.

    >>> _samples(list(range(101)))
    [0, 50, 100]
    """
    n = min(SAMPLE_FRAMES, len(steps))
    picks = np.unique(np.round(np.linspace(0, len(steps) - 1, n)).astype(int))
    return [steps[i] for i in picks]


# -- one call ----------------------------------------------------------------------------------------------
def _scene(
    surface: Any,
    trajectories: Any,
    *,
    loss: bool,
    condition: bool,
    size: Any,
    dpi: float,
    title: str | None,
    pyplot: bool,
    options: dict[str, Any],
) -> Any:
    from optviz import style
    from optviz.figures import figure

    if size is None:
        size = style.SLIDE if (loss or condition) else style.PANEL
    try:
        width, height = size
    except (TypeError, ValueError):
        raise ParameterError("size", f"must be (width, height) in inches, got {size!r}") from None
    size = (positive("size", width), positive("size", height))
    dpi = in_range("dpi", dpi, limits.MIN_DPI, limits.MAX_DPI)
    return figure(
        "trajectories", surface, trajectories, title=title, size=size, dpi=dpi, pyplot=pyplot,
        loss=loss, condition=condition, **options,
    )  # fmt: skip


def animate(
    surface: Any,
    trajectories: Any,
    path: str | os.PathLike[str],
    *,
    fps: float = FPS,
    stride: int | None = None,
    max_frames: int = MAX_FRAMES_SHOWN,
    hold: float = HOLD,
    loss: bool = False,
    condition: bool = False,
    size: tuple[float, float] | None = None,
    dpi: float = DPI,
    title: str | None = None,
    quiet: bool = False,
    counter: bool = True,
    **figure_options: Any,
) -> Path:
    """Animate runs on the contours of ``surface`` and write ``path`` (.gif, or .mp4); returns the path.

    ``trajectories``: :func:`optviz.run` results (one, a batch, or a list). Each frame shows every run up to
    iteration k, with an iteration counter. ``loss=True`` adds the loss curves growing in sync,
    ``condition=True`` the condition number kappa(H) at each run's current point. ``size`` (inches; default
    6.4 x 4.8, or 12.8 x 7.2 with side panels) at ``dpi`` gives the pixel size. Timing: see
    :func:`write_scene_gif`. Other keywords are the options of figure kind "trajectories" (``legend``,
    ``arrows``, ``loss_kind``...).

    An MP4 needs the optional ``imageio-ffmpeg`` (``pip install "optviz[mp4]"``); it holds the last frame
    for ``hold`` seconds by repeating it.
    """
    path = Path(path)
    mp4 = path.suffix.lower() == ".mp4"
    if mp4:
        _require_ffmpeg()
    elif path.suffix.lower() != ".gif":
        raise ParameterError("path", f"must end in .gif or .mp4, got {path.name!r}")
    scene = _scene(
        surface, trajectories, loss=loss, condition=condition, size=size, dpi=dpi, title=title,
        pyplot=False, options=figure_options,
    )  # fmt: skip
    write = write_scene_mp4 if mp4 else write_scene_gif
    return write(
        scene, path, fps=fps, stride=stride, max_frames=max_frames, hold=hold, quiet=quiet,
        counter=counter,
    )  # fmt: skip


def animation(
    surface: Any,
    trajectories: Any,
    *,
    fps: float = FPS,
    stride: int | None = None,
    max_frames: int = MAX_FRAMES_SHOWN,
    hold: float = HOLD,
    loss: bool = False,
    condition: bool = False,
    size: tuple[float, float] | None = None,
    dpi: float = DPI,
    title: str | None = None,
    counter: bool = True,
    **figure_options: Any,
) -> Any:
    """The same animation as :func:`animate`, as a ``matplotlib.animation.FuncAnimation`` (for notebooks).

    It blits: the frame function only calls ``scene.set_frame(k)`` and returns the artists to redraw, in
    drawing order. The counter sits inside the main axes, since FuncAnimation restores backgrounds axes by
    axes. ``anim.scene`` is the :class:`~optviz.figures.Scene`; ``anim.steps`` the iterations shown.
    """
    from matplotlib.animation import FuncAnimation

    from optviz._blit import FrameRenderer, freeze_legends

    scene = _scene(
        surface, trajectories, loss=loss, condition=condition, size=size, dpi=dpi, title=title,
        pyplot=True, options=figure_options,
    )  # fmt: skip
    steps = frame_steps(scene.last_step, stride, max_frames)
    ms = frame_duration(fps)
    hold_ms = frame_durations(1, fps, hold)[0] - ms
    label = Counter(scene, enabled=counter and getattr(scene, "counter", True), inside=True)
    with FrameRenderer(scene, steps, prepare=label.place) as frames:
        redraw = [a for a in frames.per_frame if a.axes is not None]
    # The layout and the legends stay as the plan saw them: a constrained layout run again moves axes by a
    # pixel, and a "best" legend would move as the paths grow.
    scene.fig.set_layout_engine("none")
    scene.fig.canvas.draw()
    freeze_legends(scene.fig, scene.fig.canvas.get_renderer())

    def update(k: int) -> list[Any]:
        scene.set_frame(k)
        return redraw

    anim = FuncAnimation(
        scene.fig,
        update,
        frames=steps,
        interval=ms,
        repeat_delay=hold_ms,
        blit=True,
        cache_frame_data=False,
    )
    anim.scene = scene
    anim.steps = steps
    return anim


# -- MP4 ---------------------------------------------------------------------------------------------------
_FFMPEG_MISSING = (
    'writing MP4 needs imageio-ffmpeg, which is not installed: pip install "optviz[mp4]"'
    " (or: pip install imageio-ffmpeg)"
)


def _require_ffmpeg() -> Any:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ModuleNotFoundError(_FFMPEG_MISSING, name="imageio_ffmpeg") from None
    return imageio_ffmpeg


def write_scene_mp4(
    scene: Any,
    path: str | os.PathLike[str],
    *,
    fps: float = FPS,
    stride: int | None = None,
    max_frames: int = MAX_FRAMES_SHOWN,
    hold: float = HOLD,
    quiet: bool = True,
    counter: bool = True,
    atomic: bool = True,
) -> Path:
    """Write ``scene`` as an H.264 MP4 through imageio-ffmpeg (an optional extra); returns the path.

    The same interface as :func:`write_scene_gif`; the last frame is repeated for ``hold`` seconds. Frames are
    padded with the figure's background colour to a multiple of 16 pixels, so ffmpeg never rescales them.
    """
    ffmpeg = _require_ffmpeg()
    fps = in_range("fps", fps, 0, limits.MAX_VIDEO_FPS, low_open=True)
    hold = check_hold("hold", hold)
    plan = plan_frames(scene, stride, max_frames)
    with (
        rendering(plan, counter=counter, quiet=quiet) as (frames, steps, bar),
        _target(path, atomic) as tmp,
    ):
        # (a frame that stands for several of the timeline's is sent as many times)
        repeat = list(plan.repeats)
        repeat[-1] += round(hold * fps)
        w, h = frames.size
        W, H = -(-w // 16) * 16, -(-h // 16) * 16
        face = np.asarray([round(255 * c) for c in scene.fig.get_facecolor()[:3]], dtype=np.uint8)
        canvas = np.empty((H, W, 3), np.uint8)
        canvas[...] = face
        writer = ffmpeg.write_frames(
            str(tmp), (W, H), pix_fmt_in="rgb24", fps=fps, codec="libx264", macro_block_size=16,
            output_params=["-map_metadata", "-1", "-fflags", "+bitexact"],
        )  # fmt: skip
        writer.send(None)
        try:
            for k, n in zip(steps, repeat, strict=True):
                canvas[:h, :w] = frames.render(k)[..., :3]
                for _ in range(n):
                    writer.send(canvas.tobytes())
                bar.update()
        finally:
            writer.close()
    return Path(path)
