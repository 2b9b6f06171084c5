"""``optviz.explore_classifier()``: the lecture's interactive linear-classifier web demo, in matplotlib.

Nine points in three classes and a linear classifier ``s = W x + b``, starting at the lecture's W, b and
lambda = 0.1 with the multiclass SVM loss, so the table shows exactly the slide's numbers. Buttons make one
parameter update (``W -= step * dW``, ``b -= step * db``, exact gradients), start and stop repeated updates, and
draw random parameters; a radio switches to the softmax loss; sliders set lambda and the step size.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz import style
from optviz._validate import ParameterError
from optviz.classifier import LOSS_TITLES, LOSSES, LinearClassifier
from optviz.explorer._base import Explorer, new_figure, quiet_draws, quiet_widget
from optviz.explorer._blitter import padded_box

STEP_RANGE = (1e-3, 1.0)  # the step-size slider (log scale)
REG_RANGE = (0.0, 1.0)  # the L2 strength slider


class ClassifierExplorer(Explorer):
    """The linear-classifier demo; see :func:`optviz.explore_classifier`.

    Attributes: ``model`` (the current :class:`optviz.classifier.LinearClassifier`), ``updates`` (parameter
    updates since the last reset or randomization), ``ax`` (points and regions), ``drawing``, ``parameters``
    and ``table`` (the handles from :mod:`optviz.plot.classifier`), ``widgets`` (``"loss"``, ``"reg"``,
    ``"step_size"``, ``"update"``, ``"repeat"``, ``"randomize"``, ``"reset"``), ``rng`` (seeded).
    """

    interval_ms = 100  # one update per tick: ten a second, as the web demo

    def __init__(
        self,
        model: LinearClassifier | None = None,
        *,
        seed: int = 0,
        figsize: tuple[float, float] = (14.0, 8.0),
        dpi: float = 100.0,
        scale: float = 0.72,
        pyplot: bool = True,
    ) -> None:
        self.model = model if model is not None else LinearClassifier()
        self.initial = self.model
        self.rng = np.random.default_rng(check.integer("seed", seed, minimum=0))
        self.updates = 0
        self._requested: dict[str, float] = {}
        # ASCII minus signs everywhere, as the demo writes its numbers (ticks also get an explicit formatter).
        with style.context(scale, {"axes.unicode_minus": False}):
            fig = new_figure(figsize, dpi, pyplot)
            super().__init__(fig)
            with quiet_draws(fig):
                self._build()
        self._show()
        self.blitter.redraw()

    def _build(self) -> None:
        from matplotlib.table import Table
        from matplotlib.transforms import Bbox, TransformedBbox
        from matplotlib.widgets import RadioButtons, Slider

        from optviz.plot.classifier import (
            ascii_ticks,
            linear_classifier,
            parameter_table,
            score_table,
        )
        from optviz.plot.common import fontsize

        fig, size, m = self.fig, fontsize(), self.model
        fig.suptitle(
            "Linear classifier s = W x + b (lecture 3, interactive web demo)",
            fontsize=1.15 * size, fontweight="bold", y=0.985,
        )  # fmt: skip
        self.ax = fig.add_axes((0.05, 0.2, 0.4, 0.7))
        self.drawing = linear_classifier(m, ax=self.ax)
        ascii_ticks(self.ax)
        self.title = self.ax.set_title("")
        e = m.evaluate()
        pax = fig.add_axes((0.52, 0.74, 0.45, 0.16))
        self.parameters = parameter_table(m, ax=pax, e=e, gradients=True)
        pax.set_title("parameters (gradient)", fontsize=size, loc="left")
        tax = fig.add_axes((0.52, 0.14, 0.45, 0.54))
        self.table = score_table(m, ax=tax, e=e)
        # Texts that change live in axes: a figure-level animated artist is left out of savefig.
        self.status = tax.text(0.0, 1.04, "", transform=tax.transAxes, fontsize=size, color="0.25")
        # The points are animated too: drawn over the saved background, the regions would hide them.
        live = [
            *self.drawing.artists,
            *self.drawing.points,
            *self.parameters.artists,
            *self.table.artists,
        ]
        # Every live artist is clipped to where it can be (its axes, a little wider for the tables' frames;
        # the status line above the table), so a blit redraws only those boxes (optviz.explorer._blitter).
        for artist in live:
            if not artist.get_clip_on() or artist.get_clip_box() is None:
                framed = isinstance(artist, Table)  # a table's frame lines reach past its axes
                box = padded_box(artist.axes.bbox, (1.5, 1.5), fig) if framed else artist.axes.bbox
                artist.set_clip_box(box)
                artist.set_clip_on(True)
        self.status.set_clip_box(TransformedBbox(Bbox([[-0.01, 1.015], [1.0, 1.1]]), tax.transAxes))
        self.status.set_clip_on(True)
        self.blitter.add([*live, self.status])
        # Controls.
        rax = fig.add_axes((0.05, 0.02, 0.13, 0.1))
        rax.set_title("loss", fontsize=size, loc="left")
        radio = RadioButtons(
            rax, [LOSS_TITLES[k] for k in LOSSES], active=LOSSES.index(m.loss), useblit=False,
            label_props={"fontsize": [size] * len(LOSSES)},
        )  # fmt: skip
        quiet_widget(radio)
        radio.on_clicked(self._on_loss)
        self.widgets["loss"] = radio
        reg = Slider(
            fig.add_axes((0.33, 0.08, 0.12, 0.03)), "L2 regularization strength", *REG_RANGE,
            valinit=m.reg, initcolor="none",
        )  # fmt: skip
        reg.on_changed(self._on_reg)
        step = Slider(
            fig.add_axes((0.33, 0.03, 0.12, 0.03)), "step size",
            math.log10(STEP_RANGE[0]), math.log10(STEP_RANGE[1]),
            valinit=math.log10(m.step_size), initcolor="none",
        )  # fmt: skip
        step.on_changed(self._on_step_size)
        for slider in (reg, step):
            quiet_widget(slider)
            slider.label.set_fontsize(size)
            slider.valtext.set_fontsize(size)
        reg.valtext.set_text(f"{m.reg:.5f}")
        step.valtext.set_text(f"{m.step_size:.5f}")
        self.widgets["reg"], self.widgets["step_size"] = reg, step
        self.add_buttons(
            [
                ("update", "Single parameter update", (0.52, 0.035, 0.15, 0.06), self.step),
                ("repeat", "Start repeated update", (0.68, 0.035, 0.15, 0.06), self.toggle),
                ("randomize", "Randomize parameters", (0.84, 0.035, 0.13, 0.06), self.randomize),
                ("reset", "Reset to the slide", (0.84, 0.94, 0.13, 0.045), self.reset),
            ],
            size,
        )

    # -- showing the model -------------------------------------------------------------------------
    def _show(self) -> None:
        from optviz.plot.classifier import title_text

        e = self.model.evaluate()
        self.drawing.update(self.model)
        self.parameters.update(self.model, e)
        self.table.update(self.model, e)
        self.title.set_text(title_text(self.model))
        self.status.set_text(f"parameter updates: {self.updates}")

    def _changed(self, full: bool = False) -> None:
        self._show()
        if full:
            self.blitter.redraw()
        else:
            self.blitter.update()

    # -- Explorer interface ----------------------------------------------------------------------
    def advance(self, n: int) -> None:
        for _ in range(int(n)):
            self.model = self.model.update()
            self.updates += 1
        self._changed()

    def run(self, n: int | None = 1) -> None:
        """``n`` parameter updates in one redraw."""
        self.advance(check.integer("n", 1 if n is None else n, minimum=0))

    def reset(self) -> None:
        """Back to the slide's W and b (the loss, lambda and step size stay as set)."""
        self.pause()
        self.model = self.model.with_params(self.initial.W, self.initial.b)
        self.updates = 0
        self._changed()

    def randomize(self) -> None:
        """New parameters from the seeded ``rng``: the Randomize parameters button."""
        self.model = self.model.randomized(self.rng)
        self.updates = 0
        self._changed()

    def _playing_changed(self) -> None:
        button = self.widgets.get("repeat")
        if button is not None:
            button.label.set_text(
                "Stop repeated update" if self.playing else "Start repeated update"
            )
            self.blitter.redraw()

    # -- widget callbacks ----------------------------------------------------------------------------
    def _on_loss(self, label: str | None) -> None:
        loss = next(k for k in LOSSES if LOSS_TITLES[k] == label)
        self.model = replace(self.model, loss=loss)
        self._changed(full=True)

    def _on_reg(self, value: float) -> None:
        self.widgets["reg"].valtext.set_text(f"{value:.5f}")
        self.model = replace(self.model, reg=float(value))
        self._changed(full=True)

    def _on_step_size(self, v: float) -> None:
        requested = self._requested.pop("step_size", None)
        value = requested if requested is not None else float(f"{10.0**v:.4g}")
        self.widgets["step_size"].valtext.set_text(f"{value:.5f}")
        self.model = replace(self.model, step_size=value)
        self._changed(full=True)

    # -- set(name=value) -------------------------------------------------------------------------------
    def _setters(self) -> dict[str, Callable[[Any], None]]:
        return {
            "loss": self._set_loss,
            "reg": self._set_reg,
            "step_size": self._set_step_size,
            "W": lambda W: self._set_params(W=W),
            "b": lambda b: self._set_params(b=b),
        }

    def _set_loss(self, value: Any) -> None:
        loss = check.choice("loss", value, LOSSES, what="loss")
        self.widgets["loss"].set_active(LOSSES.index(loss))

    def _set_reg(self, value: Any) -> None:
        value = check.in_range("reg", value, *REG_RANGE)
        self.widgets["reg"].set_val(value)

    def _set_step_size(self, value: Any) -> None:
        value = check.in_range("step_size", value, *STEP_RANGE)
        self._requested["step_size"] = value
        self.widgets["step_size"].set_val(math.log10(value))

    def _set_params(self, **params: Any) -> None:
        try:
            self.model = self.model.with_params(**params)
        except ParameterError:
            raise
        self._changed()


def explore_classifier(
    *, seed: int = 0, figsize: tuple[float, float] = (14.0, 8.0), pyplot: bool = True
) -> ClassifierExplorer:
    """Open the lecture's linear-classifier demo (see :class:`ClassifierExplorer`).

    It starts at the slide's state: W = [[2.3, 2.0], [2.0, -4.0], [3.0, -1.0]], b = [0, 0.5, -0.5], lambda 0.1,
    the multiclass SVM loss and step size 0.09976, so its table shows the slide's scores, per-point losses, data
    loss 2.30, regularization loss 3.93 and total 6.23. ``ex.step()`` is one parameter update,
    ``ex.set(loss="softmax", reg=0.01, step_size=0.5)`` moves the controls, ``ex.randomize()`` draws new
    parameters from the seeded generator.
    """
    return ClassifierExplorer(seed=seed, figsize=figsize, pyplot=pyplot)
