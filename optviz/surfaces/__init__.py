"""Analytic 2-D test surfaces: value, gradient and Hessian, broadcast over points (..., 2)."""

from optviz.surfaces.base import FiniteSumSurface, Surface, as_points
from optviz.surfaces.callable import CallableSurface, surface_from_callable
from optviz.surfaces.expression import ExpressionSurface, surface_from_expression
from optviz.surfaces.registry import (
    register_surface,
    surface,
    surface_description,
    surface_names,
    surface_parameters,
)
from optviz.surfaces.regularized import Regularized, regularized

__all__ = [
    "CallableSurface",
    "ExpressionSurface",
    "FiniteSumSurface",
    "Regularized",
    "Surface",
    "as_points",
    "register_surface",
    "regularized",
    "surface",
    "surface_description",
    "surface_from_callable",
    "surface_from_expression",
    "surface_names",
    "surface_parameters",
]
