"""compare_image on purpose-made renders: a thin path that vanishes, shrinks or moves 2 px fails."""

from __future__ import annotations

import numpy as np
import pytest
from _images import figure, path_xy, pixel_box, render
from PIL import Image

from optviz._validate import ParameterError
from optviz.testing import compare_image, deterministic


@pytest.fixture(scope="module")
def renders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("renders")
    with deterministic():
        paths = {v: render(folder / f"{v}.png", v) for v in ("base", "removed", "short", "moved")}
        paths["again"] = render(folder / "again.png")
    return paths


def test_identical_renders_pass_with_zero_difference(renders):
    assert renders["again"].read_bytes() == renders["base"].read_bytes()
    result = compare_image(renders["again"], renders["base"])
    assert result
    assert (result.rms, result.max_diff, result.n_diff_pixels, result.worst_region) == (
        0,
        0,
        0,
        None,
    )
    assert result.diff_path is None
    assert "images match" in str(result)


# Above the whole-image RMS of all three changes (measured: removed 10.5, short 2.2, moved 10.7).
LOOSE_TOL = 15


@pytest.mark.parametrize("variant", ["removed", "short", "moved"])
def test_path_changes_fail_even_with_a_generous_rms_tolerance(renders, variant):
    result = compare_image(renders[variant], renders["base"], tol=LOOSE_TOL)
    assert not result
    assert result.rms < LOOSE_TOL  # so it is the max-difference rule that fails it
    assert result.n_diff_pixels > 50
    assert result.max_diff > 150
    assert result.diff_path == renders[variant].parent / f"{variant}-failed-diff.png"
    assert result.diff_path.is_file()
    assert "images differ" in str(result) and str(result.diff_path) in str(result)
    # The diff image has the actual's size and shows the change in red.
    diff = np.asarray(Image.open(result.diff_path).convert("RGB")).astype(int)
    assert diff.shape == (480, 640, 3)
    reds = (diff[..., 0] > 180) & (diff[..., 1] < 60) & (diff[..., 2] < 60)
    assert reds.sum() >= result.n_diff_pixels


def test_rms_alone_would_let_a_removed_path_through(renders):
    # What the max-difference rule is for: matplotlib-style RMS with a loose tolerance passes these.
    for variant in ("removed", "short", "moved"):
        assert compare_image(renders[variant], renders["base"], tol=LOOSE_TOL, max_diff=255)


def _covers(region, box, slack=1):
    x0, y0, x1, y1 = box
    return (
        region.x0 <= x0 + slack
        and region.y0 <= y0 + slack
        and region.x1 >= x1 - slack
        and region.y1 >= y1 - slack
    )


def test_worst_region_covers_the_change(renders):
    with deterministic():
        fig, _ = figure()
    whole = pixel_box(fig, path_xy())
    for variant in ("removed", "moved"):
        region = compare_image(renders[variant], renders["base"]).worst_region
        assert _covers(region, whole), (variant, region, whole)
        assert region.width < 640 / 2 and region.height < 480 * 0.7  # the path, not the whole image
    # Shortened: the two missing segments, and little else.
    tail = pixel_box(fig, path_xy()[-3:])
    region = compare_image(renders["short"], renders["base"]).worst_region
    assert _covers(region, tail), (region, tail)
    assert region.width <= tail[2] - tail[0] + 8 and region.height <= tail[3] - tail[1] + 8


def test_faint_global_change_is_what_tol_forgives():
    base = np.full((30, 40, 4), 200, np.uint8)
    base[..., 3] = 255
    shifted = base.copy()
    shifted[..., :3] += 3
    assert not compare_image(shifted, base)
    result = compare_image(shifted, base, tol=5)
    assert result and result.rms == pytest.approx(3.0) and result.max_diff == 3


def test_rms_matches_matplotlib_on_opaque_images():
    from matplotlib.testing.compare import calculate_rms

    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    expected = calculate_rms(b.astype(np.int16), a.astype(np.int16))  # as compare_images calls it
    assert compare_image(a, b, tol=255, max_diff=255).rms == pytest.approx(expected)


def test_alpha_counts_when_images_are_not_opaque():
    clear = np.zeros((10, 10, 4), np.uint8)
    white = np.full((10, 10, 4), 255, np.uint8)
    white[..., 3] = 0  # the same transparent pixels, different hidden colour
    result = compare_image(white, clear, max_diff=255)
    assert result.rms == pytest.approx(np.sqrt(3 / 4) * 255)


def test_size_mismatch_is_a_failed_result_naming_both_sizes(renders, tmp_path):
    small = tmp_path / "small.png"
    Image.new("RGBA", (320, 240), "white").save(small)
    result = compare_image(small, renders["base"])
    assert not result
    assert str(result) == (
        "image sizes differ: actual is 320x240 px, expected is 640x480 px (width x height)"
    )
    assert (result.rms, result.diff_path) == (None, None)
    assert not (tmp_path / "small-failed-diff.png").exists()


def test_arrays_are_accepted_and_diffs_go_to_diff_dir(tmp_path):
    rgb = np.zeros((8, 12, 3), np.uint8)
    rgba = np.concatenate([rgb, np.full((8, 12, 1), 255, np.uint8)], axis=2)
    assert compare_image(rgb, rgba)
    assert compare_image(rgb.astype(float), rgba)  # floats in 0..1
    changed = rgba.copy()
    changed[2:4, 3:9, 1] = 255
    no_folder = compare_image(changed, rgba)
    assert not no_folder and no_folder.diff_path is None
    result = compare_image(changed, rgba, diff_dir=tmp_path / "diffs")
    assert result.diff_path == tmp_path / "diffs" / "actual-failed-diff.png"
    assert result.diff_path.is_file()
    assert (result.n_diff_pixels, str(result.worst_region)) == (12, "x 3..8, y 2..3 (6x2 px)")


def test_max_pixels_allows_a_few_strong_differences():
    a = np.zeros((10, 10, 3), np.uint8)
    b = a.copy()
    b[0, :3] = 255
    assert not compare_image(b, a, tol=255, max_pixels=2)
    assert compare_image(b, a, tol=255, max_pixels=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tol": -1}, "tol: must be a non-negative number, got -1.0"),
        ({"max_diff": 300}, "max_diff: must be at most 255, got 300"),
        ({"max_pixels": 1.5}, "max_pixels: must be an integer, got 1.5"),
    ],
)
def test_bad_parameters_name_the_field(kwargs, message):
    a = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ParameterError, match=f"^{message}$"):
        compare_image(a, a, **kwargs)


def test_bad_inputs_are_clear(tmp_path):
    a = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(FileNotFoundError, match="expected: no such image file"):
        compare_image(a, tmp_path / "missing.png")
    with pytest.raises(
        ParameterError, match=r"actual: must be a PNG path or an array \(H, W, 3\|4\)"
    ):
        compare_image(np.zeros((4, 4)), a)
    with pytest.raises(ParameterError, match="actual: must be uint8 or floats in"):
        compare_image(np.full((4, 4, 3), 7.0), a)
