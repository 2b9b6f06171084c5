"""A figure of several panels (the ``panels`` kind: the README's "SGD vs SGD+Momentum") as one page.

The static image is the whole figure, drawn by the kind, without what each panel's runs drew
(:func:`optviz.web.static.panels_layer`). Each panel keeps its own surface, runs and live layers, as its kind's
own page draws them (:mod:`optviz.web.scenario_page`); the page (``assets/panels.js``) draws every panel into
one canvas, and its step moves the panels together as the figure's animation does (``pace``). The shared
legend names rules only, which no control changes: it stays in the image. Controls: each run's sliders, each
panel's steps and noise sigma, one noise seed; a click in a panel starts that panel's runs there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from optviz._validate import ParameterError
from optviz.engine import default_label
from optviz.noise import GaussianNoise
from optviz.optimizers import rule
from optviz.web.page import build_page, escape
from optviz.web.runs import (
    draws,
    options_table,
    rule_info,
    run_spec,
    stepping_and_readouts,
    surface_data,
    surface_table,
    toml_head,
    toml_value,
)

# The kinds a panel of a page may be: those with pages, but a loss over seeds (its seeds and its spread are
# the figure's, not a panel's) and panels within panels.
PANEL_KINDS = ("trajectories", "poor_conditioning", "condition_map", "random_search", "contour_profile",
               "momentum_nesterov", "profile")  # fmt: skip


def panel_refusal(kinds: Sequence[str]) -> str | None:
    """Why a ``panels`` figure of panels of these kinds has no page (None when it has one)."""
    for i, kind in enumerate(kinds):
        if kind not in PANEL_KINDS:
            return (
                f"panel[{i}] is of kind {kind!r}, and a web page has no panel of that kind (its panels may be "
                f"{', '.join(PANEL_KINDS)})"
            )
    return None


def check_panels(data: Any) -> None:
    """Everything that makes a ``panels`` figure's page impossible, found before it is drawn (its panels'
    kinds are :func:`panel_refusal`'s): each panel as its own kind's page checks it (fields named
    ``panel[i]...``), and the draws they embed together."""
    from optviz.web import scenario_page as sp

    if not data.panels:
        raise ParameterError("panel", "needs at least one panel")
    runs = []
    for i, (kind, panel) in enumerate(data.panels):
        try:
            sp.check(kind, panel)
        except ParameterError as err:
            raise ParameterError(f"panel[{i}].{err.field}", err.message) from None
        runs += list(panel.trajectories)
    size = sp.draw_bytes(runs)
    if size > sp.DRAW_BUDGET:
        raise ParameterError(
            "panel",
            f"the page would embed {size / 1e6:.1f} MB of noise draws for these steps (the limit is "
            f"{sp.DRAW_BUDGET / 1e6:.1f} MB); use fewer steps or leave html out",
        )


def panels_data(
    kind: Any,
    data: Any,
    *,
    title: str | None = None,
    description: str | None = None,
    size: Sequence[float] | None = None,
    dpi: float | None = None,
    formats: Sequence[str] = ("png",),
) -> dict[str, Any]:
    """Everything the page of a ``panels`` figure holds, as JSON-able data."""
    from optviz import style
    from optviz.figures import build_scene
    from optviz.web import scenario_page as sp
    from optviz.web.static import NotDrawable, panels_layer

    check_panels(data)
    size = tuple(size or kind.size)
    dpi = float(dpi or style.DPI)
    scene = build_scene(kind, data, title=title or None, size=size, dpi=dpi, pyplot=False)
    inputs = []
    for (k, panel), part in zip(data.panels, scene.results["panels"], strict=True):
        layers = sp.live_layers(k.name, panel.options, scene, handles=part.handles)
        inputs.append((part, list(panel.trajectories), panel.surface, layers))
    try:
        spec, styles, losses = panels_layer(scene, inputs)
    except NotDrawable as err:
        raise ParameterError("output.formats", f"figure kind {kind.name!r}: {err}") from None
    spec["alt"] = title or "; ".join(panel.title or k.name for k, panel in data.panels)
    runs: list[dict[str, Any]] = []
    panels = []
    for p, ((k, panel), st, loss) in enumerate(zip(data.panels, styles, losses, strict=True)):
        first = len(runs)
        for i, t in enumerate(panel.trajectories):
            r = run_spec(t, st["colors"][i])
            r["colorGiven"] = panel.color(i) is not None
            r["panel"] = p
            runs.append(r)
        sigmas = [
            float(t.noise.sigma) for t in panel.trajectories if isinstance(t.noise, GaussianNoise)
        ]
        panels.append({
            "title": panel.title or "",
            "kind": k.name,
            "surface": surface_data(panel.surface),
            "styles": st,
            "loss": loss,
            "stepArrows": bool(getattr(panel.options, "arrows", False)),
            "names": list(getattr(panel.options, "names", None) or []) or None,
            "runs": list(range(first, len(runs))),
            "sigma": {"high": sp.nice_high(2 * max(sigmas))} if sigmas else None,
            "tomlHead": _panel_toml(k.name, panel),
        })  # fmt: skip
    every = [t for _, panel in data.panels for t in panel.trajectories]
    max_steps = sp.slider_steps(every)
    n_samples = max(int(getattr(panel.surface, "n_samples", 0) or 0) for _, panel in data.panels)
    return {
        "kind": kind.name,
        "title": title or "",
        "figure": spec,
        "panels": panels,
        "pace": data.options.pace,
        "rules": rule_info(),
        "paramNames": sp.PARAM_NAMES,
        "runs": runs,
        "oneRule": False,
        "sliders": [sp.rule_sliders(r) for r in runs],
        "steps": {"low": 1, "high": max_steps},
        "draws": draws(
            sp.noise_seeds(every), max_steps, sp.minibatches(every), max_steps, n_samples
        ),
        "sgdLabels": {
            name: default_label(
                rule(name, **({"scale": 1.0} if name == "random_search" else {"lr": 1.0})),
                GaussianNoise(1.0),
            )
            for name in sp.JS_RULES
        },
        "tomlHead": _head(kind.name, data.options, size, dpi, title, description, formats),
    }


def _head(
    kind: str,
    options: Any,
    size: Sequence[float],
    dpi: float,
    title: str | None,
    description: str | None,
    formats: Sequence[str],
) -> str:
    """The exported scenario's lines before its panels (the panels' own tables follow)."""
    head = toml_head(kind, None, options, size, dpi, title=title, description=description,
                     formats=formats, comment="exported from an optviz page: optviz render THIS_FILE")  # fmt: skip
    assert head is not None
    return head


def _panel_toml(kind: str, panel: Any) -> str | None:
    """A panel's ``[[panel]]`` table up to its runs (None when a scenario cannot name its surface)."""
    table = surface_table(panel.surface, panel.view)
    if table is None:
        return None
    lines = ["[[panel]]"]
    if panel.title:
        lines.append(f"title = {toml_value(panel.title)}")
    lines += [f"kind = {toml_value(kind)}", "[panel.surface]", table]
    figure = options_table(panel.options)
    if figure:
        lines += ["[panel.figure]", *figure]
    return "\n".join(lines)


def panels_page(kind: Any, data: Any, **options: Any) -> str:
    """The HTML of a ``panels`` figure's page (options as :func:`optviz.web.scenario_page.scenario_page`)."""
    from optviz.web import emit
    from optviz.web import scenario_page as sp

    page = panels_data(kind, data, **options)
    surfaces = ",\n".join(emit.surface_js(panel.surface) for _, panel in data.panels)
    names = {n for p in page["figure"]["panels"] for n in p.get("layers", {})}
    return build_page(
        title=(page["title"] or "optviz panels") + " (optviz)",
        body=_body(page, options.get("description")),
        data=page,
        scripts=[
            *sp.SCRIPTS,
            *(sp.LAYER_SCRIPTS[n] for n in sorted(names)),
            "scenario.js",
            "panels.js",
        ],
        extra_js="var OPTVIZ_SURFACES = (function (E) { return ["
        + surfaces
        + "]; })(OptvizEngine);"
        "\nOptvizPanels.main(OPTVIZ_SURFACES);",
    )


def _slider(id_: str, label: str) -> str:
    return (
        f'<label for="{id_}">{escape(label)}</label><input type="range" id="{id_}" '
        f'aria-describedby="v{id_[1:]}"><output id="v{id_[1:]}" for="{id_}"></output>'
    )


def _body(data: dict[str, Any], description: str | None) -> str:
    blocks = []
    for n, p in enumerate(data["panels"]):
        # the panel's own settings first (its runs' steps and noise), then each run's
        rows = [_slider(f"c-steps-{n}", "steps")]
        if p["sigma"] is not None:
            rows.append(_slider(f"c-sigma-{n}", "noise σ"))
        for i in p["runs"]:
            r = data["runs"][i]
            rows.append(
                f'<span class="run-name" id="run-{i}" style="color:{r["color"]}">{escape(r["label"])}</span>'
                + "".join(_slider(f"c-{i}-{c['name']}", c["label"]) for c in data["sliders"][i])
            )
        head = escape(p["title"] or f"panel {n + 1}")
        blocks.append(
            f'<fieldset class="run"><legend id="panel-{n}">{head}</legend>'
            f'<div class="controls">{"".join(rows)}</div></fieldset>'
        )
    common = ""
    if data["draws"]["normals"]:
        seeds = sorted(int(s) for s in data["draws"]["normals"])
        common = (
            f'<fieldset><legend>Every panel</legend><div class="controls"><label for="c-seed">noise seed '
            f'(noisy runs)</label><input type="number" id="c-seed" min="{seeds[0]}" max="{seeds[-1]}" '
            f'step="1"><span></span></div></fieldset>'
        )
    about = escape(description) + " " if description else ""
    exact = all(p["surface"]["arithmetic"] for p in data["panels"])
    paced = (
        " Play moves the panels together, each ending on the last step; a panel names its own step."
        if data["pace"] == "together"
        else ""
    )
    return f"""<div class="figure-wrap"><div class="figure" id="figure" role="img"
aria-label="{escape(data["figure"]["alt"])}"></div></div>
<div class="page">
<p class="note">{about}Click a panel to start its runs there. The runs are computed in this page with
optviz.run's numbers{"" if exact else " (to the last digits that the math library allows)"}.{paced}
The panels' titles are the scenario's own words: they do not follow the sliders.</p>
<div class="row">
<div class="panel">
{"".join(blocks)}
{common}
{stepping_and_readouts("run", "scenario.toml")}
</div>
</div>"""


__all__ = ["PANEL_KINDS", "check_panels", "panels_data", "panels_page"]
