"""The optviz command: help, list, check, render formats, explore's errors."""

from __future__ import annotations

import pytest

from optviz.cli import build_parser, main

GOOD = (
    '\ntitle = "ok"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 10\n'
)


@pytest.mark.parametrize("command", ["render", "gallery", "list", "check", "explore"])
def test_every_subcommand_has_useful_help(capsys, command):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: optviz {command}" in out
    assert len(out.splitlines()) > 4


def test_no_command_prints_the_help_with_its_commands(capsys):
    assert main([]) == 0  # issue 16, item 2: was "error: the following arguments are required"
    out = capsys.readouterr().out
    assert out.startswith("usage: optviz")
    for command in ("render", "gallery", "list", "check", "explore"):
        assert f"    {command} " in out


def test_list_names_surfaces_rules_kinds_and_scenarios(capsys, tmp_path):
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text("nonsense = [")
    assert main(["list", "--scenarios", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("rosenbrock", "quadratic", "momentum", "adam", "poor_conditioning", "panels"):
        assert f"  {name} " in out
    assert "a.toml" in out and "ok" in out
    assert "b.toml" in out and "INVALID" in out


def test_list_kind_shows_its_options(capsys):
    assert main(["list", "--kind", "trajectories"]) == 0
    out = capsys.readouterr().out
    assert "loss = False" in out and "add a panel with the loss curves" in out
    assert main(["list", "--kind", "trajectoris"]) == 2
    assert "did you mean 'trajectories'" in capsys.readouterr().err
    # a kind that draws a study says where its numbers come from, and which surfaces it takes
    assert main(["list", "--kind", "regularization"]) == 0
    out = capsys.readouterr().out
    assert "draws the softmax_1d surface" in out and "optviz.studies.regularized_paths" in out


@pytest.mark.slow
def test_render_writes_each_requested_format(tmp_path, capsys):
    src = tmp_path / "fig.toml"
    src.write_text(GOOD)
    assert main(["render", str(src), "-o", str(tmp_path), "--format", "png,svg,pdf"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / f"fig.{ext}") for ext in ("png", "svg", "pdf")]
    assert (tmp_path / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "fig.pdf").read_bytes()[:5] == b"%PDF-"
    assert b"<svg" in (tmp_path / "fig.svg").read_bytes()[:2000]


@pytest.mark.slow
def test_render_is_byte_stable(tmp_path):
    src = tmp_path / "fig.toml"
    src.write_text(GOOD)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for out in (a, b):
        assert main(["render", str(src), "-o", str(out), "--format", "png,svg,pdf", "-q"]) == 0
    for ext in ("png", "svg", "pdf"):
        assert (a / f"fig.{ext}").read_bytes() == (b / f"fig.{ext}").read_bytes()


@pytest.mark.slow
def test_render_creates_the_output_folder(tmp_path):
    src = tmp_path / "fig.toml"
    src.write_text(GOOD)
    assert main(["render", str(src), "-o", str(tmp_path / "new" / "figures"), "-q"]) == 0
    assert (tmp_path / "new" / "figures" / "fig.png").exists()


def test_render_into_a_file_is_a_usage_error(tmp_path, capsys):
    src = tmp_path / "fig.toml"
    src.write_text(GOOD)
    assert main(["render", str(src), "-o", str(src)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_parser_lists_the_commands():
    help_text = build_parser().format_help()
    for command in ("render", "gallery", "list", "check", "explore"):
        assert command in help_text


def test_version(capsys):
    import optviz

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"optviz {optviz.__version__}"


def test_list_shows_parameters_and_defaults(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "kappa=10.0, angle=0.0, scale=1.0" in out
    assert "lr, rho=0.9, dampening=0.0, weight_decay=0.0" in out
    assert "lr=0.001, betas=(0.9, 0.999), eps=1e-08" in out


def test_list_shows_the_schedules_and_new_rules_with_their_parameters(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    schedules = out.split("Schedules (")[1].split("Figure kinds")[0]
    lines = schedules.splitlines()
    for name, signature in [
        ("step", "step_size, gamma=0.1"),
        ("exponential", "gamma"),
        ("cosine_annealing", "T_max, eta_min=0.0"),
        ("linear", "start_factor=0.3333333333333333, end_factor=1.0, total_iters=5"),
        ("one_cycle", "max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3"),
        ("sequential", "schedulers, milestones"),
    ]:
        row = next(i for i, line in enumerate(lines) if line.startswith(f"  {name} "))
        assert lines[row + 1].strip().startswith(signature), (name, lines[row + 1])
    assert "weight_decay=0.01, amsgrad=False" in out  # AdamW's own default
    assert "lr=1.0, damping=0.0" in out
    assert "lr=1.0, max_iter=20, max_eval=None, history_size=100, line_search_fn=None" in out
