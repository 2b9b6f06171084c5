"""``optviz.explore(surface)``: live trajectories of several update rules on a contour, with sliders and buttons.

The engine recomputes every shown run whenever a setting changes (it takes milliseconds); the figure only sets
data on artists made once. The contour is drawn once and never again.

Default learning rates (document of record):
- GD, Momentum, Nesterov share one ``lr``. Its default is ``1/L`` (half of GD's stability limit ``2/L``), with
  ``L`` the largest Hessian eigenvalue magnitude at the surface's suggested start and at its known minima in
  view, rounded to two significant digits and clipped to [1e-4, 1]. Its slider spans ``lr/100 .. 10 lr``, which
  reaches past ``2/L``, so divergence is one drag away.
- Adam, RMSProp and AdaGrad take steps of about ``lr`` per coordinate whatever the gradient's scale, so they
  share a second rate, ``adaptive_lr``, defaulting to 1% of the view's diagonal (two significant digits).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import limits, style
from optviz._format import format_number
from optviz._validate import ParameterError
from optviz.analysis import condition_number, hessian_eigen
from optviz.analysis import suggested_adaptive_lr as default_adaptive_lr
from optviz.analysis import suggested_lr as default_lr
from optviz.engine import run
from optviz.explorer._base import Explorer, new_figure, quiet_draws, quiet_widget
from optviz.noise import GaussianNoise
from optviz.optimizers import Optimizer, rule, rule_class, rule_names, rule_parameters
from optviz.surfaces.base import Surface
from optviz.trajectory import Trajectory

# The rules the explorer shows (the registry's gradient rules), grouped by which lr slider they take. AdamW,
# Newton and L-BFGS (issue 17) join with issue 14's explorer, which gives them their sliders and a schedule
# selector.
_NOT_YET = ("adamw", "newton", "lbfgs")
RULES = tuple(
    name for name in rule_names() if rule_class(name).uses_gradient and name not in _NOT_YET
)
ADAPTIVE = tuple(name for name in RULES if rule_class(name).family == "adaptive")
GRADIENT_SCALED = tuple(name for name in RULES if name not in ADAPTIVE)
MAX_STEPS_SLIDER = 500


def _readout(value: float) -> str:
    """A readout number in few characters (three significant digits): ``3873``, ``0.0895``, ``1.23e6``."""
    return format_number(value, 3)


def _nice(value: float, digits: int = 2) -> float:
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on. ``lr`` drives GD/Momentum/Nesterov, ``adaptive_lr`` Adam/RMSProp/AdaGrad."""

    start: np.ndarray
    steps: int = 100
    lr: float = 0.01
    adaptive_lr: float = 0.1
    rho: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    sigma: float = 0.0
    seed: int = 0
    rules: tuple[str, ...] = ("gd", "momentum")


def make_rule(name: str, s: Settings) -> Optimizer:
    """The update rule ``name`` with the explorer's settings (the same objects a script would build): from the
    rule registry, each of its hyperparameters that a slider sets (``lr`` or ``adaptive_lr`` by the rule's
    family, ``rho``, ``betas``, ``alpha``), the others at their defaults."""
    if name not in RULES:
        raise ParameterError("rules", check.unknown_name_message(name, RULES, what="rule"))
    lr = s.adaptive_lr if name in ADAPTIVE else s.lr
    sliders = {"lr": lr, "rho": s.rho, "betas": (s.beta1, s.beta2), "alpha": s.alpha}
    accepted = rule_parameters(name)
    return rule(name, **{k: v for k, v in sliders.items() if k in accepted})


def compute(surface: Surface, name: str, s: Settings) -> Trajectory:
    """The run the explorer shows for rule ``name``: ``optviz.run`` with the settings."""
    noise = GaussianNoise(s.sigma) if s.sigma > 0 else None
    return run(surface, make_rule(name, s), start=s.start, steps=s.steps, noise=noise, seed=s.seed)


@dataclass(frozen=True)
class Control:
    """A slider: its setting, label, range, scale, and the rules it affects (the others dim it)."""

    name: str
    label: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    rules: tuple[str, ...] = RULES

    def to_slider(self, value: float) -> float:
        return math.log10(value) if self.log else float(value)

    def text(self, value: float) -> str:
        if self.integer:
            return str(int(value))
        return f"{value:.3g}"


def controls(surface: Surface, s: Settings) -> list[Control]:
    """The sliders, with ranges that fit the surface (and include the given settings)."""
    grad = float(np.hypot(*surface.grad(s.start)))
    sigma_max = _nice(max(grad, 1e-3, s.sigma), 1) * 2
    lr0, alr0 = s.lr, s.adaptive_lr
    return [
        Control("lr", "lr  (GD, Mom., Nest.)", lr0 / 100, lr0 * 10, log=True, rules=GRADIENT_SCALED),
        Control("adaptive_lr", "lr  (Adam, RMSP., AdaG.)", alr0 / 100, alr0 * 10, log=True, rules=ADAPTIVE),
        Control("rho", "ρ  (Momentum, Nesterov)", 0.0, 0.99, rules=("momentum", "nesterov")),
        Control("beta1", "β1  (Adam)", 0.0, 0.99, rules=("adam",)),
        Control("beta2", "β2  (Adam)", 0.9, 0.9999, rules=("adam",)),
        Control("alpha", "α  (RMSProp)", 0.5, 0.999, rules=("rmsprop",)),
        Control("sigma", "noise σ", 0.0, sigma_max),
        Control("steps", "steps", 1, max(MAX_STEPS_SLIDER, s.steps), integer=True),
    ]  # fmt: skip


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


class SurfaceExplorer(Explorer):
    """Live trajectories on a surface's contour; see :func:`optviz.explore`.

    Attributes: ``surface``, ``settings`` (a :class:`Settings`), ``runs`` (rule name -> the Trajectory shown),
    ``k`` (the step shown), ``ax`` (contour), ``loss_ax``, ``artists`` (rule name -> :class:`RuleArtists`),
    ``widgets`` (sliders by setting name, ``"rules"``, and the buttons ``"step"``, ``"run"``, ``"reset"``,
    ``"random"``), ``rng`` (seeded; draws the random starts).
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
        self.k = settings.steps
        self.message = ""
        self._requested: dict[str, float] = {}
        self._fmin = surface.fmin
        with style.context(scale):
            fig = new_figure(figsize, dpi, pyplot)
            super().__init__(fig)
            with quiet_draws(fig):
                self._build()
        self._recompute(settings.rules)
        self._frame()
        self.blitter.redraw()

    # -- layout ------------------------------------------------------------------------------------------
    def _build(self) -> None:
        from matplotlib.widgets import CheckButtons, Slider

        from optviz import plot
        from optviz.figures.layout import surface_title
        from optviz.plot.common import fontsize

        fig, s, size = self.fig, self.surface, fontsize()
        title = s.title or s.name
        fig.suptitle(
            f"{title}:  {surface_title(s)}      (click the contour to set the start)",
            fontsize=1.15 * size, fontweight="bold", y=0.985,
        )  # fmt: skip
        self.ax = fig.add_axes((0.05, 0.36, 0.45, 0.56))
        plot.contour(s, ax=self.ax)
        self.loss_ax = fig.add_axes((0.6, 0.62, 0.37, 0.29))
        if math.isfinite(self._fmin):  # the gap to the known minimum, on a log scale
            self.loss_ax.set_yscale("log")
        self.artists: dict[str, RuleArtists] = {}
        for name in RULES:
            self.artists[name] = self._rule_artists(name, size)
        self.loss_ax.set_xlabel("iteration k")
        self.loss_ax.set_ylabel("f(x) - f*" if math.isfinite(self._fmin) else "f(x)")
        self.loss_ax.grid(True)
        # Readouts: one row per shown rule, in columns.
        self.readout_ax = fig.add_axes((0.54, 0.35, 0.45, 0.19))
        self.readout_ax.set_axis_off()
        self._columns = (0.0, 0.15, 0.28, 0.4, 0.52, 0.7)
        headers = ("rule", "f(x)", "|∇f|", "κ(H)", "eig(H)", "status")
        self.header_texts = [
            self.readout_ax.text(x, 1.0, h, fontsize=size, fontweight="bold", va="top")
            for x, h in zip(self._columns, headers, strict=True)
        ]
        self.readout_texts = [
            [
                self.readout_ax.text(x, 1.0 - 0.15 * (row + 1), "", fontsize=size, va="top",
                                     family="DejaVu Sans Mono")
                for x in self._columns
            ]
            for row in range(len(RULES))
        ]  # fmt: skip
        self.step_text = self.loss_ax.set_title("", fontsize=size, loc="left")
        # Live texts belong to axes: a figure-level animated artist would be left out of savefig.
        self.message_text = self.readout_ax.text(
            0.0, -0.05, "", fontsize=size, color="#B00020", va="top", wrap=True
        )
        self.blitter.add([self.step_text, self.message_text])
        for row in self.readout_texts:
            self.blitter.add(row)
        for arts in self.artists.values():
            self.blitter.add(arts.all)
        # Sliders, left column.
        self.controls = {c.name: c for c in controls(s, self.settings)}
        for i, c in enumerate(self.controls.values()):
            ax = fig.add_axes((0.2, 0.265 - i * 0.033, 0.22, 0.022))
            value = getattr(self.settings, c.name)
            slider = Slider(
                ax, c.label, c.to_slider(c.low), c.to_slider(c.high), valinit=c.to_slider(value),
                valstep=1 if c.integer else None, initcolor="none",
            )  # fmt: skip
            quiet_widget(slider)
            slider.label.set_fontsize(size)
            slider.valtext.set_fontsize(size)
            slider.valtext.set_text(c.text(value))
            slider.on_changed(self._slider_callback(c))
            self.widgets[c.name] = slider
        # The rules shown, and the buttons, right column.
        labels = [rule_class(r).label for r in RULES]
        box = fig.add_axes((0.55, 0.03, 0.15, 0.25))
        box.set_title("rules shown", fontsize=size, loc="left")
        checks = CheckButtons(
            box, labels, [r in self.settings.rules for r in RULES], useblit=False,
            label_props={"color": [style.rule_color(r) for r in RULES], "fontsize": [size] * len(RULES),
                         "fontweight": ["bold"] * len(RULES)},
        )  # fmt: skip
        quiet_widget(checks)
        checks.on_clicked(self._on_check)
        self.widgets["rules"] = checks
        self.add_buttons(
            [
                ("step", "Step", (0.74, 0.19, 0.1, 0.07), self.step),
                ("run", "Run", (0.86, 0.19, 0.1, 0.07), self.toggle),
                ("reset", "Reset", (0.74, 0.08, 0.1, 0.07), self.reset),
                ("random", "Random start", (0.86, 0.08, 0.1, 0.07), self.random_start),
            ],
            size,
        )
        fig.canvas.mpl_connect("button_press_event", self._on_click)
        self._dim_controls()

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
        note = self.ax.annotate(
            "", (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=size, color=color,
            fontweight="bold", zorder=3.4, annotation_clip=False, visible=False,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
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
        for name in names:
            if name in self.settings.rules:
                self.runs[name] = compute(self.surface, name, self.settings)
                self._bind(name, self.runs[name])
        self._loss_limits()

    def _loss_values(self, t: Trajectory) -> np.ndarray:
        values = np.asarray(t.loss[: int(t.stop_step) + 1], dtype=float)
        return values - self._fmin if math.isfinite(self._fmin) else values

    def _bind(self, name: str, t: Trajectory) -> None:
        from optviz.plot.frames import Appears, Follows, Grows
        from optviz.plot.trajectory import marker_stride

        arts = self.artists[name]
        r = arts.path.runs[0]
        x, y = t.xy[:, 0], t.xy[:, 1]
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
            self._place_divergence(arts, t.xy[stop], stop)
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
        arts.note.xyann = (-0.6 * size if right else 0.6 * size, -0.6 * size if top else 0.6 * size)
        arts.note.set_horizontalalignment("right" if right else "left")
        arts.note.set_verticalalignment("top" if top else "bottom")
        # The iterate after the stop step is the first bad one, as optviz.plot.trajectory writes it.
        arts.note.set_text(f"diverged at step {stop + 1}")

    def _loss_limits(self) -> None:
        ax = self.loss_ax
        ax.set_xlim(0, max(self.settings.steps, 1))
        shown = [self._loss_values(self.runs[r]) for r in self.settings.rules if r in self.runs]
        values = np.concatenate(shown) if shown else np.array([1.0])
        values = values[np.isfinite(values)]
        if ax.get_yscale() == "log":
            positive = values[values > 0]
            if positive.size == 0:
                positive = np.array([1e-12, 1.0])
            top = float(positive.max())
            bottom = max(float(positive.min()), top * 1e-16)
            ax.set_ylim(bottom / 3, top * 3 if top > bottom else bottom * 10)
        else:
            lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
            pad = 0.05 * (hi - lo) if hi > lo else 1.0
            ax.set_ylim(lo - pad, hi + pad)

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
                for t, value in zip(texts, rd.fields, strict=True):
                    t.set_text(value)
                    t.set_color(style.rule_color(rd.rule))
                    t.set_fontweight("bold" if rd.status.startswith("diverged") else "normal")
            else:
                for t in texts:
                    t.set_text("")
        self.step_text.set_text(f"step {self.k} of {self.settings.steps}")
        self.message_text.set_text(self.message)

    def readout(self, name: str) -> Readout:
        """The numbers shown for rule ``name`` at the current step: at its iterate ``min(k, stop_step)``."""
        t = self.runs[name]
        stop = int(t.stop_step)
        j = min(self.k, stop)
        p = np.asarray(t.xy[j], dtype=float)
        with np.errstate(all="ignore"):
            g = self.surface.grad(p)
            eig = hessian_eigen(self.surface, p)[0]
            kappa = float(condition_number(self.surface, p))
        loss = float(t.loss[j])
        if str(t.status) == "diverged" and self.k > stop:
            status = f"diverged at step {stop + 1}"
        elif str(t.status) == "converged" and self.k >= stop:
            status = f"converged at step {stop}"
        elif self.k >= t.steps:
            status = "done"
        else:
            status = "running"
        label = rule_class(name).label
        if self.settings.sigma > 0:
            label = t.label  # "SGD", "SGD+Momentum" under noise
        fields = [
            label,
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
        self.k = min(self.k + int(n), self.settings.steps)
        self._frame()
        self.blitter.update()

    def run(self, n: int | None = None) -> None:
        """Advance ``n`` steps (``None``: to the last step) in one redraw."""
        self.advance(self.settings.steps if n is None else check.integer("n", n, minimum=0))

    def reset(self) -> None:
        """Back to step 0 (the runs stay); the Reset button."""
        self.pause()
        self.k = 0
        self._frame()
        self.blitter.update()

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
        affected = {
            r for c in changes for r in (self.controls[c].rules if c in self.controls else RULES)
        }
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
            self.k = min(self.k, self.settings.steps)
            self._frame()
            self.blitter.redraw()

    def _slider_callback(self, c: Control) -> Callable[[float], None]:
        def changed(v: float) -> None:
            if c.log:
                value = 10.0**v
                requested = self._requested.pop(c.name, None)
                # set(lr=0.05) lands exactly on 0.05; a drag lands on three significant digits.
                value = requested if requested is not None else _nice(value, 3)
            elif c.integer:
                value = round(v)
            else:
                value = float(v)
            self.widgets[c.name].valtext.set_text(c.text(value))
            self._apply(**{c.name: value})

        return changed

    def _on_check(self, label: str | None) -> None:
        states = self.widgets["rules"].get_status()
        rules = tuple(r for r, on in zip(RULES, states, strict=True) if on)
        for name in RULES:
            visible = name in rules
            for a in self.artists[name].all:
                a.set_visible(visible)
        added = [r for r in rules if r not in self.settings.rules]
        self.settings = replace(self.settings, rules=rules)
        self._recompute(added)
        self._dim_controls()
        self._frame()
        self.blitter.redraw()

    def _dim_controls(self) -> None:
        for c in self.controls.values():
            relevant = any(r in self.settings.rules for r in c.rules)
            slider = self.widgets[c.name]
            slider.label.set_color("0.1" if relevant else "0.65")
            slider.valtext.set_color("0.1" if relevant else "0.65")
            slider.poly.set_alpha(1.0 if relevant else 0.3)

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
    def _setters(self) -> dict[str, Callable[[Any], None]]:
        out: dict[str, Callable[[Any], None]] = {c: self._slider_setter(c) for c in self.controls}
        out["rules"] = self._set_rules
        out["start"] = self.set_start
        out["seed"] = lambda v: self._apply(seed=check.integer("seed", v, minimum=0))
        return out

    def _slider_setter(self, name: str) -> Callable[[Any], None]:
        c = self.controls[name]

        def setter(value: Any) -> None:
            if c.integer:
                value = check.integer(name, value)
            else:
                value = check.number(name, value)
            if not c.low * (1 - 1e-12) <= value <= c.high * (1 + 1e-12):
                raise ParameterError(
                    name,
                    f"must be in [{c.low:.4g}, {c.high:.4g}] (the slider's range), got {value!r}",
                )
            if c.log:
                self._requested[name] = float(value)
            self.widgets[name].set_val(c.to_slider(value))

        return setter

    def _set_rules(self, rules: Any) -> None:
        if isinstance(rules, str):
            rules = [rules]
        wanted = set()
        for r in rules:
            if r not in RULES:
                raise ParameterError(
                    "rules", check.unknown_name_message(str(r), RULES, what="rule")
                )
            wanted.add(r)
        checks = self.widgets["rules"]
        for i, (name, on) in enumerate(zip(RULES, checks.get_status(), strict=True)):
            if (name in wanted) != on:
                checks.set_active(i)  # the widget's own callback applies it


def explore(
    surface: Surface | str,
    rules: Sequence[str] | str = ("gd", "momentum"),
    *,
    start: Any = None,
    steps: int = 100,
    lr: float | None = None,
    adaptive_lr: float | None = None,
    rho: float = 0.9,
    beta1: float = 0.9,
    beta2: float = 0.999,
    alpha: float = 0.99,
    sigma: float = 0.0,
    seed: int = 0,
    figsize: tuple[float, float] = (14.0, 8.0),
    pyplot: bool = True,
) -> SurfaceExplorer:
    """Open an interactive explorer: live trajectories of ``rules`` on ``surface``'s contour.

    Sliders set ``lr`` (GD, Momentum, Nesterov), ``adaptive_lr`` (Adam, RMSProp, AdaGrad), ``rho``, ``beta1``,
    ``beta2``, ``alpha``, the gradient noise ``sigma`` and ``steps``; check boxes choose the rules shown; a click
    on the contour sets the start. Step, Run/Pause, Reset and Random start buttons; readouts of the loss, the
    gradient norm, kappa(H) and the Hessian's eigenvalues at each run's current point, and its status; a loss
    panel. Defaults: ``lr = 1/L`` and ``adaptive_lr`` = 1% of the view's diagonal (see the module docs).

    The returned :class:`SurfaceExplorer` is driven by the same code from Python: ``ex.step()``,
    ``ex.run(n)``, ``ex.reset()``, ``ex.set_start((x, y))``, ``ex.set(lr=0.05)``, ``ex.set(rules=["adam"])``,
    ``ex.set(sigma=0.5)``. Call ``plt.show()`` (or ``ex.show()``) in a script; in Jupyter use ``%matplotlib
    widget``.
    """
    if isinstance(surface, str):
        from optviz.surfaces import surface as make_surface

        surface = make_surface(surface)
    if not isinstance(surface, Surface):
        raise ParameterError("surface", f"must be a Surface or a surface name, got {surface!r}")
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    for r in rules:
        if r not in RULES:
            raise ParameterError("rules", check.unknown_name_message(str(r), RULES, what="rule"))
    start = surface.start if start is None else check.point("start", start)
    steps = check.integer("steps", steps, minimum=1, maximum=limits.MAX_STEPS)
    settings = Settings(
        start=np.array(start, dtype=float),
        steps=steps,
        lr=default_lr(surface) if lr is None else check.positive("lr", lr),
        adaptive_lr=default_adaptive_lr(surface)
        if adaptive_lr is None
        else check.positive("adaptive_lr", adaptive_lr),
        rho=check.in_range("rho", rho, 0.0, 0.99),
        beta1=check.in_range("beta1", beta1, 0.0, 0.99),
        beta2=check.in_range("beta2", beta2, 0.9, 0.9999),
        alpha=check.in_range("alpha", alpha, 0.5, 0.999),
        sigma=check.nonnegative("sigma", sigma),
        seed=check.integer("seed", seed, minimum=0),
        rules=tuple(r for r in RULES if r in rules),
    )
    return SurfaceExplorer(surface, settings, figsize=figsize, pyplot=pyplot)
