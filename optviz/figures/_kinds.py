"""Figure kinds: named, composed figures that scenario files (``kind = "..."``) and Python both use.

A kind draws into a matplotlib ``Figure`` or ``SubFigure`` from a :class:`PanelData` (a surface, trajectories
already run, typed options, and the result of the kind's study if it has one) and registers its
frame-settable handles on a :class:`~optviz.figures.Scene`. The same kind therefore gives the PNG/SVG/PDF (the
last frame) and the GIF (every frame), and serves as one panel of a multi-panel figure.

A kind computes nothing: what it needs beyond the runs it is given (a sweep, runs on a regularized twin) is a
*study* of the Engine part (``optviz.studies``), named by ``FigureKind.study``, which the scenario layer (or the
caller, from Python) runs first and hands over as ``PanelData.study``.

Register one with :func:`register_kind`. Its options are a frozen dataclass (:mod:`optviz.figures.options`), so
scenario files and Python are validated by the same code and ``optviz list`` can describe them; what it takes
(a surface, which surfaces, runs, which rules) is declared too and checked by :meth:`FigureKind.validate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from optviz import style
from optviz._validate import ParameterError, unknown_name_message
from optviz.figures.options import NoOptions, Options


@dataclass(frozen=True)
class SurfaceRule:
    """Which surfaces a kind draws: ``accepts(surface)`` (True, False, or the reason it is refused), and
    ``says``, how an error names them ("the softmax_1d surface", "a dataset surface (least_squares, ...)")."""

    accepts: Callable[[Any], bool | str]
    says: str

    def refusal(self, surface: Any, kind: str) -> str | None:
        """The error message for ``surface`` (None if the kind draws it)."""
        verdict = self.accepts(surface)
        if verdict is True:
            return None
        name = getattr(surface, "name", "") or type(surface).__name__
        why = f" ({verdict})" if isinstance(verdict, str) and verdict else ""
        return f"figure kind {kind!r} draws {self.says}, got {name!r}{why}"


@dataclass
class PanelData:
    """What a figure kind draws: the surface and view, the runs (already computed), options, a title, and the
    result of the kind's study (``study``; None for kinds without one)."""

    surface: Any = None
    view: Any = None
    trajectories: list[Any] = field(default_factory=list)
    colors: list[str | None] = field(default_factory=list)
    options: Options = field(default_factory=NoOptions)
    title: str | None = None
    # kind "panels": one (kind, data) pair per panel
    panels: list[tuple[Any, PanelData]] = field(default_factory=list)
    # legend labels with hyperparameters; off in a multi-panel figure's shared legend ("SGD", "SGD+Momentum")
    hyperparams: bool = True
    study: Any = None

    @property
    def bounds(self) -> Any:
        return self.view or (self.surface.bounds if self.surface is not None else None)

    def color(self, i: int) -> str | None:
        return self.colors[i] if i < len(self.colors) else None


@dataclass(frozen=True)
class FigureKind:
    """A named composed figure. ``draw(fig, data, scene)`` draws into ``fig`` (a Figure or SubFigure).

    ``options``: the kind's :class:`~optviz.figures.options.Options` class. ``surface`` and ``runs``:
    "required", "optional" or "none"; ``surfaces``: which surfaces (a :class:`SurfaceRule`); ``check(surface,
    runs, options)``: the kind's own rules on its runs before they run (each run has ``optimizer``, ``noise``
    and ``steps``: a scenario's run table, or a Trajectory); ``check_runs(trajectories, options)``: what only
    the runs can tell (a step past where a run stopped). ``study``: the Engine function whose result the kind
    draws (``"optviz.studies.phase_sweep"``), or None.
    """

    name: str
    description: str
    draw: Callable[[Any, PanelData, Any], None]
    options: type[Options] = NoOptions
    surface: str = "required"  # "required" | "optional" | "none"
    runs: str = "optional"  # "required" | "optional" | "none"
    panels: bool = False
    animated: bool = True
    size: tuple[float, float] = style.SLIDE
    surfaces: SurfaceRule | None = None
    check: Callable[[Any, Sequence[Any], Any], None] | None = None
    check_runs: Callable[[Sequence[Any], Any], None] | None = None
    study: str | None = None

    def read_options(self, values: Any, *, prefix: str = "figure") -> Options:
        """The options from a mapping (a ``[figure]`` table, or Python keywords), checked; errors ``prefix.key``."""
        return self.options.read(values, prefix=prefix)

    def validate(self, surface: Any, runs: Sequence[Any], options: Options) -> None:
        """Everything this kind requires before anything runs: the surface (present, and one it draws), the
        runs, and the kind's own check. Raises ``ParameterError`` with the field named as in a scenario
        (``surface``, ``run``, ``run[1].rule``, ``figure.step``)."""
        if surface is None and self.surface == "required":
            raise ParameterError("surface", f"is required for figure kind {self.name!r}")
        if surface is not None and self.surface == "none":
            raise ParameterError("surface", f"figure kind {self.name!r} takes no [surface]")
        if surface is not None and self.surfaces is not None:
            refusal = self.surfaces.refusal(surface, self.name)
            if refusal is not None:
                raise ParameterError("surface", refusal)
        if not runs and self.runs == "required":
            raise ParameterError("run", f"figure kind {self.name!r} needs at least one [[run]]")
        if runs and self.runs == "none":
            raise ParameterError("run", f"figure kind {self.name!r} takes no [[run]]")
        if self.check is not None:
            self.check(surface, runs, options)

    def validate_runs(self, trajectories: Sequence[Any], options: Options) -> None:
        """What only the runs can tell (``check_runs``), before anything is drawn."""
        if self.check_runs is not None:
            self.check_runs(trajectories, options)


_KINDS: dict[str, FigureKind] = {}


def register_kind(
    name: str,
    description: str,
    *,
    options: type[Options] = NoOptions,
    surface: str = "required",
    runs: str = "optional",
    panels: bool = False,
    animated: bool = True,
    size: tuple[float, float] = style.SLIDE,
    surfaces: SurfaceRule | None = None,
    check: Callable[..., None] | None = None,
    check_runs: Callable[..., None] | None = None,
    study: str | None = None,
) -> Callable[[Callable[[Any, PanelData, Any], None]], Callable[[Any, PanelData, Any], None]]:
    """Decorator for a kind's draw function: ``@register_kind("local_minimum", "...", options=MyOptions)``."""

    def decorate(
        draw: Callable[[Any, PanelData, Any], None],
    ) -> Callable[[Any, PanelData, Any], None]:
        if name in _KINDS:
            raise ValueError(f"figure kind {name!r} is already registered")
        _KINDS[name] = FigureKind(
            name=name, description=description, draw=draw, options=options, surface=surface, runs=runs,
            panels=panels, animated=animated, size=size, surfaces=surfaces, check=check,
            check_runs=check_runs, study=study,
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
