"""``optviz.explore(surface)``: live trajectories of several update rules on a contour, with sliders and buttons.

The engine recomputes the shown runs a setting affects whenever it changes; the figure only sets data on
artists made once, and a slider move is blitted: the contour, the axes and the other widgets stay in the saved
background, and only the paths, markers, loss curves, readouts and the moved slider are drawn again. The loss
panel's limits move only in whole decades (its x-limit in steps of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of
ten), so most moves never redraw the figure.

Which rules a setting applies to, the defaults, the sliders and the schedule selector come from the one
settings table both explorers read (:mod:`optviz.explore_settings`: :data:`SETTINGS`, :data:`SCHEDULES`,
:func:`controls`), so the web page's explorer is this one.

The explorer opens at the end of the runs (step N of N, the whole paths shown). Run (Play), ``run(n)`` and Step
from the last step start over from step 0, so the first press always shows motion.

Default learning rates: see :mod:`optviz.explore_settings`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import style
from optviz._format import format_number
from optviz._validate import ParameterError
from optviz.analysis import condition_number, hessian_eigen
from optviz.engine import default_label, run
from optviz.explore_settings import (
    DOMAINS,
    NOISY,
    RULES,
    SCHEDULES,
    SECOND_ORDER,
    SETTINGS,
    SLIDER_COLUMNS,
    Control,
    Settings,
    controls,
    make_rule,
    nice,
    read_settings,
    run_arguments,
)
from optviz.explorer._base import Explorer, new_figure, quiet_draws, quiet_widget
from optviz.explorer._blitter import LiveBox, memoize_leader, padded_box
from optviz.explorer._glyphs import GlyphText, glyph_cached
from optviz.explorer._toml import scenario_text
from optviz.optimizers import rule_class
from optviz.plot.loss import NESTEROV_LOSS_NOTE, nesterov_note_of
from optviz.stacked import Stacked
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

# Where the readout columns start, in characters of the monospaced readout font: rule, f(x), |grad f|,
# kappa(H), eig(H), status. Wide enough for "noisy Nesterov", "-0.000123" and "diverged at step 100000".
READOUT_COLUMNS = (0, 15, 25, 34, 41, 58)


def _readout(value: float) -> str:
    """A readout number in few characters (three significant digits): ``3873``, ``0.0895``, ``1.23e6``."""
    return format_number(value, 3)


def _char_width(fig: Any, size: float) -> float:
    """The advance of one character of the readouts' monospaced font at ``size``, in points."""
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    prop = FontProperties(family="DejaVu Sans Mono", size=size)
    width, _, _ = renderer.get_text_width_height_descent("0" * 20, prop, ismath=False)
    return width / 20 * 72 / fig.dpi


def compute(surface: Surface, name: str, s: Settings) -> Trajectory:
    """The run the explorer shows for rule ``name``: ``optviz.run`` with the settings."""
    return compute_all(surface, [name], s)[name]


def compute_all(surface: Surface, names: Sequence[str], s: Settings) -> dict[str, Trajectory]:
    """The runs of the rules ``names``, equal to :func:`compute` for each (``optviz.run`` with
    :func:`run_arguments`). The rules that stack (``optviz.stacked.Stacked``: all but Newton and L-BFGS,
    which evaluate the surface themselves) are made in one batch, stepped side by side, one surface
    evaluation and noise draw per step for them all; under a schedule each steps as its scheduled rule."""
    from optviz.scheduled import scheduled

    args = {name: run_arguments(name, s) for name in names}
    alone = [n for n in names if n in SECOND_ORDER]
    stacked = [n for n in names if n not in SECOND_ORDER]
    out = {name: run(surface, **args[name]) for name in alone}
    if len(stacked) == 1:
        out[stacked[0]] = run(surface, **args[stacked[0]])
    elif stacked:
        noise = args[stacked[0]]["noise"]
        members = []
        for name in stacked:
            a = args[name]
            members.append(
                a["optimizer"]
                if a["schedule"] is None
                else scheduled(a["optimizer"], a["schedule"], s.steps)
            )
        starts = np.repeat(np.asarray(s.start, dtype=float)[None], len(members), axis=0)
        batch = run(
            surface, Stacked(tuple(members)), start=starts, steps=s.steps, noise=noise, seed=s.seed
        )
        # Each run as a run of its own gives it (its rule, schedule and label: "SGD+Momentum" under noise);
        # no state history.
        for i, name in enumerate(stacked):
            a = args[name]
            out[name] = replace(
                batch[i], optimizer=a["optimizer"], schedule=a["schedule"],
                label=default_label(a["optimizer"], noise),
            )  # fmt: skip
    return {name: out[name] for name in names}


def head(t: Trajectory, steps: int) -> Trajectory:
    """The first ``steps`` steps of the single run ``t``, as a run of ``steps`` steps gives them.

    The engine's runs are prefixes of each other: iterate k depends only on the iterates before it (and the
    noise draw of step k, which depends only on the seed and k), and a run stops at the first iterate that
    diverges or converges. So the shorter run has the same rows, and has stopped if the longer one stopped
    within its rows (diverged: before its last iterate; converged: at or before it); otherwise it ran to the
    end (``tests/test_explorer.py`` holds this equal to a fresh run).
    """
    if not 0 <= steps <= t.steps:
        raise ValueError(f"steps must be in [0, {t.steps}], got {steps}")
    stop = int(t.stop_step)
    status = str(t.status)
    if not (stop < steps or (status == "converged" and stop <= steps)):
        status, stop = "max_steps", steps
    rows = slice(0, steps + 1)
    return replace(
        t, xy=t.xy[rows], loss=t.loss[rows], grad=t.grad[rows],
        state={k: v[rows] for k, v in t.state.items()}, status=status, stop_step=stop,
    )  # fmt: skip


@dataclass
class RuleArtists:
    """The artists of one rule: its trajectory and loss handles (made once) and its divergence marks."""

    path: Any  # optviz.plot.TrajectoryArtists
    loss: Any  # optviz.plot.LossArtists
    cross: Any
    note: Any
    loss_cross: Any

    @property
    def all(self) -> list[Any]:
        run = self.path.runs[0]
        return [
            run.path,
            run.start,
            run.end,
            self.cross,
            self.note,
            *self.loss.lines,
            self.loss_cross,
        ]


@dataclass
class Readout:
    """What the readout line of one rule says at the current step (numbers, for tests and the text)."""

    rule: str
    step: int
    xy: np.ndarray
    loss: float
    grad_norm: float
    kappa: float
    eigenvalues: np.ndarray
    status: str
    fields: list[str] = field(default_factory=list)


def _set_text(text: Any, value: str, color: str, weight: str) -> None:
    """Change a readout only where it differs: an unchanged one stays clean (not stale), so it is not drawn."""
    text.set_text(value)
    if text.get_color() != color:
        text.set_color(color)
    if text.get_fontweight() != weight:
        text.set_fontweight(weight)


# The loss panel's x-limits: these multiples of a power of ten, so that the axis ends near the last step (at
# most a third past it) and a steps drag changes it (a full redraw) only every 20-50%.
NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(n: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten at or above ``n``: 60 -> 60, 101 -> 150."""
    decade = 10.0 ** math.floor(math.log10(n))
    for m in NICE_STEPS:
        if m * decade >= n * (1 - 1e-12):
            return m * decade
    return 10.0 * decade  # pragma: no cover (the ladder ends at 10)


def loss_limits(
    values: np.ndarray, *, log: bool, current: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Loss-panel limits for ``values`` that move in whole steps: decades on a log axis (the lowest at most
    16 decades below the highest), whole multiples of a power of ten on a linear one.

    The ``current`` limits stay while the values fit in them and fill at least half of them (half the decades
    on a log axis), so a drag that moves the curves a little does not change the axes; when the curves reach
    below them (the ragged tail of a converging run), the new lower limit leaves two decades of room.

    >>> loss_limits(np.array([30.0, 0.2, 1e-3]), log=True)
    (0.0001, 100.0)
    >>> loss_limits(np.array([30.0, 0.2, 1e-3]), log=True, current=(1e-6, 1e3))
    (1e-06, 1000.0)
    >>> loss_limits(np.array([30.0, 0.2, 1e-3]), log=True, current=(1e-2, 1e2))
    (1e-06, 100.0)
    >>> loss_limits(np.array([-2.6, 1.3]), log=False)
    (-3.0, 2.0)
    """
    values = values[np.isfinite(values)]
    if log:
        values = values[values > 0]
        if values.size == 0:
            return current or (1e-12, 1.0)
        top = float(values.max())
        bottom = max(float(values.min()), top * 1e-16)
        # A little room past the extreme values, so a curve never runs along the frame.
        low, high = math.floor(math.log10(bottom) - 0.05), math.ceil(math.log10(top) + 0.05)
        if current is not None:
            c0, c1 = math.log10(current[0]), math.log10(current[1])
            if c0 <= low and high <= c1 and high - low >= 0.5 * (c1 - c0):
                return current
            if (
                low < c0
            ):  # the curves reach lower than shown (the tail of a converging run): room to go on
                low -= 2
        return 10.0**low, 10.0**high
    if values.size == 0:
        return current or (-1.0, 1.0)
    vmin, vmax = float(values.min()), float(values.max())
    span = vmax - vmin if vmax > vmin else max(abs(vmax), 1.0)
    unit = 10.0 ** math.floor(math.log10(span))
    lo, hi = math.floor(vmin / unit) * unit, math.ceil(vmax / unit) * unit
    if hi - vmax < 0.02 * span:  # room past the extreme values
        hi += unit
    if vmin - lo < 0.02 * span:
        lo -= unit
    if current is not None:
        c0, c1 = current
        if c0 <= lo and hi <= c1 and hi - lo >= 0.5 * (c1 - c0):
            return current
    return lo, hi


def _affected(setting: str) -> tuple[str, ...]:
    """The rules whose runs a setting changes."""
    if setting in SETTINGS:
        return SETTINGS[setting][1]
    return NOISY if setting == "sigma" else RULES


class SurfaceExplorer(Explorer):
    """Live trajectories on a surface's contour; see :func:`optviz.explore`.

    Attributes: ``surface``, ``settings`` (a :class:`Settings`), ``runs`` (rule name -> the Trajectory shown),
    ``k`` (the step shown), ``ax`` (contour), ``contour`` (its ``plot.ContourArtists``), ``loss_ax``,
    ``artists`` (rule name -> :class:`RuleArtists`), ``controls`` (setting name -> its slider's
    :class:`Control`), ``widgets`` (sliders by setting name, ``"rules"``, and the buttons ``"step"``, ``"run"``,
    ``"reset"``, ``"random"``), ``rng`` (seeded; draws the random starts), ``blitter`` (what a change redraws).
    """

    def __init__(
        self,
        surface: Surface,
        settings: Settings,
        *,
        figsize: tuple[float, float] = (14.0, 8.0),
        dpi: float = 100.0,
        scale: float = 0.72,
        pyplot: bool = True,
    ) -> None:
        self.surface = surface
        self.settings = settings
        self.rng = np.random.default_rng(settings.seed)
        self.runs: dict[str, Trajectory] = {}
        # The last run the engine made for each rule, by what it depends on besides the steps: a steps move
        # that shortens the runs takes their first steps (``head``) instead of running them again.
        self._longest: dict[str, tuple[Any, Trajectory]] = {}
        self.k = settings.steps
        self.message = ""
        self._requested: dict[str, float] = {}
        self._fmin = surface.fmin
        self._limits_set = False  # the loss panel's y-limits: set from the first runs on
        with style.context(scale):
            fig = new_figure(figsize, dpi, pyplot)
            super().__init__(fig)
            with quiet_draws(fig):
                self._build()
        self._recompute(settings.rules)
        self._loss_limits()
        self._frame()
        self.blitter.redraw_now()  # laid out: the corner's tick labels are measured next
        # The contour's x and y tick labels apart at its corner, as in the static figures (the view is fixed
        # from here on, so once is enough).
        from optviz.figures.layout import separate_corner_labels

        if separate_corner_labels(self.ax, fig.canvas.get_renderer()):
            self.blitter.redraw()

    # -- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        from matplotlib.widgets import CheckButtons, RadioButtons, Slider

        from optviz import plot
        from optviz.figures.layout import surface_title
        from optviz.plot.common import fontsize

        fig, s, size = self.fig, self.surface, fontsize()
        self._size = size
        title = s.title or s.name
        fig.suptitle(
            f"{title}:  {surface_title(s)}      (click the contour to set the start)",
            fontsize=1.15 * size, fontweight="bold", y=0.985,
        )  # fmt: skip
        self.ax = fig.add_axes((0.045, 0.43, 0.40, 0.49))
        self.contour = plot.contour(s, ax=self.ax)
        # The critical points' labels ("min", "saddle") over the paths, on a light box: the paths converge on
        # them and would cover them. So they are live artists too, clipped to the contour's axes (drawn again
        # with every update of the paths there: a few glyphs).
        box = {
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.75,
        }
        for label in self.contour.labels:
            memoize_leader(label)
            glyph_cached(label)
            label.set_zorder(3.35)  # over the paths and their markers, under the divergence marks
            label.set_bbox(box)
            label.set_clip_box(self.ax.bbox)
            label.set_clip_on(True)
        self.blitter.add(self.contour.labels)
        self.loss_ax = fig.add_axes((0.56, 0.69, 0.41, 0.20))
        if math.isfinite(self._fmin):  # the gap to the known minimum, on a log scale
            self.loss_ax.set_yscale("log")
        self.artists: dict[str, RuleArtists] = {}
        self._drawn: dict[
            str, np.ndarray
        ] = {}  # each run's drawn points (Trajectory.path), set by _bind
        for name in RULES:
            self.artists[name] = self._rule_artists(name, size)
        # Nesterov's handles wrote the note on its loss (plot.loss): a claim about a shown curve, so shown
        # only while Nesterov's run is (_show_note)
        self._nesterov_note = nesterov_note_of(self.loss_ax)
        self._show_note()
        self.loss_ax.set_xlabel("iteration k")
        self.loss_ax.set_ylabel("f(x) - f*" if math.isfinite(self._fmin) else "f(x)")
        self.loss_ax.grid(True)
        # Readouts: one row per shown rule, in monospaced columns, all inside the readout axes. Each cell is
        # clipped to its own box, so a number that did not change is not drawn again (text is the dearest
        # thing to draw); the eigenvalues may run on into the status cell, which they share a box with.
        self.readout_ax = fig.add_axes((0.49, 0.385, 0.50, 0.24))
        self.readout_ax.set_axis_off()
        self._char = _char_width(fig, size)
        headers = ("rule", "f(x)", "|∇f|", "κ(H)", "eig(H)", "status")
        self.header_texts = [
            self.readout_ax.text(0.0, 1.0, h, fontsize=size, fontweight="bold", va="top",
                                 transform=self._column(c))
            for c, h in zip(READOUT_COLUMNS, headers, strict=True)
        ]  # fmt: skip
        row = min(0.14, 0.84 / len(RULES))
        ends = [*READOUT_COLUMNS[1:-1], None, None]
        self.readout_texts = []
        for i in range(len(RULES)):
            top = 1.0 - row * (i + 1)
            texts = []
            for c, end in zip(READOUT_COLUMNS, ends, strict=True):
                # Drawn from cached glyphs, with Text's pixels: a new number costs a tenth of a Text's draw.
                t = GlyphText(
                    0.0, top, "", fontsize=size, va="top", family="DejaVu Sans Mono",
                    transform=self._column(c),
                )  # fmt: skip
                self.readout_ax.add_artist(t)
                # Clipped to its cell alone, set after add (an axes clips what is added to its patch).
                t.set_clip_path(None)
                t.set_clip_box(self._cell(top, row, c, end))
                t.set_clip_on(True)
                texts.append(t)
            self.readout_texts.append(texts)
        self.step_text = self.loss_ax.set_title("", fontsize=size, loc="left")
        glyph_cached(self.step_text)
        self.step_text.set_clip_box(self._title_box())
        self.step_text.set_clip_on(True)
        # Live texts belong to axes: a figure-level animated artist would be left out of savefig. The message
        # (an error, rare) is static: a change to it redraws the figure.
        self.message_text = self.readout_ax.text(
            0.0, -0.05, "", fontsize=size, color="#B00020", va="top", wrap=True
        )
        self.blitter.add([self.step_text])
        for texts in self.readout_texts:
            self.blitter.add(texts)
        for arts in self.artists.values():
            self.blitter.add(arts.all)
        # Sliders, in two columns under the contour: (left end of the track, its width, the right end of its
        # value text) in figure fractions.
        self.controls = {c.name: c for c in controls(s, self.settings)}
        columns = ((0.17, 0.10, 0.325), (0.445, 0.09, 0.575))
        for i, c in enumerate(self.controls.values()):
            x, width, value_end = columns[min(i // SLIDER_COLUMNS, 1)]
            row = i % SLIDER_COLUMNS if i < SLIDER_COLUMNS else i - SLIDER_COLUMNS
            ax = fig.add_axes((x, 0.33 - row * 0.046, width, 0.022))
            value = getattr(self.settings, c.name)
            slider = Slider(
                ax, c.label, c.to_slider(c.low), c.to_slider(c.high), valinit=c.to_slider(value),
                valstep=1 if c.integer else None, initcolor="none",
            )  # fmt: skip
            quiet_widget(slider)
            slider.label.set_fontsize(size)
            slider.valtext.set_fontsize(size)
            slider.valtext.set_text(c.text(value))
            glyph_cached(slider.valtext)
            slider.on_changed(self._slider_callback(c.name))
            self.widgets[c.name] = slider
            self.blitter.add(self._live_parts(slider, value_end))
        # The rules shown, the schedule, L-BFGS's line search and the buttons, right of the sliders.
        labels = [rule_class(r).label for r in RULES]
        box = fig.add_axes((0.585, 0.02, 0.115, 0.33))
        box.set_title("rules shown", fontsize=size, loc="left")
        checks = CheckButtons(
            box, labels, [r in self.settings.rules for r in RULES], useblit=False,
            label_props={"color": [style.rule_color(r) for r in RULES], "fontsize": [size] * len(RULES),
                         "fontweight": ["bold"] * len(RULES)},
        )  # fmt: skip
        quiet_widget(checks)
        checks.on_clicked(self._on_check)
        self.widgets["rules"] = checks
        box = fig.add_axes((0.715, 0.14, 0.13, 0.21))
        box.set_title("lr schedule", fontsize=size, loc="left")
        radio = RadioButtons(
            box, list(SCHEDULES), active=SCHEDULES.index(self.settings.schedule), useblit=False,
            label_props={"fontsize": [size] * len(SCHEDULES)},
        )  # fmt: skip
        quiet_widget(radio)
        radio.on_clicked(self._on_schedule)
        self.widgets["schedule"] = radio
        box = fig.add_axes((0.715, 0.02, 0.13, 0.06))
        box.set_title("L-BFGS line search", fontsize=size, loc="left")
        search = CheckButtons(
            box, ["strong Wolfe"], [self.settings.line_search_fn is not None], useblit=False,
            label_props={"fontsize": [size]},
        )  # fmt: skip
        quiet_widget(search)
        search.on_clicked(self._on_line_search)
        self.widgets["line_search_fn"] = search
        self.add_buttons(
            [
                ("step", "Step", (0.86, 0.275, 0.12, 0.065), self.step),
                ("run", "Run", (0.86, 0.19, 0.12, 0.065), self.toggle),
                ("reset", "Reset", (0.86, 0.105, 0.12, 0.065), self.reset),
                ("random", "Random start", (0.86, 0.02, 0.12, 0.065), self.random_start),
            ],
            size,
        )
        fig.canvas.mpl_connect("button_press_event", self._on_click)
        self._dim_controls()

    def _column(self, chars: int) -> Any:
        """The readout axes' transform, shifted right by ``chars`` monospaced characters."""
        from matplotlib.transforms import ScaledTranslation

        shift = ScaledTranslation(chars * self._char / 72, 0, self.fig.dpi_scale_trans)
        return self.readout_ax.transAxes + shift

    def _cell(self, top: float, height: float, start: int, end: int | None) -> LiveBox:
        """The clip box of a readout cell: characters ``start`` to ``end`` (None: to the figure's right edge)
        of the row whose text hangs from ``top`` (axes fraction), with gaps to its neighbours."""
        ax, fig = self.readout_ax, self.fig

        def points() -> Any:
            b = ax.bbox
            char = self._char * fig.dpi / 72
            x0 = b.x0 + start * char - 0.5
            x1 = fig.bbox.x1 if end is None else b.x0 + end * char - 3.5
            # From 3 px above the next row's top to 1 px above its own: padded by half a pixel (the blitter's
            # reach) and rounded out to whole pixels, they never share a row of pixels (floor(v + 2.5) >=
            # ceil(v + 1.5)), so each cell is a region of its own; a row (~18 px) leaves room for the
            # descenders of a line (~13 px).
            return [
                [x0, b.y0 + (top - height) * b.height + 3.0],
                [x1, b.y0 + top * b.height + 1.0],
            ]

        return LiveBox(points, ax.bbox, fig.bbox)

    def _title_box(self) -> LiveBox:
        """The clip box of the step counter (the loss panel's title): the strip above the panel."""
        ax, fig = self.loss_ax, self.fig

        # The loss panel's right-hand title, the note on Nesterov's loss (optviz.plot.loss), is static: while
        # it shows, the counter's box stops short of it, so that no static text lies under a live one (its box
        # is computed at each full draw, which a change of the rules shown makes).
        note = self._nesterov_note

        def points() -> Any:
            b = ax.bbox
            pixels = fig.dpi / 72
            shown = note is not None and note.get_text()  # (while a Nesterov run is shown)
            right = b.x1 if not shown else note.get_window_extent().x0 - 4 * pixels
            return [[b.x0 - 2 * pixels, b.y1 + 3], [right, b.y1 + 3 + 2.5 * self._size * pixels]]

        return LiveBox(points, ax.bbox)

    def _live_parts(self, slider: Any, value_end: float) -> list[Any]:
        """What a slider move changes (the bar, the handle, the value text), clipped to where it can be."""
        from matplotlib.transforms import Bbox, ScaledTranslation, TransformedBbox

        ax = slider.ax
        # The handle may sit on either end of the track, half outside the axes: the label and the value text
        # keep clear of it, and it is clipped to where it can be.
        handle = slider._handle
        radius = handle.get_markersize() / 2 + handle.get_markeredgewidth()
        handle.set_clip_box(padded_box(ax.bbox, (radius + 1, 1), self.fig))
        handle.set_clip_on(True)
        for text, x, sign in ((slider.label, 0.0, -1), (slider.valtext, 1.0, 1)):
            shift = ScaledTranslation(sign * (radius + 3) / 72, 0, self.fig.dpi_scale_trans)
            text.set_x(x)
            text.set_transform(ax.transAxes + shift)
        slider.vline.set_visible(False)  # the initial-value mark (initcolor "none") paints nothing
        # The value text, right of the track, up to the next column (``value_end``, a figure fraction).
        x1 = (value_end - ax.get_position().x1) / ax.get_position().width + 1.0
        slider.valtext.set_clip_box(TransformedBbox(Bbox([[1.0, -0.15], [x1, 1.15]]), ax.transAxes))
        slider.valtext.set_clip_on(True)
        return [slider.poly, handle, slider.valtext]

    def _rule_artists(self, name: str, size: float) -> RuleArtists:
        from optviz import plot
        from optviz.plot.common import linewidth

        color = style.rule_color(name)
        # Handles made once from a zero-step run (just the start); every later run is set into them.
        seed_run = run(
            self.surface, make_rule(name, self.settings), start=self.settings.start, steps=0
        )
        path = plot.trajectory(seed_run, ax=self.ax, color=color, legend=False)
        loss = plot.loss(seed_run, ax=self.loss_ax, color=color, legend=False, log=False)
        lw = linewidth()
        cross = self.ax.plot(
            [], [], marker="X", markersize=4.5 * lw, color=color, markeredgecolor="black",
            markeredgewidth=0.5 * lw, zorder=3.4, linestyle="none", visible=False,
        )[0]  # fmt: skip
        # Clipped to the contour's axes: the note sits beside a mark held inside the view.
        note = self.ax.annotate(
            "", (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=size, color=color,
            fontweight="bold", zorder=3.4, annotation_clip=False, visible=False,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            clip_on=True, clip_box=self.ax.bbox,
        )  # fmt: skip
        loss_cross = self.loss_ax.plot(
            [], [], marker="X", markersize=4 * lw, color=color, markeredgecolor="black",
            markeredgewidth=0.4 * lw, zorder=4, linestyle="none", visible=False,
        )[0]  # fmt: skip
        arts = RuleArtists(path=path, loss=loss, cross=cross, note=note, loss_cross=loss_cross)
        if name not in self.settings.rules:
            for a in arts.all:
                a.set_visible(False)
        return arts

    # -- computing and binding runs -------------------------------------------------------------------
    def _recompute(self, names: Sequence[str]) -> None:
        """Run the engine for the shown rules among ``names`` and set the results into their artists."""
        shown = [name for name in names if name in self.settings.rules]
        if not shown:
            return
        s = self.settings
        keys = {name: self._run_key(name) for name in shown}
        runs = {}
        for name in shown:
            key, longest = self._longest.get(name, (None, None))
            if longest is not None and key == keys[name] and longest.steps >= s.steps:
                runs[name] = head(longest, s.steps)
        fresh = [name for name in shown if name not in runs]
        if fresh:
            for name, t in compute_all(self.surface, fresh, s).items():
                self._longest[name] = (keys[name], t)
                runs[name] = t
        for name in shown:
            self.runs[name] = runs[name]
            self._bind(name, runs[name])
        self._stack_notes()

    def _stack_notes(self) -> None:
        """Move each "diverged at step k" note one line further from its edge for every earlier shown rule's
        note that ended near it (runs diverging the same way end on the same edge: their notes would overlap)."""
        from optviz.plot.common import fontsize

        (x0, x1), (y0, y1) = self.surface.bounds
        near_x, near_y = 0.4 * (x1 - x0), 0.12 * (y1 - y0)
        line = 1.45 * fontsize()
        placed: list[tuple[float, float, bool]] = []
        for name in self.settings.rules:
            t = self.runs.get(name)
            if t is None or str(t.status) != "diverged":
                continue
            note = self.artists[name].note
            x, y = note.xy
            top = y > (y0 + y1) / 2
            below = sum(
                1 for (px, py, ptop) in placed
                if ptop == top and abs(px - x) < near_x and abs(py - y) < near_y
            )  # fmt: skip
            dx, dy = self._note_offset
            note.xyann = (
                dx if x > (x0 + x1) / 2 else -dx,
                (-1 if top else 1) * (dy + below * line),
            )
            placed.append((x, y, top))

    def _run_key(self, name: str) -> Any:
        """What rule ``name``'s run depends on besides the number of steps."""
        s = self.settings
        # Noise does not reach a rule it does not apply to (L-BFGS); a schedule follows the steps.
        noise = (s.sigma, s.seed) if name in NOISY else None
        steps = None if s.schedule == "constant" else s.steps
        return (make_rule(name, s), tuple(s.start.tolist()), noise, s.schedule, steps)

    def _loss_values(self, t: Trajectory) -> np.ndarray:
        values = np.asarray(t.loss[: int(t.stop_step) + 1], dtype=float)
        return values - self._fmin if math.isfinite(self._fmin) else values

    def _bind(self, name: str, t: Trajectory) -> None:
        from optviz.plot.frames import Appears, Follows, Grows
        from optviz.plot.trajectory import marker_stride

        arts = self.artists[name]
        r = arts.path.runs[0]
        # The points every figure draws (Nesterov: its actual points, as the static figures); the readouts
        # are taken at them too.
        drawn = self._drawn[name] = t.path
        x, y = drawn[:, 0], drawn[:, 1]
        stop = int(t.stop_step)
        never = t.steps + 1  # an Appears that starts here is never shown
        diverged = str(t.status) == "diverged"
        r.path.set_markevery(marker_stride(stop + 1))
        r.start.set_data([x[0]], [y[0]])
        frames: list[Any] = [Grows(r.path, x, y, stop), Follows(r.end, x, y, stop)]
        frames.append(Appears(r.end, 0, until=stop + 1 if diverged else None))
        frames += [Appears(arts.cross, stop + 1 if diverged else never)]
        frames += [Appears(arts.note, stop + 1 if diverged else never)]
        if diverged:
            self._place_divergence(arts, drawn[stop], stop)
        arts.path.frames = frames
        values = self._loss_values(t)
        ks = np.arange(len(values))
        arts.loss.frames = [
            Grows(arts.loss.lines[0], ks, values, len(values) - 1),
            Appears(arts.loss_cross, stop + 1 if diverged else never),
        ]
        arts.loss_cross.set_data([ks[-1]], [values[-1]])

    def _place_divergence(self, arts: RuleArtists, point: np.ndarray, stop: int) -> None:
        from optviz.plot.common import fontsize

        (x0, x1), (y0, y1) = self.surface.bounds
        # The last valid iterate, held inside the view, so the mark is always seen.
        place = np.array([np.clip(point[0], x0, x1), np.clip(point[1], y0, y1)])
        arts.cross.set_data([place[0]], [place[1]])
        right, top = place[0] > (x0 + x1) / 2, place[1] > (y0 + y1) / 2
        size = fontsize()
        arts.note.xy = tuple(place)
        self._note_offset = (-0.6 * size, 0.6 * size)  # (x toward the middle, y away from the edge)
        arts.note.xyann = (-0.6 * size if right else 0.6 * size, -0.6 * size if top else 0.6 * size)
        arts.note.set_horizontalalignment("right" if right else "left")
        arts.note.set_verticalalignment("top" if top else "bottom")
        # The iterate after the stop step is the first bad one, as optviz.plot.trajectory writes it.
        arts.note.set_text(f"diverged at step {stop + 1}")

    def _loss_limits(self) -> bool:
        """Set the loss panel's limits; True when they changed (a full redraw: new ticks).

        The limits move in whole steps so that a slider drag rarely changes them: the y-limits in whole
        decades on a log scale (in whole multiples of a power of ten on a linear one), kept while the curves
        fit and fill half of them (:func:`loss_limits`), the x-limit to the next step of :data:`NICE_STEPS`
        at or above the number of steps.
        """
        ax = self.loss_ax
        before = (ax.get_xlim(), ax.get_ylim())
        ax.set_xlim(0, nice_ceiling(max(self.settings.steps, 1)))
        shown = [self._loss_values(self.runs[r]) for r in self.settings.rules if r in self.runs]
        values = np.concatenate(shown) if shown else np.array([1.0])
        current = ax.get_ylim() if self._limits_set else None
        ax.set_ylim(*loss_limits(values, log=ax.get_yscale() == "log", current=current))
        self._limits_set = True
        return (ax.get_xlim(), ax.get_ylim()) != before

    # -- showing step k ------------------------------------------------------------------------------
    def _frame(self) -> None:
        """Set every shown rule's artists and readouts to step ``k`` (no drawing)."""
        for name in self.settings.rules:
            arts = self.artists[name]
            arts.path.set_frame(self.k)
            arts.loss.set_frame(self.k)
        shown = list(self.settings.rules)
        for row, texts in enumerate(self.readout_texts):
            if row < len(shown):
                rd = self.readout(shown[row])
                color = style.rule_color(rd.rule)
                weight = "bold" if rd.status.startswith("diverged") else "normal"
                for t, value in zip(texts, rd.fields, strict=True):
                    _set_text(t, value, color, weight)
            else:
                for t in texts:
                    t.set_text("")
        self.step_text.set_text(f"step {self.k} of {self.settings.steps}")

    def _show(self, full: bool = False) -> None:
        """Draw the current state: a blit, unless the loss panel's limits or the message changed."""
        full = self._loss_limits() or full
        self._frame()
        if self.message_text.get_text() != self.message:
            self.message_text.set_text(self.message)
            full = True
        if full:
            self.blitter.redraw()
        else:
            self.blitter.update()

    def readout(self, name: str) -> Readout:
        """The numbers shown for rule ``name`` at the current step: at its drawn point ``min(k, stop_step)``,
        where its marker is (``Trajectory.path``: Nesterov's actual point x, not torch's stored look-ahead
        iterate, whose loss ``t.loss`` is what the loss panel plots)."""
        t = self.runs[name]
        stop = int(t.stop_step)
        j = min(self.k, stop)
        drawn = self._drawn.get(name)
        if drawn is None:  # (not bound yet: its drawn points computed here)
            drawn = t.path
        p = np.asarray(drawn[j], dtype=float)
        with np.errstate(all="ignore"):
            g = self.surface.grad(p)
            eig = hessian_eigen(self.surface, p)[0]
            kappa = float(condition_number(self.surface, p))
            # The recorded loss where the drawn point is the iterate (the engine's own value), else f there.
            loss = float(t.loss[j]) if drawn is t.xy else float(self.surface.value(p))
        if str(t.status) == "diverged" and self.k > stop:
            status = f"diverged at step {stop + 1}"
        elif str(t.status) == "converged" and self.k >= stop:
            status = f"converged at step {stop}"
        elif str(t.status) == "singular" and self.k >= stop:
            status = f"singular H at step {stop}"
        elif self.k >= t.steps:
            status = "done"
        else:
            status = "running"
        fields = [
            # The run's own label (optviz.engine.default_label), as its legend and the explorer page name it:
            # "SGD", "SGD+Momentum" under noise; "L-BFGS" always (it re-evaluates the surface: no noise reaches
            # it, so under noise it is the exact run, under its own name).
            t.label,
            _readout(loss),
            _readout(float(np.hypot(*g))),
            _readout(kappa),
            f"{_readout(eig[0])}, {_readout(eig[1])}",
            status,
        ]
        return Readout(
            rule=name, step=j, xy=p, loss=loss, grad_norm=float(np.hypot(*g)), kappa=kappa,
            eigenvalues=eig, status=status, fields=fields,
        )  # fmt: skip

    # -- Explorer interface ----------------------------------------------------------------------
    def steps_per_tick(self) -> int:
        return max(1, round(self.settings.steps / 50))

    def at_end(self) -> bool:
        return self.k >= self.settings.steps

    def rewind(self) -> None:
        self.k = 0
        self._frame()

    def advance(self, n: int) -> None:
        """Show ``n`` more steps; from the last step, start over from step 0 (so a press always moves)."""
        if n > 0 and self.at_end():
            self.k = 0
        self.k = min(self.k + int(n), self.settings.steps)
        self._show()

    def step(self) -> None:
        """One step: the Step button (from the last step: step 1 of a new pass)."""
        self.advance(1)

    def run(self, n: int | None = None) -> None:
        """Advance ``n`` steps (``None``: to the last step) in one redraw; from the last step, start over."""
        self.advance(self.settings.steps if n is None else check.integer("n", n, minimum=0))

    def reset(self) -> None:
        """Back to step 0 (the runs stay); the Reset button."""
        self.pause()
        self.k = 0
        self._show()

    def _playing_changed(self) -> None:
        button = self.widgets.get("run")
        if button is not None:
            button.label.set_text("Pause" if self.playing else "Run")
            self.blitter.redraw()

    def set_start(self, xy: Any) -> None:
        """Start every run at ``xy``: what a click on the contour does."""
        self._apply(start=check.point("start", xy))

    def random_start(self) -> None:
        """A start drawn uniformly from the middle 90% of the view with the explorer's seeded ``rng``."""
        (x0, x1), (y0, y1) = self.surface.bounds
        dx, dy = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
        xy = self.rng.uniform((x0 + dx, y0 + dy), (x1 - dx, y1 - dy))
        self.set_start(xy)

    def _apply(self, **changes: Any) -> None:
        """Change settings, recompute the runs they affect, redraw. Every control ends here."""
        old = self.settings
        new = replace(old, **changes)
        at_end = self.at_end()
        affected = {r for c in changes for r in _affected(c)}
        try:
            self.settings = new
            self._recompute([r for r in new.rules if r in affected])
            self.message = ""
        except ParameterError as err:  # e.g. a start outside a formula's domain: keep the old runs
            self.settings = old
            self._recompute(old.rules)
            self.message = str(err)
            raise
        finally:
            # At the end it stays at the end (more steps show more path); else it keeps its step.
            steps = self.settings.steps
            self.k = steps if at_end else min(self.k, steps)
            self._show()

    def _slider_callback(self, name: str) -> Callable[[float], None]:
        def changed(v: float) -> None:
            c = self.controls[name]
            if c.log:
                value = 10.0**v
                requested = self._requested.pop(c.name, None)
                # set(lr=0.05) lands exactly on 0.05; a drag lands on three significant digits.
                value = requested if requested is not None else nice(value, 3)
            elif c.integer:
                value = round(v)
            else:
                value = float(v)
            self.widgets[c.name].valtext.set_text(c.text(value))
            self._apply(**{c.name: value})

        return changed

    def _on_schedule(self, label: str | None) -> None:
        self._apply(schedule=label)
        self._show(full=True)  # the selector's buttons changed

    def _on_line_search(self, label: str | None) -> None:
        on = self.widgets["line_search_fn"].get_status()[0]
        self._apply(line_search_fn="strong_wolfe" if on else None)
        self._show(full=True)

    def _on_check(self, label: str | None) -> None:
        states = self.widgets["rules"].get_status()
        rules = tuple(r for r, on in zip(RULES, states, strict=True) if on)
        for name in RULES:
            visible = name in rules
            for a in self.artists[name].all:
                a.set_visible(visible)
        added = [r for r in rules if r not in self.settings.rules]
        self.settings = replace(self.settings, rules=rules)
        self._show_note()
        self._recompute(added)
        self._dim_controls()
        self._show(full=True)

    def _show_note(self) -> None:
        """The loss panel's note on Nesterov's loss (static) says so while a Nesterov run is shown, and only
        then. Emptied, not hidden: matplotlib places an axes' titles together, and an invisible one has no box
        (it would push the step counter, the left title, off its strip)."""
        if self._nesterov_note is not None:
            said = "nesterov" in self.settings.rules
            self._nesterov_note.set_text(NESTEROV_LOSS_NOTE if said else "")

    def _dim_controls(self) -> None:
        for c in self.controls.values():
            relevant = any(r in self.settings.rules for r in c.rules)
            slider = self.widgets[c.name]
            slider.label.set_color("0.1" if relevant else "0.65")
            slider.valtext.set_color("0.1" if relevant else "0.65")
            slider.poly.set_alpha(1.0 if relevant else 0.3)
        relevant = any(r in self.settings.rules for r in SETTINGS["line_search_fn"][1])
        for text in self.widgets["line_search_fn"].labels:
            text.set_color("0.1" if relevant else "0.65")

    def _on_click(self, event: Any) -> None:
        if event.inaxes is not self.ax or event.button != 1 or event.xdata is None:
            return
        toolbar = getattr(self.fig.canvas, "toolbar", None)
        if toolbar is not None and getattr(
            toolbar, "mode", ""
        ):  # zooming or panning, not choosing a start
            return
        with contextlib.suppress(ParameterError):  # the message is shown in the figure
            self.set_start((event.xdata, event.ydata))

    # -- set(name=value) -------------------------------------------------------------------------------
    def set(self, **values: Any) -> None:
        """Move controls by name, exactly as the user would (the widgets move, and their callbacks apply).

        Names:

        - ``lr``: the learning rate of GD, Momentum and Nesterov (the first-order rules that are not adaptive);
        - ``adaptive_lr``: the learning rate of Adam, AdamW, RMSProp and AdaGrad (the adaptive rules);
        - ``second_order_lr``: the learning rate of Newton and L-BFGS (1: the full step of the local model);
        - ``rho``: Momentum's and Nesterov's momentum; ``beta1``, ``beta2``: Adam's and AdamW's betas;
          ``alpha``: RMSProp's smoothing constant (each in [0, 1));
        - ``weight_decay``: AdamW's decoupled weight decay (>= 0; the other rules keep no weight decay);
        - ``damping``: Newton's damping (>= 0), the multiple of the identity added to the Hessian;
        - ``max_iter``, ``history_size``: L-BFGS's inner iterations per step and its memory (integers >= 1);
        - ``line_search_fn``: L-BFGS's line search, ``None`` or ``"strong_wolfe"`` (the check box);
        - ``schedule``: the learning-rate schedule of every rule, one of ``"constant"``, ``"step"``,
          ``"exponential"``, ``"cosine"``, ``"warmup"``, ``"warmup + cosine"``, ``"one-cycle"`` (the
          selector; each one's parameters follow the steps: see :func:`make_schedule`);
        - ``sigma``: the standard deviation of Gaussian gradient noise (0: exact gradients; L-BFGS, which
          re-evaluates the surface at trial points, always runs exact);
        - ``steps``: the number of steps (1 to 100,000); ``seed``: the noise's seed;
        - ``start``: the start ``(x, y)`` of every run (as a click on the contour);
        - ``rules``: the rules shown, by name (``["gd", "adam"]``, or one name).

        Any valid value is accepted: a value beyond a slider's range widens the range (a log slider to the
        decade that holds it). Every value is checked before anything changes; a bad one raises a
        :class:`~optviz.ParameterError` naming the setting (``lr: must be a positive number, got -1.0``).
        """
        setters = self._setters()
        for name in values:
            if name not in setters:
                raise ParameterError(
                    name, check.unknown_name_message(name, setters, what="setting")
                )
        checked = {name: self._check(name, value) for name, value in values.items()}
        for name, value in checked.items():
            setters[name](value)

    def _check(self, name: str, value: Any) -> Any:
        """``value`` for setting ``name``, checked against the setting's domain (no change made)."""
        if name in DOMAINS:
            return DOMAINS[name](name, value)
        if name == "start":
            return check.point("start", value)
        if name == "rules":
            names = [value] if isinstance(value, str) else value
            try:
                names = list(names)
            except TypeError:
                raise ParameterError(
                    "rules", f"must be a rule name or a list of them, got {value!r}"
                ) from None
            for r in names:
                if r not in RULES:
                    raise ParameterError(
                        "rules", check.unknown_name_message(str(r), RULES, what="rule")
                    )
            return tuple(names)
        return value

    def _setters(self) -> dict[str, Callable[[Any], None]]:
        out: dict[str, Callable[[Any], None]] = {c: self._slider_setter(c) for c in self.controls}
        out["seed"] = lambda v: self._apply(seed=DOMAINS["seed"]("seed", v))
        out["schedule"] = self._set_schedule
        out["line_search_fn"] = self._set_line_search
        out["start"] = self.set_start
        out["rules"] = self._set_rules
        return out

    def _slider_setter(self, name: str) -> Callable[[Any], None]:
        def setter(value: Any) -> None:
            value = DOMAINS[name](name, value)
            c = self.controls[name]
            if not c.contains(value):
                self._widen(c.widened(value))
            if c.log:
                self._requested[name] = float(value)
            self.widgets[name].set_val(self.controls[name].to_slider(value))

        return setter

    def _widen(self, c: Control) -> None:
        """Give a slider the range of ``c`` (its bar and handle are live artists: no full redraw needed)."""
        self.controls[c.name] = c
        slider = self.widgets[c.name]
        slider.valmin, slider.valmax = c.to_slider(c.low), c.to_slider(c.high)
        slider.ax.set_xlim(slider.valmin, slider.valmax)
        slider.poly.set_x(slider.valmin)  # the bar starts at the (new) left end

    def _set_schedule(self, choice: Any) -> None:
        choice = DOMAINS["schedule"]("schedule", choice)
        if choice != self.settings.schedule:
            self.widgets["schedule"].set_active(SCHEDULES.index(choice))  # its callback applies it

    def _set_line_search(self, value: Any) -> None:
        value = DOMAINS["line_search_fn"]("line_search_fn", value)
        if value != self.settings.line_search_fn:
            self.widgets["line_search_fn"].set_active(0)

    def _set_rules(self, rules: Any) -> None:
        wanted = set(self._check("rules", rules))
        checks = self.widgets["rules"]
        for i, (name, on) in enumerate(zip(RULES, checks.get_status(), strict=True)):
            if (name in wanted) != on:
                checks.set_active(i)  # the widget's own callback applies it

    # -- keeping what you found ------------------------------------------------------------------------
    def to_scenario(self, path: Any) -> Path:
        """Write the shown runs (rules, hyperparameters, schedules, start, steps, noise and seed) as a scenario
        file.

        ``optviz render PATH`` turns it into the same runs as a static figure (kind ``trajectories``, with the
        loss panel), and ``optviz.scenario.load(PATH)`` gives them back. The file is written atomically.
        Returns the path. A surface made from a Python callable cannot be named in a file (ParameterError).
        """
        from optviz._io import atomic_path

        s = self.settings
        args = [run_arguments(name, s) for name in s.rules]
        text = scenario_text(
            self.surface, [a["optimizer"] for a in args], start=s.start, steps=s.steps, seed=s.seed,
            noises=[a["noise"] for a in args], schedules=[a["schedule"] for a in args],
        )  # fmt: skip
        target = Path(path)
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return target


def explore(
    surface: Surface | str,
    rules: Sequence[str] | str = ("gd", "momentum"),
    *,
    start: Any = None,
    steps: int = 100,
    lr: float | None = None,
    adaptive_lr: float | None = None,
    second_order_lr: float = 1.0,
    rho: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    alpha: float = 0.99,
    weight_decay: float = 1e-2,
    damping: float = 0.0,
    max_iter: int = 20,
    history_size: int = 100,
    line_search_fn: str | None = None,
    schedule: str = "constant",
    sigma: float = 0.0,
    seed: int = 0,
    figsize: tuple[float, float] = (14.0, 8.0),
    pyplot: bool = True,
) -> SurfaceExplorer:
    """Open an interactive explorer: live trajectories of ``rules`` on ``surface``'s contour.

    Sliders set ``lr`` (GD, Momentum, Nesterov), ``adaptive_lr`` (Adam, AdamW, RMSProp, AdaGrad),
    ``second_order_lr`` (Newton, L-BFGS), ``rho`` (Momentum, Nesterov), ``beta1`` and ``beta2`` (Adam, AdamW),
    ``alpha`` (RMSProp), ``weight_decay`` (AdamW), ``damping`` (Newton), ``max_iter`` and ``history_size``
    (L-BFGS), the gradient noise ``sigma`` and ``steps``; a check box sets L-BFGS's ``line_search_fn``
    (``"strong_wolfe"``), a selector the lr ``schedule`` of every rule (:data:`SCHEDULES`); check boxes choose
    the rules shown; a click on the contour sets the start. Defaults are torch's (``second_order_lr=1``,
    ``weight_decay=0.01``, ``max_iter=20``, ``history_size=100``). Step, Run/Pause, Reset and Random
    start buttons; readouts of the loss, the gradient norm, kappa(H) and the Hessian's eigenvalues at each run's
    current point, and its status; a loss panel. Defaults: ``lr = 1/L`` and ``adaptive_lr`` = 1% of the view's
    diagonal (see the module docs); any valid value may be given, and the sliders' ranges reach it.

    It opens at the last step, the whole runs drawn; Run, ``run(n)`` and Step from there start over from step 0.
    The returned :class:`SurfaceExplorer` is driven by the same code from Python: ``ex.step()``,
    ``ex.run(n)``, ``ex.reset()``, ``ex.set_start((x, y))``, ``ex.set(lr=0.05)``, ``ex.set(rules=["adam"])``,
    ``ex.set(sigma=0.5)`` (:meth:`SurfaceExplorer.set` lists every name), ``ex.to_scenario("found.toml")``.
    Call ``plt.show()`` (or ``ex.show()``) in a script; in Jupyter use ``%matplotlib widget`` (ipympl, the
    ``notebook`` extra).
    """
    if isinstance(surface, str):
        from optviz.surfaces import surface as make_surface

        surface = make_surface(surface)
    if not isinstance(surface, Surface):
        raise ParameterError("surface", f"must be a Surface or a surface name, got {surface!r}")
    settings = read_settings(
        surface, rules, start, steps=steps, lr=lr, adaptive_lr=adaptive_lr,
        second_order_lr=second_order_lr, rho=rho, beta1=beta1, beta2=beta2, alpha=alpha,
        weight_decay=weight_decay, damping=damping, max_iter=max_iter, history_size=history_size,
        line_search_fn=line_search_fn, schedule=schedule, sigma=sigma, seed=seed,
    )  # fmt: skip
    return SurfaceExplorer(surface, settings, figsize=figsize, pyplot=pyplot)
