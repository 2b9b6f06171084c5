"""The lecture's interactive linear-classifier demo as a static, slide-ready figure (kind ``linear_classifier_demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optviz import _validate as check
from optviz.classifier import LOSSES, STEP0, LinearClassifier, fmt2, web_demo_dW
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.options import Options, boolean, one_of, option
from optviz.plot.classifier import (
    ascii_ticks,
    gradient_table,
    linear_classifier,
    score_lines,
    score_table,
    title_text,
)
from optviz.plot.common import fontsize, linewidth


@dataclass(frozen=True)
class ClassifierOptions(Options):
    loss: str = option(
        "svm", one_of(*LOSSES, what="loss"), "svm (multiclass SVM, the slide's) or softmax"
    )
    reg: float = option(
        0.1, check.nonnegative, "L2 regularization strength lambda (loss: lambda * sum W^2)"
    )
    parameters: bool = option(True, boolean, "show W and b (with their gradients) above the table")
    update: bool = option(
        True,
        boolean,
        "show one parameter update (W - step * dW): the lines after it, dashed, and its loss",
    )
    step_size: float = option(
        STEP0, check.positive, "the step size of the update (the slide's 0.09976)"
    )


def classifier_from_options(options: ClassifierOptions) -> LinearClassifier:
    """The classifier a figure's options describe (the lecture's parameters, its loss and lambda)."""
    return LinearClassifier(loss=options.loss, reg=options.reg, step_size=options.step_size)


def _listed(values: Any) -> str:
    """The slide's way of writing a gradient column: classes separated by "/", ASCII minus signs."""
    return " / ".join(", ".join(fmt2(v) for v in row) for row in values)


@register_kind(
    "linear_classifier_demo",
    "The lecture's linear-classifier web demo: nine points, class regions, each class's score-zero line, "
    "and the table of scores and losses.",
    options=ClassifierOptions,
    surface="none",
    runs="none",
    animated=False,
)
def _linear_classifier_demo(fig: Any, data: PanelData, scene: Scene) -> None:
    o = data.options
    model = classifier_from_options(o)
    e = model.evaluate()
    size = fontsize()
    if o.parameters:
        axes = fig.subplot_mosaic(
            [["plot", "params"], ["plot", "table"]], width_ratios=[1, 1.1], height_ratios=[1.6, 3]
        )
        # The parameters with the exact gradient of the total loss beside each, then what the slide shows.
        gradient_table(model, ax=axes["params"], e=e, bbox=(0.0, 0.32, 1.0, 0.68))
        demo = np.concatenate([web_demo_dW(model, e), e.db[:, None]], axis=1)
        note = (
            "the web demo's gradient column (the slide's, at its start):",
            _listed(demo),
            "is ∂data/∂W + (λ/2)·W; the exact ∂L/∂W adds 2λ·W",
        )
        for k, line in enumerate(note):
            axes["params"].text(0.0, 0.25 - 0.12 * k, line, transform=axes["params"].transAxes, ha="left",
                                va="top", fontsize=0.8 * size, color="0.25")  # fmt: skip
    else:
        axes = dict(zip(["plot", "table"], fig.subplots(1, 2, width_ratios=[1, 1.1]), strict=True))
    linear_classifier(model, ax=axes["plot"])
    ascii_ticks(axes["plot"])
    axes["plot"].set_title(data.title or title_text(model))
    score_table(model, ax=axes["table"], e=e)
    if o.update:
        after = model.update()
        lw = linewidth()
        score_lines(after, axes["plot"], linestyle="--", linewidth=0.9 * lw, zorder=2.5)
        handles = [
            axes["plot"].plot([], [], color="0.2", linewidth=lw)[0],
            axes["plot"].plot([], [], color="0.2", linewidth=0.9 * lw, linestyle="--")[0],
        ]
        labels = [
            f"now: total loss {fmt2(e.total)}",
            f"after one update W ← W − {o.step_size:g}·grad: total loss {fmt2(after.evaluate().total)}",
        ]
        axes["plot"].legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False,
                            fontsize=0.85 * size)  # fmt: skip
        scene.results["update"] = after
