"""Scenario files: one TOML file, one command, one slide-ready figure (and GIF).

``load``/``parse`` validate a file into a :class:`Scenario`; ``compute`` runs everything it needs (its runs,
its kind's study) and ``check`` stops there; ``scene_for`` draws it; ``render`` writes its files. ``figure``
does the same from Python: ``figure(kind, surface, runs, **options)``.

>>> from optviz.scenario import parse
>>> sc = parse('''
... title = "Poor conditioning"
... [surface]
... name = "quadratic"
... kappa = 25
... [[run]]
... rule = "gd"
... lr = 0.07
... ''', "poor.toml")
>>> sc.main.surface, sc.main.runs[0].rule
(<Surface quadratic(kappa=25, angle=0, scale=1, center=[0, 0])>, GD(lr=0.07))
>>> parse('[surface]\\nname = "quadratc"', "bad.toml")
Traceback (most recent call last):
...
optviz.scenario._reader.ScenarioError: bad.toml: surface.name: unknown surface 'quadratc'; did you mean 'quadratic'? ...
"""

from optviz.scenario._reader import ScenarioError
from optviz.scenario.compute import compute, figure, register_study
from optviz.scenario.render import check, draw, render, scene_for
from optviz.scenario.schema import Scenario, load, parse

__all__ = [
    "Scenario",
    "ScenarioError",
    "check",
    "compute",
    "draw",
    "figure",
    "load",
    "parse",
    "register_study",
    "render",
    "scene_for",
]
