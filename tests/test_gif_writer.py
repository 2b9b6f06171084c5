"""optviz._gif: the palette and the streaming GIF writer, checked by decoding with Pillow."""

from __future__ import annotations

import io

import numpy as np
import pytest

from optviz._gif import MAX_COLORS, GifWriter, Palette, pack, unpack
from optviz.testing import read_gif


def opaque(rgb):
    rgb = np.asarray(rgb, np.uint8)
    return np.concatenate([rgb, np.full((*rgb.shape[:-1], 1), 255, np.uint8)], axis=-1)


def write(tmp_path, frames, durations, palette=None, **options):
    palette = palette or Palette.fit(list(frames))
    path = tmp_path / "w.gif"
    with open(path, "wb") as fp:
        writer = GifWriter(fp, (frames[0].shape[1], frames[0].shape[0]), palette, **options)
        for frame, ms in zip(frames, durations, strict=True):
            writer.add(frame, ms)
        writer.close()
    return path, writer


def test_pack_and_unpack_are_inverse():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (50, 3), dtype=np.uint8)
    np.testing.assert_array_equal(unpack(pack(opaque(rgb))), rgb)


@pytest.mark.parametrize("optimize", [True, False])
def test_few_colours_round_trip_exactly(tmp_path, optimize):
    """Moving squares over a background: every decoded frame equals its input, whatever changed."""
    rng = np.random.default_rng(1)
    colors = rng.integers(0, 256, (40, 3), dtype=np.uint8)
    frames = []
    base = colors[rng.integers(0, 40, (30, 40))]
    for i in range(12):
        f = base.copy()
        f[i : i + 5, 2 * i : 2 * i + 7] = colors[i]
        frames.append(opaque(f))
    frames.append(frames[-1].copy())  # a repeat: merged into the previous frame
    path, writer = write(tmp_path, frames, [30] * 13, optimize=optimize)
    gif = read_gif(path)
    assert writer.frames == 12
    assert gif.durations.tolist() == [30] * 11 + [60]
    assert gif.loop == 0
    np.testing.assert_array_equal(gif.frames, np.stack(frames[:12]))


def test_changed_rectangle_only_is_stored(tmp_path):
    frame = opaque(np.zeros((40, 60, 3), np.uint8))
    second = frame.copy()
    second[10:12, 20:25, :3] = 255
    path, _ = write(tmp_path, [frame, second], [50, 50])
    from PIL import Image

    with Image.open(path) as im:
        im.seek(1)
        assert im.tile[0][1] == (20, 10, 25, 12)  # Pillow's view of the stored rectangle


def test_many_colours_keep_the_frequent_ones_exactly():
    rng = np.random.default_rng(2)
    frame = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)  # 4096 colours, one pixel each
    frame[:20] = (0, 114, 178)  # a run's colour over many pixels
    frame[20:24] = (213, 94, 0)
    palette = Palette.fit([opaque(frame)])
    assert len(palette.colors) <= MAX_COLORS
    index = palette.indices(opaque(frame))
    np.testing.assert_array_equal(
        palette.colors[index[:24]].reshape(-1, 3)[[0, -1]], [[0, 114, 178], [213, 94, 0]]
    )
    # Every other colour goes to its nearest palette colour.
    mapped = palette.colors[index].astype(int)
    nearest = ((frame[..., None, :].astype(int) - palette.colors.astype(int)) ** 2).sum(-1).min(-1)
    assert (((mapped - frame) ** 2).sum(-1) == nearest).all()


def test_the_palette_is_deterministic():
    rng = np.random.default_rng(3)
    frames = [opaque(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)) for _ in range(3)]
    np.testing.assert_array_equal(Palette.fit(frames).colors, Palette.fit(frames).colors)


def test_frame_of_the_wrong_size_is_refused():
    palette = Palette(np.zeros((1, 3), np.uint8))
    writer = GifWriter(io.BytesIO(), (4, 4), palette)
    with pytest.raises(ValueError, match="4x4"):
        writer.add(opaque(np.zeros((5, 4, 3), np.uint8)), 50)
