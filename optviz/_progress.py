"""A minimal progress bar: drawn on a terminal, silent otherwise (pipes, CI logs, ``quiet=True``).

tqdm would do, but a dozen lines avoid a dependency for one bar.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any


class Progress:
    """``with Progress(total, "frames") as bar: bar.update()``; redraws at most ten times a second."""

    def __init__(
        self, total: int, unit: str = "", *, quiet: bool = False, stream: IO[str] | None = None
    ) -> None:
        self.total = max(int(total), 0)
        self.unit = unit
        self.count = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_tty(self.stream) and self.total > 0
        self._last = 0.0
        self._start = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def update(self, n: int = 1, text: str = "") -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and self.count < self.total:
            return
        self._last = now
        width = 28
        filled = int(width * self.count / self.total)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = now - self._start
        self.stream.write(
            f"\r[{bar}] {self.count}/{self.total} {self.unit} {elapsed:5.1f}s {text[:40]:<40}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
