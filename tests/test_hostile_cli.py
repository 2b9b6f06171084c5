"""The command under hostile paths and names (issue 16, items 2, 3, 5, 6, 8 and 9): one clean line and exit code
2 for every bad input, nothing partial written, no temporary file left, no worker left running."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from optviz import _io
from optviz.cli import main
from optviz.scenario import gallery

GOOD = '[surface]\nname = "quadratic"\nkappa = 10\n[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 20\n'


def _scenario(folder: Path, name: str, text: str = GOOD) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err[:-1].isprintable() and "Traceback" not in err, err
    return err[:-1]


# -- item 2: a command that helps ---------------------------------------------------------------------------------
def test_list_kind_given_a_surface_says_what_it_is(capsys):
    assert main(["list", "--kind", "rosenbrock"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "'rosenbrock' is a surface, not a figure kind" in line


# -- item 3: the scenarios ship with the package -------------------------------------------------------------------
@pytest.mark.slow
def test_outside_a_clone_list_and_render_use_the_shipped_examples(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "Examples shipped with optviz" in listed and "sgd_vs_momentum" in listed
    assert (
        main(["render", "--example", "poor_conditioning", "-o", "out", "--format", "png", "-q"])
        == 0
    )
    assert sorted(os.listdir("out")) == ["poor_conditioning.png"]
    assert main(["render", "--example", "no_such_example", "-o", "out"]) == 2
    assert "no_such_example" in _one_line(capsys.readouterr().err)


# -- items 8 and 9: paths that are not scenario files ---------------------------------------------------------------
@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_path_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path, capsys, kind):
    if kind == "folder":
        path = tmp_path / "d.toml"
        path.mkdir()
        phrase = "is a folder"
    elif kind == "fifo":
        path = tmp_path / "f.toml"
        os.mkfifo(path)  # reading it would block forever: refused before it is opened
        phrase = "not a regular file"
    else:
        path = Path("/dev/zero")  # reading it would fill the memory
        phrase = "not a regular file"
    for command in ("check", "render"):
        assert (
            main([command, str(path), *(["-o", str(tmp_path / "out")] * (command == "render"))])
            == 2
        )
        line = _one_line(capsys.readouterr().err)
        assert line.startswith(f"{path}: ") and phrase in line, line
    assert not (tmp_path / "out").exists()


def test_an_output_folder_under_a_file_is_one_line(tmp_path, capsys):
    source = _scenario(tmp_path, "a.toml")
    (tmp_path / "afile").write_text("x")
    assert main(["render", str(source), "-o", str(tmp_path / "afile" / "sub")]) == 2
    assert "cannot create the folder" in _one_line(capsys.readouterr().err)


def test_gif_on_a_kind_without_animation_is_refused_before_drawing(tmp_path, capsys):
    source = _scenario(tmp_path, "rt.toml", 'kind = "rate_table"\n')
    out = tmp_path / "out"
    assert main(["render", str(source), "--format", "gif", "-o", str(out)]) == 2
    assert "has no animation" in _one_line(capsys.readouterr().err)
    assert not out.exists()


@pytest.mark.slow
def test_a_long_stem_renders_although_its_temporary_name_would_be_too_long(tmp_path, capsys):
    stem = "a" * 245  # legal; "<stem>.tmp.XXXX.png" would not be
    source = _scenario(tmp_path, f"{stem}.toml")
    out = tmp_path / "out"
    assert main(["render", str(source), "-o", str(out), "--format", "png,svg", "-q"]) == 0
    assert sorted(os.listdir(out)) == [f"{stem}.png", f"{stem}.svg"]


# -- item 6: no partial set, no temporary files -------------------------------------------------------------------
def test_a_target_that_is_a_folder_stops_the_render_before_any_file_is_replaced(tmp_path, capsys):
    source = _scenario(tmp_path, "x.toml")
    out = tmp_path / "out"
    (out / "x.svg").mkdir(parents=True)
    (out / "x.png").write_bytes(b"old")
    assert main(["render", str(source), "-o", str(out), "--format", "png,svg"]) == 2
    assert "x.svg: is a folder" in _one_line(capsys.readouterr().err)
    assert (out / "x.png").read_bytes() == b"old"
    assert sorted(os.listdir(out)) == ["x.png", "x.svg"]


@pytest.mark.slow
def test_several_files_render_all_or_nothing_and_each_is_tried(tmp_path, capsys, monkeypatch):
    render_module = importlib.import_module(
        "optviz.scenario.render"
    )  # the package's `render` is a function
    out = tmp_path / "out"
    out.mkdir()
    sources = [_scenario(tmp_path, f"{n}.toml") for n in "abc"]
    (out / "a.png").write_bytes(b"old a")
    real_write = render_module._write
    tried = []

    def write(scenario, *args):  # b fails while drawing
        tried.append(scenario.path.stem)
        if scenario.path.stem == "b":
            raise RuntimeError("drawing failed")
        return real_write(scenario, *args)

    monkeypatch.setattr(render_module, "_write", write)
    assert main(["render", *map(str, sources), "-o", str(out), "--format", "png", "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert tried == ["a", "b", "c"], "every scenario is tried"
    assert err[0].startswith(f"{sources[1]}: ") and "drawing failed" in err[0]
    assert "nothing written (1 of 3 scenarios failed" in err[1]
    assert sorted(os.listdir(out)) == ["a.png"] and (out / "a.png").read_bytes() == b"old a"


def test_stale_temporary_files_of_a_killed_run_are_cleaned_and_others_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = _io.temp_name(out / "x.png", pid=int(dead.stdout))  # what kill -9 left behind
    stale.write_bytes(b"half a png")
    live = _io.temp_name(out / "y.png", pid=os.getpid())  # a running render's: not ours to remove
    live.write_bytes(b"in progress")
    theirs = out / ".x.png.tmp.abcd"  # not our pattern
    theirs.write_bytes(b"")
    source = _scenario(tmp_path, "x.toml")
    assert main(["render", str(source), "-o", str(out), "--format", "png", "-q"]) == 0
    assert sorted(os.listdir(out)) == sorted([live.name, theirs.name, "x.png"])
    assert len(_io.temp_name(out / ("s" * 250 + ".png")).name) < 60, "one short temp name"


def test_gallery_workers_exit_when_the_main_process_is_killed():
    # The "main process" forks a worker that runs the gallery's initializer and holds a pipe open, then dies as
    # kill -9 would (os._exit). Reading the pipe returns end-of-file once the worker has exited too. (The worker
    # is given the main process's pid as the pool gives it, not its own getppid(), which is already the reaper's
    # when the main process dies first: that race hung the test under load.)
    script = textwrap.dedent(
        """
        import os, threading
        from optviz.scenario.gallery import _watch_parent
        read, write = os.pipe()
        main = os.fork()
        if main == 0:
            os.close(read)
            parent = os.getpid()  # taken before the fork: the main process may die before the worker runs
            if os.fork() == 0:  # the worker
                _watch_parent(parent)
                print(os.getpid(), flush=True)
                threading.Event().wait()
            os._exit(0)
        os.close(write)
        os.waitpid(main, 0)
        assert os.read(read, 1) == b""
        print("gone", flush=True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0 and proc.stdout.split()[-1] == "gone", proc.stderr


# -- item 5: untrusted text in messages, in the gallery's index, in its commands -----------------------------------
def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path, capsys):
    source = _scenario(tmp_path, "bad\x1b[2J\nFAKE.toml", "title = 3\n" + GOOD)
    assert main(["check", str(source)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "bad\\x1b[2J\\nFAKE.toml: title: must be a string" in line


def test_the_gallery_index_escapes_titles_names_and_commands(tmp_path):
    names = ["x](javascript:alert(1)).toml", "sc$(touch PWN).toml"]
    outcomes = [
        gallery.Outcome(
            tmp_path / names[0], "<img src=x onerror=alert(1)>", "```\nunclosed", ("a.png",), None
        ),
        gallery.Outcome(
            tmp_path / names[1], "T\x1b[2Jitle", "", ("b.png", "b](javascript:x).svg"), None
        ),
    ]
    (tmp_path / "out").mkdir()
    index = gallery.write_index(outcomes, tmp_path, tmp_path / "out").read_text(encoding="utf-8")
    assert "<img" not in index and "&lt;img src=x onerror=alert(1)&gt;" in index
    assert "\n```\nunclosed" not in index  # the description cannot open a fence
    prose = re.sub(r"```bash\n.*?\n```", "", index, flags=re.S)  # commands are literal text
    assert not re.search(r"(?<!\\)\]\(javascript:", prose), "no link of the file's own"
    assert "\x1b" not in index and "## T\\\\x1b\\[2Jitle" in index  # shows as T\x1b[2Jitle
    assert f"optviz render '{tmp_path.as_posix()}/sc$(touch PWN).toml'" in index
    assert index.count("```bash") == 2 and index.count("```") == 4
    assert not any(p.name.startswith(".") for p in (tmp_path / "out").iterdir())


# -- issue 16's "done when": every malformed scenario is refused or rendered within 20 s and 4 GB ------------------
_HEAVY = {
    # (scenario text, exit code): at the caps, and past them through every route
    "runs_x_steps": ('[surface]\nname = "quadratic"\n' + '[[run]]\nrule = "adam"\nlr = 0.01\nsteps = 100000\n' * 1000, 2),
    "goldstein_price_runs": ('[surface]\nname = "goldstein_price"\n' + '[[run]]\nrule = "adam"\nlr = 1e-4\nsteps = 100000\n' * 3, 2),
    "phase_grid": ('kind = "phase_diagram"\n[figure]\ngrid = 200\nsteps = 5000\n', 2),
    "test_function_rules": ('kind = "test_functions"\n[figure]\nrules = [' + ", ".join(['"gd"'] * 5000) + "]\n", 2),
    "seed_sweep": ('kind = "seed_sweep"\n[surface]\nname = "quadratic"\n[[run]]\nrule = "gd"\nlr = 0.05\nsteps = 20000\nnoise = { sigma = 0.5 }\n[figure]\nvalues = [' + ", ".join(f"{0.001 * (i + 1):g}" for i in range(100)) + "]\nseeds = 100\n", 2),
    "deep_toml": ("a = " + "[" * 5000 + "]" * 5000 + "\n", 2),
    "at_the_work_cap": ('[surface]\nname = "quadratic"\n' + '[[run]]\nrule = "adam"\nlr = 0.01\nsteps = 100000\n' * 3, 0),
}  # fmt: skip


def _limited() -> None:  # in the child: 4 GiB of address space, 20 s of CPU time (SIGXCPU beyond)
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_HEAVY))
def test_heavy_scenarios_finish_within_20_cpu_seconds_and_4_gb(tmp_path, name):
    text, code = _HEAVY[name]
    source = _scenario(tmp_path, f"{name}.toml", text)
    for command in (
        ["check", str(source)],
        ["render", str(source), "-o", str(tmp_path / "out"), "-q", "--format", "png"],
    ):
        proc = subprocess.run([sys.executable, "-m", "optviz", *command], capture_output=True, text=True,
                              preexec_fn=_limited, env={**os.environ, "MPLBACKEND": "Agg"}, check=False)  # fmt: skip
        assert proc.returncode == code, (command[0], proc.returncode, proc.stderr[-500:])
        assert proc.stderr == "" if code == 0 else _one_line(proc.stderr)
