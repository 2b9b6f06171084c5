"""Basins of attraction: 400 x 400 starts x 500 steps of one rule through ``optviz.engine.endpoints``.

    PYTHONPATH=. python benchmarks/basins.py [--grid 400] [--steps 500] [--rule momentum] [--repeat 3]

Every start of a grid x grid lattice over Himmelblau's view runs ``--steps`` steps of one rule (Momentum, lr =
0.005 by default: what the gallery's basins figure runs), in one vectorized call that keeps no history, with a
tolerance of 1e-6 on the gradient norm (converged runs stop and leave the batch). Two baselines in the same run:
- a hand-written numpy loop of the same update with no stopping checks at all (the floor: what the update and
  the surface cost, ``--steps`` full steps of every start);
- ``optviz.run`` in batches of 10,000 starts (what a user had before ``endpoints``: ``run`` records every step, so
  160,000 starts x 500 steps in one call would hold ~4.5 GB of history).
The end points of ``endpoints`` are checked equal to ``run``'s, bit for bit. Target: a few seconds; within 2x of
the hand-written loop.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import optviz as ov
from optviz.engine import endpoints


def numpy_momentum(s, xy, lr, rho, steps):
    """torch's heavy ball written out, every start for every step (no stopping)."""
    x = xy.copy()
    b = np.zeros_like(x)
    with np.errstate(all="ignore"):
        for k in range(steps):
            g = s.grad(x)
            b = g if k == 0 else rho * b + g
            x = x - lr * b
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=400)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    s = ov.surface("himmelblau")
    (x0, x1), (y0, y1) = s.bounds
    xs = np.linspace(x0, x1, args.grid)
    ys = np.linspace(y0, y1, args.grid)
    X, Y = np.meshgrid(xs, ys)
    starts = np.column_stack([X.ravel(), Y.ravel()])
    rule = ov.Momentum(lr=0.005, rho=0.9)
    n = len(starts)

    best = {"endpoints": np.inf, "numpy": np.inf, "run": np.inf}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        e = endpoints(s, rule, starts, args.steps, tol=1e-6)
        best["endpoints"] = min(best["endpoints"], time.perf_counter() - t0)
        t0 = time.perf_counter()
        numpy_momentum(s, starts, 0.005, 0.9, args.steps)
        best["numpy"] = min(best["numpy"], time.perf_counter() - t0)
    chunk = 10_000
    t0 = time.perf_counter()
    ends = []
    for i in range(0, n, chunk):
        t = ov.run(s, rule, starts[i : i + chunk], args.steps, tol=1e-6)
        ends.append(t.xy[np.arange(len(t.stop_step)), t.stop_step])
    best["run"] = time.perf_counter() - t0
    assert np.array_equal(np.concatenate(ends), e.xy), "endpoints and run disagree"

    names, counts = np.unique(e.status, return_counts=True)
    print(f"{args.grid} x {args.grid} starts x {args.steps} steps of {rule.label} (lr=0.005, rho=0.9) on "
          f"Himmelblau, tol 1e-6")  # fmt: skip
    print("  statuses: " + ", ".join(f"{int(c):,} {s}" for s, c in zip(names, counts, strict=True)))
    print(
        f"  optviz.engine.endpoints (no history), best of {args.repeat}: {best['endpoints']:7.2f} s"
    )
    print(f"  hand-written numpy loop (no stopping), best of {args.repeat}: {best['numpy']:7.2f} s")
    print(f"  optviz.run in batches of {chunk:,} (full history), once:      {best['run']:7.2f} s")
    print(f"  ratio endpoints / numpy loop: {best['endpoints'] / best['numpy']:.2f} (target <= 2)")
    print(f"  ratio run / endpoints:        {best['run'] / best['endpoints']:.2f}")


if __name__ == "__main__":
    main()
