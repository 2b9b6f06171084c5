"""A user's formula in x and y as a Surface: parsed safely, differentiated exactly.

The text is parsed with :mod:`ast` and checked against a whitelist before anything is built or
evaluated: numbers, the names ``x``, ``y``, ``pi`` and ``e``, the operators ``+ - * / **`` (unary
``+`` and ``-`` too), parentheses, and one-argument calls of :data:`ALLOWED_FUNCTIONS`. Everything
else is refused with a one-line :class:`~optviz._validate.ParameterError` that says what was refused
and at which column. Size is capped (length, number of parts, nesting depth), and constant parts are
folded in floating point with a bound on every constant exponent and on every folded value, so
``9**9**9**9`` is refused at once instead of being computed. The user's text is never passed to
``eval``, ``exec``, ``compile`` or ``sympify``.

The gradient and Hessian are the exact symbolic derivatives of the parsed tree
(:mod:`optviz.surfaces._symbolic`), compiled to vectorized numpy programs that evaluate quietly:
outside a function's domain (``log`` of a negative number) the value is nan or inf, which the engine
treats as divergence.
"""

from __future__ import annotations

import ast
import difflib
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.surfaces import _symbolic as sym
from optviz.surfaces._custom import known_points, parse_bounds, parse_start
from optviz.surfaces.base import Bounds, Surface

MAX_LENGTH = 1000  # characters
MAX_NODES = 300  # numbers, names, operators and calls
MAX_DEPTH = 50  # nesting levels
MAX_EXPONENT = 100  # the largest |p| of a constant exponent
DEFAULT_BOUNDS: Bounds = ((-4.0, 4.0), (-3.0, 3.0))  # (-3, 3) x (-3, 3) widened to 4:3

ALIASES = {"atan": "arctan"}
ALLOWED_FUNCTIONS = tuple(sorted([*(f for f in sym.FUNCTIONS if f != "sign"), *ALIASES]))
CONSTANTS = {"pi": np.pi, "e": np.e}
VARIABLES = ("x", "y")

# What each refused kind of syntax is called in the error message.
_REFUSED = {
    ast.Attribute: "attribute access is refused",
    ast.Subscript: "subscripts are refused",
    ast.Slice: "slices are refused",
    ast.Lambda: "lambda functions are refused",
    ast.ListComp: "comprehensions are refused",
    ast.SetComp: "comprehensions are refused",
    ast.DictComp: "comprehensions are refused",
    ast.GeneratorExp: "comprehensions are refused",
    ast.Compare: "comparisons are refused",
    ast.BoolOp: "boolean operators are refused",
    ast.IfExp: "conditional expressions are refused",
    ast.NamedExpr: "assignment expressions are refused",
    ast.Await: "await is refused",
    ast.Yield: "yield is refused",
    ast.YieldFrom: "yield is refused",
    ast.List: "lists are refused",
    ast.Tuple: "tuples are refused",
    ast.Set: "sets are refused",
    ast.Dict: "dicts are refused",
    ast.JoinedStr: "f-strings are refused",
    ast.FormattedValue: "f-strings are refused",
    ast.Starred: "starred arguments are refused",
}
_BINARY_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_OPERATOR_NAMES = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Not: "not",
    ast.Invert: "~",
}


def _refuse(text: str, node: ast.AST | None, message: str) -> ParameterError:
    """A ParameterError for "expression", pointing at the node's column (1-based, in characters)."""
    if node is not None and hasattr(node, "col_offset"):
        lines = text.splitlines() or [""]
        line = lines[min(node.lineno, len(lines)) - 1]
        # ast gives byte offsets into the UTF-8 line; the user counts characters.
        column = len(line.encode()[: node.col_offset].decode(errors="ignore")) + 1
        where = f"line {node.lineno}, column {column}" if len(lines) > 1 else f"column {column}"
        message = f"{message} at {where}"
    return ParameterError("expression", message)


def _quoted(name: str) -> str:
    """A name for a message, shortened: a 1,000-letter name must not make a 1,000-letter error."""
    return repr(name if len(name) <= 24 else name[:21] + "...")


def _syntax_tree(text: Any) -> ast.expr:
    if not isinstance(text, str):
        raise ParameterError("expression", f"must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParameterError(
            "expression", f"is too long: {len(text):,} characters (the limit is {MAX_LENGTH:,})"
        )
    if not text.strip():
        raise ParameterError("expression", "is empty")
    try:
        module = ast.parse(text, mode="exec")
    except SyntaxError as err:
        where = f" at column {err.offset}" if err.offset else ""
        raise ParameterError("expression", f"is not valid syntax ({err.msg}){where}") from None
    except (ValueError, RecursionError, MemoryError) as err:  # null bytes; pathological nesting
        raise ParameterError("expression", f"cannot be parsed ({err})") from None
    body = module.body
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        stmt = next((s for s in body if not isinstance(s, ast.Expr)), body[-1] if body else None)
        kind = {ast.Import: "import statements", ast.ImportFrom: "import statements"}.get(
            type(stmt), "statements"
        )
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            kind = "assignments"
        if len(body) > 1 and all(isinstance(s, ast.Expr) for s in body):
            kind, stmt = "several expressions", body[1]
        raise _refuse(text, stmt, f"must be a single formula in x and y; {kind} are refused")
    return body[0].value


def _check_structure(text: str, root: ast.expr) -> None:
    """Walk the tree (iteratively: depth cannot crash it) against the whitelist and the limits."""
    count = 0
    # (node, its depth, how many binary operations in a row lead to it down their left sides: a long sum
    # x + x + ... nests one level per term)
    stack: list[tuple[ast.AST, int, int]] = [(root, 1, 0)]
    while stack:
        node, depth, chain = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ParameterError("expression", f"has too many parts (the limit is {MAX_NODES})")
        if depth > MAX_DEPTH:
            if chain >= MAX_DEPTH // 2:
                message = (
                    f"chains more than {MAX_DEPTH} terms with + - * / (each one nests a level; the limit"
                    f" is {MAX_DEPTH}): group them in parentheses, as (a + b + c) + (d + e + f)"
                )
                raise _refuse(text, node, message)
            raise _refuse(text, node, f"nests too deeply (the limit is {MAX_DEPTH} levels)")
        children: list[ast.AST] = []
        if type(node) in _REFUSED:
            raise _refuse(text, node, _REFUSED[type(node)])
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPS:
                hint = "; write x**2 for a power" if isinstance(node.op, ast.BitXor) else ""
                name = _OPERATOR_NAMES.get(type(node.op), "^")
                raise _refuse(text, node, f"operator '{name}' is refused{hint}")
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.UAdd, ast.USub)):
                raise _refuse(text, node, f"operator '{_OPERATOR_NAMES[type(node.op)]}' is refused")
            children = [node.operand]
        elif isinstance(node, ast.Call):
            _check_call(text, node)
            children = [node.args[0]]
        elif isinstance(node, ast.Name):
            _check_name(text, node)
        elif isinstance(node, ast.Constant):
            _check_constant(text, node)
        else:
            raise _refuse(text, node, f"{type(node).__name__} syntax is refused")
        # Reversed, so that the leftmost problem is reported first.
        left_of_binary = isinstance(node, ast.BinOp)
        stack.extend(
            (c, depth + 1, chain + 1 if left_of_binary and i == 0 else 0)
            for i, c in reversed(list(enumerate(children)))
        )


def _check_name(text: str, node: ast.Name) -> None:
    name = node.id
    if name.startswith("__") or name.endswith("__"):
        raise _refuse(text, node, f"dunder name {_quoted(name)} is refused")
    if name in VARIABLES or name in CONSTANTS:
        return
    if name in sym.FUNCTIONS or name in ALIASES:
        raise _refuse(text, node, f"function {name!r} must be called, as {name}(x)")
    allowed = [*VARIABLES, *CONSTANTS]
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise _refuse(text, node, f"unknown name {_quoted(name)}{hint} (allowed: x, y, pi, e)")


def _check_call(text: str, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Name):
        what = _REFUSED.get(type(func), "calls of anything but a named function are refused")
        raise _refuse(text, func, what)
    name = func.id
    if name.startswith("__") or name.endswith("__"):
        raise _refuse(text, func, f"dunder name {_quoted(name)} is refused")
    if name not in ALLOWED_FUNCTIONS:
        close = difflib.get_close_matches(name, ALLOWED_FUNCTIONS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise _refuse(
            text,
            func,
            f"unknown function {_quoted(name)}{hint} (allowed: {', '.join(ALLOWED_FUNCTIONS)})",
        )
    if node.keywords:
        raise _refuse(text, node.keywords[0].value, "keyword arguments are refused")
    starred = [a for a in node.args if isinstance(a, ast.Starred)]
    if starred:
        raise _refuse(text, starred[0], "starred arguments are refused")
    if len(node.args) != 1:
        raise _refuse(text, node, f"{name}() takes exactly one argument, got {len(node.args)}")


def _check_constant(text: str, node: ast.Constant) -> None:
    value = node.value
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise _refuse(text, node, f"{value!r} is refused (only numbers, x and y)")
    if isinstance(value, (str, bytes)):
        raise _refuse(text, node, "strings are refused")
    if isinstance(value, complex):
        raise _refuse(text, node, "complex numbers are refused")
    if not isinstance(value, (int, float)):
        raise _refuse(text, node, f"{type(value).__name__} constants are refused")
    magnitude = abs(value)
    if (
        magnitude > sym.MAX_MAGNITUDE
    ):  # exact for ints of any length: no conversion needed to compare
        shown = (
            f"{float(value):.3g}" if isinstance(value, float) else f"with {len(str(value))} digits"
        )
        raise _refuse(text, node, f"number {shown} is too large (the limit is 1e100)")


def _constant_value(text: str, node: ast.expr) -> float | None:
    """The value of a constant part (None where x or y appear), folded in floats, within limits."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return CONSTANTS.get(node.id)
    if isinstance(node, ast.UnaryOp):
        value = _constant_value(text, node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.Call):
        value = _constant_value(text, node.args[0])
        fn = ALIASES.get(node.func.id, node.func.id)  # type: ignore[attr-defined]
        return None if value is None else _fold(text, node, sym.FUNCTIONS[fn][0], value)
    assert isinstance(node, ast.BinOp)
    left = _constant_value(text, node.left)
    right = _constant_value(text, node.right)
    if isinstance(node.op, ast.Pow) and right is not None and abs(right) > MAX_EXPONENT:
        raise _refuse(
            text,
            node.right,
            f"exponent {right:.6g} is too large to evaluate (the limit is {MAX_EXPONENT})",
        )
    if left is None or right is None:
        return None
    op = sym.BINARY[_BINARY_OPS[type(node.op)]]
    return _fold(text, node, op, left, right)


def _fold(text: str, node: ast.expr, fn: Any, *values: float) -> float:
    result = sym.fold(fn, *values)
    if result is None:
        segment = ast.get_source_segment(text, node) or ""
        shown = segment if len(segment) <= 40 else segment[:37] + "..."
        raise _refuse(text, node, f"constant part {shown!r} is not a finite number within 1e100")
    return result


def _build(node: ast.expr) -> sym.Node:
    """The raw tree, as written (no folding): it is what the LaTeX shows."""
    if isinstance(node, ast.Constant):
        return sym.Const(float(node.value))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return sym.Const(CONSTANTS[node.id], label=node.id)
        return sym.Var(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _build(node.operand)
        return sym.Neg(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        return sym.Call(ALIASES.get(name, name), _build(node.args[0]))
    assert isinstance(node, ast.BinOp)
    return sym.Binary(_BINARY_OPS[type(node.op)], _build(node.left), _build(node.right))


def parse_expression(text: str) -> sym.Node:
    """Validate ``text`` against the whitelist and limits, then return its expression tree.

    >>> str(parse_expression("x**2 - 3*y**2 + x*y"))
    'x**2 - 3*y**2 + x*y'
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: expression: dunder name '__import__' is refused at column 1
    """
    root = _syntax_tree(text)
    _check_structure(text, root)
    _constant_value(text, root)
    return _build(root)


class ExpressionSurface(Surface):
    """A surface given by a formula in x and y, with exact symbolic derivatives (see the module).

    Built by :func:`surface_from_expression`, which validates the view and the known points.
    """

    def __init__(self, text: str, *, bounds: Bounds, start: Any, title: str | None) -> None:
        self.tree = parse_expression(text)
        self.expression = " ".join(text.split())
        f = sym.simplify(self.tree)
        fx, fy = sym.diff(f, "x"), sym.diff(f, "y")
        self._formulas = {"f": f, "x": fx, "y": fy}
        self._formulas.update(xx=sym.diff(fx, "x"), xy=sym.diff(fx, "y"), yy=sym.diff(fy, "y"))
        self._f = sym.compile_program([f])
        self._g = sym.compile_program([fx, fy])
        self._h = sym.compile_program([self._formulas[k] for k in ("xx", "xy", "yy")])
        # A built-in surface's value and gradient take about ten numpy calls: a formula costs its own number.
        self._cost = max(1.0, (self._f.size + self._g.size) / 10)
        super().__init__(
            title=self.expression if title is None else str(title),
            latex=sym.to_latex(self.tree),
            bounds=bounds,
            start=start,
            params={"expression": self.expression},
        )

    @property
    def cost(self) -> float:
        return self._cost

    def _value(self, x: np.ndarray, y: np.ndarray) -> Any:
        return self._f(x, y)[0]

    def _grad(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        gx, gy = self._g(x, y)
        return gx, gy

    def _hessian(self, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
        hxx, hxy, hyy = self._h(x, y)
        return hxx, hxy, hyy

    def derivative(self, *variables: str) -> str:
        """A derivative as Python text: ``derivative("x")`` is df/dx, ``("x", "y")`` is d2f/dxdy.

        >>> s = surface_from_expression("x**3*y + sin(y)")
        >>> s.derivative("x"), s.derivative("y"), s.derivative("y", "y")
        ('3*x**2*y', 'x**3 + cos(y)', '-sin(y)')
        """
        key = "".join(sorted(variables))
        if key == "yx":
            key = "xy"
        if key not in self._formulas or key == "f":
            raise ParameterError("variables", f"must be one or two of 'x', 'y', got {variables!r}")
        return str(self._formulas[key])

    def __repr__(self) -> str:
        return f"<Surface expression {self.expression!r}>"


def surface_from_expression(
    text: str,
    *,
    bounds: Any = None,
    start: Any = None,
    minima: Any = None,
    saddles: Any = None,
    title: str | None = None,
    refine: bool = True,
) -> ExpressionSurface:
    """A :class:`Surface` from a formula in x and y, with exact derivatives.

    Parameters
    ----------
    text : str
        The formula, in Python syntax: ``"x**2 - 3*y**2 + x*y"``, ``"sin(x)*cos(y)"``,
        ``"exp(-(x**2+y**2))"``. Allowed: numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * / **``,
        parentheses, and the functions :data:`ALLOWED_FUNCTIONS` (``atan`` is ``arctan``). At most
        1,000 characters.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        The default view; (-4, 4) x (-3, 3) when not given.
    start : (x, y), optional
        The suggested start; by default 15% in from the view's top-left corner, (-2.8, 2.1) for the
        default view.
    minima, saddles : list of (x, y), optional
        Known critical points (none unless given), global minimum first. With ``refine`` (the
        default) each is polished by Newton's method on the exact gradient, and one that does not
        converge nearby, or turns out to be of another kind, is refused with a ParameterError.
    title : str, optional
        Display name; by default the formula's text. The LaTeX formula (``.latex``) is generated
        from the tree.

    >>> s = surface_from_expression("x**2 - 3*y**2 + x*y", saddles=[(0.1, 0.1)])
    >>> float(s.value([1.0, 2.0])), s.grad([1.0, 2.0]).tolist(), s.hessian([0.0, 0.0]).tolist()
    (-9.0, [4.0, -11.0], [[2.0, 1.0], [1.0, -6.0]])
    >>> s.latex, s.saddles.tolist()
    ('x^{2} - 3 y^{2} + x y', [[0.0, 0.0]])
    >>> surface_from_expression("x.__class__")
    Traceback (most recent call last):
    ...
    optviz._validate.ParameterError: expression: attribute access is refused at column 1
    """
    view = parse_bounds(bounds, DEFAULT_BOUNDS)
    s = ExpressionSurface(text, bounds=view, start=parse_start(start, view), title=title)
    s.minima, s.saddles = known_points(s, minima, saddles, refine=refine)
    return s
