"""``deterministic()``: render with the same pixels on every machine, then put everything back."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from optviz import _validate
from optviz.testing._patches import Patches

TEXT_MODES = ("placeholders", "real", "none")


@contextlib.contextmanager
def deterministic(
    text: str = "placeholders", *, scale: float = 1.0, rc: Mapping[str, Any] | None = None
) -> Iterator[None]:
    """Draw reproducibly inside the ``with`` block: Agg, matplotlib's defaults plus the optviz
    style, fixed text.

    - The backend is Agg for the duration. An open pyplot session keeps its figures and gets its
      backend back.
    - rcParams start from matplotlib's built-in defaults (the user's matplotlibrc is ignored), then
      ``optviz.style.rc(scale)``, DejaVu Sans, a fixed ``svg.hashsalt`` and the hinting settings of
      matplotlib's own image tests; ``rc`` overrides them last.
    - ``text="placeholders"`` draws every string as a box of fixed size at its anchor and reports
      that box to layout engines, so rewording a label changes no pixel; ``"none"`` keeps the boxes'
      sizes but draws nothing; ``"real"`` renders the text.

    On exit, even by an exception, every rcParam, the backend and every patched method are restored.

    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["lines.linewidth"]
    >>> with deterministic():
    ...     mpl.rcParams["lines.linewidth"] = 9.0
    ...     mpl.get_backend().lower()
    'agg'
    >>> mpl.rcParams["lines.linewidth"] == before
    True
    """
    mode = _validate.choice("text", text, TEXT_MODES, what="text mode")
    scale = _validate.positive("scale", scale)
    import matplotlib as mpl

    from optviz.testing import _placeholders

    # dict(copy()) reads raw values: an unresolved "auto" backend stays unresolved.
    saved_rc = dict(mpl.rcParams.copy())
    patches = Patches()
    restore_backend: Callable[[], None] = _nothing
    try:
        restore_backend = _use_agg(saved_rc["backend"])
        mpl.rcdefaults()
        mpl.rcParams.update(settings(scale, rc))
        if mode != "real":
            _placeholders.install(patches, draw=mode == "placeholders")
        yield
    finally:
        patches.restore()
        restore_backend()
        # As matplotlib.rc_context does: plain dict update, no validation, no backend resolution.
        dict.update(mpl.rcParams, saved_rc)


def settings(scale: float = 1.0, rc: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rcParams :func:`deterministic` applies on top of ``matplotlib.rcdefaults()``."""
    from optviz.output import SVG_HASHSALT
    from optviz.style import rc as style_rc

    params = style_rc(scale)
    params.update(
        {
            "font.family": "DejaVu Sans",
            "mathtext.fontset": "dejavusans",
            "svg.hashsalt": SVG_HASHSALT,
            **_hinting(),
        }
    )
    params.update(rc or {})
    return params


def _hinting() -> dict[str, Any]:
    """Hinting as in matplotlib's tests (``matplotlib.testing.set_font_settings_for_testing``)."""
    import matplotlib as mpl

    if mpl.__version_info__[:2] >= (3, 11):
        # 3.11 hints with the font's own hinter in its tests; text.hinting_factor and
        # text.kerning_factor are deprecated there (setting them warns) and rcdefaults() leaves them
        # at None.
        return {"text.hinting": "default"}
    # Before 3.11 the test suite disabled hinting and rendered at 8x horizontal resolution.
    return {"text.hinting": "none", "text.hinting_factor": 8, "text.kerning_factor": 0}


def _use_agg(previous: Any) -> Callable[[], None]:
    """Switch to Agg; return a function that puts the previous backend state back exactly."""
    import matplotlib as mpl
    import matplotlib.backends

    if isinstance(previous, str) and previous.lower() == "agg":
        return _nothing
    pyplot = sys.modules.get("matplotlib.pyplot")
    # pyplot caches the resolved backend module; None means "resolve from rcParams on first use".
    backend_mod = getattr(pyplot, "_backend_mod", None)
    default = dict.__getitem__(mpl.rcParamsDefault, "backend")
    module_attr = vars(matplotlib.backends).get("backend", _nothing)
    # With pyplot imported this is pyplot.switch_backend, which keeps open figures open.
    mpl.use("agg")

    def restore() -> None:
        # Restore the state rather than switching back: switching could start a GUI toolkit, or
        # resolve an "auto" backend that the user had not resolved yet. The rcParams entry is
        # restored with the others.
        pyplot_now = sys.modules.get("matplotlib.pyplot")
        if pyplot_now is not None:
            pyplot_now._backend_mod = backend_mod
        dict.__setitem__(mpl.rcParamsDefault, "backend", default)
        if module_attr is _nothing:
            vars(matplotlib.backends).pop("backend", None)
        else:
            matplotlib.backends.backend = module_attr  # type: ignore[attr-defined]

    return restore


def _nothing() -> None:
    return None
