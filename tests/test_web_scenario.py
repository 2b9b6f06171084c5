"""A scenario's interactive page (``optviz render FILE --format html``): written beside the PNG, atomically with
the other formats, refused with one line for kinds without pages; in headless Chromium its runs equal the
scenario's runs (design section 2's contract), also after its controls move; it looks like the PNG of the
same scenario (and, after changes, like the PNG of the scenario it exports); labels stay off the paths."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from _browser import open_page, png_array, screenshot_array, static_layer_difference
from _web import Case, check

import optviz as ov
from optviz._text import markdown
from optviz.cli import main as cli
from optviz.figures import build_scene
from optviz.scenario import compute, load
from optviz.schedules import schedule_from_dict

ROOT = Path(__file__).resolve().parents[1]
GALLERY_PAGES = (
    "poor_conditioning",
    "gradient_noise",
    "condition_map",
    "random_search",
    "local_minimum",
    "saddle_point",
    "momentum_vs_nesterov",
)  # pages of runs (the last three with live layers: tests/test_web_layers.py)

SCENARIOS = {
    # every rule, a custom label and colour, the loss itself, the legend right of the panels
    "every_rule": """
title = "Every rule on Rosenbrock's valley"
kind = "trajectories"
[surface]
name = "rosenbrock"
[defaults]
start = [-1.2, 1.0]
steps = 200
[[run]]
rule = "gd"
lr = 0.001
[[run]]
rule = "momentum"
lr = 0.0005
rho = 0.9
label = "heavy ball"
color = "#CC79A7"
[[run]]
rule = "nesterov"
lr = 0.0005
[[run]]
rule = "adam"
lr = 0.05
betas = [0.8, 0.99]
[[run]]
rule = "rmsprop"
lr = 0.01
[[run]]
rule = "adagrad"
lr = 0.3
[[run]]
rule = "random_search"
scale = 0.3
seed = 2
[[run]]
rule = "adamw"
lr = 0.05
weight_decay = 0.1
schedule = { name = "cosine_annealing", T_max = 60 }
[[run]]
rule = "newton"
damping = 0.5
[[run]]
rule = "lbfgs"
line_search_fn = "strong_wolfe"
max_iter = 3
[[run]]
rule = "nesterov"
lr = 0.0005
schedule = { name = "one_cycle", max_lr = 0.001, total_steps = 600 }
label = "Nesterov, one-cycle"
[figure]
loss = true
loss_kind = "loss"
legend = "right"
""",
    # a dataset surface with minibatch noise (with and without replacement) beside the exact gradient
    "minibatch": """
title = "Minibatches on least squares"
kind = "trajectories"
[surface]
name = "least_squares"
n_samples = 64
[defaults]
start = [-2.0, 0.0]
steps = 120
[[run]]
rule = "gd"
lr = 0.05
[[run]]
rule = "gd"
lr = 0.05
seed = 3
noise = { batch_size = 8 }
[[run]]
rule = "momentum"
lr = 0.02
seed = 1
noise = { batch_size = 16, replace = true }
[figure]
loss = true
""",
    # a run that diverges, the legend inside the axes, the optimality gap
    "diverges": """
kind = "trajectories"
[surface]
name = "quadratic"
kappa = 10
[defaults]
start = [-4.0, 1.5]
steps = 60
[[run]]
rule = "gd"
lr = 0.25
[[run]]
rule = "momentum"
lr = 0.05
[figure]
loss = true
legend = "inside"
""",
    # a formula typed by a user (sin: the contract's library-function clause), step arrows, no legend, a run
    # that stops where its gradient is small (tol)
    "expression": """
title = "A formula of your own"
kind = "trajectories"
[surface]
expression = "x**2 + 3*y**2 + sin(3*x)"
start = [2.0, 1.5]
[defaults]
steps = 80
[[run]]
rule = "adam"
lr = 0.1
[[run]]
rule = "nesterov"
lr = 0.02
rho = 0.8
tol = 1e-3
[figure]
arrows = true
legend = "none"
""",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each scenario above rendered once by ``optviz render --format png,html``: name -> (scenario file,
    output folder)."""
    folder = tmp_path_factory.mktemp("scenario_pages")
    out = {}
    for name, text in SCENARIOS.items():
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        assert cli(["render", str(path), "-o", str(folder), "--format", "png,html", "-q"]) == 0
        out[name] = path
    return out


def _page(name, rendered):
    if name in GALLERY_PAGES:
        return ROOT / "gallery" / f"{name}.html", ROOT / "scenarios" / f"{name}.toml"
    return rendered[name].with_suffix(".html"), rendered[name]


def matplotlib_live_text(path: Path) -> list[list[float]]:
    """Where the scenario's PNG has live text (legends, divergence notes), in image pixels (y down): the page
    sets it in the browser's fonts, and places a note (and so a loc="best" legend) off its own paths."""
    from optviz.plot import TrajectoryArtists
    from optviz.web.static import _legends, freeze_layout

    sc = load(path)
    scene = build_scene(sc.kind, compute(sc), title=sc.title or None, size=sc.output.size,
                        dpi=sc.output.dpi, pyplot=False)  # fmt: skip
    freeze_layout(scene.fig)
    height = scene.fig.bbox.height
    texts = [lg for lg, _ in _legends(scene.fig)]
    for h in scene.handles:
        if isinstance(h, TrajectoryArtists):
            texts += [r.diverged.annotation for r in h.runs if r.diverged is not None]
    boxes = [t.get_window_extent() for t in texts]
    return [[b.x0, height - b.y1, b.x1, height - b.y0] for b in boxes]


def _failures(surface, state) -> list[str]:
    """Each of the page's runs against optviz.run with the same settings, by design section 2's contract."""
    out = []
    for i, r in enumerate(state["runs"]):
        noise = None
        if r["noise"] and r["noise"]["kind"] == "gaussian":
            noise = ov.GaussianNoise(r["noise"]["sigma"])
        elif r["noise"]:
            noise = ov.Minibatch(r["noise"]["batch_size"], replace=r["noise"]["replace"])
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in r["params"].items()}
        schedule = None if r.get("schedule") is None else schedule_from_dict(r["schedule"])
        case = Case(
            "page", surface, r["rule"], params, steps=r["steps"], start=np.array(r["start"]), noise=noise,
            seed=r["seed"], tol=r["tol"], schedule=schedule,
        )  # fmt: skip
        case.result = {
            "xy": np.array(r["xy"], dtype=float), "loss": np.array(r["loss"], dtype=float),
            "status": r["status"], "stopStep": r["stop_step"],
        }  # fmt: skip
        verdict = check(case)
        if verdict.message:
            out.append(f"run {i} ({r['rule']}): {verdict.message}")
    return out


# -- files ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_render_writes_the_page_beside_the_png(rendered):
    for name, path in rendered.items():
        page = path.with_suffix(".html")
        assert path.with_suffix(".png").exists() and page.exists(), name
        text = page.read_text(encoding="utf-8")
        assert len(text.encode()) <= 2 * 1024 * 1024, name
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text), name
        assert cli(["check", str(path)]) == 0
    index = (ROOT / "gallery" / "README.md").read_text(encoding="utf-8")
    for (
        name
    ) in GALLERY_PAGES:  # the gallery's pages: written by `optviz gallery`, linked from its index
        assert f"[{markdown(name)}.html]({name}.html)" in index
        assert '"html"' in (ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_html_in_output_formats_is_written_with_the_others(tmp_path):
    source = ROOT / "scenarios" / "poor_conditioning.toml"
    text = source.read_text(encoding="utf-8").replace(
        'formats = ["png", "svg", "pdf", "gif", "html"]', 'formats = ["html", "png"]'
    )
    path = tmp_path / "pc.toml"
    path.write_text(text, encoding="utf-8")
    assert cli(["render", str(path), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["pc.html", "pc.png"]


def test_kinds_without_pages_are_refused_in_one_line(tmp_path, capsys):
    phase = tmp_path / "phase.toml"
    phase.write_text(
        (ROOT / "scenarios" / "phase_diagram.toml").read_text(encoding="utf-8")
        + '\n[output]\nformats = ["png", "html"]\n'
    )
    assert cli(["check", str(phase)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{phase}: output.formats: figure kind 'phase_diagram' has no web page (html is written for "
        "trajectories, poor_conditioning, condition_map, random_search, contour_profile, "
        "momentum_nesterov, learning_rates, schedules, profile, update_diagram, second_order, panels and "
        "linear_classifier_demo); "
        "remove 'html'"
    )
    # --format html on the command line: the same refusal, nothing written (not even the PNG)
    out = tmp_path / "out"
    assert (
        cli(
            [
                "render",
                str(ROOT / "scenarios" / "phase_diagram.toml"),
                "-o",
                str(out),
                "--format",
                "png,html",
            ]
        )
        == 2
    )
    assert "has no web page" in capsys.readouterr().err
    assert not list(out.glob("*"))
    # a kind with pages but an option they do not draw: `optviz check` finds it before any drawing
    cond = tmp_path / "cond.toml"
    cond.write_text(
        SCENARIOS["diverges"].replace("loss = true", "condition = true")
        + '[output]\nformats = ["html"]\n'
    )
    assert cli(["check", str(cond)]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .startswith(f"{cond}: figure.condition: a web page does not draw")
    )


@pytest.mark.slow
@pytest.mark.slow
def test_gallery_format_html_writes_the_pages_and_keeps_the_rest(tmp_path, capsys):
    # `optviz gallery --format html` re-renders the pages alone: a kind without pages is no error, and the index
    # still lists each scenario's other files.
    src = tmp_path / "scenarios"
    src.mkdir()
    (src / "path.toml").write_text(
        '[surface]\nname = "quadratic"\nkappa = 5\n[[run]]\nrule = "gd"\nlr = 0.1\nsteps = 10\n'
        '[output]\nformats = ["png", "html"]\nsize = [6.4, 3.6]\ndpi = 50\n',
        encoding="utf-8",
    )
    (src / "arrows.toml").write_text(
        'kind = "steepest_descent"\n[surface]\nname = "quadratic"\nkappa = 5\n'
        "[figure]\npoint = [-3.0, 1.5]\n"
        '[output]\nformats = ["png"]\nsize = [6.4, 3.6]\ndpi = 50\n',
        encoding="utf-8",
    )
    out = tmp_path / "gallery"
    base = ["gallery", "--scenarios", str(src), "-o", str(out), "--jobs", "1", "--no-landscape"]
    assert cli([*base, "-q"]) == 0
    index = (out / "README.md").read_text(encoding="utf-8")
    pngs = {p.name: p.read_bytes() for p in out.glob("*.png")}
    assert set(pngs) == {"path.png", "arrows.png"}
    (out / "path.html").unlink()
    capsys.readouterr()
    assert cli([*base, "--format", "html"]) == 0
    said = capsys.readouterr()
    assert said.err == "" and "--format html" in said.out
    assert (out / "path.html").exists() and not (out / "arrows.html").exists()
    assert {p.name: p.read_bytes() for p in out.glob("*.png")} == pngs  # not drawn again
    assert (out / "README.md").read_text(encoding="utf-8") == index


def test_a_page_that_fails_leaves_no_file(tmp_path, monkeypatch, capsys):
    """The page is written with the other formats or not at all: a page over the size limit (made tiny here)
    fails the render, and the PNG that rendered fine is not left behind (nor an older one clobbered)."""
    import optviz.web.page

    monkeypatch.setattr(optviz.web.page, "MAX_BYTES", 10_000)
    path = tmp_path / "d.toml"
    path.write_text(SCENARIOS["diverges"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "d.png").write_bytes(b"old")
    assert cli(["render", str(path), "-o", str(out), "--format", "png,html"]) == 2
    assert "html: the page would be" in capsys.readouterr().err
    assert (
        sorted(p.name for p in out.iterdir()) == ["d.png"]
        and (out / "d.png").read_bytes() == b"old"
    )


# -- in the browser ---------------------------------------------------------------------------------------
PAGES = [*SCENARIOS, *GALLERY_PAGES]


@pytest.mark.parametrize("name", PAGES)
def test_page_equals_the_scenario_and_looks_like_its_png(browser, rendered, name, tmp_path):
    """The runs equal the scenario's (design section 2); the figure's screenshot (viewport of the PNG's
    size, device scale 1) against the scenario's PNG: in the static layer (contours, axes, ticks, labels,
    minima, titles, eigen-axes, condition maps) at most 0.5% of the pixels differ by more than 8 levels of
    255 (anti-aliased edges of the live layer); where matplotlib drew the runs, the page drew too (90%).
    Live text (legends, the loss panel's tick labels, divergence notes) is set in the browser's fonts and
    left out of the static comparison."""
    html, source = _page(name, rendered)
    png = png_array(html.with_suffix(".png").read_bytes())
    height, width = png.shape[:2]
    page = open_page(browser, html, width=width, height=height)
    state = page.eval("optviz.state()")
    sc = load(source)
    data = compute(sc)
    assert [r["rule"] for r in state["runs"]] == [t.rule for t in data.trajectories]
    assert [r["legend"] for r in state["runs"]] == [
        ov.plot.common.run_label(t) for t in data.trajectories
    ]
    assert not _failures(sc.main.surface, state)
    # the scenario the page exports has the same runs (the same settings: to the bit)
    exported = tmp_path / "exported.toml"
    exported.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    for t, u in zip(compute(load(exported)).trajectories, data.trajectories, strict=True):
        assert (t.status, t.stop_step) == (u.status, u.stop_step)
        np.testing.assert_array_equal(t.xy, u.xy)
    spec = page.eval("optviz.page.data.figure")
    static = png_array(base64.b64decode(spec["image"].split(",", 1)[1]))
    # a legend inside an axes (loc="best") is where matplotlib put it: the same place, to a few pixels
    boxes = page.eval("optviz.page.view.legendBoxes")
    for lg, box in zip(spec["legends"], boxes, strict=True):
        if lg["best"]:
            mid = [(box[i] + box[i + 2] - lg["box"][i] - lg["box"][i + 2]) / 2 for i in (0, 1)]
            near = [
                min(abs(box[i] - lg["box"][i]), abs(box[i + 2] - lg["box"][i + 2]), abs(mid[i]))
                for i in (0, 1)
            ]  # the side it is anchored to, or its middle (the page's text is a little larger)
            assert max(near) < 3, (box, lg["box"])
    live = page.eval("optviz.page.view.textBoxes.concat(optviz.page.view.legendBoxes)")
    shot = screenshot_array(page.page, "#figure")
    d = static_layer_difference(shot, static, png, spec["textBoxes"] + live)
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


def test_controls_change_their_own_run_and_stay_optviz_runs(browser, rendered):
    html, source = _page("every_rule", rendered)
    surface = load(source).main.surface
    page = open_page(browser, html, width=1500, height=1000)
    before = page.eval("optviz.state()")
    # run 3 (Adam)'s beta1 by keyboard: only that run changes
    page.page.focus("#c-3-beta1")
    for _ in range(40):
        page.page.keyboard.press("ArrowLeft")
    after = page.eval("optviz.state()")
    assert after["runs"][3]["params"]["betas"][0] < 0.8
    assert after["runs"][3]["params"]["betas"][1] == 0.99
    assert [r["xy"] for i, r in enumerate(after["runs"]) if i != 3] == [
        r["xy"] for i, r in enumerate(before["runs"]) if i != 3
    ]
    assert after["runs"][3]["legend"].startswith("Adam (lr=0.05, β=(")
    # set() with a rule's own names, on one run and on every run having the name
    page.eval("optviz.set({run: 1, lr: 0.0002, rho: 0.5})")
    state = page.eval("optviz.set({lr: 0.0004, steps: 150})")
    assert [r["params"]["lr"] for r in state["runs"][:6]] == [0.0004] * 6
    assert state["runs"][6]["params"] == {"scale": 0.3}  # random search has no lr
    assert state["runs"][1]["params"]["rho"] == 0.5 and state["runs"][2]["params"]["rho"] == 0.9
    # the custom label names its hyperparameters once they are no longer the scenario's
    assert state["runs"][1]["legend"] == "heavy ball (lr=0.0004, ρ=0.5)"
    assert {r["steps"] for r in state["runs"]} == {150}
    # a start for every run (what a click does); a run given Gaussian noise is "SGD", as optviz.run names it
    page.eval("optviz.start([0.5, -0.5])")
    state = page.eval("optviz.set({run: 0, sigma: 0.5, seed: 4})")
    assert state["runs"][0]["label"] == "SGD" and state["runs"][0]["noise"]["sigma"] == 0.5
    assert {tuple(r["start"]) for r in state["runs"]} == {(0.5, -0.5)}
    failures = _failures(surface, state)
    assert not failures, failures
    with pytest.raises(Exception, match="noise draws for seeds 0 to 7, not 40"):
        page.eval("optviz.set({run: 0, seed: 40})")
    assert "not 40" in page.page.inner_text("#message")
    assert page.eval("optviz.state().runs[0].seed") == 4  # the page kept its runs
    assert page.errors == [], page.errors
    page.close()


def test_noise_controls_on_the_gallery_page(browser, rendered):
    html, source = _page("gradient_noise", rendered)
    sc = load(source)
    page = open_page(browser, html, width=1920, height=1080)
    page.page.focus("#c-sigma")
    page.page.keyboard.press("End")  # the slider's end: twice the scenario's sigma
    state = page.eval("optviz.state()")
    assert [r["noise"]["sigma"] for r in state["runs"]] == [8.0, 8.0]
    page.page.fill("#c-seed", "6")
    page.page.dispatch_event("#c-seed", "change")
    state = page.eval("optviz.state()")
    assert [r["seed"] for r in state["runs"]] == [6, 6]
    failures = _failures(sc.main.surface, state)
    assert not failures, failures
    page.close()


def test_minibatch_seeds_it_does_not_hold_are_a_message(browser, rendered):
    html, source = _page("minibatch", rendered)
    page = open_page(browser, html)
    with pytest.raises(
        Exception, match="minibatches for the seeds it was written with, not seed 5"
    ):
        page.eval("optviz.set({run: 1, seed: 5})")
    state = page.eval("optviz.set({run: 1, lr: 0.03})")  # its own seed still works
    assert not _failures(load(source).main.surface, state)
    page.close()


def test_exported_scenario_renders_what_the_page_shows(browser, rendered, tmp_path):
    """After the controls move, the page exports a scenario whose runs are the page's and whose PNG the page
    looks like (the same comparison as above)."""
    html, _ = _page("diverges", rendered)
    page = open_page(browser, html, width=1920, height=1080)
    page.eval(
        "optviz.set({run: 1, lr: 0.03, rho: 0.7}); optviz.set({steps: 40}); optviz.start([-3.0, 2.5])"
    )
    state = page.eval("optviz.state()")
    path = tmp_path / "exported.toml"
    path.write_text(page.eval("optviz.toml()"), encoding="utf-8")
    sc = load(path)
    for t, r in zip(compute(sc).trajectories, state["runs"], strict=True):
        np.testing.assert_array_equal(t.xy, np.array(r["xy"]))  # arithmetic: to the bit
    assert cli(["render", str(path), "-o", str(tmp_path), "-q"]) == 0
    png = png_array((tmp_path / "exported.png").read_bytes())
    assert png.shape[:2] == (1080, 1920)
    spec = page.eval("optviz.page.data.figure")
    static = png_array(base64.b64decode(spec["image"].split(",", 1)[1]))
    live = page.eval("optviz.page.view.textBoxes.concat(optviz.page.view.legendBoxes)")
    live += matplotlib_live_text(
        path
    )  # here the page moved the note off GD's path, and so the legend
    d = static_layer_difference(
        screenshot_array(page.page, "#figure"), static, png, spec["textBoxes"] + live
    )
    assert d["static_off"] < 0.005 and d["live_drawn"] > 0.9, d
    page.close()


def test_the_address_reopens_the_same_view(browser, rendered):
    html, _ = _page("minibatch", rendered)
    page = open_page(browser, html)
    page.eval(
        "optviz.set({run: 2, lr: 0.01}); optviz.start([1.0, 1.0]); optviz.reset(); optviz.step(13)"
    )
    url, before = page.page.url, page.eval("optviz.state()")
    page.close()
    again = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    again.goto(url)
    again.wait_for_selector("body[data-ready='1']")
    assert again.evaluate("optviz.state()") == before
    again.close()


def test_divergence_note_is_placed_off_the_paths(browser, rendered):
    """The note goes where fewer path segments cross it than matplotlib's own place (beside the cross,
    leaning towards the middle of the view), which the diverging path itself crosses here; inside the axes."""
    html, _ = _page("diverges", rendered)
    page = open_page(browser, html, width=1920, height=1080)
    counts = page.eval("""(() => {
      const v = optviz.page.view, items = v.drawn;
      const notes = v.textBoxes.filter(b => !v.labels.some(l => l.box === b)), box = notes[0];
      const crossing = b => items.reduce((s, it) => s + v.segmentsIn(it.result, b), 0);
      const g = v.ax.g, w = box[2] - box[0], h = box[3] - box[1];
      const cross = items[0].cross, size = v.styles.fontsize, off = 0.6 * size, pad = 0.25 * size;
      const right = cross[0] > g.left + g.width / 2, top = cross[1] < g.top + g.height / 2;
      const left = right ? cross[0] - off - w + pad : cross[0] + off - pad;
      const y0 = top ? cross[1] + off - pad : cross[1] - off - h + pad;
      const inside = box[0] >= g.left && box[2] <= g.left + g.width && box[1] >= g.top && box[3] <= g.top + g.height;
      return {placed: crossing(box), matplotlib: crossing([left, y0, left + w, y0 + h]), n: notes.length, inside};
    })()""")
    assert counts["n"] == 1 and counts["inside"], counts
    assert counts["placed"] < counts["matplotlib"] / 4, counts
    assert "diverged at step" in page.page.inner_text("#readouts")
    page.close()


STACKED = """
title = "Coinciding and parting paths"
kind = "trajectories"
[surface]
name = "quadratic"
[defaults]
start = [-2.0, 1.5]
steps = 60
[[run]]
rule = "gd"
lr = 0.05
[[run]]
rule = "momentum"
lr = 0.05
rho = 0.0
[[run]]
rule = "momentum"
lr = 0.05
rho = 0.3
[[run]]
rule = "adam"
lr = 0.1
"""


def _matplotlib_stacking(path: Path) -> tuple[list[float], list[float]]:
    """The z-orders and width factors matplotlib drew the scenario's paths with (optviz.plot.trajectory's
    stacking, read off the lines)."""
    from optviz.plot import TrajectoryArtists

    sc = load(path)
    scene = build_scene(sc.kind, compute(sc), size=sc.output.size, dpi=sc.output.dpi, pyplot=False)
    (traj,) = [h for h in scene.handles if isinstance(h, TrajectoryArtists)]
    lines = [r.path for r in traj.runs]
    return [ln.get_zorder() for ln in lines], [
        ln.get_linewidth() / (ln.get_markersize() / 1.5) for ln in lines
    ]


def test_paths_are_stacked_as_matplotlib_stacks_them_also_after_a_move(browser, tmp_path):
    """The page's layers and stripe widths (runs.js stacking, with its caches) equal
    optviz.plot.trajectory.stacking's for the scenario at opening and for the scenario the page exports after
    a move: coinciding GD and rho=0 momentum are a stripe, and stop being one once the move parts them."""
    source = tmp_path / "stacked.toml"
    source.write_text(STACKED, encoding="utf-8")
    assert cli(["render", str(source), "-o", str(tmp_path), "--format", "html", "-q"]) == 0
    page = open_page(browser, tmp_path / "stacked.html", width=1500, height=1000)
    stack = "optviz.page.view.stackCache.stack"
    moved = tmp_path / "moved.toml"
    seen = []
    for move in (None, "optviz.set({run: 1, rho: 0.6})", "optviz.set({run: 1, rho: 0.0})"):
        if move:
            page.eval(move)
        state = page.eval(stack)
        moved.write_text(page.eval("optviz.toml()"), encoding="utf-8")
        zorders, widths = _matplotlib_stacking(moved)
        assert (
            np.argsort(zorders, kind="stable").tolist()
            == np.argsort(state["layers"], kind="stable").tolist()
        )
        np.testing.assert_allclose(state["widths"], widths, rtol=1e-12)
        seen.append(state["widths"])
    assert seen[0][0] > 1 and seen[1][0] == 1.0 and seen[2] == seen[0], seen
    assert page.errors == [], page.errors
    page.close()


def test_handles_of_a_legend_inside_the_axes_hold_only_their_own_pixels(rendered):
    """A legend inside the axes (frame alpha 0.8) is over the paths and contour lines; its handles, cropped
    for the page, are the run's colour over white, with none of what shows through the frame (the page puts
    the legend elsewhere: a faint line would travel with it)."""
    from PIL import Image

    text = rendered["diverges"].with_suffix(".html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'id="optviz-data" type="application/json">(.*?)</script>', text).group(1)
    )
    colors = data["styles"]["colors"]
    entries = [e for lg in data["figure"]["legends"] if lg["best"] for e in lg["entries"]]
    assert len(entries) == 4  # both runs in the paths' legend and in the loss panel's
    for e in entries:
        uri = e["swatch"]["image"]
        png = io.BytesIO(base64.b64decode(uri.split(",")[1]))
        rgb = np.asarray(Image.open(png).convert("RGB"), dtype=float)
        c = np.array([int(colors[e["run"]][i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
        # every pixel on the segment from white to the run's colour (antialiasing), within rounding
        w = np.full(3, 255.0)
        t = np.clip(((rgb - w) * (c - w)).sum(axis=-1) / ((c - w) ** 2).sum(), 0, 1)
        off = np.abs(rgb - (w + t[..., None] * (c - w))).max()
        assert off <= 3, (e["text"], off)


def test_gallery_pages_are_the_gallerys_scenarios():
    """What the gallery links is what `optviz render` writes for its scenarios (the bytes: the reproducibility
    test renders them again)."""
    for name in GALLERY_PAGES:
        text = (ROOT / "gallery" / f"{name}.html").read_text(encoding="utf-8")
        data = json.loads(
            re.search(r'id="optviz-data" type="application/json">(.*?)</script>', text).group(1)
        )
        sc = load(ROOT / "scenarios" / f"{name}.toml")
        assert data["kind"] == sc.kind.name and data["title"] == sc.title
        assert [r["rule"] for r in data["runs"]] == [r.rule.name for r in sc.main.runs]


def test_the_classifier_scenario_is_the_demo_page(browser, tmp_path):
    """The lecture's classifier demo as a scenario: its page is the demo page at the scenario's loss and
    lambda, with ov.explore_classifier's numbers (the gallery's page: the slide's 2.30 / 3.93 / 6.23)."""
    from optviz.classifier import LinearClassifier

    page = open_page(browser, ROOT / "gallery" / "linear_classifier_demo.html")
    state = page.eval("optviz.state()")
    assert (state["loss"], state["lam"]) == ("svm", 0.1)
    assert [round(state[k], 2) for k in ("data_loss", "reg_loss", "total_loss")] == [
        2.30,
        3.93,
        6.23,
    ]
    page.close()
    source = (ROOT / "scenarios" / "linear_classifier_demo.toml").read_text(encoding="utf-8")
    path = tmp_path / "softmax.toml"
    path.write_text(
        source.replace('loss = "svm"', 'loss = "softmax"').replace("reg = 0.1", "reg = 0.03")
    )
    assert cli(["render", str(path), "-o", str(tmp_path), "--format", "html", "-q"]) == 0
    page = open_page(browser, tmp_path / "softmax.html")
    state = page.eval("optviz.update(3)")
    model = LinearClassifier(loss="softmax", reg=0.03)
    for _ in range(3):
        model = model.update()
    e = model.evaluate()
    assert (state["loss"], state["lam"]) == ("softmax", 0.03)
    np.testing.assert_array_equal(np.array(state["W"]), model.W)
    assert (state["data_loss"], state["reg_loss"], state["total_loss"]) == (
        e.data_loss,
        e.reg_loss,
        e.total,
    )
    assert page.errors == [], page.errors
    page.close()


def test_every_rule_has_a_kernel_and_one_without_is_refused_in_one_line(
    tmp_path, capsys, monkeypatch
):
    from optviz.web import scenario_page

    assert set(scenario_page.JS_RULES) == set(ov.rule_names())
    path = tmp_path / "adamw.toml"
    path.write_text(
        SCENARIOS["diverges"].replace('rule = "gd"', 'rule = "adamw"')
        + '[output]\nformats = ["html"]\n'
    )
    assert cli(["check", str(path)]) == 0
    # (a rule a page could not compute, were one added without its kernel)
    monkeypatch.setattr(scenario_page, "JS_RULES", ("gd", "momentum"))
    assert cli(["check", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{path}: run[0].rule: the web page has no JavaScript kernel for 'adamw' (it has gd, momentum)"
    )


@pytest.mark.slow
def test_a_pages_nesterov_note_is_the_size_the_png_fitted_it_to():
    """A figure with Nesterov's loss and its loss title beside the note (plot.loss_title: the note set smaller
    where the two would meet): the page writes the note at the size and place the PNG drew it, clear of the
    static title, not at its full size (which runs into the title)."""
    from optviz.plot.loss import nesterov_note_of
    from optviz.web.static import figure_layer, px_per_point, render_png

    s = ov.surface("quadratic")
    runs = [ov.run(s, r, steps=50) for r in (ov.GD(lr=0.1), ov.Nesterov(lr=0.1, rho=0.9))]
    from optviz.figures import figure

    scene = figure("trajectories", s, runs, loss=True, size=(12.0, 6.75), dpi=100, pyplot=False)
    render_png(scene.fig)  # the PNG's draw
    ax = next(a for a in scene.fig.axes if nesterov_note_of(a) is not None)
    fitted = nesterov_note_of(ax).get_fontsize()
    assert fitted < 0.8 * ax.xaxis.label.get_fontsize()  # (the fit set it smaller here)
    title = ax._left_title.get_window_extent()
    assert ax.get_title(loc="left")
    spec, *_ = figure_layer(scene, runs, s)
    note = spec["loss"]["note"]
    assert note["size"] == pytest.approx(fitted * px_per_point(scene.fig))
    assert note["box"][0] > title.x1  # clear of the title


@pytest.mark.slow
@pytest.mark.parametrize("legend", ["below", "right"])
def test_the_static_image_keeps_the_loss_title_beside_or_above_the_nesterov_note(legend):
    """The page writes the Nesterov note itself; the static image leaves the drawn one out without moving the
    panel's title (matplotlib lines its three titles up on the highest baseline, and a hidden one measures as
    a box at the figure's bottom: the title went off the top of the image). Beside the note (legend below)
    and a row above it (legend right: a narrower panel), the title's pixels are the PNG's."""
    from optviz.figures import figure
    from optviz.web.static import figure_layer, render_png

    s = ov.surface("rosenbrock")
    runs = [
        ov.run(s, ov.Adam(lr=0.05), start=(-1.5, 2.0), steps=100),
        ov.run(s, ov.Nesterov(lr=0.0005, rho=0.9), start=(-1.5, 2.0), steps=100),
    ]
    scene = figure(
        "trajectories", s, runs, loss=True, legend=legend, size=(12.8, 7.2), dpi=100, pyplot=False
    )
    render_png(scene.fig)  # the PNG's draw: where the title is
    ax = next(a for a in scene.fig.axes if a.get_title(loc="right"))
    title = next(t for t in (ax.title, ax._left_title) if t.get_text())
    assert title.get_text() == "optimality gap"
    b = title.get_window_extent()
    spec, _, _, full = figure_layer(scene, runs, s, whole=True)
    png = png_array(full)
    static = png_array(base64.b64decode(spec["image"].split(",", 1)[1]))
    h = png.shape[0]
    rows = slice(int(h - b.y1), int(np.ceil(h - b.y0)))
    cols = slice(int(b.x0), int(np.ceil(b.x1)))
    assert (png[rows, cols] < 128).any()  # the title's ink in the PNG
    assert np.abs(static[rows, cols] - png[rows, cols]).max() == 0


ROTATED = """
title = "A rotated valley"
kind = "poor_conditioning"
[surface]
name = "quadratic"
kappa = 50
angle = 30
[figure]
legend = "inside"
[defaults]
start = [-3.0, 2.0]
steps = 80
[[run]]
rule = "gd"
lr = 0.035
[[run]]
rule = "nesterov"
lr = 0.035
rho = 0.7
[[run]]
rule = "adam"
lr = 0.2
"""


@pytest.mark.slow
def test_a_divergence_note_keeps_off_the_static_texts_in_the_axes(browser, tmp_path):
    """After a move, the page places its "diverged at step k" notes off the texts the static image keeps
    in the axes (the eigen-axes' labels and caption), as matplotlib places them: here the place nearest the
    diverged Nesterov run's cross, with the fewest paths through it, was on "λ = 1 (shallow)"."""
    from matplotlib.text import Text

    from optviz.web.static import image_box

    path = tmp_path / "rotated.toml"
    path.write_text(ROTATED, encoding="utf-8")
    assert cli(["render", str(path), "--format", "png,html", "-o", str(tmp_path)]) == 0
    sc = load(path)
    scene = build_scene(sc.kind, compute(sc), size=sc.output.size, dpi=sc.output.dpi, pyplot=False)
    scene.fig.canvas.draw()
    ax = scene.fig.axes[0]
    height = scene.fig.bbox.height
    texts = [
        image_box(t.get_window_extent(), height)
        for t in ax.findobj(Text)
        if t.get_text().startswith(("λ =", "Hessian's"))
    ]
    assert len(texts) == 3
    page = open_page(browser, tmp_path / "rotated.html", width=1920, height=1080)
    page.eval("optviz.set({run: 0, lr: 0.105}); optviz.start([-1.2, 1.3])")
    notes = page.eval(
        "(() => { const v = optviz.page.view;"
        " return v.textBoxes.filter(b => !v.labels.some(l => l.box === b)); })()"
    )
    assert len(notes) == 2  # both runs diverged
    for n in notes:
        for t in texts:
            assert min(n[2], t[2]) <= max(n[0], t[0]) or min(n[3], t[3]) <= max(n[1], t[1]), (n, t)
    assert page.errors == [], page.errors
    page.close()
