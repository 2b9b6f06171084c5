"""Live contours (assets/contours.js) equal optviz.plot.contour's, under node (and once in Chromium).

For several surfaces and views, and every registered surface at its view and two zooms: the grid is
numpy.linspace's to the bit and the page's values are numpy's (to the bit on arithmetic surfaces); the levels
are ``contour_levels``'s on the same values (to the bit on linear scales; on log scales within two ulp:
numpy's SIMD power may round ratio**k the other way); every level's lines are matplotlib's (contourpy's
mpl2014, corner_mask on) on the same grid and level: the same polylines, in the same order, to the bit, also
where the surface is undefined (masked corners) and where grid values sit exactly on a level; the lines'
colour-table indices are plot.contour's BoundaryNorm's. Slow: through plot.contour itself (a fitted, widened
view), and in a page.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from _web import NODE, ROOT

import optviz as ov
from optviz.plot._levels import contour_levels
from optviz.plot.contour import _band_norm, _washed, _within
from optviz.plot.views import draw_fitted
from optviz.web import emit

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (it runs contours.js)")

SURFACES = {
    "quadratic": ov.surface("quadratic", kappa=10, angle=25),
    "rosenbrock": ov.surface("rosenbrock"),
    "himmelblau": ov.surface("himmelblau"),
    "six_hump_camel": ov.surface("six_hump_camel"),
    "logistic_regression": ov.surface("logistic_regression"),
    "rastrigin": ov.surface("rastrigin"),  # a saddle between every two wells
    # undefined outside a disc: masked points, corner quads on its edge
    "dome": ov.surface_from_expression("sqrt(4 - x**2 - y**2)"),
    # values on integer points of the grid equal to levels 1, 2, 5: points exactly on a level
    "bowl": ov.surface_from_expression("x**2 + y**2"),
}
LINEAR = {"quadratic", "six_hump_camel", "logistic_regression", "dome", "bowl"}
ARITHMETIC = {"quadratic", "rosenbrock", "himmelblau", "six_hump_camel", "dome", "bowl"}


def _f64(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def _bounds(b: Any) -> list[list[float]]:
    return [[float(b[0][0]), float(b[0][1])], [float(b[1][0]), float(b[1][1])]]


def _case(key: str, n: int, bounds: Any, shown: Any = None, levels: Any = None) -> dict[str, Any]:
    s = SURFACES[key]
    return {
        "surface": key, "n": n, "bounds": _bounds(bounds), "shown": _bounds(shown or bounds),
        "fmin": float(s.fmin) if np.isfinite(s.fmin) else None, "nLevels": 14, "scale": s.level_scale,
        "levels": None if levels is None else [float(v) for v in levels],
    }  # fmt: skip


# (surface, grid size, grid bounds, view asked for): default views, zooms (update_diagram's zoom panel) and
# grids widened beyond the view (plot.contour's margin), odd sizes and lopsided bounds
CASES = [
    _case("quadratic", 120, SURFACES["quadratic"].bounds),
    _case("quadratic", 97, ((-0.7, 0.45), (-0.3, 0.62))),
    _case("quadratic", 150, ((-3.3, 3.1), (-2.2, 2.4)), ((-2.5, 2.5), (-1.5, 1.5))),
    _case("rosenbrock", 140, SURFACES["rosenbrock"].bounds),
    _case("rosenbrock", 101, ((0.6, 1.3), (0.3, 1.4))),
    _case("himmelblau", 130, SURFACES["himmelblau"].bounds),
    _case("himmelblau", 90, ((-6.0, 6.0), (-6.5, 6.5)), ((-5.0, 5.0), (-5.0, 5.0))),
    _case("six_hump_camel", 160, SURFACES["six_hump_camel"].bounds),
    _case("six_hump_camel", 75, ((-0.4, 0.4), (-0.3, 0.3))),
    _case("logistic_regression", 80, SURFACES["logistic_regression"].bounds),
    _case("rastrigin", 200, SURFACES["rastrigin"].bounds),
    _case("dome", 111, ((-2.5, 2.5), (-2.5, 2.5))),
    _case("bowl", 9, ((-4.0, 4.0), (-4.0, 4.0)), levels=[1.0, 2.0, 5.0, 8.0]),
    _case("bowl", 41, ((-2.0, 2.0), (-2.0, 2.0)), levels=[0.25, 1.0, 1.21, 4.0]),
]


def run_node(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs tests/js/contour_cases.js on the cases: per case its grid, levels, lines, colour indices."""
    keys = sorted({c["surface"] for c in cases})
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        entries = ",\n".join(f"{json.dumps(k)}: {emit.surface_js(SURFACES[k])}" for k in keys)
        (tmp_path / "surfaces.js").write_text(
            f"module.exports = function (E) {{ return {{\n{entries}\n}}; }};\n", encoding="utf-8"
        )
        (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
        out = subprocess.run(
            [
                NODE, str(ROOT / "js" / "contour_cases.js"), str(emit.JS_DIR / "engine.js"),
                str(emit.JS_DIR / "contours.js"), str(tmp_path / "surfaces.js"),
                str(tmp_path / "cases.json"),
            ],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def results() -> list[dict[str, Any]]:
    return run_node(CASES)


def _grid(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = case["bounds"]
    return SURFACES[case["surface"]].grid(case["n"], ((x0, x1), (y0, y1)))


def _ids() -> list[str]:
    return [f"{c['surface']}-{c['n']}" for c in CASES]


@pytest.mark.parametrize("index", range(len(CASES)), ids=_ids())
def test_grid_is_numpys(results: list[dict[str, Any]], index: int) -> None:
    case, js = CASES[index], results[index]
    X, Y, XY = _grid(case)
    assert np.array_equal(_f64(js["xs"]), X[0])
    assert np.array_equal(_f64(js["ys"]), Y[:, 0])
    with np.errstate(all="ignore"):
        values = SURFACES[case["surface"]].value(XY)
    expected = np.where(np.isfinite(values), values, np.nan)
    z = _f64(js["z"]).reshape(X.shape)
    assert np.array_equal(np.isnan(z), np.isnan(expected))
    if case["surface"] in ARITHMETIC:
        assert np.array_equal(z, expected, equal_nan=True)
    else:  # exp and log1p: the browser's Math against numpy's, an ulp or so
        np.testing.assert_allclose(z, expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("index", range(len(CASES)), ids=_ids())
def test_levels_are_contour_levels(results: list[dict[str, Any]], index: int) -> None:
    case, js = CASES[index], results[index]
    X, Y, _ = _grid(case)
    Z = _f64(js["z"]).reshape(X.shape)
    levels = _f64(js["levels"])
    if case["levels"] is not None:
        assert levels.tolist() == case["levels"]
        return
    # plot.contour's choice, on the page's own values
    s = SURFACES[case["surface"]]
    finite = Z[np.isfinite(Z)]
    (a0, a1), (b0, b1) = case["shown"]
    expected = contour_levels(
        _within(Z, X, Y, ((a0, a1), (b0, b1))), fmin=s.fmin, n=14, scale=s.level_scale,
        reach=float(np.quantile(finite, 0.995)),
    )  # fmt: skip
    assert len(levels) == len(expected) >= 14
    if case["surface"] in LINEAR:
        assert np.array_equal(levels, expected)
    else:
        # log: the ratio is bit-equal (contours.js's pow is correctly rounded, as the C library's); numpy's
        # ratio ** arange(n) runs its SIMD power on AVX-512 machines (SVML), which may round an element the
        # other way: an ulp of ratio ** k, at most two once multiplied by the first level's gap
        ulps = np.abs(levels - expected) / np.spacing(expected)
        assert ulps.max() <= 2


@pytest.mark.parametrize("index", range(len(CASES)), ids=_ids())
def test_lines_are_matplotlibs(results: list[dict[str, Any]], index: int) -> None:
    case, js = CASES[index], results[index]
    X, Y, _ = _grid(case)
    Z = _f64(js["z"]).reshape(X.shape)
    levels = _f64(js["levels"])
    fig, ax = plt.subplots()
    try:
        cs = ax.contour(X, Y, Z, levels=levels)  # matplotlib's defaults: mpl2014, corner_mask
        segs = _segments(cs)
    finally:
        plt.close(fig)
    assert len(js["lines"]) == len(levels) == len(segs)
    drawn = 0
    for level, mine, theirs in zip(levels, js["lines"], segs, strict=True):
        mine = [_f64(line).reshape(-1, 2) for line in mine]
        assert len(mine) == len(theirs), (
            f"level {level}: {len(mine)} lines, matplotlib {len(theirs)}"
        )
        for a, b in zip(mine, theirs, strict=True):
            assert np.array_equal(a, b), f"level {level}: a line differs"
        drawn += sum(len(a) for a in mine)
    assert drawn > 0


def _sweep() -> list[dict[str, Any]]:
    """Every registered surface: its view and two zooms inside it (seeded), odd grid sizes, the scale its
    own or "auto"."""
    rng = np.random.default_rng(2026)
    cases = []
    for name in ov.surface_names():
        SURFACES.setdefault(f"sweep/{name}", ov.surface(name))
        (x0, x1), (y0, y1) = ov.surface(name).bounds
        views = [((x0, x1), (y0, y1))]
        for _ in range(2):
            w, h = rng.uniform(0.05, 0.6) * (x1 - x0), rng.uniform(0.05, 0.6) * (y1 - y0)
            cx, cy = rng.uniform(x0 + w / 2, x1 - w / 2), rng.uniform(y0 + h / 2, y1 - h / 2)
            views.append(((cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)))
        for k, view in enumerate(views):
            (a0, a1), (b0, b1) = view
            grown = (
                (a0 - 0.25 * (a1 - a0), a1 + 0.25 * (a1 - a0)),
                (b0 - 0.25 * (b1 - b0), b1 + 0.25 * (b1 - b0)),
            )
            case = _case(f"sweep/{name}", int(rng.integers(25, 90)), grown if k else view, view)
            if k == 2:
                case["scale"] = "auto"
            cases.append(case)
    return cases


def _differences(case: dict[str, Any], js: dict[str, Any]) -> list[str]:
    """What the page's levels and lines for a case do not share with Python's on the page's own values:
    contour_levels's levels (to 2 ulp: numpy's SIMD power on log scales) and matplotlib's lines, to the bit."""
    s = SURFACES[case["surface"]]
    X, Y, _ = _grid(case)
    Z = _f64(js["z"]).reshape(X.shape)
    levels = _f64(js["levels"])
    (a0, a1), (b0, b1) = case["shown"]
    finite = Z[np.isfinite(Z)]
    expected = contour_levels(
        _within(Z, X, Y, ((a0, a1), (b0, b1))), fmin=s.fmin, n=14, scale=case["scale"],
        reach=float(np.quantile(finite, 0.995)),
    )  # fmt: skip
    label = f"{case['surface']} {case['n']} {case['shown']} {case['scale']}"
    if len(levels) != len(expected):
        return [f"{label}: {len(levels)} levels, contour_levels {len(expected)}"]
    if (np.abs(levels - expected) / np.spacing(np.abs(expected))).max() > 2:
        return [f"{label}: levels"]
    fig, ax = plt.subplots()
    try:
        segs = _segments(ax.contour(X, Y, Z, levels=levels))
    finally:
        plt.close(fig)
    out = []
    for level, mine, theirs in zip(levels, js["lines"], segs, strict=True):
        mine = [_f64(line).reshape(-1, 2) for line in mine]
        if len(mine) != len(theirs) or not all(
            np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True)
        ):
            out.append(f"{label}: the lines of level {level}")
    return out


@pytest.mark.slow  # ~2.5 CPU s: 54 grids, matplotlib's contour and contourf on each
def test_every_surface_and_zoom() -> None:
    """Every registered surface, at its view and at zooms in it (the update_diagram panel's views) over a
    widened grid: levels as contour_levels's, each level's lines and each band matplotlib's, to the bit."""
    cases = _sweep()
    failures = []
    for case, js in zip(cases, run_node(cases), strict=True):
        failures.extend(_differences(case, js))
        X, Y, _ = _grid(case)
        failures.extend(
            _band_differences(case["surface"], X, Y, _f64(js["z"]).reshape(X.shape), js)
        )
    assert not failures, failures
    assert len(cases) == 3 * len(ov.surface_names())


def _band_differences(label: str, X: Any, Y: Any, Z: Any, js: dict[str, Any]) -> list[str]:
    """What the page's filled bands do not share with matplotlib's contourf on the same values: plot.contour's
    fill levels, each band's path (vertices and ring starts, to the bit), the bands' colour indices."""
    levels = _f64(js["levels"])
    fill = _f64(js["fill"])
    if not np.array_equal(
        fill, np.unique(np.concatenate([[np.nanmin(Z)], levels, [np.nanmax(Z)]]))
    ):
        return [f"{label}: fill levels"]
    fig, ax = plt.subplots()
    try:
        cs = ax.contourf(X, Y, Z, levels=fill)
        paths, layers = cs.get_paths(), cs.layers
    finally:
        plt.close(fig)
    out = []
    if np.asarray(_band_norm(fill)(layers)).tolist() != js["bandIndices"]:
        out.append(f"{label}: band colours")
    for k, (band, path) in enumerate(zip(js["bands"], paths, strict=True)):
        points = [_f64(p).reshape(-1, 2) for p, _ in band]
        vertices = np.concatenate(points) if points else np.empty((0, 2))
        offsets = np.cumsum([0] + [len(p) for p in points])[: len(points)]
        starts = [int(o + s) for o, (_, ss) in zip(offsets, band, strict=True) for s in ss]
        moveto = np.nonzero(path.codes == 1)[0].tolist() if path.codes is not None else []
        if not np.array_equal(vertices, path.vertices) or starts != moveto:
            out.append(f"{label}: band {k} ({fill[k]}, {fill[k + 1]})")
    return out


@pytest.mark.parametrize("index", range(len(CASES)), ids=_ids())
def test_bands_are_matplotlibs(results: list[dict[str, Any]], index: int) -> None:
    """Filled bands (contourpy's mpl2014 contour_filled, holes after their outer ring) as contourf's."""
    case, js = CASES[index], results[index]
    X, Y, _ = _grid(case)
    Z = _f64(js["z"]).reshape(X.shape)
    assert len(js["bands"]) == len(_f64(js["fill"])) - 1 >= 4
    assert sum(len(band) for band in js["bands"]) > 0
    assert not _band_differences(case["surface"], X, Y, Z, js)


def test_masked_and_degenerate_cases_are_exercised(results: list[dict[str, Any]]) -> None:
    """The dome's grid has masked points (corner quads); the coarse bowl has grid values equal to a level;
    some bands have holes."""
    dome = next(i for i, c in enumerate(CASES) if c["surface"] == "dome")
    assert np.isnan(_f64(results[dome]["z"])).sum() > 100
    bowl = next(i for i, c in enumerate(CASES) if c["surface"] == "bowl")
    z = _f64(results[bowl]["z"])
    assert {1.0, 2.0, 5.0, 8.0} <= set(z.tolist())
    # bands with holes (a ring between two closed levels: outer ring, then the hole)
    assert any(len(starts) > 1 for r in results for band in r["bands"] for _, starts in band)


@pytest.mark.parametrize("index", range(len(CASES)), ids=_ids())
def test_colour_indices_are_band_norms(results: list[dict[str, Any]], index: int) -> None:
    levels = _f64(results[index]["levels"])
    expected = np.asarray(_band_norm(levels)(levels)).tolist()
    assert results[index]["indices"] == expected


def _segments(cs: Any) -> list[list[np.ndarray]]:
    # a level without lines is one empty path in matplotlib's allsegs, no line in contourpy's (and the page's)
    return [[line for line in level if len(line)] for level in cs.allsegs]


# plot.contour itself, its view fitted to a panel and widened: the grid read from what it drew
PLOTTED = [
    ("quadratic", None),
    ("himmelblau", None),
    ("six_hump_camel", ((-1.0, 1.2), (-0.8, 0.9))),
]


@pytest.mark.slow
def test_plot_contour_end_to_end() -> None:
    """The page's grid, levels, lines and bands for the grid plot.contour drew (equal_aspect: a view fitted to
    the axes' box and a widened grid): the same as its two ContourSets, with the same colours."""
    drawn, cases = [], []
    for key, view in PLOTTED:
        s = SURFACES[key]
        made: list[Any] = []

        def draw(s: Any = s, view: Any = view, made: list[Any] = made) -> Any:
            fig, ax = plt.subplots(figsize=(6.0, 3.2), layout="constrained")
            made.append(ov.plot.contour(s, ax, bounds=view, resolution=90, critical_points=False))
            return fig

        plt.close(draw_fitted(draw))  # as a figure kind draws: measured, then fitted and widened
        out = made[-1]
        X, Y, _ = out.grid
        drawn.append((out.levels, _segments(out.lines), out.lines.get_edgecolor(), out.filled))
        bounds = ((X[0, 0], X[0, -1]), (Y[0, 0], Y[-1, 0]))
        assert bounds != (view or s.bounds)  # widened: the levels come from the view inside it
        cases.append(_case(key, X.shape[0], bounds, view or s.bounds))
    lut = plt.get_cmap("viridis")(np.arange(256))
    washed = _washed("viridis")(np.arange(256))
    for case, js, (levels, segs, colours, filled) in zip(
        cases, run_node(cases), drawn, strict=True
    ):
        mine = _f64(js["levels"])
        if case["surface"] in LINEAR:
            assert np.array_equal(mine, levels)
        else:
            np.testing.assert_allclose(mine, levels, rtol=1e-13)
        for lines, theirs in zip(js["lines"], segs, strict=True):
            lines = [_f64(line).reshape(-1, 2) for line in lines]
            assert len(lines) == len(theirs)
            for a, b in zip(lines, theirs, strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
        # each level's colour: the table's entry at the page's index, the lines' alpha
        rgba = lut[np.asarray(js["indices"])]
        rgba[:, 3] = 0.85
        np.testing.assert_array_equal(rgba, colours)
        # the bands: each band's path, its colour from the washed map's table
        paths = filled.get_paths()
        assert len(js["bands"]) == len(paths)
        for band, path in zip(js["bands"], paths, strict=True):
            points = [_f64(p).reshape(-1, 2) for p, _ in band]
            vertices = np.concatenate(points) if points else np.empty((0, 2))
            assert vertices.shape == path.vertices.shape
            np.testing.assert_allclose(vertices, path.vertices, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(washed[np.asarray(js["bandIndices"])], filled.get_facecolor())


def test_pow_is_correctly_rounded() -> None:
    """contours.js's pow (the log levels' ratio, span ** (1/(n-1))) is the correctly rounded power, as the C
    library's is but in rare near-ties; Math.pow is an ulp off in a few percent of these."""
    mpmath = pytest.importorskip("mpmath")
    rng = np.random.default_rng(7)
    a = np.exp(rng.uniform(-5.0, 30.0, 1500))
    y = rng.choice([1.0, -1.0, 2.5], 1500) / rng.integers(1, 40, 1500)
    script = (
        f"const C = require({json.dumps(str(emit.JS_DIR / 'contours.js'))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([a, y]) => [C.pow(a, y), Math.pow(a, y)])));"
    )
    out = subprocess.run(
        [NODE, "-e", script], input=json.dumps(np.stack([a, y], axis=1).tolist()),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    got = np.array(json.loads(out.stdout), dtype=float)  # JSON writes some as integers
    mpmath.mp.prec = 200
    exact = np.array(
        [float(mpmath.power(mpmath.mpf(u), mpmath.mpf(v))) for u, v in zip(a, y, strict=True)]
    )
    assert np.array_equal(got[:, 0], exact)
    assert not np.array_equal(got[:, 1], exact)  # the cases do tell the two apart


def test_lines_without_corner_mask() -> None:
    """With corner_mask off (matplotlib's contour.corner_mask False) a quad with any masked corner is left out
    whole: the lines and bands are contourpy's mpl2014 ones with corner_mask=False."""
    import contourpy

    case = {**_case("dome", 111, ((-2.5, 2.5), (-2.5, 2.5))), "cornerMask": False}
    (js,) = run_node([case])
    X, Y, _ = _grid(case)
    Z = _f64(js["z"]).reshape(X.shape)
    gen = contourpy.contour_generator(
        X, Y, np.ma.masked_invalid(Z), name="mpl2014", corner_mask=False,
        line_type=contourpy.LineType.SeparateCode,
    )  # fmt: skip
    levels = _f64(js["levels"])
    assert len(levels) == 14
    for level, mine in zip(levels, js["lines"], strict=True):
        theirs, _ = gen.lines(level)
        assert [_f64(line).reshape(-1, 2).tolist() for line in mine] == [a.tolist() for a in theirs]
    fill = _f64(js["fill"])
    filled = contourpy.contour_generator(
        X, Y, np.ma.masked_invalid(Z), name="mpl2014", corner_mask=False,
        fill_type=contourpy.FillType.OuterCode,
    )  # fmt: skip
    for k, band in enumerate(js["bands"]):
        lower = fill[k] - 1 if k == 0 else fill[k]  # the grid's minimum: matplotlib moves it below
        points, _ = filled.filled(lower, fill[k + 1])
        assert [_f64(p).reshape(-1, 2).tolist() for p, _ in band] == [a.tolist() for a in points]


# The node runner's work, in a page (the browser's JavaScript engine): base64 of each array.
IN_PAGE = """([surfaces, cases]) => {
  const E = OptvizEngine, C = OptvizContours;
  const b64 = (a) => { let t = ""; const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < u.length; i++) t += String.fromCharCode(u[i]); return btoa(t); };
  return cases.map((c) => {
    const s = new Function("E", "return " + surfaces[c.surface])(E);
    const g = C.grid(s, c.n, c.bounds);
    const levels = C.plotLevels(g, c.shown, c.fmin === null ? NaN : c.fmin, c.nLevels, c.scale);
    const gen = C.generator(g);
    const fill = C.fillLevels(g, levels);
    return { z: b64(g.z), levels: b64(levels), lines: Array.from(levels, (l) => gen.lines(l).map(b64)),
      fill: b64(fill), bandIndices: Array.from(C.bandIndices(fill, 256)),
      bands: C.bands(gen, g, fill).map((ps) => ps.map((p) => [b64(p.points), p.starts])) };
  });
}"""


@pytest.mark.slow
def test_in_a_page(browser: Any, tmp_path: Path, results: list[dict[str, Any]]) -> None:
    """contours.js in headless Chromium, loaded as a page loads its assets: the same values as under node
    (an ulp off where Math's cos or exp enter), and on them matplotlib's levels, lines and bands."""
    from _browser import open_page

    scripts = "\n".join(
        f"<script>{emit.js_source(n)}</script>" for n in ("engine.js", "contours.js")
    )
    html = tmp_path / "contours.html"
    html.write_text(
        f"<!doctype html><body data-ready='1'><p>contours.js</p>{scripts}</body>", encoding="utf-8"
    )
    page = open_page(browser, html)
    try:
        chosen = [i for i, c in enumerate(CASES) if c["levels"] is None][::2]
        surfaces = {
            CASES[i]["surface"]: emit.surface_js(SURFACES[CASES[i]["surface"]]) for i in chosen
        }
        got = page.eval(IN_PAGE, [surfaces, [CASES[i] for i in chosen]])
        assert not page.errors, page.errors
    finally:
        page.close()
    failures = []
    for i, js in zip(chosen, got, strict=True):
        case = CASES[i]
        if case["surface"] in ARITHMETIC:
            assert js["z"] == results[i]["z"], case["surface"]
        else:  # cos, exp: Chromium's Math is not node's (another V8), an ulp here and there
            np.testing.assert_allclose(_f64(js["z"]), _f64(results[i]["z"]), rtol=1e-14)
        failures.extend(_differences(case, js))
        X, Y, _ = _grid(case)
        failures.extend(
            _band_differences(case["surface"], X, Y, _f64(js["z"]).reshape(X.shape), js)
        )
    assert not failures, failures


def _level_cases() -> list[tuple[list[float], dict[str, Any], bool]]:
    """(values, contour_levels's options, whether the levels are a log progression)."""
    rng = np.random.default_rng(11)
    spread = np.exp(rng.normal(0.0, 4.0, 500)).tolist()  # decades: "auto" picks log
    ramp = np.linspace(-3.0, 7.0, 257)
    inf = float("inf")
    return [
        # constant: [low, low + 1]; nothing finite above the minimum; one positive gap (spread 1: linear)
        ([1.0, 1.0, 1.0], {}, False),
        ([2.0, float("nan"), inf, 2.0, -inf], {"fmin": 2.0}, False),
        ([0.0, 0.0, 0.0, 5.0], {"fmin": 0.0}, False),
        # fmin below the values; even steps without fmin, continued; quadratic, continued, at most 2n more
        (ramp.tolist(), {"fmin": -4.0, "scale": "linear"}, False),
        (ramp.tolist(), {"scale": "linear", "reach": 12.0}, False),
        (ramp.tolist(), {"fmin": -3.0, "scale": "linear", "reach": 9.5}, False),
        (ramp.tolist(), {"fmin": -3.0, "scale": "linear", "reach": 1e9}, False),
        ((ramp**3).tolist(), {"fmin": -27.0, "n": 9}, False),
        # auto picks log; continued (at most 2n more); one level (the exponent 1/max(n-1, 1))
        (spread, {"fmin": 0.0}, True),
        (spread, {"fmin": 0.0, "reach": 1e12}, True),
        (spread, {"fmin": 0.0, "scale": "log", "reach": max(spread) * 3}, True),
        (spread, {"scale": "log", "n": 1}, True),
        (spread, {"scale": "linear", "n": 5}, False),
    ]


def test_levels_edge_cases() -> None:
    """contourLevels on value arrays against contour_levels: degenerate views, masked values, fmin below
    the values, continued progressions (capped at 2n more), auto scales both ways, n of 1."""
    cases = _level_cases()
    script = (
        f"const C = require({json.dumps(str(emit.JS_DIR / 'contours.js'))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([v, o]) => Array.from(C.contourLevels("
        "v.map((x) => x === null ? NaN : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : x), o)))));"
    )
    encode = [
        ([None if np.isnan(v) else "inf" if v == np.inf else "-inf" if v == -np.inf else v
          for v in values], options)
        for values, options, _ in cases
    ]  # fmt: skip
    out = subprocess.run(
        [NODE, "-e", script], input=json.dumps(encode), capture_output=True, text=True, check=True
    )
    for (values, options, log), got in zip(cases, json.loads(out.stdout), strict=True):
        expected = contour_levels(np.array(values), **options)
        got = np.array(got, dtype=float)
        assert got.shape == expected.shape, options
        ulps = np.abs(got - expected) / np.spacing(np.abs(expected))
        # log progressions within 2 ulp (numpy's SIMD power), the rest to the bit
        assert ulps.max() <= (2 if log else 0), (options, ulps.max())
