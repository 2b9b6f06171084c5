"""Reading a TOML table key by key, so every error names the file and the full key path.

``Table.take("lr", check.positive)`` reads and validates one key; ``Table.done()`` refuses any key that was not
taken, with a close-match hint. All errors are :class:`ScenarioError`, one line: ``FILE: key.path: what is wrong``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from optviz._text import visible
from optviz._validate import ParameterError, type_name, unknown_name_message

REQUIRED = object()


class ScenarioError(ValueError):
    """A bad scenario: ``str(err)`` is the one-line message ``FILE: key.path: what is wrong``.

    The file name, the key path and the message are shown with control characters escaped
    (:func:`optviz._text.visible`): a key like ``"\\x1b[2J"`` cannot clear the terminal or forge a line.
    """

    def __init__(self, file: str | Path, field: str, message: str) -> None:
        self.file = visible(file)
        self.field = visible(field)
        self.message = visible(message)
        where = f"{self.file}: {field}: " if field else f"{self.file}: "
        super().__init__(where + message)


def join(prefix: str, key: str) -> str:
    if not prefix or not key:
        return prefix or key
    return f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"


class Table:
    """A TOML table being read, with its key path (``panel[2].run[0]``) for error messages."""

    def __init__(self, data: Any, path: str, file: str | Path) -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            raise ScenarioError(file, path, f"must be a table, got {type_name(data)}")
        self.data = data
        self.taken: set[str] = set()

    def error(self, key: str, message: str) -> ScenarioError:
        return ScenarioError(self.file, join(self.path, key), message)

    def has(self, key: str) -> bool:
        return key in self.data

    def take(
        self, key: str, check: Callable[[str, Any], Any] | None = None, default: Any = REQUIRED
    ) -> Any:
        """The value of ``key`` after ``check(field, value)``; ``default`` when absent (required if none)."""
        self.taken.add(key)
        if key not in self.data:
            if default is REQUIRED:
                raise self.error(key, "is required")
            return default
        value = self.data[key]
        if check is None:
            return value
        field = join(self.path, key)
        try:
            return check(field, value)
        except ParameterError as err:
            raise ScenarioError(self.file, err.field or field, err.message) from None

    def table(self, key: str, *, required: bool = False) -> Table | None:
        self.taken.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return None
        return Table(self.data[key], join(self.path, key), self.file)

    def tables(self, key: str) -> list[Table]:
        """An array of tables (``[[run]]``), each with its index in the path: ``run[0]``."""
        self.taken.add(key)
        if key not in self.data:
            return []
        items = self.data[key]
        if not isinstance(items, list):
            raise self.error(key, f"must be an array of tables ([[{key}]]), got {type_name(items)}")
        return [
            Table(item, f"{join(self.path, key)}[{i}]", self.file) for i, item in enumerate(items)
        ]

    def rest(self, exclude: Iterable[str] = ()) -> dict[str, Any]:
        """Every key not taken yet (marks them taken): for parameters passed on by name."""
        skip = set(exclude) | self.taken
        out = {k: v for k, v in self.data.items() if k not in skip}
        self.taken |= set(out)
        return out

    def done(self, valid: Iterable[str] | None = None) -> None:
        """Refuse keys that were never taken, suggesting the closest valid one."""
        for key in self.data:
            if key not in self.taken:
                options = sorted(set(valid) if valid is not None else self.taken)
                raise self.error(key, unknown_name_message(key, options, what="key"))
