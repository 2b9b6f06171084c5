"""Theory figure kinds: assert on the data the artists hold, and on scenario validation."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz import theory as th
from optviz.metrics import measured_rate
from optviz.scenario import ScenarioError, figure, schema
from optviz.studies import phase_sweep

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("rule", ["momentum", "nesterov"])
def test_phase_diagram_image_is_the_sweeps_rates(rule):
    q = ov.surface("quadratic", kappa=10)
    lecture = ov.run(q, ov.rule(rule, lr=0.02, rho=0.9), steps=5)
    scene = figure("phase_diagram", q, [lecture], rule=rule, grid=12, steps=200)
    h, res = scene.results["artists"], scene.results["sweep"]
    again = phase_sweep(q, rule, grid=12, steps=200)  # the same vectorized sweep, run again
    image = np.ma.filled(h.mesh.get_array(), np.nan).reshape(12, 12)
    np.testing.assert_array_equal(image, again.on_grid("rate", reduce="median").T)
    np.testing.assert_array_equal(image, res.on_grid("rate")[..., 0].T)  # rows rho, columns lr
    assert res.grid["lr"][-1] == pytest.approx(1.1 * th.max_lr(rule, q, 1.0) * 23 / 24)
    # measured non-convergence is grey: the colour map's "over" colour above a rate of 1
    assert h.mesh.norm.vmax == 1.0 and (image[np.isfinite(image)] >= 1).any()
    assert matplotlib.colors.same_color(h.mesh.cmap.get_over(), "0.82")
    x, y = h.boundary.get_data()
    np.testing.assert_allclose(x, th.max_lr(rule, q, y))
    best = th.optimal(rule, q)
    assert tuple(h.optimum.get_xydata()[0]) == pytest.approx((best.lr, best.rho))
    assert (h.classic is not None) == (rule == "nesterov")
    assert tuple(h.runs[0].get_xydata()[0]) == (0.02, 0.9)
    # the measured region agrees with the predicted one away from the boundary
    lr, rho = np.meshgrid(res.grid["lr"], res.grid["rho"])
    predicted = th.rate(rule, q, lr, rho)
    clear = np.abs(predicted - 1) > 0.02
    assert ((image < 1) == (predicted < 1))[clear].all()


@pytest.mark.slow
def test_convergence_rates_draws_measured_beside_predicted():
    q = ov.surface("quadratic", kappa=100, angle=30)
    hb = th.heavy_ball_optimal(q)
    runs = [
        ov.run(q, ov.GD(lr=th.gd_optimal_lr(q)), steps=150),
        ov.run(q, ov.Momentum(lr=hb.lr, rho=hb.rho), steps=150),
        ov.run(q, ov.Adam(lr=0.1), steps=150),  # no theory: a blank beside it in the legend
    ]
    scene = ov.figures.figure("convergence_rates", q, runs)
    ax = scene.fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 2
    for t, line in zip(runs, lines, strict=False):
        np.testing.assert_allclose(line.get_ydata(), np.hypot(*t.xy.T))
    for t, line in zip(runs, dashed, strict=False):
        r = th.rate(t.optimizer, q)
        np.testing.assert_allclose(line.get_ydata(), np.hypot(*t.xy[0]) * r ** np.arange(151))
    texts = [text.get_text() for text in scene.fig.legends[0].get_texts()]
    assert texts[0] == f"GD (lr=0.0198): measured {measured_rate(runs[0], q):.4f}"
    assert texts[1].startswith("Momentum (lr=0.03306, ρ=0.6694): measured 0.8")
    gd_rate = th.gd_rate(q, th.gd_optimal_lr(q))
    assert texts[3:] == [f"predicted {gd_rate:.4f}", f"predicted {hb.rate:.4f}", " "]
    assert measured_rate(runs[1], q) == pytest.approx(hb.rate, rel=1e-2)
    scene.set_frame(10)
    assert len(lines[0].get_xdata()) == 11  # the curves grow frame by frame
    # the optimality gap decays like the distance squared, and is measured on the gap itself
    scene = ov.figures.figure("convergence_rates", q, runs[:1], quantity="gap", paths=True)
    (gap_line,) = [line for line in scene.fig.axes[1].get_lines() if line.get_linestyle() == "-"]
    np.testing.assert_allclose(gap_line.get_ydata(), runs[0].loss - q.fmin)
    assert measured_rate(runs[0], q, "gap") == pytest.approx(gd_rate**2, rel=1e-9)
    text = scene.fig.legends[0].get_texts()[1].get_text()
    assert text == f"predicted {gd_rate**2:.4f}"


def test_seed_sweep_points_means_and_theory():
    q = ov.surface("quadratic", kappa=20)
    template = ov.run(q, ov.Momentum(lr=0.01, rho=0.9), steps=300, noise=ov.GaussianNoise(1.0))
    values = [0.002, 0.01, 0.05, 0.2]  # the last one diverges (2 (1 + rho) / L = 0.19)
    scene = figure("seed_sweep", q, [template], values=values, seeds=6)
    (res,), (h,) = scene.results["sweeps"], scene.results["artists"]
    again = ov.sweep(q, ov.Momentum, grid={"lr": values, "rho": [0.9]}, start=template.xy[0],
                     steps=300, seeds=range(6), noise=ov.GaussianNoise(1.0))  # fmt: skip
    np.testing.assert_array_equal(res["final_loss"], again["final_loss"])
    loss = again.on_grid("final_loss")[:, 0]  # (values, seeds)
    ok = again.on_grid("status")[:, 0] != "diverged"
    assert ok[:3].all() and not ok[3].any()
    points = h.points.get_offsets()
    np.testing.assert_array_equal(points[:, 1], loss[ok])
    np.testing.assert_array_equal(points[:, 0], np.repeat(values[:3], 6))
    ax = scene.fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    geometric = 10 ** np.log10(loss[:3]).mean(axis=1)
    np.testing.assert_allclose(h.mean.get_ydata()[:3], geometric)
    assert np.isnan(h.mean.get_ydata()[3])
    assert len(h.diverged.get_offsets()) == 6
    (theory,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    x, y = theory.get_data()
    i = np.flatnonzero(np.isfinite(y))[0]
    expected = th.stationary_loss(q.A, x[i], 1.0, rho=0.9, rule="momentum", geometric=True)
    assert y[i] == pytest.approx(expected)
    texts = [t.get_text() for t in scene.fig.legends[0].get_texts()]
    assert texts[:2] == ["SGD+Momentum (ρ=0.9)", "one seed"]
    assert "stationary geometric mean (theory)" in texts and "diverged" in texts


def test_rate_table_figure_shows_the_table():
    scene = figure("rate_table", kappas=[10, 100])
    table = scene.results["table"]
    assert [r.kappa for r in table.rows] == [10, 10, 10, 100, 100, 100]
    cells = scene.results["artists"].table.get_celld()
    shown = [[cells[r, c].get_text().get_text() for c in range(8)] for r in range(7)]
    assert shown[0] == ["κ", "rule", "setting", "lr", "ρ", "predicted", "measured", "difference"]
    assert shown[1:] == table.cells()
    assert shown[5][1] == "Momentum" and shown[5][5] == "0.81818"
    assert matplotlib.colors.same_color(
        cells[5, 1].get_text().get_color(), ov.style.RULE_COLORS["momentum"]
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('kind = "seed_sweep"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.1\n',
         "figure.values: is required: the values of the swept hyperparameter"),
        ('kind = "seed_sweep"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.1\n'
         '[figure]\nparam = "lrr"\nvalues = [0.1, 0.2]\n',
         "figure.param: unknown gd parameter 'lrr'; did you mean 'lr'? (valid: lr, weight_decay)"),
        ('kind = "seed_sweep"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.1\n'
         '[figure]\nvalues = [0.1, -0.2]\n', "figure.values[1]: must be a positive number, got -0.2"),
        ('kind = "phase_diagram"\n[surface]\nname = "quadratic"\n[figure]\nkappa = 10\n',
         "figure.kappa: give kappa in [surface] or in [figure], not both"),
        ('kind = "phase_diagram"\n[[run]]\nrule = "gd"\nlr = 0.1\n',
         "run[0].rule: the phase diagram is of momentum; a marked run must use it too, got 'gd'"),
        ('kind = "phase_diagram"\n[figure]\ngrid = 500\n', "figure.grid: must be at most 200, got 500"),
        ('kind = "phase_diagram"\n[surface]\nname = "saddle"\n',
         "surface: figure kind 'phase_diagram' draws a quadratic or a surface with a known minimum (theory "
         "needs its spectrum), got 'saddle' (saddle has no known minimum to take a spectrum at)"),
        ('kind = "rate_table"\n[figure]\nkappas = [0.5]\n', "figure.kappas[0]: must be at least 1, got 0.5"),
        ('kind = "convergence_rates"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.1\n'
         '[figure]\nquantity = "loss"\n', "figure.quantity: unknown quantity 'loss'"),
    ],
)  # fmt: skip
def test_scenario_errors_are_one_line(text, message):
    with pytest.raises(ScenarioError) as err:
        schema.parse(text, "x.toml")
    assert str(err.value).startswith(f"x.toml: {message}")


def test_a_study_kind_drawn_from_python_needs_its_study():
    q = ov.surface("quadratic", kappa=10)
    with pytest.raises(ValueError) as err:
        ov.figures.figure("phase_diagram", q, grid=8, steps=50)
    assert "optviz.studies.phase_sweep" in str(err.value) and str(err.value).startswith("study: ")
    # handed the study, the drawing kind draws exactly it
    res = phase_sweep(q, grid=8, steps=50)
    scene = ov.figures.figure("phase_diagram", q, grid=8, steps=50, study=res)
    assert scene.results["sweep"] is res


def test_python_and_toml_options_are_refused_alike():
    text = 'kind = "phase_diagram"\n[figure]\ngrid = 500\n'
    with pytest.raises(ScenarioError) as from_file:
        schema.parse(text, "x.toml")
    with pytest.raises(ValueError) as from_python:
        figure("phase_diagram", grid=500)
    assert str(from_file.value) == f"x.toml: {from_python.value}"
