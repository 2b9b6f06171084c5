"""Imports every module that registers built-in figure kinds."""

from optviz.figures import (  # noqa: F401
    basic,
    classifier,
    dynamics,
    gradients,
    hyperparameters,
    lecture,
    second_order,
    theory,
    training,
    updates,
)
