"""Trajectory: the interface the figures rely on, diagram vectors, save/load, repr."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import optviz as ov
from optviz.trajectory import Trajectory


@pytest.fixture
def q():
    return ov.surface("quadratic", kappa=10, angle=20)


def test_interface_names(q):
    t = ov.run(q, ov.Nesterov(lr=0.05), steps=30, tol=1e-3)
    assert isinstance(t, Trajectory)
    assert t.xy.shape == (31, 2) and t.loss.shape == (31,) and t.grad.shape == (31, 2)
    assert set(t.state) == {"momentum_buffer", "position"} and t.state["position"].shape == (31, 2)
    assert t.status in ("max_steps", "converged", "diverged") and isinstance(t.stop_step, int)
    assert {
        "surface",
        "surface_params",
        "rule",
        "hyperparams",
        "seed",
        "noise",
        "label",
        "steps",
        "tol",
        "escape_radius",
    } <= set(t.meta)
    assert (t.label, t.rule, t.batched, t.n_runs, t.steps, len(t)) == (
        "Nesterov",
        "nesterov",
        False,
        1,
        30,
        1,
    )
    assert t.final.tolist() == t.xy[t.stop_step].tolist()
    np.testing.assert_array_equal(t.step_vectors, np.diff(t.xy, axis=0))
    assert t[0] is t and list(t) == [t]
    assert t.optimizer == ov.Nesterov(lr=0.05)
    with pytest.raises(IndexError):
        t[1]


def test_state_histories_per_rule(q):
    expected = {
        ov.GD(lr=0.1): set(),
        ov.Momentum(lr=0.1): {"momentum_buffer"},
        ov.Nesterov(lr=0.1): {"momentum_buffer", "position"},
        ov.Adam(lr=0.1): {"exp_avg", "exp_avg_sq"},
        ov.Adam(lr=0.1, amsgrad=True): {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
        ov.RMSProp(): {"square_avg"},
        ov.RMSProp(momentum=0.5, centered=True): {"square_avg", "momentum_buffer", "grad_avg"},
        ov.AdaGrad(): {"sum"},
        ov.RandomSearch(1.0): {"sample", "sample_loss"},
    }
    for rule, names in expected.items():
        t = ov.run(q, rule, steps=5)
        assert set(t.state) == names, rule
        for name, h in t.state.items():
            assert h.shape[0] == 6
            if name not in ("position", "sample", "sample_loss"):
                assert not h[0].any()  # index 0: before any update (torch has no state yet)
    t = ov.run(q, ov.Adam(lr=0.1), steps=5)
    g = t.grad
    np.testing.assert_allclose(t.state["exp_avg"][1], 0.1 * g[0], rtol=1e-14)  # after one update
    np.testing.assert_allclose(t.state["exp_avg_sq"][1], 0.001 * g[0] ** 2, rtol=1e-12)


@pytest.mark.parametrize(
    "rule",
    [ov.Momentum(lr=0.03, rho=0.8), ov.Momentum(lr=0.03, rho=0.7, dampening=0.3, weight_decay=0.2)],
    ids=["plain", "dampening_weight_decay"],
)
def test_momentum_update_vectors(q, rule):
    t = ov.run(q, rule, steps=40, noise=ov.GaussianNoise(0.5), seed=1)
    for step in (0, 1, 17, 39):
        v = t.update_vectors(step)
        assert set(v) == {"point", "velocity", "gradient", "step"}
        np.testing.assert_array_equal(v["point"], t.xy[step])
        np.testing.assert_array_equal(v["step"], t.xy[step + 1] - t.xy[step])
        np.testing.assert_allclose(v["step"], v["velocity"] + v["gradient"], rtol=1e-12, atol=1e-15)
    v = t.update_vectors(5)
    np.testing.assert_allclose(
        v["velocity"], -0.03 * rule.rho * t.state["momentum_buffer"][5], rtol=1e-15
    )
    assert not t.update_vectors(0)["velocity"].any()  # the first step has no velocity yet


def test_nesterov_update_vectors_are_the_lookahead_picture(q):
    lr, rho = 0.04, 0.85
    t = ov.run(q, ov.Nesterov(lr=lr, rho=rho, weight_decay=0.05), steps=40)
    x = t.state["position"]
    for step in (0, 3, 20, 39):
        v = t.update_vectors(step)
        assert set(v) == {"point", "lookahead", "velocity", "gradient", "step"}
        np.testing.assert_array_equal(v["point"], x[step])
        np.testing.assert_array_equal(v["lookahead"], t.xy[step])  # torch's stored iterate p
        np.testing.assert_allclose(
            v["point"] + v["velocity"], v["lookahead"], rtol=1e-12, atol=1e-14
        )
        np.testing.assert_allclose(
            v["gradient"], -lr * (q.grad(t.xy[step]) + 0.05 * t.xy[step]), rtol=1e-12
        )
        np.testing.assert_allclose(v["step"], x[step + 1] - x[step], rtol=1e-15)
        np.testing.assert_allclose(v["step"], v["velocity"] + v["gradient"], rtol=1e-12, atol=1e-14)


def test_update_vectors_for_a_batch_and_after_stopping(q):
    t = ov.run(
        q,
        ov.Momentum(lr=[0.005, 0.5, 0.1], rho=0.5),
        start=[[1, 1], [2, 0], [-1, 2]],
        steps=60,
        tol=1e-2,
    )
    assert t.status.tolist() == ["max_steps", "diverged", "converged"]
    step = int(t.stop_step[2]) + 1
    v = t.update_vectors(step)
    assert v["point"].shape == (3, 2)
    np.testing.assert_allclose(v["step"], v["velocity"] + v["gradient"], rtol=1e-12, atol=1e-15)
    for i in range(3):
        one = t[i].update_vectors(step)
        for key in v:
            np.testing.assert_allclose(v[key][i], one[key], rtol=1e-15)
    assert not v["step"][2].any() and not v["velocity"][2].any()  # frozen: nothing moves
    np.testing.assert_array_equal(v["point"][2], t.final[2])
    n = ov.run(q, ov.Nesterov(lr=0.1, rho=0.5), steps=60, tol=1e-2)
    assert n.status == "converged"
    late = n.update_vectors(n.stop_step + 2)
    np.testing.assert_array_equal(late["point"], n.state["position"][n.stop_step])
    np.testing.assert_array_equal(late["lookahead"], n.final)
    assert not late["velocity"].any() and not late["gradient"].any() and not late["step"].any()
    other = ov.run(q, ov.Adam(lr=0.1), steps=5).update_vectors(2)
    assert set(other) == {"point", "gradient", "step"}
    with pytest.raises(IndexError, match=r"step must be in \[0, 60\), got 60"):
        t.update_vectors(60)


def test_indexing_a_batch(q):
    starts = [[1.0, 1.0], [2.0, -1.0]]
    t = ov.run(
        q,
        ov.Adam(lr=[0.1, 0.2], betas=([0.9, 0.8], 0.99)),
        start=starts,
        steps=20,
        seed=[4, 5],
        noise=ov.GaussianNoise(0.1),
    )
    assert t.batched and len(t) == t.n_runs == 2 and t.xy.shape == (2, 21, 2)
    one = t[1]
    single = ov.run(
        q,
        ov.Adam(lr=0.2, betas=(0.8, 0.99)),
        start=starts[1],
        steps=20,
        seed=5,
        noise=ov.GaussianNoise(0.1),
    )
    np.testing.assert_allclose(one.xy, single.xy, rtol=1e-13)
    assert one.meta == single.meta
    assert one.optimizer == ov.Adam(lr=0.2, betas=(0.8, 0.99))
    assert [r.meta["seed"] for r in t] == [4, 5]
    np.testing.assert_array_equal(t[-1].xy, t.xy[1])
    assert t.final.shape == (2, 2) and t.final_loss.shape == (2,)


def test_save_load_round_trip(tmp_path, q):
    for traj in (
        ov.run(q, ov.Nesterov(lr=0.3), steps=50, tol=1e-6),  # diverges
        ov.run(
            q,
            ov.RMSProp(lr=[0.01, 0.1], momentum=0.5),
            start=[[1, 1], [2, 2]],
            steps=30,
            seed=[1, 2],
            noise=ov.GaussianNoise(0.2),
        ),
        ov.run(
            "least_squares", ov.Momentum(lr=0.05), steps=30, noise=ov.Minibatch(5, replace=True)
        ),
    ):
        path = tmp_path / "run.npz"
        assert traj.save(path) == path
        back = Trajectory.load(path)
        for name in ("xy", "loss", "grad"):
            np.testing.assert_array_equal(getattr(back, name), getattr(traj, name))
        assert back.state.keys() == traj.state.keys()
        for name in traj.state:
            np.testing.assert_array_equal(back.state[name], traj.state[name])
        assert back.meta == traj.meta
        np.testing.assert_array_equal(back.status, traj.status)
        np.testing.assert_array_equal(back.stop_step, traj.stop_step)
        assert type(back.status) is type(traj.status) and type(back.stop_step) is type(
            traj.stop_step
        )
        assert repr(back) == repr(traj)
        # no pickles inside: numpy reads it with allow_pickle=False, and the meta is JSON
        with np.load(path, allow_pickle=False) as data:
            assert json.loads(str(data["meta"])) == traj.meta


def test_saves_are_byte_identical_and_atomic(tmp_path, q):
    t = ov.run(q, ov.Momentum(lr=0.02), steps=20)
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    t.save(a)
    t.save(b)
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.npz",
        "b.npz",
    ]  # no temporary left behind
    with zipfile.ZipFile(a) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with pytest.raises(FileNotFoundError):
        t.save(tmp_path / "missing" / "c.npz")
    plain = tmp_path / "plain.npz"
    np.savez(plain, xy=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="not an optviz trajectory file"):
        Trajectory.load(plain)


def test_repr(q):
    t = ov.run(q, ov.Momentum(lr=0.02), steps=400, tol=1e-4)
    assert t.status == "converged"
    assert repr(t) == (
        "<Trajectory Momentum (lr=0.02, ρ=0.9) on quadratic: 400 steps, "
        f"converged at step {t.stop_step}, "
        f"loss {t.loss[0]:.6g} -> {t.loss[t.stop_step]:.6g}>"
    )
    b = ov.run(q, ov.GD(lr=[0.1, 0.3, 0.05]), start=np.ones((3, 2)), steps=100, tol=1e-4)
    assert (
        repr(b)
        == "<Trajectory 3 runs of GD on quadratic: 100 steps; 1 converged, 1 diverged, 1 max_steps>"
    )
    assert "\n" not in repr(b)


def test_results_are_read_only(q):
    t = ov.run(q, ov.Momentum(lr=0.02), start=np.ones((2, 2)), steps=5)
    for arr in (t.xy, t.loss, t.grad, t.state["momentum_buffer"], t.status, t.stop_step):
        assert not arr.flags.writeable


def test_repr_names_the_step_at_which_a_run_diverged():
    q = ov.surface("quadratic", kappa=10)
    t = ov.run(q, ov.GD(lr=0.25), steps=50)
    assert t.status == "diverged"
    assert f"diverged at step {t.stop_step + 1}" in repr(t)
