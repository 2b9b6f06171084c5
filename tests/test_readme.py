"""The README's examples stay true: its scenario file validates and its Python runs."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt

from optviz.scenario import parse

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_the_scenario_example_is_valid():
    (example,) = [b for b in _blocks("toml") if "[[run]]" in b]
    sc = parse(example, "scenarios/my_figure.toml")
    assert sc.kind.name == "poor_conditioning"
    assert [r.rule.name for r in sc.main.runs] == ["gd", "momentum"]
    assert sc.output.formats == ("png", "svg", "pdf", "gif")


def test_the_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for block in _blocks("python"):
        exec(compile(block, "README.md", "exec"), {})  # our own README, never user input
    plt.close("all")
    assert (tmp_path / "momentum.png").exists() and (tmp_path / "poor_conditioning.pdf").exists()


def test_the_quick_start_is_what_ci_runs():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    (quick,) = [b for b in _blocks("bash") if "the main job" in b]
    assert 'pip install -c constraints.txt -e ".[test]"' in quick
    assert 'pip install --quiet -c constraints.txt -e ".[test]"' in ci
    assert "python -m pytest" in quick and "python -m pytest" in ci
