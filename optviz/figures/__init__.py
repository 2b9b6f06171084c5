"""Composed, slide-ready figures: the lecture's figures as named *kinds*, each one call or one scenario file.

>>> import optviz as ov                                                    # doctest: +SKIP
>>> s = ov.surface("local_minimum")                                        # doctest: +SKIP
>>> runs = [ov.run(s, ov.GD(lr=0.02), steps=150), ov.run(s, ov.Momentum(lr=0.02), steps=150)]  # doctest: +SKIP
>>> scene = ov.figures.figure("contour_profile", s, runs, title="Local minimum")  # doctest: +SKIP
>>> ov.savefig(scene.fig, "local_minimum.png")                             # doctest: +SKIP

``figure(kind, ...)`` returns a :class:`Scene` (``scene.fig`` is the matplotlib Figure, at its last frame);
``optviz.animate`` turns the same scene into a GIF. ``kind_names()`` lists the kinds.

Kinds draw what they are given. A kind that shows a study (a sweep, runs on a regularized twin: see
``FigureKind.study``) takes its result as ``study=``; ``optviz.scenario.figure(kind, ...)`` computes it and
draws in one call, exactly as a scenario file does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from optviz import style
from optviz._validate import ParameterError
from optviz.figures._kinds import (
    FigureKind,
    PanelData,
    SurfaceRule,
    figure_kind,
    kind_names,
    register_kind,
)
from optviz.figures._scene import Scene
from optviz.figures.landscape import (
    interpolation_figure,
    landscape_figure,
    landscape_panels_figure,
    sharpness_figure,
)
from optviz.figures.layout import thin_ticks
from optviz.figures.options import NoOptions, Options, option
from optviz.plot.views import draw_fitted

__all__ = [
    "FigureKind",
    "NoOptions",
    "Options",
    "PanelData",
    "Scene",
    "SurfaceRule",
    "build_scene",
    "figure",
    "figure_inputs",
    "figure_kind",
    "interpolation_figure",
    "kind_names",
    "landscape_figure",
    "landscape_panels_figure",
    "option",
    "register_kind",
    "sharpness_figure",
]


LAYOUT_PAD = (
    0.09  # inches around each axes' decorations at the reference size (matplotlib's default: 0.042)
)


def build_scene(
    kind: FigureKind,
    data: PanelData,
    *,
    title: str | None = None,
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    pyplot: bool = True,
) -> Scene:
    """Draw ``kind`` for ``data`` on a new figure of ``size`` inches (default: the kind's own) and return its Scene.

    Sizes of text, lines and markers scale with the figure (relative to the kind's default size), so a scenario
    rendered larger keeps its proportions. ``pyplot=False`` makes a figure that pyplot does not manage (for
    batch rendering in worker processes).
    """
    size = tuple(size or kind.size)
    scale = style.scale_for(size, kind.size)

    def draw() -> Scene:
        with style.context(scale):
            if pyplot:
                import matplotlib.pyplot as plt

                fig = plt.figure(figsize=size, dpi=dpi or style.DPI, layout="constrained")
            else:
                from matplotlib.figure import Figure

                fig = Figure(figsize=size, dpi=dpi or style.DPI, layout="constrained")
            # Room between an axes' decorations and its neighbours (a figure legend below): constrained layout
            # measures an equal-aspect axes before its aspect moves it, and missed the x label by a few pixels.
            fig.get_layout_engine().set(h_pad=LAYOUT_PAD * scale, w_pad=LAYOUT_PAD * scale)
            scene = Scene(fig=fig, scale=scale)
            if title:
                fig.suptitle(title, fontweight="bold")
            kind.draw(fig, data, scene)
            scene.finish()
        return scene

    # Equal-aspect panels are laid out for the box they get (optviz.plot.views): measured, then drawn.
    scene = draw_fitted(draw)
    # Narrow panels: fewer ticks rather than tick labels that touch, at the final limits; titles wider than
    # their room (a long formula beside another panel) broken into lines, or set smaller.
    thin_ticks(scene.fig)
    return scene


def figure_inputs(surface: Any, trajectories: Sequence[Any] | Any) -> tuple[Any, list[Any]]:
    """A figure's surface (a Surface, a registered name, or None) and its runs (one Trajectory, a batch, or a
    list of them) as ``(Surface or None, list)``: what :func:`figure` and ``optviz.scenario.figure`` take."""
    from optviz.surfaces import Surface
    from optviz.surfaces import surface as make_surface

    if isinstance(surface, str):
        surface = make_surface(surface)
    elif surface is not None and not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface or a name, got {type(surface).__name__}")
    from optviz._validate import ParameterError
    from optviz.trajectory import Trajectory

    if isinstance(trajectories, (list, tuple)):
        runs = list(trajectories)
    else:
        runs = [trajectories] if trajectories is not None and trajectories != () else []
    for i, t in enumerate(runs):
        if not isinstance(t, Trajectory):
            raise ParameterError(
                f"trajectories[{i}]", f"must be a Trajectory (from optviz.run), got {t!r:.60}"
            )
        if surface is not None and not t.made_on(surface):
            raise ParameterError(
                f"trajectories[{i}]",
                f"was run on {t.surface_name} {t.surface_params}, not on the surface drawn"
                f" ({surface.name or type(surface).__name__} {surface.params}): run it there, or draw it on"
                " its own",
            )
    return surface, runs


def figure(
    kind: str,
    surface: Any = None,
    trajectories: Sequence[Any] | Any = (),
    *,
    study: Any = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
    view: Any = None,
    colors: Sequence[str | None] = (),
    pyplot: bool = True,
    **options: Any,
) -> Scene:
    """The composed figure ``kind`` (see :func:`kind_names`) for a surface and runs, as a :class:`Scene`.

    ``surface`` is a Surface or a registered name; ``trajectories`` are :func:`optviz.run` results; ``options``
    are the kind's options (the same names as a scenario's ``[figure]`` table), validated as a scenario's are,
    with the kind's rules on its surface and runs. ``study`` is the result of the kind's study, for the kinds
    that draw one (``figure_kind(kind).study`` names the function that computes it). ``pyplot=False`` makes a
    figure that pyplot does not manage (nothing to close; the one-call writers use it).
    """
    k = figure_kind(kind)
    surface, runs = figure_inputs(surface, trajectories)
    opts = k.read_options(options)
    k.validate(surface, runs, opts)
    k.validate_runs(runs, opts)
    if k.study is not None and study is None:
        raise ParameterError(
            "study",
            f"figure kind {k.name!r} draws what {k.study} computes: pass study={k.study}(...), or make "
            "the figure with optviz.scenario.figure(...), which runs the study first",
        )
    data = PanelData(
        surface=surface,
        view=view,
        trajectories=runs,
        colors=list(colors),
        options=opts,
        study=study,
    )
    return build_scene(k, data, title=title, size=size, dpi=dpi, pyplot=pyplot)
