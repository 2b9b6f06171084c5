"""One source for every limit: the scenario schema, the writers and the engine read optviz.limits, and agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

import optviz as ov
from optviz import anim, limits
from optviz.scenario import ScenarioError, parse
from optviz.scenario.schema import GifSpec

ROOT = Path(__file__).resolve().parents[1]
BASE = '[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 20\n'


def gif_table(**keys):
    lines = "".join(f"{k} = {v}\n" for k, v in keys.items())
    return BASE + f'[output]\nformats = ["gif"]\n[output.gif]\n{lines}'


def test_a_scenarios_gif_defaults_are_the_writers_own():
    spec = GifSpec()
    assert (spec.fps, spec.hold, spec.dpi, spec.max_frames) == (
        anim.FPS,
        anim.HOLD,
        anim.DPI,
        anim.MAX_FRAMES_SHOWN,
    )
    assert parse(BASE, "x.toml").output.gif == spec


@pytest.mark.parametrize(
    ("key", "good", "bad"),
    [
        ("hold", 45, limits.MAX_HOLD + 1),  # was 30 s in the schema, 60 s in the writer
        ("fps", 50, limits.MAX_FPS + 1),
        ("dpi", 400, limits.MAX_DPI + 1),  # was 300 in the schema, 600 for ov.animate
        ("max_frames", limits.MAX_FRAMES, limits.MAX_FRAMES + 1),
    ],
)
def test_the_schema_and_the_writers_accept_and_refuse_the_same_values(tmp_path, key, good, bad):
    q = ov.surface("quadratic")
    assert (
        getattr(parse(gif_table(**{key: good, "size": "[2.0, 2.0]"}), "x.toml").output.gif, key)
        == good
    )
    with pytest.raises(ScenarioError) as from_file:
        parse(gif_table(**{key: bad}), "x.toml")
    checks = {
        "hold": lambda v: anim.frame_durations(2, 20, hold=v),
        "fps": anim.frame_duration,
        "dpi": lambda v: ov.animate(
            q,
            [ov.run(q, ov.GD(lr=0.1), steps=2)],
            tmp_path / "a.gif",
            dpi=v,
            size=(2, 2),
            quiet=True,
        ),
        "max_frames": lambda v: anim.frame_steps(10, max_frames=v),
    }
    checks[key](good)
    with pytest.raises(ValueError) as from_python:
        checks[key](bad)
    assert str(from_file.value).endswith(str(from_python.value).split(": ", 1)[1])


def test_steps_of_any_run_a_figure_makes_share_one_cap():
    over = limits.MAX_STEPS + 1
    for text, field in (
        (BASE.replace("steps = 20", f"steps = {over}"), "run[0].steps"),
        (f'kind = "test_functions"\n[figure]\nsteps = {over}\n', "figure.steps"),
        (
            f'kind = "weight_decay_conditioning"\n{BASE.split("[[run]]")[0]}[figure]\nsteps = {over}\n',
            "figure.steps",
        ),
    ):
        with pytest.raises(
            ScenarioError, match=re.escape(f"{field}: must be at most {limits.MAX_STEPS:,}")
        ):
            parse(text, "x.toml")
    with pytest.raises(ValueError, match=f"steps: must be at most {limits.MAX_RUN_STEPS:,}"):
        ov.run("quadratic", ov.GD(lr=0.1), steps=limits.MAX_RUN_STEPS + 1)


def test_no_module_declares_a_cap_the_limits_module_holds():
    """A cap's number is written once: in optviz/limits.py (a second `MAX_FPS = 50` elsewhere fails)."""
    names = {
        node.targets[0].id
        for node in ast.parse((ROOT / "optviz" / "limits.py").read_text()).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    } | {"MAX_TRAJECTORY_STEPS", "MAX_SWEEP_STEPS"}
    for path in (ROOT / "optviz").rglob("*.py"):
        # (testing/compare.py's MAX_PIXELS is a comparison's tolerance, not a cap)
        if path.name == "limits.py" or path.parent.name == "testing":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    assert not (isinstance(target, ast.Name) and target.id in names), (
                        f"{path.relative_to(ROOT)} declares {target.id}: read optviz.limits instead"
                    )


def test_the_optimizers_do_not_import_the_trajectory():
    """The loop optimizers <-> trajectory is broken: a rule's update vectors take the recorded arrays."""
    source = (ROOT / "optviz" / "optimizers.py").read_text(encoding="utf-8")
    assert "trajectory" not in {
        alias.name.rsplit(".", 1)[-1]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    } | {
        (node.module or "").rsplit(".", 1)[-1]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    }
    t = ov.run("quadratic", ov.Momentum(lr=0.05), steps=3)
    v = t.optimizer.update_vectors(1, t.xy, t.grad, t.state)
    np.testing.assert_allclose(v["velocity"] + v["gradient"], t.xy[2] - t.xy[1], rtol=1e-12)


def test_a_scenarios_work_counts_its_runs_and_its_studies():
    from optviz.scenario.compute import work

    phase = parse('kind = "phase_diagram"\n[figure]\ngrid = 10\nsteps = 300\n', "p.toml")
    assert work(phase) == 10 * 10 * 300
    sweep = parse(
        BASE.replace("lr = 0.05", "lr = 0.05\nnoise = { sigma = 0.1 }").replace(
            "[surface]", 'kind = "seed_sweep"\n[surface]'
        )
        + "[figure]\nvalues = [0.01, 0.02, 0.03]\nseeds = 4\n",
        "s.toml",
    )
    assert work(sweep) == 20 + 3 * 4 * 20  # the template itself, then values x seeds x its steps
    table = parse('kind = "rate_table"\n[figure]\nkappas = [10]\n', "t.toml")
    from optviz import studies

    steps = [row.steps for row in studies.rate_table(kappas=[10]).rows]
    assert work(table) == sum(steps)  # counted without running, as the table runs them
