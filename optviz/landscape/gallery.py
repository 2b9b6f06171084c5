"""The landscape part of the gallery: a small network trained three ways, seen honestly.

    python -m optviz.landscape.gallery [-o DIR]      # default DIR: gallery

``optviz gallery`` calls this when torch is installed. Everything is made here, from numbers only: two moons of
1,000 points (numpy, seed 0), an MLP 2-32-32-2 with ReLU (1,218 parameters) initialized from a seeded numpy
Generator, and three optimizers from that one initialization on the same minibatches (100 points, epoch-shuffled,
seed 0), 300 steps each: SGD (lr 0.5), SGD+Momentum (lr 0.05, rho 0.9: the same effective step lr / (1 - rho))
and Adam (lr 0.01). It runs no code from the working directory.

Reproducible bit for bit on one machine: float64 throughout, one torch thread, deterministic algorithms (set for
the computation and restored afterwards). The figures' titles and descriptions are claims that
``tests/test_landscape_gallery.py`` checks on the computed data.

The metadata below (files, titles, descriptions) needs no torch: ``optviz gallery`` lists the committed files in
the index even where torch is not installed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLES = 1000
WIDTH = 32
STEPS = 300
BATCH = 100
SEED = 0
GRID = 41  # nodes a side of each landscape grid
SHARPNESS_EVERY = 25  # steps between Hessian eigenvalue evaluations
LANCZOS_ITERATIONS = 20
GIF_FPS = 20
GIF_FRAMES = 151  # every second step of 300

# (rule key, torch optimizer, keyword arguments)
OPTIMIZERS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("gd", "SGD", {"lr": 0.5}),
    ("momentum", "SGD", {"lr": 0.05, "momentum": 0.9}),
    ("adam", "Adam", {"lr": 0.01}),
)


@dataclass(frozen=True)
class Entry:
    """One figure of the landscape gallery: its file names, title and description (for the index)."""

    stem: str
    title: str
    description: str
    files: tuple[str, ...]


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "landscape_pca",
        "A real network's loss landscape: three optimizers on the PCA plane of their paths",
        "An MLP (1,218 parameters) on two moons, trained from one initialization by SGD, SGD+Momentum and Adam "
        "on the same minibatches. The plane through the initialization spanned by the two principal directions "
        "of all three paths holds more than 95% of their squared distance from the initialization (the exact "
        "share is in the title). Beside it, each path's off-plane residual: in the first ten steps more than "
        "70% of each path's distance from the initialization is off the plane, so there the picture tells "
        "little; at the end at most a quarter is. The GIF shows the training on this plane.",
        ("landscape_pca.png", "landscape_pca.gif"),
    ),
    Entry(
        "landscape_filter_normalized",
        "Filter-normalized random planes around each solution (Li et al. 2018)",
        "The same three solutions, each at the centre of its own random plane (two Gaussian directions, each "
        "filter scaled to the norm of the solution's filter, biases left alone; seed 0), on shared contour "
        "levels, with the Hessian's largest and most negative eigenvalue at the centre. The paths' residuals "
        "stay above 98%: a random plane shows how wide a minimum is, not how the optimizer got there.",
        ("landscape_filter_normalized.png",),
    ),
    Entry(
        "landscape_three_models",
        "The plane through the initialization and two solutions",
        "The plane through the initialization, SGD's solution and Adam's: those two paths end on it, and "
        "SGD+Momentum's residual shows how far its path stays from it (more than a fifth of its distance at the "
        "end).",
        ("landscape_three_models.png",),
    ),
    Entry(
        "landscape_sharpness",
        "Sharpness along training against the stability threshold 2/lr",
        "The largest Hessian eigenvalue (Lanczos on Hessian-vector products) every 25 steps, beside each rule's "
        "threshold for a stable constant step on a quadratic: SGD's sharpness climbs to its threshold "
        "2/lr = 4 or past it (minibatch noise), then ends below half of it; SGD+Momentum stays far below its "
        "own (2+2ρ)/lr = 76; Adam, adaptive, has none. The most negative eigenvalue shows the negative "
        "curvature at the initialization that training leaves behind.",
        ("landscape_sharpness.png",),
    ),
    Entry(
        "landscape_interpolation",
        "The loss on the straight line from the initialization to each solution (Goodfellow et al. 2015)",
        "L((1-α) θ_init + α θ_end) for α from -0.5 to 1.5: along each straight line the loss falls without a "
        "barrier from the initialization (α = 0) to the solution (α = 1), and its lowest point lies a little "
        "past the solution.",
        ("landscape_interpolation.png",),
    ),
)

COMMAND = "python -m optviz.landscape.gallery -o {out}"


# -- computation ---------------------------------------------------------------------------------------------
@contextlib.contextmanager
def reproducible() -> Iterator[None]:
    """One thread, deterministic algorithms; both restored on exit."""
    import torch

    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def make_model(seed: int = SEED) -> Any:
    """The MLP 2-WIDTH-WIDTH-2 (ReLU, float64), initialized as torch's default (uniform in +-1/sqrt(fan_in)) but
    from ``numpy.random.default_rng(seed)``, so the initialization does not depend on torch's generator."""
    import numpy as np
    import torch
    from torch import nn

    model = nn.Sequential(
        nn.Linear(2, WIDTH), nn.ReLU(), nn.Linear(WIDTH, WIDTH), nn.ReLU(), nn.Linear(WIDTH, 2)
    ).double()
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                bound = 1 / np.sqrt(layer.in_features)
                layer.weight.copy_(
                    torch.from_numpy(rng.uniform(-bound, bound, tuple(layer.weight.shape)))
                )
                layer.bias.copy_(
                    torch.from_numpy(rng.uniform(-bound, bound, tuple(layer.bias.shape)))
                )
    return model


@dataclass
class Results:
    """Everything the landscape figures show, computed once."""

    loss: Any
    init: Any
    paths: list[Any]
    pca: Any
    pca_projections: list[Any]
    pca_surface: Any
    random_planes: list[Any]
    random_projections: list[Any]
    random_surfaces: list[Any]
    three: Any
    three_projections: list[Any]
    three_surface: Any
    sharpness: list[Any]
    centre: list[Any]
    interpolations: list[Any]


def train_paths(seed: int = SEED) -> tuple[Any, Any, list[Any]]:
    """``(loss, init, paths)``: the data, the network initialized by ``seed``, and the three optimizers' recorded
    paths on minibatches drawn by ``seed`` (the gallery uses seed 0; the tests check its claims over others)."""
    import torch
    from torch import nn

    from optviz import landscape as ol

    X, y = ol.two_moons(SAMPLES, noise=0.1, seed=SEED)
    model = make_model(seed)
    loss = ol.ModelLoss(
        model, nn.functional.cross_entropy, torch.from_numpy(X), torch.from_numpy(y)
    )
    init = loss.theta()
    paths = []
    for _, name, kwargs in OPTIMIZERS:
        loss.load(init)
        optimizer = getattr(torch.optim, name)(model.parameters(), **kwargs)
        paths.append(
            ol.train(loss, optimizer, steps=STEPS, batch_size=BATCH, seed=seed, dtype=torch.float64)
        )
    loss.load(init)
    return loss, init, paths


def compute(seed: int = SEED) -> Results:
    """Train the three optimizers and compute every plane, grid, curvature and interpolation (deterministic)."""
    from optviz import landscape as ol

    with reproducible():
        loss, init, paths = train_paths(seed)

        pca = ol.pca_plane(paths, origin="start")
        pca_projections = [pca.project(p, loss) for p in paths]
        pca_surface = ol.landscape(loss, pca, bounds=ol.bounds_around(pca_projections), n=GRID)

        random_planes = [ol.random_plane(loss, origin=p.end, seed=seed) for p in paths]
        random_projections = [
            plane.project(p, loss) for plane, p in zip(random_planes, paths, strict=True)
        ]
        random_surfaces = [
            ol.landscape(loss, plane, bounds=((-1, 1), (-1, 1)), n=GRID) for plane in random_planes
        ]

        three = ol.plane_through(init, paths[0].end, paths[2].end, names=("init", "SGD", "Adam"))
        three_projections = [three.project(p, loss) for p in paths]
        three_surface = ol.landscape(
            loss, three, bounds=ol.bounds_around(three_projections), n=GRID
        )

        sharpness = [
            ol.sharpness_along(loss, p, every=SHARPNESS_EVERY, iterations=LANCZOS_ITERATIONS)
            for p in paths
        ]
        # The random planes' centres (the solutions), converged further than the sharpness curves need: their
        # eigenvalues are printed in the titles.
        centre = [ol.extreme_eigenvalues(loss, p.end, iterations=150, tol=1e-10) for p in paths]
        interpolations = [ol.interpolate_path(loss, p) for p in paths]
    return Results(
        loss, init, paths, pca, pca_projections, pca_surface, random_planes, random_projections, random_surfaces,
        three, three_projections, three_surface, sharpness, centre, interpolations,
    )  # fmt: skip


# -- figures -------------------------------------------------------------------------------------------------
def scenes(
    r: Results, *, size: Any = None, dpi: Any = None, pyplot: bool = False
) -> dict[str, Any]:
    """The figures' scenes by stem (at their last frame)."""
    from optviz import figures

    def residual_args(projections: list[Any]) -> dict[str, Any]:
        return {
            "residuals": [p.residual for p in projections],
            "steps": [p.steps for p in projections],
        }

    kw = {"size": size, "dpi": dpi, "pyplot": pyplot}
    return {
        "landscape_pca": figures.landscape_figure(
            r.pca_surface, [p.trajectory() for p in r.pca_projections], **residual_args(r.pca_projections),
            title="A real network's loss landscape, three optimizers from one initialization", **kw,
        ),
        "landscape_filter_normalized": figures.landscape_panels_figure(
            r.random_surfaces, [p.trajectory() for p in r.random_projections],
            **residual_args(r.random_projections),
            titles=centre_titles(r), title=ENTRIES[1].title, **kw,
        ),
        "landscape_three_models": figures.landscape_figure(
            r.three_surface, [p.trajectory() for p in r.three_projections], **residual_args(r.three_projections),
            title=ENTRIES[2].title, **kw,
        ),
        "landscape_sharpness": figures.sharpness_figure(r.sharpness, title=ENTRIES[3].title, **kw),
        "landscape_interpolation": figures.interpolation_figure(
            r.interpolations, title="Linear interpolation from the initialization to each solution", **kw,
        ),
    }  # fmt: skip


def centre_titles(r: Results) -> list[str]:
    """Each random plane's title: whose solution is at its centre, and the Hessian's extreme eigenvalues there."""
    from optviz.plot.landscape import signed

    return [
        f"{p.label}'s solution\n"
        + rf"$\lambda_{{max}}$ = {signed(f'{e.largest:.2f}')}, "
        + rf"$\lambda_{{min}}$ = {signed(f'{e.smallest:.4f}')}"
        for p, e in zip(r.paths, r.centre, strict=True)
    ]


def render(
    out_dir: str | Path = "gallery", *, results: Results | None = None, quiet: bool = True
) -> list[Path]:
    """Compute (unless ``results`` are given) and write every landscape figure into ``out_dir``.

    The figures are not managed by pyplot, so this works under any matplotlib backend and leaves it as it is."""
    from optviz.anim import write_scene_gif
    from optviz.output import savefig

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    r = results or compute()
    written = []
    for stem, scene in scenes(r).items():
        written.append(savefig(scene.fig, out / f"{stem}.png"))
    gif_scene = scenes_for_gif(r)
    written.append(
        write_scene_gif(
            gif_scene, out / "landscape_pca.gif", fps=GIF_FPS, max_frames=GIF_FRAMES, quiet=quiet
        )
    )
    return written


def scenes_for_gif(r: Results, *, size: Any = None, dpi: float = 100) -> Any:
    """The PCA figure as the GIF shows it: the slide's size at 100 dpi."""
    from optviz import figures

    return figures.landscape_figure(
        r.pca_surface, [p.trajectory() for p in r.pca_projections],
        residuals=[p.residual for p in r.pca_projections], steps=[p.steps for p in r.pca_projections],
        title="Training on the loss landscape (PCA plane of the three paths)", size=size, dpi=dpi, pyplot=False,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m optviz.landscape.gallery",
        description="Render the landscape figures of the gallery.",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("gallery"),
        help="output folder (default: gallery)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    from optviz.landscape import require_torch

    try:
        require_torch()
    except ImportError as err:
        print(err, file=sys.stderr)
        return 2
    for path in render(args.output, quiet=args.quiet):
        if not args.quiet:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
