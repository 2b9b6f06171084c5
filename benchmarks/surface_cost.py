"""What a scenario's work units stand for (optviz.scenario.compute.Cost), measured against the declared numbers.

Two measurements, each against the quadratic in the same run:

- each built-in surface's run time per step, next to its declared ``Surface.COST``;
- a single run of many steps against one step of many runs: ``LOOP_RUNS``, what one pass of the engine's loop
  costs in runs of one vectorized step.

    python benchmarks/surface_cost.py
"""

from __future__ import annotations

import time

import numpy as np

import optviz as ov
from optviz.scenario.compute import LOOP_RUNS

STEPS = 20_000


def _seconds(surface, starts, steps) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        ov.run(surface, ov.Adam(lr=1e-4), start=starts, steps=steps)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    quad = ov.surface("quadratic")
    base = _seconds(quad, quad.start, STEPS)
    print(f"{'surface':18s} {'measured':>9s} {'declared':>9s}")
    for name in ov.surface_names():
        s = ov.surface(name)
        if s.cost != type(s).COST:  # the dataset surfaces: their cost follows their sample count
            continue
        ratio = _seconds(s, s.start, STEPS) / base
        print(f"{name:18s} {ratio:9.2f} {s.cost:9.2f}")
    # One loop pass against one vectorized step: 1 run x STEPS steps against STEPS runs x a few steps.
    many = np.tile(quad.start, (STEPS, 1))
    per_run_step = _seconds(quad, many, 20) / (STEPS * 20)
    per_loop = base / STEPS
    print(
        f"one loop pass = {per_loop / per_run_step:.0f} runs of a vectorized step (LOOP_RUNS = {LOOP_RUNS})"
    )


if __name__ == "__main__":
    main()
