"""pytest plugin for image regression tests, registered through the ``pytest11`` entry point.

Fixtures:

- ``optviz_image``: ``optviz_image.check(fig)`` compares a Figure, Animation, .png/.gif path, image
  array or frames array with its baseline, ``<test dir>/baseline/<test module>/<test name>.png`` by
  default. The test body runs inside ``optviz.testing.deterministic()`` (it requests
  ``optviz_deterministic``), so figures made in the test are reproducible; the figures it opened are
  closed afterwards.
- ``optviz_deterministic``: the same deterministic rendering without image checks.

Marker ``@pytest.mark.optviz(text=, scale=, rc=, tol=, max_diff=, max_pixels=, baseline_dir=)`` sets
options for a test, class or module. Options: ``--optviz-update`` writes missing baselines and
refreshes failing ones; ``--optviz-results=DIR`` keeps expected/actual/diff files of failures with
``DIR/index.html``. Ini options: ``optviz_baseline_dir`` (one baseline folder for the project,
relative to the rootdir) and ``optviz_text``.

pytest imports this module at start-up for every run, so it imports only the standard library and
pytest; the work happens in ``optviz.testing._checker``, imported when a test first uses a fixture.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_SETTINGS = pytest.StashKey[Any]()
# The names this module is registered under: the entry point's, and its own (-p, pytest_plugins).
_NAMES = ("optviz", __name__)


def pytest_plugin_registered(plugin: Any, manager: Any) -> None:
    # Loaded through the entry point and again through `-p optviz.testing.plugin` or a conftest's
    # pytest_plugins, pluggy would refuse the second registration of this module with a ValueError.
    # Blocking the other name makes the second request a no-op, in either order.
    if plugin is not sys.modules[__name__]:
        return
    name = manager.get_name(plugin)
    for other in _NAMES:
        if other != name and manager.get_plugin(other) is None:
            manager.set_blocked(other)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("optviz", "optviz image regression tests")
    group.addoption(
        "--optviz-update",
        action="store_true",
        default=False,
        help="write missing image baselines and refresh failing ones (the tests then pass)",
    )
    group.addoption(
        "--optviz-results",
        metavar="DIR",
        default=None,
        help="keep expected, actual and diff images of failed checks in DIR, with DIR/index.html",
    )
    parser.addini(
        "optviz_baseline_dir",
        "one folder for all image baselines, relative to the rootdir"
        " (default: baseline/ beside each test file)",
        default="",
    )
    parser.addini(
        "optviz_text",
        "text in image tests: placeholders (default), real or none",
        default="placeholders",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "optviz(text=, scale=, rc=, tol=, max_diff=, max_pixels=, baseline_dir=): options of the"
        " optviz_image and optviz_deterministic fixtures",
    )
    # Imported here, not at the top: dataclasses only, no numpy or matplotlib yet.
    from optviz.testing._settings import Settings

    results = config.getoption("optviz_results")
    baseline_dir = config.getini("optviz_baseline_dir")
    invocation = Path(config.invocation_params.dir)
    config.stash[_SETTINGS] = Settings(
        update=config.getoption("optviz_update"),
        results_dir=(invocation / results).resolve() if results else None,
        baseline_dir=(config.rootpath / baseline_dir).resolve() if baseline_dir else None,
        text=config.getini("optviz_text"),
        rootpath=config.rootpath,
        invocation_dir=invocation,
        plugin_args=_plugin_args(config.invocation_params.args),
    )


def _plugin_args(args: Any) -> tuple[str, ...]:
    """The ``-p`` options naming this plugin, so that suggested commands load it the same way."""
    found: list[str] = []
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "-p" and i + 1 < len(args) and "optviz" in args[i + 1]:
            found += ["-p", args[i + 1]]
        elif arg.startswith("-p") and "optviz" in arg[2:] and arg != "-p":
            found.append(arg)
    return tuple(found)


@pytest.fixture
def optviz_deterministic(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test in ``optviz.testing.deterministic()`` with the ``optviz`` marker's options."""
    from optviz.testing._checker import deterministic_test

    with deterministic_test(request.node, request.config.stash[_SETTINGS]):
        yield


@pytest.fixture
def optviz_image(request: pytest.FixtureRequest, optviz_deterministic: None, tmp_path: Path) -> Any:
    """``optviz_image.check(obj, name=None, *, tol=...)`` compares ``obj`` with its baseline."""
    from optviz.testing._checker import ImageChecker

    return ImageChecker(request.node, request.config.stash[_SETTINGS], tmp_path)


def pytest_sessionfinish(session: pytest.Session) -> None:
    settings = session.config.stash.get(_SETTINGS, None)
    if settings is not None and settings.results_dir is not None:
        from optviz.testing._report import write_index

        write_index(settings.results_dir, settings.records)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    settings = config.stash.get(_SETTINGS, None)
    # All passed: nothing to say, as for any passing test.
    if settings is None or all(record.status == "passed" for record in settings.records):
        return
    by_status: dict[str, list[Any]] = {}
    for record in settings.records:
        by_status.setdefault(record.status, []).append(record)
    counts = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_status.items()))
    terminalreporter.section("optviz image checks")
    terminalreporter.write_line(f"optviz: {len(settings.records)} image checks: {counts}")
    for status in ("wrote", "refreshed"):
        for record in by_status.get(status, []):
            terminalreporter.write_line(f"  {status} baseline {record.baseline} ({record.nodeid})")
    if settings.results_dir is not None:
        terminalreporter.write_line(f"  results: {settings.results_dir / 'index.html'}")
