"""The explorer at slider speed: a slider move against a full draw of the same figure, timed in one run.

    MPLBACKEND=Agg PYTHONPATH=. python benchmarks/explorer.py [--repeat 5] [--moves 20]

``optviz.explore("quadratic", rules=["gd", "momentum", "nesterov", "adam"])``, headless (Agg), 14 x 8 in at
100 dpi (1400 x 800 pixels), with 100 and with 500 steps. For each size:

- full draw: ``fig.canvas.draw()``, the whole figure (contours, axes, widgets, paths, readouts), which is what
  every slider move cost before moves were blitted;
- a slider move: ``ex.set(name=value)``, the same code a drag runs (the widget moves and its callback applies
  the value): the engine re-runs the runs the setting affects, and the regions that changed are redrawn over
  the saved background. Timed for ``lr`` (three of the four rules re-run), ``adaptive_lr`` (one), ``rho``
  (two), ``sigma`` and the start (all four), and ``steps``. Each move goes to a new value, back and forth over
  a small range, as a drag does; a move that changes the loss panel's limits (a whole decade) draws in full,
  and is counted in the mean like any other. The ``steps`` drag stays at or below the opened steps: such a
  move takes the first steps of the runs already made (``optviz.explorer._surface.head``) and runs no engine;
  a move to more steps than were ever run costs the engine column on top.
- of a move, the engine alone: the runs that setting affects, stepped side by side as one batch
  (``optviz.stacked.Stacked``), as a move re-runs them.

Each number is the best of ``--repeat`` rounds (each the mean over ``--moves`` moves, or over 5 full draws),
taken round-robin so that load from elsewhere on the machine falls on all of them alike. Wall-clock and
process CPU time are both printed: on a shared machine the CPU time is the steadier measure of the cost.

Targets (issue 14, ARCHITECTURE.md "Targets"): a slider move costs at most 0.3 times a full draw and at most
33 ms, for 4 rules x 100 and 4 rules x 500 steps.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np

import optviz as ov
from optviz.explorer._surface import compute_all

RULES = ["gd", "momentum", "nesterov", "adam"]


def build(steps: int) -> Any:
    ex = ov.explore("quadratic", rules=RULES, steps=steps, figsize=(14.0, 8.0), pyplot=False)
    ex.fig.canvas.draw()
    return ex


def values(name: str, ex: Any, moves: int) -> list[Any]:
    """``moves`` values of a setting, back and forth over a small range around its current one (a drag)."""
    s = ex.settings
    wave = 1 + 0.05 * np.sin(np.arange(moves) * 0.7)
    if name == "start":
        return [tuple(s.start * w) for w in wave]
    if name == "steps":
        return [int(s.steps - i % 10) for i in range(moves)]
    if name == "sigma":
        return [0.2 * w for w in wave]
    return [float(getattr(s, name) * w) for w in wave]


def affected(ex: Any, name: str) -> list[str]:
    from optviz.explorer._surface import RULES as ALL

    rules = ex.controls[name].rules if name in ex.controls else ALL
    return [r for r in ex.settings.rules if r in rules]


def timed(fn: Callable[[], None]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(steps: int, names: list[str], repeat: int, moves: int) -> dict[str, list[float]]:
    """Best (wall, cpu) seconds of a full draw, of a move of each setting, and of its engine runs."""
    explorers = {name: build(steps) for name in names}
    # The drag's values, fixed once from the opened settings (each round moves over the same ones; taken from
    # the settings of the moment, a round would start where the last one ended and drift out of range).
    drags = {name: values(name, ex, moves) for name, ex in explorers.items()}
    full_ex = build(steps)
    best: dict[str, list[float]] = {}

    def keep(key: str, wall: float, cpu: float, n: int) -> None:
        old = best.setdefault(key, [np.inf, np.inf])
        best[key] = [min(old[0], wall / n), min(old[1], cpu / n)]

    def full_draws() -> None:
        for _ in range(5):
            full_ex.fig.canvas.draw()

    for _ in range(repeat):  # round-robin: each round times everything once
        keep("full draw", *timed(full_draws), 5)
        for name, ex in explorers.items():
            vs = drags[name]

            def move(ex: Any = ex, name: str = name, vs: list[Any] = vs) -> None:
                for v in vs:
                    if name == "start":
                        ex.set_start(v)
                    else:
                        ex.set(**{name: v})
                    ex.blitter.flush()  # a full draw that is due: a window's loop draws it now

            def engine(ex: Any = ex, name: str = name) -> None:
                compute_all(ex.surface, affected(ex, name), ex.settings)

            keep(name, *timed(move), len(vs))
            keep(f"engine {name}", *timed(engine), 1)
    best["runs"] = {name: len(affected(ex, name)) for name, ex in explorers.items()}  # type: ignore[assignment]
    for ex in [*explorers.values(), full_ex]:
        ex.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--moves", type=int, default=20)
    args = parser.parse_args()
    names = ["lr", "adaptive_lr", "rho", "sigma", "start", "steps"]
    print(
        f"explorer, headless (Agg), 1400 x 800 px, rules {', '.join(RULES)}; best of {args.repeat}"
    )
    print(f"{'':>26} {'wall ms':>8} {'cpu ms':>8} {'x full draw':>12}   engine (cpu ms)")
    worst = 0.0
    for steps in (100, 500):
        best = measure(steps, names, args.repeat, args.moves)
        full_wall, full_cpu = best["full draw"]
        print(f"-- 4 rules x {steps} steps")
        print(f"{'full draw':>26} {full_wall * 1e3:8.1f} {full_cpu * 1e3:8.1f}")
        for name in names:
            wall, cpu = best[name]
            ratio = wall / full_wall
            worst = max(worst, ratio)
            engine = best[f"engine {name}"][1]
            label = f"move {name} ({best['runs'][name]} runs)"  # type: ignore[call-overload]
            print(
                f"{label:>26} {wall * 1e3:8.1f} {cpu * 1e3:8.1f} {ratio:12.2f}   {engine * 1e3:.1f}"
            )
    print(f"worst ratio {worst:.2f} (target <= 0.3)")


if __name__ == "__main__":
    main()
