"""A small symbolic algebra for surface formulas: trees, exact derivatives, LaTeX, numpy programs.

Trees are immutable. The smart constructors (:func:`add`, :func:`mul`, :func:`power`, ...) fold
constant parts and drop the 0 and 1 terms that differentiation produces, so derivative trees stay
small; :func:`diff` applies the textbook rules once per distinct subtree. :func:`compile_program`
turns several trees (a gradient's two components, say) into one straight-line program of numpy ufunc
calls in which common subexpressions are computed once; it runs under ``np.errstate(all="ignore")``,
so points outside a function's domain give nan or inf quietly.

Nothing here parses text: :mod:`optviz.surfaces.expression` validates a user's formula and builds
the tree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Constants folded from a formula or its derivatives stay within this magnitude; larger ones are
# kept as expressions and evaluated at run time (where overflow gives inf, which the engine treats
# as divergence).
MAX_MAGNITUDE = 1e100

# name -> (numpy ufunc, LaTeX). ``sign`` only appears in derivatives (of abs); users cannot call it.
FUNCTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "sin": (np.sin, r"\sin"),
    "cos": (np.cos, r"\cos"),
    "tan": (np.tan, r"\tan"),
    "exp": (np.exp, r"\exp"),
    "log": (np.log, r"\log"),
    "log1p": (np.log1p, r"\log"),
    "sqrt": (np.sqrt, r"\sqrt"),
    "tanh": (np.tanh, r"\tanh"),
    "sinh": (np.sinh, r"\sinh"),
    "cosh": (np.cosh, r"\cosh"),
    "arctan": (np.arctan, r"\arctan"),
    "abs": (np.abs, ""),
    "sign": (np.sign, r"\operatorname{sign}"),
}

# The binary operators by symbol (expression.py folds constants with them too).
BINARY: dict[str, Callable[..., Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "**": np.power,
}
# Binding strength, for printing: sums < products < unary minus < powers < atoms (Python's own
# order).
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ATOM = 5


class Node:
    """Base class of expression trees (compared by identity; :func:`structure` is comparable)."""

    __slots__ = ()

    def __str__(self) -> str:
        return to_text(self)


@dataclass(frozen=True, eq=False, slots=True)
class Const(Node):
    value: float
    label: str | None = None  # "pi" or "e": printed by name


@dataclass(frozen=True, eq=False, slots=True)
class Var(Node):
    name: str  # "x" or "y"


@dataclass(frozen=True, eq=False, slots=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True, eq=False, slots=True)
class Binary(Node):
    op: str  # one of + - * / **
    left: Node
    right: Node


@dataclass(frozen=True, eq=False, slots=True)
class Call(Node):
    fn: str
    arg: Node


ZERO, ONE, TWO, HALF = Const(0.0), Const(1.0), Const(2.0), Const(0.5)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Const) and node.value == value


def fold(fn: Callable[..., Any], *values: float) -> float | None:
    """``fn`` applied to constants, or None if the result is not finite or exceeds MAX_MAGNITUDE."""
    with np.errstate(all="ignore"):
        result = float(fn(*(np.float64(v) for v in values)))
    return result if math.isfinite(result) and abs(result) <= MAX_MAGNITUDE else None


def _folded(fn: Callable[..., Any], *nodes: Node) -> Const | None:
    if all(isinstance(n, Const) for n in nodes):
        value = fold(fn, *(n.value for n in nodes))  # type: ignore[attr-defined]
        if value is not None:
            return Const(value)
    return None


# -- smart constructors ----------------------------------------------------------------------------
def add(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    if isinstance(b, Neg):
        return sub(a, b.arg)
    return _folded(np.add, a, b) or Binary("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return neg(b)
    if isinstance(b, Neg):
        return add(a, b.arg)
    return _folded(np.subtract, a, b) or Binary("-", a, b)


def mul(a: Node, b: Node) -> Node:
    if _is(a, 0) or _is(b, 0):
        return ZERO
    if isinstance(a, Neg):
        return neg(mul(a.arg, b))
    if isinstance(b, Neg):
        return neg(mul(a, b.arg))
    # Constant factors are gathered at the front: x*(2*y) -> 2*(x*y), 2*(3*x) -> 6*x.
    (ca, ra), (cb, rb) = _coefficient(a), _coefficient(b)
    c = fold(np.multiply, ca, cb)
    if c is None:  # the product of the constants overflows: leave it to run time
        return Binary("*", a, b)
    core = rb if _is(ra, 1) else ra if _is(rb, 1) else Binary("*", ra, rb)
    if _is(core, 1):
        return Const(c)
    if c < 0:
        return neg(mul(Const(-c), core))
    return core if c == 1 else Binary("*", Const(c), core)


def _coefficient(n: Node) -> tuple[float, Node]:
    """``n`` as (constant factor, rest): 3*x -> (3, x), 2 -> (2, 1), x -> (1, x)."""
    if isinstance(n, Const):
        return n.value, ONE
    if isinstance(n, Binary) and n.op == "*" and isinstance(n.left, Const):
        return n.left.value, n.right
    return 1.0, n


def div(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return ZERO
    if _is(b, 1):
        return a
    if isinstance(a, Neg):
        return neg(div(a.arg, b))
    return _folded(np.divide, a, b) or Binary("/", a, b)


def power(a: Node, p: Node) -> Node:
    if _is(p, 0) or _is(a, 1):
        return ONE
    if _is(p, 1):
        return a
    return _folded(np.power, a, p) or Binary("**", a, p)


def neg(a: Node) -> Node:
    if isinstance(a, Neg):
        return a.arg
    if isinstance(a, Const):
        return Const(-a.value)
    return Neg(a)


def call(fn: str, a: Node) -> Node:
    return _folded(FUNCTIONS[fn][0], a) or Call(fn, a)


def simplify(node: Node) -> Node:
    """The same function rebuilt by the smart constructors (constants folded, 0/1 terms dropped)."""
    memo: dict[int, Node] = {}

    def go(n: Node) -> Node:
        key = id(n)
        if key not in memo:
            memo[key] = _rebuild(n, go)
        return memo[key]

    return go(node)


def _rebuild(n: Node, go: Callable[[Node], Node]) -> Node:
    if isinstance(n, Const):
        return Const(n.value)
    if isinstance(n, Var):
        return n
    if isinstance(n, Neg):
        return neg(go(n.arg))
    if isinstance(n, Call):
        return call(n.fn, go(n.arg))
    assert isinstance(n, Binary)
    make = {"+": add, "-": sub, "*": mul, "/": div, "**": power}[n.op]
    return make(go(n.left), go(n.right))


# -- differentiation -------------------------------------------------------------------------------
def diff(node: Node, var: str) -> Node:
    """The exact partial derivative of ``node`` with respect to ``var`` ("x" or "y"), simplified.

    >>> f = Binary("*", Call("sin", Var("x")), Var("y"))
    >>> str(diff(f, "x")), str(diff(f, "y")), str(diff(diff(f, "x"), "x"))
    ('cos(x)*y', 'sin(x)', '-(sin(x)*y)')
    """
    memo: dict[int, tuple[Node, Node]] = {}

    def d(n: Node) -> Node:
        hit = memo.get(id(n))
        if hit is None:
            hit = memo[id(n)] = (n, _derivative(n, var, d))  # keep n alive so its id stays unique
        return hit[1]

    return d(node)


def _derivative(n: Node, var: str, d: Callable[[Node], Node]) -> Node:
    if isinstance(n, Const):
        return ZERO
    if isinstance(n, Var):
        return ONE if n.name == var else ZERO
    if isinstance(n, Neg):
        return neg(d(n.arg))
    if isinstance(n, Call):
        return mul(_outer_derivative(n), d(n.arg))
    assert isinstance(n, Binary)
    a, b = n.left, n.right
    if n.op == "+":
        return add(d(a), d(b))
    if n.op == "-":
        return sub(d(a), d(b))
    if n.op == "*":
        return add(mul(d(a), b), mul(a, d(b)))
    if n.op == "/":  # a'/b - a b'/b^2, without the term that vanishes
        da, db = d(a), d(b)
        if _is(db, 0):
            return div(da, b)
        return sub(div(da, b), div(mul(a, db), power(b, TWO)))
    # a ** b
    if isinstance(b, Const):  # power rule
        return mul(mul(b, power(a, Const(b.value - 1))), d(a))
    if isinstance(a, Const):  # c**v: c**v log(c) v'
        return mul(mul(n, call("log", a)), d(b))
    # general a**b = exp(b log a): a**b (b' log a + b a' / a)
    return mul(n, add(mul(d(b), call("log", a)), div(mul(b, d(a)), a)))


def _outer_derivative(n: Call) -> Node:
    """f'(u) for the call n = f(u)."""
    u = n.arg
    rules: dict[str, Callable[[], Node]] = {
        "sin": lambda: call("cos", u),
        "cos": lambda: neg(call("sin", u)),
        "tan": lambda: add(ONE, power(n, TWO)),
        "exp": lambda: n,
        "log": lambda: div(ONE, u),
        "log1p": lambda: div(ONE, add(ONE, u)),
        "sqrt": lambda: div(HALF, n),
        "tanh": lambda: sub(ONE, power(n, TWO)),
        "sinh": lambda: call("cosh", u),
        "cosh": lambda: call("sinh", u),
        "arctan": lambda: div(ONE, add(ONE, power(u, TWO))),
        "abs": lambda: call("sign", u),  # 0 at the kink: the minimum's subgradient
        "sign": lambda: ZERO,
    }
    return rules[n.fn]()


# -- compilation -----------------------------------------------------------------------------------
def compile_program(roots: Sequence[Node]) -> Callable[[Any, Any], list[Any]]:
    """One vectorized function ``run(x, y) -> [value of each root]`` for several trees.

    The trees are flattened into a list of numpy calls, each distinct subexpression once (``cos(x)``
    shared by a gradient and a Hessian is computed once per call); ``run.size`` is their number. Evaluation
    ignores floating-point warnings.

    >>> run = compile_program([Binary("*", Var("x"), Var("y")), Call("sin", Var("x"))])
    >>> [float(v) for v in run(np.float64(2.0), np.float64(3.0))]
    [6.0, 0.9092974268256817]
    """
    # Registers: 0 and 1 hold x and y; instruction i writes register 2 + i.
    code: list[tuple[Callable[..., Any], tuple[int, ...]]] = []
    registers: dict[Any, int] = {("var", "x"): 0, ("var", "y"): 1}
    by_id: dict[int, int] = {}
    # Post-order without recursion: a node is emitted after its children, each distinct one once.
    for root in roots:
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if id(node) in by_id:
                continue
            children = _children(node)
            if children and not expanded:
                stack.append((node, True))
                stack.extend((c, False) for c in children)
                continue
            args = tuple(by_id[id(c)] for c in children)
            key = _key(node, args)
            if key not in registers:
                registers[key] = 2 + len(code)
                code.append((_function(node), args))
            by_id[id(node)] = registers[key]
    outputs = [by_id[id(r)] for r in roots]

    def run(x: Any, y: Any) -> list[Any]:
        r: list[Any] = [x, y]
        with np.errstate(all="ignore"):
            for fn, args in code:
                r.append(fn(*[r[i] for i in args]))
        return [r[i] for i in outputs]

    run.size = len(code)  # type: ignore[attr-defined]  # numpy calls per evaluation: what it costs
    return run


def _children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, Binary):
        return (n.left, n.right)
    if isinstance(n, (Neg, Call)):
        return (n.arg,)
    return ()


def _key(n: Node, args: list[Any]) -> Any:
    if isinstance(n, Const):
        return ("const", n.value)
    if isinstance(n, Var):
        return ("var", n.name)
    if isinstance(n, Neg):
        return ("neg", *args)
    if isinstance(n, Call):
        return (n.fn, *args)
    assert isinstance(n, Binary)
    return (n.op, *args)


def _function(n: Node) -> Callable[..., Any]:
    if isinstance(n, Const):
        value = np.float64(n.value)
        return lambda: value
    if isinstance(n, Neg):
        return np.negative
    if isinstance(n, Call):
        return FUNCTIONS[n.fn][0]
    assert isinstance(n, Binary)
    if n.op == "**" and isinstance(n.right, Const) and n.right.value == int(n.right.value) != 0:
        return _integer_power(int(n.right.value))
    return BINARY[n.op]


def _integer_power(n: int) -> Callable[[Any, Any], Any]:
    """``a**n`` by repeated squaring: numpy's pow with a float exponent is ~30x slower per element,
    and this is exact to a few ulps (n is at most 100, so at most 13 multiplications)."""

    def power(a: Any, _: Any) -> Any:
        result, base, k = None, a, abs(n)
        while k:
            if k & 1:
                result = base if result is None else result * base
            k >>= 1
            if k:
                base = base * base
        return result if n > 0 else 1.0 / result

    return power


def structure(n: Node) -> Any:
    """A nested tuple that compares equal for equal trees (for tests)."""
    if isinstance(n, Const):
        return ("const", n.value)
    if isinstance(n, Var):
        return ("var", n.name)
    if isinstance(n, Neg):
        return ("neg", structure(n.arg))
    if isinstance(n, Call):
        return (n.fn, structure(n.arg))
    assert isinstance(n, Binary)
    return (n.op, structure(n.left), structure(n.right))


# -- printing --------------------------------------------------------------------------------------
def _precedence(n: Node) -> int:
    if isinstance(n, Binary):
        return _PRECEDENCE[n.op]
    if isinstance(n, Neg) or (isinstance(n, Const) and n.value < 0):
        return _PRECEDENCE["neg"]
    return _ATOM


def to_text(n: Node) -> str:
    """Python syntax that the expression parser reads back as the same tree."""
    if isinstance(n, Const):
        if n.label:
            return n.label
        return (
            repr(n.value) if n.value != int(n.value) or abs(n.value) >= 1e16 else str(int(n.value))
        )
    if isinstance(n, Var):
        return n.name
    if isinstance(n, Call):
        return f"{n.fn}({to_text(n.arg)})"
    if isinstance(n, Neg):
        inner = to_text(n.arg)
        # -(a*b) keeps its parentheses so that the text parses back to the same tree.
        return f"-{inner}" if _precedence(n.arg) >= _PRECEDENCE["**"] else f"-({inner})"
    assert isinstance(n, Binary)
    p = _PRECEDENCE[n.op]
    left, right = to_text(n.left), to_text(n.right)
    if (
        n.op == "**"
    ):  # right-associative: parenthesize a power on the left, anything weaker on either side
        if _precedence(n.left) <= p:
            left = f"({left})"
        if _precedence(n.right) < p:
            right = f"({right})"
        return f"{left}**{right}"
    if _precedence(n.left) < p:
        left = f"({left})"
    # Left-associative: a - (b - c) and a / (b * c) keep their parentheses; a + (b + c) and a * (b *
    # c) need none (the text parses back as (a + b) + c, equal up to rounding).
    if _precedence(n.right) < p or (_precedence(n.right) == p and n.op in "-/"):
        right = f"({right})"
    sep = "" if n.op in "*/" else " "
    return f"{left}{sep}{n.op}{sep}{right}"


def _latex_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def to_latex(n: Node) -> str:
    """LaTeX (without dollar signs) that matplotlib's mathtext can render.

    >>> to_latex(Binary("-", Binary("**", Var("x"), Const(2.0)), Binary("*", Const(3.0), Var("y"))))
    'x^{2} - 3 y'
    """
    if isinstance(n, Const):
        if n.label:
            return {"pi": r"\pi"}.get(n.label, n.label)
        return _latex_number(n.value)
    if isinstance(n, Var):
        return n.name
    if isinstance(n, Call):
        arg = to_latex(n.arg)
        if n.fn == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if n.fn == "abs":
            return rf"\left|{arg}\right|"
        if n.fn == "exp":
            return rf"e^{{{arg}}}"
        if n.fn == "log1p":
            arg = f"1 + {arg}"
        return rf"{FUNCTIONS[n.fn][1]}\left({arg}\right)"
    if isinstance(n, Neg):
        inner = to_latex(n.arg)
        simple = _precedence(n.arg) > _PRECEDENCE["neg"] or (
            isinstance(n.arg, Binary) and n.arg.op in "*/"
        )
        return f"-{inner}" if simple else rf"-\left({inner}\right)"
    assert isinstance(n, Binary)
    if n.op == "/":
        return rf"\frac{{{to_latex(n.left)}}}{{{to_latex(n.right)}}}"
    p = _PRECEDENCE[n.op]
    left, right = to_latex(n.left), to_latex(n.right)
    if n.op == "**":
        if _precedence(n.left) < _ATOM or r"\times" in left:
            left = rf"\left({left}\right)"
        return f"{left}^{{{right}}}"
    if _precedence(n.left) < p:
        left = rf"\left({left}\right)"
    if (
        _precedence(n.right) < p
        or (_precedence(n.right) <= p and n.op == "-")
        or isinstance(n.right, Neg)
    ):
        right = rf"\left({right}\right)"
    if n.op == "*":
        # Juxtapose (2 x, x y); a dot only where two numbers would run together.
        joiner = r" \cdot " if right[0].isdigit() or right.startswith("-") else " "
        return f"{left}{joiner}{right}"
    return f"{left} {n.op} {right}"
