"""The pytest plugin against bad baselines and odd layouts (issue 16, item 12): a corrupt, empty,
decompression-bomb or misnamed baseline fails its test with one clear line and ``--optviz-update`` repairs it; a
test outside the rootdir keeps its results with ``--optviz-results``."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

USER_TEST = """
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation


def draw():
    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)
    (line,) = ax.plot([0, 1, 2], [0, 1, 0])
    return fig, line


def test_empty(optviz_image):
    optviz_image.check(draw()[0])


def test_corrupt(optviz_image):
    optviz_image.check(draw()[0])


def test_bomb(optviz_image):
    optviz_image.check(draw()[0])


def test_misnamed(optviz_image):
    fig, line = draw()
    anim = FuncAnimation(fig, lambda k: (line,), frames=2, interval=100)
    optviz_image.check(anim)
"""


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "pytest", "-p", "optviz.testing.plugin", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with one tiny compressed row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.slow
def test_bad_baselines_fail_clearly_and_update_repairs_them(tmp_path):
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider\n"
    )
    (tmp_path / "test_user.py").write_text(USER_TEST)
    first = _pytest(tmp_path, "--optviz-update")
    assert first.returncode == 0, first.stdout + first.stderr
    baselines = tmp_path / "baseline" / "test_user"
    good_png = (baselines / "test_empty.png").read_bytes()
    (baselines / "test_empty.png").write_bytes(b"")
    (baselines / "test_corrupt.png").write_bytes(good_png[: len(good_png) // 2] + b"garbage")
    (baselines / "test_bomb.png").write_bytes(_png_header(100_000, 100_000))
    (baselines / "test_misnamed.gif").write_bytes(good_png)  # a PNG named .gif

    broken = _pytest(tmp_path, "-q")
    out = broken.stdout + broken.stderr
    assert broken.returncode == 1, out
    assert "4 failed" in out
    for name, why in (
        ("test_empty.png", "an empty file"),
        ("test_corrupt.png", "is not a readable image"),
        ("test_bomb.png", "is not a readable image"),
        ("test_misnamed.gif", "is not a GIF file (its data is PNG)"),
    ):
        assert f"cannot compare with baseline/test_user/{name}" in out, out
        assert why in out, out
    assert "Traceback" not in out and "PIL/" not in out, out

    repaired = _pytest(tmp_path, "-q", "--optviz-update")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert repaired.stdout.count("refreshed baseline") == 4, repaired.stdout
    assert _pytest(tmp_path, "-q").returncode == 0


@pytest.mark.slow
def test_results_of_a_test_outside_the_rootdir(tmp_path):
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (elsewhere / "test_x.py").write_text(
        "import matplotlib.pyplot as plt\n\ndef test_a(optviz_image):\n"
        "    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)\n    optviz_image.check(fig)\n"
    )
    run = _pytest(
        root, str(elsewhere / "test_x.py"), "--rootdir", str(root), "--optviz-results", "res"
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out  # no baseline yet: a failure, not an error of the plugin
    assert "has an empty name" not in out and "no baseline" in out, out
    assert (root / "res" / "test_x" / "test_a-actual.png").is_file()
    assert (root / "res" / "index.html").is_file()
    assert "../elsewhere/test_x.py::test_a --optviz-update" in out
