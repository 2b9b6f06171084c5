"""A phase-diagram-sized sweep through ``optviz.sweep`` against a Python loop of ``optviz.run`` calls.

    PYTHONPATH=. python benchmarks/sweep.py [--grid 100] [--seeds 5] [--steps 500] [--sample 200]
                                            [--repeat 3]

The sweep: Momentum on a kappa = 10 quadratic under Gaussian gradient noise (so that seeds differ),
over a grid x grid (lr, rho) grid x seeds, steps each: 100 x 100 x 5 x 500 by default, one call to
``optviz.sweep`` (tidy results, rates and convergence columns included). The baseline is what a
user would write without it: one ``optviz.run`` per (lr, rho, seed) in a Python loop, keeping the
final loss. It is timed on ``--sample`` combinations spread over the grid and extrapolated to the
whole grid. Each side is timed best of ``--repeat``. Target: the sweep at least 50x faster. The sampled runs are checked equal to the
sweep's rows, so both compute the same thing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import optviz as ov


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument(
        "--sample", type=int, default=200, help="loop runs timed, then extrapolated"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of this many timings, each side"
    )
    args = parser.parse_args()

    q = ov.surface("quadratic", kappa=10)
    top = 1.1 * ov.theory.max_lr("momentum", q, 1.0)
    centres = (np.arange(args.grid) + 0.5) / args.grid
    grid = {"lr": (centres * top).tolist(), "rho": centres.tolist()}
    seeds = tuple(range(args.seeds))
    noise = ov.GaussianNoise(0.1)
    total = args.grid * args.grid * args.seeds

    # Best of --repeat for both sides, in the same process: the machine's load moves both.
    t_sweep = np.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = ov.sweep(q, ov.Momentum, grid=grid, steps=args.steps, seeds=seeds, noise=noise)
        t_sweep = min(t_sweep, time.perf_counter() - t0)

    rng = np.random.default_rng(0)
    picks = np.sort(rng.choice(total, size=min(args.sample, total), replace=False))
    lrs, rhos, run_seeds = res["lr"], res["rho"], res["seed"]
    t_loop = np.inf
    for _ in range(args.repeat):
        finals = []
        t0 = time.perf_counter()
        for i in picks:
            t = ov.run(
                q, ov.Momentum(lr=float(lrs[i]), rho=float(rhos[i])), steps=args.steps,
                noise=noise, seed=int(run_seeds[i]),
            )  # fmt: skip
            finals.append(t.final_loss)
        t_loop = min(t_loop, (time.perf_counter() - t0) / len(picks) * total)
    np.testing.assert_allclose(finals, res["final_loss"][picks], rtol=1e-12)

    print(
        f"{args.grid} x {args.grid} (lr, rho) x {args.seeds} seeds x {args.steps} steps = "
        f"{total:,} runs of Momentum on a kappa = 10 quadratic with gradient noise"
    )
    names, counts = np.unique(res["status"], return_counts=True)
    print("  statuses: " + ", ".join(f"{int(c):,} {s}" for s, c in zip(names, counts, strict=True)))
    print(
        f"  optviz.sweep (one vectorized run, with rates), best of {args.repeat}: {t_sweep:8.2f} s"
    )
    print(
        f"  loop of optviz.run ({len(picks)} timed, extrapolated), best of {args.repeat}: {t_loop:8.2f} s "
        f"({t_loop / total * 1e3:.2f} ms per run)"
    )
    print(f"  ratio: sweep is {t_loop / t_sweep:.0f}x faster (target >= 50x)")


if __name__ == "__main__":
    main()
