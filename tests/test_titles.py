"""Titles fitted to their room (optviz.figures.titles): a formula wider than its column breaks between its
terms, plain text at a space, and only a title no break can fit is set smaller; a title that fits is kept."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from optviz.figures import build_scene
from optviz.figures.titles import LEAST, break_points, broken, fit_titles
from optviz.scenario import compute, load
from optviz.testing import check_legibility

BEALE = """
title = "Three rules on Beale's function"
kind = "trajectories"
[surface]
name = "beale"
[defaults]
start = [1.0, 1.5]
steps = 300
[[run]]
rule = "gd"
lr = 0.002
[[run]]
rule = "momentum"
lr = 0.002
rho = 0.9
[[run]]
rule = "adam"
lr = 0.05
[figure]
loss = true
legend = "right"
"""


@pytest.mark.parametrize(
    "text,at",
    [
        ("$f = x^2 + y^2$", ["+"]),
        ("$f = -x - y$", ["-"]),  # the sign of -x is not a break, the operator is
        ("$f = (x + y)^2 - \\frac{a + b}{2}$", ["-"]),  # nothing inside brackets or braces
        ("$f = x \\cdot 10^{-3} + e^{-x}$", ["+"]),
        ("two words", [" "]),
        ("$a + b$ and $c - d$", ["+", " ", " ", "-"]),
        ("$x$", []),
    ],
)
def test_break_points_are_between_terms_and_at_spaces(text, at):
    assert [text[i] for i in break_points(text)] == at


def test_a_break_inside_math_closes_and_reopens_the_formula():
    text = "$f = a + b - c$"
    assert broken(text, break_points(text)) == "$f = a$\n${}+ b$\n${}- c$"
    assert broken("one two", [3]) == "one\ntwo"


def _two_panels(title: str, width: float = 6.0) -> tuple[Figure, object, object]:
    fig = Figure(figsize=(width, 3), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2)
    left.set_title(title)
    right.set_title("beside")
    right.set_ylabel("a label")
    return fig, left, right


def _room_left(fig, left, right) -> tuple[float, float]:
    """The title's extent and where the right panel's decorations begin (pixels)."""
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    box = left.title.get_window_extent(renderer)
    return box, right.get_tightbbox(renderer).x0


def test_a_formula_wider_than_its_column_breaks_between_its_terms(tmp_path):
    """Beale's formula over its contour panel, beside the loss panel, with the legend right of both: it ran
    off the figure's left edge (check_legibility: "leaves the figure"); now two lines, nothing lost."""
    path = tmp_path / "beale.toml"
    path.write_text(BEALE, encoding="utf-8")
    sc = load(path)
    scene = build_scene(sc.kind, compute(sc), title=sc.title, size=sc.output.size, dpi=sc.output.dpi,
                        pyplot=False)  # fmt: skip
    fig = scene.fig
    ax = fig.axes[0]
    text = ax.title.get_text()
    lines = text.split("\n")
    assert len(lines) == 2, text
    assert text.replace("$\n${}", " ").replace("  ", " ") == (
        "$f = (1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2$"
    )
    assert check_legibility(fig) == []
    box = ax.title.get_window_extent(fig._get_renderer())
    assert box.x0 >= 0 and box.x1 < fig.axes[1].get_tightbbox(fig._get_renderer()).x0


def test_a_long_plain_title_breaks_at_a_space():
    title = "a rather long plain title for a narrow panel"
    fig, left, right = _two_panels(title)
    assert fit_titles(fig)
    box, neighbour = _room_left(fig, left, right)
    assert "\n" in left.title.get_text() and left.title.get_text().replace("\n", " ") == title
    assert box.x0 >= 0 and box.x1 < neighbour
    assert left.title.get_fontsize() == right.title.get_fontsize()  # broken, not shrunk


def test_a_title_no_break_can_fit_is_set_smaller_but_no_smaller_than_least():
    fig, left, right = _two_panels("$unbreakable_{" + "x" * 12 + "}$", width=4.0)
    size = right.title.get_fontsize()
    assert fit_titles(fig)
    assert "\n" not in left.title.get_text()
    assert LEAST * size <= left.title.get_fontsize() < size
    fig, left, right = _two_panels("W" * 60, width=4.0)
    fit_titles(fig)
    assert left.title.get_fontsize() == pytest.approx(LEAST * size)


def test_a_title_that_fits_is_left_alone():
    fig, left, _ = _two_panels("$f = x^2 + y^2$")
    size = left.title.get_fontsize()
    assert not fit_titles(fig)
    assert left.title.get_text() == "$f = x^2 + y^2$" and left.title.get_fontsize() == size
