"""Turn what a test hands to ``optviz_image.check`` into a PNG or GIF file."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optviz import _validate

SUFFIXES = (".png", ".gif")
DEFAULT_FRAME_MS = 100


def materialize(
    obj: Any,
    folder: Path,
    stem: str,
    *,
    durations: int | Sequence[int] | None = None,
    fps: float | None = None,
) -> Path:
    """Write ``obj`` to ``folder/<stem>.png`` or ``.gif`` and return the path.

    ``obj`` is a matplotlib Figure (PNG at its own dpi, via :func:`optviz.savefig`), a matplotlib
    Animation (GIF, frames grabbed at the figure's dpi, each lasting ``optviz.anim.frame_duration(fps)``;
    ``fps`` defaults to the animation's interval), a path to a PNG or GIF (copied), an
    RGBA/RGB array (H, W, 3|4) (PNG) or frames (N, H, W, 3|4) (GIF, ``durations`` ms per frame,
    default 100).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(obj, (str, os.PathLike)):
        source = Path(obj)
        if source.suffix.lower() not in SUFFIXES:
            raise _validate.ParameterError(
                "obj", f"{source}: only .png and .gif files can be checked"
            )
        if not source.is_file():
            raise FileNotFoundError(f"obj: no such file: {source}")
        target = folder / f"{stem}{source.suffix.lower()}"
        # The test may have written the file where the check keeps its actual image already.
        if target.exists() and target.samefile(source):
            return target
        return Path(shutil.copyfile(source, target))
    if _is_instance(obj, "matplotlib.figure", "Figure"):
        from optviz.output import savefig

        return savefig(obj, folder / f"{stem}.png")
    if _is_instance(obj, "matplotlib.animation", "Animation"):
        return _save_animation(obj, folder / f"{stem}.gif", fps)
    return _save_array(obj, folder, stem, durations)


def _is_instance(obj: Any, module: str, name: str) -> bool:
    # Only a module that is already imported can have made obj: no need to import matplotlib here.
    mod = sys.modules.get(module)
    return mod is not None and isinstance(obj, getattr(mod, name))


def _save_array(obj: Any, folder: Path, stem: str, durations: Any) -> Path:
    import numpy as np

    from optviz._io import write_atomic
    from optviz.testing.compare import load_image
    from optviz.testing.gif import write_gif

    arr = np.asarray(obj)
    if arr.ndim == 4:
        return write_gif(
            folder / f"{stem}.gif", arr, DEFAULT_FRAME_MS if durations is None else durations
        )
    if arr.ndim != 3:
        raise _validate.ParameterError(
            "obj",
            "must be a Figure, an Animation, a .png/.gif path, an image (H, W, 3|4)"
            " or frames (N, H, W, 3|4),"
            f" got {type(obj).__name__} of shape {arr.shape}",
        )
    from PIL import Image

    image = Image.fromarray(load_image(arr, "obj"), "RGBA")
    return write_atomic(folder / f"{stem}.png", lambda handle: image.save(handle, format="PNG"))


def _save_animation(anim: Any, path: Path, fps: float | None) -> Path:
    from matplotlib.animation import AbstractMovieWriter

    from optviz.anim import frame_duration
    from optviz.testing.gif import write_gif

    if fps is None:
        # TimedAnimation keeps its frame interval (ms) private; Animation.save reads it too.
        fps = 1000.0 / getattr(anim, "_interval", DEFAULT_FRAME_MS)
    frame_ms = frame_duration(fps)  # the animation writers' own rule, so the two agree at any fps

    class FrameGrabber(AbstractMovieWriter):
        """Keeps RGBA frames in memory; the GIF is written once, with one palette, by write_gif."""

        def setup(self, fig: Any, outfile: Any, dpi: float | None = None) -> None:
            super().setup(fig, outfile, dpi)
            self.frames: list[Any] = []

        def grab_frame(self, **savefig_kwargs: Any) -> None:
            import io

            import numpy as np

            width, height = self.frame_size
            buffer = io.BytesIO()
            self.fig.savefig(buffer, format="rgba", dpi=self.dpi, **savefig_kwargs)
            self.frames.append(np.frombuffer(buffer.getvalue(), np.uint8).reshape(height, width, 4))

        def finish(self) -> None:
            write_gif(self.outfile, self.frames, frame_ms)

    anim.save(path, writer=FrameGrabber(fps=fps), dpi="figure")
    return path
