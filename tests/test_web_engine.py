"""The pages' JavaScript engine equals optviz.run: every rule on every registered surface, under node.

The contract (design section 2): relative 1e-9 on surfaces built from + - * / and integer powers; where exp,
log, sin... enter, up to the step where two Python runs with 1-ulp-perturbed gradients part by 1e-9 (computed
per case in ``_web.check``). Runs that are bit-identical pass at once.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from _web import NODE, Case, check, default_params, run_node

import optviz as ov
from optviz.analysis import suggested_adaptive_lr, suggested_lr
from optviz.web import emit
from optviz.web.scenario_page import JS_RULES

pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not installed (it runs the JavaScript engine)"
)

EXPRESSIONS = {
    "expr_poly": "x**2 - 3*y**2 + x*y + x**3/7 - y**4/20",
    "expr_trig": "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "expr_exp": "exp(-(x**2 + y**2)) * -3 + 0.2*x**2 + 0.3*y**2 + log1p(x**2)",
    "expr_mixed": "sqrt(1 + x**2 + y**2) + tanh(x*y) + abs(x - y)/4 + arctan(y)",
    # Newton halves y each step until y**4's curvature is lost to rounding: status "singular"
    "expr_flat": "x**2 + y**4/4",
}


def _surfaces() -> dict[str, object]:
    out = {name: ov.surface(name) for name in ov.surface_names()}
    for key, text in EXPRESSIONS.items():
        out[key] = ov.surface_from_expression(text)
    out["quadratic_rotated"] = ov.surface("quadratic", kappa=30, angle=25, center=(1.0, -0.5))
    out["regularized_quadratic"] = ov.regularized(ov.surface("quadratic", kappa=50), 0.2)
    out["regularized_rosenbrock"] = ov.regularized(ov.surface("rosenbrock"), 0.05)
    out["regularized_logistic"] = ov.regularized(ov.surface("logistic_regression"), 0.01)
    return out


SURFACES = _surfaces()


def _every_rule_on_every_surface() -> list[Case]:
    return [
        Case(key, s, rule, default_params(rule, s), steps=300, label=f"{key}/{rule}")
        for key, s in SURFACES.items()
        for rule in JS_RULES
    ]


def _options() -> list[Case]:
    """Every option of every rule, noise, the stop and divergence rules, on a few surfaces."""
    cases = []
    for key in ("quadratic_rotated", "rosenbrock", "rastrigin", "logistic_regression", "expr_exp"):
        s = SURFACES[key]
        lr, alr = suggested_lr(s), suggested_adaptive_lr(s)
        variants = [
            ("momentum", {"lr": lr, "rho": 0.8, "dampening": 0.3, "weight_decay": 0.01}),
            ("nesterov", {"lr": lr, "rho": 0.7, "weight_decay": 0.02}),
            ("gd", {"lr": lr, "weight_decay": 0.05}),
            ("adam", {"lr": alr, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.01, "amsgrad": True}),
            ("rmsprop", {"lr": alr, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.01}),
            ("rmsprop", {"lr": alr, "momentum": 0.3}),
            ("adagrad", {"lr": alr, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}),
            ("random_search", {"scale": 0.05 * s.diagonal, "local": True}),
            ("adamw", {"lr": alr, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
            ("newton", {"lr": 0.5, "damping": 1.0}),
            ("lbfgs", {"line_search_fn": "strong_wolfe"}),
            ("lbfgs", {"lr": 0.5, "history_size": 2, "max_iter": 5, "max_eval": 6,
                       "line_search_fn": "strong_wolfe"}),
            ("lbfgs", {"lr": 0.3, "history_size": 3, "max_iter": 4, "tolerance_change": 1e-6}),
        ]  # fmt: skip
        for rule, params in variants:
            cases.append(Case(key, s, rule, params, steps=200, label=f"{key}/{rule}/{params}"))
        # Noise: additive Gaussian, several seeds; a stop at a tolerance; divergence (10x GD's 2/L).
        for seed in (0, 3):
            cases.append(
                Case(key, s, "momentum", {"lr": lr}, steps=200, noise=ov.GaussianNoise(0.5), seed=seed,
                     label=f"{key}/noisy momentum/{seed}")
            )  # fmt: skip
        cases.append(Case(key, s, "gd", {"lr": lr}, steps=2000, tol=1e-3, label=f"{key}/gd tol"))
        cases.append(Case(key, s, "gd", {"lr": 20 * lr}, steps=300, label=f"{key}/gd diverging"))
    for key in ("least_squares", "logistic_regression", "softmax_1d", "regularized_logistic"):
        s = SURFACES[key]
        lr = suggested_lr(s)
        for batch, replace in ((5, False), (8, True)):
            cases.append(
                Case(key, s, "gd", {"lr": lr}, steps=200, noise=ov.Minibatch(batch, replace=replace),
                     seed=7, label=f"{key}/minibatch {batch} {replace}")
            )  # fmt: skip
            cases.append(
                Case(key, s, "adam", {"lr": suggested_adaptive_lr(s)}, steps=200,
                     noise=ov.Minibatch(batch, replace=replace), seed=1, label=f"{key}/adam minibatch")
            )  # fmt: skip
    return cases


def _schedules() -> list[Case]:
    """Every schedule (torch's recursive and closed forms, OneCycleLR's momentum) driving the rules it can."""
    warm_cosine = ov.SequentialLR(
        [ov.LinearLR(start_factor=0.1, total_iters=20), ov.CosineAnnealingLR(T_max=60)],
        milestones=[20],
    )
    warm_then_steps = ov.SequentialLR(
        [
            ov.ExponentialLR(gamma=0.98),
            ov.StepLR(step_size=7, gamma=0.5),
            ov.LinearLR(end_factor=0.5),
        ],
        milestones=[10, 40],
    )
    schedules = [
        ov.StepLR(step_size=15, gamma=0.5),
        ov.ExponentialLR(gamma=0.97),
        ov.CosineAnnealingLR(T_max=30, eta_min=1e-4),  # past T_max the lr climbs back, as torch's
        ov.LinearLR(start_factor=0.2, end_factor=0.9, total_iters=25),
        warm_cosine,
        warm_then_steps,
        ov.OneCycleLR(max_lr=0.02, total_steps=80),
        ov.OneCycleLR(max_lr=0.05, total_steps=100, anneal_strategy="linear", three_phase=True),
    ]
    cases = []
    for key in ("quadratic_rotated", "rosenbrock", "logistic_regression"):
        s = SURFACES[key]
        lr, alr = suggested_lr(s), suggested_adaptive_lr(s)
        rules = [("momentum", {"lr": lr}), ("nesterov", {"lr": lr, "rho": 0.8}), ("adam", {"lr": alr}),
                 ("adamw", {"lr": alr}), ("rmsprop", {"lr": alr}), ("gd", {"lr": lr}),
                 ("adagrad", {"lr": alr}), ("newton", {"damping": 0.5}), ("lbfgs", {"max_iter": 3})]  # fmt: skip
        for schedule in schedules:
            for rule, params in rules:
                if isinstance(schedule, ov.OneCycleLR) and rule not in (
                    "momentum",
                    "nesterov",
                    "adam",
                    "adamw",
                    "rmsprop",
                ):
                    continue
                cases.append(Case(key, s, rule, params, steps=80, schedule=schedule,
                                  label=f"{key}/{rule}/{schedule!r}"))  # fmt: skip
    return cases


@pytest.fixture(scope="module")
def engine_runs():
    cases = _every_rule_on_every_surface() + _options() + _schedules()
    run_node(cases, SURFACES)
    return cases


@pytest.mark.slow
def test_every_rule_on_every_registered_surface_equals_optviz_run(engine_runs):
    cases = [c for c in engine_runs if c.surface_key in ov.surface_names() and c.steps == 300]
    assert {c.surface_key for c in cases} == set(ov.surface_names())
    assert {c.rule for c in cases} == set(JS_RULES) == set(ov.rule_names())
    _assert_all(cases)


@pytest.mark.slow
def test_rule_options_noise_stopping_and_divergence_equal_optviz_run(engine_runs):
    cases = [
        c for c in engine_runs
        if (c.surface_key not in ov.surface_names() or c.steps != 300) and c.schedule is None
    ]  # fmt: skip
    statuses = {c.reference.status for c in engine_runs}
    # the stop and divergence rules are exercised, and Newton's singular Hessian
    assert statuses == {"max_steps", "converged", "diverged", "singular"}
    _assert_all(cases)


@pytest.mark.slow
def test_every_schedule_equals_optviz_run(engine_runs):
    """The lr (and OneCycleLR's momentum) of every step is torch's, as optviz.schedules computes it: each
    scheduled run equals optviz.run's, and the lr sequences themselves are equal to the bit."""
    cases = [c for c in engine_runs if c.schedule is not None]
    assert {c.schedule.name for c in cases} == set(ov.schedule_names())
    _assert_all(cases)


def _assert_all(cases: list[Case]) -> None:
    failures, exact, held = [], 0, []
    for case in cases:
        verdict = check(case)
        exact += verdict.exact
        if verdict.message:
            failures.append(f"{case.label}: {verdict.message}")
        held.append(verdict.compared)
    print(f"{exact} of {len(cases)} runs bit-identical; rows held to 1e-9: {sum(held)} of "
          f"{sum(c.steps + 1 for c in cases)}")  # fmt: skip
    assert not failures, "\n".join(failures)


def _libm_pow(surface) -> bool:
    """Does the surface's gradient call libm's pow (a power other than 2, 0.5, -1)? JavaScript's
    correctly rounded powers then differ from it by an ulp in rare cases."""
    from optviz.surfaces.program import surface_program

    program = surface_program(surface)
    if program is None:
        return False
    consts = {i + 2: ins.value for i, ins in enumerate(program.value_and_grad.instructions)}
    return any(
        ins.op == "pow" and consts.get(ins.args[1]) not in (2.0, 0.5, -1.0, 1.0, 0.0)
        for ins in program.value_and_grad.instructions
    )


def _cosines(schedule) -> bool:
    """Does the schedule call cos (libm's in Python, V8's in the page: they may differ by an ulp)?"""
    if schedule is None:
        return False
    if isinstance(schedule, ov.SequentialLR):
        return any(_cosines(child) for child in schedule.schedulers)
    if isinstance(schedule, ov.OneCycleLR):
        return schedule.anneal_strategy == "cos"
    return isinstance(schedule, ov.CosineAnnealingLR)


@pytest.mark.slow
def test_arithmetic_surfaces_are_bit_identical(engine_runs):
    """On + - * / surfaces the JavaScript performs numpy's operations in numpy's order (sums too): the runs
    agree to the bit, noise, Newton's Hessians, L-BFGS's line search and the schedules without a cosine
    included. Only libm's pow (a cube, say) and cos (a cosine schedule) may round differently by an ulp."""
    from optviz.web.emit import arithmetic

    cases = [
        c for c in engine_runs
        if arithmetic(c.surface) and not _libm_pow(c.surface) and not _cosines(c.schedule)
    ]  # fmt: skip
    assert len(cases) > 100
    assert {c.rule for c in cases} == set(JS_RULES)
    inexact = [c.label for c in cases if not check(c).exact]
    assert not inexact, inexact


def test_a_datasets_loss_alone_is_the_loss_of_its_value_and_gradient_to_the_bit():
    """What a minibatch run records at each step, the dataset's loss alone (each sample's loss added as it
    is computed; least squares' blocks of 128 in WebAssembly's SIMD lanes), is the loss valueAndGrad sums
    from its array with pairwiseSum, bit for bit: on datasets of many sizes (one block, halves, blocks with
    leftovers past a multiple of 8, fewer than 8 samples), both losses, with and without an L2 term. And a
    minibatch run recording the loss alone (least squares: summed after its steps, in one call) equals the same
    run computing valueAndGrad at every step (tol=0), where its loss overflows too."""
    script = Path(__file__).resolve().parent / "js" / "loss_alone.js"
    out = subprocess.run(
        [NODE, str(script), str(emit.JS_DIR / "engine.js")],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["checked"] == 16 * 2 * 2 * 40
    assert result["differ"] == []
    # least squares of 8 samples or more took the WebAssembly path (node has its SIMD)
    assert result["simd"] == [8, 9, 13, 64, 100, 128, 129, 136, 255, 256, 257, 300, 1037, 5000]
    assert len(result["runs"]) == 14 * 2 * 2 * 2
    assert {r[4] for r in result["runs"]} == {"max_steps", "diverged"}
    assert [r for r in result["runs"] if not r[3]] == []
