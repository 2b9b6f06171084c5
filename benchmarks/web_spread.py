"""A rate slider's move on a loss-over-seeds page (the learning_rates kind) against redrawing it in Python.

    PYTHONPATH=. python benchmarks/web_spread.py [--scenario scenarios/learning_rates.toml] [--moves 100]

The page: the scenario's page (``optviz render --format html``) opened in headless Chromium (Debian's
``chromium``, driven by playwright; device scale 1). A move is what a run's lr slider does
(``page.setSlider``): that run made again with each of the figure's seeds in the page's engine (the gallery's:
20 seeds x 300 minibatch steps), its median and band worked out again, the panel, legend and readouts redrawn.
On a schedules page the rule's slider moves every run (``--scenario scenarios/lr_schedules.toml``: 4 runs x 20
seeds x 300 steps, the paths and the lr panel too).
Timed in the page with ``performance.now()`` around the handler, after 10 warm-up moves. Page load: from
navigation to interactive.

The baseline is what a Python user does to see the same change: the scenario with the new rate computed
(``optviz.scenario.compute``: every run over every seed) and its figure drawn on the Agg canvas. The ratio is
printed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

MOVES = """([moves, run]) => {
  const page = optviz.page, lr0 = page.runs[run].params.lr, out = [];
  for (let i = 0; i < moves + 10; i++) {
    const lr = Number((lr0 * (0.5 + (i % 20) / 20)).toPrecision(3));
    const t0 = performance.now();
    page.setSlider(run, "lr", lr);
    if (i >= 10) out.push(performance.now() - t0);
  }
  return out;
}"""


def page_timings(html: Path, moves: int, run: int) -> tuple[float, np.ndarray]:
    from _browser import chromium_path
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, device_scale_factor=1)
        page.goto(html.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']")
        ready = float(page.evaluate("window.optvizReadyMs"))
        times = np.array(page.evaluate(MOVES, [moves, run]))
        browser.close()
    return ready, times


def python_timings(source: Path, moves: int, run: int) -> np.ndarray:
    import matplotlib

    matplotlib.use("Agg")
    from optviz.figures import build_scene
    from optviz.scenario import compute, load

    text = source.read_text(encoding="utf-8")
    # the run's lr line: the (run+1)-th "lr = ..." of the file; every one where the figure shows one rule
    # (schedules: its slider moves every run)
    rates = list(re.finditer(r"^lr = ([0-9.eE+-]+)$", text, flags=re.M))
    every = re.search(r'^kind = "schedules"$', text, flags=re.M) is not None
    moved = rates if every else [rates[run]]
    lr0 = float(moved[0].group(1))
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(moves):
            lr = float(f"{lr0 * (0.5 + (i % 20) / 20):.3g}")
            path = Path(tmp) / source.name
            new = text
            for m in reversed(moved):
                new = new[: m.start(1)] + repr(lr) + new[m.end(1) :]
            path.write_text(new, encoding="utf-8")
            t0 = time.perf_counter()
            sc = load(path)
            data = compute(sc)
            scene = build_scene(sc.kind, data, title=sc.title or None, size=sc.output.size,
                                dpi=sc.output.dpi, pyplot=False)  # fmt: skip
            scene.fig.canvas.draw()
            out.append((time.perf_counter() - t0) * 1e3)
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "learning_rates.toml")
    parser.add_argument("--moves", type=int, default=100)
    parser.add_argument("--baseline-moves", type=int, default=5)
    parser.add_argument("--run", type=int, default=2, help="the run whose lr slider moves")
    args = parser.parse_args()
    from optviz.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        assert cli(["render", str(args.scenario), "-o", tmp, "--format", "html", "-q"]) == 0
        html = Path(tmp) / f"{args.scenario.stem}.html"
        size = html.stat().st_size
        ready, times = page_timings(html, args.moves, args.run)
    base = python_timings(args.scenario, args.baseline_moves, args.run)
    print(f"{args.scenario.name}: run {args.run}'s lr slider, {args.moves} moves")
    print(f"page size                 {size / 1e6:.2f} MB")
    print(f"page interactive after    {ready:.0f} ms (target <= 1000 ms)")
    print(
        f"page, a move              median {np.median(times):.1f} ms, p95 {np.percentile(times, 95):.1f} ms, "
        f"{np.mean(times > 16) * 100:.0f}% over 16 ms"
    )
    print(
        f"Python (compute + draw)   median {np.median(base):.0f} ms   "
        f"(the page is {np.median(base) / np.median(times):.0f}x faster)"
    )


if __name__ == "__main__":
    main()
