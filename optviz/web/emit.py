"""JavaScript from optviz's numbers: a surface's programs as functions, dataset arrays and noise draws.

Nothing here is written per surface. A formula surface becomes four straight-line JavaScript functions
translated instruction by instruction from :func:`optviz.surfaces.program.surface_program` (the numpy
code's own operations, in its order); a dataset surface becomes its arrays for the engine's dataset
kernel (``engine.js``); noise becomes the draws that :mod:`optviz.noise` makes for a seed, embedded as
exact float64 bytes. The emitted text contains only numbers and a fixed set of operators and function
names: no user string reaches it.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from optviz._validate import ParameterError
from optviz.noise import Minibatch, normal_stream
from optviz.surfaces.base import Surface
from optviz.surfaces.program import (
    Instruction,
    Program,
    dataset_model,
    surface_program,
)

JS_DIR = Path(__file__).with_name("assets")

_FUNCTIONS = {
    "sin": "Math.sin",
    "cos": "Math.cos",
    "tan": "Math.tan",
    "exp": "Math.exp",
    "log": "Math.log",
    "log1p": "Math.log1p",
    "sqrt": "Math.sqrt",
    "tanh": "Math.tanh",
    "sinh": "Math.sinh",
    "cosh": "Math.cosh",
    "arctan": "Math.atan",
    "abs": "Math.abs",
    "sign": "E.sign",
}
_BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_COMPARE = {"eq": "===", "ne": "!==", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def js_source(name: str) -> str:
    """The text of one of the package's JavaScript files (``engine.js``, ...)."""
    return (JS_DIR / name).read_text(encoding="utf-8")


def js_number(value: float) -> str:
    """A float as a JavaScript literal that parses back to the same double (``repr`` is shortest)."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "(-Infinity)"
    text = repr(value)
    return f"({text})" if value < 0 or text.startswith("-") else text


def js_function(program: Program, *, returns: bool = False) -> str:
    """``function (x, y, out) {...}`` computing the program's outputs into ``out`` (or returning its one
    output when ``returns``), one statement per instruction, constants inlined."""
    regs: dict[int, str] = {0: "x", 1: "y"}
    lines = []
    for i, ins in enumerate(program.instructions):
        reg = i + 2
        if ins.op == "const":
            regs[reg] = js_number(ins.value)  # type: ignore[arg-type]
            continue
        consts = {
            j: program.instructions[j - 2].value
            for j in ins.args
            if j >= 2 and program.instructions[j - 2].op == "const"
        }
        lines.append(
            f"var r{reg} = {_expression(ins, [regs[a] for a in ins.args], consts, ins.args)};"
        )
        regs[reg] = f"r{reg}"
    if returns:
        (out,) = program.outputs
        body = "\n".join([*lines, f"return {regs[out]};"])
        return f"function (x, y) {{\n{body}\n}}"
    body = "\n".join([*lines, *(f"out[{k}] = {regs[r]};" for k, r in enumerate(program.outputs))])
    return f"function (x, y, out) {{\n{body}\n}}"


def _expression(
    ins: Instruction, a: list[str], consts: dict[int, Any], args: tuple[int, ...]
) -> str:
    op = ins.op
    if op in _BINARY:
        return f"{a[0]} {_BINARY[op]} {a[1]}"
    if op == "neg":
        return f"-{a[0]}"
    if op in _COMPARE:
        return f"{a[0]} {_COMPARE[op]} {a[1]}"
    if op == "where":
        return f"({a[0]} ? {a[1]} : {a[2]})"
    if op == "powi":
        return f"E.ipowSq({a[0]}, {int(ins.value)})"  # type: ignore[arg-type]
    if op == "pow":
        exponent = consts.get(args[1])
        if exponent is None:
            return f"Math.pow({a[0]}, {a[1]})"
        return f"E.npPow({a[0]}, {js_number(exponent)})"
    if op in _FUNCTIONS:
        return f"{_FUNCTIONS[op]}({a[0]})"
    raise ValueError(f"no JavaScript for the operation {op!r}")


def b64(array: Any, dtype: str = "<f8") -> str:
    """An array's little-endian bytes in base64: floats exactly, compactly."""
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def surface_js(surface: Surface) -> str:
    """A JavaScript expression for the surface: an object with ``valueAndGrad(x, y, out)``, ``value(x, y)``,
    ``grad(x, y, out)`` and ``hessian(x, y, out)`` (and ``batchGrad`` for datasets), given ``E``, the
    engine (``OptvizEngine``).

    Raises a ParameterError for a surface that is neither a formula nor a dataset (a Python callable).
    """
    program = surface_program(surface)
    if program is not None:
        parts = {
            "valueAndGrad": js_function(program.value_and_grad),
            "value": js_function(program.value, returns=True),
            "grad": js_function(program.grad),
            "hessian": js_function(program.hessian),
        }
        fields = ",\n".join(f"{k}: {v}" for k, v in parts.items())
        arithmetic = "true" if program.arithmetic else "false"
        return f'{{kind: "program", arithmetic: {arithmetic},\n{fields}}}'
    model = dataset_model(surface)
    if model is not None:
        spec = (
            f'{{loss: {json.dumps(model.loss)}, phi0: E.float64s("{b64(model.features[:, 0])}"), '
            f'phi1: E.float64s("{b64(model.features[:, 1])}"), '
            f'targets: E.float64s("{b64(model.targets)}"), '
            f"reg: [{js_number(model.reg[0])}, {js_number(model.reg[1])}], "
            f"l2: {'null' if model.l2 is None else js_number(model.l2)}}}"
        )
        return f"E.datasetSurface({spec})"
    name = surface.name or type(surface).__name__
    raise ParameterError(
        "surface",
        f"{name} has no formula for a web page (a surface from Python callables); use a registered "
        "surface or optviz.surface_from_expression",
    )


def arithmetic(surface: Surface) -> bool:
    """True when the surface's value and gradient use only + - * / and powers (then a page's runs equal
    Python's to 1e-9; see design section 2): formulas without exp, log, sin..., and least squares."""
    program = surface_program(surface)
    if program is not None:
        return program.arithmetic
    model = dataset_model(surface)
    return model is not None and model.loss == "squared"


# -- noise ---------------------------------------------------------------------------------------------
def normal_draws(seed: int, steps: int) -> np.ndarray:
    """The standard normal draws of one run's seed for steps ``0 .. steps-1``: ``(steps, 2)``.

    These are what ``GaussianNoise`` adds (times sigma) and what random search samples with: the engine's
    own stream (:func:`optviz.noise.normal_stream`), not a re-implementation.
    """
    stream = normal_stream([int(seed)])
    return np.array([stream.step(k, None)[0] for k in range(int(steps))]).reshape(-1, 2)


def batch_indices(noise: Minibatch, n_samples: int, seed: int, steps: int) -> np.ndarray:
    """The sample indices of each step's minibatch for a seed: ``(steps, batch_size)`` ints."""
    stream = noise.batch_stream(int(n_samples), [int(seed)])
    return np.array([stream.step(k, None)[0] for k in range(int(steps))], dtype=np.int32)


__all__ = [
    "arithmetic",
    "b64",
    "batch_indices",
    "js_function",
    "js_number",
    "js_source",
    "normal_draws",
    "surface_js",
]
