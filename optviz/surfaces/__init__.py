"""Analytic 2-D test surfaces: value, gradient and Hessian as a set, broadcast over points of shape (..., 2)."""

from optviz.surfaces.base import FiniteSumSurface, Surface, as_points
from optviz.surfaces.registry import (
    register_surface,
    surface,
    surface_description,
    surface_names,
    surface_parameters,
)

__all__ = [
    "FiniteSumSurface",
    "Surface",
    "as_points",
    "register_surface",
    "surface",
    "surface_description",
    "surface_names",
    "surface_parameters",
]
