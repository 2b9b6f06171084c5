"""Imports every module that registers built-in figure kinds."""

from optviz.figures import basic, updates  # noqa: F401
