"""Self-contained interactive web pages: one HTML file, no network, optviz's own numbers.

- :func:`to_html` writes the explorer page for a surface (``optviz explore SURFACE --html FILE``) or the
  lecture's classifier demo (``optviz explore classifier --html FILE``). A scenario's figure becomes a page
  through ``optviz render FILE --format html`` (:mod:`optviz.web.scenario_page`, the ``html`` format).
- The static layer of a page (contours, axes, ticks, labels, minima, the formula) is drawn by optviz's own
  figure code into an embedded PNG; everything a control changes is drawn live by the page
  (:mod:`optviz.web.static`).
- Runs are computed in the page by a JavaScript engine (``assets/engine.js``) that follows optviz.run's
  operations in order; surfaces arrive as formulas emitted from :mod:`optviz.surfaces.program`, noise as
  the draws of optviz.noise (:mod:`optviz.web.emit`). They equal Python's runs as design section 2 states.
- Each page has a scripting interface, ``window.optviz`` (see the README).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["to_html"]


def to_html(target: Any, path: str | os.PathLike[str] | None = None, **options: Any) -> str:
    """The HTML of a page for ``target``, also written to ``path`` when given (atomically).

    ``target`` is a Surface or a registered surface name (the explorer page; ``options`` as
    :func:`optviz.explore`: ``rules``, ``start``, ``steps``, ``lr``, ``adaptive_lr``, ``rho``, ``beta1``,
    ``beta2``, ``alpha``, ``sigma``, ``seed``) or ``"classifier"`` (the lecture's demo; option ``seed``).

    >>> import optviz as ov
    >>> html = ov.to_html("quadratic", rules=["gd", "momentum"])  # doctest: +SKIP
    """
    from optviz.web.page import write_page

    if isinstance(target, str) and target == "classifier":
        from optviz.web.classifier_page import classifier_page

        text = classifier_page(**options)
    else:
        from optviz.web.explorer_page import explorer_page

        text = explorer_page(target, **options)
    if path is not None:
        target_path = Path(path)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        write_page(text, target_path)
    return text
