"""optviz: see how optimizers move.

Analytic 2-D surfaces feed update rules that follow torch.optim exactly; the trajectories they
produce are drawn as slide-ready figures and animated GIFs.

>>> import optviz as ov
>>> s = ov.surface("quadratic", kappa=25)
>>> float(ov.condition_number(s, s.minima[0]))
25.0

The numeric core (surfaces, optimizers, engine, analysis, theory) never imports matplotlib; the
drawing modules (``optviz.plot``, ``animate``, ``explore``, ``savefig``) are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> module that defines it. Modules are imported on first attribute access (PEP 562),
# so that `import optviz` stays cheap and never pulls in matplotlib.
_LAZY: dict[str, str] = {
    # surfaces
    "Surface": "optviz.surfaces",
    "surface": "optviz.surfaces",
    "surface_names": "optviz.surfaces",
    "register_surface": "optviz.surfaces",
    "surface_from_expression": "optviz.surfaces",
    "surface_from_callable": "optviz.surfaces",
    "regularized": "optviz.surfaces",
    # analysis
    "hessian_eigen": "optviz.analysis",
    "condition_number": "optviz.analysis",
    "gradcheck": "optviz.analysis",
    "hesscheck": "optviz.analysis",
    "numerical_gradient": "optviz.analysis",
    "numerical_hessian": "optviz.analysis",
    "refine_critical_points": "optviz.analysis",
    "critical_point_kind": "optviz.analysis",
    # optimizers and noise
    "Optimizer": "optviz.optimizers",
    "GD": "optviz.optimizers",
    "Momentum": "optviz.optimizers",
    "Nesterov": "optviz.optimizers",
    "Adam": "optviz.optimizers",
    "RMSProp": "optviz.optimizers",
    "AdaGrad": "optviz.optimizers",
    "RandomSearch": "optviz.optimizers",
    "rule": "optviz.optimizers",
    "rule_names": "optviz.optimizers",
    "GaussianNoise": "optviz.noise",
    "Minibatch": "optviz.noise",
    # engine
    "run": "optviz.engine",
    "Trajectory": "optviz.trajectory",
    "sweep": "optviz.sweep",
    "SweepResult": "optviz.sweep",
    # drawing (matplotlib is imported only here)
    "savefig": "optviz.output",
    "animate": "optviz.animate",
    "animation": "optviz.animate",
    "render_frames": "optviz.animate",
    "explore": "optviz.explore",
    "explore_classifier": "optviz.explore",
    "Explorer": "optviz.explore",
}

# Submodules reachable as attributes: `ov.plot.contour(...)`, `ov.theory.gd_rate(...)`.
_SUBMODULES = {"plot", "theory", "testing", "scenario", "figures"}

__all__ = sorted([*_LAZY, *_SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"optviz.{name}")
        globals()[name] = module
        return module
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # pragma: no cover - names for static analysers only
    # `name as name`: an explicit re-export, for type checkers and for ruff's unused-import check.
    from optviz import (
        figures as figures,
    )
    from optviz import (
        plot as plot,
    )
    from optviz import (
        scenario as scenario,
    )
    from optviz import (
        testing as testing,
    )
    from optviz import (
        theory as theory,
    )
    from optviz.analysis import (
        condition_number as condition_number,
    )
    from optviz.analysis import (
        critical_point_kind as critical_point_kind,
    )
    from optviz.analysis import (
        gradcheck as gradcheck,
    )
    from optviz.analysis import (
        hesscheck as hesscheck,
    )
    from optviz.analysis import (
        hessian_eigen as hessian_eigen,
    )
    from optviz.analysis import (
        numerical_gradient as numerical_gradient,
    )
    from optviz.analysis import (
        numerical_hessian as numerical_hessian,
    )
    from optviz.analysis import (
        refine_critical_points as refine_critical_points,
    )
    from optviz.animate import (
        animate as animate,
    )
    from optviz.animate import (
        animation as animation,
    )
    from optviz.animate import (
        render_frames as render_frames,
    )
    from optviz.engine import run as run
    from optviz.explore import (
        Explorer as Explorer,
    )
    from optviz.explore import (
        explore as explore,
    )
    from optviz.explore import (
        explore_classifier as explore_classifier,
    )
    from optviz.noise import GaussianNoise as GaussianNoise
    from optviz.noise import Minibatch as Minibatch
    from optviz.optimizers import (
        GD as GD,
    )
    from optviz.optimizers import (
        AdaGrad as AdaGrad,
    )
    from optviz.optimizers import (
        Adam as Adam,
    )
    from optviz.optimizers import (
        Momentum as Momentum,
    )
    from optviz.optimizers import (
        Nesterov as Nesterov,
    )
    from optviz.optimizers import (
        Optimizer as Optimizer,
    )
    from optviz.optimizers import (
        RandomSearch as RandomSearch,
    )
    from optviz.optimizers import (
        RMSProp as RMSProp,
    )
    from optviz.optimizers import (
        rule as rule,
    )
    from optviz.optimizers import (
        rule_names as rule_names,
    )
    from optviz.output import savefig as savefig
    from optviz.surfaces import (
        Surface as Surface,
    )
    from optviz.surfaces import (
        register_surface as register_surface,
    )
    from optviz.surfaces import (
        regularized as regularized,
    )
    from optviz.surfaces import (
        surface as surface,
    )
    from optviz.surfaces import (
        surface_from_callable as surface_from_callable,
    )
    from optviz.surfaces import (
        surface_from_expression as surface_from_expression,
    )
    from optviz.surfaces import (
        surface_names as surface_names,
    )
    from optviz.sweep import SweepResult as SweepResult
    from optviz.sweep import sweep as sweep
    from optviz.trajectory import Trajectory as Trajectory
