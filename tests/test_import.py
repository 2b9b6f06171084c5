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
