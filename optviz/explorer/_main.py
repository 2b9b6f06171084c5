"""``optviz explore SURFACE [--rule RULE ...]`` and ``optviz explore classifier``: open the window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from optviz._validate import ParameterError, unknown_name_message

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _target(target: str, rules: Sequence[str] | None) -> Callable[[], Any]:
    """Validate the command line and return what opens the explorer (ParameterError if bad)."""
    from optviz.explorer._classifier import explore_classifier
    from optviz.explorer._surface import RULES, explore
    from optviz.surfaces import surface, surface_names

    if target == "classifier":
        if rules:
            raise ParameterError("--rule", "applies to surfaces, not to the classifier demo")
        return explore_classifier
    names = surface_names()
    if target not in names:
        raise ParameterError(
            "", unknown_name_message(target, [*names, "classifier"], what="surface")
        )
    for r in rules or ():
        if r not in RULES:
            raise ParameterError("--rule", unknown_name_message(r, RULES, what="rule"))
    s = surface(target)
    chosen = tuple(rules) if rules else ("gd", "momentum")
    return lambda: explore(s, chosen)


def interactive_backend() -> tuple[bool, str]:
    """Whether matplotlib's backend can open windows, and its name (resolving the automatic choice)."""
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry

    backend = str(matplotlib.get_backend()).lower()
    batch = set(backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE))
    inline = "inline" in backend
    return not (backend in batch or inline), backend


def _no_window(backend: str) -> int:
    display = (
        ""
        if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        else " and DISPLAY is not set"
    )
    print(
        f"optviz explore: no interactive matplotlib backend (the backend is {backend!r}{display}); "
        "the explorer needs a display and a GUI toolkit: run it on a desktop, or set MPLBACKEND=TkAgg "
        "(or QtAgg) where one is available",
        file=sys.stderr,
    )
    return EXIT_FAILED


def main(target: str, rules: Sequence[str] | None = None) -> int:
    """Open the explorer for ``target`` (a surface name or ``"classifier"``) and block until it is closed.

    Returns an exit code: 0 when the window was closed, 2 for an unknown surface or rule (one line on stderr,
    with a close match), 1 when no window can be opened (a non-interactive backend such as Agg, or no display).
    """
    try:
        opener = _target(target, rules)
    except ParameterError as err:
        print(f"optviz explore: {err}", file=sys.stderr)
        return EXIT_USAGE
    ok, backend = interactive_backend()
    if not ok:
        return _no_window(backend)
    import matplotlib.pyplot as plt

    try:
        explorer = opener()
    except Exception as err:  # a toolkit that cannot reach its display raises here (e.g. TclError)
        print(
            f"optviz explore: cannot open a window ({type(err).__name__}: {err})", file=sys.stderr
        )
        return EXIT_FAILED
    # matplotlib may fall back to Agg when the backend asked for cannot start (TkAgg without a display):
    # check again now that the figure exists, rather than "show" nothing and exit.
    ok, backend = interactive_backend()
    if not ok:
        explorer.close()
        return _no_window(backend)
    plt.show()
    explorer.pause()
    return EXIT_OK
