"""optviz.plot: assert on artist data (seaborn style), not pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def quad():
    return ov.surface("quadratic", kappa=25)


def test_trajectory_path_holds_xy_up_to_stop(quad):
    t = ov.run(quad, ov.Momentum(lr=0.02), steps=40)
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t, ax=ax)
    np.testing.assert_array_equal(h.paths[0].get_xydata(), t.xy)
    np.testing.assert_array_equal(h.starts[0].get_xydata()[0], t.xy[0])
    np.testing.assert_array_equal(h.ends[0].get_xydata()[0], t.xy[-1])
    assert h.paths[0].get_label() == "Momentum (lr=0.02, ρ=0.9)"
    assert h.paths[0].get_color() == ov.style.RULE_COLORS["momentum"]


def test_batched_runs_share_colour_and_one_legend_entry(quad):
    t = ov.run(quad, ov.GD(lr=0.05), start=[[-4, 1.5], [4, -1.5], [2, 2]], steps=10)
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t, ax=ax)
    assert len(h.paths) == 3
    for i, path in enumerate(h.paths):
        np.testing.assert_array_equal(path.get_xydata(), t.xy[i])
    assert {p.get_color() for p in h.paths} == {ov.style.RULE_COLORS["gd"]}
    assert [text.get_text() for text in h.legend.get_texts()] == ["GD (lr=0.05)"]


def test_diverged_run_is_cut_at_stop_and_marked(quad):
    t = ov.run(quad, ov.GD(lr=0.1), steps=200)  # lr > 2/L = 0.08
    assert t.status == "diverged"
    _fig, ax = plt.subplots()
    ov.plot.contour(quad, ax=ax)
    h = ov.plot.trajectory(t, ax=ax)
    np.testing.assert_array_equal(h.paths[0].get_xydata(), t.xy[: t.stop_step + 1])
    (marker,) = h.diverged
    assert (
        marker.get_visible()
        and marker.annotation.get_text() == f"diverged at step {t.stop_step + 1}"
    )
    assert not h.ends[0].get_visible()
    # The run left the view long before it diverged: an arrow at the edge, and the cross on the edge too.
    (exit_arrow,) = h.exits
    (x0, x1), (y0, y1) = quad.bounds
    x, y = marker.get_xydata()[0]
    assert x0 <= x <= x1 and y0 <= y <= y1
    np.testing.assert_allclose((x, y), exit_arrow.xy)
    assert min(abs(y - y0), abs(y - y1), abs(x - x0), abs(x - x1)) < 1e-9


def test_diverged_run_inside_the_view_is_marked_where_it_stopped(quad):
    t = ov.run(quad, ov.GD(lr=0.1), steps=200)
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t, ax=ax)  # autoscaled axes: everything is inside
    np.testing.assert_array_equal(h.diverged[0].get_xydata()[0], t.xy[t.stop_step])
    assert not h.exits


def test_set_frame_shows_the_run_up_to_k(quad):
    t = ov.run(quad, ov.GD(lr=0.1), steps=200)
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t, ax=ax)
    changed = h.set_frame(5)
    assert h.paths[0] in changed
    np.testing.assert_array_equal(h.paths[0].get_xydata(), t.xy[:6])
    np.testing.assert_array_equal(h.ends[0].get_xydata()[0], t.xy[5])
    assert h.ends[0].get_visible() and not h.diverged[0].get_visible()
    h.set_frame(t.steps)
    assert h.diverged[0].get_visible() and not h.ends[0].get_visible()


def test_contour_marks_minima_and_saddles():
    s = ov.surface("local_minimum")
    _fig, ax = plt.subplots()
    h = ov.plot.contour(s, ax=ax)
    np.testing.assert_allclose(h.minima.get_xydata(), s.minima)
    np.testing.assert_allclose(h.saddles.get_xydata(), s.saddles)
    assert sorted(a.get_text() for a in h.labels) == ["global min", "local min", "saddle"]
    assert ax.get_xlim() == s.bounds[0] and ax.get_ylim() == s.bounds[1]
    assert np.all(np.diff(h.levels) > 0)


def test_contour_levels_are_log_spaced_for_wide_ranges():
    s = ov.surface("rosenbrock")
    _fig, ax = plt.subplots()
    levels = ov.plot.contour(s, ax=ax).levels - s.fmin
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)  # geometric
    assert ratios[0] > 1.5


def test_condition_map_array_is_condition_number_on_the_grid():
    s = ov.surface("himmelblau")
    _fig, ax = plt.subplots()
    h = ov.plot.condition_map(s, ax=ax, resolution=60)
    expected = ov.condition_number(s, h.grid)
    shown = h.image.get_array()
    np.testing.assert_array_equal(
        np.ma.getdata(shown)[~np.ma.getmaskarray(shown)], expected[np.isfinite(expected)]
    )
    assert h.indefinite is not None, "himmelblau has saddles: indefinite regions are hatched"
    assert h.annotations[0].get_text().startswith("κ = ")


def test_eigen_glyphs_follow_the_hessian():
    s = ov.surface("quadratic", kappa=16, angle=30)
    _fig, ax = plt.subplots()
    lines = ov.plot.eigen_glyphs(s, np.array([[0.0, 0.0]]), ax=ax)
    values, _vectors = ov.hessian_eigen(s, [0.0, 0.0])
    assert [line.eigenvalue for line in lines] == values.tolist()
    lengths = [np.hypot(*np.ptp(line.get_xydata(), axis=0)) for line in lines]
    assert lengths[0] / lengths[1] == pytest.approx(4.0)  # 1/sqrt(lambda): sqrt(16)


def test_profile_balls_follow_the_iterates():
    s = ov.surface("local_minimum")
    t = ov.run(s, ov.Momentum(lr=0.02), start=(-2.0, 0.0), steps=150)
    _fig, ax = plt.subplots()
    h = ov.plot.profile(s, t, ax=ax, along="x", through=(0.0, 0.0))
    data = h.balls[0].get_xydata()
    np.testing.assert_allclose(data[:, 0], t.xy[:, 0])
    np.testing.assert_allclose(data[:, 1], s.value(t.xy))
    assert h.balls[0].get_markevery() == [t.steps]
    h.set_frame(10)
    assert h.balls[0].get_markevery() == [10]


def test_a_noisy_path_around_smooth_ones_is_not_widened_into_a_blob():
    """A noisy run wandering around smooth runs (Himmelblau, SGD with sigma = 20) is the longest path, so drawn
    lowest, and shares the cells of the paths above it: it was drawn as a stripe under them, 2.5 widths wide,
    and its 150 zigzags merged into a blob. It keeps the style's width; coinciding smooth paths keep their
    stripes."""
    s = ov.surface("himmelblau")
    start = (-0.5, 4.5)
    gd, adam = (ov.run(s, r, start=start, steps=150) for r in (ov.GD(lr=0.01), ov.Adam(lr=0.1)))
    noisy = ov.run(s, ov.GD(lr=0.01), start=start, steps=150, noise=ov.GaussianNoise(20.0), seed=0)
    _fig, ax = plt.subplots()
    ov.plot.contour(s, ax=ax)
    h = ov.plot.trajectory([gd, adam, noisy, adam], ax=ax, label=["GD", "Adam", "SGD", "Adam 2"])
    widths = [r.path.get_linewidth() for r in h.runs]
    assert (
        widths[2] == min(widths) == widths[3]
    )  # the noisy run: the style's width, as the top path
    assert widths[1] > widths[3]  # Adam under its copy: a stripe


@pytest.mark.parametrize("rule", [ov.Momentum(lr=0.02), ov.Nesterov(lr=0.02)])
def test_update_diagram_arrows_are_the_recorded_vectors(quad, rule):
    t = ov.run(quad, rule, steps=30)
    _fig, ax = plt.subplots()
    step = 6
    d = ov.plot.update_diagram(t, step, ax=ax)
    lr, rho = rule.lr, rule.rho
    b_prev = t.state["momentum_buffer"][step]
    g = t.grad[step]
    expected = {"velocity": -lr * rho * b_prev, "gradient": -lr * g}
    for name, vec in expected.items():
        arrow = d.arrows[name]
        np.testing.assert_allclose(np.subtract(arrow.xy, arrow.xyann), vec, rtol=1e-12, atol=1e-15)
    step_arrow = d.arrows["step"]
    np.testing.assert_allclose(
        np.subtract(step_arrow.xy, step_arrow.xyann),
        expected["velocity"] + expected["gradient"],
        rtol=1e-12,
    )
    if rule.name == "nesterov":
        x = t.state["position"][step]
        np.testing.assert_allclose(d.arrows["velocity"].xyann, x)
        np.testing.assert_allclose(
            d.arrows["gradient"].xyann, t.xy[step]
        )  # from the look-ahead point p
        np.testing.assert_allclose(
            np.subtract(step_arrow.xy, step_arrow.xyann),
            t.state["position"][step + 1] - x,
            rtol=1e-12,
        )
    else:
        np.testing.assert_allclose(
            np.subtract(step_arrow.xy, step_arrow.xyann), t.xy[step + 1] - t.xy[step], rtol=1e-12
        )


def test_update_diagram_refuses_other_rules(quad):
    t = ov.run(quad, ov.GD(lr=0.02), steps=5)
    with pytest.raises(ValueError, match="momentum or nesterov"):
        ov.plot.update_diagram(t, 2, ax=plt.subplots()[1])


def test_loss_plots_gap_and_theory_rate(quad):
    t = ov.run(quad, ov.GD(lr=0.05), steps=50)
    _fig, ax = plt.subplots()
    h = ov.plot.loss(t, ax=ax, kind="gap", fmin=0.0, rate=0.9)
    np.testing.assert_array_equal(h.lines[0].get_ydata(), t.loss)
    ref = h.rates[0].get_ydata()
    np.testing.assert_allclose(ref, t.loss[0] * 0.9 ** np.arange(51))
    assert ax.get_yscale() == "log"


def test_loss_panel_says_where_nesterovs_loss_is_taken():
    """A Nesterov run's loss curve is its recorded loss, f at torch's stored (look-ahead) iterate, not at the
    drawn actual points; the panel says so for the loss and the gap, and not where no Nesterov run is or
    where the panel plots the drawn points' distance."""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE

    s = ov.surface("rosenbrock")
    nesterov = ov.run(s, ov.Nesterov(lr=0.0005), start=(-1.2, 1.0), steps=30)
    gd = ov.run(s, ov.GD(lr=0.0005), start=(-1.2, 1.0), steps=30)
    for kind, runs, said in [
        ("loss", [gd, nesterov], True),
        ("gap", [nesterov], True),
        ("loss", [gd], False),
        ("distance", [gd, nesterov], False),
    ]:
        _fig, ax = plt.subplots()
        h = ov.plot.loss(runs, ax=ax, kind=kind, fmin=0.0, minimum=(1.0, 1.0))
        assert (ax.get_title(loc="right") == NESTEROV_LOSS_NOTE) is said, (kind, len(runs))
        if kind == "loss" and said:
            y = h.lines[1].get_ydata()
            np.testing.assert_array_equal(y, s.value(nesterov.xy))  # at torch's iterate
            assert not np.allclose(y, s.value(nesterov.path))  # which is not the drawn point
        if kind == "distance":
            np.testing.assert_array_equal(
                h.lines[1].get_ydata(), np.hypot(*(nesterov.path - 1.0).T)
            )  # the drawn points'


def test_single_line_loss_title_too_wide_beside_the_note_goes_a_row_above_it():
    """A panel too narrow for a one-line title beside the Nesterov note (optviz.theory's "{surface}: {title}"
    titles) keeps the title whole, centred a row above the note, clear of it and inside the figure; widened,
    the same panel puts it back beside the note, on the left."""
    from optviz.plot.loss import nesterov_note_of
    from optviz.testing import check_legibility

    s = ov.surface("rosenbrock")
    nesterov = ov.run(s, ov.Nesterov(lr=0.0005), start=(-1.2, 1.0), steps=30)
    text = "Rosenbrock's valley: optimality gap (rate r²)"
    fig, ax = plt.subplots(figsize=(4.6, 3.0), dpi=100, layout="constrained")
    ov.plot.loss([nesterov], ax=ax, legend=False)
    ov.plot.loss_title(ax, text)
    assert [str(f) for f in check_legibility(fig)] == []  # (drawn: no text over text, none clipped)
    title, note = ax._left_title, nesterov_note_of(ax)
    assert title.get_text() == text  # whole
    box, note_box = title.get_window_extent(), note.get_window_extent()
    assert not box.overlaps(note_box)
    assert box.y0 >= note_box.y1  # a row above the note
    assert box.x0 + box.x1 == pytest.approx(2 * ax.bbox.x0 + ax.bbox.width, abs=1)  # centred
    assert box.y1 <= fig.bbox.y1  # the layout made room for it
    fig.set_size_inches(9.0, 3.0)  # room beside the note: on the left again, on the note's row
    fig.canvas.draw()
    box, note_box = title.get_window_extent(), note.get_window_extent()
    assert title.get_text() == text and box.x1 < note_box.x0
    assert box.x0 == pytest.approx(ax.bbox.x0, abs=1)
    assert box.y0 < note_box.y1


def test_surface3d_lifts_the_path():
    s = ov.surface("quadratic", kappa=4)
    t = ov.run(s, ov.GD(lr=0.1), steps=20)
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    h = ov.plot.surface3d(s, t, ax=ax, log=False)
    x, _y, z = h.paths[0].get_data_3d()
    np.testing.assert_array_equal(x, t.xy[:, 0])
    assert np.all(z > s.value(t.xy))


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_savefig_is_byte_stable(tmp_path, quad, fmt):
    t = ov.run(quad, ov.Momentum(lr=0.02), steps=30)

    def render(path):
        with ov.style.context():
            fig, ax = plt.subplots()
            ov.plot.contour(quad, ax=ax)
            ov.plot.trajectory(t, ax=ax)
            ov.savefig(fig, path)
            plt.close(fig)

    render(tmp_path / f"a.{fmt}")
    render(tmp_path / f"b.{fmt}")
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_plot_functions_use_the_current_axes(quad):
    t = ov.run(quad, ov.GD(lr=0.05), steps=5)
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t)
    assert h.paths[0].axes is ax


def test_theory_rate_above_one_is_cut_not_overflowed(quad):
    t = ov.run(quad, ov.GD(lr=0.05), steps=3000, tol=1e-12)
    _fig, ax = plt.subplots()
    h = ov.plot.loss(
        t, ax=ax, kind="gap", fmin=0.0, rate=1.5
    )  # filterwarnings=error: no overflow warning
    ref = h.rates[0].get_ydata()
    assert len(ref) == t.stop_step + 1
    finite = ref[np.isfinite(ref)]
    assert finite.max() <= 10 * t.loss.max()


def test_label_and_colour_lists_must_match_the_runs(quad):
    t = ov.run(quad, ov.GD(lr=0.05), steps=3)
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="label: got 1 values for 2 runs"):
        ov.plot.trajectory([t, t], ax=ax, label=["one"])
    with pytest.raises(ValueError, match="color: got 3 values for 2 runs"):
        ov.plot.loss([t, t], ax=ax, color=["red", "blue", "green"])


def test_a_label_given_to_run_is_shown_as_written(quad):
    t = ov.run(quad, ov.GD(lr=0.05), steps=3, label="GD (exact gradient)")
    _fig, ax = plt.subplots()
    h = ov.plot.trajectory(t, ax=ax)
    assert h.paths[0].get_label() == "GD (exact gradient)"


@pytest.mark.parametrize(
    "start, lr, side",
    [((-1.0, 2.0), 0.04, "left"), ((1.0, 2.0), 0.0, None)],
)
def test_a_diverged_ball_out_of_the_profile_is_still_noted_inside_it(start, lr, side):
    """A run that diverges leaves the profile's panel (its last f is far above the curve's range): its
    "diverged at step k" is written inside the panel, at the edge the ball left by, not clipped away with it.
    A run that stays in view keeps its note above its ball (here: none, it does not diverge)."""
    s = ov.surface("himmelblau")
    runs = [ov.run(s, ov.GD(lr=lr or 0.01), start=start, steps=60)]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    h = ov.plot.profile(s, runs, ax=ax, along="x", through=(0.0, 2.0))
    notes = [m for m in h.markers if hasattr(m, "get_text")]
    if side is None:
        assert runs[0].status != "diverged" and notes == []
        return
    assert runs[0].status == "diverged"
    (note,) = notes
    assert note.get_text() == f"diverged at step {runs[0].stop_step + 1}"
    u_end, f_end = h.balls[0].get_xdata()[-1], h.balls[0].get_ydata()[-1]
    assert f_end > ax.get_ylim()[1] and u_end < ax.get_xlim()[0]  # the ball is out of the panel
    fig.canvas.draw()
    box, frame = note.get_window_extent(), ax.get_window_extent()
    assert note.get_visible() and box.width > 0
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    assert note.get_horizontalalignment() == side
    plt.close(fig)


def test_a_ball_out_of_the_profile_shows_as_a_triangle_at_the_edge_it_left_by():
    from optviz.plot.profile import edge_side

    """A run that leaves the slice's span without diverging (Rastrigin, GD with too large a step, ends at
    x = -9.6 with f = 110, the panel spanning [-4, 4]) has a triangle in its colour inside the panel, at the
    edge it is farthest beyond, pointing there; a ball in the panel has none, and while stepping the triangle
    shows only at the steps whose ball is out."""
    s = ov.surface("rastrigin")
    runs = [ov.run(s, ov.GD(lr=lr), start=(2.3, 0.0), steps=80) for lr in (0.002, 0.2)]
    assert runs[1].status != "diverged"
    fig, ax = plt.subplots(figsize=(8, 4.5))
    h = ov.plot.profile(s, runs, ax=ax, along="x", color=["C0", "C1"])
    inside, out = h.edges
    assert not inside.get_visible()
    u, f = h.balls[1].get_xdata()[-1], h.balls[1].get_ydata()[-1]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    side = edge_side(u, f, (x0, x1), (y0, y1))
    assert side == "top" and f > y1 and u < x0  # farther beyond the top than the left
    assert out.get_visible() and out.get_marker() == "^"
    assert out.get_color() == h.balls[1].get_color()
    assert (out.get_xdata()[0], out.get_ydata()[0]) == (x0, y1)  # the corner it left by
    fig.canvas.draw()
    box, frame = out.get_window_extent(), ax.get_window_extent()
    assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    # stepping: at step 0 both balls are in the panel
    h.set_frame(0)
    assert not out.get_visible()
    plt.close(fig)
