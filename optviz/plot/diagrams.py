"""The lecture's update-vector diagrams, drawn from a real trajectory at a chosen step.

Vectors are in parameter units, as :meth:`optviz.Trajectory.update_vectors` returns them:

* Momentum (heavy ball): from the point ``x_t``, the velocity arrow ``-lr*rho*b[t-1]`` and the gradient arrow
  ``-lr*g[t]``; the actual step ``x[t+1] - x[t]`` is their sum.
* Nesterov: from the actual point ``x_t``, the velocity arrow leads to the look-ahead point ``p_t`` (torch's
  stored iterate); the gradient arrow ``-lr*g(p_t)`` starts there; the actual step goes from ``x_t`` to ``x_{t+1}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optviz import style
from optviz.plot.common import fontsize, get_ax, linewidth
from optviz.plot.frames import Animated
from optviz.plot.placement import Spot, around, beside, place_text
from optviz.plot.views import fitted

# The diagrams' own colours (no rule's, no series'): velocity olive, gradient wine, actual step near-black.
COLORS = dict(style.DIAGRAM)
NAMES = {"velocity": "velocity", "gradient": "gradient", "step": "actual step"}


@dataclass
class UpdateDiagram:
    """What :func:`update_diagram` drew. ``arrows[name]`` is an ``Annotation`` from ``xyann`` (tail) to ``xy`` (tip);
    ``vectors[name]`` is the vector it shows, ``points`` the named points (point, lookahead, next)."""

    kind: str
    arrows: dict[str, Any] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    points: dict[str, np.ndarray] = field(default_factory=dict)
    labels: list[Any] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)
    guides: list[Any] = field(default_factory=list)


def update_diagram(
    t: Any,
    step: int,
    ax: Any = None,
    *,
    labels: bool = True,
    guides: bool = True,
    frame: bool = True,
    pad: float = 0.35,
) -> UpdateDiagram:
    """Draw the update at ``step`` of a Momentum or Nesterov trajectory ``t`` as the lecture's vector diagram.

    With ``frame=True`` the axes are zoomed to the arrows (equal aspect, ``pad`` times their extent around them),
    so the diagram reads on its own; draw a contour first and pass ``frame=False`` to keep the view.
    """
    ax = get_ax(ax)
    kind = t.rule
    if kind not in ("momentum", "nesterov"):
        raise ValueError(f"update_diagram draws momentum or nesterov runs, got rule {kind!r}")
    if not 1 <= step < int(t.stop_step):
        raise ValueError(f"step must be in [1, {int(t.stop_step) - 1}] for this run, got {step}")
    vec = t.update_vectors(step)
    x = np.asarray(vec["point"], dtype=float)
    velocity, gradient, actual = (
        np.asarray(vec[k], dtype=float) for k in ("velocity", "gradient", "step")
    )
    out = UpdateDiagram(
        kind=kind, vectors={"velocity": velocity, "gradient": gradient, "step": actual}
    )
    if kind == "momentum":
        tails = {"velocity": x, "gradient": x, "step": x}
        out.points = {"point": x, "next": x + actual}
    else:
        look = x + velocity
        tails = {"velocity": x, "gradient": look, "step": x}
        out.points = {"point": x, "lookahead": look, "next": x + actual}
    lw = linewidth()
    size = fontsize()
    for name in ("velocity", "gradient", "step"):
        tail = tails[name]
        tip = tail + out.vectors[name]
        arrow = ax.annotate(
            "",
            tip,
            xytext=tail,
            arrowprops={
                "arrowstyle": "-|>",
                "color": COLORS[name],
                "lw": 1.2 * lw,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 9 * lw,
            },
            zorder=4 if name != "step" else 4.5,
            annotation_clip=False,
        )
        arrow.set_gid(name)
        out.arrows[name] = arrow
    if guides:
        # Dashed completion of the vector sum, as in the lecture's picture.
        if kind == "momentum":
            segs = [(x + velocity, x + actual), (x + gradient, x + actual)]
        else:
            segs = [(x + velocity, x + actual)]
        for a, b in segs:
            out.guides.append(
                ax.plot(
                    [a[0], b[0]],
                    [a[1], b[1]],
                    color="0.5",
                    linewidth=0.6 * lw,
                    linestyle=(0, (3, 3)),
                    zorder=3,
                    label="_guide",
                )[0]
            )
    out.markers.append(
        ax.plot(*x, marker="o", markersize=3.2 * lw, color="black", zorder=5, label="_point")[0]
    )
    if kind == "nesterov":
        out.markers.append(
            ax.plot(
                *out.points["lookahead"],
                marker="o",
                markersize=3.2 * lw,
                markerfacecolor="white",
                markeredgecolor="black",
                markeredgewidth=0.5 * lw,
                zorder=5,
                label="_lookahead",
            )[0]
        )
    if labels:
        out.labels.extend(_label_arrows(ax, out, tails, size))
    if frame:
        # The arrows' box, padded by ``pad`` times their extent, then widened to the panel's proportions.
        pts = np.array([x, *(tails[n] + out.vectors[n] for n in tails), *out.points.values()])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        extent = max(float((hi - lo).max()), 1e-12)
        lo, hi = lo - pad * extent, hi + pad * extent
        (x0, x1), (y0, y1) = fitted(ax, ((lo[0], hi[0]), (lo[1], hi[1])))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
    return out


def _label_arrows(
    ax: Any, out: UpdateDiagram, tails: dict[str, np.ndarray], size: float
) -> list[Any]:
    """Each arrow's name beside its middle, on whichever side covers no other arrow, path or label
    (``optviz.plot.placement``); the look-ahead point's name around its marker."""
    texts = []
    # The arrows' middle: each name is tried first on its arrow's outer side.
    middle = np.mean(
        [p for name, tail in tails.items() for p in (tail, tail + out.vectors[name])], axis=0
    )
    for name, tail in tails.items():
        v = out.vectors[name]
        spots = beside(v, 0.6 * size, along=(tail, v), away_from=middle)
        texts.append(place_text(
            ax, NAMES[name], tail + 0.5 * v, spots=spots, fontsize=size, color=COLORS[name], fontweight="bold",
            zorder=6,
        ))  # fmt: skip
    if "lookahead" in out.points:
        texts.append(place_text(
            ax, "look-ahead", out.points["lookahead"], spots=around(0.6 * size, prefer="below left"),
            fontsize=size, color="0.15", zorder=6,
        ))  # fmt: skip
    return texts


@dataclass
class UpdateArrows(Animated):
    """What :func:`update_arrows` drew: the update vectors of one run, frame-settable.

    ``arrows[name]`` (velocity, gradient, step) are ``FancyArrowPatch`` objects from tail to tip (``.tail`` and
    ``.tip`` hold the current ends); ``points["point"]`` marks the actual point and, for Nesterov,
    ``points["lookahead"]`` the look-ahead point. ``set_frame(k)`` shows the update from iterate k to k + 1;
    after the run's last update (k >= stop_step) everything is hidden.
    """

    kind: str
    arrows: dict[str, Any] = field(default_factory=dict)
    points: dict[str, Any] = field(default_factory=dict)
    frames: list[Any] = field(default_factory=list)


def update_arrows(
    t: Any, ax: Any = None, *, step: int | None = None, zorder: float = 4.0
) -> UpdateArrows:
    """Draw the update vectors of a Momentum or Nesterov run at ``step`` and return a frame-settable handle.

    The same vectors as :func:`update_diagram` (``Trajectory.update_vectors``), without labels or zoom, so that they can
    move along the run over contours: ``handle.set_frame(k)`` moves them to the update from iterate k.
    ``step=None`` draws them hidden until a frame is set. Arrows too short to be more than a head are hidden.
    """
    from matplotlib.patches import FancyArrowPatch

    ax = get_ax(ax)
    kind = t.rule
    if kind not in ("momentum", "nesterov"):
        raise ValueError(f"update_arrows draws momentum or nesterov runs, got rule {kind!r}")
    if getattr(t, "batched", False):
        raise ValueError("update_arrows draws one run; index a batched trajectory first (t[i])")
    lw = linewidth()
    out = UpdateArrows(kind=kind)
    for name in ("velocity", "gradient", "step"):
        arrow = FancyArrowPatch(
            (0, 0), (0, 0), arrowstyle="-|>", color=COLORS[name], linewidth=1.1 * lw, shrinkA=0,
            shrinkB=0, mutation_scale=7 * lw, zorder=zorder + (0.1 if name == "step" else 0.0),
            label=f"_{name}",
        )  # fmt: skip
        arrow.set_gid(name)
        ax.add_patch(arrow)
        out.arrows[name] = arrow
    out.points["point"] = ax.plot(
        [], [], marker="o", markersize=2.6 * lw, color="black", markeredgecolor="white",
        markeredgewidth=0.4 * lw, linestyle="none", zorder=zorder + 0.2, label="_point",
    )[0]  # fmt: skip
    if kind == "nesterov":
        out.points["lookahead"] = ax.plot(
            [], [], marker="o", markersize=2.6 * lw, markerfacecolor="white", markeredgecolor="black",
            markeredgewidth=0.45 * lw, linestyle="none", zorder=zorder + 0.2, label="_lookahead",
        )[0]  # fmt: skip
    out.frames.append(_Vectors(t, out))
    out.set_frame(int(t.stop_step) if step is None else int(step))
    return out


def _readable(arrow: Any, tail: np.ndarray, tip: np.ndarray) -> bool:
    """An arrow whose shaft would be shorter than its head reads as a blob: it is hidden."""
    ax = arrow.axes
    a, b = ax.transData.transform([tail, tip])
    # "-|>" heads are 0.4 mutation scales long, in points.
    head = 0.4 * arrow.get_mutation_scale() * ax.figure.dpi / 72
    return bool(np.hypot(*(b - a)) >= 2 * head)


class _Vectors:
    """The frame part of :class:`UpdateArrows`: all update vectors, computed once."""

    def __init__(self, t: Any, handle: UpdateArrows) -> None:
        self.handle = handle
        self.stop = int(t.stop_step)
        self.vectors = [t.update_vectors(k) for k in range(self.stop)]

    def set_frame(self, k: int) -> list[Any]:
        h = self.handle
        changed = [*h.arrows.values(), *h.points.values()]
        if not 0 <= k < self.stop:
            for artist in changed:
                artist.set_visible(False)
            return changed
        vec = {name: np.asarray(v, dtype=float) for name, v in self.vectors[k].items()}
        x = vec["point"]
        look = x + vec["velocity"]
        tails = {"velocity": x, "gradient": look if h.kind == "nesterov" else x, "step": x}
        for name, arrow in h.arrows.items():
            tail, tip = tails[name], tails[name] + vec[name]
            arrow.tail, arrow.tip = tail, tip
            arrow.set_positions(tuple(tail), tuple(tip))
            arrow.set_visible(_readable(arrow, tail, tip))
        h.points["point"].set_data([x[0]], [x[1]])
        h.points["point"].set_visible(True)
        if "lookahead" in h.points:
            h.points["lookahead"].set_data([look[0]], [look[1]])
            h.points["lookahead"].set_visible(True)
        return changed


@dataclass
class SameStateUpdates(Animated):
    """What :func:`same_state_updates` drew: one panel per rule, frame-settable.

    ``arrows[i][name]`` (velocity, gradient, step) are the ``FancyArrowPatch`` arrows of panel i (``.tail`` and
    ``.tip`` hold their current ends, relative to the state's point); ``points[i]`` the point (at 0) and, for
    Nesterov, the look-ahead point; ``labels[i]`` the text naming the step shown; ``marker`` the state's point
    on an overview axes (or None). ``vectors[k][i]`` are the vectors of rule i from the state at step k.
    """

    rules: list[str] = field(default_factory=list)
    arrows: list[dict[str, Any]] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)
    guides: list[list[Any]] = field(default_factory=list)
    labels: list[Any] = field(default_factory=list)
    marker: Any = None
    vectors: list[list[dict[str, np.ndarray]]] = field(default_factory=list)
    states: np.ndarray | None = None
    frames: list[Any] = field(default_factory=list)

    def readable_step(self) -> int:
        """The state whose updates read best in every panel: the step whose shortest arrow (velocity or
        gradient, of any rule) is longest. Step 0 is chosen only when it is the only one (no velocity yet)."""
        if len(self.vectors) < 2:
            return 0
        score = [
            min(
                min(float(np.hypot(*v["velocity"])), float(np.hypot(*v["gradient"])))
                for v in per_rule
            )
            for per_rule in self.vectors[1:]
        ]
        return int(np.nanargmax(score)) + 1 if np.any(np.isfinite(score)) else 1


def same_state_updates(
    t: Any,
    surface: Any,
    axes: Any,
    rules: Any,
    *,
    overview: Any = None,
    step: int | None = None,
    label: str = "from the state at step {k}",
    pad: float = 0.12,
) -> SameStateUpdates:
    """The lecture's comparison: the updates of several rules from the *same* state, one panel per rule.

    The state at step k is the run ``t``'s point and velocity, ``(x_k, v_k)`` (``t.path[k]`` and the velocity
    arrow of ``t.update_vectors(k)``). Each of ``rules`` (objects with ``vectors_from``: a ``Momentum`` and a
    ``Nesterov`` rule, with their own lr) makes its update from it with the surface's exact gradient
    (``Momentum.vectors_from``: gradient at x; ``Nesterov.vectors_from``: at the look-ahead point x + v).
    Panels are drawn relative to x_k (axes "Δ"), all at one scale that holds every step's arrows, so arrows
    can be compared across panels and frames. ``set_frame(k)`` shows the updates from the state at step k
    (hidden where the run has no update k); ``overview`` marks x_k on another axes.
    """
    from matplotlib.patches import FancyArrowPatch

    axes = list(axes)
    rules = list(rules)
    if len(axes) != len(rules):
        raise ValueError(f"one axes per rule: got {len(axes)} axes for {len(rules)} rules")
    path = np.asarray(t.path, dtype=float)
    out = SameStateUpdates(rules=[r.name for r in rules], states=path)
    velocities = state_velocities(t)
    # Every state of the run has an update to compare, the last one too (a diverged run's last state has none).
    stop = (
        int(t.stop_step) + 1
        if np.all(np.isfinite(path[: int(t.stop_step) + 1]))
        else int(t.stop_step)
    )
    for k in range(stop):
        out.vectors.append([r.vectors_from(path[k], velocities[k], surface.grad) for r in rules])
    lw, size = linewidth(), fontsize()
    ends = [np.zeros(2)]
    for per_rule in out.vectors:
        for vec in per_rule:
            ends += [
                vec["velocity"],
                vec["velocity"] + vec["gradient"],
                vec["gradient"],
                vec["step"],
            ]
    ends_arr = np.array(ends)
    lo, hi = ends_arr.min(axis=0), ends_arr.max(axis=0)
    span = max(float((hi - lo).max()), 1e-12)
    lo, hi = lo - pad * span, hi + pad * span
    u, v = surface.param_names
    for ax, rule in zip(axes, rules, strict=True):
        arrows = {}
        for name in ("velocity", "gradient", "step"):
            arrow = FancyArrowPatch(
                (0, 0), (0, 0), arrowstyle="-|>", color=COLORS[name], linewidth=1.2 * lw, shrinkA=0, shrinkB=0,
                mutation_scale=9 * lw, zorder=4.5 if name == "step" else 4, label=f"_{name}",
            )  # fmt: skip
            arrow.set_gid(name)
            ax.add_patch(arrow)
            arrows[name] = arrow
        (dot,) = ax.plot(
            [0],
            [0],
            marker="o",
            markersize=3.2 * lw,
            color="black",
            linestyle="none",
            zorder=5,
            label="_point",
        )
        points = {"point": dot}
        if rule.name == "nesterov":
            points["lookahead"] = ax.plot(
                [], [], marker="o", markersize=3.2 * lw, markerfacecolor="white", markeredgecolor="black",
                markeredgewidth=0.5 * lw, linestyle="none", zorder=5, label="_lookahead",
            )[0]  # fmt: skip
        guides = [
            ax.plot(
                [],
                [],
                color="0.5",
                linewidth=0.6 * lw,
                linestyle=(0, (3, 3)),
                zorder=3,
                label="_guide",
            )[0]
            for _ in range(2 if rule.name != "nesterov" else 1)
        ]
        text = place_text(
            ax, label.format(k=stop), (0.0, 1.0), xycoords="axes fraction", fontsize=size, color="0.2",
            zorder=6, spots=_CORNERS, bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                                            "edgecolor": "0.85", "alpha": 0.9},
        )  # fmt: skip
        out.arrows.append(arrows)
        out.points.append(points)
        out.guides.append(guides)
        out.labels.append(text)
        (x0, x1), (y0, y1) = fitted(ax, ((lo[0], hi[0]), (lo[1], hi[1])))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.axhline(0, color="0.85", linewidth=0.6 * lw, zorder=0.5)
        ax.axvline(0, color="0.85", linewidth=0.6 * lw, zorder=0.5)
        ax.set_xlabel(f"Δ{u} from x")
        ax.set_ylabel(f"Δ{v}")
    if overview is not None:
        out.marker = overview.plot(
            [], [], marker="o", markersize=3.6 * lw, color="black", markeredgecolor="white",
            markeredgewidth=0.5 * lw, linestyle="none", zorder=6, label="_state",
        )[0]  # fmt: skip
    out.frames.append(_SameState(out, label, stop))
    out.set_frame(stop - 1 if step is None else int(step))
    return out


def state_velocities(t: Any) -> np.ndarray:
    """The velocity of a momentum run's state at every step, ``rho (x_k - x_{k-1})`` (zero at the start): the
    lecture's ``rho v`` on the drawn path (``Trajectory.path``), the same for heavy ball and Nesterov, and equal
    to the velocity arrow of ``t.update_vectors(k)`` wherever that exists."""
    path = np.asarray(t.path, dtype=float)
    out = np.zeros_like(path)
    with np.errstate(all="ignore"):
        out[1:] = float(t.optimizer.rho) * np.diff(path, axis=0)
    return out


# Corners of an axes, for a label that goes in one (axes fractions, offsets in points inward).
_CORNERS = (
    Spot(6, -6, ha="left", va="top", xy=(0.0, 1.0)),
    Spot(-6, -6, ha="right", va="top", xy=(1.0, 1.0)),
    Spot(6, 6, ha="left", va="bottom", xy=(0.0, 0.0)),
    Spot(-6, 6, ha="right", va="bottom", xy=(1.0, 0.0)),
)


class _SameState:
    """The frame part of :class:`SameStateUpdates`: every frame's vectors, computed once."""

    def __init__(self, handle: SameStateUpdates, label: str, stop: int) -> None:
        self.handle, self.label, self.stop = handle, label, stop

    def set_frame(self, k: int) -> list[Any]:
        h = self.handle
        changed: list[Any] = list(h.labels)
        shown = 0 <= k < self.stop
        for i, (arrows, points, guides) in enumerate(
            zip(h.arrows, h.points, h.guides, strict=True)
        ):
            changed += [*arrows.values(), *points.values(), *guides]
            if not shown:
                for artist in (*arrows.values(), *points.values(), *guides):
                    artist.set_visible(False)
                continue
            vec = h.vectors[k][i]
            velocity, gradient, step = vec["velocity"], vec["gradient"], vec["step"]
            tails = {"velocity": np.zeros(2), "gradient": velocity if "lookahead" in vec else np.zeros(2),
                     "step": np.zeros(2)}  # fmt: skip
            for name, arrow in arrows.items():
                tail, tip = tails[name], tails[name] + vec[name]
                arrow.tail, arrow.tip = tail, tip
                arrow.set_positions(tuple(tail), tuple(tip))
                arrow.set_visible(bool(np.hypot(*vec[name]) > 0))
            points["point"].set_visible(True)
            if "lookahead" in points:
                points["lookahead"].set_data([velocity[0]], [velocity[1]])
                points["lookahead"].set_visible(True)
            # Dashed completions of the sum: heavy ball's parallelogram; Nesterov's gradient starts at the tip.
            segments = (
                [(velocity, step), (gradient, step)]
                if "lookahead" not in vec
                else [(velocity, step)]
            )
            for guide, (a, b) in zip(guides, segments, strict=True):
                guide.set_data([a[0], b[0]], [a[1], b[1]])
                guide.set_visible(True)
        for text in h.labels:
            text.set_text(self.label.format(k=k) + ("" if shown else ": no update"))
        if h.marker is not None:
            x = h.states[min(max(k, 0), len(h.states) - 1)]
            h.marker.set_data([x[0]], [x[1]])
            changed.append(h.marker)
        return changed
