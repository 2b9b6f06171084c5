"""Interactive exploration in matplotlib: ``optviz.explore(surface)`` and ``optviz.explore_classifier()``.

Both return an :class:`Explorer` holding the figure (``.fig``) and its widgets (``.widgets``), driven the same way
by the mouse and by its methods (``step()``, ``run(n)``, ``reset()``, ``set(name=value)``), so they run in a
script (``plt.show()``), in Jupyter (``%matplotlib widget``), from ``optviz explore``, and headless in tests.
"""

from optviz.explore_settings import (
    RULES,
    SCHEDULES,
    Settings,
    default_adaptive_lr,
    default_lr,
)
from optviz.explorer._base import Explorer
from optviz.explorer._blitter import Blitter
from optviz.explorer._classifier import ClassifierExplorer, explore_classifier
from optviz.explorer._main import main
from optviz.explorer._surface import SurfaceExplorer, explore

__all__ = [
    "RULES",
    "SCHEDULES",
    "Blitter",
    "ClassifierExplorer",
    "Explorer",
    "Settings",
    "SurfaceExplorer",
    "default_adaptive_lr",
    "default_lr",
    "explore",
    "explore_classifier",
    "main",
]
