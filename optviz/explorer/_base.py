"""What both interactive explorers share: the figure, its widgets, a play timer and cheap redraws.

An :class:`Explorer` is driven the same way by its widgets and by its methods: a slider's callback and
``explorer.set(name=value)`` end in the same code (``set`` moves the widget, whose callback applies the value), so
everything works, and is tested, without a window.

Redraws: the artists that change on a step or a slider move are *animated* (:mod:`._blitter`): where the canvas
supports blitting they are drawn over a saved background, with the pixels of a full draw; a change to anything
else (axes limits, which rules are shown, a button's label) asks for a full ``draw_idle``, after which the
background is saved again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from optviz._validate import ParameterError, unknown_name_message
from optviz.explorer._blitter import Blitter


@contextlib.contextmanager
def quiet_draws(fig: Any) -> Iterator[None]:
    """No full draws while a figure's widgets are built (each widget asks for one; one at the end is enough).

    On a GUI canvas ``draw_idle`` is deferred anyway; on Agg it draws at once, which made building 10x slower.
    """
    cntx = getattr(fig.canvas, "_idle_draw_cntx", None)  # matplotlib's own guard inside draw_idle
    with cntx() if cntx is not None else contextlib.nullcontext():
        yield


def quiet_widget(widget: Any) -> Any:
    """A widget that leaves redrawing to the explorer (which redraws once, after applying the change)."""
    widget.drawon = False
    return widget


class Explorer:
    """An interactive figure: ``fig``, its ``widgets`` by name, and methods that drive them.

    ``step()`` advances one step, ``run(n)`` n steps (``None``: to the end), ``play()``/``pause()``/
    ``toggle()`` start and stop the timer that the Run button drives, ``reset()`` goes back to the beginning,
    and ``set(name=value)`` moves the named control exactly as a user would. ``show()`` opens the window
    (``plt.show()``). Subclasses: :class:`SurfaceExplorer` (``optviz.explore``) and
    :class:`ClassifierExplorer` (``optviz.explore_classifier``).
    """

    interval_ms = 40  # timer period while playing

    def __init__(self, fig: Any) -> None:
        self.fig = fig
        # The figure keeps its explorer (and so the widgets) alive: matplotlib holds widget callbacks weakly,
        # and ``ov.explore(s); plt.show()`` without a variable would otherwise open a dead window.
        fig.optviz_explorer = self
        self.widgets: dict[str, Any] = {}
        self.blitter = Blitter(fig)
        self.playing = False
        self._timer_canvas: Any = None
        self.timer = self._new_timer()

    def add_buttons(
        self, specs: Iterable[tuple[str, str, Any, Callable[[], None]]], size: float
    ) -> None:
        """Buttons ``(name, label, rect in figure fractions, action)``, kept in ``widgets[name]``."""
        from matplotlib.widgets import Button

        for name, label, rect, action in specs:
            # useblit=False: a widget blitting on its own would draw outside the explorer's saved background,
            # and the explorer's next blit would erase it. Widgets are part of the background.
            button = Button(self.fig.add_axes(rect), label, useblit=False)
            button.label.set_fontsize(size)
            button.on_clicked(lambda _event, act=action: act())
            self.widgets[name] = button

    # -- the play timer --------------------------------------------------------------------------------
    def _new_timer(self) -> Any:
        timer = self.fig.canvas.new_timer(interval=self.interval_ms)
        timer.add_callback(self._tick)
        self._timer_canvas = self.fig.canvas
        return timer

    def play(self) -> None:
        """Start advancing on the timer (a few steps per tick) until the end; the Run button's action."""
        if self.playing:
            return
        if self.at_end():
            self.rewind()
        if (
            self.fig.canvas is not self._timer_canvas
        ):  # the figure moved to another canvas (shown in a window)
            self.timer.stop()
            self.timer = self._new_timer()
        self.playing = True
        self._playing_changed()
        self.timer.start()

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self.timer.stop()
        self._playing_changed()

    def toggle(self) -> None:
        """Run/Pause."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def _tick(self) -> None:
        """One timer tick: advance a few steps; pause at the end."""
        if not self.playing:
            return
        self.advance(self.steps_per_tick())
        if self.at_end():
            self.pause()

    # -- what subclasses provide -----------------------------------------------------------------------
    def steps_per_tick(self) -> int:
        return 1

    def advance(self, n: int) -> None:
        raise NotImplementedError

    def at_end(self) -> bool:
        return False

    def rewind(self) -> None:
        """Go back to the first step (used by play at the end)."""

    def _playing_changed(self) -> None:
        """Relabel the Run/Pause button."""

    def _setters(self) -> dict[str, Callable[[Any], None]]:
        raise NotImplementedError

    # -- the public interface ----------------------------------------------------------------------------
    def step(self) -> None:
        """One step: the Step button."""
        self.advance(1)

    def run(self, n: int | None = None) -> None:
        """Advance ``n`` steps at once (``None``: to the end), with a single redraw."""
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def set(self, **values: Any) -> None:
        """Move controls by name, as the user would: ``explorer.set(lr=0.05, rho=0.5)``."""
        setters = self._setters()
        for name in values:
            if name not in setters:
                raise ParameterError(name, unknown_name_message(name, setters, what="setting"))
        for name, value in values.items():
            setters[name](value)

    def show(self, block: bool | None = None) -> None:
        import matplotlib.pyplot as plt

        plt.show(block=block)

    def close(self) -> None:
        self.pause()
        import matplotlib.pyplot as plt

        plt.close(self.fig)


def new_figure(figsize: tuple[float, float], dpi: float, pyplot: bool) -> Any:
    """An explorer's figure: a pyplot window (``pyplot=True``), or a figure on an Agg canvas that no GUI
    manages (headless: tests, screenshots)."""
    if pyplot:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, dpi=dpi)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig
