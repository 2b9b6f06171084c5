"""Run the doctests of optviz.testing: pytest's testpaths collect tests/ only, not the package."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "optviz.testing._deterministic",
    "optviz.testing._patches",
    "optviz.testing._placeholders",
    "optviz.testing._checker",
    "optviz.testing.compare",
    "optviz.testing.gif",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
