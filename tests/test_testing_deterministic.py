"""deterministic(): reproducible rendering, placeholders that ignore the words, and a clean exit."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib as mpl
import matplotlib.backend_bases
import matplotlib.text
import numpy as np
import pytest
from _images import figure, render
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from PIL import Image

from optviz._validate import ParameterError
from optviz.output import savefig
from optviz.testing import compare_image, deterministic
from optviz.testing._placeholders import PLACEHOLDER_EMS

ROOT = Path(__file__).resolve().parents[1]


def _patched_methods():
    return [
        matplotlib.text._get_text_metrics_with_cache,
        matplotlib.text.Text.draw,
        matplotlib.text.Text._get_wrapped_text,
        vars(RendererAgg)["draw_text"],
        vars(RendererAgg)["draw_tex"],
        matplotlib.backend_bases.RendererBase.draw_text,
        matplotlib.backend_bases.RendererBase.draw_tex,
    ]


class _Boom(Exception):
    pass


@pytest.mark.parametrize("raises", [False, True])
@pytest.mark.parametrize("text", ["placeholders", "none", "real"])
def test_restores_rcparams_and_methods_on_exit_and_on_exception(text, raises):
    with mpl.rc_context({"lines.linewidth": 7.5, "font.family": "serif", "svg.hashsalt": "mine"}):
        before = dict(mpl.rcParams.copy())
        methods = _patched_methods()
        expect = pytest.raises(_Boom) if raises else contextlib.nullcontext()
        with expect, deterministic(text=text):
            assert mpl.rcParams["lines.linewidth"] == 2.25  # the optviz style
            assert mpl.rcParams["font.family"] == ["DejaVu Sans"]
            assert mpl.rcParams["svg.hashsalt"] == "optviz"
            assert mpl.rcParams["text.hinting"] == "default"  # as matplotlib 3.11's own tests
            fig = Figure()
            fig.text(0.5, 0.5, "drawn", rotation=30)
            fig.savefig(os.devnull, format="png")  # patches renderer classes on first use
            mpl.rcParams["lines.linewidth"] = 99.0
            if raises:
                raise _Boom
        assert dict(mpl.rcParams.copy()) == before
        assert _patched_methods() == methods


def test_backend_is_agg_inside_and_restored_after_with_pyplot_open():
    import matplotlib.pyplot as plt

    before = mpl.get_backend()
    fig = plt.figure()
    try:
        plt.switch_backend("svg")
        for raises in (False, True):
            expect = pytest.raises(_Boom) if raises else contextlib.nullcontext()
            with expect, deterministic():
                assert mpl.get_backend() == "agg"
                inner = plt.figure()  # a figure made inside uses Agg
                assert type(inner.canvas).__name__ == "FigureCanvasAgg"
                if raises:
                    raise _Boom
            assert mpl.get_backend() == "svg"
            assert plt.figure().canvas.__class__.__name__ == "FigureCanvasSVG"
            assert plt.fignum_exists(fig.number)  # the open session keeps its figures
    finally:
        plt.switch_backend(before)
        plt.close("all")


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unresolved_auto_backend_stays_unresolved():
    # In a fresh process without MPLBACKEND the backend is resolved on first use; deterministic()
    # must not resolve it (that could start a GUI toolkit), even if pyplot is imported inside.
    proc = _run(
        """
        import sys
        import matplotlib as mpl
        from matplotlib import rcsetup
        from optviz.testing import deterministic

        auto = rcsetup._auto_backend_sentinel
        assert mpl.rcParams._get("backend") is auto
        with deterministic():
            import matplotlib.pyplot as plt
            assert type(plt.figure().canvas).__name__ == "FigureCanvasAgg"
        assert mpl.rcParams._get("backend") is auto, mpl.rcParams._get("backend")
        assert plt._backend_mod is None
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_rewording_text_changes_no_pixel_in_placeholder_mode(tmp_path):
    reworded = {"title": r"Adam on $f(x, y) = \frac{1}{2}x^2 + 3y^2$, $\kappa = 25$"}
    with deterministic():
        a = render(tmp_path / "a.png")
        b = render(tmp_path / "b.png", **reworded)
    assert compare_image(b, a)
    with deterministic(text="real"):
        a = render(tmp_path / "real-a.png")
        b = render(tmp_path / "real-b.png", **reworded)
    assert not compare_image(b, a)


def test_every_string_measures_the_same_fixed_box():
    strings = ["a", "a much longer label", "two\nlines", r"$\sum_i x_i^2$", "word " * 40]
    with deterministic():
        fig = Figure(figsize=(4, 3), dpi=100)
        texts = [fig.text(0.5, 0.5, s, fontsize=10, wrap=True) for s in strings]
        latex = [fig.text(0.5, 0.5, s, fontsize=10, usetex=True) for s in ("x", r"\LaTeX{} $x^2$")]
        empty = fig.text(0.5, 0.5, "", fontsize=10)
        fig.savefig(os.devnull, format="png")  # LaTeX is never run
        sizes = {tuple(np.round(t.get_window_extent().size, 6)) for t in texts}
        latex_sizes = {tuple(np.round(t.get_window_extent().size, 6)) for t in latex}
        empty_size = tuple(empty.get_window_extent().size)
    em = 10 * 100 / 72
    assert len(sizes) == 1 and len(latex_sizes) == 1
    (width, height), (latex_width, latex_height) = sizes.pop(), latex_sizes.pop()
    assert width == latex_width == pytest.approx(PLACEHOLDER_EMS * em)
    assert latex_height == pytest.approx(em)
    assert em <= height < 1.1 * em  # plus the font's line ascent and descent
    assert empty_size == (0, 0)  # empty text stays empty, as in matplotlib


def test_rotation_and_alignment_are_honoured():
    with deterministic():
        fig = Figure(figsize=(4, 3), dpi=100)
        flat = fig.text(0.5, 0.5, "label", ha="right", va="top")
        upright = fig.text(0.5, 0.5, "label", rotation=90, ha="left", va="bottom")
        fig.savefig(os.devnull, format="png")
        a, b = flat.get_window_extent(), upright.get_window_extent()
    anchor = (200, 150)  # the figure centre in pixels
    assert (a.x1, a.y1) == pytest.approx(anchor)  # right/top at the anchor
    assert (b.x0, b.y0) == pytest.approx(anchor)  # left/bottom at the anchor
    assert (b.width, b.height) == pytest.approx((a.height, a.width))


def test_layout_engines_see_the_placeholder_sizes():
    def axes_box(ylabel: str, text: str) -> np.ndarray:
        with deterministic(text=text):
            fig = Figure(figsize=(4, 3), dpi=100, layout="constrained")
            ax = fig.add_subplot()
            ax.set_ylabel(ylabel)
            ax.set_yticks([0, 1], ["0", "a very long tick label"])
            fig.savefig(os.devnull, format="png")
            return ax.get_position().bounds

    assert axes_box("y", "placeholders") == axes_box("a long y label\non two lines", "placeholders")
    assert axes_box("y", "none") == axes_box("y", "placeholders")
    assert axes_box("y", "real") != axes_box("a long y label\non two lines", "real")


def test_none_draws_no_text_but_keeps_its_room(tmp_path):
    def draw(text: str | None, mode: str) -> Path:
        with deterministic(text=mode):
            fig = Figure(figsize=(2, 1), dpi=50)
            if text is not None:
                fig.text(0.5, 0.5, text)
            return savefig(fig, tmp_path / f"{mode}-{text}.png")

    blank = draw(None, "none")
    assert compare_image(draw("hidden", "none"), blank)
    assert not compare_image(draw("shown", "placeholders"), blank)


def test_placeholder_boxes_leave_data_underneath_visible(tmp_path):
    # The fill is translucent: a path under a label still changes the label's pixels when it moves.
    crops = []
    for variant in ("base", "moved"):
        with deterministic():
            fig, _ = figure(variant)
            label = fig.axes[0].text(-3.6, 1.2, "over the path", fontsize=30)
            path = savefig(fig, tmp_path / f"{variant}.png")
            box = label.get_window_extent()
        image = np.asarray(Image.open(path).convert("RGB")).astype(int)
        rows = slice(int(480 - box.y1) + 3, int(480 - box.y0) - 3)  # inside the outline
        crops.append(image[rows, int(box.x0) + 3 : int(box.x1) - 3])
    assert np.abs(crops[1] - crops[0]).max() > 50


def test_unknown_text_mode_lists_the_valid_ones():
    with (
        pytest.raises(
            ParameterError, match=r"^text: unknown text mode 'placeholder'; did you mean"
        ),
        deterministic(text="placeholder"),
    ):
        pass
