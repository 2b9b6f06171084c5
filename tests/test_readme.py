"""The README's examples stay true: its scenario file validates and its Python runs."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from optviz.scenario import parse

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_scenario_example_is_valid():
    (example,) = [b for b in _blocks("toml") if "[[run]]" in b]
    sc = parse(example, "scenarios/my_figure.toml")
    assert sc.kind.name == "poor_conditioning"
    assert [r.rule.name for r in sc.main.runs] == ["gd", "momentum"]
    assert sc.output.formats == ("png", "svg", "pdf", "gif")


def _needs_torch(block: str) -> bool:
    return "import torch" in block


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_the_python_examples_run_in_a_fresh_interpreter(tmp_path, index):
    # A fresh process, as a reader would run it: nothing imported by other tests can make it pass.
    block = _blocks("python")[index]
    if _needs_torch(block) and importlib.util.find_spec("torch") is None:
        pytest.skip("this example uses torch, which is not installed (pip install 'optviz[torch]')")
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no warnings either
    written = {p.name for p in tmp_path.iterdir()} - {"example.py"}
    assert written, "the example writes its figure"
    # What a `print(...)  # comment` line claims is what it prints ("..." stands for the rest).
    claims = [line.split("  # ", 1)[1] for line in block.splitlines() if line.startswith("print(")]
    printed = proc.stdout.splitlines()
    assert len(printed) == len(claims)
    for claim, line in zip(claims, printed, strict=True):
        at = 0
        for part in claim.split("..."):
            found = line.find(part, at)
            assert found >= 0, f"the README says {claim!r}; it prints {line!r}"
            at = found + len(part)


def test_the_readme_says_what_the_default_run_leaves_out_and_how_to_run_it():
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    assert "-m 'not slow'" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    text = " ".join(README.split())
    assert "the fast lane" in text
    assert "python -m pytest -n auto --dist loadgroup -m slow" in text
    assert '-m "slow or not slow"' in text


def test_the_quick_start_is_what_ci_runs():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    (quick,) = [b for b in _blocks("bash") if "the main job" in b]
    (tests,) = [line for line in quick.splitlines() if "python -m pytest" in line]
    # The same extras: the notebook extra lets the suite execute docs/explore.ipynb (tests/test_notebook.py).
    extras = re.findall(r'-e "\.\[([\w,]+)\]"', tests)
    assert extras == ["test,notebook"]
    assert 'pip install --quiet -c constraints.txt -e ".[test,notebook]"' in ci
    # The same test command: its options (one process per core, each file whole in one) too.
    options = tests.split("python -m pytest", 1)[1].split()
    assert options == ["-n", "auto", "--dist", "loadgroup"]
    assert f"python -m pytest -q {' '.join(options)} || failed=1\n" in ci
    # ... and then the slow lane, so that CI runs every test.
    assert f"python -m pytest -q {' '.join(options)} -m slow || failed=1\n" in ci
    # In CI a missing extra fails the notebook test instead of skipping it.
    assert "\nexport CI=1\n" in ci


def test_the_caps_the_readme_states_are_the_ones_the_code_enforces():
    from optviz import limits

    text = " ".join(README.split())
    for value, phrase in [
        (limits.MAX_STEPS, "{:,} steps a run"),
        (limits.MAX_RUNS, "{:,} runs a panel"),
        (limits.MAX_PANELS, "{} panels"),
        (limits.MAX_PIXELS, "{:,} pixels a side"),
        (limits.MAX_FRAMES, "{:,} frames"),
        (limits.MAX_SCENARIO_STEPS, "no more than {:,} trajectory-steps"),
        (limits.MAX_SCENARIO_WORK, "{:,} units of work"),
        (limits.MAX_RUN_STEPS, "up to {:,} steps a run"),
        (limits.MAX_CALL_STEPS, "{:,} trajectory-steps and"),
        (limits.MAX_HISTORY_BYTES // 1024**3, "{} GiB of recorded history"),
    ]:
        assert phrase.format(value) in text, phrase.format(value)
    assert f"{limits.MAX_INCHES:g} inches" in text
