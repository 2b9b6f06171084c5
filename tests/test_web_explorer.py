"""Explorer pages in headless Chromium: every rule on every registered surface equals optviz.run (design section
2's contract), also after set() and start(); controls by keyboard and mouse; the URL hash and the TOML export
reproduce the view; the page looks like the PNG of its exported scenario; no console errors."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import re
import urllib.parse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from _browser import (
    open_page,
    png_array,
    screenshot_array,
    static_layer_difference,
)
from _web import NODE, Case, check, default_params, run_in_page

import optviz as ov
from optviz.schedules import schedule_from_dict
from optviz.web.explorer_page import RULES, explorer_page
from optviz.web.scenario_page import JS_RULES

ALL = list(RULES)


# The surfaces whose explorer pages the tests below open: formulas with and without library functions, a
# dataset, and the lecture's valley (each page draws its figure: a few seconds each).
PAGES = ("quadratic", "rosenbrock", "rastrigin", "logistic_regression")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """One explorer page per surface of PAGES, every rule shown (built in parallel processes)."""
    folder = tmp_path_factory.mktemp("explorer")
    spawn = multiprocessing.get_context("spawn")  # the session's browser runs in this process
    with ProcessPoolExecutor(
        max_workers=min(len(PAGES), os.cpu_count() or 1), mp_context=spawn
    ) as pool:
        texts = pool.map(explorer_page, PAGES, [ALL] * len(PAGES))
        out = {}
        for name, text in zip(PAGES, texts, strict=True):
            out[name] = folder / f"{name}.html"
            out[name].write_text(text, encoding="utf-8")
    return out


def _data(text: str) -> dict:
    """The JSON data a page embeds."""
    return json.loads(
        re.search(r'id="optviz-data" type="application/json">(.*?)</script>', text).group(1)
    )


def _case(surface, rule, params, state, noise=None, schedule=None) -> Case:
    case = Case(
        "page", surface, rule, dict(params), steps=state["steps"], start=np.array(state["start"]),
        noise=noise, seed=state["seed"], schedule=schedule,
    )  # fmt: skip
    case.params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    return case


def _check_runs(surface, state, noise=None) -> list[str]:
    """Each run of the page's state against optviz.run with its settings: ``noise`` on the runs the page
    gives noise (its state says which: not L-BFGS), each run's schedule as the page describes it."""
    failures = []
    for r in state["runs"]:
        if noise is not None:
            assert (r["noise"] is not None) == (r["rule"] != "lbfgs"), r["rule"]
        schedule = None if r["schedule"] is None else schedule_from_dict(r["schedule"])
        case = _case(
            surface, r["rule"], r["params"], state, noise if r["noise"] else None, schedule
        )
        case.result = {
            "xy": np.array(r["xy"], dtype=float), "loss": np.array(r["loss"], dtype=float),
            "status": r["status"], "stopStep": r["stop_step"],
        }  # fmt: skip
        verdict = check(case)
        if verdict.message:
            failures.append(f"{surface.name}/{r['rule']}: {verdict.message}")
    return failures


def test_every_rule_on_every_surface_equals_optviz_run_in_chromium(browser, pages):
    """Every rule (the explorer's six, and random search, AdamW, Newton and L-BFGS, which a scenario's page
    runs) on every registered surface, in Chromium's JavaScript engine: each surface as its pages emit it, run
    by a page's own engine, equals optviz.run by design section 2's contract. The explorer pages of PAGES
    equal optviz.run with their own runs too."""
    failures = []
    page = None
    for name, path in pages.items():  # one tab, navigated from page to page
        page = open_page(browser, path) if page is None else page.goto(path)
        state = page.eval("optviz.state()")
        assert [r["rule"] for r in state["runs"]] == ALL
        failures += _check_runs(ov.surface(name), state)
        assert page.errors == [], (name, page.errors)
    assert set(JS_RULES) == set(ov.rule_names())
    for name in ov.surface_names():
        s = ov.surface(name)
        cases = [Case(name, s, rule, default_params(rule, s), steps=300) for rule in JS_RULES]
        run_in_page(page, cases, s)
        failures += [f"{name}/{c.rule}: {check(c).message}" for c in cases if check(c).message]
    assert page.errors == [], page.errors
    page.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", ["quadratic", "rastrigin", "logistic_regression"])
def test_set_start_and_noise_equal_optviz_run(browser, pages, name):
    page = open_page(browser, pages[name])
    s = ov.surface(name)
    (x0, x1), (y0, y1) = s.bounds
    start = [x0 + 0.3 * (x1 - x0), y0 + 0.7 * (y1 - y0)]
    page.eval("xy => optviz.start(xy)", start)
    page.eval("optviz.set({run: 1, lr: optviz.state().runs[1].params.lr * 3, rho: 0.5})")
    page.eval("optviz.set({betas: [0.8, 0.99], steps: 150})")
    state = page.eval("optviz.state()")
    assert state["runs"][1]["params"]["rho"] == 0.5 and state["runs"][2]["params"]["rho"] == 0.9
    assert state["runs"][3]["params"]["betas"] == [0.8, 0.99]
    assert state["start"] == start
    assert not _check_runs(s, state)
    state = page.eval("optviz.set({sigma: 0.7, seed: 3})")
    failures = _check_runs(s, state, noise=ov.GaussianNoise(0.7))
    assert not failures, failures
    # labels under noise, as optviz.run names them
    assert [r["label"] for r in state["runs"]][:2] == ["SGD", "SGD+Momentum"]
    assert page.errors == [], page.errors
    page.close()


def test_labels_under_noise_are_ov_explores(browser, pages):
    """Under noise each run's readout label on the page is ov.explore's for the same rules (the run's own
    label, optviz.engine.default_label): L-BFGS, which no noise reaches, is "L-BFGS" in both."""
    page = open_page(browser, pages["quadratic"])
    page.eval("optviz.set({sigma: 0.5})")
    rows = page.eval(
        "Array.from(document.querySelectorAll('#readouts tr')).map(r => r.children[0].textContent)"
    )
    state = page.eval("optviz.state()")
    rules = [r["rule"] for r in state["runs"]]
    assert "lbfgs" in rules and len(rows) == len(rules)
    ex = ov.explore("quadratic", rules)
    ex.set(sigma=0.5)
    want = [ex.readout(rule).fields[0] for rule in rules]
    assert rows == want == [r["label"] for r in state["runs"]]
    assert want[rules.index("lbfgs")] == "L-BFGS"
    assert page.errors == [], page.errors
    page.close()


def test_set_refuses_unknown_names_and_seeds_it_does_not_hold(browser, pages):
    page = open_page(browser, pages["quadratic"])
    with pytest.raises(Exception, match=r"unknown setting .*lrr"):
        page.eval("optviz.set({lrr: 0.1})")
    with pytest.raises(Exception, match="noise draws for seeds 0 to 7"):
        page.eval("optviz.set({seed: 99})")
    with pytest.raises(Exception, match="run must be an index"):
        page.eval("optviz.set({run: 9, lr: 0.1})")
    assert "seeds 0 to 7" in page.page.inner_text("#message")
    # noise is embedded for the steps slider's range; beyond it the page says so and keeps its runs
    page.eval("optviz.set({sigma: 0.5})")
    with pytest.raises(Exception, match="noise draws for 500 steps, not 600"):
        page.eval("optviz.set({steps: 600})")
    assert page.eval("optviz.state().steps") == 100
    assert page.eval("optviz.set({sigma: 0, steps: 600}).steps") == 600  # without noise, any length
    page.close()


def test_keyboard_and_mouse_controls(browser, pages):
    page = open_page(browser, pages["quadratic"])
    s = ov.surface("quadratic")
    before = page.eval("optviz.state().runs[0].params.lr")
    page.page.focus("#c-lr")
    for _ in range(30):
        page.page.keyboard.press("ArrowRight")
    state = page.eval("optviz.state()")
    lr = state["runs"][0]["params"]["lr"]
    assert lr > before and state["runs"][1]["params"]["lr"] == lr  # the GD family's shared rate
    assert state["runs"][3]["params"]["lr"] != lr  # Adam keeps its own
    assert lr == float(f"{lr:.3g}")  # a drag lands on three significant digits, as ov.explore
    assert not _check_runs(s, state)
    # a click on the contour sets the start
    g = page.eval("optviz.page.data.figure.paths")
    box = page.page.locator("#figure canvas").bounding_box()
    px, py = g["left"] + 0.25 * g["width"], g["top"] + 0.6 * g["height"]
    page.page.mouse.click(box["x"] + px, box["y"] + py)
    state = page.eval("optviz.state()")
    expected = [(px - g["x"]["a"]) / g["x"]["b"], (py - g["y"]["a"]) / g["y"]["b"]]
    # (the mouse lands on whole pixels: within one pixel of the point clicked)
    assert abs(state["start"][0] - expected[0]) <= 1 / abs(g["x"]["b"])
    assert abs(state["start"][1] - expected[1]) <= 1 / abs(g["y"]["b"])
    assert not _check_runs(s, state)
    # Step, Reset and Play by keyboard
    page.page.focus("#b-reset")
    page.page.keyboard.press("Enter")
    assert page.eval("optviz.state().step") == 0
    page.page.focus("#b-step")
    page.page.keyboard.press("Enter")
    assert page.eval("optviz.state().step") == 1
    assert "step 1 of 100" in page.page.inner_text("#step-text")
    page.page.focus("#b-play")
    page.page.keyboard.press("Enter")
    page.page.wait_for_function("optviz.state().step === 100", timeout=10_000)
    # a rule switched off by keyboard
    page.page.focus("input[name=rule][value=adagrad]")
    page.page.keyboard.press("Space")
    assert [r["rule"] for r in page.eval("optviz.state()")["runs"]] == [
        r for r in ALL if r != "adagrad"
    ]
    unlabelled = page.eval(
        "Array.from(document.querySelectorAll('input,button,textarea')).filter(e => e.tagName !== 'BUTTON'"
        " && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id)"
    )
    assert unlabelled == []
    assert page.errors == [], page.errors
    page.close()


def test_readouts_are_the_surfaces_numbers(browser, pages):
    """At step 12 (and at the end): each run's readouts are the surface's numbers at its drawn point, where its
    marker is (Nesterov's actual point x, not torch's look-ahead iterate that ``xy`` holds)."""
    page = open_page(browser, pages["rosenbrock"])
    from optviz._format import format_number  # ov.explore's readouts: three significant digits

    s = ov.surface("rosenbrock")
    for k, status in ((None, "done"), (12, "running")):  # (the page opens at the last step)
        page.eval("optviz.step(0)" if k is None else f"optviz.reset(); optviz.step({k})")
        rows = page.eval(
            "Array.from(document.querySelectorAll('#readouts tr')).map(r => Array.from(r.children).map(c => c.textContent))"
        )
        state = page.eval("optviz.state()")
        for row, run in zip(rows, state["runs"], strict=True):
            xy = np.array(run["xy"])
            j = len(xy) - 1 if k is None else min(k, run["stop_step"])
            # the drawn points (Trajectory.path), from the iterates as the rule draws them
            p = ov.rule(run["rule"], **run["params"]).path(xy, {})[j]
            assert row[1] == format_number(float(s.value(p)), 3), run["rule"]
            assert row[2] == format_number(float(np.hypot(*s.grad(p))), 3), run["rule"]
            assert row[3] == format_number(float(ov.condition_number(s, p)), 3), run["rule"]
            assert row[5] == status
            if run["rule"] == "nesterov" and k is not None:
                # (the look-ahead iterate's numbers differ at three digits here: the test tells them apart)
                assert row[1] != format_number(float(s.value(xy[j])), 3)
    # The loss panel's curves are the recorded losses (Nesterov's at torch's iterate): the note that says so
    # is written while Nesterov is shown, as optviz.plot.loss writes it.
    from optviz.plot.loss import NESTEROV_LOSS_NOTE

    note = page.eval("optviz.page.data.figure.loss.note")
    assert note["text"] == NESTEROV_LOSS_NOTE and page.eval("optviz.page.view.lossNote") is True
    page.page.click("input[name=rule][value=nesterov]")
    assert page.eval("optviz.page.view.lossNote") is False
    assert page.errors == [], page.errors
    page.close()


def test_divergence_is_marked_and_named(browser, pages):
    page = open_page(browser, pages["quadratic"])
    state = page.eval("optviz.set({run: 0, lr: 0.5})")
    gd = state["runs"][0]
    t = ov.run(ov.surface("quadratic"), ov.GD(lr=0.5), steps=100)
    assert (gd["status"], gd["stop_step"]) == ("diverged", t.stop_step)
    assert f"diverged at step {t.stop_step + 1}" in page.page.inner_text("#readouts")
    page.close()


def test_url_hash_reopens_the_same_view(browser, pages):
    page = open_page(browser, pages["quadratic"])
    page.eval("optviz.set({run: 2, lr: 0.003, rho: 0.8})")
    page.eval("optviz.start([1.5, -2.5])")
    page.eval("optviz.set({rules: ['gd', 'nesterov', 'rmsprop']})")
    page.eval("optviz.reset(); optviz.step(17)")
    url = page.page.url
    before = page.eval("optviz.state()")
    page.close()
    assert "#state=" in url
    again = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    again.goto(url)
    again.wait_for_selector("body[data-ready='1']")
    after = again.evaluate("optviz.state()")
    again.close()
    assert after == before


def test_exported_toml_is_a_scenario_of_the_same_runs(browser, pages, tmp_path):
    page = open_page(browser, pages["quadratic"])
    page.eval("optviz.set({rules: ['gd', 'momentum', 'adam']})")
    page.eval("optviz.set({run: 1, rho: 0.7}); optviz.set({sigma: 0.3, seed: 2, steps: 80})")
    page.page.click("#b-export")
    text = page.page.input_value("#toml")
    state = page.eval("optviz.state()")
    assert page.page.get_attribute("#download", "href").startswith("data:application/toml")
    page.close()
    path = tmp_path / "exported.toml"
    path.write_text(text)
    sc = ov.scenario.load(path)
    from optviz.scenario.compute import run_panel

    runs = run_panel(sc.main)
    for t, r in zip(runs, state["runs"], strict=True):
        np.testing.assert_array_equal(
            t.xy, np.array(r["xy"])
        )  # arithmetic + Gaussian noise: to the bit
        assert t.label == r["label"]


@pytest.mark.parametrize(
    ("name", "rules"),
    [
        ("quadratic", ["gd", "momentum"]),
        ("rosenbrock", ["gd", "momentum", "adam", "rmsprop"]),
        ("himmelblau", ["gd", "nesterov", "adagrad"]),
        ("logistic_regression", ["gd", "adam"]),
        ("double_well", ["gd", "momentum"]),  # two minima and a saddle: three labels placed live
    ],
)
def test_page_looks_like_the_png_of_its_scenario(browser, name, rules, tmp_path):
    """The figure's screenshot (viewport at the PNG's size, device scale 1) against the PNG that optviz
    renders for the page's exported scenario: in the static layer (contours, axes, ticks, labels, minima,
    formula, the loss panel's frame and labels) at most 0.5% of the pixels differ by more than 8 levels of
    255 (the live layer's anti-aliased edges); where matplotlib draws the runs, the legend and the loss
    curves, the page draws too (at least 90% of those pixels)."""
    from optviz.web.static import render_png

    path = tmp_path / "page.html"
    text = explorer_page(name, rules)
    path.write_text(text, encoding="utf-8")
    figure = _data(text)["figure"]
    page = open_page(browser, path, width=figure["width"] + 60, height=figure["height"] + 400)
    shot = screenshot_array(page.page, "#figure")
    # the PNG of the page's exported scenario
    toml = tmp_path / "exported.toml"
    toml.write_text(page.eval("optviz.toml()"))
    full = png_array(render_png(ov.scenario.scene_for(ov.scenario.load(toml)).fig))
    static = png_array(base64.b64decode(figure["image"].split(",", 1)[1]))
    d = static_layer_difference(shot, static, full, figure["textBoxes"])
    assert d["static_off"] < 0.005, d
    assert d["live_drawn"] > 0.9, d
    assert page.errors == [], page.errors
    page.close()


def _title_strip_texts(rgb: np.ndarray, loss: dict) -> list[tuple[int, int]]:
    """The texts in the strip above the loss panel, over the panel's width: the column spans of its ink
    (dark pixels), split where 12 blank columns part them (more than a space between words)."""
    top, left = int(loss["top"]), int(loss["left"])
    strip = rgb[: top - 2, left - 4 : left + int(loss["width"]) + 4]
    columns = np.flatnonzero((strip.sum(axis=-1) < 3 * 255 - 200).any(axis=0))
    parts = np.split(columns, np.flatnonzero(np.diff(columns) > 12) + 1)
    return [(int(c[0]) + left - 4, int(c[-1]) + left - 4) for c in parts if len(c)]


@pytest.mark.slow
def test_ticking_nesterov_lays_the_loss_title_out_beside_its_note(browser, tmp_path):
    """A page opened without Nesterov, then Nesterov ticked (and unticked): the loss panel's title and the
    note on Nesterov's loss do not overlap, laid out as the PNG of the same state lays them out
    (optviz.plot.loss_title's fit: the title on the left beside the note), and centred again without it."""
    from optviz.web.static import render_png

    path = tmp_path / "page.html"
    text = explorer_page("quadratic", ["gd", "momentum"])
    path.write_text(text, encoding="utf-8")
    figure = _data(text)["figure"]
    loss = figure["loss"]
    page = open_page(browser, path, width=figure["width"] + 60, height=figure["height"] + 400)
    for rules in (["gd", "momentum", "nesterov"], ["gd", "momentum"]):
        page.eval(f"optviz.set({{rules: {json.dumps(rules)}}})")
        assert page.eval("optviz.page.view.lossNote") is ("nesterov" in rules)
        shown = _title_strip_texts(screenshot_array(page.page, "#figure"), loss)
        toml = tmp_path / "state.toml"
        toml.write_text(page.eval("optviz.toml()"))
        png = png_array(render_png(ov.scenario.scene_for(ov.scenario.load(toml)).fig))
        want = _title_strip_texts(png, loss)
        # the title alone, or the title and the note apart: where the PNG has them (the browser sets them in
        # its own DejaVu Sans: a few pixels of slack)
        assert len(want) == (2 if "nesterov" in rules else 1), want
        assert len(shown) == len(want), (rules, shown, want)
        for (a0, a1), (b0, b1) in zip(shown, want, strict=True):
            assert abs(a0 - b0) <= 4 and abs(a1 - b1) <= 6, (rules, shown, want)
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.slow
def test_page_is_one_small_file_without_network(pages):
    for name, path in pages.items():
        text = path.read_text(encoding="utf-8")
        assert len(text.encode()) <= 2 * 1024 * 1024, name
        assert not re.search(r"""(src|href)=["'](https?:)?//""", text), name
        assert _data(text)["surface"]["name"] == name


def test_expression_and_wrapped_surfaces(browser, tmp_path):
    """A formula typed by a user, and a regularized wrapper: equal runs; the formula exports as a scenario,
    the wrapper (which a scenario cannot name) says so."""
    expr = ov.surface_from_expression("x**2 + 3*y**2 + sin(3*x)", minima=[(-0.4, 0.0)])
    wrapped = ov.regularized(ov.surface("rosenbrock"), 0.05)
    for s, rules in (
        (expr, ["gd", "momentum", "adam"]),
        (wrapped, ["nesterov", "rmsprop", "adagrad"]),
    ):
        path = tmp_path / "page.html"
        ov.to_html(s, path, rules=rules)
        page = open_page(browser, path)
        state = page.eval("optviz.state()")
        assert not _check_runs(s, state)
        text = page.eval("optviz.toml()")
        if s is expr:
            toml = tmp_path / "x.toml"
            toml.write_text(text)
            from optviz.scenario.compute import run_panel

            for t, r in zip(run_panel(ov.scenario.load(toml).main), state["runs"], strict=True):
                case = _case(s, r["rule"], r["params"], state)
                case.result = {
                    "xy": t.xy,
                    "loss": t.loss,
                    "status": t.status,
                    "stopStep": t.stop_step,
                }
                assert not check(case).message  # the exported scenario's runs are the page's
        else:
            assert "cannot name it" in text
        assert page.errors == [], page.errors
        page.close()


def test_a_bad_address_is_a_message_not_a_broken_page(browser, pages):
    url = (
        pages["quadratic"].resolve().as_uri()
        + "#state="
        + "%7B%22v%22%3A1%2C%22runs%22%3A%5B%5D%7D"
    )
    page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    assert "could not restore the state in the address" in page.inner_text("#message")
    assert len(page.evaluate("optviz.state().runs")) == len(ALL)  # the page's own state instead
    page.close()


def test_new_rules_and_schedules_equal_optviz_run(browser, pages):
    """AdamW, Newton and L-BFGS (with its line search) under every schedule of the selector, after set()
    and start(), equal optviz.run with the schedule that ov.explore's table makes for the same settings
    (make_schedule: its parameters follow the steps, one-cycle's max_lr the rule's lr)."""
    from optviz.explore_settings import SCHEDULES

    page = open_page(browser, pages["rosenbrock"])
    s = ov.surface("rosenbrock")
    page.eval("optviz.set({rules: ['momentum', 'adam', 'adamw', 'rmsprop', 'newton', 'lbfgs']})")
    page.eval(
        "optviz.set({weight_decay: 0.1, damping: 0.5, max_iter: 5, history_size: 3,"
        " line_search_fn: 'strong_wolfe', steps: 120})"
    )
    page.eval("xy => optviz.start(xy)", [-1.0, 2.0])
    failures = []
    for choice in SCHEDULES:
        state = page.eval("c => optviz.set({schedule: c})", choice)
        assert state["schedule"] == choice
        if choice != "constant":
            assert all(r["schedule"] is not None for r in state["runs"]), choice
        failures += [f"{choice}: {f}" for f in _check_runs(s, state)]
    by_rule = {r["rule"]: r for r in state["runs"]}
    assert by_rule["adamw"]["params"]["weight_decay"] == 0.1
    assert by_rule["newton"]["params"]["damping"] == 0.5
    assert by_rule["lbfgs"]["params"]["line_search_fn"] == "strong_wolfe"
    assert "one-cycle (max_lr=1, cycle_momentum=False)" in by_rule["newton"]["legend"]
    # under noise: every rule but L-BFGS gets it (as ov.explore)
    state = page.eval("optviz.set({sigma: 0.3, seed: 1, schedule: 'cosine'})")
    failures += _check_runs(s, state, noise=ov.GaussianNoise(0.3))
    assert not failures, "\n".join(failures)
    assert page.errors == [], page.errors
    page.close()


def test_the_schedule_selector_is_ov_explores(browser, pages):
    """The page's schedule for each choice, rule and number of steps is optviz.explore_settings.make_schedule's
    (description and legend), and a run's legend names it as optviz's figures do."""
    from optviz.explore_settings import SCHEDULES, make_schedule

    page = open_page(browser, pages["quadratic"])
    cases = [(c, r, n) for c in SCHEDULES for r in ALL for n in (1, 2, 7, 10, 33, 100, 500)]
    got = page.eval(
        """cases => cases.map(([c, r, n]) => {
          const page = optviz.page, d = OptvizExplorer.scheduleFor(c, r, {lr: 0.05}, n, page.data.schedules);
          return [d, d && OptvizExplorer.scheduleLegend(d, page.data.schedules, page.data.paramNames)];
        })""",
        cases,
    )
    for (choice, rule, n), (desc, legend) in zip(cases, got, strict=True):
        want = make_schedule(choice, ov.rule(rule, lr=0.05), n)
        if want is None:
            assert desc is None
            continue
        assert desc == want.describe(), (choice, rule, n)
        assert legend == want.legend, (choice, rule, n)
    # the exported scenario holds the schedule, and renders the page's runs
    page.eval("optviz.set({rules: ['gd', 'adamw'], schedule: 'warmup + cosine', steps: 60})")
    text = page.eval("optviz.toml()")
    assert 'schedule = { name = "sequential"' in text
    page.close()


def test_every_setting_has_its_labelled_slider(browser, pages):
    """The page's sliders are ov.explore's (one table: optviz.explore_settings.controls), each labelled with the
    rules it moves."""
    from optviz.explore_settings import controls, read_settings

    page = open_page(browser, pages["quadratic"])
    s = ov.surface("quadratic")
    want = controls(s, read_settings(s, ALL))
    labels = page.eval(
        "Array.from(document.querySelectorAll('.controls input[type=range]')).map(e => [e.dataset.name, e.labels[0].textContent])"
    )
    assert labels == [[c.name, c.label] for c in want]
    named = dict(labels)
    assert "AdamW" in named["weight_decay"] and "Newton" in named["damping"]
    assert "L-BFGS" in named["max_iter"] and "L-BFGS" in named["history_size"]
    assert "Newton" in named["second_order_lr"] and "L-BFGS" in named["second_order_lr"]
    assert page.errors == [], page.errors
    page.close()


# -- keyboard, legends, the loss panel's limits (issue 15 items 4 and 2) ------------------------------------
def _nice(raw: float) -> float:
    """The 1-2-5 number nearest ``raw`` in ratio: a linear slider's key step."""
    mag = 10.0 ** np.floor(np.log10(raw))
    return min((m * mag for m in (1, 2, 5, 10)), key=lambda v: abs(np.log(v / raw)))


def _key_step(c: dict, value: float) -> tuple[float, bool]:
    """One ArrowRight from ``value`` on control ``c``, as the keys are documented (a value between two grid
    points goes to the next one first), and whether ``value`` was on the grid."""
    if c["log"]:
        unit, x = 0.1, np.log10(value)
    elif c["integer"]:
        unit, x = max(1, round((c["high"] - c["low"]) / 100)), value
    else:
        unit, x = _nice((c["high"] - c["low"]) / 100), value
    k = x / unit
    on_grid = abs(k - round(k)) < 0.05
    nxt = ((round(k) if on_grid else np.floor(k)) + 1) * unit
    nxt = float(f"{10.0**nxt:.3g}") if c["log"] else float(f"{nxt:.12g}")
    return min(nxt, c["high"]), on_grid


def test_every_slider_moves_one_step_a_key_and_tab_reaches_every_control(browser, pages):
    """Tab reaches every control in the panel's order, each with a label and a visible focus ring; one
    ArrowRight moves a slider one step of its own scale (a log slider a tenth of a decade, a linear one a
    1-2-5 step near a hundredth of its range), ArrowLeft back; five on Newton's damping go 0 -> 1.0, not to
    the top, and the runs stay optviz.run's. Keys go through locator.press with a timeout: a page stuck in a
    loop fails the test instead of hanging it (page.keyboard.press waits for ever)."""
    page = open_page(browser, pages["quadratic"])
    pg = page.page
    data = _data(pages["quadratic"].read_text(encoding="utf-8"))
    pg.focus("input[name=rule]")  # the first control
    order, seen = [], set()
    for _ in range(60):
        info = page.eval(
            """(() => { const e = document.activeElement, st = getComputedStyle(e);
              const label = e.labels && e.labels.length ? e.labels[0].textContent.trim() : (e.getAttribute('aria-label') || e.textContent.trim());
              return [e === document.body ? 'body' : e.id || e.name + ':' + e.value, label, st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2]; })()"""
        )
        if info[0] in seen or info[0] == "body":  # (past the last control: the browser's own UI)
            break
        seen.add(info[0])
        order.append(info)
        pg.locator(":focus").press("Tab", timeout=5_000)
    ids = [i for i, _, _ in order]
    sliders = [f"c-{c['name']}" for c in data["controls"]]
    want = (
        [f"rule:{r}" for r in data["order"]] + sliders + ["c-seed", "c-schedule", "c-line-search"]
    )
    want += ["b-step", "b-play", "b-reset", "b-random", "c-arrows", "b-export", "download", "toml"]
    assert ids == want
    assert all(label for _, label, _ in order), order
    assert all(ring for _, _, ring in order), [i for i, _, ring in order if not ring]
    # one key, one step, on every slider; back with the other arrow
    for c in data["controls"]:
        before = page.eval(f"optviz.page.sliderValue({json.dumps(c['name'])})")
        pg.locator(f"#c-{c['name']}").press("ArrowRight", timeout=5_000)
        after = page.eval(f"optviz.page.sliderValue({json.dumps(c['name'])})")
        want, on_grid = _key_step(c, before)
        assert after == want, (c["name"], before, after)
        text = pg.get_attribute(f"#c-{c['name']}", "aria-valuetext")
        assert text == pg.inner_text(f"#v-{c['name']}")
        if after < c["high"]:
            pg.locator(f"#c-{c['name']}").press("ArrowLeft", timeout=5_000)
            back = page.eval(f"optviz.page.sliderValue({json.dumps(c['name'])})")
            assert back == before if on_grid else back < before, (c["name"], before, back)
    for _ in range(5):
        pg.locator("#c-damping").press("ArrowRight", timeout=5_000)
    state = page.eval("optviz.state()")
    newton = next(r for r in state["runs"] if r["rule"] == "newton")
    assert newton["params"]["damping"] == 1.0
    pg.locator("#c-lr").press("End", timeout=5_000)
    assert page.eval("optviz.page.sliderValue('lr')") == data["controls"][0]["high"]
    assert not _check_runs(ov.surface("quadratic"), page.eval("optviz.state()"))
    assert page.errors == [], page.errors
    page.close()


def test_a_slider_move_writes_the_address_after_it(browser, pages):
    """A slider's input events (a drag) leave the address for a moment later (history.replaceState is slow,
    and Chromium ignores more than 200 calls in 10 s); it then holds the new state."""
    page = open_page(browser, pages["quadratic"])
    before = page.page.url
    page.page.locator("#c-rho").press("ArrowRight", timeout=5_000)
    page.page.wait_for_function(f"location.href !== {json.dumps(before)}", timeout=5_000)
    assert '"rho":0.91' in urllib.parse.unquote(page.page.url)
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.parametrize(
    "rules,schedule,width",
    [
        (["gd", "momentum", "nesterov", "adam", "rmsprop"], "warmup + cosine", 1400),
        (ALL, "one-cycle", 1400),
        (["gd", "momentum", "nesterov", "adam", "rmsprop"], "warmup + cosine", 900),
    ],
)
def test_the_legend_of_many_scheduled_runs_stays_in_the_page_and_off_the_paths(
    browser, pages, rules, schedule, width
):
    """Five (or every) scheduled runs name their hyperparameters and schedules: the legend stays inside the
    figure's width and the window, over no axes and no drawn point, and its entries are one text each."""
    page = open_page(browser, pages["quadratic"], width=width)
    page.eval(f"optviz.set({{rules: {json.dumps(rules)}, schedule: {json.dumps(schedule)}}})")
    spec = page.eval("optviz.page.view.spec")
    (box,) = page.eval("optviz.page.view.legendBoxes")
    assert box[0] >= 0 and box[2] <= spec["width"], box
    rect = page.page.locator("#legend-0").bounding_box()
    window = page.eval("document.documentElement.clientWidth")
    assert rect["x"] >= 0 and rect["x"] + rect["width"] <= window, (rect, window)
    for name in ("paths", "loss"):
        g = spec[name]
        over = (
            box[0] < g["left"] + g["width"]
            and box[2] > g["left"]
            and box[1] < g["top"] + g["height"]
            and box[3] > g["top"]
        )
        assert not over, (name, box, g)
    # (each live line is flat: [x0, y0, x1, y1, ...] in pixels)
    points = np.array(
        [v for line in page.eval("optviz.page.view.live.paths.lines") for v in line], dtype=float
    ).reshape(-1, 2)
    inside = (
        (points[:, 0] > box[0])
        & (points[:, 0] < box[2])
        & (points[:, 1] > box[1])
        & (points[:, 1] < box[3])
    )
    assert not inside.any()
    texts = page.eval(
        "Array.from(document.querySelectorAll('#legend-0 .entry')).map(e => e.textContent)"
    )
    legends = [r["legend"] for r in page.eval("optviz.state()")["runs"]]
    assert texts[: len(legends)] == legends
    assert page.errors == [], page.errors
    page.close()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_loss_panel_limits_of_a_loss_near_the_smallest_float():
    """Newton with damping converges to a loss of ~1e-320 on the quadratic: the log axis' limits stay positive
    and finite, and the ticks of any limits come back (they looped for ever from log10(0)). Under node, with a
    timeout, so a loop fails the test."""
    import subprocess
    from pathlib import Path

    import optviz.web

    assets = Path(optviz.web.__file__).parent / "assets"
    script = (
        "const vm = require('vm'), fs = require('fs'); const c = {}; c.globalThis = c; vm.createContext(c);"
        f"for (const f of ['engine.js', 'common.js', 'runs.js']) vm.runInContext(fs.readFileSync({json.dumps(str(assets))} + '/' + f, 'utf8'), c);"
        "const R = c.OptvizRuns, lim = R.lossLimits([5e-324, 1e-320, 3], true);"
        "process.stdout.write(JSON.stringify({lim, ticks: R.logTicks(lim[0], lim[1]).major.length,"
        " zero: R.logTicks(0, 1), inf: R.logTicks(1, Infinity), big: R.lossLimits([1e300, 1.7e308], true)}));"
    )
    out = json.loads(
        subprocess.run(
            [NODE, "-e", script], capture_output=True, text=True, timeout=20, check=True
        ).stdout
    )
    lo, hi = out["lim"]
    assert 0 < lo <= 5e-324 and 3 < hi < np.inf
    assert 1 <= out["ticks"] <= 9
    assert out["zero"] == {"major": [], "minor": []} and out["inf"] == {"major": [], "minor": []}
    assert out["big"][1] <= np.finfo(float).max


def test_wider_loss_tick_labels_stay_off_the_static_y_label(browser, tmp_path):
    """On Rosenbrock every rule with the one-cycle schedule reaches a loss of 1e-31: the page's log ticks
    (10^-31) are wider than the PNG's, whose static y label sits beside them. The label's pixels move left
    (into the gap beside the paths' axes), the tick labels keep right of it, at their size here."""
    path = tmp_path / "rosenbrock.html"
    path.write_text(
        explorer_page("rosenbrock"), encoding="utf-8"
    )  # GD and Momentum: 10^-1 at the least
    page = open_page(browser, path)
    start = page.eval("optviz.page.view.lossText")
    assert start["ticksLeft"] >= start["ylabel"][2]  # the PNG's own ticks fit
    page.eval(f"optviz.set({{rules: {json.dumps(ALL)}, schedule: 'one-cycle'}})")
    text = page.eval("optviz.page.view.lossText")
    spec = page.eval("optviz.page.view.spec")
    assert text["ylabel"][0] < start["ylabel"][0]  # moved
    assert text["ticksLeft"] >= text["ylabel"][2]
    assert text["ylabel"][0] > spec["paths"]["left"] + spec["paths"]["width"]
    assert page.errors == [], page.errors
    page.close()
