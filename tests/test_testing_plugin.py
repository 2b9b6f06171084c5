"""The pytest plugin end to end (a user's tests run by pytest in a subprocess), and in process."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest
from _images import figure

from optviz._validate import ParameterError

ROOT = Path(__file__).resolve().parents[1]

USER_TEST = """
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

TITLE = "GD on a quadratic"
END = (0.0, 0.0)


def draw():
    fig, ax = plt.subplots(figsize=(3.2, 2.4), dpi=100)
    x, y = np.meshgrid(np.linspace(-3, 3, 61), np.linspace(-2, 2, 41))
    ax.contour(x, y, x**2 + 4 * y**2, levels=8, linewidths=0.8)
    (line,) = ax.plot([-2.5, -1.0, 0.5, END[0]], [1.5, -1.0, 0.5, END[1]], lw=2)
    ax.set_title(TITLE)
    return fig, line


def test_figure(optviz_image):
    fig, _ = draw()
    optviz_image.check(fig)


def test_animation(optviz_image):
    fig, line = draw()
    xs, ys = line.get_data()

    def update(k):
        line.set_data(xs[: k + 1], ys[: k + 1])
        return (line,)

    anim = FuncAnimation(fig, update, frames=4, interval=100)
    optviz_image.check(anim)
"""


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    # -p loads the plugin from the worktree; when optviz is also installed, its entry point loads
    # the same module and the plugin makes the second registration a no-op (tested below).
    cmd = [sys.executable, "-m", "pytest", "-p", "optviz.testing.plugin", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _suggested_command(output: str) -> list[str]:
    match = re.search(r"^\s*(pytest .*--optviz-update)$", output, flags=re.MULTILINE)
    assert match, output
    return shlex.split(match.group(1))


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nfilterwarnings = error\naddopts = -p no:cacheprovider\n"
    )
    (tmp_path / "test_user.py").write_text(USER_TEST)
    return tmp_path


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "test_user.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_user_workflow_missing_update_pass_change(project):
    baseline = project / "baseline" / "test_user"

    # 1. No baseline yet: the test fails and says which command creates it.
    first = _pytest(project, "test_user.py::test_figure")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (
        "test_user.py::test_figure: no baseline baseline/test_user/test_figure.png yet"
        in first.stdout
    )
    command = _suggested_command(first.stdout)
    assert command == [
        "pytest", "-p", "optviz.testing.plugin", "test_user.py::test_figure", "--optviz-update"
    ]  # fmt: skip
    assert not baseline.exists()

    # 2. That exact command writes the baseline and passes, saying so.
    update = _pytest(project, *command[3:])
    assert update.returncode == 0, update.stdout + update.stderr
    assert f"wrote baseline {baseline / 'test_figure.png'}" in update.stdout
    assert (baseline / "test_figure.png").is_file()
    written = (baseline / "test_figure.png").read_bytes()

    # 3. The next run passes; rewording the title changes no pixel (text is drawn as placeholders).
    _edit(project, 'TITLE = "GD on a quadratic"', 'TITLE = r"GD on $x^2 + 4y^2$, lr=0.1"')
    again = _pytest(project, "test_user.py::test_figure")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "optviz image checks" not in again.stdout  # passing checks need no report

    # 4. Updating a passing baseline leaves the file alone.
    same = _pytest(project, "test_user.py::test_figure", "--optviz-update")
    assert same.returncode == 0 and "1 unchanged" in same.stdout
    assert (baseline / "test_figure.png").read_bytes() == written

    # 5. A changed figure (the path's end moved) fails and leaves its files in --optviz-results.
    _edit(project, "END = (0.0, 0.0)", "END = (0.1, 0.05)")
    changed = _pytest(project, "test_user.py::test_figure", "--optviz-results=results")
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "compared with baseline/test_user/test_figure.png: images differ" in changed.stdout
    assert _suggested_command(changed.stdout)[-2:] == [
        "test_user.py::test_figure",
        "--optviz-update",
    ]
    kept = project / "results" / "test_user"
    for role in ("expected", "actual", "diff"):
        assert (kept / f"test_figure-{role}.png").is_file(), role
    index = (project / "results" / "index.html").read_text()
    assert "test_user.py::test_figure" in index
    for role in ("expected", "actual", "diff"):
        assert f'src="test_user/test_figure-{role}.png"' in index
    assert (baseline / "test_figure.png").read_bytes() == written  # a failure never touches it

    # 6. Refreshing the baseline accepts the change.
    refresh = _pytest(project, "test_user.py::test_figure", "--optviz-update")
    assert refresh.returncode == 0 and "refreshed baseline" in refresh.stdout
    assert _pytest(project, "test_user.py::test_figure").returncode == 0


@pytest.mark.slow
def test_user_animation_is_checked_as_a_gif(project):
    first = _pytest(project, "test_user.py::test_animation")
    assert (
        first.returncode == 1
        and "no baseline baseline/test_user/test_animation.gif" in first.stdout
    )
    assert _pytest(project, "test_user.py::test_animation", "--optviz-update").returncode == 0
    from optviz.testing import read_gif

    gif = read_gif(project / "baseline" / "test_user" / "test_animation.gif")
    assert (len(gif.frames), gif.durations.tolist(), gif.loop) == (4, [100] * 4, 0)
    assert gif.frames.shape[1:] == (240, 320, 4)
    assert _pytest(project, "test_user.py::test_animation").returncode == 0
    _edit(project, "END = (0.0, 0.0)", "END = (0.1, 0.05)")
    changed = _pytest(project, "test_user.py::test_animation")
    assert changed.returncode == 1
    assert "pixels differ at 1 of 4 moments, first at 300 ms" in changed.stdout


@pytest.mark.slow
def test_ini_option_puts_all_baselines_in_one_folder(project):
    (project / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\noptviz_baseline_dir = images\n"
    )
    (project / "sub").mkdir()
    (project / "sub" / "test_x.py").write_text(
        "import numpy as np\n\n"
        "def test_x(optviz_image):\n"
        "    optviz_image.check(np.zeros((4, 4, 3), np.uint8))\n"
    )
    proc = _pytest(project, "sub/test_x.py", "--optviz-update")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "images" / "sub" / "test_x" / "test_x.png").is_file()
    assert not (project / "sub" / "baseline").exists()


def test_plugin_module_imports_only_stdlib_and_pytest():
    code = (
        "import sys, optviz.testing.plugin\n"
        "heavy = {'numpy', 'matplotlib', 'PIL', 'scipy'} & {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(heavy))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert proc.stdout.strip() == "[]"


def test_entry_point_names_the_plugin_module():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["pytest11"] == {"optviz": "optviz.testing.plugin"}


@pytest.mark.slow
@pytest.mark.parametrize("how", ["-p", "conftest"])
def test_entry_point_plus_explicit_loading_is_harmless(tmp_path, how):
    # Simulate an installed optviz: a distribution whose pytest11 entry point names the plugin.
    dist = tmp_path / "site" / "optviz_fake-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: optviz-fake\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\noptviz = optviz.testing.plugin\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (project / "test_x.py").write_text("def test_x(optviz_deterministic):\n    pass\n")
    args = ["-p", "optviz.testing.plugin"]
    if how == "conftest":
        (project / "conftest.py").write_text('pytest_plugins = ["optviz.testing.plugin"]\n')
        args = []
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path / 'site'}"}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *args, "test_x.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "already registered" not in proc.stdout + proc.stderr


# --- the fixture in this process, against baselines committed in tests/baseline/ ---------------


def test_fixture_checks_a_figure(optviz_image):
    fig, _ = figure()
    fig.set_dpi(40)
    result = optviz_image.check(fig)
    assert result and result.actual_size == (256, 192)


def test_fixture_checks_frames_as_a_gif(optviz_image):
    frames = np.zeros((3, 24, 32, 3), np.uint8)
    for k in range(3):
        frames[k, 4 + 4 * k : 8 + 4 * k, 4:28] = (0, 114, 178)
    result = optviz_image.check(frames, name="growing-bar", durations=[100, 100, 300])
    assert result and result.total_ms == (500, 500) and result.loop == (0, 0)


@pytest.mark.optviz(text="real")
def test_marker_selects_real_text(optviz_deterministic):
    import matplotlib.text

    assert matplotlib.text._get_text_metrics_with_cache.__module__ == "matplotlib.text"


def test_fixture_runs_the_test_deterministically(optviz_deterministic):
    import matplotlib as mpl
    import matplotlib.text

    assert mpl.get_backend().lower() == "agg"
    assert mpl.rcParams["svg.hashsalt"] == "optviz"
    placeholders = matplotlib.text._get_text_metrics_with_cache.__module__
    assert placeholders == "optviz.testing._placeholders"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "../escape"}, r"^name: must be letters, digits, '_', '\.' and '-'"),
        ({"max_pixel": 1}, r"^check: unknown option 'max_pixel'; did you mean 'max_pixels'\?"),
    ],
)
def test_check_refuses_bad_arguments(optviz_image, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        optviz_image.check(np.zeros((4, 4, 3), np.uint8), **kwargs)


def test_check_refuses_a_name_used_twice(optviz_image, tmp_path):
    from PIL import Image

    image = tmp_path / "x.png"
    Image.new("RGB", (4, 4)).save(image)
    baselines = tmp_path / "baselines"
    (baselines / "test_testing_plugin").mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(baselines / "test_testing_plugin" / "same.png")
    assert optviz_image.check(image, "same", baseline_dir=baselines)
    with pytest.raises(ParameterError, match=r"^name: 'same' is already used by this test"):
        optviz_image.check(image, "same", baseline_dir=baselines)


@pytest.mark.slow
def test_several_checks_in_one_test_get_numbered_names(project):
    (project / "test_two.py").write_text(
        textwrap.dedent(
            """
            import numpy as np

            def test_two(optviz_image):
                optviz_image.check(np.zeros((4, 4, 3), np.uint8))
                optviz_image.check(np.ones((4, 4, 3), np.uint8))
                optviz_image.check(np.ones((4, 4, 3), np.uint8), name="named")
            """
        )
    )
    proc = _pytest(project, "test_two.py", "--optviz-update")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 wrote" in proc.stdout
    names = sorted(p.name for p in (project / "baseline" / "test_two").iterdir())
    assert names == ["named.png", "test_two-2.png", "test_two.png"]


def test_figures_opened_by_the_test_are_closed_after_it(request):
    import matplotlib.pyplot as plt

    from optviz.testing._checker import deterministic_test
    from optviz.testing.plugin import _SETTINGS

    before = plt.figure()
    try:
        with deterministic_test(request.node, request.config.stash[_SETTINGS]):
            during = plt.figure()
            assert plt.fignum_exists(during.number)
        assert not plt.fignum_exists(during.number)
        assert plt.fignum_exists(before.number)  # the user's own figure is left alone
    finally:
        plt.close(before)
