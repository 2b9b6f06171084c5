"""L-BFGS speed: optviz's batched kernel against its one-run reference loop and a torch.optim.LBFGS loop.

    PYTHONPATH=. python benchmarks/lbfgs.py [--runs 10000] [--steps 10] [--sample 200] [--surface rosenbrock]

For each line search (None, "strong_wolfe") and N random starts in the surface's view, S steps (one step =
one step(closure), up to 20 inner iterations):

1. batched: ``optviz.run`` with the N starts at once (the lockstep kernel), best of 3;
2. reference: ``optviz.engine.reference_run``, the one-run port that mirrors torch's code, run by run;
3. torch: a hand-written loop, one ``torch.optim.LBFGS`` per start with a closure in torch ops (autograd),
   the user's alternative; only where torch imports (``pip install torch==2.13.0``).

The loops over runs are timed on a sample of the starts and given per run; the ratios compare per-run times.
The same run also checks that the batched kernel equals the reference loop bit for bit on the sample, and
says how many of the sample's torch runs end within 1e-9 of optviz's.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from engine import best_of  # benchmarks/engine.py (a script's folder is on its path)

import optviz as ov
from optviz.engine import prepare, reference_run


def torch_loop(name: str, starts: np.ndarray, steps: int, options: dict) -> np.ndarray:
    """One torch.optim.LBFGS per start, the loss written in torch ops: the final points."""
    import torch

    def loss(p: torch.Tensor) -> torch.Tensor:
        x, y = p[0], p[1]
        if name == "rosenbrock":
            return (1 - x) ** 2 + 100 * (y - x * x) ** 2
        if name == "beale":
            return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
        raise ValueError(f"no torch loss for {name!r}")

    out = np.empty_like(starts)
    for i, start in enumerate(starts):
        p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([p], **options)

        def closure(p: torch.Tensor = p, opt: torch.optim.LBFGS = opt) -> torch.Tensor:
            opt.zero_grad()
            f = loss(p)
            f.backward()
            return f

        for _ in range(steps):
            opt.step(closure)
        out[i] = p.detach().numpy()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--sample", type=int, default=200, help="runs timed in the per-run loops")
    parser.add_argument("--surface", default="rosenbrock", choices=["rosenbrock", "beale"])
    args = parser.parse_args()

    surface = ov.surface(args.surface)
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(0)
    starts = np.stack([rng.uniform(x0, x1, args.runs), rng.uniform(y0, y1, args.runs)], axis=1)
    sample = starts[: args.sample]
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False

    for options in ({}, {"line_search_fn": "strong_wolfe"}):
        rule = ov.LBFGS(**options)
        print(
            f"L-BFGS {options or '(fixed steps)'} on {args.surface}: {args.runs:,} starts x {args.steps} steps"
        )
        batch: list[ov.Trajectory] = []

        def batched(rule: ov.LBFGS = rule, batch: list = batch) -> None:
            batch.append(ov.run(surface, rule, start=starts, steps=args.steps))

        t_batch = best_of(batched)
        t = batch[-1]
        per_batch = t_batch / args.runs
        print(
            f"  optviz batched     {t_batch:8.2f} s  {per_batch * 1e6:9.1f} us/run  "
            f"({int(t.evaluations.sum()):,} closure calls, {int(np.diff(t.state['n_iter']).sum()):,} inner iterations)"
        )

        problem = prepare(surface, rule, start=sample, steps=args.steps)
        t0 = time.perf_counter()
        refs = [reference_run(problem, i) for i in range(len(sample))]
        per_ref = (time.perf_counter() - t0) / len(sample)
        same = all(np.array_equal(t[i].xy, ref.xy) for i, ref in enumerate(refs))
        print(
            f"  reference loop     {per_ref * 1e3:8.2f} ms/run   batched is {per_ref / per_batch:6.1f}x faster"
            f"  (bit-identical on the {len(sample)} runs: {same})"
        )
        if have_torch:
            t0 = time.perf_counter()
            ends = torch_loop(args.surface, sample, args.steps, options)
            per_torch = (time.perf_counter() - t0) / len(sample)
            close = np.abs(ends - t.final[: len(sample)]).max(axis=1) <= 1e-9 * np.maximum(
                1, np.abs(ends).max(axis=1)
            )
            print(
                f"  torch.optim.LBFGS  {per_torch * 1e3:8.2f} ms/run   batched is {per_torch / per_batch:6.1f}x faster"
                f"  ({int(close.sum())} of {len(sample)} end within 1e-9 of optviz)"
            )
        else:
            print("  torch.optim.LBFGS  (torch is not installed)")
        print()


if __name__ == "__main__":
    main()
