"""The pages' live log axes (the loss panel, the loss over seeds; assets/runs.js logTicks) tick and label as
matplotlib does for the same limits and axis size: its LogLocator's decades (and every n-th one when many), its
minor ticks, the linear ticks it falls back to on an axis spanning too little for two, and which of them its
LogFormatterSciNotation labels, with what text ("2×10⁻¹" under a decade). Under node for many limits; in headless
Chromium for a scenario's loss panel against its PNG's."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from _browser import open_page
from _web import NODE
from test_web_layers import python_scene, rendered_pages

import optviz.web

ASSETS = Path(optviz.web.__file__).parent / "assets"

# (lo, hi, axis height px, tick font px): spans of 0.05 to 60 decades, on decades and off them, on axes
# from two to nine decades' room (Axis.get_tick_space: the height over two font sizes)
CASES = [
    # 0.18 decades, no minor tick inside: matplotlib's linear ticks, all labelled
    (0.12, 0.18, 300, 14.0),
    (0.95, 1.05, 200, 14.0),  # around a decade: linear ticks beside it
    (7.3e4, 7.9e4, 160, 11.0),  # linear ticks with an offset (scale_range's)
    (0.3, 0.95, 300, 14.0),  # 0.5 decades, none crossed: 3, 4, 6 x 10^-1 labelled, 5, 7, 8, 9 not
    (6.23, 20.3, 420, 29.0),  # 0.51 decades across 10: 10^1 and 2x10^1
    (2.1e-3, 1.6e-2, 250, 14.0),  # 0.9 decades
    # 1.7 decades from a decade (log(0.001)/log(10) is not -3: one crossed, minor ticks labelled)
    (1e-3, 0.05, 150, 14.0),
    (0.2, 6.3, 300, 14.0),  # 1.5 decades, two crossed: decades only
    (3e-4, 0.4, 150, 14.0),  # 3 decades
    (2e-7, 3.3, 300, 14.0),  # 7 decades: all decades, minor ticks
    (2e-7, 3.3, 150, 14.0),  # on a shorter axis: every other decade, no minor ticks
    (1e-5, 1e3, 150, 14.0),  # 8 decades on decades
    (4.4e-12, 7.1e8, 300, 14.0),  # 20 decades
    (1e-12, 1e8, 90, 14.0),  # on two decades' room
    (3.3e-50, 2.2e10, 520, 14.0),  # 60 decades
    (1e-31, 30.0, 800, 20.0),
]


def matplotlib_ticks(ax) -> dict[str, list[tuple[float, str]]]:
    """The y ticks matplotlib drew on ``ax`` (after a draw): major and minor, each (value, label text), those
    in the view (Axis._update_ticks' test)."""
    from matplotlib.transforms import _interval_contains_close

    y = ax.yaxis
    view = np.log10(ax.get_ylim())
    out = {}
    for which, locs, fmt in (
        ("major", y.get_majorticklocs(), y.get_major_formatter()),
        ("minor", y.get_minorticklocs(), y.get_minor_formatter()),
    ):
        texts = fmt.format_ticks(locs)
        out[which] = [
            (float(v), s)
            for v, s in zip(locs, texts, strict=True)
            if _interval_contains_close(view, np.log10(v))
        ]
    return out


def axis_ticks(lo: float, hi: float, height: float, font: float) -> tuple[int, dict]:
    """matplotlib's log y axis of ``height`` pixels with tick labels of ``font`` pixels (dpi 100) set to
    (lo, hi), drawn: its tick bins (Axis.get_tick_space) and :func:`matplotlib_ticks`."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    points = font * 72 / 100
    with mpl.rc_context({"ytick.labelsize": points}):  # what get_tick_space reads
        fig = Figure(figsize=(4, (height + 100) / 100), dpi=100)
        ax = fig.add_axes((0.3, 50 / (height + 100), 0.6, height / (height + 100)))
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        fig.canvas.draw()
        return int(ax.yaxis.get_tick_space()), matplotlib_ticks(ax)


def label_text(label) -> str:
    """A page tick's label ({mant, exp} or None) as matplotlib's mathtext string."""
    if label is None:
        return ""
    mant = "" if label["mant"] is None else label["mant"] + "\\times"
    return "$\\mathdefault{" + mant + "10^{" + str(label["exp"]) + "}}$"


def assert_same_ticks(page: dict, theirs: dict, what) -> None:
    for which in ("major", "minor"):
        mine = page[which]
        assert len(mine) == len(theirs[which]), (what, which, mine, theirs[which])
        np.testing.assert_allclose(
            [t["value"] for t in mine], [v for v, _ in theirs[which]], rtol=1e-12, err_msg=str(what)
        )
        texts = [label_text(t["label"]) for t in mine]
        assert texts == [s for _, s in theirs[which]], (what, which)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_log_ticks_and_their_labels_are_matplotlibs():
    """For each case, runs.js's logTicks given the axis' tick bins: the same major and minor ticks in the view
    as matplotlib's (to 1e-12), labelled where matplotlib labels them, with its text."""
    refs = [axis_ticks(*case) for case in CASES]
    script = (
        "const vm = require('vm'), fs = require('fs'); const c = {}; c.globalThis = c; vm.createContext(c);"
        f"for (const f of ['engine.js', 'common.js', 'runs.js']) vm.runInContext(fs.readFileSync({json.dumps(str(ASSETS))} + '/' + f, 'utf8'), c);"
        "const cases = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(k => c.OptvizRuns.logTicks(k[0], k[1], k[2]))));"
    )
    given = json.dumps(
        [[lo, hi, bins] for (lo, hi, *_), (bins, _) in zip(CASES, refs, strict=True)]
    )
    out = json.loads(
        subprocess.run(
            [NODE, "-e", script],
            input=given,
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    )
    labelled_minor = 0
    for case, (_, theirs), page in zip(CASES, refs, out, strict=True):
        assert_same_ticks(page, theirs, case)
        labelled_minor += sum(1 for t in page["minor"] if t["label"])
    assert labelled_minor > 20  # (the cases do exercise minor labels)


# a loss panel (log scale) spanning half a decade: its minor ticks labelled, one as 2x10^1
NARROW = """
title = "A few small steps"
kind = "trajectories"
[surface]
name = "quadratic"
kappa = 10
[defaults]
start = [-4.0, 1.5]
steps = 12
[[run]]
rule = "gd"
lr = 0.004
[[run]]
rule = "momentum"
lr = 0.002
[figure]
loss = true
"""


@pytest.mark.slow
def test_a_loss_panel_within_a_decade_ticks_as_its_png(browser, tmp_path):
    """A scenario's loss panel spanning half a decade: the page's live y ticks (values, which are labelled,
    their text) are those of the figure its PNG is, and a minor tick is labelled ("2×10¹")."""
    from optviz.plot import LossArtists

    (html, source) = rendered_pages(tmp_path, (), {"narrow": NARROW})["narrow"]
    page = open_page(browser, html, width=1920, height=1080)
    ticks = page.eval("optviz.page.view.lossMap.yticks")
    _sc, _data, scene = python_scene(source)
    (loss,) = [h for h in scene.handles if isinstance(h, LossArtists)]
    ax = loss.lines[0].axes
    scene.fig.canvas.draw()  # (outside optviz's style, as the PNG is saved)
    lo, hi = ax.get_ylim()
    assert 0.4 < np.log10(hi / lo) < 1  # (the case: less than a decade)
    theirs = matplotlib_ticks(ax)
    assert_same_ticks(ticks, theirs, "narrow")
    assert any(re.search(r"\\times10\^\{1\}", s) for _, s in theirs["minor"])
    assert page.errors == [], page.errors
    page.close()
