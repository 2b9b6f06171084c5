"""Engine speed against hand-written loops, timed in the same run (best of 3), printed as ratios.

    PYTHONPATH=. python benchmarks/engine.py [--runs 10000] [--steps 1000] [--single-steps 10000]

1. batched: optviz.run with 10,000 starts x 1,000 Momentum steps on a quadratic, against a
   hand-written
   vectorized numpy loop that records positions and losses (target: within 2x);
2. single: one trajectory of 10,000 steps against a hand-written numpy loop (target: within 3x); 3.
   torch: the same two problems as hand-written torch.optim.SGD(momentum=0.9) loops, where torch
   imports.

optviz records more than the baselines (gradients and the momentum buffer too) and checks stopping.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

import optviz as ov

LR, RHO = 0.02, 0.9


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def numpy_loop(A: np.ndarray, x0: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Heavy ball (torch's form: v = rho v + g, x -= lr v), recording positions and losses."""
    X = np.empty((steps + 1, *x0.shape))
    F = np.empty((steps + 1, *x0.shape[:-1]))
    x, v = x0.copy(), np.zeros_like(x0)
    for k in range(steps + 1):
        g = x @ A
        X[k] = x
        F[k] = 0.5 * (g * x).sum(axis=-1)
        if k == steps:
            break
        v = RHO * v + g
        x = x - LR * v
    return X, F


def torch_loop(A: np.ndarray, x0: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    import torch

    At = torch.from_numpy(A)
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=LR, momentum=RHO)
    X = np.empty((steps + 1, *x0.shape))
    F = np.empty((steps + 1, *x0.shape[:-1]))
    for k in range(steps + 1):
        opt.zero_grad()
        loss = 0.5 * ((p @ At) * p).sum(dim=-1)
        X[k] = p.detach().numpy()
        F[k] = loss.detach().numpy()
        if k == steps:
            break
        loss.sum().backward()
        opt.step()
    return X, F


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=1_000)
    parser.add_argument("--single-steps", type=int, default=10_000)
    args = parser.parse_args()

    q = ov.surface("quadratic", kappa=10)
    A = np.array(q.A)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = q.bounds
    starts = np.stack([rng.uniform(x0, x1, args.runs), rng.uniform(y0, y1, args.runs)], axis=1)
    rule = ov.Momentum(lr=LR, rho=RHO)

    try:
        import torch

        torch.set_num_threads(1)
        have_torch = True
    except ImportError:
        have_torch = False

    # Same numbers first: the engine and the hand loop agree.
    t = ov.run(q, rule, start=starts[:50], steps=200)
    X, _ = numpy_loop(A, starts[:50], 200)
    assert np.allclose(t.xy, X.swapaxes(0, 1), rtol=1e-12, atol=1e-14)

    print(
        f"numpy {np.__version__}, optviz {ov.__version__}"
        + (f", torch {torch.__version__}" if have_torch else "")
    )
    rows = []
    for name, start, steps in (
        (f"batched {args.runs:,} x {args.steps:,}", starts, args.steps),
        (f"single 1 x {args.single_steps:,}", starts[0], args.single_steps),
    ):
        t_ov = best_of(lambda start=start, steps=steps: ov.run(q, rule, start=start, steps=steps))
        t_np = best_of(lambda start=start, steps=steps: numpy_loop(A, start, steps))
        t_th = (
            best_of(lambda start=start, steps=steps: torch_loop(A, start, steps))
            if have_torch
            else None
        )
        rows.append((name, t_ov, t_np, t_th))

    print(
        f"{'problem':<26}{'optviz':>10}{'numpy':>10}{'ratio':>8}{'torch':>10}{'torch/optviz':>14}"
    )
    for name, t_ov, t_np, t_th in rows:
        torch_cols = (
            f"{t_th:>9.3f}s{t_th / t_ov:>13.2f}x" if t_th is not None else f"{'n/a':>10}{'':>14}"
        )
        print(f"{name:<26}{t_ov:>9.3f}s{t_np:>9.3f}s{t_ov / t_np:>7.2f}x{torch_cols}")
    print("targets: batched ratio <= 2, single ratio <= 3 (ratio = optviz time / numpy loop time)")


if __name__ == "__main__":
    main()
