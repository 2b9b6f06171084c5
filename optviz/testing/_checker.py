"""What the ``optviz_image`` fixture does: name, render, compare against (or write) a baseline,
report.

Kept apart from ``plugin.py`` so that the plugin module, which pytest imports at start-up, stays
free of numpy and matplotlib; this module is imported when a test first asks for the fixture.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from optviz import _validate
from optviz._io import atomic_path
from optviz.testing import _render
from optviz.testing._deterministic import deterministic
from optviz.testing._settings import Record, Settings
from optviz.testing.compare import ImageFileError

DETERMINISTIC_OPTIONS = ("text", "scale", "rc")
COMPARE_OPTIONS = ("tol", "max_diff", "max_pixels")
MARKER_OPTIONS = (*DETERMINISTIC_OPTIONS, *COMPARE_OPTIONS, "baseline_dir")


def marker_options(node: Any) -> dict[str, Any]:
    """The ``optviz`` markers' options; the closest (function, then class, then module) wins."""
    options: dict[str, Any] = {}
    for marker in reversed(list(node.iter_markers("optviz"))):
        if marker.args:
            raise _validate.ParameterError("optviz marker", "takes keyword arguments only")
        for key in marker.kwargs:
            if key not in MARKER_OPTIONS:
                raise _validate.ParameterError(
                    "optviz marker",
                    _validate.unknown_name_message(key, MARKER_OPTIONS, what="option"),
                )
        options.update(marker.kwargs)
    return options


@contextlib.contextmanager
def deterministic_test(node: Any, settings: Settings) -> Iterator[None]:
    """``deterministic()`` with the marker's text/scale/rc; closes the figures the test opened."""
    options = marker_options(node)
    kwargs = {key: options[key] for key in DETERMINISTIC_OPTIONS if key in options}
    kwargs.setdefault("text", settings.text)
    before = _figure_numbers()
    with deterministic(**kwargs):
        try:
            yield
        finally:
            pyplot = sys.modules.get("matplotlib.pyplot")
            for number in _figure_numbers() - before:
                pyplot.close(number)  # type: ignore[union-attr]


def _figure_numbers() -> set[int]:
    pyplot = sys.modules.get("matplotlib.pyplot")
    return set(pyplot.get_fignums()) if pyplot is not None else set()


class ImageChecker:
    """The ``optviz_image`` fixture: ``check(obj)`` compares ``obj`` with its baseline."""

    def __init__(self, node: Any, settings: Settings, work_dir: Path) -> None:
        self._node = node
        self._settings = settings
        self._work_dir = work_dir
        self._options = marker_options(node)
        self._unnamed = 0
        self._names: set[str] = set()

    def check(
        self,
        obj: Any,
        name: str | None = None,
        *,
        baseline_dir: str | os.PathLike[str] | None = None,
        durations: Any = None,
        fps: float | None = None,
        legible: bool = False,
        **compare_kwargs: Any,
    ) -> Any:
        """Compare ``obj`` with its baseline; fail the test on a difference or a missing baseline.

        ``obj`` is a Figure, an Animation, a .png/.gif path, an image or a frames array (with
        ``durations`` in ms; an Animation's frame time comes from its interval unless ``fps`` is
        given). ``name`` defaults to the test's name (``-2``, ``-3``... for further checks in the
        same test); the baseline is ``<baseline dir>/<test module>/<name>.png`` (or ``.gif``).
        ``compare_kwargs`` are ``tol``, ``max_diff`` and ``max_pixels`` of
        :func:`~optviz.testing.compare_image`. With ``--optviz-update`` the baseline is written
        instead. ``legible=True`` (a Figure only) also fails the test on any finding of
        :func:`~optviz.testing.check_legibility` (text over data or text, clipped text, hidden series, blank
        bands), listed with where each is. Returns the comparison result.
        """
        for key in compare_kwargs:
            if key not in COMPARE_OPTIONS:
                raise _validate.ParameterError(
                    "check", _validate.unknown_name_message(key, COMPARE_OPTIONS, what="option")
                )
        stem = self._stem(name)
        if legible and not _is_figure(obj):
            raise _validate.ParameterError(
                "legible", f"is checked on a matplotlib Figure, got {type(obj).__name__}"
            )
        actual = _render.materialize(obj, self._work_dir, stem, durations=durations, fps=fps)
        if legible:
            self._check_legible(obj, actual)
        baseline = self._baseline_folder(baseline_dir) / f"{stem}{actual.suffix}"
        options = {key: self._options[key] for key in COMPARE_OPTIONS if key in self._options}
        options.update(compare_kwargs)
        if self._settings.update:
            return self._update(actual, baseline, options)
        if not baseline.is_file():
            self._fail(
                "missing", actual, baseline, f"no baseline {self._show(baseline)} yet", "create it"
            )
        try:
            result = _compare(actual, baseline, options)
        except ImageFileError as err:  # an empty, corrupt, misnamed or oversized baseline
            self._fail(
                "failed",
                actual,
                baseline,
                f"cannot compare with {self._show(baseline)}: {err}",
                "replace the baseline",
                keep_expected=False,
            )
        if not result:
            self._fail(
                "failed",
                actual,
                baseline,
                f"compared with {self._show(baseline)}: {result}",
                "if the change is intended, refresh the baseline",
                result.diff_path,
            )
        self._record(Record(self._node.nodeid, "passed", baseline, str(result)))
        return result

    def _check_legible(self, fig: Any, actual: Path) -> None:
        """Fail the test when the figure has legibility findings (after it was drawn for its image)."""
        from optviz.testing.legibility import check_legibility

        findings = check_legibility(fig)
        if not findings:
            return
        what = f"{len(findings)} legibility finding{'s' if len(findings) > 1 else ''}"
        lines = [f"{what}:", *(f"  {f}" for f in findings)]
        record = Record(self._node.nodeid, "illegible", actual, "\n".join(lines))
        if self._settings.results_dir is not None:
            record.files = _keep(self._settings.results_dir, self._node, actual, actual, None)
            record.files.pop("expected", None)
        self._record(record)
        pytest.fail(
            "\n".join(
                [f"optviz: {self._node.nodeid}: {lines[0]}", *lines[1:], f"  image: {actual}"]
            ),
            pytrace=False,
        )

    def _stem(self, name: str | None) -> str:
        if name is None:
            self._unnamed += 1
            test = self._node.nodeid.split("::", 1)[-1]
            stem = _safe_name(test) + (f"-{self._unnamed}" if self._unnamed > 1 else "")
        else:
            stem = re.sub(r"\.(png|gif)$", "", str(name), flags=re.IGNORECASE)
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", stem):
                raise _validate.ParameterError(
                    "name", f"must be letters, digits, '_', '.' and '-' (a file name), got {name!r}"
                )
        if stem in self._names:
            raise _validate.ParameterError(
                "name", f"{stem!r} is already used by this test: pass another name"
            )
        self._names.add(stem)
        return stem

    def _baseline_folder(self, baseline_dir: str | os.PathLike[str] | None) -> Path:
        test_file = Path(self._node.path)
        chosen = baseline_dir if baseline_dir is not None else self._options.get("baseline_dir")
        if chosen is not None:
            # Relative to the test file; an absolute path stays as it is.
            root = test_file.parent / chosen
        elif self._settings.baseline_dir is not None:
            # One folder for the project: mirror the test folder, so module names cannot collide.
            with contextlib.suppress(ValueError):
                return (
                    self._settings.baseline_dir
                    / test_file.parent.relative_to(self._settings.rootpath)
                    / test_file.stem
                )
            root = self._settings.baseline_dir
        else:
            root = test_file.parent / "baseline"
        return root / test_file.stem

    def _update(self, actual: Path, baseline: Path, options: dict[str, Any]) -> Any:
        status = "wrote"
        if baseline.is_file():
            try:
                previous = _compare(actual, baseline, options)
            except ImageFileError:  # unreadable: replaced, that is what an update is for
                previous = None
            # Within tolerance: leave the file alone, so that version control shows no churn.
            if previous:
                self._record(Record(self._node.nodeid, "unchanged", baseline, str(previous)))
                return previous
            status = "refreshed"
        baseline.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(baseline) as tmp:
            shutil.copyfile(actual, tmp)
        self._record(
            Record(self._node.nodeid, status, baseline, f"{status} {self._show(baseline)}")
        )
        self._node.user_properties.append(("optviz", f"{status} {baseline}"))
        return _compare(actual, baseline, options)

    def _fail(
        self,
        status: str,
        actual: Path,
        baseline: Path,
        what: str,
        hint: str,
        diff: Path | None = None,
        *,
        keep_expected: bool = True,
    ) -> None:
        record = Record(self._node.nodeid, status, baseline, what)
        lines = [f"optviz: {self._node.nodeid}: {what}", f"  actual: {actual}"]
        if diff is not None:
            lines.append(f"  diff:   {diff}")
        results = self._settings.results_dir
        if results is not None:
            record.files = _keep(
                results, self._node, actual, baseline if keep_expected else None, diff
            )
            lines.append(f"  kept in {results} (see {results / 'index.html'})")
        lines += [f"  {hint} with:", f"    {self._update_command()}"]
        self._record(record)
        pytest.fail("\n".join(lines), pytrace=False)

    def _update_command(self) -> str:
        # The test's path as the user would type it from where pytest was started (its real file: the node
        # id of a test outside the rootdir has no path).
        _, _, rest = self._node.nodeid.partition("::")
        where = os.path.relpath(Path(self._node.path), self._settings.invocation_dir)
        target = where + (f"::{rest}" if rest else "")
        return shlex.join(["pytest", *self._settings.plugin_args, target, "--optviz-update"])

    def _show(self, path: Path) -> str:
        with contextlib.suppress(ValueError):
            return str(path.relative_to(self._settings.invocation_dir))
        return str(path)

    def _record(self, record: Record) -> None:
        self._settings.records.append(record)


def _compare(actual: Path, baseline: Path, options: dict[str, Any]) -> Any:
    if actual.suffix == ".gif":
        from optviz.testing.gif import compare_gif

        return compare_gif(actual, baseline, **options)
    from optviz.testing.compare import compare_image

    return compare_image(actual, baseline, **options)


def _keep(
    results: Path, node: Any, actual: Path, baseline: Path | None, diff: Path | None
) -> dict[str, Path]:
    """Copy expected/actual/diff into ``results/<test file without .py>/``; return them by role.

    The folder mirrors the test file's path (:func:`_test_folder`; a file outside the rootdir: its name).
    """
    folder = results / _test_folder(node)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for role, source in (("expected", baseline), ("actual", actual), ("diff", diff)):
        if source is not None and source.is_file():
            files[role] = Path(
                shutil.copyfile(source, folder / f"{actual.stem}-{role}{source.suffix}")
            )
    return files


def _test_folder(node: Any) -> Path:
    """Where a test's kept files go under the results folder: its file's path without ``.py``, relative to
    the rootdir (``tests/test_figures``), or only its name for a file outside it."""
    path = Path(node.path)
    root = Path(node.config.rootpath)
    try:
        return path.relative_to(root).with_suffix("")
    except ValueError:
        return Path(path.stem or "tests")


def _safe_name(text: str) -> str:
    """A file name from a test id.

    >>> _safe_name("TestPlots::test_contour[quadratic-25]")
    'TestPlots.test_contour-quadratic-25'
    """
    text = text.replace("::", ".").replace("[", "-").replace("]", "")
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).lstrip(".-") or "image"


def _is_figure(obj: Any) -> bool:
    """A matplotlib Figure (matplotlib is imported only if the caller has it loaded already)."""
    module = sys.modules.get("matplotlib.figure")
    return module is not None and isinstance(obj, module.Figure)
