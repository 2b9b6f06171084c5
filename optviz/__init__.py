"""optviz: see how optimizers move.

Analytic 2-D surfaces feed update rules that follow torch.optim exactly; the trajectories they produce are drawn
as slide-ready figures and animated GIFs.

>>> import optviz as ov
>>> s = ov.surface("quadratic", kappa=25)
>>> float(ov.condition_number(s, s.minima[0]))
25.0

The numeric core (surfaces, optimizers, engine, analysis, theory) never imports matplotlib; the drawing modules
(``optviz.plot``, ``animate``, ``explore``, ``savefig``) are imported on first use. ``optviz.landscape`` (loss
landscapes of torch models, an optional extra) imports torch only when one of its names is used.
``ARCHITECTURE.md`` maps the parts and which way their imports run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from optviz import _writers
from optviz._version import __version__

# Public name -> module that defines it. Modules are imported on first attribute access (PEP 562), so that
# `import optviz` stays cheap and never pulls in matplotlib.
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
    "AdamW": "optviz.optimizers",
    "Newton": "optviz.newton",
    "LBFGS": "optviz.lbfgs",
    "rule": "optviz.optimizers",
    "rule_names": "optviz.optimizers",
    "GaussianNoise": "optviz.noise",
    "Minibatch": "optviz.noise",
    # learning-rate schedules (torch.optim.lr_scheduler's names)
    "StepLR": "optviz.schedules",
    "ExponentialLR": "optviz.schedules",
    "CosineAnnealingLR": "optviz.schedules",
    "LinearLR": "optviz.schedules",
    "OneCycleLR": "optviz.schedules",
    "SequentialLR": "optviz.schedules",
    "schedule_names": "optviz.schedules",
    # engine
    "run": "optviz.engine",
    "endpoints": "optviz.engine",  # run() keeping no history: each run's end and status (basins of attraction)
    "Trajectory": "optviz.trajectory",
    "sweep": "optviz.sweeps",
    "SweepResult": "optviz.sweeps",
    # interop (torch / optax imported only when an adapter is made)
    "from_torch": "optviz.interop",
    "from_optax": "optviz.interop",
    # drawing (matplotlib is imported only here)
    "savefig": "optviz.output",
    "animate": "optviz.anim",
    "animation": "optviz.anim",
    "render_frames": "optviz.anim",
    "explore": "optviz.explorer",
    "explore_classifier": "optviz.explorer",
    "Explorer": "optviz.explorer",
    # web pages (matplotlib only to draw their static layer)
    "to_html": "optviz.web",
}

# Submodules reachable as attributes: `ov.plot.contour(...)`, `ov.theory.gd_rate(...)`, `ov.style.context()`,
# `ov.studies.phase_sweep(...)`, `ov.dynamics.basins(...)`, `ov.metrics.measured_rate(...)`, `ov.limits.MAX_STEPS`,
# `ov.landscape.train(...)` (loss landscapes of torch models: torch is imported by its first name that needs it).
_SUBMODULES = {
    "dynamics",
    "figures",
    "landscape",
    "limits",
    "metrics",
    "plot",
    "scenario",
    "studies",
    "style",
    "testing",
    "theory",
}

__all__ = sorted([*_LAZY, *_SUBMODULES])


# The web page is a format of `optviz render` (`html`), but the scenario layer may not import the Web part:
# the package root, which may, registers its writer (imported only when a page is written).
def _page_writer() -> Any:
    from optviz.web.scenario_page import WRITER

    return WRITER


_writers.register_writer("html", _page_writer)


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


if TYPE_CHECKING:  # pragma: no cover - names for static analysers only (F401 is off for this file)
    from optviz import (
        figures,
        landscape,
        limits,
        metrics,
        plot,
        scenario,
        studies,
        style,
        testing,
        theory,
    )
    from optviz.analysis import (
        condition_number,
        critical_point_kind,
        gradcheck,
        hesscheck,
        hessian_eigen,
        numerical_gradient,
        numerical_hessian,
        refine_critical_points,
    )
    from optviz.anim import animate, animation, render_frames
    from optviz.engine import run
    from optviz.explorer import Explorer, explore, explore_classifier
    from optviz.interop import from_optax, from_torch
    from optviz.lbfgs import LBFGS
    from optviz.newton import Newton
    from optviz.noise import GaussianNoise, Minibatch
    from optviz.optimizers import (
        GD,
        AdaGrad,
        Adam,
        AdamW,
        Momentum,
        Nesterov,
        Optimizer,
        RandomSearch,
        RMSProp,
        rule,
        rule_names,
    )
    from optviz.output import savefig
    from optviz.schedules import (
        CosineAnnealingLR,
        ExponentialLR,
        LinearLR,
        OneCycleLR,
        SequentialLR,
        StepLR,
        schedule_names,
    )
    from optviz.surfaces import (
        Surface,
        register_surface,
        regularized,
        surface,
        surface_from_callable,
        surface_from_expression,
        surface_names,
    )
    from optviz.sweeps import SweepResult, sweep
    from optviz.trajectory import Trajectory
    from optviz.web import to_html
