"""Temporary attribute replacement on classes and modules, undone in reverse order."""

from __future__ import annotations

from typing import Any

_MISSING = object()


class Patches:
    """Set attributes now and put every one back (or delete it, if it was inherited) on
    :meth:`restore`.

    >>> class A:
    ...     x = 1
    >>> class B(A):
    ...     pass
    >>> p = Patches()
    >>> p.set(B, "x", 2)
    >>> p.set(B, "x", 3)  # patching twice keeps the first original
    >>> (A.x, B.x)
    (1, 3)
    >>> p.restore()
    >>> (A.x, B.x, "x" in vars(B))
    (1, 1, False)
    """

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        # vars(), not getattr(): an inherited attribute is deleted on restore, not copied down.
        self._saved.append((owner, name, vars(owner).get(name, _MISSING)))
        setattr(owner, name, value)

    def is_patched(self, owner: Any, name: str) -> bool:
        return any(o is owner and n == name for o, n, _ in self._saved)

    def restore(self) -> None:
        while self._saved:
            owner, name, original = self._saved.pop()
            if original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
