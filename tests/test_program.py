"""Surface programs (optviz.surfaces.program) equal the numpy code they come from, bit for bit, and their
JavaScript translation (optviz.web.emit) equals them under node: to the bit on + - * / surfaces, to a few
ulps where exp, sin, ... enter."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from _web import NODE

import optviz as ov
from optviz.surfaces.program import (
    TraceError,
    dataset_model,
    pairwise_sum,
    surface_program,
    trace,
)
from optviz.web import emit

FORMULA_SURFACES = [n for n in ov.surface_names() if surface_program(ov.surface(n)) is not None]
EXPRESSIONS = [
    "x**2 - 3*y**2 + x*y",
    "sin(x)*cos(y) + x**3/7 - y**-2 + exp(-(x**2+y**2))",
    "x**y + abs(x) + sqrt(x*x+1) + log(x**2 + 1) + tanh(y) + arctan(x) + log1p(y**2)",
    "(x - 1)**4 + 2**x + x**0.5 + sinh(x/5) + cosh(y/5) + tan(x/3)",
]


def _points(s, n=3000, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = s.bounds
    xy = np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=1)
    xy[0] = 0.0  # Ackley's cusp, the quadratic's centre
    xy[1] = s.start
    if len(s.minima):
        xy[2 : 2 + len(s.minima[:5])] = s.minima[:5]
    return xy


def _assert_program_equals_code(s, xy):
    p = surface_program(s)
    x, y = xy[:, 0], xy[:, 1]
    f, g = s.value_and_grad(xy)
    pf, pgx, pgy = p.value_and_grad(x, y)
    for a, b in ((f, pf), (g[:, 0], pgx), (g[:, 1], pgy)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(s.value(xy), p.value(x, y)[0])
    gx, gy = p.grad(x, y)
    np.testing.assert_array_equal(s.grad(xy), np.stack([gx, gy], axis=1))
    hxx, hxy, hyy = p.hessian(x, y)
    H = s.hessian(xy)
    np.testing.assert_array_equal(H[:, 0, 0], hxx)
    np.testing.assert_array_equal(H[:, 0, 1], hxy)
    np.testing.assert_array_equal(H[:, 1, 1], hyy)


@pytest.mark.parametrize("name", FORMULA_SURFACES)
def test_registry_program_is_the_numpy_code_bit_for_bit(name):
    s = ov.surface(name)
    _assert_program_equals_code(s, _points(s))


@pytest.mark.parametrize(
    "surface",
    [
        ov.surface("quadratic", kappa=30, angle=25, center=(1.0, -0.5)),
        ov.surface("rosenbrock", a=2.0, b=10.0),
        ov.regularized(ov.surface("quadratic", kappa=50, angle=10), 0.2),
        ov.regularized(ov.surface("himmelblau"), 0.1),
    ],
    ids=repr,
)
def test_parameters_and_regularized_wrappers(surface):
    _assert_program_equals_code(surface, _points(surface))


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_expression_program_is_the_expression_surface_bit_for_bit(text):
    s = ov.surface_from_expression(text)
    xy = np.random.default_rng(1).uniform(-3, 3, (3000, 2))
    p = surface_program(s)
    f, g = s.value_and_grad(xy)
    pf, pgx, pgy = p.value_and_grad(xy[:, 0], xy[:, 1])
    np.testing.assert_array_equal(f, pf)
    np.testing.assert_array_equal(g, np.stack([pgx, pgy], axis=1))


def test_every_registered_surface_is_a_formula_or_a_dataset():
    for name in ov.surface_names():
        s = ov.surface(name)
        assert (surface_program(s) is None) != (dataset_model(s) is None), name


def test_dataset_models_describe_the_surface():
    """The arrays and the loss given to the page's dataset kernel rebuild the surface's value exactly."""
    for name in ("least_squares", "logistic_regression", "softmax_1d"):
        s = ov.surface(name)
        m = dataset_model(s)
        p = np.array([0.3, -0.7])
        z = m.features @ p
        per = (
            0.5 * (z - m.targets) ** 2 if m.loss == "squared" else np.log1p(np.exp(-m.targets * z))
        )
        expected = per.mean() + m.reg[0] * p[0] ** 2 + m.reg[1] * p[1] ** 2
        assert float(s.value(p)) == pytest.approx(expected, rel=1e-12)


def test_pairwise_sum_is_numpys_order():
    rng = np.random.default_rng(3)
    for n in (0, 1, 7, 8, 9, 16, 100, 128, 129, 300, 1000, 4099):
        a = rng.standard_normal(n) * 10.0 ** rng.uniform(-4, 4, n)
        assert pairwise_sum(a.tolist()) == float(a.sum())


def test_tracing_refuses_what_a_program_cannot_hold():
    with pytest.raises(TraceError, match="branch"):
        trace(lambda x, y: x if x > 0 else y)
    with pytest.raises(TraceError, match="maximum"):
        trace(lambda x, y: np.maximum(x, y))


def test_callable_surfaces_have_no_program_and_pages_refuse_them():
    s = ov.surface_from_callable(lambda xy: (xy**2).sum(-1), bounds=((-1, 1), (-1, 1)))
    assert surface_program(s) is None and dataset_model(s) is None
    with pytest.raises(ov.surfaces.base.ParameterError, match="no formula for a web page"):
        emit.surface_js(s)


# -- the emitted JavaScript ------------------------------------------------------------------------------
NODE_EVAL = """
const E = require(process.argv[2]);
const S = require(process.argv[3])(E);
const pts = JSON.parse(require("fs").readFileSync(process.argv[4], "utf8"));
const out = {};
for (const key in S) {
  const s = S[key], p = pts[key], vg = [], v = [], h = [], o = new Float64Array(3);
  for (let i = 0; i < p.length; i++) {
    s.valueAndGrad(p[i][0], p[i][1], o); vg.push(Array.from(o));
    v.push(s.value(p[i][0], p[i][1]));
    s.hessian(p[i][0], p[i][1], o); h.push(Array.from(o));
  }
  out[key] = {vg, v, h};
}
process.stdout.write(JSON.stringify(out, (k, x) => (typeof x === "number" && !isFinite(x) ? String(x) : x)));
"""


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, float), np.asarray(b, float)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(all="ignore"):
        return np.where(same, 0.0, np.abs(a - b) / np.spacing(np.maximum(np.abs(a), np.abs(b))))


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_emitted_javascript_evaluates_the_programs():
    surfaces = {n: ov.surface(n) for n in ov.surface_names()}
    surfaces.update({f"expr{i}": ov.surface_from_expression(t) for i, t in enumerate(EXPRESSIONS)})
    points = {k: _points(s, 400, seed=5) for k, s in surfaces.items()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        body = ",\n".join(f"{json.dumps(k)}: {emit.surface_js(s)}" for k, s in surfaces.items())
        (tmp / "s.js").write_text(f"module.exports = function (E) {{ return {{{body}}}; }};")
        (tmp / "p.json").write_text(json.dumps({k: v.tolist() for k, v in points.items()}))
        (tmp / "eval.js").write_text(NODE_EVAL)
        res = subprocess.run(
            [NODE, str(tmp / "eval.js"), str(emit.JS_DIR / "engine.js"), str(tmp / "s.js"), str(tmp / "p.json")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    js = json.loads(res.stdout, parse_constant=float)
    for key, s in surfaces.items():
        xy = points[key]
        f, g = s.value_and_grad(xy)
        H = s.hessian(xy)
        jvg = np.array(js[key]["vg"], dtype=float)
        jv, jh = np.array(js[key]["v"], dtype=float), np.array(js[key]["h"], dtype=float)
        got = np.concatenate([jvg, jv[:, None]], axis=1)
        want = np.concatenate([f[:, None], g, s.value(xy)[:, None]], axis=1)
        err = _ulps(got, want)
        if emit.arithmetic(s) and key != "styblinski_tang":  # its x**3 is libm's pow
            assert err.max() == 0, (key, xy[np.unravel_index(err.argmax(), err.shape)[0]])
        else:
            # exp, sin... within an ulp or two; cancellation in a sum of such terms multiplies that, so
            # compare against the size of the terms (the larger of the results and 1).
            scale = np.maximum(np.abs(want), 1.0)
            same = (got == want) | (np.isnan(got) & np.isnan(want))
            with np.errstate(all="ignore"):
                assert (same | (np.abs(got - want) <= 64 * np.spacing(scale))).all(), key
        want_h = np.stack([H[:, 0, 0], H[:, 0, 1], H[:, 1, 1]], axis=1)
        finite = np.isfinite(want_h)
        np.testing.assert_array_equal(np.isfinite(jh), finite)
        scale = np.abs(want_h[finite]).max()
        np.testing.assert_allclose(jh[finite], want_h[finite], rtol=1e-12, atol=1e-12 * scale)
