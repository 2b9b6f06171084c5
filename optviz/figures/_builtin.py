"""Imports every module that registers built-in figure kinds."""

from optviz.figures import basic, classifier, lecture, theory, updates  # noqa: F401
