"""The explorer as a first-time user meets it: the README's examples on every surface, set() with any valid
value, motion from the first press, and keeping what was found as a scenario file."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import contextlib
import os
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError
from optviz.explorer import RULES, SurfaceExplorer

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Interactive exploration") :]
SECTION = SECTION[: SECTION.index("\n## ", 3)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@contextlib.contextmanager
def inside(folder: Path):
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


# -- the README's examples, on every registered surface ------------------------------------------------
def readme_explorer_code() -> str:
    (block,) = [
        b for b in re.findall(r"```python\n(.*?)```", SECTION, flags=re.S) if "explore(" in b
    ]
    return block


def test_the_readme_shows_the_explorer_in_python_and_says_which_rules_each_lr_moves() -> None:
    code = readme_explorer_code()
    for call in (
        "ov.explore(",
        "ex.set(",
        "ex.run(",
        "ex.step(",
        "ex.set_start(",
        "ex.to_scenario(",
    ):
        assert call in code
    assert "`lr` sets GD, Momentum and Nesterov" in SECTION
    assert "`adaptive_lr` sets Adam, AdamW, RMSProp and AdaGrad" in SECTION
    assert "`second_order_lr` sets Newton and L-BFGS" in SECTION


@pytest.mark.slow
@pytest.mark.parametrize("name", ov.surface_names())
def test_the_readme_explorer_example_runs_on_every_surface(name, tmp_path, monkeypatch) -> None:
    code = readme_explorer_code()
    assert 'ov.explore("rosenbrock"' in code
    code = code.replace('ov.explore("rosenbrock"', f"ov.explore({name!r}")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    with inside(tmp_path):
        exec(compile(code, "README.md", "exec"), {})  # the README's own text, not a user string
        assert ov.scenario.load("found.toml").main.surface.name == name


@pytest.mark.slow
@pytest.mark.parametrize("name", ov.surface_names())
def test_the_issue_example_and_the_command_line_example_on_every_surface(name, monkeypatch) -> None:
    ex = ov.explore(name, rules=["gd", "adam"])
    ex.set(
        lr=0.05, rules=["adam"]
    )  # the README's example before this issue: it raised on rosenbrock
    assert ex.settings.lr == 0.05 and ex.settings.rules == ("adam",)
    ex.set(lr=0.01)
    ex.run(20)
    assert ex.k == 20
    ex.close()
    # `optviz explore NAME --rule gd --rule momentum --rule nesterov --rule adam`, as the README writes it
    (command,) = re.findall(r"`(optviz explore quadratic[^`]*)`", SECTION)
    rules = re.findall(r"--rule (\w+)", command)
    from optviz.explorer import _main

    shown = []
    monkeypatch.setattr(_main, "interactive_backend", lambda: (True, "tkagg"))
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(plt.gcf().optviz_explorer))
    assert _main.main(name, rules=rules) == 0
    assert shown[0].settings.rules == tuple(rules)


# -- set(): any valid value, precise errors -----------------------------------------------------------
@pytest.mark.slow
def test_set_widens_a_log_slider_to_the_decade_of_the_value() -> None:
    ex = ov.explore("rosenbrock", rules=["gd", "adam"])
    c = ex.controls["lr"]
    assert (c.low, c.high) == pytest.approx((6.6e-6, 6.6e-3))
    ex.set(lr=0.05)
    slider = ex.widgets["lr"]
    assert ex.controls["lr"].high == 0.1 and ex.controls["lr"].low == pytest.approx(6.6e-6)
    assert (slider.valmin, slider.valmax) == pytest.approx((np.log10(6.6e-6), -1.0))
    assert slider.ax.get_xlim() == pytest.approx((slider.valmin, slider.valmax))
    assert slider.val == pytest.approx(np.log10(0.05)) and slider.valtext.get_text() == "0.05"
    assert ex.runs["gd"].optimizer.lr == 0.05
    ex.set(lr=2e-9)
    assert ex.controls["lr"].low == pytest.approx(1e-9) and ex.settings.lr == 2e-9
    # The bar starts at the new left end: the drawn slider shows the value.
    assert slider.poly.get_x() == pytest.approx(slider.valmin)


def test_set_widens_linear_sliders_within_the_rules_domain() -> None:
    ex = ov.explore("quadratic", rules=["momentum", "adam"])
    ex.set(rho=0.995, beta2=0.5, steps=800)
    assert ex.settings.rho == 0.995 and ex.controls["rho"].high == 0.995
    assert ex.controls["beta2"].low == 0.5 and ex.runs["adam"].optimizer.betas == (0.9, 0.5)
    assert ex.settings.steps == 800 and ex.runs["momentum"].xy.shape == (801, 2)
    assert ex.k == 800  # it was at the end, and stays there


def test_set_checks_every_value_before_changing_anything() -> None:
    ex = ov.explore("quadratic")
    before = ex.settings
    with pytest.raises(ParameterError, match=r"^rho: must be in \[0, 1\), got 2"):
        ex.set(lr=0.05, rho=2)
    assert ex.settings is before  # lr was valid, but nothing changed


def test_explore_takes_the_same_values_as_set() -> None:
    ex = ov.explore("quadratic", rho=0.995, beta1=0.0, alpha=0.3, lr=5.0, steps=600)
    assert ex.controls["rho"].high == 0.995 and ex.controls["alpha"].low == 0.3
    assert ex.controls["lr"].high >= 5.0 and ex.controls["steps"].high == 600
    with pytest.raises(ParameterError, match=r"^beta2: must be in \[0, 1\), got 1.5"):
        ov.explore("quadratic", beta2=1.5)
    with pytest.raises(ParameterError, match=r"^lr: must be a finite number, got nan"):
        ov.explore("quadratic", lr=float("nan"))


def test_set_docstring_names_every_setting() -> None:
    ex = ov.explore("quadratic")
    doc = SurfaceExplorer.set.__doc__
    names = set(ex._setters())
    assert names == {
        *(
            "lr",
            "adaptive_lr",
            "second_order_lr",
            "rho",
            "beta1",
            "beta2",
            "alpha",
            "sigma",
            "steps",
        ),
        *("weight_decay", "damping", "max_iter", "history_size", "line_search_fn", "schedule"),
        *("seed", "start", "rules"),
    }
    for name in names:
        assert f"``{name}``" in doc, name


def test_each_lr_moves_the_rules_the_labels_say() -> None:
    ex = ov.explore("quadratic", rules=list(RULES))
    ex.set(lr=0.05, adaptive_lr=0.3, second_order_lr=0.5)
    for name in ("gd", "momentum", "nesterov"):
        assert ex.runs[name].optimizer.lr == 0.05
    for name in ("adam", "adamw", "rmsprop", "adagrad"):
        assert ex.runs[name].optimizer.lr == 0.3
    for name in ("newton", "lbfgs"):
        assert ex.runs[name].optimizer.lr == 0.5
    assert ex.widgets["lr"].label.get_text() == "lr  (GD, Mom., Nest.)"
    assert ex.widgets["adaptive_lr"].label.get_text() == "lr  (Adam(W), RMSP., AdaG.)"
    assert ex.widgets["second_order_lr"].label.get_text() == "lr  (Newton, L-BFGS)"


# -- motion from the first press ----------------------------------------------------------------------
def test_it_opens_at_the_end_and_a_run_from_there_starts_over() -> None:
    ex = ov.explore("quadratic")
    assert ex.k == 100 and ex.step_text.get_text() == "step 100 of 100"
    ex.run(20)
    assert ex.k == 20 and ex.step_text.get_text() == "step 20 of 100"
    path = ex.artists["gd"].path.paths[0]
    assert len(path.get_xdata()) == 21
    ex.run(20)
    assert ex.k == 40  # not at the end: it goes on
    ex.run()
    assert ex.k == 100
    ex.step()  # Step from the end: the first step of a new pass
    assert ex.k == 1


@pytest.mark.slow
def test_play_from_the_opened_explorer_moves() -> None:
    ex = ov.explore("quadratic")
    ex.play()
    assert ex.playing and ex.k == 0
    callback, args, kwargs = ex.timer.callbacks[0]
    callback(*args, **kwargs)
    assert 0 < ex.k < 100
    ex.pause()


# -- keeping what was found ---------------------------------------------------------------------------
def same_runs(ex: SurfaceExplorer, path: Path) -> None:
    sc = ov.scenario.load(path)
    runs = sc.main.runs
    assert [r.rule.name for r in runs] == list(ex.settings.rules)
    for spec in runs:
        t = ov.run(sc.main.surface, spec.rule, start=spec.start, steps=spec.steps, noise=spec.noise,
                   seed=spec.seed)  # fmt: skip
        shown = ex.runs[spec.rule.name]
        np.testing.assert_array_equal(t.xy, shown.xy)
        assert t.status == shown.status and t.label == shown.label


@pytest.mark.slow
def test_to_scenario_writes_the_shown_runs(tmp_path) -> None:
    ex = ov.explore("rosenbrock", rules=["gd", "momentum", "adam"], seed=3)
    ex.set(lr=0.0012, adaptive_lr=0.07, rho=0.8, beta1=0.7, sigma=0.4, steps=140)
    ex.set_start((-1.2, 2.1))
    path = ex.to_scenario(tmp_path / "found.toml")
    text = path.read_text(encoding="utf-8")
    assert 'name = "rosenbrock"' in text and "noise = { sigma = 0.4 }" in text
    same_runs(ex, path)
    sc = ov.scenario.load(path)
    assert sc.kind.name == "trajectories" and sc.main.options.loss is True


@pytest.mark.slow
def test_the_scenario_renders_the_same_runs(tmp_path) -> None:
    from optviz.cli import main

    ex = ov.explore("quadratic", rules=["gd", "nesterov"])
    ex.set(lr=0.15)
    path = ex.to_scenario(tmp_path / "found.toml")
    assert main(["render", str(path), "-o", str(tmp_path)]) == 0
    assert (tmp_path / "found.png").stat().st_size > 0
    sc = ov.scenario.load(path)
    computed = ov.scenario.compute(sc).trajectories
    scene = ov.scenario.scene_for(sc)
    drawn = [np.column_stack(line.get_data()) for ax in scene.fig.axes for line in ax.get_lines()]
    assert str(ex.runs["nesterov"].status) == "diverged"
    for name, run in zip(("gd", "nesterov"), computed, strict=True):
        t = ex.runs[name]
        stop = int(t.stop_step)
        assert int(run.stop_step) == stop and np.array_equal(
            run.xy[: stop + 1], t.xy[: stop + 1]
        ), name
        # The figure draws the run's path (Nesterov's at its actual points), up to its last valid point.
        xy = run.path[: stop + 1]
        assert any(d.shape == xy.shape and np.array_equal(d, xy) for d in drawn), name


@pytest.mark.slow
def test_to_scenario_keeps_a_formula_and_refuses_a_python_function(tmp_path) -> None:
    s = ov.surface_from_expression(
        "x**2 + 3*y**2 + x*y", bounds=((-3, 3), (-2, 2)), start=(2.5, 1.5), title="My bowl"
    )
    ex = ov.explore(s, rules=["gd", "adam"])
    ex.set(lr=0.12)
    path = ex.to_scenario(tmp_path / "bowl.toml")
    same_runs(ex, path)
    assert ov.scenario.load(path).main.surface.title == "My bowl"
    f = ov.surface_from_callable(
        lambda p: p[..., 0] ** 2 + p[..., 1] ** 2, bounds=((-2, 2), (-2, 2)), start=(1.0, 1.0)
    )
    ex = ov.explore(f, rules=["gd"])
    with pytest.raises(ParameterError, match=r"^surface: .* cannot name it"):
        ex.to_scenario(tmp_path / "f.toml")
    assert not (tmp_path / "f.toml").exists()
