"""The expression parser: hostile input refused up front; valid formulas and derivatives exact."""

from __future__ import annotations

import numpy as np
import pytest
from _surface_helpers import fd_jacobian, points_in, seeded_rng
from hypothesis import given, settings
from hypothesis import strategies as st

import optviz as ov
from optviz._validate import ParameterError
from optviz.surfaces import _symbolic as sym
from optviz.surfaces import expression


def _balanced_sum(leaves: int) -> str:
    """x + x + ... as a balanced tree: many parts, shallow nesting, short text."""
    if leaves == 1:
        return "x"
    half = leaves // 2
    return f"({_balanced_sum(half)})+({_balanced_sum(leaves - half)})"


# (text, a fragment the one-line message must contain)
HOSTILE = [
    ("x.real", "attribute access is refused at column 1"),
    ("x + y.__class__", "attribute access is refused at column 5"),
    ("__import__('os').system('ls')", "attribute access is refused at column 1"),
    ("__import__('os')", "dunder name '__import__' is refused at column 1"),
    ("x + __builtins__", "dunder name '__builtins__' is refused at column 5"),
    ("import os", "import statements are refused at column 1"),
    ("from os import path", "import statements are refused at column 1"),
    ("x = 1", "assignments are refused at column 1"),
    ("x; y", "several expressions are refused at column 4"),
    ("foo(x)", "unknown function 'foo'"),
    ("sine(x)", "unknown function 'sine'; did you mean 'sin'?"),
    ("getattr(x, 'y')", "unknown function 'getattr'"),
    ("eval('1')", "unknown function 'eval'"),
    ("sin(x=1)", "keyword arguments are refused at column 7"),
    ("sin(x, y)", "sin() takes exactly one argument, got 2 at column 1"),
    ("sin(*x)", "starred arguments are refused at column 5"),
    ("lambda: x", "lambda functions are refused at column 1"),
    ("(lambda: x)()", "lambda functions are refused at column 2"),
    ("[x for x in y]", "comprehensions are refused at column 1"),
    ("sum(x for x in y)", "unknown function 'sum'"),
    ("x + (x for x in y)", "comprehensions are refused at column 5"),
    ("x[0]", "subscripts are refused at column 1"),
    ("'abc'", "strings are refused at column 1"),
    ("x + b'1'", "strings are refused at column 5"),
    ("f'{x}'", "f-strings are refused at column 1"),
    ("x < y", "comparisons are refused at column 1"),
    ("x and y", "boolean operators are refused at column 1"),
    ("x if y else 1", "conditional expressions are refused at column 1"),
    ("(z := x)", "assignment expressions are refused at column 2"),
    ("[x, y]", "lists are refused"),
    ("(x, y)", "tuples are refused"),
    ("{x: y}", "dicts are refused"),
    ("x // y", "operator '//' is refused at column 1"),
    ("x % y", "operator '%' is refused"),
    ("x @ y", "operator '@' is refused"),
    ("x ^ 2", "write x**2 for a power"),
    ("~x", "operator '~' is refused"),
    ("not x", "operator 'not' is refused"),
    ("z + 1", "unknown name 'z'"),
    ("xx + 1", "unknown name 'xx'; did you mean 'x'?"),
    ("x" * 999, "unknown name 'xxxxxxxxxxxxxxxxxxxxx...' (allowed: x, y, pi, e) at column 1"),
    ("sin + x", "function 'sin' must be called"),
    ("True + x", "True is refused"),
    ("None", "None is refused"),
    ("1j * x", "complex numbers are refused at column 1"),
    ("1e400 * x", "number inf is too large"),
    ("1" * 200 + " * x", "number with 200 digits is too large"),
    ("9**9**9**9", "exponent 3.8742e+08 is too large to evaluate (the limit is 100) at column 7"),
    ("x**1000", "exponent 1000 is too large to evaluate"),
    ("x**(10**3)", "exponent 1000 is too large to evaluate (the limit is 100) at column 5"),
    ("2**-101 * x", "exponent -101 is too large"),
    ("10**99 * 10**99 * x", "constant part '10**99 * 10**99' is not a finite number within 1e100"),
    ("exp(1000) * x", "constant part 'exp(1000)' is not a finite number"),
    ("log(0) + x", "constant part 'log(0)' is not a finite number"),
    ("x + 1/0", "constant part '1/0' is not a finite number within 1e100 at column 5"),
    ("sqrt(-1) * x", "constant part 'sqrt(-1)' is not a finite number"),
    ("x + ", "is not valid syntax"),
    ("2x", "is not valid syntax"),
    ("x\0", "expression:"),
    ("", "is empty"),
    ("x + 1" + " " * 1000, "is too long: 1,005 characters (the limit is 1,000)"),
    (_balanced_sum(160), "has too many parts (the limit is 300)"),
    ("-" * 60 + "x", "nests too deeply (the limit is 50 levels)"),
    ("sin(" * 60 + "x" + ")" * 60, "nests too deeply"),
    ("(" * 300 + "x" + ")" * 300, "is not valid syntax (too many nested parentheses)"),
]


@pytest.mark.parametrize(("text", "fragment"), HOSTILE)
def test_hostile_input_is_refused_with_a_one_line_message(text, fragment):
    with pytest.raises(ParameterError) as err:
        ov.surface_from_expression(text)
    message = str(err.value)
    assert err.value.field == "expression"
    assert message.startswith("expression: ")
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "fragment"), HOSTILE)
def test_refusal_comes_before_anything_is_built_or_evaluated(text, fragment, monkeypatch):
    # Building the tree, simplifying, differentiating or compiling would be "building"; any fold of
    # a power with an exponent beyond the limit would be evaluating something unbounded.
    def forbidden(*args, **kwargs):
        raise AssertionError("built or evaluated before the refusal")

    folds = []
    real_fold = sym.fold

    def watched_fold(fn, *values):
        folds.append((fn, values))
        return real_fold(fn, *values)

    for name in ("_build",):
        monkeypatch.setattr(expression, name, forbidden)
    for name in ("simplify", "diff", "compile_program"):
        monkeypatch.setattr(sym, name, forbidden)
    monkeypatch.setattr(sym, "fold", watched_fold)
    with pytest.raises(ParameterError):
        expression.parse_expression(text)
    for fn, values in folds:
        if fn is np.power:
            assert abs(values[1]) <= expression.MAX_EXPONENT
        assert all(abs(v) <= sym.MAX_MAGNITUDE for v in values)


def test_non_string_input():
    with pytest.raises(ParameterError, match="expression: must be a string, got int"):
        ov.surface_from_expression(12)


def test_columns_count_characters_not_bytes():
    with pytest.raises(ParameterError, match=r"unknown name 'π' .* at column 5"):
        ov.surface_from_expression("x + π")
    with pytest.raises(ParameterError, match=r"attribute access is refused at line 2, column 2"):
        ov.surface_from_expression("(x +\n y.real)")


# -- valid formulas --------------------------------------------------------------------------------
# (text, the same function in numpy, a view where it is defined and smooth)
VALID = [
    ("x**2 - 3*y**2 + x*y", lambda x, y: x**2 - 3 * y**2 + x * y, None),
    ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y), None),
    ("exp(-(x**2 + y**2)/2)", lambda x, y: np.exp(-(x**2 + y**2) / 2), None),
    ("sqrt(x**2 + y**2 + 1)", lambda x, y: np.sqrt(x**2 + y**2 + 1), None),
    ("log(1 + x**2) + log1p(y**2)", lambda x, y: np.log(1 + x**2) + np.log1p(y**2), None),
    ("tan(x/4) + tanh(y)", lambda x, y: np.tan(x / 4) + np.tanh(y), None),
    ("sinh(x/2)*cosh(y/3)", lambda x, y: np.sinh(x / 2) * np.cosh(y / 3), None),
    ("arctan(x) + atan(2*y)", lambda x, y: np.arctan(x) + np.arctan(2 * y), None),
    ("abs(x) + 0.5*y**4", lambda x, y: np.abs(x) + 0.5 * y**4, None),
    ("x**y", lambda x, y: x**y, ((0.5, 3.0), (-2.0, 2.0))),
    ("2**x + e**y - pi*x*y", lambda x, y: 2**x + np.e**y - np.pi * x * y, None),
    ("(x - 1)**3 / (1 + y**2)", lambda x, y: (x - 1) ** 3 / (1 + y**2), None),
    ("+x - -y", lambda x, y: x + y, None),
    ("x**-2 + y**0.5", lambda x, y: x**-2.0 + y**0.5, ((0.5, 3.0), (0.5, 3.0))),
    ("1/(x*y)", lambda x, y: 1 / (x * y), ((0.5, 3.0), (0.5, 3.0))),
    ("x**pi / y**e", lambda x, y: x**np.pi / y**np.e, ((0.5, 3.0), (0.5, 3.0))),
    ("3", lambda x, y: 3.0 + 0 * x, None),
    ("0x10 * x + 1_000 * y", lambda x, y: 16 * x + 1000 * y, None),
]


@pytest.mark.parametrize(("text", "reference", "view"), VALID)
def test_valid_formulas_match_numpy_and_finite_differences(text, reference, view):
    s = ov.surface_from_expression(text, bounds=view)
    xy = points_in(s.bounds, 200, seeded_rng(text))
    np.testing.assert_allclose(
        s.value(xy), reference(xy[..., 0], xy[..., 1]), rtol=1e-13, atol=1e-13
    )
    np.testing.assert_allclose(s.grad(xy), fd_jacobian(s.value, xy), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(s.hessian(xy), fd_jacobian(s.grad, xy), rtol=1e-7, atol=1e-8)
    _, _, grid = s.grid(4)
    assert s.value(grid).shape == (4, 4) and s.hessian(grid).shape == (4, 4, 2, 2)


@pytest.mark.parametrize(
    "name", ["beale", "himmelblau", "rosenbrock", "six_hump_camel", "goldstein_price"]
)
def test_parsed_classics_agree_with_the_hand_written_ones(name):
    formulas = {
        "beale": "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        "himmelblau": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        "rosenbrock": "(1 - x)**2 + 100*(y - x**2)**2",
        "six_hump_camel": "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
        "goldstein_price": "(1 + (x + y + 1)**2*(19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
        "*(30 + (2*x - 3*y)**2*(18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))",
    }
    hand = ov.surface(name)
    parsed = ov.surface_from_expression(formulas[name], bounds=hand.bounds)
    xy = points_in(hand.bounds, 300, seeded_rng(name))
    scale = np.abs(hand.value(xy)).max()
    np.testing.assert_allclose(parsed.value(xy), hand.value(xy), rtol=1e-12, atol=1e-13 * scale)
    np.testing.assert_allclose(parsed.grad(xy), hand.grad(xy), rtol=1e-11, atol=1e-12 * scale)
    np.testing.assert_allclose(parsed.hessian(xy), hand.hessian(xy), rtol=1e-11, atol=1e-12 * scale)


def test_derivative_text_is_exact_and_reads_back():
    s = ov.surface_from_expression("x**3*y + sin(y) - exp(x*y)/(1 + x**2)")
    xy = points_in(s.bounds, 50, seeded_rng("text"))
    for variables, index in [
        (("x",), (0,)),
        (("y",), (1,)),
        (("x", "y"), (0, 1)),
        (("y", "y"), (1, 1)),
    ]:
        back = ov.surface_from_expression(s.derivative(*variables))
        exact = (
            s.grad(xy)[..., index[0]] if len(index) == 1 else s.hessian(xy)[..., index[0], index[1]]
        )
        np.testing.assert_allclose(back.value(xy), exact, rtol=1e-12, atol=1e-12)
    assert s.derivative("x", "y") == s.derivative("y", "x")
    with pytest.raises(ParameterError, match="variables: must be one or two of 'x', 'y'"):
        s.derivative("z")


def test_simplification_drops_zero_and_one_terms():
    s = ov.surface_from_expression("3*x**2*y + 0*y + 1*x")
    assert s.derivative("x") == "6*x*y + 1"
    assert s.derivative("y") == "3*x**2"
    assert s.derivative("y", "y") == "0"
    assert ov.surface_from_expression("x**2 + y**2").derivative("x", "x") == "2"


def test_out_of_domain_points_give_nan_or_inf_quietly():
    # pytest turns warnings into errors here, so a single numpy RuntimeWarning would fail this test.
    s = ov.surface_from_expression("log(x) + sqrt(y) + 1/x")
    xy = np.array([[-1.0, -1.0], [0.0, 1.0], [1.0, 1.0]])
    value, grad, hess = s.value(xy), s.grad(xy), s.hessian(xy)
    assert np.isnan(value[0]) and np.isnan(grad[0, 1]) and np.isnan(hess[0, 1, 1])
    assert np.isinf(value[1]) or np.isnan(value[1])
    assert value[2] == 2.0 and np.isfinite(grad[2]).all()
    huge = ov.surface_from_expression("exp(x)*y")
    assert np.isinf(huge.value([1000.0, 1.0])) and np.isinf(huge.grad([1000.0, 1.0])[0])


def test_latex_is_generated_from_the_tree():
    cases = {
        "x**2 - 3*y**2 + x*y": "x^{2} - 3 y^{2} + x y",
        "sin(x)*cos(y)": r"\sin\left(x\right) \cos\left(y\right)",
        "exp(-(x**2 + y**2))": r"e^{-\left(x^{2} + y^{2}\right)}",
        "sqrt(x**2 + 1)/abs(y)": r"\frac{\sqrt{x^{2} + 1}}{\left|y\right|}",
        "pi*x - e*y": r"\pi x - e y",
        "x - (y - 1)": r"x - \left(y - 1\right)",
        "(-x)**2 + -x**2": r"\left(-x\right)^{2} + \left(-x^{2}\right)",
        "2*3*x": r"2 \cdot 3 x",
        "1e-8*x": r"1 \times 10^{-8} x",
        "log1p(x) + atan(y)": r"\log\left(1 + x\right) + \arctan\left(y\right)",
    }
    mathtext = pytest.importorskip("matplotlib.mathtext")
    parser = mathtext.MathTextParser("path")
    for text, latex in cases.items():
        s = ov.surface_from_expression(text)
        assert s.latex == latex
        parser.parse(f"${s.latex}$")  # renders with matplotlib's mathtext


def test_view_start_and_known_points():
    s = ov.surface_from_expression("x**2 + y**2")
    assert s.bounds == ((-4.0, 4.0), (-3.0, 3.0))
    np.testing.assert_allclose(s.start, [-2.8, 2.1])
    assert s.minima.shape == (0, 2) and s.saddles.shape == (0, 2)
    assert np.isnan(s.fmin)
    assert s.title == "x**2 + y**2" and s.params == {"expression": "x**2 + y**2"}
    t = ov.surface_from_expression(
        "x**2+y**2", bounds=((0, 1), (0, 2)), start=(0.5, 0.5), title="Bowl"
    )
    np.testing.assert_array_equal(t.start, [0.5, 0.5])
    assert t.title == "Bowl" and t.bounds == ((0.0, 1.0), (0.0, 2.0))
    np.testing.assert_allclose(
        ov.surface_from_expression("x", bounds=((0, 1), (0, 2))).start, [0.15, 1.7]
    )


def test_known_points_are_refined_and_checked():
    text = "(x**2 - 1)**2 + y**2 + x*y/5 + x/10"
    s = ov.surface_from_expression(text, minima=[(1.0, -0.1), (-1.0, 0.1)], saddles=[(0.0, 0.0)])
    assert np.abs(s.grad(np.concatenate([s.minima, s.saddles]))).max() < 1e-14
    # x/10 tilts the wells: the deeper one, near (-1, 0.1), comes first whatever the given order.
    assert s.minima[0, 0] < 0 and s.value(s.minima[0]) < s.value(s.minima[1])
    as_given = ov.surface_from_expression(text, minima=[(1.0, -0.1)], refine=False)
    np.testing.assert_array_equal(as_given.minima, [[1.0, -0.1]])
    with pytest.raises(
        ParameterError, match=r"minima\[0\]: the critical point near \(0, 0\) is a saddle"
    ):
        ov.surface_from_expression(text, minima=[(0.0, 0.0)])
    with pytest.raises(
        ParameterError, match=r"saddles\[0\]: the critical point near \(1, 0\) is a minimum"
    ):
        ov.surface_from_expression(text, saddles=[(1.0, 0.0)])
    with pytest.raises(
        ParameterError, match=r"minima\[0\]: Newton's method found no critical point near"
    ):
        ov.surface_from_expression("x + y", minima=[(1.0, 1.0)])
    with pytest.raises(ParameterError, match=r"minima: must have shape \(2,\) or \(N, 2\)"):
        ov.surface_from_expression(text, minima=[(1.0, 2.0, 3.0)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bounds": ((1, 0), (0, 1))}, "bounds: must be finite with min < max"),
        ({"bounds": (0, 1)}, r"bounds: must be \(\(xmin, xmax\), \(ymin, ymax\)\)"),
        ({"bounds": ((0, np.inf), (0, 1))}, "bounds: must be finite"),
        ({"start": (1, 2, 3)}, r"start: must be a point \[x, y\]"),
        ({"start": (np.nan, 0)}, "start: must be finite"),
    ],
)
def test_bad_view_arguments(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        ov.surface_from_expression("x*y", **kwargs)


# -- random valid formulas -------------------------------------------------------------------------
# Each strategy draws (text, numpy reference): functions bounded or polynomial on [-1.5, 1.5]^2, so
# that values and derivatives stay moderate and finite differences are a fair reference.
_LEAVES = st.sampled_from(
    [
        ("x", lambda x, y: x),
        ("y", lambda x, y: y),
        ("2", lambda x, y: 2.0 + 0 * x),
        ("0.5", lambda x, y: 0.5 + 0 * x),
    ]
)


def _extend(children):
    unary = st.sampled_from(
        [
            ("sin({})", np.sin),
            ("cos({})", np.cos),
            ("tanh({})", np.tanh),
            ("arctan({})", np.arctan),
            ("-({})", np.negative),
            ("({})**2", np.square),
        ]
    )
    binary = st.sampled_from(
        [
            ("({}) + ({})", np.add),
            ("({}) - ({})", np.subtract),
            ("({})*({})", np.multiply),
            ("({})/(1 + ({})**2)", lambda a, b: a / (1 + b**2)),
        ]
    )
    one = st.tuples(unary, children).map(
        lambda t: (t[0][0].format(t[1][0]), _compose1(t[0][1], t[1][1]))
    )
    two = st.tuples(binary, children, children).map(
        lambda t: (t[0][0].format(t[1][0], t[2][0]), _compose2(t[0][1], t[1][1], t[2][1]))
    )
    return one | two


def _compose1(f, a):
    return lambda x, y: f(a(x, y))


def _compose2(f, a, b):
    return lambda x, y: f(a(x, y), b(x, y))


FORMULAS = st.recursive(_LEAVES, _extend, max_leaves=8)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(FORMULAS)
def test_random_formulas_are_exact(formula):
    text, reference = formula
    s = ov.surface_from_expression(text, bounds=((-1.5, 1.5), (-1.5, 1.5)))
    xy = points_in(s.bounds, 40, seeded_rng(text))
    np.testing.assert_allclose(
        s.value(xy), reference(xy[..., 0], xy[..., 1]), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(s.grad(xy), fd_jacobian(s.value, xy), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(s.hessian(xy), fd_jacobian(s.grad, xy), rtol=1e-6, atol=1e-7)
    again = ov.surface_from_expression(s.derivative("x", "y"), bounds=s.bounds)
    np.testing.assert_allclose(again.value(xy), s.hessian(xy)[..., 0, 1], rtol=1e-11, atol=1e-11)
