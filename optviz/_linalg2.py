"""2 x 2 linear algebra written out, for the numeric core (numpy only: no ``numpy.linalg``, no BLAS).

LAPACK and the BLAS under it pick their kernels by CPU, and a fused multiply-add changes the last bit, so a
run, a surface's minimum or its view would differ between machines (tests/test_machine_independence.py).
Plain multiplies, subtractions and divisions round the same everywhere.
"""

from __future__ import annotations

from typing import Any


def solve_2x2(a: Any, b: Any, c: Any, d: Any, g0: Any, g1: Any) -> tuple[Any, Any]:
    """``[[a, b], [c, d]]^-1 (g0, g1)`` by the adjugate: ``(d g0 - b g1, a g1 - c g0) / (a d - b c)``.

    The entries are numbers or arrays (broadcast: one matrix per row of a batch). A singular matrix gives
    what the division gives (infinities, NaN: the caller decides what that means, under its own
    ``np.errstate``).

    >>> solve_2x2(2.0, 0.0, 0.0, 4.0, 1.0, 1.0)
    (0.5, 0.25)
    """
    det = a * d - b * c
    return (d * g0 - b * g1) / det, (a * g1 - c * g0) / det
