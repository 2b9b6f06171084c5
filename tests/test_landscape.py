"""optviz.landscape against outside references: direct evaluation of the model, dense Hessians, numpy's algebra.

Skipped where torch is not installed (it is an optional extra; CI installs torch==2.13.0 on Python 3.11).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed: optviz.landscape is an optional extra (pip install 'optviz[torch]')",
)

from torch import nn  # noqa: E402

import optviz as ov  # noqa: E402
from optviz import landscape as ol  # noqa: E402
from optviz._validate import ParameterError  # noqa: E402

F = nn.functional


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Small models: torch's thread pool only adds waiting, and CI runs two suites side by side on two cores.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def mlp(seed: int = 0, widths: tuple[int, ...] = (2, 6, 5, 2), act: type = nn.Tanh) -> nn.Module:
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(act())
    return nn.Sequential(*layers).double()


@pytest.fixture
def problem() -> ol.ModelLoss:
    X, y = ol.two_moons(64, noise=0.1, seed=1)
    return ol.ModelLoss(mlp(), F.cross_entropy, torch.from_numpy(X), torch.from_numpy(y))


def direct(loss: ol.ModelLoss, theta: torch.Tensor) -> float:
    """The loss the usual way: weights loaded into a copy of the model, one forward pass."""
    import copy

    model = copy.deepcopy(loss.model)
    nn.utils.vector_to_parameters(theta.to(torch.float64), model.parameters())
    with torch.no_grad():
        return float(F.cross_entropy(model(loss.inputs), loss.targets))


# -- grid values ----------------------------------------------------------------------------------------------
def test_the_grid_value_at_the_origin_is_the_models_loss(problem):
    plane = ol.random_plane(problem, seed=3)
    s = ol.landscape(problem, plane, bounds=((-1, 1), (-1, 1)), n=5)
    with torch.no_grad():
        expected = float(F.cross_entropy(problem.model(problem.inputs), problem.targets))
    assert s.values[2, 2] == pytest.approx(expected, rel=1e-13)
    assert float(s.value([0.0, 0.0])) == pytest.approx(
        expected, rel=1e-12
    )  # the spline passes through nodes


def test_a_row_of_the_grid_equals_direct_evaluation(problem):
    plane = ol.random_plane(problem, seed=0)
    s = ol.landscape(problem, plane, bounds=((-0.7, 0.9), (-1.0, 0.5)), n=7)
    i = 4
    expected = [direct(problem, plane.points([a, s.ys[i]])) for a in s.xs]
    np.testing.assert_allclose(s.values[i], expected, rtol=1e-12)
    column = [direct(problem, plane.points([s.xs[1], b])) for b in s.ys]
    np.testing.assert_allclose(s.values[:, 1], column, rtol=1e-12)


def test_batched_values_do_not_depend_on_the_chunking(problem):
    thetas = problem.theta() + 0.3 * torch.from_numpy(
        np.random.default_rng(0).standard_normal((23, problem.numel))
    )
    expected = [direct(problem, t) for t in thetas]
    np.testing.assert_allclose(problem.values(thetas).numpy(), expected, rtol=1e-12)
    tiny = ol.ModelLoss(
        problem.model, F.cross_entropy, problem.inputs, problem.targets, cache_bytes=4000
    )
    points, samples = tiny.plan()
    assert points < 23 and samples < problem.n_samples  # several calls, the data split into batches
    np.testing.assert_allclose(tiny.values(thetas).numpy(), expected, rtol=1e-12)
    bound = ol.ModelLoss(
        problem.model, F.cross_entropy, problem.inputs, problem.targets, max_bytes=20_000
    )
    assert bound.plan()[0] == 1
    np.testing.assert_allclose(bound.values(thetas).numpy(), expected, rtol=1e-12)


class _Wrapped(nn.Module):
    """The same network inside a module of its own: not a plain Sequential, so values() takes the vmap path."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)


@pytest.mark.parametrize("act", [nn.ReLU, nn.Tanh, nn.GELU])
@pytest.mark.parametrize("bias", [True, False])
def test_the_batched_gemm_path_of_linear_stacks_equals_vmap_and_direct_evaluation(act, bias):
    from optviz.landscape.model import _linear_stack

    torch.manual_seed(2)
    net = nn.Sequential(nn.Linear(2, 7, bias=bias), act(), nn.Linear(7, 5), act(), nn.Linear(5, 3))
    net = net.double()
    X, _ = ol.two_moons(40, noise=0.1, seed=2)
    x = torch.from_numpy(X)
    y = torch.from_numpy(np.random.default_rng(2).integers(0, 3, 40))
    fast = ol.ModelLoss(net, F.cross_entropy, x, y, cache_bytes=3000)  # several calls and batches
    slow = ol.ModelLoss(_Wrapped(net), F.cross_entropy, x, y, cache_bytes=3000)
    assert _linear_stack(fast.model) is not None and _linear_stack(slow.model) is None
    thetas = fast.theta() + 0.5 * torch.from_numpy(
        np.random.default_rng(3).standard_normal((11, fast.numel))
    )
    expected = [direct(fast, t) for t in thetas]
    np.testing.assert_allclose(fast.values(thetas).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(slow.values(thetas).numpy(), expected, rtol=1e-12)
    assert torch.equal(
        fast.theta(), slow.theta()
    )  # the model is not modified (relu_ works on its own buffers)


def test_only_plain_stacks_of_linear_and_elementwise_layers_skip_vmap():
    from optviz.landscape.model import _linear_stack

    assert _linear_stack(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))) is not None
    assert _linear_stack(nn.Sequential(nn.Linear(2, 3), nn.LayerNorm(3))) is None
    assert _linear_stack(nn.Sequential(nn.ReLU())) is None
    assert _linear_stack(nn.Linear(2, 3)) is None
    hooked = nn.Sequential(nn.Linear(2, 3))
    hooked[0].register_forward_hook(lambda *_: None)
    assert _linear_stack(hooked) is None


# -- filter normalization -------------------------------------------------------------------------------------
def conv_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 3, 3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3 * 4 * 4, 4),
        nn.ReLU(),
        nn.Linear(4, 2),
    ).double()


def test_filter_normalization_gives_each_filter_the_models_filter_norm():
    model = conv_model()
    x, y = torch.randn(5, 1, 6, 6, dtype=torch.float64), torch.tensor([0, 1, 0, 1, 1])
    loss = ol.ModelLoss(model, F.cross_entropy, x, y)
    plane = ol.random_plane(loss, seed=7)
    for d in plane.directions:
        for (name, w), (_, dw) in zip(
            loss.layout.pieces(plane.origin), loss.layout.pieces(d), strict=True
        ):
            if w.dim() <= 1:
                assert torch.all(dw == 0), f"{name}: biases are not perturbed (bias='zero')"
                continue
            w_norms = torch.linalg.vector_norm(w.reshape(len(w), -1), dim=1)
            d_norms = torch.linalg.vector_norm(dw.reshape(len(dw), -1), dim=1)
            np.testing.assert_allclose(d_norms.numpy(), w_norms.numpy(), rtol=1e-9)
    copy = ol.random_plane(loss, seed=7, bias="copy")
    for (name, w), (_, dw) in zip(
        loss.layout.pieces(plane.origin), loss.layout.pieces(copy.directions[0]), strict=True
    ):
        if w.dim() <= 1:
            assert torch.equal(dw, w.to(torch.float64)), name


def test_a_seed_gives_the_same_plane_and_another_seed_another(problem):
    a, b, c = (ol.random_plane(problem, seed=s) for s in (5, 5, 6))
    assert torch.equal(a.directions, b.directions)
    assert not torch.equal(a.directions, c.directions)
    # two directions of one plane differ, and are not orthogonal (hence the least-squares projection)
    d1, d2 = a.directions
    assert abs(float(d1 @ d2)) > 1e-6 * float(d1 @ d1)


# -- projection -----------------------------------------------------------------------------------------------
def path_of(thetas: torch.Tensor) -> ol.ParameterPath:
    return ol.ParameterPath(theta=thetas, steps=np.arange(len(thetas)))


def test_a_path_in_the_plane_has_zero_residual_and_its_own_coordinates(problem):
    plane = ol.random_plane(problem, seed=2)
    ab = np.random.default_rng(0).uniform(-1, 1, (12, 2))
    ab[0] = 0.0  # the origin: residual undefined there
    proj = plane.project(path_of(plane.points(ab)))
    np.testing.assert_allclose(proj.xy, ab, atol=1e-12)
    assert np.isnan(proj.residual[0])
    assert np.nanmax(proj.residual) < 1e-12


def test_the_residual_is_the_off_plane_share_of_the_distance(problem):
    plane = ol.random_plane(problem, seed=2)
    d = plane.directions
    # A vector orthogonal to both directions (Gram-Schmidt), of length 3.
    e = torch.from_numpy(np.random.default_rng(1).standard_normal(problem.numel))
    for k in range(2):
        q = d[k] - sum((d[k] @ d[j]) / (d[j] @ d[j]) * d[j] for j in range(k))
        e = e - (e @ q) / (q @ q) * q
    e = 3 * e / torch.linalg.vector_norm(e)
    theta = plane.origin + 0.5 * d[0] - 0.25 * d[1] + e
    xy, residual = plane.coordinates(theta[None])
    np.testing.assert_allclose(xy[0], [0.5, -0.25], atol=1e-12)
    dist = float(torch.linalg.vector_norm(theta - plane.origin))
    assert residual[0] == pytest.approx(3 / dist, rel=1e-12)


def test_the_plane_through_three_models_puts_them_where_it_says(problem):
    rng = np.random.default_rng(4)
    a, b, c = (
        problem.theta() + torch.from_numpy(rng.standard_normal(problem.numel)) for _ in range(3)
    )
    plane = ol.plane_through(a, b, c, names=("init", "B", "C"))
    xy, residual = plane.coordinates(torch.stack([a, b, c]))
    np.testing.assert_allclose(xy[:2], [[0, 0], [1, 0]], atol=1e-12)
    np.testing.assert_allclose(xy[2], plane.marks["C"], atol=1e-12)
    assert np.nanmax(residual) < 1e-12
    d1, d2 = plane.directions
    assert float(d1 @ d2) == pytest.approx(0, abs=1e-9 * float(d1 @ d1))
    assert float(d1 @ d1) == pytest.approx(float(d2 @ d2), rel=1e-12)  # equal units on both axes
    with pytest.raises(ParameterError, match="lies on the line"):
        ol.plane_through(a, b, 2 * b - a)


# -- PCA --------------------------------------------------------------------------------------------------------
def random_walks(n: int, steps: int = 40, seed: int = 0) -> list[ol.ParameterPath]:
    rng = np.random.default_rng(seed)
    start = torch.from_numpy(rng.standard_normal(n))
    drift = rng.standard_normal((3, n))
    walks = []
    for k in range(3):
        moves = 0.05 * drift[k] + 0.01 * rng.standard_normal((steps, n))
        walks.append(
            path_of(torch.cat([start[None], start + torch.from_numpy(np.cumsum(moves, axis=0))]))
        )
    return walks


@pytest.mark.parametrize("centered", [False, True])
def test_pca_components_are_orthonormal_and_explain_the_stated_variance(centered):
    walks = random_walks(50)
    plane = ol.pca_plane(walks, origin="start", centered=centered)
    d = plane.directions
    np.testing.assert_allclose((d @ d.T).numpy(), np.eye(2), atol=1e-12)
    rows = torch.cat([w.theta for w in walks]) - plane.origin
    if centered:
        rows = rows - rows.mean(dim=0)
    coords = (rows @ d.T).numpy()
    total = float((rows * rows).sum())
    stated = np.array(plane.explained_variance)
    np.testing.assert_allclose(stated, (coords**2).sum(axis=0) / total, rtol=1e-10)
    assert stated[0] >= stated[1] > 0
    # the same numbers as numpy's own SVD
    s = np.linalg.svd(rows.numpy(), compute_uv=False)
    np.testing.assert_allclose(stated, s[:2] ** 2 / (s**2).sum(), rtol=1e-10)
    # the first path ends at a positive coordinate on both axes (the sign convention)
    end = plane.coordinates(walks[0].end[None])[0][0]
    assert end[0] > 0 and end[1] > 0


def test_uncentered_pca_residuals_are_the_unexplained_share():
    walks = random_walks(30, seed=3)
    plane = ol.pca_plane(walks)
    rows = torch.cat([w.theta for w in walks])
    _xy, residual = plane.coordinates(rows)
    dist2 = ((rows - plane.origin) ** 2).sum(dim=1).numpy()
    off = np.nansum(residual**2 * dist2) / dist2.sum()
    assert off == pytest.approx(1 - sum(plane.explained_variance), rel=1e-9)


def test_pca_of_a_straight_path_is_refused():
    line = path_of(
        torch.linspace(0, 1, 5, dtype=torch.float64)[:, None]
        * torch.ones(1, 4, dtype=torch.float64)
    )
    with pytest.raises(ParameterError, match="fewer than two directions"):
        ol.pca_plane(line)


# -- curvature --------------------------------------------------------------------------------------------------
def test_hessian_vector_products_equal_torchs_dense_hessian(problem):
    theta = problem.theta()

    def f(t: torch.Tensor) -> torch.Tensor:
        return problem._call(t, problem.inputs, problem.targets)

    dense = torch.func.jacrev(torch.func.jacrev(f))(theta)  # the full Jacobian of the gradient
    np.testing.assert_allclose(problem.hessian(theta).numpy(), dense.numpy(), rtol=1e-9, atol=1e-12)


def test_lanczos_equals_the_dense_eigenvalues(problem):
    theta = problem.theta()
    eig = torch.linalg.eigvalsh(problem.hessian(theta)).numpy()
    assert eig[0] < 0 < eig[-1]  # an indefinite Hessian at the initialization: both ends matter
    full = ol.extreme_eigenvalues(problem, theta, iterations=problem.numel)
    assert full.largest == pytest.approx(eig[-1], rel=1e-10)
    assert full.smallest == pytest.approx(eig[0], rel=1e-8)
    short = ol.extreme_eigenvalues(problem, theta, iterations=40, tol=1e-10)
    assert short.iterations < problem.numel
    assert short.largest == pytest.approx(eig[-1], rel=1e-8)
    assert short.smallest == pytest.approx(eig[0], rel=1e-6)


def test_lanczos_finds_the_most_negative_eigenvalue_not_the_largest_magnitude():
    A = torch.diag(torch.tensor([-5.0, 0.1, 1.0, 2.0, 3.0], dtype=torch.float64))
    e = ol.lanczos(lambda v: A @ v, 5)
    assert (e.largest, e.smallest) == (
        pytest.approx(3.0, rel=1e-12),
        pytest.approx(-5.0, rel=1e-12),
    )


@pytest.mark.slow
def test_sharpness_along_a_path_names_the_rules_threshold(problem):
    init = problem.theta()
    path = ol.train(
        problem, torch.optim.SGD(problem.model.parameters(), lr=0.3, momentum=0.5), steps=6
    )
    problem.load(init)
    sharp = ol.sharpness_along(problem, path, every=4)
    assert sharp.steps.tolist() == [0, 4, 6]
    assert sharp.threshold == pytest.approx((2 + 2 * 0.5) / 0.3)
    dense = torch.linalg.eigvalsh(problem.hessian(path.theta[4])).numpy()
    assert sharp.largest[1] == pytest.approx(dense[-1], rel=1e-6)
    assert ol.stability_threshold("gd", {"lr": 0.5}) == 4.0
    assert ol.stability_threshold("adam", {"lr": 0.5}) is None


# -- recording --------------------------------------------------------------------------------------------------
def test_train_names_optimizers_as_optviz_does(problem):
    init = problem.theta()
    params = problem.model.parameters
    cases = [
        (torch.optim.SGD(params(), lr=0.1), None, "GD", "gd"),
        (torch.optim.SGD(params(), lr=0.1), 16, "SGD", "gd"),
        (torch.optim.SGD(params(), lr=0.1, momentum=0.9), 16, "SGD+Momentum", "momentum"),
        (
            torch.optim.SGD(params(), lr=0.1, momentum=0.9, nesterov=True),
            None,
            "Nesterov",
            "nesterov",
        ),
        (torch.optim.Adam(params(), lr=0.01), 16, "Adam", "adam"),
        (torch.optim.LBFGS(params(), lr=0.5, max_iter=3), None, "LBFGS", "external"),
    ]
    for opt, batch, label, rule in cases:
        problem.load(init)
        path = ol.train(problem, opt, steps=4, batch_size=batch)
        assert (path.label, path.rule) == (label, rule)
        assert path.steps.tolist() == [0, 1, 2, 3, 4]
        assert path.theta.dtype == torch.float32
        assert problem.value(path.end) < problem.value(init)


def test_training_is_reproducible_from_the_seed(problem):
    init = problem.theta()
    runs = []
    for seed in (0, 0, 1):
        problem.load(init)
        opt = torch.optim.SGD(problem.model.parameters(), lr=0.2)
        runs.append(ol.train(problem, opt, steps=10, batch_size=8, seed=seed, dtype=torch.float64))
    assert torch.equal(runs[0].theta, runs[1].theta)
    assert not torch.equal(runs[0].theta, runs[2].theta)


def test_a_diverging_run_ends_at_its_last_finite_point():
    # Least squares with a step far beyond 2/L: the iterates grow geometrically until they overflow.
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((20, 3)))
    y = x.sum(dim=1, keepdim=True)
    loss = ol.ModelLoss(nn.Linear(3, 1).double(), F.mse_loss, x, y)
    path = ol.train(loss, torch.optim.SGD(loss.model.parameters(), lr=50.0), steps=2000)
    assert path.status == "diverged"
    assert 10 < len(path) < 2001 and bool(torch.isfinite(path.theta).all())
    proj = ol.random_plane(loss, origin=path.start, seed=0).project(path, loss)
    t = proj.trajectory()
    assert t.status == "diverged" and t.stop_step <= len(path) - 1
    assert np.all(np.isfinite(t.loss[: t.stop_step + 1]))


def test_the_recorder_hooks_a_users_loop_and_thins_within_its_memory_bound():
    model = nn.Linear(10, 1)  # 11 parameters, 44 bytes a float32 snapshot
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.randn(32, 10), torch.randn(32, 1)
    rec = ol.Recorder(
        model, opt, every=1, max_bytes=44 * 9
    )  # 8 snapshots, one row kept for the last
    with rec:
        for _ in range(37):
            opt.zero_grad()
            F.mse_loss(model(x), y).backward()
            opt.step()
    path = rec.path()
    steps = path.steps.tolist()
    assert steps[0] == 0 and steps[-1] == 37
    assert len(steps) <= 9 and path.nbytes <= 44 * 9
    strides = np.diff(steps[:-1])
    assert (
        len(set(strides.tolist())) == 1 and strides[0] == path.every
    )  # evenly spaced after thinning
    with torch.no_grad():
        assert torch.equal(path.end, torch.cat([p.reshape(-1) for p in model.parameters()]))
    with pytest.raises(ParameterError, match="fewer than 3 snapshots"):
        ol.Recorder(model, max_bytes=100)


def test_the_recorder_counts_steps_without_an_optimizer():
    model = nn.Linear(2, 1)
    rec = ol.Recorder(model, every=3)
    for _ in range(7):
        with torch.no_grad():
            model.weight += 1.0
        rec.step()
    path = rec.path()
    assert path.steps.tolist() == [0, 3, 6, 7]
    assert path.theta[:, 0].tolist() == pytest.approx(
        [model.weight[0, 0].item() - k for k in (7, 4, 1, 0)]
    )


def test_models_in_training_mode_with_batch_norm_are_refused():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))
    with pytest.raises(ParameterError, match=r"call model.eval\(\)"):
        ol.ModelLoss(model, F.cross_entropy, torch.randn(4, 2), torch.tensor([0, 1, 0, 1]))
    ol.ModelLoss(model.eval(), F.cross_entropy, torch.randn(4, 2), torch.tensor([0, 1, 0, 1]))


# -- the slice as a Surface -------------------------------------------------------------------------------------
@pytest.fixture
def slice_surface(problem) -> ol.LossSurface:
    plane = ol.random_plane(problem, seed=1)
    return ol.landscape(problem, plane, bounds=((-0.5, 0.5), (-0.5, 0.5)), n=21)


def test_the_slice_is_a_surface_with_consistent_derivatives(slice_surface):
    s = slice_surface
    assert isinstance(s, ov.Surface) and s.interpolation == "log"
    pts = np.random.default_rng(0).uniform(-0.45, 0.45, (20, 2))
    for p in pts:
        assert ov.gradcheck(s.value, p, s.grad, h=1e-6) < 1e-6
        assert ov.hesscheck(s.grad, p, s.hessian) < 1e-5
    assert np.all(s.value(pts) > 0)
    assert np.isnan(s.value([0.6, 0.0])) and np.isnan(s.grad([0.0, -0.7])).all()


def test_the_slices_interpolation_is_close_to_the_model_and_exact_gradients_are_at_hand(
    slice_surface,
):
    s = slice_surface
    assert s.interpolation_error(n=30) < 1e-3  # a smooth model on a 21 x 21 grid
    xy = np.array([0.13, -0.21])
    h = 1e-6
    fd = [(s.exact_value(xy + e) - s.exact_value(xy - e)) / (2 * h) for e in np.eye(2) * h]
    np.testing.assert_allclose(s.exact_grad(xy), fd, rtol=1e-6)
    np.testing.assert_allclose(
        s.grad(xy), s.exact_grad(xy), rtol=2e-2
    )  # the spline's slope is close


@pytest.mark.slow
def test_drawing_animating_and_image_testing_take_the_slice(problem, tmp_path):
    import matplotlib.pyplot as plt

    from optviz.testing import compare_gif, compare_image, deterministic

    init = problem.theta()
    path = ol.train(problem, torch.optim.Adam(problem.model.parameters(), lr=0.05), steps=20)
    problem.load(init)
    plane = ol.pca_plane(path)
    proj = plane.project(path, problem)
    s = ol.landscape(problem, plane, bounds=ol.bounds_around([proj]), n=15)
    t = proj.trajectory()
    np.testing.assert_allclose(
        t.loss, [direct(problem, th) for th in path.theta], rtol=1e-6
    )  # float32 record
    with deterministic():
        fig, ax = plt.subplots()
        ov.plot.contour(s, ax=ax)
        art = ov.plot.trajectory(t, ax=ax)
        np.testing.assert_array_equal(np.column_stack(art.paths[0].get_data()), t.xy)
        ov.savefig(fig, tmp_path / "a.png")
        ov.savefig(fig, tmp_path / "b.png")
        plt.close(fig)
        assert compare_image(tmp_path / "a.png", tmp_path / "b.png")
        scene = ov.figures.figure("trajectories", s, [t], loss=True, size=(6.4, 3.6), dpi=50)
        assert scene.last_step == 20
        plt.close(scene.fig)
    gifs = [
        ov.animate(s, [t], tmp_path / f"{k}.gif", size=(3.2, 2.4), dpi=40, quiet=True) for k in "ab"
    ]
    assert compare_gif(*gifs)


def test_bounds_around_hold_the_paths_in_a_slide_shape():
    p = type("P", (), {"xy": np.array([[0.0, 0.0], [10.0, 1.0], [4.0, -1.0]])})()
    (x0, x1), (y0, y1) = ol.bounds_around([p])
    assert x0 < 0 and x1 > 10 and y0 < -1 and y1 > 1
    assert 1.0 <= (x1 - x0) / (y1 - y0) <= 1.4 + 1e-12


def test_interpolation_ends_are_the_two_models(problem):
    a = problem.theta()
    b = a + 0.5
    _alphas, values = ol.interpolate(problem, a, b, alphas=[0.0, 0.5, 1.0])
    assert values[0] == pytest.approx(direct(problem, a), rel=1e-13)
    assert values[1] == pytest.approx(direct(problem, 0.5 * (a + b)), rel=1e-13)
    assert values[2] == pytest.approx(direct(problem, b), rel=1e-13)
