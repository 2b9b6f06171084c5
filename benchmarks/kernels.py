"""A few runs on float kernels against the numpy loop, timed in the same run, printed as ratios.

    PYTHONPATH=. python benchmarks/kernels.py [--steps 20000] [--repeat 3]

The engine steps a few runs of the coordinate-wise rules on Python floats (``optviz.kernels``,
``engine._kernel_loop``) instead of numpy arrays of a few rows; both give the same bits (checked here too).
For each case the engine's loop is timed both ways (``engine._batched_loop(problem, use_kernels=False)`` is the
numpy loop as it was), process CPU time, best of ``--repeat`` rounds taken round-robin:

- one run of each kernel rule on the quadratic (issue 16's work cap: 3 x 100,000 Adam steps);
- the explorer's four rules stacked (``optviz.stacked.Stacked``: GD, Momentum, Nesterov, Adam), exact and
  under Gaussian noise (issue 14: a slider move re-runs them);
- N runs of Adam and of Momentum, N = 1 .. 8: where the float loop stops paying (``kernels.FLOAT_RUNS``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import optviz as ov
from optviz import kernels
from optviz.engine import _batched_loop, prepare
from optviz.stacked import Stacked


def cpu(fn: Callable[[], Any]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def compare(label: str, problem: Any, repeat: int) -> tuple[float, float]:
    new = _batched_loop(problem)
    old = _batched_loop(problem, use_kernels=False)
    for name in ("xy", "loss", "grad"):
        assert np.array_equal(getattr(new, name), getattr(old, name)), (label, name)
    t_old, t_new = [], []
    for _ in range(repeat):
        t_old.append(cpu(lambda: _batched_loop(problem, use_kernels=False)))
        t_new.append(cpu(lambda: _batched_loop(problem)))
    o, n = min(t_old), min(t_new)
    per = 1e6 / max(problem.steps, 1)
    print(
        f"{label:<34} numpy {o * 1e3:8.1f} ms ({o * per:5.1f} us/step)   "
        f"kernels {n * 1e3:8.1f} ms ({n * per:5.1f} us/step)   ratio {o / n:5.2f}x"
    )
    return o, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    q = ov.surface("quadratic")
    steps = args.steps

    print(f"-- one run, {steps} steps on the quadratic")
    for name in ("gd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"):
        rule = ov.optimizers.rule(name, lr=0.01)
        compare(name, prepare(q, rule, steps=steps), args.repeat)

    print("-- the explorer's four rules stacked, 500 steps (x 20 calls)")
    rules = (ov.GD(lr=0.05), ov.Momentum(lr=0.02), ov.Nesterov(lr=0.02), ov.Adam(lr=0.1))
    for noise in (None, ov.GaussianNoise(0.2)):
        problem = prepare(q, Stacked(rules), [q.start] * 4, 500, noise=noise)
        o, n = compare(f"stacked, noise={noise}", problem, args.repeat)
        print(f"{'':<34} per call: numpy {o * 1e3:.2f} ms, kernels {n * 1e3:.2f} ms")

    print(f"-- N runs, {steps // 4} steps (kernels.FLOAT_RUNS = {kernels.FLOAT_RUNS})")
    saved = kernels.FLOAT_RUNS
    kernels.FLOAT_RUNS = 1000  # the kernel loop for every N here
    try:
        for name in ("adam", "momentum"):
            for n in (1, 2, 4, 6, 8):
                rule = ov.optimizers.rule(name, lr=0.01)
                starts = q.start + np.linspace(0, 1, n)[:, None]
                compare(f"{name} x {n}", prepare(q, rule, starts, steps // 4), args.repeat)
    finally:
        kernels.FLOAT_RUNS = saved


if __name__ == "__main__":
    main()
