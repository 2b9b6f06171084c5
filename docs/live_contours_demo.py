"""A demo of live contours (optviz/web/assets/contours.js), not wired into any page.

Draws a scenario's scene as its page would (optviz.web.static.figure_layer: the static image without the
runs), once as it is (the reference: the contours in the image) and once without plot.contour's two contour
sets, the axes' background and the figure's (a transparent image), and writes a page that computes the grid,
levels, bands, lines and colours from the surface's formula and draws the bands on a canvas under that image
and the lines on a canvas over it. A headless Chromium screenshot of the page is written beside the
reference, with their difference (docs/live_contours.png is that side by side, reduced to a 256-colour
palette). The lines' canvas lies over the whole image, so they cross what matplotlib drew above them (the
minimum's star, the eigen-axes' arrows): a page needs the image split at the contours' zorder (0.5, 0.6).

    python docs/live_contours_demo.py scenarios/random_search.toml OUT_DIR   (docs/live_contours.png: its panel)
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np


def main(path: str, out_dir: str) -> None:
    import matplotlib.pyplot as plt
    from PIL import Image

    import optviz.plot
    from optviz.figures import build_scene
    from optviz.plot.contour import _washed
    from optviz.scenario import compute, load
    from optviz.web import emit
    from optviz.web.static import figure_layer, px_per_point

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sc = load(Path(path))
    data = compute(sc)

    # plot.contour's results, recorded as the kind draws them (the last call is the final drawing's)
    drawn: list[Any] = []
    original = optviz.plot.contour

    def recording(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        drawn.append((result, kwargs))
        return result

    optviz.plot.contour = recording
    try:
        scene = build_scene(
            sc.kind,
            data,
            title=sc.title or None,
            size=sc.output.size,
            dpi=sc.output.dpi,
            pyplot=False,
        )
    finally:
        optviz.plot.contour = original
    contours, kwargs = drawn[-1]
    runs = list(data.trajectories)
    reference, _, _, _ = figure_layer(scene, runs, data.surface)
    # the second image without the contour sets, and clear where they were: the page's bands go under it
    contours.lines.set_visible(False)
    contours.filled.set_visible(False)
    contours.lines.axes.patch.set_visible(False)
    scene.fig.patch.set_alpha(0.0)
    spec, _, _, _ = figure_layer(scene, runs, data.surface)

    surface = data.surface
    X, Y, _ = contours.grid
    shown = kwargs.get("bounds") or surface.bounds
    fig = scene.fig
    live = {
        "n": int(X.shape[0]),
        "bounds": [[float(X[0, 0]), float(X[0, -1])], [float(Y[0, 0]), float(Y[-1, 0])]],
        "shown": [[float(v) for v in shown[0]], [float(v) for v in shown[1]]],
        "fmin": float(surface.fmin) if np.isfinite(surface.fmin) else None,
        "scale": kwargs.get("scale") or surface.level_scale,
        "nLevels": int(kwargs.get("n_levels", 14)),
        "lut": plt.get_cmap("viridis")(np.arange(256)).tolist(),
        "washed": _washed("viridis")(np.arange(256)).tolist(),
        "alpha": 0.85,
        # the width it was drawn with (plot.contour reads it under the figure's style: style_linewidth())
        "width": float(contours.lines.get_linewidth()[0]) * px_per_point(fig),
        "paths": spec["paths"],
        "expected": [float(v) for v in contours.levels],
    }
    assets = "\n".join(emit.js_source(name) for name in ("engine.js", "contours.js"))
    page = f"""<!doctype html><meta charset="utf-8"><title>live contours</title>
<style>body{{margin:0}} #f{{position:relative;display:inline-block;background:white}}
canvas{{position:absolute;left:0;top:0}} #b{{z-index:0}} img{{position:relative;z-index:1;display:block}}
#c{{z-index:2}}</style>
<div id="f"><canvas id="b"></canvas><img id="img" src="{spec["image"]}"><canvas id="c"></canvas></div>
<script>{assets}</script>
<script>
var E = OptvizEngine, C = OptvizContours, spec = {json.dumps(live)};
var surface = (function (E) {{ return {emit.surface_js(surface)}; }})(E);
var img = document.getElementById("img"), canvas = document.getElementById("c");
function draw() {{
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  var t0 = performance.now();
  var g = C.grid(surface, spec.n, spec.bounds);
  var levels = C.plotLevels(g, spec.shown, spec.fmin === null ? NaN : spec.fmin, spec.nLevels, spec.scale);
  var gen = C.generator(g), lines = [], fill = C.fillLevels(g, levels), bands = C.bands(gen, g, fill);
  for (var k = 0; k < levels.length; k++) lines.push(gen.lines(levels[k]));
  var colors = C.levelColors(levels, spec.lut, spec.alpha), p = spec.paths;
  var toPixel = function (x, y) {{ return [p.x.a + p.x.b * x, p.y.a + p.y.b * y]; }};
  var ctx = canvas.getContext("2d");
  ctx.save();
  ctx.beginPath(); ctx.rect(p.left, p.top, p.width, p.height); ctx.clip();
  // the bands go under the image (a canvas behind it shows through where the axes are transparent)
  var back = document.getElementById("b");
  back.width = canvas.width; back.height = canvas.height;
  var bctx = back.getContext("2d");
  bctx.save(); bctx.beginPath(); bctx.rect(p.left, p.top, p.width, p.height); bctx.clip();
  C.drawFilled(bctx, bands, C.bandColors(fill, spec.washed), toPixel);
  bctx.restore();
  C.draw(ctx, lines, colors, spec.width, toPixel);
  ctx.restore();
  window.liveContours = {{ms: performance.now() - t0, levels: Array.from(levels), n: spec.n}};
}}
if (img.complete) draw(); else img.onload = draw;
</script>
"""
    html = out / "live_contours.html"
    html.write_text(page, encoding="utf-8")

    from playwright.sync_api import sync_playwright

    ref = Image.open(io.BytesIO(base64.b64decode(reference["image"].split(",", 1)[1]))).convert(
        "RGB"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page_ = browser.new_page(
            viewport={"width": ref.width, "height": ref.height}, device_scale_factor=1
        )
        page_.goto(html.as_uri())
        page_.wait_for_function("window.liveContours !== undefined")
        info = page_.evaluate("window.liveContours")
        page_.screenshot(path=str(out / "live_contours_page.png"))
        browser.close()
    shot = Image.open(out / "live_contours_page.png").convert("RGB")
    ref.save(out / "live_contours_reference.png")
    a, b = np.asarray(shot, dtype=float), np.asarray(ref, dtype=float)
    diff = np.abs(a - b).max(axis=2)
    # the panel of paths, matplotlib's left, the page's right
    p = spec["paths"]
    box = (
        max(0, int(p["left"]) - 60), max(0, int(p["top"]) - 70),
        min(ref.width, int(p["left"] + p["width"]) + 20), min(ref.height, int(p["top"] + p["height"]) + 50),
    )  # fmt: skip
    left, right = ref.crop(box), shot.crop(box)
    side = Image.new("RGB", (2 * left.width + 10, left.height), "white")
    side.paste(left, (0, 0))
    side.paste(right, (left.width + 10, 0))
    side.save(out / "live_contours.png", optimize=True)
    expected = np.asarray(live["expected"])
    ulps = np.abs(np.asarray(info["levels"]) - expected) / np.spacing(expected)
    same = "equal" if not ulps.any() else f"within {ulps.max():.0f} ulp of"

    print(
        f"grid {info['n']}x{info['n']}, {len(info['levels'])} levels ({same} plot.contour's), "
        f"{info['ms']:.0f} ms in the page; pixels differing by > 32: {int((diff > 32).sum())}, "
        f"mean |difference| {diff.mean():.2f}"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
