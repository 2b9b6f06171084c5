"""Loss landscapes of real torch models, with honest optimizer paths (optional extra: ``pip install optviz[torch]``).

>>> import torch, optviz.landscape as ol                                           # doctest: +SKIP
>>> loss = ol.ModelLoss(model, torch.nn.functional.cross_entropy, X, y)           # doctest: +SKIP
>>> init = loss.theta()                                                            # doctest: +SKIP
>>> path = ol.train(loss, torch.optim.SGD(model.parameters(), lr=0.1), steps=300, batch_size=100)  # doctest: +SKIP
>>> plane = ol.pca_plane(path)        # or ol.random_plane(loss, seed=0), ol.plane_through(a, b, c)  # doctest: +SKIP
>>> p = plane.project(path, loss)                    # least squares: p.xy, p.residual, p.loss   # doctest: +SKIP
>>> s = ol.landscape(loss, plane, bounds=ol.bounds_around([p]), n=51)  # an optviz Surface     # doctest: +SKIP
>>> ov.animate(s, [p.trajectory()], "training.gif")                                # doctest: +SKIP

The parts:

- :class:`ModelLoss` (``model``): the mean loss over a dataset as a function of the flat parameters ``theta``;
  batched evaluation with ``torch.func.functional_call`` under ``vmap``, in chunks within a memory bound;
  gradients and Hessian-vector products through ``torch.func``.
- ``planes``: :func:`random_plane` (filter-normalized, Li et al. 2018), :func:`plane_through` (three models),
  :func:`pca_plane` (of recorded paths, with the explained variance); :meth:`Plane.project` (least squares, with
  the off-plane residual).
- ``record``: :func:`train` (a training loop with any ``torch.optim`` optimizer) and :class:`Recorder` (a hook for
  your own loop), every k steps, float32, within a memory bound.
- ``grid``: :func:`landscape` (the grid as a :class:`LossSurface`), :func:`bounds_around`, :func:`interpolate`
  (Goodfellow et al. 2015).
- ``curvature``: :func:`lanczos`, :func:`extreme_eigenvalues`, :func:`sharpness_along`.
- ``data``: :func:`two_moons`, :func:`spirals` (numpy, no downloads).
- ``gallery``: ``python -m optviz.landscape.gallery`` renders the landscape figures of the gallery.

Figures are drawn by ``optviz.figures.landscape_figure``, ``sharpness_figure`` and ``interpolation_figure``
(drawing code that never imports torch), from what this package computes.

Names are imported on first use (PEP 562), so ``import optviz.landscape`` alone does not import torch; the
first name that needs it does, with a one-line error when torch is not installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "ModelLoss": "optviz.landscape.model",
    "Layout": "optviz.landscape.model",
    "flatten": "optviz.landscape.model",
    "Plane": "optviz.landscape.planes",
    "Projection": "optviz.landscape.planes",
    "random_plane": "optviz.landscape.planes",
    "plane_through": "optviz.landscape.planes",
    "pca_plane": "optviz.landscape.planes",
    "filter_normalized": "optviz.landscape.planes",
    "ParameterPath": "optviz.landscape.record",
    "Recorder": "optviz.landscape.record",
    "train": "optviz.landscape.record",
    "describe": "optviz.landscape.record",
    "LossSurface": "optviz.landscape.surface",
    "landscape": "optviz.landscape.grid",
    "bounds_around": "optviz.landscape.grid",
    "interpolate": "optviz.landscape.grid",
    "interpolate_path": "optviz.landscape.grid",
    "Interpolation": "optviz.landscape.grid",
    "lanczos": "optviz.landscape.curvature",
    "extreme_eigenvalues": "optviz.landscape.curvature",
    "ExtremeEigenvalues": "optviz.landscape.curvature",
    "sharpness_along": "optviz.landscape.curvature",
    "stability_threshold": "optviz.landscape.curvature",
    "Sharpness": "optviz.landscape.curvature",
    "two_moons": "optviz.landscape.data",
    "spirals": "optviz.landscape.data",
}
# Modules that need no torch.
_TORCH_FREE = {"optviz.landscape.surface", "optviz.landscape.data"}

__all__ = sorted(_LAZY)

TORCH_MISSING = (
    "optviz.landscape needs PyTorch, which is not installed: pip install 'optviz[torch]'"
)


def require_torch() -> Any:
    """Import torch, or raise a one-line ImportError that says how to install it."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(TORCH_MISSING) from None


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = _LAZY[name]
        if module not in _TORCH_FREE:
            require_torch()
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optviz.landscape' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # pragma: no cover - names for static analysers only
    from optviz.landscape.curvature import (  # noqa: F401
        ExtremeEigenvalues,
        Sharpness,
        extreme_eigenvalues,
        lanczos,
        sharpness_along,
        stability_threshold,
    )
    from optviz.landscape.data import spirals, two_moons  # noqa: F401
    from optviz.landscape.grid import (  # noqa: F401
        Interpolation,
        bounds_around,
        interpolate,
        interpolate_path,
        landscape,
    )
    from optviz.landscape.model import Layout, ModelLoss, flatten  # noqa: F401
    from optviz.landscape.planes import (  # noqa: F401
        Plane,
        Projection,
        filter_normalized,
        pca_plane,
        plane_through,
        random_plane,
    )
    from optviz.landscape.record import ParameterPath, Recorder, describe, train  # noqa: F401
    from optviz.landscape.surface import LossSurface  # noqa: F401
