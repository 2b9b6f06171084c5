"""Malformed scenarios through the command: one line naming the file and key, exit code 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from optviz import limits
from optviz.cli import main

GOOD = """
title = "ok"
[surface]
name = "quadratic"
kappa = 25
[[run]]
rule = "gd"
lr = 0.05
steps = 20
"""

# (name, scenario text, expected key path, a phrase the message must contain)
CASES = [
    ("invalid_toml", "title = \n[surface", "", "invalid TOML"),
    ("title_type", GOOD.replace('title = "ok"', "title = 3"), "title", "must be a string"),
    ("unknown_kind", 'kind = "trajectoris"\n' + GOOD, "kind", "did you mean 'trajectories'"),
    (
        "surface_not_table",
        'surface = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.1',
        "surface",
        "must be a table",
    ),
    (
        "surface_missing_name",
        GOOD.replace('name = "quadratic"\n', ""),
        "surface.name",
        "is required",
    ),
    (
        "unknown_surface",
        GOOD.replace('"quadratic"', '"quadratc"'),
        "surface.name",
        "did you mean 'quadratic'",
    ),
    (
        "unknown_surface_param",
        GOOD.replace("kappa = 25", "kapa = 25"),
        "surface.kapa",
        "did you mean 'kappa'",
    ),
    (
        "param_wrong_type",
        GOOD.replace("kappa = 25", 'kappa = "big"'),
        "surface.kappa",
        "must be a number",
    ),
    ("param_nan", GOOD.replace("kappa = 25", "kappa = nan"), "surface.kappa", "finite"),
    ("param_inf", GOOD.replace("kappa = 25", "kappa = inf"), "surface.kappa", "finite"),
    ("param_out_of_range", GOOD.replace("kappa = 25", "kappa = 0.5"), "surface.kappa", ">= 1"),
    (
        "unknown_rule",
        GOOD.replace('rule = "gd"', 'rule = "adamm"'),
        "run[0].rule",
        "did you mean 'adam'",
    ),
    ("missing_rule", GOOD.replace('rule = "gd"\n', ""), "run[0].rule", "is required"),
    ("negative_lr", GOOD.replace("lr = 0.05", "lr = -0.1"), "run[0].lr", "positive"),
    ("zero_lr", GOOD.replace("lr = 0.05", "lr = 0.0"), "run[0].lr", "positive"),
    ("nan_lr", GOOD.replace("lr = 0.05", "lr = nan"), "run[0].lr", "finite"),
    ("inf_lr", GOOD.replace("lr = 0.05", "lr = inf"), "run[0].lr", "finite"),
    (
        "rho_one",
        GOOD.replace('rule = "gd"\nlr = 0.05', 'rule = "momentum"\nlr = 0.05\nrho = 1.0'),
        "run[0].rho",
        "[0, 1)",
    ),
    ("huge_steps", GOOD.replace("steps = 20", "steps = 1000000000"), "run[0].steps", "at most"),
    ("zero_steps", GOOD.replace("steps = 20", "steps = 0"), "run[0].steps", "at least 1"),
    ("fractional_steps", GOOD.replace("steps = 20", "steps = 1.5"), "run[0].steps", "integer"),
    ("bool_lr", GOOD.replace("lr = 0.05", "lr = true"), "run[0].lr", "must be a number"),
    ("start_shape", GOOD + "start = [1.0, 2.0, 3.0]\n", "run[0].start", "point [x, y]"),
    ("start_far_away", GOOD + "start = [1e6, 0.0]\n", "run[0].start", "far outside the view"),
    ("unknown_run_key", GOOD + "lrr = 0.1\n", "run[0].lrr", "did you mean 'lr'"),
    ("unknown_top_key", "titel = 'x'\n" + GOOD, "titel", "did you mean 'title'"),
    (
        "empty_runs",
        'title = "x"\n[surface]\nname = "quadratic"\n',
        "run",
        "needs at least one [[run]]",
    ),
    ("huge_size", GOOD + "[output]\nsize = [100.0, 100.0]\n", "output.size", "too large"),
    (
        "huge_pixels",
        GOOD + "[output]\nsize = [30.0, 20.0]\ndpi = 600\n",
        "output.size",
        "pixels a side",
    ),
    ("zero_dpi", GOOD + "[output]\ndpi = 0\n", "output.dpi", "must be in"),
    (
        "unknown_format",
        GOOD + '[output]\nformats = ["png", "bmp"]\n',
        "output.formats[1]",
        "unknown format 'bmp'",
    ),
    (
        "gif_not_animated",
        'kind = "regularization_preferences"\n[output]\nformats = ["gif"]\n',
        "output.formats",
        "has no animation",
    ),
    (
        "gif_fps_too_high",
        GOOD + '[output]\nformats = ["gif"]\n[output.gif]\nfps = 60\n',
        "output.gif.fps",
        "must be in (0, 50], got 60",
    ),
    (
        "slice_point_shape",
        'kind = "contour_profile"\n' + GOOD + "[figure]\nthrough = [1.0, 2.0, 3.0]\n",
        "figure.through",
        "point [x, y]",
    ),
    (
        "start_where_undefined",
        'title = "x"\n[surface]\nexpression = "log(x) + y**2"\n[[run]]\nrule = "gd"\nlr = 0.1\nstart = [-1.0, 1.0]\n',
        "run[0].start",
        "not finite at [-1.0, 1.0]",
    ),
    (
        "bad_mathtext_label",
        GOOD + "label = '$\\sqrt{$'\n",
        "run[0].label",
        "is not valid mathtext",
    ),
    (
        "tiny_size",
        GOOD + "[output]\nsize = [0.001, 0.001]\n",
        "output.size",
        "too small",
    ),
    (
        "gif_fps_zero",
        GOOD + '[output]\nformats = ["png"]\n[output.gif]\nfps = 0\n',
        "output.gif.fps",
        "must be in (0, 50], got 0",
    ),
    (
        "too_many_frames",
        GOOD.replace("steps = 20", "steps = 90000")
        + '[output]\nformats = ["gif"]\n[output.gif]\nstride = 1\n',
        "output.gif.stride",
        "frames",
    ),
    (
        "expression_import",
        'title = "x"\n[surface]\nexpression = "__import__(\'os\').system(\'echo hi\')"\n[[run]]\nrule = "gd"\nlr = 0.1\n',
        "surface.expression",
        "",
    ),
    (
        "expression_and_name",
        GOOD.replace('name = "quadratic"', 'name = "quadratic"\nexpression = "x**2"'),
        "surface.expression",
        "not both",
    ),
    ("noise_both", GOOD + "noise = { sigma = 1.0, batch_size = 4 }\n", "run[0].noise", "not both"),
    (
        "minibatch_needs_dataset",
        GOOD + "noise = { batch_size = 4 }\n",
        "run[0].noise.batch_size",
        "dataset surface",
    ),
    ("negative_sigma", GOOD + "noise = { sigma = -1.0 }\n", "run[0].noise.sigma", "non-negative"),
    ("bad_color", GOOD + 'color = "notacolour"\n', "run[0].color", "not a colour"),
    ("label_type", GOOD + "label = 5\n", "run[0].label", "must be a string"),
    ("unknown_figure_option", GOOD + "[figure]\nlos = true\n", "figure.los", "did you mean 'loss'"),
    ("panel_in_plain_kind", GOOD + '[[panel]]\ntitle = "a"\n', "panel", "takes no [[panel]]"),
    (
        "runs_for_runless_kind",
        'kind = "regularization_preferences"\n[[run]]\nrule = "gd"\nlr = 0.1\n',
        "run",
        "takes no [[run]]",
    ),
    (
        "update_diagram_rule",
        'kind = "update_diagram"\n' + GOOD,
        "run[0].rule",
        "momentum, nesterov",
    ),
    # learning-rate schedules and the second-order rules
    (
        "schedule_not_table",
        GOOD + 'schedule = "cosine"\n',
        "run[0].schedule",
        'must be a table such as { name = "cosine_annealing", T_max = 100 }',
    ),
    (
        "schedule_unknown",
        GOOD + 'schedule = { name = "cosine_anealing", T_max = 20 }\n',
        "run[0].schedule.name",
        "did you mean 'cosine_annealing'",
    ),
    (
        "schedule_missing_param",
        GOOD + 'schedule = { name = "cosine_annealing" }\n',
        "run[0].schedule.T_max",
        "is required for schedule 'cosine_annealing'",
    ),
    (
        "schedule_unknown_param",
        GOOD + 'schedule = { name = "step", step_size = 5, gama = 0.5 }\n',
        "run[0].schedule.gama",
        "did you mean 'gamma'",
    ),
    (
        "schedule_bad_value",
        GOOD + 'schedule = { name = "linear", start_factor = 0 }\n',
        "run[0].schedule.start_factor",
        "must be in (0, 1], got 0.0",
    ),
    (
        "schedule_nested_field",
        GOOD
        + 'schedule = { name = "sequential", milestones = [5], schedulers = [{ name = "linear" }, '
        + '{ name = "cosine_annealing", T_max = -1 }] }\n',
        "run[0].schedule.schedulers[1].T_max",
        "must be at least 1, got -1",
    ),
    (
        "schedule_milestones",
        GOOD
        + 'schedule = { name = "sequential", milestones = [5, 9], schedulers = [{ name = "linear" }, '
        + '{ name = "cosine_annealing", T_max = 10 }] }\n',
        "run[0].schedule.milestones",
        "one step number fewer than the schedules (1), got 2",
    ),
    (
        "schedule_one_cycle_too_short",
        GOOD.replace('"gd"', '"momentum"')
        + 'schedule = { name = "one_cycle", max_lr = 0.1, total_steps = 10 }\n',
        "run[0].schedule",
        "OneCycleLR is defined for 10 steps, fewer than the run's 20",
    ),
    (
        "schedule_one_cycle_gd",
        GOOD + 'schedule = { name = "one_cycle", max_lr = 0.1, total_steps = 20 }\n',
        "run[0].schedule",
        "GD has none (torch's OneCycleLR would switch SGD's momentum on",
    ),
    (
        "schedule_random_search",
        GOOD.replace('rule = "gd"\nlr = 0.05', 'rule = "random_search"')
        + 'schedule = { name = "step", step_size = 5 }\n',
        "run[0].schedule",
        "Random search has no learning rate to schedule",
    ),
    (
        "schedule_in_defaults",
        GOOD.replace("[[run]]", '[defaults]\nschedule = { name = "exponential" }\n[[run]]'),
        "run[0].schedule.gamma",
        "is required",
    ),
    (
        "lbfgs_line_search",
        GOOD.replace('rule = "gd"\nlr = 0.05', 'rule = "lbfgs"\nline_search_fn = "wolfe"'),
        "run[0].line_search_fn",
        "must be 'strong_wolfe', or None (left out) for fixed steps, got 'wolfe'",
    ),
    (
        "lbfgs_noise",
        GOOD.replace('rule = "gd"\nlr = 0.05', 'rule = "lbfgs"') + "noise = { sigma = 0.1 }\n",
        "run[0].noise",
        "L-BFGS re-evaluates the surface at trial points, so gradient noise does not apply",
    ),
    (
        "lbfgs_records_too_much",
        GOOD.replace(
            'rule = "gd"\nlr = 0.05', 'rule = "lbfgs"\nmax_iter = 1000\nmax_eval = 10000'
        ).replace("steps = 20", "steps = 100000"),
        "run[0].steps",
        "record 22,009 numbers a step",
    ),
    (
        "newton_damping",
        GOOD.replace('rule = "gd"\nlr = 0.05', 'rule = "newton"\ndamping = -1'),
        "run[0].damping",
        "must be a non-negative number, got -1.0",
    ),
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text", "field", "phrase"), CASES, ids=[c[0] for c in CASES])
def test_malformed_scenario(tmp_path, capsys, name, text, field, phrase):
    source = _write(tmp_path, name, text)
    out = tmp_path / "out"
    out.mkdir()
    code = main(["render", str(source), "-o", str(out), "-q"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"{source}: {field}: " if field else f"{source}: "), err
    assert phrase in err
    assert "Traceback" not in err
    assert list(out.iterdir()) == []


def test_expression_refusal_names_the_problem(tmp_path, capsys):
    source = _write(
        tmp_path,
        "e",
        'title = "x"\n[surface]\nexpression = "__import__(\'os\')"\n[[run]]\nrule = "gd"\nlr = 0.1\n',
    )
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err
    assert "surface.expression" in err and (
        "__import__" in err or "not allowed" in err or "unknown" in err
    )


def test_bad_scenario_replaces_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    good = _write(tmp_path, "fig", GOOD)
    assert main(["render", str(good), "-o", str(out), "-q"]) == 0
    before = (out / "fig.png").read_bytes()
    good.write_text(GOOD.replace("lr = 0.05", "lr = -1.0"), encoding="utf-8")
    assert main(["render", str(good), "-o", str(out), "-q"]) == 2
    assert (out / "fig.png").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["fig.png"]  # no temporary files left behind


def test_check_reports_each_file(tmp_path, capsys):
    good = _write(tmp_path, "good", GOOD)
    bad = _write(tmp_path, "bad", GOOD.replace("lr = 0.05", "lr = -1.0"))
    assert main(["check", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{good}: ok" in captured.out
    assert f"{bad}: run[0].lr: must be a positive number, got -1.0" in captured.err


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    bad = _write(tmp_path, "bad", GOOD.replace('"quadratic"', '"quadratc"'))
    proc = subprocess.run(
        [sys.executable, "-m", "optviz", "render", str(bad), "-o", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "unknown surface 'quadratc'; did you mean 'quadratic'?" in proc.stderr


def test_unknown_format_option_is_a_usage_error(tmp_path, capsys):
    good = _write(tmp_path, "good", GOOD)
    with pytest.raises(SystemExit) as exc:
        main(["render", str(good), "--format", "png,bmp"])
    assert exc.value.code == 2
    assert "unknown format 'bmp'" in capsys.readouterr().err


def test_huge_numbers_and_far_away_centres_are_refused_in_one_line(tmp_path, capsys):
    cases = {
        "kappa_overflow": (
            "kappa = 25",
            "kappa = 1e308\nscale = 10.0",
            "surface.kappa",
            "too large",
        ),
        "huge_int": ("lr = 0.05", "lr = " + "9" * 400, "run[0].lr", "must be a finite number"),
        "far_centre": ("kappa = 25", "center = [1e300, 1e300]", "surface.center", "too far out"),
        "huge_seed": (
            "steps = 20",
            "steps = 20\nseed = 9223372036854775808",
            "run[0].seed",
            "at most",
        ),
    }
    for name, (old, new, field, phrase) in cases.items():
        source = tmp_path / f"{name}.toml"
        source.write_text(GOOD.replace(old, new), encoding="utf-8")
        assert main(["check", str(source)]) == 2, name
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"{source}: {field}: ") and phrase in err, err
        assert len(err.splitlines()) == 1


# -- `check` runs what `render` runs, but the drawing (issue 16, item 7) ----------------------------------------
RUN = '[surface]\nname = "quadratic"\nkappa = 10\n[[run]]\nrule = "{rule}"\n{hyper}steps = 30\n'
DIAGRAM = 'kind = "update_diagram"\n[surface]\nname = "quadratic"\nkappa = 10\n'
SEED_SWEEP = (
    'kind = "seed_sweep"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.05\n'
    "steps = {steps}\nnoise = {{ sigma = 0.5 }}\n[figure]\nvalues = {values}\n{seeds}"
)
# (name, scenario text, expected key path, a phrase the message must contain); each one passed `check` and
# failed in `render` before check ran the runs, the kinds' checks and the studies.
CHECK_CASES = [
    (
        "per_run_lr",
        RUN.format(rule="gd", hyper="lr = [0.1, 0.2]\n"),
        "run[0].lr",
        "must be a number",
    ),
    (
        "per_run_rho",
        RUN.format(rule="momentum", hyper="lr = 0.05\nrho = [0.5, 0.9]\n"),
        "run[0].rho",
        "one [[run]] is one run",
    ),
    (
        "nested_betas",
        RUN.format(rule="adam", hyper="lr = 0.1\nbetas = [[0.9, 0.8], 0.99]\n"),
        "run[0].betas",
        "must be a number",
    ),
    (
        "diagram_step_past_the_end",
        DIAGRAM + '[[run]]\nrule = "momentum"\nlr = 0.05\nsteps = 5\n[figure]\nstep = 10\n',
        "figure.step",
        "run[0] has 5 steps",
    ),
    (
        "diagram_step_after_divergence",
        DIAGRAM + '[[run]]\nrule = "nesterov"\nlr = 0.3\nsteps = 40\n[figure]\nstep = 30\n',
        "figure.step",
        "(diverged)",
    ),
    (
        "minibatch_figure_on_a_quadratic",
        'kind = "batch_vs_minibatch"\n' + RUN.format(rule="gd", hyper="lr = 0.05\n"),
        "surface",
        "draws a dataset surface",
    ),
    (
        "vectors_of_different_lengths",
        'kind = "regularization_preferences"\n[figure]\nx = [1.0, 1.0]\nw1 = [1.0, 0.0]\nw2 = [0.5]\n',
        "figure.w2",
        "must have the same length",
    ),
    (
        "negative_lams",
        'kind = "weight_decay_conditioning"\n[surface]\nname = "quadratic"\n[figure]\nlams = [-1.0]\n',
        "figure.lams[0]",
        "must be at least 0",
    ),
    (
        "figure_steps_past_the_cap",
        'kind = "test_functions"\n[figure]\nsteps = 100000000\n',
        "figure.steps",
        "must be at most 100,000",
    ),
    (
        "phase_grid_times_steps",
        'kind = "phase_diagram"\n[figure]\ngrid = 200\nsteps = 5000\n',
        "figure.grid",
        "the limit is 100,000,000",
    ),
    (
        "seed_sweep_too_much_work",
        SEED_SWEEP.format(
            steps=20000, values=[0.01 * (i + 1) for i in range(100)], seeds="seeds = 100"
        ),
        "figure.seeds",
        "the limit is 100,000,000",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "field", "phrase"), CHECK_CASES, ids=[c[0] for c in CHECK_CASES]
)
def test_check_refuses_what_render_refuses(tmp_path, capsys, name, text, field, phrase):
    source = _write(tmp_path, name, text)
    assert main(["check", str(source)]) == 2
    checked = capsys.readouterr().err.strip()
    out = tmp_path / "out"
    assert main(["render", str(source), "-o", str(out), "-q"]) == 2
    rendered = capsys.readouterr().err.strip()
    assert checked == rendered, "check and render say the same"
    assert len(checked.splitlines()) == 1 and "Traceback" not in checked, checked
    assert checked.startswith(f"{source}: {field}: "), checked
    assert phrase in checked, checked
    assert not out.exists() or list(out.iterdir()) == []


def test_seed_sweep_renders_with_its_documented_default_seeds(tmp_path, capsys):
    source = _write(tmp_path, "defaults", SEED_SWEEP.format(steps=30, values=[0.01, 0.1], seeds=""))
    assert main(["check", str(source)]) == 0
    assert main(["render", str(source), "-o", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "defaults.png").exists()


@pytest.mark.parametrize(
    ("name", "text", "field", "phrase"),
    [
        (
            # 12 panels x 1,000 runs x 100,000 steps: each run within its cap, the whole far beyond
            "many_panels_many_runs",
            'kind = "panels"\n'
            + "".join(
                '[[panel]]\n[panel.surface]\nname = "quadratic"\n'
                + '[[panel.run]]\nrule = "gd"\nlr = 0.01\nsteps = 100000\n' * 100
                for _ in range(12)
            ),
            "panel[",
            f"units of work up to here (each run's steps, and what its figures compute, weighted by the surface's cost); the limit is {limits.MAX_SCENARIO_WORK:,}",
        ),
        (
            "rate_table_kappa_too_large",
            'kind = "rate_table"\n[figure]\nkappas = [10, 1e300]\n',
            "figure.kappas[1]",
            "too large: the predicted rate rounds to 1",
        ),
    ],
)
def test_a_scenarios_total_work_is_capped_before_anything_runs(
    tmp_path, capsys, name, text, field, phrase
):
    source = _write(tmp_path, name, text)
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{source}: {field}") and phrase in err, err
    assert len(err.splitlines()) == 1
