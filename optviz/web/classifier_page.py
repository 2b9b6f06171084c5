"""The lecture's linear-classifier demo as one HTML page (``optviz explore classifier --html FILE``).

Its numbers are :mod:`optviz.classifier`'s, computed in the page with the same operations in the same order
(``assets/classifier.js``), so they equal :func:`optviz.explore_classifier`'s: at the slide's W, b and
lambda = 0.1 the data loss is 2.30, the regularization loss 3.93 and the total 6.23. The plot's axes,
ticks and labels are drawn by :func:`optviz.plot.classifier.linear_classifier` into the page's static
image; the regions, score lines, arrows and points are drawn live in the figure's own styles.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optviz import style
from optviz.classifier import LOSS_TITLES, LinearClassifier
from optviz.web.page import build_page, escape, png_data_uri
from optviz.web.static import (
    axes_geometry,
    color_hex,
    figure_size_px,
    freeze_layout,
    image_box,
    inner_box,
    line_style,
    px_per_point,
    render_png,
)

RANDOM_SEEDS = 16  # randomize(seed) works for seeds 0 .. RANDOM_SEEDS-1
DRAWS_PER_SEED = 50  # consecutive "Randomize parameters" clicks per seed
STEP_RANGE = (1e-3, 1.0)  # the step-size slider (log scale), as ov.explore_classifier
REG_RANGE = (0.0, 1.0)


def random_draws(
    model: LinearClassifier, seeds: int = RANDOM_SEEDS, per_seed: int = DRAWS_PER_SEED
) -> dict:
    """For each seed, the parameters of consecutive ``LinearClassifier.randomized(rng)`` calls on
    ``numpy.random.default_rng(seed)``: rows ``[W.ravel(), b]`` (what the page's Randomize button takes)."""
    out = {}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        rows = []
        m = model
        for _ in range(per_seed):
            m = m.randomized(rng)
            rows.append([*m.W.ravel().tolist(), *m.b.tolist()])
        out[str(seed)] = rows
    return out


def static_layer(
    model: LinearClassifier, size_px: int = 620, dpi: float = 100.0, *, whole: bool = False
) -> tuple[dict[str, Any], dict, bytes]:
    """The plot's static image (axes, ticks, labels), the styles of its live artists, and (``whole=True``)
    the whole plot as matplotlib draws it (PNG bytes; what the page must look like)."""
    from matplotlib.figure import Figure

    from optviz.plot.classifier import ascii_ticks, class_color, linear_classifier

    with style.context(0.72, {"axes.unicode_minus": False}):
        fig = Figure(figsize=(size_px / dpi, size_px / dpi), dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        drawing = linear_classifier(model, ax=ax, resolution=50)
        ascii_ticks(ax)
        title = ax.set_title(" ")  # the live title's room (the page writes it)
        freeze_layout(fig)
        k = px_per_point(fig)
        styles = {
            "lines": [line_style(line, fig) for line in drawing.lines],
            "points": [line_style(p, fig) for p in drawing.points],
            "arrows": [
                {
                    "color": color_hex(a.arrow_patch.get_edgecolor()),
                    "width": float(a.arrow_patch.get_linewidth()),  # already in pixels
                    "head": 0.4 * float(a.arrow_patch.get_mutation_scale()) * k,
                }
                for a in drawing.arrows
            ],
        }
        width, height = figure_size_px(fig)
        geometry = axes_geometry(ax, height)
        png = render_png(fig, [*drawing.artists, *drawing.points])
        title.set_text(_title(model))
        full = render_png(fig) if whole else b""
        title_font = float(title.get_fontsize()) * k
        geometry["inner"] = inner_box(png, geometry)
        title_box = title.get_window_extent()
    figure = {
        "width": width,
        "height": height,
        "image": png_data_uri(png),
        "alt": "axes of the linear classifier's plot",
        "axes": [geometry],
        "title": {"x": float(geometry["left"] + geometry["width"] / 2), "y": float(height - title_box.y1),
                  "size": title_font},
        # Where live text is written (tests treat these boxes as live): [left, top, right, bottom].
        "textBoxes": [image_box(title_box, height)],
    }  # fmt: skip
    colors = [class_color(i) for i in range(model.n_classes)]
    return figure, {"styles": styles, "colors": colors}, full


def _title(model: LinearClassifier) -> str:
    from optviz.plot.classifier import title_text

    return title_text(model)


def _region_colors(colors: list[str]) -> list[list[int]]:
    """The regions' light colours, as optviz.plot.classifier.region_image makes them (0.78 + 0.22 c)."""
    from matplotlib.colors import to_rgb

    return [[round(255 * (0.78 + 0.22 * v)) for v in to_rgb(c)] for c in colors]


def classifier_page(model: LinearClassifier | None = None, *, seed: int = 0) -> str:
    """The HTML of the classifier demo page (see the module), starting at ``model`` (default: the slide's)."""
    model = model or LinearClassifier()
    figure, looks, _ = static_layer(model)
    data = {
        "model": {
            "W": model.W.tolist(), "b": model.b.tolist(), "X": model.X.tolist(), "y": model.y.tolist(),
            "reg": model.reg, "loss": model.loss, "step_size": model.step_size,
        },
        "figure": figure,
        "styles": looks["styles"],
        "colors": [color_hex(c) for c in looks["colors"]],
        "regionColors": _region_colors(looks["colors"]),
        "lossTitles": LOSS_TITLES,
        "seed": int(seed),
        "randomSeeds": RANDOM_SEEDS,
        "randomDraws": random_draws(model),
    }  # fmt: skip
    return build_page(
        title="Linear classifier: the lecture's interactive demo (optviz)",
        body=_body(model, figure),
        data=data,
        scripts=["engine.js", "common.js", "classifier.js"],
        extra_js="OptvizClassifier.main();",
    )


def _body(model: LinearClassifier, figure: dict) -> str:
    k = model.n_classes
    score_heads = "".join(f"<th>s[{j}]</th>" for j in range(k))
    log_lo, log_hi = np.log10(STEP_RANGE[0]), np.log10(STEP_RANGE[1])
    t = figure["title"]
    radios = "".join(
        f'<label><input type="radio" name="loss" value="{escape(key)}"'
        f"{' checked' if key == model.loss else ''}> {escape(title)}</label> "
        for key, title in LOSS_TITLES.items()
    )
    return f"""<div class="page">
<header><h1>Linear classifier s = W x + b</h1>
<p>The lecture's interactive demo: edit W and b, take parameter updates (W &minus;= step &middot; &part;L/&part;W),
change the loss and the L2 strength. Numbers as optviz.explore_classifier computes them.</p></header>
<div class="row">
<div class="figure" id="figure" role="img" aria-label="data points, class regions and each class's zero-score line">
<div class="overlay" id="plot-title" style="left:{t["x"]:.1f}px;top:{t["y"]:.1f}px;transform:translateX(-50%);font-size:{t["size"]:.1f}px;white-space:nowrap"></div>
</div>
<div class="panel">
<h2>Parameters (gradient in parentheses)</h2>
<table class="numbers params"><thead><tr><th class="cls"></th><th>W[i,0]</th><th>W[i,1]</th><th>b[i]</th></tr></thead>
<tbody id="params"></tbody></table>
<div class="controls" style="margin-top:10px">
<label for="step-size">Step size</label>
<input type="range" id="step-size" min="{log_lo}" max="{log_hi}" step="0.001" value="{np.log10(model.step_size)}" aria-describedby="step-value">
<output id="step-value" for="step-size"></output>
<label for="reg">L2 regularization strength</label>
<input type="range" id="reg" min="{REG_RANGE[0]}" max="{REG_RANGE[1]}" step="0.001" value="{model.reg}" aria-describedby="reg-value">
<output id="reg-value" for="reg"></output>
</div>
<fieldset><legend>Loss</legend>{radios}</fieldset>
<div class="buttons">
<button id="update" type="button">Single parameter update</button>
<button id="start" type="button">Start repeated update</button>
<button id="stop" type="button">Stop repeated update</button>
<button id="randomize" type="button">Randomize parameters</button>
<button id="reset" type="button">Reset to the slide</button>
</div>
<div class="note" id="status" aria-live="polite"></div>
<div class="message" id="message" role="alert"></div>
<h2>Data, scores and loss per point</h2>
<table class="numbers data"><thead><tr><th>x[0]</th><th>x[1]</th><th>y</th>{score_heads}<th>L</th></tr></thead>
<tbody id="data-rows"></tbody></table>
<div class="summary" aria-live="polite"><div id="data-loss"></div><div id="reg-loss"></div><div class="total" id="total-loss"></div></div>
</div>
</div>
</div>"""


__all__ = ["classifier_page", "random_draws", "static_layer"]
