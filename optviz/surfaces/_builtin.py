"""Imports every module that registers built-in surfaces."""

from optviz.surfaces import classic, lecture, quadratic  # noqa: F401
