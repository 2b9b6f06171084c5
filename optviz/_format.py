"""How numbers and runs are written for people: legends, titles, reprs, readouts, tables.

One formatter for the whole package, so a number reads the same in a figure's legend, in a rule's repr, in the
explorer's readouts and in Python: :func:`format_number`. :func:`legend` is the one way a run is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def format_number(value: Any, digits: int = 4, *, decimals: int | None = None) -> str:
    """A number for people: ``digits`` significant digits, compact exponents, no needless zeros.

    Numbers from 1 to 9999 keep every digit of their integer part (a readout of 3873, not 3.87e3); smaller
    and larger ones switch to an exponent as ``%g`` does. Sequences are written element by element: a tuple
    (a pair such as ``betas``) in parentheses, a list or array (one value per run) in brackets.
    ``decimals=n`` writes a fixed number of decimals instead, without a ``-0.00``.

    >>> format_number(0.02), format_number(1e-08), format_number((0.9, 0.999)), format_number(0.0330579)
    ('0.02', '1e-8', '(0.9, 0.999)', '0.03306')
    >>> format_number(3873.2, 3), format_number(0.08953, 3), format_number(1.23e6, 3), format_number([0.1, 2])
    ('3873', '0.0895', '1.23e6', '[0.1, 2]')
    >>> format_number(-0.001, decimals=2), format_number(6.413, decimals=2), format_number(float("inf"))
    ('0.00', '6.41', 'inf')
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(format_number(v, digits, decimals=decimals) for v in value) + ")"
    if isinstance(value, (list, np.ndarray)):
        items = value.tolist() if isinstance(value, np.ndarray) else value
        if not isinstance(items, list):  # a 0-d array
            return format_number(items, digits, decimals=decimals)
        return "[" + ", ".join(format_number(v, digits, decimals=decimals) for v in items) + "]"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if not isinstance(value, (float, np.floating)):
        return str(value)
    value = float(value)
    if decimals is not None:
        text = f"{value:.{decimals}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    if 1 <= abs(value) < 1e4:
        digits = max(digits, len(str(int(abs(value)))))
    text = f"{value:.{digits}g}"
    return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


# Greek letters read better on a slide than "rho".
PARAM_NAMES = {
    "lr": "lr",
    "rho": "ρ",
    "alpha": "α",
    "betas": "β",
    "eps": "ε",
    "weight_decay": "wd",
    "gamma": "γ",
}
# Options whose value says it all: shown as the value alone (L-BFGS's line search), in words.
VALUE_ONLY = {"line_search_fn": {"strong_wolfe": "strong Wolfe"}}


def hyperparams_text(hyperparams: Mapping[str, Any], *, skip: Iterable[str] = ()) -> str:
    """``lr=0.02, ρ=0.9``.

    >>> hyperparams_text({"lr": 0.02, "rho": 0.9})
    'lr=0.02, ρ=0.9'
    >>> hyperparams_text({"line_search_fn": "strong_wolfe", "max_iter": 5})
    'strong Wolfe, max_iter=5'
    """
    skip = set(skip)
    return ", ".join(
        VALUE_ONLY[k].get(v, str(v))
        if k in VALUE_ONLY
        else f"{PARAM_NAMES.get(k, k)}={format_number(v)}"
        for k, v in hyperparams.items()
        if k not in skip
    )


def legend(
    label: str,
    hyperparams: Mapping[str, Any],
    *,
    custom: bool = False,
    show: bool = True,
    skip: Iterable[str] = (),
    schedule: str | None = None,
) -> str:
    """``"Momentum (lr=0.02, ρ=0.9)"``: a run's label and its hyperparameters, as every legend writes it.

    A ``custom`` label (one the user chose) is shown as written; ``show=False`` leaves the hyperparameters
    out (a shared legend of several panels); ``skip`` leaves some out (the one a figure sweeps). ``schedule``
    (the lr schedule's own legend text) follows, so a scheduled run says so.

    >>> legend("GD", {"lr": 0.1}), legend("Random", {}), legend("mine", {"lr": 0.1}, custom=True)
    ('GD (lr=0.1)', 'Random', 'mine')
    >>> legend("Momentum", {"lr": 0.1, "rho": 0.9}, skip=["lr"])
    'Momentum (ρ=0.9)'
    >>> legend("GD", {"lr": 0.1}, schedule="cosine (T_max=100)")
    'GD (lr=0.1), cosine (T_max=100)'
    """
    shown = hyperparams_text(hyperparams, skip=skip) if show and not custom else ""
    text = f"{label} ({shown})" if shown else label
    return f"{text}, {schedule}" if schedule and not custom else text
