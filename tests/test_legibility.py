"""optviz.testing.check_legibility (design section 11): each of its five findings on a figure made to show it,
the ways to apply it (the pytest plugin's ``legible=True``, ``optviz check --render``), and the figures held
to zero findings: every gallery scenario, and scenarios written as a new user would (tests/user_scenarios/:
every family of surface, four rules at once, a diverging run, noisy runs, dataset surfaces, an expression,
most figure kinds)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _gallery import SCENARIOS

from optviz.testing import Finding, check_legibility

ROOT = Path(__file__).resolve().parents[1]
USER_SCENARIOS = sorted((ROOT / "tests" / "user_scenarios").glob("*.toml"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def plain(**kwargs):
    fig, ax = plt.subplots(figsize=(4, 3), dpi=60, layout="constrained", **kwargs)
    (line,) = ax.plot([0, 1], [0, 1], label="a line")
    return fig, ax, line


def kinds(findings):
    return [f.kind for f in findings]


def test_a_plain_figure_has_no_findings():
    fig, ax, _ = plain()
    ax.set_title("a title")
    ax.set_xlabel("x")
    ax.annotate("free", (0.8, 0.2))
    assert check_legibility(fig) == []


def test_text_over_data_names_the_text_and_the_line():
    fig, ax, line = plain()
    note = ax.annotate("on the line", (0.5, 0.5), ha="center", va="center")
    (finding,) = check_legibility(fig)
    assert isinstance(finding, Finding)
    assert finding.kind == "text over data" and finding.artist is note and finding.other is line
    x0, y0, x1, y1 = finding.where
    assert 0 < x0 < x1 < 240 and 0 < y0 < y1 < 180  # pixels of the 240 x 180 image
    assert "'on the line' crosses Line2D 'a line'" in str(finding)


def test_text_over_text():
    fig, ax, _ = plain()
    a = ax.annotate("first label", (0.7, 0.1), ha="center")
    b = ax.annotate("second label", (0.72, 0.12), ha="center")
    findings = [f for f in check_legibility(fig) if f.kind == "text over text"]
    assert len(findings) == 1 and {findings[0].artist, findings[0].other} == {a, b}


def test_clipped_text():
    fig, _ax, _ = plain()
    fig.suptitle("a title far too long for a figure that is only four inches wide, clipped")
    assert kinds(check_legibility(fig)) == ["clipped text"]


def test_hidden_series():
    fig, ax, line = plain()
    ax.plot([0, 1], [0, 1], linewidth=4, label="a thicker line on top")
    (finding,) = check_legibility(fig)
    assert finding.kind == "hidden series" and finding.artist is line


def test_blank_band():
    fig = plt.figure(figsize=(4, 3), dpi=60)
    ax = fig.add_axes((0.1, 0.1, 0.4, 0.8))
    ax.plot([0, 1], [0, 1])
    findings = check_legibility(fig)
    assert kinds(findings) == ["blank band"] and findings[0].where[0] > 120  # the right half


def test_a_leader_line_drawn_over_a_path_is_text_over_data():
    fig, ax, line = plain()
    over = ax.annotate(
        "far", (0.2, 0.8), xytext=(0.8, 0.3), arrowprops={"arrowstyle": "-"}, zorder=3
    )
    (finding,) = check_legibility(fig)
    assert finding.kind == "text over data" and finding.artist is over and finding.other is line
    assert str(finding).startswith(
        "text over data: the leader line of Annotation 'far' crosses Line2D"
    )
    over.set_zorder(
        line.get_zorder() - 0.5
    )  # under the path, as a map's leader passes under a road
    assert check_legibility(fig) == []


def test_placement_prefers_a_leader_that_crosses_no_path():
    from optviz.plot.placement import data_shapes, leader_crossings, place_text, text_extent

    fig, ax = plt.subplots(figsize=(5, 3), dpi=60, layout="constrained")
    ax.set(xlim=(-0.05, 1.05), ylim=(-0.05, 1.05))
    # A point in a narrow corridor, closed on the left, open to the right beyond x = 0.55: the places around it
    # are in the corridor (covering its walls) or beyond a wall (a leader across it); the free place with a
    # clear leader is out of the corridor's mouth, found only by looking anywhere in the axes.
    for xs, ys in (
        ([0.1, 0.55], [0.52, 0.52]),
        ([0.1, 0.55], [0.48, 0.48]),
        ([0.1, 0.1], [0.48, 0.52]),
    ):
        ax.plot(xs, ys, color="k")
    label = place_text(ax, "a much longer label", (0.2, 0.5), zorder=3)
    fig.canvas.draw()
    box = text_extent(label, fig.canvas.get_renderer())
    anchor = ax.transData.transform((0.2, 0.5))
    assert (
        label.arrow_patch.get_visible() and box.x0 > ax.transData.transform((0.55, 0.5))[0]
    )  # out of it
    assert leader_crossings(anchor, box, data_shapes(ax, exclude=[label.arrow_patch])) == 0
    assert check_legibility(fig) == []


def test_a_long_path_is_measured_as_matplotlib_strokes_it():
    from matplotlib.path import Path as MplPath

    from optviz.plot.placement import data_shapes, place_text, text_extent

    # A converged run's path: 50,000 points, a zigzag down a valley, then jittering within a pixel of the minimum.
    rng = np.random.default_rng(0)
    k = np.arange(50_000)[:, None]
    xy = 0.9 * np.exp(-k / 40) * np.hstack([np.ones_like(k), 0.3 * (-1.0) ** k])
    xy += 1e-4 * rng.standard_normal(xy.shape)
    fig, ax = plt.subplots(figsize=(4, 3), dpi=60)
    ax.set(xlim=(-1, 1), ylim=(-1, 1))
    (line,) = ax.plot(*xy.T)
    fig.canvas.draw()
    (shape,) = data_shapes(ax)
    pts = line.get_transform().transform(xy)
    drawn = MplPath(pts).cleaned(simplify=True)  # what Agg strokes: the same merged segments
    assert len(shape.segments) == len(drawn.vertices) - 2 < 2_000
    np.testing.assert_array_equal(shape.segments[:, 0], drawn.vertices[:-2])
    # Every point of the path is within a pixel of the segments measured (simplification merges within 1/9 px).
    a, b = shape.segments[:, 0], shape.segments[:, 1]
    d = b - a
    for chunk in np.array_split(pts, 50):
        t = np.clip(((chunk[:, None] - a) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0, 1)
        gap = np.hypot(*(chunk[:, None] - (a + t[..., None] * d)).transpose(2, 0, 1)).min(axis=1)
        assert gap.max() < 1.0
    # A label at the minimum still keeps off the path.
    label = place_text(ax, "min", (0.0, 0.0))
    fig.canvas.draw()
    assert text_extent(label, fig.canvas.get_renderer()).width > 0
    assert [f for f in check_legibility(fig) if label in (f.artist, f.other)] == []


@pytest.mark.slow
def arrow_far_from_the_corner():
    """An axes holding only a "-|>" arrow, up at its top right, and a point of the axes on the line from the
    arrow's head to display (0, 0) (the figure's bottom left corner), where no line is drawn: where the
    CLOSEPOLY vertex of the head's path (stored at (0, 0)) once drew a false one."""
    fig, ax = plt.subplots(figsize=(4, 3), dpi=60)
    ax.set(
        xlim=(0, 1), ylim=(0, 1), xticks=[0.5, 1], yticks=[0.5, 1]
    )  # (no tick labels crowd the corner)
    arrow = ax.annotate(
        "", xy=(0.9, 0.9), xytext=(0.7, 0.75),
        arrowprops={"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 0, "mutation_scale": 12},
    )  # fmt: skip
    fig.canvas.draw()
    path = arrow.arrow_patch.get_path()
    assert path.codes[-1] == path.CLOSEPOLY and not path.vertices[-1].any()
    corner = path.vertices[-2]  # the head's last corner, where the false line started
    on_it = 0.6 * corner
    assert ax.bbox.contains(*on_it) and np.hypot(*(corner - on_it)) > 50
    return fig, ax, arrow, on_it


def test_an_arrows_outline_is_its_shaft_and_its_closed_head():
    from matplotlib.patches import Rectangle

    from optviz.plot.placement import _patch_outline, data_shapes

    _fig, ax, arrow, _on_it = arrow_far_from_the_corner()
    path = arrow.arrow_patch.get_path()
    pts = _patch_outline(arrow.arrow_patch)
    # the shaft (moveto, curve), a break, then the head: its three corners and back to the first
    gap = np.flatnonzero(np.isnan(pts).any(axis=1))
    np.testing.assert_array_equal(gap, [3])
    np.testing.assert_array_equal(pts[:3], path.vertices[:3])
    np.testing.assert_array_equal(pts[4:], path.vertices[[3, 4, 5, 3]])
    (shape,) = data_shapes(ax)
    assert shape.artist is arrow.arrow_patch and len(shape.segments) == 5
    # every segment lies on the arrow as drawn (none reaches for the figure's corner)
    extent = arrow.arrow_patch.get_window_extent()
    assert (shape.segments >= extent.min - 1e-9).all() and (
        shape.segments <= extent.max + 1e-9
    ).all()
    # A closed polygon's last side is measured once: a rectangle is its four sides.
    rect = ax.add_patch(Rectangle((0.1, 0.1), 0.2, 0.1))
    (rect_shape,) = [s for s in data_shapes(ax) if s.artist is rect]
    lengths = np.hypot(*(rect_shape.segments[:, 1] - rect_shape.segments[:, 0]).T)
    np.testing.assert_allclose(
        lengths.sum(), 2 * (rect.get_window_extent().width + rect.get_window_extent().height)
    )
    assert len(lengths) == 4


def test_a_label_may_sit_on_the_line_from_an_arrow_to_the_figures_corner():
    from optviz.plot.placement import Spot, cost, data_shapes, place_text, text_extent

    fig, ax, _arrow, on_it = arrow_far_from_the_corner()
    xy = ax.transData.inverted().transform(on_it)
    # Centred on that point, or well below it with a leader: the free first spot wins.
    label = place_text(ax, "a label", xy, spots=[Spot(0, 0), Spot(0, -40)])
    fig.canvas.draw()
    assert label.spot == Spot(0, 0)
    box = text_extent(label, fig.canvas.get_renderer())
    assert box.contains(*on_it)
    assert cost([box], ax, data_shapes(ax, exclude=[label.arrow_patch]), []) == 0
    assert check_legibility(fig) == []


def test_text_on_the_line_from_an_arrow_to_the_figures_corner_is_not_over_data():
    fig, ax, arrow, on_it = arrow_far_from_the_corner()
    ax.annotate("a note", on_it, xycoords="figure pixels", ha="center", va="center")
    assert check_legibility(fig) == []
    # (while text over the arrow itself is)
    tip = arrow.arrow_patch.get_path().vertices[4]
    over = ax.annotate("over", tip, xycoords="figure pixels", ha="center", va="center")
    (finding,) = check_legibility(fig)
    assert finding.kind == "text over data" and finding.artist is over
    assert finding.other is arrow.arrow_patch


def test_an_arrow_not_yet_drawn_is_measured_at_its_drawn_size():
    from optviz.plot.placement import data_shapes

    # At 144 dpi a point is 2 pixels: an arrow's head, sized in points, is measured as drawn while a label
    # drawn before it is placed (a FancyArrowPatch scales by the last renderer that drew it: none yet).
    fig, ax = plt.subplots(figsize=(3, 2), dpi=144)
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.annotate(
        "", xy=(0.8, 0.7), xytext=(0.2, 0.3),
        arrowprops={"arrowstyle": "-|>", "shrinkA": 0, "shrinkB": 0, "mutation_scale": 10},
    )  # fmt: skip
    (before,) = data_shapes(ax, renderer=fig.canvas.get_renderer())
    fig.canvas.draw()
    (drawn,) = data_shapes(ax)
    np.testing.assert_allclose(before.segments, drawn.segments)
    head = drawn.segments[-1]  # the head's base: 0.4 x 10 points wide
    np.testing.assert_allclose(np.hypot(*(head[1] - head[0])), 0.4 * 10 * 2)


def test_tick_labels_crowding_a_corner_are_found_and_the_figures_move_them_apart():
    import optviz as ov

    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=150, layout="constrained")
    ax.set(xlim=(-2, 2), ylim=(-1.5, 1.5))  # -1.5 over -2.0 at the lower left corner
    ax.set_aspect("equal")
    findings = check_legibility(fig)
    assert [f.kind for f in findings] == ["text over text"]
    assert "'−2.0' crowds the corner with Text '−1.5'" in str(
        findings[0]
    ) or "'−1.5' crowds" in str(findings[0])
    # A figure kind on the same view: its x tick labels step down until the corner has a third of an em.
    s = ov.surface("double_well")
    run = ov.run(s, ov.GD(lr=0.2), start=(0.35, 1.2), steps=20)
    scene = ov.figures.figure("trajectories", s, [run], size=(6.4, 4.8), pyplot=False)
    assert not [f for f in check_legibility(scene.fig) if f.kind == "text over text"]
    scene.close()


def test_phase_diagram_labels_keep_off_the_boundary():
    import optviz as ov

    q = ov.surface("quadratic", kappa=20)
    scene = ov.scenario.figure(
        "phase_diagram", q, [ov.run(q, ov.Nesterov(lr=0.05, rho=0.6), steps=10)], rule="nesterov",
        grid=30, steps=200, pyplot=False,
    )  # fmt: skip
    labels = scene.results["artists"].contours.labelTexts
    assert labels and not check_legibility(scene.fig)
    scene.close()


def test_the_check_changes_no_pixel():
    fig, ax, _ = plain()
    ax.plot([0, 1], [1, 0], label="another")
    fig.canvas.draw()
    before = np.asarray(fig.canvas.buffer_rgba()).copy()
    check_legibility(fig)
    fig.canvas.draw()
    assert np.array_equal(before, np.asarray(fig.canvas.buffer_rgba()))


# -- the ways to apply it ------------------------------------------------------------------------------------
USER_TEST = """
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure


def make(note_at):
    fig = Figure(figsize=(4, 3), dpi=50, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="a path")
    ax.annotate("min", note_at, ha="center", va="center")
    return fig


def test_legible(optviz_image):
    optviz_image.check(make((0.85, 0.15)), legible=True)


def test_illegible(optviz_image):
    optviz_image.check(make((0.5, 0.5)), legible=True)
"""


@pytest.mark.slow
def test_the_plugin_fails_an_illegible_figure_and_says_where(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TEST))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "pytest", "-p", "optviz.testing.plugin", "--optviz-update", "-q"]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 1 passed" in done.stdout
    assert "test_illegible: 1 legibility finding" in done.stdout
    assert "text over data: Annotation 'min' crosses Line2D 'a path'" in done.stdout


SCENARIO = """title = "{title}"
kind = "trajectories"
[surface]
name = "booth"
[[run]]
rule = "gd"
lr = 0.05
start = [-6.0, 8.0]
steps = 40
"""


@pytest.mark.slow
def test_optviz_check_render_prints_findings_and_exits_1(tmp_path, capsys):
    from optviz.cli import main

    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(SCENARIO.format(title="GD on Booth"))
    bad.write_text(SCENARIO.format(title="A title much too long to fit the slide " * 6))
    assert main(["check", "--render", str(good)]) == 0
    assert capsys.readouterr().out == f"{good}: ok, legible\n"
    assert main(["check", "--render", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{bad}: 1 legibility finding"
    assert (
        out[2].startswith("  clipped text: Text 'A title much too long") and "(pixels x " in out[2]
    )
    assert list(tmp_path.iterdir()) == [good, bad] or sorted(tmp_path.iterdir()) == sorted(
        [good, bad]
    )
    assert main(["check", str(bad)]) == 0  # without --render: valid, nothing drawn


@pytest.mark.slow
def test_optviz_gallery_check_prints_each_finding_and_exits_1(tmp_path, capsys):
    # The check runs on the figure the gallery writes; both scenarios are still written.
    from optviz.cli import main

    folder, out = tmp_path / "scenarios", tmp_path / "out"
    folder.mkdir()
    (folder / "good.toml").write_text(SCENARIO.format(title="GD on Booth"))
    (folder / "bad.toml").write_text(
        SCENARIO.format(title="A title much too long to fit the slide " * 6)
    )
    args = ["gallery", "--scenarios", str(folder), "-o", str(out), "-j", "1", "--no-landscape"]
    assert main([*args, "-q", "--check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith(f"{folder / 'bad.toml'}: legibility: ") for line in lines)
    assert "clipped text: Text 'A title much too long" in lines[0]
    assert {p.name for p in out.iterdir()} >= {"good.png", "bad.png", "README.md"}
    (folder / "bad.toml").unlink()
    assert main([*args, "--check"]) == 0  # legible: the usual summary, exit 0
    assert "legibility" not in capsys.readouterr().out


# -- the gallery and new users' scenarios ----------------------------------------------------------------------
def findings_of(scenario, data=None):
    from optviz.scenario import compute, draw

    scene = draw(scenario, data if data is not None else compute(scenario))
    try:
        return check_legibility(scene.fig)
    finally:
        scene.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_gallery_scenario_is_legible(gallery, path):
    findings = gallery.findings(
        path
    )  # measured on the figure the gallery wrote (optviz gallery --check)
    assert not findings, "\n".join(findings)


@pytest.mark.slow
@pytest.mark.parametrize("path", USER_SCENARIOS, ids=[p.stem for p in USER_SCENARIOS])
def test_a_new_users_scenario_is_legible(path):
    from optviz.scenario import load

    findings = findings_of(load(path))
    assert not findings, "\n".join(map(str, findings))


def test_the_user_scenarios_cover_what_the_issue_asks():
    from optviz.scenario import load

    specs = [load(p) for p in USER_SCENARIOS]
    kinds_used = {s.kind.name for s in specs} | {p.kind.name for s in specs for p in s.panels}
    assert len(specs) >= 10 and len(kinds_used) >= 16
    assert {"test_functions", "rate_table", "phase_diagram"} <= kinds_used
    rules = [len(s.main.runs) for s in specs]
    assert max(rules) >= 4  # four rules at once
    text = "".join(p.read_text() for p in USER_SCENARIOS)
    assert "expression = " in text and "noise = { sigma" in text and "batch_size" in text
    assert "least_squares" in text and "logistic_regression" in text  # dataset surfaces
    assert not {p.stem for p in USER_SCENARIOS} & {p.stem for p in SCENARIOS}  # not in the gallery


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, options",
    [
        ("trajectories", {"loss": True}),
        ("contour_profile", {"along": "x"}),
        ("condition_map", {}),
        ("random_search", {}),
        ("batch_vs_minibatch", {}),
    ],
)
def test_a_dataset_surfaces_axes_are_its_parameters_in_every_kind(kind, options):
    import optviz as ov

    s = ov.surface("least_squares")
    runs = [ov.run(s, ov.GD(lr=0.1), start=(-1.0, 2.0), steps=10)]
    if kind == "random_search":
        runs.insert(0, ov.run(s, ov.RandomSearch(scale=0.5), start=(-1.0, 2.0), steps=10, seed=1))
    if kind == "batch_vs_minibatch":
        runs.append(ov.run(s, ov.GD(lr=0.1), start=(-1.0, 2.0), steps=50, noise=ov.Minibatch(10)))
    scene = ov.figures.figure(kind, s, runs, pyplot=False, **options)
    contour = next(ax for ax in scene.fig.axes if ax.get_xlabel() in ("w", "x"))
    assert (contour.get_xlabel(), contour.get_ylabel()) == ("w", "b")
    assert not check_legibility(
        scene.fig
    )  # the title's Σ subscript clear of the frame, among others
    scene.close()
