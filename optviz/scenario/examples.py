"""The lecture's scenarios, shipped with optviz: ``optviz render --example NAME``, ``optviz gallery``.

They are the repository's ``scenarios/*.toml``, one source of truth: pyproject's ``package-dir`` installs that
folder as the package ``optviz.examples``, so a wheel carries the files and an editable install reads the
folder itself. Without a clone, ``optviz list`` names them and ``optviz gallery -o DIR`` renders them.

>>> "sgd_vs_momentum" in example_names()
True
>>> example("sgd_vs_momentum.toml").name
'sgd_vs_momentum.toml'
>>> example("sgd_vs_momentun")
Traceback (most recent call last):
...
optviz._validate.ParameterError: --example: unknown example 'sgd_vs_momentun'; did you mean 'sgd_vs_momentum'? ...
"""

from __future__ import annotations

from pathlib import Path

from optviz._validate import ParameterError, unknown_name_message


def example_dir() -> Path | None:
    """The folder holding the shipped scenarios (None if this installation has none)."""
    try:
        import optviz.examples as examples
    except (
        ImportError
    ):  # an editable install made before the examples were packaged: the clone's folder
        folder = Path(__file__).resolve().parents[2] / "scenarios"
        return folder if folder.is_dir() else None
    return Path(examples.__file__).resolve().parent


def example_paths() -> list[Path]:
    """The shipped scenario files, sorted by name."""
    folder = example_dir()
    return sorted(folder.glob("*.toml")) if folder is not None else []


def example_names() -> list[str]:
    """The shipped scenarios' names (their file stems)."""
    return [p.stem for p in example_paths()]


def example(name: str) -> Path:
    """The file of the shipped scenario ``name`` (with or without ``.toml``)."""
    stem = name[:-5] if name.endswith(".toml") else name
    for path in example_paths():
        if path.stem == stem:
            return path
    raise ParameterError("--example", unknown_name_message(stem, example_names(), what="example"))


__all__ = ["example", "example_dir", "example_names", "example_paths"]
