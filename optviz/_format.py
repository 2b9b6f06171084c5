"""How numbers and hyperparameters are written for people: legends, titles, ``Trajectory.legend``.

One formatter for the whole package, so a run reads the same in a figure's legend and in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def format_number(value: Any) -> str:
    """Short, exact-looking numbers: four significant digits, compact exponents.

    >>> format_number(0.02), format_number(1e-08), format_number((0.9, 0.999)), format_number(0.0330579)
    ('0.02', '1e-8', '(0.9, 0.999)', '0.03306')
    """
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (tuple, list, np.ndarray)):
        return "(" + ", ".join(format_number(v) for v in value) + ")"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = f"{float(value):.4g}"
        return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    return str(value)


# Greek letters read better on a slide than "rho".
PARAM_NAMES = {"lr": "lr", "rho": "ρ", "alpha": "α", "betas": "β", "eps": "ε", "weight_decay": "wd"}


def hyperparams_text(hyperparams: Mapping[str, Any], *, skip: Iterable[str] = ()) -> str:
    """``lr=0.02, ρ=0.9``.

    >>> hyperparams_text({"lr": 0.02, "rho": 0.9})
    'lr=0.02, ρ=0.9'
    """
    skip = set(skip)
    return ", ".join(
        f"{PARAM_NAMES.get(k, k)}={format_number(v)}"
        for k, v in hyperparams.items()
        if k not in skip
    )


def legend(label: str, hyperparams: Mapping[str, Any]) -> str:
    """``"Momentum (lr=0.02, ρ=0.9)"``: a label and its hyperparameters.

    >>> legend("GD", {"lr": 0.1}), legend("Random", {})
    ('GD (lr=0.1)', 'Random')
    """
    shown = hyperparams_text(hyperparams)
    return f"{label} ({shown})" if shown else label
