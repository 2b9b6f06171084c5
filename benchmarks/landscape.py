"""Loss-landscape grid evaluation against the usual approach and a hand-written batched GEMM, in one run.

    PYTHONPATH=. python benchmarks/landscape.py [--n 51] [--samples 1000] [--repeat 5] [--threads 1]

A 51 x 51 grid of a filter-normalized random plane of an MLP 2-48-48-48-2 (4,946 parameters, ReLU, float32) on
1,000 two-moons points, three ways:

1. optviz: ``ModelLoss.values``, in chunks within its memory bound: for this plain ``nn.Sequential`` of Linear and
   ReLU layers, one fused ``baddbmm`` per layer with the loss under ``vmap`` (other models:
   ``torch.func.functional_call`` under ``vmap``; ``--vmap`` times that path on this model instead);
2. per point: the usual approach of loss-landscape tools: load each grid point's weights into the model
   (``torch.nn.utils.vector_to_parameters``) and run a forward pass, 2,601 times;
3. batched GEMM: a hand-written pass over the same chunks, one ``torch.baddbmm`` per layer (the batched matrix
   products that vmap should reduce to), with the cross-entropy written out.

Each is timed best of ``--repeat``, the three taking turns; the three grids must agree (float32 round-off).
Targets (issue 19): optviz faster than per point, within 1.5x of the batched GEMM. ``--threads`` sets torch's
thread count (0: torch's default); the printout says which.

The three run in one process. ``ModelLoss`` frees one large buffer first, which raises glibc's dynamic mmap
threshold (see ``optviz.landscape.model._keep_freed_buffers``): without it, this virtual machine page-faults
every vmapped call's buffers in afresh, and the grid takes about 3x as long. The two baselines run after it in
the same process, so they get the same allocator.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

import optviz.landscape as ol

WIDTH = 48


def interleaved(
    fns: dict[str, Callable[[], torch.Tensor]], repeat: int
) -> dict[str, tuple[float, torch.Tensor]]:
    """Best wall time of each function over ``repeat`` rounds, the functions taking turns in each round (so a
    busy spell of the machine's other work hits them alike)."""
    best: dict[str, tuple[float, torch.Tensor]] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out = fn()
            elapsed = time.perf_counter() - t0
            if name not in best or elapsed < best[name][0]:
                best[name] = (elapsed, out)
    return best


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(2, WIDTH), nn.ReLU(), nn.Linear(WIDTH, WIDTH), nn.ReLU(),
        nn.Linear(WIDTH, WIDTH), nn.ReLU(), nn.Linear(WIDTH, 2),
    )  # fmt: skip


class Wrapped(nn.Module):
    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)


def per_point(
    model: nn.Module, thetas: torch.Tensor, x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    out = torch.empty(len(thetas))
    with torch.no_grad():
        for i, theta in enumerate(thetas):
            nn.utils.vector_to_parameters(theta, model.parameters())
            out[i] = nn.functional.cross_entropy(model(x), y)
    return out


def batched_gemm(
    layout: ol.Layout,
    thetas: torch.Tensor,
    x: torch.Tensor,
    y: torch.Tensor,
    chunk: int,
    samples: int,
) -> torch.Tensor:
    """The grid in the same calls as optviz's plan, each layer one fused ``baddbmm`` (bias + batched GEMM)."""
    names = [n[: -len(".weight")] for n in layout.names if n.endswith(".weight")]
    out = torch.zeros(len(thetas))
    with torch.no_grad():
        for start in range(0, len(thetas), chunk):
            p = layout.unflatten(thetas[start : start + chunk])
            for s0 in range(0, len(x), samples):
                xb, yb = x[s0 : s0 + samples], y[s0 : s0 + samples]
                h = xb.expand(len(p[names[0] + ".weight"]), -1, -1)
                for i, name in enumerate(names):
                    h = torch.baddbmm(
                        p[name + ".bias"][:, None, :], h, p[name + ".weight"].transpose(1, 2)
                    )
                    if i < len(names) - 1:
                        h = torch.relu(h)
                logp = torch.log_softmax(h, dim=-1)
                picked = logp.gather(2, yb.expand(len(h), -1)[..., None])
                out[start : start + chunk] -= picked[..., 0].sum(dim=1) / len(x)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=51, help="grid points a side (default 51)")
    parser.add_argument("--samples", type=int, default=1000, help="data points (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="best of (default 5)")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (0: torch's default; default 1)"
    )
    parser.add_argument(
        "--vmap",
        action="store_true",
        help="time ModelLoss's general path (functional_call under vmap) on this model",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y = ol.two_moons(args.samples, noise=0.1, seed=0)
    x = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y)
    model = make_model()
    # Inside a module of its own the model is no plain Sequential, so ModelLoss takes its general vmap path.
    loss = ol.ModelLoss(Wrapped(model) if args.vmap else model, nn.functional.cross_entropy, x, y)
    path = "vmap" if args.vmap else "baddbmm"
    plane = ol.random_plane(loss, seed=0)
    a = np.linspace(-1.0, 1.0, args.n)
    grid = np.stack(np.meshgrid(a, a), axis=-1).reshape(-1, 2)
    thetas = plane.points(grid).to(torch.float32)
    theta0 = loss.theta()
    chunk, samples = loss.plan()
    print(
        f"{args.n} x {args.n} grid, MLP with {loss.numel:,} parameters, {args.samples:,} samples, float32, "
        f"{torch.get_num_threads()} torch thread(s), torch {torch.__version__}; best of {args.repeat}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    best = interleaved(
        {
            "optviz": lambda: loss.values(thetas),
            "gemm": lambda: batched_gemm(loss.layout, thetas, x, y, chunk, samples),
            "per point": lambda: per_point(model, thetas, x, y),
        },
        args.repeat,
    )
    nn.utils.vector_to_parameters(theta0, model.parameters())
    (t_ov, v_ov), (t_gemm, v_gemm), (t_pp, v_pp) = best["optviz"], best["gemm"], best["per point"]
    for name, v in (("per point", v_pp), ("batched GEMM", v_gemm)):
        err = float((v - v_ov).abs().max() / v_ov.abs().max())
        assert err < 1e-5, f"{name} disagrees with optviz by {err:.2e}"
    points = len(thetas)
    call = f"{chunk} points x {samples} samples a call"
    print(f"optviz ({path}, {call})  {t_ov:6.3f} s  ({1e3 * t_ov / points:.3f} ms a point)")
    print(f"per point (load weights, forward)    {t_pp:6.3f} s  (optviz {t_pp / t_ov:.2f}x faster)")
    print(
        f"batched GEMM by hand                 {t_gemm:6.3f} s  (optviz {t_ov / t_gemm:.2f}x its time)"
    )


if __name__ == "__main__":
    main()
