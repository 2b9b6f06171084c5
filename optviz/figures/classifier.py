"""The lecture's interactive linear-classifier demo as a static, slide-ready figure (kind ``linear_classifier_demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optviz import _validate as check
from optviz.classifier import LOSSES, LinearClassifier
from optviz.figures._kinds import PanelData, register_kind
from optviz.figures._scene import Scene
from optviz.figures.options import Options, boolean, one_of, option
from optviz.plot.classifier import (
    ascii_ticks,
    linear_classifier,
    parameter_table,
    score_table,
    title_text,
)


@dataclass(frozen=True)
class ClassifierOptions(Options):
    loss: str = option(
        "svm", one_of(*LOSSES, what="loss"), "svm (multiclass SVM, the slide's) or softmax"
    )
    reg: float = option(
        0.1, check.nonnegative, "L2 regularization strength lambda (loss: lambda * sum W^2)"
    )
    parameters: bool = option(True, boolean, "show W and b (with their gradients) above the table")


def classifier_from_options(options: ClassifierOptions) -> LinearClassifier:
    """The classifier a figure's options describe (the lecture's parameters, its loss and lambda)."""
    return LinearClassifier(loss=options.loss, reg=options.reg)


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
    model = classifier_from_options(data.options)
    e = model.evaluate()
    if data.options.parameters:
        axes = fig.subplot_mosaic(
            [["plot", "params"], ["plot", "table"]], width_ratios=[1, 1.1], height_ratios=[1, 3]
        )
        parameter_table(model, ax=axes["params"], e=e)
    else:
        axes = dict(zip(["plot", "table"], fig.subplots(1, 2, width_ratios=[1, 1.1]), strict=True))
    linear_classifier(model, ax=axes["plot"])
    ascii_ticks(axes["plot"])
    axes["plot"].set_title(data.title or title_text(model))
    score_table(model, ax=axes["table"], e=e)
