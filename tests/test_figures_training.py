"""The learning-rate figures (issue 17): ``learning_rates`` and ``schedules``.

Each scenario's title is a claim about noisy runs, so it is asserted over 100 seeds (not the figure's 20, and
never one seed); the drawings are asserted on the data their artists hold.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz import plot
from optviz.metrics import smoothed, spread_over_runs
from optviz.scenario import ScenarioError, draw, figure, schema
from optviz.studies import seed_runs

ROOT = Path(__file__).resolve().parents[1]
LEARNING_RATES = ROOT / "scenarios" / "learning_rates.toml"
SCHEDULES = ROOT / "scenarios" / "lr_schedules.toml"
MANY = range(100)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _gaps(surface, batch):
    return np.asarray(batch.loss, dtype=float) - surface.fmin


# -- learning_rates --------------------------------------------------------------------------------
def test_learning_rates_caption_holds_over_100_seeds(gallery):
    """ "too high diverges, high stalls, good ends lowest, low crawls" (high falls fastest at first)."""
    _, data = gallery.computed(LEARNING_RATES)
    s = data.surface
    too_high, high, good, low = seed_runs(s, data.trajectories, seeds=MANY).runs
    assert [t.optimizer.lr for t in (too_high, high, good, low)] == [0.5, 0.2, 0.05, 0.005]
    # too high: every seed diverges, early
    assert (too_high.status == "diverged").all() and too_high.stop_step.max() < 30
    for t in (high, good, low):
        assert (t.status == "max_steps").all()
    g_high, g_good, g_low = (_gaps(s, t) for t in (high, good, low))
    # high falls fastest: after 20 steps, its gap is below good's and low's for most seeds
    assert np.median(g_high[:, 20]) < np.median(g_good[:, 20]) < np.median(g_low[:, 20])
    # ... then stalls on a noise floor above good's: the last 50 steps' mean gap, seed by seed, is higher
    # for 9 seeds in 10 of high's than for 9 in 10 of good's
    floor_high, floor_good = (g[:, -50:].mean(axis=1) for g in (g_high, g_good))
    assert np.quantile(floor_high, 0.1) > np.quantile(floor_good, 0.9)
    # low crawls: still falling at the end, and the highest of the three
    assert (g_low[:, -1] < g_low[:, -101]).all()
    assert np.quantile(g_low[:, -50:].mean(axis=1), 0.1) > np.quantile(floor_high, 0.9)


def test_learning_rates_draws_the_seed_spread(gallery):
    sc, data = gallery.computed(LEARNING_RATES)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    h, study = scene.results["spread"], scene.results["seeds"]
    s = data.surface
    assert study.seeds == tuple(range(20)) and len(study.runs) == 4
    # run j of each batch is the scenario's run made with seed j
    for template, batch in zip(data.trajectories, study.runs, strict=True):
        again = ov.run(s, template.optimizer, steps=300, noise=template.noise, seed=3)
        np.testing.assert_array_equal(batch[3].xy, again.xy)
    # each line is the median (over seeds) of each seed's 11-step mean gap
    for i in (1, 2, 3):
        batch = study.runs[i]
        gaps = smoothed(_gaps(s, batch), batch.stop_step, 11)
        low, mid, high = spread_over_runs(gaps, batch.stop_step, (0.1, 0.5, 0.9))
        np.testing.assert_array_equal(h.lines[i].get_ydata(), mid)
        np.testing.assert_array_equal(h.stats[i]["low"], low)
        np.testing.assert_array_equal(h.stats[i]["high"], high)
    labels = [line.get_label() for line in h.lines]
    assert labels == [
        "too high: SGD (lr=0.5)",
        "high: SGD (lr=0.2)",
        "good: SGD (lr=0.05)",
        "low: SGD (lr=0.005)",
    ]
    # too high: one cross where its line leaves the top, and the note says how many seeds and by when
    assert len(h.markers) == 1 and h.stats[0]["ended"] == 20
    worst = int(study.runs[0].stop_step.max()) + 1
    assert h.notes[0].get_text() == f"diverged: all 20 seeds by step {worst}"
    assert h.markers[0].get_ydata()[0] == h.top == scene.fig.axes[0].get_ylim()[1]
    # one series palette, not the rule colours (four runs of one rule)
    assert len({line.get_color() for line in h.lines}) == 4


def test_spread_axes_end_above_the_bands_when_nothing_explodes():
    s = ov.surface("least_squares", n_samples=64)
    runs = [ov.run(s, ov.GD(lr=lr), steps=60, noise=ov.Minibatch(8)) for lr in (0.05, 0.01)]
    batches = seed_runs(s, runs, seeds=range(8)).runs
    ax = plt.figure().subplots()
    h = plot.loss_spread(batches, ax=ax, kind="gap", fmin=s.fmin)
    highest = max(np.nanmax(st["high"]) for st in h.stats)
    assert h.top == pytest.approx(1.5 * highest) and ax.get_ylim()[1] == h.top
    assert not h.markers and not h.notes


def test_learning_rates_options_are_checked():
    s = ov.surface("least_squares", n_samples=32)
    runs = [ov.run(s, ov.GD(lr=lr), steps=20, noise=ov.Minibatch(4)) for lr in (0.1, 0.01)]
    with pytest.raises(Exception, match=r"figure.names: has 1 names for 2 \[\[run\]\] tables"):
        figure("learning_rates", s, runs, names=["only"])
    with pytest.raises(Exception, match=r"seeds: must be at most"):
        figure("learning_rates", s, runs, seeds=10**6)
    scene = figure("learning_rates", s, runs, seeds=3, names=["fast", "slow"], smooth=1)
    assert [line.get_label() for line in scene.results["spread"].lines] == [
        "fast: SGD (lr=0.1)",
        "slow: SGD (lr=0.01)",
    ]


# -- schedules ------------------------------------------------------------------------------------
def test_schedules_caption_holds_over_100_seeds(gallery):
    """ "decaying the learning rate lowers SGD's noise floor", StepLR a step lower at each decay."""
    _, data = gallery.computed(SCHEDULES)
    s = data.surface
    constant, step, cosine, warmup = (
        _gaps(s, t) for t in seed_runs(s, data.trajectories, seeds=MANY).runs
    )
    end = {
        name: g[:, -20:].mean(axis=1) for name, g in zip("csw", (step, cosine, warmup), strict=True)
    }
    floor = constant[:, -20:].mean(axis=1)
    for g in end.values():
        assert np.median(g) < np.median(floor) / 10  # "far below": ten times lower, at least
        assert np.quantile(g, 0.9) < np.quantile(floor, 0.1)
    # StepLR: each decay (at 100 and 200) lowers the gap of the 20 steps before the next one
    before = [np.median(step[:, a - 20 : a].mean(axis=1)) for a in (100, 200, 301)]
    assert before[0] > 3 * before[1] > 9 * before[2]


def test_schedules_figure_draws_the_lr_of_each_step(gallery):
    sc, data = gallery.computed(SCHEDULES)
    scene = draw(sc, data, size=(6.4, 3.6), dpi=50, pyplot=True)
    lines = scene.results["lr"].lines
    runs = data.trajectories
    assert [line.get_label() for line in lines] == [
        "constant lr",
        "step (step_size=100, γ=0.2)",
        "cosine (T_max=300)",
        "linear (start_factor=0.1, total_iters=30) → cosine (T_max=270)",
    ]
    for line, t in zip(lines, runs, strict=True):
        k, lr = line.get_data()
        np.testing.assert_array_equal(k, np.arange(300))
        np.testing.assert_array_equal(lr, t.lr[:300])
        if (
            t.schedule is not None
        ):  # the schedule's own values: torch's floats (tests/test_schedules.py)
            np.testing.assert_array_equal(lr, t.schedule.values(0.03, 300)[0][:300])
    np.testing.assert_array_equal(lines[0].get_ydata(), np.full(300, 0.03))
    # the paths are seed 0's, the same runs as the loss panel's first seed
    for t, batch in zip(runs, scene.results["seeds"].runs, strict=True):
        np.testing.assert_array_equal(batch[0].xy, t.xy)
    # one colour per schedule, the same in every panel
    spread = scene.results["spread"]
    assert [ln.get_color() for ln in lines] == [ln.get_color() for ln in spread.lines]


def _scenario(text: str):
    return schema.parse(text, path="t.toml")


BASE = """
kind = "schedules"
[surface]
name = "least_squares"
n_samples = 32
[defaults]
steps = 20
noise = { batch_size = 4 }
[[run]]
rule = "gd"
lr = 0.1
"""


@pytest.mark.parametrize(
    "extra, message",
    [
        ("", "run: the schedules figure compares one rule under two or more schedules"),
        (
            '[[run]]\nrule = "gd"\nlr = 0.2\nschedule = { name = "step", step_size = 5 }\n',
            "run[1]: the schedules figure shows one rule under several schedules: run[1]'s rule is "
            "GD(lr=0.2), run[0]'s GD(lr=0.1)",
        ),
        ('[[run]]\nrule = "gd"\nlr = 0.1\n', "run[1].schedule: is the same as run[0]'s"),
    ],
)
def test_schedules_scenario_errors_are_one_line(extra, message):
    with pytest.raises(ScenarioError, match=re.escape(f"t.toml: {message}")) as err:
        _scenario(BASE + extra)
    assert "\n" not in str(err.value)


# -- legends of scheduled runs ------------------------------------------------------------------------
def test_a_scheduled_run_says_so_in_its_legend():
    q = ov.surface("quadratic")
    t = ov.run(q, ov.Momentum(lr=0.1), steps=5, schedule=ov.CosineAnnealingLR(T_max=200))
    assert t.legend == "Momentum (lr=0.1, ρ=0.9), cosine (T_max=200)"
    assert t.legend_text(hyperparams=False) == "Momentum, cosine"
    assert t.legend_text(schedule=False) == "Momentum (lr=0.1, ρ=0.9)"
    assert plot.common.run_label(t, skip=["lr"]) == "Momentum (ρ=0.9), cosine (T_max=200)"
    # OneCycleLR sets the lr and the momentum itself: the legend leaves the rule's own out
    one = ov.run(q, ov.Momentum(lr=0.1), steps=5, schedule=ov.OneCycleLR(max_lr=0.5, total_steps=5))
    assert one.legend == "Momentum, one-cycle (max_lr=0.5)"
    warm = ov.SequentialLR([ov.LinearLR(0.1, total_iters=10), ov.CosineAnnealingLR(90)], [10])
    assert warm.short == "linear → cosine"
    # a label the user chose is shown as written
    mine = ov.run(q, ov.GD(lr=0.1), steps=5, schedule=ov.StepLR(2), label="mine")
    assert mine.legend == "mine"


@pytest.mark.slow
def test_runs_without_noise_are_drawn_once_unsmoothed():
    """Seeds change nothing in a run without noise: one is run, drawn as it is, and titles say no more."""
    q = ov.surface("quadratic", kappa=10)
    runs = [ov.run(q, ov.GD(lr=0.1), steps=40), ov.run(q, ov.GD(lr=0.02), steps=40)]
    scene = figure("learning_rates", q, runs, seeds=20)
    assert scene.results["seeds"].seeds == (0,)
    for line, t in zip(scene.results["spread"].lines, runs, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), t.loss - q.fmin)
    assert scene.fig.axes[0].get_title().endswith("\noptimality gap")
    schedules = [runs[0], ov.run(q, ov.GD(lr=0.1), steps=40, schedule=ov.StepLR(10, gamma=0.5))]
    scene = figure("schedules", q, schedules)
    paths, _, loss = scene.fig.axes[:3]
    assert paths.get_title() == "GD (lr=0.1)" and loss.get_title() == "optimality gap"


def test_a_batch_where_some_seeds_diverge_says_how_many_and_ends_with_the_majority():
    s = ov.surface("least_squares", n_samples=256)
    t = ov.run(
        s, ov.GD(lr=0.37), steps=300, noise=ov.Minibatch(8)
    )  # at the edge: some seeds diverge
    (batch,) = seed_runs(s, [t], seeds=range(20)).runs
    diverged = batch.status == "diverged"
    assert 0 < diverged.sum() < 20
    ax = plt.figure().subplots()
    h = plot.loss_spread([batch], ax=ax, kind="gap", fmin=s.fmin, unit="seeds")
    worst = int(batch.stop_step[diverged].max()) + 1
    assert h.notes[0].get_text() == f"diverged: {diverged.sum()} of 20 seeds by step {worst}"
    # the median is drawn while at least half of the seeds are still going, and ends at the top of the axes
    # where it climbs past it (the cross is there)
    k, y = h.lines[0].get_data()
    going = (batch.stop_step[:, None] >= np.arange(301)).sum(axis=0)
    assert going[int(k[-1])] >= 10
    assert y[-1] == h.top == ax.get_ylim()[1] or going[int(k[-1]) + 1] < 10
    assert (y[:-1] < h.top).all()
    assert tuple(h.markers[0].get_xydata()[0]) == (k[-1], y[-1])


def test_spread_panels_say_where_nesterovs_loss_is_taken():
    """A batch of Nesterov's runs plots its recorded loss, f at torch's look-ahead iterate: the spread panel says
    so with plot.loss's own note (its right-hand title), for the loss and the gap, and only where a batch is
    Nesterov's."""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE, nesterov_note_of

    s = ov.surface("least_squares", n_samples=64)
    noise = ov.Minibatch(8)
    gd = ov.run(s, ov.GD(lr=0.05), steps=40, noise=noise)
    nesterov = ov.run(s, ov.Nesterov(lr=0.05, rho=0.9), steps=40, noise=noise)
    gd_batch, nesterov_batch = seed_runs(s, [gd, nesterov], seeds=range(4)).runs
    for kind, batches, said in [
        ("gap", [gd_batch, nesterov_batch], True),
        ("loss", [nesterov_batch], True),
        ("gap", [gd_batch], False),
    ]:
        ax = plt.figure().subplots()
        h = plot.loss_spread(batches, ax=ax, kind=kind, fmin=s.fmin)
        assert (ax.get_title(loc="right") == NESTEROV_LOSS_NOTE) is said, (kind, len(batches))
        assert (nesterov_note_of(ax) is not None) is said
        # the curve is the recorded loss: f at torch's iterate (xy), not at the drawn points
        if said:
            offset = s.fmin if kind == "gap" else 0.0
            np.testing.assert_allclose(
                h.stats[-1]["mid"][0], np.median(s.value(nesterov_batch.xy[:, 0]) - offset)
            )


@pytest.mark.slow
@pytest.mark.parametrize("scenario", [LEARNING_RATES, SCHEDULES])
def test_spread_figures_with_nesterov_keep_their_title_whole_beside_the_note(scenario, tmp_path):
    """The learning_rates and schedules figures with Nesterov's runs: the loss panel carries the note, its
    title of several lines stays whole (the seeds, the band), and the figure is legible (no text over text:
    the title sits a row above the note)."""
    from optviz.plot.loss import NESTEROV_LOSS_NOTE, nesterov_note_of
    from optviz.testing import check_legibility

    text = scenario.read_text(encoding="utf-8")
    if "schedules" in scenario.name:
        text = text.replace('rule = "momentum"', 'rule = "nesterov"')
    else:
        text = text.replace("names = [", 'names = ["Nesterov", ').replace(
            "[[run]]", '[[run]]\nrule = "nesterov"\nlr = 0.05\nrho = 0.9\n\n[[run]]', 1
        )
    text = re.sub(r"seeds = 20", "seeds = 4", text)
    path = tmp_path / scenario.name
    path.write_text(text, encoding="utf-8")
    fig = ov.scenario.scene_for(ov.scenario.load(path)).fig
    panels = [ax for ax in fig.axes if nesterov_note_of(ax) is not None]
    assert len(panels) == 1
    ax = panels[0]
    assert ax.get_title(loc="right") == NESTEROV_LOSS_NOTE
    assert "median of 4 seeds" in ax.get_title()  # whole
    assert [str(f) for f in check_legibility(fig)] == []  # (drawn at its output size)
    title, note = ax.title.get_window_extent(), ax._right_title.get_window_extent()
    assert title.y0 >= note.y1  # a row above the note's
