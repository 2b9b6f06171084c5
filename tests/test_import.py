"""`import optviz` stays light: no matplotlib until something is drawn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_import_optviz_does_not_import_matplotlib():
    code = (
        "import sys, optviz as ov\n"
        "s = ov.surface('himmelblau')\n"
        "ov.condition_number(s, s.grid(20)[2])\n"
        "ov.regularized(ov.surface_from_expression('sin(x)*y'), 0.1).grad([1.0, 2.0])\n"
        "c = ov.surface_from_callable(lambda p: p[..., 0]**2, bounds=((0, 1), (0, 1)))\n"
        "c.hessian([0.5, 0.5])\n"
        "[ov.surface(n) for n in ov.surface_names()]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    assert _run(code) == "[]"


def test_import_optviz_does_not_import_torch():
    # The loss-landscape package is an optional extra: importing optviz, its drawing code and the landscape
    # package itself (and its torch-free parts: the slice Surface, the datasets, the gallery's index) loads
    # no torch, whether or not torch is installed.
    code = (
        "import sys, optviz as ov\n"
        "s = ov.surface('rosenbrock')\n"
        "ov.run(s, ov.Adam(lr=0.05), steps=5)\n"
        "import optviz.landscape as ol, optviz.landscape.gallery, optviz.plot, optviz.figures\n"
        "ol.two_moons(10)\n"
        "import numpy as np\n"
        "x = np.linspace(0, 1, 5)\n"
        "ol.LossSurface(x, x, 1 + np.add.outer(x, x)).value([0.5, 0.5])\n"
        "print(ov.landscape is ol, sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))\n"
    )
    assert _run(code) == "True []"


def test_the_landscape_names_say_how_to_install_torch_when_it_is_missing():
    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # as if torch were not installed\n"
        "import optviz.landscape as ol\n"
        "try:\n"
        "    ol.ModelLoss\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    assert _run(code) == (
        "optviz.landscape needs PyTorch, which is not installed: pip install 'optviz[torch]'"
    )


def test_every_surface_and_analysis_name_resolves_lazily():
    names = [
        "surface",
        "surface_names",
        "Surface",
        "register_surface",
        "surface_from_expression",
        "surface_from_callable",
        "regularized",
        "hessian_eigen",
        "condition_number",
        "gradcheck",
        "hesscheck",
        "numerical_gradient",
        "numerical_hessian",
        "refine_critical_points",
        "critical_point_kind",
    ]
    code = f"import optviz as ov\nprint(all(callable(getattr(ov, n)) for n in {names!r}))"
    assert _run(code) == "True"


def test_analysis_can_be_imported_first():
    # optviz.analysis imports the surfaces package, whose wrappers use analysis: no import cycle
    # either way.
    assert _run("import optviz.analysis, optviz.surfaces.regularized; print('ok')") == "ok"
    assert _run("import optviz.surfaces.expression; import optviz.analysis; print('ok')") == "ok"
