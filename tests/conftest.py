"""Shared fixtures. The gallery is computed and rendered once per test session and shared by the tests that
check it: the pixel baselines (tests/test_gallery_baselines.py, which also hold the small-size smoke checks)
and the full-size reproducibility test (tests/test_gallery_reproducible.py, marked slow).

Loads the optviz pytest plugin when it is not installed (PYTHONPATH runs); harmless when it is.
"""

from __future__ import annotations

import pytest
from _gallery import Gallery

pytest_plugins = ["optviz.testing.plugin"]


@pytest.fixture(scope="session")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Gallery:
    """Every scenario computed (``gallery.computed(path)``) and rendered full size (``gallery.rendered(path)``)
    at most once per session, on first use: ``-m "not slow"`` never renders the full-size gallery."""
    return Gallery(folder=tmp_path_factory.mktemp("gallery"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist's ``--dist loadgroup`` (the README's test command), each test file runs whole in one
    process (its module fixtures computed once), and every test that uses the ``gallery`` fixture runs in one
    process too, so the gallery is computed, drawn and rendered once per run."""
    for item in items:
        group = "gallery" if "gallery" in getattr(item, "fixturenames", ()) else item.path.name
        item.add_marker(pytest.mark.xdist_group(group))
