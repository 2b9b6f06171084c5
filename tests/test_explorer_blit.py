"""The explorer's blitted updates have the pixels of a full redraw, and redraw only what changed.

Each check drives an explorer headless (Agg, 1400 x 800), takes the canvas after the update (a blit of the
regions that changed over the saved background), then draws the whole figure again and compares every pixel.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz.explorer import SurfaceExplorer

RULES = ["gd", "momentum", "nesterov", "adam"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def opened(surface: str = "quadratic", **kw) -> SurfaceExplorer:
    ex = ov.explore(surface, rules=kw.pop("rules", RULES), pyplot=False, **kw)
    ex.blitter.flush()  # as a window shows it once opened
    return ex


def assert_full_redraw_equal(ex: SurfaceExplorer) -> None:
    """The canvas as the last update left it (and a window's loop: a full draw that is due) equals a full draw
    of the figure."""
    ex.blitter.flush()
    canvas = ex.fig.canvas
    shown = np.array(canvas.buffer_rgba())
    canvas.draw()
    full = np.asarray(canvas.buffer_rgba())
    differ = np.argwhere((shown != full).any(axis=-1))
    assert not len(differ), f"{len(differ)} pixels differ, first at (row, col) {differ[0].tolist()}"


MOVES = [
    ("lr", lambda ex: ex.set(lr=ex.settings.lr * 0.8)),
    ("adaptive_lr", lambda ex: ex.set(adaptive_lr=ex.settings.adaptive_lr * 1.3)),
    ("rho", lambda ex: ex.set(rho=0.7)),
    ("beta1", lambda ex: ex.set(beta1=0.8)),
    ("sigma", lambda ex: ex.set(sigma=0.3)),
    ("start", lambda ex: ex.set_start(np.asarray(ex.settings.start) * 0.9)),
    ("steps", lambda ex: ex.set(steps=ex.settings.steps - 7)),
    ("step", lambda ex: ex.step()),
    ("run", lambda ex: ex.run(13)),
    ("reset", lambda ex: ex.reset()),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "move"), MOVES, ids=[m[0] for m in MOVES])
def test_a_move_blits_the_pixels_of_a_full_redraw(name, move) -> None:
    ex = opened()
    move(ex)  # the first move may change the loss panel's decades (a full draw); the next ones blit
    ex.blitter.flush()
    draws, blits = ex.blitter.full_draws, ex.blitter.blits
    move(ex)
    assert ex.blitter.full_draws == draws and ex.blitter.blits == blits + 1
    assert_full_redraw_equal(ex)


@pytest.mark.slow
@pytest.mark.parametrize("surface", ["rosenbrock", "saddle", "himmelblau", "least_squares"])
def test_blits_equal_full_redraws_on_other_surfaces(surface) -> None:
    ex = opened(surface)
    for move in (lambda: ex.set(lr=ex.settings.lr * 1.1), ex.reset, lambda: ex.run(5)):
        move()
        assert_full_redraw_equal(ex)


@pytest.mark.slow
def test_a_diverging_run_blits_its_marks_exactly() -> None:
    ex = opened(rules=["gd", "adam"])
    ex.set(lr=0.5)  # GD diverges on kappa = 10
    ex.set(lr=0.45)
    assert str(ex.runs["gd"].status) == "diverged"
    assert ex.artists["gd"].note.get_visible()
    assert_full_redraw_equal(ex)


@pytest.mark.slow
def test_nothing_static_lies_over_the_live_artists_on_any_surface() -> None:
    # The layout keeps widgets, axes and titles clear of every live artist's box: nothing static is drawn per
    # update, so the background holds them all.
    for name in ov.surface_names():
        ex = opened(name)
        assert ex.blitter.covered == [], name
        ex.close()


@pytest.mark.slow
def test_a_slider_move_redraws_only_what_it_changed() -> None:
    ex = opened()
    ex.set(lr=ex.settings.lr * 0.9)
    ex.blitter.flush()
    ex.set(lr=ex.settings.lr * 0.9)
    redrawn = {id(a) for r in ex.blitter.redrawn for a in r.artists}
    moved = ex.widgets["lr"]
    assert {id(moved.poly), id(moved.valtext)} <= redrawn
    assert id(ex.artists["gd"].path.paths[0]) in redrawn
    assert id(ex.artists["gd"].loss.lines[0]) in redrawn
    # Adam's lr did not change: its readout row is not redrawn, nor the rule names, nor other sliders.
    adam_row = ex.readout_texts[3]
    assert not {id(t) for t in adam_row} & redrawn
    assert not {id(row[0]) for row in ex.readout_texts} & redrawn
    assert id(ex.widgets["rho"].valtext) not in redrawn
    assert id(ex.step_text) not in redrawn  # still "step 100 of 100"
    # The contour and the widgets are never animated: they are the background.
    assert not any(c.get_animated() for c in ex.ax.collections)
    assert not ex.widgets["rho"].track.get_animated()


@pytest.mark.slow
def test_regions_share_no_pixel() -> None:
    ex = opened()
    boxes = [r.box for r in ex.blitter.regions]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


@pytest.mark.slow
def test_loss_limits_move_in_decades_and_rarely() -> None:
    ex = opened()
    ax = ex.loss_ax
    low, high = ax.get_ylim()
    assert np.log10(low) == round(np.log10(low)) and np.log10(high) == round(np.log10(high))
    assert ax.get_xlim() == (0, 100)
    full = 0
    for f in np.linspace(0.95, 1.05, 21):  # a drag over +-5%
        limits, draws = ax.get_ylim(), ex.blitter.redraws
        ex.set(lr=0.1 * f)
        if ex.blitter.redraws > draws:  # only when the limits changed, by whole decades
            full += 1
            assert ax.get_ylim() != limits
            assert all(np.log10(v) == round(np.log10(v)) for v in ax.get_ylim())
    assert (
        full <= 3
    )  # the runs' tails dip by many decades over this drag (GD and Momentum oscillate)
    draws = ex.blitter.redraws
    ex.set(steps=101)  # past 100: the x-limit goes to the next step of the ladder, a full draw
    assert ax.get_xlim() == (0, 150) and ex.blitter.redraws == draws + 1
    ex.set(steps=150)
    assert ex.blitter.redraws == draws + 1
    ex.set(steps=60)  # the axis ends at the last step (docs/explorer.png once showed 100 for 60)
    assert ax.get_xlim() == (0, 60) and ex.blitter.redraws == draws + 2


def test_loss_limit_rules() -> None:
    from optviz.explorer._surface import loss_limits, nice_ceiling

    ns = (1, 7, 37, 60, 61, 100, 101, 250, 501, 900)
    assert [nice_ceiling(n) for n in ns] == [1, 8, 40, 60, 80, 100, 150, 300, 600, 1000]
    # Never more than half past the last step.
    assert all(n <= nice_ceiling(n) <= 1.5 * n for n in range(1, 2000))
    assert loss_limits(np.array([5.0, 1e-3]), log=True) == (1e-4, 10.0)
    # Kept while the values fit and fill half of the decades shown; else tightened.
    assert loss_limits(np.array([5.0, 1e-2]), log=True, current=(1e-4, 10.0)) == (1e-4, 10.0)
    assert loss_limits(np.array([5.0, 2.0]), log=True, current=(1e-4, 10.0)) == (1.0, 10.0)
    assert loss_limits(np.array([50.0, 1.0]), log=True, current=(1e-4, 10.0)) == (0.1, 100.0)
    assert loss_limits(np.array([5.0, 1e-6]), log=True, current=(1e-4, 10.0)) == (1e-9, 10.0)
    assert loss_limits(np.array([-2.6, 1.3]), log=False) == (-3.0, 2.0)


@pytest.mark.slow
def test_without_blitting_every_update_draws_in_full() -> None:
    ex = opened()
    ex.blitter.enabled = False
    ex.blitter.background = None
    draws = ex.blitter.full_draws
    ex.set(lr=0.05)
    ex.step()
    assert ex.blitter.blits == 0 and ex.blitter.full_draws == draws + 2


@pytest.mark.slow
def test_the_minimum_label_stays_legible_over_the_paths() -> None:
    from optviz._blit import draw_order

    ex = opened()  # every path ends in the minimum, where the label is
    (label,) = ex.contour.labels
    assert label.get_text() == "min" and label.get_bbox_patch() is not None
    order = draw_order(ex.fig)
    for rule in RULES:
        run = ex.artists[rule].path.runs[0]
        assert max(order.index(a) for a in (run.path, run.start, run.end)) < order.index(label)
    assert label in ex.blitter.artists and label.get_clip_on()  # live, in the contour's region
    assert any(label in r.artists and run.path in r.artists for r in ex.blitter.regions)
    ex.set(lr=ex.settings.lr * 0.7)  # drawn again over the new paths, as a full redraw draws it
    assert_full_redraw_equal(ex)


@pytest.mark.slow
def test_without_an_event_loop_a_due_full_draw_waits_until_pixels_are_asked_for() -> None:
    # Agg draws inside draw_idle at once; the explorer marks the figure stale instead, as a window's loop
    # coalesces its idle draws: two changes, one full draw, with a full draw's pixels.
    ex = opened()
    draws, redraws = ex.blitter.full_draws, ex.blitter.redraws
    ex.set(steps=101)  # the loss panel's x-limit goes to the next step of its ladder
    ex.set(steps=60)
    assert ex.blitter.redraws == redraws + 2 and ex.blitter.full_draws == draws
    assert ex.blitter.background is None and ex.fig.stale
    ex.blitter.flush()
    assert ex.blitter.full_draws == draws + 1 and ex.loss_ax.get_xlim() == (0, 60)
    assert_full_redraw_equal(ex)
    ex.blitter.flush()  # nothing is due any more
    assert ex.blitter.full_draws == draws + 2  # (the comparison above drew once)


def test_a_canvas_with_an_event_loop_is_asked_for_an_idle_draw() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from optviz.explorer._blitter import draws_at_once

    class Looped(FigureCanvasAgg):  # a GUI canvas: draw_idle is deferred to its loop
        asked = 0

        def draw_idle(self, *args, **kwargs):
            type(self).asked += 1

    ex = opened()
    assert draws_at_once(ex.fig.canvas)
    canvas = Looped(ex.fig)
    assert not draws_at_once(canvas)
    draws = ex.blitter.full_draws
    ex.set(steps=101)
    assert Looped.asked == 1 and ex.blitter.full_draws == draws  # the loop draws it, later


@pytest.mark.slow
def test_the_nesterov_note_shows_while_nesterov_does() -> None:
    """The loss panel's note on Nesterov's loss (plot.loss's, its right-hand title) is a claim about a shown
    curve: written while Nesterov's run is shown, and only then, the check box ticked and unticked; the step
    counter (the left title) keeps its strip and its box stops short of the note only while the note is there;
    a step then still blits the pixels of a full redraw."""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE, nesterov_note_of

    ex = opened(rules=["gd", "momentum"])
    ax = ex.loss_ax
    strip = (ex.step_text.get_window_extent().y0, ex.step_text.get_window_extent().y1)
    assert ax.get_title(loc="right") == "" and nesterov_note_of(ax) is None
    assert ex.step_text.get_clip_box().x1 == ax.bbox.x1
    for rules, said in ((["gd", "momentum", "nesterov"], True), (["gd", "adam"], False)):
        ex.set(rules=rules)
        ex.blitter.flush()
        assert (ax.get_title(loc="right") == NESTEROV_LOSS_NOTE) is said, rules
        box = ex.step_text.get_window_extent()
        assert (box.y0, box.y1) == strip  # (on its strip, as at opening)
        clip = ex.step_text.get_clip_box()
        if said:
            assert clip.x1 < nesterov_note_of(ax).get_window_extent().x0
        else:
            assert clip.x1 == ax.bbox.x1
        ex.step()
        assert_full_redraw_equal(ex)
