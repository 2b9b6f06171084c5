"""Imports every module that registers built-in surfaces."""

from optviz.surfaces import classic, learning, lecture, quadratic  # noqa: F401
