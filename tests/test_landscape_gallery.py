"""The landscape gallery: its captions hold on the computed data (over several seeds), and it reproduces the
committed files.

Skipped where torch is not installed (CI installs torch==2.13.0 on Python 3.11, where this runs).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed: the landscape gallery needs the optional extra (pip install 'optviz[torch]')",
)

from optviz import landscape as ol  # noqa: E402
from optviz.landscape import gallery as g  # noqa: E402
from optviz.testing import compare_gif, compare_image  # noqa: E402

ROOT = Path(__file__).parent.parent
SEEDS = (1, 2, 3)  # beyond the gallery's own seed 0: the captions must not rest on one lucky seed


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # As the gallery computes: one thread, deterministic algorithms (restored afterwards).
    with g.reproducible():
        yield


@pytest.fixture(scope="module")
def results() -> g.Results:
    return g.compute()


@pytest.fixture(scope="module")
def other_seeds() -> list[tuple[object, object, list[object]]]:
    return [g.train_paths(seed) for seed in SEEDS]


def _all_seeds(results, other_seeds):
    return [(results.loss, results.init, results.paths), *other_seeds]


# -- the captions ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_three_optimizers_start_together_and_learn_the_moons(results):
    assert [p.label for p in results.paths] == ["SGD", "SGD+Momentum", "Adam"]
    for p in results.paths:
        assert torch.equal(p.start, results.init)
        assert results.loss.value(p.end) < 0.02 < 0.6 < results.loss.value(results.init)


@pytest.mark.slow
def test_pca_plane_holds_most_of_the_paths_but_not_their_first_steps(results, other_seeds):
    # "PC1 + PC2 explain more than 95%"; "in the first ten steps more than 70% of each path's distance from the
    # initialization is off the plane; at the end at most a quarter"
    for _loss, _init, paths in _all_seeds(results, other_seeds):
        plane = ol.pca_plane(paths, origin="start")
        assert sum(plane.explained_variance) > 0.95
        for p in paths:
            r = plane.project(p).residual
            assert np.nanmin(r[1:11]) > 0.7, p.label
            assert r[-1] < 0.25, p.label


@pytest.mark.slow
def test_the_pca_figure_states_the_variance_the_plane_explains(results):
    import matplotlib.pyplot as plt

    scene = g.scenes(results, size=(6.4, 3.6), dpi=50, pyplot=True)["landscape_pca"]
    contour_ax = scene.fig.axes[0]
    stated = sum(results.pca.explained_variance)
    assert f"explain {stated:.1%}" in contour_ax.get_title()
    # the same share, recomputed from the projected points: 1 - (off-plane squared distance) / (squared distance)
    rows = torch.cat([p.theta for p in results.paths])
    _, residual = results.pca.coordinates(rows)
    dist2 = ((rows - results.pca.origin) ** 2).sum(dim=1).numpy()
    assert 1 - np.nansum(residual**2 * dist2) / dist2.sum() == pytest.approx(stated, rel=1e-9)
    assert contour_ax.get_xlabel() == f"PC1 ({results.pca.explained_variance[0]:.1%})"
    assert contour_ax.get_ylabel() == f"PC2 ({results.pca.explained_variance[1]:.1%})"
    residual_ax = next(ax for ax in scene.fig.axes if "off the plane" in ax.get_title())
    for line, proj in zip(residual_ax.get_lines(), results.pca_projections, strict=True):
        np.testing.assert_array_equal(line.get_ydata(), proj.residual)
    plt.close(scene.fig)


@pytest.mark.slow
def test_random_planes_state_the_curvature_at_their_centre(results):
    import matplotlib.pyplot as plt

    scene = g.scenes(results, size=(6.4, 3.6), dpi=50, pyplot=True)["landscape_filter_normalized"]
    titles = [ax.get_title() for ax in scene.fig.axes if "solution" in ax.get_title()]
    assert len(titles) == 3
    for title, path, plane, eig in zip(
        titles, results.paths, results.random_planes, results.centre, strict=True
    ):
        assert torch.equal(plane.origin, path.end)  # the centre is the solution
        assert f"= {_signed(eig.largest, 2)}," in title and f"= {_signed(eig.smallest, 4)}" in title
        assert max(eig.residuals) < 1e-8
    # "on shared contour levels": the same contour lines, and one colour for a loss band in every panel
    panels = [ax for ax in scene.fig.axes if "solution" in ax.get_title()]
    assert len(panels) == 3
    sets = [[c for c in ax.collections if hasattr(c, "levels")] for ax in panels]
    lines = [next(c for c in cs if not c.filled) for cs in sets]
    fills = [next(c for c in cs if c.filled) for cs in sets]
    for c in lines[1:]:
        np.testing.assert_array_equal(c.levels, lines[0].levels)
    probe = np.geomspace(min(f.levels[0] for f in fills), max(f.levels[-1] for f in fills), 200)
    colours = [f.to_rgba(probe) for f in fills]
    for c in colours[1:]:
        np.testing.assert_array_equal(c, colours[0])
    plt.close(scene.fig)
    # The printed digits against the dense Hessian of one solution (1,218 Hessian-vector products).
    dense = torch.linalg.eigvalsh(results.loss.hessian(results.paths[0].end)).numpy()
    assert _signed(dense[-1], 2) in titles[0] and _signed(dense[0], 4) in titles[0]


def _signed(value: float, decimals: int) -> str:
    """A number as the titles write it: fixed decimals, a typographic minus sign."""
    return f"{value:.{decimals}f}".replace("-", "\N{MINUS SIGN}")


@pytest.mark.slow
def test_random_planes_leave_the_paths_almost_entirely_off_the_plane(results, other_seeds):
    # "The paths' residuals stay above 98%"
    for seed, (loss, _init, paths) in zip(
        (0, *SEEDS), _all_seeds(results, other_seeds), strict=True
    ):
        for p in paths:
            r = ol.random_plane(loss, origin=p.end, seed=seed).project(p).residual
            assert np.nanmin(r) > 0.98, (seed, p.label)


def test_the_three_model_plane_holds_two_ends_and_not_the_third(results):
    # "those two paths end on it, SGD+Momentum's residual shows how far its path stays from it"
    ends = [proj.residual[-1] for proj in results.three_projections]
    assert ends[0] < 1e-6 and ends[2] < 1e-6
    assert ends[1] > 0.2
    np.testing.assert_allclose(results.three_projections[0].xy[-1], [1, 0], atol=1e-9)


@pytest.mark.slow
def test_sharpness_panel_claims(results, other_seeds):
    # "SGD's sharpness climbs to its threshold 2/lr = 4 or past it while the loss falls, and ends below half of
    # it; SGD+Momentum stays far below its own threshold (2+2ρ)/lr = 76; negative curvature at the
    # initialization that training leaves behind."
    sgd, momentum, adam = results.sharpness
    assert sgd.threshold == 4.0 and momentum.threshold == pytest.approx(76.0)
    for loss, _init, paths in other_seeds:
        extra = ol.sharpness_along(
            loss, paths[0], every=g.SHARPNESS_EVERY, iterations=g.LANCZOS_ITERATIONS
        )
        for s in (sgd, extra):
            assert s.largest.max() >= s.threshold
            assert s.largest[-1] < s.threshold / 2
    assert momentum.largest.max() < 0.2 * momentum.threshold
    assert adam.threshold is None  # "Adam, adaptive, has none"
    for s in results.sharpness:
        assert s.smallest[0] < -0.5
        assert abs(s.smallest[-1]) < 0.1 * abs(s.smallest[0])


@pytest.mark.slow
def test_linear_interpolation_claims(results, other_seeds):
    # "along each straight line the loss falls without a barrier from the initialization (α = 0) to the
    # solution (α = 1); its lowest point lies a little past the solution"
    for loss, _init, paths in _all_seeds(results, other_seeds):
        for p in paths:
            curve = ol.interpolate_path(loss, p)
            inside = curve.loss[(curve.alphas >= 0) & (curve.alphas <= 1)]
            assert np.all(np.diff(inside) < 0), p.label
            assert 1.0 < curve.alphas[np.argmin(curve.loss)] < 1.3, p.label
    # "for α from -0.5 to 1.5"
    for curve in results.interpolations:
        assert curve.alphas[0] == -0.5 and curve.alphas[-1] == 1.5


@pytest.mark.slow
def test_the_sharpness_figure_draws_the_threshold_it_can_show_and_names_the_other(results):
    import matplotlib.pyplot as plt

    scene = g.scenes(results, size=(6.4, 3.6), dpi=50, pyplot=True)["landscape_sharpness"]
    big = scene.fig.axes[0]
    legend = [t.get_text() for t in scene.fig.legends[0].get_texts()]
    assert "2/lr = 4" in legend and not any("76" in t for t in legend)
    assert big.get_ylim()[0] == 0 and 4 < big.get_ylim()[1] < 76
    assert [t.get_text() for t in big.texts] == ["(2+2ρ)/lr = 76 (above) ↑"]
    # every curve's points are inside the view
    curves = [line for line in big.get_lines() if line.get_marker() == "o"]
    assert len(curves) == 3
    for line in curves:
        assert np.max(line.get_ydata()) < big.get_ylim()[1]
    plt.close(scene.fig)


# -- reproduction ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_landscape_figure_is_legible(results):
    # Held to zero findings like the scenario gallery (design section 11): the model names beside their rings,
    # panel titles clear of the tick labels, and the SGD path not hidden under SGD+Momentum's (issue 19).
    from optviz.testing import check_legibility

    for stem, scene in g.scenes(results).items():
        findings = check_legibility(scene.fig)
        scene.close()
        assert not findings, stem + ":\n" + "\n".join(map(str, findings))


@pytest.mark.slow
def test_the_covered_sgd_path_shows_as_a_stripe_under_momentums(results):
    scene = g.scenes(results, size=(6.4, 3.6), dpi=50)["landscape_three_models"]
    lines = {line.get_label(): line for line in scene.fig.axes[0].get_lines()}
    sgd, momentum = (
        next(v for k, v in lines.items() if k.startswith(name + " ("))
        for name in ("SGD", "SGD+Momentum")
    )
    # the two paths coincide: the one drawn beneath is wider by a stripe on each side
    assert sgd.get_zorder() < momentum.get_zorder()
    assert sgd.get_linewidth() >= momentum.get_linewidth() * 1.7
    scene.close()


@pytest.mark.slow
def test_the_landscape_gallery_reproduces_the_committed_files(results, tmp_path):
    written = g.render(tmp_path, results=results)
    expected = [f for e in g.ENTRIES for f in e.files]
    assert sorted(p.name for p in written) == sorted(expected)
    for new in written:
        committed = ROOT / "gallery" / new.name
        assert committed.exists(), (
            f"gallery/{new.name} is missing: run `optviz gallery` and commit it"
        )
        if new.suffix == ".png":
            result = compare_image(new, committed)
        else:
            result = compare_gif(new, committed)
        assert result, str(result)


def test_the_gallery_index_lists_the_landscape_figures():
    index = (ROOT / "gallery" / "README.md").read_text(encoding="utf-8")
    assert "python -m optviz.landscape.gallery -o gallery" in index
    for entry in g.ENTRIES:
        assert entry.title in index and entry.description in index
        for name in entry.files:
            assert f"]({name})" in index
