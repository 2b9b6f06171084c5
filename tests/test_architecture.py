"""The architecture's arrows (ARCHITECTURE.md, "Invariants"), checked on the source.

Every module of ``optviz`` belongs to one part. A part imports only the parts below it:

    Face (cli, the package root) -> anything
    Scenarios -> Engine, Landscape, Drawing, Core
    Interactive -> Engine, Drawing, Core        Web -> Engine, Drawing, Core
    Testing -> Drawing, Core                    Landscape (torch models) -> Core
    Engine -> Core                              Drawing -> Core
    Core -> nothing but Core

and every part may use the shared internals (``optviz._validate``, ``_io``, ``_format``, ``_version``,
``_progress``, ``_text``, ``limits``), which import nothing of optviz but each other. So the Core never imports the Engine, Drawing or
Scenarios; the Engine never imports Drawing; Drawing imports neither the Engine nor the Scenarios; and no Core,
Engine or Drawing module imports the package root (``optviz/__init__.py``, part of the Face). Only the Face and
the Scenarios import the Landscape (``optviz.landscape``, which imports torch), so ``import optviz`` and every
figure stay torch-free; and no Core, Engine or Landscape module imports matplotlib.

Besides: no module imports another subpackage's private (``_name``) module, absolutely or relatively, and no
module imports another module's private names. Every import counts: at module level, inside functions, under
``if TYPE_CHECKING:``, relative ones, ``importlib.import_module("...")`` with a literal name, and attribute
reach-ins through an imported module (``plot._common.run_label``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "optviz"

# Module (or package prefix) -> part. The longest matching prefix wins; every module must match one.
PARTS = {
    "optviz": "Face",  # the package root: the lazy public names
    "optviz.__main__": "Face",
    "optviz.cli": "Face",
    "optviz.scenario": "Scenarios",
    "optviz.explorer": "Interactive",
    "optviz.web": "Web",
    "optviz.landscape": "Landscape",  # loss landscapes of torch models (the optional torch extra)
    "optviz.landscape.gallery": "Scenarios",  # computes the landscapes and draws the gallery's figures
    "optviz.testing": "Testing",
    "optviz.engine": "Engine",
    "optviz.sweeps": "Engine",
    "optviz.studies": "Engine",
    "optviz.dynamics": "Engine",  # issue 18: basins, sharpness, preconditioner, stationary noise
    "optviz.plot": "Drawing",
    "optviz.figures": "Drawing",
    "optviz.anim": "Drawing",
    "optviz.style": "Drawing",
    "optviz.output": "Drawing",
    "optviz._blit": "Drawing",
    "optviz._counter": "Drawing",
    "optviz._gif": "Drawing",
    "optviz.surfaces": "Core",
    "optviz.optimizers": "Core",
    "optviz.newton": "Core",
    "optviz.lbfgs": "Core",
    "optviz.schedules": "Core",
    "optviz.scheduled": "Core",
    "optviz.stacked": "Core",
    "optviz.kernels": "Core",
    "optviz.noise": "Core",
    "optviz.trajectory": "Core",
    "optviz.analysis": "Core",
    "optviz.metrics": "Core",
    "optviz.theory": "Core",
    "optviz.classifier": "Core",
    "optviz.gradients": "Core",
    "optviz.hyperparameters": "Core",
    "optviz.interop": "Core",
    "optviz.explore_settings": "Core",  # the explorers' settings table (ov.explore and the web page)
    "optviz._linalg2": "Core",  # 2 x 2 algebra written out (Newton's step, the surfaces' minima)
    "optviz._validate": "Shared",
    "optviz._io": "Shared",
    "optviz._format": "Shared",
    "optviz._version": "Shared",
    "optviz._progress": "Shared",
    "optviz._text": "Shared",
    "optviz._writers": "Shared",
    "optviz.examples": "Shared",  # the shipped scenario files (scenarios/, linked): data, it imports nothing
    "optviz.limits": "Shared",
}

# What each part may import (besides itself).
ALLOWED = {
    "Face": {
        "Scenarios",
        "Interactive",
        "Web",
        "Testing",
        "Engine",
        "Landscape",
        "Drawing",
        "Core",
        "Shared",
    },
    "Scenarios": {"Engine", "Landscape", "Drawing", "Core", "Shared"},
    "Interactive": {"Engine", "Drawing", "Core", "Shared"},
    "Web": {"Engine", "Drawing", "Core", "Shared"},
    "Testing": {"Drawing", "Core", "Shared"},
    "Engine": {"Core", "Shared"},
    "Landscape": {"Core", "Shared"},
    "Drawing": {"Core", "Shared"},
    "Core": {"Shared"},
    "Shared": set(),
}


@dataclass(frozen=True)
class Violation:
    importer: str
    imported: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.imported}: {self.rule}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def part_of(name: str) -> str | None:
    best = None
    for prefix in PARTS:
        if (name == prefix or name.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return None if best is None else PARTS[best]


def _is_private(segment: str) -> bool:
    return segment.startswith("_") and not segment.startswith("__")


class _Imports(ast.NodeVisitor):
    """Every optviz module (and private name) a module imports, with the line."""

    def __init__(self, name: str, is_package: bool, known: set[str]) -> None:
        self.name = name
        self.package = name if is_package else name.rpartition(".")[0]
        self.known = known  # every optviz module name
        self.found: list[tuple[str, int, str | None]] = []  # (module, line, private name or None)
        self.bound: dict[str, str] = {}  # local name -> optviz module it refers to

    def _resolve(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        base = self.package.split(".")
        base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def _record(self, module: str, line: int, private: str | None = None) -> None:
        if module == "optviz" or module.startswith("optviz."):
            self.found.append((module, line, private))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._record(alias.name, node.lineno)
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                self.bound[alias.name.split(".")[0]] = alias.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._resolve(node.module, node.level)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            if full in self.known:  # a submodule: `from optviz.plot import _common`
                self._record(full, node.lineno)
                self.bound[alias.asname or alias.name] = full
            else:  # a name defined in `base` (for the root: the package itself)
                self._record(base, node.lineno, alias.name if _is_private(alias.name) else None)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = []
        value: ast.AST = node
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if isinstance(value, ast.Name) and value.id in self.bound and chain:
            module = self.bound[value.id]
            for attr in reversed(chain):
                if f"{module}.{attr}" in self.known:
                    module = f"{module}.{attr}"
                    self._record(module, node.lineno)
                else:
                    if _is_private(attr):
                        self._record(module, node.lineno, attr)
                    break
            return  # the chain is handled whole
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if (
            name == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self._record(node.args[0].value, node.lineno)
        self.generic_visit(node)


def imports_of(name: str, source: str, is_package: bool, known: set[str]) -> list:
    visitor = _Imports(name, is_package, known)
    visitor.visit(ast.parse(source))
    return visitor.found


def _owner(module: str) -> str | None:
    """The package that owns a private module (``optviz.plot`` for ``optviz.plot._common``), if private."""
    parts = module.split(".")
    for i, segment in enumerate(parts):
        if _is_private(segment):
            return ".".join(parts[:i])
    return None


def violations_of(name: str, source: str, is_package: bool, known: set[str]) -> list[Violation]:
    part = part_of(name)
    out = []
    for module, line, private in imports_of(name, source, is_package, known):
        target = part_of(module)
        if target is None:
            out.append(Violation(name, module, line, "an optviz module that does not exist"))
            continue
        if target != part and target not in ALLOWED[part]:
            out.append(Violation(name, module, line, f"{part} never imports {target}"))
        owner = _owner(module)
        if owner is not None and not (name == owner or name.startswith(owner + ".")):
            out.append(
                Violation(name, module, line, f"a private module of {owner}, from outside it")
            )
        if private is not None and module != name:
            out.append(
                Violation(name, f"{module}.{private}", line, "a private name of another module")
            )
    return out


def all_violations() -> list[Violation]:
    found = modules()
    known = set(found)
    out: dict[str, Violation] = {}
    for name, path in found.items():
        source = path.read_text(encoding="utf-8")
        for v in violations_of(name, source, path.name == "__init__.py", known):
            out.setdefault(str(v), v)
    return list(out.values())


# -- the checks ------------------------------------------------------------------------------------------------
def test_every_module_belongs_to_a_part():
    unmapped = [name for name in modules() if part_of(name) is None]
    assert not unmapped, f"classify these modules in PARTS (and ARCHITECTURE.md): {unmapped}"


def test_no_import_crosses_an_arrow_the_wrong_way():
    found = [str(v) for v in all_violations()]
    assert not found, "\n".join(found)


# The parts that compute: they never import matplotlib (nor, through it, a GUI backend), at any level.
NO_MATPLOTLIB = {"Core", "Engine", "Landscape"}


def matplotlib_imports(source: str) -> list[int]:
    """The lines of ``source`` that import matplotlib (any statement, any level, or ``import_module``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if not node.level else []
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        if any(n == "matplotlib" or n.startswith("matplotlib.") for n in names):
            lines.append(node.lineno)
    return lines


def test_the_computing_parts_never_import_matplotlib():
    found = [
        f"{name}:{line} imports matplotlib ({part_of(name)} never does)"
        for name, path in modules().items()
        if part_of(name) in NO_MATPLOTLIB
        for line in matplotlib_imports(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "import matplotlib.pyplot as plt",
        "def f():\n    from matplotlib.ticker import MaxNLocator\n",
        "import importlib\nimportlib.import_module('matplotlib')",
    ],
)
def test_the_matplotlib_check_catches(source):
    assert matplotlib_imports(source)
    assert not matplotlib_imports("import numpy as np\nfrom optviz import style\n")


# -- the checker itself can fail -------------------------------------------------------------------------------
KNOWN = {
    "optviz",
    "optviz._validate",
    "optviz.style",
    "optviz.engine",
    "optviz.plot",
    "optviz.plot._common",
    "optviz.figures",
    "optviz.figures.basic",
    "optviz.scenario",
    "optviz.scenario._reader",
    "optviz.surfaces",
    "optviz.surfaces.base",
}


@pytest.mark.parametrize(
    ("importer", "source", "rule"),
    [
        ("optviz.surfaces.base", "from optviz.engine import run", "Core never imports Engine"),
        (
            "optviz.surfaces.base",
            "def f():\n    import optviz.plot\n",
            "Core never imports Drawing",
        ),
        ("optviz.engine", "from optviz import __version__", "Engine never imports Face"),
        ("optviz.engine", "import optviz", "Engine never imports Face"),
        (
            "optviz.figures.basic",
            "from ..scenario import _reader",
            "Drawing never imports Scenarios",
        ),
        (
            "optviz.figures.basic",
            "from optviz.plot import _common",
            "a private module of optviz.plot",
        ),
        ("optviz.figures.basic", "from ..plot._common import x", "a private module of optviz.plot"),
        ("optviz.figures.basic", "from optviz import plot\nplot._common.f()", "a private module"),
        ("optviz.scenario", "from optviz.figures.basic import _loss", "a private name"),
        (
            "optviz.figures.basic",
            "if TYPE_CHECKING:\n    from optviz.engine import Problem\n",
            "Drawing never imports Engine",
        ),
        (
            "optviz.figures.basic",
            "import importlib\nimportlib.import_module('optviz.engine')",
            "Drawing never imports Engine",
        ),
    ],
)
def test_the_checker_catches(importer, source, rule):
    found = violations_of(importer, source, importer in ("optviz", "optviz.scenario"), KNOWN)
    assert any(rule in str(v) for v in found), found


@pytest.mark.parametrize(
    ("importer", "source"),
    [
        (
            "optviz.plot._common",
            "from optviz import _validate, style",
        ),  # shared internal, same part
        ("optviz.plot", "from optviz.plot._common import get_ax"),  # own private module
        ("optviz.scenario", "from optviz.engine import run\nfrom optviz import plot"),
        ("optviz", "from optviz.engine import run"),  # the root may import anything
    ],
)
def test_the_checker_allows(importer, source):
    assert (
        violations_of(
            importer, source, importer in ("optviz", "optviz.plot", "optviz.scenario"), KNOWN
        )
        == []
    )


def test_architecture_md_names_every_subpackage_and_module():
    """The code map names each package and module (a new one is mapped there, and in PARTS above)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = []
    for path in modules().values():
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py":
            wanted = f"{relative.parent.as_posix()}/" if relative.parent.parts else "__init__.py"
        else:
            wanted = path.name
        if wanted not in text:
            missing.append(str(relative))
    assert not missing, f"ARCHITECTURE.md does not name: {missing}"
