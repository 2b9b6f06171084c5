"""Typed figure options: each kind declares its options as a frozen dataclass, the same from Python and TOML.

A kind's options class derives from :class:`Options`; each field is made with :func:`option` (a default, a check
and a one-line doc). Making an instance checks every field (defaults too), and :meth:`Options.read` builds one
from a mapping (a scenario's ``[figure]`` table, or the keywords of ``optviz.figures.figure``), refusing unknown
keys with a close match, so a scenario and a Python call are validated by the same code and say the same::

    @dataclass(frozen=True)
    class MyOptions(Options):
        step: int = option(4, positive_int, "the step whose update is drawn")

Checks take ``(field, value)`` and return the value to keep (or raise ``ParameterError``); sequences are kept
as tuples, so options stay immutable. Cross-field rules go in the class's ``validate()``.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Demo(Options):
...     steps: int = option(10, lambda f, v: integer(f, v, minimum=1), "how many")
>>> Demo.read({"steps": 3}).steps
3
>>> Demo.read({"stps": 3})
Traceback (most recent call last):
...
optviz._validate.ParameterError: figure.stps: unknown option 'stps'; did you mean 'steps'? (valid: steps)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from optviz import limits
from optviz._validate import (
    ParameterError,
    boolean,
    choice,
    integer,
    number,
    string,
    unknown_name_message,
)

OptionsT = TypeVar("OptionsT", bound="Options")


def option(
    default: Any,
    check: Callable[[str, Any], Any] | None = None,
    doc: str = "",
    *,
    written: Callable[[Any], Any] | None = None,
) -> Any:
    """A field of an :class:`Options` class: its default, the check of its values, a one-line doc, and
    ``written``, for a check that turns what a scenario writes into something else (a count into the seeds
    it counts): the value as a scenario writes it again."""
    return dataclasses.field(
        default=default, metadata={"check": check, "doc": doc, "written": written}
    )


def written_options(options: Options) -> dict[str, Any]:
    """The options that differ from their kind's defaults, as a scenario's ``[figure]`` table writes them."""
    defaults = type(options)()
    out = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if value is None or value == getattr(defaults, f.name):
            continue
        write = f.metadata.get("written")
        out[f.name] = write(value) if write is not None else value
    return out


@dataclass(frozen=True)
class Options:
    """Base class of a figure kind's options (a frozen dataclass of :func:`option` fields)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            check = f.metadata.get("check")
            if check is not None:
                object.__setattr__(self, f.name, check(f.name, getattr(self, f.name)))
        self.validate()

    def validate(self) -> None:
        """Cross-field rules (raise ``ParameterError``); each field is already checked."""

    @classmethod
    def read(cls: type[OptionsT], values: Mapping[str, Any], *, prefix: str = "figure") -> OptionsT:
        """The options from ``values`` (unknown keys refused), errors named ``prefix.key``."""
        names = [f.name for f in dataclasses.fields(cls)]
        for key in values:
            if key not in names:
                raise ParameterError(
                    _join(prefix, str(key)), unknown_name_message(str(key), names, what="option")
                )
        try:
            return cls(**values)
        except ParameterError as err:
            raise ParameterError(_join(prefix, err.field), err.message) from None

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """``(name, default, doc)`` of every option, for ``optviz list --kind``."""
        return [(f.name, f.default, f.metadata.get("doc", "")) for f in dataclasses.fields(cls)]

    def replace(self: OptionsT, **changes: Any) -> OptionsT:
        """A copy with some options changed (and checked)."""
        return dataclasses.replace(self, **changes)


def _join(prefix: str, field: str) -> str:
    if not prefix or not field:
        return prefix or field
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


@dataclass(frozen=True)
class NoOptions(Options):
    """The options of a kind that has none."""


# -- checks shared by the kinds --------------------------------------------------------------------------------
def one_of(*names: str, what: str = "value") -> Callable[[str, Any], str]:
    """A check: one of ``names`` (an unknown one gets the close match and the list)."""

    def check(field: str, value: Any) -> str:
        return choice(field, value, names, what=what)

    return check


def positive_int(maximum: int | None = None) -> Callable[[str, Any], int]:
    """A check: an integer of at least 1 (and at most ``maximum``)."""

    def check(field: str, value: Any) -> int:
        return integer(field, value, minimum=1, maximum=maximum)

    return check


def steps(field: str, value: Any) -> int:
    """A check: steps of the runs a figure makes, at most :data:`optviz.limits.MAX_STEPS`."""
    return integer(field, value, minimum=1, maximum=limits.MAX_STEPS)


def optional(check: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    """A check that also takes None (an option whose default is "automatic")."""

    def optional_check(field: str, value: Any) -> Any:
        return None if value is None else check(field, value)

    return optional_check


def numbers(
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    at_least: int = 1,
    at_most: int = limits.MAX_VALUES,
) -> Callable[[str, Any], tuple[float, ...]]:
    """A check: a list of ``at_least`` to ``at_most`` numbers, each at least ``minimum`` and at most
    ``maximum`` in size (a bound that keeps what a figure computes from them finite); kept as a tuple."""

    def check(field: str, value: Any) -> tuple[float, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ParameterError(
                field, f"must be a list of {at_least} to {at_most} numbers, got {value!r}"
            )
        if not at_least <= len(value) <= at_most:
            raise ParameterError(
                field, f"must be a list of {at_least} to {at_most} numbers, got {len(value)}"
            )
        out = tuple(number(f"{field}[{i}]", v) for i, v in enumerate(value))
        if minimum is not None:
            for i, v in enumerate(out):
                if v < minimum:
                    raise ParameterError(
                        f"{field}[{i}]", f"must be at least {minimum:g}, got {v!r}"
                    )
        if maximum is not None:
            for i, v in enumerate(out):
                if abs(v) > maximum:
                    raise ParameterError(
                        f"{field}[{i}]",
                        f"must be at most {maximum:g} in size, got {v!r} (what the figure computes"
                        " from it would overflow)",
                    )
        return out

    return check


def names(
    valid: Callable[[], Sequence[str]], *, what: str, at_most: int | None = None
) -> Callable[[str, Any], tuple[str, ...]]:
    """A check: a non-empty list of names from ``valid()`` (at most ``at_most``); kept as a tuple."""

    def check(field: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
            raise ParameterError(field, f"must be a non-empty list of {what} names")
        if at_most is not None and len(value) > at_most:
            raise ParameterError(field, f"has {len(value)} names; the limit is {at_most}")
        options = valid()
        return tuple(choice(f"{field}[{i}]", v, options, what=what) for i, v in enumerate(value))

    return check


__all__ = [
    "NoOptions",
    "Options",
    "boolean",
    "names",
    "numbers",
    "one_of",
    "option",
    "optional",
    "positive_int",
    "steps",
    "string",
]
