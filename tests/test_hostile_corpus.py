"""A corpus of hostile scenarios (issue 16): every one is refused in one clean line with exit code 2, or renders
with exit code 0 and no warning; `check` and `render` agree on it; nothing is written on a refusal and no
temporary file is ever left behind.

Each case is (name, scenario text, expected exit code, the key path a refusal names, a phrase it contains).
The cases come from the issue's report (control characters in keys and titles, type confusion, overflowing
numbers, nested formulas and titles, caps reached through kind options) and from routes it did not try.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import NamedTuple

import pytest

from optviz.cli import main


class Case(NamedTuple):
    name: str
    text: str
    code: int  # 0: renders; 2: refused
    field: str = ""  # the key path a refusal names ("" for the file as a whole)
    phrase: str = ""  # a phrase the refusal contains


SURFACE = '[surface]\nname = "quadratic"\nkappa = 10\n'
GD = '[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 20\n'
OK = SURFACE + GD


def run(extra: str, rule: str = "gd", lr: str = "0.05") -> str:
    """A scenario with one run of ``rule`` and extra lines in the run's table."""
    return SURFACE + f'[[run]]\nrule = "{rule}"\nlr = {lr}\nsteps = 20\n{extra}\n'


def kind(name: str, figure: str = "", body: str = OK) -> str:
    return f'kind = "{name}"\n{body}[figure]\n{figure}\n'


ESC = "\\u001b"
CASES = [
    # -- item 5: control characters in keys, titles, labels (shown escaped, never raw) -------------------------
    Case("esc_in_key", f'"{ESC}[2J{ESC}[31mFAKE: all ok\\nline2" = 1\n' + OK, 2, "", "\\x1b[2J"),
    Case("osc_in_key", f'"{ESC}]0;pwned\\u0007" = 1\n' + OK, 2, "", "\\x1b]0;pwned\\x07"),
    Case("newline_in_run_key", run('"lr\\nx" = 1'), 2, "run[0].lr\\nx", "unknown"),
    Case("bidi_in_key", '"\\u202etitle" = "x"\n' + OK, 2, "\\u202etitle", "unknown"),
    Case(
        "esc_in_surface_name",
        f'[surface]\nname = "quad{ESC}[2J"\n' + GD,
        2,
        "surface.name",
        "\\x1b",
    ),
    Case(
        "esc_in_rule", SURFACE + f'[[run]]\nrule = "g{ESC}d"\nlr = 0.1\n', 2, "run[0].rule", "\\x1b"
    ),
    Case("esc_in_kind", f'kind = "{ESC}[2J"\n' + OK, 2, "kind", "\\x1b[2J"),
    Case("esc_in_title", f'title = "a{ESC}[2Jb"\n' + OK, 2, "title", "control character"),
    Case("nul_in_title", 'title = "a\\u0000b"\n' + OK, 2, "title", "control character"),
    Case("esc_in_label", run(f'label = "x{ESC}[31m"'), 2, "run[0].label", "control character"),
    Case("newline_in_label", run('label = "a\\nb"'), 0),  # a two-line legend entry
    Case("multiline_title", 'title = "first line\\nsecond line"\n' + OK, 0),
    Case("html_title", 'title = "<img src=x onerror=alert(1)>"\n' + OK, 0),
    Case("fence_title", 'title = "```\\nunclosed"\n' + OK, 0),
    Case("link_title", 'title = "[x](javascript:alert(1))"\n' + OK, 0),
    Case("cjk_title", 'title = "最速降下法"\n' + OK, 2, "title", "no glyph"),
    Case("emoji_title", 'title = "fast 🚀"\n' + OK, 2, "title", "U+1F680"),
    Case("emoji_label", run('label = "GD 🐢"'), 2, "run[0].label", "no glyph"),
    Case("greek_title", 'title = "κ = 25: ρ → 0.9, ∇f, ½ xᵀAx"\n' + OK, 0),
    Case("esc_in_color", run(f'color = "{ESC}[2J"'), 2, "run[0].color", "\\x1b[2J"),
    Case("esc_in_format", OK + f'[output]\nformats = ["png{ESC}"]\n', 2, "output.formats", "\\x1b"),
    # -- item 8: titles and formulas that would crash the drawing --------------------------------------------
    Case(
        "nested_braces_title", 'title = "$' + "{" * 300 + "x" + "}" * 300 + '$"\n' + OK, 2, "title"
    ),
    Case(
        "nested_frac_title",
        'title = "$' + "\\\\frac{1}{" * 60 + "x" + "}" * 60 + '$"\n' + OK,
        2,
        "title",
    ),
    Case("unbalanced_math_title", 'title = "$\\\\frac{1}{$"\n' + OK, 2, "title"),
    Case("unknown_tex_title", 'title = "$\\\\notacommand$"\n' + OK, 2, "title"),
    Case("dollar_title", 'title = "costs $5 and $6"\n' + OK, 0),
    Case("long_title", 'title = "' + "word " * 2000 + '"\n' + OK, 2, "title", "too long"),
    Case(
        "nested_sqrt",
        '[surface]\nexpression = "' + "sqrt(" * 22 + "x**2+y**2+1" + ")" * 22 + '"\n' + GD,
        0,
    ),
    Case(
        "nested_sqrt_200",
        '[surface]\nexpression = "' + "sqrt(" * 200 + "x" + ")" * 200 + '"\n' + GD,
        2,
        "surface.expression",
    ),
    Case(
        "many_terms",
        '[surface]\nexpression = "' + "+".join(["x*x"] * 60) + '+y*y"\n' + GD,
        2,
        "surface.expression",
        "group them in parentheses",
    ),
    Case(
        "expr_import",
        "[surface]\nexpression = \"__import__('os').system('true')\"\n" + GD,
        2,
        "surface.expression",
    ),
    Case("expr_attribute", '[surface]\nexpression = "x.real + y"\n' + GD, 2, "surface.expression"),
    Case("expr_lambda", '[surface]\nexpression = "(lambda: 1)()"\n' + GD, 2, "surface.expression"),
    Case(
        "expr_unknown_name",
        '[surface]\nexpression = "x**2 + z**2"\n' + GD,
        2,
        "surface.expression",
        "z",
    ),
    Case("expr_empty", '[surface]\nexpression = ""\n' + GD, 2, "surface.expression"),
    Case("expr_syntax", '[surface]\nexpression = "x**2 +"\n' + GD, 2, "surface.expression"),
    Case(
        "expr_huge_power",
        '[surface]\nexpression = "x**1e300 + y**2"\n' + GD,
        2,
        "surface.expression",
    ),
    Case(
        "expr_power_tower",
        '[surface]\nexpression = "x**x**x**x**x**x"\n' + GD,
        2,
        "run[0].start",
        "not finite",
    ),
    Case("expr_exp_exp", '[surface]\nexpression = "exp(exp(exp(x))) + y**2"\n' + GD, 0),
    Case("expr_constant", '[surface]\nexpression = "1"\n' + GD, 0),
    Case(
        "expr_divide_by_zero",
        '[surface]\nexpression = "1/(x-x) + y**2"\n' + GD,
        2,
        "run[0].start",
        "not finite",
    ),
    Case(
        "expr_log_negative",
        '[surface]\nexpression = "log(x) + y**2"\n' + GD,
        2,
        "run[0].start",
        "not finite",
    ),
    Case(
        "expr_log_positive_start",
        '[surface]\nexpression = "log(x) + y**2"\nview = [[0.5, 3.0], [-1.0, 1.0]]\n'
        + GD
        + "start = [2.0, 0.5]\n",
        0,
    ),
    Case(
        "expr_long", '[surface]\nexpression = "' + "x" * 20000 + '"\n' + GD, 2, "surface.expression"
    ),
    Case(
        "expr_unknown_key",
        '[surface]\nexpression = "x**2+y**2"\nkappa = 3\n' + GD,
        2,
        "surface.kappa",
        "start",
    ),
    Case(
        "expr_view_nan",
        '[surface]\nexpression = "x**2+y**2"\nview = [[nan, 1.0], [-1.0, 1.0]]\n' + GD,
        2,
        "surface.view",
    ),
    Case(
        "expr_minima_bad",
        '[surface]\nexpression = "x**2+y**2"\nminima = [[1.0]]\n' + GD,
        2,
        "surface.minima",
    ),
    # -- item 10 through a file: type confusion ------------------------------------------------------------------
    Case("start_strings", run('start = ["1", "2"]'), 2, "run[0].start", "number"),
    Case("start_bools", run("start = [true, false]"), 2, "run[0].start", "number"),
    Case("start_string", run('start = "1, 2"'), 2, "run[0].start"),
    Case("start_table", run("start = { x = 1.0, y = 2.0 }"), 2, "run[0].start"),
    Case("start_nested", run("start = [[1.0, 2.0]]"), 2, "run[0].start"),
    Case("start_empty", run("start = []"), 2, "run[0].start"),
    Case("start_nan", run("start = [nan, 0.0]"), 2, "run[0].start", "finite"),
    Case("start_date", run("start = 1979-05-27"), 2, "run[0].start"),
    Case("lr_string", run("", lr='"0.1"'), 2, "run[0].lr", "number"),
    Case("lr_date", run("", lr="1979-05-27"), 2, "run[0].lr", "number"),
    Case("lr_table", run("", lr="{ value = 0.1 }"), 2, "run[0].lr", "number"),
    Case("lr_tiny", run("", lr="1e-300"), 0),
    Case("lr_huge", run("", lr="1e300"), 0),
    Case(
        "steps_string",
        SURFACE + '[[run]]\nrule = "gd"\nlr = 0.1\nsteps = "20"\n',
        2,
        "run[0].steps",
    ),
    Case(
        "steps_negative",
        SURFACE + '[[run]]\nrule = "gd"\nlr = 0.1\nsteps = -5\n',
        2,
        "run[0].steps",
    ),
    Case("seed_negative", run("seed = -1"), 2, "run[0].seed"),
    Case("seed_float", run("seed = 1.5"), 2, "run[0].seed"),
    Case("betas_scalar", run("betas = 0.9", rule="adam"), 2, "run[0].betas"),
    Case("betas_three", run("betas = [0.9, 0.99, 0.999]", rule="adam"), 2, "run[0].betas"),
    Case("betas_one", run("betas = [1.0, 0.999]", rule="adam"), 2, "run[0].betas"),
    Case("amsgrad_number", run("amsgrad = 1", rule="adam"), 2, "run[0].amsgrad"),
    Case("nesterov_dampening", run("dampening = 0.5", rule="nesterov"), 2, "run[0].dampening"),
    Case("eps_zero_adam", run("eps = 0.0", rule="adam"), 0),  # torch accepts it too
    Case("weight_decay_negative", run("weight_decay = -1.0"), 2, "run[0].weight_decay"),
    Case("label_table", run("label = { a = 1 }"), 2, "run[0].label"),
    Case("run_is_table", SURFACE + '[run]\nrule = "gd"\nlr = 0.1\n', 2, "run"),
    Case("run_is_string", 'run = "gd"\n' + SURFACE, 2, "run"),
    Case("no_runs", SURFACE, 2, "run"),
    Case("empty_file", "", 2, ""),
    Case("only_comment", "# nothing here\n", 2, ""),
    Case("title_array", 'title = ["a"]\n' + OK, 2, "title"),
    Case("kind_number", "kind = 3\n" + OK, 2, "kind"),
    Case("surface_array", 'surface = ["quadratic"]\n' + GD, 2, "surface"),
    Case(
        "surface_name_and_expression",
        '[surface]\nname = "quadratic"\nexpression = "x"\n' + GD,
        2,
        "surface",
    ),
    Case("defaults_unknown", OK + "[defaults]\nstep = 3\n", 2, "defaults.step", "steps"),
    Case("defaults_lr", OK + "[defaults]\nlr = 0.1\n", 2, "defaults.lr"),
    Case("figure_array", "figure = [1]\n" + OK, 2, "figure"),
    Case("output_string", 'output = "png"\n' + OK, 2, "output"),
    # -- item 8 and 11: numbers that overflow ----------------------------------------------------------------
    Case("sigma_huge", run("noise = { sigma = 1e300 }"), 2, "run[0].noise.sigma"),
    Case("sigma_zero", run("noise = { sigma = 0.0 }"), 0),
    Case("batch_on_quadratic", run("noise = { batch_size = 4 }"), 2, "run[0].noise.batch_size"),
    Case("noise_unknown", run("noise = { sigmaa = 1.0 }"), 2, "run[0].noise", "sigma"),
    Case("noise_string", run('noise = "gaussian"'), 2, "run[0].noise"),
    Case(
        "view_huge",
        '[surface]\nname = "quadratic"\nview = [[-1e300, 1e300], [-1.0, 1.0]]\n' + GD,
        2,
        "surface.view",
    ),
    Case(
        "view_reversed",
        '[surface]\nname = "quadratic"\nview = [[1.0, -1.0], [-1.0, 1.0]]\n' + GD,
        2,
        "surface.view",
    ),
    Case(
        "view_flat",
        '[surface]\nname = "quadratic"\nview = [[1.0, 1.0], [-1.0, 1.0]]\n' + GD,
        2,
        "surface.view",
    ),
    Case(
        "view_tiny",
        '[surface]\nname = "quadratic"\nview = [[0.0, 1e-300], [0.0, 1e-300]]\n' + GD,
        2,
        "surface.view",
        "too narrow",
    ),
    Case(
        "center_huge",
        '[surface]\nname = "quadratic"\ncenter = [1e300, 0.0]\n' + GD,
        2,
        "surface.center",
    ),
    Case(
        "scale_huge", '[surface]\nname = "quadratic"\nscale = 1e300\n' + GD, 0
    ),  # diverges at step 1, marked
    Case("scale_tiny", '[surface]\nname = "quadratic"\nscale = 1e-300\n' + GD, 0),
    Case("angle_huge", '[surface]\nname = "quadratic"\nangle = 1e300\n' + GD, 0),
    Case("rosenbrock_b_huge", '[surface]\nname = "rosenbrock"\nb = 1e300\n' + GD, 0),
    Case(
        "dataset_many_samples",
        '[surface]\nname = "least_squares"\nn_samples = 1000000000\n' + GD,
        2,
        "surface.n_samples",
    ),
    Case(
        "dataset_zero_samples",
        '[surface]\nname = "least_squares"\nn_samples = 0\n' + GD,
        2,
        "surface.n_samples",
    ),
    Case(
        "minibatch_larger_than_data",
        '[surface]\nname = "least_squares"\nn_samples = 10\n'
        + GD
        + "noise = { batch_size = 100 }\n",
        2,
        "run[0].noise.batch_size",
    ),
    Case("diverging_trajectories", run("", lr="10.0"), 0),
    Case("diverging_convergence_rates", kind("convergence_rates", body=run("", lr="0.5")), 0),
    Case(
        "diverging_momentum_nesterov",
        kind("momentum_nesterov", body=run("", rule="nesterov", lr="0.5")),
        0,
    ),
    Case(
        "diverging_update_diagram",
        kind("update_diagram", "step = 3", body=run("", rule="momentum", lr="0.5")),
        0,
    ),
    Case("diverging_poor_conditioning", kind("poor_conditioning", body=run("", lr="0.5")), 0),
    Case(
        "diverging_trajectories_loss",
        kind("trajectories", "loss = true\ncondition = true", body=run("", lr="5.0")),
        0,
    ),
    Case(
        "numeric_gradient_huge_point",
        kind("numeric_gradient", "point = [1e200, 0.0]", body=SURFACE),
        2,
        "figure.point",
    ),
    Case(
        "numeric_gradient_huge_h",
        kind("numeric_gradient", "h = 1e300", body=SURFACE),
        2,
        "figure.h",
    ),
    Case(
        "numeric_gradient_zero_h", kind("numeric_gradient", "h = 0.0", body=SURFACE), 2, "figure.h"
    ),
    Case(
        "numeric_gradient_point_string",
        kind("numeric_gradient", 'point = "origin"', body=SURFACE),
        2,
        "figure.point",
    ),
    Case(
        "rate_table_huge_kappa",
        'kind = "rate_table"\n[figure]\nkappas = [1e300]\n',
        2,
        "figure.kappas[0]",
    ),
    Case(
        "rate_table_kappa_below_one",
        'kind = "rate_table"\n[figure]\nkappas = [0.5]\n',
        2,
        "figure.kappas[0]",
    ),
    Case("rate_table_empty", 'kind = "rate_table"\n[figure]\nkappas = []\n', 2, "figure.kappas"),
    Case(
        "rate_table_many_kappas",
        'kind = "rate_table"\n[figure]\nkappas = [' + ", ".join(["10.0"] * 500) + "]\n",
        2,
        "figure.kappas",
    ),
    Case(
        "phase_huge_lr_max",
        'kind = "phase_diagram"\n[figure]\ngrid = 10\nsteps = 50\nlr_max = 1e300\n',
        2,
        "figure.lr_max",
        "sliver",
    ),
    Case(
        "phase_lr_max_large",
        'kind = "phase_diagram"\n[figure]\ngrid = 10\nsteps = 50\nlr_max = 10.0\n',
        0,
    ),
    Case("phase_grid_small", 'kind = "phase_diagram"\n[figure]\ngrid = 2\n', 2, "figure.grid"),
    Case(
        "phase_rule_gd",
        'kind = "phase_diagram"\n[figure]\nrule = "gd"\ngrid = 10\nsteps = 50\n',
        2,
        "figure.rule",
    ),
    Case(
        "phase_kappa_huge",
        'kind = "phase_diagram"\n[figure]\ngrid = 10\nsteps = 50\nkappa = 1e300\n',
        2,
        "figure.kappa",
        "too large",
    ),
    Case(
        "phase_surface_kappa_huge",
        'kind = "phase_diagram"\n[surface]\nname = "quadratic"\nkappa = 1e12\n[figure]\ngrid = 10\nsteps = 50\n',
        2,
        "surface",
        "too large",
    ),
    Case(
        "seed_sweep_no_values",
        kind("seed_sweep", "", body=run("noise = { sigma = 0.5 }")),
        2,
        "figure.values",
    ),
    Case(
        "seed_sweep_default_seeds",
        kind("seed_sweep", "values = [0.01, 0.1]", body=run("noise = { sigma = 0.5 }")),
        0,
    ),
    Case(
        "seed_sweep_negative_seed",
        kind(
            "seed_sweep", "values = [0.01, 0.1]\nseeds = [-1]", body=run("noise = { sigma = 0.5 }")
        ),
        2,
        "figure.seeds",
    ),
    Case(
        "seed_sweep_zero_seeds",
        kind("seed_sweep", "values = [0.01, 0.1]\nseeds = 0", body=run("noise = { sigma = 0.5 }")),
        2,
        "figure.seeds",
    ),
    Case(
        "seed_sweep_huge_seeds",
        kind(
            "seed_sweep",
            "values = [0.01, 0.1]\nseeds = 1000000000",
            body=run("noise = { sigma = 0.5 }"),
        ),
        2,
        "figure.seeds",
    ),
    Case(
        "seed_sweep_unknown_param",
        kind(
            "seed_sweep", 'param = "lrr"\nvalues = [0.01, 0.1]', body=run("noise = { sigma = 0.5 }")
        ),
        2,
        "figure.param",
    ),
    Case(
        "seed_sweep_bad_values",
        kind("seed_sweep", "values = [-0.1]", body=run("noise = { sigma = 0.5 }")),
        2,
        "figure.values",
    ),
    Case(
        "seed_sweep_diverging",
        kind("seed_sweep", "values = [0.01, 5.0]\nseeds = 3", body=run("noise = { sigma = 0.5 }")),
        0,
    ),
    Case(
        "test_functions_many_rules",
        'kind = "test_functions"\n[figure]\nrules = [' + ", ".join(['"gd"'] * 5000) + "]\n",
        2,
        "figure.rules",
    ),
    Case(
        "test_functions_unknown",
        'kind = "test_functions"\n[figure]\nfunctions = ["rosenbrok"]\n',
        2,
        "figure.functions[0]",
        "rosenbrock",
    ),
    Case(
        "test_functions_no_functions",
        'kind = "test_functions"\n[figure]\nfunctions = []\n',
        2,
        "figure.functions",
    ),
    Case(
        "test_functions_columns_zero",
        'kind = "test_functions"\n[figure]\ncolumns = 0\n',
        2,
        "figure.columns",
    ),
    Case(
        "lams_huge",
        'kind = "weight_decay_conditioning"\n' + SURFACE + "[figure]\nsteps = 50\nlams = [1e300]\n",
        2,
        "figure.lams[0]",
        "at most 1e+06",
    ),
    Case(
        "lams_large",
        'kind = "weight_decay_conditioning"\n'
        + SURFACE
        + "[figure]\nsteps = 50\nlams = [0.0, 1e6]\n",
        0,
    ),
    Case(
        "regularization_prefs_nan",
        'kind = "regularization_preferences"\n[figure]\nx = [nan, 1.0]\nw1 = [1.0, 0.0]\nw2 = [0.5, 0.5]\n',
        2,
        "figure.x",
    ),
    Case(
        "regularization_prefs_empty",
        'kind = "regularization_preferences"\n[figure]\nx = []\nw1 = []\nw2 = []\n',
        2,
        "figure.x",
    ),
    Case(
        "regularization_prefs_huge",
        'kind = "regularization_preferences"\n[figure]\nx = [1e300, 1.0]\nw1 = [1e300, 0.0]\nw2 = [0.5, 0.5]\n',
        2,
        "figure.x[0]",
        "overflow",
    ),
    Case(
        "regularization_lam_negative",
        kind("regularization", "lam = -1.0", body='[surface]\nname = "softmax_1d"\n' + GD),
        2,
        "figure.lam",
    ),
    Case(
        "update_diagram_step_zero",
        kind("update_diagram", "step = 0", body=run("", rule="momentum")),
        2,
        "figure.step",
    ),
    Case("update_diagram_on_gd", kind("update_diagram", "", body=OK), 2, "run[0].rule"),
    Case(
        "linear_classifier_options",
        'kind = "linear_classifier_demo"\n[figure]\nlam = -1.0\n',
        2,
        "figure.lam",
    ),
    # -- item 8: output options ---------------------------------------------------------------------------
    Case(
        "gif_over_4k",
        OK + '[output]\nformats = ["gif"]\nsize = [40.0, 20.0]\ndpi = 200\n',
        2,
        "output",
    ),
    Case(
        "gif_fps_zero",
        OK + '[output]\nformats = ["gif"]\n[output.gif]\nfps = 0\n',
        2,
        "output.gif.fps",
    ),
    Case(
        "gif_stride_zero",
        OK + '[output]\nformats = ["gif"]\n[output.gif]\nstride = 0\n',
        2,
        "output.gif.stride",
    ),
    Case(
        "gif_hold_negative",
        OK + '[output]\nformats = ["gif"]\n[output.gif]\nhold = -1.0\n',
        2,
        "output.gif.hold",
    ),
    Case(
        "gif_hold_huge",
        OK + '[output]\nformats = ["gif"]\n[output.gif]\nhold = 1e300\n',
        2,
        "output.gif.hold",
    ),
    Case(
        "gif_frames_huge",
        OK + '[output]\nformats = ["gif"]\n[output.gif]\nmax_frames = 1000000\n',
        2,
        "output.gif.max_frames",
    ),
    Case(
        "gif_on_static_kind",
        'kind = "rate_table"\n[output]\nformats = ["gif"]\n',
        2,
        "output.formats",
    ),
    Case("formats_empty", OK + "[output]\nformats = []\n", 2, "output.formats"),
    Case("formats_unknown", OK + '[output]\nformats = ["bmp"]\n', 2, "output.formats"),
    Case(
        "formats_duplicate",
        OK + '[output]\nformats = ["png", "png"]\n',
        2,
        "output.formats",
        "twice",
    ),
    Case("dpi_huge", OK + "[output]\ndpi = 100000\n", 2, "output.dpi"),
    Case("size_negative", OK + "[output]\nsize = [-1.0, 4.0]\n", 2, "output.size"),
    Case("size_tiny", OK + "[output]\nsize = [0.01, 0.01]\n", 2, "output.size"),
    Case("size_pixels_over_cap", OK + "[output]\nsize = [39.0, 39.0]\ndpi = 300\n", 2, "output"),
    # -- item 9: caps through every route -----------------------------------------------------------------
    Case(
        "runs_over_cap", SURFACE + '[[run]]\nrule = "gd"\nlr = 0.01\nsteps = 2\n' * 1001, 2, "run"
    ),
    Case(
        "steps_over_cap_defaults",
        OK.replace("steps = 20\n", "") + "[defaults]\nsteps = 1000000\n",
        2,
        "defaults.steps",
        "at most 100,000",
    ),
    Case("panels_empty", 'kind = "panels"\n', 2, "panel"),
    Case(
        "panels_nested",
        'kind = "panels"\n[[panel]]\nkind = "panels"\n[panel.surface]\nname = "quadratic"\n[[panel.run]]\nrule = "gd"\nlr = 0.1\n',
        2,
        "panel[0].kind",
    ),
    Case(
        "panels_many",
        'kind = "panels"\n'
        + '[[panel]]\n[panel.surface]\nname = "quadratic"\n[[panel.run]]\nrule = "gd"\nlr = 0.1\nsteps = 5\n'
        * 100,
        2,
        "panel",
    ),
    Case("deep_toml", "a = " + "[" * 5000 + "]" * 5000 + "\n" + OK, 2, ""),
    Case("deep_inline_tables", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n" + OK, 2, ""),
    Case("many_keys", "".join(f"k{i} = {i}\n" for i in range(5000)) + OK, 2, "k0"),
    Case(
        "huge_array",
        OK + "[figure]\nlegend = [" + ", ".join(["1"] * 100000) + "]\n",
        2,
        "figure.legend",
    ),
]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _command(argv: list[str], capsys) -> tuple[int, str, list[str]]:
    """Run the command in-process: its exit code, its stderr and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(argv)
    err = capsys.readouterr().err
    return code, err, [f"{w.category.__name__}: {w.message}" for w in caught]


def _clean_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, f"one line expected: {err!r}"
    line = err[:-1]
    assert line.isprintable(), f"a raw control character reached the terminal: {line!r}"
    assert "Traceback" not in line and "Error:" not in line, line
    return line


# A case that renders draws its figure (1 to 10 CPU s each): the slow lane's. A refusal comes before any drawing.
PARAMS = [pytest.param(c, id=c.name, marks=[pytest.mark.slow] * (c.code == 0)) for c in CASES]


@pytest.mark.parametrize("case", PARAMS)
def test_hostile_scenario(tmp_path, capsys, case):
    source = tmp_path / f"{case.name}.toml"
    source.write_text(case.text, encoding="utf-8")
    out = tmp_path / "out"
    formats = [] if "[output]" in case.text else ["--format", "png"]

    checked, check_err, check_warned = _command(["check", str(source)], capsys)
    rendered, render_err, render_warned = _command(
        ["render", str(source), "-o", str(out), "-q", *formats], capsys
    )
    assert (checked, rendered) == (case.code, case.code), (check_err, render_err)
    assert check_warned == [] and render_warned == []
    if case.code == 0:
        assert render_err == ""
        assert _files(out) and all(not name.startswith(".") for name in _files(out))
        return
    line = _clean_line(render_err)
    assert _clean_line(check_err) == line, "check and render say the same"
    assert line.startswith(f"{source}: {case.field}"), line
    assert case.phrase in line, line
    assert _files(out) == [], "nothing written, no temporary file left"


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert len({c.name for c in CASES}) == len(CASES)
