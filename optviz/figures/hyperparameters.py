"""The lecture's hyperparameter figures (kinds ``regularization_strength`` and ``cross_validation``): low
against high lambda for a linear SVM and softmax, and k of kNN chosen by 5-fold cross-validation.

They draw what their studies computed (:func:`optviz.hyperparameters.regularization_sweep`,
:func:`optviz.hyperparameters.cross_validate_knn`), handed over as ``data.study``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import limits, style
from optviz._validate import ParameterError, integer, nonnegative, positive
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.layout import figure_legend
from optviz.figures.options import Options, numbers, option
from optviz.plot.common import fontsize, linewidth
from optviz.plot.placement import around, place_text

# Classes and the two losses are series, not rules (design section 10): the series palette.
CLASS_COLORS = (style.SERIES[0], style.SERIES[1])
LOSS_COLORS = {"svm": style.SERIES[2], "softmax": style.SERIES[3]}
LOSS_NAMES = {"svm": "linear SVM", "softmax": "softmax"}


def _count(minimum: int, maximum: int) -> Any:
    return lambda field, value: integer(field, value, minimum=minimum, maximum=maximum)


def _bounded(check: Any, bound: float) -> Any:
    """``check``, then at most ``bound`` (what the figure computes from a larger value overflows or means nothing)."""

    def bounded(field: str, value: Any) -> float:
        value = check(field, value)
        if value > bound:
            raise ParameterError(field, f"must be at most {bound:g}, got {value!r}")
        return value

    return bounded


def _lam(field: str, value: Any) -> float:
    """A lambda the fits stay finite at, 10 times either way: within 10/MAX_LAMBDA and MAX_LAMBDA/10."""
    value = positive(field, value)
    low, high = 10 / limits.MAX_LAMBDA, limits.MAX_LAMBDA / 10
    if not low <= value <= high:
        raise ParameterError(field, f"must be between {low:g} and {high:g}, got {value!r}")
    return value


def _washed(color: str, amount: float = 0.85) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return tuple(amount + (1 - amount) * c for c in to_rgb(color))  # type: ignore[return-value]


def _points(ax: Any, X: np.ndarray, labels: np.ndarray, values: tuple[Any, Any], lw: float) -> None:
    for value, color, name in zip(values, CLASS_COLORS, ("class A", "class B"), strict=True):
        members = X[labels == value]
        ax.plot(members[:, 0], members[:, 1], linestyle="none", marker="o", markersize=3.2 * lw, color=color,
                markeredgecolor="white", markeredgewidth=0.4 * lw, zorder=3, label=name)  # fmt: skip


# -- low or high regularization --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegularizationStrengthOptions(Options):
    low: float = option(
        0.01, _lam, "the low lambda drawn (the curves reach 10 times further each way)"
    )
    high: float = option(1.0, _lam, "the high lambda drawn")
    n_samples: int = option(40, _count(4, 400), "points of the two classes")
    seed: int = option(0, _count(0, 2**32 - 1), "the seed the points are drawn from")
    separation: float = option(
        2.5,
        _bounded(nonnegative, 100.0),
        "the distance between the two classes' centres (spread 0.8)",
    )

    def validate(self) -> None:
        if not self.low < self.high:
            raise ParameterError(
                "high", f"must be larger than low ({self.low:g}), got {self.high:g}"
            )


def _boundary(ax: Any, fit: Any, bounds: Any, lw: float, *, support: np.ndarray | None) -> None:
    """The decision line ``w . x - b = 0`` and the margin lines ``= +-1``, clipped to ``bounds``."""
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    values = fit.decision(np.stack([gx, gy], axis=-1))
    side = np.where(values > 0, 1, 0)
    colors = np.array([_washed(c) for c in CLASS_COLORS])
    ax.imshow(colors[side], extent=(x0, x1, y0, y1), origin="lower", interpolation="nearest", zorder=0,
              aspect="auto")  # fmt: skip
    ax.contour(gx, gy, values, levels=[0.0], colors="black", linewidths=1.1 * lw, zorder=2)
    ax.contour(gx, gy, values, levels=[-1.0, 1.0], colors="0.25", linewidths=0.8 * lw, linestyles="--",
               zorder=2)  # fmt: skip
    if support is not None and len(support):
        ax.plot(support[:, 0], support[:, 1], linestyle="none", marker="o", markersize=5.2 * lw,
                markerfacecolor="none", markeredgecolor="black", markeredgewidth=0.6 * lw, zorder=4,
                label="on or inside the margin")  # fmt: skip


@register_kind(
    "regularization_strength",
    "Low or high regularization? A linear SVM and softmax fitted at a low and a high lambda on the same 2-D "
    "data: decision boundaries and margins (2/|w| apart), and the training loss against lambda.",
    options=RegularizationStrengthOptions,
    surface="none",
    runs="none",
    animated=False,
    study="optviz.hyperparameters.regularization_sweep",
)
def _regularization_strength(fig: Any, data: PanelData, scene: Scene) -> None:
    st = data.study
    lw, size = linewidth(), fontsize()
    axes = fig.subplot_mosaic(
        [["svm0", "svm1", "loss"], ["softmax0", "softmax1", "margin"]], width_ratios=[1, 1, 1.25]
    )
    lo, hi = st.X.min(axis=0), st.X.max(axis=0)
    pad = 0.12 * (hi - lo)
    bounds = ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1]))
    for loss in ("svm", "softmax"):
        for k, fit in enumerate(st.shown[loss]):
            ax = axes[f"{loss}{k}"]
            u = st.t * fit.decision(st.X)
            support = st.X[u <= 1 + 1e-9] if loss == "svm" else None
            _boundary(ax, fit, bounds, lw, support=support)
            _points(ax, st.X, st.t, (-1.0, 1.0), lw)
            ax.set_xlim(*bounds[0])
            ax.set_ylim(*bounds[1])
            ax.set_aspect("equal", adjustable="box")
            ax.set_title(f"{LOSS_NAMES[loss]}, λ = {fit.lam:g}", fontsize=size)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel(
                f"2/‖w‖ = {fit.margin:.2f}, train loss {fit.data_loss:.3f}", fontsize=0.9 * size
            )
    # Right: the training (data) loss and the margin against lambda, with the two lambdas drawn marked.
    for loss in ("svm", "softmax"):
        color = LOSS_COLORS[loss]
        axes["loss"].semilogx(st.lams, st.curve(loss), color=color, linewidth=lw, marker="o",
                              markersize=1.6 * lw, label=f"{LOSS_NAMES[loss]}")  # fmt: skip
        axes["margin"].loglog(st.lams, st.curve(loss, "margin"), color=color, linewidth=lw, marker="o",
                              markersize=1.6 * lw)  # fmt: skip
    for name in ("loss", "margin"):
        ax = axes[name]
        for k, fit in enumerate(st.shown["svm"]):
            ax.axvline(fit.lam, color="0.55", linewidth=0.8 * lw, linestyle=":", zorder=1,
                       label="the λ drawn at left" if k == 0 else "_lam")  # fmt: skip
        ax.grid(True, color="0.92")
    axes["loss"].set_ylabel("training data loss")
    axes["loss"].set_title("higher λ: higher training loss", fontsize=size)
    axes["margin"].set_ylabel("margin 2/‖w‖")
    axes["margin"].set_xlabel("regularization strength λ")
    axes["margin"].set_title("… and a wider margin", fontsize=size)
    axes["loss"].tick_params(labelbottom=False)
    handles, labels = [], []
    for ax in (axes["svm0"], axes["loss"]):
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    handles.append(axes["svm0"].plot([], [], color="black", linewidth=1.1 * lw)[0])
    labels.append("boundary w·x − b = 0")
    handles.append(axes["svm0"].plot([], [], color="0.25", linewidth=0.8 * lw, linestyle="--")[0])
    labels.append("margins w·x − b = ±1")
    figure_legend(fig, handles, labels, loc="outside lower center", ncols=4)
    scene.results["sweep"] = st


# -- cross-validation -----------------------------------------------------------------------------------------


def _ks(field: str, value: Any) -> tuple[int, ...]:
    ks = numbers(minimum=1, at_least=2, at_most=30)(field, value)
    for j, k in enumerate(ks):
        if k != int(k):
            raise ParameterError(
                f"{field}[{j}]", f"must be a whole number of neighbours, got {k!r}"
            )
    if list(ks) != sorted(set(ks)):
        raise ParameterError(field, "must be increasing values of k, each once")
    return tuple(int(k) for k in ks)


@dataclass(frozen=True)
class CrossValidationOptions(Options):
    ks: tuple[int, ...] = option(
        (1, 3, 5, 8, 10, 12, 15, 20, 30, 50, 100),
        _ks,
        "the values of k tried (the lecture's k_choices)",
    )
    folds: int = option(5, _count(2, 20), "the number of folds")
    n_samples: int = option(500, _count(20, 2000), "points of the two moons")
    noise: float = option(0.3, _bounded(nonnegative, 10.0), "the moons' noise (their radius is 1)")
    seed: int = option(0, _count(0, 2**32 - 1), "the seed the points are drawn from")

    def validate(self) -> None:
        train = self.n_samples - -(-self.n_samples // self.folds)
        if self.ks[-1] > train:
            raise ParameterError(
                "ks", f"k = {self.ks[-1]} is more than the {train} training points of a fold"
            )


@register_kind(
    "cross_validation",
    "The k of k-nearest neighbours chosen by k-fold cross-validation: each fold's accuracy a point, the line "
    "through the means, bars of one standard deviation, and the k the folds choose.",
    options=CrossValidationOptions,
    surface="none",
    runs="none",
    animated=False,
    study="optviz.hyperparameters.cross_validate_knn",
)
def _cross_validation(fig: Any, data: PanelData, scene: Scene) -> None:
    cv = data.study
    lw, size = linewidth(), fontsize()
    data_ax, ax = fig.subplots(1, 2, width_ratios=[1, 1.5])
    gx, gy = cv.grid
    colors = np.array([_washed(c) for c in CLASS_COLORS])
    data_ax.imshow(colors[cv.region], extent=(gx[0], gx[-1], gy[0], gy[-1]), origin="lower",
                   interpolation="nearest", zorder=0, aspect="auto")  # fmt: skip
    _points(data_ax, cv.X, cv.y, (0, 1), 0.8 * lw)
    data_ax.set_xlim(gx[0], gx[-1])
    data_ax.set_ylim(gy[0], gy[-1])
    data_ax.set_aspect("equal", adjustable="box")
    data_ax.set_xticks([])
    data_ax.set_yticks([])
    data_ax.set_title(f"{len(cv.y)} points; regions of kNN, k = {cv.best}", fontsize=size)

    # The choices evenly spaced (the lecture's k_choices are a list of candidates, not a scale).
    ks = np.arange(len(cv.ks), dtype=float)
    for f in range(cv.folds):
        ax.plot(ks, cv.accuracy[:, f], linestyle="none", marker="o", markersize=1.9 * lw, color="0.45",
                alpha=0.8, zorder=3, label="one fold's accuracy" if f == 0 else "_fold")  # fmt: skip
    ax.errorbar(ks, cv.mean, yerr=cv.std, color=style.SERIES[0], linewidth=lw, capsize=2.5 * lw,
                elinewidth=0.9 * lw, zorder=4, label="mean over the folds ± one standard deviation")  # fmt: skip
    i = int(np.argmax(cv.mean))
    ax.plot([ks[i]], [cv.mean[i]], marker="*", markersize=6 * lw, color=style.SERIES[1], linestyle="none",
            zorder=5, label=f"the folds choose k = {cv.best}: the best mean accuracy, {cv.mean[i]:.3f}")  # fmt: skip
    ax.set_xticks(ks, [str(k) for k in cv.ks])
    ax.set_xlim(ks[0] - 0.5, ks[-1] + 0.5)
    ax.set_xlabel("k (nearest neighbours), the values tried")
    ax.set_ylabel("cross-validation accuracy")
    ax.set_title("each point: one fold's outcome; the line: the mean; bars: ±1 std", fontsize=size)
    ax.grid(True, color="0.92")
    place_text(ax, f"k = {cv.best}", (ks[i], cv.mean[i]), spots=around(0.8 * size, prefer="above"),
               fontsize=size, color=style.SERIES[1])  # fmt: skip
    handles, labels = ax.get_legend_handles_labels()
    figure_legend(fig, handles, labels, loc="outside lower center", ncols=3)
    scene.results["cv"] = cv
