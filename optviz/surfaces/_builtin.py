"""Imports every module that registers built-in surfaces."""

from optviz.surfaces import classic, quadratic  # noqa: F401
