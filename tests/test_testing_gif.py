"""read_gif / write_gif / compare_gif on GIFs written here with Pillow, merged and unmerged."""

from __future__ import annotations

import numpy as np
import pytest
from _images import frames as path_frames
from PIL import GifImagePlugin, Image

from optviz._validate import ParameterError
from optviz.testing import compare_gif, deterministic, read_gif, write_gif

# Without antialiasing the frames have few colours, so GIFs store them exactly.
ALIASED = {"lines.antialiased": False, "patch.antialiased": False}


@pytest.fixture(scope="module")
def growing():
    """Six 256x192 frames of the path growing, and the same with the path moved by 2 px."""
    with deterministic(rc=ALIASED):
        return path_frames(6), path_frames(6, variant="moved")


@pytest.fixture(scope="module")
def smooth():
    """The same, antialiased: about a thousand colours, more than a GIF palette holds."""
    with deterministic():
        return path_frames(6), path_frames(6, variant="moved")


def _palette_images(frames: np.ndarray) -> list[Image.Image]:
    # One exact palette for all frames (the test frames have few colours).
    colors, inverse = np.unique(frames[..., :3].reshape(-1, 3), axis=0, return_inverse=True)
    assert len(colors) <= 256
    palette = colors.astype(int).ravel().tolist()
    images = []
    for index in inverse.reshape(frames.shape[:3]).astype(np.uint8):
        image = Image.fromarray(index, "P")
        image.putpalette(palette)
        images.append(image)
    return images


def write_merged(path, frames, durations, **options):
    """Pillow's own writer, which folds identical consecutive frames into one longer frame."""
    images = _palette_images(frames)
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=list(durations), **options
    )
    return path


def write_unmerged(path, frames, durations, loop=0):
    """Every frame stored as given, by Pillow's frame-by-frame encoder (getheader/getdata)."""
    images = _palette_images(frames)
    header, _ = GifImagePlugin.getheader(images[0], info={"loop": loop})
    chunks = list(header)
    for image, duration in zip(images, durations, strict=True):
        chunks += GifImagePlugin.getdata(image, duration=duration, include_color_table=True)
    path.write_bytes(b"".join(chunks) + b";")
    return path


def _held(frames, holds):
    """Repeat frame k holds[k] times: identical consecutive frames, as an animation pausing."""
    return np.repeat(frames, holds, axis=0)


def test_write_gif_round_trips_frames_durations_and_loop(tmp_path, growing):
    frames = growing[0]
    path = write_gif(tmp_path / "a.gif", frames, [100, 50, 50, 200, 30, 70], loop=3)
    gif = read_gif(path)
    assert np.array_equal(gif.frames, frames)
    assert gif.durations.tolist() == [100, 50, 50, 200, 30, 70]
    assert (gif.loop, gif.total_ms) == (3, 500)
    assert read_gif(write_gif(tmp_path / "once.gif", frames, 100, loop=None)).loop is None


@pytest.mark.slow
def test_merged_duplicates_equal_their_unmerged_twin(tmp_path, growing):
    holds = [1, 3, 1, 2, 1, 4]
    frames = _held(growing[0], holds)
    durations = [50] * len(frames)
    merged = read_gif(write_merged(tmp_path / "merged.gif", frames, durations, loop=0))
    unmerged = read_gif(write_unmerged(tmp_path / "unmerged.gif", frames, durations))
    # Pillow did merge: one stored frame per distinct frame, with the held durations summed.
    assert len(merged.frames) == 6 and merged.durations.tolist() == [50 * h for h in holds]
    assert len(unmerged.frames) == len(frames) == 12
    assert np.array_equal(unmerged.frames, frames)
    result = compare_gif(tmp_path / "merged.gif", tmp_path / "unmerged.gif")
    assert result, str(result)
    assert result.n_frames == (6, 12) and result.total_ms == (600, 600)
    assert (result.rms, result.max_diff) == (0, 0)
    assert "GIFs match" in str(result)


def test_a_different_loop_count_fails(tmp_path, growing):
    frames = growing[0]
    forever = write_unmerged(tmp_path / "forever.gif", frames, [100] * 6, loop=0)
    twice = write_unmerged(tmp_path / "twice.gif", frames, [100] * 6, loop=2)
    once = write_merged(tmp_path / "once.gif", frames, [100] * 6)  # no loop extension at all
    assert read_gif(once).loop is None
    result = compare_gif(twice, forever)
    assert not result and result.loop == (2, 0)
    assert str(result) == "GIFs differ: loop 2, expected 0"
    result = compare_gif(once, forever)
    assert not result
    assert str(result) == "GIFs differ: loop none (plays once), expected 0"


def test_a_different_total_duration_fails(tmp_path, growing):
    frames = growing[0]
    a = write_unmerged(tmp_path / "a.gif", frames, [100] * 6)
    b = write_unmerged(tmp_path / "b.gif", frames, [100] * 5 + [200])  # last frame held longer
    result = compare_gif(b, a)
    assert not result and result.total_ms == (700, 600)
    assert "total duration 700 ms, expected 600 ms" in str(result)


def test_a_retimed_frame_fails_at_the_moment_it_differs(tmp_path, growing):
    frames = growing[0]
    a = write_unmerged(tmp_path / "a.gif", frames, [100] * 6)
    b = write_unmerged(tmp_path / "b.gif", frames, [100, 200, 0 + 10, 90, 100, 100])
    result = compare_gif(b, a)
    assert not result
    # Frame 2 should start at 200 ms, when b still shows frame 1.
    assert "first at 200 ms" in str(result)


def test_a_moved_path_fails_with_the_worst_frame_and_a_diff_image(tmp_path, growing):
    frames, moved = growing
    changed = frames.copy()
    changed[4] = moved[4]
    a = write_gif(tmp_path / "expected.gif", frames, 100)
    b = write_gif(tmp_path / "actual.gif", changed, 100)
    result = compare_gif(b, a, tol=25)  # above this frame's RMS: the max-difference rule fails it
    assert not result
    assert (result.worst_frame, result.worst_expected_frame, result.worst_time_ms) == (4, 4, 400)
    assert 0 < result.rms < 25 and result.n_diff_pixels > 20
    assert result.diff_path == tmp_path / "actual-failed-diff.png"
    assert result.diff_path.is_file()
    assert "pixels differ at 1 of 6 moments, first at 400 ms" in str(result)
    assert "worst at 400 ms (actual frame 4, expected frame 4)" in str(result)


def test_with_too_many_colours_a_change_stays_in_its_frame(tmp_path, smooth):
    # Beyond 256 colours write_gif maps pixels to a fixed palette: frame 4 changing must not shift
    # the stored colours of the other frames (a palette fitted to the content would).
    frames, moved = smooth
    assert len(np.unique(frames[..., :3].reshape(-1, 3), axis=0)) > 256
    changed = frames.copy()
    changed[4] = moved[4]
    a = write_gif(tmp_path / "expected.gif", frames, 100)
    b = write_gif(tmp_path / "actual.gif", changed, 100)
    result = compare_gif(b, a)
    assert not result
    assert "pixels differ at 1 of 6 moments, first at 400 ms" in str(result)
    assert result.worst_frame == 4
    assert compare_gif(write_gif(tmp_path / "again.gif", frames, 100), a)


def test_disposal_is_honoured(tmp_path):
    # Frame 1 draws a square; disposal 2 restores its area to transparent before frame 2 draws.
    base = np.zeros((8, 8), np.uint8)
    square = base.copy()
    square[2:5, 2:5] = 1
    dot = base.copy()
    dot[6, 6] = 2
    images = []
    for index in (square, dot):
        image = Image.fromarray(index, "P")
        image.putpalette([255, 255, 255, 200, 0, 0, 0, 0, 200])
        images.append(image)
    path = tmp_path / "disposal.gif"
    images[0].save(
        path, save_all=True, append_images=images[1:], duration=100, disposal=2, transparency=0
    )
    gif = read_gif(path)
    assert gif.frames.shape == (2, 8, 8, 4)
    assert gif.frames[1, 3, 3, 3] == 0  # the square was disposed of
    assert gif.frames[1, 6, 6].tolist() == [0, 0, 200, 255]


def test_single_frame_gifs_compare_their_only_frame(tmp_path):
    white = np.full((1, 4, 4, 3), 255, np.uint8)
    black = np.zeros((1, 4, 4, 3), np.uint8)
    Image.fromarray(white[0]).save(tmp_path / "white.gif")
    Image.fromarray(black[0]).save(tmp_path / "black.gif")
    assert read_gif(tmp_path / "white.gif").total_ms == 0
    assert compare_gif(tmp_path / "white.gif", tmp_path / "white.gif")
    assert not compare_gif(tmp_path / "black.gif", tmp_path / "white.gif")


def test_size_mismatch_names_both_sizes(tmp_path):
    a = write_gif(tmp_path / "a.gif", np.zeros((2, 4, 6, 3), np.uint8), 100)
    b = write_gif(tmp_path / "b.gif", np.zeros((2, 5, 6, 3), np.uint8), 100)
    result = compare_gif(a, b)
    assert not result
    assert str(result) == (
        "GIF frame sizes differ: actual is 6x4 px, expected is 6x5 px (width x height)"
    )


def test_arrays_compare_like_files(growing):
    frames = growing[0]
    assert compare_gif((frames, 100, 0), (frames, [100] * 6, 0))
    assert not compare_gif((frames, 100, 0), (frames, 100, None))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"durations": 33}, r"durations\[0\]: must be a multiple of 10 ms"),
        ({"durations": [100, 100]}, r"durations: must have one value per frame \(3\), got 2"),
        ({"loop": -1}, "loop: must be at least 0, got -1"),
    ],
)
def test_write_gif_refuses_bad_timing(tmp_path, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        write_gif(tmp_path / "x.gif", np.zeros((3, 2, 2, 3), np.uint8), **kwargs)
    assert not (tmp_path / "x.gif").exists()


def test_write_gif_refuses_transparency(tmp_path):
    frames = np.zeros((2, 2, 2, 4), np.uint8)
    with pytest.raises(ParameterError, match=r"frames: must be opaque \(alpha 255\)"):
        write_gif(tmp_path / "x.gif", frames)


def test_many_colours_take_the_nearest_fixed_palette_colour(tmp_path):
    from optviz.testing.gif import FIXED_PALETTE

    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (3, 20, 20, 3), dtype=np.uint8)
    gif = read_gif(write_gif(tmp_path / "noisy.gif", frames, 100))
    palette = np.array(FIXED_PALETTE).reshape(-1, 3)
    distances = np.linalg.norm(frames[..., None, :].astype(float) - palette, axis=-1)
    assert np.array_equal(gif.frames[..., :3], palette[distances.argmin(axis=-1)])


def test_write_gif_is_the_animation_encoder(tmp_path, growing):
    """One GIF writer: write_gif's bytes are optviz._gif.GifWriter's, with the frames' own palette."""
    import io

    from optviz._gif import GifWriter, Palette, pack, unpack

    frames = growing[0]
    rgba = np.concatenate([frames[..., :3], np.full((*frames.shape[:3], 1), 255, np.uint8)], -1)
    palette = Palette(unpack(np.unique(pack(rgba).ravel())))
    buffer = io.BytesIO()
    writer = GifWriter(buffer, (frames.shape[2], frames.shape[1]), palette, loop=0)
    for frame in rgba:
        writer.add(frame, 100)
    writer.close()
    assert write_gif(tmp_path / "a.gif", frames, 100).read_bytes() == buffer.getvalue()
