"""Every registered surface (derivatives, broadcasting, view, critical points), published minima,
and the lecture's claims about its surfaces, run with the reference loops in _surface_helpers."""

from __future__ import annotations

import numpy as np
import pytest
from _surface_helpers import adam, fd_jacobian, gd, momentum, noisy_gd, points_in, seeded_rng

import optviz as ov
from optviz._validate import ParameterError
from optviz.analysis import critical_point_kind, hessian_eigen, refine_critical_points
from optviz.engine import prepare, reference_run

NAMES = ov.surface_names()  # evaluated at collection: surfaces registered later are covered too


def _inside(s, xy) -> bool:
    (x0, x1), (y0, y1) = s.bounds
    xy = np.atleast_2d(xy)
    return bool(np.all((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)))


def _relative_error(analytic: np.ndarray, numeric: np.ndarray, axes) -> np.ndarray:
    # Error per point relative to its largest entry, with a floor at 1e-3 of the typical size so
    # that points where the derivative nearly vanishes do not turn round-off into a large ratio.
    size = np.abs(analytic).max(axis=axes)
    floor = 1e-3 * np.median(size)
    return np.abs(analytic - numeric).max(axis=axes) / np.maximum(size, floor)


# -- all surfaces ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_match_finite_differences(name):
    s = ov.surface(name)
    xy = points_in(s.bounds, 400, seeded_rng(name))
    # Fourth-order differences are good to ~1e-10 here; Rastrigin's 2 pi frequencies and Ackley's
    # cone (whose higher derivatives grow like 1/r^4 near the origin) cost two or three more digits.
    # A wrong term is O(1).
    grad_error = _relative_error(s.grad(xy), fd_jacobian(s.value, xy), -1)
    hess_error = _relative_error(s.hessian(xy), fd_jacobian(s.grad, xy), (-2, -1))
    assert grad_error.max() < 1e-6, xy[grad_error.argmax()]
    assert hess_error.max() < 1e-6, xy[hess_error.argmax()]


@pytest.mark.parametrize("name", NAMES)
def test_hessian_is_symmetric_and_derivatives_agree_with_analysis_helpers(name):
    s = ov.surface(name)
    xy = points_in(s.bounds, 5, seeded_rng(name + "check"))
    H = s.hessian(xy)
    np.testing.assert_array_equal(H, np.swapaxes(H, -1, -2))
    for p in xy:
        assert ov.gradcheck(s.value, p, s.grad) < 1e-6
        assert ov.hesscheck(s.grad, p, s.hessian) < 1e-6


@pytest.mark.parametrize("name", NAMES)
def test_broadcasting_over_grids_and_single_points(name):
    s = ov.surface(name)
    _, _, grid = s.grid(7)
    grid = grid[:3, :5]  # (3, 5, 2): not square, so swapped axes would show
    value, grad, hess = s.value(grid), s.grad(grid), s.hessian(grid)
    assert value.shape == (3, 5) and grad.shape == (3, 5, 2) and hess.shape == (3, 5, 2, 2)
    for i, j in [(0, 0), (1, 3), (2, 4)]:
        p = grid[i, j]
        assert s.value(p).shape == () and s.grad(p).shape == (2,) and s.hessian(p).shape == (2, 2)
        # Equal to rounding: dataset surfaces sum over samples, and numpy's summation order depends
        # on the array's layout, so a single point and a grid cell may differ in the last bit.
        np.testing.assert_allclose(s.value(p), value[i, j], rtol=1e-14, atol=1e-300)
        np.testing.assert_allclose(s.grad(p), grad[i, j], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(s.hessian(p), hess[i, j], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(s.grad(p[None])[0], grad[i, j], rtol=1e-13, atol=1e-15)  # (1, 2)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))


@pytest.mark.parametrize("name", NAMES)
def test_defaults_view_start_and_formula(name):
    s = ov.surface(name)
    assert s.name == name
    assert s.title and s.latex and s.level_scale in ("linear", "log")
    assert set(ov.surfaces.surface_parameters(name)) == set(s.params) - {"surface", "l2"}
    assert _inside(s, s.start) and np.isfinite(s.value(s.start))
    for points in (s.minima, s.saddles, s.maxima):
        assert points.ndim == 2 and points.shape[1] == 2
        assert _inside(s, points) if len(points) else True


@pytest.mark.parametrize("name", NAMES)
def test_latex_renders_with_mathtext(name):
    mathtext = pytest.importorskip("matplotlib.mathtext")
    width, height, *_ = mathtext.MathTextParser("path").parse(f"${ov.surface(name).latex}$")
    assert width > 0 and height > 0


def _circle(center, radius, n=64):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return center + radius * np.stack([np.cos(t), np.sin(t)], axis=-1)


def _gradient_tolerance(s, p) -> float:
    # Rounding the coordinates of an irrational critical point moves the gradient by about eps |H|
    # |p|.
    scale = np.abs(s.hessian(p)).max() * max(1.0, np.abs(p).max())
    return 1e-13 * max(1.0, scale)


@pytest.mark.parametrize("name", NAMES)
def test_minima_have_zero_gradient_and_are_minima(name):
    s = ov.surface(name)
    values = s.value(s.minima)
    for p, v in zip(s.minima, values, strict=True):
        assert np.abs(s.grad(p)).max() <= _gradient_tolerance(s, p)
        assert np.linalg.eigvalsh(s.hessian(p)).min() >= 0
        # Directly, too (Ackley's cone has no Hessian there): higher on a small circle all around.
        assert np.all(s.value(_circle(p, 1e-4 * s.diagonal)) > v)
    if len(values):
        assert values[0] == values.min()  # global first


@pytest.mark.parametrize("name", NAMES)
def test_saddles_and_maxima(name):
    s = ov.surface(name)
    for p in s.saddles:
        assert np.abs(s.grad(p)).max() <= _gradient_tolerance(s, p)
        low, high = np.linalg.eigvalsh(s.hessian(p))
        if np.abs(s.hessian(p)).max() > 0:
            assert low < 0 < high
        # Above and below the saddle's value on a small circle (also for the degenerate monkey
        # saddle).
        around = s.value(_circle(p, 1e-3 * s.diagonal)) - s.value(p)
        assert around.min() < 0 < around.max()
    for p in s.maxima:
        assert np.abs(s.grad(p)).max() <= _gradient_tolerance(s, p)
        assert np.linalg.eigvalsh(s.hessian(p)).max() < 0


@pytest.mark.parametrize("name", NAMES)
def test_critical_points_are_fully_refined(name):
    # Newton's method from each stored point does not move it beyond rounding: full double
    # precision.
    s = ov.surface(name)
    points = np.concatenate([s.minima, s.saddles, s.maxima])
    if not len(points):
        pytest.skip("no known critical points")
    refined, ok = refine_critical_points(s, points)
    assert ok.all()
    np.testing.assert_allclose(refined, points, rtol=0, atol=4e-15 * max(1.0, np.abs(points).max()))


def test_unknown_names_and_parameters_get_close_matches():
    with pytest.raises(
        ParameterError, match=r"unknown surface 'himmelbau'; did you mean 'himmelblau'"
    ):
        ov.surface("himmelbau")
    with pytest.raises(ParameterError) as err:
        ov.surface("quadratic", kapa=3)
    assert err.value.field == "kapa"
    assert "did you mean 'kappa'" in str(
        err.value
    ) and "(valid: angle, center, kappa, scale)" in str(err.value)
    with pytest.raises(ParameterError, match="kappa: must be a number >= 1"):
        ov.surface("quadratic", kappa=0.5)


# -- published minima ------------------------------------------------------------------------------
# Published coordinates (rounded or truncated to the digits shown) and values: Jamil & Yang (2013),
# the Virtual Library of Simulation Experiments (Surjanovic & Bingham), Dixon & Szego (1978) for the
# camel's local minima.
PUBLISHED = {
    "rosenbrock": ([(1.0, 1.0)], 0.0, 0),
    "beale": ([(3.0, 0.5)], 0.0, 0),
    "himmelblau": (
        [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        0.0,
        1e-6,
    ),
    "booth": ([(1.0, 3.0)], 0.0, 0),
    "matyas": ([(0.0, 0.0)], 0.0, 0),
    "six_hump_camel": ([(0.0898420, -0.7126564), (-0.0898420, 0.7126564)], -1.0316284535, 1e-7),
    "styblinski_tang": ([(-2.903534, -2.903534)], -78.33233141, 1e-6),
    "rastrigin": ([(0.0, 0.0)], 0.0, 0),
    "ackley": ([(0.0, 0.0)], 0.0, 0),
    "goldstein_price": ([(0.0, -1.0)], 3.0, 0),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_global_minima_have_their_published_positions_and_values(name):
    s = ov.surface(name)
    points, value, digits = PUBLISHED[name]
    stored = s.minima[: len(points)]
    np.testing.assert_allclose(stored, points, rtol=0, atol=digits)
    published_digits = {-1.0316284535: 1e-10, -78.33233141: 1e-8}.get(value, 1e-12)
    np.testing.assert_allclose(s.value(stored), value, rtol=0, atol=published_digits)
    # No other listed minimum is lower.
    assert s.value(s.minima).min() >= value - published_digits


def test_published_local_minima():
    camel = ov.surface("six_hump_camel")
    np.testing.assert_allclose(
        camel.minima[2:],
        [(1.7036, -0.7961), (-1.7036, 0.7961), (1.6071, 0.5687), (-1.6071, -0.5687)],
        atol=1e-4,
    )
    np.testing.assert_allclose(
        camel.value(camel.minima[2:]), [-0.2155, -0.2155, 2.1043, 2.1043], atol=1e-4
    )
    gp = ov.surface("goldstein_price")
    np.testing.assert_allclose(gp.value(gp.minima), [3, 30, 84, 840], rtol=1e-13)
    st = ov.surface("styblinski_tang")
    # Separable: each coordinate of a minimum is a root of d/dt (t^4 - 16 t^2 + 5 t) / 2 = 2t^3 -
    # 16t + 2.5.
    np.testing.assert_allclose(2 * st.minima**3 - 16 * st.minima + 2.5, 0, atol=1e-13)
    np.testing.assert_allclose(
        np.sort(np.roots([2, 0, -16, 2.5])), [-2.903534, 0.156731, 2.746803], atol=1e-6
    )


def test_himmelblau_saddles_and_maximum_match_published_digits():
    s = ov.surface("himmelblau")
    published = [
        (0.086677, 2.884254),
        (-3.073026, -0.081353),
        (3.385154, 0.073852),
        (-0.127961, -1.953715),
    ]
    np.testing.assert_allclose(s.saddles, published, atol=1e-6)
    np.testing.assert_allclose(s.maxima, [(-0.270845, -0.923039)], atol=1e-6)
    assert round(float(s.value(s.maxima[0])), 3) == 181.617


def test_ackley_cusp_conventions():
    s = ov.surface("ackley")
    assert s.value([0.0, 0.0]) == 0.0
    np.testing.assert_array_equal(s.grad([0.0, 0.0]), [0.0, 0.0])
    # The Hessian at the cusp is the smooth cosine term's: 2 pi^2 e I.
    np.testing.assert_allclose(s.hessian([0.0, 0.0]), 2 * np.pi**2 * np.e * np.eye(2), rtol=1e-15)
    # Next to it, the cone's slope 2 sqrt(2) from every direction.
    for p in _circle(np.zeros(2), 1e-10, 8):
        assert np.linalg.norm(s.grad(p)) == pytest.approx(2 * np.sqrt(2), rel=1e-8)


# -- the quadratic ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kappa", [1.0, 2.0, 10.0, 25.0, 1e3, 1e6])
@pytest.mark.parametrize("angle", [0.0, 17.0, 30.0, 45.0, 90.0, -60.0])
def test_quadratic_condition_number_is_kappa(kappa, angle):
    s = ov.surface("quadratic", kappa=kappa, angle=angle, scale=0.5, center=(1.0, -2.0))
    xy = points_in(s.bounds, 20, seeded_rng(f"{kappa}{angle}"))
    np.testing.assert_allclose(ov.condition_number(s, xy), kappa, rtol=1e-9)
    values, _ = hessian_eigen(s, xy)
    np.testing.assert_allclose(values, np.broadcast_to([0.5, 0.5 * kappa], values.shape), rtol=1e-9)
    np.testing.assert_array_equal(s.minima, [[1.0, -2.0]])


def test_quadratic_suggested_start_sits_on_the_shallow_axis_side():
    s = ov.surface("quadratic", kappa=25, angle=30)
    u = s.rotation.T @ (s.start - s.minima[0])  # in the eigenbasis: (shallow, steep)
    np.testing.assert_allclose(u, [-4.0, 1.5], atol=1e-12)


# -- the lecture's surfaces ------------------------------------------------------------------------
LOCAL_MINIMUM_LR = 0.02  # the documented learning rate (the gallery uses it)


def _near(xy, point, tol):
    return float(np.hypot(*(np.asarray(xy) - point))) < tol


@pytest.mark.parametrize("lr", [*np.linspace(0.01, 0.12, 12), LOCAL_MINIMUM_LR])
@pytest.mark.parametrize("start", ["suggested", (-2.0, 0.0)])
def test_local_minimum_traps_gd_but_not_momentum(lr, start):
    s = ov.surface("local_minimum")
    x0 = s.start if start == "suggested" else start
    steps = 150 if lr >= LOCAL_MINIMUM_LR else 400
    global_min, local_min = s.minima
    assert s.value(global_min) < s.value(local_min)
    assert _near(gd(s.grad, x0, lr, steps)[-1], local_min, 5e-3)
    assert _near(momentum(s.grad, x0, lr, steps, rho=0.9)[-1], global_min, 5e-3)


def test_local_minimum_profile_and_critical_points():
    s = ov.surface("local_minimum")
    x = np.linspace(-2.4, 2.8, 9)
    profile = s.value(np.stack([x, np.zeros_like(x)], axis=-1))
    np.testing.assert_allclose(profile, x**4 / 4 - x**3 / 3 - x**2, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(s.value(s.minima), [-8 / 3, -5 / 12], rtol=1e-15)
    assert critical_point_kind(s, s.saddles).tolist() == ["saddle"]
    assert (
        s.value(s.saddles[0]) == 0.0 < s.value(s.start)
    )  # the start is above the hump: momentum can cross


SADDLES = ["saddle", "monkey_saddle", "double_well"]
SADDLE_LR = 0.1  # the documented learning rate


@pytest.mark.parametrize("name", SADDLES)
def test_exact_gd_stalls_at_the_saddle(name):
    s = ov.surface(name)
    path = gd(s.grad, s.start, SADDLE_LR, 100)
    near = np.hypot(*(path - s.saddles[0]).T) < 0.1
    assert near.sum() >= 50
    assert near[-1] and near[np.argmax(near) :].all()  # once there it stays


@pytest.mark.parametrize("name", SADDLES)
def test_gradient_noise_escapes_the_saddle(name):
    s = ov.surface(name)
    for seed in range(5):
        path = noisy_gd(s.grad, s.start, SADDLE_LR, 300, sigma=0.5, seed=seed)
        distance = np.hypot(*(path - s.saddles[0]).T)
        assert distance.max() > 0.5, seed  # away from the saddle, into a valley or a well
    if name == "double_well":
        ends = [noisy_gd(s.grad, s.start, SADDLE_LR, 300, 0.5, seed)[-1, 0] for seed in range(12)]
        assert min(ends) < -0.5 and max(ends) > 0.5  # noise picks either well


def test_monkey_saddle_is_degenerate():
    s = ov.surface("monkey_saddle")
    assert critical_point_kind(s, s.saddles).tolist() == ["degenerate"]
    assert ov.condition_number(s, [0.0, 0.0]) == np.inf
    r, theta = 0.7, np.deg2rad([0, 60, 120, 180, 240, 300])
    ring = r * np.stack([np.cos(theta), np.sin(theta)], axis=-1)
    np.testing.assert_allclose(s.value(ring), r**3 * np.cos(3 * theta), atol=1e-15)


# -- the classic functions' suggested starts show what their docstrings say ------------------------
def test_himmelblau_start_sends_gd_and_momentum_to_different_minima():
    s = ov.surface("himmelblau")
    assert _near(gd(s.grad, s.start, 0.01, 500)[-1], s.minima[3], 1e-6)
    assert _near(momentum(s.grad, s.start, 0.005, 500)[-1], s.minima[0], 1e-6)


def test_styblinski_tang_start_gd_local_momentum_global():
    s = ov.surface("styblinski_tang")
    assert _near(gd(s.grad, s.start, 0.01, 800)[-1], (2.7468027709908367, -2.903534027771177), 1e-6)
    for lr in (0.005, 0.01):
        assert _near(momentum(s.grad, s.start, lr, 800)[-1], s.minima[0], 1e-6)


def test_goldstein_price_start_gd_local_momentum_global():
    s = ov.surface("goldstein_price")
    assert _near(gd(s.grad, s.start, 1e-5, 3000)[-1], (-0.6, -0.4), 1e-6)
    assert _near(momentum(s.grad, s.start, 2e-6, 3000)[-1], (0.0, -1.0), 1e-6)


def test_six_hump_camel_start_gd_high_local_momentum_lower_local():
    s = ov.surface("six_hump_camel")
    assert _near(gd(s.grad, s.start, 0.02, 400)[-1], s.minima[5], 1e-6)
    assert _near(momentum(s.grad, s.start, 0.005, 400)[-1], s.minima[3], 1e-6)


@pytest.mark.parametrize("name", ["rastrigin", "ackley"])
def test_bumpy_surfaces_trap_gd_near_the_start(name):
    s = ov.surface(name)
    end = gd(s.grad, s.start, 0.002, 1000)[-1]
    assert s.value(end) > 5 and np.hypot(*(end - s.start)) < 1.0
    assert critical_point_kind(s, end).item() == "minimum"


def test_rastrigin_start_stops_in_the_nearest_dip():
    s = ov.surface("rastrigin")
    np.testing.assert_allclose(
        gd(s.grad, s.start, 0.002, 1000)[-1], [1.98991223, 1.98991223], atol=1e-8
    )


def test_beale_start_gd_crawls_adam_glides():
    s = ov.surface("beale")
    assert 0.05 < s.value(gd(s.grad, s.start, 1e-3, 1000)[-1]) < 0.1
    assert s.value(adam(s.grad, s.start, 0.05, 1000)[-1]) < 1e-6


@pytest.mark.parametrize(
    ("name", "lr", "steep"), [("booth", 0.1, (1, 1)), ("matyas", 1.8, (1, -1))]
)
def test_quadratic_classics_zigzag_across_the_steep_direction(name, lr, steep):
    s = ov.surface(name)
    path = gd(s.grad, s.start, lr, 30) - s.minima[0]
    across = path @ np.array(steep) / np.sqrt(2)
    along = path @ np.array([steep[1], -steep[0]]) / np.sqrt(2)
    assert np.all(np.sign(across[1:]) == -np.sign(across[:-1]))  # flips side every step
    assert np.all(np.abs(along[1:]) < np.abs(along[:-1]))  # while creeping down the valley
    assert abs(along[0]) > 3 * abs(across[0])  # the start is far out along the shallow direction


# -- a user's callables ----------------------------------------------------------------------------
def _himmelblau(p):
    x, y = p[..., 0], p[..., 1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def test_callable_surface_with_missing_derivatives():
    reference = ov.surface("himmelblau")
    s = ov.surface_from_callable(
        _himmelblau, bounds=reference.bounds, minima=[(3.01, 1.98)], title="H"
    )
    xy = points_in(reference.bounds, 100, seeded_rng("callable"))
    np.testing.assert_array_equal(s.value(xy), reference.value(xy))
    np.testing.assert_allclose(s.grad(xy), reference.grad(xy), rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(s.hessian(xy), reference.hessian(xy), rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(s.minima, [[3.0, 2.0]], atol=1e-9)
    assert (
        s.title == "H"
        and s.latex == r"\mathrm{\_himmelblau}(x, y)"
        and s.exact == {"grad": False, "hessian": False}
    )
    _, _, grid = s.grid(5)
    assert (
        s.value(grid).shape == (5, 5)
        and s.grad(grid).shape == (5, 5, 2)
        and s.hessian(grid).shape == (5, 5, 2, 2)
    )


def test_callable_surface_hessian_from_a_given_gradient():
    reference = ov.surface("himmelblau")
    s = ov.surface_from_callable(_himmelblau, reference.grad, bounds=reference.bounds, start=(1, 1))
    xy = points_in(reference.bounds, 100, seeded_rng("callable grad"))
    np.testing.assert_array_equal(s.grad(xy), reference.grad(xy))
    np.testing.assert_allclose(s.hessian(xy), reference.hessian(xy), rtol=1e-8, atol=1e-7)
    full = ov.surface_from_callable(
        _himmelblau, reference.grad, reference.hessian, bounds=reference.bounds
    )
    np.testing.assert_array_equal(full.hessian(xy), reference.hessian(xy))
    np.testing.assert_allclose(full.start, [-3.5, 3.5])


def test_callable_surface_latex_renders():
    mathtext = pytest.importorskip("matplotlib.mathtext")
    parser = mathtext.MathTextParser("path")
    for fn in (_himmelblau, lambda p: p[..., 0]):
        s = ov.surface_from_callable(fn, bounds=((0, 1), (0, 1)))
        parser.parse(f"${s.latex}$")
    assert s.latex == r"\mathrm{f}(x, y)"


def test_callable_surface_checks_its_inputs():
    with pytest.raises(ParameterError, match="bounds: is required"):
        ov.surface_from_callable(_himmelblau, bounds=None)
    with pytest.raises(ParameterError, match="value: must be a function"):
        ov.surface_from_callable("x**2", bounds=((0, 1), (0, 1)))
    with pytest.raises(ParameterError, match="grad: must be a function"):
        ov.surface_from_callable(_himmelblau, 3, bounds=((0, 1), (0, 1)))
    bad = ov.surface_from_callable(lambda p: np.zeros(3), bounds=((0, 1), (0, 1)), refine=False)
    with pytest.raises(
        ValueError, match=r"value returned shape \(3,\) for points of shape \(4, 2\)"
    ):
        bad.value(np.zeros((4, 2)))
    quiet = ov.surface_from_callable(lambda p: np.log(p[..., 0]), bounds=((0, 1), (0, 1)))
    assert np.isnan(quiet.value([-1.0, 0.0])) and np.isnan(quiet.grad([-1.0, 0.0])).all()


@pytest.mark.parametrize("name", NAMES)
def test_a_single_point_gets_the_floats_of_a_batch(name):
    """One point is evaluated as a batch of one: numpy's scalar x**2 (the C library's pow) can be 1 ulp off
    the array's x * x, which made a one-run reference loop differ from the batched engine (L-BFGS on
    Rosenbrock from this start, below)."""
    s = ov.surface(name)
    rng = np.random.default_rng(7)
    (x0, x1), (y0, y1) = s.bounds
    points = np.stack([rng.uniform(x0, x1, 64), rng.uniform(y0, y1, 64)], axis=1)
    value, grad, hess = s.value(points), s.grad(points), s.hessian(points)
    for k, p in enumerate(points):
        assert s.value(p) == value[k]
        np.testing.assert_array_equal(s.grad(p), grad[k])
        np.testing.assert_array_equal(s.hessian(p), hess[k])


def test_rosenbrock_at_a_point_where_pow_was_one_ulp_off():
    """Here glibc's pow(r, 2) is 1 ulp above r * r; f is the products' value wherever it is evaluated."""
    x, y = 0.09320369058338718, -0.26998930352481654
    a, r = 1.0 - x, y - x * x
    assert ov.surface("rosenbrock").value([x, y]) == a * a + 100.0 * (r * r)
    t = ov.run(
        "rosenbrock", ov.LBFGS(line_search_fn="strong_wolfe"), start=(-0.6483551, 1.29641682)
    )
    ref = reference_run(prepare("rosenbrock", t.optimizer, start=t.xy[0], steps=t.steps), 0)
    np.testing.assert_array_equal(t.xy, ref.xy)
