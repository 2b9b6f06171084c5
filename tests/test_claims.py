"""Each gallery scenario's claim, asserted on the data the figure draws (design section 10, issue 13).

A scenario's title and description are claims about its data. The runs here are the scenario's own (the
``gallery`` fixture computes each scenario once); a claim about noisy runs is tested over many seeds of the same
rule, noise and start (means and shares, never one lucky seed).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import optviz as ov

ROOT = Path(__file__).resolve().parents[1]
SEEDS = 200


def scenario(gallery, name):
    return gallery.computed(ROOT / "scenarios" / f"{name}.toml")


def reseeded(surface, t, seeds=SEEDS):
    """The run ``t`` (its rule, noise and start, on ``surface``) again over ``seeds`` seeds, batched."""
    start = np.tile(np.asarray(t.xy[0], dtype=float), (seeds, 1))
    return ov.run(surface, t.optimizer, start, t.steps, noise=t.noise, seed=list(range(seeds)))


def steps_of(xy):
    d = np.diff(xy, axis=-2)
    return d, np.hypot(d[..., 0], d[..., 1])


def turning(xy):
    """Mean absolute turning angle between successive steps, per run."""
    d, _ = steps_of(xy)
    angle = np.arctan2(d[..., 1], d[..., 0])
    return np.abs(np.angle(np.exp(1j * np.diff(angle, axis=-1)))).mean(axis=-1)


def smoother(surface, sgd, momentum, after=50):
    """Momentum's path is smoother than SGD's in every seed: shorter steps that turn less (after ``after``)."""
    a, b = reseeded(surface, sgd), reseeded(surface, momentum)
    step_a, step_b = (
        steps_of(a.xy[:, after:])[1].mean(axis=1),
        steps_of(b.xy[:, after:])[1].mean(axis=1),
    )
    assert np.mean(step_b < step_a) >= 0.99 and step_b.mean() < 0.5 * step_a.mean()
    turn_a, turn_b = turning(a.xy[:, after:]), turning(b.xy[:, after:])
    assert np.mean(turn_b < turn_a) >= 0.99 and turn_b.mean() < 0.5 * turn_a.mean()


# -- lecture 3's SGD + Momentum slides ----------------------------------------------------------------------
def test_gradient_noise_momentum_smooths_the_path(gallery):
    sc, data = scenario(gallery, "gradient_noise")
    sgd, momentum = data.trajectories
    smoother(data.surface, sgd, momentum)
    # What it does not show, and so does not say: momentum hovering closer (0.87 against 0.91 on average).
    text = (sc.title + sc.description).lower()
    assert "closer" not in text and "smooth" in text


def panels(gallery, name):
    sc, data = scenario(gallery, name)
    return sc, {
        p.title.split(" (")[0]: (kind, d, p)
        for (kind, d), p in zip(data.panels, sc.panels, strict=True)
    }


def test_sgd_vs_momentum_each_panels_claim_over_seeds(gallery):
    _sc, by_title = panels(gallery, "sgd_vs_momentum")
    # Local minima: SGD settles in the local minimum (x < 0), momentum rolls into the global one (x > 1).
    panel = by_title["Local minima"][1]
    sgd, momentum = (reseeded(panel.surface, t) for t in panel.trajectories)
    assert np.mean(sgd.xy[:, -1, 0] < 0) >= 0.95 and np.mean(momentum.xy[:, -1, 0] > 1) >= 0.95
    # Saddle points: after 60 steps SGD is still at the saddle along its escape direction x; momentum left it.
    panel = by_title["Saddle points"][1]
    sgd, momentum = (reseeded(panel.surface, t) for t in panel.trajectories)
    assert np.mean(np.abs(sgd.xy[:, -1, 0]) < 0.5) >= 0.95
    assert np.mean(np.abs(momentum.xy[:, -1, 0]) > 0.5) >= 0.95
    # Poor conditioning: momentum damps the zigzag across the steep axis (y): smaller y steps after step 10.
    panel = by_title["Poor conditioning"][1]
    sgd, momentum = (reseeded(panel.surface, t) for t in panel.trajectories)
    zig_sgd = np.abs(np.diff(sgd.xy[:, 10:, 1], axis=1)).mean(axis=1)
    zig_momentum = np.abs(np.diff(momentum.xy[:, 10:, 1], axis=1)).mean(axis=1)
    assert np.mean(zig_momentum < zig_sgd) >= 0.95
    # Gradient noise: a smoother path.
    noise = by_title["Gradient noise"][1]
    smoother(noise.surface, *noise.trajectories)


def test_sgd_vs_momentum_panels_say_their_settings(gallery):
    # The shared legend says only "SGD" and "SGD+Momentum": each panel's title names what its runs use.
    _sc, by_title = panels(gallery, "sgd_vs_momentum")
    for name, (_kind, data, spec) in by_title.items():
        numbers = {float(x) for x in re.findall(r"\d+(?:\.\d+)?", spec.title)}
        for t in data.trajectories:
            assert float(t.optimizer.lr) in numbers, (name, t.label)
            if hasattr(t.optimizer, "rho"):
                assert float(t.optimizer.rho) in numbers and "ρ" in spec.title, (name, t.label)
            assert float(t.noise.sigma) in numbers and "σ" in spec.title, (name, t.label)


def test_poor_conditioning_rho_05_wins_and_the_lectures_rho_09_does_not(gallery):
    sc, data = scenario(gallery, "poor_conditioning")
    final = {
        (t.rule, getattr(t.optimizer, "rho", None)): float(np.hypot(*t.xy[-1]))
        for t in data.trajectories
    }
    gd, rho_05, rho_09 = final[("gd", None)], final[("momentum", 0.5)], final[("momentum", 0.9)]
    assert len({float(t.optimizer.lr) for t in data.trajectories}) == 1  # "the same learning rate"
    assert rho_05 < 0.01 * gd  # gets there first
    assert rho_09 > gd  # overshoots: farther away than GD after 50 steps
    # rho = 0.5 is near Polyak's optimum for kappa = 25, ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2 = 0.44
    assert ov.theory.heavy_ball_optimal(data.surface).rho == pytest.approx(0.444, abs=1e-3)
    # ... and the lecture's 0.9 ends farther from the minimum than GD at this lr
    assert (
        "ρ = 0.5" in sc.description and "ρ = 0.9" in sc.description and "farther" in sc.description
    )


def test_random_search_names_its_slope_follower_and_the_slope_wins(gallery):
    sc, data = scenario(gallery, "random_search")
    search, follower = data.trajectories
    assert search.rule == "random_search" and follower.rule == "momentum"
    assert "gradient descent" not in sc.description.lower() and "Momentum" in sc.description
    assert float(follower.loss[-1]) < float(np.min(search.loss))


def test_local_minimum_gd_stays_momentum_rolls_through(gallery):
    _sc, data = scenario(gallery, "local_minimum")
    gd, momentum = data.trajectories
    s = data.surface
    shallow = max(s.minima, key=lambda m: float(s.value(m)))
    deepest = min(s.minima, key=lambda m: float(s.value(m)))
    assert np.hypot(*(gd.xy[-1] - shallow)) < 0.05
    assert np.hypot(*(momentum.xy[-1] - deepest)) < 0.1


def test_saddle_point_gd_stays_and_noise_escapes_over_seeds(gallery):
    _sc, data = scenario(gallery, "saddle_point")
    gd, sgd = data.trajectories
    assert (
        abs(gd.xy[-1, 0]) < 1e-9 and abs(gd.xy[-1, 1]) < 1e-3
    )  # at the saddle (0, 0), zero gradient
    runs = reseeded(data.surface, sgd)
    assert np.mean(np.abs(runs.xy[:, -1, 0]) > 0.5) >= 0.95  # knocked off the ridge into a well


# -- the other gallery figures --------------------------------------------------------------------------------
def test_numeric_gradient_truncation_falls_and_round_off_rises(gallery):
    from optviz.analysis import finite_difference_errors

    _sc, data = scenario(gallery, "numeric_gradient")
    s, x = data.surface, np.asarray(data.options.point, dtype=float)
    slope = float(s.grad(x)[0])
    hs = np.array([1e-1, 1e-3, 1e-5, 1e-8, 1e-12, 1e-14])
    forward, central = finite_difference_errors(s.value, x, slope, hs)
    assert forward[0] > forward[1] > forward[2]  # truncation ∝ h
    assert central[0] > central[1]  # truncation ∝ h²
    assert forward[-1] > forward[-2] > forward[3]  # round-off ∝ ε/h


def test_weight_decay_lowers_kappa_and_gd_follows(gallery):
    _sc, data = scenario(gallery, "weight_decay_conditioning")
    st = data.study
    kappa, rate = np.asarray(st.kappa), np.asarray(st.rate)
    assert np.all(np.diff(kappa) < 0)
    lams = np.asarray(st.lams, dtype=float)
    np.testing.assert_allclose(kappa, (st.L + 2 * lams) / (st.mu + 2 * lams), rtol=1e-6)
    np.testing.assert_allclose(rate, (kappa - 1) / (kappa + 1), rtol=0.02)


def test_regularization_runs_off_without_l2_and_converges_with_it(gallery):
    _sc, data = scenario(gallery, "regularization")
    (plain,) = data.trajectories
    (l2,) = data.study.runs
    w = np.hypot(plain.xy[:, 0], plain.xy[:, 1])
    assert w[-1] > w[len(w) // 2] > w[len(w) // 4]  # still running off
    assert np.hypot(*l2.grad[-1]) < 1e-6  # at the regularized minimum


def test_batch_vs_minibatch_runs_ten_epochs_each(gallery):
    from optviz.metrics import epochs_seen

    _sc, data = scenario(gallery, "batch_vs_minibatch")
    for t in data.trajectories:
        assert float(np.asarray(epochs_seen(t, 256))[-1]) == pytest.approx(10)
    assert {getattr(t.noise, "batch_size", 256) for t in data.trajectories} == {8, 32, 256}


def test_update_diagrams_step_is_velocity_plus_gradient(gallery):
    for name in ("momentum_update", "nesterov_update"):
        _sc, data = scenario(gallery, name)
        (t,) = data.trajectories
        v = t.update_vectors(data.options.step)
        np.testing.assert_allclose(v["step"], v["velocity"] + v["gradient"], atol=1e-12)
        np.testing.assert_allclose(
            v["point"] + v["step"], t.path[data.options.step + 1], atol=1e-12
        )


def test_rate_table_momentum_turns_kappa_into_sqrt_kappa(gallery):
    _sc, data = scenario(gallery, "rate_table")
    rows = data.study.rows
    for r in rows:
        assert r.measured == pytest.approx(r.predicted, rel=0.02)
    heavy = {r.kappa: r.measured for r in rows if r.rule == "momentum"}
    for kappa, rate in heavy.items():
        assert rate == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), rel=0.05)


def test_seed_sweep_puts_momentum_at_its_effective_step(gallery):
    from optviz.figures.theory import effective_scale

    sc, data = scenario(gallery, "seed_sweep")
    assert data.options.x_axis == "effective_step" and "effective step" in sc.title
    values = np.asarray(data.options.values, dtype=float)
    for t in data.trajectories:
        rho = getattr(t.optimizer, "rho", 0.0)
        assert effective_scale(t) == pytest.approx(1 / (1 - rho))
    scene = ov.figures.figure(
        "seed_sweep", data.surface, data.trajectories, study=data.study, pyplot=False, dpi=40,
        **{f: getattr(data.options, f) for f in ("param", "values", "seeds", "x_axis")},
    )  # fmt: skip
    ax = scene.fig.axes[0]
    assert ax.get_xlabel().startswith("effective step  lr / (1 − ρ)")
    sgd, momentum = scene.results["artists"]
    np.testing.assert_allclose(sgd.stats["x"], values)
    np.testing.assert_allclose(momentum.stats["x"], values / (1 - 0.9))
    scene.close()


def test_the_effective_step_needs_lr_as_the_swept_parameter():
    from optviz._validate import ParameterError

    q = ov.surface("quadratic", kappa=10)
    t = ov.run(q, ov.Momentum(lr=0.01), steps=20, noise=ov.GaussianNoise(1.0))
    with pytest.raises(ParameterError, match=r"effective_step needs param = \"lr\"") as err:
        ov.figures.figure(
            "seed_sweep", q, [t], param="rho", values=[0.5, 0.9], x_axis="effective_step"
        )
    assert err.value.field.endswith("x_axis")


def test_weight_decay_shows_its_price_the_minimum_moves_and_data_loss_rises(gallery):
    _sc, data = scenario(gallery, "weight_decay_conditioning")
    st, s = data.study, data.surface
    c = np.asarray(s.minima[0], dtype=float)
    assert np.hypot(*c) > 1  # a minimum away from the origin, so that L2 moves it
    # Closed form for f = 1/2 (p - c)' A (p - c) with A = diag(a): w*_lam = a c / (a + 2 lam).
    a = np.diag(s.hessian(c))
    for lam, w in zip(st.lams, st.minimizers, strict=True):
        np.testing.assert_allclose(w, a * c / (a + 2 * lam), rtol=1e-9)
    assert np.all(
        np.diff(np.hypot(st.minimizers[:, 0], st.minimizers[:, 1])) < 0
    )  # pulled towards 0
    assert np.all(np.diff(st.data_loss) > 0) and st.data_loss[0] > 0  # the data loss there rises
    np.testing.assert_allclose(st.data_loss, s.value(st.minimizers) - s.value(c), rtol=1e-9)


# -- one colour grammar (issue 13 item 3) ---------------------------------------------------------------------
RULE_NAMES = {"GD": "gd", "SGD": "gd", "Momentum": "momentum", "SGD+Momentum": "momentum",
              "Nesterov": "nesterov", "Adam": "adam", "RMSProp": "rmsprop", "AdaGrad": "adagrad",
              "Random search": "random_search", "AdamW": "adamw", "Newton": "newton", "Damped Newton": "newton",
              "L-BFGS": "lbfgs"}  # fmt: skip


@pytest.mark.slow
def test_a_rule_keeps_its_colour_and_no_series_takes_a_rules(gallery):
    from _gallery import SCENARIOS

    from optviz import style

    shades = {rule: {style.shade(c, k).upper() for k in range(len(style.SHADES))}
              for rule, c in style.RULE_COLORS.items()}  # fmt: skip
    rule_colours = set().union(*shades.values()) - {"#000000", "#555555", "#1A1A1A"}
    checked = 0
    for path in SCENARIOS:
        for label, color in gallery.legend_keys(path):  # recorded as the gallery drew the figure
            if color is None:
                continue
            name = re.split(r" \(|:|,", label)[0].strip()
            rule = RULE_NAMES.get(name.removeprefix("full batch ").removeprefix("noisy ").strip())
            if "B = " in label and not name.startswith("full batch"):
                rule = None  # minibatch sizes are a series, not rules
            if rule is not None:
                assert color in shades[rule], (path.stem, label, color)
                checked += 1
            elif not label.startswith(("measured GD", "predicted ", "λ = ")):  # a run's own curves
                assert color not in rule_colours, (path.stem, label, color)
    assert checked > 20


# -- the kinds whose figures had only older drawing tests (issue 13: every gallery scenario's claim) ----------
# condition_map, convergence_rates, hyperparameter_sweep (seed_sweep), linear_classifier_demo, momentum_vs_nesterov
# (momentum_nesterov), phase_diagram, regularization_preferences, test_functions: their tests drew the kind from
# Python with settings of their own; these hold the gallery scenario's caption to the data it draws.
def test_condition_map_bowls_at_the_minima_and_indefinite_at_the_saddles(gallery):
    from optviz.analysis import condition_number, hessian_eigen

    _sc, data = scenario(gallery, "condition_map")
    s = data.surface
    assert len(s.minima) == 4 and len(s.saddles) >= 4
    for m in s.minima:  # "well-conditioned bowls at the four minima"
        eig = hessian_eigen(s, m)[0]
        assert eig.min() > 0 and float(condition_number(s, m)) < 5, (m, eig)
    for p in s.saddles:  # "indefinite (hatched) regions around the saddles"
        eig = hessian_eigen(s, p)[0]
        assert eig.min() < 0 < eig.max(), (p, eig)


def test_convergence_rates_measured_beside_each_predicted_rate(gallery):
    from optviz.metrics import measured_rate
    from optviz.theory import predicted_rate, spectrum

    _sc, data = scenario(gallery, "convergence_rates")
    s = data.surface
    assert spectrum(s).kappa == pytest.approx(100)
    rules = [t.rule for t in data.trajectories]
    assert {"gd", "momentum", "nesterov"} <= set(rules)
    for t in data.trajectories:
        predicted = predicted_rate(t.optimizer, s)
        assert predicted is not None and 0 < predicted < 1
        # measured over the run's approach (a least-squares fit of the log distance): within 5% of 1 - rate
        measured = measured_rate(t, s)
        assert abs(measured - predicted) < 0.05 * (1 - predicted) + 2e-3, (
            t.label,
            measured,
            predicted,
        )


def test_hyperparameter_sweep_has_a_best_learning_rate_inside_its_range(gallery):
    sc, data = scenario(gallery, "hyperparameter_sweep")
    (result,) = data.study.sweeps
    values = list(sc.main.options.values)
    assert list(result.grid["lr"]) == values and len(result.seeds) == 10  # "over 10 data orders"
    (t,) = data.trajectories
    assert t.noise.batch_size == 8 and t.steps == 60  # "Minibatch SGD (B = 8) ... after 60 steps"
    distance = result.on_grid("final_distance")
    distance = distance.reshape(len(values), -1)
    mean = np.where(np.isfinite(distance), distance, np.inf).mean(axis=1)
    best = int(np.argmin(mean))
    # The cross-validation picture: too small crawls, too large is noisy or diverges; the best is inside.
    assert 0 < best < len(values) - 1
    assert mean[0] > 2 * mean[best] and mean[-1] > 2 * mean[best]


def test_linear_classifier_demo_shows_the_losses_its_caption_names(gallery):
    from optviz.classifier import LinearClassifier

    sc, _data = scenario(gallery, "linear_classifier_demo")
    opts = sc.main.options
    e = LinearClassifier(loss=opts.loss, reg=opts.reg).evaluate()
    named = dict(re.findall(r"(data|regularization|total) (\d+\.\d\d)", sc.description))
    assert named == {
        "data": f"{e.data_loss:.2f}",
        "regularization": f"{e.reg_loss:.2f}",
        "total": f"{e.total:.2f}",
    }


def test_momentum_vs_nesterov_compares_updates_from_one_real_state(gallery):
    _sc, data = scenario(gallery, "momentum_vs_nesterov")
    s = data.surface
    momentum = next(t for t in data.trajectories if t.rule == "momentum")
    nesterov = next(t for t in data.trajectories if t.rule == "nesterov")
    from optviz.plot.diagrams import state_velocities

    v = state_velocities(momentum)
    for k in range(1, momentum.steps):
        x = momentum.path[k]
        heavy = momentum.optimizer.vectors_from(x, v[k], s.grad)
        # the state is the run's own: its update from (x_k, v_k) is the step the run took
        np.testing.assert_allclose(x + heavy["step"], momentum.path[k + 1], rtol=0, atol=1e-12)
        look = nesterov.optimizer.vectors_from(x, v[k], s.grad)
        # the gradient at x for momentum, at the look-ahead x + v for Nesterov
        np.testing.assert_allclose(
            heavy["gradient"], -momentum.optimizer.lr * s.grad(x), atol=1e-15
        )
        np.testing.assert_allclose(look["lookahead"], x + v[k], atol=0)
        np.testing.assert_allclose(
            look["gradient"], -nesterov.optimizer.lr * s.grad(x + v[k]), atol=1e-15
        )
        assert not np.allclose(look["gradient"], heavy["gradient"])


def test_phase_diagram_converges_inside_the_boundary_and_is_fastest_near_polyaks_optimum(gallery):
    from optviz import theory

    _sc, data = scenario(gallery, "phase_diagram")
    res = data.study
    spec = theory.spectrum(res.surface)
    assert spec.kappa == pytest.approx(100) and res.rule == "momentum"
    lr, rho = (np.asarray(res.grid[k], dtype=float) for k in ("lr", "rho"))
    assert (len(lr), len(rho)) == (60, 60)  # "a 60 x 60 (lr, rho) grid"
    rates = np.asarray(res.on_grid("rate", reduce="median"), dtype=float)  # (lr, rho)
    edge = theory.max_lr("momentum", spec, rho)[None, :]
    inside, outside = lr[:, None] < 0.97 * edge, lr[:, None] > 1.03 * edge
    assert np.all(rates[inside] < 1)  # converges inside the predicted boundary
    assert np.all(~(rates[outside] < 1))  # and nowhere beyond it
    best = theory.optimal("momentum", spec)
    assert np.nanmin(rates) == pytest.approx(best.rate, abs=0.02)  # Polyak's optimum is the fastest
    i, j = np.unravel_index(np.nanargmin(np.where(rates < 1, rates, np.inf)), rates.shape)
    assert abs(lr[i] - best.lr) < 0.1 * best.lr and abs(rho[j] - best.rho) < 0.1


def test_regularization_preferences_same_score_l2_prefers_spread(gallery):
    from optviz.classifier import penalty_rows

    sc, _data = scenario(gallery, "regularization_preferences")
    opts = sc.main.options
    (score, l2, l1) = penalty_rows(opts.x, opts.w1, opts.w2)
    assert score[1] == score[2] == 1.0  # "score the same"
    assert (l2[1], l2[2]) == (1.0, 0.25)  # "L2 charges 1 against 0.25"
    assert (l1[1], l1[2]) == (1.0, 1.0)  # "L1 charges both 1"


def test_test_functions_ten_functions_four_rules_from_each_suggested_start(gallery):
    _sc, data = scenario(gallery, "test_functions")
    panels = data.study
    assert len(panels) == 10  # "Ten classic test functions"
    for p in panels:
        assert [t.rule for t in p.runs] == ["gd", "momentum", "nesterov", "adam"]
        for t in p.runs:
            np.testing.assert_array_equal(t.xy[0], p.surface.start)  # "from its suggested start"
            assert str(t.status) != "diverged", (p.surface.name, t.rule)
            assert float(t.loss[int(t.stop_step)]) < float(t.loss[0]), (p.surface.name, t.rule)


# -- issue 18: figures none of the peers have -------------------------------------------------------------------
def test_basins_momentum_sends_many_starts_to_another_minimum(gallery):
    sc, data = scenario(gallery, "basins")
    b = data.study
    assert b.labels[0].shape == (400, 400)  # "400 × 400 starts"
    assert all(e.steps == 500 for e in b.ends) and len(b.minima) == 4
    gd, momentum = b.labels[0], b.labels[1]
    assert (
        gd >= 0
    ).mean() == 1.0  # GD settles every start in a minimum: its basins are the quadrants
    moved = (gd >= 0) & (momentum >= 0) & (gd != momentum)
    assert moved.mean() > 0.10, moved.mean()  # "many starts": over a tenth of the grid
    assert "momentum carries many starts over a ridge into another minimum" in sc.description


def test_stationary_noise_clouds_match_the_lyapunov_prediction(gallery):
    sc, data = scenario(gallery, "stationary_noise")
    clouds = data.study
    assert [len(c.xy) for c in clouds] == [2000] * 4  # "2,000 seeds"
    for c in (
        clouds
    ):  # measured against predicted: within 3 standard errors of a variance (2,000 samples)
        assert c.error < 0.1, (c.label, c.error)
        scale = np.trace(c.predicted)
        assert np.abs(c.measured - c.predicted).max() < 0.1 * scale
    trace = [float(np.trace(c.measured)) for c in clouds]  # SGD 0.01, SGD 0.04, HB 0.01, HB 0.04
    assert trace[1] > 3 * trace[0] and trace[3] > 3 * trace[2]  # "the cloud grows with lr"
    assert (
        trace[2] > 5 * trace[0] and trace[3] > 5 * trace[1]
    )  # "heavy ball's is several times wider"
    assert "several times wider at the same lr" in sc.description


def test_sharpness_rises_past_each_threshold_and_the_top_eigenvector_step_grows_there(gallery):
    sc, data = scenario(gallery, "sharpness")
    res = data.study
    assert [r.rule.name for r in res] == ["gd", "momentum", "nesterov", "adam"]
    for r in res:
        assert r.crossed is not None, r.label  # "rises past its stability threshold"
        above = r.stretches(above=True)
        assert above, r.label
        # "there the step along the top eigenvector grows each step": in every stretch above the threshold
        growth = [r.stretch_growth(a, b) for a, b in above]
        assert min(growth) > 1.05, (r.label, growth)
    # and, for contrast, GD's steps along it shrink wherever it is well below (0.8 of) its threshold
    gd = res[0]
    assert max(gd.stretch_growth(a, b) for a, b in gd.stretches(above=False)) < 1
    assert res[3].preconditioned and "edge of stability" not in (sc.title + sc.description).lower()


def test_adam_preconditioner_fits_the_aligned_valley_and_not_the_rotated_one(gallery):
    sc, data = scenario(gallery, "adam_preconditioner")
    (_, aligned), (_, rotated) = data.panels
    a, r = aligned.study[0], rotated.study[0]
    assert aligned.surface.params["angle"] == 0 and rotated.surface.params["angle"] == 45
    np.testing.assert_allclose([a.kappa_h, r.kappa_h], 25.0, rtol=1e-9)
    # "falls to about 4 on the aligned valley and stays at 25 on the rotated one" (after the first 20 steps)
    assert np.all(np.abs(a.kappa[20:] - 4) < 0.5) and np.all(np.abs(r.kappa[20:] - 25) < 1)
    # Adam's ellipses are axis-aligned (no shape leans), H^-1's on the rotated valley lean by 45 degrees
    far = r.newton_shape[:, :, :][:, 0]  # the first point of each: the end of its larger axis
    np.testing.assert_allclose(np.abs(np.degrees(np.arctan2(far[:, 1], far[:, 0]))), 45, atol=1)
    assert "stays at 25 on the rotated one" in sc.description
