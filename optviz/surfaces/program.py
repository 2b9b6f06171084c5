"""A surface's numbers as straight-line programs, for evaluators outside numpy (optviz's web pages).

:func:`surface_program` returns, for every surface that has a formula, four :class:`Program` objects: the
value (what ``surface.value`` computes), the gradient (``surface.grad``), both at once (what the engine
calls each step, ``surface.value_and_grad``) and the Hessian. A program is a list of elementary operations
on two inputs ``x`` and ``y``, **in the order numpy performs them**, so that another IEEE-754 evaluator
gets the same bits for ``+ - * /`` and powers, and differs only where a library function (``exp``,
``sin``, ...) rounds differently by an ulp.

Where the formulas come from (one source of truth, nothing written twice):

- an expression surface (:func:`optviz.surface_from_expression`): its parsed tree and exact symbolic
  derivatives, with the integer-power semantics of its numpy program (repeated squaring);
- a surface written in numpy (the registry's test functions): its own ``_value``, ``_grad`` and
  ``_hessian`` methods, *traced*: called with symbolic ``x`` and ``y`` whose operators and numpy ufuncs
  record each operation instead of computing it. The program is therefore the numpy code itself, and
  ``Program(x, y)`` evaluates it with numpy again, bit for bit (``tests/test_program.py`` holds that for
  every registered surface). A class whose engine path is not those three methods (the quadratic's
  whole-row products) gives its per-coordinate twins ``_grad_formula`` and ``_value_and_grad_formula``;
- :func:`optviz.regularized` wrappers: the wrapped surface's programs plus the penalty, as the wrapper
  computes it.

Dataset (finite-sum) surfaces are sums over their samples, not formulas: :func:`dataset_model` gives
their arrays and per-sample loss instead. Surfaces from Python callables have neither (None).

>>> import optviz as ov
>>> p = surface_program(ov.surface("rosenbrock"))
>>> [float(v) for v in p.value_and_grad(-1.2, 1.0)]
[24.2, -215.6, -88.0]
>>> sorted(p.value_and_grad.uses())
['add', 'const', 'mul', 'pow', 'sub']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz.surfaces import _symbolic as sym
from optviz.surfaces.base import FiniteSumSurface, Surface

# -- expression trees beyond the user's formulas: comparisons and selection (traced np.where) -------
COMPARISONS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


@dataclass(frozen=True, eq=False, slots=True)
class Compare(sym.Node):
    op: str  # one of COMPARISONS
    left: sym.Node
    right: sym.Node


@dataclass(frozen=True, eq=False, slots=True)
class Where(sym.Node):
    cond: sym.Node
    then: sym.Node
    other: sym.Node


@dataclass(frozen=True, eq=False, slots=True)
class NumpyPower(sym.Node):
    """``a ** b`` as numpy evaluates it on float arrays (``x**2`` is ``x*x``; others call libm's ``pow``),
    unlike an expression surface's integer powers (repeated squaring)."""

    base: sym.Node
    exponent: sym.Node


# -- tracing numpy code -----------------------------------------------------------------------------
_UFUNCS: dict[Any, str] = {
    np.add: "+",
    np.subtract: "-",
    np.multiply: "*",
    np.true_divide: "/",
    np.power: "**",
    np.negative: "neg",
    np.positive: "pos",
    np.equal: "==",
    np.not_equal: "!=",
    np.less: "<",
    np.less_equal: "<=",
    np.greater: ">",
    np.greater_equal: ">=",
    np.absolute: "abs",
    **{getattr(np, name): name for name in sym.FUNCTIONS if name != "abs"},
}


class TraceError(TypeError):
    """The traced code did something a program cannot record (an unsupported numpy function)."""


def _node(value: Any) -> sym.Node:
    if isinstance(value, Traced):
        return value.node
    if isinstance(value, (bool, np.bool_)):
        raise TraceError("boolean constants cannot be traced")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return sym.Const(float(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return sym.Const(float(value))
    raise TraceError(f"cannot trace an operation on {type(value).__name__}")


class Traced:
    """A symbolic stand-in for a coordinate array: numpy code run on it records what it computes.

    Operators and the numpy ufuncs that surfaces use (``np.sqrt``, ``np.exp``, ``np.cos``, comparisons)
    build expression nodes without simplifying them, so the order of operations is the code's own;
    ``np.where`` records a selection.

    >>> x, y = Traced.variables()
    >>> sym.to_text((2 * x + y * y).node)
    '2*x + y*y'
    """

    __slots__ = ("node",)
    __array_priority__ = 1000

    def __init__(self, node: sym.Node) -> None:
        self.node = node

    @staticmethod
    def variables() -> tuple[Traced, Traced]:
        return Traced(sym.Var("x")), Traced(sym.Var("y"))

    # Binary operators, both ways round: ``2 * x`` is numpy's ``multiply(2.0, x)``.
    def _binary(self, op: str, other: Any, reverse: bool = False) -> Traced:
        a, b = (_node(other), self.node) if reverse else (self.node, _node(other))
        if op == "**":
            return Traced(NumpyPower(a, b))
        if op in COMPARISONS:
            return Traced(Compare(op, a, b))
        return Traced(sym.Binary(op, a, b))

    def __add__(self, o: Any) -> Traced:
        return self._binary("+", o)

    def __radd__(self, o: Any) -> Traced:
        return self._binary("+", o, True)

    def __sub__(self, o: Any) -> Traced:
        return self._binary("-", o)

    def __rsub__(self, o: Any) -> Traced:
        return self._binary("-", o, True)

    def __mul__(self, o: Any) -> Traced:
        return self._binary("*", o)

    def __rmul__(self, o: Any) -> Traced:
        return self._binary("*", o, True)

    def __truediv__(self, o: Any) -> Traced:
        return self._binary("/", o)

    def __rtruediv__(self, o: Any) -> Traced:
        return self._binary("/", o, True)

    def __pow__(self, o: Any) -> Traced:
        return self._binary("**", o)

    def __rpow__(self, o: Any) -> Traced:
        return self._binary("**", o, True)

    def __neg__(self) -> Traced:
        return Traced(sym.Neg(self.node))

    def __pos__(self) -> Traced:
        return self

    def __abs__(self) -> Traced:
        return Traced(sym.Call("abs", self.node))

    def __eq__(self, o: Any) -> Traced:  # type: ignore[override]
        return self._binary("==", o)

    def __ne__(self, o: Any) -> Traced:  # type: ignore[override]
        return self._binary("!=", o)

    def __lt__(self, o: Any) -> Traced:
        return self._binary("<", o)

    def __le__(self, o: Any) -> Traced:
        return self._binary("<=", o)

    def __gt__(self, o: Any) -> Traced:
        return self._binary(">", o)

    def __ge__(self, o: Any) -> Traced:
        return self._binary(">=", o)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise TraceError("traced code may not branch on a coordinate's value (use np.where)")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or kwargs or ufunc not in _UFUNCS:
            raise TraceError(f"cannot trace numpy's {ufunc.__name__}.{method}")
        op = _UFUNCS[ufunc]
        if op == "neg":
            return Traced(sym.Neg(_node(inputs[0])))
        if op == "pos":
            return Traced(_node(inputs[0]))
        if len(inputs) == 1:
            return Traced(sym.Call(op, _node(inputs[0])))
        first = inputs[0] if isinstance(inputs[0], Traced) else Traced(_node(inputs[0]))
        return first._binary(op, inputs[1])

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func is np.where and len(args) == 3 and not kwargs:
            cond, a, b = (_node(v) for v in args)
            return Traced(Where(cond, a, b))
        raise TraceError(f"cannot trace numpy's {func.__name__}")


def trace(fn: Callable[..., Any]) -> list[sym.Node]:
    """The expression trees of what ``fn(x, y)`` returns (one value or a tuple), traced.

    >>> [sym.to_text(n) for n in trace(lambda x, y: (x * y, np.sin(x)))]
    ['x*y', 'sin(x)']
    """
    x, y = Traced.variables()
    with np.errstate(all="ignore"):
        result = fn(x, y)
    values = result if isinstance(result, tuple) else (result,)
    return [_node(v) for v in values]


# -- programs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Instruction:
    """One operation. Register 0 is x, 1 is y, and instruction i writes register i + 2.

    ``op`` is ``const`` (``value``), ``neg``, ``add``, ``sub``, ``mul``, ``div``, ``pow`` (numpy's
    power of float arrays), ``powi`` (an expression's integer power ``value``, by repeated squaring), a
    function of :data:`FUNCTIONS`, a comparison (``eq``, ``ne``, ``lt``, ``le``, ``gt``, ``ge``) or
    ``where`` (condition, then, otherwise).
    """

    op: str
    args: tuple[int, ...] = ()
    value: float | None = None


FUNCTIONS = tuple(sym.FUNCTIONS)
_ARITHMETIC = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


@dataclass(frozen=True)
class Program:
    """A straight-line program computing ``len(outputs)`` numbers from ``x`` and ``y``.

    Calling it evaluates the program with numpy (quietly: nan and inf outside a domain), with the
    semantics each operation had in the code it came from.
    """

    instructions: tuple[Instruction, ...]
    outputs: tuple[int, ...]

    def __call__(
        self, x: Any, y: Any, *, functions: dict[str, Callable[..., Any]] | None = None
    ) -> list[np.ndarray]:
        """The outputs at ``x``, ``y`` (broadcast). ``functions`` may replace library functions by name
        (``{"exp": my_exp}``, also ``"pow"``), to study how results depend on their last bits."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = x.shape
        # On arrays (as the engine's coordinates are): numpy's scalar arithmetic takes other paths.
        r: list[Any] = [x.reshape(-1), y.reshape(-1)]
        with np.errstate(all="ignore"):
            for ins in self.instructions:
                args = [r[i] for i in ins.args]
                if functions and ins.op in functions:
                    r.append(functions[ins.op](*args))
                else:
                    r.append(_evaluate(ins, args))
        n = r[0].size
        return [
            np.broadcast_to(np.asarray(r[i], dtype=float), (n,)).reshape(shape)
            for i in self.outputs
        ]

    def uses(self) -> set[str]:
        """The operations this program uses (``{"mul", "exp", ...}``)."""
        return {ins.op for ins in self.instructions}

    @property
    def arithmetic(self) -> bool:
        """True when only + - * /, integer powers and selections occur (no exp, log, sin, no ``x**y`` or
        ``x**1.5``): another IEEE evaluator then gets the same bits, up to libm's ``pow`` for integer powers
        other than squares (correctly rounded in most cases).

        >>> import optviz as ov
        >>> [surface_program(ov.surface_from_expression(t)).value_and_grad.arithmetic
        ...  for t in ("x**3 - 2*x*y", "x**1.5 + y", "exp(x) + y")]
        [True, False, False]
        """
        if self.uses() & (set(FUNCTIONS) - {"abs", "sign", "sqrt"}):
            return False
        consts = {i + 2: ins.value for i, ins in enumerate(self.instructions) if ins.op == "const"}
        for ins in self.instructions:
            if ins.op == "pow":
                p = consts.get(ins.args[1])
                if p is None or not (float(p).is_integer() or p == 0.5):
                    return False
        return True


def _evaluate(ins: Instruction, a: list[Any]) -> Any:
    op = ins.op
    if op == "const":
        return np.float64(ins.value)
    if op == "neg":
        return np.negative(a[0])
    if op == "add":
        return a[0] + a[1]
    if op == "sub":
        return a[0] - a[1]
    if op == "mul":
        return a[0] * a[1]
    if op == "div":
        return a[0] / a[1]
    if op == "pow":
        # numpy's power of a float array: a constant exponent 2 is an exact square, 0.5 a square root,
        # -1 a reciprocal; other exponents call libm's pow.
        return np.power(a[0], a[1])
    if op == "powi":
        return _integer_power(a[0], int(ins.value))  # type: ignore[arg-type]
    if op == "where":
        return np.where(a[0], a[1], a[2])
    if op in _COMPARE_FUNCTIONS:
        return _COMPARE_FUNCTIONS[op](a[0], a[1])
    return sym.FUNCTIONS[op][0](a[0])


_COMPARE_FUNCTIONS = {
    "eq": np.equal,
    "ne": np.not_equal,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
}


def _integer_power(a: Any, n: int) -> Any:
    """An expression surface's ``a**n``: repeated squaring, exactly as its numpy program does it."""
    result, base, k = None, a, abs(n)
    while k:
        if k & 1:
            result = base if result is None else result * base
        k >>= 1
        if k:
            base = base * base
    return result if n > 0 else 1.0 / result


def compile_program(roots: Sequence[sym.Node], *, expression: bool = False) -> Program:
    """Flatten trees into one :class:`Program`, each distinct subexpression computed once.

    ``expression=True``: the trees are an expression surface's, whose ``x**n`` with a constant integer
    ``n`` is repeated squaring (``powi``); otherwise powers are numpy's (``pow``).
    """
    instructions: list[Instruction] = []
    registers: dict[Any, int] = {("var", "x"): 0, ("var", "y"): 1}
    by_id: dict[int, int] = {}
    keep: list[sym.Node] = []  # nodes made here stay alive, so their ids stay unique

    def emit(ins: Instruction) -> int:
        key = (ins.op, ins.args, ins.value)
        if key not in registers:
            registers[key] = 2 + len(instructions)
            instructions.append(ins)
        return registers[key]

    for root in roots:
        stack: list[tuple[sym.Node, bool]] = [(root, False)]
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
            keep.append(node)
            by_id[id(node)] = _lower(node, args, emit, expression)
    return Program(tuple(instructions), tuple(by_id[id(r)] for r in roots))


def _children(n: sym.Node) -> tuple[sym.Node, ...]:
    if isinstance(n, sym.Binary):
        return (n.left, n.right)
    if isinstance(n, NumpyPower):
        return (n.base, n.exponent)
    if isinstance(n, Compare):
        return (n.left, n.right)
    if isinstance(n, Where):
        return (n.cond, n.then, n.other)
    if isinstance(n, (sym.Neg, sym.Call)):
        return (n.arg,)
    return ()


def _lower(n: sym.Node, args: tuple[int, ...], emit: Any, expression: bool) -> int:
    if isinstance(n, sym.Var):
        return 0 if n.name == "x" else 1
    if isinstance(n, sym.Const):
        return emit(Instruction("const", (), float(n.value)))
    if isinstance(n, sym.Neg):
        return emit(Instruction("neg", args))
    if isinstance(n, sym.Call):
        return emit(Instruction(n.fn, args))
    if isinstance(n, NumpyPower):
        return emit(Instruction("pow", args))
    if isinstance(n, Compare):
        return emit(Instruction(COMPARISONS[n.op], args))
    if isinstance(n, Where):
        return emit(Instruction("where", args))
    if not isinstance(n, sym.Binary):
        raise TraceError(f"cannot compile a {type(n).__name__} node")
    if n.op == "**":
        p = n.right
        if expression and isinstance(p, sym.Const) and p.value == int(p.value) != 0:
            return emit(Instruction("powi", (args[0],), float(int(p.value))))
        # An expression's other powers are np.power of arrays, as its numpy program computes them.
        return emit(Instruction("pow", args))
    return emit(Instruction(_ARITHMETIC[n.op], args))


# -- the formulas of a surface ----------------------------------------------------------------------
@dataclass(frozen=True)
class SurfaceFormula:
    """The trees of a surface: ``value``, ``grad`` (2), ``value_and_grad`` (3: the engine's path) and
    ``hessian`` (3: xx, xy, yy)."""

    value: sym.Node
    grad: tuple[sym.Node, sym.Node]
    value_and_grad: tuple[sym.Node, sym.Node, sym.Node]
    hessian: tuple[sym.Node, sym.Node, sym.Node]
    expression: bool = False  # integer powers by repeated squaring


@dataclass(frozen=True)
class SurfaceProgram:
    """The four programs of a surface (see the module): outputs ``[f]``, ``[gx, gy]``, ``[f, gx, gy]``
    and ``[hxx, hxy, hyy]``."""

    value: Program
    grad: Program
    value_and_grad: Program
    hessian: Program

    @property
    def arithmetic(self) -> bool:
        """True when the value and gradient use only + - * /, powers and selections."""
        return self.value_and_grad.arithmetic and self.value.arithmetic


def surface_formula(surface: Surface) -> SurfaceFormula | None:
    """The :class:`SurfaceFormula` of ``surface``, or None for dataset and callable surfaces."""
    from optviz.surfaces.callable import CallableSurface
    from optviz.surfaces.expression import ExpressionSurface
    from optviz.surfaces.regularized import Regularized

    if isinstance(surface, Regularized):
        inner = surface_formula(surface.inner)
        return None if inner is None else _regularized(inner, surface.lam)
    if isinstance(surface, (FiniteSumSurface, CallableSurface)):
        return None
    if isinstance(surface, ExpressionSurface):
        f = surface.formula_trees()
        return SurfaceFormula(
            value=f["f"],
            grad=(f["x"], f["y"]),
            value_and_grad=(f["f"], f["x"], f["y"]),
            hessian=(f["xx"], f["xy"], f["yy"]),
            expression=True,
        )
    value = trace(surface._value)[0]
    grad = _pair(trace(getattr(surface, "_grad_formula", surface._grad)))
    vg_fn = getattr(surface, "_value_and_grad_formula", None)
    vg = (value, *grad) if vg_fn is None else tuple(trace(vg_fn))
    hessian = tuple(trace(surface._hessian))
    return SurfaceFormula(value=value, grad=grad, value_and_grad=vg, hessian=hessian)  # type: ignore[arg-type]


def _pair(nodes: list[sym.Node]) -> tuple[sym.Node, sym.Node]:
    return nodes[0], nodes[1]


def _regularized(inner: SurfaceFormula, lam: float) -> SurfaceFormula:
    """optviz.regularized's arithmetic: ``value + lam (x x + y y)``, ``grad + (2 lam) p``, ``H + 2 lam I``."""
    x, y = sym.Var("x"), sym.Var("y")
    lam_c, two_lam = sym.Const(lam), sym.Const(2 * lam)
    value = sym.Binary(
        "+",
        inner.value,
        sym.Binary("*", lam_c, sym.Binary("+", sym.Binary("*", x, x), sym.Binary("*", y, y))),
    )
    grad = (
        sym.Binary("+", inner.grad[0], sym.Binary("*", two_lam, x)),
        sym.Binary("+", inner.grad[1], sym.Binary("*", two_lam, y)),
    )
    hxx, hxy, hyy = inner.hessian
    hessian = (
        sym.Binary("+", hxx, two_lam),
        sym.Binary("+", hxy, sym.Const(0.0)),
        sym.Binary("+", hyy, two_lam),
    )
    return SurfaceFormula(value, grad, (value, *grad), hessian, inner.expression)


def surface_program(surface: Surface) -> SurfaceProgram | None:
    """The value, gradient, value-and-gradient and Hessian programs of ``surface`` (see the module).

    None for surfaces that are not formulas (datasets: see :func:`dataset_model`; Python callables).
    """
    f = surface_formula(surface)
    if f is None:
        return None

    def compile_(roots: Sequence[sym.Node]) -> Program:
        return compile_program(roots, expression=f.expression)

    return SurfaceProgram(
        value=compile_([f.value]),
        grad=compile_(f.grad),
        value_and_grad=compile_(f.value_and_grad),
        hessian=compile_(f.hessian),
    )


# -- dataset surfaces --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetModel:
    """A linear-model dataset surface as data: ``f(p) = mean_i l(phi_i . p, t_i) + r0 p0^2 + r1 p1^2``
    (+ ``l2 |p|^2`` when wrapped by :func:`optviz.regularized`).

    ``loss`` is ``"squared"`` (``l = (z - t)^2 / 2``) or ``"logistic"`` (``l = softplus(-t z)``).
    """

    loss: str
    features: np.ndarray  # (n, 2)
    targets: np.ndarray  # (n,)
    reg: tuple[float, float]
    l2: float | None = None


def dataset_model(surface: Surface) -> DatasetModel | None:
    """The :class:`DatasetModel` of a dataset surface (or of one wrapped by ``regularized``), else None."""
    from optviz.surfaces.learning import LinearModelSurface
    from optviz.surfaces.regularized import Regularized

    l2 = None
    if isinstance(surface, Regularized):
        l2, surface = surface.lam, surface.inner
    if not isinstance(surface, LinearModelSurface):
        return None
    reg = (float(surface.reg[0]), float(surface.reg[1]))
    return DatasetModel(surface.loss_kind, surface.features, surface.targets, reg, l2)


def pairwise_sum(values: Sequence[float]) -> float:
    """numpy's summation of a contiguous float64 array, in plain Python (its exact order of additions).

    Blocks of at most 128 are summed with eight interleaved accumulators; longer arrays are split in
    two (at a multiple of 8) recursively. Another evaluator that sums in this order gets numpy's bits.

    >>> a = np.random.default_rng(0).standard_normal(300)
    >>> pairwise_sum(a.tolist()) == float(a.sum())
    True
    """
    n = len(values)
    if n < 8:
        total = 0.0
        for v in values:
            total += v
        return total
    if n <= 128:
        r = list(values[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] += values[i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for v in values[i:]:
            total += v
        return total
    half = n // 2
    half -= half % 8
    return pairwise_sum(values[:half]) + pairwise_sum(values[half:])


__all__ = [
    "DatasetModel",
    "Instruction",
    "Program",
    "SurfaceFormula",
    "SurfaceProgram",
    "TraceError",
    "Traced",
    "compile_program",
    "dataset_model",
    "pairwise_sum",
    "surface_formula",
    "surface_program",
    "trace",
]
