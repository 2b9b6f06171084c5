"""A move on an explorer page (4 rules x 500 steps shown; recomputed and redrawn) against ov.explore's.

    PYTHONPATH=. python benchmarks/web.py [--surface quadratic] [--moves 200] [--repeat 3]
    PYTHONPATH=. python benchmarks/web.py --load gallery/*.html   # only: when each page is interactive

The page: ``optviz.to_html(surface, rules=[gd, momentum, adam, rmsprop], steps=500)`` opened in headless
Chromium (Debian's ``chromium``, driven by playwright; device scale 1). A move (``--move lr``) is what the lr
slider's input event does: set the GD family's rate, recompute the runs it drives (GD and Momentum; Adam's
and RMSProp's runs are kept) in the page's JavaScript engine and redraw everything live; ``--move start``
is a click on the contour: every run recomputed (4 rules x 500 steps), everything redrawn (paths, markers,
loss panel with its ticks, legend, readouts; the address is written 150 ms later, as after a drag). It is timed in
the page with ``performance.now()`` around the handler, and also until the next animation frame after it
(the frame that shows it). Target: at most 16 ms a move (one frame at 60 Hz). Page load: the time from
navigation to the page being interactive (``performance.now()`` when the runs are drawn and the controls
live; target at most 1 s).

The baseline is the same move in ``ov.explore`` (matplotlib widgets, the Agg canvas): ``ex.set(lr=...)`` or
``ex.set_start(...)``, which recompute the runs with ``optviz.run`` and redraw the figure. The ratio is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

RULES = ["gd", "momentum", "adam", "rmsprop"]

MOVES = """async ([moves, kind]) => {
  const page = optviz.page, lr0 = page.sliderValue("lr"), start0 = optviz.state().start;
  const handler = [], frame = [];
  for (let i = 0; i < moves; i++) {
    const lr = Number((lr0 * (0.5 + (i % 20) / 20)).toPrecision(3));
    const start = [start0[0] * (1 - 0.01 * (i % 20)), start0[1]];
    const t0 = performance.now();
    if (kind === "lr") page.setSlider("lr", lr); else page.setStart(start);
    const t1 = performance.now();
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    frame.push(performance.now() - t0);
    handler.push(t1 - t0);
  }
  return {handler, frame, steps: optviz.state().steps, runs: optviz.state().runs.length};
}"""


def page_timings(surface: str, moves: int, kind: str) -> dict:
    from _browser import ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    import optviz as ov

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        ov.to_html(surface, path, rules=RULES, steps=500)
        size = path.stat().st_size
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
            t0 = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']")
            wall = time.perf_counter() - t0
            ready = page.evaluate("window.optvizReadyMs")
            page.evaluate(MOVES, [20, kind])  # warm the JIT
            out = page.evaluate(MOVES, [moves, kind])
            browser.close()
    return {**out, "ready_ms": ready, "wall_s": wall, "bytes": size}


def load_timings(paths: list[str], repeat: int) -> None:
    """For each page file: when it is interactive (``performance.now()`` at ready, ms), over ``repeat`` opens."""
    from _browser import ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        for name in paths:
            path = Path(name).resolve()
            ready = []
            for _ in range(repeat):
                page = browser.new_page(
                    viewport={"width": 1400, "height": 900}, device_scale_factor=1
                )
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-ready='1']")
                ready.append(page.evaluate("window.optvizReadyMs"))
                page.close()
            print(
                f"{path.name:32s} {path.stat().st_size / 1e6:.2f} MB   interactive after "
                f"{min(ready):.0f}-{max(ready):.0f} ms (target <= 1000 ms)"
            )
        browser.close()


def explore_timings(surface: str, moves: int, kind: str) -> list[float]:
    import matplotlib

    matplotlib.use("Agg")
    import optviz as ov

    ex = ov.explore(surface, RULES, steps=500, pyplot=False)
    lr0, start0 = ex.settings.lr, np.array(ex.settings.start, dtype=float)
    times = []
    for i in range(moves):
        lr = float(f"{lr0 * (0.5 + (i % 20) / 20):.3g}")
        t0 = time.perf_counter()
        if kind == "lr":
            ex.set(lr=lr)
        else:
            ex.set_start((start0[0] * (1 - 0.01 * (i % 20)), start0[1]))
        ex.fig.canvas.draw()  # the redraw the window would show
        times.append(1000 * (time.perf_counter() - t0))
    ex.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surface", default="quadratic")
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--baseline-moves", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many page sessions")
    parser.add_argument(
        "--move",
        choices=("lr", "start"),
        default="lr",
        help="lr: the GD family's rate slider (GD and Momentum recomputed, Adam and RMSProp kept); "
        "start: a new start, as a click (every run recomputed)",
    )
    parser.add_argument("--load", nargs="+", metavar="FILE", help="only time these pages' loading")
    args = parser.parse_args()
    if args.load:
        load_timings(args.load, args.repeat)
        return

    best = None
    for _ in range(args.repeat):
        t = page_timings(args.surface, args.moves, args.move)
        if best is None or statistics.median(t["handler"]) < statistics.median(best["handler"]):
            best = t
    handler, frame = np.array(best["handler"]), np.array(best["frame"])
    base = np.array(explore_timings(args.surface, args.baseline_moves, args.move))
    print(
        f"surface {args.surface}: {best['runs']} rules x {best['steps']} steps shown, {args.moves} moves of "
        f"{args.move!r}"
    )
    print(f"page size                 {best['bytes'] / 1e6:.2f} MB")
    print(
        f"page interactive after    {best['ready_ms']:.0f} ms (performance.now at ready; target <= 1000 ms)"
    )
    print(
        f"page, recompute + redraw  median {np.median(handler):.2f} ms, p95 {np.percentile(handler, 95):.2f} ms, "
        f"max {handler.max():.2f} ms (target <= 16 ms)"
    )
    print(
        f"page, to the next frame   median {np.median(frame):.2f} ms, p95 {np.percentile(frame, 95):.2f} ms"
    )
    print(
        f"ov.explore (Agg)          median {np.median(base):.1f} ms   "
        f"(the page is {np.median(base) / np.median(handler):.0f}x faster)"
    )


if __name__ == "__main__":
    main()
