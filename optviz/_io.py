"""Atomic file output: write a temporary file in the target folder, then ``os.replace`` it.

A crash, a full disk or a bad scenario can therefore never leave a partial file or clobber a good
one.

Each output has one temporary name, beside it: ``.optviz-<12 hex digits of the target's name>.<pid>.tmp.<ext>``.
It is short whatever the target's name (a 250-character stem is legal; a temporary name longer than it would
not be), keeps the final suffix (Pillow and matplotlib infer the format from it), and names the process that
made it, so that the next run in that folder removes the ones a killed process left (:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

_STALE = re.compile(r"^\.optviz-[0-9a-f]{12}\.(\d+)\.tmp(\.[A-Za-z0-9]{1,8})?$")


def temp_name(target: Path, pid: int | None = None) -> Path:
    """The temporary name of ``target`` for this process (see the module's docstring).

    >>> temp_name(Path("out/fig.png"), pid=42).as_posix()
    'out/.optviz-b4cb110da18d.42.tmp.png'
    """
    digest = hashlib.sha256(target.name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    suffix = target.suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", target.suffix) else ""
    return target.parent / f".optviz-{digest}.{os.getpid() if pid is None else pid}.tmp{suffix}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # another user's process: leave its files alone
    return True


def clean_stale(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that processes no longer running left in ``folder`` (killed mid-write);
    returns them. Only names of optviz's own pattern are touched."""
    removed = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _STALE.match(entry.name)
            if match and not _alive(int(match.group(1))) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


class Staging:
    """A set of outputs written to temporary files and moved into place together (:meth:`commit`), or not
    at all (:meth:`discard`). Use it through :func:`staging` or :func:`atomic_paths`."""

    def __init__(self) -> None:
        self._pairs: list[tuple[Path, Path]] = []
        self._cleaned: set[Path] = set()

    def check(self, paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
        """Refuse, before anything is written, targets that cannot be replaced by a file: a missing folder
        (``FileNotFoundError``), a folder (``IsADirectoryError``), a target given twice (``ValueError``); each
        message is one line naming the path."""
        targets = [Path(p) for p in paths]
        staged = {target for target, _ in self._pairs}
        for target in targets:
            folder = target.parent if str(target.parent) else Path(".")
            if not folder.is_dir():
                raise FileNotFoundError(f"{folder}: no such folder")
            if target.is_dir():
                raise IsADirectoryError(f"{target}: is a folder; a file cannot replace it")
            if target in staged:
                raise ValueError(f"{target}: would be written twice")
            staged.add(target)
        return targets

    def add(self, paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
        """A temporary path beside each of ``paths`` (checked first, all of them: nothing is created for a
        set that cannot be written)."""
        targets = self.check(paths)
        temps = []
        for target in targets:
            folder = target.parent
            if folder not in self._cleaned:
                clean_stale(folder)
                self._cleaned.add(folder)
            tmp = temp_name(target)
            # Our own name for this target in this process: a leftover of an earlier failure in this
            # process, never another's file.
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            self._pairs.append((target, tmp))
            temps.append(tmp)
        return temps

    def commit(self) -> None:
        # The temporary files are 0600; give the results the usual permissions for a new file.
        umask = os.umask(0)
        os.umask(umask)
        for target, _ in self._pairs:
            if target.is_dir():  # made a folder since the check: say so rather than fail half-way
                raise IsADirectoryError(f"{target}: is a folder; a file cannot replace it")
        for _, tmp in self._pairs:
            os.chmod(tmp, 0o666 & ~umask)
        for target, tmp in self._pairs:
            os.replace(tmp, target)
        self._pairs = []

    def discard(self) -> None:
        for _, tmp in self._pairs:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self._pairs = []


@contextlib.contextmanager
def staging() -> Iterator[Staging]:
    """A :class:`Staging` whose files are moved into place when the block succeeds, and removed when it
    fails."""
    stage = Staging()
    try:
        yield stage
        stage.commit()
    except BaseException:
        stage.discard()
        raise


@contextlib.contextmanager
def atomic_paths(paths: Sequence[str | os.PathLike[str]]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each of ``paths``; when the block succeeds they all replace their
    targets, and when it fails they all go: a set of outputs is written whole or not at all.

    The temporary names keep the final suffix (``.tmp.png``) so that writers that infer the
    format from the name (Pillow, matplotlib) still see it.
    """
    with staging() as stage:
        yield stage.add(paths)


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
