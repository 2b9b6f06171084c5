"""Imports every module that registers built-in surfaces."""

from optviz.surfaces import quadratic  # noqa: F401
