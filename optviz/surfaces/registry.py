"""Surfaces by name: ``optviz.surface("rosenbrock")``, ``optviz.surface_names()``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from optviz._validate import ParameterError, unknown_name_message
from optviz.surfaces.base import Surface

F = TypeVar("F", bound=Callable[..., Surface])

_REGISTRY: dict[str, Callable[..., Surface]] = {}


def register_surface(name: str) -> Callable[[F], F]:
    """Class or factory decorator: ``@register_surface("quadratic")``.

    Every parameter of the factory must have a default, so that ``optviz.surface(name)`` always
    works.
    """

    def decorate(factory: F) -> F:
        if name in _REGISTRY:
            raise ValueError(f"a surface named {name!r} is already registered")
        for p in inspect.signature(factory).parameters.values():
            if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD:
                raise TypeError(f"surface {name!r}: parameter {p.name!r} needs a default")
        _REGISTRY[name] = factory
        return factory

    return decorate


def _factory(name: str) -> Callable[..., Surface]:
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ParameterError(
            "name", unknown_name_message(name, _REGISTRY, what="surface")
        ) from None


def surface_names() -> list[str]:
    """Every registered surface name, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def surface_parameters(name: str) -> dict[str, Any]:
    """The parameters of a registered surface and their defaults, in signature order."""
    sig = inspect.signature(_factory(name))
    return {p.name: p.default for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD}


def surface_description(name: str) -> str:
    """The first line of the surface's docstring."""
    doc = inspect.getdoc(_factory(name)) or name
    return doc.strip().splitlines()[0]


def surface(name: str, **params: Any) -> Surface:
    """Build a registered surface by name, with its parameters by keyword.

    >>> s = surface("rosenbrock")
    >>> s.minima.tolist(), float(s.value(s.minima[0]))
    ([[1.0, 1.0]], 0.0)
    >>> try:
    ...     surface("rosenbrok")
    ... except ParameterError as err:
    ...     print(err)  # doctest: +ELLIPSIS
    name: unknown surface 'rosenbrok'; did you mean 'rosenbrock'? (valid: ...)
    """
    factory = _factory(name)
    known = surface_parameters(name)
    for key in params:
        if key not in known:
            raise ParameterError(
                key, unknown_name_message(key, known, what=f"parameter of surface {name!r}")
            )
    s = factory(**params)
    s.name = name
    return s


def _load_builtins() -> None:
    # Importing the modules runs their @register_surface decorators. Deferred to first use so that
    # the registry module itself has no import cycle with the surfaces that use its decorator.
    from optviz.surfaces import _builtin  # noqa: F401
