"""Argument checks shared by constructors, the engine and the scenario loader.

Every check raises :class:`ParameterError`, a ``ValueError`` that remembers which field was wrong,
so that the scenario loader can prefix the file and key path:
``scenarios/x.toml: run[1].lr: must be ...``.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from optviz import limits
from optviz._text import visible


class ParameterError(ValueError):
    """A bad value for a named field: ``str(err) == f"{field}: {message}"``.

    Both are shown with control characters escaped (:func:`optviz._text.visible`): a field or a value can come
    from an untrusted file, and a message is one line.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = visible(field)
        self.message = visible(message)
        super().__init__(f"{field}: {message}" if field else message)


def _describe(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(field: str, value: Any) -> float:
    """A finite real number (bools are refused: ``lr = true`` is a typo, not 1.0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(field, f"must be a number, got {_describe(value)}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond any float (10**400)
        raise ParameterError(
            field, f"must be a finite number, got an integer of {len(str(value))} digits"
        ) from None
    if not math.isfinite(value):
        raise ParameterError(field, f"must be a finite number, got {value!r}")
    return value


def positive(field: str, value: Any) -> float:
    value = number(field, value)
    if value <= 0:
        raise ParameterError(field, f"must be a positive number, got {value!r}")
    return value


def nonnegative(field: str, value: Any) -> float:
    value = number(field, value)
    if value < 0:
        raise ParameterError(field, f"must be a non-negative number, got {value!r}")
    return value


def in_range(
    field: str,
    value: Any,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A number in an interval; the message spells the interval as maths does: ``in [0, 1)``."""
    value = number(field, value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if below or above:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ParameterError(field, f"must be in {left}{low:g}, {high:g}{right}, got {value!r}")
    return value


def integer(
    field: str, value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ParameterError(field, f"must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ParameterError(field, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ParameterError(field, f"must be at most {maximum:,}, got {value:,}")
    return value


def _leaves(value: Any) -> Iterable[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            yield item


_KINDS = {"b": "true/false", "U": "strings", "S": "bytes", "c": "complex numbers"}


def _real_array(field: str, value: Any, what: str) -> np.ndarray:
    """``value`` as a float array, refusing what float() would quietly convert: strings ("1"), booleans and
    complex numbers (``start = ["1", "2"]`` is a typo, as ``lr = "0.1"`` is)."""
    if isinstance(value, (list, tuple)):
        for item in _leaves(value):
            if isinstance(item, (bool, np.bool_, str, bytes, complex, np.complexfloating)):
                kind = np.asarray(item).dtype.kind
                raise ParameterError(
                    field,
                    f"must be {what} of real numbers, got {_KINDS.get(kind, 'text')}: {_describe(value)}",
                )
    try:
        raw = np.asarray(value)
        if raw.dtype.kind in _KINDS:
            raise ParameterError(
                field,
                f"must be {what} of real numbers, got {_KINDS[raw.dtype.kind]}: {_describe(value)}",
            )
        return np.asarray(raw, dtype=float)
    except ParameterError:
        raise
    except (TypeError, ValueError):
        raise ParameterError(field, f"must be {what}, got {_describe(value)}") from None


def point(field: str, value: Any) -> np.ndarray:
    """A finite 2-D point ``[x, y]`` as a float array of shape (2,)."""
    arr = _real_array(field, value, "a point [x, y]")
    if arr.shape != (2,):
        raise ParameterError(field, f"must be a point [x, y], got {_describe(value)}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(field, f"must be finite, got {_describe(value)}")
    return arr


def points(field: str, value: Any) -> np.ndarray:
    """Finite points of shape (2,) or (N, 2)."""
    arr = _real_array(field, value, "a point [x, y] or a list of points")
    if arr.ndim not in (1, 2) or arr.shape[-1] != 2 or arr.size == 0:
        raise ParameterError(
            field, f"must have shape (2,) or (N, 2), got an array of shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ParameterError(field, "must be finite")
    return arr


def choice(field: str, value: Any, options: Iterable[str], *, what: str = "name") -> str:
    """One of ``options``; an unknown name gets the closest match and the full list."""
    options = list(options)
    if not isinstance(value, str):
        raise ParameterError(field, f"must be a string, got {_describe(value)}")
    if value in options:
        return value
    raise ParameterError(field, unknown_name_message(value, options, what=what))


def unknown_name_message(value: str, options: Iterable[str], *, what: str = "name") -> str:
    options = sorted(options)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {what} {value!r}{hint} (valid: {', '.join(options)})"


def build(cls: type, name: str, what: str, params: Mapping[str, Any]) -> Any:
    """``cls(**params)`` for the entry ``name`` of a registry of frozen dataclasses (a schedule, a rule):
    an unknown parameter gets the close match and the valid names, a missing required one is named."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for key in params:
        if key not in fields:
            raise ParameterError(key, unknown_name_message(key, fields, what=f"{name} parameter"))
    for key, f in fields.items():
        if f.default is dataclasses.MISSING and key not in params:
            raise ParameterError(key, f"is required for {what} {name!r}")
    return cls(**params)


def parameters(cls: type) -> dict[str, Any]:
    """A dataclass's constructor parameters and defaults, in order (``inspect.Parameter.empty``: required)."""
    return {
        f.name: inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        for f in dataclasses.fields(cls)
        if f.init
    }


def type_name(value: Any) -> str:
    """How a scenario's TOML value is named in a message: ``a table``, ``an array``, ``a string``..."""
    names = {
        dict: "a table",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
    }
    return names.get(type(value), type(value).__name__)


def string(field: str, value: Any) -> str:
    """A string of at most :data:`optviz.limits.MAX_TEXT` characters."""
    if not isinstance(value, str):
        raise ParameterError(field, f"must be a string, got {type_name(value)}")
    if len(value) > limits.MAX_TEXT:
        raise ParameterError(
            field, f"is too long ({len(value):,} characters; the limit is {limits.MAX_TEXT:,})"
        )
    return value


def boolean(field: str, value: Any) -> bool:
    """``true`` or ``false`` (not 0 or 1: a number there is a typo)."""
    if not isinstance(value, bool):
        raise ParameterError(field, f"must be true or false, got {type_name(value)}")
    return value
