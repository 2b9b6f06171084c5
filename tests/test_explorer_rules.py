"""The explorer's AdamW, Newton and L-BFGS, their controls, and its learning-rate schedule selector (issue 17).

Every run the explorer shows is compared with ``optviz.run`` given the same rule, schedule, noise and start,
built here by hand (torch.optim's parameter names), so a control that stops reaching the engine fails.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.explorer import RULES, SCHEDULES, SurfaceExplorer


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_shows(ex: SurfaceExplorer, name: str, t: ov.Trajectory) -> None:
    """The explorer's run of ``name`` is ``t`` (its arrays and status), and its path artist holds it."""
    shown = ex.runs[name]
    for field in ("xy", "loss", "grad"):
        np.testing.assert_array_equal(
            getattr(shown, field), getattr(t, field), err_msg=f"{name} {field}"
        )
    assert (str(shown.status), int(shown.stop_step)) == (str(t.status), int(t.stop_step)), name
    assert shown.optimizer == t.optimizer and shown.schedule == t.schedule, name
    last = min(ex.k, int(t.stop_step))
    path = np.column_stack(ex.artists[name].path.paths[0].get_data())
    np.testing.assert_array_equal(path, t.xy[: last + 1])


@pytest.mark.slow
def test_every_rule_with_its_own_controls_is_the_engine_run() -> None:
    s = ov.surface("rosenbrock")
    ex = ov.explore(s, rules=list(RULES), steps=30, pyplot=False)
    assert set(RULES) >= {"adamw", "newton", "lbfgs"}
    # torch's defaults (design.md): AdamW's weight_decay 1e-2, Newton's and L-BFGS's lr 1, max_iter 20, ...
    assert ex.runs["adamw"].optimizer == ov.AdamW(lr=ex.settings.adaptive_lr)
    assert ex.runs["newton"].optimizer == ov.Newton()
    assert ex.runs["lbfgs"].optimizer == ov.LBFGS()
    ex.set(
        adaptive_lr=0.02, beta1=0.8, weight_decay=0.3, second_order_lr=0.7, damping=2.0, max_iter=5,
        history_size=3, line_search_fn="strong_wolfe",
    )  # fmt: skip
    assert ex.widgets["line_search_fn"].get_status() == [True]  # the check box moved
    want = {
        "adamw": ov.AdamW(lr=0.02, betas=(0.8, 0.999), weight_decay=0.3),
        "adam": ov.Adam(lr=0.02, betas=(0.8, 0.999)),  # Adam keeps no weight decay
        "rmsprop": ov.RMSProp(lr=0.02),
        "newton": ov.Newton(lr=0.7, damping=2.0),
        "lbfgs": ov.LBFGS(lr=0.7, max_iter=5, history_size=3, line_search_fn="strong_wolfe"),
        "gd": ov.GD(lr=ex.settings.lr),
    }
    for name, rule in want.items():
        assert_shows(ex, name, ov.run(s, rule, steps=30))
    # Each new slider says which rule it moves, and is dimmed when that rule is not shown.
    assert ex.widgets["weight_decay"].label.get_text() == "weight_decay  (AdamW)"
    assert ex.widgets["damping"].label.get_text() == "damping  (Newton)"
    assert ex.widgets["history_size"].label.get_text() == "history_size  (L-BFGS)"
    ex.set(rules=["gd"])
    assert ex.widgets["damping"].poly.get_alpha() < 1
    assert ex.widgets["line_search_fn"].labels[0].get_color() == "0.65"


# The selector's choices and the schedules they are documented to be (optviz.explore_settings.make_schedule).
CHOICES = {
    "step": lambda rule, n: ov.StepLR(step_size=n // 3, gamma=0.2),
    "exponential": lambda rule, n: ov.ExponentialLR(gamma=0.01 ** (1 / n)),
    "cosine": lambda rule, n: ov.CosineAnnealingLR(T_max=n),
    "warmup": lambda rule, n: ov.LinearLR(start_factor=0.1, total_iters=n // 10),
    "warmup + cosine": lambda rule, n: ov.SequentialLR(
        [
            ov.LinearLR(start_factor=0.1, total_iters=n // 10),
            ov.CosineAnnealingLR(T_max=n - n // 10),
        ],
        milestones=[n // 10],
    ),
    "one-cycle": lambda rule, n: ov.OneCycleLR(
        max_lr=rule.lr, total_steps=n, cycle_momentum=rule.name in ("momentum", "adam", "rmsprop")
    ),
}


@pytest.mark.slow
def test_the_schedule_selector_runs_the_engine_schedules() -> None:
    s = ov.surface("quadratic", kappa=10)
    names = ["gd", "momentum", "adam", "rmsprop", "newton"]
    ex = ov.explore(s, rules=names, steps=60, pyplot=False)
    radio = ex.widgets["schedule"]
    assert list(SCHEDULES) == ["constant", *CHOICES]
    for choice, schedule in CHOICES.items():
        radio.set_active(SCHEDULES.index(choice))  # the selector's own callback
        assert ex.settings.schedule == choice
        for name in names:
            rule = ex.runs[name].optimizer
            t = ov.run(s, rule, steps=60, schedule=schedule(rule, 60))
            assert_shows(ex, name, t)
            assert t.lr is not None and len(set(t.lr.tolist())) > 1, (
                choice
            )  # the lr changes along the run
    # A steps move follows the schedule (its parameters are in steps), and back to constant.
    ex.set(steps=40)
    rule = ex.runs["momentum"].optimizer
    assert_shows(ex, "momentum", ov.run(s, rule, steps=40, schedule=CHOICES["one-cycle"](rule, 40)))
    ex.set(schedule="constant")
    assert radio.value_selected == "constant"
    assert_shows(ex, "momentum", ov.run(s, rule, steps=40))


def test_noise_reaches_every_rule_but_l_bfgs(monkeypatch) -> None:
    from optviz.explorer import _surface

    s = ov.surface("quadratic", kappa=10)
    ex = ov.explore(
        s, rules=["momentum", "adamw", "newton", "lbfgs"], steps=40, seed=2, pyplot=False
    )
    lbfgs_before = ex.runs["lbfgs"]
    ran: list[list[str]] = []
    real = _surface.compute_all
    monkeypatch.setattr(
        _surface,
        "compute_all",
        lambda surf, names, st: ran.append(list(names)) or real(surf, names, st),
    )
    ex.set(sigma=0.4)
    assert ran == [
        ["momentum", "adamw", "newton"]
    ]  # L-BFGS re-evaluates the surface: not re-run, exact
    assert ex.runs["lbfgs"] is lbfgs_before
    noise = ov.GaussianNoise(0.4)
    assert_shows(ex, "newton", ov.run(s, ov.Newton(), steps=40, noise=noise, seed=2))
    assert_shows(ex, "adamw", ov.run(s, ex.runs["adamw"].optimizer, steps=40, noise=noise, seed=2))
    assert ex.readout("momentum").fields[0] == "SGD+Momentum"  # the engine's label under noise
    assert ex.readout("lbfgs").fields[0] == "L-BFGS"  # its run's own label: no noise reaches it
    assert ex.widgets["sigma"].label.get_text() == "noise σ"


def test_newton_where_the_hessian_is_singular() -> None:
    s = ov.surface_from_expression("x**2", bounds=((-2, 2), (-2, 2)), start=(1.0, 0.5))
    ex = ov.explore(s, rules=["gd", "newton"], steps=10, pyplot=False)
    assert str(ex.runs["newton"].status) == "singular"
    assert ex.readout("newton").status == "singular H at step 0"
    ex.set(damping=1.0)  # Levenberg's damping makes it invertible: the run goes on
    assert_shows(ex, "newton", ov.run(s, ov.Newton(damping=1.0), steps=10))
    assert ex.readout("newton").status == "done"


@pytest.mark.slow
def test_to_scenario_keeps_schedules_and_noise_per_rule(tmp_path) -> None:
    ex = ov.explore(
        "rosenbrock", rules=["momentum", "adamw", "lbfgs"], steps=30, seed=1, pyplot=False
    )
    ex.set(schedule="one-cycle", sigma=0.3, weight_decay=0.2, line_search_fn="strong_wolfe")
    path = ex.to_scenario(tmp_path / "found.toml")
    sc = ov.scenario.load(path)
    assert [r.rule.name for r in sc.main.runs] == ["momentum", "adamw", "lbfgs"]
    for spec in sc.main.runs:
        t = ov.run(sc.main.surface, spec.rule, start=spec.start, steps=spec.steps, noise=spec.noise,
                   seed=spec.seed, schedule=spec.schedule)  # fmt: skip
        assert_shows(ex, spec.rule.name, t)
    assert sc.main.runs[2].noise is None  # L-BFGS: exact


BAD = [
    ({"schedule": "cosine_annealing"}, r"^schedule: unknown schedule 'cosine_annealing'"),
    ({"line_search_fn": "wolfe"}, r"^line_search_fn: must be None or 'strong_wolfe'"),
    ({"max_iter": 0}, r"^max_iter: "),
    ({"weight_decay": -0.1}, r"^weight_decay: must be a non-negative number"),
    ({"second_order_lr": 0}, r"^second_order_lr: must be a positive number"),
]


def test_bad_values_of_the_new_controls_change_nothing() -> None:
    ex = ov.explore("quadratic", rules=["adamw", "lbfgs"], steps=20, pyplot=False)
    before = ex.settings
    for values, message in BAD:
        with pytest.raises(ParameterError, match=message):
            ex.set(**values)
        assert ex.settings is before


@pytest.mark.slow
def test_every_control_and_label_is_legible_with_every_rule_shown() -> None:
    # No widget, label or readout over another, none clipped (design section 11), with the longest values.
    from optviz.testing import check_legibility

    ex = ov.explore("rosenbrock", rules=list(RULES), steps=40, pyplot=False)
    ex.set(
        lr=0.00123456,
        second_order_lr=0.123,
        max_iter=50,
        history_size=100,
        schedule="warmup + cosine",
    )
    ex.fig.canvas.draw()
    # (what the runs' curves do to each other is the data's: "hidden series" is not the layout's)
    assert [str(f) for f in check_legibility(ex.fig) if f.kind != "hidden series"] == []


def test_divergence_notes_of_runs_that_end_together_do_not_overlap() -> None:
    # GD, Momentum and Nesterov leave the saddle along -y side by side: three marks on the bottom edge.
    ex = ov.explore(
        "saddle", rules=["gd", "momentum", "nesterov"], lr=0.5, start=(-1.8, -0.01), pyplot=False
    )
    assert {str(ex.runs[r].status) for r in ex.settings.rules} == {"diverged"}
    ex.fig.canvas.draw()
    renderer = ex.fig.canvas.get_renderer()
    boxes = [ex.artists[r].note.get_window_extent(renderer) for r in ex.settings.rules]
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert not a.overlaps(b), (a, b)
