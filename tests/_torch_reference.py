"""What "equal to torch.optim" means, checked one case at a time (tests/fixtures/make_torch_fixtures.py has the cases).

Shared by test_torch_fixtures.py (against the trajectories recorded from torch 2.13.0, on every run) and
test_torch_compat.py (against torch itself, where it is installed).

- The lr of every step (and OneCycleLR's momentum) is torch's float: both sides evaluate the same formulas in
  Python floats, in the same order, so they agree to the bit. (Schedules with a cosine take it from Python's
  ``math.cos``, the platform's libm, as torch does; there one ulp is allowed, for libms that round a cosine
  differently. A closed form used where torch recurses already differs by several ulps.)
- L-BFGS makes exactly torch's number of closure calls in each step of the approach phase.
- The iterates agree to 1e-12, relative to the largest coordinate, over the *approach phase*: the steps where
  two optviz runs whose lr differs by one ulp stay within 1e-13 of each other, and on the dataset surface also
  runs whose exp and log1p are an ulp off (the recorded gradients are those of the machine that recorded
  them, and numpy's exp rounds differently on AVX-512 CPUs). Numpy has no fused
  multiply-add; torch's CPU kernels fuse ``p.add_(g, alpha=-lr)`` and the like, so the two differ by an ulp per
  operation, and an ulp of difference is what the approach phase keeps small.
- Beyond it the dynamics amplify ulps: fixed unit steps of L-BFGS on Rosenbrock from the first step; centered
  RMSProp with momentum once it circles Rosenbrock's minimum; L-BFGS runs whose stopping tests (a loss change
  below ``tolerance_change``) decide on the last bits near the minimum. There optviz stays as close to torch
  as to itself under a 1-ulp change of lr, within a factor of 100 (measured: at most 19), and
  ``ULP_SENSITIVE`` lists those cases with the length of their approach phase, so that none of the others
  can quietly shrink to nothing.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import optviz as ov
from optviz.schedules import schedule_from_dict

GENERATOR = Path(__file__).resolve().parent / "fixtures" / "make_torch_fixtures.py"
RTOL = 1e-12
# surfaces computed with library functions (exp, log1p), whose last bits differ between machines
LIBM_SURFACES = ("logistic_regression",)
APPROACH = 1e-13  # a 1-ulp change of lr moves the run by at most this much (relative) on the approach phase
AMPLIFIED = 100.0

# case id -> (the approach phase is at least this many steps, why it is not the whole run)
ULP_SENSITIVE = {
    "rosenbrock/lbfgs": (
        0,
        "fixed unit steps of L-BFGS on Rosenbrock amplify an ulp from the first step",
    ),
    "rosenbrock/lbfgs_small": (4, "fixed steps with 3 pairs of history: ulps grow from step 5"),
    "rosenbrock/lbfgs_wolfe_small": (
        5,
        "near the minimum the stopping tests decide on the last bits",
    ),
    "rosenbrock/lbfgs_step": (
        6,
        "as the lr halves, the line search's tolerance tests decide on the last bits",
    ),
    "rosenbrock/rmsprop_all": (
        150,
        "centered RMSProp with momentum circles the minimum from step ~170",
    ),
    "rosenbrock/one_cycle_momentum": (
        40,
        "momentum 0.85-0.95 at the peak lr swings across the valley",
    ),
    "logistic/lbfgs_wolfe_small": (
        1,
        "L-BFGS has converged; its stopping tests decide on the last bits",
    ),
    "logistic/one_cycle_flat": (
        20,
        "an ulp of exp or log1p grows 3x a step from step 20, as AdaGrad's lr nears OneCycle's peak",
    ),
}


@cache
def generator() -> Any:
    """tests/fixtures/make_torch_fixtures.py as a module (the cases, the torch side, the file format)."""
    spec = importlib.util.spec_from_file_location("make_torch_fixtures", GENERATOR)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def optviz_run(
    case: dict[str, Any], *, ulp: bool = False, libm: str | None = None
) -> ov.Trajectory:
    """The case run by optviz; ``ulp``: with the lr (OneCycleLR's max_lr) one ulp larger; ``libm`` ("up",
    "down", "random"): with the results of the library functions the gradient is computed from (a dataset
    surface's exp and log1p) moved by one ulp (tests/_web.py's ``libm_perturbed``)."""
    surface = ov.surface(**case["surface"])
    if libm is not None:
        from _web import libm_perturbed

        surface = libm_perturbed(surface, libm)
    hyper = dict(case["hyperparams"])
    spec = case["schedule"]
    if ulp and spec is not None and spec["name"] == "one_cycle":
        spec = {**spec, "max_lr": float(np.nextafter(spec["max_lr"], np.inf))}
    elif ulp:
        hyper["lr"] = float(np.nextafter(ov.rule(case["rule"], **hyper).lr, np.inf))
    schedule = None if spec is None else schedule_from_dict(spec)
    return ov.run(surface, ov.rule(case["rule"], **hyper), steps=case["steps"], schedule=schedule)


def approach_phase(case: dict[str, Any], t: ov.Trajectory, scale: float) -> tuple[int, np.ndarray]:
    """The last step of the approach phase, and the 1-ulp separation (running maximum) of every step: of a run
    whose lr is one ulp larger and, on a surface computed with library functions, of runs whose exp and log1p
    are an ulp off (numpy's exp is its own kernel on AVX-512 CPUs and libm's elsewhere: 4.5% of their results
    differ in the last bit, and the recorded runs fed torch the gradients of the machine that recorded them)."""
    others = [optviz_run(case, ulp=True)]
    if case["surface"]["name"] in LIBM_SURFACES:
        others += [optviz_run(case, libm=mode) for mode in ("up", "down", "random")]
    gap = np.max([np.abs(t.xy - o.xy).max(axis=1) for o in others], axis=0) / scale
    separation = np.maximum.accumulate(gap)
    inside = separation <= APPROACH
    last = case["steps"] if inside.all() else int(np.argmin(inside)) - 1
    return last, separation


def assert_equals_torch(case: dict[str, Any], ref: dict[str, np.ndarray]) -> None:
    """optviz's run of ``case`` equals torch's recorded arrays ``ref`` as the module docstring says."""
    t = optviz_run(case)
    assert t.status == "max_steps", case["id"]
    ulps = 1 if _cosine(case["schedule"]) else 0
    np.testing.assert_array_max_ulp(t.lr, ref["lr"], maxulp=ulps)
    if "momentum" in ref:
        cycled = next(t.state[k] for k in ("rho", "beta1", "momentum") if k in t.state)
        np.testing.assert_array_max_ulp(cycled, ref["momentum"], maxulp=ulps)
    scale = float(np.abs(ref["xy"]).max())
    last, separation = approach_phase(case, t, scale)
    expected, why = ULP_SENSITIVE.get(case["id"], (case["steps"], ""))
    assert last >= expected, (
        f"the approach phase ends at step {last}, expected >= {expected} ({why})"
    )
    np.testing.assert_allclose(
        t.xy[: last + 1], ref["xy"][: last + 1], rtol=0, atol=RTOL * scale, err_msg="approach phase"
    )
    gap = np.abs(t.xy - ref["xy"]).max(axis=1) / scale
    bound = np.maximum(AMPLIFIED * separation, RTOL)
    worst = int(np.argmax(gap / bound))
    assert gap[worst] <= bound[worst], (
        f"step {worst}: {gap[worst]:.2e} from torch, but a 1-ulp change of lr moves optviz only "
        f"{separation[worst]:.2e}"
    )
    if "evaluations" in ref:
        np.testing.assert_array_equal(t.evaluations[:last], ref["evaluations"][:last])


def _cosine(spec: dict[str, Any] | None) -> bool:
    """Whether a schedule evaluates a cosine (CosineAnnealingLR, OneCycleLR's default annealing)."""
    if spec is None:
        return False
    if spec["name"] == "sequential":
        return any(_cosine(child) for child in spec["schedulers"])
    return spec["name"] == "cosine_annealing" or (
        spec["name"] == "one_cycle" and spec.get("anneal_strategy", "cos") == "cos"
    )
