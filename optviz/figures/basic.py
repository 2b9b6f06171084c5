"""General figure kinds: paths on contours, contour plus 1-D profile, and several panels in one figure."""

from __future__ import annotations

from typing import Any

from optviz import plot
from optviz._validate import ParameterError, choice
from optviz.figures._kinds import FigureKind, Option, PanelData, figure_kind, register_kind
from optviz.figures._layout import last_step, shared_legend, surface_title
from optviz.figures._scene import Scene
from optviz.scenario._reader import boolean

LOSS_TITLES = {"loss": "loss", "gap": "optimality gap", "distance": "distance to the minimum"}


def _loss_kind(field: str, value: Any) -> str:
    return choice(field, value, ("loss", "gap", "distance"), what="loss kind")


def _legend(field: str, value: Any) -> str:
    return choice(field, value, ("below", "inside", "right", "none"), what="legend position")


def _along(field: str, value: Any) -> str:
    return choice(field, value, ("x", "y"), what="slice direction")


LEGEND = Option(
    "legend",
    "below",
    _legend,
    "where the legend goes: below the panels, inside the axes, right, none",
)


def colors(data: PanelData) -> list[str | None]:
    return [data.color(i) for i in range(len(data.trajectories))]


def draw_paths(ax: Any, data: PanelData, scene: Scene, *, arrows: bool = False) -> Any:
    """Contours of the surface with every run on top; returns the trajectory handle."""
    plot.contour(data.surface, ax=ax, bounds=data.bounds)
    handle = plot.trajectory(
        data.trajectories, ax=ax, color=colors(data), arrows=arrows, legend=False, hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))
    ax.set_title(data.title or surface_title(data.surface))
    return handle


def place_legend(fig: Any, axes: list[Any], where: str) -> None:
    if where == "below":
        shared_legend(fig, axes)
    elif where == "right":
        shared_legend(fig, axes, loc="outside right upper", ncols=1)
    elif where == "inside":
        for ax in axes:
            if ax.get_legend_handles_labels()[1]:
                ax.legend(loc="best")


def _loss_panel(ax: Any, data: PanelData, scene: Scene, kind: str) -> None:
    s = data.surface
    fmin = s.fmin if kind == "gap" else None
    minimum = s.minima[0] if kind == "distance" and len(s.minima) else None
    if kind in ("gap", "distance") and (fmin is None or fmin != fmin) and minimum is None:
        kind = "loss"  # no known optimum: plot the loss itself
    handle = plot.loss(
        data.trajectories, ax=ax, kind=kind, fmin=fmin, minimum=minimum, color=colors(data), legend=False,
        hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))


def _condition_panel(ax: Any, data: PanelData, scene: Scene) -> None:
    handle = plot.condition_curve(
        data.surface, data.trajectories, ax=ax,
        color=[data.color(i) for i in range(len(data.trajectories))], legend=False,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))
    ax.set_title(r"condition number $\kappa(H)$ at $x_k$")


@register_kind(
    "trajectories",
    "Contours of the surface with each run's path; optionally the loss curves and kappa(H) beside it.",
    options=[
        Option("loss", False, boolean, "add a panel with the loss curves"),
        Option(
            "condition", False, boolean, "add a panel with kappa(H) at each run's current point"
        ),
        Option(
            "loss_kind", "gap", _loss_kind, "loss panel: loss, gap (f - f*) or distance (|x - x*|)"
        ),
        Option("arrows", False, boolean, "an arrow along each step"),
        LEGEND,
    ],
    runs="required",
)
def _trajectories(fig: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    side = [name for name in ("loss", "condition") if opts.get(name)]
    if side:
        # The contour on the left; the side panels stacked on the right, sharing the iteration axis.
        layout = [["paths", name] for name in side]
        axs = fig.subplot_mosaic(layout, width_ratios=[1.35, 1])
        ax = axs["paths"]
        if len(side) == 2:
            axs["loss"].sharex(axs["condition"])
    else:
        ax, axs = fig.subplots(1, 1), {}
    draw_paths(ax, data, scene, arrows=opts["arrows"])
    axes = [ax]
    if "loss" in axs:
        _loss_panel(axs["loss"], data, scene, opts["loss_kind"])
        axs["loss"].set_title(LOSS_TITLES[opts["loss_kind"]])
        axes.append(axs["loss"])
    if "condition" in axs:
        _condition_panel(axs["condition"], data, scene)
        axes.append(axs["condition"])
    place_legend(fig, axes, opts["legend"])


def _through(field: str, value: Any) -> Any:
    from optviz._validate import point

    return None if value is None else point(field, value)


# The two kinds that draw a 1-D slice share its options.
SLICE_OPTIONS = [
    Option(
        "along", "x", _along, "the slice: horizontal (x) or vertical (y) through the slice point"
    ),
    Option(
        "through",
        None,
        _through,
        "a point [x, y] the slice passes through (default: the first run's start)",
    ),
    LEGEND,
]


def draw_profile(ax: Any, data: PanelData, scene: Scene) -> None:
    """The slice of the surface with each run as a ball rolling on it.

    By default the slice passes through the first run's start, so the balls roll on the curve drawn."""
    through = data.options["through"]
    if through is None and data.trajectories:
        first = data.trajectories[0]
        through = first.xy[0] if not first.batched else first.xy[0, 0]
    handle = plot.profile(
        data.surface, data.trajectories, ax=ax, along=data.options["along"], through=through,
        color=colors(data), legend=False, hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))


@register_kind(
    "contour_profile",
    "Contours with the paths, beside a 1-D slice of the surface with each run as a rolling ball.",
    options=SLICE_OPTIONS,
    runs="required",
)
def _contour_profile(fig: Any, data: PanelData, scene: Scene) -> None:
    ax, prof = fig.subplots(1, 2, width_ratios=[1, 1])
    draw_paths(ax, data, scene)
    draw_profile(prof, data, scene)
    prof.set_title(f"slice along {data.options['along']}")
    place_legend(fig, [ax, prof], data.options["legend"])


def _grid(n: int, columns: int | None) -> tuple[int, int]:
    cols = columns or (n if n <= 3 else 2 if n == 4 else 3)
    return -(-n // cols), cols


def _columns(field: str, value: Any) -> int:
    from optviz._validate import integer

    return integer(field, value, minimum=1, maximum=6)


@register_kind(
    "panels",
    "Several panels in one figure ([[panel]] tables), synchronized when animated, with one shared legend.",
    options=[
        Option("columns", None, _columns, "panels per row (default: up to 3, 2 x 2 for four)"),
        LEGEND,
    ],
    surface="optional",
    runs="optional",
    panels=True,
)
def _panels(fig: Any, data: PanelData, scene: Scene) -> None:
    if not data.panels:
        raise ParameterError("panel", "needs at least one panel")
    rows, cols = _grid(len(data.panels), data.options["columns"])
    subfigs = fig.subfigures(rows, cols, squeeze=False)
    for (kind, panel), sub in zip(data.panels, subfigs.flat, strict=False):
        panel.options = (
            {**panel.options, "legend": "none"} if "legend" in panel.options else panel.options
        )
        panel.hyperparams = False  # one legend for all panels: "SGD", "SGD+Momentum"
        kind.draw(sub, panel, scene)
        if panel.title:
            for ax in sub.axes[:1]:
                ax.set_title(panel.title, fontweight="bold")
    place_legend(fig, None, data.options["legend"])


def kind(name: str) -> FigureKind:
    return figure_kind(name)


@register_kind(
    "profile",
    "A 1-D slice of the surface with each run as a ball rolling on it (the lecture's local-minimum and saddle pictures).",
    options=SLICE_OPTIONS,
    runs="required",
)
def _profile(fig: Any, data: PanelData, scene: Scene) -> None:
    ax = fig.subplots(1, 1)
    draw_profile(ax, data, scene)
    ax.set_title(data.title or surface_title(data.surface))
    place_legend(fig, [ax], data.options["legend"])
