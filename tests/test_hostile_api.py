"""The Python API under hostile input (issue 16, items 9, 10 and 11): errors name the argument and what is wrong,
memory is refused before it is allocated, and divergence stays a result without warnings."""

from __future__ import annotations

import io
import zipfile

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optviz as ov
from optviz._validate import ParameterError


@pytest.fixture
def quad():
    return ov.surface("quadratic", kappa=10)


@pytest.fixture
def saved(tmp_path, quad):
    path = tmp_path / "t.npz"
    ov.run(quad, ov.GD(lr=0.05), start=(1.0, 1.0), steps=10).save(path)
    return path


# -- item 10: Trajectory.load ---------------------------------------------------------------------------------------
def _resave(path, out, change):
    arrays = dict(np.load(path, allow_pickle=False))
    change(arrays)
    np.savez(out, **arrays)
    return out


@pytest.mark.parametrize(
    ("name", "make", "phrase"),
    [
        ("empty", lambda p, o: (o.write_bytes(b""), o)[1], "an empty file"),
        (
            "truncated",
            lambda p, o: (o.write_bytes(p.read_bytes()[:200]), o)[1],
            "not a .npz archive",
        ),
        (
            "npy",
            lambda p, o: np.save(o.with_suffix(".npy"), np.zeros(3)) or o.with_suffix(".npy"),
            "not a .npz archive",
        ),
        ("keyless", lambda p, o: np.savez(o, a=np.zeros(3)) or o, "no 'format'"),
        ("inconsistent", lambda p, o: _resave(p, o, lambda a: a.update(xy=a["xy"][:5])), "needs"),
    ],
)
def test_a_broken_trajectory_file_is_one_documented_error(tmp_path, saved, name, make, phrase):
    path = make(saved, tmp_path / f"{name}.npz")
    with pytest.raises(ValueError, match="not an optviz trajectory file") as err:
        ov.Trajectory.load(path)
    assert str(err.value).startswith(f"{path}: ") and phrase in str(err.value)


def test_a_small_file_claiming_huge_arrays_is_refused_from_its_header(tmp_path, saved):
    # A few bytes of .npz whose xy header claims 10^9 points: the sizes are read before anything is allocated.
    member = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        member, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 2)}
    )
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(bomb, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, member.getvalue() if name == "xy.npy" else src.read(name))
    with pytest.raises(ValueError, match="not an optviz trajectory file") as err:
        ov.Trajectory.load(bomb)
    assert "GiB" in str(err.value) or "limit" in str(err.value), err.value


# -- item 10: arguments that are not what they claim -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "phrase"),
    [((1 + 2j, 0.0), "complex"), (("1", "2"), "strings"), ((True, False), "true/false")],
)
def test_a_start_of_the_wrong_type_is_refused_like_a_wrong_lr(quad, start, phrase):
    with pytest.raises(ParameterError, match="start: must be a point") as err:
        ov.run(quad, ov.GD(lr=0.1), start=start, steps=5)
    assert phrase in str(err.value)


def test_animate_names_the_run_that_is_not_a_trajectory(tmp_path, quad):
    with pytest.raises(ParameterError, match=r"trajectories\[0\]: must be a Trajectory"):
        ov.animate(quad, ["x"], tmp_path / "a.gif")
    assert list(tmp_path.iterdir()) == []


def test_a_run_drawn_on_another_surface_is_refused(quad):
    t = ov.run(quad, ov.GD(lr=0.05), start=(1.0, 1.0), steps=5)
    with pytest.raises(ParameterError, match=r"trajectories\[0\]: was run on quadratic"):
        ov.figures.figure("trajectories", ov.surface("rosenbrock"), [t])


# -- item 9: memory refused before it is allocated -------------------------------------------------------------------
def test_a_batch_whose_history_would_not_fit_is_refused_before_running(quad):
    with pytest.raises(ParameterError, match="GiB of history; the limit is"):
        ov.run(quad, ov.Adam(lr=0.1), start=np.zeros((10_000, 2)), steps=10_000)


def test_the_engine_benchmark_size_stays_possible(quad):
    t = ov.run(quad, ov.GD(lr=0.05), start=np.ones((10_000, 2)), steps=1_000)
    assert t.xy.shape == (10_000, 1_001, 2)


def test_a_billion_seeds_are_counted_not_checked_one_by_one(quad):
    with pytest.raises(ParameterError, match="1,000,000,000 runs"):
        ov.sweep(quad, ov.GD, grid={"lr": [0.1]}, seeds=range(10**9), steps=10)


def test_savefig_refuses_a_huge_pixel_count(tmp_path):
    fig = plt.figure(figsize=(6.4, 4.8))
    try:
        with pytest.raises(ParameterError, match="dpi: 64,000 x 48,000 pixels"):
            ov.savefig(fig, tmp_path / "big.png", dpi=10_000)
    finally:
        plt.close(fig)
    assert list(tmp_path.iterdir()) == []


# -- item 11: divergence is a status, not a warning ------------------------------------------------------------------
@pytest.mark.slow
def test_diverging_runs_draw_every_kind_without_warnings(quad):
    # pytest turns warnings into errors here (filterwarnings = error): drawing is enough to check.
    runs = [
        ov.run(quad, ov.Momentum(lr=0.5), start=(1.0, 1.0), steps=200),
        ov.run(quad, ov.Nesterov(lr=0.5), start=(1.0, 1.0), steps=200),
    ]
    assert {t.status for t in runs} == {"diverged"}
    for kind in ("trajectories", "convergence_rates", "poor_conditioning", "momentum_nesterov"):
        scene = ov.figures.figure(kind, quad, runs)
        scene.fig.canvas.draw()
        plt.close(scene.fig)
    scene = ov.scenario.figure("phase_diagram", quad, grid=8, steps=60, lr_max=4.0)
    scene.fig.canvas.draw()
    plt.close(scene.fig)


def test_numeric_gradient_refuses_a_step_that_overflows(quad):
    with pytest.raises(ParameterError, match=r"\bh\b"):
        ov.figures.figure("numeric_gradient", quad, [], h=1e300)
