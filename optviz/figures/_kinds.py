"""Figure kinds: named, composed figures that scenario files (``kind = "..."``) and Python both use.

A kind draws into a matplotlib ``Figure`` or ``SubFigure`` from a :class:`PanelData` (a surface, trajectories
already run, options) and registers its frame-settable handles on a :class:`Scene`. The same kind therefore gives
the PNG/SVG/PDF (the last frame) and the GIF (every frame), and serves as one panel of a multi-panel figure.

Register one with :func:`register_kind`. Options are declared with a default and a check, so scenario files are
validated key by key and ``optviz list`` can describe them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from optviz import style
from optviz._validate import ParameterError, unknown_name_message


@dataclass(frozen=True)
class Option:
    """A figure option: ``name = value`` in a scenario's ``[figure]`` table, or a keyword in Python."""

    name: str
    default: Any
    check: Callable[[str, Any], Any] | None = None
    doc: str = ""

    def read(self, field: str, value: Any) -> Any:
        return self.check(field, value) if self.check is not None else value


@dataclass
class PanelData:
    """What a figure kind draws: the surface and view, the runs (already computed), options and a title."""

    surface: Any = None
    view: Any = None
    trajectories: list[Any] = field(default_factory=list)
    colors: list[str | None] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    # kind "panels": one (kind, data) pair per panel
    panels: list[tuple[Any, PanelData]] = field(default_factory=list)
    # legend labels with hyperparameters; off in a multi-panel figure's shared legend ("SGD", "SGD+Momentum")
    hyperparams: bool = True

    @property
    def bounds(self) -> Any:
        return self.view or (self.surface.bounds if self.surface is not None else None)

    def color(self, i: int) -> str | None:
        return self.colors[i] if i < len(self.colors) else None


@dataclass(frozen=True)
class FigureKind:
    """A named composed figure. ``draw(fig, data, scene)`` draws into ``fig`` (a Figure or SubFigure)."""

    name: str
    description: str
    draw: Callable[[Any, PanelData, Any], None]
    options: tuple[Option, ...] = ()
    surface: str = "required"  # "required" | "optional" | "none"
    runs: str = "optional"  # "required" | "optional" | "none"
    panels: bool = False
    animated: bool = True
    size: tuple[float, float] = style.SLIDE
    check: Callable[[Any, Any, Sequence[Any], dict[str, Any]], None] | None = None

    def option(self, name: str) -> Option:
        for o in self.options:
            if o.name == name:
                return o
        raise ParameterError(
            name,
            unknown_name_message(
                name, [o.name for o in self.options], what=f"option of figure kind {self.name!r}"
            ),
        )

    def default_options(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def read_options(self, table: Any) -> dict[str, Any]:
        """Options from a scenario's ``[figure]`` table (a ``scenario._reader.Table``)."""
        return {o.name: table.take(o.name, o.read, default=o.default) for o in self.options}

    def options_from(self, values: dict[str, Any]) -> dict[str, Any]:
        """Options from Python keywords, validated like a scenario's."""
        out = self.default_options()
        for key, value in values.items():
            out[key] = self.option(key).read(key, value)
        return out

    def check_panel(
        self, table: Any, surface: Any, runs: Sequence[Any], options: dict[str, Any]
    ) -> None:
        """Cross-field checks (a rule this kind cannot draw, a surface it needs...); raise the table's error."""
        if self.check is None:
            return
        try:
            self.check(table, surface, runs, options)
        except ParameterError as err:
            raise table.error(err.field, err.message) from None


_KINDS: dict[str, FigureKind] = {}


def register_kind(
    name: str,
    description: str,
    *,
    options: Sequence[Option] = (),
    surface: str = "required",
    runs: str = "optional",
    panels: bool = False,
    animated: bool = True,
    size: tuple[float, float] = style.SLIDE,
    check: Callable[..., None] | None = None,
) -> Callable[[Callable[[Any, PanelData, Any], None]], Callable[[Any, PanelData, Any], None]]:
    """Decorator for a kind's draw function: ``@register_kind("local_minimum", "...", options=[...])``."""

    def decorate(
        draw: Callable[[Any, PanelData, Any], None],
    ) -> Callable[[Any, PanelData, Any], None]:
        if name in _KINDS:
            raise ValueError(f"figure kind {name!r} is already registered")
        _KINDS[name] = FigureKind(
            name=name, description=description, draw=draw, options=tuple(options), surface=surface, runs=runs,
            panels=panels, animated=animated, size=size, check=check,
        )  # fmt: skip
        return draw

    return decorate


def figure_kind(name: str) -> FigureKind:
    _load_builtins()
    try:
        return _KINDS[name]
    except KeyError:
        raise ParameterError(
            "kind", unknown_name_message(name, _KINDS, what="figure kind")
        ) from None


def kind_names() -> list[str]:
    _load_builtins()
    return sorted(_KINDS)


def _load_builtins() -> None:
    from optviz.figures import _builtin  # noqa: F401
