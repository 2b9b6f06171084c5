"""A move on an explorer page (4 rules x 500 steps shown; recomputed and redrawn) against ov.explore's.

    PYTHONPATH=. python benchmarks/web.py [--surface quadratic] [--move lr|start] [--moves 200] [--repeat 3]
    PYTHONPATH=. python benchmarks/web.py --move lr --moves 300 --repeat 5 --phases
    PYTHONPATH=. python benchmarks/web.py --load gallery/*.html   # only: when each page is interactive

The page: ``optviz.to_html(surface, rules=[gd, momentum, adam, rmsprop], steps=500)`` opened in headless
Chromium (Debian's ``chromium``, driven by playwright; device scale 1). A move (``--move lr``) is what the lr
slider's input event does: set the GD family's rate, recompute the runs it drives (GD and Momentum; Adam's
and RMSProp's runs are kept) in the page's JavaScript engine and redraw everything live; ``--move start``
is a click on the contour: every run recomputed (4 rules x 500 steps), everything redrawn (paths, markers,
loss panel with its ticks, legend, readouts; the address is written 150 ms later, as after a drag). It is timed in
the page with ``performance.now()`` around the handler, and also until the next animation frame after it
(the frame that shows it). Target: at most 16 ms a move (one frame at 60 Hz). Each move starts at the
beginning of a frame (in a requestAnimationFrame callback, as Chromium delivers a drag's input events), so
the browser's own work for it (style, layout, paint of the canvas and the legend) follows at once; "with the
browser's rendering" is the time until a task posted after the handler runs, which is after that work.
Page load: the time from navigation to the page being interactive (``performance.now()`` when the runs are
drawn and the controls live; target at most 1 s).

The statistics pool every move of every page session (``--repeat`` fresh pages), after 20 warm-up moves
each; the per-session p95s show how stable the tail is. ``--phases`` also times the handler's parts
(wrapping the page's methods: compute, the loss panel, stacking, paths, divergence notes, legends,
readouts, the controls), and prints them over all moves and over the slowest 5%, to say where a tail comes
from; the probes cost a few performance.now() calls a move.

The baseline is the same move in ``ov.explore`` (matplotlib widgets, the Agg canvas): ``ex.set(lr=...)`` or
``ex.set_start(...)``, which recompute the runs with ``optviz.run`` and redraw the figure. The ratio is printed.
"""

from __future__ import annotations

import argparse
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
  const handler = [], rendered = [], frame = [], phases = [];
  const afterRendering = () => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  await nextFrame();
  for (let i = 0; i < moves; i++) {
    const lr = Number((lr0 * (0.5 + (i % 20) / 20)).toPrecision(3));
    const start = [start0[0] * (1 - 0.01 * (i % 20)), start0[1]];
    if (window.optvizPhases) window.optvizPhases.now = {};
    const t0 = performance.now();
    if (kind === "lr") page.setSlider("lr", lr); else page.setStart(start);
    const t1 = performance.now();
    await afterRendering();
    rendered.push(performance.now() - t0);
    await nextFrame();
    frame.push(performance.now() - t0);
    handler.push(t1 - t0);
    if (window.optvizPhases) phases.push(window.optvizPhases.now);
  }
  return {handler, rendered, frame, phases, steps: optviz.state().steps, runs: optviz.state().runs.length};
}"""

# The handler's parts: each wrapped method adds its time to optvizPhases.now[name] (nested ones count in
# their callers too: "draw" holds the loss panel, stacking, paths, notes and legends).
PHASES = """() => {
  const page = optviz.page, view = page.view, probes = window.optvizPhases = {now: {}};
  function wrap(obj, method, name) {
    const f = obj[method];
    if (!f) return;
    obj[method] = function () {
      const t0 = performance.now();
      try { return f.apply(this, arguments); }
      finally { probes.now[name] = (probes.now[name] || 0) + performance.now() - t0; }
    };
  }
  [[page, "recompute", "compute"], [page, "readouts", "readouts"], [page, "syncControls", "controls"],
   [view, "draw", "draw"], [view, "drawLossPanel", "draw: loss panel"], [view, "stacking", "draw: stacking"],
   [view, "drawPath", "draw: paths"], [view, "drawNote", "draw: notes"], [view, "drawLegends", "draw: legends"],
  ].forEach((w) => wrap(w[0], w[1], w[2]));
}"""

PHASE_ORDER = [
    "compute",
    "draw",
    "draw: loss panel",
    "draw: stacking",
    "draw: paths",
    "draw: notes",
    "draw: legends",
    "readouts",
    "controls",
]


def page_timings(
    surface: str, moves: int, kind: str, phases: bool = False, given: Path | None = None
) -> dict:
    from _browser import ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    import optviz as ov

    with tempfile.TemporaryDirectory() as tmp:
        path = given or Path(tmp) / "page.html"
        if given is None:
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
            if phases:
                page.evaluate(PHASES)
            page.evaluate(MOVES, [20, kind])  # warm the JIT
            out = page.evaluate(MOVES, [moves, kind])
            browser.close()
    return {**out, "ready_ms": ready, "wall_s": wall, "bytes": size}


def spread(values: np.ndarray) -> str:
    return (
        f"median {np.median(values):.2f} ms, p95 {np.percentile(values, 95):.2f} ms, "
        f"max {values.max():.2f} ms"
    )


def print_phases(sessions: list[dict], handler: np.ndarray) -> None:
    rows = [row for t in sessions for row in t["phases"]]
    slow = handler >= np.percentile(handler, 95)
    print(f"  {'part of the handler':22s} {'median':>7s} {'p95':>7s} {'slowest 5%: mean':>17s}")
    for name in PHASE_ORDER:
        v = np.array([row.get(name, 0.0) for row in rows])
        print(
            f"  {name:22s} {np.median(v):7.2f} {np.percentile(v, 95):7.2f} {v[slow].mean():17.2f}"
        )


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
    parser.add_argument(
        "--repeat", type=int, default=3, help="page sessions (fresh pages); their moves are pooled"
    )
    parser.add_argument(
        "--phases", action="store_true", help="also time the handler's parts (see the docstring)"
    )
    parser.add_argument(
        "--move",
        choices=("lr", "start"),
        default="lr",
        help="lr: the GD family's rate slider (GD and Momentum recomputed, Adam and RMSProp kept); "
        "start: a new start, as a click (every run recomputed)",
    )
    parser.add_argument(
        "--page",
        type=Path,
        metavar="FILE",
        help="time this explorer page (four rules, e.g. written by another commit, to compare two in the "
        "same conditions) instead of writing one",
    )
    parser.add_argument("--load", nargs="+", metavar="FILE", help="only time these pages' loading")
    args = parser.parse_args()
    if args.load:
        load_timings(args.load, args.repeat)
        return

    sessions = [
        page_timings(args.surface, args.moves, args.move, args.phases, args.page)
        for _ in range(args.repeat)
    ]
    first = sessions[0]
    handler = np.concatenate([t["handler"] for t in sessions])
    rendered = np.concatenate([t["rendered"] for t in sessions])
    frame = np.concatenate([t["frame"] for t in sessions])
    base = np.array(explore_timings(args.surface, args.baseline_moves, args.move))
    print(
        f"surface {args.surface}: {first['runs']} rules x {first['steps']} steps shown, {args.repeat} page "
        f"sessions x {args.moves} moves of {args.move!r}"
        + (" (with the phase probes)" if args.phases else "")
    )
    print(f"page size                 {first['bytes'] / 1e6:.2f} MB")
    ready = [t["ready_ms"] for t in sessions]
    print(
        f"page interactive after    {min(ready):.0f}-{max(ready):.0f} ms (performance.now at ready; "
        "target <= 1000 ms)"
    )
    print(f"page, recompute + redraw  {spread(handler)} (target <= 16 ms)")
    print(
        f"  over 16 ms: {np.mean(handler > 16) * 100:.1f}% of moves; p95 per session: "
        + ", ".join(f"{np.percentile(t['handler'], 95):.1f}" for t in sessions)
        + " ms"
    )
    print(f"  with the browser's rendering  {spread(rendered)}")
    print(
        f"  to the next frame             median {np.median(frame):.2f} ms, p95 {np.percentile(frame, 95):.2f} ms"
    )
    if args.phases:
        print_phases(sessions, handler)
    print(
        f"ov.explore (Agg)          median {np.median(base):.1f} ms   "
        f"(the page is {np.median(base) / np.median(handler):.0f}x faster)"
    )


if __name__ == "__main__":
    main()
