"""Shared fixtures and the two lanes. The gallery is computed and rendered once per test session and shared by
the tests that check it: the pixel baselines (tests/test_gallery_baselines.py, which also hold the small-size
smoke checks), the claims and the full-size reproducibility test (tests/test_gallery_reproducible.py).

The default run is the fast lane: pyproject's ``addopts`` holds ``-m "not slow"``. A test is marked ``slow``
when it takes more than about 2 CPU seconds (the gallery's renders and claims, the explorers' every-surface
sweeps, the browser pages, the hostile corpus's renders); ``-m slow`` runs those, ``-m "slow or not slow"``
everything, as CI does in two steps.

Loads the optviz pytest plugin when it is not installed (PYTHONPATH runs); harmless when it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _browser import launch
from _gallery import Gallery

pytest_plugins = ["optviz.testing.plugin"]


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    """Every scenario computed (``gallery.computed(path)``) and rendered full size (``gallery.rendered(path)``)
    at most once per session, on first use: ``-m "not slow"`` never renders the full-size gallery."""
    return Gallery(folder=tmp_path_factory.mktemp("gallery"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (per xdist process), started on first use by the page
    tests (it skips them with the reason when no browser is found)."""
    yield from launch()


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist's ``--dist loadgroup`` (the README's test command), each test file runs whole in one
    process (its module fixtures computed once), and every test that uses the ``gallery`` fixture runs in one
    process too, so the gallery is computed, drawn and rendered once per run. The tests of the gallery (its
    scenarios computed, drawn and rendered) and the tests that open Chromium are the slow lane's."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        of_gallery = "gallery" in fixtures
        item.add_marker(pytest.mark.xdist_group("gallery" if of_gallery else item.path.name))
        if of_gallery or "browser" in fixtures:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say, at the end of a default run, that the slow lane was left out and how to run it. (Under xdist the
    workers collect, so the count is known only in a run without it.)"""
    if config.getoption("markexpr") != "not slow":
        return
    left_out = len(terminalreporter.stats.get("deselected", ()))
    terminalreporter.write_line(
        f"the fast lane: {left_out or 'the'} tests marked slow were left out; "
        '-m slow runs them, -m "slow or not slow" runs everything'
    )
