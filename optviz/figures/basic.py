"""General figure kinds: paths on contours, contour plus 1-D profile, and several panels in one figure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from optviz import plot
from optviz._validate import ParameterError, point
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.layout import last_step, shared_legend, surface_title
from optviz.figures.options import Options, boolean, one_of, option, optional, positive_int

LOSS_TITLES = {"loss": "loss", "gap": "optimality gap", "distance": "distance to the minimum"}

loss_kind = one_of("loss", "gap", "distance", what="loss kind")


def legend_option() -> Any:
    """The ``legend`` option every kind with a legend shares."""
    return option(
        "below",
        one_of("below", "inside", "right", "none", what="legend position"),
        "where the legend goes: below the panels, inside the axes, right, none",
    )


@dataclass(frozen=True)
class LegendOptions(Options):
    """The options of a kind whose only option is where its legend goes."""

    legend: str = legend_option()


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


def loss_panel(ax: Any, data: PanelData, scene: Scene, kind: str) -> None:
    """The runs' loss curves (``kind``: loss, gap or distance; the loss itself where no optimum is known)."""
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


@dataclass(frozen=True)
class TrajectoriesOptions(Options):
    loss: bool = option(False, boolean, "add a panel with the loss curves")
    condition: bool = option(
        False, boolean, "add a panel with kappa(H) at each run's current point"
    )
    loss_kind: str = option(
        "gap", loss_kind, "loss panel: loss, gap (f - f*) or distance (|x - x*|)"
    )
    arrows: bool = option(False, boolean, "an arrow along each step")
    legend: str = legend_option()


@register_kind(
    "trajectories",
    "Contours of the surface with each run's path; optionally the loss curves and kappa(H) beside it.",
    options=TrajectoriesOptions,
    runs="required",
)
def _trajectories(fig: Any, data: PanelData, scene: Scene) -> None:
    opts = data.options
    side = [name for name in ("loss", "condition") if getattr(opts, name)]
    if side:
        # The contour on the left; the side panels stacked on the right, sharing the iteration axis.
        layout = [["paths", name] for name in side]
        axs = fig.subplot_mosaic(layout, width_ratios=[1.35, 1])
        ax = axs["paths"]
        if len(side) == 2:
            axs["loss"].sharex(axs["condition"])
    else:
        ax, axs = fig.subplots(1, 1), {}
    draw_paths(ax, data, scene, arrows=opts.arrows)
    axes = [ax]
    if "loss" in axs:
        loss_panel(axs["loss"], data, scene, opts.loss_kind)
        plot.loss_title(axs["loss"], LOSS_TITLES[opts.loss_kind])
        axes.append(axs["loss"])
    if "condition" in axs:
        _condition_panel(axs["condition"], data, scene)
        axes.append(axs["condition"])
    place_legend(fig, axes, opts.legend)


def _through(field: str, value: Any) -> tuple[float, float]:
    x, y = point(field, value)
    return (float(x), float(y))


@dataclass(frozen=True)
class SliceOptions(Options):
    """The options of the two kinds that draw a 1-D slice."""

    along: str = option(
        "x",
        one_of("x", "y", what="slice direction"),
        "the slice: horizontal (x) or vertical (y) through the slice point",
    )
    through: tuple[float, float] | None = option(
        None,
        optional(_through),
        "a point [x, y] the slice passes through (default: the first run's start)",
    )
    legend: str = legend_option()


def draw_profile(ax: Any, data: PanelData, scene: Scene) -> Any:
    """The slice of the surface with each run as a ball rolling on it (returns the ``ProfileArtists``).

    By default the slice passes through the first run's start, so the balls roll on the curve drawn while the
    runs keep to it (off it, a ball shows its run's own f: ``plot.profile``)."""
    through = data.options.through
    if through is None and data.trajectories:
        first = data.trajectories[0]
        through = first.xy[0] if not first.batched else first.xy[0, 0]
    handle = plot.profile(
        data.surface, data.trajectories, ax=ax, along=data.options.along, through=through,
        color=colors(data), legend=False, hyperparams=data.hyperparams,
    )  # fmt: skip
    scene.add(handle, last_step(data.trajectories))
    return handle


@register_kind(
    "contour_profile",
    "Contours with the paths, beside a 1-D slice of the surface with each run as a rolling ball.",
    options=SliceOptions,
    runs="required",
)
def _contour_profile(fig: Any, data: PanelData, scene: Scene) -> None:
    ax, prof = fig.subplots(1, 2, width_ratios=[1, 1])
    draw_paths(ax, data, scene)
    # The title says where the slice is, and that runs off it are drawn at their own f.
    prof.set_title(plot.profile_title(draw_profile(prof, data, scene)))
    place_legend(fig, [ax, prof], data.options.legend)


def _grid(n: int, columns: int | None) -> tuple[int, int]:
    cols = columns or (n if n <= 3 else 2 if n == 4 else 3)
    return -(-n // cols), cols


@dataclass(frozen=True)
class PanelsOptions(Options):
    columns: int | None = option(
        None, optional(positive_int(6)), "panels per row (default: up to 3, 2 x 2 for four)"
    )
    pace: str = option(
        "together",
        one_of("together", "iteration", what="pace"),
        "animated: together (every panel's runs end on the last frame, each panel naming its own iteration) "
        "or iteration (every panel at the same iteration; shorter runs stop early)",
    )
    legend: str = option(
        "below",
        one_of("below", "inside", "right", "none", "each", what="legend position"),
        "one legend for all panels (below, inside, right, none), or each panel's own, with its runs' "
        "settings (each: for panels whose runs differ)",
    )


@register_kind(
    "panels",
    "Several panels in one figure ([[panel]] tables), animated together (each ends on the last frame), with one shared legend.",
    options=PanelsOptions,
    surface="optional",
    runs="optional",
    panels=True,
)
def _panels(fig: Any, data: PanelData, scene: Scene) -> None:
    if not data.panels:
        raise ParameterError("panel", "needs at least one panel")
    rows, cols = _grid(len(data.panels), data.options.columns)
    subfigs = fig.subfigures(rows, cols, squeeze=False)
    groups = []
    each = data.options.legend == "each"
    parts: list[PanelPart] = []
    for (kind, panel), sub in zip(data.panels, subfigs.flat, strict=False):
        options = panel.options
        if hasattr(options, "legend") and not each:
            options = options.replace(legend="none")
        # One legend for all panels: "SGD", "SGD+Momentum"; or each panel's own, with its settings.
        shown = dataclasses.replace(panel, options=options, hyperparams=each)
        first = len(scene.handles)
        kind.draw(sub, shown, scene)
        groups.append((sub, first, len(scene.handles), last_step(panel.trajectories)))
        parts.append(PanelPart(sub, scene.handles[first:], last_step(panel.trajectories)))
        if panel.title:
            for ax in sub.axes[:1]:
                ax.set_title(panel.title, fontweight="bold")
    ends = {last for *_, last in groups if last > 0}
    if data.options.pace == "together" and len(ends) > 1:
        _pace_together(scene, groups)
        for part in parts:
            paced = next(
                (
                    h
                    for h in scene.handles
                    if isinstance(h, PacedPanel) and h.handles == part.handles
                ),
                None,
            )
            part.label = paced.label if paced is not None else None
    # (what each panel drew, for a page that draws every panel live: optviz.web.panels_layer)
    scene.results["panels"] = parts
    if not each:
        place_legend(fig, None, data.options.legend)


def _pace_together(scene: Scene, groups: list[tuple[Any, int, int, int]]) -> None:
    """Every panel's runs end on the scene's last frame: frame k shows iteration round(k last_i / K) of panel
    i (K the longest panel's last step), named in the panel, so no panel stands still while others move."""
    total = max(last for *_, last in groups)
    paced = []
    for sub, first, end, last in groups:
        handles = scene.handles[first:end]
        if not handles or not sub.axes:
            continue
        paced.append(PacedPanel(handles, last, total, _iteration_label(sub.axes[0], last)))
    kept = [h for h in scene.handles if not any(h in p.handles for p in paced)]
    scene.handles[:] = kept + paced
    scene.counter = False  # each panel names its own iteration


def _iteration_label(ax: Any, last: int) -> Any:
    from optviz.plot.common import fontsize
    from optviz.plot.placement import Spot, place_text

    corners = (
        Spot(-6, -6, ha="right", va="top", xy=(1.0, 1.0)),
        Spot(6, -6, ha="left", va="top", xy=(0.0, 1.0)),
        Spot(-6, 6, ha="right", va="bottom", xy=(1.0, 0.0)),
        Spot(6, 6, ha="left", va="bottom", xy=(0.0, 0.0)),
    )
    text = place_text(
        ax, f"k = {last}", (1.0, 1.0), xycoords="axes fraction", spots=corners, fontsize=0.85 * fontsize(),
        color="0.2", family="DejaVu Sans Mono", zorder=10,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "0.8", "alpha": 0.9},
    )  # fmt: skip
    text.set_visible(False)  # shown in animation frames only (the static figure shows whole runs)
    return text


@dataclasses.dataclass
class PanelPart:
    """What one panel of a ``panels`` figure drew: its subfigure, its frame handles, its runs' last step and
    (panels paced together) its hidden iteration label."""

    sub: Any
    handles: list[Any]
    last: int
    label: Any = None


@dataclasses.dataclass
class PacedPanel:
    """A panel's frame handles shown at its own pace: ``set_frame(k)`` shows iteration ``round(k last /
    total)``, and the panel's label names it (hidden on the static figure, the last frame)."""

    handles: list[Any]
    last: int
    total: int
    label: Any

    def set_frame(self, k: int) -> list[Any]:
        step = min(self.last, round(k * self.last / self.total)) if self.total else k
        changed = [a for h in self.handles for a in h.set_frame(step)]
        self.label.set_text(f"k = {step}")
        self.label.set_visible(k < self.total)
        return [*changed, self.label]


@register_kind(
    "profile",
    "A 1-D slice of the surface with each run as a ball rolling on it (the lecture's local-minimum and saddle pictures).",
    options=SliceOptions,
    runs="required",
)
def _profile(fig: Any, data: PanelData, scene: Scene) -> None:
    ax = fig.subplots(1, 1)
    # The x label says where the slice is, and that runs off it are drawn at their own f.
    ax.set_xlabel(plot.profile_title(draw_profile(ax, data, scene)))
    ax.set_title(data.title or surface_title(data.surface))
    place_legend(fig, [ax], data.options.legend)
