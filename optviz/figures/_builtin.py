"""Imports every module that registers built-in figure kinds."""

from optviz.figures import basic, theory  # noqa: F401
