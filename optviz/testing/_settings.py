"""Session state of the pytest plugin: options and the record of every image check (stdlib only)."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass
class Record:
    """One image check, for the terminal summary and the results page."""

    nodeid: str
    status: str  # "passed", "failed", "missing", "illegible", "wrote", "refreshed" or "unchanged"
    baseline: Path
    message: str = ""
    # expected/actual/diff, as copied into the results dir
    files: dict[str, Path] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Settings:
    """Session-wide options: from the command line and the ini file."""

    update: bool
    results_dir: Path | None
    baseline_dir: Path | None  # ini optviz_baseline_dir, absolute; None: baseline/ by each test
    text: str
    rootpath: Path
    invocation_dir: Path
    plugin_args: tuple[
        str, ...
    ]  # the -p options that loaded this plugin, repeated in suggested commands
    records: list[Record] = dataclasses.field(default_factory=list)
