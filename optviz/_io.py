"""Atomic file output: write a temporary file in the target folder, then ``os.replace`` it.

A crash, a full disk or a bad scenario can therefore never leave a partial file or clobber a good
one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_paths(paths: Sequence[str | os.PathLike[str]]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each of ``paths``; when the block succeeds they all replace their
    targets, and when it fails they all go: a set of outputs is written whole or not at all.

    The temporary names keep the final suffix (``.tmp-XXXX.png``) so that writers that infer the
    format from the name (Pillow, matplotlib) still see it.
    """
    targets = [Path(p) for p in paths]
    for target in targets:
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no such folder")
    temps: list[Path] = []
    try:
        for target in targets:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent
            )
            os.close(fd)
            temps.append(Path(tmp))
        yield list(temps)
        # mkstemp makes the file 0600; give the results the usual permissions for a new file.
        umask = os.umask(0)
        os.umask(umask)
        for tmp in temps:
            os.chmod(tmp, 0o666 & ~umask)
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
    except BaseException:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it goes."""
    with atomic_paths([path]) as (tmp,):
        yield tmp


def write_atomic(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write(fileobj)`` on a temporary file, move it into place; returns the final path."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        write(handle)
    return Path(path)
