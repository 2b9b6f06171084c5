"""Root conftest: what pytest's doctest collection must not import."""

import importlib.util

# `python -m optviz` runs the command line on import.
collect_ignore = ["optviz/__main__.py"]

# optviz.landscape is an optional extra: its torch modules cannot be imported where torch is not installed, so
# their doctests are collected only where it is (tests/test_landscape*.py then skip, saying why).
TORCH_MODULES = ("model", "planes", "record", "grid", "curvature")
if importlib.util.find_spec("torch") is None:
    collect_ignore += [f"optviz/landscape/{name}.py" for name in TORCH_MODULES]
